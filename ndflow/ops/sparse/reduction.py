"""Reductions of a SparseTensor over some of its dimensions: SparseReduceSum and
SparseReduceMax (dense results), SparseReduceSumSparse and SparseReduceMaxSparse (sparse
results), with `tf.sparse.reduce_sum` / `reduce_max` (and their `_sparse` variants) and TF's
gradient of SparseReduceSum. TF registers no gradient for the other three.

Only the entries present take part: a max over a group of negative values is negative, and a
group without entries reduces to 0.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops import math
from ndflow.ops.array import indexing
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes
from ndflow.ops.math import reduction as math_reduction
from ndflow.ops.math import sequence
from ndflow.ops.sparse import coordinates
from ndflow.ops.sparse import reordering

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
TensorShape = tensor_shape.TensorShape
SparseTensor = sparse_tensor.SparseTensor

_INPUTS = [
    "input_indices: int64",
    "input_values: T",
    "input_shape: int64",
    "reduction_axes: int32",
]


def _reduce_shape(op):
    """TF's `SparseReduceShapeFn`: known when the dense shape and the axes are constant."""
    dims = infer.static_value(op.inputs[2])
    axes = infer.static_value(op.inputs[3])
    if dims is None or axes is None:
        return [tensor_shape.unknown_shape()]
    dims = [int(d) for d in np.ravel(dims)]
    ndims = len(dims)
    reduced = {(int(a) + ndims) % ndims for a in np.ravel(axes)} if ndims else set()
    if op.attrs["keep_dims"]:
        return [TensorShape([1 if d in reduced else size for d, size in enumerate(dims)])]
    return [TensorShape([size for d, size in enumerate(dims) if d not in reduced])]


def _unknown_outputs(op):
    return [tensor_shape.unknown_shape()] * 3


def _check_reduce_inputs(indices, values, shape, reduction_axes) -> np.ndarray:
    if np.ndim(shape) != 1:
        raise invalid(
            f"Expected input_shape to be a vector; got shape: {format_dims(np.shape(shape))}"
        )
    if np.ndim(reduction_axes) > 1:
        raise invalid(
            "Expected reduction_axes to be a scalar or a vector; got shape: "
            f"{format_dims(np.shape(reduction_axes))}"
        )
    ndims = np.size(shape)
    axes = np.asarray(reduction_axes, np.int64).reshape(-1)
    bad = (axes < -ndims) | (axes >= ndims)
    if bad.any():
        raise invalid(
            f"Invalid reduction dimension {axes[bad][0]}, for input with {ndims} dimensions."
        )
    dims = coordinates.check_dims_non_negative(shape)
    coordinates.check_created(indices, values, shape)
    return dims


class _Reduction:
    """One reduction, as TF's `SparseTensorReduceHelper` lays it out: the kept (group)
    dimensions, the reduced shape, and the groups of entries in row-major group order."""

    def __init__(self, indices, values, shape, reduction_axes, keep_dims, combine):
        dims = _check_reduce_inputs(indices, values, shape, reduction_axes)
        ndims = dims.size
        axes = np.asarray(reduction_axes, np.int64).reshape(-1)
        reduced = sorted({(int(a) + ndims) % ndims for a in axes})
        self.group_dims = [d for d in range(ndims) if d not in reduced]
        self.keep_dims = keep_dims
        self.dims = dims
        if keep_dims:
            self.shape = np.where(np.isin(np.arange(ndims), reduced), 1, dims).astype(np.int64)
        else:
            self.shape = dims[self.group_dims]
        indices = np.asarray(indices, np.int64)
        order = coordinates.canonical_order(indices[:, self.group_dims + reduced])
        groups = indices[order][:, self.group_dims]
        changes = np.any(np.diff(groups, axis=0) != 0, axis=1)
        starts = np.flatnonzero(np.r_[True, changes]) if order.size else np.zeros(0, np.int64)
        self.coords = groups[starts]
        sorted_values = np.asarray(values)[order]
        self.values = combine(sorted_values, starts) if starts.size else sorted_values[:0]


