"""Cast and its builders: `tf.cast`, `tf.saturate_cast`, TF1's `tf.to_float`...

TF's CPU casts, reproduced (golden files recorded from TF decide):
- float -> integer truncates toward zero. Out-of-range values and NaN become the x86
  "integer indefinite" value: int32/int64 give their minimum; uint32/uint64 convert values
  >= 2**31 (2**63) through the signed type after subtracting 2**32 (2**64).
- float -> 8- and 16-bit integers goes through int32 and saturates, as TF's vectorized
  kernel does for all but the last few elements of a tensor (C++ leaves these casts
  undefined; TF's scalar tail wraps instead, so small tensors can differ there).
- complex -> real (and -> bool, -> integer) drops the imaginary part.
- x -> bool is x != 0 (NaN is true).
- Truncate=True rounds float narrowing toward zero instead of to nearest.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_NUMERIC_KINDS = "biufc"


def _is_numeric(dtype: np.dtype) -> bool:
    return dtype.kind in _NUMERIC_KINDS or dtype.name == "bfloat16"


def _to_signed(values, target: np.dtype):
    """Truncates floats to `target` (int32 or int64) with x86's out-of-range result."""
    info = np.iinfo(target)
    truncated = np.trunc(values)
    # -2**31 and -2**63 are exact in every float type; +2**31 / +2**63 are out of range.
    valid = (truncated >= float(info.min)) & (truncated < -float(info.min))
    safe = np.where(valid, truncated, 0).astype(target)
    return np.where(valid, safe, np.array(info.min, dtype=target))


def _float_to_integer(values, target: np.dtype):
    values = np.asarray(values, dtype=np.float64 if values.dtype.itemsize > 4 else np.float32)
    if target.kind == "u" and target.itemsize >= 4:
        signed = np.dtype(f"int{target.itemsize * 8}")
        wrap = 2.0 ** (target.itemsize * 8)
        shifted = np.where(values >= wrap / 2, values - wrap, values)
        return _to_signed(shifted, signed).view(target)
    if target.itemsize == 8:
        return _to_signed(values, np.dtype(np.int64)).astype(target)
    info = np.iinfo(target)
    return np.clip(_to_signed(values, np.dtype(np.int32)), info.min, info.max).astype(target)


# Significand bits of each float type, to tell which casts narrow.
_SIGNIFICAND = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _narrows(source: np.dtype, target: np.dtype) -> bool:
    bits = _SIGNIFICAND.get(target.name)
    return bits is not None and bits < _SIGNIFICAND.get(source.name, 0)


def _truncated(values, target: np.dtype):
    """`values` narrowed to the float type `target`, rounding toward zero."""
    if target.name == "bfloat16":
        wide = values if values.dtype.itemsize <= 4 else _truncated(values, np.dtype(np.float32))
        bits = np.asarray(wide, dtype=np.float32).view(np.uint32) & np.uint32(0xFFFF0000)
        return bits.view(np.float32).astype(target)
    nearest = values.astype(target)
    away = np.abs(nearest.astype(values.dtype)) > np.abs(values)
    toward_zero = np.nextafter(nearest, np.zeros((), target))
    # Overflow still gives inf, as TF's truncating cast only drops low significand bits.
    return np.where(away & np.isfinite(nearest), toward_zero, nearest)


def cast_array(x, target: np.dtype, truncate: bool = False):
    """`x` converted to NumPy dtype `target` with TF's Cast semantics (see module doc)."""
    x = np.asarray(x)
    if x.dtype == target:
        return x
    if x.dtype.kind == "c" and target.kind != "c":
        x = x.real
    if target.kind == "b":
        return x != 0
    if target.kind in "iu" and (x.dtype.kind == "f" or x.dtype.name == "bfloat16"):
        return _float_to_integer(x, target)
    if truncate and _narrows(x.dtype, target):
        return _truncated(x, target)
    return x.astype(target)


def _cast_kernel(ctx, x, SrcT, DstT, Truncate):
    if SrcT is DstT:
        return x
    source = np.dtype(SrcT.as_numpy_dtype)
    target = np.dtype(DstT.as_numpy_dtype)
    if not (_is_numeric(source) and _is_numeric(target)):
        raise errors.UnimplementedError(
            None, None, f"Cast {dtypes.cpp_name(SrcT)} to {dtypes.cpp_name(DstT)} is not supported"
        )
    return cast_array(x, target, Truncate)


_FLOATING = frozenset(
    [
        dtypes.float16,
        dtypes.float32,
        dtypes.float64,
        dtypes.bfloat16,
        dtypes.complex64,
        dtypes.complex128,
    ]
)


