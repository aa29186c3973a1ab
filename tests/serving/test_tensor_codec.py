"""The serving tensor codec: TF's `Tensor::FromProto` rules in, typed fields out."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import tensor_util
from ndflow.proto import tensor_pb2
from ndflow.serving import tensor_codec

_NUMERIC = [
    np.float32,
    np.float64,
    np.float16,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.complex64,
    np.complex128,
    np.bool_,
]


def _proto(dtype, shape, **fields):
    proto = tensor_pb2.TensorProto(dtype=dtypes.as_dtype(dtype).as_datatype_enum)
    for size in shape:
        proto.tensor_shape.dim.add(size=size)
    for name, value in fields.items():
        if name == "tensor_content":
            proto.tensor_content = value
        else:
            getattr(proto, name).extend(value)
    return proto


@pytest.mark.parametrize("np_dtype", _NUMERIC, ids=lambda t: np.dtype(t).name)
def test_typed_field_round_trip_every_dtype(np_dtype):
    array = (np.arange(6).reshape(2, 3) % 2).astype(np_dtype)
    proto = tensor_codec.from_numpy(array)
    assert not proto.tensor_content
    back = tensor_codec.to_numpy(proto)
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize("np_dtype", _NUMERIC, ids=lambda t: np.dtype(t).name)
def test_tensor_content_decodes_every_dtype(np_dtype):
    array = (np.arange(6).reshape(3, 2) % 2).astype(np_dtype)
    proto = _proto(array.dtype, array.shape, tensor_content=array.astype(array.dtype).tobytes())
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), array)


def test_float_response_uses_float_val_with_full_shape():
    proto = tensor_codec.from_numpy(np.array([[2.5], [3.0], [4.5]], np.float32))
    assert list(proto.float_val) == [2.5, 3.0, 4.5]
    assert [d.size for d in proto.tensor_shape.dim] == [3, 1]
    assert proto.dtype == dtypes.float32.as_datatype_enum


def test_response_as_tensor_content_when_asked():
    array = np.array([1.0, 2.0], np.float32)
    proto = tensor_codec.from_numpy(array, as_tensor_content=True)
    assert proto.tensor_content == array.tobytes()
    assert not proto.float_val


def test_half_travels_as_16_bit_patterns_in_half_val():
    array = np.array([1.0, -2.5, 65504.0], np.float16)
    proto = tensor_codec.from_numpy(array)
    assert list(proto.half_val) == array.view(np.uint16).tolist()
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), array)


def test_bfloat16_travels_in_half_val():
    array = np.array([1.0, 3.0], ml_dtypes.bfloat16)
    proto = tensor_codec.from_numpy(array)
    assert list(proto.half_val) == array.view(np.uint16).tolist()
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), array)


def test_strings_round_trip_as_bytes():
    array = np.array([b"a", b"", "\u00e9".encode()], dtype=object)
    proto = tensor_codec.from_numpy(array)
    assert list(proto.string_val) == [b"a", b"", b"\xc3\xa9"]
    assert tensor_codec.to_numpy(proto).tolist() == array.tolist()


def test_string_tensor_content_uses_varint_lengths():
    content = bytes([1, 0, 3]) + b"a" + b"xyz"
    proto = _proto("string", [3], tensor_content=content)
    assert tensor_codec.to_numpy(proto).tolist() == [b"a", b"", b"xyz"]


def test_single_typed_value_broadcasts_like_tf():
    proto = _proto(np.float32, [3], float_val=[7.0])
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), [7.0, 7.0, 7.0])


def test_short_typed_field_repeats_last_value():
    proto = _proto(np.int32, [2, 2], int_val=[1, 2])
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), [[1, 2], [2, 2]])


def test_empty_typed_field_means_zeros():
    proto = _proto(np.float64, [2])
    np.testing.assert_array_equal(tensor_codec.to_numpy(proto), [0.0, 0.0])


def test_scalar_round_trip():
    proto = tensor_codec.from_numpy(np.float32(2.0))
    assert list(proto.float_val) == [2.0] and not proto.tensor_shape.dim
    assert tensor_codec.to_numpy(proto).shape == ()


def test_make_tensor_proto_requests_decode():
    # The official client's encoding: tensor_content for numeric arrays, typed for scalars.
    for value in ([1.0, 2.0, 5.0], 2.0, [[True, False]], [b"x", b"y"]):
        proto = tensor_util.make_tensor_proto(value)
        np.testing.assert_array_equal(tensor_codec.to_numpy(proto), tensor_util.to_numpy(value))


@pytest.mark.parametrize(
    "proto",
    [
        _proto(np.float32, [2], float_val=[1.0, 2.0, 3.0]),
        _proto(np.float32, [3], tensor_content=b"\x00" * 8),
        _proto(np.float32, [-1], float_val=[1.0]),
        _proto(np.complex64, [1], scomplex_val=[1.0]),
        _proto("string", [2], tensor_content=bytes([5]) + b"ab"),
        tensor_pb2.TensorProto(dtype=0),
        tensor_pb2.TensorProto(dtype=101, float_val=[1.0]),
        tensor_pb2.TensorProto(dtype=20),
    ],
    ids=[
        "too_many_values",
        "short_content",
        "negative_dim",
        "odd_complex",
        "bad_string_content",
        "invalid_dtype",
        "ref_dtype",
        "resource",
    ],
)
def test_malformed_tensor_is_invalid_argument(proto):
    with pytest.raises(errors.InvalidArgumentError, match=r"^tensor parsing error: x$"):
        tensor_codec.to_numpy(proto, "x")


def test_unknown_rank_is_invalid_argument():
    proto = _proto(np.float32, [], float_val=[1.0])
    proto.tensor_shape.unknown_rank = True
    with pytest.raises(errors.InvalidArgumentError):
        tensor_codec.to_numpy(proto, "x")
