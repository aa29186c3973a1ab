"""Independent NumPy references for the array ops.

Written differently from the kernels on purpose: element loops over `np.ndindex`, explicit
index arithmetic and Python ranges instead of the NumPy routines the kernels call, so that
a shared mistake is unlikely. Inputs are small.
"""

from __future__ import annotations

import numpy as np


def _empty_like_shape(shape, dtype):
    return (
        np.zeros(shape, dtype=dtype)
        if np.dtype(dtype) != object
        else np.full(shape, b"", dtype=object)
    )


def transpose(x, perm):
    x = np.asarray(x)
    out = _empty_like_shape([x.shape[p] for p in perm], x.dtype)
    for index in np.ndindex(*x.shape):
        out[tuple(index[p] for p in perm)] = x[index]
    return out


def concat(values, axis):
    values = [np.asarray(v) for v in values]
    axis %= values[0].ndim
    shape = list(values[0].shape)
    shape[axis] = sum(v.shape[axis] for v in values)
    out = _empty_like_shape(shape, values[0].dtype)
    offset = 0
    for value in values:
        for index in np.ndindex(*value.shape):
            moved = list(index)
            moved[axis] += offset
            out[tuple(moved)] = value[index]
        offset += value.shape[axis]
    return out


def stack(values, axis):
    values = [np.asarray(v) for v in values]
    rank = values[0].ndim + 1
    axis %= rank
    shape = list(values[0].shape)
    shape.insert(axis, len(values))
    out = _empty_like_shape(shape, values[0].dtype)
    for position, value in enumerate(values):
        for index in np.ndindex(*value.shape):
            full = list(index)
            full.insert(axis, position)
            out[tuple(full)] = value[index]
    return out


def unstack(value, axis):
    value = np.asarray(value)
    axis %= value.ndim
    pieces = []
    for position in range(value.shape[axis]):
        shape = value.shape[:axis] + value.shape[axis + 1 :]
        piece = _empty_like_shape(shape, value.dtype)
        for index in np.ndindex(*shape):
            full = list(index)
            full.insert(axis, position)
            piece[index] = value[tuple(full)]
        pieces.append(piece)
    return pieces


def split(value, sizes, axis):
    value = np.asarray(value)
    axis %= value.ndim
    pieces, start = [], 0
    for size in sizes:
        picks = [range(d) for d in value.shape]
        picks[axis] = range(start, start + size)
        pieces.append(value[np.ix_(*picks)] if value.ndim > 1 else value[list(picks[0])])
        start += size
    return pieces


def slice_(x, begin, size):
    x = np.asarray(x)
    size = [x.shape[i] - begin[i] if s == -1 else s for i, s in enumerate(size)]
    out = _empty_like_shape(size, x.dtype)
    for index in np.ndindex(*size):
        out[index] = x[tuple(i + b for i, b in zip(index, begin))]
    return out


def _strided_positions(dim, begin, end, stride):
    """Python's own slice semantics on one dim (NumPy's too), as a list of positions."""
    return list(range(dim))[begin:end:stride]


def strided_slice_basic(x, begin, end, strides):
    """StridedSlice without masks: one Python slice per dim, via explicit position lists."""
    x = np.asarray(x)
    picks = [_strided_positions(d, b, e, s) for d, b, e, s in zip(x.shape, begin, end, strides)]
    picks += [list(range(d)) for d in x.shape[len(picks) :]]
    out = _empty_like_shape([len(p) for p in picks], x.dtype)
    for index in np.ndindex(*out.shape):
        out[index] = x[tuple(p[i] for p, i in zip(picks, index))]
    return out


def gather(params, indices, axis=0, batch_dims=0):
    params, indices = np.asarray(params), np.asarray(indices)
    axis %= params.ndim
    shape = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1 :]
    out = _empty_like_shape(shape, params.dtype)
    index_rank = indices.ndim - batch_dims
    for index in np.ndindex(*shape):
        outer = index[:axis]
        picked = index[axis : axis + index_rank]
        inner = index[axis + index_rank :]
        position = indices[outer[:batch_dims] + picked]
        out[index] = params[outer + (position,) + inner]
    return out


def gather_nd(params, indices):
    params, indices = np.asarray(params), np.asarray(indices)
    depth = indices.shape[-1]
    shape = indices.shape[:-1] + params.shape[depth:]
    out = _empty_like_shape(shape, params.dtype)
    outer_rank = indices.ndim - 1
    for index in np.ndindex(*shape):
        position = tuple(int(v) for v in indices[index[:outer_rank]])
        out[index] = params[position + index[outer_rank:]]
    return out


def scatter_nd(indices, updates, shape):
    indices, updates = np.asarray(indices), np.asarray(updates)
    out = np.zeros(shape, dtype=updates.dtype)
    outer_rank = indices.ndim - 1
    for index in np.ndindex(*updates.shape):
        position = tuple(int(v) for v in indices[index[:outer_rank]])
        target = position + index[outer_rank:]
        out[target] = out[target] + updates[index]
    return out


