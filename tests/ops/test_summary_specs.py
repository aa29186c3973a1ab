"""The summary ops' OpSpec rows: each op's serialized Summary against one built here from an
independent reference (the Summary proto, TF's histogram buckets, a PNG and a WAV written by
the format's rules), and its static output shape (a scalar string, whatever the inputs)."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.proto import summary_pb2
from tests.ops import test_summary
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

STRING = dtypes.string
SCALAR_OUT = []


def _raw(op_type, *inputs, **attrs):
    definition = op_builder.registry.lookup_op(op_type)
    names = [arg.name for arg in definition.input_args]
    return op_builder.apply_op(op_type, **dict(zip(names, inputs)), **attrs)


def _serialized(*values) -> np.ndarray:
    return np.array(summary_pb2.Summary(value=list(values)).SerializeToString(), object)


# ---------------------------------------------------------------------- references


def _scalar_reference(tags, values):
    pairs = zip(np.ravel(tags), np.ravel(values))
    return _serialized(
        *[summary_pb2.Summary.Value(tag=t.decode(), simple_value=float(v)) for t, v in pairs]
    )


def _histogram_reference(tag, values):
    flat = np.ravel(values).astype(np.float64)
    limits, counts = test_summary._reference_histogram(flat)
    histo = summary_pb2.HistogramProto(
        min=flat.min(),
        max=flat.max(),
        num=flat.size,
        sum=test_summary._sequential_sum(flat),
        sum_squares=test_summary._sequential_sum(flat * flat),
        bucket_limit=limits,
        bucket=counts,
    )
    return _serialized(summary_pb2.Summary.Value(tag=tag.item().decode(), histo=histo))


def _png(image: np.ndarray) -> bytes:
    """A PNG by the format's rules: 8-bit samples, filter type 0 per row, one zlib stream."""
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + row.tobytes() for row in image.reshape(height, -1))

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        (chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(raw)), chunk(b"IEND", b""))
    )


def _image_reference(tag, images):
    tag = tag.item().decode()
    values = []
    for index, image in enumerate(images[:3]):
        height, width, channels = image.shape
        proto = summary_pb2.Summary.Image(
            height=height, width=width, colorspace=channels, encoded_image_string=_png(image)
        )
        suffix = f"/image/{index}"  # max_images is 3: TF numbers the tags
        values.append(summary_pb2.Summary.Value(tag=tag + suffix, image=proto))
    return _serialized(*values)


def _wav(clip: np.ndarray, rate: int) -> bytes:
    """RIFF/WAVE, 16-bit PCM: TF's rounding (half away from zero) and clamping."""
    samples = test_summary._reference_samples(clip).astype("<i2").tobytes()
    frames, channels = clip.shape
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    body += b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _audio_reference(tag, clips, rate=8000):
    tag = tag.item().decode()
    values = []
    for index, clip in enumerate(clips[:3]):
        audio = summary_pb2.Summary.Audio(
            sample_rate=rate,
            num_channels=clip.shape[1],
            length_frames=clip.shape[0],
            encoded_audio_string=_wav(clip, rate),
            content_type="audio/wav",
        )
        suffix = f"/audio/{index}"  # max_outputs is 3: TF numbers the tags
        values.append(summary_pb2.Summary.Value(tag=tag + suffix, audio=audio))
    return _serialized(*values)


def _tensor_reference(tag, tensor):
    value = summary_pb2.Summary.Value(
        tag=tag.item().decode(), tensor=tensor_util.make_tensor_proto(tensor)
    )
    value.metadata.plugin_data.plugin_name = "text"
    return _serialized(value)


# ---------------------------------------------------------------------- inputs

_TAG = np.array(b"t", object)
_TAGS = np.array([b"a", b"b"], object)
_IMAGES = np.random.default_rng(5).integers(0, 256, (2, 3, 4, 3)).astype(np.uint8)
_CLIPS = np.random.default_rng(6).uniform(-1.2, 1.2, (2, 10, 2)).astype(np.float32)
_TEXT = np.array([b"hello", b"**world**"], object)
_TEXT_METADATA = summary_pb2.SummaryMetadata(
    plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text")
).SerializeToString()
_MERGED = [
    np.array(summary_pb2.Summary(value=[v]).SerializeToString(), object)
    for v in (
        summary_pb2.Summary.Value(tag="x", simple_value=1.0),
        summary_pb2.Summary.Value(tag="y", simple_value=2.0),
    )
]


