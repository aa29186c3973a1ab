"""Thread coordination: `tf.train.Coordinator` and `tf.train.LooperThread`.

A Coordinator is a stop flag shared by a set of threads, plus the first exception one of them
reported. `join()` waits for the threads, gives them a grace period once a stop was requested,
and re-raises that exception (or a RuntimeError naming the threads still running).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time

from ndflow.framework import errors

_logger = logging.getLogger(__name__)

# How often join() looks at the stop flag while it waits for threads to finish. TF polls
# once a second; a shorter step lets join() return as soon as the last thread is done.
_JOIN_POLL_SECS = 0.05


class Coordinator:
    """Mirrors `tf.train.Coordinator`: a stop flag and error report shared by threads.

    Args:
      clean_stop_exception_types: exception types that stop the coordinator cleanly, as if
        `request_stop()` had been called without an exception. Defaults to
        `(tf.errors.OutOfRangeError,)`, the end of an input queue.

    >>> coord = Coordinator()
    >>> coord.request_stop()
    >>> coord.should_stop()
    True
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()  # protects everything below
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads: set = set()

    def _filter_exception(self, ex):
        """`ex` itself, or None when it is one of the clean-stop types."""
        instance = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(instance, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex=None) -> None:
        """Mirrors `tf.train.Coordinator.request_stop`: asks every thread to stop.

        Args:
          ex: an optional exception, or a `sys.exc_info()` tuple. The first one reported
            (unless of a clean-stop type) is re-raised by `join()`. After `join()` it is
            raised right here, since nothing would report it any more.
        """
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined and ex is not None:
                raise _exception_instance(ex)
            if self._stop_event.is_set():
                return
            if ex is not None and self._exc_info_to_raise is None:
                self._exc_info_to_raise = _as_exc_info(ex)
                _logger.info("Error reported to Coordinator: %s", self._exc_info_to_raise[1])
            self._stop_event.set()

    def clear_stop(self) -> None:
        """Mirrors `tf.train.Coordinator.clear_stop`: `should_stop()` is False again."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        """Mirrors `tf.train.Coordinator.should_stop`: whether a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Mirrors `tf.train.Coordinator.stop_on_exception`: any exception raised in the
        body is reported with `request_stop()` and does not propagate."""
        try:
            yield
        except BaseException:  # noqa: BLE001 - TF's bare except: everything is reported
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None) -> bool:
        """Mirrors `tf.train.Coordinator.wait_for_stop`: True once a stop is requested,
        False if `timeout` seconds pass first."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread) -> None:
        """Mirrors `tf.train.Coordinator.register_thread`: `join()` will also wait for it."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Mirrors `tf.train.Coordinator.join`: waits for `threads` and the registered ones.

        Returns when they all finished, or when a stop was requested and they then finished
        within `stop_grace_period_secs`.

        Raises:
          Exception: the first exception reported to `request_stop()`.
          RuntimeError: threads still run after the grace period (unless
            `ignore_live_threads`).
        """
        with self._lock:
            threads = list(self._registered_threads.union(threads or ()))
        self._wait_for_threads_or_stop(threads)
        _wait_grace_period(threads, stop_grace_period_secs)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if not stragglers:
                return
            message = "Coordinator stopped with threads still running: " + " ".join(stragglers)
            if not ignore_live_threads:
                raise RuntimeError(message)
            _logger.info(message)

    def _wait_for_threads_or_stop(self, threads) -> None:
        while not self._stop_event.is_set():
            alive = [t for t in threads if t.is_alive()]
            if not alive:
                return
            alive[0].join(_JOIN_POLL_SECS)

    @property
    def joined(self) -> bool:
        """Whether `join()` has returned (or raised) since the last `clear_stop()`."""
        return self._joined

    def raise_requested_exception(self) -> None:
        """Mirrors `tf.train.Coordinator.raise_requested_exception`: raises the exception
        reported to `request_stop()`, if any."""
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


def _exception_instance(ex):
    return ex[1] if isinstance(ex, tuple) else ex


def _as_exc_info(ex) -> tuple:
    """A `sys.exc_info()`-style triple for an exception or such a triple.

    TF reads `sys.exc_info()` when given a bare exception, which is only right inside the
    handler that caught it; a Python 3 exception carries its own traceback, so ndflow uses it.
    A triple without an exception is recorded as TF does: as a ValueError.
    """
    if not isinstance(ex, tuple):
        return (type(ex), ex, ex.__traceback__)
    if len(ex) == 3 and ex[0] and ex[1]:
        return ex
    error = ValueError(
        f"ex must be a tuple or sys.exc_info must return the current exception: {ex}"
    )
    return (ValueError, error, None)


def _wait_grace_period(threads, grace_secs) -> None:
    """TF's wait for stragglers: sleeps of doubling length, within the grace period."""
    sleep_secs = 0.001
    while any(t.is_alive() for t in threads) and grace_secs >= 0.0:
        time.sleep(sleep_secs)
        grace_secs -= sleep_secs
        sleep_secs = max(min(2 * sleep_secs, grace_secs), 0.001)


class LooperThread(threading.Thread):
    """Mirrors `tf.compat.v1.train.LooperThread`: a daemon thread that calls `run_loop()`
    (by default `target(*args, **kwargs)`) until its coordinator stops.

    Args:
      coord: the `Coordinator`; the thread registers itself with it.
      timer_interval_secs: call `run_loop()` at these time boundaries, or back to back when
        None.
      target: the callable `run_loop()` calls.
      args: positional arguments for `target`.
      kwargs: keyword arguments for `target`.

    Raises:
      ValueError: `coord` is not a Coordinator, or `args`/`kwargs` come without `target`.

    An exception raised by the loop is reported to the coordinator and ends the thread.

    >>> coord = Coordinator()
    >>> looper = LooperThread.loop(coord, 0.5, target=print, args=("tick",))
    >>> coord.request_stop()
    >>> coord.join()
    """

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if not target and (args or kwargs):
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._args = args or ()
        self._kwargs = kwargs or {}
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Mirrors `tf.compat.v1.train.LooperThread.loop`: starts and returns a LooperThread
        calling `target` every `timer_interval_secs` (back to back when None)."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self) -> None:
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                self._run_on_timer()
            self.stop_loop()

    def _run_on_timer(self) -> None:
        next_timer_time = time.time()
        while not self._coord.wait_for_stop(next_timer_time - time.time()):
            next_timer_time += self._timer_interval_secs
            self.run_loop()

    def start_loop(self) -> None:
        """Called when the thread starts."""

    def stop_loop(self) -> None:
        """Called when the thread stops."""

    def run_loop(self) -> None:
        """Called at `timer_interval_secs` boundaries."""
        if self._target:
            self._target(*self._args, **self._kwargs)
