"""File reader datasets: TFRecordDataset, TextLineDataset and FixedLengthRecordDatasetV2
read the files named by a string scalar or vector, one after the other (CSVDatasetV2, in
csv_dataset.py, reads them the same way), and LegacyParallelInterleaveDatasetV2 is what
TF's readers build for `num_parallel_reads`.

Each file is opened when the iterator reaches it: a missing file is TF's NotFoundError
("<path>; No such file or directory"). An iterator's state is the index of the open file
and the reader's position in it (an uncompressed byte offset), so a restored iterator
reopens the file and skips to that offset. The byte-record readers also produce runs of
records as one object array (`next_rows`), which batching stacks without a per-record
array.
"""

from __future__ import annotations

import os

import numpy as np

from ndflow.formats import tfrecord
from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.ops.data import nested
from ndflow.ops.data import runtime

register_op = registry.register_op
CHUNK = 1 << 20
_COMPRESSIONS = ("", tfrecord.ZLIB, tfrecord.GZIP)


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def filenames_of(value) -> list[str]:
    array = np.asarray(value, dtype=object)
    if array.ndim > 1:
        raise invalid("`filenames` must be a scalar or a vector.")
    return [os.fsdecode(name) for name in array.reshape(-1)]


def text_of(value) -> str:
    item = np.asarray(value, dtype=object).item()
    return item.decode("utf-8") if isinstance(item, bytes) else str(item)


def check_compression(value, message: str = "Unsupported compression_type.") -> str:
    compression_type = text_of(value)
    if compression_type not in _COMPRESSIONS:
        raise invalid(message)
    return compression_type


def _string_column(records: list) -> np.ndarray:
    column = np.empty(len(records), dtype=object)
    column[:] = records
    return column


def skip_bytes(source, count: int) -> None:
    """Advances an input stream by `count` bytes (seeks when it can)."""
    if hasattr(source, "seek"):
        source.seek(count)
        return
    while count > 0:
        piece = len(source.read(min(CHUNK, count)))
        if not piece:
            return
        count -= piece


# ---------------------------------------------------------------------- files in sequence


class FilesDatasetValue(runtime.DatasetValue):
    """Records of `filenames` in order; `open_file(path, state)` returns a file reader with
    `next()` (a record, or None at the end), `rows(n)`, `state()` and `close()`."""

    def __init__(self, filenames: list[str], open_file):
        self.filenames = filenames
        self.open_file = open_file

    def make_iterator(self):
        return _FilesIterator(self)


class _FilesIterator(runtime.RuntimeIterator):
    def __init__(self, dataset):
        self._dataset = dataset
        self._file_index = 0
        self._reader = None

    def _current(self):
        """The open file's reader, opening the next file when needed; None after the last."""
        if self._reader is None and self._file_index < len(self._dataset.filenames):
            path = self._dataset.filenames[self._file_index]
            self._reader = self._dataset.open_file(path, None)
        return self._reader

    def _finish_file(self):
        self._reader.close()
        self._reader = None
        self._file_index += 1

    def __next__(self):
        while True:
            reader = self._current()
            if reader is None:
                raise StopIteration
            element = reader.next()
            if element is not None:
                return element
            self._finish_file()

    def next_rows(self, count: int):
        while True:
            reader = self._current()
            if reader is None:
                return []
            records = reader.rows(count)
            if records is None:
                return None
            if records:
                return [_string_column(records)]
            self._finish_file()

    def get_state(self):
        reader = self._reader
        return {"file_index": self._file_index, "file": None if reader is None else reader.state()}

    def set_state(self, state):
        self.close()
        self._file_index = int(state["file_index"])
        if state["file"] is not None:
            path = self._dataset.filenames[self._file_index]
            self._reader = self._dataset.open_file(path, state["file"])

    def close(self):
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _record_element(record: bytes) -> list:
    return [np.asarray(record, dtype=object)]


# ---------------------------------------------------------------------- TFRecordDataset


class _TFRecordFile:
    """Records through RecordReader.read_batch; `next()` hands out a run read ahead, and the
    state subtracts what was read but not yet handed out."""

    _RUN = 64

    def __init__(self, path, compression_type, state):
        state = state or {"offset": 0, "index": 0}
        self._reader = tfrecord.RecordReader(
            path, compression_type, offset=state["offset"], index=state["index"]
        )
        self._pending: list[bytes] = []
        self._next = 0

    def next(self):
        if self._next >= len(self._pending):
            self._pending, self._next = self._reader.read_batch(self._RUN), 0
            if not self._pending:
                return None
        self._next += 1
        return _record_element(self._pending[self._next - 1])

    def rows(self, count):
        if self._next >= len(self._pending):
            return self._reader.read_batch(count)
        records = self._pending[self._next : self._next + count]
        self._next += len(records)
        return records

    def state(self):
        ahead = self._pending[self._next :]
        framing = tfrecord.HEADER_SIZE + tfrecord.FOOTER_SIZE
        return {
            "offset": self._reader.offset - sum(len(r) + framing for r in ahead),
            "index": self._reader.index - len(ahead),
        }

    def close(self):
        self._reader.close()


