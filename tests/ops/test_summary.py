"""TF1 summary ops against NumPy references: scalar values, histogram limits and counts
(an independent per-element reimplementation of TF's histogram.cc), PNG pixels decoded with
Pillow, WAV files read with the standard library's `wave`; TF's error classes and messages;
builder naming, collections, merge and merge_all."""

from __future__ import annotations

import bisect
import io
import logging
import struct
import sys
import wave

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_util
from ndflow.ops.summary import histogram_buckets
from ndflow.proto import summary_pb2

DBL_MAX = sys.float_info.max
SUMMARY_OPS = [
    "ScalarSummary",
    "HistogramSummary",
    "ImageSummary",
    "AudioSummaryV2",
    "AudioSummary",
    "TensorSummaryV2",
    "TensorSummary",
    "MergeSummary",
]


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def raw(op_type, name=None, **inputs_and_attrs):
    """One op straight from the registry (TF's `tf.raw_ops.<op_type>`)."""
    return op_builder.apply_op(op_type, name=name, **inputs_and_attrs)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def parse(serialized) -> summary_pb2.Summary:
    return summary_pb2.Summary.FromString(serialized)


def run_error(fetches, error=tf.errors.InvalidArgumentError, feed=None) -> str:
    with pytest.raises(error) as caught:
        run(fetches, feed)
    return caught.value.message


# ---------------------------------------------------------------------- registry and shapes


@pytest.mark.parametrize("op_type", SUMMARY_OPS)
def test_summary_ops_are_registered_not_differentiable(op_type):
    assert registry.is_registered(op_type)
    assert registry.lookup_op(op_type).grad is None
    assert registry.is_not_differentiable(op_type)


def test_every_builder_output_is_a_static_scalar_string():
    x = tf.placeholder(tf.float32, None)
    built = [
        tf.summary.scalar("s", x),
        tf.summary.histogram("h", x),
        tf.summary.image("i", x),
        tf.summary.audio("a", x, 8000.0),
        tf.summary.tensor_summary("t", x),
        tf.summary.text("x", tf.constant("a")),
    ]
    built.append(tf.summary.merge(built))
    for tensor in built:
        assert tensor.dtype == tf.string
        assert tensor.shape.as_list() == []


# ---------------------------------------------------------------------- scalar


@pytest.mark.parametrize(
    "dtype", [np.float32, np.float64, np.float16, np.int32, np.int64, np.uint8, np.int8]
)
def test_scalar_value_is_the_float32_of_the_input(dtype):
    value = np.asarray(-7.25 if np.dtype(dtype).kind == "f" else 100).astype(dtype)
    summary = parse(run(tf.summary.scalar("v", tf.constant(value))))
    assert [(v.tag, v.simple_value) for v in summary.value] == [("v", np.float32(value))]


def test_scalar_summary_of_a_tags_vector_has_one_value_per_tag():
    out = raw("ScalarSummary", tags=["a", "b"], values=np.array([1, 2**40 + 1], np.int64))
    summary = parse(run(out))
    assert [v.tag for v in summary.value] == ["a", "b"]
    assert [v.simple_value for v in summary.value] == [1.0, float(np.float32(2**40 + 1))]


def test_scalar_of_a_vector_raises_with_the_tag():
    message = run_error(tf.summary.scalar("loss", tf.constant([1.0, 2.0])))
    assert message == "tags and values are not the same shape: [] != [2] (tag 'loss')"


# ---------------------------------------------------------------------- histogram


def _reference_limits():
    """TF's default limits, built with cumprod (the same sequential doubling as TF's loop)."""
    count = 1 + int(np.ceil(np.log(1e32) / np.log(1.1)))
    steps = np.cumprod(np.concatenate([[1e-12], np.full(count, 1.1)]))
    positive = [v for v in steps.tolist() if v < 1e20] + [DBL_MAX]
    return [-v for v in reversed(positive)] + [0.0] + positive


