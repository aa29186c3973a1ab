"""Ops that move blocks of elements between the spatial dims and the batch or depth dim:
SpaceToBatchND and BatchToSpaceND (any number of block dims), their 4-D forms SpaceToBatch
and BatchToSpace (one block size for height and width), SpaceToDepth and DepthToSpace; and
`required_space_to_batch_paddings`, the padding arithmetic of TF's dilated convolutions.

Each op's shape function, kernel, gradient and registration sit together, with its builder
below. The kernels are a pad (or a crop), one reshape, one transpose and one reshape. As TF's
CPU kernels, the space/batch ones take real numbers only and the depth ones NHWC only.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops.array import constants
from ndflow.ops.array import joining
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import slicing
from ndflow.proto import types_pb2

apply_op = op_builder.apply_op
register_op = registry.register_op
TensorShape = tensor_shape.TensorShape

# TF_CALL_REAL_NUMBER_TYPES: the CPU kernels of the space/batch ops.
_REAL_TYPES = frozenset(
    {
        dtypes.float16,
        dtypes.bfloat16,
        dtypes.float32,
        dtypes.float64,
        dtypes.int8,
        dtypes.int16,
        dtypes.int32,
        dtypes.int64,
        dtypes.uint8,
        dtypes.uint16,
        dtypes.uint32,
        dtypes.uint64,
    }
)
# kMaxSpaceToBatchBlockDims: TF's kernels are templated up to this many block dims.
_MAX_BLOCK_DIMS = 4


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _debug_shape(value) -> str:
    """TF's `TensorShape::DebugString`: [2,3]."""
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


def _no_kernel(ctx, op_type: str, attrs: dict) -> errors.InvalidArgumentError:
    """TF's error for a node whose attrs match no CPU kernel."""
    node = ctx.node_name if ctx is not None else op_type
    listed = ", ".join(f"{name}={value}" for name, value in sorted(attrs.items()))
    return _invalid(
        f"No OpKernel was registered to support Op '{op_type}' used by {{{{node {node}}}}} "
        f"with these attrs: [{listed}]\nRegistered devices: [CPU]"
    )


def _type_name(dtype) -> str:
    return types_pb2.DataType.Name(dtypes.as_dtype(dtype).as_datatype_enum)


def _check_real(ctx, op_type: str, x, index_attrs: dict) -> None:
    dtype = dtypes.as_dtype(x.dtype) if x.dtype != object else dtypes.string
    if dtype in _REAL_TYPES:
        return
    attrs = {"T": _type_name(dtype)}
    attrs.update({name: _type_name(value.dtype) for name, value in index_attrs.items()})
    raise _no_kernel(ctx, op_type, attrs)


def _argument_lookup(new_name, new_value, old_name, old_value):
    """TF's `deprecated_argument_lookup`."""
    if old_value is None:
        return new_value
    if new_value is not None:
        raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'.")
    return old_value


# ---------------------------------------------------------------------- shape functions


def _known_block_dims(block_shape_shape: TensorShape) -> int:
    """The number of block dims: the static length of the rank-1 block_shape."""
    if block_shape_shape.rank != 1:
        raise infer.ShapeError("block_shape must have rank 1.")
    count = block_shape_shape.as_list()[0]
    if count is None:
        raise infer.ShapeError("block_shape must have known size.")
    return count


def _multiply(dim, factor: int):
    return None if dim is None else dim * factor


def _add(dim, amount: int):
    return None if dim is None else dim + amount


def _subtract(dim, amount: int):
    """TF's `InferenceContext::Subtract` of a constant."""
    if dim is None:
        return None
    if dim < amount:
        raise infer.ShapeError(f"Negative dimension size caused by subtracting {amount} from {dim}")
    return dim - amount


def _batch_dim(batch, block, combine):
    """The output batch: `combine(batch, b)` per block value; unknown without the block."""
    if block is None:
        return None
    for value in block:
        if value < 1:
            raise infer.ShapeError("block_shape must be positive")
        batch = None if batch is None else combine(batch, value)
    return batch


