"""Diagonal ops: the batched MatrixDiag / MatrixDiagPart / MatrixSetDiag in their V1, V2 and
V3 forms (a band of diagonals `k = (lower, upper)`, `num_rows`, `num_cols`, `padding_value`,
and V3's `align` of short diagonals), the tensor Diag / DiagPart, their gradients (TF's
array_grad.py), and `tf.linalg.diag` / `diag_part` / `set_diag`, `tf.diag` / `tf.diag_part`.

Diagonal `d` of a matrix holds the entries (i, i + d). A band stores its diagonals from the
highest (`upper`) down, each `max_diag_len` long; a shorter diagonal is padded on the right
(left-aligned) or on the left (right-aligned). V1 and V2 align everything to the left.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.linalg import matrix_checks

apply_op = op_builder.apply_op
format_dims = elementwise.format_dims
ShapeError = shape_errors.ShapeError

_ALIGN = "align: {'LEFT_RIGHT', 'RIGHT_LEFT', 'LEFT_LEFT', 'RIGHT_RIGHT'} = 'RIGHT_LEFT'"
_LEFT_LEFT = "LEFT_LEFT"


# ---------------------------------------------------------------------- kernels


def _read_k(k):
    """(lower, upper) from the `k` input, with TF's kernel checks."""
    k = np.asarray(k)
    if k.ndim > 1:
        raise matrix_checks.invalid(
            f"diag_index must be a scalar or vector, received shape: {format_dims(k.shape)}"
        )
    if k.size == 0:
        raise matrix_checks.invalid("Expected diag_index to have at least 1 element")
    if k.ndim == 1 and k.size > 2:
        raise matrix_checks.invalid(
            f"diag_index must have only one or two elements, received {k.size} elements."
        )
    flat = k.reshape(-1)
    return int(flat[0]), int(flat[-1])


def _check_band(lower, upper, rows, cols, dot: str):
    """TF's MatrixDiagPart / MatrixSetDiag bound checks (`dot` reproduces their wording)."""
    if not (-rows < lower < cols or lower == 0):
        raise matrix_checks.invalid(
            f"lower_diag_index is out of bound: {lower}{dot} It must be between {-rows} and {cols}"
        )
    if not (-rows < upper < cols or upper == 0):
        raise matrix_checks.invalid(
            f"upper_diag_index is out of bound: {upper} It must be between {-rows} and {cols}"
        )
    _check_order(lower, upper)


def _check_order(lower, upper):
    if lower > upper:
        raise matrix_checks.invalid(
            f"lower_diag_index must not be larger than upper_diag_index: {lower} > {upper}"
        )


def _require_matrix(x, what="input"):
    if np.ndim(x) < 2:
        raise matrix_checks.invalid(
            f"{what} must be at least 2-dim, received shape: {format_dims(np.shape(x))}"
        )


def _offsets(diags, rows, cols, max_len, align):
    """Length of each diagonal in `diags` and the offset of its content in storage."""
    length = np.minimum(rows + np.minimum(diags, 0), cols - np.maximum(diags, 0))
    left_super = align in ("LEFT_LEFT", "LEFT_RIGHT")
    left_sub = align in ("LEFT_LEFT", "RIGHT_LEFT")
    shifted = ((diags >= 0) & (not left_super)) | ((diags <= 0) & (not left_sub))
    return length, np.where(shifted, max_len - length, 0)


def _diag_part(x, lower, upper, padding, align):
    """The band of x as [..., num_diags, max_diag_len] (num_diags dropped when 1)."""
    rows, cols = x.shape[-2:]
    max_len = max(min(rows + min(upper, 0), cols - max(lower, 0)), 0)
    diags = upper - np.arange(upper - lower + 1)[:, None]
    length, offset = _offsets(diags, rows, cols, max_len, align)
    position = np.arange(max_len)[None, :] - offset
    valid = (position >= 0) & (position < length)
    row = np.clip(position - np.minimum(diags, 0), 0, max(rows - 1, 0))
    col = np.clip(position + np.maximum(diags, 0), 0, max(cols - 1, 0))
    gathered = x[..., row, col] if x.size else np.zeros(x.shape[:-2] + valid.shape, x.dtype)
    result = np.where(valid, gathered, np.asarray(padding, dtype=x.dtype))
    return result[..., 0, :] if lower == upper else result


