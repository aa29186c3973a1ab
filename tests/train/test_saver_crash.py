"""Crash safety of `Saver.save` (issue 6): a process that saves in a loop is killed with
SIGKILL at random points, several times in a row (each run resumes from the latest
checkpoint). Afterwards the state file parses, `latest_checkpoint` names a complete
checkpoint that restores with consistent values, and its MetaGraph file parses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np

import ndflow as tf
from ndflow.framework import meta_graph

_CHILD = r"""
import sys
import numpy as np
import ndflow as tf

directory = sys.argv[1]
big = tf.Variable(tf.zeros([1024, 1024]), name="big")
step = tf.Variable(np.int64(-1), name="step")
value = tf.placeholder(tf.float32, [])
update = [big.assign(tf.ones([1024, 1024]) * value), step.assign(tf.cast(value, tf.int64))]
saver = tf.train.Saver(max_to_keep=3)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    latest = tf.train.latest_checkpoint(directory)
    start = 0
    if latest:
        saver.restore(sess, latest)
        start = int(sess.run(step)) + 1
        state = tf.train.get_checkpoint_state(directory)
        saver.recover_last_checkpoints(list(state.all_model_checkpoint_paths))
    for i in range(start, start + 100000):
        sess.run(update, {value: float(i)})
        saver.save(sess, directory + "/model.ckpt", global_step=i)
        print(i, flush=True)
"""


def _run_and_kill(directory, saves_before_kill, delay):
    """Starts the saving loop, lets it finish some saves, then SIGKILLs it `delay` s later."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, directory],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=os.getcwd(),
    )
    try:
        for _ in range(saves_before_kill):
            line = child.stdout.readline()
            assert line, "the saving process stopped before it was killed"
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def _check_latest_checkpoint(directory):
    state = tf.train.get_checkpoint_state(directory)
    assert state is not None
    latest = tf.train.latest_checkpoint(directory)
    assert latest == state.model_checkpoint_path
    assert list(state.all_model_checkpoint_paths)[-1] == latest
    meta_graph.read_meta_graph_file(latest + ".meta")
    with tf.Graph().as_default() as graph:
        big = tf.Variable(tf.zeros([1024, 1024]), name="big")
        step = tf.Variable(np.int64(-1), name="step")
        with tf.Session(graph=graph) as sess:
            tf.train.Saver().restore(sess, latest)
            big_value, step_value = sess.run([big, step])
    assert latest.endswith(f"model.ckpt-{step_value}")
    assert np.all(big_value == float(step_value))
    return int(step_value)


def test_killed_during_save_leaves_a_restorable_latest_checkpoint(tmp_path):
    directory = str(tmp_path)
    rng = np.random.default_rng(6)
    steps = []
    for trial in range(6):
        _run_and_kill(directory, saves_before_kill=2 + trial, delay=float(rng.uniform(0, 0.05)))
        steps.append(_check_latest_checkpoint(directory))
    # Each run resumed after the previous one's latest checkpoint.
    assert steps == sorted(steps) and steps[-1] >= 6
