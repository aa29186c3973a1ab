"""Parsing serialized tf.train.SequenceExample protos, as TensorFlow's FastParseSequenceExample.

Context features are configured like Example features (`example_config.Config`: dense with
defaults, sparse, ragged); feature lists by `ListsConfig` (dense rows of a fixed shape, with
`allow_missing`; sparse; ragged). The same code parses a batch (vector input, outputs with a
batch dimension) and a single proto (scalar input). Checks run in TensorFlow's order so that
the first error is TensorFlow's: extraction of every example, value counts of context and
feature-list features, then dense / sparse / ragged context, then feature lists.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ndflow.formats import example_config as cfg
from ndflow.formats import example_exact
from ndflow.formats import protowire
from ndflow.framework import dtypes


@dataclasses.dataclass(frozen=True)
class ListDenseSpec:
    """A dense feature list: rows of `shape`; `allow_missing` pads a missing list."""

    key: str
    dtype: dtypes.DType
    shape: tuple
    allow_missing: bool = False


class ListsConfig:
    """The feature lists to parse; `slots` lists (kind, spec) in output order."""

    def __init__(self, dense=(), sparse=(), ragged=()):
        self.dense = list(dense)
        self.sparse = list(sparse)
        self.ragged = list(ragged)
        self.slots = (
            [(cfg.DENSE, spec) for spec in self.dense]
            + [(cfg.SPARSE, spec) for spec in self.sparse]
            + [(cfg.RAGGED, spec) for spec in self.ragged]
        )
        self.index = {spec.key.encode("utf-8"): i for i, (_, spec) in enumerate(self.slots)}


@dataclasses.dataclass
class ParsedSequence:
    """ParseSequenceExampleV2's outputs: context (dense, sparse, ragged) and feature lists."""

    context: cfg.Parsed
    dense_values: list
    dense_lengths: list
    sparse_indices: list
    sparse_values: list
    sparse_shapes: list
    ragged_values: list
    ragged_outer_splits: list
    ragged_inner_splits: list


def _type_name(dtype) -> str:
    return cfg.TYPE_NAMES[dtype]


class _Parser:
    """One call of FastParseSequenceExample."""

    def __init__(self, serialized, context, lists, names, is_batch):
        self.serialized = [bytes(item) for item in serialized]
        self.size = len(self.serialized)
        self.context = context
        self.lists = lists
        self.names = names
        self.is_batch = is_batch
        self.context_protos = [[None] * self.size for _ in context.slots]
        self.list_protos = [[None] * self.size for _ in lists.slots]

    def name(self, index: int) -> str:
        if self.names is None or not len(self.names):
            return "<unknown>"
        value = self.names[index]
        return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value

    # ------------------------------------------------------------------ extraction

    def extract(self) -> None:
        for index, data in enumerate(self.serialized):
            if not self._extract_one(index, data):
                raise cfg.invalid_argument(
                    f"Invalid protocol message input, example id: {self.name(index)}"
                )

    def _extract_one(self, index: int, data: bytes) -> bool:
        pos, end = 0, len(data)
        while pos < end:
            tag = data[pos]
            if tag not in (0x0A, 0x12):
                pos = protowire.skip_field(data, pos, end)
                if pos is None:
                    return False
                continue
            found = protowire.read_delimited(data, pos + 1, end)
            if found is None:
                return False
            keys, protos = (
                (self.context.index, self.context_protos)
                if tag == 0x0A
                else (self.lists.index, self.list_protos)
            )
            if not self._extract_map(data, found[0], found[1], keys, protos, index):
                return False
            pos = found[1]
        return True

    @staticmethod
    def _extract_map(data, pos, end, keys, protos, index) -> bool:
        while pos < end:
            entry = protowire.read_delimited(data, pos + 1, end) if data[pos] == 0x0A else None
            if entry is None:
                return False
            start, stop = entry
            key = _strict_field(data, start, stop, 0x0A)
            value = key and _strict_field(data, key[1], stop, 0x12)
            if not value or value[1] != stop:
                return False
            slot = keys.get(data[key[0][0] : key[0][1]])
            if slot is not None:
                protos[slot][index] = data[value[0][0] : value[0][1]]
            pos = stop
        return True


