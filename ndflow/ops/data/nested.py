"""Datasets of datasets: FlatMapDataset, InterleaveDataset, ParallelInterleaveDatasetV4 (a
traced function maps each element to a dataset), WindowDataset (elements become datasets)
and GroupByWindowDataset (windows of equal keys reduced to datasets)."""

from __future__ import annotations

import collections
import concurrent.futures

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.ops.data import mapping
from ndflow.ops.data import runtime

register_op = registry.register_op
_ATTRS = [
    "output_types: list(type) >= 1",
    "output_shapes: list(shape) >= 1",
    "metadata: string = ''",
]


class _Inner:
    """One open inner dataset: the input element it came from and its iterator."""

    def __init__(self, function, element):
        self.element = element
        self.iterator = runtime.dataset_of(function(element)[0]).make_iterator()

    def state(self):
        return {"element": self.element, "iterator": self.iterator.get_state()}

    @classmethod
    def restore(cls, function, state):
        inner = cls(function, state["element"])
        inner.iterator.set_state(state["iterator"])
        return inner


# ---------------------------------------------------------------------- FlatMapDataset


class FlatMapDatasetValue(runtime.DatasetValue):
    def __init__(self, input, function):
        self.input = input
        self.function = function

    def make_iterator(self):
        return _FlatMapIterator(self)


