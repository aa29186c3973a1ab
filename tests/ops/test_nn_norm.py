"""Normalization ops (ndflow/ops/nn/normalization.py, fused_normalization.py) against the loop
references of tests/support/reference/pooling.py: LRN and LRNGrad, FusedBatchNorm V1-V3 in
training and inference (NHWC, NCHW, NDHWC; float16 data with float32 statistics;
exponential averaging; empty batches) and their gradient ops, with TF's shape inference
and errors; plus the composite builders (moments, weighted_moments, batch_normalization,
l2_normalize, zero_fraction, fused_batch_norm) against NumPy. Gradient checks are in
test_nn_norm_grad.py, TF's recorded values in test_nn_norm_goldens.py."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import pooling as ref

F16, F32, F64, I32 = tf.float16, tf.float32, tf.float64, tf.int32


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _empty():
    return tf.constant(np.zeros(0, np.float32))


def _as(values, *dtypes):
    """Reference outputs cast to the op's output types (the last dtype repeats)."""
    dtypes = list(dtypes) + [dtypes[-1]] * (len(values) - len(dtypes))
    return [np.asarray(v).astype(d) for v, d in zip(values, dtypes)]


_LRN_ARGS = (2, 1.5, 0.3, 0.75)
_SHAPES_4D = [
    ShapeCase([[2, 3, 4, 7]], expected=[2, 3, 4, 7]),
    ShapeCase([[None, 3, None, 7]], expected=[None, 3, None, 7]),
    ShapeCase([None], expected=[None] * 4),
    ShapeCase([[3, 4, 7]], error="Shape must be rank 4 but is rank 3"),
]

OP_SPECS = [
    OpSpec(
        "LRN",
        lambda x: tf.nn.lrn(x, *_LRN_ARGS),
        reference=lambda x: ref.lrn(x, *_LRN_ARGS),
        shapes=[(2, 3, 4, 7)],
        dtypes=[F32, F16],
        cases=[([np.zeros((2, 0, 3, 4), np.float32)], np.zeros((2, 0, 3, 4), np.float32))],
        shape_cases=_SHAPES_4D,
    ),
    OpSpec(
        "LRN",
        tf.nn.local_response_normalization,
        reference=ref.lrn,
        shapes=[(1, 2, 3, 13)],
        id="LRN_defaults",
    ),
    OpSpec(
        "LRNGrad",
        lambda g, x: raw(
            "LRNGrad",
            g,
            x,
            tf.nn.lrn(x, *_LRN_ARGS),
            depth_radius=2,
            bias=1.5,
            alpha=0.3,
            beta=0.75,
        ),  # fmt: skip
        reference=lambda g, x: ref.lrn_grad(g, x, ref.lrn(x, *_LRN_ARGS), *_LRN_ARGS),
        shapes=[(2, 3, 4, 7), (2, 3, 4, 7)],
        dtypes=[F32],
        shape_cases=[
            ShapeCase([[2, 3, 4, 7], [2, 3, 4, 7]], expected=[2, 3, 4, 7]),
            ShapeCase([[None, 3, None, 7], [2, None, 4, None]], expected=[2, 3, 4, 7]),
            ShapeCase([None, None], expected=[None] * 4),
            ShapeCase(
                [[2, 3, 4, 7], [2, 3, 4, 6]],
                error="Dimension 3 in both shapes must be equal, but are 7 and 6",
            ),
        ],
    ),
]

_BN_SHAPES = [(2, 3, 2, 4), (4,), (4,)]


def _bn_shape_cases(channels_first=False):
    x = [2, 4, 3, 2] if channels_first else [2, 3, 2, 4]
    unknown = [None, 4, None, None] if channels_first else [None, 3, None, None]
    return [
        ShapeCase([x, [4], [4]], expected=x),
        ShapeCase(
            [unknown, [None], [4]],
            expected=[None, 4, None, None] if channels_first else [None, 3, None, 4],
        ),  # fmt: skip
        ShapeCase(
            [None, [4], [4]],
            expected=[None, 4, None, None] if channels_first else [None, None, None, 4],
        ),  # fmt: skip
        ShapeCase([x, [3], [4]], error="Dimensions must be equal, but are 4 and 3"),
        ShapeCase([x[:3], [4], [4]], error="Shape must be rank 4 but is rank 3"),
    ]


