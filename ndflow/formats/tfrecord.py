"""TFRecord files: record framing, GZIP/ZLIB compression, a streaming reader and a writer.

A record on disk is

    uint64 length | uint32 masked_crc32c(length) | bytes data[length] | uint32 masked_crc32c(data)

(all little-endian), optionally inside one GZIP or ZLIB stream. The reader follows TensorFlow
2.21's RecordReader: a corrupt length or data checksum is `DataLossError("corrupted record at
<offset>")`, a record whose data is cut off is `DataLossError("truncated record at <offset>'
failed with Read less bytes than requested")`, and a file that ends inside a record header is
a clean end of file. ndflow appends the record index and the path to these messages.
"""

from __future__ import annotations

import os
import re
import struct
import zlib

from ndflow.formats import crc32c
from ndflow.framework import errors

NONE = ""
ZLIB = "ZLIB"
GZIP = "GZIP"

HEADER_SIZE = 12
FOOTER_SIZE = 4

_HEADER = struct.Struct("<QI")
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")

_CHUNK_SIZE = 1 << 20
_MAX_LENGTH_CACHE = 1 << 12
_ITERATION_BATCH = 64  # records read ahead by iteration (offset/index still per record)
_MASK_DELTA = 0xA282EAD8  # crc32c.mask, inlined in the record loop
_U32 = 0xFFFFFFFF
# zlib window bits TensorFlow uses: a zlib header for ZLIB, a gzip header for GZIP.
_WINDOW_BITS = {ZLIB: zlib.MAX_WBITS, GZIP: zlib.MAX_WBITS + 16}


def compression_type_string(compression_type) -> str:
    """'' / 'ZLIB' / 'GZIP' from a string or None; ValueError (TF's words) otherwise."""
    if not compression_type:
        return NONE
    if compression_type in (ZLIB, GZIP):
        return compression_type
    raise ValueError(f'Not a valid compression_type: "{compression_type}"')


def encode_record(data: bytes) -> bytes:
    """One framed record: length, its masked CRC, the data and its masked CRC."""
    length = _LENGTH.pack(len(data))
    return b"".join(
        (
            length,
            _CRC.pack(crc32c.masked_value(length)),
            data,
            _CRC.pack(crc32c.masked_value(data)),
        )
    )


def _open_for_reading(path: str):
    try:
        return open(path, "rb")  # closed by the reader
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise errors.NotFoundError(None, None, f"{path}; {reason}") from None


def _inflate_error(error: zlib.error) -> errors.DataLossError:
    """TF's wording for a zlib failure: "inflate() failed with error -3: <reason>"."""
    match = re.match(r"Error (-?\d+) while decompressing data: (.*)", str(error))
    if match is None:
        return errors.DataLossError(None, None, f"inflate() failed: {error}")
    code, reason = match.groups()
    return errors.DataLossError(None, None, f"inflate() failed with error {code}: {reason}")


class _InflatingFile:
    """A file read through zlib: `read(n)` returns n decompressed bytes, fewer only at EOF.

    Concatenated streams (several GZIP members) are read one after the other.
    """

    def __init__(self, handle, compression_type: str):
        self._handle = handle
        self._wbits = _WINDOW_BITS[compression_type]
        self._inflater = zlib.decompressobj(self._wbits)
        self._pending = b""
        self._eof = False

    def read(self, size: int) -> bytes:
        parts = []
        have = 0
        while have < size and not self._eof:
            piece = self._inflate_some(size - have)
            parts.append(piece)
            have += len(piece)
        return b"".join(parts)

    def _inflate_some(self, size: int) -> bytes:
        inflater = self._inflater
        data = inflater.unconsumed_tail or self._next_input()
        if not data:
            self._eof = True
            return inflater.flush() if not inflater.eof else b""
        try:
            piece = inflater.decompress(data, size)
        except zlib.error as error:
            raise _inflate_error(error) from None
        if inflater.eof and inflater.unused_data:
            rest = inflater.unused_data
            self._inflater = zlib.decompressobj(self._wbits)
            self._pending = rest
        return piece

    def _next_input(self) -> bytes:
        if self._pending:
            pending, self._pending = self._pending, b""
            return pending
        return self._handle.read(_CHUNK_SIZE)

    def close(self) -> None:
        self._handle.close()

    def fileno(self) -> int:
        return self._handle.fileno()


