"""Datasets over several datasets: ZipDataset, ConcatenateDataset and
DirectedInterleaveDataset (`choose_from_datasets` / `sample_from_datasets`)."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op
_ATTRS = ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"]


def _close_all(iterators):
    for iterator in iterators:
        if iterator is not None:
            iterator.close()


# ---------------------------------------------------------------------- ZipDataset


class ZipDatasetValue(runtime.DatasetValue):
    """Elements of all inputs side by side; ends with the shortest."""

    def __init__(self, inputs):
        self.inputs = list(inputs)

    def make_iterator(self):
        return _ZipIterator(self)

    def cardinality(self) -> int:
        counts = [d.cardinality() for d in self.inputs]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return runtime.UNKNOWN if runtime.UNKNOWN in counts else runtime.INFINITE


class _ZipIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._inputs = [d.make_iterator() for d in dataset.inputs]

    def __next__(self):
        element = []
        for iterator in self._inputs:
            element.extend(next(iterator))
        return element

    def get_state(self):
        return {"inputs": [i.get_state() for i in self._inputs]}

    def set_state(self, state):
        for iterator, inner in zip(self._inputs, state["inputs"]):
            iterator.set_state(inner)

    def close(self):
        _close_all(self._inputs)


def _zip_kernel(ctx, input_datasets):
    return ZipDatasetValue([runtime.dataset_of(d) for d in input_datasets])


register_op(
    "ZipDataset",
    inputs=["input_datasets: N * variant"],
    outputs=["handle: variant"],
    attrs=_ATTRS + ["N: int >= 1", "metadata: string = ''"],
    shape=runtime.dataset_shape,
    kernel=_zip_kernel,
)


# ---------------------------------------------------------------------- ConcatenateDataset


class ConcatenateDatasetValue(runtime.DatasetValue):
    def __init__(self, first, second):
        self.inputs = [first, second]

    def make_iterator(self):
        return _ConcatenateIterator(self)

    def cardinality(self) -> int:
        first, second = (d.cardinality() for d in self.inputs)
        if runtime.INFINITE in (first, second):
            return runtime.INFINITE
        if runtime.UNKNOWN in (first, second):
            return runtime.UNKNOWN
        return first + second


class _ConcatenateIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._index = 0
        self._current = dataset.inputs[0].make_iterator()

    def __next__(self):
        while self._current is not None:
            try:
                return next(self._current)
            except StopIteration:
                self._current.close()
                self._index += 1
                self._current = (
                    self._dataset.inputs[self._index].make_iterator()
                    if self._index < len(self._dataset.inputs)
                    else None
                )
        raise StopIteration

    def get_state(self):
        return {
            "index": self._index,
            "current": None if self._current is None else self._current.get_state(),
        }

    def set_state(self, state):
        self._index = int(state["index"])
        if self._current is not None:
            self._current.close()
        self._current = None
        if state["current"] is not None:
            self._current = self._dataset.inputs[self._index].make_iterator()
            self._current.set_state(state["current"])

    def close(self):
        _close_all([self._current])


def _concatenate_kernel(ctx, input_dataset, another_dataset):
    return ConcatenateDatasetValue(
        runtime.dataset_of(input_dataset), runtime.dataset_of(another_dataset)
    )


register_op(
    "ConcatenateDataset",
    inputs=["input_dataset: variant", "another_dataset: variant"],
    outputs=["handle: variant"],
    attrs=_ATTRS + ["metadata: string = ''"],
    shape=runtime.dataset_shape,
    kernel=_concatenate_kernel,
)


# ---------------------------------------------------------------------- DirectedInterleave


class DirectedInterleaveDatasetValue(runtime.DatasetValue):
    """The next element of `inputs[i]` for each index `i` the selector yields."""

    def __init__(self, selector, inputs, stop_on_empty_dataset: bool):
        self.selector = selector
        self.inputs = list(inputs)
        self.stop_on_empty_dataset = stop_on_empty_dataset

    def make_iterator(self):
        return _DirectedInterleaveIterator(self)


class _DirectedInterleaveIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._selector = dataset.selector.make_iterator()
        self._inputs = [d.make_iterator() for d in dataset.inputs]

    def __next__(self):
        while any(i is not None for i in self._inputs):
            index = self._select()
            iterator = self._inputs[index]
            if iterator is None:
                continue
            try:
                return next(iterator)
            except StopIteration:
                iterator.close()
                self._inputs[index] = None
                if self._dataset.stop_on_empty_dataset:
                    break
        raise StopIteration

    def _select(self) -> int:
        choice = np.asarray(next(self._selector)[0])
        if choice.shape != () or choice.dtype != np.int64:
            raise errors.InvalidArgumentError(
                None, None, "selector_input_dataset must be a scalar int64 tensor."
            )
        index = int(choice)
        if not 0 <= index < len(self._inputs):
            raise errors.InvalidArgumentError(
                None, None, f"Selector index out of range: {index} >= {len(self._inputs)}"
            )
        return index

    def get_state(self):
        return {
            "selector": self._selector.get_state(),
            "inputs": [None if i is None else i.get_state() for i in self._inputs],
        }

    def set_state(self, state):
        self._selector.set_state(state["selector"])
        for position, inner in enumerate(state["inputs"]):
            if inner is None:
                self._inputs[position] = None
                continue
            self._inputs[position].set_state(inner)

    def close(self):
        _close_all([self._selector] + self._inputs)


def _directed_interleave_kernel(
    ctx, selector_input_dataset, data_input_datasets, stop_on_empty_dataset
):
    return DirectedInterleaveDatasetValue(
        runtime.dataset_of(selector_input_dataset),
        [runtime.dataset_of(d) for d in data_input_datasets],
        stop_on_empty_dataset,
    )


register_op(
    "DirectedInterleaveDataset",
    inputs=["selector_input_dataset: variant", "data_input_datasets: N * variant"],
    outputs=["handle: variant"],
    attrs=_ATTRS + ["N: int >= 1", "stop_on_empty_dataset: bool = false"],
    shape=runtime.dataset_shape,
    kernel=_directed_interleave_kernel,
)

for _name in ("ZipDataset", "ConcatenateDataset", "DirectedInterleaveDataset"):
    registry.not_differentiable(_name, "a dataset")
