"""Golden cases for the nn op family, recorded from real TensorFlow: activations (Softplus's
thresholds, Relu6, Elu, Selu, LeakyRelu), Softmax and LogSoftmax, BiasAdd, the cross-entropy
losses with their errors, and the gradients of all of them where TF's formulas decide (xent
second outputs, sparse labels, kinks). Same case format and runner as tools/goldens/math.py.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F16, F32, F64, I32, I64 = np.float16, np.float32, np.float64, np.int32, np.int64
NAN, INF = np.nan, np.inf


def _a(values, dtype):
    return np.array(values, dtype=dtype)


CASES = [
    (
        "relu",
        "[tf.nn.relu(x), tf.nn.relu(i)]",
        {"x": _a([-1.0, NAN, 2.0, -0.0, -INF], F32), "i": _a([-3, 0, 4], I32)},
    ),
    (
        "softmax_infinities",
        "tf.nn.softmax(x)",
        {"x": _a([[-INF, 0.0, 1.0], [-INF, -INF, -INF], [1000.0, 0.0, -1000.0]], F32)},
        1e-6,
    ),
    (
        "softmax_axes",
        "[tf.nn.softmax(x, axis=0), tf.nn.softmax(x, dim=1), tf.nn.softmax(x, -2), "
        "tf.nn.softmax(y, axis=1)]",
        {
            "x": np.arange(6, dtype=F64).reshape(2, 3) / 3,
            "y": np.arange(24, dtype=F32).reshape(2, 3, 4) / 5,
        },
        1e-6,
    ),
    ("softmax_empty", "tf.nn.softmax(x)", {"x": np.zeros((2, 0), F32)}),
    ("softmax_axis_out_of_range", "tf.nn.softmax(tf.constant([[1.0, 2.0]]), axis=5)", {}),
    (
        "bias_add",
        "[tf.nn.bias_add(x, b), tf.nn.bias_add(y, c, data_format='NCHW'), "
        "tf.nn.bias_add(z, c, data_format='NCHW'), tf.nn.bias_add(z, d, data_format='NHWC')]",
        {
            "x": np.arange(6, dtype=F32).reshape(2, 3),
            "b": _a([10.0, 20.0, 30.0], F32),
            "y": np.ones((1, 2, 2, 2), F32),
            "c": _a([1.0, 2.0], F32),
            "z": np.ones((1, 2, 3), F32),
            "d": _a([1.0, 2.0, 3.0], F32),
        },
    ),
    (
        "bias_add_channels_mismatch",
        "tf.nn.bias_add(x, b)",
        {"x": np.ones((2, 3), F32), "b": _a([1.0, 2.0], F32)},
    ),
    (
        "bias_add_nchw_mismatch",
        "tf.nn.bias_add(x, b, data_format='NCHW')",
        {"x": np.ones((1, 3, 2), F32), "b": _a([1.0, 2.0], F32)},
    ),
    (
        "bias_add_rank_runtime",
        "tf.nn.bias_add(x, b)",
        {"x": np.ones((3,), F32), "b": _a([1.0, 2.0, 3.0], F32)},
        0,
        ("unknown_rank",),
    ),
    (
        "bias_add_bias_rank_runtime",
        "tf.nn.bias_add(x, b)",
        {"x": np.ones((2, 3), F32), "b": np.ones((1, 3), F32)},
        0,
        ("unknown_rank",),
    ),
    (
        "bias_add_bad_format",
        "tf.nn.bias_add(x, b, data_format='HWCN')",
        {"x": np.ones((2, 3), F32), "b": _a([1.0, 2.0, 3.0], F32)},
    ),
]


_RNG = np.random.default_rng(11)
_LOGITS = _a([[1.0, 2.0, 3.0], [1.0, 1.0, -1.0], [0.5, -2.0, 4.0]], F64)
_LABELS = _a([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], F64)


def _grads(expr, wrt):
    return f"tf.gradients({expr}, [{wrt}])"


# fmt: off
ACTIVATION_CASES = [
    ("activations_float32",
     "[tf.nn.relu6(x), tf.nn.elu(x), tf.nn.selu(x), tf.nn.softplus(x), tf.nn.softsign(x), "
     "tf.nn.leaky_relu(x), tf.nn.leaky_relu(x, alpha=0.5), tf.math.softplus(x)]",
     {"x": _a([-20.0, -14.0, -13.0, -1.0, -0.0, 0.5, 6.0, 7.0, 13.0, 14.0, 30.0, NAN], F32)},
     1e-6),
    ("activations_float64",
     "[tf.nn.relu6(x), tf.nn.elu(x), tf.nn.selu(x), tf.nn.softplus(x), tf.nn.softsign(x)]",
     {"x": _a([-40.0, -34.5, -33.5, -1.0, 0.0, 0.5, 6.0, 33.5, 34.5, 40.0], F64)}, 1e-12),
    ("activations_float16", "[tf.nn.softplus(x), tf.nn.elu(x), tf.nn.relu6(x)]",
     {"x": _a([-6.0, -4.0, -1.0, 0.5, 4.0, 6.0, 10.0], F16)}, 1e-3),
    ("activations_ints", "[tf.nn.relu6(i), tf.nn.leaky_relu(i)]",
     {"i": _a([-3, 0, 4, 9], I32)}),
    ("activation_grads_at_kinks", "[" + ", ".join(
        _grads(f"tf.nn.{fn}(x)", "x") + "[0]"
        for fn in ("relu", "relu6", "elu", "selu", "softplus", "softsign", "leaky_relu")) + "]",
     {"x": _a([-2.0, 0.0, 3.0, 6.0, 7.0], F64)}, 1e-12),
    ("activation_second_derivatives", "[" + ", ".join(
        f"tf.gradients(tf.gradients(tf.nn.{fn}(x), x)[0] * x, x)[0]"
        for fn in ("relu", "relu6", "elu", "selu", "softplus", "leaky_relu")) + "]",
     {"x": _a([-2.0, -0.5, 0.5, 3.0, 7.0], F64)}, 1e-12),
]

SOFTMAX_CASES = [
    ("log_softmax", "[tf.nn.log_softmax(x), tf.nn.log_softmax(x, axis=0), "
     "tf.math.log_softmax(y, dim=1)]",
     {"x": _a([[-INF, 0.0, 1.0], [1000.0, 0.0, -1000.0]], F32),
      "y": np.arange(24, dtype=F64).reshape(2, 3, 4) / 5}, 1e-6),
    ("softmax_grads", "[" + ", ".join([
        _grads("tf.nn.softmax(x) * w", "x") + "[0]",
        _grads("tf.nn.log_softmax(x) * w", "x") + "[0]",
        _grads("tf.nn.softmax(x, axis=0) * w", "x") + "[0]"]) + "]",
     {"x": _LOGITS, "w": _LABELS * 3 - 1}, 1e-12),
]

XENT_CASES = [
    ("softmax_xent", "[tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x), "
     "tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x), "
     "tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.transpose(y), "
     "logits=tf.transpose(x), axis=0)]",
     {"x": _LOGITS, "y": _LABELS}, 1e-12),
    ("softmax_xent_rank3", "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x, "
     "dim=1)",
     {"x": _RNG.normal(size=(2, 3, 4)), "y": _RNG.uniform(size=(2, 3, 4))}, 1e-12),
    ("softmax_xent_float16", "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x)",
     {"x": _LOGITS.astype(F16), "y": _LABELS.astype(F16)}, 1e-3),
    ("softmax_xent_grads", "[" + ", ".join([
        _grads("tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x) * w", "x, y")
        + "[0]",
        _grads("tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x) * w", "x, y")
        + "[1]",
        _grads("tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)", "x") + "[0]",
        _grads("tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=x, labels=y)[1] * v", "x")
        + "[0]",
        _grads("tf.gradients(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, "
               "logits=x) * w, x)[0] * v", "x") + "[0]"]) + "]",
     {"x": _LOGITS, "y": _LABELS, "w": _a([1.0, 2.0, -1.0], F64), "v": _LABELS - 0.3}, 1e-12),
    ("softmax_xent_op_broadcast",
     "list(tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=x, labels=y))",
     {"x": _LOGITS, "y": _a([[0.0, 1.0, 0.0]], F64)}, 1e-12),
    ("softmax_xent_op_not_broadcastable",
     "list(tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=x, labels=y))",
     {"x": _LOGITS, "y": _a([[0.0, 1.0]], F64)}, 0, ("static", "dynamic")),
    ("softmax_xent_op_rank",
     "list(tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=x, labels=y))",
     {"x": _a([1.0, 2.0], F64), "y": _a([0.0, 1.0], F64)}, 0, ("static", "dynamic")),
    ("sparse_xent", "[tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x), "
     "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=j, logits=z)]",
     {"x": _LOGITS, "i": _a([2, 0, 1], I32), "z": _RNG.normal(size=(2, 3, 4)),
      "j": _a([[0, 3, 1], [2, 2, 0]], I64)}, 1e-12),
    ("sparse_xent_float16", "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x)",
     {"x": _LOGITS.astype(F16), "i": _a([2, 0, 1], I32)}, 1e-3),
    ("sparse_xent_grads", "[" + ", ".join([
        _grads("tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x) * w", "x")
        + "[0]",
        _grads("tf.gradients(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, "
               "logits=x) * w, x)[0] * v", "x") + "[0]"]) + "]",
     {"x": _LOGITS, "i": _a([2, 0, 1], I64), "w": _a([1.0, 2.0, -1.0], F64),
      "v": _LABELS - 0.3}, 1e-12),
    ("sparse_xent_label_out_of_range",
     "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x)",
     {"x": _LOGITS, "i": _a([0, 5, 1], I32)}),
    ("sparse_xent_negative_label",
     "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x)",
     {"x": _LOGITS, "i": _a([0, -1, 7], I64)}),
    ("sparse_xent_rank_mismatch",
     "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x)",
     {"x": _LOGITS, "i": _a([[0, 1, 1]], I32)}, 0, ("static",)),
    ("sparse_xent_op_errors",
     "list(tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(features=x, labels=i))",
     {"x": _LOGITS, "i": _a([0, 1], I32)}, 0, ("static", "dynamic")),
    ("sigmoid_and_weighted_xent",
     "[tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x), "
     "tf.nn.weighted_cross_entropy_with_logits(labels=y, logits=x, pos_weight=2.5), "
     "tf.nn.weighted_cross_entropy_with_logits(targets=y, logits=x, pos_weight=0.5)]",
     {"x": _a([-50.0, -2.0, 0.0, 0.5, 3.0, 50.0], F32),
      "y": _a([0.0, 1.0, 0.5, 1.0, 0.0, 1.0], F32)}, 1e-6),
    ("sigmoid_xent_grads", "[" + ", ".join([
        _grads("tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x)", "x, y") + "[0]",
        _grads("tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x)", "x, y") + "[1]",
        _grads("tf.nn.weighted_cross_entropy_with_logits(labels=y, logits=x, pos_weight=3.0)",
               "x") + "[0]"]) + "]",
     {"x": _a([-3.0, -0.5, 0.0, 0.5, 3.0], F64), "y": _a([0.0, 1.0, 0.5, 1.0, 0.2], F64)},
     1e-12),
    ("sigmoid_xent_shape_mismatch",
     "tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x)",
     {"x": _a([1.0, 2.0], F32), "y": _a([1.0, 2.0, 3.0], F32)}, 0, ("static",)),
    ("l2_loss", "[tf.nn.l2_loss(x), tf.nn.l2_loss(h), " + _grads("tf.nn.l2_loss(x)", "x")
     + "[0]]",
     {"x": _a([[1.0, -2.0], [3.0, 0.5]], F32), "h": _a([100.0, 200.0, 300.0], F16)}, 1e-3),
    ("bias_add_grads", "[" + ", ".join([
        _grads("tf.nn.bias_add(v, b) * w", "v, b") + "[1]",
        _grads("tf.nn.bias_add(u, c, data_format='NCHW') * u", "u, c") + "[1]",
        "tf.gradients(tf.gradients(tf.nn.bias_add(v, b) * w, b)[0] * b, w)[0]"]) + "]",
     {"v": _RNG.normal(size=(2, 3)), "b": _a([1.0, 2.0, 3.0], F64), "w": _RNG.normal(size=(2, 3)),
      "u": _RNG.normal(size=(2, 2, 3)), "c": _a([1.0, -1.0], F64)}, 1e-12),
]
# fmt: on

CASES += ACTIVATION_CASES + SOFTMAX_CASES + XENT_CASES


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
