"""Transformations with a traced function per element: `map` (MapDataset /
ParallelMapDatasetV2), `flat_map` (FlatMapDataset), `interleave` (InterleaveDataset /
ParallelInterleaveDatasetV4) and `filter` (FilterDataset)."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import functions
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import op_builder

apply_op = op_builder.apply_op

AUTOTUNE = -1


def _int64(value, name):
    return op_builder.convert_to_tensor(value, dtype=dtypes.int64, name=name)


def _deterministic(flag) -> str:
    if flag is None:
        return "default"
    return "true" if flag else "false"


def map_dataset(dataset, map_func, num_parallel_calls=None, deterministic=None, name=None):
    """The dataset of `map_func(element)` for each element."""
    traced = functions.trace(map_func, dataset.element_spec, "map")
    attrs = dict(base.dataset_attrs(traced.output_spec), f=traced.attr)
    if num_parallel_calls is None:
        variant = apply_op(
            "MapDataset",
            dataset._variant_tensor,
            traced.captured,
            preserve_cardinality=True,
            name=name or "MapDataset",
            **attrs,
        )
        return variant, traced.output_spec
    calls = _int64(num_parallel_calls, "num_parallel_calls")
    variant = apply_op(
        "ParallelMapDatasetV2",
        dataset._variant_tensor,
        traced.captured,
        calls,
        deterministic=_deterministic(deterministic),
        preserve_cardinality=True,
        name=name or "ParallelMapDatasetV2",
        **attrs,
    )
    return variant, traced.output_spec


def _trace_dataset_fn(map_func, dataset, name):
    traced = functions.trace(map_func, dataset.element_spec, name, normalize_output=False)
    if not isinstance(traced.output_spec, structure.DatasetSpec):
        raise TypeError(
            "The `map_func` argument must return a `Dataset` object. Got "
            f"{type(traced.output_structure).__name__}."
        )
    return traced


def flat_map(dataset, map_func, name=None):
    """The concatenation of the datasets `map_func(element)`."""
    traced = _trace_dataset_fn(map_func, dataset, "flat_map")
    spec = traced.output_spec.element_spec
    variant = apply_op(
        "FlatMapDataset",
        dataset._variant_tensor,
        traced.captured,
        f=traced.attr,
        name=name or "FlatMapDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def interleave(
    dataset,
    map_func,
    cycle_length=None,
    block_length=None,
    num_parallel_calls=None,
    deterministic=None,
    name=None,
):
    """`cycle_length` of the datasets `map_func(element)` read `block_length` at a time in
    turn; `num_parallel_calls` reads ahead on a thread pool."""
    traced = _trace_dataset_fn(map_func, dataset, "interleave")
    spec = traced.output_spec.element_spec
    attrs = dict(base.dataset_attrs(spec), f=traced.attr)
    cycle = _int64(AUTOTUNE if cycle_length is None else cycle_length, "cycle_length")
    block = _int64(1 if block_length is None else block_length, "block_length")
    if num_parallel_calls is None:
        variant = apply_op(
            "InterleaveDataset",
            dataset._variant_tensor,
            traced.captured,
            cycle,
            block,
            name=name or "InterleaveDataset",
            **attrs,
        )
        return variant, spec
    variant = apply_op(
        "ParallelInterleaveDatasetV4",
        dataset._variant_tensor,
        traced.captured,
        cycle,
        block,
        _int64(AUTOTUNE, "buffer_output_elements"),
        _int64(AUTOTUNE, "prefetch_input_elements"),
        _int64(num_parallel_calls, "num_parallel_calls"),
        deterministic=_deterministic(deterministic),
        name=name or "ParallelInterleaveDatasetV4",
        **attrs,
    )
    return variant, spec


def filter_dataset(dataset, predicate, name=None):
    """The elements for which `predicate(element)` is True."""
    traced = functions.trace(predicate, dataset.element_spec, "filter")
    functions.scalar_bool_spec(traced)
    variant = apply_op(
        "FilterDataset",
        dataset._variant_tensor,
        traced.captured,
        predicate=traced.attr,
        name=name or "FilterDataset",
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec


def take_while(dataset, predicate, name=None):
    """The elements up to (not including) the first for which `predicate` is False."""
    traced = functions.trace(predicate, dataset.element_spec, "take_while")
    functions.scalar_bool_spec(traced)
    variant = apply_op(
        "TakeWhileDataset",
        dataset._variant_tensor,
        traced.captured,
        predicate=traced.attr,
        name=name or "TakeWhileDataset",
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec
