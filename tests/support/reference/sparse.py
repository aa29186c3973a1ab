"""Independent references for the sparse ops: plain Python loops over the entries, written
after TF's C++ kernels (the merge walks of SparseAdd and SparseSparseMaximum, the groups of
the reductions, the per-entry products of SparseTensorDenseMatMul), not after ndflow's
vectorized kernels. Indices are lists of tuples; values lists.
"""

from __future__ import annotations

import numpy as np


def _rows(indices):
    return [tuple(int(x) for x in row) for row in np.asarray(indices).reshape(len(indices), -1)]


def _as_arrays(indices, values, ndims, dtype):
    return (
        np.array(indices, dtype=np.int64).reshape(len(indices), ndims),
        np.array(values, dtype=dtype),
    )


def reorder(indices, values):
    """Entries sorted by their index tuple (a stable sort)."""
    pairs = sorted(zip(_rows(indices), list(values)), key=lambda pair: pair[0])
    ndims = np.shape(indices)[1]
    return _as_arrays([p[0] for p in pairs], [p[1] for p in pairs], ndims, np.asarray(values).dtype)


def _compare(a, b) -> int:
    return (a > b) - (a < b)


def merge_walk(a_indices, a_values, b_indices, b_values):
    """TF's walk over two ordered operands: [(index, a value or None, b value or None)]."""
    a_rows, b_rows = _rows(a_indices), _rows(b_indices)
    i = j = 0
    out = []
    while i < len(a_rows) and j < len(b_rows):
        order = _compare(a_rows[i], b_rows[j])
        if order < 0:
            out.append((a_rows[i], a_values[i], None))
            i += 1
        elif order > 0:
            out.append((b_rows[j], None, b_values[j]))
            j += 1
        else:
            out.append((a_rows[i], a_values[i], b_values[j]))
            i += 1
            j += 1
    out += [(a_rows[k], a_values[k], None) for k in range(i, len(a_rows))]
    out += [(b_rows[k], None, b_values[k]) for k in range(j, len(b_rows))]
    return out


def add(a_indices, a_values, b_indices, b_values, thresh):
    """SparseAdd: summed entries below `thresh` in magnitude are dropped."""
    indices, values = [], []
    for row, x, y in merge_walk(a_indices, a_values, b_indices, b_values):
        if x is not None and y is not None:
            total = x + y
            if abs(total) < thresh:
                continue
            indices.append(row)
            values.append(total)
            continue
        indices.append(row)
        values.append(x if y is None else y)
    return _as_arrays(indices, values, np.shape(a_indices)[1], np.asarray(a_values).dtype)


def add_grad(grad, a_indices, b_indices, sum_indices):
    """SparseAddGrad: each operand entry takes the gradient of the equal sum entry."""
    sums = {row: k for k, row in enumerate(_rows(sum_indices))}
    grads = []
    for operand in (a_indices, b_indices):
        grads.append(
            np.array([grad[sums[r]] if r in sums else 0 for r in _rows(operand)], grad.dtype)
        )
    return grads


def min_or_max(a_indices, a_values, b_indices, b_values, choose):
    """SparseSparseMaximum/Minimum: the union, a missing side counting as zero."""
    indices, values = [], []
    for row, x, y in merge_walk(a_indices, a_values, b_indices, b_values):
        indices.append(row)
        values.append(choose(0 if x is None else x, 0 if y is None else y))
    return _as_arrays(indices, values, np.shape(a_indices)[1], np.asarray(a_values).dtype)


def dense_add(indices, values, dense):
    out = np.array(dense, copy=True)
    for row, value in zip(_rows(indices), values):
        out[row] += value
    return out


def matmul(indices, values, shape, b, adjoint_a=False, adjoint_b=False):
    """A @ B with A given by (indices, values, shape), one product per entry."""
    a = np.zeros(tuple(shape), dtype=np.asarray(b).dtype)
    for (row, col), value in zip(_rows(indices), values):
        a[row, col] += value
    a = np.conj(a.T) if adjoint_a else a
    b = np.conj(np.asarray(b).T) if adjoint_b else np.asarray(b)
    out = np.zeros((a.shape[0], b.shape[1]), dtype=b.dtype)
    for m in range(a.shape[0]):
        for n in range(b.shape[1]):
            out[m, n] = sum(a[m, k] * b[k, n] for k in range(a.shape[1]))
    return out


