"""File-reader scenarios (TFRecordDataset, TextLineDataset, FixedLengthRecordDataset,
CsvDataset, make_csv_dataset, list_files, cache), written once and run with either
`tensorflow.compat.v1` (tools/goldens/data_readers.py records TensorFlow's results) or
`ndflow` (tests/data/test_readers.py compares).

Each case names its input files (bytes) and builds its dataset from a directory holding
them. `run_case(tf, case, directory)` writes the files, iterates the dataset to its end (or
its first error) and records every element's components, the error's class and core
message, the element structure and the dataset op types. The directory shows as "<dir>" in
recorded strings and messages, so both sides compare although their directories differ.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import re
import zlib
from collections.abc import Callable

import numpy as np

from ndflow.formats import tfrecord
from tests.data import cases as data_cases


@dataclasses.dataclass(frozen=True)
class ReaderCase:
    name: str
    files: dict
    build: Callable  # build(tf, directory) -> Dataset
    epochs: int = 1


def _records(*records) -> bytes:
    return b"".join(tfrecord.encode_record(r) for r in records)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


_WRAPPER = re.compile(
    r"^Error in user-defined function passed to .*? transformation with "
    r"iterator: \S+: "
)
_NOISE = (
    "Graph execution error",
    "Detected at node",
    "Node:",
    "Original stack trace",
    "Error in user-defined function passed to",
)


def core_message(message: str, directory: str) -> str:
    """The error text without TF's node and traceback decoration, directory as "<dir>"."""
    lines = []
    for line in message.replace(directory, "<dir>").split("\n"):
        line = _WRAPPER.sub("", line)
        if not line.strip() or line.startswith(("\t", " ")) or line.startswith(_NOISE):
            continue
        lines.append(line.strip())
    return lines[0] if lines else ""


def _leaf(value, directory: str):
    array = data_cases._numpy_leaf(value)
    if array.dtype.kind == "S":
        marker = directory.encode()
        return np.array(
            [b.replace(marker, b"<dir>") for b in array.reshape(-1)], dtype=bytes
        ).reshape(array.shape)
    return array


def _flat(tf, value, directory) -> list:
    return [_leaf(leaf, directory) for leaf in data_cases._flat(tf, value)]


def write_files(case: ReaderCase, directory: str) -> None:
    for name, data in case.files.items():
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)


def run_case(tf, case: ReaderCase, directory: str):
    """(arrays, meta) of one case, run in `directory` (which must be empty)."""
    write_files(case, directory)
    graph = tf.Graph()
    elements, error = [], None
    meta = {}
    try:
        with graph.as_default():
            dataset = case.build(tf, directory)
            meta["structure"] = data_cases._structure(tf, dataset)
            meta["dataset_ops"] = data_cases._dataset_op_types(graph)
            iterator = tf.data.make_initializable_iterator(dataset)
            element = iterator.get_next()
            with tf.Session(graph=graph) as session:
                _drain(tf, session, iterator, element, case.epochs, elements, directory)
    except Exception as failure:  # noqa: BLE001 - the class and message are the result
        message = getattr(failure, "message", None) or str(failure)
        error = {"class": type(failure).__name__, "message": core_message(message, directory)}
    arrays = {f"e{i}_{j}": v for i, element in enumerate(elements) for j, v in enumerate(element)}
    meta.update(count=len(elements), error=error)
    return arrays, meta


def _drain(tf, session, iterator, element, epochs, out, directory):
    for _ in range(epochs):
        session.run(iterator.initializer)
        while True:
            try:
                out.append(_flat(tf, session.run(element), directory))
            except tf.errors.OutOfRangeError:
                break


def _paths(directory, *names):
    return [os.path.join(directory, name) for name in names]


# ---------------------------------------------------------------------- text lines

_TEXT = {
    "a.txt": b"a\rb\r\nc\r\r\n\rd\n\nlast",
    "b.txt": b"x\n\r",
    "c.txt": b"",
    "d.txt": b"one\ntwo\nthree\n",
}
_LINES = {
    f"l{i}.txt": "".join(f"{i}-{k}\n" for k in range(n)).encode()
    for i, n in enumerate([3, 1, 4, 2])
}

