"""DType: enums, NumPy types, names, limits, conversions."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes

ALL_NAMES = [
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "string",
    "complex64",
    "complex128",
    "qint8",
    "quint8",
    "qint16",
    "quint16",
    "qint32",
    "resource",
    "variant",
]

# TensorFlow's DataType enum values (types.proto).
ENUMS = {
    "float32": 1,
    "float64": 2,
    "int32": 3,
    "uint8": 4,
    "int16": 5,
    "int8": 6,
    "string": 7,
    "complex64": 8,
    "int64": 9,
    "bool": 10,
    "qint8": 11,
    "quint8": 12,
    "qint32": 13,
    "bfloat16": 14,
    "qint16": 15,
    "quint16": 16,
    "uint16": 17,
    "complex128": 18,
    "float16": 19,
    "resource": 20,
    "variant": 21,
    "uint32": 22,
    "uint64": 23,
}


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_tf_dtype_is_exported_with_its_enum(name):
    dtype = getattr(tf, name)
    assert dtype.name == name
    assert dtype.as_datatype_enum == ENUMS[name]
    assert tf.as_dtype(ENUMS[name]) is dtype
    assert tf.as_dtype(name) is dtype


def test_enum_values_match_the_types_proto():
    from ndflow.proto import types_pb2

    for name, enum in ENUMS.items():
        proto_name = types_pb2.DataType.Name(enum)
        assert tf.as_dtype(proto_name) is getattr(tf, name)


def test_ref_dtypes_round_trip():
    ref = tf.float32._as_ref()
    assert ref.name == "float32_ref"
    assert ref.is_ref_dtype and ref.base_dtype is tf.float32
    assert ref.as_datatype_enum == 101
    assert tf.as_dtype(101) is ref
    assert tf.float32.is_compatible_with(ref)
    assert not ref.is_compatible_with(tf.float32)  # TF: a ref type accepts only refs


@pytest.mark.parametrize(
    "value, expected",
    [
        (np.float32, "float32"),
        (np.dtype("int64"), "int64"),
        (float, "float64"),
        (int, "int64"),
        (bool, "bool"),
        (str, "string"),
        (bytes, "string"),
        ("float", "float32"),
        ("double", "float64"),
        ("half", "float16"),
        ("DT_FLOAT", "float32"),
        ("DT_HALF", "float16"),
        (np.dtype("S3"), "string"),
    ],
)
def test_as_dtype_accepts_numpy_python_and_names(value, expected):
    assert tf.as_dtype(value).name == expected


def test_as_dtype_rejects_unknown():
    with pytest.raises(TypeError):
        tf.as_dtype("float33")
    with pytest.raises(TypeError):
        tf.as_dtype(object())


def test_numpy_types_and_predicates():
    assert tf.float16.as_numpy_dtype is np.float16
    assert tf.string.as_numpy_dtype is np.object_
    assert tf.bfloat16.as_numpy_dtype.name == "bfloat16"
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int8.is_integer and not tf.int8.is_unsigned
    assert tf.uint16.is_unsigned
    assert tf.complex64.is_complex and tf.complex64.real_dtype is tf.float32
    assert tf.qint8.is_quantized
    assert tf.bool.is_bool


def test_limits():
    assert tf.int32.min == -(2**31) and tf.int32.max == 2**31 - 1
    assert tf.uint8.limits == (0, 255)
    assert tf.float16.max == np.finfo(np.float16).max
    assert tf.qint8.min == -128
    with pytest.raises(TypeError):
        _ = tf.string.min


def test_equality_and_hashing():
    assert tf.float32 == "float32"
    assert tf.float32 == np.float32
    assert tf.float32 != tf.float64
    assert tf.float32 != "not a type"
    assert tf.float32 is not None
    assert len({tf.float32, tf.as_dtype("float"), tf.float64}) == 2


def test_str_and_repr_match_tf():
    assert str(tf.float32) == "<dtype: 'float32'>"
    assert repr(tf.int64) == "tf.int64"


def test_cpp_names_used_in_runtime_messages():
    assert dtypes.cpp_name(tf.float32) == "float"
    assert dtypes.cpp_name(tf.float64) == "double"
    assert dtypes.cpp_name(tf.float16) == "half"
    assert dtypes.cpp_name(tf.int32) == "int32"
