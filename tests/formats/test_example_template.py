"""The template path of batch parsing (ndflow/formats/example_template.py): examples sharing a
byte layout, read at fixed offsets, must give exactly what the exact parser gives; anything
that does not share the layout must be refused (None), never misread."""

from __future__ import annotations

import numpy as np
import pytest

from ndflow.formats import example
from ndflow.formats import example_config
from ndflow.formats import example_exact
from ndflow.formats import example_template
from ndflow.formats import protowire
from ndflow.framework import dtypes

CONFIG = example_config.Config(
    dense=[
        example_config.DenseSpec("f", dtypes.float32, (2,), np.zeros(0, np.float32)),
        example_config.DenseSpec("d", dtypes.int64, (), np.array([-5])),
    ],
    sparse=[
        example_config.SparseSpec("i", dtypes.int64),
        example_config.SparseSpec("s", dtypes.string),
    ],
)


def _serialize(values) -> bytes:
    return example.make_example(values).SerializeToString()


def _field(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def _entries(*items) -> bytes:
    """An Example holding these (key, serialized Feature) entries, in this order."""
    body = b"".join(_field(1, _field(1, key.encode()) + _field(2, value)) for key, value in items)
    return _field(1, body)


def _int64_feature(value: int) -> bytes:
    return _field(3, _field(1, bytes([value])))


def _check_same_as_exact(serialized):
    columns = example_template.parse_batch(protowire.Batch(serialized), CONFIG)
    assert columns is not None, "a shared layout must take the template path"
    for got, want in zip(columns, example_exact.parse_batch(serialized, CONFIG)):
        np.testing.assert_array_equal(got.counts, want.counts)
        assert got.values.dtype == want.values.dtype
        assert got.values.tolist() == want.values.tolist()
        np.testing.assert_array_equal(got.present[want.counts > 0], True)


def test_one_layout_reads_every_value():
    rng = np.random.default_rng(0)
    serialized = []
    for k in range(40, 60):
        values = {
            "f": rng.normal(size=2).astype(np.float32),
            "d": [k],
            "i": [k + 300, -k],
            "s": [bytes([k]) * 3, b"xy"],
        }
        serialized.append(_serialize(values))
    _check_same_as_exact(serialized)


def test_several_lengths_merge_in_example_order():
    serialized = []
    for k in range(30):
        values = {"f": [float(k), 0.5], "i": [k % 2, 7], "s": [b"z" * (2 * (k % 2))]}
        if k % 5:
            values["d"] = [k + 1]
        serialized.append(_serialize(values))
    assert len({len(s) for s in serialized}) == 4
    _check_same_as_exact(serialized)


def test_empty_features_and_empty_lists():
    empty = example.make_example({"f": [1.0, 2.0]})
    empty.features.feature["i"].Clear()  # a Feature with no list
    empty.features.feature["s"].bytes_list.SetInParent()  # an empty bytes list
    _check_same_as_exact([empty.SerializeToString()] * 9)


@pytest.mark.parametrize(
    "serialized",
    [
        # The same length, but the keys in another order: the structure check refuses it.
        [
            _entries(("d", _int64_feature(1)), ("i", _int64_feature(2))),
            _entries(("i", _int64_feature(1)), ("d", _int64_feature(2))),
        ],
        # A required dense feature is missing.
        [_serialize({"d": [1]})] * 3,
        # A dense feature with the wrong number of values.
        [_serialize({"f": [1.0], "d": [1]})] * 3,
    ],
)
def test_different_or_invalid_layouts_are_refused(serialized):
    assert example_template.parse_batch(protowire.Batch(serialized), CONFIG) is None


def test_refused_batches_still_parse_through_the_other_paths():
    serialized = [
        _entries(("f", _field(2, _field(1, bytes(8)))), ("d", _int64_feature(1))),
        _entries(("d", _int64_feature(2)), ("f", _field(2, _field(1, bytes(8))))),
    ] * 5
    parsed = example.parse_examples(serialized, CONFIG)
    assert parsed.dense_values[1].tolist() == [1, 2] * 5
    assert parsed.dense_values[0].tolist() == [[0.0, 0.0]] * 10
