"""Golden cases for the image op family, recorded from real TensorFlow: decoding of small
committed PNG/JPEG/GIF/BMP files (tools/goldens/image_files.py writes them) with every
channel/dtype option and TF's errors, encode round trips, every resize method x
align_corners x half_pixel_centers x up/down-scaling with the gradient ops, colour
conversions, the adjust ops, convert_image_dtype's edge cases, crops and pads.

Case format: (name, expression, inputs, tolerance, modes) as in tools/goldens/math.py, where
an input may also be `File("name")`: the file's bytes fed to a scalar string placeholder.
The tolerance is 0 (exact) or a dict with "rtol" and/or "atol" (atol also for integers).
"""

from __future__ import annotations

import numpy as np

from goldens import image_files
from goldens import math as math_goldens

F16, F32, F64, U8, U16, I32 = np.float16, np.float32, np.float64, np.uint8, np.uint16, np.int32
DEFAULT_MODES = ("static", "dynamic")
ALL_MODES = ("static", "dynamic", "unknown_rank")


class File(str):
    """An input that is the bytes of a fixture file."""


_RNG = np.random.default_rng(42)
IMG = _RNG.uniform(0, 1, (2, 5, 7, 3)).astype(F32)
IMG_U8 = (_RNG.uniform(0, 255, (2, 6, 5, 3))).astype(U8)
IMG_F64 = _RNG.uniform(-1, 1, (1, 4, 6, 2)).astype(F64)
RGB = _RNG.uniform(0, 1, (4, 5, 3)).astype(F32)
RGB[0, 0] = [0.5, 0.5, 0.5]
RGB[0, 1] = [0.0, 0.0, 0.0]
RGB[0, 2] = [0.9, 0.9, 0.1]
RGB[0, 3] = [0.2, 0.7, 0.7]
RGB[0, 4] = [1.0, 0.0, 1.0]
HSV = _RNG.uniform(0, 1, (3, 4, 3)).astype(F32)
HSV[0, 0] = [1.0, 0.5, 0.5]
HSV[0, 1] = [0.0, 0.0, 0.3]


def _files_case(name, expr, files, tol=0, modes=("static",)):
    return (name, expr, {key: File(value) for key, value in files.items()}, tol, modes)


def _decode_png_all(name):
    expr = (
        "[tf.image.decode_png(f, channels=c, dtype=d) for c in (0, 1, 3, 4) "
        "for d in (tf.uint8, tf.uint16)]"
    )
    return _files_case(f"decode_png_{name.replace('.', '_')}", expr, {"f": name})


PNG_FILES = [
    "gray8.png",
    "ga8.png",
    "rgb8.png",
    "rgba8.png",
    "rgb16.png",
    "rgb16_filters.png",
    "rgba16_interlaced.png",
    "ga16.png",
    "rgb16_trns.png",
    "rgb8_interlaced.png",
    "gray16_trns.png",
    "gray2.png",
    "gray4_trns.png",
    "gray1.png",
    "palette4.png",
    "palette8_trns.png",
    "rgb8_trns.png",
]
JPEG_FILES = ["rgb420.jpg", "rgb444.jpg", "gray.jpg", "progressive.jpg", "big420.jpg"]

