"""Reductions, scans, segment reductions, sorting and matrix products
(ndflow/ops/math/reduction.py, segment.py, sorting.py, matmul.py) against loop-based
references, with their shape inference and TF's errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import math as ref

F16, BF16, F32, F64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
C64, C128 = tf.complex64, tf.complex128
I8, I16, I32, I64 = tf.int8, tf.int16, tf.int32, tf.int64
U8, U16, U32, U64 = tf.uint8, tf.uint16, tf.uint32, tf.uint64
B = tf.bool
REAL = [F32, F64, F16, I8, I32, I64, U8, U16]
NUMBERS = REAL + [C64, C128]


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


REDUCTION_SHAPES = [
    ShapeCase([[2, 3, 4]], expected=[2, 4]),
    ShapeCase([[None, 3, None]], expected=[None, None]),
    ShapeCase([None], expected=None),
    ShapeCase([[2, 3]], error="Invalid reduction dimension 2 for input with 2 dimensions."),
]


def _reduction_row(op_type, builder, fn, types, domain="any"):
    """Reduces axis 1 of a rank-3 input (rank 2 for the error case)."""
    shape_cases = (
        REDUCTION_SHAPES
        if op_type not in ("All", "Any")
        else [ShapeCase([(c.inputs[0], B)], c.expected, c.error) for c in REDUCTION_SHAPES]
    )

    def reduce_middle(x):
        return builder(x, axis=-2 if x.shape.rank != 2 else 2)

    return OpSpec(
        op_type,
        reduce_middle,
        reference=lambda x: ref.reduce(fn, x, axis=1),
        shapes=[(2, 3, 4)],
        dtypes=types,
        domain=domain,
        shape_cases=shape_cases,
    )


REDUCTION_SPECS = [
    _reduction_row("Sum", tf.reduce_sum, ref.total, NUMBERS),
    _reduction_row("Mean", tf.reduce_mean, ref.mean, NUMBERS),
    _reduction_row("Prod", tf.reduce_prod, ref.product, [F32, F64, I32, I64, U8, C64]),
    _reduction_row("Max", tf.reduce_max, max, REAL + [BF16]),
    _reduction_row("Min", tf.reduce_min, min, REAL + [BF16]),
    _reduction_row("All", tf.reduce_all, all, [B]),
    _reduction_row("Any", tf.reduce_any, any, [B]),
    OpSpec(
        "Sum",
        lambda x: tf.reduce_sum(x, [0, -1], keepdims=True),
        reference=lambda x: ref.reduce(ref.total, x, axis=[0, 2], keepdims=True),
        shapes=[(2, 3, 4)],
        dtypes=[F32, I16],
        cases=[([np.zeros((0, 3), np.float32)], np.zeros((1, 1), np.float32))],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[1, 3, 1]),
            ShapeCase([None], expected=None),
        ],
        id="Sum_keepdims",
    ),
    OpSpec(
        "Mean",
        tf.reduce_mean,
        reference=lambda x: ref.reduce(ref.mean, x),
        shapes=[(3, 5)],
        dtypes=[F32, I32, U8],
        shape_cases=[
            ShapeCase([[3, 5]], expected=[]),
            ShapeCase([None], expected=[]),
            ShapeCase([[]], expected=[]),
        ],
        id="Mean_all_axes",
    ),
]


def _arg_row(op_type, builder, pick_max):
    return OpSpec(
        op_type,
        lambda x: builder(x, 1),
        reference=lambda x: ref.arg_extreme(x, 1, pick_max),
        shapes=[(3, 5, 2)],
        dtypes=REAL + [B],
        domain="distinct",
        cases=[
            (
                [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]], np.float32)],
                np.array([1, 0] if pick_max else [0, 2], np.int64),
            )
        ],
        shape_cases=[
            ShapeCase([[3, 5, 2]], expected=[3, 2]),
            ShapeCase([[None, 5, None]], expected=[None, None]),
            ShapeCase([None], expected=None),
            ShapeCase([[4]], expected=[]),
        ],
    )


def _scan_row(op_type, builder, combine, identity, types):
    return OpSpec(
        op_type,
        lambda x: builder(x, 1, exclusive=True, reverse=True),
        reference=lambda x: ref.scan(x, 1, combine, identity, exclusive=True, reverse=True),
        shapes=[(2, 5, 3)],
        dtypes=types,
        shape_cases=[
            ShapeCase([[2, 5, 3]], expected=[2, 5, 3]),
            ShapeCase([[None, 5]], expected=[None, 5]),
            ShapeCase([None], expected=None),
        ],
    )


SCAN_SPECS = [
    _arg_row("ArgMax", tf.argmax, True),
    _arg_row("ArgMin", tf.argmin, False),
    OpSpec(
        "ArgMax",
        lambda x: tf.argmax(x, 2),
        shape_cases=[
            ShapeCase(
                [[2, 3]],
                error="Dimension (2) must be in the range [-2, 2), "
                "where 2 is the number of dimensions in the input.",
            )
        ],
        id="ArgMax_axis_out_of_range",
    ),
    _scan_row("Cumsum", tf.cumsum, lambda a, b: a + b, 0, [F64, I32, I8, U8, C128]),
    _scan_row("Cumprod", tf.cumprod, lambda a, b: a * b, 1, [F64, I64, I16, C64]),
    OpSpec(
        "Cumsum",
        tf.cumsum,
        reference=lambda x: ref.scan(x, 0, lambda a, b: a + b, 0),
        shapes=[(6,)],
        dtypes=[F32],
        id="Cumsum_default",
    ),
]


# ---------------------------------------------------------------------- segments


def _segment_cases(kind):
    data = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], np.float32)
    ids = np.array([0, 0, 2, 3], np.int32)
    fn, empty = {
        "Sum": (ref.total, 0),
        "Mean": (ref.mean, 0),
        "Prod": (ref.product, 1),
        "Max": (max, 0),
        "Min": (min, 0),
    }[kind]
    return [
        ([data, ids], ref.segment_reduce(data, ids, 4, fn, empty)),
        (
            [data.astype(np.int32), ids.astype(np.int64)],
            ref.segment_reduce(data.astype(np.int32), ids, 4, fn, empty),
        ),
    ]


SEGMENT_SHAPES = [
    ShapeCase([[4, 2], ([4], I32)], expected=[None, 2]),
    ShapeCase([[None, None], ([None], I32)], expected=[None, None]),
    ShapeCase([None, ([4], I32)], expected=None),
    ShapeCase([[4, 2], ([4, 1], I32)], error="Shape must be rank 1 but is rank 2"),
]


def _unsorted_cases(kind):
    data = np.arange(12, dtype=np.float32).reshape(4, 3) - 4
    ids = np.array([2, -1, 2, 0], np.int32)
    fn = {"Sum": ref.total, "Prod": ref.product, "Max": max, "Min": min}[kind]
    info = np.finfo(np.float32)
    empty = {"Sum": 0, "Prod": 1, "Max": info.min, "Min": info.max}[kind]
    return [([data, ids, np.int32(4)], ref.segment_reduce(data, ids, 4, fn, empty))]


UNSORTED_SHAPES = [
    ShapeCase([[4, 3], ([4], I32), ([], I32)], expected=[None, 3]),
    ShapeCase([[None, 3, 2], ([None, None], I32), ([], I32)], expected=[None, 2]),
    ShapeCase([[4, 3], (None, I32), ([], I32)], expected=None),
    ShapeCase([[4, 3], ([3], I32), ([], I32)], error="Dimensions must be equal, but are 4 and 3"),
    ShapeCase([[4, 3], ([4], I32), ([1], I32)], error="Shape must be rank 0 but is rank 1"),
]

SEGMENT_SPECS = [
    OpSpec(
        f"Segment{kind}",
        lambda d, s, k=kind: raw(f"Segment{k}", d, s),
        cases=_segment_cases(kind),
        shape_cases=SEGMENT_SHAPES,
    )
    for kind in ("Sum", "Mean", "Prod", "Max", "Min")
] + [
    OpSpec(
        f"UnsortedSegment{kind}",
        lambda d, s, n, k=kind: raw(f"UnsortedSegment{k}", d, s, n),
        cases=_unsorted_cases(kind),
        shape_cases=UNSORTED_SHAPES,
    )
    for kind in ("Sum", "Prod", "Max", "Min")
]


# ---------------------------------------------------------------------- TopKV2, matmul


SORT_SPECS = [
    OpSpec(
        "TopKV2",
        lambda x: list(tf.math.top_k(x, 3)),
        reference=lambda x: list(ref.top_k(x, 3)),
        shapes=[(4, 6)],
        dtypes=REAL + [U32, U64, I16],
        cases=[
            (
                [np.array([[1, 3, 3, 2, 3], [5, 5, 5, 5, 5]], np.float32)],
                [
                    np.array([[3, 3, 3], [5, 5, 5]], np.float32),
                    np.array([[1, 2, 4], [0, 1, 2]], np.int32),
                ],
            )
        ],
        shape_cases=[
            ShapeCase([[4, 6]], expected=[4, 3]),
            ShapeCase([[None, None]], expected=[None, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[4, 2]], error="input must have last dimension >= k = 3 but is 2"),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
    ),
]

MATMUL_SPECS = [
    OpSpec(
        "MatMul",
        lambda a, b: tf.matmul(a, b, transpose_b=True),
        reference=lambda a, b: ref.matmul(a, b, transpose_b=True),
        shapes=[(3, 4), (5, 4)],
        dtypes=[F32, F64, F16, I32, I64, U8, C64, C128, BF16],
        shape_cases=[
            ShapeCase([[3, 4], [5, 4]], expected=[3, 5]),
            ShapeCase([[None, 4], [None, None]], expected=[None, None]),
            ShapeCase([[3, 4], [5, 3]], error="Dimensions must be equal, but are 4 and 3"),
        ],
    ),
    OpSpec(
        "MatMul",
        lambda a, b: raw("MatMul", a, b, transpose_a=True),
        reference=lambda a, b: ref.matmul(a, b, transpose_a=True),
        shapes=[(4, 3), (4, 2)],
        dtypes=[F32],
        shape_cases=[
            ShapeCase([[4, 3], [4, 2]], expected=[3, 2]),
            ShapeCase([None, [4, 2]], expected=[None, 2]),
            ShapeCase([[4, 3, 1], [4, 2]], error="Shape must be rank 2 but is rank 3"),
        ],
        id="MatMul_transpose_a",
    ),
    OpSpec(
        "BatchMatMulV2",
        tf.matmul,
        reference=ref.matmul,
        shapes=[(2, 1, 3, 4), (5, 4, 2)],
        dtypes=[F32, F64, I32, C64, F16],
        shape_cases=[
            ShapeCase([[2, 1, 3, 4], [5, 4, 2]], expected=[2, 5, 3, 2]),
            ShapeCase([[None, 3, 4], [4, None]], expected=[None, 3, None]),
            ShapeCase([None, [4, 2]], expected=None),
            ShapeCase([[2, 3, 4], [3, 4, 2]], error="Dimensions must be equal, but are 2 and 3"),
            ShapeCase([[2, 3, 4], [4]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "Einsum",
        lambda a, b: tf.einsum("bij,jk->bki", a, b),
        reference=lambda a, b: np.einsum("bij,jk->bki", a.astype(np.float64), b).astype(a.dtype),
        shapes=[(2, 3, 4), (4, 5)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 3, 4], [4, 5]], expected=[2, 5, 3]),
            ShapeCase([[None, 3, None], [None, 5]], expected=[None, 5, 3]),
            ShapeCase([None, [4, 5]], expected=[None, 5, None]),
            ShapeCase([[2, 3, 4], [3, 5]], error="Dimensions must be equal, but are 4 and 3"),
        ],
    ),
]

OP_SPECS = REDUCTION_SPECS + SCAN_SPECS + SEGMENT_SPECS + SORT_SPECS + MATMUL_SPECS


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# ---------------------------------------------------------------------- behaviour


def test_reduce_all_axes_uses_a_const_or_a_range_like_tf():
    with tf.Graph().as_default():
        known = tf.reduce_sum(tf.placeholder(F32, [2, 3]))
        assert known.op.inputs[1].op.type == "Const"
        unknown = tf.reduce_sum(tf.placeholder(F32, None))
        assert unknown.op.inputs[1].op.type == "Range"
        assert unknown.shape.as_list() == []
        assert tf.reduce_sum(tf.placeholder(F32, [2]), 0).op.inputs[1].op.name == (
            "Sum_2/reduction_indices"
        )


def test_reduce_deprecated_arguments():
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        out = tf.reduce_max(x, reduction_indices=[1], keep_dims=True)
        assert out.shape.as_list() == [2, 1]
        np.testing.assert_array_equal(_run(out), [[2.0], [4.0]])
        with pytest.raises(ValueError, match="Cannot specify both 'reduction_indices' and 'axis'"):
            tf.reduce_sum(x, axis=0, reduction_indices=0)


@pytest.mark.parametrize("dtype", [F32, F16, I32, U8, F64])
def test_empty_reductions_give_tf_identities(dtype):
    np_dtype = dtype.as_numpy_dtype
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [None, 2])
        outs = [
            tf.reduce_sum(x, 0),
            tf.reduce_prod(x, 0),
            tf.reduce_max(x, 0),
            tf.reduce_min(x, 0),
            tf.reduce_mean(x, 0),
        ]
        values = _run(outs, {x: np.zeros((0, 2), np_dtype)})
    low, high = (-np.inf, np.inf) if dtype.is_floating else (dtype.min, dtype.max)
    mean = np.nan if dtype.is_floating else 0
    for value, want in zip(values, [0, 1, low, high, mean]):
        assert value.dtype == np_dtype
        np.testing.assert_array_equal(value, np.full(2, want))


def test_reduction_runtime_errors():
    with tf.Graph().as_default():
        axes = tf.placeholder(I32, [None])
        out = tf.reduce_sum(tf.constant([[1.0]]), axes)
        with pytest.raises(tf.errors.InvalidArgumentError, match="duplicate dimension: 1"):
            _run(out, {axes: [1, -1]})
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"Invalid reduction dimension \(2 for input with 2",
        ):
            _run(out, {axes: [2]})


def test_reduce_logsumexp_and_count_nonzero():
    with tf.Graph().as_default():
        x = tf.constant([[0.0, 0.0], [1000.0, 1000.0], [-np.inf, -np.inf]])
        lse = tf.reduce_logsumexp(x, 1)
        assert lse.name == "ReduceLogSumExp:0"
        count = tf.count_nonzero(tf.constant([[0, 1], [2, 3]]), 1)
        assert count.dtype == I64
        values = _run([lse, count, tf.reduce_logsumexp(x, keepdims=True)])
    np.testing.assert_allclose(values[0], [np.log(2), 1000 + np.log(2), -np.inf], rtol=1e-6)
    np.testing.assert_array_equal(values[1], [1, 2])
    assert values[2].shape == (1, 1)


def test_argmax_skips_nan_and_rejects_empty_axis():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [None])
        out = tf.argmax(x)
        assert _run(out, {x: [1.0, np.nan, 3.0]}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="Reduction axis 0 is empty"):
            _run(out, {x: np.zeros(0, np.float32)})


def test_scan_rejects_bad_axis():
    with tf.Graph().as_default():
        axis = tf.placeholder(I32, [])
        out = tf.cumsum(tf.constant([[1.0, 2.0]]), axis)
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"ScanOp: Expected scan axis in the range \[-2, 2\), but got 2",
        ):
            _run(out, {axis: 2})


def test_segment_errors_follow_tf():
    with tf.Graph().as_default():
        ids = tf.placeholder(I32, [None])
        out = tf.segment_sum(tf.constant([1.0, 2.0, 3.0]), ids)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
            _run(out, {ids: [0, 2, 1]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Segment id -1 out of range"):
            _run(out, {ids: [-1, 0, 0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size as dimension 0"):
            _run(out, {ids: [0, 0]})
        unsorted = tf.unsorted_segment_sum(tf.constant([1.0, 2.0]), ids, 2)
        with pytest.raises(
            tf.errors.InvalidArgumentError, match=r"segment_ids\[1\] = 2 is out of range \[0, 2\)"
        ):
            _run(unsorted, {ids: [0, 2]})


def test_unsorted_segments_drop_negative_ids_and_fill_empty_segments():
    with tf.Graph().as_default():
        data = tf.constant([1, 2, 3, 4])
        ids = tf.constant([0, 3, 0, -1])
        outs = [
            tf.unsorted_segment_sum(data, ids, 4),
            tf.unsorted_segment_max(data, ids, 4),
            tf.unsorted_segment_min(data, ids, 4),
            tf.unsorted_segment_prod(data, ids, 4),
        ]
        values = _run(outs)
    big = np.iinfo(np.int32)
    assert values[0].tolist() == [4, 0, 0, 2]
    assert values[1].tolist() == [3, big.min, big.min, 2]
    assert values[2].tolist() == [1, big.max, big.max, 2]
    assert values[3].tolist() == [3, 1, 1, 2]


def test_sort_and_argsort_follow_tf_construction():
    with tf.Graph().as_default():
        x = tf.constant([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
        ascending = tf.sort(x)
        assert ascending.name == "sort/Neg_1:0"
        outs = [
            ascending,
            tf.sort(x, direction="DESCENDING"),
            tf.argsort(x),
            tf.sort(x, axis=0),
            tf.argsort(tf.constant([3, 1, 3, 1]), stable=True),
            tf.sort(tf.constant([2, 0, 255], dtype=U8)),
        ]
        values = _run(outs)
        with pytest.raises(ValueError, match="should be one of ASCENDING, DESCENDING"):
            tf.sort(x, direction="UP")
        with pytest.raises(ValueError, match="must be a constant scalar"):
            tf.sort(x, axis=tf.placeholder(I32, []))
    assert values[0].tolist() == [[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]]
    assert values[1].tolist() == [[3.0, 2.0, 1.0], [5.0, 0.0, -1.0]]
    assert values[2].tolist() == [[1, 2, 0], [1, 0, 2]]
    assert values[3].tolist() == [[0.0, -1.0, 2.0], [3.0, 1.0, 5.0]]
    assert values[4].tolist() == [1, 3, 0, 2]
    assert values[5].tolist() == [0, 2, 255]


def test_sort_with_unknown_length_uses_shape_and_strided_slice():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [None])
        out = tf.sort(x)
        assert _run(out, {x: [2.0, -1.0, 0.5]}).tolist() == [-1.0, 0.5, 2.0]


def test_top_k_returns_a_namedtuple_and_checks_k_at_run_time():
    with tf.Graph().as_default():
        k = tf.placeholder(I32, [])
        result = tf.math.top_k(tf.constant([1.0, 2.0]), k)
        assert result.values.name == "TopKV2:0" and result.indices.name == "TopKV2:1"
        assert tf.nn.top_k is tf.math.top_k
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need k >= 0, got -1"):
            _run(result.values, {k: -1})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Had 2, needed 3"):
            _run(result.values, {k: 3})


def test_matmul_picks_the_op_like_tf():
    with tf.Graph().as_default():
        a = tf.placeholder(F32, [2, 3])
        assert tf.matmul(a, a, transpose_b=True).op.type == "MatMul"
        batched = tf.matmul(tf.placeholder(F32, [4, 2, 3]), a, transpose_b=True)
        assert batched.op.type == "BatchMatMulV2" and batched.op.get_attr("adj_y")
        assert tf.matmul(tf.placeholder(F32, None), a).op.type == "BatchMatMulV2"
        c = tf.constant([[1j]])
        assert tf.matmul(c, c, adjoint_a=True).op.inputs[0].op.type == "Conj"
        with pytest.raises(ValueError, match="Only one of `transpose_a` and `adjoint_a`"):
            tf.matmul(a, a, transpose_a=True, adjoint_a=True)


def test_matmul_runtime_errors():
    with tf.Graph().as_default():
        a = tf.placeholder(F32, [None, None])
        b = tf.placeholder(F32, [None, None, None])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
            _run(tf.matmul(a, a), {a: np.ones((2, 3), np.float32)})
        other = tf.placeholder_with_default(np.ones((3, 3, 3), np.float32), [None, None, None])
        with pytest.raises(tf.errors.InvalidArgumentError, match="compatible batch dimensions"):
            _run(tf.matmul(b, other), {b: np.ones((2, 3, 3), np.float32)})


def test_einsum_forms():
    with tf.Graph().as_default():
        a = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
        b = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
        e = tf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
        outs = [
            tf.einsum("ij,jk", a, b),
            tf.einsum("ij,jk,kl->il", a, b, e),
            tf.einsum("ij->", a),
            tf.einsum("...j,j->...", a, tf.constant([1.0, 1, 1])),
        ]
        assert outs[0].name == "einsum/Einsum:0"
        values = _run(outs)
        with pytest.raises(TypeError, match="Invalid keyword"):
            tf.einsum("ij->ji", a, bad=1)
    an, bn, en = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4), np.arange(8).reshape(4, 2)
    np.testing.assert_array_equal(values[0], an @ bn)
    np.testing.assert_array_equal(values[1], an @ bn @ en)
    assert values[2] == 15
    np.testing.assert_array_equal(values[3], an.sum(1))