def _reference_histogram(values):
    """TF's Histogram::Add per element, then EncodeToProto(preserve_zero_buckets=false)."""
    limits = _reference_limits()
    counts = [0.0] * len(limits)
    for value in values:
        counts[bisect.bisect_right(limits, value)] += 1.0
    out_limits, out_counts, i = [], [], 0
    while i < len(limits):
        end, count = limits[i], counts[i]
        i += 1
        while count <= 0.0 and i < len(limits) and counts[i] <= 0.0:
            end, count = limits[i], counts[i]
            i += 1
        out_limits.append(end)
        out_counts.append(count)
    return out_limits, out_counts


def _sequential_sum(values):
    total = 0.0
    for value in values:
        total += value
    return total


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).normal(0, 3, 500).astype(np.float32),
        np.array([0.0, -0.0, 1e-12, -1e-12, 5e-13, 1e25, -1e300], np.float64),
        np.arange(-20, 21, dtype=np.int32),
        np.full(7, 2.5, np.float64),
    ],
    ids=["normal", "edges", "ints", "constant"],
)
def test_histogram_matches_a_per_element_reference(values):
    histo = parse(run(tf.summary.histogram("h", tf.constant(values)))).value[0].histo
    flat = [float(v) for v in values]
    limits, counts = _reference_histogram(flat)
    assert list(histo.bucket_limit) == limits
    assert list(histo.bucket) == counts
    assert (histo.min, histo.max, histo.num) == (min(flat), max(flat), len(flat))
    assert histo.sum == _sequential_sum(flat)
    assert histo.sum_squares == _sequential_sum(v * v for v in flat)


def test_histogram_of_nothing_has_one_empty_dbl_max_bucket():
    histo = parse(run(tf.summary.histogram("h", tf.zeros([0])))).value[0].histo
    assert (histo.min, histo.max, histo.num, histo.sum) == (DBL_MAX, -DBL_MAX, 0, 0)
    assert (list(histo.bucket_limit), list(histo.bucket)) == ([DBL_MAX], [0.0])


def test_histogram_nan_and_infinity_name_the_node_not_the_tag():
    x = tf.placeholder(tf.float32, [2])
    with tf.name_scope("layer"):
        out = tf.summary.histogram("weights", x, family="fam")
    assert out.op.name == "layer/fam/weights"
    message = run_error(out, feed={x: [np.nan, np.inf]})
    assert message == "Nan in summary histogram for: layer/fam/weights"
    message = run_error(out, feed={x: [1.0, -np.inf]})
    assert message == "Infinity in Histogram for: layer/fam/weights"


def test_histogram_raw_op_with_a_tags_vector_raises():
    out = raw("HistogramSummary", tag=["a"], values=[1.0])
    assert run_error(out) == "tags must be scalar"


# ---------------------------------------------------------------------- image


def _pixels(image: summary_pb2.Summary.Image) -> np.ndarray:
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(image.encoded_image_string)))
    return pixels.reshape(image.height, image.width, image.colorspace)


def _reference_normalize(image, bad_color=(255, 0, 0, 255)):
    """TF's NormalizeFloatImage, pixel by pixel, in float32."""
    pixels = image.reshape(-1, image.shape[-1]).astype(np.float32)
    finite = [bool(np.isfinite(p).all()) for p in pixels]
    good = [v for p, ok in zip(pixels, finite) if ok for v in p]
    low, high = min(good), max(good)
    if low < 0:
        scale, offset = np.float32(127) / np.float32(max(abs(low), abs(high))), np.float32(128)
    else:
        scale, offset = np.float32(255) / np.float32(high), np.float32(0)
    out = [
        [int(np.float32(v) * scale + offset) for v in p] if ok else list(bad_color[: len(p)])
        for p, ok in zip(pixels, finite)
    ]
    return np.array(out, np.uint8).reshape(image.shape)


def test_uint8_images_are_written_unchanged_with_tf_tags():
    images = np.random.default_rng(1).integers(0, 256, (3, 4, 5, 3)).astype(np.uint8)
    summary = parse(run(tf.summary.image("img", tf.constant(images), max_outputs=2)))
    assert [v.tag for v in summary.value] == ["img/image/0", "img/image/1"]
    for index, value in enumerate(summary.value):
        assert (value.image.height, value.image.width, value.image.colorspace) == (4, 5, 3)
        np.testing.assert_array_equal(_pixels(value.image), images[index])


