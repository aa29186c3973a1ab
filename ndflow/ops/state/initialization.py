"""Variable collections and initialization: `tf.global_variables`, `tf.group`,
`tf.global_variables_initializer`, `tf.report_uninitialized_variables`...
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.state import ref_variables
from ndflow.ops.state import variables

apply_op = op_builder.apply_op
register_op = registry.register_op
GraphKeys = graph_lib.GraphKeys
Tensor = graph_lib.Tensor
Variable = variables.Variable
is_variable_initialized = ref_variables.is_variable_initialized

# ---------------------------------------------------------------------- collections, init


def global_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.global_variables`."""
    return graph_lib.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables() -> list:
    """Mirrors the deprecated `tf.compat.v1.all_variables`."""
    return global_variables()


def trainable_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.trainable_variables`."""
    return graph_lib.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.local_variables`."""
    return graph_lib.get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.model_variables`."""
    return graph_lib.get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None) -> list:
    """Mirrors `tf.compat.v1.moving_average_variables`."""
    return graph_lib.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def group(*inputs, name=None):
    """Mirrors `tf.group`: an op that runs all `inputs` (a NoOp with control inputs). As
    TF's, inputs on several devices get one NoOp per device (sorted by device) and the
    named NoOp runs after those."""
    ops = [graph_lib.get_default_graph().as_graph_element(x) for x in _flatten(inputs)]
    ops = [x.op if isinstance(x, graph_lib.Tensor) else x for x in ops]
    with graph_lib.name_scope(name, "group_deps", ops) as scope:
        if not ops:
            return array.no_op(name=scope)
        per_device: dict = {}
        for op in ops:
            per_device.setdefault(op.device, []).append(op)
        if len(per_device) == 1:
            ((device, deps),) = per_device.items()
            return _no_op_after(deps, device, scope)
        parts = [_no_op_after(per_device[d], d, None) for d in sorted(per_device)]
        with graph_lib.control_dependencies(parts):
            return array.no_op(name=scope)


def _no_op_after(deps, device, name):
    with graph_lib.control_dependencies(deps), graph_lib.device(device):
        return array.no_op(name=name)


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif isinstance(item, Variable):
            yield item.initializer
        else:
            yield item


def variables_initializer(var_list, name="init"):
    """Mirrors `tf.compat.v1.variables_initializer`."""
    if not var_list:
        return array.no_op(name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """Mirrors `tf.compat.v1.global_variables_initializer`."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    """Mirrors `tf.compat.v1.local_variables_initializer`."""
    return variables_initializer(local_variables())


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """Mirrors `tf.compat.v1.report_uninitialized_variables`: names of the uninitialized
    variables as a 1-D string tensor."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    with graph_lib.name_scope(name) as scope:
        if not var_list:
            return array.constant([], dtype=dtypes.string, name=scope)
        initialized = array.stack([is_variable_initialized(v) for v in var_list])
        names = array.constant([v.op.name for v in var_list])
        return array.boolean_mask(names, math.logical_not(initialized), name=scope)


def assert_variables_initialized(var_list=None):
    """Mirrors `tf.compat.v1.assert_variables_initialized`: true iff all are initialized."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    if not var_list:
        return None
    with graph_lib.name_scope("assert_variables_initialized"):
        checks = array.stack([is_variable_initialized(v) for v in var_list])
        return math.reduce_all(checks)
