"""Gradients of the functional control-flow ops If/StatelessIf and While/StatelessWhile.

They need the gradient walk itself, which sits a layer above the ops, so they are attached
here with `registry.set_gradient` (the one exception to a gradient living next to its
kernel). The design is TensorFlow's (cond_v2 / while_v2):

- If: each branch's gradient is traced into a FuncGraph. Forward intermediates it needs
  are wrapped in Optionals and added as outputs of the forward If (the other branch
  outputs OptionalNone), so the gradient If receives them.
- While: the gradient loop runs as many iterations as the forward one, in reverse. Forward
  intermediates it needs are pushed onto TensorLists by the forward body (the forward While
  gains those accumulators as loop variables) and popped by the gradient body.
"""

from __future__ import annotations

from ndflow.autodiff import gradients as gradients_lib
from ndflow.framework import dtypes
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_util
from ndflow.ops.control_flow import conditional as cond_lib
from ndflow.ops.control_flow import loop as while_lib

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor


def _function_graph(op, attr_name, cached_attr):
    graph = getattr(op, cached_attr, None)
    if graph is not None:
        return graph
    function = op.graph._get_function(op.attrs[attr_name].name)
    if function is None:
        raise LookupError(
            f"Function {op.attrs[attr_name].name} of {op.name} is not in the graph's library."
        )
    graph = function.graph
    setattr(op, cached_attr, graph)
    return graph


def _dense(grad):
    if isinstance(grad, indexed_slices.IndexedSlices):
        return op_builder.convert_to_tensor(grad)
    return grad


def _is_constant(tensor) -> bool:
    return tensor.op.type == "Const"


def _copy_constant(tensor):
    return op_builder.constant(tensor_util.constant_value(tensor), dtype=tensor.dtype.base_dtype)


def _resource_dtype(tensor):
    """The dtype of the variable a resource tensor refers to, following captures and
    pass-throughs; None when it is not a variable (a TensorArray, a table...)."""
    op = tensor.op
    if op.type == "VarHandleOp":
        return op.attrs["dtype"]
    for outer, inner in getattr(tensor.graph, "captures", []):
        if inner is tensor:
            return _resource_dtype(outer)
    if op.type == "Identity":
        return _resource_dtype(op.inputs[0])
    if op.type in ("While", "StatelessWhile") and tensor.value_index < len(op.inputs):
        return _resource_dtype(op.inputs[tensor.value_index])
    return None


def _zeros_for(tensor):
    """Zeros standing for the gradient of `tensor` (a variable's value for resources)."""
    if tensor.dtype.base_dtype == dtypes.resource:
        shape = apply_op("VariableShape", tensor)
        return apply_op("Fill", shape, op_builder.constant(0, dtype=_resource_dtype(tensor)))
    return apply_op("ZerosLike", tensor)


# ---------------------------------------------------------------------- If


class _CondGradFuncGraph(cond_lib.CondBranchFuncGraph):
    """A branch-gradient graph that wraps the forward intermediates it uses in Optionals."""

    def __init__(self, name, outer_graph, forward_graph):
        super().__init__(name, outer_graph)
        self.forward_graph = forward_graph
        self.wrapped: dict[int, Tensor] = {}
        self._indirect: dict[int, Tensor] = {}

    def _capture_helper(self, tensor, name):
        forward = self.forward_graph
        if tensor.graph is not forward or _is_io(tensor, forward):
            return super()._capture_helper(tensor, name)
        found = self._indirect.get(id(tensor))
        if found is not None:
            return found
        if _is_constant(tensor):
            with self.as_default():
                value = _copy_constant(tensor)
            self._indirect[id(tensor)] = value
            return value
        optional = self.wrapped.get(id(tensor))
        if optional is None:
            with forward.as_default():
                optional = apply_op("OptionalFromValue", [tensor])
            self.wrapped[id(tensor)] = optional
        captured = super()._capture_helper(optional, name)
        with self.as_default():
            value = apply_op(
                "OptionalGetValue",
                captured,
                output_types=[tensor.dtype.base_dtype],
                output_shapes=[tensor.shape],
            )[0]
        self._indirect[id(tensor)] = value
        return value


def _is_io(tensor, graph) -> bool:
    return any(tensor is t for t in graph.inputs) or any(tensor is t for t in graph.outputs)


