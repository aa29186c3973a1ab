"""Segment reductions: SegmentSum/Mean/Max/Min/Prod (sorted ids) and UnsortedSegmentSum/
Max/Min/Prod (any order, `num_segments` rows, negative ids dropped), with their builders.

Segments no id names are filled as TF fills them: sorted ops with 0 (1 for Prod);
unsorted ops with 0 for Sum, 1 for Prod, the lowest value for Max and the highest for Min.
Rows are grouped with one stable sort and reduced with `ufunc.reduceat`. Gradients are TF's
(math_grad.py): gathered back to each segment's rows, split between tied extremes.

`tf.convert_to_tensor(indexed_slices)` is registered here too: it densifies with an
UnsortedSegmentSum, as TF does.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.array import shape_inference as array_shapes

apply_op = op_builder.apply_op
format_dims = elementwise.format_dims

_HALF = frozenset({"float16", "bfloat16"})
_UFUNCS = {"Sum": np.add, "Mean": np.add, "Prod": np.multiply, "Max": np.maximum, "Min": np.minimum}


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _lowest_highest(dtype: np.dtype):
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.min, info.max
    highest = np.nextafter(np.array(np.inf, dtype), np.zeros((), dtype))
    return -highest, highest


def _unsorted_fill(kind: str, dtype: np.dtype):
    if kind == "Max":
        return _lowest_highest(dtype)[0]
    if kind == "Min":
        return _lowest_highest(dtype)[1]
    return 1 if kind == "Prod" else 0


def _segment_mean(sums, counts, dtype):
    counts = counts.reshape((-1,) + (1,) * (sums.ndim - 1))
    if dtype.kind in "iu":
        # C++ integer division truncates toward zero.
        return np.abs(sums) // counts * np.sign(sums)
    return sums / counts


def _reduce_rows(kind: str, rows, ids, num_segments: int, fill):
    """Reduces `rows` (n, ...) by `ids` (n,) into `num_segments` rows filled with `fill`."""
    dtype = rows.dtype
    accumulate = np.dtype(np.float32) if dtype.name in _HALF else dtype
    out = np.full((num_segments,) + rows.shape[1:], fill, dtype=dtype)
    if ids.size == 0:
        return out
    order = np.argsort(ids, kind="stable")
    ids, rows = ids[order], rows[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ufunc = _UFUNCS[kind]
    if kind in ("Max", "Min"):
        reduced = ufunc.reduceat(rows, starts, axis=0)
    else:
        reduced = ufunc.reduceat(rows, starts, axis=0, dtype=accumulate)
    if kind == "Mean":
        reduced = _segment_mean(reduced, np.diff(np.r_[starts, ids.size]), dtype)
    out[ids[starts]] = np.asarray(reduced).astype(dtype, copy=False)
    return out


# ---------------------------------------------------------------------- sorted segments


def _segment_shape(op):
    data = shape_errors.require_rank_at_least(op.inputs[0].shape, 1)
    shape_errors.require_rank(op.inputs[1].shape, 1)
    if data.rank is None:
        return [tensor_shape.unknown_shape()]
    return [tensor_shape.TensorShape([None] + data.as_list()[1:])]


def _check_sorted(ids, num_rows: int) -> None:
    """TF's walk over the segments: each must end below the next and lie in range."""
    if ids.size == 0:
        return
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    segment = ids[starts]
    decreasing = np.r_[segment[1:] < segment[:-1], False]
    bad = decreasing | (segment < 0) | (segment >= num_rows)
    if not bad.any():
        return
    first = int(np.argmax(bad))
    if decreasing[first]:
        raise _invalid("segment ids are not increasing")
    raise _invalid(
        f"Segment id {segment[first]} out of range [0, {num_rows}), possibly because "
        "'segment_ids' input is not sorted."
    )


def _segment_kernel(kind: str):
    def kernel(ctx, data, segment_ids):
        ids = np.asarray(segment_ids)
        if np.ndim(data) < 1:
            raise _invalid("input must be at least rank 1")
        if ids.ndim != 1:
            raise _invalid("segment_ids should be a vector.")
        if ids.shape[0] != np.shape(data)[0]:
            raise _invalid("segment_ids should be the same size as dimension 0 of input.")
        num_rows = int(ids[-1]) + 1 if ids.size else 0
        if num_rows < 0:
            raise _invalid("segment ids must be >= 0")
        _check_sorted(ids, num_rows)
        return _reduce_rows(kind, np.asarray(data), ids, num_rows, 1 if kind == "Prod" else 0)

    return kernel


