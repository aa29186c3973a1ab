"""The op builder's attr coercions (framework/op_builder.py)."""

from __future__ import annotations

import numpy as np

import ndflow as tf
from ndflow.framework import op_builder


def test_tensor_attr_accepts_a_tensor_proto():
    value = np.array([[1.5, 2.5]], np.float32)
    with tf.Graph().as_default():
        const = op_builder.apply_op(
            "Const", value=tf.make_tensor_proto(value), dtype=tf.float32, name="c"
        )
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(const), value)
    assert const.op.get_attr("value").dtype == tf.float32.as_datatype_enum


def test_tensor_attr_accepts_nested_lists():
    with tf.Graph().as_default():
        const = op_builder.apply_op("Const", value=[[1, 2]], dtype=tf.int32)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(const), [[1, 2]])
