"""FileWriter and FileWriterCache: the Events each add_* method writes, TF1's metadata
stripping, graphs, run metadata, close/reopen and the shared session writer
(ndflow/summary/writer.py, writer_cache.py)."""

from __future__ import annotations

import logging
import os

import pytest

import ndflow as tf
from ndflow.formats import event_file
from ndflow.proto import config_pb2
from ndflow.proto import event_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import summary_pb2
from ndflow.summary import writer as writer_lib
from ndflow.summary import writer_cache


def _read(logdir):
    """Events of every file in logdir, file by file (name order), without file_version."""
    names = sorted(os.listdir(logdir))
    return [event_file.read_events(os.path.join(logdir, name))[1:] for name in names]


def _graph():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant([1.0, 2.0], name="x")
        tf.multiply(x, 2.0, name="y")
    return graph


def _scalar(tag, value, plugin=None):
    summary = summary_pb2.Summary()
    item = summary.value.add(tag=tag, simple_value=value)
    if plugin:
        item.metadata.plugin_data.plugin_name = plugin
    return summary


def test_graph_at_construction_writes_graph_def_then_meta_graph(tmp_path):
    with writer_lib.FileWriter(tmp_path, _graph()):
        pass
    ((graph_event, meta_event),) = _read(tmp_path)
    graph_def = graph_pb2.GraphDef.FromString(graph_event.graph_def)
    assert [node.name for node in graph_def.node] == ["x", "y/y", "y"]
    assert "_output_shapes" in graph_def.node[0].attr
    meta = meta_graph_pb2.MetaGraphDef.FromString(meta_event.meta_graph_def)
    assert meta.graph_def == graph_def
    assert {op.name for op in meta.meta_info_def.stripped_op_list.op} == {"Const", "Mul"}


def test_graph_def_argument_is_deprecated_but_written(tmp_path, caplog):
    graph_def = _graph().as_graph_def()
    with caplog.at_level(logging.WARNING):
        writer = writer_lib.FileWriter(tmp_path, graph_def=graph_def)
    writer.close()
    assert "deprecated" in caplog.text
    ((graph_event, meta_event),) = _read(tmp_path)
    assert graph_pb2.GraphDef.FromString(graph_event.graph_def) == graph_def
    assert meta_event.HasField("meta_graph_def")