def _training(op_type, epsilon=0.01, data_format="NHWC", outputs=5):
    def build(x, scale, offset):
        result = raw(op_type, x, scale, offset, _empty(), _empty(), epsilon=epsilon,
                     data_format=data_format)  # fmt: skip
        return list(result[:outputs])

    return build


def _training_ref(epsilon=0.01, data_format="NHWC", extra=()):
    def reference(x, scale, offset):
        values = ref.fused_batch_norm(x, scale, offset, None, None, epsilon, 1.0, data_format)
        return _as(values, x.dtype, np.float32) + list(extra)

    return reference


def _inference(op_type, factor=1.0):
    def build(x, scale, offset, mean, variance):
        result = raw(op_type, x, scale, offset, mean, variance, epsilon=0.5, is_training=False,
                     exponential_avg_factor=factor)  # fmt: skip
        return list(result[:5])

    return build


def _inference_ref(x, scale, offset, mean, variance):
    values = ref.fused_batch_norm(x, scale, offset, mean, variance, 0.5, is_training=False)
    return _as(values, x.dtype, np.float32)


def _averaged(x, scale, offset, mean, variance):
    values = ref.fused_batch_norm(x, scale, offset, mean, variance, 1e-3, 0.25)
    return _as(values, x.dtype, np.float32)


OP_SPECS += [
    OpSpec(
        "FusedBatchNorm",
        _training("FusedBatchNorm"),
        reference=_training_ref(),
        shapes=_BN_SHAPES,
        dtypes=[F32],
        shape_cases=_bn_shape_cases(),
    ),
    OpSpec(
        "FusedBatchNorm",
        _inference("FusedBatchNorm"),
        reference=_inference_ref,
        shapes=[*_BN_SHAPES, (4,), (4,)],
        domain="positive",
        id="FusedBatchNorm_inference",
    ),
    OpSpec(
        "FusedBatchNormV2",
        _training("FusedBatchNormV2", data_format="NCHW"),
        reference=_training_ref(data_format="NCHW"),
        shapes=[(2, 4, 3, 2), (4,), (4,)],
        dtypes=[(F32, F32, F32), (F16, F32, F32)],
        shape_cases=_bn_shape_cases(channels_first=True),
    ),
    OpSpec(
        "FusedBatchNormV2",
        _inference("FusedBatchNormV2"),
        reference=_inference_ref,
        shapes=[*_BN_SHAPES, (4,), (4,)],
        dtypes=[(F16, F32, F32, F32, F32)],
        domain="positive",
        id="FusedBatchNormV2_inference",
    ),
    OpSpec(
        "FusedBatchNormV3",
        _training("FusedBatchNormV3", outputs=6),
        reference=_training_ref(extra=[np.float32(0)]),
        shapes=_BN_SHAPES,
        dtypes=[(F32, F32, F32), (F16, F32, F32)],
        cases=[
            (
                [
                    np.zeros((0, 2, 2, 4), np.float32),
                    np.ones(4, np.float32),
                    np.ones(4, np.float32),
                ],
                [
                    np.zeros((0, 2, 2, 4), np.float32),
                    np.full(4, np.nan, np.float32),
                    np.full(4, np.nan, np.float32),
                    np.zeros(4, np.float32),
                    np.zeros(4, np.float32),
                    np.float32(0),
                ],
            ),  # an empty batch: NaN statistics, as TF's CPU kernel
        ],  # fmt: skip
        shape_cases=_bn_shape_cases(),
    ),
    OpSpec(
        "FusedBatchNormV3",
        _training("FusedBatchNormV3", data_format="NCDHW"),
        reference=_training_ref(data_format="NCDHW"),
        shapes=[(2, 4, 3, 2, 2), (4,), (4,)],
        shape_cases=[
            ShapeCase([[2, 4, 3, 2, 2], [4], [4]], expected=[2, 4, 3, 2, 2]),
            ShapeCase([[2, 4, 3, 2], [4], [4]], error="Shape must be rank 5 but is rank 4"),
        ],
        id="FusedBatchNormV3_NCDHW",
    ),
    OpSpec(
        "FusedBatchNormV3",
        lambda x, s, o, m, v: list(
            raw("FusedBatchNormV3", x, s, o, m, v, epsilon=1e-3, exponential_avg_factor=0.25)[:5]
        ),  # fmt: skip
        reference=_averaged,
        shapes=[*_BN_SHAPES, (4,), (4,)],
        domain="positive",
        shape_cases=[
            ShapeCase([[2, 3, 2, 4], [4], [4], [4], [4]], expected=[2, 3, 2, 4]),
            ShapeCase([[2, 3, 2, 4], [4], [4], [4, 1], [4]], error="must be rank 1"),
        ],
        id="FusedBatchNormV3_exponential_average",
    ),
    OpSpec(
        "FusedBatchNormV3",
        _inference("FusedBatchNormV3", factor=0.3),
        reference=_inference_ref,
        shapes=[*_BN_SHAPES, (4,), (4,)],
        domain="positive",
        id="FusedBatchNormV3_inference",
    ),
]


