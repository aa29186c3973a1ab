"""Matrix decompositions: Cholesky (and the CholeskyGrad op), Qr, Svd and SelfAdjointEigV2,
batched over leading dimensions, with TF's gradients (linalg_grad.py) and the builders
`tf.linalg.cholesky` / `qr` / `svd` / `eigh` / `eigvalsh` (TF1 `tf.cholesky`, `tf.qr`,
`tf.svd`, `tf.self_adjoint_eig`, `tf.self_adjoint_eigvals`).

Only the lower triangle of a Cholesky or eigen-decomposition input is read, as in TF. The
signs of QR, SVD and eigenvector columns are LAPACK's (TF's Eigen may pick other signs for
the singular and eigen vectors; both are valid decompositions).
"""

from __future__ import annotations

import collections

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.linalg import diagonals
from ndflow.ops.linalg import matrix_checks
from ndflow.ops.linalg import solvers
from ndflow.ops.linalg import structure

apply_op = op_builder.apply_op
invalid = matrix_checks.invalid
adjoint = structure.adjoint


# TF's generated wrappers return these namedtuples.
Qr = collections.namedtuple("Qr", ["q", "r"])


def _adjoint(x):
    x = np.swapaxes(x, -1, -2)
    return np.conj(x) if x.dtype.kind == "c" else x


# ---------------------------------------------------------------------- Cholesky


def _lower_factor(a):
    """Batched Cholesky factors; a matrix that is not positive definite gets NaN in its
    lower triangle (TF's kernel does the same) while the others are still factored."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        pass
    eye = np.eye(a.shape[-1], dtype=a.dtype)
    finite = np.isfinite(a).all(axis=(-2, -1))[..., None, None]
    safe = np.where(finite, a, eye)
    failed = ~finite | ~(np.linalg.eigvalsh(safe).min(axis=-1) > 0)[..., None, None]
    try:
        factor = np.linalg.cholesky(np.where(failed, eye, a))
    except np.linalg.LinAlgError:
        raise invalid(
            "Cholesky decomposition was not successful. The input might not be valid."
        ) from None
    lower = np.tril(np.ones(a.shape[-2:], dtype=bool))
    return np.where(failed & lower, np.nan, factor)


def _cholesky_kernel(ctx, input):
    matrix = matrix_checks.square_input(input)
    if matrix.size == 0:
        return np.array(matrix, copy=True)
    return matrix_checks.as_type(_lower_factor(matrix_checks.working(matrix)), matrix.dtype)


def _cholesky_grad(op, grad):
    """TF's `_CholeskyGrad`: L^-H Phi(L^H grad) L^-1, symmetrized, where Phi keeps the lower
    triangle and halves the diagonal."""
    l = op.outputs[0]  # noqa: E741 - TF's name
    num_rows = array.shape(l)[-1]
    batch_shape = array.shape(l)[:-2]
    identity = structure.eye(num_rows, batch_shape=batch_shape, dtype=l.dtype)
    l_inverse = solvers.matrix_triangular_solve(l, identity)
    middle = math.matmul(l, grad, adjoint_a=True)
    middle = diagonals.matrix_set_diag(middle, 0.5 * diagonals.matrix_diag_part(middle))
    middle = structure.matrix_band_part(middle, -1, 0)
    grad_a = math.matmul(math.matmul(l_inverse, middle, adjoint_a=True), l_inverse)
    grad_a += adjoint(grad_a)
    return [grad_a * 0.5]


registry.register_op(
    "Cholesky",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[matrix_checks.FLOAT_COMPLEX],
    shape=matrix_checks.square_shape,
    kernel=_cholesky_kernel,
    grad=_cholesky_grad,
)


def _cholesky_grad_kernel(ctx, l, grad):  # noqa: E741 - TF's input name
    """TF's CholeskyGrad: the symmetrized dA from L and dL (lower triangles only)."""
    matrix_checks.check_rank(l, grad)
    matrix_checks.check_same_batch(l, grad)
    factor = np.asarray(l)
    if np.shape(grad) != factor.shape:
        raise invalid("Inputs (L and grad) must have the same shape.")
    if factor.shape[-1] != factor.shape[-2]:
        raise invalid("Inputs must be a square matrices.")
    if factor.size == 0:
        return np.zeros(factor.shape, factor.dtype)
    lower = np.tril(matrix_checks.working(factor))
    middle = np.tril(_adjoint(lower) @ np.tril(matrix_checks.working(grad)))
    middle -= 0.5 * np.eye(middle.shape[-1]) * middle
    scaled = np.linalg.solve(_adjoint(lower), middle)  # L^-H Phi
    full = _adjoint(np.linalg.solve(_adjoint(lower), _adjoint(scaled)))  # ... L^-1
    return matrix_checks.as_type(0.5 * (full + _adjoint(full)), factor.dtype)


registry.register_op(
    "CholeskyGrad",
    inputs=["l: T", "grad: T"],
    outputs=["output: T"],
    attrs=["T: {half, float, double}"],
    shape=matrix_checks.square_shape,
    kernel=_cholesky_grad_kernel,
)
registry.not_differentiable(
    "CholeskyGrad", "TF registers no gradient for it (Cholesky's gradient is a composite)"
)


def cholesky(input, name=None):
    """Mirrors `tf.linalg.cholesky` (TF1 `tf.cholesky`): the lower Cholesky factor L of each
    inner Hermitian positive definite matrix, input = L L^H.

    Only the lower triangle of the input is read. A matrix that is not positive definite
    gives NaN, as in TF.

    Args:
      input: a float or complex Tensor [..., M, M].
      name: the op name (default "Cholesky").

    Returns:
      A Tensor of input's type and shape.

    >>> cholesky(constant([[4.0, 2.0], [2.0, 2.0]]))  # [[2., 0.], [1., 1.]]
    <tf.Tensor 'Cholesky:0' shape=(2, 2) dtype=float32>
    """
    return apply_op("Cholesky", input, name=name)


# ---------------------------------------------------------------------- Qr


def _qr_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    if shape.rank is None:
        return [tensor_shape.unknown_shape(), tensor_shape.unknown_shape()]
    dims = shape.as_list()
    batch, rows, cols = dims[:-2], dims[-2], dims[-1]
    if op.attrs["full_matrices"]:
        return [
            tensor_shape.TensorShape(batch + [rows, rows]),
            tensor_shape.TensorShape(batch + [rows, cols]),
        ]
    small = None if rows is None or cols is None else min(rows, cols)
    return [
        tensor_shape.TensorShape(batch + [rows, small]),
        tensor_shape.TensorShape(batch + [small, cols]),
    ]


def _qr_kernel(ctx, input, full_matrices):
    matrix_checks.check_rank(input)
    dtype = np.asarray(input).dtype
    q, r = np.linalg.qr(
        matrix_checks.working(input), mode="complete" if full_matrices else "reduced"
    )
    return matrix_checks.as_type(q, dtype), matrix_checks.as_type(r, dtype)


def _triangular_right_solve(x, r):
    """x @ inverse(r)^H for upper triangular r (TF's `_TriangularSolve` in `_QrGrad`)."""
    return adjoint(solvers.matrix_triangular_solve(r, adjoint(x), lower=False, adjoint=False))


def _qr_grad_square_and_deep(q, r, dq, dr):
    """TF's `_QrGradSquareAndDeepMatrices` (num_rows >= num_cols, reduced)."""
    qdq = math.matmul(q, dq, adjoint_a=True)
    qdq_ = qdq - adjoint(qdq)
    rdr = math.matmul(r, dr, adjoint_b=True)
    rdr_ = rdr - adjoint(rdr)
    tril = structure.matrix_band_part(qdq_ + rdr_, -1, 0)
    grad_a = math.matmul(q, dr + _triangular_right_solve(tril, r))
    grad_b = _triangular_right_solve(dq - math.matmul(q, qdq), r)
    result = grad_a + grad_b
    if q.dtype.is_complex:
        m = rdr - adjoint(qdq)
        eyem = diagonals.matrix_set_diag(array.zeros_like(m), diagonals.matrix_diag_part(m))
        correction = eyem - math.cast(math.real(eyem), q.dtype)
        result = result + _triangular_right_solve(math.matmul(q, adjoint(correction)), r)
    return result