# ---------------------------------------------------------------------- sorted gradients
# TF's math_grad.py formulas: each output row's gradient is gathered back to the rows of its
# segment; Max/Min split it between the rows equal to the extreme; Prod divides it by each
# row, with segments holding zeros treated separately.


def _gather(params, indices):
    return apply_op("GatherV2", params, indices, 0)


def _segment_sum_grad(op, grad):
    return [_gather(grad, op.inputs[1]), None]


def _segment_mean_grad(op, grad):
    data, ids = op.inputs
    data_rank = apply_op("Rank", data)
    ids_shape = apply_op("Shape", ids)
    trailing = apply_op("ExpandDims", data_rank - 1, 0)
    ones_shape = apply_op("ConcatV2", [ids_shape, array.ones(trailing, dtype=dtypes.int32)], 0)
    ones = array.ones(ones_shape, dtype=grad.dtype.base_dtype)
    counts = apply_op("SegmentSum", ones, ids)
    return [_gather(apply_op("RealDiv", grad, counts), ids), None]


def _segment_min_or_max_grad(op, grad):
    data, ids = op.inputs
    zeros = array.zeros_like(data)
    selected = apply_op("Equal", data, _gather(op.outputs[0], ids))
    counts = apply_op("SegmentSum", apply_op("Cast", selected, DstT=grad.dtype.base_dtype), ids)
    shares = _gather(apply_op("RealDiv", grad, counts), ids)
    return [apply_op("SelectV2", selected, shares, zeros), None]


def _prod_partials(op, grad, segment_args, gather):
    """TF's SegmentProd/UnsortedSegmentProd gradient parts: (grad, zeroed for segments with
    two or more zeros; the partial derivative per row: product / x, or for the only zero of
    a segment the product of the others). `segment_args` are the ids (and num_segments);
    `gather` maps per-segment values to rows."""
    data = op.inputs[0]
    prefix = "Unsorted" if len(segment_args) == 2 else ""
    is_zero = apply_op("Equal", data, op_builder.constant(0, dtype=data.dtype.base_dtype))
    flags = apply_op("Cast", is_zero, DstT=dtypes.int32)
    zero_count = apply_op(f"{prefix}SegmentSum", flags, *segment_args)
    many_zeros = apply_op("Greater", zero_count, op_builder.constant(1))
    grad = apply_op("SelectV2", many_zeros, array.zeros_like(grad), grad)
    nonzero_data = apply_op("SelectV2", is_zero, array.ones_like(data), data)
    nonzero_product = apply_op(f"{prefix}SegmentProd", nonzero_data, *segment_args)
    divided = apply_op("RealDiv", gather(op.outputs[0]), nonzero_data)
    return grad, apply_op("SelectV2", is_zero, gather(nonzero_product), divided)


def _segment_prod_grad(op, grad):
    ids = op.inputs[1]

    def gather(values):
        return _gather(values, ids)

    grad, partial = _prod_partials(op, grad, (ids,), gather)
    return [gather(grad) * partial, None]


_SORTED = [
    ("SegmentSum", "Sum", "numbertype", _segment_sum_grad),
    ("SegmentMean", "Mean", "numbertype", _segment_mean_grad),
    ("SegmentProd", "Prod", "numbertype", _segment_prod_grad),
    ("SegmentMax", "Max", "realnumbertype", _segment_min_or_max_grad),
    ("SegmentMin", "Min", "realnumbertype", _segment_min_or_max_grad),
]

for _name, _kind, _types, _grad in _SORTED:
    registry.register_op(
        _name,
        inputs=["data: T", "segment_ids: Tindices"],
        outputs=["output: T"],
        attrs=[f"T: {_types}", "Tindices: {int32, int64}"],
        shape=_segment_shape,
        kernel=_segment_kernel(_kind),
        grad=_grad,
    )


def _segment_builder(op_type: str, tf_name: str, what: str):
    def builder(data, segment_ids, name=None):
        return apply_op(op_type, data, segment_ids, name=name)

    builder.__name__ = builder.__qualname__ = tf_name
    builder.__doc__ = (
        f"Mirrors `tf.math.{tf_name}`: the {what} of each segment of rows of `data`.\n\n"
        "    Args:\n      data: a Tensor of rank >= 1.\n"
        "      segment_ids: sorted int32/int64 ids, one per row of `data`.\n"
        f'      name: the op name (default "{op_type}").\n\n'
        "    Returns:\n      A Tensor with max(segment_ids) + 1 rows; empty segments are 0 "
        "(1 for products).\n\n"
        f"    >>> {tf_name}(constant([1.0, 2.0, 3.0]), constant([0, 0, 2]))\n"
        f"    <tf.Tensor '{op_type}:0' shape=(?,) dtype=float32>\n"
    )
    return builder


