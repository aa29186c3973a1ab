"""Loop references for the convolutions: explicit loops over output positions and filter taps,
with TF's SAME/VALID/EXPLICIT padding written as index arithmetic (an input index outside
[0, size) contributes nothing) instead of a padded copy. Channels last, [batch, *spatial,
channels]; NC... layouts are moved to channels last around the loops. Accumulation is in
float64 (int64 for integers), the result in the input's dtype.
"""

from __future__ import annotations

import itertools

import numpy as np


def _pads(size, filter_size, stride, dilation, padding, explicit=(0, 0)):
    """(output size, pad before) for one spatial dim, TF's formulas."""
    effective = (filter_size - 1) * dilation + 1
    if padding == "VALID":
        return (size - effective + stride) // stride, 0
    if padding == "EXPLICIT":
        return (size + explicit[0] + explicit[1] - effective + stride) // stride, explicit[0]
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + effective - size)
    return out, total // 2


def _layout(spatial, filter_spatial, strides, dilations, padding, explicit):
    explicit = explicit or [(0, 0)] * len(spatial)
    pairs = [
        _pads(n, k, s, d, padding, e)
        for n, k, s, d, e in zip(spatial, filter_spatial, strides, dilations, explicit)
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _wide(dtype):
    return np.int64 if np.dtype(dtype).kind in "iu" else np.float64


def _input_index(out_index, tap, strides, dilations, befores, spatial):
    """The input position a tap reads for an output position, or None when in the padding."""
    index = []
    for o, t, s, d, b, n in zip(out_index, tap, strides, dilations, befores, spatial):
        i = o * s + t * d - b
        if not 0 <= i < n:
            return None
        index.append(i)
    return tuple(index)


def _windows(spatial, filter_spatial, strides, dilations, padding, explicit):
    """(output spatial shape, [(output index, tap, input index)] for every valid pair)."""
    outs, befores = _layout(spatial, filter_spatial, strides, dilations, padding, explicit)
    pairs = []
    for out_index in itertools.product(*(range(o) for o in outs)):
        for tap in itertools.product(*(range(k) for k in filter_spatial)):
            index = _input_index(out_index, tap, strides, dilations, befores, spatial)
            if index is not None:
                pairs.append((out_index, tap, index))
    return outs, pairs


def conv_nd(x, w, strides, dilations, padding, explicit=None):
    """Channels-last N-d convolution (cross-correlation), grouped when channels differ."""
    x, w = np.asarray(x), np.asarray(w)
    spatial, filter_spatial = x.shape[1:-1], w.shape[:-2]
    group_in, out_channels = w.shape[-2], w.shape[-1]
    groups = x.shape[-1] // group_in
    group_out = out_channels // groups
    outs, pairs = _windows(spatial, filter_spatial, strides, dilations, padding, explicit)
    out = np.zeros((x.shape[0], *outs, out_channels), _wide(x.dtype))
    for out_index, tap, index in pairs:
        for g in range(groups):
            xs = x[(slice(None), *index, slice(g * group_in, (g + 1) * group_in))]
            ws = w[(*tap, slice(None), slice(g * group_out, (g + 1) * group_out))]
            out[(slice(None), *out_index, slice(g * group_out, (g + 1) * group_out))] += xs.astype(
                _wide(x.dtype)
            ) @ ws.astype(_wide(x.dtype))
    return out.astype(x.dtype)


def conv_nd_backprop_input(input_shape, w, dy, strides, dilations, padding, explicit=None):
    """d(sum(conv_nd(x, w) * dy))/dx, accumulated position by position."""
    w, dy = np.asarray(w), np.asarray(dy)
    spatial, filter_spatial = tuple(input_shape[1:-1]), w.shape[:-2]
    group_in, out_channels = w.shape[-2], w.shape[-1]
    groups = input_shape[-1] // group_in
    group_out = out_channels // groups
    _, pairs = _windows(spatial, filter_spatial, strides, dilations, padding, explicit)
    dx = np.zeros(tuple(input_shape), _wide(dy.dtype))
    for out_index, tap, index in pairs:
        for g in range(groups):
            grads = dy[(slice(None), *out_index, slice(g * group_out, (g + 1) * group_out))]
            ws = w[(*tap, slice(None), slice(g * group_out, (g + 1) * group_out))]
            dx[(slice(None), *index, slice(g * group_in, (g + 1) * group_in))] += grads.astype(
                _wide(dy.dtype)
            ) @ ws.T.astype(_wide(dy.dtype))
    return dx.astype(dy.dtype)


def conv_nd_backprop_filter(x, filter_shape, dy, strides, dilations, padding, explicit=None):
    """d(sum(conv_nd(x, w) * dy))/dw, accumulated position by position."""
    x, dy = np.asarray(x), np.asarray(dy)
    spatial, filter_spatial = x.shape[1:-1], tuple(filter_shape[:-2])
    group_in, out_channels = filter_shape[-2], filter_shape[-1]
    groups = x.shape[-1] // group_in
    group_out = out_channels // groups
    _, pairs = _windows(spatial, filter_spatial, strides, dilations, padding, explicit)
    dw = np.zeros(tuple(filter_shape), np.float64)
    for out_index, tap, index in pairs:
        for g in range(groups):
            xs = x[(slice(None), *index, slice(g * group_in, (g + 1) * group_in))]
            grads = dy[(slice(None), *out_index, slice(g * group_out, (g + 1) * group_out))]
            dw[(*tap, slice(None), slice(g * group_out, (g + 1) * group_out))] += xs.astype(
                np.float64
            ).T @ grads.astype(np.float64)
    return dw.astype(x.dtype)


def depthwise_nd(x, w, strides, dilations, padding, explicit=None):
    """out[..., c * multiplier + m] = sum over taps of x[..., c] * w[tap, c, m]."""
    x, w = np.asarray(x), np.asarray(w)
    channels, multiplier = w.shape[-2], w.shape[-1]
    outs, pairs = _windows(x.shape[1:-1], w.shape[:-2], strides, dilations, padding, explicit)
    out = np.zeros((x.shape[0], *outs, channels, multiplier), np.float64)
    for out_index, tap, index in pairs:
        xs = x[(slice(None), *index)].astype(np.float64)
        out[(slice(None), *out_index)] += xs[:, :, None] * w[tap]
    return out.reshape(*out.shape[:-2], channels * multiplier).astype(x.dtype)


def depthwise_nd_backprop_input(input_shape, w, dy, strides, dilations, padding, explicit=None):
    w, dy = np.asarray(w), np.asarray(dy)
    channels, multiplier = w.shape[-2], w.shape[-1]
    spatial = tuple(input_shape[1:-1])
    _, pairs = _windows(spatial, w.shape[:-2], strides, dilations, padding, explicit)
    dx = np.zeros(tuple(input_shape), np.float64)
    for out_index, tap, index in pairs:
        grads = dy[(slice(None), *out_index)].reshape(-1, channels, multiplier)
        dx[(slice(None), *index)] += (grads * w[tap]).sum(axis=-1)
    return dx.astype(dy.dtype)


def depthwise_nd_backprop_filter(x, filter_shape, dy, strides, dilations, padding, explicit=None):
    x, dy = np.asarray(x), np.asarray(dy)
    channels, multiplier = filter_shape[-2], filter_shape[-1]
    _, pairs = _windows(x.shape[1:-1], filter_shape[:-2], strides, dilations, padding, explicit)
    dw = np.zeros(tuple(filter_shape), np.float64)
    for out_index, tap, index in pairs:
        grads = dy[(slice(None), *out_index)].reshape(-1, channels, multiplier)
        dw[tap] += (x[(slice(None), *index)][:, :, None] * grads).sum(axis=0)
    return dw.astype(x.dtype)


# ---------------------------------------------------------------------- TF's op layouts


def _spatial(values, data_format):
    """The spatial entries of a full-rank strides/dilations list in data_format."""
    return list(values[2:]) if data_format.startswith("NC") else list(values[1:-1])


def _explicit(paddings, data_format):
    if not paddings:
        return None
    pairs = [tuple(paddings[i : i + 2]) for i in range(0, len(paddings), 2)]
    return _spatial(pairs, data_format)


def to_channels_last(x, data_format):
    return np.moveaxis(np.asarray(x), 1, -1) if data_format.startswith("NC") else np.asarray(x)


def from_channels_last(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format.startswith("NC") else x


def _shape_channels_last(shape, data_format):
    shape = list(shape)
    return shape[:1] + shape[2:] + shape[1:2] if data_format.startswith("NC") else shape


def conv_op(x, w, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()):
    """Conv2D / Conv3D with the op's attrs."""
    dilations = dilations or [1] * np.ndim(x)
    out = conv_nd(
        to_channels_last(x, data_format),
        w,
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )
    return from_channels_last(out, data_format)


def conv_backprop_input_op(
    input_sizes, w, dy, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()
):
    """Conv2DBackpropInput / Conv3DBackpropInputV2 with the op's attrs."""
    dilations = dilations or [1] * np.ndim(dy)
    dx = conv_nd_backprop_input(
        _shape_channels_last(input_sizes, data_format),
        w,
        to_channels_last(dy, data_format),
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )
    return from_channels_last(dx, data_format)


def conv_backprop_filter_op(
    x, filter_sizes, dy, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()
):
    """Conv2DBackpropFilter / Conv3DBackpropFilterV2 with the op's attrs."""
    dilations = dilations or [1] * np.ndim(x)
    return conv_nd_backprop_filter(
        to_channels_last(x, data_format),
        filter_sizes,
        to_channels_last(dy, data_format),
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )


def depthwise_op(x, w, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()):
    dilations = dilations or [1, 1, 1, 1]
    out = depthwise_nd(
        to_channels_last(x, data_format),
        w,
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )
    return from_channels_last(out, data_format)


def depthwise_backprop_input_op(
    input_sizes, w, dy, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()
):
    dilations = dilations or [1, 1, 1, 1]
    dx = depthwise_nd_backprop_input(
        _shape_channels_last(input_sizes, data_format),
        w,
        to_channels_last(dy, data_format),
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )
    return from_channels_last(dx, data_format)


def depthwise_backprop_filter_op(
    x, filter_sizes, dy, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=()
):
    dilations = dilations or [1, 1, 1, 1]
    return depthwise_nd_backprop_filter(
        to_channels_last(x, data_format),
        filter_sizes,
        to_channels_last(dy, data_format),
        _spatial(strides, data_format),
        _spatial(dilations, data_format),
        padding,
        _explicit(explicit_paddings, data_format),
    )
