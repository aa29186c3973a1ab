"""Resampling: ResizeBilinear, ResizeNearestNeighbor, ResizeBicubic and ResizeArea with their
gradient ops (ResizeBilinearGrad, ResizeNearestNeighborGrad, ResizeBicubicGrad), following
TF's CPU kernels (image_resizer_state.h, resize_*_op.cc): float32 scales and sample
positions, the legacy and half-pixel scalers, the same arithmetic order; gradients scatter
in TF's loop order. Builders: `tf.image.resize_bilinear`, `resize_nearest_neighbor`,
`resize_bicubic` and `resize_area` (resize_images.py has `resize_images` and friends).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_F32 = np.float32
_REAL = "T: {int8, uint8, int16, uint16, int32, int64, bfloat16, half, float, double}"
_CORNERS = ["align_corners: bool = false", "half_pixel_centers: bool = false"]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- shapes


def _resize_shape(op):
    """[batch, new_height, new_width, channels]; a negative or unknown size is unknown."""
    images = shape_errors.require_rank(op.inputs[0].shape, 4)
    size = shape_errors.require_rank(op.inputs[1].shape, 1)
    length = size.as_list()[0]
    if length is not None and length != 2:
        raise shape_errors.ShapeError(f"Dimension must be 2 but is {length}")
    new_size = tensor_util.constant_value_as_shape(op.inputs[1])
    if new_size.rank is None:
        new_size = tensor_shape.unknown_shape(2)
    dims = images.as_list()
    return [tensor_shape.TensorShape([dims[0], *new_size.as_list(), dims[3]])]


def _original_shape(op):
    """The gradient w.r.t. the original image has the original image's shape."""
    return [op.inputs[1].shape]


# ---------------------------------------------------------------------- validation


def _resize_scale(in_size, out_size, align_corners):
    """TF's CalculateResizeScale, in float32."""
    if align_corners and out_size > 1:
        return _F32(in_size - 1) / _F32(out_size - 1)
    return _F32(in_size) / _F32(out_size)


def _check_corners(align_corners, half_pixel_centers):
    if half_pixel_centers and align_corners:
        raise _invalid("If half_pixel_centers is True, align_corners must be False.")


def _check_size(size):
    if np.ndim(size) != 1:
        raise _invalid(f"shape_t must be 1-dimensional{format_dims(np.shape(size))}")
    if np.size(size) != 2:
        raise _invalid(f"shape_t must have two elements{format_dims(np.shape(size))}")


def _validate(images, size, align_corners, half_pixel_centers):
    """TF's ImageResizerState checks; returns (out_height, out_width, height_scale,
    width_scale)."""
    _check_corners(align_corners, half_pixel_centers)
    if np.ndim(images) != 4:
        raise _invalid(f"input must be 4-dimensional{format_dims(np.shape(images))}")
    _, in_height, in_width, channels = np.shape(images)
    if channels <= 0:
        raise _invalid("image must have at least one channel")
    if in_height <= 0 or in_width <= 0:
        raise _invalid("input image must be of non-zero size")
    _check_size(size)
    out_height, out_width = (int(v) for v in np.asarray(size))
    if out_height <= 0 or out_width <= 0:
        raise _invalid("output dimensions must be positive")
    return (
        out_height,
        out_width,
        _resize_scale(in_height, out_height, align_corners),
        _resize_scale(in_width, out_width, align_corners),
    )


def _validate_grad(grads, original, align_corners, half_pixel_centers):
    """TF's ImageResizerGradientState checks; returns (height_scale, width_scale)."""
    _check_corners(align_corners, half_pixel_centers)
    if np.ndim(grads) != 4:
        raise _invalid(f"input_grad must be 4-dimensional{format_dims(np.shape(grads))}")
    _, resized_height, resized_width, _ = np.shape(grads)
    if resized_height <= 0 or resized_width <= 0:
        raise _invalid("resized dimensions must be positive")
    if np.ndim(original) != 4:
        raise _invalid(f"original_image must be 4-dimensional{format_dims(np.shape(original))}")
    _, original_height, original_width, _ = np.shape(original)
    if original_height <= 0 or original_width <= 0:
        raise _invalid("original dimensions must be positive")
    return (
        _resize_scale(original_height, resized_height, align_corners),
        _resize_scale(original_width, resized_width, align_corners),
    )


