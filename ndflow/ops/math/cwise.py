"""Cwise unary math: the unary table (Neg, Exp, Erf, Sigmoid, Round...) with each op's
gradient (TF's math_grad.py formulas), the gradient ops TF's gradients build (SigmoidGrad,
TanhGrad, SqrtGrad, RsqrtGrad, ReciprocalGrad) with their own gradients, and the builders.

Uniform rows live in tables (STYLE.md rule 5); each row carries TF's own type list. Binary
arithmetic lives in arithmetic.py, complex parts in complex.py.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.math import special

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
conj = elementwise.conj

FLOAT = elementwise.FLOAT
COMPLEX = elementwise.COMPLEX
SIGNED = elementwise.SIGNED
NUMERIC = elementwise.NUMERIC
FLOAT_COMPLEX = elementwise.FLOAT_COMPLEX
FLOAT_SIGNED = f"{FLOAT}, {SIGNED}"
FLOAT_SIGNED_COMPLEX = f"{FLOAT}, {SIGNED}, {COMPLEX}"


# ---------------------------------------------------------------------- unary kernels


@elementwise.via_float32
def _sigmoid(x):
    return np.reciprocal(1 + np.exp(-x))


@elementwise.via_float32
def _rsqrt(x):
    return np.reciprocal(np.sqrt(x))


def _round_half_even(x):
    """TF's Round: half to even for floats and complex parts; integers are already round."""
    if np.asarray(x).dtype.kind in "iu":
        return x
    return np.round(x)


def _reciprocal(x):
    if np.asarray(x).dtype.kind in "iu" and np.any(np.asarray(x) == 0):
        raise elementwise.integer_division_by_zero()
    return np.reciprocal(x)


# ---------------------------------------------------------------------- unary gradients
# Each is TF's formula; x and y are conjugated first, as TF does for complex inputs.


def _x(op):
    return conj(op.inputs[0])


def _y(op):
    return conj(op.outputs[0])


def _one(grad):
    return op_builder.constant(1, dtype=grad.dtype.base_dtype)


def _neg_grad(op, grad):
    return [-grad]


def _abs_grad(op, grad):
    return [grad * apply_op("Sign", op.inputs[0])]


def _sign_grad(op, grad):
    """TF's `_SignGrad`: zeros (not None)."""
    return [array.zeros_like(op.inputs[0])]


def _square_grad(op, grad):
    two = op_builder.constant(2.0, dtype=grad.dtype.base_dtype)
    return [apply_op("Mul", grad, apply_op("Mul", _x(op), two))]


def _exp_grad(op, grad):
    return [grad * _y(op)]


def _expm1_grad(op, grad):
    return [grad * apply_op("Exp", _x(op))]


def _log_grad(op, grad):
    return [grad * apply_op("Reciprocal", _x(op))]


def _log1p_grad(op, grad):
    return [grad * apply_op("Reciprocal", 1 + _x(op))]


def _sin_grad(op, grad):
    return [grad * apply_op("Cos", _x(op))]


def _cos_grad(op, grad):
    return [-grad * apply_op("Sin", _x(op))]


def _tan_grad(op, grad):
    secant = apply_op("Reciprocal", apply_op("Cos", _x(op)))
    return [apply_op("Square", secant) * grad]


def _inverse_sqrt_one_minus_square(op, grad):
    """1 / sqrt(1 - x^2), shared by Asin and Acos."""
    one_minus = apply_op("Sub", _one(grad), apply_op("Square", _x(op)))
    return apply_op("Reciprocal", apply_op("Sqrt", one_minus))


def _asin_grad(op, grad):
    return [grad * _inverse_sqrt_one_minus_square(op, grad)]


def _acos_grad(op, grad):
    return [-grad * _inverse_sqrt_one_minus_square(op, grad)]


def _atan_grad(op, grad):
    one_plus = apply_op("AddV2", _one(grad), apply_op("Square", _x(op)))
    return [grad * apply_op("Reciprocal", one_plus)]


def _sinh_grad(op, grad):
    return [grad * apply_op("Cosh", _x(op))]


