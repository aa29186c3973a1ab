"""Cwise binary arithmetic: AddV2/Add, Sub, Mul, Maximum, Minimum, SquaredDifference, Pow,
Atan2, Polygamma, Zeta and AddN, with their gradients (TF's math_grad.py formulas, reduced
over broadcast axes with BroadcastGradientArgs) and builders.

Division and modulo, with their integer-by-zero rules, live in division.py.
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
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.math import special

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
conj = elementwise.conj
reduce_gradients = elementwise.reduce_gradients

FLOAT = elementwise.FLOAT
COMPLEX = elementwise.COMPLEX
SIGNED = elementwise.SIGNED
NUMERIC = elementwise.NUMERIC
FLOAT_SIGNED_COMPLEX = f"{FLOAT}, {SIGNED}, {COMPLEX}"
REAL = elementwise.REAL


# ---------------------------------------------------------------------- gradients


def _add_grad(op, grad):
    x, y = op.inputs
    return list(reduce_gradients(x, y, grad, grad))


def _sub_grad(op, grad):
    x, y = op.inputs
    return list(reduce_gradients(x, y, grad, -grad))


def _mul_grad(op, grad):
    x, y = op.inputs
    gx = apply_op("Mul", grad, conj(y))
    gy = apply_op("Mul", conj(x), grad)
    return list(reduce_gradients(x, y, gx, gy))


def _selector_grad(selector: str):
    """TF's `_MaximumMinimumGrad`: the gradient goes to x where `selector(x, y)` holds (so
    ties go to x), to y elsewhere."""

    def grad_fn(op, grad):
        x, y = op.inputs
        zeros = array.zeros_like(grad)
        xmask = apply_op(selector, x, y)
        gx = apply_op("SelectV2", xmask, grad, zeros)
        gy = apply_op("SelectV2", xmask, zeros, grad)
        return list(reduce_gradients(x, y, gx, gy))

    return grad_fn


def _squared_difference_grad(op, grad):
    """TF's `_SquaredDifferenceGrad`: 2 grad (x - y) and its negation."""
    x, y = op.inputs
    two = op_builder.constant(2.0, dtype=grad.dtype.base_dtype)
    x_grad = apply_op("Mul", two, grad) * (x - y)
    return list(reduce_gradients(x, y, x_grad, -x_grad))


def _pow_grad(op, grad):
    """TF's `_PowGrad`: grad y x^(y-1), and grad z log(x) with log(x) taken as 0 where x <= 0
    (where x == 0 for complex x)."""
    x, y = op.inputs
    cx, cy = conj(x), conj(y)
    gx = grad * cy * apply_op("Pow", cx, cy - 1)
    zero = op_builder.constant(0, dtype=x.dtype.base_dtype)
    mask = apply_op("NotEqual" if x.dtype.is_complex else "Greater", cx, zero)
    safe_x = apply_op("Select", mask, cx, array.ones_like(x))
    log_x = apply_op("Select", mask, apply_op("Log", safe_x), array.zeros_like(x))
    gy = grad * conj(op.outputs[0]) * log_x
    return list(reduce_gradients(x, y, gx, gy))


def _atan2_grad(op, grad):
    """TF's `_Atan2Grad`: grad x / (x^2 + y^2) for y, -grad y / (x^2 + y^2) for x."""
    y, x = op.inputs
    grad_inv = grad / (apply_op("Square", y) + apply_op("Square", x))
    return list(reduce_gradients(y, x, x * grad_inv, -y * grad_inv))


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


# TF's type lists, in TF's order (it shows in OpDef protos and "allowed values" messages).
_ADD_TYPES = f"{FLOAT}, uint8, uint16, uint32, uint64, int8, int16, int32, int64, {COMPLEX}"
_SUB_TYPES = f"{FLOAT}, uint8, int8, uint16, int16, int32, int64, {COMPLEX}, uint32, uint64"
_MUL_TYPES = f"{FLOAT}, uint8, int8, uint16, int16, int32, uint32, uint64, int64, {COMPLEX}"
_MINMAX_TYPES = f"{FLOAT}, int8, uint8, int16, uint16, int32, uint32, int64, uint64"

# (op type, kernel, TF's type list, gradient, commutative)
_BINARY = [
    ("Sub", np.subtract, _SUB_TYPES, _sub_grad, False),
    ("Mul", np.multiply, _MUL_TYPES, _mul_grad, True),
    ("Maximum", _maximum, _MINMAX_TYPES, _selector_grad("GreaterEqual"), False),
    ("Minimum", _minimum, _MINMAX_TYPES, _selector_grad("LessEqual"), False),
    (
        "SquaredDifference",
        _squared_difference,
        f"{FLOAT}, int32, int64, {COMPLEX}",
        _squared_difference_grad,
        True,
    ),
    ("Pow", _power, FLOAT_SIGNED_COMPLEX, _pow_grad, False),
]

elementwise.register_binary(
    "AddV2", np.add, _ADD_TYPES, grad=_add_grad, commutative=True, aggregate=True
)
for _name, _fn, _types, _grad, _commutative in _BINARY:
    elementwise.register_binary(_name, _fn, _types, grad=_grad, commutative=_commutative)
elementwise.register_binary("Atan2", np.arctan2, FLOAT, grad=_atan2_grad, names=("y", "x"))
# Not commutative, as in TF: it also concatenates strings.
elementwise.register_binary(
    "Add", np.add, f"{FLOAT}, uint8, {SIGNED}, {COMPLEX}, string", grad=_add_grad
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


def _add_n_grad(op, grad):
    """TF's `_AddNGrad`: every input receives the whole gradient."""
    return [grad] * len(op.inputs)


registry.register_op(
    "AddN",
    inputs=["inputs: N * T"],
    outputs=["sum: T"],
    attrs=["N: int >= 1", "T: {numbertype, variant}"],
    shape=_add_n_shape,
    kernel=_add_n_kernel,
    grad=_add_n_grad,
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


# ---------------------------------------------------------------------- Polygamma, Zeta


def _polygamma_grad(op, grad):
    """TF's `_PolygammaGrad`: psi^(n+1)(x) grad for x; none for the order n."""
    n, x = op.inputs
    partial_x = apply_op("Polygamma", conj(n) + 1, conj(x))
    return [None, reduce_gradients(n, x, None, partial_x * grad)[1]]


def _zeta_grad(op, grad):
    """TF's `_ZetaGrad`: -x zeta(x + 1, q) grad for q; none for x."""
    x, q = op.inputs
    partial_q = -conj(x) * apply_op("Zeta", conj(x) + 1, conj(q))
    return [None, reduce_gradients(x, q, None, partial_q * grad)[1]]


elementwise.register_binary(
    "Polygamma", special.polygamma, "float, double", grad=_polygamma_grad, names=("a", "x")
)
elementwise.register_binary(
    "Zeta", special.zeta, "float, double", grad=_zeta_grad, names=("x", "q")
)


def polygamma(a, x, name=None):
    """Mirrors `tf.math.polygamma`: the a-th derivative of digamma at x (integer a >= 0).

    >>> polygamma(constant([1.0]), constant([1.0]))  # [1.6449]
    <tf.Tensor 'Polygamma:0' shape=(1,) dtype=float32>
    """
    return apply_op("Polygamma", a, x, name=name)


def zeta(x, q, name=None):
    """Mirrors `tf.math.zeta`: the Hurwitz zeta function sum_k (q + k)^-x.

    >>> zeta(constant([2.0]), constant([1.0]))  # [1.6449]
    <tf.Tensor 'Zeta:0' shape=(1,) dtype=float32>
    """
    return apply_op("Zeta", x, q, name=name)
