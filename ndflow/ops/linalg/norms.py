"""`tf.norm` / `tf.linalg.norm` (TF1 signature): vector p-norms (p > 0, 'euclidean', inf)
over all elements or one axis, and matrix norms ('euclidean' / 'fro', 1, 2 through Svd, inf)
over an axis pair, with TF's argument checks and op structure.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import functional
from ndflow.ops import math

apply_op = op_builder.apply_op

_MATRIX_NORMS = ["euclidean", "fro", 1, 2, np.inf]
_VECTOR_NORMS = ["euclidean", 1, 2, np.inf]


def _checked_axis(ord, axis):
    """TF's argument checks; returns (axis as a tuple or None, is_matrix_norm)."""
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not isinstance(axis[0], int) or not isinstance(axis[1], int) or axis[0] == axis[1]:
            raise ValueError(
                f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
            )
        if ord not in _MATRIX_NORMS:
            raise ValueError(f"'ord' must be a supported matrix norm in {_MATRIX_NORMS}, got {ord}")
        return axis, True
    if not (isinstance(axis, int) or axis is None):
        raise ValueError(
            f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
        )
    if (not np.isreal(ord) or ord <= 0) and ord not in _VECTOR_NORMS:
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    return (None if axis is None else (axis,)), False


def _matrix_permutations(tensor, axis):
    """(perm moving the axis pair last, its inverse) as int32 Tensors computed in the graph
    as TF computes them (a map_fn over the axes), so the transposes' static dims are unknown
    as in TF. TF keeps the other axes with ListDiff; a mask over range(rank) does it here."""
    rank = array.rank(tensor)
    positive = functional.map_fn(
        lambda i: control_flow.cond(i >= 0, lambda: i, lambda: i + rank),
        op_builder.convert_to_tensor(axis),
    )
    every = math.range(rank)
    others = math.reduce_all(
        math.not_equal(array.expand_dims(every, -1), array.expand_dims(positive, 0)), axis=-1
    )
    before = array.concat([array.boolean_mask(every, others), positive], axis=0)
    return before, array.invert_permutation(before)


def _matrix_2_norm(tensor, axis):
    """The largest singular value over the axis pair (TF moves the pair last for Svd)."""
    perm_before, perm_after = _matrix_permutations(tensor, axis)
    permed = array.transpose(tensor, perm=perm_before)
    singular = apply_op("Svd", permed, compute_uv=False)[0]
    largest = math.reduce_max(math.abs(singular), axis=-1, keepdims=True)
    return array.transpose(array.expand_dims(largest, axis=-1), perm=perm_after)


def _absolute_norm(tensor, ord, axis, is_matrix):
    result = math.abs(tensor)
    if ord == 1:
        sum_axis = None if axis is None else axis[0]
        result = math.reduce_sum(result, sum_axis, keepdims=True)
        if is_matrix:
            result = math.reduce_max(result, axis[-1], keepdims=True)
        return result
    if ord == np.inf:
        if is_matrix:
            result = math.reduce_sum(result, axis[1], keepdims=True)
        max_axis = None if axis is None else axis[0]
        return math.reduce_max(result, max_axis, keepdims=True)
    # General p-norms (positive p only).
    return math.pow(math.reduce_sum(math.pow(result, ord), axis, keepdims=True), 1.0 / ord)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """Mirrors TF1 `tf.norm` / `tf.linalg.norm`: vector, matrix and tensor norms.

    Args:
      tensor: a float or complex Tensor.
      ord: 'euclidean' (default; Frobenius for matrices), 'fro', 1, 2, np.inf, or any
        p > 0 for vectors. Matrix norms support only 'euclidean', 'fro', 1, 2 and np.inf.
      axis: None (all elements as one vector), an int (vectors along it) or a pair of ints
        (matrices over them).
      keepdims: keep the reduced axes with size 1.
      name: the name scope (default "norm").
      keep_dims: the deprecated name of keepdims.

    Returns:
      A Tensor of tensor's type.

    Raises:
      ValueError: for an unsupported ord or axis.

    >>> norm(constant([3.0, 4.0]))  # 5.
    <tf.Tensor 'norm/Squeeze:0' shape=() dtype=float32>
    """
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'")
    keepdims = bool(keep_dims if keepdims is None else keepdims)
    axis, is_matrix = _checked_axis(ord, axis)
    with graph_lib.name_scope(name, "norm", [tensor]):
        tensor = op_builder.convert_to_tensor(tensor)
        if ord in ["fro", "euclidean", 2, 2.0]:
            if is_matrix and ord in [2, 2.0]:
                result = _matrix_2_norm(tensor, axis)
            else:
                squares = tensor * math.conj(tensor)
                result = math.sqrt(math.reduce_sum(squares, axis, keepdims=True))
        else:
            result = _absolute_norm(tensor, ord, axis, is_matrix)
        if not keepdims:
            result = array.squeeze(result, axis)
        return result
