"""Element-wise string ops: StringLength, StringLower, StringUpper and StringStrip.

Lengths come from the packed byte buffer (UTF-8 characters are the bytes that are not
continuation bytes). Case mapping and stripping are C-level `bytes`/`str` methods mapped
over the elements: ASCII-only without an encoding, full Unicode with "utf-8".
"""

from __future__ import annotations

import operator

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.string import buffers


def _same_shape(op):
    return [op.inputs[0].shape]


def _mapped(input, method) -> np.ndarray:
    items = buffers.flat(input)
    return buffers.objects(map(method, items), len(items)).reshape(np.shape(input))


# ---------------------------------------------------------------------- StringLength


def _utf8_lengths(items: list) -> np.ndarray:
    packed = buffers.pack(items)
    total = int(packed.lengths.sum())
    starts_char = (packed.buffer[:total] & 0xC0) != 0x80
    owner = np.repeat(np.arange(len(items)), packed.lengths)
    return np.bincount(owner, weights=starts_char, minlength=len(items))


def _string_length_kernel(ctx, input, unit):
    items = buffers.flat(input)
    counts = _utf8_lengths(items) if unit == "UTF8_CHAR" else buffers.lengths(items)
    return counts.astype(np.int32).reshape(np.shape(input))


registry.register_op(
    "StringLength",
    inputs=["input: string"],
    outputs=["output: int32"],
    attrs=["unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"],
    shape=_same_shape,
    kernel=_string_length_kernel,
)
registry.not_differentiable("StringLength", "an integer count")


def string_length(input, name=None, unit="BYTE"):
    """Mirrors `tf.strings.length` (TF1 argument order).

    Args:
      input: a string tensor.
      name: the op name.
      unit: "BYTE", or "UTF8_CHAR" for Unicode code points.

    Returns:
      An int32 Tensor of input's shape.

    >>> string_length(["hello", "héllo"], unit="UTF8_CHAR")  # [5, 5]
    """
    return op_builder.apply_op("StringLength", input, unit=unit, name=name)


# ---------------------------------------------------------------------- case mapping


def _unicode_method(name: str):
    """A bytes -> bytes function applying str.`name` to UTF-8 text (invalid bytes become
    U+FFFD, as TF's ICU conversion does)."""
    decode = operator.methodcaller("decode", "utf-8", "replace")
    convert = operator.methodcaller(name)
    encode = operator.methodcaller("encode", "utf-8")

    def apply(items):
        return map(encode, map(convert, map(decode, items)))

    return apply


def _case_kernel(name: str):
    unicode_apply = _unicode_method(name)
    ascii_method = getattr(bytes, name)

    def kernel(ctx, input, encoding):
        items = buffers.flat(input)
        if encoding == "":
            results = map(ascii_method, items)
        elif encoding == "utf-8":
            results = unicode_apply(items)
        else:
            raise errors.InvalidArgumentError(
                None, None, f"only utf-8 or '' (no encoding) is supported, received {encoding}"
            )
        return buffers.objects(results, len(items)).reshape(np.shape(input))

    return kernel


for _op_type, _method in (("StringLower", "lower"), ("StringUpper", "upper")):
    registry.register_op(
        _op_type,
        inputs=["input: string"],
        outputs=["output: string"],
        attrs=["encoding: string = ''"],
        shape=_same_shape,
        kernel=_case_kernel(_method),
    )
    registry.not_differentiable(_op_type, "strings have no gradient")


def string_lower(input, encoding="", name=None):
    """Mirrors `tf.strings.lower`: ASCII lower case, or Unicode with encoding="utf-8".

    Args:
      input: a string tensor.
      encoding: "" (ASCII letters only) or "utf-8".
      name: the op name.

    Returns:
      A string Tensor of input's shape.

    >>> string_lower(["HeLLo"])  # [b"hello"]
    """
    return op_builder.apply_op("StringLower", input, encoding=encoding, name=name)


def string_upper(input, encoding="", name=None):
    """Mirrors `tf.strings.upper`: ASCII upper case, or Unicode with encoding="utf-8".

    Args:
      input: a string tensor.
      encoding: "" (ASCII letters only) or "utf-8".
      name: the op name.

    Returns:
      A string Tensor of input's shape.

    >>> string_upper(["straße"], encoding="utf-8")  # [b"STRASSE"]
    """
    return op_builder.apply_op("StringUpper", input, encoding=encoding, name=name)


# ---------------------------------------------------------------------- StringStrip


def _strip_kernel(ctx, input):
    # bytes.strip() removes exactly ASCII whitespace " \t\n\v\f\r", like absl's.
    return _mapped(input, bytes.strip)


registry.register_op(
    "StringStrip",
    inputs=["input: string"],
    outputs=["output: string"],
    shape=_same_shape,
    kernel=_strip_kernel,
)
registry.not_differentiable("StringStrip", "strings have no gradient")


def string_strip(input, name=None):
    """Mirrors `tf.strings.strip`: removes leading and trailing ASCII whitespace.

    Args:
      input: a string tensor.
      name: the op name.

    Returns:
      A string Tensor of input's shape.

    >>> string_strip(["  hi \\n"])  # [b"hi"]
    """
    return op_builder.apply_op("StringStrip", input, name=name)
