"""`Dataset.cache`: CacheDataset (TF1's op; in memory with filename "", else on disk)."""

from __future__ import annotations

from ndflow.data import base
from ndflow.framework import dtypes
from ndflow.framework import op_builder


def cache(dataset, filename="", name=None):
    """The elements of `dataset`, computed on the first complete pass and replayed after:
    from memory, or from `filename` (an LMDB file `<filename>.lmdb`) across Sessions and
    processes. Returns (variant tensor, element spec)."""
    filename = op_builder.convert_to_tensor(filename, dtype=dtypes.string, name="filename")
    variant = op_builder.apply_op(
        "CacheDataset",
        dataset._variant_tensor,
        filename,
        name=name or "CacheDataset",
        **base.dataset_attrs(dataset.element_spec),
    )
    return variant, dataset.element_spec
