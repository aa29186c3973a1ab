"""Partitioning and stitching by index: DynamicPartition, DynamicStitch and
ParallelDynamicStitch (TF's data_flow_ops), with their gradients (data_flow_grad.py) and the
builders `tf.dynamic_partition` and `tf.dynamic_stitch`.

Sharded embedding lookups are built from them: ids are partitioned by shard, gathered per
shard and stitched back into their original order. The math ops the gradients need (Range,
Prod, UnsortedSegmentSum) come from a later family and are built by type name.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.array import gathering
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = elementwise.format_dims
TensorShape = tensor_shape.TensorShape
IndexedSlices = indexed_slices.IndexedSlices


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _merge_prefix(data: TensorShape, prefix: TensorShape) -> None:
    """TF's `MergePrefix`: `data` must start with `prefix` (both of known rank here)."""
    infer.require_rank_at_least(data, prefix.rank)
    for dim, want in zip(data.as_list(), prefix.as_list()):
        shape_errors.merge_dims(dim, want)


def _suffix(shape: TensorShape, start: int) -> TensorShape:
    if shape.rank is None:
        return infer.unknown()
    return TensorShape(shape.as_list()[start:])


# ---------------------------------------------------------------------- DynamicPartition


def _partition_shape(op):
    data, partitions = op.inputs[0].shape, op.inputs[1].shape
    count = op.attrs["num_partitions"]
    if partitions.rank is None:
        return [infer.unknown()] * count
    if data.rank is None:
        return [infer.unknown()] * count
    _merge_prefix(data, partitions)
    result = TensorShape([None]).concatenate(_suffix(data, partitions.rank))
    return [result] * count


def _check_partitions(data, partitions, count: int) -> None:
    if np.shape(data)[: np.ndim(partitions)] != np.shape(partitions):
        raise _invalid(
            "data.shape must start with partitions.shape, got data.shape = "
            f"{format_dims(np.shape(data))}, partitions.shape = {format_dims(np.shape(partitions))}"
        )
    bad = np.flatnonzero((partitions < 0) | (partitions >= count))
    if bad.size:
        where = np.unravel_index(bad[0], np.shape(partitions))
        value = np.reshape(partitions, -1)[bad[0]]
        raise _invalid(f"partitions{format_dims(where)} = {value} is not in [0, {count})")


def _partition_kernel(ctx, data, partitions, num_partitions):
    data, partitions = np.asarray(data), np.asarray(partitions)
    _check_partitions(data, partitions, num_partitions)
    flat = partitions.reshape(-1)
    rows = data.reshape((flat.size,) + data.shape[partitions.ndim :])
    # One stable sort groups the rows by partition and keeps their order inside each.
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(num_partitions + 1))
    grouped = rows[order]
    return [grouped[bounds[p] : bounds[p + 1]] for p in range(num_partitions)]


def _partition_grad(op, *grads):
    """TF's `_DynamicPartitionGrads`: partition the positions the same way, stitch the
    output gradients back to them, and reshape to the data's shape."""
    data, partitions = op.inputs
    prefix_shape = shapes.shape(partitions)
    count = apply_op("Prod", prefix_shape, [0])
    positions = shapes.reshape(apply_op("Range", 0, count, 1, name="range"), prefix_shape)
    partitioned = dynamic_partition(positions, partitions, op.attrs["num_partitions"])
    stitched = parallel_dynamic_stitch(partitioned, list(grads))
    return [shapes.reshape(stitched, shapes.shape(data)), None]


register_op(
    "DynamicPartition",
    inputs=["data: T", "partitions: int32"],
    outputs=["outputs: num_partitions * T"],
    attrs=["num_partitions: int >= 1", "T: type"],
    shape=_partition_shape,
    kernel=_partition_kernel,
    grad=_partition_grad,
)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """Mirrors `tf.dynamic_partition`: splits `data` into `num_partitions` tensors by the
    partition index of each (leading) element.

    Args:
      data: a Tensor whose shape starts with `partitions`' shape.
      partitions: an int32 Tensor of partition indices in [0, num_partitions).
      num_partitions: the number of outputs (an int >= 1).
      name: the op name (default "DynamicPartition").

    Returns:
      A list of `num_partitions` Tensors; output p holds data[partitions == p], in order.

    Raises:
      InvalidArgumentError: at run time, for an index outside [0, num_partitions).

    >>> dynamic_partition(constant([10, 20, 30]), constant([1, 0, 1]), 2)  # [[20], [10, 30]]
    [<tf.Tensor 'DynamicPartition:0' shape=(?,) dtype=int32>, ...]
    """
    return apply_op("DynamicPartition", data, partitions, num_partitions=num_partitions, name=name)


# ---------------------------------------------------------------------- DynamicStitch


