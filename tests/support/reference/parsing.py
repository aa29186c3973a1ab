"""Independent references for the parsing ops: Examples decoded with the protobuf library and
assembled with plain Python loops; raw bytes decoded with `struct`; CSV with Python's csv."""

from __future__ import annotations

import csv
import struct

import numpy as np

from ndflow.proto import example_pb2

_KINDS = {np.float32: "float_list", np.int64: "int64_list", object: "bytes_list"}


def feature_values(feature, np_dtype):
    """The values of a Feature as a Python list ([] when absent or empty)."""
    kind = feature.WhichOneof("kind")
    if kind is None:
        return []
    if kind != _KINDS[np_dtype]:
        raise ValueError(f"type mismatch: {kind}")
    return list(getattr(feature, kind).value)


def _object_array(values, shape):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array.reshape(shape)


def parse_dense(serialized, key, np_dtype, shape, default=None):
    """[batch, *shape] for a FixedLenFeature, one example at a time."""
    rows = []
    size = int(np.prod(shape, dtype=np.int64))
    for data in serialized:
        features = example_pb2.Example.FromString(data).features.feature
        values = feature_values(features[key], np_dtype) if key in features else []
        if not values:
            if default is None:
                raise ValueError(f"missing {key}")
            values = list(np.asarray(default).reshape(-1))
        if len(values) != size:
            raise ValueError(f"{key}: {len(values)} values")
        rows.append(values)
    flat = [value for row in rows for value in row]
    full_shape = (len(serialized), *shape)
    if np_dtype is object:
        return _object_array(flat, full_shape)
    return np.array(flat, dtype=np_dtype).reshape(full_shape)


def parse_sparse(serialized, key, np_dtype):
    """(indices [N, 2], values, dense_shape [2]) for a VarLenFeature."""
    indices, values, width = [], [], 0
    for row, data in enumerate(serialized):
        features = example_pb2.Example.FromString(data).features.feature
        items = feature_values(features[key], np_dtype) if key in features else []
        width = max(width, len(items))
        for column, item in enumerate(items):
            indices.append([row, column])
            values.append(item)
    index_array = np.array(indices, dtype=np.int64).reshape(-1, 2)
    if np_dtype is object:
        value_array = _object_array(values, (len(values),))
    else:
        value_array = np.array(values, dtype=np_dtype)
    return index_array, value_array, np.array([len(serialized), width], dtype=np.int64)


def decode_raw(strings, np_dtype, little_endian=True):
    """Each string unpacked with struct, element by element."""
    codes = {
        np.int16: "h",
        np.int32: "i",
        np.int64: "q",
        np.uint16: "H",
        np.uint8: "B",
        np.float32: "f",
        np.float64: "d",
        np.int8: "b",
    }
    code = codes[np_dtype]
    order = "<" if little_endian else ">"
    size = struct.calcsize(code)
    rows = []
    for item in np.asarray(strings, dtype=object).reshape(-1):
        count = len(item) // size
        rows.append(struct.unpack(f"{order}{count}{code}", item))
    shape = (*np.shape(strings), len(rows[0]) if rows else 0)
    return np.array(rows, dtype=np_dtype).reshape(shape)


def decode_csv(records, defaults, delimiter=","):
    """Columns parsed by Python's csv module, empty fields taking their default."""
    flat = [r.decode() for r in np.asarray(records, dtype=object).reshape(-1)]
    rows = list(csv.reader(flat, delimiter=delimiter))
    columns = []
    for index, default in enumerate(defaults):
        kind = type(default)
        values = [kind(row[index]) if row[index] != "" else default for row in rows]
        if kind is str:
            out = np.empty(len(values), dtype=object)
            out[:] = [v.encode() for v in values]
        else:
            out = np.array(values, dtype=np.float32 if kind is float else np.int32)
        columns.append(out.reshape(np.shape(records)))
    return columns


def string_to_number(strings, np_dtype):
    """float() / int() of each string."""
    convert = float if np.dtype(np_dtype).kind == "f" else int
    flat = [convert(item.decode()) for item in np.asarray(strings, dtype=object).reshape(-1)]
    return np.array(flat, dtype=np_dtype).reshape(np.shape(strings))
