"""Ops that move or repeat elements: Transpose, ConjugateTranspose, InvertPermutation,
ReverseV2, Tile, Pad, PadV2, MirrorPad (REFLECT, SYMMETRIC) and MirrorPadGrad.

Each op's shape function, kernel, gradient and registration sit together, with its builder
below. Gradients that need math-family ops (Sum, Range, Cast...) build them by type name.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import elementwise
from ndflow.ops.array import joining
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes
from ndflow.ops.array import slicing

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = elementwise.format_dims
Tensor = graph_lib.Tensor
TensorShape = tensor_shape.TensorShape
IndexedSlices = indexed_slices.IndexedSlices


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- Transpose


def _transpose_shape(op):
    """TF's `TransposeShapeFn`."""
    given, perm_shape = op.inputs[0].shape, op.inputs[1].shape
    perm = infer.static_ints(op.inputs[1])
    perm_count = perm_shape.num_elements()
    if given.rank is None and perm_count is None and perm is None:
        return [infer.unknown()]
    rank = given.rank
    if rank is None:
        rank = perm_count if perm_count is not None else len(perm)
        if rank < 2:
            # A one-element perm is ambiguous between a scalar and a vector input.
            return [given]
    given = infer.require_rank(given, rank)
    infer.require_rank(perm_shape, 1)
    infer.with_value(perm_count, rank)
    if perm is None:
        return [infer.unknown(rank)]
    dims = given.as_list()
    for index in perm:
        if index >= rank:
            raise infer.ShapeError(f"perm dim {index} is out of range of input rank {rank}")
    return [TensorShape([dims[i] for i in perm])]


def _check_perm(x, perm):
    if np.ndim(perm) != 1:
        raise _invalid(f"perm must be rank 1, got shape {format_dims(np.shape(perm))}")
    rank, values = np.ndim(x), [int(p) for p in perm]
    if len(values) != rank:
        raise _invalid(
            f"transpose expects a vector of size {rank}. But input(1) is a vector "
            f"of size {len(values)}"
        )
    axes = [v + rank if v < 0 else v for v in values]
    for axis in axes:
        if not 0 <= axis < rank:
            raise _invalid(f"{axis} is out of range [0 .. {rank})")
    missing = sorted(set(range(rank)) - set(axes))
    if missing:
        listed = ",".join(str(v) for v in values)
        raise _invalid(f"{missing[0]} is missing from {{{listed}}}.")
    return axes


def _transpose_kernel(ctx, x, perm):
    return np.transpose(x, _check_perm(x, perm))


def _conjugate_transpose_kernel(ctx, x, perm):
    result = np.transpose(x, _check_perm(x, perm))
    return np.conj(result) if np.iscomplexobj(result) else result


def _transpose_grad(op, grad):
    """Unshuffles the gradient with the inverse permutation."""
    return [transpose(grad, invert_permutation(op.inputs[1])), None]


def _conjugate_transpose_grad(op, grad):
    return [transpose(grad, invert_permutation(op.inputs[1]), conjugate=True), None]


