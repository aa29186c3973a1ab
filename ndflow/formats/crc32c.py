"""Masked CRC32C, the checksum of TFRecord framing (TensorFlow's `crc32c::Mask`).

The checksum itself comes from the C-accelerated `crc32c` package; masking rotates it and adds
a constant so that a CRC of data that itself contains CRCs stays well distributed.
"""

from __future__ import annotations

_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF

# The `crc32c` package's __init__ reads its own version through importlib.metadata, which
# costs more than the rest of `import ndflow`'s file formats together: load it on first use.
_crc32c = None


def _checksum():
    global _crc32c
    import crc32c  # deferred: see above

    _crc32c = crc32c.crc32c
    return _crc32c


def value(data) -> int:
    """The CRC32C (Castagnoli) of `data` (bytes-like)."""
    return (_crc32c or _checksum())(data)


def mask(crc: int) -> int:
    """TensorFlow's `crc32c::Mask`: rotate right by 15 bits, then add a constant."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _U32


def unmask(masked: int) -> int:
    """The inverse of `mask`."""
    rotated = (masked - _MASK_DELTA) & _U32
    return ((rotated >> 17) | (rotated << 15)) & _U32


def masked_value(data) -> int:
    """`mask(value(data))`: the 32-bit checksum TFRecord stores after length and data."""
    crc = (_crc32c or _checksum())(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _U32


def extend(crc: int, data) -> int:
    """TensorFlow's `crc32c::Extend`: the CRC32C of the bytes behind `crc` followed by `data`."""
    return (_crc32c or _checksum())(data, crc)
