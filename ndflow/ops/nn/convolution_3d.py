"""Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 (registered ops with TF's
gradients), `tf.nn.conv3d` and `conv3d_backprop_filter_v2`, and the generic N-d dispatch
`tf.nn.convolution` (with `atrous_conv2d`), which picks conv1d, Conv2D or Conv3D by rank
and, as TF, runs a dilated one undilated inside `with_space_to_batch` (SpaceToBatchND ->
conv -> BatchToSpaceND). The kernels are convolution_2d.py's, on 5-D arrays.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.nn import convolution_2d as conv_lib
from ndflow.ops.nn import convolution_shapes as shapes
from ndflow.ops.nn import space_to_batch

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_FLOAT_TYPES = "T: {half, bfloat16, float, double}"
_ATTRS_3D = [
    "strides: list(int) >= 5",
    "padding: {'SAME', 'VALID'}",
    "data_format: {'NDHWC', 'NCDHW'} = 'NDHWC'",
    "dilations: list(int) = [1, 1, 1, 1, 1]",
]
_CHANNELS_LAST_FORMATS = frozenset(
    {"NWC", "NHC", "NHWC", "NWHC", "NDHWC", "NDWHC", "NHDWC", "NHWDC", "NWDHC", "NWHDC"}
)


def _conv3d_kernel(ctx, input, filter, **attrs):
    return conv_lib.forward_kernel(input, filter, attrs, 5)


def _conv3d_grad(op, grad):
    """TF's `_Conv3DGrad`: Conv3DBackpropInputV2 and Conv3DBackpropFilterV2."""
    attrs = conv_lib.conv_attrs(op)
    input_shape, filter_shape = array.shape_n([op.inputs[0], op.inputs[1]])
    return [
        apply_op("Conv3DBackpropInputV2", input_shape, op.inputs[1], grad, **attrs),
        apply_op("Conv3DBackpropFilterV2", op.inputs[0], filter_shape, grad, **attrs),
    ]


registry.register_op(
    "Conv3D",
    inputs=["input: T", "filter: T"],
    outputs=["output: T"],
    attrs=[_FLOAT_TYPES, *_ATTRS_3D],
    shape=lambda op: conv_lib.forward_shape(op, 5),
    kernel=_conv3d_kernel,
    grad=_conv3d_grad,
)


def _conv3d_backprop_input_kernel(ctx, input_sizes, filter, out_backprop, **attrs):
    return conv_lib.backprop_input_kernel(
        input_sizes, filter, out_backprop, attrs, 5, "Conv3DBackpropInputOp"
    )


def _conv3d_backprop_input_grad(op, grad):
    """TF's `_Conv3DBackpropInputGrad`."""
    attrs = conv_lib.conv_attrs(op)
    filter_shape = array.shape(op.inputs[1])
    return [
        None,
        apply_op("Conv3DBackpropFilterV2", grad, filter_shape, op.inputs[2], **attrs),
        apply_op("Conv3D", grad, op.inputs[1], **attrs),
    ]


registry.register_op(
    "Conv3DBackpropInputV2",
    inputs=["input_sizes: Tshape", "filter: T", "out_backprop: T"],
    outputs=["output: T"],
    attrs=[_FLOAT_TYPES, *_ATTRS_3D, "Tshape: {int32, int64} = DT_INT32"],
    shape=lambda op: [tensor_shape.TensorShape(shapes.shape_from_tensor(op.inputs[0], 5))],
    kernel=_conv3d_backprop_input_kernel,
    grad=_conv3d_backprop_input_grad,
)


def _conv3d_backprop_filter_kernel(ctx, input, filter_sizes, out_backprop, **attrs):
    return conv_lib.backprop_filter_kernel(
        input, filter_sizes, out_backprop, attrs, 5, "Conv3DBackpropFilterOp"
    )