def _tf2_str(tensor) -> str:
    """A static shape as TF 2 prints it in messages: (None, 3) or <unknown>."""
    if tensor.shape.rank is None:
        return "<unknown>"
    return str(tuple(tensor.shape.as_list()))


def _qr_grad(op, dq, dr):
    """TF's `_QrGrad` (https://arxiv.org/abs/2009.10071): static matrix sizes only, and not
    for full_matrices with more rows than columns."""
    q, r = op.outputs
    r_dims = r.shape.as_list() if r.shape.rank is not None else None
    if r_dims is None or r_dims[-2] is None or r_dims[-1] is None:
        raise NotImplementedError(
            f"QrGrad not implemented with dynamic shapes. Received r.shape: {_tf2_str(r)}"
        )
    q_dims = q.shape.as_list()
    if r_dims[-2] > r_dims[-1] and q_dims[-2] == q_dims[-1]:
        raise NotImplementedError(
            "QrGrad not implemented when nrows > ncols and full_matrices is true. Received "
            f"r.shape={_tf2_str(r)} with nrows={r_dims[-2]}and ncols={r_dims[-1]}."
        )
    num_rows, num_cols = q_dims[-2], r_dims[-1]
    if num_rows >= num_cols:
        return [_qr_grad_square_and_deep(q, r, dq, dr)]
    a = op.inputs[0]
    y = a[..., :, num_rows:]
    u = r[..., :, :num_rows]
    dv = dr[..., :, num_rows:]
    du = dr[..., :, :num_rows]
    dy = math.matmul(q, dv)
    dx = _qr_grad_square_and_deep(q, u, dq + math.matmul(y, dv, adjoint_b=True), du)
    return [array.concat([dx, dy], axis=-1)]


registry.register_op(
    "Qr",
    inputs=["input: T"],
    outputs=["q: T", "r: T"],
    attrs=["full_matrices: bool = false", matrix_checks.FLOAT_COMPLEX],
    shape=_qr_shape,
    kernel=_qr_kernel,
    grad=_qr_grad,
)


def qr(input, full_matrices=False, name=None):
    """Mirrors `tf.linalg.qr` (TF1 `tf.qr`): Q (orthonormal columns) and R (upper
    triangular) with input = Q R for each inner matrix.

    Args:
      input: a float or complex Tensor [..., M, N].
      full_matrices: Q [..., M, M] and R [..., M, N]; else Q [..., M, P], R [..., P, N]
        with P = min(M, N).
      name: the op name (default "Qr").

    Returns:
      (q, r).

    >>> q, r = qr(constant([[3.0], [4.0]]))  # r = [[-5.]]
    """
    return Qr(*apply_op("Qr", input, full_matrices=full_matrices, name=name))


# ---------------------------------------------------------------------- Svd


def _svd_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    empty = tensor_shape.TensorShape([0])
    if shape.rank is None:
        unknown = tensor_shape.unknown_shape()
        return [unknown] + ([unknown] * 2 if op.attrs["compute_uv"] else [empty] * 2)
    dims = shape.as_list()
    batch, m, n = dims[:-2], dims[-2], dims[-1]
    p = matrix_checks.min_dim(m, n)
    s = tensor_shape.TensorShape(batch + [p])
    if not op.attrs["compute_uv"]:
        return [s, empty, empty]
    u_cols, v_cols = (m, n) if op.attrs["full_matrices"] else (p, p)
    return [
        s,
        tensor_shape.TensorShape(batch + [m, u_cols]),
        tensor_shape.TensorShape(batch + [n, v_cols]),
    ]


