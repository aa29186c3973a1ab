"""The optimizer base class, TF1's `tf.train.Optimizer`.

`minimize` = `compute_gradients` (tf.gradients on the variables, gated as asked) +
`apply_gradients`, which creates the slots (outside control scopes), opens the optimizer's
name scope, builds one update per variable under "update_<var>" colocated with it (the
subclass's `_apply_dense` / `_apply_sparse` for ref variables, `_resource_apply_*` for
resource variables), groups them in `_finish`, and increments `global_step` after them
(AssignAdd, or AssignAddVariableOp for a resource variable) in an op named like the scope.
IndexedSlices gradients have their repeated indices summed first (Unique +
UnsortedSegmentSum), unless the subclass handles repeats itself.
"""

from __future__ import annotations

from ndflow.autodiff import gradients as gradients_lib
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops import state
from ndflow.ops import training  # noqa: F401 - registers the Apply* ops optimizers build
from ndflow.ops import variable_scope
from ndflow.train import slot_creator

GraphKeys = graph_lib.GraphKeys
IndexedSlices = indexed_slices.IndexedSlices
Tensor = graph_lib.Tensor
apply_op = op_builder.apply_op
is_resource_variable = slot_creator.is_resource_variable


def _deduplicate_indexed_slices(values, indices):
    """Sums the `values` rows that share an index: (summed values, unique indices)."""
    unique_indices, new_index_positions = array.unique(indices)
    summed_values = math.unsorted_segment_sum(
        values, new_index_positions, array.shape(unique_indices)[0]
    )
    return summed_values, unique_indices


def _var_key(var):
    """The key slots are stored under: (graph, op name)."""
    return (var.op.graph, var.op.name)


def cast_like(value, dtype):
    """TF's `math_ops.cast` as optimizers use it: values (and variables) already of `dtype`
    pass through unchanged, so they are converted where they are consumed."""
    current = getattr(value, "dtype", None)
    if current is not None and current.base_dtype == dtype:
        return value
    return math.cast(value, dtype)


def _convert_gradient(g):
    if g is None or isinstance(g, (Tensor, IndexedSlices)):
        return g
    try:
        return op_builder.convert_to_tensor(g)
    except (TypeError, ValueError):
        raise TypeError(
            f"Gradient must be convertible to a Tensor or IndexedSlices, or None: {g}"
        ) from None


# ---------------------------------------------------------------------- variable processors


class _RefVariableProcessor:
    """A ref variable: dense and sparse updates through `_apply_dense` / `_apply_sparse`."""

    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v._ref()

    def update_op(self, optimizer, g):
        if isinstance(g, Tensor):
            return _constrained(self._v, optimizer._apply_dense(g, self._v))
        if self._v.constraint is not None:
            raise RuntimeError("Cannot use a constraint function on a sparse variable.")
        return optimizer._apply_sparse_duplicate_indices(g, self._v)


class _DenseResourceVariableProcessor:
    """A resource variable: updates through `_resource_apply_dense` / `_resource_apply_*`."""

    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v

    def update_op(self, optimizer, g):
        if isinstance(g, IndexedSlices):
            if self._v.constraint is not None:
                raise RuntimeError("Cannot use a constraint function on a sparse variable.")
            return optimizer._resource_apply_sparse_duplicate_indices(g.values, self._v, g.indices)
        return _constrained(self._v, optimizer._resource_apply_dense(g, self._v))


class _TensorProcessor:
    """A plain Tensor: gradients can be computed for it, but it cannot be updated."""

    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v

    def update_op(self, optimizer, g):
        raise NotImplementedError("Trying to update a Tensor ", self._v)


def _constrained(variable, update_op):
    if variable.constraint is None:
        return update_op
    with graph_lib.control_dependencies([update_op]):
        return variable.assign(variable.constraint(variable))


def _get_processor(v):
    if is_resource_variable(v):
        return _DenseResourceVariableProcessor(v)
    if isinstance(v, state.Variable):
        return _RefVariableProcessor(v)
    if isinstance(v, Tensor):
        return _TensorProcessor(v)
    raise NotImplementedError("Trying to optimize unsupported type ", v)


# ---------------------------------------------------------------------- Optimizer