CASES = [
    ReaderCase(
        "text_lines",
        _TEXT,
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "a.txt", "b.txt", "c.txt", "d.txt")),
    ),
    ReaderCase(
        "text_gzip",
        {"a.txt.gz": _gzip(_TEXT["a.txt"] + b"\n" + _TEXT["d.txt"])},
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "a.txt.gz"), "GZIP"),
    ),
    ReaderCase(
        "text_zlib",
        {"a.z": zlib.compress(_TEXT["d.txt"])},
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "a.z"), compression_type="ZLIB"),
    ),
    ReaderCase(
        "text_parallel_2",
        _LINES,
        lambda tf, d: tf.data.TextLineDataset(_paths(d, *sorted(_LINES)), num_parallel_reads=2),
    ),
    ReaderCase(
        "text_parallel_3",
        _LINES,
        lambda tf, d: tf.data.TextLineDataset(_paths(d, *sorted(_LINES)), num_parallel_reads=3),
    ),
    ReaderCase(
        "text_batched",
        {**_TEXT, **_LINES},
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "d.txt", "l2.txt", "a.txt")).batch(3),
    ),
    ReaderCase(
        "text_filenames_dataset",
        _LINES,
        lambda tf, d: tf.data.TextLineDataset(
            tf.data.Dataset.from_tensor_slices(_paths(d, "l3.txt", "l0.txt"))
        ),
    ),
    ReaderCase(
        "text_missing_file",
        _TEXT,
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "d.txt", "missing.txt")),
    ),
    ReaderCase(
        "text_bad_compression",
        _TEXT,
        lambda tf, d: tf.data.TextLineDataset(_paths(d, "d.txt"), "BZIP2"),
    ),
    ReaderCase(
        "text_not_gzip", _TEXT, lambda tf, d: tf.data.TextLineDataset(_paths(d, "d.txt"), "GZIP")
    ),
]

# ---------------------------------------------------------------------- TFRecord

_TFRECORDS = {
    "r0.tfrecord": _records(*[f"zero-{k}".encode() for k in range(5)]),
    "r1.tfrecord": _records(b"", b"one-1" * 50, b"\x00\xff"),
    "r2.tfrecord": _records(*[f"two-{k}".encode() for k in range(4)]),
    "r0.gz": _gzip(_records(*[f"zero-{k}".encode() for k in range(5)])),
}
_CORRUPT = bytearray(_records(*[f"rec-{k}".encode() for k in range(6)]))
_CORRUPT[3 * 21 + 14] ^= 1  # a data byte of record 3 (each record is 16 + 5 bytes)
_TFRECORDS["corrupt.tfrecord"] = bytes(_CORRUPT)
_TFRECORDS["truncated.tfrecord"] = _records(*[f"rec-{k}".encode() for k in range(6)])[:-7]

CASES += [
    ReaderCase(
        "tfrecord_files",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(
            _paths(d, "r0.tfrecord", "r1.tfrecord", "r2.tfrecord")
        ),
    ),
    ReaderCase(
        "tfrecord_batched",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(
            _paths(d, "r0.tfrecord", "r1.tfrecord", "r2.tfrecord")
        ).batch(4),
    ),
    ReaderCase(
        "tfrecord_batched_drop",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "r0.tfrecord", "r2.tfrecord")).batch(
            4, drop_remainder=True
        ),
    ),
    ReaderCase(
        "tfrecord_gzip_batched",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "r0.gz"), "GZIP").batch(2),
    ),
    ReaderCase(
        "tfrecord_parallel",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(
            _paths(d, "r0.tfrecord", "r1.tfrecord", "r2.tfrecord"), num_parallel_reads=2
        ),
    ),
    ReaderCase(
        "tfrecord_corrupt",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "corrupt.tfrecord")),
    ),
    ReaderCase(
        "tfrecord_corrupt_batched",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "corrupt.tfrecord")).batch(2),
    ),
    ReaderCase(
        "tfrecord_truncated",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "truncated.tfrecord")),
    ),
    ReaderCase(
        "tfrecord_missing_file",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(_paths(d, "r1.tfrecord", "nope.tfrecord")).batch(2),
    ),
    ReaderCase("tfrecord_directory", _TFRECORDS, lambda tf, d: tf.data.TFRecordDataset([d])),
    ReaderCase(
        "tfrecord_ignore_errors",
        _TFRECORDS,
        lambda tf, d: tf.data.TFRecordDataset(
            _paths(d, "corrupt.tfrecord", "truncated.tfrecord", "r0.tfrecord")
        ).ignore_errors(),
    ),
]

