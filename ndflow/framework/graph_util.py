"""GraphDef rewrites: TF1's `tf.graph_util` (TF's graph_util_impl.py and the Session path of
convert_to_constants.py).

Everything works on GraphDef protos. `convert_variables_to_constants` reads the variables'
values through a Session it is given (anything with `run(fetches)`), so this module needs
no runtime. Freezing follows TF 2.x: each variable node becomes a Const, and the change of
type is pushed to its consumers: a ReadVariableOp becomes an Identity, ResourceGather(Nd)
becomes GatherV2 (GatherNd), pass-through ops (Identity, Switch, Merge...) take the new
type, and function calls (If, Case, While, PartitionedCall) get a renamed copy of each
called function ("<name>_frozen_<uid>") in which the argument is the value, not a handle.
"""

from __future__ import annotations

import collections
import re

import numpy as np

from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import tensor_util
from ndflow.proto import graph_pb2
from ndflow.proto import node_def_pb2
from ndflow.proto import tensor_shape_pb2
from ndflow.proto import types_pb2

_VARIABLE_OPS = frozenset(
    [
        "Assign",
        "AssignAdd",
        "AssignSub",
        "Queue",
        "ScatterAdd",
        "ScatterSub",
        "ScatterUpdate",
        "TruncatedNormal",
        "Variable",
        "VariableV2",
    ]
)


def must_run_on_cpu(node, pin_variables_on_cpu=False) -> bool:
    """Mirrors `tf.compat.v1.graph_util.must_run_on_cpu`: whether `node` (an Operation or a
    NodeDef) must be placed on the CPU (int32/string constants, int32 DynamicStitch/Cast...).
    """
    node_def = node.node_def if isinstance(node, graph_lib.Operation) else node
    if not isinstance(node_def, node_def_pb2.NodeDef):
        raise AssertionError(f"node must be an Operation or a NodeDef, got {type(node)}.")
    if pin_variables_on_cpu and node_def.op in _VARIABLE_OPS:
        return True
    if node_def.op == "Const":
        return node_def.attr["dtype"].type in (types_pb2.DT_STRING, types_pb2.DT_INT32)
    if node_def.op in ("DynamicStitch", "ParallelDynamicStitch"):
        return node_def.attr["T"].type == types_pb2.DT_INT32
    if node_def.op == "Cast":
        return node_def.attr["SrcT"].type == types_pb2.DT_INT32
    return False


def _node_name(text: str) -> str:
    """The node an input string names: "^a" -> "a", "a:1" -> "a"."""
    if text.startswith("^"):
        return text[1:]
    return text.split(":")[0]


def _colocated_names(node) -> list:
    """The nodes named in a node's `_class: loc:@<name>` attr."""
    if "_class" not in node.attr:
        return []
    names = []
    for entry in node.attr["_class"].list.s:
        text = entry.decode("utf-8")
        names.append(text[5:] if text.startswith("loc:@") else text)
    return names


def extract_sub_graph(graph_def, dest_nodes):
    """Mirrors `tf.compat.v1.graph_util.extract_sub_graph`: the nodes `dest_nodes` depend
    on (through data, control and colocation edges), in their original order.

    Raises:
      TypeError: `graph_def` is not a GraphDef, or `dest_nodes` is a string.
      AssertionError: a destination node is not in the graph (TF's check).
    """
    if not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError(
            f"graph_def must be a graph_pb2.GraphDef proto, but got type {type(graph_def)}."
        )
    if isinstance(dest_nodes, str):
        raise TypeError(
            f"dest_nodes must be an iterable of strings, but got type {type(dest_nodes)}."
        )
    position = {node.name: i for i, node in enumerate(graph_def.node)}
    sources = {
        node.name: [_node_name(text) for text in node.input] + _colocated_names(node)
        for node in graph_def.node
    }
    for name in dest_nodes:
        if name not in position:
            raise AssertionError(f"{name} is not in graph")
    keep = set()
    pending = collections.deque(dest_nodes)
    while pending:
        name = pending.popleft()
        if name in keep or name not in position:
            continue
        keep.add(name)
        pending.extend(sources[name])
    out = graph_pb2.GraphDef()
    for name in sorted(keep, key=position.__getitem__):
        out.node.add().CopyFrom(graph_def.node[position[name]])
    out.library.CopyFrom(graph_def.library)
    out.versions.CopyFrom(graph_def.versions)
    return out


