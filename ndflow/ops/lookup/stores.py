"""The lookup tables themselves: Session resources behind HashTableV2, MutableHashTableV2,
MutableHashTableOfTensorsV2 and MutableDenseHashTableV2, with TF's semantics and errors.

HashTable and MutableHashTable keep a Python dict from key to a row of a NumPy value array:
built once per initialization or insert batch, and queried for a whole key tensor with a
C-level `map(dict.get, ...)` (measured faster than sorted keys + searchsorted for string keys,
on par for integers). MutableDenseHashTable reproduces TF's open-addressing layout bucket for
bucket, because its export (and so its checkpoints) is that layout: inserts probe one key at
a time as TF does, lookups probe all keys together.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.ops.string import hash_functions


def dims(shape) -> str:
    """A shape as TF's TensorShape::DebugString: [2,3], []."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def display(value) -> str:
    """A key or value as TF's error messages print it: strings raw, floats like C++
    streams (%g)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class TableStore:
    """What all tables share: dtypes, the key and value shapes, TF's argument checks."""

    def __init__(self, key_dtype, value_dtype, value_shape=(), key_shape=()):
        # Kernels hold it while they use the table: Session.run may come from many threads.
        self.lock = threading.Lock()
        self.key_dtype = key_dtype
        self.value_dtype = value_dtype
        self.value_shape = tuple(value_shape)
        self.key_shape = tuple(key_shape)

    def _np_value(self, values) -> np.ndarray:
        return np.asarray(values, dtype=self.value_dtype.as_numpy_dtype)

    def check_key_shape(self, keys) -> None:
        shape = np.shape(keys)
        if self.key_shape and shape[len(shape) - len(self.key_shape) :] != self.key_shape:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Input key shape {dims(shape)} must end with the table's key shape "
                f"{dims(self.key_shape)}",
            )

    def full_value_shape(self, keys) -> tuple:
        """keys.shape with the key dims replaced by the value shape."""
        shape = np.shape(keys)
        return shape[: len(shape) - len(self.key_shape)] + self.value_shape

    def check_find(self, keys, default_value) -> None:
        self.check_key_shape(keys)
        full = self.full_value_shape(keys)
        if np.shape(default_value) not in (self.value_shape, full):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected shape {dims(self.value_shape)} or {dims(full)} for default value, "
                f"got {dims(np.shape(default_value))}",
            )

    def check_insert(self, keys, values) -> None:
        self.check_key_shape(keys)
        full = self.full_value_shape(keys)
        if np.shape(values) != full:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected shape {dims(full)} for value, got {dims(np.shape(values))}",
            )

    def _defaults(self, default_value, count: int) -> np.ndarray:
        """The default value as one row per key, [count, *value_shape]."""
        default = self._np_value(default_value)
        if default.shape == self.value_shape:
            return np.broadcast_to(default, (count,) + self.value_shape)
        return default.reshape((count,) + self.value_shape)


# ---------------------------------------------------------------------- dict-backed tables


class _DictTable(TableStore):
    """Keys in a dict {key: row}; values in rows of a NumPy array."""

    def __init__(self, key_dtype, value_dtype, value_shape=()):
        super().__init__(key_dtype, value_dtype, value_shape)
        self._clear()

    def _clear(self) -> None:
        self._index: dict = {}
        self._values = np.zeros((0,) + self.value_shape, self.value_dtype.as_numpy_dtype)

    def _rows(self, keys) -> np.ndarray:
        flat = np.asarray(keys).reshape(-1).tolist()
        found = map(self._index.get, flat, itertools.repeat(-1))
        return np.fromiter(found, dtype=np.int64, count=len(flat))

    def _find(self, keys, default_value) -> np.ndarray:
        rows = self._rows(keys)
        defaults = self._defaults(default_value, rows.size)
        if not self._index:
            values = np.array(defaults)
        else:
            hit = (rows >= 0).reshape((-1,) + (1,) * len(self.value_shape))
            values = np.where(hit, self._values[np.maximum(rows, 0)], defaults)
        return values.reshape(self.full_value_shape(keys)).astype(self._values.dtype, copy=False)

    def size(self) -> int:
        return len(self._index)

    def _export(self):
        rows = np.fromiter(self._index.values(), dtype=np.int64, count=len(self._index))
        keys = np.array(list(self._index), dtype=self.key_dtype.as_numpy_dtype)
        return keys.reshape(len(self._index)), self._values[rows]