def test_add_graph_with_step_and_errors(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    writer.add_graph(_graph(), global_step=7)
    with pytest.raises(ValueError, match="but not both"):
        writer.add_graph(_graph(), graph_def=graph_pb2.GraphDef())
    with pytest.raises(TypeError, match="instance of `Graph`"):
        writer.add_graph("graph")
    with pytest.raises(TypeError, match="must be type MetaGraphDef"):
        writer.add_meta_graph(graph_pb2.GraphDef())
    writer.close()
    ((event,),) = _read(tmp_path)
    assert event.step == 7 and event.HasField("graph_def")


def test_add_summary_accepts_bytes_and_protos_with_step(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    writer.add_summary(_scalar("loss", 0.5).SerializeToString(), global_step=3)
    writer.add_summary(_scalar("loss", 0.25), 4.0)
    writer.add_summary(_scalar("loss", 0.125))
    writer.close()
    ((first, second, third),) = _read(tmp_path)
    assert [(e.step, e.summary.value[0].simple_value) for e in (first, second, third)] == [
        (3, 0.5),
        (4, 0.25),
        (0, 0.125),
    ]
    assert first.wall_time <= second.wall_time <= third.wall_time


def test_metadata_is_written_only_the_first_time_a_tag_is_seen(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    writer.add_summary(_scalar("acc", 1.0, plugin="scalars"), 0)
    repeat = _scalar("acc", 2.0, plugin="scalars")
    writer.add_summary(repeat, 1)
    writer.add_summary(_scalar("plain", 1.0), 0)
    writer.add_summary(_scalar("plain", 2.0, plugin="scalars"), 1)  # tag seen: stripped
    writer.close()
    assert not repeat.value[0].HasField("metadata")  # cleared in place, as in TF
    ((a0, a1, p0, p1),) = _read(tmp_path)
    assert a0.summary.value[0].metadata.plugin_data.plugin_name == "scalars"
    assert not a1.summary.value[0].HasField("metadata")
    assert not p1.summary.value[0].HasField("metadata")


def test_session_log_and_raw_event(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    writer.add_session_log(event_pb2.SessionLog(status=event_pb2.SessionLog.START), 2)
    writer.add_event(event_pb2.Event(step=9, wall_time=1.5))
    writer.close()
    ((log, raw),) = _read(tmp_path)
    assert log.session_log.status == event_pb2.SessionLog.START and log.step == 2
    assert (raw.step, raw.wall_time) == (9, 1.5)


def test_run_metadata_is_tagged_and_tags_are_unique(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    metadata = config_pb2.RunMetadata()
    metadata.step_stats.dev_stats.add(device="/cpu:0")
    writer.add_run_metadata(metadata, "step1", global_step=1)
    with pytest.raises(ValueError, match="already used for this event type"):
        writer.add_run_metadata(metadata, "step1")
    writer.close()
    ((event,),) = _read(tmp_path)
    assert event.tagged_run_metadata.tag == "step1" and event.step == 1
    assert config_pb2.RunMetadata.FromString(event.tagged_run_metadata.run_metadata) == metadata


def test_closed_writer_warns_and_drops(tmp_path):
    writer = writer_lib.FileWriter(tmp_path)
    writer.close()
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.add_summary(_scalar("loss", 1.0), 1)
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.flush()
    assert os.listdir(tmp_path) == []


def test_reopen_writes_to_a_new_file_in_the_same_logdir(tmp_path):
    writer = writer_lib.FileWriter(tmp_path, filename_suffix=".run")
    writer.add_summary(_scalar("loss", 1.0), 1)
    writer.close()
    writer.reopen()
    writer.add_summary(_scalar("loss", 2.0), 2)
    writer.close()
    assert writer.get_logdir() == str(tmp_path)
    assert all(name.endswith(".run") for name in os.listdir(tmp_path))
    assert sorted(events[0].step for events in _read(tmp_path)) == [1, 2]


def test_context_manager_closes(tmp_path):
    with writer_lib.FileWriter(tmp_path) as writer:
        writer.add_summary(_scalar("loss", 1.0), 1)
    assert writer._closed
    assert len(_read(tmp_path)) == 1


def test_session_writers_share_one_v2_file(tmp_path):
    session = tf.Session(graph=tf.Graph())
    first = writer_lib.FileWriter(tmp_path, session=session)
    second = writer_lib.FileWriter(tmp_path, session=session)
    first.add_summary(_scalar("a", 1.0), 1)
    second.add_summary(_scalar("b", 2.0), 2)
    second.close()
    session.close()
    (name,) = os.listdir(tmp_path)
    assert name.endswith(".v2")
    ((a, b),) = _read(tmp_path)
    assert (a.summary.value[0].tag, b.summary.value[0].tag) == ("a", "b")


def test_file_writer_cache_shares_and_clears(tmp_path):
    with tf.Graph().as_default():
        writer = writer_cache.FileWriterCache.get(str(tmp_path))
        assert writer_cache.FileWriterCache.get(str(tmp_path)) is writer
        writer_cache.FileWriterCache.clear()
        assert writer._closed
        assert writer_cache.FileWriterCache.get(str(tmp_path)) is not writer
        writer_cache.FileWriterCache.clear()
    first_file = _read(tmp_path)[0]
    assert first_file[0].HasField("graph_def") and first_file[1].HasField("meta_graph_def")


def test_tf_summary_namespace_exports_writers():
    assert tf.summary.FileWriter is writer_lib.FileWriter
    assert tf.summary.FileWriterCache is writer_cache.FileWriterCache
