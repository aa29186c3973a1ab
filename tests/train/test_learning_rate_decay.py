"""Learning-rate schedules (ndflow/train/learning_rate_decay.py) evaluated at global steps
0..12 against real TensorFlow (tests/golden/optimizers/decay_*), with TF's errors."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden

DECAY_CASES = [c for c in golden.cases("optimizers") if c.startswith("decay_")]


@pytest.mark.parametrize("case", DECAY_CASES)
def test_schedule_matches_tensorflow(case):
    arrays, meta = golden.load("optimizers", case)
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, shape=[], name="step")
        rate = eval(meta["expression"], {"tf": tf, "step": step})  # noqa: S307 - our goldens
        assert rate.dtype.name == meta["dtype"]
        with tf.Session() as sess:
            values = [sess.run(rate, {step: k}) for k in range(13)]
    np.testing.assert_allclose(values, arrays["values"], rtol=1e-5, atol=1e-9)


def test_every_schedule_is_recorded():
    assert len(DECAY_CASES) == 17


def test_schedule_follows_the_global_step():
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        rate = tf.train.exponential_decay(1.0, step, 1, 0.5, name="lr")
        assert rate.op.name == "lr"
        increment = tf.assign_add(step, 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(rate)
            sess.run(increment)
            assert (first, sess.run(rate)) == (1.0, 0.5)


def test_default_names():
    with tf.Graph().as_default():
        step = tf.constant(3, tf.int64)
        assert tf.train.exponential_decay(0.1, step, 4, 0.5).op.name == "ExponentialDecay"
        assert tf.train.polynomial_decay(0.1, step, 4).op.name == "PolynomialDecay"
        assert tf.train.inverse_time_decay(0.1, step, 4, 0.5).op.name == "InverseTimeDecay"


@pytest.mark.parametrize(
    "schedule",
    [
        lambda: tf.train.exponential_decay(0.1, None, 10, 0.5),
        lambda: tf.train.polynomial_decay(0.1, None, 10),
        lambda: tf.train.cosine_decay(0.1, None, 10),
    ],
)
def test_global_step_is_required(schedule):
    with pytest.raises(ValueError, match="global_step is required for"):
        schedule()


def test_piecewise_constant_dtype_errors():
    with tf.Graph().as_default():
        with pytest.raises(
            ValueError,
            match=r"Boundaries \(<dtype: 'int32'>\) must have the "
            r"same dtype as x \(<dtype: 'float32'>\).",
        ):
            tf.train.piecewise_constant(tf.constant(1.0), [1, 2], [0.1, 0.2, 0.3])
        with pytest.raises(
            ValueError,
            match=r"Values must have elements all with the same "
            r"dtype \(<dtype: 'float32'> vs <dtype: 'int32'>\).",
        ):
            tf.train.piecewise_constant(tf.constant(1), [1, 2], [0.1, 0.2, 3])


def test_noisy_linear_cosine_decay_stays_near_the_linear_cosine():
    with tf.Graph().as_default():
        step = tf.constant(5, tf.int64)
        noisy = tf.train.noisy_linear_cosine_decay(1.0, step, 10, initial_variance=1e-6)
        plain = tf.train.linear_cosine_decay(1.0, step, 10)
        with tf.Session() as sess:
            a, b = sess.run([noisy, plain])
    assert abs(a - b) < 0.05
