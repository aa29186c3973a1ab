"""GraphDef in and out: `tf.import_graph_def` and `tf.io.write_graph`.

Importing needs nothing but the op registry: a node whose type is registered becomes an op
(defaults filled in, shapes inferred); an unregistered type is a `NotFoundError` naming the
type and the node. Nodes may come in any order; they are added in dependency order.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import uuid

from ndflow.framework import attr_value
from ndflow.framework import errors
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_def as op_def_lib
from ndflow.framework import registry

_LEGACY_PLACEHOLDER_PRODUCER = 21


def _parse_input(text: str):
    """('name', index) for "name:1", ('name', -1) for a control input "^name"."""
    if text.startswith("^"):
        return text[1:], -1
    name, _, index = text.partition(":")
    return name, int(index) if index else 0


def import_graph_def(
    graph_def, input_map=None, return_elements=None, name=None, op_dict=None, producer_op_list=None
):
    """Mirrors `tf.import_graph_def`.

    Args:
      graph_def: a GraphDef proto.
      input_map: {"name:index" or "^name": Tensor/Operation} to substitute for inputs.
      return_elements: op or tensor names (as in the GraphDef) to return.
      name: the prefix for imported names ("import" if None; "" for none).

    Returns:
      The ops/tensors named in `return_elements`, or None.

    Raises:
      NotFoundError: a node's op type is not registered.
      ValueError: the GraphDef is malformed (unknown inputs, cycles, type mismatches).
    """
    del op_dict, producer_op_list  # ndflow's registry is the only op source
    graph = graph_lib.get_default_graph()
    input_map = _normalize_input_map(input_map or {})
    producer = graph_def.versions.producer
    nodes = {node.name: _legacy_placeholder(node, producer) for node in graph_def.node}
    mapped = _check_input_map_keys(input_map, nodes)
    scope_values = [v for v in input_map.values() if isinstance(v, graph_lib.Tensor)]
    with graph_lib.name_scope(name, "import", scope_values) as scope:
        _import_library(graph, graph_def)
        created = _import_nodes(graph, nodes, input_map, scope, mapped)
    return _return_elements(created, return_elements)


def _legacy_placeholder(node, producer: int):
    """GraphDefs up to producer version 21 (TF 1.0) wrote an unknown Placeholder shape as an
    empty, scalar-looking one; TF's Placeholder shape function reads it as unknown, so the
    node is imported with an unknown shape."""
    if producer > _LEGACY_PLACEHOLDER_PRODUCER or node.op != "Placeholder":
        return node
    shape = node.attr["shape"].shape if "shape" in node.attr else None
    if shape is None or shape.unknown_rank or shape.dim:
        return node
    legacy = type(node)()
    legacy.CopyFrom(node)
    legacy.attr["shape"].shape.unknown_rank = True
    return legacy


def _normalize_input_map(input_map):
    normalized = {}
    for key, value in input_map.items():
        if not isinstance(key, str):
            raise TypeError(f"input_map keys must be strings, got {key!r}.")
        if key.startswith("^"):
            normalized[key] = value
            continue
        op_name, index = _parse_input(key)
        normalized[f"{op_name}:{index}"] = value
    return normalized


def _check_input_map_keys(input_map, nodes) -> set:
    """The mapped op names; each key must name a node or be used as an input (an export's
    "$unbound_inputs_x" names no node)."""
    used = {_input_key(text) for node in nodes.values() for text in node.input}
    mapped = set()
    for key in input_map:
        op_name = key[1:] if key.startswith("^") else key.partition(":")[0]
        if op_name not in nodes and key not in used:
            raise ValueError(f"Attempted to map inputs that were not found in graph_def: [{key}]")
        mapped.add(op_name)
    return mapped


def _input_key(text: str) -> str:
    """An input string in input_map's normal form: "^name" or "name:index"."""
    if text.startswith("^"):
        return text
    op_name, index = _parse_input(text)
    return f"{op_name}:{index}"


def _import_library(graph, graph_def):
    for function in graph_def.library.function:
        graph._add_function(function_lib.ImportedFunction(function, graph))


def _import_nodes(graph, nodes, input_map, scope, mapped):
    created: dict = {}
    for node in _dependency_order(nodes, mapped):
        definition = _lookup(node)
        attrs = _node_attrs(definition, node)
        inputs, controls = _node_inputs(node, created, input_map)
        _check_input_types(definition, attrs, node, inputs, scope)
        device_scope = graph.device(node.device) if node.device else contextlib.nullcontext()
        with device_scope:
            op = graph._create_op_internal(
                definition, inputs, attrs, name=scope + node.name + "/", control_inputs=controls
            )
        created[node.name] = op
    return created


def _lookup(node):
    try:
        return registry.lookup_op(node.op)
    except errors.NotFoundError:
        raise errors.NotFoundError(
            None,
            None,
            f"Op type not registered '{node.op}' in binary running on this host "
            f"(ndflow), needed by node '{node.name}'. ndflow does not implement this op "
            "yet.",
        ) from None


