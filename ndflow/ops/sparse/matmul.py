"""Sparse x dense matrix products: SparseTensorDenseMatMul (adjoint_a, adjoint_b) with TF's
gradient, and `tf.sparse.sparse_dense_matmul` (`tf.sparse_tensor_dense_matmul`,
`tf.sparse.matmul`), which also takes the sparse operand on the right."""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import math
from ndflow.ops.array import gathering
from ndflow.ops.array import rearranging
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes
from ndflow.ops.sparse import coordinates

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
TensorShape = tensor_shape.TensorShape


def _dim_at(shape, index):
    return None if shape.rank is None else shape.as_list()[index]


def _matmul_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 2)
    shape_errors.require_rank(op.inputs[1].shape, 1)
    a_shape = shape_errors.require_rank_at_least(infer.shape_from_shape_tensor(op.inputs[2]), 2)
    b = shape_errors.require_rank_at_least(op.inputs[3].shape, 2)
    adjoint_a, adjoint_b = op.attrs["adjoint_a"], op.attrs["adjoint_b"]
    a_pre = a_shape[:-2] if a_shape.rank is not None else tensor_shape.unknown_shape()
    b_pre = b[:-2] if b.rank is not None else tensor_shape.unknown_shape()
    batch = shape_errors.merge_shapes(a_pre, b_pre)
    right = _dim_at(b, -2 if adjoint_b else -1)
    left = _dim_at(a_shape, -1 if adjoint_a else -2)
    inner_left = _dim_at(a_shape, -2 if adjoint_a else -1)
    inner_right = _dim_at(b, -1 if adjoint_b else -2)
    shape_errors.merge_dims(inner_left, inner_right)
    return [batch.concatenate(TensorShape([left, right]))]


def _check_matmul_inputs(a_indices, a_values, a_shape, b) -> None:
    for message, failed in (
        ("Tensor 'b' is not a matrix", np.ndim(b) != 2),
        ("Tensor 'a_shape' is not a vector", np.ndim(a_shape) != 1),
        ("Tensor 'a_shape' must have 2 elements", np.size(a_shape) != 2),
        ("Tensor 'a_values' is not a vector", np.ndim(a_values) != 1),
        ("Tensor 'a_indices' is not a matrix", np.ndim(a_indices) != 2),
    ):
        if failed:
            raise invalid(message)
    if np.shape(a_indices)[0] != np.size(a_values):
        raise invalid("Number of rows of a_indices does not match number of entries in a_values")
    if np.shape(a_indices)[1] != np.size(a_shape):
        raise invalid("Number of columns of a_indices does not match number of entries in a_shape")


def _check_matmul_indices(rows, columns, out_rows: int, inner: int, adjoint_a: bool) -> None:
    """TF's per-entry bounds checks (k, the inner index, first), on the first bad entry."""
    k_bad = (columns < 0) | (columns >= inner)
    m_bad = (rows < 0) | (rows >= out_rows)
    bad = k_bad | m_bad
    if not bad.any():
        return
    entry = int(np.argmax(bad))
    k_column, m_column = (0, 1) if adjoint_a else (1, 0)
    if k_bad[entry]:
        raise invalid(
            f"k ({columns[entry]}) from index[{entry},{k_column}] out of bounds (>={inner})"
        )
    raise invalid(f"m ({rows[entry]}) from index[{entry},{m_column}] out of bounds (>={out_rows})")


def _matmul_kernel(ctx, a_indices, a_values, a_shape, b, adjoint_a, adjoint_b):
    _check_matmul_inputs(a_indices, a_values, a_shape, b)
    a_dims = [int(d) for d in np.ravel(a_shape)]
    b = np.asarray(b)
    out_rows, inner_left = (a_dims[1], a_dims[0]) if adjoint_a else (a_dims[0], a_dims[1])
    b_rows = np.conj(b.T) if adjoint_b else b
    if inner_left != b_rows.shape[0]:
        raise invalid(
            "Cannot multiply A and B because inner dimension does not match: "
            f"{inner_left} vs. {b_rows.shape[0]}.  Did you forget a transpose?  Dimensions of "
            f"A: [{a_dims[0]}, {a_dims[1]}).  Dimensions of B: {format_dims(b.shape)}"
        )
    output = np.zeros((out_rows, b_rows.shape[1]), dtype=b.dtype)
    if output.size == 0 or np.size(a_values) == 0 or b.size == 0:
        return output
    indices = np.asarray(a_indices, np.int64)
    rows, columns = (indices[:, 1], indices[:, 0]) if adjoint_a else (indices[:, 0], indices[:, 1])
    _check_matmul_indices(rows, columns, out_rows, b_rows.shape[0], adjoint_a)
    values = np.asarray(a_values, dtype=b.dtype)
    values = np.conj(values) if adjoint_a else values
    order = np.argsort(rows, kind="stable")
    products = values[order, None] * b_rows[columns[order]]
    starts = np.flatnonzero(np.r_[True, np.diff(rows[order]) != 0])
    output[rows[order][starts]] = np.add.reduceat(products, starts, axis=0)
    return output


