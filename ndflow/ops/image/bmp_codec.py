"""BMP decoding exactly as TF's DecodeBmp (decode_image_op.cc): uncompressed 8/24/32-bit
rows read from the header's offsets (no palette lookup), BGR(A) to RGB(A), bottom-up unless
the height is negative, and the file size checked against the rows."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _header(data: bytes):
    if len(data) < 32:
        raise _invalid(
            "Incomplete bmp content, requires at least 32 bytes to find the header size, "
            f"width, height, and bpp, got {len(data)} bytes"
        )
    (header_size,) = np.frombuffer(data, "<i4", 1, 10)
    width, height = np.frombuffer(data, "<i4", 2, 18)
    (bpp,) = np.frombuffer(data, "<i2", 1, 28)
    return int(header_size), int(width), int(height), int(bpp)


def decode(data: bytes, channels: int = 0) -> np.ndarray:
    """uint8 [abs(height), width, channels] from an uncompressed BMP."""
    if channels == 1:
        raise _invalid(f"`channels` must be 0, 3 or 4 for BMP, but got {channels}")
    header_size, width, height, bpp = _header(data)
    img_channels = bpp // 8
    if img_channels not in (1, 3, 4):
        raise _invalid(
            f"Number of channels inherent in the image must be 1, 3 or 4, was {img_channels}"
        )
    requested = channels or img_channels
    if width <= 0:
        raise _invalid("Width must be positive")
    if height == 0:
        raise _invalid("Height must be nonzero")
    if header_size < 0:
        raise _invalid("header size must be nonnegative")
    if width * abs(height) >= (2**31 - 1) // 8:
        raise _invalid("Total possible pixel bytes must be less than 2^30")
    rows = abs(height)
    row_size = (img_channels * width + 3) // 4 * 4
    size_diff = len(data) - header_size - row_size * rows
    if size_diff != 0:
        raise _invalid(
            "Input size should match (header_size + row_size * abs_height) but they differ "
            f"by {size_diff}"
        )
    pixels = np.frombuffer(data, np.uint8, row_size * rows, header_size).reshape(rows, row_size)
    pixels = pixels[:, : width * img_channels].reshape(rows, width, img_channels)
    if height > 0:
        pixels = pixels[::-1]
    return _to_channels(pixels, img_channels, requested)


def _to_channels(pixels, img_channels, requested):
    if img_channels == 1:
        out = np.repeat(pixels, 3, axis=-1) if requested in (3, 4) else pixels
    else:
        out = pixels[..., [2, 1, 0]]
        if img_channels == 4 and requested == 4:
            return np.concatenate([out, pixels[..., 3:4]], axis=-1)
    if requested == 4:
        opaque = np.full(out.shape[:-1] + (1,), 255, np.uint8)
        return np.concatenate([out, opaque], axis=-1)
    return np.ascontiguousarray(out)
