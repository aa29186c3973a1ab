"""`tf.nn.dropout` and `tf.nn.crelu` (ndflow/ops/nn/dropout.py): TF's graph (Mul or RealDiv,
RandomUniform, GreaterEqual, SelectV2), keep_prob/rate arguments and their errors, tensor
rates, noise shapes, the rate-0 shortcut, seeds, values for a fed noise, statistics over many
draws, gradients; crelu's values, axis and names. TF's recorded graphs and statistics are in
tests/golden/nn_misc (test_nn_misc_goldens.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support.grad_check import check_gradients

X = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4)


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


def _noise(graph):
    [op] = [op for op in graph.get_operations() if op.type == "RandomUniform"]
    return op.outputs[0]


@pytest.mark.parametrize("kwargs", [{"keep_prob": 0.75}, {"rate": 0.25}])
def test_values_for_a_fed_noise(kwargs):
    noise = np.array([[0.1, 0.3, 0.25, 0.9]] * 3, np.float32)
    with tf.Graph().as_default() as graph:
        result = tf.nn.dropout(X, **kwargs)
        value = _run(result, {_noise(graph): noise})
    # Kept where noise >= rate, scaled by 1 / (1 - rate).
    expected = np.where(noise >= 0.25, X / np.float32(0.75), 0)
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_graph_is_tf_s_for_a_number_and_for_a_tensor_rate():
    with tf.Graph().as_default() as graph:
        tf.nn.dropout(X, rate=0.5)
        types = [op.type for op in graph.get_operations()]
        assert types == [
            "Const",
            "Const",
            "Mul",
            "Const",
            "RandomUniform",
            "Const",
            "GreaterEqual",
            "Const",
            "SelectV2",
        ]
    with tf.Graph().as_default() as graph:
        rate = tf.placeholder(tf.float32, [])
        result = tf.nn.dropout(X, rate=rate)
        types = [op.type for op in graph.get_operations()]
        assert "RealDiv" in types and "Mul" not in types
        assert result.shape.as_list() == [3, 4]
        value = _run(result, {rate: 0.0})
    np.testing.assert_allclose(value, X)


def test_rate_zero_returns_x_but_still_draws_a_seed():
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(1)
        x = tf.constant(X)
        assert tf.nn.dropout(x, rate=0.0) is x
        assert tf.nn.dropout(x, keep_prob=1.0) is x
        after = tf.nn.dropout(x, rate=0.5)
        # The two shortcuts took op seeds 0 and 1, as TF's dummy RNG step does.
        assert _noise(graph).op.attrs["seed2"] == 2
        assert after.shape.as_list() == [3, 4]


def test_noise_shape_broadcasts_decisions():
    with tf.Graph().as_default() as graph:
        result = tf.nn.dropout(tf.ones([50, 40]), rate=0.5, noise_shape=[50, 1], seed=2)
        assert _noise(graph).shape.as_list() == [50, 1]
        value = _run(result)
    assert np.all(np.ptp(value, axis=1) == 0)
    assert set(np.unique(value)) <= {0.0, 2.0}


def test_noise_shape_unknown_dims_are_taken_from_x():
    with tf.Graph().as_default() as graph:
        tf.nn.dropout(tf.ones([5, 4]), rate=0.5, noise_shape=[None, 1])
        assert _noise(graph).shape.as_list() == [5, 1]
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="partially known TensorShape"):
            tf.nn.dropout(tf.placeholder(tf.float32, [None, 4]), rate=0.5, noise_shape=[None, 1])


def test_keep_fraction_and_scale_statistics():
    with tf.Graph().as_default():
        result = tf.nn.dropout(tf.ones([400, 500]), rate=0.3, seed=11)
        value = _run(result)
    kept = value != 0
    assert abs(kept.mean() - 0.7) < 6 * np.sqrt(0.7 * 0.3 / kept.size)
    np.testing.assert_allclose(np.unique(value[kept]), [np.float32(1 / 0.7)], rtol=1e-6)


def test_seeds_repeat_across_sessions_and_advance_within_one():
    with tf.Graph().as_default() as graph:
        result = tf.nn.dropout(tf.ones([20, 20]), rate=0.5, seed=5)
        assert _noise(graph).op.attrs["seed"] == 87654321
        with tf.Session() as sess:
            first, second = sess.run(result), sess.run(result)
        with tf.Session() as sess:
            again = sess.run(result)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"keep_prob": 0.5, "rate": 0.5}, "Cannot specify both 'keep_prob' and 'rate'."),
        ({}, "`rate` must be provided."),
        ({"rate": 1.0}, "`rate` must be a scalar tensor or a float in the range [0, 1)."),
        ({"keep_prob": 0.0}, "in the range [0, 1). Received: rate=1.0"),
        ({"rate": -0.1}, "in the range [0, 1)."),
        ({"rate": "a"}, "`rate` must be a scalar or scalar tensor. Received: rate=a"),
        ({"keep_prob": "a"}, "`keep_prob` must be a floating point number or Tensor."),
    ],
)
def test_argument_errors(kwargs, message):
    with tf.Graph().as_default():
        with pytest.raises(ValueError) as caught:
            tf.nn.dropout(X, **kwargs)
    assert message in str(caught.value)


def test_dtype_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be a floating point tensor"):
            tf.nn.dropout(np.ones(3, np.int32), rate=0.5)
        with pytest.raises(ValueError, match="must be compatible with `rate.dtype`"):
            tf.nn.dropout(X, rate=tf.constant(0.5, tf.float64))
        with pytest.raises(ValueError, match="must have rank 0"):
            tf.nn.dropout(X, rate=tf.constant([0.5]))


def test_float16_and_float64():
    for dtype in (np.float16, np.float64):
        with tf.Graph().as_default():
            result = tf.nn.dropout(X.astype(dtype), rate=0.5, seed=1)
            value = _run(result)
        assert value.dtype == dtype
        assert np.all((value == 0) | np.isclose(value, 2 * X))


def test_gradient_for_a_fed_noise_is_the_mask_times_the_scale():
    noise = np.random.default_rng(0).random((3, 4)).astype(np.float32)
    with tf.Graph().as_default() as graph:
        x = tf.constant(X)
        result = tf.nn.dropout(x, rate=0.4)
        grad = tf.gradients(tf.reduce_sum(result), x)[0]
        value = _run(grad, {_noise(graph): noise})
    np.testing.assert_allclose(value, np.where(noise >= 0.4, 1 / 0.6, 0), rtol=1e-6)


# ---------------------------------------------------------------------- crelu


def test_crelu_values_axis_and_names():
    x = np.array([[1.0, -2.0, 0.5], [-0.5, 3.0, -1.0]], np.float32)
    with tf.Graph().as_default():
        last = tf.nn.crelu(x)
        first = tf.nn.crelu(x, axis=0, name="c")
        assert last.op.name == "CRelu/Relu" and last.op.inputs[0].op.name == "CRelu"
        assert first.op.name == "c/Relu"
        values = _run([last, first])
    np.testing.assert_array_equal(values[0], np.maximum(np.concatenate([x, -x], 1), 0))
    np.testing.assert_array_equal(values[1], np.maximum(np.concatenate([x, -x], 0), 0))


def test_crelu_gradient():
    values = np.array([[1.5, -2.0, 0.5], [-0.5, 3.0, -1.0]])
    check_gradients(tf.nn.crelu, [values], order=2)
    check_gradients(lambda x: tf.nn.crelu(x, axis=0), [values])