# fmt: off
CODEC_CASES = [_decode_png_all(name) for name in PNG_FILES] + [
    _files_case(f"decode_jpeg_{name.replace('.', '_')}",
                "[tf.image.decode_jpeg(f, channels=c, ratio=r) for c in (0, 1, 3) "
                "for r in (1, 2, 4, 8)]", {"f": name})
    for name in JPEG_FILES
] + [
    _files_case(f"decode_jpeg_options_{name.replace('.', '_')}",
                "[tf.image.decode_jpeg(f, channels=3, dct_method=m, fancy_upscaling=u) "
                "for m in ('', 'INTEGER_FAST', 'INTEGER_ACCURATE') for u in (True, False)]",
                {"f": name})
    for name in ("rgb444.jpg", "gray.jpg")
] + [
    # Exact, except INTEGER_ACCURATE without fancy upsampling (output 5): within 8 levels.
    _files_case("decode_jpeg_options_big420_jpg",
                "[tf.image.decode_jpeg(f, channels=3, dct_method=m, fancy_upscaling=u) "
                "for m in ('', 'INTEGER_FAST', 'INTEGER_ACCURATE') for u in (True, False)]",
                {"f": "big420.jpg"}, {"atol": 8}),
] + [
    # ISLOW without fancy upsampling of 4:2:0 chroma is the one approximate combination.
    _files_case("decode_jpeg_islow_plain_420",
                "tf.image.decode_jpeg(f, dct_method='INTEGER_ACCURATE', fancy_upscaling=False)",
                {"f": "rgb420.jpg"}, {"atol": 8}),
    _files_case("decode_jpeg_fast_fancy_420",
                "[tf.image.decode_jpeg(f, dct_method='INTEGER_FAST'), tf.image.decode_jpeg(f), "
                "tf.image.decode_jpeg(f, dct_method='INTEGER_ACCURATE'), "
                "tf.image.decode_jpeg(f, fancy_upscaling=False)]", {"f": "rgb420.jpg"}),
    _files_case("decode_jpeg_dynamic", "tf.image.decode_jpeg(f, channels=3)",
                {"f": "rgb420.jpg"}, 0, ALL_MODES),
    _files_case("decode_jpeg_truncated", "tf.image.decode_jpeg(f)", {"f": "truncated.jpg"}),
    # Truncated data: shape and dtype as TF; the pixels after the cut are not TF's.
    _files_case("decode_jpeg_truncated_recover",
                "tf.image.decode_jpeg(f, try_recover_truncated=True)", {"f": "truncated.jpg"},
                {"atol": 255}),
    _files_case("decode_jpeg_truncated_fraction",
                "tf.image.decode_jpeg(f, acceptable_fraction=0.3)", {"f": "truncated.jpg"},
                {"atol": 255}),
    _files_case("decode_jpeg_corrupt", "tf.image.decode_jpeg(f)", {"f": "corrupt.jpg"},
                {"atol": 255}),
    _files_case("decode_jpeg_four_channels", "tf.image.decode_jpeg(f, channels=4)",
                {"f": "rgb420.jpg"}),
    _files_case("decode_jpeg_bad_ratio", "tf.image.decode_jpeg(f, ratio=3)", {"f": "rgb420.jpg"}),
    _files_case("decode_jpeg_bad_dct", "tf.image.decode_jpeg(f, dct_method='FLOAT')",
                {"f": "rgb420.jpg"}),
    _files_case("decode_jpeg_of_png_and_gif",
                "[tf.image.decode_jpeg(p), tf.image.decode_jpeg(g), tf.image.decode_png(j), "
                "tf.image.decode_png(g, channels=3)]",
                {"p": "rgba8.png", "g": "single.gif", "j": "rgb444.jpg"}),
    _files_case("decode_jpeg_of_bmp", "tf.image.decode_jpeg(f)", {"f": "rgb24.bmp"}),
    _files_case("decode_png_of_animated_gif", "tf.image.decode_png(f)", {"f": "animated.gif"}),
    _files_case("decode_png_truncated", "tf.image.decode_png(f)", {"f": "truncated.png"}),
    _files_case("decode_png_of_bmp", "tf.image.decode_png(f)", {"f": "rgb24.bmp"}),
    _files_case("decode_png_bad_channels",
                "[tf.image.decode_png(f, channels=2), tf.image.decode_png(f, channels=5)]",
                {"f": "rgb8.png"}),
    _files_case("decode_gif_files",
                "[tf.image.decode_gif(a), tf.image.decode_gif(s), tf.image.decode_gif(t), "
                "tf.image.decode_gif(p), tf.image.decode_gif(j)]",
                {"a": "animated.gif", "s": "single.gif", "t": "transparent.gif",
                 "p": "rgb8.png", "j": "rgb444.jpg"}),
    _files_case("decode_gif_dynamic", "tf.image.decode_gif(f)", {"f": "animated.gif"}, 0,
                ALL_MODES),
    _files_case("decode_gif_truncated", "tf.image.decode_gif(f)", {"f": "truncated.gif"}),
    _files_case("decode_gif_of_bmp", "tf.image.decode_gif(f)", {"f": "rgb24.bmp"}),
    _files_case("decode_bmp_files",
                "[tf.image.decode_bmp(f, channels=c) for f in (a, b, g, t) for c in (0, 3, 4)]",
                {"a": "rgb24.bmp", "b": "rgba32.bmp", "g": "gray8.bmp", "t": "topdown24.bmp"}),
    _files_case("decode_bmp_one_channel", "tf.image.decode_bmp(f, channels=1)",
                {"f": "rgb24.bmp"}),
    _files_case("decode_bmp_short", "tf.image.decode_bmp(f)", {"f": "short.bmp"}),
    _files_case("decode_bmp_of_png", "tf.image.decode_bmp(f)", {"f": "rgb8.png"}),
    _files_case("decode_bmp_of_jpeg", "tf.image.decode_bmp(f)", {"f": "rgb444.jpg"}),
    _files_case("decode_bmp_of_gif", "tf.image.decode_bmp(f)", {"f": "single.gif"}),
    _files_case("decode_image_formats",
                "[tf.image.decode_image(f, dtype=d) for f in (p, j, b, s) "
                "for d in (tf.uint8, tf.uint16, tf.float32)]",
                {"p": "rgb16.png", "j": "rgb444.jpg", "b": "rgb24.bmp", "s": "single.gif"},
                {"rtol": 1e-7}),
    _files_case("decode_image_other_dtypes",
                "[tf.image.decode_image(f, dtype=tf.float64), "
                "tf.image.decode_image(f, dtype=tf.int32, channels=1), "
                "tf.image.decode_image(p, channels=4, dtype=tf.uint16)]",
                {"f": "rgb8.png", "p": "palette8_trns.png"}, {"rtol": 1e-12}),
    _files_case("decode_image_gif_animations",
                "[tf.image.decode_image(f), tf.image.decode_image(f, expand_animations=False), "
                "tf.image.decode_image(f, channels=3, expand_animations=False)]",
                {"f": "animated.gif"}),
    _files_case("decode_image_unknown", "tf.image.decode_image(f)", {"f": "unknown.bin"}),
    _files_case("decode_image_gif_one_channel", "tf.image.decode_image(f, channels=1)",
                {"f": "single.gif"}),
    ("decode_empty", "tf.image.decode_png(tf.constant(''))", {}, 0, ("const",)),
    ("decode_not_scalar", "tf.image.decode_png(tf.constant(['a', 'b']))", {}, 0, ("const",)),
    _files_case("extract_jpeg_shape",
                "[tf.image.extract_jpeg_shape(f), tf.image.extract_jpeg_shape(f, tf.int64), "
                "tf.image.extract_jpeg_shape(g)]", {"f": "rgb420.jpg", "g": "gray.jpg"}),
    _files_case("extract_jpeg_shape_of_png", "tf.image.extract_jpeg_shape(f)", {"f": "rgb8.png"}),
    ("png_round_trip",
     "[tf.image.decode_png(tf.image.encode_png(x), dtype=tf.uint16), "
     "tf.image.decode_png(tf.image.encode_png(y, compression=9)), "
     "tf.image.decode_png(tf.image.encode_png(z)), tf.shape(tf.image.encode_png(b))]",
     {"x": image_files._gradient(5, 6, 3, top=65535).astype(U16),
      "y": image_files._gradient(4, 3, 2).astype(U8),
      "z": image_files._gradient(3, 3, 1).astype(U8),
      "b": image_files._gradient(12, 5, 4).astype(U8).reshape(2, 2, 3, 5, 4)}, 0),
    ("jpeg_round_trip",
     "[tf.image.decode_jpeg(tf.image.encode_jpeg(x)), "
     "tf.image.decode_jpeg(tf.image.encode_jpeg(x, quality=50, progressive=True)), "
     "tf.image.decode_jpeg(tf.image.encode_jpeg(x, chroma_downsampling=False, "
     "optimize_size=True)), tf.image.decode_jpeg(tf.image.encode_jpeg(g, format='grayscale')), "
     "tf.image.decode_jpeg(tf.image.encode_jpeg(x, density_unit='cm', x_density=72, "
     "xmp_metadata='<x/>'))]",
     {"x": image_files._gradient(13, 17, 3).astype(U8),
      "g": image_files._gradient(9, 8, 1).astype(U8)}, {"atol": 1}),
    ("encode_jpeg_errors_quality", "tf.image.encode_jpeg(x, quality=101)",
     {"x": np.zeros((2, 2, 3), U8)}),
    ("encode_jpeg_errors_channels", "tf.image.encode_jpeg(x)", {"x": np.zeros((2, 2, 2), U8)}),
    ("encode_jpeg_errors_format", "tf.image.encode_jpeg(x, format='rgb')",
     {"x": np.zeros((2, 2, 1), U8)}),
    ("encode_jpeg_errors_rank", "tf.image.encode_jpeg(x)", {"x": np.zeros((2, 2), U8)}),
    ("encode_jpeg_empty", "tf.image.encode_jpeg(x)", {"x": np.zeros((0, 2, 3), U8)}),
    ("encode_png_errors_channels", "tf.image.encode_png(x)", {"x": np.zeros((2, 2, 5), U8)}),
    ("encode_png_errors_compression", "tf.image.encode_png(x, compression=10)",
     {"x": np.zeros((2, 2, 3), U8)}),
    ("encode_png_errors_rank", "tf.image.encode_png(x)", {"x": np.zeros((2, 2), U8)}),
]
# fmt: on


