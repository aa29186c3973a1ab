"""TensorFlow's legacy V1 checkpoint format (TF's TensorSliceWriter / TensorSliceReader),
written by the Save / SaveSlices ops and read by Restore / RestoreSlice and, as TF does, by
RestoreV2 when a prefix has no V2 `.index`.

A V1 checkpoint is one or more files (a glob pattern names them all), each a sorted table
(`sorted_table`): key "" holds a SavedTensorSlices whose `meta` lists every tensor (name,
shape, dtype, slices), and each slice is a SavedTensorSlices `data` record under the
ordered-code key of (name, slice), its values in the TensorProto's typed repeated field
(float_val, int_val, half_val as uint16 bits, scomplex_val as pairs...).
"""

from __future__ import annotations

import errno
import glob
import math
import os

import numpy as np
from google.protobuf import message as _message

from ndflow.formats import sorted_table
from ndflow.formats import tensor_slice
from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.proto import saved_tensor_slice_pb2
from ndflow.proto import types_pb2

CHECKPOINT_VERSION = 1  # TF_CHECKPOINT_VERSION
_META_KEY = b""

# dtype name -> the TensorProto field holding its values (TF's SaveTypeTraits).
_FIELDS = {
    "float32": "float_val",
    "float64": "double_val",
    "int32": "int_val",
    "int16": "int_val",
    "int8": "int_val",
    "uint8": "int_val",
    "uint16": "int_val",
    "uint32": "uint32_val",
    "int64": "int64_val",
    "uint64": "uint64_val",
    "bool": "bool_val",
    "complex64": "scomplex_val",
    "complex128": "dcomplex_val",
    "float16": "half_val",
    "string": "string_val",
}


def _unsupported(dtype: dtypes.DType) -> errors.UnimplementedError:
    return errors.UnimplementedError(
        None, None, f"V1 checkpoints do not support tensors of type {dtype.name}"
    )


def _fill(proto, dtype: dtypes.DType, value: np.ndarray) -> None:
    """TF's `Fill`: the values into the dtype's typed field of a TensorProto."""
    field = _FIELDS.get(dtype.name)
    if field is None:
        raise _unsupported(dtype)
    flat = value.reshape(-1)
    if dtype == dtypes.string:
        items = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat.tolist()]
        proto.string_val.extend(items)
        return
    if dtype == dtypes.float16:
        flat = flat.view(np.uint16)
    elif dtype.is_complex:
        flat = flat.view(flat.real.dtype)
    getattr(proto, field).extend(flat.tolist())


def _values(proto, dtype: dtypes.DType, shape) -> np.ndarray:
    """The inverse of `_fill`, checked against the number of elements of `shape`."""
    field = _FIELDS.get(dtype.name)
    if field is None:
        raise _unsupported(dtype)
    count = math.prod(shape)
    raw = getattr(proto, field)
    expected = 2 * count if dtype.is_complex else count
    if len(raw) != expected:
        raise errors.DataLossError(
            None, None, f"V1 checkpoint slice holds {len(raw)} values, expected {expected}"
        )
    if dtype == dtypes.string:
        out = np.empty(count, dtype=object)
        out[:] = list(raw)
        return out.reshape(shape)
    np_type = np.dtype(dtype.as_numpy_dtype)
    if dtype == dtypes.float16:
        return np.array(raw, dtype=np.uint16).view(np.float16).reshape(shape)
    if dtype.is_complex:
        return np.array(raw, dtype=np.zeros((), np_type).real.dtype).view(np_type).reshape(shape)
    return np.array(raw, dtype=np_type).reshape(shape)


class SliceWriter:
    """Mirrors TF's `TensorSliceWriter`: one V1 checkpoint file, written to a temporary name
    and renamed into place by `finish`.

    >>> writer = SliceWriter("/tmp/model.ckpt")
    >>> writer.add("w", (2, 3), tensor_slice.TensorSlice.full(2), np.ones((2, 3)))
    >>> writer.finish()
    """

    def __init__(self, filename):
        self._filename = os.fspath(filename)
        self._records = saved_tensor_slice_pb2.SavedTensorSlices()
        versions = self._records.meta.versions
        versions.producer = CHECKPOINT_VERSION
        self._index: dict[str, int] = {}
        self._data: dict[bytes, bytes] = {}

    def add(self, name: str, full_shape, part: tensor_slice.TensorSlice, value) -> None:
        """Mirrors `TensorSliceWriter::Add`: slice `part` of tensor `name`.

        Raises:
          InternalError: ranks, shapes or dtypes that disagree with earlier slices.
        """
        value = np.asarray(value)
        dtype = dtypes.as_dtype(value.dtype)
        full_shape = tuple(int(dim) for dim in full_shape)
        if len(full_shape) != part.rank:
            raise errors.InternalError(
                None,
                None,
                f"Incompatible tensor shape and slice: shape = {list(full_shape)}, slice = {part}",
            )
        meta = self._meta(name, full_shape, dtype)
        meta.slice.append(part.as_proto())
        record = saved_tensor_slice_pb2.SavedTensorSlices()
        record.data.name = name
        record.data.slice.CopyFrom(part.as_proto())
        _fill(record.data.data, dtype, value.reshape(part.slice_shape(full_shape)))
        self._data[tensor_slice.encode_name_slice(name, part)] = record.SerializeToString()

    def _meta(self, name: str, full_shape, dtype: dtypes.DType):
        index = self._index.get(name)
        if index is None:
            self._index[name] = len(self._records.meta.tensor)
            meta = self._records.meta.tensor.add(name=name, type=dtype.as_datatype_enum)
            meta.shape.SetInParent()
            for dim in full_shape:
                meta.shape.dim.add(size=dim)
            return meta
        meta = self._records.meta.tensor[index]
        if tuple(dim.size for dim in meta.shape.dim) != full_shape:
            raise errors.InternalError(None, None, f"Mismatching shapes for tensor {name}")
        if meta.type != dtype.as_datatype_enum:
            raise errors.InternalError(None, None, f"Mismatching types for tensor {name}")
        return meta

    def finish(self) -> None:
        rows = [(_META_KEY, self._records.SerializeToString())]
        rows.extend(sorted(self._data.items()))
        temp = f"{self._filename}.tempstate{int.from_bytes(os.urandom(8), 'little')}"
        try:
            with open(temp, "wb") as handle:
                handle.write(sorted_table.build_table(rows))
            os.replace(temp, self._filename)
        except OSError as error:
            if os.path.exists(temp):
                os.remove(temp)
            kind = errors.NotFoundError if error.errno == errno.ENOENT else errors.UnknownError
            raise kind(None, None, f"{temp}; {error.strerror or error}") from None


