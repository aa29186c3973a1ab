"""`tf.train.RMSPropOptimizer`: ApplyRMSProp, or ApplyCenteredRMSProp with centered=True, and
their Resource/Sparse versions. Slots: "rms" (initialized to ones), "mg" (centered only) and
"momentum", named `<var>/RMSProp`, `<var>/RMSProp_1`... in that creation order."""

from __future__ import annotations

from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import initializers
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


class RMSPropOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.RMSPropOptimizer`.

    >>> train_op = RMSPropOptimizer(0.01, decay=0.9, momentum=0.5, centered=True).minimize(loss)
    """

    def __init__(
        self,
        learning_rate,
        decay=0.9,
        momentum=0.0,
        epsilon=1e-10,
        use_locking=False,
        centered=False,
        name="RMSProp",
    ):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered
        self._learning_rate_tensor = self._decay_tensor = None
        self._momentum_tensor = self._epsilon_tensor = None

    def _create_slots(self, var_list):
        for v in var_list:
            if v.get_shape().is_fully_defined():
                init_rms = initializers.ones_initializer(dtype=v.dtype.base_dtype)
            else:
                init_rms = array.ones_like(v)
            self._get_or_make_slot_with_initializer(
                v, init_rms, v.get_shape(), v.dtype.base_dtype, "rms", self._name
            )
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        convert = op_builder.convert_to_tensor
        self._learning_rate_tensor = convert(
            self._call_if_callable(self._learning_rate), name="learning_rate"
        )
        self._decay_tensor = convert(self._call_if_callable(self._decay), name="decay")
        self._momentum_tensor = convert(self._call_if_callable(self._momentum), name="momentum")
        self._epsilon_tensor = convert(self._call_if_callable(self._epsilon), name="epsilon")

    def _scalars(self, dtype):
        tensors = (
            self._learning_rate_tensor,
            self._decay_tensor,
            self._momentum_tensor,
            self._epsilon_tensor,
        )
        return [cast_like(t, dtype.base_dtype) for t in tensors]

    def _states(self, var):
        """The variable and its slots in the op's input order: var, [mg,] ms, mom."""
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return [var, self.get_slot(var, "mg"), rms, mom]
        return [var, rms, mom]

    def _op(self, prefix):
        return prefix + ("ApplyCenteredRMSProp" if self._centered else "ApplyRMSProp")

    def _apply_dense(self, grad, var):
        return apply_op(
            self._op(""),
            *self._states(var),
            *self._scalars(var.dtype),
            grad,
            use_locking=self._use_locking,
        ).op

    def _resource_apply_dense(self, grad, var):
        handles = [s.handle for s in self._states(var)]
        return apply_op(
            self._op("Resource"),
            *handles,
            *self._scalars(grad.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse(self, grad, var):
        return apply_op(
            self._op("Sparse"),
            *self._states(var),
            *self._scalars(var.dtype),
            grad.values,
            grad.indices,
            use_locking=self._use_locking,
        )

    def _resource_apply_sparse(self, grad, var, indices):
        handles = [s.handle for s in self._states(var)]
        return apply_op(
            self._op("ResourceSparse"),
            *handles,
            *self._scalars(grad.dtype),
            grad,
            indices,
            use_locking=self._use_locking,
        )
