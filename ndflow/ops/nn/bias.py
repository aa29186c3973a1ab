"""BiasAdd and BiasAddGrad (the bias's gradient: a sum over all but the channel dim), with
their gradients (TF's nn_grad.py) and `tf.nn.bias_add`.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_FORMAT = "data_format: {'NHWC', 'NCHW'} = 'NHWC'"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _bias_add_grad(op, received_grad):
    """TF's `_BiasAddGrad`: the gradient itself for the value, BiasAddGrad for the bias."""
    bias_grad = apply_op("BiasAddGrad", received_grad, data_format=op.attrs["data_format"])
    return [received_grad, bias_grad]


def _bias_add_shape(op):
    nchw = op.attrs["data_format"] == "NCHW"
    value = shape_errors.require_rank_at_least(op.inputs[0].shape, 3 if nchw else 2)
    bias = shape_errors.require_rank(op.inputs[1].shape, 1)
    if value.rank is None:
        return [tensor_shape.unknown_shape()]
    dims = value.as_list()
    channel = 1 if nchw else -1
    dims[channel] = shape_errors.merge_dims(dims[channel], bias.as_list()[0])
    return [tensor_shape.TensorShape(dims)]


def _bias_add_kernel(ctx, value, bias, data_format):
    if np.ndim(value) < 2:
        raise _invalid(f"Input tensor must be at least 2D: {format_dims(np.shape(value))}")
    if np.ndim(bias) != 1:
        raise _invalid(f"Biases must be 1D: {format_dims(np.shape(bias))}")
    channel = 1 if data_format == "NCHW" else np.ndim(value) - 1
    if np.shape(value)[channel] != np.shape(bias)[0]:
        raise _invalid(
            "Must provide as many biases as the last dimension of the input tensor: "
            f"{format_dims(np.shape(bias))} vs. {format_dims(np.shape(value))}"
        )
    trailing = (1,) * (np.ndim(value) - channel - 1)
    bias = np.reshape(bias, np.shape(bias) + trailing)
    if registry.donated(ctx, value) and np.result_type(value, bias) == value.dtype:
        return np.add(value, bias, out=value)
    return np.add(value, bias)


registry.register_op(
    "BiasAdd",
    inputs=["value: T", "bias: T"],
    outputs=["output: T"],
    attrs=["T: numbertype", _FORMAT],
    shape=_bias_add_shape,
    kernel=_bias_add_kernel,
    grad=_bias_add_grad,
    forwards_input=0,
)


def bias_add(value, bias, data_format=None, name=None):
    """Mirrors `tf.nn.bias_add`: adds a 1-D bias along the channel dimension.

    Args:
      value: a Tensor of rank >= 2 (>= 3 for "NC..." formats).
      bias: a 1-D Tensor of value's type, one entry per channel.
      data_format: "N...C" (channels last, default) or "NC..." (channels first).
      name: the op name (default "BiasAdd").

    Returns:
      A Tensor of value's type and shape.

    Raises:
      ValueError: for another data_format, or a bias that does not match the channels.

    >>> bias_add(constant([[1.0, 2.0]]), constant([10.0, 20.0]))  # [[11., 22.]]
    <tf.Tensor 'BiasAdd:0' shape=(1, 2) dtype=float32>
    """
    with graph_lib.name_scope(name, "BiasAdd", [value, bias]) as scope:
        if data_format is not None:
            if data_format.startswith("NC"):
                data_format = "NCHW"
            elif data_format.startswith("N") and data_format.endswith("C"):
                data_format = "NHWC"
            else:
                raise ValueError(
                    "`data_format` must be of the form `N...C` or `NC...`. "
                    f"Received: data_format={data_format}"
                )
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype.base_dtype, name="bias")
        if data_format is None:
            return apply_op("BiasAdd", value, bias, name=scope)
        return apply_op("BiasAdd", value, bias, data_format=data_format, name=scope)


# ---------------------------------------------------------------------- BiasAddGrad


def _bias_add_grad_shape(op):
    nchw = op.attrs["data_format"] == "NCHW"
    value = shape_errors.require_rank_at_least(op.inputs[0].shape, 3 if nchw else 2)
    if value.rank is None:
        return [tensor_shape.TensorShape([None])]
    return [tensor_shape.TensorShape([value.as_list()[1 if nchw else -1]])]


def _bias_add_grad_kernel(ctx, out_backprop, data_format):
    if np.ndim(out_backprop) < 2:
        raise _invalid(f"Input tensor must be at least 2D: {format_dims(np.shape(out_backprop))}")
    channel = 1 if data_format == "NCHW" else np.ndim(out_backprop) - 1
    axes = tuple(axis for axis in range(np.ndim(out_backprop)) if axis != channel)
    values = np.asarray(out_backprop)
    wide = np.float32 if values.dtype.name in ("float16", "bfloat16") else values.dtype
    return np.sum(values, axis=axes, dtype=wide).astype(values.dtype)


def _bias_add_grad_grad(op, received_grad):
    """TF's `_BiasAddGradGrad`: the bias gradient tiled back over the other dims."""
    shape = apply_op("Shape", op.inputs[0])
    bias_shape = apply_op("Shape", received_grad)
    one = op_builder.constant([1])
    if op.attrs["data_format"] == "NCHW":
        parts = [array.ones_like(shape[:1]), bias_shape, array.ones_like(shape[2:])]
        multiples = [shape[:1], one, shape[2:]]
    else:
        parts = [array.ones_like(shape[:-1]), bias_shape]
        multiples = [shape[:-1], one]
    expanded = apply_op("Reshape", received_grad, apply_op("ConcatV2", parts, 0))
    return [apply_op("Tile", expanded, apply_op("ConcatV2", multiples, 0))]


registry.register_op(
    "BiasAddGrad",
    inputs=["out_backprop: T"],
    outputs=["output: T"],
    attrs=["T: numbertype", _FORMAT],
    shape=_bias_add_grad_shape,
    kernel=_bias_add_grad_kernel,
    grad=_bias_add_grad_grad,
)
