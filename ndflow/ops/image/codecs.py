"""Image codec ops: DecodeJpeg, DecodePng, DecodeBmp, DecodeGif, DecodeImage, EncodeJpeg,
EncodePng and ExtractJpegShape, with TF's cross-format rules (decode_image_op.cc: a JPEG op
reads PNG and one-frame GIF too, DecodeBmp reads only BMP, DecodeGif returns 4-D) and error
messages; and the builders `tf.image.decode_*`, `encode_jpeg`, `encode_png`,
`extract_jpeg_shape`. Pixel work is in jpeg_codec, png_codec, gif_codec and bmp_codec.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.image import bmp_codec
from ndflow.ops.image import color
from ndflow.ops.image import gif_codec
from ndflow.ops.image import jpeg_codec
from ndflow.ops.image import png_codec

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_JPEG_ATTRS = [
    "channels: int = 0",
    "ratio: int = 1",
    "fancy_upscaling: bool = true",
    "try_recover_truncated: bool = false",
    "acceptable_fraction: float = 1",
    "dct_method: string = ''",
]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _contents(contents) -> bytes:
    """The scalar string input as bytes, with TF's checks."""
    values = np.asarray(contents, dtype=object)
    if values.ndim != 0:
        raise _invalid(f"`contents` must be scalar but got shape{format_dims(values.shape)}")
    data = values.item()
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if not data:
        raise _invalid("Input is empty.")
    return data


def _classify(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(png_codec.SIGNATURE):
        return "PNG"
    if data.startswith(b"GIF8"):
        return "GIF"
    if data.startswith(b"BM"):
        return "BMP"
    return "UNKNOWN"


def _check_channels(channels):
    if channels not in (0, 1, 3, 4):
        raise _invalid(f"`channels` must be 0, 1, 3 or 4 but got {channels}")


class _Request:
    """What one decode op asked for (TF's DecodeImageV2Op members)."""

    def __init__(self, op_type, channels=0, dtype=np.uint8, expand_animations=True, jpeg=None):
        self.op_type = op_type
        self.channels = channels
        self.dtype = np.dtype(dtype)
        self.expand_animations = expand_animations
        self.jpeg = jpeg or {}


def _decode(request: _Request, contents):
    data = _contents(contents)
    kind = _classify(data)
    if kind == "UNKNOWN":
        raise _invalid(
            "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."
        )
    return {"JPEG": _decode_jpeg, "PNG": _decode_png, "GIF": _decode_gif, "BMP": _decode_bmp}[kind](
        request, data
    )


def _as_dtype_8bit(image, dtype):
    """uint8 pixels as the requested dtype: uint16 x 256, float / 255 (TF's 8-bit rule)."""
    if dtype == np.uint16:
        return image.astype(np.uint16) * np.uint16(256)
    if dtype == np.float32:
        return image.astype(np.float32) * np.float32(1.0 / 255)
    return image


def _wrong_op(request, kind):
    if request.op_type == "DecodeBmp":
        op_names = {"JPEG": "decode_jpeg", "PNG": "decode_png", "GIF": "decode_gif"}
        raise _invalid(
            f"Trying to decode {kind} format using DecodeBmp op. Use `{op_names[kind]}` or "
            "`decode_image` instead."
        )


def _decode_jpeg(request, data):
    if request.channels not in (0, 1, 3):
        raise _invalid("JPEG does not support 4 channels")
    _wrong_op(request, "JPEG")
    flags = request.jpeg
    image = _jpeg_pixels(data, request.channels, flags)
    if request.op_type == "DecodeGif":
        image = image[None]
    return _as_dtype_8bit(image, request.dtype)


def _jpeg_pixels(data, channels, flags):
    ratio = flags.get("ratio", 1)
    fancy = flags.get("fancy_upscaling", True)
    dct = flags.get("dct_method", "")
    recover = flags.get("try_recover_truncated", False)
    fraction = flags.get("acceptable_fraction", 1.0)
    try:
        return jpeg_codec.decode(data, channels, ratio, fancy, dct, recover)
    except errors.InvalidArgumentError:
        if recover or min(1.0, fraction) >= 1.0:
            raise
    # A truncated file without recovery: TF keeps the rows read (the rest black) when they
    # are at least `acceptable_fraction` of the image.
    image, rows = jpeg_codec.rows_before_truncation(data, channels, ratio, fancy, dct)
    if rows < min(1.0, fraction) * image.shape[0]:
        raise _invalid("jpeg::Uncompress failed. Invalid JPEG data or crop window.")
    image[rows:] = 0
    return image


def _decode_png(request, data):
    _wrong_op(request, "PNG")
    bits = 8 if request.dtype == np.uint8 else 16
    image = png_codec.decode(data, request.channels, bits)
    if request.op_type == "DecodeGif":
        image = image[None]
    if request.dtype == np.float32:
        return image.astype(np.float32) * np.float32(1.0 / 65535)
    return image


def _decode_gif(request, data):
    if request.channels not in (0, 3):
        raise _invalid(f"channels must be 0 or 3 for GIF, got {request.channels}")
    _wrong_op(request, "GIF")
    three_d = request.op_type in ("DecodePng", "DecodeJpeg")
    if three_d:
        count = gif_codec.frame_count(data)
        if count > 1:
            raise _invalid(
                f"Got {count} frames, but animated gifs can only be decoded by tf.io.decode_gif "
                "or tf.io.decode_image"
            )
    expand = request.expand_animations or request.op_type != "DecodeImage"
    frames = gif_codec.decode(data, expand)
    image = frames[0] if three_d or not expand else frames
    return _as_dtype_8bit(image, request.dtype)


def _decode_bmp(request, data):
    if request.channels == 1:
        raise _invalid(f"`channels` must be 0, 3 or 4 for BMP, but got {request.channels}")
    if request.op_type not in ("DecodeBmp", "DecodeImage"):
        raise _invalid(
            "Trying to decode BMP format using a wrong op. Use `decode_bmp` or `decode_image` "
            f"instead. Op used: {request.op_type}"
        )
    return _as_dtype_8bit(bmp_codec.decode(data, request.channels), request.dtype)


# ---------------------------------------------------------------------- shapes


def _scalar_input_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)


