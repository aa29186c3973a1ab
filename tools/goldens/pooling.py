"""Golden cases for the pooling ops, recorded from real TensorFlow: SAME padding with strides
that leave partial windows, VALID remainders, explicit padding, 1-D/2-D/3-D, max pooling
ties, -inf and NaN, average pooling's padding exclusion, MaxPoolWithArgmax in both index
modes, MaxPoolV2, tf.nn.pool with strides and dilations, and the gradients (and gradients
of gradients) of all of them, with TF's errors.

Same case format and runner as tools/goldens/math.py, plus an optional "ndflow" expression:
TF's CPU kernels reject channels-first layouts, so an NCHW case records TF's NHWC result
through transposes and ndflow evaluates the NCHW call.

TF's oneDNN rewrites change some CPU pooling results (-inf, NaN, depth windows), so these
goldens are always recorded with TensorFlow's own kernels: `generate` re-runs itself with
TF_ENABLE_ONEDNN_OPTS=0 when the variable is not set.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np

from goldens import math as math_goldens

F16, F32, F64, I32, I64, U8 = np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8
NAN, INF = np.nan, np.inf
_RNG = np.random.default_rng(2024)


def case(name, expr, inputs, rtol=0, modes=None, ndflow=None):
    """One golden case; `ndflow` is the expression ndflow evaluates when it differs."""
    return {
        "name": name,
        "expr": expr,
        "inputs": inputs,
        "rtol": rtol,
        "modes": modes,
        "ndflow": ndflow,
    }


def distinct(*shape, dtype=F32, scale=0.37):
    """Values with no ties (a shuffled ramp), so max pooling gradients are unambiguous."""
    size = int(np.prod(shape))
    return ((_RNG.permutation(size) - size / 2) * scale).reshape(shape).astype(dtype)


def normal(*shape, dtype=F32):
    return _RNG.normal(size=shape).astype(dtype)


def nhwc(expr):
    """An NHWC-only TF call on NCHW data `x`, transposed around (for NCHW goldens)."""
    return f"tf.transpose({expr.replace('X', 'tf.transpose(x, [0, 2, 3, 1])')}, [0, 3, 1, 2])"


def grads(expr, wrt):
    return f"tf.gradients({expr}, [{wrt}])"


_X = distinct(2, 5, 7, 3)
_SHAPES_2D = [
    ([1, 3, 3, 1], [1, 2, 2, 1]),
    ([1, 2, 2, 1], [1, 3, 3, 1]),
    ([1, 3, 2, 1], [1, 2, 3, 1]),
    ([1, 4, 1, 1], [1, 1, 2, 1]),
]


def _pools(fn, padding):
    return "[" + ", ".join(f"tf.nn.{fn}(x, {k}, {s}, '{padding}')" for k, s in _SHAPES_2D) + "]"


_TIES = np.array(
    [
        [1.0, 1.0, 0.0, 2.0, 2.0],
        [1.0, 1.0, -INF, 2.0, 2.0],
        [-INF, -INF, 3.0, 3.0, 3.0],
        [-INF, -INF, 3.0, -1.0, 5.0],
    ],
    F32,
).reshape(1, 4, 5, 1)
_NAN = np.array([[NAN, 1.0, 1.0, NAN, 3.0, 3.0], [0.5, NAN, NAN, NAN, 2.0, 4.0]], F32).reshape(
    1, 2, 6, 1
)
_INTS = (np.arange(2 * 5 * 5 * 2) * 37 % 23 - 11).reshape(2, 5, 5, 2)

# fmt: off
POOL_2D = [
    case("max_pool_same", _pools("max_pool", "SAME"), {"x": _X}),
    case("max_pool_valid", _pools("max_pool", "VALID"), {"x": _X}),
    case("avg_pool_same", _pools("avg_pool", "SAME"), {"x": _X}, 1e-6),
    case("avg_pool_valid", _pools("avg_pool", "VALID"), {"x": _X}, 1e-6),
    case("max_pool_dtypes",
         "[tf.nn.max_pool(d, 3, 2, 'SAME'), tf.nn.max_pool(h, 3, 2, 'SAME'), "
         "tf.nn.max_pool(i, 3, 2, 'SAME'), tf.nn.max_pool(u, 2, 2, 'VALID'), "
         "tf.nn.max_pool(j, 2, 1, 'SAME'), tf.nn.max_pool(b, 3, 2, 'SAME')]",
         {"d": _X.astype(F64), "h": _X.astype(F16), "i": _INTS.astype(I32),
          "u": (_INTS + 11).astype(U8), "j": _INTS.astype(I64), "b": _INTS.astype(np.int8)}),
    case("avg_pool_dtypes", "[tf.nn.avg_pool(d, 3, 2, 'SAME'), tf.nn.avg_pool(h, 3, 2, 'SAME')]",
         {"d": _X.astype(F64), "h": _X.astype(F16)}, 1e-3),
    case("max_pool_ties_and_infinities",
         "[tf.nn.max_pool(x, 2, 1, 'SAME'), tf.nn.max_pool(x, 2, 2, 'VALID'), "
         + grads("tf.nn.max_pool(x, 2, 1, 'SAME') * w", "x") + "[0], "
         + grads("tf.nn.max_pool(x, 2, 2, 'SAME') * v", "x") + "[0], "
         + grads("tf.nn.max_pool(x, 3, 1, 'VALID') * u", "x") + "[0]]",
         {"x": _TIES, "w": np.arange(1, 21, dtype=F32).reshape(1, 4, 5, 1),
          "v": np.arange(1, 7, dtype=F32).reshape(1, 2, 3, 1),
          "u": np.arange(1, 7, dtype=F32).reshape(1, 2, 3, 1)}),
    case("max_pool_nan",
         "[tf.nn.max_pool(x, [1, 1, 2, 1], [1, 1, 2, 1], 'VALID'), "
         + grads("tf.nn.max_pool(x, [1, 1, 2, 1], [1, 1, 2, 1], 'VALID') * w", "x") + "[0]]",
         {"x": _NAN, "w": np.arange(1, 7, dtype=F32).reshape(1, 2, 3, 1)}),
    case("max_pool_grads",
         "[" + ", ".join(grads(f"tf.nn.max_pool(x, {k}, {s}, '{p}') * tf.nn.max_pool(x, {k}, "
                               f"{s}, '{p}')", "x") + "[0]"
                         for k, s in _SHAPES_2D[:3] for p in ("SAME", "VALID")) + "]",
         {"x": _X}, 1e-6),
    case("max_pool_grad_grad",
         "[tf.raw_ops.MaxPoolGradGrad(orig_input=x, orig_output=tf.nn.max_pool(x, 3, 2, 'SAME'),"
         " grad=g, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME'), "
         "tf.raw_ops.MaxPoolGradGrad(orig_input=t, orig_output=tf.nn.max_pool(t, 2, 1, 'SAME'),"
         " grad=s, ksize=[1, 2, 2, 1], strides=[1, 1, 1, 1], padding='SAME'), "
         "tf.gradients(tf.gradients(tf.nn.max_pool(x, 2, 2, 'VALID') * w, x)[0] * g, w)[0]]",
         {"x": _X, "g": normal(2, 5, 7, 3), "w": normal(2, 2, 3, 3), "t": _TIES,
          "s": np.arange(1, 21, dtype=F32).reshape(1, 4, 5, 1)}),
    case("avg_pool_grads",
         "[" + ", ".join(grads(f"tf.nn.avg_pool(x, {k}, {s}, '{p}') * tf.nn.avg_pool(x, {k}, "
                               f"{s}, '{p}')", "x") + "[0]"
                         for k, s in _SHAPES_2D[:3] for p in ("SAME", "VALID"))
         + ", tf.gradients(tf.gradients(tf.nn.avg_pool(x, 3, 2, 'SAME') * w, x)[0] * g, w)[0]]",
         {"x": _X, "g": normal(2, 5, 7, 3), "w": normal(2, 3, 4, 3)}, 1e-5),
    case("max_pool_explicit_padding",
         "[tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]), "
         + grads("tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]) ** 2", "x") + "[0], "
         "tf.nn.max_pool1d(y, 2, 1, [[0, 0], [1, 1], [0, 0]]), "
         "tf.nn.max_pool2d(x, [2, 3], [1, 2], [[0, 0], [0, 0], [2, 2], [0, 0]])]",
         {"x": _X, "y": distinct(2, 6, 3)}),
    case("max_pool_depthwise", "[tf.nn.max_pool(x, [1, 1, 1, 2], [1, 1, 1, 2], 'VALID'), "
         "tf.nn.max_pool(x, [1, 1, 1, 3], [1, 1, 1, 3], 'SAME')]", {"x": distinct(2, 3, 3, 6)}),
    case("pool_empty", "[tf.nn.max_pool(x, 2, 2, 'SAME'), tf.nn.avg_pool(x, 2, 2, 'SAME'), "
         "tf.nn.max_pool(y, 2, 2, 'SAME'), tf.nn.avg_pool(y, 3, 1, 'SAME')]",
         {"x": np.zeros((0, 4, 4, 2), F32), "y": np.zeros((2, 0, 3, 2), F32)}),
    case("max_pool_v2",
         "[tf.raw_ops.MaxPoolV2(input=x, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], "
         "padding='SAME'), "
         + grads("tf.raw_ops.MaxPoolV2(input=x, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], "
                 "padding='SAME') * w", "x") + "[0], "
         "tf.gradients(tf.gradients(tf.raw_ops.MaxPoolV2(input=x, ksize=[1, 2, 2, 1], "
         "strides=[1, 2, 2, 1], padding='VALID') * v, x)[0] * g, v)[0]]",
         {"x": _X, "w": normal(2, 3, 4, 3), "v": normal(2, 2, 3, 3), "g": normal(2, 5, 7, 3)}),
    case("pool_1d",
         "[tf.nn.max_pool1d(y, 3, 2, 'SAME'), tf.nn.avg_pool1d(y, 3, 2, 'SAME'), "
         "tf.nn.max_pool1d(y, [2], [3], 'VALID'), tf.nn.avg_pool1d(y, 4, 1, 'VALID'), "
         + grads("tf.nn.avg_pool1d(y, 3, 2, 'SAME') ** 2", "y") + "[0], "
         + grads("tf.nn.max_pool1d(y, 3, 2, 'SAME') ** 2", "y") + "[0]]",
         {"y": distinct(2, 7, 3)}, 1e-6),
]

NCHW = [
    case("max_pool_nchw",
         "[" + nhwc("tf.nn.max_pool(X, 3, 2, 'SAME')") + ", "
         + nhwc("tf.nn.max_pool(X, [1, 2, 3, 1], [1, 1, 2, 1], 'VALID')") + ", "
         + grads(nhwc("tf.nn.max_pool(X, 3, 2, 'SAME')") + " * w", "x") + "[0]]",
         {"x": distinct(2, 3, 5, 7), "w": normal(2, 3, 3, 4)}, 1e-6,
         ndflow="[tf.nn.max_pool(x, 3, 2, 'SAME', data_format='NCHW'), "
         "tf.nn.max_pool(x, [1, 1, 2, 3], [1, 1, 1, 2], 'VALID', data_format='NCHW'), "
         + grads("tf.nn.max_pool(x, 3, 2, 'SAME', data_format='NCHW') * w", "x") + "[0]]"),
    case("avg_pool_nchw",
         "[" + nhwc("tf.nn.avg_pool(X, 3, 2, 'SAME')") + ", "
         + grads(nhwc("tf.nn.avg_pool(X, 3, 2, 'SAME')") + " * w", "x") + "[0]]",
         {"x": distinct(2, 3, 5, 7), "w": normal(2, 3, 3, 4)}, 1e-6,
         ndflow="[tf.nn.avg_pool(x, 3, 2, 'SAME', data_format='NCHW'), "
         + grads("tf.nn.avg_pool(x, 3, 2, 'SAME', data_format='NCHW') * w", "x") + "[0]]"),
    case("pool_1d_ncw",
         "[tf.transpose(tf.nn.max_pool1d(tf.transpose(y, [0, 2, 1]), 3, 2, 'SAME'), [0, 2, 1]), "
         "tf.transpose(tf.nn.avg_pool1d(tf.transpose(y, [0, 2, 1]), 3, 2, 'SAME'), [0, 2, 1])]",
         {"y": distinct(2, 3, 7)}, 1e-6,
         ndflow="[tf.nn.max_pool1d(y, 3, 2, 'SAME', data_format='NCW'), "
         "tf.nn.avg_pool1d(y, 3, 2, 'SAME', data_format='NCW')]"),
]

_X5 = distinct(2, 5, 4, 6, 2)
_TIES5 = np.array([1.0, 1.0, 1.000001, 0.5, -INF, -INF, 2.0, 2.0, 2.0, 3.0, 3.0, 1.0],
                  F32).reshape(1, 1, 2, 6, 1)
POOL_3D = [
    case("pool_3d",
         "[tf.nn.max_pool3d(x, 3, 2, 'SAME'), tf.nn.max_pool3d(x, [2, 1, 3], [1, 2, 2], 'VALID'),"
         " tf.nn.avg_pool3d(x, 3, 2, 'SAME'), tf.nn.avg_pool3d(x, [2, 1, 3], [1, 2, 2], 'VALID')]",
         {"x": _X5}, 1e-6),
    case("pool_3d_grads",
         "[" + grads("tf.nn.max_pool3d(x, 3, 2, 'SAME') * w", "x") + "[0], "
         + grads("tf.nn.avg_pool3d(x, 3, 2, 'SAME') * w", "x") + "[0], "
         + grads("tf.nn.max_pool3d(x, [2, 1, 3], [1, 2, 2], 'VALID') ** 2", "x") + "[0], "
         "tf.gradients(tf.gradients(tf.nn.max_pool3d(x, 2, 2, 'SAME') * v, x)[0] * g, v)[0], "
         "tf.gradients(tf.gradients(tf.nn.avg_pool3d(x, 2, 2, 'SAME') * v, x)[0] * g, v)[0]]",
         {"x": _X5, "w": normal(2, 3, 2, 3, 2), "v": normal(2, 3, 2, 3, 2),
          "g": normal(2, 5, 4, 6, 2)}, 1e-5),
    case("max_pool_3d_ties",
         "[tf.nn.max_pool3d(x, [1, 1, 2], [1, 1, 2], 'VALID'), tf.nn.max_pool3d(x, 2, 1, 'SAME'), "
         + grads("tf.nn.max_pool3d(x, [1, 1, 2], [1, 1, 2], 'VALID') * w", "x") + "[0], "
         + grads("tf.nn.max_pool3d(x, 2, 1, 'SAME') * u", "x") + "[0], "
         "tf.raw_ops.MaxPool3DGradGrad(orig_input=x, orig_output=tf.nn.max_pool3d(x, 2, 1, "
         "'SAME'), grad=g, ksize=[1, 2, 2, 2, 1], strides=[1, 1, 1, 1, 1], padding='SAME')]",
         {"x": _TIES5, "w": np.arange(1, 7, dtype=F32).reshape(1, 1, 2, 3, 1),
          "u": np.arange(1, 13, dtype=F32).reshape(1, 1, 2, 6, 1),
          "g": np.arange(1, 13, dtype=F32).reshape(1, 1, 2, 6, 1)}),
    case("pool_3d_ncdhw",
         "[tf.transpose(tf.nn.max_pool3d(tf.transpose(x, [0, 2, 3, 4, 1]), 3, 2, 'SAME'), "
         "[0, 4, 1, 2, 3]), tf.transpose(tf.nn.avg_pool3d(tf.transpose(x, [0, 2, 3, 4, 1]), 3, 2,"
         " 'SAME'), [0, 4, 1, 2, 3])]", {"x": distinct(2, 2, 5, 4, 6)}, 1e-6,
         ndflow="[tf.nn.max_pool3d(x, 3, 2, 'SAME', data_format='NCDHW'), "
         "tf.nn.avg_pool3d(x, 3, 2, 'SAME', data_format='NCDHW')]"),
]

_XA = distinct(2, 5, 6, 3)
ARGMAX = [
    case("max_pool_with_argmax",
         "list(tf.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 2, 2, 1], 'SAME')) + "
         "list(tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'VALID', "
         "include_batch_in_index=True)) + "
         "list(tf.nn.max_pool_with_argmax(t, [1, 2, 2, 1], [1, 1, 1, 1], 'SAME', "
         "Targmax=tf.int32)) + "
         "list(tf.nn.max_pool_with_argmax(t, [1, 2, 2, 1], [1, 1, 1, 1], 'SAME', "
         "output_dtype=tf.int32, include_batch_in_index=True))",
         {"x": _XA, "t": np.concatenate([_TIES, _TIES[:, ::-1]])}),
    case("max_pool_with_argmax_grads",
         "[" + grads("tf.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 2, 2, 1], 'SAME')[0] * w",
                     "x") + "[0], "
         + grads("tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'VALID', "
                 "include_batch_in_index=True)[0] * v", "x") + "[0], "
         + grads("tf.nn.max_pool_with_argmax(t, [1, 2, 2, 1], [1, 1, 1, 1], 'SAME')[0] * u",
                 "t") + "[0]]",
         {"x": _XA, "w": normal(2, 3, 3, 3), "v": normal(2, 2, 3, 3), "t": _TIES,
          "u": np.arange(1, 21, dtype=F32).reshape(1, 4, 5, 1)}),
    case("max_pool_grad_with_argmax_raw",
         "[tf.raw_ops.MaxPoolGradWithArgmax(input=x, grad=g, argmax=a, ksize=[1, 2, 2, 1], "
         "strides=[1, 1, 1, 1], padding='VALID'), tf.raw_ops.MaxPoolGradWithArgmax(input=x, "
         "grad=g, argmax=b, ksize=[1, 2, 2, 1], strides=[1, 1, 1, 1], padding='VALID', "
         "include_batch_in_index=True)]",
         {"x": np.zeros((2, 3, 3, 1), F32), "g": np.arange(1, 9, dtype=F32).reshape(2, 2, 2, 1),
          "a": np.array([0, 5, 8, 3, 4, 4, 0, 8], I64).reshape(2, 2, 2, 1),
          "b": np.array([0, 5, 8, 3, 9, 9, 17, 10], I64).reshape(2, 2, 2, 1)}),
]

DISPATCH = [
    case("pool_nd",
         "[tf.nn.pool(y, [3], 'MAX', 'SAME', strides=[2]), tf.nn.pool(y, [2], 'AVG', 'VALID'), "
         "tf.nn.pool(x, [3, 2], 'MAX', 'SAME', strides=[2, 1]), "
         "tf.nn.pool(x, [3, 3], 'AVG', 'SAME', strides=[2, 2]), "
         "tf.nn.pool(z, [2, 2, 2], 'MAX', 'VALID', strides=[1, 2, 2]), "
         "tf.nn.pool(z, [3, 1, 2], 'AVG', 'SAME')]",
         {"y": distinct(2, 7, 3), "x": _X, "z": _X5}, 1e-6),
    case("pool_dilated",
         "[tf.nn.pool(y, [2], 'MAX', 'VALID', dilation_rate=[3]), "
         "tf.nn.pool(x, [2, 2], 'AVG', 'VALID', dilation_rate=[2, 2]), "
         "tf.nn.pool(x, [2, 3], 'MAX', 'VALID', dilations=[2, 1]), "
         "tf.nn.pool(z, [2, 2, 1], 'AVG', 'VALID', dilation_rate=[1, 2, 3]), "
         + grads("tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2]) ** 2", "x") + "[0], "
         + grads("tf.nn.pool(y, [2], 'AVG', 'VALID', dilation_rate=[3]) ** 2", "y") + "[0]]",
         {"y": distinct(2, 9, 3), "x": _X, "z": _X5}, 1e-6),
    case("pool_v2_dispatch",
         "[tf.nn.max_pool_v2(y, 2, 2, 'SAME'), tf.nn.max_pool_v2(x, [2, 3], 1, 'VALID'), "
         "tf.nn.max_pool_v2(z, 2, 2, 'SAME'), tf.nn.avg_pool_v2(y, 3, 1, 'VALID'), "
         "tf.nn.avg_pool_v2(x, [1, 3, 3, 1], [1, 2, 2, 1], 'SAME'), "
         "tf.nn.avg_pool_v2(z, 2, 2, 'SAME')]",
         {"y": distinct(2, 7, 3), "x": _X, "z": _X5}, 1e-6, modes=("static",)),
]

ERRORS = [
    case("max_pool_window_too_large", "tf.nn.max_pool(x, 3, 1, 'VALID')",
         {"x": np.ones((1, 2, 2, 1), F32)}, modes=("static", "dynamic")),
    case("max_pool_runtime_output_size", "tf.nn.max_pool(x, [1, 5, 3, 1], 1, 'VALID')",
         {"x": np.ones((1, 2, 2, 1), F32)}, modes=("dynamic",)),
    case("max_pool_window_one_too_large", "tf.nn.max_pool(x, 3, 1, 'VALID')",
         {"x": np.ones((1, 2, 2, 1), F32)}, modes=("dynamic",)),
    case("max_pool_batch_window", "tf.nn.max_pool(x, [2, 1, 1, 1], 1, 'VALID')",
         {"x": np.ones((2, 2, 2, 1), F32)}),
    case("avg_pool_depth_window", "tf.nn.avg_pool(x, [1, 1, 1, 2], [1, 1, 1, 2], 'VALID')",
         {"x": np.ones((2, 2, 2, 4), F32)}),
    case("max_pool_depth_and_space", "tf.nn.max_pool(x, [1, 2, 1, 2], [1, 1, 1, 2], 'VALID')",
         {"x": np.ones((2, 2, 2, 4), F32)}),
    case("max_pool_depth_uneven", "tf.nn.max_pool(x, [1, 1, 1, 3], [1, 1, 1, 3], 'VALID')",
         {"x": np.ones((2, 2, 2, 4), F32)}),
    case("max_pool3d_depth_window", "tf.nn.max_pool3d(x, [1, 1, 1, 1, 2], 1, 'VALID')",
         {"x": np.ones((1, 2, 2, 2, 4), F32)}),
    case("max_pool_rank", "tf.nn.max_pool(x, 2, 2, 'SAME')", {"x": np.ones((2, 4, 4), F32)}),
    case("max_pool_stride_zero", "tf.nn.max_pool(x, 2, [1, 0, 1, 1], 'SAME')",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("max_pool_ksize_zero", "tf.nn.max_pool(x, 0, 1, 'SAME')",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("max_pool_explicit_in_batch",
         "tf.nn.max_pool(x, 2, 1, [[1, 0], [0, 0], [0, 0], [0, 0]])",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("max_pool_explicit_too_large",
         "tf.nn.max_pool(x, 3, 1, [[0, 0], [0, 0], [3, 3], [0, 0]])",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("max_pool_explicit_right_too_large",
         "tf.nn.max_pool(x, 3, 1, [[0, 0], [0, 4], [0, 0], [0, 0]])",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("pool_same_with_dilation", "tf.nn.pool(x, [2], 'MAX', 'SAME', dilation_rate=[2])",
         {"x": np.ones((2, 4, 1), F32)}),
    case("pool_strides_over_window", "tf.nn.pool(x, [2], 'MAX', 'SAME', strides=[3])",
         {"x": np.ones((2, 4, 1), F32)}),
    case("argmax_nchw",
         "tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME', data_format='NCHW')",
         {"x": np.ones((2, 4, 4, 1), F32)}),
    case("max_pool_grad_shape", "tf.raw_ops.MaxPoolGrad(orig_input=x, orig_output=y, grad=y, "
         "ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')",
         {"x": np.ones((2, 4, 4, 1), F32), "y": np.ones((2, 2, 3, 1), F32)}, modes=("dynamic",)),
    case("max_pool3d_grad_grad_shape",
         "tf.raw_ops.MaxPool3DGradGrad(orig_input=x, orig_output=y, grad=x, "
         "ksize=[1, 2, 2, 2, 1], strides=[1, 2, 2, 2, 1], padding='VALID')",
         {"x": np.ones((1, 4, 4, 4, 1), F32), "y": np.ones((1, 2, 3, 2, 1), F32)}),
]
# fmt: on

CASES = POOL_2D + NCHW + POOL_3D + ARGMAX + DISPATCH + ERRORS


def save_cases(tf, writer, cases):
    """Records each case in its modes; an "ndflow" expression is stored next to TF's."""
    for item in cases:
        inputs = item["inputs"]
        modes = item["modes"] or (math_goldens.DEFAULT_MODES if inputs else ("const",))
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        results = {
            mode: math_goldens.run_mode(tf, item["expr"], inputs, mode, arrays) for mode in modes
        }
        meta = {"call": item["expr"], "rtol": item["rtol"], "modes": results}
        if item["ndflow"]:
            meta["ndflow_call"] = item["ndflow"]
        writer.save(item["name"], arrays, meta)


def with_tf_kernels(family: str) -> bool:
    """Re-runs this family's recording with oneDNN off; True when that was done here."""
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0":
        return False
    script = pathlib.Path(__file__).resolve().parent.parent / "make_goldens.py"
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0"}
    subprocess.run([sys.executable, str(script), family], check=True, env=env)
    return True


def generate(tf, writer):
    if with_tf_kernels(writer.family):
        return
    save_cases(tf, writer, CASES)