def _cosh_grad(op, grad):
    return [grad * apply_op("Sinh", _x(op))]


def _tanh_grad(op, grad):
    return [apply_op("TanhGrad", _y(op), grad)]


def _sigmoid_grad(op, grad):
    return [apply_op("SigmoidGrad", _y(op), grad)]


def _sqrt_grad(op, grad):
    return [apply_op("SqrtGrad", op.outputs[0], grad)]


def _rsqrt_grad(op, grad):
    return [apply_op("RsqrtGrad", op.outputs[0], grad)]


def _reciprocal_grad(op, grad):
    return [apply_op("ReciprocalGrad", op.outputs[0], grad)]


def _erf_grad_with(scale: float):
    """grad * scale * exp(-x^2): Erf (scale 2/sqrt(pi)) and Erfc (-2/sqrt(pi))."""

    def grad_fn(op, grad):
        factor = op_builder.constant(scale, dtype=grad.dtype.base_dtype)
        return [grad * factor * apply_op("Exp", -apply_op("Square", _x(op)))]

    return grad_fn


def _lgamma_grad(op, grad):
    return [grad * apply_op("Digamma", _x(op))]


def _digamma_grad(op, grad):
    x = _x(op)
    one = op_builder.constant(1, dtype=x.dtype.base_dtype)
    return [grad * apply_op("Polygamma", one, x)]


_TWO_OVER_ROOT_PI = 2 / np.sqrt(np.pi)

# (op type, kernel, TF's type list, gradient); the output type is T.
_UNARY = [
    ("Neg", np.negative, FLOAT_SIGNED_COMPLEX, _neg_grad),
    ("Abs", np.abs, FLOAT_SIGNED, _abs_grad),
    ("Sign", np.sign, FLOAT_SIGNED_COMPLEX, _sign_grad),
    ("Square", np.square, NUMERIC, _square_grad),
    ("Sqrt", np.sqrt, FLOAT_COMPLEX, _sqrt_grad),
    ("Rsqrt", _rsqrt, FLOAT_COMPLEX, _rsqrt_grad),
    ("Exp", np.exp, FLOAT_COMPLEX, _exp_grad),
    ("Expm1", np.expm1, FLOAT_COMPLEX, _expm1_grad),
    ("Log", np.log, FLOAT_COMPLEX, _log_grad),
    ("Log1p", np.log1p, FLOAT_COMPLEX, _log1p_grad),
    ("Sin", np.sin, FLOAT_COMPLEX, _sin_grad),
    ("Cos", np.cos, FLOAT_COMPLEX, _cos_grad),
    ("Tan", np.tan, FLOAT_COMPLEX, _tan_grad),
    ("Asin", np.arcsin, FLOAT_COMPLEX, _asin_grad),
    ("Acos", np.arccos, FLOAT_COMPLEX, _acos_grad),
    ("Atan", np.arctan, FLOAT_COMPLEX, _atan_grad),
    ("Sinh", np.sinh, FLOAT_COMPLEX, _sinh_grad),
    ("Cosh", np.cosh, FLOAT_COMPLEX, _cosh_grad),
    ("Tanh", np.tanh, FLOAT_COMPLEX, _tanh_grad),
    ("Sigmoid", _sigmoid, FLOAT_COMPLEX, _sigmoid_grad),
    ("Erf", special.erf, FLOAT, _erf_grad_with(_TWO_OVER_ROOT_PI)),
    ("Erfc", special.erfc, FLOAT, _erf_grad_with(-_TWO_OVER_ROOT_PI)),
    ("Lgamma", special.lgamma, FLOAT, _lgamma_grad),
    ("Digamma", special.digamma, FLOAT, _digamma_grad),
    ("Reciprocal", _reciprocal, FLOAT_SIGNED_COMPLEX, _reciprocal_grad),
    ("Inv", _reciprocal, FLOAT_SIGNED_COMPLEX, _reciprocal_grad),
]

