"""Matrix structure: MatrixBandPart (with its gradient), and the composites built from the
transpose and diagonal ops: `tf.linalg.matrix_transpose` / `adjoint`, `tf.eye` and
`tf.linalg.trace`, with TF's op names.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math
from ndflow.ops.linalg import diagonals
from ndflow.ops.linalg import matrix_checks

apply_op = op_builder.apply_op
format_dims = elementwise.format_dims
Tensor = graph_lib.Tensor


# ---------------------------------------------------------------------- MatrixBandPart


def _band_limit(value, name, limit, what):
    if np.ndim(value) != 0:
        raise matrix_checks.invalid(
            f"{name} must be scalar, got shape {format_dims(np.shape(value))}"
        )
    if value > limit:
        raise matrix_checks.invalid(
            f"{name} must be negative or less or equal to number of {what} ({limit}) got: {value}"
        )
    return int(value)


def _band_part_kernel(ctx, input, num_lower, num_upper):
    if np.ndim(input) < 2:
        raise matrix_checks.invalid(
            f"input must be at least 2-dim, received shape: {format_dims(np.shape(input))}"
        )
    rows, cols = np.shape(input)[-2:]
    lower = _band_limit(num_lower, "num_lower", rows, "rows")
    upper = _band_limit(num_upper, "num_upper", cols, "columns")
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, input, matrix_checks.zero_of(input))


registry.register_op(
    "MatrixBandPart",
    inputs=["input: T", "num_lower: Tindex", "num_upper: Tindex"],
    outputs=["band: T"],
    attrs=["T: type", "Tindex: {int32, int64} = DT_INT64"],
    shape=lambda op: [op.inputs[0].shape],
    kernel=_band_part_kernel,
    # TF's `_MatrixBandPartGrad`: the same band of the gradient.
    grad=lambda op, grad: [matrix_band_part(grad, op.inputs[1], op.inputs[2]), None, None],
)


def matrix_band_part(input, num_lower, num_upper, name=None):
    """Mirrors `tf.linalg.band_part` (TF1 `tf.matrix_band_part`): batched matrices with
    everything outside a band of diagonals set to zero.

    Args:
      input: a Tensor of rank >= 2.
      num_lower: subdiagonals to keep (negative keeps the whole lower triangle).
      num_upper: superdiagonals to keep (negative keeps the whole upper triangle).
      name: the op name (default "MatrixBandPart").

    Returns:
      A Tensor of input's type and shape.

    >>> matrix_band_part(ones([3, 3]), 0, -1)  # the upper triangle
    <tf.Tensor 'MatrixBandPart:0' shape=(3, 3) dtype=float32>
    """
    with graph_lib.name_scope(name, "MatrixBandPart", [input, num_lower, num_upper]) as scope:
        # Python ints become int32 bounds, as in TF (not the attr's int64 default).
        num_lower = op_builder.convert_to_tensor(
            num_lower, preferred_dtype=dtypes.int32, name="num_lower"
        )
        num_upper = op_builder.convert_to_tensor(
            num_upper, preferred_dtype=num_lower.dtype.base_dtype, name="num_upper"
        )
        return apply_op("MatrixBandPart", input, num_lower, num_upper, name=scope)


# ---------------------------------------------------------------------- transposes


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Mirrors `tf.linalg.matrix_transpose` (`tf.linalg.transpose`, TF1
    `tf.matrix_transpose`): swaps the last two dimensions.

    Args:
      a: a Tensor of rank >= 2.
      name: the name scope.
      conjugate: also conjugate complex values (a ConjugateTranspose op).

    Returns:
      A Tensor with the last two dimensions swapped.

    Raises:
      ValueError: for a static rank below 2.

    >>> matrix_transpose(ones([2, 3]))
    <tf.Tensor 'matrix_transpose/transpose:0' shape=(3, 2) dtype=float32>
    """
    with graph_lib.name_scope(name, values=[a]):
        a = op_builder.convert_to_tensor(a, name="a")
        ndims = a.shape.rank
        if ndims is not None:
            if ndims < 2:
                raise ValueError(
                    "Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = "
                    f"{a} with shape: {a.shape}"
                )
            perm = list(range(ndims - 2)) + [ndims - 1, ndims - 2]
        else:
            a_rank = array.rank(a)
            leading = apply_op("Range", 0, a_rank - 2, 1)
            perm = array.concat((leading, [a_rank - 1, a_rank - 2]), 0)
        return array.transpose(a, perm=perm, conjugate=conjugate)


