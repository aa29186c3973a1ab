"""Transformations that select, order or buffer elements without a function: `repeat`,
`take`, `skip`, `shard`, `shuffle`, `prefetch`, `ignore_errors`."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.ops import random as random_ops

apply_op = op_builder.apply_op


def _int64(value, name):
    return op_builder.convert_to_tensor(value, dtype=dtypes.int64, name=name)


def _unary(op_type, dataset, inputs, name, **attrs):
    variant = apply_op(
        op_type,
        dataset._variant_tensor,
        *inputs,
        name=name or op_type,
        **attrs,
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec


def repeat(dataset, count=None, name=None):
    """The dataset `count` times over; None or -1 repeats forever."""
    return _unary("RepeatDataset", dataset, [_int64(-1 if count is None else count, "count")], name)


def take(dataset, count, name=None):
    """At most the first `count` elements (-1: all)."""
    return _unary("TakeDataset", dataset, [_int64(count, "count")], name)


def skip(dataset, count, name=None):
    """All but the first `count` elements (-1: none)."""
    return _unary("SkipDataset", dataset, [_int64(count, "count")], name)


def shard(dataset, num_shards, index, name=None):
    """Every `num_shards`-th element starting at `index`."""
    return _unary(
        "ShardDataset", dataset, [_int64(num_shards, "num_shards"), _int64(index, "index")], name
    )


def shuffle(dataset, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
    """Elements drawn at random from a buffer of `buffer_size` (TF's ShuffleDataset)."""
    seed1, seed2 = random_ops.get_seed(seed)
    reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
    inputs = [
        _int64(buffer_size, "buffer_size"),
        _int64(seed1 or 0, "seed"),
        _int64(seed2 or 0, "seed2"),
    ]
    return _unary("ShuffleDataset", dataset, inputs, name, reshuffle_each_iteration=reshuffle)


def prefetch(dataset, buffer_size, name=None):
    """Elements produced ahead on a background thread (AUTOTUNE: -1)."""
    return _unary("PrefetchDataset", dataset, [_int64(buffer_size, "buffer_size")], name)


def ignore_errors(dataset, log_warning=False, name=None):
    """The elements whose production did not raise an error."""
    variant = apply_op(
        "IgnoreErrorsDataset",
        dataset._variant_tensor,
        log_warning=log_warning,
        name=name or "IgnoreErrorsDataset",
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec


def unique(dataset, name=None):
    """The first occurrence of each distinct element (one int32/int64/string component)."""
    flat = structure.flatten(dataset.element_spec)
    if (
        len(flat) != 1
        or not isinstance(flat[0], structure.TensorSpec)
        or flat[0].dtype not in (dtypes.int32, dtypes.int64, dtypes.string)
    ):
        raise TypeError(
            "`tf.data.Dataset.unique` does not support type "
            f"{dataset.element_spec}: elements must be a single tf.int32, "
            "tf.int64 or tf.string tensor."
        )
    return _unary("UniqueDataset", dataset, [], name)


def assert_cardinality(dataset, expected_cardinality):
    """Errors when the dataset's element count differs from `expected_cardinality`."""
    variant = apply_op(
        "AssertCardinalityDataset",
        dataset._variant_tensor,
        _int64(expected_cardinality, "cardinality"),
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec
