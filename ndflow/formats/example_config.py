"""What to parse out of tf.train.Example protos, and how parsed columns become arrays.

A parse is configured like TensorFlow's `FastParseExampleConfig`: dense features (fixed shape,
or a variable first dimension padded across the batch), sparse features (-> COO indices,
values, dense shape) and ragged features (-> values, row splits). Parsers produce `Column`s
(one per feature: presence, value count and the flat values of every example), and the
functions here turn those into the output arrays of TensorFlow's ParseExampleV2.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors

# The Feature oneof tags: bytes_list (1), float_list (2), int64_list (3), length-delimited.
TAG_BYTES = 0x0A
TAG_FLOAT = 0x12
TAG_INT64 = 0x1A

# TensorFlow's DataTypeString for the three Example types (used in error messages).
TYPE_NAMES = {dtypes.float32: "float", dtypes.int64: "int64", dtypes.string: "string"}
DTYPE_OF_TAG = {TAG_BYTES: dtypes.string, TAG_FLOAT: dtypes.float32, TAG_INT64: dtypes.int64}
TAG_OF_DTYPE = {dtype: tag for tag, dtype in DTYPE_OF_TAG.items()}
# The list name in TF's messages ("Number of float values != expected").
LIST_NAMES = {dtypes.float32: "float", dtypes.int64: "int64", dtypes.string: "bytes"}

DENSE = "dense"
SPARSE = "sparse"
RAGGED = "ragged"


def numpy_dtype(dtype: dtypes.DType):
    """The NumPy dtype holding values of an Example type (strings are object arrays)."""
    return object if dtype == dtypes.string else np.dtype(dtype.as_numpy_dtype)


def shape_string(shape) -> str:
    """TensorFlow's TensorShape::DebugString: "[2,3]", "[]", "[?,3]"."""
    return "[" + ",".join("?" if d is None or d < 0 else str(d) for d in shape) + "]"


