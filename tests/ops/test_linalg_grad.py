"""Gradients of the linalg family by finite differences (GRAD_SPECS): every differentiable
op (order 2 for MatrixInverse, MatrixDeterminant, MatrixSolve, MatrixTriangularSolve and
Cholesky, whose gradients are built of differentiable ops), the composites whose gradients
come from the ops they build (expm through its while loop, logdet, lstsq, norms, tensordot),
complex inputs, and TF's NotImplementedError / ValueError cases. (TF's complex determinant
gradient does not conjugate det(A), so it is checked against TF's values in the goldens
instead of by finite differences.) TF's recorded gradient values
are in tests/golden/linalg (grad_* cases, test_linalg_goldens.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.framework import registry
from tests.support.grad_check import GradSpec

_RNG = np.random.default_rng(4321)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def normal(*shape):
    return _RNG.normal(size=shape)


def spd(*shape):
    a = normal(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def well_conditioned(*shape):
    return normal(*shape) + 3.0 * np.eye(shape[-1])


def separated_symmetric(n, batch=()):
    """Symmetric matrices with eigenvalues 1.5 apart (TF's eigh gradient divides by gaps)."""
    q, _ = np.linalg.qr(normal(*batch, n, n))
    return q * (np.arange(n) * 1.5 - 1.0)[..., None, :] @ np.swapaxes(q, -1, -2)


def symmetric(x):
    """The Hermitian matrix built from x's lower triangle (its diagonal's real part): TF's
    Cholesky and eigh gradients assume symmetric perturbations, which this makes of any
    perturbation of x."""
    diagonal = tf.linalg.band_part(x, 0, 0)
    strict = tf.linalg.band_part(x, -1, 0) - diagonal
    if x.dtype.is_complex:
        diagonal = tf.cast(tf.math.real(diagonal), x.dtype)
    return strict + tf.linalg.adjoint(strict) + diagonal


def squares(t):
    """Sign-free (phase-free) entries of singular or eigen vectors: |t|^2."""
    if t.dtype.is_complex:
        return tf.math.real(t * tf.math.conj(t))
    return t * t


_STRUCTURE_ROWS = [
    GradSpec("MatrixBandPart", lambda x: tf.linalg.band_part(x, 1, 0), [normal(2, 3, 4)]),
    GradSpec("MatrixDiagV3", lambda d: tf.linalg.diag(d, k=(-1, 1)), [normal(2, 3, 3)]),
    GradSpec(
        "MatrixDiagV3",
        lambda d: tf.linalg.diag(d, k=1, num_cols=5),
        [normal(3)],
        id="MatrixDiagV3_rows_cols",
    ),  # fmt: skip
    GradSpec(
        "MatrixDiagV2", lambda d: raw("MatrixDiagV2", d, [0, 1], -1, -1, 0.0), [normal(2, 3)]
    ),  # fmt: skip
    GradSpec("MatrixDiag", lambda d: raw("MatrixDiag", d), [normal(2, 3)]),
    GradSpec(
        "MatrixDiagPartV3",
        lambda x: tf.linalg.diag_part(x, k=(-1, 2), align="LEFT_RIGHT"),
        [normal(2, 3, 4)],
    ),
    GradSpec(
        "MatrixDiagPartV2", lambda x: raw("MatrixDiagPartV2", x, [0, 1], 0.0), [normal(3, 4)]
    ),  # fmt: skip
    GradSpec("MatrixDiagPart", lambda x: raw("MatrixDiagPart", x), [normal(2, 3, 4)]),
    GradSpec(
        "MatrixDiagPart",
        lambda x: raw("MatrixDiagPart", x),
        [normal(3, 3)],
        id="MatrixDiagPart_square",
    ),  # fmt: skip
    GradSpec(
        "MatrixSetDiagV3",
        lambda x, d: tf.linalg.set_diag(x, d, k=(-1, 0), align="RIGHT_RIGHT"),
        [normal(2, 3, 4), normal(2, 2, 3)],
    ),
    GradSpec(
        "MatrixSetDiagV2", lambda x, d: raw("MatrixSetDiagV2", x, d, 1), [normal(3, 4), normal(3)]
    ),  # fmt: skip
    GradSpec(
        "MatrixSetDiag", lambda x, d: raw("MatrixSetDiag", x, d), [normal(2, 3, 4), normal(2, 3)]
    ),  # fmt: skip
    GradSpec("Diag", tf.linalg.tensor_diag, [normal(2, 3)]),
    GradSpec("DiagPart", tf.linalg.tensor_diag_part, [normal(2, 3, 2, 3)]),
]

_SOLVE_ROWS = [
    GradSpec("MatrixInverse", tf.linalg.inv, [well_conditioned(2, 3, 3)], order=2),
    GradSpec(
        "MatrixInverse",
        lambda x: tf.linalg.inv(x, adjoint=True),
        [well_conditioned(3, 3) + 1j * normal(3, 3)],
        id="MatrixInverse_complex",
    ),  # fmt: skip
    GradSpec(
        "MatrixSolve", tf.linalg.solve, [well_conditioned(2, 3, 3), normal(2, 3, 2)], order=2
    ),  # fmt: skip
    GradSpec(
        "MatrixSolve",
        lambda a, b: tf.linalg.solve(a, b, adjoint=True),
        [well_conditioned(3, 3), normal(3, 2)],
        id="MatrixSolve_adjoint",
    ),  # fmt: skip
    GradSpec(
        "MatrixTriangularSolve",
        tf.linalg.triangular_solve,
        [well_conditioned(2, 3, 3), normal(2, 3, 2)],
        order=2,
    ),
    GradSpec(
        "MatrixTriangularSolve",
        lambda a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        [well_conditioned(1, 3, 3), normal(2, 3, 2)],
        id="MatrixTriangularSolve_upper_adjoint_broadcast",
    ),
    GradSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(0.2)),
        [normal(5, 3), normal(5, 2)],
    ),  # fmt: skip
    GradSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(0.0)),
        [normal(2, 4), normal(2, 3)],
        id="MatrixSolveLs_wide",
    ),  # fmt: skip
]

