"""`tf.while_loop` as a functional While / StatelessWhile op (TF's while_v2).

The loop variables are prefixed, as TensorFlow does, with a loop counter and the
maximum-iterations bound; outer tensors that `cond` or `body` use are appended as extra
loop variables that the body passes through unchanged.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.control_flow import tensor_array as tensor_array_lib

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor


class WhileCondFuncGraph(function_lib.FuncGraph):
    """The FuncGraph of a While op's condition."""


class WhileBodyFuncGraph(function_lib.FuncGraph):
    """The FuncGraph of a While op's body."""


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
    maximum_iterations=None,
    return_same_structure=False,
):
    """Mirrors `tf.compat.v1.while_loop`: repeats `body` while `cond` is true.

    Args:
      cond: callable of the loop variables returning a scalar boolean tensor.
      body: callable of the loop variables returning new values of the same structure.
      loop_vars: a (nested) list/tuple of tensors, or a single tensor.
      shape_invariants: shapes the loop variables keep across iterations.
      parallel_iterations: recorded on the op (ndflow runs iterations in order).
      back_prop: False stops gradients at the outputs.
      swap_memory: accepted for compatibility.
      name: the op name scope.
      maximum_iterations: optional bound on the number of iterations.
      return_same_structure: if False (TF1's default), a single variable is unwrapped.

    Returns:
      The loop variables after the last iteration.

    >>> while_loop(lambda i: i < 10, lambda i: i + 1, [tf.constant(0)])
    """
    del swap_memory
    _check_arguments(cond, body, loop_vars, parallel_iterations)
    with graph_lib.name_scope(name, "while") as scope:
        flat_vars = [_loop_var(v) for v in nest.flatten(loop_vars)]
        invariants = _flat_invariants(loop_vars, flat_vars, shape_invariants)
        counter, bound = _counter_and_bound(maximum_iterations)
        outer = graph_lib.get_default_graph()
        specs = _specs(counter, bound, flat_vars, invariants)
        cond_graph = _trace_cond(cond, loop_vars, specs, scope, outer, maximum_iterations)
        body_graph = _trace_body(body, loop_vars, specs, scope, outer, cond_graph)
        _check_body_shapes(body_graph, flat_vars, invariants)
        inputs = [counter, bound] + flat_vars + body_graph.external_captures
        _align_cond_inputs(cond_graph, body_graph)
        op = build_while(inputs, cond_graph, body_graph, invariants, parallel_iterations, scope)
        outputs = (
            [array.identity(t) for t in op.outputs]
            if not outer.building_function
            else list(op.outputs)
        )
    results = outputs[2 : 2 + len(flat_vars)]
    if not back_prop:
        results = [array.stop_gradient(t) for t in results]
    results = [
        _rewrap(original, value) for original, value in zip(nest.flatten(loop_vars), results)
    ]
    packed = nest.pack_sequence_as(loop_vars, results)
    if return_same_structure:
        return packed
    flat = nest.flatten(packed)
    return flat[0] if len(flat) == 1 else packed


def _check_arguments(cond, body, loop_vars, parallel_iterations):
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if not nest.flatten(loop_vars) and loop_vars is not None:
        raise ValueError("'loop_vars' must be provided.")


def _loop_var(value):
    if isinstance(value, tensor_array_lib.TensorArray):
        return value.flow
    tensor = op_builder.convert_to_tensor(value)
    if tensor.dtype.is_ref_dtype:
        tensor = array.identity(tensor)
    return tensor


def _flat_invariants(loop_vars, flat_vars, shape_invariants):
    if shape_invariants is None:
        return [t.shape for t in flat_vars]
    flat = nest.flatten(shape_invariants) if nest.is_nested(loop_vars) else [shape_invariants]
    if len(flat) != len(flat_vars):
        raise ValueError("'shape_invariants' must have the same structure as 'loop_vars'.")
    invariants = [tensor_shape.as_shape(s) for s in flat]
    for tensor, invariant in zip(flat_vars, invariants):
        if not invariant.is_compatible_with(tensor.shape):
            raise ValueError(
                f"The shape invariant specified for {tensor.name} is not "
                f"compatible with the initial shape of the loop variable. It "
                f"enters the loop with shape {tensor.shape}, but the specified "
                f"shape invariant is {invariant}."
            )
    return invariants


def _counter_and_bound(maximum_iterations):
    if maximum_iterations is None:
        bound = op_builder.constant(-1, dtype=dtypes.int32, name="maximum_iterations")
    else:
        bound = op_builder.convert_to_tensor(maximum_iterations, name="maximum_iterations")
        if bound.shape.rank not in (None, 0):
            raise ValueError(
                f"'maximum_iterations' must be a scalar. Received shape: {bound.shape}"
            )
    counter = op_builder.constant(0, dtype=bound.dtype.base_dtype, name="loop_counter")
    return counter, bound


