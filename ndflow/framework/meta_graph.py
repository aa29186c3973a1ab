"""MetaGraphDefs: a graph with its collections, saver and op list (TF's framework/meta_graph.py).

`export_scoped_meta_graph` / `import_scoped_meta_graph` are what `tf.train.export_meta_graph`
/ `import_meta_graph` (train/saver.py) and the SavedModel builder and loader build on.

Collections are stored with TF's CollectionDef kinds: items whose collection registered
proto functions (variables -> VariableDef, savers -> SaverDef, queue runners ->
QueueRunnerDef, each registered by the module that defines the class, such as
train/queue_runner.py) become serialized protos in a bytes_list; other items by the kind of
the first one: strings -> bytes_list, ints -> int64_list, floats -> float_list, Any protos ->
any_list, and graph elements -> node_list (their names). A collection that cannot be
serialized is skipped with a logged warning, as in TF.

ndflow's control flow is functional (If/While ops with function bodies), so there are no
legacy `cond_context` / `while_context` objects: those collections are not restored.
"""

from __future__ import annotations

import logging
import os
import re

from google.protobuf import any_pb2
from google.protobuf import message
from google.protobuf import text_format

from ndflow.framework import attr_value
from ndflow.framework import graph as graph_lib
from ndflow.framework import graph_def as graph_def_lib
from ndflow.framework import proto_functions
from ndflow.framework import registry
from ndflow.framework import versions
from ndflow.proto import graph_debug_info_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import op_def_pb2
from ndflow.proto import saver_pb2

GraphKeys = graph_lib.GraphKeys
strip_name_scope = proto_functions.strip_name_scope
prepend_name_scope = proto_functions.prepend_name_scope

_logger = logging.getLogger(__name__)

# The TensorFlow release whose formats and op semantics ndflow writes (GraphDef producer
# 2474). TF parses `tensorflow_version` on import, so it must be a TF version number.
TENSORFLOW_VERSION = versions.TENSORFLOW_VERSION

# Prefix TF gives inputs from outside the exported scope, so they are easy to spot.
_UNBOUND_INPUT_PREFIX = "$unbound_inputs_"

# Collections that older TF releases stored as node lists instead of VariableDefs.
_COMPAT_COLLECTION_LIST = [
    GraphKeys.LOCAL_VARIABLES,
    GraphKeys.MODEL_VARIABLES,
    GraphKeys.METRIC_VARIABLES,
]

SAVE_AND_RESTORE_OPS = [
    "SaveV2",
    "Save",
    "SaveSlice",
    "LegacySave",
    "LegacySaveSlice",
    "RestoreV2",
    "Restore",
    "RestoreSlice",
    "LegacyRestore",
    "LegacyRestoreSlice",
]

# Legacy control-flow contexts: TF1 graphs with Switch/Merge/Enter frames carry them.
_CONTROL_FLOW_CONTEXTS = (GraphKeys.COND_CONTEXT, GraphKeys.WHILE_CONTEXT)


# ---------------------------------------------------------------------- op lists


def ops_used_by_graph_def(graph_def) -> list:
    """Mirrors TF's `meta_graph.ops_used_by_graph_def`: the op types a GraphDef uses,
    including inside the library functions it calls (function names excluded)."""
    functions = {f.signature.name: f for f in graph_def.library.function}
    used: set = set()
    pending = []

    def mark(op_type):
        if op_type not in used and op_type in functions:
            pending.append(functions[op_type])
        used.add(op_type)

    def visit(node):
        mark(node.op)
        if node.op in ("PartitionedCall", "StatefulPartitionedCall"):
            mark(node.attr["f"].func.name)

    for node in graph_def.node:
        visit(node)
    while pending:
        for node in pending.pop().node_def:
            visit(node)
    return [op_type for op_type in used if op_type not in functions]


def stripped_op_list_for_graph(graph_def):
    """Mirrors TF's `meta_graph.stripped_op_list_for_graph`: the OpDefs (from ndflow's
    registry) of the ops a GraphDef uses, sorted by name; unregistered ops are left out."""
    op_list = op_def_pb2.OpList()
    for op_type in sorted(ops_used_by_graph_def(graph_def)):
        if registry.is_registered(op_type):
            op_list.op.add().CopyFrom(attr_value.op_def_to_proto(registry.lookup_op(op_type)))
    return op_list


