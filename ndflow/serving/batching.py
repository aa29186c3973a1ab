"""Request batching for one servable's Session: TF Serving's BasicBatchScheduler + BatchingSession.

Concurrent `run` calls with the same feed names and fetches go to one queue; batch threads
take whole batches from the queues (round robin), concatenate the tasks' inputs along dim 0,
pad to an allowed batch size, make one `run_fn` call and split the outputs back per task.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import threading
import time
from concurrent import futures

import numpy as np

from ndflow.framework import errors
from ndflow.proto import session_bundle_config_pb2

_DEFAULT_MAX_BATCH_SIZE = 1000
_DEFAULT_MAX_ENQUEUED_BATCHES = 10
_DEFAULT_THREAD_POOL_NAME = "batch_threads"


@dataclasses.dataclass(frozen=True)
class BatchingOptions:
    """BatchingParameters with TF Serving's defaults filled in (timeout in seconds)."""

    max_batch_size: int = _DEFAULT_MAX_BATCH_SIZE
    batch_timeout_seconds: float = 0.0
    max_enqueued_batches: int = _DEFAULT_MAX_ENQUEUED_BATCHES
    num_batch_threads: int = 1
    thread_pool_name: str = _DEFAULT_THREAD_POOL_NAME
    allowed_batch_sizes: tuple[int, ...] = ()
    pad_variable_length_inputs: bool = False
    enable_large_batch_splitting: bool = False
    max_execution_batch_size: int = _DEFAULT_MAX_BATCH_SIZE


def batching_options(
    params: session_bundle_config_pb2.BatchingParameters,
) -> BatchingOptions:
    """Reads `params` with TF Serving's defaults; raises InvalidArgumentError as a failed load."""

    def value(field: str, default):
        return getattr(params, field).value if params.HasField(field) else default

    max_batch_size = value("max_batch_size", _DEFAULT_MAX_BATCH_SIZE)
    splitting = value("enable_large_batch_splitting", False)
    max_execution = value("max_execution_batch_size", max_batch_size) if splitting else 0
    options = BatchingOptions(
        max_batch_size=max_batch_size,
        batch_timeout_seconds=value("batch_timeout_micros", 0) / 1e6,
        max_enqueued_batches=value("max_enqueued_batches", _DEFAULT_MAX_ENQUEUED_BATCHES),
        num_batch_threads=value("num_batch_threads", os.cpu_count() or 1),
        thread_pool_name=value("thread_pool_name", _DEFAULT_THREAD_POOL_NAME),
        allowed_batch_sizes=tuple(params.allowed_batch_sizes),
        pad_variable_length_inputs=params.pad_variable_length_inputs,
        enable_large_batch_splitting=splitting,
        max_execution_batch_size=max_execution or max_batch_size,
    )
    _check_options(options)
    return options


def _check_options(options: BatchingOptions) -> None:
    for name in ("max_batch_size", "max_enqueued_batches", "num_batch_threads"):
        if getattr(options, name) <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"{name} must be positive; was {getattr(options, name)}"
            )
    if options.batch_timeout_seconds < 0:
        raise errors.InvalidArgumentError(None, None, "batch_timeout_micros must be non-negative")
    allowed = options.allowed_batch_sizes
    if not allowed:
        return
    if any(later <= earlier for earlier, later in zip(allowed, allowed[1:])) or allowed[0] <= 0:
        raise errors.InvalidArgumentError(
            None, None, "allowed_batch_sizes entries must be positive and monotonically increasing"
        )
    if allowed[-1] != options.max_execution_batch_size:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Last entry in allowed_batch_sizes must match max_batch_size; last entry was "
            f"{allowed[-1]}; expected {options.max_execution_batch_size}",
        )


class _Task:
    """One `run` call (or one piece of a split call) waiting in a queue."""

    __slots__ = ("feeds", "size", "enqueued_at", "future")

    def __init__(self, feeds: dict[str, np.ndarray], size: int):
        self.feeds = feeds
        self.size = size
        self.enqueued_at = time.monotonic()
        self.future: futures.Future = futures.Future()


class _Batch:
    __slots__ = ("tasks", "size")

    def __init__(self):
        self.tasks: list[_Task] = []
        self.size = 0