def _tf_record_kernel(ctx, filenames, compression_type, buffer_size):
    names = filenames_of(filenames)
    compression = check_compression(compression_type)
    if runtime.scalar(buffer_size, "buffer_size") < -1:
        raise invalid("`buffer_size` must be >= 0 (0 == no buffering)")
    return FilesDatasetValue(names, lambda path, state: _TFRecordFile(path, compression, state))


register_op(
    "TFRecordDataset",
    inputs=["filenames: string", "compression_type: string", "buffer_size: int64"],
    outputs=["handle: variant"],
    attrs=["metadata: string = ''"],
    shape=runtime.dataset_shape,
    kernel=_tf_record_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- TextLineDataset


class _TextLineFile:
    """Lines split at "\\n", every "\\r" dropped (TF's BufferedInputStream::ReadLine); the
    last line needs no newline. The offset of the next line is the resume point."""

    def __init__(self, path, compression_type, state):
        self._source = tfrecord.open_input(path, compression_type)
        offset = state["offset"] if state else 0
        try:
            skip_bytes(self._source, offset)
        except BaseException:
            self._source.close()
            raise
        self._start = offset  # stream offset of self._lines[0]
        self._lines: list[bytes] = []
        self._index = 0
        self._carry = b""
        self._eof = False

    def _refill(self) -> bool:
        """Reads the next chunk's complete lines; False at the end of the file."""
        while not self._eof:
            self._start += sum(len(line) + 1 for line in self._lines)
            data = self._source.read(CHUNK)
            if not data:
                self._eof = True
                last = self._carry.replace(b"\r", b"")
                self._lines, self._index = ([last] if last else []), 0
                return bool(self._lines)
            lines = (self._carry + data).split(b"\n")
            self._carry = lines.pop()
            self._lines, self._index = lines, 0
            if lines:
                return True
        return False

    def rows(self, count):
        if self._index >= len(self._lines) and not self._refill():
            return []
        lines = self._lines[self._index : self._index + count]
        self._index += len(lines)
        return [line.replace(b"\r", b"") for line in lines] if _has_cr(lines) else lines

    def next(self):
        lines = self.rows(1)
        return _record_element(lines[0]) if lines else None

    def state(self):
        consumed = sum(len(line) + 1 for line in self._lines[: self._index])
        return {"offset": self._start + consumed}

    def close(self):
        self._source.close()


def _has_cr(lines: list) -> bool:
    return any(b"\r" in line for line in lines)


def _text_line_kernel(ctx, filenames, compression_type, buffer_size):
    names = filenames_of(filenames)
    compression = check_compression(compression_type)
    if runtime.scalar(buffer_size, "buffer_size") < 0:
        raise invalid("`buffer_size` must be >= 0 (0 == default)")
    return FilesDatasetValue(names, lambda path, state: _TextLineFile(path, compression, state))


register_op(
    "TextLineDataset",
    inputs=["filenames: string", "compression_type: string", "buffer_size: int64"],
    outputs=["handle: variant"],
    attrs=["metadata: string = ''"],
    shape=runtime.dataset_shape,
    kernel=_text_line_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- FixedLengthRecord


class _FixedLengthFile:
    """Records of `record_bytes` between a header and a footer. Uncompressed, a body that
    is not a whole number of records is InvalidArgumentError when the file is opened;
    compressed, it is DataLossError after the whole records (TF 2.21's two paths)."""

    def __init__(self, path, compression_type, sizes, state):
        self._path = path
        self._header, self._record, self._footer = sizes
        self._compressed = bool(compression_type)
        self._source = tfrecord.open_input(path, compression_type)
        self._index = state["index"] if state else 0
        self._buf = b""
        self._eof = False
        try:
            self._left = None if self._compressed else self._whole_records()
            skip_bytes(self._source, self._header + self._index * self._record)
        except BaseException:
            self._source.close()
            raise
        if self._left is not None:
            self._left -= self._index

    def _whole_records(self) -> int:
        body = os.fstat(self._source.fileno()).st_size - self._header - self._footer
        if body < 0 or body % self._record:
            raise invalid(self._body_message(body))
        return body // self._record

    def _body_message(self, body: int) -> str:
        return (
            f"Excluding the header ({self._header} bytes) and footer ({self._footer} "
            f'bytes), input file "{self._path}" has body length {body % (1 << 64)} '
            f"bytes, which is not an exact multiple of the record length "
            f"({self._record} bytes)."
        )

    def rows(self, count):
        if self._left is not None:
            count = min(count, self._left)
            data = self._source.read(count * self._record)
            self._left -= count
        else:
            data = self._read_compressed(count)
        size = self._record
        records = [data[i : i + size] for i in range(0, len(data), size)]
        self._index += len(records)
        return records

    def _read_compressed(self, count: int) -> bytes:
        """Bytes of up to `count` records, keeping the footer's bytes back."""
        want = count * self._record + self._footer
        while len(self._buf) < want and not self._eof:
            data = self._source.read(max(CHUNK, want - len(self._buf)))
            self._eof = not data
            self._buf += data
        usable = max(len(self._buf) - self._footer, 0)
        take = min(count * self._record, usable - usable % self._record)
        if take == 0 and self._eof and usable:
            body = self._index * self._record + len(self._buf) - self._footer
            raise errors.DataLossError(None, None, self._body_message(body))
        data, self._buf = self._buf[:take], self._buf[take:]
        return data

    def next(self):
        records = self.rows(1)
        return _record_element(records[0]) if records else None

    def state(self):
        return {"index": self._index}

    def close(self):
        self._source.close()


def _fixed_length_kernel(
    ctx, filenames, header_bytes, record_bytes, footer_bytes, buffer_size, compression_type
):
    names = filenames_of(filenames)
    sizes = (
        runtime.scalar(header_bytes, "header_bytes"),
        runtime.scalar(record_bytes, "record_bytes"),
        runtime.scalar(footer_bytes, "footer_bytes"),
    )
    for name, value, low in zip(("header_bytes", "record_bytes", "footer_bytes"), sizes, (0, 1, 0)):
        if value < low:
            raise invalid(f"`{name}` must be {'>' if low else '>='} 0")
    if runtime.scalar(buffer_size, "buffer_size") < 0:
        raise invalid("`buffer_size` must be >= 0")
    compression = check_compression(compression_type)
    return FilesDatasetValue(
        names, lambda path, state: _FixedLengthFile(path, compression, sizes, state)
    )


register_op(
    "FixedLengthRecordDatasetV2",
    inputs=[
        "filenames: string",
        "header_bytes: int64",
        "record_bytes: int64",
        "footer_bytes: int64",
        "buffer_size: int64",
        "compression_type: string",
    ],
    outputs=["handle: variant"],
    attrs=["metadata: string = ''"],
    shape=runtime.dataset_shape,
    kernel=_fixed_length_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- parallel reads


def _legacy_parallel_interleave_kernel(
    ctx,
    input_dataset,
    other_arguments,
    cycle_length,
    block_length,
    buffer_output_elements,
    prefetch_input_elements,
    f,
    deterministic,
):
    del buffer_output_elements, prefetch_input_elements
    cycle = runtime.scalar(cycle_length, "cycle_length")
    if cycle <= 0:
        raise invalid("`cycle_length` must be > 0")
    caller = runtime.FunctionCaller(ctx, f, other_arguments)
    return nested.InterleaveDatasetValue(
        runtime.dataset_of(input_dataset),
        caller,
        cycle,
        runtime.scalar(block_length, "block_length"),
        cycle,
        deterministic != "false",
    )


register_op(
    "LegacyParallelInterleaveDatasetV2",
    inputs=[
        "input_dataset: variant",
        "other_arguments: Targuments",
        "cycle_length: int64",
        "block_length: int64",
        "buffer_output_elements: int64",
        "prefetch_input_elements: int64",
    ],
    outputs=["handle: variant"],
    attrs=[
        "f: func",
        "deterministic: string = 'default'",
        "Targuments: list(type) >= 0",
        "output_types: list(type) >= 1",
        "output_shapes: list(shape) >= 1",
        "metadata: string = ''",
    ],
    shape=runtime.dataset_shape,
    kernel=_legacy_parallel_interleave_kernel,
)

for _name in (
    "TFRecordDataset",
    "TextLineDataset",
    "FixedLengthRecordDatasetV2",
    "LegacyParallelInterleaveDatasetV2",
):
    registry.not_differentiable(_name, "a dataset")
