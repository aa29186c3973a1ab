"""CSVDatasetV2 (`tf.data.experimental.CsvDataset`): the records of CSV files, parsed as
TF's CSVDatasetOp does (RFC 4180 quoting, records ending at "\\n", "\\r" or "\\r\\n" outside
quotes, TF's messages for each malformed field), one element of scalars per record."""

from __future__ import annotations

import re

import numpy as np

from ndflow.formats import tfrecord
from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops.data import readers
from ndflow.ops.data import runtime
from ndflow.ops.parsing import decoding

register_op = registry.register_op

_LINE_END = re.compile(rb"[\r\n]")


class _CsvScanner:
    """Splits one CSV stream into records of raw fields, as TF's CSVDatasetOp: a record
    ends at "\\n", "\\r" or "\\r\\n" outside quotes, and at the end of the file. A field
    comes back as (bytes, error message or None); a parse error does not stop the scan, so
    the record is consumed whole and the next one can still be read."""

    def __init__(self, source, delim: bytes, quoted: bool):
        self._source = source
        self._delim = delim
        self._quoted = quoted
        self._buf = b""
        self._pos = 0
        self._eof = False
        self.offset = 0  # stream offset of the next record

    def _more(self) -> bool:
        """Appends the next chunk to the buffer; False at the end of the file."""
        if self._eof:
            return False
        data = self._source.read(readers.CHUNK)
        self._eof = not data
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return bool(data)

    def record(self):
        """The next record's fields, or None at the end of the file."""
        while True:
            if self._pos >= len(self._buf) and not self._more():
                return None
            fields, end = self._parse(self._buf, self._pos)
            if fields is not None:
                self.offset += end - self._pos
                self._pos = end
                return fields
            if not self._more():  # the record runs to the end of the file
                fields, end = self._parse(self._buf, self._pos)
                self.offset += end - self._pos
                self._pos = end
                return fields

    def _parse(self, buf, pos):
        """(fields, end) of the record at `pos`, or (None, pos) when the buffer ends inside
        it and more of the file may follow."""
        match = _LINE_END.search(buf, pos)
        end = len(buf) if match is None else match.start()
        line = buf[pos:end]
        if not (self._quoted and b'"' in line):
            if match is None and not self._eof:
                return None, pos
            after = self._after_newline(buf, end)
            if after is None:
                return None, pos
            return [(field, None) for field in line.split(self._delim)], after
        return self._parse_quoted(buf, pos)

    def _after_newline(self, buf, end):
        """The position after the line break at `end` ("\\r\\n" counts as one)."""
        if end >= len(buf):
            return end
        if buf[end : end + 1] == b"\r" and end + 1 >= len(buf) and not self._eof:
            return None
        return end + 2 if buf[end : end + 2] == b"\r\n" else end + 1

    def _parse_quoted(self, buf, pos):
        fields = []
        while True:
            if pos >= len(buf):
                if not self._eof:
                    return None, pos
                fields.append((b"", None))
                return fields, pos
            parse = self._quoted_field if buf[pos] == 0x22 else self._plain_field
            field, pos, end_of_record = parse(buf, pos)
            if field is None:
                return None, pos
            fields.append(field)
            if end_of_record:
                return fields, pos

    def _plain_field(self, buf, pos):
        """((bytes, error), next position, end of record) of an unquoted field."""
        ends = [i for i in (buf.find(self._delim, pos), _find_line_end(buf, pos)) if i >= 0]
        end = min(ends) if ends else len(buf)
        if not ends and not self._eof:
            return None, pos, False
        field = buf[pos:end]
        error = "Unquoted fields cannot have quotes inside" if b'"' in field else None
        if end < len(buf) and buf[end : end + 1] == self._delim:
            return (field, error), end + 1, False
        after = self._after_newline(buf, end)
        if after is None:
            return None, pos, False
        return (field, error), after, True

    def _quoted_field(self, buf, pos):
        """((bytes, error), next position, end of record) of a quoted field; a quote
        followed by anything but a quote, the delimiter or a line break is an error, and the
        field then runs on to the next closing quote."""
        start, cursor, error = pos + 1, pos + 1, None
        while True:
            quote = buf.find(b'"', cursor)
            if quote < 0 or quote + 1 >= len(buf):
                if not self._eof:
                    return None, pos, False
                if quote < 0:
                    message = "Reached end of file without closing quoted field in record"
                    return (b"", message), len(buf), True
                return (_unescape(buf[start:quote]), error), len(buf), True
            follower = buf[quote + 1 : quote + 2]
            if follower == b'"':
                cursor = quote + 2
            elif follower == self._delim:
                return (_unescape(buf[start:quote]), error), quote + 2, False
            elif follower in (b"\n", b"\r"):
                after = self._after_newline(buf, quote + 1)
                if after is None:
                    return None, pos, False
                return (_unescape(buf[start:quote]), error), after, True
            else:
                error = error or "Quote inside a string has to be escaped by another quote"
                cursor = quote + 2


