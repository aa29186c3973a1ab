"""Matrix functions: the MatrixLogarithm op (complex types, as TF) and `tf.linalg.logm`, and
`tf.linalg.expm`, TF's Padé scaling-and-squaring composite (Higham 2005) whose gradient
comes from the ops it builds (a MatrixSolve, a cond and a while loop of squarings).

The logarithm is the principal one, computed in complex128: through the eigendecomposition
for well-conditioned eigenvectors, else by inverse scaling and squaring (Denman-Beavers
square roots, then a Gauss-Legendre / Padé approximant of log(I + X)).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops.linalg import matrix_checks
from ndflow.ops.linalg import solvers
from ndflow.ops.linalg import structure

apply_op = op_builder.apply_op

# Eigenvector conditioning up to which the eigendecomposition gives the logarithm.
_EIG_CONDITION_LIMIT = 1e6
# 1-norm of A - I below which the Padé approximant is used; its error is ~ 0.25 ** 25.
_PADE_RADIUS = 0.25
_PADE_NODES = 12
_MAX_SQUARE_ROOTS = 64


# ---------------------------------------------------------------------- MatrixLogarithm


def _log_by_eig(a):
    """V log(L) V^-1, and which matrices it is accurate for."""
    values, vectors = np.linalg.eig(a)
    condition = np.linalg.cond(vectors)
    good = np.isfinite(condition) & (condition < _EIG_CONDITION_LIMIT)
    safe = np.where(good[..., None, None], vectors, np.eye(a.shape[-1]))
    logs = np.log(values)[..., None, :] * safe
    return np.linalg.solve(np.swapaxes(safe, -1, -2), np.swapaxes(logs, -1, -2)).swapaxes(
        -1, -2
    ), good


def _square_root(a):
    """Principal square roots by the product form of the Denman-Beavers iteration."""
    eye = np.eye(a.shape[-1])
    m, y = a, a
    for _ in range(100):
        m_inv = np.linalg.inv(m)
        y = y @ (eye + m_inv) / 2
        m = (eye + (m + m_inv) / 2) / 2
        if np.max(np.abs(m - eye), initial=0.0) < 1e-15:
            break
    return y


def _log_near_identity(x):
    """log(I + X) for ||X|| <= 1/4: the [m/m] Padé approximant as Gauss-Legendre quadrature
    of the integral of X (I + t X)^-1 over [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(_PADE_NODES)
    eye = np.eye(x.shape[-1])
    total = np.zeros_like(x)
    for node, weight in zip((nodes + 1) / 2, weights / 2):
        total += weight * np.linalg.solve(eye + node * x, x)
    return total


def _log_by_scaling(a):
    """Inverse scaling and squaring: log(A) = 2^s log(A^(1/2^s))."""
    eye = np.eye(a.shape[-1])
    roots = np.zeros(a.shape[:-2])
    for _ in range(_MAX_SQUARE_ROOTS):
        far = np.abs(a - eye).sum(axis=-2).max(axis=-1, initial=0.0) > _PADE_RADIUS
        if not far.any():
            break
        a = np.where(far[..., None, None], _square_root(a), a)
        roots += far
    return _log_near_identity(a - eye) * (2.0**roots)[..., None, None]


def _log_or_nan(a):
    try:
        return _log_by_scaling(a)
    except np.linalg.LinAlgError:
        # A singular square root on the way: no principal logarithm (TF's is not finite).
        return np.full(a.shape, complex(np.nan, np.nan))


def _logarithm_kernel(ctx, input):
    matrix = matrix_checks.square_input(input)
    if matrix.size == 0:
        return np.array(matrix, copy=True)
    flat = matrix.astype(np.complex128).reshape((-1,) + matrix.shape[-2:])
    finite = np.isfinite(flat).all(axis=(-2, -1))
    result = np.full(flat.shape, complex(np.nan, np.nan))
    if finite.any():
        logs, good = _log_by_eig(flat[finite])
        if not good.all():
            logs[~good] = _log_or_nan(flat[finite][~good])
        result[finite] = logs
    return result.reshape(matrix.shape).astype(matrix.dtype)


registry.register_op(
    "MatrixLogarithm",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: {complex64, complex128}"],
    shape=matrix_checks.square_shape,
    kernel=_logarithm_kernel,
)
registry.not_differentiable("MatrixLogarithm", "TF registers no gradient for MatrixLogarithm")


def logm(input, name=None):
    """Mirrors `tf.linalg.logm`: the principal matrix logarithm of each inner square matrix.

    Args:
      input: a complex64 or complex128 Tensor [..., M, M].
      name: the op name (default "MatrixLogarithm").

    Returns:
      A Tensor of input's type and shape.

    >>> logm(constant([[1.0 + 0j, 0.0], [0.0, 1.0]]))  # zeros
    <tf.Tensor 'MatrixLogarithm:0' shape=(2, 2) dtype=complex128>
    """
    return apply_op("MatrixLogarithm", input, name=name)


# ---------------------------------------------------------------------- expm

# Padé coefficients b_0..b_m of Higham's scaling and squaring (Eigen's MatrixExponential).
_PADE_COEFFICIENTS = {
    3: [120.0, 60.0, 12.0],
    5: [30240.0, 15120.0, 3360.0, 420.0, 30.0],
    7: [17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0],
    9: [
        17643225600.0,
        8821612800.0,
        2075673600.0,
        302702400.0,
        30270240.0,
        2162160.0,
        110880.0,
        3960.0,
        90.0,
    ],  # fmt: skip
    13: [
        64764752532480000.0,
        32382376266240000.0,
        7771770303897600.0,
        1187353796428800.0,
        129060195264000.0,
        10559470521600.0,
        670442572800.0,
        33522128640.0,
        1323241920.0,
        40840800.0,
        960960.0,
        16380.0,
        182.0,
    ],  # fmt: skip
}


def _identity_like(matrix):
    shape = array.shape(matrix)
    return structure.eye(shape[-2], batch_shape=shape[:-2], dtype=matrix.dtype)


def _pade(matrix, order):
    """TF's `_matrix_exp_padeN`: the odd (U) and even (V) parts of the [N/N] approximant."""
    b = [array.constant(x, matrix.dtype) for x in _PADE_COEFFICIENTS[order]]
    ident = _identity_like(matrix)
    matrix_2 = math.matmul(matrix, matrix)
    powers = [ident, matrix_2]
    if order == 13:
        return _pade13(matrix, b, ident, matrix_2)
    for _ in range(2, (order + 1) // 2):
        powers.append(math.matmul(powers[-1], matrix_2))
    # tmp = m^(N-1) + b[N-2] m^(N-3) + ... + b[1] I ; v = b[N-1] m^(N-1) + ... + b[0] I
    tmp = powers[-1]
    for index in range(len(powers) - 2, -1, -1):
        tmp = tmp + b[2 * index + 1] * powers[index]
    matrix_v = b[order - 1] * powers[-1]
    for index in range(len(powers) - 2, -1, -1):
        matrix_v = matrix_v + b[2 * index] * powers[index]
    return math.matmul(matrix, tmp), matrix_v


def _pade13(matrix, b, ident, matrix_2):
    matrix_4 = math.matmul(matrix_2, matrix_2)
    matrix_6 = math.matmul(matrix_4, matrix_2)
    tmp_u = (
        math.matmul(matrix_6, matrix_6 + b[11] * matrix_4 + b[9] * matrix_2)
        + b[7] * matrix_6
        + b[5] * matrix_4
        + b[3] * matrix_2
        + b[1] * ident
    )
    matrix_u = math.matmul(matrix, tmp_u)
    tmp_v = b[12] * matrix_6 + b[10] * matrix_4 + b[8] * matrix_2
    matrix_v = (
        math.matmul(matrix_6, tmp_v) + b[6] * matrix_6 + b[4] * matrix_4 + b[2] * matrix_2
    ) + b[0] * ident
    return matrix_u, matrix_v


# Per precision: (max norm for the scaled approximant, the norm thresholds, the orders).
_EXPM_PLANS = {
    "single": (3.925724783138660, (4.258730016922831e-001, 1.880152677804762e000), (3, 5, 7)),
    "double": (
        5.371920351148152,
        (
            1.495585217958292e-002,
            2.539398330063230e-001,
            9.504178996162932e-001,
            2.097847961257068e000,
        ),
        (3, 5, 7, 9, 13),
    ),  # fmt: skip
}


def _expm_plan(dtype):
    if dtype in (dtypes.float16, dtypes.float32, dtypes.complex64):
        return _EXPM_PLANS["single"]
    if dtype in (dtypes.float64, dtypes.complex128):
        return _EXPM_PLANS["double"]
    raise ValueError(f"tf.linalg.expm does not support matrices of type {dtype}")


def _nest_where(l1_norm, const, values, cases):
    """TF's `_nest_where`: cases[i] for the first threshold values[i] above the norm."""
    condition = math.less(l1_norm, const(values[0]))
    if len(values) == 1:
        return math.where_v2(condition, cases[0], cases[1])
    return math.where_v2(condition, cases[0], _nest_where(l1_norm, const, values[1:], cases[1:]))


def _pade_by_norm(matrix, l1_norm, const):
    """The approximant of each matrix's norm class, and the squarings the scaled one needs."""
    maxnorm, thresholds, orders = _expm_plan(matrix.dtype.base_dtype)
    squarings = math.maximum(
        math.floor(math.log(l1_norm / const(maxnorm)) / math.log(const(2.0))), 0
    )
    parts = [_pade(matrix, order) for order in orders[:-1]]
    scale = math.cast(math.pow(const(2.0), squarings), matrix.dtype)
    parts.append(_pade(matrix / scale, orders[-1]))
    u = _nest_where(l1_norm, const, thresholds, [p[0] for p in parts])
    v = _nest_where(l1_norm, const, thresholds, [p[1] for p in parts])
    return u, v, squarings


def _square_repeatedly(result, squarings, is_finite, const):
    """r <- r @ r while i < squarings, for every matrix, in one while loop (TF's)."""
    max_squarings = math.reduce_max(squarings)

    def condition(i, _):
        return control_flow.cond(
            is_finite, lambda: math.less(i, max_squarings), lambda: array.constant(False)
        )

    def body(i, r):
        return i + 1, math.where_v2(math.less(i, squarings), math.matmul(r, r), r)

    _, result = control_flow.while_loop(condition, body, [const(0.0), result])
    return result


def matrix_exponential(input, name=None):
    """Mirrors `tf.linalg.expm`: the matrix exponential of each inner square matrix, by
    scaling and squaring with Padé approximants (TF's composite, Higham 2005).

    Args:
      input: a float or complex Tensor [..., M, M].
      name: the name scope (default "matrix_exponential").

    Returns:
      A Tensor of input's type and shape.

    Raises:
      ValueError: for an unsupported type.

    >>> matrix_exponential(zeros([2, 2]))  # the identity
    """
    with graph_lib.name_scope(name, "matrix_exponential", [input]):
        matrix = op_builder.convert_to_tensor(input, name="input")
        if matrix.shape.rank is not None and matrix.shape.as_list()[-2:] == [0, 0]:
            return matrix
        batch_shape = matrix.shape[:-2]
        if not batch_shape.is_fully_defined():
            batch_shape = array.shape(matrix)[:-2]
        matrix = array.reshape(matrix, array.concat(([-1], array.shape(matrix)[-2:]), axis=0))
        # The reshaped matrix has rank 3 (TF writes this axis as Size(Shape(matrix)) - 2).
        column_sums = math.reduce_sum(math.abs(matrix), axis=1)
        l1_norm = math.reduce_max(column_sums, axis=-1)[..., array.newaxis, array.newaxis]

        def const(x):
            return array.constant(x, l1_norm.dtype)

        u, v, squarings = _pade_by_norm(matrix, l1_norm, const)
        is_finite = math.is_finite(math.reduce_max(l1_norm))
        nan = array.constant(np.nan, matrix.dtype)
        result = control_flow.cond(
            is_finite,
            lambda: solvers.matrix_solve(-u + v, u + v),
            lambda: array.fill(array.shape(matrix), nan),
        )
        result = _square_repeatedly(result, squarings, is_finite, const)
        if not matrix.shape.is_fully_defined():
            return array.reshape(
                result, array.concat((batch_shape, array.shape(result)[-2:]), axis=0)
            )
        return array.reshape(result, batch_shape.concatenate(result.shape[-2:]))
