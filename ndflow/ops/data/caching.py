"""CacheDataset (TF1's op): the elements of its input, produced once and then replayed.

With filename "" the cache lives in memory and belongs to the dataset value: the first
iterator that reads its input to the end publishes what it saw, and later iterators (each
epoch of a following `repeat`) replay it. With a filename the cache persists on disk in an
LMDB file `<filename>.lmdb`, so a later pass, Session or process replays it without
touching the input. A writer holds TF's lockfile `<filename>_0.lockfile` (a second
concurrent writer gets TF's AlreadyExistsError), writes to a temporary file and renames it
into place only once its input has ended, with the element count recorded: a partial cache
is never published, in memory or on disk.

Each element is one LMDB value: an AttrValue.ListValue of TensorProtos, one per component
(a sparse component is three: indices, values, dense shape), so every dtype, strings
included, round-trips and nothing is pickled. lmdb is imported only when a file cache is
used.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import threading
import time
import weakref

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_util
from ndflow.ops.data import runtime
from ndflow.proto import attr_value_pb2

register_op = registry.register_op
_FORMAT = "ndflow-cache-1"
_META_KEY = b"meta"
_KEY = struct.Struct(">Q")
_TXN_ELEMENTS = 512
_INITIAL_MAP_SIZE = 1 << 26
_PARTIAL_WARNING = (
    "The calling iterator did not fully read the dataset being cached. In order to avoid "
    "unexpected truncation of the dataset, the partially cached contents of the dataset will "
    "be discarded. This can happen if you have an input pipeline similar to "
    "`dataset.cache().take(k).repeat()`. You should use `dataset.take(k).cache().repeat()` "
    "instead."
)


def _warn_partial() -> None:
    logging.getLogger("ndflow").warning(_PARTIAL_WARNING)


# ---------------------------------------------------------------------- in memory


class MemoryCacheValue(runtime.DatasetValue):
    def __init__(self, input):
        self.input = input
        self.elements: list | None = None  # published once an iterator reaches the end
        self._lock = threading.Lock()

    def make_iterator(self):
        return _MemoryCacheIterator(self)

    def cardinality(self) -> int:
        return self.input.cardinality()

    def publish(self, elements: list) -> None:
        with self._lock:
            if self.elements is None:
                self.elements = elements


class _MemoryCacheIterator(runtime.RuntimeIterator):
    """Replays the published cache, or reads the input and collects its elements."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._cache = dataset.elements
        self._index = 0
        self._input = None if self._cache is not None else dataset.input.make_iterator()
        self._written: list = []
        self._done = False

    def __next__(self):
        if self._cache is not None:
            if self._index >= len(self._cache):
                raise StopIteration
            self._index += 1
            return list(self._cache[self._index - 1])
        try:
            element = next(self._input)
        except StopIteration:
            if not self._done:
                self._done = True
                self._dataset.publish(self._written)
            raise
        self._written.append(element)
        return element

    def get_state(self):
        # As TF's MemoryCache checkpoints, the state carries the cached elements themselves.
        if self._cache is not None:
            return {"mode": "read", "index": self._index, "cache": self._cache}
        return {
            "mode": "write",
            "input": self._input.get_state(),
            "written": list(self._written),
            "done": self._done,
        }

    def set_state(self, state):
        if state["mode"] == "read":
            self._close_input()
            self._dataset.publish(list(state["cache"]))
            self._cache = state["cache"]
            self._index = int(state["index"])
            return
        if self._input is None:
            self._input = self._dataset.input.make_iterator()
        self._cache = None
        self._input.set_state(state["input"])
        self._written = list(state["written"])
        self._done = bool(state["done"])

    def _close_input(self):
        if self._input is not None:
            self._input.close()
            self._input = None

    def close(self):
        if self._input is not None and self._written and not self._done:
            _warn_partial()
        self._close_input()


# ---------------------------------------------------------------------- element codec


