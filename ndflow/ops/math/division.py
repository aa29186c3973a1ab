"""Division and modulo: Div, RealDiv, DivNoNan, FloorDiv, FloorMod, TruncateDiv, TruncateMod
and Mod, with `tf.divide`, `tf.truediv` (integers cast to float as TF), `tf.div`, ...

Integer division by zero is TF's InvalidArgumentError("Integer division by zero"), except
TruncateDiv/TruncateMod, whose TF kernels report an InternalError. Float results follow
TF's formulas: FloorDiv is floor(x / y); FloorMod is fmod(x, y) moved into y's sign.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
conj = elementwise.conj

_TRUNCATE_MOD_TYPES = "int32, int64, bfloat16, half, float, double"


def _is_integer(x) -> bool:
    return np.asarray(x).dtype.kind in "iu"


def _require_nonzero(y) -> None:
    if np.any(np.asarray(y) == 0):
        raise elementwise.integer_division_by_zero()


def _require_nonzero_internal(y) -> None:
    # TF's TruncateDiv/TruncateMod kernels do not check, and fail with this InternalError.
    if np.any(np.asarray(y) == 0):
        raise errors.InternalError(
            None,
            None,
            "Unexpected error in binary operator (only integer div and mod should have errors)",
        )


def _truncated_quotient(x, y):
    """Integer x / y rounded toward zero (C's `/`), wrapping like C on overflow."""
    return np.floor_divide(np.subtract(x, np.fmod(x, y)), y)


def _complex_parts(fn, value):
    return (fn(value.real) + 1j * fn(value.imag)).astype(value.dtype)


# ---------------------------------------------------------------------- kernels


def _div(x, y):
    if _is_integer(x):
        _require_nonzero(y)
        return _truncated_quotient(x, y)
    return np.true_divide(x, y)


def _div_no_nan(x, y):
    zero = np.asarray(y) == 0
    quotient = np.asarray(np.true_divide(x, np.where(zero, np.ones_like(y), y)))
    return np.where(zero, np.zeros((), quotient.dtype), quotient)


def _floor_div(x, y):
    if _is_integer(x):
        _require_nonzero(y)
        return np.floor_divide(x, y)
    quotient = np.asarray(np.true_divide(x, y))
    if quotient.dtype.kind == "c":
        return _complex_parts(np.floor, quotient)
    return np.floor(quotient)


def _floor_mod(x, y):
    if _is_integer(x):
        _require_nonzero(y)
        return np.mod(x, y)
    remainder = np.fmod(x, y)
    move = (remainder != 0) & ((np.asarray(y) < 0) != (remainder < 0))
    return np.where(move, remainder + y, remainder)


def _truncate_div(x, y):
    if _is_integer(x):
        _require_nonzero_internal(y)
        return _truncated_quotient(x, y)
    quotient = np.asarray(np.true_divide(x, y))
    if quotient.dtype.kind == "c":
        return _complex_parts(np.trunc, quotient)
    return np.trunc(quotient)


def _truncate_mod(x, y):
    if _is_integer(x):
        _require_nonzero_internal(y)
    return np.fmod(x, y)


def _mod(x, y):
    if _is_integer(x):
        _require_nonzero(y)
    return np.fmod(x, y)


# ---------------------------------------------------------------------- gradients


def _quotient_grad(op_type: str):
    """TF's `_RealDivGrad` (and `_DivGrad`, `_DivNoNanGrad`): grad / y for x and
    grad * (-x / y) / y for y, with `op_type` doing the divisions."""

    def grad_fn(op, grad):
        x, y = op.inputs
        cx, cy = conj(x), conj(y)
        gx = apply_op(op_type, grad, cy)
        gy = grad * apply_op(op_type, apply_op(op_type, -cx, cy), cy)
        return list(elementwise.reduce_gradients(x, y, gx, gy))

    return grad_fn


def _floor_mod_grad(op, grad):
    """TF's `_FloorModGrad`: grad for x, -grad * floor(x / y) for y."""
    x, y = conj(op.inputs[0]), conj(op.inputs[1])
    gy = grad * apply_op("Neg", apply_op("FloorDiv", x, y))
    return list(elementwise.reduce_gradients(x, y, grad, gy))


# TF's type lists, in TF's order (it shows in OpDef protos and "allowed values" messages).
_DIV_TYPES = (
    f"{elementwise.FLOAT}, uint8, int8, uint16, int16, int32, uint32, uint64, int64, "
    f"{elementwise.COMPLEX}"
)
_DIV_NO_NAN_TYPES = f"half, float, bfloat16, double, {elementwise.COMPLEX}"
_FLOOR_MOD_TYPES = f"{elementwise.INTEGER}, {elementwise.FLOAT}"

# (op type, kernel, TF's type list, gradient)
_DIVISION = [
    ("Div", _div, _DIV_TYPES, _quotient_grad("RealDiv")),
    ("RealDiv", _div, _DIV_TYPES, _quotient_grad("RealDiv")),
    ("DivNoNan", _div_no_nan, _DIV_NO_NAN_TYPES, _quotient_grad("DivNoNan")),
    ("FloorDiv", _floor_div, _DIV_TYPES, None),
    ("FloorMod", _floor_mod, _FLOOR_MOD_TYPES, _floor_mod_grad),
    ("TruncateDiv", _truncate_div, _DIV_TYPES, None),
    ("TruncateMod", _truncate_mod, _TRUNCATE_MOD_TYPES, None),
    ("Mod", _mod, _TRUNCATE_MOD_TYPES, None),
]

for _name, _fn, _types, _grad in _DIVISION:
    elementwise.register_binary(_name, _fn, _types, grad=_grad)
registry.not_differentiable("FloorDiv", "piecewise constant: TF's gradient returns None")
registry.not_differentiable("TruncateDiv", "piecewise constant: TF's gradient returns None")
registry.not_differentiable("TruncateMod", "TF registers no gradient for it")
registry.not_differentiable("Mod", "TF registers no gradient for it")

realdiv = elementwise.binary_builder("RealDiv", "realdiv")
floor_div = elementwise.binary_builder("FloorDiv", "floor_div")
truncatediv = elementwise.binary_builder("TruncateDiv", "truncatediv")
truncatemod = elementwise.binary_builder("TruncateMod", "truncatemod")
floormod = elementwise.binary_builder("FloorMod", "floormod")
mod = floormod


# ---------------------------------------------------------------------- builders

# TF's _TRUEDIV_TABLE: the float type integer operands are cast to before dividing.
_TRUEDIV_CASTS = {
    dtypes.uint8: dtypes.float32,
    dtypes.int8: dtypes.float32,
    dtypes.uint16: dtypes.float32,
    dtypes.int16: dtypes.float32,
    dtypes.uint32: dtypes.float64,
    dtypes.int32: dtypes.float64,
    dtypes.uint64: dtypes.float64,
    dtypes.int64: dtypes.float64,
}
_TRUEDIV_KEEP = (
    dtypes.bfloat16,
    dtypes.float16,
    dtypes.float32,
    dtypes.float64,
    dtypes.complex64,
    dtypes.complex128,
)


def _same_type_operands(x, y):
    x = convert_to_tensor(x, name="x")
    y = convert_to_tensor(y, preferred_dtype=x.dtype.base_dtype, name="y")
    if x.dtype.base_dtype != y.dtype.base_dtype:
        raise TypeError(
            f"`x` and `y` must have the same dtype, got {x.dtype.base_dtype!r} != "
            f"{y.dtype.base_dtype!r}."
        )
    return x, y


def truediv(x, y, name=None):
    """Mirrors `tf.truediv`: x / y in floating point (Python 3 division).

    Integer operands are cast first, as TF: int8/int16/uint8/uint16 to float32,
    int32/int64/uint32/uint64 to float64.

    Args:
      x: a Tensor.
      y: a Tensor of the same type, or a value convertible to it.
      name: the op name (default "truediv").

    Returns:
      A float or complex Tensor.

    Raises:
      TypeError: when x and y have different types, or the type cannot be divided.

    >>> truediv(constant([3, 4]), 2)
    <tf.Tensor 'truediv:0' shape=(2,) dtype=float64>
    """
    with graph_lib.name_scope(name, "truediv", [x, y]) as scope:
        x, y = _same_type_operands(x, y)
        dtype = x.dtype.base_dtype
        if dtype in _TRUEDIV_CASTS:
            x = apply_op("Cast", x, DstT=_TRUEDIV_CASTS[dtype], name="Cast")
            y = apply_op("Cast", y, DstT=_TRUEDIV_CASTS[dtype], name="Cast")
        elif dtype not in _TRUEDIV_KEEP:
            raise TypeError(f"Invalid dtype {dtype!r} in __truediv__")
        return apply_op("RealDiv", x, y, name=scope)


def divide(x, y, name=None):
    """Mirrors `tf.divide`: x / y as Python 3 division (`tf.truediv`).

    >>> divide(constant([1.0]), 2.0)
    <tf.Tensor 'truediv:0' shape=(1,) dtype=float32>
    """
    if name is None and not isinstance(x, graph_lib.Tensor):
        dtype = y.dtype.base_dtype if isinstance(y, graph_lib.Tensor) else None
        x = convert_to_tensor(x, dtype=dtype)
    return truediv(x, y, name=name)


def div(x, y, name=None):
    """Mirrors TF1 `tf.div`: Python 2 division, RealDiv for floats, FloorDiv for integers.

    >>> div(constant([7]), 2)  # [3]
    <tf.Tensor 'div:0' shape=(1,) dtype=int32>
    """
    with graph_lib.name_scope(name, "div", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")
        if x.dtype.is_floating or x.dtype.is_complex:
            return apply_op("RealDiv", x, y, name=scope)
        return apply_op("FloorDiv", x, y, name=scope)


def floordiv(x, y, name=None):
    """Mirrors `tf.floordiv`: x / y rounded toward negative infinity (`FloorDiv`).

    >>> floordiv(constant([-7]), 2)  # [-4]
    <tf.Tensor 'floordiv:0' shape=(1,) dtype=int32>
    """
    with graph_lib.name_scope(name, "floordiv", [x, y]) as scope:
        return apply_op("FloorDiv", x, y, name=scope)


def div_no_nan(x, y, name=None):
    """Mirrors `tf.div_no_nan`: x / y, and 0 wherever y is 0.

    >>> div_no_nan(constant([1.0]), 0.0)  # [0.]
    <tf.Tensor 'div_no_nan:0' shape=(1,) dtype=float32>
    """
    with graph_lib.name_scope(name, "div_no_nan", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")
        return apply_op("DivNoNan", x, y, name=scope)