def _image_shape(op):
    """[?, ?, channels], channels unknown when 0."""
    _scalar_input_shape(op)
    channels = op.attrs.get("channels", 0)
    return [tensor_shape.TensorShape([None, None, channels or None])]


def _gif_shape(op):
    _scalar_input_shape(op)
    return [tensor_shape.TensorShape([None, None, None, 3])]


def _decode_image_shape(op):
    _scalar_input_shape(op)
    if op.attrs["expand_animations"]:
        return [tensor_shape.unknown_shape()]
    return _image_shape(op)


# ---------------------------------------------------------------------- decode ops


def _decode_jpeg_kernel(ctx, contents, **attrs):
    _check_channels(attrs["channels"])
    if attrs["ratio"] not in (1, 2, 4, 8):
        raise _invalid(f"ratio must be 1, 2, 4, or 8, got {attrs['ratio']}")
    if attrs["dct_method"] not in ("", "INTEGER_FAST", "INTEGER_ACCURATE"):
        raise _invalid("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}")
    request = _Request("DecodeJpeg", attrs["channels"], jpeg=attrs)
    return _decode(request, contents)


registry.register_op(
    "DecodeJpeg",
    inputs=["contents: string"],
    outputs=["image: uint8"],
    attrs=_JPEG_ATTRS,
    shape=_image_shape,
    kernel=_decode_jpeg_kernel,
)


def _decode_png_kernel(ctx, contents, channels, dtype):
    _check_channels(channels)
    return _decode(_Request("DecodePng", channels, dtype.as_numpy_dtype), contents)


registry.register_op(
    "DecodePng",
    inputs=["contents: string"],
    outputs=["image: dtype"],
    attrs=["channels: int = 0", "dtype: {uint8, uint16} = DT_UINT8"],
    shape=_image_shape,
    kernel=_decode_png_kernel,
)


def _decode_bmp_kernel(ctx, contents, channels):
    _check_channels(channels)
    return _decode(_Request("DecodeBmp", channels), contents)


