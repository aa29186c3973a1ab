"""Golden cases for the normalization ops, recorded from real TensorFlow: LRN and its gradient,
fused batch norm (V1, V2, V3) in training and inference, NHWC/NCHW/NDHWC, float16 inputs,
the running statistics with Bessel's correction and exponential averaging, empty batches,
the gradients and the gradient of the gradient; moments, weighted_moments,
batch_normalization, l2_normalize and zero_fraction.

Same format and runner as tools/goldens/pooling.py (TF's own kernels, oneDNN off).
"""

from __future__ import annotations

import numpy as np

from goldens import pooling as pooling_goldens

case = pooling_goldens.case
F16, F32, F64, I32 = np.float16, np.float32, np.float64, np.int32
NAN, INF = np.nan, np.inf
_RNG = np.random.default_rng(77)


def normal(*shape, dtype=F32, scale=1.0, loc=0.0):
    return (_RNG.normal(size=shape) * scale + loc).astype(dtype)


def grads(expr, wrt):
    return f"tf.gradients({expr}, [{wrt}])"


_X = normal(2, 3, 4, 6, scale=2.0, loc=0.5)
_W = normal(2, 3, 4, 6)

# fmt: off
LRN = [
    case("lrn", "[tf.nn.lrn(x), tf.nn.local_response_normalization(x, 2, 0.5, 0.3, 0.75), "
         "tf.nn.lrn(x, depth_radius=0, bias=2.0, alpha=1.0, beta=1.0), "
         "tf.nn.lrn(x, depth_radius=10, alpha=0.1), tf.nn.lrn(h, 1)]",
         {"x": _X, "h": _X.astype(F16)}, 2e-3),
    case("lrn_grads",
         "[" + grads("tf.nn.lrn(x) * w", "x") + "[0], "
         + grads("tf.nn.local_response_normalization(x, 2, 0.5, 0.3, 0.75) * w", "x") + "[0], "
         + grads("tf.nn.lrn(x, depth_radius=0, bias=2.0, alpha=1.0, beta=1.0) * w", "x") + "[0], "
         "tf.raw_ops.LRNGrad(input_grads=w, input_image=x, output_image=w, depth_radius=1, "
         "bias=1.5, alpha=0.5, beta=0.6)]",
         {"x": _X, "w": _W}, 1e-5),
    case("lrn_errors", "tf.nn.lrn(x, -1)", {"x": _X}, modes=("static",)),
]

_XB = normal(2, 3, 2, 4, scale=1.5, loc=0.3)
_S = np.array([1.0, 2.0, 0.5, -1.0], F32)
_O = np.array([0.0, 1.0, -1.0, 2.0], F32)
_M = np.array([0.1, 0.2, 0.3, 0.4], F32)
_V = np.array([1.0, 2.0, 3.0, 4.0], F32)
_BN = {"x": _XB, "s": _S, "o": _O, "m": _M, "v": _V}
_TRAIN = "tf.nn.fused_batch_norm(x, s, o)"

