"""Parsing a batch of Examples that share one byte layout, from a template.

Examples written by one program usually differ only in their values: the same keys in the
same order, lists of the same lengths. Such examples have identical bytes everywhere except
inside value payloads. Here the first example of each group of equally long examples is
parsed field by field into a template (the offsets of every structural byte, and where each
configured feature's payload sits); the whole group is checked against the template with one
gather-and-compare, and the values are then read at fixed offsets. Any example that differs
in structure fails the check, and the caller falls back to the general vectorized parser.
"""

from __future__ import annotations

import numpy as np

from ndflow.formats import example_config as cfg
from ndflow.formats import example_exact
from ndflow.formats import protowire
from ndflow.framework import dtypes

# More distinct example lengths than this, and a template per length is not worth it.
_MAX_GROUPS = 8


class _Layout:
    """One example's template: structural byte offsets and values, and per configured slot
    the payload of its Feature: (payload ranges [(offset, length)], present)."""

    def __init__(self, size: int):
        self.keep = np.ones(size, dtype=bool)  # False over payload bytes
        self.fields: dict = {}

    def payload(self, start: int, end: int) -> None:
        self.keep[start:end] = False


def parse_batch(batch: protowire.Batch, config: cfg.Config):
    """Columns when each group of equally long examples shares a layout, else None."""
    lengths = batch.ends - batch.starts
    if not batch.size:
        return None
    groups, inverse = np.unique(lengths, return_inverse=True)
    if groups.shape[0] > _MAX_GROUPS:
        return None
    parts = []
    for group, length in enumerate(groups.tolist()):
        members = np.flatnonzero(inverse == group) if groups.shape[0] > 1 else None
        starts = batch.starts if members is None else batch.starts[members]
        columns = _parse_group(batch, config, starts, length)
        if columns is None:
            return None
        parts.append((members, columns))
    if len(parts) == 1:
        return parts[0][1]
    return [
        _merge([(m, cols[slot]) for m, cols in parts], batch.size)
        for slot in range(len(config.slots))
    ]


def _parse_group(batch, config, starts, size: int):
    first = int(starts[0])
    layout = _layout(batch.raw[first : first + size], config)
    if layout is None:
        return None
    offsets = np.flatnonzero(layout.keep)
    expected = batch.data[first + offsets]
    if not (batch.data[starts[:, None] + offsets] == expected).all():
        return None
    columns = []
    for slot, (kind, spec) in enumerate(config.slots):
        column = _column(batch, kind, spec, starts, layout.fields.get(slot))
        if column is None:
            return None
        columns.append(column)
    return columns


# ---------------------------------------------------------------------- the template


def _layout(data: bytes, config: cfg.Config):
    """The template of one serialized Example, or None when its layout is not one the
    template path reads (repeated keys, unpacked or split lists, ...)."""
    entries = example_exact.split_example(data)
    if entries is None:
        return None
    layout = _Layout(len(data))
    for key, start, end in entries:
        slot = config.index.get(key)
        if slot is None:
            layout.payload(start, end)  # an unrequested feature: only its size matters
            continue
        if slot in layout.fields:
            return None
        field = _feature_layout(data, start, end, config.slots[slot][1].dtype, layout)
        if field is None:
            return None
        layout.fields[slot] = field
    return layout


def _feature_layout(data, start, end, dtype, layout):
    """(payload ranges, has data) of a Feature of `dtype`; marks the payload bytes."""
    if start == end:
        return [], False  # an empty Feature
    if data[start] != cfg.TAG_OF_DTYPE[dtype]:
        return None
    found = protowire.read_delimited(data, start + 1, end)
    if found is None or found[1] != end:
        return None
    pos, stop = found
    ranges = []
    while pos < stop:
        item = protowire.read_delimited(data, pos + 1, stop) if data[pos] == 0x0A else None
        if item is None:
            return None
        ranges.append((item[0], item[1] - item[0]))
        layout.payload(*item)
        pos = item[1]
    if dtype != dtypes.string and len(ranges) > 1:
        return None  # a list packed in several pieces
    return ranges, True