def tensor_shape_from_node_def_name(graph, input_name):
    """Mirrors `tf.compat.v1.graph_util.tensor_shape_from_node_def_name`: the static shape
    of a NodeDef input ("name" means "name:0")."""
    if ":" not in input_name:
        input_name = f"{input_name}:0"
    return graph.get_tensor_by_name(input_name).get_shape()


def remove_training_nodes(input_graph, protected_nodes=None):
    """Mirrors `tf.compat.v1.graph_util.remove_training_nodes`.

    Drops CheckNumerics nodes and splices out Identity and StopGradient nodes (inputs are
    rewired to what they forwarded), except nodes in `protected_nodes`, nodes with control
    inputs, nodes used as control inputs and nodes others are colocated with.

    Returns:
      A new GraphDef holding only the remaining nodes (TF drops the library and versions).
    """
    protected = set(protected_nodes or ())
    removed = {n.name for n in input_graph.node if n.op == "CheckNumerics"} - protected
    nodes = []
    for node in input_graph.node:
        if node.name in removed:
            continue
        copy = node_def_pb2.NodeDef()
        copy.CopyFrom(node)
        del copy.input[:]
        copy.input.extend(text for text in node.input if text.lstrip("^") not in removed)
        nodes.append(copy)
    splice = _splice_map(nodes, protected)
    output = graph_pb2.GraphDef()
    for node in nodes:
        if node.name in splice:
            continue
        rewired = output.node.add()
        rewired.CopyFrom(node)
        del rewired.input[:]
        rewired.input.extend(_follow_splices(text, splice) for text in node.input)
    return output


def _splice_map(nodes, protected):
    """{name of an Identity/StopGradient to splice out: the input it forwards}."""
    control_sources, with_control_inputs, colocated = set(), set(), set()
    for node in nodes:
        for text in node.input:
            if "^" in text:
                control_sources.add(text.replace("^", ""))
                with_control_inputs.add(node.name)
        colocated.update(_colocated_names(node))
    return {
        node.name: node.input[0]
        for node in nodes
        if node.op in ("Identity", "StopGradient")
        and node.name not in protected
        and node.name not in colocated
        and node.name not in with_control_inputs
        and node.name not in control_sources
    }


def _follow_splices(text, splice):
    # "id:0" names the spliced node too (TF compares the raw text and would leave a
    # dangling input).
    name = re.sub(r"^\^|:0$", "", text)
    while name in splice:
        text = splice[name]
        name = re.sub(r"^\^|:0$", "", text)
    return text


# ---------------------------------------------------------------------- freezing


def convert_variables_to_constants(
    sess,
    input_graph_def,
    output_node_names,
    variable_names_whitelist=None,
    variable_names_blacklist=None,
):
    """Mirrors `tf.compat.v1.graph_util.convert_variables_to_constants`.

    Keeps what `output_node_names` need (`extract_sub_graph`), reads every variable in it
    (VariableV2, or VarHandleOp through its "<name>/Read/ReadVariableOp") with `sess`, and
    replaces it by a Const holding that value.

    Args:
      sess: the Session holding the variables' values.
      input_graph_def: the GraphDef to freeze.
      output_node_names: names of the nodes the frozen graph must compute.
      variable_names_whitelist: only these variables (node names) are converted.
      variable_names_blacklist: these variables are left as variables.

    Returns:
      The frozen GraphDef.

    >>> frozen = convert_variables_to_constants(sess, graph.as_graph_def(), ["output"])
    """
    graph_def = extract_sub_graph(input_graph_def, output_node_names)
    values = _variable_values(sess, graph_def, variable_names_whitelist, variable_names_blacklist)
    freezer = _Freezer(graph_def)
    for name, (value, dtype) in values.items():
        freezer.freeze_variable(name, _Value(value, dtype))
    return freezer.finish()


