"""EventFileWriter: the writer thread, its bounded queue, flushing, close/reopen, file naming
and errors raised in the thread (ndflow/summary/event_file_writer.py)."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from ndflow.formats import event_file
from ndflow.framework import errors
from ndflow.proto import event_pb2
from ndflow.summary import event_file_writer


class _FakeEventsWriter:
    """Records calls; `write_event` waits on `gate` and may raise `fail`."""

    instances: list = []

    def __init__(self, logdir, filename_suffix=""):
        self.events = []
        self.flushes = 0
        self.closes = 0
        self.path = None
        self.gate = threading.Event()
        self.gate.set()
        self.fail = None
        _FakeEventsWriter.instances.append(self)

    def init(self):
        pass

    def write_event(self, event):
        self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.events.append(event)

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closes += 1


@pytest.fixture
def fake(monkeypatch):
    _FakeEventsWriter.instances = []
    monkeypatch.setattr(event_file, "EventsWriter", _FakeEventsWriter)
    return _FakeEventsWriter


def _events(logdir):
    paths = sorted(os.path.join(logdir, name) for name in os.listdir(logdir))
    return [event_file.read_events(path) for path in paths]


def test_logdir_is_created_and_reported(tmp_path):
    logdir = tmp_path / "a" / "b"
    writer = event_file_writer.EventFileWriter(logdir)
    assert os.path.isdir(logdir)
    assert writer.get_logdir() == str(logdir)
    writer.close()


def test_no_file_until_first_event_without_suffix(tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path)
    writer.flush()
    assert os.listdir(tmp_path) == []  # TF's EventsWriter opens lazily
    writer.add_event(event_pb2.Event(step=4))
    writer.close()
    ((first, event),) = _events(tmp_path)
    assert first.file_version == "brain.Event:2"
    assert event.step == 4


def test_suffix_creates_the_file_at_once(tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, filename_suffix=".v2")
    (name,) = os.listdir(tmp_path)
    assert name.startswith("events.out.tfevents.") and name.endswith(".v2")
    assert writer.event_file_path == str(tmp_path / name)
    writer.close()


def test_add_event_does_not_wait_for_a_slow_disk(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, max_queue=3)
    (ev_writer,) = fake.instances
    ev_writer.gate.clear()  # the disk stalls
    for step in range(4):  # one being written, three queued
        writer.add_event(event_pb2.Event(step=step))
    assert ev_writer.events == []
    ev_writer.gate.set()
    writer.close()
    assert [event.step for event in ev_writer.events] == [0, 1, 2, 3]


def test_full_queue_blocks_until_the_thread_catches_up(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, max_queue=1)
    (ev_writer,) = fake.instances
    ev_writer.gate.clear()
    writer.add_event(event_pb2.Event(step=0))
    writer.add_event(event_pb2.Event(step=1))
    blocked = threading.Thread(target=writer.add_event, args=(event_pb2.Event(step=2),))
    blocked.start()
    blocked.join(0.05)
    assert blocked.is_alive()
    ev_writer.gate.set()
    blocked.join()
    writer.close()
    assert [event.step for event in ev_writer.events] == [0, 1, 2]


def test_thread_flushes_first_event_then_every_flush_secs(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, flush_secs=10_000)
    for step in range(5):
        writer.add_event(event_pb2.Event(step=step))
    writer.flush()
    assert fake.instances[0].flushes == 2  # after the first event, and flush()
    writer.close()


def test_negative_flush_secs_flushes_every_event(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, flush_secs=-1)
    for step in range(5):
        writer.add_event(event_pb2.Event(step=step))
    writer.flush()
    assert fake.instances[0].flushes == 6
    writer.close()


def test_flush_makes_events_readable(tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, flush_secs=10_000)
    for step in range(3):
        writer.add_event(event_pb2.Event(step=step))
    writer.flush()
    ((_, *events),) = _events(tmp_path)
    assert [event.step for event in events] == [0, 1, 2]
    writer.close()


def test_close_is_idempotent_and_stops_adding(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path)
    writer.add_event(event_pb2.Event(step=1))
    writer.close()
    writer.close()
    writer.add_event(event_pb2.Event(step=2))
    writer.flush()
    assert [event.step for event in fake.instances[0].events] == [1]
    assert fake.instances[0].closes == 1


def test_reopen_writes_a_new_file(tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path)
    writer.add_event(event_pb2.Event(step=1))
    writer.close()
    writer.reopen()
    writer.reopen()  # a no-op while open
    writer.add_event(event_pb2.Event(step=2))
    writer.close()
    files = _events(tmp_path)
    assert sorted(events[1].step for events in files) == [1, 2]
    assert all(events[0].file_version == "brain.Event:2" for events in files)


def test_thread_error_surfaces_on_next_call(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path)
    fake.instances[0].fail = errors.UnknownError(None, None, "disk on fire")
    writer.add_event(event_pb2.Event(step=1))
    with pytest.raises(errors.UnknownError, match="disk on fire"):
        writer.flush()
    writer.close()  # already closed by the failure
    writer.add_event(event_pb2.Event(step=2))  # a no-op, as in TF


def test_thread_error_surfaces_on_add_event(fake, tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path)
    fake.instances[0].fail = errors.UnknownError(None, None, "disk on fire")
    writer.add_event(event_pb2.Event(step=1))
    writer._worker.join()  # the thread has died and closed the queue
    with pytest.raises(errors.UnknownError, match="disk on fire"):
        writer.add_event(event_pb2.Event(step=2))


def test_deleted_logdir_raises_not_found_on_flush(tmp_path):
    logdir = tmp_path / "logs"
    writer = event_file_writer.EventFileWriter(logdir, filename_suffix=".x")
    shutil.rmtree(logdir)
    writer.add_event(event_pb2.Event(step=1))
    with pytest.raises(errors.NotFoundError, match="deleted"):
        writer.flush()


def test_closeable_queue_put_fails_once_closed():
    queue = event_file_writer.CloseableQueue(1)
    queue.put(1)
    queue.close()
    with pytest.raises(event_file_writer.QueueClosedError):
        queue.put(2)
    assert queue.get() == 1
