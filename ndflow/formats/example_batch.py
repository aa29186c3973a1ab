"""Vectorized parsing of a batch of serialized tf.train.Example protos with NumPy.

All examples are concatenated into one buffer and decoded level by level (Example ->
Features -> map entries -> Feature -> value list) with whole-array operations: the fields of
a level are found for every example at once, advancing all of them one field per NumPy
step. Keys are matched against the configured features with byte comparisons over all
entries at once; values are gathered straight from the buffer (floats by reinterpreting
bytes, int64 varints decoded in bulk), so the Python cost is per batch and per feature, not
per example, except for creating one bytes object per string value.

This path takes the layout TensorFlow's and ndflow's writers produce (an entry is key then
value; lists are packed). Anything else (malformed or unusual layouts, wrong types, wrong
counts, repeated keys, missing required features) makes `parse_batch` return None, and the
caller re-parses with example_exact.py, which raises TensorFlow's error for the first bad
example or handles the unusual layout.
"""

from __future__ import annotations

import numpy as np

from ndflow.formats import example_config as cfg
from ndflow.formats import example_template
from ndflow.formats import protowire
from ndflow.framework import dtypes

_TAG_FIELD_1 = 0x0A  # field 1, length-delimited: Example.features, map key, packed values
_TAG_FIELD_2 = 0x12  # field 2, length-delimited: map value


class _Bail(Exception):
    """The batch needs the exact parser (an error to report, or an unusual layout)."""


def _need(condition) -> None:
    if not condition:
        raise _Bail


def _lengths(data, pos):
    found = protowire.lengths(data, pos)
    _need(found is not None)
    return found


def parse_batch(serialized, config: cfg.Config):
    """Columns for a batch of serialized Examples, or None to defer to the exact parser."""
    batch = protowire.Batch(serialized)
    columns = example_template.parse_batch(batch, config)
    if columns is not None:
        return columns
    try:
        entries = _Entries(batch, config)
        payloads = _grid_payloads(batch, config, entries) if entries.grid else None
        return [
            _grid_column(batch, kind, spec, payloads[slot])
            if payloads is not None and slot in payloads
            else _column(batch, kind, spec, *entries.select(slot))
            for slot, (kind, spec) in enumerate(config.slots)
        ]
    except _Bail:
        return None


def _grid_payloads(batch, config: cfg.Config, entries):
    """{slot: (payload starts, payload lengths)} when every Feature of the grid has the
    common layout [kind tag][length][0x0A][payload length][payload] with one-byte lengths
    (a packed numeric list, or a bytes list of one value), checked for all features with one
    4-byte gather; None otherwise."""
    size, width = entries.size, len(entries.grid)
    start = entries.start.reshape(size, width)
    outer = entries.end.reshape(size, width) - start - 2  # the list's length, if one byte
    if outer.min() < 2 or outer.max() >= 0x80:
        return None
    slots = sorted(entries.grid, key=entries.grid.get)
    tags = np.array([cfg.TAG_OF_DTYPE[config.slots[slot][1].dtype] for slot in slots])
    payload_length = outer - 2
    if not (batch.words[start] == (outer << 8) | (payload_length << 24) | tags | 0xA0000).all():
        return None
    payload_start = start + 4
    return {
        slot: (payload_start[:, column], payload_length[:, column])
        for column, slot in enumerate(slots)
    }


def _grid_column(batch, kind, spec, payload) -> cfg.Column:
    """A Column of a grid feature whose lists all have the common layout."""
    start, length = payload
    values, counts = _decode_payloads(batch, spec.dtype, start, length)
    if kind == cfg.DENSE:
        _check_dense(spec, None, counts)
    return cfg.Column(np.ones(counts.shape[0], dtype=bool), counts, values)


def _features_payloads(batch: protowire.Batch):
    """(example, start, end) of every Features message, in order."""
    data, starts, ends = batch.data, batch.starts, batch.ends
    if (ends > starts).all() and (data[starts] == _TAG_FIELD_1).all():
        found = protowire.lengths(data, starts + 1)
        if found is not None and (found[0] + found[1] == ends).all():
            return np.arange(batch.size, dtype=np.int64), found[1], ends
    top = protowire.scan(data, starts, ends)
    _need(not top.bad.any())
    is_features = top.tag == _TAG_FIELD_1
    return top.owner[is_features], top.start[is_features], top.end[is_features]


