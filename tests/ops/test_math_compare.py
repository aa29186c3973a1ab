"""Comparisons, logical ops, selection, clipping, casts and sequences
(ndflow/ops/math/comparison.py, cast.py, sequence.py), and TF's Python operators on Tensor
(operators.py).
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
REAL = [F16, F32, F64, BF16, I8, I16, I32, I64, U8, U16, U32, U64]


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _typed(cases, dtype):
    return [ShapeCase([(s, dtype) for s in c.inputs], c.expected, c.error) for c in cases]


BINARY_SHAPES = [
    ShapeCase([[2, 3], [3]], expected=[2, 3]),
    ShapeCase([[None, 3], [2, 1]], expected=[2, 3]),
    ShapeCase([None, [4]], expected=None),
    ShapeCase([[2, 3], [2, 4]], error="Dimensions must be equal, but are 3 and 4"),
]


def comparison_row(op_type, builder, fn, types):
    return OpSpec(
        op_type,
        builder,
        reference=lambda x, y: ref.elementwise(fn, x, y, dtype=np.bool_),
        shapes=[(2, 3), (3,)],
        dtypes=types,
        domain="distinct",
        shape_cases=_typed(BINARY_SHAPES, types[0]),
    )


COMPARISON_SPECS = [
    comparison_row("Less", tf.less, lambda a, b: a < b, REAL),
    comparison_row("LessEqual", tf.less_equal, lambda a, b: a <= b, REAL),
    comparison_row("Greater", tf.greater, lambda a, b: a > b, REAL),
    comparison_row("GreaterEqual", tf.greater_equal, lambda a, b: a >= b, REAL),
    comparison_row("Equal", tf.equal, lambda a, b: a == b, REAL + [C64, B]),
    comparison_row("NotEqual", tf.not_equal, lambda a, b: a != b, REAL + [C128, B]),
    OpSpec(
        "Equal",
        lambda x, y: raw("Equal", x, y, incompatible_shape_error=False),
        cases=[
            ([np.array([1, 2]), np.array([1, 2, 3])], np.array(False)),
            ([np.array([b"a", b"b"], object), np.array(b"b", object)], np.array([False, True])),
        ],
        shape_cases=[
            ShapeCase([[2], [3]], expected=[]),
            ShapeCase([[None], [3]], expected=None),
            ShapeCase([[None], [1]], expected=[None]),
        ],
        id="Equal_incompatible_shape_error_false",
    ),
    comparison_row("LogicalAnd", tf.logical_and, lambda a, b: a and b, [B]),
    comparison_row("LogicalOr", tf.logical_or, lambda a, b: a or b, [B]),
    OpSpec(
        "LogicalNot",
        tf.logical_not,
        reference=lambda x: ref.elementwise(lambda a: not a, x),
        shapes=[(3, 4)],
        dtypes=[B],
        shape_cases=[
            ShapeCase([([None, 2], B)], expected=[None, 2]),
            ShapeCase([(None, B)], expected=None),
        ],
    ),
]


def _select_reference(c, t, e):
    if c.ndim == 1 and t.ndim > 1:
        c = c.reshape((-1,) + (1,) * (t.ndim - 1))
    return ref.elementwise(lambda p, a, b: a if p else b, c, t, e, dtype=t.dtype)


SELECT_SPECS = [
    OpSpec(
        "Select",
        tf.where,
        reference=_select_reference,
        shapes=[(2, 3), (2, 3), (2, 3)],
        dtypes=[(B, F32, F32), (B, I64, I64), (B, C64, C64)],
        cases=[
            (
                [
                    np.array([True, False]),
                    np.array([[1.0, 2.0], [3.0, 4.0]]),
                    np.array([[5.0, 6.0], [7.0, 8.0]]),
                ],
                np.array([[1.0, 2.0], [7.0, 8.0]]),
            ),
            ([np.array(False), np.array([1, 2]), np.array([3, 4])], np.array([3, 4])),
            (
                [
                    np.array([True, False]),
                    np.array([b"a", b"b"], object),
                    np.array([b"c", b"d"], object),
                ],
                np.array([b"a", b"d"], object),
            ),
        ],
        shape_cases=[
            ShapeCase([([2, 3], B), [2, 3], [2, 3]], expected=[2, 3]),
            ShapeCase([([None], B), [2, 3], [None, 3]], expected=[2, 3]),
            ShapeCase([(None, B), [2, None], None], expected=[2, None]),
            ShapeCase([([], B), [2, 3], [2, 3]], expected=[2, 3]),
            ShapeCase(
                [([2], B), [3, 3], [3, 3]],
                error="Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes "
                "are [2] and [3].",
            ),
            ShapeCase(
                [([2, 2], B), [2, 3], [2, 3]],
                error="Dimension 1 in both shapes must be equal, but are 3 and 2.",
            ),
            ShapeCase(
                [([2, 3], B), [2, 3], [2, 4]],
                error="Dimension 1 in both shapes must be equal, but are 3 and 4.",
            ),
        ],
    ),
    OpSpec(
        "SelectV2",
        tf.where_v2,
        reference=lambda c, t, e: ref.elementwise(
            lambda p, a, b: a if p else b, c, t, e, dtype=t.dtype
        ),
        shapes=[(2, 1), (3,), (2, 3)],
        dtypes=[(B, F32, F32), (B, U8, U8), (B, F16, F16)],
        shape_cases=[
            ShapeCase([([2, 1], B), [3], [2, 3]], expected=[2, 3]),
            ShapeCase([([None, 1], B), [3], [1]], expected=[None, 3]),
            ShapeCase([(None, B), [3], [3]], expected=None),
            ShapeCase(
                [([2], B), [3, 3], [3, 3]], error="Dimensions must be equal, but are 3 and 2"
            ),
        ],
    ),
    OpSpec(
        "ClipByValue",
        lambda t, lo, hi: raw("ClipByValue", t, lo, hi),
        reference=lambda t, lo, hi: ref.elementwise(lambda v, a, b: max(min(v, b), a), t, lo, hi),
        shapes=[(2, 3), (), (2, 3)],
        dtypes=[F32, I32, F64, U8],
        shape_cases=[
            ShapeCase([[2, 3], [], []], expected=[2, 3]),
            ShapeCase([[None, 3], [], [2, 3]], expected=[None, 3]),
            ShapeCase([None, [], []], expected=None),
        ],
    ),
]


def _cast_row(source, target, domain="any"):
    def reference(x):
        def fn(v):
            if target == B:
                return v != 0
            if target.is_integer:
                return int(v.real if isinstance(v, complex) else v)
            if target.is_complex:
                return complex(v)
            return v.real if isinstance(v, complex) else float(v)

        return ref.elementwise(fn, x, dtype=np.dtype(target.as_numpy_dtype))

    return OpSpec(
        "Cast",
        lambda x: tf.cast(x, target),
        reference=reference,
        shapes=[(3, 4)],
        dtypes=[source],
        domain=domain,
        shape_cases=[
            ShapeCase([([2, 3], source)], expected=[2, 3]),
            ShapeCase([([None], source)], expected=[None]),
            ShapeCase([(None, source)], expected=None),
        ],
        id=f"Cast_{source.name}_{target.name}",
    )


CAST_SPECS = [
    _cast_row(F32, I32),
    _cast_row(F64, I64),
    _cast_row(F32, U8, "positive"),
    _cast_row(F16, I16),
    _cast_row(BF16, F32),
    _cast_row(F32, BF16),
    _cast_row(F64, F16),
    _cast_row(I32, F32),
    _cast_row(I64, I8),
    _cast_row(I32, U16),
    _cast_row(U64, I32),
    _cast_row(I32, B),
    _cast_row(F32, B),
    _cast_row(B, F32),
    _cast_row(C64, F32),
    _cast_row(C128, I32),
    _cast_row(F32, C64),
]


def _range_case(start, limit, delta, dtype):
    values = []
    current = 0
    while (start + current * delta < limit) if delta > 0 else (start + current * delta > limit):
        values.append(start + current * delta)
        current += 1
    arrays = [np.array(v, dtype) for v in (start, limit, delta)]
    return arrays, np.array(values, dtype=dtype).astype(dtype)


SEQUENCE_SPECS = [
    OpSpec(
        "Range",
        lambda a, b, c: raw("Range", a, b, c),
        cases=[
            _range_case(1, 10, 3, np.int32),
            _range_case(10, -3, -4, np.int64),
            _range_case(0.5, 2.0, 0.25, np.float32),
            _range_case(1.0, 1.0, 1.0, np.float64),
        ],
        shape_cases=[
            ShapeCase([([], I32), ([], I32), ([], I32)], expected=[None]),
            ShapeCase([(None, I32), (None, I32), (None, I32)], expected=[None]),
            ShapeCase(
                [([1], I32), ([], I32), ([], I32)],
                error="Shape must be rank 0 but is rank 1\n\t for 'start'",
            ),
        ],
    ),
    OpSpec(
        "LinSpace",
        lambda a, b, n: raw("LinSpace", a, b, n),
        cases=[
            (
                [np.float32(0.0), np.float32(1.0), np.int32(5)],
                np.array([0.0, 0.25, 0.5, 0.75, 1.0], np.float32),
            ),
            ([np.float64(3.0), np.float64(1.0), np.int64(1)], np.array([3.0])),
            ([np.float64(-1.0), np.float64(2.0), np.int32(4)], np.array([-1.0, 0.0, 1.0, 2.0])),
        ],
        shape_cases=[
            ShapeCase([([], F32), ([], F32), ([], I32)], expected=[None]),
            ShapeCase([(None, F32), (None, F32), (None, I32)], expected=[None]),
            ShapeCase(
                [([2], F32), ([], F32), ([], I32)],
                error="Shape must be rank 0 but is rank 1\n\t for 'start'",
            ),
        ],
    ),
]

OP_SPECS = COMPARISON_SPECS + SELECT_SPECS + CAST_SPECS + SEQUENCE_SPECS


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


# ---------------------------------------------------------------------- builders


def test_range_infers_the_widest_type_and_names_like_tf():
    with tf.Graph().as_default():
        out = tf.range(1, 5.0)
        assert out.name == "range:0"
        assert out.dtype == F32
        assert tf.range(5).dtype == I32
        assert tf.range(2, dtype=I64).dtype == I64
        assert out.op.inputs[0].op.name == "range/Cast"
        assert out.shape.as_list() == [4]
        np.testing.assert_array_equal(_run(tf.range(5, 0, -2)), [5, 3, 1])


def test_range_static_errors_use_tf_wording():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Requires delta != 0"):
            tf.range(0, 10, 0)
        with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 10/0"):
            tf.range(10, 0, 1)
        with pytest.raises(ValueError, match="Requires start >= limit when delta < 0: 0/10"):
            tf.range(0, 10, -1)


def test_range_runtime_errors_use_tf_wording():
    with tf.Graph().as_default():
        delta = tf.placeholder(I32, [])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Requires delta != 0: 0"):
            _run(tf.range(0, 10, delta), {delta: 0})


def test_lin_space_is_linspace_and_ends_exactly_at_stop():
    with tf.Graph().as_default():
        out = tf.lin_space(0.0, 1.0, 7)
        assert tf.linspace is tf.lin_space
        values = _run(out)
    assert values[-1] == np.float32(1.0)
    assert out.shape.as_list() == [7]


def test_sequence_mask():
    with tf.Graph().as_default():
        mask = tf.sequence_mask([1, 3, 0], 4)
        assert mask.name == "SequenceMask/Less:0"
        floats = tf.sequence_mask(tf.constant([[1, 2]]), dtype=F32)
        result, as_floats = _run([mask, floats])
    np.testing.assert_array_equal(result, [[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(as_floats, [[[1.0, 0.0], [1.0, 1.0]]])
    assert as_floats.dtype == np.float32


def test_cast_returns_input_when_type_matches_and_names_ops():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2])
        assert tf.cast(x, F32) is x
        assert tf.cast(x, I32).name == "Cast:0"
        assert tf.to_float(tf.constant([1])).name == "ToFloat:0"
        assert tf.to_int64(x).dtype == I64
        assert tf.to_double(tf.constant([1])).dtype == F64
        assert tf.to_int32(x).name == "ToInt32:0"


def test_cast_of_strings_is_unimplemented():
    with tf.Graph().as_default():
        out = tf.cast(tf.constant(["1"]), F32)
        with pytest.raises(
            tf.errors.UnimplementedError, match="Cast string to float is not supported"
        ):
            _run(out)


def test_saturate_cast_clamps_before_casting():
    with tf.Graph().as_default():
        out = tf.saturate_cast(tf.constant([-1.0, 300.0, 3e9]), U8)
        wide = tf.saturate_cast(tf.constant([3e9, -3e9]), I32)
        assert out.op.inputs[0].op.type == "ClipByValue"
        values, clamped = _run([out, wide])
    np.testing.assert_array_equal(values, [0, 255, 255])
    np.testing.assert_array_equal(clamped, [2147483520, -2147483648])


def test_where_one_argument_and_errors():
    with tf.Graph().as_default():
        coords = tf.where(tf.constant([[True, False], [False, True]]))
        np.testing.assert_array_equal(_run(coords), [[0, 0], [1, 1]])
        with pytest.raises(ValueError, match="x and y must both be non-None"):
            tf.where(tf.constant([True]), tf.constant([1]))


def test_logical_xor_builds_tf_ops():
    with tf.Graph().as_default():
        p = tf.constant([True, True, False, False])
        q = tf.constant([True, False, True, False])
        out = tf.logical_xor(p, q)
        assert out.name == "LogicalXor:0" and out.op.type == "LogicalAnd"
        np.testing.assert_array_equal(_run(out), [False, True, True, False])


def test_clip_by_value_builds_minimum_then_maximum():
    with tf.Graph().as_default():
        out = tf.clip_by_value(tf.constant([[-1.0, 0.5, 2.0]]), 0.0, 1.0)
        assert out.op.type == "Maximum" and out.op.inputs[0].op.type == "Minimum"
        assert out.name == "clip_by_value:0"
        np.testing.assert_array_equal(_run(out), [[0.0, 0.5, 1.0]])
        with pytest.raises(ValueError, match="incompatible"):
            tf.clip_by_value(tf.constant([1.0]), 0.0, tf.constant([1.0, 2.0]))


def test_clip_by_value_op_rejects_non_scalar_bounds_of_another_shape():
    with tf.Graph().as_default():
        lo = tf.placeholder(F32, [None])
        out = raw("ClipByValue", tf.constant([[1.0, 2.0, 3.0]]), lo, tf.constant(2.0))
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be either of the same"):
            _run(out, {lo: [0.0, 1.0]})


# ---------------------------------------------------------------------- operators


OPERATOR_CASES = [
    (lambda x, y: x + y, "add", "AddV2"),
    (lambda x, y: x - y, "sub", "Sub"),
    (lambda x, y: x * y, "mul", "Mul"),
    (lambda x, y: x / y, "truediv", "RealDiv"),
    (lambda x, y: x // y, "floordiv", "FloorDiv"),
    (lambda x, y: x % y, "mod", "FloorMod"),
    (lambda x, y: x**y, "pow", "Pow"),
    (lambda x, y: x < y, "Less", "Less"),
    (lambda x, y: x <= y, "LessEqual", "LessEqual"),
    (lambda x, y: x > y, "Greater", "Greater"),
    (lambda x, y: x >= y, "GreaterEqual", "GreaterEqual"),
]


@pytest.mark.parametrize(("fn", "name", "op_type"), OPERATOR_CASES)
def test_binary_operators_build_tf_ops_with_tf_names(fn, name, op_type):
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2])
        forward = fn(x, 2.0)
        reflected = fn(3.0, x)
        assert forward.op.type == op_type
        assert forward.op.name == name
        assert forward.op.inputs[1].op.name == f"{name}/y"
        values = _run([forward, reflected], {x: np.array([1.5, 4.0], np.float32)})
    with np.errstate(all="ignore"):
        want = [
            fn(np.array([1.5, 4.0], np.float32), np.float32(2.0)),
            fn(np.float32(3.0), np.array([1.5, 4.0], np.float32)),
        ]
    np.testing.assert_allclose(values[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(values[1], want[1], rtol=1e-6)


def test_unary_operators_and_matmul():
    with tf.Graph().as_default():
        x = tf.constant([[1.0, -2.0]])
        negated = -x
        assert negated.op.type == "Neg" and negated.op.name == "Neg"
        assert abs(x).op.type == "Abs"
        product = x @ tf.constant([[1.0], [1.0]])
        assert product.op.type == "MatMul" and product.op.name == "matmul"
        assert _run(product).tolist() == [[-1.0]]


def test_bitwise_operators_are_logical_for_bool_and_bitwise_for_integers():
    with tf.Graph().as_default():
        p, q = tf.constant([True, False]), tf.constant([True, True])
        i, j = tf.constant([12, 5]), tf.constant([10, 3])
        outputs = [p & q, p | q, p ^ q, ~p, i & j, i | j, i ^ j, ~i, 1 & i]
        assert outputs[0].op.type == "LogicalAnd" and outputs[0].op.name == "and"
        assert outputs[4].op.name == "and_1/BitwiseAnd"
        assert outputs[3].op.type == "LogicalNot" and outputs[7].op.type == "Invert"
        assert outputs[2].op.name == "xor"
        values = _run(outputs)
    expected = [
        [True, False],
        [True, True],
        [False, True],
        [False, True],
        [8, 1],
        [14, 7],
        [6, 6],
        [-13, -6],
        [0, 1],
    ]
    for value, want in zip(values, expected):
        assert value.tolist() == want


def test_string_plus_concatenates():
    with tf.Graph().as_default():
        out = tf.constant(["a", "b"]) + "!"
        assert out.op.type == "Add"
        assert _run(out).tolist() == [b"a!", b"b!"]


def test_truediv_operator_casts_integers_like_tf():
    with tf.Graph().as_default():
        assert (tf.constant([3]) / 2).dtype == F64
        assert (tf.constant([3], dtype=I16) / 2).dtype == F32
        assert (2 / tf.constant([4], dtype=U8)).dtype == F32
        assert _run(tf.constant([3]) / 2).tolist() == [1.5]


def test_equality_operators_stay_identity_and_tensors_hashable():
    with tf.Graph().as_default():
        x = tf.constant([1])
        y = tf.constant([1])
        assert (x == x) is True
        assert (x == y) is False
        assert x != y
        assert len({x, y}) == 2


def test_reflected_operator_converts_to_the_tensor_type():
    with tf.Graph().as_default():
        x = tf.constant([1, 2])
        out = 10 - x
        assert out.op.inputs[0].op.name == "sub/x"
        assert _run(out).tolist() == [9, 8]
