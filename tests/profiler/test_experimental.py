"""tf.profiler.experimental.start / stop: every run traced, a Chrome trace written on stop."""

from __future__ import annotations

import gzip
import json
import socket

import pytest

import ndflow as tf
from ndflow.framework import errors
from ndflow.profiler import experimental
from ndflow.runtime import session as session_lib
from tests.profiler import cnn


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph
    if experimental._active is not None:
        experimental.stop(save=False)


def _trace_files(logdir):
    return sorted(logdir.glob("plugins/profile/*/*.trace.json.gz"))


def test_start_stop_writes_the_trace_of_every_run(tmp_path):
    train, loss, feed = cnn.build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        experimental.start(str(tmp_path))
        sess.run([train, loss], feed)
        sess.run([train, loss], feed)
        experimental.stop()
        sess.run([train, loss], feed)
    (path,) = _trace_files(tmp_path)
    assert path.name == f"{socket.gethostname()}.trace.json.gz"
    assert len(path.parent.name.split("_")) == 6  # YYYY_MM_DD_HH_MM_SS
    events = json.loads(gzip.decompress(path.read_bytes()))["traceEvents"]
    conv = [e for e in events if e["ph"] == "X" and e["name"] == "Conv2D"]
    assert len(conv) == 2
    assert session_lib._run_observers == ()


def test_starting_twice_raises_already_exists(tmp_path):
    experimental.start(str(tmp_path))
    with pytest.raises(errors.AlreadyExistsError, match="Another profiler is running"):
        experimental.start(str(tmp_path))
    experimental.stop(save=False)
    assert not _trace_files(tmp_path)


def test_stopping_when_not_started_raises_unavailable():
    with pytest.raises(errors.UnavailableError, match="No profiler is running"):
        experimental.stop()


def test_profile_context_manager(tmp_path):
    x = tf.placeholder(tf.float32, [2])
    y = tf.square(x, name="sq")
    with tf.Session() as sess, experimental.Profile(str(tmp_path), experimental.ProfilerOptions()):
        sess.run(y, {x: [1.0, 2.0]})
    (path,) = _trace_files(tmp_path)
    events = json.loads(gzip.decompress(path.read_bytes()))["traceEvents"]
    assert [e["args"]["name"] for e in events if e["ph"] == "X"] == ["sq"]
