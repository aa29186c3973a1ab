"""The io family: ReadFile, WriteFile, MatchingFiles (ndflow/ops/io/), and TF's Python file
APIs on top of ndflow/formats: tf.io.TFRecordWriter / TFRecordOptions / tf_record_iterator,
tf.python_io, tf.gfile and tf.io.gfile."""

from __future__ import annotations

import os
import pathlib
import tempfile

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

STRING = dtypes.string
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "tfrecord"
# One fixed directory (not a new one per run): OP_SPECS need real paths at import time.
_DIR = os.path.join(tempfile.gettempdir(), "ndflow_test_io_ops")
os.makedirs(_DIR, exist_ok=True)
for _name in ("b.txt", "a.txt", "c.bin"):
    pathlib.Path(_DIR, _name).write_bytes(_name.encode())


def _write_then_read(filename, contents):
    with tf.control_dependencies([tf.io.write_file(filename, contents)]):
        return tf.io.read_file(filename)


OP_SPECS = [
    OpSpec(
        "ReadFile",
        tf.io.read_file,
        cases=[([np.array(os.path.join(_DIR, "a.txt").encode(), dtype=object)], b"a.txt")],
        shape_cases=[
            ShapeCase([([], STRING)], []),
            ShapeCase([(None, STRING)], []),
            ShapeCase([([2], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="file access",
    ),
    OpSpec(
        "WriteFile",
        _write_then_read,
        cases=[
            (
                [
                    np.array(os.path.join(_DIR, "new", "w.txt").encode(), dtype=object),
                    np.array(b"written", dtype=object),
                ],
                b"written",
            )
        ],
        shape_cases=[
            ShapeCase([([], STRING), ([], STRING)], []),
            ShapeCase([([2], STRING), ([], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="file access",
    ),
    OpSpec(
        "MatchingFiles",
        tf.io.matching_files,
        cases=[
            (
                [np.array(os.path.join(_DIR, "*.txt").encode(), dtype=object)],
                np.array([os.path.join(_DIR, n).encode() for n in ("a.txt", "b.txt")], object),
            ),
            (
                [np.array([os.path.join(_DIR, "c*").encode(), b"/nonexistent/*"], dtype=object)],
                np.array([os.path.join(_DIR, "c.bin").encode()], object),
            ),
        ],
        shape_cases=[
            ShapeCase([([], STRING)], [None]),
            ShapeCase([([3], STRING)], [None]),
            ShapeCase([(None, STRING)], [None]),
            ShapeCase([([2, 2], STRING)], error="Shape must be at most rank 1 but is rank 2"),
        ],
        grad="file access",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_shape_cases(spec):
    op_check.check_shape_cases(spec)


def test_read_file_errors_are_tensorflow_errors(tmp_path):
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
            sess.run(tf.io.read_file(str(tmp_path / "missing")))
        with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
            sess.run(tf.read_file(str(tmp_path)))


def test_write_file_is_stateful_and_runs_each_time(tmp_path):
    path = str(tmp_path / "out.txt")
    with tf.Graph().as_default():
        contents = tf.placeholder(tf.string, [])
        write = tf.write_file(path, contents)
        with tf.Session() as sess:
            sess.run(write, {contents: b"one"})
            sess.run(write, {contents: b"two"})
    assert pathlib.Path(path).read_bytes() == b"two"


# ---------------------------------------------------------------------- TFRecord Python APIs


@pytest.mark.parametrize("options", [None, "GZIP", "ZLIB", tf.io.TFRecordOptions("GZIP")])
def test_tfrecord_writer_and_iterator_round_trip(tmp_path, options):
    path = str(tmp_path / "data.tfrecord")
    records = [b"first", b"", "third", b"\x00\xff" * 100]
    with tf.io.TFRecordWriter(path, options) as writer:
        for record in records:
            writer.write(record)
        writer.flush()
    got = list(tf.io.tf_record_iterator(path, options))
    assert got == [r.encode() if isinstance(r, str) else r for r in records]


def test_python_io_names_and_compression_types(tmp_path):
    path = str(tmp_path / "z.tfrecord")
    options = tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.ZLIB)
    writer = tf.python_io.TFRecordWriter(path, options=options)
    writer.write(b"x")
    writer.close()
    assert list(tf.python_io.tf_record_iterator(path, options=options)) == [b"x"]
    get = tf.io.TFRecordOptions.get_compression_type_string
    assert get(None) == "" and get("GZIP") == "GZIP" and get(options) == "ZLIB"
    assert get(tf.io.TFRecordCompressionType.GZIP) == "GZIP"
    with pytest.raises(ValueError, match='Not a valid compression_type: "LZ4"'):
        tf.io.TFRecordOptions("LZ4")


def test_tf_record_iterator_on_tensorflow_fixtures():
    assert len(list(tf.io.tf_record_iterator(str(FIXTURES / "plain.tfrecord")))) == 20
    gzip_options = tf.io.TFRecordOptions(tf.io.TFRecordCompressionType.GZIP)
    assert (
        len(list(tf.io.tf_record_iterator(str(FIXTURES / "gzip.tfrecord.gz"), gzip_options))) == 20
    )
    records = tf.io.tf_record_iterator(str(FIXTURES / "corrupt_crc.tfrecord"))
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at 489"):
        list(records)
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.tf_record_iterator(str(FIXTURES / "missing.tfrecord"))


def test_written_examples_parse_back_in_a_graph(tmp_path):
    path = str(tmp_path / "ex.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for k in range(4):
            example = tf.train.Example(
                features=tf.train.Features(
                    feature={"k": tf.train.Feature(int64_list=tf.train.Int64List(value=[k]))}
                )
            )
            writer.write(example.SerializeToString())
    records = np.array(list(tf.io.tf_record_iterator(path)), dtype=object)
    with tf.Graph().as_default(), tf.Session() as sess:
        parsed = tf.parse_example(records, {"k": tf.FixedLenFeature([], tf.int64)})
        assert sess.run(parsed["k"]).tolist() == [0, 1, 2, 3]


# ---------------------------------------------------------------------- tf.gfile (TF1)


def test_tf1_gfile_names(tmp_path):
    gfile = tf.gfile
    gfile.MakeDirs(str(tmp_path / "a" / "b"))
    gfile.MkDir(str(tmp_path / "c"))
    with gfile.Open(str(tmp_path / "a" / "f.txt"), "w") as handle:
        handle.write("text")
    with gfile.FastGFile(str(tmp_path / "a" / "f.txt"), "rb") as handle:
        assert handle.read() == b"text"
    assert gfile.Exists(str(tmp_path / "a")) and gfile.IsDirectory(str(tmp_path / "a"))
    assert gfile.ListDirectory(str(tmp_path / "a")) == ["b", "f.txt"]
    assert gfile.Glob(str(tmp_path / "a" / "*.txt")) == [str(tmp_path / "a" / "f.txt")]
    gfile.Copy(str(tmp_path / "a" / "f.txt"), str(tmp_path / "g.txt"))
    gfile.Rename(str(tmp_path / "g.txt"), str(tmp_path / "h.txt"))
    assert gfile.Stat(str(tmp_path / "h.txt")).length == 4
    gfile.Remove(str(tmp_path / "h.txt"))
    assert [entry[0] for entry in gfile.Walk(str(tmp_path / "a"))] == [
        str(tmp_path / "a"),
        str(tmp_path / "a" / "b"),
    ]
    gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not gfile.Exists(str(tmp_path / "a"))
    with pytest.raises(tf.errors.NotFoundError):
        gfile.Remove(str(tmp_path / "h.txt"))


def test_tf_io_gfile_namespace(tmp_path):
    path = tf.io.gfile.join(str(tmp_path), "x.txt")
    with tf.io.gfile.GFile(path, "w") as handle:
        handle.write("1")
    assert tf.io.gfile.exists(path) and tf.io.gfile.listdir(str(tmp_path)) == ["x.txt"]
    assert tf.io.gfile.get_registered_schemes() == ["file"]
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.io.gfile.copy(path, path)