def _pairs(values, count: int, what: str):
    """A static [count, 2] paddings/crops value as pairs; None when unknown."""
    if values is None or values.size == 0:
        return None
    pairs = values.reshape(count, 2).tolist()
    if any(start < 0 or end < 0 for start, end in pairs):
        raise infer.ShapeError(f"{what} cannot be negative")
    return pairs


def _space_to_batch_dims(given, block_shape_shape, block, paddings_shape, paddings):
    """TF's `SpaceToBatchShapeHelper`; `block` and `paddings` are static values or None."""
    count = _known_block_dims(block_shape_shape)
    given = infer.require_rank_at_least(given, count + 1)
    infer.merge_shapes(paddings_shape, TensorShape([count, 2]))
    dims = infer.dims(given)
    block = None if block is None or block.size == 0 else block.reshape(-1).tolist()
    batch = dims[0] if dims else None
    output = [_batch_dim(batch, block, lambda b, v: b * v) if count else batch]
    output += [None] * count
    pairs = _pairs(paddings, count, "paddings")
    if pairs is not None and block is not None:
        for index, (start, end) in enumerate(pairs):
            padded = _add(_add(dims[index + 1] if dims else None, start), end)
            output[index + 1] = infer.divide_evenly(padded, block[index])
    return _with_remaining(output, dims, count)


def _batch_to_space_dims(given, block_shape_shape, block, crops_shape, crops):
    """TF's `BatchToSpaceShapeHelper`."""
    count = _known_block_dims(block_shape_shape)
    given = infer.require_rank_at_least(given, count + 1)
    infer.merge_shapes(crops_shape, TensorShape([count, 2]))
    dims = infer.dims(given)
    block = None if block is None else block.reshape(-1).tolist()
    batch = dims[0] if dims else None
    output = [_batch_dim(batch, block, infer.divide_evenly) if count else batch]
    output += [None] * count
    pairs = None if crops is None else _pairs(crops, count, "crops")
    if pairs is not None and block is not None:
        for index, (start, end) in enumerate(pairs):
            size = _multiply(dims[index + 1] if dims else None, block[index])
            output[index + 1] = _subtract(_subtract(size, start), end)
    return _with_remaining(output, dims, count)


def _with_remaining(output, dims, count):
    if dims is None:
        return infer.unknown()
    return TensorShape(output + dims[count + 1 :])


def _space_to_batch_nd_shape(op):
    x, block_shape, paddings = op.inputs
    block = infer.static_value(block_shape)
    values = infer.static_value(paddings)
    return [_space_to_batch_dims(x.shape, block_shape.shape, block, paddings.shape, values)]


def _batch_to_space_nd_shape(op):
    x, block_shape, crops = op.inputs
    block = infer.static_value(block_shape)
    values = infer.static_value(crops)
    return [_batch_to_space_dims(x.shape, block_shape.shape, block, crops.shape, values)]


def _block_size_pair(op):
    size = op.attrs["block_size"]
    return np.array([size, size], dtype=np.int64)


def _space_to_batch_shape(op):
    """SpaceToBatch: a rank-4 input and `block_size` for both spatial dims."""
    x, paddings = op.inputs
    given = infer.require_rank(x.shape, 4)
    values = infer.static_value(paddings)
    block = _block_size_pair(op)
    return [_space_to_batch_dims(given, TensorShape([2]), block, paddings.shape, values)]


def _batch_to_space_shape(op):
    x, crops = op.inputs
    given = infer.require_rank(x.shape, 4)
    values = infer.static_value(crops)
    block = _block_size_pair(op)
    return [_batch_to_space_dims(given, TensorShape([2]), block, crops.shape, values)]


# ---------------------------------------------------------------------- kernels


def _combinable(block, pairs, index) -> bool:
    """A block dim TF folds into the batch or depth: block 1 and no padding."""
    return block[index] == 1 and pairs[index] == (0, 0)


def _internal_dims(block, pairs) -> int:
    """How many block dims TF's kernel really rearranges (leading and trailing dims with
    block 1 and no padding fold into the batch and depth)."""
    count, prefix, suffix = len(block), 0, 0
    while prefix < count and _combinable(block, pairs, prefix):
        prefix += 1
    while suffix < count - prefix and _combinable(block, pairs, count - 1 - suffix):
        suffix += 1
    return count - prefix - suffix


