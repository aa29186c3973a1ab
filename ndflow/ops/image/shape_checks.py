"""TF's static-or-runtime checks on image shapes (`_CheckAtLeast3DImage`, `_ImageDimensions`,
`_assert`), shared by the image builders: Python errors when the shape is known at graph
build time, Assert ops when it is not.
"""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops.control_flow import asserts
from ndflow.ops.control_flow import grouping


def is_tensor(value) -> bool:
    return isinstance(value, graph_lib.Tensor)


def tf_assert(condition, exception_type, message):
    """TF's `_assert`: an Assert op for a Tensor condition, else raise now or return []."""
    if is_tensor(condition):
        return [asserts.Assert(condition, [message])]
    if not condition:
        raise exception_type(message)
    return []


def image_dimensions(image, rank):
    """TF's `_ImageDimensions`: static dims as ints, unknown ones as scalar Tensors."""
    if image.shape.is_fully_defined():
        return image.shape.as_list()
    static = image.shape.with_rank(rank).as_list()
    dynamic = array.unstack(array.shape(image), rank)
    return [s if s is not None else d for s, d in zip(static, dynamic)]


def assert_at_least_3d(image):
    """TF's `_AssertAtLeast3DImage`: the image behind any runtime checks it needs."""
    return grouping.with_dependencies(check_at_least_3d(image, require_static=False), image)


def check_at_least_3d(image, require_static=True):
    """TF's `_CheckAtLeast3DImage`: raises for a bad static shape, else the assert ops that
    the unknown dims need (maybe none)."""
    try:
        if image.shape.rank is None:
            image_shape = image.shape.with_rank(3)
        else:
            image_shape = image.shape.with_rank_at_least(3)
    except ValueError:
        raise ValueError(
            f"'image' (shape {describe(image.shape)}) must be at least three-dimensional."
        ) from None
    if require_static and not image_shape.is_fully_defined():
        raise ValueError("'image' must be fully defined.")
    if any(x == 0 for x in image_shape[-3:].as_list()):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {describe(image_shape)}")
    if image_shape[-3:].is_fully_defined():
        return []
    return [
        asserts.assert_positive(
            array.shape(image)[-3:], ["inner 3 dims of 'image.shape' must be > 0."]
        ),
        asserts.assert_greater_equal(
            array.rank(image), 3, message="'image' must be at least three-dimensional."
        ),
    ]


def constant_value(value):
    """The static value of a Tensor, or the Python value itself."""
    if is_tensor(value):
        return tensor_util.constant_value(value)
    return value


def describe(shape) -> str:
    """A static shape as TF 2 prints it in these messages: (2, None, 3) or <unknown>."""
    if shape.rank is None:
        return "<unknown>"
    dims = ", ".join("None" if d is None else str(d) for d in shape.as_list())
    return f"({dims},)" if shape.rank == 1 else f"({dims})"
