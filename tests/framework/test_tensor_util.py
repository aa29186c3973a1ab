"""TensorProto <-> ndarray, Python-value dtype inference, constants, static values."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import tensor_util


@pytest.mark.parametrize(
    "value, dtype",
    [
        (1.5, "float32"),
        (3, "int32"),
        (2**40, "int64"),
        (True, "bool"),
        ("s", "string"),
        (b"s", "string"),
        ([1, 2.5], "float32"),
        ([[1, 2], [3, 4]], "int32"),
        (1 + 2j, "complex128"),
        (np.float64(1.0), "float64"),
        (np.array([1], np.int8), "int8"),
        ([], "float32"),
    ],
)
def test_python_values_get_tf_dtypes(value, dtype):
    assert tensor_util.infer_dtype(value).name == dtype


def test_incompatible_python_values_raise_type_error():
    with pytest.raises(TypeError, match="Expected int32, but got 1.5"):
        tensor_util.to_numpy(1.5, tf.int32)
    with pytest.raises(TypeError):
        tensor_util.to_numpy(["a", 1])
    with pytest.raises(ValueError, match="non-rectangular"):
        tensor_util.to_numpy([[1, 2], [3]])


DTYPES = [
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "complex128",
    "qint8",
    "quint8",
    "qint32",
]


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (2, 3), (0, 4)])
def test_tensor_proto_round_trip(name, shape):
    dtype = tf.as_dtype(name)
    rng = np.random.default_rng(0)
    raw = rng.integers(0, 5, size=shape)
    if dtype.is_quantized:
        array = raw.astype(dtype.as_numpy_dtype[0]).view(dtype.as_numpy_dtype)
    else:
        array = raw.astype(dtype.as_numpy_dtype)
    proto = tensor_util.make_tensor_proto(array)
    assert proto.dtype == dtype.as_datatype_enum
    back = tensor_util.make_ndarray(proto)
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    np.testing.assert_array_equal(
        np.atleast_1d(back).view(np.uint8), np.atleast_1d(array).view(np.uint8)
    )


def test_string_tensor_round_trip():
    proto = tensor_util.make_tensor_proto([["a", b"b\xff"], ["", "long string"]])
    back = tensor_util.make_ndarray(proto)
    assert back.dtype == object
    assert back.tolist() == [[b"a", b"b\xff"], [b"", b"long string"]]


def test_scalar_and_content_encodings_match_tf():
    scalar = tensor_util.make_tensor_proto(1.5)
    assert list(scalar.float_val) == [1.5] and not scalar.tensor_content
    vector = tensor_util.make_tensor_proto(np.array([1, 2], np.int32))
    assert vector.tensor_content == np.array([1, 2], "<i4").tobytes()
    half = tensor_util.make_tensor_proto(np.float16(1.0))
    assert list(half.half_val) == [0x3C00]


def test_broadcast_and_padding_constants_as_tf1():
    proto = tensor_util.make_tensor_proto(7, shape=[2, 3])
    np.testing.assert_array_equal(tensor_util.make_ndarray(proto), np.full((2, 3), 7))
    padded = tensor_util.fit_to_shape(np.array([1, 2]), [2, 2])
    np.testing.assert_array_equal(padded, [[1, 2], [2, 2]])
    with pytest.raises(TypeError, match="Too many elements"):
        tensor_util.fit_to_shape(np.array([1, 2, 3]), [2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tensor_util.make_tensor_proto([1, 2], shape=[2, 1], verify_shape=True)


def test_make_ndarray_expands_a_compressed_proto():
    from ndflow.proto import tensor_pb2

    proto = tensor_pb2.TensorProto(dtype=1)
    proto.tensor_shape.dim.add(size=4)
    proto.float_val.extend([1.0, 2.0])
    np.testing.assert_array_equal(tensor_util.make_ndarray(proto), [1.0, 2.0, 2.0, 2.0])


def test_constant_builder():
    with tf.Graph().as_default():
        c = tf.constant(0.5, shape=[2, 2], name="half")
        assert c.shape.as_list() == [2, 2]
        assert c.op.name == "half"
        value = c.op.attrs["value"]
        assert not value.flags.writeable
        assert tensor_util.constant_value(c).tolist() == [[0.5, 0.5], [0.5, 0.5]]
        d = tf.constant([1, 2], dtype=tf.float64)
        assert d.dtype is tf.float64


def test_constant_value_follows_static_ops():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        packed = tf.stack([tf.constant(2), tf.constant(5)])
        assert tensor_util.constant_value(packed).tolist() == [2, 5]
        assert tensor_util.constant_value(x) is None
        assert tensor_util.constant_value_as_shape(packed).as_list() == [2, 5]
