"""TensorFlow's V2 checkpoint format, the tensor bundle: `<prefix>.index` plus data shards
`<prefix>.data-00000-of-00001`...

The index is a sorted table (`sorted_table`) mapping each tensor name to a serialized
BundleEntryProto (dtype, shape, shard, offset and size in that shard's data file, masked
CRC32C of the bytes); the key "" holds the BundleHeaderProto (number of shards, byte order,
format version). A data file is the tensors' bytes back to back:

- numeric tensors: their raw little-endian buffer, exactly `size` bytes;
- string tensors: a varint64 length per element, then the masked CRC32C of those lengths
  (each checksummed as a uint32, or uint64 if it does not fit), then the element bytes. The
  entry's CRC covers the lengths (as uint32/uint64), the 4 checksum bytes and the elements.

A partitioned tensor is stored as one entry per slice, keyed by `tensor_slice.
encode_name_slice`, plus an entry under the tensor's own name carrying dtype, full shape and
the list of slices; reading the name assembles the full tensor, as TensorFlow's reader does.

Writing goes to `.tempstate<random>` files renamed into place (data first, index last), so an
interrupted write never leaves a damaged bundle under the final names.
"""

from __future__ import annotations

import math
import os

import numpy as np
from google.protobuf import message as _message

from ndflow.formats import bundle_strings
from ndflow.formats import crc32c
from ndflow.formats import gfile
from ndflow.formats import sorted_table
from ndflow.formats import tensor_slice
from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.proto import tensor_bundle_pb2
from ndflow.proto import types_pb2
from ndflow.proto import versions_pb2

HEADER_KEY = b""
FORMAT_VERSION = 1  # kTensorBundleVersion
MIN_PRODUCER = 0
MIN_CONSUMER = 0
_NOT_STORABLE = ("resource", "variant")
_LITTLE = tensor_bundle_pb2.BundleHeaderProto.LITTLE
_BIG = tensor_bundle_pb2.BundleHeaderProto.BIG


def index_filename(prefix) -> str:
    """TF's `MetaFilename`: `<prefix>.index`."""
    return f"{os.fsdecode(prefix)}.index"


def data_filename(prefix, shard_id: int, num_shards: int) -> str:
    """TF's `DataFilename`: `<prefix>.data-<shard, 5 digits>-of-<num_shards, 5 digits>`."""
    return f"{os.fsdecode(prefix)}.data-{shard_id:05d}-of-{num_shards:05d}"


def _key_bytes(key) -> bytes:
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def _key_text(key: bytes) -> str:
    return key.decode("utf-8", errors="surrogateescape")


def _os_error(error: OSError, path: str) -> errors.OpError:
    return gfile.error_for(error, path)


def _create_parent(directory: str) -> None:
    """TF's BundleWriter creates the prefix's directory, one level: a missing grandparent is
    a NotFoundError (which tf.train.Saver turns into "Parent directory ... doesn't exist")."""
    try:
        os.mkdir(directory)
    except FileExistsError:
        if not os.path.isdir(directory):
            raise


def _temp_name(path: str) -> str:
    return f"{path}.tempstate{int.from_bytes(os.urandom(8), 'little')}"


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass  # best effort, as TF's cleanup: the file may never have been created


def _shape_string(shape) -> str:
    return "[" + ",".join(str(dim) for dim in shape) + "]"


# ---------------------------------------------------------------------- encoding values


def _numeric_bytes(value: np.ndarray) -> memoryview:
    return memoryview(np.ascontiguousarray(value).reshape(-1).view(np.uint8))


def _as_array(value) -> np.ndarray:
    """`value` as an array in native (little-endian) byte order; str/bytes become objects."""
    array = np.asarray(value)
    if array.dtype.byteorder == ">":
        return array.astype(array.dtype.newbyteorder("="))
    return array


def _dtype_of(key: bytes, value: np.ndarray) -> dtypes.DType:
    try:
        dtype = dtypes.as_dtype(value.dtype)
    except TypeError:
        raise errors.InvalidArgumentError(
            None, None, f"Cannot save tensor {_key_text(key)!r} of NumPy dtype {value.dtype}"
        ) from None
    if dtype.name in _NOT_STORABLE:
        raise errors.UnimplementedError(
            None, None, f"Saving {dtype.name} tensors is not supported: {_key_text(key)}"
        )
    return dtype


