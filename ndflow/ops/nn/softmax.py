"""Softmax and LogSoftmax over the last axis, with their gradients (TF's nn_grad.py) and
`tf.nn.softmax` / `tf.nn.log_softmax` (another axis is swapped to the end around the op,
as TF does). Half types are computed in float32.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_HALF = frozenset({"float16", "bfloat16"})
_FLOAT = "T: {half, bfloat16, float, double}"


def _softmax_shape(op):
    return [shape_errors.require_rank_at_least(op.inputs[0].shape, 1)]


def _shifted_logits(logits):
    """(x - max(x) along the last axis, in float32 for half types; x's dtype)."""
    if np.ndim(logits) < 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"logits must have >= 1 dimension, got shape {format_dims(np.shape(logits))}",
        )
    values = np.asarray(logits)
    work = values.astype(np.float32) if values.dtype.name in _HALF else values
    return work - np.max(work, axis=-1, keepdims=True, initial=-np.inf), values.dtype


def _softmax_kernel(ctx, logits):
    shifted, dtype = _shifted_logits(logits)
    weights = np.exp(shifted)
    return (weights / np.sum(weights, axis=-1, keepdims=True)).astype(dtype, copy=False)


def _log_softmax_kernel(ctx, logits):
    shifted, dtype = _shifted_logits(logits)
    total = np.sum(np.exp(shifted), axis=-1, keepdims=True)
    return (shifted - np.log(total)).astype(dtype, copy=False)


def _sum_last(x):
    """reduce_sum(x, -1, keepdims=True), as TF's softmax gradients build it."""
    return apply_op("Sum", x, op_builder.constant(-1), keep_dims=True)


def _softmax_grad(op, grad):
    """TF's `_SoftmaxGrad`: (grad - sum(grad * softmax)) * softmax."""
    softmax = op.outputs[0]
    return [(grad - _sum_last(grad * softmax)) * softmax]


def _log_softmax_grad(op, grad):
    """TF's `_LogSoftmaxGrad`: grad - sum(grad) * exp(log_softmax)."""
    return [grad - _sum_last(grad) * apply_op("Exp", op.outputs[0])]


registry.register_op(
    "Softmax",
    inputs=["logits: T"],
    outputs=["softmax: T"],
    attrs=[_FLOAT],
    shape=_softmax_shape,
    kernel=_softmax_kernel,
    grad=_softmax_grad,
)
registry.register_op(
    "LogSoftmax",
    inputs=["logits: T"],
    outputs=["logsoftmax: T"],
    attrs=[_FLOAT],
    shape=_softmax_shape,
    kernel=_log_softmax_kernel,
    grad=_log_softmax_grad,
)


def _swap_with_last(axis: int, rank: int):
    """The permutation (as a Const) swapping `axis` with the last axis; its own inverse."""
    perm = np.arange(rank, dtype=np.int32)
    perm[[axis, rank - 1]] = perm[[rank - 1, axis]]
    return op_builder.constant(perm)


def _along_axis(op_type, logits, axis, name, dim):
    """`op_type` applied along `axis` (TF's `_wrap_2d_function`)."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    axis = -1 if axis is None else axis
    logits = convert_to_tensor(logits)
    shape = logits.shape
    if axis == -1 or axis == (shape.rank or 0) - 1:
        return apply_op(op_type, logits, name=name)
    if shape.rank is None:
        raise ValueError(f"{op_type} over a non-last axis needs a known rank")
    if not -shape.rank <= axis < shape.rank:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"`dim` must be in the range [{-shape.rank}, {shape.rank}) where "
            f"{shape.rank} is the number of dimensions in the input. Received: dim={axis}",
        )
    perm = _swap_with_last(axis % shape.rank, shape.rank)
    swapped = apply_op(op_type, apply_op("Transpose", logits, perm))
    output = apply_op("Transpose", swapped, perm, name=name)
    output.set_shape(shape)
    return output


def softmax(logits, axis=None, name=None, dim=None):
    """Mirrors TF1 `tf.nn.softmax`: exp(x) / sum(exp(x)) along `axis` (default the last).

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
    return _along_axis("Softmax", logits, axis, name, dim)


def log_softmax(logits, axis=None, name=None, dim=None):
    """Mirrors TF1 `tf.nn.log_softmax`: x - log(sum(exp(x))) along `axis` (default the last).

    Args:
      logits: a float Tensor.
      axis: the axis to normalize over.
      name: the op name (default "LogSoftmax").
      dim: the deprecated name of `axis`.

    Returns:
      A Tensor of logits' type and shape.

    Raises:
      InvalidArgumentError: for an axis outside [-rank, rank).
      ValueError: for both `axis` and `dim`.

    >>> log_softmax(constant([[0.0, 0.0]]))  # [[-0.6931, -0.6931]]
    <tf.Tensor 'LogSoftmax:0' shape=(1, 2) dtype=float32>
    """
    return _along_axis("LogSoftmax", logits, axis, name, dim)