class SliceReader:
    """Mirrors TF's `TensorSliceReader`: the tensors of every V1 file matching a pattern.

    Raises:
      NotFoundError: no file matches `file_pattern`.
      DataLossError: a file is not a V1 checkpoint or is damaged.
    """

    def __init__(self, file_pattern):
        self._pattern = os.fspath(file_pattern)
        files = (
            sorted(glob.glob(self._pattern))
            if glob.has_magic(self._pattern)
            else ([self._pattern] if os.path.isfile(self._pattern) else [])
        )
        if not files:
            raise errors.NotFoundError(
                None,
                None,
                "Unsuccessful TensorSliceReader constructor: Failed to find any matching files "
                f"for {self._pattern}",
            )
        self._tables: list[dict[bytes, bytes]] = []
        self._tensors: dict[str, tuple] = {}
        for path in files:
            self._load(path)

    def _load(self, path: str) -> None:
        with open(path, "rb") as handle:
            table = dict(sorted_table.read_table(handle.read(), path))
        records = saved_tensor_slice_pb2.SavedTensorSlices()
        try:
            records.ParseFromString(table.get(_META_KEY, b""))
        except (_message.DecodeError, ValueError):
            raise errors.DataLossError(
                None, None, f"Unable to parse the metadata of {path}"
            ) from None
        if _META_KEY not in table or not records.HasField("meta"):
            raise errors.DataLossError(None, None, f"{path} is not a V1 checkpoint (no metadata)")
        file_index = len(self._tables)
        self._tables.append(table)
        for meta in records.meta.tensor:
            shape = tuple(dim.size for dim in meta.shape.dim)
            known = self._tensors.setdefault(meta.name, (shape, meta.type, []))
            if known[:2] != (shape, meta.type):
                raise errors.DataLossError(None, None, f"Conflicting V1 metadata for {meta.name}")
            known[2].extend(
                (tensor_slice.TensorSlice.from_proto(part), file_index) for part in meta.slice
            )

    def keys(self) -> list[str]:
        return sorted(self._tensors)

    def contains(self, name: str) -> bool:
        return name in self._tensors

    def dtype_and_shape(self, name: str):
        shape, enum, _ = self._entry(name)
        return dtypes.as_dtype(enum), shape

    def _entry(self, name: str):
        found = self._tensors.get(name)
        if found is None:
            raise errors.NotFoundError(
                None, None, f'Tensor name "{name}" not found in checkpoint files {self._pattern}'
            )
        return found

    def debug_string(self) -> bytes:
        """TF's `TensorSliceReader::DebugString`: a b"name (DT_FLOAT) [2,3]" line each."""
        lines = []
        for name in self.keys():
            shape, enum, _ = self._tensors[name]
            dims = ",".join(str(dim) for dim in shape)
            lines.append(f"{name} ({types_pb2.DataType.Name(enum)}) [{dims}]\n".encode())
        return b"".join(lines)

    def lookup(self, name: str) -> np.ndarray:
        shape, _, _ = self._entry(name)
        return self.lookup_slice(name, tensor_slice.TensorSlice.full(len(shape)))

    def lookup_slice(self, name: str, part: tensor_slice.TensorSlice) -> np.ndarray:
        """Part `part` of tensor `name`, copied out of the saved slices that overlap it."""
        shape, enum, stored = self._entry(name)
        dtype = dtypes.as_dtype(enum)
        out = np.empty(part.slice_shape(shape), dtype=dtype.as_numpy_dtype)
        covered = 0
        for saved, file_index in stored:
            if saved.intersect(part, shape) is None:
                continue
            source = self._slice_values(name, saved, file_index, dtype, shape)
            covered += tensor_slice.copy_intersection(out, part, source, saved, shape)
        if covered != out.size:
            raise errors.InvalidArgumentError(
                None, None, f"Does not have sufficient slices for tensor {name} in slice {part}"
            )
        return out

    def _slice_values(self, name, saved, file_index, dtype, shape) -> np.ndarray:
        raw = self._tables[file_index].get(tensor_slice.encode_name_slice(name, saved))
        if raw is None:
            raise errors.DataLossError(None, None, f"Missing data of slice {saved} of {name}")
        record = saved_tensor_slice_pb2.SavedTensorSlices()
        try:
            record.ParseFromString(raw)
        except (_message.DecodeError, ValueError):
            raise errors.DataLossError(None, None, f"Unparsable slice {saved} of {name}") from None
        return _values(record.data.data, dtype, saved.slice_shape(shape))