def _source_positions(out_size, scale, half_pixel_centers):
    """The float32 source coordinate of each output index (HalfPixelScaler/LegacyScaler)."""
    index = np.arange(out_size, dtype=_F32)
    if half_pixel_centers:
        return (index + _F32(0.5)) * scale - _F32(0.5)
    return index * scale


# ---------------------------------------------------------------------- bilinear


def _linear_taps(out_size, in_size, scale, half_pixel_centers):
    """TF's compute_interpolation_weights: (lower, upper, lerp) per output index."""
    position = _source_positions(out_size, scale, half_pixel_centers)
    floor = np.floor(position)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(position).astype(np.int64), in_size - 1)
    return lower, upper, position - floor


def _resize_bilinear_kernel(ctx, images, size, T, align_corners, half_pixel_centers):
    """top = tl + (tr - tl) * x_lerp; bottom likewise; top + (bottom - top) * y_lerp."""
    out_height, out_width, height_scale, width_scale = _validate(
        images, size, align_corners, half_pixel_centers
    )
    values = np.asarray(images)
    batch, in_height, in_width, channels = values.shape
    if batch == 0:
        return np.zeros((0, out_height, out_width, channels), _F32)
    if (out_height, out_width) == (in_height, in_width):
        return values.astype(_F32)
    y_low, y_high, y_lerp = _linear_taps(out_height, in_height, height_scale, half_pixel_centers)
    x_low, x_high, x_lerp = _linear_taps(out_width, in_width, width_scale, half_pixel_centers)
    x_lerp = x_lerp[:, None]
    top_rows = values[:, y_low].astype(_F32)
    bottom_rows = values[:, y_high].astype(_F32)
    top = top_rows[:, :, x_low] + (top_rows[:, :, x_high] - top_rows[:, :, x_low]) * x_lerp
    bottom = (
        bottom_rows[:, :, x_low] + (bottom_rows[:, :, x_high] - bottom_rows[:, :, x_low]) * x_lerp
    )
    return top + (bottom - top) * y_lerp[:, None, None]


def _grad_op(grad_op: str, image_types=None):
    """TF's `_ResizeBilinearGrad` / `_ResizeBicubicGrad`: `grad_op(grad, image)` with the
    forward op's corner attrs, none for the size; no gradient for images outside
    `image_types` (when given)."""

    def gradient(op, grad):
        if image_types is not None and op.inputs[0].dtype.base_dtype not in image_types:
            return [None, None]
        grad0 = apply_op(
            grad_op,
            grad,
            op.inputs[0],
            align_corners=op.attrs["align_corners"],
            half_pixel_centers=op.attrs["half_pixel_centers"],
        )
        return [grad0, None]

    return gradient


registry.register_op(
    "ResizeBilinear",
    inputs=["images: T", "size: int32"],
    outputs=["resized_images: float"],
    attrs=[_REAL, *_CORNERS],
    shape=_resize_shape,
    kernel=_resize_bilinear_kernel,
    grad=_grad_op("ResizeBilinearGrad"),
)


def _scatter(shape, positions, contributions, dtype):
    """Sums contributions into a zero array at flat positions, strictly in the given order
    (np.add.at is unbuffered and sequential, like TF's loops)."""
    accumulator = np.zeros(int(np.prod(shape)), dtype=dtype)
    np.add.at(accumulator, positions.ravel(), contributions.ravel())
    return accumulator.reshape(shape)


def _accumulator_dtype(dtype):
    """half and bfloat16 gradients accumulate in float32 (TF's CPU kernel)."""
    return _F32 if dtype.itemsize <= 2 and dtype.kind == "f" else dtype


