"""Losses: SoftmaxCrossEntropyWithLogits, SparseSoftmaxCrossEntropyWithLogits and L2Loss with
their gradients (TF's nn_grad.py), and the `tf.nn` loss builders built the way TF builds
them: `softmax_cross_entropy_with_logits` (TF1: labels get stop_gradient) and `_v2`,
`sparse_softmax_cross_entropy_with_logits`, `sigmoid_cross_entropy_with_logits` and
`weighted_cross_entropy_with_logits` (TF's stable composites), `l2_loss`.

The cross-entropy kernels shift by the row maximum and compute in float32 for half types.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math as math_ops

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_FLOAT = "T: {half, bfloat16, float, double}"
_HALF = frozenset({"float16", "bfloat16"})


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _wide(x):
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype.name in _HALF else x


def _log_softmax_rows(logits):
    """(log softmax of each row, softmax of each row), computed stably."""
    shifted = logits - np.max(logits, axis=1, keepdims=True, initial=-np.inf)
    weights = np.exp(shifted)
    total = np.sum(weights, axis=1, keepdims=True)
    return shifted - np.log(total), weights / total


def _expand_last(vector):
    """ExpandDims(vector, -1), for multiplying a per-row value into a matrix."""
    return apply_op("ExpandDims", vector, -1)


def _softmax_xent_second_order(logits, grad, grad_grad):
    """The logits gradient flowing back from the backprop output (TF: the softmax
    derivative applied to grad_grad); None when grad_grad is absent or zeros."""
    if grad_grad is None or grad_grad.op.type == "ZerosLike":
        return grad
    softmax = apply_op("Softmax", logits)
    product = apply_op(
        "BatchMatMulV2",
        apply_op("ExpandDims", grad_grad, 1),
        apply_op("ExpandDims", softmax, 2),
    )
    return grad + (grad_grad - apply_op("Squeeze", product, squeeze_dims=[1])) * softmax


# ---------------------------------------------------------------------- SoftmaxCrossEntropy


def _xent_shape(op):
    logits, labels = op.inputs[0].shape, op.inputs[1].shape
    try:
        matrix = elementwise.merge_same_shape(shape_errors.require_rank(logits, 2), labels)
    except shape_errors.ShapeError:
        matrix = None
    if matrix is not None:
        return [tensor_shape.TensorShape([matrix.as_list()[0]]), matrix]
    matrix = shape_errors.broadcast_shapes(logits, labels)
    if matrix.rank is None:
        raise shape_errors.ShapeError(
            "Shape must be broadcasted with rank 2, but is rank is unknown."
        )
    if matrix.rank != 2:
        raise shape_errors.ShapeError(
            f"Shape must be broadcasted with rank 2, but is rank {matrix.rank}"
        )
    return [tensor_shape.TensorShape([matrix.as_list()[0]]), matrix]


def _xent_kernel(ctx, features, labels):
    try:
        shape = np.broadcast_shapes(np.shape(features), np.shape(labels))
    except ValueError:
        raise _invalid(
            "logits and labels must be broadcastable: logits_size="
            f"{format_dims(np.shape(features))} labels_size={format_dims(np.shape(labels))}"
        ) from None
    if len(shape) != 2:
        raise _invalid(
            "logits and labels must be either 2-dimensional, or broadcasted to be 2-dimensional"
        )
    dtype = np.asarray(features).dtype
    logits = np.broadcast_to(_wide(features), shape)
    targets = np.broadcast_to(_wide(labels), shape)
    log_probs, probs = _log_softmax_rows(logits)
    loss = np.sum(targets * -log_probs, axis=1)
    return loss.astype(dtype), (probs - targets).astype(dtype)


def _xent_grad(op, grad_loss, grad_grad):
    """TF's `_SoftmaxCrossEntropyWithLogitsGrad`: grad_loss * (softmax - labels) for the
    logits, grad_loss * -log_softmax for the labels."""
    logits = op.inputs[0]
    grad = _expand_last(grad_loss) * op.outputs[1]
    grad = _softmax_xent_second_order(logits, grad, grad_grad)
    return [grad, _expand_last(grad_loss) * -apply_op("LogSoftmax", logits)]


registry.register_op(
    "SoftmaxCrossEntropyWithLogits",
    inputs=["features: T", "labels: T"],
    outputs=["loss: T", "backprop: T"],
    attrs=[_FLOAT],
    shape=_xent_shape,
    kernel=_xent_kernel,
    grad=_xent_grad,
)


# ---------------------------------------------------------------------- Sparse


def _sparse_xent_shape(op):
    features = shape_errors.require_rank(op.inputs[0].shape, 2)
    labels = shape_errors.require_rank(op.inputs[1].shape, 1)
    batch = None if features.rank is None else features.as_list()[0]
    batch = shape_errors.merge_dims(batch, None if labels.rank is None else labels.as_list()[0])
    classes = None if features.rank is None else features.as_list()[1]
    return [tensor_shape.TensorShape([batch]), tensor_shape.TensorShape([batch, classes])]


def _check_sparse_inputs(features, labels) -> None:
    logits_shape, labels_shape = format_dims(np.shape(features)), format_dims(np.shape(labels))
    if np.ndim(features) != 2:
        raise _invalid(f"logits must be 2-D, but got shape {logits_shape}")
    if np.ndim(labels) != 1:
        raise _invalid(f"labels must be 1-D, but got shape {labels_shape}")
    if np.shape(features)[0] != np.shape(labels)[0]:
        raise _invalid(
            "logits and labels must have the same first dimension, got logits shape "
            f"{logits_shape} and labels shape {labels_shape}"
        )
    if np.shape(features)[1] == 0:
        raise _invalid(f"Must have at least one class, but got logits shape {logits_shape}")
    classes = np.shape(features)[1]
    values = np.asarray(labels)
    if values.size and (values.min() < 0 or values.max() >= classes):
        bad = values.min() if values.min() < 0 else values.max()
        raise _invalid(
            f"Received a label value of {int(bad)} which is outside the valid range of "
            f"[0, {classes}).  Label values: {' '.join(str(int(v)) for v in values)}"
        )


def _sparse_xent_kernel(ctx, features, labels):
    _check_sparse_inputs(features, labels)
    dtype = np.asarray(features).dtype
    log_probs, probs = _log_softmax_rows(_wide(features))
    rows = np.arange(np.shape(features)[0])
    index = np.asarray(labels).astype(np.int64)
    loss = -log_probs[rows, index]
    backprop = probs.copy()
    backprop[rows, index] -= 1
    return loss.astype(dtype), backprop.astype(dtype)


def _sparse_xent_grad(op, grad_loss, grad_grad):
    """TF's `_SparseSoftmaxCrossEntropyWithLogitsGrad`: grad_loss * (softmax - one_hot)."""
    grad = _expand_last(grad_loss) * op.outputs[1]
    return [_softmax_xent_second_order(op.inputs[0], grad, grad_grad), None]


