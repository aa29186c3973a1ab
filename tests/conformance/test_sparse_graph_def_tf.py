"""Graphs of tf.sparse written by ndflow (reorder, add with a threshold, sparse + dense,
products with adjoints, reductions, slice, concat, split, transpose, maximum, indicator,
from_dense, to_dense, and the gradients through them) load and run in real TensorFlow with
the same results, and TensorFlow's own graphs of them run in ndflow (oracle venv only:
`make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.proto import graph_pb2  # noqa: E402

tf1 = tf_real.compat.v1
_RNG = np.random.default_rng(8)
UNSORTED = np.array([[2, 3], [0, 1], [1, 2], [1, 0]], np.int64)
IND_B = np.array([[0, 1], [1, 1], [2, 0], [2, 3]], np.int64)
SHAPE = np.array([3, 4], np.int64)
FEED = {
    "v:0": _RNG.normal(size=4),
    "x:0": _RNG.normal(size=(4, 2)),
    "y:0": _RNG.normal(size=(3, 4)),
}


def _parts(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def _build(tf):
    """The same graph with `tf` = ndflow or tf.compat.v1; returns the fetch names."""
    v = tf.placeholder(tf.float64, [4], name="v")
    x = tf.placeholder(tf.float64, [4, 2], name="x")
    y = tf.placeholder(tf.float64, [3, 4], name="y")
    sp = tf.sparse.reorder(tf.SparseTensor(UNSORTED, v, SHAPE))
    sp_b = tf.SparseTensor(IND_B, v * 2.0, SHAPE)
    added = tf.sparse.add(sp, sp_b, 0.1)
    dense_sum = tf.sparse.add(y, sp)
    products = [
        tf.sparse.sparse_dense_matmul(sp, x),
        tf.sparse.sparse_dense_matmul(sp, y, adjoint_a=True),
        tf.sparse.sparse_dense_matmul(sp, tf.transpose(x), adjoint_b=True),
    ]
    reduced = [tf.sparse.reduce_sum(sp, 1), tf.sparse.reduce_sum(sp, 0, keepdims=True)]
    sliced = tf.sparse.slice(sp, [1, 0], [2, 3])
    concat = tf.sparse.concat(1, [sp, sp_b])
    pieces = tf.sparse.split(sp_input=sp, num_split=3, axis=1)
    transposed = tf.sparse.transpose(sp)
    maximum = tf.sparse.maximum(sp, sp_b)
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([4, 1, 2], tf.int64), [2, 2])
    indicator = tf.sparse.to_indicator(ids, 5)
    from_dense = tf.sparse.from_dense(tf.nn.relu(y))
    total = tf.add_n(
        [
            tf.reduce_sum(tf.sparse.to_dense(added) * y),
            tf.reduce_sum(dense_sum * y),
            tf.reduce_sum(products[0] * products[0]) + tf.reduce_sum(products[1] * products[1]),
            tf.reduce_sum(products[2]),
            tf.reduce_sum(reduced[0] * reduced[0]) + tf.reduce_sum(reduced[1]),
            tf.reduce_sum(sliced.values * sliced.values),
            tf.reduce_sum(
                tf.sparse.reduce_sum(transposed, 0) * tf.constant([1.0, 2.0, 3.0], tf.float64)
            ),
        ]
    )
    grads = tf.gradients(total, [v, x, y])
    fetches = [total, dense_sum, *products, *reduced, indicator, *grads]
    fetches += _parts(added) + _parts(sliced) + _parts(concat) + _parts(transposed)
    fetches += _parts(maximum) + _parts(from_dense) + [t for p in pieces for t in _parts(p)]
    return [t.name for t in fetches]


def _assert_same(got, expected):
    for mine, theirs in zip(got, expected):
        if np.asarray(mine).dtype.kind == "f":
            np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_array_equal(mine, theirs)


def test_ndflow_graph_runs_in_tensorflow():
    graph = nd.Graph()
    with graph.as_default():
        names = _build(nd)
    with nd.Session(graph=graph) as sess:
        expected = sess.run(names, FEED)
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = sess.run(names, FEED)
    _assert_same(got, expected)


def test_tensorflow_graph_runs_in_ndflow():
    with tf_real.Graph().as_default() as tf_graph:
        names = _build(tf1)
        with tf1.Session(graph=tf_graph) as sess:
            expected = sess.run(names, FEED)
        payload = tf_graph.as_graph_def().SerializeToString()
    graph = nd.Graph()
    with graph.as_default():
        nd.import_graph_def(graph_pb2.GraphDef.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            got = sess.run(names, FEED)
    _assert_same(got, expected)


def test_sparse_placeholder_feeds_the_same_in_both():
    value = ([[0, 1], [2, 2]], [1.5, -2.0], [3, 3])
    results = []
    for tf in (nd, tf1):
        with tf.Graph().as_default():
            sp = tf.sparse_placeholder(tf.float32, shape=[None, 3], name="sp")
            dense = tf.sparse.to_dense(sp)
            names = [sp.indices.name, sp.values.name, sp.dense_shape.name, dense.name]
            with tf.Session() as sess:
                results.append((names, sess.run(dense, {sp: value})))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
