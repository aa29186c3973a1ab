"""Gradients of the normalization ops by finite differences (GRAD_SPECS): LRN, the fused
batch norms in training and inference, and (order 2) the gradients of their gradient ops,
which TF defines through nn_fused_batch_norm_grad.py. These ops take no float64, so the
differences run on float32 values. TF's recorded values are in test_nn_norm_goldens.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support.grad_check import GradSpec

_RNG = np.random.default_rng(13)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def normal(*shape, scale=1.0, loc=0.0):
    return (_RNG.normal(size=shape) * scale + loc).astype(np.float32)


def _empty():
    return tf.constant(np.zeros(0, np.float32))


def _bn(op_type, is_training=True, data_format="NHWC"):
    """y of a fused batch norm op; inference statistics are fixed constants."""

    def build(x, scale, offset):
        mean = tf.constant(np.array([0.1, -0.2, 0.3], np.float32))
        variance = tf.constant(np.array([1.5, 0.5, 2.0], np.float32))
        stats = (mean, variance) if not is_training else (_empty(), _empty())
        outputs = raw(op_type, x, scale, offset, *stats, epsilon=0.01, data_format=data_format,
                      is_training=is_training)  # fmt: skip
        return outputs[0]

    return build


def _bn_gradients(op_type, is_training=True, data_format="NHWC"):
    """(dx, dscale, doffset) of sum(y * w): its derivatives run through the Grad op's own
    gradient, with w reaching its y_backprop input."""
    forward = _bn(op_type, is_training, data_format)

    def build(x, scale, offset, w):
        y = forward(x, scale, offset)
        return tf.gradients(tf.reduce_sum(y * w), [x, scale, offset])

    return build


_BN_INPUTS = [normal(2, 3, 2, 3, scale=2.0, loc=0.5), normal(3, loc=1.0), normal(3)]
_NCHW_INPUTS = [normal(2, 3, 2, 3, scale=2.0), normal(3, loc=1.0), normal(3)]

GRAD_SPECS = [
    GradSpec("LRN", lambda x: tf.nn.lrn(x, 2, 1.5, 0.3, 0.75), [normal(1, 2, 2, 6)]),
    GradSpec("LRN", tf.nn.lrn, [normal(1, 2, 1, 12, scale=0.5)], id="LRN_defaults"),
    GradSpec("FusedBatchNorm", _bn("FusedBatchNorm"), _BN_INPUTS),
    GradSpec("FusedBatchNormV2", _bn("FusedBatchNormV2", data_format="NCHW"), _NCHW_INPUTS),
    GradSpec("FusedBatchNormV3", _bn("FusedBatchNormV3"), _BN_INPUTS),
    GradSpec(
        "FusedBatchNormV3",
        _bn("FusedBatchNormV3", is_training=False, data_format="NCHW"),
        _NCHW_INPUTS,
        id="FusedBatchNormV3_inference_NCHW",
    ),
    GradSpec(
        "FusedBatchNormGrad",
        _bn_gradients("FusedBatchNorm"),
        [*_BN_INPUTS, normal(2, 3, 2, 3)],
    ),
    GradSpec(
        "FusedBatchNormGradV2",
        _bn_gradients("FusedBatchNormV2", data_format="NCHW"),
        [*_NCHW_INPUTS, normal(2, 3, 2, 3)],
    ),
    GradSpec(
        "FusedBatchNormGradV3",
        _bn_gradients("FusedBatchNormV3"),
        [*_BN_INPUTS, normal(2, 3, 2, 3)],
    ),
    GradSpec(
        "FusedBatchNormGradV3",
        _bn_gradients("FusedBatchNormV3", is_training=False),
        [*_BN_INPUTS, normal(2, 3, 2, 3)],
        id="FusedBatchNormGradV3_inference",
    ),
    GradSpec(
        "FusedBatchNormV3",
        _bn("FusedBatchNormV3"),
        _BN_INPUTS,
        order=2,
        id="FusedBatchNormV3_order_2",
    ),  # fmt: skip
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def test_batch_norm_gradients_build_tf_ops():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3, 2, 4])
        scale, offset = tf.ones([4]), tf.zeros([4])
        y = tf.nn.fused_batch_norm(x, scale, offset, data_format="NHWC")[0]
        (dx,) = tf.gradients(y, x)
        frozen = tf.nn.fused_batch_norm(
            tf.transpose(x, [0, 3, 1, 2]), scale, offset, scale, scale, is_training=False,
            data_format="NCHW",
        )[0]  # fmt: skip
        (dfrozen,) = tf.gradients(frozen, x)
        types = [op.type for op in tf.get_default_graph().get_operations()]
    assert dx.op.type == "FusedBatchNormGradV3"
    assert dx.op.get_attr("is_training") is True
    assert types.count("FusedBatchNormGradV3") == 2
    assert dfrozen.shape.as_list() == [2, 3, 2, 4]