registry.register_op(
    "DecodeBmp",
    inputs=["contents: string"],
    outputs=["image: uint8"],
    attrs=["channels: int = 0"],
    shape=_image_shape,
    kernel=_decode_bmp_kernel,
)


def _decode_gif_kernel(ctx, contents):
    return _decode(_Request("DecodeGif", 3), contents)


registry.register_op(
    "DecodeGif",
    inputs=["contents: string"],
    outputs=["image: uint8"],
    shape=_gif_shape,
    kernel=_decode_gif_kernel,
)


def _decode_image_kernel(ctx, contents, channels, dtype, expand_animations):
    _check_channels(channels)
    request = _Request("DecodeImage", channels, dtype.as_numpy_dtype, expand_animations)
    return _decode(request, contents)


registry.register_op(
    "DecodeImage",
    inputs=["contents: string"],
    outputs=["image: dtype"],
    attrs=[
        "channels: int = 0",
        "dtype: {uint8, uint16, float} = DT_UINT8",
        "expand_animations: bool = true",
    ],
    shape=_decode_image_shape,
    kernel=_decode_image_kernel,
)

for _name in ("DecodeJpeg", "DecodePng", "DecodeBmp", "DecodeGif", "DecodeImage"):
    registry.not_differentiable(_name, "decoding bytes has no gradient")


# ---------------------------------------------------------------------- ExtractJpegShape


def _extract_jpeg_shape_kernel(ctx, contents, output_type):
    data = _contents(contents)
    height, width, channels = jpeg_codec.shape(data)
    return np.array([height, width, channels], dtype=output_type.as_numpy_dtype)


registry.register_op(
    "ExtractJpegShape",
    inputs=["contents: string"],
    outputs=["image_shape: output_type"],
    attrs=["output_type: {int32, int64} = DT_INT32"],
    shape=lambda op: [_scalar_input_shape(op) or tensor_shape.TensorShape([3])],
    kernel=_extract_jpeg_shape_kernel,
)
registry.not_differentiable("ExtractJpegShape", "a shape has no gradient")


# ---------------------------------------------------------------------- encode ops


def _encode_jpeg_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 3)
    return [tensor_shape.scalar()]


def _encode_jpeg_kernel(ctx, image, **attrs):
    quality = attrs["quality"]
    if not 0 <= quality <= 100:
        raise _invalid(f"quality must be in [0,100], got {quality}")
    if np.ndim(image) != 3:
        raise _invalid(f"image must be 3-dimensional{format_dims(np.shape(image))}")
    channels = np.shape(image)[2]
    wanted = {"": channels, "grayscale": 1, "rgb": 3}[attrs["format"]]
    if attrs["format"] == "" and channels not in (1, 3):
        raise _invalid(f"image must have 1 or 3 channels, got {format_dims(np.shape(image))}")
    if channels != wanted:
        raise _invalid(
            f"format {attrs['format']} expects {wanted} channels, got "
            f"{format_dims(np.shape(image))}"
        )
    encoded = jpeg_codec.encode(
        np.asarray(image),
        quality=quality,
        progressive=attrs["progressive"],
        optimize_size=attrs["optimize_size"],
        chroma_downsampling=attrs["chroma_downsampling"],
        density_unit=attrs["density_unit"],
        x_density=attrs["x_density"],
        y_density=attrs["y_density"],
        xmp_metadata=attrs["xmp_metadata"],
    )
    return np.array(encoded, dtype=object)


registry.register_op(
    "EncodeJpeg",
    inputs=["image: uint8"],
    outputs=["contents: string"],
    attrs=[
        "format: {'', 'grayscale', 'rgb'} = ''",
        "quality: int = 95",
        "progressive: bool = false",
        "optimize_size: bool = false",
        "chroma_downsampling: bool = true",
        "density_unit: {'in', 'cm'} = 'in'",
        "x_density: int = 300",
        "y_density: int = 300",
        "xmp_metadata: string = ''",
    ],
    shape=_encode_jpeg_shape,
    kernel=_encode_jpeg_kernel,
)


