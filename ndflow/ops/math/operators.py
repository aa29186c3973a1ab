"""TF's Python operators on Tensor: `+ - * / // % ** @`, their reflected forms, unary `-`,
`abs`, `~`, `< <= > >=` and `& | ^` (logical for bool, bitwise for integers).

Each binary operator opens TF's scope ("add", "truediv", "mod"...), so the ops and their
constants are named like TF's ("add/y"). `==` and `!=` keep Python's identity semantics
(TF1), so Tensors stay hashable.
"""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops.math import arithmetic
from ndflow.ops.math import bitwise
from ndflow.ops.math import comparison
from ndflow.ops.math import cwise
from ndflow.ops.math import division
from ndflow.ops.math import matmul as matmul_lib

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
Tensor = graph_lib.Tensor


def _hinted(y, x):
    """`y` converted with x's type only as a hint (TF's `_add_dispatch`): `int + 1.5` then
    fails in the op with "Input 'y' of 'AddV2' Op has type float32 that does not match"."""
    if isinstance(y, Tensor):
        return y
    return convert_to_tensor(y, preferred_dtype=x.dtype.base_dtype, name="y")


def _raw(y, x):
    """`y` as the op receives it: the op converts a Python value with x's type (TF 2's
    binary_op_wrapper), so `int - 1.5` fails with "Expected int32 passed to parameter 'y'"."""
    del x
    return y


def _add(x, y, name):
    op_type = "Add" if x.dtype.base_dtype.name == "string" else "AddV2"
    return apply_op(op_type, x, y, name=name)


def _sub(x, y, name):
    return apply_op("Sub", x, y, name=name)


def _mul(x, y, name):
    return apply_op("Mul", x, y, name=name)


def _mod(x, y, name):
    return apply_op("FloorMod", x, y, name=name)


def _matmul(x, y, name):
    return matmul_lib.matmul(x, y, name=name)


def _and(x, y, name):
    if x.dtype.base_dtype.is_bool:
        return apply_op("LogicalAnd", x, y, name=name)
    return bitwise.bitwise_and(x, y)


def _or(x, y, name):
    if x.dtype.base_dtype.is_bool:
        return apply_op("LogicalOr", x, y, name=name)
    return bitwise.bitwise_or(x, y)


def _xor(x, y, name):
    if x.dtype.base_dtype.is_bool:
        return comparison.logical_xor(x, y, name=name)
    return bitwise.bitwise_xor(x, y)


def _forward(fn, scope_name):
    convert = _hinted if scope_name == "add" else _raw

    def operator(x, y):
        with graph_lib.name_scope(None, scope_name, [x, y]) as name:
            return fn(x, convert(y, x), name=name)

    operator.__name__ = f"__{scope_name}__"
    return operator


def _reflected(fn, scope_name):
    def operator(y, x):
        with graph_lib.name_scope(None, scope_name, [x, y]) as name:
            x = convert_to_tensor(x, dtype=y.dtype.base_dtype, name="x")
            return fn(x, y, name=name)

    operator.__name__ = f"__r{scope_name}__"
    return operator


def _comparison(op_type):
    def operator(x, y):
        with graph_lib.name_scope(None, op_type, [x, y]) as name:
            return apply_op(op_type, x, _raw(y, x), name=name)

    return operator


def _invert(x):
    if x.dtype.base_dtype.is_bool:
        return apply_op("LogicalNot", x)
    return apply_op("Invert", x)


def _negative(x):
    return apply_op("Neg", x)


def _absolute(x):
    return cwise.abs(x)


# (Python method stem, TF's scope name, function of (x, y, name))
_BINARY = [
    ("add", "add", _add),
    ("sub", "sub", _sub),
    ("mul", "mul", _mul),
    ("truediv", "truediv", division.truediv),
    ("floordiv", "floordiv", division.floordiv),
    ("mod", "mod", _mod),
    ("pow", "pow", arithmetic.pow),
    ("matmul", "matmul", _matmul),
    ("and", "and", _and),
    ("or", "or", _or),
    ("xor", "xor", _xor),
]

_COMPARISONS = [("lt", "Less"), ("le", "LessEqual"), ("gt", "Greater"), ("ge", "GreaterEqual")]


def install() -> None:
    """Installs the operators on Tensor (TF's `_OverrideBinaryOperatorHelper`)."""
    for stem, scope_name, fn in _BINARY:
        Tensor._override_operator(f"__{stem}__", _forward(fn, scope_name))
        Tensor._override_operator(f"__r{stem}__", _reflected(fn, scope_name))
    for stem, op_type in _COMPARISONS:
        Tensor._override_operator(f"__{stem}__", _comparison(op_type))
    Tensor._override_operator("__neg__", _negative)
    Tensor._override_operator("__abs__", _absolute)
    Tensor._override_operator("__invert__", _invert)


install()
