"""MapDataset and ParallelMapDatasetV2: a traced function applied to every element.

The parallel form runs calls on a thread pool (kernels release the GIL in NumPy); results
come back in input order unless `deterministic` is "false".
"""

from __future__ import annotations

import collections
import concurrent.futures
import os

from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op

_MAP_ATTRS = [
    "f: func",
    "Targuments: list(type) >= 0",
    "output_types: list(type) >= 1",
    "output_shapes: list(shape) >= 1",
    "use_inter_op_parallelism: bool = true",
]


class MapDatasetValue(runtime.DatasetValue):
    """`function(element)` for each element of `input`."""

    def __init__(self, input, function, parallelism: int = 0, deterministic: bool = True):
        self.input = input
        self.function = function
        self.parallelism = parallelism
        self.deterministic = deterministic

    def make_iterator(self):
        if self.parallelism > 1:
            return _ParallelMapIterator(self)
        return _MapIterator(self)

    def cardinality(self) -> int:
        return self.input.cardinality()


class _MapIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._function = dataset.function
        self._input = dataset.input.make_iterator()

    def __next__(self):
        return self._function(next(self._input))

    def get_state(self):
        return {"input": self._input.get_state()}

    def set_state(self, state):
        self._input.set_state(state["input"])

    def close(self):
        self._input.close()


class _ParallelMapIterator(runtime.RuntimeIterator):
    """Keeps up to `parallelism` calls in flight; yields in order (or as they finish)."""

    def __init__(self, dataset):
        self._function = dataset.function
        self._input = dataset.input.make_iterator()
        self._limit = dataset.parallelism
        self._deterministic = dataset.deterministic
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self._limit, thread_name_prefix="ndflow-map"
        )
        self._pending: collections.deque = collections.deque()
        self._restored: collections.deque = collections.deque()  # results from a state
        self._exhausted = False

    def _fill(self):
        while not self._exhausted and len(self._pending) < self._limit:
            try:
                element = next(self._input)
            except StopIteration:
                self._exhausted = True
                return
            self._pending.append(self._pool.submit(self._function, element))

    def __next__(self):
        if self._restored:
            return self._restored.popleft()
        self._fill()
        if not self._pending:
            raise StopIteration
        if self._deterministic:
            return self._pending.popleft().result()
        done, _ = concurrent.futures.wait(
            self._pending, return_when=concurrent.futures.FIRST_COMPLETED
        )
        future = next(iter(done))
        self._pending.remove(future)
        return future.result()

    def get_state(self):
        # Calls in flight are awaited: their results are part of the state.
        results = list(self._restored) + [future.result() for future in self._pending]
        return {"input": self._input.get_state(), "results": results, "exhausted": self._exhausted}

    def set_state(self, state):
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._restored = collections.deque(state["results"])
        self._exhausted = bool(state["exhausted"])
        self._input.set_state(state["input"])

    def close(self):
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=False)
        self._input.close()


def _map_kernel(ctx, input_dataset, other_arguments, f):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return MapDatasetValue(runtime.dataset_of(input_dataset), caller)


register_op(
    "MapDataset",
    inputs=["input_dataset: variant", "other_arguments: Targuments"],
    outputs=["handle: variant"],
    attrs=_MAP_ATTRS
    + [
        "preserve_cardinality: bool = false",
        "force_synchronous: bool = false",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_map_kernel,
)


def parallelism(value) -> int:
    """num_parallel_calls as a thread count: AUTOTUNE (-1) means one per core."""
    count = runtime.scalar(value, "num_parallel_calls")
    if count == -1:
        return os.cpu_count() or 1
    return count


def _parallel_map_kernel(ctx, input_dataset, other_arguments, num_parallel_calls, f, deterministic):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return MapDatasetValue(
        runtime.dataset_of(input_dataset),
        caller,
        parallelism(num_parallel_calls),
        deterministic != "false",
    )


register_op(
    "ParallelMapDatasetV2",
    inputs=["input_dataset: variant", "other_arguments: Targuments", "num_parallel_calls: int64"],
    outputs=["handle: variant"],
    attrs=_MAP_ATTRS
    + [
        "deterministic: string = 'default'",
        "preserve_cardinality: bool = false",
        "use_unbounded_threadpool: bool = false",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_parallel_map_kernel,
)

for _name in ("MapDataset", "ParallelMapDatasetV2"):
    registry.not_differentiable(_name, "a dataset")
