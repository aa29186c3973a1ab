"""InTopKV2 and InTopK (ndflow/ops/nn/ranking.py) against a counting reference: TF's ties
(a target tied with the k-th largest is in), non-finite rows and out-of-range targets (never
in), k as a tensor, shape inference and errors, and `tf.nn.in_top_k`'s names. TF's recorded
values are in tests/golden/nn_misc."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import nn_misc as ref

F32, I32, I64 = tf.float32, tf.int32, tf.int64

TARGETS = np.array([1, 2, 0, 3], np.int32)
TIES = np.array(
    [[0.1, 0.3, 0.3, 0.2], [1.0, 1.0, 1.0, 1.0], [np.nan, 1.0, 2.0, 3.0], [0.5, 0.5, 0.9, 0.5]],
    np.float32,
)

_SHAPES = [
    ShapeCase([[4, 5], ([4], I32)], expected=[4]),
    ShapeCase([[None, 5], ([None], I32)], expected=[None]),
    ShapeCase([None, (None, I32)], expected=[None]),
    ShapeCase([[4, 5], ([3], I32)], error="Dimensions must be equal, but are 4 and 3"),
    ShapeCase([[5], ([3], I32)], error="Shape must be rank 2 but is rank 1"),
]

OP_SPECS = [
    OpSpec(
        "InTopKV2",
        lambda p: tf.nn.in_top_k(p, TARGETS, 2),
        reference=lambda p: ref.in_top_k(p, TARGETS, 2),
        shapes=[(4, 5)],
        domain="distinct",
        cases=[([TIES], np.array([True, True, False, True]))],
    ),
    OpSpec(
        "InTopKV2",
        lambda p, t: tf.math.in_top_k(p, t, 1),
        cases=[([TIES, TARGETS], np.array([True, True, False, False]))],
        shape_cases=_SHAPES,
        id="InTopKV2_targets",
    ),
    OpSpec(
        "InTopK",
        lambda p, t: op_builder.apply_op("InTopK", p, t, k=1),
        cases=[([TIES, TARGETS.astype(np.int64)], np.array([True, True, False, False]))],
        shape_cases=_SHAPES,
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 4, 9])
def test_ties_at_the_kth_place_are_in(k):
    predictions = np.array([[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 2.0, 2.0]], np.float32)
    with tf.Graph().as_default():
        k_tensor = tf.placeholder(tf.int64, [])
        result = tf.nn.in_top_k(predictions, tf.constant([2, 0], tf.int64), k_tensor)
        value = _run(result, {k_tensor: k})
    np.testing.assert_array_equal(value, [k >= 1, k >= 1])


def test_non_finite_rows_and_bad_targets_are_never_in():
    predictions = np.array(
        [[np.inf, 1.0], [-np.inf, 1.0], [1.0, np.nan], [1.0, 2.0], [1.0, 2.0]], np.float32
    )
    with tf.Graph().as_default():
        value = _run(tf.nn.in_top_k(predictions, [0, 1, 0, 2, -1], 2))
    np.testing.assert_array_equal(value, [False] * 5)


def test_names_follow_tf():
    with tf.Graph().as_default():
        first = tf.nn.in_top_k(TIES, TARGETS, 1)
        named = tf.nn.in_top_k(TIES, TARGETS, 1, name="foo")
        assert first.op.name == "in_top_k/InTopKV2"
        assert first.op.inputs[2].op.name == "in_top_k/InTopKV2/k"
        assert named.op.name == "foo/foo"


def test_k_must_be_a_scalar_at_run_time():
    with tf.Graph().as_default():
        result = tf.nn.in_top_k(TIES, TARGETS, [2])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"k must be 0-D, got shape \[1\]"):
            _run(result)


def test_not_differentiable():
    with tf.Graph().as_default():
        predictions = tf.constant(TIES)
        result = tf.cast(tf.nn.in_top_k(predictions, TARGETS, 1), tf.float32)
        assert tf.gradients(tf.reduce_sum(result), predictions) == [None]