segment_sum = _segment_builder("SegmentSum", "segment_sum", "sum")
segment_mean = _segment_builder("SegmentMean", "segment_mean", "mean")
segment_prod = _segment_builder("SegmentProd", "segment_prod", "product")
segment_max = _segment_builder("SegmentMax", "segment_max", "maximum")
segment_min = _segment_builder("SegmentMin", "segment_min", "minimum")


# ---------------------------------------------------------------------- unsorted segments


def _num_segments_dim(tensor):
    # Small constant subgraphs (dense_shape[0]) are evaluated, as TF's shape inference does.
    value = array_shapes.static_scalar(tensor)
    if value is None:
        return None
    if int(value) < 0:
        raise shape_errors.ShapeError(
            f"Dimension size, given by scalar input 2, must be non-negative but is {int(value)}"
        )
    return int(value)


def _unsorted_segment_shape(op):
    data, ids = op.inputs[0].shape, op.inputs[1].shape
    shape_errors.require_rank(op.inputs[2].shape, 0)
    if ids.rank is None:
        return [tensor_shape.unknown_shape()]
    data = shape_errors.require_rank_at_least(data, ids.rank)
    count = _num_segments_dim(op.inputs[2])
    if data.rank is None:
        return [tensor_shape.unknown_shape()]
    dims = data.as_list()
    for position, dim in enumerate(ids.as_list()):
        shape_errors.merge_dims(dims[position], dim)
    return [tensor_shape.TensorShape([count] + dims[ids.rank :])]


def _check_unsorted_inputs(data, ids, num_segments) -> int:
    if np.ndim(num_segments) != 0:
        raise _invalid(
            f"num_segments should be a scalar, not shape {format_dims(np.shape(num_segments))}"
        )
    count = int(num_segments)
    if count < 0:
        raise _invalid(f"Input num_segments == {count} must not be negative.")
    if np.shape(data)[: ids.ndim] != ids.shape:
        raise _invalid(
            f"data.shape = {format_dims(np.shape(data))} does not start with "
            f"segment_ids.shape = {format_dims(ids.shape)}"
        )
    outside = ids >= count
    if outside.any():
        where = np.unravel_index(int(np.argmax(outside)), ids.shape)
        index = ",".join(str(int(i)) for i in where)
        raise _invalid(f"segment_ids[{index}] = {ids[where]} is out of range [0, {count})")
    return count


def _unsorted_kernel(kind: str):
    def kernel(ctx, data, segment_ids, num_segments):
        ids = np.asarray(segment_ids)
        data = np.asarray(data)
        count = _check_unsorted_inputs(data, ids, num_segments)
        flat_ids = ids.reshape(-1)
        rows = data.reshape((flat_ids.size,) + data.shape[ids.ndim :])
        keep = flat_ids >= 0
        return _reduce_rows(
            kind, rows[keep], flat_ids[keep], count, _unsorted_fill(kind, data.dtype)
        )

    return kernel


# ---------------------------------------------------------------------- unsorted gradients


def _positive_mask(ids, gathered):
    """TF's `_GatherDropNegatives` mask: ids >= 0, broadcast to the gathered rows' shape."""
    positive = apply_op("GreaterEqual", ids, op_builder.constant(0, dtype=ids.dtype.base_dtype))
    positive_shape = apply_op("Shape", positive)
    extra = apply_op("Sub", apply_op("Rank", gathered), apply_op("Rank", positive))
    ones = array.ones(apply_op("Reshape", extra, [1]), dtype=positive_shape.dtype.base_dtype)
    positive = apply_op("Reshape", positive, apply_op("ConcatV2", [positive_shape, ones], 0))
    return apply_op("LogicalAnd", positive, array.ones_like(gathered, dtype=dtypes.bool))


def _gather_drop_negatives(params, ids, clipped=None, positive=None):
    """TF's `_GatherDropNegatives`: params gathered at ids, zeros where an id is negative;
    also returns the clipped ids and the mask, for reuse."""
    if clipped is None:
        clipped = apply_op("Maximum", ids, array.zeros_like(ids))
    gathered = _gather(params, clipped)
    if positive is None:
        positive = _positive_mask(ids, gathered)
    kept = apply_op("SelectV2", positive, gathered, array.zeros_like(gathered))
    return kept, clipped, positive


def _unsorted_sum_grad(op, grad):
    return [_gather_drop_negatives(grad, op.inputs[1])[0], None, None]


