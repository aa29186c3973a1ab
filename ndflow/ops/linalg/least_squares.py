"""Least squares: the MatrixSolveLs op (normal equations through Cholesky when `fast`, the
minimum-norm solution otherwise) with TF's gradient, and `tf.linalg.lstsq` (TF1
`tf.matrix_solve_ls`), which like TF builds the Cholesky composite for small or unknown
shapes and the op for large, batch-heavy ones.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops.linalg import decompositions
from ndflow.ops.linalg import matrix_checks
from ndflow.ops.linalg import solvers
from ndflow.ops.linalg import structure

apply_op = op_builder.apply_op
invalid = matrix_checks.invalid
Tensor = graph_lib.Tensor

_RANK_DEFICIENT = (
    "Input matrix was rank deficient or ill-conditioned. Try setting fast=False or provide a "
    "larger l2_regularizer > 0."
)
# TF's `_use_composite_impl` threshold: above it a batch-heavy problem uses the op.
_L2_CACHE_SIZE_GUESSTIMATE = 256000


def _adjoint(x):
    x = np.swapaxes(x, -1, -2)
    return np.conj(x) if x.dtype.kind == "c" else x


# ---------------------------------------------------------------------- MatrixSolveLs


def _normal_equations(a, b, l2):
    """(A^H A + l2 I)^-1 A^H B for tall A, A^H (A A^H + l2 I)^-1 B for wide A."""
    tall = a.shape[-2] >= a.shape[-1]
    gram = _adjoint(a) @ a if tall else a @ _adjoint(a)
    gram = gram + l2 * np.eye(gram.shape[-1], dtype=gram.dtype)
    try:
        factor = np.linalg.cholesky(gram)
    except np.linalg.LinAlgError:
        raise invalid(_RANK_DEFICIENT) from None
    right = _adjoint(a) @ b if tall else b
    solution = np.linalg.solve(_adjoint(factor), np.linalg.solve(factor, right))
    return solution if tall else _adjoint(a) @ solution


def _solve_ls_kernel(ctx, matrix, rhs, l2_regularizer, fast):
    matrix_checks.check_rank(matrix, rhs)
    matrix_checks.check_same_batch(matrix, rhs)
    if np.shape(matrix)[-2] != np.shape(rhs)[-2]:
        raise invalid("Input matrix and rhs are incompatible.")
    dtype = np.asarray(matrix).dtype
    a, b = matrix_checks.working(matrix), matrix_checks.working(rhs)
    shape = a.shape[:-2] + (a.shape[-1], b.shape[-1])
    if 0 in a.shape[-2:] or b.shape[-1] == 0:
        return np.zeros(shape, dtype)
    if fast:
        solution = _normal_equations(a, b, float(l2_regularizer))
    else:
        solution = np.linalg.pinv(a) @ b
    return matrix_checks.as_type(solution, dtype)


def _regularized_gramian_cholesky(matrix, l2_regularizer, first_kind):
    """TF's `_RegularizedGramianCholesky`: chol(A^H A + l2 I) (first kind) or chol(A A^H +
    l2 I)."""
    gramian = math.matmul(matrix, matrix, adjoint_a=first_kind, adjoint_b=not first_kind)
    if isinstance(l2_regularizer, Tensor) or l2_regularizer != 0:
        matrix_shape = array.shape(matrix)
        batch_shape = matrix_shape[:-2]
        small_dim = matrix_shape[-1] if first_kind else matrix_shape[-2]
        identity = structure.eye(small_dim, batch_shape=batch_shape, dtype=matrix.dtype)
        static = matrix.shape[-1 if first_kind else -2] if matrix.shape.rank is not None else None
        if matrix.shape.rank is not None:
            identity.set_shape(matrix.shape[:-2].concatenate([static, static]))
        gramian += l2_regularizer * identity
    return decompositions.cholesky(gramian)


def _overdetermined_grad(op, grad):
    """Backprop of X = (A^T A + lambda I)^-1 A^T B."""
    a, b = op.inputs[0], op.inputs[1]
    x = op.outputs[0]
    l2 = math.cast(op.inputs[2], a.dtype.base_dtype)
    chol = _regularized_gramian_cholesky(a, l2, first_kind=True)
    z = solvers.cholesky_solve(chol, grad)
    xzt = math.matmul(x, z, adjoint_b=True)
    zx_sym = xzt + structure.matrix_transpose(xzt)
    grad_a = -math.matmul(a, zx_sym) + math.matmul(b, z, adjoint_b=True)
    return [grad_a, math.matmul(a, z), None]


def _underdetermined_grad(op, grad):
    """Backprop of X = A^T (A A^T + lambda I)^-1 B."""
    a, b = op.inputs[0], op.inputs[1]
    l2 = math.cast(op.inputs[2], a.dtype.base_dtype)
    chol = _regularized_gramian_cholesky(a, l2, first_kind=False)
    grad_b = solvers.cholesky_solve(chol, math.matmul(a, grad))
    tmp = solvers.cholesky_solve(chol, b)
    a1 = -math.matmul(grad_b, math.matmul(tmp, a, adjoint_a=True))
    a2 = math.matmul(tmp, grad - math.matmul(a, grad_b, adjoint_a=True), adjoint_b=True)
    return [a1 + a2, grad_b, None]


def _solve_ls_grad(op, grad):
    """TF's `_MatrixSolveLsGrad` (fast mode only), choosing the case at run time when the
    matrix size is not static."""
    if op.attrs["fast"] is False:
        raise ValueError("Gradient not defined for fast=False")
    matrix_shape = op.inputs[0].shape[-2:]
    if matrix_shape.is_fully_defined():
        rows, cols = matrix_shape.as_list()
        if rows >= cols:
            return _overdetermined_grad(op, grad)
        return _underdetermined_grad(op, grad)
    dynamic = array.shape(op.inputs[0])[-2:]
    grads = control_flow.cond(
        dynamic[-2] >= dynamic[-1],
        lambda: _overdetermined_grad(op, grad)[:2],
        lambda: _underdetermined_grad(op, grad)[:2],
    )
    return list(grads) + [None]


def _solve_ls_shape(op):
    shape_errors.require_rank(op.inputs[2].shape, 0)
    return [matrix_checks.solve_shape(op.inputs[0].shape, op.inputs[1].shape, square=False)]


registry.register_op(
    "MatrixSolveLs",
    inputs=["matrix: T", "rhs: T", "l2_regularizer: double"],
    outputs=["output: T"],
    attrs=[matrix_checks.FLOAT_COMPLEX, "fast: bool = true"],
    shape=_solve_ls_shape,
    kernel=_solve_ls_kernel,
    grad=_solve_ls_grad,
)


# ---------------------------------------------------------------------- lstsq


def _use_composite(fast, matrix):
    """TF's `_use_composite_impl`."""
    if fast is False:
        return False
    shape = matrix.shape
    if not shape.is_fully_defined():
        return True
    dims = shape.as_list()
    size = int(np.prod(dims, dtype=np.int64)) * matrix.dtype.size
    io_bound = int(np.prod(dims[:-2], dtype=np.int64)) > min(dims[-2:])
    return not (size > _L2_CACHE_SIZE_GUESSTIMATE and io_bound)