def _values_grad(grad, a_indices, b, adjoint_a: bool, adjoint_b: bool):
    """The gradient of each sparse value: grad[r, :] . conj(b)[c, :] (rows and columns
    swapped, or b transposed, per the adjoints), as batched 1x1 products."""
    rows, columns = a_indices[:, 0], a_indices[:, 1]
    parts_a = gathering.gather(grad, columns if adjoint_a else rows)
    parts_b = gathering.gather(
        rearranging.transpose(b) if adjoint_b else b, rows if adjoint_a else columns
    )
    a_axis = -1 if adjoint_a else -2
    b_axis = -1 if adjoint_a != adjoint_b else -2
    product = math.matmul(
        shapes.expand_dims(parts_a, a_axis),
        shapes.expand_dims(parts_b, b_axis),
        adjoint_a=adjoint_a,
        adjoint_b=adjoint_a == adjoint_b,
    )
    return shapes.squeeze(product, axis=[-2, -1])


def _matmul_grad(op, grad):
    """TF's `_SparseTensorDenseMatMulGrad`."""
    a_indices, a_values, a_shape, b = op.inputs
    adjoint_a, adjoint_b = op.attrs["adjoint_a"], op.attrs["adjoint_b"]
    a_type, b_type = a_values.dtype.base_dtype, b.dtype.base_dtype
    if a_type != b_type:
        raise TypeError(
            "SparseTensorDenseMatMul op received operands with different types: "
            f"`{a_type}` and `{b_type}`."
        )
    b_grad = apply_op(
        "SparseTensorDenseMatMul", a_indices, a_values, a_shape, grad, adjoint_a=not adjoint_a
    )
    if adjoint_b:
        with graph_lib.name_scope(None, "matrix_transpose", [b_grad]):
            b_grad = rearranging.transpose(b_grad, [1, 0], conjugate=True)
    return [None, _values_grad(grad, a_indices, b, adjoint_a, adjoint_b), None, b_grad]


register_op(
    "SparseTensorDenseMatMul",
    inputs=["a_indices: Tindices", "a_values: T", "a_shape: int64", "b: T"],
    outputs=["product: T"],
    attrs=[
        "T: type",
        "Tindices: {int32, int64} = DT_INT64",
        "adjoint_a: bool = false",
        "adjoint_b: bool = false",
    ],
    shape=_matmul_shape,
    kernel=_matmul_kernel,
    grad=_matmul_grad,
)


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """Mirrors `tf.sparse.sparse_dense_matmul` (`tf.sparse_tensor_dense_matmul`,
    `tf.sparse.matmul`): A @ B for a rank-2 SparseTensor and a dense matrix, either way
    round (exactly one operand must be sparse).

    Args:
      sp_a: a SparseTensor (or a dense matrix when `b` is the SparseTensor).
      b: a dense matrix (or a SparseTensor).
      adjoint_a: use the conjugate transpose of A.
      adjoint_b: use the conjugate transpose of B.
      name: the name scope (default "SparseTensorDenseMatMul").

    Returns:
      The dense product.

    Raises:
      ValueError: when the static inner dimensions differ.

    >>> sparse_tensor_dense_matmul(SparseTensor([[0, 1]], [2.0], [1, 2]), [[1.0], [3.0]])
    """
    if coordinates.is_sparse(b):
        if adjoint_a != adjoint_b:
            return rearranging.transpose(sparse_tensor_dense_matmul(b, sp_a, adjoint_a, adjoint_b))
        return rearranging.transpose(
            sparse_tensor_dense_matmul(b, sp_a, adjoint_a=not adjoint_a, adjoint_b=not adjoint_b)
        )
    sp_a = coordinates.convert_to_sparse_tensor(sp_a)
    values = [sp_a.indices, sp_a.values, b]
    # TF builds the op inside its scope under its default name ("scope/SparseTensorDenseMatMul").
    with graph_lib.name_scope(name, "SparseTensorDenseMatMul", values):
        b = op_builder.convert_to_tensor(b, name="b")
        return apply_op(
            "SparseTensorDenseMatMul",
            a_indices=sp_a.indices,
            a_values=sp_a.values,
            a_shape=sp_a.dense_shape,
            b=b,
            adjoint_a=adjoint_a,
            adjoint_b=adjoint_b,
        )
