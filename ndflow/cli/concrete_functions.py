"""The "Concrete Functions" section of `saved_model_cli show --all` for TF2 SavedModels.

TensorFlow loads the model with its TF2 loader and lists the root object's functions; ndflow
reads the same facts from the SavedObjectGraph proto (function names, and each concrete
function's canonicalized input signature, a StructuredValue), without loading anything.
"""

from __future__ import annotations

from ndflow.framework import dtypes


class _Spec:
    """A TensorSpec as TF2 prints it: TensorSpec(shape=(None, 3), dtype=tf.float32, name='x')."""

    def __init__(self, proto):
        self.name = proto.name or None
        shape = proto.shape
        if shape.unknown_rank:
            self.shape = "<unknown>"
        else:
            dims = ["None" if dim.size < 0 else str(dim.size) for dim in shape.dim]
            self.shape = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
        self.dtype = dtypes.as_dtype(proto.dtype).name

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype}, name={self.name!r})"


def _decode(value):
    """A StructuredValue as the Python value TF's nested_structure_coder would rebuild."""
    kind = value.WhichOneof("kind")
    if kind in (None, "none_value"):
        return None
    if kind in ("float64_value", "int64_value", "string_value", "bool_value"):
        return getattr(value, kind)
    if kind in ("tensor_spec_value", "bounded_tensor_spec_value"):
        return _Spec(getattr(value, kind))
    if kind == "list_value":
        return [_decode(item) for item in value.list_value.values]
    if kind == "tuple_value":
        return tuple(_decode(item) for item in value.tuple_value.values)
    if kind == "dict_value":
        return {key: _decode(item) for key, item in value.dict_value.fields.items()}
    if kind == "named_tuple_value":
        return tuple(_decode(pair.value) for pair in value.named_tuple_value.values)
    return f"<{kind}>"


def _quoted(value) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _print_args(arguments, argument_type: str = "Argument", indent: int = 0) -> None:
    """TF's saved_model_cli._print_args, line for line."""
    prefix = "  " * indent
    for index, element in enumerate(arguments, 1):
        if indent == 4:
            print(f"{prefix}{argument_type} #{index}")
        if isinstance(element, str):
            print(f"{prefix}  {element}")
        elif isinstance(element, _Spec):
            print("  " * (indent + 1) + f"{element.name}: {element!r}")
        elif isinstance(element, (list, tuple)):
            print(f"{prefix}  DType: {type(element).__name__}")
            print(f"{prefix}  Value: [" + "".join(f"{_quoted(v)}, " for v in element) + "\b\b]")
        elif isinstance(element, dict):
            items = "".join(f"'{k}': {_quoted(v)}, " for k, v in element.items())
            print(f"{prefix}  DType: {type(element).__name__}")
            print(f"{prefix}  Value: {{" + items + "\b\b}")
        else:
            print(f"{prefix}  DType: {type(element).__name__}")
            print(f"{prefix}  Value: {element}")


def _root_functions(object_graph):
    """(name, [concrete function names]) of the root object's function children."""
    for child in sorted(object_graph.nodes[0].children, key=lambda c: c.local_name):
        node = object_graph.nodes[child.node_id]
        kind = node.WhichOneof("kind")
        if kind == "function":
            yield child.local_name, sorted(node.function.concrete_functions), None
        elif kind == "bare_concrete_function":
            bare = node.bare_concrete_function
            yield child.local_name, [bare.concrete_function_name], list(bare.argument_keywords)


def show_defined_functions(meta_graphs) -> None:
    """Prints TF's "Concrete Functions" listing when a MetaGraphDef has an object graph."""
    graphs = [m.object_graph_def for m in meta_graphs if m.HasField("object_graph_def")]
    if not graphs:
        return
    object_graph = graphs[0]
    print("\nConcrete Functions:", end="")
    for name, concrete_names, keywords in _root_functions(object_graph):
        print(f"\n  Function Name: '{name}'")
        for index, concrete_name in enumerate(concrete_names, 1):
            args, kwargs = None, None
            concrete = object_graph.concrete_functions.get(concrete_name)
            if concrete is not None and concrete.HasField("canonicalized_input_signature"):
                args, kwargs = _decode(concrete.canonicalized_input_signature)
            elif keywords:
                args = keywords
            if args:
                print(f"    Option #{index}")
                print("      Callable with:")
                _print_args(args, indent=4)
            if kwargs:
                _print_args(kwargs, "Named Argument", indent=4)
