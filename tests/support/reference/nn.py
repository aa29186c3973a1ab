"""Independent references for the nn family: Python loops and the `math` module."""

from __future__ import annotations

import math

import numpy as np


def relu(x):
    x = np.asarray(x)
    flat = [v if v > 0 or v != v else 0 for v in x.reshape(-1).tolist()]
    return np.array(flat, dtype=x.dtype).reshape(x.shape)


def softmax(x, axis=-1):
    """exp(x - max) / sum along `axis`, one row at a time with math.fsum."""
    moved = np.moveaxis(np.asarray(x), axis, -1)
    out = np.empty(moved.shape, np.float64)
    for position in np.ndindex(*moved.shape[:-1]):
        row = [float(v) for v in moved[position]]
        top = max(row)
        weights = [math.exp(v - top) for v in row]
        norm = math.fsum(weights)
        out[position] = [w / norm for w in weights]
    return np.moveaxis(out, -1, axis).astype(np.asarray(x).dtype)


def bias_add(value, bias, data_format="NHWC"):
    """value[..., c, ...] + bias[c], channel last (NHWC) or second (NCHW), by index loops."""
    value = np.asarray(value)
    channel = 1 if data_format == "NCHW" else value.ndim - 1
    out = np.empty_like(value)
    for index in np.ndindex(*value.shape):
        out[index] = value[index] + bias[index[channel]]
    return out
