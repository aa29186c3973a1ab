"""Transposed convolutions: `tf.nn.conv1d_transpose`, `conv2d_transpose`, `conv3d_transpose`,
`conv_transpose` and `atrous_conv2d_transpose`. As in TF they are the input-gradient ops
(Conv2DBackpropInput, Conv3DBackpropInputV2) with the value as `out_backprop` and
`output_shape` as `input_sizes`; conv1d_transpose adds and removes a unit height dim, and a
dilated atrous_conv2d_transpose runs between SpaceToBatchND and BatchToSpaceND.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math  # noqa: F401 - installs Tensor operators, which build TF's ops
from ndflow.ops.nn import convolution_2d as conv_lib

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor


def _is_tensor(value) -> bool:
    return isinstance(getattr(value, "shape", None), tensor_shape.TensorShape)


def conv2d_transpose(
    value=None,
    filter=None,
    output_shape=None,
    strides=None,
    padding="SAME",
    data_format="NHWC",
    name=None,
    input=None,
    filters=None,
    dilations=None,
):
    """Mirrors `tf.compat.v1.nn.conv2d_transpose`: the gradient of conv2d for its input.

    Args:
      value: a 4-D Tensor [batch, height, width, in_channels] (NHWC) or NCHW.
      filter: a 4-D Tensor [height, width, output_channels, in_channels].
      output_shape: a 1-D int Tensor (or list) of 4 values, the output's shape.
      strides: an int or a list of 1, 2 or 4 ints.
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs.
      data_format: "NHWC" or "NCHW".
      name: the name scope (default "conv2d_transpose").
      input: alias of `value`.
      filters: alias of `filter`.
      dilations: an int or a list of 1, 2 or 4 ints.

    Returns:
      A Tensor of value's type and shape `output_shape`.

    Raises:
      ValueError: for bad strides, dilations or padding.

    >>> conv2d_transpose(tf.zeros([1, 3, 3, 4]), tf.zeros([3, 3, 2, 4]), [1, 6, 6, 2], 2)
    <tf.Tensor 'conv2d_transpose:0' shape=(1, 6, 6, 2) dtype=float32>
    """
    value = conv_lib.argument_lookup("input", input, "value", value)
    kernel = conv_lib.argument_lookup("filters", filters, "filter", filter)
    with graph_lib.name_scope(name, "conv2d_transpose", [value, kernel, output_shape]) as scope:
        data_format = data_format or "NHWC"
        channel_index = 1 if data_format.startswith("NC") else 3
        padding, explicit_paddings = conv_lib.convert_padding(padding)
        return apply_op(
            "Conv2DBackpropInput",
            output_shape,
            kernel,
            value,
            strides=conv_lib.get_sequence(strides, 2, channel_index, "strides"),
            padding=padding,
            explicit_paddings=explicit_paddings,
            data_format=data_format,
            dilations=conv_lib.get_sequence(dilations, 2, channel_index, "dilations"),
            name=scope,
        )


def conv3d_transpose(
    value,
    filter=None,
    output_shape=None,
    strides=None,
    padding="SAME",
    data_format="NDHWC",
    name=None,
    input=None,
    filters=None,
    dilations=None,
):
    """Mirrors `tf.compat.v1.nn.conv3d_transpose`: the gradient of conv3d for its input.

    Args:
      value: a 5-D Tensor [batch, depth, height, width, in_channels] (NDHWC) or NCDHW.
      filter: a 5-D Tensor [depth, height, width, output_channels, in_channels].
      output_shape: a 1-D int Tensor (or list) of 5 values.
      strides: an int or a list of 1, 3 or 5 ints.
      padding: "SAME" or "VALID".
      data_format: "NDHWC" or "NCDHW".
      name: the name scope (default "conv3d_transpose").
      input: alias of `value`.
      filters: alias of `filter`.
      dilations: an int or a list of 1, 3 or 5 ints.

    Returns:
      A Tensor of value's type and shape `output_shape`.

    Raises:
      ValueError: for bad strides or dilations.

    >>> conv3d_transpose(tf.zeros([1, 2, 2, 2, 4]), tf.zeros([2, 2, 2, 3, 4]),
    ...                  [1, 4, 4, 4, 3], [1, 2, 2, 2, 1])
    <tf.Tensor 'conv3d_transpose:0' shape=(1, 4, 4, 4, 3) dtype=float32>
    """
    kernel = conv_lib.argument_lookup("filters", filters, "filter", filter)
    value = conv_lib.argument_lookup("input", input, "value", value)
    with graph_lib.name_scope(name, "conv3d_transpose", [value, kernel, output_shape]) as scope:
        data_format = data_format or "NDHWC"
        channel_index = 1 if data_format.startswith("NC") else 4
        return apply_op(
            "Conv3DBackpropInputV2",
            output_shape,
            kernel,
            value,
            strides=conv_lib.get_sequence(strides, 3, channel_index, "strides"),
            padding=padding,
            data_format=data_format,
            dilations=conv_lib.get_sequence(dilations, 3, channel_index, "dilations"),
            name=scope,
        )


def conv1d_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format="NWC",
    dilations=None,
    name=None,
):
    """Mirrors `tf.nn.conv1d_transpose`: the gradient of conv1d for its input.

    Args:
      input: a 3-D Tensor [batch, width, in_channels] (NWC) or NCW.
      filters: a 3-D Tensor [width, output_channels, in_channels].
      output_shape: a 1-D int Tensor (or list) of 3 values.
      strides: an int or a list of 1 or 3 ints.
      padding: "SAME" or "VALID".
      data_format: "NWC" or "NCW".
      dilations: an int or a list of 1 or 3 ints.
      name: the name scope (default "conv1d_transpose").

    Returns:
      A Tensor of input's type and shape `output_shape`.

    Raises:
      ValueError: for another data_format or bad strides/dilations.

    >>> conv1d_transpose(tf.zeros([2, 5, 4]), tf.zeros([3, 2, 4]), [2, 10, 2], 2)
    <tf.Tensor 'conv1d_transpose/Squeeze:0' shape=(2, 10, 2) dtype=float32>
    """
    with graph_lib.name_scope(name, "conv1d_transpose", [input, filters, output_shape]) as scope:
        if data_format in (None, "NWC"):
            data_format, spatial_start, channel_index = "NHWC", 1, 2
        elif data_format == "NCW":
            data_format, spatial_start, channel_index = "NCHW", 2, 1
        else:
            raise ValueError(
                f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
            )
        strides = [1, *conv_lib.get_sequence(strides, 1, channel_index, "stride")]
        dilations = [1, *conv_lib.get_sequence(dilations, 1, channel_index, "dilations")]
        value = array.expand_dims(input, spatial_start)
        filters = array.expand_dims(filters, 0)
        if not _is_tensor(output_shape):
            output_shape = list(output_shape)
        sizes = array.concat([output_shape[:spatial_start], [1], output_shape[spatial_start:]], 0)
        result = apply_op(
            "Conv2DBackpropInput",
            sizes,
            filters,
            value,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilations=dilations,
            name=scope,
        )
        return array.squeeze(result, spatial_start)


_TRANSPOSES = {1: conv1d_transpose, 2: conv2d_transpose, 3: conv3d_transpose}


def conv_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format=None,
    dilations=None,
    name=None,
):
    """Mirrors `tf.nn.conv_transpose`: conv1d/2d/3d_transpose chosen by output_shape's length.

    Args:
      input: an (N+2)-D Tensor.
      filters: an (N+2)-D Tensor [*spatial, output_channels, in_channels].
      output_shape: a 1-D int Tensor (or sequence) of N+2 values.
      strides, padding, data_format, dilations: as the N-D transpose.
      name: the name scope (default "conv_transpose").

    Returns:
      A Tensor of input's type and shape `output_shape`.

    Raises:
      ValueError: when output_shape has no length, or not 3, 4 or 5 values.

    >>> conv_transpose(tf.zeros([1, 3, 3, 4]), tf.zeros([3, 3, 2, 4]), [1, 3, 3, 2], 1)
    <tf.Tensor 'conv_transpose:0' shape=(1, 3, 3, 2) dtype=float32>
    """
    with graph_lib.name_scope(name, "conv_transpose", [input, filters, output_shape]) as scope:
        if _is_tensor(output_shape):
            n = output_shape.shape[0] - 2
        elif hasattr(output_shape, "__len__"):
            n = len(output_shape) - 2
        else:
            raise ValueError(
                "`output_shape` must be a tensor or sized collection. Received: "
                f"output_shape={output_shape}"
            )
        if not 1 <= n <= 3:
            raise ValueError(
                f"`output_shape` must be of length 3, 4 or 5. Received: "
                f"output_shape={output_shape} of length {n + 2}."
            )
        transpose = _TRANSPOSES[int(n)]
        return transpose(
            input,
            filters,
            output_shape,
            strides,
            padding=padding,
            data_format=data_format,
            dilations=dilations,
            name=scope,
        )


def _check_atrous_transpose(value, filters, rate) -> None:
    """TF's first argument checks of atrous_conv2d_transpose (before any op is built)."""
    value_channels, filter_in = value.shape.with_rank(4)[3], filters.shape.with_rank(4)[3]
    if not tensor_shape.Dimension(value_channels).is_compatible_with(filter_in):
        raise ValueError(
            "`value` channel count must be compatible with `filters` input channel count. "
            f"Received: value.shape={value.shape} with channel count {value_channels} and "
            f"filters.shape={filters.shape} with input channel count {filter_in}."
        )
    if rate < 1:
        raise ValueError(f"`rate` cannot be less than one. Received: rate={rate}")


