"""TF1's `tf.data.Iterator` in graph mode: initializable, one-shot, reinitializable
(`from_structure`) and feedable (`from_string_handle`) iterators over IteratorV2 /
OneShotIterator resources, with `get_next()` an IteratorGetNext op."""

from __future__ import annotations

from ndflow.data import structure
from ndflow.framework import errors
from ndflow.framework import function as function_lib
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder

apply_op = op_builder.apply_op
create_op = op_builder.create_op


class Iterator(structure.ElementSpecProperties):
    """Mirrors TF1's `tf.data.Iterator`.

    >>> iterator = dataset.make_initializable_iterator()
    >>> sess.run(iterator.initializer); sess.run(iterator.get_next())
    """

    def __init__(
        self,
        iterator_resource,
        initializer,
        output_types,
        output_shapes,
        output_classes,
        element_spec=None,
    ):
        self._resource = iterator_resource
        self._initializer = initializer
        self._element_spec = (
            element_spec
            if element_spec is not None
            else structure.spec_from_types_shapes(output_types, output_shapes, output_classes)
        )
        self._string_handle = None

    # -- constructors ----------------------------------------------------------------

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """Mirrors `Iterator.from_structure`: a reinitializable iterator."""
        spec = structure.spec_from_types_shapes(output_types, output_shapes, output_classes)
        resource = apply_op(
            "IteratorV2",
            shared_name=shared_name or "",
            container="",
            output_types=structure.flat_types(spec),
            output_shapes=structure.flat_shapes(spec),
        )
        return Iterator(resource, None, None, None, None, spec)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """Mirrors `Iterator.from_string_handle`: a feedable iterator."""
        spec = structure.spec_from_types_shapes(output_types, output_shapes, output_classes)
        handle = op_builder.convert_to_tensor(string_handle)
        resource = apply_op(
            "IteratorFromStringHandleV2",
            handle,
            output_types=structure.flat_types(spec),
            output_shapes=structure.flat_shapes(spec),
        )
        return Iterator(resource, None, None, None, None, spec)

    # -- properties --------------------------------------------------------------------

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    # -- ops ---------------------------------------------------------------------------

    def make_initializer(self, dataset, name=None):
        """Mirrors `Iterator.make_initializer`: an op (re)starting this iterator on
        `dataset`, whose structure must match."""
        _check_compatible(self._element_spec, dataset.element_spec)
        with graph_lib.name_scope(name, "make_initializer") as scope:
            return create_op("MakeIterator", dataset._variant_tensor, self._resource, name=scope)

    def get_next(self, name=None):
        """Mirrors `Iterator.get_next`: the next element's tensors (OutOfRangeError at the
        end, when run)."""
        components = apply_op(
            "IteratorGetNext",
            self._resource,
            output_types=structure.flat_types(self._element_spec),
            output_shapes=structure.flat_shapes(self._element_spec),
            name=name or "IteratorGetNext",
        )
        if not isinstance(components, list):
            components = [components]
        return structure.from_tensor_list(self._element_spec, components)

    def string_handle(self, name=None):
        """Mirrors `Iterator.string_handle`."""
        if name is None and self._string_handle is not None:
            return self._string_handle
        handle = apply_op("IteratorToStringHandle", self._resource, name=name)
        if name is None:
            self._string_handle = handle
        return handle


class Optional:
    """Mirrors `tf.experimental.Optional`: a value that may be missing (an Optional variant).

    >>> optional = tf.data.experimental.get_next_as_optional(iterator)
    >>> value = tf.cond(optional.has_value(), optional.get_value, lambda: default)
    """

    def __init__(self, variant, element_spec):
        self._variant_tensor = variant
        self._element_spec = element_spec

    @property
    def element_spec(self):
        return self._element_spec

    def has_value(self, name=None):
        """A bool scalar: whether the value is present."""
        return apply_op("OptionalHasValue", self._variant_tensor, name=name)

    def get_value(self, name=None):
        """The value (InvalidArgumentError when run on an empty Optional)."""
        components = apply_op(
            "OptionalGetValue",
            self._variant_tensor,
            output_types=structure.flat_types(self._element_spec),
            output_shapes=structure.flat_shapes(self._element_spec),
            name=name,
        )
        if not isinstance(components, list):
            components = [components]
        return structure.from_tensor_list(self._element_spec, components)


