"""Gradients of the convolution ops by finite differences (GRAD_SPECS: every convolution op,
its backprop ops through their own gradients, order 2 for Conv2D), and the builders: TF's
graph structure (op types, names, the gradient ops and ShapeN), argument handling and the
errors TF's Python raises."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support.grad_check import GradSpec
from tests.support.reference import conv as ref

_RNG = np.random.default_rng(7)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def normal(*shape):
    return _RNG.normal(size=shape)


def _conv2d(strides, padding, **attrs):
    return lambda x, w: raw("Conv2D", x, w, strides=strides, padding=padding, **attrs)


_CONV2D_ROWS = [
    GradSpec("Conv2D", _conv2d([1, 2, 1, 1], "SAME"), [normal(1, 5, 4, 2), normal(3, 2, 2, 3)]),
    GradSpec(
        "Conv2D",
        _conv2d([1, 1, 1, 1], "VALID", dilations=[1, 2, 1, 1]),
        [normal(2, 6, 4, 2), normal(2, 3, 2, 2)],
        id="Conv2D_dilated",
    ),
    GradSpec(
        "Conv2D",
        _conv2d(
            [1, 1, 2, 1], "EXPLICIT", explicit_paddings=[0, 0, 0, 0, 1, 2, 0, 1], data_format="NCHW"
        ),
        [normal(1, 2, 4, 5), normal(2, 3, 2, 2)],
        id="Conv2D_nchw_explicit",
    ),
    GradSpec(
        "Conv2D",
        _conv2d([1, 1, 1, 1], "SAME"),
        [normal(1, 4, 3, 4), normal(2, 2, 2, 4)],
        id="Conv2D_grouped",
    ),
    GradSpec(
        "Conv2D",
        _conv2d([1, 2, 2, 1], "SAME", dilations=[1, 1, 1, 1]),
        [normal(1, 5, 5, 2), normal(3, 3, 2, 2)],
        order=2,
        id="Conv2D_order2",
    ),
    GradSpec(
        "Conv2D",
        _conv2d([1, 1, 1, 1], "VALID", dilations=[1, 2, 2, 1]),
        [normal(1, 6, 5, 1), normal(2, 2, 1, 2)],
        order=2,
        id="Conv2D_dilated_order2",
    ),
]


def _backprop_input(op_type, sizes, **attrs):
    return lambda w, dy: raw(op_type, sizes, w, dy, **attrs)


def _backprop_filter(op_type, sizes, **attrs):
    return lambda x, dy: raw(op_type, x, sizes, dy, **attrs)


_SAME_2 = dict(strides=[1, 2, 1, 1], padding="SAME")
_SAME_3 = dict(strides=[1, 2, 1, 1, 1], padding="SAME")

_BACKPROP_ROWS = [
    GradSpec(
        "Conv2DBackpropInput",
        _backprop_input("Conv2DBackpropInput", [1, 5, 4, 2], **_SAME_2),
        [normal(3, 2, 2, 3), normal(1, 3, 4, 3)],
    ),
    GradSpec(
        "Conv2DBackpropInput",
        _backprop_input("Conv2DBackpropInput", [1, 5, 4, 2], **_SAME_2),
        [normal(3, 2, 2, 3), normal(1, 3, 4, 3)],
        order=2,
        id="Conv2DBackpropInput_order2",
    ),
    GradSpec(
        "Conv2DBackpropFilter",
        _backprop_filter("Conv2DBackpropFilter", [3, 2, 2, 3], **_SAME_2),
        [normal(1, 5, 4, 2), normal(1, 3, 4, 3)],
    ),
    GradSpec(
        "Conv2DBackpropFilter",
        _backprop_filter("Conv2DBackpropFilter", [3, 2, 2, 3], **_SAME_2),
        [normal(1, 5, 4, 2), normal(1, 3, 4, 3)],
        order=2,
        id="Conv2DBackpropFilter_order2",
    ),
    GradSpec(
        "Conv3D",
        lambda x, w: raw("Conv3D", x, w, dilations=[1, 1, 2, 1, 1], **_SAME_3),
        [normal(1, 3, 4, 3, 2), normal(2, 2, 2, 2, 2)],
    ),
    GradSpec(
        "Conv3DBackpropInputV2",
        _backprop_input("Conv3DBackpropInputV2", [1, 3, 4, 3, 2], **_SAME_3),
        [normal(2, 2, 2, 2, 2), normal(1, 2, 4, 3, 2)],
    ),
    GradSpec(
        "Conv3DBackpropFilterV2",
        _backprop_filter("Conv3DBackpropFilterV2", [2, 2, 2, 2, 2], **_SAME_3),
        [normal(1, 3, 4, 3, 2), normal(1, 2, 4, 3, 2)],
    ),
    GradSpec(
        "DepthwiseConv2dNative",
        lambda x, w: raw("DepthwiseConv2dNative", x, w, dilations=[1, 1, 2, 1], **_SAME_2),
        [normal(1, 5, 4, 2), normal(3, 2, 2, 2)],
    ),
    GradSpec(
        "DepthwiseConv2dNative",
        lambda x, w: raw(
            "DepthwiseConv2dNative",
            x,
            w,
            strides=[1, 1, 1, 2],
            padding="VALID",
            data_format="NCHW",
        ),
        [normal(1, 2, 4, 5), normal(2, 2, 2, 1)],
        id="DepthwiseConv2dNative_nchw",
    ),
    GradSpec(
        "DepthwiseConv2dNativeBackpropInput",
        _backprop_input("DepthwiseConv2dNativeBackpropInput", [1, 5, 4, 2], **_SAME_2),
        [normal(3, 2, 2, 2), normal(1, 3, 4, 4)],
    ),
    GradSpec(
        "DepthwiseConv2dNativeBackpropFilter",
        _backprop_filter("DepthwiseConv2dNativeBackpropFilter", [3, 2, 2, 2], **_SAME_2),
        [normal(1, 5, 4, 2), normal(1, 3, 4, 4)],
    ),
]

_BUILDER_ROWS = [
    GradSpec(
        "Conv2DBackpropInput",
        lambda v, w: tf.nn.conv2d_transpose(v, w, [1, 6, 5, 2], [1, 2, 2, 1]),
        [normal(1, 3, 3, 3), normal(3, 3, 2, 3)],
        id="conv2d_transpose",
    ),
    GradSpec(
        "Conv2D",
        lambda x, w: tf.nn.conv1d(x, w, 2, "SAME", dilations=1),
        [normal(2, 7, 2), normal(3, 2, 3)],
        id="conv1d",
    ),
    GradSpec(
        "DepthwiseConv2dNative",
        lambda x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME", rate=[2, 1]),
        [normal(1, 5, 4, 2), normal(2, 2, 2, 2), normal(1, 1, 4, 3)],
        id="separable_conv2d",
    ),
]

GRAD_SPECS = _CONV2D_ROWS + _BACKPROP_ROWS + _BUILDER_ROWS


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


# ---------------------------------------------------------------------- graph structure


def _types(graph):
    return [op.type for op in graph.get_operations()]


def test_conv2d_gradient_builds_tf_backprop_ops_from_shape_n():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [1, 5, 5, 2])
        w = tf.placeholder(tf.float32, [3, 3, 2, 4])
        y = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME", dilations=[1, 1, 1, 1])
        dx, dw = tf.gradients(y, [x, w])
    assert dx.op.type == "Conv2DBackpropInput"
    assert dw.op.type == "Conv2DBackpropFilter"
    assert dx.op.inputs[0].op.type == "ShapeN"
    assert dx.op.attrs["strides"] == [1, 2, 2, 1]
    assert "ShapeN" in _types(graph)
    assert dx.shape.as_list() == [1, 5, 5, 2] and dw.shape.as_list() == [3, 3, 2, 4]


def test_builders_name_their_ops_like_tf():
    with tf.Graph().as_default():
        x = tf.zeros([1, 6, 6, 2])
        w = tf.zeros([3, 3, 2, 4])
        assert tf.nn.conv2d(x, w, 1, "SAME").op.name == "Conv2D"
        assert tf.nn.convolution(x, w, "SAME").op.name == "convolution"
        assert tf.nn.conv1d(x[0], w[0], 1, "SAME").op.name == "conv1d/Squeeze"
        transpose = tf.nn.conv2d_transpose(tf.zeros([1, 3, 3, 4]), w, [1, 6, 6, 2], 2)
        assert (transpose.op.name, transpose.op.type) == ("conv2d_transpose", "Conv2DBackpropInput")
        depthwise = tf.nn.depthwise_conv2d(x, tf.zeros([3, 3, 2, 2]), [1, 1, 1, 1], "SAME")
        assert (depthwise.op.name, depthwise.op.type) == ("depthwise", "DepthwiseConv2dNative")
        separable = tf.nn.separable_conv2d(
            x, tf.zeros([3, 3, 2, 2]), tf.zeros([1, 1, 4, 3]), [1, 1, 1, 1], "SAME"
        )
        assert (separable.op.name, separable.op.type) == ("separable_conv2d", "Conv2D")
        assert separable.op.inputs[0].op.name == "separable_conv2d/depthwise"


def test_convolution_dispatches_by_rank_and_dilates_through_space_to_batch():
    with tf.Graph().as_default():
        three = tf.nn.convolution(tf.zeros([1, 4, 4, 4, 2]), tf.zeros([2, 2, 2, 2, 3]), "VALID")
        assert three.op.type == "Conv3D" and three.shape.as_list() == [1, 3, 3, 3, 3]
        one = tf.nn.convolution(tf.zeros([1, 9, 2]), tf.zeros([3, 2, 3]), "SAME", strides=[2])
        assert one.shape.as_list() == [1, 5, 3]
        # As TF: SpaceToBatchND -> the undilated op -> BatchToSpaceND (with_space_to_batch).
        atrous = tf.nn.atrous_conv2d(tf.zeros([1, 9, 9, 2]), tf.zeros([3, 3, 2, 4]), 2, "SAME")
        conv = atrous.op.inputs[0].op
        assert (atrous.op.name, atrous.op.type) == (
            "convolution_2/BatchToSpaceND",
            "BatchToSpaceND",
        )
        assert (conv.name, conv.type) == ("convolution_2", "Conv2D")
        assert conv.attrs["dilations"] == [1, 1, 1, 1] and conv.attrs["padding"] == "VALID"
        assert conv.inputs[0].op.type == "SpaceToBatchND"
        rate = tf.nn.depthwise_conv2d(
            tf.zeros([1, 2, 9, 9]),
            tf.zeros([3, 3, 2, 1]),
            [1, 1, 1, 1],
            "SAME",
            rate=[2, 3],
            data_format="NCHW",
        )
        assert rate.op.type == "BatchToSpaceND" and rate.shape.as_list() == [1, 2, 9, 9]
        assert tf.get_default_graph().get_operation_by_name("depthwise/Shape").type == "Const"
        block = tf.get_default_graph().get_operation_by_name("depthwise/SpaceToBatchND/block_shape")
        np.testing.assert_array_equal(block.attrs["value"], [1, 2, 3])


def test_conv2d_folds_extra_batch_dims():
    x = _RNG.normal(size=(2, 3, 5, 5, 2)).astype(np.float32)
    w = _RNG.normal(size=(3, 3, 2, 4)).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        y = tf.nn.conv2d(x, w, 1, "SAME")
        assert y.shape.as_list() == [2, 3, 5, 5, 4]
        value = sess.run(y)
    want = ref.conv_op(x.reshape(6, 5, 5, 2), w, [1, 1, 1, 1], "SAME").reshape(2, 3, 5, 5, 4)
    np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-5)


def test_builder_argument_aliases_and_conflicts():
    with tf.Graph().as_default():
        x, w = tf.zeros([1, 5, 5, 2]), tf.zeros([3, 3, 2, 4])
        assert tf.nn.conv2d(x, filters=w, strides=1, padding="SAME").shape.as_list() == [1, 5, 5, 4]
        with pytest.raises(ValueError, match="Cannot specify both 'filter' and 'filters'"):
            tf.nn.conv2d(x, w, 1, "SAME", filters=w)
        with pytest.raises(ValueError, match="'EXPLICIT' is not a valid value"):
            tf.nn.conv2d(x, w, 1, "EXPLICIT")
        with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4"):
            tf.nn.conv2d(x, w, [1, 1, 1], "SAME")
        with pytest.raises(ValueError, match="`strides > 1` not supported in conjunction"):
            tf.nn.convolution(x, w, "SAME", strides=[2, 2], dilation_rate=[2, 2])
        with pytest.raises(ValueError, match="`rate` cannot be less than one"):
            tf.nn.atrous_conv2d_transpose(x, tf.zeros([3, 3, 1, 2]), [1, 5, 5, 1], 0, "SAME")
        with pytest.raises(ValueError, match="must be of length 3, 4 or 5"):
            tf.nn.conv_transpose(x, w, [1, 5], 1)
        with pytest.raises(ValueError, match="Dimensions 2 and 1 are not compatible"):
            tf.nn.separable_conv2d(
                x, tf.zeros([3, 3, 2, 1]), tf.zeros([2, 1, 2, 3]), [1] * 4, "SAME"
            )


def test_conv1d_accepts_ncw_and_nchw_names():
    x = _RNG.normal(size=(2, 3, 8)).astype(np.float32)
    w = _RNG.normal(size=(3, 3, 4)).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        ncw = tf.nn.conv1d(x, w, 2, "SAME", data_format="NCW")
        nchw = tf.nn.conv1d(x, w, 2, "SAME", data_format="NCHW")
        first, second = sess.run([ncw, nchw])
    want = ref.conv_nd(np.moveaxis(x, 1, -1), w, [2], [1], "SAME")
    np.testing.assert_allclose(first, np.moveaxis(want, -1, 1), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(first, second)