def _band_layout(rows, cols, lower, upper, max_len, align):
    """For each (i, j) of a rows x cols matrix: in the band?, stored diagonal, position."""
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    d = j - i
    in_band = (d >= lower) & (d <= upper)
    _, offset = _offsets(d, rows, cols, max_len, align)
    stored = np.clip(upper - d, 0, upper - lower)
    position = np.clip(np.minimum(i, j) + offset, 0, max(max_len - 1, 0))
    return in_band, stored, position


def _fill_band(base, diagonal, lower, upper, align):
    """`base` with the band [lower, upper] taken from `diagonal` ([..., D, L] or [..., L])."""
    rows, cols = base.shape[-2:]
    if lower == upper:
        diagonal = diagonal[..., None, :]
    max_len = diagonal.shape[-1]
    in_band, stored, position = _band_layout(rows, cols, lower, upper, max_len, align)
    if max_len == 0 or not in_band.any():
        return base.copy()
    return np.where(in_band, diagonal[..., stored, position], base)


def _diag_part_kernel(ctx, input, k, padding_value, align=_LEFT_LEFT):
    lower, upper = _read_k(k)
    if np.size(padding_value) != 1:
        raise matrix_checks.invalid("Padding must be scalar.")
    _require_matrix(input)
    rows, cols = np.shape(input)[-2:]
    _check_band(lower, upper, rows, cols, ".")
    return _diag_part(input, lower, upper, np.reshape(padding_value, ()), align)


def _diag_sizes(diagonal, lower, upper, num_rows, num_cols):
    """TF's MatrixDiag checks; returns the output's (rows, cols)."""
    if np.ndim(diagonal) < 1:
        raise matrix_checks.invalid(
            f"diagonal must be at least 1-dim, received shape: {format_dims(np.shape(diagonal))}"
        )
    _check_order(lower, upper)
    if lower != upper and np.shape(diagonal)[-2:-1] != (upper - lower + 1,):
        raise matrix_checks.invalid(
            "The number of diagonals provided in the input does not match the "
            "lower_diag_index and upper_diag_index range."
        )
    max_len = np.shape(diagonal)[-1]
    min_rows, min_cols = max_len - min(upper, 0), max_len + max(lower, 0)
    if num_rows != -1 and num_rows < min_rows:
        raise matrix_checks.invalid("The number of rows is too small.")
    if num_cols != -1 and num_cols < min_cols:
        raise matrix_checks.invalid("The number of columns is too small.")
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    num_rows = min_rows if num_rows == -1 else num_rows
    num_cols = min_cols if num_cols == -1 else num_cols
    if num_rows != min_rows and num_cols != min_cols:
        raise matrix_checks.invalid(
            "The number of rows or columns is not consistent with the specified d_lower, "
            "d_upper, and diagonal."
        )
    return num_rows, num_cols


def _scalar_input(value, what):
    if np.ndim(value) != 0:
        raise matrix_checks.invalid(f"{what} must be a scalar")
    return value


def _diag_kernel(ctx, diagonal, k, num_rows, num_cols, padding_value, align=_LEFT_LEFT):
    lower, upper = _read_k(k)
    num_rows = int(_scalar_input(num_rows, "num_rows"))
    num_cols = int(_scalar_input(num_cols, "num_cols"))
    padding = _scalar_input(padding_value, "padding_value")
    rows, cols = _diag_sizes(diagonal, lower, upper, num_rows, num_cols)
    batch = np.shape(diagonal)[: -1 if lower == upper else -2]
    base = np.full(batch + (rows, cols), padding, dtype=np.asarray(diagonal).dtype)
    return _fill_band(base, np.asarray(diagonal), lower, upper, align)


