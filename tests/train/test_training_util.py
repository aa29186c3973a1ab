"""The global step (ndflow/train/training_util.py) against TF1's semantics and the graph real
TensorFlow builds (tests/golden/optimizers/global_step)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_global_step_matches_tensorflow(graph):
    _, meta = golden.load("optimizers", "global_step")
    step = tf.train.get_or_create_global_step()
    assert tf.train.get_or_create_global_step() is step
    assert tf.train.get_global_step() is step
    assert [v.op.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_STEP)] == meta["collection"]
    assert step.dtype.name == meta["dtype"]
    assert step in tf.global_variables() and step not in tf.trainable_variables()
    increment = tf.assign_add(step, 1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(increment)
        assert tf.train.global_step(sess, step) == meta["value"]
    nodes = [[n.name, n.op, list(n.input)] for n in graph.as_graph_def().node]
    assert nodes == meta["nodes"]


def test_created_at_the_root_name_scope():
    with tf.name_scope("inside"):
        step = tf.train.create_global_step()
    assert step.op.name == "global_step"
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        tf.train.create_global_step()


def test_found_by_name_without_the_collection():
    step = tf.Variable(np.int64(3), name="global_step", trainable=False)
    found = tf.train.get_global_step()
    assert found is not None and found.name == "global_step:0"
    assert found.op is step.op


def test_none_without_a_step(graph):
    assert tf.train.get_global_step() is None
    with tf.Graph().as_default() as other:
        tf.train.get_or_create_global_step()
    assert tf.train.get_global_step(other) is not None
    assert tf.train.get_global_step() is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            lambda: tf.constant(1.0),
            "Existing \"global_step\" does not have integer type: <dtype: 'float32'>",
        ),
        (lambda: tf.constant([1, 2]), 'Existing "global_step" is not scalar: (2,)'),
        (lambda: "x", 'Existing "global_step" must be a Variable or Tensor: x.'),
    ],
)
def test_assert_global_step(value, message):
    with pytest.raises(TypeError) as raised:
        tf.train.assert_global_step(value())
    assert str(raised.value) == message
