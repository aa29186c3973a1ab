"""Masked CRC32C (ndflow/formats/crc32c.py) against known values and TFRecord headers."""

from __future__ import annotations

import pathlib
import struct

from ndflow.formats import crc32c

FIXTURE = (
    pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "tfrecord" / "plain.tfrecord"
)


def test_crc32c_of_known_strings():
    # RFC 3720 (iSCSI) test vectors for CRC32C.
    assert crc32c.value(b"") == 0
    assert crc32c.value(b"123456789") == 0xE3069283
    assert crc32c.value(bytes(32)) == 0x8A9136AA
    assert crc32c.value(bytes([0xFF] * 32)) == 0x62A8AB43


def test_mask_round_trips_and_differs():
    for crc in (0, 1, 0xE3069283, 0xFFFFFFFF, 0x12345678):
        assert crc32c.unmask(crc32c.mask(crc)) == crc
        assert 0 <= crc32c.mask(crc) <= 0xFFFFFFFF
    assert crc32c.mask(0xE3069283) != 0xE3069283


def test_masked_value_matches_tensorflow_written_headers():
    data = FIXTURE.read_bytes()
    length, stored = struct.unpack_from("<QI", data, 0)
    assert crc32c.masked_value(data[:8]) == stored
    (stored_data,) = struct.unpack_from("<I", data, 12 + length)
    assert crc32c.masked_value(data[12 : 12 + length]) == stored_data
