"""The seed CNN written with tf.layers, at the `savedmodel_v1_cnn_small` fixture's 64x64 size:
conv2d(32, 3, relu) VALID, conv2d(32, 3, relu), max_pooling2d(2, 2), flatten, dense(64, relu),
dropout, dense(1, sigmoid).

Its variables get TF's tf.layers names, which are the fixture's (`conv2d/kernel`,
`conv2d_1/bias`, `dense/kernel`, `dense_1/bias`...); loaded with the fixture's weights (read from
the SavedModel's own checkpoint, tests/fixtures/savedmodel_v1_cnn_small/1/variables), its
forward pass reproduces the fixture's expected `prob`; then it trains with Adam.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.client import timeline

FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "savedmodel_v1_cnn_small"
CHECKPOINT = FIXTURE / "1" / "variables" / "variables"


def seed_cnn(image, training):
    """The seed model; `training` switches dropout on."""
    x = tf.layers.conv2d(image, 32, 3, activation=tf.nn.relu)
    x = tf.layers.conv2d(x, 32, 3, activation=tf.nn.relu)
    x = tf.layers.max_pooling2d(x, 2, 2)
    x = tf.layers.flatten(x)
    x = tf.layers.dense(x, 64, activation=tf.nn.relu)
    x = tf.layers.dropout(x, rate=0.5, training=training)
    return tf.layers.dense(x, 1, activation=tf.nn.sigmoid)


def _fixture_weights() -> dict:
    reader = tf.train.load_checkpoint(str(CHECKPOINT))
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def _load_fixture_weights(session) -> None:
    weights = _fixture_weights()
    variables = {v.op.name: v for v in tf.trainable_variables()}
    assert set(variables) == set(weights), "the model's variable names are the fixture's"
    for name, value in weights.items():
        variables[name].load(value, session)


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_variables_have_the_fixture_names_and_shapes(graph):
    seed_cnn(tf.placeholder(tf.float32, [None, 64, 64, 3]), False)
    meta = json.loads((FIXTURE / "expected.json").read_text())
    got = {v.op.name: v.shape.as_list() for v in tf.global_variables()}
    assert got == meta["variables"]
    assert [v.op.name for v in tf.trainable_variables()] == [
        "conv2d/kernel",
        "conv2d/bias",
        "conv2d_1/kernel",
        "conv2d_1/bias",
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    ]
    ops = {op.name: op.type for op in graph.get_operations()}
    for name, op_type in [
        ("conv2d/Conv2D", "Conv2D"),
        ("conv2d_1/Relu", "Relu"),
        ("max_pooling2d/MaxPool", "MaxPool"),
        ("flatten/Reshape", "Reshape"),
        ("dense/MatMul", "MatMul"),
        ("dense_1/Sigmoid", "Sigmoid"),
    ]:
        assert ops.get(name) == op_type, name


def test_forward_on_fixture_weights_reproduces_the_fixture_prob(graph):
    with np.load(FIXTURE / "expected.npz", allow_pickle=False) as expected:
        images, prob = expected["image"], expected["prob"]
    image = tf.placeholder(tf.float32, [None, 64, 64, 3], name="image")
    output = seed_cnn(image, False)
    assert output.shape.as_list() == [None, 1]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        _load_fixture_weights(session)
        got = session.run(output, {image: images})
    np.testing.assert_allclose(got, prob, rtol=1e-5, atol=1e-7)


def test_trains_with_adam_and_the_loss_decreases(graph):
    tf.set_random_seed(0)
    rng = np.random.default_rng(0)
    images = rng.uniform(0.0, 1.0, (16, 64, 64, 3)).astype(np.float32)
    images[:8] *= 0.5  # darker images are class 0
    labels = np.array([[0.0]] * 8 + [[1.0]] * 8, np.float32)
    image = tf.placeholder(tf.float32, [None, 64, 64, 3])
    label = tf.placeholder(tf.float32, [None, 1])
    training = tf.placeholder_with_default(False, [])
    prob = seed_cnn(image, training)
    loss = tf.losses.log_loss(label, prob)
    train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    feed = {image: images, label: labels}
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        _load_fixture_weights(session)
        before = session.run(loss, feed)
        for _ in range(5):
            session.run(train, {**feed, training: True})
        after = session.run(loss, feed)
    assert np.isfinite(after) and after < before, (before, after)


def test_a_traced_training_step_gives_a_chrome_trace_with_one_event_per_executed_op(graph):
    image = tf.placeholder(tf.float32, [None, 64, 64, 3])
    label = tf.placeholder(tf.float32, [None, 1])
    loss = tf.losses.log_loss(label, seed_cnn(image, True))
    train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    feed = {image: np.full((2, 64, 64, 3), 0.5, np.float32), label: [[0.0], [1.0]]}
    metadata = tf.RunMetadata()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(train, feed, options=options, run_metadata=metadata)
    (device,) = metadata.step_stats.dev_stats
    executed = sorted(stats.node_name for stats in device.node_stats)
    trace = json.loads(timeline.Timeline(metadata.step_stats).generate_chrome_trace_format())
    ops = [event for event in trace["traceEvents"] if event["ph"] == "X"]
    assert sorted(event["args"]["name"] for event in ops) == executed
    kinds = {event["name"] for event in ops}
    assert {"Conv2D", "Conv2DBackpropFilter", "MaxPoolGrad", "ApplyAdam"} <= kinds
    assert all(event["dur"] >= 0 and event["ts"] >= 0 for event in ops)
