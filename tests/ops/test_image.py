"""Image ops (ndflow/ops/image/): every op type against an independent reference (loops and
colorsys, tests/support/reference/image.py) or TF's recorded values, its shape inference
with TF's wording, and gradient rows (GRAD_SPECS) for the differentiable ones. Builders and
codecs in detail: test_image_builders.py; TF's goldens: test_image_goldens.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import golden
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import image as ref

F16, F32, F64, U8, U16, I32 = tf.float16, tf.float32, tf.float64, tf.uint8, tf.uint16, tf.int32
S = tf.string
FILES = golden.GOLDEN_DIR / "image" / "files"


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def data(name):
    return np.array((FILES / name).read_bytes(), dtype=object)


def recorded(case, index=0):
    """TF's value for output `index` of a recorded golden case (static mode)."""
    return golden.load("image", case)[0][f"static_out{index}"]


_RESIZE_SHAPES = [
    ShapeCase([[2, 4, 5, 3]], expected=[2, 8, 9, 3]),
    ShapeCase([[None, 4, None, 3]], expected=[None, 8, 9, 3]),
    ShapeCase([None], expected=[None, 8, 9, None]),
    ShapeCase([[4, 5, 3]], error="Shape must be rank 4 but is rank 3"),
]


def _resize_spec(op_type, reference, corners, dtypes=(F32, F64, U8, I32)):
    align, half = corners
    attrs = {"align_corners": align}
    if op_type != "ResizeArea":
        attrs["half_pixel_centers"] = half
    return OpSpec(
        op_type,
        lambda x: raw(op_type, x, [8, 9], **attrs),
        reference=lambda x: reference(x, (8, 9), *((align,) if half is None else corners)),
        shapes=[(2, 4, 5, 3)],
        dtypes=list(dtypes),
        domain="positive",
        cases=[
            # Downscaling and a one-pixel output, against the same reference.
            (
                [_grid((1, 6, 7, 2))],
                reference(_grid((1, 6, 7, 2)), (8, 9), *((align,) if half is None else corners)),
            ),
        ],
        shape_cases=_RESIZE_SHAPES,
        id=f"{op_type}_a{int(align)}_h{int(bool(half))}",
    )


def _grid(shape):
    return (np.arange(np.prod(shape)) % 17).reshape(shape).astype(np.float32) / 3


OP_SPECS = []
for _corners in [(False, False), (True, False), (False, True)]:
    OP_SPECS += [
        _resize_spec("ResizeBilinear", ref.resize_bilinear, _corners),
        _resize_spec("ResizeNearestNeighbor", ref.resize_nearest_neighbor, _corners),
        _resize_spec("ResizeBicubic", ref.resize_bicubic, _corners),
    ]
OP_SPECS += [
    _resize_spec("ResizeArea", ref.resize_area, (False, None)),
    _resize_spec("ResizeArea", ref.resize_area, (True, None)),
    OpSpec(
        "ResizeNearestNeighbor",
        lambda x, s: raw("ResizeNearestNeighbor", x, s),
        cases=[
            (
                [np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1), np.array([3, 1], np.int32)],
                np.array([0, 0, 2], np.float32).reshape(1, 3, 1, 1),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 4, 5, 3], ([3], I32)], error="Dimension must be 2 but is 3"),
            ShapeCase([[2, 4, 5, 3], ([2, 2], I32)], error="Shape must be rank 1 but is rank 2"),
            ShapeCase([[2, 4, 5, 3], ([None], I32)], expected=[2, None, None, 3]),
        ],
        id="ResizeNearestNeighbor_dynamic_size",
    ),
]

_GRAD_OP_SHAPES = [
    ShapeCase([[2, 8, 9, 3], ([2, 4, 5, 3], F64)], expected=[2, 4, 5, 3]),
    ShapeCase([[2, 8, 9, None], ([None, 4, 5, 3], F64)], expected=[None, 4, 5, 3]),
    ShapeCase([None, (None, F64)], expected=None),
]


