"""Tracing the user functions of map-like transformations into library functions.

As in TensorFlow, the function is called once, at `Dataset.map()` time, on placeholders
standing for one element; `tf.*` ops inside build the function's graph. A tuple element is
unpacked into positional arguments. Outer tensors the function uses become extra arguments
of the dataset op (`other_arguments`).
"""

from __future__ import annotations

from ndflow.data import structure
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_spec


class TracedFunction:
    """A traced dataset function: its library entry, output spec and captured inputs."""

    def __init__(self, function, output_spec, captured, output_structure):
        self.function = function
        self.output_spec = output_spec
        self.captured = captured
        self.output_structure = output_structure

    @property
    def attr(self):
        return function_lib.func_attr(self.function)


def _unpack(fn, element):
    # TF's rule: only an exact tuple is unpacked into arguments; dicts and namedtuples are
    # passed whole.
    if type(element) is tuple:
        return fn(*element)
    return fn(element)


def trace(fn, input_spec, name: str, wrapper=_unpack, normalize_output=True) -> TracedFunction:
    """Traces `fn` on placeholders for one element of `input_spec`."""
    graph = graph_lib.get_default_graph()
    fn_name = function_lib.unique_fn_name(
        "", f"__inference_Dataset_{name}_{getattr(fn, '__name__', 'fn')}"
    )
    fn_name = fn_name.replace("<", "").replace(">", "")
    specs = [
        (t, s, f"args_{i}")
        for i, (t, s) in enumerate(
            zip(structure.flat_types(input_spec), structure.flat_shapes(input_spec))
        )
    ]

    def body(*args):
        element = structure.from_tensor_list(input_spec, list(args))
        return wrapper(fn, element)

    func_graph, result = function_lib.trace(fn_name, body, specs, graph)
    with func_graph.as_default():
        output = structure.normalize_element(result) if normalize_output else result
        flat = structure.to_tensor_list(output)
        func_graph.outputs.extend(func_graph.capture(t) for t in flat)
    output_spec = structure.element_spec(output)
    defined = function_lib.add_to_graph(func_graph, graph)
    return TracedFunction(defined, output_spec, func_graph.external_captures, output)


def scalar_bool_spec(traced: TracedFunction) -> None:
    """Checks a predicate function returns one scalar bool (TF's filter error)."""
    flat = structure.flatten(traced.output_spec)
    if (
        len(flat) != 1
        or not isinstance(flat[0], tensor_spec.TensorSpec)
        or flat[0].dtype.name != "bool"
        or flat[0].shape.rank not in (None, 0)
    ):
        raise ValueError(
            f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
            f"tensor, but its return type is {traced.output_spec}."
        )


def convert(value, dtype=None, name=None):
    return op_builder.convert_to_tensor(value, dtype=dtype, name=name)
