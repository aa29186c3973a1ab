"""Clipping (ndflow/ops/clip.py): clip_by_norm, clip_by_global_norm, global_norm and
clip_by_average_norm against values and graphs recorded from real TensorFlow
(tests/golden/optimizers/clip_*), plus independent NumPy references. No op of their own, so
no OP_SPECS rows: they build math, array and nn ops."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import clip
from ndflow.ops import math
from tests.support import golden

CLIP_CASES = [c for c in golden.cases("optimizers") if c.startswith(("clip_", "global_norm"))]


def _fetches(result):
    items = list(result[0]) + [result[1]] if isinstance(result, tuple) else [result]
    fetches = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, tf.IndexedSlices):
            fetches += [item.values, item.indices]
        else:
            fetches.append(item)
    return fetches


def _nodes(graph):
    nodes = {}
    for node in graph.as_graph_def().node:
        data = [i for i in node.input if not i.startswith("^")]
        nodes[node.name] = (node.op, data)
    return nodes


@pytest.mark.parametrize("case", CLIP_CASES)
def test_matches_tensorflow(case):
    arrays, meta = golden.load("optimizers", case)
    with tf.Graph().as_default() as graph:
        names = ("a", "b", "zero", "values", "indices")
        inputs = {k: tf.constant(arrays[k]) for k in names}
        result = eval(meta["expression"], {"tf": tf, **inputs})  # noqa: S307 - our goldens
        fetches = _fetches(result)
        assert len(fetches) == meta["count"]
        with tf.Session() as sess:
            values = sess.run(fetches)
        expected_nodes = {
            n[0]: (n[1], [i for i in n[2] if not i.startswith("^")]) for n in meta["nodes"]
        }
        assert _nodes(graph) == expected_nodes
    for index, value in enumerate(values):
        want = arrays[f"out{index}"]
        assert np.asarray(value).dtype == want.dtype
        np.testing.assert_allclose(value, want, rtol=1e-6, err_msg=f"{case} output {index}")


def test_clip_by_norm_against_numpy():
    x = np.array([[3.0, -4.0, 0.0], [0.3, 0.4, 0.0]], np.float32)
    with tf.Graph().as_default():
        rows = tf.clip_by_norm(tf.constant(x), 1.0, axes=[1])
        whole = tf.clip_by_norm(tf.constant(x), 1.0)
        with tf.Session() as sess:
            rows_value, whole_value = sess.run([rows, whole])
    norms = np.sqrt((x.astype(np.float64) ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(rows_value, x * 1.0 / np.maximum(norms, 1.0), rtol=1e-6)
    total = np.sqrt((x.astype(np.float64) ** 2).sum())
    np.testing.assert_allclose(whole_value, x / total, rtol=1e-6)


def test_clip_by_global_norm_keeps_none_and_slices():
    with tf.Graph().as_default():
        slices = tf.IndexedSlices(tf.constant([[3.0, 4.0]]), tf.constant([2]), tf.constant([4, 2]))
        dense = tf.constant([12.0])
        clipped, norm = tf.clip_by_global_norm([slices, None, dense], 6.5)
        assert clipped[1] is None
        assert isinstance(clipped[0], tf.IndexedSlices)
        assert clipped[0].indices is slices.indices
        with tf.Session() as sess:
            values, scaled, total = sess.run([clipped[0].values, clipped[2], norm])
    assert total == pytest.approx(13.0)
    np.testing.assert_allclose(values, [[1.5, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(scaled, [6.0], rtol=1e-6)


def test_non_finite_global_norm_makes_everything_nan():
    with tf.Graph().as_default():
        clipped, norm = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
        with tf.Session() as sess:
            value, total = sess.run([clipped[0], norm])
    assert np.isinf(total)
    assert np.isnan(value).all()


def test_clip_by_norm_of_indexed_slices():
    with tf.Graph().as_default():
        slices = tf.IndexedSlices(tf.constant([[6.0, 8.0]]), tf.constant([1]))
        clipped = tf.clip_by_norm(slices, 5.0)
        assert isinstance(clipped, tf.IndexedSlices)
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(clipped.values), [[3.0, 4.0]], rtol=1e-6)


def test_clip_by_value_is_reexported():
    assert clip.clip_by_value is math.clip_by_value is tf.clip_by_value
    with tf.Graph().as_default():
        out = tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(out), [-1.0, 0.5, 1.0])


@pytest.mark.parametrize("bad", ["not a list", 3])
def test_global_norm_needs_a_sequence(bad):
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.global_norm(bad)
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.clip_by_global_norm(bad, 1.0)