def strip_graph_default_valued_attrs(meta_graph_def) -> None:
    """Mirrors TF's `meta_graph.strip_graph_default_valued_attrs`: removes attrs equal to
    their OpDef default from every node (graph and functions) and records it in
    `meta_info_def.stripped_default_attrs`."""
    functions = {f.signature.name for f in meta_graph_def.graph_def.library.function}
    defaults: dict = {}
    nodes = list(meta_graph_def.graph_def.node)
    for function in meta_graph_def.graph_def.library.function:
        nodes.extend(function.node_def)
    for node in nodes:
        if node.op in functions or not registry.is_registered(node.op):
            continue
        if node.op not in defaults:
            defaults[node.op] = _default_attr_values(node.op)
        op_defaults = defaults[node.op]
        for name in [k for k, v in node.attr.items() if op_defaults.get(k) == v]:
            del node.attr[name]
    meta_graph_def.meta_info_def.stripped_default_attrs = True


def _default_attr_values(op_type) -> dict:
    proto = attr_value.op_def_to_proto(registry.lookup_op(op_type))
    return {attr.name: attr.default_value for attr in proto.attr if attr.HasField("default_value")}


# ---------------------------------------------------------------------- collections


def _get_kind_name(item) -> str:
    """The CollectionDef kind for a collection whose first item is `item`."""
    if isinstance(item, (str, bytes)):
        return "bytes_list"
    if isinstance(item, int):
        return "int64_list"
    if isinstance(item, float):
        return "float_list"
    if isinstance(item, any_pb2.Any):
        return "any_list"
    return "node_list"


def _should_include_node(node_or_node_name, export_scope, exclude_nodes) -> bool:
    """Whether a node (or a collection item naming one) belongs in the export."""
    if isinstance(node_or_node_name, str):
        node_name = node_or_node_name
    else:
        node_name = getattr(node_or_node_name, "name", None)
        if not isinstance(node_name, str):
            return True  # items without a name (numbers, protos) are kept, as in TF
    if exclude_nodes and (node_or_node_name in exclude_nodes or node_name in exclude_nodes):
        return False
    if node_name.startswith(_UNBOUND_INPUT_PREFIX):
        return True
    return not export_scope or node_name.startswith(export_scope)


def add_collection_def(
    meta_graph_def, key, graph=None, export_scope=None, exclude_nodes=None, override_contents=None
):
    """Mirrors TF's `meta_graph.add_collection_def`: stores collection `key` of `graph` (or
    `override_contents`) in `meta_graph_def.collection_def`.

    A collection that cannot be serialized is skipped with a logged warning, as in TF.
    """
    if graph is not None and not isinstance(graph, graph_lib.Graph):
        raise TypeError(f"graph must be of type Graph. Received type: {type(graph)}.")
    if not isinstance(key, (str, bytes)):
        _logger.warning(
            "Only collections with string type keys will be serialized. This key has %s",
            type(key),
        )
        return
    graph = graph or graph_lib.get_default_graph()
    items = override_contents if override_contents else graph.get_collection(key)
    items = [x for x in items if _should_include_node(x, export_scope, exclude_nodes)]
    if not items:
        return
    try:
        _fill_collection_def(meta_graph_def.collection_def[key], key, items, export_scope)
    except (TypeError, ValueError, AttributeError, UnicodeError) as error:
        _logger.warning(
            "Issue encountered when serializing %s.\nType is unsupported, or the types of the "
            "items don't match field type in CollectionDef. Note this is a warning and "
            "probably safe to ignore.\n%s",
            key,
            error,
        )
        del meta_graph_def.collection_def[key]


def _fill_collection_def(collection_def, key, items, export_scope):
    to_proto = proto_functions.get_to_proto_function(key)
    if to_proto is not None:
        proto_type = proto_functions.get_collection_proto_type(key)
        for item in items:
            proto = to_proto(item, export_scope=export_scope)
            if proto is None:
                continue
            if proto_type is not None and not isinstance(proto, proto_type):
                raise TypeError(f"{key}: expected a {proto_type.__name__}, got {type(proto)}.")
            collection_def.bytes_list.value.append(proto.SerializeToString())
        return
    kind = _get_kind_name(items[0])
    if kind == "node_list":
        collection_def.node_list.value.extend(
            strip_name_scope(x.name, export_scope)
            for x in items
            if not export_scope or x.name.startswith(export_scope)
        )
    elif kind == "bytes_list":
        collection_def.bytes_list.value.extend(
            x if isinstance(x, bytes) else x.encode("utf-8") for x in items
        )
    else:
        getattr(collection_def, kind).value.extend(items)