def _conv3d_backprop_filter_grad(op, grad):
    """TF's `_Conv3DBackpropFilterGrad`."""
    attrs = conv_lib.conv_attrs(op)
    input_shape = array.shape(op.inputs[0])
    return [
        apply_op("Conv3DBackpropInputV2", input_shape, grad, op.inputs[2], **attrs),
        None,
        apply_op("Conv3D", op.inputs[0], grad, **attrs),
    ]


registry.register_op(
    "Conv3DBackpropFilterV2",
    inputs=["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs=["output: T"],
    attrs=[_FLOAT_TYPES, *_ATTRS_3D],
    shape=lambda op: conv_lib.backprop_filter_shape(op, 5),
    kernel=_conv3d_backprop_filter_kernel,
    grad=_conv3d_backprop_filter_grad,
)


def conv3d(
    input,
    filter=None,
    strides=None,
    padding=None,
    data_format="NDHWC",
    dilations=(1, 1, 1, 1, 1),
    name=None,
    filters=None,
):
    """Mirrors `tf.compat.v1.nn.conv3d`: a 3-D convolution.

    Args:
      input: a 5-D Tensor [batch, depth, height, width, channels] (NDHWC) or NCDHW.
      filter: a 5-D Tensor [filter_depth, filter_height, filter_width, in_channels,
        out_channels].
      strides: a list of 5 ints (1 for the batch and channel dims).
      padding: "SAME" or "VALID".
      data_format: "NDHWC" or "NCDHW".
      dilations: a list of 5 ints.
      name: the op name (default "Conv3D").
      filters: alias of `filter`.

    Returns:
      A Tensor of input's type.

    Raises:
      ValueError: for strides/dilations of the wrong length or shapes that do not fit.

    >>> conv3d(tf.zeros([1, 4, 4, 4, 2]), tf.zeros([2, 2, 2, 2, 3]), [1] * 5, "VALID")
    <tf.Tensor 'Conv3D:0' shape=(1, 3, 3, 3, 3) dtype=float32>
    """
    kernel = conv_lib.argument_lookup("filters", filters, "filter", filter)
    return apply_op(
        "Conv3D",
        input,
        kernel,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )


def _spatial_rank(input, filters, num_spatial_dims):
    filters_rank, inputs_rank = conv_lib.rank_of(filters), conv_lib.rank_of(input)
    if num_spatial_dims is not None:
        return num_spatial_dims
    if filters_rank:
        return filters_rank - 2
    if inputs_rank:
        return inputs_rank - 2
    raise ValueError(
        "When `num_spatial_dims` is not set, one of `input.shape.rank` or "
        "`filters.shape.rank` must be known. Received: input.shape="
        f"{input.shape} of rank {inputs_rank} and filters.shape={filters.shape} of rank "
        f"{filters_rank}"
    )


def convolution_internal(
    input,
    filters,
    strides=None,
    padding="VALID",
    data_format=None,
    dilations=None,
    name=None,
    num_spatial_dims=None,
):
    """TF's `convolution_internal`: Conv2D, Conv3D or conv1d by rank; with a dilation above
    1, TF's `Convolution` (the undilated op inside `with_space_to_batch`)."""
    filters = convert_to_tensor(filters, name="filters")
    inputs = convert_to_tensor(input, name="input")
    num_spatial_dims = _spatial_rank(inputs, filters, num_spatial_dims)
    channel_index = _channel_index(inputs, num_spatial_dims, data_format)
    is_dilated = dilations is not None
    dilations = conv_lib.get_sequence(dilations, num_spatial_dims, channel_index, "dilations")
    is_dilated = is_dilated and any(d != 1 for d in dilations)
    strides = conv_lib.get_sequence(strides, num_spatial_dims, channel_index, "strides")
    with graph_lib.name_scope(name, "convolution", [inputs, filters]) as scope:
        if is_dilated:
            spatial = slice(2, None) if channel_index == 1 else slice(1, -1)
            return _dilated_convolution(
                inputs,
                filters,
                padding,
                strides[spatial],
                dilations[spatial],
                scope,
                data_format,
                num_spatial_dims,
            )
        if num_spatial_dims == 1:
            return conv_lib.conv1d(
                inputs, filters, strides, padding, None, data_format, scope, None, dilations
            )
        rank = num_spatial_dims + 2
        return conv_lib.conv_op(
            "Conv2D" if rank == 4 else "Conv3D",
            inputs,
            filters,
            rank,
            scope,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilations=dilations,
        )


def _dilated_convolution(inputs, filters, padding, strides, dilation_rate, name, data_format, n):
    """TF's `Convolution` helper: checks, then `with_space_to_batch` around the undilated
    convolution (its static filter shape decides SAME padding)."""
    input_shape, filter_shape = inputs.shape, filters.shape
    if filter_shape.rank is not None and filter_shape.rank != n + 2:
        raise ValueError(
            "`filters.shape.rank` must be `num_spatial_dims + 2`. Received: "
            f"filters.shape={filter_shape} of rank {filter_shape.rank} and num_spatial_dims={n}"
        )
    num_batch_dims = 1 if input_shape.rank is None else input_shape.rank - n - 1
    if num_batch_dims < 1:
        raise ValueError(
            f"Batch dims should be >= 1, but found {num_batch_dims}. Received: "
            f"input.shape={input_shape} of rank {input_shape.rank}, filters.shape="
            f"{filter_shape} of rank {filter_shape.rank}, and num_spatial_dims={n}"
        )
    first = num_batch_dims + 1 if _is_channels_first(data_format) else num_batch_dims
    channels = _dimension_at(input_shape, num_batch_dims if first > num_batch_dims else first + n)
    filter_channels = _dimension_at(filter_shape, n)
    if not (channels % filter_channels).is_compatible_with(0):
        raise ValueError(
            "The number of input channels is not divisible by the corresponding number of "
            f"output filters. Received: input.shape={input_shape} with {channels} channels "
            f"and filters.shape={filter_shape} with {filter_channels} output filters."
        )
    strides, dilation_rate = space_to_batch.strides_and_dilation_rate(n, strides, dilation_rate)

    def build_op(_, op_padding):
        return _undilated_op(n, strides, op_padding, data_format, name)

    plan = space_to_batch.SpaceToBatchPlan(
        input_shape,
        dilation_rate,
        padding,
        build_op,
        filter_shape=filter_shape,
        spatial_dims=range(first, first + n),
        data_format=data_format,
        num_batch_dims=num_batch_dims,
    )
    return plan(inputs, filters)


def _dimension_at(shape, index):
    """TF's `dimension_at_index`: an unknown Dimension when the rank is unknown."""
    return tensor_shape.Dimension(None) if shape.rank is None else shape[index]


def _is_channels_first(data_format) -> bool:
    return data_format is not None and data_format.startswith("NC")


def _undilated_op(n, strides, padding, data_format, name):
    """TF's `_NonAtrousConvolution`: (input, filter) -> conv1d, Conv2D or Conv3D."""
    strides = [int(s) for s in strides]
    if n == 1:
        if data_format not in (None, "NCW", "NWC", "NCHW", "NHWC"):
            raise ValueError(
                f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
            )
        data_format = data_format or "NWC"
        return lambda inp, kernel: conv_lib.conv1d(
            inp, kernel, strides[0], padding, data_format=data_format, name=name
        )
    formats = ("NHWC", "NCHW") if n == 2 else ("NDHWC", "NCDHW")
    if data_format not in (None, *formats):
        raise ValueError(
            f"`data_format` must be '{formats[0]}' or '{formats[1]}'. Received: "
            f"data_format={data_format}"
        )
    full = [1, *strides, 1] if data_format in (None, formats[0]) else [1, 1, *strides]
    if n == 2:
        data_format = data_format or "NHWC"
        return lambda inp, kernel: conv_lib.conv2d(
            inp, kernel, full, padding, data_format=data_format, name=name
        )
    return lambda inp, kernel: conv_lib.conv_op(
        "Conv3D", inp, kernel, 5, name, strides=full, padding=padding, data_format=data_format
    )


def _channel_index(inputs, num_spatial_dims, data_format):
    if num_spatial_dims not in (1, 2, 3):
        raise ValueError(
            f"`num_spatial_dims` must be 1, 2, or 3. Received: num_spatial_dims={num_spatial_dims}."
        )
    rank = inputs.shape.rank
    num_batch_dims = rank - num_spatial_dims - 1 if rank else 1
    if data_format is None or data_format in _CHANNELS_LAST_FORMATS:
        return num_batch_dims + num_spatial_dims
    return num_batch_dims


def convolution(
    input,
    filter,
    padding,
    strides=None,
    dilation_rate=None,
    name=None,
    data_format=None,
    filters=None,
    dilations=None,
):
    """Mirrors `tf.compat.v1.nn.convolution`: an N-D convolution (N = 1, 2 or 3).

    Args:
      input: an (N+2)-D Tensor, channels last unless data_format starts with "NC".
      filter: an (N+2)-D Tensor [*filter_spatial, in_channels, out_channels].
      padding: "SAME" or "VALID".
      strides: N ints (default 1s); with any > 1, dilation_rate must be all 1s.
      dilation_rate: N ints (default 1s).
      name: the name scope (default "convolution").
      data_format: "NWC"/"NCW", "NHWC"/"NCHW", "NDHWC"/"NCDHW" or None.
      filters: alias of `filter`.
      dilations: alias of `dilation_rate`.

    Returns:
      A Tensor of input's type.

    Raises:
      ValueError: when neither rank is known, or for bad strides/dilations.

    >>> convolution(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 4]), "SAME")
    <tf.Tensor 'convolution:0' shape=(1, 5, 5, 4) dtype=float32>
    """
    kernel = conv_lib.argument_lookup("filters", filters, "filter", filter)
    dilation_rate = conv_lib.argument_lookup("dilations", dilations, "dilation_rate", dilation_rate)
    return convolution_internal(
        input,
        kernel,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilations=dilation_rate,
        name=name,
    )


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Mirrors `tf.nn.atrous_conv2d`: a 2-D convolution dilated by `rate` in both dims.

    Args:
      value: a 4-D NHWC Tensor.
      filters: a 4-D Tensor [height, width, in_channels, out_channels].
      rate: a positive int, the dilation of both spatial dims.
      padding: "SAME" or "VALID".
      name: the name scope (default "convolution").

    Returns:
      A Tensor of value's type.

    Raises:
      ValueError: for a rate below 1.

    >>> atrous_conv2d(tf.zeros([1, 9, 9, 2]), tf.zeros([3, 3, 2, 4]), 2, "VALID")
    <tf.Tensor 'convolution/BatchToSpaceND:0' shape=(1, 5, 5, 4) dtype=float32>
    """
    return convolution(
        input=value,
        filter=filters,
        padding=padding,
        dilation_rate=[int(r) for r in np.broadcast_to(rate, (2,))],
        name=name,
    )


def conv3d_backprop_filter_v2(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    data_format="NDHWC",
    dilations=(1, 1, 1, 1, 1),
    name=None,
):
    """Mirrors `tf.compat.v1.nn.conv3d_backprop_filter_v2`: Conv3D's gradient for its filter.

    Args:
      input: Conv3D's 5-D input.
      filter_sizes: an int32 Tensor of 5 values, the filter's shape.
      out_backprop: the gradient of Conv3D's output, 5-D.
      strides, padding, data_format, dilations: as `conv3d`.
      name: the op name (default "Conv3DBackpropFilterV2").

    Returns:
      A Tensor of input's type and shape `filter_sizes`.

    >>> conv3d_backprop_filter_v2(tf.zeros([1, 3, 3, 3, 1]), [2, 2, 2, 1, 1],
    ...                           tf.zeros([1, 2, 2, 2, 1]), [1] * 5, "VALID")
    <tf.Tensor 'Conv3DBackpropFilterV2:0' shape=(2, 2, 2, 1, 1) dtype=float32>
    """
    return apply_op(
        "Conv3DBackpropFilterV2",
        input,
        filter_sizes,
        out_backprop,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )
