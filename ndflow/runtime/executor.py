"""The hot loop: runs a Plan's steps over a fresh copy of its slot template.

`execute` is the untraced loop; `execute_traced` is the same loop recording each step's
times and outputs into the context's StepTrace. Session picks one of them once per run, so
an untraced run pays nothing for tracing.
"""

from __future__ import annotations

import sys
import threading
import time

import numpy as np

from ndflow.framework import errors


def _sole_reference_count() -> int:
    """What sys.getrefcount reports for an array referenced only by one list, read the way
    `_run_forwarding` reads it (the count differs between Python versions)."""
    probe = [np.empty(1)]
    return sys.getrefcount(probe[0])


_SOLE = _sole_reference_count()


def execute(plan, feed_values, ctx) -> list:
    """Runs `plan` with already-checked feed values; returns the fetched slot values."""
    slots = plan.template.copy()
    for spec, value in zip(plan.feeds, feed_values):
        slots[spec.slot] = value
    with np.errstate(all="ignore"):
        try:
            for kernel, node, ins, out, kwargs, frees, forward in plan.steps:
                ctx.node = node
                if forward is None:
                    result = kernel(ctx, *[slots[i] for i in ins], **kwargs)
                else:
                    result = _run_forwarding(kernel, ctx, slots, ins, kwargs, forward)
                if out.__class__ is int:
                    slots[out] = result
                elif out is not None:
                    for slot, value in zip(out, result):
                        slots[slot] = value
                for slot in frees:
                    slots[slot] = None
                # Locals must not keep an output alive: the next step may take it over.
                result = value = None
        except Exception as err:  # noqa: BLE001 - re-raised as TF's error class below
            raise as_op_error(err, ctx.node) from err
    return [slots[i] for i in plan.fetch_slots]


def execute_traced(plan, feed_values, ctx) -> list:
    """`execute`, appending one record per step to `ctx.trace.records` (a StepTrace)."""
    slots = plan.template.copy()
    for spec, value in zip(plan.feeds, feed_values):
        slots[spec.slot] = value
    records = ctx.trace.records
    scope = ctx.trace_scope
    thread_id = threading.get_native_id()
    with np.errstate(all="ignore"):
        try:
            for step in plan.steps:
                records.append((scope + step[1].name, *_traced_step(step, slots, ctx, thread_id)))
        except Exception as err:  # noqa: BLE001 - re-raised as TF's error class below
            raise as_op_error(err, ctx.node) from err
    return [slots[i] for i in plan.fetch_slots]


def _traced_step(step, slots, ctx, thread_id: int) -> tuple:
    """Runs one step like `execute`'s loop body; returns its trace record."""
    kernel, node, ins, out, kwargs, frees, forward = step
    ctx.node = node
    clock = time.perf_counter_ns
    start = clock()
    if forward is None:
        args = [slots[i] for i in ins]
        op_start = clock()
        result = kernel(ctx, *args, **kwargs)
        args = None
    else:
        op_start = clock()
        result = _run_forwarding(kernel, ctx, slots, ins, kwargs, forward)
    op_end = clock()
    outputs = _store_described(result, out, slots)
    result = None
    for slot in frees:
        slots[slot] = None
    return (node, start, op_start, op_end, clock(), thread_id, outputs)


def _store_described(result, out, slots) -> tuple:
    if out.__class__ is int:
        slots[out] = result
        return (describe_output(result),)
    if out is None:
        return ()
    described = []
    for slot, value in zip(out, result):
        slots[slot] = value
        described.append(describe_output(value))
    return tuple(described)


def describe_output(value) -> tuple:
    """(dtype, shape, nbytes, owns its data) of a kernel output; resources and references
    (not arrays) have no shape and no bytes."""
    if value.__class__ is np.ndarray:
        return (value.dtype, value.shape, value.nbytes, value.base is None)
    if isinstance(value, np.generic):
        return (value.dtype, (), value.nbytes, True)
    return (None, (), 0, False)


def _run_forwarding(kernel, ctx, slots, ins, kwargs, forward):
    """Runs a step whose input dies here, offering that array to the kernel as
    `ctx.donated` when no one else holds it: not a variable's or a constant's storage, not a
    view, not a fed array (those keep other references)."""
    args = [slots[i] for i in ins]
    position, slot = forward
    slots[slot] = None
    # The count first: binding the array to a name would add a reference.
    if sys.getrefcount(args[position]) == _SOLE and _owned_array(args[position]):
        ctx.donated = args[position]
    try:
        return kernel(ctx, *args, **kwargs)
    finally:
        ctx.donated = None


def _owned_array(value) -> bool:
    return value.__class__ is np.ndarray and value.base is None and value.flags.writeable


def as_op_error(err: Exception, node) -> errors.OpError:
    """`err` as an OpError naming `node`, keeping TF's class when it already is one."""
    if isinstance(err, errors.OpError):
        if err.op is not None or node is None:
            return err
        return (
            type(err)(None, node, err.message)
            if type(err) is not errors.OpError
            else errors.OpError(None, node, err.message, err.error_code)
        )
    message = str(err) or type(err).__name__
    if isinstance(err, (ValueError, IndexError, TypeError, ZeroDivisionError, OverflowError)):
        return errors.InvalidArgumentError(None, node, message)
    if isinstance(err, MemoryError):
        return errors.ResourceExhaustedError(None, node, "OOM when allocating tensor: " + message)
    return errors.InternalError(None, node, f"{type(err).__name__}: {message}")
