"""Tests for ndflow/serving/batching.py: TF Serving's BatchingSession semantics."""

from __future__ import annotations

import threading
from concurrent import futures

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import errors
from ndflow.proto import session_bundle_config_pb2
from ndflow.serving import batching
from ndflow.serving import metrics

# Long enough that a batch only closes by filling up, never by its timeout, in these tests.
_NEVER_MICROS = 60_000_000


def _params(**fields) -> session_bundle_config_pb2.BatchingParameters:
    params = session_bundle_config_pb2.BatchingParameters()
    for name, value in fields.items():
        if name == "allowed_batch_sizes":
            params.allowed_batch_sizes.extend(value)
        elif name == "pad_variable_length_inputs":
            params.pad_variable_length_inputs = value
        else:
            getattr(params, name).value = value
    return params


class _RecordingRun:
    """A run_fn that computes 2x+1 per output and records the batches it saw."""

    def __init__(self, release: threading.Event | None = None):
        self.batches: list[dict[str, np.ndarray]] = []
        self.started = threading.Event()
        self._release = release
        self._lock = threading.Lock()

    def __call__(self, feeds, fetches):
        with self._lock:
            self.batches.append(feeds)
        self.started.set()
        if self._release is not None:
            self._release.wait(10)
        return [feeds["x"] * 2 + 1 for _ in fetches]


@pytest.fixture
def make_scheduler():
    made = []

    def make(run_fn, **fields):
        scheduler = batching.BatchScheduler(_params(**fields), run_fn)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.stop()


def _run_concurrently(scheduler, requests):
    with futures.ThreadPoolExecutor(len(requests)) as pool:
        calls = [pool.submit(scheduler.run, feeds, ("y",)) for feeds in requests]
        return [call.result(timeout=30) for call in calls]


def test_concurrent_callers_are_merged_into_one_run_and_get_their_rows(make_scheduler):
    run = _RecordingRun()
    sizes = list(range(1, 9))
    scheduler = make_scheduler(
        run, max_batch_size=sum(sizes), batch_timeout_micros=_NEVER_MICROS, num_batch_threads=2
    )
    requests = [{"x": np.full((size, 3), float(size), np.float32)} for size in sizes]
    results = _run_concurrently(scheduler, requests)
    assert len(run.batches) == 1
    assert run.batches[0]["x"].shape == (sum(sizes), 3)
    for size, (output,) in zip(sizes, results):
        np.testing.assert_array_equal(output, np.full((size, 3), 2.0 * size + 1))


def test_many_concurrent_callers_each_get_exactly_their_rows(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=16, batch_timeout_micros=2000)
    rng = np.random.default_rng(0)
    requests = [{"x": rng.normal(size=(int(rng.integers(1, 5)), 2))} for _ in range(64)]
    results = _run_concurrently(scheduler, requests)
    for feeds, (output,) in zip(requests, results):
        np.testing.assert_array_equal(output, feeds["x"] * 2 + 1)
    assert sum(batch["x"].shape[0] for batch in run.batches) == sum(
        feeds["x"].shape[0] for feeds in requests
    )


def test_a_lone_task_runs_when_its_batch_times_out(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=100, batch_timeout_micros=20_000)
    (output,) = scheduler.run({"x": np.array([1.0, 2.0])}, ("y",))
    np.testing.assert_array_equal(output, [3.0, 5.0])
    assert len(run.batches) == 1


def test_with_timeout_zero_a_free_thread_runs_the_task_at_once(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=100, batch_timeout_micros=0)
    for value in range(3):
        (output,) = scheduler.run({"x": np.array([float(value)])}, ("y",))
        np.testing.assert_array_equal(output, [2.0 * value + 1])
    assert len(run.batches) == 3


def test_different_fetches_use_different_queues(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=2, batch_timeout_micros=20_000)
    with futures.ThreadPoolExecutor(2) as pool:
        one = pool.submit(scheduler.run, {"x": np.array([1.0])}, ("y",))
        two = pool.submit(scheduler.run, {"x": np.array([2.0])}, ("y", "z"))
        assert len(one.result(timeout=30)) == 1
        assert len(two.result(timeout=30)) == 2
    assert len(run.batches) == 2


def test_batch_is_padded_to_the_next_allowed_size_and_padding_is_dropped(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=8, allowed_batch_sizes=[2, 4, 8])
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (output,) = scheduler.run({"x": x}, ("y",))
    np.testing.assert_array_equal(output, x * 2 + 1)
    fed = run.batches[0]["x"]
    assert fed.shape == (4, 2)
    # TF Serving pads by repeating the first row of the last task.
    np.testing.assert_array_equal(fed[3], x[0])