def _svd_kernel(ctx, input, compute_uv, full_matrices):
    matrix_checks.check_rank(input)
    dtype = np.asarray(input).dtype
    work = matrix_checks.working(input)
    if not compute_uv:
        s = np.linalg.svd(work, compute_uv=False)
        return matrix_checks.as_type(s, dtype), np.zeros([0], dtype), np.zeros([0], dtype)
    u, s, vh = np.linalg.svd(work, full_matrices=full_matrices)
    as_type = matrix_checks.as_type
    return as_type(s, dtype), as_type(u, dtype), as_type(_adjoint(vh), dtype)


def _safe_reciprocal(x, epsilon=1e-20):
    """TF's `_SafeReciprocal`: x / (x^2 + eps), a Lorentz-broadened 1 / x."""
    return x * math.reciprocal(x * x + epsilon)


def _svd_grad_without_uv(op, grad_s, a_shape):
    a = op.inputs[0]
    grad_s_mat = diagonals.matrix_diag(math.cast(grad_s, a.dtype))
    _, u, v = svd(a, compute_uv=True)
    grad_a = math.matmul(u, math.matmul(grad_s_mat, v, adjoint_b=True))
    grad_a.set_shape(a_shape)
    return [grad_a]


def _svd_shapes(op, grad_u, grad_v):
    """The input's static shape merged with the gradients' (TF's `_SvdGrad` preamble)."""
    a_shape = op.inputs[0].shape.with_rank_at_least(2)
    gu = grad_u.shape.with_rank_at_least(2)
    gv = grad_v.shape.with_rank_at_least(2)
    if a_shape.rank is None:
        raise NotImplementedError(
            "SVD gradient has not been implemented for input with unknown inner matrix shape."
        )
    m = a_shape.dims[-2].merge_with(gu[-2])
    n = a_shape.dims[-1].merge_with(gv[-2])
    batch = a_shape[:-2].merge_with(gu[:-2]).merge_with(gv[:-2])
    return batch.concatenate([m, n])


def _svd_grad(op, grad_s, grad_u, grad_v):
    """TF's `_SvdGrad` (Giles 2008; Townsend for the thin case; the complex correction)."""
    a = op.inputs[0]
    if not op.attrs["compute_uv"]:
        return _svd_grad_without_uv(op, grad_s, op.inputs[0].shape.with_rank_at_least(2))
    a_shape = _svd_shapes(op, grad_u, grad_v)
    m, n = a_shape.as_list()[-2:]
    if m is None or n is None:
        raise NotImplementedError(
            "SVD gradient has not been implemented for input with unknown inner matrix shape."
        )
    s, u, v = op.outputs
    parts = _SvdParts(a, math.cast(s, a.dtype), u, v, math.cast(grad_s, a.dtype), grad_u, grad_v)
    use_adjoint = m > n
    if use_adjoint:
        m, n = n, m
        parts.swap()
    with graph_lib.control_dependencies([grad_s, grad_u, grad_v]):
        if op.attrs["full_matrices"] and abs(m - n) > 1:
            raise NotImplementedError(
                "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is "
                f"True. Received: m={m} and n={n} from op input={a} with shape={a_shape}."
            )
        grad_a = parts.gradient(m, n, op.attrs["full_matrices"])
        if use_adjoint:
            grad_a = structure.matrix_transpose(grad_a, conjugate=True)
        grad_a.set_shape(a_shape)
        return [grad_a]


