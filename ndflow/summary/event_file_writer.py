"""EventFileWriter: Events queued by the caller, written to an event file by a thread.

TF's python/summary/writer/event_file_writer.py: `add_event` puts the Event on a bounded
queue (`max_queue`) and returns; a daemon thread writes it, flushing at most every
`flush_secs`. An error in that thread closes the queue, and the next `add_event`, `flush` or
`close` raises it in the caller.
"""

from __future__ import annotations

import collections
import logging
import os
import sys
import threading
import time

from ndflow.formats import event_file
from ndflow.formats import gfile

_logger = logging.getLogger(__name__)


class EventFileWriter:
    """Mirrors `tf.compat.v1.summary.FileWriter`'s EventFileWriter.

    The event file `events.out.tfevents.<seconds>.<hostname><filename_suffix>` is created in
    `logdir` (made if missing) when the first event is written; with a `filename_suffix`,
    at construction, as TF does.

    Args:
      logdir: directory of the event file.
      max_queue: events that may wait for the writer thread before `add_event` blocks.
      flush_secs: how often, in seconds, the thread flushes written events to disk.
      filename_suffix: appended to the event file's name.

    >>> writer = EventFileWriter("/tmp/logs")
    >>> writer.add_event(event_pb2.Event(step=1)); writer.close()
    """

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=None):
        self._logdir = os.fsdecode(logdir)
        gfile.makedirs(self._logdir)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._flush_complete = threading.Event()
        self._flush_sentinel = object()
        self._close_sentinel = object()
        self._ev_writer = event_file.EventsWriter(self._logdir, filename_suffix or "")
        if filename_suffix:
            self._ev_writer.init()
        self._initialize()
        self._closed = False

    def _initialize(self) -> None:
        self._event_queue = CloseableQueue(self._max_queue)
        self._worker = _EventLoggerThread(
            self._event_queue,
            self._ev_writer,
            self._flush_secs,
            self._flush_complete,
            self._flush_sentinel,
            self._close_sentinel,
        )
        self._worker.start()

    def get_logdir(self) -> str:
        """Returns the directory where the event file is written."""
        return self._logdir

    @property
    def event_file_path(self):
        """The path of the current (or last) event file; None before the first event."""
        return self._ev_writer.path

    def reopen(self) -> None:
        """After `close()`, starts a new writer thread; the next event opens a new file."""
        if self._closed:
            self._initialize()
            self._closed = False

    def add_event(self, event) -> None:
        """Queues an Event for the writer thread (a no-op once closed)."""
        if not self._closed:
            self._try_put(event)

    def _try_put(self, item) -> None:
        try:
            self._event_queue.put(item)
        except QueueClosedError:
            self._internal_close()
            self._raise_failure()

    def flush(self) -> None:
        """Waits until every queued event is written and flushed to disk."""
        if self._closed:
            return
        self._flush_complete.clear()
        self._try_put(self._flush_sentinel)
        self._flush_complete.wait()
        if self._worker.failure_exc_info:
            self._internal_close()
            self._raise_failure()

    def close(self) -> None:
        """Flushes, stops the thread and closes the file; a second call does nothing."""
        if self._closed:
            return
        self.flush()
        self._try_put(self._close_sentinel)
        self._internal_close()

    def _internal_close(self) -> None:
        self._closed = True
        self._worker.join()
        self._ev_writer.close()

    def _raise_failure(self) -> None:
        if self._worker.failure_exc_info:
            _, exception, _ = self._worker.failure_exc_info
            raise exception from None


class _EventLoggerThread(threading.Thread):
    """Writes queued events until the close sentinel; flushes every `flush_secs`."""

    def __init__(
        self, queue, ev_writer, flush_secs, flush_complete, flush_sentinel, close_sentinel
    ):
        super().__init__(name="EventLoggerThread", daemon=True)
        self._queue = queue
        self._ev_writer = ev_writer
        self._flush_secs = flush_secs
        self._next_event_flush_time = 0.0
        self._flush_complete = flush_complete
        self._flush_sentinel = flush_sentinel
        self._close_sentinel = close_sentinel
        self.failure_exc_info = ()

    def run(self) -> None:
        try:
            self._drain()
        except Exception as error:  # noqa: BLE001 - re-raised by the next add_event/flush/close
            _logger.error("EventFileWriter writer thread error: %s", error)
            self.failure_exc_info = sys.exc_info()
        finally:
            self._flush_complete.set()
            self._queue.close()

    def _drain(self) -> None:
        while True:
            event = self._queue.get()
            if event is self._close_sentinel:
                return
            if event is self._flush_sentinel:
                self._ev_writer.flush()
                self._flush_complete.set()
                continue
            self._ev_writer.write_event(event)
            now = time.time()
            if now > self._next_event_flush_time:
                self._ev_writer.flush()
                self._next_event_flush_time = now + self._flush_secs


class CloseableQueue:
    """A bounded FIFO whose `put` fails with QueueClosedError once `close()` was called
    (also while blocked on a full queue)."""

    def __init__(self, maxsize=0):
        self._maxsize = maxsize
        self._queue = collections.deque()
        self._closed = False
        self._mutex = threading.Lock()
        self._not_empty = threading.Condition(self._mutex)
        self._not_full = threading.Condition(self._mutex)

    def get(self):
        """Removes and returns the oldest item, waiting for one if the queue is empty."""
        with self._not_empty:
            while not self._queue:
                self._not_empty.wait()
            item = self._queue.popleft()
            self._not_full.notify()
            return item

    def put(self, item) -> None:
        """Appends `item`, waiting while the queue is full; QueueClosedError once closed."""
        with self._not_full:
            if self._closed:
                raise QueueClosedError()
            while 0 < self._maxsize <= len(self._queue):
                self._not_full.wait()
                if self._closed:
                    raise QueueClosedError()
            self._queue.append(item)
            self._not_empty.notify()

    def qsize(self) -> int:
        with self._mutex:
            return len(self._queue)

    def close(self) -> None:
        """Makes pending and future `put` calls fail."""
        with self._not_full:
            self._closed = True
            self._not_full.notify_all()


class QueueClosedError(Exception):
    """`CloseableQueue.put` on a closed queue."""
