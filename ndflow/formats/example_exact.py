"""tf.train.Example parsing one example at a time, exactly as TensorFlow's fast parser does.

This mirrors tensorflow/core/util/example_proto_fast_parsing.cc field by field: which wire
layouts are accepted, the order features are checked in (the last map entry of a key wins, so
entries are visited from last to first, then missing dense features in config order), and
every error message. It serves single examples, and batches whose vectorized parse
(example_batch.py) found something to complain about.
"""

from __future__ import annotations

import struct

import numpy as np

from ndflow.formats import example_config as cfg
from ndflow.formats import protowire

_KEY_TAG = 0x0A
_VALUE_TAG = 0x12
_PACKED_TAG = 0x0A
_FLOAT_TAG = 0x0D
_VARINT_TAG = 0x08
_LIST_NAMES = {
    cfg.TAG_BYTES: "bytes_list",
    cfg.TAG_FLOAT: "float_list",
    cfg.TAG_INT64: "int64_list",
}
# TF's minibatches: about this many serialized bytes each, between 8 and 64 of them.
_MINIBATCH_BYTES = 50000


class _Unsupported(Exception):
    """A Feature whose oneof tag is none of bytes_list / float_list / int64_list."""


# ---------------------------------------------------------------------- wire layout


def split_example(data: bytes):
    """TF's ParseExample: the (key, value_start, value_end) of every map entry, in order,
    or None when the Example is malformed."""
    entries = []
    pos, end = 0, len(data)
    while pos < end:
        if data[pos] != 0x0A:
            pos = protowire.skip_field(data, pos, end)
            if pos is None:
                return None
            continue
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None or not _split_features(data, found[0], found[1], entries):
            return None
        pos = found[1]
    return entries


def _split_features(data, pos, end, entries) -> bool:
    while pos < end:
        if data[pos] != 0x0A:
            return False
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None:
            return False
        entry = _map_entry(data, *found)
        if entry is None:
            return False
        entries.append(entry)
        pos = found[1]
    return True


def _map_entry(data, pos, end):
    """(key, value_start, value_end) of one map entry: exactly two fields, key and value, in
    either order (TF's ParseFeatureMapEntry)."""
    key, value = b"", (pos, pos)
    for _ in range(2):
        if pos >= end or data[pos] not in (_KEY_TAG, _VALUE_TAG):
            return None
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None:
            return None
        if data[pos] == _KEY_TAG:
            key = data[found[0] : found[1]]
        else:
            value = found
        pos = found[1]
    if pos != end:
        return None
    return key, value[0], value[1]


def feature_tag(data: bytes, start: int, end: int) -> int:
    """The Feature's oneof tag, 0 for an empty Feature; raises _Unsupported otherwise."""
    if start == end:
        return 0
    tag = data[start]
    if tag not in cfg.DTYPE_OF_TAG:
        raise _Unsupported
    return tag


def list_values(tag: int, data: bytes, start: int, end: int, limit: int | None = None):
    """The values of the Feature at data[start:end] (whose oneof tag is `tag`), or None when
    the list is malformed. `limit` caps a bytes list (more values is a parse failure)."""
    found = protowire.read_delimited(data, start + 1, end)
    if found is None:
        return None
    if tag == cfg.TAG_FLOAT:
        return _floats(data, *found)
    if tag == cfg.TAG_INT64:
        return _int64s(data, *found)
    return _bytes_values(data, found[0], found[1], limit)


def _floats(data, pos, end):
    if pos == end:
        return np.zeros(0, dtype=np.float32)
    if data[pos] == _PACKED_TAG:
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None:
            return None
        count = (found[1] - found[0]) // 4
        return np.frombuffer(data, dtype="<f4", count=count, offset=found[0]).astype(np.float32)
    if data[pos] != _FLOAT_TAG:
        return None
    values = []
    while pos < end:
        if data[pos] != _FLOAT_TAG or pos + 5 > end:
            return None
        values.append(struct.unpack_from("<f", data, pos + 1)[0])
        pos += 5
    return np.array(values, dtype=np.float32)


def _int64s(data, pos, end):
    if pos == end:
        return np.zeros(0, dtype=np.int64)
    values = []
    if data[pos] == _PACKED_TAG:
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None:
            return None
        pos, stop = found
        while pos < stop:
            item = protowire.read_varint(data, pos, stop)
            if item is None:
                return None
            values.append(item[0])
            pos = item[1]
        return protowire.to_int64(np.array(values, dtype=np.uint64))
    if data[pos] != _VARINT_TAG:
        return None
    while pos < end:
        item = protowire.read_varint(data, pos + 1, end) if data[pos] == _VARINT_TAG else None
        if item is None:
            return None
        values.append(item[0])
        pos = item[1]
    return protowire.to_int64(np.array(values, dtype=np.uint64))


def _bytes_values(data, pos, end, limit):
    values = []
    while pos < end:
        if data[pos] != 0x0A:
            return None
        found = protowire.read_delimited(data, pos + 1, end)
        if found is None or (limit is not None and len(values) >= limit):
            return None
        values.append(data[found[0] : found[1]])
        pos = found[1]
    return values


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def unparseable(data: bytes):
    return cfg.invalid_argument(f"Could not parse example input, value: '{_text(data)}'")


