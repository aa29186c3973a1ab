"""`tf.train.AdagradOptimizer`: accum += grad^2; var -= lr * grad / sqrt(accum), through
ApplyAdagrad and its Resource/Sparse versions (slot "accumulator", `<var>/Adagrad`)."""

from __future__ import annotations

from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.ops import math
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class AdagradOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.AdagradOptimizer`.

    >>> train_op = AdagradOptimizer(0.1, initial_accumulator_value=0.1).minimize(loss)
    """

    def __init__(
        self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"
    ):
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor = None

    def _create_slots(self, var_list):
        for v in var_list:
            dtype = v.dtype.base_dtype
            if v.get_shape().is_fully_defined():
                init = initializers.constant_initializer(
                    self._initial_accumulator_value, dtype=dtype
                )
            else:
                init = self._init_constant_op(v, dtype)
            self._get_or_make_slot_with_initializer(
                v, init, v.get_shape(), dtype, "accumulator", self._name
            )

    def _init_constant_op(self, v, dtype):
        def init():
            filled = array.fill(array.shape(v), self._initial_accumulator_value)
            return math.cast(filled, dtype)

        return init

    def _prepare(self):
        learning_rate = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = op_builder.convert_to_tensor(
            learning_rate, name="learning_rate"
        )

    def _lr(self, dtype):
        return cast_like(self._learning_rate_tensor, dtype.base_dtype)

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "ApplyAdagrad", var, acc, self._lr(var.dtype), grad, use_locking=self._use_locking
        )

    def _resource_apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "ResourceApplyAdagrad",
            var.handle,
            acc.handle,
            self._lr(grad.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "SparseApplyAdagrad",
            var,
            acc,
            self._lr(var.dtype),
            grad.values,
            grad.indices,
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse(self, grad, var, indices):
        acc = self.get_slot(var, "accumulator")
        return apply_op(
            "ResourceSparseApplyAdagrad",
            var.handle,
            acc.handle,
            self._lr(grad.dtype),
            grad,
            indices,
            use_locking=self._use_locking,
        )