def _variable_values(sess, graph_def, allowlist, denylist):
    """{variable node name: (its value, its DataType enum)}, read with one `sess.run`."""
    nodes, fetches = [], []
    for node in graph_def.node:
        if node.op not in ("Variable", "VariableV2", "VarHandleOp"):
            continue
        if allowlist is not None and node.name not in allowlist:
            continue
        if denylist is not None and node.name in denylist:
            continue
        read = f"{node.name}/Read/ReadVariableOp" if node.op == "VarHandleOp" else node.name
        nodes.append(node)
        fetches.append(f"{read}:0")
    found = sess.run(fetches) if fetches else []
    return {
        node.name: (np.asarray(value), node.attr["dtype"].type) for node, value in zip(nodes, found)
    }


class _Value(collections.namedtuple("_Value", ["array", "dtype"])):
    """A variable's frozen value and its DataType enum."""

    __slots__ = ()


class _Edge(collections.namedtuple("_Edge", ["dest", "dest_index", "source_index"])):
    """Output `source_index` of some node (or argument `source_index` of a function) feeds
    input `dest_index` of `dest` (a node key, or a function key for a call's argument)."""

    __slots__ = ()


_MAIN = ""  # the container of main-graph nodes; function names are never empty

# Ops whose inputs are passed on to a function's arguments: (first input that is a function
# argument, the attr typing those inputs, the attrs naming the called functions).
_CALLERS = {
    "If": (1, "Tin", ("then_branch", "else_branch")),
    "StatelessIf": (1, "Tin", ("then_branch", "else_branch")),
    "Case": (1, "Tin", ("branches",)),
    "PartitionedCall": (0, "Tin", ("f",)),
    "StatefulPartitionedCall": (0, "Tin", ("f",)),
    "While": (0, "T", ("body", "cond")),
    "StatelessWhile": (0, "T", ("body", "cond")),
}
_PASS_THROUGH = frozenset(["Enter", "Exit", "Identity", "NextIteration", "Switch", "_SwitchN"])
_VARIABLE_NODES = frozenset(["Variable", "VariableV2", "VarHandleOp", "Placeholder"])


