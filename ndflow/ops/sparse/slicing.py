"""Slicing a SparseTensor: SparseSlice (`tf.sparse.slice`) with TF's gradient through the
SparseSliceGrad op."""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops.sparse import coordinates

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
TensorShape = tensor_shape.TensorShape
SparseTensor = sparse_tensor.SparseTensor


# ---------------------------------------------------------------------- SparseSlice


def _slice_shape(op):
    shape = op.inputs[2].shape
    rank = coordinates.dim(shape, 0) if shape.rank == 1 else None
    return [TensorShape([None, rank]), TensorShape([None]), shape]


def _check_bounds_vectors(shape, start, size) -> None:
    for label, value in (("start", start), ("size", size)):
        if np.ndim(value) != 1:
            raise invalid(
                f"Input {label} should be a vector but received shape "
                f"{format_dims(np.shape(value))}"
            )
    for label, value in (("start", start), ("size", size)):
        if np.size(value) != np.size(shape):
            raise invalid(
                f"Expected {label} to be a vector of length {np.size(shape)} but got length "
                f"{np.size(value)}"
            )


def _slice_kernel(ctx, indices, values, shape, start, size):
    coordinates.check_sparse_tensor(indices, values, shape)
    _check_bounds_vectors(shape, start, size)
    dims = coordinates.check_dims_non_negative(shape)
    start = np.asarray(start, np.int64).reshape(-1)
    size = np.asarray(size, np.int64).reshape(-1)
    if (size < 0).any():
        raise invalid(f"Expected a non-negative size, got {int(size[size < 0][0])}")
    indices = np.asarray(indices, np.int64)
    hits = np.all((indices >= start) & (indices < start + size), axis=1)
    output_shape = np.maximum(np.where(start + size < dims, size, dims - start), 0)
    return indices[hits] - start, np.asarray(values)[hits], output_shape.astype(np.int64)


def _slice_grad(op, *grads):
    """TF's `_SparseSliceGrad`: SparseSliceGrad puts the values' gradient back on the input
    entries the slice kept (zero elsewhere)."""
    values_grad = apply_op("SparseSliceGrad", grads[1], op.inputs[0], op.inputs[3], op.outputs[0])
    values_grad.set_shape(op.inputs[1].shape)
    return [None, values_grad, None, None, None]


register_op(
    "SparseSlice",
    inputs=["indices: int64", "values: T", "shape: int64", "start: int64", "size: int64"],
    outputs=["output_indices: int64", "output_values: T", "output_shape: int64"],
    attrs=["T: type"],
    shape=_slice_shape,
    kernel=_slice_kernel,
    grad=_slice_grad,
)


# ---------------------------------------------------------------------- SparseSliceGrad


def _slice_grad_shape(op):
    indices = shape_errors.require_rank(op.inputs[1].shape, 2)
    return [TensorShape([coordinates.dim(indices, 0)])]


def _check_slice_grad(backprop_val_grad, input_indices, input_start, output_indices) -> None:
    if np.ndim(input_indices) != 2 or np.ndim(output_indices) != 2:
        raise invalid(
            "Input and output indices should be matrices but received shapes: "
            f"{format_dims(np.shape(input_indices))} and {format_dims(np.shape(output_indices))}"
        )
    if np.ndim(backprop_val_grad) != 1:
        raise invalid(
            "Input backprop_val_grad should be a vector but received shape: "
            f"{format_dims(np.shape(backprop_val_grad))}"
        )
    (inputs, ndims), (outputs, out_dims) = np.shape(input_indices), np.shape(output_indices)
    if ndims != out_dims:
        raise invalid(
            f"The input and output should have the same ndims: got: {ndims} and {out_dims}"
        )
    if outputs > inputs:
        raise invalid(
            "# rows of output_indices should be not greater than of input_indices, got "
            f"{outputs} and {inputs}"
        )
    if np.size(backprop_val_grad) != outputs:
        raise invalid(
            "# elements of backprop_val_grad and # rows of output_indices should match (#nnz of "
            f"sum): got {np.size(backprop_val_grad)} and {outputs}"
        )
    _check_slice_grad_start(input_start, ndims)


def _check_slice_grad_start(input_start, ndims: int) -> None:
    if np.ndim(input_start) != 1:
        raise invalid(
            "The input_start should be a vector but received shape "
            f"{format_dims(np.shape(input_start))}"
        )
    if np.size(input_start) != ndims:
        raise invalid(
            f"Expected input_start to be a vector of length {ndims} but got length "
            f"{np.size(input_start)}"
        )


def _slice_grad_kernel(ctx, backprop_val_grad, input_indices, input_start, output_indices):
    """TF walks the input entries in order, matching the next output entry (shifted back by
    `input_start`) each time; here each output is matched to its input entry at once, and
    the walk succeeds as long as those positions increase."""
    _check_slice_grad(backprop_val_grad, input_indices, input_start, output_indices)
    grad = np.asarray(backprop_val_grad)
    shifted = np.asarray(output_indices, np.int64) + np.asarray(input_start, np.int64)
    positions = coordinates.match_rows(shifted, np.asarray(input_indices, np.int64))
    previous = np.concatenate([[-1], positions[:-1]])[: positions.size]
    matched = (positions >= 0) & (positions > previous)
    used = positions.size if matched.all() else int(np.argmin(matched))
    if used != grad.size:
        raise errors.InternalError(
            None,
            None,
            f"Elements of backprop_val_grad aren't all propagated. Num elements:{grad.size}, "
            f"used: {used}",
        )
    val_grad = np.zeros(np.shape(input_indices)[0], dtype=grad.dtype)
    val_grad[positions] = grad
    return val_grad


register_op(
    "SparseSliceGrad",
    inputs=[
        "backprop_val_grad: T",
        "input_indices: int64",
        "input_start: int64",
        "output_indices: int64",
    ],
    outputs=["val_grad: T"],
    attrs=["T: numbertype"],
    shape=_slice_grad_shape,
    kernel=_slice_grad_kernel,
)
registry.not_differentiable("SparseSliceGrad", "TF registers no gradient for it")


def sparse_slice(sp_input, start, size, name=None):
    """Mirrors `tf.sparse.slice` (`tf.sparse_slice`): the entries inside the box
    [start, start + size), re-indexed from `start`; the box is clipped to the dense shape.

    Args:
      sp_input: a SparseTensor.
      start: the first position in each dimension (1-D int64).
      size: the extent in each dimension (1-D int64).
      name: the name scope (default "SparseSlice").

    Returns:
      The sliced SparseTensor.

    Raises:
      TypeError: when `sp_input` is not sparse.

    >>> sparse_slice(SparseTensor([[0, 2], [1, 0]], [1, 2], [2, 4]), [0, 1], [2, 3]).indices
    """
    sp_input = coordinates.convert_to_sparse_tensor(sp_input)
    start = op_builder.convert_to_tensor(start, dtypes.int64)
    size = op_builder.convert_to_tensor(size, dtypes.int64)
    with graph_lib.name_scope(name, "SparseSlice", [sp_input]) as scope:
        indices, values, shape = apply_op(
            "SparseSlice",
            sp_input.indices,
            sp_input.values,
            sp_input.dense_shape,
            start,
            size,
            name=scope,
        )
        return SparseTensor(indices, values, shape)
