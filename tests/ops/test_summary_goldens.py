"""Summary ops against golden files recorded from real TensorFlow (tools/goldens/summary.py).

Each case runs the same builder snippet with `tf` bound to ndflow and one static-shape
placeholder per input. The GraphDef must have TF's node names, ops and inputs in TF's order,
and the summary ops and their constant inputs TF's attrs. The serialized outputs are parsed
and compared value by value: tags, metadata and scalar, histogram (limits and counts), audio
(WAV bytes) and tensor fields exactly; PNG images by their decoded pixels and
height/width/colorspace. Errors must have TF's class and message.
"""

from __future__ import annotations

import io
import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.proto import graph_pb2
from ndflow.proto import summary_pb2
from ndflow.proto import tensor_pb2
from tests.support import golden

FAMILY = "summary"

SUMMARY_OPS = {
    "ScalarSummary",
    "HistogramSummary",
    "ImageSummary",
    "AudioSummaryV2",
    "AudioSummary",
    "TensorSummaryV2",
    "TensorSummary",
    "MergeSummary",
}


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            # TF's raw ops take a TensorProto for a tensor attr (bad_color); apply_op wants
            # the array.
            kwargs = {
                k: tensor_util.make_ndarray(v) if isinstance(v, tensor_pb2.TensorProto) else v
                for k, v in kwargs.items()
            }
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()
# tf.make_tensor_proto is TF1 API; the top-level namespace may not re-export it yet.
NAMESPACE.make_tensor_proto = getattr(tf, "make_tensor_proto", tensor_util.make_tensor_proto)

# Known differences from TensorFlow, each with its reason.
KNOWN = {
    "audio_v1_raw": "ndflow builds AudioSummary; TF refuses it at graph-build time (OpDef "
    "deprecated since GraphDef version 15), which ndflow's registry does not model",
}


def _build(code, arrays):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {}
    for name, value in inputs.items():
        dtype = tf.string if value.dtype.kind == "S" else dtypes.as_dtype(value.dtype)
        feeds[name] = tf.placeholder(dtype, shape=value.shape, name=name)
    scope = {"tf": NAMESPACE, "np": np, **feeds}
    exec(code, scope)  # noqa: S102 - the recorded case table
    outputs = scope["out"] if isinstance(scope["out"], list) else [scope["out"]]
    feed = {
        feeds[name]: value.astype(object) if value.dtype.kind == "S" else value
        for name, value in inputs.items()
    }
    return outputs, feed


# ---------------------------------------------------------------------- graphs


def _tensor_value(proto):
    array = tensor_util.make_ndarray(proto)
    return proto.dtype, list(array.shape), array.tolist()


def _attrs(node):
    result = {}
    for key, value in node.attr.items():
        result[key] = _tensor_value(value.tensor) if value.HasField("tensor") else value
    return result


def _compare_graphs(ours, expected, context):
    names = [(n.name, n.op, list(n.input)) for n in ours.node]
    assert names == [(n.name, n.op, list(n.input)) for n in expected.node], context
    ours_by_name = {n.name: n for n in ours.node}
    checked = {n.name for n in expected.node if n.op in SUMMARY_OPS}
    checked |= {i.split(":")[0] for n in expected.node if n.op in SUMMARY_OPS for i in n.input}
    for node in expected.node:
        if node.name in checked and node.op in SUMMARY_OPS | {"Const"}:
            assert _attrs(ours_by_name[node.name]) == _attrs(node), f"{context}: {node.name}"


# ---------------------------------------------------------------------- summaries


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def _compare_image(ours, expected, context):
    assert (ours.height, ours.width, ours.colorspace) == (
        expected.height,
        expected.width,
        expected.colorspace,
    ), context
    np.testing.assert_array_equal(
        _pixels(ours.encoded_image_string), _pixels(expected.encoded_image_string), context
    )


def _compare_value(ours, expected, context):
    assert (ours.tag, ours.node_name) == (expected.tag, expected.node_name), context
    assert ours.metadata == expected.metadata, context
    kind = expected.WhichOneof("value")
    assert ours.WhichOneof("value") == kind, context
    if kind == "image":
        _compare_image(ours.image, expected.image, context)
        return
    assert getattr(ours, kind) == getattr(expected, kind), f"{context}: {kind} differs"


def _compare_summary(ours: bytes, expected: np.ndarray, context):
    ours = summary_pb2.Summary.FromString(ours)
    expected = summary_pb2.Summary.FromString(expected.tobytes())
    assert len(ours.value) == len(expected.value), context
    for index, (mine, theirs) in enumerate(zip(ours.value, expected.value)):
        _compare_value(mine, theirs, f"{context} value {index} ({theirs.tag})")


# ---------------------------------------------------------------------- cases


def _check_case(case):
    arrays, meta = golden.load(FAMILY, case)
    context = f"{FAMILY}/{case}: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in meta:
            with pytest.raises(Exception) as caught:  # noqa: B017 - class compared below
                _build(meta["call"], arrays)
            assert type(caught.value).__name__ == meta["build_error"], context
            assert meta["message"] in str(caught.value), f"{context}: {caught.value}"
            return
        outputs, feed = _build(meta["call"], arrays)
        expected_graph = graph_pb2.GraphDef.FromString(arrays["graph_def"].tobytes())
        _compare_graphs(graph.as_graph_def(), expected_graph, context)
        with tf.Session(graph=graph) as sess:
            if "run_error" in meta:
                with pytest.raises(getattr(tf.errors, meta["run_error"])) as caught:
                    sess.run(outputs, feed)
                assert meta["message"] in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    assert len(values) == meta["outputs"], context
    for index, value in enumerate(values):
        _compare_summary(value, arrays[f"out{index}"], f"{context} output {index}")


CASES = golden.cases(FAMILY)


def _param(case):
    if case not in KNOWN:
        return case
    return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=f"#8: {KNOWN[case]}"))


def test_goldens_were_recorded():
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden(case):
    _check_case(case)
