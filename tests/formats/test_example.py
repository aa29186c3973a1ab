"""tf.train.Example <-> NumPy and batch parsing (ndflow/formats/example.py and the parsers
behind it: example_batch.py, example_exact.py, example_config.py)."""

from __future__ import annotations

import base64
import json
import pathlib

import numpy as np
import pytest

from ndflow.formats import example
from ndflow.formats import example_batch
from ndflow.formats import tfrecord
from ndflow.framework import dtypes
from ndflow.framework import errors

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "tfrecord"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def _required(dtype):
    return np.zeros(0, dtype=object if dtype == dtypes.string else dtype.as_numpy_dtype)


FIXTURE_CONFIG = example.Config(
    dense=[
        example.DenseSpec("f", dtypes.float32, (3,), _required(dtypes.float32)),
        example.DenseSpec("i", dtypes.int64, (), _required(dtypes.int64)),
        example.DenseSpec("s", dtypes.string, (), _required(dtypes.string)),
    ],
    sparse=[example.SparseSpec("v", dtypes.int64)],
)


def _check_fixture_result(parsed):
    want = EXPECTED["parse_example"]["result"]
    np.testing.assert_array_equal(parsed.dense_values[0], np.array(want["f"], np.float32))
    assert parsed.dense_values[0].dtype == np.float32
    assert parsed.dense_values[1].tolist() == want["i"]
    assert [base64.b64encode(s).decode() for s in parsed.dense_values[2]] == want["s_b64"]
    assert parsed.sparse_indices[0].tolist() == want["v"]["indices"]
    assert parsed.sparse_values[0].tolist() == want["v"]["values"]
    assert parsed.sparse_shapes[0].tolist() == want["v"]["dense_shape"]


def test_tensorflow_written_examples_parse_as_tensorflow_parsed_them():
    records = list(tfrecord.RecordReader(FIXTURES / "plain.tfrecord"))
    _check_fixture_result(example.parse_examples(records, FIXTURE_CONFIG))


def test_fixture_batch_takes_the_vectorized_path():
    records = list(tfrecord.RecordReader(FIXTURES / "plain.tfrecord"))
    assert example_batch.parse_batch(records, FIXTURE_CONFIG) is not None


def test_small_batches_use_the_exact_parser_with_the_same_result():
    records = list(tfrecord.RecordReader(FIXTURES / "plain.tfrecord"))
    for size in (1, 3, 7):
        parsed = example.parse_examples(records[:size], FIXTURE_CONFIG)
        assert parsed.dense_values[1].tolist() == EXPECTED["parse_example"]["result"]["i"][:size]


def test_examples_decode_to_numpy_as_tensorflow_did():
    records = list(tfrecord.RecordReader(FIXTURES / "plain.tfrecord"))
    for record, want in zip(records, EXPECTED["examples"]):
        values = example.example_to_numpy(record)
        np.testing.assert_array_equal(values["f"], np.array(want["f"], np.float32))
        assert values["i"].tolist() == [want["i"]]
        assert values["s"].tolist() == [base64.b64decode(want["s_b64"])]
        assert values["v"].tolist() == want["v"]


def test_make_example_round_trips_types():
    made = example.make_example(
        {
            "f": np.array([1.5, -2.0], np.float32),
            "i": [1, -(2**63)],
            "b": [b"a\x00", "é"],
            "flag": np.array([True, False]),
            "scalar": 3,
        }
    )
    values = example.example_to_numpy(made.SerializeToString())
    assert values["f"].dtype == np.float32 and values["f"].tolist() == [1.5, -2.0]
    assert values["i"].tolist() == [1, -(2**63)]
    assert values["b"].tolist() == [b"a\x00", "é".encode()]
    assert values["flag"].tolist() == [1, 0]
    assert values["scalar"].tolist() == [3]


def test_make_feature_rejects_unsupported_types():
    with pytest.raises(TypeError, match="Cannot store values of dtype"):
        example.make_feature(np.array([1 + 2j]))


def test_sequence_examples_decode_to_numpy_as_tensorflow_did():
    records = list(tfrecord.RecordReader(FIXTURES / "seq.tfrecord"))
    for record, want in zip(records, EXPECTED["sequence_examples"]):
        context, lists = example.sequence_example_to_numpy(record)
        assert context["length"].tolist() == [want["context"]["length"]]
        assert base64.b64encode(context["label"][0]).decode() == want["context"]["label_b64"]
        assert [row.tolist() for row in lists.get("tokens", [])] == want["feature_lists"]["tokens"]


def test_make_sequence_example_round_trips():
    made = example.make_sequence_example({"n": [2]}, {"t": [[1, 2], [3]], "x": [[0.5]]})
    context, lists = example.sequence_example_to_numpy(made)
    assert context["n"].tolist() == [2]
    assert [row.tolist() for row in lists["t"]] == [[1, 2], [3]]


def test_padded_dense_and_ragged_outputs():
    padded = example.Config(dense=[example.DenseSpec("q", dtypes.int64, (-1, 2), np.array(-1))])
    ragged = example.Config(ragged=[example.RaggedSpec("q", dtypes.int64, dtypes.int32)])
    records = [
        example.make_example({"q": [1, 2, 3, 4]}).SerializeToString(),
        example.make_example({}).SerializeToString(),
        example.make_example({"q": [5, 6]}).SerializeToString(),
    ] * 4
    parsed = example.parse_examples(records, padded)
    assert parsed.dense_values[0].shape == (12, 2, 2)
    assert parsed.dense_values[0][1].tolist() == [[-1, -1], [-1, -1]]
    assert parsed.dense_values[0][2].tolist() == [[5, 6], [-1, -1]]
    splits = example.parse_examples(records, ragged).ragged_splits[0]
    assert splits.dtype == np.int32
    assert splits[:4].tolist() == [0, 4, 4, 6]


def test_single_example_outputs_have_no_batch_dimension():
    config = example.Config(
        dense=[example.DenseSpec("x", dtypes.float32, (2,), np.array([7.0, 8.0], np.float32))],
        sparse=[example.SparseSpec("v", dtypes.string)],
    )
    parsed = example.parse_single_example(
        example.make_example({"v": [b"a", b"b"]}).SerializeToString(), config
    )
    assert parsed.dense_values[0].tolist() == [7.0, 8.0]
    assert parsed.sparse_indices[0].tolist() == [[0], [1]]
    assert parsed.sparse_shapes[0].tolist() == [2]


def test_errors_name_the_key_and_the_example_index():
    config = example.Config(
        dense=[example.DenseSpec("x", dtypes.int64, (), _required(dtypes.int64))]
    )
    records = [example.make_example({"x": [1]}).SerializeToString()] * 9
    records.append(example.make_example({"x": [1, 2]}).SerializeToString())
    with pytest.raises(errors.InvalidArgumentError) as info:
        example.parse_examples(records, config, names=[b"r%d" % i for i in range(10)])
    assert str(info.value) == (
        "Name: r9, Key: x, Index: 9.  Number of int64 values != expected.  Values size: 2 but "
        "output shape: []"
    )