def _resize_bilinear_grad_kernel(ctx, grads, original_image, T, align_corners, half_pixel_centers):
    height_scale, width_scale = _validate_grad(
        grads, original_image, align_corners, half_pixel_centers
    )
    grads = np.asarray(grads, dtype=_F32)
    batch, resized_height, resized_width, channels = grads.shape
    _, height, width, _ = np.shape(original_image)
    dtype = np.asarray(original_image).dtype
    y_low, y_high, y_lerp = _linear_taps(resized_height, height, height_scale, half_pixel_centers)
    x_low, x_high, x_lerp = _linear_taps(resized_width, width, width_scale, half_pixel_centers)
    y_inv, x_inv = _F32(1) - y_lerp, _F32(1) - x_lerp
    ys = [y_low, y_low, y_high, y_high]
    xs = [x_low, x_high, x_low, x_high]
    y_weights = [y_inv, y_inv, y_lerp, y_lerp]
    x_weights = [x_inv, x_lerp, x_inv, x_lerp]
    terms = [
        grads * y_weights[k][None, :, None, None] * x_weights[k][None, None, :, None]
        for k in range(4)
    ]
    positions = [_flat_index(ys[k], xs[k], batch, height, width, channels) for k in range(4)]
    accumulate = _accumulator_dtype(dtype)
    contributions = np.stack([t.astype(accumulate) for t in terms], axis=-1)
    result = _scatter(
        (batch, height, width, channels), np.stack(positions, axis=-1), contributions, accumulate
    )
    return result.astype(dtype)


def _flat_index(rows, cols, batch, height, width, channels):
    """Flat positions in a [batch, height, width, channels] array, shaped
    [batch, len(rows), len(cols), channels]."""
    b = np.arange(batch)[:, None, None, None]
    c = np.arange(channels)[None, None, None, :]
    return ((b * height + rows[None, :, None, None]) * width + cols[None, None, :, None]) * (
        channels
    ) + c


registry.register_op(
    "ResizeBilinearGrad",
    inputs=["grads: float", "original_image: T"],
    outputs=["output: T"],
    attrs=["T: {float, bfloat16, half, double}", *_CORNERS],
    shape=_original_shape,
    kernel=_resize_bilinear_grad_kernel,
)
registry.not_differentiable("ResizeBilinearGrad", "TF declares it not differentiable")


# ---------------------------------------------------------------------- nearest neighbour


def _roundf(values):
    """C's roundf: halves away from zero (exact on float32)."""
    whole = np.trunc(values)
    return whole + np.where(np.abs(values - whole) >= 0.5, np.sign(values), 0)


def _nearest_indices(out_size, in_size, scale, align_corners, half_pixel_centers):
    """TF's compute_indices for nearest neighbour (HalfPixelScalerForNN keeps the +0.5)."""
    index = np.arange(out_size, dtype=_F32)
    position = (index + _F32(0.5)) * scale if half_pixel_centers else index * scale
    rounded = _roundf(position) if align_corners else np.floor(position)
    chosen = np.minimum(rounded.astype(np.int64), in_size - 1)
    return np.maximum(chosen, 0) if half_pixel_centers else chosen


def _resize_nearest_kernel(ctx, images, size, T, align_corners, half_pixel_centers):
    out_height, out_width, height_scale, width_scale = _validate(
        images, size, align_corners, half_pixel_centers
    )
    values = np.asarray(images)
    _, in_height, in_width, _ = values.shape
    if in_height >= 1 << 24 or in_width >= 1 << 24:
        raise _invalid("nearest neighbor requires max height & width of 2^24")
    rows = _nearest_indices(out_height, in_height, height_scale, align_corners, half_pixel_centers)
    cols = _nearest_indices(out_width, in_width, width_scale, align_corners, half_pixel_centers)
    return values[:, rows][:, :, cols]


def _resize_nearest_grad(op, grad):
    """TF's `_ResizeNearestNeighborGrad`: the static image size when known, else dynamic."""
    image = op.inputs[0]
    spatial = image.shape[1:3] if image.shape.rank is not None else tensor_shape.unknown_shape(2)
    if spatial.is_fully_defined():
        image_shape = spatial.as_list()
    else:
        image_shape = array.shape(image)[1:3]
    grads = apply_op(
        "ResizeNearestNeighborGrad",
        grad,
        image_shape,
        align_corners=op.attrs["align_corners"],
        half_pixel_centers=op.attrs["half_pixel_centers"],
    )
    return [grads, None]


registry.register_op(
    "ResizeNearestNeighbor",
    inputs=["images: T", "size: int32"],
    outputs=["resized_images: T"],
    attrs=[_REAL, *_CORNERS],
    shape=_resize_shape,
    kernel=_resize_nearest_kernel,
    grad=_resize_nearest_grad,
)