def _resize_cases():
    cases = []
    ops = ("ResizeBilinear", "ResizeNearestNeighbor", "ResizeBicubic", "ResizeArea")
    sizes = "[[9, 11], [3, 4], [5, 7], [1, 1], [10, 3]]"
    for op in ops:
        corners = [(False, False), (True, False), (False, True)]
        if op == "ResizeArea":
            corners = [(False, None), (True, None)]
        for align, half in corners:
            attrs = f"align_corners={align}" + (
                "" if half is None else f", half_pixel_centers={half}"
            )
            tag = f"{op}_a{int(align)}" + ("" if half is None else f"_h{int(half)}")
            cases.append(
                (
                    f"resize_{tag}",
                    f"[tf.raw_ops.{op}(images=x, size=s, {attrs}) for s in {sizes}] + "
                    f"[tf.raw_ops.{op}(images=u, size=[8, 3], {attrs}), "
                    f"tf.raw_ops.{op}(images=d, size=[7, 5], {attrs})]",
                    {"x": IMG, "u": IMG_U8, "d": IMG_F64},
                    0,
                )
            )
            if op == "ResizeArea":
                continue
            cases.append(
                (
                    f"resize_grad_{tag}",
                    "[tf.gradients(tf.reduce_sum(tf.raw_ops."
                    + op
                    + f"(images=x, size=s, {attrs}) * 1.5 + tf.raw_ops.{op}(images=x, size=s, "
                    f"{attrs}) ** 2), x)[0] for s in {sizes}]",
                    {"x": IMG_F64 if op != "ResizeNearestNeighbor" else IMG},
                    {"rtol": 1e-6},
                )
            )
            grad_op = op + "Grad"
            if op == "ResizeNearestNeighbor":
                call = (
                    f"[tf.raw_ops.{grad_op}(grads=g, size=s, {attrs}) "
                    "for s in ([2, 3], [9, 11], [4, 4])]"
                )
            else:
                call = (
                    f"[tf.raw_ops.{grad_op}(grads=g, original_image=o, {attrs}) for o in (x, y, z)]"
                )
            cases.append(
                (
                    f"resize_gradop_{tag}",
                    call,
                    {
                        "g": IMG,
                        "x": np.zeros((2, 2, 3, 3), F32),
                        "y": np.zeros((2, 9, 11, 3), F64),
                        "z": np.zeros((2, 4, 4, 3), F32),
                    },
                    {"rtol": 1e-6},
                )
            )
    cases += [
        (
            "resize_corners_and_half",
            "tf.raw_ops.ResizeBilinear(images=x, size=[3, 3], "
            "align_corners=True, half_pixel_centers=True)",
            {"x": IMG},
            0,
        ),
        (
            "resize_bad_size",
            "tf.raw_ops.ResizeBilinear(images=x, size=s)",
            {"x": IMG, "s": np.array([0, 3], I32)},
            0,
        ),
        (
            "resize_bad_rank",
            "tf.raw_ops.ResizeBicubic(images=x, size=[2, 2])",
            {"x": IMG[0]},
            0,
            ("unknown_rank",),
        ),
        (
            "resize_size_three",
            "tf.raw_ops.ResizeArea(images=x, size=s)",
            {"x": IMG, "s": np.array([2, 3, 4], I32)},
            0,
            ("static", "unknown_rank"),
        ),
        (
            "resize_empty_image",
            "tf.raw_ops.ResizeNearestNeighbor(images=x, size=[2, 2])",
            {"x": np.zeros((1, 0, 3, 2), F32)},
            0,
        ),
        (
            "resize_empty_batch",
            "tf.raw_ops.ResizeBilinear(images=x, size=[2, 2])",
            {"x": np.zeros((0, 3, 3, 2), F32)},
            0,
        ),
        (
            "resize_images_v1",
            "[tf.image.resize_images(x, [4, 9]), tf.image.resize_images(x, [4, 9], method=1), "
            "tf.image.resize_images(x, [4, 9], method=2, align_corners=True), "
            "tf.image.resize_images(x, [2, 3], method=3), tf.image.resize(x, [5, 7]), "
            "tf.image.resize_images(x, [10, 10], preserve_aspect_ratio=True), "
            "tf.image.resize_images(x[0], [3, 3], method='nearest'), "
            "tf.image.resize_bilinear(x, [6, 6], half_pixel_centers=True), "
            "tf.image.resize_nearest_neighbor(x, [6, 6], align_corners=True), "
            "tf.image.resize_bicubic(x, [6, 6]), tf.image.resize_area(x, [2, 2])]",
            {"x": IMG},
            {"rtol": 1e-6},
        ),
        ("resize_images_bad_method", "tf.image.resize_images(x, [2, 2], method=7)", {"x": IMG}, 0),
        ("resize_images_bad_rank", "tf.image.resize_images(x, [2, 2])", {"x": IMG[0, 0]}, 0),
    ]
    return cases


