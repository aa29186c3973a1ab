"""Linear solves: MatrixInverse, MatrixSolve (equal batch dims, LU with partial pivoting) and
MatrixTriangularSolve (broadcast batch dims, substitution), with TF's gradients
(linalg_grad.py), and `tf.linalg.inv` / `solve` / `triangular_solve` / `cholesky_solve`.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math
from ndflow.ops.linalg import matrix_checks
from ndflow.ops.linalg import structure

apply_op = op_builder.apply_op
format_dims = elementwise.format_dims
invalid = matrix_checks.invalid


def _adjoint(x):
    x = np.swapaxes(x, -1, -2)
    return np.conj(x) if x.dtype.kind == "c" else x


# ---------------------------------------------------------------------- MatrixInverse


def _inverse_kernel(ctx, input, adjoint):
    matrix = matrix_checks.square_input(input)
    work = matrix_checks.working(matrix)
    if work.size == 0:
        return np.array(matrix, copy=True)
    try:
        inverse = np.linalg.inv(_adjoint(work) if adjoint else work)
    except np.linalg.LinAlgError:
        raise invalid("Input is not invertible.") from None
    return matrix_checks.as_type(inverse, matrix.dtype)


def _inverse_grad(op, grad):
    """TF's `_MatrixInverseGrad`: -A^-1 grad A^-1 (adjoints as the attr says)."""
    ainv = op.outputs[0]
    adjoint = op.attrs["adjoint"]
    inner = math.matmul(grad, ainv, adjoint_a=adjoint, adjoint_b=not adjoint)
    return [-math.matmul(ainv, inner, adjoint_a=not adjoint)]


registry.register_op(
    "MatrixInverse",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["adjoint: bool = false", matrix_checks.FLOAT_COMPLEX],
    shape=matrix_checks.square_shape,
    kernel=_inverse_kernel,
    grad=_inverse_grad,
)


def matrix_inverse(input, adjoint=False, name=None):
    """Mirrors `tf.linalg.inv` (TF1 `tf.matrix_inverse`): the inverse of each inner square
    matrix, or of its adjoint.

    Args:
      input: a float or complex Tensor [..., M, M].
      adjoint: invert the conjugate transpose instead.
      name: the op name (default "MatrixInverse").

    Returns:
      A Tensor of input's type and shape.

    Raises:
      InvalidArgumentError: at run time, for a singular matrix ("Input is not invertible.").

    >>> matrix_inverse(constant([[2.0, 0.0], [0.0, 4.0]]))  # [[0.5, 0.], [0., 0.25]]
    <tf.Tensor 'MatrixInverse:0' shape=(2, 2) dtype=float32>
    """
    return apply_op("MatrixInverse", input, adjoint=adjoint, name=name)


# ---------------------------------------------------------------------- MatrixSolve


def _solve_inputs(matrix, rhs):
    """LinearAlgebraOp's checks of a square solver (MatrixSolve)."""
    matrix_checks.check_rank(matrix, rhs)
    matrix_checks.check_same_batch(matrix, rhs)
    matrix_checks.check_square(matrix)
    if np.shape(matrix)[-2] != np.shape(rhs)[-2]:
        raise invalid("Input matrix and rhs are incompatible.")


def _solve_kernel(ctx, matrix, rhs, adjoint):
    _solve_inputs(matrix, rhs)
    dtype = np.asarray(matrix).dtype
    work, right = matrix_checks.working(matrix), matrix_checks.working(rhs)
    if work.shape[-1] == 0 or right.size == 0:
        return np.zeros(np.shape(rhs), dtype)
    try:
        solution = np.linalg.solve(_adjoint(work) if adjoint else work, right)
    except np.linalg.LinAlgError:
        raise invalid("Input matrix is not invertible.") from None
    return matrix_checks.as_type(solution, dtype)


def _solve_grad(op, grad):
    """TF's `_MatrixSolveGrad`."""
    a = op.inputs[0]
    adjoint = op.attrs["adjoint"]
    c = op.outputs[0]
    grad_b = matrix_solve(a, grad, adjoint=not adjoint)
    if adjoint:
        return [-math.matmul(c, grad_b, adjoint_b=True), grad_b]
    return [-math.matmul(grad_b, c, adjoint_b=True), grad_b]


