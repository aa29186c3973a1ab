"""Regression losses: absolute_difference, cosine_distance, huber_loss, log_loss,
mean_squared_error and mean_pairwise_squared_error."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.losses import collection
from ndflow.ops.losses import weighting

GraphKeys = graph_lib.GraphKeys
Reduction = weighting.Reduction
convert_to_tensor = op_builder.convert_to_tensor


def absolute_difference(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Mirrors `tf.compat.v1.losses.absolute_difference`: weighted |predictions - labels|.

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted values.
      weights: a scalar, or a Tensor of labels' rank whose dims are 1 or labels' dims.
      scope: the name scope (default "absolute_difference").
      loss_collection: the collection the loss is added to.
      reduction: a `Reduction` key.

    Returns:
      A float32 Tensor: labels' shape for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for None inputs, incompatible shapes or weights that cannot broadcast.

    >>> absolute_difference(constant([1.0, 2.0]), constant([2.0, 4.0]))  # 1.5
    <tf.Tensor 'absolute_difference/value:0' shape=() dtype=float32>
    """
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")
    return weighting.elementwise_loss(
        "absolute_difference",
        labels,
        predictions,
        weights,
        (scope, loss_collection, reduction),
        lambda labels, predictions: math.abs(math.subtract(predictions, labels)),
    )


def cosine_distance(
    labels,
    predictions,
    axis=None,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
    dim=None,
):
    """Mirrors `tf.compat.v1.losses.cosine_distance`: 1 - sum(predictions * labels, axis),
    for inputs that are already unit-normalized along `axis`.

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted values.
      axis: the dimension the cosine distance is computed along (required).
      weights: a scalar, or a Tensor of labels' rank whose dims are 1 or the loss' dims.
      scope: the name scope (default "cosine_distance_loss").
      loss_collection: the collection the loss is added to.
      reduction: a `Reduction` key.
      dim: the deprecated name of `axis`.

    Returns:
      A float32 Tensor: labels' shape with `axis` of size 1 for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for a missing axis, both axis and dim, None inputs, incompatible shapes or
        weights that cannot broadcast.

    >>> cosine_distance(constant([[1.0, 0.0]]), constant([[0.0, 1.0]]), axis=1)  # 1.0
    <tf.Tensor 'cosine_distance_loss/value:0' shape=() dtype=float32>
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")

    def body(labels, predictions):
        radial_diffs = math.multiply(predictions, labels)
        return 1 - math.reduce_sum(radial_diffs, axis=(axis,), keepdims=True)

    options = (scope, loss_collection, reduction)
    return weighting.elementwise_loss(
        "cosine_distance_loss", labels, predictions, weights, options, body
    )


def huber_loss(
    labels,
    predictions,
    weights=1.0,
    delta=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Mirrors `tf.compat.v1.losses.huber_loss`: 0.5 * x^2 for |x| <= delta, else
    0.5 * delta^2 + delta * (|x| - delta), with x = predictions - labels.

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted values.
      weights: a scalar, or a Tensor of labels' rank whose dims are 1 or labels' dims.
      delta: where the loss turns from quadratic to linear.
      scope: the name scope (default "huber_loss").
      loss_collection: the collection the loss is added to.
      reduction: a `Reduction` key.

    Returns:
      A float32 Tensor: labels' shape for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for None inputs, incompatible shapes or weights that cannot broadcast.

    >>> huber_loss(constant([0.0, 0.0]), constant([0.5, 3.0]))  # (0.125 + 2.5) / 2
    <tf.Tensor 'huber_loss/value:0' shape=() dtype=float32>
    """
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")

    def body(labels, predictions):
        error = math.subtract(predictions, labels)
        abs_error = math.abs(error)
        quadratic = math.minimum(abs_error, delta)
        # Same value as maximum(abs_error - delta, 0), but its gradient at abs_error == delta
        # is 0, so the quadratic term's gradient is not counted twice (TF's comment).
        linear = math.subtract(abs_error, quadratic)
        return math.add(
            math.multiply(
                convert_to_tensor(0.5, dtype=quadratic.dtype),
                math.multiply(quadratic, quadratic),
            ),
            math.multiply(delta, linear),
        )

    options = (scope, loss_collection, reduction)
    return weighting.elementwise_loss("huber_loss", labels, predictions, weights, options, body)


