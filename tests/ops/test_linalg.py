"""linalg ops (ndflow/ops/linalg/): every registered op against an independent NumPy
reference (tests/support/reference/linalg.py: loops and textbook algorithms), static and
dynamic shapes, each declared dtype where sensible, and static shape inference with TF's
error wording. Decompositions whose factors are not unique are checked through invariants
(reconstructions, orthonormality, eigen and singular values); TF's own values are compared
in test_linalg_goldens.py, gradients in test_linalg_grad.py, the composites (expm, norm,
tensordot, eye...) and run-time behaviour in test_linalg_composite.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import linalg as ref

F16, F32, F64 = tf.float16, tf.float32, tf.float64
C64, C128, I32, BOOL = tf.complex64, tf.complex128, tf.int32, tf.bool
FLOATS = [F32, F64]
FLOAT_COMPLEX = [F32, F64, C64, C128]
ALIGNS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


# ---------------------------------------------------------------------- input shaping


def _eye_like(x):
    shape = tf.shape(x)
    return tf.eye(shape[-1], batch_shape=shape[:-2], dtype=x.dtype)


def dominant(x):
    """x + 4 I: comfortably invertible for the generated normal inputs."""
    return x + 4.0 * _eye_like(x)


def dominant_np(x):
    return x + 4.0 * np.eye(x.shape[-1], dtype=x.dtype)


def spd(x):
    """x x^H + n I: Hermitian positive definite."""
    n = tf.cast(tf.shape(x)[-1], x.dtype)
    return tf.matmul(x, x, adjoint_b=True) + n * _eye_like(x)


def spd_np(x):
    return x @ np.conj(np.swapaxes(x, -1, -2)) + x.shape[-1] * np.eye(x.shape[-1], dtype=x.dtype)


def hermitian_from_lower_np(x):
    """The Hermitian matrix an eigensolver reads from x's lower triangle (real diagonal)."""
    strict = np.tril(x, -1)
    diagonal = np.real(np.diagonal(x, axis1=-2, axis2=-1))
    return strict + np.conj(np.swapaxes(strict, -1, -2)) + diagonal[..., None] * np.eye(x.shape[-1])


def _with_dims(x, dims):
    """x with some static dims set (TF's band shape functions need the band's size)."""
    if x.shape.rank is not None:
        shape = x.shape.as_list()
        for axis, size in dims.items():
            shape[axis] = size if shape[axis] is None else shape[axis]
        x.set_shape(shape)
    return x


def _square_cases(out_rank_drop=0, error="Dimensions must be equal, but are 2 and 3"):
    """Shape cases of a one-input op on [..., M, M]."""

    def expected(shape):
        return shape[: len(shape) - out_rank_drop]

    return [
        ShapeCase([[2, 3, 3]], expected=expected([2, 3, 3])),
        ShapeCase([[None, 3, None]], expected=expected([None, 3, 3])),
        ShapeCase([None], expected=None),
        ShapeCase([[2, 3]], error=error),
        ShapeCase([[3]], error="Shape must be at least rank 2 but is rank 1"),
    ]


# ---------------------------------------------------------------------- band and diagonals

_BAND_ROWS = [
    OpSpec(
        "MatrixBandPart",
        lambda x: tf.linalg.band_part(x, 0, 0),
        reference=lambda x: ref.band_part(x, 0, 0),
        shapes=[(2, 3, 4)],
        dtypes=[F32, F64, F16, I32, C128, BOOL],  # the empty case keeps num_lower <= rows
        cases=[([np.ones((2, 0, 3), np.float32)], np.ones((2, 0, 3), np.float32))],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[2, 3, 4]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
        ],
    ),
    OpSpec(
        "MatrixBandPart",
        lambda x: tf.matrix_band_part(x, -1, 2),
        reference=lambda x: ref.band_part(x, -1, 2),
        shapes=[(4, 5)],
        dtypes=[F64, I32],
        id="MatrixBandPart_upper",
    ),
]

