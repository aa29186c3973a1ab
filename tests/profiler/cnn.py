"""A small CNN training step (conv2d + pool + dense + softmax xent + GradientDescent), traced."""

from __future__ import annotations

import numpy as np

import ndflow as tf

BATCH = 4


def build():
    """(train op, loss, feed) in the default graph; weights and data from a fixed seed."""
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [BATCH, 12, 12, 3], name="x")
    y = tf.placeholder(tf.int32, [BATCH], name="y")
    with tf.variable_scope("conv1"):
        kernel = tf.Variable(
            rng.standard_normal((3, 3, 3, 8)).astype(np.float32) * 0.1, name="kernel"
        )
        bias = tf.Variable(np.zeros(8, np.float32), name="bias")
        h = tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "SAME")
        h = tf.nn.relu(tf.nn.bias_add(h, bias))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    h = tf.reshape(h, [BATCH, 6 * 6 * 8])
    with tf.variable_scope("dense"):
        weights = tf.Variable(rng.standard_normal((288, 5)).astype(np.float32) * 0.1, name="kernel")
        logits = tf.matmul(h, weights)
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
    loss = tf.reduce_mean(xent)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    feed = {x: rng.random((BATCH, 12, 12, 3), dtype=np.float32), y: np.arange(BATCH) % 5}
    return train, loss, feed


def traced_step(sess, train, loss, feed):
    """Runs one traced training step; returns its RunMetadata."""
    run_metadata = tf.RunMetadata()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    sess.run([train, loss], feed, options=options, run_metadata=run_metadata)
    return run_metadata
