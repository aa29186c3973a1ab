"""One row per file-reader and cache dataset op (OP_SPECS): each reads the numbers 0..5
from a small file in tests/fixtures/readers (the TFRecord one written by TensorFlow), adds
the input tensor and compares with NumPy. Behaviour against real TensorFlow is in
tests/data/test_readers.py and tests/data/test_cache.py."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.data import readers
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "readers"
I64 = tf.int64
NOT_DIFF = "a dataset op (TF declares it not differentiable)"
Dataset = tf.data.Dataset


def _path(name):
    return str(FIXTURES / name)


def _drain(dataset):
    """The int64 scalars of `dataset`, concatenated into one vector."""
    return dataset.reduce(tf.zeros([0], I64), lambda acc, v: tf.concat([acc, [v]], 0))


def _numbers(strings):
    return strings.map(lambda s: tf.strings.to_number(s, tf.int64))


def _plus_file(dataset_fn):
    return lambda x: _drain(dataset_fn()) + x


def _row(op_type, builder, reference=lambda x: np.arange(6) + x, static=6):
    """A row over int64 vectors; `static` is the length the drained output is known to have
    for a [6] input (None: the reader's output length is unknown)."""
    return OpSpec(
        op_type,
        builder,
        reference,
        [(6,)],
        [I64],
        "any",
        shape_cases=[
            ShapeCase([([None], I64)], expected=[None]),
            ShapeCase([([6], I64)], expected=[static]),
        ],
        grad=NOT_DIFF,
    )


OP_SPECS = [
    _row(
        "TFRecordDataset",
        _plus_file(lambda: _numbers(tf.data.TFRecordDataset(_path("numbers.tfrecord")))),
    ),
    _row(
        "TextLineDataset",
        _plus_file(lambda: _numbers(tf.data.TextLineDataset(_path("numbers.txt")))),
    ),
    _row(
        "FixedLengthRecordDatasetV2",
        _plus_file(
            lambda: _numbers(
                tf.data.FixedLengthRecordDataset(
                    _path("numbers.bin"), 2, header_bytes=3, footer_bytes=2
                )
            )
        ),
    ),
    _row(
        "CSVDatasetV2",
        _plus_file(
            lambda: tf.data.experimental.CsvDataset(
                _path("numbers.csv"), [tf.int64, tf.string], header=True
            ).map(lambda k, n: k)
        ),
    ),
    _row(
        "CacheDataset",
        lambda x: _drain(Dataset.from_tensor_slices(x).cache().repeat(2)),
        lambda x: np.concatenate([x, x]),
        static=None,
    ),
    # Three inner datasets of two elements each, one element from each in turn.
    _row(
        "LegacyParallelInterleaveDatasetV2",
        lambda x: _drain(
            Dataset(
                *readers.parallel_interleave(
                    Dataset.from_tensor_slices(x), lambda v: Dataset.from_tensors(v).repeat(2), 3
                )
            )
        ),
        lambda x: np.concatenate([np.tile(x[:3], 2), np.tile(x[3:], 2)]),
        static=None,
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)
