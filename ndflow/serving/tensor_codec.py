"""TensorProto <-> ndarray on the model server's wire, with TF Serving's rules.

Requests are decoded as TF's `Tensor::FromProto` does: `tensor_content` (raw little-endian
bytes; for strings TF's varint-length encoding) or the dtype's typed field, a short typed field
repeating its last value, an empty one meaning zeros, and anything malformed failing with
INVALID_ARGUMENT "tensor parsing error: <alias>". Responses are encoded as TF Serving's
`Tensor::AsProtoField`: every value in the typed field (`float_val`, `half_val`...), never
`tensor_content`, unless `--enable_serialization_as_tensor_content` asks for it.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.proto import tensor_pb2

# TF's TensorShape limit (`TensorShape::kMaxDimensions`).
_MAX_RANK = 254


def to_numpy(proto: tensor_pb2.TensorProto, alias: str = "") -> np.ndarray:
    """The value of a request tensor, as TF Serving's `Tensor::FromProto` reads it.

    Raises:
      InvalidArgumentError: "tensor parsing error: <alias>" for a bad dtype, shape, content
        length or too many typed values.
    """
    dtype = _valid_dtype(proto, alias)
    shape = _valid_shape(proto, alias)
    count = int(np.prod(shape, dtype=np.int64))
    if dtype is dtypes.string and proto.tensor_content:
        return _decode_string_content(proto.tensor_content, count, alias).reshape(shape)
    if proto.tensor_content:
        _check_content_length(proto.tensor_content, dtype, count, alias)
    else:
        _check_typed_count(proto, dtype, count, alias)
    return tensor_util.make_ndarray(proto)


def from_numpy(
    array, dtype: dtypes.DType | None = None, as_tensor_content: bool = False
) -> tensor_pb2.TensorProto:
    """A response tensor as TF Serving writes it: all values in the typed field by default,
    raw bytes in `tensor_content` with `as_tensor_content` (numeric dtypes only)."""
    array = tensor_util.to_numpy(array, dtype)
    dtype = dtype or dtypes.as_dtype(array.dtype)
    array = _as_dtype(array, dtype)
    proto = tensor_pb2.TensorProto(
        dtype=dtype.as_datatype_enum,
        tensor_shape=tensor_shape.TensorShape(array.shape).as_proto(),
    )
    if as_tensor_content and dtype is not dtypes.string:
        little = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
        proto.tensor_content = little.tobytes()
        return proto
    tensor_util.fill_typed_values(proto, array, dtype)
    return proto


def parsing_error(alias: str) -> errors.InvalidArgumentError:
    """TF Serving's error for a request tensor that does not parse."""
    return errors.InvalidArgumentError(None, None, f"tensor parsing error: {alias}")


def _as_dtype(array, dtype):
    if dtype is dtypes.string or not dtype.is_numpy_compatible:
        return array
    return array.astype(dtype.as_numpy_dtype, copy=False)


def _valid_dtype(proto, alias):
    # TF rejects DT_INVALID, reference types and the handle types in a request tensor.
    if proto.dtype == 0 or proto.dtype > 100:
        raise parsing_error(alias)
    try:
        dtype = dtypes.as_dtype(proto.dtype)
    except TypeError:
        raise parsing_error(alias) from None
    if not dtype.is_numpy_compatible or tensor_util.typed_field(dtype) is None:
        raise parsing_error(alias)
    return dtype


def _valid_shape(proto, alias):
    dims = [d.size for d in proto.tensor_shape.dim]
    if proto.tensor_shape.unknown_rank or len(dims) > _MAX_RANK or any(d < 0 for d in dims):
        raise parsing_error(alias)
    return dims


def _check_content_length(content, dtype, count, alias):
    if len(content) != count * dtype.size:
        raise parsing_error(alias)


def _check_typed_count(proto, dtype, count, alias):
    values = len(getattr(proto, tensor_util.typed_field(dtype)))
    if dtype in (dtypes.complex64, dtypes.complex128):
        if values % 2:
            raise parsing_error(alias)
        values //= 2
    if values > count:
        raise parsing_error(alias)


def _decode_string_content(content, count, alias):
    """TF's string `tensor_content`: `count` varint64 lengths, then the bytes back to back."""
    lengths, pos = [], 0
    for _ in range(count):
        length, pos = _read_varint(content, pos, alias)
        lengths.append(length)
    if pos + sum(lengths) != len(content):
        raise parsing_error(alias)
    out = np.empty(count, dtype=object)
    for i, length in enumerate(lengths):
        out[i] = bytes(content[pos : pos + length])
        pos += length
    return out


def _read_varint(data, pos, alias):
    value, shift = 0, 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise parsing_error(alias)
