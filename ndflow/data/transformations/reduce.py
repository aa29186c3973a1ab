"""Stateful transformations: `reduce` (ReduceDataset, a final state) and `scan`
(ScanDataset). As in TF, the function is retraced with weakened state shapes until the
state's shapes reach a fixed point."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import functions
from ndflow.data import structure
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder

apply_op = op_builder.apply_op


def _trace_to_fixed_point(fn, state_spec, element_spec, name, split):
    """Traces fn(state, element) until its new-state shapes fit the state spec.

    `split(output)` returns (new_state, rest) of the function's output structure.
    """
    while True:
        traced = functions.trace(fn, (state_spec, element_spec), name)
        new_state_spec, rest = split(traced.output_spec)
        weakened = _check_state(state_spec, new_state_spec)
        if weakened is None:
            return traced, state_spec, rest
        state_spec = weakened


def _check_state(state_spec, new_spec):
    """None when new_spec fits state_spec; else the weakened state spec to retrace with."""
    try:
        structure.assert_same_structure(state_spec, new_spec)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"The element structure for the new state must match the initial "
            f"state. Expected {state_spec} but got {new_spec}."
        ) from error
    old, new = structure.flatten(state_spec), structure.flatten(new_spec)
    for before, after in zip(old, new):
        if type(before) is not type(after):
            raise TypeError(
                f"The element classes for the new state must match the initial "
                f"state. Expected {state_spec} but got {new_spec}."
            )
        if before.dtype != after.dtype:
            raise TypeError(
                f"The element types for the new state must match the initial "
                f"state. Expected {structure.types(state_spec)} but got "
                f"{structure.types(new_spec)}."
            )
    weakened = [b.shape.most_specific_compatible_shape(a.shape) for b, a in zip(old, new)]
    if all(
        b.shape.rank is None or (w.rank is not None and b.shape.as_list() == w.as_list())
        for b, w in zip(old, weakened)
    ):
        return None
    return structure.pack(state_spec, [type(b)(w, b.dtype) for b, w in zip(old, weakened)])


def reduce(dataset, initial_state, reduce_func, name=None):
    """Mirrors `Dataset.reduce`: the state after `reduce_func(state, element)` over all
    elements, as Tensors."""
    with graph_lib.name_scope("initial_state"):
        initial_state = structure.normalize_element(initial_state)
    state_spec = structure.element_spec(initial_state)
    traced, state_spec, _ = _trace_to_fixed_point(
        reduce_func, state_spec, dataset.element_spec, "reduce", lambda spec: (spec, None)
    )
    outputs = apply_op(
        "ReduceDataset",
        dataset._variant_tensor,
        structure.to_tensor_list(initial_state),
        traced.captured,
        f=traced.attr,
        name=name or "ReduceDataset",
        **base.dataset_attrs(state_spec),
    )
    if not isinstance(outputs, list):
        outputs = [outputs]
    return structure.from_tensor_list(state_spec, outputs)


def _split_scan_output(spec):
    if not isinstance(spec, tuple) or len(spec) != 2:
        raise TypeError(
            "The scan function must return a pair comprising the new state and the output value."
        )
    return spec


def scan(dataset, initial_state, scan_func, name=None):
    """Mirrors `tf.data.experimental.scan`: `scan_func(state, element) -> (new_state,
    output)`, yielding the outputs."""
    with graph_lib.name_scope("initial_state"):
        initial_state = structure.normalize_element(initial_state)
    state_spec = structure.element_spec(initial_state)
    traced, state_spec, output_spec = _trace_to_fixed_point(
        scan_func, state_spec, dataset.element_spec, "scan", _split_scan_output
    )
    variant = apply_op(
        "ScanDataset",
        dataset._variant_tensor,
        structure.to_tensor_list(initial_state),
        traced.captured,
        f=traced.attr,
        preserve_cardinality=True,
        name=name or "ScanDataset",
        **base.dataset_attrs(output_spec),
    )
    return variant, output_spec
