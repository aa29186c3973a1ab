"""Gradients of the nn family by finite differences (GRAD_SPECS; order 2 for Relu, Softmax,
LogSoftmax and the activations whose gradient ops have gradients), and the loss builders'
graph structure: TF1's stop_gradient on labels, names, axes, and TF's argument errors.
TF's recorded values for these gradients are in tests/golden/nn (test_math_goldens.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support.grad_check import GradSpec
from tests.support.reference import nn as ref

F32, F64 = tf.float32, tf.float64

_RNG = np.random.default_rng(99)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def normal(*shape):
    return _RNG.normal(size=shape)


def away(*shape, kinks=(0.0,)):
    """Values at least 0.15 away from every kink."""
    values = _RNG.uniform(-3.0, 8.0, size=shape)
    for kink in kinks:
        close = np.abs(values - kink) < 0.15
        values = np.where(close, values + 0.3, values)
    return values


def distribution(*shape, axis=-1):
    """Rows summing to 1 along `axis` (xent's gradient assumes it, as TF's does)."""
    weights = _RNG.uniform(0.1, 1.0, size=shape)
    return weights / weights.sum(axis=axis, keepdims=True)


def _activation(op_type, builder, inputs, order=2, **kwargs):
    return GradSpec(op_type, builder, [inputs], order=order, **kwargs)


_ACTIVATION_ROWS = [
    _activation("Relu", tf.nn.relu, away(2, 3)),
    _activation("Relu6", tf.nn.relu6, away(2, 3, kinks=(0.0, 6.0))),
    _activation("Elu", tf.nn.elu, away(2, 3)),
    _activation("Selu", tf.nn.selu, away(2, 3)),
    _activation("Softplus", tf.nn.softplus, normal(2, 3)),
    _activation("Softsign", tf.nn.softsign, away(2, 3), order=1),
    _activation("LeakyRelu", tf.nn.leaky_relu, away(2, 3)),
    _activation("LeakyRelu", lambda x: tf.nn.leaky_relu(x, 0.3), away(3), id="LeakyRelu_alpha"),
]

# The gradient ops, differentiated in both inputs (their own gradients, as TF's).
_GRAD_OP_ROWS = [
    GradSpec("ReluGrad", lambda g, f: raw("ReluGrad", g, f), [normal(2, 3), away(2, 3)]),
    GradSpec(
        "Relu6Grad",
        lambda g, f: raw("Relu6Grad", g, f),
        [normal(2, 3), away(2, 3, kinks=(0.0, 6.0))],
    ),
    GradSpec(
        "EluGrad",
        lambda g, y: raw("EluGrad", g, y),
        [normal(2, 3), np.array([[-0.5, 0.5, -0.9], [2.0, -0.2, 1.0]])],
    ),
    GradSpec(
        "SeluGrad",
        lambda g, y: raw("SeluGrad", g, y),
        [normal(2, 3), np.array([[-0.5, 0.5, -1.5], [2.0, -0.2, 1.0]])],
    ),
    GradSpec("SoftplusGrad", lambda g, f: raw("SoftplusGrad", g, f), [normal(2, 3), normal(2, 3)]),
    GradSpec(
        "LeakyReluGrad",
        lambda g, f: raw("LeakyReluGrad", g, f, alpha=0.3),
        [normal(2, 3), away(2, 3)],
    ),
    GradSpec("BiasAddGrad", lambda g: raw("BiasAddGrad", g), [normal(2, 3, 4)]),
    GradSpec(
        "BiasAddGrad",
        lambda g: raw("BiasAddGrad", g, data_format="NCHW"),
        [normal(2, 3, 4)],
        id="BiasAddGrad_NCHW",
    ),
]

_SOFTMAX_ROWS = [
    GradSpec("Softmax", tf.nn.softmax, [normal(3, 4)], order=2),
    GradSpec("Softmax", lambda x: tf.nn.softmax(x, axis=0), [normal(3, 2)], id="Softmax_axis0"),
    GradSpec("LogSoftmax", tf.nn.log_softmax, [normal(3, 4)], order=2),
    GradSpec("BiasAdd", tf.nn.bias_add, [normal(2, 3), normal(3)], order=2),
    GradSpec(
        "BiasAdd",
        lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
        [normal(2, 3, 4), normal(3)],
        id="BiasAdd_NCHW",
    ),
    GradSpec("L2Loss", tf.nn.l2_loss, [normal(3, 4)], order=2),
]

_LABELS = distribution(3, 4)

_LOSS_ROWS = [
    # TF's gradient ignores how the backprop output depends on the labels, so rows that
    # use that output (or second derivatives) hold the labels constant.
    GradSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x: list(raw("SoftmaxCrossEntropyWithLogits", x, tf.constant(_LABELS))),
        [normal(3, 4)],
        id="SoftmaxCrossEntropyWithLogits_both_outputs",
    ),
    GradSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x),
        [normal(3, 4), distribution(3, 4)],
    ),
    GradSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=_LABELS, logits=x),
        [normal(3, 4)],
        order=2,
        id="SoftmaxCrossEntropyWithLogits_order2",
    ),
    GradSpec(
        "SoftmaxCrossEntropyWithLogits",
        lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x, axis=1),
        [normal(2, 3, 2), distribution(2, 3, 2, axis=1)],
        id="SoftmaxCrossEntropyWithLogits_axis1",
    ),
    GradSpec(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([2, 0, 3]), logits=x
        ),
        [normal(3, 4)],
        order=2,
    ),
    GradSpec(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x: list(
            raw("SparseSoftmaxCrossEntropyWithLogits", x, tf.constant([1, 0], tf.int64))
        ),
        [normal(2, 3)],
        id="SparseSoftmaxCrossEntropyWithLogits_both_outputs",
    ),
    GradSpec(
        "SparseSoftmaxCrossEntropyWithLogits",
        lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([[1, 0], [2, 2]]), logits=x
        ),
        [normal(2, 2, 3)],
        id="SparseSoftmaxCrossEntropyWithLogits_rank3",
    ),
    GradSpec(
        "Select",
        lambda x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        [away(2, 3), _RNG.uniform(size=(2, 3))],
        id="sigmoid_cross_entropy_with_logits",
    ),
    GradSpec(
        "Relu",
        lambda x, z: tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=2.0),
        [away(2, 3), _RNG.uniform(size=(2, 3))],
        id="weighted_cross_entropy_with_logits",
    ),
]

GRAD_SPECS = _ACTIVATION_ROWS + _GRAD_OP_ROWS + _SOFTMAX_ROWS + _LOSS_ROWS


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    with np.errstate(all="ignore"):
        spec.check()


# ---------------------------------------------------------------------- builders


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _op_types(graph):
    return [op.type for op in graph.get_operations()]


def test_tf1_softmax_xent_stops_gradients_into_labels():
    with tf.Graph().as_default():
        logits = tf.constant(normal(2, 3))
        labels = tf.constant(distribution(2, 3))
        v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
        assert tf.gradients(v1, labels) == [None]
        assert tf.gradients(v2, labels)[0] is not None
        assert v1.name.startswith("softmax_cross_entropy_with_logits_sg")
        assert v1.op.inputs[0].op.type == "SoftmaxCrossEntropyWithLogits"
        loss_v1, loss_v2 = _run([v1, v2])
    np.testing.assert_allclose(loss_v1, loss_v2)


def test_softmax_xent_axis_and_dim_arguments():
    with tf.Graph().as_default():
        logits = tf.constant(normal(3, 2))
        labels = tf.constant(distribution(2, 3).T)
        by_axis = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=0)
        by_dim = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, dim=0)
        assert by_axis.shape.as_list() == [2]
        with pytest.raises(ValueError, match="Cannot specify both 'dim' and 'axis'"):
            tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=0)
        with pytest.raises(ValueError, match="Both `labels` and `logits` must be provided"):
            tf.nn.softmax_cross_entropy_with_logits(logits=logits)
        first, second = _run([by_axis, by_dim])
    np.testing.assert_allclose(first, second)


def test_sparse_xent_checks_static_shapes_like_tf():
    with tf.Graph().as_default():
        logits = tf.constant(normal(2, 3))
        with pytest.raises(ValueError, match="`logits` cannot be a scalar"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=1.0)
        with pytest.raises(ValueError, match="must equal `logits.shape.rank - 1`"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1, 1]], logits=logits)
        with pytest.raises(ValueError, match="must equal `logits.shape` except for the last"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 1, 0], logits=logits)
    with tf.Graph().as_default():
        logits = tf.constant(normal(2, 3))
        cost = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=logits)
        assert cost.op.type == "SparseSoftmaxCrossEntropyWithLogits"
        assert cost.name == (
            "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:0"
        )


def test_sparse_xent_labels_out_of_range_raise_invalid_argument():
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int32, [None])
        cost = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=tf.constant(normal(2, 3))
        )
        with pytest.raises(tf.errors.InvalidArgumentError, match="valid range of \\[0, 3\\)"):
            _run(cost, {labels: np.array([0, 3], np.int32)})


def test_sparse_xent_float16_computes_in_float32():
    with tf.Graph().as_default() as graph:
        logits = tf.constant(normal(2, 3).astype(np.float16))
        cost = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=logits)
        assert cost.dtype == tf.float16
        assert "Cast" in _op_types(graph)


def test_sigmoid_xent_is_stable_for_large_logits():
    with tf.Graph().as_default():
        logits = tf.constant([-1000.0, 1000.0, 0.0], F64)
        labels = tf.constant([1.0, 0.0, 0.5], F64)
        loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        assert loss.name == "logistic_loss:0"
        values = _run(loss)
    np.testing.assert_allclose(values, [1000.0, 1000.0, np.log(2.0)])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must have the same shape"):
            tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0], logits=[1.0])


def test_weighted_xent_matches_reference_and_accepts_targets():
    logits, labels = normal(2, 3), _RNG.uniform(size=(2, 3))
    with tf.Graph().as_default():
        by_labels = tf.nn.weighted_cross_entropy_with_logits(
            labels=labels, logits=logits, pos_weight=1.7
        )
        by_targets = tf.nn.weighted_cross_entropy_with_logits(
            targets=labels, logits=logits, pos_weight=1.7
        )
        first, second = _run([by_labels, by_targets])
    np.testing.assert_allclose(first, ref.weighted_xent(labels, logits, 1.7), rtol=1e-12)
    np.testing.assert_allclose(second, first)


def test_leaky_relu_casts_integers_and_float_activations_reject_them():
    with tf.Graph().as_default():
        out = tf.nn.leaky_relu(tf.constant([-2, 3]))
        assert out.dtype == F32
        np.testing.assert_allclose(_run(out), [-0.4, 3.0])
        with pytest.raises(TypeError):
            tf.nn.elu(tf.constant([1, 2]))


def test_gradient_ops_reject_inputs_of_different_sizes():
    with tf.Graph().as_default():
        g = tf.placeholder(F32, None)
        f = tf.placeholder(F32, None)
        out = raw("ReluGrad", g, f)
        with pytest.raises(tf.errors.InvalidArgumentError, match="g and a must be the same size"):
            _run(out, {g: np.ones(2, np.float32), f: np.ones(3, np.float32)})


def test_relu_gradient_builds_relu_grad_on_the_output():
    with tf.Graph().as_default():
        x = tf.constant([-1.0, 2.0])
        y = tf.nn.relu(x)
        (grad,) = tf.gradients(y, x)
        assert grad.op.type == "ReluGrad"
        assert grad.op.inputs[1] is y
        np.testing.assert_array_equal(_run(grad), [0.0, 1.0])


def test_sparse_xent_second_output_gradient_is_skipped_when_unused():
    with tf.Graph().as_default() as graph:
        x = tf.constant(normal(2, 3))
        cost = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=x)
        tf.gradients(cost, x)
        assert "BatchMatMulV2" not in _op_types(graph)
