"""Streaming counts of a binary classifier (TF's metrics_impl.py): true/false
positives/negatives as one `count` local variable each, and `precision` and `recall` built
from two of them."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops import state
from ndflow.ops import variable_scope as vs
from ndflow.ops.control_flow import asserts
from ndflow.ops.metrics import metric_inputs
from ndflow.ops.metrics import variables


def _assert_rank_in(x, ranks):
    """TF's `check_ops.assert_rank_in`: a NoOp when the ranks are static and x's rank is one
    of them (ValueError when it is not), else a run-time Assert."""
    with graph_lib.name_scope(None, "assert_rank_in", (x, *ranks)):
        x = op_builder.convert_to_tensor(x, name="x")
        ranks = [op_builder.convert_to_tensor(rank, name="rank") for rank in ranks]
        static = [tensor_util.constant_value(rank) for rank in ranks]
        if x.shape.rank is not None and all(rank is not None for rank in static):
            allowed = tuple(int(rank) for rank in static)
            if x.shape.rank not in allowed:
                raise ValueError(
                    f"Tensor {x.name} must have rank in {allowed}.  Received rank "
                    f"{x.shape.rank}, shape {x.shape}"
                )
            return array.no_op(name="static_checks_determined_all_ok")
        matches = math.reduce_any(math.equal(array.rank(x), array.stack(ranks)))
        data = [f"Tensor {x.name} must have rank in", *ranks, "Received shape: ", array.shape(x)]
        return control_flow.Assert(matches, data)


def _count_condition(values, weights, metrics_collections, updates_collections):
    """TF's `_count_condition`: a float32 `count` variable summing the (weighted) true
    entries of the bool Tensor `values`."""
    asserts.assert_type(values, dtypes.bool)
    count = variables.metric_variable([], dtypes.float32, name="count")
    values = variables.as_float32(values)
    if weights is not None:
        check = _assert_rank_in(weights, (0, array.rank(values)))
        with graph_lib.control_dependencies((check,)):
            weights = variables.as_float32(weights)
            values = math.multiply(values, weights)
    value_tensor = variables.read_variable(count, metrics_collections)
    update_op = state.assign_add(count, math.reduce_sum(values))
    variables.add_to_collections(updates_collections, update_op)
    return value_tensor, update_op


def _as_bools(labels, predictions, weights):
    return metric_inputs.squeeze_metric_inputs(
        math.cast(predictions, dtypes.bool), math.cast(labels, dtypes.bool), weights
    )


def _counter(default_name, label_value, prediction_value):
    """The builder of one of true/false positives/negatives: counts the entries where the
    label is `label_value` and the prediction `prediction_value`."""

    def counter(
        labels,
        predictions,
        weights=None,
        metrics_collections=None,
        updates_collections=None,
        name=None,
    ):
        with vs.variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _as_bools(labels, predictions, weights)
            is_counted = math.logical_and(
                math.equal(labels, label_value), math.equal(predictions, prediction_value)
            )
            return _count_condition(is_counted, weights, metrics_collections, updates_collections)

    counter.__name__ = default_name
    counter.__doc__ = f"""Mirrors `tf.compat.v1.metrics.{default_name}`: the (weighted) number
    of entries with label {label_value} and prediction {prediction_value}, in the local
    variable `<name>/count`.

    Args:
      labels: a Tensor of predictions' shape, cast to bool.
      predictions: a Tensor of any shape, cast to bool.
      weights: optional scalar, or Tensor of labels' rank broadcastable to labels.
      metrics_collections: collections the value Tensor is added to.
      updates_collections: collections the update op is added to.
      name: the variable scope (default "{default_name}").

    Returns:
      (value_tensor, update_op): float32 scalars, the count and its updated value.

    Raises:
      ValueError: for incompatible shapes, or weights of another rank than 0 or labels'.

    >>> value, update = {default_name}([1, 0, 1], [1, 1, 0])
    """
    return counter


true_positives = _counter("true_positives", True, True)
false_positives = _counter("false_positives", False, True)
true_negatives = _counter("true_negatives", False, False)
false_negatives = _counter("false_negatives", True, False)


def _ratio(tp, other, name):
    """tp / (tp + other), or 0 when both are 0."""
    return math.where(math.greater(tp + other, 0), math.divide(tp, tp + other), 0, name)


def _true_positive_ratio(names, other_counter, inputs, collections):
    """precision and recall: tp / (tp + other) in variable scope (name, default name)
    `names`, where `other` is counted by `other_counter` (false_positives or
    false_negatives)."""
    name, default_name = names
    labels, predictions, weights = inputs
    metrics_collections, updates_collections = collections
    with vs.variable_scope(name, default_name, (predictions, labels, weights)):
        predictions, labels, weights = _as_bools(labels, predictions, weights)
        true_p, true_p_update = true_positives(labels, predictions, weights)
        other, other_update = other_counter(labels, predictions, weights)
        value = variables.add_to_collections(metrics_collections, _ratio(true_p, other, "value"))
        update_op = _ratio(true_p_update, other_update, "update_op")
        variables.add_to_collections(updates_collections, update_op)
        return value, update_op


def precision(
    labels,
    predictions,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """Mirrors `tf.compat.v1.metrics.precision`: true positives / (true positives + false
    positives), from the variables `<name>/true_positives/count` and
    `<name>/false_positives/count`.

    Args:
      labels: a Tensor of predictions' shape, cast to bool.
      predictions: a Tensor of any shape, cast to bool.
      weights: optional scalar, or Tensor of labels' rank broadcastable to labels.
      metrics_collections: collections the precision Tensor is added to.
      updates_collections: collections the update op is added to.
      name: the variable scope (default "precision").

    Returns:
      (precision, update_op): float32 scalars (0 while nothing was predicted positive).

    Raises:
      ValueError: for incompatible shapes of labels, predictions or weights.

    >>> value, update = precision([1, 0, 1], [1, 1, 1])  # after update: 0.6667
    """
    collections = (metrics_collections, updates_collections)
    inputs = (labels, predictions, weights)
    return _true_positive_ratio((name, "precision"), false_positives, inputs, collections)


def recall(
    labels,
    predictions,
    weights=None,
    metrics_collections=None,
    updates_collections=None,
    name=None,
):
    """Mirrors `tf.compat.v1.metrics.recall`: true positives / (true positives + false
    negatives), from the variables `<name>/true_positives/count` and
    `<name>/false_negatives/count`.

    Args:
      labels: a Tensor of predictions' shape, cast to bool.
      predictions: a Tensor of any shape, cast to bool.
      weights: optional scalar, or Tensor of labels' rank broadcastable to labels.
      metrics_collections: collections the recall Tensor is added to.
      updates_collections: collections the update op is added to.
      name: the variable scope (default "recall").

    Returns:
      (recall, update_op): float32 scalars (0 while no label was positive).

    Raises:
      ValueError: for incompatible shapes of labels, predictions or weights.

    >>> value, update = recall([1, 0, 1], [1, 1, 0])  # after update: 0.5
    """
    collections = (metrics_collections, updates_collections)
    inputs = (labels, predictions, weights)
    return _true_positive_ratio((name, "recall"), false_negatives, inputs, collections)
