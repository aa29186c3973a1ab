"""The image op family (`tf.image`): codecs (JPEG, PNG, GIF, BMP), resizing with TF's
sampling math and gradient ops, colour conversions and adjustments, crops, pads, flips and
the random augmentations.

Importing this package registers every image op; the names below re-export the builders.
"""

from __future__ import annotations

from ndflow.ops.image import adjust
from ndflow.ops.image import codecs
from ndflow.ops.image import color
from ndflow.ops.image import cropping
from ndflow.ops.image import random as random_lib
from ndflow.ops.image import resize
from ndflow.ops.image import resize_images as resize_images_lib

# color.py
convert_image_dtype = color.convert_image_dtype
rgb_to_hsv = color.rgb_to_hsv
hsv_to_rgb = color.hsv_to_rgb
rgb_to_grayscale = color.rgb_to_grayscale
grayscale_to_rgb = color.grayscale_to_rgb

# adjust.py
adjust_brightness = adjust.adjust_brightness
adjust_contrast = adjust.adjust_contrast
adjust_saturation = adjust.adjust_saturation
adjust_hue = adjust.adjust_hue
adjust_gamma = adjust.adjust_gamma
per_image_standardization = adjust.per_image_standardization
total_variation = adjust.total_variation
image_gradients = adjust.image_gradients

# cropping.py
flip_left_right = cropping.flip_left_right
flip_up_down = cropping.flip_up_down
rot90 = cropping.rot90
transpose = cropping.transpose
central_crop = cropping.central_crop
crop_to_bounding_box = cropping.crop_to_bounding_box
pad_to_bounding_box = cropping.pad_to_bounding_box
resize_image_with_crop_or_pad = cropping.resize_image_with_crop_or_pad

# resize.py
resize_bilinear = resize.resize_bilinear
resize_nearest_neighbor = resize.resize_nearest_neighbor
resize_bicubic = resize.resize_bicubic
resize_area = resize.resize_area

# resize_images.py
ResizeMethod = resize_images_lib.ResizeMethod
resize_images = resize_images_lib.resize_images
resize_images_v2 = resize_images_lib.resize_images_v2

# codecs.py
decode_jpeg = codecs.decode_jpeg
decode_png = codecs.decode_png
decode_bmp = codecs.decode_bmp
decode_gif = codecs.decode_gif
decode_image = codecs.decode_image
encode_jpeg = codecs.encode_jpeg
encode_png = codecs.encode_png
extract_jpeg_shape = codecs.extract_jpeg_shape

# random.py
random_flip_left_right = random_lib.random_flip_left_right
random_flip_up_down = random_lib.random_flip_up_down
random_crop = random_lib.random_crop
random_brightness = random_lib.random_brightness
random_contrast = random_lib.random_contrast
random_saturation = random_lib.random_saturation
random_hue = random_lib.random_hue