_DIAG = np.arange(1, 13, dtype=np.float32).reshape(2, 2, 3)

_DIAG_ROWS = [
    *[
        OpSpec(
            "MatrixDiagV3",
            lambda d, align=align: tf.linalg.diag(
                _with_dims(d, {-2: 3}), k=(-1, 1), padding_value=7, align=align
            ),
            reference=lambda d, align=align: ref.matrix_diag(d, (-1, 1), -1, -1, 7, align),
            shapes=[(2, 3, 3)],
            dtypes=[F32, I32, C64],
            id=f"MatrixDiagV3_{align}",
        )
        for align in ALIGNS
    ],
    OpSpec(
        "MatrixDiagV3",
        lambda d: tf.linalg.diag(d, k=1, num_rows=3, num_cols=5),
        reference=lambda d: ref.matrix_diag(d, 1, 3, 5),
        shapes=[(2, 3)],
        dtypes=[F64, BOOL],
        cases=[
            (
                [np.array([1.0, 2.0, 3.0], np.float32)],
                np.array([[0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 3, 0]], np.float32),
            ),
        ],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3, 5]),
            ShapeCase([[None, 3]], expected=[None, 3, 5]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
        id="MatrixDiagV3_rows_cols",
    ),
    OpSpec(
        "MatrixDiagV3",
        tf.linalg.diag,
        reference=ref.matrix_diag,
        shapes=[(2, 4)],
        dtypes=[F32, F64, F16, I32, C128],
        cases=[([np.zeros((2, 0), np.float32)], np.zeros((2, 0, 0), np.float32))],
        shape_cases=[
            ShapeCase([[2, 4]], expected=[2, 4, 4]),
            ShapeCase([[None, None]], expected=[None, None, None]),
            ShapeCase([[2, 4, 3]], expected=[2, 4, 3, 3]),
        ],
        id="MatrixDiagV3_main",
    ),
    OpSpec(
        "MatrixDiagV2",
        lambda d: raw("MatrixDiagV2", _with_dims(d, {-2: 3}), [-1, 1], -1, -1, 0.5),
        reference=lambda d: ref.matrix_diag(d, (-1, 1), -1, -1, 0.5, "LEFT_LEFT"),
        shapes=[(2, 3, 3)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 3, 3]], expected=[2, 3, 3]),
            ShapeCase([[None, 3, 3]], expected=[None, 3, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[2, 2, 3]], error="doesn't match the number of diagonals"),
        ],
    ),
    OpSpec(
        "MatrixDiag",
        lambda d: raw("MatrixDiag", d),
        reference=ref.matrix_diag,
        shapes=[(2, 3)],
        dtypes=[F32, I32, BOOL],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3, 3]),
            ShapeCase([[2, None]], expected=[2, None, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
    ),
    *[
        OpSpec(
            "MatrixDiagPartV3",
            lambda x, align=align: tf.linalg.diag_part(x, k=(-1, 2), padding_value=9, align=align),
            reference=lambda x, align=align: ref.matrix_diag_part(x, (-1, 2), 9, align),
            shapes=[(2, 3, 4)],
            dtypes=[F32, I32, C128],
            id=f"MatrixDiagPartV3_{align}",
        )
        for align in ALIGNS
    ],
    OpSpec(
        "MatrixDiagPartV3",
        lambda x: tf.linalg.diag_part(x, k=-1),
        reference=lambda x: ref.matrix_diag_part(x, -1),
        shapes=[(2, 4, 3)],
        dtypes=[F32, F64, F16, BOOL],
        shape_cases=[
            ShapeCase([[2, 4, 3]], expected=[2, 3]),
            ShapeCase([[None, 4, None]], expected=[None, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[3]], error="Shape must be at least rank 2 but is rank 1"),
            ShapeCase([[1, 2]], error="lower_diag_index is out of bound."),
        ],
        id="MatrixDiagPartV3_sub",
    ),
    OpSpec(
        "MatrixDiagPartV2",
        lambda x: raw("MatrixDiagPartV2", x, [0, 1], 3.0),
        reference=lambda x: ref.matrix_diag_part(x, (0, 1), 3.0, "LEFT_LEFT"),
        shapes=[(2, 4, 3)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 4, 3]], expected=[2, 2, 3]),
            ShapeCase([[None, 4, None]], expected=[None, 2, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[2, 1, 1]], error="upper_diag_index is out of bound."),
        ],
    ),
    OpSpec(
        "MatrixDiagPart",
        lambda x: raw("MatrixDiagPart", x),
        reference=ref.matrix_diag_part,
        shapes=[(2, 3, 4)],
        dtypes=[F32, I32, C64],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[2, 3]),
            ShapeCase([[2, None, 4]], expected=[2, None]),
            ShapeCase([[2, None, 0]], expected=[2, 0]),
            ShapeCase([None], expected=None),
            ShapeCase([[3]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    *[
        OpSpec(
            "MatrixSetDiagV3",
            lambda x, d, align=align: tf.linalg.set_diag(x, d, k=(0, 1), align=align),
            reference=lambda x, d, align=align: ref.matrix_set_diag(x, d, (0, 1), align),
            shapes=[(2, 3, 4), (2, 2, 3)],
            dtypes=[F32, I32],
            id=f"MatrixSetDiagV3_{align}",
        )
        for align in ALIGNS
    ],
    OpSpec(
        "MatrixSetDiagV3",
        tf.linalg.set_diag,
        reference=ref.matrix_set_diag,
        shapes=[(2, 4, 3), (2, 3)],
        dtypes=[F32, F64, F16, C128, BOOL],
        shape_cases=[
            ShapeCase([[2, 4, 3], [2, 3]], expected=[2, 4, 3]),
            ShapeCase([[None, 4, None], [2, 3]], expected=[2, 4, None]),
            ShapeCase([None, [2, 3]], expected=[2, None, None]),
            ShapeCase([[2, 4, 3], [3]], error="Shape must be at least rank 2 but is rank 1"),
            ShapeCase([[2, 4, 3], None], expected=[2, 4, 3]),
        ],
        id="MatrixSetDiagV3_main",
    ),
    OpSpec(
        "MatrixSetDiagV2",
        lambda x, d: raw("MatrixSetDiagV2", x, d, [-1, 0]),
        reference=lambda x, d: ref.matrix_set_diag(x, d, (-1, 0), "LEFT_LEFT"),
        shapes=[(2, 3, 4), (2, 2, 3)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 3, 4], [2, 2, 3]], expected=[2, 3, 4]),
            ShapeCase([[None, 3, 4], [2, 2, 3]], expected=[2, 3, 4]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2, 3, 4], [2, 3]], error="Shape must be rank 3 but is rank 2"),
        ],
    ),
    OpSpec(
        "MatrixSetDiag",
        lambda x, d: raw("MatrixSetDiag", x, d),
        reference=ref.matrix_set_diag,
        shapes=[(2, 3, 4), (2, 3)],
        dtypes=[F32, I32],
        shape_cases=[
            ShapeCase([[2, 3, 4], [2, 3]], expected=[2, 3, 4]),
            ShapeCase([[None, 3, None], [2, 3]], expected=[2, 3, None]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2, 3, 5], [2, 4]], error="Dimensions must be equal, but are 3 and 4"),
            ShapeCase([[4, 3, 5], [3]], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "Diag",
        tf.linalg.tensor_diag,
        reference=ref.tensor_diag,
        shapes=[(2, 3)],
        dtypes=[F32, F64, F16, I32, C64],
        cases=[([np.zeros(0, np.float32)], np.zeros((0, 0), np.float32))],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3, 2, 3]),
            ShapeCase([[None]], expected=[None, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
    ),
    OpSpec(
        "DiagPart",
        tf.diag_part,
        reference=ref.tensor_diag_part,
        shapes=[(2, 3, 2, 3)],
        dtypes=[F32, F64, I32, C128],
        shape_cases=[
            ShapeCase([[2, 3, 2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3, 2, None]], expected=[2, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[2, 3, 2]], error="Input must have even and non-zero rank, input rank is 3"),
            ShapeCase([[2, 3, 3, 3]], error="Dimensions must be equal, but are 2 and 3"),
        ],
    ),
]

