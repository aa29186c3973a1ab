"""Transformations over several datasets: `zip` (ZipDataset), `concatenate`
(ConcatenateDataset), `enumerate`, and `choose_from_datasets` / `sample_from_datasets`
(DirectedInterleaveDataset driven by a selector dataset)."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array as array_ops
from ndflow.ops import math as math_ops
from ndflow.ops import random as random_ops

apply_op = op_builder.apply_op

_INT64_MAX = (1 << 63) - 1


def _is_dataset(value) -> bool:
    return isinstance(value, base.DatasetV1)


def zip_datasets(datasets, name=None):
    """Elements of a (nested tuple/dict) structure of datasets, side by side."""
    if (
        isinstance(datasets, list)
        or not all(_is_dataset(d) for d in structure.flatten(datasets))
        or _empty(datasets)
    ):
        raise TypeError(
            "Invalid input to `zip`. Inputs are expected to be (nested) "
            "structures of `tf.data.Dataset` objects. Python `list` is not "
            "supported and you should use `tuple` instead."
        )
    flat = structure.flatten(datasets)
    spec = structure.map_structure(lambda d: d.element_spec, datasets)
    variant = apply_op(
        "ZipDataset",
        [d._variant_tensor for d in flat],
        name=name or "ZipDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def _empty(datasets) -> bool:
    return not structure.flatten(datasets)


def compatible_spec(first, second):
    """The most specific spec both element specs fit (TF's concatenate/choose rule)."""
    message = f"Incompatible dataset elements:\n  {first} vs.   {second}"
    try:
        structure.assert_same_structure(first, second)
    except (TypeError, ValueError) as error:
        raise TypeError(message) from error
    merged = []
    for a, b in zip(structure.flatten(first), structure.flatten(second)):
        if type(a) is not type(b) or a.dtype != b.dtype:
            raise TypeError(message)
        merged.append(type(a)(a.shape.most_specific_compatible_shape(b.shape), a.dtype))
    return structure.pack(first, merged)


def concatenate(dataset, other, name=None):
    """The elements of `dataset`, then those of `other`."""
    spec = compatible_spec(dataset.element_spec, other.element_spec)
    variant = apply_op(
        "ConcatenateDataset",
        dataset._variant_tensor,
        other._variant_tensor,
        name=name or "ConcatenateDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def replicate_on_split(dataset):
    """TF's RewriteDataset("replicate_on_split") marker (for tf.data service splits)."""
    variant = apply_op(
        "RewriteDataset",
        dataset._variant_tensor,
        op_builder.convert_to_tensor("replicate_on_split", name="rewrite_name"),
        **base.dataset_attrs(dataset.element_spec),
    )
    return type(dataset)(variant, dataset.element_spec)


def enumerate_dataset(dataset_class, dataset, start=0, name=None):
    """(index, element) pairs, counting from `start`."""
    indices = replicate_on_split(dataset_class.range(start, _INT64_MAX, name=name))
    return dataset_class.zip((indices, dataset), name=name)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False, name=None):
    """The next element of `datasets[i]` for each `i` that `choice_dataset` yields."""
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    expected = structure.TensorSpec([], dtypes.int64)
    spec = choice_dataset.element_spec
    if not (
        isinstance(spec, structure.TensorSpec)
        and spec.dtype == dtypes.int64
        and spec.shape.is_compatible_with(tensor_shape.scalar())
    ):
        raise TypeError(
            "Invalid `choice_dataset`. Elements of `choice_dataset` must be "
            f"scalar of type `tf.int64`, but got {spec} (expected {expected})."
        )
    return directed_interleave(
        replicate_on_split(choice_dataset), datasets, stop_on_empty_dataset, name
    )


def directed_interleave(selector, datasets, stop_on_empty_dataset, name=None):
    spec = datasets[0].element_spec
    for other in datasets[1:]:
        spec = compatible_spec(spec, other.element_spec)
    variant = apply_op(
        "DirectedInterleaveDataset",
        selector._variant_tensor,
        [d._variant_tensor for d in datasets],
        stop_on_empty_dataset=stop_on_empty_dataset,
        name=name or "DirectedInterleaveDataset",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def random_dataset(dataset_class, seed=None):
    """RandomDataset: endless random int64 scalars (`tf.data.experimental.RandomDataset`)."""
    seed1, seed2 = random_ops.get_seed(seed)
    spec = structure.TensorSpec([], dtypes.int64)
    variant = apply_op(
        "RandomDataset",
        op_builder.convert_to_tensor(seed1 or 0, dtype=dtypes.int64, name="seed"),
        op_builder.convert_to_tensor(seed2 or 0, dtype=dtypes.int64, name="seed2"),
        **base.dataset_attrs(spec),
    )
    return dataset_class(variant, spec)


def sample_from_datasets(
    dataset_class, datasets, weights=None, seed=None, stop_on_empty_dataset=False, name=None
):
    """Elements drawn from `datasets` at random with probabilities `weights` (a list, a
    tensor, or a dataset of weight vectors), as TF builds it."""
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    count = len(datasets)
    if weights is None:
        weights = [1.0 / count] * count
    seeds = random_dataset(dataset_class, seed).batch(2)
    if isinstance(weights, base.DatasetV1):

        def select_varying(logits, seed_pair):
            return _select(logits, seed_pair)

        logits_ds = weights.map(lambda w: math_ops.log(w, name="logits"))
        selector = dataset_class.zip((logits_ds, seeds)).map(select_varying)
        return directed_interleave(selector, datasets, stop_on_empty_dataset, name)
    weights = op_builder.convert_to_tensor(weights, dtype_hint=dtypes.float32, name="weights")
    if weights.dtype not in (dtypes.float32, dtypes.float64):
        raise TypeError(
            f"Invalid `weights`. `weights` type must be either `tf.float32` or "
            f"`tf.float64` but is {weights.dtype.name}."
        )
    if weights.shape.rank is not None and weights.shape.as_list() != [count]:
        raise ValueError(
            f"Invalid `weights`. The shape of `weights` should be compatible "
            f"with `[len(datasets)]` but is {weights.shape}."
        )
    logits = array_ops.expand_dims(math_ops.log(weights, name="logits"), 0)
    selector = seeds.map(lambda seed_pair: _select(logits, seed_pair))
    return directed_interleave(selector, datasets, stop_on_empty_dataset, name)


def _select(logits, seed_pair):
    logits = op_builder.convert_to_tensor(logits)
    if logits.shape.rank == 1:
        logits = array_ops.expand_dims(logits, 0)
    sample = apply_op("StatelessMultinomial", logits, 1, seed_pair, output_dtype=dtypes.int64)
    return array_ops.squeeze(sample, axis=[0, 1])