def _encode_png_shape(op):
    shape = shape_errors.require_rank_at_least(op.inputs[0].shape, 3)
    if shape.rank is None:
        return [tensor_shape.unknown_shape()]
    return [tensor_shape.TensorShape(shape.as_list()[:-3])]


def _encode_png_kernel(ctx, image, compression, T):
    if not -1 <= compression <= 9:
        raise _invalid(f"compression should be in [-1,9], got {compression}")
    values = np.asarray(image)
    if values.ndim < 3:
        raise _invalid(f"images must be at least rank 3{format_dims(values.shape)}")
    height, width, channels = values.shape[-3:]
    if not 1 <= channels <= 4:
        raise _invalid(f"image must have 1, 2, 3, or 4 channels, got {channels}")
    batch = values.reshape((-1, height, width, channels))
    if height == 0 or width == 0:
        indices = ", ".join(str(i) for i in range(batch.shape[0]))
        raise errors.InternalError(
            None, None, f"PNG encoding failed at the following flattened batch indices: {indices}"
        )
    encoded = [png_codec.encode(item, compression) for item in batch]
    result = np.empty(len(encoded), dtype=object)
    result[:] = encoded
    return result.reshape(values.shape[:-3])


registry.register_op(
    "EncodePng",
    inputs=["image: T"],
    outputs=["contents: string"],
    attrs=["compression: int = -1", "T: {uint8, uint16} = DT_UINT8"],
    shape=_encode_png_shape,
    kernel=_encode_png_kernel,
)
for _name in ("EncodeJpeg", "EncodePng"):
    registry.not_differentiable(_name, "encoding to bytes has no gradient")


# ---------------------------------------------------------------------- builders