# ---------------------------------------------------------------------- solves

_SOLVE_ROWS = [
    OpSpec(
        "MatrixInverse",
        lambda x: tf.linalg.inv(dominant(x)),
        reference=lambda x: ref.matrix_inverse(dominant_np(x)),
        shapes=[(2, 3, 3)],
        dtypes=FLOAT_COMPLEX + [F16],
    ),
    OpSpec(
        "MatrixInverse",
        lambda x: tf.matrix_inverse(dominant(x), adjoint=True),
        reference=lambda x: ref.matrix_inverse(dominant_np(x), adjoint=True),
        shapes=[(4, 4)],
        dtypes=[F64, C128],
        id="MatrixInverse_adjoint",
    ),
    OpSpec(
        "MatrixInverse",
        tf.linalg.inv,
        cases=[
            ([np.array([[2.0, 0.0], [1.0, 4.0]])], np.array([[0.5, 0.0], [-0.125, 0.25]])),
            ([np.ones((2, 0, 0))], np.ones((2, 0, 0))),
        ],
        shape_cases=_square_cases(),
        id="MatrixInverse_plain",
    ),
    OpSpec(
        "MatrixSolve",
        lambda a, b: tf.linalg.solve(dominant(a), b),
        reference=lambda a, b: ref.matrix_solve(dominant_np(a), b),
        shapes=[(2, 3, 3), (2, 3, 2)],
        dtypes=FLOAT_COMPLEX,
        shape_cases=[
            ShapeCase([[2, 3, 3], [2, 3, 4]], expected=[2, 3, 4]),
            ShapeCase([[None, 3, None], [2, None, 4]], expected=[2, 3, 4]),
            ShapeCase([None, [2, 3, 4]], expected=None),
            ShapeCase([[3, 3], [2, 2]], error="Dimensions must be equal, but are 3 and 2"),
            ShapeCase(
                [[4, 3, 3], [5, 3, 2]],
                error="Dimension 0 in both shapes must be equal, but are 4 and 5",
            ),
        ],
    ),
    OpSpec(
        "MatrixSolve",
        lambda a, b: tf.matrix_solve(dominant(a), b, adjoint=True),
        reference=lambda a, b: ref.matrix_solve(dominant_np(a), b, adjoint=True),
        shapes=[(3, 3), (3, 1)],
        dtypes=[F64, C64],
        id="MatrixSolve_adjoint",
    ),
    *[
        OpSpec(
            "MatrixTriangularSolve",
            lambda a, b, lower=lower, adjoint=adjoint: tf.linalg.triangular_solve(
                dominant(a), b, lower=lower, adjoint=adjoint
            ),
            reference=lambda a, b, lower=lower, adjoint=adjoint: ref.matrix_triangular_solve(
                dominant_np(a), b, lower, adjoint
            ),
            shapes=[(1, 3, 3), (2, 3, 2)],
            dtypes=FLOAT_COMPLEX + [F16],
            id=f"MatrixTriangularSolve_lower_{lower}_adjoint_{adjoint}",
        )
        for lower in (True, False)
        for adjoint in (False, True)
    ],
    OpSpec(
        "MatrixTriangularSolve",
        tf.linalg.triangular_solve,
        cases=[
            (  # the upper triangle is not read; a zero pivot gives inf as in TF
                [np.array([[2.0, 9.0], [1.0, 1.0]]), np.array([[2.0], [2.0]])],
                np.array([[1.0], [1.0]]),
            ),
            (
                [np.array([[0.0, 0.0], [2.0, 4.0]]), np.ones((2, 1))],
                np.array([[np.inf], [-np.inf]]),
            ),
            ([np.ones((0, 3, 3)), np.ones((2, 1, 3, 2))], np.ones((2, 0, 3, 2))),
        ],
        shape_cases=[
            ShapeCase([[1, 3, 3], [2, 4, 3, 2]], expected=[2, 4, 3, 2]),
            ShapeCase([[None, 3, None], [2, None, 5]], expected=[2, 3, 5]),
            ShapeCase([None, [3, 2]], expected=None),
            ShapeCase([[3, 4], [3, 2]], error="Dimensions must be equal, but are 3 and 4"),
            ShapeCase([[3, 3, 3], [4, 3, 2]], error="Dimensions must be equal, but are 3 and 4"),
        ],
        id="MatrixTriangularSolve_plain",
    ),
    OpSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(0.0)),
        reference=ref.lstsq,
        shapes=[(2, 5, 3), (2, 5, 2)],
        dtypes=FLOAT_COMPLEX,
        shape_cases=[
            ShapeCase([[2, 5, 3], [2, 5, 4]], expected=[2, 3, 4]),
            ShapeCase([[None, 5, None], [2, None, 4]], expected=[2, None, 4]),
            ShapeCase([None, [2, 5, 4]], expected=None),
            ShapeCase([[2, 5, 3], [2, 4, 4]], error="Dimensions must be equal, but are 5 and 4"),
        ],
    ),
    OpSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(0.3)),
        reference=lambda a, b: ref.lstsq(a, b, 0.3),
        shapes=[(4, 3), (4, 2)],
        dtypes=[F64],
        id="MatrixSolveLs_regularized",
    ),
    OpSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(0.0)),
        reference=ref.lstsq,
        shapes=[(2, 3, 5), (2, 3, 1)],
        dtypes=[F64, C128],
        id="MatrixSolveLs_wide",
    ),
    OpSpec(
        "MatrixSolveLs",
        lambda a, b: raw("MatrixSolveLs", a, b, np.float64(5.0), fast=False),
        reference=ref.lstsq,
        shapes=[(3, 5), (3, 2)],
        dtypes=[F64, F32],
        cases=[
            (
                [np.ones((3, 2)), np.ones((3, 1))],
                np.full((2, 1), 0.5),
            )
        ],
        id="MatrixSolveLs_complete_orthogonal",
    ),
]