def _specs(counter, bound, flat_vars, invariants):
    specs = [
        (counter.dtype.base_dtype, tensor_shape.scalar(), "loop_counter"),
        (bound.dtype.base_dtype, tensor_shape.scalar(), "maximum_iterations"),
    ]
    specs.extend(
        (t.dtype.base_dtype, shape, "placeholder") for t, shape in zip(flat_vars, invariants)
    )
    return specs


def _trace_cond(cond, loop_vars, specs, scope, outer, maximum_iterations):
    def wrapped(counter, bound, *args):
        pred = op_builder.convert_to_tensor(cond(*_packed_args(loop_vars, args)))
        if pred.shape.rank not in (None, 0):
            pred = array.squeeze(pred)
        if maximum_iterations is None:
            return pred
        return apply_op("LogicalAnd", apply_op("Less", counter, bound), pred)

    name = function_lib.unique_fn_name(scope, "cond")
    graph, result = function_lib.trace(name, wrapped, specs, outer, WhileCondFuncGraph)
    graph.outputs.append(graph.capture(result))
    return graph


def _packed_args(loop_vars, args):
    """The traced arguments in the loop_vars structure, TensorArrays rebuilt on their flow."""
    args = [_rewrap(original, arg) for original, arg in zip(nest.flatten(loop_vars), args)]
    if not nest.is_nested(loop_vars):
        return [args[0]]
    return list(nest.pack_sequence_as(loop_vars, list(args)))


def _rewrap(original, value):
    if isinstance(original, tensor_array_lib.TensorArray):
        return original._with_flow(value)
    return value


def _trace_body(body, loop_vars, specs, scope, outer, cond_graph):
    def wrapped(counter, bound, *args):
        graph = graph_lib.get_default_graph()
        for tensor in cond_graph.external_captures:
            graph.capture(tensor)
        result = body(*_packed_args(loop_vars, args))
        if not nest.is_nested(result):
            result = [result]
        _check_body_structure(loop_vars, result)
        flat = [graph.capture(_loop_var(v)) for v in nest.flatten(result)]
        return [
            apply_op("AddV2", counter, op_builder.constant(1, dtype=counter.dtype)),
            bound,
        ] + flat

    name = function_lib.unique_fn_name(scope, "body")
    graph, outputs = function_lib.trace(name, wrapped, specs, outer, WhileBodyFuncGraph)
    graph.outputs.extend(outputs)
    graph.outputs.extend(graph.internal_captures)
    return graph


def _check_body_structure(loop_vars, result):
    expected = loop_vars if nest.is_nested(loop_vars) else [loop_vars]
    try:
        nest.assert_same_structure(expected, result, check_types=False)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"The two structures don't have the same nested structure: "
            f"loop_vars {expected} and body output {result}. {err}"
        ) from None


def _check_body_shapes(body_graph, flat_vars, invariants):
    for tensor, invariant, output in zip(flat_vars, invariants, body_graph.outputs[2:]):
        if output.dtype.base_dtype != tensor.dtype.base_dtype:
            raise TypeError(
                f"Loop variable {tensor.name} enters the loop with type "
                f"{tensor.dtype.name}, but has type {output.dtype.name} after one "
                "iteration."
            )
        if not invariant.is_compatible_with(output.shape):
            raise ValueError(
                f"Input tensor '{tensor.name}' enters the loop with shape "
                f"{invariant}, but has shape {output.shape} after one iteration. "
                "To allow the shape to vary across iterations, use the "
                "`shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape."
            )


def _align_cond_inputs(cond_graph, body_graph):
    """The cond takes the same inputs as the body: placeholders for the body's extra
    captures (unused by the cond)."""
    with cond_graph.as_default():
        for outer in body_graph.external_captures:
            cond_graph.capture(outer)
    count = len(body_graph.inputs) - len(body_graph.internal_captures)
    explicit = cond_graph.inputs[:count]
    cond_graph.inputs = explicit + [cond_graph.capture(t) for t in body_graph.external_captures]


def build_while(inputs, cond_graph, body_graph, invariants, parallel_iterations, name):
    """Creates the While/StatelessWhile op; returns it."""
    graph = graph_lib.get_default_graph()
    cond_fn = function_lib.add_to_graph(cond_graph, graph)
    body_fn = function_lib.add_to_graph(body_graph, graph)
    stateful = cond_graph.is_stateful or body_graph.is_stateful
    shapes = [
        i.shape.most_specific_compatible_shape(o.shape) for i, o in zip(inputs, body_graph.outputs)
    ]
    shapes[2 : 2 + len(invariants)] = invariants
    op = op_builder.create_op(
        "While" if stateful else "StatelessWhile",
        inputs,
        cond=function_lib.func_attr(cond_fn),
        body=function_lib.func_attr(body_fn),
        output_shapes=shapes,
        parallel_iterations=parallel_iterations,
        name=name,
    )
    op._cond_graph = cond_graph
    op._body_graph = body_graph
    return op