# ---------------------------------------------------------------------- fixed length

_FIXED = {
    "f0.bin": b"HEADER" + b"".join(f"{k:03d}".encode() for k in range(5)) + b"FOOT",
    "f1.bin": b"HEADER" + b"abcdef" + b"FOOT",
    "bad.bin": b"HEADER0123456789FOOT",
    "short.bin": b"HE",
    "f0.gz": _gzip(b"HEADER" + b"".join(f"{k:03d}".encode() for k in range(5)) + b"FOOT"),
    "bad.gz": _gzip(b"HEADER0123456789FOOT"),
    "plain.bin": bytes(range(40)),
}


def _fixed(tf, d, names, **kwargs):
    return tf.data.FixedLengthRecordDataset(
        _paths(d, *names), 3, header_bytes=6, footer_bytes=4, **kwargs
    )


CASES += [
    ReaderCase("fixed_files", _FIXED, lambda tf, d: _fixed(tf, d, ["f0.bin", "f1.bin"])),
    ReaderCase("fixed_batched", _FIXED, lambda tf, d: _fixed(tf, d, ["f0.bin", "f1.bin"]).batch(3)),
    ReaderCase(
        "fixed_no_header",
        _FIXED,
        lambda tf, d: tf.data.FixedLengthRecordDataset(_paths(d, "plain.bin"), 8),
    ),
    ReaderCase(
        "fixed_parallel",
        _FIXED,
        lambda tf, d: _fixed(tf, d, ["f0.bin", "f1.bin"], num_parallel_reads=2),
    ),
    ReaderCase("fixed_partial_record", _FIXED, lambda tf, d: _fixed(tf, d, ["bad.bin"])),
    ReaderCase("fixed_shorter_than_header", _FIXED, lambda tf, d: _fixed(tf, d, ["short.bin"])),
    ReaderCase(
        "fixed_gzip", _FIXED, lambda tf, d: _fixed(tf, d, ["f0.gz"], compression_type="GZIP")
    ),
    ReaderCase(
        "fixed_gzip_partial_record",
        _FIXED,
        lambda tf, d: _fixed(tf, d, ["bad.gz"], compression_type="GZIP"),
    ),
    ReaderCase(
        "fixed_zero_record_bytes",
        _FIXED,
        lambda tf, d: tf.data.FixedLengthRecordDataset(_paths(d, "plain.bin"), 0),
    ),
    ReaderCase(
        "fixed_negative_footer",
        _FIXED,
        lambda tf, d: tf.data.FixedLengthRecordDataset(_paths(d, "plain.bin"), 4, footer_bytes=-1),
    ),
]

# ---------------------------------------------------------------------- CSV

_CSV = {
    "basic.csv": b'a,b,c\n1,2.5,"x,y"\n3,,z\n"4",5e1,"q""r"\n',
    "na.csv": b"1;NA;x\n2;3;NA\n",
    "quote.csv": b'1,"a"b",3\n',
    "late_quote.csv": b'x,"a"b,1\n2,3,4\n',
    "unquoted.csv": b'a"b,1\n2,3\n',
    "unclosed.csv": b'"abc\n',
    "numbers.csv": b"1,abc\n2,x\n",
    "crlf.csv": b"1,2\r\n\r\n3,4\n\n5,6",
    "cr.csv": b"1\r2\r\n3",
    "multiline.csv": b'1,"multi\nline",2\n"3","",4',
    "spaces.csv": b" 12 , 3.5 ,x\n",
    "short.csv": b"1,2\n3\n",
    "trailing.csv": b"1,2,\n",
    "header_only.csv": b"1,2",
    "empty.csv": b"",
    "big.csv": b"99999999999,1e400,0x1F\n",
    "data.csv.gz": _gzip(b"h1,h2\n1,2\n3,4\n"),
}


def _csv(tf, d, name, defaults, **kwargs):
    return tf.data.experimental.CsvDataset(_paths(d, name), defaults, **kwargs)