# ---------------------------------------------------------------------- decompositions


def _qr_invariants(full_matrices):
    def build(a):
        q, r = tf.linalg.qr(a, full_matrices=full_matrices)
        return [tf.matmul(q, r), tf.matmul(q, q, adjoint_a=True), tf.linalg.band_part(r, 0, -1) - r]

    def reference(a):
        rows, cols = a.shape[-2:]
        size = rows if full_matrices else min(rows, cols)
        eye = np.broadcast_to(np.eye(size, dtype=a.dtype), a.shape[:-2] + (size, size))
        r_shape = a.shape[:-2] + ((rows if full_matrices else size), cols)
        return [a, eye, np.zeros(r_shape, a.dtype)]

    return build, reference


def _svd_reconstruction(a):
    s, u, v = tf.linalg.svd(a)
    s = tf.cast(s, a.dtype)
    return [
        tf.matmul(u * tf.expand_dims(s, -2), v, adjoint_b=True),
        tf.matmul(v, v, adjoint_a=True),
    ]


def _svd_reconstruction_np(a):
    size = min(a.shape[-2:])
    return [a, np.broadcast_to(np.eye(size, dtype=a.dtype), a.shape[:-2] + (size, size))]


def _eigh_reconstruction(a):
    e, v = tf.linalg.eigh(a)
    return tf.matmul(v * tf.expand_dims(e, -2), v, adjoint_b=True)