register_op(
    "Transpose",
    inputs=["x: T", "perm: Tperm"],
    outputs=["y: T"],
    attrs=["T: type", "Tperm: {int32, int64} = DT_INT32"],
    shape=_transpose_shape,
    kernel=_transpose_kernel,
    grad=_transpose_grad,
)
register_op(
    "ConjugateTranspose",
    inputs=["x: T", "perm: Tperm"],
    outputs=["y: T"],
    attrs=["T: type", "Tperm: {int32, int64} = DT_INT32"],
    shape=_transpose_shape,
    kernel=_conjugate_transpose_kernel,
    grad=_conjugate_transpose_grad,
)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Mirrors `tf.compat.v1.transpose`.

    Args:
      a: a Tensor or value.
      perm: the permutation of the dimensions; reverses them if None.
      name: the op name.
      conjugate: also conjugate complex values (a ConjugateTranspose op).

    Returns:
      A transposed Tensor.

    >>> transpose(constant([[1, 2, 3]]))
    <tf.Tensor 'transpose:0' shape=(3, 1) dtype=int32>
    """
    with graph_lib.name_scope(name, "transpose", [a]) as scope:
        a = op_builder.convert_to_tensor(a, name="a")
        op_type = "ConjugateTranspose" if conjugate and a.dtype.is_complex else "Transpose"
        if perm is None:
            perm = _reversed_axes(a)
        return apply_op(op_type, a, perm, name=scope)


def _reversed_axes(a):
    """`[rank-1, ..., 0]`: a constant when the rank is static, else Range(Rank(a) - 1, -1, -1)."""
    if a.shape.rank is not None:
        return np.arange(a.shape.rank - 1, -1, -1, dtype=np.int32)
    rank = apply_op("Rank", a)
    # Sub and Range belong to the math family; they are built by type name (no import).
    return apply_op("Range", apply_op("Sub", rank, 1, name="sub"), -1, -1, name="Range")


# ---------------------------------------------------------------------- InvertPermutation


def _invert_permutation_shape(op):
    return [infer.require_rank(op.inputs[0].shape, 1)]


def _invert_permutation_kernel(ctx, x):
    if np.ndim(x) != 1:
        raise _invalid("invert_permutation expects a 1D vector.")
    values, count = np.asarray(x), np.size(x)
    in_range = (values >= 0) & (values < count)
    _, first = np.unique(np.where(in_range, values, -1), return_index=True)
    repeated = np.ones(count, dtype=bool)
    repeated[first] = False
    bad = np.flatnonzero(~in_range | repeated)
    if bad.size:
        value = int(values[bad[0]])
        if in_range[bad[0]]:
            raise _invalid(f"{value} is duplicated in the input.")
        raise _invalid(f"{value} is not between 0 and {count}")
    result = np.empty_like(values)
    result[values] = np.arange(count, dtype=values.dtype)
    return result


register_op(
    "InvertPermutation",
    inputs=["x: T"],
    outputs=["y: T"],
    attrs=["T: {int32, int64} = DT_INT32"],
    shape=_invert_permutation_shape,
    kernel=_invert_permutation_kernel,
)
registry.not_differentiable("InvertPermutation", "it computes integer indices")


def invert_permutation(x, name=None):
    """Mirrors `tf.math.invert_permutation`: `y[x[i]] = i`.

    Args:
      x: a 1-D int32 or int64 Tensor, a permutation of `0..n-1`.
      name: the op name.

    Returns:
      The inverse permutation.

    Raises:
      InvalidArgumentError: at run time, when `x` is not a permutation of `0..n-1`.

    >>> invert_permutation([2, 0, 1])
    <tf.Tensor 'InvertPermutation:0' shape=(3,) dtype=int32>
    """
    return apply_op("InvertPermutation", x, name=name)


# ---------------------------------------------------------------------- ReverseV2


def _canonical_reverse_axes(axes, rank, error):
    seen = set()
    for index, axis in enumerate(axes):
        canonical = axis + rank if axis < 0 else axis
        if not 0 <= canonical < rank:
            # TF's message has no closing bracket.
            raise error(f"'axis'[{index}] = {axis} is out of valid range [0, {rank - 1}")
        if canonical in seen:
            raise error(f"axis {canonical} specified more than once.")
        seen.add(canonical)
    return tuple(sorted(seen))


def _reverse_shape(op):
    given = op.inputs[0].shape
    infer.require_rank(op.inputs[1].shape, 1)
    if given.rank is not None and given.rank > 8:
        raise infer.ShapeError("reverse does not work on tensors with more than 8 dimensions")
    axes = infer.static_ints(op.inputs[1])
    if axes is not None and given.rank is not None:
        _canonical_reverse_axes(axes, given.rank, infer.ShapeError)
    return [given]


def _reverse_kernel(ctx, tensor, axis):
    if np.ndim(axis) != 1:
        raise _invalid(f"'dims' must be 1-dimension, not {np.ndim(axis)}")
    axes = _canonical_reverse_axes([int(a) for a in axis], np.ndim(tensor), _invalid)
    return np.flip(tensor, axis=axes) if axes else tensor


def _reverse_grad(op, grad):
    return [reverse(grad, op.inputs[1]), None]


register_op(
    "ReverseV2",
    inputs=["tensor: T", "axis: Tidx"],
    outputs=["output: T"],
    attrs=[
        "Tidx: {int32, int64} = DT_INT32",
        "T: {uint8, int8, uint16, int16, int32, uint32, int64, uint64, bool, "
        "bfloat16, half, float, double, complex64, complex128, string}",
    ],
    shape=_reverse_shape,
    kernel=_reverse_kernel,
    grad=_reverse_grad,
)


def reverse(tensor, axis, name=None):
    """Mirrors `tf.reverse` (`tf.reverse_v2`): reverses the listed axes.

    Args:
      tensor: a Tensor of rank <= 8.
      axis: a 1-D int list or tensor of distinct axes (negative counts from the end).
      name: the op name.

    Returns:
      A Tensor of `tensor`'s shape.

    >>> reverse(constant([[1, 2, 3]]), [1])
    <tf.Tensor 'ReverseV2:0' shape=(1, 3) dtype=int32>
    """
    return apply_op("ReverseV2", tensor, axis, name=name)


reverse_v2 = reverse


# ---------------------------------------------------------------------- Tile


def _multiply_dims(a, b):
    """TF's `Multiply` of two dims: 0 or 1 decide even when the other is unknown."""
    if a == 0 or b == 0:
        return 0
    if a == 1:
        return b
    if b == 1:
        return a
    if a is None or b is None:
        return None
    return a * b