def test_allowed_batch_sizes_must_end_at_max_batch_size():
    with pytest.raises(errors.InvalidArgumentError, match="last entry was 4; expected 8"):
        batching.BatchScheduler(
            _params(max_batch_size=8, allowed_batch_sizes=[2, 4]), _RecordingRun()
        )


def test_allowed_batch_sizes_must_increase():
    with pytest.raises(errors.InvalidArgumentError, match="monotonically increasing"):
        batching.BatchScheduler(
            _params(max_batch_size=8, allowed_batch_sizes=[4, 2, 8]), _RecordingRun()
        )


def test_defaults_follow_tf_serving():
    options = batching.batching_options(session_bundle_config_pb2.BatchingParameters())
    assert options.max_batch_size == 1000
    assert options.batch_timeout_seconds == 0
    assert options.max_enqueued_batches == 10
    assert options.num_batch_threads >= 1
    assert options.allowed_batch_sizes == ()
    assert not options.pad_variable_length_inputs


def test_variable_length_inputs_are_padded_with_each_tensors_first_element(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(
        run,
        max_batch_size=2,
        batch_timeout_micros=_NEVER_MICROS,
        pad_variable_length_inputs=True,
    )
    short = np.array([[7, 8]], np.int64)
    long = np.array([[1, 2, 3]], np.int64)
    short_out, long_out = _run_concurrently(scheduler, [{"x": short}, {"x": long}])
    fed = run.batches[0]["x"]
    assert fed.shape == (2, 3)
    assert sorted(map(tuple, fed.tolist())) == [(1, 2, 3), (7, 8, 7)]
    np.testing.assert_array_equal(short_out[0], [[15, 17, 15]])
    np.testing.assert_array_equal(long_out[0], [[3, 5, 7]])


def test_different_inner_shapes_without_padding_fail_every_task(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(run, max_batch_size=2, batch_timeout_micros=_NEVER_MICROS)
    with futures.ThreadPoolExecutor(2) as pool:
        calls = [
            pool.submit(scheduler.run, {"x": np.zeros((1, width))}, ("y",)) for width in (2, 3)
        ]
        for call in calls:
            with pytest.raises(errors.FailedPreconditionError, match="padding is turned off"):
                call.result(timeout=30)
    assert run.batches == []


def test_task_larger_than_max_batch_size_is_invalid(make_scheduler):
    scheduler = make_scheduler(_RecordingRun(), max_batch_size=4)
    with pytest.raises(
        errors.InvalidArgumentError, match="Task size 5 is larger than maximum batch size 4"
    ):
        scheduler.run({"x": np.zeros(5)}, ("y",))


def test_large_batch_splitting_splits_a_task_and_joins_its_outputs(make_scheduler):
    run = _RecordingRun()
    scheduler = make_scheduler(
        run,
        max_batch_size=10,
        enable_large_batch_splitting=True,
        max_execution_batch_size=2,
        num_batch_threads=1,
    )
    x = np.arange(5.0)
    (output,) = scheduler.run({"x": x}, ("y",))
    np.testing.assert_array_equal(output, x * 2 + 1)
    assert sorted(batch["x"].shape[0] for batch in run.batches) == [1, 2, 2]
    with pytest.raises(errors.InvalidArgumentError, match="maximum input batch size 10"):
        scheduler.run({"x": np.zeros(11)}, ("y",))


def test_full_queue_fails_fast_with_unavailable(make_scheduler):
    release = threading.Event()
    run = _RecordingRun(release)
    scheduler = make_scheduler(run, max_batch_size=1, max_enqueued_batches=1, num_batch_threads=1)
    with futures.ThreadPoolExecutor(3) as pool:
        first = pool.submit(scheduler.run, {"x": np.array([1.0])}, ("y",))
        assert run.started.wait(10)
        # The batch thread is busy: one more batch fits in the queue, the next does not.
        waiting = [pool.submit(scheduler.run, {"x": np.array([v])}, ("y",)) for v in (2.0, 3.0)]
        done, _ = futures.wait(waiting, timeout=10, return_when=futures.FIRST_COMPLETED)
        release.set()
        assert len(done) == 1
        with pytest.raises(errors.UnavailableError, match="queue .* is full"):
            done.pop().result()
        assert first.result(timeout=10)[0].tolist() == [3.0]
        assert sum(1 for call in waiting if call.exception() is None) == 1


def test_split_task_needing_more_batches_than_the_queue_holds_is_unavailable(make_scheduler):
    scheduler = make_scheduler(
        _RecordingRun(),
        max_batch_size=4,
        enable_large_batch_splitting=True,
        max_execution_batch_size=1,
        max_enqueued_batches=3,
    )
    with pytest.raises(errors.UnavailableError):
        scheduler.run({"x": np.zeros(4)}, ("y",))


def test_output_not_batched_along_dim_0_is_invalid(make_scheduler):
    scheduler = make_scheduler(lambda feeds, fetches: [np.zeros(3)], max_batch_size=8)
    with pytest.raises(errors.InvalidArgumentError, match="Batched output tensor's 0th dimension"):
        scheduler.run({"x": np.zeros(2)}, ("y",))


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ({}, "at least one input tensor"),
        ({"x": np.float32(1.0)}, "at least one dimension"),
        ({"x": np.zeros(2), "z": np.zeros(3)}, "equal 0th-dimension size"),
    ],
)
def test_inputs_without_a_common_batch_dim_are_invalid(make_scheduler, feeds, message):
    scheduler = make_scheduler(_RecordingRun(), max_batch_size=8)
    with pytest.raises(errors.InvalidArgumentError, match=message):
        scheduler.run(feeds, ("y",))


