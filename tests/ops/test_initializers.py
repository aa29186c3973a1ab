"""Initializers (ndflow/ops/initializers.py): TF's fan computations, limits and standard
deviations (checked on large draws), configs, TF1 constant rules and the tf.initializers
namespace. Their graphs (op names, seeds, limit constants) are compared with real TF's in
tests/ops/test_variable_scope.py (initializers_* goldens)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import initializers as init_ops


def _value(initializer, shape, dtype=tf.float32):
    with tf.Graph().as_default():
        tensor = initializer(shape, dtype=dtype)
        with tf.Session() as sess:
            return tensor, sess.run(tensor)


@pytest.mark.parametrize(
    "shape, fans",
    [
        ([], (1, 1)),
        ([5], (5, 5)),
        ([4, 3], (4, 3)),
        ([3, 3, 2, 4], (18, 36)),
        ([2, 5, 7], (10, 14)),
        (tf.TensorShape([6, 2]), (6, 2)),
    ],
)
def test_fans_follow_tf(shape, fans):
    assert init_ops._compute_fans(shape) == fans


@pytest.mark.parametrize(
    "initializer, shape, std",
    [
        (tf.glorot_uniform_initializer(seed=1), [400, 200], np.sqrt(2.0 / 600)),
        (tf.glorot_normal_initializer(seed=2), [400, 200], np.sqrt(2.0 / 600)),
        (tf.initializers.he_normal(seed=3), [300, 100], np.sqrt(2.0 / 300)),
        (tf.initializers.he_uniform(seed=4), [3, 3, 40, 30], np.sqrt(2.0 / 360)),
        (tf.initializers.lecun_normal(seed=5), [500, 50], np.sqrt(1.0 / 500)),
        (tf.initializers.lecun_uniform(seed=6), [500, 50], np.sqrt(1.0 / 500)),
        (
            tf.variance_scaling_initializer(3.0, "fan_out", "untruncated_normal", seed=7),
            [100, 400],
            np.sqrt(3.0 / 400),
        ),
        (
            tf.variance_scaling_initializer(0.5, "fan_avg", "normal", seed=8),
            [200, 600],
            np.sqrt(0.5 / 400),
        ),
        (tf.random_normal_initializer(2.0, 0.3, seed=9), [300, 300], 0.3),
        (tf.truncated_normal_initializer(0.0, 0.5, seed=10), [300, 300], 0.5 * 0.8796256610342398),
        (tf.random_uniform_initializer(-1.0, 3.0, seed=11), [300, 300], 4 / np.sqrt(12)),
        (tf.uniform_unit_scaling_initializer(2.0, seed=12), [30, 10, 50], 2.0 / np.sqrt(300)),
    ],
    # Stable ids (the class name and shape): xdist workers must collect the same names.
    ids=lambda value: type(value).__name__ if hasattr(value, "get_config") else str(value),
)
def test_standard_deviations_match_tf_formulas(initializer, shape, std):
    _, value = _value(initializer, shape)
    assert value.shape == tuple(shape) and value.dtype == np.float32
    np.testing.assert_allclose(value.std(), std, rtol=0.03)


def test_uniform_limits_and_truncation_bounds():
    _, glorot = _value(tf.glorot_uniform_initializer(seed=1), [100, 50])
    limit = np.sqrt(6.0 / 150)
    assert -limit <= glorot.min() and glorot.max() < limit and glorot.max() > 0.95 * limit
    _, he = _value(tf.initializers.he_normal(seed=2), [1000, 100])
    stddev = np.sqrt(2.0 / 1000) / 0.87962566103423978
    assert np.abs(he).max() <= 2 * stddev * (1 + 1e-6)
    np.testing.assert_allclose(he.mean(), 0.0, atol=2e-3)
    _, unit = _value(tf.uniform_unit_scaling_initializer(), [4, 3])
    assert np.abs(unit).max() < np.sqrt(3 / 4)


def test_constants_follow_tf1_rules():
    _, padded = _value(tf.constant_initializer([1, 2, 3]), [3, 2])
    np.testing.assert_array_equal(padded, [[1, 2], [3, 3], [3, 3]])
    tensor, filled = _value(tf.constant_initializer(7), [2], dtype=tf.int64)
    assert tensor.op.name == "Const" and filled.dtype == np.int64
    np.testing.assert_array_equal(filled, [7, 7])
    _, ones = _value(tf.ones_initializer(), [2, 2], dtype=tf.float64)
    _, zeros = _value(tf.zeros_initializer(dtype=tf.int32), [3], dtype=None)
    assert ones.dtype == np.float64 and ones.sum() == 4
    assert zeros.dtype == np.int32 and not zeros.any()
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Expected Python scalar, list or tuple"):
            tf.constant_initializer({"a": 1})
        with pytest.raises((TypeError, ValueError)):
            tf.constant_initializer([1, 2, 3], verify_shape=True)([2, 2])


def test_integer_uniform_initializer():
    _, value = _value(tf.random_uniform_initializer(0, 10, seed=1), [1000], dtype=tf.int32)
    assert value.dtype == np.int32 and value.min() >= 0 and value.max() <= 9


@pytest.mark.parametrize(
    "initializer",
    [
        tf.zeros_initializer(tf.int32),
        tf.ones_initializer(),
        tf.constant_initializer([1, 2]),
        tf.random_uniform_initializer(-1.0, 1.0, seed=3),
        tf.random_normal_initializer(0.5, 2.0),
        tf.truncated_normal_initializer(stddev=0.1, seed=4),
        tf.uniform_unit_scaling_initializer(1.5),
        tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=5),
        tf.glorot_uniform_initializer(seed=6),
        tf.glorot_normal_initializer(),
        tf.orthogonal_initializer(gain=2.0, seed=7),
        tf.initializers.identity(gain=0.5),
    ],
    ids=lambda init: type(init).__name__,
)
def test_config_round_trip(initializer):
    config = initializer.get_config()
    clone = type(initializer).from_config(config)
    assert type(clone) is type(initializer) and clone.get_config() == config


def test_glorot_keeps_float32_like_tf():
    assert tf.glorot_uniform_initializer(dtype=tf.float64).get_config()["dtype"] == "float32"
    assert tf.variance_scaling_initializer(dtype=tf.float64).get_config()["dtype"] == "float64"


def test_namespace_maps_to_tf_classes():
    assert tf.initializers.zeros is tf.zeros_initializer
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    assert tf.initializers.variance_scaling is tf.variance_scaling_initializer
    assert tf.initializers.constant is tf.constant_initializer
    config = tf.initializers.he_uniform(seed=3).get_config()
    assert config == {
        "scale": 2.0,
        "mode": "fan_in",
        "distribution": "uniform",
        "seed": 3,
        "dtype": "float32",
    }
    assert tf.initializers.lecun_normal().get_config()["distribution"] == "truncated_normal"
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        assert tf.initializers.global_variables().control_inputs == [v.initializer]


def test_initializer_ops_are_named_like_tf():
    with tf.Graph().as_default():
        uniform = tf.glorot_uniform_initializer()([2, 3])
        normal = tf.initializers.he_normal()([2, 3])
        untruncated = tf.variance_scaling_initializer(distribution="untruncated_normal")([2])
        assert [uniform.name, normal.name, untruncated.name] == [
            "random_uniform:0",
            "truncated_normal:0",
            "random_normal:0",
        ]
        limit = uniform.op.inputs[1]  # random_uniform = draw * (max - min) + min
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(limit), -np.sqrt(6.0 / 5), rtol=1e-6)


@pytest.mark.parametrize("shape", [[6, 4], [3, 5], [2, 3, 4]])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    _, value = _value(tf.orthogonal_initializer(gain=2.0, seed=1), shape)
    flat = value.reshape(-1, shape[-1])
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(small, 4.0 * np.eye(small.shape[0]), atol=1e-4)


def test_identity_initializer_values():
    _, square = _value(tf.initializers.identity(), [3, 3])
    _, wide = _value(tf.initializers.identity(gain=2.0), [2, 3], dtype=tf.float64)
    np.testing.assert_array_equal(square, np.eye(3))
    np.testing.assert_array_equal(wide, 2.0 * np.eye(2, 3))


def test_linalg_initializers_reject_bad_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be at least two-dimensional"):
            tf.orthogonal_initializer()([3])
        with pytest.raises(ValueError, match="must be at least two-dimensional"):
            tf.initializers.identity()([2, 2, 2])
