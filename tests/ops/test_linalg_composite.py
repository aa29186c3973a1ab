"""The linalg composites (ndflow/ops/linalg: expm, logm round trips, norm, tensordot, trace,
matvec, logdet, cholesky_solve, lstsq, eye, matrix_transpose / adjoint) against the NumPy
references, their argument errors, TF's op names and namespaces, and run-time behaviour of
the ops on half, empty and degenerate inputs."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.ops.test_linalg import spd_np
from tests.support import op_check
from tests.support.reference import linalg as ref


def _run(build, *arrays, static=True):
    dtypes = [tf.as_dtype(np.asarray(a).dtype) for a in arrays]
    return op_check.run_builder(build, arrays, dtypes, static)


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("scale", [0.001, 0.2, 1.0, 3.0, 30.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_expm_matches_a_taylor_series_in_every_norm_class(scale, dtype, static):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 3)) / 3 * scale
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=x.shape) / 3 * scale
    x = x.astype(dtype)
    outputs, value = _run(tf.linalg.expm, x, static=static)
    assert outputs.dtype == tf.as_dtype(dtype)
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(value, ref.expm(x), rtol=rtol, atol=rtol * np.abs(value).max())


def test_expm_of_empty_and_non_finite_matrices():
    _, empty = _run(tf.linalg.expm, np.ones((2, 0, 0)))
    assert empty.shape == (2, 0, 0)
    _, value = _run(tf.linalg.expm, np.array([[np.inf, 0.0], [0.0, 1.0]]))
    assert np.isnan(value).all()
    with tf.Graph().as_default(), pytest.raises(ValueError, match="does not support"):
        tf.linalg.expm(tf.zeros([2, 2], tf.int32))


def test_logm_inverts_expm_on_general_complex_matrices():
    rng = np.random.default_rng(5)
    x = (rng.normal(size=(3, 4, 4)) + 1j * rng.normal(size=(3, 4, 4))) * 0.4
    _, value = _run(lambda t: tf.linalg.logm(tf.linalg.expm(t)), x)
    np.testing.assert_allclose(value, x, atol=1e-9)


_NORM_X = np.arange(-11, 13, dtype=np.float64).reshape(2, 3, 4) / 7


@pytest.mark.parametrize(
    "ord, axis, keepdims",
    [
        ("euclidean", None, False),
        ("euclidean", None, True),
        (1, None, False),
        (np.inf, None, False),
        (0.5, None, False),
        (3, 1, True),
        (2, -1, False),
        (np.inf, 0, False),
        ("euclidean", (1, 2), False),
        ("fro", (0, 2), True),
        (1, (1, 2), False),
        (1, (2, 0), True),
        (np.inf, (-2, -1), False),
        (2, (1, 2), False),
        (2, (2, 0), True),
    ],
)
def test_norm_matches_the_definitions(ord, axis, keepdims):
    def build(x):
        return tf.norm(x, ord=ord, axis=list(axis) if isinstance(axis, tuple) else axis,
                       keepdims=keepdims)  # fmt: skip

    for static in (True, False):
        _, value = _run(build, _NORM_X, static=static)
        np.testing.assert_allclose(value, ref.norm(_NORM_X, ord, axis, keepdims), rtol=1e-12)


def test_norm_keeps_complex_type_for_euclidean_and_real_otherwise():
    c = np.array([[3 + 4j, 0], [0, 1j]])
    with tf.Graph().as_default():
        x = tf.constant(c)
        assert tf.norm(x).dtype == tf.complex128
        assert tf.norm(x, ord=1).dtype == tf.float64
        assert tf.norm(x, ord=2, axis=[0, 1]).dtype == tf.float64
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(tf.norm(x)), np.sqrt(26))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"ord": "fro"}, "'ord' must be a supported vector norm, got fro"),
        ({"ord": 0}, "'ord' must be a supported vector norm, got 0"),
        ({"ord": 3, "axis": [0, 1]}, "'ord' must be a supported matrix norm"),
        ({"axis": [1, 1]}, "'axis' must be None, an integer, or a tuple of 2 unique integers"),
        ({"axis": 1.5}, "'axis' must be None, an integer"),
        ({"keepdims": True, "keep_dims": True}, "Cannot specify both"),
    ],
)
def test_norm_argument_errors(kwargs, message):
    with tf.Graph().as_default(), pytest.raises(ValueError, match=message.replace("(", r"\(")):
        tf.norm(tf.ones([2, 3]), **kwargs)


@pytest.mark.parametrize(
    "axes, a_shape, b_shape",
    [
        (1, (2, 3), (3, 4)),
        (0, (2, 3), (4,)),
        (2, (2, 3, 4), (3, 4, 5)),
        ([[0, 2], [1, 0]], (2, 3, 4), (4, 2, 5)),
        ([1, 0], (2, 3), (3, 5)),
        ([[-1], [0]], (2, 3), (3, 5)),
    ],
)
@pytest.mark.parametrize("static", [True, False])
def test_tensordot_matches_einsum(axes, a_shape, b_shape, static):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    if isinstance(axes, int):
        a_axes, b_axes = list(range(len(a_shape) - axes, len(a_shape))), list(range(axes))
    else:
        a_axes, b_axes = (axes[0], axes[1]) if isinstance(axes[0], list) else ([axes[0]], [axes[1]])
    outputs, value = _run(lambda x, y: tf.tensordot(x, y, axes), a, b, static=static)
    np.testing.assert_allclose(value, ref.tensordot(a, b, a_axes, b_axes), rtol=1e-12)
    assert outputs.shape.is_compatible_with(value.shape)


def test_tensordot_with_unknown_rank_and_tensor_axes():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, None)
        b = tf.placeholder(tf.float64, None)
        int_axes = tf.tensordot(a, b, 1)
        pair_axes = tf.tensordot(a, b, [[0], [1]])
        tensor_axes = tf.tensordot(a, b, tf.constant([[0], [1]]))
        x, y = np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2)
        with tf.Session() as sess:
            values = sess.run([int_axes, pair_axes, tensor_axes], {a: x, b: y})
    np.testing.assert_allclose(values[0], x @ y)
    np.testing.assert_allclose(values[1], x.T @ y.T)
    np.testing.assert_allclose(values[2], x.T @ y.T)


def test_tensordot_argument_errors():
    with tf.Graph().as_default():
        a, b = tf.ones([2, 3]), tf.ones([3, 4])
        with pytest.raises(ValueError, match="must be at least 0"):
            tf.tensordot(a, b, -1)
        with pytest.raises(ValueError, match="must not be larger than the number of dimensions"):
            tf.tensordot(a, b, 3)
        with pytest.raises(ValueError, match="must be an integer or have length 2"):
            tf.tensordot(a, b, [[1], [0], [0]])


@pytest.mark.parametrize("static", [True, False])
def test_trace_matvec_logdet_and_cholesky_solve_against_references(static):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 3))
    v = rng.normal(size=(2, 3))
    _, value = _run(tf.linalg.trace, x, static=static)
    np.testing.assert_allclose(value, ref.trace(x))
    _, value = _run(tf.linalg.matvec, x, v, static=static)
    np.testing.assert_allclose(value, np.einsum("bij,bj->bi", x, v))
    _, value = _run(lambda m, w: tf.linalg.matvec(m, w, adjoint_a=True), x, v, static=static)
    np.testing.assert_allclose(value, np.einsum("bji,bj->bi", x, v))
    a = spd_np(x)
    _, value = _run(tf.linalg.logdet, a, static=static)
    np.testing.assert_allclose(value, ref.log_determinant(a)[1], rtol=1e-12)
    _, value = _run(lambda m, r: tf.linalg.cholesky_solve(tf.linalg.cholesky(m), r), a,
                    x, static=static)  # fmt: skip
    np.testing.assert_allclose(value, ref.matrix_solve(a, x), rtol=1e-10)


@pytest.mark.parametrize("static", [True, False])
def test_lstsq_composite_and_op_agree_with_the_reference(static):
    rng = np.random.default_rng(6)
    tall, wide = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 3, 5))
    for matrix in (tall, wide):
        rhs = rng.normal(size=matrix.shape[:-1] + (2,))
        for l2 in (0.0, 0.4):
            _, value = _run(lambda a, b, l2=l2: tf.linalg.lstsq(a, b, l2), matrix, rhs,
                            static=static)  # fmt: skip
            np.testing.assert_allclose(value, ref.lstsq(matrix, rhs, l2), rtol=1e-8, atol=1e-10)


def test_lstsq_builds_the_op_for_large_batches_and_without_fast():
    with tf.Graph().as_default():
        large = tf.zeros([5000, 4, 4])
        assert tf.linalg.lstsq(large, tf.zeros([5000, 4, 1])).op.type == "MatrixSolveLs"
        small = tf.zeros([2, 4, 4])
        assert tf.linalg.lstsq(small, tf.zeros([2, 4, 1])).op.type == "MatrixTriangularSolve"
        slow = tf.linalg.lstsq(small, tf.zeros([2, 4, 1]), fast=False)
        assert (slow.op.type, slow.op.attrs["fast"]) == ("MatrixSolveLs", False)
        with pytest.raises(NotImplementedError, match="complex128 and l2_regularizer != 0"):
            tf.linalg.lstsq(tf.zeros([2, 2], tf.complex128), tf.zeros([2, 1], tf.complex128), 0.5)


def test_eye_builds_tf_ops_and_values():
    with tf.Graph().as_default():
        square = tf.eye(3)
        wide = tf.eye(2, 4, batch_shape=[2])
        n = tf.placeholder(tf.int32, [])
        dynamic = tf.eye(n, dtype=tf.int32)
        assert (square.op.type, square.op.name) == ("MatrixDiagV3", "eye/diag")
        assert (wide.op.type, wide.op.name) == ("MatrixSetDiagV3", "eye_1/set_diag")
        assert wide.shape.as_list() == [2, 2, 4]
        with tf.Session() as sess:
            values = sess.run([square, wide, dynamic], {n: 2})
        with pytest.raises(TypeError, match="must be positive integer values"):
            tf.eye(2.5)
    np.testing.assert_array_equal(values[0], np.eye(3))
    np.testing.assert_array_equal(values[1], np.broadcast_to(np.eye(2, 4), (2, 2, 4)))
    np.testing.assert_array_equal(values[2], np.eye(2, dtype=np.int32))


def test_matrix_transpose_and_adjoint():
    c = np.arange(6).reshape(1, 2, 3) * (1 + 1j)
    with tf.Graph().as_default():
        x = tf.constant(c)
        unknown = tf.placeholder(tf.complex128, None)
        plain, conjugated, adj = (
            tf.linalg.matrix_transpose(x),
            tf.linalg.transpose(x, conjugate=True),
            tf.linalg.adjoint(unknown),
        )
        assert plain.shape.as_list() == [1, 3, 2]
        assert conjugated.op.type == "ConjugateTranspose"
        with pytest.raises(ValueError, match="should be a \\(batch\\) matrix with rank >= 2"):
            tf.matrix_transpose(tf.ones([3]))
        with tf.Session() as sess:
            values = sess.run([plain, conjugated, adj], {unknown: c})
    np.testing.assert_array_equal(values[0], np.swapaxes(c, -1, -2))
    np.testing.assert_array_equal(values[1], np.conj(np.swapaxes(c, -1, -2)))
    np.testing.assert_array_equal(values[2], np.conj(np.swapaxes(c, -1, -2)))


def test_builders_name_ops_like_tf():
    with tf.Graph().as_default():
        x = tf.ones([3, 3])
        names = [
            tf.linalg.cholesky(x).op.name,
            tf.linalg.triangular_solve(x, x).op.name,
            tf.linalg.cholesky_solve(x, x).op.name,
            tf.linalg.diag_part(x).op.name,
            tf.linalg.set_diag(x, tf.ones([3])).op.name,
            tf.linalg.det(x).op.name,
            tf.linalg.trace(x).op.name,
            tf.tensordot(x, x, 1).op.name,
            tf.norm(x).op.name,
            tf.linalg.svd(x, compute_uv=False).op.name,
        ]
    assert names == [
        "Cholesky",
        "triangular_solve/MatrixTriangularSolve",
        "cholesky_solve/MatrixTriangularSolve_1",
        "diag_part",
        "set_diag",
        "MatrixDeterminant",
        "Trace",
        "Tensordot/MatMul",
        "norm/Squeeze",
        "Svd",
    ]


def test_namespaces_alias_tf_names():
    assert tf.linalg.band_part is tf.matrix_band_part
    assert tf.linalg.diag is tf.matrix_diag and tf.diag is tf.linalg.tensor_diag
    assert tf.linalg.diag_part is tf.matrix_diag_part and tf.diag_part is tf.linalg.tensor_diag_part
    assert tf.linalg.eigh is tf.self_adjoint_eig and tf.linalg.eigvalsh is tf.self_adjoint_eigvals
    assert tf.linalg.lstsq is tf.matrix_solve_ls and tf.linalg.inv is tf.matrix_inverse
    assert tf.linalg.matmul is tf.matmul and tf.linalg.einsum is tf.einsum
    assert tf.linalg.transpose is tf.linalg.matrix_transpose is tf.matrix_transpose


# ---------------------------------------------------------------------- run-time behaviour


def test_decompositions_of_half_and_empty_inputs_keep_their_types():
    with tf.Graph().as_default():
        h = tf.constant(np.array([[4.0, 2.0], [2.0, 3.0]], np.float16))
        e = tf.zeros([2, 0, 0], tf.float32)
        outputs = [
            tf.linalg.cholesky(h), *tf.linalg.qr(h), tf.linalg.svd(h, compute_uv=False),
            tf.linalg.eigvalsh(h), tf.linalg.det(h), tf.linalg.inv(h),
            tf.linalg.cholesky(e), tf.linalg.det(e), *tf.linalg.eigh(e),
        ]  # fmt: skip
        with tf.Session() as sess:
            values = sess.run(outputs)
    for tensor, value in zip(outputs, values):
        assert value.dtype == tensor.dtype.as_numpy_dtype, tensor
    np.testing.assert_allclose(values[0].astype(np.float64), [[2, 0], [1, np.sqrt(2)]], rtol=1e-3)
    np.testing.assert_array_equal(values[8], [1.0, 1.0])


def test_svd_and_eigh_without_vectors_give_empty_vector_outputs():
    with tf.Graph().as_default():
        s, u, v = op_builder.apply_op("Svd", tf.ones([2, 3]), compute_uv=False)
        e, w = op_builder.apply_op("SelfAdjointEigV2", tf.eye(2), compute_v=False)
        assert [u.shape.as_list(), v.shape.as_list(), w.shape.as_list()] == [[0], [0], [0]]
        with tf.Session() as sess:
            values = sess.run([s, u, e, w])
    assert [values[1].shape, values[3].shape] == [(0,), (0,)]
    np.testing.assert_allclose(values[0], [np.sqrt(6), 0.0], atol=1e-6)


def test_matrix_diag_with_an_unknown_length_keeps_dims_unknown():
    """TF computes MatrixDiagV3's dims with -1 for an unknown diagonal length (k=1 gives 0x0,
    num_rows gives spurious errors); ndflow leaves them unknown (a known deviation)."""
    with tf.Graph().as_default():
        d = tf.placeholder(tf.float32, [2, None])
        assert tf.linalg.diag(d, k=1).shape.as_list() == [2, None, None]
        assert tf.linalg.diag(d, num_rows=3, num_cols=5).shape.as_list() == [2, 3, 5]
        with tf.Session() as sess:
            value = sess.run(tf.linalg.diag(d, k=1), {d: np.ones((2, 2))})
    assert value.shape == (2, 3, 3)