CASES += [
    ReaderCase(
        "csv_header_quotes_defaults",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "basic.csv", [tf.int32, tf.constant([0.0]), tf.string], header=True
        ),
    ),
    ReaderCase(
        "csv_two_files",
        _CSV,
        lambda tf, d: tf.data.experimental.CsvDataset(
            _paths(d, "numbers.csv", "numbers.csv"), [tf.int64, tf.string]
        ),
    ),
    ReaderCase(
        "csv_na_delim",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "na.csv", [tf.int64, [7.0], ["dflt"]], field_delim=";", na_value="NA"
        ),
    ),
    ReaderCase(
        "csv_select_cols",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "basic.csv", [tf.int32, tf.string], header=True, select_cols=[0, 2]
        ),
    ),
    ReaderCase(
        "csv_no_quote_delim",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "quote.csv", [tf.int32, tf.string, tf.int32], use_quote_delim=False
        ),
    ),
    ReaderCase("csv_crlf_and_cr", _CSV, lambda tf, d: _csv(tf, d, "cr.csv", [tf.int32])),
    ReaderCase(
        "csv_multiline_field",
        _CSV,
        lambda tf, d: _csv(tf, d, "multiline.csv", [tf.int32, ["e"], tf.int32]),
    ),
    ReaderCase(
        "csv_spaces_and_trailing_delim",
        _CSV,
        lambda tf, d: _csv(tf, d, "spaces.csv", [tf.int32, tf.float32, tf.string]).concatenate(
            _csv(tf, d, "trailing.csv", [tf.int32, tf.float32, ["e"]])
        ),
    ),
    ReaderCase(
        "csv_overflow_float",
        _CSV,
        lambda tf, d: _csv(tf, d, "big.csv", [tf.int64, tf.float64, tf.string]),
    ),
    ReaderCase(
        "csv_header_only",
        _CSV,
        lambda tf, d: _csv(tf, d, "header_only.csv", [tf.int32, tf.int32], header=True),
    ),
    ReaderCase(
        "csv_gzip",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "data.csv.gz", [tf.int32, tf.int32], header=True, compression_type="GZIP"
        ),
    ),
    ReaderCase(
        "csv_batched",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32, [0.0], tf.string], header=True).batch(2),
    ),
    ReaderCase(
        "csv_ignore_errors",
        _CSV,
        lambda tf, d: tf.data.experimental.CsvDataset(
            _paths(d, "crlf.csv", "unquoted.csv", "numbers.csv"), [tf.string, tf.int32]
        ).ignore_errors(),
    ),
    ReaderCase(
        "csv_error_header_is_data",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32, [0.0], tf.string]),
    ),
    ReaderCase(
        "csv_error_required_missing",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32, tf.float32, tf.string], header=True),
    ),
    ReaderCase(
        "csv_error_blank_line", _CSV, lambda tf, d: _csv(tf, d, "crlf.csv", [tf.int32, tf.int32])
    ),
    ReaderCase(
        "csv_error_more_fields",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32, tf.float32], header=True),
    ),
    ReaderCase(
        "csv_error_fewer_fields", _CSV, lambda tf, d: _csv(tf, d, "short.csv", [tf.int32, [9]])
    ),
    ReaderCase(
        "csv_error_bad_int", _CSV, lambda tf, d: _csv(tf, d, "numbers.csv", [tf.int32, tf.int32])
    ),
    ReaderCase(
        "csv_error_bad_double",
        _CSV,
        lambda tf, d: _csv(tf, d, "numbers.csv", [tf.int32, tf.float64]),
    ),
    ReaderCase(
        "csv_error_int32_overflow",
        _CSV,
        lambda tf, d: _csv(tf, d, "big.csv", [tf.int32, tf.float32, tf.string]),
    ),
    ReaderCase(
        "csv_error_quote_in_quoted",
        _CSV,
        lambda tf, d: _csv(tf, d, "quote.csv", [tf.int32, tf.string, tf.int32]),
    ),
    ReaderCase(
        "csv_error_quote_runs_to_end",
        _CSV,
        lambda tf, d: _csv(tf, d, "late_quote.csv", [tf.string, tf.string, tf.int32]),
    ),
    ReaderCase(
        "csv_error_quote_in_unquoted",
        _CSV,
        lambda tf, d: _csv(tf, d, "unquoted.csv", [tf.string, tf.int32]),
    ),
    ReaderCase(
        "csv_error_unclosed_quote", _CSV, lambda tf, d: _csv(tf, d, "unclosed.csv", [tf.string])
    ),
    ReaderCase(
        "csv_error_empty_file_header",
        _CSV,
        lambda tf, d: _csv(tf, d, "empty.csv", [tf.int32], header=True),
    ),
    ReaderCase(
        "csv_error_missing_file",
        _CSV,
        lambda tf, d: tf.data.experimental.CsvDataset(
            _paths(d, "numbers.csv", "missing.csv"), [tf.int32, tf.string]
        ),
    ),
    ReaderCase(
        "csv_error_select_unsorted",
        _CSV,
        lambda tf, d: _csv(
            tf, d, "basic.csv", [tf.int32, tf.string], header=True, select_cols=[2, 0]
        ),
    ),
    ReaderCase(
        "csv_error_select_length",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32, tf.string], header=True, select_cols=[0]),
    ),
    ReaderCase(
        "csv_error_delimiter",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32], field_delim=";;"),
    ),
    ReaderCase(
        "csv_error_compression",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32], compression_type="BZ"),
    ),
    ReaderCase(
        "csv_error_buffer_size",
        _CSV,
        lambda tf, d: _csv(tf, d, "basic.csv", [tf.int32], buffer_size=0),
    ),
]

