"""NumPy pooling reductions over a `Window` (pool_geometry.py), with TF's CPU kernels'
tie, padding and NaN rules.

Each function loops over the window's taps (k_h * k_w iterations of one vectorized op on a
strided view of the padded input), never over output positions. Sums run in the data's
own type, as in TF's kernels.
"""

from __future__ import annotations

import numpy as np

_NARROW = frozenset({"float16", "bfloat16"})


def work_dtype(dtype) -> np.dtype:
    """The dtype sums and averages are accumulated in."""
    return np.dtype(np.float32) if np.dtype(dtype).name in _NARROW else np.dtype(dtype)


def lowest(dtype):
    """Eigen::NumTraits<T>::lowest(): the initial value of TF's max pooling."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    if dtype.name == "bfloat16":
        return np.array(0xFF7F, np.uint16).view(dtype)[()]  # -(2 - 2**-7) * 2**127
    return np.finfo(dtype).min


def max_pool(x: np.ndarray, window) -> np.ndarray:
    """TF's 2-D max pooling: the max of the valid cells, starting from lowest(), NaN
    ignored (Eigen's cwiseMax)."""
    fill = lowest(x.dtype)
    padded = window.padded(x, fill)
    out = np.full(window.out_shape, fill, dtype=x.dtype)
    for _, slices in window.taps():
        np.fmax(out, padded[slices], out=out)
    return out


def max_pool_3d(x: np.ndarray, window) -> np.ndarray:
    """TF's 3-D max pooling (Eigen's CuboidMaxPooling): starts from -inf and keeps the
    running max only while it compares greater, so -inf stays -inf."""
    padded = window.padded(x, -np.inf)
    out = np.full(window.out_shape, -np.inf, dtype=x.dtype)
    for _, slices in window.taps():
        tap = padded[slices]
        np.copyto(out, tap, where=~(out > tap))
    return out


def avg_pool(x: np.ndarray, window) -> np.ndarray:
    """The mean of each window's valid cells: padding is excluded from the count. Sums run
    in the input's type and in window order, as TF's SpatialAvgPool adds them."""
    padded = window.padded(x, 0)
    total = np.zeros(window.out_shape, dtype=x.dtype)
    for _, slices in window.taps():
        total += padded[slices]
    return total / window.counts().astype(x.dtype)


def avg_pool_grad(grad: np.ndarray, window) -> np.ndarray:
    """Each window's gradient spread evenly over its valid cells (times 1 / count, in the
    gradient's type, as TF's AvgPoolGrad does)."""
    share = grad * (1.0 / window.counts()).astype(grad.dtype)
    return scatter(window, lambda tap, offsets: share, grad.dtype)


def index_dtype(window) -> np.dtype:
    """The smallest integer type that holds a tap index (and -1)."""
    return np.min_scalar_type(-len(window.tap_offsets()))


def first_argmax(x: np.ndarray, window):
    """(max, tap index) per window by TF's MaxPoolGrad/MaxPoolWithArgmax rule: the first
    valid cell in window order, replaced only by a strictly greater one. Windows with no
    valid cell (possible with explicit padding) point at a padding cell."""
    padded = window.padded(x, 0)
    taps = window.taps()
    offsets, slices = next(taps)
    best = np.array(padded[slices])
    index = np.zeros(window.out_shape, dtype=index_dtype(window))
    mask = window.valid(offsets)
    pending = None if mask is None else ~np.broadcast_to(mask, window.out_shape)
    take = np.empty(window.out_shape, dtype=bool)
    for tap, (offsets, slices) in enumerate(taps, start=1):
        values = padded[slices]
        np.less(best, values, out=take)
        if pending is not None:
            take |= pending
        mask = window.valid(offsets)
        if mask is not None:
            take &= mask
        np.copyto(best, values, where=take)
        np.copyto(index, tap, where=take)
        if pending is not None:
            pending &= ~take
            pending = pending if pending.any() else None
    return best, index


def strict_argmax(x: np.ndarray, window):
    """The tap index per window by TF's MaxPoolGradGrad rule: the first valid cell strictly
    greater than lowest() and every earlier cell; -1 when there is none."""
    padded = window.padded(x, 0)
    best = np.full(window.out_shape, lowest(x.dtype), dtype=x.dtype)
    index = np.full(window.out_shape, -1, dtype=index_dtype(window))
    take = np.empty(window.out_shape, dtype=bool)
    for tap, (offsets, slices) in enumerate(window.taps()):
        values = padded[slices]
        np.less(best, values, out=take)
        mask = window.valid(offsets)
        if mask is not None:
            take &= mask
        np.copyto(best, values, where=take)
        np.copyto(index, tap, where=take)
    return index


def first_equal(x: np.ndarray, target: np.ndarray, window):
    """The tap index of the first valid cell equal to `target` per window (TF's
    MaxPool3DGradGrad rule); -1 when there is none."""
    padded = window.padded(x, 0)
    index = np.full(window.out_shape, -1, dtype=index_dtype(window))
    for tap, (offsets, slices) in enumerate(window.taps()):
        take = (index < 0) & (padded[slices] == target)
        mask = window.valid(offsets)
        if mask is not None:
            take &= mask
        np.copyto(index, tap, where=take)
    return index


def routed_grad(grad: np.ndarray, index: np.ndarray, window) -> np.ndarray:
    """The input gradient when each window's gradient goes to its `index` tap."""
    if not window.overlaps():
        return _routed_disjoint(grad, index, window)
    part = np.empty_like(grad)
    hit = np.empty(index.shape, dtype=bool)

    def routed(tap, offsets):
        np.equal(index, tap, out=hit)
        part.fill(0)
        np.copyto(part, grad, where=hit)
        return part

    return scatter(window, routed, grad.dtype)


def _routed_disjoint(grad: np.ndarray, index: np.ndarray, window) -> np.ndarray:
    """routed_grad for windows that do not overlap (stride >= size, as in the common 2x2 / 2
    pooling): each input cell gets at most one window's gradient, so every tap writes its
    cells directly, with no per-tap temporary and no accumulation."""
    total = np.zeros(window.padded_shape, dtype=grad.dtype)
    hit = np.empty(index.shape, dtype=bool)
    for tap, (_, slices) in enumerate(window.taps()):
        np.equal(index, tap, out=hit)
        np.copyto(total[slices], grad, where=hit)
    return window.crop(total)


def near_max_grad(x, out, grad, window) -> np.ndarray:
    """TF's MaxPool3DGrad: every valid cell within 1e-5 of its window's max gets the
    window's gradient (ties all receive it)."""
    padded = window.padded(x, 0)
    zero = np.zeros((), dtype=grad.dtype)

    def part(tap, offsets):
        hit = np.abs(padded[window.slices(offsets)] - out) < 1e-5
        mask = window.valid(offsets)
        return np.where(hit if mask is None else hit & mask, grad, zero)

    return scatter(window, part, grad.dtype)


def gather_taps(values: np.ndarray, index: np.ndarray, window) -> np.ndarray:
    """Per window, the input-shaped `values` at its `index` tap (0 where index is -1)."""
    padded = window.padded(values, 0)
    out = np.zeros(window.out_shape, dtype=values.dtype)
    for tap, (_, slices) in enumerate(window.taps()):
        np.copyto(out, padded[slices], where=index == tap)
    return out


def scatter(window, part, dtype) -> np.ndarray:
    """The input-shaped sum of `part(tap, offsets)` placed on each tap's cells, accumulated
    in `dtype` in the order TF's kernels add them (see `_scatter_order`)."""
    total = np.zeros(window.padded_shape, dtype=dtype)
    for tap, offsets, slices in _scatter_order(window):
        total[slices] += part(tap, offsets)
    return window.crop(total)


def _scatter_order(window):
    """The taps ordered so each input cell receives its windows' contributions in TF's
    order: output positions row-major in 2-D (the taps reversed); in 3-D TF's loops run
    over columns, then rows, then planes."""
    taps = [(tap, offsets, slices) for tap, (offsets, slices) in enumerate(window.taps())]
    if len(window.ksize) != 5:
        return reversed(taps)
    return sorted(taps, key=lambda item: (-item[1][3], -item[1][2], -item[1][1]))
