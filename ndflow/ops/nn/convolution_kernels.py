"""The NumPy engine behind every convolution op: window geometry (TF's
GetWindowedOutputSizeVerbose), im2col + one GEMM per chunk for the forward pass and the
filter gradient, the input gradient as a convolution by the flipped filter (unit strides) or
by col2im (one GEMM, then a loop over the filter taps adding strided slices), and the tap
loop of depthwise convolutions.

im2col is the faster formulation here than shifted GEMM (one GEMM per tap): on the seed CNN's
shapes the single GEMM over all taps keeps BLAS busy (K = taps * channels), where per-tap
GEMMs have K = channels and add up the output once per tap.

Arrays here are channels-last, `[batch, *spatial, channels]`, with filters
`[*filter_spatial, in_channels / groups, out_channels]` (depthwise: `[*filter_spatial,
channels, multiplier]`); the op modules transpose NCHW around these calls. Half types compute
in float32 and int32 in int64 (wrapping back on the final cast, as TF's int32 kernels do), so
the GEMMs are BLAS's sgemm/dgemm. Large problems are cut into chunks of whole batch items or
of output rows, so the im2col matrix stays a few megabytes (cache sized) whatever the batch.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
from numpy.lib import stride_tricks

from ndflow.framework import errors

# Bytes of im2col matrix per chunk: large enough for BLAS to run at full rate, small enough
# to stay in the last-level cache while the GEMM reads it.
CHUNK_BYTES = 2 << 20

_WIDE = {"float16": np.float32, "bfloat16": np.float32, "int32": np.int64}

# Below this many elements per (filter width x channels) run, im2col copies channels first.
_SHORT_RUN = 16


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


@dataclasses.dataclass(frozen=True)
class Geometry:
    """Sizes of one convolution, per spatial dim: output sizes and (before, after) pads."""

    strides: tuple
    dilations: tuple
    filter_sizes: tuple
    outputs: tuple
    pads: tuple

    def padded_sizes(self, input_sizes) -> tuple:
        return tuple(size + p[0] + p[1] for size, p in zip(input_sizes, self.pads))


def windowed_output(size, filter_size, dilation, stride, padding, explicit=(0, 0)):
    """TF's GetWindowedOutputSizeVerbose: (output size, pad before, pad after)."""
    effective = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        output = (size + stride - 1) // stride
        needed = max(0, (output - 1) * stride + effective - size)
        before, after = needed // 2, needed - needed // 2
    else:
        before, after = explicit if padding == "EXPLICIT" else (0, 0)
        output = (size + before + after - effective + stride) // stride
    if output < 0:
        raise _invalid(
            f"Computed output size would be negative: {output} [input_size: {size}, "
            f"effective_filter_size: {effective}, stride: {stride}]"
        )
    return output, before, after


def geometry(input_sizes, filter_sizes, strides, dilations, padding, explicit=None):
    """The Geometry of a convolution; `explicit` holds a (before, after) pair per dim."""
    explicit = explicit or [(0, 0)] * len(input_sizes)
    sizes = [
        windowed_output(n, k, d, s, padding, e)
        for n, k, d, s, e in zip(input_sizes, filter_sizes, dilations, strides, explicit)
    ]
    return Geometry(
        tuple(strides),
        tuple(dilations),
        tuple(filter_sizes),
        tuple(size[0] for size in sizes),
        tuple((size[1], size[2]) for size in sizes),
    )


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype a kernel of `dtype` computes in (float32 for halves, int64 for int32)."""
    return np.dtype(_WIDE.get(np.dtype(dtype).name, dtype))


# ---------------------------------------------------------------------- windows and chunks


def _padded(x, geo: Geometry):
    """x with zeros around its spatial dims (x itself when there is no padding)."""
    if not any(before or after for before, after in geo.pads):
        return x
    spatial = x.shape[1:-1]
    padded = np.zeros((x.shape[0], *geo.padded_sizes(spatial), x.shape[-1]), dtype=x.dtype)
    inner = tuple(slice(p[0], p[0] + n) for p, n in zip(geo.pads, spatial))
    padded[(slice(None), *inner, slice(None))] = x
    return padded


def _windows(padded, geo: Geometry):
    """A read-only view [batch, *outputs, *filter_sizes, channels] of every window's taps."""
    spatial_strides = padded.strides[1:-1]
    shape = (padded.shape[0], *geo.outputs, *geo.filter_sizes, padded.shape[-1])
    strides = (
        padded.strides[0],
        *(step * s for step, s in zip(spatial_strides, geo.strides)),
        *(step * d for step, d in zip(spatial_strides, geo.dilations)),
        padded.strides[-1],
    )
    return stride_tricks.as_strided(padded, shape, strides, writeable=False)