def _tile_shape(op):
    given = op.inputs[0].shape
    multiples = infer.shape_from_shape_tensor(op.inputs[1])
    if given.rank is not None:
        multiples = infer.require_rank(multiples, given.rank)
        infer.merge_shapes(op.inputs[1].shape, TensorShape([given.rank]))
    if multiples.rank is None:
        return [infer.unknown()]
    given = infer.require_rank(given, multiples.rank)
    pairs = zip(given.as_list(), multiples.as_list())
    return [TensorShape([_multiply_dims(d, m) for d, m in pairs])]


def _tile_kernel(ctx, input, multiples):
    if np.ndim(multiples) != 1:
        raise _invalid(
            f"Expected multiples to be 1-D, but got shape {format_dims(np.shape(multiples))}"
        )
    if np.size(multiples) != np.ndim(input):
        raise _invalid(
            f"Expected multiples argument to be a vector of length "
            f"{np.ndim(input)} but got length {np.size(multiples)}"
        )
    reps = [int(m) for m in multiples]
    for index, value in enumerate(reps):
        if value < 0:
            raise _invalid(f"Expected multiples[{index}] >= 0, but got {value}")
    return np.tile(input, reps) if reps else np.array(input)


def _tile_grad(op, grad):
    """Sums the gradient over the tiled copies: reshaped to interleaved (multiple, dim)
    pairs, e.g. [2, 20, 3, 30] for multiples [2, 3] of a [20, 30] input, and reduced over
    the even axes. An IndexedSlices gradient is first summed over rows modulo dim 0."""
    multiples = op.inputs[1]
    input_shape = shapes.shape(op.inputs[0], out_type=multiples.dtype.base_dtype)
    pairs = transpose(joining.stack([multiples, input_shape]))
    split_shape = shapes.reshape(pairs, [-1])
    axes = apply_op("Range", 0, shapes.size(split_shape), 2, name="range")
    if isinstance(grad, IndexedSlices):
        grad, split_shape = _tile_rows_grad(grad, input_shape, split_shape)
    input_grad = apply_op("Sum", shapes.reshape(grad, split_shape), axes, name="Sum")
    input_grad.set_shape(op.inputs[0].shape)
    return [input_grad, None]


def _tile_rows_grad(grad, input_shape, split_shape):
    rows = input_shape[0]
    if rows.dtype.base_dtype != grad.indices.dtype.base_dtype:
        rows = apply_op("Cast", rows, DstT=grad.indices.dtype.base_dtype, name="Cast")
    segments = apply_op("FloorMod", grad.indices, rows)
    dense = apply_op("UnsortedSegmentSum", grad.values, segments, rows)
    return dense, joining.concat([[1], split_shape[1:]], axis=0)