registry.register_op(
    "SparseSoftmaxCrossEntropyWithLogits",
    inputs=["features: T", "labels: Tlabels"],
    outputs=["loss: T", "backprop: T"],
    attrs=[_FLOAT, "Tlabels: {int32, int64} = DT_INT64"],
    shape=_sparse_xent_shape,
    kernel=_sparse_xent_kernel,
    grad=_sparse_xent_grad,
)


# ---------------------------------------------------------------------- L2Loss


def _l2_loss_kernel(ctx, t):
    values = _wide(t)
    return np.asarray(np.sum(values * values) / 2).astype(np.asarray(t).dtype)


def _l2_loss_grad(op, grad):
    """TF's `_L2LossGrad`: x * grad."""
    return [op.inputs[0] * grad]


registry.register_op(
    "L2Loss",
    inputs=["t: T"],
    outputs=["output: T"],
    attrs=[_FLOAT],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_l2_loss_kernel,
    grad=_l2_loss_grad,
)


def l2_loss(t, name=None):
    """Mirrors `tf.nn.l2_loss`: sum(t ** 2) / 2.

    Args:
      t: a float Tensor.
      name: the op name (default "L2Loss").

    Returns:
      A scalar of t's type.

    >>> l2_loss(constant([1.0, 2.0]))  # 2.5
    <tf.Tensor 'L2Loss:0' shape=() dtype=float32>
    """
    return apply_op("L2Loss", t, name=name)


# ---------------------------------------------------------------------- builders


def _ensure_xent_args(name, labels, logits):
    if labels is None or logits is None:
        raise ValueError(
            f"Both `labels` and `logits` must be provided for {name}"
            f"Received: labels={labels} and logits={logits}"
        )


def _axis_lookup(axis, dim):
    """TF's `deprecated_argument_lookup("axis", axis, "dim", dim)`."""
    if dim is None:
        return axis
    if axis is not None:
        raise ValueError("Cannot specify both 'dim' and 'axis'.")
    return dim