def _grad_op_spec(op_type, forward):
    """The gradient op equals the transpose of the forward map: <G, R x> = <grad_op(G), x>."""

    def builder(g, x):
        return raw(op_type, g, x)

    x = np.zeros((1, 3, 4, 2), np.float32)
    g = np.random.default_rng(1).normal(size=(1, 5, 7, 2)).astype(np.float32)
    basis = np.eye(x.size).reshape((x.size,) + x.shape)
    expected = np.array([np.sum(g * forward(b, (5, 7))) for b in basis]).reshape(x.shape)
    return OpSpec(
        op_type,
        builder,
        cases=[([g, x], expected)],
        shape_cases=_GRAD_OP_SHAPES,
    )


OP_SPECS += [
    _grad_op_spec("ResizeBilinearGrad", ref.resize_bilinear),
    _grad_op_spec("ResizeBicubicGrad", ref.resize_bicubic),
    OpSpec(
        "ResizeNearestNeighborGrad",
        lambda g, s: raw("ResizeNearestNeighborGrad", g, s),
        # Rows 0, 1 -> 0 (scale 1/2); columns 0, 1 -> 0 and 2 -> 1 (scale 2/3).
        cases=[
            (
                [np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1), np.array([1, 2], np.int32)],
                np.array([0 + 1 + 3 + 4, 2 + 5], np.float32).reshape(1, 1, 2, 1),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 8, 9, 3], ([2], I32)], expected=[2, None, None, 3]),
            ShapeCase([None, ([2], I32)], expected=[None, None, None, None]),
            ShapeCase([[8, 9, 3], ([2], I32)], error="Shape must be rank 4 but is rank 3"),
        ],
    ),
]

_RGB_SHAPES = [
    ShapeCase([[2, 4, 3]], expected=[2, 4, 3]),
    ShapeCase([[2, None, None]], expected=[2, None, 3]),
    ShapeCase([None], expected=None),
    ShapeCase([[2, 4, 2]], error="Dimension must be 3 but is 2"),
    ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
]

_ADJUST_SHAPES = [
    ShapeCase([[2, 4, 5, 3], ([], F32)], expected=[2, 4, 5, 3]),
    ShapeCase([[None, None, 3], ([], F32)], expected=[None, None, 3]),
    ShapeCase([None, ([], F32)], expected=None),
    ShapeCase([[4, 5], ([], F32)], error="Shape must be at least rank 3 but is rank 2"),
]


def _adjust_spec(op_type, reference, factor, dtypes=(F32,)):
    return OpSpec(
        op_type,
        lambda x: raw(op_type, x, factor),
        reference=lambda x: reference(x, factor),
        shapes=[(2, 3, 4, 3)],
        dtypes=list(dtypes),
        domain="unit_interval",
        shape_cases=[
            ShapeCase(case.inputs[:1], expected=case.expected, error=case.error)
            for case in _ADJUST_SHAPES
        ],
        id=f"{op_type}_{factor}",
    )


OP_SPECS += [
    OpSpec(
        "RGBToHSV",
        tf.image.rgb_to_hsv,
        reference=ref.rgb_to_hsv,
        shapes=[(3, 4, 3)],
        dtypes=[F32, F64],
        domain="unit_interval",
        cases=[
            (
                [np.array([[0.5, 0.5, 0.5], [0, 0, 0], [1, 0, 1]], np.float32)],
                np.array([[0, 0, 0.5], [0, 0, 0], [5 / 6, 1, 1]], np.float32),
            )
        ],
        shape_cases=_RGB_SHAPES,
    ),
    OpSpec(
        "HSVToRGB",
        tf.image.hsv_to_rgb,
        reference=ref.hsv_to_rgb,
        shapes=[(3, 4, 3)],
        dtypes=[F32, F64],
        domain="unit_interval",
        shape_cases=_RGB_SHAPES,
    ),
    _adjust_spec("AdjustContrastv2", ref.adjust_contrast, 1.7),
    _adjust_spec("AdjustContrastv2", ref.adjust_contrast, -0.4),
    _adjust_spec("AdjustSaturation", ref.adjust_saturation, 0.3),
    _adjust_spec("AdjustSaturation", ref.adjust_saturation, 2.5),
    _adjust_spec("AdjustHue", ref.adjust_hue, 0.2),
    _adjust_spec("AdjustHue", ref.adjust_hue, -0.7),
    OpSpec(
        "AdjustContrastv2",
        lambda x, f: raw("AdjustContrastv2", x, f),
        shape_cases=[ShapeCase([[4, 5, 3], [2]], error="Shape must be rank 0 but is rank 1")],
        cases=[
            (
                [np.array([[[0.0], [1.0]]], np.float32), np.float32(2.0)],
                np.array([[[-0.5], [1.5]]], np.float32),
            )
        ],
        id="AdjustContrastv2_factor_rank",
    ),
]