registry.register_op(
    "MatrixSolve",
    inputs=["matrix: T", "rhs: T"],
    outputs=["output: T"],
    attrs=["adjoint: bool = false", matrix_checks.FLOAT_COMPLEX],
    shape=lambda op: [
        matrix_checks.solve_shape(op.inputs[0].shape, op.inputs[1].shape, square=True)
    ],
    kernel=_solve_kernel,
    grad=_solve_grad,
)


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """Mirrors `tf.linalg.solve` (TF1 `tf.matrix_solve`): X with matrix @ X = rhs for each
    inner square matrix (its adjoint when `adjoint`).

    Args:
      matrix: a float or complex Tensor [..., M, M].
      rhs: a Tensor [..., M, K] of matrix's type, with the same batch dimensions.
      adjoint: solve with the conjugate transpose of matrix.
      name: the op name (default "MatrixSolve").

    Returns:
      A Tensor [..., M, K].

    Raises:
      InvalidArgumentError: at run time, for a singular matrix.

    >>> matrix_solve(constant([[2.0, 0.0], [0.0, 4.0]]), constant([[2.0], [2.0]]))  # [[1.], [.5]]
    <tf.Tensor 'MatrixSolve:0' shape=(2, 1) dtype=float32>
    """
    return apply_op("MatrixSolve", matrix, rhs, adjoint=adjoint, name=name)


# ---------------------------------------------------------------------- MatrixTriangularSolve


def _triangular_shape(op):
    """TF's MatrixTriangularSolveShapeFn: broadcast batch dims, [..., M, M] x [..., M, K]."""
    batch, size = matrix_checks.square_batch(op.inputs[0].shape)
    rhs = shape_errors.require_rank_at_least(op.inputs[1].shape, 2)
    if batch is None or rhs.rank is None:
        return [tensor_shape.unknown_shape()]
    dims = rhs.as_list()
    out_batch = shape_errors.broadcast_shapes(
        tensor_shape.TensorShape(batch), tensor_shape.TensorShape(dims[:-2])
    )
    rows = shape_errors.merge_dims(size, dims[-2])
    return [out_batch.concatenate([rows, dims[-1]])]


def _triangular_inputs(matrix, rhs, lower, adjoint):
    for index, value in enumerate((matrix, rhs)):
        if np.ndim(value) < 2:
            raise invalid(f"In[{index}] ndims must be >= 2: {np.ndim(value)}")
    rows, cols = np.shape(matrix)[-2:]
    if rows != cols:
        raise invalid(f"In[0] matrices in the last dimensions must be square ({cols} =/= {rows})")
    try:
        batch = np.broadcast_shapes(np.shape(matrix)[:-2], np.shape(rhs)[:-2])
    except ValueError:
        raise invalid(
            "In[0] and In[1] must have compatible batch dimensions: "
            f"{format_dims(np.shape(matrix))} vs. {format_dims(np.shape(rhs))}"
        ) from None
    if cols != np.shape(rhs)[-2]:
        raise invalid(
            f"In[0] mismatch In[1] shape: {cols} vs. {np.shape(rhs)[-2]}: "
            f"{format_dims(np.shape(matrix))} {format_dims(np.shape(rhs))} {int(lower)} "
            f"{int(adjoint)}"
        )
    return batch


def _substitute(tri, rhs, lower):
    """Forward (lower) or back substitution, vectorized over batch and right-hand sides;
    a zero on the diagonal gives inf/nan as TF's kernel does."""
    size = tri.shape[-1]
    solution = np.zeros(np.broadcast_shapes(tri.shape[:-1], rhs.shape[:-1]) + rhs.shape[-1:])
    solution = solution.astype(np.result_type(tri, rhs))
    order = range(size) if lower else range(size - 1, -1, -1)
    for i in order:
        known = slice(0, i) if lower else slice(i + 1, size)
        partial = np.matmul(tri[..., i : i + 1, known], solution[..., known, :])
        solution[..., i, :] = (rhs[..., i, :] - partial[..., 0, :]) / tri[..., i, i : i + 1]
    return solution


