"""Source datasets over in-memory values: TensorDataset (`from_tensors`),
TensorSliceDataset (`from_tensor_slices`) and RangeDataset (`range`)."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import sparse_tensor
from ndflow.ops.data import runtime

register_op = registry.register_op
_DATASET_ATTRS = [
    "output_types: list(type) >= 1",
    "output_shapes: list(shape) >= 1",
    "metadata: string = ''",
]


def _is_sparse(component) -> bool:
    return isinstance(component, sparse_tensor.SparseTensorValue)


# ---------------------------------------------------------------------- TensorDataset


class TensorDatasetValue(runtime.DatasetValue):
    """One element: the components themselves."""

    def __init__(self, components):
        self.components = list(components)

    def make_iterator(self):
        return _OnceIterator(self.components)

    def cardinality(self) -> int:
        return 1


class _OnceIterator(runtime.RuntimeIterator):
    def __init__(self, components):
        self._components = components
        self._done = False

    def __next__(self):
        if self._done:
            raise StopIteration
        self._done = True
        return list(self._components)

    def get_state(self):
        return {"done": self._done}

    def set_state(self, state):
        self._done = bool(state["done"])


def _tensor_dataset_kernel(ctx, components):
    return TensorDatasetValue(components)


register_op(
    "TensorDataset",
    inputs=["components: Toutput_types"],
    outputs=["handle: variant"],
    attrs=[
        "Toutput_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_tensor_dataset_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- TensorSliceDataset


class TensorSliceDatasetValue(runtime.DatasetValue):
    """One element per row of the components (their first dimension)."""

    def __init__(self, components):
        self.components = list(components)
        self.count = _row_count(self.components)
        self._sparse_rows = [
            _sparse_row_groups(c, self.count) if _is_sparse(c) else None for c in self.components
        ]

    def make_iterator(self):
        return _SliceIterator(self)

    def cardinality(self) -> int:
        return self.count

    def row(self, index: int) -> list:
        return [
            _sparse_row(c, rows[index]) if rows is not None else c[index]
            for c, rows in zip(self.components, self._sparse_rows)
        ]


def _row_count(components) -> int:
    counts = []
    for component in components:
        dims = (
            np.asarray(component.dense_shape)
            if _is_sparse(component)
            else np.asarray(np.shape(component))
        )
        if dims.size == 0:
            raise errors.InvalidArgumentError(
                None, None, "Input element must have a non-scalar value in each component."
            )
        counts.append(int(dims[0]))
    if any(count != counts[0] for count in counts):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Dimension 0 in both shapes must be equal, but are {counts[0]} and "
            f"{next(c for c in counts if c != counts[0])}.",
        )
    return counts[0]


def _sparse_row_groups(value, count):
    indices = np.asarray(value.indices)
    order = np.argsort(indices[:, 0], kind="stable") if indices.size else np.arange(0)
    starts = (
        np.searchsorted(indices[order, 0], np.arange(count + 1))
        if indices.size
        else np.zeros(count + 1, np.int64)
    )
    return [(value, order[starts[i] : starts[i + 1]]) for i in range(count)]


def _sparse_row(component, group):
    value, positions = group
    indices = np.asarray(value.indices)[positions][:, 1:]
    values = np.asarray(value.values)[positions]
    shape = np.asarray(value.dense_shape)[1:]
    return sparse_tensor.SparseTensorValue(indices.astype(np.int64), values, shape.astype(np.int64))


class _SliceIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._index = 0

    def __next__(self):
        if self._index >= self._dataset.count:
            raise StopIteration
        self._index += 1
        return self._dataset.row(self._index - 1)

    def get_state(self):
        return {"index": self._index}

    def set_state(self, state):
        self._index = int(state["index"])


def _tensor_slice_kernel(ctx, components):
    return TensorSliceDatasetValue(components)


register_op(
    "TensorSliceDataset",
    inputs=["components: Toutput_types"],
    outputs=["handle: variant"],
    attrs=[
        "Toutput_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "is_files: bool = false",
        "metadata: string = ''",
        "replicate_on_split: bool = false",
    ],
    shape=runtime.dataset_shape,
    kernel=_tensor_slice_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- RangeDataset


class RangeDatasetValue(runtime.DatasetValue):
    """start, start + step, ... up to (not including) stop."""

    def __init__(self, start, stop, step, dtype):
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        self.start, self.stop, self.step = start, stop, step
        self.dtype = dtype

    def make_iterator(self):
        return _RangeIterator(self)

    def cardinality(self) -> int:
        return len(range(self.start, self.stop, self.step))


class _RangeIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._next = dataset.start

    def __next__(self):
        data = self._dataset
        if (data.step > 0 and self._next >= data.stop) or (
            data.step < 0 and self._next <= data.stop
        ):
            raise StopIteration
        value = self._next
        self._next += data.step
        return [np.asarray(value, dtype=data.dtype)]

    def get_state(self):
        return {"next": self._next}

    def set_state(self, state):
        self._next = int(state["next"])


def _range_kernel(ctx, start, stop, step, output_types):
    return RangeDatasetValue(
        runtime.scalar(start, "start"),
        runtime.scalar(stop, "stop"),
        runtime.scalar(step, "step"),
        output_types[0].as_numpy_dtype,
    )


register_op(
    "RangeDataset",
    inputs=["start: int64", "stop: int64", "step: int64"],
    outputs=["handle: variant"],
    attrs=_DATASET_ATTRS + ["replicate_on_split: bool = false"],
    shape=runtime.dataset_shape,
    kernel=_range_kernel,
    stateful=True,
)

for _name in ("TensorDataset", "TensorSliceDataset", "RangeDataset"):
    registry.not_differentiable(_name, "a dataset")
