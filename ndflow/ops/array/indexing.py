"""Python indexing and the builders composed from slicing and gathering.

`Tensor.__getitem__` (`t[1:, ..., tf.newaxis, ::-1]`, `t[0]`, `t[tensor_index]`, `t[mask]`),
`tf.boolean_mask` and `tf.gather_nd` (with `batch_dims`). These build several ops, named as
TF names them; Prod, Range and Cast come from the math family and are built by type name.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops.array import constants
from ndflow.ops.array import gathering
from ndflow.ops.array import joining
from ndflow.ops.array import rearranging
from ndflow.ops.array import searching
from ndflow.ops.array import shapes
from ndflow.ops.array import slicing

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor

newaxis = slicing.newaxis


def _static(value):
    """TF's `constant_value` on a tensor; other values are already static."""
    return tensor_util.constant_value(value) if isinstance(value, Tensor) else value


# ---------------------------------------------------------------------- boolean_mask


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """Mirrors `tf.compat.v1.boolean_mask`: NumPy's `tensor[mask]`.

    Args:
      tensor: a Tensor of rank >= rank(mask).
      mask: a bool Tensor of known rank k >= 1; its shape must match `tensor`'s dims
        `axis .. axis + k`.
      name: the name scope.
      axis: the first dimension the mask applies to (0 by default).

    Returns:
      A Tensor whose dims `axis .. axis + k` are replaced by one dim: the true elements.

    Raises:
      ValueError: for a scalar mask, a mask of unknown rank, or statically
        incompatible shapes.

    >>> boolean_mask(constant([1, 2, 3]), [True, False, True])
    <tf.Tensor 'boolean_mask/GatherV2:0' shape=(?,) dtype=int32>
    """
    values = [v for v in (tensor, mask) if isinstance(v, Tensor)]
    with graph_lib.name_scope(name, "boolean_mask", values):
        tensor = op_builder.convert_to_tensor(tensor, name="tensor")
        mask = op_builder.convert_to_tensor(mask, name="mask")
        mask_rank = mask.shape.rank
        if mask_rank == 0:
            raise ValueError("mask cannot be scalar.")
        if mask_rank is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some "
                "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                "is not."
            )
        axis = 0 if axis is None else axis
        axis_value = _static(axis)
        static = tensor.shape
        if axis_value is not None:
            axis = int(axis_value)
            static[axis : axis + mask_rank].assert_is_compatible_with(mask.shape)
        tensor = _flatten_masked_dims(tensor, axis, mask_rank)
        if axis_value is not None:
            first = static[axis : axis + mask_rank].num_elements()
            tensor.set_shape(
                tensor_shape.as_shape(static[:axis])
                .concatenate([first])
                .concatenate(static[axis + mask_rank :])
            )
        mask = shapes.reshape(mask, [-1])
        indices = shapes.squeeze(searching.where_indices(mask), axis=[1])
        return gathering.gather(tensor, indices, axis=axis)


def _flatten_masked_dims(tensor, axis, count):
    """`tensor` with dims `axis .. axis + count` merged into one."""
    leading = apply_op("Prod", shapes.shape(tensor)[axis : axis + count], [0])
    dims = [shapes.shape(tensor)[:axis], [leading], shapes.shape(tensor)[axis + count :]]
    return shapes.reshape(tensor, joining.concat(dims, 0))


# ---------------------------------------------------------------------- gather_nd


def gather_nd(params, indices, name=None, batch_dims=0, bad_indices_policy=""):
    """Mirrors `tf.compat.v1.gather_nd`: slices of `params` at index vectors.

    Args:
      params: the Tensor to gather from.
      indices: an int Tensor [..., depth]; each vector indexes the first `depth` dims
        of `params` (after the batch dims).
      name: the op name.
      batch_dims: leading dimensions shared by `params` and `indices`.
      bad_indices_policy: "" or "DEFAULT" (an error), "ERROR", or "IGNORE" (zeros).

    Returns:
      A Tensor of shape `indices.shape[:-1] + params.shape[batch_dims + depth:]`.

    Raises:
      InvalidArgumentError: at run time, for an index vector outside `params`.

    >>> gather_nd(constant([[1, 2], [3, 4]]), [[1, 0]])
    <tf.Tensor 'GatherNd:0' shape=(1,) dtype=int32>
    """
    static = _static(batch_dims)
    if static is not None:
        batch_dims = int(static)
    if batch_dims == 0 and bad_indices_policy not in ("", "DEFAULT"):
        return apply_op(
            "GatherNd", params, indices, bad_indices_policy=bad_indices_policy, name=name
        )
    if batch_dims == 0:
        variable_gather = getattr(params, "gather_nd", None)
        if variable_gather is not None:
            return variable_gather(indices, name=name)
        return apply_op(
            "GatherNd", params, indices, bad_indices_policy=bad_indices_policy, name=name
        )
    return _batch_gather_nd(params, indices, batch_dims, name, bad_indices_policy)