def _cast_grad(op, grad):
    """TF's `_CastGrad`: grad cast back to the source type, between float and complex types
    only (None to or from integers and bools)."""
    source = op.inputs[0].dtype.base_dtype
    if source in _FLOATING and grad.dtype.base_dtype in _FLOATING:
        return [cast(grad, source)]
    return [None]


registry.register_op(
    "Cast",
    inputs=["x: SrcT"],
    outputs=["y: DstT"],
    attrs=["SrcT: type", "DstT: type", "Truncate: bool = false"],
    shape=elementwise.unary_shape,
    kernel=_cast_kernel,
    grad=_cast_grad,
)


def cast(x, dtype, name=None):
    """Mirrors `tf.cast`: `x` converted to `dtype` (no op when the type already matches).

    Args:
      x: a Tensor or a value convertible to one.
      dtype: the destination type.
      name: the op name (default "Cast").

    Returns:
      A Tensor of type `dtype` and x's shape.

    >>> cast(constant([1.7, -1.7]), int32)  # [1, -1]
    <tf.Tensor 'Cast:0' shape=(2,) dtype=int32>
    """
    base = dtypes.as_dtype(dtype).base_dtype
    if isinstance(x, graph_lib.Tensor) and x.dtype.base_dtype == base:
        return x
    with graph_lib.name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.base_dtype == base:
            return x
        return apply_op("Cast", x, DstT=base, name=scope)


def _cast_builder(dtype: dtypes.DType, tf_name: str, default_name: str):
    def builder(x, name=default_name):
        return cast(x, dtype, name=name)

    builder.__name__ = builder.__qualname__ = tf_name
    builder.__doc__ = (
        f'Mirrors TF1 `tf.{tf_name}`: `tf.cast(x, tf.{dtype.name})` named "{default_name}".\n\n'
        f"    >>> {tf_name}(constant([1, 2]))\n"
        f"    <tf.Tensor '{default_name}:0' shape=(2,) dtype={dtype.name}>\n"
    )
    return builder


to_float = _cast_builder(dtypes.float32, "to_float", "ToFloat")
to_double = _cast_builder(dtypes.float64, "to_double", "ToDouble")
to_int32 = _cast_builder(dtypes.int32, "to_int32", "ToInt32")
to_int64 = _cast_builder(dtypes.int64, "to_int64", "ToInt64")
to_bfloat16 = _cast_builder(dtypes.bfloat16, "to_bfloat16", "ToBFloat16")
to_complex64 = _cast_builder(dtypes.complex64, "to_complex64", "ToComplex64")
to_complex128 = _cast_builder(dtypes.complex128, "to_complex128", "ToComplex128")


def _python_number(value):
    """A NumPy scalar as a Python int or float, so comparisons between types are exact."""
    return int(value) if np.asarray(value).dtype.kind in "iu" else float(value)


def _limits(dtype: dtypes.DType):
    """(lowest, highest) of a real type as Python numbers, bfloat16 included."""
    np_dtype = np.dtype(dtype.as_numpy_dtype)
    if np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        return int(info.min), int(info.max)
    highest = float(np.nextafter(np.array(np.inf, np_dtype), np.zeros((), np_dtype)))
    return -highest, highest


def _saturation_bounds(source: dtypes.DType, target: dtypes.DType):
    """TF's clamp limits: the target's range expressed (and nudged to fit) in the source."""
    np_source = np.dtype(source.as_numpy_dtype).type
    in_low, in_high = _limits(source)
    out_low, out_high = _limits(target)
    low = np_source(max(in_low, out_low))
    if _python_number(low) < out_low:
        low = np.nextafter(low, np_source(0))
    high = np_source(min(in_high, out_high))
    if _python_number(high) > out_high:
        high = np.nextafter(high, np_source(0))
    return low, high


def saturate_cast(value, dtype, name=None):
    """Mirrors `tf.saturate_cast`: clamps to the target's range, then casts.

    >>> saturate_cast(constant([-1.0, 300.0]), uint8)  # [0, 255]
    <tf.Tensor 'saturate_cast:0' shape=(2,) dtype=uint8>
    """
    with graph_lib.name_scope(name, "saturate_cast", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype).base_dtype
        source = value.dtype.base_dtype
        if source.is_complex and not dtype.is_complex:
            value = cast(value, source.real_dtype)
            source = source.real_dtype
        if source.is_complex:
            return cast(value, dtype, name=scope)
        low, high = _saturation_bounds(source, dtype.real_dtype)
        value = apply_op(
            "ClipByValue",
            value,
            convert_to_tensor(low, dtype=source, name="min"),
            convert_to_tensor(high, dtype=source, name="max"),
            name="clamp",
        )
        return cast(value, dtype, name=scope)
