"""DecodeRaw, DecodeCSV, DecodeCompressed and StringToNumber, with their builders
(`tf.io.decode_raw`, `tf.io.decode_csv`, `tf.io.decode_compressed`, `tf.string_to_number`)."""

from __future__ import annotations

import re
import zlib

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors

_NOT_DIFFERENTIABLE = "decodes strings; strings have no gradient"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _as_bytes(item) -> bytes:
    return item.encode("utf-8") if isinstance(item, str) else bytes(item)


# ---------------------------------------------------------------------- DecodeRaw


def _decode_raw_shape(op):
    return [op.inputs[0].shape.concatenate([None])]


def _decode_raw_kernel(ctx, bytes, out_type, little_endian):  # noqa: A002 - TF's input name
    strings = np.asarray(bytes, dtype=object)
    dtype = np.dtype(out_type.as_numpy_dtype)
    flat = [_as_bytes(item) for item in strings.reshape(-1)]
    if not flat:
        return np.zeros((*strings.shape, 0), dtype=dtype)
    size = len(flat[0])
    for index, item in enumerate(flat):
        if len(item) != size:
            raise _invalid(
                "DecodeRaw requires input strings to all be the same size, but element "
                f"{index} has size {size} != {len(item)}"
            )
    if size % dtype.itemsize:
        raise _invalid(
            f"Input to DecodeRaw has length {size} that is not a multiple of "
            f"{dtype.itemsize}, the size of {out_type.name}"
        )
    raw = np.frombuffer(b"".join(flat), dtype=np.uint8)
    if dtype == np.bool_:
        values = raw != 0
    else:
        # Complex numbers swap each part: NumPy's byte orders do exactly TF's swapping.
        values = raw.view(dtype.newbyteorder("<" if little_endian else ">"))
    values = values.astype(dtype, copy=False)
    return values.reshape(*strings.shape, size // dtype.itemsize)


registry.register_op(
    "DecodeRaw",
    inputs=["bytes: string"],
    outputs=["output: out_type"],
    attrs=[
        "out_type: {half, float, double, int32, uint16, uint8, int16, int8, int64, complex64, "
        "complex128, bool, bfloat16}",
        "little_endian: bool = true",
    ],
    shape=_decode_raw_shape,
    kernel=_decode_raw_kernel,
)
registry.not_differentiable("DecodeRaw", _NOT_DIFFERENTIABLE)


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Mirrors TF1 `tf.io.decode_raw`: reinterprets the bytes of each string as numbers.

    Args:
      input_bytes: a string tensor; all elements of one length.
      out_type: the element type (float32, int32, uint8, ...).
      little_endian: the byte order of the data.
      name: the op name.
      bytes: deprecated alias of `input_bytes`.

    Returns:
      A tensor with one more dimension than `input_bytes`.

    >>> decode_raw(tf.constant([b"\\x01\\x00"]), tf.int16)
    """
    if input_bytes is not None and bytes is not None:
        raise ValueError("Cannot specify both 'input_bytes' and 'bytes'")
    input_bytes = bytes if input_bytes is None else input_bytes
    if out_type is None:
        raise ValueError("decode_raw_v1() missing 1 positional argument: 'out_type'")
    return op_builder.apply_op(
        "DecodeRaw",
        input_bytes,
        out_type=dtypes.as_dtype(out_type),
        little_endian=little_endian,
        name=name,
    )


# ---------------------------------------------------------------------- DecodeCompressed


def _decode_compressed_shape(op):
    return [op.inputs[0].shape]


def _decompress(data: bytes, compression_type: str) -> bytes:
    if not compression_type:
        return data
    wbits = zlib.MAX_WBITS + 16 if compression_type == "GZIP" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        return inflater.decompress(data) + inflater.flush()
    except zlib.error as error:
        match = re.match(r"Error (-?\d+) while decompressing data: (.*)", str(error))
        detail = f"error {match.group(1)}: {match.group(2)}" if match else str(error)
        raise errors.DataLossError(None, None, f"inflate() failed with {detail}") from None


def _decode_compressed_kernel(ctx, bytes, compression_type):  # noqa: A002 - TF's input name
    if compression_type not in ("", "ZLIB", "GZIP"):
        raise _invalid("Only ZLIB, ZSTD, GZIP or NONE are supported compressions")
    strings = np.asarray(bytes, dtype=object)
    out = np.empty(strings.shape, dtype=object)
    flat = out.reshape(-1)
    for index, item in enumerate(strings.reshape(-1)):
        flat[index] = _decompress(_as_bytes(item), compression_type)
    return out


registry.register_op(
    "DecodeCompressed",
    inputs=["bytes: string"],
    outputs=["output: string"],
    attrs=["compression_type: string = ''"],
    shape=_decode_compressed_shape,
    kernel=_decode_compressed_kernel,
)
registry.not_differentiable("DecodeCompressed", _NOT_DIFFERENTIABLE)


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TF's name
    """Mirrors `tf.io.decode_compressed`: ZLIB or GZIP decompression of each string.

    >>> decode_compressed(tf.constant([zlib.compress(b"x")]), compression_type="ZLIB")
    """
    return op_builder.apply_op(
        "DecodeCompressed", bytes, compression_type=compression_type, name=name
    )


# ---------------------------------------------------------------------- StringToNumber

_FLOAT_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)\s*")
_HEX_TEXT = re.compile(
    r"\s*[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?\s*"
)
_SPECIAL_TEXT = re.compile(r"\s*[+-]?(inf|infinity|nan)\s*", re.IGNORECASE)
_INT_TEXT = re.compile(r"\s*[+-]?\d+\s*")
_INT_RANGES = {
    dtypes.int32: (-(2**31), 2**31 - 1),
    dtypes.int64: (-(2**63), 2**63 - 1),
    dtypes.uint32: (0, 2**32 - 1),
    dtypes.uint64: (0, 2**64 - 1),
}


def parse_float(text: str):
    """TF's strings::safe_strtod: decimal, hex, inf/nan, surrounding spaces; else None."""
    if _FLOAT_TEXT.fullmatch(text) or _SPECIAL_TEXT.fullmatch(text):
        return float(text)
    if _HEX_TEXT.fullmatch(text):
        stripped = text.strip()
        sign = -1.0 if stripped.startswith("-") else 1.0
        return sign * float.fromhex(stripped.lstrip("+-"))
    return None


def parse_int(text: str, dtype: dtypes.DType):
    """TF's safe_strto32/64 and safe_strtou32/64: decimal in range; else None."""
    if not _INT_TEXT.fullmatch(text):
        return None
    if dtype.is_unsigned and "-" in text:
        return None
    value = int(text)
    low, high = _INT_RANGES[dtype]
    return value if low <= value <= high else None


def _numbers_in_bulk(fields: np.ndarray, out_type: dtypes.DType):
    """NumPy's conversion of bytes to numbers, when it accepts exactly what TF would: no
    underscores or NULs (NumPy takes "1_000" and drops trailing NULs), no minus sign for
    unsigned types (NumPy takes "-0"); None otherwise."""
    if not fields.size:
        return np.zeros(0, dtype=out_type.as_numpy_dtype)
    joined = b"".join(fields.tolist())
    if b"_" in joined or b"\x00" in joined or (out_type.is_unsigned and b"-" in joined):
        return None
    try:
        with np.errstate(over="ignore"):
            return fields.astype(np.bytes_).astype(out_type.as_numpy_dtype)
    except (ValueError, OverflowError):
        return None


def parse_numbers(fields: np.ndarray, out_type: dtypes.DType):
    """Numbers from a 1-D object array of bytes: (values, None), or (None, index) of the
    first field TF's parser rejects."""
    values = _numbers_in_bulk(fields, out_type)
    if values is not None:
        return values, None
    texts = [item.decode("utf-8", "replace") for item in fields.tolist()]
    if out_type.is_floating:
        parsed = [parse_float(text) for text in texts]
    else:
        parsed = [parse_int(text, out_type) for text in texts]
    for index, value in enumerate(parsed):
        if value is None:
            return None, index
    with np.errstate(over="ignore"):
        wide = np.array(parsed, dtype=np.float64 if out_type.is_floating else None)
        return wide.astype(out_type.as_numpy_dtype), None


def _string_to_number_kernel(ctx, string_tensor, out_type):
    strings = np.asarray(string_tensor, dtype=object)
    fields = np.array([_as_bytes(item) for item in strings.reshape(-1)], dtype=object)
    values, bad = parse_numbers(fields.reshape(-1), out_type)
    if bad is not None:
        text = fields[bad].decode("utf-8", "replace")
        raise _invalid(f"StringToNumberOp could not correctly convert string: {text}")
    return values.reshape(strings.shape)


registry.register_op(
    "StringToNumber",
    inputs=["string_tensor: string"],
    outputs=["output: out_type"],
    attrs=["out_type: {float, double, int32, int64, uint32, uint64} = DT_FLOAT"],
    shape=lambda op: [op.inputs[0].shape],
    kernel=_string_to_number_kernel,
)
registry.not_differentiable("StringToNumber", _NOT_DIFFERENTIABLE)


def string_to_number(string_tensor, out_type=dtypes.float32, name=None):
    """Mirrors `tf.strings.to_number` / TF1 `tf.string_to_number`.

    Args:
      string_tensor: a string tensor.
      out_type: float32, float64, int32, int64, uint32 or uint64.
      name: the op name.

    Returns:
      A tensor of `out_type` and the shape of `string_tensor`.

    Raises:
      InvalidArgumentError: at run time, for a string that is not a number of that type.

    >>> string_to_number(tf.constant(["1.5", "2"]))
    """
    return op_builder.apply_op(
        "StringToNumber", string_tensor, out_type=dtypes.as_dtype(out_type), name=name
    )


# ---------------------------------------------------------------------- DecodeCSV


def _decode_csv_shape(op):
    for default in op.inputs[1:]:
        shape = shape_errors.require_rank_at_most(default.shape, 1)
        if shape.rank == 1 and (shape.as_list()[0] or 0) > 1:
            raise shape_errors.ShapeError(
                "Shape of a default must be a length-0 or length-1 vector, or a scalar."
            )
    return [op.inputs[0].shape for _ in op.attrs["OUT_TYPE"]]


class _CsvParser:
    """TF's DecodeCSVOp::ExtractFields for one set of attrs."""

    def __init__(self, field_delim: str, use_quote_delim: bool, select_cols):
        if len(field_delim.encode("utf-8")) != 1:
            raise _invalid("field_delim should be only 1 char")
        self.delim = field_delim.encode("utf-8")
        self.quoted = use_quote_delim
        self.select = list(select_cols)

    def fields(self, record: bytes) -> list:
        """The fields of one record (only the selected ones, when select_cols is set)."""
        simple = not (self.quoted and b'"' in record) and b"\n" not in record
        if simple and b"\r" not in record:
            fields = record.split(self.delim) if record else []
        else:
            fields = self._scan(record)
        if not self.select:
            return fields
        return [fields[i] for i in self.select if i < len(fields)]

    def _scan(self, record: bytes) -> list:
        fields, pos, size = [], 0, len(record)
        while pos < size:
            if record[pos : pos + 1] in (b"\n", b"\r"):
                pos += 1
                continue
            if self.quoted and record[pos : pos + 1] == b'"':
                field, pos = self._quoted(record, pos + 1)
            else:
                field, pos = self._unquoted(record, pos)
            fields.append(field)
        if record and record[-1:] == self.delim:
            fields.append(b"")
        return fields

    def _unquoted(self, record: bytes, pos: int):
        end = record.find(self.delim, pos)
        end = len(record) if end < 0 else end
        field = record[pos:end]
        if (self.quoted and b'"' in field) or b"\n" in field or b"\r" in field:
            raise _invalid("Unquoted fields cannot have quotes/CRLFs inside")
        return field, end + 1

    def _quoted(self, record: bytes, pos: int):
        out, size = bytearray(), len(record)
        while pos < size - 1 and not (
            record[pos] == 0x22 and record[pos + 1 : pos + 2] == self.delim
        ):
            if record[pos] != 0x22:
                out.append(record[pos])
                pos += 1
                continue
            if record[pos + 1] != 0x22:
                raise _invalid("Quote inside a string has to be escaped by another quote")
            out.append(0x22)
            pos += 2
        closed = pos < size and record[pos] == 0x22
        if not closed or not (pos == size - 1 or record[pos + 1 : pos + 2] == self.delim):
            raise _invalid("Quoted field has to end with quote followed by delim or end")
        return bytes(out), pos + 2


def _csv_column(values, default, dtype, column, na_value):
    """One output column from the field texts of every record."""
    fields = np.empty(len(values), dtype=object)
    fields[:] = values
    default = np.asarray(default).reshape(-1)
    missing = (fields == b"") | (fields == na_value)
    if missing.any() and default.size != 1:
        record = int(np.flatnonzero(missing)[0])
        raise _invalid(f"Field {column} is required but missing in record {record}!")
    if dtype == dtypes.string:
        fields[missing] = default[0] if missing.any() else b""
        return fields
    out = np.empty(len(values), dtype=dtype.as_numpy_dtype)
    out[missing] = default[0] if missing.any() else 0
    given = np.flatnonzero(~missing)
    parsed, bad = parse_numbers(fields[given], dtype)
    if bad is not None:
        name = {dtypes.float32: "float", dtypes.float64: "double"}.get(dtype, dtype.name)
        text = fields[given[bad]].decode("utf-8", "replace")
        raise _invalid(f"Field {column} in record {given[bad]} is not a valid {name}: {text}")
    out[given] = parsed
    return out


def _decode_csv_kernel(
    ctx,
    records,
    record_defaults,
    OUT_TYPE,
    field_delim,  # noqa: N803
    use_quote_delim,
    na_value,
    select_cols,
):
    for index, default in enumerate(record_defaults):
        if np.size(default) > 1:
            raise _invalid(
                f"There should only be 1 default per field but field {index} has {np.size(default)}"
            )
    parser = _CsvParser(field_delim, use_quote_delim, select_cols)
    strings = np.asarray(records, dtype=object)
    rows = []
    for index, record in enumerate(strings.reshape(-1)):
        fields = parser.fields(_as_bytes(record))
        if len(fields) != len(OUT_TYPE):
            raise _invalid(
                f"Expect {len(OUT_TYPE)} fields but have {len(fields)} in record {index}"
            )
        rows.append(fields)
    na = na_value.encode("utf-8")
    columns = list(zip(*rows)) if rows else [() for _ in OUT_TYPE]
    return [
        _csv_column(list(values), default, dtype, column, na).reshape(strings.shape)
        for column, (values, default, dtype) in enumerate(zip(columns, record_defaults, OUT_TYPE))
    ]


registry.register_op(
    "DecodeCSV",
    inputs=["records: string", "record_defaults: OUT_TYPE"],
    outputs=["output: OUT_TYPE"],
    attrs=[
        "OUT_TYPE: list({float, double, int32, int64, string}) >= 1",
        "field_delim: string = ','",
        "use_quote_delim: bool = true",
        "na_value: string = ''",
        "select_cols: list(int) = []",
    ],
    shape=_decode_csv_shape,
    kernel=_decode_csv_kernel,
)
registry.not_differentiable("DecodeCSV", _NOT_DIFFERENTIABLE)


def decode_csv(
    records,
    record_defaults,
    field_delim=",",
    use_quote_delim=True,
    name=None,
    na_value="",
    select_cols=None,
):
    """Mirrors TF1 `tf.io.decode_csv`: parses CSV records into one tensor per column.

    Args:
      records: a string tensor, one record per element.
      record_defaults: one tensor per column: a 1-element default, or empty if required.
      field_delim: the one-character field delimiter.
      use_quote_delim: whether double quotes delimit fields (RFC 4180).
      name: the op name.
      na_value: an extra string read as missing.
      select_cols: sorted column indices to keep.

    Returns:
      A list of tensors, one per column, each of the shape of `records`.

    >>> decode_csv(tf.constant(["1,a", "2,b"]), [[0], ["x"]])
    """
    if select_cols is not None and any(
        select_cols[i] >= select_cols[i + 1] for i in range(len(select_cols) - 1)
    ):
        raise ValueError("select_cols is not strictly increasing.")
    if select_cols is not None and select_cols[0] < 0:
        raise ValueError("select_cols contains negative values.")
    if select_cols is not None and len(select_cols) != len(record_defaults):
        raise ValueError("Length of select_cols and record_defaults do not match.")
    return op_builder.apply_op(
        "DecodeCSV",
        records=records,
        record_defaults=record_defaults,
        field_delim=field_delim,
        use_quote_delim=use_quote_delim,
        na_value=na_value,
        select_cols=list(select_cols or []),
        name=name,
    )


def decode_csv_v2(
    records,
    record_defaults,
    field_delim=",",
    use_quote_delim=True,
    na_value="",
    select_cols=None,
    name=None,
):
    """Mirrors TF2's `tf.io.decode_csv` argument order; see `decode_csv`."""
    return decode_csv(
        records, record_defaults, field_delim, use_quote_delim, name, na_value, select_cols
    )