def _encode(element: list, output_types) -> bytes:
    tensors = []
    for index, (value, dtype) in enumerate(zip(element, output_types)):
        if dtype == dtypes.variant:
            if not isinstance(value, sparse_tensor.SparseTensorValue):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Cannot cache component {index}: a {type(value).__name__} "
                    "variant (only tensors and SparseTensors can be cached).",
                )
            tensors += [
                tensor_util.make_tensor_proto(value.indices, dtypes.int64),
                tensor_util.make_tensor_proto(value.values),
                tensor_util.make_tensor_proto(value.dense_shape, dtypes.int64),
            ]
            continue
        tensors.append(tensor_util.make_tensor_proto(value, dtype))
    return attr_value_pb2.AttrValue.ListValue(tensor=tensors).SerializeToString()


def _decode(data: bytes, output_types) -> list:
    tensors = iter(attr_value_pb2.AttrValue.ListValue.FromString(data).tensor)
    element = []
    for dtype in output_types:
        if dtype == dtypes.variant:
            indices, values, shape = (tensor_util.make_ndarray(next(tensors)) for _ in "ivs")
            element.append(sparse_tensor.SparseTensorValue(indices, values, shape))
            continue
        element.append(tensor_util.make_ndarray(next(tensors)))
    return element


# ---------------------------------------------------------------------- on disk


class FileCacheValue(runtime.DatasetValue):
    def __init__(self, input, filename: str, output_types):
        self.input = input
        self.output_types = list(output_types)
        self.path = filename + ".lmdb"
        self.lockfile = filename + "_0.lockfile"
        self.temp_path = filename + "_0.lmdb.tempstate"

    def make_iterator(self):
        return _FileCacheIterator(self)

    def cardinality(self) -> int:
        return self.input.cardinality()


class _CacheReader:
    """A published cache file, read-only."""

    def __init__(self, dataset):
        import lmdb  # an optional dependency, loaded on first use

        self._types = dataset.output_types
        try:
            self._env = lmdb.open(dataset.path, subdir=False, readonly=True, lock=False)
        except lmdb.Error as error:
            raise errors.DataLossError(
                None, None, f"{dataset.path} is not a readable dataset cache: {error}"
            ) from None
        self._txn = self._env.begin(buffers=False)
        meta = json.loads(self._txn.get(_META_KEY, b"{}"))
        if meta.get("format") != _FORMAT:
            self.close()
            raise errors.DataLossError(
                None, None, f"{dataset.path} is not a complete ndflow dataset cache."
            )
        self.count = int(meta["elements"])
        self._check_types(meta["output_types"], dataset.path)

    def _check_types(self, stored, path):
        if len(stored) != len(self._types):
            self.close()
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Number of components mismatch: expected {len(self._types)} but "
                f"the cache {path} holds {len(stored)}.",
            )
        for index, (name, dtype) in enumerate(zip(stored, self._types)):
            if name != dtype.name:
                self.close()
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Data type mismatch at component {index}: expected "
                    f"{dtype.name} but got {name}.",
                )

    def element(self, index: int) -> list:
        return _decode(self._txn.get(_KEY.pack(index)), self._types)

    def close(self):
        self._txn.abort()
        self._env.close()