# ---------------------------------------------------------------------- columns


class _Builder:
    """Accumulates one Column."""

    def __init__(self, size: int):
        self.present = np.zeros(size, dtype=bool)
        self.counts = np.zeros(size, dtype=np.int64)
        self.values = []

    def add(self, index: int, values) -> None:
        self.present[index] = True
        self.counts[index] = len(values)
        self.values.append(values)

    def column(self, dtype) -> cfg.Column:
        np_dtype = cfg.numpy_dtype(dtype)
        if np_dtype is object:
            flat = [item for chunk in self.values for item in chunk]
            values = np.empty(len(flat), dtype=object)
            values[:] = flat
        elif self.values:
            values = np.concatenate(self.values).astype(np_dtype, copy=False)
        else:
            values = np.zeros(0, dtype=np_dtype)
        return cfg.Column(self.present, self.counts, values)


def _columns(config, builders):
    return [builder.column(spec.dtype) for (_, spec), builder in zip(config.slots, builders)]


def _minibatch_firsts(serialized) -> set:
    """The first example of each of TF's parsing minibatches (their sizes show in one error
    message, which counts values over a minibatch)."""
    count, size = 0, 0
    for data in serialized:
        if size == 0:
            count += 1
        size += len(data) + 1
        if size > _MINIBATCH_BYTES:
            size = 0
    total = len(serialized)
    parts = max(min(8, total), min(64, count))
    return {total * m // parts for m in range(parts)}


# ---------------------------------------------------------------------- batches


class _BatchExample:
    """TF's FastParseSerializedExample for example `index` of a batch."""

    def __init__(self, config, builders, index: int, name: str, running: list):
        self.config = config
        self.builders = builders
        self.index = index
        self.name = name
        self.running = running  # values per varlen dense slot so far in this minibatch

    def error(self, key: bytes, suffix: str):
        return cfg.invalid_argument(
            f"Name: {self.name}, Key: {_text(key)}, Index: {self.index}.  {suffix}"
        )

    def parse(self, data: bytes) -> None:
        entries = split_example(data)
        if entries is None:
            raise unparseable(data)
        seen = set()
        for key, start, end in reversed(entries):
            slot = self.config.index.get(key)
            if slot is None:
                continue
            try:
                tag = feature_tag(data, start, end)
            except _Unsupported:
                raise cfg.invalid_argument("Unsupported datatype.") from None
            kind, spec = self.config.slots[slot]
            if kind == cfg.DENSE:
                self._dense(slot, spec, key, tag, data, start, end, seen)
            else:
                self._varlen(slot, spec, key, tag, data, start, end, seen)
        self._missing(seen)

    def _dense(self, slot, spec, key, tag, data, start, end, seen) -> None:
        if tag == 0 or slot in seen:
            return
        seen.add(slot)
        found = cfg.DTYPE_OF_TAG[tag]
        if found != spec.dtype:
            raise self.error(
                key,
                f"Data types don't match. Data type: {cfg.TYPE_NAMES[found]} but expected "
                f"type: {cfg.TYPE_NAMES[spec.dtype]}",
            )
        limit = None if spec.variable_length else spec.stride
        values = list_values(tag, data, start, end, limit)
        if values is None:
            raise self.error(key, "Can't parse serialized Example.")
        list_name = cfg.LIST_NAMES[spec.dtype]
        if spec.variable_length:
            self._check_stride(slot, spec, key, len(values), list_name)
        elif len(values) != spec.stride:
            raise self.error(
                key,
                f"Number of {list_name} values != expected.  Values size: {len(values)} but "
                f"output shape: {cfg.shape_string(spec.shape)}",
            )
        self.builders[slot].add(self.index, values)

    def _check_stride(self, slot, spec, key, count, list_name) -> None:
        self.running[slot] += count
        if spec.stride and self.running[slot] % spec.stride:
            raise self.error(
                key,
                f"Number of {list_name} values is not a multiple of stride length. Saw "
                f"{self.running[slot]} values but output shape is: "
                f"{cfg.shape_string(spec.shape)}",
            )

    def _varlen(self, slot, spec, key, tag, data, start, end, seen) -> None:
        if slot in seen:
            return
        seen.add(slot)
        if tag == 0:
            self.builders[slot].add(self.index, [])
            return
        found = cfg.DTYPE_OF_TAG[tag]
        if found != spec.dtype:
            raise self.error(
                key,
                f"Data types don't match. Expected type: {cfg.TYPE_NAMES[spec.dtype]}, "
                f"Actual type: {cfg.TYPE_NAMES[found]}",
            )
        values = list_values(tag, data, start, end)
        if values is None:
            raise self.error(key, "Can't parse serialized Example.")
        self.builders[slot].add(self.index, values)

    def _missing(self, seen) -> None:
        for slot, (kind, spec) in enumerate(self.config.slots):
            if kind == cfg.DENSE and slot not in seen and spec.required:
                raise cfg.invalid_argument(
                    f"Name: {self.name}, Feature: {spec.key} (data type: "
                    f"{cfg.TYPE_NAMES[spec.dtype]}) is required but could not be found."
                )


def parse_batch(serialized, config: cfg.Config, names=None) -> list[cfg.Column]:
    """Columns for a batch of serialized Examples, with TF's errors for the first bad one."""
    size = len(serialized)
    builders = [_Builder(size) for _ in config.slots]
    firsts = _minibatch_firsts(serialized)
    running = [0] * len(config.slots)
    for index, data in enumerate(serialized):
        if index in firsts:
            running = [0] * len(config.slots)
        name = _text(names[index]) if names is not None and len(names) else "<unknown>"
        _BatchExample(config, builders, index, name, running).parse(bytes(data))
    return _columns(config, builders)


# ---------------------------------------------------------------------- single examples


def _single_error(key: bytes, suffix: str):
    return cfg.invalid_argument(f"Key: {_text(key)}.  {suffix}")


def _single_feature(config, seen, key, slot, data, start, end):
    """TF's FastParseSingleExample for one map entry that names a configured feature: its
    values, or None when the entry is skipped."""
    tag = feature_tag(data, start, end)
    if tag == 0 or slot in seen:
        return None
    seen.add(slot)
    kind, spec = config.slots[slot]
    if tag != config.tags[slot]:
        expected = cfg.TYPE_NAMES[spec.dtype]
        actual = cfg.TYPE_NAMES[cfg.DTYPE_OF_TAG[tag]]
        if kind == cfg.DENSE:
            suffix = f"Data types don't match. Data type: {actual} but expected type: {expected}"
        else:
            suffix = f"Data types don't match. Expected type: {expected}, Actual type: {actual}"
        raise _single_error(key, suffix)
    fixed = kind == cfg.DENSE and not spec.variable_length
    values = list_values(tag, data, start, end, spec.stride if fixed else None)
    list_name = _LIST_NAMES[tag]
    if values is None:
        action = "Could not get num elements in" if tag == cfg.TAG_BYTES and not fixed else None
        detail = f"{action} {list_name}." if action else f"Parsing {list_name} failed."
        raise _single_error(key, f"Can't parse serialized Example: {detail}")
    if fixed and len(values) != spec.stride:
        raise _single_error(
            key, f"Can't parse serialized Example: Some {list_name} slice was not parsed."
        )
    if kind == cfg.DENSE and spec.variable_length and spec.stride and len(values) % spec.stride:
        raise cfg.invalid_argument(
            f"Error while parsing feature with key {_text(key)}: number of elements should be "
            f"divisible by {spec.stride}, found {len(values)} instead"
        )
    return values


def _as_array(values, np_dtype) -> np.ndarray:
    if np_dtype is not object:
        return values
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _single_dense(spec: cfg.DenseSpec, values, np_dtype) -> np.ndarray:
    if values is not None:
        if not spec.variable_length:
            return _as_array(values, np_dtype).reshape(spec.shape)
        rows = len(values) // spec.stride if spec.stride else 0
        return _as_array(values, np_dtype).reshape(rows, *spec.shape[1:])
    if spec.required:
        raise cfg.invalid_argument(
            f"Feature: {spec.key} (data type: {cfg.TYPE_NAMES[spec.dtype]}) is required "
            "but could not be found."
        )
    if spec.variable_length:
        return np.zeros((0, *spec.shape[1:]), dtype=np_dtype)
    return np.asarray(spec.default, dtype=np_dtype).reshape(spec.shape)


def _single_outputs(config: cfg.Config, found: dict) -> cfg.Parsed:
    parsed = cfg.Parsed([], [], [], [], [], [])
    for slot, (kind, spec) in enumerate(config.slots):
        values = found.get(slot)
        np_dtype = config.numpy_dtypes[slot]
        if kind == cfg.DENSE:
            parsed.dense_values.append(_single_dense(spec, values, np_dtype))
            continue
        if values is None:
            values = np.zeros(0, dtype=np_dtype)
        values = _as_array(values, np_dtype)
        if kind == cfg.SPARSE:
            count = values.shape[0]
            parsed.sparse_indices.append(np.arange(count, dtype=np.int64).reshape(count, 1))
            parsed.sparse_values.append(values)
            parsed.sparse_shapes.append(np.array([count], dtype=np.int64))
        else:
            parsed.ragged_values.append(values)
            parsed.ragged_splits.append(np.zeros(0, dtype=spec.splits_dtype.as_numpy_dtype))
    return parsed


def parse_single(data: bytes, config: cfg.Config) -> cfg.Parsed:
    """ParseExampleV2's outputs for one serialized Example (no batch dimension), with TF's
    single-example error messages."""
    data = bytes(data)
    entries = split_example(data)
    if entries is None:
        raise unparseable(data)
    found = {}
    seen = set()
    for key, start, end in reversed(entries):
        slot = config.index.get(key)
        if slot is None:
            continue
        try:
            values = _single_feature(config, seen, key, slot, data, start, end)
        except _Unsupported:
            raise cfg.invalid_argument("Unsupported datatype.") from None
        if values is not None:
            found[slot] = values
    return _single_outputs(config, found)
