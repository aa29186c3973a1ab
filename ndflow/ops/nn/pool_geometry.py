"""Pooling geometry shared by the pooling ops: TF's windowed output sizes and padding (static,
for shape functions, and at run time), data-format axes, and the `Window` a kernel slides.

A `Window` describes, for every axis of the input in its own layout, the window size, the
stride and the padding before and after. The kernels in pool_kernels.py walk its taps (one
strided view of the padded input per window offset), so no Python loop ever visits an
output position.
"""

from __future__ import annotations

import itertools

import numpy as np

from ndflow.framework import errors
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape

# The channel axis and the spatial axes of each data format, for a tensor of its rank.
_CHANNELS_FIRST = frozenset({"NCHW", "NCDHW", "NCW", "NCHW_VECT_C"})


def channel_axis(data_format: str, rank: int) -> int:
    return 1 if data_format in _CHANNELS_FIRST else rank - 1


def spatial_axes(data_format: str, rank: int) -> tuple:
    if data_format in _CHANNELS_FIRST:
        return tuple(range(2, rank))
    return tuple(range(1, rank - 1))


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def unimplemented(message: str) -> errors.UnimplementedError:
    return errors.UnimplementedError(None, None, message)


# ---------------------------------------------------------------------- static shapes


def windowed_dim(size, k: int, s: int, padding: str, before: int = 0, after: int = 0):
    """TF's GetWindowedOutputSizeFromDimsV2 for one static dim (None when unknown)."""
    if s <= 0:
        raise shape_errors.ShapeError(f"Stride must be > 0, but got {s}")
    if size is None:
        return None
    if padding == "SAME":
        return (size + s - 1) // s
    size = size + before + after if padding == "EXPLICIT" else size
    if size < k:
        raise shape_errors.ShapeError(
            f"Negative dimension size caused by subtracting {k} from {size}"
        )
    return (size - k + s) // s


def check_attr_length(values, count: int, message: str) -> None:
    """TF's "<Op> requires the <attr> attribute to contain N values, but got: M"."""
    if len(values) != count:
        raise shape_errors.ShapeError(
            f"{message} to contain {count} values, but got: {len(values)}"
        )


def check_explicit_paddings(padding: str, paddings, rank: int, data_format: str) -> None:
    """TF's CheckValidPadding for ops with an `explicit_paddings` attr."""
    if padding != "EXPLICIT":
        if paddings:
            raise shape_errors.ShapeError(
                "explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT"
            )
        return
    if len(paddings) != 2 * rank:
        raise shape_errors.ShapeError(
            f"explicit_paddings attribute must contain {2 * rank} values, but got: {len(paddings)}"
        )
    if any(p < 0 for p in paddings):
        raise shape_errors.ShapeError("All elements of explicit_paddings must be nonnegative")
    fixed = (0, channel_axis(data_format, rank))
    if any(paddings[2 * axis] or paddings[2 * axis + 1] for axis in fixed):
        raise shape_errors.ShapeError(
            "Nonzero explicit padding in the batch or depth dimensions is not supported"
        )


def pooled_shape(shape, ksize, strides, padding, axes, explicit=()):
    """`shape` (a known-rank TensorShape) with each axis in `axes` windowed."""
    dims = shape.as_list()
    for axis in axes:
        before, after = (explicit[2 * axis], explicit[2 * axis + 1]) if explicit else (0, 0)
        dims[axis] = windowed_dim(dims[axis], ksize[axis], strides[axis], padding, before, after)
    return tensor_shape.TensorShape(dims)


# ---------------------------------------------------------------------- run-time windows


def _runtime_dim(size: int, k: int, s: int, padding: str, explicit=(0, 0)):
    """(output size, pad before, pad after): TF's GetWindowedOutputSizeVerbose."""
    if s <= 0:
        raise invalid(f"Stride must be > 0, but got {s}")
    if padding == "SAME":
        out = (size + s - 1) // s
        needed = max(0, (out - 1) * s + k - size)
        return out, needed // 2, needed - needed // 2
    before, after = explicit if padding == "EXPLICIT" else (0, 0)
    span = size + before + after - k + s
    # C++ integer division truncates toward zero: a window one cell too large gives 0.
    out = span // s if span >= 0 else -(-span // s)
    if out < 0:
        raise invalid(
            f"Computed output size would be negative: {out} [input_size: {size}, "
            f"effective_filter_size: {k}, stride: {s}]"
        )
    return out, before, after


