"""`tf.train.ProximalAdagradOptimizer`: Adagrad's step size with the FOBOS shrinkage
(ApplyProximalAdagrad and its Resource/Sparse versions; slot "accumulator", initialized from a
constant made next to the variable)."""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class ProximalAdagradOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.ProximalAdagradOptimizer`.

    >>> opt = ProximalAdagradOptimizer(0.1, l2_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        use_locking=False,
        name="ProximalAdagrad",
    ):
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._learning_rate_tensor = None
        self._l1_regularization_strength_tensor = None
        self._l2_regularization_strength_tensor = None

    def _create_slots(self, var_list):
        for v in var_list:
            with graph_lib.colocate_with(v.op):
                val = array.constant(
                    self._initial_accumulator_value,
                    shape=v.get_shape(),
                    dtype=v.dtype.base_dtype,
                )
            self._get_or_make_slot(v, val, "accumulator", self._name)

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
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "ApplyProximalAdagrad",
            var,
            acc,
            *self._tensors(),
            grad,
            use_locking=self._use_locking,
        )

    def _resource_apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "ResourceApplyProximalAdagrad",
            var.handle,
            acc.handle,
            *self._tensors(),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "SparseApplyProximalAdagrad",
            var,
            acc,
            *self._tensors(),
            grad.values,
            grad.indices,
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse(self, grad, var, indices):
        acc = self.get_slot(var, "accumulator")
        scalars = [cast_like(t, grad.dtype.base_dtype) for t in self._tensors()]
        return apply_op(
            "ResourceSparseApplyProximalAdagrad",
            var.handle,
            acc.handle,
            *scalars,
            grad,
            indices,
            use_locking=self._use_locking,
        )
