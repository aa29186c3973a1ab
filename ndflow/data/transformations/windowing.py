"""Windowing transformations: `window` (WindowDataset), `group_by_window`
(GroupByWindowDataset) and `bucket_by_sequence_length` (built on group_by_window as in TF)."""

from __future__ import annotations

import numpy as np

from ndflow.data import base
from ndflow.data import functions
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array as array_ops
from ndflow.ops import math as math_ops
from ndflow.ops.control_flow import asserts

apply_op = op_builder.apply_op
_INT64_SCALAR = structure.TensorSpec([], dtypes.int64)


def _int64(value, name):
    return op_builder.convert_to_tensor(value, dtype=dtypes.int64, name=name)


def window(dataset, size, shift=None, stride=1, drop_remainder=False, name=None):
    """Windows of `size` elements (`stride` apart, one every `shift`); each component of an
    element becomes a Dataset of that component."""
    shift = size if shift is None else shift
    spec = structure.map_structure(structure.DatasetSpec, dataset.element_spec)
    variant = apply_op(
        "WindowDataset",
        dataset._variant_tensor,
        _int64(size, "size"),
        _int64(shift, "shift"),
        _int64(stride, "stride"),
        op_builder.convert_to_tensor(drop_remainder, dtype=dtypes.bool, name="drop_remainder"),
        name=name or "WindowDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def _check_int64_scalar(traced, what):
    spec = traced.output_spec
    if not (
        isinstance(spec, structure.TensorSpec)
        and spec.dtype == dtypes.int64
        and spec.shape.is_compatible_with(tensor_shape.scalar())
    ):
        raise ValueError(f"`{what}` must return a single tf.int64 scalar tensor. Got {spec}.")


def group_by_window(
    dataset, key_func, reduce_func, window_size=None, window_size_func=None, name=None
):
    """Elements grouped by `key_func`'s int64 key; each full window (and each leftover at
    the end) becomes `reduce_func(key, window_dataset)`'s elements."""
    if (window_size is not None) == (window_size_func is not None):
        raise ValueError(
            "Either the `window_size` argument or the `window_size_func` "
            "argument must be specified."
        )
    if window_size is not None:
        size = window_size

        def window_size_func(unused_key):
            return op_builder.convert_to_tensor(size, dtype=dtypes.int64)

    key = functions.trace(key_func, dataset.element_spec, "group_by_window")
    _check_int64_scalar(key, "key_func")
    sizes = functions.trace(window_size_func, _INT64_SCALAR, "group_by_window")
    _check_int64_scalar(sizes, "window_size_func")
    reduce = functions.trace(
        reduce_func,
        (_INT64_SCALAR, structure.DatasetSpec(dataset.element_spec)),
        "group_by_window",
        normalize_output=False,
    )
    if not isinstance(reduce.output_spec, structure.DatasetSpec):
        raise TypeError(
            "`reduce_func` must return a `Dataset` object. Got "
            f"{type(reduce.output_structure).__name__}."
        )
    spec = reduce.output_spec.element_spec
    variant = apply_op(
        "GroupByWindowDataset",
        dataset._variant_tensor,
        key.captured,
        reduce.captured,
        sizes.captured,
        key_func=key.attr,
        reduce_func=reduce.attr,
        window_size_func=sizes.attr,
        name=name or "GroupByWindowDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def bucket_by_sequence_length(
    dataset_class,
    dataset,
    element_length_func,
    bucket_boundaries,
    bucket_batch_sizes,
    padded_shapes=None,
    padding_values=None,
    pad_to_bucket_boundary=False,
    no_padding=False,
    drop_remainder=False,
    name=None,
):
    """Elements bucketed by length, each bucket batched (padded) to its own batch size."""
    if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
        raise ValueError(
            f"`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` "
            f"but `len(bucket_batch_sizes)={len(bucket_batch_sizes)}` and "
            f"`len(bucket_boundaries)={len(bucket_boundaries)}`."
        )
    batch_sizes = op_builder.convert_to_tensor(bucket_batch_sizes, dtype=dtypes.int64)

    def element_to_bucket_id(*args):
        length = element_length_func(*args)
        boundaries = list(bucket_boundaries)
        lower = [np.iinfo(np.int32).min] + boundaries
        upper = boundaries + [np.iinfo(np.int32).max]
        inside = math_ops.logical_and(
            math_ops.less_equal(lower, length), math_ops.less(length, upper)
        )
        return math_ops.reduce_min(array_ops.where_indices(inside))

    def window_size_fn(bucket_id):
        return array_ops.gather(batch_sizes, bucket_id)

    def batching_fn(bucket_id, grouped):
        batch_size = window_size_fn(bucket_id)
        if no_padding:
            return grouped.batch(batch_size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            check = asserts.assert_less(
                bucket_id,
                op_builder.convert_to_tensor(len(bucket_batch_sizes) - 1, dtype=dtypes.int64),
                message="When pad_to_bucket_boundary=True, elements must have length < "
                "max(bucket_boundaries).",
            )
            with graph_lib.control_dependencies([check]):
                boundaries = op_builder.convert_to_tensor(bucket_boundaries, dtype=dtypes.int64)
                filler = array_ops.gather(boundaries, bucket_id) - 1
        shapes = _padded_shapes(padded_shapes or grouped.output_shapes, filler)
        return grouped.padded_batch(
            batch_size, shapes, padding_values, drop_remainder=drop_remainder
        )

    del dataset_class
    return group_by_window(
        dataset, element_to_bucket_id, batching_fn, window_size_func=window_size_fn, name=name
    )


def _padded_shapes(shapes, filler):
    def pad(shape):
        dims = tensor_shape.as_shape(shape).as_list()
        return [filler if d is None else d for d in dims]

    if not nest.is_nested(shapes, lists=False) or isinstance(shapes, tensor_shape.TensorShape):
        return pad(shapes)
    return structure.map_structure(pad, shapes)