def _check_block_args(x, block_shape, pairs_value, what: str):
    """The checks both ND kernels make first; returns (block, pairs) as Python ints."""
    if np.ndim(block_shape) != 1:
        raise _invalid(f"block_shape rank should be 1 instead of {np.ndim(block_shape)}")
    count = np.shape(block_shape)[0]
    if np.ndim(x) < 1 + count:
        raise _invalid(f"input rank should be >= {1 + count} instead of {np.ndim(x)}")
    if np.ndim(pairs_value) != 2 or np.shape(pairs_value) != (count, 2):
        raise _invalid(
            f"{what} should have shape [{count}, 2] instead of {_debug_shape(pairs_value)}"
        )
    block = [int(v) for v in block_shape]
    pairs = [(int(start), int(end)) for start, end in pairs_value]
    return block, pairs


def _check_internal_dims(block, pairs) -> int:
    internal = _internal_dims(block, pairs)
    if internal > _MAX_BLOCK_DIMS:
        raise _invalid(
            f"Maximum number of non-combined block dimensions is {internal} but must not "
            f"exceed {_MAX_BLOCK_DIMS}"
        )
    return internal


def _space_to_batch(x, block, pairs):
    """[batch, *spatial, *rest] -> [prod(block) * batch, *(padded spatial / block), *rest]:
    output[(i_1 * b_2 + i_2 ...) * batch + n, j_1, ...] = padded[n, j_1 * b_1 + i_1, ...]."""
    count = len(block)
    rest = x.shape[1 + count :]
    padded = np.pad(x, [(0, 0), *pairs] + [(0, 0)] * len(rest))
    split = [x.shape[0]]
    for size, step in zip(padded.shape[1 : 1 + count], block):
        split += [size // step, step]
    blocks = padded.reshape(split + list(rest))
    order = [2 + 2 * i for i in range(count)] + [0] + [1 + 2 * i for i in range(count)]
    order += list(range(1 + 2 * count, blocks.ndim))
    moved = blocks.transpose(order)
    batch = int(np.prod(block)) * x.shape[0]
    return moved.reshape([batch] + split[1::2] + list(rest))


def _space_to_batch_kernel(x, block_shape, paddings):
    x = np.asarray(x)
    block, pairs = _check_block_args(x, block_shape, paddings, "paddings")
    for index, value in enumerate(block):
        if value < 1:
            raise _invalid(
                f"All values in block_shape must be positive, got value, {value} at index {index}."
            )
    if not _check_internal_dims(block, pairs):
        return x
    for index, ((start, end), size) in enumerate(zip(pairs, x.shape[1:])):
        if start < 0 or end < 0:
            raise _invalid("Paddings must be non-negative")
        if (size + start + end) % block[index]:
            raise _invalid(
                f"padded_shape[{index}]={size + start + end} is not divisible by "
                f"block_shape[{index}]={block[index]}"
            )
    return _space_to_batch(x, block, pairs)


def _space_to_batch_nd_kernel(ctx, input, block_shape, paddings):
    index_attrs = {"Tblock_shape": np.asarray(block_shape), "Tpaddings": np.asarray(paddings)}
    _check_real(ctx, "SpaceToBatchND", np.asarray(input), index_attrs)
    return _space_to_batch_kernel(input, block_shape, paddings)


def _space_to_batch_nd_grad(op, grad):
    """TF's `_SpaceToBatchNDGrad`: the opposite op, BatchToSpaceND."""
    return [batch_to_space_nd(grad, op.inputs[1], op.inputs[2]), None, None]


register_op(
    "SpaceToBatchND",
    inputs=["input: T", "block_shape: Tblock_shape", "paddings: Tpaddings"],
    outputs=["output: T"],
    attrs=[
        "T: type",
        "Tblock_shape: {int32, int64} = DT_INT32",
        "Tpaddings: {int32, int64} = DT_INT32",
    ],
    shape=_space_to_batch_nd_shape,
    kernel=_space_to_batch_nd_kernel,
    grad=_space_to_batch_nd_grad,
)


def space_to_batch_nd(input, block_shape, paddings, name=None):
    """Mirrors `tf.space_to_batch_nd`: zero-pads the M spatial dims after the batch dim, then
    moves each `block_shape` block of them into the batch dim.

    Args:
      input: an N-D Tensor [batch, *spatial (M dims), *remaining].
      block_shape: a 1-D int32/int64 list or Tensor of M values >= 1.
      paddings: an [M, 2] int32/int64 list or Tensor of non-negative [start, end] paddings;
        each padded spatial dim must divide by its block.
      name: the op name.

    Returns:
      A Tensor [batch * prod(block_shape), *(padded spatial / block_shape), *remaining].

    Raises:
      ValueError: at graph build, for bad static block shapes or paddings.
      InvalidArgumentError: at run time, likewise.

    >>> space_to_batch_nd(tf.zeros([1, 4, 4, 3]), [2, 2], [[0, 0], [0, 0]])
    <tf.Tensor 'SpaceToBatchND:0' shape=(4, 2, 2, 3) dtype=float32>
    """
    return apply_op("SpaceToBatchND", input, block_shape, paddings, name=name)


# ---------------------------------------------------------------------- BatchToSpaceND


def _batch_to_space(x, block, pairs):
    """The inverse of `_space_to_batch`, then the crop of each spatial dim."""
    count = len(block)
    batch = x.shape[0] // int(np.prod(block))
    spatial, rest = list(x.shape[1 : 1 + count]), list(x.shape[1 + count :])
    blocks = x.reshape(block + [batch] + spatial + rest)
    order = [count]
    for index in range(count):
        order += [count + 1 + index, index]
    order += list(range(2 * count + 1, blocks.ndim))
    merged = [size * step for size, step in zip(spatial, block)]
    unfolded = blocks.transpose(order).reshape([batch] + merged + rest)
    crop = [slice(start, size - end) for (start, end), size in zip(pairs, merged)]
    return unfolded[(slice(None), *crop)]


def _batch_to_space_kernel(x, block_shape, crops):
    x = np.asarray(x)
    block, pairs = _check_block_args(x, block_shape, crops, "crops")
    product = int(np.prod(block))
    if product <= 0:
        raise _invalid(f"Product of block sizes must be positive, got {product}")
    if x.shape[0] % product:
        raise _invalid(
            f"Input batch dimension ({x.shape[0]}) is not divisible by product of block "
            f"sizes ({product})"
        )
    if not _check_internal_dims(block, pairs):
        return x
    for index, ((start, end), size) in enumerate(zip(pairs, x.shape[1:])):
        if start < 0 or end < 0:
            raise _invalid("Crops must be non-negative")
        cropped = size * block[index] - start - end
        if cropped < 0:
            raise _invalid(f"cropped_shape[{index}]={cropped} must be non-negative")
    return _batch_to_space(x, block, pairs)


def _batch_to_space_nd_kernel(ctx, input, block_shape, crops):
    index_attrs = {"Tblock_shape": np.asarray(block_shape), "Tcrops": np.asarray(crops)}
    _check_real(ctx, "BatchToSpaceND", np.asarray(input), index_attrs)
    return _batch_to_space_kernel(input, block_shape, crops)


def _batch_to_space_nd_grad(op, grad):
    """TF's `_BatchToSpaceNDGrad`: the opposite op, SpaceToBatchND."""
    return [space_to_batch_nd(grad, op.inputs[1], op.inputs[2]), None, None]


register_op(
    "BatchToSpaceND",
    inputs=["input: T", "block_shape: Tblock_shape", "crops: Tcrops"],
    outputs=["output: T"],
    attrs=[
        "T: type",
        "Tblock_shape: {int32, int64} = DT_INT32",
        "Tcrops: {int32, int64} = DT_INT32",
    ],
    shape=_batch_to_space_nd_shape,
    kernel=_batch_to_space_nd_kernel,
    grad=_batch_to_space_nd_grad,
)


def batch_to_space_nd(input, block_shape, crops, name=None):
    """Mirrors `tf.batch_to_space_nd`: the inverse of `space_to_batch_nd`, then a crop.

    Args:
      input: an N-D Tensor [batch, *spatial (M dims), *remaining]; batch must divide by
        prod(block_shape).
      block_shape: a 1-D int32/int64 list or Tensor of M values >= 1.
      crops: an [M, 2] int32/int64 list or Tensor of non-negative [start, end] crops.
      name: the op name.

    Returns:
      A Tensor [batch / prod(block_shape), *(spatial * block_shape - crops), *remaining].

    Raises:
      ValueError: at graph build, for bad static block shapes or crops.
      InvalidArgumentError: at run time, likewise.

    >>> batch_to_space_nd(tf.zeros([4, 2, 2, 3]), [2, 2], [[0, 0], [0, 1]])
    <tf.Tensor 'BatchToSpaceND:0' shape=(1, 4, 3, 3) dtype=float32>
    """
    return apply_op("BatchToSpaceND", input, block_shape, crops, name=name)


# ---------------------------------------------------------------------- SpaceToBatch


def _check_rank4(x) -> None:
    # TF's message has no space before "instead".
    if np.ndim(x) != 4:
        raise _invalid(f"Input rank should be: 4instead of: {np.ndim(x)}")


def _space_to_batch_4d_kernel(ctx, input, paddings, block_size):
    x = np.asarray(input)
    _check_real(ctx, "SpaceToBatch", x, {"Tpaddings": np.asarray(paddings)})
    _check_rank4(x)
    return _space_to_batch_kernel(x, [block_size] * 2, paddings)


def _space_to_batch_grad(op, grad):
    """TF's `_SpaceToBatchGrad`: `tf.batch_to_space`, which builds a BatchToSpaceND."""
    return [batch_to_space(grad, op.inputs[1], block_size=op.attrs["block_size"]), None]


register_op(
    "SpaceToBatch",
    inputs=["input: T", "paddings: Tpaddings"],
    outputs=["output: T"],
    attrs=["T: type", "Tpaddings: {int32, int64} = DT_INT32", "block_size: int >= 2"],
    shape=_space_to_batch_shape,
    kernel=_space_to_batch_4d_kernel,
    grad=_space_to_batch_grad,
)


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):
    """Mirrors `tf.compat.v1.space_to_batch` (and `tf.nn.space_to_batch`): SpaceToBatchND
    with `block_size` for both spatial dims of a 4-D input.

    Args:
      input: a 4-D Tensor [batch, height, width, depth].
      paddings: a [2, 2] int list or Tensor of [start, end] paddings.
      block_size: an int >= 2.
      name: the op name.
      block_shape: alias of `block_size`.

    Returns:
      A 4-D Tensor [batch * block_size**2, padded height / block_size, padded width /
      block_size, depth].

    Raises:
      ValueError: when the input is not 4-D, or both block arguments are given.

    >>> space_to_batch(tf.zeros([1, 4, 4, 3]), [[0, 0], [0, 0]], 2)
    <tf.Tensor 'SpaceToBatchND:0' shape=(4, 2, 2, 3) dtype=float32>
    """
    block_size = _argument_lookup("block_shape", block_shape, "block_size", block_size)
    # An int64 block as in TF, whose op builder keeps a NumPy array's allowed dtype.
    block = np.array([block_size, block_size], dtype=np.int64)
    result = apply_op(
        "SpaceToBatchND", input, block, paddings, Tblock_shape=dtypes.int64, name=name
    )
    result.set_shape(result.shape.with_rank(4))
    return result


