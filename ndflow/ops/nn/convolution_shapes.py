"""What the convolution ops share above the NumPy engine: data-format index arithmetic,
TF's static shape rules (GetWindowedOutputSizeFromDimsV2, CheckValidPadding, the depth and
group checks of Conv2DShape and Conv3DShape, MakeShapeFromShapeTensor for the backprop ops'
size inputs) with TF's error wording, the run-time attr checks of TF's CPU kernels, and the
channels-last conversions the kernels run through.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops.nn import convolution_kernels

ShapeError = shape_errors.ShapeError


def channels_first(data_format: str) -> bool:
    return data_format.startswith("NC")


def spatial_positions(data_format: str, rank: int) -> list[int]:
    """Indices of the spatial dims of a rank-`rank` tensor in `data_format`."""
    return list(range(2, rank)) if channels_first(data_format) else list(range(1, rank - 1))


def channel_position(data_format: str, rank: int) -> int:
    return 1 if channels_first(data_format) else rank - 1


def spatial_values(values, data_format: str) -> list:
    """The spatial entries of a full-rank attr list (strides, dilations) or shape."""
    values = list(values)
    return values[2:] if channels_first(data_format) else values[1:-1]


def explicit_pairs(explicit_paddings, data_format: str):
    """(before, after) per spatial dim from TF's flat explicit_paddings, or None."""
    if not explicit_paddings:
        return None
    pairs = [tuple(explicit_paddings[i : i + 2]) for i in range(0, len(explicit_paddings), 2)]
    return spatial_values(pairs, data_format)


# ---------------------------------------------------------------------- static shapes


def with_rank(shape: tensor_shape.TensorShape, rank: int) -> list:
    """The dims of `shape` (None for unknown) after TF's WithRank."""
    return shape_errors.require_rank(shape, rank).as_list()


def check_padding(padding: str, explicit_paddings, rank: int, data_format: str) -> None:
    """TF's CheckValidPadding."""
    if padding != "EXPLICIT":
        if explicit_paddings:
            raise ShapeError(
                "explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT"
            )
        return
    if len(explicit_paddings) != 2 * rank:
        raise ShapeError(
            f"explicit_paddings attribute must contain {2 * rank} values, but got: "
            f"{len(explicit_paddings)}"
        )
    if any(p < 0 for p in explicit_paddings):
        raise ShapeError("All elements of explicit_paddings must be nonnegative")
    for position in (0, channel_position(data_format, rank)):
        if explicit_paddings[2 * position] or explicit_paddings[2 * position + 1]:
            raise ShapeError(
                "Nonzero explicit padding in the batch or depth dimensions is not supported"
            )


def windowed_dim(size, filter_size, dilation, stride, padding, pads=(0, 0)):
    """TF's GetWindowedOutputSizeFromDimsV2 on possibly unknown (None) dims."""
    if stride <= 0:
        raise ShapeError(f"Stride must be > 0, but got {stride}")
    if dilation < 1:
        raise ShapeError(f"Dilation rate must be >= 1, but got {dilation}")
    if size is None:
        return None
    if padding == "SAME":
        return (size + stride - 1) // stride
    if filter_size is None:
        return None
    padded = size + (pads[0] + pads[1] if padding == "EXPLICIT" else 0)
    effective = (filter_size - 1) * dilation + 1
    if padded < effective:
        raise ShapeError(f"Negative dimension size caused by subtracting {effective} from {padded}")
    return (padded - effective + stride) // stride


def output_spatial(sizes, filter_sizes, op, rank: int) -> list:
    """The output's spatial dims of a forward convolution op from its attrs."""
    data_format = op.attrs["data_format"]
    padding = op.attrs["padding"]
    strides = spatial_values(op.attrs["strides"], data_format)
    dilations = spatial_values(op.attrs["dilations"], data_format)
    pads = explicit_pairs(op.attrs.get("explicit_paddings") or [], data_format)
    pads = pads or [(0, 0)] * (rank - 2)
    return [
        windowed_dim(n, k, d, s, padding, p)
        for n, k, d, s, p in zip(sizes, filter_sizes, dilations, strides, pads)
    ]


def check_depths(in_depth, filter_depth, out_depth) -> None:
    """The input/filter/output channel checks of TF's Conv2DShape and Conv3DShape."""
    if in_depth is None or filter_depth is None:
        return
    if filter_depth == 0:
        raise ShapeError("Depth of filter must not be 0")
    if in_depth % filter_depth:
        raise ShapeError(
            f"Depth of input ({in_depth}) is not a multiple of input depth of filter "
            f"({filter_depth})"
        )
    groups = in_depth // filter_depth
    if groups == 0:
        raise ShapeError("Number of groups must not be 0")
    if out_depth is not None and out_depth % groups:
        raise ShapeError(
            f"Depth of output ({out_depth}) is not a multiple of the number of groups ({groups})"
        )


