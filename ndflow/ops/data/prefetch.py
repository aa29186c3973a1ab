"""PrefetchDataset: a background thread keeps up to `buffer_size` elements ready.

Errors raised while producing an element are delivered in its place, and production goes
on after them, so `ignore_errors()` downstream still sees the elements that follow.
"""

from __future__ import annotations

import collections
import os
import threading

from ndflow.framework import registry
from ndflow.ops.data import runtime

register_op = registry.register_op

_END = object()


class PrefetchDatasetValue(runtime.DatasetValue):
    def __init__(self, input, buffer_size: int):
        self.input = input
        # AUTOTUNE (-1): enough to keep one element per core in flight.
        self.buffer_size = buffer_size if buffer_size >= 0 else max(os.cpu_count() or 1, 2)

    def make_iterator(self):
        if self.buffer_size == 0:
            return self.input.make_iterator()
        return _PrefetchIterator(self)

    def cardinality(self) -> int:
        return self.input.cardinality()


class _Failure:
    def __init__(self, error):
        self.error = error


class _PrefetchIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._input = dataset.input.make_iterator()
        self._limit = dataset.buffer_size
        self._buffer: collections.deque = collections.deque()
        self._cond = threading.Condition()
        # Held while the producer advances the input, so get_state sees a consistent input.
        self._producing = threading.Lock()
        self._closed = False
        self._thread = None

    def _start(self):
        self._thread = threading.Thread(target=self._produce, name="ndflow-prefetch", daemon=True)
        self._thread.start()

    def _produce(self):
        while True:
            with self._cond:
                while len(self._buffer) >= self._limit and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
            with self._producing:
                item = self._next_input()
            with self._cond:
                self._buffer.append(item)
                self._cond.notify_all()
            if item is _END:
                return

    def _next_input(self):
        try:
            return next(self._input)
        except StopIteration:
            return _END
        except Exception as error:  # noqa: BLE001 - delivered to the consumer in order
            return _Failure(error)

    def __next__(self):
        if self._thread is None:
            self._start()
        with self._cond:
            while not self._buffer:
                self._cond.wait()
            item = self._buffer[0]
            if item is _END:
                raise StopIteration
            self._buffer.popleft()
            self._cond.notify_all()
        if isinstance(item, _Failure):
            raise item.error
        return item

    def get_state(self):
        with self._producing, self._cond:
            buffered = [
                item for item in self._buffer if item is not _END and not isinstance(item, _Failure)
            ]
            return {
                "input": self._input.get_state(),
                "buffer": buffered,
                "ended": any(item is _END for item in self._buffer),
            }

    def set_state(self, state):
        with self._producing, self._cond:
            self._input.set_state(state["input"])
            self._buffer = collections.deque(state["buffer"])
            if state["ended"]:
                self._buffer.append(_END)
            if self._thread is not None and not self._thread.is_alive():
                self._thread = None

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
        self._input.close()


def _prefetch_kernel(ctx, input_dataset, buffer_size):
    return PrefetchDatasetValue(
        runtime.dataset_of(input_dataset), runtime.scalar(buffer_size, "buffer_size")
    )


register_op(
    "PrefetchDataset",
    inputs=["input_dataset: variant", "buffer_size: int64"],
    outputs=["handle: variant"],
    attrs=[
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "slack_period: int = 0",
        "legacy_autotune: bool = true",
        "buffer_size_min: int = 0",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_prefetch_kernel,
)
registry.not_differentiable("PrefetchDataset", "a dataset")