def _resize_nearest_grad_kernel(ctx, grads, size, T, align_corners, half_pixel_centers):
    """Each resized pixel's gradient added to the source pixel it copied, in TF's order."""
    _check_corners(align_corners, half_pixel_centers)
    if np.ndim(grads) != 4:
        raise _invalid(f"input must be 4-dimensional{format_dims(np.shape(grads))}")
    _check_size(size)
    out_height, out_width = (int(v) for v in np.asarray(size))
    if out_height <= 0 or out_width <= 0:
        raise _invalid("shape_t's elements must be positive")
    values = np.asarray(grads)
    batch, in_height, in_width, channels = values.shape
    if values.size == 0:
        return np.zeros((batch, out_height, out_width, channels), values.dtype)
    height_scale = _resize_scale(out_height, in_height, align_corners)
    width_scale = _resize_scale(out_width, in_width, align_corners)
    rows = _nearest_indices(in_height, out_height, height_scale, align_corners, half_pixel_centers)
    cols = _nearest_indices(in_width, out_width, width_scale, align_corners, half_pixel_centers)
    positions = _flat_index(rows, cols, batch, out_height, out_width, channels)
    return _scatter((batch, out_height, out_width, channels), positions, values, values.dtype)


registry.register_op(
    "ResizeNearestNeighborGrad",
    inputs=["grads: T", "size: int32"],
    outputs=["output: T"],
    attrs=["T: {uint8, int8, int32, half, float, double, bfloat16}", *_CORNERS],
    shape=_resize_shape,
    kernel=_resize_nearest_grad_kernel,
)
registry.not_differentiable("ResizeNearestNeighborGrad", "TF registers no gradient for it")


# ---------------------------------------------------------------------- bicubic

_TABLE_SIZE = 1024


def _coefficients_table(a: float) -> np.ndarray:
    """TF's InitCoeffsTable: [kTableSize + 1, 2] float32 kernel values (double math)."""
    x = (np.arange(_TABLE_SIZE + 1) * 1.0 / _TABLE_SIZE).astype(_F32).astype(np.float64)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x = (x + 1.0).astype(_F32).astype(np.float64)
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([near, far], axis=-1).astype(_F32)


_LEGACY_TABLE = _coefficients_table(-0.75)
_KEYS_TABLE = _coefficients_table(-0.5)


def _cubic_taps(out_size, in_size, scale, half_pixel_centers):
    """TF's GetWeightsAndIndices for every output index: ([4, n] indices, [4, n] weights).
    The half-pixel (Keys) variant zeroes taps outside the image and renormalizes."""
    position = _source_positions(out_size, scale, half_pixel_centers)
    base = np.floor(position).astype(np.int64)
    delta = position - base.astype(_F32)
    offset = np.rint(delta * _F32(_TABLE_SIZE)).astype(np.int64)
    table = _KEYS_TABLE if half_pixel_centers else _LEGACY_TABLE
    weights = np.stack(
        [
            table[offset, 1],
            table[offset, 0],
            table[_TABLE_SIZE - offset, 0],
            table[_TABLE_SIZE - offset, 1],
        ]
    )
    wanted = base[None, :] + np.arange(-1, 3)[:, None]
    indices = np.clip(wanted, 0, in_size - 1)
    if not half_pixel_centers:
        return indices, weights
    weights = np.where(indices == wanted, weights, _F32(0))
    total = ((weights[0] + weights[1]) + weights[2]) + weights[3]
    usable = np.abs(total) >= _F32(1000) * np.finfo(_F32).tiny
    with np.errstate(divide="ignore"):
        inverse = _F32(1) / total
    return indices, np.where(usable, weights * inverse, weights)


def _weighted_sum(samples, weights):
    """v0 * w0 + v1 * w1 + v2 * w2 + v3 * w3, left to right in float32 (Interpolate1D)."""
    total = samples[0] * weights[0]
    for sample, weight in zip(samples[1:], weights[1:]):
        total = total + sample * weight
    return total