# fmt: off
COLOR_CASES = [
    ("rgb_to_hsv", "[tf.image.rgb_to_hsv(x), tf.image.rgb_to_hsv(tf.cast(x, tf.float64)), "
     "tf.image.rgb_to_hsv(tf.cast(x, tf.float16))]", {"x": RGB}, 0, ALL_MODES),
    ("hsv_to_rgb", "[tf.image.hsv_to_rgb(x), tf.image.hsv_to_rgb(tf.cast(x, tf.float64)), "
     "tf.image.hsv_to_rgb(tf.cast(x, tf.float16))]", {"x": HSV}, 0, ALL_MODES),
    ("rgb_to_hsv_grad", "tf.gradients(tf.reduce_sum(tf.image.rgb_to_hsv(x) * w), x)[0]",
     {"x": _RNG.uniform(0.1, 1, (3, 4, 3)).astype(F64),
      "w": _RNG.normal(size=(3, 4, 3))}, {"rtol": 1e-10}),
    ("rgb_to_hsv_bad_channels", "tf.image.rgb_to_hsv(x)", {"x": np.zeros((2, 4), F32)}, 0,
     ALL_MODES),
    ("hsv_to_rgb_scalar", "tf.image.hsv_to_rgb(x)", {"x": np.zeros((), F32)}, 0,
     ("static", "unknown_rank")),
    ("grayscale", "[tf.image.rgb_to_grayscale(x), tf.image.rgb_to_grayscale(u), "
     "tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(u))]",
     {"x": RGB, "u": IMG_U8}, {"rtol": 1e-6}, ALL_MODES),
    ("grayscale_to_rgb_bad", "tf.image.grayscale_to_rgb(x)", {"x": RGB}, 0, ALL_MODES),
    ("convert_image_dtype_int_float",
     "[tf.image.convert_image_dtype(u, tf.float32), tf.image.convert_image_dtype(u, tf.float64), "
     "tf.image.convert_image_dtype(i, tf.float32), tf.image.convert_image_dtype(u, tf.uint16), "
     "tf.image.convert_image_dtype(u, tf.int32), tf.image.convert_image_dtype(i, tf.uint8), "
     "tf.image.convert_image_dtype(i, tf.int8, saturate=True), "
     "tf.image.convert_image_dtype(i, tf.int64), tf.image.convert_image_dtype(u, tf.uint8)]",
     {"u": np.array([0, 1, 127, 128, 254, 255], U8),
      "i": np.array([-2147483648, -1, 0, 1, 65535, 2147483647], I32)}, {"rtol": 1e-7}),
    ("convert_image_dtype_float_int",
     "[tf.image.convert_image_dtype(f, tf.uint8), tf.image.convert_image_dtype(g, tf.uint8, "
     "saturate=True), tf.image.convert_image_dtype(g, tf.int16, saturate=True), "
     "tf.image.convert_image_dtype(g, tf.int32, saturate=True), "
     "tf.image.convert_image_dtype(g, tf.float16), tf.image.convert_image_dtype(d, tf.uint16), "
     "tf.image.convert_image_dtype(e, tf.int8, saturate=True)]",
     {"f": np.array([0.0, 0.25, 0.5, 0.999, 1.0, 1e-7], F32),
      "g": np.array([0.0, 0.25, 0.5, 0.999, 1.0, -0.5, 1.5], F32),
      "d": np.array([0.0, 0.1, 0.5, 1.0, 1e-9], F64),
      "e": np.array([0.0, 0.1, 0.5, 1.0, 1e-9, -1.0, 2.0], F64)}, {"rtol": 1e-7}),
    ("convert_image_dtype_bad", "tf.image.convert_image_dtype(x, tf.string)",
     {"x": np.zeros(2, F32)}, 0),
]

