"""`tf.train.GradientDescentOptimizer`: var -= learning_rate * grad (ApplyGradientDescent;
sparse gradients through ScatterSub / ResourceScatterAdd, repeated indices simply add)."""

from __future__ import annotations

from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class GradientDescentOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.GradientDescentOptimizer`.

    >>> train_op = GradientDescentOptimizer(0.01).minimize(loss)
    """

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        learning_rate = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = op_builder.convert_to_tensor(
            learning_rate, name="learning_rate"
        )

    def _lr(self, dtype):
        return cast_like(self._learning_rate_tensor, dtype.base_dtype)

    def _apply_dense(self, grad, var):
        return apply_op(
            "ApplyGradientDescent", var, self._lr(var.dtype), grad, use_locking=self._use_locking
        ).op

    def _resource_apply_dense(self, grad, handle):
        return apply_op(
            "ResourceApplyGradientDescent",
            handle.handle,
            self._lr(grad.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse_duplicate_indices(self, grad, handle, indices):
        return apply_op("ResourceScatterAdd", handle.handle, indices, -grad * self._lr(grad.dtype))

    def _apply_sparse_duplicate_indices(self, grad, var):
        delta = indexed_slices.IndexedSlices(
            grad.values * self._lr(var.dtype), grad.indices, grad.dense_shape
        )
        return apply_op(
            "ScatterSub", var, delta.indices, delta.values, use_locking=self._use_locking
        )
