"""The convolution tf.layers (Conv1D/2D/3D, Conv2DTranspose/3DTranspose, SeparableConv1D/2D):
graphs, values and gradients against real TF's goldens (tests/layers/cases.py), TF's error
messages, and channels_first against channels_last (TF's CPU kernels cannot run NCHW
convolutions, so those have no goldens)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.layers import cases
from tests.layers import golden_check

CONV = [case.name for case in cases.CONV_CASES]

GRAPH_XFAILS: dict[str, str] = {}

ERRORS = [
    "conv2d_rank3_input",
    "conv2d_unknown_channels",
    "conv2d_bad_kernel_size",
    "conv2d_zero_strides",
    "conv2d_bad_padding",
    "conv2d_bad_data_format",
    "conv2d_strides_and_dilation",
    "conv2d_causal",
]


@pytest.mark.parametrize("name", golden_check.xfail_params(CONV, GRAPH_XFAILS))
def test_graph_matches_tensorflow(name):
    (_, meta), (_, expected) = golden_check.structure(name)
    golden_check.check_graph(meta, expected)


@pytest.mark.parametrize("name", CONV)
def test_values_and_gradients_match_tensorflow(name):
    (arrays, _), (expected, _) = golden_check.structure(name)
    golden_check.check_values(arrays, expected)


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_tensorflow(name):
    golden_check.check_error(name)


def test_too_small_input_fails_in_the_conv_shape_function():
    golden_check.check_error("conv2d_too_small_input", prefix_only=True)


# ---------------------------------------------------------------------- channels_first


def _run_both_formats(build, x_value, rank):
    """Outputs of `build(x, data_format)` for channels_last and channels_first inputs with the
    same weights, the latter moved back to channels_last."""
    to_first = (0, rank + 1, *range(1, rank + 1))
    to_last = (0, *range(2, rank + 2), 1)
    results = []
    for data_format, value in (
        ("channels_last", x_value),
        ("channels_first", x_value.transpose(to_first)),
    ):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, value.shape)
            y = build(x, data_format)
            rng = np.random.default_rng(1)
            with tf.Session() as session:
                session.run(tf.global_variables_initializer())
                for v in tf.global_variables():
                    v.load(rng.standard_normal(v.shape.as_list()).astype(np.float32), session)
                out = session.run(y, {x: value})
            results.append(out if data_format == "channels_last" else out.transpose(to_last))
    return results


@pytest.mark.parametrize(
    ("name", "build", "shape"),
    [
        ("conv1d", lambda x, f: tf.layers.conv1d(x, 3, 2, data_format=f), (2, 7, 3)),
        ("conv2d", lambda x, f: tf.layers.conv2d(x, 3, 3, 2, "same", data_format=f), (2, 7, 6, 2)),
        (
            "conv3d",
            lambda x, f: tf.layers.conv3d(x, 2, 2, data_format=f, activation=tf.nn.relu),
            (1, 4, 3, 4, 2),
        ),
        (
            "conv2d_transpose",
            lambda x, f: tf.layers.conv2d_transpose(x, 3, 3, 2, data_format=f),
            (2, 3, 4, 2),
        ),
        (
            "conv3d_transpose",
            lambda x, f: tf.layers.conv3d_transpose(x, 2, 2, 2, "same", data_format=f),
            (1, 2, 3, 2, 3),
        ),
        (
            "separable_conv2d",
            lambda x, f: tf.layers.separable_conv2d(x, 3, 3, data_format=f, depth_multiplier=2),
            (2, 5, 6, 2),
        ),
        (
            "separable_conv1d",
            lambda x, f: tf.layers.separable_conv1d(x, 3, 3, data_format=f),
            (2, 7, 3),
        ),
    ],
)
def test_channels_first_equals_channels_last(name, build, shape):
    x_value = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    last, first = _run_both_formats(build, x_value, len(shape) - 2)
    np.testing.assert_allclose(first, last, rtol=1e-5, atol=1e-5, err_msg=name)


def test_channels_first_conv2d_makes_an_nchw_op_and_channels_first_kernel_shapes():
    with tf.Graph().as_default():
        layer = tf.layers.Conv2D(4, (3, 2), data_format="channels_first")
        y = layer(tf.placeholder(tf.float32, [None, 3, 8, 8]))
        assert y.shape.as_list() == [None, 4, 6, 7]
        assert layer.kernel.shape.as_list() == [3, 2, 3, 4]
        conv = tf.get_default_graph().get_operation_by_name("conv2d/Conv2D")
        assert conv.get_attr("data_format") in (b"NCHW", "NCHW")


def test_conv_output_shape_with_unknown_spatial_dims():
    with tf.Graph().as_default():
        y = tf.layers.conv2d(tf.placeholder(tf.float32, [None, None, 9, 3]), 2, 3, strides=2)
        assert y.shape.as_list() == [None, None, 4, 2]


def test_conv2d_transpose_output_size_formula():
    layer = tf.layers.Conv2DTranspose(2, 3, strides=2)
    assert layer.compute_output_shape([None, 4, 5, 3]).as_list() == [None, 9, 11, 2]
    same = tf.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    assert same.compute_output_shape([None, 4, 5, 3]).as_list() == [None, 8, 10, 2]


def test_separable_conv_variables_and_regularizers():
    with tf.Graph().as_default():
        layer = tf.layers.SeparableConv2D(
            4,
            3,
            depth_multiplier=2,
            depthwise_regularizer=tf.nn.l2_loss,
            pointwise_regularizer=tf.nn.l2_loss,
        )
        layer(tf.placeholder(tf.float32, [None, 5, 5, 3]))
        assert [(v.name, v.shape.as_list()) for v in layer.variables] == [
            ("separable_conv2d/depthwise_kernel:0", [3, 3, 3, 2]),
            ("separable_conv2d/pointwise_kernel:0", [1, 1, 6, 4]),
            ("separable_conv2d/bias:0", [4]),
        ]
        losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        assert [t.name for t in losses] == [
            "separable_conv2d/depthwise_kernel/Regularizer/L2Loss:0",
            "separable_conv2d/pointwise_kernel/Regularizer/L2Loss:0",
        ]