class _Entries:
    """Map entries whose key names a configured feature: example, slot, Feature range.

    When every example holds the configured features in the same order (the usual case for
    one writer), the entries form a [batch, features] grid and a feature's Features are one
    column of it, with no searching.
    """

    def __init__(self, batch: protowire.Batch, config: cfg.Config):
        data = batch.data
        owner, starts, ends = _features_payloads(batch)
        runs = protowire.delimited_runs(data, starts, ends, _TAG_FIELD_1)
        _need(runs is not None)
        entry_owner, entry_start, entry_end = runs
        key_start, key_end, value_start, value_end = _split_entries(batch, entry_start, entry_end)
        slot = _match_keys(batch, key_start, key_end, config)
        rows = np.flatnonzero(slot >= 0)
        self.example = owner[entry_owner[rows]]
        self.slot = slot[rows]
        self.start = value_start[rows]
        self.end = value_end[rows]
        self.size = batch.size
        self.grid = self._grid()
        if self.grid is None:
            pair_ids = self.example * len(config.slots) + self.slot
            _need(np.bincount(pair_ids).max(initial=0) <= 1)  # a key repeated in an example

    def _grid(self):
        """{slot: column} when the entries form a [batch, features] grid, else None."""
        size, count = self.size, self.slot.shape[0]
        if not size or not count or count % size:
            return None
        width = count // size
        slots = self.slot.reshape(size, width)
        examples = self.example.reshape(size, width)
        if not ((slots == slots[0]).all() and (examples == examples[:, :1]).all()):
            return None
        if not (examples[:, 0] == np.arange(size)).all():
            return None
        columns = {slot: column for column, slot in enumerate(slots[0].tolist())}
        _need(len(columns) == width)  # a key repeated in an example
        return columns

    def select(self, slot: int):
        """(examples, Feature starts, Feature ends, size, every example has it once)."""
        if self.grid is not None:
            column = self.grid.get(slot)
            if column is None:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, empty, self.size, False
            width = len(self.grid)
            starts = self.start[column::width]
            ends = self.end[column::width]
            return np.arange(self.size), starts, ends, self.size, True
        rows = np.flatnonzero(self.slot == slot)
        return self.example[rows], self.start[rows], self.end[rows], self.size, False


def _split_entries(batch, start, end):
    """Key and value ranges of map entries laid out as key field, then value field: one
    4-byte gather per field when every length is one byte, else field by field."""
    found = _split_short_entries(batch, start, end)
    if found is not None:
        return found
    data = batch.data
    _need((end - start >= 4).all() and (data[start] == _TAG_FIELD_1).all())
    key_length, key_start = _lengths(data, start + 1)
    key_end = key_start + key_length
    _need((key_end + 2 <= end).all() and (data[key_end] == _TAG_FIELD_2).all())
    value_length, value_start = _lengths(data, key_end + 1)
    value_end = value_start + value_length
    _need((value_end == end).all())
    return key_start, key_end, value_start, value_end


def _split_short_entries(batch, start, end):
    """[0x0A][entry length][0x0A][key length][key][0x12][value length][value], all lengths
    one byte; None when any entry differs."""
    if not start.shape[0]:
        return None
    size = end - start - 2
    head = batch.words[start].astype(np.int64)
    key_length = head >> 24
    if not (
        (head & 0xFFFFFF == (size << 8) | 0x0A000A) & (size < 0x80) & (key_length < 0x80)
    ).all():
        return None
    key_start = start + 4
    key_end = key_start + key_length
    value_head = batch.words[np.minimum(key_end, end)].astype(np.int64)
    value_length = (value_head >> 8) & 0xFF
    fits = (value_head & 0xFF == _TAG_FIELD_2) & (key_end + 2 + value_length == end)
    if not (fits & (value_length < 0x80)).all():
        return None
    return key_start, key_end, key_end + 2, end


def _match_keys(batch, starts, ends, config: cfg.Config) -> np.ndarray:
    """The configured slot of each entry's key, or -1. Short keys are compared as 64-bit
    codes (key bytes and length) with one sorted search for all configured keys."""
    lengths = ends - starts
    slot = np.full(lengths.shape[0], -1, dtype=np.int64)
    if config.key_codes.shape[0]:
        short = np.minimum(lengths, cfg.SHORT_KEY)
        codes = (batch.longs[starts] & _KEY_MASKS[short]) | short.astype(np.uint64) << 56
        found = np.minimum(np.searchsorted(config.key_codes, codes), len(config.key_codes) - 1)
        hit = (config.key_codes[found] == codes) & (lengths <= cfg.SHORT_KEY)
        slot[hit] = config.code_slots[found[hit]]
    for key, index in config.long_keys.items():
        candidates = np.flatnonzero(lengths == len(key))
        if candidates.size:
            window = batch.data[starts[candidates, None] + np.arange(len(key))]
            candidates = candidates[(window == np.frombuffer(key, dtype=np.uint8)).all(axis=1)]
        slot[candidates] = index
    return slot


_KEY_MASKS = np.array([(1 << 8 * n) - 1 for n in range(cfg.SHORT_KEY + 1)], dtype=np.uint64)


