"""Sparse to dense: SparseToDense with `tf.sparse_to_dense`, `tf.sparse.to_dense`
(`tf.sparse_tensor_to_dense`), and the indicator/merge builders on top of it
(`tf.sparse.to_indicator`, `tf.sparse_merge`), as TF's sparse_ops.py builds them.

SparseToDense's gradient is TF's (sparse_grad.py); Sum and Sub come from the math family.
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import operation
from ndflow.framework import registry
from ndflow.framework import sparse_tensor
from ndflow.ops import math
from ndflow.ops.array import constants
from ndflow.ops.array import indexing
from ndflow.ops.array import joining
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes
from ndflow.ops.sparse import coordinates
from ndflow.ops.sparse import reordering

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
SparseTensor = sparse_tensor.SparseTensor


def _reduce_all(x):
    """reduce_sum(x) over every axis, as TF builds it for a tensor of any rank."""
    axes = apply_op("Range", 0, apply_op("Rank", x), 1, name="range")
    return apply_op("Sum", x, axes)


# ---------------------------------------------------------------------- SparseToDense


def _to_dense_shape(op):
    """TF's: the shape output_shape describes; the other inputs are checked at run time."""
    return [infer.shape_from_shape_tensor(op.inputs[1])]


def _check_to_dense(indices, output_shape, values, default_value):
    if indices.ndim > 2:
        raise invalid(
            "sparse_indices should be a scalar, vector, or matrix, got shape "
            f"{format_dims(indices.shape)}"
        )
    if np.ndim(output_shape) != 1:
        raise invalid(
            f"output_shape should be a vector, got shape {format_dims(np.shape(output_shape))}"
        )
    count = indices.shape[0] if indices.ndim > 0 else 1
    rank = indices.shape[1] if indices.ndim > 1 else 1
    if not (values.ndim == 0 or values.shape == (count,)):
        raise invalid(
            f"sparse_values has incorrect shape {format_dims(values.shape)}, should be [] or "
            f"[{count}]"
        )
    if np.ndim(default_value) != 0:
        raise invalid("default_value should be a scalar.")
    if np.size(output_shape) != rank:
        raise invalid(
            f"output_shape has incorrect number of elements: {np.size(output_shape)} should "
            f"be: {rank}"
        )
    return indices.reshape(count, rank).astype(np.int64)


def _to_dense_kernel(
    ctx, sparse_indices, output_shape, sparse_values, default_value, validate_indices
):
    values = np.asarray(sparse_values)
    coords = _check_to_dense(np.asarray(sparse_indices), output_shape, values, default_value)
    dims = np.asarray(output_shape, dtype=np.int64)
    if (dims < 0).any():
        raise invalid(f"Dimension {int(dims[dims < 0][0])} must be >= 0")
    if validate_indices:
        coordinates.validate_sorted(coords, dims)
    elif np.any((coords < 0) | (coords >= dims)):
        raise invalid(f"Indices are not valid (out of bounds).  Shape: {format_dims(dims)}")
    dense = np.full(tuple(dims), default_value, dtype=values.dtype)
    if coords.shape[0]:
        flat = np.ravel_multi_index(coords.T, dims)
        dense.reshape(-1)[flat] = np.broadcast_to(values, (coords.shape[0],))
    return dense


def _to_dense_grad(op, grad):
    """TF's `_SparseToDenseGrad`: the values get the gradient at their positions, the
    default value everything else."""
    values_grad = indexing.gather_nd(grad, op.inputs[0])
    default_grad = apply_op("Sub", _reduce_all(grad), _reduce_all(values_grad))
    return [None, None, values_grad, default_grad]


register_op(
    "SparseToDense",
    inputs=[
        "sparse_indices: Tindices",
        "output_shape: Tindices",
        "sparse_values: T",
        "default_value: T",
    ],
    outputs=["dense: T"],
    attrs=["validate_indices: bool = true", "T: type", "Tindices: {int32, int64}"],
    shape=_to_dense_shape,
    kernel=_to_dense_kernel,
    grad=_to_dense_grad,
)


def sparse_to_dense(
    sparse_indices, output_shape, sparse_values, default_value=0, validate_indices=True, name=None
):
    """Mirrors the deprecated `tf.compat.v1.sparse_to_dense`: a dense tensor of
    `default_value` with `sparse_values` at `sparse_indices`.

    Args:
      sparse_indices: int32/int64 indices: a scalar, a vector, or an [N, rank] matrix.
      output_shape: the dense shape, a 1-D int Tensor.
      sparse_values: a scalar (for every index) or an [N] vector.
      default_value: the value everywhere else (a scalar).
      validate_indices: require sorted, unique, in-bounds indices.
      name: the op name (default "SparseToDense").

    Returns:
      A Tensor of shape `output_shape` and the values' type.

    Raises:
      InvalidArgumentError: at run time, for unsorted, repeated or out-of-bounds indices.

    >>> sparse_to_dense([[0, 1]], [2, 2], [5.0])  # [[0, 5], [0, 0]]
    <tf.Tensor 'SparseToDense:0' shape=(2, 2) dtype=float32>
    """
    return apply_op(
        "SparseToDense",
        sparse_indices,
        output_shape,
        sparse_values,
        default_value,
        validate_indices=validate_indices,
        name=name,
    )


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """Mirrors `tf.sparse.to_dense` (`tf.sparse_tensor_to_dense`): the dense tensor a
    SparseTensor describes.

    Args:
      sp_input: a SparseTensor (or SparseTensorValue).
      default_value: the value of the missing entries (default: zero, "" for strings).
      validate_indices: require sorted, unique, in-bounds indices.
      name: the op name (default "SparseToDense").

    Returns:
      A Tensor of shape `sp_input.dense_shape`.

    Raises:
      TypeError: when `sp_input` is not sparse.
      InvalidArgumentError: at run time, for unsorted, repeated or out-of-bounds indices.

    >>> sparse_tensor_to_dense(SparseTensor([[1]], [3], [2]))  # [0, 3]
    """
    sp_input = coordinates.convert_to_sparse_tensor(sp_input)
    if default_value is None:
        default_value = constants.zeros([], dtype=sp_input.dtype)
    return sparse_to_dense(
        sp_input.indices,
        sp_input.dense_shape,
        sp_input.values,
        default_value=default_value,
        validate_indices=validate_indices,
        name=name,
    )


