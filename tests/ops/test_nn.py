"""nn ops (ndflow/ops/nn/): activations and their gradient ops, Softmax and LogSoftmax,
BiasAdd and BiasAddGrad, the cross-entropy ops and L2Loss against loop references, with their
shape inference, TF's errors and the builders' axis, data_format and argument handling.
Gradient checks live in test_nn_grad.py."""

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


_UNARY_FLOAT_SHAPES = [
    ShapeCase([[2, 3]], expected=[2, 3]),
    ShapeCase([[None, 3]], expected=[None, 3]),
    ShapeCase([None], expected=None),
    ShapeCase([[]], expected=[]),
]


def _activation_spec(op_type, builder, reference, dtypes, domain="away_from_kinks"):
    return OpSpec(
        op_type,
        builder,
        reference=reference,
        shapes=[(3, 4)],
        dtypes=dtypes,
        domain=domain,
        shape_cases=_UNARY_FLOAT_SHAPES,
    )


def _grad_op_spec(op_type, dtypes, domain="away_from_kinks", **attrs):
    return OpSpec(
        op_type,
        lambda g, f: raw(op_type, g, f, **attrs),
        reference=ref.activation_grad(op_type, **attrs),
        shapes=[(3, 4), (3, 4)],
        dtypes=dtypes,
        domain=domain,
        shape_cases=[
            ShapeCase([[2, 3], [2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3], [2, None]], expected=[2, 3]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2], [3]], error="Dimension 0 in both shapes must be equal"),
        ],
    )


OP_SPECS += [
    _activation_spec("Relu6", tf.nn.relu6, ref.relu6, [F32, F64, F16, I32, U8]),
    _activation_spec("Elu", tf.nn.elu, ref.elu, [F32, F64, F16]),
    _activation_spec("Selu", tf.nn.selu, ref.selu, [F32, F64, F16]),
    _activation_spec("Softplus", tf.nn.softplus, ref.softplus, [F32, F64, F16], domain="any"),
    _activation_spec("Softsign", tf.nn.softsign, ref.softsign, [F32, F64, F16], domain="any"),
    _activation_spec("LeakyRelu", tf.nn.leaky_relu, ref.leaky_relu, [F32, F64, F16]),
    _activation_spec(
        "LeakyRelu",
        lambda x: tf.nn.leaky_relu(x, alpha=0.5),
        lambda x: ref.leaky_relu(x, 0.5),
        [F32],
    ),
    _grad_op_spec("ReluGrad", [F32, F64, I32]),
    _grad_op_spec("Relu6Grad", [F32, F64, I32]),
    _grad_op_spec("EluGrad", [F32, F64]),
    _grad_op_spec("SeluGrad", [F32, F64]),
    _grad_op_spec("SoftplusGrad", [F32, F64], domain="any"),
    _grad_op_spec("SoftsignGrad", [F32, F64], domain="any"),
    _grad_op_spec("LeakyReluGrad", [F32, F64], alpha=0.3),
    OpSpec(
        "LogSoftmax",
        tf.nn.log_softmax,
        reference=ref.log_softmax,
        shapes=[(3, 5)],
        dtypes=[F32, F64, F16],
        cases=[
            (
                [np.array([[-np.inf, 0.0, 1.0], [1000.0, 0.0, -1000.0]], np.float64)],
                ref.log_softmax(np.array([[-np.inf, 0.0, 1.0], [1000.0, 0.0, -1000.0]])),
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
        "LogSoftmax",
        lambda x: tf.nn.log_softmax(x, axis=0),
        reference=lambda x: ref.log_softmax(x, axis=0),
        shapes=[(3, 2, 4)],
        dtypes=[F64],
        shape_cases=[ShapeCase([[3, None, 4]], expected=[3, None, 4])],
        id="LogSoftmax_axis_0",
    ),
    OpSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: list(raw("SoftmaxCrossEntropyWithLogits", x, y)),
        reference=ref.softmax_xent,
        shapes=[(3, 4), (3, 4)],
        dtypes=[F32, F64, F16],
        shape_cases=[
            ShapeCase([[2, 3], [2, 3]], expected=[2]),
            ShapeCase([[None, 3], [2, None]], expected=[2]),
            ShapeCase([None, None], expected=[None]),
            ShapeCase([[2, 3], [1, 3]], expected=[2]),
            ShapeCase([[3], [3]], error="Shape must be broadcasted with rank 2, but is rank 1"),
            ShapeCase([[2, 3], [2, 4]], error="Dimensions must be equal, but are 3 and 4"),
        ],
    ),
    OpSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: list(raw("SoftmaxCrossEntropyWithLogits", x, y)),
        reference=ref.softmax_xent,
        shapes=[(3, 4), (1, 4)],
        dtypes=[F64],
        id="SoftmaxCrossEntropyWithLogits_broadcast",
    ),
    OpSpec(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x, y: list(raw("SparseSoftmaxCrossEntropyWithLogits", x, y)),
        cases=[
            (
                [np.array([[1.0, 2.0, 3.0], [1.0, 1.0, -1.0]]), np.array([2, 0])],
                ref.sparse_softmax_xent(
                    np.array([[1.0, 2.0, 3.0], [1.0, 1.0, -1.0]]), np.array([2, 0])
                ),
            ),
            (
                [np.array([[1.0, 2.0], [0.5, 0.25]], np.float32), np.array([1, 1], np.int64)],
                ref.sparse_softmax_xent(
                    np.array([[1.0, 2.0], [0.5, 0.25]], np.float32), np.array([1, 1])
                ),
            ),
        ],
        shape_cases=[
            ShapeCase([[2, 3], ([2], tf.int32)], expected=[2]),
            ShapeCase([[None, 3], ([4], tf.int64)], expected=[4]),
            ShapeCase([None, (None, tf.int32)], expected=[None]),
            ShapeCase([[2, 3], ([3], tf.int32)], error="Dimensions must be equal, but are 2 and 3"),
            ShapeCase([[3], ([3], tf.int32)], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "L2Loss",
        tf.nn.l2_loss,
        reference=ref.l2_loss,
        shapes=[(3, 4)],
        dtypes=[F32, F64, F16],
        cases=[([np.zeros((0, 3), np.float32)], np.float32(0.0))],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[]),
            ShapeCase([[None, 3]], expected=[]),
            ShapeCase([None], expected=[]),
        ],
    ),
    OpSpec(
        "BiasAddGrad",
        lambda g: raw("BiasAddGrad", g),
        reference=ref.bias_add_grad,
        shapes=[(2, 3, 4)],
        dtypes=[F32, F64, F16, I32],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[4]),
            ShapeCase([[None, None]], expected=[None]),
            ShapeCase([None], expected=[None]),
            ShapeCase([[3]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "BiasAddGrad",
        lambda g: raw("BiasAddGrad", g, data_format="NCHW"),
        reference=lambda g: ref.bias_add_grad(g, "NCHW"),
        shapes=[(2, 3, 4, 5)],
        dtypes=[F64],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[3]),
            ShapeCase([[2, 3]], error="Shape must be at least rank 3 but is rank 2"),
        ],
        id="BiasAddGrad_NCHW",
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