class BatchScheduler:
    """Mirrors TF Serving's BatchingSession over a BasicBatchScheduler, for one Session.

    Args:
      params: a `BatchingParameters` proto (the --batching_parameters_file contents).
      run_fn: `run_fn(feeds, fetches) -> list[np.ndarray]`, one Session run.
      metrics: optional `metrics.ServingMetrics` that records the batching metrics.

    Raises:
      InvalidArgumentError: the parameters are invalid (TF Serving fails the load).
    """

    def __init__(self, params, run_fn, metrics=None):
        self._options = batching_options(params)
        self._run_fn = run_fn
        self._metrics = metrics
        self._work = threading.Condition(threading.Lock())
        # One queue of batches per (feed names, fetches) signature; the last batch is the open one.
        self._queues: dict[tuple, collections.deque] = {}
        self._stopped = False
        self._threads = [
            threading.Thread(
                target=self._serve_batches,
                name=f"{self._options.thread_pool_name}_{index}",
                daemon=True,
            )
            for index in range(self._options.num_batch_threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def options(self) -> BatchingOptions:
        return self._options

    def run(self, feeds: dict[str, np.ndarray], fetches) -> list[np.ndarray]:
        """Runs `fetches` for `feeds` as part of a batch; blocks until this call's rows are back.

        Raises:
          InvalidArgumentError: inputs without a common dim 0, or a task over max_batch_size.
          UnavailableError: the queue is full or the scheduler is stopped.
          FailedPreconditionError: tasks disagree on non-batch dims and padding is off.
        """
        fetches = tuple(fetches)
        feeds = {name: np.asarray(value) for name, value in feeds.items()}
        size = _task_size(feeds)
        if self._metrics is not None:
            self._metrics.record_wrapped_run()
        if size == 0:
            # Nothing to merge: an empty task would only complicate padding.
            return list(self._run_fn(feeds, fetches))
        pieces = self._pieces(feeds, size)
        tasks = self._enqueue((tuple(sorted(feeds)), fetches), pieces)
        results = [task.future.result() for task in tasks]
        if len(results) == 1:
            return results[0]
        return [np.concatenate(parts) for parts in zip(*results)]

    def stop(self) -> None:
        """Stops accepting tasks, finishes the queued ones, and joins the batch threads."""
        with self._work:
            self._stopped = True
            self._work.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()

    def _pieces(self, feeds: dict[str, np.ndarray], size: int) -> list[_Task]:
        options = self._options
        if size > options.max_batch_size:
            limit = (
                "maximum input batch size"
                if options.enable_large_batch_splitting
                else ("maximum batch size")
            )
            raise errors.InvalidArgumentError(
                None, None, f"Task size {size} is larger than {limit} {options.max_batch_size}"
            )
        step = options.max_execution_batch_size
        if size <= step:
            return [_Task(feeds, size)]
        starts = range(0, size, step)
        return [
            _Task(
                {name: value[start : start + step] for name, value in feeds.items()},
                min(step, size - start),
            )
            for start in starts
        ]

    def _enqueue(self, key: tuple, tasks: list[_Task]) -> list[_Task]:
        with self._work:
            if self._stopped:
                raise errors.UnavailableError(None, None, "Batch scheduler is stopped")
            queue = self._queues.get(key, collections.deque())
            if _batches_needed(queue, tasks, self._options) > self._options.max_enqueued_batches:
                raise errors.UnavailableError(
                    None,
                    None,
                    "The batch scheduling queue to which this task was submitted is full",
                )
            for task in tasks:
                self._add_task(queue, task)
            self._queues[key] = queue
            self._work.notify()
        return tasks

    def _add_task(self, queue: collections.deque, task: _Task) -> None:
        limit = self._options.max_execution_batch_size
        if not queue or queue[-1].size + task.size > limit:
            queue.append(_Batch())
        queue[-1].tasks.append(task)
        queue[-1].size += task.size

    def _serve_batches(self) -> None:
        while True:
            with self._work:
                taken = self._wait_for_batch()
            if taken is None:
                return
            self._process(*taken)

    def _wait_for_batch(self):
        """Blocks (lock held by the caller) until a batch is ready; None once stopped and empty."""
        while True:
            taken, wait_seconds = self._take_ready_batch(time.monotonic())
            if taken is not None:
                return taken
            if self._stopped and not self._queues:
                return None
            self._work.wait(wait_seconds)

    def _take_ready_batch(self, now: float):
        """Pops the first ready batch, round robin over queues, or says how long to wait."""
        wait_seconds = None
        for key in list(self._queues):
            queue = self._queues[key]
            batch = queue[0]
            deadline = batch.tasks[0].enqueued_at + self._options.batch_timeout_seconds
            closed = len(queue) > 1 or batch.size >= self._options.max_execution_batch_size
            if closed or self._stopped or now >= deadline:
                queue.popleft()
                # Move this queue to the back of the dict: the next search starts elsewhere.
                del self._queues[key]
                if queue:
                    self._queues[key] = queue
                return (key, batch), None
            remaining = deadline - now
            wait_seconds = remaining if wait_seconds is None else min(wait_seconds, remaining)
        return None, wait_seconds

    def _process(self, key: tuple, batch: _Batch) -> None:
        started = time.monotonic()
        if self._metrics is not None:
            waits = [started - task.enqueued_at for task in batch.tasks]
            self._metrics.record_batch_queue_waits(self._options.thread_pool_name, waits)
        try:
            outputs = self._run_batch(key, batch)
        except Exception as error:  # noqa: BLE001 - the error belongs to every caller in the batch
            for task in batch.tasks:
                task.future.set_exception(error)
            return
        for task, task_outputs in zip(batch.tasks, outputs):
            task.future.set_result(task_outputs)

    def _run_batch(self, key: tuple, batch: _Batch) -> list[list[np.ndarray]]:
        feed_names, fetches = key
        padded_size = _padded_size(batch.size, self._options.allowed_batch_sizes)
        feeds = {
            name: self._merge_input(name, [task.feeds[name] for task in batch.tasks])
            for name in feed_names
        }
        pad_rows = padded_size - batch.size
        if pad_rows:
            feeds = {
                name: _pad_rows(value, pad_rows, batch.tasks[-1].feeds[name])
                for name, value in feeds.items()
            }
        if self._metrics is not None:
            self._metrics.record_batch(batch.size, padded_size)
        outputs = self._run_fn(feeds, fetches)
        return _split_outputs(outputs, [task.size for task in batch.tasks], padded_size)

    def _merge_input(self, name: str, tensors: list[np.ndarray]) -> np.ndarray:
        inner_shapes = {tensor.shape[1:] for tensor in tensors}
        if len(inner_shapes) == 1:
            return np.concatenate(tensors) if len(tensors) > 1 else tensors[0]
        if not self._options.pad_variable_length_inputs:
            raise errors.FailedPreconditionError(
                None,
                None,
                f"Tensors with name '{name}' from different tasks have different shapes and "
                "padding is turned off. Set pad_variable_length_inputs to true, or ensure that "
                "all tensors with the same name have equal dimensions starting with the first "
                "dim.",
            )
        return np.concatenate(_pad_to_common_shape(name, tensors))


def _batches_needed(queue: collections.deque, tasks: list[_Task], options) -> int:
    """How many batches `queue` holds after adding `tasks` (the capacity check)."""
    count = len(queue)
    open_size = queue[-1].size if queue else options.max_execution_batch_size
    for task in tasks:
        if open_size + task.size > options.max_execution_batch_size:
            count += 1
            open_size = 0
        open_size += task.size
    return count


def _task_size(feeds: dict[str, np.ndarray]) -> int:
    if not feeds:
        raise errors.InvalidArgumentError(
            None, None, "Batching session Run() must have at least one input tensor"
        )
    sizes = set()
    for name, value in feeds.items():
        if value.ndim == 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Batching Run() input tensors must have at least one dimension; '{name}' is a "
                "scalar",
            )
        sizes.add(value.shape[0])
    if len(sizes) > 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Batching Run() input tensors must have equal 0th-dimension size; got {sorted(sizes)}",
        )
    return sizes.pop()


