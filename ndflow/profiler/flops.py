"""Float operations of an op from its shapes: TF's `flops` statistics
(tensorflow/python/profiler/internal/flops_registry.py and the MatMul/Conv2D registrations).

`float_ops(op, shape_of)` returns None when the op has no flops rule or a needed shape is not
fully known; `shape_of(tensor)` gives a tensor's dims (static, completed from a traced run).
"""

from __future__ import annotations

import math

# Ops counted as `ops_per_element` float operations per output element.
_ELEMENTWISE = {
    **dict.fromkeys(("Reciprocal", "Square", "Log", "Neg", "AssignSub", "AssignAdd"), 1),
    **dict.fromkeys(("Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Pow"), 1),
    **dict.fromkeys(("Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"), 1),
    "Rsqrt": 2,
    "Softmax": 5,
    "SquaredDifference": 2,
    "RsqrtGrad": 4,
}
# Reductions: (flops per input element, flops per output element).
_REDUCTIONS = {
    "Sum": (1, 0),
    "Mean": (1, 1),
    "ArgMax": (1, 0),
    "ArgMin": (1, 0),
    "BiasAddGrad": (1, 0),
}


def _elements(dims) -> int | None:
    if dims is None or any(d is None for d in dims):
        return None
    return math.prod(dims)


def float_ops(op, shape_of) -> int | None:
    """TF's flops count for `op`, or None."""
    rule = _RULES.get(op.type)
    if rule is not None:
        return rule(op, shape_of)
    if op.type in _ELEMENTWISE:
        count = _elements(shape_of(op.outputs[0] if op.outputs else op.inputs[0]))
        return None if count is None else count * _ELEMENTWISE[op.type]
    if op.type in _REDUCTIONS:
        return _reduction(op, shape_of, *_REDUCTIONS[op.type])
    return None


def _reduction(op, shape_of, per_input: int, per_output: int) -> int | None:
    inputs = _elements(shape_of(op.inputs[0]))
    outputs = _elements(shape_of(op.outputs[0]))
    if inputs is None or outputs is None:
        return None
    return inputs * per_input + outputs * (per_output - per_input if per_output else 0)


def _matmul(op, shape_of) -> int | None:
    a = shape_of(op.inputs[0])
    out = _elements(shape_of(op.outputs[0]))
    if a is None or out is None or a[-1] is None:
        return None
    transpose = op.get_attr("transpose_a") if op.type == "MatMul" else op.get_attr("adj_x")
    k = a[-2] if transpose else a[-1]
    return None if k is None else 2 * k * out


def _conv2d(op, shape_of) -> int | None:
    kernel = shape_of(op.inputs[1])
    out = _elements(shape_of(op.outputs[0]))
    if out is None or _elements(kernel) is None:
        return None
    return 2 * out * kernel[0] * kernel[1] * kernel[2]


def _depthwise(op, shape_of) -> int | None:
    kernel = shape_of(op.inputs[1])
    out = _elements(shape_of(op.outputs[0]))
    if out is None or _elements(kernel) is None:
        return None
    return 2 * out * kernel[0] * kernel[1]


def _conv2d_backprop(op, shape_of) -> int | None:
    """2 * |image| * |kernel| / (image depth * stride area), the image being the input
    gradient (BackpropInput's output) or the input (BackpropFilter's input 0)."""
    backprop_input = op.type == "Conv2DBackpropInput"
    image = shape_of(op.outputs[0] if backprop_input else op.inputs[0])
    kernel = _elements(shape_of(op.inputs[1] if backprop_input else op.outputs[0]))
    if _elements(image) is None or kernel is None:
        return None
    strides = op.get_attr("strides")
    return int(2 * _elements(image) * kernel / (image[-1] * strides[1] * strides[2]))


def _pool(op, shape_of) -> int | None:
    out = _elements(shape_of(op.outputs[0]))
    return None if out is None else out * math.prod(op.get_attr("ksize"))


def _avg_pool_grad(op, shape_of) -> int | None:
    grads = _elements(shape_of(op.inputs[1]))
    return None if grads is None else grads * math.prod(op.get_attr("ksize")) * 2


def _max_pool_grad(op, shape_of) -> int | None:
    pooled = _elements(shape_of(op.inputs[1]))
    return None if pooled is None else pooled * math.prod(op.get_attr("ksize")) + pooled


def _add_n(op, shape_of) -> int | None:
    out = _elements(shape_of(op.outputs[0]))
    return None if out is None else out * (len(op.inputs) - 1)


def _l2_loss(op, shape_of) -> int | None:
    count = _elements(shape_of(op.inputs[0]))
    return None if count is None else count * 3 - 1


def _bias_add(op, shape_of) -> int | None:
    return _elements(shape_of(op.inputs[0]))


_RULES = {
    "MatMul": _matmul,
    "BatchMatMul": _matmul,
    "BatchMatMulV2": _matmul,
    "Conv2D": _conv2d,
    "DepthwiseConv2dNative": _depthwise,
    "Conv2DBackpropInput": _conv2d_backprop,
    "Conv2DBackpropFilter": _conv2d_backprop,
    "MaxPool": _pool,
    "AvgPool": _pool,
    "MaxPoolGrad": _max_pool_grad,
    "AvgPoolGrad": _avg_pool_grad,
    "AddN": _add_n,
    "L2Loss": _l2_loss,
    "BiasAdd": _bias_add,
}
