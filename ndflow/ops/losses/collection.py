"""The loss collections: `add_loss`, `get_losses`, `get_regularization_loss(es)` and
`get_total_loss` (tensorflow/python/ops/losses/util.py)."""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import math

GraphKeys = graph_lib.GraphKeys


def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    """Mirrors `tf.compat.v1.losses.add_loss`: adds `loss` to `loss_collection` (if set).

    Args:
      loss: a loss Tensor.
      loss_collection: the collection (GraphKeys.LOSSES by default; None or "" for none).

    >>> add_loss(constant(1.0))
    """
    if loss_collection:
        graph_lib.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    """Mirrors `tf.compat.v1.losses.get_losses`: the losses in `loss_collection`.

    Args:
      scope: keeps only the losses whose name starts with (matches) this scope.
      loss_collection: the collection to read.

    Returns:
      A list of loss Tensors.

    >>> get_losses()
    []
    """
    return graph_lib.get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    """Mirrors `tf.compat.v1.losses.get_regularization_losses`: the
    GraphKeys.REGULARIZATION_LOSSES collection.

    Args:
      scope: keeps only the losses whose name matches this scope.

    Returns:
      A list of Tensors.

    >>> get_regularization_losses()
    []
    """
    return graph_lib.get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """Mirrors `tf.compat.v1.losses.get_regularization_loss`: the sum of the regularization
    losses, or a constant 0.0 when there are none.

    Args:
      scope: keeps only the losses whose name matches this scope.
      name: the name of the sum.

    Returns:
      A scalar Tensor.

    >>> get_regularization_loss()  # 0.0
    <tf.Tensor 'Const:0' shape=() dtype=float32>
    """
    losses = get_regularization_losses(scope)
    if losses:
        return math.add_n(losses, name=name)
    return op_builder.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """Mirrors `tf.compat.v1.losses.get_total_loss`: the sum of the losses (and, by default,
    of the regularization losses).

    Args:
      add_regularization_losses: also add GraphKeys.REGULARIZATION_LOSSES.
      name: the name of the sum.
      scope: keeps only the losses whose name matches this scope.

    Returns:
      A Tensor.

    Raises:
      ValueError: when there is no loss at all.

    >>> mean_squared_error([1.0], [2.0]); get_total_loss()
    <tf.Tensor 'total_loss:0' shape=() dtype=float32>
    """
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return math.add_n(losses, name=name)
