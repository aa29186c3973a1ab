"""Protocol-buffer wire format, decoded two ways: one field at a time in Python, and for many
messages at once with NumPy.

The NumPy side works on one byte buffer holding many serialized messages (`Batch`). A message
is a byte range; `scan` decodes the fields of every range in lock step, one field of each per
step, so the Python cost is per field *position*, not per message. Varints are decoded for
whole arrays of positions at a time.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
# Bytes appended after the data, so that reading a 10-byte varint window never runs off the end.
_PADDING = 16
_WINDOW = np.arange(10, dtype=np.int64)
_SHIFTS = np.arange(0, 70, 7, dtype=np.uint64)
_MAX_LENGTH = 1 << 31
# Payload size by wire type for fixed-size types; groups and unknown types are invalid.
_FIXED_SIZES = np.array([0, 8, 0, -(1 << 40), -(1 << 40), 4, -(1 << 40), -(1 << 40)])

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_DELIMITED = 2
WIRE_FIXED32 = 5


# ---------------------------------------------------------------------- one field at a time


def read_varint(data: bytes, pos: int, end: int):
    """(value, next position) of the varint at `pos`, or None if it is cut off or too long."""
    result = 0
    shift = 0
    while pos < end and shift < 70:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & MASK64, pos
        shift += 7
    return None


def read_delimited(data: bytes, pos: int, end: int):
    """(start, end) of the length-delimited payload whose length varint is at `pos`, or None
    when the length is malformed or the payload does not fit before `end`."""
    if pos < end and data[pos] < 0x80:  # the usual one-byte length
        start = pos + 1
        stop = start + data[pos]
        return (start, stop) if stop <= end else None
    found = read_varint(data, pos, end)
    if found is None:
        return None
    length, start = found
    if length > end - start:
        return None
    return start, start + length


def skip_field(data: bytes, pos: int, end: int):
    """The position after the field whose tag is at `pos` (TF's `SkipExtraneousTag`), or None
    for groups, unknown wire types and cut-off fields. A cut-off length-delimited payload is
    skipped to `end`, as TensorFlow's parser does."""
    found = read_varint(data, pos, end)
    if found is None:
        return None
    tag, pos = found
    wire = tag & 7
    if wire == WIRE_VARINT:
        found = read_varint(data, pos, end)
        return None if found is None else found[1]
    if wire == WIRE_FIXED64:
        return pos + 8 if pos + 8 <= end else None
    if wire == WIRE_FIXED32:
        return pos + 4 if pos + 4 <= end else None
    if wire == WIRE_DELIMITED:
        found = read_varint(data, pos, end)
        return None if found is None else min(end, found[1] + found[0])
    return None


def to_int64(values: np.ndarray) -> np.ndarray:
    """uint64 varint values reinterpreted as two's-complement int64 (protobuf's int64)."""
    return values.astype(np.uint64, copy=False).view(np.int64)


# ---------------------------------------------------------------------- many messages at once


class Batch:
    """Serialized messages concatenated into one buffer, with each message's byte range.

    `raw` is the joined bytes (for slicing out bytes values), `data` a uint8 view of it plus
    zero padding, `starts` / `ends` the int64 range of each message.
    """

    def __init__(self, serialized):
        items = serialized if isinstance(serialized, list) else list(serialized)
        lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        self.raw = b"".join(items)
        self.data = np.frombuffer(self.raw + bytes(_PADDING), dtype=np.uint8)
        self.ends = np.cumsum(lengths)
        self.starts = self.ends - lengths
        self.size = len(items)
        self._words = None

    @property
    def longs(self) -> np.ndarray:
        """uint64 (little-endian) views of the 8 bytes at every offset."""
        count = self.data.shape[0] - 7
        return np.ndarray((count,), dtype="<u8", buffer=self.data, strides=(1,))

    @property
    def words(self) -> np.ndarray:
        """uint32 (little-endian) views of the 4 bytes at every offset: `words[i]` holds
        data[i:i + 4], so one gather reads a 4-byte field header per message."""
        if self._words is None:
            count = self.data.shape[0] - 3
            self._words = np.ndarray((count,), dtype="<u4", buffer=self.data, strides=(1,))
        return self._words

    def slices(self, starts: np.ndarray, ends: np.ndarray) -> list[bytes]:
        """The bytes of each range, as Python bytes objects."""
        raw = self.raw
        return [raw[s:e] for s, e in zip(starts.tolist(), ends.tolist())]


def varints(data: np.ndarray, pos: np.ndarray):
    """Decodes one varint at each position.

    Returns (values as int64, positions after them, indices of malformed varints or None).
    Values above 2**63 wrap to negative int64, as protobuf's int64 does.
    """
    first = data[pos]
    if pos.shape[0] == 0 or first.max() < 0x80:
        return first.astype(np.int64), pos + 1, None
    values = first.astype(np.uint64)
    after = pos + 1
    multi = np.flatnonzero(first >= 0x80)
    window = data[pos[multi, None] + _WINDOW]
    more = window >= 0x80
    length = np.argmin(more, axis=1) + 1
    parts = (window & 0x7F).astype(np.uint64) << _SHIFTS
    parts[_WINDOW >= length[:, None]] = 0
    values[multi] = np.bitwise_or.reduce(parts, axis=1)
    after[multi] = pos[multi] + length
    bad = more.all(axis=1)
    return values.view(np.int64), after, (multi[bad] if bad.any() else None)


def lengths(data: np.ndarray, pos: np.ndarray):
    """Length varints at each position: (lengths, positions after them), or None when one is
    malformed or beyond 2**31 (no payload that long fits in a message)."""
    first = data[pos]
    if pos.shape[0] == 0 or first.max() < 0x80:
        return first.astype(np.int64), pos + 1
    value, after, bad = varints(data, pos)
    if bad is not None or (value < 0).any() or (value > _MAX_LENGTH).any():
        return None
    return value, after


def delimited_runs(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, tag: int):
    """The payloads of messages that hold only length-delimited fields with one tag byte
    (a packed map, a repeated bytes field): (owner, start, end) in message order, or None
    if any message holds something else or a payload overruns its message."""
    pos = starts.astype(np.int64, copy=True)
    active = np.flatnonzero(pos < ends)
    tags, pieces = [], []
    while active.size:
        at = pos[active]
        found = lengths(data, at + 1)
        if found is None:
            return None
        end = found[1] + found[0]
        tags.append(at)
        pieces.append((active, found[1], end))
        pos[active] = end
        active = active[end < ends[active]]
    owner, start, end = _owner_order(pieces)
    # Checked once for all steps: every field had the tag and no payload overran.
    if tags and (data[np.concatenate(tags)] != tag).any():
        return None
    if (end > ends[owner]).any():
        return None
    return owner, start, end


def _owner_order(pieces):
    if not pieces:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    if len(pieces) == 1:
        return pieces[0]
    owner, start, end = (np.concatenate(column) for column in zip(*pieces))
    order = np.argsort(owner, kind="stable")
    return owner[order], start[order], end[order]


class Fields:
    """The fields found by `scan`, ordered by message and then by position in the message.

    owner: index of the message holding the field; tag: the full tag (number << 3 | wire);
    start / end: the payload range (for varints, the varint's bytes); bad: one flag per
    message, set when the message is malformed.
    """

    def __init__(self, owner, tag, start, end, bad):
        self.owner = owner
        self.tag = tag
        self.start = start
        self.end = end
        self.bad = bad


def _field_ranges(data, pos, limit):
    """Tag, payload start, payload end and a validity mask for one field at each position."""
    tag, pos, tag_bad = varints(data, pos)
    wire = tag & 7
    value, after, value_bad = varints(data, pos)
    length = np.clip(value, 0, _MAX_LENGTH)
    delimited = wire == WIRE_DELIMITED
    start = np.where(delimited, after, pos)
    end = np.where(delimited, after + length, np.where(wire == WIRE_VARINT, after, pos))
    end += _FIXED_SIZES[wire]
    bad_length = delimited & ((value < 0) | (value > _MAX_LENGTH))
    valid = (end >= start) & (end <= limit) & ~bad_length
    if tag_bad is not None:
        valid[tag_bad] = False
    if value_bad is not None:
        reads_value = (wire == WIRE_DELIMITED) | (wire == WIRE_VARINT)
        valid[value_bad[reads_value[value_bad]]] = False
    return tag, start, end, valid


def scan(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Fields:
    """All fields of the messages `data[starts[i]:ends[i]]`, decoded in lock step."""
    count = starts.shape[0]
    bad = np.zeros(count, dtype=bool)
    pos = starts.astype(np.int64, copy=True)
    active = np.flatnonzero(pos < ends)
    pieces = []
    while active.size:
        limit = ends[active]
        tag, start, end, valid = _field_ranges(data, pos[active], limit)
        if not valid.all():
            bad[active[~valid]] = True
            active, tag, start, end, limit = (a[valid] for a in (active, tag, start, end, limit))
        pieces.append((active, tag, start, end))
        pos[active] = end
        active = active[end < limit]
    return _collect(pieces, bad)


def _collect(pieces, bad) -> Fields:
    if not pieces:
        empty = np.zeros(0, dtype=np.int64)
        return Fields(empty, empty, empty, empty, bad)
    if len(pieces) == 1:
        owner, tag, start, end = pieces[0]
        return Fields(owner, tag, start, end, bad)
    owner, tag, start, end = (np.concatenate(column) for column in zip(*pieces))
    order = np.argsort(owner, kind="stable")
    return Fields(owner[order], tag[order], start[order], end[order], bad)


def gather_ranges(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The bytes of all ranges, concatenated (uint8)."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.cumsum(lengths) - lengths
    index = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return data[index]


def packed_varints(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """Decodes the packed varints of each range.

    Returns (values as uint64, count per range), or None when a range ends inside a varint
    or holds a varint longer than 10 bytes.
    """
    if lengths.shape[0] and lengths.min() > 0:
        # The common case, one varint per range (scalar int64 features): decoded in place.
        values, after, bad = varints(data, starts)
        if bad is None and (after - starts == lengths).all():
            return values.view(np.uint64), np.ones(lengths.shape[0], dtype=np.int64)
    raw = gather_ranges(data, starts, lengths)
    last = raw < 0x80
    ends_at = np.cumsum(lengths) - 1
    nonempty = lengths > 0
    if not last[ends_at[nonempty]].all():
        return None
    stops = np.flatnonzero(last)
    begins = np.empty_like(stops)
    begins[:1] = 0
    begins[1:] = stops[:-1] + 1
    sizes = stops - begins + 1
    if sizes.size and sizes.max() > 10:
        return None
    if raw.size == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(lengths.shape[0], dtype=np.int64)
    if sizes.max() == 1:
        values = raw.astype(np.uint64)
    else:
        position = np.arange(raw.size, dtype=np.int64) - np.repeat(begins, sizes)
        parts = (raw & 0x7F).astype(np.uint64) << (position * 7).astype(np.uint64)
        values = np.bitwise_or.reduceat(parts, begins)
    seen = np.concatenate(([0], np.cumsum(last)))
    range_starts = np.cumsum(lengths) - lengths
    counts = seen[range_starts + lengths] - seen[range_starts]
    return values, counts
