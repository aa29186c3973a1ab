"""TensorBoard event files: TFRecord-framed `Event` protos, written and read.

A file is named `events.out.tfevents.<%010d seconds>.<hostname><suffix>` and starts with an
Event whose `file_version` is "brain.Event:2" and whose `wall_time` is those whole seconds
(TensorFlow's C++ `EventsWriter`). Each record uses TFRecord's framing (see tfrecord.py).

Reading follows TensorBoard rather than `tf_record_iterator`: a file ends cleanly at a record
that is cut off (its writer is still writing), and `EventFileReader` resumes from the last
complete record on the next iteration. A record whose length or data checksum is wrong is
`DataLossError("corrupted record at <offset> (record index <n> in <path>)")`, TF's words.
"""

from __future__ import annotations

import os
import struct
import time

from ndflow.formats import crc32c
from ndflow.formats import gfile
from ndflow.formats import tfrecord
from ndflow.framework import errors
from ndflow.proto import event_pb2

FILE_VERSION = "brain.Event:2"
FILE_PREFIX = "events.out.tfevents."
# SourceMetadata.writer: free text naming the program (TF writes
# "tensorflow.core.util.events_writer"); TensorBoard only records it.
SOURCE_WRITER = "ndflow.formats.event_file"

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")


def event_file_name(seconds: int, hostname: str, filename_suffix: str = "") -> str:
    """The base name TF gives an event file created at `seconds` on `hostname`."""
    return f"{FILE_PREFIX}{seconds:010d}.{hostname}{filename_suffix or ''}"


def first_event(seconds: int) -> event_pb2.Event:
    """The Event that opens every event file: its version, at the file's creation second."""
    event = event_pb2.Event(wall_time=float(seconds), file_version=FILE_VERSION)
    event.source_metadata.writer = SOURCE_WRITER
    return event


class EventsWriter:
    """Mirrors TF's C++ `EventsWriter`: appends Events to one event file in `logdir`.

    `init()` creates the file and writes (and flushes) its first Event. `write_event` creates
    it first if needed, so after `close()` the next event starts a new file. Unlike TF, an
    existing file is never truncated: when the name for this second is taken (a writer
    reopened, or two writers, within one second), the next free second names the file.

    >>> writer = EventsWriter("/tmp/logs", ".v2")
    >>> writer.write_event(event_pb2.Event(step=1)); writer.close()
    """

    def __init__(self, logdir, filename_suffix: str = ""):
        self.logdir = os.fsdecode(logdir)
        self.filename_suffix = filename_suffix or ""
        self.path = None
        self._file = None

    def init(self) -> None:
        """Creates the next event file and writes its first Event, if none is open."""
        if self._file is not None:
            return
        seconds = int(time.time())
        hostname = os.uname().nodename
        while True:
            path = os.path.join(
                self.logdir, event_file_name(seconds, hostname, self.filename_suffix)
            )
            try:
                self._file = open(path, "xb")  # closed by close()
                break
            except FileExistsError:
                seconds += 1
            except OSError as error:
                raise gfile.error_for(error, path) from None
        self.path = path
        self.write_event(first_event(seconds))
        self.flush()

    def write_event(self, event: event_pb2.Event) -> None:
        """Appends one Event (a proto or its serialized bytes)."""
        if not isinstance(event, (bytes, bytearray)):
            event = event.SerializeToString()
        self.init()
        self._call(self._file.write, tfrecord.encode_record(bytes(event)))

    def flush(self) -> None:
        """Pushes written Events to disk (a no-op with no file open)."""
        if self._file is None:
            return
        if not os.path.exists(self.path):
            raise errors.NotFoundError(
                None, None, f"{self.path}; event file was deleted while it was being written"
            )
        self._call(self._file.flush)
        self._call(os.fsync, self._file.fileno())

    def close(self) -> None:
        """Flushes and closes the file; the next `write_event` opens a new one."""
        if self._file is None:
            return
        try:
            self.flush()
        finally:
            self._file.close()
            self._file = None

    def _call(self, function, *args):
        try:
            return function(*args)
        except OSError as error:
            raise gfile.error_for(error, self.path) from None


class EventFileReader:
    """Iterates the Events of one event file, and can be iterated again as it grows.

    Iteration stops at the end of the file or at a record cut off by its writer; `offset` is
    then the byte offset after the last complete record and the next iteration (or a reader
    made with `offset=`) resumes there. `index` counts the records read.

    >>> reader = EventFileReader(path)
    >>> steps = [event.step for event in reader]
    """

    def __init__(self, path, offset: int = 0, index: int = 0):
        self.path = os.fsdecode(path)
        self.offset = offset
        self.index = index
        self._file = tfrecord.open_input(self.path)

    def __iter__(self):
        return self

    def __next__(self) -> event_pb2.Event:
        record = self.read_record()
        if record is None:
            raise StopIteration
        return event_pb2.Event.FromString(record)

    def read_record(self) -> bytes | None:
        """The next record's bytes, or None at the end (or at a record still being written)."""
        self._file.seek(self.offset)
        header = self._file.read(tfrecord.HEADER_SIZE)
        if len(header) < tfrecord.HEADER_SIZE:
            return None
        if crc32c.masked_value(header[:8]) != _CRC.unpack_from(header, 8)[0]:
            raise self._corrupted(self.offset)
        (length,) = _LENGTH.unpack_from(header)
        body = self._file.read(length + tfrecord.FOOTER_SIZE)
        if len(body) < length + tfrecord.FOOTER_SIZE:
            return None
        data = body[:length]
        if crc32c.masked_value(data) != _CRC.unpack_from(body, length)[0]:
            raise self._corrupted(self.offset + tfrecord.HEADER_SIZE)
        self.offset += tfrecord.HEADER_SIZE + length + tfrecord.FOOTER_SIZE
        self.index += 1
        return data

    def close(self) -> None:
        self._file.close()

    def __del__(self):
        handle = getattr(self, "_file", None)
        if handle is not None:
            handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _corrupted(self, offset: int) -> errors.DataLossError:
        return errors.DataLossError(
            None, None, f"corrupted record at {offset} (record index {self.index} in {self.path})"
        )


def read_events(path) -> list:
    """Every complete Event of an event file, in order."""
    with EventFileReader(path) as reader:
        return list(reader)