def _chunks(batch, rows, row_bytes):
    """(batch slice, output-row slice) pairs covering [batch, rows], each ~CHUNK_BYTES.

    A chunk is several whole items or some rows of one item, so its slice of a C-ordered
    [batch, rows, ...] array stays contiguous.
    """
    item_bytes = max(1, rows * row_bytes)
    if item_bytes <= CHUNK_BYTES:
        items = max(1, CHUNK_BYTES // item_bytes)
        for start in range(0, batch, items):
            yield slice(start, min(batch, start + items)), slice(0, rows)
        return
    step = max(1, CHUNK_BYTES // max(1, row_bytes))
    for item in range(batch):
        for start in range(0, rows, step):
            yield slice(item, item + 1), slice(start, min(rows, start + step))


def _row_bytes(geo: Geometry, channels: int, itemsize: int) -> int:
    """Bytes of im2col matrix per output row (one index of the first spatial dim)."""
    inner = math.prod(geo.outputs[1:]) * math.prod(geo.filter_sizes)
    return inner * channels * itemsize


def _tap_slices(geo: Geometry, tap, rows: slice):
    """Per spatial dim, the slice of the padded input that tap `tap` reads for `rows`."""
    slices = []
    for dim, (k, d, s, out) in enumerate(zip(tap, geo.dilations, geo.strides, geo.outputs)):
        first, count = (rows.start, rows.stop - rows.start) if dim == 0 else (0, out)
        start = k * d + first * s
        # max(): with no output positions, an empty slice (not a negative, from-the-end stop).
        slices.append(slice(start, start + max(0, (count - 1) * s + 1), s))
    return tuple(slices)


def _taps(geo: Geometry):
    return itertools.product(*(range(k) for k in geo.filter_sizes))


# ---------------------------------------------------------------------- forward


def conv(x, w, geo: Geometry):
    """out[b, o, :] = sum over taps k and channels c of x_pad[b, o*s + k*d, c] * w[k, c, :].

    x: [batch, *spatial, channels]; w: [*filter, channels / groups, out_channels]. Grouped
    convolution (channels a multiple of w's input channels) splits both channel dims.
    """
    x = np.asarray(x)
    dtype = compute_dtype(x.dtype)
    x, w = x.astype(dtype, copy=False), np.asarray(w).astype(dtype, copy=False)
    batch, channels, out_channels = x.shape[0], x.shape[-1], w.shape[-1]
    out = np.empty((batch, *geo.outputs, out_channels), dtype=dtype)
    if out.size == 0 or channels == 0:
        out.fill(0)
        return out
    groups = channels // w.shape[-2]
    if _row_shifted(geo, channels, groups):
        for cols, items, rows in _row_shifted_cols(x, geo):
            _row_shifted_forward(cols, w, geo.dilations[0], out[items, rows])
        return out
    im2col = _im2col(x, geo, groups)
    row_bytes = _row_bytes(geo, channels, dtype.itemsize)
    for items, rows in _chunks(batch, geo.outputs[0], row_bytes):
        _gemm_forward(im2col(items, rows), w, groups, out[items, rows])
    return out


def _row_shifted(geo: Geometry, channels: int, groups: int) -> bool:
    """Whether to im2col all filter dims but the first (see `_row_shifted_cols`)."""
    long_runs = channels * geo.filter_sizes[-1] >= _SHORT_RUN
    return groups == 1 and long_runs and geo.strides[0] == 1 and geo.filter_sizes[0] > 1


def _row_shifted_cols(x, geo: Geometry):
    """(cols, items, rows) per chunk: im2col over every filter dim but the first.

    cols [chunk items, input rows, positions of the other output dims, their taps x
    channels]: cols[b, j] holds the windows of padded input row j (taps of the other filter dims x
    channels); with unit stride along the first dim, the first dim's tap t of output rows
    `rows` is the row-shifted slice cols[:, t*d : t*d + len(rows)], so a convolution is one
    GEMM per first-dim tap on views of one matrix a third (for 3 taps) of im2col's size.
    """
    padded = _padded(x, geo)
    steps = padded.strides
    shape = (padded.shape[0], padded.shape[1], *geo.outputs[1:], *geo.filter_sizes[1:])
    strides = (
        steps[0],
        steps[1],
        *(step * s for step, s in zip(steps[2:-1], geo.strides[1:])),
        *(step * d for step, d in zip(steps[2:-1], geo.dilations[1:])),
    )
    windows = stride_tricks.as_strided(
        padded, (*shape, padded.shape[-1]), (*strides, steps[-1]), writeable=False
    )
    halo = (geo.filter_sizes[0] - 1) * geo.dilations[0]
    positions = math.prod(geo.outputs[1:])
    width = math.prod(geo.filter_sizes[1:]) * padded.shape[-1]
    row_bytes = positions * width * padded.itemsize
    for items, rows in _chunks(padded.shape[0], geo.outputs[0], row_bytes):
        cols = np.ascontiguousarray(windows[items, rows.start : rows.stop + halo])
        yield cols.reshape(*cols.shape[:2], positions, width), items, rows


def _row_shifted_forward(cols, w, dilation: int, target):
    """target[b, rows] = sum over first-dim taps t of cols[b, rows + t*d] . w[t]."""
    count, out_channels = target.shape[1], w.shape[-1]
    weights = w.reshape(w.shape[0], -1, out_channels)
    flat = target.reshape(target.shape[0], -1, out_channels)
    scratch = np.empty_like(flat)
    for tap in range(w.shape[0]):
        part = cols[:, tap * dilation : tap * dilation + count]
        part = part.reshape(part.shape[0], -1, part.shape[-1])  # a view: rows are contiguous
        if tap == 0:
            np.matmul(part, weights[0], out=flat)
            continue
        np.matmul(part, weights[tap], out=scratch)
        flat += scratch


def _im2col(x, geo: Geometry, groups: int):
    """A function (items, rows) -> that chunk's im2col matrix [positions, taps * channels].

    Channels last, a window's (filter width x channels) taps are one contiguous run, which
    the copy moves at once; with few channels (an RGB input) the runs are short, so the
    matrix is built channels first instead, from runs along the output width, as its
    transpose [taps * channels, positions] (BLAS reads the transposed view as it is).
    """
    padded = _padded(x, geo)
    if groups == 1 and x.shape[-1] * geo.filter_sizes[-1] < _SHORT_RUN:
        planes = np.ascontiguousarray(np.moveaxis(padded, -1, 0))
        return lambda items, rows: _channels_first_cols(planes, geo, items, rows)
    windows = _windows(padded, geo)
    width = math.prod(geo.filter_sizes) * x.shape[-1]
    return lambda items, rows: windows[items, rows].reshape(-1, width)


def _channels_first_cols(planes, geo: Geometry, items: slice, rows: slice):
    """The im2col matrix of a chunk from channels-first planes [channels, batch, *spatial]."""
    base = planes[:, items, rows.start * geo.strides[0] :]
    channel_step, item_step, *spatial_steps = base.strides
    shape = (
        *geo.filter_sizes,
        base.shape[0],
        base.shape[1],
        rows.stop - rows.start,
        *geo.outputs[1:],
    )
    strides = (
        *(step * d for step, d in zip(spatial_steps, geo.dilations)),
        channel_step,
        item_step,
        *(step * s for step, s in zip(spatial_steps, geo.strides)),
    )
    view = stride_tricks.as_strided(base, shape, strides, writeable=False)
    return view.reshape(math.prod(geo.filter_sizes) * base.shape[0], -1).T


def _gemm_forward(cols, w, groups, target):
    """target[m, :] = cols[m] . w for one chunk (cols: [positions, taps * channels])."""
    out_channels = w.shape[-1]
    if groups == 1:
        np.matmul(cols, w.reshape(-1, out_channels), out=target.reshape(-1, out_channels))
        return
    taps, group_in = w.size // (w.shape[-2] * out_channels), w.shape[-2]
    split = cols.reshape(-1, taps, groups, group_in)
    flat_target = target.reshape(-1, groups, out_channels // groups)
    weights = w.reshape(taps * group_in, groups, out_channels // groups)
    for group in range(groups):
        matrix = split[:, :, group, :].reshape(-1, taps * group_in)
        flat_target[:, group, :] = matrix @ weights[:, group, :]


# ---------------------------------------------------------------------- backprop input


def conv_backprop_input(dy, w, input_shape, geo: Geometry):
    """The gradient of `conv` with respect to x (the transposed convolution of dy by w).

    With unit strides and no fewer input than half the output channels this is itself a
    convolution, of the suitably padded dy by the spatially flipped, channel-swapped filter
    (one im2col GEMM shaped like the forward pass). Otherwise dcols = dy . w^T per chunk
    (one GEMM), and each filter tap's slice of dcols is added into the strided window
    positions of a padded zero gradient, which is finally cropped.
    """
    dy = np.asarray(dy)
    dtype = compute_dtype(dy.dtype)
    dy, w = dy.astype(dtype, copy=False), np.asarray(w).astype(dtype, copy=False)
    batch, spatial, channels = input_shape[0], tuple(input_shape[1:-1]), input_shape[-1]
    unit_strides = all(s == 1 for s in geo.strides)
    if unit_strides and dy.size and w.shape[-1] < 2 * channels:
        return _backprop_input_as_conv(dy, w, input_shape, geo)
    small = w.shape[-2] == channels and channels * geo.filter_sizes[-1] < _SHORT_RUN
    if small and dy.size:
        return _backprop_input_channels_first(dy, w, input_shape, geo)
    padded = np.zeros((batch, *geo.padded_sizes(spatial), channels), dtype=dtype)
    if dy.size and padded.size:
        groups = channels // w.shape[-2]
        row_bytes = _row_bytes(geo, channels, dtype.itemsize)
        for items, rows in _chunks(batch, geo.outputs[0], row_bytes):
            dcols = _gemm_backprop_input(dy[items, rows], w, groups)
            _col2im(padded[items], dcols, geo, rows)
    inner = tuple(slice(p[0], p[0] + n) for p, n in zip(geo.pads, spatial))
    if padded.shape[1:-1] == spatial:
        return padded
    return np.ascontiguousarray(padded[(slice(None), *inner, slice(None))])


def _backprop_input_as_conv(dy, w, input_shape, geo: Geometry):
    """dx[i] = sum over flipped taps t of dy_ext[i + t*d] . w[K-1-t]^T (unit strides).

    dy_ext is dy with (K-1)*d - pad_before zeros before each spatial dim (a crop when
    negative) and enough after for every input position to get a full window.
    """
    spatial, channels = tuple(input_shape[1:-1]), input_shape[-1]
    filter_sizes = w.shape[:-2]
    before = [(k - 1) * d - p[0] for k, d, p in zip(filter_sizes, geo.dilations, geo.pads)]
    after = [
        n + (k - 1) * d - b - o
        for n, k, d, b, o in zip(spatial, filter_sizes, geo.dilations, before, geo.outputs)
    ]
    extended = _pad_or_crop(dy, before, after)
    flipped = _flipped_filter(w, channels // w.shape[-2])
    unit = [1] * len(spatial)
    inner = geometry(extended.shape[1:-1], filter_sizes, unit, geo.dilations, "VALID")
    return conv(extended, flipped, inner)


def _backprop_input_channels_first(dy, w, input_shape, geo: Geometry):
    """col2im into channels-first planes: with few channels the per-tap additions then run
    along the output width instead of over a handful of channels (see `_im2col`)."""
    batch, spatial, channels = input_shape[0], tuple(input_shape[1:-1]), input_shape[-1]
    planes = np.zeros((channels, batch, *geo.padded_sizes(spatial)), dtype=dy.dtype)
    weights = w.reshape(-1, w.shape[-1])
    row_bytes = _row_bytes(geo, channels, dy.dtype.itemsize)
    for items, rows in _chunks(batch, geo.outputs[0], row_bytes):
        grads = dy[items, rows]
        columns = weights @ grads.reshape(-1, w.shape[-1]).T
        columns = columns.reshape(*geo.filter_sizes, channels, *grads.shape[:-1])
        for tap in _taps(geo):
            target = planes[(slice(None), items, *_tap_slices(geo, tap, rows))]
            target += columns[tap]
    inner = tuple(slice(p[0], p[0] + n) for p, n in zip(geo.pads, spatial))
    return np.ascontiguousarray(np.moveaxis(planes[(slice(None), slice(None), *inner)], 0, -1))


def _pad_or_crop(x, before, after):
    """x with zeros added (or, for negative amounts, entries removed) around its spatial dims."""
    inner = x.shape[1:-1]
    crop = tuple(slice(max(0, -b), n - max(0, -a)) for n, b, a in zip(inner, before, after))
    x = x[(slice(None), *crop, slice(None))]
    pads = [(max(0, b), max(0, a)) for b, a in zip(before, after)]
    if not any(b or a for b, a in pads):
        return x
    sizes = tuple(n + b + a for n, (b, a) in zip(x.shape[1:-1], pads))
    out = np.zeros((x.shape[0], *sizes, x.shape[-1]), dtype=x.dtype)
    place = tuple(slice(b, b + n) for n, (b, _) in zip(x.shape[1:-1], pads))
    out[(slice(None), *place, slice(None))] = x
    return out


def _flipped_filter(w, groups: int):
    """The transposed convolution's filter: taps reversed, in/out channels swapped per group.

    result[t, j, g * in_per_group + i] = w[K - 1 - t, i, g * out_per_group + j].
    """
    filter_sizes, group_in, out_channels = w.shape[:-2], w.shape[-2], w.shape[-1]
    flipped = w[tuple(slice(None, None, -1) for _ in filter_sizes)]
    split = flipped.reshape(*filter_sizes, group_in, groups, out_channels // groups)
    moved = np.ascontiguousarray(np.swapaxes(split, -3, -1))
    return moved.reshape(*filter_sizes, out_channels // groups, groups * group_in)


def _gemm_backprop_input(dy, w, groups):
    """dcols [chunk, *outputs, *filter, channels] = dy . w^T (per group)."""
    filter_sizes, group_in, out_channels = w.shape[:-2], w.shape[-2], w.shape[-1]
    taps = math.prod(filter_sizes)
    rows = dy.reshape(-1, out_channels)
    if groups == 1:
        dcols = rows @ w.reshape(-1, out_channels).T
        return dcols.reshape(*dy.shape[:-1], *filter_sizes, group_in)
    group_out = out_channels // groups
    dcols = np.empty((rows.shape[0], taps, groups, group_in), dtype=dy.dtype)
    weights = w.reshape(taps, group_in, groups, group_out)
    for group in range(groups):
        block = rows[:, group * group_out : (group + 1) * group_out]
        product = block @ weights[:, :, group, :].reshape(-1, group_out).T
        dcols[:, :, group, :] = product.reshape(-1, taps, group_in)
    return dcols.reshape(*dy.shape[:-1], *filter_sizes, groups * group_in)


def _col2im(padded, dcols, geo: Geometry, rows: slice):
    """Adds each tap's columns into the padded gradient at that tap's window positions."""
    for tap in _taps(geo):
        target = padded[(slice(None), *_tap_slices(geo, tap, rows))]
        target += dcols[(Ellipsis, *tap, slice(None))]


# ---------------------------------------------------------------------- backprop filter


def conv_backprop_filter(x, dy, filter_shape, geo: Geometry):
    """The gradient of `conv` with respect to w: im2col(x)^T . dy, summed over chunks."""
    x = np.asarray(x)
    dtype = compute_dtype(x.dtype)
    x, dy = x.astype(dtype, copy=False), np.asarray(dy).astype(dtype, copy=False)
    grad = np.zeros(filter_shape, dtype=dtype)
    if x.size == 0 or dy.size == 0 or grad.size == 0:
        return grad
    group_in, out_channels = filter_shape[-2], filter_shape[-1]
    taps, groups = math.prod(filter_shape[:-2]), x.shape[-1] // group_in
    if _row_shifted(geo, x.shape[-1], groups):
        _row_shifted_backprop_filter(x, dy, geo, grad)
        return grad
    im2col = _im2col(x, geo, groups)
    row_bytes = _row_bytes(geo, x.shape[-1], dtype.itemsize)
    flat = grad.reshape(taps, group_in, groups, out_channels // groups)
    for items, rows in _chunks(x.shape[0], geo.outputs[0], row_bytes):
        cols = im2col(items, rows)
        grads = dy[items, rows].reshape(-1, groups, out_channels // groups)
        if groups == 1:
            flat[:, :, 0, :] += (cols.T @ grads[:, 0, :]).reshape(taps, group_in, -1)
            continue
        split = cols.reshape(-1, taps, groups, group_in)
        for group in range(groups):
            matrix = split[:, :, group, :].reshape(-1, taps * group_in)
            flat[:, :, group, :] += (matrix.T @ grads[:, group, :]).reshape(taps, group_in, -1)
    return grad


def _row_shifted_backprop_filter(x, dy, geo: Geometry, grad):
    """grad[t] += sum over chunks of cols[:, rows + t*d]^T . dy[:, rows] (see `conv`)."""
    first, out_channels = grad.shape[0], grad.shape[-1]
    flat = grad.reshape(first, -1, out_channels)
    for cols, items, rows in _row_shifted_cols(x, geo):
        count = rows.stop - rows.start
        grads = dy[items, rows].reshape(-1, out_channels)
        for tap in range(first):
            part = cols[:, tap * geo.dilations[0] : tap * geo.dilations[0] + count]
            flat[tap] += part.reshape(-1, part.shape[-1]).T @ grads


# ---------------------------------------------------------------------- depthwise


def depthwise(x, w, geo: Geometry):
    """out[b, o, c*M + m] = sum over taps k of x_pad[b, o*s + k*d, c] * w[k, c, m].

    A loop over the filter taps, each one vectorized multiply-add over the whole output.
    """
    x = np.asarray(x)
    dtype = compute_dtype(x.dtype)
    x, w = x.astype(dtype, copy=False), np.asarray(w).astype(dtype, copy=False)
    channels, multiplier = w.shape[-2], w.shape[-1]
    out = np.zeros((x.shape[0], *geo.outputs, channels, multiplier), dtype=dtype)
    if out.size and x.size:
        windows = _windows(_padded(x, geo), geo)
        for tap in _taps(geo):
            taps = windows[(slice(None), *([slice(None)] * len(tap)), *tap, slice(None))]
            out += taps[..., None] * w[tap]
    return out.reshape(*out.shape[:-2], channels * multiplier)


def depthwise_backprop_input(dy, w, input_shape, geo: Geometry):
    """The gradient of `depthwise` with respect to x."""
    dy = np.asarray(dy)
    dtype = compute_dtype(dy.dtype)
    dy, w = dy.astype(dtype, copy=False), np.asarray(w).astype(dtype, copy=False)
    batch, spatial, channels = input_shape[0], tuple(input_shape[1:-1]), input_shape[-1]
    padded = np.zeros((batch, *geo.padded_sizes(spatial), channels), dtype=dtype)
    grads = dy.reshape(*dy.shape[:-1], channels, w.shape[-1])
    if dy.size and padded.size:
        for tap in _taps(geo):
            target = padded[(slice(None), *_tap_slices(geo, tap, slice(0, geo.outputs[0])))]
            target += np.einsum("...cm,cm->...c", grads, w[tap])
    inner = tuple(slice(p[0], p[0] + n) for p, n in zip(geo.pads, spatial))
    return np.ascontiguousarray(padded[(slice(None), *inner, slice(None))])


def depthwise_backprop_filter(x, dy, filter_shape, geo: Geometry):
    """The gradient of `depthwise` with respect to w."""
    x = np.asarray(x)
    dtype = compute_dtype(x.dtype)
    x, dy = x.astype(dtype, copy=False), np.asarray(dy).astype(dtype, copy=False)
    grad = np.zeros(filter_shape, dtype=dtype)
    if x.size == 0 or dy.size == 0 or grad.size == 0:
        return grad
    grads = dy.reshape(*dy.shape[:-1], filter_shape[-2], filter_shape[-1])
    windows = _windows(_padded(x, geo), geo)
    for tap in _taps(geo):
        taps = windows[(slice(None), *([slice(None)] * len(tap)), *tap, slice(None))]
        flat_taps = taps.reshape(-1, filter_shape[-2])
        grad[tap] = np.einsum("ic,icm->cm", flat_taps, grads.reshape(-1, *filter_shape[-2:]))
    return grad
