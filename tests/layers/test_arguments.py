"""Argument normalization for tf.layers (Keras's conv_utils, activations/initializers.get and
smart_cond)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.layers import arguments


def test_normalize_tuple():
    assert arguments.normalize_tuple(3, 2, "kernel_size") == (3, 3)
    assert arguments.normalize_tuple([1, 2], 2, "strides") == (1, 2)
    assert arguments.normalize_tuple(0, 1, "strides", allow_zero=True) == (0,)
    with pytest.raises(ValueError, match="must be a tuple of 2 integers"):
        arguments.normalize_tuple((1, 2, 3), 2, "kernel_size")
    with pytest.raises(ValueError, match="does not satisfy the requirement `> 0`"):
        arguments.normalize_tuple(0, 2, "kernel_size")
    with pytest.raises(ValueError, match="including element a"):
        arguments.normalize_tuple(("a", 1), 2, "kernel_size")


@pytest.mark.parametrize(
    ("length", "size", "padding", "stride", "dilation", "expected"),
    [
        (10, 3, "valid", 1, 1, 8),
        (10, 3, "valid", 2, 1, 4),
        (10, 3, "same", 3, 1, 4),
        (10, 3, "valid", 1, 2, 6),
        (10, 3, "full", 1, 1, 12),
        (10, 3, "causal", 1, 4, 10),
        (None, 3, "same", 1, 1, None),
    ],
)
def test_conv_output_length(length, size, padding, stride, dilation, expected):
    got = arguments.conv_output_length(length, size, padding, stride, dilation)
    assert got == expected


@pytest.mark.parametrize(
    ("padding", "output_padding", "expected"),
    [("valid", None, 9), ("same", None, 8), ("full", None, 5), ("same", 1, 8), ("valid", 0, 9)],
)
def test_deconv_output_length(padding, output_padding, expected):
    got = arguments.deconv_output_length(4, 3, padding, output_padding=output_padding, stride=2)
    assert got == expected


def test_formats_and_paddings():
    assert arguments.convert_data_format("channels_first", 5) == "NCDHW"
    assert arguments.convert_data_format("channels_last", 3) == "NWC"
    assert arguments.normalize_data_format(None) == "channels_last"
    assert arguments.normalize_padding("SAME") == "same"
    with pytest.raises(ValueError, match="Input rank not supported"):
        arguments.convert_data_format("channels_last", 6)


def test_activations_and_initializers_by_name():
    assert arguments.get_activation("relu") is tf.nn.relu
    assert arguments.get_activation(None)(3) == 3
    with pytest.raises(ValueError, match="Unknown activation function"):
        arguments.get_activation("swishy")
    assert isinstance(arguments.get_initializer("zeros"), type(tf.zeros_initializer()))
    assert isinstance(arguments.get_initializer(tf.ones_initializer), type(tf.ones_initializer()))
    with pytest.raises(ValueError, match="Unknown initializer"):
        arguments.get_initializer("nope")


def test_smart_cond_branches_now_for_static_flags_and_builds_a_cond_otherwise():
    with tf.Graph().as_default():
        assert arguments.smart_cond(True, lambda: 1, lambda: 2) == 1
        assert arguments.smart_cond(tf.constant(False), lambda: 1, lambda: 2) == 2
        flag = tf.placeholder(tf.bool, [])
        out = arguments.smart_cond(flag, lambda: tf.constant(1.0), lambda: tf.constant(2.0))
        assert out.op.type in ("If", "StatelessIf", "Identity")
        with tf.Session() as session:
            assert session.run(out, {flag: False}) == np.float32(2.0)
        with pytest.raises(TypeError, match="must be a Tensor, or a Python bool"):
            arguments.constant_value("yes")