def _column(batch, kind, spec, example, start, end, size, full) -> cfg.Column:
    """One feature's Column; `full` says every example has this feature exactly once."""
    data = batch.data
    nonempty = end > start
    if not nonempty.all():
        full = False
        if kind == cfg.DENSE:
            example, start, end = example[nonempty], start[nonempty], end[nonempty]
            nonempty = nonempty[nonempty]
    decoded = _decode_single_field_lists(batch, spec.dtype, start, end)
    if decoded is not None:
        values, counts = decoded
    else:
        tag = data[start]
        _need(((tag == cfg.TAG_OF_DTYPE[spec.dtype]) | ~nonempty).all())
        counts = np.zeros(example.shape[0], dtype=np.int64)
        values, counts[nonempty] = _decode(batch, spec.dtype, start[nonempty], end[nonempty])
    if full:
        present, all_counts = np.ones(size, dtype=bool), counts
    else:
        present = np.zeros(size, dtype=bool)
        present[example] = True
        all_counts = np.zeros(size, dtype=np.int64)
        all_counts[example] = counts
    if kind == cfg.DENSE:
        _check_dense(spec, present, counts)
    return cfg.Column(present, all_counts, values)


def _decode_single_field_lists(batch, dtype, start, end):
    """The common layout, decoded with the fewest NumPy steps: every Feature is
    [kind tag][length][0x0A][payload length][payload] with one-byte lengths, i.e. a packed
    numeric list or a bytes list of one value. None when any Feature differs."""
    if not start.shape[0]:
        return None
    outer = end - start - 2  # the list's length, if it is one byte
    if outer.min() < 2 or outer.max() >= 0x80:
        return None
    payload_length = outer - 2
    expected = (outer << 8) | (payload_length << 24) | (cfg.TAG_OF_DTYPE[dtype] | 0x0A << 16)
    if not (batch.words[start] == expected).all():
        return None
    return _decode_payloads(batch, dtype, start + 4, payload_length)


def _decode_payloads(batch, dtype, start, length):
    """(values, count per list) from packed numeric payloads or single bytes values."""
    if dtype == dtypes.float32:
        return _decode_floats(batch.data, start, length)
    if dtype == dtypes.string:
        values = np.empty(start.shape[0], dtype=object)
        values[:] = batch.slices(start, start + length)
        return values, np.ones(start.shape[0], dtype=np.int64)
    decoded = protowire.packed_varints(batch.data, start, length)
    _need(decoded is not None)
    return protowire.to_int64(decoded[0]), decoded[1]


def _check_dense(spec: cfg.DenseSpec, present, counts) -> None:
    """Counts fit the shape; a required feature is everywhere (present None: known to be)."""
    if spec.variable_length:
        _need(not spec.stride or not (counts % spec.stride).any())
        return
    _need((counts == spec.stride).all())
    _need(present is None or not spec.required or present.all())


def _decode(batch, dtype, start, end):
    """(flat values, count per Feature) of the Features data[start:end]."""
    data = batch.data
    length, list_start = _lengths(data, start + 1)
    list_end = list_start + length
    _need((list_end == end).all())
    if dtype == dtypes.string:
        return _decode_bytes(batch, list_start, list_end)
    payload_start, payload_length = _packed_payloads(data, list_start, list_end)
    if dtype == dtypes.float32:
        return _decode_floats(data, payload_start, payload_length)
    decoded = protowire.packed_varints(data, payload_start, payload_length)
    _need(decoded is not None)
    values, counts = decoded
    return protowire.to_int64(values), counts


def _packed_payloads(data, start, end):
    """Each list's single packed field (TF writers always pack); empty lists allowed."""
    nonempty = end > start
    if not nonempty.all():
        payload_start = start.copy()
        payload_length = np.zeros_like(start)
        found = _packed_payloads(data, start[nonempty], end[nonempty])
        payload_start[nonempty], payload_length[nonempty] = found
        return payload_start, payload_length
    _need((data[start] == _TAG_FIELD_1).all())  # unpacked values: left to the exact parser
    length, payload_start = _lengths(data, start + 1)
    _need((payload_start + length == end).all())
    return payload_start, length


def _decode_floats(data, start, length):
    _need(not (length % 4).any())
    counts = length // 4
    if counts.size and (length == length[0]).all():
        window = data[start[:, None] + np.arange(length[0])]
        values = window.reshape(-1).view("<f4")
    else:
        values = protowire.gather_ranges(data, start, length).view("<f4")
    return values.astype(np.float32, copy=False), counts


def _decode_bytes(batch, start, end):
    runs = protowire.delimited_runs(batch.data, start, end, _TAG_FIELD_1)
    _need(runs is not None)
    owner, value_start, value_end = runs
    counts = np.bincount(owner, minlength=start.shape[0]).astype(np.int64)
    values = np.empty(owner.shape[0], dtype=object)
    values[:] = batch.slices(value_start, value_end)
    return values, counts
