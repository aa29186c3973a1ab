"""Golden cases for the nn op family (Relu, Softmax, BiasAdd so far), recorded from real
TensorFlow; same case format and runner as tools/goldens/math.py."""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F32, F64, I32 = np.float32, np.float64, np.int32
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


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
