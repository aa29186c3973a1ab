"""Plans: a graph compiled once for one (fetches, feeds, targets) signature.

A plan is a flat list of steps, each a kernel call reading and writing precomputed slot
indices, plus a slot template with constants (and constant-folded values) preloaded, the
feed slots with their checks, and the fetch slots. Each intermediate slot is cleared after
its last use. Compiling does every check that does not depend on fed values.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.runtime import rewrites

_EMPTY = object()
_FOLD_LIMIT_BYTES = 16 << 20


class FeedSpec:
    """How to check and convert one fed value."""

    __slots__ = ("tensor", "slot", "np_dtype", "dims", "is_string")

    def __init__(self, tensor, slot):
        self.tensor = tensor
        self.slot = slot
        base = tensor.dtype.base_dtype
        self.is_string = base is dtypes.string
        self.np_dtype = base.as_numpy_dtype if base.is_numpy_compatible else None
        self.dims = tensor.shape.as_tuple()


class Plan:
    """The compiled form of one run signature."""

    __slots__ = ("steps", "template", "feeds", "fetch_slots", "fetch_deref", "graph_ops")

    def __init__(self, steps, template, feeds, fetch_slots, fetch_deref, graph_ops):
        self.steps = steps
        self.template = template
        self.feeds = feeds
        self.fetch_slots = fetch_slots
        self.fetch_deref = fetch_deref
        self.graph_ops = graph_ops


def compile_plan(fetch_tensors, target_ops, feed_tensors) -> Plan:
    """Prunes, orders, folds and slots the graph for this signature."""
    fed_ids = {id(t) for t in feed_tensors}
    roots = [t.op for t in fetch_tensors if id(t) not in fed_ids] + list(target_ops)
    order = rewrites.topological_order(rewrites.prune(roots, fed_ids), fed_ids)
    slots: dict[int, int] = {}
    for tensor in feed_tensors:
        slots[id(tensor)] = len(slots)
    for op in order:
        for tensor in op._outputs:
            slots.setdefault(id(tensor), len(slots))
    template = [_EMPTY] * len(slots)
    feeds = tuple(FeedSpec(t, slots[id(t)]) for t in feed_tensors)
    fetch_slots = tuple(slots[id(t)] for t in fetch_tensors)
    steps = _fold_and_build_steps(order, slots, template, fed_ids)
    _assign_frees(steps, set(fetch_slots) | {f.slot for f in feeds}, len(template))
    _assign_forwarding(steps)
    fetch_deref = tuple(t.dtype.is_ref_dtype and id(t) not in fed_ids for t in fetch_tensors)
    for index, value in enumerate(template):
        if value is _EMPTY:
            template[index] = None
    return Plan([s[:7] for s in steps], template, feeds, fetch_slots, fetch_deref, order)


# ---------------------------------------------------------------------- steps


def _fold_and_build_steps(order, slots, template, fed_ids):
    steps = []
    folded: set[int] = set()
    for op in order:
        step = _build_step(op, slots, fed_ids)
        if _try_fold(op, step, template, folded):
            folded.add(id(op))
            continue
        steps.append(step)
    return steps


def _build_step(op, slots, fed_ids):
    definition = op._op_def
    in_slots = tuple(slots[id(t)] for t in op._inputs)
    out_slots = tuple(slots[id(t)] for t in op._outputs)
    kernel = _bind_kernel(op, fed_ids)
    names = definition.kernel_attrs
    attrs = op._attrs
    kwargs = dict(attrs) if names is None else {name: attrs[name] for name in names}
    if len(out_slots) == 1:
        out = out_slots[0]
    else:
        out = out_slots or None
    # (kernel, node, input slots, output slot(s), kwargs, frees, forward, all output slots)
    return [kernel, op, in_slots, out, kwargs, (), None, out_slots]


def _bind_kernel(op, fed_ids):
    """The op's kernel, wrapped only when inputs need regrouping, dereferencing or outputs
    need flattening; most ops run their registered kernel directly."""
    definition = op._op_def
    kernel = definition.kernel
    groups = _input_groups(op)
    deref = _deref_positions(op, fed_ids)
    # The deref wrapper must see the flat inputs, so it wraps the regrouping one.
    if groups is not None:
        kernel = _with_groups(kernel, groups)
    if deref:
        kernel = _with_deref(kernel, deref)
    outputs = definition.output_args
    if len(outputs) == 1 and outputs[0].is_list:
        if len(op._outputs) == 1:
            kernel = _with_single_of_list(kernel)
    elif any(arg.is_list for arg in outputs):
        kernel = _with_flat_outputs(kernel, outputs)
        if len(op._outputs) == 1:
            # e.g. ParseExampleV2 with one dense feature: its one output goes to one slot.
            kernel = _with_single_of_list(kernel)
    if any(t.dtype.base_dtype == dtypes.string for t in op._outputs):
        kernel = _with_string_scalars(kernel, len(op._outputs) == 1)
    return kernel


def _with_string_scalars(kernel, single: bool):
    """Turns a kernel's `bytes` results into 0-d object arrays: NumPy would make a later
    np.stack / reshape of a `bytes` an 'S' array, which drops trailing NUL bytes."""

    def call(ctx, *inputs, **attrs):
        result = kernel(ctx, *inputs, **attrs)
        if single:
            return _object_scalar(result) if result.__class__ is bytes else result
        return [_object_scalar(v) if v.__class__ is bytes else v for v in result]

    return call


def _object_scalar(value: bytes) -> np.ndarray:
    array = np.empty((), object)
    array[()] = value
    return array


def _input_groups(op):
    definition = op._op_def
    if not any(arg.is_list for arg in definition.input_args):
        return None
    groups, position = [], 0
    for arg in definition.input_args:
        count = _arg_count(arg, op._attrs)
        groups.append((position, position + count) if arg.is_list else position)
        position += count
    return tuple(groups)


def _arg_count(arg, attrs):
    if arg.type_list_attr:
        return len(attrs[arg.type_list_attr])
    if arg.number_attr:
        return attrs[arg.number_attr]
    return 1


def _deref_positions(op, fed_ids):
    positions = []
    flat_args = _flat_input_args(op)
    for index, tensor in enumerate(op._inputs):
        if not tensor.dtype.is_ref_dtype or id(tensor) in fed_ids:
            continue
        if not flat_args[index].is_ref:
            positions.append(index)
    return tuple(positions)


def _flat_input_args(op):
    flat = []
    for arg in op._op_def.input_args:
        flat.extend([arg] * _arg_count(arg, op._attrs))
    return flat


def _with_deref(kernel, positions):
    def call(ctx, *inputs, **attrs):
        inputs = list(inputs)
        for index in positions:
            inputs[index] = inputs[index].read()
        return kernel(ctx, *inputs, **attrs)

    return call


def _with_groups(kernel, groups):
    def call(ctx, *flat, **attrs):
        args = [flat[g] if g.__class__ is int else list(flat[g[0] : g[1]]) for g in groups]
        return kernel(ctx, *args, **attrs)

    return call


def _with_flat_outputs(kernel, output_args):
    lists = tuple(arg.is_list for arg in output_args)

    def call(ctx, *inputs, **attrs):
        result = kernel(ctx, *inputs, **attrs)
        flat = []
        for is_list, value in zip(lists, result):
            if is_list:
                flat.extend(value)
            else:
                flat.append(value)
        return flat

    return call


def _with_single_of_list(kernel):
    def call(ctx, *inputs, **attrs):
        return kernel(ctx, *inputs, **attrs)[0]

    return call


# ---------------------------------------------------------------------- constant folding


def _try_fold(op, step, template, folded) -> bool:
    """Evaluates a stateless op whose inputs are all known now; False if it must run."""
    if op._op_def.is_stateful or any(id(c) not in folded for c in op._control_inputs):
        return False
    in_slots, out_slots = step[2], step[7]
    if any(template[i] is _EMPTY for i in in_slots):
        return False
    if any(t.dtype.is_ref_dtype for t in op._outputs) or any(
        t.dtype.is_ref_dtype for t in op._inputs
    ):
        return False
    try:
        with np.errstate(all="ignore"):
            result = step[0](None, *[template[i] for i in in_slots], **step[4])
    except Exception:  # noqa: BLE001 - the op runs (and reports its error) at run time
        return False
    values = [result] if len(out_slots) == 1 else list(result) if out_slots else []
    if sum(getattr(v, "nbytes", 0) for v in values) > _FOLD_LIMIT_BYTES:
        return False
    for slot, value in zip(out_slots, values):
        template[slot] = _frozen(value)
    return True


def _frozen(value):
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value = value.view()
        value.flags.writeable = False
    return value


# ---------------------------------------------------------------------- forwarding


def _assign_forwarding(steps) -> None:
    """Marks the steps whose kernel may take over an input buffer (OpDef.forwards_input):
    the input's slot dies at this step, appears once among its inputs, and is no variable.
    The executor still checks at run time that nothing else references the array."""
    for step in steps:
        op = step[1]
        position = op._op_def.forwards_input
        if position is None or _input_groups(op) is not None:
            continue
        slot = step[2][position]
        if slot in step[5] and step[2].count(slot) == 1:
            if not op._inputs[position].dtype.is_ref_dtype:
                step[6] = (position, slot)


# ---------------------------------------------------------------------- freeing


def _assign_frees(steps, keep: set, slot_count: int) -> None:
    """Sets each step's tuple of slots to clear after it runs (their last use)."""
    last_use = [-1] * slot_count
    for index, step in enumerate(steps):
        for slot in step[2]:
            last_use[slot] = index
        for slot in step[7]:
            last_use[slot] = max(last_use[slot], index)
    frees: list[list[int]] = [[] for _ in steps]
    for slot, index in enumerate(last_use):
        if index >= 0 and slot not in keep:
            frees[index].append(slot)
    for step, slots in zip(steps, frees):
        step[5] = tuple(slots)