# ---------------------------------------------------------------------- writing


class BundleWriter:
    """Mirrors TF's C++ `BundleWriter`: writes one tensor bundle (a single data shard).

    Args:
      prefix: the bundle prefix; its directory is created if needed.
      data_alignment: pad each tensor's data to a multiple of this many bytes (TF: 1).

    >>> writer = BundleWriter("/tmp/ckpt/model")
    >>> writer.add("w", np.ones([2, 3], np.float32))
    >>> writer.finish()
    """

    def __init__(self, prefix, data_alignment: int = 1):
        self._prefix = os.fsdecode(prefix)
        self._alignment = data_alignment
        self._entries: dict[bytes, tensor_bundle_pb2.BundleEntryProto] = {}
        self._size = 0
        self._closed = False
        directory = os.path.dirname(self._prefix)
        try:
            if directory:
                _create_parent(directory)
            self._data_temp = _temp_name(data_filename(self._prefix, 0, 1))
            self._out = open(self._data_temp, "wb")  # noqa: SIM115 - closed in finish()/abort()
        except OSError as error:
            raise _os_error(error, error.filename or self._prefix) from None

    @property
    def prefix(self) -> str:
        return self._prefix

    def add(self, key, value) -> None:
        """Mirrors `BundleWriter::Add`: appends tensor `value` under `key`.

        The dtype comes from the array; object, bytes and str arrays are string tensors.

        Raises:
          InvalidArgumentError: an empty or duplicate key, or an unsupported dtype.
        """
        self._check_open()
        key = _key_bytes(key)
        if key == HEADER_KEY:
            raise errors.InvalidArgumentError(None, None, "The empty key is the bundle header")
        if key in self._entries:
            raise errors.InvalidArgumentError(None, None, f"Adding duplicate key: {_key_text(key)}")
        value = _as_array(value)
        entry = tensor_bundle_pb2.BundleEntryProto(dtype=_dtype_of(key, value).as_datatype_enum)
        _set_shape(entry, value.shape)
        entry.offset = self._size
        if entry.dtype == dtypes.string.as_datatype_enum:
            pieces, crc = bundle_strings.encode(value)
        else:
            pieces = [_numeric_bytes(value)]
            crc = crc32c.value(pieces[0])
        self._write(pieces)
        entry.size = sum(len(piece) for piece in pieces)
        entry.crc32c = crc32c.mask(crc)
        self._entries[key] = entry
        self._size += entry.size
        self._pad()

    def add_slice(self, full_key, full_shape, slice_spec, value) -> None:
        """Mirrors `BundleWriter::AddSlice`: stores `value` as slice `slice_spec` (a
        TensorSlice or spec string such as "0,4:-") of tensor `full_key` of `full_shape`.

        Raises:
          InvalidArgumentError: the slice does not match the value's shape, or `full_key`
            already holds a whole tensor or a different dtype/shape.
        """
        self._check_open()
        key = _key_bytes(full_key)
        full_shape = tuple(int(dim) for dim in full_shape)
        spec = _as_slice(slice_spec)
        value = _as_array(value)
        if spec.slice_shape(full_shape) != tuple(value.shape):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Slice {spec} of {_shape_string(full_shape)} does not match the shape of the "
                f"tensor to save: {_shape_string(value.shape)}",
            )
        if spec.covers(full_shape):
            self.add(key, value)
            return
        entry = self._sliced_entry(key, full_shape, _dtype_of(key, value))
        self.add(tensor_slice.encode_name_slice(key, spec), value)
        entry.slices.append(spec.as_proto())

    def _sliced_entry(self, key: bytes, full_shape, dtype: dtypes.DType):
        entry = self._entries.get(key)
        if entry is None:
            entry = tensor_bundle_pb2.BundleEntryProto(dtype=dtype.as_datatype_enum)
            _set_shape(entry, full_shape)
            self._entries[key] = entry
            return entry
        stored_shape = tuple(dim.size for dim in entry.shape.dim)
        if not entry.slices or entry.dtype != dtype.as_datatype_enum or stored_shape != full_shape:
            raise errors.InvalidArgumentError(
                None, None, f"Conflicting slices saved for tensor: {_key_text(key)}"
            )
        return entry

    def finish(self) -> None:
        """Mirrors `BundleWriter::Finish`: closes the data file, writes the index, and renames
        both into place (data first, so a present index always has its data)."""
        self._check_open()
        self._closed = True
        index_path = index_filename(self._prefix)
        index_temp = _temp_name(index_path)
        try:
            self._out.close()
            os.replace(self._data_temp, data_filename(self._prefix, 0, 1))
            table = _index_table(self._entries, num_shards=1)
            with open(index_temp, "wb") as handle:
                handle.write(table)
            os.replace(index_temp, index_path)
        except OSError as error:
            _remove_quietly(self._data_temp)
            _remove_quietly(index_temp)
            raise _os_error(error, error.filename or self._prefix) from None

    def abort(self) -> None:
        """Discards everything written so far; the final files are never touched."""
        if self._closed:
            return
        self._closed = True
        self._out.close()
        _remove_quietly(self._data_temp)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.abort()
            return
        if not self._closed:
            self.finish()

    def _check_open(self) -> None:
        if self._closed:
            raise errors.InternalError(None, None, "BundleWriter is closed")

    def _write(self, pieces) -> None:
        try:
            for piece in pieces:
                self._out.write(piece)
        except OSError as error:
            self.abort()
            raise _os_error(error, self._data_temp) from None

    def _pad(self) -> None:
        extra = self._size % self._alignment
        if extra:
            self._write([b"\0" * (self._alignment - extra)])
            self._size += self._alignment - extra