FUSED = [
    case("fused_batch_norm_training",
         "list(tf.nn.fused_batch_norm(x, s, o)) + list(tf.nn.fused_batch_norm(x, s, o, "
         "epsilon=0.1)) + list(tf.nn.fused_batch_norm(x, s, o, m, v, exponential_avg_factor=0.3))",
         _BN, 1e-5),
    case("fused_batch_norm_inference",
         "list(tf.nn.fused_batch_norm(x, s, o, m, v, is_training=False)) + "
         "list(tf.nn.fused_batch_norm(x, s, o, m, v, epsilon=0.5, is_training=False, "
         "exponential_avg_factor=0.3))", _BN, 1e-5),
    case("fused_batch_norm_raw_outputs",
         "tf.raw_ops.FusedBatchNormV3(x=x, scale=s, offset=o, mean=e, variance=e, epsilon=0.01)"
         "[:5] + tf.raw_ops.FusedBatchNorm(x=x, scale=s, offset=o, mean=e, variance=e)[:5] + "
         "tf.raw_ops.FusedBatchNormV2(x=h, scale=s, offset=o, mean=m, variance=v, "
         "is_training=False)[:3] + tf.raw_ops.FusedBatchNormV3(x=h, scale=s, offset=o, mean=e, "
         "variance=e)[:5]",
         {**_BN, "e": np.zeros(0, F32), "h": _XB.astype(F16)}, 2e-3),
    case("fused_batch_norm_single_value", "list(tf.nn.fused_batch_norm(x, s, o)) + "
         "list(tf.nn.fused_batch_norm(x, s, o, m, v, exponential_avg_factor=0.5))",
         {**_BN, "x": _XB[:1, :1, :1]}, 1e-6),
    case("fused_batch_norm_empty", "list(tf.nn.fused_batch_norm(x, s, o)) + "
         "list(tf.nn.fused_batch_norm(x, s, o, m, v, exponential_avg_factor=0.5))[:3] + "
         + grads("tf.nn.fused_batch_norm(x, s, o)[0]", "s, o"),
         {**_BN, "x": np.zeros((0, 2, 2, 4), F32)}, 1e-6),
    case("fused_batch_norm_layouts",
         "list(tf.nn.fused_batch_norm(x, s, o, data_format='NCHW')) + "
         "list(tf.nn.fused_batch_norm(x, s, o, m, v, is_training=False, data_format='NCHW')) + "
         "list(tf.nn.fused_batch_norm(z, s[:2], o[:2], data_format='NDHWC')) + "
         "list(tf.nn.fused_batch_norm(y, s, o, data_format='NCDHW'))",
         {**_BN, "x": np.transpose(_XB, [0, 3, 1, 2]), "z": normal(2, 3, 2, 2, 2),
          "y": normal(2, 4, 2, 3, 2)}, 1e-5),
    case("fused_batch_norm_grads",
         "[" + ", ".join([
             grads(f"{_TRAIN}[0] * w", "x, s, o") + "[0]",
             grads(f"{_TRAIN}[0] * w", "x, s, o") + "[1]",
             grads(f"{_TRAIN}[0] * w", "x, s, o") + "[2]",
             grads("tf.nn.fused_batch_norm(x, s, o, m, v, is_training=False)[0] * w",
                   "x, s, o") + "[0]",
             grads("tf.nn.fused_batch_norm(x, s, o, m, v, is_training=False)[0] * w",
                   "x, s, o") + "[1]",
             grads("tf.nn.fused_batch_norm(h, s, o)[0] * tf.cast(w, tf.float16)", "h") + "[0]",
             grads("tf.nn.fused_batch_norm(x, s, o)[1] * 2.0 + tf.nn.fused_batch_norm(x, s, o)"
                   "[2]", "x") + "[0]"]) + "]",
         {**_BN, "w": normal(2, 3, 2, 4), "h": _XB.astype(F16)}, 2e-3),
    case("fused_batch_norm_grads_nchw",
         "[" + ", ".join(
             grads(f"tf.nn.fused_batch_norm(x, s, o, m, v, is_training={t}, "
                   f"data_format='NCHW')[0] * w", "x, s, o") + f"[{i}]"
             for t in (True, False) for i in range(3)) + "]",
         {**_BN, "x": np.transpose(_XB, [0, 3, 1, 2]), "w": normal(2, 4, 3, 2)}, 1e-4),
    case("fused_batch_norm_grad_grad",
         "[" + ", ".join(
             f"tf.gradients(tf.reduce_sum(tf.gradients({_TRAIN}[0] * w, x)[0] * g) + "
             f"tf.reduce_sum(tf.gradients({_TRAIN}[0] * w, s)[0] * c), [x, s, w])[{i}]"
             for i in range(3)) + ", "
         + ", ".join(
             "tf.gradients(tf.reduce_sum(tf.gradients(tf.nn.fused_batch_norm(x, s, o, m, v, "
             "is_training=False)[0] * w, x)[0] * g), [x, s, w])[" + str(i) + "]"
             for i in (1, 2)) + "]",
         {**_BN, "w": normal(2, 3, 2, 4), "g": normal(2, 3, 2, 4),
          "c": np.array([0.5, -1.0, 2.0, 1.0], F32)}, 2e-4),
    case("fused_batch_norm_errors", "tf.nn.fused_batch_norm(x, s, o, is_training=False)", _BN,
         modes=("static",)),
    case("fused_batch_norm_channels", "tf.nn.fused_batch_norm(x, s[:3], o)", _BN),
]
# fmt: on

