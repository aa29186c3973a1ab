"""`tf.strings` (TF1's `tf.compat.v1.strings`): re-exports only."""

from ndflow.ops import parsing as _parsing
from ndflow.ops import string as _string

as_string = _string.as_string
format = _string.string_format  # noqa: A001 - TF's public name
join = _string.string_join
length = _string.string_length
lower = _string.string_lower
reduce_join = _string.reduce_join
regex_full_match = _string.regex_full_match
regex_replace = _string.regex_replace
split = _string.strings_split
strip = _string.string_strip
substr = _string.substr
to_hash_bucket = _string.string_to_hash_bucket
to_number = _parsing.string_to_number  # StringToNumber lives with the parsing ops
to_hash_bucket_fast = _string.string_to_hash_bucket_fast
to_hash_bucket_strong = _string.string_to_hash_bucket_strong
upper = _string.string_upper
