"""Threads that keep queues filled: `tf.train.QueueRunner`, `add_queue_runner` and
`start_queue_runners` (TF's training/queue_runner_impl.py).

A QueueRunner holds a queue's enqueue ops and its close and cancel ops; it only runs the ops
it is given. `create_threads()` runs each enqueue op in a loop in its own thread. When an
enqueue op raises one of the "queue closed" errors, its thread ends, and the last one to end
closes the queue, so readers see OutOfRangeError once the queue drains. This module also
registers QueueRunner's proto functions for the `queue_runners` collection, so MetaGraphs
carry QueueRunnerDefs and import them as QueueRunner objects.
"""

from __future__ import annotations

import logging
import threading
import weakref

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import operation
from ndflow.framework import proto_functions
from ndflow.proto import queue_runner_pb2
from ndflow.runtime import session as session_lib

GraphKeys = graph_lib.GraphKeys

_logger = logging.getLogger(__name__)


class QueueRunner:
    """Mirrors `tf.compat.v1.train.QueueRunner`: enqueue ops for a queue, each to be run in
    a thread.

    Args:
      queue: the queue (anything with a `name`; its `close()` builds the default close ops).
      enqueue_ops: the ops to run, one thread each.
      close_op: closes the queue, keeping pending enqueues (default `queue.close()`).
      cancel_op: closes the queue and cancels pending enqueues (default
        `queue.close(cancel_pending_enqueues=True)`).
      queue_closed_exception_types: a tuple of `tf.errors` types meaning "the queue was
        closed" when an enqueue op raises them. Defaults to `(tf.errors.OutOfRangeError,)`.
      queue_runner_def: a `QueueRunnerDef` to rebuild the runner from, in the default graph.
      import_scope: name scope to prepend to the names in `queue_runner_def`.

    Raises:
      ValueError: both `queue_runner_def` and `queue`/`enqueue_ops` are given, or neither.
      TypeError: `queue_closed_exception_types` is not a non-empty tuple of `tf.errors` types.

    >>> qr = QueueRunner(queue, [enqueue_op] * 2)
    >>> add_queue_runner(qr)
    """

    def __init__(
        self,
        queue=None,
        enqueue_ops=None,
        close_op=None,
        cancel_op=None,
        queue_closed_exception_types=None,
        queue_runner_def=None,
        import_scope=None,
    ):
        if queue_runner_def:
            if queue or enqueue_ops:
                raise ValueError("queue_runner_def and queue are mutually exclusive.")
            self._init_from_proto(queue_runner_def, import_scope=import_scope)
        else:
            self._init_from_args(
                queue, enqueue_ops, close_op, cancel_op, queue_closed_exception_types
            )
        self._lock = threading.Lock()  # protects the two below
        # Session -> the number of its enqueue threads still running.
        self._runs_per_session = weakref.WeakKeyDictionary()
        self._exceptions_raised: list = []

    def _init_from_args(self, queue, enqueue_ops, close_op, cancel_op, closed_types):
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        _check_closed_exception_types(closed_types)
        self._queue = queue
        self._enqueue_ops = enqueue_ops
        self._close_op = close_op if close_op is not None else queue.close()
        if cancel_op is None:
            cancel_op = queue.close(cancel_pending_enqueues=True)
        self._cancel_op = cancel_op
        self._queue_closed_exception_types = tuple(closed_types or (errors.OutOfRangeError,))

    def _init_from_proto(self, queue_runner_def, import_scope=None):
        if not isinstance(queue_runner_def, queue_runner_pb2.QueueRunnerDef):
            raise TypeError(
                "queue_runner_def must be a QueueRunnerDef. "
                f"Received type: {type(queue_runner_def)}."
            )
        graph = graph_lib.get_default_graph()

        def element(name):
            return graph.as_graph_element(proto_functions.prepend_name_scope(name, import_scope))

        self._queue = element(queue_runner_def.queue_name)
        self._enqueue_ops = [element(name) for name in queue_runner_def.enqueue_op_name]
        self._close_op = element(queue_runner_def.close_op_name)
        self._cancel_op = element(queue_runner_def.cancel_op_name)
        codes = queue_runner_def.queue_closed_exception_types
        # QueueRunnerDefs from before the field existed mean OutOfRangeError.
        closed_types = tuple(errors.exception_type_from_error_code(code) for code in codes)
        self._queue_closed_exception_types = closed_types or (errors.OutOfRangeError,)

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def queue_closed_exception_types(self) -> tuple:
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self) -> list:
        """The exceptions the enqueue threads raised when they ran without a Coordinator
        (with one, they are reported to it instead)."""
        return self._exceptions_raised

    @property
    def name(self) -> str:
        """The name of the queue."""
        return self._queue.name

    def _run(self, sess, enqueue_op, coord=None) -> None:
        """Runs `enqueue_op` until the queue closes, the coordinator stops, or it fails."""
        decremented = False
        try:
            enqueue = sess.make_callable(enqueue_op)
            while not (coord and coord.should_stop()):
                try:
                    enqueue()
                except self._queue_closed_exception_types:
                    decremented = True
                    self._finish_run(sess)
                    return
        except Exception as error:
            self._report(error, coord)
            if coord is None:
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _finish_run(self, sess) -> None:
        """One enqueue thread saw the queue closed; the last one closes the queue."""
        with self._lock:
            self._runs_per_session[sess] -= 1
            if self._runs_per_session[sess] == 0:
                _run_ignoring_errors(sess, self._close_op)

    def _report(self, error, coord) -> None:
        if coord is not None:
            coord.request_stop(error)
            return
        _logger.error("Exception in QueueRunner: %s", error)
        with self._lock:
            self._exceptions_raised.append(error)

    def _close_on_stop(self, sess, cancel_op, coord) -> None:
        """Cancels the queue once the coordinator requests a stop, unblocking enqueues."""
        coord.wait_for_stop()
        _run_ignoring_errors(sess, cancel_op)

    def create_threads(self, sess, coord=None, daemon=False, start=False) -> list:
        """Mirrors `tf.compat.v1.train.QueueRunner.create_threads`.

        One thread per enqueue op, plus (with `coord`) one that runs `cancel_op` when the
        coordinator stops; threads are registered with `coord`. Returns [] while threads
        created earlier for `sess` still run.
        """
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [
            threading.Thread(
                target=self._run,
                args=(sess, op, coord),
                name=f"QueueRunnerThread-{self.name}-{op.name}",
            )
            for op in self._enqueue_ops
        ]
        if coord:
            threads.append(
                threading.Thread(
                    target=self._close_on_stop,
                    args=(sess, self._cancel_op, coord),
                    name=f"QueueRunnerThread-{self.name}-close_on_stop",
                )
            )
        for thread in threads:
            _launch(thread, coord, daemon, start)
        return threads

    def to_proto(self, export_scope=None):
        """Mirrors `tf.compat.v1.train.QueueRunner.to_proto`: a QueueRunnerDef with
        `export_scope` stripped from its names, or None when the queue is outside it."""
        if export_scope is not None and not self.queue.name.startswith(export_scope):
            return None

        def strip(name):
            return proto_functions.strip_name_scope(name, export_scope)

        return queue_runner_pb2.QueueRunnerDef(
            queue_name=strip(self.queue.name),
            enqueue_op_name=[strip(op.name) for op in self.enqueue_ops],
            close_op_name=strip(self.close_op.name),
            cancel_op_name=strip(self.cancel_op.name),
            queue_closed_exception_types=[
                errors.error_code_from_exception_type(cls)
                for cls in self._queue_closed_exception_types
            ],
        )

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        """Mirrors `tf.compat.v1.train.QueueRunner.from_proto`: the QueueRunner of
        `queue_runner_def`, its names looked up in the default graph under `import_scope`."""
        return QueueRunner(queue_runner_def=queue_runner_def, import_scope=import_scope)


