"""Loop references for the pooling and normalization ops: every output position visited with
explicit index arithmetic (the kernels use strided views instead), float64 math, and TF's
rules written out case by case.

Attrs are full-rank lists in the data's own layout (ksize[axis] for every axis), so one
function serves NHWC, NCHW and 3-D data.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def _axis_geometry(size, k, s, padding, explicit):
    """(output size, padding before) along one axis."""
    if padding == "SAME":
        out = math.ceil(size / s)
        return out, max((out - 1) * s + k - size, 0) // 2
    before, after = explicit
    span = size + before + after - k
    return (span // s + 1 if span >= 0 else 0), before


def windows(shape, ksize, strides, padding, explicit=None):
    """{output index: [input indices of its window, in window order, padding left out]}."""
    pairs = explicit or [0] * (2 * len(shape))
    geometry = [
        _axis_geometry(n, k, s, padding, (pairs[2 * a], pairs[2 * a + 1]))
        for a, (n, k, s) in enumerate(zip(shape, ksize, strides))
    ]
    result = {}
    for out_index in itertools.product(*(range(g[0]) for g in geometry)):
        cells = []
        for offsets in itertools.product(*(range(k) for k in ksize)):
            index = tuple(
                o * s - g[1] + t for o, s, g, t in zip(out_index, strides, geometry, offsets)
            )
            if all(0 <= i < n for i, n in zip(index, shape)):
                cells.append(index)
        result[out_index] = cells
    return result


def out_shape(shape, ksize, strides, padding, explicit=None):
    keys = list(windows(shape, ksize, strides, padding, explicit))
    if not keys:
        pairs = explicit or [0] * (2 * len(shape))
        return tuple(
            _axis_geometry(n, k, s, padding, (pairs[2 * a], pairs[2 * a + 1]))[0]
            for a, (n, k, s) in enumerate(zip(shape, ksize, strides))
        )
    return tuple(max(k[a] for k in keys) + 1 for a in range(len(shape)))


def _lowest(dtype):
    dtype = np.dtype(dtype)
    if dtype.name == "bfloat16":
        return -3.3895313892515355e38  # the largest finite bfloat16, negated
    return np.iinfo(dtype).min if dtype.kind in "iu" else np.finfo(dtype).min


def max_pool(x, ksize, strides, padding, explicit=None):
    """TF's 2-D MaxPool: the largest non-NaN cell, starting from lowest() (so a window of
    -inf or NaN only gives lowest())."""
    x = np.asarray(x)
    out = np.zeros(out_shape(x.shape, ksize, strides, padding, explicit), x.dtype)
    for index, cells in windows(x.shape, ksize, strides, padding, explicit).items():
        values = [x[c] for c in cells if not np.isnan(float(x[c]))]
        out[index] = max([_lowest(x.dtype), *values])
    return out


def max_pool_3d(x, ksize, strides, padding):
    """TF's MaxPool3D: like MaxPool, but an all -inf window stays -inf."""
    x = np.asarray(x)
    out = np.zeros(out_shape(x.shape, ksize, strides, padding), x.dtype)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        out[index] = max(float(x[c]) for c in cells)
    return out


def avg_pool(x, ksize, strides, padding):
    """The mean of each window's cells (padding is not counted)."""
    x = np.asarray(x)
    out = np.zeros(out_shape(x.shape, ksize, strides, padding), np.float64)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        out[index] = sum(float(x[c]) for c in cells) / len(cells)
    return out.astype(x.dtype)


def first_max_cell(x, cells):
    """TF's MaxPoolGrad choice: the first cell, replaced only by a strictly greater one."""
    best = cells[0]
    for cell in cells[1:]:
        if x[best] < x[cell]:
            best = cell
    return best


