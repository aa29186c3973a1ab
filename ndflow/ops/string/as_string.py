"""AsString (`tf.as_string` / `tf.strings.as_string`): numbers, booleans and strings to text.

TF formats with absl::StrFormat("%<fill>*.*<conv>", width, precision, value), the printf
rules. Python's `bytes % value` follows the same rules for finite numbers; infinities and
NaNs are written here the C way ("-nan" keeps the sign bit, and "0" never pads them).
"""

from __future__ import annotations

import operator

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.string import buffers

_FILL_FLAGS = " +-0#"


def _check_attrs(dtype, precision, scientific, shortest, fill):
    if dtype is not dtypes.string and not (dtype.is_floating or dtype.is_complex):
        if scientific or shortest:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"scientific and shortest format not supported for datatype {dtype.name}",
            )
        if precision >= 0:
            raise errors.InvalidArgumentError(
                None, None, f"precision not supported for datatype {dtype.name}"
            )
    if len(fill) > 1:
        raise errors.InvalidArgumentError(None, None, "Fill string must be one or fewer characters")
    if scientific and shortest:
        raise errors.InvalidArgumentError(
            None, None, "Cannot select both scientific and shortest notation"
        )
    if fill and fill not in _FILL_FLAGS:
        raise errors.InvalidArgumentError(None, None, f'Fill argument not supported: "{fill}"')


def _conversion(dtype, scientific, shortest) -> str:
    if dtype is dtypes.string:
        return "s"
    if dtype.is_integer:
        return "d"
    if shortest:
        return "g"
    return "e" if scientific else "f"


def _format_floats(values: np.ndarray, flags: str, width: int, precision: int) -> np.ndarray:
    """printf of each float with %<flags><width>.<precision><conv>, C's inf/nan rules."""
    spec = flags[:-1] + (str(width) if width > 0 else "") + _precision(precision) + flags[-1]
    template = ("%" + spec).encode()
    flat = values.astype(np.float64).reshape(-1)
    finite = np.isfinite(flat)
    out = np.empty(flat.size, dtype=object)
    out[finite] = buffers.objects(map(template.__mod__, flat[finite].tolist()), int(finite.sum()))
    if not finite.all():
        out[~finite] = _non_finite(flat[~finite], flags[:-1], width)
    return out


def _precision(precision: int) -> str:
    return f".{precision}" if precision >= 0 else ""


def _non_finite(values: np.ndarray, flags: str, width: int) -> np.ndarray:
    sign = np.where(np.signbit(values), "-", "+" if "+" in flags else " " if " " in flags else "")
    words = np.where(np.isnan(values), "nan", "inf")
    align = str.ljust if "-" in flags else str.rjust
    texts = map(align, map(operator.add, sign.tolist(), words.tolist()), [width] * values.size)
    return buffers.objects(map(operator.methodcaller("encode"), texts), values.size)


def _format(values, dtype, flags: str, width: int, precision: int) -> np.ndarray:
    if flags[-1] in "feg":
        return _format_floats(values, flags, width, precision)
    if flags[-1] == "d" and dtype.is_unsigned:
        # printf ignores the sign flags for unsigned conversions.
        flags = flags.replace("+", "").replace(" ", "")
    spec = "%" + flags[:-1] + (str(width) if width > 0 else "") + _precision(precision)
    template = (spec + flags[-1]).encode()
    flat = np.asarray(values).reshape(-1)
    return buffers.objects(map(template.__mod__, flat.tolist()), flat.size)


def _as_string_kernel(ctx, input, T, precision, scientific, shortest, width, fill):
    _check_attrs(T, precision, scientific, shortest, fill)
    values = np.asarray(input)
    if T is dtypes.bool:
        return np.where(values, b"true", b"false").astype(object)
    if T is dtypes.variant:
        return buffers.objects(
            map(_variant_text, values.reshape(-1).tolist()), values.size
        ).reshape(values.shape)
    if T is dtypes.string and width <= 0:
        return values
    flags = fill + _conversion(T, scientific, shortest)
    if T.is_complex:
        real = _format(values.real, T, flags, width, precision)
        imag = _format(values.imag, T, flags, width, precision)
        return (b"(" + real + b"," + imag + b")").reshape(values.shape)
    return _format(values, T, flags, width, precision).reshape(values.shape)


def _variant_text(value) -> bytes:
    return repr(value).encode("utf-8")


registry.register_op(
    "AsString",
    inputs=["input: T"],
    outputs=["output: string"],
    attrs=[
        "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32,"
        " uint64, complex64, complex128, bool, variant, string}",
        "precision: int = -1",
        "scientific: bool = false",
        "shortest: bool = false",
        "width: int = -1",
        "fill: string = ''",
    ],
    shape=lambda op: [op.inputs[0].shape],
    kernel=_as_string_kernel,
)
registry.not_differentiable("AsString", "strings have no gradient")


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):
    """Mirrors `tf.as_string` / `tf.strings.as_string`: printf-style text of each element.

    Args:
      input: a numeric, bool or string tensor.
      precision: digits after the point (floats; -1 is printf's default 6).
      scientific: use %e.
      shortest: use %g.
      width: pad to this width.
      fill: one printf flag character: " ", "+", "-", "0" or "#".
      name: the op name.

    Returns:
      A string Tensor of input's shape.

    >>> as_string([1.5, -2.0], precision=2)  # [b"1.50", b"-2.00"]
    """
    return op_builder.apply_op(
        "AsString",
        input,
        precision=precision,
        scientific=scientific,
        shortest=shortest,
        width=width,
        fill=fill,
        name=name,
    )