# Piecewise constant: TF's gradients return None.
_STEPS = [
    ("Floor", np.floor, FLOAT),
    ("Ceil", np.ceil, FLOAT),
    ("Rint", np.rint, FLOAT),
    ("Round", _round_half_even, FLOAT_SIGNED_COMPLEX),
]

_PREDICATES = [
    ("IsNan", np.isnan, FLOAT),
    ("IsInf", np.isinf, FLOAT),
    ("IsFinite", np.isfinite, FLOAT),
]

for _name, _fn, _types, _grad in _UNARY:
    elementwise.register_unary(_name, _fn, _types, grad=_grad)
for _name, _fn, _types in _STEPS:
    elementwise.register_unary(_name, _fn, _types)
    registry.not_differentiable(
        _name,
        "piecewise constant: its gradient is zero almost "
        "everywhere, and TF's gradient function returns None",
    )
for _name, _fn, _types in _PREDICATES:
    elementwise.register_unary(_name, _fn, _types, out_type="bool")
    registry.not_differentiable(_name, "a bool-valued predicate")


negative = elementwise.unary_builder("Neg", "negative")
sign = elementwise.unary_builder("Sign", "sign")
square = elementwise.unary_builder("Square", "square")
sqrt = elementwise.unary_builder("Sqrt", "sqrt")
rsqrt = elementwise.unary_builder("Rsqrt", "rsqrt")
exp = elementwise.unary_builder("Exp", "exp")
expm1 = elementwise.unary_builder("Expm1", "expm1")
log = elementwise.unary_builder("Log", "log")
log1p = elementwise.unary_builder("Log1p", "log1p")
sin = elementwise.unary_builder("Sin", "sin")
cos = elementwise.unary_builder("Cos", "cos")
tan = elementwise.unary_builder("Tan", "tan")
asin = elementwise.unary_builder("Asin", "asin")
acos = elementwise.unary_builder("Acos", "acos")
atan = elementwise.unary_builder("Atan", "atan")
sinh = elementwise.unary_builder("Sinh", "sinh")
cosh = elementwise.unary_builder("Cosh", "cosh")
tanh = elementwise.unary_builder("Tanh", "tanh")
sigmoid = elementwise.unary_builder("Sigmoid", "sigmoid")
erf = elementwise.unary_builder("Erf", "erf")
erfc = elementwise.unary_builder("Erfc", "erfc")
lgamma = elementwise.unary_builder("Lgamma", "lgamma")
digamma = elementwise.unary_builder("Digamma", "digamma")
floor = elementwise.unary_builder("Floor", "floor")
ceil = elementwise.unary_builder("Ceil", "ceil")
rint = elementwise.unary_builder("Rint", "rint")
reciprocal = elementwise.unary_builder("Reciprocal", "reciprocal")
is_nan = elementwise.unary_builder("IsNan", "is_nan", result="bool")
is_inf = elementwise.unary_builder("IsInf", "is_inf", result="bool")
is_finite = elementwise.unary_builder("IsFinite", "is_finite", result="bool")