_STRING_SHAPES = [
    ShapeCase([([], S)], expected=[None, None, None]),
    ShapeCase([(None, S)], expected=[None, None, None]),
    ShapeCase([([2], S)], error="Shape must be rank 0 but is rank 1"),
]


def _decode_spec(op_type, builder, files, case, outputs, shapes=None):
    return OpSpec(
        op_type,
        builder,
        cases=[([data(name)], recorded(case, index)) for name, index in zip(files, outputs)],
        shape_cases=shapes or _STRING_SHAPES,
    )


OP_SPECS += [
    _decode_spec("DecodePng", tf.image.decode_png, ["rgb8.png"], "decode_png_rgb8_png", [0]),
    _decode_spec(
        "DecodePng",
        lambda c: tf.image.decode_png(c, channels=4, dtype=tf.uint16),
        ["palette8_trns.png"],
        "decode_png_palette8_trns_png",
        [7],
        [ShapeCase([([], S)], expected=[None, None, 4])],
    ),
    _decode_spec("DecodeJpeg", tf.image.decode_jpeg, ["rgb420.jpg"], "decode_jpeg_rgb420_jpg", [0]),
    _decode_spec(
        "DecodeJpeg",
        lambda c: tf.image.decode_jpeg(c, channels=1, ratio=2),
        ["rgb420.jpg"],
        "decode_jpeg_rgb420_jpg",
        [5],
        [ShapeCase([([], S)], expected=[None, None, 1])],
    ),
    _decode_spec(
        "DecodeBmp",
        lambda c: tf.image.decode_bmp(c, channels=4),
        ["rgb24.bmp"],
        "decode_bmp_files",
        [2],
        [
            ShapeCase([([], S)], expected=[None, None, 4]),
            ShapeCase([(None, S)], expected=[None, None, 4]),
            ShapeCase([([2], S)], error="Shape must be rank 0 but is rank 1"),
        ],
    ),
    _decode_spec(
        "DecodeGif",
        tf.image.decode_gif,
        ["animated.gif"],
        "decode_gif_files",
        [0],
        [
            ShapeCase([([], S)], expected=[None, None, None, 3]),
            ShapeCase([(None, S)], expected=[None, None, None, 3]),
            ShapeCase([([3], S)], error="Shape must be rank 0 but is rank 1"),
        ],
    ),
    _decode_spec(
        "DecodeImage",
        lambda c: tf.image.decode_image(c, dtype=tf.float32),
        ["rgb16.png"],
        "decode_image_formats",
        [2],
        [
            ShapeCase([([], S)], expected=None),
            ShapeCase([(None, S)], expected=None),
            ShapeCase([([2], S)], error="Shape must be rank 0 but is rank 1"),
        ],
    ),
    _decode_spec(
        "ExtractJpegShape",
        tf.image.extract_jpeg_shape,
        ["rgb420.jpg"],
        "extract_jpeg_shape",
        [0],
        [
            ShapeCase([([], S)], expected=[3]),
            ShapeCase([(None, S)], expected=[3]),
            ShapeCase([([2], S)], error="Shape must be rank 0 but is rank 1"),
        ],
    ),
]

