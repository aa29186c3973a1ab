"""`tf.summary.FileWriterCache`: one FileWriter per log directory."""

from __future__ import annotations

import threading

from ndflow.framework import graph as graph_lib
from ndflow.summary import writer


class FileWriterCache:
    """Mirrors `tf.summary.FileWriterCache`: the FileWriter of each directory, shared.

    >>> writer = FileWriterCache.get("/tmp/logs")  # writes the default graph on first use
    """

    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def clear() -> None:
        """Closes every cached FileWriter and forgets them."""
        with FileWriterCache._lock:
            for item in FileWriterCache._cache.values():
                item.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir) -> writer.FileWriter:
        """Returns the FileWriter for `logdir`, made with the default graph on first use."""
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = writer.FileWriter(
                    logdir, graph=graph_lib.get_default_graph()
                )
            return FileWriterCache._cache[logdir]