def assemble(batch, spatial, channels, data_format: str) -> tensor_shape.TensorShape:
    """A shape from its batch, spatial and channel dims in `data_format`."""
    if channels_first(data_format):
        return tensor_shape.TensorShape([batch, channels, *spatial])
    return tensor_shape.TensorShape([batch, *spatial, channels])


def split_dims(dims, data_format: str):
    """(batch, spatial dims, channels) of a full dims list in `data_format`."""
    rank = len(dims)
    spatial = [dims[i] for i in spatial_positions(data_format, rank)]
    return dims[0], spatial, dims[channel_position(data_format, rank)]


def shape_from_tensor(tensor, rank: int) -> list:
    """TF's MakeShapeFromShapeTensor + WithRank: the dims a sizes input spells, or Nones."""
    return with_rank(sizes_shape(tensor), rank)


def sizes_shape(tensor) -> tensor_shape.TensorShape:
    """The (partial) shape a 1-D int tensor spells: TF's MakeShapeFromShapeTensor."""
    shape_errors.require_rank(tensor.shape, 1)
    return tensor_util.constant_value_as_shape(tensor)


# ---------------------------------------------------------------------- run time


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def format_dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


STRIDES_MESSAGE = (
    "Current implementation does not yet support strides in the batch and depth dimensions."
)
DILATIONS_MESSAGE = (
    "Current implementation does not yet support dilations in the batch and depth dimensions."
)


def check_batch_and_depth(
    strides,
    dilations,
    data_format: str,
    error=errors.UnimplementedError,
    dilations_message: str = DILATIONS_MESSAGE,
) -> None:
    """The checks TF's CPU kernels make on the batch and channel entries of the attrs; the
    error class (and Conv3D's wording for dilations) differs between TF's kernels."""
    positions = (0, channel_position(data_format, len(strides)))
    if any(strides[p] != 1 for p in positions):
        raise error(None, None, STRIDES_MESSAGE)
    if any(dilations[p] != 1 for p in positions):
        raise error(None, None, dilations_message)


def to_channels_last(x, data_format: str):
    """A view of x with the channel dim last."""
    return np.moveaxis(x, 1, -1) if channels_first(data_format) else x


def from_channels_last(x, data_format: str):
    """x (channels last) back in `data_format`, contiguous."""
    if channels_first(data_format):
        return np.ascontiguousarray(np.moveaxis(x, -1, 1))
    return x


def shape_channels_last(shape, data_format: str) -> list:
    shape = list(shape)
    if channels_first(data_format):
        return [shape[0], *shape[2:], shape[1]]
    return shape


def geometry(input_sizes, filter_sizes, attrs: dict):
    """The engine's Geometry from channels-last spatial sizes and the op's attrs."""
    data_format = attrs["data_format"]
    return convolution_kernels.geometry(
        input_sizes,
        filter_sizes,
        spatial_values(attrs["strides"], data_format),
        spatial_values(attrs["dilations"], data_format),
        attrs["padding"],
        explicit_pairs(attrs.get("explicit_paddings") or [], data_format),
    )


def check_backprop_dims(label, input_shape, filter_shape, dy_shape, geo, data_format) -> None:
    """TF's ConvBackpropComputeDimensionsV2 (shapes channels last; messages in data_format)."""
    rank = len(input_shape)
    if input_shape[0] != dy_shape[0]:
        raise _invalid(
            f"{label}: input and out_backprop must have the same batch size. Input batch: "
            f"{input_shape[0]}, outbackprop batch: {dy_shape[0]}, batch_dim: 0"
        )
    if filter_shape[-2] <= 0:
        raise _invalid(f"{label}: filter depth must be strictly greated than zero")
    if input_shape[-1] % filter_shape[-2]:
        raise _invalid(f"{label}: input depth must be evenly divisible by filter depth")
    if filter_shape[-1] != dy_shape[-1]:
        raise _invalid(f"{label}: filter and out_backprop must have the same out_depth")
    positions = spatial_positions(data_format, rank)
    for dim, position in enumerate(positions):
        if dy_shape[1 + dim] != geo.outputs[dim]:
            raise _invalid(
                f"{label}: Size of out_backprop doesn't match computed: actual = "
                f"{dy_shape[1 + dim]}, computed = {geo.outputs[dim]} spatial_dim: {position} "
                f"input: {input_shape[1 + dim]} filter: {filter_shape[dim]} output: "
                f"{dy_shape[1 + dim]} stride: {geo.strides[dim]} dilation: {geo.dilations[dim]}"
            )