def _strict_field(data, pos, end, tag):
    """((payload start, end), next position) of a field with exactly this tag byte, or None."""
    if pos >= end or data[pos] != tag:
        return None
    found = protowire.read_delimited(data, pos + 1, end)
    if found is None:
        return None
    return found, found[1]


def feature_values(dtype, proto: bytes):
    """The values of one serialized Feature of `dtype`, or None when its type differs or it
    is malformed (TF's ParseBytesFeature / ParseFloatFeature / ParseInt64Feature)."""
    tag = cfg.TAG_OF_DTYPE[dtype]
    if not proto or proto[0] != tag:
        return None
    return example_exact.list_values(tag, proto, 0, len(proto))


def _as_values(chunks, dtype) -> np.ndarray:
    np_dtype = cfg.numpy_dtype(dtype)
    if np_dtype is object:
        flat = [item for chunk in chunks for item in chunk]
        array = np.empty(len(flat), dtype=object)
        array[:] = flat
        return array
    if not chunks:
        return np.zeros(0, dtype=np_dtype)
    return np.concatenate([np.asarray(chunk, dtype=np_dtype) for chunk in chunks])


class _ContextPart:
    """Context features: value counts, then dense / sparse / ragged outputs."""

    def __init__(self, parser: _Parser):
        self.parser = parser
        self.values = []  # per slot: per example, values or None (missing)

    def count(self) -> None:
        parser = self.parser
        for slot, (_, spec) in enumerate(parser.context.slots):
            per_example = []
            for index, proto in enumerate(parser.context_protos[slot]):
                per_example.append(self._values(spec, proto, index))
            self.values.append(per_example)

    def _values(self, spec, proto, index):
        if proto is None:
            return None
        if not proto:
            return []
        values = feature_values(spec.dtype, proto)
        if values is None:
            raise cfg.invalid_argument(
                f"Name: {self.parser.name(index)}, Context feature: {spec.key}.  Data types "
                f"don't match. Expected type: {_type_name(spec.dtype)}"
            )
        return values

    def outputs(self) -> cfg.Parsed:
        parsed = cfg.Parsed([], [], [], [], [], [])
        slots = list(enumerate(self.parser.context.slots))
        for slot, (kind, spec) in slots:
            if kind == cfg.DENSE:
                parsed.dense_values.append(self._dense(spec, self.values[slot]))
        for slot, (kind, spec) in slots:
            if kind == cfg.SPARSE:
                indices, values, shape = self._sparse(spec, self.values[slot])
                parsed.sparse_indices.append(indices)
                parsed.sparse_values.append(values)
                parsed.sparse_shapes.append(shape)
        for slot, (kind, spec) in slots:
            if kind == cfg.RAGGED:
                values, splits = self._ragged(spec, self.values[slot])
                parsed.ragged_values.append(values)
                parsed.ragged_splits.append(splits)
        return parsed

    def _dense(self, spec: cfg.DenseSpec, per_example) -> np.ndarray:
        parser = self.parser
        expected = math.prod(spec.shape)
        found = max([np.size(spec.default)] + [len(v) for v in per_example if v is not None])
        if found != expected:
            raise cfg.invalid_argument(
                f"Inconsistent max number of elements for feature {spec.key}: expected "
                f"{expected}, but found {found}"
            )
        chunks = []
        for index, values in enumerate(per_example):
            if values is None:
                if spec.required:
                    raise cfg.invalid_argument(
                        f"Feature: {spec.key} (data type: {_type_name(spec.dtype)}) is "
                        "required but could not be found."
                    )
                values = np.asarray(spec.default).reshape(-1)
            if len(values) != expected:
                raise cfg.invalid_argument(
                    f"Unexpected number of elements in example {parser.name(index)}"
                )
            chunks.append(values)
        shape = (parser.size, *spec.shape) if parser.is_batch else tuple(spec.shape)
        return _as_values(chunks, spec.dtype).reshape(shape)

    def _sparse(self, spec, per_example):
        parser = self.parser
        chunks = [v for v in per_example if v]
        counts = np.array([len(v) if v else 0 for v in per_example], dtype=np.int64)
        rows = np.repeat(np.arange(parser.size, dtype=np.int64), counts)
        cols = np.concatenate([np.arange(c, dtype=np.int64) for c in counts] or [[]])
        cols = cols.astype(np.int64)
        width = int(counts.max(initial=0))
        if parser.is_batch:
            return (
                np.stack([rows, cols], 1),
                _as_values(chunks, spec.dtype),
                np.array([parser.size, width], dtype=np.int64),
            )
        return cols.reshape(-1, 1), _as_values(chunks, spec.dtype), np.array([width], np.int64)

    def _ragged(self, spec, per_example):
        counts = [len(v) if v else 0 for v in per_example]
        splits_dtype = spec.splits_dtype.as_numpy_dtype
        values = _as_values([v for v in per_example if v], spec.dtype)
        if not self.parser.is_batch:
            return values, np.zeros((), dtype=splits_dtype)
        return values, np.concatenate([[0], np.cumsum(counts)]).astype(splits_dtype)