def _resize_bicubic_kernel(ctx, images, size, T, align_corners, half_pixel_centers):
    """Interpolates along y for each of the 4 x taps, then along x (TF's order)."""
    out_height, out_width, height_scale, width_scale = _validate(
        images, size, align_corners, half_pixel_centers
    )
    values = np.asarray(images)
    _, in_height, in_width, _ = values.shape
    y_index, y_weight = _cubic_taps(out_height, in_height, height_scale, half_pixel_centers)
    x_index, x_weight = _cubic_taps(out_width, in_width, width_scale, half_pixel_centers)
    rows = _weighted_sum(
        [values[:, y_index[k]].astype(_F32) for k in range(4)],
        [y_weight[k][None, :, None, None] for k in range(4)],
    )
    return _weighted_sum(
        [rows[:, :, x_index[k]] for k in range(4)],
        [x_weight[k][None, None, :, None] for k in range(4)],
    )


registry.register_op(
    "ResizeBicubic",
    inputs=["images: T", "size: int32"],
    outputs=["resized_images: float"],
    attrs=[_REAL, *_CORNERS],
    shape=_resize_shape,
    kernel=_resize_bicubic_kernel,
    # TF's gradient covers float32 and float64 images only.
    grad=_grad_op("ResizeBicubicGrad", (dtypes.float32, dtypes.float64)),
)


def _resize_bicubic_grad_kernel(ctx, grads, original_image, T, align_corners, half_pixel_centers):
    """grad * wy_i * wx_j scattered to the 16 taps, in TF's (b, y, x, c, i, j) order."""
    height_scale, width_scale = _validate_grad(
        grads, original_image, align_corners, half_pixel_centers
    )
    dtype = np.asarray(original_image).dtype
    grads = np.asarray(grads, dtype=_F32).astype(dtype)
    batch, resized_height, resized_width, channels = grads.shape
    _, height, width, _ = np.shape(original_image)
    y_index, y_weight = _cubic_taps(resized_height, height, height_scale, half_pixel_centers)
    x_index, x_weight = _cubic_taps(resized_width, width, width_scale, half_pixel_centers)
    terms, positions = [], []
    for i in range(4):
        for j in range(4):
            weight_y = y_weight[i][None, :, None, None].astype(dtype)
            weight_x = x_weight[j][None, None, :, None].astype(dtype)
            terms.append(grads * weight_y * weight_x)
            positions.append(_flat_index(y_index[i], x_index[j], batch, height, width, channels))
    return _scatter(
        (batch, height, width, channels),
        np.stack(positions, axis=-1),
        np.stack(terms, axis=-1),
        dtype,
    )


registry.register_op(
    "ResizeBicubicGrad",
    inputs=["grads: float", "original_image: T"],
    outputs=["output: T"],
    attrs=["T: {float, double}", *_CORNERS],
    shape=_original_shape,
    kernel=_resize_bicubic_grad_kernel,
)
registry.not_differentiable("ResizeBicubicGrad", "TF registers no gradient for it")


# ---------------------------------------------------------------------- area


def _cell_scale(index, start, end, scale):
    """The area kernel's weight of source cell `index` within [start, end) (float32)."""
    cell = index.astype(_F32)
    inside_start = cell < start
    past_end = cell + _F32(1) > end
    return np.where(
        inside_start,
        np.where(past_end, scale, cell + _F32(1) - start),
        np.where(past_end, end - cell, _F32(1)),
    ).astype(_F32)


def _area_taps(out_size, in_size, scale):
    """Per output index: [taps, n] source indices, weights and a validity mask."""
    index = np.arange(out_size)
    start = index.astype(_F32) * scale
    end = (index + 1).astype(_F32) * scale
    first = np.floor(start).astype(np.int64)
    last = np.ceil(end).astype(np.int64)
    count = last - first
    taps = int(count.max())
    cells = first[None, :] + np.arange(taps)[:, None]
    weights = _cell_scale(cells, start[None, :], end[None, :], scale)
    return np.clip(cells, 0, in_size - 1), weights, np.arange(taps)[:, None] < count[None, :]


def _area_row_sums(rows, x_index, x_weight, x_valid):
    """sum_y over one source row: first * start_scale + middle cells + last * end_scale."""
    total = rows[:, :, x_index[0]] * x_weight[0][None, None, :, None]
    last = x_valid.sum(axis=0) - 1
    for tap in range(1, x_index.shape[0]):
        sample = rows[:, :, x_index[tap]]
        is_last = (last == tap)[None, None, :, None]
        term = np.where(is_last, sample * x_weight[tap][None, None, :, None], sample)
        total = np.where(x_valid[tap][None, None, :, None], total + term, total)
    return total