register_op(
    "Tile",
    inputs=["input: T", "multiples: Tmultiples"],
    outputs=["output: T"],
    attrs=["T: type", "Tmultiples: {int32, int64} = DT_INT32"],
    shape=_tile_shape,
    kernel=_tile_kernel,
    grad=_tile_grad,
)


def tile(input, multiples, name=None):
    """Mirrors `tf.tile`: repeats `input` `multiples[i]` times along axis i.

    Args:
      input: a Tensor.
      multiples: a 1-D int list or tensor with one non-negative entry per axis.
      name: the op name.

    Returns:
      The tiled Tensor.

    >>> tile(constant([[1, 2]]), [2, 3])
    <tf.Tensor 'Tile:0' shape=(2, 6) dtype=int32>
    """
    return apply_op("Tile", input, multiples, name=name)


# ---------------------------------------------------------------------- Pad, PadV2, MirrorPad


def _pad_shape(op):
    """TF's `PadShapeFn`, shared by Pad, PadV2 and MirrorPad."""
    paddings = infer.require_rank(op.inputs[1].shape, 2).as_list()
    infer.with_value(paddings[1], 2)
    given, count = op.inputs[0].shape, paddings[0]
    if count is not None:
        given = infer.require_rank(given, count)
    elif given.rank is not None:
        count = given.rank
    values = infer.static_value(op.inputs[1])
    if values is None:
        return [infer.unknown(count)]
    given = infer.require_rank(given, values.shape[0])
    if (values < 0).any():
        raise infer.ShapeError("Paddings must be non-negative")
    dims = given.as_list()
    return [
        TensorShape([None if d is None else d + int(values[i].sum()) for i, d in enumerate(dims)])
    ]


def _check_paddings(input, paddings, separator):
    if np.ndim(paddings) != 2 or np.shape(paddings)[1] != 2:
        raise _invalid(
            f"paddings must be a matrix with 2 columns: {format_dims(np.shape(paddings))}"
        )
    if np.shape(paddings)[0] != np.ndim(input):
        raise _invalid(
            f"The first dimension of paddings must be the rank of inputs"
            f"{format_dims(np.shape(paddings))}{separator}"
            f"{format_dims(np.shape(input))}"
        )
    return [(int(before), int(after)) for before, after in paddings]


def _constant_pad(input, paddings, value):
    pairs = _check_paddings(input, paddings, " ")
    for before, after in pairs:
        if before < 0 or after < 0:
            raise _invalid(f"Paddings must be non-negative: {before} {after}")
    array = np.asarray(input)
    out = np.empty([b + d + a for (b, a), d in zip(pairs, array.shape)], dtype=array.dtype)
    out[...] = value
    out[tuple(slice(b, b + d) for (b, _), d in zip(pairs, array.shape))] = array
    return out


def _pad_kernel(ctx, input, paddings):
    zero = b"" if np.asarray(input).dtype == object else 0
    return _constant_pad(input, paddings, zero)


def _pad_v2_kernel(ctx, input, paddings, constant_values):
    if np.ndim(constant_values) != 0:
        raise _invalid(
            f"constant_values must be a scalar. Found: {format_dims(np.shape(constant_values))}"
        )
    return _constant_pad(input, paddings, constant_values)


def _mirror_pad_kernel(ctx, input, paddings, mode):
    if np.ndim(input) > 5:
        raise errors.UnimplementedError(None, None, f"inputs rank not in [0,5]: {np.ndim(input)}")
    pairs = _check_paddings(input, paddings, ", ")
    for (before, after), dim in zip(pairs, np.shape(input)):
        if before < 0 or after < 0:
            raise _invalid(f"paddings must be non-negative: {before} {after}")
        if mode == "SYMMETRIC" and (before > dim or after > dim):
            raise _invalid(
                f"paddings must be no greater than the dimension size: {before}, "
                f"{after} greater than {dim}"
            )
        if mode == "REFLECT" and (before >= dim or after >= dim):
            raise _invalid(
                f"paddings must be less than the dimension size: {before}, {after} "
                f"not less than {dim}"
            )
    if not any(before or after for before, after in pairs):
        return np.array(input)
    return np.pad(input, pairs, mode=mode.lower())


