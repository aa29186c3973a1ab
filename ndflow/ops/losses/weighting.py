"""Weighting and reduction, shared by every loss: `Reduction`, TF's weight-broadcasting
rules (weights_broadcast_ops.py), `compute_weighted_loss` and the frame of the element-wise
losses."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops.losses import collection

GraphKeys = graph_lib.GraphKeys
convert_to_tensor = op_builder.convert_to_tensor


class Reduction:
    """Mirrors `tf.compat.v1.losses.Reduction`: how a weighted loss is reduced.

    NONE keeps the weighted losses' shape; SUM adds them; MEAN divides the sum by the sum of
    the weights; SUM_OVER_BATCH_SIZE by the number of elements; SUM_BY_NONZERO_WEIGHTS (the
    default, alias SUM_OVER_NONZERO_WEIGHTS) by the number of non-zero weights.
    """

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple:
        """Every key, in TF's order (SUM_BY_NONZERO_WEIGHTS appears under both names)."""
        return (
            cls.NONE,
            cls.SUM,
            cls.MEAN,
            cls.SUM_OVER_BATCH_SIZE,
            cls.SUM_OVER_NONZERO_WEIGHTS,
            cls.SUM_BY_NONZERO_WEIGHTS,
        )

    @classmethod
    def validate(cls, key) -> None:
        """Raises ValueError for a key that is not one of `all()`."""
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


# ---------------------------------------------------------------------- weight broadcasting

_BROADCAST_ERROR_PREFIX = "weights can not be broadcast to values."


def assert_broadcastable(weights, values):
    """TF's `weights_broadcast_ops.assert_broadcastable`: weights must be a scalar, or have
    values' rank with each dimension 1 or values' dimension.

    Returns a NoOp when the shapes are static and valid; raises ValueError when they are
    static and invalid; otherwise returns a run-time check.
    """
    with graph_lib.name_scope(None, "assert_broadcastable", (weights, values)) as scope:
        with graph_lib.name_scope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
            weights_shape = array.shape(weights, name="shape")
            weights_rank = array.rank(weights, name="rank")
        weights_rank_static = tensor_util.constant_value(weights_rank)
        with graph_lib.name_scope(None, "values", (values,)) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
            values_shape = array.shape(values, name="shape")
            values_rank = array.rank(values, name="rank")
        values_rank_static = tensor_util.constant_value(values_rank)
        if weights_rank_static is not None and values_rank_static is not None:
            if weights_rank_static == 0:
                return array.no_op(name="static_scalar_check_success")
            if weights_rank_static != values_rank_static:
                raise ValueError(
                    f"{_BROADCAST_ERROR_PREFIX} values.rank={values_rank_static}. "
                    f"weights.rank={weights_rank_static}. values.shape={values.shape}. "
                    f"weights.shape={weights.shape}. Received weights={weights}, "
                    f"values={values}"
                )
            static = _static_dims_check(weights, values, weights_shape, values_shape)
            if static is not None:
                return static
        return _dynamic_broadcast_check(
            scope, weights, values, (weights_shape, weights_rank), (values_shape, values_rank)
        )


def _static_dims_check(weights, values, weights_shape, values_shape):
    """The NoOp when both shapes are static and every weights dim is 1 or values' dim."""
    weights_dims = tensor_util.constant_value(weights_shape)
    values_dims = tensor_util.constant_value(values_shape)
    if weights_dims is None or values_dims is None:
        return None
    for i, (w, v) in enumerate(zip(weights_dims.tolist(), values_dims.tolist())):
        if w not in (1, v):
            raise ValueError(
                f"{_BROADCAST_ERROR_PREFIX} Mismatch at dim {i}. values.shape={values_dims}, "
                f"weights.shape={weights_dims}. Received weights={weights}, values={values}"
            )
    return array.no_op(name="static_dims_check_success")


def _dynamic_broadcast_check(scope, weights, values, weights_info, values_info):
    """The run-time check (an Assert) for shapes only known when the graph runs."""
    weights_shape, weights_rank = weights_info
    values_shape, values_rank = values_info
    is_scalar = math.equal(0, weights_rank, name="is_scalar")
    data = (
        _BROADCAST_ERROR_PREFIX,
        "weights.shape=",
        weights.name,
        weights_shape,
        "values.shape=",
        values.name,
        values_shape,
        "is_scalar=",
        is_scalar,
    )
    is_valid_shape = control_flow.cond(
        is_scalar,
        lambda: is_scalar,
        lambda: _has_valid_nonscalar_shape(weights_info, values_info),
        name="is_valid_shape",
    )
    return control_flow.Assert(is_valid_shape, data, name=scope)


def _has_valid_nonscalar_shape(weights_info, values_info):
    """Whether weights have values' rank and each of their dims is 1 or values' dim."""
    weights_shape, weights_rank = weights_info
    values_shape, values_rank = values_info
    values = (weights_rank, weights_shape, values_rank, values_shape)
    with graph_lib.name_scope(None, "has_valid_nonscalar_shape", values) as scope:
        is_same_rank = math.equal(values_rank, weights_rank, name="is_same_rank")
        return control_flow.cond(
            is_same_rank,
            lambda: _has_valid_dims(weights_shape, values_shape),
            lambda: is_same_rank,
            name=scope,
        )


