"""`tf.bitwise`: re-exports only."""

from ndflow.ops import math as _math

bitwise_and = _math.bitwise_and
bitwise_or = _math.bitwise_or
bitwise_xor = _math.bitwise_xor
invert = _math.invert
left_shift = _math.left_shift
right_shift = _math.right_shift
