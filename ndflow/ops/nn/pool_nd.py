"""N-d pooling builders: `tf.nn.pool` (MAX or AVG over 1, 2 or 3 spatial dims, with strides
or dilation rates) and TF1's `tf.nn.max_pool_v2` / `tf.nn.avg_pool_v2`, which dispatch on the
input's rank.

A dilated pool runs TF's space-to-batch plan: pad the spatial dims to a multiple of the
rate, fold each rate into the batch, pool with an undilated window, unfold and crop. TF
builds it from SpaceToBatchND/BatchToSpaceND; ndflow builds the same rearrangement from
Pad, Reshape and Transpose (same values, a valid TF graph).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.nn import pooling
from ndflow.ops.nn import pooling3d

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_POOLS = {
    ("MAX", 1): pooling.max_pool,
    ("MAX", 2): pooling.max_pool,
    ("MAX", 3): pooling3d.max_pool3d,
    ("AVG", 1): pooling.avg_pool,
    ("AVG", 2): pooling.avg_pool,
    ("AVG", 3): pooling3d.avg_pool3d,
}


def _strides_and_rates(n: int, strides, dilation_rate):
    """TF's `_get_strides_and_dilation_rate`."""
    if dilation_rate is None:
        dilation_rate = [1] * n
    elif len(dilation_rate) != n:
        raise ValueError(
            f"`len(dilation_rate)` should be {n}. Received: dilation_rate={dilation_rate} of "
            f"length {len(dilation_rate)}"
        )
    dilation_rate = np.array(dilation_rate, dtype=np.int32)
    if np.any(dilation_rate < 1):
        raise ValueError(
            f"all values of `dilation_rate` must be positive. Received: "
            f"dilation_rate={dilation_rate}"
        )
    if strides is None:
        strides = [1] * n
    elif len(strides) != n:
        raise ValueError(
            f"`len(strides)` should be {n}. Received: strides={strides} of length {len(strides)}"
        )
    strides = np.array(strides, dtype=np.int32)
    if np.any(strides < 1):
        raise ValueError(f"all values of `strides` must be positive. Received: strides={strides}")
    if np.any(strides > 1) and np.any(dilation_rate > 1):
        raise ValueError(
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
            f"strides={strides} and dilation_rate={dilation_rate}"
        )
    return strides, dilation_rate


def _check_pool_args(n, padding, strides, rates, window_shape, pooling_type):
    if padding == "SAME" and np.any(rates > 1):
        raise ValueError(
            "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. "
            f"Received: padding={padding} and dilation_rate={rates}"
        )
    if np.any(strides > np.asarray(window_shape)):
        raise ValueError(
            "`strides` > `window_shape` not supported due to inconsistency between CPU and "
            f"GPU implementations. Received: strides={strides} and window_shape={window_shape}"
        )
    if (pooling_type, n) not in _POOLS:
        raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")


def _layout(n, window_shape, strides, data_format):
    """(full window, full strides, spatial dims, pooling-op data_format kwargs)."""
    if data_format is None or not data_format.startswith("NC"):
        window = [1, *window_shape, 1]
        full_strides = [1, *strides.tolist(), 1]
        spatial = list(range(1, n + 1))
    else:
        window = [1, 1, *window_shape]
        full_strides = [1, 1, *strides.tolist()]
        spatial = list(range(2, n + 2))
    if n != 1:
        return window, full_strides, spatial, {"data_format": data_format}
    if data_format not in (None, "NWC", "NCW"):
        raise ValueError(
            f"data_format must be either 'NWC' or 'NCW'. Received: data_format={data_format}"
        )
    two_d = "NCHW" if data_format == "NCW" else "NHWC"
    return [1, *window], [1, *full_strides], spatial, {"data_format": two_d}