# ---------------------------------------------------------------------- MetaGraphDef


def create_meta_graph_def(
    meta_info_def=None,
    graph_def=None,
    saver_def=None,
    collection_list=None,
    graph=None,
    export_scope=None,
    exclude_nodes=None,
    clear_extraneous_savers=False,
    strip_default_attrs=False,
):
    """Mirrors TF's `meta_graph.create_meta_graph_def`.

    Args:
      meta_info_def: a MetaInfoDef to start from (tags, any_info...).
      graph_def: the GraphDef to store; by default `graph`'s, with `_output_shapes`.
      saver_def: the SaverDef to store.
      collection_list: the collection keys to store (default: all string keys).
      graph: the Graph whose collections are stored (default: the default graph).
      export_scope: name scope stripped from collection items (others are left out).
      exclude_nodes: nodes (or names) left out of every collection.
      clear_extraneous_savers: keep only `saver_def` in the `savers` collection.
      strip_default_attrs: remove attrs equal to their OpDef default.

    Returns:
      A MetaGraphDef.

    Raises:
      TypeError: an argument is not of its proto type.
    """
    _check_proto_arguments(graph, meta_info_def, graph_def, saver_def)
    graph = graph or graph_lib.get_default_graph()
    meta_graph_def = meta_graph_pb2.MetaGraphDef()
    info = meta_info_def or meta_graph_pb2.MetaGraphDef.MetaInfoDef()
    info.tensorflow_version = TENSORFLOW_VERSION
    info.tensorflow_git_version = _git_version()
    meta_graph_def.meta_info_def.MergeFrom(info)
    if graph_def:
        meta_graph_def.graph_def.MergeFrom(graph_def)
    else:
        meta_graph_def.graph_def.MergeFrom(graph.as_graph_def(add_shapes=True))
    if not meta_graph_def.meta_info_def.stripped_op_list.op:
        meta_graph_def.meta_info_def.stripped_op_list.MergeFrom(
            stripped_op_list_for_graph(meta_graph_def.graph_def)
        )
    if strip_default_attrs:
        strip_graph_default_valued_attrs(meta_graph_def)
    if saver_def:
        meta_graph_def.saver_def.MergeFrom(saver_def)
    keys = collection_list if collection_list is not None else _string_keys(graph)
    for key in keys:
        override = None
        if clear_extraneous_savers and key == GraphKeys.SAVERS:
            from_proto = proto_functions.get_from_proto_function(key)
            if saver_def is None or from_proto is None:
                continue  # every saver is extraneous
            override = [from_proto(saver_def)]
        add_collection_def(
            meta_graph_def,
            key,
            graph=graph,
            export_scope=export_scope,
            exclude_nodes=exclude_nodes,
            override_contents=override,
        )
    return meta_graph_def


def _git_version() -> str:
    """Free text in TF (its `git describe`); ndflow names itself and its version there."""
    return f"ndflow-{versions.NDFLOW_VERSION}"


def _check_proto_arguments(graph, meta_info_def, graph_def, saver_def):
    if graph and not isinstance(graph, graph_lib.Graph):
        raise TypeError(f"graph must be of type Graph. Received type: {type(graph)}.")
    if meta_info_def and not isinstance(meta_info_def, meta_graph_pb2.MetaGraphDef.MetaInfoDef):
        raise TypeError(
            f"meta_info_def must be of type MetaInfoDef. Received type: {type(meta_info_def)}."
        )
    if graph_def and not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError(f"graph_def must be of type GraphDef. Received type: {type(graph_def)}.")
    if saver_def and not isinstance(saver_def, saver_pb2.SaverDef):
        raise TypeError(f"saver_def must be of type SaverDef. Received type: {type(saver_def)}.")


