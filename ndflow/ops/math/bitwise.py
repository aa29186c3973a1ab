"""Bitwise ops on integers: BitwiseAnd/Or/Xor, Invert, LeftShift and RightShift
(`tf.bitwise.*`), none differentiable. Shift amounts are clamped to [0, bits - 1], as TF's
kernels do; right shifts of signed values are arithmetic.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import registry
from ndflow.ops import elementwise

_INTEGER = elementwise.INTEGER


def _clamped_shift(y):
    y = np.asarray(y)
    return np.clip(y, 0, y.dtype.itemsize * 8 - 1).astype(y.dtype, copy=False)


def _left_shift(x, y):
    return np.left_shift(x, _clamped_shift(y))


def _right_shift(x, y):
    return np.right_shift(x, _clamped_shift(y))


for _name, _fn, _commutative in [
    ("BitwiseAnd", np.bitwise_and, True),
    ("BitwiseOr", np.bitwise_or, True),
    ("BitwiseXor", np.bitwise_xor, True),
    ("LeftShift", _left_shift, False),
    ("RightShift", _right_shift, False),
]:
    elementwise.register_binary(_name, _fn, _INTEGER, commutative=_commutative)
elementwise.register_unary("Invert", np.invert, _INTEGER)
for _name in ("BitwiseAnd", "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift", "Invert"):
    registry.not_differentiable(_name, "a bitwise op on integers")

_EXAMPLE = {"example": "[1, 6]", "other": "3", "result": "int32"}

bitwise_and = elementwise.binary_builder("BitwiseAnd", "bitwise.bitwise_and", **_EXAMPLE)
bitwise_or = elementwise.binary_builder("BitwiseOr", "bitwise.bitwise_or", **_EXAMPLE)
bitwise_xor = elementwise.binary_builder("BitwiseXor", "bitwise.bitwise_xor", **_EXAMPLE)
left_shift = elementwise.binary_builder("LeftShift", "bitwise.left_shift", **_EXAMPLE)
right_shift = elementwise.binary_builder("RightShift", "bitwise.right_shift", **_EXAMPLE)
invert = elementwise.unary_builder("Invert", "bitwise.invert", "[1, 6]", "int32")
