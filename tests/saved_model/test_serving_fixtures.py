"""TensorFlow Serving's test SavedModels (../shared/fixtures/serving, not copied into the
project) load with the TF1 loader and their signatures give the values listed in that
directory's MANIFEST.md. Skipped where the shared fixtures are absent."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import ndflow as tf

SERVING = pathlib.Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "serving"

pytestmark = pytest.mark.skipif(not SERVING.exists(), reason="../shared/fixtures is not available")

# y = 0.5x + 2, y2 = 0.5x + 3, y3 = 0.5x2 + 3 on the examples x = 1, 2, 5.
HALF_PLUS_TWO = [
    "saved_model_half_plus_two_cpu/00000123",
    "saved_model_half_plus_two_2_versions/00000123",
    "saved_model_half_plus_two_2_versions/00000124",
    "saved_model_half_plus_two_gpu/00000123",
    "saved_model_half_plus_two_mlmd/00000123",
    "saved_model_half_plus_two_cpu_with_saved_model_config/00000123",
    "saved_model_half_plus_two_cpu_with_empty_saved_model_config/00000123",
    "saved_model_half_plus_two_cpu_with_warmup/00000123",
    "saved_model_half_plus_two_cpu_with_bad_warmup/00000123",
    "saved_model_half_plus_two_tf2_cpu/00000123",
]


def _examples(**features):
    count = len(next(iter(features.values())))
    return [
        tf.train.Example(
            features=tf.train.Features(
                feature={
                    name: tf.train.Feature(float_list=tf.train.FloatList(value=[values[i]]))
                    for name, values in features.items()
                }
            )
        ).SerializeToString()
        for i in range(count)
    ]


def _run(sess, meta_graph, key, **feeds):
    signature = meta_graph.signature_def[key]
    fetches = {name: info.name for name, info in signature.outputs.items()}
    return sess.run(fetches, {signature.inputs[k].name: v for k, v in feeds.items()})


def _load(sess, relative):
    return tf.saved_model.loader.load(sess, ["serve"], str(SERVING / relative))


@pytest.mark.parametrize("relative", HALF_PLUS_TWO)
def test_half_plus_two_family(relative):
    examples = _examples(x=[1.0, 2.0, 5.0])
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = _load(sess, relative)
        x = [2.0] if "tf2" in relative else [[1.0], [2.0], [5.0]]
        y = _run(sess, meta_graph, "serving_default", x=x)["y"]
        np.testing.assert_array_equal(np.ravel(y), [3.0] if "tf2" in relative else [2.5, 3.0, 4.5])
        regress = _run(sess, meta_graph, "regress_x_to_y", inputs=examples)["outputs"]
        np.testing.assert_array_equal(np.ravel(regress), [2.5, 3.0, 4.5])
        regress2 = _run(sess, meta_graph, "regress_x_to_y2", inputs=examples)["outputs"]
        np.testing.assert_array_equal(np.ravel(regress2), [3.5, 4.0, 5.5])
        scores = _run(sess, meta_graph, "classify_x_to_y", inputs=examples)["scores"]
        np.testing.assert_array_equal(np.ravel(scores), [2.5, 3.0, 4.5])
        x2 = [4.0] if "tf2" in relative else [[1.0], [4.0]]
        y3 = _run(sess, meta_graph, "regress_x2_to_y3", inputs=x2)["outputs"]
        np.testing.assert_array_equal(np.ravel(y3), [5.0] if "tf2" in relative else [3.5, 5.0])


def test_half_plus_two_example_errors_are_tf_invalid_argument():
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = _load(sess, "saved_model_half_plus_two_cpu/00000123")
        with pytest.raises(tf.errors.InvalidArgumentError, match="is required but could not"):
            _run(sess, meta_graph, "regress_x_to_y", inputs=_examples(x2=[1.0]))


def test_half_plus_three_tf_1_0_export():
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = _load(sess, "saved_model_half_plus_three/00000123")
        # TF 1.0 wrote unknown placeholder shapes as empty ones (GraphDef producer 21).
        assert sess.graph.get_tensor_by_name("tf_example:0").shape.rank is None
        y = _run(sess, meta_graph, "serving_default", x=[[1.0], [2.0], [5.0]])["y"]
        np.testing.assert_array_equal(np.ravel(y), [3.5, 4.0, 5.5])
        regress = _run(
            sess, meta_graph, "tensorflow/serving/regress", inputs=_examples(x=[1.0, 2.0])
        )["outputs"]
        np.testing.assert_array_equal(np.ravel(regress), [3.5, 4.0])


def test_counter_state_persists_across_runs():
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = _load(sess, "saved_model_counter/00000123")

        def call(key, **feeds):
            return float(_run(sess, meta_graph, key, **feeds)["output"])

        sequence = [
            call("get_counter"),
            call("incr_counter"),
            call("incr_counter"),
            call("incr_counter_by", delta=np.float32(3.0)),
            call("get_counter"),
            call("reset_counter"),
            call("get_counter"),
        ]
        assert sequence == [0.0, 1.0, 2.0, 5.0, 5.0, 0.0, 0.0]


def test_matrix_half_plus_two_graph_only():
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = _load(sess, "matrix_half_plus_two/1")
        x = np.arange(9, dtype=np.float32).reshape(1, 3, 3)
        y = _run(sess, meta_graph, "serving_default", x=x)["y"]
        np.testing.assert_array_equal(y, 0.5 * x + 2.0)


def test_bad_half_plus_two_has_no_saved_model():
    export_dir = SERVING / "bad_half_plus_two" / "00000123"
    assert not tf.saved_model.maybe_saved_model_directory(str(export_dir))
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(OSError, match="SavedModel file does not exist at"):
            tf.saved_model.loader.load(sess, ["serve"], str(export_dir))
