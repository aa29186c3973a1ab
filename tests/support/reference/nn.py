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


def _each(fn, *arrays):
    """`fn` on Python floats for every position of same-shaped arrays, in the first's dtype."""
    arrays = [np.asarray(a) for a in arrays]
    flat = [fn(*[float(v) for v in values]) for values in zip(*[a.reshape(-1) for a in arrays])]
    return np.array(flat, dtype=np.float64).astype(arrays[0].dtype).reshape(arrays[0].shape)


SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def relu6(x):
    x = np.asarray(x)
    flat = [min(max(v, 0), 6) for v in x.reshape(-1).tolist()]
    return np.array(flat, dtype=x.dtype).reshape(x.shape)


def elu(x):
    return _each(lambda v: math.expm1(v) if v < 0 else v, x)


def selu(x):
    return _each(lambda v: SELU_SCALE * (SELU_ALPHA * math.expm1(v) if v < 0 else v), x)


def softplus(x):
    return _each(lambda v: v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v)), x)


def softsign(x):
    return _each(lambda v: v / (1 + abs(v)), x)


def leaky_relu(x, alpha=0.2):
    alpha = float(np.float32(alpha))  # TF's attr is a float32
    return _each(lambda v: v if v > 0 else alpha * v, x)


def activation_grad(kind, alpha=0.2):
    """The nn "...Grad" ops as functions of (gradient, second input), element by element."""
    fns = {
        "ReluGrad": lambda g, f: g if f > 0 else 0.0,
        "Relu6Grad": lambda g, f: g if 0 < f < 6 else 0.0,
        "EluGrad": lambda g, y: g * (y + 1) if y < 0 else g,
        "SeluGrad": lambda g, y: g * (y + SELU_SCALE * SELU_ALPHA) if y < 0 else g * SELU_SCALE,
        "SoftplusGrad": lambda g, f: g / (1 + math.exp(-f)),
        "SoftsignGrad": lambda g, f: g / (1 + abs(f)) ** 2,
        "LeakyReluGrad": lambda g, f: g if f > 0 else float(np.float32(alpha)) * g,
    }
    return lambda g, second: _each(fns[kind], g, second)


def log_softmax(x, axis=-1):
    """x - max - log(sum(exp(x - max))) along `axis`, one row at a time with math.fsum."""
    moved = np.moveaxis(np.asarray(x), axis, -1)
    out = np.empty(moved.shape, np.float64)
    for position in np.ndindex(*moved.shape[:-1]):
        row = [float(v) for v in moved[position]]
        top = max(row)
        norm = math.log(math.fsum(math.exp(v - top) for v in row))
        out[position] = [v - top - norm for v in row]
    return np.moveaxis(out, -1, axis).astype(np.asarray(x).dtype)


def softmax_xent(logits, labels):
    """(loss, backprop) of SoftmaxCrossEntropyWithLogits for 2-D inputs, row by row."""
    logits, labels = np.broadcast_arrays(np.asarray(logits), np.asarray(labels))
    log_probs = log_softmax(logits.astype(np.float64))
    loss = [-math.fsum(p * q for p, q in zip(row, lp)) for row, lp in zip(labels, log_probs)]
    backprop = np.exp(log_probs) - labels
    dtype = logits.dtype
    return np.array(loss).astype(dtype), backprop.astype(dtype)


def sparse_softmax_xent(logits, labels):
    """(loss, backprop) of SparseSoftmaxCrossEntropyWithLogits, row by row."""
    logits = np.asarray(logits)
    log_probs = log_softmax(logits.astype(np.float64))
    loss, backprop = [], np.exp(log_probs)
    for row, label in enumerate(np.asarray(labels).tolist()):
        loss.append(-log_probs[row, label])
        backprop[row, label] -= 1.0
    return np.array(loss).astype(logits.dtype), backprop.astype(logits.dtype)


def l2_loss(t):
    t = np.asarray(t)
    return np.array(math.fsum(float(v) ** 2 for v in t.reshape(-1)) / 2, dtype=t.dtype)


def bias_add_grad(out_backprop, data_format="NHWC"):
    """The sum over every dim but the channel one, by index loops."""
    values = np.asarray(out_backprop)
    channel = 1 if data_format == "NCHW" else values.ndim - 1
    sums = [0.0] * values.shape[channel]
    for index in np.ndindex(*values.shape):
        sums[index[channel]] += float(values[index])
    return np.array(sums).astype(values.dtype)


def sigmoid_xent(labels, logits):
    """-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)), via log1p for stability."""

    def loss(z, x):
        log_sigmoid = -math.log1p(math.exp(-x)) if x > 0 else x - math.log1p(math.exp(x))
        log_one_minus = -x + log_sigmoid
        return -z * log_sigmoid - (1 - z) * log_one_minus

    return _each(lambda x, z: loss(z, x), np.asarray(logits), labels)


def weighted_xent(labels, logits, pos_weight):
    def loss(z, x):
        log_sigmoid = -math.log1p(math.exp(-x)) if x > 0 else x - math.log1p(math.exp(x))
        return -pos_weight * z * log_sigmoid - (1 - z) * (-x + log_sigmoid)

    return _each(lambda x, z: loss(z, x), np.asarray(logits), labels)
