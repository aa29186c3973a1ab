"""SavedModels written by real TensorFlow load in ndflow and give TF's outputs.

The two TF1 fixtures are carried in tests/fixtures/ (copies of ../shared/fixtures/tf/); the
TF2 Keras export (15 MB) and TensorFlow Serving's test models are checked only where the
shared fixtures directory exists.
"""

from __future__ import annotations

import base64
import json
import pathlib

import numpy as np
import pytest

import ndflow as tf

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "fixtures"
HALF_PLUS_TWO = FIXTURES / "savedmodel_v1_half_plus_two"
CNN_SMALL = FIXTURES / "savedmodel_v1_cnn_small"
KERAS_CNN = SHARED / "tf" / "savedmodel_v2_keras_cnn_small"


def _run_signature(sess, meta_graph, key, feeds):
    signature = meta_graph.signature_def[key]
    fetches = {name: info.name for name, info in signature.outputs.items()}
    return sess.run(fetches, {signature.inputs[k].name: v for k, v in feeds.items()})


def test_half_plus_two_predict_classify_regress_and_asset():
    expected = json.loads((HALF_PLUS_TWO / "expected.json").read_text())
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], str(HALF_PLUS_TWO / "00000123"))
        assert set(meta_graph.signature_def) == set(expected["signatures"])
        predict = expected["predict"]
        got = _run_signature(sess, meta_graph, predict["signature"], predict["inputs"])
        np.testing.assert_array_equal(got["y"], predict["outputs"]["y"])
        for method in ("classify", "regress"):
            case = expected[method]
            examples = [base64.b64decode(s) for s in case["serialized_examples_b64"]]
            got = _run_signature(sess, meta_graph, case["signature"], {"inputs": examples})
            for name, value in case["outputs"].items():
                np.testing.assert_array_equal(got[name], value)
        # The main op read assets/foo.txt into a local variable.
        assert sess.run("asset_contents:0").decode() == expected["asset_contents_after_load"]
        values = sess.run({name: f"{name}:0" for name in expected["variables"]})
        assert values == expected["variables"]


def test_cnn_small_gives_tf_probabilities():
    with np.load(CNN_SMALL / "expected.npz", allow_pickle=False) as data:
        images, prob = data["image"], data["prob"]
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], str(CNN_SMALL / "1"))
        got = _run_signature(sess, meta_graph, "serving_default", {"image": images})["prob"]
        np.testing.assert_allclose(got, prob, rtol=1e-5, atol=1e-7)
        # Dropout's keep_prob is a PlaceholderWithDefault(1.0); a lower one makes it random.
        keep_prob = sess.graph.get_operation_by_name("keep_prob")
        assert keep_prob.type == "PlaceholderWithDefault"
        keep_prob = keep_prob.outputs[0]
        feeds = {"image:0": images, keep_prob: 1.0}
        np.testing.assert_allclose(sess.run("prob:0", feeds), prob, rtol=1e-5, atol=1e-7)
        assert sess.run("prob:0", {**feeds, keep_prob: 0.5}).shape == (4, 1)


@pytest.mark.skipif(not KERAS_CNN.exists(), reason="../shared/fixtures is not available")
def test_tf2_keras_export_loads_through_the_tf1_loader():
    with np.load(KERAS_CNN / "expected.npz", allow_pickle=False) as data:
        images, prob = data["image"], data["prob"]
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], str(KERAS_CNN / "1"))
        assert meta_graph.HasField("object_graph_def")
        for key in ("serving_default", "serve"):
            got = _run_signature(sess, meta_graph, key, {"image": images})["output_0"]
            np.testing.assert_allclose(got, prob, rtol=1e-5, atol=1e-6)
