"""Timeline: TF's Chrome-trace JSON from a traced run's StepStats."""

from __future__ import annotations

import json

import pytest

import ndflow as tf
from ndflow.client import timeline as client_timeline
from ndflow.profiler import timeline
from ndflow.proto import step_stats_pb2
from tests.profiler import cnn

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


@pytest.fixture
def cnn_step_stats():
    train, loss, feed = cnn.build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return cnn.traced_step(sess, train, loss, feed).step_stats


def _events(trace_text: str, phase: str) -> list:
    return [e for e in json.loads(trace_text)["traceEvents"] if e["ph"] == phase]


def test_cnn_training_step_gives_one_complete_event_per_executed_op(cnn_step_stats):
    trace = timeline.Timeline(cnn_step_stats).generate_chrome_trace_format()
    ops = _events(trace, "X")
    node_stats = cnn_step_stats.dev_stats[0].node_stats
    assert len(ops) == len(node_stats) > 20
    assert sorted(e["args"]["name"] for e in ops) == sorted(s.node_name for s in node_stats)
    names = {e["name"] for e in ops}
    assert {"Conv2D", "MaxPool", "MatMul", "SparseSoftmaxCrossEntropyWithLogits"} <= names
    assert {"Conv2DBackpropFilter", "ApplyGradientDescent"} <= names
    for event in ops:
        assert event["cat"] == "Op" and event["dur"] >= 0 and event["ts"] > 0
        assert event["args"]["op"] == event["name"]


def test_process_metadata_per_device(cnn_step_stats):
    trace = timeline.Timeline(cnn_step_stats).generate_chrome_trace_format()
    processes = [e["args"]["name"] for e in _events(trace, "M")]
    assert processes == ["Allocators", CPU + " Compute", CPU + " Tensors"]


def test_op_args_list_inputs():
    stats = step_stats_pb2.StepStats()
    device = stats.dev_stats.add(device=CPU)
    device.node_stats.add(
        node_name="a", all_start_micros=10, all_end_rel_micros=5, timeline_label="a = Const()"
    ).output.add(slot=0)
    device.node_stats.add(
        node_name="b", all_start_micros=12, all_end_rel_micros=5, timeline_label="b = Neg(a, ^c)"
    )
    trace = timeline.Timeline(stats).generate_chrome_trace_format()
    b_event = [e for e in _events(trace, "X") if e["args"]["name"] == "b"][0]
    assert b_event["args"] == {"name": "b", "op": "Neg", "input0": "a", "input1": "^c"}
    # b overlaps a, so it runs on another lane and a flow arrow joins them.
    assert b_event["tid"] == 1
    assert [e["name"] for e in _events(trace, "s")] == ["a"]
    assert [e["id"] for e in _events(trace, "t")] == [0]


def test_no_dataflow_and_memory_counters(cnn_step_stats):
    analysis = timeline.Timeline(cnn_step_stats).analyze_step_stats(
        show_dataflow=False, show_memory=True
    )
    text = analysis.chrome_trace.format_to_string()
    assert not _events(text, "s")
    counters = _events(text, "C")
    assert counters and all(set(e["args"]) == {"cpu"} for e in counters)
    assert analysis.allocator_maximums["cpu"].num_bytes > 0


def test_timeline_leaves_step_stats_untouched(cnn_step_stats):
    before = cnn_step_stats.SerializeToString()
    timeline.Timeline(cnn_step_stats).generate_chrome_trace_format(show_memory=True)
    assert cnn_step_stats.SerializeToString() == before


def test_client_module_is_tfs_path():
    assert client_timeline.Timeline is timeline.Timeline


def test_empty_step_stats_is_valid_trace():
    trace = json.loads(timeline.Timeline(step_stats_pb2.StepStats()).generate_chrome_trace_format())
    assert trace["traceEvents"] == [
        {"name": "process_name", "ph": "M", "pid": 0, "args": {"name": "Allocators"}}
    ]
