"""String ops (TF's string family): joining, splitting, substrings, regular expressions,
case and length, number formatting, and hashing into buckets. Importing the package
registers every string op."""

from ndflow.ops.string import as_string as as_string_lib
from ndflow.ops.string import elementwise
from ndflow.ops.string import hashing
from ndflow.ops.string import join
from ndflow.ops.string import regex
from ndflow.ops.string import split
from ndflow.ops.string import substr as substr_lib

string_join = join.string_join
reduce_join = join.reduce_join
string_format = join.string_format
string_split = split.string_split
string_split_v2 = split.string_split_v2
strings_split = split.strings_split
substr = substr_lib.substr
regex_replace = regex.regex_replace
regex_full_match = regex.regex_full_match
string_length = elementwise.string_length
string_lower = elementwise.string_lower
string_upper = elementwise.string_upper
string_strip = elementwise.string_strip
as_string = as_string_lib.as_string
string_to_hash_bucket_fast = hashing.string_to_hash_bucket_fast
string_to_hash_bucket_strong = hashing.string_to_hash_bucket_strong
string_to_hash_bucket = hashing.string_to_hash_bucket

__all__ = [
    "as_string_lib",
    "elementwise",
    "hashing",
    "join",
    "regex",
    "split",
    "substr_lib",
]
