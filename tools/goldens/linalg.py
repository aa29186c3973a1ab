"""Golden cases for the linalg op family, recorded from real TensorFlow: band and diagonal
ops with every `k` / `align` mode, decompositions (exact values where TF's choice is
deterministic: Cholesky, QR, singular and eigen values; sign-free quantities where it is not:
|u|, |v| and reconstructions), solves, least squares, determinants, logm / expm, every
`tf.norm` ord/axis combination with its errors, tensordot / trace / matvec / eye, static
shape errors and run-time error messages, and the gradients of Cholesky, QR, SVD, eigh,
triangular_solve, det, slogdet, inv, solve, lstsq, expm and the diagonal ops.

Same expression format and runner as tools/goldens/math.py; each case adds an absolute
tolerance ("atol") next to the relative one, since different LAPACK/Eigen algorithms agree to
rounding only.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F32, F64, C64, C128, I32 = np.float32, np.float64, np.complex64, np.complex128, np.int32
ALL_MODES = ("static", "dynamic", "unknown_rank")
STATIC = ("static",)
# MatrixDiagV3's shape function computes with -1 for an unknown diagonal length (wrong dims,
# spurious errors); ndflow keeps those dims unknown, so these cases skip the dynamic mode.
_KNOWN_LENGTH = ("static", "unknown_rank")
_RNG = np.random.default_rng(20240601)


def _normal(*shape, dtype=F64):
    return _RNG.normal(size=shape).astype(dtype)


def _complex(*shape, dtype=C128):
    return (_RNG.normal(size=shape) + 1j * _RNG.normal(size=shape)).astype(dtype)


def _spd(*shape, dtype=F64):
    """Symmetric (Hermitian) positive definite matrices, well conditioned."""
    n = shape[-1]
    if np.dtype(dtype).kind == "c":
        a = _RNG.normal(size=shape) + 1j * _RNG.normal(size=shape)
    else:
        a = _RNG.normal(size=shape)
    return (a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)).astype(dtype)


def _distinct_symmetric(n, batch=(), dtype=F64):
    """Symmetric matrices with well separated eigenvalues (eigenvectors unique up to sign)."""
    q, _ = np.linalg.qr(_RNG.normal(size=(*batch, n, n)))
    values = np.arange(1, n + 1) * 1.5 - 2.0
    return (q * values[..., None, :] @ np.swapaxes(q, -1, -2)).astype(dtype)


def _lower(*shape, dtype=F64):
    n = shape[-1]
    return (np.tril(_RNG.normal(size=shape)) + 3 * np.eye(n)).astype(dtype)


def _grads(expr, wrt):
    return f"tf.gradients({expr}, [{wrt}])"


_BAND = np.arange(1, 25, dtype=F32).reshape(2, 3, 4)
_ALIGNS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")

# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
# (name, expression, inputs, rtol, modes, atol)
STRUCTURE_CASES = [
    ("band_part", "[tf.linalg.band_part(x, 1, 0), tf.linalg.band_part(x, -1, 1), "
     "tf.linalg.band_part(x, 0, 0), tf.matrix_band_part(i, 2, -1), tf.linalg.band_part(x, 3, 4)]",
     {"x": _BAND, "i": np.arange(12, dtype=I32).reshape(3, 4)}, 0, ALL_MODES),
    ("band_part_int32_bounds", "tf.linalg.band_part(x, l, u)",
     {"x": _BAND, "l": np.int32(-1), "u": np.int32(1)}, 0, ALL_MODES),
    ("band_part_lower_too_big", "tf.linalg.band_part(x, 4, 0)", {"x": _BAND}, 0, STATIC),
    ("band_part_upper_too_big", "tf.linalg.band_part(x, 0, 5)", {"x": _BAND}, 0, STATIC),
    ("band_part_rank_1", "tf.linalg.band_part(x, 0, 0)", {"x": np.ones(3, F32)}, 0, ALL_MODES),
    ("band_part_empty", "tf.linalg.band_part(x, 1, 1)", {"x": np.ones((2, 0, 3), F32)}, 0,
     ALL_MODES),
    ("matrix_transpose", "[tf.linalg.matrix_transpose(x), tf.linalg.transpose(c, conjugate=True), "
     "tf.linalg.adjoint(c), tf.matrix_transpose(c)]",
     {"x": _BAND, "c": _complex(2, 2, 3)}, 0, ALL_MODES),
    ("matrix_transpose_rank_1", "tf.linalg.matrix_transpose(x)", {"x": np.ones(3, F32)}, 0,
     STATIC),
    ("eye", "[tf.eye(3), tf.eye(2, 4), tf.eye(3, 2, batch_shape=[2]), "
     "tf.eye(2, dtype=tf.int32, batch_shape=[1, 2]), tf.linalg.eye(0), tf.eye(2, 2)]", {}, 0),
    ("eye_dynamic", "[tf.eye(n), tf.eye(n, m), tf.eye(2, batch_shape=b), "
     "tf.eye(n, batch_shape=[2])]",
     {"n": np.int32(3), "m": np.int32(2), "b": np.array([2, 1], I32)}, 0, ("static",)),
    ("trace", "[tf.linalg.trace(x), tf.trace(i), tf.linalg.trace(c)]",
     {"x": _BAND, "i": np.arange(9, dtype=I32).reshape(3, 3), "c": _complex(2, 2)}, 1e-6,
     ALL_MODES),
    ("matvec", "[tf.linalg.matvec(a, b), tf.linalg.matvec(a, c, transpose_a=True), "
     "tf.linalg.matvec(a, c, adjoint_a=True)]",
     {"a": _normal(2, 3, 4), "b": _normal(2, 4), "c": _normal(2, 3)}, 1e-12, ALL_MODES),
    ("tensordot", "[tf.tensordot(a, b, 1), tf.tensordot(a, b, [[2], [0]]), "
     "tf.tensordot(a, c, [[0, 2], [1, 0]]), tf.tensordot(a, b, 0), tf.linalg.tensordot(a, c, "
     "([2, 0], [0, 1])), tf.tensordot(a, b, [-1, 0])]",
     {"a": _normal(2, 3, 4), "b": _normal(4, 5), "c": _normal(4, 2)}, 1e-12, ALL_MODES),
    ("tensordot_tensor_axes", "tf.tensordot(a, b, tf.constant([[1], [0]]))",
     {"a": _normal(2, 3), "b": _normal(3, 4)}, 1e-12, ALL_MODES),
    ("tensordot_bad_axes", "tf.tensordot(a, b, [[1, 0], [0]])",
     {"a": _normal(2, 3), "b": _normal(3, 4)}, 0, STATIC),
    ("tensordot_too_many_axes", "tf.tensordot(a, b, 3)",
     {"a": _normal(2, 3), "b": _normal(3, 4)}, 0, STATIC),
]

DIAG_CASES = [
    ("diag_main", "[tf.linalg.diag(d), tf.matrix_diag(i), tf.linalg.diag(d, k=1), "
     "tf.linalg.diag(d, k=-2, padding_value=7)]",
     {"d": np.arange(1, 7, dtype=F32).reshape(2, 3), "i": np.arange(1, 4, dtype=I32)}, 0,
     _KNOWN_LENGTH),
    ("diag_rows_cols", "[tf.linalg.diag(d, k=1, num_rows=3, num_cols=5), "
     "tf.linalg.diag(d, num_rows=3, num_cols=4), tf.linalg.diag(d, k=-1, num_cols=3), "
     "tf.linalg.diag(d, num_rows=5, num_cols=3)]",
     {"d": np.arange(1, 4, dtype=F32)}, 0, _KNOWN_LENGTH),
    *[(f"diag_band_{align.lower()}",
       f"[tf.linalg.diag(d, k=(-1, 2), align='{align}'), "
       f"tf.linalg.diag(e, k=(-2, 0), num_rows=4, num_cols=3, padding_value=-1, align='{align}'), "
       f"tf.linalg.diag_part(x, k=(-1, 2), padding_value=9, align='{align}'), "
       f"tf.linalg.diag_part(x, k=(-2, 0), align='{align}'), "
       f"tf.linalg.set_diag(x, s, k=(0, 1), align='{align}')]",
       {"d": np.arange(1, 25, dtype=F32).reshape(2, 4, 3), "e": np.arange(1, 10, dtype=F32)
        .reshape(3, 3), "x": _BAND, "s": -np.arange(1, 13, dtype=F32).reshape(2, 2, 3)}, 0,
       ALL_MODES) for align in _ALIGNS],
    ("diag_part", "[tf.linalg.diag_part(x), tf.linalg.diag_part(x, k=1), tf.linalg.diag_part(x, "
     "k=-2), tf.matrix_diag_part(i), tf.linalg.diag_part(x, k=(1, 3))]",
     {"x": _BAND, "i": np.arange(6, dtype=I32).reshape(2, 3)}, 0, ALL_MODES),
    ("set_diag", "[tf.linalg.set_diag(x, d), tf.linalg.set_diag(x, e, k=2), "
     "tf.matrix_set_diag(x, d), tf.linalg.set_diag(x, f, k=-1)]",
     {"x": _BAND, "d": -np.ones((2, 3), F32), "e": -np.ones((2, 2), F32),
      "f": -np.ones((2, 2), F32)}, 0, ALL_MODES),
    ("diag_bool", "[tf.linalg.diag(b), tf.linalg.diag_part(tf.linalg.diag(b), padding_value=True, "
     "k=(-1, 0))]", {"b": np.array([True, False, True])}, 0, ALL_MODES),
    ("diag_v1_v2_ops", "[tf.raw_ops.MatrixDiag(diagonal=d), tf.raw_ops.MatrixDiagPart(input=x), "
     "tf.raw_ops.MatrixSetDiag(input=x, diagonal=s), tf.raw_ops.MatrixDiagV2(diagonal=e, "
     "k=[-1, 1], num_rows=-1, num_cols=-1, padding_value=0.5), "
     "tf.raw_ops.MatrixDiagPartV2(input=x, k=[-1, 2], padding_value=9.0), "
     "tf.raw_ops.MatrixSetDiagV2(input=x, diagonal=t, k=[0, 1])]",
     {"d": np.arange(1, 7, dtype=F32).reshape(2, 3), "x": _BAND, "s": -np.ones((2, 3), F32),
      "e": np.arange(1, 10, dtype=F32).reshape(3, 3), "t": -np.arange(12, dtype=F32)
      .reshape(2, 2, 3)}, 0, ALL_MODES),
    ("tensor_diag", "[tf.diag(d), tf.diag_part(tf.diag(d)), tf.linalg.tensor_diag(i), "
     "tf.linalg.tensor_diag_part(x)]",
     {"d": np.arange(1, 7, dtype=F32).reshape(2, 3), "i": np.arange(1, 4, dtype=I32),
      "x": np.arange(16, dtype=F64).reshape(2, 2, 2, 2)}, 0, ALL_MODES),
    ("tensor_diag_part_odd_rank", "tf.diag_part(x)", {"x": np.ones((2, 3, 2), F32)}, 0,
     ALL_MODES),
    ("tensor_diag_part_mismatch", "tf.diag_part(x)", {"x": np.ones((2, 3), F32)}, 0, ALL_MODES),
    ("tensor_diag_scalar", "tf.diag(x)", {"x": np.float32(1.0)}, 0, ALL_MODES),
    ("diag_k_out_of_range_static", "tf.linalg.diag_part(x, k=(-1, 4))", {"x": _BAND}, 0,
     ALL_MODES),
    ("diag_k_reversed", "tf.linalg.diag_part(x, k=(1, -1))", {"x": _BAND}, 0, ALL_MODES),
    ("diag_k_three", "tf.linalg.diag(d, k=[0, 1, 2])", {"d": np.ones(3, F32)}, 0, ALL_MODES),
    ("diag_num_diags_mismatch", "tf.linalg.diag(d, k=(0, 1))", {"d": np.ones((3, 3), F32)}, 0,
     ALL_MODES),
    ("diag_rows_too_small", "tf.linalg.diag(d, num_rows=2)", {"d": np.ones(3, F32)}, 0,
     ALL_MODES),
    ("diag_rows_cols_inconsistent", "tf.linalg.diag(d, num_rows=5, num_cols=5)",
     {"d": np.ones(3, F32)}, 0, _KNOWN_LENGTH),
    ("diag_runtime_k", "[tf.linalg.diag(d, k=k), tf.linalg.diag_part(x, k=k), "
     "tf.linalg.set_diag(x, s, k=k)]",
     {"d": np.ones((2, 3), F32), "x": _BAND, "s": np.zeros((2, 3), F32),
      "k": np.array(1, I32)}, 0, ALL_MODES),
    ("diag_runtime_k_out_of_range", "tf.linalg.diag_part(x, k=k)",
     {"x": _BAND, "k": np.array([-3, 0], I32)}, 0, STATIC),
    ("set_diag_runtime_k_out_of_range", "tf.linalg.set_diag(x, s, k=k)",
     {"x": _BAND, "s": np.zeros((2, 3), F32), "k": np.array(4, I32)}, 0, STATIC),
    ("set_diag_wrong_diagonal", "tf.linalg.set_diag(x, s)",
     {"x": _BAND, "s": np.zeros((2, 4), F32)}, 0, ALL_MODES),
    ("set_diag_wrong_rank", "tf.linalg.set_diag(x, s)",
     {"x": _BAND, "s": np.zeros((3,), F32)}, 0, ALL_MODES),
    ("diag_part_rank_1", "tf.linalg.diag_part(x)", {"x": np.ones(3, F32)}, 0, ALL_MODES),
    ("diag_empty", "[tf.linalg.diag(d), tf.linalg.diag_part(x), tf.linalg.diag_part(x, k=1)]",
     {"d": np.ones((2, 0), F32), "x": np.ones((2, 0, 3), F32)}, 0, ALL_MODES),
]

DECOMPOSITION_CASES = [
    ("cholesky", "[tf.linalg.cholesky(a), tf.cholesky(b), tf.linalg.cholesky(c)]",
     {"a": _spd(2, 3, 3), "b": _spd(4, 4, dtype=F32), "c": _spd(3, 3, dtype=C128)}, 1e-5,
     ALL_MODES, 1e-6),
    ("cholesky_reads_lower_triangle", "tf.linalg.cholesky(a)",
     {"a": np.tril(_spd(3, 3)) + np.triu(np.full((3, 3), 100.0), 1)}, 1e-9, ALL_MODES, 1e-12),
    ("cholesky_not_positive_definite", "tf.linalg.band_part(tf.linalg.cholesky(a), -1, 0)",
     {"a": np.stack([np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[4.0, 2.0], [2.0, 3.0]]),
                     np.array([[-1.0, 0.0], [0.0, 1.0]])])}, 1e-9, ALL_MODES, 1e-12),
    ("cholesky_not_square", "tf.linalg.cholesky(a)", {"a": np.ones((2, 3))}, 0, ALL_MODES),
    ("cholesky_rank_1", "tf.linalg.cholesky(a)", {"a": np.ones(3)}, 0, ALL_MODES),
    ("cholesky_empty", "[tf.linalg.cholesky(a), tf.linalg.cholesky(b)]",
     {"a": np.ones((2, 0, 0)), "b": np.ones((0, 3, 3))}, 0, ALL_MODES),
    ("qr", "[*tf.linalg.qr(a), *tf.qr(b, full_matrices=True), *tf.linalg.qr(c), "
     "*tf.linalg.qr(w, full_matrices=True)]",
     {"a": _normal(2, 4, 3), "b": _normal(3, 2), "c": _complex(3, 3), "w": _normal(2, 4)}, 1e-8,
     ALL_MODES, 1e-10),
    ("qr_float32", "tf.linalg.qr(a)", {"a": _normal(5, 3, dtype=F32)}, 1e-4, ALL_MODES, 1e-5),
    ("qr_empty", "[*tf.linalg.qr(a), *tf.linalg.qr(b, full_matrices=True)]",
     {"a": np.ones((0, 3)), "b": np.ones((3, 0))}, 0, STATIC),
    ("svd_values", "[tf.linalg.svd(a, compute_uv=False), tf.svd(b, compute_uv=False), "
     "tf.linalg.svd(c, compute_uv=False)]",
     {"a": _normal(2, 4, 3), "b": _normal(3, 5, dtype=F32), "c": _complex(3, 2)}, 1e-5,
     ALL_MODES, 1e-6),
    ("svd_vectors", "(lambda s, u, v: [s, tf.abs(u), tf.abs(v), tf.matmul(u * "
     "tf.expand_dims(s, -2), v, adjoint_b=True)])(*tf.linalg.svd(a))",
     {"a": _normal(2, 4, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("svd_full_matrices", "(lambda s, u, v: [s, tf.abs(u), tf.abs(v)])"
     "(*tf.linalg.svd(a, full_matrices=True))", {"a": _normal(3, 4)}, 1e-8, ALL_MODES, 1e-10),
    ("svd_complex", "(lambda s, u, v: [s, tf.abs(u), tf.abs(v), tf.matmul(u * tf.cast("
     "tf.expand_dims(s, -2), tf.complex128), v, adjoint_b=True)])(*tf.linalg.svd(a))",
     {"a": _complex(3, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("svd_rank_1", "tf.linalg.svd(a)", {"a": np.ones(3)}, 0, ALL_MODES),
    ("eigh", "[*(lambda e, v: [e, tf.abs(v)])(*tf.linalg.eigh(a)), tf.linalg.eigvalsh(a), "
     "tf.self_adjoint_eigvals(b), tf.self_adjoint_eig(b)[0]]",
     {"a": _distinct_symmetric(4, (2,)), "b": _distinct_symmetric(3, dtype=F32)}, 1e-5,
     ALL_MODES, 1e-6),
    ("eigh_reads_lower_triangle", "tf.linalg.eigvalsh(a)",
     {"a": np.tril(_distinct_symmetric(3)) + np.triu(np.full((3, 3), 50.0), 1)}, 1e-9,
     ALL_MODES, 1e-12),
    ("eigh_complex", "(lambda e, v: [e, tf.abs(v)])(*tf.linalg.eigh(a))",
     {"a": (lambda h: h + np.conj(h.T))(_complex(3, 3))}, 1e-8, ALL_MODES, 1e-10),
    ("eigh_not_square", "tf.linalg.eigh(a)", {"a": np.ones((2, 3))}, 0, ALL_MODES),
]

SOLVE_CASES = [
    ("inv", "[tf.linalg.inv(a), tf.matrix_inverse(a, adjoint=True), tf.linalg.inv(c)]",
     {"a": _spd(2, 3, 3) + _normal(2, 3, 3), "c": _complex(3, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("inv_singular", "tf.linalg.inv(a)", {"a": np.array([[1.0, 2.0], [2.0, 4.0]])}, 0,
     ALL_MODES),
    ("inv_not_square", "tf.linalg.inv(a)", {"a": np.ones((2, 3))}, 0, ALL_MODES),
    ("solve", "[tf.linalg.solve(a, b), tf.matrix_solve(a, b, adjoint=True)]",
     {"a": _spd(2, 3, 3) + _normal(2, 3, 3), "b": _normal(2, 3, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("solve_singular", "tf.linalg.solve(a, b)",
     {"a": np.array([[1.0, 2.0], [2.0, 4.0]]), "b": np.ones((2, 1))}, 0, ALL_MODES),
    ("solve_batch_mismatch", "tf.linalg.solve(a, b)",
     {"a": np.eye(2)[None].repeat(3, 0), "b": np.ones((2, 2, 1))}, 0, ALL_MODES),
    ("solve_rows_mismatch", "tf.linalg.solve(a, b)",
     {"a": np.eye(2), "b": np.ones((3, 1))}, 0, ALL_MODES),
    ("triangular_solve", "[tf.linalg.triangular_solve(l, b), tf.linalg.triangular_solve(u, b, "
     "lower=False), tf.matrix_triangular_solve(l, b, adjoint=True), "
     "tf.linalg.triangular_solve(u, b, lower=False, adjoint=True), "
     "tf.linalg.triangular_solve(l + tf.transpose(l, [0, 2, 1]), b)]",
     {"l": _lower(2, 3, 3), "u": np.swapaxes(_lower(2, 3, 3), -1, -2), "b": _normal(2, 3, 2)},
     1e-9, ALL_MODES, 1e-12),
    ("triangular_solve_broadcast", "tf.linalg.triangular_solve(l, b)",
     {"l": _lower(1, 3, 3), "b": _normal(2, 4, 3, 2)}, 1e-9, ALL_MODES, 1e-12),
    ("triangular_solve_complex_f32", "[tf.linalg.triangular_solve(c, d, adjoint=True), "
     "tf.linalg.triangular_solve(f, g)]",
     {"c": np.tril(_complex(3, 3)) + 3 * np.eye(3), "d": _complex(3, 1),
      "f": _lower(3, 3, dtype=F32), "g": _normal(3, 2, dtype=F32)}, 1e-5, ALL_MODES, 1e-6),
    ("triangular_solve_singular", "tf.linalg.triangular_solve(l, b)",
     {"l": np.array([[0.0, 0.0], [2.0, 4.0]]), "b": np.ones((2, 1))}, 0, ALL_MODES),
    ("triangular_solve_batch_mismatch", "tf.linalg.triangular_solve(l, b)",
     {"l": _lower(2, 2, 2), "b": np.ones((3, 2, 1))}, 0, ALL_MODES),
    ("triangular_solve_rows_mismatch", "tf.linalg.triangular_solve(l, b)",
     {"l": _lower(2, 2), "b": np.ones((3, 1))}, 0, ALL_MODES),
    ("triangular_solve_rows_mismatch_adjoint", "tf.linalg.triangular_solve(l, b, lower=False, "
     "adjoint=True)", {"l": _lower(2, 2), "b": np.ones((3, 1))}, 0, ALL_MODES),
    ("triangular_solve_not_square", "tf.linalg.triangular_solve(l, b)",
     {"l": np.ones((2, 3)), "b": np.ones((2, 1))}, 0, ALL_MODES),
    ("triangular_solve_rank_1", "tf.linalg.triangular_solve(l, b)",
     {"l": np.ones((3,)), "b": np.ones((3, 1))}, 0, ALL_MODES),
    ("cholesky_solve", "tf.linalg.cholesky_solve(tf.linalg.cholesky(a), b)",
     {"a": _spd(2, 3, 3), "b": _normal(2, 3, 2)}, 1e-9, ALL_MODES, 1e-12),
    ("lstsq", "[tf.linalg.lstsq(a, b), tf.linalg.lstsq(w, c), tf.matrix_solve_ls(a, b, "
     "l2_regularizer=0.5), tf.linalg.lstsq(w, c, l2_regularizer=0.25)]",
     {"a": _normal(2, 5, 3), "b": _normal(2, 5, 2), "w": _normal(2, 3), "c": _normal(2, 2)},
     1e-8, ALL_MODES, 1e-10),
    ("lstsq_slow", "[tf.linalg.lstsq(a, b, fast=False), tf.linalg.lstsq(d, b, fast=False), "
     "tf.linalg.lstsq(w, c, fast=False)]",
     {"a": _normal(5, 3), "b": _normal(5, 2), "d": np.ones((5, 2)), "w": _normal(2, 3),
      "c": _normal(2, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("lstsq_rank_deficient", "tf.linalg.lstsq(a, b)",
     {"a": np.ones((3, 2)), "b": np.ones((3, 1))}, 0, STATIC),
    ("lstsq_op", "[tf.raw_ops.MatrixSolveLs(matrix=a, rhs=b, l2_regularizer=np.float64(0.0)), "
     "tf.raw_ops.MatrixSolveLs(matrix=w, rhs=c, l2_regularizer=np.float64(0.1), fast=True)]",
     {"a": _normal(2, 5, 3), "b": _normal(2, 5, 2), "w": _normal(2, 3), "c": _normal(2, 2)},
     1e-8, ALL_MODES, 1e-10),
    ("lstsq_op_rows_mismatch", "tf.raw_ops.MatrixSolveLs(matrix=a, rhs=b, "
     "l2_regularizer=np.float64(0.0))", {"a": np.ones((3, 2)), "b": np.ones((2, 1))}, 0,
     ALL_MODES),
    ("lstsq_complex128_regularized", "tf.linalg.lstsq(a, b, l2_regularizer=0.5)",
     {"a": _complex(3, 2), "b": _complex(3, 1)}, 0, STATIC),
]

DETERMINANT_CASES = [
    ("det", "[tf.linalg.det(a), tf.matrix_determinant(b), tf.linalg.det(c)]",
     {"a": _normal(2, 3, 3), "b": _normal(4, 4, dtype=F32), "c": _complex(3, 3)}, 1e-5,
     ALL_MODES, 1e-6),
    ("det_singular_and_empty", "[tf.linalg.det(a), tf.linalg.det(e)]",
     {"a": np.array([[1.0, 2.0], [2.0, 4.0]]), "e": np.ones((2, 0, 0))}, 1e-9, ALL_MODES,
     1e-12),
    ("det_not_square", "tf.linalg.det(a)", {"a": np.ones((4, 2, 3))}, 0, ALL_MODES),
    ("slogdet", "[*tf.linalg.slogdet(a), *tf.linalg.slogdet(c), *tf.linalg.slogdet(s), "
     "*tf.linalg.slogdet(e)]",
     {"a": _normal(2, 3, 3), "c": _complex(3, 3), "s": np.array([[0.0, 1.0], [1.0, 0.0]]),
      "e": np.ones((2, 0, 0))}, 1e-9, ALL_MODES, 1e-12),
    ("logdet", "[tf.linalg.logdet(a), tf.linalg.logdet(c)]",
     {"a": _spd(2, 3, 3), "c": _spd(3, 3, dtype=C128)}, 1e-9, ALL_MODES, 1e-12),
]

FUNCTION_CASES = [
    ("logm", "[tf.linalg.logm(a), tf.linalg.logm(b)]",
     {"a": np.eye(3, dtype=C128) + 0.3 * _complex(2, 3, 3), "b": (_spd(3, 3) + 0j)
      .astype(C64)}, 1e-5, ALL_MODES, 1e-6),
    ("logm_defective_and_negative", "[tf.linalg.logm(j), tf.linalg.logm(n)]",
     {"j": np.array([[2.0, 1.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 2.0]], C128),
      "n": np.array([[-1.0, 0.0], [0.0, 2.0]], C128)}, 1e-9, ALL_MODES, 1e-10),
    ("logm_not_square", "tf.linalg.logm(a)", {"a": np.ones((2, 3), C128)}, 0, ALL_MODES),
    ("expm", "[tf.linalg.expm(a), tf.linalg.expm(b), tf.linalg.expm(c), tf.linalg.expm(z)]",
     {"a": _normal(2, 3, 3), "b": 0.01 * _normal(3, 3, dtype=F32), "c": 0.5 * _complex(2, 2),
      "z": np.zeros((2, 2))}, 1e-6, ALL_MODES, 1e-8),
    ("expm_norm_classes", "[tf.linalg.expm(a * s) for s in (0.001, 0.1, 0.5, 1.5, 4.0, 40.0)]",
     {"a": _normal(3, 3) / 3}, 1e-7, ALL_MODES, 1e-9),
    ("expm_float32_classes", "[tf.linalg.expm(a * s) for s in (0.1, 1.0, 10.0)]",
     {"a": _normal(2, 3, 3, dtype=F32) / 3}, 1e-4, ALL_MODES, 1e-5),
    ("expm_non_finite", "tf.linalg.expm(a)", {"a": np.array([[np.inf, 0.0], [0.0, 1.0]])}, 1e-9,
     STATIC, 0.0),
    ("expm_empty", "tf.linalg.expm(a)", {"a": np.ones((2, 0, 0))}, 0, STATIC),
]

_NORM_X = np.arange(-11, 13, dtype=F64).reshape(2, 3, 4) / 7
NORM_CASES = [
    ("norm_vector", "[tf.norm(x), tf.norm(x, ord=1), tf.norm(x, ord=2), tf.norm(x, ord=np.inf), "
     "tf.norm(x, ord=0.5), tf.norm(x, ord=3), tf.linalg.norm(x, keepdims=True)]",
     {"x": _NORM_X}, 1e-12, ALL_MODES, 1e-14),
    ("norm_vector_axis", "[tf.norm(x, axis=1), tf.norm(x, ord=1, axis=-1), tf.norm(x, ord=np.inf, "
     "axis=0, keepdims=True), tf.norm(x, ord=3, axis=2, keep_dims=True), tf.norm(x, ord=2, "
     "axis=-2)]", {"x": _NORM_X}, 1e-12, ALL_MODES, 1e-14),
    ("norm_matrix", "[tf.norm(x, axis=[-2, -1]), tf.norm(x, ord='fro', axis=(1, 2)), "
     "tf.norm(x, ord=1, axis=[1, 2]), tf.norm(x, ord=np.inf, axis=[1, 2], keepdims=True), "
     "tf.norm(x, ord=1, axis=[2, 0]), tf.norm(x, ord=np.inf, axis=(2, 1))]",
     {"x": _NORM_X}, 1e-12, ALL_MODES, 1e-14),
    ("norm_matrix_2", "[tf.norm(x, ord=2, axis=[1, 2]), tf.norm(x, ord=2, axis=[0, 2], "
     "keepdims=True), tf.norm(x, ord=2, axis=(-1, -2))]",
     {"x": _NORM_X}, 1e-9, ALL_MODES, 1e-12),
    ("norm_complex", "[tf.norm(c), tf.norm(c, ord=1, axis=0), tf.norm(c, ord='fro', "
     "axis=[0, 1])]", {"c": _complex(2, 3)}, 1e-12, ALL_MODES, 1e-14),
    ("norm_float32", "[tf.norm(f), tf.norm(f, ord=np.inf, axis=[0, 1])]",
     {"f": _normal(3, 3, dtype=F32)}, 1e-6, ALL_MODES, 1e-7),
    ("norm_fro_vector", "tf.norm(x, ord='fro')", {"x": _NORM_X}, 0, STATIC),
    ("norm_negative_ord", "tf.norm(x, ord=-1)", {"x": _NORM_X}, 0, STATIC),
    ("norm_matrix_ord_3", "tf.norm(x, ord=3, axis=[1, 2])", {"x": _NORM_X}, 0, STATIC),
    ("norm_same_axes", "tf.norm(x, axis=[1, 1])", {"x": _NORM_X}, 0, STATIC),
    ("norm_three_axes", "tf.norm(x, axis=[0, 1, 2])", {"x": _NORM_X}, 0, STATIC),
]

SHAPE_ERROR_CASES = [
    ("shape_cholesky_not_square", "tf.linalg.cholesky(tf.zeros([2, 3]))", {}),
    ("shape_det_not_square", "tf.linalg.det(tf.zeros([4, 2, 3]))", {}),
    ("shape_solve_batch", "tf.linalg.solve(tf.zeros([4, 3, 3]), tf.zeros([5, 3, 2]))", {}),
    ("shape_solve_rows", "tf.linalg.solve(tf.zeros([3, 3]), tf.zeros([2, 2]))", {}),
    ("shape_triangular_batch", "tf.linalg.triangular_solve(tf.zeros([3, 3, 3]), "
     "tf.zeros([4, 3, 2]))", {}),
    ("shape_lstsq_rows", "tf.raw_ops.MatrixSolveLs(matrix=tf.zeros([4, 5, 3]), "
     "rhs=tf.zeros([4, 4, 2]), l2_regularizer=np.float64(0.0))", {}),
    ("shape_qr_rank_1", "tf.linalg.qr(tf.zeros([4]))", {}),
    ("shape_svd_rank_1", "tf.linalg.svd(tf.zeros([4]))", {}),
    ("shape_eigh_not_square", "tf.linalg.eigh(tf.zeros([4, 3, 2]))", {}),
    ("shape_diag_scalar", "tf.linalg.diag(tf.constant(1.0))", {}),
    ("shape_set_diag_rank", "tf.linalg.set_diag(tf.zeros([4, 3, 5]), tf.zeros([3]))", {}),
    ("shape_set_diag_k_rank", "tf.linalg.set_diag(tf.zeros([4, 3, 5]), tf.zeros([4, 3]), "
     "k=(0, 1))", {}),
    ("shape_v1_set_diag", "tf.raw_ops.MatrixSetDiag(input=tf.zeros([4, 3, 5]), "
     "diagonal=tf.zeros([4, 4]))", {}),
    ("shape_diag_pad_rank", "tf.linalg.diag(tf.zeros([3]), padding_value=[0.0])", {}),
    ("shape_tensor_diag_part_odd", "tf.linalg.tensor_diag_part(tf.zeros([4, 3, 5]))", {}),
    ("shape_tensor_diag_part_mismatch", "tf.linalg.tensor_diag_part(tf.zeros([4, 3, 5, 2]))", {}),
    ("shape_logm", "tf.linalg.logm(tf.zeros([4, 3, 2], tf.complex64))", {}),
]

_W33 = _normal(2, 3, 3)
GRAD_CASES = [
    ("grad_cholesky", _grads("tf.reduce_sum(w * tf.linalg.cholesky(a))", "a"),
     {"a": _spd(2, 3, 3), "w": _W33}, 1e-8, ALL_MODES, 1e-10),
    ("grad_cholesky_complex", _grads("tf.math.real(tf.reduce_sum(w * tf.linalg.cholesky(a)))",
                                     "a"),
     {"a": _spd(3, 3, dtype=C128), "w": _complex(3, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_qr_deep", _grads("(lambda q, r: tf.reduce_sum(w * q) + tf.reduce_sum(v * r))"
                            "(*tf.linalg.qr(a))", "a"),
     {"a": _normal(2, 4, 3), "w": _normal(2, 4, 3), "v": _normal(2, 3, 3)}, 1e-8, ALL_MODES,
     1e-10),
    ("grad_qr_wide", _grads("(lambda q, r: tf.reduce_sum(w * q) + tf.reduce_sum(v * r))"
                            "(*tf.linalg.qr(a))", "a"),
     {"a": _normal(3, 5), "w": _normal(3, 3), "v": _normal(3, 5)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_qr_full_deep", _grads("tf.reduce_sum(tf.linalg.qr(a, full_matrices=True)[1])", "a"),
     {"a": _normal(4, 3)}, 0, STATIC),
    ("grad_qr_complex", _grads("(lambda q, r: tf.math.real(tf.reduce_sum(w * q) + "
                               "tf.reduce_sum(v * r)))(*tf.linalg.qr(a))", "a"),
     {"a": _complex(3, 3), "w": _complex(3, 3), "v": _complex(3, 3)}, 1e-8, STATIC, 1e-10),
    ("grad_svd_values", _grads("tf.reduce_sum(w * tf.linalg.svd(a, compute_uv=False))", "a"),
     {"a": _normal(2, 4, 3), "w": _normal(2, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_svd_vectors", _grads("(lambda s, u, v: tf.reduce_sum(w * s) + tf.reduce_sum(p * u * u)"
                                " + tf.reduce_sum(q * v * v))(*tf.linalg.svd(a))", "a"),
     {"a": _normal(2, 4, 3), "w": _normal(2, 3), "p": _normal(2, 4, 3), "q": _normal(2, 3, 3)},
     1e-7, STATIC, 1e-9),
    ("grad_svd_wide_full", _grads("(lambda s, u, v: tf.reduce_sum(w * s) + tf.reduce_sum(p * u * "
                                  "u) + tf.reduce_sum(q * v * v))(*tf.linalg.svd(a, "
                                  "full_matrices=True))", "a"),
     {"a": _normal(3, 4), "w": _normal(3), "p": _normal(3, 3), "q": _normal(4, 4)}, 1e-7, STATIC,
     1e-9),
    ("grad_eigh", _grads("(lambda e, v: tf.reduce_sum(w * e) + tf.reduce_sum(p * v * v))"
                         "(*tf.linalg.eigh(a))", "a"),
     {"a": _distinct_symmetric(3, (2,)), "w": _normal(2, 3), "p": _W33}, 1e-8, ALL_MODES, 1e-10),
    ("grad_eigvalsh", _grads("tf.reduce_sum(w * tf.linalg.eigvalsh(a))", "a"),
     {"a": _distinct_symmetric(3), "w": _normal(3)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_triangular_solve", "[*" + _grads("tf.reduce_sum(w * tf.linalg.triangular_solve(l, b))",
                                            "l, b") + ", *" +
     _grads("tf.reduce_sum(w * tf.linalg.triangular_solve(u, b, lower=False, adjoint=True))",
            "u, b") + "]",
     {"l": _lower(2, 3, 3), "u": np.swapaxes(_lower(2, 3, 3), -1, -2), "b": _normal(2, 3, 2),
      "w": _normal(2, 3, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_triangular_solve_broadcast", _grads("tf.reduce_sum(w * tf.linalg.triangular_solve(l, "
                                               "b))", "l, b"),
     {"l": _lower(1, 3, 3), "b": _normal(2, 3, 2), "w": _normal(2, 3, 2)}, 1e-8, ALL_MODES,
     1e-10),
    ("grad_det", _grads("tf.reduce_sum(w * tf.linalg.det(a))", "a"),
     {"a": _normal(2, 3, 3), "w": _normal(2)}, 1e-8, ALL_MODES, 1e-10),
    # TF's formula grad * det(A) * A^-H (det not conjugated) for complex matrices.
    ("grad_det_complex", _grads("tf.math.real(tf.reduce_sum(w * tf.linalg.det(c)))", "c"),
     {"c": _complex(2, 3, 3), "w": _complex(2)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_slogdet_logdet", "[*" + _grads("tf.reduce_sum(w * tf.linalg.slogdet(a)[1])", "a") +
     ", *" + _grads("tf.linalg.logdet(s)", "s") + "]",
     {"a": _normal(2, 3, 3), "w": _normal(2), "s": _spd(3, 3)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_inv_solve", "[*" + _grads("tf.reduce_sum(w * tf.linalg.inv(a))", "a") + ", *" +
     _grads("tf.reduce_sum(w * tf.linalg.inv(a, adjoint=True))", "a") + ", *" +
     _grads("tf.reduce_sum(v * tf.linalg.solve(a, b, adjoint=True))", "a, b") + "]",
     {"a": _spd(2, 3, 3) + _normal(2, 3, 3), "w": _W33, "b": _normal(2, 3, 2),
      "v": _normal(2, 3, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_lstsq", "[*" + _grads("tf.reduce_sum(v * tf.linalg.lstsq(a, b, l2_regularizer=0.1))",
                                 "a, b") + ", *" +
     _grads("tf.reduce_sum(u * tf.linalg.lstsq(w, c))", "w, c") + "]",
     {"a": _normal(5, 3), "b": _normal(5, 2), "v": _normal(3, 2), "w": _normal(2, 3),
      "c": _normal(2, 2), "u": _normal(3, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_lstsq_op", _grads("tf.reduce_sum(v * tf.raw_ops.MatrixSolveLs(matrix=a, rhs=b, "
                             "l2_regularizer=np.float64(0.1)))", "a, b"),
     {"a": _normal(5, 3), "b": _normal(5, 2), "v": _normal(3, 2)}, 1e-8, ALL_MODES, 1e-10),
    ("grad_expm", _grads("tf.reduce_sum(w * tf.linalg.expm(a))", "a"),
     {"a": _normal(2, 3, 3), "w": _W33}, 1e-7, ("static", "dynamic"), 1e-9),
    ("grad_band_and_trace", "[*" + _grads("tf.reduce_sum(w * tf.linalg.band_part(a, 1, 0))", "a")
     + ", *" + _grads("tf.reduce_sum(w[0] * tf.linalg.trace(a))", "a") + "]",
     {"a": _normal(2, 3, 3), "w": _W33}, 1e-12, ALL_MODES, 0.0),
    # TF's MatrixSetDiagV3 / MatrixDiagPartV3 gradients fail to build with dynamic dims (a
    # static-shape merge of ranks 3 and 4); static shapes and an unknown rank work.
    ("grad_diag_part", _grads("tf.reduce_sum(v * tf.linalg.diag_part(a, k=(-1, 1), "
                              "align='LEFT_RIGHT'))", "a"),
     {"a": _normal(2, 3, 3), "v": _W33}, 1e-12, ("static", "unknown_rank"), 0.0),
    ("grad_set_diag_and_diag", "[*" + _grads("tf.reduce_sum(w * tf.linalg.set_diag(a, d, k=1))",
                                             "a, d") + ", *" +
     _grads("tf.reduce_sum(w * tf.linalg.diag(d, k=1, align='LEFT_LEFT'))", "d") + ", *" +
     _grads("tf.reduce_sum(w * tf.linalg.set_diag(a, e, k=(-1, 1)))", "a, e") + "]",
     {"a": _normal(2, 3, 3), "w": _W33, "d": _normal(2, 2), "e": _normal(2, 3, 3)}, 1e-12,
     STATIC, 0.0),
    ("grad_norms", "[*" + _grads("tf.norm(a)", "a") + ", *" +
     _grads("tf.reduce_sum(w * tf.norm(a, ord=1, axis=[-2, -1]))", "a") + ", *" +
     _grads("tf.reduce_sum(w * tf.norm(a, ord=2, axis=[-2, -1]))", "a") + "]",
     {"a": _normal(2, 3, 3), "w": _normal(2)}, 1e-8, ("static",), 1e-10),
]
# fmt: on

CASES = (
    STRUCTURE_CASES
    + DIAG_CASES
    + DECOMPOSITION_CASES
    + SOLVE_CASES
    + DETERMINANT_CASES
    + FUNCTION_CASES
    + NORM_CASES
    + SHAPE_ERROR_CASES
    + GRAD_CASES
)


def save_cases(tf, writer, cases):
    """Records every case; like math_goldens.save_cases with an absolute tolerance."""
    for case in cases:
        name, expr, inputs = case[:3]
        rtol = case[3] if len(case) > 3 else 0
        modes = case[4] if len(case) > 4 else (ALL_MODES if inputs else ("const",))
        atol = case[5] if len(case) > 5 else 0.0
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        results = {mode: math_goldens.run_mode(tf, expr, inputs, mode, arrays) for mode in modes}
        writer.save(name, arrays, {"call": expr, "rtol": rtol, "atol": atol, "modes": results})


# Builders whose GraphDef (node names, op types, inputs, attrs) must be TF's, on
# placeholders x [3, 3] and v [3] (float32).
GRAPH_EXPRS = [
    "tf.linalg.band_part(x, 1, 0)", "tf.linalg.diag(v, k=1)", "tf.linalg.diag(x, k=(-1, 1))",
    "tf.linalg.diag_part(x, k=1, padding_value=2)", "tf.linalg.diag_part(x, k=(-1, 1), "
    "align='LEFT_LEFT')", "tf.linalg.set_diag(x, v)", "tf.diag(v)", "tf.diag_part(x)",
    "tf.eye(2)", "tf.eye(3, 2, batch_shape=[2])", "tf.linalg.trace(x)",
    "tf.linalg.matrix_transpose(x)", "tf.linalg.adjoint(x)", "tf.linalg.cholesky(x)",
    "tf.linalg.cholesky_solve(x, x)", "tf.linalg.triangular_solve(x, x, lower=False)",
    "tf.linalg.solve(x, x, adjoint=True)", "tf.linalg.inv(x)", "tf.linalg.det(x)",
    "tf.linalg.slogdet(x)", "tf.linalg.logdet(x)", "tf.linalg.qr(x, full_matrices=True)",
    "tf.linalg.svd(x)", "tf.linalg.svd(x, compute_uv=False)", "tf.linalg.eigh(x)",
    "tf.linalg.eigvalsh(x)", "tf.linalg.lstsq(x, x)", "tf.matrix_solve_ls(x, x, "
    "l2_regularizer=0.1)", "tf.linalg.logm(tf.cast(x, tf.complex64))", "tf.norm(x)",
    "tf.norm(x, ord=1, axis=[0, 1])", "tf.norm(v, ord=3)", "tf.tensordot(x, x, 1)",
    "tf.linalg.tensordot(x, x, [[0], [1]])", "tf.linalg.matvec(x, v)",
]  # fmt: skip


def graph_nodes(tf, expr):
    """[name, op, inputs, {attr: text}] of the graph `expr` builds (Const values left out)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3, 3], name="x")
        v = tf.placeholder(tf.float32, [3], name="v")
        eval(expr, {"tf": tf, "x": x, "v": v})  # noqa: S307 - our expression table
    nodes = []
    for node in graph.as_graph_def().node:
        attrs = {
            key: " ".join(str(value).split())
            for key, value in sorted(node.attr.items())
            if key not in ("value", "_output_shapes")
        }
        nodes.append([node.name, node.op, list(node.input), attrs])
    return nodes


def generate(tf, writer):
    save_cases(tf, writer, CASES)
    graphs = {expr: graph_nodes(tf, expr) for expr in GRAPH_EXPRS}
    writer.save("graph_structure", {}, {"graphs": graphs})
