"""TFRecord framing, compression, streaming and errors (ndflow/formats/tfrecord.py).

The fixtures in tests/fixtures/tfrecord were written by TensorFlow 2.21; expected.json records
what TensorFlow read from them, including the errors for the corrupt and truncated files.
"""

from __future__ import annotations

import base64
import gzip
import json
import pathlib
import zlib

import pytest

from ndflow.formats import tfrecord
from ndflow.framework import errors

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "tfrecord"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
RECORDS = [base64.b64decode(item) for item in EXPECTED["raw_records_b64"]]


@pytest.mark.parametrize(
    "name, compression",
    [("plain.tfrecord", ""), ("gzip.tfrecord.gz", "GZIP"), ("zlib.tfrecord", "ZLIB")],
)
def test_tensorflow_written_files_read_back(name, compression):
    assert list(tfrecord.RecordReader(FIXTURES / name, compression)) == RECORDS


@pytest.mark.parametrize(
    "name", ["corrupt_crc.tfrecord", "truncated.tfrecord", "truncated_header.tfrecord"]
)
def test_broken_files_behave_as_tensorflow(name):
    expected = EXPECTED["error_behaviour"][name]["tf.compat.v1.io.tf_record_iterator"]
    yielded = []
    reader = tfrecord.RecordReader(FIXTURES / name)
    if expected["error_class"] is None:
        yielded.extend(reader)
    else:
        error_class = getattr(errors, expected["error_class"])
        with pytest.raises(error_class) as info:
            yielded.extend(reader)
        message = str(info.value)
        assert message.startswith(expected["error_message"])
        assert str(FIXTURES / name) in message
        assert f"record index {expected['records_yielded_before_error']}" in message
    assert yielded == RECORDS[: expected["records_yielded_before_error"]]


def test_corrupt_header_crc_names_the_record_offset(tmp_path):
    data = bytearray((FIXTURES / "plain.tfrecord").read_bytes())
    data[958 + 9] ^= 1  # the length CRC of record 10
    path = tmp_path / "bad_header.tfrecord"
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match=r"^corrupted record at 958 \(record index 10"):
        list(tfrecord.RecordReader(path))


@pytest.mark.parametrize(
    "cut, count, error",
    [
        (958, 10, None),
        (966, 10, None),
        (970, 10, "truncated record at 958"),
        (1045, 10, "truncated record at 958"),
        (1047, 11, None),
    ],
)
def test_cuts_at_every_part_of_a_record(tmp_path, cut, count, error):
    path = tmp_path / "cut.tfrecord"
    path.write_bytes((FIXTURES / "plain.tfrecord").read_bytes()[:cut])
    reader = tfrecord.RecordReader(path)
    got = []
    if error is None:
        got.extend(reader)
    else:
        with pytest.raises(errors.DataLossError, match=error):
            got.extend(reader)
    assert len(got) == count


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_writer_output_reads_back_and_streams_across_chunks(tmp_path, compression, monkeypatch):
    monkeypatch.setattr(tfrecord, "_CHUNK_SIZE", 64)  # records straddle many refills
    path = tmp_path / "out.tfrecord"
    records = [bytes([i % 251]) * (i * 7) for i in range(60)]
    with tfrecord.RecordWriter(path, compression) as writer:
        for record in records:
            writer.write(record)
        writer.flush()
    assert list(tfrecord.RecordReader(path, compression)) == records


def test_compressed_files_are_real_gzip_and_zlib(tmp_path):
    for compression, decompress in (("GZIP", gzip.decompress), ("ZLIB", zlib.decompress)):
        path = tmp_path / f"{compression}.tfrecord"
        with tfrecord.RecordWriter(path, compression) as writer:
            writer.write(b"abc")
        assert decompress(path.read_bytes()) == tfrecord.encode_record(b"abc")


def test_plain_writer_reproduces_tensorflow_bytes(tmp_path):
    path = tmp_path / "plain.tfrecord"
    with tfrecord.RecordWriter(path) as writer:
        for record in RECORDS:
            writer.write(record)
    assert path.read_bytes() == (FIXTURES / "plain.tfrecord").read_bytes()


def test_reader_resumes_from_offset_and_index():
    reader = tfrecord.RecordReader(FIXTURES / "gzip.tfrecord.gz", "GZIP")
    stream = iter(reader)
    first = [next(stream) for _ in range(3)]
    resumed = tfrecord.RecordReader(
        FIXTURES / "gzip.tfrecord.gz", "GZIP", offset=reader.offset, index=reader.index
    )
    assert first + list(resumed) == RECORDS


def test_concatenated_gzip_members_read_as_one_stream(tmp_path):
    path = tmp_path / "two.tfrecord.gz"
    path.write_bytes(
        gzip.compress(tfrecord.encode_record(b"one")) + gzip.compress(tfrecord.encode_record(b"2"))
    )
    assert list(tfrecord.RecordReader(path, "GZIP")) == [b"one", b"2"]


def test_wrong_compression_is_data_loss():
    with pytest.raises(errors.DataLossError, match="inflate\\(\\) failed with error -3"):
        list(tfrecord.RecordReader(FIXTURES / "plain.tfrecord", "GZIP"))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(errors.NotFoundError, match="No such file or directory"):
        tfrecord.RecordReader(tmp_path / "missing.tfrecord")
    with pytest.raises(errors.FailedPreconditionError, match="Is a directory"):
        tfrecord.RecordReader(tmp_path)


def test_writer_errors(tmp_path):
    with pytest.raises(errors.NotFoundError):
        tfrecord.RecordWriter(tmp_path / "no" / "dir" / "x.tfrecord")
    with pytest.raises(ValueError, match='Not a valid compression_type: "BZ2"'):
        tfrecord.RecordWriter(tmp_path / "x.tfrecord", "BZ2")
    writer = tfrecord.RecordWriter(tmp_path / "x.tfrecord")
    writer.write("text is UTF-8")
    with pytest.raises(TypeError):
        writer.write(123)
    writer.close()
    writer.close()
    with pytest.raises(errors.FailedPreconditionError, match="Writer is closed."):
        writer.write(b"late")
    assert list(tfrecord.RecordReader(tmp_path / "x.tfrecord")) == [b"text is UTF-8"]


def test_empty_file_has_no_records(tmp_path):
    path = tmp_path / "empty.tfrecord"
    path.write_bytes(b"")
    assert list(tfrecord.RecordReader(path)) == []


@pytest.mark.parametrize(
    "name, compression",
    [("plain.tfrecord", ""), ("gzip.tfrecord.gz", "GZIP"), ("zlib.tfrecord", "ZLIB")],
)
def test_open_input_streams_decompressed_bytes(name, compression):
    stream = tfrecord.open_input(FIXTURES / name, compression)
    try:
        data = b"".join(iter(lambda: stream.read(100), b""))
        assert stream.fileno() >= 0
    finally:
        stream.close()
    assert data == (FIXTURES / "plain.tfrecord").read_bytes()