def _has_valid_dims(weights_shape, values_shape):
    """Whether each weights dim is 1 or the same values dim (shapes of equal length)."""
    with graph_lib.name_scope(None, "has_invalid_dims", (weights_shape, values_shape)) as scope:
        # TF tests each dim with a set difference (DenseToDenseSetOperation); ndflow has no
        # set ops, so the same per-dim test is built from cwise ops.
        valid_dims = math.logical_or(
            math.equal(weights_shape, values_shape), math.equal(weights_shape, 1)
        )
        return math.reduce_all(valid_dims, name=scope)


def broadcast_weights(weights, values):
    """TF's `weights_broadcast_ops.broadcast_weights`: weights broadcast to values' shape
    (after `assert_broadcastable`); weights themselves when the static shapes already match."""
    with graph_lib.name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        weights_shape = weights.shape
        values_shape = values.shape
        if (
            weights_shape.is_fully_defined()
            and values_shape.is_fully_defined()
            and weights_shape.is_compatible_with(values_shape)
        ):
            return weights
        with graph_lib.control_dependencies((assert_broadcastable(weights, values),)):
            return math.multiply(weights, array.ones_like(values), name=scope)


# ---------------------------------------------------------------------- reductions


def _safe_mean(losses, count):
    """sum(losses) / count, or 0 when count is 0."""
    total_loss = math.reduce_sum(losses)
    return math.div_no_nan(total_loss, count, name="value")


def num_present(losses, weights, per_batch=False):
    """The number of losses with a non-zero (broadcast) weight: a scalar, or per batch entry
    (shape [batch_size, 1, ...]) with `per_batch`."""
    # TF's shortcut for a non-zero Python float never fires in graph mode: every caller has
    # already cast weights to a Tensor.
    with graph_lib.name_scope(None, "num_present", (losses, weights)) as scope:
        weights = math.cast(weights, dtype=dtypes.float32)
        present = math.where(
            math.equal(weights, 0.0), array.zeros_like(weights), array.ones_like(weights)
        )
        present = broadcast_weights(present, losses)
        if per_batch:
            return math.reduce_sum(
                present, axis=math.range(1, array.rank(present)), keepdims=True, name=scope
            )
        return math.reduce_sum(present, name=scope)


def _num_elements(losses):
    """The number of elements of `losses`, in losses' dtype."""
    with graph_lib.name_scope(None, "num_elements", values=[losses]) as scope:
        return math.cast(array.size(losses, name=scope), dtype=losses.dtype)


def _reduce_weighted(losses, weights, reduction):
    weighted_losses = math.multiply(losses, weights)
    if reduction == Reduction.NONE:
        return weighted_losses
    loss = math.reduce_sum(weighted_losses)
    if reduction == Reduction.MEAN:
        return _safe_mean(loss, math.reduce_sum(array.ones_like(losses) * weights))
    if reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
        return _safe_mean(loss, num_present(losses, weights))
    if reduction == Reduction.SUM_OVER_BATCH_SIZE:
        return _safe_mean(loss, _num_elements(losses))
    return loss


def compute_weighted_loss(
    losses,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Mirrors `tf.compat.v1.losses.compute_weighted_loss`: losses * weights, reduced.

    Args:
      losses: a Tensor of shape [batch_size, d1, ..., dN].
      weights: a scalar, or a Tensor of losses' rank whose dims are 1 or losses' dims.
      scope: the name scope of the ops.
      loss_collection: the collection the loss is added to (None or "" for none).
      reduction: a `Reduction` key.

    Returns:
      A Tensor of losses' dtype: losses' shape for Reduction.NONE, else a scalar.

    Raises:
      ValueError: for an unknown reduction or weights that cannot broadcast to losses.

    >>> compute_weighted_loss(constant([1.0, 3.0]), weights=[1.0, 0.0])  # 1.0
    <tf.Tensor 'weighted_loss/value:0' shape=() dtype=float32>
    """
    Reduction.validate(reduction)
    with graph_lib.name_scope(scope, "weighted_loss", (losses, weights)):
        with graph_lib.control_dependencies((assert_broadcastable(weights, losses),)):
            losses = convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = math.cast(losses, dtype=dtypes.float32)
            weights = math.cast(weights, dtype=dtypes.float32)
            loss = math.cast(_reduce_weighted(losses, weights, reduction), input_dtype)
            collection.add_loss(loss, loss_collection)
            return loss


# ---------------------------------------------------------------------- element-wise frame


def require(value, argument: str) -> None:
    """TF's check that a loss argument is given: ValueError naming it when it is None."""
    if value is None:
        raise ValueError(f"Argument `{argument}` must not be None.")


def elementwise_loss(default_name, labels, predictions, weights, options, body):
    """The shared frame of the element-wise losses: both sides cast to float32 and checked
    for compatible shapes, `body(labels, predictions)` weighted by compute_weighted_loss.

    `options` is (scope, loss_collection, reduction).
    """
    scope, loss_collection, reduction = options
    with graph_lib.name_scope(scope, default_name, (predictions, labels, weights)) as scope:
        predictions = math.cast(predictions, dtype=dtypes.float32)
        labels = math.cast(labels, dtype=dtypes.float32)
        predictions.shape.assert_is_compatible_with(labels.shape)
        losses = body(labels, predictions)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
