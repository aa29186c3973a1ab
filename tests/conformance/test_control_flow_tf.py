"""Functional control flow crosses over: ndflow's If/While graphs (with their function
library and gradients) run in TensorFlow, and TensorFlow's cond_v2/while_v2 graphs run in
ndflow (oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402

tf1 = tf_real.compat.v1
FEED = np.array([0.5, -1.5, 2.0], np.float32)


def _ndflow_graph():
    graph = nd.Graph()
    with graph.as_default():
        x = nd.placeholder(nd.float32, [3], name="x")
        y = nd.cond(nd.reduce_sum(x) > 0, lambda: x * x, lambda: -x)
        _, z = nd.while_loop(
            lambda i, acc: i < 3,
            lambda i, acc: (i + 1, nd.sin(acc) * x + y),
            [nd.constant(0), nd.zeros_like(x)],
        )
        ta = nd.TensorArray(nd.float32, size=3).unstack(z)
        total = nd.reduce_sum(ta.stack() * 2.0)
        (grad,) = nd.gradients(total, [x])
        nd.identity(z, name="z")
        nd.identity(grad, name="grad")
    return graph


def test_ndflow_control_flow_and_gradients_run_in_tensorflow():
    graph = _ndflow_graph()
    with nd.Session(graph=graph) as sess:
        expected = sess.run(["z:0", "grad:0"], {"x:0": FEED})
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = sess.run(["z:0", "grad:0"], {"x:0": FEED})
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_tensorflow_cond_and_while_graphs_run_in_ndflow():
    from tensorflow.python.ops import cond_v2
    from tensorflow.python.ops import while_v2

    with tf_real.Graph().as_default() as tf_graph:
        x = tf1.placeholder(tf_real.float32, [3], name="x")
        y = cond_v2.cond_v2(tf_real.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
        _, z = while_v2.while_loop(
            lambda i, acc: i < 4,
            lambda i, acc: (i + 1, acc + y),
            [tf_real.constant(0), tf_real.zeros_like(x)],
        )
        (grad,) = tf_real.gradients(tf_real.reduce_sum(z * z), [x])
        tf_real.identity(z, name="z")
        tf_real.identity(grad, name="grad")
    with tf1.Session(graph=tf_graph) as sess:
        expected = sess.run(["z:0", "grad:0"], {x: FEED})
    payload = tf_graph.as_graph_def().SerializeToString()
    with nd.Graph().as_default() as graph:
        nd.import_graph_def(nd.Graph().as_graph_def().__class__.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            got = sess.run(["z:0", "grad:0"], {"x:0": FEED})
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-5)
