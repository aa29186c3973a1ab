"""InTopKV2 and the older InTopK (k as an attr): whether each target's prediction is among
the k largest of its row, with `tf.nn.in_top_k` / `tf.math.in_top_k` (TF1 signature).

TF's rule, unlike TopKV2's: a target tied with the k-th largest counts as in the top k (the
target is in when fewer than k predictions are strictly larger); a row holding any
non-finite prediction, or a target outside [0, classes), is never in.
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
format_dims = elementwise.format_dims


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _in_top_k_shape(op):
    predictions = shape_errors.require_rank(op.inputs[0].shape, 2)
    targets = shape_errors.require_rank(op.inputs[1].shape, 1)
    batch = shape_errors.merge_dims(predictions.as_list()[0], targets.as_list()[0])
    return [tensor_shape.TensorShape([batch])]


def _in_top_k(predictions, targets, k) -> np.ndarray:
    if np.ndim(predictions) != 2:
        raise _invalid("predictions must be 2-dimensional")
    if np.ndim(targets) != 1:
        raise _invalid("targets must be 1-dimensional")
    batch, classes = np.shape(predictions)
    if np.shape(targets)[0] != batch:
        raise _invalid(
            f"First dimension of predictions {batch} must match length of targets "
            f"{np.shape(targets)[0]}"
        )
    targets = np.asarray(targets, dtype=np.int64)
    valid = (targets >= 0) & (targets < classes)
    rows = np.arange(batch)
    target_values = np.asarray(predictions)[rows, np.where(valid, targets, 0)]
    larger = np.sum(predictions > target_values[:, None], axis=1)
    finite = np.all(np.isfinite(predictions), axis=1)
    return valid & finite & (larger < k)


def _in_top_k_v2_kernel(ctx, predictions, targets, k):
    if np.ndim(k) != 0:
        raise _invalid(f"k must be 0-D, got shape {format_dims(np.shape(k))}")
    return _in_top_k(predictions, targets, int(k))


def _in_top_k_kernel(ctx, predictions, targets, k):
    return _in_top_k(predictions, targets, int(k))


registry.register_op(
    "InTopKV2",
    inputs=["predictions: float", "targets: T", "k: T"],
    outputs=["precision: bool"],
    attrs=["T: {int32, int64} = DT_INT32"],
    shape=_in_top_k_shape,
    kernel=_in_top_k_v2_kernel,
)
registry.register_op(
    "InTopK",
    inputs=["predictions: float", "targets: T"],
    outputs=["precision: bool"],
    attrs=["k: int", "T: {int32, int64} = DT_INT32"],
    shape=_in_top_k_shape,
    kernel=_in_top_k_kernel,
)
for _name in ("InTopKV2", "InTopK"):
    registry.not_differentiable(_name, "a boolean comparison (TF declares it not differentiable)")


def in_top_k(predictions, targets, k, name=None):
    """Mirrors TF1 `tf.nn.in_top_k` / `tf.math.in_top_k`: whether each target is among the
    k largest predictions of its row (an InTopKV2 op).

    Args:
      predictions: a float32 [batch, classes] Tensor.
      targets: an int32/int64 [batch] Tensor of class ids.
      k: the number of top predictions to look at (an int or scalar Tensor).
      name: the name scope (default "in_top_k").

    Returns:
      A bool [batch] Tensor. A target tied with the k-th largest prediction counts as in;
      rows with a non-finite prediction and out-of-range targets are False.

    >>> in_top_k(constant([[0.1, 0.3, 0.3]]), constant([2]), 1)  # [True]
    <tf.Tensor 'in_top_k/InTopKV2:0' shape=(1,) dtype=bool>
    """
    with graph_lib.name_scope(name, "in_top_k"):
        return apply_op("InTopKV2", predictions, targets, k, name=name)