def _flatten_outer_dims(logits):
    """TF's `_flatten_outer_dims`: reshaped to [-1, last dim], with the static shape set."""
    rank = array.rank(logits)
    last = apply_op("Slice", array.shape(logits), [apply_op("Sub", rank, 1)], [1])
    output = array.reshape(logits, array.concat([[-1], last], 0))
    dims = logits.shape.as_list() if logits.shape.rank is not None else None
    if dims and None not in dims[:-1]:
        output.set_shape([int(np.prod(dims[:-1], dtype=np.int64)), dims[-1]])
    return output


def _move_dim_to_end(tensor, dim_index, rank):
    ranges = [math_ops.range(dim_index), math_ops.range(dim_index + 1, rank), [dim_index]]
    return array.transpose(tensor, array.concat(ranges, 0))


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """Mirrors TF1 `tf.nn.softmax_cross_entropy_with_logits_v2`: -sum(labels *
    log_softmax(logits)) along `axis`; gradients flow into both logits and labels.

    Args:
      labels: a distribution along `axis` for each example, logits' shape.
      logits: unscaled log probabilities (half, bfloat16, float32 or float64).
      axis: the class dimension (default the last).
      name: the scope name (default "softmax_cross_entropy_with_logits").
      dim: the deprecated name of `axis`.

    Returns:
      A Tensor of logits' type and shape without the class dimension.

    >>> softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0]], logits=[[0.0, 0.0]])
    <tf.Tensor 'softmax_cross_entropy_with_logits/Reshape_2:0' shape=(1,) dtype=float32>
    """
    axis = _axis_lookup(axis, dim)
    axis = -1 if axis is None else axis
    with graph_lib.name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        widen = logits.dtype.base_dtype in (dtypes.float16, dtypes.bfloat16)
        precise = math_ops.cast(logits, dtypes.float32) if widen else logits
        labels = math_ops.cast(labels, precise.dtype.base_dtype)
        input_rank = array.rank(precise)
        if axis != -1:
            precise = _move_dim_to_end(precise, axis, input_rank)
            labels = _move_dim_to_end(labels, axis, input_rank)
        input_shape = array.shape(precise)
        precise, labels = _flatten_outer_dims(precise), _flatten_outer_dims(labels)
        cost = apply_op("SoftmaxCrossEntropyWithLogits", precise, labels, name=scope)[0]
        output_shape = apply_op("Slice", input_shape, [0], [apply_op("Sub", input_rank, 1)])
        cost = array.reshape(cost, output_shape)
        if logits.shape.rank is not None:
            dims = logits.shape.as_list()
            del dims[axis]
            cost.set_shape(dims)
        return math_ops.cast(cost, logits.dtype.base_dtype) if widen else cost


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    """Mirrors TF1 `tf.nn.softmax_cross_entropy_with_logits`: like `_v2`, but no gradient
    flows into the labels (they pass through StopGradient).

    Args:
      labels: a distribution along the class dimension, logits' shape.
      logits: unscaled log probabilities.
      dim: the class dimension (default the last).
      name: the scope name.
      axis: the new name of `dim`.

    Returns:
      A Tensor of logits' type and shape without the class dimension.

    Raises:
      ValueError: when labels or logits is missing.

    >>> softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=[[0.0, 0.0]])
    <tf.Tensor 'softmax_cross_entropy_with_logits/Reshape_2:0' shape=(1,) dtype=float32>
    """
    dim = _axis_lookup(axis, dim)
    _ensure_xent_args("softmax_cross_entropy_with_logits", labels, logits)
    with graph_lib.name_scope(
        name, "softmax_cross_entropy_with_logits_sg", [logits, labels]
    ) as scope:
        labels = apply_op("StopGradient", labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=dim, name=scope)


def _sparse_rank_2(logits, labels, name):
    return apply_op("SparseSoftmaxCrossEntropyWithLogits", logits, labels, name=name)[0]


