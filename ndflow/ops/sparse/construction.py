"""Building SparseTensors from other things: `tf.sparse_placeholder` (placeholders for the
three components, fed with a SparseTensorValue or a tuple), `tf.sparse.from_dense` (Where +
GatherNd) and `tf.sparse.eye`, with TF's op names."""

from __future__ import annotations

import numbers

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import operation
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import math
from ndflow.ops.array import constants
from ndflow.ops.array import indexing
from ndflow.ops.array import joining
from ndflow.ops.array import shapes
from ndflow.ops.math import comparison
from ndflow.ops.math import sequence

SparseTensor = sparse_tensor.SparseTensor


def _suffixed(name, suffix):
    return None if name is None else f"{name}/{suffix}"


def _dense_shape_placeholder(shape, name):
    """(the dense_shape tensor, its static value as a TensorShape), as TF's
    `sparse_placeholder` builds them: a PlaceholderWithDefault over the given shape."""
    if shape is None:
        dense_shape = constants.placeholder(dtypes.int64, [None], name=_suffixed(name, "shape"))
        return dense_shape, None, tensor_util.constant_value_as_shape(dense_shape)
    if isinstance(shape, operation.Tensor):
        rank = tensor_shape.dimension_value(shape.shape[0])
        default = tensor_util.constant_value_as_shape(shape)
    else:
        rank = len(shape)
        dims = [tensor_shape.dimension_value(d) for d in shape]
        default = tensor_shape.TensorShape([None if d == -1 else d for d in dims])
        shape = op_builder.convert_to_tensor(
            [-1 if d is None else d for d in dims],
            dtype=dtypes.int64,
            name=_suffixed(name, "shape_default"),
        )
    dense_shape = constants.placeholder_with_default(
        shape, shape=shape.shape, name=_suffixed(name, "shape")
    )
    return dense_shape, rank, default


def sparse_placeholder(dtype, shape=None, name=None):
    """Mirrors `tf.compat.v1.sparse_placeholder`: a SparseTensor of placeholders, fed with a
    SparseTensorValue (or an (indices, values, dense_shape) tuple).

    Args:
      dtype: the values' type.
      shape: the dense shape (None dims, or -1, for any size); None for any shape. A given
        shape is the default of the dense_shape component, which may still be fed.
      name: a prefix for the placeholders' names (".../indices", ".../values", ".../shape").

    Returns:
      A SparseTensor whose three components must (or, for the shape, may) be fed.

    >>> sparse_placeholder(float32, shape=[None, 3]).shape
    TensorShape([Dimension(None), Dimension(3)])
    """
    dense_shape, rank, default = _dense_shape_placeholder(shape, name)
    values = constants.placeholder(dtype, shape=[None], name=_suffixed(name, "values"))
    indices = constants.placeholder(
        dtypes.int64, shape=[None, rank], name=_suffixed(name, "indices")
    )
    result = SparseTensor(values=values, indices=indices, dense_shape=dense_shape)
    result.set_shape(default)
    return result


def from_dense(tensor, name=None):
    """Mirrors `tf.sparse.from_dense`: the non-zero entries of a dense tensor (non-empty
    strings, True booleans) as a SparseTensor of the same shape.

    Args:
      tensor: a dense Tensor.
      name: the name scope (default "dense_to_sparse").

    Returns:
      A SparseTensor with the tensor's dtype and dense shape.

    >>> from_dense([0, 0, 3, 0, 1]).indices  # [[2], [4]]
    """
    with graph_lib.name_scope(name, "dense_to_sparse"):
        tensor = op_builder.convert_to_tensor(tensor)
        indices = comparison.where_v2(comparison.not_equal(tensor, constants.zeros_like(tensor)))
        values = indexing.gather_nd(tensor, indices)
        dense_shape = shapes.shape(tensor, out_type=dtypes.int64)
        return SparseTensor(indices, values, dense_shape)


def _make_int64_tensor(value, name):
    if isinstance(value, numbers.Integral):
        return op_builder.convert_to_tensor(value, name=name, dtype=dtypes.int64)
    if not isinstance(value, operation.Tensor):
        raise TypeError(f"{name} must be an integer value")
    if value.dtype == dtypes.int64:
        return value
    return math.cast(value, dtypes.int64)


def sparse_eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """Mirrors `tf.sparse.eye`: a 2-D SparseTensor with ones on the diagonal.

    Args:
      num_rows: the number of rows (an int or an int scalar Tensor).
      num_columns: the number of columns (default `num_rows`).
      dtype: the values' type.
      name: the name scope (default "eye").

    Returns:
      A SparseTensor of dense shape [num_rows, num_columns].

    Raises:
      TypeError: when a size is neither an int nor a Tensor.

    >>> sparse_eye(3).values  # [1, 1, 1]
    """
    with graph_lib.name_scope(name, "eye", [num_rows, num_columns]):
        num_rows = _make_int64_tensor(num_rows, "num_rows")
        if num_columns is None:
            num_columns = num_rows
        else:
            num_columns = _make_int64_tensor(num_columns, "num_columns")
        diag_size = math.minimum(num_rows, num_columns)
        diag_range = sequence.range(diag_size, dtype=dtypes.int64)
        return SparseTensor(
            indices=joining.stack([diag_range, diag_range], axis=1),
            values=constants.ones(diag_size, dtype=dtype),
            dense_shape=[num_rows, num_columns],
        )
