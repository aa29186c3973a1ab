"""RepeatDataset: the input dataset `count` times over (forever when count is -1)."""

from __future__ import annotations

from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op


class RepeatDatasetValue(runtime.DatasetValue):
    """`input` repeated `count` times; -1 repeats forever."""

    def __init__(self, input, count: int):
        self.input = input
        self.count = count

    def make_iterator(self):
        return _RepeatIterator(self)

    def cardinality(self) -> int:
        inner = self.input.cardinality()
        if self.count == 0 or inner == 0:
            return 0
        if self.count < 0:
            return runtime.INFINITE
        return inner * self.count if inner >= 0 else inner


class _RepeatIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._epoch = 0
        self._produced = False
        self._input = dataset.input.make_iterator() if dataset.count != 0 else None

    def __next__(self):
        while self._input is not None:
            try:
                element = next(self._input)
            except StopIteration:
                self._next_epoch()
                continue
            self._produced = True
            return element
        raise StopIteration

    def _next_epoch(self):
        self._input.close()
        self._epoch += 1
        count = self._dataset.count
        # An empty epoch ends the sequence (an empty input repeated forever would spin).
        if (count >= 0 and self._epoch >= count) or not self._produced:
            self._input = None
            return
        self._produced = False
        self._input = self._dataset.input.make_iterator()

    def get_state(self):
        return {
            "epoch": self._epoch,
            "produced": self._produced,
            "input": None if self._input is None else self._input.get_state(),
        }

    def set_state(self, state):
        self._epoch = int(state["epoch"])
        self._produced = bool(state["produced"])
        if state["input"] is None:
            self._input = None
            return
        self._input = self._dataset.input.make_iterator()
        self._input.set_state(state["input"])

    def close(self):
        if self._input is not None:
            self._input.close()


def _repeat_kernel(ctx, input_dataset, count):
    return RepeatDatasetValue(runtime.dataset_of(input_dataset), runtime.scalar(count, "count"))


register_op(
    "RepeatDataset",
    inputs=["input_dataset: variant", "count: int64"],
    outputs=["handle: variant"],
    attrs=[
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_repeat_kernel,
)
registry.not_differentiable("RepeatDataset", "a dataset")
