"""File readers: `tf.data.TFRecordDataset`, `TextLineDataset`, `FixedLengthRecordDataset`,
`tf.data.experimental.CsvDataset` and `make_csv_dataset`.

They build TF's graphs: the file names become a TensorSliceDataset (`flat_filenames`), and
each name is read by the reader op inside a FlatMapDataset function, or, with
`num_parallel_reads`, a LegacyParallelInterleaveDatasetV2 (an InterleaveDataset with
AUTOTUNE). CsvDataset is one CSVDatasetV2 op over all the names.
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import os

import numpy as np

from ndflow.data import base
from ndflow.data import dataset as dataset_lib
from ndflow.data import functions
from ndflow.data import structure
from ndflow.data.transformations import map as map_lib
from ndflow.formats import gfile
from ndflow.framework import dtypes
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_util

apply_op = op_builder.apply_op
Dataset = dataset_lib.Dataset
AUTOTUNE = map_lib.AUTOTUNE

_DEFAULT_READER_BUFFER_SIZE_BYTES = 256 * 1024
_DEFAULT_TF_RECORD_BUFFER_SIZE_BYTES = -1
_DEFAULT_CSV_BUFFER_SIZE_BYTES = 4 * 1024 * 1024
_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_STRING_SPEC = structure.TensorSpec([], dtypes.string)


def _tensor(value, default, dtype, name):
    """TF's `convert.optional_param_to_tensor`: `default` when `value` is None."""
    return op_builder.convert_to_tensor(default if value is None else value, dtype=dtype, name=name)


def filenames_dataset(filenames, name=None):
    """TF's `_create_or_validate_filenames_dataset`: a Dataset of scalar file names, from
    names (str, PathLike, list, string tensor of any rank) or a Dataset of names."""
    if isinstance(filenames, base.DatasetV1):
        spec = filenames.element_spec
        if not isinstance(spec, structure.TensorSpec) or spec.dtype != dtypes.string:
            types = structure.types(spec)
            raise TypeError(
                "The `filenames` argument must contain `tf.string` elements. Got "
                f"a dataset of `{types!r}` elements."
            )
        if not spec.shape.is_compatible_with([]):
            raise TypeError(
                "The `filenames` argument must contain `tf.string` elements of "
                "shape [] (i.e. scalars). Got a dataset of element shape "
                f"{spec.shape!r}."
            )
        return filenames
    filenames = nest.map_structure(
        lambda f: os.fspath(f) if isinstance(f, os.PathLike) else f, filenames
    )
    filenames = op_builder.convert_to_tensor(filenames, dtype_hint=dtypes.string)
    if filenames.dtype != dtypes.string:
        raise TypeError(
            "The `filenames` argument must contain `tf.string` elements. Got "
            f"`{filenames.dtype!r}` elements."
        )
    shape = op_builder.convert_to_tensor([-1], name="flat_filenames/shape")
    filenames = apply_op("Reshape", filenames, shape, name="flat_filenames")
    variant = apply_op(
        "TensorSliceDataset",
        [filenames],
        output_shapes=[_STRING_SPEC.shape],
        is_files=True,
        name=name or "TensorSliceDataset",
    )
    return Dataset(variant, _STRING_SPEC)