class HashTableStore(_DictTable):
    """TF's HashTable: immutable once initialized (InitializeTableV2, LookupTableImportV2,
    InitializeTableFromTextFileV2)."""

    def __init__(self, key_dtype, value_dtype):
        super().__init__(key_dtype, value_dtype)
        self.initialized = False

    def find(self, keys, default_value) -> np.ndarray:
        if not self.initialized:
            raise errors.FailedPreconditionError(None, None, "Table not initialized.")
        return self._find(keys, default_value)

    def size(self) -> int:
        return len(self._index) if self.initialized else 0

    def export(self):
        if not self.initialized:
            raise errors.AbortedError(None, None, "HashTable is not initialized.")
        return self._export()

    def insert(self, keys, values):
        raise errors.UnimplementedError(
            None, None, "Insert not supported by InitializableLookupTable implementations"
        )

    def remove(self, keys):
        raise errors.UnimplementedError(
            None, None, "Remove not supported by InitializableLookupTable implementations"
        )

    def initialize(self, keys, values, ignore_if_initialized: bool = False) -> None:
        """Fills the table once. Again with the same entries is a no-op; with others it is
        TF's FailedPrecondition (a text-file initializer ignores it instead)."""
        keys = np.asarray(keys).reshape(-1)
        values = self._np_value(values).reshape(-1)
        index, unique_values = _first_wins(keys, values)
        if self.initialized:
            if ignore_if_initialized or self._same_entries(index, unique_values):
                return
            raise errors.FailedPreconditionError(
                None, None, "Table was already initialized with different data."
            )
        self._index, self._values = index, unique_values
        self.initialized = True

    def _same_entries(self, index: dict, values: np.ndarray) -> bool:
        if len(index) != len(self._index):
            return False
        mine = self._rows(np.array(list(index), dtype=object))
        if (mine < 0).any():
            return False
        rows = np.fromiter(index.values(), dtype=np.int64, count=len(index))
        return bool(np.array_equal(self._values[mine], values[rows]))

    import_values = initialize


def _first_wins(keys: np.ndarray, values: np.ndarray):
    """({key: row}, values) keeping each key's first value; TF's FailedPrecondition when a
    repeated key brings a different value."""
    flat = keys.tolist()
    first = dict(zip(reversed(flat), range(len(flat) - 1, -1, -1)))
    if len(first) != len(flat):
        owner = np.fromiter(map(first.__getitem__, flat), dtype=np.int64, count=len(flat))
        clash = np.flatnonzero(values != values[owner])
        if clash.size:
            i = int(clash[0])
            raise errors.FailedPreconditionError(
                None,
                None,
                f"HashTable has different value for same key. Key {display(flat[i])} has "
                f"{display(values[owner[i]].item())} and trying to add value "
                f"{display(values[i].item())}",
            )
    rows = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    order = np.argsort(rows, kind="stable")
    kept = rows[order]
    index = dict(zip(np.asarray(flat, dtype=object)[kept].tolist(), range(kept.size)))
    return index, values[kept]


class MutableHashTableStore(_DictTable):
    """TF's MutableHashTable(OfTensors): insert (the last of repeated keys wins), remove,
    import (replaces everything), export."""

    def _clear(self) -> None:
        super()._clear()
        self._used = 0
        self._free: list = []

    def find(self, keys, default_value) -> np.ndarray:
        return self._find(keys, default_value)

    def export(self):
        return self._export()

    def insert(self, keys, values) -> None:
        flat = np.asarray(keys).reshape(-1).tolist()
        values = self._np_value(values).reshape((len(flat),) + self.value_shape)
        last = dict(zip(flat, range(len(flat))))
        new_keys = [k for k in last if k not in self._index]
        self._index.update(zip(new_keys, self._allocate(len(new_keys))))
        targets = np.fromiter(map(self._index.__getitem__, last), dtype=np.int64, count=len(last))
        sources = np.fromiter(last.values(), dtype=np.int64, count=len(last))
        self._values[targets] = values[sources]

    def _allocate(self, count: int) -> list:
        """Rows for `count` new keys: freed rows first, then fresh ones (capacity doubles)."""
        reused, self._free = self._free[:count], self._free[count:]
        fresh = count - len(reused)
        needed = self._used + fresh
        if needed > self._values.shape[0]:
            grown = max(needed, 2 * self._values.shape[0]) - self._values.shape[0]
            extra = np.zeros((grown,) + self.value_shape, self._values.dtype)
            self._values = np.concatenate([self._values, extra])
        rows = reused + list(range(self._used, needed))
        self._used = needed
        return rows

    def remove(self, keys) -> None:
        flat = np.asarray(keys).reshape(-1).tolist()
        popped = map(self._index.pop, flat, itertools.repeat(None))
        self._free.extend(row for row in popped if row is not None)

    def import_values(self, keys, values) -> None:
        self._clear()
        self.insert(keys, values)