def abs(x, name=None):  # noqa: A001 - TF's public name
    """Mirrors `tf.abs`: |x|; complex inputs give their real magnitude (`ComplexAbs`).

    Args:
      x: a Tensor of a real or complex type.
      name: the op name (default "Abs").

    Returns:
      A Tensor; float32/float64 for complex64/complex128 inputs.

    >>> abs(constant([-1.0, 2.0]))
    <tf.Tensor 'Abs:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "Abs", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            return apply_op("ComplexAbs", x, Tout=x.dtype.real_dtype, name=scope)
        return apply_op("Abs", x, name=scope)


def round(x, name=None):  # noqa: A001 - TF's public name
    """Mirrors `tf.round`: rounds half to even; integer tensors are returned unchanged.

    Args:
      x: a Tensor.
      name: the op name (default "Round").

    Returns:
      A Tensor of the same type and shape.

    >>> round(constant([0.5, 1.5, 2.5]))  # [0., 2., 2.]
    <tf.Tensor 'Round:0' shape=(3,) dtype=float32>
    """
    x = convert_to_tensor(x, name="x")
    if x.dtype.is_integer:
        return x
    return apply_op("Round", x, name=name)


# ---------------------------------------------------------------------- gradient ops
# The kernels of TF's cwise "...Grad" ops: z = f(y, dy) for the op's output y and the
# incoming gradient dy. Sqrt/Rsqrt/Reciprocal conjugate y themselves; Tanh/Sigmoid callers
# pass conj(y).


def _grad_op_shape(op):
    return [elementwise.merge_same_shape(op.inputs[0].shape, op.inputs[1].shape)]


def _same_shape_or_raise(op_type: str, a, b) -> None:
    if np.shape(a) != np.shape(b):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Inputs to operation {op_type} of type {op_type} must have the same size and "
            f"shape.  Input 0: {elementwise.format_dims(np.shape(a))} != input 1: "
            f"{elementwise.format_dims(np.shape(b))}",
        )


def _grad_op_kernel(op_type: str, fn):
    def kernel(ctx, y, dy):
        _same_shape_or_raise(op_type, y, dy)
        return np.asarray(fn(np.asarray(y), np.asarray(dy))).astype(np.asarray(y).dtype)

    return kernel


def _sigmoid_grad_kernel(y, dy):
    return dy * y * (1 - y)


def _tanh_grad_kernel(y, dy):
    return dy * (1 - y * y)


def _sqrt_grad_kernel(y, dy):
    return 0.5 * dy / np.conj(y)


def _rsqrt_grad_kernel(y, dy):
    cy = np.conj(y)
    return -0.5 * (cy * cy * cy) * dy


def _reciprocal_grad_kernel(y, dy):
    cy = np.conj(y)
    return -dy * cy * cy


def _sigmoid_grad_grad(op, grad):
    """TF's `_SigmoidGradGrad` for z = b a (1 - a)."""
    a, b = (conj(t) for t in op.inputs)
    gb = grad * b
    return [gb - 2.0 * gb * a, apply_op("SigmoidGrad", a, grad)]


def _tanh_grad_grad(op, grad):
    """TF's `_TanhGradGrad` for z = b (1 - a^2)."""
    a, b = (conj(t) for t in op.inputs)
    return [grad * -2.0 * b * a, apply_op("TanhGrad", a, grad)]


def _sqrt_grad_grad(op, grad):
    """TF's `_SqrtGradGrad` for z = 0.5 b / conj(a)."""
    ga = grad / op.inputs[0]
    return [-conj(ga) * op.outputs[0], 0.5 * ga]


def _rsqrt_grad_grad(op, grad):
    """TF's `_RsqrtGradGrad` for z = -0.5 b conj(a)^3."""
    ca, cg = conj(op.inputs[0]), conj(grad)
    grad_a = -1.5 * cg * op.inputs[1] * apply_op("Square", ca)
    return [grad_a, apply_op("RsqrtGrad", ca, grad)]


def _reciprocal_grad_grad(op, grad):
    """TF's `_ReciprocalGradGrad` for z = -b conj(a)^2."""
    ca, cg = conj(op.inputs[0]), conj(grad)
    return [cg * -2.0 * op.inputs[1] * ca, apply_op("ReciprocalGrad", ca, grad)]


_GRAD_OPS = [
    ("SigmoidGrad", _sigmoid_grad_kernel, _sigmoid_grad_grad),
    ("TanhGrad", _tanh_grad_kernel, _tanh_grad_grad),
    ("SqrtGrad", _sqrt_grad_kernel, _sqrt_grad_grad),
    ("RsqrtGrad", _rsqrt_grad_kernel, _rsqrt_grad_grad),
    ("ReciprocalGrad", _reciprocal_grad_kernel, _reciprocal_grad_grad),
]

for _name, _fn, _grad in _GRAD_OPS:
    registry.register_op(
        _name,
        inputs=["y: T", "dy: T"],
        outputs=["z: T"],
        attrs=[f"T: {{{FLOAT_COMPLEX}}}"],
        shape=_grad_op_shape,
        kernel=_grad_op_kernel(_name, _fn),
        grad=_grad,
    )
