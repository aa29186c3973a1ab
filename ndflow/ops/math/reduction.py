"""Reductions and scans: Sum, Mean, Max, Min, Prod, All, Any, ArgMax, ArgMin, Cumsum and
Cumprod, with `tf.reduce_*` (TF1 arguments), `tf.reduce_logsumexp`, `tf.count_nonzero`,
`tf.argmax`/`tf.argmin` and `tf.cumsum`/`tf.cumprod`.

Empty reductions give TF's identities: Sum 0, Prod 1, Max the lowest value (-inf for
floats), Min the highest, Mean NaN for floats and 0 for integers, All true, Any false.
Integer means accumulate wide and truncate toward zero; half types accumulate in float32.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.math import cast as cast_lib
from ndflow.ops.math import sequence

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_HALF = frozenset({"float16", "bfloat16"})


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _accumulator(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float32) if dtype.name in _HALF else dtype


# ---------------------------------------------------------------------- shape


def _reduction_shape(op):
    shape = op.inputs[0].shape
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    keep_dims = op.attrs["keep_dims"]
    indices = tensor_util.constant_value(op.inputs[1])
    if indices is None or shape.rank is None:
        return [tensor_shape.unknown_shape(shape.rank if keep_dims else None)]
    rank = shape.rank
    reduced = set()
    for index in np.ravel(indices).tolist():
        if not -rank <= index < rank:
            raise shape_errors.ShapeError(
                f"Invalid reduction dimension {index} for input with {rank} dimensions."
            )
        reduced.add(index % rank)
    dims = [
        1 if i in reduced else d
        for i, d in enumerate(shape.as_list())
        if keep_dims or i not in reduced
    ]
    return [tensor_shape.TensorShape(dims)]


def _reduction_axes(x, reduction_indices) -> tuple:
    """The reduced axes, normalized, with TF's runtime errors."""
    rank = np.ndim(x)
    axes = np.ravel(reduction_indices).tolist()
    for index in axes:
        if not -rank <= index < rank:
            raise _invalid(
                f"Invalid reduction dimension ({index} for input with {rank} dimension(s)"
            )
    normalized = [index % rank for index in axes]
    for position, axis in enumerate(normalized):
        if axis in normalized[:position]:
            raise _invalid(
                f"Invalid reduction arguments: Axes contains duplicate dimension: {axis}"
            )
    return tuple(normalized)


# ---------------------------------------------------------------------- kernels


def _reduced_count(x, axes) -> int:
    return int(np.prod([np.shape(x)[a] for a in axes], dtype=np.int64))


def _sum(x, axes, keep_dims):
    x = np.asarray(x)
    total = np.sum(x, axis=axes, dtype=_accumulator(x.dtype), keepdims=keep_dims)
    return np.asarray(total).astype(x.dtype, copy=False)


def _prod(x, axes, keep_dims):
    x = np.asarray(x)
    total = np.prod(x, axis=axes, dtype=_accumulator(x.dtype), keepdims=keep_dims)
    return np.asarray(total).astype(x.dtype, copy=False)


def _mean(x, axes, keep_dims):
    x = np.asarray(x)
    count = _reduced_count(x, axes)
    if x.dtype.kind in "iu":
        wide = np.int64 if x.dtype.kind == "i" else np.uint64
        total = np.sum(x, axis=axes, dtype=wide, keepdims=keep_dims)
        if count == 0:
            return np.zeros_like(total, dtype=x.dtype)
        # C++ integer division truncates toward zero.
        quotient = np.abs(total) // count * np.sign(total)
        return np.asarray(quotient).astype(x.dtype)
    total = np.sum(x, axis=axes, dtype=_accumulator(x.dtype), keepdims=keep_dims)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / total.dtype.type(count)).astype(x.dtype, copy=False)


def _extreme(x, pick_max: bool):
    """The identity of Max (lowest value) or Min (highest value) for x's type."""
    dtype = np.asarray(x).dtype
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return dtype.type(info.min if pick_max else info.max)
    return np.array(-np.inf if pick_max else np.inf, dtype=dtype)


def _max(x, axes, keep_dims):
    return np.max(x, axis=axes, keepdims=keep_dims, initial=_extreme(x, True))