def _overdetermined(matrix, rhs, l2_regularizer):
    chol = _regularized_gramian_cholesky(matrix, l2_regularizer, first_kind=True)
    return solvers.cholesky_solve(chol, math.matmul(matrix, rhs, adjoint_a=True))


def _underdetermined(matrix, rhs, l2_regularizer):
    chol = _regularized_gramian_cholesky(matrix, l2_regularizer, first_kind=False)
    return math.matmul(matrix, solvers.cholesky_solve(chol, rhs), adjoint_a=True)


def _composite(matrix, rhs, l2_regularizer, name):
    with graph_lib.name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
        matrix_shape = matrix.shape[-2:] if matrix.shape.rank is not None else None
        if matrix_shape is not None and matrix_shape.is_fully_defined():
            rows, cols = matrix_shape.as_list()
            if rows >= cols:
                return _overdetermined(matrix, rhs, l2_regularizer)
            return _underdetermined(matrix, rhs, l2_regularizer)
        dynamic = array.shape(matrix)[-2:]
        return control_flow.cond(
            dynamic[-2] >= dynamic[-1],
            lambda: _overdetermined(matrix, rhs, l2_regularizer),
            lambda: _underdetermined(matrix, rhs, l2_regularizer),
        )


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Mirrors `tf.linalg.lstsq` (TF1 `tf.matrix_solve_ls`): least-squares solutions of
    matrix @ X = rhs for each inner matrix.

    fast=True solves the (l2-regularized) normal equations with a Cholesky factorization;
    fast=False computes the minimum-norm solution (complete orthogonal decomposition) and
    ignores l2_regularizer.

    Args:
      matrix: a float or complex Tensor [..., M, N].
      rhs: a Tensor [..., M, K] of matrix's type.
      l2_regularizer: a scalar (float64) regularization weight.
      fast: the Cholesky (normal equations) path.
      name: the name scope.

    Returns:
      A Tensor [..., N, K].

    Raises:
      NotImplementedError: for complex128 with a nonzero l2_regularizer (as TF).

    >>> matrix_solve_ls(constant([[1.0], [1.0]]), constant([[1.0], [3.0]]))  # [[2.]]
    <tf.Tensor 'matrix_solve_ls/cholesky_solve/MatrixTriangularSolve_1:0' shape=(1, 1) ...>
    """
    matrix = op_builder.convert_to_tensor(matrix, name="matrix")
    if matrix.dtype.base_dtype == dtypes.complex128 and not _is_zero(l2_regularizer):
        raise NotImplementedError(
            "matrix_solve_ls is currently disabled for complex128 and l2_regularizer != 0 due "
            "to poor accuracy."
        )
    if _use_composite(fast, matrix):
        return _composite(matrix, rhs, l2_regularizer, name)
    return apply_op("MatrixSolveLs", matrix, rhs, l2_regularizer, fast=fast, name=name)


def _is_zero(value) -> bool:
    return not isinstance(value, Tensor) and value == 0