# ---------------------------------------------------------------------- values


def _column(batch, kind, spec, starts, field):
    count = starts.shape[0]
    if field is None or (kind == cfg.DENSE and not field[1]):
        if kind == cfg.DENSE and spec.required:
            return None
        present = np.zeros(count, dtype=bool)
        values = np.zeros(0, dtype=cfg.numpy_dtype(spec.dtype))
        return cfg.Column(present, np.zeros(count, dtype=np.int64), values)
    values, counts = _values(batch, spec.dtype, starts, field[0])
    if values is None:
        return None
    if kind == cfg.DENSE and not _dense_counts_fit(spec, counts):
        return None
    return cfg.Column(np.ones(count, dtype=bool), counts, values)


def _dense_counts_fit(spec, counts) -> bool:
    if spec.variable_length:
        return not spec.stride or not (counts % spec.stride).any()
    return bool((counts == spec.stride).all())


def _values(batch, dtype, starts, ranges):
    """(values, count per example) of one feature at fixed payload offsets."""
    count = starts.shape[0]
    if not ranges:
        return np.zeros(0, dtype=cfg.numpy_dtype(dtype)), np.zeros(count, dtype=np.int64)
    if dtype == dtypes.string:
        offsets = np.array([offset for offset, _ in ranges], dtype=np.int64)
        sizes = np.array([size for _, size in ranges], dtype=np.int64)
        value_starts = (starts[:, None] + offsets).reshape(-1)
        value_ends = value_starts + (np.tile(sizes, count) if len(ranges) > 1 else sizes[0])
        values = np.empty(value_starts.shape[0], dtype=object)
        values[:] = batch.slices(value_starts, value_ends)
        return values, np.full(count, len(ranges), dtype=np.int64)
    offset, size = ranges[0]
    if dtype == dtypes.float32:
        if size % 4:
            return None, None
        window = batch.data[starts[:, None] + offset + np.arange(size)]
        values = window.reshape(-1).view("<f4").astype(np.float32, copy=False)
        return values, np.full(count, size // 4, dtype=np.int64)
    if 0 < size <= 10:
        single = _single_varints(batch.data, starts + offset, size)
        if single is not None:
            return single, np.ones(count, dtype=np.int64)
    decoded = protowire.packed_varints(batch.data, starts + offset, np.full(count, size))
    if decoded is None:
        return None, None
    return protowire.to_int64(decoded[0]), decoded[1]


def _single_varints(data, starts, size: int):
    """int64 values when each payload is exactly one varint of `size` bytes, else None."""
    window = data[starts[:, None] + np.arange(size)]
    if not ((window[:, :-1] >= 0x80).all() and (window[:, -1] < 0x80).all()):
        return None
    parts = (window & 0x7F).astype(np.uint64) << _SHIFTS[:size]
    return np.bitwise_or.reduce(parts, axis=1).view(np.int64)


_SHIFTS = np.arange(0, 70, 7, dtype=np.uint64)


def _merge(parts, size: int) -> cfg.Column:
    """One Column from the Columns of several groups of examples (in example order)."""
    members = np.concatenate([m for m, _ in parts])
    order = np.argsort(members, kind="stable")
    counts = np.concatenate([c.counts for _, c in parts])
    present = np.concatenate([c.present for _, c in parts])
    values = np.concatenate([c.values for _, c in parts])
    offsets = np.cumsum(counts) - counts
    sorted_counts = counts[order]
    index = np.repeat(offsets[order] - (np.cumsum(sorted_counts) - sorted_counts), sorted_counts)
    index += np.arange(index.shape[0], dtype=np.int64)
    all_present = np.zeros(size, dtype=bool)
    all_present[members] = present
    all_counts = np.zeros(size, dtype=np.int64)
    all_counts[members] = counts
    return cfg.Column(all_present, all_counts, values[index])