def _as_slice(spec) -> tensor_slice.TensorSlice:
    if isinstance(spec, tensor_slice.TensorSlice):
        return spec
    if isinstance(spec, (str, bytes)):
        return tensor_slice.TensorSlice.parse(spec.decode() if isinstance(spec, bytes) else spec)
    return tensor_slice.TensorSlice(spec)


def _set_shape(entry, shape) -> None:
    entry.shape.SetInParent()  # a scalar still has a (dimensionless) shape message, as in TF
    for dim in shape:
        entry.shape.dim.add(size=int(dim))


def _header(num_shards: int, endianness: int = _LITTLE, version=None):
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=num_shards, endianness=endianness)
    if version is None:
        version = versions_pb2.VersionDef(producer=FORMAT_VERSION, min_consumer=MIN_CONSUMER)
    header.version.CopyFrom(version)
    return header


def _index_table(entries: dict, num_shards: int, header=None) -> bytes:
    header = header or _header(num_shards)
    rows = [(HEADER_KEY, header.SerializeToString())]
    rows.extend((key, entries[key].SerializeToString()) for key in sorted(entries))
    return sorted_table.build_table(rows)


# ---------------------------------------------------------------------- reading


class BundleReader:
    """Mirrors TF's C++ `BundleReader`: the tensors of one bundle, by name.

    Args:
      prefix: the bundle prefix (`<prefix>.index` must exist).

    Raises:
      NotFoundError: the index file does not exist.
      DataLossError: the index file is damaged (naming it).

    >>> reader = BundleReader("/tmp/ckpt/model")
    >>> reader.lookup("w").shape
    (2, 3)
    """

    def __init__(self, prefix):
        self._prefix = os.fsdecode(prefix)
        self._index_path = index_filename(self._prefix)
        try:
            with open(self._index_path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise _os_error(error, self._index_path) from None
        rows = sorted_table.read_table(data, self._index_path)
        if not rows or rows[0][0] != HEADER_KEY:
            raise self._corrupt("failed to seek to header entry")
        self._header = self._parse_header(rows[0][1])
        self._num_shards = self._header.num_shards
        self._byte_order = ">" if self._header.endianness == _BIG else "<"
        self._raw = dict(rows[1:])
        self._parsed: dict[bytes, tensor_bundle_pb2.BundleEntryProto] = {}

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def num_shards(self) -> int:
        return self._num_shards

    def keys(self) -> list[str]:
        """The stored tensor names in sorted order, without the header and without the
        per-slice entries of partitioned tensors (those are read through their name)."""
        return [_key_text(key) for key in self._raw if not key.startswith(b"\x00")]

    def contains(self, key) -> bool:
        return _key_bytes(key) in self._raw

    def __contains__(self, key) -> bool:
        return self.contains(key)

    def entry(self, key) -> tensor_bundle_pb2.BundleEntryProto:
        """The BundleEntryProto of `key`.

        Raises:
          NotFoundError: `key` is not in the bundle.
          DataLossError: its entry is damaged.
        """
        key = _key_bytes(key)
        found = self._parsed.get(key)
        if found is not None:
            return found
        raw = self._raw.get(key)
        if raw is None:
            raise errors.NotFoundError(
                None, None, f"Key {_key_text(key)} not found in checkpoint {self._prefix}"
            )
        entry = tensor_bundle_pb2.BundleEntryProto()
        try:
            entry.ParseFromString(raw)
        except (_message.DecodeError, ValueError):
            raise self._corrupt(f"entry for key {_key_text(key)} not parseable") from None
        self._validate_entry(key, entry)
        self._parsed[key] = entry
        return entry

    def dtype_and_shape(self, key) -> tuple[dtypes.DType, tuple[int, ...]]:
        """Mirrors `LookupDtypeAndShape`: the stored dtype and full shape of `key`."""
        entry = self.entry(key)
        return dtypes.as_dtype(entry.dtype), tuple(dim.size for dim in entry.shape.dim)

    def lookup(self, key) -> np.ndarray:
        """Mirrors `BundleReader::Lookup`: the whole tensor `key` (assembled from its slices
        when it was saved partitioned).

        Raises:
          NotFoundError: `key` is absent (the message names it and the prefix), or a data
            file is missing.
          DataLossError: a checksum or size does not match, or the data file is truncated.
        """
        entry = self.entry(key)
        if not entry.slices:
            return self._read_value(_key_bytes(key), entry)
        return self._read_slice(
            _key_bytes(key), entry, tensor_slice.TensorSlice.full(len(entry.shape.dim))
        )

    def lookup_slice(self, key, slice_spec) -> np.ndarray:
        """Mirrors `BundleReader::LookupSlice`: part `slice_spec` (a TensorSlice, a spec such
        as "0,4:-", or (start, length) pairs with length -1 for all) of tensor `key`.

        Raises:
          InvalidArgumentError: the stored slices do not cover `slice_spec`.
          InternalError: `slice_spec` does not fit the stored shape.
        """
        entry = self.entry(key)
        spec = _as_slice(slice_spec)
        spec.slice_shape(tuple(dim.size for dim in entry.shape.dim))
        return self._read_slice(_key_bytes(key), entry, spec)

    def tensor_slices(self, key) -> list[tensor_slice.TensorSlice]:
        """Mirrors `LookupTensorSlices`: the slices `key` was saved as (empty if whole)."""
        return [tensor_slice.TensorSlice.from_proto(proto) for proto in self.entry(key).slices]

    def debug_string(self) -> bytes:
        """Mirrors `BundleReader::DebugString`: a b"name (DT_FLOAT) [2,3]" line per stored
        entry in key order; like TF, slices are listed under their encoded keys and the
        entries of partitioned tensors are left out."""
        lines = []
        for key in self._raw:
            entry = self.entry(key)
            if entry.slices:
                continue
            shape = _shape_string(dim.size for dim in entry.shape.dim)
            lines.append(key + f" ({types_pb2.DataType.Name(entry.dtype)}) {shape}\n".encode())
        return b"".join(lines)

    def close(self) -> None:
        self._raw = {}
        self._parsed = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _corrupt(self, detail: str) -> errors.DataLossError:
        return errors.DataLossError(
            None,
            None,
            f"Unable to read file ({self._index_path}). Perhaps the file is corrupt or was "
            f"produced by a newer version of TensorFlow with format changes ({detail})",
        )

    def _parse_header(self, raw: bytes):
        header = tensor_bundle_pb2.BundleHeaderProto()
        try:
            header.ParseFromString(raw)
        except (_message.DecodeError, ValueError):
            raise self._corrupt("unable to parse header") from None
        if header.num_shards < 1 or header.endianness not in (_LITTLE, _BIG):
            raise self._corrupt("unable to parse header")
        _check_versions(header.version, self._index_path)
        return header

    def _validate_entry(self, key: bytes, entry) -> None:
        dims = [dim.size for dim in entry.shape.dim]
        if entry.shape.unknown_rank or any(dim < 0 for dim in dims) or _too_big(dims):
            raise errors.DataLossError(
                None, None, f"Invalid tensor shape: {_key_text(key)} {dims} in {self._index_path}"
            )
        if entry.dtype not in _STORABLE_ENUMS:
            raise self._corrupt(f"entry for key {_key_text(key)} has invalid dtype {entry.dtype}")
        if not entry.slices and not 0 <= entry.shard_id < self._num_shards:
            raise self._corrupt(f"entry for key {_key_text(key)} has shard {entry.shard_id}")
        if entry.offset < 0 or entry.size < 0:
            raise self._corrupt(f"entry for key {_key_text(key)} has a negative offset or size")

    def _read_value(self, key: bytes, entry) -> np.ndarray:
        dtype = dtypes.as_dtype(entry.dtype)
        shape = tuple(dim.size for dim in entry.shape.dim)
        path = self._check_extent(key, entry)
        if dtype == dtypes.string:
            return self._read_strings(key, entry, shape, path)
        stored = np.dtype(dtype.as_numpy_dtype).newbyteorder(self._byte_order)
        expected = math.prod(shape) * stored.itemsize
        if entry.size != expected:
            raise errors.DataLossError(
                None,
                None,
                f"Invalid size in bundle entry: key {_key_text(key)}; stored size {entry.size}; "
                f"expected size {expected} (in {self._index_path})",
            )
        value = np.empty(shape, dtype=stored)
        buffer = value.reshape(-1).view(np.uint8)
        self._read_into(path, entry.offset, buffer)
        self._check_crc(entry, crc32c.value(buffer), path)
        if self._byte_order == ">" and stored.itemsize > 1:
            value = value.astype(stored.newbyteorder("<"))
        return value

    def _read_into(self, path: str, offset: int, buffer) -> None:
        if not len(buffer):
            return
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                count = handle.readinto(buffer)
        except OSError as error:
            raise _os_error(error, path) from None
        if count != len(buffer):
            raise errors.DataLossError(
                None,
                None,
                f"Truncated data file {path}: wanted {len(buffer)} bytes at offset {offset}, "
                f"got {count}",
            )

    def _check_crc(self, entry, actual: int, path: str) -> None:
        stored = crc32c.unmask(entry.crc32c)
        if stored != actual:
            raise errors.DataLossError(
                None,
                None,
                f"TensorBundle at {self._prefix} shard {entry.shard_id} ({entry.size} bytes): "
                f"Checksum does not match: stored {stored:08d} vs. calculated on the restored "
                f"bytes {actual} (data file {path})",
            )

    def _read_strings(self, key: bytes, entry, shape, path: str) -> np.ndarray:
        count = math.prod(shape)
        if entry.size == 0 and count == 0:
            return np.empty(shape, dtype=object)
        if entry.size < count + 4:
            raise errors.DataLossError(
                None,
                None,
                f"Invalid size in bundle entry: key {_key_text(key)}; stored size {entry.size}; "
                f"expected size is at least {count + 4} (in {self._index_path})",
            )
        data = bytearray(entry.size)
        self._read_into(path, entry.offset, memoryview(data))
        value, crc = bundle_strings.decode(data, count, self._byte_order, path)
        self._check_crc(entry, crc, path)
        return value.reshape(shape)

    def _read_slice(self, key: bytes, entry, spec: tensor_slice.TensorSlice) -> np.ndarray:
        full_shape = tuple(dim.size for dim in entry.shape.dim)
        stored = [tensor_slice.TensorSlice.from_proto(proto) for proto in entry.slices]
        if not stored:
            stored = [tensor_slice.TensorSlice.full(len(full_shape))]
        needed = spec.num_elements(full_shape)
        covered = sum(_overlap_size(part, spec, full_shape) for part in stored)
        if covered != needed:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Does not have sufficient slices for partitioned tensor {_key_text(key)} to "
                f"restore in slice_spec: {spec}",
            )
        parts = [
            (part, *self._part_entry(key, entry, part, full_shape))
            for part in stored
            if _overlap_size(part, spec, full_shape)
        ]
        for part, part_key, part_entry in parts:
            if part == spec or (part.covers(full_shape) and spec.covers(full_shape)):
                return self._read_value(part_key, part_entry)
        for _, part_key, part_entry in parts:
            self._check_extent(part_key, part_entry)  # before allocating the result
        np_type = dtypes.as_dtype(entry.dtype).as_numpy_dtype
        out = np.empty(spec.slice_shape(full_shape), dtype=np_type)
        for part, part_key, part_entry in parts:
            source = self._read_value(part_key, part_entry)
            tensor_slice.copy_intersection(out, spec, source, part, full_shape)
        return out

    def _part_entry(self, key: bytes, entry, part, full_shape):
        """(key, entry) of one stored slice of `key`, checked against the full entry."""
        if not entry.slices:
            return key, entry
        part_key = tensor_slice.encode_name_slice(key, part)
        part_entry = self.entry(part_key)
        part_shape = tuple(dim.size for dim in part_entry.shape.dim)
        if part_entry.dtype != entry.dtype or part_shape != part.slice_shape(full_shape):
            raise self._corrupt(f"slice {part} of {_key_text(key)} does not match its entry")
        return part_key, part_entry

    def _check_extent(self, key: bytes, entry) -> str:
        """The entry's data file, after checking its bytes lie inside it (so a damaged
        index cannot make a reader allocate more than the file holds)."""
        path = data_filename(self._prefix, entry.shard_id, self._num_shards)
        try:
            file_size = os.stat(path).st_size
        except OSError as error:
            raise _os_error(error, path) from None
        if entry.offset + entry.size > file_size:
            raise errors.DataLossError(
                None,
                None,
                f"Truncated data file {path}: entry {_key_text(key)} wants {entry.size} bytes "
                f"at offset {entry.offset}, the file has {file_size}",
            )
        return path


