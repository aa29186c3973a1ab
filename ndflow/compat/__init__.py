"""`tf.compat`: the v1 namespace plus TF's text/bytes helpers. Re-exports only."""

from ndflow.framework import string_coding as _string_coding

as_bytes = _string_coding.as_bytes
as_text = _string_coding.as_text
as_str = _string_coding.as_str
as_str_any = _string_coding.as_str_any
path_to_str = _string_coding.path_to_str

from ndflow.compat import v1  # noqa: E402, F401 - `tf.compat.v1`
