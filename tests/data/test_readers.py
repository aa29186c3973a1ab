"""tf.data's file readers (TFRecordDataset, TextLineDataset, FixedLengthRecordDataset,
CsvDataset, make_csv_dataset) and list_files: against real TensorFlow's results
(tests/golden/data_readers, recorded from tests/data/reader_cases.py), against the TFRecord
fixtures TensorFlow wrote, and their graphs, errors, batching fast path and iterator state."""

from __future__ import annotations

import base64
import gzip
import json
import os
import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.formats import tfrecord
from ndflow.framework import op_builder
from ndflow.ops.data import runtime
from tests.data import reader_cases
from tests.support import golden

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "tfrecord"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
RAW_RECORDS = [base64.b64decode(r) for r in EXPECTED["raw_records_b64"]]
Dataset = tf.data.Dataset


def _drain(dataset, feed=None):
    """All elements (NumPy) of `dataset` through an initializable iterator, and the error
    that ended it (None at OutOfRange)."""
    graph = tf.Graph() if callable(dataset) else dataset.graph
    with graph.as_default():
        built = dataset() if callable(dataset) else dataset
        iterator = built.make_initializable_iterator()
        element = iterator.get_next()
        values = []
        with tf.Session() as sess:
            try:
                sess.run(iterator.initializer, feed)
            except tf.errors.OpError as error:
                return values, error
            while True:
                try:
                    values.append(sess.run(element))
                except tf.errors.OutOfRangeError:
                    return values, None
                except tf.errors.OpError as error:
                    return values, error


# ---------------------------------------------------------------------- TF's goldens


def _golden_elements(arrays, count):
    return [
        [
            arrays[k]
            for k in sorted(
                (k for k in arrays if k.startswith(f"e{i}_")), key=lambda k: int(k.split("_")[1])
            )
        ]
        for i in range(count)
    ]