def open_input(path, compression_type: str = NONE):
    """A file opened for reading through GZIP/ZLIB decompression (or none): `read(n)` returns
    n bytes, fewer only at the end; `close()`, `fileno()`. NotFoundError /
    FailedPreconditionError as TF's file system (a missing file, a directory)."""
    compression_type = compression_type_string(compression_type)
    handle = _open_for_reading(os.fsdecode(path))
    if not compression_type:
        return handle
    return _InflatingFile(handle, compression_type)


class RecordReader:
    """Streams the records of one TFRecord file, in order.

    The file is opened at construction (`NotFoundError` if it is missing). Iterating yields
    each record's bytes; `read_batch(n)` returns the next n records at once (cheaper per
    record). `offset` is the (uncompressed) byte offset after the last record handed out and
    `index` the number of records handed out, so a reader can be resumed with
    `RecordReader(path, compression_type, offset=..., index=...)`.

    >>> for record in RecordReader("data.tfrecord"):
    ...     example = example_pb2.Example.FromString(record)
    """

    def __init__(self, path, compression_type: str = NONE, offset: int = 0, index: int = 0):
        self.path = os.fsdecode(path)
        self.compression_type = compression_type_string(compression_type)
        self._source = open_input(self.path, self.compression_type)
        self._skip(offset)
        self.offset = offset
        self.index = index
        self._buf = b""
        self._pos = 0
        self._base = offset  # file offset of _buf[0]
        self._read_index = index  # records read from the file (some maybe not handed out)
        # A header's CRC depends only on the length, so each distinct length is checked once.
        self._length_crcs: dict[int, int] = {}
        self._error = None
        self._finished = False

    def _skip(self, offset: int) -> None:
        if not offset:
            return
        if not self.compression_type:
            self._source.seek(offset)
            return
        remaining = offset
        while remaining > 0:
            skipped = len(self._source.read(min(_CHUNK_SIZE, remaining)))
            if not skipped:
                break
            remaining -= skipped

    def read_batch(self, count: int) -> list[bytes]:
        """Up to `count` next records; [] at the end of the file. A corrupt or truncated
        record raises DataLossError once the records before it have been returned."""
        records = self._read(count)
        self.index += len(records)
        self.offset = self._base + self._pos
        return records

    def __iter__(self):
        while True:
            records = self._read(_ITERATION_BATCH)
            if not records:
                return
            for record in records:
                self.offset += HEADER_SIZE + len(record) + FOOTER_SIZE
                self.index += 1
                yield record

    def close(self) -> None:
        self._source.close()

    def __del__(self):
        source = getattr(self, "_source", None)
        if source is not None:
            source.close()

    def _read(self, count: int) -> list[bytes]:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        records = []
        if self._finished:
            return records
        try:
            self._fill(records, count)
        except errors.DataLossError as error:
            self._finished = True
            if not records:
                raise
            self._error = error
        return records

    def _fill(self, records: list, count: int) -> None:
        """Appends up to `count` records: the hot loop (checksums, slicing, refills)."""
        buf, pos, base = self._buf, self._pos, self._base
        header = _HEADER.unpack_from
        footer = _CRC.unpack_from
        crc = crc32c.value
        known = self._length_crcs
        append = records.append
        remaining = count
        try:
            while remaining:
                size = len(buf)
                while remaining and pos + HEADER_SIZE <= size:
                    length, length_crc = header(buf, pos)
                    if known.get(length) != length_crc:
                        self._check_header(buf, pos, length_crc, base, len(records))
                    start = pos + HEADER_SIZE
                    end = start + length
                    if end + FOOTER_SIZE > size:
                        break
                    data = buf[start:end]
                    value = crc(data)
                    if ((value >> 15 | value << 17) + _MASK_DELTA) & _U32 != footer(buf, end)[0]:
                        raise self._corrupted(base + start, len(records))
                    append(data)
                    pos = end + FOOTER_SIZE
                    remaining -= 1
                if not remaining:
                    return
                buf, pos, base = self._refill(buf, pos, base, len(records))
                if buf is None:
                    buf, pos = b"", 0
                    self._finished = True
                    return
        finally:
            self._buf, self._pos, self._base = buf, pos, base
            self._read_index += len(records)

    def _refill(self, buf: bytes, pos: int, base: int, read: int):
        """(buffer, 0, its file offset) with more data, or (None, ...) at a clean end."""
        need = self._bytes_needed(buf, pos)
        more = self._source.read(max(_CHUNK_SIZE, need))
        if len(more) < need:
            self._end_of_file(len(buf) - pos + len(more), base + pos, read)
            return None, 0, base + len(buf)
        return buf[pos:] + more, 0, base + pos

    @staticmethod
    def _bytes_needed(buf: bytes, pos: int) -> int:
        """How many more bytes complete the record at `pos` (its header, then its body)."""
        have = len(buf) - pos
        if have < HEADER_SIZE:
            return HEADER_SIZE - have
        (length,) = _LENGTH.unpack_from(buf, pos)
        return HEADER_SIZE + length + FOOTER_SIZE - have

    def _check_header(self, buf, pos, length_crc, base, read) -> None:
        if crc32c.masked_value(buf[pos : pos + 8]) != length_crc:
            raise self._corrupted(base + pos, read)
        if len(self._length_crcs) < _MAX_LENGTH_CACHE:
            self._length_crcs[_LENGTH.unpack_from(buf, pos)[0]] = length_crc

    def _end_of_file(self, remaining: int, offset: int, read: int) -> None:
        # TF 2.21: a partial header is a clean end of file; a partial body is data loss.
        if remaining < HEADER_SIZE:
            return
        raise errors.DataLossError(
            None,
            None,
            f"truncated record at {offset}' failed with Read less bytes than requested"
            f" (record index {self._read_index + read} in {self.path})",
        )

    def _corrupted(self, offset: int, read: int) -> errors.DataLossError:
        index = self._read_index + read
        return errors.DataLossError(
            None, None, f"corrupted record at {offset} (record index {index} in {self.path})"
        )


