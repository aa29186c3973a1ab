"""TensorFlow's immutable sorted string table (a LevelDB SSTable), the `.index` file of a
checkpoint.

A table is a sequence of blocks, then a 48-byte footer:

    data block 0 .. data block N-1   sorted key/value entries, about `block_size` bytes each
    metaindex block                  empty (TensorFlow writes no meta blocks)
    index block                      one entry per data block: a separator key >= every key in
                                     that block and < every key of the next, and the block's
                                     handle (varint64 offset, varint64 size)
    footer                           metaindex handle, index handle, zero padding to 40 bytes,
                                     magic 0xdb4775248b80fb57 as two little-endian uint32

Each block is followed by a 5-byte trailer: the compression byte (0 none, 1 snappy) and the
masked CRC32C of the block contents plus that byte. Inside a block, keys are prefix-compressed
against the previous key (`shared`, `non_shared`, `value_length` varint32s, the key suffix, the
value); every `restart_interval` entries a key is stored whole, and the block ends with the
uint32 offsets of those restart points and their count.

`build_table` writes the exact bytes TensorFlow's `table::TableBuilder` writes for the same
entries (uncompressed, block size 256 KiB, restart interval 16), and `read_table` reads any
table TensorFlow wrote, snappy-compressed blocks included. Damage is a `DataLossError` naming
the file.
"""

from __future__ import annotations

import struct

from ndflow.formats import crc32c
from ndflow.framework import errors

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_TRAILER_SIZE = 5
BLOCK_SIZE = 262144
RESTART_INTERVAL = 16
_MAX_HANDLE_LENGTH = 20  # two varint64s
_NO_COMPRESSION = 0
_SNAPPY_COMPRESSION = 1
_U32 = struct.Struct("<I")


# ---------------------------------------------------------------------- varints


def put_varint(out: bytearray, value: int) -> None:
    """Appends `value` (unsigned) as a little-endian base-128 varint."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def get_varint(data, pos: int, end: int, max_bytes: int = 10):
    """(value, next position) of the varint at `pos`, or None if it is cut off or too long."""
    result = 0
    shift = 0
    limit = min(end, pos + max_bytes)
    while pos < limit:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
    return None


# ---------------------------------------------------------------------- writing


class _BlockBuilder:
    """One block under construction: prefix-compressed entries plus restart offsets."""

    def __init__(self, restart_interval: int):
        self._interval = restart_interval
        self.reset()

    def reset(self) -> None:
        self._buffer = bytearray()
        self._restarts = [0]
        self._counter = 0
        self._last_key = b""

    def empty(self) -> bool:
        return not self._buffer

    def size_estimate(self) -> int:
        return len(self._buffer) + 4 * len(self._restarts) + 4

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self._counter < self._interval:
            shared = _common_prefix_length(self._last_key, key)
        else:
            self._restarts.append(len(self._buffer))
            self._counter = 0
        put_varint(self._buffer, shared)
        put_varint(self._buffer, len(key) - shared)
        put_varint(self._buffer, len(value))
        self._buffer += key[shared:]
        self._buffer += value
        self._last_key = key
        self._counter += 1

    def finish(self) -> bytes:
        for offset in self._restarts:
            self._buffer += _U32.pack(offset)
        self._buffer += _U32.pack(len(self._restarts))
        return bytes(self._buffer)


def _common_prefix_length(a: bytes, b: bytes) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _shortest_separator(start: bytes, limit: bytes) -> bytes:
    """A short key k with start <= k < limit (TF's `FindShortestSeparator`)."""
    index = _common_prefix_length(start, limit)
    if index >= min(len(start), len(limit)):
        return start  # one is a prefix of the other: keep it
    byte = start[index]
    if byte < 0xFF and byte + 1 < limit[index]:
        return start[:index] + bytes([byte + 1])
    return start


def _short_successor(key: bytes) -> bytes:
    """A short key >= `key` (TF's `FindShortSuccessor`): the first byte below 0xff, bumped."""
    for index, byte in enumerate(key):
        if byte != 0xFF:
            return key[:index] + bytes([byte + 1])
    return key


def _encode_handle(offset: int, size: int) -> bytes:
    out = bytearray()
    put_varint(out, offset)
    put_varint(out, size)
    return bytes(out)


class _TableWriter:
    """TF's `table::TableBuilder` with no compression, writing into a bytearray."""

    def __init__(self, block_size: int, restart_interval: int):
        self.out = bytearray()
        self._block_size = block_size
        self._data = _BlockBuilder(restart_interval)
        self._index = _BlockBuilder(1)
        self._last_key = b""
        self._entries = 0
        self._pending_handle = None

    def add(self, key: bytes, value: bytes) -> None:
        if self._entries and key <= self._last_key:
            raise errors.InvalidArgumentError(
                None, None, f"Table keys must be added in increasing order: {key!r}"
            )
        if self._entries and len(key) + len(value) >= 2 * self._block_size:
            self._flush()
        if self._pending_handle is not None:
            separator = _shortest_separator(self._last_key, key)
            self._index.add(separator, self._pending_handle)
            self._pending_handle = None
        self._last_key = key
        self._entries += 1
        self._data.add(key, value)
        if self._data.size_estimate() >= self._block_size:
            self._flush()

    def _flush(self) -> None:
        if self._data.empty():
            return
        self._pending_handle = self._write_block(self._data)

    def _write_block(self, block: _BlockBuilder) -> bytes:
        contents = block.finish()
        block.reset()
        handle = _encode_handle(len(self.out), len(contents))
        trailer_type = bytes([_NO_COMPRESSION])
        self.out += contents
        self.out += trailer_type
        self.out += _U32.pack(crc32c.mask(crc32c.extend(crc32c.value(contents), trailer_type)))
        return handle

    def finish(self) -> bytes:
        self._flush()
        metaindex_handle = self._write_block(_BlockBuilder(RESTART_INTERVAL))
        if self._pending_handle is not None:
            self._index.add(_short_successor(self._last_key), self._pending_handle)
            self._pending_handle = None
        index_handle = self._write_block(self._index)
        footer = (metaindex_handle + index_handle).ljust(2 * _MAX_HANDLE_LENGTH, b"\0")
        self.out += footer + struct.pack("<II", MAGIC & 0xFFFFFFFF, MAGIC >> 32)
        return bytes(self.out)


def build_table(
    entries, block_size: int = BLOCK_SIZE, restart_interval: int = RESTART_INTERVAL
) -> bytes:
    """The table holding `entries`, an iterable of (key, value) bytes pairs in strictly
    increasing key order, byte for byte as TensorFlow's TableBuilder writes it.

    Raises:
      InvalidArgumentError: keys out of order or repeated.

    >>> build_table([(b"", b"header"), (b"w", b"...")])
    """
    writer = _TableWriter(block_size, restart_interval)
    for key, value in entries:
        writer.add(bytes(key), bytes(value))
    return writer.finish()


# ---------------------------------------------------------------------- reading


def _corrupt(filename: str, detail: str) -> errors.DataLossError:
    return errors.DataLossError(
        None, None, f"Unable to read file ({filename}). Perhaps the file is corrupt: {detail}"
    )


def _decode_handle(data, pos: int, end: int, filename: str):
    offset = get_varint(data, pos, end)
    size = get_varint(data, offset[1], end) if offset is not None else None
    if size is None:
        raise _corrupt(filename, "bad block handle")
    return offset[0], size[0], size[1]


def _read_block(data: bytes, offset: int, size: int, filename: str) -> bytes:
    """The contents of the block at (offset, size), checksum verified and decompressed."""
    end = offset + size
    if offset < 0 or end + BLOCK_TRAILER_SIZE > len(data):
        raise _corrupt(filename, "truncated block read")
    block = data[offset : end + 1]
    (stored,) = _U32.unpack_from(data, end + 1)
    if crc32c.unmask(stored) != crc32c.value(block):
        raise _corrupt(filename, "block checksum mismatch")
    kind = data[end]
    if kind == _NO_COMPRESSION:
        return block[:-1]
    if kind == _SNAPPY_COMPRESSION:
        return _snappy_decompress(block[:-1], filename)
    raise _corrupt(filename, "bad block type")


def _block_entries(block: bytes, filename: str):
    """The (key, value) pairs of one block, in order."""
    size = len(block)
    if size < 4:
        raise _corrupt(filename, "bad block contents")
    (num_restarts,) = _U32.unpack_from(block, size - 4)
    limit = size - 4 - 4 * num_restarts
    if num_restarts > (size - 4) // 4 or limit < 0:
        raise _corrupt(filename, "bad block contents")
    pos = 0
    key = b""
    while pos < limit:
        shared, pos = _entry_varint(block, pos, limit, filename)
        non_shared, pos = _entry_varint(block, pos, limit, filename)
        value_length, pos = _entry_varint(block, pos, limit, filename)
        value_start = pos + non_shared
        value_end = value_start + value_length
        if shared > len(key) or value_end > limit:
            raise _corrupt(filename, "bad entry in block")
        key = key[:shared] + block[pos:value_start]
        yield key, block[value_start:value_end]
        pos = value_end


def _entry_varint(block: bytes, pos: int, limit: int, filename: str):
    found = get_varint(block, pos, limit, max_bytes=5)
    if found is None:
        raise _corrupt(filename, "bad entry in block")
    return found


def read_table(data: bytes, filename: str = "<table>") -> list[tuple[bytes, bytes]]:
    """Every (key, value) pair of the table in `data`, in key order.

    Raises:
      DataLossError: naming `filename`, when the footer, a block or its checksum is damaged.

    >>> read_table(build_table([(b"a", b"1")]))
    [(b'a', b'1')]
    """
    if len(data) < FOOTER_SIZE:
        raise _corrupt(filename, "file is too short to be an sstable")
    footer = len(data) - FOOTER_SIZE
    low, high = struct.unpack_from("<II", data, len(data) - 8)
    if (high << 32) | low != MAGIC:
        raise _corrupt(filename, "not an sstable (bad magic number)")
    _, _, pos = _decode_handle(data, footer, len(data) - 8, filename)
    index_offset, index_size, _ = _decode_handle(data, pos, len(data) - 8, filename)
    index = _read_block(data, index_offset, index_size, filename)
    entries = []
    for _, handle in _block_entries(index, filename):
        offset, size, _ = _decode_handle(handle, 0, len(handle), filename)
        entries.extend(_block_entries(_read_block(data, offset, size, filename), filename))
    if any(entries[i][0] >= entries[i + 1][0] for i in range(len(entries) - 1)):
        raise _corrupt(filename, "keys out of order")
    return entries


# ---------------------------------------------------------------------- snappy


def _snappy_decompress(data: bytes, filename: str) -> bytes:
    """Snappy's raw format: a varint length, then literal and back-reference elements.

    TensorFlow has not written compressed checkpoint indexes since 1.1, but still reads them.
    """
    header = get_varint(data, 0, len(data), max_bytes=5)
    if header is None:
        raise _corrupt(filename, "corrupted compressed block contents")
    length, pos = header
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag & 3 == 0:
            pos = _snappy_literal(data, pos, tag, out, filename)
            continue
        offset, count, pos = _snappy_copy(data, pos, tag, filename)
        if offset == 0 or offset > len(out):
            raise _corrupt(filename, "corrupted compressed block contents")
        for _ in range(count):  # byte by byte: a copy may overlap its own output
            out.append(out[-offset])
        if len(out) > length:
            break
    if len(out) != length:
        raise _corrupt(filename, "corrupted compressed block contents")
    return bytes(out)


def _snappy_literal(data: bytes, pos: int, tag: int, out: bytearray, filename: str) -> int:
    size = tag >> 2
    if size >= 60:
        extra = size - 59
        size = int.from_bytes(data[pos : pos + extra], "little")
        pos += extra
    end = pos + size + 1
    if end > len(data):
        raise _corrupt(filename, "corrupted compressed block contents")
    out += data[pos:end]
    return end


def _snappy_copy(data: bytes, pos: int, tag: int, filename: str):
    kind = tag & 3
    extra = {1: 1, 2: 2, 3: 4}[kind]
    if pos + extra > len(data):
        raise _corrupt(filename, "corrupted compressed block contents")
    if kind == 1:
        return ((tag >> 5) << 8) | data[pos], 4 + ((tag >> 2) & 7), pos + 1
    offset = int.from_bytes(data[pos : pos + extra], "little")
    return offset, (tag >> 2) + 1, pos + extra
