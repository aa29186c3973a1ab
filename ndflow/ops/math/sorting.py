"""Sorting: TopKV2 (largest k along the last axis; ties keep the lower index first, NaN
counts as largest, as TF), with `tf.math.top_k`, `tf.sort` and `tf.argsort` built on it the
way TF builds them (negating for ascending order, transposing for other axes).
"""

from __future__ import annotations

import collections

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _top_k_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    k = tensor_util.constant_value(op.inputs[1])
    if k is not None and np.ndim(k) == 0:
        k = int(k)
        if k < 0:
            raise shape_errors.ShapeError(
                f"Dimension size, given by scalar input 1, must be non-negative but is {k}"
            )
    else:
        k = None
    if shape.rank is None:
        return [tensor_shape.unknown_shape()] * 2
    last = shape.as_list()[-1]
    if last is not None and k is not None and last < k:
        raise shape_errors.ShapeError(f"input must have last dimension >= k = {k} but is {last}")
    result = tensor_shape.TensorShape(shape.as_list()[:-1] + [k])
    return [result, result]


def descending_order(x, k: int):
    """Indices of the k largest values along the last axis, largest first; equal values
    keep their original order and NaN sorts above everything."""
    columns = np.shape(x)[-1]
    # A stable ascending sort of the reversed rows, read backwards, is a stable descending
    # sort that puts NaN (sorted last by NumPy) first.
    order = np.argsort(np.asarray(x)[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    return columns - 1 - order[..., :k]


def _top_k_kernel(ctx, input, k, index_type):
    if np.ndim(k) != 0:
        raise _invalid(f"k must be scalar, got shape {elementwise.format_dims(np.shape(k))}")
    k = int(k)
    if k < 0:
        raise _invalid(f"Need k >= 0, got {k}")
    if np.ndim(input) < 1:
        raise _invalid(
            f"input must be >= 1-D, got shape {elementwise.format_dims(np.shape(input))}"
        )
    columns = np.shape(input)[-1]
    if columns < k:
        raise _invalid(f"input must have at least k columns. Had {columns}, needed {k}")
    indices = descending_order(input, k)
    values = np.take_along_axis(np.asarray(input), indices, axis=-1)
    return values, indices.astype(index_type.as_numpy_dtype)


def _top_k_grad(op, grad, _):
    """TF's `_TopKGrad`: grad scattered back to the positions the values came from (flat
    indices row * last_dim + index), zeros elsewhere; zeros for k."""
    in_shape = apply_op("Shape", op.inputs[0])
    indices = op.outputs[1]
    ind_shape = apply_op("Shape", indices)
    last = _last_entry(apply_op("Cast", ind_shape, DstT=dtypes.int64), ind_shape)
    ind_2d = apply_op(
        "Reshape", indices, apply_op("Pack", [op_builder.constant(-1, dtypes.int64), last])
    )
    in_last = _last_entry(apply_op("Cast", in_shape, DstT=dtypes.int64), in_shape)
    outer = apply_op("Cast", apply_op("Shape", ind_2d)[0], DstT=dtypes.int64)
    starts = apply_op("Range", op_builder.constant(0, dtypes.int64), outer * in_last, in_last)
    offsets = apply_op("Cast", apply_op("ExpandDims", starts, -1), DstT=indices.dtype.base_dtype)
    flat = apply_op("Reshape", ind_2d + offsets, [-1])
    total = apply_op("Prod", in_shape, op_builder.constant([0]))
    scattered = apply_op(
        "ScatterNd",
        apply_op("ExpandDims", flat, -1),
        apply_op("Reshape", grad, [-1]),
        apply_op("Reshape", total, [1]),
    )
    return [apply_op("Reshape", scattered, in_shape), op_builder.constant(0, dtypes.int32)]


def _last_entry(values, shape):
    """values[size(shape) - 1] (TF's gather of the last dim)."""
    return apply_op("GatherV2", values, apply_op("Size", shape) - 1, 0)


registry.register_op(
    "TopKV2",
    inputs=["input: T", "k: Tk"],
    outputs=["values: T", "indices: index_type"],
    attrs=[
        "sorted: bool = true",
        "T: realnumbertype",
        "Tk: {int16, int32, int64} = DT_INT32",
        "index_type: {int16, int32, int64} = DT_INT32",
    ],
    shape=_top_k_shape,
    kernel=_top_k_kernel,
    grad=_top_k_grad,
)


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002 - TF's argument name
    """Mirrors `tf.math.top_k` (also `tf.nn.top_k`): the k largest entries of each row.

    Args:
      input: a real Tensor of rank >= 1.
      k: the number of entries to keep (a scalar).
      sorted: return them largest first (they always are here).
      name: the op name (default "TopKV2").

    Returns:
      A `TopKV2(values, indices)` namedtuple; ties list the lower index first.

    Raises:
      ValueError: when k exceeds the static last dimension.

    >>> top_k(constant([1.0, 3.0, 2.0]), 2).indices  # [1, 2]
    <tf.Tensor 'TopKV2:1' shape=(2,) dtype=int32>
    """
    values, indices = apply_op("TopKV2", input, k, sorted=sorted, name=name)
    return TopKV2(values, indices)


# ---------------------------------------------------------------------- sort, argsort


def _last_length(values):
    """The last dimension: a Python int when static, else Shape + StridedSlice as TF."""
    if values.shape.rank is not None and values.shape.as_list()[-1] is not None:
        return values.shape.as_list()[-1]
    shape = apply_op("Shape", values)
    return apply_op("StridedSlice", shape, [-1], [0], [1], shrink_axis_mask=1, name="strided_slice")


def _descending_sort(values, axis: int, return_argsort: bool):
    rank = values.shape.rank
    transposition = None
    if not (axis == -1 or (rank is not None and axis + 1 == rank)):
        if rank is None:
            raise ValueError("sort along an axis other than the last needs a known rank")
        axis %= rank
        perm = np.arange(rank, dtype=np.int64)
        perm[[axis, rank - 1]] = perm[[rank - 1, axis]]
        transposition = op_builder.constant(perm, name="transposition")
        values = apply_op("Transpose", values, transposition)
    result = apply_op("TopKV2", values, _last_length(values))[1 if return_argsort else 0]
    if transposition is not None:
        result = apply_op("Transpose", result, transposition)
    return result


def _ascending_sort(values, axis: int, return_argsort: bool):
    dtype = values.dtype.base_dtype
    if dtype.is_unsigned:
        offset = op_builder.constant(dtype.max, dtype=dtype)
        flipped = _descending_sort(apply_op("Sub", offset, values), axis, return_argsort)
        return flipped if return_argsort else apply_op("Sub", offset, flipped)
    if dtype.is_integer:
        # -x - 1 (= ~x) cannot overflow, unlike -x for the lowest value.
        one = op_builder.constant(1, dtype=dtype)
        flipped = _descending_sort(
            apply_op("Sub", apply_op("Neg", values), one), axis, return_argsort
        )
        return flipped if return_argsort else apply_op("Sub", apply_op("Neg", flipped), one)
    flipped = _descending_sort(apply_op("Neg", values), axis, return_argsort)
    return flipped if return_argsort else apply_op("Neg", flipped)


def _sort_or_argsort(values, axis, direction, return_argsort):
    sorters = {"ASCENDING": _ascending_sort, "DESCENDING": _descending_sort}
    if direction not in sorters:
        raise ValueError(
            f"Argument `direction` should be one of ASCENDING, DESCENDING. "
            f"Received: direction={direction}"
        )
    axis_tensor = convert_to_tensor(axis, name="axis")
    static_axis = tensor_util.constant_value(axis_tensor)
    if axis_tensor.shape.rank not in (None, 0) or static_axis is None:
        raise ValueError(f"Argument `axis` must be a constant scalar. Received: axis={axis}.")
    values = convert_to_tensor(values, name="values")
    return sorters[direction](values, int(static_axis), return_argsort)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Mirrors `tf.sort`: values sorted along `axis`.

    Args:
      values: a real Tensor.
      axis: a constant axis (default the last).
      direction: "ASCENDING" or "DESCENDING".
      name: the scope name (default "sort").

    Returns:
      A Tensor of values' type and shape.

    Raises:
      ValueError: for an unknown direction or a non-constant axis.

    >>> sort(constant([3.0, 1.0, 2.0]))  # [1., 2., 3.]
    <tf.Tensor 'sort/Neg_1:0' shape=(3,) dtype=float32>
    """
    with graph_lib.name_scope(name, "sort"):
        return _sort_or_argsort(values, axis, direction, return_argsort=False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Mirrors `tf.argsort`: int32 indices that sort `values` along `axis`.

    The sort is always stable (equal values keep their order), so `stable` changes nothing.

    >>> argsort(constant([3.0, 1.0, 2.0]))  # [1, 2, 0]
    <tf.Tensor 'argsort/TopKV2:1' shape=(3,) dtype=int32>
    """
    del stable  # TopKV2 is stable already.
    with graph_lib.name_scope(name, "argsort"):
        return _sort_or_argsort(values, axis, direction, return_argsort=True)