def tile(x, multiples):
    x = np.asarray(x)
    shape = [d * m for d, m in zip(x.shape, multiples)]
    out = _empty_like_shape(shape, x.dtype)
    for index in np.ndindex(*shape):
        out[index] = x[tuple(i % d for i, d in zip(index, x.shape))]
    return out


def _mirror(position, dim, mode):
    """The source position of padded `position` (relative to the original start)."""
    period = 2 * dim - (2 if mode == "REFLECT" else 0)
    if period == 0:
        return 0
    position %= period
    if position < dim:
        return position
    return period - position - (0 if mode == "REFLECT" else 1)


def pad(x, paddings, mode="CONSTANT", constant=0):
    x = np.asarray(x)
    shape = [d + before + after for d, (before, after) in zip(x.shape, paddings)]
    out = np.full(shape, constant, dtype=x.dtype)
    for index in np.ndindex(*shape):
        source = []
        for i, (before, _), dim in zip(index, paddings, x.shape):
            position = i - before
            if mode != "CONSTANT":
                position = _mirror(position, dim, mode)
            source.append(position)
        if all(0 <= p < d for p, d in zip(source, x.shape)):
            out[index] = x[tuple(source)]
    return out


def reverse(x, axes):
    x = np.asarray(x)
    axes = {a % x.ndim for a in axes}
    out = _empty_like_shape(x.shape, x.dtype)
    for index in np.ndindex(*x.shape):
        source = tuple(
            d - 1 - i if k in axes else i for k, (i, d) in enumerate(zip(index, x.shape))
        )
        out[index] = x[source]
    return out


def broadcast_to(x, shape):
    x = np.asarray(x)
    padded = (1,) * (len(shape) - x.ndim) + x.shape
    out = _empty_like_shape(shape, x.dtype)
    flat = x.reshape(padded)
    for index in np.ndindex(*shape):
        out[index] = flat[tuple(0 if d == 1 else i for i, d in zip(index, padded))]
    return out


def broadcast_args(s0, s1):
    a, b = [int(v) for v in s0], [int(v) for v in s1]
    width = max(len(a), len(b))
    a, b = [1] * (width - len(a)) + a, [1] * (width - len(b)) + b
    return np.array([y if x == 1 else x for x, y in zip(a, b)], dtype=np.asarray(s0).dtype)


def one_hot(indices, depth, on=1.0, off=0.0, axis=-1, dtype=np.float32):
    indices = np.asarray(indices)
    rank = indices.ndim + 1
    axis = rank - 1 if axis == -1 else axis
    shape = list(indices.shape)
    shape.insert(axis, depth)
    out = np.full(shape, off, dtype=dtype)
    for index in np.ndindex(*indices.shape):
        value = int(indices[index])
        if 0 <= value < depth:
            full = list(index)
            full.insert(axis, value)
            out[tuple(full)] = on
    return out


def unique(x, out_idx=np.int32):
    seen, values, idx = {}, [], []
    for value in np.asarray(x).tolist():
        key = ("nan", len(values)) if value != value else value  # every NaN is distinct
        if key not in seen:
            seen[key] = len(values)
            values.append(value)
        idx.append(seen[key])
    return np.array(values, dtype=np.asarray(x).dtype), np.array(idx, dtype=out_idx)


def where(x):
    x = np.asarray(x)
    found = [index for index in np.ndindex(*x.shape) if x[index]]
    return np.array(found, dtype=np.int64).reshape(len(found), x.ndim)


def invert_permutation(x):
    out = [0] * len(x)
    for position, value in enumerate(np.asarray(x).tolist()):
        out[value] = position
    return np.array(out, dtype=np.asarray(x).dtype)


def bitcast(x, dtype):
    x = np.ascontiguousarray(x)
    target = np.dtype(dtype)
    data = x.tobytes()
    flat = np.frombuffer(data, dtype=target).copy()
    if x.dtype.itemsize == target.itemsize:
        return flat.reshape(x.shape)
    if x.dtype.itemsize > target.itemsize:
        return flat.reshape(x.shape + (x.dtype.itemsize // target.itemsize,))
    return flat.reshape(x.shape[:-1])


def fill(dims, value):
    count = int(np.prod(dims)) if len(dims) else 1
    return np.array([value] * count, dtype=np.asarray(value).dtype).reshape(dims)


def squeeze(x, axes=()):
    x = np.asarray(x)
    axes = {a % x.ndim for a in axes} if axes else {i for i, d in enumerate(x.shape) if d == 1}
    return x.reshape([d for i, d in enumerate(x.shape) if i not in axes])


def expand_dims(x, axis):
    x = np.asarray(x)
    axis = axis + x.ndim + 1 if axis < 0 else axis
    return x.reshape(x.shape[:axis] + (1,) + x.shape[axis:])
