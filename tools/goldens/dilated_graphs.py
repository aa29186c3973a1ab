"""Golden graphs of TF's dilated windowed builders, recorded from real TensorFlow: every op
(name, type, inputs, the value of small int Consts, static output shapes) that
`tf.nn.convolution`, `atrous_conv2d`, `depthwise_conv2d`, `separable_conv2d`, `tf.nn.pool`,
`atrous_conv2d_transpose` and `tf.nn.with_space_to_batch` build around SpaceToBatchND and
BatchToSpaceND, with static and unknown input dims; and the values, where TF's CPU kernels
run the graph (not NCHW convolutions).

Inputs are small integers stored as floats, so the values are exact in any summation order.
tests/ops/test_nn_dilated_goldens.py rebuilds each graph with ndflow and compares.
"""

from __future__ import annotations

import numpy as np

_RNG = np.random.default_rng(11)


def _ints(*shape):
    return _RNG.integers(-2, 3, size=shape).astype(np.float32)


X = _ints(2, 9, 10, 3)
X_NCHW = _ints(2, 3, 9, 10)
W = _ints(3, 3, 3, 4)
DW = _ints(3, 3, 3, 2)
PW = _ints(1, 1, 6, 4)

# (case name, expression, inputs, modes). Modes shape the placeholder of `x`: "static" (full
# shape), "dynamic" (every dim unknown) or "batch" (unknown batch); the others are static.
CASES = [
    (
        "conv_valid",
        "tf.nn.convolution(x, w, 'VALID', dilation_rate=[2, 2])",
        {"x": X, "w": W},
        ("static", "dynamic"),
    ),
    (
        "conv_same",
        "tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 3])",
        {"x": X, "w": W},
        ("static", "dynamic", "batch"),
    ),
    (
        "conv_explicit",
        "tf.nn.convolution(x, w, [[0, 0], [1, 2], [2, 0], [0, 0]], dilation_rate=[2, 2])",
        {"x": X, "w": W},
        ("static",),
    ),
    (
        "conv_nchw",
        "tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 2], data_format='NCHW')",
        {"x": X_NCHW, "w": W},
        ("static", "dynamic"),
    ),
    (
        "conv1d",
        "tf.nn.convolution(x, w, 'SAME', dilation_rate=[3])",
        {"x": _ints(2, 11, 3), "w": _ints(3, 3, 4)},
        ("static", "dynamic"),
    ),
    (
        "conv3d",
        "tf.nn.convolution(x, w, 'VALID', dilation_rate=[2, 1, 2])",
        {"x": _ints(1, 5, 6, 7, 2), "w": _ints(2, 2, 2, 2, 3)},
        ("static",),
    ),
    (
        "conv_rate_one",
        "tf.nn.convolution(x, w, 'SAME', dilation_rate=[1, 1])",
        {"x": X, "w": W},
        ("static",),
    ),
    ("atrous", "tf.nn.atrous_conv2d(x, w, 2, 'SAME')", {"x": X, "w": W}, ("static", "batch")),
    (
        "atrous_gradients",
        "tf.gradients(tf.nn.atrous_conv2d(x, w, 2, 'VALID'), [x, w], grad_ys=g)",
        {"x": X, "w": W, "g": _ints(2, 5, 6, 4)},
        ("static",),
    ),
    (
        "pool_gradients",
        "tf.gradients(tf.nn.pool(x, [2, 2], 'AVG', 'VALID', dilation_rate=[2, 2]), x, grad_ys=g)",
        {"x": X, "g": _ints(2, 7, 8, 3)},
        ("static",),
    ),
    (
        "depthwise_rate_one",
        "tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME')",
        {"x": X, "w": DW},
        ("static",),
    ),
    (
        "depthwise_rate",
        "tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME', rate=[2, 3])",
        {"x": X, "w": DW},
        ("static", "dynamic"),
    ),
    (
        "depthwise_filter_unknown",
        "tf.nn.depthwise_conv2d(x, tf.placeholder_with_default(w, "
        "[None, None, 3, 2]), [1, 1, 1, 1], 'VALID', rate=[2, 2])",
        {"x": X, "w": DW},
        ("static",),
    ),
    (
        "separable_rate_one",
        "tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], 'SAME')",
        {"x": X, "d": DW, "p": PW},
        ("static",),
    ),
    (
        "separable_rate",
        "tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], 'VALID', rate=[2, 2])",
        {"x": X, "d": DW, "p": PW},
        ("static", "dynamic"),
    ),
    (
        "pool_max",
        "tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 3])",
        {"x": X},
        ("static", "dynamic"),
    ),
    (
        "pool_avg_1d",
        "tf.nn.pool(x, [3], 'AVG', 'VALID', dilation_rate=[2])",
        {"x": _ints(2, 11, 3)},
        ("static",),
    ),
    (
        "pool_nchw",
        "tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2], data_format='NCHW')",
        {"x": X_NCHW},
        ("static", "dynamic"),
    ),
    (
        "pool_3d",
        "tf.nn.pool(x, [2, 2, 2], 'AVG', 'VALID', dilation_rate=[2, 1, 3])",
        {"x": _ints(1, 5, 6, 7, 2)},
        ("static",),
    ),
    (
        "atrous_transpose_valid",
        "tf.nn.atrous_conv2d_transpose(x, w, [2, 9, 10, 3], 2, 'VALID')",
        {"x": _ints(2, 5, 6, 4), "w": W},
        ("static",),
    ),
    (
        "atrous_transpose_same",
        "tf.nn.atrous_conv2d_transpose(x, w, [2, 9, 10, 3], 3, 'SAME')",
        {"x": _ints(2, 9, 10, 4), "w": W},
        ("static",),
    ),
    (
        "atrous_transpose_tensor_shape",
        "tf.nn.atrous_conv2d_transpose(x, w, tf.shape(tf.zeros([2, 9, 10, 3])), 2, 'SAME')",
        {"x": _ints(2, 9, 10, 4), "w": W},
        ("static",),
    ),
    (
        "with_space_to_batch",
        "tf.nn.with_space_to_batch(x, [2, 2], 'SAME', lambda v, n, p: "
        "tf.nn.max_pool(v, [1, 3, 3, 1], [1, 1, 1, 1], p), filter_shape=[3, 3])",
        {"x": X},
        ("static", "dynamic"),
    ),
]


