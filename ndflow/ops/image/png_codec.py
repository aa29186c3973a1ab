"""PNG decoding and encoding with TF's libpng transformations (tensorflow/core/lib/png/
png_io.cc): channel counts, tRNS to alpha, 8 <-> 16 bit depth, libpng's fixed-point
RGB -> gray, gray -> RGB.

Raw samples come from Pillow, except for 16-bit colour images, which Pillow narrows to
8 bits: those are inflated with zlib and unfiltered here (the Sub/Average/Paeth recurrences
run along anti-diagonals, vectorized over each one). Encoding writes the chunks directly
(zlib deflate of unfiltered rows), which covers 8/16-bit and 1-4 channels.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib

import numpy as np

from ndflow.framework import errors

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INIT_FAILED = "Invalid PNG. Failed to initialize decoder."
_GRAY, _RGB, _PALETTE, _GRAY_ALPHA, _RGB_ALPHA = 0, 2, 3, 4, 6
_SAMPLES = {_GRAY: 1, _RGB: 3, _PALETTE: 1, _GRAY_ALPHA: 2, _RGB_ALPHA: 4}
_ADAM7 = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


@dataclasses.dataclass
class Header:
    width: int
    height: int
    bit_depth: int
    color_type: int
    interlace: int
    palette: np.ndarray | None
    transparency: bytes | None
    idat: bytes | None  # None when the file ends inside the image data


def read_header(data: bytes) -> Header:
    """Parses the chunks (CRCs of critical chunks checked): IHDR, PLTE, tRNS, IDAT."""
    if not data.startswith(SIGNATURE):
        raise _invalid(_INIT_FAILED)
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise _invalid(_INIT_FAILED)
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    valid_depths = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
    if depth not in valid_depths.get(color, ()) or width <= 0 or height <= 0:
        raise _invalid(_INIT_FAILED)
    found = {name: body for name, body in chunks if name in (b"PLTE", b"tRNS")}
    truncated = any(body is None for _, body in chunks)
    idat = None if truncated else b"".join(body for name, body in chunks if name == b"IDAT")
    if color == _PALETTE and b"PLTE" not in found:
        raise _invalid(_INIT_FAILED)
    palette = None
    if b"PLTE" in found:
        palette = np.frombuffer(found[b"PLTE"], np.uint8)[: len(found[b"PLTE"]) // 3 * 3]
        palette = palette.reshape(-1, 3)
    return Header(width, height, depth, color, interlace, palette, found.get(b"tRNS"), idat)


def _chunks(data: bytes):
    """(type, body) pairs up to IEND; a bad critical chunk or truncation before the first
    IDAT fails initialization, as in libpng's png_read_info."""
    chunks, position = [], len(SIGNATURE)
    while position + 8 <= len(data):
        length, name = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        crc = data[position + 8 + length : position + 12 + length]
        if len(body) != length or len(crc) != 4:
            if name == b"IDAT":
                chunks.append((b"IDAT", None))  # data cut short: a read error, not an init one
            break
        critical = name[:1].isupper()
        if critical and zlib.crc32(name + body) != int.from_bytes(crc, "big"):
            raise _invalid(_INIT_FAILED)
        chunks.append((name, body))
        position += 12 + length
        if name == b"IEND":
            break
    if not any(name == b"IDAT" for name, _ in chunks):
        raise _invalid(_INIT_FAILED)
    return chunks


def native_channels(header: Header) -> int:
    """TF's autodetected channel count (a palette with tRNS gives RGBA)."""
    if header.color_type == _PALETTE:
        return 4 if header.transparency is not None else 3
    return _SAMPLES[header.color_type]


def decode(data: bytes, channels: int = 0, bits: int = 8) -> np.ndarray:
    """TF's DecodePng: [height, width, channels] uint8 (bits 8) or uint16 (bits 16)."""
    header = read_header(data)
    if (
        header.width >= 1 << 27
        or header.height >= 1 << 27
        or header.width * header.height >= (1 << 29)
    ):
        raise _invalid(f"PNG size too large for int: {header.width} by {header.height}")
    channels = channels or native_channels(header)
    if header.idat is None:
        raise _invalid(f"Invalid PNG data, size {len(data)}")
    samples = _raw_samples(data, header)
    color, alpha = _split_alpha(samples, header)
    if channels % 2 == 0:
        color = np.concatenate([color, alpha], axis=-1)
    return _finish(color, header, channels, bits)


