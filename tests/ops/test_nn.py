"""nn ops (ndflow/ops/nn.py): Relu, Softmax and BiasAdd against loop references, with their
shape inference, TF's errors and the builders' axis and data_format handling."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import nn as ref

F16, BF16, F32, F64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
I8, I32, I64, U8 = tf.int8, tf.int32, tf.int64, tf.uint8


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


OP_SPECS = [
    OpSpec(
        "Relu",
        tf.nn.relu,
        reference=ref.relu,
        shapes=[(3, 4)],
        dtypes=[F32, F64, F16, BF16, I8, I32, I64, U8],
        domain="away_from_kinks",
        cases=[
            (
                [np.array([-1.0, np.nan, 2.0, -0.0], np.float32)],
                np.array([0.0, np.nan, 2.0, -0.0], np.float32),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], expected=[]),
        ],
    ),
    OpSpec(
        "Softmax",
        tf.nn.softmax,
        reference=ref.softmax,
        shapes=[(3, 5)],
        dtypes=[F32, F64, F16],
        cases=[
            (
                [np.array([[-np.inf, 0.0, 1.0], [1000.0, 0.0, -1000.0]], np.float32)],
                ref.softmax(np.array([[-np.inf, 0.0, 1.0], [1000.0, 0.0, -1000.0]], np.float32)),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], error="Shape must be at least rank 1 but is rank 0"),
        ],
    ),
    OpSpec(
        "Softmax",
        lambda x: tf.nn.softmax(x, axis=0),
        reference=lambda x: ref.softmax(x, axis=0),
        shapes=[(3, 2, 4)],
        dtypes=[F32, F64],
        shape_cases=[ShapeCase([[3, None, 4]], expected=[3, None, 4])],
        id="Softmax_axis_0",
    ),
    OpSpec(
        "BiasAdd",
        tf.nn.bias_add,
        reference=ref.bias_add,
        shapes=[(2, 3, 4), (4,)],
        dtypes=[F32, F64, F16, I32, U8, tf.complex64],
        shape_cases=[
            ShapeCase([[2, 3, 4], [4]], expected=[2, 3, 4]),
            ShapeCase([[None, None], [4]], expected=[None, 4]),
            ShapeCase([None, [4]], expected=None),
            ShapeCase([[2, 3], [4]], error="Dimensions must be equal, but are 3 and 4"),
            ShapeCase([[3], [3]], error="Shape must be at least rank 2 but is rank 1"),
            ShapeCase([[2, 3], [3, 1]], error="Shape must be rank 1 but is rank 2"),
        ],
    ),
    OpSpec(
        "BiasAdd",
        lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
        reference=lambda v, b: ref.bias_add(v, b, "NCHW"),
        shapes=[(2, 3, 4, 5), (3,)],
        dtypes=[F32, I64],
        shape_cases=[
            ShapeCase([[2, 3, 4, 5], [3]], expected=[2, 3, 4, 5]),
            ShapeCase([[2, None, 4], [3]], expected=[2, 3, 4]),
            ShapeCase([[2, 3], [3]], error="Shape must be at least rank 3 but is rank 2"),
        ],
        id="BiasAdd_NCHW",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_softmax_rows_of_minus_infinity_are_nan_and_empty_is_empty():
    with tf.Graph().as_default():
        values = _run(
            [
                tf.nn.softmax(tf.constant([[-np.inf, -np.inf]])),
                tf.nn.softmax(tf.constant(np.zeros((2, 0), np.float32))),
            ]
        )
    assert np.isnan(values[0]).all()
    assert values[1].shape == (2, 0)


def test_softmax_axis_arguments():
    with tf.Graph().as_default():
        x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
        by_dim = tf.nn.softmax(x, dim=0)
        assert by_dim.shape.as_list() == [2, 3]
        assert tf.nn.softmax(x, axis=-1).op.type == "Softmax"
        assert tf.nn.softmax(x, axis=1, name="probs").name == "probs:0"
        with pytest.raises(ValueError, match="Cannot specify both 'dim' and 'axis'"):
            tf.nn.softmax(x, axis=0, dim=0)
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be in the range"):
            tf.nn.softmax(x, axis=5)
        columns = _run(by_dim)
    np.testing.assert_allclose(columns.sum(axis=0), [1.0, 1.0, 1.0], rtol=1e-6)


def test_softmax_of_a_scalar_fails_at_run_time():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, None)
        out = raw("Softmax", x)
        with pytest.raises(tf.errors.InvalidArgumentError, match="logits must have >= 1"):
            _run(out, {x: np.float32(1.0)})


def test_bias_add_runtime_errors_follow_tf():
    with tf.Graph().as_default():
        value = tf.placeholder(F32, None)
        bias = tf.placeholder(F32, None)
        out = tf.nn.bias_add(value, bias)
        with pytest.raises(tf.errors.InvalidArgumentError, match="at least 2D: \\[3\\]"):
            _run(out, {value: np.ones(3, np.float32), bias: np.ones(3, np.float32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Biases must be 1D"):
            _run(out, {value: np.ones((2, 3), np.float32), bias: np.ones((1, 3), np.float32)})
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"as many biases as the last dimension.*\[2\] vs. \[2,3\]",
        ):
            _run(out, {value: np.ones((2, 3), np.float32), bias: np.ones(2, np.float32)})


def test_bias_add_data_format_names():
    with tf.Graph().as_default():
        value = tf.constant(np.ones((1, 2, 3), np.float32))
        channels_first = tf.nn.bias_add(value, [1.0, 2.0], data_format="NCW")
        assert channels_first.op.get_attr("data_format") == b"NCHW"
        assert (
            tf.nn.bias_add(value, [1.0, 2.0, 3.0], data_format="NWC").op.get_attr("data_format")
            == b"NHWC"
        )
        with pytest.raises(ValueError, match="must be of the form"):
            tf.nn.bias_add(value, [1.0], data_format="HWCN")
        result = _run(channels_first)
    np.testing.assert_array_equal(result[0, :, 0], [2.0, 3.0])


def test_nn_namespace():
    assert tf.nn.relu.__name__ == "relu"
    assert tf.nn.sigmoid is tf.sigmoid
    assert tf.nn.tanh is tf.tanh
