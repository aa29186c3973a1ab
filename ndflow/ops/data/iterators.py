"""Iterator ops: IteratorV2, MakeIterator, IteratorGetNext, OneShotIterator, string handles
(IteratorToStringHandle, IteratorFromStringHandleV2), IteratorGetNextAsOptional and
DatasetToSingleElement. An iterator is a Session resource holding a RuntimeIterator."""

from __future__ import annotations

import threading

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops.control_flow import list_ops
from ndflow.ops.data import runtime

register_op = registry.register_op
_KIND = "Iterator"
_HANDLE_KIND = "IteratorStringHandle"
_PREFIX = b"ndflow-iterator:"


class IteratorResource:
    """One iterator's place in a Session: the current RuntimeIterator, if initialized."""

    def __init__(self, key, output_types, output_shapes):
        self.key = key
        self.output_types = list(output_types)
        self.output_shapes = list(output_shapes)
        self.lock = threading.Lock()
        self.iterator = None
        self.one_shot_started = False

    def reset(self, dataset: runtime.DatasetValue) -> None:
        with self.lock:
            self._close_current()
            self.iterator = dataset.make_iterator()

    def get_next(self) -> list:
        with self.lock:
            if self.iterator is None:
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    "GetNext() failed because the iterator has not been "
                    "initialized. Ensure that you have run the initializer operation for this "
                    "iterator before getting the next element.",
                )
            try:
                return next(self.iterator)
            except StopIteration:
                raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def string_handle(self) -> bytes:
        container, name = self.key
        return _PREFIX + f"{container}/{name}".encode()

    def _close_current(self):
        if self.iterator is not None:
            self.iterator.close()

    def close(self) -> None:
        self._close_current()
        self.iterator = None


def _resource(ctx, container, shared_name, output_types, output_shapes):
    key = (container, shared_name or ctx.node_name)
    resource = ctx.resources.lookup_or_create(
        _KIND, key[0], key[1], lambda: IteratorResource(key, output_types, output_shapes)
    )
    ctx.resources.put(_HANDLE_KIND, "", resource.string_handle().decode("utf-8"), resource)
    return resource


def _resource_shape(op):
    return [tensor_shape.scalar()]


def _iterator_kernel(ctx, shared_name, container, output_types, output_shapes):
    return _resource(ctx, container, shared_name, output_types, output_shapes)


register_op(
    "IteratorV2",
    outputs=["handle: resource"],
    attrs=[
        "shared_name: string",
        "container: string",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
    ],
    shape=_resource_shape,
    kernel=_iterator_kernel,
    stateful=True,
)


def _make_iterator_kernel(ctx, dataset, iterator):
    iterator.reset(runtime.dataset_of(dataset))


register_op(
    "MakeIterator",
    inputs=["dataset: variant", "iterator: resource"],
    shape=lambda op: [],
    kernel=_make_iterator_kernel,
    stateful=True,
)


def _get_next_shape(op):
    return list(op.attrs["output_shapes"])


def _get_next_kernel(ctx, iterator):
    return iterator.get_next()


_NEXT_ATTRS = ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"]

register_op(
    "IteratorGetNext",
    inputs=["iterator: resource"],
    outputs=["components: output_types"],
    attrs=_NEXT_ATTRS,
    shape=_get_next_shape,
    kernel=_get_next_kernel,
    stateful=True,
)


def _get_next_as_optional_kernel(ctx, iterator):
    try:
        return list_ops.OptionalValue(tuple(iterator.get_next()))
    except errors.OutOfRangeError:
        return list_ops.OptionalValue(None)


register_op(
    "IteratorGetNextAsOptional",
    inputs=["iterator: resource"],
    outputs=["optional: variant"],
    attrs=_NEXT_ATTRS,
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_get_next_as_optional_kernel,
    stateful=True,
)


def _one_shot_kernel(ctx, dataset_factory, output_types, output_shapes, container, shared_name):
    resource = _resource(ctx, container, shared_name, output_types, output_shapes)
    with resource.lock:
        if resource.one_shot_started:
            return resource
        resource.one_shot_started = True
    dataset = ctx.call_function(dataset_factory, [])[0]
    resource.reset(runtime.dataset_of(dataset))
    return resource


register_op(
    "OneShotIterator",
    outputs=["handle: resource"],
    attrs=[
        "dataset_factory: func",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "container: string = ''",
        "shared_name: string = ''",
    ],
    shape=_resource_shape,
    kernel=_one_shot_kernel,
    stateful=True,
)


def _to_string_handle_kernel(ctx, resource_handle):
    return np.asarray(resource_handle.string_handle(), dtype=object)


register_op(
    "IteratorToStringHandle",
    inputs=["resource_handle: resource"],
    outputs=["string_handle: string"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_to_string_handle_kernel,
    stateful=True,
)


def _from_string_handle_kernel(ctx, string_handle, output_types, output_shapes):
    text = np.asarray(string_handle).item()
    key = text.decode("utf-8") if isinstance(text, bytes) else str(text)
    resource = (
        ctx.resources.get(_HANDLE_KIND, "", key) if key.startswith("ndflow-iterator:") else None
    )
    if resource is None:
        raise errors.InvalidArgumentError(
            None, None, f"Could not parse an iterator string handle: {key!r}"
        )
    _check_structure(resource, output_types, output_shapes)
    return resource


def _check_structure(resource, output_types, output_shapes):
    if output_types and list(output_types) != resource.output_types:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected iterator with types {_names(output_types)} but got an "
            f"iterator of types {_names(resource.output_types)}.",
        )
    for want, have in zip(output_shapes or [], resource.output_shapes):
        if not tensor_shape.as_shape(want).is_compatible_with(have):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected iterator with shapes {list(output_shapes)} but got an "
                f"iterator of shapes {resource.output_shapes}.",
            )


def _names(types):
    return "(" + ", ".join(t.name for t in types) + ")"


register_op(
    "IteratorFromStringHandleV2",
    inputs=["string_handle: string"],
    outputs=["resource_handle: resource"],
    attrs=["output_types: list(type) >= 0 = []", "output_shapes: list(shape) >= 0 = []"],
    shape=_resource_shape,
    kernel=_from_string_handle_kernel,
    stateful=True,
)


def _single_element_kernel(ctx, dataset, output_types, output_shapes):
    iterator = runtime.dataset_of(dataset).make_iterator()
    try:
        element = next(iterator)
    except StopIteration:
        raise errors.InvalidArgumentError(None, None, "Dataset was empty.") from None
    try:
        next(iterator)
    except StopIteration:
        return element
    finally:
        iterator.close()
    raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")


register_op(
    "DatasetToSingleElement",
    inputs=["dataset: variant"],
    outputs=["components: output_types"],
    attrs=_NEXT_ATTRS + ["metadata: string = ''"],
    shape=_get_next_shape,
    kernel=_single_element_kernel,
    stateful=True,
)


def _cardinality_kernel(ctx, input_dataset):
    return np.asarray(runtime.dataset_of(input_dataset).cardinality(), dtype=np.int64)


register_op(
    "DatasetCardinality",
    inputs=["input_dataset: variant"],
    outputs=["cardinality: int64"],
    attrs=["cardinality_options: string = ''"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_cardinality_kernel,
)

for _name in (
    "IteratorV2",
    "MakeIterator",
    "IteratorGetNext",
    "IteratorGetNextAsOptional",
    "OneShotIterator",
    "IteratorToStringHandle",
    "IteratorFromStringHandleV2",
    "DatasetToSingleElement",
    "DatasetCardinality",
):
    registry.not_differentiable(_name, "an iterator op")