def _resize_area_kernel(ctx, images, size, T, align_corners):
    out_height, out_width, height_scale, width_scale = _validate(images, size, align_corners, False)
    values = np.asarray(images)
    _, in_height, in_width, _ = values.shape
    y_index, y_weight, y_valid = _area_taps(out_height, in_height, height_scale)
    x_index, x_weight, x_valid = _area_taps(out_width, in_width, width_scale)
    scale = _F32(1.0 / np.float64(height_scale * width_scale))
    total = None
    for tap in range(y_index.shape[0]):
        rows = values[:, y_index[tap]].astype(_F32)
        weighted = (
            _area_row_sums(rows, x_index, x_weight, x_valid) * y_weight[tap][None, :, None, None]
        )
        valid = y_valid[tap][None, :, None, None]
        if total is None:
            total = np.where(valid, weighted, _F32(0))
            continue
        total = np.where(valid, total + weighted, total)
    return total * scale


registry.register_op(
    "ResizeArea",
    inputs=["images: T", "size: int32"],
    outputs=["resized_images: float"],
    attrs=[_REAL, "align_corners: bool = false"],
    shape=_resize_shape,
    kernel=_resize_area_kernel,
)
registry.not_differentiable("ResizeArea", "TF registers no gradient for it")


# ---------------------------------------------------------------------- builders


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Mirrors `tf.image.resize_bilinear`: bilinear resampling to `size`.

    Args:
      images: a 4-D Tensor [batch, height, width, channels], real-valued.
      size: a 1-D int32 Tensor of 2 elements, [new_height, new_width].
      align_corners: align the corner pixels' centres of input and output.
      name: the op name.
      half_pixel_centers: sample at pixel centres (TF2's convention).

    Returns:
      A float32 Tensor [batch, new_height, new_width, channels].

    >>> resize_bilinear(zeros([1, 2, 2, 1]), [4, 4])
    """
    return apply_op(
        "ResizeBilinear",
        images,
        size,
        align_corners=align_corners,
        half_pixel_centers=half_pixel_centers,
        name=name,
    )


def resize_nearest_neighbor(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Mirrors `tf.image.resize_nearest_neighbor`: nearest-neighbour resampling.

    Args:
      images: a 4-D Tensor [batch, height, width, channels].
      size: a 1-D int32 Tensor of 2 elements, [new_height, new_width].
      align_corners: align the corner pixels' centres of input and output.
      name: the op name.
      half_pixel_centers: sample at pixel centres (TF2's convention).

    Returns:
      A Tensor of the images' type [batch, new_height, new_width, channels].

    >>> resize_nearest_neighbor(zeros([1, 2, 2, 1]), [4, 4])
    """
    return apply_op(
        "ResizeNearestNeighbor",
        images,
        size,
        align_corners=align_corners,
        half_pixel_centers=half_pixel_centers,
        name=name,
    )


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Mirrors `tf.image.resize_bicubic`: bicubic resampling (a = -0.75; Keys' a = -0.5 with
    half-pixel centres).

    Args:
      images: a 4-D Tensor [batch, height, width, channels], real-valued.
      size: a 1-D int32 Tensor of 2 elements, [new_height, new_width].
      align_corners: align the corner pixels' centres of input and output.
      name: the op name.
      half_pixel_centers: sample at pixel centres (TF2's convention).

    Returns:
      A float32 Tensor [batch, new_height, new_width, channels].

    >>> resize_bicubic(zeros([1, 2, 2, 1]), [4, 4])
    """
    return apply_op(
        "ResizeBicubic",
        images,
        size,
        align_corners=align_corners,
        half_pixel_centers=half_pixel_centers,
        name=name,
    )


def resize_area(images, size, align_corners=False, name=None):
    """Mirrors `tf.image.resize_area`: area-weighted averaging of the covered pixels.

    Args:
      images: a 4-D Tensor [batch, height, width, channels], real-valued.
      size: a 1-D int32 Tensor of 2 elements, [new_height, new_width].
      align_corners: align the corner pixels' centres of input and output.
      name: the op name.

    Returns:
      A float32 Tensor [batch, new_height, new_width, channels].

    >>> resize_area(zeros([1, 4, 4, 1]), [2, 2])
    """
    return apply_op("ResizeArea", images, size, align_corners=align_corners, name=name)