_STORABLE_ENUMS = frozenset(
    dtype.as_datatype_enum for dtype in dtypes.all_dtypes() if dtype.name not in _NOT_STORABLE
)


def _too_big(dims) -> bool:
    total = 1
    for dim in dims:
        total *= dim
        if total >= 1 << 62:
            return True
    return False


def _overlap_size(part, spec, shape) -> int:
    overlap = part.intersect(spec, shape)
    return 0 if overlap is None else math.prod(length for _, length in overlap.extents)


def _check_versions(version, path: str) -> None:
    """TF's `CheckVersions` for the bundle format (consumer version 1, min producer 0)."""
    if version.producer < MIN_PRODUCER:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Checkpoint producer version {version.producer} below min producer "
            f"{MIN_PRODUCER} supported by ndflow. Please regenerate your checkpoint ({path}).",
        )
    if version.min_consumer > FORMAT_VERSION:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Checkpoint min consumer version {version.min_consumer} above current version "
            f"{FORMAT_VERSION} for ndflow. Please upgrade ndflow ({path}).",
        )
    if FORMAT_VERSION in version.bad_consumers:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Checkpoint disallows consumer version {FORMAT_VERSION}. Please upgrade ndflow: "
            f"this version is likely buggy ({path}).",
        )


# ---------------------------------------------------------------------- merging


