"""Cwise math ops (ndflow/ops/math/cwise.py, division.py, bitwise.py): every unary and
binary op against Python's `math`/`cmath` and exact integers over its declared dtypes,
shape inference, scalars, empty and broadcast inputs, and the edge cases.
"""

from __future__ import annotations

import cmath
import math

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

FLOATS = [F16, F32, F64, BF16]
SIGNED = [I8, I16, I32, I64]
UNSIGNED = [U8, U16, U32, U64]
ALL_NUMBERS = FLOATS + SIGNED + UNSIGNED + [C64, C128]


def raw(op_type, *inputs, **attrs):
    """The op itself, bypassing any builder logic (TF's `tf.raw_ops`)."""
    return op_builder.apply_op(op_type, *inputs, **attrs)


UNARY_SHAPES = [
    ShapeCase([[2, 3]], expected=[2, 3]),
    ShapeCase([[None, 3]], expected=[None, 3]),
    ShapeCase([None], expected=None),
    ShapeCase([[]], expected=[]),
]
BINARY_SHAPES = [
    ShapeCase([[2, 3], [3]], expected=[2, 3]),
    ShapeCase([[None, 3], [2, 1]], expected=[2, 3]),
    ShapeCase([None, [4]], expected=None),
    ShapeCase([[2, 3], [2, 4]], error="Dimensions must be equal, but are 3 and 4"),
]


def _typed(shape_cases, dtype):
    return [
        ShapeCase(
            [(s, dtype) if s is None or isinstance(s, list) else s for s in c.inputs],
            c.expected,
            c.error,
        )
        for c in shape_cases
    ]


def unary_row(op_type, builder, real_fn, complex_fn=None, types=(F32, F64), domain="any"):
    return OpSpec(
        op_type,
        builder,
        reference=ref.unary(ref._guard(real_fn), complex_fn),
        shapes=[(3, 4)],
        dtypes=list(types),
        domain=domain,
        shape_cases=_typed(UNARY_SHAPES, types[0]),
    )


def binary_row(op_type, builder, fn, types, domain="any", shapes=((2, 3), (3,))):
    return OpSpec(
        op_type,
        builder,
        reference=lambda x, y: ref.elementwise(fn, x, y),
        shapes=list(shapes),
        dtypes=list(types),
        domain=domain,
        shape_cases=_typed(BINARY_SHAPES, types[0]),
    )


def _identity(v):
    return v


UNARY_SPECS = [
    unary_row("Neg", tf.negative, lambda v: -v, lambda v: -v, FLOATS + SIGNED + [C64, C128]),
    unary_row("Abs", tf.abs, abs, None, FLOATS + SIGNED),
    unary_row("ComplexAbs", tf.abs, abs, abs, [C64, C128]),
    unary_row("Sign", tf.sign, ref.sign, ref.sign, FLOATS + SIGNED + [C64, C128]),
    unary_row(
        "Square", tf.square, lambda v: v * v, lambda v: v * v, FLOATS + SIGNED + UNSIGNED + [C64]
    ),
    unary_row("Sqrt", tf.sqrt, math.sqrt, cmath.sqrt, FLOATS + [C64, C128], "positive"),
    unary_row(
        "Rsqrt",
        tf.rsqrt,
        lambda v: 1 / math.sqrt(v),
        lambda v: 1 / cmath.sqrt(v),
        FLOATS + [C128],
        "positive",
    ),
    unary_row("Exp", tf.exp, math.exp, cmath.exp, FLOATS + [C64, C128]),
    unary_row("Expm1", tf.expm1, math.expm1, lambda v: cmath.exp(v) - 1, FLOATS + [C128]),
    unary_row("Log", tf.log, math.log, cmath.log, FLOATS + [C64, C128], "positive"),
    unary_row(
        "Log1p", tf.log1p, math.log1p, lambda v: cmath.log(1 + v), FLOATS + [C128], "positive"
    ),
    unary_row("Sin", tf.sin, math.sin, cmath.sin, FLOATS + [C64]),
    unary_row("Cos", tf.cos, math.cos, cmath.cos, FLOATS + [C64]),
    unary_row("Tan", tf.tan, math.tan, cmath.tan, FLOATS + [C128], "unit"),
    unary_row("Asin", tf.asin, math.asin, cmath.asin, FLOATS + [C128], "unit"),
    unary_row("Acos", tf.acos, math.acos, cmath.acos, FLOATS + [C128], "unit"),
    unary_row("Atan", tf.atan, math.atan, cmath.atan, FLOATS + [C128]),
    unary_row("Sinh", tf.sinh, math.sinh, cmath.sinh, FLOATS + [C128]),
    unary_row("Cosh", tf.cosh, math.cosh, cmath.cosh, FLOATS + [C128]),
    unary_row("Tanh", tf.tanh, math.tanh, cmath.tanh, FLOATS + [C64, C128]),
    unary_row("Sigmoid", tf.sigmoid, ref.sigmoid, ref.sigmoid, FLOATS + [C64, C128]),
    unary_row("Erf", tf.erf, math.erf, None, FLOATS),
    unary_row("Erfc", tf.erfc, math.erfc, None, FLOATS),
    unary_row("Lgamma", tf.lgamma, math.lgamma, None, FLOATS, "positive"),
    unary_row("Digamma", tf.digamma, ref.digamma, None, [F32, F16, BF16], "positive"),
    unary_row("Floor", tf.floor, lambda v: float(math.floor(v)), None, FLOATS),
    unary_row("Ceil", tf.ceil, lambda v: float(math.ceil(v)), None, FLOATS),
    unary_row("Rint", tf.rint, ref.round_half_even, None, FLOATS),
    unary_row(
        "Round",
        lambda x: raw("Round", x),
        ref.round_half_even,
        ref.round_half_even,
        FLOATS + SIGNED + [C64],
    ),
    unary_row(
        "Reciprocal",
        tf.reciprocal,
        ref.reciprocal,
        lambda v: 1 / v,
        FLOATS + SIGNED + [C128],
        "nonzero",
    ),
    unary_row("Inv", lambda x: raw("Inv", x), ref.reciprocal, None, [F32, I32], "nonzero"),
    unary_row("Conj", tf.math.conj, _identity, lambda v: v.conjugate(), [C64, C128]),
]

PREDICATE_SPECS = [
    OpSpec(
        op_type,
        builder,
        reference=ref.predicate(fn),
        shapes=[(3, 4)],
        dtypes=FLOATS,
        cases=[([np.array([np.nan, np.inf, -np.inf, 0.0, -1.5], np.float32)], np.array(expected))],
        shape_cases=UNARY_SHAPES,
    )
    for op_type, builder, fn, expected in [
        ("IsNan", tf.is_nan, math.isnan, [True, False, False, False, False]),
        ("IsInf", tf.is_inf, math.isinf, [False, True, True, False, False]),
        ("IsFinite", tf.is_finite, math.isfinite, [False, False, False, True, True]),
    ]
]

_ARITHMETIC = FLOATS + SIGNED + UNSIGNED + [C64, C128]
_REAL = FLOATS + SIGNED + UNSIGNED

BINARY_SPECS = [
    binary_row("AddV2", tf.add, lambda a, b: a + b, _ARITHMETIC),
    binary_row("Sub", tf.subtract, lambda a, b: a - b, _ARITHMETIC),
    binary_row("Mul", tf.multiply, lambda a, b: a * b, _ARITHMETIC),
    binary_row("Maximum", tf.maximum, max, _REAL, shapes=((4, 1, 3), (2, 1))),
    binary_row("Minimum", tf.minimum, min, _REAL, shapes=((4, 1, 3), (2, 1))),
    binary_row(
        "SquaredDifference",
        tf.squared_difference,
        ref.squared_difference,
        FLOATS + [I32, I64, C64, C128],
    ),
    binary_row("Pow", tf.pow, ref.power, [F32, F64, F16], domain="positive"),
    binary_row("Atan2", tf.atan2, math.atan2, FLOATS),
    binary_row("Div", lambda x, y: raw("Div", x, y), ref.divide, _ARITHMETIC, "nonzero"),
    binary_row("RealDiv", tf.realdiv, ref.divide, _ARITHMETIC, "nonzero"),
    binary_row("DivNoNan", tf.div_no_nan, ref.div_no_nan, FLOATS + [C64, C128]),
    binary_row("FloorDiv", tf.floor_div, ref.floor_div, _REAL, "nonzero"),
    binary_row("FloorMod", tf.floormod, ref.floor_mod, _REAL, "nonzero"),
    binary_row("TruncateDiv", tf.truncatediv, ref.trunc_div, _REAL, "nonzero"),
    binary_row(
        "TruncateMod", tf.truncatemod, ref.trunc_mod, [I32, I64, F16, F32, F64, BF16], "nonzero"
    ),
    binary_row(
        "Mod", lambda x, y: raw("Mod", x, y), ref.trunc_mod, [I32, I64, F32, F64], "nonzero"
    ),
]

_INT_POW = OpSpec(
    "Pow",
    tf.pow,
    reference=lambda x, y: ref.elementwise(ref.power, x, y),
    shapes=[(3, 4), (3, 4)],
    dtypes=SIGNED,
    domain="positive",
    id="Pow_integers",
)

_STRING_ADD = OpSpec(
    "Add",
    tf.add,
    reference=lambda x, y: ref.elementwise(lambda a, b: a + b, x, y),
    shapes=[(2, 3), (3,)],
    dtypes=[F32, I16, U8, C64],
    cases=[
        (
            [np.array([b"a", b"bc"], object), np.array(b"!", object)],
            np.array([b"a!", b"bc!"], object),
        )
    ],
    shape_cases=_typed(BINARY_SHAPES, tf.string),
)

_ADD_N = OpSpec(
    "AddN",
    lambda a, b, c: tf.add_n([a, b, c]),
    reference=lambda a, b, c: ref.elementwise(lambda p, q, r: p + q + r, a, b, c),
    shapes=[(2, 3), (2, 3), (2, 3)],
    dtypes=[F32, F64, I8, U8, C128, F16],
    shape_cases=[
        ShapeCase([[2, 3], [2, 3], [2, 3]], expected=[2, 3]),
        ShapeCase([[None, 3], [2, None], None], expected=[2, 3]),
        ShapeCase([None, None, None], expected=None),
        ShapeCase(
            [[2, 3], [2, 4], [2, 3]],
            error="Dimension 1 in both shapes must be equal, but are 3 and 4. Shapes are "
            "[2,3] and [2,4].\n\tFrom merging shape 0 with other shapes.",
        ),
        ShapeCase([[2, 3], [2], [2, 3]], error="Shapes must be equal rank, but are 2 and 1"),
    ],
)


def _shift_reference(left):
    def reference(x, y):
        bits = x.dtype.itemsize * 8

        def fn(a, b):
            b = ref.clamp_shift(b, bits)
            return a << b if left else a >> b

        return ref.elementwise(fn, x, y)

    return reference


_INTEGERS = SIGNED + UNSIGNED
BITWISE_SPECS = [
    binary_row("BitwiseAnd", tf.bitwise.bitwise_and, lambda a, b: a & b, _INTEGERS),
    binary_row("BitwiseOr", tf.bitwise.bitwise_or, lambda a, b: a | b, _INTEGERS),
    binary_row("BitwiseXor", tf.bitwise.bitwise_xor, lambda a, b: a ^ b, _INTEGERS),
    OpSpec(
        "LeftShift",
        tf.bitwise.left_shift,
        reference=_shift_reference(True),
        shapes=[(2, 5), (5,)],
        dtypes=_INTEGERS,
        shape_cases=_typed(BINARY_SHAPES, I32),
    ),
    OpSpec(
        "RightShift",
        tf.bitwise.right_shift,
        reference=_shift_reference(False),
        shapes=[(2, 5), (5,)],
        dtypes=_INTEGERS,
        shape_cases=_typed(BINARY_SHAPES, I32),
    ),
    unary_row("Invert", tf.bitwise.invert, lambda v: ~v, None, _INTEGERS),
]

OP_SPECS = (
    UNARY_SPECS + PREDICATE_SPECS + BINARY_SPECS + [_INT_POW, _STRING_ADD, _ADD_N] + (BITWISE_SPECS)
)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    with np.errstate(all="ignore"):
        op_check.check_forward(spec)
        op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


# ---------------------------------------------------------------------- edge cases


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


@pytest.mark.parametrize("spec", UNARY_SPECS + PREDICATE_SPECS, ids=str)
def test_unary_on_scalars_and_empty_tensors(spec):
    dtype = spec.dtypes[0]
    with tf.Graph().as_default():
        for shape in [(), (0,), (2, 0, 3)]:
            value = (
                np.ones(shape, dtype.as_numpy_dtype) * 0.5
                if not dtype.is_integer
                else np.ones(shape, dtype.as_numpy_dtype)
            )
            out = spec.builder(tf.constant(value))
            result = _run(out)
            assert np.shape(result) == shape
            assert out.shape.as_tuple() == shape


@pytest.mark.parametrize("op_type", ["Div", "FloorDiv", "FloorMod", "Mod", "RealDiv"])
@pytest.mark.parametrize("dtype", [I32, I64, U8])
def test_integer_division_by_zero_is_invalid_argument(op_type, dtype):
    if op_type == "Mod" and dtype == U8:
        pytest.skip("Mod has no uint8 kernel")
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [2])
        out = raw(op_type, x, tf.constant([1, 0], dtype=dtype))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
            _run(out, {x: [4, 5]})


def test_truncate_div_by_zero_is_internal_error_as_in_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(I32, [1])
        out = tf.truncatediv(x, tf.constant([0]))
        with pytest.raises(tf.errors.InternalError, match="only integer div and mod"):
            _run(out, {x: [1]})


def test_float_division_by_zero_gives_inf_and_nan():
    with tf.Graph().as_default():
        x = tf.constant([1.0, -1.0, 0.0])
        result = _run([x / 0.0, tf.floordiv(x, 0.0), tf.floormod(x, 0.0), tf.div_no_nan(x, 0.0)])
    np.testing.assert_array_equal(result[0], [np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(result[1], [np.inf, -np.inf, np.nan])
    assert np.isnan(result[2]).all()
    np.testing.assert_array_equal(result[3], [0.0, 0.0, 0.0])


def test_integer_pow_with_negative_exponent_is_invalid_argument():
    with tf.Graph().as_default():
        out = tf.pow(tf.constant([2, 3]), tf.placeholder_with_default([1, -1], [2]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="negative integer powers"):
            _run(out)


def test_runtime_broadcast_failure_is_incompatible_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [None])
        out = x * tf.constant([1.0, 2.0, 3.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs"):
            _run(out, {x: [1.0, 2.0]})


def test_add_n_runtime_shape_mismatch_names_inputs():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [None])
        out = tf.add_n([x, tf.constant([1.0, 2.0, 3.0])])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input 0: \[2\] != input 1"):
            _run(out, {x: [1.0, 2.0]})


def test_add_n_of_one_tensor_returns_it_unless_named():
    with tf.Graph().as_default():
        x = tf.constant([1.0])
        assert tf.add_n([x]) is x
        assert tf.add_n([x], name="total").op.type == "Identity"
        with pytest.raises(ValueError, match="at least one Tensor"):
            tf.add_n([])


def test_no_implicit_promotion_matches_tf_message():
    with tf.Graph().as_default():
        i = tf.constant([1], dtype=I32)
        f = tf.constant([1.0], dtype=F32)
        message = (
            "Input 'y' of 'AddV2' Op has type float32 that does not match type int32 of "
            "argument 'x'."
        )
        for build in (lambda: tf.add(i, f), lambda: i + f, lambda: i + 1.5):
            with pytest.raises(TypeError) as caught:
                build()
            assert str(caught.value) == message


def test_builders_name_ops_like_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, [2])
        i = tf.placeholder(I32, [2])
        assert tf.add(x, 1.0).name == "Add:0"
        assert tf.add(x, 1.0).op.inputs[1].op.name == "Add_1/y"
        assert tf.abs(tf.constant([1j])).op.type == "ComplexAbs"
        assert tf.truediv(i, i).op.inputs[0].op.name == "truediv/Cast"
        assert tf.truediv(i, i).dtype == F64
        assert tf.truediv(tf.constant([1], dtype=I8), tf.constant([1], dtype=I8)).dtype == F32
        assert tf.div(i, i).op.type == "FloorDiv"
        assert tf.div(x, x).op.type == "RealDiv"
        assert tf.divide(x, x).name.startswith("truediv")
        assert tf.round(i) is i
        assert tf.scalar_mul(2.0, x).op.type == "Mul"
        with pytest.raises(ValueError, match="0-D"):
            tf.scalar_mul([2.0, 3.0], x)


def test_accumulate_n_is_add_n():
    with tf.Graph().as_default():
        total = tf.accumulate_n([tf.constant([1.0]), tf.constant([2.0])])
        assert total.op.type == "AddN"
        np.testing.assert_array_equal(_run(total), [3.0])


def test_shifts_clamp_the_shift_amount():
    with tf.Graph().as_default():
        x = tf.constant([1, 1, -8], dtype=I8)
        y = tf.constant([8, -1, 1], dtype=I8)
        left, right = _run([tf.bitwise.left_shift(x, y), tf.bitwise.right_shift(x, y)])
    np.testing.assert_array_equal(left, [-128, 1, -16])
    np.testing.assert_array_equal(right, [0, 1, -4])


@pytest.mark.parametrize("spec", BINARY_SPECS + BITWISE_SPECS[:5] + [_ADD_N], ids=str)
def test_binary_on_scalars_and_empty_tensors(spec):
    dtype = spec.dtypes[0]
    one = np.ones((), dtype.as_numpy_dtype)
    with tf.Graph().as_default():
        for shape in [(), (0,), (2, 0, 3)]:
            values = [np.broadcast_to(one, shape)] + [one] * (len(spec.shapes) - 1)
            if spec.op_type == "AddN":
                values = [np.broadcast_to(one, shape)] * 3
            out = spec.builder(*[tf.constant(v) for v in values])
            result = _run(out)
            assert np.shape(result) == shape and out.shape.as_tuple() == shape
            assert np.asarray(result).dtype == dtype.as_numpy_dtype