_DECOMPOSITION_ROWS = [
    GradSpec("Cholesky", lambda x: tf.linalg.cholesky(symmetric(x)), [spd(2, 3, 3)], order=2),
    GradSpec(
        "Cholesky",
        lambda x: tf.linalg.cholesky(symmetric(x)),
        [spd(3, 3) + 0j],
        id="Cholesky_complex",
    ),  # fmt: skip
    GradSpec("Qr", lambda a: list(tf.linalg.qr(a)), [normal(2, 4, 3)]),
    GradSpec("Qr", lambda a: list(tf.linalg.qr(a)), [normal(3, 5)], id="Qr_wide"),
    GradSpec(
        "Qr", lambda a: list(tf.linalg.qr(a)), [normal(3, 3) + 1j * normal(3, 3)], id="Qr_complex"
    ),  # fmt: skip
    GradSpec("Svd", lambda a: tf.linalg.svd(a, compute_uv=False), [normal(2, 4, 3)]),
    GradSpec(
        "Svd",
        lambda a: (lambda s, u, v: [s, squares(u), squares(v)])(*tf.linalg.svd(a)),
        [normal(2, 4, 3)],
        id="Svd_vectors_deep",
    ),
    GradSpec(
        "Svd",
        lambda a: (lambda s, u, v: [s, squares(u), squares(v)])(
            *tf.linalg.svd(a, full_matrices=True)
        ),
        [normal(3, 4)],
        id="Svd_vectors_wide_full",
    ),
    GradSpec(
        "Svd",
        lambda a: (lambda s, u, v: [s, squares(u), squares(v)])(*tf.linalg.svd(a)),
        [normal(3, 2) + 1j * normal(3, 2)],
        id="Svd_complex",
    ),
    GradSpec(
        "SelfAdjointEigV2",
        lambda a: (lambda e, v: [e, squares(v)])(*tf.linalg.eigh(symmetric(a))),
        [separated_symmetric(3, (2,))],
    ),
    GradSpec(
        "SelfAdjointEigV2",
        lambda a: tf.linalg.eigvalsh(symmetric(a)),
        [separated_symmetric(4)],
        id="SelfAdjointEigV2_values",
    ),
]

_DETERMINANT_ROWS = [
    GradSpec("MatrixDeterminant", tf.linalg.det, [well_conditioned(2, 3, 3)], order=2),
    GradSpec("LogMatrixDeterminant", lambda x: tf.linalg.slogdet(x)[1], [normal(2, 3, 3)]),
]

