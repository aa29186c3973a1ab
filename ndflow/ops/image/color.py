"""Colour: RGBToHSV (with TF's gradient) and HSVToRGB, and the builders
`tf.image.convert_image_dtype` (TF's integer <-> float scaling rules), `rgb_to_hsv`,
`hsv_to_rgb`, `rgb_to_grayscale` and `grayscale_to_rgb`.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math
from ndflow.ops.control_flow import asserts
from ndflow.ops.control_flow import grouping
from ndflow.ops.image import shape_checks

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_FLOATS = "T: {half, bfloat16, float, double} = DT_FLOAT"


def _rgb_shape(op):
    """Rank >= 1 with a last dimension of 3 (TF's ColorspaceShapeFn)."""
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    if shape.rank is None:
        return [tensor_shape.unknown_shape()]
    dims = shape.as_list()
    if dims[-1] is not None and dims[-1] != 3:
        raise shape_errors.ShapeError(f"Dimension must be 3 but is {dims[-1]}")
    return [tensor_shape.TensorShape(dims[:-1] + [3])]


def _check_channels(images):
    if np.ndim(images) < 1:
        raise errors.InvalidArgumentError(
            None, None, f"input must be at least 1D{format_dims(np.shape(images))}"
        )
    channels = np.shape(images)[-1]
    if channels != 3:
        raise errors.FailedPreconditionError(
            None, None, f"input must have 3 channels but input only has {channels} channels."
        )


def _channels(images):
    values = np.asarray(images)
    return values[..., 0], values[..., 1], values[..., 2]


# ---------------------------------------------------------------------- RGBToHSV


def _rgb_to_hsv_kernel(ctx, images, T):
    """TF's Eigen expression, op by op in T: V = max, S = range / V,
    H = (G - B) / (6 range) (+ 2/6 or 4/6 by the max channel) wrapped into [0, 1)."""
    _check_channels(images)
    red, green, blue = _channels(images)
    one = np.ones((), red.dtype)
    value = np.maximum(np.maximum(red, green), blue)
    spread = value - np.minimum(np.minimum(red, green), blue)
    saturation = np.where(value > 0, spread / value, np.zeros((), red.dtype))
    norm = (one / spread) * (one / red.dtype.type(6))
    hue = np.where(
        red == value,
        norm * (green - blue),
        np.where(
            green == value,
            norm * (blue - red) + red.dtype.type(2) / red.dtype.type(6),
            norm * (red - green) + red.dtype.type(4) / red.dtype.type(6),
        ),
    )
    hue = np.where(spread > 0, hue, np.zeros((), red.dtype))
    hue = np.where(hue < 0, hue + one, hue)
    return np.stack([hue, saturation, value], axis=-1).astype(red.dtype)


def _indicator(condition, dtype):
    return math.cast(condition, dtype)


def _safe_reciprocal(x):
    return math.div_no_nan(math.cast(1.0, x.dtype), x)


def _rgb_to_hsv_grad(op, grad):
    """TF's `_RGBToHSVGrad` (image_grad.py): piecewise partial derivatives of H, S, V."""
    images = op.inputs[0]
    dtype = images.dtype.base_dtype
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    saturation, value = op.outputs[0][..., 1], op.outputs[0][..., 2]
    big = [
        _indicator(math.logical_and(r >= b, r >= g), dtype),
        _indicator(math.logical_and(g > r, g >= b), dtype),
        _indicator(math.logical_and(b > r, b > g), dtype),
    ]
    small = [
        _indicator(math.logical_and(r < b, r < g), dtype),
        _indicator(math.logical_and(g <= r, g < b), dtype),
        _indicator(math.logical_and(b <= r, b <= g), dtype),
    ]
    positive = [_indicator(c > 0, dtype) for c in (r, g, b)]
    ds = _saturation_partials((r, g, b), big, small, positive)
    dh = _hue_partials((r, g, b), big, small, positive, saturation, value)
    channel_grads = [grad[..., 0], grad[..., 1], grad[..., 2]]
    dv_drgb = array.stack([channel_grads[2] * big[i] for i in range(3)], axis=-1)
    ds_drgb = array.stack([channel_grads[1] * ds[i] for i in range(3)], axis=-1)
    dh_drgb = array.stack([channel_grads[0] * dh[i] for i in range(3)], axis=-1)
    return [math.add(math.add(dv_drgb, ds_drgb), dh_drgb)]


def _saturation_partials(rgb, big, small, positive):
    """dS/dc: MIN / MAX^2 where c is the max, -1 / MAX where c is the min."""
    partials = []
    for index in range(3):
        other = [i for i in range(3) if i != index]
        lows = math.add(small[other[0]] * rgb[other[0]], small[other[1]] * rgb[other[1]])
        highs = (big[other[0]] * rgb[other[0]]) + (big[other[1]] * rgb[other[1]])
        term_max = big[index] * lows * _safe_reciprocal(math.square(rgb[index]))
        term_min = small[index] * -1 * _safe_reciprocal(highs)
        partials.append(positive[index] * math.add(term_max, term_min))
    return partials


def _hue_partials(rgb, big, small, positive, saturation, value):
    """dH/dc, case by case as TF writes them (degrees / 360)."""
    r, g, b = rgb
    inv_sv = _safe_reciprocal(math.square(saturation)) * _safe_reciprocal(math.square(value))
    dh_dr = _sum_terms(
        positive[0] * big[0] * -1 * (g - b) * inv_sv,
        positive[1] * big[1] * small[0] * (b - g) * _safe_reciprocal(math.square(r - g)),
        positive[1] * big[1] * small[2] * -1 * _safe_reciprocal(g - b),
        positive[2] * big[2] * small[0] * (b - g) * _safe_reciprocal(math.square(b - r)),
        positive[2] * big[2] * small[1] * _safe_reciprocal(b - g),
    )
    dh_dg = _sum_terms(
        positive[1] * big[1] * -1 * (b - r) * inv_sv,
        positive[0] * big[0] * small[1] * (r - b) * _safe_reciprocal(math.square(r - g)),
        positive[0] * big[0] * small[2] * _safe_reciprocal(r - b),
        positive[2] * big[2] * small[1] * (r - b) * _safe_reciprocal(math.square(b - g)),
        positive[2] * big[2] * small[0] * -1 * _safe_reciprocal(b - r),
    )
    dh_db = _sum_terms(
        positive[2] * big[2] * -1 * (r - g) * inv_sv,
        positive[0] * big[0] * small[2] * (g - r) * _safe_reciprocal(math.square(r - b)),
        positive[0] * big[0] * small[1] * -1 * _safe_reciprocal(r - g),
        positive[1] * big[1] * small[2] * (g - r) * _safe_reciprocal(math.square(g - b)),
        positive[1] * big[1] * small[0] * _safe_reciprocal(g - r),
    )
    return [dh_dr, dh_dg, dh_db]


def _sum_terms(*terms):
    """60 * (t1 + ... + t5) / 360, with TF's association order."""
    scaled = [60 * term for term in terms]
    total = scaled[0]
    for term in scaled[1:]:
        total = total + term
    return total / 360


registry.register_op(
    "RGBToHSV",
    inputs=["images: T"],
    outputs=["output: T"],
    attrs=[_FLOATS],
    shape=_rgb_shape,
    kernel=_rgb_to_hsv_kernel,
    grad=_rgb_to_hsv_grad,
)


def rgb_to_hsv(images, name=None):
    """Mirrors `tf.image.rgb_to_hsv`: RGB in [0, 1] to HSV, all channels in [0, 1].

    Args:
      images: a float Tensor whose last dimension has size 3.
      name: the op name.

    Returns:
      A Tensor of images' type and shape.

    >>> rgb_to_hsv(constant([[1.0, 0.0, 0.0]]))  # [[0., 1., 1.]]
    """
    return apply_op("RGBToHSV", images, name=name)


# ---------------------------------------------------------------------- HSVToRGB


def _hsv_to_rgb_kernel(ctx, images, T):
    """TF's Eigen expression: piecewise-linear channel ramps of 6 H, mixed with S and V."""
    _check_channels(images)
    hue, saturation, value = _channels(images)
    kind = hue.dtype.type
    zero, one, two = kind(0), kind(1), kind(2)
    scaled = hue * kind(6)
    ramp_r = np.minimum(np.maximum(np.abs(scaled - kind(3)) - one, zero), one)
    ramp_g = np.minimum(np.maximum(-np.abs(scaled - two) + two, zero), one)
    ramp_b = np.minimum(np.maximum(-np.abs(scaled - kind(4)) + two, zero), one)
    one_s = -saturation + one
    channels = [(one_s + saturation * ramp) * value for ramp in (ramp_r, ramp_g, ramp_b)]
    return np.stack(channels, axis=-1).astype(hue.dtype)


registry.register_op(
    "HSVToRGB",
    inputs=["images: T"],
    outputs=["output: T"],
    attrs=[_FLOATS],
    shape=_rgb_shape,
    kernel=_hsv_to_rgb_kernel,
)
registry.not_differentiable("HSVToRGB", "TF declares it not differentiable (image_ops_impl.py)")


def hsv_to_rgb(images, name=None):
    """Mirrors `tf.image.hsv_to_rgb`: HSV in [0, 1] back to RGB in [0, 1].

    Args:
      images: a float Tensor whose last dimension has size 3.
      name: the op name.

    Returns:
      A Tensor of images' type and shape.

    >>> hsv_to_rgb(constant([[0.0, 1.0, 1.0]]))  # [[1., 0., 0.]]
    """
    return apply_op("HSVToRGB", images, name=name)


# ---------------------------------------------------------------------- convert_image_dtype


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Mirrors `tf.image.convert_image_dtype`: casts and rescales pixel values.

    Floats live in [0, 1], integers in [0, MAX]. Integer to integer shifts by the ratio of
    the ranges; float to integer scales by MAX + 0.5 and truncates.

    Args:
      image: a numeric Tensor.
      dtype: the target DType.
      saturate: clip to the target range before casting (for narrowing casts).
      name: the op name.

    Returns:
      A Tensor of `dtype`.

    Raises:
      AttributeError: for a non-numeric image or target dtype (TF's class).

    >>> convert_image_dtype(constant([0, 255], dtype=uint8), float32)  # [0., 1.]
    """
    image = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    source = image.dtype.base_dtype
    if not source.is_floating and not source.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dtype == source:
        return array.identity(image, name=name)
    with graph_lib.name_scope(name, "convert_image", [image]) as scope:
        if source.is_integer and dtype.is_integer:
            return _integer_to_integer(image, source, dtype, saturate, scope)
        if source.is_floating and dtype.is_floating:
            return math.cast(image, dtype, name=scope)
        if source.is_integer:
            return math.multiply(math.cast(image, dtype), 1.0 / source.max, name=scope)
        scaled = math.multiply(image, dtype.max + 0.5)
        if saturate:
            return math.saturate_cast(scaled, dtype, name=scope)
        return math.cast(scaled, dtype, name=scope)


def _integer_to_integer(image, source, dtype, saturate, scope):
    scale_in, scale_out = source.max, dtype.max
    if scale_in > scale_out:
        scaled = math.floordiv(image, (scale_in + 1) // (scale_out + 1))
        if saturate:
            return math.saturate_cast(scaled, dtype, name=scope)
        return math.cast(scaled, dtype, name=scope)
    cast = math.saturate_cast(image, dtype) if saturate else math.cast(image, dtype)
    return math.multiply(cast, (scale_out + 1) // (scale_in + 1), name=scope)


# ---------------------------------------------------------------------- grayscale

_GRAY_WEIGHTS = [0.2989, 0.5870, 0.1140]


def rgb_to_grayscale(images, name=None):
    """Mirrors `tf.image.rgb_to_grayscale`: the 0.2989 R + 0.5870 G + 0.1140 B luma.

    Args:
      images: a Tensor whose last dimension has size 3.
      name: the op name.

    Returns:
      A Tensor of images' type whose last dimension has size 1.

    >>> rgb_to_grayscale(constant([[[1.0, 1.0, 1.0]]]))  # [[[0.9999]]]
    """
    with graph_lib.name_scope(name, "rgb_to_grayscale", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        original = images.dtype.base_dtype
        flt = convert_image_dtype(images, dtypes.float32)
        gray = _tensordot_last(flt, _GRAY_WEIGHTS)
        gray = array.expand_dims(gray, -1)
        return convert_image_dtype(gray, original, name=scope)


def _tensordot_last(values, weights):
    """TF's `tensordot(values, weights, [-1, -1])`: a MatMul of the flattened pixels."""
    with graph_lib.name_scope(None, "Tensordot", [values]):
        shape = array.shape(values)
        flat = array.reshape(values, array.stack([-1, shape[-1]]))
        column = array.reshape(op_builder.constant(weights, dtype=dtypes.float32), [-1, 1])
        product = math.matmul(flat, column)
        result = array.reshape(product, shape[:-1])
        if values.shape.rank is not None:
            result.set_shape(values.shape[:-1])
        return result


def grayscale_to_rgb(images, name=None):
    """Mirrors `tf.image.grayscale_to_rgb`: repeats the single channel three times.

    Args:
      images: a Tensor whose last dimension has size 1, rank >= 2.
      name: the op name.

    Returns:
      A Tensor of images' type whose last dimension has size 3.

    Raises:
      ValueError: for a static last dimension other than 1, or rank < 2.

    >>> grayscale_to_rgb(constant([[[0.5]]]))  # [[[0.5, 0.5, 0.5]]]
    """
    with graph_lib.name_scope(name, "grayscale_to_rgb", [images]) as scope:
        images = _assert_grayscale(convert_to_tensor(images, name="images"))
        rank_1 = array.expand_dims(array.rank(images) - 1, 0)
        multiples = array.concat(
            [array.ones(rank_1, dtype=dtypes.int32), array.expand_dims(3, 0)], 0
        )
        rgb = array.tile(images, multiples, name=scope)
        rgb.set_shape(images.shape[:-1].concatenate([3]))
        return rgb


def _assert_grayscale(image):
    """TF's `_AssertGrayscaleImage`: static checks, or runtime asserts for unknown dims."""
    shape = image.shape
    try:
        shape = shape.with_rank(2) if shape.rank is None else shape.with_rank_at_least(2)
    except ValueError:
        described = shape_checks.describe(image.shape)
        raise ValueError(
            f"A grayscale image (shape {described}) must be at least two-dimensional."
        ) from None
    if shape.is_fully_defined():
        if shape[-1] != 1:
            raise ValueError("Last dimension of a grayscale image should be size 1.")
        return image
    checks = [
        asserts.assert_equal(
            array.shape(image)[-1],
            1,
            message="Last dimension of a grayscale image should be size 1.",
        ),
        asserts.assert_greater_equal(
            array.rank(image), 3, message="A grayscale image must be at least two-dimensional."
        ),
    ]
    return grouping.with_dependencies(checks, image)
