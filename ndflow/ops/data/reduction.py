"""Datasets with a running state: ReduceDataset (`Dataset.reduce`, one final state) and
ScanDataset (`scan`, one output per element)."""

from __future__ import annotations

from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op


def _reduce_kernel(ctx, input_dataset, initial_state, other_arguments, f):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    state = list(initial_state)
    iterator = runtime.dataset_of(input_dataset).make_iterator()
    try:
        for element in iterator:
            state = caller(state + list(element))
    finally:
        iterator.close()
    return state


register_op(
    "ReduceDataset",
    inputs=["input_dataset: variant", "initial_state: Tstate", "other_arguments: Targuments"],
    outputs=["components: output_types"],
    attrs=[
        "f: func",
        "Tstate: list(type) >= 1",
        "Targuments: list(type) >= 0",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "use_inter_op_parallelism: bool = true",
        "metadata: string = ''",
    ],
    shape=lambda op: list(op.attrs["output_shapes"]),
    kernel=_reduce_kernel,
    stateful=True,
)


class ScanDatasetValue(runtime.DatasetValue):
    """`f(state, element) -> (state, output)` over the elements, yielding the outputs."""

    def __init__(self, input, function, initial_state):
        self.input = input
        self.function = function
        self.initial_state = list(initial_state)

    def make_iterator(self):
        return _ScanIterator(self)

    def cardinality(self) -> int:
        return self.input.cardinality()


class _ScanIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._state = list(dataset.initial_state)

    def __next__(self):
        results = self._dataset.function(self._state + list(next(self._input)))
        count = len(self._state)
        self._state = list(results[:count])
        return list(results[count:])

    def get_state(self):
        return {"input": self._input.get_state(), "state": list(self._state)}

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._state = list(state["state"])

    def close(self):
        self._input.close()


def _scan_kernel(ctx, input_dataset, initial_state, other_arguments, f):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return ScanDatasetValue(runtime.dataset_of(input_dataset), caller, initial_state)


register_op(
    "ScanDataset",
    inputs=["input_dataset: variant", "initial_state: Tstate", "other_arguments: Targuments"],
    outputs=["handle: variant"],
    attrs=[
        "f: func",
        "Tstate: list(type) >= 1",
        "Targuments: list(type) >= 0",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "preserve_cardinality: bool = false",
        "use_default_device: bool = true",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_scan_kernel,
)

for _name in ("ReduceDataset", "ScanDataset"):
    registry.not_differentiable(_name, "a dataset")
