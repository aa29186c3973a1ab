"""TF2's programmatic profiler (`tf.profiler.experimental.start` / `stop` / `Profile`).

While started, every Session.run in the process is traced (a run observer of the runtime);
`stop()` writes the traced runs as one Chrome trace,
`<logdir>/plugins/profile/<YYYY_MM_DD_HH_MM_SS>/<hostname>.trace.json.gz`, where TensorBoard's
profile plugin and chrome://tracing find it. Only one profiler runs at a time.
"""

from __future__ import annotations

import collections
import gzip
import os
import threading
import time

from ndflow.formats import gfile
from ndflow.framework import errors
from ndflow.profiler import timeline
from ndflow.proto import step_stats_pb2
from ndflow.runtime import session as session_lib

_lock = threading.Lock()
_active = None


class ProfilerOptions(
    collections.namedtuple(
        "ProfilerOptions",
        ["host_tracer_level", "python_tracer_level", "device_tracer_level", "delay_ms"],
    )
):
    """Mirrors `tf.profiler.experimental.ProfilerOptions` (accepted; ndflow traces ops only)."""

    def __new__(
        cls, host_tracer_level=2, python_tracer_level=0, device_tracer_level=1, delay_ms=None
    ):
        return super().__new__(
            cls, host_tracer_level, python_tracer_level, device_tracer_level, delay_ms
        )


class _Session:
    """One started profiler: its log directory and the StepStats of the runs so far."""

    def __init__(self, logdir: str):
        self.logdir = logdir
        self.started = time.localtime()
        self.runs: list = []
        self._lock = threading.Lock()

    def observe(self, step_stats) -> None:
        with self._lock:
            self.runs.append(step_stats)

    def merged(self) -> step_stats_pb2.StepStats:
        """All runs' node stats on one device each."""
        merged = step_stats_pb2.StepStats()
        devices = {}
        with self._lock:
            runs = list(self.runs)
        for run in runs:
            for dev_stats in run.dev_stats:
                target = devices.get(dev_stats.device)
                if target is None:
                    target = devices[dev_stats.device] = merged.dev_stats.add(
                        device=dev_stats.device
                    )
                target.node_stats.extend(dev_stats.node_stats)
        return merged

    def save(self) -> str:
        stamp = time.strftime("%Y_%m_%d_%H_%M_%S", self.started)
        directory = os.path.join(self.logdir, "plugins", "profile", stamp)
        gfile.makedirs(directory)
        path = os.path.join(directory, f"{os.uname().nodename}.trace.json.gz")
        trace = timeline.Timeline(self.merged()).generate_chrome_trace_format()
        gfile.write_file_bytes(path, gzip.compress(trace.encode()))
        return path


def start(logdir, options=None) -> None:
    """Mirrors `tf.profiler.experimental.start`: traces every Session.run until `stop()`.

    Args:
      logdir: the directory `stop()` writes the trace under.
      options: a ProfilerOptions (accepted, not needed on CPU).

    Raises:
      AlreadyExistsError: if a profiler is already running.

    >>> start("logdir")
    """
    global _active
    del options
    with _lock:
        if _active is not None:
            raise errors.AlreadyExistsError(None, None, "Another profiler is running.")
        _active = _Session(os.fspath(logdir))
        session_lib.add_run_observer(_active.observe)


def stop(save=True) -> None:
    """Mirrors `tf.profiler.experimental.stop`: stops tracing and, if `save`, writes the trace.

    Raises:
      UnavailableError: if no profiler is running.

    >>> stop()
    """
    global _active
    with _lock:
        if _active is None:
            raise errors.UnavailableError(
                None, None, "Cannot export profiling results. No profiler is running."
            )
        profiler, _active = _active, None
        session_lib.remove_run_observer(profiler.observe)
    if save:
        profiler.save()


class Profile:
    """Mirrors `tf.profiler.experimental.Profile`: start on entering, stop on leaving.

    >>> with Profile("logdir"):
    ...     sess.run(train_op)
    """

    def __init__(self, logdir, options=None):
        self._logdir = logdir
        self._options = options

    def __enter__(self):
        start(self._logdir, self._options)

    def __exit__(self, typ, value, tb):
        stop()
