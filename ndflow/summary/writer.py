"""`tf.summary.FileWriter`: Summaries, graphs and run metadata wrapped in Events.

TF1's python/summary/writer/writer.py: SummaryToEventTransformer turns each `add_*` call into
an Event (wall time now, optional step) for an EventFileWriter. A graph given at construction
is written twice, as a GraphDef (with `_output_shapes`) and as a MetaGraphDef.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
import weakref

from ndflow.formats import gfile
from ndflow.framework import graph as graph_lib
from ndflow.framework import meta_graph
from ndflow.proto import event_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import summary_pb2
from ndflow.summary import event_file_writer

_logger = logging.getLogger(__name__)

_PLUGINS_DIR = "plugins"
_PLUGIN_ASSET_PREFIX = "__tensorboard_plugin_asset__"
_CLOSED_WARNING = (
    "Attempting to use a closed FileWriter. The operation will be a noop unless the "
    "FileWriter is explicitly reopened."
)


class SummaryToEventTransformer:
    """Mirrors TF's `SummaryToEventTransformer`: the `add_*` methods of a FileWriter.

    Args:
      event_writer: has `add_event(event)` and `get_logdir()`.
      graph: a Graph (or, deprecated, a GraphDef) to write at once, with its MetaGraphDef.
      graph_def: deprecated spelling of `graph`.
    """

    def __init__(self, event_writer, graph=None, graph_def=None):
        self.event_writer = event_writer
        self._session_run_tags = {}
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)
            if isinstance(graph, graph_lib.Graph):
                graph = graph.as_graph_def(add_shapes=True)
            self.add_meta_graph(meta_graph.create_meta_graph_def(graph_def=graph_def or graph))
        self._seen_summary_tags = set()

    def add_summary(self, summary, global_step=None) -> None:
        """Mirrors `tf.summary.FileWriter.add_summary`.

        Args:
          summary: a Summary proto, or its serialized bytes (what a summary op returns).
          global_step: the step to record with it.

        The metadata of a value is written only the first time its tag is seen (TensorBoard
        keeps the first); later values of that tag have it cleared, in place, as in TF.

        >>> writer.add_summary(sess.run(merged), global_step=step)
        """
        if isinstance(summary, bytes):
            summary = summary_pb2.Summary.FromString(summary)
        # TF's `if not value.metadata` never skips (a message is always truthy), so every tag
        # counts as seen, with or without metadata.
        for value in summary.value:
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(event_pb2.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None) -> None:
        """Mirrors `tf.summary.FileWriter.add_session_log`: a SessionLog (start, stop,
        checkpoint) event."""
        self._add_event(event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Mirrors `tf.summary.FileWriter.add_graph`.

        Args:
          graph: a Graph (written as `as_graph_def(add_shapes=True)`); a GraphDef is
            accepted with a deprecation warning.
          global_step: the step to record with it.
          graph_def: deprecated: a GraphDef (or Graph).

        Raises:
          ValueError: both `graph` and `graph_def` are given.
          TypeError: neither is a Graph or a GraphDef.
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        true_graph_def = self._graph_def_of(graph, graph_def)
        event = event_pb2.Event(graph_def=true_graph_def.SerializeToString())
        self._add_event(event, global_step)

    def _graph_def_of(self, graph, graph_def):
        if isinstance(graph, graph_lib.Graph) or isinstance(graph_def, graph_lib.Graph):
            if not isinstance(graph, graph_lib.Graph):
                _logger.warning(
                    "When passing a `Graph` object, please use the `graph` named argument "
                    "instead of `graph_def`."
                )
                graph = graph_def
            self._write_plugin_assets(graph)
            return graph.as_graph_def(add_shapes=True)
        for candidate in (graph, graph_def):
            if isinstance(candidate, graph_pb2.GraphDef):
                _logger.warning(
                    "Passing a `GraphDef` to the SummaryWriter is deprecated. Pass a `Graph` "
                    "object instead, such as `sess.graph`."
                )
                return candidate
        raise TypeError(
            "The passed graph must be an instance of `Graph` or the deprecated `GraphDef`"
        )

    def _write_plugin_assets(self, graph) -> None:
        """Writes the graph's PluginAssets (TF's `plugin_asset` collections) under
        <logdir>/plugins/<plugin_name>/."""
        logdir = self.event_writer.get_logdir()
        for name in graph.get_collection(_PLUGIN_ASSET_PREFIX):
            container = graph.get_collection(_PLUGIN_ASSET_PREFIX + name)
            if len(container) != 1:
                raise ValueError(f"Collection for {name} had {len(container)} items, expected 1")
            plugin_dir = os.path.join(logdir, _PLUGINS_DIR, container[0].plugin_name)
            gfile.makedirs(plugin_dir)
            for asset_name, content in container[0].assets().items():
                with gfile.GFile(os.path.join(plugin_dir, asset_name), "w") as handle:
                    handle.write(content)

    def add_meta_graph(self, meta_graph_def, global_step=None) -> None:
        """Mirrors `tf.summary.FileWriter.add_meta_graph`.

        Raises:
          TypeError: `meta_graph_def` is not a MetaGraphDef.
        """
        if not isinstance(meta_graph_def, meta_graph_pb2.MetaGraphDef):
            raise TypeError(
                f"meta_graph_def must be type MetaGraphDef, saw type: {type(meta_graph_def)}"
            )
        event = event_pb2.Event(meta_graph_def=meta_graph_def.SerializeToString())
        self._add_event(event, global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None) -> None:
        """Mirrors `tf.summary.FileWriter.add_run_metadata`: a RunMetadata (step stats,
        partition graphs) under `tag`, shown by TensorBoard's graph dashboard.

        Raises:
          ValueError: `tag` was already used by this writer.
        """
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        tagged = event_pb2.TaggedRunMetadata(tag=tag, run_metadata=run_metadata.SerializeToString())
        self._add_event(event_pb2.Event(tagged_run_metadata=tagged), global_step)

    def _add_event(self, event, step) -> None:
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)


class FileWriter(SummaryToEventTransformer):
    """Mirrors `tf.summary.FileWriter`: writes Summaries and graphs to an event file.

    `add_*` calls return at once; a background thread writes the events, flushing every
    `flush_secs` and on `flush()`/`close()`.

    Args:
      logdir: directory of the event file (created if missing).
      graph: a Graph such as `sess.graph`, written now (GraphDef and MetaGraphDef).
      max_queue: events that may be pending before `add_*` blocks.
      flush_secs: how often, in seconds, pending events are flushed to disk.
      graph_def: deprecated: use `graph`.
      filename_suffix: appended to the event file's name.
      session: share one event file among FileWriters of this Session and `logdir` (TF's
        summary-writer resource; its files end in ".v2" unless `filename_suffix` is given).

    >>> with tf.summary.FileWriter("/tmp/logs", sess.graph) as writer:
    ...     writer.add_summary(sess.run(merged), global_step=0)
    """

    def __init__(
        self,
        logdir,
        graph=None,
        max_queue=10,
        flush_secs=120,
        graph_def=None,
        filename_suffix=None,
        session=None,
    ):
        if session is not None:
            event_writer = _shared_event_writer(
                session, logdir, max_queue, flush_secs, filename_suffix
            )
        else:
            event_writer = event_file_writer.EventFileWriter(
                logdir, max_queue, flush_secs, filename_suffix
            )
        self._closed = False
        super().__init__(event_writer, graph, graph_def)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def get_logdir(self) -> str:
        """Returns the directory where the event file is written."""
        return self.event_writer.get_logdir()

    def _warn_if_event_writer_is_closed(self) -> None:
        if self._closed:
            warnings.warn(_CLOSED_WARNING, stacklevel=3)

    def _add_event(self, event, step) -> None:
        self._warn_if_event_writer_is_closed()
        super()._add_event(event, step)

    def add_event(self, event) -> None:
        """Mirrors `tf.summary.FileWriter.add_event`: adds an Event as it is."""
        self._warn_if_event_writer_is_closed()
        self.event_writer.add_event(event)

    def flush(self) -> None:
        """Mirrors `tf.summary.FileWriter.flush`: waits until pending events are on disk."""
        self._warn_if_event_writer_is_closed()
        self.event_writer.flush()

    def close(self) -> None:
        """Mirrors `tf.summary.FileWriter.close`: flushes and closes the file (idempotent)."""
        self.event_writer.close()
        self._closed = True

    def reopen(self) -> None:
        """Mirrors `tf.summary.FileWriter.reopen`: after `close()`, the next events go to a
        new event file in the same directory."""
        self.event_writer.reopen()
        self._closed = False


_SHARED_LOCK = threading.Lock()
_SHARED_WRITERS = weakref.WeakKeyDictionary()  # session -> {logdir: EventFileWriter}


def _shared_event_writer(session, logdir, max_queue, flush_secs, filename_suffix):
    """The EventFileWriter this session holds for `logdir`, made on first use (TF creates a
    shared summary-writer resource; later arguments do not change it)."""
    logdir = os.fsdecode(logdir)
    suffix = ".v2" if filename_suffix is None else filename_suffix
    with _SHARED_LOCK:
        writers = _SHARED_WRITERS.setdefault(session, {})
        writer = writers.get(logdir)
        if writer is None:
            writer = event_file_writer.EventFileWriter(logdir, max_queue, flush_secs, suffix)
            writers[logdir] = writer
        writer.reopen()
        return writer