def _sum(values, starts):
    return np.add.reduceat(values, starts).astype(values.dtype)


def _max(values, starts):
    return np.maximum.reduceat(values, starts)


def _dense_kernel(combine):
    def kernel(ctx, input_indices, input_values, input_shape, reduction_axes, keep_dims):
        r = _Reduction(input_indices, input_values, input_shape, reduction_axes, keep_dims, combine)
        output = np.zeros(tuple(r.shape), dtype=np.asarray(input_values).dtype)
        strides = coordinates.row_major_strides(r.dims[r.group_dims])
        flat = r.coords @ strides if r.group_dims else np.zeros(len(r.values), np.int64)
        bad = (flat < 0) | (flat >= output.size)
        if bad.any():
            raise errors.InternalError(
                None,
                None,
                f"Obtained a write index of {flat[bad][0]} which is outside of bounds of "
                f"[0, {output.size})",
            )
        output.reshape(-1)[flat] = r.values
        return output

    return kernel


def _sparse_kernel(combine):
    def kernel(ctx, input_indices, input_values, input_shape, reduction_axes, keep_dims):
        r = _Reduction(input_indices, input_values, input_shape, reduction_axes, keep_dims, combine)
        indices = np.zeros((len(r.values), r.shape.size), dtype=np.int64)
        if keep_dims:
            indices[:, r.group_dims] = r.coords
        else:
            indices[:, :] = r.coords
        return indices, r.values, r.shape.astype(np.int64)

    return kernel


