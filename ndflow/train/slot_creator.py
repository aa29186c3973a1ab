"""Slot variables: the per-variable state optimizers keep (TF's `slot_creator`).

A slot for primary variable `w` created under op name "Adam" is the variable `w/Adam` (then
`w/Adam_1`...: the name is a fresh variable scope `<primary>/<name>`, made unique as TF's
`variable_scope(None, default_name=...)` does), colocated with `w`, not trainable, in
GLOBAL_VARIABLES, and a resource variable exactly when `w` is one. Its initial value is built
inside `<slot>/Initializer/` (TF's names: "zeros", "ones", "Const"...).

Only the variable scope's naming is used; the slot is created directly as a Variable (it is
not registered with `get_variable`'s store).
"""

from __future__ import annotations

from ndflow.framework import behavior
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import initializers
from ndflow.ops import state
from ndflow.ops import variable_scope

GraphKeys = graph_lib.GraphKeys


def is_resource_variable(value) -> bool:
    """Whether `value` is a resource variable (TF's `is_resource_variable`)."""
    return bool(getattr(value, "_is_resource_variable", False))


def _use_resource(primary):
    if is_resource_variable(primary):
        return True
    if isinstance(primary, state.Variable):
        return False
    return behavior.resource_variables_enabled()


def _create_slot_var(primary, initial_value, scope_name, validate_shape, dtype):
    """The slot variable itself, named exactly `scope_name`, outside control scopes."""
    graph = primary.graph
    with graph.control_dependencies(None), graph_lib.name_scope(None):
        return state.Variable(
            initial_value=initial_value,
            trainable=False,
            collections=[GraphKeys.GLOBAL_VARIABLES],
            validate_shape=validate_shape,
            name=scope_name + "/",
            dtype=dtype,
            use_resource=_use_resource(primary),
        )


def _prefix(primary) -> str:
    return primary.op.name


def _in_slot_scope(primary, name, colocate_with_primary, make):
    """Runs `make(scope_name)` inside the slot's unique variable scope."""
    with variable_scope.variable_scope(None, default_name=f"{_prefix(primary)}/{name}") as scope:
        if not colocate_with_primary:
            return make(scope.name)
        with primary.graph.colocate_with(primary.op):
            return make(scope.name)


def create_slot(primary, val, name, colocate_with_primary=True):
    """Mirrors `slot_creator.create_slot`: a slot initialized to the Tensor `val`.

    >>> m = create_slot(w, tf.zeros_like(w.initialized_value()), "Momentum")
    """
    validate_shape = val.get_shape().is_fully_defined()
    return _in_slot_scope(
        primary,
        name,
        colocate_with_primary,
        lambda scope: _create_slot_var(primary, val, scope, validate_shape, None),
    )


def create_slot_with_initializer(
    primary, initializer, shape, dtype, name, colocate_with_primary=True
):
    """Mirrors `slot_creator.create_slot_with_initializer`: a slot of `shape` and `dtype`
    whose value `initializer(shape, dtype=dtype)` builds under `<slot>/Initializer/`."""
    shape = tensor_shape.as_shape(shape)
    dtype = dtypes.as_dtype(dtype).base_dtype

    def initial_value():
        if not shape.is_fully_defined():
            return initializer()  # TF: a shape-less initializer takes no arguments
        return initializer(shape.as_list(), dtype=dtype, partition_info=None)

    value = initial_value if callable(initializer) else initializer
    return _in_slot_scope(
        primary,
        name,
        colocate_with_primary,
        lambda scope: _create_slot_var(
            primary, value, scope, shape.is_fully_defined(), dtype if callable(value) else None
        ),
    )


def _is_initialized(variable):
    if is_resource_variable(variable):
        return variable.is_initialized()
    return state.is_variable_initialized(variable)


def create_zeros_slot(primary, name, dtype=None, colocate_with_primary=True):
    """Mirrors `slot_creator.create_zeros_slot`: zeros shaped like `primary` (its runtime
    shape, through a `cond` on its initialization, when the static shape is not known)."""
    dtype = primary.dtype.base_dtype if dtype is None else dtypes.as_dtype(dtype)
    slot_shape = primary.get_shape()
    if slot_shape.is_fully_defined():
        return create_slot_with_initializer(
            primary,
            initializers.zeros_initializer(),
            slot_shape,
            dtype,
            name,
            colocate_with_primary=colocate_with_primary,
        )
    if isinstance(primary, state.Variable):
        current = control_flow.cond(
            _is_initialized(primary),
            primary.read_value,
            lambda: primary.initial_value,
        )
        slot_shape = array.shape(current)
    else:
        slot_shape = array.shape(primary)
    value = array.zeros(slot_shape, dtype=dtype)
    return create_slot(primary, value, name, colocate_with_primary=colocate_with_primary)
