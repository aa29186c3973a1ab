"""Graphs of the rest of tf.nn written by ndflow (sharded embedding lookups, sparse and safe
lookups, nce and sampled softmax losses with their gradients, dropout, in_top_k, the sparse
segment ops, candidate samplers) load and run in real TensorFlow with the same results, and
TensorFlow's own graphs of them run in ndflow (oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.proto import graph_pb2  # noqa: E402

tf1 = tf_real.compat.v1
_RNG = np.random.default_rng(4)
SHARDS = [_RNG.normal(size=(4, 3)), _RNG.normal(size=(3, 3)), _RNG.normal(size=(3, 3))]
SP = {
    "indices": np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [4, 0]], np.int64),
    "ids": np.array([3, -1, 9, 8, 5, 0], np.int64),
    "weights": np.array([1.0, 2.0, 3.0, 0.5, 2.5, -1.0]),
    "shape": np.array([5, 2], np.int64),
}
X = _RNG.normal(size=(3, 3))
LABELS = np.array([[3, 9], [6, 8], [1, 2]], np.int64)
SAMPLED = (
    np.array([3, 8, 0, 8, 5], np.int64),
    np.array([[0.5, 0.1], [0.25, 0.3], [0.125, 0.2]]),
    np.array([0.2, 0.4, 0.6, 0.4, 0.3]),
)


def _build(tf, noise_name=None):
    """The same graph with `tf` = ndflow or tf.compat.v1; returns the fetch names."""
    shards = [tf.constant(s, name=f"shard{i}") for i, s in enumerate(SHARDS)]
    # int64 ids: the losses' lookups use int64 too (ndflow's gradient aggregation does not yet
    # cast mixed int32/int64 IndexedSlices indices as TF does).
    ids = tf.placeholder(tf.int64, [None, None], name="ids")
    lookup = tf.nn.embedding_lookup(shards, ids, partition_strategy="div", max_norm=1.5)
    sp_ids = tf.SparseTensor(SP["indices"], SP["ids"], SP["shape"])
    sp_weights = tf.SparseTensor(SP["indices"], SP["weights"], SP["shape"])
    safe = tf.nn.safe_embedding_lookup_sparse(shards, sp_ids, sp_weights, combiner="sqrtn")
    x = tf.constant(X, name="inputs")
    losses = [
        tf.nn.nce_loss(
            shards,
            tf.constant(np.arange(10.0)),
            LABELS,
            x,
            5,
            10,
            num_true=2,
            sampled_values=SAMPLED,
            remove_accidental_hits=True,
        ),
        tf.nn.sampled_softmax_loss(
            shards,
            tf.constant(np.arange(10.0)),
            LABELS,
            x,
            5,
            10,
            num_true=2,
            sampled_values=SAMPLED,
            partition_strategy="div",
        ),
    ]
    total = tf.add_n(
        [tf.reduce_sum(lookup), tf.reduce_sum(safe)] + [tf.reduce_sum(v) for v in losses]
    )
    grads = [tf.convert_to_tensor(g) for g in tf.gradients(total, shards + [x])]
    dropped = tf.nn.dropout(x, rate=0.4, noise_shape=[3, 1])
    top = tf.nn.in_top_k(tf.cast(x, tf.float32), [0, 1, 2], 2)
    segments = tf.sparse_segment_sqrt_n(x, [2, 0, 1], [0, 0, 3])
    fetches = [lookup, safe, *losses, *grads, dropped, top, segments]
    return [t.name for t in fetches]


def _ndflow_graph_def():
    graph = nd.Graph()
    with graph.as_default():
        names = _build(nd)
    return graph, names


def _noise_name(graph):
    return [op.name for op in graph.get_operations() if op.type == "RandomUniform"][0] + ":0"


def _feed(noise_name):
    return {"ids:0": np.array([[9, 0, 4], [6, 6, 1]], np.int64), noise_name: [[0.1], [0.5], [0.9]]}


def _assert_same(got, expected):
    for mine, theirs in zip(got, expected):
        if np.asarray(mine).dtype.kind == "f":
            np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_array_equal(mine, theirs)


def test_ndflow_graph_runs_in_tensorflow():
    graph, names = _ndflow_graph_def()
    noise = _noise_name(graph)
    with nd.Session(graph=graph) as sess:
        expected = sess.run(names, _feed(noise))
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = sess.run(names, _feed(noise))
    _assert_same(got, expected)


def test_tensorflow_graph_runs_in_ndflow():
    with tf_real.Graph().as_default() as tf_graph:
        names = _build(tf1)
        noise = _noise_name(tf_graph)
        with tf1.Session(graph=tf_graph) as sess:
            expected = sess.run(names, _feed(noise))
        payload = tf_graph.as_graph_def().SerializeToString()
    graph = nd.Graph()
    with graph.as_default():
        nd.import_graph_def(graph_pb2.GraphDef.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            got = sess.run(names, _feed(noise))
    _assert_same(got, expected)


def test_sampler_graphs_round_trip():
    true_classes = np.array([[0, 3], [2, 9]], np.int64)
    graph = nd.Graph()
    with graph.as_default():
        outputs = [
            nd.random.log_uniform_candidate_sampler(true_classes, 2, 4, False, 10, seed=1),
            nd.random.fixed_unigram_candidate_sampler(
                true_classes, 2, 4, True, 10, unigrams=list(np.arange(1.0, 11.0)), seed=2
            ),
            nd.nn.compute_accidental_hits(true_classes, nd.constant([9, 9, 1], nd.int64), 2),
        ]
        names = [t.name for out in outputs for t in out]
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = sess.run(names)
    # Deterministic parts: the true classes' counts without `unique`, and the hits.
    with nd.Session(graph=graph) as sess:
        expected = sess.run(names)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6)
    for index in (6, 7, 8):
        np.testing.assert_array_equal(got[index], expected[index])
