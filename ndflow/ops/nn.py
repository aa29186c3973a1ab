"""Neural-network ops: Relu, Softmax and BiasAdd with `tf.nn.relu`, `tf.nn.softmax` and
`tf.nn.bias_add` (the rest of tf.nn joins with later issues).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_HALF = frozenset({"float16", "bfloat16"})


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- Relu


def _relu_kernel(ctx, features):
    # A select, not np.maximum: TF keeps -0.0 (and NaN) as they are.
    return np.where(features < 0, np.zeros((), np.asarray(features).dtype), features)


registry.register_op(
    "Relu",
    inputs=["features: T"],
    outputs=["activations: T"],
    attrs=["T: {realnumbertype, qint8}"],
    shape=elementwise.unary_shape,
    kernel=_relu_kernel,
)


def relu(features, name=None):
    """Mirrors `tf.nn.relu`: max(features, 0); NaN stays NaN.

    Args:
      features: a real Tensor.
      name: the op name (default "Relu").

    Returns:
      A Tensor of features' type and shape.

    >>> relu(constant([-1.0, 2.0]))  # [0., 2.]
    <tf.Tensor 'Relu:0' shape=(2,) dtype=float32>
    """
    return apply_op("Relu", features, name=name)


# ---------------------------------------------------------------------- Softmax


def _softmax_shape(op):
    return [shape_errors.require_rank_at_least(op.inputs[0].shape, 1)]


def _softmax_kernel(ctx, logits):
    if np.ndim(logits) < 1:
        raise _invalid(
            f"logits must have >= 1 dimension, got shape {format_dims(np.shape(logits))}"
        )
    values = np.asarray(logits)
    work = values.astype(np.float32) if values.dtype.name in _HALF else values
    top = np.max(work, axis=-1, keepdims=True, initial=-np.inf)
    shifted = np.exp(work - top)
    return (shifted / np.sum(shifted, axis=-1, keepdims=True)).astype(values.dtype, copy=False)


registry.register_op(
    "Softmax",
    inputs=["logits: T"],
    outputs=["softmax: T"],
    attrs=["T: {half, bfloat16, float, double}"],
    shape=_softmax_shape,
    kernel=_softmax_kernel,
)


def _swap_with_last(axis: int, rank: int):
    """The permutation (as a Const) swapping `axis` with the last axis; its own inverse."""
    perm = np.arange(rank, dtype=np.int32)
    perm[[axis, rank - 1]] = perm[[rank - 1, axis]]
    return op_builder.constant(perm)


def softmax(logits, axis=None, name=None, dim=None):
    """Mirrors TF1 `tf.nn.softmax`: exp(x) / sum(exp(x)) along `axis` (default the last).

    Another axis is swapped with the last one around the op, as TF does.

    Args:
      logits: a float Tensor.
      axis: the axis to normalize over.
      name: the op name (default "Softmax").
      dim: the deprecated name of `axis`.

    Returns:
      A Tensor of logits' type and shape.

    Raises:
      InvalidArgumentError: for an axis outside [-rank, rank).
      ValueError: for both `axis` and `dim`, or a non-last axis of an unknown-rank input.

    >>> softmax(constant([[0.0, 0.0]]))  # [[0.5, 0.5]]
    <tf.Tensor 'Softmax:0' shape=(1, 2) dtype=float32>
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    axis = -1 if axis is None else axis
    logits = convert_to_tensor(logits)
    shape = logits.shape
    if axis == -1 or axis == (shape.rank or 0) - 1:
        return apply_op("Softmax", logits, name=name)
    if shape.rank is None:
        raise ValueError("softmax over a non-last axis needs a known rank")
    if not -shape.rank <= axis < shape.rank:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"`dim` must be in the range [{-shape.rank}, {shape.rank}) where "
            f"{shape.rank} is the number of dimensions in the input. Received: dim={axis}",
        )
    perm = _swap_with_last(axis % shape.rank, shape.rank)
    swapped = apply_op("Softmax", apply_op("Transpose", logits, perm))
    output = apply_op("Transpose", swapped, perm, name=name)
    output.set_shape(shape)
    return output


# ---------------------------------------------------------------------- BiasAdd


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
    return np.add(value, np.reshape(bias, np.shape(bias) + trailing))


registry.register_op(
    "BiasAdd",
    inputs=["value: T", "bias: T"],
    outputs=["output: T"],
    attrs=["T: numbertype", "data_format: {'NHWC', 'NCHW'} = 'NHWC'"],
    shape=_bias_add_shape,
    kernel=_bias_add_kernel,
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
