"""`tf.train.AdamOptimizer`: ApplyAdam / ResourceApplyAdam for dense gradients; sparse ones
update m and v with Assign + ScatterAdd and the variable with AssignSub, as TF does. The
bias corrections live in the non-slot variables "beta1_power" and "beta2_power", colocated
with the first variable by name and multiplied by beta1/beta2 after every step."""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import math
from ndflow.ops import state
from ndflow.train import optimizer

apply_op = op_builder.apply_op
cast_like = optimizer.cast_like


def _assign_op(value):
    """The op an assign's result stands for in a control dependency: TF's `_UnreadVariable`
    (a resource variable's read after the assign) depends on the assign itself."""
    op = value.op
    if op.type == "ReadVariableOp":
        for control in op.control_inputs:
            if control.type.startswith("Assign"):
                return control
    return op


class AdamOptimizer(optimizer.Optimizer):
    """Mirrors `tf.compat.v1.train.AdamOptimizer` (slots "m" and "v": `<var>/Adam`,
    `<var>/Adam_1`).

    >>> train_op = AdamOptimizer(1e-3).minimize(loss, global_step=step)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta1=0.9,
        beta2=0.999,
        epsilon=1e-08,
        use_locking=False,
        name="Adam",
        use_own_namescope_for_non_slot_vars=False,
    ):
        super().__init__(use_locking, name, use_own_namescope_for_non_slot_vars)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t = self._beta1_t = self._beta2_t = self._epsilon_t = None

    def _get_beta_accumulators(self):
        graph = graph_lib.get_default_graph()
        return (
            self._get_non_slot_variable("beta1_power", graph=graph),
            self._get_non_slot_variable("beta2_power", graph=graph),
        )

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        convert = op_builder.convert_to_tensor
        self._lr_t = convert(self._call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = convert(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = convert(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = convert(self._call_if_callable(self._epsilon), name="epsilon")

    def _scalars(self, dtype):
        """beta1_power, beta2_power, lr, beta1, beta2, epsilon, as `dtype`."""
        dtype = dtype.base_dtype
        powers = self._get_beta_accumulators()
        rest = (self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t)
        return [cast_like(value, dtype) for value in (*powers, *rest)]

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        return apply_op(
            "ApplyAdam", var, m, v, *self._scalars(var.dtype), grad, use_locking=self._use_locking
        ).op

    def _resource_apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        return apply_op(
            "ResourceApplyAdam",
            var.handle,
            m.handle,
            v.handle,
            *self._scalars(grad.dtype),
            grad,
            use_locking=self._use_locking,
        )

    def _apply_sparse_shared(self, grad, var, indices, scatter_add):
        beta1_power, beta2_power, lr_t, beta1_t, beta2_t, epsilon_t = self._scalars(var.dtype)
        lr = lr_t * math.sqrt(1 - beta2_power) / (1 - beta1_power)
        m = self.get_slot(var, "m")
        m_scaled_g_values = grad * (1 - beta1_t)
        m_t = m.assign(m * beta1_t, use_locking=self._use_locking)
        with graph_lib.control_dependencies([_assign_op(m_t)]):
            m_t = scatter_add(m, indices, m_scaled_g_values)
        v = self.get_slot(var, "v")
        v_scaled_g_values = (grad * grad) * (1 - beta2_t)
        v_t = v.assign(v * beta2_t, use_locking=self._use_locking)
        with graph_lib.control_dependencies([_assign_op(v_t)]):
            v_t = scatter_add(v, indices, v_scaled_g_values)
        v_sqrt = math.sqrt(v_t)
        var_update = var.assign_sub(lr * m_t / (v_sqrt + epsilon_t), use_locking=self._use_locking)
        return state.group(*[_assign_op(var_update), m_t, v_t])

    def _apply_sparse(self, grad, var):
        def scatter_add(x, i, v):
            return apply_op("ScatterAdd", x, i, v, use_locking=self._use_locking)

        return self._apply_sparse_shared(grad.values, var, grad.indices, scatter_add)

    def _resource_scatter_add(self, x, i, v):
        with graph_lib.control_dependencies([apply_op("ResourceScatterAdd", x.handle, i, v)]):
            return x.value()

    def _resource_apply_sparse(self, grad, var, indices):
        return self._apply_sparse_shared(grad, var, indices, self._resource_scatter_add)

    def _finish(self, update_ops, name_scope):
        graph = graph_lib.get_default_graph()
        with graph.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            with graph.colocate_with(beta1_power.op):
                update_beta1 = beta1_power.assign(
                    beta1_power * self._beta1_t, use_locking=self._use_locking
                )
                update_beta2 = beta2_power.assign(
                    beta2_power * self._beta2_t, use_locking=self._use_locking
                )
        finished = update_ops + [_assign_op(update_beta1), _assign_op(update_beta2)]
        return state.group(*finished, name=name_scope)
