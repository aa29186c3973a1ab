"""`tf.strings`: re-exports only."""

from ndflow.ops import string as _string

join = _string.string_join
