"""`tf.cond` and `tf.case` as functional If / StatelessIf ops (TF's cond_v2).

Each branch is traced into a FuncGraph; outer tensors a branch uses become inputs of the
If op (both branches take the union, in the same order). The If op's outputs pass through
Identity ops named "<cond>/Identity", as TensorFlow builds them.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.ops import array

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor
Operation = graph_lib.Operation


class CondBranchFuncGraph(function_lib.FuncGraph):
    """The FuncGraph of one branch of an If op."""


def trace_branch(fn, name, outer_graph):
    """Traces a branch function; returns (graph, output structure, flat leaves).

    Tensors (and Python values) become the graph's outputs; Operations become control
    outputs and are returned as None leaves.
    """
    graph, result = function_lib.trace(name, fn, [], outer_graph, CondBranchFuncGraph)
    leaves = nest.flatten(result)
    with graph.as_default():
        for leaf in leaves:
            if leaf is None:
                continue
            if isinstance(leaf, Operation):
                graph.control_outputs.append(leaf)
                continue
            graph.outputs.append(graph.capture(_as_output_tensor(leaf)))
    return graph, result, leaves


def _as_output_tensor(value):
    if isinstance(value, indexed_slices.IndexedSlices):
        value = op_builder.convert_to_tensor(value)
    tensor = op_builder.convert_to_tensor(value)
    if tensor.dtype.is_ref_dtype:
        tensor = array.identity(tensor)
    return tensor


def make_inputs_match(branch_graphs):
    """Gives every branch a placeholder for every outer tensor any branch captured, in one
    order; returns that list of outer tensors (the If op's inputs)."""
    outer_inputs, seen = [], set()
    for graph in branch_graphs:
        for outer in graph.external_captures:
            if id(outer) not in seen:
                seen.add(id(outer))
                outer_inputs.append(outer)
    for graph in branch_graphs:
        placeholders = [graph.capture(outer) for outer in outer_inputs]
        graph.inputs = placeholders
    return outer_inputs


def check_same_outputs(branch_graphs, kind="cond"):
    reference = branch_graphs[0]
    for graph in branch_graphs[1:]:
        if len(graph.outputs) != len(reference.outputs):
            raise TypeError(
                f"true_fn and false_fn arguments to tf.{kind} must have the same "
                "number, type, and overall structure of return values. "
                f"Outputs: {len(reference.outputs)} vs {len(graph.outputs)}"
            )
        for a, b in zip(reference.outputs, graph.outputs):
            if a.dtype.base_dtype != b.dtype.base_dtype:
                raise TypeError(
                    f"Outputs of true_fn and false_fn must have the same type(s). "
                    f"Received {a.dtype.name} from true_fn and {b.dtype.name} from "
                    "false_fn."
                )


def output_shapes(branch_graphs):
    shapes = [t.shape for t in branch_graphs[0].outputs]
    for graph in branch_graphs[1:]:
        shapes = [s.most_specific_compatible_shape(t.shape) for s, t in zip(shapes, graph.outputs)]
    return shapes


def is_stateful(branch_graphs) -> bool:
    return any(graph.is_stateful for graph in branch_graphs)


def build_if(pred, true_graph, false_graph, name, add_identities=True):
    """Creates the If/StatelessIf op for two traced branches; returns (op, outputs)."""
    graph = graph_lib.get_default_graph()
    inputs = make_inputs_match([true_graph, false_graph])
    check_same_outputs([true_graph, false_graph])
    true_fn = function_lib.add_to_graph(true_graph, graph)
    false_fn = function_lib.add_to_graph(false_graph, graph)
    op_type = "If" if is_stateful([true_graph, false_graph]) else "StatelessIf"
    op = op_builder.create_op(
        op_type,
        pred,
        inputs,
        Tout=true_graph.output_types,
        then_branch=function_lib.func_attr(true_fn),
        else_branch=function_lib.func_attr(false_fn),
        output_shapes=output_shapes([true_graph, false_graph]),
        name=name,
    )
    op._true_graph = true_graph
    op._false_graph = false_graph
    outputs = list(op.outputs)
    if add_identities and not graph.building_function:
        outputs = [array.identity(t) for t in outputs]
    return op, outputs


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Mirrors `tf.compat.v1.cond`: `true_fn()` if `pred` else `false_fn()`.

    Builds a functional If (StatelessIf when neither branch has stateful ops), so the
    graph runs in TensorFlow too and gradients flow through it.

    Args:
      pred: a scalar boolean Tensor.
      true_fn, false_fn: callables returning the same structure of tensors.
      strict: if False (TF1's default), a one-element list result is unpacked.
      name: the op name scope.
      fn1, fn2: TF1's deprecated names for true_fn and false_fn.

    Returns:
      The result of the chosen branch.

    >>> cond(a < b, lambda: tf.add(3, 3), lambda: tf.square(3))
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    _check_branch_fns(true_fn, false_fn)
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    with graph_lib.name_scope(name, "cond", [pred]) as scope:
        pred = op_builder.convert_to_tensor(pred)
        if pred.dtype.base_dtype != dtypes.bool and pred.shape.rank not in (None, 0):
            raise TypeError(f"pred must be a scalar bool tensor, got {pred}")
        outer = graph_lib.get_default_graph()
        true_graph, true_result, true_leaves = trace_branch(
            true_fn, function_lib.unique_fn_name(scope, "true"), outer
        )
        false_graph, false_result, _ = trace_branch(
            false_fn, function_lib.unique_fn_name(scope, "false"), outer
        )
        _check_structures(true_result, false_result)
        op, outputs = build_if(pred, true_graph, false_graph, scope)
    return _repack(true_result, true_leaves, outputs, op, strict)


def _check_branch_fns(true_fn, false_fn):
    if true_fn is None:
        raise TypeError("true_fn must not be None.")
    if false_fn is None:
        raise TypeError("false_fn must not be None.")
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")


def _check_structures(true_result, false_result):
    try:
        nest.assert_same_structure(true_result, false_result, check_types=False)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"true_fn and false_fn arguments to tf.cond must have the same "
            f"number, type, and overall structure of return values.\n\n"
            f"true_fn output: {true_result}\nfalse_fn output: {false_result}\n\n"
            f"Error details:\n{err}"
        ) from None


def _repack(structure, leaves, outputs, op, strict):
    values, position = [], 0
    for leaf in leaves:
        if leaf is None:
            values.append(None)
        elif isinstance(leaf, Operation):
            values.append(op)
        else:
            values.append(outputs[position])
            position += 1
    result = nest.pack_sequence_as(structure, values)
    if (
        not strict
        and isinstance(result, (list, tuple))
        and len(result) == 1
        and not hasattr(result, "_fields")
    ):
        return result[0]
    return result


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Mirrors `tf.compat.v1.case`: the fn of the first true predicate, else `default`.

    With `exclusive=True`, an Assert checks that at most one predicate is true.
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(pair[1]):
            raise TypeError(f"fn for pred {pair[0].name} must be callable.")
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
    with graph_lib.name_scope(name, "case", [p for p, _ in pairs]):
        checks = [_assert_exclusive([p for p, _ in pairs])] if exclusive and len(pairs) > 1 else []
        chained = default
        for pred, fn in reversed(pairs):
            chained = _case_step(pred, fn, chained, strict)
        with graph_lib.control_dependencies(checks):
            return chained()


def _case_step(pred, fn, otherwise, strict):
    def branch():
        return cond(pred, fn, otherwise, strict=strict)

    return branch


def _assert_exclusive(preds):
    count = apply_op("Sum", apply_op("Cast", array.stack(preds), DstT=dtypes.int32), [0])
    message = "More than one condition evaluated as True but exclusive=True."
    ok = apply_op("LessEqual", count, op_builder.constant(1))
    return apply_op("Assert", ok, [op_builder.constant(message)], name="Assert")
