"""Protocol-buffer wire decoding, one field at a time and vectorized
(ndflow/formats/protowire.py)."""

from __future__ import annotations

import numpy as np

from ndflow.formats import protowire


def _varint(value: int) -> bytes:
    out = bytearray()
    value &= (1 << 64) - 1
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


VALUES = [0, 1, 127, 128, 300, 2**31, 2**56 + 5, 2**63 - 1, 2**64 - 1]


def test_read_varint_one_at_a_time():
    data = b"".join(_varint(v) for v in VALUES)
    pos, got = 0, []
    while pos < len(data):
        value, pos = protowire.read_varint(data, pos, len(data))
        got.append(value)
    assert got == VALUES
    assert protowire.read_varint(b"\x80\x80", 0, 2) is None
    assert protowire.read_varint(b"\xff" * 11, 0, 11) is None


def test_varints_vectorized_match_and_wrap_to_int64():
    encoded = [_varint(v) for v in VALUES]
    batch = protowire.Batch(encoded)
    values, after, bad = protowire.varints(batch.data, batch.starts)
    assert bad is None
    assert after.tolist() == batch.ends.tolist()
    assert values.view(np.uint64).tolist() == VALUES
    assert protowire.to_int64(values.view(np.uint64))[-1] == -1


def test_packed_varints_count_per_range():
    ranges = [b"".join(_varint(v) for v in VALUES), b"", _varint(5)]
    batch = protowire.Batch(ranges)
    values, counts = protowire.packed_varints(batch.data, batch.starts, batch.ends - batch.starts)
    assert counts.tolist() == [len(VALUES), 0, 1]
    assert values.tolist() == VALUES + [5]
    cut = protowire.Batch([_varint(300)[:1]])
    assert protowire.packed_varints(cut.data, cut.starts, cut.ends - cut.starts) is None


def test_scan_finds_fields_of_every_wire_type_and_flags_bad_messages():
    message = (
        b"\x08"
        + _varint(300)  # field 1 varint
        + b"\x11"
        + bytes(8)  # field 2 fixed64
        + b"\x1a\x03abc"  # field 3 bytes
        + b"\x25"
        + bytes(4)  # field 4 fixed32
    )
    batch = protowire.Batch([message, b"\x1a\x09ab", b"", b"\x0b"])
    fields = protowire.scan(batch.data, batch.starts, batch.ends)
    assert fields.bad.tolist() == [False, True, False, True]
    assert fields.owner.tolist() == [0, 0, 0, 0]
    assert fields.tag.tolist() == [0x08, 0x11, 0x1A, 0x25]
    start, end = fields.start[2], fields.end[2]
    assert batch.raw[start:end] == b"abc"


def test_delimited_runs_in_message_order():
    messages = [b"\x0a\x01a\x0a\x02bb\x0a\x00", b"", b"\x0a\x01c"]
    batch = protowire.Batch(messages)
    owner, start, end = protowire.delimited_runs(batch.data, batch.starts, batch.ends, 0x0A)
    assert owner.tolist() == [0, 0, 0, 2]
    assert batch.slices(start, end) == [b"a", b"bb", b"", b"c"]
    bad = protowire.Batch([b"\x12\x01a"])
    assert protowire.delimited_runs(bad.data, bad.starts, bad.ends, 0x0A) is None


def test_skip_field_follows_tensorflow():
    data = b"\x10\x96\x01" + b"\x1a\x05abc"
    assert protowire.skip_field(data, 0, len(data)) == 3
    # A cut-off length-delimited payload is skipped to the end (TF's SkipExtraneousTag).
    assert protowire.skip_field(data, 3, len(data)) == len(data)
    assert protowire.skip_field(b"\x0b", 0, 1) is None  # a group
