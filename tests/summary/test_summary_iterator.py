"""summary_iterator on event files written by TensorFlow 2.21 (tests/fixtures/events: a TF1
FileWriter file and a TF2 tf.summary file; expected.json is what TensorBoard's
EventAccumulator read from them) and on files that grow while being read
(ndflow/summary/summary_iterator.py)."""

from __future__ import annotations

import base64
import json
import pathlib

import numpy as np
import pytest

from ndflow.framework import errors
from ndflow.framework import tensor_util
from ndflow.proto import event_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.summary import event_file_writer
from ndflow.summary import summary_iterator

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "events"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def _events(run):
    return list(summary_iterator.summary_iterator(FIXTURES / EXPECTED[run]["file"]))


def _describe(event):
    kind = event.WhichOneof("what")
    item = {"step": event.step, "what": kind}
    if kind == "file_version":
        item["file_version"] = event.file_version
    if kind == "summary":
        item["values"] = [
            {
                "plugin_name": value.metadata.plugin_data.plugin_name,
                "tag": value.tag,
                "value": value.WhichOneof("value"),
            }
            for value in event.summary.value
        ]
    return item


def _values(events, tag):
    return [(e.step, v) for e in events for v in e.summary.value if v.tag == tag]


@pytest.mark.parametrize("run", ["v1_filewriter", "v2_summary"])
def test_event_kinds_steps_and_tags_match_tensorflow(run):
    assert [_describe(event) for event in _events(run)] == EXPECTED[run]["events"]


def test_v1_graph_and_meta_graph_parse():
    events = _events("v1_filewriter")
    graph_def = graph_pb2.GraphDef.FromString(events[1].graph_def)
    assert (
        sorted(node.name for node in graph_def.node)
        == EXPECTED["v1_filewriter"]["graph_node_names"]
    )
    meta = meta_graph_pb2.MetaGraphDef.FromString(events[2].meta_graph_def)
    assert meta.graph_def == graph_def


def test_v1_scalars():
    values = _values(_events("v1_filewriter"), "loss")
    expected = EXPECTED["v1_filewriter"]["scalars"]["loss"]
    assert [[step, value.simple_value] for step, value in values] == expected


def test_v1_histograms():
    values = _values(_events("v1_filewriter"), "weights")
    for (step, value), expected in zip(values, EXPECTED["v1_filewriter"]["histograms"]["weights"]):
        histo = value.histo
        assert step == expected["step"]
        assert (histo.min, histo.max, histo.num) == (
            expected["min"],
            expected["max"],
            expected["num"],
        )
        assert (histo.sum, histo.sum_squares) == (expected["sum"], expected["sum_squares"])
        assert list(histo.bucket_limit) == expected["bucket_limit"]
        assert list(histo.bucket) == expected["bucket"]


def test_v1_image():
    ((step, value),) = _values(_events("v1_filewriter"), "sample/image")
    (expected,) = EXPECTED["v1_filewriter"]["images"]["sample/image"]
    assert (step, value.image.width, value.image.height) == (
        0,
        expected["width"],
        expected["height"],
    )
    png = value.image.encoded_image_string
    assert png == base64.b64decode(expected["encoded_image_b64"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_v1_text_tensor():
    ((step, value),) = _values(_events("v1_filewriter"), "notes")
    (expected,) = EXPECTED["v1_filewriter"]["text"]["notes"]
    text = tensor_util.make_ndarray(value.tensor)
    assert step == expected["step"]
    assert [text.item().decode()] == expected["value"]


@pytest.mark.parametrize("tag", ["accuracy", "activations"])
def test_v2_tensors(tag):
    values = _values(_events("v2_summary"), tag)
    expected = EXPECTED["v2_summary"]["tensors"][tag]
    assert len(values) == len(expected)
    for (step, value), want in zip(values, expected):
        array = tensor_util.make_ndarray(value.tensor)
        assert step == want["step"]
        assert (array.dtype.name, list(array.shape)) == (want["dtype"], want["shape"])
        np.testing.assert_array_equal(array, np.asarray(want["value"], dtype=array.dtype))


def test_iterator_picks_up_events_written_later(tmp_path):
    writer = event_file_writer.EventFileWriter(tmp_path, filename_suffix=".live")
    events = summary_iterator.summary_iterator(writer.event_file_path)
    assert [event.file_version for event in events] == ["brain.Event:2"]
    assert list(events) == []
    for step in (1, 2):
        writer.add_event(event_pb2.Event(step=step))
    writer.flush()
    assert [event.step for event in events] == [1, 2]
    writer.close()


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError):
        summary_iterator.summary_iterator(tmp_path / "nope")