def _stitch_shape(op):
    """TF's `DynamicStitchShapeFunction`: max(static indices) + 1 rows (unknown unless all
    indices are static), then the data dims beyond each indices' rank, merged."""
    count = op.attrs["N"]
    indices, data = op.inputs[:count], op.inputs[count:]
    extra = infer.unknown()
    max_index, all_static = -1, True
    for index_tensor, data_tensor in zip(indices, data):
        values = infer.static_value(index_tensor)
        all_static = all_static and values is not None
        if index_tensor.shape.rank is None:
            continue
        if data_tensor.shape.rank is not None:
            _merge_prefix(data_tensor.shape, index_tensor.shape)
        extra = infer.merge_shapes(extra, _suffix(data_tensor.shape, index_tensor.shape.rank))
        if values is not None and np.size(values):
            max_index = max(max_index, int(np.max(values)))
    rows = max_index + 1 if all_static else None
    return [TensorShape([rows]).concatenate(extra)]


def _check_stitch_shapes(indices, data) -> None:
    first_extra = np.shape(data[0])[np.ndim(indices[0]) :]
    for number, (index, value) in enumerate(zip(indices, data)):
        if np.shape(value)[: np.ndim(index)] != np.shape(index):
            raise _invalid(
                f"data[{number}].shape = {format_dims(np.shape(value))} does not start with "
                f"indices[{number}].shape = {format_dims(np.shape(index))}"
            )
        if number and np.shape(value)[np.ndim(index) :] != first_extra:
            raise _invalid(
                f"Need data[0].shape[{np.ndim(indices[0])}:] = data[{number}].shape["
                f"{np.ndim(index)}:], got data[0].shape = {format_dims(np.shape(data[0]))}, "
                f"data[{number}].shape = {format_dims(np.shape(value))}, indices[0].shape = "
                f"{format_dims(np.shape(indices[0]))}, indices[{number}].shape = "
                f"{format_dims(np.shape(index))}"
            )


def _stitch_kernel(ctx, indices, data):
    """merged[indices[m][i]] = data[m][i]; a later (m, i) wins over an earlier one, and rows
    no index names are zero."""
    indices = [np.asarray(i) for i in indices]
    data = [np.asarray(d) for d in data]
    _check_stitch_shapes(indices, data)
    extra = data[0].shape[indices[0].ndim :]
    for index in indices:
        negative = np.flatnonzero(index.reshape(-1) < 0)
        if negative.size:
            raise _invalid(f"indices[{negative[0]}] is out of range")
    flat_indices = np.concatenate([i.reshape(-1) for i in indices])
    rows = np.concatenate([d.reshape((-1,) + extra) for d in data])
    size = int(flat_indices.max()) + 1 if flat_indices.size else 0
    merged = np.zeros((size,) + extra, dtype=data[0].dtype)
    # The last occurrence of each index wins: unique over the reversed order finds it.
    reversed_indices = flat_indices[::-1]
    targets, first = np.unique(reversed_indices, return_index=True)
    merged[targets] = rows[::-1][first]
    return merged


def _stitch_grad(op, grad):
    """TF's `_DynamicStitchGrads`: each data input gets the gradient rows at its indices."""
    count = len(op.inputs) // 2
    if isinstance(grad, IndexedSlices):
        rows = shapes.shape(op.outputs[0])[0]
        grad = apply_op("UnsortedSegmentSum", grad.values, grad.indices, rows)
    return [None] * count + [gathering.gather(grad, index) for index in op.inputs[:count]]


for _name in ("DynamicStitch", "ParallelDynamicStitch"):
    register_op(
        _name,
        inputs=["indices: N * int32", "data: N * T"],
        outputs=["merged: T"],
        attrs=["N: int >= 1", "T: type"],
        shape=_stitch_shape,
        kernel=_stitch_kernel,
        grad=_stitch_grad,
    )


def dynamic_stitch(indices, data, name=None):
    """Mirrors `tf.dynamic_stitch`: interleaves the values of `data` into one tensor, element
    `data[m][i]` going to row `indices[m][i]`.

    Args:
      indices: a list of int32 Tensors.
      data: a list of Tensors of one type; `data[m].shape` starts with `indices[m].shape`.
      name: the op name (default "DynamicStitch").

    Returns:
      A Tensor with max(indices) + 1 rows; for a repeated index the last value wins.

    Raises:
      InvalidArgumentError: at run time, for a negative index or mismatched shapes.

    >>> dynamic_stitch([constant([0, 2]), constant([1])], [constant([1, 3]), constant([2])])
    <tf.Tensor 'DynamicStitch:0' shape=(3,) dtype=int32>
    """
    return apply_op("DynamicStitch", indices, data, name=name)


def parallel_dynamic_stitch(indices, data, name=None):
    """Mirrors TF's internal `data_flow_ops.parallel_dynamic_stitch`: `dynamic_stitch` as a
    ParallelDynamicStitch op (which TF's embedding lookups use).

    Args:
      indices: a list of int32 Tensors.
      data: a list of Tensors of one type.
      name: the op name (default "ParallelDynamicStitch").

    Returns:
      A Tensor with max(indices) + 1 rows.

    >>> parallel_dynamic_stitch([constant([1, 0])], [constant([5, 6])])  # [6, 5]
    <tf.Tensor 'ParallelDynamicStitch:0' shape=(2,) dtype=int32>
    """
    return apply_op("ParallelDynamicStitch", indices, data, name=name)
