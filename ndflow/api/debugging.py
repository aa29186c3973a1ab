"""`tf.debugging`: re-exports only."""

from ndflow.ops import array as _array
from ndflow.ops.control_flow import asserts as _asserts

Assert = _asserts.Assert
assert_equal = _asserts.assert_equal
assert_none_equal = _asserts.assert_none_equal
assert_less = _asserts.assert_less
assert_less_equal = _asserts.assert_less_equal
assert_greater = _asserts.assert_greater
assert_greater_equal = _asserts.assert_greater_equal
assert_positive = _asserts.assert_positive
assert_negative = _asserts.assert_negative
assert_non_negative = _asserts.assert_non_negative
assert_non_positive = _asserts.assert_non_positive
assert_rank = _asserts.assert_rank
assert_rank_at_least = _asserts.assert_rank_at_least
assert_type = _asserts.assert_type
assert_integer = _asserts.assert_integer
assert_scalar = _asserts.assert_scalar
check_numerics = _array.check_numerics