def test_run_fn_error_reaches_every_task_of_the_batch(make_scheduler):
    def failing(feeds, fetches):
        raise errors.InvalidArgumentError(None, None, "bad value in batch")

    scheduler = make_scheduler(failing, max_batch_size=2, batch_timeout_micros=_NEVER_MICROS)
    with futures.ThreadPoolExecutor(2) as pool:
        calls = [pool.submit(scheduler.run, {"x": np.zeros(1)}, ("y",)) for _ in range(2)]
        for call in calls:
            with pytest.raises(errors.InvalidArgumentError, match="bad value in batch"):
                call.result(timeout=30)


def test_stop_finishes_queued_tasks_then_refuses_new_ones():
    run = _RecordingRun()
    scheduler = batching.BatchScheduler(
        _params(max_batch_size=4, batch_timeout_micros=_NEVER_MICROS), run
    )
    with futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(scheduler.run, {"x": np.array([1.0])}, ("y",))
        while not scheduler._queues:  # the task is queued once its queue exists
            threading.Event().wait(0.001)
        scheduler.stop()
        assert pending.result(timeout=10)[0].tolist() == [3.0]
    with pytest.raises(errors.UnavailableError, match="stopped"):
        scheduler.run({"x": np.array([1.0])}, ("y",))


def test_batches_a_real_session_run(make_scheduler):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        tf.add(tf.multiply(x, 0.5), 2.0, name="y")
    session = tf.compat.v1.Session(graph=graph)

    def run_fn(feeds, fetches):
        return session.run([f"{name}:0" for name in fetches], feed_dict=feeds)

    scheduler = make_scheduler(run_fn, max_batch_size=3, batch_timeout_micros=_NEVER_MICROS)
    inputs = [np.array([1.0], np.float32), np.array([2.0, 5.0], np.float32)]
    results = _run_concurrently(scheduler, [{"x:0": value} for value in inputs])
    assert [r[0].tolist() for r in results] == [[2.5], [3.0, 4.5]]


def test_scheduler_records_tf_serving_batching_metrics():
    serving_metrics = metrics.ServingMetrics()
    scheduler = batching.BatchScheduler(
        _params(max_batch_size=4, allowed_batch_sizes=[2, 4], thread_pool_name="pool"),
        _RecordingRun(),
        serving_metrics,
    )
    try:
        scheduler.run({"x": np.zeros(3)}, ("y",))
    finally:
        scheduler.stop()
    text = serving_metrics.render()[0].decode()
    prefix = ":tensorflow:serving:batching_session:"
    assert f"{prefix}wrapped_run_count{{}} 1\n" in text
    assert f'{prefix}processed_batch_size_bucket{{le="4"}} 1\n' in text
    assert f'{prefix}input_batch_size_bucket{{le="2"}} 0\n' in text
    assert f'{prefix}padding_size_count{{execution_batch_size="4"}} 1\n' in text
    assert f'{prefix}queuing_latency_count{{thread_pool_name="pool"}} 1\n' in text