def _set_diag_kernel(ctx, input, diagonal, k, align=_LEFT_LEFT):
    lower, upper = _read_k(k)
    _require_matrix(input)
    if np.ndim(diagonal) < 1:
        raise matrix_checks.invalid(
            f"diagonal must be at least 1-dim, received shape: {format_dims(np.shape(diagonal))}"
        )
    rows, cols = np.shape(input)[-2:]
    _check_band(lower, upper, rows, cols, "")
    _check_diagonal_shape(input, diagonal, lower, upper)
    return _fill_band(np.asarray(input), np.asarray(diagonal), lower, upper, align)


def _check_diagonal_shape(input, diagonal, lower, upper):
    num_diags = upper - lower + 1
    rank = np.ndim(input)
    if num_diags > 1 and (np.ndim(diagonal) < rank or np.shape(diagonal)[rank - 2] != num_diags):
        raise matrix_checks.invalid(
            "The number of diagonals provided in `diag` is not consistent with "
            "`lower_diag_index` and `upper_diag_index`"
        )
    rows, cols = np.shape(input)[-2:]
    max_len = min(rows + min(upper, 0), cols - max(lower, 0))
    expected = np.shape(input)[:-2] + ((num_diags,) if num_diags > 1 else ()) + (max_len,)
    if np.shape(diagonal) != expected:
        raise matrix_checks.invalid(
            "Either first dimensions of diagonal don't match input.shape[:-2], or "
            "diagonal.shape[:-1] is not equal to the longests diagonal in range "
            f"[lower_diag_index:upper_diag_index].\nInput shape: {format_dims(np.shape(input))}"
            f"\nDiagonal shape: {format_dims(np.shape(diagonal))}\nExpected diagonal shape: "
            f"{format_dims(expected)}"
        )


def _diag_v1_kernel(ctx, diagonal):
    return _diag_kernel(ctx, diagonal, 0, -1, -1, matrix_checks.zero_of(diagonal))


def _diag_part_v1_kernel(ctx, input):
    return _diag_part_kernel(ctx, input, 0, matrix_checks.zero_of(input))


def _set_diag_v1_kernel(ctx, input, diagonal):
    return _set_diag_kernel(ctx, input, diagonal, 0)


# ---------------------------------------------------------------------- shape functions


def _static_k(tensor):
    """(lower, upper) when `k` is a static scalar or 1-2 element vector, else None."""
    shape = shape_errors.require_rank_at_most(tensor.shape, 1)
    value = tensor_util.constant_value(tensor)
    if value is None or not shape.is_fully_defined():
        return None
    flat = np.asarray(value).reshape(-1)
    if flat.size not in (1, 2):
        raise ShapeError(
            f"diag_index must be a vector with one or two elements. It has {flat.size} elements."
        )
    lower, upper = int(flat[0]), int(flat[-1])
    if lower > upper:
        raise ShapeError("lower_diag_index is greater than upper_diag_index")
    return lower, upper


def _check_static_band(lower, upper, rows, cols):
    if rows is None or cols is None:
        return
    if lower != 0 and not -rows < lower < cols:
        raise ShapeError("lower_diag_index is out of bound.")
    if upper != 0 and not -rows < upper < cols:
        raise ShapeError("upper_diag_index is out of bound.")


def _static_scalar(tensor, default):
    value = tensor_util.constant_value(tensor)
    return default if value is None else int(np.asarray(value).reshape(-1)[0])


def _diag_part_v2_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    shape_errors.require_rank(op.inputs[2].shape, 0)
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    band = None if shape.rank is None else _static_k(op.inputs[1])
    if band is None:
        return [tensor_shape.unknown_shape()]
    lower, upper = band
    dims = shape.as_list()
    rows, cols = dims[-2:]
    _check_static_band(lower, upper, rows, cols)
    length = None
    if rows is not None and cols is not None:
        length = min(rows + min(upper, 0), cols - max(lower, 0))
    band_dims = [upper - lower + 1] if lower < upper else []
    return [tensor_shape.TensorShape(dims[:-2] + band_dims + [length])]