# ---------------------------------------------------------------------- BatchToSpace


def _batch_to_space_4d_kernel(ctx, input, crops, block_size):
    x = np.asarray(input)
    _check_real(ctx, "BatchToSpace", x, {"Tidx": np.asarray(crops)})
    _check_rank4(x)
    return _batch_to_space_kernel(x, [block_size] * 2, crops)


def _batch_to_space_grad(op, grad):
    """TF's `_BatchToSpaceGrad`: `tf.space_to_batch`, which builds a SpaceToBatchND."""
    return [space_to_batch(grad, op.inputs[1], block_size=op.attrs["block_size"]), None]


register_op(
    "BatchToSpace",
    inputs=["input: T", "crops: Tidx"],
    outputs=["output: T"],
    attrs=["T: type", "block_size: int >= 2", "Tidx: {int32, int64} = DT_INT32"],
    shape=_batch_to_space_shape,
    kernel=_batch_to_space_4d_kernel,
    grad=_batch_to_space_grad,
)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):
    """Mirrors `tf.compat.v1.batch_to_space`: BatchToSpaceND with `block_size` for both
    spatial dims of a 4-D input.

    Args:
      input: a 4-D Tensor [batch, height, width, depth]; batch divides by block_size**2.
      crops: a [2, 2] int list or Tensor of [start, end] crops.
      block_size: an int >= 2.
      name: the op name.
      block_shape: alias of `block_size`.

    Returns:
      A 4-D Tensor [batch / block_size**2, height * block_size - crops, width * block_size
      - crops, depth].

    Raises:
      ValueError: when the input is not 4-D, or both block arguments are given.

    >>> batch_to_space(tf.zeros([4, 2, 2, 3]), [[0, 0], [0, 0]], 2)
    <tf.Tensor 'BatchToSpaceND:0' shape=(1, 4, 4, 3) dtype=float32>
    """
    block_size = _argument_lookup("block_shape", block_shape, "block_size", block_size)
    block = np.array([block_size, block_size], dtype=np.int64)
    result = apply_op("BatchToSpaceND", input, block, crops, Tblock_shape=dtypes.int64, name=name)
    result.set_shape(result.shape.with_rank(4))
    return result