def _string_keys(graph) -> list:
    # TF's Graph.get_all_collection_keys: only string keys are collections to serialize.
    return [key for key in graph.get_all_collection_keys() if isinstance(key, str)]


def read_meta_graph_file(filename):
    """Mirrors TF's `meta_graph.read_meta_graph_file`: a MetaGraphDef from a binary or text
    file.

    Raises:
      IOError: the file does not exist or parses as neither.
    """
    if not os.path.isfile(filename):
        raise OSError(f"File does not exist. Received: {filename}.")
    with open(filename, "rb") as handle:
        content = handle.read()
    binary = meta_graph_pb2.MetaGraphDef()
    try:
        binary.ParseFromString(content)
    except message.DecodeError:
        binary = None
    # Text can happen to parse as wire format; that gives a message with no known fields.
    if binary is not None and binary.ListFields():
        return binary
    meta_graph_def = meta_graph_pb2.MetaGraphDef()
    try:
        text_format.Merge(content.decode("utf-8"), meta_graph_def)
    except (text_format.ParseError, UnicodeDecodeError) as error:
        if binary is not None:
            return binary
        raise OSError(f"Cannot parse file {filename}: {error}.") from None
    return meta_graph_def


# ---------------------------------------------------------------------- import


def import_scoped_meta_graph(
    meta_graph_or_file,
    clear_devices=False,
    graph=None,
    import_scope=None,
    input_map=None,
    unbound_inputs_col_name="unbound_inputs",
    restore_collections_predicate=(lambda key: True),
):
    """Mirrors TF's `meta_graph.import_scoped_meta_graph`: imports the graph and its
    collections; returns {name without import scope: Variable} of its global variables."""
    return import_scoped_meta_graph_with_return_elements(
        meta_graph_or_file,
        clear_devices,
        graph,
        import_scope,
        input_map,
        unbound_inputs_col_name,
        restore_collections_predicate,
    )[0]


def import_scoped_meta_graph_with_return_elements(
    meta_graph_or_file,
    clear_devices=False,
    graph=None,
    import_scope=None,
    input_map=None,
    unbound_inputs_col_name="unbound_inputs",
    restore_collections_predicate=(lambda key: True),
    return_elements=None,
):
    """Mirrors TF's `meta_graph.import_scoped_meta_graph_with_return_elements`.

    Args:
      meta_graph_or_file: a MetaGraphDef, or the path of a file holding one.
      clear_devices: drop the nodes' device placements.
      graph: the Graph to import into (default: the default graph).
      import_scope: name scope to import into; collection items get it too.
      input_map: {"name:index": Tensor} substitutions, required for unbound inputs.
      unbound_inputs_col_name: the collection listing unbound inputs.
      restore_collections_predicate: collections for which it is False are not restored.
      return_elements: op or tensor names to return.

    Returns:
      ({name: Variable} of the imported global variables, the return elements).

    Raises:
      ValueError: the graph has unbound inputs that `input_map` does not provide.
    """
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        meta_graph_def = meta_graph_or_file
    else:
        meta_graph_def = read_meta_graph_file(meta_graph_or_file)
    _check_unbound_inputs(meta_graph_def, unbound_inputs_col_name, input_map)
    graph = graph or graph_lib.get_default_graph()
    with graph.as_default():
        graph_def = meta_graph_def.graph_def
        if clear_devices:
            graph_def = graph_pb2.GraphDef()
            graph_def.CopyFrom(meta_graph_def.graph_def)
            for node in graph_def.node:
                node.device = ""
        scope = graph.unique_name(import_scope or "", mark_as_used=False)
        returned = graph_def_lib.import_graph_def(
            graph_def,
            name=import_scope or scope,
            input_map=input_map,
            return_elements=return_elements,
        )
        trainable_recorded = _version_at_least(
            meta_graph_def.meta_info_def.tensorflow_version, (1, 9)
        )
        variables: dict = {}
        for key, collection_def in _collections_in_restore_order(meta_graph_def):
            if key == unbound_inputs_col_name or not restore_collections_predicate(key):
                continue
            _restore_collection(graph, key, collection_def, scope, variables, trainable_recorded)
        var_list = {
            strip_name_scope(v.name, scope): v
            for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=scope)
        }
    return var_list, returned


