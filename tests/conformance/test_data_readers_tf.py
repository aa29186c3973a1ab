"""tf.data's file readers and cache cross over (oracle venv only: `make conformance`): files
TensorFlow writes read back in ndflow and the other way round with equal batches, and
reader pipelines as GraphDefs (TFRecordDataset in a FlatMapDataset function,
LegacyParallelInterleaveDatasetV2, CSVDatasetV2, CacheDataset) run on either side with the
same elements."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402

tf1 = tf_real.compat.v1
COUNT = 45


def _example_values(k):
    rng = np.random.default_rng(k)
    return {
        "f": rng.normal(size=10).astype(np.float32),
        "i": [k * 7919 - 300],
        "s": [bytes(rng.integers(0, 256, 20, dtype=np.uint8))],
    }


def _spec(tf):
    return {
        "f": tf.io.FixedLenFeature([10], tf.float32),
        "i": tf.io.FixedLenFeature([], tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string),
    }


def _write_examples(tf, path, compression, first, count):
    """Examples written with `tf`'s own TFRecordWriter and tf.train.Example."""
    options = tf.io.TFRecordOptions(compression_type=compression)
    with tf.io.TFRecordWriter(path, options) as writer:
        for k in range(first, first + count):
            values = _example_values(k)
            feature = {
                "f": tf.train.Feature(float_list=tf.train.FloatList(value=values["f"])),
                "i": tf.train.Feature(int64_list=tf.train.Int64List(value=values["i"])),
                "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=values["s"])),
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())


def _pipeline(tf, paths, compression, parallel=None):
    """TFRecordDataset -> batch(8) -> parse_example, with an initializable iterator."""
    dataset = tf.data.TFRecordDataset(
        paths, compression_type=compression, num_parallel_reads=parallel
    ).batch(8)
    dataset = dataset.map(lambda records: tf.io.parse_example(records, _spec(tf)))
    iterator = (
        tf1.data.make_initializable_iterator(dataset)
        if tf is tf_real
        else tf.data.make_initializable_iterator(dataset)
    )
    batch = iterator.get_next()
    for key in ("f", "i", "s"):
        tf.identity(batch[key], name=f"out_{key}")
    return iterator.initializer.name


def _drain(sess, init, names=("out_f:0", "out_i:0", "out_s:0")):
    sess.run(init)
    batches = []
    while True:
        try:
            batches.append(sess.run(list(names)))
        except (tf_real.errors.OutOfRangeError, nd.errors.OutOfRangeError):
            return batches


def _run(tf, session_cls, paths, compression, parallel=None):
    graph = tf.Graph()
    with graph.as_default():
        init = _pipeline(tf, paths, compression, parallel)
        with session_cls(graph=graph) as sess:
            return _drain(sess, init)


def _assert_batches_equal(got, expected):
    assert len(got) == len(expected) > 0
    for mine, theirs in zip(got, expected):
        for a, b in zip(mine, theirs):
            assert np.asarray(a).shape == np.asarray(b).shape
            np.testing.assert_array_equal(np.asarray(a, dtype=np.asarray(b).dtype), b)


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
@pytest.mark.parametrize("parallel", [None, 2])
def test_tensorflow_tfrecords_read_by_ndflow(tmp_path, compression, parallel):
    paths = [str(tmp_path / f"tf-{i}.tfrecord") for i in range(2)]
    _write_examples(tf_real, paths[0], compression, 0, COUNT)
    _write_examples(tf_real, paths[1], compression, COUNT, 11)
    expected = _run(tf_real, tf1.Session, paths, compression, parallel)
    got = _run(nd, nd.Session, paths, compression, parallel)
    _assert_batches_equal(got, expected)


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_ndflow_tfrecords_read_by_tensorflow(tmp_path, compression):
    path = str(tmp_path / "nd.tfrecord")
    _write_examples(nd, path, compression, 0, COUNT)
    expected = _run(nd, nd.Session, [path], compression)
    got = _run(tf_real, tf1.Session, [path], compression)
    _assert_batches_equal(got, expected)
    assert sum(len(b[1]) for b in got) == COUNT


def _text_files(directory):
    lines = [f"line {k}\t{'x' * (k % 5)}" for k in range(30)]
    plain = os.path.join(directory, "a.txt")
    with open(plain, "w", newline="") as handle:
        handle.write("\r\n".join(lines[:15]) + "\n")
    packed = os.path.join(directory, "b.txt.gz")
    with gzip.open(packed, "wb") as handle:
        handle.write(("\n".join(lines[15:])).encode())
    return plain, packed