def adjoint(matrix, name=None):
    """Mirrors `tf.linalg.adjoint`: the conjugate transpose of the last two dimensions.

    Args:
      matrix: a Tensor of rank >= 2.
      name: the name scope (default "adjoint").

    Returns:
      The adjoint of `matrix`.

    >>> adjoint(constant([[1 + 1j, 2 + 2j]]))  # [[1 - 1j], [2 - 2j]]
    <tf.Tensor 'adjoint/matrix_transpose/transpose:0' shape=(2, 1) dtype=complex128>
    """
    with graph_lib.name_scope(name, "adjoint", [matrix]):
        matrix = op_builder.convert_to_tensor(matrix, name="matrix")
        return matrix_transpose(matrix, conjugate=True)


# ---------------------------------------------------------------------- eye, trace


def _static_eye_sizes(num_rows, num_columns):
    for value in (num_rows, num_columns):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise TypeError(
                "Arguments `num_rows` and `num_columns` must be positive integer values. "
                f"Received: num_rows={num_rows}, num_columns={num_columns}"
            )
    return num_rows == num_columns, int(np.minimum(num_rows, num_columns))


def _eye_shapes(num_rows, num_columns, batch_shape, diag_size, is_square):
    """(diag_shape, matrix_shape) as lists when static, else int32 Tensors (TF's eye)."""
    if isinstance(batch_shape, Tensor) or isinstance(diag_size, Tensor):
        batch = op_builder.convert_to_tensor(batch_shape, name="shape", dtype=dtypes.int32)
        diag_shape = array.concat((batch, [diag_size]), axis=0)
        shape = None if is_square else array.concat((batch, [num_rows, num_columns]), axis=0)
        return diag_shape, shape
    batch = list(batch_shape)
    return batch + [diag_size], batch + [num_rows, num_columns]


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Mirrors `tf.eye` / `tf.linalg.eye`: an identity matrix, or a batch of them.

    Built as TF builds it: MatrixDiagV3 of ones when square, MatrixSetDiagV3 of ones on
    zeros otherwise.

    Args:
      num_rows: rows of each matrix (an int or a scalar int32 Tensor).
      num_columns: columns of each matrix; defaults to num_rows.
      batch_shape: leading batch dimensions (a list of ints or a 1-D int32 Tensor).
      dtype: the element type.
      name: the name scope (default "eye").

    Returns:
      A Tensor of shape batch_shape + [num_rows, num_columns].

    Raises:
      TypeError: for static sizes that are not integers.

    >>> eye(2, 3)  # [[1., 0., 0.], [0., 1., 0.]]
    <tf.Tensor 'eye/set_diag:0' shape=(2, 3) dtype=float32>
    """
    with graph_lib.name_scope(name, "eye", [num_rows, num_columns, batch_shape]):
        is_square = num_columns is None
        batch_shape = [] if batch_shape is None else batch_shape
        num_columns = num_rows if num_columns is None else num_columns
        if isinstance(num_rows, Tensor) or isinstance(num_columns, Tensor):
            diag_size = math.minimum(num_rows, num_columns)
        else:
            is_square, diag_size = _static_eye_sizes(num_rows, num_columns)
        diag_shape, shape = _eye_shapes(num_rows, num_columns, batch_shape, diag_size, is_square)
        diag_ones = array.ones(diag_shape, dtype=dtype)
        if is_square:
            return diagonals.matrix_diag(diag_ones)
        zero_matrix = array.zeros(shape, dtype=dtype)
        return diagonals.matrix_set_diag(zero_matrix, diag_ones)


def trace(x, name=None):
    """Mirrors `tf.linalg.trace` (TF1 `tf.trace`): the sum of the main diagonal of each
    inner matrix.

    Args:
      x: a Tensor of rank >= 2.
      name: the op name (default "Trace").

    Returns:
      A Tensor of shape x.shape[:-2].

    >>> trace(constant([[1, 2], [3, 4]]))  # 5
    <tf.Tensor 'Trace:0' shape=() dtype=int32>
    """
    with graph_lib.name_scope(name, "Trace", [x]) as scope:
        x = op_builder.convert_to_tensor(x, name="x")
        return math.reduce_sum(diagonals.matrix_diag_part(x), [-1], name=scope)