@pytest.mark.parametrize("name", sorted(reader_cases.BY_NAME))
def test_reader_matches_tensorflow(name, tmp_path):
    expected_arrays, expected = golden.load("data_readers", name)
    arrays, meta = reader_cases.run_case(tf, reader_cases.BY_NAME[name], str(tmp_path))
    if expected["error"] is None:
        assert meta["error"] is None, meta["error"]
    else:
        assert meta["error"] is not None, f"TF raised {expected['error']}"
        assert meta["error"]["class"] == expected["error"]["class"]
        # ndflow appends where (record index, file); TF's words come first.
        assert meta["error"]["message"].startswith(expected["error"]["message"]), (
            meta["error"]["message"],
            expected["error"]["message"],
        )
    assert meta["count"] == expected["count"]
    assert meta.get("structure") == expected.get("structure")
    assert meta.get("dataset_ops") == expected.get("dataset_ops")
    mine = _golden_elements(arrays, meta["count"])
    theirs = _golden_elements(expected_arrays, expected["count"])
    for index, (a, b) in enumerate(zip(mine, theirs)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert x.dtype == y.dtype and x.shape == y.shape, (index, x, y)
            np.testing.assert_array_equal(x, y, err_msg=f"{name} element {index}")


# ---------------------------------------------------------------------- TF's TFRecord files


@pytest.mark.parametrize(
    "name, compression",
    [("plain.tfrecord", ""), ("gzip.tfrecord.gz", "GZIP"), ("zlib.tfrecord", "ZLIB")],
)
def test_tfrecord_fixtures_written_by_tensorflow(name, compression):
    values, error = _drain(lambda: tf.data.TFRecordDataset(str(FIXTURES / name), compression))
    assert error is None
    assert values == RAW_RECORDS


@pytest.mark.parametrize(
    "name", ["corrupt_crc.tfrecord", "truncated.tfrecord", "truncated_header.tfrecord"]
)
def test_broken_tfrecord_fixtures_behave_as_tensorflow(name):
    expected = EXPECTED["error_behaviour"][name]["tf.data.TFRecordDataset"]
    path = str(FIXTURES / name)
    values, error = _drain(lambda: tf.data.TFRecordDataset(path))
    assert values == RAW_RECORDS[: expected["records_yielded_before_error"]]
    if expected["error_class"] is None:
        assert error is None
        return
    assert type(error).__name__ == expected["error_class"]
    assert error.message.startswith(expected["core_message"])
    assert f"in {path}" in error.message  # the file and record index come after TF's words


def test_batched_records_with_parse_example_match_tensorflow():
    features = {
        "f": tf.io.FixedLenFeature([3], tf.float32),
        "i": tf.io.FixedLenFeature([], tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string),
    }

    def dataset():
        records = tf.data.TFRecordDataset(str(FIXTURES / "plain.tfrecord")).batch(8)
        return records.map(lambda batch: tf.io.parse_example(batch, features))

    batches, error = _drain(dataset)
    assert error is None and [len(b["i"]) for b in batches] == [8, 8, 4]
    expected = EXPECTED["parse_example"]["result"]
    np.testing.assert_array_equal(np.concatenate([b["i"] for b in batches]), expected["i"])
    np.testing.assert_array_equal(
        np.concatenate([b["f"] for b in batches]), np.asarray(expected["f"], np.float32)
    )
    assert np.concatenate([b["s"] for b in batches]).tolist() == [
        base64.b64decode(s) for s in expected["s_b64"]
    ]


# ---------------------------------------------------------------------- graphs and errors


def _op_types(graph):
    return [op.type for op in graph.get_operations()]


def test_reader_graph_is_tensorflows():
    with tf.Graph().as_default() as graph:
        dataset = tf.data.TFRecordDataset(["a", "b"])
        assert isinstance(dataset, tf.data.Dataset)
        assert dataset.element_spec == tf.TensorSpec([], tf.string)
        assert [op.name for op in graph.get_operations()][1:4] == [
            "flat_filenames/shape",
            "flat_filenames",
            "TensorSliceDataset",
        ]
        assert _op_types(graph)[-1] == "FlatMapDataset"
        assert graph.get_operation_by_name("TensorSliceDataset").get_attr("is_files")
        function = graph.as_graph_def().library.function[0]
        inner = [node.op for node in function.node_def]
        assert "TFRecordDataset" in inner
        tf.data.TextLineDataset(["a"], num_parallel_reads=2)
        assert _op_types(graph)[-1] == "LegacyParallelInterleaveDatasetV2"
        tf.data.TextLineDataset(["a"], num_parallel_reads=tf.data.AUTOTUNE)
        assert _op_types(graph)[-1] == "ParallelInterleaveDatasetV4"


def test_filenames_must_be_strings():
    with tf.Graph().as_default():
        with pytest.raises(
            TypeError, match="must contain `tf.string` elements. Got `tf.int32` elements"
        ):
            tf.data.TextLineDataset([1, 2])
        with pytest.raises(TypeError, match="Got a dataset of `tf.int64` elements"):
            tf.data.TFRecordDataset(Dataset.range(3))
        with pytest.raises(TypeError, match=r"of shape \[\] \(i.e. scalars\)"):
            tf.data.TFRecordDataset(Dataset.from_tensors(["a", "b"]))


def test_filename_tensor_of_any_rank_and_placeholder(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_bytes(f"{name}1\n{name}2\n".encode())
    names = np.array([[str(tmp_path / "a.txt")], [str(tmp_path / "b.txt")]], dtype=object)
    with tf.Graph().as_default():
        placeholder = tf.placeholder(tf.string, [None, 1])
        values, error = _drain(tf.data.TextLineDataset(placeholder), {placeholder: names})
    assert error is None and values == [b"a1", b"a2", b"b1", b"b2"]


def test_reader_kernel_rejects_a_matrix_of_filenames():
    with tf.Graph().as_default():
        variant = op_builder.apply_op("TextLineDataset", [["a"]], "", np.int64(0))
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="must be a scalar or a vector"),
        ):
            sess.run(variant)


# ---------------------------------------------------------------------- batching fast path


def _write_tfrecords(path, records, compression=""):
    with tfrecord.RecordWriter(str(path), compression) as writer:
        for record in records:
            writer.write(record)


