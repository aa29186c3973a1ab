"""Event files: naming, the first event, framing, truncated and corrupt records
(ndflow/formats/event_file.py)."""

from __future__ import annotations

import os
import pathlib
import re
import socket

import pytest

from ndflow.formats import event_file
from ndflow.formats import tfrecord
from ndflow.framework import errors
from ndflow.proto import event_pb2


def _write(logdir, steps, suffix=""):
    writer = event_file.EventsWriter(logdir, suffix)
    for step in steps:
        writer.write_event(event_pb2.Event(step=step, wall_time=float(step)))
    writer.close()
    return writer.path


def test_event_file_name_is_tf_pattern():
    assert event_file.event_file_name(7, "host", ".v2") == "events.out.tfevents.0000000007.host.v2"
    assert event_file.event_file_name(1700000000, "h") == "events.out.tfevents.1700000000.h"


def test_init_writes_file_version_event_at_whole_seconds(tmp_path):
    writer = event_file.EventsWriter(tmp_path, ".suffix")
    writer.init()
    name = os.path.basename(writer.path)
    match = re.fullmatch(r"events\.out\.tfevents\.(\d{10})\.(.+)\.suffix", name)
    assert match is not None and match.group(2) == socket.gethostname()
    (first,) = event_file.read_events(writer.path)  # flushed by init()
    assert first.file_version == "brain.Event:2"
    assert first.wall_time == float(match.group(1))
    assert first.source_metadata.writer == event_file.SOURCE_WRITER
    writer.close()


def test_events_round_trip_in_order(tmp_path):
    path = _write(tmp_path, range(5))
    events = event_file.read_events(path)
    assert [event.WhichOneof("what") for event in events[:1]] == ["file_version"]
    assert [event.step for event in events[1:]] == [0, 1, 2, 3, 4]


def test_records_are_tfrecord_framed(tmp_path):
    path = _write(tmp_path, [3])
    records = list(tfrecord.RecordReader(path))
    assert event_pb2.Event.FromString(records[1]).step == 3


def test_write_after_close_starts_a_new_file_never_truncating(tmp_path):
    writer = event_file.EventsWriter(tmp_path)
    writer.write_event(event_pb2.Event(step=1))
    writer.close()
    first_path = writer.path
    writer.write_event(event_pb2.Event(step=2))
    writer.close()
    assert writer.path != first_path
    assert [event.step for event in event_file.read_events(first_path)] == [0, 1]
    assert [event.step for event in event_file.read_events(writer.path)] == [0, 2]


def test_flush_of_deleted_file_raises_not_found(tmp_path):
    writer = event_file.EventsWriter(tmp_path)
    writer.init()
    os.remove(writer.path)
    with pytest.raises(errors.NotFoundError, match="deleted"):
        writer.flush()
    with pytest.raises(errors.NotFoundError):
        writer.close()  # still closes the file
    writer.close()  # a no-op now


def test_truncated_final_record_stops_cleanly_and_resumes(tmp_path):
    path = _write(tmp_path, range(3))
    data = pathlib.Path(path).read_bytes()
    last_start = len(data) - len(
        tfrecord.encode_record(event_pb2.Event(step=2, wall_time=2.0).SerializeToString())
    )
    with open(path, "wb") as handle:
        handle.write(data[: last_start + 14])  # header and two bytes of the last record
    reader = event_file.EventFileReader(path)
    assert [event.step for event in reader] == [0, 0, 1]
    assert reader.offset == last_start
    with open(path, "ab") as handle:
        handle.write(data[last_start + 14 :])
    assert [event.step for event in reader] == [2]
    assert reader.index == 4
    reader.close()


def test_partial_header_is_a_clean_end(tmp_path):
    path = _write(tmp_path, [1])
    with open(path, "ab") as handle:
        handle.write(b"\x05\x00\x00")
    assert [event.step for event in event_file.read_events(path)] == [0, 1]


def test_reader_resumes_from_given_offset(tmp_path):
    path = _write(tmp_path, range(4))
    reader = event_file.EventFileReader(path)
    next(reader), next(reader)
    resumed = event_file.EventFileReader(path, offset=reader.offset, index=reader.index)
    assert [event.step for event in resumed] == [1, 2, 3]


def _corrupt(path, offset):
    data = bytearray(pathlib.Path(path).read_bytes())
    data[offset] ^= 0xFF
    pathlib.Path(path).write_bytes(bytes(data))


def test_corrupt_length_checksum_is_data_loss_naming_offset_and_file(tmp_path):
    path = _write(tmp_path, range(3))
    reader = event_file.EventFileReader(path)
    next(reader)
    second = reader.offset
    reader.close()
    _corrupt(path, second + 9)  # inside the length's CRC
    reader = event_file.EventFileReader(path)
    next(reader)
    with pytest.raises(errors.DataLossError) as info:
        next(reader)
    assert info.value.message == f"corrupted record at {second} (record index 1 in {path})"


def test_corrupt_data_checksum_names_the_data_offset(tmp_path):
    path = _write(tmp_path, range(3))
    reader = event_file.EventFileReader(path)
    next(reader), next(reader)
    third = reader.offset
    _corrupt(path, third + tfrecord.HEADER_SIZE + 1)
    with pytest.raises(errors.DataLossError, match=f"corrupted record at {third + 12} "):
        event_file.read_events(path)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError):
        event_file.EventFileReader(tmp_path / "events.out.tfevents.0.missing")