def _shape_rows(*inputs) -> list:
    return [ShapeCase(list(inputs), SCALAR_OUT)]


OP_SPECS = [
    OpSpec(
        "ScalarSummary",
        lambda tags, values: _raw("ScalarSummary", tags, values),
        cases=[([_TAGS, np.array([1.5, -2.0], np.float32)], None)],
        shape_cases=_shape_rows(([2], STRING), [2]),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "HistogramSummary",
        lambda tag, values: _raw("HistogramSummary", tag, values),
        cases=[([_TAG, np.random.default_rng(7).normal(0, 2, 200)], None)],
        shape_cases=_shape_rows(([], STRING), None),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "ImageSummary",
        lambda tag, images: _raw("ImageSummary", tag, images, max_images=3),
        cases=[([_TAG, _IMAGES], None), ([_TAG, _IMAGES[:1]], None)],
        shape_cases=_shape_rows(([], STRING), ([2, 3, 4, 3], dtypes.uint8)),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "AudioSummaryV2",
        lambda tag, clips, rate: _raw("AudioSummaryV2", tag, clips, rate, max_outputs=3),
        cases=[([_TAG, _CLIPS, np.float32(8000)], None)],
        shape_cases=_shape_rows(([], STRING), [2, 10, 2], []),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "AudioSummary",
        lambda tag, clips: _raw("AudioSummary", tag, clips, sample_rate=8000.0, max_outputs=3),
        cases=[([_TAG, _CLIPS[:1]], None)],
        shape_cases=_shape_rows(([], STRING), [1, 10, 2]),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "TensorSummaryV2",
        lambda tag, tensor: _raw("TensorSummaryV2", tag, tensor, np.array(_TEXT_METADATA, object)),
        cases=[([_TAG, _TEXT], None)],
        shape_cases=_shape_rows(([], STRING), ([2], STRING)),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "TensorSummary",
        lambda tensor: _raw("TensorSummary", tensor, display_name="shown", name="legacy"),
        cases=[([np.arange(6, dtype=np.int32).reshape(2, 3)], None)],
        shape_cases=_shape_rows([2, 3]),
        grad="a summary is not differentiable",
    ),
    OpSpec(
        "MergeSummary",
        lambda a, b: _raw("MergeSummary", [a, b]),
        cases=[(_MERGED, None)],
        shape_cases=_shape_rows(([], STRING), ([], STRING)),
        grad="a summary is not differentiable",
    ),
]


def _legacy_reference(tensor):
    """TF's SummaryTensorOpV1 names the value by its node and ignores display_name."""
    value = summary_pb2.Summary.Value(
        node_name="legacy", tensor=tensor_util.make_tensor_proto(tensor)
    )
    return _serialized(value)


def _merge_reference(*inputs):
    merged = summary_pb2.Summary()
    for serialized in inputs:
        merged.MergeFromString(serialized.item())
    return np.array(merged.SerializeToString(), object)


REFERENCES = {
    "ScalarSummary": _scalar_reference,
    "HistogramSummary": _histogram_reference,
    "ImageSummary": _image_reference,
    "AudioSummaryV2": lambda tag, clips, rate: _audio_reference(tag, clips, int(rate)),
    "AudioSummary": _audio_reference,
    "TensorSummaryV2": _tensor_reference,
    "TensorSummary": _legacy_reference,
    "MergeSummary": _merge_reference,
}

# Each case's expected value comes from the op's reference (the rows above leave it None).
for _spec in OP_SPECS:
    _spec.cases = [(inputs, REFERENCES[_spec.op_type](*inputs)) for inputs, _ in _spec.cases]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_cases(spec):
    with tf.Graph().as_default():
        op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_shape_cases(spec):
    op_check.check_shape_cases(spec)
