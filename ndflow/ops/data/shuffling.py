"""Random datasets: ShuffleDataset (TF's buffer semantics) and RandomDataset (an endless
stream of random int64 scalars, the source of sample_from_datasets' choices)."""

from __future__ import annotations

import itertools
import threading

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
_UINT64 = (1 << 64) - 1


def _philox_key(seed: int, seed2: int, iteration: int):
    return np.array([seed & _UINT64, (seed2 + (iteration << 32)) & _UINT64], dtype=np.uint64)


def _fresh_seeds(seed: int, seed2: int) -> tuple[int, int]:
    """TF's rule: seed == seed2 == 0 means "pick random seeds" (once per dataset)."""
    if seed == 0 and seed2 == 0:
        entropy = np.random.SeedSequence().generate_state(2, np.uint64)
        return int(entropy[0]), int(entropy[1])
    return seed, seed2


class ShuffleDatasetValue(runtime.DatasetValue):
    """Elements of `input` drawn uniformly from a buffer of `buffer_size`, refilled from the
    input after each draw. With `reshuffle_each_iteration`, every new iterator over this
    dataset (each epoch under a later `repeat`) draws a different order."""

    def __init__(self, input, buffer_size: int, seed: int, seed2: int, reshuffle: bool):
        if buffer_size <= 0 and buffer_size != -1:
            raise errors.InvalidArgumentError(
                None, None, f"buffer_size must be greater than zero, got {buffer_size}."
            )
        self.input = input
        self.buffer_size = buffer_size
        self.seed, self.seed2 = _fresh_seeds(seed, seed2)
        self.reshuffle = reshuffle
        self._iterations = itertools.count()
        self._lock = threading.Lock()

    def make_iterator(self):
        with self._lock:
            iteration = next(self._iterations) if self.reshuffle else 0
        return _ShuffleIterator(self, iteration)

    def cardinality(self) -> int:
        return self.input.cardinality()


class _ShuffleIterator(runtime.RuntimeIterator):
    def __init__(self, dataset, iteration):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._rng = np.random.Generator(
            np.random.Philox(key=_philox_key(dataset.seed, dataset.seed2, iteration))
        )
        self._buffer: list = []
        self._end_of_input = False

    def _fill(self):
        limit = self._dataset.buffer_size
        while not self._end_of_input and (limit < 0 or len(self._buffer) < limit):
            try:
                self._buffer.append(next(self._input))
            except StopIteration:
                self._end_of_input = True

    def __next__(self):
        self._fill()
        if not self._buffer:
            raise StopIteration
        index = int(self._rng.integers(len(self._buffer)))
        element = self._buffer[index]
        self._buffer[index] = self._buffer[-1]
        self._buffer.pop()
        return element

    def get_state(self):
        return {
            "input": self._input.get_state(),
            "buffer": list(self._buffer),
            "end_of_input": self._end_of_input,
            "rng": self._rng.bit_generator.state,
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._buffer = list(state["buffer"])
        self._end_of_input = bool(state["end_of_input"])
        self._rng.bit_generator.state = state["rng"]

    def close(self):
        self._input.close()


def _shuffle_kernel(ctx, input_dataset, buffer_size, seed, seed2, reshuffle_each_iteration):
    return ShuffleDatasetValue(
        runtime.dataset_of(input_dataset),
        runtime.scalar(buffer_size, "buffer_size"),
        runtime.scalar(seed, "seed"),
        runtime.scalar(seed2, "seed2"),
        reshuffle_each_iteration,
    )


register_op(
    "ShuffleDataset",
    inputs=["input_dataset: variant", "buffer_size: int64", "seed: int64", "seed2: int64"],
    outputs=["handle: variant"],
    attrs=["reshuffle_each_iteration: bool = true"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_shuffle_kernel,
)


class RandomDatasetValue(runtime.DatasetValue):
    """Endless random int64 scalars."""

    def __init__(self, seed: int, seed2: int):
        self.seed, self.seed2 = _fresh_seeds(seed, seed2)

    def make_iterator(self):
        return _RandomIterator(self)

    def cardinality(self) -> int:
        return runtime.INFINITE


class _RandomIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._rng = np.random.Generator(
            np.random.Philox(key=_philox_key(dataset.seed, dataset.seed2, 0))
        )

    def __next__(self):
        return [np.asarray(self._rng.integers(-(1 << 63), (1 << 63) - 1, dtype=np.int64))]

    def get_state(self):
        return {"rng": self._rng.bit_generator.state}

    def set_state(self, state):
        self._rng.bit_generator.state = state["rng"]


def _random_kernel(ctx, seed, seed2):
    return RandomDatasetValue(runtime.scalar(seed, "seed"), runtime.scalar(seed2, "seed2"))


register_op(
    "RandomDataset",
    inputs=["seed: int64", "seed2: int64"],
    outputs=["handle: variant"],
    attrs=_ATTRS,
    shape=runtime.dataset_shape,
    kernel=_random_kernel,
    stateful=True,
)

for _name in ("ShuffleDataset", "RandomDataset"):
    registry.not_differentiable(_name, "a dataset")