def _dependency_order(nodes, mapped=frozenset()):
    """Nodes ordered so each comes after its inputs; ties keep the GraphDef's order. Inputs
    replaced through input_map (`mapped`) need no node."""
    position = {name: i for i, name in enumerate(nodes)}
    waiting: dict[str, int] = {}
    dependents: dict[str, list] = {}
    for name, node in nodes.items():
        sources = {_parse_input(text)[0] for text in node.input}
        sources -= {s for s in sources if s in mapped and s not in nodes}
        missing = [s for s in sources if s not in nodes]
        if missing:
            raise ValueError(f"Node '{name}': Unknown input node '{missing[0]}'")
        waiting[name] = len(sources)
        for source in sources:
            dependents.setdefault(source, []).append(name)
    ready = [(position[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(nodes[name])
        for dependent in dependents.get(name, ()):
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, (position[dependent], dependent))
    if len(order) != len(nodes):
        stuck = sorted(n for n, count in waiting.items() if count > 0)[:5]
        raise ValueError(
            f"GraphDef cannot be imported: it contains a cycle (legacy "
            f"while-loop frames are not supported) involving {stuck}"
        )
    return order


def _node_attrs(definition, node):
    attrs = {}
    for key, value in node.attr.items():
        declared = definition.attr_map.get(key)
        attrs[key] = attr_value.from_proto(value, declared.type if declared else None)
    for attr in definition.attrs:
        if attr.name not in attrs:
            if not attr.has_default:
                raise ValueError(
                    f"NodeDef '{node.name}' is missing attr '{attr.name}' of op {node.op}"
                )
            attrs[attr.name] = (
                list(attr.default) if isinstance(attr.default, list) else attr.default
            )
    _freeze_tensor_attrs(definition, attrs)
    return attrs


def _freeze_tensor_attrs(definition, attrs):
    for attr in definition.attrs:
        if attr.type == "tensor" and attrs.get(attr.name) is not None:
            attrs[attr.name].flags.writeable = False


def _node_inputs(node, created, input_map):
    inputs, controls = [], []
    for text in node.input:
        op_name, index = _parse_input(text)
        if index < 0:
            mapped = input_map.get(text)
            controls.append(_as_op(mapped) if mapped is not None else created[op_name])
            continue
        mapped = input_map.get(f"{op_name}:{index}")
        if mapped is not None:
            inputs.append(mapped)
            continue
        outputs = created[op_name]._outputs
        if index >= len(outputs):
            raise ValueError(
                f"Node '{node.name}': Connecting to invalid output {index} of "
                f"source node {op_name} which has {len(outputs)} outputs."
            )
        inputs.append(outputs[index])
    return inputs, controls


def _as_op(value):
    return value.op if isinstance(value, graph_lib.Tensor) else value


def _check_input_types(definition, attrs, node, inputs, scope):
    expected = op_def_lib.input_types(definition, attrs)
    if len(expected) != len(inputs):
        raise ValueError(
            f"NodeDef '{node.name}' expected {len(expected)} inputs for op "
            f"{node.op}, got {len(inputs)}"
        )
    for index, (want, tensor) in enumerate(zip(expected, inputs)):
        if tensor.dtype.base_dtype != want.base_dtype:
            raise ValueError(
                f"Input {index} of node {scope}{node.name} was passed "
                f"{tensor.dtype.base_dtype.name} from {tensor.name} incompatible "
                f"with expected {want.base_dtype.name}."
            )


def _return_elements(created, names):
    if names is None:
        return None
    result = []
    for element in names:
        op_name, index = _parse_input(element)
        if op_name not in created:
            raise ValueError(f"Requested return_element {element!r} not found in graph_def.")
        op = created[op_name]
        result.append(op._outputs[index] if ":" in element else op)
    return result


def write_graph(graph_or_graph_def, logdir, name, as_text=True) -> str:
    """Mirrors `tf.io.write_graph` / `tf.train.write_graph`: writes a GraphDef (or any proto,
    such as a MetaGraphDef) as text or binary into `logdir` (created if needed), atomically:
    to a temporary file renamed into place. Returns the file's path.

    >>> write_graph(tf.get_default_graph(), "/tmp/model", "graph.pbtxt")
    '/tmp/model/graph.pbtxt'
    """
    from google.protobuf import text_format

    graph_def = graph_or_graph_def
    if isinstance(graph_or_graph_def, graph_lib.Graph):
        graph_def = graph_or_graph_def.as_graph_def()
    if logdir:
        os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if as_text:
        payload = text_format.MessageToString(graph_def).encode("utf-8")
    else:
        payload = graph_def.SerializeToString(deterministic=True)
    _atomic_write(path, payload)
    return path


def _atomic_write(path: str, payload: bytes) -> None:
    """Writes `path` through a temporary file, so readers never see a partial file."""
    temporary = f"{path}.tmp{uuid.uuid4().hex}"
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