class _SvdParts:
    """The tensors of `_SvdGrad`, with u/v swapped when it differentiates A^H instead."""

    def __init__(self, a, s, u, v, grad_s, grad_u, grad_v):
        self.a, self.s, self.u, self.v = a, s, u, v
        self.grad_s, self.grad_u, self.grad_v = grad_s, grad_u, grad_v

    def swap(self):
        self.u, self.v = self.v, self.u
        self.grad_u, self.grad_v = self.grad_v, self.grad_u

    def gradient(self, m, n, full_matrices):
        s, u, v = self.s, self.u, self.v
        s_mat = diagonals.matrix_diag(s)
        s2 = math.square(s)
        s_shape = array.shape(s)
        f = diagonals.matrix_set_diag(
            _safe_reciprocal(array.expand_dims(s2, -2) - array.expand_dims(s2, -1)),
            array.zeros_like(s),
        )
        s_inv_mat = diagonals.matrix_diag(_safe_reciprocal(s))
        v1 = v[..., :, :m]
        grad_v1 = self.grad_v[..., :, :m]
        u_gu = math.matmul(u, self.grad_u, adjoint_a=True)
        v_gv = math.matmul(v1, grad_v1, adjoint_a=True)
        f_u = f * u_gu
        f_v = f * v_gv
        term1_nouv = (
            diagonals.matrix_diag(self.grad_s)
            + math.matmul(f_u + adjoint(f_u), s_mat)
            + math.matmul(s_mat, f_v + adjoint(f_v))
        )
        grad_a = math.matmul(u, math.matmul(term1_nouv, v1, adjoint_b=True))
        if m != n:
            grad_a = grad_a + self._thin_term(m, n, v1, grad_v1, s_inv_mat, full_matrices)
        if self.a.dtype.is_complex:
            grad_a += self._complex_term(s_shape, v_gv, s_inv_mat, v1)
        return grad_a

    def _thin_term(self, m, n, v1, grad_v1, s_inv_mat, full_matrices):
        gv1t = structure.matrix_transpose(grad_v1, conjugate=True)
        gv1t_v1 = math.matmul(gv1t, v1)
        term2_nous = gv1t - math.matmul(gv1t_v1, v1, adjoint_b=True)
        if full_matrices:
            v2 = self.v[..., :, m:n]
            grad_v2 = self.grad_v[..., :, m:n]
            v1t_gv2 = math.matmul(v1, grad_v2, adjoint_a=True)
            term2_nous -= math.matmul(v1t_gv2, v2, adjoint_b=True)
        u_s_inv = math.matmul(self.u, s_inv_mat)
        return math.matmul(u_s_inv, term2_nous)

    def _complex_term(self, s_shape, v_gv, s_inv_mat, v1):
        eye = structure.eye(s_shape[-1], batch_shape=s_shape[:-1], dtype=self.a.dtype)
        l = eye * v_gv  # noqa: E741 - TF's name
        term3_nouv = math.matmul(s_inv_mat, adjoint(l) - l)
        return 1 / 2.0 * math.matmul(self.u, math.matmul(term3_nouv, v1, adjoint_b=True))