def decode_jpeg(
    contents,
    channels=0,
    ratio=1,
    fancy_upscaling=True,
    try_recover_truncated=False,
    acceptable_fraction=1,
    dct_method="",
    name=None,
):
    """Mirrors `tf.image.decode_jpeg`: a JPEG (or PNG, or one-frame GIF) to uint8 pixels.

    Args:
      contents: a scalar string Tensor of encoded bytes.
      channels: 0 (as stored), 1 (grayscale) or 3 (RGB).
      ratio: downscaling by 1, 2, 4 or 8 while decoding.
      fancy_upscaling: triangle-filter chroma upsampling.
      try_recover_truncated: decode truncated files, filling the missing rows.
      acceptable_fraction: rows that must be present in a truncated file.
      dct_method: '' or 'INTEGER_FAST' (TF's default), or 'INTEGER_ACCURATE'.
      name: the op name.

    Returns:
      A uint8 Tensor [height, width, channels].

    Raises:
      InvalidArgumentError: at run time, for corrupt or truncated data.

    >>> decode_jpeg(read_file("cat.jpg"), channels=3)
    """
    return apply_op(
        "DecodeJpeg",
        contents,
        channels=channels,
        ratio=ratio,
        fancy_upscaling=fancy_upscaling,
        try_recover_truncated=try_recover_truncated,
        acceptable_fraction=acceptable_fraction,
        dct_method=dct_method,
        name=name,
    )


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Mirrors `tf.image.decode_png`: a PNG (or JPEG, or one-frame GIF) to pixels.

    Args:
      contents: a scalar string Tensor of encoded bytes.
      channels: 0 (as stored), 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
      dtype: uint8 or uint16.
      name: the op name.

    Returns:
      A Tensor [height, width, channels] of `dtype`.

    >>> decode_png(read_file("logo.png"), channels=4)
    """
    return apply_op("DecodePng", contents, channels=channels, dtype=dtype, name=name)


def decode_bmp(contents, channels=0, name=None):
    """Mirrors `tf.image.decode_bmp`: an uncompressed BMP to uint8 pixels.

    Args:
      contents: a scalar string Tensor of encoded bytes.
      channels: 0 (as stored), 3 (RGB) or 4 (RGBA).
      name: the op name.

    Returns:
      A uint8 Tensor [height, width, channels].

    >>> decode_bmp(read_file("icon.bmp"))
    """
    return apply_op("DecodeBmp", contents, channels=channels, name=name)


def decode_gif(contents, name=None):
    """Mirrors `tf.image.decode_gif`: every frame of a GIF, as TF composes them.

    Args:
      contents: a scalar string Tensor of encoded bytes.
      name: the op name.

    Returns:
      A uint8 Tensor [frames, height, width, 3].

    >>> decode_gif(read_file("anim.gif"))
    """
    return apply_op("DecodeGif", contents, name=name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None, expand_animations=True):
    """Mirrors `tf.image.decode_image`: any of JPEG, PNG, GIF or BMP, by its magic bytes.

    Args:
      contents: a scalar string Tensor of encoded bytes.
      channels: None or 0 (as stored), 1, 3 or 4.
      dtype: the output type; uint8, uint16 and float32 directly, others through
        `convert_image_dtype` from uint16.
      name: the scope name.
      expand_animations: GIFs as [frames, h, w, 3]; when False only the first frame, 3-D.

    Returns:
      A Tensor of `dtype`: 3-D, or 4-D for GIFs when expand_animations.

    >>> decode_image(read_file("photo.png"), channels=3)
    """
    with graph_lib.name_scope(name, "decode_image"):
        channels = 0 if channels is None else channels
        dtype = dtypes.as_dtype(dtype)
        direct = dtype in (dtypes.float32, dtypes.uint8, dtypes.uint16)
        image = apply_op(
            "DecodeImage",
            contents,
            channels=channels,
            expand_animations=expand_animations,
            dtype=dtype if direct else dtypes.uint16,
        )
        if not direct:
            image = color.convert_image_dtype(image, dtype)
        if not expand_animations:
            image.set_shape([None, None, channels or None])
        return image


def encode_jpeg(
    image,
    format="",  # noqa: A002 - TF's argument name
    quality=95,
    progressive=False,
    optimize_size=False,
    chroma_downsampling=True,
    density_unit="in",
    x_density=300,
    y_density=300,
    xmp_metadata="",
    name=None,
):
    """Mirrors `tf.image.encode_jpeg`: a uint8 [h, w, 1 or 3] image to JPEG bytes.

    Args:
      image: a uint8 Tensor [height, width, channels].
      format: '' (by channels), 'grayscale' or 'rgb'.
      quality: 0-100.
      progressive: a progressive JPEG.
      optimize_size: optimized Huffman tables.
      chroma_downsampling: 4:2:0 chroma (else 4:4:4).
      density_unit: 'in' or 'cm' for the densities.
      x_density, y_density: pixels per density unit.
      xmp_metadata: an XMP packet for an APP1 segment.
      name: the op name.

    Returns:
      A scalar string Tensor.

    >>> encode_jpeg(zeros([8, 8, 3], dtype=uint8), quality=90)
    """
    return apply_op(
        "EncodeJpeg",
        image,
        format=format,
        quality=quality,
        progressive=progressive,
        optimize_size=optimize_size,
        chroma_downsampling=chroma_downsampling,
        density_unit=density_unit,
        x_density=x_density,
        y_density=y_density,
        xmp_metadata=xmp_metadata,
        name=name,
    )


def encode_png(image, compression=-1, name=None):
    """Mirrors `tf.image.encode_png`: uint8 or uint16 images (rank >= 3) to PNG bytes.

    Args:
      image: a Tensor [..., height, width, channels], 1-4 channels.
      compression: zlib level 0-9, or -1 for the default.
      name: the op name.

    Returns:
      A string Tensor of the leading (batch) shape.

    >>> encode_png(zeros([2, 2, 1], dtype=uint8))
    """
    return apply_op("EncodePng", convert_to_tensor(image), compression=compression, name=name)


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """Mirrors `tf.image.extract_jpeg_shape`: [height, width, channels] from the header.

    Args:
      contents: a scalar string Tensor of JPEG bytes.
      output_type: int32 or int64.
      name: the op name.

    Returns:
      A 1-D Tensor of 3 elements.

    >>> extract_jpeg_shape(read_file("cat.jpg"))
    """
    return apply_op("ExtractJpegShape", contents, output_type=output_type, name=name)