def _unsorted_min_or_max_grad(op, grad):
    data, ids, count = op.inputs
    gathered, clipped, positive = _gather_drop_negatives(op.outputs[0], ids)
    selected = apply_op("LogicalAnd", apply_op("Equal", data, gathered), positive)
    selected_count = apply_op(
        "UnsortedSegmentSum", apply_op("Cast", selected, DstT=grad.dtype.base_dtype), ids, count
    )
    shares = apply_op("RealDiv", grad, selected_count)
    shares = _gather_drop_negatives(shares, None, clipped, positive)[0]
    return [apply_op("SelectV2", selected, shares, array.zeros_like(shares)), None, None]


def _unsorted_prod_grad(op, grad):
    ids, count = op.inputs[1], op.inputs[2]
    clipped = apply_op("Maximum", ids, array.zeros_like(ids))

    def gather(values):
        return _gather(values, clipped)

    grad, partial = _prod_partials(op, grad, (ids, count), gather)
    rows = _gather_drop_negatives(grad, ids, clipped)[0]
    return [rows * partial, None, None]


_UNSORTED = [
    ("UnsortedSegmentSum", "Sum", "numbertype", "int16, int32, int64", _unsorted_sum_grad),
    ("UnsortedSegmentProd", "Prod", "numbertype", "int32, int64", _unsorted_prod_grad),
    ("UnsortedSegmentMax", "Max", "realnumbertype", "int32, int64", _unsorted_min_or_max_grad),
    ("UnsortedSegmentMin", "Min", "realnumbertype", "int32, int64", _unsorted_min_or_max_grad),
]

for _name, _kind, _types, _index_types, _grad in _UNSORTED:
    registry.register_op(
        _name,
        inputs=["data: T", "segment_ids: Tindices", "num_segments: Tnumsegments"],
        outputs=["output: T"],
        attrs=[
            f"T: {_types}",
            f"Tindices: {{{_index_types}}}",
            "Tnumsegments: {int32, int64} = DT_INT32",
        ],
        shape=_unsorted_segment_shape,
        kernel=_unsorted_kernel(_kind),
        grad=_grad,
    )


def _unsorted_builder(op_type: str, tf_name: str, what: str, empty: str):
    def builder(data, segment_ids, num_segments, name=None):
        return apply_op(op_type, data, segment_ids, num_segments, name=name)

    builder.__name__ = builder.__qualname__ = tf_name
    builder.__doc__ = (
        f"Mirrors `tf.math.{tf_name}`: the {what} of the rows of `data` sharing a segment id.\n\n"
        "    Args:\n      data: a Tensor.\n"
        "      segment_ids: ids of any order, shaped like a prefix of data's shape; negative "
        "ids are dropped.\n      num_segments: the number of output rows.\n"
        f'      name: the op name (default "{op_type}").\n\n'
        f"    Returns:\n      A Tensor with num_segments rows; empty segments are {empty}.\n\n"
        f"    >>> {tf_name}(constant([1.0, 2.0]), constant([1, 1]), 3)\n"
        f"    <tf.Tensor '{op_type}:0' shape=(3,) dtype=float32>\n"
    )
    return builder


unsorted_segment_sum = _unsorted_builder("UnsortedSegmentSum", "unsorted_segment_sum", "sum", "0")
unsorted_segment_prod = _unsorted_builder(
    "UnsortedSegmentProd", "unsorted_segment_prod", "product", "1"
)
unsorted_segment_max = _unsorted_builder(
    "UnsortedSegmentMax", "unsorted_segment_max", "maximum", "the lowest value of the type"
)
unsorted_segment_min = _unsorted_builder(
    "UnsortedSegmentMin", "unsorted_segment_min", "minimum", "the highest value of the type"
)


# ---------------------------------------------------------------------- IndexedSlices -> Tensor


def _indexed_slices_to_tensor(value, dtype=None, name=None, as_ref=False):
    """TF's `_indexed_slices_to_tensor`: the dense tensor the slices sum to, an
    UnsortedSegmentSum of the values by index into dense_shape[0] rows."""
    del as_ref
    if dtype is not None and not dtype.is_compatible_with(value.dtype):
        raise ValueError(
            f"Tensor conversion requested dtype {dtype.name} for IndexedSlices with dtype "
            f"{value.dtype.name}: {value!s}"
        )
    if value.dense_shape is None:
        raise ValueError(
            "Tensor conversion requested for IndexedSlices for argument `value` without "
            f"dense_shape: {value!s}"
        )
    rows = op_builder.convert_to_tensor(value.dense_shape)[0]
    return apply_op("UnsortedSegmentSum", value.values, value.indices, rows, name=name)


op_builder.register_tensor_conversion_function(
    indexed_slices.IndexedSlices, _indexed_slices_to_tensor
)