class _FlatMapIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._function = dataset.function
        self._input = dataset.input.make_iterator()
        self._current: _Inner | None = None

    def __next__(self):
        while True:
            if self._current is None:
                self._current = _Inner(self._function, next(self._input))
            try:
                return next(self._current.iterator)
            except StopIteration:
                self._current.iterator.close()
                self._current = None

    def next_rows(self, count):
        # Runs of rows from the open inner dataset (TFRecordDataset's per-file readers).
        while True:
            if self._current is None:
                try:
                    element = next(self._input)
                except StopIteration:
                    return []
                self._current = _Inner(self._function, element)
            rows = self._current.iterator.next_rows(count)
            if rows is None or rows:
                return rows
            self._current.iterator.close()
            self._current = None

    def get_state(self):
        return {
            "input": self._input.get_state(),
            "current": None if self._current is None else self._current.state(),
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        current = state["current"]
        self._current = None if current is None else _Inner.restore(self._function, current)

    def close(self):
        if self._current is not None:
            self._current.iterator.close()
        self._input.close()


def _flat_map_kernel(ctx, input_dataset, other_arguments, f):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return FlatMapDatasetValue(runtime.dataset_of(input_dataset), caller)


register_op(
    "FlatMapDataset",
    inputs=["input_dataset: variant", "other_arguments: Targuments"],
    outputs=["handle: variant"],
    attrs=["f: func", "Targuments: list(type) >= 0"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_flat_map_kernel,
)


# ---------------------------------------------------------------------- Interleave


class InterleaveDatasetValue(runtime.DatasetValue):
    """Up to `cycle_length` inner datasets open at once, `block_length` elements from each in
    turn; `parallelism` > 0 computes the open ones' next blocks on a thread pool."""

    def __init__(
        self,
        input,
        function,
        cycle_length: int,
        block_length: int,
        parallelism: int = 0,
        deterministic: bool = True,
    ):
        if cycle_length <= 0:
            raise errors.InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        if block_length <= 0:
            raise errors.InvalidArgumentError(None, None, "block_length must be greater than zero.")
        self.input = input
        self.function = function
        self.cycle_length = cycle_length
        self.block_length = block_length
        self.parallelism = parallelism
        self.deterministic = deterministic

    def make_iterator(self):
        if self.parallelism > 0:
            return _ParallelInterleaveIterator(self)
        return _InterleaveIterator(self)


class _InterleaveIterator(runtime.RuntimeIterator):
    """TF's InterleaveDatasetOp order: an exhausted slot is refilled on its next turn."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._slots: list[_Inner | None] = [None] * dataset.cycle_length
        self._cycle_index = 0
        self._block_index = 0
        self._end_of_input = False

    def _advance_in_cycle(self):
        self._block_index = 0
        self._cycle_index = (self._cycle_index + 1) % self._dataset.cycle_length

    def _open_slot(self) -> bool:
        try:
            element = next(self._input)
        except StopIteration:
            self._end_of_input = True
            return False
        self._slots[self._cycle_index] = _Inner(self._dataset.function, element)
        return True

    def __next__(self):
        while not self._end_of_input or any(self._slots):
            slot = self._slots[self._cycle_index]
            if slot is None:
                if self._end_of_input or not self._open_slot():
                    self._advance_in_cycle()
                continue
            try:
                element = next(slot.iterator)
            except StopIteration:
                slot.iterator.close()
                self._slots[self._cycle_index] = None
                self._advance_in_cycle()
                continue
            self._block_index += 1
            if self._block_index == self._dataset.block_length:
                self._advance_in_cycle()
            return element
        raise StopIteration

    def get_state(self):
        return {
            "input": self._input.get_state(),
            "cycle_index": self._cycle_index,
            "block_index": self._block_index,
            "end_of_input": self._end_of_input,
            "slots": [None if s is None else s.state() for s in self._slots],
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._cycle_index = int(state["cycle_index"])
        self._block_index = int(state["block_index"])
        self._end_of_input = bool(state["end_of_input"])
        function = self._dataset.function
        self._slots = [None if s is None else _Inner.restore(function, s) for s in state["slots"]]

    def close(self):
        for slot in self._slots:
            if slot is not None:
                slot.iterator.close()
        self._input.close()


def _next_block(iterator, size):
    """Up to `size` elements of `iterator`, and whether it ended; errors come back as values
    so they surface at their place in the output order."""
    block = []
    try:
        for _ in range(size):
            block.append(next(iterator))
    except StopIteration:
        return block, True, None
    except Exception as error:  # noqa: BLE001 - delivered to the consumer in order
        return block, False, error
    return block, False, None


class _ParallelSlot:
    def __init__(self, inner, future):
        self.inner = inner
        self.future = future
        self.block: collections.deque = collections.deque()
        self.ended = False
        self.error = None


class _ParallelInterleaveIterator(runtime.RuntimeIterator):
    """The interleave order, with each open slot's next block fetched ahead on a pool.

    Deterministic mode yields exactly the sequential order. Otherwise a slot whose block is
    not ready yet is passed over for one that is.
    """

    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max(dataset.parallelism, 1), thread_name_prefix="ndflow-interleave"
        )
        self._slots: list[_ParallelSlot | None] = [None] * dataset.cycle_length
        self._cycle_index = 0
        self._end_of_input = False

    def _fetch(self, inner):
        return self._pool.submit(_next_block, inner.iterator, self._dataset.block_length)

    def _open(self, index) -> bool:
        try:
            element = next(self._input)
        except StopIteration:
            self._end_of_input = True
            return False
        inner = _Inner(self._dataset.function, element)
        self._slots[index] = _ParallelSlot(inner, self._fetch(inner))
        return True

    def _fill_slots(self):
        # In cycle order from the current slot: the order the sequential form opens them.
        count = len(self._slots)
        for step in range(count):
            index = (self._cycle_index + step) % count
            if self._slots[index] is None and not self._end_of_input:
                self._open(index)

    def _ready(self, slot) -> bool:
        return bool(slot.block) or slot.future is None or slot.future.done()

    def _pick(self):
        """The slot index to read from: the current one, or (nondeterministic) a ready one."""
        if self._dataset.deterministic:
            return self._cycle_index
        count = len(self._slots)
        for step in range(count):
            index = (self._cycle_index + step) % count
            slot = self._slots[index]
            if slot is not None and self._ready(slot):
                return index
        return self._cycle_index

    def __next__(self):
        while True:
            self._fill_slots()
            if not any(self._slots):
                raise StopIteration
            index = self._pick()
            slot = self._slots[index]
            if slot is None:
                self._cycle_index = (index + 1) % len(self._slots)
                continue
            if not slot.block and slot.future is not None:
                block, slot.ended, slot.error = slot.future.result()
                slot.block.extend(block)
                slot.future = None
            if slot.block:
                element = slot.block.popleft()
                if not slot.block:
                    self._finish_block(index, slot)
                return element
            self._finish_block(index, slot)
            if slot.error is not None:
                error, slot.error = slot.error, None
                raise error

    def _finish_block(self, index, slot):
        """A block is used up: move to the next slot, refetch or retire this one."""
        self._cycle_index = (index + 1) % len(self._slots)
        if slot.error is not None:
            slot.future = None
            return
        if slot.ended:
            slot.inner.iterator.close()
            self._slots[index] = None
            return
        slot.future = self._fetch(slot.inner)

    def get_state(self):
        # Blocks in flight are awaited: the state is what the consumer has not yet seen.
        slots = []
        for slot in self._slots:
            if slot is None:
                slots.append(None)
                continue
            if slot.future is not None:
                block, slot.ended, slot.error = slot.future.result()
                slot.block.extend(block)
                slot.future = None
            slots.append(
                {"inner": slot.inner.state(), "block": list(slot.block), "ended": slot.ended}
            )
        return {
            "input": self._input.get_state(),
            "cycle_index": self._cycle_index,
            "end_of_input": self._end_of_input,
            "slots": slots,
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._cycle_index = int(state["cycle_index"])
        self._end_of_input = bool(state["end_of_input"])
        self._slots = [None if s is None else self._restore_slot(s) for s in state["slots"]]

    def _restore_slot(self, state):
        inner = _Inner.restore(self._dataset.function, state["inner"])
        slot = _ParallelSlot(inner, None)
        slot.block.extend(state["block"])
        slot.ended = bool(state["ended"])
        if not slot.block and not slot.ended:
            slot.future = self._fetch(inner)
        return slot

    def close(self):
        for slot in self._slots:
            if slot is not None and slot.future is not None:
                slot.future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for slot in self._slots:
            if slot is not None:
                slot.inner.iterator.close()
        self._input.close()


def _interleave_kernel(ctx, input_dataset, other_arguments, cycle_length, block_length, f):
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return InterleaveDatasetValue(
        runtime.dataset_of(input_dataset),
        caller,
        _cycle_length(cycle_length),
        runtime.scalar(block_length, "block_length"),
    )


def _cycle_length(value) -> int:
    # AUTOTUNE (-1) picks one slot per core, as TF does.
    return mapping.parallelism(runtime.scalar(value, "cycle_length"))


register_op(
    "InterleaveDataset",
    inputs=[
        "input_dataset: variant",
        "other_arguments: Targuments",
        "cycle_length: int64",
        "block_length: int64",
    ],
    outputs=["handle: variant"],
    attrs=["f: func", "Targuments: list(type) >= 0"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_interleave_kernel,
)


def _parallel_interleave_kernel(
    ctx,
    input_dataset,
    other_arguments,
    cycle_length,
    block_length,
    buffer_output_elements,
    prefetch_input_elements,
    num_parallel_calls,
    f,
    deterministic,
):
    del buffer_output_elements, prefetch_input_elements
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    cycle = _cycle_length(cycle_length)
    return InterleaveDatasetValue(
        runtime.dataset_of(input_dataset),
        caller,
        cycle,
        runtime.scalar(block_length, "block_length"),
        min(mapping.parallelism(num_parallel_calls), cycle),
        deterministic != "false",
    )


register_op(
    "ParallelInterleaveDatasetV4",
    inputs=[
        "input_dataset: variant",
        "other_arguments: Targuments",
        "cycle_length: int64",
        "block_length: int64",
        "buffer_output_elements: int64",
        "prefetch_input_elements: int64",
        "num_parallel_calls: int64",
    ],
    outputs=["handle: variant"],
    attrs=["f: func", "deterministic: string = 'default'", "Targuments: list(type) >= 0"] + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_parallel_interleave_kernel,
)


# ---------------------------------------------------------------------- WindowDataset


class WindowDatasetValue(runtime.DatasetValue):
    """Windows of `size` elements `stride` apart, starting every `shift` elements; each
    component of a window is a dataset of that component's values."""

    def __init__(self, input, size, shift, stride, drop_remainder):
        for name, value in (("size", size), ("shift", shift), ("stride", stride)):
            if value <= 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Window {name} must be greater than zero."
                )
        self.input = input
        self.size, self.shift, self.stride = size, shift, stride
        self.drop_remainder = drop_remainder

    def make_iterator(self):
        return _WindowIterator(self)


class _WindowIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._buffer: list = []  # elements from input position self._start on
        self._start = 0
        self._end_of_input = False

    def _read_until(self, count):
        while not self._end_of_input and len(self._buffer) < count:
            try:
                self._buffer.append(next(self._input))
            except StopIteration:
                self._end_of_input = True

    def __next__(self):
        data = self._dataset
        span = (data.size - 1) * data.stride + 1
        self._read_until(span)
        window = self._buffer[: span : data.stride]
        if not window or (data.drop_remainder and len(window) < data.size):
            raise StopIteration
        self._advance(data.shift)
        components = list(zip(*window))
        return [runtime.ListDatasetValue([[value] for value in values]) for values in components]

    def _advance(self, shift):
        self._read_until(shift)
        skipped = min(shift, len(self._buffer))
        del self._buffer[:skipped]
        self._start += shift
        # Past the end of input, an empty buffer ends the windows.

    def get_state(self):
        return {
            "input": self._input.get_state(),
            "buffer": list(self._buffer),
            "start": self._start,
            "end_of_input": self._end_of_input,
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._buffer = list(state["buffer"])
        self._start = int(state["start"])
        self._end_of_input = bool(state["end_of_input"])

    def close(self):
        self._input.close()


def _window_kernel(ctx, input_dataset, size, shift, stride, drop_remainder):
    return WindowDatasetValue(
        runtime.dataset_of(input_dataset),
        runtime.scalar(size, "size"),
        runtime.scalar(shift, "shift"),
        runtime.scalar(stride, "stride"),
        runtime.as_bool(drop_remainder),
    )


register_op(
    "WindowDataset",
    inputs=[
        "input_dataset: variant",
        "size: int64",
        "shift: int64",
        "stride: int64",
        "drop_remainder: bool",
    ],
    outputs=["handle: variant"],
    attrs=_ATTRS,
    shape=runtime.dataset_shape,
    kernel=_window_kernel,
)


# ---------------------------------------------------------------------- GroupByWindow


class GroupByWindowDatasetValue(runtime.DatasetValue):
    """Elements grouped by an int64 key; a group that reaches its window size (or any group
    at the end of input, in key order) is reduced to a dataset whose elements are output."""

    def __init__(self, input, key_fn, reduce_fn, window_size_fn):
        self.input = input
        self.key_fn = key_fn
        self.reduce_fn = reduce_fn
        self.window_size_fn = window_size_fn

    def make_iterator(self):
        return _GroupByWindowIterator(self)


class _GroupByWindowIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._input = dataset.input.make_iterator()
        self._groups: dict[int, list] = {}
        self._sizes: dict[int, int] = {}
        self._current = None
        self._end_of_input = False

    def __next__(self):
        while True:
            if self._current is not None:
                try:
                    return next(self._current)
                except StopIteration:
                    self._current.close()
                    self._current = None
            if self._end_of_input:
                if not self._groups:
                    raise StopIteration
                key = min(self._groups)
                self._start_reduce(key)
                continue
            self._consume_one()

    def _consume_one(self):
        try:
            element = next(self._input)
        except StopIteration:
            self._end_of_input = True
            return
        data = self._dataset
        key = runtime.call_scalar_int(data.key_fn, element, "Key function")
        if key not in self._groups:
            size = runtime.call_scalar_int(
                data.window_size_fn, [np.int64(key)], "Window size function"
            )
            if size <= 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Window size must be greater than zero, but got {size}."
                )
            self._groups[key] = []
            self._sizes[key] = size
        group = self._groups[key]
        group.append(element)
        if len(group) >= self._sizes[key]:
            self._start_reduce(key)

    def _start_reduce(self, key):
        elements = self._groups.pop(key)
        self._sizes.pop(key, None)
        self._current = self._reduce(key, elements)
        self._current_window = (key, elements)

    def _reduce(self, key, elements):
        window = runtime.ListDatasetValue(elements)
        result = self._dataset.reduce_fn([np.int64(key), window])[0]
        return runtime.dataset_of(result).make_iterator()

    def get_state(self):
        current = None
        if self._current is not None:
            key, elements = self._current_window
            current = {"key": key, "elements": elements, "state": self._current.get_state()}
        return {
            "input": self._input.get_state(),
            "end_of_input": self._end_of_input,
            "groups": {k: list(v) for k, v in self._groups.items()},
            "sizes": dict(self._sizes),
            "current": current,
        }

    def set_state(self, state):
        self._input.set_state(state["input"])
        self._end_of_input = bool(state["end_of_input"])
        self._groups = {int(k): list(v) for k, v in state["groups"].items()}
        self._sizes = {int(k): int(v) for k, v in state["sizes"].items()}
        current = state["current"]
        self._current = None
        if current is not None:
            self._current_window = (current["key"], current["elements"])
            self._current = self._reduce(current["key"], current["elements"])
            self._current.set_state(current["state"])

    def close(self):
        if self._current is not None:
            self._current.close()
        self._input.close()


def _group_by_window_kernel(
    ctx,
    input_dataset,
    key_func_other_arguments,
    reduce_func_other_arguments,
    window_size_func_other_arguments,
    key_func,
    reduce_func,
    window_size_func,
):
    return GroupByWindowDatasetValue(
        runtime.dataset_of(input_dataset),
        runtime.FunctionCaller(ctx, key_func, key_func_other_arguments),
        runtime.FunctionCaller(ctx, reduce_func, reduce_func_other_arguments),
        runtime.FunctionCaller(ctx, window_size_func, window_size_func_other_arguments),
    )


register_op(
    "GroupByWindowDataset",
    inputs=[
        "input_dataset: variant",
        "key_func_other_arguments: Tkey_func_other_arguments",
        "reduce_func_other_arguments: Treduce_func_other_arguments",
        "window_size_func_other_arguments: Twindow_size_func_other_arguments",
    ],
    outputs=["handle: variant"],
    attrs=[
        "key_func: func",
        "reduce_func: func",
        "window_size_func: func",
        "Tkey_func_other_arguments: list(type) >= 0",
        "Treduce_func_other_arguments: list(type) >= 0",
        "Twindow_size_func_other_arguments: list(type) >= 0",
    ]
    + _ATTRS,
    shape=runtime.dataset_shape,
    kernel=_group_by_window_kernel,
)

for _name in (
    "FlatMapDataset",
    "InterleaveDataset",
    "ParallelInterleaveDatasetV4",
    "WindowDataset",
    "GroupByWindowDataset",
):
    registry.not_differentiable(_name, "a dataset")
