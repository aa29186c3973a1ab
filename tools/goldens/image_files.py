"""Small image files for the image goldens, written into tests/golden/image/files/.

PNG and JPEG files come from TF's own encoders (passed in as `tf`), GIF and BMP from Pillow,
and PNGs TF cannot write (palettes, tRNS, low bit depths, every row filter, Adam7
interlacing, 16-bit colour) from the small writer below. Every file is deterministic.
"""

from __future__ import annotations

import io
import pathlib
import struct
import subprocess
import sys
import zlib

import numpy as np

FILES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "golden" / "image" / "files"
_ADAM7 = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
]


def _gradient(height, width, channels, top=255, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    planes = [(y * 7 + x * 3 + 40 * c) % (top + 1) for c in range(channels)]
    image = np.stack(planes, axis=-1).astype(np.int64)
    noise = rng.integers(0, max(2, top // 16), size=image.shape)
    return np.clip(image + noise, 0, top)


def _chunk(name, body):
    return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _filter_rows(raw, bpp):
    """Filters each row with type (row index % 5): every PNG filter gets exercised."""
    out = bytearray()
    previous = bytes(len(raw[0]))
    for index, row in enumerate(raw):
        kind = index % 5
        out.append(kind)
        for i, value in enumerate(row):
            left = row[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            predictor = [0, left, up, (left + up) // 2, _paeth(left, up, corner)][kind]
            out.append((value - predictor) & 0xFF)
        previous = row
    return bytes(out)


def _pack_rows(samples, depth):
    """[h, w, s] samples -> rows of bytes at `depth` bits per sample (big-endian)."""
    height = samples.shape[0]
    flat = samples.reshape(height, -1)
    if depth == 16:
        return [row.astype(">u2").tobytes() for row in flat]
    if depth == 8:
        return [row.astype(np.uint8).tobytes() for row in flat]
    bits = np.unpackbits(flat.astype(np.uint8)[..., None], axis=-1)[..., 8 - depth :]
    return [np.packbits(row.reshape(-1)).tobytes() for row in bits]


def write_png(samples, depth, color, interlace=False, palette=None, trns=None):
    """A PNG of raw samples [h, w, s] (any colour type and depth), filters cycling."""
    height, width, count = samples.shape
    bpp = max(1, count * depth // 8)
    passes = _ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = b""
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.size:
            raw += _filter_rows(_pack_rows(sub, depth), bpp)
    body = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace))
    if palette is not None:
        body += _chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        body += _chunk(b"tRNS", trns)
    body += _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _handmade_pngs():
    palette = _gradient(16, 3, 1, seed=5)[..., 0].reshape(-1)[:48].reshape(16, 3) * 16 % 256
    indices = _gradient(9, 11, 1, top=15, seed=6)
    gray16 = _gradient(7, 9, 1, top=65535, seed=7)
    rgb16 = _gradient(10, 13, 3, top=65535, seed=8)
    return {
        "rgb16_filters.png": write_png(rgb16, 16, 2),
        "rgba16_interlaced.png": write_png(_gradient(11, 9, 4, top=65535, seed=9), 16, 6, True),
        "ga16.png": write_png(_gradient(6, 5, 2, top=65535, seed=10), 16, 4),
        "rgb16_trns.png": write_png(rgb16, 16, 2, trns=struct.pack(">HHH", *rgb16[0, 0].tolist())),
        "rgb8_interlaced.png": write_png(_gradient(13, 10, 3, seed=11), 8, 2, True),
        "gray16_trns.png": write_png(gray16, 16, 0, trns=struct.pack(">H", int(gray16[1, 1, 0]))),
        "gray2.png": write_png(_gradient(5, 7, 1, top=3, seed=12), 2, 0),
        "gray4_trns.png": write_png(_gradient(6, 7, 1, top=15, seed=13), 4, 0, trns=b"\x00\x05"),
        "gray1.png": write_png(_gradient(4, 10, 1, top=1, seed=14), 1, 0),
        "palette4.png": write_png(indices, 4, 3, palette=palette),
        "palette8_trns.png": write_png(
            indices, 8, 3, palette=palette, trns=bytes(range(0, 160, 20))
        ),
        "rgb8_trns.png": write_png(
            _gradient(5, 6, 3, seed=15), 8, 2, trns=struct.pack(">HHH", 47, 87, 127)
        ),
    }


def _tf_files(tf):
    """PNG and JPEG files from TF's encoders (run eagerly through a Session)."""
    images = {
        "gray8.png": (_gradient(9, 7, 1), "png", {}),
        "ga8.png": (_gradient(6, 8, 2), "png", {}),
        "rgb8.png": (_gradient(12, 10, 3), "png", {}),
        "rgba8.png": (_gradient(8, 6, 4), "png", {}),
        "rgb16.png": (_gradient(7, 9, 3, top=65535), "png16", {}),
        "rgb420.jpg": (_gradient(37, 45, 3), "jpeg", {"quality": 90}),
        "rgb444.jpg": (_gradient(19, 23, 3), "jpeg", {"chroma_downsampling": False}),
        "gray.jpg": (_gradient(17, 21, 1), "jpeg", {}),
        "progressive.jpg": (_gradient(24, 31, 3), "jpeg", {"progressive": True}),
        "big420.jpg": (_gradient(64, 48, 3), "jpeg", {"quality": 75}),
    }
    files = {}
    with tf.Graph().as_default(), tf.Session() as sess:
        for name, (pixels, kind, options) in images.items():
            if kind == "jpeg":
                op = tf.image.encode_jpeg(pixels.astype(np.uint8), **options)
            else:
                dtype = np.uint16 if kind == "png16" else np.uint8
                op = tf.image.encode_png(pixels.astype(dtype))
            files[name] = sess.run(op)
    return files


def _pillow_files():
    from PIL import Image

    frames = []
    for k in range(3):
        pixels = _gradient(12, 14, 3, seed=20).astype(np.uint8)
        pixels[2 + k : 6 + k, 3:8] = [255, 0, 0]
        frames.append(Image.fromarray(pixels).quantize(16, dither=Image.Dither.NONE))
    files = {}
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=50)
    files["animated.gif"] = buffer.getvalue()
    buffer = io.BytesIO()
    frames[1].save(buffer, format="GIF", interlace=True)
    files["single.gif"] = buffer.getvalue()
    buffer = io.BytesIO()
    still = frames[2].copy()
    still.info["transparency"] = 3
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=[still],
        transparency=3,
        disposal=1,
        optimize=False,
    )
    files["transparent.gif"] = buffer.getvalue()
    for name, mode in [("rgb24.bmp", "RGB"), ("rgba32.bmp", "RGBA"), ("gray8.bmp", "L")]:
        pixels = _gradient(5, 7, {"RGB": 3, "RGBA": 4, "L": 1}[mode], seed=21).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode).save(buffer, "BMP")
        files[name] = buffer.getvalue()
    files["topdown24.bmp"] = _top_down(files["rgb24.bmp"])
    return files


def _top_down(bmp: bytes) -> bytes:
    """The same BMP stored top-down (negative height, rows reversed)."""
    offset = struct.unpack("<i", bmp[10:14])[0]
    width, height = struct.unpack("<ii", bmp[18:26])
    row = (3 * width + 3) // 4 * 4
    rows = [bmp[offset + i * row : offset + (i + 1) * row] for i in range(height)]
    header = bmp[:22] + struct.pack("<i", -height) + bmp[26:offset]
    return header + b"".join(reversed(rows))


def _pillow_files_in_subprocess():
    """Pillow's libjpeg must not load into the TensorFlow process (their libjpeg symbols
    clash and crash TF's decoder), so Pillow writes its files from a child process."""
    names = subprocess.run(
        [sys.executable, "-m", "goldens.image_files"],
        cwd=pathlib.Path(__file__).resolve().parents[1],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {name: (FILES / name).read_bytes() for name in names}


def write_all(tf) -> dict:
    """Writes every fixture file; returns {name: bytes}."""
    FILES.mkdir(parents=True, exist_ok=True)
    files = {**_tf_files(tf), **_pillow_files_in_subprocess(), **_handmade_pngs()}
    jpeg = files["rgb420.jpg"]
    files["truncated.jpg"] = jpeg[: len(jpeg) * 2 // 3]
    files["corrupt.jpg"] = jpeg[:300] + bytes(200) + jpeg[500:]
    files["truncated.png"] = files["rgb8.png"][:-30]
    files["truncated.gif"] = files["animated.gif"][:-40]
    files["short.bmp"] = files["rgb24.bmp"][:-3]
    files["unknown.bin"] = b"not an image at all"
    for name, data in files.items():
        (FILES / name).write_bytes(data)
    return files


if __name__ == "__main__":
    FILES.mkdir(parents=True, exist_ok=True)
    for _name, _data in _pillow_files().items():
        (FILES / _name).write_bytes(_data)
        print(_name)
