"""TensorList ops (variant-valued lists) and Optionals: the accumulators and intermediates
that functional control-flow gradients pass between a forward op and its gradient.

A TensorList value is a persistent stack, so PushBack/PopBack are O(1) and never mutate
an input (a list may be read by several consumers).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

register_op = registry.register_op

_NO_REASON = "a TensorList/Optional bookkeeping op; ndflow does not differentiate it yet"


class TensorListValue:
    """The value of a TensorList variant: an immutable stack of arrays."""

    __slots__ = ("_node", "length", "element_dtype", "element_shape")

    def __init__(self, node, length, element_dtype, element_shape):
        self._node = node
        self.length = length
        self.element_dtype = element_dtype
        self.element_shape = element_shape

    @classmethod
    def from_items(cls, items, element_dtype, element_shape):
        node = None
        for item in items:
            node = (item, node)
        return cls(node, len(items), element_dtype, element_shape)

    def push(self, value) -> TensorListValue:
        return TensorListValue(
            (value, self._node), self.length + 1, self.element_dtype, self.element_shape
        )

    def pop(self):
        if self._node is None:
            raise errors.InvalidArgumentError(None, None, "Trying to pop from an empty list.")
        value, rest = self._node
        return TensorListValue(rest, self.length - 1, self.element_dtype, self.element_shape), value

    def items(self) -> list:
        out, node = [], self._node
        while node is not None:
            out.append(node[0])
            node = node[1]
        out.reverse()
        return out


def _element_shape_from(value):
    """A (possibly partial) shape tuple from an element_shape tensor value (-1 = unknown)."""
    array = np.asarray(value)
    if array.ndim == 0:
        return None
    return tuple(None if d < 0 else int(d) for d in array)


def _materialize(item, lst, requested_shape):
    if item is not None:
        return item
    shape = requested_shape if requested_shape is not None else lst.element_shape
    if shape is None or any(d is None for d in shape):
        raise errors.InvalidArgumentError(
            None,
            None,
            "Trying to read an uninitialized tensor but element_shape is not fully defined.",
        )
    return np.zeros(shape, dtype=lst.element_dtype.as_numpy_dtype)


def _scalar_variant(op):
    return [tensor_shape.scalar()]


# ---------------------------------------------------------------------- TensorList ops


def _empty_list_kernel(ctx, element_shape, max_num_elements, element_dtype):
    return np.asarray(
        TensorListValue(None, 0, element_dtype, _element_shape_from(element_shape)), dtype=object
    )


register_op(
    "EmptyTensorList",
    inputs=["element_shape: shape_type", "max_num_elements: int32"],
    outputs=["handle: variant"],
    attrs=["element_dtype: type", "shape_type: {int32, int64}"],
    shape=_scalar_variant,
    kernel=_empty_list_kernel,
)


def _list(handle) -> TensorListValue:
    return handle.item() if isinstance(handle, np.ndarray) else handle


def _push_kernel(ctx, input_handle, tensor):
    return np.asarray(_list(input_handle).push(tensor), dtype=object)


register_op(
    "TensorListPushBack",
    inputs=["input_handle: variant", "tensor: element_dtype"],
    outputs=["output_handle: variant"],
    attrs=["element_dtype: type"],
    shape=_scalar_variant,
    kernel=_push_kernel,
)


def _pop_shape(op):
    shape = (
        tensor_util.constant_value_as_shape(op.inputs[1])
        if op.inputs[1].shape.rank == 1
        else tensor_shape.unknown_shape()
    )
    return [tensor_shape.scalar(), shape]


def _pop_kernel(ctx, input_handle, element_shape):
    rest, value = _list(input_handle).pop()
    return np.asarray(rest, dtype=object), value


register_op(
    "TensorListPopBack",
    inputs=["input_handle: variant", "element_shape: int32"],
    outputs=["output_handle: variant", "tensor: element_dtype"],
    attrs=["element_dtype: type"],
    shape=_pop_shape,
    kernel=_pop_kernel,
)


def _length_kernel(ctx, input_handle):
    return np.asarray(_list(input_handle).length, dtype=np.int32)


register_op(
    "TensorListLength",
    inputs=["input_handle: variant"],
    outputs=["length: int32"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_length_kernel,
)


def _stack_shape(op):
    element = (
        tensor_util.constant_value_as_shape(op.inputs[1])
        if op.inputs[1].shape.rank == 1
        else tensor_shape.unknown_shape()
    )
    count = op.attrs["num_elements"]
    return [tensor_shape.TensorShape([None if count < 0 else count]).concatenate(element)]


def _stack_kernel(ctx, input_handle, element_shape, element_dtype, num_elements):
    lst = _list(input_handle)
    shape = _element_shape_from(element_shape)
    items = [_materialize(item, lst, shape) for item in lst.items()]
    if num_elements >= 0 and num_elements != len(items):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Operation expected a list with {num_elements} elements but got a "
            f"list with {len(items)} elements.",
        )
    if items:
        return np.stack(items).astype(element_dtype.as_numpy_dtype, copy=False)
    full = shape if shape is not None else lst.element_shape
    if full is None or any(d is None for d in full):
        raise errors.InvalidArgumentError(
            None,
            None,
            "Tried to stack elements of an empty list with non-fully-defined element_shape.",
        )
    return np.zeros((0,) + tuple(full), dtype=element_dtype.as_numpy_dtype)


register_op(
    "TensorListStack",
    inputs=["input_handle: variant", "element_shape: int32"],
    outputs=["tensor: element_dtype"],
    attrs=["element_dtype: type", "num_elements: int = -1"],
    shape=_stack_shape,
    kernel=_stack_kernel,
)


def _from_tensor_kernel(ctx, tensor, element_shape, element_dtype):
    array = np.asarray(tensor)
    if array.ndim == 0:
        raise errors.InvalidArgumentError(
            None, None, "Tensor must be at least a vector, but saw shape: []"
        )
    return np.asarray(
        TensorListValue.from_items(list(array), element_dtype, array.shape[1:]), dtype=object
    )


register_op(
    "TensorListFromTensor",
    inputs=["tensor: element_dtype", "element_shape: shape_type"],
    outputs=["output_handle: variant"],
    attrs=["element_dtype: type", "shape_type: {int32, int64}"],
    shape=_scalar_variant,
    kernel=_from_tensor_kernel,
)


def _check_index(lst, index):
    if not 0 <= index < lst.length:
        raise errors.InvalidArgumentError(
            None, None, f"Trying to access element {index} in a list with {lst.length} elements."
        )


def _get_item_shape(op):
    if op.inputs[2].shape.rank == 1:
        return [tensor_util.constant_value_as_shape(op.inputs[2])]
    return [tensor_shape.unknown_shape()]


def _get_item_kernel(ctx, input_handle, index, element_shape):
    lst = _list(input_handle)
    index = int(index)
    _check_index(lst, index)
    return _materialize(lst.items()[index], lst, _element_shape_from(element_shape))


register_op(
    "TensorListGetItem",
    inputs=["input_handle: variant", "index: int32", "element_shape: Tshape"],
    outputs=["item: element_dtype"],
    attrs=["element_dtype: type", "Tshape: {int32, int64} = DT_INT32"],
    shape=_get_item_shape,
    kernel=_get_item_kernel,
)


def _set_item_kernel(ctx, input_handle, index, item, resize_if_index_out_of_bounds):
    lst = _list(input_handle)
    index = int(index)
    items = lst.items()
    if resize_if_index_out_of_bounds and index >= len(items):
        items.extend([None] * (index + 1 - len(items)))
    _check_index(TensorListValue(None, len(items), lst.element_dtype, None), index)
    items[index] = item
    return np.asarray(
        TensorListValue.from_items(items, lst.element_dtype, lst.element_shape), dtype=object
    )


register_op(
    "TensorListSetItem",
    inputs=["input_handle: variant", "index: int32", "item: element_dtype"],
    outputs=["output_handle: variant"],
    attrs=["element_dtype: type", "resize_if_index_out_of_bounds: bool = false"],
    shape=_scalar_variant,
    kernel=_set_item_kernel,
)


def _reserve_kernel(ctx, element_shape, num_elements, element_dtype):
    shape = _element_shape_from(element_shape)
    return np.asarray(
        TensorListValue.from_items([None] * int(num_elements), element_dtype, shape), dtype=object
    )


register_op(
    "TensorListReserve",
    inputs=["element_shape: shape_type", "num_elements: int32"],
    outputs=["handle: variant"],
    attrs=["element_dtype: type", "shape_type: {int32, int64}"],
    shape=_scalar_variant,
    kernel=_reserve_kernel,
)


def _element_shape_kernel(ctx, input_handle, shape_type):
    shape = _list(input_handle).element_shape
    if shape is None:
        return np.asarray(-1, dtype=shape_type.as_numpy_dtype)
    return np.asarray([-1 if d is None else d for d in shape], dtype=shape_type.as_numpy_dtype)


register_op(
    "TensorListElementShape",
    inputs=["input_handle: variant"],
    outputs=["element_shape: shape_type"],
    attrs=["shape_type: {int32, int64}"],
    shape=lambda op: [tensor_shape.unknown_shape()],
    kernel=_element_shape_kernel,
)


# ---------------------------------------------------------------------- Optionals


class OptionalValue:
    """The value of an Optional variant: a tuple of component arrays, or nothing."""

    __slots__ = ("components",)

    def __init__(self, components):
        self.components = components


def _optional(handle) -> OptionalValue:
    return handle.item() if isinstance(handle, np.ndarray) else handle


def _from_value_kernel(ctx, components):
    return np.asarray(OptionalValue(tuple(components)), dtype=object)


register_op(
    "OptionalFromValue",
    inputs=["components: Toutput_types"],
    outputs=["optional: variant"],
    attrs=["Toutput_types: list(type) >= 1"],
    shape=_scalar_variant,
    kernel=_from_value_kernel,
)


def _none_kernel(ctx):
    return np.asarray(OptionalValue(None), dtype=object)


register_op(
    "OptionalNone", outputs=["optional: variant"], shape=_scalar_variant, kernel=_none_kernel
)


def _get_value_shape(op):
    return list(op.attrs["output_shapes"])


def _get_value_kernel(ctx, optional):
    value = _optional(optional)
    if value.components is None:
        raise errors.InvalidArgumentError(None, None, "The optional does not have a value.")
    return list(value.components)


register_op(
    "OptionalGetValue",
    inputs=["optional: variant"],
    outputs=["components: output_types"],
    attrs=["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    shape=_get_value_shape,
    kernel=_get_value_kernel,
)


def _has_value_kernel(ctx, optional):
    return np.asarray(_optional(optional).components is not None)


register_op(
    "OptionalHasValue",
    inputs=["optional: variant"],
    outputs=["has_value: bool"],
    shape=lambda op: [tensor_shape.scalar()],
    kernel=_has_value_kernel,
)

for _name in (
    "EmptyTensorList",
    "TensorListPushBack",
    "TensorListPopBack",
    "TensorListLength",
    "TensorListStack",
    "TensorListFromTensor",
    "TensorListGetItem",
    "TensorListSetItem",
    "TensorListReserve",
    "TensorListElementShape",
    "OptionalFromValue",
    "OptionalNone",
    "OptionalGetValue",
    "OptionalHasValue",
):
    registry.not_differentiable(_name, _NO_REASON)

VARIANT = dtypes.variant
