"""The seed's TensorBoard recipe (examples/seed_programs.py:visualized_training) runs unchanged
with `import ndflow as tf`: the event file holds the graph and one summary per step with the
fetched losses, which follow TensorFlow's mlp_adam trajectory, and the profiler's trace lands
where TensorBoard's profile plugin looks."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

import ndflow as tf
from examples import seed_programs
from tests.support import golden

STEPS = 20


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("seed_logdir")
    with tf.Graph().as_default():
        data = seed_programs.seed_data()
        inputs = {k: data[k] for k in ("features", "labels", "w1", "b1", "w2", "b2")}
        losses = seed_programs.visualized_training(tf, str(logdir), steps=STEPS, **inputs)
    (event_file,) = logdir.glob("events.out.tfevents.*")
    events = list(tf.train.summary_iterator(str(event_file)))
    return {"logdir": logdir, "losses": losses, "events": events}


def test_losses_follow_tensorflows_trajectory(run):
    expected, _ = golden.load("seed_training", "mlp_adam")
    np.testing.assert_allclose(run["losses"], expected["losses"][:STEPS], rtol=1e-5, atol=1e-6)


def test_event_file_holds_the_graph_and_a_summary_per_step(run):
    events = run["events"]
    assert events[0].file_version == "brain.Event:2"
    graph = tf.GraphDef.FromString(next(e.graph_def for e in events if e.graph_def))
    assert {"x", "y", "loss", "hidden/kernel"} <= {node.name for node in graph.node}
    summaries = [e for e in events if e.HasField("summary")]
    assert [e.step for e in summaries] == list(range(STEPS))
    for event, loss in zip(summaries, run["losses"]):
        values = {v.tag: v for v in event.summary.value}
        assert values["loss"].simple_value == np.float32(loss)
        # The tag is the summary's name scope, uniquified past the variable as in TF.
        assert values["hidden/kernel_1"].histo.num == 64


def test_profiler_trace_is_chrome_json_with_the_training_ops(run):
    (trace_file,) = run["logdir"].glob("plugins/profile/*/*.trace.json.gz")
    trace = json.loads(gzip.decompress(trace_file.read_bytes()))
    ops = {event["args"]["op"] for event in trace["traceEvents"] if event.get("ph") == "X"}
    assert {"MatMul", "ApplyAdam", "ScalarSummary", "HistogramSummary", "MergeSummary"} <= ops
