"""`tf.strings`: re-exports only."""

from __future__ import annotations

from ndflow.ops import string as _string

join = _string.string_join