def _check_unbound_inputs(meta_graph_def, col_name, input_map):
    if not col_name or col_name not in meta_graph_def.collection_def:
        return
    collection_def = meta_graph_def.collection_def[col_name]
    kind = collection_def.WhichOneof("kind")
    if kind is None:
        return
    values = [_as_str(v) for v in getattr(collection_def, kind).value]
    if values and (not input_map or sorted(values) != sorted(input_map)):
        missing = [v for v in values if not input_map or v not in input_map]
        raise ValueError(
            f"Graph contains unbound inputs: {','.join(missing)}. Must provide these inputs "
            "through input_map."
        )


def _version_at_least(version: str, minimum: tuple) -> bool:
    """Whether TF version text such as "1.8.0" is at least `minimum`; an empty (unknown)
    version counts as new, as in TF."""
    match = re.match(r"(\d+)\.(\d+)", version or "")
    if match is None:
        return True
    return (int(match.group(1)), int(match.group(2))) >= minimum


def _collections_in_restore_order(meta_graph_def):
    """TRAINABLE_VARIABLES first (so trainability can be inferred for old exports), then
    the others sorted by key."""
    collections = meta_graph_def.collection_def
    ordered = []
    if GraphKeys.TRAINABLE_VARIABLES in collections:
        ordered.append((GraphKeys.TRAINABLE_VARIABLES, collections[GraphKeys.TRAINABLE_VARIABLES]))
    for key in sorted(collections):
        if key != GraphKeys.TRAINABLE_VARIABLES:
            ordered.append((key, collections[key]))
    return ordered


def _restore_collection(graph, key, collection_def, scope, variables, trainable_recorded):
    kind = collection_def.WhichOneof("kind")
    if kind is None:
        _logger.error("Cannot identify data type for collection %s. Skipping.", key)
        return
    if key in _CONTROL_FLOW_CONTEXTS:
        _logger.warning(
            "Collection %s holds legacy control-flow contexts; ndflow's control flow is "
            "functional (If/While ops), so it is not restored.",
            key,
        )
        return
    # As TF: metric variables are VariableDefs like global variables.
    proto_key = GraphKeys.GLOBAL_VARIABLES if key == GraphKeys.METRIC_VARIABLES else key
    from_proto = proto_functions.get_from_proto_function(proto_key)
    if from_proto is not None and kind == "bytes_list":
        proto_type = proto_functions.get_collection_proto_type(proto_key)
        for value in collection_def.bytes_list.value:
            if key in GraphKeys._VARIABLE_COLLECTIONS:
                item = _restored_variable(
                    value, key, proto_type, from_proto, scope, variables, trainable_recorded
                )
            else:
                item = from_proto(proto_type.FromString(value), import_scope=scope)
            graph.add_to_collection(key, item)
        return
    if key in _COMPAT_COLLECTION_LIST:
        _logger.warning(
            "The saved meta_graph is possibly from an older release:\n'%s' collection should "
            "be of type 'byte_list', but instead is of type '%s'.",
            key,
            kind,
        )
    _restore_plain_collection(graph, key, kind, getattr(collection_def, kind).value, scope)


def _restored_variable(value, key, proto_type, from_proto, scope, variables, trainable_recorded):
    """One Variable per VariableDef, shared by every collection listing it."""
    found = variables.get(value)
    if found is not None:
        return found
    proto = proto_type.FromString(value)
    if not trainable_recorded:
        # Exports before TF 1.9 have no VariableDef.trainable: a variable is trainable when
        # listed in TRAINABLE_VARIABLES, which is restored first.
        proto.trainable = key == GraphKeys.TRAINABLE_VARIABLES
    variables[value] = from_proto(proto, import_scope=scope)
    return variables[value]


def _restore_plain_collection(graph, key, kind, values, scope):
    if kind == "node_list":
        for value in values:
            graph.add_to_collection(key, graph.as_graph_element(prepend_name_scope(value, scope)))
        return
    if kind == "int64_list":
        for value in values:
            graph.add_to_collection(key, int(value))
        return
    for value in values:
        graph.add_to_collection(key, _scoped_value(value, scope))


def _scoped_value(value, scope):
    """TF prefixes the import scope to bytes_list strings; values that are not text (floats,
    Any protos, binary bytes) are kept as they are."""
    if not scope or not isinstance(value, (str, bytes)):
        return value
    try:
        return prepend_name_scope(value, scope)
    except UnicodeDecodeError:
        return value


