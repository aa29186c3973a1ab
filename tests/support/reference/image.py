"""Independent NumPy/Python references for the image ops: per-pixel loops in float64 for
resizing (the textbook formulas: source coordinate, neighbours, weights), the standard
library's colorsys for the colour conversions, and plain means for contrast. TF's kernels
quantize bicubic offsets to 1/1024, so the bicubic reference does too."""

from __future__ import annotations

import colorsys
import math

import numpy as np


def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return (in_size - 1) / (out_size - 1)
    return in_size / out_size


def _source(index, scale, half_pixel):
    return (index + 0.5) * scale - 0.5 if half_pixel else index * scale


def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False):
    batch, height, width, channels = images.shape
    out_h, out_w = size
    sh, sw = _scale(height, out_h, align_corners), _scale(width, out_w, align_corners)
    out = np.zeros((batch, out_h, out_w, channels))
    for y in range(out_h):
        fy = _source(y, sh, half_pixel_centers)
        y0, y1, wy = max(math.floor(fy), 0), min(math.ceil(fy), height - 1), fy - math.floor(fy)
        for x in range(out_w):
            fx = _source(x, sw, half_pixel_centers)
            x0, x1 = max(math.floor(fx), 0), min(math.ceil(fx), width - 1)
            wx = fx - math.floor(fx)
            top = images[:, y0, x0] * (1 - wx) + images[:, y0, x1] * wx
            bottom = images[:, y1, x0] * (1 - wx) + images[:, y1, x1] * wx
            out[:, y, x] = top * (1 - wy) + bottom * wy
    return out.astype(np.float32)


def _nearest(index, scale, size, align_corners, half_pixel):
    position = (index + 0.5) * scale if half_pixel else index * scale
    chosen = math.floor(position + 0.5) if align_corners else math.floor(position)
    chosen = min(chosen, size - 1)
    return max(chosen, 0)


def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False):
    batch, height, width, channels = images.shape
    out_h, out_w = size
    sh, sw = _scale(height, out_h, align_corners), _scale(width, out_w, align_corners)
    out = np.zeros((batch, out_h, out_w, channels), images.dtype)
    for y in range(out_h):
        sy = _nearest(y, sh, height, align_corners, half_pixel_centers)
        for x in range(out_w):
            out[:, y, x] = images[:, sy, _nearest(x, sw, width, align_corners, half_pixel_centers)]
    return out


def _cubic(t, a):
    t = abs(t)
    if t <= 1:
        return ((a + 2) * t - (a + 3)) * t * t + 1
    if t < 2:
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return 0.0


def _cubic_taps(index, scale, size, half_pixel):
    position = _source(index, scale, half_pixel)
    base = math.floor(position)
    delta = round((position - base) * 1024) / 1024
    a = -0.5 if half_pixel else -0.75
    taps = []
    for k in range(-1, 3):
        weight = _cubic(delta - k, a)
        source = base + k
        if half_pixel and not 0 <= source < size:
            weight = 0.0
        taps.append((min(max(source, 0), size - 1), weight))
    if half_pixel:
        total = sum(w for _, w in taps)
        taps = [(i, w / total) for i, w in taps]
    return taps


def resize_bicubic(images, size, align_corners=False, half_pixel_centers=False):
    batch, height, width, channels = images.shape
    out_h, out_w = size
    sh, sw = _scale(height, out_h, align_corners), _scale(width, out_w, align_corners)
    out = np.zeros((batch, out_h, out_w, channels))
    for y in range(out_h):
        rows = _cubic_taps(y, sh, height, half_pixel_centers)
        for x in range(out_w):
            cols = _cubic_taps(x, sw, width, half_pixel_centers)
            for row, wy in rows:
                for col, wx in cols:
                    out[:, y, x] += images[:, row, col] * wy * wx
    return out.astype(np.float32)


def _overlap(cell, start, end):
    return max(0.0, min(cell + 1, end) - max(cell, start))


def resize_area(images, size, align_corners=False):
    """Each output pixel averages the input cells its box [y*s, (y+1)*s) covers."""
    batch, height, width, channels = images.shape
    out_h, out_w = size
    sh, sw = _scale(height, out_h, align_corners), _scale(width, out_w, align_corners)
    out = np.zeros((batch, out_h, out_w, channels))
    for y in range(out_h):
        y_cells = range(math.floor(y * sh), math.ceil((y + 1) * sh))
        for x in range(out_w):
            x_cells = range(math.floor(x * sw), math.ceil((x + 1) * sw))
            for row in y_cells:
                wy = _overlap(row, y * sh, (y + 1) * sh)
                for col in x_cells:
                    weight = wy * _overlap(col, x * sw, (x + 1) * sw)
                    source = images[:, min(row, height - 1), min(col, width - 1)]
                    out[:, y, x] += source * weight
    return (out / (sh * sw)).astype(np.float32)


def _per_pixel(images, fn):
    flat = np.asarray(images, np.float64).reshape(-1, 3)
    return np.array([fn(*pixel) for pixel in flat]).reshape(np.shape(images))


def rgb_to_hsv(images):
    return _per_pixel(images, colorsys.rgb_to_hsv).astype(images.dtype)


def hsv_to_rgb(images):
    return _per_pixel(images, colorsys.hsv_to_rgb).astype(images.dtype)


def adjust_contrast(images, factor):
    values = np.asarray(images, np.float64)
    mean = values.mean(axis=(-3, -2), keepdims=True)
    return ((values - mean) * factor + mean).astype(images.dtype)


def adjust_saturation(images, scale):
    def one(r, g, b):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb(h, min(1.0, max(0.0, s * scale)), v)

    return _per_pixel(images, one).astype(images.dtype)


def adjust_hue(images, delta):
    def one(r, g, b):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb((h + delta) % 1.0, s, v)

    return _per_pixel(images, one).astype(images.dtype)
