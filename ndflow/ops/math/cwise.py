"""Cwise arithmetic: the unary table (Neg, Exp, Erf, Round...), AddV2/Sub/Mul and friends,
Add (which also concatenates strings), AddN, ComplexAbs and Conj, with their builders.

Uniform rows live in tables (STYLE.md rule 5); each row carries TF's own type list. Division
and modulo, with their integer-by-zero rules, live in division.py.
"""

from __future__ import annotations

import functools

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.math import special

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

FLOAT = elementwise.FLOAT
COMPLEX = elementwise.COMPLEX
SIGNED = elementwise.SIGNED
NUMERIC = elementwise.NUMERIC
FLOAT_COMPLEX = elementwise.FLOAT_COMPLEX
FLOAT_SIGNED = f"{FLOAT}, {SIGNED}"
FLOAT_SIGNED_COMPLEX = f"{FLOAT}, {SIGNED}, {COMPLEX}"
REAL = elementwise.REAL


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


# (op type, kernel, TF's type list); the output type is T unless the row says otherwise.
_UNARY = [
    ("Neg", np.negative, FLOAT_SIGNED_COMPLEX),
    ("Abs", np.abs, FLOAT_SIGNED),
    ("Sign", np.sign, FLOAT_SIGNED_COMPLEX),
    ("Square", np.square, NUMERIC),
    ("Sqrt", np.sqrt, FLOAT_COMPLEX),
    ("Rsqrt", _rsqrt, FLOAT_COMPLEX),
    ("Exp", np.exp, FLOAT_COMPLEX),
    ("Expm1", np.expm1, FLOAT_COMPLEX),
    ("Log", np.log, FLOAT_COMPLEX),
    ("Log1p", np.log1p, FLOAT_COMPLEX),
    ("Sin", np.sin, FLOAT_COMPLEX),
    ("Cos", np.cos, FLOAT_COMPLEX),
    ("Tan", np.tan, FLOAT_COMPLEX),
    ("Asin", np.arcsin, FLOAT_COMPLEX),
    ("Acos", np.arccos, FLOAT_COMPLEX),
    ("Atan", np.arctan, FLOAT_COMPLEX),
    ("Sinh", np.sinh, FLOAT_COMPLEX),
    ("Cosh", np.cosh, FLOAT_COMPLEX),
    ("Tanh", np.tanh, FLOAT_COMPLEX),
    ("Sigmoid", _sigmoid, FLOAT_COMPLEX),
    ("Erf", special.erf, FLOAT),
    ("Erfc", special.erfc, FLOAT),
    ("Lgamma", special.lgamma, FLOAT),
    ("Digamma", special.digamma, FLOAT),
    ("Floor", np.floor, FLOAT),
    ("Ceil", np.ceil, FLOAT),
    ("Rint", np.rint, FLOAT),
    ("Round", _round_half_even, FLOAT_SIGNED_COMPLEX),
    ("Reciprocal", _reciprocal, FLOAT_SIGNED_COMPLEX),
    ("Inv", _reciprocal, FLOAT_SIGNED_COMPLEX),
]

_PREDICATES = [
    ("IsNan", np.isnan, FLOAT),
    ("IsInf", np.isinf, FLOAT),
    ("IsFinite", np.isfinite, FLOAT),
]

for _name, _fn, _types in _UNARY:
    elementwise.register_unary(_name, _fn, _types)
for _name, _fn, _types in _PREDICATES:
    elementwise.register_unary(_name, _fn, _types, out_type="bool")


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


# ---------------------------------------------------------------------- ComplexAbs, Conj


def _complex_abs_kernel(ctx, x):
    return np.abs(x)


registry.register_op(
    "ComplexAbs",
    inputs=["x: T"],
    outputs=["y: Tout"],
    attrs=["T: {complex64, complex128} = DT_COMPLEX64", "Tout: {float, double} = DT_FLOAT"],
    shape=elementwise.unary_shape,
    kernel=_complex_abs_kernel,
)