def _cond_grad_graph(forward_graph, grads, outer):
    name = forward_graph.name + "_grad"
    grad_graph = _CondGradFuncGraph(name, outer, forward_graph)
    with grad_graph.as_default():
        ys, grad_ys = [], []
        for y, grad in zip(forward_graph.outputs, grads):
            if grad is not None and gradients_lib.is_trainable(y):
                ys.append(y)
                grad_ys.append(grad_graph.capture(_dense(grad)))
        results = (
            gradients_lib.gradients(ys, list(forward_graph.inputs), grad_ys=grad_ys)
            if ys
            else [None] * len(forward_graph.inputs)
        )
        grad_graph.raw_outputs = [_dense(g) for g in results]
    return grad_graph


def _fill_missing_grads(forward_graphs, grad_graphs):
    """Branches return a gradient for an input iff some branch does (zeros elsewhere)."""
    count = len(forward_graphs[0].inputs)
    wanted = [any(g.raw_outputs[i] is not None for g in grad_graphs) for i in range(count)]
    for forward, grad_graph in zip(forward_graphs, grad_graphs):
        with grad_graph.as_default():
            for index, needed in enumerate(wanted):
                if needed and grad_graph.raw_outputs[index] is None:
                    source = grad_graph.capture(forward.inputs[index])
                    grad_graph.raw_outputs[index] = _zeros_for(source)
        grad_graph.outputs = [g for g in grad_graph.raw_outputs if g is not None]
    return wanted


def _rewrite_if(op, forward_graphs, grad_graphs):
    """Adds the wrapped intermediates as outputs of the forward If (OptionalNone in the
    branch that did not produce them)."""
    true_graph, false_graph = forward_graphs
    true_wrapped = list(grad_graphs[0].wrapped.values())
    false_wrapped = list(grad_graphs[1].wrapped.values())
    if not true_wrapped and not false_wrapped:
        return
    with true_graph.as_default():
        true_graph.outputs.extend(true_wrapped + [apply_op("OptionalNone") for _ in false_wrapped])
    with false_graph.as_default():
        false_graph.outputs.extend([apply_op("OptionalNone") for _ in true_wrapped] + false_wrapped)
    count = len(true_wrapped) + len(false_wrapped)
    _replace_function(op, "then_branch", true_graph)
    _replace_function(op, "else_branch", false_graph)
    op._attrs["Tout"] = true_graph.output_types
    op._attrs["output_shapes"] = cond_lib.output_shapes([true_graph, false_graph])
    function_lib.add_output_arrays(
        op, [dtypes.variant] * count, op._attrs["output_shapes"][-count:]
    )


def _replace_function(op, attr_name, func_graph):
    func_graph.name = function_lib.unique_fn_name("", func_graph.name + "_rewritten")
    function = function_lib.add_to_graph(func_graph, op.graph)
    op.graph._check_mutable(op)
    op._attrs[attr_name] = function_lib.func_attr(function)


def _resolve_cond_captures(op, forward_graph, grad_graph):
    """The outer tensors a branch-gradient graph's captures stand for."""
    resolved = []
    for outer in grad_graph.external_captures:
        if outer.graph is forward_graph:
            resolved.append(_forward_io_in_outer(op, forward_graph, outer))
        else:
            resolved.append(outer)
    return resolved


def _forward_io_in_outer(op, forward_graph, tensor):
    for index, t in enumerate(forward_graph.inputs):
        if t is tensor:
            return op.inputs[index + 1]
    for index, t in enumerate(forward_graph.outputs):
        if t is tensor:
            return op.outputs[index]
    raise ValueError(f"{tensor.name} is not an input or output of {forward_graph.name}")


def _if_grad(op, *grads):
    forward_graphs = [
        _function_graph(op, "then_branch", "_true_graph"),
        _function_graph(op, "else_branch", "_false_graph"),
    ]
    outer = graph_lib.get_default_graph()
    grads = list(grads)
    grad_graphs = [_cond_grad_graph(g, grads, outer) for g in forward_graphs]
    wanted = _fill_missing_grads(forward_graphs, grad_graphs)
    _rewrite_if(op, forward_graphs, grad_graphs)
    inputs = [_resolve_cond_captures(op, f, g) for f, g in zip(forward_graphs, grad_graphs)]
    _set_resolved_inputs(grad_graphs, inputs)
    _, outputs = cond_lib.build_if(
        op.inputs[0], grad_graphs[0], grad_graphs[1], op.name + "_grad", add_identities=False
    )
    results, position = [None], 0
    for needed in wanted:
        if needed:
            results.append(outputs[position])
            position += 1
        else:
            results.append(None)
    return results