@pytest.mark.parametrize("drop", [False, True])
def test_batches_from_runs_of_records_equal_batches_of_elements(tmp_path, drop):
    records = [bytes([k]) * k for k in range(23)]
    _write_tfrecords(tmp_path / "a.tfrecord", records[:10])
    _write_tfrecords(tmp_path / "b.tfrecord", records[10:], "GZIP")
    paths = [str(tmp_path / "a.tfrecord")]
    fast, _ = _drain(
        lambda: (
            tf.data.TFRecordDataset(paths)
            .concatenate(tf.data.TFRecordDataset(str(tmp_path / "b.tfrecord"), "GZIP"))
            .batch(4, drop)
        )
    )
    # A map in between hides the runs: elements are batched one by one.
    slow, _ = _drain(
        lambda: (
            tf.data.TFRecordDataset(paths)
            .concatenate(tf.data.TFRecordDataset(str(tmp_path / "b.tfrecord"), "GZIP"))
            .map(tf.identity)
            .batch(4, drop)
        )
    )
    expected = [records[i : i + 4] for i in range(0, 23, 4)]
    expected = expected[:-1] if drop else expected
    for got in (fast, slow):
        assert [b.tolist() for b in got] == expected
        assert all(b.dtype == object for b in got)


def test_runs_of_rows_across_files_and_kinds(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"1\n2\n3")
    (tmp_path / "b.bin").write_bytes(b"xxyyzz")
    values, _ = _drain(lambda: tf.data.TextLineDataset([str(tmp_path / "a.txt")] * 3).batch(4))
    assert [v.tolist() for v in values] == [
        [b"1", b"2", b"3", b"1"],
        [b"2", b"3", b"1", b"2"],
        [b"3"],
    ]
    values, _ = _drain(
        lambda: tf.data.FixedLengthRecordDataset(str(tmp_path / "b.bin"), 2).batch(2)
    )
    assert [v.tolist() for v in values] == [[b"xx", b"yy"], [b"zz"]]


# ---------------------------------------------------------------------- iterator state


def _state_round_trips(build):
    """Saves the state before every element, restores it in a fresh iterator and checks
    the rest of the output (grain's checkpoint-at-every-step test)."""
    with tf.Graph().as_default():
        dataset = build()
        with tf.Session() as sess:
            value = sess.run(dataset._variant_tensor)
    expected = _all(value.make_iterator())
    assert expected
    for stop in range(len(expected) + 1):
        iterator = value.make_iterator()
        head = [next(iterator) for _ in range(stop)]
        state = iterator.get_state()
        iterator.close()
        restored = value.make_iterator()
        restored.set_state(state)
        assert _plain(head + _all(restored)) == _plain(expected), stop
        _assert_plain_state(state)


def _all(iterator: runtime.RuntimeIterator) -> list:
    try:
        return list(iterator)
    finally:
        iterator.close()


def _plain(elements):
    return [[np.asarray(c).tolist() for c in element] for element in elements]


def _assert_plain_state(state):
    """Iterator state is small and plain: dicts, lists, numbers, strings, None."""
    if isinstance(state, dict):
        for value in state.values():
            _assert_plain_state(value)
    elif isinstance(state, list):
        for value in state:
            _assert_plain_state(value)
    else:
        assert state is None or isinstance(state, (int, float, str, bytes, bool)), state


def _state_files(tmp_path):
    _write_tfrecords(tmp_path / "a.tfrecord", [b"r%d" % k for k in range(5)])
    _write_tfrecords(tmp_path / "b.tfrecord.gz", [b"g%d" % k for k in range(4)], "GZIP")
    (tmp_path / "a.txt").write_bytes(b"l0\r\nl1\n\nl3")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"z0\nz1\n"))
    (tmp_path / "f.bin").write_bytes(b"HH" + b"abcdefgh" + b"F")
    (tmp_path / "f.bin.gz").write_bytes(gzip.compress(b"HH" + b"ijklmnop" + b"F"))
    (tmp_path / "c.csv").write_bytes(b'h,k\n1,"a\nb"\n2,\r\n3,"c""d"')
    return lambda name: str(tmp_path / name)


