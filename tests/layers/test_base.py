"""The tf.layers Layer base: a user subclass with add_weight/add_update/add_loss, scopes and
reuse, weights lists, UPDATE_OPS, build-once, input_spec checks and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.layers import base


class Scale(tf.layers.Layer):
    """y = x * w, counting its calls with a non-trainable variable."""

    def build(self, input_shape):
        self.w = self.add_weight("w", [int(input_shape[-1])], initializer=tf.ones_initializer())
        self.calls = self.add_weight(
            "calls", [], initializer=tf.zeros_initializer(), trainable=False
        )
        self.input_spec = tf.layers.InputSpec(min_ndim=2, axes={-1: int(input_shape[-1])})
        self.builds = getattr(self, "builds", 0) + 1

    def call(self, inputs):
        self.add_update(tf.assign_add(self.calls, 1.0))
        self.add_loss(tf.reduce_sum(self.w))
        return inputs * self.w


def test_subclass_variables_ops_updates_and_losses_get_tf_names():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        layer = Scale()
        y = layer(x)
        layer(x + 1.0)
        assert layer.builds == 1
        assert y.name == "scale/mul:0"
        assert [v.name for v in layer.weights] == ["scale/w:0", "scale/calls:0"]
        assert [v.name for v in layer.trainable_weights] == ["scale/w:0"]
        assert [v.name for v in layer.non_trainable_variables] == ["scale/calls:0"]
        assert [op.name for op in layer.updates] == ["scale/AssignAdd", "scale/AssignAdd_1"]
        assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == layer.updates
        assert [t.name for t in layer.losses] == ["scale/Sum:0", "scale/Sum_1:0"]
        assert layer.count_params() == 4
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            session.run([y, *layer.updates], {x: np.ones((2, 3))})
            assert session.run(layer.calls) == 2.0


def test_untrainable_layer_reports_no_updates():
    with tf.Graph().as_default():
        layer = Scale(trainable=False)
        layer(tf.placeholder(tf.float32, [None, 3]))
        assert layer.updates == [] and tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
        assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_input_spec_is_checked_on_later_calls():
    with tf.Graph().as_default():
        layer = Scale()
        layer(tf.placeholder(tf.float32, [None, 3]))
        with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
            layer(tf.placeholder(tf.float32, [None, 4]))


def test_input_spec_must_be_input_specs():
    layer = tf.layers.Layer()
    with pytest.raises(TypeError, match="must be an instance of InputSpec"):
        layer.input_spec = [3]


def test_base_layer_passes_inputs_through_in_its_scope():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        layer = tf.layers.Layer(name="passthrough")
        assert layer(x) is x and layer.scope_name == "passthrough"


def test_call_returning_none_raises():
    class Broken(tf.layers.Layer):
        def call(self, inputs):
            return None

    with tf.Graph().as_default(), pytest.raises(ValueError, match="not None"):
        Broken()(tf.placeholder(tf.float32, [2]))


def test_call_receives_the_variable_scope_when_it_asks_for_it():
    class Scoped(tf.layers.Layer):
        def call(self, inputs, scope=None):
            self.seen = scope.name
            return inputs

    with tf.Graph().as_default():
        layer = Scoped()
        layer(tf.placeholder(tf.float32, [2]))
        assert layer.seen == "scoped"


def test_add_weight_rejects_unknown_keywords_and_trainable_on_read():
    with tf.Graph().as_default():
        layer = tf.layers.Layer()
        with pytest.raises(TypeError, match="Unknown keyword argument"):
            layer.add_weight("w", [1], foo=1)
        with pytest.raises(ValueError, match="ON_READ only for non-trainable"):
            layer.add_weight(
                "w", [1], trainable=True, synchronization=tf.VariableSynchronization.ON_READ
            )


def test_add_weight_int_defaults_to_zeros_and_string_needs_an_initializer():
    with tf.Graph().as_default():
        layer = tf.layers.Layer(name="l")
        step = layer.add_weight("step", [], dtype=tf.int64)
        assert step.name == "l/step:0"
        with pytest.raises(ValueError, match="An initializer for variable s"):
            layer.add_weight("s", [], dtype=tf.string)


def test_unique_names_and_snake_case():
    assert base.to_snake_case("Conv2DTranspose") == "conv2d_transpose"
    assert base.to_snake_case("BatchNormalization") == "batch_normalization"
    assert base.to_snake_case("_Private") == "private__private"  # Keras prefixes "private"
    with tf.Graph().as_default():
        assert [base.unique_layer_name("x") for _ in range(2)] == ["x_1", "x_2"]


def test_variable_scope_layer_name_and_reuse_of_a_scope_object():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        with tf.variable_scope("tower") as scope:
            tf.layers.dense(x, 2)
        with tf.variable_scope(scope, reuse=True):
            y = tf.layers.dense(x, 2)
        assert len(tf.global_variables()) == 2
        assert y.op.name.startswith("tower_1/dense/")
