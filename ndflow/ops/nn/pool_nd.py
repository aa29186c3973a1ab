"""N-d pooling builders: `tf.nn.pool` (MAX or AVG over 1, 2 or 3 spatial dims, with strides
or dilation rates) and TF1's `tf.nn.max_pool_v2` / `tf.nn.avg_pool_v2`, which dispatch on the
input's rank.

A dilated pool is TF's graph: `with_space_to_batch` folds each rate into the batch
(SpaceToBatchND), pools with an undilated window and unfolds (BatchToSpaceND).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops.nn import pooling
from ndflow.ops.nn import pooling3d
from ndflow.ops.nn import space_to_batch

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
    <tf.Tensor 'max_pool/BatchToSpaceND:0' shape=(1, 7, 3) dtype=float32>
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
        strides, rates = space_to_batch.strides_and_dilation_rate(n, strides, dilation_rate)
        _check_pool_args(n, padding, strides, rates, window_shape, pooling_type)
        window, full_strides, spatial, kwargs = _layout(n, window_shape, strides, data_format)
        pool_fn = _POOLS[(pooling_type, n)]

        def run(value, pad):
            if n == 1:
                value = array.expand_dims(value, spatial[0])
            result = pool_fn(value, window, full_strides, pad, name=scope, **kwargs)
            return array.squeeze(result, [spatial[0]]) if n == 1 else result

        return space_to_batch.with_space_to_batch(
            input=x,
            dilation_rate=rates,
            padding=padding,
            op=lambda converted, _, converted_padding: run(converted, converted_padding),
            spatial_dims=spatial,
            filter_shape=window_shape,
        )


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