def _set_resolved_inputs(grad_graphs, resolved_lists):
    """Re-keys each graph's captures by the outer tensors they resolve to."""
    for graph, resolved in zip(grad_graphs, resolved_lists):
        pairs = list(zip(resolved, graph.internal_captures))
        graph._captures = {id(outer): (outer, inner) for outer, inner in pairs}


# ---------------------------------------------------------------------- While


class _WhileBodyGradFuncGraph(while_lib.WhileBodyFuncGraph):
    """The gradient body: pops forward intermediates from TensorList accumulators that the
    forward body pushes them onto."""

    def __init__(self, name, outer_graph, forward_op, cond_graph, body_graph):
        super().__init__(name, outer_graph)
        self.forward_op = forward_op
        self.forward_cond = cond_graph
        self.forward_body = body_graph
        self.extra_inputs: list[Tensor] = []
        self.capture_outputs: dict[int, Tensor] = {}
        self._indirect: dict[int, Tensor] = {}
        count = len(body_graph.inputs)
        self.loop_invariants = {
            id(body_graph.inputs[i])
            for i in range(count)
            if body_graph.outputs[i] is body_graph.inputs[i]
        }

    def _capture_helper(self, tensor, name):
        if tensor.graph is not self.forward_body:
            captured = super()._capture_helper(tensor, name)
            self.capture_outputs.setdefault(id(captured), captured)
            return captured
        found = self._indirect.get(id(tensor))
        if found is not None:
            return found
        if id(tensor) in self.loop_invariants or tensor.dtype.base_dtype == dtypes.resource:
            captured = super()._capture_helper(tensor, name)
            self.capture_outputs[id(captured)] = captured
            self._indirect[id(tensor)] = captured
            return captured
        if _is_constant(tensor):
            with self.as_default():
                value = _copy_constant(tensor)
            self._indirect[id(tensor)] = value
            return value
        return self._accumulate(tensor, name)

    def _accumulate(self, tensor, name):
        outer = self.forward_op.graph
        with outer.as_default(), outer.control_dependencies(None):
            empty = apply_op(
                "EmptyTensorList",
                _element_shape(tensor),
                op_builder.constant(-1, dtype=dtypes.int32),
                element_dtype=tensor.dtype.base_dtype,
            )
        self.extra_inputs.append(empty)
        body = self.forward_body
        with body.as_default():
            pushed = apply_op("TensorListPushBack", body.capture(empty), tensor)
        body.outputs.append(pushed)
        with self.forward_cond.as_default():
            self.forward_cond.capture(empty)
        captured = super()._capture_helper(pushed, name)
        with self.as_default():
            rest, value = apply_op(
                "TensorListPopBack",
                captured,
                _element_shape(tensor),
                element_dtype=tensor.dtype.base_dtype,
            )
        self.capture_outputs[id(captured)] = rest
        self._indirect[id(tensor)] = value
        return value


def _element_shape(tensor):
    shape = tensor.shape
    if shape.rank is None:
        return op_builder.constant(-1, dtype=dtypes.int32)
    return op_builder.constant(
        [-1 if d is None else d for d in shape.as_list()], dtype=dtypes.int32
    )


def _preprocess_while_grad(grad, body_output, forward_input):
    if not gradients_lib.is_trainable(body_output):
        return None
    if grad is None and body_output.dtype.base_dtype in (dtypes.resource, dtypes.variant):
        is_variable = (
            forward_input.dtype.base_dtype == dtypes.resource
            and _resource_dtype(forward_input) is not None
        )
        return _zeros_for(forward_input) if is_variable else None
    return _dense(grad)


def _while_grad(op, *grads):
    cond_graph = _function_graph(op, "cond", "_cond_graph")
    body_graph = _function_graph(op, "body", "_body_graph")
    original_count = len(body_graph.outputs)
    grads = [
        _preprocess_while_grad(g, out, inp)
        for g, out, inp in zip(grads[:original_count], body_graph.outputs, op.inputs)
    ]
    pairs = [
        (y, x, g) for y, x, g in zip(body_graph.outputs, body_graph.inputs, grads) if g is not None
    ]
    grad_body, args = _build_grad_body(op, cond_graph, body_graph, pairs)
    if grad_body.extra_inputs:
        _rewrite_while(op, cond_graph, body_graph, grad_body.extra_inputs, original_count)
    captured = _resolve_while_captures(op, body_graph, grad_body)
    loop_vars = args + captured
    grad_cond = _build_grad_cond(op, loop_vars)
    grad_op = while_lib.build_while(
        loop_vars,
        grad_cond,
        grad_body,
        [],
        op.attrs.get("parallel_iterations", 10),
        op.name + "_grad",
    )
    outputs = list(grad_op.outputs)
    return _structured_grads(op, grads, outputs)


