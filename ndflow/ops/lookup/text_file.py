"""Reading a table's keys and values from a text file (InitializeTableFromTextFileV2), with
TF's rules: one entry per line (a trailing "\\r" is dropped, the last line needs no newline),
columns split on a one-character delimiter, WHOLE_LINE (-2) and LINE_NUMBER (-1) indices,
`vocab_size` truncating or requiring lines, and TF's error messages for the first bad line.

The file is read at once and split with C-level `bytes` methods mapped over the lines; typed
columns are validated with one compiled pattern per type and converted by NumPy.
"""

from __future__ import annotations

import dataclasses
import operator
import re

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.ops.string import buffers

WHOLE_LINE = -2
LINE_NUMBER = -1

# What TF's safe_strto32/64 and safe_strtof/d accept: optional surrounding whitespace.
_INTEGER = re.compile(rb"\s*[+-]?[0-9]+\s*")
_FLOAT = re.compile(
    rb"\s*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)\s*",
    re.IGNORECASE,
)
_INT_RANGES = {dtypes.int32: (-(2**31), 2**31 - 1), dtypes.int64: (-(2**63), 2**63 - 1)}
_TYPE_NAMES = {"float32": "float", "float64": "double"}


@dataclasses.dataclass(frozen=True)
class TextFileSpec:
    """InitializeTableFromTextFileV2's attrs, with the table's dtypes."""

    key_index: int
    value_index: int
    vocab_size: int
    delimiter: str
    offset: int
    key_dtype: dtypes.DType
    value_dtype: dtypes.DType


def _read_lines(filename: str) -> tuple[list, np.ndarray]:
    """The file's lines without "\\n" and a trailing "\\r", and the byte offset just after
    each line (TF's InputBuffer::Tell, which its empty-line error reports)."""
    try:
        with open(filename, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{filename}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{filename}; Is a directory") from None
    raw = data.split(b"\n")
    if raw[-1] == b"":
        raw.pop()
    ends = np.cumsum(buffers.lengths(raw) + 1)
    if raw and not data.endswith(b"\n"):
        ends[-1] -= 1
    return list(map(operator.methodcaller("removesuffix", b"\r"), raw)), ends


def read_table_file(filename: str, spec: TextFileSpec):
    """(keys, values) arrays for a table from `filename`; TF's error for the first bad line."""
    if len(spec.delimiter) != 1:
        raise errors.InvalidArgumentError(None, None, "delimiter should be only 1 char")
    lines, ends = _read_lines(filename)
    if spec.vocab_size != -1:
        lines = lines[: spec.vocab_size]
    count = len(lines)
    empty = _first(buffers.lengths(lines) == 0, count)
    columns, short = _split_columns(lines[:empty], max(spec.key_index, spec.value_index), spec)
    keys, bad_key = _column(lines[:short], columns, spec.key_index, spec.key_dtype, 0)
    values, bad_value = _column(
        lines[:short], columns, spec.value_index, spec.value_dtype, spec.offset
    )
    if min(bad_key, bad_value) < short:
        line, dtype, tokens = (
            (bad_key, spec.key_dtype, keys) if bad_key <= bad_value else
            (bad_value, spec.value_dtype, values)
        )  # fmt: skip
        raise _invalid_field(tokens[line], line, dtype)
    if short < empty:
        raise _wrong_columns(filename, lines[short], short, columns[short], spec)
    if empty < count:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Invalid content in {filename}: empty line found at position {ends[empty]}.",
        )
    if spec.vocab_size != -1 and count < spec.vocab_size:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Invalid vocab_size in {filename}: expected {spec.vocab_size} but got {count}",
        )
    return keys, values


def _first(mask: np.ndarray, default: int) -> int:
    found = np.flatnonzero(mask)
    return int(found[0]) if found.size else default


def _split_columns(lines: list, last_index: int, spec: TextFileSpec):
    """(columns of each line, index of the first line with too few columns)."""
    if last_index < 0:
        return None, len(lines)
    columns = list(map(operator.methodcaller("split", spec.delimiter.encode()), lines))
    short = _first(buffers.lengths(columns) < last_index + 1, len(lines))
    return columns, short


def _wrong_columns(filename, line, number, columns, spec):
    expected = max(spec.key_index, spec.value_index) + 1
    return errors.InvalidArgumentError(
        None,
        None,
        f"Invalid number of columns in {filename} line {number} "
        f"({line.decode('utf-8', 'replace')}) : expected at least {expected} got {len(columns)}",
    )


def _column(lines, columns, index, dtype, offset):
    """(the column as `dtype`, or its raw tokens when one is invalid; the first invalid
    line, or len(lines))."""
    if index == LINE_NUMBER:
        return np.arange(len(lines), dtype=np.int64) + offset, len(lines)
    if index == WHOLE_LINE:
        tokens = lines
    else:
        tokens = list(map(operator.itemgetter(index), columns[: len(lines)]))
    return _typed(tokens, dtype, offset)


def _typed(tokens: list, dtype, offset):
    if dtype is dtypes.string:
        return buffers.objects(tokens, len(tokens)), len(tokens)
    if dtype in _INT_RANGES:
        return _integers(tokens, dtype, offset)
    if dtype in (dtypes.float32, dtypes.float64):
        bad = _first_mismatch(tokens, _FLOAT)
        if bad < len(tokens):
            return tokens, bad
        return np.array(list(map(float, tokens)), dtype=dtype.as_numpy_dtype), bad
    raise errors.InvalidArgumentError(None, None, f"Data type {dtype.name} not supported.")


def _integers(tokens: list, dtype, offset):
    """Integers in range for `dtype`; TF adds `offset` to int32 columns only."""
    bad = _first_mismatch(tokens, _INTEGER)
    numbers = np.array(list(map(int, tokens[:bad])), dtype=object)
    low, high = _INT_RANGES[dtype]
    bad = _first((numbers < low) | (numbers > high), bad) if numbers.size else bad
    if bad < len(tokens):
        return tokens, bad
    parsed = numbers.astype(np.int64)
    if dtype is dtypes.int32:
        parsed = parsed + offset
    return parsed.astype(dtype.as_numpy_dtype), bad


def _first_mismatch(tokens: list, pattern) -> int:
    valid = np.fromiter(
        map(operator.truth, map(pattern.fullmatch, tokens)), dtype=bool, count=len(tokens)
    )
    return _first(~valid, len(tokens))


def _invalid_field(token: bytes, line: int, dtype) -> errors.InvalidArgumentError:
    name = _TYPE_NAMES.get(dtype.name, dtype.name)
    text = token.decode("utf-8", "replace")
    return errors.InvalidArgumentError(
        None, None, f"Field {text} in line {line} is not a valid {name}."
    )