def read_records(path, compression_type: str = NONE):
    """All records of a TFRecord file, as an iterator of bytes (opens the file now)."""
    return iter(RecordReader(path, compression_type))


class RecordWriter:
    """Writes framed records to a new file, optionally through GZIP or ZLIB.

    `zlib_options` are TF's ZlibCompressionOptions names: compression_level, window_bits,
    mem_level, compression_strategy, compression_method (None keeps TF's default).

    >>> with RecordWriter("out.tfrecord", "GZIP") as writer:
    ...     writer.write(b"record")
    """

    def __init__(self, path, compression_type: str = NONE, **zlib_options):
        self.path = os.fsdecode(path)
        self.compression_type = compression_type_string(compression_type)
        try:
            self._file = open(self.path, "wb")  # closed by close()
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise errors.NotFoundError(None, None, f"{self.path}; {reason}") from None
        self._deflater = None
        if self.compression_type:
            self._deflater = _deflater(self.compression_type, zlib_options)

    def write(self, record) -> None:
        """Appends one record (bytes, or str encoded as UTF-8)."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if isinstance(record, str):
            record = record.encode("utf-8")
        if not isinstance(record, (bytes, bytearray, memoryview)):
            raise TypeError(f"write(): a record must be bytes or str, not {type(record).__name__}")
        framed = encode_record(bytes(record))
        if self._deflater is not None:
            framed = self._deflater.compress(framed)
        self._file.write(framed)

    def flush(self) -> None:
        """Pushes buffered bytes (and the compressor's pending output) to the file."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if self._deflater is not None:
            self._file.write(self._deflater.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self) -> None:
        """Finishes the compressed stream and closes the file; a second close is a no-op."""
        if self._file is None:
            return
        if self._deflater is not None:
            self._file.write(self._deflater.flush(zlib.Z_FINISH))
        self._file.close()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _deflater(compression_type: str, options: dict):
    """A zlib compressor with TF's ZlibCompressionOptions defaults (level -1, mem_level 9)."""

    def option(name, default):
        value = options.get(name)
        return default if value is None else value

    window_bits = option("window_bits", zlib.MAX_WBITS)
    if compression_type == GZIP and window_bits <= zlib.MAX_WBITS:
        window_bits += 16
    return zlib.compressobj(
        option("compression_level", zlib.Z_DEFAULT_COMPRESSION),
        option("compression_method", zlib.DEFLATED),
        window_bits,
        option("mem_level", 9),
        option("compression_strategy", zlib.Z_DEFAULT_STRATEGY),
    )
