"""TFRecord files and tf.train.Examples cross over: what ndflow writes, real TensorFlow reads
(tf.data.TFRecordDataset + tf.io.parse_example, tf_record_iterator), and what TensorFlow
writes, ndflow reads — for no compression, GZIP and ZLIB (oracle venv only: `make
conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.formats import example as example_format  # noqa: E402
from ndflow.formats import example_config  # noqa: E402
from ndflow.formats import sequence_example  # noqa: E402
from ndflow.formats import tfrecord  # noqa: E402
from ndflow.framework import dtypes  # noqa: E402

COMPRESSIONS = ["", "GZIP", "ZLIB"]
COUNT = 37


def _values(k: int) -> dict:
    rng = np.random.default_rng(k)
    return {
        "f": rng.normal(size=4).astype(np.float32),
        "i": [k * 1000 - 7, -(2**62)],
        "s": [bytes(rng.integers(0, 256, k % 9, dtype=np.uint8)) + b"\x00"],
        "v": np.arange(k % 4, dtype=np.int64),
    }


TF_SPEC = {
    "f": tf_real.io.FixedLenFeature([4], tf_real.float32),
    "i": tf_real.io.FixedLenFeature([2], tf_real.int64),
    "s": tf_real.io.FixedLenFeature([], tf_real.string),
    "v": tf_real.io.VarLenFeature(tf_real.int64),
}


def _tf_parse_file(path, compression):
    dataset = tf_real.data.TFRecordDataset(path, compression_type=compression).batch(COUNT)
    (batch,) = list(dataset)
    return tf_real.io.parse_example(batch, TF_SPEC)


def _check_parsed(f, i, s, v_indices, v_values):
    for k in range(COUNT):
        values = _values(k)
        np.testing.assert_array_equal(f[k], values["f"])
        assert list(i[k]) == values["i"]
        assert s[k] == values["s"][0]
    expected = [(k, j, j) for k in range(COUNT) for j in range(k % 4)]
    assert [tuple(row) + (value,) for row, value in zip(v_indices, v_values)] == expected


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_ndflow_written_examples_read_in_tensorflow(tmp_path, compression):
    path = str(tmp_path / "nd.tfrecord")
    options = nd.io.TFRecordOptions(compression)
    with nd.io.TFRecordWriter(path, options) as writer:
        for k in range(COUNT):
            writer.write(example_format.make_example(_values(k)).SerializeToString())
    parsed = _tf_parse_file(path, compression)
    _check_parsed(
        parsed["f"].numpy(),
        parsed["i"].numpy(),
        parsed["s"].numpy(),
        parsed["v"].indices.numpy(),
        parsed["v"].values.numpy(),
    )
    iterator_records = list(
        tf_real.compat.v1.io.tf_record_iterator(path, tf_real.io.TFRecordOptions(compression))
    )
    assert iterator_records == list(tfrecord.RecordReader(path, compression))


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_tensorflow_written_examples_read_in_ndflow(tmp_path, compression):
    path = str(tmp_path / "tf.tfrecord")
    options = tf_real.io.TFRecordOptions(compression, compression_level=9)
    with tf_real.io.TFRecordWriter(path, options) as writer:
        for k in range(COUNT):
            features = {key: _tf_feature(value) for key, value in _values(k).items()}
            example = tf_real.train.Example(features=tf_real.train.Features(feature=features))
            writer.write(example.SerializeToString())
    records = np.array(
        list(nd.io.tf_record_iterator(path, nd.io.TFRecordOptions(compression))), dtype=object
    )
    spec = {
        "f": nd.io.FixedLenFeature([4], nd.float32),
        "i": nd.io.FixedLenFeature([2], nd.int64),
        "s": nd.io.FixedLenFeature([], nd.string),
        "v": nd.io.VarLenFeature(nd.int64),
    }
    with nd.Graph().as_default(), nd.Session() as sess:
        parsed = sess.run(nd.io.parse_example(records, spec))
    _check_parsed(parsed["f"], parsed["i"], parsed["s"], parsed["v"].indices, parsed["v"].values)


def _tf_feature(value):
    array = (
        np.asarray(value)
        if not isinstance(value, list) or not value or not isinstance(value[0], bytes)
        else None
    )
    if array is None:
        return tf_real.train.Feature(bytes_list=tf_real.train.BytesList(value=value))
    if array.dtype.kind == "f":
        return tf_real.train.Feature(float_list=tf_real.train.FloatList(value=array))
    return tf_real.train.Feature(int64_list=tf_real.train.Int64List(value=array))


def test_sequence_examples_cross_over(tmp_path):
    path = str(tmp_path / "seq.tfrecord")
    with tfrecord.RecordWriter(path) as writer:
        for k in range(5):
            made = example_format.make_sequence_example(
                {"n": [k]}, {"t": [np.arange(j, dtype=np.int64) for j in range(k)]}
            )
            writer.write(made.SerializeToString())
    records = list(tf_real.compat.v1.io.tf_record_iterator(path))
    context, lists, _ = tf_real.io.parse_sequence_example(
        records,
        {"n": tf_real.io.FixedLenFeature([], tf_real.int64)},
        {"t": tf_real.io.VarLenFeature(tf_real.int64)},
    )
    ours = sequence_example.parse_sequence_examples(
        records,
        example_config.Config(
            dense=[example_config.DenseSpec("n", dtypes.int64, (), np.zeros(0, np.int64))]
        ),
        sequence_example.ListsConfig(sparse=[example_config.SparseSpec("t", dtypes.int64)]),
    )
    np.testing.assert_array_equal(ours.context.dense_values[0], context["n"].numpy())
    np.testing.assert_array_equal(ours.sparse_indices[0], lists["t"].indices.numpy())
    np.testing.assert_array_equal(ours.sparse_values[0], lists["t"].values.numpy())
    np.testing.assert_array_equal(ours.sparse_shapes[0], lists["t"].dense_shape.numpy())