registry.register_op(
    "Svd",
    inputs=["input: T"],
    outputs=["s: T", "u: T", "v: T"],
    attrs=[
        "compute_uv: bool = true",
        "full_matrices: bool = false",
        matrix_checks.FLOAT_COMPLEX,
    ],
    shape=_svd_shape,
    kernel=_svd_kernel,
    grad=_svd_grad,
)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Mirrors `tf.linalg.svd` (TF1 `tf.svd`): singular values (descending) and, with
    compute_uv, the singular vectors: tensor = u diag(s) v^H.

    Args:
      tensor: a float or complex Tensor [..., M, N].
      full_matrices: u [..., M, M] and v [..., N, N]; else [..., M, P] and [..., N, P].
      compute_uv: also return u and v.
      name: the op name (default "Svd").

    Returns:
      s (real, [..., P]) or (s, u, v).

    >>> svd(constant([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False)  # [4., 3.]
    <tf.Tensor 'Svd:0' shape=(2,) dtype=float32>
    """
    s, u, v = apply_op("Svd", tensor, compute_uv=compute_uv, full_matrices=full_matrices, name=name)
    if compute_uv:
        return math.real(s), u, v
    return math.real(s)


# ---------------------------------------------------------------------- SelfAdjointEigV2


def _eig_shape(op):
    batch, size = matrix_checks.square_batch(op.inputs[0].shape)
    e = matrix_checks.batch_shape(batch, size)
    if not op.attrs["compute_v"]:
        return [e, tensor_shape.TensorShape([0])]
    return [e, matrix_checks.batch_shape(batch, size, size)]


def _eig_kernel(ctx, input, compute_v):
    matrix = matrix_checks.square_input(input)
    work = matrix_checks.working(matrix)
    if not compute_v:
        e = np.linalg.eigvalsh(work)
        return matrix_checks.as_type(e, matrix.dtype), np.zeros([0], matrix.dtype)
    e, v = np.linalg.eigh(work)
    return matrix_checks.as_type(e, matrix.dtype), matrix_checks.as_type(v, matrix.dtype)


def _eig_grad(op, grad_e, grad_v):
    """TF's `_SelfAdjointEigV2Grad`, symmetrized onto the lower triangle (the only part
    the forward op reads)."""
    e = op.outputs[0]
    with graph_lib.control_dependencies([grad_e, grad_v]):
        if op.attrs["compute_v"]:
            v = op.outputs[1]
            f = diagonals.matrix_set_diag(
                _safe_reciprocal(array.expand_dims(e, -2) - array.expand_dims(e, -1)),
                array.zeros_like(e),
            )
            inner = diagonals.matrix_diag(grad_e) + f * math.matmul(v, grad_v, adjoint_a=True)
            grad_a = math.matmul(v, math.matmul(inner, v, adjoint_b=True))
        else:
            _, v = self_adjoint_eig(op.inputs[0])
            grad_a = math.matmul(v, math.matmul(diagonals.matrix_diag(grad_e), v, adjoint_b=True))
        grad_a = structure.matrix_band_part(grad_a + adjoint(grad_a), -1, 0)
        grad_a = diagonals.matrix_set_diag(grad_a, 0.5 * diagonals.matrix_diag_part(grad_a))
        return [grad_a]


registry.register_op(
    "SelfAdjointEigV2",
    inputs=["input: T"],
    outputs=["e: T", "v: T"],
    attrs=["compute_v: bool = true", matrix_checks.FLOAT_COMPLEX],
    shape=_eig_shape,
    kernel=_eig_kernel,
    grad=_eig_grad,
)


def self_adjoint_eig(tensor, name=None):
    """Mirrors `tf.linalg.eigh` (TF1 `tf.self_adjoint_eig`): eigenvalues (ascending) and
    eigenvectors (columns) of each inner self-adjoint matrix; only its lower triangle is read.

    Args:
      tensor: a float or complex Tensor [..., N, N].
      name: the op name (default "SelfAdjointEigV2").

    Returns:
      (e [..., N], v [..., N, N]).

    >>> e, v = self_adjoint_eig(constant([[2.0, 1.0], [1.0, 2.0]]))  # e = [1., 3.]
    """
    e, v = apply_op("SelfAdjointEigV2", tensor, compute_v=True, name=name)
    return e, v


def self_adjoint_eigvals(tensor, name=None):
    """Mirrors `tf.linalg.eigvalsh` (TF1 `tf.self_adjoint_eigvals`): the eigenvalues
    (ascending) of each inner self-adjoint matrix.

    Args:
      tensor: a float or complex Tensor [..., N, N].
      name: the op name (default "SelfAdjointEigV2").

    Returns:
      A Tensor [..., N].

    >>> self_adjoint_eigvals(constant([[2.0, 1.0], [1.0, 2.0]]))  # [1., 3.]
    <tf.Tensor 'SelfAdjointEigV2:0' shape=(2,) dtype=float32>
    """
    e, _ = apply_op("SelfAdjointEigV2", tensor, compute_v=False, name=name)
    return e
