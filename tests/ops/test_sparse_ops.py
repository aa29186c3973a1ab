"""The sparse ops of ndflow/ops/sparse (reorder, concat, split, slice, add, dense add,
maximum/minimum, products, reductions, and the gradient ops SparseAddGrad and
SparseSliceGrad) against the loop references of tests/support/reference/sparse.py, with
static shape inference (known, unknown dims, unknown rank, TF's errors) and finite-difference
gradient checks (GRAD_SPECS). TF's recorded values and errors are in tests/golden/sparse.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import sparse as ref

F16, F32, F64, C64 = tf.float16, tf.float32, tf.float64, tf.complex64
I32, I64, B, S = tf.int32, tf.int64, tf.bool, tf.string

IND = np.array([[0, 1], [1, 0], [1, 2], [2, 3]], np.int64)
IND_B = np.array([[0, 1], [1, 1], [2, 0], [2, 3]], np.int64)
UNSORTED = np.array([[2, 3], [0, 1], [1, 2], [1, 0]], np.int64)
SHAPE = np.array([3, 4], np.int64)
IND3 = np.array([[0, 0, 1], [0, 2, 0], [1, 0, 1], [1, 1, 2], [1, 2, 1]], np.int64)
SHAPE3 = np.array([2, 3, 3], np.int64)
SUM_IND = np.array([[0, 1], [1, 0], [1, 1], [1, 2], [2, 0], [2, 3]], np.int64)
SLICED = np.array([[0, 0], [0, 2]], np.int64)  # IND sliced at start [1, 0]


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _flat(pieces):
    """[indices..., values..., shapes...] of SparseSplit -> [i0, v0, s0, i1, v1, s1, ...]."""
    return [x for piece in zip(*pieces) for x in piece]


def _sparse_parts(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def _sum(group):
    return functools.reduce(lambda x, y: x + y, group)


def _reduce_row(op_type, combine, sparse, keep_dims, dtypes):
    expected = None if sparse else [1, 3, 1] if keep_dims else [3]
    return OpSpec(
        op_type,
        lambda v: raw(op_type, IND3, v, SHAPE3, [0, -1], keep_dims=keep_dims),
        reference=lambda v: ref.reduce(IND3, v, list(SHAPE3), [0, -1], keep_dims, combine, sparse),
        shapes=[(5,)],
        dtypes=dtypes,
        shape_cases=[
            ShapeCase([[5]], expected=expected),
            ShapeCase([[None]], expected=expected),
            ShapeCase([None], expected=expected),
        ],
        id=f"{op_type}_keep{keep_dims}",
    )


def _reduce_shape_row(op_type, combine):
    """Shape inference with fed dense shapes and axes: known only when both are constant."""
    sparse = op_type.endswith("Sparse")
    return OpSpec(
        op_type,
        lambda i, v, s, a: raw(op_type, i, v, s, a),
        cases=[
            (
                [IND, np.array([1.0, 2.0, 3.0, 4.0], np.float32), SHAPE, np.array(1, np.int32)],
                ref.reduce(IND, [1.0, 2.0, 3.0, 4.0], [3, 4], [1], False, combine, sparse),
            )
        ],
        shape_cases=[
            ShapeCase([([4, 2], I64), [4], ([2], I64), ([1], I32)], expected=None),
            ShapeCase([([4, 2], I64), [4], ([2], I64), ([None], I32)], expected=None),
            ShapeCase([(None, I64), None, (None, I64), (None, I32)], expected=None),
        ],
        id=f"{op_type}_fed",
    )


def _min_or_max_row(op_type, choose):
    return OpSpec(
        op_type,
        lambda v, w: raw(op_type, IND, v, SHAPE, IND_B, w, SHAPE),
        reference=lambda v, w: ref.min_or_max(IND, v, IND_B, w, choose),
        shapes=[(4,), (4,)],
        dtypes=[F32, F64, I32, I64],
        shape_cases=[
            ShapeCase([[4], [4]], expected=[None, None]),
            ShapeCase([[None], [None]], expected=[None, None]),
            ShapeCase([None, None], expected=[None, None]),
            ShapeCase([[4, 1], [4]], error="Shape must be rank 1 but is rank 2"),
        ],
    )


def _matmul_row(adjoint_a, adjoint_b):
    b_shape = {(False, False): (4, 2), (True, False): (3, 2), (False, True): (2, 4)}
    b_shape[(True, True)] = (2, 3)
    return OpSpec(
        "SparseTensorDenseMatMul",
        lambda v, b: raw(
            "SparseTensorDenseMatMul", IND, v, SHAPE, b, adjoint_a=adjoint_a, adjoint_b=adjoint_b
        ),
        reference=lambda v, b: ref.matmul(IND, v, SHAPE, b, adjoint_a, adjoint_b),
        shapes=[(4,), b_shape[(adjoint_a, adjoint_b)]],
        dtypes=[F32, F64, C64, I32, F16],
        shape_cases=[
            ShapeCase(
                [[4], list(b_shape[(adjoint_a, adjoint_b)])], expected=[4 if adjoint_a else 3, 2]
            ),
            ShapeCase([[None], [None, None]], expected=[4 if adjoint_a else 3, None]),
            # TF merges the (empty) batch dims of the constant dense shape into b's.
            ShapeCase([None, None], expected=[4 if adjoint_a else 3, None]),
            ShapeCase([[4], [5, 5]], error="Dimensions must be equal, but are"),
        ],
        id=f"SparseTensorDenseMatMul_adj{int(adjoint_a)}{int(adjoint_b)}",
    )


OP_SPECS = [
    OpSpec(
        "SparseReorder",
        lambda v: raw("SparseReorder", UNSORTED, v, SHAPE),
        reference=lambda v: ref.reorder(UNSORTED, v),
        shapes=[(4,)],
        dtypes=[F32, F64, I32, I64, B, S, C64],
        shape_cases=[ShapeCase([[4]], expected=[4, 2])],
    ),
    OpSpec(
        "SparseReorder",
        lambda i, v: raw("SparseReorder", i, v, SHAPE),
        cases=[
            ([UNSORTED, np.arange(4.0)], list(ref.reorder(UNSORTED, np.arange(4.0)))),
            (
                [np.zeros((0, 2), np.int64), np.zeros(0, np.float32)],
                [np.zeros((0, 2), np.int64), np.zeros(0, np.float32)],
            ),
        ],
        shape_cases=[
            ShapeCase([([4, 2], I64), [4]], expected=[4, 2]),
            ShapeCase([([None, 2], I64), [None]], expected=[None, 2]),
            ShapeCase([(None, I64), None], expected=[None, None]),
            ShapeCase([([4], I64), [4]], error="Shape must be rank 2 but is rank 1"),
        ],
        id="SparseReorder_fed",
    ),
    OpSpec(
        "SparseConcat",
        lambda v, w: raw(
            "SparseConcat", [IND, IND_B], [v, w], [SHAPE, SHAPE + [0, 2]], concat_dim=-1
        ),
        reference=lambda v, w: ref.concat([(IND, v, [3, 4]), (IND_B, w, [3, 6])], 1),
        shapes=[(4,), (4,)],
        dtypes=[F32, F64, I32, I64, B, S],
        shape_cases=[
            ShapeCase([[4], [4]], expected=[8, 2]),
            # The constant indices fix the entry counts even when the values' are unknown.
            ShapeCase([[None], [4]], expected=[8, 2]),
            ShapeCase([None, None], expected=[8, 2]),
            ShapeCase([[4], [4, 1]], error="Shape must be rank 1 but is rank 2"),
        ],
    ),
    OpSpec(
        "SparseConcat",
        lambda i, j: raw(
            "SparseConcat", [i, j], [[1.0, 2.0], [3.0]], [[3, 3], [2, 3]], concat_dim=0
        ),
        cases=[
            (
                [np.array([[2, 0], [0, 1]], np.int64), np.array([[1, 2]], np.int64)],
                [np.array([[0, 1], [2, 0], [4, 2]]), np.array([2.0, 1.0, 3.0], np.float32), [5, 3]],
            )
        ],
        shape_cases=[
            ShapeCase([([2, 2], I64), ([1, 2], I64)], expected=[3, 2]),
            ShapeCase([([2, None], I64), ([1, 2], I64)], expected=[3, 2]),
            ShapeCase([(None, I64), (None, I64)], expected=[3, None]),
            ShapeCase(
                [([2, 2], I64), ([1, 3], I64)], error="Dimensions must be equal, but are 2 and 3"
            ),
        ],
        id="SparseConcat_fed",
    ),
    OpSpec(
        "SparseSplit",
        lambda v: _flat(raw("SparseSplit", 1, IND, v, SHAPE, num_split=3)),
        reference=lambda v: [x for piece in ref.split(IND, v, [3, 4], 1, 3) for x in piece],
        shapes=[(4,)],
        dtypes=[F32, I64, B, S],
        shape_cases=[
            ShapeCase([[4]], expected=[None, 2]),
            ShapeCase([[None]], expected=[None, 2]),
            ShapeCase([None], expected=[None, 2]),
        ],
    ),
    OpSpec(
        "SparseSplit",
        lambda s: _flat(raw("SparseSplit", -2, IND, [1.0, 2.0, 3.0, 4.0], s, num_split=2)),
        cases=[
            (
                [SHAPE],
                [
                    x
                    for piece in ref.split(IND, np.arange(1.0, 5.0, dtype=np.float32), [3, 4], 0, 2)
                    for x in piece
                ],
            )
        ],
        shape_cases=[
            ShapeCase([([2], I64)], expected=[None, 2]),
            ShapeCase([([None], I64)], expected=[None, None]),
            ShapeCase([(None, I64)], expected=[None, None]),
        ],
        id="SparseSplit_fed_shape",
    ),
    OpSpec(
        "SparseSlice",
        lambda v: raw("SparseSlice", IND, v, SHAPE, [1, 0], [2, 3]),
        reference=lambda v: ref.slice_sparse(IND, v, [3, 4], [1, 0], [2, 3]),
        shapes=[(4,)],
        dtypes=[F32, F64, I32, B, S],
        cases=[
            (
                [np.arange(4.0, dtype=np.float32)],
                ref.slice_sparse(IND, np.arange(4.0, dtype=np.float32), [3, 4], [1, 0], [2, 3]),
            )
        ],
        shape_cases=[
            ShapeCase([[4]], expected=[None, 2]),
            ShapeCase([[None]], expected=[None, 2]),
            ShapeCase([None], expected=[None, 2]),
        ],
    ),
    OpSpec(
        "SparseSlice",
        lambda s, b, e: raw("SparseSlice", IND, [1.0, 2.0, 3.0, 4.0], s, b, e),
        cases=[
            (
                [SHAPE, np.array([1, 2], np.int64), np.array([5, 5], np.int64)],
                ref.slice_sparse(
                    IND, np.arange(1.0, 5.0, dtype=np.float32), [3, 4], [1, 2], [5, 5]
                ),
            ),
            (
                [SHAPE, np.array([-1, 0], np.int64), np.array([2, 2], np.int64)],
                ref.slice_sparse(
                    IND, np.arange(1.0, 5.0, dtype=np.float32), [3, 4], [-1, 0], [2, 2]
                ),
            ),
        ],
        shape_cases=[
            ShapeCase([([2], I64), ([2], I64), ([2], I64)], expected=[None, 2]),
            ShapeCase([([None], I64), ([None], I64), ([None], I64)], expected=[None, None]),
            ShapeCase([(None, I64), (None, I64), (None, I64)], expected=[None, None]),
        ],
        id="SparseSlice_fed_bounds",
    ),
    OpSpec(
        "SparseSliceGrad",
        lambda g: raw("SparseSliceGrad", g, IND, [1, 0], SLICED),
        reference=lambda g: ref.slice_grad(g, IND, [1, 0], SLICED),
        shapes=[(2,)],
        dtypes=[F32, F64, I32, C64],
        shape_cases=[
            ShapeCase([[2]], expected=[4]),
            ShapeCase([[None]], expected=[4]),
            ShapeCase([None], expected=[4]),
        ],
    ),
    OpSpec(
        "SparseSliceGrad",
        lambda g, i: raw("SparseSliceGrad", g, i, [1, 0], SLICED),
        cases=[
            ([np.array([5.0, 6.0]), IND], ref.slice_grad(np.array([5.0, 6.0]), IND, [1, 0], SLICED))
        ],
        shape_cases=[
            ShapeCase([[2], ([4, 2], I64)], expected=[4]),
            ShapeCase([[2], ([None, 2], I64)], expected=[None]),
            ShapeCase([[2], (None, I64)], expected=[None]),
            ShapeCase([[2], ([4], I64)], error="Shape must be rank 2 but is rank 1"),
        ],
        id="SparseSliceGrad_fed",
    ),
    OpSpec(
        "SparseAdd",
        lambda v, w: _sparse_parts(
            tf.sparse.add(tf.SparseTensor(IND, v, SHAPE), tf.SparseTensor(IND_B, w, SHAPE), 0.5)
        ),
        reference=lambda v, w: list(ref.add(IND, v, IND_B, w, 0.5)) + [SHAPE],
        shapes=[(4,), (4,)],
        dtypes=[F32, F64, C64],
        cases=[
            (
                [
                    np.array([1.0, 2.0, 3.0, 4.0], np.float32),
                    np.array([5.0, 6.0, 7.0, -4.25], np.float32),
                ],
                [
                    np.array([[0, 1], [1, 0], [1, 1], [1, 2], [2, 0]]),
                    np.array([6.0, 2.0, 6.0, 3.0, 7.0], np.float32),
                    SHAPE,
                ],
            )
        ],
        shape_cases=[
            ShapeCase([[4], [4]], expected=[None, 2]),
            ShapeCase([[None], [None]], expected=[None, 2]),
            ShapeCase([None, None], expected=[None, 2]),
            ShapeCase([[4, 1], [4]], error="Shape (4, 1) must have rank 1"),
        ],
    ),
    OpSpec(
        "SparseAdd",
        lambda v, w: raw("SparseAdd", IND, v, SHAPE, IND_B, w, SHAPE, np.int32(2)),
        reference=lambda v, w: list(ref.add(IND, v, IND_B, w, 2)) + [SHAPE],
        shapes=[(4,), (4,)],
        dtypes=[I32],
        shape_cases=[
            ShapeCase([([4], I32), ([4], I32)], expected=[None, 2]),
        ],
        id="SparseAdd_int_threshold",
    ),
    OpSpec(
        "SparseAdd",
        lambda s: raw(
            "SparseAdd", IND, [1.0, 2.0, 3.0, 4.0], s, IND_B, [1.0, 1.0, 1.0, 1.0], s, 0.0
        ),
        cases=[([SHAPE], list(ref.add(IND, [1.0, 2.0, 3.0, 4.0], IND_B, [1.0] * 4, 0)) + [SHAPE])],
        shape_cases=[
            ShapeCase([([2], I64)], expected=[None, 2]),
            ShapeCase([([None], I64)], expected=[None, None]),
            ShapeCase([(None, I64)], expected=[None, None]),
            ShapeCase([([2, 1], I64)], error="Shape must be rank 1 but is rank 2"),
        ],
        id="SparseAdd_fed_shape",
    ),
    OpSpec(
        "SparseAddGrad",
        lambda g: raw("SparseAddGrad", g, IND, IND_B, SUM_IND),
        reference=lambda g: ref.add_grad(g, IND, IND_B, SUM_IND),
        shapes=[(6,)],
        dtypes=[F32, F64, C64, I32],
        shape_cases=[
            ShapeCase([[6]], expected=[4]),
            ShapeCase([[None]], expected=[4]),
            ShapeCase([None], expected=[4]),
        ],
    ),
    OpSpec(
        "SparseAddGrad",
        lambda g, a: raw("SparseAddGrad", g, a, IND_B, SUM_IND[[0, 1, 3, 5]]),
        cases=[
            (
                [np.arange(4.0), IND],
                ref.add_grad(np.arange(4.0), IND, IND_B, SUM_IND[[0, 1, 3, 5]]),
            )
        ],
        shape_cases=[
            ShapeCase([[4], ([4, 2], I64)], expected=[4]),
            ShapeCase([[4], ([None, 2], I64)], expected=[None]),
            ShapeCase([[4], (None, I64)], expected=[None]),
            ShapeCase([[4], ([4], I64)], error="Shape must be rank 2 but is rank 1"),
        ],
        id="SparseAddGrad_thresholded",
    ),
    OpSpec(
        "SparseTensorDenseAdd",
        lambda v, x: raw("SparseTensorDenseAdd", IND, v, SHAPE, x),
        reference=lambda v, x: ref.dense_add(IND, v, x),
        shapes=[(4,), (3, 4)],
        dtypes=[F32, F64, I32, I64, C64, F16],
        shape_cases=[
            ShapeCase([[4], [3, 4]], expected=[3, 4]),
            ShapeCase([[None], [None, 4]], expected=[None, 4]),
            ShapeCase([None, None], expected=None),
        ],
    ),
    OpSpec(
        "SparseTensorDenseAdd",
        lambda i, v, s, x: raw("SparseTensorDenseAdd", i, v, s, x),
        cases=[
            (
                [
                    np.array([[1], [3], [1]], np.int32),
                    np.array([1.0, 2.0, 0.5], np.float32),
                    np.array([4], np.int32),
                    np.ones(4, np.float32),
                ],
                np.array([1.0, 2.5, 1.0, 3.0], np.float32),
            )
        ],
        shape_cases=[ShapeCase([([3, 1], I32), [3], ([1], I32), [4]], expected=[4])],
        id="SparseTensorDenseAdd_int32_indices_repeated",
    ),
    _min_or_max_row("SparseSparseMaximum", max),
    _min_or_max_row("SparseSparseMinimum", min),
    _matmul_row(False, False),
    _matmul_row(True, False),
    _matmul_row(False, True),
    _matmul_row(True, True),
    _reduce_row("SparseReduceSum", _sum, False, False, [F32, F64, I32, I64, C64]),
    _reduce_row("SparseReduceSum", _sum, False, True, [F64]),
    _reduce_row("SparseReduceSumSparse", _sum, True, False, [F32, I32]),
    _reduce_row("SparseReduceSumSparse", _sum, True, True, [F64]),
    _reduce_row("SparseReduceMax", max, False, False, [F32, F64, I32, I64, F16]),
    _reduce_row("SparseReduceMax", max, False, True, [F64]),
    _reduce_row("SparseReduceMaxSparse", max, True, False, [F32, I64]),
    _reduce_row("SparseReduceMaxSparse", max, True, True, [F64]),
    _reduce_shape_row("SparseReduceSum", _sum),
    _reduce_shape_row("SparseReduceMax", max),
    _reduce_shape_row("SparseReduceSumSparse", _sum),
    _reduce_shape_row("SparseReduceMaxSparse", max),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


# ---------------------------------------------------------------------- gradients

_RNG = np.random.default_rng(11)


def _matmul_grad_row(adjoint_a, adjoint_b, order=1):
    rows = 3 if adjoint_a else 4
    b = _RNG.normal(size=(2, rows) if adjoint_b else (rows, 2))
    return GradSpec(
        "SparseTensorDenseMatMul",
        lambda v, x: tf.sparse.sparse_dense_matmul(
            tf.SparseTensor(IND, v, SHAPE), x, adjoint_a=adjoint_a, adjoint_b=adjoint_b
        ),
        [_RNG.normal(size=4), b],
        order=order,
        id=f"SparseTensorDenseMatMul_adj{int(adjoint_a)}{int(adjoint_b)}",
    )


GRAD_SPECS = [
    GradSpec(
        "SparseReorder",
        lambda v: raw("SparseReorder", UNSORTED, v, SHAPE)[1],
        [_RNG.normal(size=4)],
        order=2,
    ),
    GradSpec(
        "SparseAdd",
        lambda v, w: (
            tf.sparse.add(tf.SparseTensor(IND, v, SHAPE), tf.SparseTensor(IND_B, w, SHAPE)).values
        ),
        [_RNG.normal(size=4), _RNG.normal(size=4)],
    ),
    GradSpec(
        "SparseTensorDenseAdd",
        lambda v, x: tf.sparse.add(x, tf.SparseTensor(IND, v, SHAPE)) * x,
        [_RNG.normal(size=4), _RNG.normal(size=(3, 4))],
        order=2,
    ),
    GradSpec(
        "SparseReduceSum",
        lambda v: tf.sparse.reduce_sum(tf.SparseTensor(IND3, v, SHAPE3), [0, 2]),
        [_RNG.normal(size=5)],
    ),
    GradSpec(
        "SparseReduceSum",
        lambda v: tf.sparse.reduce_sum(tf.SparseTensor(IND3, v, SHAPE3), 1, keepdims=True),
        [_RNG.normal(size=5)],
        id="SparseReduceSum_keepdims",
    ),
    GradSpec(
        "SparseSlice",
        lambda v: tf.sparse.slice(tf.SparseTensor(IND, v, SHAPE), [1, 0], [2, 3]).values,
        [_RNG.normal(size=4)],
    ),
    _matmul_grad_row(False, False, order=2),
    _matmul_grad_row(True, False),
    _matmul_grad_row(False, True),
    _matmul_grad_row(True, True),
]

# TF registers gradients that raise NotImplementedError for these; the test below checks it.
GRAD_TESTED_ELSEWHERE = {
    "SparseSparseMaximum": "test_min_max_gradients_are_not_implemented",
    "SparseSparseMinimum": "test_min_max_gradients_are_not_implemented",
}


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def test_min_max_gradients_are_not_implemented():
    for builder, op_type in ((tf.sparse.maximum, "Maximum"), (tf.sparse.minimum, "Minimum")):
        with tf.Graph().as_default():
            v = tf.constant([1.0, 2.0, 3.0, 4.0])
            result = builder(tf.SparseTensor(IND, v, SHAPE), tf.SparseTensor(IND_B, v, SHAPE))
            message = f"Gradient for SparseSparse{op_type} is not implemented."
            with pytest.raises(NotImplementedError, match=message):
                tf.gradients(tf.reduce_sum(result.values), v)