def _reduce_sum_grad(op, out_grad):
    """TF's `_SparseReduceSumGrad`: each entry reads the gradient of its group."""
    sp_indices, sp_shape = op.inputs[0], op.inputs[2]
    kept_dims = math_reduction.reduced_shape(sp_shape, op.inputs[3])
    reshaped = shapes.reshape(out_grad, kept_dims)
    scale = sp_shape // math.cast(kept_dims, dtypes.int64)
    return [None, indexing.gather_nd(reshaped, sp_indices // scale), None, None]


_SPARSE_OUTPUTS = ["output_indices: int64", "output_values: T", "output_shape: int64"]

register_op(
    "SparseReduceSum",
    inputs=_INPUTS,
    outputs=["output: T"],
    attrs=["keep_dims: bool = false", "T: numbertype"],
    shape=_reduce_shape,
    kernel=_dense_kernel(_sum),
    grad=_reduce_sum_grad,
)
register_op(
    "SparseReduceSumSparse",
    inputs=_INPUTS,
    outputs=_SPARSE_OUTPUTS,
    attrs=["keep_dims: bool = false", "T: numbertype"],
    shape=_unknown_outputs,
    kernel=_sparse_kernel(_sum),
)
register_op(
    "SparseReduceMax",
    inputs=_INPUTS,
    outputs=["output: T"],
    attrs=["keep_dims: bool = false", "T: realnumbertype"],
    shape=_reduce_shape,
    kernel=_dense_kernel(_max),
)
register_op(
    "SparseReduceMaxSparse",
    inputs=_INPUTS,
    outputs=_SPARSE_OUTPUTS,
    attrs=["keep_dims: bool = false", "T: realnumbertype"],
    shape=_unknown_outputs,
    kernel=_sparse_kernel(_max),
)
for _op_type in ("SparseReduceSumSparse", "SparseReduceMax", "SparseReduceMaxSparse"):
    registry.not_differentiable(_op_type, "TF registers no gradient for it")


# ---------------------------------------------------------------------- builders


def _reduction_axes(sp_input, axis):
    """TF's `_ReductionDims`: [0, rank) when `axis` is None (a Const if the rank is known)."""
    if axis is not None:
        return axis
    rank = sp_input.shape.rank
    if rank:
        return op_builder.constant(np.arange(rank, dtype=np.int32))
    return sequence.range(0, reordering.sparse_rank(sp_input))


def _reduce(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims):
    keepdims = coordinates.deprecated_lookup("keepdims", keepdims, "keep_dims", keep_dims)
    axis = coordinates.deprecated_lookup("axis", axis, "reduction_axes", reduction_axes)
    sp_input = coordinates.convert_to_sparse_tensor(sp_input)
    return apply_op(
        op_type,
        sp_input.indices,
        sp_input.values,
        sp_input.dense_shape,
        _reduction_axes(sp_input, axis),
        keep_dims=bool(keepdims),
    )


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """Mirrors TF1 `tf.sparse.reduce_sum` (`tf.sparse_reduce_sum`): the sum over `axis` of a
    SparseTensor, as a dense Tensor.

    Args:
      sp_input: a SparseTensor of a number type.
      axis: the dimensions to reduce (default: all).
      keepdims: keep the reduced dimensions with size 1.
      reduction_axes: the deprecated name of `axis`.
      keep_dims: the deprecated name of `keepdims`.

    Returns:
      The reduced dense Tensor.

    Raises:
      InvalidArgumentError: at run time, for an axis outside [-rank, rank).

    >>> sparse_reduce_sum(SparseTensor([[0, 0], [1, 1]], [1, 2], [2, 3]), 1)  # [1, 2]
    """
    return _reduce("SparseReduceSum", sp_input, axis, keepdims, reduction_axes, keep_dims)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """Mirrors TF1 `tf.sparse.reduce_max` (`tf.sparse_reduce_max`): the maximum over `axis`
    of the entries present (missing entries do not count; an empty group gives 0).

    Args:
      sp_input: a SparseTensor of a real type.
      axis: the dimensions to reduce (default: all).
      keepdims: keep the reduced dimensions with size 1.
      reduction_axes: the deprecated name of `axis`.
      keep_dims: the deprecated name of `keepdims`.

    Returns:
      The reduced dense Tensor.

    >>> sparse_reduce_max(SparseTensor([[0, 0], [1, 1]], [-1, 2], [2, 3]), 1)  # [-1, 2]
    """
    return _reduce("SparseReduceMax", sp_input, axis, keepdims, reduction_axes, keep_dims)


def _reduce_sparse(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims):
    indices, values, shape = _reduce(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims)
    return SparseTensor(indices, values, shape)


def sparse_reduce_sum_sparse(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None
):
    """Mirrors TF1 `tf.sparse.reduce_sum_sparse` (`tf.sparse_reduce_sum_sparse`): like
    `sparse_reduce_sum`, with a SparseTensor result holding the groups that had entries.

    Args:
      sp_input: a SparseTensor of a number type.
      axis: the dimensions to reduce (default: all).
      keepdims: keep the reduced dimensions with size 1.
      reduction_axes: the deprecated name of `axis`.
      keep_dims: the deprecated name of `keepdims`.

    Returns:
      The reduced SparseTensor.

    >>> sparse_reduce_sum_sparse(SparseTensor([[0, 0], [0, 1]], [1, 2], [2, 3]), 1).values  # [3]
    """
    return _reduce_sparse(
        "SparseReduceSumSparse", sp_input, axis, keepdims, reduction_axes, keep_dims
    )


def sparse_reduce_max_sparse(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None
):
    """Mirrors TF1 `tf.sparse.reduce_max_sparse` (`tf.sparse_reduce_max_sparse`): like
    `sparse_reduce_max`, with a SparseTensor result holding the groups that had entries.

    Args:
      sp_input: a SparseTensor of a real type.
      axis: the dimensions to reduce (default: all).
      keepdims: keep the reduced dimensions with size 1.
      reduction_axes: the deprecated name of `axis`.
      keep_dims: the deprecated name of `keepdims`.

    Returns:
      The reduced SparseTensor.

    >>> sparse_reduce_max_sparse(SparseTensor([[0, 0], [0, 1]], [1, 2], [2, 3]), 1).values  # [2]
    """
    return _reduce_sparse(
        "SparseReduceMaxSparse", sp_input, axis, keepdims, reduction_axes, keep_dims
    )