def parallel_interleave(
    dataset,
    map_func,
    cycle_length,
    block_length=1,
    sloppy=False,
    buffer_output_elements=None,
    prefetch_input_elements=None,
    name=None,
):
    """TF's `ParallelInterleaveDataset` (LegacyParallelInterleaveDatasetV2): `cycle_length`
    datasets `map_func(element)` read in parallel, `block_length` at a time in turn; in
    order unless `sloppy`. Returns (variant tensor, element spec)."""
    traced = functions.trace(
        map_func,
        dataset.element_spec,
        "tf.data.experimental.parallel_interleave()",
        normalize_output=False,
    )
    if not isinstance(traced.output_spec, structure.DatasetSpec):
        raise TypeError(
            "The `map_func` argument must return a `Dataset` object. Got "
            f"{type(traced.output_structure).__name__}."
        )
    spec = traced.output_spec.element_spec
    cycle = op_builder.convert_to_tensor(cycle_length, dtype=dtypes.int64, name="cycle_length")
    block = op_builder.convert_to_tensor(block_length, dtype=dtypes.int64, name="block_length")
    buffered = _tensor(
        buffer_output_elements, 2 * block_length, dtypes.int64, "buffer_output_elements"
    )
    prefetched = _tensor(
        prefetch_input_elements, 2 * cycle_length, dtypes.int64, "prefetch_input_elements"
    )
    deterministic = "default" if sloppy is None else ("false" if sloppy else "true")
    variant = apply_op(
        "LegacyParallelInterleaveDatasetV2",
        dataset._variant_tensor,
        traced.captured,
        cycle,
        block,
        buffered,
        prefetched,
        f=traced.attr,
        deterministic=deterministic,
        name=name or "LegacyParallelInterleaveDatasetV2",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def _read_files(filenames, creator, num_parallel_reads, name):
    """TF's `_create_dataset_reader`: `creator(filename)` for each name, concatenated or
    read `num_parallel_reads` at a time."""

    def read_one_file(filename):
        filename = op_builder.convert_to_tensor(filename, dtypes.string, name="filename")
        return Dataset(creator(filename), _STRING_SPEC)

    if num_parallel_reads is None:
        return filenames.flat_map(read_one_file, name=name)
    if isinstance(num_parallel_reads, int) and num_parallel_reads == AUTOTUNE:
        return filenames.interleave(read_one_file, num_parallel_calls=num_parallel_reads, name=name)
    return Dataset(
        *parallel_interleave(
            filenames, read_one_file, num_parallel_reads, 1, sloppy=False, name=name
        )
    )


class _FileReaderDataset(Dataset):
    """A reader over file names: the Dataset its reader graph produced, plus its names."""

    def __init__(self, filenames, creator, num_parallel_reads, name):
        filenames = filenames_dataset(filenames, name=name)
        impl = _read_files(filenames, creator, num_parallel_reads, name)
        super().__init__(impl._variant_tensor, _STRING_SPEC)
        self._filenames = filenames
        self._num_parallel_reads = num_parallel_reads


class TFRecordDataset(_FileReaderDataset):
    """Mirrors `tf.data.TFRecordDataset`: the records of TFRecord files, as strings.

    Args:
      filenames: names (a string, a list, a string tensor) or a Dataset of scalar names.
      compression_type: "" (none), "ZLIB" or "GZIP".
      buffer_size: read buffer bytes (accepted; -1 picks the default).
      num_parallel_reads: files read at once (records interleaved, in a fixed order).
      name: the op name.

    Raises:
      TypeError: names that are not strings.
      NotFoundError: at run time, a missing file (its path in the message).
      DataLossError: at run time, a corrupt or truncated record (offset, record, file).

    >>> for record in TFRecordDataset(["train.tfrecord"]):
    ...     example = tf.train.Example.FromString(record)
    """

    def __init__(
        self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None
    ):
        def creator(filename):
            compression = _tensor(compression_type, "", dtypes.string, "compression_type")
            buffer = _tensor(
                buffer_size, _DEFAULT_TF_RECORD_BUFFER_SIZE_BYTES, dtypes.int64, "buffer_size"
            )
            return apply_op(
                "TFRecordDataset", filename, compression, buffer, name=name or "TFRecordDataset"
            )

        super().__init__(filenames, creator, num_parallel_reads, name)
        self._compression_type = compression_type
        self._buffer_size = buffer_size


class TextLineDataset(_FileReaderDataset):
    """Mirrors `tf.data.TextLineDataset`: the lines of text files, without "\\n" (and, as
    TF's reader, without any "\\r").

    Args:
      filenames: names (a string, a list, a string tensor) or a Dataset of scalar names.
      compression_type: "" (none), "ZLIB" or "GZIP".
      buffer_size: read buffer bytes (accepted).
      num_parallel_reads: files read at once (lines interleaved, in a fixed order).
      name: the op name.

    >>> for line in TextLineDataset("vocab.txt"):
    ...     print(line)
    """

    def __init__(
        self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None
    ):
        def creator(filename):
            compression = _tensor(compression_type, "", dtypes.string, "compression_type")
            buffer = _tensor(
                buffer_size, _DEFAULT_READER_BUFFER_SIZE_BYTES, dtypes.int64, "buffer_size"
            )
            return apply_op(
                "TextLineDataset", filename, compression, buffer, name=name or "TextLineDataset"
            )

        super().__init__(filenames, creator, num_parallel_reads, name)
        self._compression_type = compression_type
        self._buffer_size = buffer_size


class FixedLengthRecordDataset(_FileReaderDataset):
    """Mirrors `tf.data.FixedLengthRecordDataset`: records of `record_bytes` bytes between
    a `header_bytes` header and a `footer_bytes` footer in each file.

    Args:
      filenames: names (a string, a list, a string tensor) or a Dataset of scalar names.
      record_bytes: bytes per record.
      header_bytes: bytes skipped at the start of each file.
      footer_bytes: bytes ignored at the end of each file.
      buffer_size: read buffer bytes (accepted).
      compression_type: "" (none), "ZLIB" or "GZIP".
      num_parallel_reads: files read at once.
      name: the op name.

    Raises:
      InvalidArgumentError: at run time, a body that is not a whole number of records
        (DataLossError after the whole records, for a compressed file), as TF.

    >>> FixedLengthRecordDataset("images.bin", record_bytes=3073)
    """

    def __init__(
        self,
        filenames,
        record_bytes,
        header_bytes=None,
        footer_bytes=None,
        buffer_size=None,
        compression_type=None,
        num_parallel_reads=None,
        name=None,
    ):
        def creator(filename):
            sizes = [
                op_builder.convert_to_tensor(record_bytes, dtype=dtypes.int64, name="record_bytes"),
                _tensor(header_bytes, 0, dtypes.int64, "header_bytes"),
                _tensor(footer_bytes, 0, dtypes.int64, "footer_bytes"),
                _tensor(
                    buffer_size, _DEFAULT_READER_BUFFER_SIZE_BYTES, dtypes.int64, "buffer_size"
                ),
                _tensor(compression_type, "", dtypes.string, "compression_type"),
            ]
            record, header, footer, buffer, compression = sizes
            return apply_op(
                "FixedLengthRecordDatasetV2",
                filename,
                header,
                record,
                footer,
                buffer,
                compression,
                name=name or "FixedLengthRecordDatasetV2",
            )

        super().__init__(filenames, creator, num_parallel_reads, name)
        self._record_bytes = record_bytes
        self._header_bytes = header_bytes
        self._footer_bytes = footer_bytes


# ---------------------------------------------------------------------- CSV


def _record_default(value, index):
    if isinstance(value, dtypes.DType) or (
        isinstance(value, type) and issubclass(value, np.generic)
    ):
        dtype = dtypes.as_dtype(value)
        if dtype not in _CSV_TYPES:
            raise TypeError(
                f"Failed to convert elements of {dtype!r} to Tensor. Consider "
                "casting elements to a supported type."
            )
        return op_builder.convert_to_tensor(np.zeros(0, dtype=dtype.as_numpy_dtype), dtype=dtype)
    return op_builder.convert_to_tensor(value, name=f"record_defaults_{index}")


class CsvDataset(Dataset):
    """Mirrors `tf.data.experimental.CsvDataset`: the records of CSV files (RFC 4180), each
    element a tuple of scalars, one per (selected) column.

    Args:
      filenames: a string or string tensor of file names.
      record_defaults: per column a dtype (a required column) or a tensor: one default
        value, or empty (required).
      compression_type: "" (none), "ZLIB" or "GZIP".
      buffer_size: read buffer bytes (> 0).
      header: whether each file starts with a header line to skip.
      field_delim: the one-character delimiter.
      use_quote_delim: whether double quotes delimit fields.
      na_value: a value read as missing.
      select_cols: sorted column indices to keep.
      exclude_cols: sorted column indices to drop (TF2's argument; not with select_cols).

    Raises:
      InvalidArgumentError: at run time, a missing required field, a bad number or a wrong
        field count (TF's message, then the record index and file).

    >>> CsvDataset("data.csv", [tf.float32, [0], tf.string], header=True)
    """

    def __init__(
        self,
        filenames,
        record_defaults,
        compression_type=None,
        buffer_size=None,
        header=False,
        field_delim=",",
        use_quote_delim=True,
        na_value="",
        select_cols=None,
        exclude_cols=None,
    ):
        names = op_builder.convert_to_tensor(filenames, dtype=dtypes.string, name="filenames")
        compression = _tensor(compression_type, "", dtypes.string, "compression_type")
        defaults = [_record_default(v, i) for i, v in enumerate(record_defaults)]
        inputs = [
            _tensor(buffer_size, _DEFAULT_CSV_BUFFER_SIZE_BYTES, dtypes.int64, "buffer_size"),
            op_builder.convert_to_tensor(header, dtype=dtypes.bool, name="header"),
            op_builder.convert_to_tensor(field_delim, dtype=dtypes.string, name="field_delim"),
            op_builder.convert_to_tensor(
                use_quote_delim, dtype=dtypes.bool, name="use_quote_delim"
            ),
            op_builder.convert_to_tensor(na_value, dtype=dtypes.string, name="na_value"),
            _tensor(select_cols, np.zeros(0, np.int64), dtypes.int64, "select_cols"),
        ]
        excluded = _tensor(exclude_cols, np.zeros(0, np.int64), dtypes.int64, "exclude_cols")
        spec = tuple(structure.TensorSpec([], d.dtype) for d in defaults)
        variant = apply_op(
            "CSVDatasetV2",
            names,
            compression,
            *inputs,
            defaults,
            excluded,
            output_shapes=[s.shape for s in spec],
            name="CSVDatasetV2",
        )
        super().__init__(variant, spec)
        self._filenames = names


def _file_names(file_pattern) -> list[str]:
    """TF's `_get_file_names` (unshuffled): sorted glob matches of the pattern(s)."""
    patterns = file_pattern if isinstance(file_pattern, list) else [file_pattern]
    if isinstance(file_pattern, list) and not file_pattern:
        raise ValueError("Argument `file_pattern` should not be empty.")
    names = [name for pattern in patterns for name in gfile.glob(pattern)]
    if not names:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    return sorted(names)


def _open_text(compression_type, encoding):
    """How make_csv_dataset opens a file to probe its columns."""
    if compression_type is None:
        return lambda name: open(name, encoding=encoding, newline="")  # noqa: SIM115
    value = compression_type
    if not isinstance(value, (str, bytes)):
        value = tensor_util.constant_value(value)
        value = None if value is None else np.asarray(value, dtype=object).item()
    value = value.decode("utf-8") if isinstance(value, bytes) else value
    if value == "GZIP":
        return lambda name: io.TextIOWrapper(gzip.open(name, "rb"), encoding=encoding, newline="")
    if value == "ZLIB":
        raise ValueError(
            f"`compression_type` {compression_type} is not supported for probing columns."
        )
    if value != "":
        raise ValueError(
            f"Received unknown `compression_type` {compression_type}. "
            "Expected: GZIP, ZLIB or  (empty string)."
        )
    return lambda name: open(name, encoding=encoding, newline="")  # noqa: SIM115


def _csv_rows(names, options, header):
    field_delim, use_quote_delim, open_text = options
    quoting = csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE
    for name in names:
        with open_text(name) as handle:
            reader = csv.reader(handle, delimiter=field_delim, quoting=quoting)
            if header:
                next(reader, None)
            yield from reader


def _infer_column_names(names, options) -> list[str]:
    field_delim, use_quote_delim, open_text = options
    quoting = csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE
    columns = None
    for name in names:
        with open_text(name) as handle:
            row = next(csv.reader(handle, delimiter=field_delim, quoting=quoting), None)
        if row is None:
            raise ValueError(f"Failed when reading the header line of {name}. Is it an empty file?")
        if columns is not None and row != columns:
            raise ValueError(
                "All input CSV files should have the same column names in the "
                f"header row. File {name} has different column names."
            )
        columns = row
    return columns


def _infer_type(text: str, na_value: str, previous):
    """TF's `_infer_type`: the least permissive of int32, int64, float32, float64, string
    that fits `text` and every earlier value of the column."""
    if text in ("", na_value):
        return previous
    order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string]
    start = 0 if previous is None else order.index(previous)
    for dtype in order[start:]:
        if _fits(text, dtype):
            return dtype
    return dtypes.string


