"""tf.layers Dense, Dropout and Flatten: graphs, values and gradients against real TF's goldens
(tests/layers/cases.py), TF's error messages, and the layer API (names, reuse, trainable,
regularizers, constraints, dtypes)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.layers import cases
from tests.layers import golden_check

CORE = [case.name for case in cases.CASES if not case.random]

GRAPH_XFAILS: dict[str, str] = {}

ERRORS = [
    "dense_unknown_last_dim",
    "dense_rank1",
    "dense_int_input",
    "dense_negative_units",
    "dense_other_input_size",
    "dense_unknown_kwarg",
    "dense_reuse_missing",
    "scope_name_before_call",
    "dropout_rate_out_of_range",
]


@pytest.mark.parametrize("name", golden_check.xfail_params(CORE, GRAPH_XFAILS))
def test_graph_matches_tensorflow(name):
    (_, meta), (_, expected) = golden_check.structure(name)
    golden_check.check_graph(meta, expected)


@pytest.mark.parametrize("name", CORE)
def test_values_and_gradients_match_tensorflow(name):
    (arrays, _), (expected, _) = golden_check.structure(name)
    golden_check.check_values(arrays, expected)


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_tensorflow(name):
    golden_check.check_error(name)


def test_same_name_twice_raises_tensorflow_error():
    golden_check.check_error("dense_same_name_twice", prefix_only=True)


# ---------------------------------------------------------------------- Dropout


def _dropout_outputs(name, tag="0/0"):
    (arrays, meta), (_, expected) = golden_check.structure(name)
    return arrays["x"], arrays[f"out/{tag}/y"], meta, expected


def _assert_dropped_and_scaled(x, y, rate, tolerance=0.05):
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert abs(1 - kept.mean() - rate) < tolerance, f"dropped fraction {1 - kept.mean()}"


@pytest.mark.parametrize(
    "name", golden_check.xfail_params([c.name for c in cases.CASES if c.random], GRAPH_XFAILS)
)
def test_dropout_graph_and_seeds_match_tensorflow(name):
    _, _, meta, expected = _dropout_outputs(name)
    golden_check.check_graph(meta, expected)


def test_dropout_training_drops_rate_and_scales_the_rest():
    x, y, _, _ = _dropout_outputs("dropout_training")
    _assert_dropped_and_scaled(x, y, 0.4)


def test_dropout_noise_shape_drops_whole_rows():
    x, y, _, _ = _dropout_outputs("dropout_noise_shape")
    rows_kept = (y != 0).all(axis=1)
    rows_dropped = (y == 0).all(axis=1)
    assert (rows_kept | rows_dropped).all()
    # 40 independent row decisions: a loose bound on the dropped fraction.
    _assert_dropped_and_scaled(x, y, 0.5, tolerance=0.25)


def test_dropout_training_tensor_is_identity_when_false_and_drops_when_true():
    x, y_false, _, _ = _dropout_outputs("dropout_training_tensor", "0/0")
    np.testing.assert_array_equal(y_false, x)
    _, y_true, _, _ = _dropout_outputs("dropout_training_tensor", "1/0")
    _assert_dropped_and_scaled(x, y_true, 0.5)


def test_dropout_rate_zero_is_identity_op():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        y = tf.layers.dropout(x, rate=0.0, training=True)
        assert y.op.type == "Identity"


def test_dropout_layer_seed_counts_up_per_call():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        layer = tf.layers.Dropout(0.5, seed=7)
        layer(x, training=True)
        layer(x, training=True)
        seeds = [
            op.get_attr("seed2")
            for op in tf.get_default_graph().get_operations()
            if op.type == "RandomUniform"
        ]
        assert seeds == [7, 8]


# ---------------------------------------------------------------------- the layer API


def test_layer_names_count_per_graph_and_scopes_follow_variable_scopes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        first, second = tf.layers.Dense(2), tf.layers.Dense(2)
        assert (first.name, second.name) == ("dense_1", "dense_2")
        second(x)
        first(x)
        assert (second.scope_name, first.scope_name) == ("dense", "dense_1")
    with tf.Graph().as_default():
        assert tf.layers.Dense(2).name == "dense_1"


def test_scope_argument_names_the_variable_scope():
    with tf.Graph().as_default():
        layer = tf.layers.Dense(2)
        layer(tf.placeholder(tf.float32, [None, 3]), scope="head")
        assert [v.name for v in layer.variables] == ["head/kernel:0", "head/bias:0"]


def test_reuse_shares_variables_and_apply_is_call():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        a = tf.layers.dense(x, 2, name="fc")
        layer = tf.layers.Dense(2, name="fc", _reuse=True)
        b = layer.apply(x)
        assert len(tf.global_variables()) == 2
        assert [v.name for v in layer.weights] == ["fc/kernel:0", "fc/bias:0"]
        assert a.name == "fc/BiasAdd:0" and b.name == "fc_1/BiasAdd:0"


def test_not_trainable_layer_reports_weights_as_non_trainable():
    with tf.Graph().as_default():
        layer = tf.layers.Dense(2, trainable=False)
        layer(tf.placeholder(tf.float32, [None, 3]))
        assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
        assert tf.trainable_variables() == []


def test_initializer_names_constraints_and_activation_names():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        constraint = tf.nn.relu
        layer = tf.layers.Dense(
            2, activation="relu", kernel_initializer="ones", kernel_constraint=constraint
        )
        y = layer(x)
        assert layer.kernel.constraint is constraint
        assert y.op.type == "Relu"
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            out = session.run(y, {x: [[1.0, -2.0, 4.0]]})
        np.testing.assert_array_equal(out, [[3.0, 3.0]])


def test_float64_inputs_make_float64_variables():
    with tf.Graph().as_default():
        layer = tf.layers.Dense(2)
        y = layer(tf.placeholder(tf.float64, [None, 3]))
        assert layer.dtype == "float64" and y.dtype == tf.float64
        assert layer.kernel.dtype.base_dtype == tf.float64


def test_numpy_inputs_are_converted():
    with tf.Graph().as_default():
        y = tf.layers.dense(np.ones((2, 3), np.float32), 4)
        assert y.shape.as_list() == [2, 4]


def test_losses_are_rebuilt_at_each_read_as_tensorflow_does():
    with tf.Graph().as_default():
        layer = tf.layers.Dense(2, kernel_regularizer=tf.nn.l2_loss)
        layer(tf.placeholder(tf.float32, [None, 3]))
        first, second = layer.losses, layer.losses
        assert first[0].name != second[0].name
        assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 1


def test_dense_compute_output_shape():
    layer = tf.layers.Dense(5)
    assert layer.compute_output_shape([None, 7, 3]).as_list() == [None, 7, 5]
    with pytest.raises(ValueError, match="should be defined"):
        layer.compute_output_shape([None, None])


def test_flatten_compute_output_shape():
    layer = tf.layers.Flatten()
    assert layer.compute_output_shape([None, 3, 4]).as_list() == [None, 12]
    assert layer.compute_output_shape([2, None, 4]).as_list() == [2, None]


def test_dense_trains_with_an_optimizer():
    with tf.Graph().as_default():
        rng = np.random.default_rng(0)
        x_value = rng.standard_normal((32, 3)).astype(np.float32)
        y_value = x_value @ np.array([[1.0], [-2.0], [0.5]], np.float32)
        x, y = tf.placeholder(tf.float32, [None, 3]), tf.placeholder(tf.float32, [None, 1])
        loss = tf.reduce_mean(tf.square(tf.layers.dense(x, 1) - y))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            before = session.run(loss, {x: x_value, y: y_value})
            for _ in range(50):
                session.run(train, {x: x_value, y: y_value})
            after = session.run(loss, {x: x_value, y: y_value})
        assert after < before * 0.01