def invalid_argument(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


@dataclasses.dataclass(frozen=True)
class DenseSpec:
    """A dense feature. `shape[0]` may be -1: a variable number of rows of `shape[1:]`,
    padded with the scalar `default` across a batch. Otherwise `default` holds the
    `prod(shape)` values used when the feature is missing; an empty default makes the
    feature required.

    `stride` is the number of values per example (fixed) or per row (variable length).
    """

    key: str
    dtype: dtypes.DType
    shape: tuple
    default: np.ndarray
    variable_length: bool = dataclasses.field(init=False)
    stride: int = dataclasses.field(init=False)
    required: bool = dataclasses.field(init=False)

    def __post_init__(self):
        variable = len(self.shape) > 0 and self.shape[0] < 0
        dims = self.shape[1:] if variable else self.shape
        object.__setattr__(self, "variable_length", variable)
        object.__setattr__(self, "stride", math.prod(dims))
        object.__setattr__(self, "required", not variable and np.size(self.default) == 0)


@dataclasses.dataclass(frozen=True)
class SparseSpec:
    """A variable-length feature parsed into a sparse tensor."""

    key: str
    dtype: dtypes.DType


@dataclasses.dataclass(frozen=True)
class RaggedSpec:
    """A variable-length feature parsed into values and row splits."""

    key: str
    dtype: dtypes.DType
    splits_dtype: dtypes.DType = dtypes.int64


class Config:
    """All features to parse; `slots` lists (kind, spec) in output order."""

    def __init__(self, dense=(), sparse=(), ragged=()):
        self.dense = list(dense)
        self.sparse = list(sparse)
        self.ragged = list(ragged)
        self.slots = (
            [(DENSE, spec) for spec in self.dense]
            + [(SPARSE, spec) for spec in self.sparse]
            + [(RAGGED, spec) for spec in self.ragged]
        )
        self.index = {spec.key.encode("utf-8"): i for i, (_, spec) in enumerate(self.slots)}
        self.key_codes, self.code_slots, self.long_keys = _key_codes(self.index)
        # Per slot, for the per-example parser: the Feature tag expected, the NumPy dtype.
        self.tags = [TAG_OF_DTYPE.get(spec.dtype) for _, spec in self.slots]
        self.numpy_dtypes = [numpy_dtype(spec.dtype) for _, spec in self.slots]
        for spec in self.dense:
            if spec.dtype not in TYPE_NAMES:
                raise invalid_argument(f"Invalid config dtype: {spec.dtype.name}")


SHORT_KEY = 7  # keys up to this many bytes are matched by a 64-bit code


def key_code(key: bytes) -> int:
    """A short key as one integer: its bytes (little-endian) and, in the top byte, its length."""
    return int.from_bytes(key, "little") | len(key) << 56


def _key_codes(index: dict):
    """(sorted codes of the short keys, their slots, {long key: slot})."""
    short = sorted((key_code(key), slot) for key, slot in index.items() if len(key) <= SHORT_KEY)
    codes = np.array([code for code, _ in short], dtype=np.uint64)
    slots = np.array([slot for _, slot in short], dtype=np.int64)
    return codes, slots, {key: slot for key, slot in index.items() if len(key) > SHORT_KEY}


@dataclasses.dataclass
class Column:
    """One feature of a parsed batch: whether each example has it (dense only), how many
    values each example has, and all values in example order."""

    present: np.ndarray
    counts: np.ndarray
    values: np.ndarray


@dataclasses.dataclass
class Parsed:
    """ParseExampleV2's outputs, each a list with one entry per feature of its kind."""

    sparse_indices: list
    sparse_values: list
    sparse_shapes: list
    dense_values: list
    ragged_values: list
    ragged_splits: list


def assemble(config: Config, columns: list[Column], batch_size: int) -> Parsed:
    """The batch outputs of ParseExampleV2 from validated columns."""
    parsed = Parsed([], [], [], [], [], [])
    for (kind, spec), column in zip(config.slots, columns):
        if kind == DENSE:
            parsed.dense_values.append(_dense(spec, column, batch_size))
        elif kind == SPARSE:
            indices, values, shape = _sparse(spec, column, batch_size)
            parsed.sparse_indices.append(indices)
            parsed.sparse_values.append(values)
            parsed.sparse_shapes.append(shape)
        else:
            parsed.ragged_values.append(column.values)
            splits = np.zeros(batch_size + 1, dtype=spec.splits_dtype.as_numpy_dtype)
            np.cumsum(column.counts, out=splits[1:])
            parsed.ragged_splits.append(splits)
    return parsed


def _dense(spec: DenseSpec, column: Column, batch_size: int) -> np.ndarray:
    if spec.variable_length:
        return _dense_padded(spec, column, batch_size)
    dtype = numpy_dtype(spec.dtype)
    shape = (batch_size, *spec.shape)
    if column.present.all():
        return column.values.astype(dtype, copy=False).reshape(shape)
    out = np.empty(shape, dtype=dtype)
    flat = out.reshape(batch_size, -1)
    flat[column.present] = column.values.reshape(-1, spec.stride)
    flat[~column.present] = np.asarray(spec.default, dtype=dtype).reshape(-1)
    return out


def _row_positions(counts: np.ndarray):
    """(example of each value, position of each value within its example)."""
    total = int(counts.sum())
    rows = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    cols = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts)
    return rows, cols


def _dense_padded(spec: DenseSpec, column: Column, batch_size: int) -> np.ndarray:
    dtype = numpy_dtype(spec.dtype)
    stride = spec.stride
    max_values = int(column.counts.max()) if batch_size else 0
    max_rows = max_values // stride if stride else 0
    padding = np.asarray(spec.default, dtype=dtype).reshape(-1)[0]
    out = np.full((batch_size, max_rows, *spec.shape[1:]), padding, dtype=dtype)
    if column.values.size:
        rows, cols = _row_positions(column.counts)
        out.reshape(batch_size, -1)[rows, cols] = column.values
    return out


def _sparse(spec, column: Column, batch_size: int):
    rows, cols = _row_positions(column.counts)
    indices = np.stack([rows, cols], axis=1) if rows.size else np.zeros((0, 2), np.int64)
    width = int(column.counts.max()) if batch_size else 0
    values = column.values.astype(numpy_dtype(spec.dtype), copy=False)
    return indices, values, np.array([batch_size, width], dtype=np.int64)
