"""Lookup tables cross over: a GraphDef of ndflow tables and their initializers (key/value,
text-file, vocabulary with OOV buckets, mutable and dense tables, string hashing) imports and
runs in TensorFlow with equal results, and TensorFlow's table graphs run in ndflow (oracle venv
only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from tests.support import golden  # noqa: E402

tf1 = tf_real.compat.v1
WORDS = str(golden.GOLDEN_DIR / "lookup" / "files" / "words.txt")
COLUMNS = str(golden.GOLDEN_DIR / "lookup" / "files" / "columns.txt")
QUERY = np.array([b"emerson", b"lake", b"and", b"palmer", b"tarkus", b"", b"king"], dtype=object)
FETCHES = [
    "static:0",
    "vocab_ids:0",
    "vocab_int:0",
    "names:0",
    "columns:0",
    "mutable:0",
    "dense:0",
    "dense_export:0",
    "dense_export:1",
    "strong:0",
]


def _ndflow_graph():
    graph = nd.Graph()
    with graph.as_default():
        words = nd.placeholder(nd.string, [None], name="words")
        static = nd.lookup.StaticHashTable(
            nd.lookup.KeyValueTensorInitializer(["lake", "king"], [7, 8]), -1
        )
        nd.identity(static.lookup(words), name="static")
        vocab = nd.lookup.index_table_from_file(WORDS, num_oov_buckets=3)
        nd.identity(vocab.lookup(words), name="vocab_ids")
        ids = nd.constant([0, 1], nd.int64)
        numbers = nd.lookup.StaticVocabularyTable(
            nd.lookup.KeyValueTensorInitializer(nd.constant([5, 6], nd.int64), ids), 4
        )
        nd.identity(numbers.lookup(nd.constant([5, 7, 6, -3], nd.int64)), name="vocab_int")
        names = nd.lookup.index_to_string_table_from_tensor(["x", "y", "z"], default_value="?")
        nd.identity(names.lookup(nd.constant([2, 0, 9], nd.int64)), name="names")
        columns = nd.lookup.StaticHashTable(
            nd.lookup.TextFileInitializer(COLUMNS, nd.string, 0, nd.int32, 1, delimiter=" "), -1
        )
        nd.identity(columns.lookup(words), name="columns")
        _mutable_tables(words)
        nd.identity(nd.strings.to_hash_bucket_strong(words, 1000, [3, 4]), name="strong")
        nd.group(nd.tables_initializer(), name="init")
    return graph


def _mutable_tables(words):
    mutable = nd.lookup.experimental.MutableHashTable(nd.string, nd.int64, -1, name="mutable_t")
    insert = mutable.insert(["palmer", "and"], nd.constant([3, 4], nd.int64), name="insert")
    with nd.control_dependencies([insert]):
        nd.identity(mutable.lookup(words), name="mutable")
    dense = nd.lookup.experimental.DenseHashTable(
        nd.int64, nd.int64, -1, empty_key=0, deleted_key=-1, initial_num_buckets=4
    )
    dense_insert = dense.insert(
        nd.constant([3, 8, 11, 12, 40], nd.int64), nd.constant([30, 80, 110, 120, 400], nd.int64)
    )
    with nd.control_dependencies([dense_insert]):
        nd.identity(dense.lookup(nd.constant([11, 2, 40], nd.int64)), name="dense")
        keys, values = dense.export()
        nd.identity_n([keys, values], name="dense_export")


def _assert_equal(got, expected):
    for name, a, b in zip(FETCHES, got, expected):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=name)


def test_ndflow_table_graph_runs_in_tensorflow():
    graph = _ndflow_graph()
    with nd.Session(graph=graph) as sess:
        sess.run("init")
        expected = sess.run(FETCHES, {"words:0": QUERY})
    graph_def = tf1.GraphDef.FromString(graph.as_graph_def().SerializeToString())
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(graph_def, name="")
        with tf1.Session(graph=tf_graph) as sess:
            sess.run("init")
            got = sess.run(FETCHES, {"words:0": QUERY})
    _assert_equal(got, expected)


def test_tensorflow_table_graph_runs_in_ndflow():
    with tf_real.Graph().as_default() as tf_graph:
        words = tf1.placeholder(tf_real.string, [None], name="words")
        vocab = tf_real.lookup.StaticVocabularyTable(
            tf_real.lookup.TextFileInitializer(WORDS, tf_real.string, -2, tf_real.int64, -1),
            5,
        )
        tf_real.identity(vocab.lookup(words), name="ids")
        names = tf1.lookup.StaticHashTable(
            tf_real.lookup.KeyValueTensorInitializer(
                tf_real.constant([0, 1], tf_real.int64), ["zero", "one"]
            ),
            "?",
        )
        tf_real.identity(names.lookup(tf_real.constant([1, 5], tf_real.int64)), name="names")
        tf_real.group(tf1.tables_initializer(), name="init")
        with tf1.Session(graph=tf_graph) as sess:
            sess.run("init")
            expected = sess.run(["ids:0", "names:0"], {"words:0": QUERY})
    payload = tf_graph.as_graph_def().SerializeToString()
    with nd.Graph().as_default() as graph:
        nd.import_graph_def(nd.Graph().as_graph_def().__class__.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            sess.run("init")
            got = sess.run(["ids:0", "names:0"], {"words:0": QUERY})
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
