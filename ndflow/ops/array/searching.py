"""Ops that find or encode positions: Where (coordinates of true elements), Unique, OneHot.

The three-argument `tf.where` is Select/SelectV2, in the math family; `where_indices` here is
its one-argument form. Each op's shape function, kernel and registration sit together, with
its builder below.
"""

from __future__ import annotations

import collections

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.array import shape_inference as infer

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = elementwise.format_dims
TensorShape = tensor_shape.TensorShape


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- Where


def _where_shape(op):
    return [TensorShape([None, op.inputs[0].shape.rank])]


def _nonzero(x):
    x = np.asarray(x)
    if x.dtype == np.bool_:
        return x
    if x.dtype.names:  # quantized types are one-field structured dtypes
        x = x.view(x.dtype[0])
    return x != 0


def _where_kernel(ctx, input):
    if np.ndim(input) == 0:
        raise _invalid("WhereOp : Unhandled input dimensions: 0")
    return np.argwhere(_nonzero(input)).astype(np.int64)


register_op(
    "Where",
    inputs=["input: T"],
    outputs=["index: int64"],
    attrs=["T: {numbertype, bool} = DT_BOOL"],
    shape=_where_shape,
    kernel=_where_kernel,
)
registry.not_differentiable("Where", "it computes integer coordinates")


def where_indices(condition, name=None):
    """Mirrors the one-argument `tf.compat.v1.where`: the coordinates of true elements.

    Args:
      condition: a bool (or numeric: non-zero is true) Tensor of rank >= 1.
      name: the op name.

    Returns:
      An int64 Tensor of shape [number of true elements, rank], in row-major order.

    >>> where_indices([[True, False], [False, True]])
    <tf.Tensor 'Where:0' shape=(?, 2) dtype=int64>
    """
    with graph_lib.name_scope(name, "Where", [condition]) as scope:
        condition = op_builder.convert_to_tensor(
            condition, preferred_dtype=dtypes.bool, name="condition"
        )
        return apply_op("Where", condition, name=scope)


# ---------------------------------------------------------------------- Unique

Unique = collections.namedtuple("Unique", ["y", "idx"])


def _unique_shape(op):
    infer.require_rank(op.inputs[0].shape, 1)
    return [TensorShape([None]), op.inputs[0].shape]


