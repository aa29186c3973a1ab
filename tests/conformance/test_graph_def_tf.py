"""GraphDefs written by ndflow load and run in real TensorFlow with the same results, and
TensorFlow's load and run in ndflow (oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402

tf1 = tf_real.compat.v1


def _ndflow_graph():
    graph = nd.Graph()
    with graph.as_default():
        x = nd.placeholder(nd.float32, shape=[None, 3], name="x")
        w = nd.constant(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        v = nd.Variable([0.5, -0.5], name="v")
        y = nd.add(nd.matmul(x, w), v, name="y")
        z = nd.reduce_sum(nd.nn.relu(y) * 2.0 - 1.0, axis=1, name="z")
        words = nd.strings.join(
            [nd.constant("a"), nd.constant(["b", "c"])], separator="+", name="words"
        )
        with nd.control_dependencies([z]):
            nd.no_op(name="after")
    return graph, {"x": x, "y": y, "z": z, "words": words, "init": v.initializer}


def _ndflow_results(graph, tensors, feed):
    with nd.Session(graph=graph) as sess:
        sess.run(tensors["init"])
        return sess.run([tensors["y"], tensors["z"], tensors["words"]], {tensors["x"]: feed})


def test_ndflow_graph_def_parses_imports_and_runs_in_tensorflow():
    graph, tensors = _ndflow_graph()
    payload = graph.as_graph_def().SerializeToString()
    feed = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    expected = _ndflow_results(graph, tensors, feed)

    graph_def = tf1.GraphDef.FromString(payload)
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            sess.run("v/Assign")
            got = sess.run(["y:0", "z:0", "words:0"], {"x:0": feed})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6)
    assert got[2].tolist() == expected[2].tolist()


def test_tensorflow_graph_def_imports_and_runs_in_ndflow():
    with tf_real.Graph().as_default() as tf_graph:
        x = tf1.placeholder(tf_real.float32, [None, 2], name="x")
        y = tf_real.nn.softmax(
            tf_real.matmul(x, tf_real.constant([[1.0, -1.0], [0.5, 2.0]])) + 0.25, name="y"
        )
        tf_real.reduce_mean(y, axis=0, name="m")
    feed = np.array([[1.0, 2.0], [-1.0, 0.5]], np.float32)
    with tf1.Session(graph=tf_graph) as sess:
        expected = sess.run(["y:0", "m:0"], {x: feed})
    graph_def = (
        nd.Graph().as_graph_def().__class__.FromString(tf_graph.as_graph_def().SerializeToString())
    )
    with nd.Graph().as_default() as graph:
        nd.import_graph_def(graph_def, name="")
        with nd.Session(graph=graph) as sess:
            got = sess.run(["y:0", "m:0"], {"x:0": feed})
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_ndflow_and_tensorflow_share_one_process():
    from ndflow.proto import graph_pb2

    assert graph_pb2.GraphDef.DESCRIPTOR.full_name == "ndflow.GraphDef"
    assert tf1.GraphDef.DESCRIPTOR.full_name == "tensorflow.GraphDef"