# ---------------------------------------------------------------------- SpaceToDepth


# Dim positions (N, H, W, C) per data format; NCHW_VECT_C adds a trailing dim of 4.
_LAYOUTS = {"NHWC": (0, 1, 2, 3), "NCHW": (0, 2, 3, 1), "NCHW_VECT_C": (0, 2, 3, 1)}


def _depth_shape(op, spatial_fn, depth_fn):
    """TF's SpaceToDepth/DepthToSpace shape function: `spatial_fn` maps H and W, `depth_fn`
    the channels, in the op's data format."""
    data_format = op.attrs["data_format"]
    rank = 5 if data_format == "NCHW_VECT_C" else 4
    given = infer.require_rank(op.inputs[0].shape, rank).as_list()
    n, h, w, c = (given[i] for i in _LAYOUTS[data_format])
    size = op.attrs["block_size"]
    out = [n, spatial_fn(h, size), spatial_fn(w, size), depth_fn(c, size)]
    if data_format == "NHWC":
        return [TensorShape(out)]
    return [TensorShape([out[0], out[3], out[1], out[2]] + [4] * (rank - 4))]


def _check_nhwc(ctx, op_type, x, block_size, data_format) -> None:
    """TF registers CPU kernels for NHWC only."""
    if data_format == "NHWC":
        return
    dtype = dtypes.as_dtype(x.dtype) if x.dtype != object else dtypes.string
    attrs = {"T": _type_name(dtype), "block_size": block_size}
    attrs["data_format"] = f'"{data_format}"'
    raise _no_kernel(ctx, op_type, attrs)


