"""The sorted string table of checkpoint indexes (ndflow/formats/sorted_table.py): TF's exact
bytes for a TF-written index, prefix compression and restart points across many blocks,
snappy-compressed blocks, and damage reported as DataLossError naming the file."""

from __future__ import annotations

import pathlib
import struct

import numpy as np
import pytest

from ndflow.formats import crc32c
from ndflow.formats import sorted_table
from ndflow.framework import errors

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"


def _entries(count, value_size=7):
    rng = np.random.default_rng(0)
    keys = sorted({b"key/%06d/%s" % (rng.integers(0, 10**6), b"x" * (k % 5)) for k in range(count)})
    return [(key, bytes(rng.integers(0, 256, value_size, dtype=np.uint8))) for key in keys]


def test_rebuilding_a_tensorflow_index_gives_its_exact_bytes():
    data = (FIXTURE / "model.ckpt-100.index").read_bytes()
    rows = sorted_table.read_table(data, "fixture")
    assert rows[0][0] == b"" and len(rows) == 17
    assert sorted_table.build_table(rows) == data


def test_round_trip_over_many_blocks_and_restart_points():
    rows = _entries(3000, value_size=40)
    data = sorted_table.build_table(rows, block_size=1024)
    assert sorted_table.read_table(data) == rows
    # More than one data block: the index block holds one separator per block.
    footer = data[-sorted_table.FOOTER_SIZE :]
    assert struct.unpack("<II", footer[-8:]) == (0x8B80FB57, 0xDB477524)


def test_a_value_larger_than_two_blocks_gets_its_own_block():
    rows = [(b"a", b"1"), (b"b", b"x" * 5000), (b"c", b"3")]
    data = sorted_table.build_table(rows, block_size=1024)
    assert sorted_table.read_table(data) == rows


def test_empty_table_and_empty_values():
    assert sorted_table.read_table(sorted_table.build_table([])) == []
    rows = [(b"", b""), (b"\x00", b""), (b"\xff\xff", b"v")]
    assert sorted_table.read_table(sorted_table.build_table(rows)) == rows


def test_separators_are_short_and_between_blocks():
    assert sorted_table._shortest_separator(b"the quick brown fox", b"the who") == b"the r"
    assert sorted_table._shortest_separator(b"abc", b"abcd") == b"abc"
    assert sorted_table._shortest_separator(b"ab\xff", b"ac") == b"ab\xff"
    assert sorted_table._short_successor(b"\xff\xffa") == b"\xff\xffb"
    assert sorted_table._short_successor(b"\xff") == b"\xff"


def test_keys_out_of_order_are_rejected():
    with pytest.raises(errors.InvalidArgumentError, match="increasing order"):
        sorted_table.build_table([(b"b", b""), (b"a", b"")])


def _snappy_table(rows):
    """A table whose single data block is snappy-compressed (as TF 1.0 wrote indexes)."""
    block = sorted_table._BlockBuilder(16)
    for key, value in rows:
        block.add(key, value)
    raw = block.finish()
    # Snappy: the varint length, a short literal (length in the tag), then a long literal
    # (length in the following byte).
    head, rest = raw[:8], raw[8:]
    stream = bytearray()
    sorted_table.put_varint(stream, len(raw))
    stream += bytes([(len(head) - 1) << 2]) + head
    stream += bytes([60 << 2, len(rest) - 1]) + rest
    compressed = bytes(stream) + b"\x01"
    crc = crc32c.mask(crc32c.value(compressed))
    data_block = compressed + struct.pack("<I", crc)
    writer = sorted_table._TableWriter(sorted_table.BLOCK_SIZE, 16)
    writer.out += data_block
    handle = sorted_table._encode_handle(0, len(compressed) - 1)
    writer._pending_handle = handle
    writer._last_key = rows[-1][0]
    writer._entries = len(rows)
    return writer.finish()


def test_snappy_compressed_blocks_are_read():
    rows = [(b"alpha", b"1" * 20), (b"beta", b"2" * 20)]
    assert sorted_table.read_table(_snappy_table(rows)) == rows


def test_snappy_copy_elements():
    stream = bytearray()
    sorted_table.put_varint(stream, 12)
    stream += bytes([(3 - 1) << 2]) + b"abc"  # literal "abc"
    stream += bytes([1 | ((5 - 4) << 2), 3])  # 1-byte-offset copy: 5 bytes from 3 back
    stream += bytes([2 | ((4 - 1) << 2)]) + struct.pack("<H", 3)  # 2-byte-offset copy
    assert sorted_table._snappy_decompress(bytes(stream), "s") == b"abcabcabcabc"
    with pytest.raises(errors.DataLossError, match="corrupted compressed block"):
        sorted_table._snappy_decompress(bytes(stream[:-1]), "s")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d[:20], "too short"),
        (lambda d: d[:-1] + b"\x00", "bad magic number"),
        (lambda d: d[:5] + bytes([d[5] ^ 1]) + d[6:], "block checksum mismatch"),
        (lambda d: d[40:], "file is corrupt"),
    ],
)
def test_damage_is_data_loss_naming_the_file(damage, message):
    data = (FIXTURE / "model.ckpt-100.index").read_bytes()
    with pytest.raises(errors.DataLossError, match=message) as info:
        sorted_table.read_table(damage(data), "/ckpt/model.index")
    assert "/ckpt/model.index" in info.value.message


def test_random_damage_never_crashes_or_hangs():
    data = sorted_table.build_table(_entries(300), block_size=512)
    rng = np.random.default_rng(1)
    for _ in range(400):
        damaged = bytearray(data)
        for position in rng.integers(0, len(data), rng.integers(1, 4)):
            damaged[position] ^= int(rng.integers(1, 256))
        cut = int(rng.integers(0, len(data) + 1)) if rng.random() < 0.3 else len(data)
        try:
            sorted_table.read_table(bytes(damaged[:cut]), "fuzz")
        except errors.DataLossError:
            pass
