"""The runtime side of tf.data: dataset values and their iterators.

A dataset op's kernel returns a `DatasetValue` (the value of its `variant` output): an
immutable recipe over NumPy inputs. `make_iterator()` builds a chain of `RuntimeIterator`s
that yield elements as flat lists of components (NumPy arrays, or SparseTensorValues for
sparse components). Iterators keep all their state in small plain structures
(`get_state()` / `set_state()`) so checkpoints can save and restore them.

Functions (map, filter, interleave...) run through a `FunctionCaller` bound at kernel time
to the running Session: the same compiled function plans as If/While use.
"""

from __future__ import annotations

import abc

import numpy as np

from ndflow.framework import errors
from ndflow.framework import tensor_shape


class DatasetValue(abc.ABC):
    """A dataset recipe, as produced by a dataset op's kernel."""

    @abc.abstractmethod
    def make_iterator(self) -> RuntimeIterator:
        """A fresh iterator over this dataset's elements."""

    def cardinality(self) -> int:
        """The number of elements, or -1 (infinite) / -2 (unknown), as TF reports it."""
        return -2


INFINITE = -1
UNKNOWN = -2


class RuntimeIterator(abc.ABC):
    """Yields one element (a flat list of components) per `next()`; StopIteration at end."""

    def __iter__(self):
        return self

    @abc.abstractmethod
    def __next__(self) -> list:
        """The next element; StopIteration at the end."""

    def next_rows(self, count: int) -> list | None:
        """Up to `count` next elements already stacked component by component (each gains
        a leading dimension), from iterators that produce runs of elements cheaply (the file
        readers): [] at the end, and fewer rows than asked do not mean the end. None: no
        such path here; use `next()`. BatchDatasetV2 uses it."""
        del count
        return None

    def get_state(self) -> dict:
        return {}

    def set_state(self, state: dict) -> None:
        del state

    def close(self) -> None:  # noqa: B027 - an optional hook, most iterators hold nothing
        """Releases threads or files; called when the iterator is dropped."""


class FunctionCaller:
    """Calls one library function of the Session graph, with its captured arguments."""

    def __init__(self, ctx, func, captured):
        self._ctx = ctx
        self._func = func
        self._captured = list(captured)

    def __call__(self, args) -> list:
        return self._ctx.child().call_function(self._func, list(args) + self._captured)


def dataset_of(value) -> DatasetValue:
    """The DatasetValue carried by a variant input."""
    if isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 0:
        value = value.item()
    if not isinstance(value, DatasetValue):
        raise errors.InvalidArgumentError(
            None, None, f"Expected a dataset variant, got {type(value).__name__}"
        )
    return value


def scalar(value, name: str) -> int:
    array = np.asarray(value)
    if array.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"{name} must be a scalar, got shape {list(array.shape)}"
        )
    return int(array)


def as_bool(value) -> bool:
    return bool(np.asarray(value))


def dataset_shape(op):
    """Shape function of every dataset op: one scalar variant."""
    del op
    return [tensor_shape.scalar()]


def call_scalar_int(caller: FunctionCaller, args, what: str) -> int:
    """Calls a function that must return one int64 scalar (a key or a window size)."""
    outputs = caller(args)
    value = np.asarray(outputs[0]) if len(outputs) == 1 else None
    if value is None or value.ndim != 0 or value.dtype != np.int64:
        raise errors.InvalidArgumentError(
            None, None, f"{what} must return a single scalar of dtype DT_INT64."
        )
    return int(value)


class ListDatasetValue(DatasetValue):
    """A dataset over elements already in memory (windows, groups, cached elements)."""

    def __init__(self, elements: list):
        self.elements = elements

    def make_iterator(self):
        return ListIterator(self.elements)

    def cardinality(self) -> int:
        return len(self.elements)


class ListIterator(RuntimeIterator):
    def __init__(self, elements):
        self._elements = elements
        self._index = 0

    def __next__(self):
        if self._index >= len(self._elements):
            raise StopIteration
        self._index += 1
        return self._elements[self._index - 1]

    def get_state(self):
        return {"index": self._index}

    def set_state(self, state):
        self._index = int(state["index"])
