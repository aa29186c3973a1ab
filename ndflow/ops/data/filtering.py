"""Datasets that drop elements: FilterDataset (a traced predicate), IgnoreErrorsDataset,
and the positional ones TakeDataset, SkipDataset and ShardDataset."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op
_ATTRS = [
    "output_types: list(type) >= 1",
    "output_shapes: list(shape) >= 1",
    "metadata: string = ''",
]


class _PassThroughIterator(runtime.RuntimeIterator):
    """Base for iterators whose state is their input's plus a few counters."""

    _COUNTERS: tuple = ()

    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()

    def get_state(self):
        state = {name: getattr(self, name) for name in self._COUNTERS}
        state["input"] = self._input.get_state()
        return state

    def set_state(self, state):
        for name in self._COUNTERS:
            setattr(self, name, state[name])
        self._input.set_state(state["input"])

    def close(self):
        self._input.close()


# ---------------------------------------------------------------------- FilterDataset


class FilterDatasetValue(runtime.DatasetValue):
    def __init__(self, input, predicate):
        self.input = input
        self.predicate = predicate

    def make_iterator(self):
        return _FilterIterator(self)


class _FilterIterator(_PassThroughIterator):
    def __next__(self):
        predicate = self._dataset.predicate
        for element in self._input:
            result = np.asarray(predicate(element)[0])
            if result.shape != () or result.dtype != np.bool_:
                raise errors.InvalidArgumentError(
                    None, None, "Filter predicate `f` must return a scalar bool."
                )
            if result:
                return element
        raise StopIteration


def _filter_kernel(ctx, input_dataset, other_arguments, predicate):
    caller = runtime.FunctionCaller(ctx, predicate, other_arguments)
    return FilterDatasetValue(runtime.dataset_of(input_dataset), caller)


register_op(
    "FilterDataset",
    inputs=["input_dataset: variant", "other_arguments: Targuments"],
    outputs=["handle: variant"],
    attrs=["predicate: func", "Targuments: list(type) >= 0"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_filter_kernel,
)


# ---------------------------------------------------------------------- IgnoreErrorsDataset


class IgnoreErrorsDatasetValue(runtime.DatasetValue):
    def __init__(self, input):
        self.input = input

    def make_iterator(self):
        return _IgnoreErrorsIterator(self)


class _IgnoreErrorsIterator(_PassThroughIterator):
    def __next__(self):
        while True:
            try:
                return next(self._input)
            except errors.CancelledError:
                raise
            except errors.OpError:
                continue


def _ignore_errors_kernel(ctx, input_dataset):
    return IgnoreErrorsDatasetValue(runtime.dataset_of(input_dataset))


register_op(
    "IgnoreErrorsDataset",
    inputs=["input_dataset: variant"],
    outputs=["handle: variant"],
    attrs=[
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "log_warning: bool = false",
    ],
    shape=runtime.dataset_shape,
    kernel=_ignore_errors_kernel,
)


# ---------------------------------------------------------------------- Take / Skip


class TakeDatasetValue(runtime.DatasetValue):
    """The first `count` elements (all of them when count is -1)."""

    def __init__(self, input, count: int):
        self.input = input
        self.count = count

    def make_iterator(self):
        return _TakeIterator(self)

    def cardinality(self) -> int:
        inner = self.input.cardinality()
        if self.count < 0:
            return inner
        if inner == runtime.INFINITE:
            return self.count
        return min(inner, self.count) if inner >= 0 else runtime.UNKNOWN


class _TakeIterator(_PassThroughIterator):
    _COUNTERS = ("_taken",)

    def __init__(self, dataset):
        super().__init__(dataset)
        self._taken = 0

    def __next__(self):
        count = self._dataset.count
        if 0 <= count <= self._taken:
            raise StopIteration
        element = next(self._input)
        self._taken += 1
        return element


class SkipDatasetValue(runtime.DatasetValue):
    """All but the first `count` elements (none when count is -1)."""

    def __init__(self, input, count: int):
        self.input = input
        self.count = count

    def make_iterator(self):
        return _SkipIterator(self)

    def cardinality(self) -> int:
        inner = self.input.cardinality()
        if inner < 0:
            return inner
        return 0 if self.count < 0 else max(inner - self.count, 0)


class _SkipIterator(_PassThroughIterator):
    _COUNTERS = ("_skipped",)

    def __init__(self, dataset):
        super().__init__(dataset)
        self._skipped = 0

    def __next__(self):
        count = self._dataset.count
        while count < 0 or self._skipped < count:
            next(self._input)
            self._skipped += 1
        return next(self._input)


def _take_kernel(ctx, input_dataset, count):
    return TakeDatasetValue(runtime.dataset_of(input_dataset), runtime.scalar(count, "count"))


def _skip_kernel(ctx, input_dataset, count):
    return SkipDatasetValue(runtime.dataset_of(input_dataset), runtime.scalar(count, "count"))


for _name, _kernel in (("TakeDataset", _take_kernel), ("SkipDataset", _skip_kernel)):
    register_op(
        _name,
        inputs=["input_dataset: variant", "count: int64"],
        outputs=["handle: variant"],
        attrs=_ATTRS,
        shape=runtime.dataset_shape,
        kernel=_kernel,
    )


# ---------------------------------------------------------------------- ShardDataset


class ShardDatasetValue(runtime.DatasetValue):
    """Every `num_shards`-th element, starting at `index`."""

    def __init__(self, input, num_shards: int, index: int, require_non_empty: bool):
        if num_shards <= 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Number of shards must be greater "
                f"than zero (currently num_shards = "
                f"{num_shards}).",
            )
        if not 0 <= index < num_shards:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Index must be between 0 and {num_shards - 1} (currently index = {index}).",
            )
        self.input = input
        self.num_shards = num_shards
        self.index = index
        self.require_non_empty = require_non_empty

    def make_iterator(self):
        return _ShardIterator(self)

    def cardinality(self) -> int:
        inner = self.input.cardinality()
        if inner < 0:
            return inner
        return inner // self.num_shards + (1 if inner % self.num_shards > self.index else 0)


