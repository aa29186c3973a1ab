"""Pixel adjustments: AdjustContrastv2, AdjustSaturation and AdjustHue (TF's CPU kernels,
arithmetic step by step in float32), the builders `tf.image.adjust_brightness`,
`adjust_contrast`, `adjust_saturation`, `adjust_hue`, `adjust_gamma`, and the image
statistics `per_image_standardization`, `total_variation` and `image_gradients`.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math
from ndflow.ops.control_flow import asserts
from ndflow.ops.control_flow import grouping
from ndflow.ops.image import color
from ndflow.ops.image import shape_checks

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_HALF_FLOAT = "T: {half, float} = DT_FLOAT"
_F32 = np.float32


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _at_least_3d_shape(op):
    """Rank >= 3, output shaped like the input (TF's adjust ops' shape functions)."""
    return [shape_errors.require_rank_at_least(op.inputs[0].shape, 3)]


def _contrast_shape(op):
    shape_errors.require_rank(op.inputs[1].shape, 0)
    return _at_least_3d_shape(op)


def _check_image(images, factor, factor_name):
    if np.ndim(images) < 3:
        raise _invalid(f"input must be at least 3-D, got shape{format_dims(np.shape(images))}")
    if np.ndim(factor) != 0:
        raise _invalid(f"{factor_name} must be scalar: {format_dims(np.shape(factor))}")


def _check_rgb(images, factor, factor_name):
    _check_image(images, factor, factor_name)
    channels = np.shape(images)[-1]
    if channels != 3:
        raise _invalid(f"input must have 3 channels but instead has {channels} channels.")


# ---------------------------------------------------------------------- AdjustContrastv2


def _folded_sum(planes):
    """TF's ReduceMeanAcrossImage: sums [batch, pixels, channels] over pixels by folding the
    upper half onto the lower half until one row is left (the CPU kernel's exact order)."""
    remaining = planes.shape[1]
    right = remaining // 2
    left = remaining - right
    scratch = np.empty_like(planes)
    scratch[:, :right] = planes[:, left : left + right] + planes[:, :right]
    scratch[:, right:left] = planes[:, right:left]
    remaining = left
    while remaining > 1:
        right = remaining // 2
        left = remaining - right
        scratch[:, :right] += scratch[:, left : left + right]
        remaining = left
    return scratch[:, 0]


def _adjust_contrast_kernel(ctx, images, contrast_factor, T):
    """output = mean + factor * (x - mean), the mean per image and channel."""
    _check_image(images, contrast_factor, "contrast_factor")
    values = np.asarray(images)
    if values.size == 0:
        return np.empty(values.shape, values.dtype)
    height, width, channels = values.shape[-3:]
    planes = values.astype(_F32).reshape(-1, height * width, channels)
    mean = _folded_sum(planes) * (_F32(1) / _F32(height * width))
    mean = mean[:, None, :]
    adjusted = mean + _F32(contrast_factor) * (planes - mean)
    return adjusted.reshape(values.shape).astype(values.dtype)


registry.register_op(
    "AdjustContrastv2",
    inputs=["images: T", "contrast_factor: float"],
    outputs=["output: T"],
    attrs=[_HALF_FLOAT],
    shape=_contrast_shape,
    kernel=_adjust_contrast_kernel,
)
registry.not_differentiable("AdjustContrastv2", "TF registers no gradient for it")


# ---------------------------------------------------------------------- AdjustSaturation


def _hsv_of(red, green, blue):
    """The saturation kernel's rgb_to_hsv, with its float/double mix for the hue offsets."""
    value = np.maximum(red, np.maximum(green, blue))
    spread = value - np.minimum(red, np.minimum(green, blue))
    saturation = np.where(value > 0, spread / value, _F32(0))
    norm = _F32(1) / (_F32(6) * spread)
    hue = np.where(
        red == value,
        norm * (green - blue),
        np.where(
            green == value,
            ((norm * (blue - red)).astype(np.float64) + 2.0 / 6.0).astype(_F32),
            ((norm * (red - green)).astype(np.float64) + 4.0 / 6.0).astype(_F32),
        ),
    )
    hue = np.where(spread <= 0, _F32(0), hue)
    hue = np.where(hue < 0, hue + _F32(1), hue)
    return hue, saturation, value


def _rgb_of(hue, saturation, value):
    """The saturation kernel's hsv_to_rgb: sextant by truncation, sextants >= 6 black + m."""
    chroma = saturation * value
    offset = value - chroma
    scaled = hue * _F32(6)
    sextant = np.trunc(np.nan_to_num(scaled, nan=-1.0)).astype(np.int64)
    remainder = np.fmod(scaled, _F32(2))
    x = chroma * (_F32(1) - np.abs(remainder - _F32(1)))
    zero = np.zeros_like(chroma)
    table = [
        (chroma, x, zero),
        (x, chroma, zero),
        (zero, chroma, x),
        (zero, x, chroma),
        (x, zero, chroma),
        (chroma, zero, x),
    ]
    channels = []
    for index in range(3):
        picked = np.select([sextant == k for k in range(6)], [row[index] for row in table], zero)
        channels.append(picked + offset)
    return channels


def _adjust_saturation_kernel(ctx, images, scale, T):
    _check_rgb(images, scale, "scale")
    values = np.asarray(images)
    flat = values.astype(_F32).reshape(-1, 3)
    hue, saturation, value = _hsv_of(flat[:, 0], flat[:, 1], flat[:, 2])
    saturation = np.minimum(_F32(1), np.maximum(_F32(0), saturation * _F32(scale)))
    channels = _rgb_of(hue, saturation, value)
    return np.stack(channels, axis=-1).reshape(values.shape).astype(values.dtype)


registry.register_op(
    "AdjustSaturation",
    inputs=["images: T", "scale: float"],
    outputs=["output: T"],
    attrs=[_HALF_FLOAT],
    shape=_at_least_3d_shape,
    kernel=_adjust_saturation_kernel,
)
registry.not_differentiable("AdjustSaturation", "TF registers no gradient for it")


# ---------------------------------------------------------------------- AdjustHue

# (max, mid, min) channel for each hue sextant 0..5.
_SEXTANT_ORDER = [(0, 1, 2), (1, 0, 2), (1, 2, 0), (2, 1, 0), (2, 0, 1), (0, 2, 1)]


def _hue_sextants(red, green, blue):
    """TF's rgb_to_hv_range case split (ties go to the `else` branches, as in TF)."""
    r_lt_g = red < green
    return np.where(
        r_lt_g,
        np.where(blue < red, 1, np.where(blue > green, 3, 2)),
        np.where(blue < green, 0, np.where(blue > red, 4, 5)),
    )


def _pick(channels, sextant, slot):
    return np.choose(sextant, [channels[order[slot]] for order in _SEXTANT_ORDER])


def _wrap_hue(hue):
    """TF's `while (h < 0) h += 6; while (h >= 6) h -= 6;`, one vectorized step at a time."""
    while np.any(hue < 0):
        hue = np.where(hue < 0, hue + _F32(6), hue)
    while np.any(hue >= 6):
        hue = np.where(hue >= 6, hue - _F32(6), hue)
    return hue


def _adjust_hue_kernel(ctx, images, delta, T):
    _check_rgb(images, delta, "delta")
    values = np.asarray(images)
    flat = values.astype(_F32).reshape(-1, 3)
    channels = [flat[:, 0], flat[:, 1], flat[:, 2]]
    sextant = _hue_sextants(*channels)
    v_max, v_mid, v_min = (_pick(channels, sextant, slot) for slot in range(3))
    even = sextant % 2 == 0
    with np.errstate(all="ignore"):
        ratio = (v_mid - v_min) / (v_max - v_min)
    hue = sextant.astype(_F32) + np.where(even, ratio, _F32(1) - ratio)
    hue = np.where(v_max == v_min, _F32(0), hue)
    hue = _wrap_hue(hue + _F32(delta) * _F32(6))
    new_sextant = np.clip(np.trunc(np.nan_to_num(hue)).astype(np.int64), 0, 5)
    fraction = hue - np.trunc(hue)
    fraction = np.where(new_sextant % 2 == 0, fraction, _F32(1) - fraction)
    middle = v_min + fraction * (v_max - v_min)
    slots = {0: v_max, 1: middle, 2: v_min}
    out = np.empty_like(flat)
    for sext, order in enumerate(_SEXTANT_ORDER):
        chosen = new_sextant == sext
        for slot, channel in enumerate(order):
            out[chosen, channel] = slots[slot][chosen]
    return out.reshape(values.shape).astype(values.dtype)


registry.register_op(
    "AdjustHue",
    inputs=["images: T", "delta: float"],
    outputs=["output: T"],
    attrs=[_HALF_FLOAT],
    shape=_at_least_3d_shape,
    kernel=_adjust_hue_kernel,
)
registry.not_differentiable("AdjustHue", "TF registers no gradient for it")


# ---------------------------------------------------------------------- builders


def _as_float(image):
    """The image itself when half or float32, else converted to float32 (TF's rule)."""
    if image.dtype.base_dtype in (dtypes.float16, dtypes.float32):
        return image
    return color.convert_image_dtype(image, dtypes.float32)


def adjust_brightness(image, delta):
    """Mirrors `tf.image.adjust_brightness`: adds `delta` in the [0, 1] float domain.

    Args:
      image: an image Tensor (any numeric type).
      delta: a scalar added to every pixel.

    Returns:
      A Tensor of the image's type, saturated to its range.

    >>> adjust_brightness(constant([[[0.5]]]), 0.25)  # [[[0.75]]]
    """
    with graph_lib.name_scope(None, "adjust_brightness", [image, delta]) as name:
        image = convert_to_tensor(image, name="image")
        original = image.dtype.base_dtype
        flt = _as_float(image)
        adjusted = math.add(flt, math.cast(delta, flt.dtype), name=name)
        return color.convert_image_dtype(adjusted, original, saturate=True)


def adjust_contrast(images, contrast_factor):
    """Mirrors `tf.image.adjust_contrast`: (x - mean) * factor + mean per image and channel.

    Args:
      images: an image Tensor of rank >= 3.
      contrast_factor: a float scalar.

    Returns:
      A Tensor of the image's type.

    >>> adjust_contrast(constant([[[0.0], [1.0]]]), 2.0)  # [[[-0.5], [1.5]]]
    """
    with graph_lib.name_scope(None, "adjust_contrast", [images, contrast_factor]) as name:
        images = convert_to_tensor(images, name="images")
        original = images.dtype.base_dtype
        adjusted = apply_op(
            "AdjustContrastv2", _as_float(images), contrast_factor=contrast_factor, name=name
        )
        return color.convert_image_dtype(adjusted, original, saturate=True)


def adjust_saturation(image, saturation_factor, name=None):
    """Mirrors `tf.image.adjust_saturation`: scales the HSV saturation, clipped to [0, 1].

    Args:
      image: an RGB image Tensor (last dimension 3).
      saturation_factor: a float scalar.
      name: the scope name.

    Returns:
      A Tensor of the image's type.

    >>> adjust_saturation(constant([[[1.0, 0.5, 0.5]]]), 0.0)  # [[[1., 1., 1.]]]
    """
    with graph_lib.name_scope(name, "adjust_saturation", [image]):
        image = convert_to_tensor(image, name="image")
        original = image.dtype.base_dtype
        adjusted = apply_op("AdjustSaturation", _as_float(image), saturation_factor)
        return color.convert_image_dtype(adjusted, original)


def adjust_hue(image, delta, name=None):
    """Mirrors `tf.image.adjust_hue`: rotates the hue by `delta` (a fraction of a turn).

    Args:
      image: an RGB image Tensor (last dimension 3).
      delta: a float scalar in [-1, 1].
      name: the scope name.

    Returns:
      A Tensor of the image's type.

    >>> adjust_hue(constant([[[1.0, 0.0, 0.0]]]), 1.0 / 3.0)  # [[[0., 1., 0.]]]
    """
    with graph_lib.name_scope(name, "adjust_hue", [image]):
        image = convert_to_tensor(image, name="image")
        original = image.dtype.base_dtype
        adjusted = apply_op("AdjustHue", _as_float(image), delta)
        return color.convert_image_dtype(adjusted, original)


def adjust_gamma(image, gamma=1, gain=1):
    """Mirrors `tf.image.adjust_gamma`: gain * image ** gamma in the [0, 1] float domain.

    Args:
      image: an image Tensor.
      gamma: a non-negative scalar (a Python number is checked at build time).
      gain: a scalar multiplier.

    Returns:
      A Tensor of the image's type, saturated to its range.

    Raises:
      ValueError: for a negative Python `gamma`.

    >>> adjust_gamma(constant([[[0.25]]]), gamma=0.5)  # [[[0.5]]]
    """
    with graph_lib.name_scope(None, "adjust_gamma", [image, gamma, gain]):
        image = convert_to_tensor(image, name="image")
        original = image.dtype.base_dtype
        flt = _as_float(image)
        if isinstance(gamma, graph_lib.Tensor):
            check = asserts.Assert(gamma >= 0, ["Gamma should be a non-negative real number."])
            gamma = grouping.with_dependencies([check], gamma)
        elif gamma < 0:
            raise ValueError("Gamma should be a non-negative real number.")
        adjusted = gain * flt**gamma
        return color.convert_image_dtype(adjusted, original, saturate=True)


def per_image_standardization(image):
    """Mirrors `tf.image.per_image_standardization`: (x - mean) / max(stddev, 1/sqrt(N)).

    Args:
      image: an image Tensor of rank >= 3; statistics over its last three dimensions.

    Returns:
      A float32 Tensor of the image's shape.

    >>> per_image_standardization(constant([[[0.0], [2.0]]]))  # [[[-1.], [1.]]]
    """
    with graph_lib.name_scope(None, "per_image_standardization", [image]) as scope:
        image = convert_to_tensor(image, name="image")
        image = shape_checks.assert_at_least_3d(image)
        image = math.cast(image, dtype=dtypes.float32)
        num_pixels = math.reduce_prod(array.shape(image)[-3:])
        image_mean = math.reduce_mean(image, axis=[-1, -2, -3], keepdims=True)
        stddev = _reduce_std(image, [-1, -2, -3])
        min_stddev = math.rsqrt(math.cast(num_pixels, dtypes.float32))
        adjusted_stddev = math.maximum(stddev, min_stddev)
        image -= image_mean
        return math.divide(image, adjusted_stddev, name=scope)


def _reduce_std(values, axis):
    """TF's `math.reduce_std(values, axis, keepdims=True)`: sqrt of the mean square deviation."""
    with graph_lib.name_scope(None, "reduce_std", [values]):
        with graph_lib.name_scope(None, "reduce_variance", [values]):
            means = math.reduce_mean(values, axis=axis, keepdims=True)
            squared = math.square(values - means)
            variance = math.reduce_mean(squared, axis=axis, keepdims=True)
        return math.sqrt(variance)


def total_variation(images, name=None):
    """Mirrors `tf.image.total_variation`: the sum of absolute neighbour differences.

    Args:
      images: a 3-D image or a 4-D batch.
      name: the scope name.

    Returns:
      A scalar (3-D input) or one value per image (4-D input), of the image's type.

    Raises:
      ValueError: for another static rank.

    >>> total_variation(constant([[[0.0], [1.0]], [[1.0], [3.0]]]))  # 5.0
    """
    with graph_lib.name_scope(name, "total_variation"):
        ndims = images.shape.rank
        if ndims == 3:
            rows = images[1:, :, :] - images[:-1, :, :]
            cols = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif ndims == 4:
            rows = images[:, 1:, :, :] - images[:, :-1, :, :]
            cols = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return math.reduce_sum(math.abs(rows), axis=axis) + math.reduce_sum(
            math.abs(cols), axis=axis
        )


def image_gradients(image):
    """Mirrors `tf.image.image_gradients`: forward differences (dy, dx), zero at the edges.

    Args:
      image: a 4-D Tensor [batch, height, width, depth].

    Returns:
      (dy, dx), each of the image's shape and type.

    Raises:
      ValueError: for a static rank other than 4.

    >>> image_gradients(constant([[[[0.0], [1.0]]]]))  # dx = [[[[1.], [0.]]]]
    """
    if image.shape.rank != 4:
        raise ValueError(
            "image_gradients expects a 4D tensor [batch_size, h, w, d], not "
            f"{shape_checks.describe(image.shape)}."
        )
    image_shape = array.shape(image)
    batch_size, height, width, depth = array.unstack(image_shape)
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    shape = array.stack([batch_size, 1, width, depth])
    dy = array.concat([dy, array.zeros(shape, image.dtype)], 1)
    dy = array.reshape(dy, image_shape)
    shape = array.stack([batch_size, height, 1, depth])
    dx = array.concat([dx, array.zeros(shape, image.dtype)], 2)
    dx = array.reshape(dx, image_shape)
    return dy, dx
