"""Products composed from other ops, as TF composes them: `tf.tensordot` (transposes and
reshapes around one MatMul) and `tf.linalg.matvec` (a MatMul with the vector as a column).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math

Tensor = graph_lib.Tensor


def _tensordot_axes(a, axes):
    """TF's `_tensordot_axes`: the contraction axes of a and of b."""
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        if axes < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {axes}.")
        rank = a.shape.rank
        if rank is not None:
            if axes > rank:
                raise ValueError(
                    "`axes` must not be larger than the number of dimensions of tensor "
                    f"{a}.  Received {axes}, vs tensor dimensions {rank}."
                )
            return list(range(rank - axes, rank)), list(range(axes))
        dynamic_rank = array.rank(a)
        return (
            math.range(dynamic_rank - axes, dynamic_rank, dtype=dtypes.int32),
            math.range(axes, dtype=dtypes.int32),
        )
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
        a_axes, b_axes = axes
        if isinstance(a_axes, int) and isinstance(b_axes, int):
            a_axes, b_axes = [a_axes], [b_axes]
        if len(a_axes) != len(b_axes):
            raise ValueError(
                f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}."
            )
        return a_axes, b_axes
    axes = op_builder.convert_to_tensor(axes, name="axes", dtype=dtypes.int32)
    return axes[0], axes[1]


def _static_reshape(a, axes, flipped):
    """`_tensordot_reshape` for a fully known shape and Python axes."""
    shape_a = a.shape.as_list()
    axes = [i if i >= 0 else i + len(shape_a) for i in axes]
    free = [i for i in range(len(shape_a)) if i not in axes]
    free_dims = [shape_a[i] for i in free]
    prod_free = int(np.prod(free_dims, dtype=np.int64))
    prod_axes = int(np.prod([shape_a[i] for i in axes], dtype=np.int64))
    perm = list(axes) + free if flipped else free + list(axes)
    new_shape = [prod_axes, prod_free] if flipped else [prod_free, prod_axes]
    a_trans = array.transpose(a, perm) if perm != list(range(len(shape_a))) else a
    if a_trans.shape.as_list() != new_shape:
        return array.reshape(a_trans, new_shape), free_dims, free_dims
    return a_trans, free_dims, free_dims


def _free_axes(a, axes):
    """(axes, free axes) as int32 Tensors, for a tensor of unknown rank. TF uses ListDiff
    here; the free axes are the ranks not in `axes`, in order."""
    rank = array.rank(a)
    axes = op_builder.convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
    axes = math.where(axes >= 0, axes, axes + rank)
    every = math.range(rank)
    keep = math.reduce_all(
        math.not_equal(array.expand_dims(every, -1), array.expand_dims(axes, 0)), axis=-1
    )
    return axes, array.boolean_mask(every, keep)


def _tensordot_reshape(a, axes, flipped=False):
    """TF's `_tensordot_reshape`: (a as a matrix for MatMul, free dims, static free dims)."""
    if a.shape.is_fully_defined() and isinstance(axes, (list, tuple)):
        return _static_reshape(a, axes, flipped)
    if a.shape.rank is not None and isinstance(axes, (list, tuple)):
        shape_list = a.shape.as_list()
        axes = [i if i >= 0 else i + len(shape_list) for i in axes]
        free = [i for i in range(len(shape_list)) if i not in axes]
        free_dims_static = [shape_list[i] for i in free]
        axes = op_builder.convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
        free = op_builder.convert_to_tensor(free, dtype=dtypes.int32, name="free")
    else:
        free_dims_static = None
        axes, free = _free_axes(a, axes)
    shape_a = array.shape(a)
    free_dims = array.gather(shape_a, free)
    axes_dims = array.gather(shape_a, axes)
    prod_free, prod_axes = math.reduce_prod(free_dims), math.reduce_prod(axes_dims)
    if flipped:
        perm = array.concat([axes, free], 0)
        new_shape = array.stack([prod_axes, prod_free])
    else:
        perm = array.concat([free, axes], 0)
        new_shape = array.stack([prod_free, prod_axes])
    reshaped = array.reshape(array.transpose(a, perm), new_shape)
    return reshaped, free_dims, free_dims_static


def tensordot(a, b, axes, name=None):
    """Mirrors `tf.tensordot` / `tf.linalg.tensordot`: sums the products of a and b over
    the given axes (numpy.tensordot), as one MatMul between transposed reshapes.

    Args:
      a: a Tensor.
      b: a Tensor of a's type.
      axes: N (the last N axes of a with the first N of b), a pair of axis lists, or an
        int32 Tensor of shape [2, k].
      name: the name scope (default "Tensordot").

    Returns:
      A Tensor of a's type: a's free dims followed by b's.

    Raises:
      ValueError: for inconsistent axes.

    >>> tensordot(ones([2, 3]), ones([3, 4]), 1)
    <tf.Tensor 'Tensordot/MatMul:0' shape=(2, 4) dtype=float32>
    """
    with graph_lib.name_scope(name, "Tensordot", [a, b, axes]) as scope:
        a = op_builder.convert_to_tensor(a, name="a")
        b = op_builder.convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, axes)
        a_reshape, a_free, a_free_static = _tensordot_reshape(a, a_axes)
        b_reshape, b_free, b_free_static = _tensordot_reshape(b, b_axes, True)
        product = math.matmul(a_reshape, b_reshape)
        if isinstance(a_free, list) and isinstance(b_free, list):
            if product.shape.is_fully_defined() and product.shape.as_list() == a_free + b_free:
                return product
            return array.reshape(product, a_free + b_free, name=scope)
        a_free = op_builder.convert_to_tensor(a_free, dtype=dtypes.int32)
        b_free = op_builder.convert_to_tensor(b_free, dtype=dtypes.int32)
        result = array.reshape(product, array.concat([a_free, b_free], 0), name=scope)
        if a_free_static is not None and b_free_static is not None:
            result.set_shape(a_free_static + b_free_static)
        return result


def matvec(
    a,
    b,
    transpose_a=False,
    adjoint_a=False,
    a_is_sparse=False,
    b_is_sparse=False,
    name=None,
):
    """Mirrors `tf.linalg.matvec`: the matrix-vector product a @ b over batch dims.

    Args:
      a: a Tensor [..., M, N].
      b: a Tensor [..., N] of a's type.
      transpose_a: multiply by a's transpose.
      adjoint_a: multiply by a's conjugate transpose.
      a_is_sparse: a hint, ignored.
      b_is_sparse: a hint, ignored.
      name: the name scope (default "MatVec").

    Returns:
      A Tensor [..., M].

    >>> matvec(ones([2, 3]), ones([3]))  # [3., 3.]
    <tf.Tensor 'MatVec/Squeeze:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "MatVec", [a, b]):
        output = math.matmul(
            a,
            array.expand_dims(b, axis=-1),
            transpose_a=transpose_a,
            adjoint_a=adjoint_a,
            a_is_sparse=a_is_sparse,
            b_is_sparse=b_is_sparse,
        )
        return array.squeeze(output, axis=-1)