class Window:
    """The windows of a pooling op over an input of shape `in_shape`, axis by axis."""

    def __init__(self, in_shape, ksize, strides, padding, explicit=()):
        self.in_shape = tuple(int(d) for d in in_shape)
        self.ksize = tuple(int(k) for k in ksize)
        self.strides = tuple(int(s) for s in strides)
        dims = []
        for axis, size in enumerate(self.in_shape):
            pads = (explicit[2 * axis], explicit[2 * axis + 1]) if explicit else (0, 0)
            dims.append(_runtime_dim(size, self.ksize[axis], self.strides[axis], padding, pads))
        self.out_shape = tuple(d[0] for d in dims)
        self.pads = tuple((d[1], d[2]) for d in dims)
        self._valid = {}

    @property
    def padded_shape(self) -> tuple:
        return tuple(n + b + a for n, (b, a) in zip(self.in_shape, self.pads))

    def padded(self, x: np.ndarray, fill) -> np.ndarray:
        """The input with its padding cells set to `fill`."""
        if not any(b or a for b, a in self.pads):
            return x
        return np.pad(x, self.pads, mode="constant", constant_values=fill)

    def crop(self, padded: np.ndarray) -> np.ndarray:
        """The input-shaped part of a padded-shape array."""
        return padded[tuple(slice(b, b + n) for n, (b, _) in zip(self.in_shape, self.pads))]

    def overlaps(self) -> bool:
        """Whether an input cell can lie in more than one window (a stride below the size)."""
        return any(k > s for k, s in zip(self.ksize, self.strides))

    def taps(self):
        """(offsets, slices) per window offset, in window order (row-major over the axes):
        `padded[slices]` holds that cell of every window, shaped like the output."""
        for offsets in itertools.product(*(range(k) for k in self.ksize)):
            yield offsets, self.slices(offsets)

    def slices(self, offsets) -> tuple:
        """The strided view of the padded input holding window cell `offsets`."""
        return tuple(
            slice(t, t + s * (o - 1) + 1, s) if o > 0 else slice(0, 0)
            for t, s, o in zip(offsets, self.strides, self.out_shape)
        )

    def valid(self, offsets):
        """Where the window cell at `offsets` lies inside the input (broadcastable to the
        output), or None when it always does."""
        mask = None
        for axis, t in enumerate(offsets):
            inside = self._valid_along(axis, t)
            if inside is not None:
                mask = inside if mask is None else mask & inside
        return mask

    def _valid_along(self, axis: int, t: int):
        key = (axis, t)
        if key not in self._valid:
            start = np.arange(self.out_shape[axis]) * self.strides[axis] - self.pads[axis][0] + t
            inside = (start >= 0) & (start < self.in_shape[axis])
            shape = [1] * len(self.in_shape)
            shape[axis] = -1
            self._valid[key] = None if inside.all() else inside.reshape(shape)
        return self._valid[key]

    def counts(self) -> np.ndarray:
        """How many input cells (padding excluded) each window covers."""
        total = np.ones([1] * len(self.in_shape), np.int64)
        for axis, (n, k, s) in enumerate(zip(self.in_shape, self.ksize, self.strides)):
            start = np.arange(self.out_shape[axis]) * s - self.pads[axis][0]
            count = np.minimum(start + k, n) - np.maximum(start, 0)
            shape = [1] * len(self.in_shape)
            shape[axis] = -1
            total = total * count.reshape(shape)
        return total

    def tap_offsets(self) -> np.ndarray:
        """The window offsets of every tap, [taps, rank], in `taps()` order."""
        grids = itertools.product(*(range(k) for k in self.ksize))
        return np.array(list(grids), dtype=np.int64).reshape(-1, len(self.ksize))


def per_axis(values, axes, rank: int) -> list:
    """A full-rank attr list that is `values[i]` on axes[i] and 1 elsewhere."""
    result = [1] * rank
    for axis, value in zip(axes, values):
        result[axis] = value
    return result