def _diag_v2_output_size(length, lower, upper, num_rows, num_cols):
    """TF's MatrixDiagV2Shape inference of (rows, cols); None where unknown.

    With an unknown diagonal length TF computes on as if it were -1, which gives wrong
    static dims (0 for k=1) and spurious errors; ndflow leaves those dims unknown instead.
    """
    if length is None:
        return (None if num_rows == -1 else num_rows), (None if num_cols == -1 else num_cols)
    min_rows, min_cols = length - min(upper, 0), length + max(lower, 0)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    if num_rows == -1:
        num_rows = min_rows
    elif num_rows < min_rows:
        raise ShapeError("num_rows is too small")
    if num_cols == -1:
        num_cols = min_cols
    elif num_cols < min_cols:
        raise ShapeError("num_cols is too small.")
    if num_rows != min_rows and num_cols != min_cols:
        raise ShapeError(
            "num_rows and num_cols are not consistent with lower_diag_index, upper_diag_index, "
            f"and the length of the given diagonals.\nnum_rows = {num_rows} != min_num_rows = "
            f"{min_rows}, num_cols = {num_cols} != min_num_cols = {min_cols}"
        )
    return num_rows, num_cols


def _diag_v2_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    for index in (2, 3, 4):
        shape_errors.require_rank(op.inputs[index].shape, 0)
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    band = None if shape.rank is None else _static_k(op.inputs[1])
    if band is None:
        return [tensor_shape.unknown_shape()]
    lower, upper = band
    dims = shape.as_list()
    if lower < upper and (shape.rank < 2 or dims[-2] != upper - lower + 1):
        found = dims[-2] if shape.rank >= 2 and dims[-2] is not None else -1
        raise ShapeError(
            "The number of rows of `diagonal` doesn't match the number of diagonals implied "
            f"from `d_lower` and `d_upper`.\nnum_diags = {found}, d_lower = {lower}, d_upper = "
            f"{upper} {shape.rank} {-1 if dims[-1] is None else dims[-1]}"
        )
    rows, cols = _diag_v2_output_size(
        dims[-1], lower, upper, _static_scalar(op.inputs[2], -1), _static_scalar(op.inputs[3], -1)
    )
    batch = dims[:-1] if lower == upper else dims[:-2]
    return [tensor_shape.TensorShape(batch + [rows, cols])]


def _set_diag_v2_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    diag = shape_errors.require_rank_at_least(op.inputs[1].shape, 1)
    band = _static_k(op.inputs[2])
    lower, upper = band or (0, 0)
    if shape.rank is not None:
        diag = shape_errors.require_rank_at_least(diag, shape.rank - 1)
        if band is not None:
            diag = shape_errors.require_rank(diag, shape.rank - (1 if lower == upper else 0))
        else:
            diag = shape_errors.require_rank_at_most(diag, shape.rank)
        _check_static_band(lower, upper, *shape.as_list()[-2:])
    if diag.rank is None or shape.is_fully_defined():
        return [shape]
    prefix = diag.as_list()[: -1 if lower == upper else -2]
    return [shape_errors.merge_shapes(shape, tensor_shape.TensorShape(prefix + [None, None]))]


def _diag_v1_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    if shape.rank is None:
        return [shape]
    return [shape.concatenate([shape.as_list()[-1]])]


def _diag_part_v1_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    if shape.rank is None:
        return [shape]
    dims = shape.as_list()
    return [tensor_shape.TensorShape(dims[:-2] + [matrix_checks.min_dim(*dims[-2:])])]


def _set_diag_v1_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 2)
    diag = shape_errors.require_rank_at_least(op.inputs[1].shape, 1)
    if shape.rank is not None:
        diag = shape_errors.require_rank(diag, shape.rank - 1)
    rows_cols = shape.as_list()[-2:] if shape.rank is not None else [None, None]
    last = diag.as_list()[-1] if diag.rank is not None else None
    shape_errors.merge_dims(matrix_checks.min_dim(*rows_cols), last)
    if diag.rank is None or shape.is_fully_defined():
        return [shape]
    prefix = diag.as_list()[:-1]
    return [shape_errors.merge_shapes(shape, tensor_shape.TensorShape(prefix + [None, None]))]


# ---------------------------------------------------------------------- gradients


