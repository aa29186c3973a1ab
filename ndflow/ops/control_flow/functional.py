"""Functional control-flow ops: If, StatelessIf, While, StatelessWhile, PartitionedCall,
StatefulPartitionedCall. Their kernels run library functions through `ctx.call_function`.

Their gradients need the gradient walk itself, a layer above the ops, so
ndflow/autodiff/control_flow_grad.py attaches them (the one exception to a gradient sitting
next to its kernel).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import tensor_shape

register_op = registry.register_op


def truthy(value) -> bool:
    """TF's If/While predicate rule: a scalar is its truth value (strings: non-empty);
    any other tensor is true iff it has elements."""
    array = np.asarray(value)
    if array.ndim != 0:
        return array.size > 0
    item = array.item()
    if isinstance(item, bytes):
        return len(item) > 0
    return bool(item)


def _function_output_shapes(op, attr_name, count):
    declared = op.attrs.get("output_shapes") or []
    if declared:
        return list(declared)
    function = op.graph._get_function(op.attrs[attr_name].name)
    graph = getattr(function, "graph", None)
    if graph is None or len(graph.outputs) != count:
        return [tensor_shape.unknown_shape()] * count
    return [t.shape for t in graph.outputs]


# ---------------------------------------------------------------------- If


def _if_shape(op):
    return _function_output_shapes(op, "then_branch", len(op.attrs["Tout"]))


def _if_kernel(ctx, cond, input, then_branch, else_branch, Tout):
    branch = then_branch if truthy(cond) else else_branch
    outputs = ctx.call_function(branch, input)
    if len(outputs) != len(Tout):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Function {branch.name} returned {len(outputs)} outputs, the If op "
            f"expects {len(Tout)}.",
        )
    return outputs


_IF_ATTRS = [
    "Tcond: type",
    "Tin: list(type) >= 0",
    "Tout: list(type) >= 0",
    "then_branch: func",
    "else_branch: func",
    "output_shapes: list(shape) = []",
]

register_op(
    "If",
    inputs=["cond: Tcond", "input: Tin"],
    outputs=["output: Tout"],
    attrs=_IF_ATTRS,
    shape=_if_shape,
    kernel=_if_kernel,
    stateful=True,
)
register_op(
    "StatelessIf",
    inputs=["cond: Tcond", "input: Tin"],
    outputs=["output: Tout"],
    attrs=_IF_ATTRS,
    shape=_if_shape,
    kernel=_if_kernel,
)


# ---------------------------------------------------------------------- While


def _while_shape(op):
    declared = op.attrs.get("output_shapes") or []
    if declared:
        return list(declared)
    return [t.shape for t in op.inputs]


def _while_kernel(ctx, input, cond, body, T):
    values = list(input)
    while truthy(ctx.call_function(cond, values)[0]):
        values = ctx.call_function(body, values)
        if len(values) != len(T):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Function {body.name} returned {len(values)} outputs, the While "
                f"op has {len(T)} loop variables.",
            )
    return values


_WHILE_ATTRS = [
    "T: list(type) >= 0",
    "cond: func",
    "body: func",
    "output_shapes: list(shape) = []",
    "parallel_iterations: int = 10",
]

register_op(
    "While",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=_WHILE_ATTRS,
    shape=_while_shape,
    kernel=_while_kernel,
    stateful=True,
)
register_op(
    "StatelessWhile",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=_WHILE_ATTRS,
    shape=_while_shape,
    kernel=_while_kernel,
)


# ---------------------------------------------------------------------- PartitionedCall


def _call_shape(op):
    return _function_output_shapes(op, "f", len(op.attrs["Tout"]))


def _call_kernel(ctx, args, f, Tout):
    outputs = ctx.call_function(f, args)
    if len(outputs) != len(Tout):
        raise errors.InvalidArgumentError(
            None, None, f"Function {f.name} returned {len(outputs)} outputs, expected {len(Tout)}."
        )
    return outputs


_CALL_ATTRS = [
    "Tin: list(type) >= 0",
    "Tout: list(type) >= 0",
    "f: func",
    "config: string = ''",
    "config_proto: string = ''",
    "executor_type: string = ''",
]

register_op(
    "PartitionedCall",
    inputs=["args: Tin"],
    outputs=["output: Tout"],
    attrs=_CALL_ATTRS,
    shape=_call_shape,
    kernel=_call_kernel,
)
register_op(
    "StatefulPartitionedCall",
    inputs=["args: Tin"],
    outputs=["output: Tout"],
    attrs=_CALL_ATTRS,
    shape=_call_shape,
    kernel=_call_kernel,
    stateful=True,
)