def _check_atrous_output_shape(filters, output_shape) -> None:
    sizes = convert_to_tensor(output_shape, name="output_shape")
    if not sizes.shape.is_compatible_with(tensor_shape.TensorShape([4])):
        raise ValueError(
            f"`output_shape` must have shape (4,). Received: output_shape={sizes.shape}"
        )
    if isinstance(output_shape, (list, np.ndarray)):
        if not tensor_shape.Dimension(filters.shape[2]).is_compatible_with(output_shape[3]):
            raise ValueError(
                "`output_shape` channel count must be compatible with `filters` output "
                f"channel count. Received: output_shape={output_shape} with channel count "
                f"{output_shape[3]} and filters.shape={filters.shape} with output channel "
                f"count {filters.shape[3]}."
            )


def _atrous_transpose_paddings(filters, rate, padding):
    """(top, bottom, left, right): SAME padding of the dilated filter (ints, or scalar
    Tensors when the filter's shape is not static), zeros for VALID."""
    if padding == "VALID":
        return 0, 0, 0, 0
    if padding != "SAME":
        raise ValueError(f"`padding` must be either 'VALID' or 'SAME'. Received: padding={padding}")
    if filters.shape.is_fully_defined():
        filter_shape = filters.shape.as_list()
    else:
        filter_shape = array.shape(filters)
    filter_height, filter_width = filter_shape[0], filter_shape[1]
    pad_height = filter_height + (filter_height - 1) * (rate - 1) - 1
    pad_width = filter_width + (filter_width - 1) * (rate - 1) - 1
    pad_top, pad_left = pad_height // 2, pad_width // 2
    return pad_top, pad_height - pad_top, pad_left, pad_width - pad_left


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """Mirrors `tf.nn.atrous_conv2d_transpose`: the gradient of atrous_conv2d for its input.

    As TF, a rate above 1 is SpaceToBatchND (padding the height and width to multiples of
    the rate), an undilated Conv2DBackpropInput and BatchToSpaceND (cropping the SAME
    padding and the extra).

    Args:
      value: a 4-D NHWC Tensor.
      filters: a 4-D Tensor [height, width, output_channels, in_channels].
      output_shape: a 1-D int Tensor (or list) of 4 values.
      rate: a positive int, the dilation of both spatial dims.
      padding: "SAME" or "VALID".
      name: the name scope (default "atrous_conv2d_transpose").

    Returns:
      A Tensor of value's type and shape `output_shape`.

    Raises:
      ValueError: for incompatible channel counts, a rate below 1, or another padding.

    >>> atrous_conv2d_transpose(tf.zeros([1, 5, 5, 4]), tf.zeros([3, 3, 2, 4]),
    ...                         [1, 9, 9, 2], 2, "VALID")
    <tf.Tensor 'atrous_conv2d_transpose/BatchToSpaceND:0' shape=(1, 9, 9, 2) dtype=float32>
    """
    scope_inputs = [value, filters, output_shape]
    with graph_lib.name_scope(name, "atrous_conv2d_transpose", scope_inputs):
        value = convert_to_tensor(value, name="value")
        filters = convert_to_tensor(filters, name="filters")
        _check_atrous_transpose(value, filters, rate)
        if rate == 1:
            return conv2d_transpose(
                value, filters, output_shape, strides=[1, 1, 1, 1], padding=padding
            )
        if isinstance(output_shape, tuple):
            output_shape = list(output_shape)
        _check_atrous_output_shape(filters, output_shape)
        top, bottom, left, right = _atrous_transpose_paddings(filters, rate, padding)
        in_height = output_shape[1] + top + bottom
        in_width = output_shape[2] + left + right
        # More padding so that the rate divides the height and width.
        bottom_extra = (rate - in_height % rate) % rate
        right_extra = (rate - in_width % rate) % rate
        value = array.space_to_batch(value, [[0, bottom_extra], [0, right_extra]], block_size=rate)
        input_sizes = [
            rate * rate * output_shape[0],
            (in_height + bottom_extra) // rate,
            (in_width + right_extra) // rate,
            output_shape[3],
        ]
        value = apply_op(
            "Conv2DBackpropInput",
            input_sizes,
            filters,
            value,
            strides=[1, 1, 1, 1],
            padding="VALID",
            data_format="NHWC",
        )
        crops = [[top, bottom + bottom_extra], [left, right + right_extra]]
        return array.batch_to_space(value, crops, block_size=rate)
