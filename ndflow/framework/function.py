"""Functions: FuncGraph (a graph traced from a Python function) and FunctionDef in/out.

Functions are the one mechanism behind `tf.cond`/`tf.while_loop` (If/While ops) and
imported TF2 functions (PartitionedCall). A FuncGraph captures outer tensors it uses as
extra placeholder inputs; its ops are compiled to a plan like any graph when called.
"""

from __future__ import annotations

import itertools
import re

from ndflow.framework import attr_value
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_def as op_def_lib
from ndflow.framework import registry
from ndflow.framework import tensor_shape

Tensor = graph_lib.Tensor

_uids = itertools.count(1)


def unique_fn_name(scope: str, name: str) -> str:
    """TF's `unique_fn_name`: "<scope>_<name>_<uid>" with "/" replaced, e.g. cond_true_12."""
    return f"{scope}{name}_{next(_uids)}".replace("/", "_")


class FuncGraph(graph_lib.Graph):
    """Mirrors TF's FuncGraph: a graph being traced into a function.

    Outer tensors used inside become `captures`: each gets a placeholder input, appended
    after the explicit inputs. Collections are shared with the outer graph, as TF's
    control-flow function graphs do.
    """

    def __init__(self, name: str, outer_graph=None):
        super().__init__()
        self.name = name
        self._outer_graph = outer_graph
        self._building_function = True
        self.inputs: list[Tensor] = []
        self.outputs: list[Tensor] = []
        self.control_outputs: list = []
        self._captures: dict[int, tuple[Tensor, Tensor]] = {}
        if outer_graph is not None:
            self._collections = outer_graph._collections
            self._seed = outer_graph.seed

    @property
    def captures(self) -> list:
        """(outer tensor, inner placeholder) pairs, in capture order."""
        return list(self._captures.values())

    @property
    def external_captures(self) -> list:
        return [outer for outer, _ in self._captures.values()]

    @property
    def internal_captures(self) -> list:
        return [inner for _, inner in self._captures.values()]

    def capture(self, tensor: Tensor, name: str | None = None) -> Tensor:
        """The placeholder standing for outer `tensor` inside this function."""
        if tensor.graph is self:
            return tensor
        found = self._captures.get(id(tensor))
        if found is not None:
            return found[1]
        return self._capture_helper(tensor, name)

    def _capture_helper(self, tensor: Tensor, name: str | None) -> Tensor:
        # Like TF, capture any external tensor directly; when the op calling this function
        # is created in the outer graph, that graph captures the tensor in turn.
        return self._add_capture(tensor, name)

    def _add_capture(self, tensor: Tensor, name: str | None) -> Tensor:
        placeholder = self._placeholder_like(tensor, name)
        self._captures[id(tensor)] = (tensor, placeholder)
        self.inputs.append(placeholder)
        return placeholder

    def _placeholder_like(self, tensor: Tensor, name: str | None) -> Tensor:
        with self.as_default(), self.control_dependencies(None), self.name_scope(None):
            return make_placeholder(
                self, tensor.dtype.base_dtype, tensor.shape, name or tensor.op.name
            )

    def _add_function(self, function) -> None:
        # Functions defined while tracing live in the outermost graph's library.
        if self._outer_graph is not None:
            self._outer_graph._add_function(function)
            return
        super()._add_function(function)

    def _get_function(self, name: str):
        found = self._functions.get(name)
        if found is None and self._outer_graph is not None:
            return self._outer_graph._get_function(name)
        return found

    @property
    def output_types(self) -> list:
        return [t.dtype.base_dtype for t in self.outputs]

    @property
    def output_shapes(self) -> list:
        return [t.shape for t in self.outputs]

    @property
    def is_stateful(self) -> bool:
        return any(
            op.op_def.is_stateful for op in self.get_operations() if op.type != "Placeholder"
        )


def make_placeholder(graph, dtype, shape, name: str) -> Tensor:
    """A Placeholder op in `graph` (built through the registry, as any op)."""
    definition = registry.lookup_op("Placeholder")
    op = graph._create_op_internal(
        definition,
        [],
        {"dtype": dtype, "shape": tensor_shape.as_shape(shape)},
        _sanitized_name(name),
    )
    return op.outputs[0]


def _sanitized_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.\-/]", "_", name).strip("/")
    if not cleaned or not re.match(r"[A-Za-z0-9.]", cleaned[0]):
        cleaned = "placeholder" + cleaned
    return cleaned


