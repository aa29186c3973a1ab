"""ndflow's traces read by TensorFlow: RunMetadata bytes parse as TF's RunMetadata, and TF's own
`tensorflow.python.client.timeline.Timeline` renders ndflow's StepStats with the same ops."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.profiler import timeline as nd_timeline  # noqa: E402
from tests.profiler import cnn  # noqa: E402


@pytest.fixture
def run_metadata():
    with nd.Graph().as_default():
        train, loss, feed = cnn.build()
        with nd.Session() as sess:
            sess.run(nd.global_variables_initializer())
            metadata = nd.RunMetadata()
            options = nd.RunOptions(
                trace_level=nd.RunOptions.FULL_TRACE, output_partition_graphs=True
            )
            sess.run([train, loss], feed, options=options, run_metadata=metadata)
    return metadata


def _op_events(trace_text: str) -> list:
    events = json.loads(trace_text)["traceEvents"]
    return sorted((e["name"], e["args"]["name"]) for e in events if e["ph"] == "X")


def test_tf_run_metadata_parses_ndflow_bytes(run_metadata):
    parsed = tf_real.compat.v1.RunMetadata.FromString(run_metadata.SerializeToString())
    ours = run_metadata.step_stats.dev_stats[0].node_stats
    theirs = parsed.step_stats.dev_stats[0].node_stats
    assert [s.node_name for s in theirs] == [s.node_name for s in ours]
    assert [s.timeline_label for s in theirs] == [s.timeline_label for s in ours]
    conv = [s for s in theirs if s.timeline_label.endswith("Conv2D(x, conv1/kernel/read)")]
    assert conv and conv[0].output[0].tensor_description.dtype == tf_real.float32.as_datatype_enum
    (graph_def,) = parsed.partition_graphs
    with tf_real.Graph().as_default():
        tf_real.compat.v1.import_graph_def(graph_def, name="")


def test_tf_timeline_renders_ndflow_step_stats_like_ndflow(run_metadata):
    from tensorflow.core.framework import step_stats_pb2
    from tensorflow.python.client import timeline as tf_timeline

    step_stats = step_stats_pb2.StepStats.FromString(run_metadata.step_stats.SerializeToString())
    theirs = tf_timeline.Timeline(step_stats).generate_chrome_trace_format(show_memory=True)
    ours = nd_timeline.Timeline(run_metadata.step_stats).generate_chrome_trace_format(
        show_memory=True
    )
    assert _op_events(theirs) == _op_events(ours)
    assert len(_op_events(ours)) == len(run_metadata.step_stats.dev_stats[0].node_stats)
    flows = [
        {(e["ph"], e["name"], e["id"]) for e in json.loads(text)["traceEvents"] if e["ph"] in "st"}
        for text in (theirs, ours)
    ]
    assert flows[0] == flows[1]
