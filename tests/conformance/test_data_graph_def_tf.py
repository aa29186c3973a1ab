"""tf.data pipelines cross over as GraphDefs: an ndflow input pipeline (its dataset ops,
traced functions and iterator) runs in TensorFlow, and TensorFlow's runs in ndflow, with the
same elements (oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402

tf1 = tf_real.compat.v1
LINES = np.array([b"a b c", b"", b"d e", b"f g h i", b"j"])


def _pipeline(tf):
    """The same pipeline in either library: strings split, filtered, padded, bucketed."""
    limit = tf.placeholder(tf.int64, [], name="limit")
    dataset = tf.data.Dataset.from_tensor_slices(LINES).map(
        lambda line: tf.string_split([line]).values
    )
    dataset = dataset.filter(lambda words: tf.size(words) > 0).take(limit)
    dataset = dataset.map(lambda words: (words, tf.size(words)))
    dataset = dataset.padded_batch(2, padded_shapes=([None], []), padding_values=("<pad>", 0))
    dataset = dataset.concatenate(
        tf.data.Dataset.range(3).map(
            lambda x: (tf.fill([1, 1], tf.as_string(x)), tf.fill([1], tf.cast(x, tf.int32)))
        )
    )
    iterator = tf.data.make_initializable_iterator(dataset)
    words, sizes = iterator.get_next()
    tf.identity(words, name="words")
    tf.identity(sizes, name="sizes")
    return iterator.initializer.name


def _drain(sess, init_name, limit):
    sess.run(init_name, {"limit:0": limit})
    values = []
    while True:
        try:
            values.append(sess.run(["words:0", "sizes:0"]))
        except (tf_real.errors.OutOfRangeError, nd.errors.OutOfRangeError):
            return values


def _assert_same(got, expected):
    assert len(got) == len(expected)
    for (words, sizes), (want_words, want_sizes) in zip(got, expected):
        np.testing.assert_array_equal(
            np.asarray(words, dtype=bytes), np.asarray(want_words, dtype=bytes)
        )
        np.testing.assert_array_equal(sizes, want_sizes)


def test_ndflow_pipeline_runs_in_tensorflow():
    graph = nd.Graph()
    with graph.as_default():
        init = _pipeline(nd)
    with nd.Session(graph=graph) as sess:
        expected = _drain(sess, init, 3)
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = _drain(sess, init, 3)
    _assert_same(got, expected)


def test_tensorflow_pipeline_runs_in_ndflow():
    with tf_real.Graph().as_default() as tf_graph:
        init = _pipeline(tf1)
        with tf1.Session(graph=tf_graph) as sess:
            expected = _drain(sess, init, 2)
    payload = tf_graph.as_graph_def().SerializeToString()
    with nd.Graph().as_default() as graph:
        nd.import_graph_def(nd.Graph().as_graph_def().__class__.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            got = _drain(sess, init, 2)
    _assert_same(got, expected)