def trace(name: str, fn, input_specs, outer_graph, graph_class=FuncGraph):
    """Traces `fn` into a new FuncGraph; returns (graph, fn's raw return value).

    `input_specs` is a list of (dtype, shape, name); each becomes a placeholder argument.
    """
    graph = graph_class(name, outer_graph)
    with graph.as_default():
        args = [
            make_placeholder(graph, dtype, shape, arg_name)
            for dtype, shape, arg_name in input_specs
        ]
        graph.inputs.extend(args)
        result = fn(*args)
    return graph, result


# ---------------------------------------------------------------------- defined functions


class DefinedFunction:
    """A function in a graph's library: its FuncGraph and (lazily) its FunctionDef."""

    def __init__(self, func_graph: FuncGraph, gradient_name: str | None = None):
        self.graph = func_graph
        self.name = func_graph.name
        self.gradient_name = gradient_name
        # Converted now: a gradient may later rewrite the FuncGraph into a new function,
        # and this library entry must keep describing the function as it was.
        self.definition = to_function_def(func_graph)

    @property
    def is_stateful(self) -> bool:
        return self.graph.is_stateful


def add_output_arrays(op, dtypes_list, shapes) -> list:
    """Appends outputs to an op whose function gained outputs (a gradient rewrite)."""
    op.graph._check_mutable(op)
    added = []
    for dtype, shape in zip(dtypes_list, shapes):
        tensor = Tensor(op, len(op._outputs), dtype)
        tensor._shape = tensor_shape.as_shape(shape)
        op._outputs.append(tensor)
        added.append(tensor)
    return added


def add_input_tensors(op, tensors) -> None:
    """Appends inputs to an op (a While whose body gained accumulators)."""
    op.graph._check_mutable(op)
    for tensor in tensors:
        op._inputs.append(tensor)
        tensor._consumers.append(op)


class ImportedFunction:
    """A function that arrived as a FunctionDef (an imported GraphDef's library); its
    FuncGraph is rebuilt on first use."""

    def __init__(self, definition, owner=None):
        self.definition = definition
        self.name = definition.signature.name
        self.gradient_name = None
        self._owner = owner
        self._graph = None

    @property
    def graph(self) -> FuncGraph:
        if self._graph is None:
            self._graph = from_function_def(self.definition, self._owner)
        return self._graph

    @property
    def is_stateful(self) -> bool:
        return self.definition.signature.is_stateful


def add_to_graph(func_graph: FuncGraph, graph) -> DefinedFunction:
    """Registers `func_graph` as a function of `graph`'s library; returns it."""
    function = DefinedFunction(func_graph)
    graph._add_function(function)
    return function


def func_attr(function) -> attr_value.FuncAttr:
    return attr_value.FuncAttr(function.name)


# ---------------------------------------------------------------------- FuncGraph -> FunctionDef

_ARG_NAME = re.compile(r"[^a-z0-9_]")


class _ArgNames:
    """Unique lowercase argument names, as FunctionDef signatures require."""

    def __init__(self):
        self._used: set[str] = set()

    def make(self, base: str) -> str:
        name = _ARG_NAME.sub("_", base.lower())
        if not name or not name[0].isalpha():
            name = "arg_" + name
        candidate, counter = name, 1
        while candidate in self._used:
            candidate = f"{name}_{counter}"
            counter += 1
        self._used.add(candidate)
        return candidate


def to_function_def(func_graph: FuncGraph):
    """The FunctionDef proto of a FuncGraph (TF's `graph_to_function_def`)."""
    from ndflow.proto import function_pb2

    fdef = function_pb2.FunctionDef()
    fdef.signature.name = func_graph.name
    names = _ArgNames()
    input_names = {}
    for tensor in func_graph.inputs:
        arg = fdef.signature.input_arg.add(
            name=names.make(tensor.op.name), type=tensor.dtype.base_dtype.as_datatype_enum
        )
        input_names[id(tensor)] = arg.name
    inputs = {id(t) for t in func_graph.inputs}
    for op in func_graph.get_operations():
        if op.type == "Placeholder" and id(op.outputs[0]) in inputs:
            continue
        node = fdef.node_def.add()
        node.CopyFrom(op.node_def)
        del node.input[:]
        node.input.extend(_function_input(t, input_names) for t in op.inputs)
        node.input.extend("^" + c.name for c in op.control_inputs)
    for tensor in func_graph.outputs:
        arg = fdef.signature.output_arg.add(
            name=names.make(tensor.op.name), type=tensor.dtype.base_dtype.as_datatype_enum
        )
        fdef.ret[arg.name] = _function_input(tensor, input_names)
    for op in func_graph.control_outputs:
        fdef.signature.control_output.append(op.name)
        fdef.control_ret[op.name] = op.name
    fdef.signature.is_stateful = func_graph.is_stateful
    return fdef


