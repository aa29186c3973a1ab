"""GIF decoding as TF does it (tensorflow/core/lib/gif/gif_io.cc over giflib's DGifSlurp):
the canvas is the largest frame; each frame starts from the previous one (the first from
black), paints its rectangle from its colour map and skips its transparent index. Disposal
methods are ignored, as in TF.

The blocks are parsed here; each frame's LZW data is decoded by Pillow, wrapped in a
minimal one-frame GIF so that Pillow returns the raw palette indices.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np

from ndflow.framework import errors

_READ_FAILED = "Failed to read from given file"
_NOT_GIF = "Data is not in GIF format"
_DEFECT = "Image is defective, decoding aborted"
_WRONG_RECORD = "Wrong record type detected"
_NO_SCREEN = "No screen descriptor detected"


class GifError(Exception):
    """A giflib-style failure; the message is giflib's error string."""


@dataclasses.dataclass
class Frame:
    left: int
    top: int
    width: int
    height: int
    interlaced: bool
    colors: np.ndarray | None
    transparent: int | None
    lzw: bytes


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.position = 0

    def take(self, count: int) -> bytes:
        chunk = self.data[self.position : self.position + count]
        if len(chunk) != count:
            raise GifError(_READ_FAILED)
        self.position += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def sub_blocks(self) -> bytes:
        parts = []
        while True:
            size = self.byte()
            if size == 0:
                return b"".join(parts)
            parts.append(self.take(size))


def _color_table(reader: _Reader, flags: int):
    if not flags & 0x80:
        return None
    count = 2 ** ((flags & 0x07) + 1)
    return np.frombuffer(reader.take(3 * count), np.uint8).reshape(count, 3)


def parse(data: bytes):
    """(global colour map, frames) of a GIF; GifError with giflib's message on failure.
    Data that ends early keeps the frames read completely (TF's giflib does the same)."""
    reader = _Reader(data)
    if reader.take(6)[:3] != b"GIF":
        raise GifError(_NOT_GIF)
    try:
        _, _, flags, _, _ = np.frombuffer(reader.take(7), np.uint8)[[0, 2, 4, 5, 6]]
        global_colors = _color_table(reader, int(flags))
    except GifError:
        raise GifError(_NO_SCREEN) from None
    frames = []
    try:
        _read_frames(reader, frames)
    except GifError as err:
        if str(err) != _READ_FAILED or not frames:
            raise
    return global_colors, frames


def _read_frames(reader, frames):
    transparent = None
    while True:
        kind = reader.byte()
        if kind == 0x3B:
            return
        if kind == 0x21:
            transparent = _extension(reader, transparent)
            continue
        if kind != 0x2C:
            raise GifError(_WRONG_RECORD)
        frames.append(_frame(reader, transparent))
        transparent = None


def _extension(reader, transparent):
    label = reader.byte()
    body = reader.sub_blocks()
    if label == 0xF9 and len(body) >= 4:
        return body[3] if body[0] & 0x01 else None
    return transparent


def _frame(reader, transparent):
    left, top, width, height = np.frombuffer(reader.take(8), "<u2").tolist()
    flags = reader.byte()
    colors = _color_table(reader, flags)
    min_code_size = reader.byte()
    lzw = bytes([min_code_size]) + _packed(reader.sub_blocks())
    return Frame(left, top, width, height, bool(flags & 0x40), colors, transparent, lzw)


def _packed(payload: bytes) -> bytes:
    """Sub-blocks again (at most 255 bytes each), terminated."""
    blocks = [payload[i : i + 255] for i in range(0, len(payload), 255)]
    return b"".join(bytes([len(b)]) + b for b in blocks) + b"\x00"


def _indices(frame: Frame) -> np.ndarray:
    """The frame's palette indices, [height, width], decoded by Pillow."""
    from PIL import Image  # noqa: PLC0415 - heavy optional dependency

    if frame.width == 0 or frame.height == 0:
        return np.zeros((frame.height, frame.width), np.uint8)
    size = frame.width.to_bytes(2, "little") + frame.height.to_bytes(2, "little")
    # A non-grey 256-entry palette keeps Pillow in "P" mode (raw indices).
    palette = np.stack([np.arange(256), 255 - np.arange(256), np.zeros(256)], axis=1)
    header = b"GIF89a" + size + b"\xf7\x00\x00" + palette.astype(np.uint8).tobytes()
    descriptor = b"\x2c\x00\x00\x00\x00" + size + (b"\x40" if frame.interlaced else b"\x00")
    try:
        image = Image.open(io.BytesIO(header + descriptor + frame.lzw + b"\x3b"))
        image.load()
    except Exception:  # noqa: BLE001 - giflib reports any LZW failure as a defect
        raise GifError(_DEFECT) from None
    values = np.asarray(image)
    if values.shape != (frame.height, frame.width):
        raise GifError(_DEFECT)
    return values


def decode(data: bytes, expand_animations: bool = True) -> np.ndarray:
    """[frames, height, width, 3] uint8 (one frame when not expanding animations)."""
    size = len(data)
    try:
        global_colors, frames = parse(data)
    except GifError as err:
        opening = str(err) in (_NOT_GIF, _NO_SCREEN) or len(data) < 6
        prefix = "failed to open gif file" if opening else "failed to slurp gif file"
        raise _invalid(size, f"{prefix}: {err}") from None
    if not frames:
        raise _invalid(size, "gif file does not contain any image")
    height = max(frame.height for frame in frames)
    width = max(frame.width for frame in frames)
    count = len(frames) if expand_animations else 1
    canvas = np.zeros((count, height, width, 3), np.uint8)
    for index in range(count):
        if index > 0:
            canvas[index] = canvas[index - 1]
        _paint(canvas[index], frames[index], global_colors, index, size)
    return canvas


def frame_count(data: bytes) -> int:
    try:
        return len(parse(data)[1])
    except GifError:
        return 0


def _paint(target, frame, global_colors, index, size):
    colors = frame.colors if frame.colors is not None else global_colors
    if colors is None:
        raise _invalid(size, f"missing color map for frame {index}")
    try:
        indices = _indices(frame)
    except GifError as err:
        raise _invalid(size, f"failed to slurp gif file: {err}") from None
    height, width = target.shape[:2]
    top, left = max(frame.top, 0), max(frame.left, 0)
    bottom, right = min(frame.top + frame.height, height), min(frame.left + frame.width, width)
    if bottom <= top or right <= left:
        return
    window = indices[top - frame.top : bottom - frame.top, left - frame.left : right - frame.left]
    keep = window == frame.transparent if frame.transparent is not None else window < 0
    shown = window[~keep]
    if shown.size and int(shown.max()) >= len(colors):
        raise _invalid(
            size,
            f"found color index {int(shown.max())} outside of color map range {len(colors)}",
        )
    painted = colors[np.where(keep, 0, window)]
    target[top:bottom, left:right] = np.where(
        keep[..., None], target[top:bottom, left:right], painted
    )


def _invalid(size: int, reason: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"Invalid GIF data (size {size}), {reason}")