# ---------------------------------------------------------------------- make_csv_dataset

_TRAIN = {
    "train-0.csv": b"x,name,y\n1,a,0.5\n2,,1.5\n3,c,\n",
    "train-1.csv": b"x,name,y\n4,d,4.5\n5,e,5.5\n",
    "other.txt": b"not csv\n",
}

CASES += [
    ReaderCase(
        "make_csv_label",
        _TRAIN,
        lambda tf, d: tf.data.experimental.make_csv_dataset(
            os.path.join(d, "train-*.csv"),
            batch_size=2,
            label_name="y",
            num_epochs=1,
            shuffle=False,
        ),
    ),
    ReaderCase(
        "make_csv_select_defaults",
        _TRAIN,
        lambda tf, d: tf.data.experimental.make_csv_dataset(
            os.path.join(d, "train-*.csv"),
            batch_size=3,
            select_columns=["y", "x"],
            column_defaults=[tf.int64, [-1.0]],
            num_epochs=1,
            shuffle=False,
        ),
    ),
    ReaderCase(
        "make_csv_repeat_drop",
        _TRAIN,
        lambda tf, d: tf.data.experimental.make_csv_dataset(
            [os.path.join(d, "train-1.csv")], batch_size=3, num_epochs=None, shuffle=False
        ).take(3),
    ),
]

# ---------------------------------------------------------------------- list_files, cache

CASES += [
    ReaderCase(
        "list_files_sorted",
        _LINES,
        lambda tf, d: tf.data.Dataset.list_files(os.path.join(d, "l*.txt"), shuffle=False),
    ),
    ReaderCase(
        "list_files_patterns",
        _LINES,
        lambda tf, d: tf.data.Dataset.list_files(
            [os.path.join(d, "l3.txt"), os.path.join(d, "l[01].txt")], shuffle=False
        ),
    ),
    ReaderCase(
        "list_files_no_match",
        _LINES,
        lambda tf, d: tf.data.Dataset.list_files(os.path.join(d, "zz*.txt")),
    ),
    ReaderCase(
        "list_files_then_read",
        _LINES,
        lambda tf, d: tf.data.TextLineDataset(
            tf.data.Dataset.list_files(os.path.join(d, "l*.txt"), shuffle=False)
        ),
    ),
    ReaderCase(
        "cache_memory_repeat",
        {},
        lambda tf, d: tf.data.Dataset.range(5).map(lambda x: x * 2).cache().repeat(2),
    ),
    ReaderCase(
        "cache_file_repeat",
        {},
        lambda tf, d: (
            tf.data.Dataset.range(4)
            .map(lambda x: (x, tf.as_string(x)))
            .cache(os.path.join(d, "cache"))
            .repeat(2)
        ),
        epochs=2,
    ),
    ReaderCase(
        "cache_file_strings",
        _LINES,
        lambda tf, d: (
            tf.data.TextLineDataset(_paths(d, "l2.txt"))
            .cache(os.path.join(d, "lines"))
            .batch(3)
            .repeat(2)
        ),
    ),
]

BY_NAME = {case.name: case for case in CASES}