def _find_line_end(buf, pos) -> int:
    match = _LINE_END.search(buf, pos)
    return -1 if match is None else match.start()


def _unescape(field: bytes) -> bytes:
    return field.replace(b'""', b'"') if b'"' in field else field


class _CsvConfig:
    """The parts of a CSVDatasetV2 that turn raw fields into an element."""

    _NAMES = {dtypes.float32: "float", dtypes.float64: "double"}

    def __init__(self, types, defaults, select, exclude, na_value):
        self.types = list(types)
        self.defaults = [np.asarray(d).reshape(-1) for d in defaults]
        self.select = set(select)
        self.exclude = set(exclude)
        self.select_all = not select and not exclude
        self.na_value = na_value

    def included(self, column: int) -> bool:
        if self.select_all:
            return True
        if self.exclude:
            return column not in self.exclude
        return column in self.select

    def element(self, fields) -> list:
        """The output components of a record's fields; TF's first error otherwise."""
        out = []
        for column, (field, error) in enumerate(fields):
            if error is not None:
                raise readers.invalid(error)
            if not self.included(column):
                continue
            if len(out) >= len(self.types):
                raise readers.invalid(f"Expect {len(self.types)} fields but have more in record")
            out.append(self._convert(field, len(out)))
        if len(out) != len(self.types):
            raise readers.invalid(f"Expect {len(self.types)} fields but have {len(out)} in record")
        return out

    def _convert(self, field: bytes, index: int):
        dtype = self.types[index]
        if not field or field == self.na_value:
            default = self.defaults[index]
            if default.size != 1:
                raise readers.invalid(f"Field {index} is required but missing in record!")
            return np.asarray(default[0], dtype=dtype.as_numpy_dtype)
        if dtype == dtypes.string:
            return np.asarray(field, dtype=object)
        text = field.decode("utf-8", "replace")
        value = decoding.parse_float(text) if dtype.is_floating else decoding.parse_int(text, dtype)
        if value is None:
            name = self._NAMES.get(dtype, dtype.name)
            raise readers.invalid(f"Field {index} in record is not a valid {name}: {text}")
        with np.errstate(over="ignore"):
            return np.asarray(value, dtype=dtype.as_numpy_dtype)


class _CsvFile:
    def __init__(self, path, options, state):
        compression, delim, quoted, header, config = options
        self._path = path
        self._config = config
        self._source = tfrecord.open_input(path, compression)
        self._scanner = _CsvScanner(self._source, delim, quoted)
        self._index = 0
        try:
            self._start(state, header)
        except BaseException:
            self._source.close()
            raise

    def _start(self, state, header):
        if state is not None:
            readers.skip_bytes(self._source, state["offset"])
            self._scanner.offset = state["offset"]
            self._index = state["index"]
        elif header:
            fields = self._scanner.record()
            if fields is None or any(error for _, error in fields):
                raise readers.invalid("Can't read header of file")

    def next(self):
        fields = self._scanner.record()
        if fields is None:
            return None
        self._index += 1
        try:
            return self._config.element(fields)
        except errors.InvalidArgumentError as error:
            raise readers.invalid(
                f"{error.message} (record index {self._index - 1} in {self._path})"
            ) from None

    def rows(self, count):
        return None

    def state(self):
        return {"offset": self._scanner.offset, "index": self._index}

    def close(self):
        self._source.close()


