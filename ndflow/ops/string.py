"""String ops. For now StringJoin (`tf.strings.join`); the rest arrives with tf.data."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape


def _join_shape(op):
    result = tensor_shape.scalar()
    for tensor in op.inputs:
        shape = tensor.shape
        if shape.rank == 0:
            continue
        if result.rank == 0:
            result = shape
            continue
        if not result.is_compatible_with(shape):
            raise shape_errors.ShapeError(f"Input shapes do not match: {result} vs. {shape}")
        result = result.merge_with(shape)
    return [result]


def _join_kernel(ctx, inputs, separator):
    shapes = {np.shape(x) for x in inputs if np.ndim(x) > 0}
    if len(shapes) > 1:
        first, second = sorted(shapes, key=str)[:2]
        raise errors.InvalidArgumentError(
            None, None, f"Input shapes do not match: {_dims(first)} vs. {_dims(second)}"
        )
    if not inputs:
        return np.array(b"", dtype=object)
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    result = np.asarray(inputs[0], dtype=object)
    for value in inputs[1:]:
        # np.add on object arrays concatenates the bytes element by element, in C.
        result = np.add(np.add(result, sep), np.asarray(value, dtype=object))
    return np.asarray(result, dtype=object)


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


registry.register_op(
    "StringJoin",
    inputs=["inputs: N * string"],
    outputs=["output: string"],
    attrs=["N: int >= 0", "separator: string = ''"],
    shape=_join_shape,
    kernel=_join_kernel,
)
registry.not_differentiable("StringJoin", "strings have no gradient")


def string_join(inputs, separator="", name=None):
    """Mirrors `tf.strings.join`: joins string tensors element-wise.

    Args:
      inputs: a list of string tensors of one shape (or scalars, which broadcast).
      separator: placed between the joined strings.
      name: the op name.

    Returns:
      A string Tensor.

    >>> string_join([constant("hello"), constant("world")], separator=" ")
    """
    return op_builder.apply_op("StringJoin", list(inputs), separator=separator, name=name)