class Optimizer:
    """Mirrors `tf.compat.v1.train.Optimizer`: the base of every TF1 optimizer.

    Subclasses implement `_create_slots`, `_prepare`, `_apply_dense`, `_apply_sparse`,
    `_resource_apply_dense`, `_resource_apply_sparse` (and may override `_finish`).

    >>> train_op = GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name, use_own_namescope_for_non_slot_vars=False):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._use_own_namescope_for_non_slot_vars = use_own_namescope_for_non_slot_vars
        if use_own_namescope_for_non_slot_vars:
            with variable_scope.variable_scope(None, default_name=name) as scope:
                self._non_slot_variable_scope = scope
        self._slots: dict = {}
        self._non_slot_dict: dict = {}

    def get_name(self) -> str:
        return self._name

    # -- the public API ---------------------------------------------------------------

    def minimize(
        self,
        loss,
        global_step=None,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        name=None,
        grad_loss=None,
    ):
        """Mirrors `Optimizer.minimize`: compute_gradients, then apply_gradients.

        Returns:
          The Operation that applies the updates (and increments `global_step`).

        Raises:
          ValueError: if no variable gets a gradient.
        """
        grads_and_vars = self.compute_gradients(
            loss,
            var_list=var_list,
            gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
            grad_loss=grad_loss,
        )
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                f"and loss {loss}."
            )
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(
        self,
        loss,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        grad_loss=None,
    ):
        """Mirrors `Optimizer.compute_gradients`: a list of (gradient, variable) pairs, the
        gradient a Tensor, an IndexedSlices or None.

        Raises:
          ValueError: for a bad `gate_gradients`, invalid dtypes or no variables.
        """
        if callable(loss):
            loss = loss()
        if gate_gradients not in (self.GATE_NONE, self.GATE_OP, self.GATE_GRAPH):
            raise ValueError(
                "gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, "
                f"Optimizer.GATE_GRAPH.  Not {gate_gradients}"
            )
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            self._assert_valid_dtypes([grad_loss])
        var_list = _default_var_list(var_list)
        processors = [_get_processor(v) for v in var_list]
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients_lib.gradients(
            loss,
            [p.target() for p in processors],
            grad_ys=grad_loss,
            gate_gradients=(gate_gradients == self.GATE_OP),
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
        )
        if gate_gradients == self.GATE_GRAPH:
            grads = control_flow.tuple(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes(
            [v for g, v in grads_and_vars if g is not None and v.dtype != dtypes.resource]
        )
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Mirrors `Optimizer.apply_gradients`: the update ops for (gradient, variable)
        pairs, grouped under `name` (the optimizer's name by default); with `global_step`,
        an AssignAdd of 1 that runs after them.

        Raises:
          TypeError: a gradient that is neither a Tensor nor an IndexedSlices.
          ValueError: no pairs, or no pair with a gradient.
        """
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = tuple((_convert_gradient(g), v, _get_processor(v)) for g, v in grads_and_vars)
        var_list = [v for g, v, _ in converted if g is not None]
        if not var_list:
            raise ValueError(
                f"No gradients provided for any variable: {[str(v) for _, v, _ in converted]}."
            )
        with graph_lib.get_default_graph().control_dependencies(None):
            self._create_slots(var_list)
        with graph_lib.name_scope(name, self._name) as scope:
            self._prepare()
            update_ops = self._update_ops(converted)
            apply_updates = self._finish_with_step(update_ops, global_step, scope)
            if isinstance(apply_updates, Tensor):
                apply_updates = apply_updates.op
            train_ops = graph_lib.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
            return apply_updates

    def _update_ops(self, converted):
        graph = graph_lib.get_default_graph()
        update_ops = []
        for grad, var, processor in converted:
            if grad is None:
                continue
            with graph_lib.name_scope("update_" + var.op.name), graph.colocate_with(var.op):
                update_ops.append(processor.update_op(self, grad))
        return update_ops

    def _finish_with_step(self, update_ops, global_step, scope):
        if global_step is None:
            return self._finish(update_ops, scope)
        graph = graph_lib.get_default_graph()
        with graph.control_dependencies([self._finish(update_ops, "update")]):
            with graph.colocate_with(global_step.op):
                if is_resource_variable(global_step):
                    one = op_builder.convert_to_tensor(1, dtype=global_step.dtype)
                    return apply_op("AssignAddVariableOp", global_step.handle, one, name=scope)
                return state.assign_add(global_step, 1, name=scope)

    def get_slot(self, var, name):
        """Mirrors `Optimizer.get_slot`: the slot `name` made for `var`, or None."""
        named_slots = self._slots.get(name)
        if not named_slots:
            return None
        return named_slots.get(_var_key(var))

    def get_slot_names(self) -> list:
        """Mirrors `Optimizer.get_slot_names`: the slot names, sorted."""
        return sorted(self._slots.keys())

    def variables(self) -> list:
        """Mirrors `Optimizer.variables`: the slot and non-slot variables of the default
        graph, sorted by name."""
        graph = graph_lib.get_default_graph()
        found = [v for v in self._non_slot_variables() if v.op.graph is graph]
        for variable_dict in self._slots.values():
            found.extend(v for v in variable_dict.values() if v.op.graph is graph)
        return sorted(found, key=lambda v: v.name)

    # -- non-slot variables -----------------------------------------------------------

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """An extra variable (beta1_power...), one per graph, colocated with `colocate_with`."""
        graph = colocate_with.graph
        key = (name, graph)
        variable = self._non_slot_dict.get(key)
        if variable is None:
            with graph.colocate_with(colocate_with.op), graph.control_dependencies(None):
                variable = self._make_non_slot_variable(initial_value, name, colocate_with)
            self._non_slot_dict[key] = variable
        return variable

    def _make_non_slot_variable(self, initial_value, name, colocate_with):
        use_resource = is_resource_variable(colocate_with)
        if not self._use_own_namescope_for_non_slot_vars:
            return state.Variable(
                initial_value, name=name, trainable=False, use_resource=use_resource
            )
        with graph_lib.name_scope(""):
            with variable_scope.variable_scope(self._non_slot_variable_scope):
                return variable_scope.get_variable(
                    name=name,
                    initializer=initial_value,
                    trainable=False,
                    use_resource=use_resource,
                )

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph))

    def _non_slot_variables(self):
        return self._non_slot_dict.values()

    # -- dtypes -----------------------------------------------------------------------

    def _assert_valid_dtypes(self, tensors) -> None:
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                raise ValueError(f"Invalid type {dtype!r} for {t.name}, expected: {list(valid)}.")

    def _valid_dtypes(self):
        return (dtypes.float32, dtypes.float64, dtypes.float16, dtypes.bfloat16)

    # -- what subclasses implement ----------------------------------------------------

    def _create_slots(self, var_list) -> None:
        pass

    def _prepare(self) -> None:
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError()

    def _resource_apply_dense(self, grad, handle):
        raise NotImplementedError()

    def _resource_apply_sparse_duplicate_indices(self, grad, handle, indices):
        summed_grad, unique_indices = _deduplicate_indexed_slices(grad, indices)
        return self._resource_apply_sparse(summed_grad, handle, unique_indices)

    def _resource_apply_sparse(self, grad, handle, indices):
        raise NotImplementedError()

    def _apply_sparse_duplicate_indices(self, grad, var):
        summed_values, unique_indices = _deduplicate_indexed_slices(grad.values, grad.indices)
        deduplicated = IndexedSlices(summed_values, unique_indices, grad.dense_shape)
        return self._apply_sparse(deduplicated, var)

    def _apply_sparse(self, grad, var):
        raise NotImplementedError()

    def _finish(self, update_ops, name_scope):
        return state.group(*update_ops, name=name_scope)

    # -- slots ------------------------------------------------------------------------

    def _slot_dict(self, slot_name) -> dict:
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slot_creator.create_slot(var, val, op_name)
        return named_slots[_var_key(var)]

    def _get_or_make_slot_with_initializer(
        self, var, initializer, shape, dtype, slot_name, op_name
    ):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slot_creator.create_slot_with_initializer(
                var, initializer, shape, dtype, op_name
            )
        return named_slots[_var_key(var)]

    def _zeros_slot(self, var, slot_name, op_name):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slot_creator.create_zeros_slot(var, op_name)
        return named_slots[_var_key(var)]

    def _call_if_callable(self, param):
        return param() if callable(param) else param


def _default_var_list(var_list):
    if var_list is None:
        var_list = state.trainable_variables() + graph_lib.get_collection(
            GraphKeys.TRAINABLE_RESOURCE_VARIABLES
        )
    else:
        var_list = list(_flatten(var_list))
    return var_list + graph_lib.get_collection(GraphKeys._STREAMING_MODEL_PORTS)


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item