class _ListsPart:
    """Feature lists: rows per example, then dense / sparse / ragged outputs."""

    def __init__(self, parser: _Parser):
        self.parser = parser
        self.rows = []  # per slot: per example, list of row values, or None (missing)

    def count(self) -> None:
        parser = self.parser
        for slot, (_, spec) in enumerate(parser.lists.slots):
            self.rows.append(
                [
                    None if proto is None else self._rows(spec, proto, index)
                    for index, proto in enumerate(parser.list_protos[slot])
                ]
            )

    def _rows(self, spec, proto: bytes, index: int) -> list:
        rows = []
        pos, end = 0, len(proto)
        while pos < end:
            found = protowire.read_varint(proto, pos + 1, end) if proto[pos] == 0x0A else None
            if found is None:
                raise self._error_in(spec, index)
            size, start = found
            rows.append(self._row(spec, proto[start : start + size], size, len(rows), index))
            pos = start + size
        return rows

    def _row(self, spec, feature: bytes, size: int, row: int, index: int):
        if size == 0:
            return []
        if size == 1:
            raise self._error_in(spec, index)
        if size == 2:
            values = [] if feature == bytes((cfg.TAG_OF_DTYPE[spec.dtype], 0)) else None
        else:
            values = feature_values(spec.dtype, feature) if len(feature) == size else None
        if values is None:
            raise cfg.invalid_argument(
                f"Name: {self.parser.name(index)}, Feature list: {spec.key}, Index: {row}.  "
                f"Data types don't match. Expected type: {_type_name(spec.dtype)}"
            )
        return values

    def _error_in(self, spec, index: int):
        name = self.parser.name(index)
        return cfg.invalid_argument(f"Error in sequence feature {spec.key} in example {name}")

    def outputs(self, parsed: ParsedSequence) -> None:
        slots = list(enumerate(self.parser.lists.slots))
        for slot, (kind, spec) in slots:
            if kind == cfg.DENSE:
                values, lengths = self._dense(spec, self.rows[slot])
                parsed.dense_values.append(values)
                parsed.dense_lengths.append(lengths)
        for slot, (kind, spec) in slots:
            if kind == cfg.SPARSE:
                indices, values, shape = self._sparse(spec, self.rows[slot])
                parsed.sparse_indices.append(indices)
                parsed.sparse_values.append(values)
                parsed.sparse_shapes.append(shape)
        for slot, (kind, spec) in slots:
            if kind == cfg.RAGGED:
                values, outer, inner = self._ragged(spec, self.rows[slot])
                parsed.ragged_values.append(values)
                parsed.ragged_outer_splits.append(outer)
                parsed.ragged_inner_splits.append(inner)

    def _dense(self, spec: ListDenseSpec, per_example):
        parser = self.parser
        row_size = math.prod(spec.shape)
        totals = [sum(len(r) for r in rows) for rows in per_example if rows is not None]
        most = max(totals, default=0)
        if row_size and most % row_size:
            shape = cfg.shape_string((-1, *spec.shape))
            raise cfg.invalid_argument(
                f"Feature list '{spec.key}' has an unexpected number of values.  Total values "
                f"size: {most} is not consistent with output shape: {shape}"
            )
        max_rows = most // row_size if row_size else 0
        np_dtype = cfg.numpy_dtype(spec.dtype)
        out = np.full((parser.size, max_rows * row_size), "" if np_dtype is object else 0, np_dtype)
        if np_dtype is object:
            out[:] = b""
        lengths = np.zeros(parser.size, dtype=np.int64)
        for index, rows in enumerate(per_example):
            lengths[index] = self._fill_dense_rows(spec, rows, index, row_size, out[index])
        out = out.reshape(parser.size, max_rows, *spec.shape)
        if parser.is_batch:
            return out, lengths
        return out[0], lengths[0]

    def _fill_dense_rows(self, spec, rows, index, row_size, out_row) -> int:
        if rows is None:
            if not spec.allow_missing:
                raise cfg.invalid_argument(
                    f"Name: {self.parser.name(index)}, Feature list '{spec.key}' is required "
                    "but could not be found.  Did you mean to include it in "
                    "feature_list_dense_missing_assumed_empty or feature_list_dense_defaults?"
                )
            return 0
        for row, values in enumerate(rows):
            if len(values) != row_size:
                raise cfg.invalid_argument(
                    f"Name: {self.parser.name(index)}, Key: {spec.key}, Index: {row}.  Number "
                    f"of values != expected.  values size: {len(values)} but output shape: "
                    f"{cfg.shape_string(spec.shape)}"
                )
            out_row[row * row_size : (row + 1) * row_size] = values
        return len(rows)

    def _sparse(self, spec, per_example):
        parser = self.parser
        indices, chunks = [], []
        max_rows, max_cols = 0, 0
        for index, rows in enumerate(per_example):
            rows = rows or []
            max_rows = max(max_rows, len(rows))
            for row, values in enumerate(rows):
                max_cols = max(max_cols, len(values))
                for col in range(len(values)):
                    indices.append((index, row, col) if parser.is_batch else (row, col))
                chunks.append(values)
        width = 3 if parser.is_batch else 2
        index_array = np.array(indices, dtype=np.int64).reshape(-1, width)
        shape = [parser.size, max_rows, max_cols] if parser.is_batch else [max_rows, max_cols]
        return index_array, _as_values(chunks, spec.dtype), np.array(shape, dtype=np.int64)

    def _ragged(self, spec, per_example):
        splits_dtype = spec.splits_dtype.as_numpy_dtype
        row_sizes, outer, chunks = [], [0], []
        for rows in per_example:
            rows = rows or []
            row_sizes.extend(len(values) for values in rows)
            chunks.extend(rows)
            outer.append(outer[-1] + len(rows))
        inner = np.concatenate([[0], np.cumsum(row_sizes, dtype=np.int64)]).astype(splits_dtype)
        if not self.parser.is_batch:
            outer_splits = np.zeros((), dtype=splits_dtype)
        else:
            outer_splits = np.array(outer, dtype=splits_dtype)
        return _as_values(chunks, spec.dtype), outer_splits, inner


def parse_sequence_examples(
    serialized, context: cfg.Config, lists: ListsConfig, names=None, is_batch: bool = True
) -> ParsedSequence:
    """ParseSequenceExampleV2 on serialized SequenceExamples (a list of bytes; `is_batch`
    False for the scalar form, whose outputs have no batch dimension)."""
    parser = _Parser(serialized, context, lists, names, is_batch)
    parser.extract()
    context_part = _ContextPart(parser)
    context_part.count()
    lists_part = _ListsPart(parser)
    lists_part.count()
    parsed = ParsedSequence(context_part.outputs(), [], [], [], [], [], [], [], [])
    lists_part.outputs(parsed)
    return parsed
