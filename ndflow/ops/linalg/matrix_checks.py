"""What TF's linear-algebra ops share: their static shape rules (a batch of square matrices,
a batch of solves) and their kernels' run-time checks (`LinearAlgebraOp`'s rank, outer
dimension and squareness errors), plus running half-precision inputs in float32.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape

FLOAT_COMPLEX = "T: {double, float, half, complex64, complex128}"

_HALF = frozenset({"float16", "bfloat16"})


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def zero_of(x) -> np.ndarray:
    """TF's T(0) for x's type (the empty string for strings): a band's filler."""
    dtype = np.asarray(x).dtype
    return np.array(b"", dtype=object) if dtype.kind == "O" else np.zeros((), dtype)


# ---------------------------------------------------------------------- static shapes


def square_batch(shape: tensor_shape.TensorShape, swap: bool = False):
    """TF's MakeBatchSquareMatrix: rank >= 2 with equal last two dims; returns
    (batch dims as a list, or None for an unknown rank; the merged size).

    `swap` merges the last dim with the one before (the determinant ops' order, which
    shows in TF's message "Dimensions must be equal, but are <last> and <before last>").
    """
    shape = shape_errors.require_rank_at_least(shape, 2)
    if shape.rank is None:
        return None, None
    dims = shape.as_list()
    first, second = (dims[-1], dims[-2]) if swap else (dims[-2], dims[-1])
    return dims[:-2], shape_errors.merge_dims(first, second)


def min_dim(a, b):
    """TF's InferenceContext::Min of two dims: 0 if either is 0, else unknown if either is."""
    if a == 0 or b == 0:
        return 0
    return None if a is None or b is None else min(a, b)


def batch_shape(batch, *trailing) -> tensor_shape.TensorShape:
    """batch + trailing dims, or an unknown shape when the batch (rank) is unknown."""
    if batch is None:
        return tensor_shape.unknown_shape()
    return tensor_shape.TensorShape(list(batch) + list(trailing))


def square_shape(op):
    """TF's BatchUnchangedSquareShapeFn: [..., M, M] in, the same out."""
    batch, size = square_batch(op.inputs[0].shape)
    return [batch_shape(batch, size, size)]


def solve_shape(lhs, rhs, square: bool):
    """TF's BatchMatrixSolveShapeFn: [..., M, N] and [..., M, K] give [..., N, K]; the batch
    dims must be equal (no broadcasting)."""
    if square:
        square_batch(lhs)
    lhs = shape_errors.require_rank_at_least(lhs, 2)
    rhs = shape_errors.require_rank_at_least(rhs, 2)
    if lhs.rank is None or rhs.rank is None:
        return tensor_shape.unknown_shape()
    a, b = lhs.as_list(), rhs.as_list()
    batch = shape_errors.merge_shapes(
        tensor_shape.TensorShape(a[:-2]), tensor_shape.TensorShape(b[:-2])
    )
    rows = shape_errors.merge_dims(a[-2], b[-2])
    cols = shape_errors.merge_dims(rows, a[-1]) if square else a[-1]
    return batch.concatenate([cols, b[-1]])


# ---------------------------------------------------------------------- run-time checks


def check_rank(*inputs) -> None:
    for index, value in enumerate(inputs):
        if np.ndim(value) < 2:
            raise invalid(f"Input tensor {index} must have rank >= 2, got {np.ndim(value)}")


def check_same_batch(*inputs) -> None:
    if len({np.ndim(value) for value in inputs}) > 1:
        raise invalid("All input tensors must have the same rank.")
    batches = {np.shape(value)[:-2] for value in inputs}
    if len(batches) > 1:
        raise invalid("All input tensors must have the same outer dimensions.")


def check_square(matrix) -> None:
    if np.shape(matrix)[-1] != np.shape(matrix)[-2]:
        raise invalid("Input matrix must be square.")


def square_input(matrix) -> np.ndarray:
    """The checks of a one-input square op (Cholesky, MatrixInverse, determinants...)."""
    check_rank(matrix)
    check_square(matrix)
    return np.asarray(matrix)


def working(x) -> np.ndarray:
    """x in the precision its kernel computes in: float32 for half types."""
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype.name in _HALF else x


def as_type(value, dtype) -> np.ndarray:
    """A kernel result back in the op's dtype (complex results of real types keep the
    real part; real results of complex types become complex)."""
    value = np.asarray(value)
    if np.dtype(dtype).kind != "c" and value.dtype.kind == "c":
        value = value.real
    return value.astype(dtype, copy=False)
