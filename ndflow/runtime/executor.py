"""The hot loop: runs a Plan's steps over a fresh copy of its slot template."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors


def execute(plan, feed_values, ctx) -> list:
    """Runs `plan` with already-checked feed values; returns the fetched slot values."""
    slots = plan.template.copy()
    for spec, value in zip(plan.feeds, feed_values):
        slots[spec.slot] = value
    with np.errstate(all="ignore"):
        try:
            for kernel, node, ins, out, kwargs, frees in plan.steps:
                ctx.node = node
                result = kernel(ctx, *[slots[i] for i in ins], **kwargs)
                if out.__class__ is int:
                    slots[out] = result
                elif out is not None:
                    for slot, value in zip(out, result):
                        slots[slot] = value
                for slot in frees:
                    slots[slot] = None
        except Exception as err:  # noqa: BLE001 - re-raised as TF's error class below
            raise as_op_error(err, ctx.node) from err
    return [slots[i] for i in plan.fetch_slots]


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