def _create_lockfile(path: str) -> None:
    """TF's lockfile: exclusive creation, "Created at: <seconds>" inside."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        with open(path, "rb") as handle:
            contents = handle.read().decode("utf-8", "replace")
        raise errors.AlreadyExistsError(
            None,
            None,
            "There appears to be a concurrent caching iterator running - cache "
            f"lockfile already exists ('{path}'). If you are sure no other running TF "
            "computations are using this cache prefix, delete the lockfile and re-initialize "
            f"the iterator. Lockfile contents: {contents}",
        ) from None
    except OSError as error:
        raise errors.NotFoundError(None, None, f"{path}; {os.strerror(error.errno)}") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(f"Created at: {int(time.time())}")


def _discard(env, paths) -> None:
    env.close()
    for path in paths:
        if os.path.exists(path):
            os.remove(path)


class _CacheWriter:
    """Writes elements to the temporary file under the lockfile; `finish()` publishes."""

    def __init__(self, dataset):
        import lmdb  # an optional dependency, loaded on first use

        self._lmdb = lmdb
        self._dataset = dataset
        _create_lockfile(dataset.lockfile)
        if os.path.exists(dataset.temp_path):  # left by a writer that died
            os.remove(dataset.temp_path)
        self._env = lmdb.open(
            dataset.temp_path,
            subdir=False,
            lock=False,
            sync=False,
            metasync=False,
            map_size=_INITIAL_MAP_SIZE,
        )
        self._pending: list = []
        self.count = 0  # elements committed to the file
        # Dropped without close (or at exit): never leave the lockfile or a partial file.
        self._cleanup = weakref.finalize(
            self, _discard, self._env, (dataset.temp_path, dataset.lockfile)
        )

    def add(self, element: list) -> None:
        self._pending.append(_encode(element, self._dataset.output_types))
        if len(self._pending) >= _TXN_ELEMENTS:
            self._flush()

    def _flush(self, meta: bytes | None = None) -> None:
        first = self.count
        while True:
            try:
                with self._env.begin(write=True) as txn:
                    for offset, value in enumerate(self._pending):
                        txn.put(_KEY.pack(first + offset), value)
                    if meta is not None:
                        txn.put(_META_KEY, meta)
                break
            except self._lmdb.MapFullError:
                self._env.set_mapsize(self._env.info()["map_size"] * 2)
        self.count += len(self._pending)
        self._pending = []

    @property
    def written(self) -> int:
        """Elements added so far (committed or not)."""
        return self.count + len(self._pending)

    def finish(self) -> None:
        dataset = self._dataset
        meta = {
            "format": _FORMAT,
            "elements": self.written,
            "output_types": [t.name for t in dataset.output_types],
        }
        self._flush(json.dumps(meta).encode("utf-8"))
        self._env.sync(True)
        self._env.close()
        os.replace(dataset.temp_path, dataset.path)
        os.remove(dataset.lockfile)
        self._cleanup.detach()

    def abandon(self) -> None:
        self._cleanup()


class _FileCacheIterator(runtime.RuntimeIterator):
    """Replays the cache file when it exists at creation; otherwise reads the input and
    writes the cache, taking the lockfile at the first element. A writer restored from a
    state passes its input through without writing (its earlier elements are not in a
    file), so the cache is left for a later complete pass."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._reader = _CacheReader(dataset) if os.path.exists(dataset.path) else None
        self._input = None if self._reader else dataset.input.make_iterator()
        self._writer = None
        self._write = True
        self._index = 0

    def __next__(self):
        if self._reader is not None:
            if self._index >= self._reader.count:
                raise StopIteration
            self._index += 1
            return self._reader.element(self._index - 1)
        if self._writer is None and self._write:
            self._writer = _CacheWriter(self._dataset)
        try:
            element = next(self._input)
        except StopIteration:
            self._finish()
            raise
        if self._writer is not None:
            self._writer.add(element)
        return element

    def _finish(self):
        if self._writer is not None:
            self._writer.finish()
            self._writer = None
        self._write = False

    def get_state(self):
        if self._reader is not None:
            return {"mode": "read", "index": self._index}
        return {"mode": "write", "input": self._input.get_state()}

    def set_state(self, state):
        self.close()
        if state["mode"] == "read":
            self._reader = _CacheReader(self._dataset)
            self._index = int(state["index"])
            return
        self._input = self._dataset.input.make_iterator()
        self._input.set_state(state["input"])
        self._write = False

    def close(self):
        if self._writer is not None:
            if self._writer.written:
                _warn_partial()
            self._writer.abandon()
            self._writer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._input is not None:
            self._input.close()
            self._input = None


def _cache_kernel(ctx, input_dataset, filename, output_types):
    dataset = runtime.dataset_of(input_dataset)
    name = _filename(filename)
    if not name:
        return MemoryCacheValue(dataset)
    return FileCacheValue(dataset, name, output_types)


def _filename(value) -> str:
    array = np.asarray(value, dtype=object)
    if array.ndim != 0:
        raise errors.InvalidArgumentError(None, None, "filename must be a scalar")
    return os.fsdecode(array.item())


register_op(
    "CacheDataset",
    inputs=["input_dataset: variant", "filename: string"],
    outputs=["handle: variant"],
    attrs=[
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_cache_kernel,
)
registry.not_differentiable("CacheDataset", "a dataset")
