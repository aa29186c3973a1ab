"""Joining strings: StringJoin (`tf.strings.join`), ReduceJoin (`tf.reduce_join`), and the
`tf.strings.format` builder of the StringFormat op (registered with tf.print in control_flow)."""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.string import buffers


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


# ---------------------------------------------------------------------- ReduceJoin


def _reduce_join_shape(op):
    shape = op.inputs[0].shape
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    keep_dims = op.attrs["keep_dims"]
    indices = tensor_util.constant_value(op.inputs[1])
    if indices is None or shape.rank is None:
        return [tensor_shape.unknown_shape(shape.rank if keep_dims else None)]
    rank = shape.rank
    reduced = set()
    for index in np.ravel(indices).tolist():
        if not -rank <= index < rank:
            raise shape_errors.ShapeError(
                f"Invalid reduction dimension {index} for input with {rank} dimensions."
            )
        reduced.add(index % rank)
    dims = [
        1 if i in reduced else d
        for i, d in enumerate(shape.as_list())
        if keep_dims or i not in reduced
    ]
    return [tensor_shape.TensorShape(dims)]


def _join_axes(rank: int, reduction_indices) -> list:
    """The reduced axes in the order given (the first varies fastest), with TF's errors."""
    axes = []
    for index in np.ravel(reduction_indices).tolist():
        if not -rank <= index < rank:
            raise errors.OutOfRangeError(
                None,
                None,
                f"Invalid reduction dimension {index} for input with {rank} dimension(s)",
            )
        if index % rank in axes:
            raise errors.InvalidArgumentError(None, None, f"Duplicate reduction dimension {index}")
        axes.append(index % rank)
    return axes


def _reduce_join_kernel(ctx, inputs, reduction_indices, keep_dims, separator):
    inputs = np.asarray(inputs, dtype=object)
    axes = _join_axes(inputs.ndim, reduction_indices)
    if not axes:
        return inputs
    kept = [axis for axis in range(inputs.ndim) if axis not in axes]
    # The first listed axis varies fastest in the joined sequence, so it goes last.
    moved = np.transpose(inputs, kept + axes[::-1])
    joined_count = int(np.prod([inputs.shape[a] for a in axes], dtype=np.int64))
    rows = moved.reshape(
        int(np.prod([inputs.shape[a] for a in kept], dtype=np.int64)), joined_count
    )
    joined = buffers.objects(map(separator.encode("utf-8").join, rows.tolist()), rows.shape[0])
    shape = [1 if i in axes else d for i, d in enumerate(inputs.shape) if keep_dims or i in kept]
    return joined.reshape(shape)


registry.register_op(
    "ReduceJoin",
    inputs=["inputs: string", "reduction_indices: int32"],
    outputs=["output: string"],
    attrs=["keep_dims: bool = false", "separator: string = ''"],
    shape=_reduce_join_shape,
    kernel=_reduce_join_kernel,
)
registry.not_differentiable("ReduceJoin", "strings have no gradient")


def _all_axes_reversed(inputs):
    """TF's default reduction order for axis=None: the last axis first (row-major join)."""
    rank = inputs.shape.rank
    if rank is not None:
        return op_builder.constant(np.arange(rank - 1, -1, -1), dtype=dtypes.int32)
    return math.range(array.rank(inputs) - 1, -1, -1)


def reduce_join(
    inputs,
    axis=None,
    keep_dims=None,
    separator="",
    name=None,
    reduction_indices=None,
    keepdims=None,
):
    """Mirrors `tf.reduce_join` / `tf.strings.reduce_join` (TF1 signature).

    Args:
      inputs: a string tensor.
      axis: the axes to join along; the first one varies fastest. None joins everything in
        row-major order.
      keep_dims: deprecated alias of `keepdims`.
      separator: placed between joined strings.
      name: the op name.
      reduction_indices: deprecated alias of `axis`.
      keepdims: keep reduced axes with length 1.

    Returns:
      A string Tensor.

    >>> reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=" ")  # [b"a b", b"c d"]
    """
    axis = _alias(axis, "axis", reduction_indices, "reduction_indices")
    keepdims = bool(_alias(keepdims, "keepdims", keep_dims, "keep_dims"))
    with graph_lib.name_scope(None, "ReduceJoin", [inputs, axis]):
        inputs = op_builder.convert_to_tensor(inputs, dtype=dtypes.string)
        if axis is None:
            axis = _all_axes_reversed(inputs)
        return op_builder.apply_op(
            "ReduceJoin", inputs, axis, keep_dims=keepdims, separator=separator, name=name
        )


def _alias(value, name, old_value, old_name):
    if old_value is None:
        return value
    if value is not None:
        raise ValueError(f"Cannot specify both '{name}' and '{old_name}'.")
    return old_value


# ---------------------------------------------------------------------- tf.strings.format


def string_format(template, inputs, placeholder="{}", summarize=3, name=None):
    """Mirrors `tf.strings.format`: formats tensors into a template (the StringFormat op).

    Args:
      template: the template string.
      inputs: a list of tensors, or one tensor.
      placeholder: where each tensor goes in the template.
      summarize: how many leading and trailing elements of each dimension to print (-1: all).
      name: the op name.

    Returns:
      A scalar string Tensor.

    Raises:
      ValueError: when the placeholders and the inputs differ in number.

    >>> string_format("x = {}", constant([1, 2]))  # b"x = [1 2]"
    """
    if isinstance(inputs, graph_lib.Tensor):
        inputs = [inputs]
    if template.count(placeholder) != len(inputs):
        raise ValueError(
            f"The template expects {template.count(placeholder)} tensors, but the inputs "
            f"only has {len(inputs)}. Please ensure the number of placeholders in template "
            "matches inputs length."
        )
    return op_builder.apply_op(
        "StringFormat",
        list(inputs),
        template=template,
        placeholder=placeholder,
        summarize=summarize,
        name=name,
    )
