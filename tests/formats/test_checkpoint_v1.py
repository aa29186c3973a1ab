"""Legacy V1 checkpoints (ndflow/formats/checkpoint_v1.py): round trips of every supported
dtype through TensorFlow's SavedTensorSlices table layout, slices spread over several files
of one pattern, and damage reported as DataLossError."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from ndflow.formats import checkpoint_v1
from ndflow.formats import tensor_slice
from ndflow.framework import dtypes
from ndflow.framework import errors

TYPES = [
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.bool_,
    np.complex64,
    np.complex128,
]


def _write(path, tensors):
    writer = checkpoint_v1.SliceWriter(str(path))
    for name, value in tensors.items():
        value = np.asarray(value)
        writer.add(name, value.shape, tensor_slice.TensorSlice.full(value.ndim), value)
    writer.finish()


@pytest.mark.parametrize("np_type", TYPES, ids=lambda t: np.dtype(t).name)
def test_round_trip_every_dtype(tmp_path, np_type):
    value = (np.arange(-3, 3).reshape(2, 3) * 7).astype(np_type)
    if np.dtype(np_type).kind == "c":
        value = value + 1j * value[:, ::-1]
    _write(tmp_path / "c", {"t": value, "scalar": value.reshape(-1)[1]})
    reader = checkpoint_v1.SliceReader(str(tmp_path / "c"))
    got = reader.lookup("t")
    assert got.dtype == value.dtype and np.array_equal(got, value)
    assert reader.lookup("scalar").shape == ()
    assert reader.dtype_and_shape("t") == (dtypes.as_dtype(np_type), (2, 3))


def test_strings_and_empty(tmp_path):
    words = np.array([b"", "ü".encode(), b"\x00" * 5], dtype=object)
    _write(tmp_path / "c", {"w": words, "empty": np.zeros((0, 2), np.float32)})
    reader = checkpoint_v1.SliceReader(str(tmp_path / "c"))
    assert reader.lookup("w").tolist() == words.tolist()
    assert reader.lookup("empty").shape == (0, 2)
    assert reader.keys() == ["empty", "w"]
    assert b"w (DT_STRING) [3]\n" in reader.debug_string()


def test_slices_across_files_of_one_pattern(tmp_path):
    full = np.arange(24, dtype=np.float32).reshape(6, 4)
    for shard, rows in enumerate([(0, 2), (2, 4)]):
        writer = checkpoint_v1.SliceWriter(str(tmp_path / f"m-{shard:05d}-of-00002"))
        part = tensor_slice.TensorSlice([rows, (0, -1)])
        writer.add("p", (6, 4), part, full[rows[0] : rows[0] + rows[1]])
        writer.finish()
    reader = checkpoint_v1.SliceReader(str(tmp_path / "m-?????-of-00002"))
    np.testing.assert_array_equal(reader.lookup("p"), full)
    part = tensor_slice.TensorSlice.parse("1,3:2,2")
    np.testing.assert_array_equal(reader.lookup_slice("p", part), full[1:4, 2:4])


def test_missing_and_damaged_files(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files"):
        checkpoint_v1.SliceReader(str(tmp_path / "none"))
    _write(tmp_path / "c", {"t": np.arange(100, dtype=np.int64)})
    path = pathlib.Path(tmp_path / "c")
    data = bytearray(path.read_bytes())
    data[30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match="checksum"):
        checkpoint_v1.SliceReader(str(path))
    with pytest.raises(errors.UnimplementedError, match="bfloat16"):
        ml_dtypes = pytest.importorskip("ml_dtypes")
        _write(tmp_path / "b", {"b": np.zeros(2, ml_dtypes.bfloat16)})