class _Freezer:
    """A copy of a GraphDef in which variables are replaced by constants, one at a time.

    Nodes are keyed ("node", container, name), container being _MAIN or the (original) name
    of the function holding the node; a function's arguments are keyed ("function", name).
    Edges are computed once, on the original graph, as TF's converter does.
    """

    def __init__(self, graph_def):
        self.graph_def = graph_pb2.GraphDef()
        self.graph_def.CopyFrom(graph_def)
        self._nodes = {}  # key -> NodeDef in self.graph_def
        self._op_types = {}  # key -> the op type before any conversion
        self._functions = {f.signature.name: f for f in self.graph_def.library.function}
        self._edges = collections.defaultdict(list)  # source key -> [_Edge]
        self._frozen_names = {}  # original function name -> its frozen copy's name
        self._callers = []  # keys of converted function callers, to rename their attrs
        for node in self.graph_def.node:
            self._add_node(_MAIN, node)
        for name, function in self._functions.items():
            for node in function.node_def:
                self._add_node(name, node)
        for key, node in self._nodes.items():
            self._add_edges(key, node)

    def _add_node(self, container, node):
        key = ("node", container, node.name)
        self._nodes[key] = node
        self._op_types[key] = node.op

    def _add_edges(self, key, node):
        container = key[1]
        for index, text in enumerate(node.input):
            if text.startswith("^"):
                continue
            source, source_index = self._resolve(container, text)
            self._edges[source].append(_Edge(key, index, source_index))
        caller = _CALLERS.get(node.op)
        if caller is None:
            return
        first, _, attr_names = caller
        data_inputs = [text for text in node.input if not text.startswith("^")]
        for function_name in _called_functions(node, attr_names):
            for index in range(len(data_inputs) - first):
                self._edges[key].append(_Edge(("function", function_name), index, index + first))

    def _resolve(self, container, text):
        """The key and output index an input string refers to (TF's resolve_input)."""
        parts = text.split(":")
        name = parts[0]
        index = int(parts[-1]) if len(parts) > 1 and parts[-1].isnumeric() else 0
        if container == _MAIN:
            return ("node", _MAIN, name), index
        if index != 0 or ("node", container, name) in self._nodes:
            return ("node", container, name), index
        arg_names = [arg.name for arg in self._functions[container].signature.input_arg]
        return ("function", container), arg_names.index(name)

    def finish(self):
        """The frozen GraphDef, with converted callers naming the frozen function copies."""
        for key in self._callers:
            node = self._nodes[key]
            for attr_name in _CALLERS[self._op_types[key]][2]:
                _rename_functions(node.attr[attr_name], self._frozen_names)
        return self.graph_def

    # -- conversions ------------------------------------------------------------------

    def freeze_variable(self, name, value):
        self._convert(_Edge(("node", _MAIN, name), 0, 0), value)

    def _convert(self, edge, value):
        if edge.dest[0] == "function":
            self._convert_argument(edge.dest[1], edge.dest_index, value)
            return
        op_type = self._op_types[edge.dest]
        if op_type in _VARIABLE_NODES:
            self._to_const(edge.dest, value)
        elif op_type == "ReadVariableOp":
            self._read_to_identity(edge.dest)
        elif op_type == "ResourceGather":
            self._gather_to_gather_v2(edge.dest)
        elif op_type == "ResourceGatherNd":
            self._gather_nd_to_gather_nd(edge.dest)
        elif op_type in _PASS_THROUGH or op_type == "Merge":
            # Merge has one type for all its inputs: TF retypes them all through index 0.
            index = 0 if op_type == "Merge" else edge.dest_index
            self._retype_pass_through(edge.dest, index, value)
        elif op_type in _CALLERS:
            self._convert_caller(edge.dest, edge.dest_index, value)

    def _propagate(self, key, value, source_index=None):
        for edge in self._edges.get(key, ()):
            if source_index is None or edge.source_index == source_index:
                self._convert(edge, value)

    def _to_const(self, key, value):
        node = self._nodes[key]
        name = node.name
        node.Clear()
        node.name = name
        node.op = "Const"
        node.attr["dtype"].type = value.dtype
        node.attr["value"].tensor.CopyFrom(
            tensor_util.make_tensor_proto(value.array, value.dtype, value.array.shape)
        )
        self._propagate(key, value)

    def _read_to_identity(self, key):
        node = self._nodes[key]
        original = node_def_pb2.NodeDef()
        original.CopyFrom(node)
        _rebuild(node, original, "Identity", list(original.input))
        node.attr["T"].CopyFrom(original.attr["dtype"])
        if key[1] == _MAIN:
            return
        # Inside a function, consumers name the read's output "read:value:0"; an Identity's
        # output is "read:output:0".
        for edge in self._edges.get(key, ()):
            if edge.dest[0] != "node":
                continue
            dest = self._nodes[edge.dest]
            parts = dest.input[edge.dest_index].split(":")
            if len(parts) > 1 and parts[1] == "value":
                parts[1] = "output"
                dest.input[edge.dest_index] = ":".join(parts)

    def _gather_to_gather_v2(self, key):
        if key[1] != _MAIN:
            return  # as TF: not converted inside functions
        node = self._nodes[key]
        batch_dims = node.attr["batch_dims"].i
        if batch_dims != 0:
            raise ValueError(
                "batch_dims must be 0 for freeze_graph, but got "
                f"node({node.name}).attr('batch_dims') = {batch_dims}."
            )
        axis_name = f"{node.name}/axis"
        self._add_axis_const(axis_name, node.attr["Tindices"].type)
        original = node_def_pb2.NodeDef()
        original.CopyFrom(node)
        _rebuild(node, original, "GatherV2", [original.input[0], original.input[1], axis_name])
        node.attr["Tparams"].CopyFrom(original.attr["dtype"])
        node.attr["Tindices"].CopyFrom(original.attr["Tindices"])
        node.attr["Taxis"].CopyFrom(original.attr["Tindices"])

    def _add_axis_const(self, name, dtype):
        key = ("node", _MAIN, name)
        if key in self._nodes:
            return
        node = self.graph_def.node.add(name=name, op="Const")
        node.attr["dtype"].type = dtype
        node.attr["value"].tensor.CopyFrom(tensor_util.make_tensor_proto(np.array(0), dtype, ()))
        self._add_node(_MAIN, node)

    def _gather_nd_to_gather_nd(self, key):
        node = self._nodes[key]
        original = node_def_pb2.NodeDef()
        original.CopyFrom(node)
        _rebuild(node, original, "GatherNd", list(original.input[:2]))
        node.attr["Tparams"].CopyFrom(original.attr["dtype"])
        node.attr["Tindices"].CopyFrom(original.attr["Tindices"])

    def _retype_pass_through(self, key, index, value):
        node = self._nodes[key]
        _set_type(node, "T", index, value.dtype)
        if "_output_shapes" in node.attr:
            del node.attr["_output_shapes"]
        self._propagate(key, value)

    def _convert_caller(self, key, index, value):
        first, type_attr, _ = _CALLERS[self._op_types[key]]
        # Only the called functions learn the new type: what a call returns depends on the
        # function's body, so edges out of the call are left alone (TF does the same).
        for edge in self._edges.get(key, ()):
            if edge.source_index == index and edge.dest[0] == "function":
                self._convert(edge, value)
        node = self._nodes[key]
        if index >= first:
            _set_type(node, type_attr, index - first, value.dtype)
        if key not in self._callers:
            self._callers.append(key)
        if self._op_types[key] in ("While", "StatelessWhile"):
            self._retype_loop_variable(node, index, value)

    def _retype_loop_variable(self, node, index, value):
        shapes = node.attr["output_shapes"].list.shape
        if len(shapes):
            shapes[index].CopyFrom(
                tensor_shape_pb2.TensorShapeProto(
                    dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in value.array.shape]
                )
            )
        # The body returns its loop variables, so its outputs change type with its inputs.
        body = self._frozen_copy(node.attr["body"].func.name)
        body.signature.output_arg[index].type = value.dtype

    def _convert_argument(self, function_name, index, value):
        self._propagate(("function", function_name), value, source_index=index)
        function = self._frozen_copy(function_name)
        function.signature.input_arg[index].type = value.dtype
        # The argument's recorded shapes described the handle, not the value.
        if "_input_shapes" in function.attr:
            _clear_shape(function.attr["_input_shapes"].list.shape[index])
        if index in function.arg_attr and "_output_shapes" in function.arg_attr[index].attr:
            _clear_shape(function.arg_attr[index].attr["_output_shapes"].list.shape[0])

    def _frozen_copy(self, function_name):
        """The FunctionDef of `function_name`, renamed "<base>_frozen_<uid>" the first time
        it is changed so it cannot clash with the unfrozen function (TF's rule)."""
        function = self._functions[function_name]
        if function_name not in self._frozen_names:
            base = re.sub(r"_\d+$", "", function_name)
            self._frozen_names[function_name] = function_lib.unique_fn_name("", f"{base}_frozen")
            function.signature.name = self._frozen_names[function_name]
        return function


