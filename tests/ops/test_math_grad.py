"""Gradients of the math family: a finite-difference check per differentiable op (GRAD_SPECS,
order 2 for Tanh, Sigmoid, MatMul, Mul, Square, Exp, Log), gradients recorded from real
TensorFlow where its formulas make choices (tests/golden/math_grad, tools/goldens/
math_grad.py), the ops gradients build (SigmoidGrad, TanhGrad, SqrtGrad, RsqrtGrad,
ReciprocalGrad) and the complex-part and special ops (OP_SPECS), and IndexedSlices
densification."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.framework import registry
from tests.ops import test_math_goldens as golden_runner
from tests.support import golden
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import math as ref

F32, F64, C64, C128 = tf.float32, tf.float64, tf.complex64, tf.complex128

_RNG = np.random.default_rng(1234)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def normal(*shape):
    return _RNG.normal(size=shape)


def positive(*shape, low=0.3, high=2.5):
    return _RNG.uniform(low, high, size=shape)


def unit(*shape):
    return _RNG.uniform(-0.8, 0.8, size=shape)


def away(*shape):
    """Values at least 0.2 away from 0 (the kink of Abs, Sign, Relu)."""
    signs = np.where(_RNG.random(shape) < 0.5, -1.0, 1.0)
    return signs * _RNG.uniform(0.2, 2.0, size=shape)


def distinct(*shape):
    """Distinct values, spaced 0.37 apart (no ties for Max, Min, TopK)."""
    size = int(np.prod(shape))
    return (_RNG.permutation(size).reshape(shape) - size / 2) * 0.37 + 0.05


def cplx(*shape):
    return normal(*shape) + 1j * normal(*shape)


def unary(op_type, builder, inputs, order=1, **kwargs):
    return GradSpec(op_type, builder, [inputs], order=order, **kwargs)


# ---------------------------------------------------------------------- gradient rows

_UNARY_ROWS = [
    unary("Neg", tf.negative, normal(2, 3)),
    unary("Abs", tf.abs, away(2, 3)),
    unary("Sign", tf.sign, away(2, 3)),
    unary("Square", tf.square, normal(2, 3), order=2),
    unary("Sqrt", tf.sqrt, positive(2, 3)),
    unary("Rsqrt", tf.math.rsqrt, positive(2, 3)),
    unary("Exp", tf.exp, normal(2, 3), order=2),
    unary("Expm1", tf.math.expm1, normal(2, 3)),
    unary("Log", tf.math.log, positive(2, 3), order=2),
    unary("Log1p", tf.math.log1p, positive(2, 3)),
    unary("Sin", tf.sin, normal(2, 3)),
    unary("Cos", tf.cos, normal(2, 3)),
    unary("Tan", tf.tan, unit(2, 3)),
    unary("Asin", tf.asin, unit(2, 3)),
    unary("Acos", tf.acos, unit(2, 3)),
    unary("Atan", tf.atan, normal(2, 3)),
    unary("Sinh", tf.sinh, normal(2, 3)),
    unary("Cosh", tf.cosh, normal(2, 3)),
    unary("Tanh", tf.tanh, normal(2, 3), order=2),
    unary("Sigmoid", tf.sigmoid, normal(2, 3), order=2),
    unary("Erf", tf.math.erf, normal(2, 3)),
    unary("Erfc", tf.math.erfc, normal(2, 3)),
    unary("Lgamma", tf.math.lgamma, positive(2, 3)),
    unary("Digamma", tf.math.digamma, positive(2, 3)),
    unary("Reciprocal", tf.math.reciprocal, away(2, 3)),
    unary("Inv", lambda x: raw("Inv", x), away(2, 3)),
    unary("Exp", tf.exp, cplx(3), id="Exp_complex"),
    unary("Tanh", tf.tanh, 0.5 * cplx(3), id="Tanh_complex"),
    unary("Sqrt", tf.sqrt, cplx(3), id="Sqrt_complex"),
]

# The gradient ops: z(y, dy), differentiated in both inputs (their own gradients).
_GRAD_OP_ROWS = [
    GradSpec(name, lambda y, dy, name=name: raw(name, y, dy), [y, normal(2, 3)], order=2)
    for name, y in [
        ("SigmoidGrad", _RNG.uniform(0.1, 0.9, (2, 3))),
        ("TanhGrad", unit(2, 3)),
        ("SqrtGrad", positive(2, 3)),
        ("RsqrtGrad", positive(2, 3)),
        ("ReciprocalGrad", away(2, 3)),
    ]
]

_COMPLEX_ROWS = [
    unary("Real", tf.math.real, cplx(2, 3)),
    unary("Imag", tf.math.imag, cplx(2, 3)),
    unary("Angle", tf.math.angle, cplx(2, 3)),
    unary("Conj", tf.math.conj, cplx(2, 3)),
    unary("ComplexAbs", tf.abs, cplx(2, 3)),
    GradSpec("Complex", tf.complex, [normal(2, 3), normal(3)]),
]


def _broadcast_pair(op_type, builder, x, y, **kwargs):
    return GradSpec(op_type, builder, [x, y], **kwargs)


_BINARY_ROWS = [
    _broadcast_pair("AddV2", tf.add, normal(2, 3), normal(3)),
    _broadcast_pair("Add", lambda x, y: raw("Add", x, y), normal(2, 1), normal(1, 3)),
    _broadcast_pair("Sub", tf.subtract, normal(2, 3), normal(2, 1)),
    _broadcast_pair("Mul", tf.multiply, normal(2, 3), normal(3), order=2),
    _broadcast_pair("Mul", tf.multiply, cplx(2, 3), cplx(2, 3), id="Mul_complex"),
    _broadcast_pair("Maximum", tf.maximum, distinct(2, 3), distinct(3) + 0.1),
    _broadcast_pair("Minimum", tf.minimum, distinct(2, 3), distinct(2, 1) + 0.1),
    _broadcast_pair("SquaredDifference", tf.squared_difference, normal(2, 3), normal(3)),
    _broadcast_pair("Pow", tf.pow, positive(2, 3), normal(3)),
    _broadcast_pair("Atan2", tf.atan2, normal(2, 3), away(3)),
    _broadcast_pair("Div", lambda x, y: raw("Div", x, y), normal(2, 3), away(3)),
    _broadcast_pair("RealDiv", tf.truediv, normal(2, 3), away(2, 1)),
    _broadcast_pair("DivNoNan", tf.math.divide_no_nan, normal(2, 3), away(3)),
    _broadcast_pair(
        "FloorMod", tf.math.floormod, positive(2, 3, low=0.1, high=0.9), 1.0 + 0 * positive(3)
    ),
    GradSpec(
        "AddN", lambda a, b, c: tf.add_n([a, b, c]), [normal(2, 3), normal(2, 3), normal(2, 3)]
    ),
    GradSpec(
        "Polygamma",
        lambda x: tf.math.polygamma(tf.constant(np.array([1.0, 2.0, 3.0])), x),
        [positive(2, 3)],
    ),
    GradSpec("Zeta", lambda q: tf.math.zeta(tf.constant(3.0, F64), q), [positive(2, 3)]),
    GradSpec(
        "Cast", lambda x: tf.cast(x, F64) * tf.cast(x, F64), [normal(2, 3).astype(np.float32)]
    ),
    GradSpec(
        "Select",
        lambda x, y: tf.where(tf.constant([[True, False, True], [False, True, True]]), x, y),
        [normal(2, 3), normal(2, 3)],
    ),
    GradSpec(
        "Select",
        lambda x, y: tf.where(tf.constant([True, False]), x, y),
        [normal(2, 3), normal(2, 3)],
        id="Select_rows",
    ),
    GradSpec(
        "SelectV2",
        lambda x, y: tf.where_v2(tf.constant([[True], [False]]), x, y),
        [normal(2, 3), normal(3)],
    ),
    GradSpec(
        "ClipByValue",
        lambda t, lo, hi: raw("ClipByValue", t, lo, hi),
        [
            np.array([[-2.0, 0.5, 3.0], [1.0, -1.5, 0.2]]),
            np.array(-1.0),
            np.array([[1.5, 1.0, 2.0], [0.5, 1.0, 1.0]]),
        ],
    ),
]

_MATMUL_ROWS = [
    GradSpec(
        "MatMul",
        lambda a, b, ta=ta, tb=tb: tf.matmul(a, b, transpose_a=ta, transpose_b=tb),
        [normal(3, 2) if ta else normal(2, 3), normal(4, 3) if tb else normal(3, 4)],
        order=2 if not (ta or tb) else 1,
        id=f"MatMul_{int(ta)}{int(tb)}",
    )
    for ta in (False, True)
    for tb in (False, True)
]
_MATMUL_ROWS += [
    GradSpec(
        "MatMul",
        lambda a, b: tf.matmul(a, b, adjoint_b=True),
        [cplx(2, 3), cplx(4, 3)],
        id="MatMul_adjoint_complex",
    ),
    GradSpec(
        "BatchMatMulV2",
        lambda a, b: tf.matmul(a, b),
        [normal(2, 1, 2, 3), normal(4, 3, 2)],
        id="BatchMatMulV2_broadcast",
    ),
    GradSpec(
        "BatchMatMulV2",
        lambda a, b: tf.matmul(a, b, adjoint_a=True, adjoint_b=True),
        [normal(2, 3, 2), normal(2, 4, 3)],
        id="BatchMatMulV2_adjoints",
    ),
    GradSpec(
        "BatchMatMulV2",
        lambda a, b: tf.matmul(a, b, transpose_a=True),
        [normal(3, 2), normal(2, 3, 4)],
        id="BatchMatMulV2_matrix_and_batch",
    ),
]

_EINSUM_ROWS = [
    GradSpec(
        "Einsum", lambda a, b, e=e: tf.einsum(e, a, b), [normal(*sa), normal(*sb)], id=f"Einsum_{e}"
    )
    for e, sa, sb in [
        ("ij,jk->ik", (2, 3), (3, 4)),
        ("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
        ("abc,cd->ad", (2, 3, 2), (2, 3)),
        ("...ij,...jk->...ik", (2, 2, 3), (1, 3, 2)),
        ("ij,kj->j", (2, 3), (4, 3)),
    ]
]
_EINSUM_ROWS += [
    GradSpec("Einsum", lambda a, e=e: tf.einsum(e, a), [normal(*s)], id=f"Einsum_{e}")
    for e, s in [("ii->i", (3, 3)), ("ij->", (2, 3)), ("ij->ji", (2, 3)), ("iij->j", (2, 2, 3))]
]


def _reduce_rows(op_type, builder, make):
    return [
        GradSpec(
            op_type, lambda x, kw=kw: builder(x, **kw), [make(2, 3, 2)], id=f"{op_type}_{name}"
        )
        for name, kw in [
            ("all", {}),
            ("axis1", {"axis": 1}),
            ("axes_keep", {"axis": [0, -1], "keepdims": True}),
        ]
    ]


_REDUCTION_ROWS = (
    _reduce_rows("Sum", tf.reduce_sum, normal)
    + _reduce_rows("Mean", tf.reduce_mean, normal)
    + _reduce_rows("Prod", tf.reduce_prod, positive)
    + _reduce_rows("Max", tf.reduce_max, distinct)
    + _reduce_rows("Min", tf.reduce_min, distinct)
)
_REDUCTION_ROWS += [
    GradSpec(
        "Prod",
        lambda x: tf.reduce_prod(x, axis=1),
        [np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [0.5, 2.0, -1.0]])],
        id="Prod_zeros",
    ),
    GradSpec(
        "Sum",
        lambda x: tf.reduce_sum(x, axis=tf.placeholder_with_default(np.int32(1), [])),
        [normal(2, 3)],
        id="Sum_dynamic_axis",
    ),
    GradSpec(
        "Cumsum",
        lambda x: tf.cumsum(x, axis=1, exclusive=True) + tf.cumsum(x, axis=0, reverse=True),
        [normal(3, 4)],
    ),
    GradSpec(
        "Cumprod",
        lambda x: tf.cumprod(x, axis=1) + tf.cumprod(x, axis=0, exclusive=True, reverse=True),
        [positive(3, 4)],
    ),
    GradSpec("TopKV2", lambda x: tf.nn.top_k(x, 2).values, [distinct(3, 4)]),
]

_IDS = np.array([0, 0, 1, 3, 3, 3])
_UNSORTED_IDS = np.array([2, -1, 0, 2, 0, 1])


def _segment_row(op_type, builder, make):
    return GradSpec(op_type, lambda x: builder(x, tf.constant(_IDS)), [make(6, 2)])


def _unsorted_row(op_type, builder, make):
    return GradSpec(op_type, lambda x: builder(x, tf.constant(_UNSORTED_IDS), 3), [make(6, 2)])


_SEGMENT_ROWS = [
    _segment_row("SegmentSum", tf.math.segment_sum, normal),
    _segment_row("SegmentMean", tf.math.segment_mean, normal),
    _segment_row("SegmentMax", tf.math.segment_max, distinct),
    _segment_row("SegmentMin", tf.math.segment_min, distinct),
    _segment_row("SegmentProd", tf.math.segment_prod, positive),
    _unsorted_row("UnsortedSegmentSum", tf.math.unsorted_segment_sum, normal),
    _unsorted_row("UnsortedSegmentMax", tf.math.unsorted_segment_max, distinct),
    _unsorted_row("UnsortedSegmentMin", tf.math.unsorted_segment_min, distinct),
    _unsorted_row("UnsortedSegmentProd", tf.math.unsorted_segment_prod, positive),
    GradSpec(
        "SegmentProd",
        lambda x: tf.math.segment_prod(x, tf.constant([0, 0, 0, 1, 1, 2])),
        [np.array([[0.0, 1.5], [2.0, 0.0], [1.5, 0.0], [0.0, 2.0], [3.0, 1.0], [0.0, 0.0]])],
        id="SegmentProd_zeros",
    ),
]

GRAD_SPECS = (
    _UNARY_ROWS
    + _GRAD_OP_ROWS
    + _COMPLEX_ROWS
    + _BINARY_ROWS
    + _MATMUL_ROWS
    + _EINSUM_ROWS
    + _REDUCTION_ROWS
    + _SEGMENT_ROWS
)


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    with np.errstate(all="ignore"):
        spec.check()


# ---------------------------------------------------------------------- new ops' rows

_UNARY_SHAPES = [
    ShapeCase([([2, 3], C64)], expected=[2, 3]),
    ShapeCase([([None, 3], C128)], expected=[None, 3]),
    ShapeCase([(None, C64)], expected=None),
]


def _grad_op_spec(name):
    return OpSpec(
        name,
        lambda y, dy, name=name: raw(name, y, dy),
        reference=ref.grad_op(name),
        shapes=[(2, 3), (2, 3)],
        dtypes=[F32, F64, C128],
        domain="positive",
        shape_cases=[
            ShapeCase([[2, 3], [2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3], [2, None]], expected=[2, 3]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2], [3]], error="Dimension 0 in both shapes must be equal"),
        ],
    )


OP_SPECS = [
    OpSpec(
        part.capitalize(),
        getattr(tf.math, part),
        reference=ref.complex_parts(part),
        shapes=[(2, 3)],
        dtypes=[C64, C128],
        cases=[
            (
                [np.array([1 + 2j, -1 - 0j, 0j], np.complex128)],
                ref.complex_parts(part)(np.array([1 + 2j, -1 - 0j, 0j], np.complex128)),
            )
        ],
        shape_cases=_UNARY_SHAPES + [ShapeCase([[]], expected=[])],
    )
    for part in ("real", "imag", "angle")
]
OP_SPECS += [
    OpSpec(
        "Complex",
        tf.complex,
        reference=ref.make_complex,
        shapes=[(2, 3), (3,)],
        dtypes=[F32, F64],
        shape_cases=[
            ShapeCase([[2, 3], [3]], expected=[2, 3]),
            ShapeCase([[None, 3], [1]], expected=[None, 3]),
            ShapeCase([None, [3]], expected=None),
            ShapeCase([[2], [3]], error="Dimensions must be equal, but are 2 and 3"),
        ],
    ),
    OpSpec(
        "Polygamma",
        tf.math.polygamma,
        cases=[
            (
                [np.array([0.0, 1.0, 2.0, 3.0, 1.5]), np.array([0.5, 2.0, 0.25, 7.0, 1.0])],
                ref.polygamma(
                    np.array([0.0, 1.0, 2.0, 3.0, 1.5]), np.array([0.5, 2.0, 0.25, 7.0, 1.0])
                ),
            )
        ],
        shape_cases=[
            ShapeCase([[], [2, 3]], expected=[2, 3]),
            ShapeCase([[None], [3]], expected=[3]),
            ShapeCase([None, [3]], expected=None),
            ShapeCase([[2], [3]], error="Dimensions must be equal, but are 2 and 3"),
        ],
    ),
    OpSpec(
        "Zeta",
        tf.math.zeta,
        reference=ref.zeta,
        shapes=[(2, 3), (3,)],
        dtypes=[F64, F32],
        domain="positive",
        cases=[
            (
                [np.array([2.0, 1.5, 4.0, 1.0]), np.array([1.0, 0.5, 10.0, 2.0])],
                ref.zeta(np.array([2.0, 1.5, 4.0, 1.0]), np.array([1.0, 0.5, 10.0, 2.0])),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3], [3]], expected=[2, 3]),
            ShapeCase([[None, 3], [1]], expected=[None, 3]),
            ShapeCase([None, [3]], expected=None),
            ShapeCase([[2], [3]], error="Dimensions must be equal, but are 2 and 3"),
        ],
    ),
]
OP_SPECS += [
    _grad_op_spec(name)
    for name in ("SigmoidGrad", "TanhGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad")
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    with np.errstate(all="ignore"):
        op_check.check_forward(spec)
        op_check.check_forward(spec, static=False)
        op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


# ---------------------------------------------------------------------- TF goldens

GOLDEN_CASES = golden.cases("math_grad")


def test_math_grad_goldens_were_recorded():
    assert len(GOLDEN_CASES) >= 20


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden(case):
    arrays, meta = golden.load("math_grad", case)
    with np.errstate(all="ignore"):
        for mode in meta["modes"]:
            golden_runner._check_mode("math_grad", case, arrays, meta, mode)


# ---------------------------------------------------------------------- behaviour


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_integer_valued_ops_give_none_gradients():
    with tf.Graph().as_default():
        x = tf.constant([1.5, -2.5], F64)
        y = tf.constant([2.0, 2.0], F64)
        assert tf.gradients(tf.math.floordiv(x, y), [x, y]) == [None, None]
        assert tf.gradients(tf.floor(x) + tf.round(x) + tf.math.rint(x) + tf.math.ceil(x), x) == [
            None
        ]
        assert tf.gradients(tf.cast(tf.cast(x, tf.int32), F64), x) == [None]
        assert tf.gradients(tf.cast(tf.argmax(x), F64), x) == [None]


def test_sign_gradient_is_zeros_not_none():
    with tf.Graph().as_default():
        x = tf.constant([1.5, -2.5])
        (grad,) = tf.gradients(tf.sign(x), x)
        assert grad is not None
        np.testing.assert_array_equal(_run(grad), [0.0, 0.0])


def test_not_differentiable_ops_say_why():
    for name in ("Less", "Equal", "LogicalAnd", "BitwiseAnd", "ArgMax", "Floor", "IsNan", "Range"):
        assert registry.is_not_differentiable(name)
        assert registry.not_differentiable_reason(name)


def test_binary_gradient_of_equal_static_shapes_needs_no_broadcast_args():
    with tf.Graph().as_default() as graph:
        x = tf.constant(np.ones((2, 3)))
        y = tf.constant(np.ones((2, 3)))
        tf.gradients(x * y, [x, y])
        types = {op.type for op in graph.get_operations()}
    assert "BroadcastGradientArgs" not in types


def test_broadcast_gradients_reduce_with_broadcast_gradient_args():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(F64, [None, 3])
        y = tf.placeholder(F64, [3])
        gx, gy = tf.gradients(x * y, [x, y])
        assert "BroadcastGradientArgs" in {op.type for op in graph.get_operations()}
        xv, yv = normal(4, 3), normal(3)
        values = _run([gx, gy], {x: xv, y: yv})
    np.testing.assert_allclose(values[0], np.broadcast_to(yv, (4, 3)))
    np.testing.assert_allclose(values[1], xv.sum(axis=0))


def test_matmul_gradients_are_matmuls_marked_grad_a_and_grad_b():
    with tf.Graph().as_default():
        a, b = tf.constant(normal(2, 3)), tf.constant(normal(3, 4))
        ga, gb = tf.gradients(tf.matmul(a, b), [a, b])
        assert ga.op.type == gb.op.type == "MatMul"
        assert ga.op.get_attr("grad_a") and gb.op.get_attr("grad_b")
        assert ga.op.get_attr("transpose_b") and gb.op.get_attr("transpose_a")


def test_indexed_slices_convert_to_a_dense_unsorted_segment_sum():
    with tf.Graph().as_default():
        values = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        indices = tf.constant([3, 0, 3])
        slices = tf.IndexedSlices(values, indices, tf.constant([4, 2]))
        dense = tf.convert_to_tensor(slices)
        assert dense.op.type == "UnsortedSegmentSum"
        assert dense.dtype == F32
        value = _run(dense)
    np.testing.assert_array_equal(value, [[3.0, 4.0], [0.0, 0.0], [0.0, 0.0], [6.0, 8.0]])


def test_indexed_slices_conversion_errors():
    with tf.Graph().as_default():
        slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))
        with pytest.raises(ValueError, match="without dense_shape"):
            tf.convert_to_tensor(slices)
        shaped = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([2, 1]))
        with pytest.raises(ValueError, match="requested dtype int32"):
            tf.convert_to_tensor(shaped, dtype=tf.int32)


def test_fan_in_of_indexed_slices_and_tensors_adds_densely():
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        slices = tf.IndexedSlices(tf.constant([[1.0, 1.0]]), tf.constant([1]), tf.constant([2, 2]))
        total = tf.add_n([tf.convert_to_tensor(slices), x])
        np.testing.assert_array_equal(_run(total), [[1.0, 2.0], [4.0, 5.0]])


def test_einsum_kernel_writes_repeated_output_labels_on_the_diagonal():
    with tf.Graph().as_default():
        x = tf.constant([1.0, 2.0, 3.0])
        out = raw("Einsum", [x], equation="i->ii")
        np.testing.assert_array_equal(_run(out), np.diag([1.0, 2.0, 3.0]))
        batch = raw("Einsum", [tf.constant(np.ones((2, 3)))], equation="bi->bii")
        np.testing.assert_array_equal(_run(batch), np.stack([np.eye(3)] * 2))