def _check_batch_dims(params, indices, batch_dims):
    if not isinstance(batch_dims, int):
        raise TypeError(f"Argument `batch_dims` must be an int; got {batch_dims}")
    if batch_dims < 0:
        raise ValueError("tf.gather_nd does not allow negative batch_dims.")
    for label, rank in (("indices", indices.shape.rank), ("params", params.shape.rank)):
        if rank is not None and batch_dims >= rank:
            raise ValueError(
                f"Argument `batch_dims` = {batch_dims} must be less than rank(`{label}`) = {rank}"
            )


def _batch_index_grid(batch_shape, indices, batch_dims):
    """The batch coordinates of every index vector: [batch size, i1..iK, batch_dims]."""
    index_dtype = indices.dtype.base_dtype
    ranges = [
        apply_op(
            "Cast",
            apply_op("Range", 0, apply_op("Cast", size, DstT=dtypes.int32), 1),
            DstT=index_dtype,
        )
        for size in joining.unstack(batch_shape, axis=0)
    ]
    mesh = joining.meshgrid(*ranges, indexing="ij") if ranges else []
    grid = rearranging.transpose(joining.stack([shapes.reshape(m, (-1,)) for m in mesh], axis=0))
    inner_rank = shapes.rank(indices) - batch_dims - 1
    grid_shape = shapes.shape(grid)
    grid = shapes.reshape(
        grid,
        joining.concat(
            [grid_shape[:1], constants.ones(inner_rank, dtype=grid_shape.dtype), grid_shape[1:]],
            axis=0,
        ),
    )
    inner_shape = shapes.shape(indices)[batch_dims:-1]
    return rearranging.tile(grid, joining.concat(((1,), inner_shape, (1,)), axis=0))


def _batch_gather_nd(params, indices, batch_dims, name, bad_indices_policy):
    """TF's `batch_gather_nd`: prepends batch coordinates and gathers once."""
    values = [v for v in (params, indices) if isinstance(v, Tensor)]
    with graph_lib.name_scope(name, "BatchGatherND", values):
        indices = op_builder.convert_to_tensor(indices, name="indices")
        params = op_builder.convert_to_tensor(params, name="params")
        _check_batch_dims(params, indices, batch_dims)
        batch_shape = shapes.shape(params)[:batch_dims]
        batch_size = apply_op("Prod", batch_shape, [0])
        grid = _batch_index_grid(batch_shape, indices, batch_dims)
        flat_shape = joining.concat(([batch_size], shapes.shape(indices)[batch_dims:]), axis=0)
        flat_indices = shapes.reshape(indices, flat_shape)
        full = joining.concat((grid, flat_indices), axis=-1)
        out = apply_op("GatherNd", params, full, bad_indices_policy=bad_indices_policy)
        return shapes.reshape(out, joining.concat((batch_shape, shapes.shape(out)[1:]), axis=0))


# ---------------------------------------------------------------------- Tensor.__getitem__


def _is_bool_mask(spec) -> bool:
    if isinstance(spec, bool):
        return True
    if isinstance(spec, Tensor):
        return spec.dtype.base_dtype is dtypes.bool
    return isinstance(spec, np.ndarray) and spec.dtype == np.bool_


def _getitem(tensor, spec):
    """`tensor[spec]`: a boolean mask, or integers, slices, `...` and `tf.newaxis`."""
    if _is_bool_mask(spec):
        return boolean_mask(tensor=tensor, mask=spec)
    return slicing.slice_spec(tensor, spec)


Tensor._override_operator("__getitem__", _getitem)
