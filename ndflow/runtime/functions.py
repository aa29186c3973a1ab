"""Calling library functions from kernels (If, While, PartitionedCall).

A function's FuncGraph is compiled once into a plan (its outputs fetched, its stateful ops
always run, its inputs fed) and cached on the function object; each call runs that plan in
a child context of the caller's step. In a traced step the body's kernels are recorded too
under "<calling node>/<body node>", as TF names the nodes of a lowered If or While body.
"""

from __future__ import annotations

import threading

from ndflow.framework import errors
from ndflow.runtime import executor
from ndflow.runtime import plan as plan_lib

_compile_lock = threading.Lock()


def call_function(ctx, func, inputs) -> list:
    """Runs function `func` (FuncAttr or name) of the session graph's library on `inputs`."""
    name = func if isinstance(func, str) else func.name
    function = ctx.session.graph._get_function(name)
    if function is None:
        raise errors.NotFoundError(None, None, f"Function {name} is not defined.")
    plan = _plan_for(function)
    if len(inputs) != len(plan.feeds):
        raise errors.InvalidArgumentError(
            None, None, f"Function {name} expects {len(plan.feeds)} arguments, got {len(inputs)}."
        )
    child = ctx.child()
    if ctx.trace is None or not ctx.trace.active:
        return executor.execute(plan, list(inputs), child)
    child.trace_scope = f"{ctx.trace_scope}{ctx.node_name}/"
    return executor.execute_traced(plan, list(inputs), child)


def _plan_for(function):
    plan = getattr(function, "_ndflow_plan", None)
    if plan is not None:
        return plan
    with _compile_lock:
        plan = getattr(function, "_ndflow_plan", None)
        if plan is None:
            plan = _compile(function.graph)
            function._ndflow_plan = plan
    return plan


def _compile(func_graph):
    targets = [
        op
        for op in func_graph.get_operations()
        if op.op_def.is_stateful and op.type != "Placeholder"
    ]
    targets.extend(op for op in func_graph.control_outputs if op not in targets)
    return plan_lib.compile_plan(list(func_graph.outputs), targets, list(func_graph.inputs))
