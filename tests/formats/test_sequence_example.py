"""SequenceExample parsing (ndflow/formats/sequence_example.py) on TensorFlow-written files."""

from __future__ import annotations

import base64
import json
import pathlib

import numpy as np
import pytest

from ndflow.formats import example
from ndflow.formats import example_config
from ndflow.formats import sequence_example
from ndflow.formats import tfrecord
from ndflow.framework import dtypes
from ndflow.framework import errors

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "tfrecord"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
RECORDS = list(tfrecord.RecordReader(FIXTURES / "seq.tfrecord"))
CONTEXT = example_config.Config(
    dense=[
        example_config.DenseSpec("label", dtypes.string, (), np.zeros(0, object)),
        example_config.DenseSpec("length", dtypes.int64, (), np.zeros(0, np.int64)),
    ]
)
LISTS = sequence_example.ListsConfig(
    dense=[sequence_example.ListDenseSpec("scores", dtypes.float32, (1,))],
    sparse=[example_config.SparseSpec("tokens", dtypes.int64)],
)


@pytest.mark.parametrize("index", range(len(RECORDS)))
def test_single_sequence_examples_parse_as_tensorflow_parsed_them(index):
    want = EXPECTED["parse_single_sequence_example"]["result"][index]
    parsed = sequence_example.parse_sequence_examples(
        [RECORDS[index]], CONTEXT, LISTS, is_batch=False
    )
    label, length = parsed.context.dense_values
    assert base64.b64encode(label.item()).decode() == want["context"]["label_b64"]
    assert length.item() == want["context"]["length"]
    scores = np.array(want["scores"], np.float32).reshape(-1, 1)
    np.testing.assert_array_equal(parsed.dense_values[0], scores)
    assert parsed.sparse_indices[0].tolist() == want["tokens"]["indices"]
    assert parsed.sparse_values[0].tolist() == want["tokens"]["values"]
    assert parsed.sparse_shapes[0].tolist() == want["tokens"]["dense_shape"]


def test_batch_pads_dense_lists_and_reports_lengths():
    parsed = sequence_example.parse_sequence_examples(RECORDS, CONTEXT, LISTS)
    assert parsed.dense_values[0].shape == (5, 5, 1)
    assert parsed.dense_lengths[0].tolist() == [1, 2, 3, 0, 5]
    assert parsed.dense_values[0][3].tolist() == [[0.0]] * 5
    assert parsed.sparse_shapes[0].tolist() == [5, 5, 2]
    assert parsed.sparse_indices[0].shape[1] == 3


def test_ragged_feature_lists_have_outer_and_inner_splits():
    lists = sequence_example.ListsConfig(
        ragged=[example_config.RaggedSpec("tokens", dtypes.int64, dtypes.int64)]
    )
    parsed = sequence_example.parse_sequence_examples(RECORDS[:3], example_config.Config(), lists)
    assert parsed.ragged_outer_splits[0].tolist() == [0, 1, 3, 6]
    assert parsed.ragged_inner_splits[0].tolist() == [0, 0, 0, 1, 1, 2, 4]
    assert parsed.ragged_values[0].tolist() == [11, 21, 22, 23]


def test_missing_required_feature_list_is_tensorflow_error():
    record = example.make_sequence_example({}, {"tokens": [[1]]}).SerializeToString()
    with pytest.raises(errors.InvalidArgumentError, match="Feature list 'scores' is required"):
        sequence_example.parse_sequence_examples([record], example_config.Config(), LISTS)


def test_allow_missing_pads_with_zeros():
    lists = sequence_example.ListsConfig(
        dense=[sequence_example.ListDenseSpec("scores", dtypes.float32, (1,), allow_missing=True)]
    )
    record = example.make_sequence_example({}, {}).SerializeToString()
    parsed = sequence_example.parse_sequence_examples(
        [record, RECORDS[1]], example_config.Config(), lists
    )
    assert parsed.dense_lengths[0].tolist() == [0, 2]
    assert parsed.dense_values[0].tolist() == [[[0.0], [0.0]], [[1.0], [1.25]]]


def test_unparseable_input_names_the_example():
    with pytest.raises(errors.InvalidArgumentError, match="example id: bad"):
        sequence_example.parse_sequence_examples([b"\xff\xff"], CONTEXT, LISTS, names=[b"bad"])