def _check_sparse_static(labels, logits):
    rank = logits.shape.rank
    if rank == 0:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={logits}`")
    label_shape = labels.shape
    if rank is not None and label_shape.rank is not None and label_shape.rank != rank - 1:
        raise ValueError(
            "`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
            f"labels.shape={label_shape} of rank {label_shape.rank} and "
            f"logits.shape={logits.shape} of rank {rank}"
        )
    known = label_shape.is_fully_defined() and logits.shape[:-1].is_fully_defined()
    if known and label_shape.as_list() != logits.shape[:-1].as_list():
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: labels.shape={label_shape} and logits.shape={logits.shape}"
        )


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Mirrors TF1 `tf.nn.sparse_softmax_cross_entropy_with_logits`: -log_softmax(logits)
    at each example's class index; logits of rank > 2 are flattened to 2-D around the op.

    Args:
      labels: int32/int64 class indices in [0, num_classes), logits' shape without the last
        dimension.
      logits: unscaled log probabilities (float16 is computed in float32).
      name: the op name.

    Returns:
      A Tensor of labels' shape and logits' type.

    Raises:
      ValueError: for missing arguments, scalar logits or mismatched static shapes.
      InvalidArgumentError: at run time, for a label outside [0, num_classes).

    >>> sparse_softmax_cross_entropy_with_logits(labels=[1], logits=[[0.0, 0.0]])
    <tf.Tensor 'SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:0' ...>
    """
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", labels, logits)
    with graph_lib.name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        half = logits.dtype.base_dtype == dtypes.float16
        precise = math_ops.cast(logits, dtypes.float32) if half else logits
        labels_shape = array.shape(labels)
        _check_sparse_static(labels, logits)
        if logits.shape.rank == 2:
            cost = _sparse_rank_2(precise, labels, name)
            return math_ops.cast(cost, dtypes.float16) if half else cost
        # TF also asserts the dynamic shapes agree here; the kernel's own checks remain.
        num_classes = array.shape(logits)[array.rank(logits) - 1]
        precise = array.reshape(precise, [-1, num_classes])
        flat_labels = array.reshape(labels, [-1])
        cost = array.reshape(_sparse_rank_2(precise, flat_labels, name), labels_shape)
        cost.set_shape(labels.shape)
        return math_ops.cast(cost, dtypes.float16) if half else cost


def _same_shape_inputs(logits, labels):
    logits = convert_to_tensor(logits, name="logits")
    labels = convert_to_tensor(labels, name="labels")
    if not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(
            "`logits` and `labels` must have the same shape, received "
            f"({logits.shape} vs {labels.shape})."
        )
    return logits, labels


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Mirrors TF1 `tf.nn.sigmoid_cross_entropy_with_logits`: the logistic loss, as TF's
    stable max(x, 0) - x * z + log(1 + exp(-|x|)).

    Args:
      labels: targets in [0, 1], logits' type and shape.
      logits: a float Tensor.
      name: the op name (default "logistic_loss").

    Returns:
      A Tensor of logits' type and shape.

    Raises:
      ValueError: for missing arguments or incompatible shapes.

    >>> sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])  # [0.6931]
    <tf.Tensor 'logistic_loss:0' shape=(1,) dtype=float32>
    """
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", labels, logits)
    with graph_lib.name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_inputs(logits, labels)
        zeros = array.zeros_like(logits, dtype=logits.dtype.base_dtype)
        cond = logits >= zeros
        relu_logits = apply_op("Select", cond, logits, zeros)
        neg_abs_logits = apply_op("Select", cond, -logits, logits)
        linear = relu_logits - logits * labels
        softplus = apply_op("Log1p", apply_op("Exp", neg_abs_logits))
        return apply_op("AddV2", linear, softplus, name=scope)


def weighted_cross_entropy_with_logits(
    labels=None, logits=None, pos_weight=None, name=None, targets=None
):
    """Mirrors TF1 `tf.nn.weighted_cross_entropy_with_logits`: the logistic loss with the
    positive term weighted by `pos_weight`, as TF's stable
    (1 - z) x + (1 + (q - 1) z) (log(1 + exp(-|x|)) + max(-x, 0)).

    Args:
      labels: targets in [0, 1], logits' type and shape.
      logits: a float Tensor.
      pos_weight: the weight of positive examples (broadcastable to logits).
      name: the op name (default "logistic_loss").
      targets: the deprecated name of `labels`.

    Returns:
      A Tensor of logits' type and shape.

    Raises:
      ValueError: for incompatible shapes, or both `labels` and `targets`.

    >>> weighted_cross_entropy_with_logits(labels=[1.0], logits=[0.0], pos_weight=2.0)
    <tf.Tensor 'logistic_loss:0' shape=(1,) dtype=float32>
    """
    if targets is not None:
        if labels is not None:
            raise ValueError("Cannot specify both 'labels' and 'targets'.")
        labels = targets
    with graph_lib.name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_inputs(logits, labels)
        log_weight = 1 + (pos_weight - 1) * labels
        linear = (1 - labels) * logits
        softplus = apply_op("Log1p", apply_op("Exp", -apply_op("Abs", logits)))
        penalty = log_weight * (softplus + apply_op("Relu", -logits))
        return apply_op("AddV2", linear, penalty, name=scope)
