"""Traced runs: RunOptions.trace_level fills RunMetadata.step_stats, output_partition_graphs
fills partition_graphs, untraced runs leave RunMetadata empty, run observers see every run."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.proto import types_pb2
from ndflow.runtime import session as session_lib

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _full_trace(**kwargs):
    return tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, **kwargs)


def _matmul_graph():
    a = tf.placeholder(tf.float32, [200, 300], name="a")
    b = tf.constant(np.ones([300, 100], np.float32), name="b")
    gate = tf.identity(a, name="gate")
    with tf.control_dependencies([gate]):
        m = tf.matmul(a, b, name="MatMul")
    total = tf.reduce_sum(tf.nn.relu(m, name="Relu"), name="Sum")
    return a, total


def _traced_run(fetch, feed, options=None):
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        value = sess.run(fetch, feed, options=options or _full_trace(), run_metadata=metadata)
    return value, metadata


def _node_stats(metadata):
    (device,) = metadata.step_stats.dev_stats
    assert device.device == CPU
    return {stats.node_name: stats for stats in device.node_stats}


def test_full_trace_records_one_node_stats_per_executed_kernel():
    a, total = _matmul_graph()
    value, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)})
    assert value == 200 * 100 * 300
    stats = _node_stats(metadata)
    assert set(stats) == {"gate", "MatMul", "Relu", "Sum"}
    assert len(metadata.step_stats.dev_stats[0].node_stats) == 4


def test_times_are_monotone_and_non_negative():
    a, total = _matmul_graph()
    _, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)})
    previous_end = 0
    for stats in metadata.step_stats.dev_stats[0].node_stats:
        assert stats.all_start_micros > 1_500_000_000 * 10**6  # wall clock, not a counter
        assert 0 <= stats.op_start_rel_nanos <= stats.op_end_rel_nanos <= stats.all_end_rel_nanos
        assert 0 <= stats.op_start_rel_micros <= stats.op_end_rel_micros
        assert stats.op_end_rel_micros <= stats.all_end_rel_micros
        assert stats.all_start_nanos // 1000 == stats.all_start_micros
        assert stats.all_start_nanos >= previous_end
        previous_end = stats.all_start_nanos + stats.all_end_rel_nanos
        assert stats.thread_id > 0


def test_timeline_labels_are_tfs():
    a, total = _matmul_graph()
    _, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)})
    stats = _node_stats(metadata)
    assert stats["MatMul"].timeline_label == "MatMul = MatMul(a, b, ^gate)"
    assert stats["Sum"].timeline_label.endswith("Sum = Sum(Relu, Const)")
    # TF prefixes the label with the allocations of 0.1 MB or more: 200*300*4 bytes here.
    assert stats["gate"].timeline_label in (
        "gate = Identity(a)",
        "[cpu 0.2MB 0.2MB] gate = Identity(a)",
    )


def test_outputs_describe_dtype_shape_and_bytes():
    a, total = _matmul_graph()
    _, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)})
    stats = _node_stats(metadata)
    (output,) = stats["MatMul"].output
    assert output.slot == 0
    description = output.tensor_description
    assert description.dtype == types_pb2.DT_FLOAT
    assert [d.size for d in description.shape.dim] == [200, 100]
    assert description.allocation_description.requested_bytes == 200 * 100 * 4
    assert description.allocation_description.allocator_name == "cpu"
    (memory,) = stats["MatMul"].memory
    assert memory.allocator_name == "cpu" and memory.total_bytes == 200 * 100 * 4
    (sum_output,) = stats["Sum"].output
    assert list(sum_output.tensor_description.shape.dim) == []
    assert sum_output.tensor_description.allocation_description.requested_bytes == 4


def test_multi_output_kernel_reports_each_slot():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    p = tf.placeholder(tf.float32, [2, 3])
    parts = tf.split(x + p, [1, 2], axis=1, name="split")
    _, metadata = _traced_run(parts, {p: np.zeros([2, 3], np.float32)})
    outputs = _node_stats(metadata)["split"].output
    assert [o.slot for o in outputs] == [0, 1]
    assert [[d.size for d in o.tensor_description.shape.dim] for o in outputs] == [[2, 1], [2, 2]]


@pytest.mark.parametrize("level", ["SOFTWARE_TRACE", "HARDWARE_TRACE", "FULL_TRACE"])
def test_every_trace_level_traces_on_cpu(level):
    a, total = _matmul_graph()
    options = tf.RunOptions(trace_level=getattr(tf.RunOptions, level))
    _, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)}, options)
    assert len(metadata.step_stats.dev_stats[0].node_stats) == 4


def test_untraced_runs_leave_run_metadata_empty():
    a, total = _matmul_graph()
    feed = {a: np.ones([200, 300], np.float32)}
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(total, feed, options=_full_trace(), run_metadata=metadata)
        assert metadata.step_stats.dev_stats
        sess.run(total, feed, run_metadata=metadata)
        assert metadata.ByteSize() == 0
        sess.run(total, feed, options=tf.RunOptions(), run_metadata=metadata)
        assert metadata.ByteSize() == 0


def test_partition_graphs_hold_the_pruned_graph_with_devices():
    a, total = _matmul_graph()
    tf.constant(1.0, name="unused")
    options = tf.RunOptions(output_partition_graphs=True)
    _, metadata = _traced_run(total, {a: np.ones([200, 300], np.float32)}, options)
    assert not metadata.step_stats.dev_stats
    (graph_def,) = metadata.partition_graphs
    names = {node.name for node in graph_def.node}
    assert {"a", "b", "gate", "MatMul", "Relu", "Sum"} <= names
    assert "unused" not in names
    assert all(node.device == CPU for node in graph_def.node)
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")


def test_make_callable_accepts_options_and_run_metadata():
    a, total = _matmul_graph()
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        call = sess.make_callable(total, [a], accept_options=True)
        call(np.ones([200, 300], np.float32), options=_full_trace(), run_metadata=metadata)
    assert {s.node_name for s in metadata.step_stats.dev_stats[0].node_stats} >= {"MatMul"}


def test_function_bodies_are_recorded_under_the_calling_node():
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.cond(x > 0, lambda: x * 2.0, lambda: x - 1.0, name="cond")
    value, metadata = _traced_run(y, {x: 3.0})
    assert value == 6.0
    stats = _node_stats(metadata)
    assert "cond" in stats
    assert any(
        name.startswith("cond/") and stats[name].timeline_label.find("Mul(") > 0 for name in stats
    )


def test_trace_does_not_change_results_of_a_training_step():
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [8, 4])
    w = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    batch = rng.standard_normal((8, 4)).astype(np.float32)
    results = []
    for options in (None, _full_trace()):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: batch}, options=options, run_metadata=tf.RunMetadata())
            results.append(sess.run(w))
    np.testing.assert_array_equal(results[0], results[1])


def test_run_observer_traces_every_run_until_removed():
    a, total = _matmul_graph()
    seen = []
    session_lib.add_run_observer(seen.append)
    try:
        with tf.Session() as sess:
            sess.run(total, {a: np.ones([200, 300], np.float32)})
            metadata = tf.RunMetadata()
            sess.run(total, {a: np.ones([200, 300], np.float32)}, run_metadata=metadata)
    finally:
        session_lib.remove_run_observer(seen.append)
    assert len(seen) == 2
    assert len(seen[0].dev_stats[0].node_stats) == 4
    # The observer does not make the run fill a RunMetadata its options did not ask for.
    assert metadata.ByteSize() == 0
    assert session_lib._run_observers == ()


def test_failed_traced_run_raises_tf_error():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 2], name="bad_reshape")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(
            y, {x: np.ones(3, np.float32)}, options=_full_trace(), run_metadata=tf.RunMetadata()
        )