_PIXELS = (np.arange(5 * 6 * 3) * 37 % 256).astype(np.uint8).reshape(5, 6, 3)
OP_SPECS += [
    OpSpec(
        "EncodePng",
        lambda x: tf.image.decode_png(tf.image.encode_png(x), dtype=tf.uint16),
        cases=[([_PIXELS.astype(np.uint16) * 257], _PIXELS.astype(np.uint16) * 257)],
        shape_cases=[
            ShapeCase([([2, 3, 3], U8)], expected=[None, None, None]),
            ShapeCase([([2, 3], U8)], error="Shape must be at least rank 3 but is rank 2"),
        ],
    ),
    OpSpec(
        "EncodePng",
        tf.image.encode_png,
        cases=[],
        shape_cases=[
            ShapeCase([([4, 2, 3, 3], U8)], expected=[4]),
            ShapeCase([([None, 2, 3, 3], U8)], expected=[None]),
            ShapeCase([([2, 3, 3], U8)], expected=[]),
            ShapeCase([(None, U8)], expected=None),
        ],
        id="EncodePng_shapes",
    ),
    OpSpec(
        "EncodeJpeg",
        # Quality 100 without chroma subsampling: decoding is within a level or two of the
        # input; the golden round trips compare with TF exactly.
        lambda x: (
            tf.image.decode_jpeg(tf.image.encode_jpeg(x, quality=100, chroma_downsampling=False))
            // 8
        ),
        cases=[([np.full((8, 8, 3), 100, np.uint8)], np.full((8, 8, 3), 12, np.uint8))],
        shape_cases=[
            ShapeCase([([2, 3, 3], U8)], expected=[None, None, None]),
            ShapeCase([([2, 3], U8)], error="Shape must be rank 3 but is rank 2"),
        ],
    ),
    OpSpec(
        "EncodeJpeg",
        tf.image.encode_jpeg,
        shape_cases=[
            ShapeCase([([2, 3, 3], U8)], expected=[]),
            ShapeCase([(None, U8)], expected=[]),
            ShapeCase([([None, None, 1], U8)], expected=[]),
        ],
        id="EncodeJpeg_shapes",
    ),
]


@pytest.fixture(autouse=True)
def _unit_interval_domain(monkeypatch):
    """Image values live in [0, 1]: an input domain for this module's rows."""
    original = op_check._float_values

    def values(domain, shape, rng):
        if domain == "unit_interval":
            return rng.uniform(0.0, 1.0, size=shape)
        return original(domain, shape, rng)

    monkeypatch.setattr(op_check, "_float_values", values)


_TOLERANT = {
    "ResizeBicubic",
    "ResizeArea",
    "HSVToRGB",
    "RGBToHSV",
    "AdjustSaturation",
    "AdjustHue",
    "AdjustContrastv2",
    "ResizeBilinear",
}


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


# ---------------------------------------------------------------------- gradients

_RNG = np.random.default_rng(5)


def _image(*shape):
    return _RNG.uniform(0.1, 0.9, size=shape)


def _distinct_rgb(*shape):
    """RGB pixels whose channels differ by >= 0.1 (away from the max/min ties)."""
    base = _RNG.permutation(np.arange(3))[None, :] * 0.25 + 0.15
    noise = _RNG.uniform(-0.05, 0.05, size=shape)
    return np.broadcast_to(base, shape) + noise


def _resize_grad(op_type, size, **attrs):
    return GradSpec(
        op_type,
        lambda x: raw(op_type, x, list(size), **attrs),
        [_image(1, 3, 4, 2).astype(np.float32)],
        id=f"{op_type}_{size}_{'_'.join(f'{k}{int(v)}' for k, v in attrs.items())}",
    )


GRAD_SPECS = (
    [
        _resize_grad(op, size, align_corners=align, half_pixel_centers=half)
        for op in ("ResizeBilinear", "ResizeBicubic")
        for size in ((5, 7), (2, 3))
        for align, half in ((False, False), (True, False), (False, True))
    ]
    + [
        # Nearest neighbour is piecewise constant in position but linear in values.
        _resize_grad("ResizeNearestNeighbor", size, align_corners=align, half_pixel_centers=half)
        for size in ((5, 7), (2, 3))
        for align, half in ((False, False), (True, False), (False, True))
    ]
    + [
        GradSpec("RGBToHSV", tf.image.rgb_to_hsv, [_distinct_rgb(2, 3, 3)]),
        GradSpec(
            "RGBToHSV",
            lambda x: tf.image.rgb_to_hsv(x)[..., 1:],
            [_distinct_rgb(4, 3)],
            id="RGBToHSV_saturation_value",
        ),
    ]
)


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def test_area_and_bicubic_of_integers_have_no_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 3, 3, 1])
        assert tf.gradients(tf.image.resize_area(x, [2, 2]), x) == [None]
        pixels = tf.cast(x, tf.int32)
        resized = tf.image.resize_bicubic(pixels, [2, 2])
        assert tf.gradients(resized, pixels) == [None]