def _conj_kernel(ctx, input):
    return np.conj(input)


registry.register_op(
    "Conj",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: {complex64, complex128, variant} = DT_COMPLEX64"],
    shape=elementwise.unary_shape,
    kernel=_conj_kernel,
)


def conj(x, name=None):
    """Mirrors `tf.math.conj`: the complex conjugate; real tensors come back unchanged.

    >>> conj(constant([1 + 2j]))
    <tf.Tensor 'Conj:0' shape=(1,) dtype=complex128>
    """
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_complex:
        return x
    return apply_op("Conj", x, name=name)


# ---------------------------------------------------------------------- binary kernels


def _squared_difference(x, y):
    diff = np.subtract(x, y)
    if np.asarray(diff).dtype.kind == "c":
        return diff * np.conj(diff)
    return np.square(diff)


def _is_float(x) -> bool:
    dtype = np.asarray(x).dtype
    return dtype.kind == "f" or dtype.name == "bfloat16"


def _maximum(x, y):
    """TF's max: NaN wins, and x is kept when x == y (so max(-0.0, 0.0) is -0.0)."""
    if not _is_float(x):
        return np.maximum(x, y)
    return np.where(np.isnan(y), y, np.where(x < y, y, x))


def _minimum(x, y):
    """TF's min: NaN wins, and x is kept when x == y."""
    if not _is_float(x):
        return np.minimum(x, y)
    return np.where(np.isnan(y), y, np.where(y < x, y, x))


def _power(x, y):
    if np.asarray(y).dtype.kind == "i" and np.any(np.asarray(y) < 0):
        raise errors.InvalidArgumentError(
            None, None, "Integers to negative integer powers are not allowed"
        )
    return np.power(x, y)


# (op type, kernel, TF's type list, commutative)
_BINARY = [
    ("AddV2", np.add, NUMERIC, True),
    ("Sub", np.subtract, NUMERIC, False),
    ("Mul", np.multiply, NUMERIC, True),
    ("Maximum", _maximum, REAL, False),
    ("Minimum", _minimum, REAL, False),
    ("SquaredDifference", _squared_difference, f"{FLOAT}, int32, int64, {COMPLEX}", True),
    ("Pow", _power, FLOAT_SIGNED_COMPLEX, False),
]

for _name, _fn, _types, _commutative in _BINARY:
    elementwise.register_binary(_name, _fn, _types, commutative=_commutative)
elementwise.register_binary("Atan2", np.arctan2, FLOAT, names=("y", "x"))
elementwise.register_binary(
    "Add", np.add, f"{FLOAT}, uint8, {SIGNED}, {COMPLEX}, string", commutative=True
)


subtract = elementwise.binary_builder("Sub", "subtract")
multiply = elementwise.binary_builder("Mul", "multiply")
maximum = elementwise.binary_builder("Maximum", "maximum")
minimum = elementwise.binary_builder("Minimum", "minimum")
squared_difference = elementwise.binary_builder("SquaredDifference", "squared_difference")


def atan2(y, x, name=None):
    """Mirrors `tf.math.atan2`: the angle of (x, y), element-wise, in [-pi, pi].

    >>> atan2(constant([1.0]), constant([-1.0]))  # [2.3562]
    <tf.Tensor 'Atan2:0' shape=(1,) dtype=float32>
    """
    return apply_op("Atan2", y, x, name=name)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """Mirrors `tf.pow`: x ** y element-wise; integer x with a negative y is an error.

    >>> pow(constant([2, 3]), 2)
    <tf.Tensor 'Pow:0' shape=(2,) dtype=int32>
    """
    with graph_lib.name_scope(name, "Pow", [x]) as scope:
        return apply_op("Pow", x, y, name=scope)


