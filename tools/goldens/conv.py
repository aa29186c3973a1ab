"""Golden cases for the convolutions, recorded from real TensorFlow: Conv2D with SAME, VALID and
EXPLICIT padding, strides 1..3 and dilations 1..2 on odd and even sizes, NHWC and NCHW, grouped;
the values of both backprop ops (through tf.gradients) for the same cases and second-order
gradients; conv2d_transpose with output_shape edge cases; depthwise convolutions with channel
multipliers; conv3d, conv1d, separable_conv2d, atrous convolutions, tf.nn.convolution; and the
shape-function and kernel errors. Same case format and runner as tools/goldens/math.py.

Inputs are small integers stored as floats, so every sum is exact in float32 whatever order a
kernel adds in, and the values compare exactly (rtol 0).

TF on an AVX-512 machine runs its oneDNN kernels by default; they cover NCHW, dilated
backprops and grouped convolutions, but their errors are oneDNN's ("could not create a
primitive descriptor", AbortedError) and a VALID convolution of an input smaller than its
filter returns garbage. So value cases run on the default (oneDNN) kernels and error and edge
cases on TF's reference Eigen kernels (TF_ENABLE_ONEDNN_OPTS=0): `generate` records the first
group in-process and re-runs itself in a subprocess for the second. Each case's .json says
which ("kernels").
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np

from goldens import math as math_goldens

F16, F32, F64, I32, I64 = np.float16, np.float32, np.float64, np.int32, np.int64
_RNG = np.random.default_rng(2024)


def _ints(*shape, dtype=F32, low=-2, high=3):
    """Small random integers as `dtype`: exact in every float kernel."""
    return _RNG.integers(low, high, size=shape).astype(dtype)


def _grads(expr: str, wrt: str) -> str:
    """Forward value and the gradients of sum(y**2) for each name in `wrt`."""
    return f"[{expr}] + tf.gradients(tf.square({expr}), [{wrt}])"


def _listed(parts) -> str:
    return "sum([" + ", ".join(parts) + "], [])"


# fmt: off
# (stride rows, stride cols, dilation rows, dilation cols): strides 1..3, dilations 1..2.
_GRID = [(1, 1, 1, 1), (2, 2, 1, 1), (3, 3, 1, 1), (1, 1, 2, 2), (2, 3, 1, 2), (3, 1, 2, 1),
         (2, 2, 2, 2)]
_PADDINGS = {"same": "'SAME'", "valid": "'VALID'", "explicit": "[[0, 0], [1, 2], [2, 0], [0, 0]]"}


def _conv2d_grid(padding, data_format="NHWC"):
    """Conv2D and its gradients for every (strides, dilations) of _GRID.

    TF's CPU backprops for explicit padding (Conv2DCustomBackprop*) support neither dilations
    nor NCHW, so those combinations record the forward value only (finite differences check
    ndflow's gradients there).
    """
    explicit = padding.startswith("[")
    if data_format == "NCHW" and explicit:
        padding = "[[0, 0], [0, 0], [1, 2], [2, 0]]"
    parts = []
    for s, t, d, e in _GRID:
        if data_format == "NCHW":
            attrs = f"[1, 1, {s}, {t}], {padding}, data_format='NCHW', dilations=[1, 1, {d}, {e}]"
        else:
            attrs = f"[1, {s}, {t}, 1], {padding}, dilations=[1, {d}, {e}, 1]"
        expr = f"tf.nn.conv2d(x, w, {attrs})"
        forward_only = explicit and (data_format == "NCHW" or d > 1 or e > 1)
        parts.append(f"[{expr}]" if forward_only else _grads(expr, "x, w"))
    return _listed(parts)


CONV2D_CASES = [
    (f"conv2d_{name}_{size}", _conv2d_grid(padding), {"x": x, "w": _ints(3, 2, 3, 4)})
    for name, padding in _PADDINGS.items()
    for size, x in (("odd", _ints(2, 7, 7, 3)), ("even", _ints(2, 6, 8, 3)))
]
CONV2D_CASES += [
    (f"conv2d_nchw_{name}", _conv2d_grid(padding, "NCHW"),
     {"x": _ints(2, 3, 7, 6), "w": _ints(3, 2, 3, 4)})
    for name, padding in _PADDINGS.items()
]
CONV2D_CASES += [
    ("conv2d_filter_larger_than_stride_window", _listed([
        _grads("tf.nn.conv2d(x, w, 4, 'SAME')", "x, w"),
        _grads("tf.nn.conv2d(x, w, [1, 3, 2, 1], 'VALID')", "x, w")]),
     {"x": _ints(1, 9, 10, 2), "w": _ints(1, 5, 2, 3)}),
    ("conv2d_grouped", _listed([
        _grads("tf.nn.conv2d(x, w, 1, 'SAME')", "x, w"),
        _grads("tf.nn.conv2d(x, w, 2, 'VALID')", "x, w")]),
     {"x": _ints(2, 6, 5, 6), "w": _ints(3, 3, 2, 6)}),
    ("conv2d_1x1_and_full", _listed([
        _grads("tf.nn.conv2d(x, p, 1, 'VALID')", "x, p"),
        _grads("tf.nn.conv2d(x, f, 1, 'VALID')", "x, f")]),
     {"x": _ints(2, 4, 5, 3), "p": _ints(1, 1, 3, 5), "f": _ints(4, 5, 3, 2)}),
    ("conv2d_batch_dims", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": _ints(2, 3, 5, 5, 2), "w": _ints(3, 3, 2, 2)}),
    ("conv2d_second_order", "tf.gradients(tf.gradients(tf.reduce_sum(tf.square(tf.nn.conv2d("
     "x, w, [1, 2, 1, 1], 'SAME', dilations=[1, 1, 2, 1]))), x)[0] * v, [x, w]) + "
     "tf.gradients(tf.gradients(tf.reduce_sum(tf.square(tf.nn.conv2d(x, w, 1, 'VALID'))), "
     "w)[0] * u, [x, w])",
     {"x": _ints(2, 6, 7, 2), "w": _ints(3, 3, 2, 3), "v": _ints(2, 6, 7, 2),
      "u": _ints(3, 3, 2, 3)}),
]

BACKPROP_CASES = [
    ("conv2d_backprop_ops", "[tf.nn.conv2d_backprop_input([2, 7, 6, 3], w, g, [1, 2, 2, 1], "
     "'SAME'), tf.nn.conv2d_backprop_filter(x, [3, 2, 3, 4], g, [1, 2, 2, 1], 'SAME'), "
     "tf.raw_ops.Conv2DBackpropInput(input_sizes=[7, 6], filter=w, out_backprop=g, "
     "strides=[1, 2, 2, 1], padding='SAME'), "
     "tf.nn.conv2d_backprop_input(tf.shape(x), w, h, [1, 1, 1, 1], "
     "[[0, 0], [1, 0], [0, 2], [0, 0]]), "
     "tf.nn.conv2d_backprop_filter(x, [3, 2, 3, 4], h, [1, 1, 1, 1], "
     "[[0, 0], [1, 0], [0, 2], [0, 0]]), "
     "tf.nn.conv2d_backprop_input(tf.shape(x), w, k, [1, 1, 1, 1], 'VALID', "
     "dilations=[1, 2, 1, 1]), "
     "tf.nn.conv2d_backprop_filter(x, [3, 2, 3, 4], k, [1, 1, 1, 1], 'VALID', "
     "dilations=[1, 2, 1, 1])]",
     {"x": _ints(2, 7, 6, 3), "w": _ints(3, 2, 3, 4), "g": _ints(2, 4, 3, 4),
      "h": _ints(2, 6, 7, 4), "k": _ints(2, 3, 5, 4)}),
    ("conv2d_backprop_ops_gradients",
     _listed([_grads("tf.nn.conv2d_backprop_input([2, 7, 6, 3], w, g, [1, 2, 2, 1], 'SAME')",
                     "w, g"),
              _grads("tf.nn.conv2d_backprop_filter(x, [3, 2, 3, 4], g, [1, 2, 2, 1], 'SAME')",
                     "x, g")]),
     {"x": _ints(2, 7, 6, 3), "w": _ints(3, 2, 3, 4), "g": _ints(2, 4, 3, 4)}),
]

TRANSPOSE_CASES = [
    ("conv2d_transpose_output_shapes", _listed([
        _grads(f"tf.nn.conv2d_transpose(v, w, {shape}, {strides}, {padding})", "v, w")
        for shape, strides, padding in [
            ("[1, 6, 6, 2]", 2, "'SAME'"), ("[1, 5, 5, 2]", 2, "'SAME'"),
            ("[1, 7, 7, 2]", 2, "'VALID'"), ("[1, 8, 8, 2]", 2, "'VALID'"),
            ("[1, 9, 6, 2]", [3, 2], "'SAME'"), ("[1, 3, 3, 2]", 1, "'SAME'"),
            ("[1, 5, 5, 2]", 1, "'VALID'"),
            ("[1, 4, 4, 2]", 1, "[[0, 0], [1, 0], [0, 1], [0, 0]]")]]),
     {"v": _ints(1, 3, 3, 4), "w": _ints(3, 3, 2, 4)}),
    ("conv2d_transpose_dilated_nchw", _listed([
        _grads("tf.nn.conv2d_transpose(v, w, [1, 7, 7, 2], 1, 'VALID', dilations=2)", "v, w"),
        _grads("tf.nn.conv2d_transpose(u, w, [1, 2, 6, 6], 2, 'SAME', data_format='NCHW')",
               "u, w"),
        _grads("tf.nn.conv2d_transpose(v, w, tf.constant([1, 6, 6, 2]), 2)", "v, w")]),
     {"v": _ints(1, 3, 3, 4), "u": _ints(1, 4, 3, 3), "w": _ints(3, 3, 2, 4)}),
    ("conv2d_transpose_dynamic_output_shape", "tf.nn.conv2d_transpose(v, w, s, 2, 'SAME')",
     {"v": _ints(2, 3, 4, 4), "w": _ints(3, 3, 2, 4), "s": np.array([2, 5, 8, 2], I32)}),
    ("conv3d_transpose", _listed([
        _grads("tf.nn.conv3d_transpose(v, w, [1, 5, 4, 6, 2], [1, 2, 2, 2, 1], 'SAME')", "v, w"),
        _grads("tf.nn.conv3d_transpose(v, w, [1, 4, 3, 5, 2], 1, 'VALID')", "v, w")]),
     {"v": _ints(1, 3, 2, 3, 3), "w": _ints(2, 2, 3, 2, 3)}),
    ("conv1d_transpose", _listed([
        _grads("tf.nn.conv1d_transpose(v, w, [2, 9, 2], 2, 'SAME')", "v, w"),
        _grads("tf.nn.conv1d_transpose(v, w, [2, 7, 2], 1, 'VALID')", "v, w"),
        _grads("tf.nn.conv1d_transpose(u, w, [2, 2, 10], 2, 'SAME', data_format='NCW')",
               "u, w")]),
     {"v": _ints(2, 5, 3), "u": _ints(2, 3, 5), "w": _ints(3, 2, 3)}),
    ("conv_transpose_dispatch", "[tf.nn.conv_transpose(a, f, [1, 6, 2], 2), "
     "tf.nn.conv_transpose(v, w, [1, 6, 6, 2], 2), "
     "tf.nn.conv_transpose(c, k, [1, 4, 4, 4, 2], 2)]",
     {"a": _ints(1, 3, 4), "f": _ints(3, 2, 4), "v": _ints(1, 3, 3, 4), "w": _ints(3, 3, 2, 4),
      "c": _ints(1, 2, 2, 2, 3), "k": _ints(2, 2, 2, 2, 3)}),
    ("atrous_conv2d_transpose", _listed([
        _grads(f"tf.nn.atrous_conv2d_transpose(v, w, {shape}, {rate}, '{padding}')", "v, w")
        for shape, rate, padding in [("[1, 9, 9, 2]", 2, "VALID"), ("[1, 5, 5, 2]", 2, "SAME"),
                                     ("[1, 5, 5, 2]", 3, "SAME"), ("[1, 5, 5, 2]", 1, "SAME")]]),
     {"v": _ints(1, 5, 5, 4), "w": _ints(3, 3, 2, 4)}, 0, ("static",)),
]

OTHER_CONV_CASES = [
    ("conv1d", _listed([
        _grads("tf.nn.conv1d(x, w, 1, 'SAME')", "x, w"),
        _grads("tf.nn.conv1d(x, w, 2, 'VALID')", "x, w"),
        _grads("tf.nn.conv1d(x, w, 1, 'SAME', dilations=2)", "x, w"),
        _grads("tf.nn.conv1d(y, w, 3, 'SAME', data_format='NCW')", "y, w")]),
     {"x": _ints(2, 9, 3), "y": _ints(2, 3, 8), "w": _ints(3, 3, 4)}),
    ("conv3d", _listed([
        _grads("tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME')", "x, w"),
        _grads("tf.nn.conv3d(x, w, [1, 2, 1, 3, 1], 'VALID')", "x, w"),
        _grads("tf.nn.conv3d(x, w, [1, 2, 2, 2, 1], 'SAME')", "x, w"),
        _grads("tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME', dilations=[1, 2, 1, 1, 1])", "x, w"),
        _grads("tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'VALID', dilations=[1, 1, 2, 2, 1])", "x, w"),
        _grads("tf.nn.conv3d(y, w, [1, 1, 2, 1, 2], 'SAME', data_format='NCDHW')", "y, w")]),
     {"x": _ints(2, 5, 6, 7, 2), "y": _ints(2, 2, 5, 6, 7), "w": _ints(2, 3, 2, 2, 3)}),
    ("conv3d_unequal_dilations", _grads(
        "tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'VALID', dilations=[1, 1, 2, 3, 1])", "x, w"),
     {"x": _ints(1, 4, 7, 8, 2), "w": _ints(2, 2, 2, 2, 2)}, 0, ("dynamic",)),
    ("conv3d_backprop_ops", "[tf.raw_ops.Conv3DBackpropInputV2(input_sizes=tf.constant("
     "[2, 5, 6, 7, 2], tf.int64), filter=w, out_backprop=g, strides=[1, 2, 1, 3, 1], "
     "padding='SAME'), tf.nn.conv3d_backprop_filter_v2(x, [2, 3, 2, 2, 3], g, "
     "[1, 2, 1, 3, 1], 'SAME')]",
     {"x": _ints(2, 5, 6, 7, 2), "w": _ints(2, 3, 2, 2, 3), "g": _ints(2, 3, 6, 3, 3)}),
    ("convolution_dispatch", _listed([
        _grads("tf.nn.convolution(a, f, 'SAME', strides=[2])", "a, f"),
        _grads("tf.nn.convolution(x, w, 'VALID', dilation_rate=[2, 1])", "x, w"),
        _grads("tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 2])", "x, w"),
        _grads("tf.nn.convolution(x, w, 'SAME', strides=[2, 1])", "x, w"),
        _grads("tf.nn.convolution(y, w, 'SAME', data_format='NCHW')", "y, w"),
        _grads("tf.nn.convolution(c, k, 'SAME', dilations=[1, 2, 1])", "c, k")]),
     {"a": _ints(2, 9, 3), "f": _ints(3, 3, 2), "x": _ints(2, 8, 7, 3), "y": _ints(2, 3, 8, 7),
      "w": _ints(3, 2, 3, 2), "c": _ints(1, 4, 6, 5, 2), "k": _ints(2, 2, 2, 2, 2)},
     0, ("static",)),
    ("atrous_conv2d", _listed([
        _grads(f"tf.nn.atrous_conv2d(x, w, {rate}, '{padding}')", "x, w")
        for rate in (1, 2, 3) for padding in ("SAME", "VALID")]),
     {"x": _ints(2, 9, 8, 3), "w": _ints(3, 2, 3, 2)}, 0, ("static",)),
]

DEPTHWISE_CASES = [
    (f"depthwise_multiplier_{m}", _listed([
        _grads(f"tf.nn.depthwise_conv2d(x, w, [1, {s}, {s}, 1], {padding})", "x, w")
        for s in (1, 2, 3) for padding in _PADDINGS.values()]),
     {"x": _ints(2, 7, 6, 3), "w": _ints(3, 2, 3, m)})
    for m in (1, 2, 3)
]
DEPTHWISE_CASES += [
    ("depthwise_rates_and_strides", _listed([
        _grads("tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME', rate=[2, 2])", "x, w"),
        _grads("tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'VALID', rate=[2, 1])", "x, w"),
        _grads("tf.nn.depthwise_conv2d(x, w, [1, 2, 3, 1], 'SAME')", "x, w"),
        "[tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], 'VALID', dilations=[1, 2, 2, 1])]"]),
     {"x": _ints(2, 8, 9, 2), "w": _ints(3, 2, 2, 2)}, 0, ("static",)),
    ("depthwise_nchw", "[tf.nn.depthwise_conv2d(y, w, [1, 1, 2, 2], 'SAME', data_format='NCHW'), "
     "tf.nn.depthwise_conv2d_native(y, w, [1, 1, 1, 1], [[0, 0], [0, 0], [1, 0], [2, 1]], "
     "data_format='NCHW')]",
     {"y": _ints(2, 3, 6, 5), "w": _ints(3, 3, 3, 2)}),
    ("depthwise_backprop_ops", "[tf.nn.depthwise_conv2d_native_backprop_input([2, 7, 6, 3], w, "
     "g, [1, 2, 2, 1], 'SAME'), tf.nn.depthwise_conv2d_native_backprop_filter(x, [3, 2, 3, 2], "
     "g, [1, 2, 2, 1], 'SAME')] + tf.gradients(tf.square(tf.nn.depthwise_conv2d_native_"
     "backprop_input([2, 7, 6, 3], w, g, [1, 2, 2, 1], 'SAME')), [w, g]) + "
     "tf.gradients(tf.square(tf.nn.depthwise_conv2d_native_backprop_filter(x, [3, 2, 3, 2], "
     "g, [1, 2, 2, 1], 'SAME')), [x, g])",
     {"x": _ints(2, 7, 6, 3), "w": _ints(3, 2, 3, 2), "g": _ints(2, 4, 3, 6)}),
    ("separable_conv2d", _listed([
        _grads("tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], 'SAME')", "x, d, p"),
        _grads("tf.nn.separable_conv2d(x, d, p, [1, 2, 2, 1], 'VALID')", "x, d, p"),
        _grads("tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], 'SAME', rate=[2, 2])", "x, d, p")]),
     {"x": _ints(2, 7, 8, 3), "d": _ints(3, 3, 3, 2), "p": _ints(1, 1, 6, 4)}, 0, ("static",)),
]

# Run on TF's reference (Eigen) kernels: dtypes, edge cases and errors.
EIGEN_CASES = [
    ("conv2d_dtypes", "[tf.nn.conv2d(h, tf.cast(w, tf.float16), 2, 'SAME'), "
     "tf.nn.conv2d(d, tf.cast(w, tf.float64), 1, 'VALID'), "
     "tf.nn.conv2d(i, tf.cast(w, tf.int32), 1, 'SAME'), "
     "tf.cast(tf.nn.conv2d(tf.cast(d, tf.bfloat16), tf.cast(w, tf.bfloat16), 1, 'SAME'), "
     "tf.float32)]",
     {"h": _ints(1, 5, 6, 3, dtype=F16), "d": _ints(1, 5, 6, 3, dtype=F64),
      "i": _ints(1, 5, 6, 3, dtype=I32), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_half_gradients", _grads("tf.nn.conv2d(h, k, [1, 2, 1, 1], 'SAME')", "h, k"),
     {"h": _ints(1, 5, 6, 3, dtype=F16), "k": _ints(3, 3, 3, 2, dtype=F16)}),
    ("conv2d_empty_batch", _grads("tf.nn.conv2d(x, w, 1, 'SAME')", "x, w"),
     {"x": np.zeros((0, 4, 4, 3), F32), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_no_output_channels", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": _ints(1, 4, 4, 3), "w": np.zeros((3, 3, 3, 0), F32)}),
    ("conv2d_valid_input_smaller_than_filter", "tf.nn.conv2d(x, w, 1, 'VALID')",
     {"x": _ints(1, 2, 2, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_output_size_negative", "tf.nn.conv2d(x, w, 1, 'VALID')",
     {"x": _ints(1, 1, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_depth_mismatch", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": _ints(1, 4, 4, 5), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_groups_output_mismatch", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": _ints(1, 4, 4, 4), "w": _ints(3, 3, 2, 3)}, 0, ("static",)),
    ("conv2d_filter_depth_zero", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": np.zeros((1, 4, 4, 0), F32), "w": np.zeros((3, 3, 0, 2), F32)}, 0, ("static",)),
    ("conv2d_input_depth_zero", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": np.zeros((1, 4, 4, 0), F32), "w": np.zeros((3, 3, 2, 2), F32)}, 0, ("static",)),
    ("conv2d_zero_filter_height", "tf.nn.conv2d(x, w, 1, 'VALID')",
     {"x": _ints(1, 4, 4, 3), "w": np.zeros((0, 3, 3, 2), F32)}),
    ("conv2d_rank", "tf.nn.conv2d(x, w, 1, 'SAME')",
     {"x": _ints(4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static", "unknown_rank")),
    ("conv2d_filter_rank", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='SAME')", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 2)}, 0,
     ("static", "unknown_rank")),
    ("conv2d_strides_in_batch", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[2, 1, 1, 1], "
     "padding='SAME')", {"x": _ints(2, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_dilations_in_depth", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='SAME', dilations=[1, 1, 1, 2])", {"x": _ints(2, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_attr_errors", "[tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1], "
     "padding='SAME')]", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_dilation_count", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='SAME', dilations=[1, 1, 1])", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_nchw_stride_count", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1, 1], "
     "padding='SAME', data_format='NCHW')", {"x": _ints(1, 3, 4, 4), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_stride_zero", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 0, 1, 1], "
     "padding='SAME')", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_dilation_zero", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='SAME', dilations=[1, 0, 1, 1])", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_explicit_count", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='EXPLICIT', explicit_paddings=[0, 0, 1, 1])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_explicit_negative", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='EXPLICIT', explicit_paddings=[0, 0, -1, 1, 1, 1, 0, 0])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_explicit_depth", "tf.raw_ops.Conv2D(input=x, filter=w, strides=[1, 1, 1, 1], "
     "padding='EXPLICIT', explicit_paddings=[0, 0, 1, 1, 1, 1, 0, 1])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_explicit_not_explicit", "tf.raw_ops.Conv2D(input=x, filter=w, "
     "strides=[1, 1, 1, 1], padding='SAME', explicit_paddings=[0, 0, 1, 1, 1, 1, 0, 0])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("conv2d_builder_errors_explicit_string", "tf.nn.conv2d(x, w, 1, 'EXPLICIT')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("conv2d_builder_errors_padding_pairs", "tf.nn.conv2d(x, w, 1, [[0, 0], [1, 1], [0, 0]])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("conv2d_builder_errors_padding_pair_size",
     "tf.nn.conv2d(x, w, 1, [[0, 0], [1, 1, 1], [0, 0], [0, 0]])",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("conv2d_builder_errors_strides", "tf.nn.conv2d(x, w, [1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("conv2d_builder_errors_padding_value", "tf.nn.conv2d(x, w, 1, 'FULL')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("conv1d_bad_format", "tf.nn.conv1d(x, w, 1, 'SAME', data_format='NHC')",
     {"x": _ints(1, 4, 3), "w": _ints(3, 3, 2)}, 0, ("static",)),
    ("convolution_strides_and_dilation", "tf.nn.convolution(x, w, 'SAME', strides=[2, 2], "
     "dilation_rate=[2, 2])", {"x": _ints(1, 6, 6, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("convolution_dilation_length", "tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 2, 2])",
     {"x": _ints(1, 6, 6, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("backprop_input_sizes_count", "tf.nn.conv2d_backprop_input([1, 4, 4], w, g, "
     "[1, 1, 1, 1], 'SAME')", {"w": _ints(3, 3, 3, 2), "g": _ints(1, 4, 4, 2)}, 0, ("static",)),
    ("backprop_input_depth_mismatch", "tf.nn.conv2d_backprop_input([1, 4, 4, 3], w, g, "
     "[1, 1, 1, 1], 'SAME')", {"w": _ints(3, 3, 3, 2), "g": _ints(1, 4, 4, 5)}),
    ("backprop_input_batch_mismatch", "tf.nn.conv2d_backprop_input([2, 4, 4, 3], w, g, "
     "[1, 1, 1, 1], 'SAME')", {"w": _ints(3, 3, 3, 2), "g": _ints(1, 4, 4, 2)}, 0, ("static",)),
    ("backprop_input_size_mismatch", "tf.nn.conv2d_backprop_input([1, 9, 5, 3], w, g, "
     "[1, 2, 2, 1], 'SAME')", {"w": _ints(2, 2, 3, 4), "g": _ints(1, 3, 3, 4)}),
    ("backprop_input_size_mismatch_dynamic", "tf.nn.conv2d_backprop_input(s, w, g, "
     "[1, 2, 2, 1], 'SAME')", {"s": np.array([1, 5, 9, 3], I32), "w": _ints(2, 2, 3, 4),
                               "g": _ints(1, 3, 3, 4)}),
    ("backprop_input_partial_sizes", "tf.nn.conv2d_backprop_input(tf.stack([tf.shape(g)[0], 5, "
     "5, 3]), w, g, [1, 2, 2, 1], 'SAME')", {"w": _ints(2, 2, 3, 4), "g": _ints(1, 3, 3, 4)}),
    ("backprop_filter_size_mismatch", "tf.nn.conv2d_backprop_filter(x, [2, 2, 3, 4], g, "
     "[1, 2, 2, 1], 'SAME')", {"x": _ints(2, 5, 5, 3), "g": _ints(2, 4, 3, 4)}),
    ("backprop_filter_batch_mismatch", "tf.nn.conv2d_backprop_filter(x, [2, 2, 3, 4], g, "
     "[1, 2, 2, 1], 'SAME')", {"x": _ints(2, 5, 5, 3), "g": _ints(1, 3, 3, 4)}),
    ("backprop_filter_sizes_rank", "tf.nn.conv2d_backprop_filter(x, [2, 3, 4], g, "
     "[1, 2, 2, 1], 'SAME')", {"x": _ints(2, 5, 5, 3), "g": _ints(2, 3, 3, 4)}, 0, ("static",)),
    ("conv2d_transpose_bad_output_shape", "tf.nn.conv2d_transpose(v, w, [1, 8, 8, 2], 2)",
     {"v": _ints(1, 3, 3, 4), "w": _ints(3, 3, 2, 4)}),
    ("conv2d_transpose_channel_mismatch", "tf.nn.conv2d_transpose(v, w, [1, 6, 6, 2], 2)",
     {"v": _ints(1, 3, 3, 5), "w": _ints(3, 3, 2, 4)}, 0, ("static",)),
    ("conv2d_transpose_output_shape_length", "tf.nn.conv2d_transpose(v, w, [1, 6, 6], 2)",
     {"v": _ints(1, 3, 3, 4), "w": _ints(3, 3, 2, 4)}, 0, ("static",)),
    ("atrous_transpose_rate_zero", "tf.nn.atrous_conv2d_transpose(v, w, [1, 6, 6, 2], 0, "
     "'SAME')", {"v": _ints(1, 6, 6, 4), "w": _ints(3, 3, 2, 4)}, 0, ("static",)),
    ("atrous_transpose_channels", "tf.nn.atrous_conv2d_transpose(v, w, [1, 6, 6, 2], 2, "
     "'SAME')", {"v": _ints(1, 6, 6, 3), "w": _ints(3, 3, 2, 4)}, 0, ("static",)),
    ("conv3d_errors_rank", "tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(2, 2, 2, 3, 2)}, 0, ("static",)),
    ("conv3d_errors_strides", "tf.nn.conv3d(x, w, [1, 1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 4, 3), "w": _ints(2, 2, 2, 3, 2)}, 0, ("static",)),
    ("conv3d_errors_dilations", "tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME', "
     "dilations=[1, 1, 1, 1])", {"x": _ints(1, 4, 4, 4, 3), "w": _ints(2, 2, 2, 3, 2)}, 0,
     ("static",)),
    ("conv3d_errors_depth", "tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 4, 3), "w": _ints(2, 2, 2, 2, 2)}, 0, ("static",)),
    ("conv3d_errors_negative", "tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'VALID')",
     {"x": _ints(1, 4, 2, 4, 3), "w": _ints(2, 3, 2, 3, 2)}, 0, ("static",)),
    ("conv3d_strides_in_batch", "tf.nn.conv3d(x, w, [2, 1, 1, 1, 1], 'SAME')",
     {"x": _ints(2, 4, 4, 4, 3), "w": _ints(2, 2, 2, 3, 2)}),
    ("conv3d_backprop_size_mismatch", "tf.raw_ops.Conv3DBackpropInputV2(input_sizes=[1, 4, 6, "
     "4, 2], filter=w, out_backprop=g, strides=[1, 1, 2, 1, 1], padding='SAME')",
     {"w": _ints(2, 3, 2, 2, 3), "g": _ints(1, 4, 4, 4, 3)}),
    ("conv3d_backprop_filter_size_mismatch", "tf.nn.conv3d_backprop_filter_v2(x, "
     "[2, 3, 2, 2, 3], g, [1, 1, 2, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 6, 4, 2), "g": _ints(1, 4, 4, 4, 3)}),
    ("depthwise_errors_depth", "tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 4, 2)}),
    ("depthwise_errors_strides", "tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1], 'SAME')",
     {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("depthwise_errors_dilations", "tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], 'SAME', "
     "dilations=[1, 1, 1])", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0, ("static",)),
    ("depthwise_errors_explicit", "tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], "
     "[[1, 0], [1, 1], [0, 0], [0, 0]])", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0,
     ("static",)),
    ("depthwise_errors_negative", "tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], 'VALID', "
     "dilations=[1, 2, 1, 1])", {"x": _ints(1, 4, 4, 3), "w": _ints(3, 3, 3, 2)}, 0,
     ("static",)),
    ("depthwise_strides_in_batch", "tf.nn.depthwise_conv2d_native(x, w, [2, 1, 1, 1], 'SAME')",
     {"x": _ints(2, 4, 4, 3), "w": _ints(3, 3, 3, 2)}),
    ("depthwise_backprop_rows_mismatch", "tf.nn.depthwise_conv2d_native_backprop_input("
     "[2, 6, 7, 3], w, g, [1, 2, 2, 1], 'SAME')",
     {"w": _ints(3, 2, 3, 2), "g": _ints(2, 4, 4, 6)}),
    ("depthwise_backprop_filter_rows_mismatch", "tf.nn.depthwise_conv2d_native_backprop_filter("
     "x, [3, 2, 3, 2], g, [1, 2, 2, 1], 'SAME')",
     {"x": _ints(2, 6, 7, 3), "g": _ints(2, 4, 4, 6)}),
    ("separable_pointwise_not_1x1", "tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], 'SAME')",
     {"x": _ints(1, 5, 5, 3), "d": _ints(3, 3, 3, 2), "p": _ints(2, 1, 6, 4)}, 0, ("static",)),
]
# fmt: on

ONEDNN_CASES = CONV2D_CASES + BACKPROP_CASES + TRANSPOSE_CASES + OTHER_CONV_CASES + DEPTHWISE_CASES


class _Tagged:
    """A writer that records which TF kernels produced a case."""

    def __init__(self, writer, kernels: str):
        self._writer, self._kernels = writer, kernels

    def save(self, case, arrays, meta):
        self._writer.save(case, arrays, {**meta, "kernels": self._kernels})


def generate(tf, writer):
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0":
        math_goldens.save_cases(tf, _Tagged(writer, "eigen"), EIGEN_CASES)
        return
    math_goldens.save_cases(tf, _Tagged(writer, "onednn"), ONEDNN_CASES)
    root = pathlib.Path(__file__).resolve().parent.parent
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0"}
    subprocess.run([sys.executable, str(root / "make_goldens.py"), "conv"], env=env, check=True)