def _as_str(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


# ---------------------------------------------------------------------- export


def export_scoped_meta_graph(
    filename=None,
    graph_def=None,
    graph=None,
    export_scope=None,
    as_text=False,
    unbound_inputs_col_name="unbound_inputs",
    clear_devices=False,
    saver_def=None,
    clear_extraneous_savers=False,
    strip_default_attrs=False,
    save_debug_info=False,
    **kwargs,
):
    """Mirrors TF's `meta_graph.export_scoped_meta_graph`.

    Args:
      filename: where to write the MetaGraphDef (optional).
      graph_def: the GraphDef to export (default: `graph`'s).
      graph: the Graph to export (default: the default graph).
      export_scope: export only the nodes under this name scope, with it stripped; inputs
        from outside become "$unbound_inputs_<name>" and are listed in the
        `unbound_inputs_col_name` collection of `graph`.
      as_text: write the file as a text proto.
      clear_devices: drop device placements.
      saver_def: the SaverDef to store.
      clear_extraneous_savers: drop Save/Restore ops and SaverDefs of other savers.
      strip_default_attrs: remove attrs equal to their OpDef default.
      save_debug_info: also write "<filename without extension>.debug", a GraphDebugInfo.
      **kwargs: `meta_info_def` and `collection_list`, passed to `create_meta_graph_def`.

    Returns:
      (the MetaGraphDef, {name without export scope: Variable} of the exported variables).

    Raises:
      ValueError: the GraphDef is larger than 2GB.
    """
    graph = graph or graph_lib.get_default_graph()
    exclude_nodes = None
    if export_scope or clear_extraneous_savers or clear_devices:
        source = graph_def if graph_def else graph.as_graph_def(add_shapes=True)
        if clear_extraneous_savers:
            exclude_nodes = _find_extraneous_saver_nodes(source, saver_def)
        unbound_inputs: list = []
        graph_def = _scoped_graph_def(
            source, export_scope, exclude_nodes, unbound_inputs, clear_devices
        )
        if unbound_inputs_col_name:
            graph.clear_collection(unbound_inputs_col_name)
            for name in unbound_inputs:
                graph.add_to_collection(unbound_inputs_col_name, name)
    var_list = {
        strip_name_scope(v.name, export_scope): v
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=export_scope)
        if _should_include_node(v, export_scope, exclude_nodes)
    }
    meta_graph_def = create_meta_graph_def(
        graph_def=graph_def,
        graph=graph,
        export_scope=export_scope,
        exclude_nodes=exclude_nodes,
        clear_extraneous_savers=clear_extraneous_savers,
        saver_def=saver_def,
        strip_default_attrs=strip_default_attrs,
        **kwargs,
    )
    if filename:
        directory, name = os.path.split(filename)
        graph_def_lib.write_graph(meta_graph_def, directory, name, as_text=as_text)
        if save_debug_info:
            write_debug_info(meta_graph_def, filename, as_text=as_text)
    return meta_graph_def, var_list


def _scoped_graph_def(source, export_scope, exclude_nodes, unbound_inputs, clear_devices):
    """The nodes of `source` to export, rewritten for `export_scope`."""
    graph_def = graph_pb2.GraphDef()
    graph_def.versions.CopyFrom(source.versions)
    graph_def.library.CopyFrom(source.library)
    size = 0
    for node in source.node:
        if not _should_include_node(node.name, export_scope, exclude_nodes):
            continue
        graph_def.node.add().CopyFrom(
            _node_def(node, export_scope, unbound_inputs, clear_devices=clear_devices)
        )
        size += node.ByteSize()
        if size >= (1 << 31):
            raise ValueError(f"GraphDef cannot be larger than 2GB. Received size: {size}.")
    return graph_def