def _fits(text: str, dtype) -> bool:
    try:
        if dtype in (dtypes.int32, dtypes.int64):
            value = int(text)
            info = np.iinfo(dtype.as_numpy_dtype)
            return info.min <= value <= info.max
        if dtype.is_floating:
            with np.errstate(over="ignore"):
                return bool(np.asarray(float(text), dtype=dtype.as_numpy_dtype) < np.inf)
    except ValueError:
        return False
    return True


def _infer_column_defaults(
    names, num_columns, options, na_value, header, rows_limit, select_columns
):
    select = range(num_columns) if select_columns is None else select_columns
    types = [None] * len(select)
    for row_number, row in enumerate(_csv_rows(names, options, header)):
        if rows_limit is not None and row_number >= rows_limit:
            break
        if len(row) != num_columns:
            raise ValueError(
                f"Problem inferring types: CSV row {row_number + 1 + header} has "
                f"{len(row)} number of fields. Expected: {num_columns}."
            )
        for j, column in enumerate(select):
            types[j] = _infer_type(row[column], na_value, types[j])
    types = [t or dtypes.string for t in types]
    return [op_builder.convert_to_tensor(["" if t == dtypes.string else 0], dtype=t) for t in types]


def _sorted_columns(select_columns, column_names) -> list[int]:
    """TF's `_get_sorted_col_indices`."""
    positions = {n: i for i, n in enumerate(column_names)}
    result = []
    for value in select_columns:
        if isinstance(value, int):
            if value < 0 or value >= len(column_names):
                raise ValueError(
                    f"Column index {value} specified in `select_columns` should "
                    f"be > 0  and <= {len(column_names)}, which is the number "
                    "of columns."
                )
            result.append(value)
        elif value not in positions:
            raise ValueError(
                f"Column {value} specified in `select_columns` must be of one "
                f"of the columns: {positions.keys()}."
            )
        else:
            result.append(positions[value])
    result = sorted(set(result))
    if len(result) != len(select_columns):
        raise ValueError("The `select_columns` argument contains duplicate columns.")
    return result