ADJUST_CASES = [
    ("adjust_contrast", "[tf.image.adjust_contrast(x, 1.7), tf.image.adjust_contrast(x, -0.5), "
     "tf.image.adjust_contrast(u, 2.0), tf.raw_ops.AdjustContrastv2(images=x[0], "
     "contrast_factor=0.3)]", {"x": IMG, "u": IMG_U8}, 0, ALL_MODES),
    ("adjust_contrast_big", "tf.image.adjust_contrast(x, 0.7)",
     {"x": _RNG.uniform(0, 1, (3, 37, 29, 5)).astype(F32)}, 0),
    ("adjust_saturation", "[tf.image.adjust_saturation(x, f) for f in (0.0, 0.5, 1.0, 2.5)] + "
     "[tf.image.adjust_saturation(u, 1.5)]", {"x": RGB, "u": IMG_U8}, 0, ALL_MODES),
    ("adjust_hue", "[tf.image.adjust_hue(x, d) for d in (0.0, 0.1, -0.3, 0.5, 0.9, -1.0)] + "
     "[tf.image.adjust_hue(u, 0.25)]", {"x": RGB, "u": IMG_U8}, 0, ALL_MODES),
    ("adjust_hue_bad_channels", "tf.image.adjust_hue(x, 0.1)",
     {"x": np.zeros((2, 2, 4), F32)}, 0, ALL_MODES),
    ("adjust_saturation_bad_rank", "tf.image.adjust_saturation(x, 0.1)",
     {"x": np.zeros((2, 3), F32)}, 0, ALL_MODES),
    ("adjust_brightness", "[tf.image.adjust_brightness(x, 0.2), "
     "tf.image.adjust_brightness(u, 0.1), tf.image.adjust_brightness(u, -0.3), "
     "tf.image.adjust_brightness(h, 0.5)]",
     {"x": RGB, "u": IMG_U8, "h": RGB.astype(F16)}, 0),
    ("adjust_gamma", "[tf.image.adjust_gamma(x, 2.0), tf.image.adjust_gamma(x, 0.5, 1.2), "
     "tf.image.adjust_gamma(u, 0.7)]", {"x": RGB, "u": IMG_U8}, {"rtol": 1e-6}),
    ("adjust_gamma_negative", "tf.image.adjust_gamma(x, -1.0)", {"x": RGB}, 0),
    ("per_image_standardization", "[tf.image.per_image_standardization(x), "
     "tf.image.per_image_standardization(u), tf.image.per_image_standardization(c)]",
     {"x": IMG, "u": IMG_U8, "c": np.full((3, 2, 1), 7.0, F32)}, {"rtol": 1e-5, "atol": 1e-6},
     ALL_MODES),
    ("total_variation_and_gradients", "[tf.image.total_variation(x), "
     "tf.image.total_variation(x[0]), tf.image.image_gradients(x)[0], "
     "tf.image.image_gradients(x)[1]]", {"x": IMG}, {"rtol": 1e-6}),
]

