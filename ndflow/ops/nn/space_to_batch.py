"""`tf.nn.with_space_to_batch`: runs a windowed op (convolution, pooling) dilated, the way TF
builds every dilated `tf.nn.convolution`, `atrous_conv2d`, `depthwise_conv2d`,
`separable_conv2d` and `tf.nn.pool`: SpaceToBatchND folds each dilation rate into the batch,
the op runs undilated with VALID padding, and BatchToSpaceND unfolds and crops.

The graph is TF's op for op (names included): a "dilation_rate" Const, the base paddings of
SAME padding, `required_space_to_batch_paddings`, the adjustment of rates and paddings to
non-leading spatial dims (NCHW), then the three ops. Also here: TF's argument checks of
strides against dilation rates, shared by convolution and pooling.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import math  # noqa: F401 - installs Tensor operators, which build TF's ops
from ndflow.ops.nn import convolution_2d as conv_lib

convert_to_tensor = op_builder.convert_to_tensor


def strides_and_dilation_rate(num_spatial_dims: int, strides, dilation_rate):
    """TF's `_get_strides_and_dilation_rate`: both as int32 arrays of `num_spatial_dims`.

    Raises:
      ValueError: for a wrong length, a value below 1, or strides > 1 with a rate > 1.
    """
    n = num_spatial_dims
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
            "all values of `dilation_rate` must be positive. Received: "
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


def with_space_to_batch(
    input, dilation_rate, padding, op, filter_shape=None, spatial_dims=None, data_format=None
):
    """Mirrors `tf.nn.with_space_to_batch`: `op` on the space-to-batch form of `input`.

    With all rates 1 this is `op(input, num_spatial_dims, padding)`. Otherwise it is
    `batch_to_space_nd(op(space_to_batch_nd(input, rate, paddings), n, "VALID"), rate,
    crops)`, where SAME padding first pads by the dilated filter's extent.

    Args:
      input: a Tensor of rank > max(spatial_dims).
      dilation_rate: an int32 vector of static length N (the number of spatial dims).
      padding: "VALID" or "SAME" (or explicit [before, after] pairs per dim).
      op: a function (converted_input, num_spatial_dims, padding) -> output.
      filter_shape: the window's shape (at least N values), needed for SAME padding.
      spatial_dims: N increasing dims >= 1 (default 1..N, or 2..N+1 for "NC" formats).
      data_format: None, or a format string; "NC..." puts the channels at dim 1.

    Returns:
      The op's output, back in the input's layout.

    Raises:
      ValueError: for bad rates, spatial dims, padding, or SAME without `filter_shape`.

    >>> with_space_to_batch(tf.zeros([1, 9, 9, 1]), [2, 2], "VALID",
    ...                     lambda x, n, p: tf.nn.max_pool(x, [1, 2, 2, 1], [1] * 4, p))
    <tf.Tensor 'BatchToSpaceND:0' shape=(1, 7, 7, 1) dtype=float32>
    """
    inputs = convert_to_tensor(input, name="input")

    def build_op(num_spatial_dims, op_padding):
        return lambda inp, _: op(inp, num_spatial_dims, op_padding)

    plan = SpaceToBatchPlan(
        inputs.shape,
        dilation_rate,
        padding,
        build_op,
        filter_shape=filter_shape,
        spatial_dims=spatial_dims,
        data_format=data_format,
    )
    return plan(inputs, None)


def _channels_first(data_format) -> bool:
    return data_format is not None and data_format.startswith("NC")


class SpaceToBatchPlan:
    """TF's `_WithSpaceToBatch`: built once from static shapes (its Consts come first in the
    graph), then called with the input and filter.

    `build_op(num_spatial_dims, padding)` returns a function (input, filter) -> output.
    """

    def __init__(
        self,
        input_shape,
        dilation_rate,
        padding,
        build_op,
        filter_shape=None,
        spatial_dims=None,
        data_format=None,
        num_batch_dims=1,
    ):
        dilation_rate = convert_to_tensor(dilation_rate, dtypes.int32, name="dilation_rate")
        num_spatial_dims = _rate_count(dilation_rate)
        first = num_batch_dims + 1 if _channels_first(data_format) else num_batch_dims
        if spatial_dims is None:
            spatial_dims = range(first, num_spatial_dims + first)
        spatial_dims = _check_spatial_dims(spatial_dims)
        expected_rank = spatial_dims[-1] + (0 if _channels_first(data_format) else 1)
        if input_shape.rank is not None and input_shape.rank < expected_rank:
            raise ValueError(
                f"`input.shape.rank` must be at least {expected_rank}. Received: "
                f"input.shape={input_shape} with rank {input_shape.rank}"
            )
        const_rate = tensor_util.constant_value(dilation_rate)
        rate_or_const_rate = dilation_rate
        if const_rate is not None:
            rate_or_const_rate = const_rate
            if np.any(const_rate < 1):
                raise ValueError(
                    f"`dilation_rate` must be positive. Received: dilation_rate={const_rate}"
                )
            if np.all(const_rate == 1):
                self.call = build_op(num_spatial_dims, padding)
                return
        self.num_spatial_dims = num_spatial_dims
        self.rate_or_const_rate = rate_or_const_rate
        self.base_paddings = self._base_paddings(padding, filter_shape, data_format)
        self.input_shape = input_shape
        self.spatial_dims = spatial_dims
        self.dilation_rate = dilation_rate
        self.data_format = data_format
        self.op = build_op(num_spatial_dims, "VALID")
        self.call = self._with_space_to_batch_call

    def _base_paddings(self, padding, filter_shape, data_format):
        """The minimum paddings: the dilated filter's extent for SAME, none for VALID, the
        spatial pairs for explicit padding. None when the filter shape is only known when
        called."""
        padding, explicit_paddings = conv_lib.convert_padding(padding)
        n = self.num_spatial_dims
        if padding == "SAME":
            if filter_shape is None:
                raise ValueError(
                    "`filter_shape` must be specified for `padding='SAME'`. Received: "
                    f"filter_shape={filter_shape} and padding={padding}"
                )
            filter_shape = convert_to_tensor(filter_shape, name="filter_shape")
            const_filter_shape = tensor_util.constant_value(filter_shape)
            if const_filter_shape is None:
                return None
            return base_paddings(const_filter_shape, n, self.rate_or_const_rate)
        if padding == "VALID":
            return np.zeros([n, 2], np.int32)
        if padding == "EXPLICIT":
            pairs = np.array(explicit_paddings).reshape([n + 2, 2])
            return pairs[2:] if _channels_first(data_format) else pairs[1:-1]
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. Received: padding={padding}")

    def _with_space_to_batch_call(self, inp, filter):
        spatial_shape = self._spatial_shape(inp)
        base = self.base_paddings
        if base is None:
            base = base_paddings(
                array.shape(filter), self.num_spatial_dims, self.rate_or_const_rate
            )
        paddings, crops = array.required_space_to_batch_paddings(
            input_shape=spatial_shape, base_paddings=base, block_shape=self.dilation_rate
        )
        dilation_rate = _adjust(self.dilation_rate, 1, self.spatial_dims)
        paddings = _adjust(paddings, 0, self.spatial_dims)
        crops = _adjust(crops, 0, self.spatial_dims)
        converted = array.space_to_batch_nd(inp, block_shape=dilation_rate, paddings=paddings)
        result = self.op(converted, filter)
        result = array.batch_to_space_nd(result, block_shape=dilation_rate, crops=crops)
        if _channels_first(self.data_format):
            # TF restores the channel count the crops hide; `dims` of an unknown rank is
            # None, so like TF this fails (TypeError) on an input of unknown rank.
            if not result.shape.dims[1].value and filter is not None:
                dims = result.shape.as_list()
                dims[1] = filter.shape[-1]
                result.set_shape(dims)
        return result

    def _spatial_shape(self, inp):
        """The spatial dims as ints when static, else a stacked slice of Shape(inp)."""
        if self.input_shape.rank is not None:
            dims = self.input_shape.as_list()
            static = [dims[i] for i in self.spatial_dims]
            if None not in static:
                return static
        shape = array.shape(inp)
        return array.stack([shape[i] for i in self.spatial_dims])

    def __call__(self, inp, filter):
        return self.call(inp, filter)


def _rate_count(dilation_rate) -> int:
    if dilation_rate.shape.rank not in (None, 1):
        raise ValueError(
            "`dilation_rate.shape.rank` must be 1. Received: "
            f"dilation_rate={dilation_rate} of rank {dilation_rate.shape.rank}"
        )
    if not dilation_rate.shape.is_fully_defined():
        raise ValueError(
            "`dilation_rate.shape` must be fully defined. Received: "
            f"dilation_rate={dilation_rate} with shape {dilation_rate.shape}"
        )
    return dilation_rate.shape.as_list()[0]


def _check_spatial_dims(spatial_dims) -> list:
    given = list(spatial_dims)
    ordered = sorted({int(dim) for dim in given})
    if ordered != given or any(dim < 1 for dim in ordered):
        raise ValueError(
            "`spatial_dims` must be a monotonically increasing sequence of positive integers. "
            f"Received: spatial_dims={given}"
        )
    return ordered


def base_paddings(filter_shape, num_spatial_dims: int, rate_or_const_rate):
    """TF's `_with_space_to_batch_base_paddings`: SAME padding of the dilated filter,
    [(k - 1) * r // 2, the rest] per spatial dim (NumPy or graph ops, as the inputs are)."""
    filter_spatial_shape = filter_shape[:num_spatial_dims]
    pad_extra_shape = (filter_spatial_shape - 1) * rate_or_const_rate
    pad_extra_start = pad_extra_shape // 2
    pad_extra_end = pad_extra_shape - pad_extra_start
    rows = [[pad_extra_start[i], pad_extra_end[i]] for i in range(num_spatial_dims)]
    return array.stack(rows)


def _adjust(orig, fill_value, spatial_dims):
    """TF's `_with_space_to_batch_adjust`: `orig` (one row per spatial dim) spread over
    rows 0..max(spatial_dims) - 1, rows of non-spatial dims filled with `fill_value` (block 1,
    no padding: SpaceToBatchND leaves those dims alone)."""
    fill_dims = orig.shape.as_list()[1:]
    dtype = orig.dtype.as_numpy_dtype
    const_orig = tensor_util.constant_value(orig)
    source = const_orig if const_orig is not None else orig
    parts, previous, i = [], 0, 0
    while i < len(spatial_dims):
        start_i, start_dim = i, spatial_dims[i]
        if start_dim > 1:
            # Like TF, also when the run follows the previous one (an empty part).
            parts.append(np.full([start_dim - 1 - previous, *fill_dims], fill_value, dtype=dtype))
        while i + 1 < len(spatial_dims) and spatial_dims[i + 1] == spatial_dims[i] + 1:
            i += 1
        parts.append(source[start_i : i + 1])
        previous = spatial_dims[i]
        i += 1
    if const_orig is not None:
        return np.concatenate(parts)
    return array.concat(parts, 0)
