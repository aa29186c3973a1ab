"""JPEG decoding and encoding through Pillow's libjpeg(-turbo), made to match TensorFlow's
libjpeg settings (tensorflow/core/lib/jpeg/jpeg_mem.cc).

TF decodes with JDCT_IFAST and fancy chroma upsampling by default. Pillow offers ISLOW with
fancy upsampling (its default) and IFAST without (its draft mode). TF's default is rebuilt
exactly: decode YCbCr with IFAST and plain replication, take the chroma samples back, then
apply libjpeg's fancy upsampling and its fixed-point YCbCr -> RGB conversion in NumPy. The
one combination left, ISLOW without fancy upsampling, uses IFAST without it: values may
differ by a few levels on chroma edges. Pillow is imported inside the functions.
"""

from __future__ import annotations

import io

import numpy as np

from ndflow.framework import errors

_CORRUPT = "jpeg::Uncompress failed. Invalid JPEG data or crop window."
_FAST_DCT = ("", "INTEGER_FAST")


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _open(data: bytes):
    from PIL import Image  # noqa: PLC0415 - heavy optional dependency

    try:
        image = Image.open(io.BytesIO(data), formats=["JPEG"])
    except Exception:  # noqa: BLE001 - any decoder failure is TF's corrupt-data error
        raise _invalid(_CORRUPT) from None
    return image


def _load(image, mode, ratio, fast):
    """Decodes `image` in Pillow `mode` at 1/ratio scale; fast = IFAST without fancy
    upsampling (Pillow's draft decoder flag)."""
    width, height = image.size
    if mode != image.mode or ratio != 1:
        image.draft(mode, (width / ratio, height / ratio))
    if fast:
        scale = image.decoderconfig[0] if image.decoderconfig else 1
        image.decoderconfig = (scale, 1)
    try:
        image.load()
    except Exception:  # noqa: BLE001 - truncated or corrupt data
        raise _invalid(_CORRUPT) from None
    values = np.asarray(image)
    return values[..., None] if values.ndim == 2 else values


def _components(image) -> int:
    return {"L": 1, "RGB": 3, "CMYK": 4}.get(image.mode, 0)


def decode(data, channels=0, ratio=1, fancy_upscaling=True, dct_method="", recover=False):
    """TF's jpeg::Uncompress: uint8 [height, width, channels] (channels 1 or 3)."""
    if ratio not in (1, 2, 4, 8):
        raise _invalid(f"ratio must be 1, 2, 4, or 8, got {ratio}")
    if channels not in (0, 1, 3):
        raise _invalid("JPEG does not support 4 channels")
    if recover:
        data = data + b"\xff\xd9"
    image = _open(data)
    native = _components(image)
    if native == 0:
        raise _invalid(_CORRUPT)
    wanted = min(native, 3) if channels == 0 else channels
    fast = dct_method in _FAST_DCT
    if native == 4:
        return _cmyk_to_rgb(image, _load(image, "CMYK", ratio, fast), wanted)
    if wanted == 1:
        return _load(image, "L", ratio, fast)
    if native == 1:
        return np.repeat(_load(image, "L", ratio, fast), 3, axis=-1)
    return _decode_color(image, ratio, fast, fancy_upscaling)


def _decode_color(image, ratio, fast, fancy):
    """RGB output. Fancy upsampling only matters at full size with subsampled chroma; there
    Pillow covers ISLOW+fancy and IFAST+plain, and IFAST+fancy is rebuilt from YCbCr."""
    factors = _chroma_factors(image)
    if ratio != 1 or factors == (1, 1):
        return _load(image, "RGB", ratio, fast)
    if fast and fancy and factors is not None:
        return _ycc_to_rgb(_load(image, "YCbCr", 1, True), factors)
    return _load(image, "RGB", 1, not fancy)


