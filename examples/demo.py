"""ndflow's demo: the seed documents' TF1 snippets, run unchanged with `import ndflow as tf`.

Run with `make demo`. It builds graphs, feeds placeholders and prints what TensorFlow prints.
(Issue 11 grows this into the end-to-end train -> export -> serve story.)
"""

from __future__ import annotations

import os
import time

import numpy as np

import ndflow as tf


def seed_constants() -> None:
    a = tf.constant(5.0)
    b = tf.constant(6.0)
    c = a * b
    sess = tf.Session()
    print("a * b                      =", sess.run(c))
    sess.close()


def seed_strings() -> None:
    x = tf.constant("hello")
    y = tf.constant("world")
    z = tf.strings.join([x, y], separator=" ")
    print("z                          =", z)
    with tf.Session() as sess:
        print("sess.run(z)                =", sess.run(z))


def placeholder_broadcasting_and_reductions() -> None:
    x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
    scale = tf.constant([1.0, 10.0, 100.0])
    y = x * scale + 1.0
    total = tf.reduce_sum(y, axis=1)
    mean = tf.reduce_mean(y)
    with tf.Session() as sess:
        feed = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
        y_value, total_value, mean_value = sess.run([y, total, mean], {x: feed})
    print("x * [1, 10, 100] + 1       =", y_value.tolist())
    print("reduce_sum(axis=1)         =", total_value.tolist())
    print("reduce_mean                =", mean_value)


def control_dependencies_and_variables() -> None:
    var = tf.Variable(1.0, name="var")
    top = var * 2
    with tf.control_dependencies([top]):
        bot = var.assign_add(2)
    out = top + bot
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("top + bot (var=1, ordered) =", sess.run(out))
        print("var afterwards             =", sess.run(var))


def tensorboard_summaries() -> None:
    """A few training steps logged for TensorBoard, with one profiled step."""
    x = tf.placeholder(tf.float32, [None, 1], name="x")
    w = tf.Variable([[0.0]], name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 3.0 * x))
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    merged = tf.summary.merge_all()
    logdir = os.path.join("demo_output", "logs")
    batch = np.linspace(-1, 1, 16, dtype=np.float32)[:, None]
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir, sess.graph)
        sess.run(tf.global_variables_initializer())
        for step in range(20):
            summary, _ = sess.run([merged, train_op], {x: batch})
            writer.add_summary(summary, step)
        metadata = tf.RunMetadata()
        options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        sess.run(train_op, {x: batch}, options=options, run_metadata=metadata)
        writer.add_run_metadata(metadata, "step_20", 20)
        writer.close()
        ops = len(metadata.step_stats.dev_stats[0].node_stats)
        print(f"w after 20 steps           = {sess.run(w).item():.4f} (towards 3.0)")
    print(f"event file                 = {writer.get_logdir()} ({ops} ops traced in step 20)")
    print(f"                             view it with: tensorboard --logdir {logdir}")


def session_overhead() -> None:
    x = tf.placeholder(tf.float32)
    y = tf.constant(2.0) * x + tf.constant(1.0)
    with tf.Session() as sess:
        for _ in range(200):
            sess.run(y, {x: 3.0})
        start = time.perf_counter()
        calls = 5000
        for _ in range(calls):
            sess.run(y, {x: 3.0})
        elapsed = (time.perf_counter() - start) / calls
    print(f"sess.run(a*x + b)          = {elapsed * 1e6:.1f} us per call")


def main() -> None:
    print(f"ndflow {tf.__version__}: TF1 graphs and Sessions on NumPy\n")
    for step in (
        seed_constants,
        seed_strings,
        placeholder_broadcasting_and_reductions,
        control_dependencies_and_variables,
        tensorboard_summaries,
        session_overhead,
    ):
        with tf.Graph().as_default():
            step()
    print("\ndone.")


if __name__ == "__main__":
    main()