def _check_unique(column_names) -> None:
    duplicates = {n for n in column_names if column_names.count(n) > 1}
    if duplicates:
        raise ValueError(
            "Either `column_names` argument or CSV header row contains duplicate "
            f"column names: {duplicates}."
        )


def make_csv_dataset(
    file_pattern,
    batch_size,
    column_names=None,
    column_defaults=None,
    label_name=None,
    select_columns=None,
    field_delim=",",
    use_quote_delim=True,
    na_value="",
    header=True,
    num_epochs=None,
    shuffle=True,
    shuffle_buffer_size=10000,
    shuffle_seed=None,
    prefetch_buffer_size=None,
    num_parallel_reads=None,
    sloppy=False,
    num_rows_for_inference=100,
    compression_type=None,
    ignore_errors=False,
    encoding="utf-8",
):
    """Mirrors `tf.data.experimental.make_csv_dataset`: batches of (features, label) from
    CSV files; features is an OrderedDict column name -> batch. Column names come from the
    header and types from the first rows unless given; by default the files and records are
    shuffled and repeated forever.

    Raises:
      ValueError: no file matches, an unknown label or selected column, duplicate names.

    >>> make_csv_dataset("train-*.csv", batch_size=32, label_name="y", num_epochs=1)
    """
    names = _file_names(file_pattern)
    dataset = Dataset.from_tensor_slices(names)
    if shuffle:
        dataset = dataset.shuffle(len(names), shuffle_seed)
    probing = column_names is None or column_defaults is None
    probe = (
        field_delim,
        use_quote_delim,
        _open_text(compression_type, encoding) if probing else None,
    )
    column_names, column_defaults, select_columns = _csv_columns(
        names,
        probe,
        column_names,
        column_defaults,
        select_columns,
        na_value,
        header,
        num_rows_for_inference,
    )
    if label_name is not None and label_name not in column_names:
        raise ValueError(
            "`label_name` provided must be one of the columns: "
            f"{column_names}. Received: {label_name}."
        )

    def filename_to_dataset(filename):
        csv_dataset = CsvDataset(
            filename,
            record_defaults=column_defaults,
            field_delim=field_delim,
            use_quote_delim=use_quote_delim,
            na_value=na_value,
            select_cols=select_columns,
            header=header,
            compression_type=compression_type,
        )
        return csv_dataset.ignore_errors() if ignore_errors else csv_dataset

    def map_fn(*columns):
        features = collections.OrderedDict(zip(column_names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    reads = 1 if num_parallel_reads is None else num_parallel_reads
    if reads == AUTOTUNE:
        dataset = dataset.interleave(
            filename_to_dataset, num_parallel_calls=AUTOTUNE, deterministic=not sloppy
        )
    else:
        dataset = Dataset(
            *parallel_interleave(dataset, filename_to_dataset, reads, 1, sloppy=sloppy)
        )
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size=batch_size, drop_remainder=num_epochs is None)
    dataset = dataset.map(map_fn)
    return dataset.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)


def _csv_columns(
    names, probe, column_names, column_defaults, select_columns, na_value, header, rows_limit
):
    """make_csv_dataset's columns: (names, defaults, sorted selected indices or None)."""
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is provided.")
        column_names = _infer_column_names(names, probe)
    _check_unique(column_names)
    if select_columns is not None:
        select_columns = _sorted_columns(select_columns, column_names)
    if column_defaults is not None:
        column_defaults = [
            _record_default(v, i) if isinstance(v, dtypes.DType) else v
            for i, v in enumerate(column_defaults)
        ]
    else:
        column_defaults = _infer_column_defaults(
            names, len(column_names), probe, na_value, header, rows_limit, select_columns
        )
    if select_columns is not None and len(column_defaults) != len(select_columns):
        raise ValueError(
            "If specified, `column_defaults` and `select_columns` must have the "
            f"same length: `column_defaults` has length {len(column_defaults)}, "
            f"`select_columns` has length {len(select_columns)}."
        )
    if select_columns is not None and len(column_names) > len(select_columns):
        column_names = [column_names[i] for i in select_columns]
    return list(column_names), column_defaults, select_columns