def _chroma_factors(image):
    """(h, v) upsampling factors of the chroma planes, or None when not 2:1 / 1:1 or mixed."""
    layers = getattr(image, "layer", None)
    if not layers or len(layers) != 3:
        return None
    luma_h, luma_v = layers[0][1], layers[0][2]
    factors = {(luma_h // layer[1], luma_v // layer[2]) for layer in layers[1:]}
    if any(luma_h % layer[1] or luma_v % layer[2] for layer in layers[1:]):
        return None
    if len(factors) != 1:
        return None
    factor = factors.pop()
    return factor if factor in ((1, 1), (2, 1), (1, 2), (2, 2)) else None


def _ycc_to_rgb(ycc, factors):
    height, width = ycc.shape[:2]
    h_factor, v_factor = factors
    planes = [ycc[..., 0].astype(np.int32)]
    for index in (1, 2):
        samples = ycc[::v_factor, ::h_factor, index].astype(np.int32)
        planes.append(_fancy_upsample(samples, h_factor, v_factor)[:height, :width])
    return _ycc_rgb_convert(*planes)


def _fancy_upsample(samples, h_factor, v_factor):
    """libjpeg's h2v1 / h1v2 / h2v2 fancy (triangle filter) upsampling, edges replicated."""
    if h_factor == 2 and samples.shape[1] <= 2:
        # libjpeg replicates instead when the downsampled width is 2 or less.
        return np.repeat(np.repeat(samples, h_factor, axis=1), v_factor, axis=0)
    if v_factor == 1:
        return _fancy_columns(samples * 4, 2)
    above = np.concatenate([samples[:1], samples[:-1]], axis=0)
    below = np.concatenate([samples[1:], samples[-1:]], axis=0)
    near_above = samples * 3 + above
    near_below = samples * 3 + below
    if h_factor == 1:
        rows = [(near_above + 1) >> 2, (near_below + 2) >> 2]
    else:
        rows = [_fancy_columns(near_above, 8), _fancy_columns(near_below, 8)]
    return np.stack(rows, axis=1).reshape(-1, rows[0].shape[1])


def _fancy_columns(colsums, shift_bias):
    """Horizontal 3:1 interpolation of column sums (scaled by 4): shift_bias 2 gives the
    h2v1 rounding (+1, +2) >> 2 on 4x values; 8 the h2v2 rounding (+8, +7) >> 4."""
    left = np.concatenate([colsums[:, :1], colsums[:, :-1]], axis=1)
    right = np.concatenate([colsums[:, 1:], colsums[:, -1:]], axis=1)
    if shift_bias == 2:
        samples = colsums // 4
        even = (samples * 3 + left // 4 + 1) >> 2
        odd = (samples * 3 + right // 4 + 2) >> 2
        even[:, 0] = samples[:, 0]
        odd[:, -1] = samples[:, -1]
    else:
        even = (colsums * 3 + left + 8) >> 4
        odd = (colsums * 3 + right + 7) >> 4
    return np.stack([even, odd], axis=2).reshape(colsums.shape[0], -1)


def _fix(value: float) -> int:
    return int(value * 65536 + 0.5)


_CENTER = np.arange(256, dtype=np.int64) - 128
_CR_R = (_fix(1.40200) * _CENTER + 32768) >> 16
_CB_B = (_fix(1.77200) * _CENTER + 32768) >> 16
_CR_G = -_fix(0.71414) * _CENTER
_CB_G = -_fix(0.34414) * _CENTER + 32768


def _ycc_rgb_convert(luma, cb, cr):
    """libjpeg's ycc_rgb_convert: fixed-point tables, results clamped to [0, 255]."""
    red = luma + _CR_R[cr]
    green = luma + ((_CB_G[cb] + _CR_G[cr]) >> 16)
    blue = luma + _CB_B[cb]
    return np.clip(np.stack([red, green, blue], axis=-1), 0, 255).astype(np.uint8)


def _cmyk_to_rgb(image, cmyk, wanted):
    """TF's CMYK -> RGB (Adobe files store inverted CMYK, which Pillow already inverts)."""
    if wanted == 1:
        raise _invalid(_CORRUPT)
    values = cmyk.astype(np.int32)
    if "adobe" in image.info:
        raw = 255 - values
        rgb = raw[..., 3:4] * raw[..., :3] // 255
    else:
        rgb = (255 - values[..., 3:4]) * (255 - values[..., :3]) // 255
    return rgb.astype(np.uint8)


def shape(data) -> tuple[int, int, int]:
    """TF's jpeg::GetImageInfo: (height, width, output components) from the header."""
    try:
        image = _open(data)
    except errors.InvalidArgumentError:
        raise _invalid(f"Invalid JPEG data, size {len(data)}") from None
    components = _components(image)
    if components == 0:
        raise _invalid(f"Invalid JPEG data, size {len(data)}")
    width, height = image.size
    return height, width, min(components, 3) if components != 4 else 4


def encode(
    image,
    quality=95,
    progressive=False,
    optimize_size=False,
    chroma_downsampling=True,
    density_unit="in",
    x_density=300,
    y_density=300,
    xmp_metadata="",
):
    """TF's jpeg::Compress of a uint8 [height, width, 1 or 3] image: JFIF bytes."""
    from PIL import Image  # noqa: PLC0415 - heavy optional dependency

    height, width, channels = image.shape
    if height <= 0 or width <= 0:
        raise errors.InternalError(None, None, "JPEG encoding failed")
    pixels = np.ascontiguousarray(image[..., 0] if channels == 1 else image)
    picture = Image.fromarray(pixels, "L" if channels == 1 else "RGB")
    options = {
        "quality": int(quality),
        "progressive": bool(progressive),
        "optimize": bool(optimize_size),
        "dpi": (int(x_density), int(y_density)),
    }
    if not chroma_downsampling:
        options["subsampling"] = 0
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", **options)
    return _patch_header(buffer.getvalue(), density_unit, x_density, y_density, xmp_metadata)


def _patch_header(data, density_unit, x_density, y_density, xmp_metadata):
    """TF's JFIF density fields (unit 1 = in, 2 = cm) and its XMP APP1 after the APP0."""
    if data[2:4] != b"\xff\xe0" or data[6:11] != b"JFIF\x00":
        return data
    unit = 1 if density_unit == "in" else 2
    density = unit.to_bytes(1, "big") + int(x_density).to_bytes(2, "big")
    density += int(y_density).to_bytes(2, "big")
    data = data[:13] + density + data[18:]
    if not xmp_metadata:
        return data
    app0_end = 4 + int.from_bytes(data[4:6], "big")
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp_metadata.encode("utf-8")
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return data[:app0_end] + segment + data[app0_end:]


def rows_before_truncation(data, channels, ratio, fancy, dct) -> tuple[np.ndarray, int]:
    """A truncated file decoded with a fake end marker, and how many of its rows the data
    determined: rows that change when other bytes stand in for the missing data are the
    ones libjpeg could not have produced. (TF counts the rows read before the data ran out;
    with fancy upsampling this estimate can exceed TF's count by a row or two.)"""
    image = decode(data, channels, ratio, fancy, dct, recover=True)
    probe = decode(data + bytes([0x5A, 0xA5]) * 256, channels, ratio, fancy, dct, recover=True)
    differing = np.flatnonzero((image != probe).reshape(image.shape[0], -1).any(axis=1))
    return image, int(differing[0]) if differing.size else image.shape[0]