_XM = normal(3, 4, 5, scale=3.0, loc=1.0)
# fmt: off
COMPOSITES = [
    case("moments", "list(tf.nn.moments(x, [0])) + list(tf.nn.moments(x, [0, 2], "
         "keep_dims=True)) + list(tf.nn.moments(x, [1], keepdims=True)) + "
         "list(tf.nn.moments(x, axes=[0, 1, 2])) + list(tf.nn.moments(h, [1]))",
         {"x": _XM, "h": _XM.astype(F16)}, 1e-3),
    case("moments_grads", "[" + grads("tf.nn.moments(x, [0, 2])[1] * w", "x") + "[0], "
         + grads("tf.nn.moments(x, [1])[0] * v", "x") + "[0]]",
         {"x": _XM.astype(F64), "w": normal(4, dtype=F64), "v": normal(3, 5, dtype=F64)}, 1e-12),
    case("weighted_moments",
         "list(tf.nn.weighted_moments(x, [0], f)) + list(tf.nn.weighted_moments(x, [0, 2], g, "
         "keep_dims=True)) + list(tf.nn.weighted_moments(x, [1], z)) + "
         "list(tf.nn.weighted_moments(h, [0], f)) + list(tf.nn.weighted_moments(x, [0], i))",
         {"x": _XM, "h": _XM.astype(F16), "f": np.array([[[1.0]], [[2.0]], [[0.5]]], F32),
          "g": np.abs(normal(3, 4, 5)), "z": np.zeros((1, 4, 1), F32),
          "i": np.array([[[1]], [[2]], [[3]]], I32)}, 1e-3),
    case("batch_normalization",
         "[tf.nn.batch_normalization(x, m, v, o, s, 1e-3), "
         "tf.nn.batch_normalization(x, m, v, None, None, 0.5), "
         "tf.nn.batch_normalization(x, m, v, o, None, 1e-3), "
         "tf.nn.batch_normalization(x, tf.reduce_mean(x, 0), 2.0, 0.0, 3.0, 1e-5), "
         + grads("tf.nn.batch_normalization(x, m, v, o, s, 1e-3) ** 2", "x, m, v, o, s") + "[2]]",
         {"x": normal(4, 5), "m": normal(5), "v": np.abs(normal(5)) + 0.1, "o": normal(5),
          "s": normal(5)}, 1e-5),
    case("l2_normalize",
         "[tf.nn.l2_normalize(x), tf.nn.l2_normalize(x, 1), tf.nn.l2_normalize(x, [0, 1]), "
         "tf.nn.l2_normalize(x, dim=0), tf.nn.l2_normalize(z, 0), "
         "tf.nn.l2_normalize(z, 0, epsilon=4.0), tf.nn.l2_normalize(c, 1), "
         + grads("tf.nn.l2_normalize(x, 1) * w", "x") + "[0]]",
         {"x": normal(3, 4), "z": np.array([0.0, 0.0, 1e-7], F32),
          "c": (normal(2, 3) + 1j * normal(2, 3)).astype(np.complex64), "w": normal(3, 4)},
         1e-5),
    case("zero_fraction",
         "[tf.nn.zero_fraction(x), tf.nn.zero_fraction(i), tf.nn.zero_fraction(e), "
         "tf.nn.zero_fraction(tf.nn.relu(y)), tf.math.zero_fraction(b)]",
         {"x": np.array([0.0, 1.0, -0.0, 2.0, 0.0], F32), "i": np.array([[0, 1], [0, 0]], I32),
          "e": np.zeros((0, 3), F32), "y": normal(10, 10),
          "b": np.array([True, False, False], np.bool_)}),
]
# fmt: on

CASES = LRN + FUSED + COMPOSITES


def generate(tf, writer):
    if pooling_goldens.with_tf_kernels(writer.family):
        return
    pooling_goldens.save_cases(tf, writer, CASES)