def _check_closed_exception_types(closed_types) -> None:
    if closed_types is None:
        return
    if (
        isinstance(closed_types, tuple)
        and closed_types
        and all(isinstance(t, type) and issubclass(t, errors.OpError) for t in closed_types)
    ):
        return
    raise TypeError(
        "queue_closed_exception_types, when provided, must be a tuple of tf.error types, "
        f"but saw: {closed_types}"
    )


def _run_ignoring_errors(sess, op) -> None:
    """Runs a close or cancel op; TF ignores its failure (the queue may be closed already)."""
    try:
        sess.run(op)
    except Exception as error:  # noqa: BLE001 - TF ignores every error of close ops
        _logger.debug("Ignored exception: %s", error)


def _launch(thread, coord, daemon, start) -> None:
    if coord:
        coord.register_thread(thread)
    if daemon:
        thread.daemon = True
    if start:
        thread.start()


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS) -> None:
    """Mirrors `tf.compat.v1.train.add_queue_runner`: adds `qr` to `collection` of the
    default graph, for `start_queue_runners()`.

    >>> add_queue_runner(QueueRunner(queue, [enqueue_op]))
    """
    graph_lib.get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(
    sess=None, coord=None, daemon=True, start=True, collection=GraphKeys.QUEUE_RUNNERS
) -> list:
    """Mirrors `tf.compat.v1.train.start_queue_runners`: creates (and by default starts)
    the threads of every QueueRunner in `collection` of `sess.graph`.

    Args:
      sess: the Session to run the enqueue ops in; defaults to the default session.
      coord: an optional Coordinator for the threads.
      daemon: make the threads daemon threads.
      start: start the threads (else the caller starts them).
      collection: the collection holding the queue runners.

    Returns:
      All the threads created.

    Raises:
      ValueError: no `sess` and no default session.
      TypeError: `sess` is not a Session.

    >>> coord = tf.train.Coordinator()
    >>> threads = tf.train.start_queue_runners(sess, coord)
    """
    sess = _session_or_default(sess)
    if sess is None:
        return []  # a MonitoredSession starts its queue runners itself, as in TF
    queue_runners = sess.graph.get_collection(collection)
    if not queue_runners:
        _logger.warning(
            "`tf.train.start_queue_runners()` was called when no queue runners were defined. "
            "You can safely remove the call to this deprecated function."
        )
    threads = []
    with sess.graph.as_default():
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads


def _session_or_default(sess):
    """`sess`, or the default session; None for TF's MonitoredSession exception."""
    if sess is None:
        sess = operation.get_default_session()
        if not sess:
            raise ValueError(
                "Cannot start queue runners: No default session is registered. Use "
                "`with sess.as_default()` or pass an explicit session to "
                "tf.start_queue_runners(sess=sess)"
            )
    if isinstance(sess, session_lib.BaseSession):
        return sess
    if type(sess).__name__ in ("MonitoredSession", "SingularMonitoredSession"):
        return None
    raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")


proto_functions.register_proto_function(
    GraphKeys.QUEUE_RUNNERS,
    proto_type=queue_runner_pb2.QueueRunnerDef,
    to_proto=QueueRunner.to_proto,
    from_proto=QueueRunner.from_proto,
)
