"""Joining and splitting SparseTensors: SparseConcat (`tf.sparse.concat`, with
expand_nonconcat_dim) and SparseSplit (`tf.sparse.split`), as TF's sparse_ops.py builds them.
TF declares SparseConcat not differentiable and registers no gradient for SparseSplit."""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops.array import joining
from ndflow.ops.array import shapes
from ndflow.ops.math import reduction
from ndflow.ops.sparse import coordinates

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = coordinates.format_dims
invalid = coordinates.invalid
TensorShape = tensor_shape.TensorShape
SparseTensor = sparse_tensor.SparseTensor


# ---------------------------------------------------------------------- SparseConcat


def _concat_shape(op):
    count = len(op.inputs) // 3
    rows, columns, dense_shape = 0, None, tensor_shape.unknown_shape()
    for position in range(count):
        indices = shape_errors.require_rank(op.inputs[position].shape, 2)
        values = shape_errors.require_rank(op.inputs[position + count].shape, 1)
        shape = shape_errors.require_rank(op.inputs[position + 2 * count].shape, 1)
        entries = shape_errors.merge_dims(coordinates.dim(indices, 0), coordinates.dim(values, 0))
        rows = None if rows is None or entries is None else rows + entries
        columns = shape_errors.merge_dims(columns, coordinates.dim(indices, 1))
        dense_shape = shape_errors.merge_shapes(dense_shape, shape)
    return [TensorShape([rows, columns]), TensorShape([rows]), dense_shape]


def _check_concat_ranks(indices, values, shapes_in) -> None:
    for label, arrays, rank in (
        ("Input indices should be a matrix", indices, 2),
        ("Input values should be a vector", values, 1),
        ("Input shapes should be a vector", shapes_in, 1),
    ):
        for position, array in enumerate(arrays):
            if np.ndim(array) != rank:
                raise invalid(
                    f"{label} but received shape {format_dims(np.shape(array))} at position "
                    f"{position}"
                )


def _check_concat_shapes(shapes_in, concat_dim: int) -> int:
    """TF's checks: the axis in range, equal ranks and equal non-concat dims; the axis."""
    first = np.asarray(shapes_in[0], np.int64)
    rank = first.size
    axis = concat_dim + rank if concat_dim < 0 else concat_dim
    if not 0 <= axis < rank:
        raise invalid(f"Concat dimension must be in range [{-rank}, {rank}), got {concat_dim}")
    for position, shape in enumerate(shapes_in[1:], start=1):
        shape = np.asarray(shape, np.int64)
        if shape.size != rank:
            raise invalid(
                f"Ranks of all input tensors must match: expected {rank} but got {shape.size} "
                f"at position {position}"
            )
        differs = (shape != first) & (np.arange(rank) != axis)
        if differs.any():
            dim = int(np.argmax(differs))
            raise invalid(
                f"Input shapes must match: expected {first[dim]} for dimension {dim} but got "
                f"{shape[dim]} at position {position}"
            )
    return axis


def _concat_kernel(ctx, indices, values, shapes_in, concat_dim):
    _check_concat_ranks(indices, values, shapes_in)
    axis = _check_concat_shapes(shapes_in, concat_dim)
    for part_indices, part_values, shape in zip(indices, values, shapes_in):
        coordinates.check_created(part_indices, part_values, shape)
    sizes = np.array([np.asarray(s, np.int64)[axis] for s in shapes_in], np.int64)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    shifted = []
    for part_indices, offset in zip(indices, offsets):
        part = np.array(part_indices, dtype=np.int64)
        part[:, axis] += offset
        shifted.append(part)
    all_indices = np.concatenate(shifted, axis=0)
    all_values = np.concatenate([np.asarray(v) for v in values], axis=0)
    order = coordinates.canonical_order(all_indices)
    output_shape = np.array(shapes_in[0], dtype=np.int64)
    output_shape[axis] = sizes.sum()
    return all_indices[order], all_values[order], output_shape


register_op(
    "SparseConcat",
    inputs=["indices: N * int64", "values: N * T", "shapes: N * int64"],
    outputs=["output_indices: int64", "output_values: T", "output_shape: int64"],
    attrs=["concat_dim: int", "N: int >= 2", "T: type"],
    shape=_concat_shape,
    kernel=_concat_kernel,
)
registry.not_differentiable("SparseConcat", "TF declares it NotDifferentiable (sparse_grad.py)")