def _diag_v1_grad(op, grad):
    """TF's `_MatrixDiagGrad`."""
    return [matrix_diag_part(grad)]


def _diag_v3_grad(op, grad):
    """TF's `_MatrixDiagV2Grad` / `_MatrixDiagV3Grad`: the band of the gradient."""
    align = op.attrs.get("align", _LEFT_LEFT)
    return [matrix_diag_part(grad, k=op.inputs[1], align=align), None, None, None, None]


def _diag_part_v3_grad(op, grad):
    """TF's `_MatrixDiagPartV3Grad`: the gradient's diagonals put back in a zero matrix."""
    matrix = op.inputs[0].shape[-2:]
    align = op.attrs.get("align", _LEFT_LEFT)
    if matrix.is_fully_defined():
        rows, cols = matrix.as_list()
        diag = matrix_diag(grad, k=op.inputs[1], num_rows=rows, num_cols=cols, align=align)
        return [diag, None, None]
    zeros = array.zeros_like(op.inputs[0])
    return [matrix_set_diag(zeros, grad, k=op.inputs[1], align=align), None, None]


def _diag_part_v1_grad(op, grad):
    """TF's `_MatrixDiagPartGrad`."""
    matrix = op.inputs[0].shape[-2:]
    if matrix.is_fully_defined() and matrix.as_list()[0] == matrix.as_list()[1]:
        return [matrix_diag(grad)]
    return [matrix_set_diag(array.zeros_like(op.inputs[0]), grad)]


def _set_diag_v3_grad(op, grad):
    """TF's `_MatrixSetDiagGradV3`: the input's gradient with the band zeroed, and the band.

    With a dynamic diagonal shape TF computes the zeros' shape from `k` in a cond; zeros
    shaped like the diagonal input are the same tensor.
    """
    align = op.attrs.get("align", _LEFT_LEFT)
    diagonal = op.inputs[1]
    if diagonal.shape.is_fully_defined():
        zeros = array.zeros(diagonal.shape, dtype=grad.dtype)
    else:
        zeros = array.zeros_like(diagonal)
    grad_input = matrix_set_diag(grad, zeros, k=op.inputs[2], align=align)
    return [grad_input, matrix_diag_part(grad, k=op.inputs[2], align=align), None]


def _set_diag_v1_grad(op, grad):
    """TF's `_MatrixSetDiagGrad`."""
    zeros = array.zeros_like(op.inputs[1])
    return [matrix_set_diag(grad, zeros), matrix_diag_part(grad)]


# ---------------------------------------------------------------------- registrations