def _grad(op_type, is_training, data_format="NHWC"):
    def build(dy, x, scale, mean, variance):
        extra = [_empty()] if op_type.endswith("V3") else []
        result = raw(op_type, dy, x, scale, mean, variance, *extra, epsilon=0.01,
                     data_format=data_format, is_training=is_training)  # fmt: skip
        return list(result)

    return build


def _grad_ref(is_training, data_format="NHWC"):
    def reference(dy, x, scale, mean, variance):
        values = ref.fused_batch_norm_grad(
            dy, x, scale, mean, variance, 0.01, data_format, is_training
        )
        empty = np.zeros(0, np.float32)
        return _as(values, x.dtype, np.float32) + [empty, empty]

    return reference


def _grad_shape_cases(rank=4):
    x = [2, 3, 2, 4] if rank == 4 else [2, 3, 2, 2, 4]
    return [
        ShapeCase([x, x, [4], [4], [4]], expected=x),
        ShapeCase([None, x[:-1] + [None], [None], [4], [None]], expected=[None] * (rank - 1) + [4]),
        ShapeCase([x, x, [4], [3], [4]], error="Dimensions must be equal, but are 4 and 3"),
        ShapeCase([x[:-1], x, [4], [4], [4]], error=f"Shape must be rank {rank} but is rank"),
    ]


_GRAD_SHAPES = [(2, 3, 2, 4), (2, 3, 2, 4), (4,), (4,), (4,)]

for _op in ("FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"):
    OP_SPECS += [
        OpSpec(
            _op,
            _grad(_op, True),
            reference=_grad_ref(True),
            shapes=_GRAD_SHAPES,
            domain="positive",
            shape_cases=_grad_shape_cases(),
        ),
        OpSpec(
            _op,
            _grad(_op, False, "NCHW"),
            reference=_grad_ref(False, "NCHW"),
            shapes=[(2, 4, 3, 2), (2, 4, 3, 2), (4,), (4,), (4,)],
            domain="positive",
            id=f"{_op}_inference_NCHW",
        ),
    ]
