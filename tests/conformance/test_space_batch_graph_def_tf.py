"""TensorFlow's graphs of the space/batch/depth ops and of dilated convolutions (atrous_conv2d,
separable_conv2d and tf.nn.pool with rates, all SpaceToBatchND -> op -> BatchToSpaceND) run
in ndflow with TF's values, gradients included; ndflow's graphs of them run in TensorFlow; and
ndflow builds the same GraphDef nodes as TF (oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.framework import op_builder  # noqa: E402
from ndflow.proto import graph_pb2  # noqa: E402

tf1 = tf_real.compat.v1
_RNG = np.random.default_rng(8)
X = _RNG.integers(-2, 3, size=(2, 9, 10, 3)).astype(np.float32)
W = _RNG.integers(-2, 3, size=(3, 3, 3, 4)).astype(np.float32)
DEPTHWISE = _RNG.integers(-2, 3, size=(3, 3, 3, 2)).astype(np.float32)
POINTWISE = _RNG.integers(-2, 3, size=(1, 1, 6, 5)).astype(np.float32)
FETCHES = [
    "atrous:0",
    "separable:0",
    "pool:0",
    "s2d:0",
    "d2s:0",
    "raw_s2b:0",
    "raw_b2s:0",
    "transpose:0",
    "dx:0",
    "dw:0",
]


def _raw(tf, op_type, **inputs_and_attrs):
    """One op by type: `tf.raw_ops` in TF, the op registry in ndflow."""
    if tf is nd:
        return op_builder.apply_op(op_type, **inputs_and_attrs)
    return getattr(tf_real.raw_ops, op_type)(**inputs_and_attrs)


def _build(tf, with_gradients=True):
    """The same graph with `tf` = ndflow or tf.compat.v1; `x` has unknown dims, so the
    paddings of the dilated ops are computed in the graph."""
    x = tf.placeholder(tf.float32, [None, None, None, 3], name="x")
    w = tf.constant(W, name="w")
    atrous = tf.nn.atrous_conv2d(x, w, 2, "SAME")
    tf.identity(atrous, name="atrous")
    separable = tf.nn.separable_conv2d(
        x, tf.constant(DEPTHWISE), tf.constant(POINTWISE), [1] * 4, "VALID", rate=[2, 3]
    )
    tf.identity(separable, name="separable")
    tf.identity(tf.nn.pool(x, [2, 2], "MAX", "VALID", dilation_rate=[3, 2]), name="pool")
    crop = tf.slice(x, [0, 0, 0, 0], [-1, 8, 8, -1])
    s2d = tf.space_to_depth(crop, 2, name="s2d")
    tf.depth_to_space(s2d * 2.0, 2, name="d2s")
    raw_s2b = _raw(tf, "SpaceToBatch", input=x, paddings=[[1, 0], [0, 2]], block_size=2)
    tf.identity(raw_s2b, name="raw_s2b")
    raw_b2s = _raw(tf, "BatchToSpace", input=raw_s2b, crops=[[1, 0], [0, 2]], block_size=2)
    tf.identity(raw_b2s, name="raw_b2s")
    value = tf.constant(X[:, :5, :6, :], name="value")
    transpose = tf.nn.atrous_conv2d_transpose(
        tf.tile(value[..., :1], [1, 1, 1, 4]), w, [2, 9, 10, 3], 2, "VALID"
    )
    tf.identity(transpose, name="transpose")
    if with_gradients:
        dx, dw = tf.gradients(tf.reduce_sum(tf.square(atrous)), [x, w])
        tf.identity(dx, name="dx")
        tf.identity(dw, name="dw")


def _tf_graph(with_gradients=True):
    graph = tf_real.Graph()
    with graph.as_default():
        _build(tf1, with_gradients)
    return graph


def _run_tf(graph_def):
    with tf_real.Graph().as_default() as graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=graph) as sess:
            return sess.run(FETCHES, {"x:0": X})


def test_tensorflow_graph_runs_in_ndflow():
    graph = _tf_graph()
    with tf1.Session(graph=graph) as sess:
        expected = sess.run(FETCHES, {"x:0": X})
    payload = graph.as_graph_def().SerializeToString()
    with nd.Graph().as_default() as nd_graph:
        nd.import_graph_def(graph_pb2.GraphDef.FromString(payload), name="")
        with nd.Session(graph=nd_graph) as sess:
            got = sess.run(FETCHES, {"x:0": X})
    for name, value, want in zip(FETCHES, got, expected):
        assert value.shape == want.shape and value.dtype == want.dtype, name
        np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-4, err_msg=name)


def test_ndflow_graph_runs_in_tensorflow():
    with nd.Graph().as_default() as graph:
        _build(nd)
        with nd.Session() as sess:
            expected = sess.run(FETCHES, {"x:0": X})
    got = _run_tf(tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString()))
    for name, value, want in zip(FETCHES, got, expected):
        np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-4, err_msg=name)


def _nodes(graph_def):
    """Each node's op, inputs and attrs (a Const by its value)."""
    nodes = {}
    for node in graph_def.node:
        attrs = {}
        for key, value in node.attr.items():
            if key == "value":
                attrs[key] = tf_real.make_ndarray(tf1.AttrValue.FromString(
                    value.SerializeToString()).tensor).tolist()  # fmt: skip
            else:
                attrs[key] = tf1.AttrValue.FromString(value.SerializeToString())
        nodes[node.name] = (node.op, list(node.input), attrs)
    return nodes


def test_ndflow_builds_tensorflows_graph_def():
    theirs = _nodes(_tf_graph(with_gradients=False).as_graph_def())
    with nd.Graph().as_default() as graph:
        _build(nd, with_gradients=False)
    ours = _nodes(tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString()))
    assert sorted(ours) == sorted(theirs)
    for name, node in theirs.items():
        assert ours[name] == node, name