def _unique_kernel(ctx, x, out_idx):
    if np.ndim(x) != 1:
        raise _invalid("unique expects a 1D vector.")
    x = np.asarray(x)
    # NaN never equals NaN in TF's hash map, so every NaN is its own value.
    extra = {} if x.dtype == object else {"equal_nan": False}
    _, first, inverse = np.unique(x, return_index=True, return_inverse=True, **extra)
    order = np.argsort(first, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    idx = position[np.reshape(inverse, -1)].astype(out_idx.as_numpy_dtype)
    return x[first[order]], idx


register_op(
    "Unique",
    inputs=["x: T"],
    outputs=["y: T", "idx: out_idx"],
    attrs=["T: type", "out_idx: {int32, int64} = DT_INT32"],
    shape=_unique_shape,
    kernel=_unique_kernel,
)
# TF registers no gradient for Unique (its tf.gradients raises LookupError when a gradient
# reaches `y`); ndflow declares it, so the gradient stops here instead.
registry.not_differentiable("Unique", "selecting the distinct values has no gradient in TF")


def unique(x, out_idx=dtypes.int32, name=None):
    """Mirrors `tf.unique`: the distinct values of a 1-D tensor, in order of first occurrence.

    Args:
      x: a 1-D Tensor.
      out_idx: the dtype of `idx`, int32 or int64.
      name: the op name.

    Returns:
      A namedtuple `(y, idx)`: the distinct values, and for each element of `x` the index
      of its value in `y`.

    >>> y, idx = unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    """
    y, idx = apply_op("Unique", x, out_idx=out_idx, name=name)
    return Unique(y, idx)


# ---------------------------------------------------------------------- OneHot


def _one_hot_shape(op):
    axis = op.attrs["axis"]
    if axis < -1:
        raise infer.ShapeError("axis must be >= -1")
    depth = infer.scalar_dim(op.inputs[1], 1)
    given = op.inputs[0].shape
    if given.rank is None:
        return [infer.unknown()]
    dims = given.as_list()
    index = (axis + len(dims) + 1) % (len(dims) + 1)
    return [TensorShape(dims[:index] + [depth] + dims[index:])]


def _one_hot_kernel(ctx, indices, depth, on_value, off_value, axis):
    rank = np.ndim(indices) + 1
    if not (axis == -1 or 0 <= axis < rank):
        raise _invalid(f"Expected axis to be -1 or between [0, {rank}).  But received: {axis}")
    for label, value in (("depth", depth), ("on_value", on_value), ("off_value", off_value)):
        if np.ndim(value) != 0:
            raise _invalid(f"{label} must be a scalar, but got: {format_dims(np.shape(value))}")
    depth = int(depth)
    if depth < 0:
        raise _invalid(f"depth must be non-negative, got: {depth}")
    axis = rank - 1 if axis == -1 else axis
    positions = np.arange(depth).reshape([depth] + [1] * (rank - 1 - axis))
    hot = np.expand_dims(indices, axis) == positions
    on_value, off_value = np.asarray(on_value), np.asarray(off_value)
    return np.where(hot, on_value, off_value).astype(on_value.dtype, copy=False)


register_op(
    "OneHot",
    inputs=["indices: TI", "depth: int32", "on_value: T", "off_value: T"],
    outputs=["output: T"],
    attrs=["axis: int = -1", "T: type", "TI: {uint8, int8, int32, int64} = DT_INT64"],
    shape=_one_hot_shape,
    kernel=_one_hot_kernel,
)
registry.not_differentiable("OneHot", "its output does not depend smoothly on the indices")


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Mirrors `tf.one_hot`.

    Args:
      indices: an integer Tensor; out-of-range indices give all-`off_value` rows.
      depth: the length of the one-hot dimension.
      on_value: the value at the index (1 by default).
      off_value: the value elsewhere (0 by default).
      axis: where the one-hot dimension goes; -1 (last) by default.
      dtype: the output dtype; from `on_value`/`off_value`, else float32.
      name: the op name.

    Returns:
      A Tensor of rank `rank(indices) + 1`.

    Raises:
      TypeError: when `dtype`, `on_value` and `off_value` disagree.

    >>> one_hot([0, 2], 3)
    <tf.Tensor 'one_hot:0' shape=(2, 3) dtype=float32>
    """
    values = [v for v in (indices, depth, on_value, off_value) if isinstance(v, graph_lib.Tensor)]
    with graph_lib.name_scope(name, "one_hot", values) as scope:
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        on_value, off_value, dtype = _one_hot_values(on_value, off_value, dtype)
        return apply_op(
            "OneHot",
            indices,
            depth,
            on_value,
            off_value,
            axis=-1 if axis is None else axis,
            name=scope,
        )


def _one_hot_values(on_value, off_value, dtype):
    """TF's dtype reconciliation for on/off values; missing values are 1 and 0."""
    on_exists, off_exists = on_value is not None, off_value is not None
    if on_exists:
        on_value = op_builder.convert_to_tensor(on_value, dtype_hint=dtype)
    if off_exists:
        off_value = op_builder.convert_to_tensor(off_value, dtype_hint=dtype)
    on_dtype = on_value.dtype.base_dtype if on_exists else None
    off_dtype = off_value.dtype.base_dtype if off_exists else None
    for given, label in ((on_dtype, "on_value"), (off_dtype, "off_value")):
        if dtype is not None and given is not None and given != dtype:
            raise TypeError(f"dtype {given} of {label} does not match dtype parameter {dtype}")
    dtype = dtype or on_dtype or off_dtype or dtypes.float32
    if not on_exists:
        on_value, on_dtype = op_builder.convert_to_tensor(1, dtype, name="on_value"), dtype
    if not off_exists:
        off_value, off_dtype = op_builder.convert_to_tensor(0, dtype, name="off_value"), dtype
    if on_dtype != off_dtype:
        raise TypeError(
            f"dtype {on_dtype} of on_value does not match dtype {off_dtype} of off_value"
        )
    return on_value, off_value, dtype
