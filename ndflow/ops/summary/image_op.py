"""ImageSummary (TF's SummaryImageOp, summary_image_op.cc) and `tf.summary.image`.

uint8 images are written as they are. half, float and double images are mapped to uint8 one
image at a time, from the min and max of its finite pixels (a pixel is finite when all its
channels are): with no negative value, x·255/max; otherwise x·127/max|x| + 128. Scale and
offset are computed in float32 and applied in the input's type, then truncated to uint8; a
non-finite pixel takes `bad_color`. Images are PNG-encoded.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_util
from ndflow.ops.image import png_codec
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.proto import summary_pb2

_DEFAULT_BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)
_DEFAULT_BAD_COLOR.flags.writeable = False
_ZERO_THRESHOLD = np.float32(1e-6)


def _bad_color(value) -> np.ndarray:
    color = tensor_util.make_ndarray(value) if hasattr(value, "tensor_content") else value
    color = np.asarray(color)
    if color.dtype != np.uint8:
        name = dtypes.as_dtype(color.dtype).name
        raise inputs.invalid(f"bad_color must be uint8, got {name}")
    if color.ndim != 1:
        raise inputs.invalid(
            f"bad_color must be a vector, got shape {inputs.format_dims(color.shape)}"
        )
    return color


def _check_images(images: np.ndarray) -> None:
    shape = images.shape
    if images.ndim != 4 or shape[3] not in (1, 3, 4):
        raise inputs.invalid(
            f"Tensor must be 4-D with last dim 1, 3, or 4, not {inputs.format_dims(shape)}"
        )
    if max(shape[:3]) >= 2**31 or shape[1] * shape[2] >= 2**29:
        raise inputs.invalid(f"Tensor too large for summary {inputs.format_dims(shape)}")
    if shape[1] * shape[2] == 0:
        raise inputs.invalid(
            f"input tensor must have non-zero dims. Found: [{', '.join(map(str, shape))}]."
        )


def _affine(pixels: np.ndarray, finite: np.ndarray):
    """(scale, offset) in the image's type, from its finite pixels' range in float32."""
    good = pixels[finite].astype(np.float32)
    low = good.min() if good.size else np.float32(np.inf)
    high = good.max() if good.size else np.float32(-np.inf)
    if low < 0:
        max_val = max(abs(low), abs(high))
        scale = np.float32(0.0) if max_val < _ZERO_THRESHOLD else np.float32(127.0) / max_val
        return pixels.dtype.type(scale), pixels.dtype.type(128.0)
    scale = np.float32(0.0) if high < _ZERO_THRESHOLD else np.float32(255.0) / high
    return pixels.dtype.type(scale), pixels.dtype.type(0.0)


def _normalize(image: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """One float image [h, w, depth] as uint8 (TF's NormalizeFloatImage)."""
    depth = image.shape[-1]
    pixels = image.reshape(-1, depth)
    finite = np.isfinite(pixels).all(axis=1)
    scale, offset = _affine(pixels, finite)
    safe = np.where(finite[:, None], pixels, pixels.dtype.type(0))
    result = (safe * scale + offset).astype(np.uint8)
    result[~finite] = bad_color[:depth]
    return result.reshape(image.shape)


def _png_image(image: np.ndarray) -> summary_pb2.Summary.Image:
    height, width, depth = image.shape
    return summary_pb2.Summary.Image(
        height=height,
        width=width,
        colorspace=depth,
        encoded_image_string=png_codec.encode(np.ascontiguousarray(image)),
    )


def _image_summary_kernel(ctx, tag, tensor, max_images, bad_color):
    if max_images >= 2**31:
        raise inputs.invalid("max_images must be < 2^31")
    color = _bad_color(bad_color)
    tag = inputs.text(inputs.scalar_string(tag, "Tags must be a scalar"))
    images = np.asarray(tensor)
    _check_images(images)
    is_float = images.dtype != np.uint8
    if is_float and color.shape[0] < images.shape[3]:
        raise inputs.invalid(
            f"expected depth <= bad_color.size, got depth = {images.shape[3]}, "
            f"bad_color.size = {color.shape[0]}"
        )
    summary = summary_pb2.Summary()
    for index in range(min(max_images, images.shape[0])):
        image = _normalize(images[index], color) if is_float else images[index]
        suffix = f"/image/{index}" if max_images > 1 else "/image"
        summary.value.add(tag=tag + suffix, image=_png_image(image))
    return inputs.serialized(summary)


_IMAGE_SUMMARY = registry.register_op(
    "ImageSummary",
    inputs=["tag: string", "tensor: T"],
    outputs=["summary: string"],
    attrs=[
        "max_images: int >= 1 = 3",
        "T: {uint8, float, half, double} = DT_FLOAT",
        "bad_color: tensor",
    ],
    shape=scalar_lib.scalar_shape,
    kernel=_image_summary_kernel,
)
# A tensor attr's default cannot be written in a spec string: TF's is uint8 [255, 0, 0, 255].
_IMAGE_SUMMARY.attr_map["bad_color"].default = _DEFAULT_BAD_COLOR
registry.not_differentiable("ImageSummary", "a summary is a serialized proto")


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Mirrors `tf.compat.v1.summary.image`: a Summary proto with up to `max_outputs` PNG
    images, tagged `<tag>/image` (max_outputs 1) or `<tag>/image/<i>`.

    Args:
      name: the node name, also the tag base (cleaned of invalid characters, scoped).
      tensor: a 4-D uint8, half, float or double Tensor [batch, height, width, channels]
        with 1, 3 or 4 channels; float images are rescaled as TF does.
      max_outputs: at most this many images (>= 1).
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.
      family: optional tag prefix (TensorBoard's tab name).

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      InvalidArgumentError: at run time, for a tensor that is not 4-D with 1, 3 or 4
        channels.

    >>> image_summary = image("inputs", images, max_outputs=2)
    """
    with naming.summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = op_builder.apply_op("ImageSummary", tag, tensor, max_images=max_outputs, name=scope)
        naming.collect(value, collections, [graph_lib.GraphKeys.SUMMARIES])
    return value