def max_pool_grad(x, grad, ksize, strides, padding, explicit=None):
    """Each window's gradient added to its first maximum."""
    x, grad = np.asarray(x), np.asarray(grad)
    result = np.zeros(x.shape, np.float64)
    for index, cells in windows(x.shape, ksize, strides, padding, explicit).items():
        if cells:
            result[first_max_cell(x, cells)] += float(grad[index])
    return result.astype(grad.dtype)


def max_pool_grad_grad(x, grad, ksize, strides, padding):
    """The input gradient read at each window's first cell above lowest() and all before."""
    x, grad = np.asarray(x), np.asarray(grad)
    out = np.zeros(out_shape(x.shape, ksize, strides, padding), grad.dtype)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        best, chosen = _lowest(x.dtype), None
        for cell in cells:
            if best < x[cell]:
                best, chosen = x[cell], cell
        out[index] = 0 if chosen is None else grad[chosen]
    return out


def max_pool_3d_grad(x, pooled, grad, ksize, strides, padding):
    """TF's MaxPool3DGrad: every cell within 1e-5 of the window max gets its gradient."""
    x, pooled, grad = np.asarray(x), np.asarray(pooled), np.asarray(grad)
    result = np.zeros(x.shape, np.float64)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        for cell in cells:
            if abs(float(x[cell]) - float(pooled[index])) < 1e-5:
                result[cell] += float(grad[index])
    return result.astype(grad.dtype)


def max_pool_3d_grad_grad(x, pooled, grad, ksize, strides, padding):
    """TF's MaxPool3DGradGrad: the gradient at the first cell equal to the window max."""
    x, pooled, grad = np.asarray(x), np.asarray(pooled), np.asarray(grad)
    out = np.zeros(pooled.shape, grad.dtype)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        equal = [cell for cell in cells if x[cell] == pooled[index]]
        out[index] = grad[equal[0]] if equal else 0
    return out


def avg_pool_grad(shape, grad, ksize, strides, padding):
    grad = np.asarray(grad)
    result = np.zeros(shape, np.float64)
    for index, cells in windows(shape, ksize, strides, padding).items():
        for cell in cells:
            result[cell] += float(grad[index]) / len(cells)
    return result.astype(grad.dtype)


def max_pool_with_argmax(x, ksize, strides, padding, include_batch=False, index_dtype=np.int64):
    """(max, flat NHWC index of the first max) per window."""
    x = np.asarray(x)
    _, height, width, depth = x.shape
    shape = out_shape(x.shape, ksize, strides, padding)
    out, argmax = np.zeros(shape, x.dtype), np.zeros(shape, index_dtype)
    for index, cells in windows(x.shape, ksize, strides, padding).items():
        b, h, w, c = first_max_cell(x, cells)
        out[index] = x[b, h, w, c]
        argmax[index] = ((b * height + h) * width + w) * depth + c
        if not include_batch:
            argmax[index] -= b * height * width * depth
    return out, argmax


def max_pool_grad_with_argmax(x, grad, argmax, include_batch=False):
    x, grad = np.asarray(x), np.asarray(grad)
    result = np.zeros(x.size, np.float64)
    per_item = x.size // x.shape[0]
    for index in np.ndindex(grad.shape):
        offset = 0 if include_batch else index[0] * per_item
        result[int(argmax[index]) + offset] += float(grad[index])
    return result.reshape(x.shape).astype(grad.dtype)


def max_pool_grad_grad_with_argmax(grad, argmax, include_batch=False):
    grad = np.asarray(grad)
    per_item = grad.size // grad.shape[0]
    out = np.zeros(np.shape(argmax), grad.dtype)
    for index in np.ndindex(out.shape):
        offset = 0 if include_batch else index[0] * per_item
        out[index] = grad.reshape(-1)[int(argmax[index]) + offset]
    return out


# ---------------------------------------------------------------------- normalization