def test_one_image_gets_the_plain_image_tag():
    images = np.zeros((2, 2, 2, 1), np.uint8)
    summary = parse(run(tf.summary.image("gray", tf.constant(images), max_outputs=1)))
    assert [v.tag for v in summary.value] == ["gray/image"]


@pytest.mark.parametrize("low, high", [(0.0, 1.0), (0.0, 40.0), (-2.0, 3.0), (-9.0, 0.5)])
def test_float_images_are_normalized_per_image(low, high):
    images = np.random.default_rng(2).uniform(low, high, (2, 3, 4, 3)).astype(np.float32)
    images[1, 0, 0, 1] = np.nan
    summary = parse(run(tf.summary.image("f", tf.constant(images))))
    for index, value in enumerate(summary.value):
        np.testing.assert_array_equal(_pixels(value.image), _reference_normalize(images[index]))


def test_custom_bad_color_paints_nonfinite_pixels():
    images = np.ones((1, 2, 2, 3), np.float32)
    images[0, 1, 0, 2] = np.inf
    bad = np.array([0, 255, 0], np.uint8)
    out = raw("ImageSummary", tag="g", tensor=images, bad_color=bad)
    pixels = _pixels(parse(run(out)).value[0].image)
    np.testing.assert_array_equal(pixels[1, 0], bad)
    np.testing.assert_array_equal(pixels[0, 0], [255, 255, 255])


@pytest.mark.parametrize(
    "shape, message",
    [
        ((1, 2, 2, 2), "Tensor must be 4-D with last dim 1, 3, or 4, not [1,2,2,2]"),
        ((2, 2, 3), "Tensor must be 4-D with last dim 1, 3, or 4, not [2,2,3]"),
        ((1, 0, 2, 3), "input tensor must have non-zero dims. Found: [1, 0, 2, 3]."),
    ],
)
def test_bad_image_shapes_raise_invalid_argument(shape, message):
    assert run_error(tf.summary.image("i", tf.zeros(shape))) == message


def test_short_bad_color_for_rgba_float_images_raises():
    out = raw(
        "ImageSummary",
        tag="g",
        tensor=np.zeros((1, 1, 1, 4), np.float32),
        bad_color=np.zeros(3, np.uint8),
    )
    assert run_error(out) == "expected depth <= bad_color.size, got depth = 4, bad_color.size = 3"


# ---------------------------------------------------------------------- audio


def _wav(audio: summary_pb2.Summary.Audio):
    with wave.open(io.BytesIO(audio.encoded_audio_string)) as reader:
        frames = reader.readframes(reader.getnframes())
        header = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
    return header, np.frombuffer(frames, "<i2").reshape(-1, header[0])


def _reference_samples(clip):
    rounded = [np.sign(v) * np.floor(abs(float(v)) * 32768 + 0.5) for v in clip.reshape(-1)]
    return np.clip(rounded, -32768, 32767).astype(np.int16).reshape(clip.shape)


def test_stereo_audio_is_16_bit_pcm_wav_with_tf_fields():
    clips = np.random.default_rng(3).uniform(-1.3, 1.3, (3, 25, 2)).astype(np.float32)
    summary = parse(run(tf.summary.audio("sound", tf.constant(clips), 44100, max_outputs=2)))
    assert [v.tag for v in summary.value] == ["sound/audio/0", "sound/audio/1"]
    for index, value in enumerate(summary.value):
        audio = value.audio
        fields = (audio.sample_rate, audio.num_channels, audio.length_frames, audio.content_type)
        assert fields == (44100.0, 2, 25, "audio/wav")
        header, samples = _wav(audio)
        assert header == (2, 2, 44100)
        np.testing.assert_array_equal(samples, _reference_samples(clips[index]))


