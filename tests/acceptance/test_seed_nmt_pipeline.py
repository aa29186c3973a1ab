"""The seed's NMT input pipeline (TextLineDataset -> vocab tables -> zip/shard/shuffle ->
string_split -> filter -> truncation -> lookup -> sos/eos -> padded_batch bucketed with
tf.contrib.data.group_by_window -> initializable iterator) runs unchanged and yields
TensorFlow's batches (goldens by tools/goldens/nmt.py)."""

from __future__ import annotations

import collections

import numpy as np

import ndflow as tf
import ndflow.lookup as lookup_ops
from examples import seed_programs
from tests.support import golden


def _golden_batches(case):
    arrays, meta = golden.load("nmt", case)
    return [[arrays[f"b{i}_{j}"] for j in range(5)] for i in range(meta["batches"])]


def _rows(batches) -> collections.Counter:
    """Each example as its unpadded (src, tgt_in, tgt_out) ids, counted."""
    rows = collections.Counter()
    for src, tgt_in, tgt_out, src_len, tgt_len in batches:
        for i in range(len(src)):
            rows[
                (
                    tuple(src[i, : src_len[i]]),
                    tuple(tgt_in[i, : tgt_len[i]]),
                    tuple(tgt_out[i, : tgt_len[i]]),
                )
            ] += 1
    return rows


def _run(tmp_path, buffer):
    paths = seed_programs.nmt_files(str(tmp_path))
    with tf.Graph().as_default():
        return seed_programs.nmt_batches(tf, lookup_ops, paths, buffer)


def test_unshuffled_batches_equal_tensorflows(tmp_path):
    batches = _run(tmp_path, 1)
    expected = _golden_batches("nmt_unshuffled")
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        for a, b in zip(got, want):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(a, b)


def test_shuffled_batches_hold_tensorflows_examples(tmp_path):
    batches = _run(tmp_path, None)
    expected = _golden_batches("nmt_shuffled")
    assert _rows(batches) == _rows(expected)
    for src, tgt_in, tgt_out, src_len, tgt_len in batches:
        assert len(src) <= 3 and src.shape[1] == src_len.max()
        assert tgt_in.shape[1] == tgt_len.max() == tgt_out.shape[1]