def _called_functions(node, attr_names):
    names = []
    for attr_name in attr_names:
        attr = node.attr[attr_name]
        if attr.HasField("func"):
            names.append(attr.func.name)
        elif attr.HasField("list"):
            names.extend(func.name for func in attr.list.func)
    return names


def _rename_functions(attr, renamed):
    if attr.HasField("func"):
        attr.func.name = renamed.get(attr.func.name, attr.func.name)
        return
    for func in attr.list.func:
        func.name = renamed.get(func.name, func.name)


def _rebuild(node, original, op_type, inputs):
    """Turns `node` into an `op_type` node on `inputs`, keeping its name and colocation."""
    node.Clear()
    node.name = original.name
    node.op = op_type
    node.input.extend(inputs)
    if "_class" in original.attr:
        node.attr["_class"].CopyFrom(original.attr["_class"])


def _set_type(node, attr_name, index, dtype):
    """Sets entry `index` of a type (or list(type)) attr, as TF's update_dtype does."""
    attr = node.attr[attr_name]
    if attr.HasField("list") and index < len(attr.list.type):
        attr.list.type[index] = dtype
        return
    if attr.HasField("type") and index == 0:
        attr.type = dtype
        return
    count = len(attr.list.type) if attr.HasField("list") else int(attr.HasField("type"))
    raise ValueError(
        f"`index` {index:d} is out of range for node({node.name}).attr({attr_name}), which "
        f"has {count:d} elements."
    )


def _clear_shape(shape):
    shape.unknown_rank = True
    del shape.dim[:]
