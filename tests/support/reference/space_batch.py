"""Loop references for the space/batch/depth ops: each output element is looked up by index
arithmetic from TF's op docs, unlike the kernels' reshape-transpose-reshape."""

from __future__ import annotations

import numpy as np


def space_to_batch_nd(x, block, paddings):
    """output[(offset * batch) + n, j_1.., rest] = x[n, j_k * b_k + i_k - pad_start_k.., rest]
    with offset the row-major index of (i_1.., i_M) in the block, zero in the padding."""
    x, block = np.asarray(x), [int(b) for b in block]
    pads = np.asarray(paddings, dtype=np.int64).reshape(len(block), 2)
    count, batch = len(block), x.shape[0]
    spatial = [
        (size + start + end) // step
        for size, (start, end), step in zip(x.shape[1:], pads.tolist(), block)
    ]
    out = np.zeros([batch * int(np.prod(block)), *spatial, *x.shape[1 + count :]], x.dtype)
    for index in np.ndindex(*out.shape[: 1 + count]):
        offset, n = divmod(index[0], batch)
        within = np.unravel_index(offset, block) if block else ()
        source = [j * b + i - start for j, b, i, start in zip(index[1:], block, within, pads[:, 0])]
        if all(0 <= s < size for s, size in zip(source, x.shape[1:])):
            out[index] = x[(n, *source)]
    return out


def batch_to_space_nd(x, block, crops):
    """output[n, q_1.., rest] = x[offset * batch' + n, u_k // b_k.., rest] with u_k = q_k +
    crop_start_k and offset the row-major index of (u_k % b_k..) in the block."""
    x, block = np.asarray(x), [int(b) for b in block]
    crops = np.asarray(crops, dtype=np.int64).reshape(len(block), 2)
    count = len(block)
    batch = x.shape[0] // int(np.prod(block))
    spatial = [
        size * step - start - end
        for size, step, (start, end) in zip(x.shape[1:], block, crops.tolist())
    ]
    out = np.zeros([batch, *spatial, *x.shape[1 + count :]], x.dtype)
    for index in np.ndindex(*out.shape[: 1 + count]):
        uncropped = [q + start for q, start in zip(index[1:], crops[:, 0])]
        offset = np.ravel_multi_index([u % b for u, b in zip(uncropped, block)], block)
        source = [u // b for u, b in zip(uncropped, block)]
        out[index] = x[(int(offset) * batch + index[0], *source)]
    return out


def space_to_depth(x, block):
    """NHWC: output[n, i, j, (di * block + dj) * depth + c] = x[n, i * block + di, ...]."""
    x = np.asarray(x)
    n, h, w, depth = x.shape
    out = np.zeros((n, h // block, w // block, depth * block * block), x.dtype)
    for b, row, col, c in np.ndindex(*x.shape):
        channel = ((row % block) * block + col % block) * depth + c
        out[b, row // block, col // block, channel] = x[b, row, col, c]
    return out


def depth_to_space(x, block):
    """NHWC: the inverse of space_to_depth."""
    x = np.asarray(x)
    n, h, w, depth = x.shape
    out_depth = depth // (block * block)
    out = np.zeros((n, h * block, w * block, out_depth), x.dtype)
    for b, row, col, c in np.ndindex(*out.shape):
        channel = ((row % block) * block + col % block) * out_depth + c
        out[b, row, col, c] = x[b, row // block, col // block, channel]
    return out


def required_space_to_batch_paddings(input_shape, block, base=None):
    """(paddings, crops): the least end padding making each padded dim divide by its block."""
    base = np.zeros((len(block), 2), np.int64) if base is None else np.asarray(base)
    paddings, crops = [], []
    for size, step, (start, end) in zip(input_shape, block, base.tolist()):
        extra = 0
        while (size + start + end + extra) % step:
            extra += 1
        paddings.append([start, end + extra])
        crops.append([0, extra])
    return np.array(paddings, np.int32), np.array(crops, np.int32)