_DECOMPOSITION_ROWS = [
    OpSpec(
        "Cholesky",
        lambda x: tf.linalg.cholesky(spd(x)),
        reference=lambda x: ref.cholesky(spd_np(x)),
        shapes=[(2, 3, 3)],
        dtypes=FLOAT_COMPLEX + [F16],
    ),
    OpSpec(
        "Cholesky",
        tf.linalg.cholesky,
        cases=[
            (
                [np.array([[4.0, 99.0], [2.0, 2.0]])],  # the upper triangle is not read
                np.array([[2.0, 0.0], [1.0, 1.0]]),
            ),
            (  # not positive definite: NaN in that matrix's lower triangle, as TF
                [
                    np.stack(
                        [np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[4.0, 2.0], [2.0, 2.0]])]
                    )
                ],
                np.stack([np.array([[np.nan, 0.0], [np.nan, np.nan]]), [[2.0, 0.0], [1.0, 1.0]]]),
            ),
            ([np.ones((2, 0, 0), np.float32)], np.ones((2, 0, 0), np.float32)),
        ],
        shape_cases=_square_cases(),
        id="Cholesky_plain",
    ),
    OpSpec(
        "CholeskyGrad",
        lambda x, g: raw("CholeskyGrad", tf.linalg.cholesky(spd(x)), g),
        reference=lambda x, g: ref.cholesky_grad(ref.cholesky(spd_np(x)), g),
        shapes=[(2, 3, 3), (2, 3, 3)],
        dtypes=[F32, F64],
    ),
    OpSpec(
        "CholeskyGrad",
        lambda chol, g: raw("CholeskyGrad", chol, g),
        cases=[
            (  # dA for A = L L^T with L = [[2]]: dL / (2 L) symmetrized
                [np.array([[2.0]]), np.array([[1.0]])],
                np.array([[0.25]]),
            ),
        ],
        shape_cases=[
            ShapeCase([[2, 3, 3], [2, 3, 3]], expected=[2, 3, 3]),
            ShapeCase([[2, None, 3], None], expected=[2, 3, 3]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2, 3], [2, 3]], error="Dimensions must be equal, but are 2 and 3"),
        ],
        id="CholeskyGrad_plain",
    ),
    OpSpec(
        "Qr",
        _qr_invariants(False)[0],
        reference=_qr_invariants(False)[1],
        shapes=[(2, 4, 3)],
        dtypes=FLOAT_COMPLEX + [F16],
        shape_cases=[
            ShapeCase([[2, 4, 3]], expected=[2, 4, 3]),
            ShapeCase([[None, 4, None]], expected=[None, 4, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[4]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "Qr",
        _qr_invariants(True)[0],
        reference=_qr_invariants(True)[1],
        shapes=[(3, 5)],
        dtypes=[F64, C128],
        shape_cases=[
            ShapeCase([[2, 5, 3]], expected=[2, 5, 3]),
            ShapeCase([[5, None]], expected=[5, None]),
        ],
        id="Qr_full_matrices_wide",
    ),
    OpSpec(
        "Qr",
        _qr_invariants(True)[0],
        reference=_qr_invariants(True)[1],
        shapes=[(5, 3)],
        dtypes=[F32],
        id="Qr_full_matrices_deep",
    ),
    OpSpec(
        "Svd",
        lambda a: tf.linalg.svd(a, compute_uv=False),
        reference=ref.singular_values,
        shapes=[(2, 4, 3)],
        dtypes=FLOAT_COMPLEX + [F16],
        shape_cases=[
            ShapeCase([[2, 4, 3]], expected=[2, 3]),
            ShapeCase([[None, 4, None]], expected=[None, None]),
            ShapeCase([[None, 0, None]], expected=[None, 0]),
            ShapeCase([None], expected=None),
            ShapeCase([[4]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "Svd",
        _svd_reconstruction,
        reference=_svd_reconstruction_np,
        shapes=[(2, 3, 5)],
        dtypes=FLOAT_COMPLEX,
        shape_cases=[ShapeCase([[2, 3, 5]], expected=[2, 3, 5])],
        id="Svd_vectors",
    ),
    OpSpec(
        "SelfAdjointEigV2",
        tf.linalg.eigvalsh,
        reference=ref.eigenvalues_symmetric,
        shapes=[(2, 4, 4)],
        dtypes=FLOAT_COMPLEX + [F16],
        shape_cases=_square_cases(out_rank_drop=1),
    ),
    OpSpec(
        "SelfAdjointEigV2",
        _eigh_reconstruction,
        reference=hermitian_from_lower_np,
        shapes=[(3, 3)],
        dtypes=FLOAT_COMPLEX,
        shape_cases=[ShapeCase([[2, None, 4]], expected=[2, 4, 4])],
        id="SelfAdjointEigV2_vectors",
    ),
]

# ---------------------------------------------------------------------- determinants, logm

_DETERMINANT_SHAPES = [
    ShapeCase([[2, 3, 3]], expected=[2]),
    ShapeCase([[None, 3, None]], expected=[None]),
    ShapeCase([None], expected=None),
    ShapeCase([[4, 2, 3]], error="Dimensions must be equal, but are 3 and 2"),
    ShapeCase([[3]], error="Shape must be at least rank 2 but is rank 1"),
]

_FUNCTION_ROWS = [
    OpSpec(
        "MatrixDeterminant",
        tf.linalg.det,
        reference=ref.determinant,
        shapes=[(2, 3, 3)],
        dtypes=FLOAT_COMPLEX + [F16],
        cases=[
            ([np.ones((2, 0, 0))], np.ones(2)),
            ([np.array([[1.0, 2.0], [2.0, 4.0]])], np.array(0.0)),
        ],
        shape_cases=_DETERMINANT_SHAPES,
    ),
    OpSpec(
        "LogMatrixDeterminant",
        lambda x: list(tf.linalg.slogdet(x)),
        reference=ref.log_determinant,
        shapes=[(2, 4, 4)],
        dtypes=FLOAT_COMPLEX,
        cases=[
            ([np.array([[0.0, 1.0], [1.0, 0.0]])], [np.array(-1.0), np.array(0.0)]),
            ([np.array([[1.0, 2.0], [2.0, 4.0]])], [np.array(0.0), np.array(-np.inf)]),
        ],
        shape_cases=_DETERMINANT_SHAPES,
    ),
    OpSpec(
        "MatrixLogarithm",
        lambda x: tf.linalg.logm(_eye_like(x) + 0.2 * x),
        reference=lambda x: ref.logm_near_identity(np.eye(x.shape[-1]) + 0.2 * x),
        shapes=[(2, 3, 3)],
        dtypes=[C64, C128],
    ),
    OpSpec(
        "MatrixLogarithm",
        tf.linalg.logm,
        cases=[
            (
                [np.array([[np.e, 0.0], [0.0, np.e**2]], np.complex128)],
                np.array([[1.0, 0.0], [0.0, 2.0]], np.complex128),
            ),
            (
                # A Jordan block: log [[2, 1], [0, 2]] = [[log 2, 1/2], [0, log 2]].
                [np.array([[2.0, 1.0], [0.0, 2.0]], np.complex128)],
                np.array([[np.log(2.0), 0.5], [0.0, np.log(2.0)]], np.complex128),
            ),
        ],
        shape_cases=[
            ShapeCase([([2, 3, 3], C64)], expected=[2, 3, 3]),
            ShapeCase([([None, 3, None], C64)], expected=[None, 3, 3]),
            ShapeCase([(None, C128)], expected=None),
            ShapeCase([([2, 3], C64)], error="Dimensions must be equal, but are 2 and 3"),
        ],
        id="MatrixLogarithm_plain",
    ),
]

OP_SPECS = _BAND_ROWS + _DIAG_ROWS + _SOLVE_ROWS + _DECOMPOSITION_ROWS + _FUNCTION_ROWS


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    with np.errstate(all="ignore"):
        op_check.check_forward(spec)
        op_check.check_forward(spec, static=False)
        op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)