GEOMETRY_CASES = [
    ("flips", "[tf.image.flip_left_right(x), tf.image.flip_up_down(x), "
     "tf.image.flip_left_right(x[0]), tf.image.flip_up_down(x[1])]", {"x": IMG}, 0, ALL_MODES),
    # Unknown rank is left out: TF 2.21 runs a wrong-rank cond branch there and fails.
    ("rotations_and_transpose", "[tf.image.rot90(x), tf.image.rot90(x, 2), "
     "tf.image.rot90(x[1], 3), tf.image.rot90(x, -1), tf.image.transpose(x), "
     "tf.image.transpose_image(x[0])]", {"x": IMG}, 0),
    ("flip_bad_rank", "tf.image.flip_left_right(x)", {"x": IMG[0, 0]}, 0, ALL_MODES),
    ("crop_to_bounding_box", "[tf.image.crop_to_bounding_box(x, 1, 2, 3, 4), "
     "tf.image.crop_to_bounding_box(x[0], 0, 0, 5, 7), "
     "tf.image.crop_to_bounding_box(x, 2, 3, 3, 4)]", {"x": IMG}, 0, ALL_MODES),
    ("crop_to_bounding_box_too_big", "tf.image.crop_to_bounding_box(x, 3, 0, 3, 4)",
     {"x": IMG}, 0, ALL_MODES),
    ("crop_to_bounding_box_negative", "tf.image.crop_to_bounding_box(x, -1, 0, 3, 4)",
     {"x": IMG}, 0),
    ("pad_to_bounding_box", "[tf.image.pad_to_bounding_box(x, 1, 2, 8, 10), "
     "tf.image.pad_to_bounding_box(x[1], 0, 0, 5, 7), "
     "tf.image.pad_to_bounding_box(u, 2, 1, 9, 6)]", {"x": IMG, "u": IMG_U8}, 0, ALL_MODES),
    ("pad_to_bounding_box_too_small", "tf.image.pad_to_bounding_box(x, 1, 0, 5, 7)",
     {"x": IMG}, 0, ALL_MODES),
    ("resize_with_crop_or_pad", "[tf.image.resize_with_crop_or_pad(x, 3, 10), "
     "tf.image.resize_image_with_crop_or_pad(x[0], 8, 2), "
     "tf.image.resize_with_crop_or_pad(x, 5, 7)]", {"x": IMG}, 0, ALL_MODES),
    ("resize_with_crop_or_pad_zero", "tf.image.resize_with_crop_or_pad(x, 0, 3)",
     {"x": IMG}, 0),
    ("central_crop", "[tf.image.central_crop(x, 0.5), tf.image.central_crop(x[0], 0.33), "
     "tf.image.central_crop(x, 1.0)]", {"x": IMG}, 0, ALL_MODES[:2]),
    ("central_crop_bad_fraction", "tf.image.central_crop(x, 1.5)", {"x": IMG}, 0),
]
# fmt: on

