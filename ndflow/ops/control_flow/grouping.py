"""Grouping: `tf.tuple` and TF's `with_dependencies` (`tf.group` lives with NoOp's
family in state.py, which its initializers need)."""

from __future__ import annotations

import contextlib

from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import state

Tensor = graph_lib.Tensor


def with_dependencies(dependencies, output_tensor, name=None):
    """Mirrors TF's `control_flow_ops.with_dependencies`: `output_tensor` after the deps,
    colocated with it."""
    with graph_lib.name_scope(
        name, "control_dependency", list(dependencies) + [output_tensor]
    ) as scope:
        with _colocated_with(output_tensor), graph_lib.control_dependencies(dependencies):
            if isinstance(output_tensor, indexed_slices.IndexedSlices):
                values = array.identity(output_tensor.values, name=scope)
                return indexed_slices.IndexedSlices(
                    values, output_tensor.indices, output_tensor.dense_shape
                )
            if isinstance(output_tensor, graph_lib.Operation):
                return array.no_op(name=scope)
            return array.identity(op_builder.convert_to_tensor(output_tensor), name=scope)


def _colocated_with(output):
    if isinstance(output, indexed_slices.IndexedSlices):
        output = output.values
    if isinstance(output, (Tensor, graph_lib.Operation)):
        return graph_lib.colocate_with(output)
    return contextlib.nullcontext()


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's public name
    """Mirrors `tf.tuple`: the tensors, each available only after all of them are."""
    tensors = list(tensors)
    with graph_lib.name_scope(name, "tuple", tensors):
        gating = [
            t.op
            if isinstance(t, Tensor)
            else t.values.op
            if isinstance(t, indexed_slices.IndexedSlices)
            else t
            for t in tensors
            if t is not None
        ]
        if control_inputs:
            gating.extend(control_inputs)
        gate = state.group(*gating)
        return [None if t is None else with_dependencies([gate], t) for t in tensors]
