"""Determinants: MatrixDeterminant and LogMatrixDeterminant (sign and log |det|) with TF's
gradients, and `tf.linalg.det` (TF1 `tf.matrix_determinant`), `tf.linalg.slogdet` and the
Cholesky composite `tf.linalg.logdet`.
"""

from __future__ import annotations

import collections

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.linalg import decompositions
from ndflow.ops.linalg import diagonals
from ndflow.ops.linalg import matrix_checks
from ndflow.ops.linalg import solvers

apply_op = op_builder.apply_op

# TF's generated wrapper returns this namedtuple.
LogMatrixDeterminant = collections.namedtuple(
    "LogMatrixDeterminant", ["sign", "log_abs_determinant"]
)


def _determinant_shape(op):
    # TF merges the last dim with the one before here (its message names them in that order).
    batch, _ = matrix_checks.square_batch(op.inputs[0].shape, swap=True)
    return [matrix_checks.batch_shape(batch)]


def _slogdet(matrix):
    """(sign, log |det|) in the input's precision (float32 for half types)."""
    matrix = matrix_checks.square_input(matrix)
    sign, log_abs = np.linalg.slogdet(matrix_checks.working(matrix))
    return sign, log_abs


def _determinant_kernel(ctx, input):
    dtype = np.asarray(input).dtype
    sign, log_abs = _slogdet(input)
    return matrix_checks.as_type(sign * np.exp(log_abs), dtype)


def _log_determinant_kernel(ctx, input):
    dtype = np.asarray(input).dtype
    sign, log_abs = _slogdet(input)
    return matrix_checks.as_type(sign, dtype), matrix_checks.as_type(log_abs, dtype)


def _multipliers(grad, like):
    """grad reshaped to like's shape + [1, 1], to scale a batch of matrices."""
    return array.reshape(grad, array.concat([array.shape(like), [1, 1]], 0))


def _determinant_grad(op, grad):
    """TF's `_MatrixDeterminantGrad`: grad * det(A) * A^-H."""
    a, c = op.inputs[0], op.outputs[0]
    a_adj_inv = solvers.matrix_inverse(a, adjoint=True)
    return [_multipliers(grad * c, c) * a_adj_inv]


def _log_determinant_grad(op, _, grad_b):
    """TF's `_LogMatrixDeterminantGrad`: grad * A^-H (the sign has no gradient)."""
    a, c = op.inputs[0], op.outputs[1]
    a_adj_inv = solvers.matrix_inverse(a, adjoint=True)
    return [_multipliers(grad_b, c) * a_adj_inv]


registry.register_op(
    "MatrixDeterminant",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: {half, float, double, complex64, complex128}"],
    shape=_determinant_shape,
    kernel=_determinant_kernel,
    grad=_determinant_grad,
)
registry.register_op(
    "LogMatrixDeterminant",
    inputs=["input: T"],
    outputs=["sign: T", "log_abs_determinant: T"],
    attrs=["T: {half, float, double, complex64, complex128}"],
    shape=lambda op: _determinant_shape(op) * 2,
    kernel=_log_determinant_kernel,
    grad=_log_determinant_grad,
)


def matrix_determinant(input, name=None):
    """Mirrors `tf.linalg.det` (TF1 `tf.matrix_determinant`): the determinant of each inner
    square matrix.

    Args:
      input: a float or complex Tensor [..., M, M].
      name: the op name (default "MatrixDeterminant").

    Returns:
      A Tensor [...] of input's type.

    >>> matrix_determinant(constant([[1.0, 2.0], [3.0, 4.0]]))  # -2.
    <tf.Tensor 'MatrixDeterminant:0' shape=() dtype=float32>
    """
    return apply_op("MatrixDeterminant", input, name=name)


def log_matrix_determinant(input, name=None):
    """Mirrors `tf.linalg.slogdet`: the sign and the log of the absolute value of each inner
    matrix's determinant (a unit complex sign for complex input).

    Args:
      input: a float or complex Tensor [..., M, M].
      name: the op name (default "LogMatrixDeterminant").

    Returns:
      (sign, log_abs_determinant), each [...] of input's type.

    >>> sign, log_abs = log_matrix_determinant(constant([[0.0, 1.0], [1.0, 0.0]]))  # -1., 0.
    """
    return LogMatrixDeterminant(*apply_op("LogMatrixDeterminant", input, name=name))


def logdet(matrix, name=None):
    """Mirrors `tf.linalg.logdet`: log det of Hermitian positive definite matrices, as
    2 * sum(log(real(diag(cholesky(matrix))))).

    Args:
      matrix: a float or complex Tensor [..., M, M].
      name: the name scope (default "logdet").

    Returns:
      A real Tensor [...].

    >>> logdet(constant([[4.0, 0.0], [0.0, 1.0]]))  # log(4)
    <tf.Tensor 'logdet/mul:0' shape=() dtype=float32>
    """
    with graph_lib.name_scope(name, "logdet", [matrix]):
        chol = decompositions.cholesky(matrix)
        diagonal = math.real(diagonals.matrix_diag_part(chol))
        return 2.0 * math.reduce_sum(math.log(diagonal), axis=[-1])