def _min(x, axes, keep_dims):
    return np.min(x, axis=axes, keepdims=keep_dims, initial=_extreme(x, False))


def _all(x, axes, keep_dims):
    return np.all(x, axis=axes, keepdims=keep_dims)


def _any(x, axes, keep_dims):
    return np.any(x, axis=axes, keepdims=keep_dims)


def _reduction_kernel(fn):
    def kernel(ctx, input, reduction_indices, keep_dims):
        axes = _reduction_axes(input, reduction_indices)
        return fn(input, axes, keep_dims)

    return kernel


# ---------------------------------------------------------------------- gradients


def _constant(value, dtype=dtypes.int32):
    return op_builder.constant(value, dtype=dtype)


def reduced_shape(input_shape, axes):
    """TF's `math_ops.reduced_shape`: the 1-D `input_shape` with the `axes` entries set to 1
    (the output shape of a reduction with keep_dims). A Const when both are static."""
    shape_value = tensor_util.constant_value(input_shape)
    axes_value = tensor_util.constant_value(axes)
    if shape_value is not None and axes_value is not None:
        dims = np.array(shape_value, dtype=np.int32)
        dims[np.array(axes_value, dtype=np.int32)] = 1
        return _constant(dims)
    axes = convert_to_tensor(axes)
    kind = axes.dtype.base_dtype
    rank = apply_op("Size", input_shape, out_type=kind)
    axes = apply_op("FloorMod", apply_op("AddV2", axes, rank), rank)
    # TF stitches ones into the shape with DynamicStitch; a position is set to 1 here when
    # it equals one of the axes.
    positions = apply_op("Range", _constant(0, kind), rank, _constant(1, kind))
    hits = apply_op(
        "Equal", apply_op("ExpandDims", positions, 1), apply_op("Reshape", axes, [1, -1])
    )
    reduced = apply_op("Any", hits, 1)
    return apply_op("SelectV2", reduced, array.ones_like(input_shape), input_shape)


def _static_tile(op, grad):
    """The gradient of Sum as a Reshape + Tile when the input shape and axes are static
    (TF's graph-mode path, without its cache); None otherwise."""
    dims = op.inputs[0].shape
    axes = tensor_util.constant_value(op.inputs[1])
    if dims.rank is None or axes is None:
        return None
    rank = dims.rank
    if np.array_equal(axes, np.arange(rank)):
        grad = apply_op("Reshape", grad, _constant([1] * rank))
        if dims.is_fully_defined():
            return apply_op("Tile", grad, _constant(dims.as_list()))
        return apply_op("Tile", grad, apply_op("Shape", op.inputs[0]))
    if not dims.is_fully_defined():
        return None
    kept = np.array(dims.as_list(), dtype=np.int32)
    kept[np.ravel(axes).astype(np.int64)] = 1
    scaling = np.array(dims.as_list(), dtype=np.int32) // np.maximum(kept, 1)
    return apply_op("Tile", apply_op("Reshape", grad, _constant(kept)), _constant(scaling))


def _sum_grad(op, grad):
    """TF's `_SumGrad`: grad broadcast back over the reduced axes."""
    tiled = _static_tile(op, grad)
    if tiled is not None:
        return [tiled, None]
    input_shape = apply_op("Shape", op.inputs[0])
    if not op.attrs["keep_dims"]:
        grad = apply_op("Reshape", grad, reduced_shape(input_shape, op.inputs[1]))
    return [apply_op("BroadcastTo", grad, input_shape), None]


def _mean_grad(op, grad):
    """TF's `_MeanGrad`: Sum's gradient divided by the number of reduced elements."""
    sum_grad = _sum_grad(op, grad)[0]
    dtype = sum_grad.dtype.base_dtype
    inputs, outputs = op.inputs[0].shape, op.outputs[0].shape
    if inputs.is_fully_defined() and outputs.is_fully_defined():
        count = inputs.num_elements() // max(outputs.num_elements(), 1)
        return [apply_op("RealDiv", sum_grad, _constant(count, dtype)), None]
    input_shape = apply_op("Shape", op.inputs[0])
    rank = apply_op("Size", input_shape)
    axes = apply_op("Cast", op.inputs[1], DstT=dtypes.int32)
    axes = apply_op("FloorMod", apply_op("AddV2", axes, rank), rank)
    count = _product(apply_op("GatherV2", input_shape, axes, 0))
    return [apply_op("RealDiv", sum_grad, apply_op("Cast", count, DstT=dtype)), None]