def _finish(values, header, channels, bits):
    """Gray <-> RGB as wanted, then the bit depth (rgb_to_gray runs before strip_16)."""
    want_gray = channels < 3
    is_gray = values.shape[-1] in (1, 2)
    depth = 16 if header.bit_depth == 16 else 8
    if want_gray and not is_gray:
        gray = _rgb_to_gray(values[..., :3], depth)
        values = np.concatenate([gray, values[..., 3:]], axis=-1)
    elif not want_gray and is_gray:
        values = np.concatenate([np.repeat(values[..., :1], 3, axis=-1), values[..., 1:]], -1)
    if depth == 16 and bits == 8:
        return (values >> 8).astype(np.uint8)
    if depth == 8 and bits == 16:
        return (values.astype(np.uint16) * 257).astype(np.uint16)
    return values.astype(np.uint16 if bits == 16 else np.uint8)


# libpng's png_set_rgb_to_gray(png_ptr, 1, 0.299, 0.587): 15-bit fixed-point coefficients.
_RED = 29900 * 32768 // 100000
_GREEN = 58700 * 32768 // 100000
_BLUE = 32768 - _RED - _GREEN


def _rgb_to_gray(rgb, depth):
    """libpng's png_do_rgb_to_gray without gamma: equal channels pass through."""
    wide = rgb.astype(np.int64)
    red, green, blue = wide[..., 0], wide[..., 1], wide[..., 2]
    total = _RED * red + _GREEN * green + _BLUE * blue
    if depth == 16:
        total = total + 16384
    gray = np.where((red == green) & (red == blue), red, total >> 15)
    return gray[..., None]


def _split_alpha(samples, header):
    """(colour channels, alpha channel) at the native depth (8 for <= 8-bit images)."""
    if header.color_type in (_GRAY_ALPHA, _RGB_ALPHA):
        return samples[..., :-1], samples[..., -1:]
    # TF adds alpha with png_set_add_alpha((1 << bit_depth) - 1): for 1/2/4-bit images that
    # filler is 1, 3 or 15, not opaque.
    filler = (1 << header.bit_depth) - 1
    if header.color_type == _PALETTE:
        colors, alpha = _expand_palette(samples[..., 0], header)
        if header.transparency is None:
            alpha = np.full_like(alpha, filler)
        return colors, alpha
    if header.transparency is None:
        return samples, np.full(samples.shape[:-1] + (1,), filler, samples.dtype)
    opaque = np.full(
        samples.shape[:-1] + (1,), 65535 if header.bit_depth == 16 else 255, samples.dtype
    )
    key = _transparent_key(header)
    if key is None:
        return samples, opaque
    hidden = np.all(samples == key, axis=-1, keepdims=True)
    return samples, np.where(hidden, np.zeros((), samples.dtype), opaque)