def _lines(tf, session_cls, plain, packed):
    graph = tf.Graph()
    with graph.as_default():
        dataset = (
            tf.data.TextLineDataset(plain)
            .concatenate(tf.data.TextLineDataset([packed], compression_type="GZIP"))
            .batch(7)
        )
        iterator = (
            tf1.data.make_initializable_iterator(dataset)
            if tf is tf_real
            else tf.data.make_initializable_iterator(dataset)
        )
        tf.identity(iterator.get_next(), name="lines")
        with session_cls(graph=graph) as sess:
            return _drain(sess, iterator.initializer.name, ["lines:0"])


def test_text_lines_batched_alike(tmp_path):
    plain, packed = _text_files(str(tmp_path))
    _assert_batches_equal(
        _lines(nd, nd.Session, plain, packed), _lines(tf_real, tf1.Session, plain, packed)
    )


def test_fixed_length_records_written_by_tensorflow(tmp_path):
    path = str(tmp_path / "records.bin")
    tf_real.io.write_file(path, b"HEADER" + bytes(range(200)) + b"FOOT")
    expected = list(
        tf_real.data.FixedLengthRecordDataset(path, 20, 6, 4).batch(3).as_numpy_iterator()
    )
    got = list(nd.data.FixedLengthRecordDataset(path, 20, 6, 4).batch(3))
    _assert_batches_equal([[g] for g in got], [[e] for e in expected])


# ---------------------------------------------------------------------- GraphDefs


def _csv_file(directory):
    path = os.path.join(directory, "data.csv")
    with open(path, "w") as handle:
        handle.write("a,b,c\n")
        for k in range(20):
            handle.write(f'{k},{k / 4},"t,{k}"\n' if k % 3 else f"{k},,\n")
    return path


def _graph_pipeline(tf, directory):
    """Readers, parallel reads, CSV and a file cache, exported as one GraphDef."""
    tfrecords = [os.path.join(directory, f"g-{i}.tfrecord") for i in range(3)]
    csv = tf.data.experimental.CsvDataset(
        os.path.join(directory, "data.csv"),
        [tf.int64, tf.constant([-1.0]), tf.constant(["?"])],
        header=True,
    )
    csv = csv.map(lambda a, b, c: tf.strings.join([tf.as_string(a), tf.as_string(b), c], "|"))
    records = tf.data.TFRecordDataset(tfrecords, num_parallel_reads=2)
    cached = records.concatenate(csv).cache(os.path.join(directory, "cache")).repeat(2)
    iterator = (
        tf1.data.make_initializable_iterator(cached.batch(5))
        if tf is tf_real
        else tf.data.make_initializable_iterator(cached.batch(5))
    )
    tf.identity(iterator.get_next(), name="out")
    return iterator.initializer.name


def _graph_files(directory):
    """The pipeline's inputs; both sides' directories have names of one length, so a
    serialized GraphDef is moved from one to the other by replacing the bytes."""
    _csv_file(directory)
    for i in range(3):
        path = os.path.join(directory, f"g-{i}.tfrecord")
        with tf_real.io.TFRecordWriter(path) as writer:
            for k in range(4 + i):
                writer.write(f"file{i}-record{k}".encode())


def test_ndflow_reader_graph_runs_in_tensorflow(tmp_path):
    mine, theirs = tmp_path / "nd", tmp_path / "tf"
    for directory in (mine, theirs):
        directory.mkdir()
        _graph_files(str(directory))
    graph = nd.Graph()
    with graph.as_default():
        init = _graph_pipeline(nd, str(mine))
    with nd.Session(graph=graph) as sess:
        expected = _drain(sess, init, ["out:0"])
    graph_def = (
        graph.as_graph_def().SerializeToString().replace(str(mine).encode(), str(theirs).encode())
    )
    with tf_real.Graph().as_default() as tf_graph:
        tf1.import_graph_def(tf1.GraphDef.FromString(graph_def), name="")
        with tf1.Session(graph=tf_graph) as sess:
            got = _drain(sess, init, ["out:0"])
    _assert_batches_equal(got, expected)


def test_tensorflow_reader_graph_runs_in_ndflow(tmp_path):
    mine, theirs = tmp_path / "nd", tmp_path / "tf"
    for directory in (mine, theirs):
        directory.mkdir()
        _graph_files(str(directory))
    with tf_real.Graph().as_default() as tf_graph:
        init = _graph_pipeline(tf1, str(theirs))
        with tf1.Session(graph=tf_graph) as sess:
            expected = _drain(sess, init, ["out:0"])
    payload = (
        tf_graph.as_graph_def()
        .SerializeToString()
        .replace(str(theirs).encode(), str(mine).encode())
    )
    with nd.Graph().as_default() as graph:
        nd.import_graph_def(nd.Graph().as_graph_def().__class__.FromString(payload), name="")
        with nd.Session(graph=graph) as sess:
            got = _drain(sess, init, ["out:0"])
    _assert_batches_equal(got, expected)
    assert os.path.exists(mine / "cache.lmdb")