def add(x, y, name=None):
    """Mirrors `tf.add`: x + y element-wise (`AddV2`; `Add` concatenates strings).

    Args:
      x: a Tensor.
      y: a Tensor of the same type, or a value convertible to it.
      name: the op name (default "Add").

    Returns:
      A Tensor of the broadcast shape.

    Raises:
      TypeError: when x and y have different types (TF does not promote).

    >>> add(constant([1.0, 2.0]), 1.0)
    <tf.Tensor 'Add:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "Add", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, preferred_dtype=x.dtype.base_dtype, name="y")
        op_type = "Add" if x.dtype.base_dtype.name == "string" else "AddV2"
        return apply_op(op_type, x, y, name=scope)


def scalar_mul(scalar, x, name=None):
    """Mirrors `tf.scalar_mul`: a scalar times a tensor.

    Raises:
      ValueError: when `scalar` is not 0-D.

    >>> scalar_mul(2.0, constant([1.0, 2.0]))
    <tf.Tensor 'Mul:0' shape=(2,) dtype=float32>
    """
    x = convert_to_tensor(x, name="x")
    scalar = convert_to_tensor(scalar, dtype=x.dtype.base_dtype, name="scalar")
    if scalar.shape.rank != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {scalar.shape}.")
    return apply_op("Mul", scalar, x, name=name)


# ---------------------------------------------------------------------- AddN


def _add_n_shape(op):
    merged = tensor_shape.unknown_shape()
    for tensor in op.inputs:
        try:
            merged = elementwise.merge_same_shape(merged, tensor.shape)
        except shape_errors.ShapeError as err:
            raise shape_errors.ShapeError(
                f"{err}\n\tFrom merging shape 0 with other shapes."
            ) from None
    return [merged]


def _add_n_kernel(ctx, inputs):
    first = np.shape(inputs[0])
    for index, value in enumerate(inputs[1:], start=1):
        if np.shape(value) != first:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: {elementwise.format_dims(first)} != input {index}: "
                f"{elementwise.format_dims(np.shape(value))}",
            )
    if len(inputs) == 1:
        return inputs[0]
    return functools.reduce(np.add, inputs)


registry.register_op(
    "AddN",
    inputs=["inputs: N * T"],
    outputs=["sum: T"],
    attrs=["N: int >= 1", "T: {numbertype, variant}"],
    shape=_add_n_shape,
    kernel=_add_n_kernel,
    commutative=True,
    aggregate=True,
)


def add_n(inputs, name=None):
    """Mirrors `tf.math.add_n`: the element-wise sum of a list of same-shaped tensors.

    Args:
      inputs: a non-empty list of Tensors of one type and shape.
      name: the op name (default "AddN").

    Returns:
      A Tensor; with one input and no name, that input itself (as TF).

    Raises:
      ValueError: when `inputs` is empty or not a list.

    >>> add_n([constant([1.0]), constant([2.0])])
    <tf.Tensor 'AddN:0' shape=(1,) dtype=float32>
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "Inputs must be an iterable of at least one Tensor/IndexedSlices with the same "
            "dtype and shape."
        )
    inputs = [convert_to_tensor(value) for value in inputs]
    if len(inputs) == 1 and name is None:
        return inputs[0]
    if len(inputs) == 1:
        return apply_op("Identity", inputs[0], name=name)
    return apply_op("AddN", inputs, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Mirrors `tf.math.accumulate_n`: the element-wise sum of `inputs` (as `add_n`).

    Raises:
      ValueError: when the inputs' shapes or dtypes disagree with each other or with
        `shape`/`tensor_dtype`.

    >>> accumulate_n([constant([1.0]), constant([2.0])])
    <tf.Tensor 'AddN:0' shape=(1,) dtype=float32>
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    inputs = [convert_to_tensor(value) for value in inputs]
    if not all(t.dtype.base_dtype == inputs[0].dtype.base_dtype for t in inputs):
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    merged = tensor_shape.as_shape(shape)
    for tensor in inputs:
        merged = merged.merge_with(tensor.shape)
    if tensor_dtype is not None and tensor_dtype != inputs[0].dtype.base_dtype:
        raise TypeError(
            f"tensor_dtype is {tensor_dtype}, but input is of type {inputs[0].dtype.base_dtype}"
        )
    return add_n(inputs, name=name)