def get_next_as_optional(iterator):
    """Mirrors `tf.data.experimental.get_next_as_optional`: the next element as an
    Optional, empty at the end of the sequence instead of an OutOfRangeError."""
    spec = iterator.element_spec
    variant = apply_op(
        "IteratorGetNextAsOptional",
        iterator._resource,
        output_types=structure.flat_types(spec),
        output_shapes=structure.flat_shapes(spec),
    )
    return Optional(variant, spec)


def _check_compatible(expected, actual):
    from_types = structure.types(expected)
    try:
        structure.assert_same_structure(expected, actual)
    except (ValueError, TypeError):
        raise TypeError(
            f"Expected output types {from_types} but got dataset with output "
            f"types {structure.types(actual)}."
        ) from None
    for want, have in zip(structure.flatten(expected), structure.flatten(actual)):
        if want.dtype != have.dtype:
            raise TypeError(
                f"Expected output types {from_types} but got dataset with output "
                f"types {structure.types(actual)}."
            )
        if not want.shape.is_compatible_with(have.shape):
            raise TypeError(
                f"Expected output shapes compatible with "
                f"{structure.shapes(expected)} but got dataset with output shapes "
                f"{structure.shapes(actual)}."
            )


def make_initializable(dataset, shared_name=None):
    """Mirrors `Dataset.make_initializable_iterator`."""
    spec = dataset.element_spec
    resource = apply_op(
        "IteratorV2",
        shared_name=shared_name or "",
        container="",
        output_types=structure.flat_types(spec),
        output_shapes=structure.flat_shapes(spec),
        name="IteratorV2",
    )
    initializer = create_op("MakeIterator", dataset._variant_tensor, resource, name="MakeIterator")
    return Iterator(resource, initializer, None, None, None, spec)


def make_one_shot(dataset):
    """Mirrors `Dataset.make_one_shot_iterator`: the dataset's ops are copied by value into a
    factory function (so it may not capture placeholders), run once on first use."""
    spec = dataset.element_spec
    graph = graph_lib.get_default_graph()
    name = function_lib.unique_fn_name("", "_make_dataset")
    factory = function_lib.FuncGraph(name, graph)
    factory.outputs.append(_copy_by_value(factory, dataset._variant_tensor, {}))
    defined = function_lib.add_to_graph(factory, graph)
    resource = apply_op(
        "OneShotIterator",
        dataset_factory=function_lib.func_attr(defined),
        output_types=structure.flat_types(spec),
        output_shapes=structure.flat_shapes(spec),
        container="",
        shared_name="",
        name="OneShotIterator",
    )
    return Iterator(resource, None, None, None, None, spec)


_NOT_BY_VALUE = frozenset({"Placeholder", "PlaceholderWithDefault", "VariableV2", "VarHandleOp"})


def _copy_by_value(func_graph, tensor, copied: dict):
    """The copy, inside `func_graph`, of `tensor` and everything it depends on."""
    op = tensor.op
    found = copied.get(id(op))
    if found is None:
        found = _copy_op(func_graph, op, copied)
        copied[id(op)] = found
    return found.outputs[tensor.value_index]


def _copy_op(func_graph, op, copied):
    if op.type in _NOT_BY_VALUE:
        raise ValueError(
            f"Cannot capture a placeholder (name:{op.name}, type:{op.type}) by "
            "value. Use make_initializable_iterator() for datasets that depend "
            "on placeholders or variables."
        )
    inputs = [_copy_by_value(func_graph, t, copied) for t in op.inputs]
    controls = []
    for control in op.control_inputs:
        if id(control) not in copied:
            copied[id(control)] = _copy_op(func_graph, control, copied)
        controls.append(copied[id(control)])
    with func_graph.as_default():
        return func_graph._create_op_internal(
            op.op_def, inputs, dict(op.attrs), op.name + "/", control_inputs=controls
        )


def end_of_sequence_error(node=None) -> errors.OutOfRangeError:
    return errors.OutOfRangeError(None, node, "End of sequence")