def _depth_norms(x, radius, bias, alpha):
    """bias + alpha * (sum of squares over the depth window) at every position."""
    norms = np.zeros(x.shape, np.float64)
    depth = x.shape[-1]
    for index in np.ndindex(x.shape[:-1]):
        for d in range(depth):
            low, high = max(0, d - radius), min(depth, d + radius + 1)
            norms[index + (d,)] = bias + alpha * sum(
                float(x[index + (j,)]) ** 2 for j in range(low, high)
            )
    return norms


def lrn(x, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5):
    x = np.asarray(x)
    norms = _depth_norms(x, depth_radius, bias, alpha)
    return (x.astype(np.float64) / norms**beta).astype(x.dtype)


def lrn_grad(grads, image, output, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5):
    """TF's LRNGrad, one (k, j) pair at a time."""
    g, x, y = (np.asarray(v, np.float64) for v in (grads, image, output))
    norms = _depth_norms(x, depth_radius, bias, alpha)
    result = np.zeros(x.shape, np.float64)
    depth = x.shape[-1]
    for index in np.ndindex(x.shape[:-1]):
        for k in range(depth):
            norm = norms[index + (k,)]
            for j in range(max(0, k - depth_radius), min(depth, k + depth_radius + 1)):
                term = -2.0 * alpha * beta * x[index + (j,)] * y[index + (k,)] / norm
                if j == k:
                    term += norm**-beta
                result[index + (j,)] += term * g[index + (k,)]
    return result.astype(np.asarray(grads).dtype)


def _channel_view(x, data_format):
    """x with its channel axis moved last, and the axis it came from."""
    axis = 1 if data_format.startswith("NC") else x.ndim - 1
    return np.moveaxis(np.asarray(x, np.float64), axis, -1), axis


def fused_batch_norm(x, scale, offset, mean, variance, epsilon=1e-4, factor=1.0,
                     data_format="NHWC", is_training=True):  # fmt: skip
    """(y, batch_mean, batch_variance, reserve_space_1, reserve_space_2) in float64."""
    moved, axis = _channel_view(x, data_format)
    flat = moved.reshape(-1, moved.shape[-1])
    if is_training:
        m, v = flat.mean(axis=0), flat.var(axis=0)
    else:
        m, v = np.asarray(mean, np.float64), np.asarray(variance, np.float64)
    y = (moved - m) / np.sqrt(v + epsilon) * scale + offset
    y = np.moveaxis(y, -1, axis).astype(np.asarray(x).dtype)
    if not is_training:
        zeros = np.zeros_like(m)
        return y, m, v, zeros, zeros
    n = flat.shape[0]
    unbiased = v * n / max(n - 1, 1)
    if factor != 1.0:
        return (
            y,
            (1 - factor) * mean + factor * m,
            (1 - factor) * variance + factor * unbiased,
            m,
            v,
        )
    return y, m, unbiased, m, v


def fused_batch_norm_grad(dy, x, scale, mean, variance, epsilon=1e-4, data_format="NHWC",
                          is_training=True):  # fmt: skip
    """(x_backprop, scale_backprop, offset_backprop) by the chain rule, in float64."""
    moved_dy, axis = _channel_view(dy, data_format)
    moved_x, _ = _channel_view(x, data_format)
    inv = 1.0 / np.sqrt(np.asarray(variance, np.float64) + epsilon)
    centered = moved_x - mean
    dy_flat = moved_dy.reshape(-1, moved_dy.shape[-1])
    scale_backprop = (moved_dy * centered).reshape(dy_flat.shape).sum(axis=0) * inv
    offset_backprop = dy_flat.sum(axis=0)
    if is_training:
        n = dy_flat.shape[0]
        mean_dy = offset_backprop / n
        mean_dyx = (moved_dy * centered).reshape(dy_flat.shape).sum(axis=0) / n
        dx = scale * inv * (moved_dy - mean_dy - centered * inv**2 * mean_dyx)
    else:
        dx = moved_dy * scale * inv
    dx = np.moveaxis(dx, -1, axis).astype(np.asarray(x).dtype)
    return dx, scale_backprop, offset_backprop