def test_mono_audio_rounds_halves_away_from_zero():
    clip = ((np.arange(-4, 4) + 0.5) / 32768).astype(np.float32).reshape(1, 8)
    summary = parse(run(tf.summary.audio("halves", tf.constant(clip), 10.0, max_outputs=1)))
    assert summary.value[0].tag == "halves/audio"
    header, samples = _wav(summary.value[0].audio)
    assert header == (1, 2, 10)
    assert samples.reshape(-1).tolist() == [-4, -3, -2, -1, 1, 2, 3, 4]


def test_wav_header_is_tf_layout():
    data = parse(run(tf.summary.audio("a", tf.zeros([1, 3]), 8000.0))).value[0].audio
    fields = struct.unpack("<4sI4s4sIHHIIHH4sI", data.encoded_audio_string[:44])
    assert fields == (b"RIFF", 42, b"WAVE", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16, b"data", 6)


@pytest.mark.parametrize(
    "shape, rate, message",
    [
        ((5,), 10.0, "Tensor must be 3-D or 2-D, got: [5]"),
        ((1, 4), 0.0, "sample_rate must be > 0"),
        ((1, 3, 0), 10.0, "audio is null"),
    ],
)
def test_bad_audio_raises_invalid_argument(shape, rate, message):
    assert run_error(tf.summary.audio("a", tf.zeros(shape), rate)) == message


# ---------------------------------------------------------------------- tensor and text


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.int32(42),
        np.array([True, False]),
        np.array([1 + 2j], np.complex64),
        np.zeros((0, 2)),
    ],
    ids=["float", "int_scalar", "bool", "complex", "empty"],
)
def test_tensor_summary_holds_the_tensor_as_raw_content(value):
    value = np.asarray(value)
    summary = parse(run(tf.summary.tensor_summary("t", tf.constant(value))))
    proto = summary.value[0].tensor
    assert proto.tensor_content == np.ascontiguousarray(value).tobytes()
    np.testing.assert_array_equal(tensor_util.make_ndarray(proto), value)


def test_text_is_a_string_tensor_for_the_text_plugin():
    out = tf.summary.text("notes", tf.constant([["a", "b"], ["c", "d"]]))
    assert [i.op.name for i in out.op.inputs] == [
        "notes/tag",
        "Const",
        "notes/serialized_summary_metadata",
    ]
    value = parse(run(out)).value[0]
    assert value.tag == "notes"
    assert value.metadata.plugin_data.plugin_name == "text"
    assert list(value.tensor.string_val) == [b"a", b"b", b"c", b"d"]


def test_text_of_a_float_tensor_raises_value_error():
    with pytest.raises(ValueError, match="Expected tensor Const:0 to have dtype string"):
        tf.summary.text("notes", tf.constant(1.0))


def test_tensor_summary_writes_description_and_display_name_into_the_metadata():
    metadata = summary_pb2.SummaryMetadata()
    out = tf.summary.tensor_summary(
        "t", tf.constant(1.0), "desc", summary_metadata=metadata, display_name="Disp"
    )
    assert (metadata.summary_description, metadata.display_name) == ("desc", "Disp")
    assert parse(run(out)).value[0].metadata == metadata


def test_legacy_tensor_summary_names_its_node_even_on_constant_input():
    out = raw("TensorSummary", tensor=tf.constant([1.0]), name="legacy")
    value = parse(run(out)).value[0]
    assert (value.tag, value.node_name) == ("", "legacy")


def test_get_summary_description_reads_the_description_attr():
    out = raw("TensorSummary", tensor=[1.0], description='{"type_hint": "scalar"}')
    description = tf.summary.get_summary_description(out.op.node_def)
    assert description.type_hint == "scalar"
    other = tf.summary.scalar("s", 1.0)
    with pytest.raises(ValueError, match="Can't get_summary_description on ScalarSummary"):
        tf.summary.get_summary_description(other.op.node_def)


# ---------------------------------------------------------------------- naming and collections