# ---------------------------------------------------------------------- merge and indicator


def _vocab_sizes(sp_ids, vocab_size):
    """TF's argument checks in `sparse_merge_impl`: (list of sparse ids, list of sizes)."""
    if coordinates.is_sparse(sp_ids):
        if not isinstance(vocab_size, (operation.Tensor, numbers.Integral)):
            raise TypeError(
                f"vocab_size has to be a Tensor or Python int. Found {type(vocab_size)}"
            )
        return [sp_ids], [vocab_size]
    if not isinstance(sp_ids, (list, tuple)):
        raise TypeError(f"sp_ids has to be a SparseTensor or list thereof. Found {type(sp_ids)}")
    if not isinstance(vocab_size, (list, tuple)):
        raise TypeError(
            f"vocab_size has to be a list of Tensors or Python ints. Found {type(vocab_size)}"
        )
    for size in vocab_size:
        if not isinstance(size, (operation.Tensor, numbers.Integral)):
            raise TypeError(
                f"vocab_size has to be a list of Tensors or Python ints. Found {type(size)}"
            )
    return list(sp_ids), list(vocab_size)


def _merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """TF's `sparse_merge_impl`."""
    sp_ids, vocab_size = _vocab_sizes(sp_ids, vocab_size)
    if len(sp_ids) != len(vocab_size):
        raise ValueError("sp_ids and vocab_size have to have equal lengths.")
    with graph_lib.name_scope(name, "SparseMerge", [sp_ids, sp_values]):
        sp_ids = [coordinates.convert_to_sparse_tensor(ids) for ids in sp_ids]
        sp_values = coordinates.convert_to_sparse_tensor(sp_values)
        columns = [
            shapes.expand_dims(math.cast(ids.values, dtypes.int64), axis=1) for ids in sp_ids
        ]
        sizes = [math.cast(size, dtypes.int64) for size in vocab_size]
        kept_columns = sp_ids[0].indices[:, :-1]
        new_indices = joining.concat([kept_columns] + columns, 1)
        new_shape = joining.concat([sp_ids[0].dense_shape[:-1], sizes], 0)
        result = SparseTensor(new_indices, sp_values.values, new_shape)
        if already_sorted:
            return result
        ordered = reordering.sparse_reorder(result)
        return SparseTensor(ordered.indices, ordered.values, new_shape)


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """Mirrors the deprecated `tf.sparse.merge` (`tf.sparse_merge`): ids and values of a batch
    combined into one SparseTensor whose last dimension is the id.

    Args:
      sp_ids: a SparseTensor of int32/int64 ids, or a list of them.
      sp_values: a SparseTensor of values, same indices as `sp_ids`.
      vocab_size: the size of the new last dimension (or a list, one per `sp_ids`).
      name: the name scope (default "SparseMerge").
      already_sorted: skip the reorder when the ids are sorted within each row.

    Returns:
      A SparseTensor of shape `sp_ids.dense_shape[:-1] + [vocab_size]`.

    Raises:
      TypeError: for arguments of the wrong kind.
      ValueError: when `sp_ids` and `vocab_size` differ in length.

    >>> sparse_merge(SparseTensor([[0, 0]], [4], [1, 1]), SparseTensor([[0, 0]], [0.5], [1, 1]), 6)
    """
    return _merge(sp_ids, sp_values, vocab_size, name, already_sorted)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """Mirrors `tf.sparse.to_indicator` (`tf.sparse_to_indicator`): a dense bool tensor,
    True at [d0, ..., dn, id] for every id of row [d0, ..., dn].

    Args:
      sp_input: a SparseTensor of int32/int64 ids, canonically ordered.
      vocab_size: the size of the new last dimension.
      name: the name scope (default "SparseToIndicator").

    Returns:
      A bool Tensor of shape `sp_input.dense_shape[:-1] + [vocab_size]`.

    >>> sparse_to_indicator(SparseTensor([[0, 0], [0, 1]], [2, 0], [1, 2]), 3)  # [[T, F, T]]
    """
    sp_input = coordinates.convert_to_sparse_tensor(sp_input)
    with graph_lib.name_scope(name, "SparseToIndicator", [sp_input]) as scope:
        num_entries = shapes.shape(sp_input.indices)[0]
        new_values = constants.fill(shapes.expand_dims(num_entries, 0), True)
        sp_values = SparseTensor(sp_input.indices, new_values, sp_input.dense_shape)
        sp_new = _merge(sp_input, sp_values, vocab_size, scope)
        return sparse_tensor_to_dense(
            sp_new, default_value=False, validate_indices=False, name=scope
        )