def _build_grad_body(op, cond_graph, body_graph, pairs):
    outer = graph_lib.get_default_graph()
    counter = op_builder.constant(0, dtype=dtypes.int32, name="grad_counter")
    args = [counter, op.inputs[1], op.outputs[0]] + [g for _, _, g in pairs]
    name = body_graph.name + "_grad"
    grad_body = _WhileBodyGradFuncGraph(name, outer, op, cond_graph, body_graph)
    with grad_body.as_default():
        placeholders = [
            function_lib.make_placeholder(grad_body, t.dtype.base_dtype, t.shape, "placeholder")
            for t in args
        ]
        grad_body.inputs.extend(placeholders)
        ys = [y for y, _, _ in pairs]
        xs = [x for _, x, _ in pairs]
        results = gradients_lib.gradients(
            ys, xs, grad_ys=placeholders[3:], unconnected_gradients="zero"
        )
        step = apply_op("AddV2", placeholders[0], op_builder.constant(1, dtype=dtypes.int32))
        grad_body.outputs.extend(
            [step, placeholders[1], placeholders[2]] + [_dense(g) for g in results]
        )
        grad_body.outputs.extend(
            grad_body.capture_outputs[id(inner)] for inner in grad_body.internal_captures
        )
    return grad_body, args


def _rewrite_while(op, cond_graph, body_graph, extra_inputs, original_count):
    """The forward While gains the accumulators as loop variables and outputs."""
    _replace_function(op, "cond", cond_graph)
    _replace_function(op, "body", body_graph)
    new_outputs = body_graph.outputs[original_count:]
    op._attrs["T"] = list(op._attrs["T"]) + [t.dtype.base_dtype for t in extra_inputs]
    if op._attrs.get("output_shapes"):
        op._attrs["output_shapes"] = list(op._attrs["output_shapes"]) + [
            t.shape for t in new_outputs
        ]
    function_lib.add_input_tensors(op, extra_inputs)
    function_lib.add_output_arrays(
        op, [t.dtype.base_dtype for t in new_outputs], [t.shape for t in new_outputs]
    )


def _resolve_while_captures(op, body_graph, grad_body):
    resolved = []
    for outer in grad_body.external_captures:
        resolved.append(
            _while_io_in_outer(op, body_graph, outer) if outer.graph is body_graph else outer
        )
    _set_resolved_inputs([grad_body], [resolved])
    return resolved


def _while_io_in_outer(op, body_graph, tensor):
    for index, t in enumerate(body_graph.outputs):
        if t is tensor and t is not body_graph.inputs[index]:
            return op.outputs[index]
    for index, t in enumerate(body_graph.inputs):
        if t is tensor:
            return op.inputs[index]
    raise ValueError(f"{tensor.name} is not a loop variable of {body_graph.name}")


def _build_grad_cond(op, loop_vars):
    def grad_cond(counter, bound, total, *rest):
        return apply_op("Less", counter, total)

    specs = [(t.dtype.base_dtype, t.shape, "placeholder") for t in loop_vars]
    name = function_lib.unique_fn_name("", op.name.replace("/", "_") + "_grad_cond")
    graph, result = function_lib.trace(
        name, grad_cond, specs, graph_lib.get_default_graph(), while_lib.WhileCondFuncGraph
    )
    graph.outputs.append(result)
    return graph


def _structured_grads(op, grads, outputs):
    """Gradients for every input of the (possibly rewritten) forward While."""
    results, position = [], 3
    for grad in grads:
        if grad is None:
            results.append(None)
            continue
        results.append(outputs[position])
        position += 1
    results.extend([None] * (len(op.inputs) - len(results)))
    return results


for _op_type in ("If", "StatelessIf"):
    registry.set_gradient(_op_type, _if_grad)
for _op_type in ("While", "StatelessWhile"):
    registry.set_gradient(_op_type, _while_grad)
for _op_type in ("PartitionedCall", "StatefulPartitionedCall"):
    registry.not_differentiable(_op_type, "ndflow does not differentiate function calls yet")
