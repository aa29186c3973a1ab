"""String tensors in tensor-bundle data files, laid out as TensorFlow's BundleWriter does:

    varint64 length of each element | masked CRC32C of the lengths (4 bytes) | element bytes

The lengths are checksummed as little-endian uint32 each (uint64 for one that does not fit in
32 bits), not as their varint bytes. The entry's CRC32C (in its BundleEntryProto) covers those
uint32/uint64 lengths, then the 4 checksum bytes, then the element bytes.
"""

from __future__ import annotations

import numpy as np

from ndflow.formats import crc32c
from ndflow.formats import sorted_table
from ndflow.framework import errors

_UINT32_MAX = 0xFFFFFFFF


def _elements(value: np.ndarray) -> list[bytes]:
    out = []
    for item in value.reshape(-1).tolist():
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, bytes):
            item = bytes(item)
        out.append(item)
    return out


def _varints(lengths: np.ndarray) -> bytes:
    if lengths.size == 0 or int(lengths.max()) < 0x80:
        return lengths.astype(np.uint8).tobytes()
    out = bytearray()
    for length in lengths.tolist():
        sorted_table.put_varint(out, length)
    return bytes(out)


def _checksummed_lengths(lengths: np.ndarray, byte_order: str = "<") -> bytes:
    """The lengths as TF checksums them: uint32 each, or uint64 when one does not fit."""
    if lengths.size == 0 or int(lengths.max()) <= _UINT32_MAX:
        return lengths.astype(byte_order + "u4").tobytes()
    return b"".join(
        np.array(length, dtype=byte_order + ("u4" if length <= _UINT32_MAX else "u8")).tobytes()
        for length in lengths.tolist()
    )


def encode(value: np.ndarray) -> tuple[list[bytes], int]:
    """The pieces of a string tensor's data (str elements as UTF-8) and the unmasked CRC32C
    the bundle entry stores."""
    elements = _elements(value)
    lengths = np.fromiter((len(item) for item in elements), dtype=np.uint64, count=len(elements))
    crc = crc32c.value(_checksummed_lengths(lengths))
    checksum = int(crc32c.mask(crc)).to_bytes(4, "little")
    crc = crc32c.extend(crc, checksum)
    body = b"".join(elements)
    crc = crc32c.extend(crc, body)
    return [_varints(lengths), checksum, body], crc


def _lengths(data: bytearray, count: int, path: str):
    """The `count` varint64 lengths at the start of `data`, and where they end."""
    head = np.frombuffer(data, dtype=np.uint8, count=min(count, len(data)))
    if len(head) == count and not (head & 0x80).any():
        return head.astype(np.uint64), count
    lengths = np.empty(count, dtype=np.uint64)
    pos = 0
    for index in range(count):
        found = sorted_table.get_varint(data, pos, len(data))
        if found is None or found[0] > len(data):
            raise errors.DataLossError(None, None, f"Bad string length in data file {path}")
        lengths[index], pos = found
    if pos + 4 > len(data):
        raise errors.DataLossError(None, None, f"String lengths run past the entry in {path}")
    return lengths, pos


def decode(data: bytearray, count: int, byte_order: str, path: str) -> tuple[np.ndarray, int]:
    """The `count` elements (a flat object array of bytes) of one string entry's `data`, and
    the unmasked CRC32C computed over it, for the caller to compare with the entry's.

    Raises:
      DataLossError: naming `path`, for bad lengths or a length-checksum mismatch.
    """
    lengths, pos = _lengths(data, count, path)
    crc = crc32c.value(_checksummed_lengths(lengths, byte_order))
    checksum = data[pos : pos + 4]
    stored = int.from_bytes(checksum, "big" if byte_order == ">" else "little")
    if crc32c.unmask(stored) != crc:
        raise errors.DataLossError(
            None,
            None,
            f"The length checksum does not match: expected {crc32c.unmask(stored):08d} but "
            f"actual is {crc:08d} (data file {path})",
        )
    body_start = pos + 4
    if body_start + int(lengths.sum()) != len(data):
        raise errors.DataLossError(
            None, None, f"String lengths do not match their entry's size in {path}"
        )
    crc = crc32c.extend(crc32c.extend(crc, checksum), memoryview(data)[body_start:])
    ends = (body_start + np.cumsum(lengths, dtype=np.int64)).tolist()
    starts = [body_start, *ends[:-1]]
    body = bytes(data)
    value = np.empty(count, dtype=object)
    value[:] = [body[start:end] for start, end in zip(starts, ends)]
    return value, crc