def _groups(indices, values, axes, ndims):
    groups: dict = {}
    kept = [d for d in range(ndims) if d not in axes]
    for row, value in zip(_rows(indices), values):
        groups.setdefault(tuple(row[d] for d in kept), []).append(value)
    return kept, groups


def reduce(indices, values, shape, axes, keep_dims, combine, sparse=False):
    """SparseReduce{Sum,Max}[Sparse]: entries grouped by their kept coordinates."""
    ndims = len(shape)
    axes = sorted({(int(a) + ndims) % ndims for a in np.ravel(axes)})
    kept, groups = _groups(indices, values, axes, ndims)
    dtype = np.asarray(values).dtype
    out_shape = (
        [1 if d in axes else shape[d] for d in range(ndims)]
        if keep_dims
        else [shape[d] for d in kept]
    )
    if sparse:
        rows, reduced = [], []
        for key in sorted(groups):
            full = [0] * ndims
            for d, coord in zip(kept, key):
                full[d] = coord
            rows.append(full if keep_dims else list(key))
            reduced.append(combine(groups[key]))
        out_indices = np.array(rows, np.int64).reshape(len(rows), len(out_shape))
        return out_indices, np.array(reduced, dtype), np.array(out_shape, np.int64)
    out = np.zeros(out_shape, dtype)
    for key, group in groups.items():
        position = list(key)
        if keep_dims:
            position = [0] * ndims
            for d, coord in zip(kept, key):
                position[d] = coord
        out[tuple(position)] = combine(group)
    return out


def slice_sparse(indices, values, shape, start, size):
    """SparseSlice: the entries in [start, start + size), shifted; the box clipped."""
    rows, kept = [], []
    for row, value in zip(_rows(indices), values):
        if all(s <= x < s + n for x, s, n in zip(row, start, size)):
            rows.append([x - s for x, s in zip(row, start)])
            kept.append(value)
    out_shape = [max(0, n if s + n < d else d - s) for d, s, n in zip(shape, start, size)]
    out_indices, out_values = _as_arrays(rows, kept, len(shape), np.asarray(values).dtype)
    return out_indices, out_values, np.array(out_shape, np.int64)


def slice_grad(grad, input_indices, start, output_indices):
    """SparseSliceGrad: TF's in-order walk."""
    out = np.zeros(len(input_indices), dtype=np.asarray(grad).dtype)
    outputs = _rows(output_indices)
    j = 0
    for i, row in enumerate(_rows(input_indices)):
        if j < len(outputs) and all(x == o + s for x, o, s in zip(row, outputs[j], start)):
            out[i] = grad[j]
            j += 1
    return out


def split(indices, values, shape, axis, num_split):
    """SparseSplit: the first `size % num_split` pieces one larger; entries in order."""
    size = shape[axis]
    widths = [size // num_split + (1 if k < size % num_split else 0) for k in range(num_split)]
    bounds = np.cumsum([0] + widths)
    pieces = []
    for k in range(num_split):
        rows, kept = [], []
        for row, value in zip(_rows(indices), values):
            if bounds[k] <= row[axis] < bounds[k + 1]:
                moved = list(row)
                moved[axis] -= bounds[k]
                rows.append(moved)
                kept.append(value)
        piece_shape = list(shape)
        piece_shape[axis] = widths[k]
        arrays = _as_arrays(rows, kept, len(shape), np.asarray(values).dtype)
        pieces.append((*arrays, np.array(piece_shape, np.int64)))
    return pieces


def concat(parts, axis):
    """SparseConcat of [(indices, values, shape)]: shifted along `axis`, then reordered."""
    rows, kept, offset = [], [], 0
    for indices, values, shape in parts:
        for row, value in zip(_rows(indices), values):
            moved = list(row)
            moved[axis] += offset
            rows.append(tuple(moved))
            kept.append(value)
        offset += shape[axis]
    out_shape = list(parts[0][2])
    out_shape[axis] = offset
    ndims = len(out_shape)
    out_indices, out_values = reorder(
        np.array(rows, np.int64).reshape(len(rows), ndims), np.array(kept)
    )
    return out_indices, out_values, np.array(out_shape, np.int64)