def _pad_grad(op, grad):
    """Slices the input's region out of the gradient: begin is the first paddings column.
    PadV2's constant value gets no gradient, as in TF."""
    x, paddings = op.inputs[0], op.inputs[1]
    pad_before = slicing.slice(paddings, [0, 0], joining.stack([shapes.rank(x), 1]))
    begin = shapes.reshape(pad_before, [-1])
    sizes = shapes.shape(x, out_type=begin.dtype.base_dtype)
    x_grad = slicing.slice(grad, begin, sizes)
    return [x_grad] + [None] * (len(op.inputs) - 1)


def _mirror_pad_grad(op, grad):
    return [apply_op("MirrorPadGrad", grad, op.inputs[1], mode=op.attrs["mode"]), None]


_PAD_ATTRS = ["T: type", "Tpaddings: {int32, int64} = DT_INT32"]
_MIRROR_ATTRS = _PAD_ATTRS + ["mode: {'REFLECT', 'SYMMETRIC'}"]

register_op(
    "Pad",
    inputs=["input: T", "paddings: Tpaddings"],
    outputs=["output: T"],
    attrs=_PAD_ATTRS,
    shape=_pad_shape,
    kernel=_pad_kernel,
    grad=_pad_grad,
)
register_op(
    "PadV2",
    inputs=["input: T", "paddings: Tpaddings", "constant_values: T"],
    outputs=["output: T"],
    attrs=_PAD_ATTRS,
    shape=_pad_shape,
    kernel=_pad_v2_kernel,
    grad=_pad_grad,
)
register_op(
    "MirrorPad",
    inputs=["input: T", "paddings: Tpaddings"],
    outputs=["output: T"],
    attrs=_MIRROR_ATTRS,
    shape=_pad_shape,
    kernel=_mirror_pad_kernel,
    grad=_mirror_pad_grad,
)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Mirrors `tf.compat.v1.pad`.

    Args:
      tensor: a Tensor or value.
      paddings: an [rank, 2] int list or tensor: elements to add before and after each axis.
      mode: "CONSTANT", "REFLECT" (mirror without the edge) or "SYMMETRIC" (with the edge),
        in any case.
      name: the op name.
      constant_values: the fill value in CONSTANT mode.

    Returns:
      The padded Tensor (a Pad, PadV2 or MirrorPad op).

    Raises:
      ValueError: for an unknown mode.

    >>> pad(constant([[1, 2]]), [[1, 1], [2, 2]])
    <tf.Tensor 'Pad:0' shape=(3, 6) dtype=int32>
    """
    mode = mode.upper()
    if mode == "CONSTANT":
        if _is_zero_scalar(constant_values):
            result = apply_op("Pad", tensor, paddings, name=name)
        else:
            result = apply_op("PadV2", tensor, paddings, constant_values, name=name)
    elif mode in ("REFLECT", "SYMMETRIC"):
        result = apply_op("MirrorPad", tensor, paddings, mode=mode, name=name)
    else:
        raise ValueError(
            'Value of argument `mode` expected to be one of "CONSTANT", '
            f'"REFLECT", or "SYMMETRIC". Received `mode` = {mode}'
        )
    _restore_pad_shape(result, tensor, paddings)
    return result


def _is_zero_scalar(value) -> bool:
    if isinstance(value, Tensor) or np.ndim(value) != 0:
        return False
    return bool(np.asarray(value) == np.zeros_like(value))


def _restore_pad_shape(result, tensor, paddings):
    """TF's static-shape refinement from partially constant paddings."""
    amounts = _partial_paddings(paddings)
    given = tensor.shape if isinstance(tensor, Tensor) else result.op.inputs[0].shape
    if given.rank is None or result.shape.is_fully_defined() or amounts is None:
        return
    dims = []
    for padding, dim in zip(amounts, given.as_list()):
        known = padding is not None and dim is not None and None not in list(padding)
        dims.append(sum(int(p) for p in padding) + dim if known else None)
    result.set_shape(dims)


