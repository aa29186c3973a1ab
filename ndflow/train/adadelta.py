"""`tf.train.AdadeltaOptimizer`: ApplyAdadelta and its Resource/Sparse versions (slots
"accum" and "accum_update", `<var>/Adadelta` and `<var>/Adadelta_1`)."""

from __future__ import annotations

from ndflow.framework import op_builder
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class AdadeltaOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.AdadeltaOptimizer`.

    >>> train_op = AdadeltaOptimizer(1.0, rho=0.95, epsilon=1e-6).minimize(loss)
    """

    def __init__(
        self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False, name="Adadelta"
    ):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon
        self._lr_t = self._rho_t = self._epsilon_t = None

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = op_builder.convert_to_tensor(self._call_if_callable(self._lr), name="lr")
        self._rho_t = op_builder.convert_to_tensor(self._call_if_callable(self._rho), name="rho")
        self._epsilon_t = op_builder.convert_to_tensor(
            self._call_if_callable(self._epsilon), name="epsilon"
        )

    def _scalars(self, dtype):
        dtype = dtype.base_dtype
        return [cast_like(t, dtype) for t in (self._lr_t, self._rho_t, self._epsilon_t)]

    def _slots_of(self, var):
        return self.get_slot(var, "accum"), self.get_slot(var, "accum_update")

    def _apply_dense(self, grad, var):
        accum, accum_update = self._slots_of(var)
        return apply_op(
            "ApplyAdadelta",
            var,
            accum,
            accum_update,
            *self._scalars(var.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _resource_apply_dense(self, grad, var):
        accum, accum_update = self._slots_of(var)
        return apply_op(
            "ResourceApplyAdadelta",
            var.handle,
            accum.handle,
            accum_update.handle,
            *self._scalars(grad.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        accum, accum_update = self._slots_of(var)
        return apply_op(
            "SparseApplyAdadelta",
            var,
            accum,
            accum_update,
            *self._scalars(var.dtype),
            grad.values,
            grad.indices,
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse(self, grad, var, indices):
        accum, accum_update = self._slots_of(var)
        return apply_op(
            "ResourceSparseApplyAdadelta",
            var.handle,
            accum.handle,
            accum_update.handle,
            *self._scalars(grad.dtype),
            grad,
            indices,
            use_locking=self._use_locking,
        )