def log_loss(
    labels,
    predictions,
    weights=1.0,
    epsilon=1e-7,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Mirrors `tf.compat.v1.losses.log_loss`:
    -labels * log(predictions + epsilon) - (1 - labels) * log(1 - predictions + epsilon).

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted probabilities.
      weights: a scalar, or a Tensor of labels' rank whose dims are 1 or labels' dims.
      epsilon: added inside the logarithms to avoid log(0).
      scope: the name scope (default "log_loss").
      loss_collection: the collection the loss is added to.
      reduction: a `Reduction` key.

    Returns:
      A float32 Tensor: labels' shape for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for None inputs, incompatible shapes or weights that cannot broadcast.

    >>> log_loss(constant([1.0, 0.0]), constant([0.9, 0.2]))
    <tf.Tensor 'log_loss/value:0' shape=() dtype=float32>
    """
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")

    def body(labels, predictions):
        positive = -math.multiply(labels, math.log(predictions + epsilon))
        return positive - math.multiply((1 - labels), math.log(1 - predictions + epsilon))

    options = (scope, loss_collection, reduction)
    return weighting.elementwise_loss("log_loss", labels, predictions, weights, options, body)


def mean_squared_error(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Mirrors `tf.compat.v1.losses.mean_squared_error`: weighted (predictions - labels)^2.

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted values.
      weights: a scalar, or a Tensor of labels' rank whose dims are 1 or labels' dims.
      scope: the name scope (default "mean_squared_error").
      loss_collection: the collection the loss is added to.
      reduction: a `Reduction` key.

    Returns:
      A float32 Tensor: labels' shape for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for None inputs, incompatible shapes or weights that cannot broadcast.

    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 3.0, 5.0], weights=[0.0, 1.0, 0.25])  # 1.0
    <tf.Tensor 'mean_squared_error/value:0' shape=() dtype=float32>
    """
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")
    return weighting.elementwise_loss(
        "mean_squared_error",
        labels,
        predictions,
        weights,
        (scope, loss_collection, reduction),
        lambda labels, predictions: math.squared_difference(predictions, labels),
    )


def mean_pairwise_squared_error(
    labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES
):
    """Mirrors `tf.compat.v1.losses.mean_pairwise_squared_error`: the mean, over the pairs
    (i, j) of elements within each batch entry, of ((p_i - p_j) - (l_i - l_j))^2, weighted
    per batch entry and summed.

    Args:
      labels: the ground truth, predictions' shape.
      predictions: the predicted values, shape [batch_size, d0, ..., dN].
      weights: a scalar, a [batch_size] Tensor or a Tensor of predictions' shape.
      scope: the name scope (default "mean_pairwise_squared_error").
      loss_collection: the collection the loss is added to.

    Returns:
      A float32 scalar Tensor.

    Raises:
      ValueError: for None inputs, incompatible shapes or weights that cannot broadcast.

    >>> mean_pairwise_squared_error(constant([[0.0, 1.0]]), constant([[1.0, 0.0]]))  # 4.0
    <tf.Tensor 'mean_pairwise_squared_error/value_2:0' shape=() dtype=float32>
    """
    weighting.require(labels, "labels")
    weighting.require(predictions, "predictions")
    with graph_lib.name_scope(
        scope, "mean_pairwise_squared_error", (predictions, labels, weights)
    ) as scope:
        weights = math.cast(weights, dtype=dtypes.float32)
        labels = math.cast(labels, dtype=dtypes.float32)
        with graph_lib.control_dependencies((weighting.assert_broadcastable(weights, labels),)):
            predictions = math.cast(predictions, dtype=dtypes.float32)
            predictions.shape.assert_is_compatible_with(labels.shape)
            mean_loss = _pairwise_loss(math.subtract(predictions, labels), weights)
            collection.add_loss(mean_loss, loss_collection)
            return mean_loss


def _pairwise_loss(diffs, weights):
    """sum_b weights_b * (2 * S2_b / (n_b - 1) - 2 * S1_b^2 / (n_b (n_b - 1))), with S1, S2
    the per-entry sums of diffs and of their squares and n_b the present elements; 0 when
    nothing is present."""
    axis = math.range(1, array.rank(diffs))
    sum_squares_diff_per_batch = math.reduce_sum(math.square(diffs), axis=axis, keepdims=True)
    num_present_per_batch = weighting.num_present(diffs, weights, per_batch=True)
    term1 = 2.0 * math.div_no_nan(
        sum_squares_diff_per_batch,
        math.maximum(num_present_per_batch - 1, 0),
        name="value",
    )
    sum_diff = math.reduce_sum(diffs, axis=axis, keepdims=True)
    term2 = 2.0 * math.div_no_nan(
        math.square(sum_diff),
        math.maximum(math.multiply(num_present_per_batch, num_present_per_batch - 1), 0),
        name="value",
    )
    weighted_losses = math.multiply(term1 - term2, weights)
    loss = math.reduce_sum(weighted_losses)
    return math.where(
        math.reduce_sum(num_present_per_batch) > 0,
        loss,
        array.zeros_like(loss),
        name="value",
    )