def _node_def(from_node_def, export_scope, unbound_inputs, clear_devices=False):
    """A copy of a NodeDef with `export_scope` stripped from its names; inputs from outside
    the scope are renamed "$unbound_inputs_<name>" and recorded in `unbound_inputs`."""
    node_def = type(from_node_def)()
    node_def.CopyFrom(from_node_def)
    for i, text in enumerate(from_node_def.input):
        if export_scope and not text.lstrip("^").startswith(export_scope):
            node_def.input[i] = re.sub(r"([\^]|^)(.*)", r"\1" + _UNBOUND_INPUT_PREFIX + r"\2", text)
            unbound_inputs.append(node_def.input[i])
            continue
        node_def.input[i] = strip_name_scope(text, export_scope)
    node_def.name = strip_name_scope(from_node_def.name, export_scope)
    if "_class" in from_node_def.attr:
        entries = [entry.decode("utf-8") for entry in from_node_def.attr["_class"].list.s]
        kept = [
            strip_name_scope(entry, export_scope).encode("utf-8")
            for entry in entries
            if not export_scope or entry.split("@")[1].startswith(export_scope)
        ]
        del node_def.attr["_class"].list.s[:]
        node_def.attr["_class"].list.s.extend(kept)
    if node_def.op in ("Enter", "RefEnter") and export_scope:
        frame = node_def.attr["frame_name"].s.decode("utf-8")
        if frame.startswith(export_scope):
            node_def.attr["frame_name"].s = strip_name_scope(frame, export_scope).encode("utf-8")
    if clear_devices:
        node_def.device = ""
    return node_def


def _get_scope(node_name: str) -> str:
    """The deepest name scope holding a node ("" at the root)."""
    if not node_name:
        raise ValueError(f"Node name cannot be empty or None. Received: {node_name}.")
    node_name = node_name[1:] if node_name.startswith("^") else node_name
    return node_name.rsplit("/", 1)[0] if "/" in node_name else ""


def _find_extraneous_saver_nodes(graph_def, saver_def) -> set:
    """Names of the nodes in the name scopes of Savers other than `saver_def`'s (TF assumes
    each Saver lives in its own scope)."""
    kept_scopes = set()
    if saver_def is not None:
        kept_scopes.add(_get_scope(_op_name(saver_def.restore_op_name)) + "/")
        kept_scopes.add(_get_scope(_op_name(saver_def.save_tensor_name)) + "/")
    saver_nodes = {node.name for node in graph_def.node if node.op in SAVE_AND_RESTORE_OPS}
    saver_scopes = {_get_scope(name) for name in saver_nodes} - saver_nodes
    extraneous = {scope + "/" for scope in saver_scopes} - kept_scopes
    return {
        node.name
        for node in graph_def.node
        if any(node.name.startswith(scope) for scope in extraneous)
    }


def _op_name(tensor_name: str) -> str:
    """TF's `tensor.get_op_name`: "a:0" -> "a", "^a" -> "a"."""
    name = tensor_name[1:] if tensor_name.startswith("^") else tensor_name
    return name.split(":")[0]


def write_debug_info(meta_graph_def, filename, as_text=False) -> str:
    """Writes the GraphDebugInfo TF saves next to a MetaGraph with `save_debug_info`:
    "<filename without extension>.debug". Returns its path.

    ndflow records no Python stack traces for ops, so every node gets an empty trace.
    """
    info = graph_debug_info_pb2.GraphDebugInfo()
    for node in meta_graph_def.graph_def.node:
        info.traces[node.name].SetInParent()
    directory, name = os.path.split(filename)
    debug_name = os.path.splitext(name)[0] + ".debug"
    return graph_def_lib.write_graph(info, directory, debug_name, as_text=as_text)


def copy_scoped_meta_graph(from_scope, to_scope, from_graph=None, to_graph=None):
    """Mirrors TF's `meta_graph.copy_scoped_meta_graph`: copies the subgraph under
    `from_scope` to `to_scope`; returns {name: Variable} of the copied variables."""
    from_graph = from_graph or graph_lib.get_default_graph()
    to_graph = to_graph or graph_lib.get_default_graph()
    if from_graph is to_graph and from_scope == to_scope:
        raise ValueError(
            "'from_scope' and 'to_scope' need to be different when performing copy in the "
            f"same graph. Received: 'from_graph': {from_graph}, 'to_graph': {to_graph}, "
            f"'from_scope': {from_scope}, 'to_scope': {to_scope}."
        )
    meta_graph_def, _ = export_scoped_meta_graph(export_scope=from_scope, graph=from_graph)
    return import_scoped_meta_graph(meta_graph_def, graph=to_graph, import_scope=to_scope)