registry.register_op(
    "MatrixDiagV3",
    inputs=["diagonal: T", "k: int32", "num_rows: int32", "num_cols: int32", "padding_value: T"],
    outputs=["output: T"],
    attrs=["T: type", _ALIGN],
    shape=_diag_v2_shape,
    kernel=_diag_kernel,
    grad=_diag_v3_grad,
)
registry.register_op(
    "MatrixDiagV2",
    inputs=["diagonal: T", "k: int32", "num_rows: int32", "num_cols: int32", "padding_value: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_diag_v2_shape,
    kernel=_diag_kernel,
    grad=_diag_v3_grad,
)
registry.register_op(
    "MatrixDiag",
    inputs=["diagonal: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_diag_v1_shape,
    kernel=_diag_v1_kernel,
    grad=_diag_v1_grad,
)
registry.register_op(
    "MatrixDiagPartV3",
    inputs=["input: T", "k: int32", "padding_value: T"],
    outputs=["diagonal: T"],
    attrs=["T: type", _ALIGN],
    shape=_diag_part_v2_shape,
    kernel=_diag_part_kernel,
    grad=_diag_part_v3_grad,
)
registry.register_op(
    "MatrixDiagPartV2",
    inputs=["input: T", "k: int32", "padding_value: T"],
    outputs=["diagonal: T"],
    attrs=["T: type"],
    shape=_diag_part_v2_shape,
    kernel=_diag_part_kernel,
    grad=_diag_part_v3_grad,
)
registry.register_op(
    "MatrixDiagPart",
    inputs=["input: T"],
    outputs=["diagonal: T"],
    attrs=["T: type"],
    shape=_diag_part_v1_shape,
    kernel=_diag_part_v1_kernel,
    grad=_diag_part_v1_grad,
)
registry.register_op(
    "MatrixSetDiagV3",
    inputs=["input: T", "diagonal: T", "k: int32"],
    outputs=["output: T"],
    attrs=["T: type", _ALIGN],
    shape=_set_diag_v2_shape,
    kernel=_set_diag_kernel,
    grad=_set_diag_v3_grad,
)
registry.register_op(
    "MatrixSetDiagV2",
    inputs=["input: T", "diagonal: T", "k: int32"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_set_diag_v2_shape,
    kernel=_set_diag_kernel,
    grad=_set_diag_v3_grad,
)
registry.register_op(
    "MatrixSetDiag",
    inputs=["input: T", "diagonal: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_set_diag_v1_shape,
    kernel=_set_diag_v1_kernel,
    grad=_set_diag_v1_grad,
)


# ---------------------------------------------------------------------- Diag, DiagPart

_DIAG_TYPES = "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"


def _tensor_diag_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    if shape.rank is None:
        return [shape]
    return [shape.concatenate(shape)]


def _tensor_diag_kernel(ctx, diagonal):
    if np.ndim(diagonal) < 1:
        raise matrix_checks.invalid(f"Input must be at least rank 1, got {np.ndim(diagonal)}")
    size = np.size(diagonal)
    output = np.zeros(size * size, dtype=np.asarray(diagonal).dtype)
    output[:: size + 1] = np.reshape(diagonal, -1)
    return output.reshape(np.shape(diagonal) * 2)


def _tensor_diag_part_shape(op):
    shape = op.inputs[0].shape
    if shape.rank is None:
        return [shape]
    if shape.rank == 0 or shape.rank % 2:
        raise ShapeError(f"Input must have even and non-zero rank, input rank is {shape.rank}")
    half = shape.rank // 2
    dims = shape.as_list()
    return [
        tensor_shape.TensorShape(
            [shape_errors.merge_dims(a, b) for a, b in zip(dims[:half], dims[half:])]
        )
    ]


def _tensor_diag_part_kernel(ctx, input):
    shape = np.shape(input)
    if len(shape) == 0 or len(shape) % 2:
        raise matrix_checks.invalid(
            "The rank of the tensor should be                                          even "
            f"and positive, got shape {format_dims(shape)}"
        )
    half = len(shape) // 2
    for index in range(half):
        if shape[index] != shape[index + half]:
            raise matrix_checks.invalid(
                f"Invalid shape {format_dims(shape)}: dimensions {index} and {index + half} "
                "do not match."
            )
    size = int(np.prod(shape[:half], dtype=np.int64))
    return np.reshape(input, -1)[:: size + 1].reshape(shape[:half]).copy()


registry.register_op(
    "Diag",
    inputs=["diagonal: T"],
    outputs=["output: T"],
    attrs=[_DIAG_TYPES],
    shape=_tensor_diag_shape,
    kernel=_tensor_diag_kernel,
    grad=lambda op, grad: [tensor_diag_part(grad)],
)
registry.register_op(
    "DiagPart",
    inputs=["input: T"],
    outputs=["diagonal: T"],
    attrs=[_DIAG_TYPES],
    shape=_tensor_diag_part_shape,
    kernel=_tensor_diag_part_kernel,
    grad=lambda op, grad: [tensor_diag(grad)],
)


# ---------------------------------------------------------------------- builders


def _padding_for(tensor, padding_value):
    """TF turns the padding into a bool for bool tensors."""
    if getattr(tensor, "dtype", None) is not None and tensor.dtype == np.bool_:
        return bool(padding_value)
    return padding_value


def matrix_diag(
    diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"
):
    """Mirrors `tf.linalg.diag` (TF1 `tf.matrix_diag`): batched matrices with the given
    diagonals (a MatrixDiagV3 op).

    Args:
      diagonal: a Tensor [..., L] (one diagonal) or [..., num_diags, L] (a band).
      name: the op name.
      k: the diagonal offset, or a (lower, upper) band; 0 is the main diagonal.
      num_rows: the output's rows; -1 infers them.
      num_cols: the output's columns; -1 infers them.
      padding_value: the value outside the band.
      align: how shorter diagonals are stored: "RIGHT_LEFT" (default), "LEFT_RIGHT",
        "LEFT_LEFT" or "RIGHT_RIGHT" (superdiagonals first, then subdiagonals).

    Returns:
      A Tensor of diagonal's type, [..., num_rows, num_cols].

    >>> matrix_diag(constant([1.0, 2.0]))  # [[1., 0.], [0., 2.]]
    <tf.Tensor 'diag:0' shape=(2, 2) dtype=float32>
    """
    diagonal = op_builder.convert_to_tensor(diagonal, name="diagonal")
    padding_value = _padding_for(diagonal, padding_value)
    return apply_op(
        "MatrixDiagV3", diagonal, k, num_rows, num_cols, padding_value, align=align, name=name
    )


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):
    """Mirrors `tf.linalg.diag_part` (TF1 `tf.matrix_diag_part`): the diagonal(s) of
    batched matrices (a MatrixDiagPartV3 op).

    Args:
      input: a Tensor of rank >= 2.
      name: the op name.
      k: the diagonal offset, or a (lower, upper) band.
      padding_value: fills the storage of diagonals shorter than the longest.
      align: see `matrix_diag`.

    Returns:
      A Tensor [..., L] for one diagonal, [..., num_diags, L] for a band.

    >>> matrix_diag_part(constant([[1.0, 2.0], [3.0, 4.0]]))  # [1., 4.]
    <tf.Tensor 'diag_part:0' shape=(2,) dtype=float32>
    """
    matrix = op_builder.convert_to_tensor(input, name="input")
    padding_value = _padding_for(matrix, padding_value)
    return apply_op("MatrixDiagPartV3", matrix, k, padding_value, align=align, name=name)


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):
    """Mirrors `tf.linalg.set_diag` (TF1 `tf.matrix_set_diag`): batched matrices with their
    diagonal(s) replaced (a MatrixSetDiagV3 op).

    Args:
      input: a Tensor of rank >= 2.
      diagonal: the new diagonal(s), shaped as `matrix_diag_part(input, k)` would be.
      name: the op name.
      k: the diagonal offset, or a (lower, upper) band.
      align: see `matrix_diag`.

    Returns:
      A Tensor of input's type and shape.

    >>> matrix_set_diag(zeros([2, 2]), constant([1.0, 2.0]))  # [[1., 0.], [0., 2.]]
    <tf.Tensor 'set_diag:0' shape=(2, 2) dtype=float32>
    """
    return apply_op("MatrixSetDiagV3", input, diagonal, k, align=align, name=name)


def tensor_diag(diagonal, name=None):
    """Mirrors `tf.linalg.tensor_diag` (TF1 `tf.diag`): a rank-2k tensor with `diagonal`
    (rank k) on its diagonal (a Diag op).

    Args:
      diagonal: a Tensor of rank >= 1.
      name: the op name (default "Diag").

    Returns:
      A Tensor of shape diagonal.shape + diagonal.shape.

    >>> tensor_diag(constant([1, 2]))  # [[1, 0], [0, 2]]
    <tf.Tensor 'Diag:0' shape=(2, 2) dtype=int32>
    """
    return apply_op("Diag", diagonal, name=name)


def tensor_diag_part(input, name=None):
    """Mirrors `tf.linalg.tensor_diag_part` (TF1 `tf.diag_part`): the diagonal of a rank-2k
    tensor (a DiagPart op).

    Args:
      input: a Tensor of even rank whose first and second halves of dims agree.
      name: the op name (default "DiagPart").

    Returns:
      A Tensor of shape input.shape[:k].

    >>> tensor_diag_part(constant([[1, 0], [0, 2]]))  # [1, 2]
    <tf.Tensor 'DiagPart:0' shape=(2,) dtype=int32>
    """
    return apply_op("DiagPart", input, name=name)
