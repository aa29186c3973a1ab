"""Gradients of the pooling ops by finite differences (GRAD_SPECS): every differentiable
pooling op, its gradient op and (order 2) the gradient of that, on inputs with no ties so
the max is differentiable. TF's values for the same gradients, ties included, are in
test_nn_pool_goldens.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support.grad_check import GradSpec

_RNG = np.random.default_rng(5)
K, S = [1, 3, 3, 1], [1, 2, 2, 1]
K5, S5 = [1, 2, 3, 2, 1], [1, 2, 2, 1, 1]


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def distinct(*shape, dtype=np.float64):
    """A shuffled ramp: every value at least 0.37 from every other."""
    size = int(np.prod(shape))
    return ((_RNG.permutation(size) - size / 2) * 0.37).reshape(shape).astype(dtype)


def normal(*shape, dtype=np.float64):
    return _RNG.normal(size=shape).astype(dtype)


def const(values):
    return tf.constant(np.array(values, np.int32))


def _max_pool(x):
    return tf.nn.max_pool(x, K, S, "SAME")


def _max_pool3d(x):
    return tf.nn.max_pool3d(x, K5, S5, "SAME")


GRAD_SPECS = [
    GradSpec("MaxPool", _max_pool, [distinct(2, 5, 6, 2)], order=2),
    GradSpec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, [1, 1, 2, 3], [1, 1, 1, 2], "VALID", data_format="NCHW"),
        [distinct(2, 2, 4, 7)],
        id="MaxPool_NCHW",
    ),
    GradSpec(
        "MaxPool",
        lambda x: tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]),
        [distinct(1, 5, 6, 2)],
        id="MaxPool_explicit",
    ),
    GradSpec(
        "MaxPoolV2",
        lambda x: raw("MaxPoolV2", x, const(K), const(S), padding="SAME"),
        [distinct(2, 5, 6, 2)],
        order=2,
    ),
    GradSpec(
        "MaxPoolGrad",
        lambda x, g: raw("MaxPoolGrad", x, _max_pool(x), g, ksize=K, strides=S, padding="SAME"),
        [distinct(2, 5, 6, 2), normal(2, 3, 3, 2)],
        order=2,
    ),
    GradSpec(
        "MaxPoolGradV2",
        lambda x, g: raw("MaxPoolGradV2", x, _max_pool(x), g, const(K), const(S), padding="SAME"),
        [distinct(2, 5, 6, 2), normal(2, 3, 3, 2)],
    ),
    GradSpec(
        "MaxPoolGradGrad",
        lambda x, g: raw("MaxPoolGradGrad", x, _max_pool(x), g, ksize=K, strides=S, padding="SAME"),
        [distinct(2, 5, 6, 2), normal(2, 5, 6, 2)],
        order=2,
    ),
    GradSpec("AvgPool", lambda x: tf.nn.avg_pool(x, K, S, "SAME"), [normal(2, 5, 6, 2)], order=2),
    GradSpec(
        "AvgPool",
        lambda x: tf.nn.avg_pool(x, [1, 1, 2, 3], [1, 1, 1, 2], "VALID", data_format="NCHW"),
        [normal(2, 2, 4, 7)],
        id="AvgPool_NCHW",
    ),
    GradSpec(
        "AvgPoolGrad",
        lambda g: raw("AvgPoolGrad", const([2, 5, 6, 2]), g, ksize=K, strides=S, padding="SAME"),
        [normal(2, 3, 3, 2)],
        order=2,
    ),
    # MaxPool3D and its max gradients take no float64: float32 differences, distinct inputs.
    GradSpec("MaxPool3D", _max_pool3d, [distinct(1, 5, 4, 6, 2, dtype=np.float32)], order=2),
    GradSpec(
        "MaxPool3DGrad",
        lambda x, g: raw(
            "MaxPool3DGrad", x, _max_pool3d(x), g, ksize=K5, strides=S5, padding="SAME"
        ),
        [distinct(1, 5, 4, 6, 2, dtype=np.float32), normal(1, 3, 2, 6, 2, dtype=np.float32)],
        order=2,
    ),
    GradSpec(
        "MaxPool3DGradGrad",
        lambda x, g: raw(
            "MaxPool3DGradGrad", x, _max_pool3d(x), g, ksize=K5, strides=S5, padding="SAME"
        ),
        [distinct(1, 5, 4, 6, 2, dtype=np.float32), normal(1, 5, 4, 6, 2, dtype=np.float32)],
    ),
    GradSpec(
        "AvgPool3D",
        lambda x: tf.nn.avg_pool3d(x, K5, S5, "SAME"),
        [normal(1, 5, 4, 6, 2)],
        order=2,
    ),
    GradSpec(
        "AvgPool3DGrad",
        lambda g: raw(
            "AvgPool3DGrad", const([1, 5, 4, 6, 2]), g, ksize=K5, strides=S5, padding="SAME"
        ),
        [normal(1, 3, 2, 6, 2)],
    ),
    GradSpec(
        "MaxPoolWithArgmax",
        lambda x: tf.nn.max_pool_with_argmax(x, K, S, "SAME")[0],
        [distinct(2, 5, 6, 2)],
    ),
    GradSpec(
        "MaxPoolWithArgmax",
        lambda x: tf.nn.max_pool_with_argmax(
            x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID", include_batch_in_index=True
        )[0],
        [distinct(2, 4, 5, 2)],
        id="MaxPoolWithArgmax_batch_index",
    ),
    GradSpec(
        "MaxPool",
        lambda x: tf.nn.pool(x, [2, 2], "MAX", "VALID", dilation_rate=[2, 3]),
        [distinct(2, 7, 8, 2)],
        id="pool_dilated_max",
    ),
    GradSpec(
        "AvgPool",
        lambda x: tf.nn.pool(x, [3], "AVG", "VALID", dilation_rate=[2]),
        [normal(2, 9, 3)],
        id="pool_dilated_avg",
    ),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def test_gradients_build_tf_gradient_ops():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 5, 6, 2])
        y = tf.nn.max_pool(x, 2, 2, "SAME")
        (dx,) = tf.gradients(y, x)
        (ddy,) = tf.gradients(dx, x)
        z = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")[0]
        (dz,) = tf.gradients(z, x)
        types = {op.type for op in tf.get_default_graph().get_operations()}
    assert dx.op.type == "MaxPoolGrad"
    assert ddy.shape.as_list() == [2, 5, 6, 2]
    assert "MaxPoolGradGrad" in types  # the gradient of MaxPoolGrad, as TF builds it
    assert dz.op.type == "MaxPoolGradWithArgmax"