def test_node_names_match_a_tf1_graph():
    tf.summary.scalar("loss", tf.constant(1.0))
    tf.summary.histogram("weights", tf.constant([1.0]))
    tf.summary.image("sample", tf.zeros([1, 2, 2, 3]))
    tf.summary.text("notes", tf.constant("hi"))
    names = {op.name for op in tf.get_default_graph().get_operations()}
    expected = {"loss", "loss/tags", "weights", "weights/tag", "sample", "sample/tag"}
    assert expected | {"notes", "notes/tag", "notes/serialized_summary_metadata"} <= names


def test_family_prefixes_the_tag_and_scopes_the_node():
    with tf.name_scope("outer"):
        out = tf.summary.scalar("loss", tf.constant(1.0), family="fam")
    assert out.op.name == "outer/fam/loss"
    assert parse(run(out)).value[0].tag == "fam/outer/fam/loss"


def test_invalid_tag_characters_are_replaced_and_logged(caplog):
    with caplog.at_level(logging.INFO, logger="ndflow"):
        out = tf.summary.scalar("/my loss:(1)", tf.constant(1.0))
    assert out.op.name == "my_loss__1_"
    assert "Summary name /my loss:(1) is illegal; using my_loss__1_ instead." in caplog.text


def test_repeated_names_are_made_unique():
    first = tf.summary.scalar("loss", tf.constant(1.0))
    second = tf.summary.scalar("loss", tf.constant(2.0))
    assert (first.op.name, second.op.name) == ("loss", "loss_1")
    assert parse(run(second)).value[0].tag == "loss_1"


def test_summaries_go_to_the_summaries_collection_unless_told_otherwise():
    default = tf.summary.scalar("a", tf.constant(1.0))
    custom = tf.summary.histogram("b", tf.constant([1.0]), collections=["mine"])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [default]
    assert tf.get_collection("mine") == [custom]


# ---------------------------------------------------------------------- merge


def test_merge_concatenates_values_in_input_order():
    a = tf.summary.scalar("a", tf.constant(1.0))
    b = tf.summary.histogram("b", tf.constant([1.0, 2.0]))
    merged = tf.summary.merge([b, a])
    assert merged.op.name == "Merge/MergeSummary"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, b]
    assert [v.tag for v in parse(run(merged)).value] == ["b", "a"]


def test_merge_of_a_duplicate_tag_raises():
    a = raw("ScalarSummary", tags="dup", values=1.0)
    message = run_error(tf.summary.merge([a, a]))
    assert message == "Duplicate tag dup found in summary inputs "


def test_merge_keeps_values_without_tags():
    legacy = [raw("TensorSummary", tensor=[float(i)]) for i in range(2)]
    assert len(parse(run(tf.summary.merge(legacy))).value) == 2


def test_merge_of_corrupt_bytes_raises():
    message = run_error(tf.summary.merge([tf.constant(b"\x0a\x05ab")]))
    assert message == "Could not parse one of the summary inputs"


def test_merge_all_is_none_for_an_empty_collection():
    assert tf.summary.merge_all() is None
    tf.summary.scalar("a", tf.constant(1.0), collections=["other"])
    assert tf.summary.merge_all() is None


def test_merge_all_filters_by_scope():
    tf.summary.scalar("a", tf.constant(1.0))
    with tf.name_scope("train"):
        tf.summary.scalar("lr", tf.constant(0.1))
    merged = tf.summary.merge_all(scope="train", name="t")
    assert [v.tag for v in parse(run(merged)).value] == ["train/lr"]


def test_closed_form_bucket_index_is_the_binary_search_at_every_limit():
    limits = histogram_buckets.LIMITS
    inner = limits[1:-1]
    rng = np.random.default_rng(11)
    values = np.concatenate(
        [
            inner,
            np.nextafter(inner, np.inf),
            np.nextafter(inner, -np.inf),
            [0.0, -0.0, DBL_MAX, -DBL_MAX, 5e-324, -5e-324, 1e-300, -1e300],
            np.exp(rng.uniform(-80, 80, 20000)) * rng.choice([-1.0, 1.0], 20000),
        ]
    )
    expected = np.minimum(np.searchsorted(limits, values, side="right"), len(limits) - 1)
    np.testing.assert_array_equal(histogram_buckets.bucket_index(values), expected)