OP_SPECS += [
    OpSpec(
        "FusedBatchNormGradV3",
        _grad("FusedBatchNormGradV3", True, "NDHWC"),
        reference=_grad_ref(True, "NDHWC"),
        shapes=[(2, 3, 2, 2, 4), (2, 3, 2, 2, 4), (4,), (4,), (4,)],
        dtypes=[(F16, F16, F32, F32, F32)],
        domain="positive",
        shape_cases=_grad_shape_cases(rank=5)[:1],
        id="FusedBatchNormGradV3_NDHWC_half",
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


# ---------------------------------------------------------------------- composites


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


_X = np.random.default_rng(8).normal(size=(3, 4, 5)) * 2 + 1


def test_moments_match_numpy_and_tf_names():
    with tf.Graph().as_default():
        x = tf.constant(_X)
        mean, variance = tf.nn.moments(x, [0, 2])
        kept = tf.nn.moments(x, [1], keepdims=True)
        half = tf.nn.moments(tf.constant(_X.astype(np.float16)), [0])
        assert mean.name == "moments/Squeeze:0" and variance.name == "moments/Squeeze_1:0"
        assert kept[0].shape.as_list() == [3, 1, 5]
        assert half[1].dtype == tf.float16
        with pytest.raises(ValueError, match="Cannot specify both"):
            tf.nn.moments(x, [0], keep_dims=True, keepdims=True)
        values = _run([mean, variance, kept[1], half[1]])
    np.testing.assert_allclose(values[0], _X.mean(axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(values[1], _X.var(axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(values[2], _X.var(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(values[3], _X.var(axis=0), rtol=1e-2)


def test_weighted_moments_match_numpy():
    weights = np.array([1.0, 2.0, 0.5]).reshape(3, 1, 1)
    with tf.Graph().as_default():
        mean, variance = tf.nn.weighted_moments(tf.constant(_X), [0], tf.constant(weights))
        zero = tf.nn.weighted_moments(tf.constant(_X), [0], tf.constant(np.zeros((3, 1, 1))))
        values = _run([mean, variance, *zero])
    want_mean = (_X * weights).sum(axis=0) / 3.5
    np.testing.assert_allclose(values[0], want_mean, rtol=1e-12)
    np.testing.assert_allclose(
        values[1], (weights * (_X - want_mean) ** 2).sum(axis=0) / 3.5, rtol=1e-12
    )
    np.testing.assert_array_equal(values[2], np.zeros((4, 5)))  # div_no_nan: no weight, 0


def test_batch_normalization_formula():
    rng = np.random.default_rng(1)
    x, mean, var, offset, scale = rng.normal(size=(4, 5)), *rng.normal(size=(4, 5))
    var = np.abs(var) + 0.1
    with tf.Graph().as_default():
        out = tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3)
        bare = tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)
        assert out.op.name.startswith("batchnorm/")
        values = _run([out, bare])
    np.testing.assert_allclose(values[0], scale * (x - mean) / np.sqrt(var + 1e-3) + offset)
    np.testing.assert_allclose(values[1], (x - mean) / np.sqrt(var + 1e-3))


def test_l2_normalize_axes_and_epsilon():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    with tf.Graph().as_default():
        rows = tf.nn.l2_normalize(x, 1)
        whole = tf.nn.l2_normalize(x)
        by_dim = tf.nn.l2_normalize(x, dim=0, epsilon=100.0)
        complex_rows = tf.nn.l2_normalize(np.array([[3 + 4j, 0j]], np.complex64), 1)
        assert rows.name == "l2_normalize:0"
        with pytest.raises(ValueError, match="Cannot specify both 'dim' and 'axis'"):
            tf.nn.l2_normalize(x, 0, dim=0)
        values = _run([rows, whole, by_dim, complex_rows])
    np.testing.assert_allclose(values[0], [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(values[1], x / 5.0, rtol=1e-6)
    np.testing.assert_allclose(values[2], x / 10.0, rtol=1e-6)
    np.testing.assert_allclose(values[3], [[0.6 + 0.8j, 0j]], rtol=1e-6)


def test_zero_fraction_counts_zeros():
    with tf.Graph().as_default():
        fraction = tf.nn.zero_fraction([[0.0, 1.0], [-0.0, 2.0]])
        ints = tf.nn.zero_fraction(np.array([0, 0, 0, 5], np.int32))
        empty = tf.nn.zero_fraction(np.zeros((0, 2), np.float32))
        assert fraction.name == "zero_fraction/fraction:0"
        assert fraction.dtype == tf.float32 and fraction.shape.as_list() == []
        values = _run([fraction, ints, empty])
    assert values[0] == 0.5 and values[1] == 0.75
    assert np.isnan(values[2])


def test_fused_batch_norm_builder():
    x = np.random.default_rng(2).normal(size=(2, 3, 3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        y, mean, variance = tf.nn.fused_batch_norm(
            x, np.ones(4, np.float32), np.zeros(4, np.float32)
        )
        assert y.op.type == "FusedBatchNormV3" and y.name == "FusedBatchNormV3:0"
        assert y.op.get_attr("epsilon") == pytest.approx(0.001)
        with pytest.raises(ValueError, match="Both `mean` and `variance` must be a 1D tensor"):
            tf.nn.fused_batch_norm(x, [1.0] * 4, [0.0] * 4, is_training=False)
        values = _run([y, mean, variance])
    flat = x.reshape(-1, 4).astype(np.float64)
    np.testing.assert_allclose(values[1], flat.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(values[2], flat.var(axis=0, ddof=1), rtol=1e-5)  # Bessel
    np.testing.assert_allclose(
        values[0], (x - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3), rtol=1e-4, atol=1e-5
    )


def test_kernel_errors_follow_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(F32, None)
        scale = tf.placeholder(F32, None)
        out = raw("FusedBatchNormV3", x, scale, scale, _empty(), _empty())
        lrn = tf.nn.lrn(x, depth_radius=-1)
        image = np.ones((1, 2, 2, 4), np.float32)
        with pytest.raises(tf.errors.InvalidArgumentError, match="got 3 and 4"):
            _run(out, {x: image, scale: np.ones(3, np.float32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="depth_radius = -1"):
            _run(lrn, {x: image})