@pytest.mark.parametrize("reader", ["tfrecord", "text", "fixed", "csv"])
def test_reader_state_restores_at_every_element(tmp_path, reader):
    path = _state_files(tmp_path)
    builders = {
        "tfrecord": lambda: tf.data.TFRecordDataset(path("a.tfrecord")).concatenate(
            tf.data.TFRecordDataset(path("b.tfrecord.gz"), "GZIP")
        ),
        "text": lambda: tf.data.TextLineDataset(path("a.txt")).concatenate(
            tf.data.TextLineDataset(path("b.txt.gz"), "GZIP")
        ),
        "fixed": lambda: tf.data.FixedLengthRecordDataset(path("f.bin"), 2, 2, 1).concatenate(
            tf.data.FixedLengthRecordDataset(path("f.bin.gz"), 2, 2, 1, compression_type="GZIP")
        ),
        "csv": lambda: tf.data.experimental.CsvDataset(
            [path("c.csv")] * 2, [tf.int64, ["?"]], header=True
        ),
    }
    _state_round_trips(builders[reader])


def test_tfrecord_reader_kernel_state_with_several_files(tmp_path):
    path = _state_files(tmp_path)
    _state_round_trips(
        lambda: Dataset(
            op_builder.apply_op(
                "TFRecordDataset", [path("a.tfrecord"), path("a.tfrecord")], "", np.int64(-1)
            ),
            tf.TensorSpec([], tf.string),
        )
    )


# ---------------------------------------------------------------------- make_csv_dataset


def test_make_csv_dataset_infers_types_and_shuffles_with_a_seed(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"i,f,s\n1,0.5,x\n2,1e3,y\n3,,z\n4,2,\n")
    pattern = str(tmp_path / "*.csv")

    def build(seed):
        return lambda: tf.data.experimental.make_csv_dataset(
            pattern, batch_size=4, num_epochs=1, shuffle_seed=seed
        )

    first, _ = _drain(build(3))
    second, _ = _drain(build(3))
    (batch,) = first
    assert list(batch) == ["i", "f", "s"]
    assert batch["i"].dtype == np.int32 and batch["f"].dtype == np.float32
    assert batch["s"].dtype == object
    assert sorted(batch["i"].tolist()) == [1, 2, 3, 4]
    assert sorted(batch["f"].tolist()) == [0.0, 0.5, 2.0, 1000.0]
    assert batch["i"].tolist() == second[0]["i"].tolist()


def test_make_csv_dataset_errors(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x,x\n1,2\n")
    (tmp_path / "b.csv").write_bytes(b"x,y\n1,2\n")
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No files match `file_pattern`"):
            tf.data.experimental.make_csv_dataset(str(tmp_path / "zz*"), 2)
        with pytest.raises(ValueError, match="duplicate column names"):
            tf.data.experimental.make_csv_dataset(str(tmp_path / "a.csv"), 2)
        with pytest.raises(ValueError, match="`label_name` provided must be one of"):
            tf.data.experimental.make_csv_dataset(str(tmp_path / "b.csv"), 2, label_name="z")
        with pytest.raises(ValueError, match="same column names in the header row"):
            tf.data.experimental.make_csv_dataset(
                str(tmp_path / "*.csv"), 2, column_defaults=[1, 2]
            )
        with pytest.raises(ValueError, match="Neither is provided"):
            tf.data.experimental.make_csv_dataset(str(tmp_path / "b.csv"), 2, header=False)


# ---------------------------------------------------------------------- list_files


def test_list_files_shuffles_by_default_and_is_deterministic_with_a_seed(tmp_path):
    names = sorted(str(tmp_path / f"f{i}.txt") for i in range(8))
    for name in names:
        pathlib.Path(name).write_bytes(b"")
    pattern = str(tmp_path / "*.txt")
    shuffled, _ = _drain(lambda: Dataset.list_files(pattern, seed=5))
    again, _ = _drain(lambda: Dataset.list_files(pattern, seed=5))
    assert sorted(v.decode() for v in shuffled) == names
    assert shuffled == again
    with tf.Graph().as_default() as graph:
        Dataset.list_files(pattern)
        assert "ShuffleDataset" in _op_types(graph)
        assert graph.get_operation_by_name("list_files/MatchingFiles")


def test_list_files_pattern_placeholder_fails_at_run_time(tmp_path):
    with tf.Graph().as_default():
        pattern = tf.placeholder(tf.string, [])
        values, error = _drain(
            Dataset.list_files(pattern, shuffle=False),
            {pattern: os.path.join(str(tmp_path), "*.none")},
        )
    assert values == [] and isinstance(error, tf.errors.InvalidArgumentError)
    assert "No files matched pattern: " in error.message