def _expanded_shapes(dense_shapes, axis):
    """TF's expand_nonconcat_dim: every shape takes the largest size in each other dim."""
    max_shape = reduction.reduce_max(
        joining.concat([shapes.reshape(shape, [1, -1]) for shape in dense_shapes], 0), 0
    )
    expanded = []
    for shape in dense_shapes:
        own = shape[-1:] if axis == -1 else shape[axis : axis + 1]
        after = [] if axis == -1 else max_shape[axis + 1 :]
        expanded.append(joining.concat([max_shape[:axis], own, after], 0))
    return expanded


def _static_concat_shape(input_shapes, axis, expand: bool):
    """TF's static output shape: a list of ints/None, or None when a rank is unknown."""
    if any(shape.rank is None for shape in input_shapes):
        return None
    dims = [shape.as_list() for shape in input_shapes]
    if expand:
        output = [
            None if any(d[i] is None for d in dims) else max(d[i] for d in dims)
            for i in range(len(dims[0]))
        ]
    else:
        output = list(dims[0])
    along = [d[axis] for d in dims]
    output[axis] = None if None in along else sum(along)
    return output


def sparse_concat_v2(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """Mirrors `tf.sparse.concat` of TF2 (see `sparse_concat`)."""
    sp_inputs = coordinates.convert_to_sparse_tensors(sp_inputs)
    if len(sp_inputs) == 1:
        return sp_inputs[0]
    dense_shapes = [sp.dense_shape for sp in sp_inputs]
    if expand_nonconcat_dims:
        dense_shapes = _expanded_shapes(dense_shapes, axis)
    indices, values, output_shape = apply_op(
        "SparseConcat",
        [sp.indices for sp in sp_inputs],
        [sp.values for sp in sp_inputs],
        dense_shapes,
        concat_dim=axis,
        name=name,
    )
    input_shapes = [sp.shape for sp in sp_inputs]
    static = _static_concat_shape(input_shapes, axis, expand_nonconcat_dims)
    if all(shape.is_fully_defined() for shape in input_shapes):
        constant_shape = op_builder.convert_to_tensor(static, dtype=dtypes.int64)
        return SparseTensor(indices, values, constant_shape)
    output = SparseTensor(indices, values, output_shape)
    output.set_shape(tensor_shape.unknown_shape() if static is None else TensorShape(static))
    return output


def sparse_concat(
    axis,
    sp_inputs,
    name=None,
    expand_nonconcat_dim=False,
    concat_dim=None,
    expand_nonconcat_dims=None,
):
    """Mirrors TF1 `tf.sparse.concat` (`tf.sparse_concat`): SparseTensors joined along `axis`
    of their dense shapes; the result is canonically ordered.

    Args:
      axis: the dimension to join along, in [-rank, rank).
      sp_inputs: a list of SparseTensors with equal ranks.
      name: the op name (default "SparseConcat").
      expand_nonconcat_dim: let the other dimensions differ; each takes the largest size.
      concat_dim: the deprecated name of `axis`.
      expand_nonconcat_dims: an alias of `expand_nonconcat_dim` (TF raises when it is given,
        as both spellings then hold a value).

    Returns:
      The concatenated SparseTensor (the single input when there is one).

    Raises:
      TypeError: when `sp_inputs` is not a list of SparseTensors.
      InvalidArgumentError: at run time, for shapes that do not match.

    >>> sparse_concat(1, [SparseTensor([[0, 0]], [1], [1, 2]), SparseTensor([[0, 1]], [2], [1, 2])])
    """
    expand = coordinates.deprecated_lookup(
        "expand_nonconcat_dims", expand_nonconcat_dims, "expand_nonconcat_dim", expand_nonconcat_dim
    )
    if expand_nonconcat_dims is not None:
        expand = expand_nonconcat_dims
    axis = coordinates.deprecated_lookup("axis", axis, "concat_dim", concat_dim)
    return sparse_concat_v2(axis, sp_inputs, expand, name)


# ---------------------------------------------------------------------- SparseSplit


def _split_shape(op):
    shape = op.inputs[3].shape
    rank = coordinates.dim(shape, 0) if shape.rank == 1 else None
    count = op.attrs["num_split"]
    return [TensorShape([None, rank])] * count + [TensorShape([None])] * count + [shape] * count


def _check_split_inputs(split_dim, indices, values, shape, num_split) -> int:
    if np.ndim(split_dim) != 0:
        raise invalid(
            f"Input axis should be a scalar but received shape {format_dims(np.shape(split_dim))}"
        )
    for label, value, rank in (
        ("Input indices should be a matrix", indices, 2),
        ("Input values should be a vector", values, 1),
        ("Input shape should be a vector", shape, 1),
    ):
        if np.ndim(value) != rank:
            raise invalid(f"{label} but received shape {format_dims(np.shape(value))}")
    rank = np.size(shape)
    axis = int(split_dim)
    if not -rank <= axis < rank:
        raise invalid(f"Input axis should be in range [{-rank}, {rank}), got {axis}")
    axis %= rank
    size = int(np.ravel(shape)[axis])
    if not 1 <= num_split <= size:
        raise invalid(
            "Input num_split should be between 1 and the splitting dimension size "
            f"({size}), got {num_split}"
        )
    coordinates.check_sparse_tensor(indices, values, shape)
    coordinates.check_in_bounds(np.asarray(indices), np.asarray(shape, np.int64))
    return axis


def _split_positions(coords, size: int, num_split: int):
    """TF's GetSliceIndex / GetDimensionInSlice: the first `size % num_split` slices are one
    larger. Returns (slice index, coordinate within the slice) per entry."""
    base, residual = divmod(size, num_split)
    boundary = residual * (base + 1)
    low = coords < boundary
    wide = base + 1
    narrow = max(base, 1)
    slice_index = np.where(low, coords // wide, residual + (coords - boundary) // narrow)
    within = np.where(low, coords % wide, (coords - boundary) % narrow)
    return slice_index, within


def _split_kernel(ctx, split_dim, indices, values, shape, num_split):
    axis = _check_split_inputs(split_dim, indices, values, shape, num_split)
    indices, values = np.asarray(indices, np.int64), np.asarray(values)
    dims = np.asarray(shape, np.int64).reshape(-1)
    slice_index, within = _split_positions(indices[:, axis], int(dims[axis]), num_split)
    moved = indices.copy()
    moved[:, axis] = within
    order = np.argsort(slice_index, kind="stable")
    bounds = np.searchsorted(slice_index[order], np.arange(num_split + 1))
    base, residual = divmod(int(dims[axis]), num_split)
    out_indices, out_values, out_shapes = [], [], []
    for k in range(num_split):
        chosen = order[bounds[k] : bounds[k + 1]]
        out_indices.append(moved[chosen])
        out_values.append(values[chosen])
        piece = dims.copy()
        piece[axis] = base + (1 if k < residual else 0)
        out_shapes.append(piece)
    return out_indices, out_values, out_shapes


register_op(
    "SparseSplit",
    inputs=["split_dim: int64", "indices: int64", "values: T", "shape: int64"],
    outputs=[
        "output_indices: num_split * int64",
        "output_values: num_split * T",
        "output_shape: num_split * int64",
    ],
    attrs=["num_split: int >= 1", "T: type"],
    shape=_split_shape,
    kernel=_split_kernel,
)
registry.not_differentiable("SparseSplit", "TF registers no gradient for it")


class KeywordRequired:
    """TF's marker that `sparse_split`'s arguments must be given by keyword."""

    def __repr__(self) -> str:
        return "KeywordRequired()"


def sparse_split(
    keyword_required=KeywordRequired(),  # noqa: B008 - TF's sentinel default
    sp_input=None,
    num_split=None,
    axis=None,
    name=None,
    split_dim=None,
):
    """Mirrors TF1 `tf.sparse.split` (`tf.sparse_split`): `num_split` SparseTensors along
    `axis`; when the size is not a multiple, the first pieces are one larger.

    Args:
      keyword_required: TF's guard; every argument must be given by keyword.
      sp_input: the SparseTensor to split.
      num_split: the number of pieces (a Python int).
      axis: the dimension to split, in [-rank, rank).
      name: the op name (default "SparseSplit").
      split_dim: the deprecated name of `axis`.

    Returns:
      A list of `num_split` SparseTensors.

    Raises:
      ValueError: for a positional argument, or a missing one.

    >>> sparse_split(sp_input=SparseTensor([[0, 3]], [1], [1, 4]), num_split=2, axis=1)
    """
    if not isinstance(keyword_required, KeywordRequired):
        raise ValueError("Keyword arguments are required for this function.")
    if sp_input is None:
        raise ValueError("sp_input is required")
    if num_split is None:
        raise ValueError("num_split is required")
    if axis is None:
        raise ValueError("axis is required")
    axis = coordinates.deprecated_lookup("axis", axis, "split_dim", split_dim)
    sp_input = coordinates.convert_to_sparse_tensor(sp_input)
    outputs = apply_op(
        "SparseSplit",
        axis,
        sp_input.indices,
        sp_input.values,
        sp_input.dense_shape,
        num_split=num_split,
        name=name,
    )
    indices, values, dense_shapes = outputs
    return [SparseTensor(indices[k], values[k], dense_shapes[k]) for k in range(num_split)]