CASES = CODEC_CASES + _resize_cases() + COLOR_CASES + ADJUST_CASES + GEOMETRY_CASES


def _placeholder(tf, name, value, mode):
    if isinstance(value, File):
        return tf.placeholder(tf.string, shape=None if mode == "unknown_rank" else [], name=name)
    return math_goldens._placeholder(tf, name, value, mode)


def run_mode(tf, expr, inputs, mode, arrays, files):
    """Builds and runs one case in one mode (math_goldens.run_mode, with file inputs)."""
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, name, value, mode) for name, value in inputs.items()}
        try:
            code = compile(expr, __file__, "eval")  # a real file name for TF's tracebacks
            result = eval(code, {"tf": tf, "np": np, **feeds})  # noqa: S307 - our case table
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            return {
                "build_error": type(err).__name__,
                "message": math_goldens.core_message(str(err)),
            }
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        info = {
            "shapes": [None if t.shape.rank is None else t.shape.as_list() for t in outputs],
            "dtypes": [t.dtype.name for t in outputs],
        }
        feed = {
            feeds[name]: files[value] if isinstance(value, File) else value
            for name, value in inputs.items()
        }
        try:
            with tf.Session(graph=graph) as sess:
                values = sess.run(outputs, feed)
        except tf.errors.OpError as err:
            info.update(
                run_error=type(err).__name__, message=math_goldens.core_message(err.message)
            )
            return info
        for index, value in enumerate(values):
            arrays[f"{mode}_out{index}"] = math_goldens._storable(value)
    return info


def generate(tf, writer):
    files = image_files.write_all(tf)
    for name, expr, inputs, *rest in CASES:
        tol = rest[0] if rest else 0
        modes = rest[1] if len(rest) > 1 else (DEFAULT_MODES if inputs else ("const",))
        arrays = {f"in_{k}": v for k, v in inputs.items() if not isinstance(v, File)}
        file_inputs = {k: str(v) for k, v in inputs.items() if isinstance(v, File)}
        results = {m: run_mode(tf, expr, inputs, m, arrays, files) for m in modes}
        tolerance = tol if isinstance(tol, dict) else {"rtol": tol}
        writer.save(
            name, arrays, {"call": expr, "files": file_inputs, "modes": results, **tolerance}
        )
