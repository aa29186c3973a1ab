"""`tf.train.MomentumOptimizer`: accum = momentum * accum + grad; var -= lr * accum (or the
Nesterov form), through ApplyMomentum and its Resource/Sparse versions."""

from __future__ import annotations

from ndflow.framework import op_builder
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class MomentumOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.MomentumOptimizer` (slot "momentum", `<var>/Momentum`).

    >>> train_op = MomentumOptimizer(0.1, 0.9, use_nesterov=True).minimize(loss)
    """

    def __init__(
        self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False
    ):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        learning_rate = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = op_builder.convert_to_tensor(
            learning_rate, name="learning_rate"
        )
        momentum = self._call_if_callable(self._momentum)
        self._momentum_tensor = op_builder.convert_to_tensor(momentum, name="momentum")

    def _scalars(self, dtype):
        dtype = dtype.base_dtype
        return (
            cast_like(self._learning_rate_tensor, dtype),
            cast_like(self._momentum_tensor, dtype),
        )

    def _attrs(self):
        return {"use_locking": self._use_locking, "use_nesterov": self._use_nesterov}

    def _apply_dense(self, grad, var):
        lr, momentum = self._scalars(var.dtype)
        mom = self.get_slot(var, "momentum")
        return apply_op("ApplyMomentum", var, mom, lr, grad, momentum, **self._attrs()).op

    def _resource_apply_dense(self, grad, var):
        lr, momentum = self._scalars(grad.dtype)
        mom = self.get_slot(var, "momentum")
        return apply_op(
            "ResourceApplyMomentum", var.handle, mom.handle, lr, grad, momentum, **self._attrs()
        )

    def _apply_sparse(self, grad, var):
        lr, momentum = self._scalars(var.dtype)
        mom = self.get_slot(var, "momentum")
        return apply_op(
            "SparseApplyMomentum",
            var,
            mom,
            lr,
            grad.values,
            grad.indices,
            momentum,
            **self._attrs(),
        ).op

    def _resource_apply_sparse(self, grad, var, indices):
        lr, momentum = self._scalars(grad.dtype)
        mom = self.get_slot(var, "momentum")
        return apply_op(
            "ResourceSparseApplyMomentum",
            var.handle,
            mom.handle,
            lr,
            grad,
            indices,
            momentum,
            **self._attrs(),
        )