def pool(
    input,
    window_shape,
    pooling_type,
    padding,
    dilation_rate=None,
    strides=None,
    name=None,
    data_format=None,
    dilations=None,
):
    """Mirrors TF1 `tf.nn.pool`: N-d max or average pooling, with strides or dilations.

    Args:
      input: a Tensor of rank N + 2 (N = len(window_shape), 1 to 3).
      window_shape: N ints.
      pooling_type: "MAX" or "AVG".
      padding: "SAME" or "VALID" (dilation needs VALID).
      dilation_rate: N ints >= 1 (default 1s); with strides > 1 not allowed.
      strides: N ints >= 1, each at most the window (default 1s).
      name: the scope name (default "max_pool" / "avg_pool").
      data_format: channels last (default) or "NC..." formats.
      dilations: the TF2 name of `dilation_rate`.

    Returns:
      The pooled Tensor.

    Raises:
      ValueError: for the argument combinations TF rejects.

    >>> pool(placeholder(float32, [1, 9, 3]), [2], "MAX", "VALID", dilation_rate=[2])
    <tf.Tensor 'max_pool/Slice:0' shape=(1, 7, 3) dtype=float32>
    """
    dilation_rate = pooling.deprecated_lookup(
        "dilations", dilations, "dilation_rate", dilation_rate
    )
    with graph_lib.name_scope(name, f"{pooling_type.lower()}_pool", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        n = len(window_shape)
        if not 1 <= n <= 3:
            raise ValueError(
                "`len(window_shape)` must be 1, 2, or 3. Received: "
                f"window_shape={window_shape} of length {n}"
            )
        x.shape.with_rank(n + 2)
        strides, rates = _strides_and_rates(n, strides, dilation_rate)
        _check_pool_args(n, padding, strides, rates, window_shape, pooling_type)
        window, full_strides, spatial, kwargs = _layout(n, window_shape, strides, data_format)
        pool_fn = _POOLS[(pooling_type, n)]

        def run(value, pad):
            if n == 1:
                value = array.expand_dims(value, spatial[0])
            result = pool_fn(value, window, full_strides, pad, name=scope, **kwargs)
            return array.squeeze(result, [spatial[0]]) if n == 1 else result

        op_builder.constant(rates, dtype=dtypes.int32, name="dilation_rate")
        if np.all(rates == 1):
            return run(x, padding)
        return _dilated(x, rates, spatial, window_shape, run)


# ---------------------------------------------------------------------- dilation


def _dims(x, shape_tensor):
    """Each dim of x: its static size, or a scalar Tensor read from `shape_tensor`."""
    static = x.shape.as_list()
    return [d if d is not None else shape_tensor[i] for i, d in enumerate(static)]


def _stack(dims):
    """A 1-D int32 shape Tensor from ints and scalar Tensors."""
    if all(isinstance(d, (int, np.integer)) for d in dims):
        return op_builder.constant(np.array(dims, dtype=np.int32))
    return array.stack([convert_to_tensor(d, dtype=dtypes.int32) for d in dims])


def _dilated(x, rates, spatial, window_shape, run):
    """TF's `with_space_to_batch` for VALID padding, as Pad/Reshape/Transpose."""
    dims = _dims(x, apply_op("Shape", x))
    pads = [(r - dims[a] % r) % r for a, r in zip(spatial, rates.tolist())]
    paddings = [[0, 0] for _ in dims]
    for axis, pad in zip(spatial, pads):
        paddings[axis] = [0, pad]
    padded = apply_op("Pad", x, array.stack([_stack(p) for p in paddings]))
    folded = _space_to_batch(padded, dims, spatial, rates.tolist(), pads)
    pooled = run(folded, "VALID")
    return _batch_to_space(pooled, x, spatial, rates.tolist(), pads, window_shape)


def _space_to_batch(padded, dims, spatial, rates, pads):
    """[N, .., n_i, ..] -> [prod(rates) * N, .., n_i / r_i, ..]."""
    split = []
    for axis, d in enumerate(dims):
        if axis in spatial:
            index = spatial.index(axis)
            split += [(d + pads[index]) // rates[index], rates[index]]
        else:
            split.append(d)
    blocks = apply_op("Reshape", padded, _stack(split))
    rate_axes = [spatial[0] + 2 * i + 1 for i in range(len(spatial))]
    rest = [a for a in range(len(split)) if a not in rate_axes]
    moved = apply_op("Transpose", blocks, op_builder.constant(np.array(rate_axes + rest)))
    return apply_op("Reshape", moved, _stack([-1] + [split[a] for a in rest[1:]]))


def _batch_to_space(pooled, x, spatial, rates, pads, window_shape):
    """The inverse fold of the pooled result, cropped back to the undilated output size."""
    dims = _dims(pooled, apply_op("Shape", pooled))
    batch = _dims(x, apply_op("Shape", x))[0]
    blocks = apply_op("Reshape", pooled, _stack(rates + [batch] + dims[1:]))
    k = len(rates)
    order = [k]
    for axis in range(1, len(dims)):
        order.append(k + axis)
        if axis in spatial:
            order.append(spatial.index(axis))
    moved = apply_op("Transpose", blocks, op_builder.constant(np.array(order)))
    merged = [batch] + [
        dims[a] * rates[spatial.index(a)] if a in spatial else dims[a] for a in range(1, len(dims))
    ]
    unfolded = apply_op("Reshape", moved, _stack(merged))
    sizes = [-1] * len(dims)
    for index, axis in enumerate(spatial):
        sizes[axis] = merged[axis] - pads[index]
    result = apply_op(
        "Slice", unfolded, op_builder.constant(np.zeros(len(dims), np.int32)), _stack(sizes)
    )
    result.set_shape(_dilated_shape(x.shape, spatial, rates, window_shape))
    return result


def _dilated_shape(shape, spatial, rates, window_shape):
    dims = shape.as_list()
    for index, axis in enumerate(spatial):
        if dims[axis] is not None:
            dims[axis] = dims[axis] - (window_shape[index] - 1) * rates[index]
    return tensor_shape.TensorShape(dims)


# ---------------------------------------------------------------------- rank dispatch


def _rank_and_channel(input, data_format, what):
    shape = input.shape if hasattr(input, "shape") else convert_to_tensor(input).shape
    try:
        n = len(shape) - 2
    except ValueError:
        if data_format is None:
            raise ValueError(
                f"`input` must have a static shape or {what} must be given. Received: "
                f"input.shape={shape} and data_format={data_format}"
            ) from None
        n = len(data_format) - 2
    if not 1 <= n <= 3:
        raise ValueError(
            f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={shape} of rank {n + 2}."
        )
    channel_index = n + 1 if data_format is None or not data_format.startswith("NC") else 1
    return n, channel_index


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """Mirrors `tf.compat.v1.nn.max_pool_v2` (TF2's `tf.nn.max_pool`): 1-D, 2-D or 3-D max
    pooling chosen by the input's rank.

    Args:
      input: a Tensor of rank 3, 4 or 5.
      ksize, strides: an int, or N or N + 2 ints.
      padding: "SAME", "VALID", or explicit [before, after] pairs (rank 3 and 4 only).
      data_format: channels last by default, or an "NC..." format.
      name: the op name.

    Returns:
      The max-pooled Tensor.

    Raises:
      ValueError: for an unknown rank without data_format, or explicit padding in 3-D.

    >>> max_pool_v2(placeholder(float32, [1, 4, 4, 4, 1]), 2, 2, "VALID")
    <tf.Tensor 'MaxPool3D:0' shape=(1, 2, 2, 2, 1) dtype=float32>
    """
    n, channel_index = _rank_and_channel(input, data_format, "a data format")
    if isinstance(padding, (list, tuple)) and data_format == "NCHW_VECT_C":
        raise ValueError(
            "`data_format='NCHW_VECT_C'` is not supported with explicit padding. Received: "
            f"padding={padding}"
        )
    ksize = pooling.get_sequence(ksize, n, channel_index, "ksize")
    strides = pooling.get_sequence(strides, n, channel_index, "strides")
    if isinstance(padding, (list, tuple)) and n == 3:
        raise ValueError(
            "Explicit padding is not supported with an input tensor of rank 5. Received: "
            f"padding={padding}"
        )
    if n == 1:
        return pooling.max_pool1d(input, ksize, strides, padding, data_format, name)
    if n == 2:
        return pooling.max_pool2d(input, ksize, strides, padding, data_format, name)
    return apply_op(
        "MaxPool3D",
        input,
        ksize=ksize,
        strides=strides,
        padding=padding,
        data_format=data_format or "NDHWC",
        name=name,
    )


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """Mirrors `tf.compat.v1.nn.avg_pool_v2` (TF2's `tf.nn.avg_pool`): 1-D, 2-D or 3-D
    average pooling chosen by the input's rank.

    Args:
      input: a float Tensor of rank 3, 4 or 5.
      ksize, strides: an int, or N or N + 2 ints.
      padding: "SAME" or "VALID".
      data_format: channels last by default, or an "NC..." format.
      name: the op name.

    Returns:
      The average-pooled Tensor.

    >>> avg_pool_v2(placeholder(float32, [1, 4, 4, 1]), 2, 2, "SAME")
    <tf.Tensor 'AvgPool:0' shape=(1, 2, 2, 1) dtype=float32>
    """
    n, channel_index = _rank_and_channel(input, data_format, "`data_format`")
    ksize = pooling.get_sequence(ksize, n, channel_index, "ksize")
    strides = pooling.get_sequence(strides, n, channel_index, "strides")
    if n == 1:
        return pooling.avg_pool1d(input, ksize, strides, padding, data_format, name)
    op_type = "AvgPool" if n == 2 else "AvgPool3D"
    default_format = "NHWC" if n == 2 else "NDHWC"
    return apply_op(
        op_type,
        input,
        ksize=ksize,
        strides=strides,
        padding=padding,
        data_format=data_format or default_format,
        name=name,
    )