def _int_vector(value, name: str) -> list[int]:
    array = np.asarray(value)
    if array.ndim != 1:
        raise readers.invalid(f"`{name}` must be a vector" + ("." if name == "select_cols" else ""))
    return [int(v) for v in array]


def _check_columns(select, exclude, count):
    if select and len(select) != count:
        raise readers.invalid("select_cols should match output size")
    for name, cols in (("select_cols", select), ("exclude_cols", exclude)):
        if any(a >= b for a, b in zip(cols, cols[1:])):
            raise readers.invalid(f"{name} should be strictly increasing indices")
        if cols and cols[0] < 0:
            raise readers.invalid(f"{name} should be non-negative indices")
        if name == "select_cols" and select and exclude:
            raise readers.invalid("Either select_cols or exclude_cols should be empty")


def _csv_kernel(
    ctx,
    filenames,
    compression_type,
    buffer_size,
    header,
    field_delim,
    use_quote_delim,
    na_value,
    select_cols,
    record_defaults,
    exclude_cols,
    output_types,
):
    names = readers.filenames_of(filenames)
    for index, default in enumerate(record_defaults):
        if np.ndim(default) > 1:
            raise readers.invalid("Each record default should be at most rank 1")
        if np.size(default) > 1:
            raise readers.invalid(
                f"There should only be 1 default per field but field {index} has {np.size(default)}"
            )
    select = _int_vector(select_cols, "select_cols")
    exclude = _int_vector(exclude_cols, "exclude_cols")
    if runtime.scalar(buffer_size, "buffer_size") <= 0:
        raise readers.invalid("buffer_size should be positive")
    delim = np.asarray(field_delim, dtype=object).item()
    delim = delim.encode("utf-8") if isinstance(delim, str) else delim
    if len(delim) != 1:
        raise readers.invalid("field_delim should be only 1 char")
    compression = readers.text_of(compression_type)
    readers.check_compression(compression, f"Unsupported compression_type: {compression}.")
    _check_columns(select, exclude, len(output_types))
    na = np.asarray(na_value, dtype=object).item()
    config = _CsvConfig(
        output_types,
        record_defaults,
        select,
        exclude,
        na.encode("utf-8") if isinstance(na, str) else na,
    )
    options = (
        compression,
        delim,
        runtime.as_bool(use_quote_delim),
        runtime.as_bool(header),
        config,
    )
    return readers.FilesDatasetValue(names, lambda path, state: _CsvFile(path, options, state))


def _csv_shape(op):
    for default in op.inputs[8 : 8 + len(op.attrs["output_types"])]:
        shape = default.shape
        if shape.rank is not None and (
            shape.rank > 1 or (shape.rank == 1 and (shape[0].value or 0) > 1)
        ):
            raise shape_errors.ShapeError(
                "Shape of a default must be a length-0 or length-1 vector, or a scalar."
            )
    return runtime.dataset_shape(op)


register_op(
    "CSVDatasetV2",
    inputs=[
        "filenames: string",
        "compression_type: string",
        "buffer_size: int64",
        "header: bool",
        "field_delim: string",
        "use_quote_delim: bool",
        "na_value: string",
        "select_cols: int64",
        "record_defaults: output_types",
        "exclude_cols: int64",
    ],
    outputs=["handle: variant"],
    attrs=[
        "output_types: list({float, double, int32, int64, string}) >= 1",
        "output_shapes: list(shape) >= 1",
    ],
    shape=_csv_shape,
    kernel=_csv_kernel,
    stateful=True,
)

registry.not_differentiable("CSVDatasetV2", "a dataset")