class _MergeState:
    def __init__(self):
        self.num_shards = 0
        self.header = None
        self.entries: dict[bytes, tensor_bundle_pb2.BundleEntryProto] = {}
        self.shard_ids: dict[str, int] = {}


def _merge_one(prefix: str, state: _MergeState) -> None:
    reader = BundleReader(prefix)
    header = reader._header
    state.num_shards += header.num_shards
    if state.header is None:
        state.header = header
    elif header.endianness != state.header.endianness:
        raise errors.InvalidArgumentError(
            None, None, "Merging bundles with conflicting endianness; inputs corrupted?"
        )
    elif header.version.SerializeToString() != state.header.version.SerializeToString():
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Merging bundles with different format versions: merged {state.header.version} "
            f"vs. curr {header.version}",
        )
    for key in reader._raw:
        _merge_entry(prefix, reader, key, state)


def _merge_entry(prefix: str, reader: BundleReader, key: bytes, state: _MergeState) -> None:
    existing = state.entries.get(key)
    if existing is not None and not existing.slices:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Duplicate tensor keyed by {_key_text(key)} encountered, when merging prefix: "
            f"{prefix}",
        )
    entry = tensor_bundle_pb2.BundleEntryProto()
    entry.CopyFrom(reader.entry(key))
    if existing is not None:
        if not entry.slices:
            raise errors.InternalError(
                None,
                None,
                f"Duplicate tensor keyed by {_key_text(key)}; attempting to merge in a "
                "non-slice bundle entry",
            )
        if existing.dtype != entry.dtype or existing.shape != entry.shape:
            raise errors.InvalidArgumentError(
                None, None, f"Slices of {_key_text(key)} disagree on dtype or shape"
            )
        existing.slices.extend(entry.slices)
        return
    source = data_filename(prefix, entry.shard_id, reader.num_shards)
    entry.shard_id = state.shard_ids.setdefault(source, len(state.shard_ids))
    state.entries[key] = entry