class _ShardIterator(_PassThroughIterator):
    _COUNTERS = ("_position", "_produced")

    def __init__(self, dataset):
        super().__init__(dataset)
        self._position = 0
        self._produced = False

    def __next__(self):
        data = self._dataset
        for element in self._input:
            self._position += 1
            if (self._position - 1) % data.num_shards == data.index:
                self._produced = True
                return element
        if data.require_non_empty and not self._produced:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Could not apply FILE based sharding: the dataset only has "
                f"{self._position} file(s), which is not enough for the required "
                f"{data.num_shards} shards/workers.",
            )
        raise StopIteration


def _shard_kernel(ctx, input_dataset, num_shards, index, require_non_empty):
    return ShardDatasetValue(
        runtime.dataset_of(input_dataset),
        runtime.scalar(num_shards, "num_shards"),
        runtime.scalar(index, "index"),
        require_non_empty,
    )


register_op(
    "ShardDataset",
    inputs=["input_dataset: variant", "num_shards: int64", "index: int64"],
    outputs=["handle: variant"],
    attrs=["require_non_empty: bool = false"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_shard_kernel,
)

for _name in ("FilterDataset", "IgnoreErrorsDataset", "TakeDataset", "SkipDataset", "ShardDataset"):
    registry.not_differentiable(_name, "a dataset")


# ---------------------------------------------------------------------- TakeWhile / Unique


class TakeWhileDatasetValue(runtime.DatasetValue):
    def __init__(self, input, predicate):
        self.input = input
        self.predicate = predicate

    def make_iterator(self):
        return _TakeWhileIterator(self)


class _TakeWhileIterator(_PassThroughIterator):
    _COUNTERS = ("_done",)

    def __init__(self, dataset):
        super().__init__(dataset)
        self._done = False

    def __next__(self):
        if self._done:
            raise StopIteration
        element = next(self._input)
        if not bool(np.asarray(self._dataset.predicate(element)[0])):
            self._done = True
            raise StopIteration
        return element


def _take_while_kernel(ctx, input_dataset, other_arguments, predicate):
    caller = runtime.FunctionCaller(ctx, predicate, other_arguments)
    return TakeWhileDatasetValue(runtime.dataset_of(input_dataset), caller)


register_op(
    "TakeWhileDataset",
    inputs=["input_dataset: variant", "other_arguments: Targuments"],
    outputs=["handle: variant"],
    attrs=["predicate: func", "Targuments: list(type) >= 0"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_take_while_kernel,
)


class UniqueDatasetValue(runtime.DatasetValue):
    """The first occurrence of each distinct (scalar or vector) element."""

    def __init__(self, input):
        self.input = input

    def make_iterator(self):
        return _UniqueIterator(self)


class _UniqueIterator(_PassThroughIterator):
    _COUNTERS = ("_seen",)

    def __init__(self, dataset):
        super().__init__(dataset)
        self._seen = set()

    def __next__(self):
        for element in self._input:
            value = np.asarray(element[0])
            key = (value.shape, value.tobytes() if value.dtype != object else tuple(value.flat))
            if key not in self._seen:
                self._seen.add(key)
                return element
        raise StopIteration

    def get_state(self):
        state = super().get_state()
        state["_seen"] = set(self._seen)
        return state


def _unique_kernel(ctx, input_dataset):
    return UniqueDatasetValue(runtime.dataset_of(input_dataset))


register_op(
    "UniqueDataset",
    inputs=["input_dataset: variant"],
    outputs=["handle: variant"],
    attrs=_ATTRS,
    shape=runtime.dataset_shape,
    kernel=_unique_kernel,
)


class AssertCardinalityDatasetValue(runtime.DatasetValue):
    def __init__(self, input, cardinality: int):
        self.input = input
        self.expected = cardinality

    def make_iterator(self):
        return _AssertCardinalityIterator(self)

    def cardinality(self) -> int:
        return self.expected


def _elements(count: int) -> str:
    return "1 element" if count == 1 else f"{count} elements"


class _AssertCardinalityIterator(_PassThroughIterator):
    _COUNTERS = ("_count",)

    def __init__(self, dataset):
        super().__init__(dataset)
        self._count = 0

    def __next__(self):
        expected = self._dataset.expected
        try:
            element = next(self._input)
        except StopIteration:
            if expected != runtime.INFINITE and self._count < expected:
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    f"Input dataset was expected to contain "
                    f"{_elements(expected)} but contained only "
                    f"{_elements(self._count)}.",
                ) from None
            raise
        self._count += 1
        if expected != runtime.INFINITE and self._count > expected:
            raise errors.FailedPreconditionError(
                None,
                None,
                f"Input dataset was expected to contain {_elements(expected)} "
                "but contained at least "
                f"{_elements(self._count)}.",
            )
        return element


def _assert_cardinality_kernel(ctx, input_dataset, cardinality):
    return AssertCardinalityDatasetValue(
        runtime.dataset_of(input_dataset), runtime.scalar(cardinality, "cardinality")
    )


register_op(
    "AssertCardinalityDataset",
    inputs=["input_dataset: variant", "cardinality: int64"],
    outputs=["handle: variant"],
    attrs=["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    shape=runtime.dataset_shape,
    kernel=_assert_cardinality_kernel,
)

for _name in ("TakeWhileDataset", "UniqueDataset", "AssertCardinalityDataset"):
    registry.not_differentiable(_name, "a dataset")