def _product(values):
    """The product of all entries (TF's `reduce_prod(x)`)."""
    return reduce_prod(values)


def _min_or_max_grad(op, grad):
    """TF's `_MinOrMaxGrad`: the gradient is split evenly between the elements equal to the
    extreme value (ties share it)."""
    x, y = op.inputs[0], op.outputs[0]
    input_shape = apply_op("Shape", x)
    if op.attrs["keep_dims"]:
        kept = apply_op("Shape", y)
    else:
        kept = reduced_shape(input_shape, op.inputs[1])
        y = apply_op("Reshape", y, kept)
        grad = apply_op("Reshape", grad, kept)
    indicators = apply_op("Cast", apply_op("Equal", y, x), DstT=grad.dtype.base_dtype)
    selected = apply_op("Reshape", apply_op("Sum", indicators, op.inputs[1]), kept)
    return [apply_op("RealDiv", indicators, selected) * grad, None]


def _other_axes(positions, reduced):
    """The entries of `positions` not in `reduced`, in order (TF's ListDiff)."""
    hits = apply_op(
        "Equal", apply_op("ExpandDims", positions, 1), apply_op("Reshape", reduced, [1, -1])
    )
    keep = apply_op("LogicalNot", apply_op("Any", hits, 1))
    where = apply_op("Reshape", apply_op("Where", keep), [-1])
    return apply_op("GatherV2", positions, where, 0)


def _prod_grad(op, grad):
    """TF's `_ProdGrad`: the product of all other entries, from two exclusive cumulative
    products (so zeros in the input are handled exactly)."""
    x = op.inputs[0]
    input_shape = apply_op("Shape", x)
    if not op.attrs["keep_dims"]:
        grad = apply_op("Reshape", grad, reduced_shape(input_shape, op.inputs[1]))
    grad = apply_op("BroadcastTo", grad, input_shape)
    rank = sequence.rank_of(x)
    indices = apply_op("Cast", apply_op("Reshape", op.inputs[1], [-1]), DstT=dtypes.int32)
    reduced = apply_op("FloorMod", apply_op("AddV2", indices, rank), rank)
    other = _other_axes(sequence.range(0, rank), reduced)
    perm = apply_op("ConcatV2", [reduced, other], 0)
    reduced_num = _product(apply_op("GatherV2", input_shape, reduced, 0))
    other_num = _product(apply_op("GatherV2", input_shape, other, 0))
    permuted = apply_op("Transpose", x, perm)
    reshaped = apply_op("Reshape", permuted, apply_op("Pack", [reduced_num, other_num]))
    left = apply_op("Cumprod", reshaped, 0, exclusive=True)
    right = apply_op("Cumprod", reshaped, 0, exclusive=True, reverse=True)
    others = apply_op("Mul", elementwise.conj(left), elementwise.conj(right))
    others = apply_op("Reshape", others, apply_op("Shape", permuted))
    out = grad * apply_op("Transpose", others, apply_op("InvertPermutation", perm))
    return [apply_op("Reshape", out, input_shape), None]


_TIDX = "Tidx: {int32, int64} = DT_INT32"
_REDUCTIONS = [
    ("Sum", _sum, "T: numbertype", _sum_grad),
    ("Mean", _mean, "T: numbertype", _mean_grad),
    ("Prod", _prod, "T: numbertype", _prod_grad),
    ("Max", _max, "T: {realnumbertype, quantizedtype}", _min_or_max_grad),
    ("Min", _min, "T: {realnumbertype, quantizedtype}", _min_or_max_grad),
]

for _name, _fn, _type_attr, _grad in _REDUCTIONS:
    registry.register_op(
        _name,
        inputs=["input: T", "reduction_indices: Tidx"],
        outputs=["output: T"],
        attrs=["keep_dims: bool = false", _type_attr, _TIDX],
        shape=_reduction_shape,
        kernel=_reduction_kernel(_fn),
        grad=_grad,
    )