def _padded_size(size: int, allowed: tuple[int, ...]) -> int:
    for allowed_size in allowed:
        if allowed_size >= size:
            return allowed_size
    return size


def _pad_rows(value: np.ndarray, rows: int, last_task_value: np.ndarray) -> np.ndarray:
    """Pads dim 0 by repeating the first row of the last task, as TF Serving does."""
    filler = np.repeat(last_task_value[:1], rows, axis=0)
    if filler.shape[1:] != value.shape[1:]:
        # The last task was padded in dims > 0 too: take its row from the merged tensor.
        start = value.shape[0] - last_task_value.shape[0]
        filler = np.repeat(value[start : start + 1], rows, axis=0)
    return np.concatenate([value, filler])


def _pad_to_common_shape(name: str, tensors: list[np.ndarray]) -> list[np.ndarray]:
    """Pads dims > 0 of each tensor to the max over tasks, with the tensor's first element."""
    ranks = {tensor.ndim for tensor in tensors}
    if len(ranks) > 1:
        raise errors.FailedPreconditionError(
            None, None, f"Tensors with name '{name}' from different tasks have different ranks"
        )
    target = np.max([tensor.shape for tensor in tensors], axis=0)
    padded = []
    for tensor in tensors:
        widths = [(0, 0)] + [
            (0, int(want - have)) for want, have in zip(target[1:], tensor.shape[1:])
        ]
        if tensor.size == 0:
            raise errors.FailedPreconditionError(
                None, None, f"Cannot pad empty tensor '{name}' for variable-length batching"
            )
        padded.append(np.pad(tensor, widths, mode="constant", constant_values=tensor.flat[0]))
    return padded


def _split_outputs(outputs, sizes: list[int], padded_size: int) -> list[list[np.ndarray]]:
    """Slices each batched output back into per-task outputs, dropping padded rows."""
    outputs = [np.asarray(output) for output in outputs]
    for output in outputs:
        if output.ndim == 0 or output.shape[0] != padded_size:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Batched output tensor's 0th dimension does not equal the sum of the 0th "
                f"dimension sizes of the input tensors; output shape {list(output.shape)}, "
                f"batch size {padded_size}",
            )
    offsets = np.cumsum([0, *sizes])
    return [
        [output[start:stop] for output in outputs] for start, stop in zip(offsets[:-1], offsets[1:])
    ]
