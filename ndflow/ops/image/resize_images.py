"""`tf.image.resize_images` (TF1's `tf.image.resize`), `resize_images_v2` (TF2's
`tf.image.resize`) and `ResizeMethod`: TF's Python layer over the resize ops — 3-D or 4-D
images, the method table, preserve_aspect_ratio, and the static output shape.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import math

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_F32 = np.float32


class ResizeMethod:
    """Mirrors TF1's `tf.image.ResizeMethod`: the integer method codes of `resize_images`."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


class ResizeMethodV2:
    """TF2's `tf.image.ResizeMethod` names (also accepted by TF1's `resize_images`)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_V1_OPS = {
    ResizeMethod.BILINEAR: "ResizeBilinear",
    ResizeMethodV2.BILINEAR: "ResizeBilinear",
    ResizeMethod.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
    ResizeMethodV2.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
    ResizeMethod.BICUBIC: "ResizeBicubic",
    ResizeMethodV2.BICUBIC: "ResizeBicubic",
    ResizeMethod.AREA: "ResizeArea",
    ResizeMethodV2.AREA: "ResizeArea",
}


def _method_op(method, table):
    try:
        return table[method]
    except (KeyError, TypeError):
        raise ValueError(f"Resize method is not implemented: {method}") from None


def _scaled_size(images, size):
    """preserve_aspect_ratio: the largest size within `size` keeping height / width.
    Computed here in TF's float32 arithmetic when everything is static (TF's shape inference
    evaluates that subgraph too), else built as TF builds it."""
    shape = images.shape.as_list()
    wanted = tensor_util.constant_value(size)
    if wanted is not None and None not in shape[1:3]:
        height, width = _F32(shape[1]), _F32(shape[2])
        scale = min(_F32(wanted[0]) / height, _F32(wanted[1]) / width)
        static = [int(np.round(scale * height)), int(np.round(scale * width))]
        return convert_to_tensor(static, dtypes.int32, name="size")
    height = shape[1] if shape[1] is not None else array.shape(images)[1]
    width = shape[2] if shape[2] is not None else array.shape(images)[2]
    scale_h = math.cast(size[0], dtypes.float32) / math.cast(height, dtypes.float32)
    scale_w = math.cast(size[1], dtypes.float32) / math.cast(width, dtypes.float32)
    scale = math.minimum(scale_h, scale_w)
    new_h = math.cast(math.round(scale * math.cast(height, dtypes.float32)), dtypes.int32)
    new_w = math.cast(math.round(scale * math.cast(width, dtypes.float32)), dtypes.int32)
    return convert_to_tensor([new_h, new_w], dtypes.int32, name="size")


def _resize_common(images, resizer, size, preserve_aspect_ratio, name, skip_if_same):
    """TF's `_resize_images_common`: 3-D or 4-D images, size checks, the static shape."""
    with graph_lib.name_scope(name, "resize", [images, size]):
        images = convert_to_tensor(images, name="images")
        if images.shape.rank is None:
            raise ValueError("'images' contains no shape.")
        is_batch = images.shape.rank == 4
        if images.shape.rank == 3:
            images = array.expand_dims(images, 0)
        elif images.shape.rank != 4:
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        _, height, width, _ = images.shape.as_list()
        try:
            size = convert_to_tensor(size, dtypes.int32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not size.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if preserve_aspect_ratio:
            size = _scaled_size(images, size)
        new_height, new_width = _static_size(size)
        same = None not in (new_height, new_width, height, width)
        if skip_if_same and same and (height, width) == (new_height, new_width):
            return images if is_batch else array.squeeze(images, axis=[0])
        images = resizer(images, size)
        images.set_shape([None, new_height, new_width, None])
        return images if is_batch else array.squeeze(images, axis=[0])


def _static_size(size):
    known = tensor_util.constant_value_as_shape(size)
    if known.rank is None:
        return None, None
    return tuple(known.as_list())


def resize_images(
    images,
    size,
    method=ResizeMethod.BILINEAR,
    align_corners=False,
    preserve_aspect_ratio=False,
    name=None,
):
    """Mirrors TF1's `tf.image.resize_images` (also `tf.image.resize` in `tf.compat.v1`).

    Args:
      images: a 3-D image or 4-D batch.
      size: [new_height, new_width], a 1-D int32 Tensor or list.
      method: a `ResizeMethod` code (0-3) or TF2 name ('bilinear', 'nearest', ...).
      align_corners: align the corner pixels' centres (half-pixel centres are off).
      preserve_aspect_ratio: fit within `size` keeping the aspect ratio.
      name: the scope name.

    Returns:
      The resized Tensor: float32, except nearest neighbour which keeps the type.

    Raises:
      ValueError: for an unknown method, a bad rank or size.

    >>> resize_images(zeros([2, 2, 1]), [4, 4])
    """
    op_type = _method_op(method, _V1_OPS)

    def resizer(images_t, new_size):
        return apply_op(op_type, images_t, new_size, align_corners=align_corners)

    return _resize_common(images, resizer, size, preserve_aspect_ratio, name, True)


def resize_images_v2(
    images,
    size,
    method=ResizeMethodV2.BILINEAR,
    preserve_aspect_ratio=False,
    antialias=False,
    name=None,
):
    """Mirrors TF2's `tf.image.resize`: half-pixel centres, never skipping the op.

    Args:
      images: a 3-D image or 4-D batch.
      size: [new_height, new_width].
      method: 'bilinear', 'nearest', 'bicubic' or 'area'.
      preserve_aspect_ratio: fit within `size` keeping the aspect ratio.
      antialias: not supported (TF's ScaleAndTranslate kernels).
      name: the scope name.

    Returns:
      The resized Tensor.

    Raises:
      ValueError: for an unknown method.
      NotImplementedError: for antialias or the scale-and-translate kernels.

    >>> resize_images_v2(zeros([2, 2, 1]), [4, 4])
    """
    scale_and_translate = (
        ResizeMethodV2.LANCZOS3,
        ResizeMethodV2.LANCZOS5,
        ResizeMethodV2.GAUSSIAN,
        ResizeMethodV2.MITCHELLCUBIC,
    )
    if method in scale_and_translate or (antialias and method != ResizeMethodV2.NEAREST_NEIGHBOR):
        raise NotImplementedError("ScaleAndTranslate resizing (antialias, lanczos...)")
    v2_ops = {k: v for k, v in _V1_OPS.items() if isinstance(k, str)}
    op_type = _method_op(method, v2_ops)

    def resizer(images_t, new_size):
        if op_type == "ResizeArea":
            return apply_op(op_type, images_t, new_size)
        return apply_op(op_type, images_t, new_size, half_pixel_centers=True)

    return _resize_common(images, resizer, size, preserve_aspect_ratio, name, False)