def _transparent_key(header):
    body = header.transparency
    count = 1 if header.color_type == _GRAY else 3
    if len(body) < 2 * count:
        return None
    key = np.array(struct.unpack(f">{count}H", body[: 2 * count]), np.int64)
    if header.bit_depth < 8:
        key = (key & ((1 << header.bit_depth) - 1)) * (255 // ((1 << header.bit_depth) - 1))
    return key


def _expand_palette(indices, header):
    palette = header.palette
    alphas = np.full(256, 255, np.uint8)
    if header.transparency is not None:
        table = np.frombuffer(header.transparency, np.uint8)[:256]
        alphas[: len(table)] = table
    full = np.zeros((256, 3), np.uint8)
    full[: len(palette)] = palette[:256]
    return full[indices], alphas[indices][..., None]


# ---------------------------------------------------------------------- raw samples


def _raw_samples(data, header):
    """[height, width, samples] at native depth (1/2/4-bit gray scaled to 8 bits)."""
    if header.bit_depth == 16 and header.color_type != _GRAY:
        return _inflate_16(data, header)
    return _pillow_samples(data, header)


def _pillow_samples(data, header):
    from PIL import Image  # noqa: PLC0415 - heavy optional dependency

    try:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        image.load()
    except Exception:  # noqa: BLE001 - libpng's read errors are TF's InvalidArgument
        raise _invalid(f"Invalid PNG data, size {len(data)}") from None
    values = np.asarray(image)
    if image.mode == "1":
        values = values.astype(np.uint8) * 255
    if values.ndim == 2:
        values = values[..., None]
    return values.astype(np.uint16) if header.bit_depth == 16 else values


def _inflate_16(data, header):
    try:
        raw = np.frombuffer(zlib.decompress(header.idat), np.uint8)
    except zlib.error:
        raise _invalid(f"Invalid PNG data, size {len(data)}") from None
    samples = _SAMPLES[header.color_type]
    passes = _ADAM7 if header.interlace else [(0, 0, 1, 1)]
    image = np.zeros((header.height, header.width, samples), np.uint16)
    offset = 0
    for x0, y0, dx, dy in passes:
        width = -(-(header.width - x0) // dx) if header.width > x0 else 0
        height = -(-(header.height - y0) // dy) if header.height > y0 else 0
        if width == 0 or height == 0:
            continue
        size = height * (width * samples * 2 + 1)
        chunk = raw[offset : offset + size]
        if len(chunk) != size:
            raise _invalid(f"Invalid PNG data, size {len(data)}")
        offset += size
        pixels = _unfilter(chunk.reshape(height, -1), samples * 2)
        pixels = pixels.reshape(height, width, samples, 2).astype(np.uint16)
        image[y0::dy, x0::dx] = (pixels[..., 0] << 8) | pixels[..., 1]
    return image


def _unfilter(rows, bpp):
    """Undoes the PNG row filters. Pixel (r, p) needs (r, p-1), (r-1, p) and (r-1, p-1), so
    each anti-diagonal r + p = d is computed at once from the previous two."""
    kinds = rows[:, 0].astype(np.int64)
    if np.any(kinds > 4):
        raise _invalid("Invalid PNG data: bad filter type")
    height = rows.shape[0]
    filtered = rows[:, 1:].reshape(height, -1, bpp).astype(np.int64)
    width = filtered.shape[1]
    out = np.zeros((height + 1, width + 1, bpp), np.int64)  # a zero row above, column left
    for diagonal in range(height + width - 1):
        r = np.arange(max(0, diagonal - width + 1), min(height, diagonal + 1))
        p = diagonal - r
        left, up, corner = out[r + 1, p], out[r, p + 1], out[r, p]
        kind = kinds[r][:, None]
        predictor = np.select(
            [kind == 1, kind == 2, kind == 3, kind == 4],
            [left, up, (left + up) >> 1, _paeth(left, up, corner)],
            0,
        )
        out[r + 1, p + 1] = (filtered[r, p] + predictor) & 0xFF
    return out[1:, 1:].reshape(height, -1).astype(np.uint8)


def _paeth(a, b, c):
    estimate = a + b - c
    pa, pb, pc = np.abs(estimate - a), np.abs(estimate - b), np.abs(estimate - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


# ---------------------------------------------------------------------- encoding


def encode(image: np.ndarray, compression: int = -1) -> bytes:
    """A PNG of a [height, width, 1-4] uint8 or uint16 image (filter None, zlib level
    `compression`, -1 = zlib's default)."""
    height, width, channels = image.shape
    color = {1: _GRAY, 2: _GRAY_ALPHA, 3: _RGB, 4: _RGB_ALPHA}[channels]
    depth = 16 if image.dtype == np.uint16 else 8
    samples = image.astype(">u2") if depth == 16 else image
    rows = np.ascontiguousarray(samples).view(np.uint8).reshape(height, -1)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    body = zlib.compress(raw, compression)
    return SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def _chunk(name: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(name + body).to_bytes(4, "big")
    return len(body).to_bytes(4, "big") + name + body + crc