def _triangular_kernel(ctx, matrix, rhs, lower, adjoint):
    batch = _triangular_inputs(matrix, rhs, lower, adjoint)
    dtype = np.asarray(matrix).dtype
    shape = batch + np.shape(rhs)[-2:]
    if int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype)
    work, right = matrix_checks.working(matrix), matrix_checks.working(rhs)
    tri = np.tril(work) if lower else np.triu(work)
    if adjoint:
        tri, lower = _adjoint(tri), not lower
    diagonal = np.diagonal(tri, axis1=-2, axis2=-1)
    if np.all(diagonal != 0):
        solution = np.linalg.solve(tri, right)
    else:
        solution = _substitute(tri, right, lower)
    return matrix_checks.as_type(np.broadcast_to(solution, shape), dtype)


def _reduce_batch(x, y, grad_x, grad_y):
    """Sums the gradients over the batch dims each input was broadcast along."""
    if x.shape.is_fully_defined() and y.shape.is_fully_defined():
        if x.shape.as_list()[:-2] == y.shape.as_list()[:-2]:
            return [grad_x, grad_y]
    x_shape, y_shape = array.shape(x), array.shape(y)
    rx, ry = apply_op("BroadcastGradientArgs", x_shape[:-2], y_shape[:-2])
    return [
        array.reshape(math.reduce_sum(grad_x, axis=rx), x_shape),
        array.reshape(math.reduce_sum(grad_y, axis=ry), y_shape),
    ]


def _triangular_grad(op, grad):
    """TF's `_MatrixTriangularSolveGrad`."""
    a, b = op.inputs
    adjoint, lower = op.attrs["adjoint"], op.attrs["lower"]
    c = op.outputs[0]
    grad_b = matrix_triangular_solve(a, grad, lower=lower, adjoint=not adjoint)
    if adjoint:
        grad_a = -math.matmul(c, grad_b, adjoint_b=True)
    else:
        grad_a = -math.matmul(grad_b, c, adjoint_b=True)
    if lower:
        grad_a = structure.matrix_band_part(grad_a, -1, 0)
    else:
        grad_a = structure.matrix_band_part(grad_a, 0, -1)
    return _reduce_batch(a, b, grad_a, grad_b)


registry.register_op(
    "MatrixTriangularSolve",
    inputs=["matrix: T", "rhs: T"],
    outputs=["output: T"],
    attrs=[
        "lower: bool = true",
        "adjoint: bool = false",
        "T: {bfloat16, double, float, half, complex64, complex128}",
    ],
    shape=_triangular_shape,
    kernel=_triangular_kernel,
    grad=_triangular_grad,
)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Mirrors `tf.linalg.triangular_solve` (TF1 `tf.matrix_triangular_solve`): solves with
    lower (or upper) triangular matrices; the other triangle is never read.

    Args:
      matrix: a float or complex Tensor [..., M, M].
      rhs: a Tensor [..., M, K]; batch dims broadcast against matrix's.
      lower: whether the matrices are lower triangular.
      adjoint: solve with the conjugate transpose.
      name: the name scope (default "triangular_solve").

    Returns:
      A Tensor [..., M, K] of the broadcast batch shape.

    >>> matrix_triangular_solve(constant([[2.0, 0.0], [1.0, 1.0]]), constant([[2.0], [2.0]]))
    <tf.Tensor 'triangular_solve/MatrixTriangularSolve:0' shape=(2, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "triangular_solve", [matrix, rhs]):
        return apply_op("MatrixTriangularSolve", matrix, rhs, lower=lower, adjoint=adjoint)


def cholesky_solve(chol, rhs, name=None):
    """Mirrors `tf.linalg.cholesky_solve` (TF1 `tf.cholesky_solve`): X with A X = rhs given
    the Cholesky factor L of A = L L^H (two triangular solves).

    Args:
      chol: a Tensor [..., M, M], lower triangular (the upper part is not read).
      rhs: a Tensor [..., M, K] of chol's type.
      name: the name scope (default "cholesky_solve").

    Returns:
      A Tensor [..., M, K].

    >>> cholesky_solve(constant([[2.0, 0.0], [0.0, 1.0]]), constant([[4.0], [1.0]]))  # [[1.], [1.]]
    <tf.Tensor 'cholesky_solve/MatrixTriangularSolve_1:0' shape=(2, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "cholesky_solve", [chol, rhs]):
        y = apply_op("MatrixTriangularSolve", chol, rhs, adjoint=False, lower=True)
        return apply_op("MatrixTriangularSolve", chol, y, adjoint=True, lower=True)