def _function_input(tensor: Tensor, input_names: dict) -> str:
    name = input_names.get(id(tensor))
    if name is not None:
        return name
    arg_name, index = _output_arg_of(tensor)
    return f"{tensor.op.name}:{arg_name}:{index}"


def _output_arg_of(tensor: Tensor):
    """(output arg name, index within the arg) of a tensor, per its op's OpDef."""
    op = tensor.op
    position = tensor.value_index
    for arg in op.op_def.output_args:
        count = len(op_def_lib.arg_types(arg, op.attrs))
        if position < count:
            return arg.name, position
        position -= count
    raise ValueError(f"{tensor.name} is not an output of {op.name}")


# ---------------------------------------------------------------------- FunctionDef -> FuncGraph


def from_function_def(fdef, outer_graph=None) -> FuncGraph:
    """A FuncGraph rebuilt from a FunctionDef (for functions in imported GraphDefs)."""
    graph = FuncGraph(fdef.signature.name, outer_graph)
    with graph.as_default():
        values = {}
        for arg in fdef.signature.input_arg:
            placeholder = make_placeholder(graph, _arg_dtype(arg), None, arg.name)
            graph.inputs.append(placeholder)
            values[arg.name] = placeholder
        ops_by_name = {}
        for node in _function_nodes_in_order(fdef):
            ops_by_name[node.name] = _import_function_node(graph, node, values, ops_by_name)
        for arg in fdef.signature.output_arg:
            graph.outputs.append(_resolve(fdef.ret[arg.name], values, ops_by_name))
        for name in fdef.control_ret.values():
            graph.control_outputs.append(ops_by_name[name])
    return graph


def _arg_dtype(arg):
    if arg.type:
        return dtypes.as_dtype(arg.type)
    raise ValueError(
        f"Function argument '{arg.name}' has a polymorphic type; ndflow needs "
        "concrete FunctionDefs."
    )


def _function_nodes_in_order(fdef):
    """Nodes sorted so that each follows the nodes its inputs name."""
    nodes = {node.name: node for node in fdef.node_def}
    order, state = [], {}

    def visit(name):
        if state.get(name) == 2 or name not in nodes:
            return
        if state.get(name) == 1:
            raise ValueError(f"Function {fdef.signature.name} has a cycle at node {name}")
        state[name] = 1
        for text in nodes[name].input:
            visit(text.lstrip("^").split(":")[0])
        state[name] = 2
        order.append(nodes[name])

    for name in nodes:
        visit(name)
    return order


def _import_function_node(graph, node, values, ops_by_name):
    definition = registry.lookup_op(node.op)
    attrs = {
        key: attr_value.from_proto(value, _declared_type(definition, key))
        for key, value in node.attr.items()
    }
    for attr in definition.attrs:
        if attr.name not in attrs and attr.has_default:
            attrs[attr.name] = attr.default
    inputs, controls = [], []
    for text in node.input:
        if text.startswith("^"):
            controls.append(ops_by_name[text[1:]])
            continue
        inputs.append(_resolve(text, values, ops_by_name))
    op = graph._create_op_internal(
        definition, inputs, attrs, node.name + "/", control_inputs=controls
    )
    if node.device:
        op._device = node.device
    return op


def _declared_type(definition, key):
    declared = definition.attr_map.get(key)
    return declared.type if declared is not None else None


def _resolve(text: str, values: dict, ops_by_name: dict) -> Tensor:
    """The tensor a FunctionDef input string names: "arg", "op:out_arg:i" or "op:i"."""
    if text in values:
        return values[text]
    parts = text.split(":")
    op = ops_by_name[parts[0]]
    if len(parts) == 2:
        return op.outputs[int(parts[1])]
    arg_name, index = parts[1], int(parts[2])
    offset = 0
    for arg in op.op_def.output_args:
        count = len(op_def_lib.arg_types(arg, op.attrs))
        if arg.name == arg_name:
            return op.outputs[offset + index]
        offset += count
    raise ValueError(f"Node {op.name} has no output arg '{arg_name}'")