def _space_to_depth_kernel(ctx, input, block_size, data_format):
    """output[n, i, j, (di * b + dj) * C + c] = input[n, i * b + di, j * b + dj, c]."""
    x = np.asarray(input)
    _check_nhwc(ctx, "SpaceToDepth", x, block_size, data_format)
    if x.ndim != 4:
        raise _invalid(f"Input rank should be 4 instead of {x.ndim}")
    n, h, w, c = x.shape
    if h % block_size or w % block_size:
        raise _invalid(
            f"Image width {w} and height {h} should be divisible by block_size: {block_size}"
        )
    b = block_size
    blocks = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return blocks.reshape(n, h // b, w // b, b * b * c)


def _space_to_depth_grad(op, grad):
    """TF's `_SpaceToDepthGrad`: the opposite op, DepthToSpace."""
    data_format = op.attrs["data_format"]
    if data_format == "NCHW_VECT_C":
        raise ValueError(
            "Cannot compute SpaceToDepth gradient with NCHW_VECT_C. NCHW_VECT_C requires qint8 "
            "data type."
        )
    return [depth_to_space(grad, op.attrs["block_size"], data_format=data_format)]


register_op(
    "SpaceToDepth",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[
        "T: type",
        "block_size: int >= 2",
        "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'",
    ],
    shape=lambda op: _depth_shape(op, infer.divide_evenly, lambda c, b: _multiply(c, b * b)),
    kernel=_space_to_depth_kernel,
    grad=_space_to_depth_grad,
)


def space_to_depth(input, block_size, name=None, data_format="NHWC"):
    """Mirrors `tf.compat.v1.space_to_depth` (and `tf.nn.space_to_depth`): moves each
    block_size x block_size spatial block into the depth dim.

    Args:
      input: a 4-D Tensor [batch, height, width, depth]; height and width divide by
        block_size.
      block_size: an int >= 2.
      name: the op name.
      data_format: "NHWC"; "NCHW" and "NCHW_VECT_C" build, but as in TF there is no CPU
        kernel for them.

    Returns:
      A Tensor [batch, height / block_size, width / block_size, depth * block_size**2].

    >>> space_to_depth(tf.zeros([1, 4, 4, 3]), 2)
    <tf.Tensor 'SpaceToDepth:0' shape=(1, 2, 2, 12) dtype=float32>
    """
    return apply_op(
        "SpaceToDepth", input, block_size=block_size, data_format=data_format, name=name
    )


# ---------------------------------------------------------------------- DepthToSpace


def _depth_to_space_kernel(ctx, input, block_size, data_format):
    """output[n, i * b + di, j * b + dj, c] = input[n, i, j, (di * b + dj) * C' + c]."""
    x = np.asarray(input)
    _check_nhwc(ctx, "DepthToSpace", x, block_size, data_format)
    if x.ndim != 4:
        raise _invalid(f"Input rank should be: 4 instead of: {x.ndim}")
    n, h, w, c = x.shape
    b = block_size
    if c % (b * b):
        raise _invalid(f"Input depth dimension {c} should be divisible by: {b * b}")
    blocks = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return blocks.reshape(n, h * b, w * b, c // (b * b))


def _depth_to_space_grad(op, grad):
    """TF's `_DepthToSpaceGrad`: the opposite op, SpaceToDepth."""
    data_format = op.attrs["data_format"]
    if data_format == "NCHW_VECT_C":
        raise ValueError(
            "Cannot compute DepthToSpace gradient with NCHW_VECT_C. NCHW_VECT_C requires qint8 "
            "data type."
        )
    return [space_to_depth(grad, op.attrs["block_size"], data_format=data_format)]


register_op(
    "DepthToSpace",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[
        "T: type",
        "block_size: int >= 2",
        "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'",
    ],
    shape=lambda op: _depth_shape(op, _multiply, lambda c, b: infer.divide_evenly(c, b * b)),
    kernel=_depth_to_space_kernel,
    grad=_depth_to_space_grad,
)


def depth_to_space(input, block_size, name=None, data_format="NHWC"):
    """Mirrors `tf.compat.v1.depth_to_space` (and `tf.nn.depth_to_space`): the inverse of
    `space_to_depth`, spreading depth into block_size x block_size spatial blocks.

    Args:
      input: a 4-D Tensor [batch, height, width, depth]; depth divides by block_size**2.
      block_size: an int >= 2.
      name: the op name.
      data_format: "NHWC"; "NCHW" and "NCHW_VECT_C" build, but as in TF there is no CPU
        kernel for them.

    Returns:
      A Tensor [batch, height * block_size, width * block_size, depth / block_size**2].

    >>> depth_to_space(tf.zeros([1, 2, 2, 12]), 2)
    <tf.Tensor 'DepthToSpace:0' shape=(1, 4, 4, 3) dtype=float32>
    """
    return apply_op(
        "DepthToSpace", input, block_size=block_size, data_format=data_format, name=name
    )


# ---------------------------------------------------------------------- paddings helper


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """Mirrors `tf.required_space_to_batch_paddings`: the paddings (at least `base_paddings`)
    that make each input dim divide by its block, and the crops that undo the extra.

    paddings[i] = [base[i, 0], base[i, 1] + extra[i]] and crops[i] = [0, extra[i]], with
    extra[i] = (block[i] - (input[i] + base[i, 0] + base[i, 1]) % block[i]) % block[i].
    Constant arguments give Const results; others build the arithmetic as TF does.

    Args:
      input_shape: an int32 vector [N] (the spatial dims).
      block_shape: an int32 vector [N] of static length.
      base_paddings: an optional int32 [N, 2] minimum padding (default zeros).
      name: the name scope (default "required_space_to_batch_paddings").

    Returns:
      (paddings, crops), two int32 [N, 2] Tensors.

    Raises:
      ValueError: when block_shape's length is not static, or the shapes do not fit.

    >>> required_space_to_batch_paddings([5, 7], [2, 3])[0]
    <tf.Tensor 'required_space_to_batch_paddings/paddings:0' shape=(2, 2) dtype=int32>
    """
    with graph_lib.name_scope(name, "required_space_to_batch_paddings", [input_shape, block_shape]):
        input_shape = op_builder.convert_to_tensor(input_shape, dtypes.int32, name="input_shape")
        block_shape = op_builder.convert_to_tensor(block_shape, dtypes.int32, name="block_shape")
        block_shape.shape.assert_is_fully_defined()
        block_shape.shape.assert_has_rank(1)
        count = block_shape.shape.as_list()[0]
        if count == 0:
            return constants.zeros([0, 2], dtypes.int32), constants.zeros([0, 2], dtypes.int32)
        input_shape.shape.assert_is_compatible_with([count])
        if base_paddings is None:
            base_paddings = constants.zeros([count, 2], dtypes.int32)
        else:
            base_paddings = op_builder.convert_to_tensor(
                base_paddings, dtypes.int32, name="base_paddings"
            )
            base_paddings.shape.assert_is_compatible_with([count, 2])
        values = [tensor_util.constant_value(t) for t in (block_shape, input_shape, base_paddings)]
        if all(value is not None for value in values):
            return _constant_paddings(count, *values)
        return _graph_paddings(count, block_shape, input_shape, base_paddings)


def _constant_paddings(count, block, given, base):
    """The NumPy form: TF computes on the constants and stacks them into Consts."""
    pad_start, orig_pad_end = base[:, 0], base[:, 1]
    extra = (block - (given + pad_start + orig_pad_end) % block) % block
    pad_end = orig_pad_end + extra
    # Python ints: TF's conversion makes the mixed list [0, np.int32(e)] int32.
    pad_start, pad_end, extra = pad_start.tolist(), pad_end.tolist(), extra.tolist()
    paddings = joining.stack([[pad_start[i], pad_end[i]] for i in range(count)], name="paddings")
    crops = joining.stack([[0, extra[i]] for i in range(count)], name="crops")
    return paddings, crops


def _graph_paddings(count, block, given, base):
    """The graph form, op for op as TF's operators build it (AddV2 "add", FloorMod "mod"...);
    math-family ops are built by type name."""
    pad_start = slicing.slice_spec(base, (slice(None), 0))
    orig_pad_end = slicing.slice_spec(base, (slice(None), 1))
    full = apply_op("AddV2", given, pad_start, name="add")
    full = apply_op("AddV2", full, orig_pad_end, name="add")
    remainder = apply_op("FloorMod", full, block, name="mod")
    extra = apply_op("FloorMod", apply_op("Sub", block, remainder, name="sub"), block, name="mod")
    pad_end = apply_op("AddV2", orig_pad_end, extra, name="add")
    rows = [
        [slicing.slice_spec(pad_start, i), slicing.slice_spec(pad_end, i)] for i in range(count)
    ]
    paddings = joining.stack(rows, name="paddings")
    extras = [slicing.slice_spec(extra, i) for i in range(count)]
    crops = joining.stack([[0, value] for value in extras], name="crops")
    return paddings, crops