def _partial_paddings(paddings):
    if isinstance(paddings, Tensor):
        return tensor_util.constant_value(paddings)
    if isinstance(paddings, (list, tuple)):
        return [_partial_paddings(item) for item in paddings]
    return paddings


# ---------------------------------------------------------------------- MirrorPadGrad


def _mirror_pad_grad_shape(op):
    """TF's MirrorPadGrad shape function: each dim shrinks by its two paddings."""
    paddings = infer.require_rank(op.inputs[1].shape, 2)
    rank = paddings.as_list()[0]
    if rank is None:
        return [infer.unknown()]
    given = infer.require_rank(op.inputs[0].shape, rank)
    infer.merge_shapes(paddings, TensorShape([rank, 2]))
    values = infer.static_value(op.inputs[1])
    if values is None:
        return [infer.unknown(rank)]
    if (values < 0).any():
        raise infer.ShapeError("Paddings must be non-negative")
    dims = given.as_list()
    return [TensorShape([_shrunk_dim(d, int(values[i].sum())) for i, d in enumerate(dims)])]


def _shrunk_dim(dim, amount):
    if dim is None:
        return None
    if amount > dim:
        raise infer.ShapeError(f"Negative dimension size caused by subtracting {amount} from {dim}")
    return dim - amount


def _check_mirror_grad_paddings(pairs, shape, mode):
    for (before, after), dim in zip(pairs, shape):
        if before < 0 or after < 0:
            raise _invalid(f"Paddings must be non-negative: {before}, {after}")
        if before + after >= dim:
            raise _invalid(
                "Total paddings must be less than the input dimension size: "
                f"{before + after} was not less than {dim}"
            )
        size = dim - before - after
        if mode == "SYMMETRIC" and (before > size or after > size):
            raise _invalid(
                "paddings must be no greater than the output dimension size: "
                f"{before}, {after} greater than {size}"
            )
        if mode == "REFLECT" and (before >= size or after >= size):
            raise _invalid(
                "paddings must be less than the output dimension size: "
                f"{before}, {after} not less than {size}"
            )


def _mirror_sources(before, size, after, offset):
    """For each padded position along one axis, the unpadded position it mirrors."""
    position = np.arange(before + size + after) - before
    left = -position - 1 + offset
    right = 2 * size - 1 - position - offset
    return np.where(position < 0, left, np.where(position >= size, right, position))


def _mirror_pad_grad_kernel(ctx, input, paddings, mode):
    """Adds each padded element's gradient back onto the element it mirrors, axis by axis."""
    if np.ndim(input) > 5:
        raise errors.UnimplementedError(None, None, f"inputs rank not in [0,5]: {np.ndim(input)}")
    pairs = _check_paddings(input, paddings, " ")
    _check_mirror_grad_paddings(pairs, np.shape(input), mode)
    offset = 1 if mode == "REFLECT" else 0
    result = np.asarray(input)
    for axis, (before, after) in enumerate(pairs):
        if not before and not after:
            continue
        moved = np.moveaxis(result, axis, 0)
        size = moved.shape[0] - before - after
        folded = np.zeros((size,) + moved.shape[1:], dtype=moved.dtype)
        np.add.at(folded, _mirror_sources(before, size, after, offset), moved)
        result = np.moveaxis(folded, 0, axis)
    return np.array(result)


def _mirror_pad_grad_grad(op, grad):
    return [apply_op("MirrorPad", grad, op.inputs[1], mode=op.attrs["mode"]), None]


register_op(
    "MirrorPadGrad",
    inputs=["input: T", "paddings: Tpaddings"],
    outputs=["output: T"],
    attrs=_MIRROR_ATTRS,
    shape=_mirror_pad_grad_shape,
    kernel=_mirror_pad_grad_kernel,
    grad=_mirror_pad_grad_grad,
)
