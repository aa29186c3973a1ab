"""The pooling tf.layers (Max/AveragePooling1D/2D/3D): graphs, values and gradients against
real TF's goldens (tests/layers/cases.py), TF's error messages, and channels_first 2-D pooling
(an NCHW op, which TF's CPU kernels cannot run) against channels_last."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.layers import cases
from tests.layers import golden_check

POOL = [case.name for case in cases.POOL_CASES]


@pytest.mark.parametrize("name", POOL)
def test_graph_matches_tensorflow(name):
    (_, meta), (_, expected) = golden_check.structure(name)
    golden_check.check_graph(meta, expected)


@pytest.mark.parametrize("name", POOL)
def test_values_and_gradients_match_tensorflow(name):
    (arrays, _), (expected, _) = golden_check.structure(name)
    golden_check.check_values(arrays, expected)


@pytest.mark.parametrize("name", ["max_pooling2d_strides_none", "max_pooling2d_rank3"])
def test_errors_match_tensorflow(name):
    golden_check.check_error(name)


@pytest.mark.parametrize(
    "pool", [tf.layers.max_pooling2d, tf.layers.average_pooling2d], ids=["max", "average"]
)
def test_channels_first_2d_pooling_equals_channels_last(pool):
    x_value = np.random.default_rng(0).standard_normal((2, 3, 7, 6)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, x_value.shape)
        first = pool(x, 3, 2, padding="same", data_format="channels_first")
        last = pool(tf.transpose(x, (0, 2, 3, 1)), 3, 2, padding="same")
        assert first.op.type in ("MaxPool", "AvgPool")
        assert first.shape.as_list() == [2, 3, 4, 3]
        with tf.Session() as session:
            got_first, got_last = session.run([first, last], {x: x_value})
    np.testing.assert_allclose(got_first, got_last.transpose(0, 3, 1, 2), rtol=1e-6)


def test_pooling_layers_have_no_variables_and_keras_names():
    with tf.Graph().as_default():
        layer = tf.layers.MaxPooling3D(2, 2)
        y = layer(tf.placeholder(tf.float32, [None, 4, 4, 4, 2]))
        assert layer.variables == [] and tf.global_variables() == []
        assert layer.name == "max_pooling3d_1" and y.op.name == "max_pooling3d/MaxPool3D"


def test_pooling_compute_output_shape():
    layer = tf.layers.AveragePooling1D(3, 2, padding="valid")
    assert layer.compute_output_shape([None, 9, 4]).as_list() == [None, 4, 4]
    layer = tf.layers.MaxPooling2D(2, 2, data_format="channels_first")
    assert layer.compute_output_shape([1, 3, 5, 4]).as_list() == [1, 3, 2, 2]