# ---------------------------------------------------------------------- MutableDenseHashTable


class DenseHashTableStore(TableStore):
    """TF's MutableDenseHashTable: open addressing with quadratic probing over a power-of-two
    bucket array, `empty_key` marking free buckets and `deleted_key` removed ones."""

    def __init__(self, key_dtype, value_dtype, value_shape, empty_key, deleted_key, buckets,
                 max_load_factor):  # fmt: skip
        empty_key, deleted_key = np.asarray(empty_key), np.asarray(deleted_key)
        _check_dense_args(value_shape, empty_key, deleted_key, max_load_factor)
        super().__init__(key_dtype, value_dtype, value_shape, empty_key.shape)
        self.key_size = max(empty_key.size, 1)
        self.value_size = int(np.prod(value_shape, dtype=np.int64))
        self.max_load_factor = max_load_factor
        self.empty = tuple(empty_key.reshape(-1).tolist())
        self.deleted = tuple(deleted_key.reshape(-1).tolist())
        if self.empty == self.deleted:
            raise errors.InvalidArgumentError(None, None, "Empty and deleted keys cannot be equal")
        self._allocate(buckets)

    def _allocate(self, buckets: int) -> None:
        if buckets < 4 or buckets & (buckets - 1):
            raise errors.InvalidArgumentError(
                None, None, f"Number of buckets must be at least 4 and a power of 2, got: {buckets}"
            )
        self.num_buckets = buckets
        self.entries = 0
        self.keys = [self.empty] * buckets
        self.values = np.zeros((buckets, self.value_size), self.value_dtype.as_numpy_dtype)

    def _hashes(self, rows: list) -> np.ndarray:
        """TF's HashKey: the key itself for integers, Hash64 for strings; a vector key
        combines its elements' hashes with Hash64Combine, starting from 0."""
        if not rows:
            return np.zeros(0, np.uint64)
        columns = [self._hash_column(list(column)) for column in zip(*rows)]
        if self.key_size == 1:
            return columns[0]
        result = np.zeros(len(rows), np.uint64)
        for column in columns:
            result = hash_functions.hash64_combine(result, column)
        return result

    def _hash_column(self, column: list) -> np.ndarray:
        if self.key_dtype is dtypes.string:
            return hash_functions.hash64(column)
        return np.array(column, dtype=np.int64).view(np.uint64)

    def _key_rows(self, keys) -> list:
        keys = np.asarray(keys)
        count = 1 if keys.ndim == 0 else keys.shape[0]
        if keys.size != count * self.key_size:
            expected = dims((count,) + self.key_shape)
            raise errors.InvalidArgumentError(
                None, None, f"Expected key shape {expected} got {dims(keys.shape)}"
            )
        return [tuple(row) for row in keys.reshape(count, self.key_size).tolist()]

    def _check_reserved(self, key) -> None:
        if key == self.empty:
            raise errors.InvalidArgumentError(
                None, None, "Using the empty_key as a table key is not allowed"
            )
        if key == self.deleted:
            raise errors.InvalidArgumentError(
                None, None, "Using the deleted_key as a table key is not allowed"
            )

    def size(self) -> int:
        return self.entries

    def find(self, keys, default_value) -> np.ndarray:
        rows = self._key_rows(keys)
        for key in rows:
            self._check_reserved(key)
        defaults = self._defaults(default_value, len(rows)).reshape(len(rows), self.value_size)
        slots = self._probe_all(rows)
        hit = (slots >= 0)[:, None]
        found = np.where(hit, self.values[np.maximum(slots, 0)], defaults)
        return found.reshape(self.full_value_shape(keys)).astype(self.values.dtype, copy=False)

    def _probe_all(self, rows: list) -> np.ndarray:
        """The bucket of each key, or -1: all keys probe together, round by round."""
        table = _tuples(self.keys)
        wanted = _tuples(rows)
        empty = _tuples([self.empty])[0:1].reshape(())
        bucket = (self._hashes(rows) & np.uint64(self.num_buckets - 1)).astype(np.int64)
        result = np.full(len(rows), -1, np.int64)
        active = np.arange(len(rows))
        for probes in range(1, self.num_buckets + 1):
            current = table[bucket[active]]
            found = current == wanted[active]
            result[active[found]] = bucket[active[found]]
            active = active[~(found | (current == empty))]
            if not active.size:
                return result
            bucket[active] = (bucket[active] + probes) & (self.num_buckets - 1)
        raise errors.InternalError(None, None, "Internal error in MutableDenseHashTable lookup")

    def insert(self, keys, values) -> None:
        rows = self._key_rows(keys)
        pending = self.entries + len(rows)
        if pending > self.num_buckets * self.max_load_factor:
            buckets = self.num_buckets
            while pending > buckets * self.max_load_factor:
                buckets <<= 1
            self._rebucket(buckets)
        flat = self._np_value(values).reshape(len(rows), self.value_size)
        self._insert_rows(rows, flat, ignore_reserved=False)

    def _rebucket(self, buckets: int) -> None:
        old_keys, old_values = self.keys, self.values
        self._allocate(buckets)
        self._insert_rows(old_keys, old_values, ignore_reserved=True)

    def _insert_rows(self, rows: list, values: np.ndarray, ignore_reserved: bool) -> None:
        mask = self.num_buckets - 1
        hashes = self._hashes(rows).tolist()
        free = (self.empty, self.deleted)
        for i, (key, key_hash) in enumerate(zip(rows, hashes)):
            if key in free:
                if ignore_reserved:
                    continue
                self._check_reserved(key)
            bucket = key_hash & mask
            for probes in range(1, self.num_buckets + 1):
                occupant = self.keys[bucket]
                if occupant == key or occupant in free:
                    self.entries += occupant != key
                    self.keys[bucket] = key
                    self.values[bucket] = values[i]
                    break
                bucket = (bucket + probes) & mask
            else:
                raise errors.InternalError(
                    None, None, "Internal error in MutableDenseHashTable insert"
                )

    def remove(self, keys) -> None:
        rows = self._key_rows(keys)
        for key in rows:
            self._check_reserved(key)
        for key, slot in zip(rows, self._probe_all(rows).tolist()):
            if slot >= 0 and self.keys[slot] == key:
                self.keys[slot] = self.deleted
                self.entries -= 1

    def export(self):
        keys = np.array(self.keys, dtype=self.key_dtype.as_numpy_dtype)
        return keys.reshape(self.num_buckets, self.key_size), self.values.copy()

    def import_values(self, keys, values) -> None:
        keys = np.asarray(keys)
        self.num_buckets = keys.shape[0]
        self.keys = [tuple(row) for row in keys.reshape(self.num_buckets, -1).tolist()]
        self.values = self._np_value(values).reshape(self.num_buckets, self.value_size).copy()
        self.entries = sum(1 for key in self.keys if key not in (self.empty, self.deleted))


def _check_dense_args(value_shape, empty_key, deleted_key, max_load_factor) -> None:
    if not 0 < max_load_factor < 1:
        raise errors.InvalidArgumentError(
            None, None, f"max_load_factor must be between 0 and 1, got: {max_load_factor}"
        )
    if len(value_shape) > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Empty value must be a scalar or a vector, got shape {dims(value_shape)}"
        )
    if empty_key.ndim > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Empty key must be a scalar or a vector, got shape {dims(empty_key.shape)}"
        )
    if empty_key.shape != deleted_key.shape:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Empty and deleted keys must have same shape, got shapes: "
            f"{dims(empty_key.shape)} and {dims(deleted_key.shape)}",
        )


def _tuples(rows: list) -> np.ndarray:
    """A 1-D object array holding each tuple whole (NumPy would unpack a list of tuples)."""
    return np.fromiter(rows, dtype=object, count=len(rows))
