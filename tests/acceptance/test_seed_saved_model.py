"""The seed's "serve it outside Python training" pattern (seed 000): a Keras-style binary
classifier is saved with `tf.saved_model.builder.SavedModelBuilder("myModel")` under the tag
`myTag`, then loaded by tag and run by operation name, as the seed's Go program does:
feed `inputLayer_input`, fetch `inferenceLayer/Sigmoid`.

The model is the seed CNN at the `savedmodel_v1_cnn_small` fixture's 64x64 size (the seed's
250x250 input makes a 120 MB dense kernel, which would only slow the suite down).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import ndflow as tf


def _binary_classifier():
    image = tf.placeholder(tf.float32, [None, 64, 64, 3], name="inputLayer_input")
    x = tf.layers.conv2d(image, 32, 3, activation=tf.nn.relu)
    x = tf.layers.conv2d(x, 32, 3, activation=tf.nn.relu)
    x = tf.layers.max_pooling2d(x, 2, 2)
    x = tf.layers.flatten(x)
    x = tf.layers.dense(x, 64, activation=tf.nn.relu)
    return tf.layers.dense(x, 1, activation=tf.nn.sigmoid, name="inferenceLayer")


@pytest.fixture
def in_tmp_dir(tmp_path):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def save_as_in_the_seed(images, export_dir="myModel"):
    """Builds, initializes and saves the classifier as the seed does; its outputs on `images`."""
    with tf.Graph().as_default():
        output = _binary_classifier()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        expected = sess.run(output, {"inputLayer_input:0": images})
        # The seed's lines (it passes the literal "myModel"):
        builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
        builder.add_meta_graph_and_variables(sess, ["myTag"])
        builder.save()
        sess.close()
    return expected


def test_saved_model_loads_by_tag_and_runs_by_operation_name(in_tmp_dir):
    images = np.random.default_rng(0).random((2, 64, 64, 3), dtype=np.float32)
    expected = save_as_in_the_seed(images)
    assert (in_tmp_dir / "myModel" / "saved_model.pb").is_file()
    assert (in_tmp_dir / "myModel" / "variables" / "variables.index").is_file()

    with tf.Graph().as_default() as graph, tf.Session() as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["myTag"], "myModel")
        assert list(meta_graph.meta_info_def.tags) == ["myTag"]
        feed = graph.get_operation_by_name("inputLayer_input").outputs[0]
        fetch = graph.get_operation_by_name("inferenceLayer/Sigmoid").outputs[0]
        result = sess.run(fetch, {feed: images})
        zeros = sess.run(fetch, {feed: np.zeros((1, 64, 64, 3), np.float32)})
    np.testing.assert_array_equal(result, expected)
    assert zeros.shape == (1, 1) and 0.0 < zeros[0, 0] < 1.0


def test_loading_with_a_tag_the_model_lacks_fails_as_tensorflow(in_tmp_dir):
    save_as_in_the_seed(np.zeros((1, 64, 64, 3), np.float32))
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(RuntimeError, match="could not be found in SavedModel"):
            tf.saved_model.loader.load(sess, ["serve"], "myModel")