# Composites: their gradients come from the ops they build.
_COMPOSITE_ROWS = [
    GradSpec("expm", tf.linalg.expm, [0.3 * normal(2, 3, 3)], id="expm_pade"),
    GradSpec("expm", tf.linalg.expm, [normal(3, 3) * 2.0], id="expm_squarings"),
    GradSpec("logdet", lambda x: tf.linalg.logdet(symmetric(x)), [spd(2, 3, 3)], id="logdet"),
    GradSpec("lstsq", tf.linalg.lstsq, [normal(5, 3), normal(5, 2)], id="lstsq_tall"),
    GradSpec(
        "lstsq",
        lambda a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.5),
        [normal(2, 4), normal(2, 1)],
        id="lstsq_wide",
    ),  # fmt: skip
    GradSpec(
        "cholesky_solve",
        tf.linalg.cholesky_solve,
        [well_conditioned(3, 3), normal(3, 2)],
        id="cholesky_solve",
    ),  # fmt: skip
    GradSpec("norm", lambda x: tf.norm(x, ord=2, axis=[-2, -1]), [normal(2, 3, 3)], id="norm_2"),
    GradSpec("norm", lambda x: tf.norm(x, ord=3, axis=0), [normal(3, 2)], id="norm_p"),
    GradSpec(
        "norm", lambda x: tf.norm(x, ord="fro", axis=(0, 1)), [normal(3, 2)], id="norm_fro"
    ),  # fmt: skip
    GradSpec(
        "tensordot",
        lambda a, b: tf.tensordot(a, b, [[0, 2], [1, 0]]),
        [normal(2, 3, 4), normal(4, 2, 5)],
        id="tensordot",
    ),  # fmt: skip
    GradSpec("matvec", tf.linalg.matvec, [normal(2, 3, 4), normal(2, 4)], id="matvec"),
    GradSpec("trace", tf.linalg.trace, [normal(2, 3, 3)], id="trace"),
]

GRAD_SPECS = (
    _STRUCTURE_ROWS + _SOLVE_ROWS + _DECOMPOSITION_ROWS + _DETERMINANT_ROWS + _COMPOSITE_ROWS
)


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def test_not_differentiable_ops_say_why():
    for op_type in ("CholeskyGrad", "MatrixLogarithm"):
        assert registry.is_not_differentiable(op_type)
        assert "TF registers no gradient" in registry.not_differentiable_reason(op_type)


def test_qr_gradient_needs_static_sizes_as_in_tf():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, [None, 3])
        q, _ = tf.linalg.qr(a)
        with pytest.raises(NotImplementedError, match=r"Received r.shape: \(None, 3\)"):
            tf.gradients(q, a)
        full = tf.placeholder(tf.float64, [4, 3])
        _, r = tf.linalg.qr(full, full_matrices=True)
        with pytest.raises(NotImplementedError, match="nrows > ncols and full_matrices"):
            tf.gradients(r, full)


def test_svd_gradient_limits_follow_tf():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, [2, 5])
        s, _, _ = tf.linalg.svd(a, full_matrices=True)
        with pytest.raises(NotImplementedError, match=r"abs\(m - n\) > 1"):
            tf.gradients(s, a)
        unknown = tf.placeholder(tf.float64, [None, None])
        s, _, _ = tf.linalg.svd(unknown)
        with pytest.raises(NotImplementedError, match="unknown inner matrix shape"):
            tf.gradients(s, unknown)


def test_lstsq_gradient_undefined_for_the_complete_orthogonal_path():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, [4, 3])
        x = raw("MatrixSolveLs", a, tf.ones([4, 1], tf.float64), np.float64(0.0), fast=False)
        with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
            tf.gradients(x, a)


def test_lstsq_gradient_with_a_dynamic_matrix_size_picks_the_case_at_run_time():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, [None, None])
        b = tf.placeholder(tf.float64, [None, 1])
        x = raw("MatrixSolveLs", a, b, np.float64(0.0))
        grad_a, grad_b = tf.gradients(tf.reduce_sum(x), [a, b])
        tall, wide = normal(4, 2), normal(2, 4)
        with tf.Session() as sess:
            for matrix in (tall, wide):
                rhs = normal(matrix.shape[0], 1)
                values = sess.run([grad_a, grad_b], {a: matrix, b: rhs})
                static = _static_lstsq_grads(matrix, rhs)
                np.testing.assert_allclose(values[0], static[0], rtol=1e-9, atol=1e-12)
                np.testing.assert_allclose(values[1], static[1], rtol=1e-9, atol=1e-12)


def _static_lstsq_grads(matrix, rhs):
    with tf.Graph().as_default():
        a, b = tf.constant(matrix), tf.constant(rhs)
        x = raw("MatrixSolveLs", a, b, np.float64(0.0))
        with tf.Session() as sess:
            return sess.run(tf.gradients(tf.reduce_sum(x), [a, b]))


def test_cholesky_gradient_is_tf_2_composite_not_the_cholesky_grad_op():
    with tf.Graph().as_default():
        a = tf.constant(spd(3, 3))
        (grad,) = tf.gradients(tf.reduce_sum(tf.linalg.cholesky(a)), [a])
        types = {op.type for op in tf.get_default_graph().get_operations()}
        assert "CholeskyGrad" not in types
        assert "MatrixTriangularSolve" in types
        with tf.Session() as sess:
            l_value = np.linalg.cholesky(a.op.attrs["value"])
            direct = sess.run(raw("CholeskyGrad", l_value, np.ones((3, 3))))
            np.testing.assert_allclose(sess.run(grad), direct, rtol=1e-10)