def _shape(name, value, mode):
    if mode == "static" or name != "x":
        return value.shape
    if mode == "batch":
        return (None, *value.shape[1:])
    return (None,) * value.ndim


def _const_value(tf, op):
    """Small integer Consts (the paddings, crops and block shapes) by value."""
    value = tf.make_ndarray(op.get_attr("value"))
    if value.dtype.kind not in "iu" or value.size > 16:
        return None
    return value.tolist()


def _ops(tf, graph):
    records = []
    for op in graph.get_operations():
        record = {
            "name": op.name,
            "type": op.type,
            "inputs": [t.name for t in op.inputs],
            "shapes": [None if t.shape.rank is None else t.shape.as_list() for t in op.outputs],
        }
        if op.type == "Const":
            record["value"] = _const_value(tf, op)
        records.append(record)
    return records


def _run_mode(tf, expr, inputs, mode, arrays):
    graph = tf.Graph()
    with graph.as_default():
        feeds = {
            name: tf.placeholder(tf.float32, _shape(name, value, mode), name=name)
            for name, value in inputs.items()
        }
        result = eval(compile(expr, __file__, "eval"), {"tf": tf, **feeds})  # noqa: S307
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        info = {"ops": _ops(tf, graph), "outputs": [t.name for t in outputs]}
        try:
            with tf.Session(graph=graph) as sess:
                values = sess.run(outputs, {feeds[n]: v for n, v in inputs.items()})
        except tf.errors.OpError as err:
            info["run_error"] = type(err).__name__
            return info
    for index, value in enumerate(values):
        arrays[f"{mode}_out{index}"] = value
    return info


def generate(tf, writer):
    for name, expr, inputs, modes in CASES:
        arrays = {f"in_{key}": value for key, value in inputs.items()}
        recorded = {mode: _run_mode(tf, expr, inputs, mode, arrays) for mode in modes}
        writer.save(name, arrays, {"call": expr, "modes": recorded})
