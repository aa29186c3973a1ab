"""Input-buffer forwarding (TF's forward_input): a kernel may overwrite an input that dies
at its step when nothing else holds the array; variables, constants, feeds, fetched and
still-needed values are never touched."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import registry
from ndflow.runtime import executor
from ndflow.runtime import plan as plan_lib


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _forward_marks(fetches, feeds):
    plan = plan_lib.compile_plan(fetches, [], feeds)
    return {step[1].type: step[6] for step in plan.steps}


def test_steps_whose_input_dies_there_are_marked():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.nn.relu(tf.nn.bias_add(x * 2.0, tf.ones([4])))
    marks = _forward_marks([y], [x])
    assert marks["BiasAdd"] is not None and marks["BiasAdd"][0] == 0
    assert marks["Relu"] is not None
    assert marks["Mul"] is None  # its input x is fed: kept, never freed


def test_fetched_or_reused_inputs_are_not_marked():
    x = tf.placeholder(tf.float32, [3])
    doubled = x * 2.0
    y = tf.nn.relu(doubled)
    assert _forward_marks([y, doubled], [x])["Relu"] is None
    z = tf.add(doubled, doubled)
    assert _forward_marks([z], [x])["AddV2"] is None


class _Context:
    donated = None


def _probe(seen):
    def kernel(ctx, value):
        seen.append(registry.donated(ctx, value))
        return value

    return kernel


def test_executor_donates_only_an_array_nothing_else_holds():
    seen = []
    ctx = _Context()
    kernel = _probe(seen)

    executor._run_forwarding(kernel, ctx, [np.zeros(3)], (0,), {}, (0, 0))
    held = np.zeros(3)
    executor._run_forwarding(kernel, ctx, [held], (0,), {}, (0, 0))
    executor._run_forwarding(kernel, ctx, [np.zeros(6)[:3]], (0,), {}, (0, 0))
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    executor._run_forwarding(kernel, ctx, [frozen], (0,), {}, (0, 0))
    assert seen == [True, False, False, False]
    assert ctx.donated is None


def test_results_are_right_when_buffers_are_reused():
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.nn.relu(tf.nn.bias_add(x * 2.0 - 1.0, [1.0, -5.0, 0.0])) + 1.0
    feed = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.0
    expected = np.maximum(feed * 2.0 - 1.0 + [1.0, -5.0, 0.0], 0.0) + 1.0
    with tf.Session() as sess:
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(y, {x: feed}), expected)
    np.testing.assert_array_equal(feed, np.arange(6, dtype=np.float32).reshape(2, 3) - 2.0)


def test_variables_constants_and_fetched_values_are_never_overwritten():
    v = tf.Variable(np.array([-1.0, 2.0], np.float32))
    r = tf.Variable(np.array([-3.0, 4.0], np.float32), use_resource=True)
    c = tf.constant(np.array([-5.0, 6.0], np.float32))
    mid = tf.identity(r.read_value()) * 1.0
    outputs = [tf.nn.relu(v.value()), tf.nn.relu(r.read_value()), tf.nn.relu(c), tf.nn.relu(mid)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            got = sess.run(outputs + [mid])
    np.testing.assert_array_equal(got[0], [0.0, 2.0])
    np.testing.assert_array_equal(got[3], [0.0, 4.0])
    np.testing.assert_array_equal(got[4], [-3.0, 4.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(outputs)
        np.testing.assert_array_equal(sess.run(v), [-1.0, 2.0])
        np.testing.assert_array_equal(sess.run(r), [-3.0, 4.0])
        np.testing.assert_array_equal(sess.run(c), [-5.0, 6.0])


def test_assign_keeps_a_donated_value_and_copies_a_shared_one():
    v = tf.Variable(np.zeros(3, np.float32))
    source = tf.constant(np.ones(3, np.float32))
    assign_shared = tf.assign(v, source)
    assign_fresh = tf.assign(v, tf.random.uniform([3]) * 0.0 + 2.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(assign_shared)
        sess.run(tf.assign_add(v, [1.0, 1.0, 1.0]))
        np.testing.assert_array_equal(sess.run(source), [1.0, 1.0, 1.0])
        np.testing.assert_array_equal(sess.run(v), [2.0, 2.0, 2.0])
        sess.run(assign_fresh)
        np.testing.assert_array_equal(sess.run(v), [2.0, 2.0, 2.0])


def test_a_dead_intermediate_is_donated_in_a_real_run(monkeypatch):
    decisions = []
    real = registry.donated

    def recording(ctx, value):
        decision = real(ctx, value)
        decisions.append((ctx.node.type if ctx is not None else None, decision))
        return decision

    monkeypatch.setattr(registry, "donated", recording)
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    kernel = tf.constant(np.ones((3, 3, 2, 4), np.float32))
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "VALID"), tf.ones([4])))
    with tf.Session() as sess:
        out = sess.run(y, {x: np.ones((1, 6, 6, 2), np.float32)})
    np.testing.assert_array_equal(out, np.full((1, 4, 4, 4), 19.0, np.float32))
    assert ("BiasAdd", True) in decisions and ("Relu", True) in decisions
