"""`tf.train.ProximalGradientDescentOptimizer`: a gradient step followed by the FOBOS
shrinkage of l1 and l2 (ApplyProximalGradientDescent and its Resource/Sparse versions)."""

from __future__ import annotations

from ndflow.framework import op_builder
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class ProximalGradientDescentOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.ProximalGradientDescentOptimizer`.

    >>> opt = ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        use_locking=False,
        name="ProximalGradientDescent",
    ):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._learning_rate_tensor = None
        self._l1_regularization_strength_tensor = None
        self._l2_regularization_strength_tensor = None

    def _prepare(self):
        convert = op_builder.convert_to_tensor
        self._learning_rate_tensor = convert(self._learning_rate, name="learning_rate")
        self._l1_regularization_strength_tensor = convert(
            self._l1_regularization_strength, name="l1_regularization_strength"
        )
        self._l2_regularization_strength_tensor = convert(
            self._l2_regularization_strength, name="l2_regularization_strength"
        )

    def _tensors(self):
        return [
            self._learning_rate_tensor,
            self._l1_regularization_strength_tensor,
            self._l2_regularization_strength_tensor,
        ]

    def _apply_dense(self, grad, var):
        return apply_op(
            "ApplyProximalGradientDescent",
            var,
            *self._tensors(),
            grad,
            use_locking=self._use_locking,
        ).op

    def _resource_apply_dense(self, grad, var):
        return apply_op(
            "ResourceApplyProximalGradientDescent",
            var.handle,
            *self._tensors(),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        return apply_op(
            "SparseApplyProximalGradientDescent",
            var,
            *self._tensors(),
            grad.values,
            grad.indices,
            use_locking=self._use_locking,
        ).op

    def _resource_apply_sparse(self, grad, var, indices):
        scalars = [cast_like(t, grad.dtype.base_dtype) for t in self._tensors()]
        return apply_op(
            "ResourceSparseApplyProximalGradientDescent",
            var.handle,
            *scalars,
            grad,
            indices,
            use_locking=self._use_locking,
        )