for _name, _fn in [("All", _all), ("Any", _any)]:
    registry.register_op(
        _name,
        inputs=["input: bool", "reduction_indices: Tidx"],
        outputs=["output: bool"],
        attrs=["keep_dims: bool = false", _TIDX],
        shape=_reduction_shape,
        kernel=_reduction_kernel(_fn),
    )
    registry.not_differentiable(_name, "a logical reduction of bool tensors")


# ---------------------------------------------------------------------- reduce_* builders


def _deprecated_lookup(new_name, new_value, old_name, old_value):
    """TF's `deprecated_argument_lookup`: the old spelling, or the new; not both."""
    if old_value is None:
        return new_value
    if new_value is not None:
        raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'.")
    return old_value


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    axis = _deprecated_lookup("axis", axis, "reduction_indices", reduction_indices)
    keepdims = bool(_deprecated_lookup("keepdims", keepdims, "keep_dims", keep_dims))
    x = convert_to_tensor(input_tensor)
    dims = sequence.all_dimensions(x) if axis is None else axis
    result = apply_op(op_type, x, dims, keep_dims=keepdims, name=name)
    if axis is None and not keepdims and not result.shape.is_fully_defined():
        result.set_shape(())
    return result


def _reduce_builder(op_type: str, tf_name: str, what: str):
    def builder(
        input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
    ):
        return _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)

    builder.__name__ = builder.__qualname__ = tf_name
    builder.__doc__ = (
        f"Mirrors TF1 `tf.{tf_name}`: the {what} over `axis` (all axes when None).\n\n"
        "    Args:\n      input_tensor: the Tensor to reduce.\n"
        "      axis: an int, a list of ints or an int Tensor; negative values count from the "
        "end.\n      keepdims: keep reduced axes with length 1.\n"
        f'      name: the op name (default "{op_type}").\n'
        "      reduction_indices: the deprecated name of `axis`.\n"
        "      keep_dims: the deprecated name of `keepdims`.\n\n"
        "    Returns:\n      The reduced Tensor.\n\n"
        "    Raises:\n      ValueError: for an axis out of range, or both spellings of an "
        "argument.\n\n"
        f"    >>> {tf_name}(constant([[1.0, 2.0], [3.0, 4.0]]), axis=1)\n"
        f"    <tf.Tensor '{op_type}:0' shape=(2,) dtype=float32>\n"
    )
    return builder


reduce_sum = _reduce_builder("Sum", "reduce_sum", "sum")
reduce_mean = _reduce_builder("Mean", "reduce_mean", "mean")
reduce_prod = _reduce_builder("Prod", "reduce_prod", "product")
reduce_max = _reduce_builder("Max", "reduce_max", "maximum")
reduce_min = _reduce_builder("Min", "reduce_min", "minimum")
reduce_all = _reduce_builder("All", "reduce_all", "logical and")
reduce_any = _reduce_builder("Any", "reduce_any", "logical or")


def reduce_logsumexp(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Mirrors TF1 `tf.reduce_logsumexp`: log(sum(exp(x))) computed stably, as TF builds it
    (the max is subtracted first, and 0 used where the max is not finite).

    >>> reduce_logsumexp(constant([[0.0, 0.0]]), axis=1)  # [0.6931]
    <tf.Tensor 'ReduceLogSumExp:0' shape=(1,) dtype=float32>
    """
    axis = _deprecated_lookup("axis", axis, "reduction_indices", reduction_indices)
    keepdims = bool(_deprecated_lookup("keepdims", keepdims, "keep_dims", keep_dims))
    with graph_lib.name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis=axis, keepdims=True)
        finite = apply_op("IsFinite", raw_max)
        top = apply_op("StopGradient", apply_op("SelectV2", finite, raw_max, 0))
        shifted = apply_op("Exp", apply_op("Sub", x, top))
        result = apply_op("Log", reduce_sum(shifted, axis=axis, keepdims=keepdims))
        if not keepdims:
            top = apply_op("Reshape", top, apply_op("Shape", result))
        result = apply_op("AddV2", result, top, name=scope)
        if axis is None and not keepdims and not result.shape.is_fully_defined():
            result.set_shape(())
        return result


def count_nonzero(
    input_tensor=None,
    axis=None,
    keepdims=None,
    dtype=dtypes.int64,
    name=None,
    reduction_indices=None,
    keep_dims=None,
    input=None,
):
    """Mirrors TF1 `tf.count_nonzero`: the number of non-zero elements over `axis`.

    >>> count_nonzero(constant([[0, 1], [2, 3]]))  # 3
    <tf.Tensor 'count_nonzero/Sum:0' shape=() dtype=int64>
    """
    input_tensor = _deprecated_lookup("input", input, "input_tensor", input_tensor)
    with graph_lib.name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input")
        zero_value = b"" if x.dtype.base_dtype == dtypes.string else 0
        zero = op_builder.constant(zero_value, dtype=x.dtype.base_dtype, name="zeros")
        flags = cast_lib.cast(apply_op("NotEqual", x, zero), dtypes.int64)
        total = reduce_sum(
            flags,
            axis=axis,
            keepdims=keepdims,
            reduction_indices=reduction_indices,
            keep_dims=keep_dims,
        )
        return cast_lib.cast(total, dtype)


# ---------------------------------------------------------------------- ArgMax, ArgMin


def _arg_shape(op):
    shape_errors.require_rank(op.inputs[1].shape, 0)
    shape = op.inputs[0].shape
    if shape.rank is None:
        return [tensor_shape.unknown_shape()]
    if shape.rank <= 1:
        return [tensor_shape.scalar()]
    dimension = tensor_util.constant_value(op.inputs[1])
    if dimension is None:
        return [tensor_shape.unknown_shape(shape.rank - 1)]
    rank, value = shape.rank, int(dimension)
    if not -rank <= value < rank:
        raise shape_errors.ShapeError(
            f"Dimension ({value}) must be in the range [{-rank}, {rank}), where {rank} is the "
            "number of dimensions in the input."
        )
    dims = shape.as_list()
    del dims[value % rank]
    return [tensor_shape.TensorShape(dims)]


def _arg_kernel(pick_max: bool):
    def kernel(ctx, input, dimension, output_type):
        if np.ndim(dimension) != 0:
            raise _invalid(
                "dim must be a scalar, but received tensor of shape: "
                f"{format_dims(np.shape(dimension))}"
            )
        rank, value = np.ndim(input), int(dimension)
        if not -rank <= value < rank:
            raise _invalid(f"Expected dimension in the range [{-rank}, {rank}), but got {value}")
        if np.shape(input)[value] == 0:
            raise _invalid(
                f"Reduction axis {value} is empty in shape {format_dims(np.shape(input))}"
            )
        data = np.asarray(input)
        if data.dtype.kind == "f" or data.dtype.name == "bfloat16":
            # TF's comparisons never select a NaN; NumPy's would pick the first one.
            data = np.where(np.isnan(data), _extreme(data, pick_max), data)
        found = np.argmax(data, axis=value) if pick_max else np.argmin(data, axis=value)
        return np.asarray(found).astype(output_type.as_numpy_dtype)

    return kernel


_ARG_TYPES = "T: {realnumbertype, quantizedtype, bool}"
registry.register_op(
    "ArgMax",
    inputs=["input: T", "dimension: Tidx"],
    outputs=["output: output_type"],
    attrs=[
        _ARG_TYPES,
        "Tidx: {int16, int32, int64} = DT_INT32",
        "output_type: {int16, uint16, int32, int64} = DT_INT64",
    ],
    shape=_arg_shape,
    kernel=_arg_kernel(True),
)
registry.not_differentiable("ArgMax", "an integer index; TF's gradient returns None")
registry.register_op(
    "ArgMin",
    inputs=["input: T", "dimension: Tidx"],
    outputs=["output: output_type"],
    attrs=[_ARG_TYPES, _TIDX, "output_type: {int32, int64} = DT_INT64"],
    shape=_arg_shape,
    kernel=_arg_kernel(False),
)
registry.not_differentiable("ArgMin", "an integer index; TF's gradient returns None")


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """Mirrors TF1 `tf.argmax`: the index of the largest value along `axis` (default 0);
    ties pick the lowest index, NaNs are never picked.

    Args:
      input: a real or bool Tensor.
      axis: the axis to reduce (an int or int scalar Tensor).
      name: the op name (default "ArgMax").
      dimension: the deprecated name of `axis`.
      output_type: int32 or int64 (default).

    Returns:
      A Tensor of `output_type`.

    >>> argmax(constant([[1.0, 3.0], [2.0, 0.0]]), 1)  # [1, 0]
    <tf.Tensor 'ArgMax:0' shape=(2,) dtype=int64>
    """
    axis = _deprecated_lookup("axis", axis, "dimension", dimension)
    return apply_op(
        "ArgMax", input, 0 if axis is None else axis, output_type=output_type, name=name
    )


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """Mirrors TF1 `tf.argmin`: the index of the smallest value along `axis` (default 0).

    >>> argmin(constant([[1.0, 3.0], [2.0, 0.0]]), 1)  # [0, 1]
    <tf.Tensor 'ArgMin:0' shape=(2,) dtype=int64>
    """
    axis = _deprecated_lookup("axis", axis, "dimension", dimension)
    return apply_op(
        "ArgMin", input, 0 if axis is None else axis, output_type=output_type, name=name
    )


# ---------------------------------------------------------------------- Cumsum, Cumprod


def _scan_kernel(accumulate, identity: int):
    def kernel(ctx, x, axis, exclusive, reverse):
        if np.ndim(axis) != 0:
            raise _invalid(f"ScanOp: axis must be a scalar, not {format_dims(np.shape(axis))}")
        rank, value = np.ndim(x), int(axis)
        if not -rank <= value < rank:
            raise _invalid(
                f"ScanOp: Expected scan axis in the range [{-rank}, {rank}), but got {value}"
            )
        value %= rank
        data = np.flip(x, value) if reverse else np.asarray(x)
        out = accumulate(data, axis=value, dtype=data.dtype)
        if exclusive:
            out = np.roll(out, 1, axis=value)
            np.moveaxis(out, value, 0)[:1] = identity
        return np.flip(out, value) if reverse else out

    return kernel


def _cumsum_grad(op, grad):
    """TF's `_CumsumGrad`: the cumulative sum of grad in the other direction."""
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    return [
        apply_op("Cumsum", grad, op.inputs[1], exclusive=exclusive, reverse=not reverse),
        None,
    ]


def _cumprod_grad(op, grad):
    """TF's `_CumprodGrad`: cumsum(cumprod(x) * grad) in the other direction, over x
    (DivNoNan, so zeros in x give 0, as in TF)."""
    x, axis = op.inputs
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    prod = apply_op("Cumprod", x, axis, exclusive=exclusive, reverse=reverse)
    out = apply_op("Cumsum", prod * grad, axis, exclusive=exclusive, reverse=not reverse)
    return [apply_op("DivNoNan", out, x), None]


for _name, _fn, _identity, _grad in [
    ("Cumsum", np.cumsum, 0, _cumsum_grad),
    ("Cumprod", np.cumprod, 1, _cumprod_grad),
]:
    registry.register_op(
        _name,
        inputs=["x: T", "axis: Tidx"],
        outputs=["out: T"],
        attrs=["exclusive: bool = false", "reverse: bool = false", "T: numbertype", _TIDX],
        shape=elementwise.unary_shape,
        kernel=_scan_kernel(_fn, _identity),
        grad=_grad,
    )


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Mirrors `tf.cumsum`: running sums along `axis`; `exclusive` starts from 0, `reverse`
    runs from the end.

    >>> cumsum(constant([1, 2, 3]), exclusive=True)  # [0, 1, 3]
    <tf.Tensor 'Cumsum:0' shape=(3,) dtype=int32>
    """
    with graph_lib.name_scope(name, "Cumsum", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return apply_op("Cumsum", x, axis, exclusive=exclusive, reverse=reverse, name=scope)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Mirrors `tf.cumprod`: running products along `axis`.

    >>> cumprod(constant([1, 2, 3]))  # [1, 2, 6]
    <tf.Tensor 'Cumprod:0' shape=(3,) dtype=int32>
    """
    with graph_lib.name_scope(name, "Cumprod", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return apply_op("Cumprod", x, axis, exclusive=exclusive, reverse=reverse, name=scope)