def merge_bundles(
    prefixes, output_prefix, delete_old_dirs: bool = True, allow_missing_files: bool = False
) -> None:
    """Mirrors TF's `MergeBundles` plus the MergeV2Checkpoints kernel: combines the bundles
    at `prefixes` into one at `output_prefix`, renaming their data files and writing one
    index, then deletes the old index files (and, with `delete_old_dirs`, their now empty
    directories when they differ from the output's).

    Raises:
      InvalidArgumentError: a prefix is missing (unless `allow_missing_files`), none
        exists, or two bundles hold the same (non-partitioned) tensor.
    """
    prefixes = [os.fsdecode(prefix) for prefix in prefixes]
    output_prefix = os.fsdecode(output_prefix)
    output_dir = os.path.dirname(output_prefix)
    if output_dir:
        os.makedirs(output_dir, exist_ok=True)
    state = _MergeState()
    present = [prefix for prefix in prefixes if os.path.exists(index_filename(prefix))]
    for prefix in prefixes:
        if prefix not in present and not allow_missing_files:
            raise errors.InvalidArgumentError(
                None, None, f"allow_missing_files was set to false and {prefix} did not exist."
            )
    if not present:
        raise errors.InvalidArgumentError(
            None, None, "At least one prefix checkpoint file must exist, but none existed."
        )
    for prefix in present:
        _merge_one(prefix, state)
    _write_merged(state, output_prefix)
    for prefix in present:
        _remove_quietly(index_filename(prefix))
    if delete_old_dirs:
        _delete_old_dirs(present, output_dir)


def _write_merged(state: _MergeState, output_prefix: str) -> None:
    total = len(state.shard_ids)
    try:
        for source, shard_id in state.shard_ids.items():
            os.replace(source, data_filename(output_prefix, shard_id, total))
    except OSError as error:
        raise _os_error(error, error.filename or output_prefix) from None
    header = _header(state.num_shards, state.header.endianness, state.header.version)
    table = _index_table(state.entries, state.num_shards, header)
    index_path = index_filename(output_prefix)
    temp = _temp_name(index_path)
    try:
        with open(temp, "wb") as handle:
            handle.write(table)
        os.replace(temp, index_path)
    except OSError as error:
        _remove_quietly(temp)
        raise _os_error(error, index_path) from None


def _delete_old_dirs(prefixes, output_dir: str) -> None:
    for prefix in prefixes:
        directory = os.path.dirname(prefix)
        if directory == output_dir:
            continue
        try:
            os.rmdir(directory)  # TF's DeleteDir: only an empty directory goes
        except OSError:
            pass  # for a sharded save, only the first delete of a shared directory succeeds
