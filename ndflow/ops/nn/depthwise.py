"""DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropInput and
DepthwiseConv2dNativeBackpropFilter (registered ops with TF's gradients), and the builders
`tf.nn.depthwise_conv2d`, `depthwise_conv2d_native` (+ its backprops) and
`separable_conv2d` (depthwise, then a 1x1 pointwise Conv2D).

A depthwise convolution convolves each input channel with its own `multiplier` filters:
out[b, i, j, c * multiplier + m] = sum over taps of x[b, .., .., c] * w[.., .., c, m]; the
kernels loop over the filter taps (convolution_kernels.depthwise*). As TF, the builders run a
dilated one undilated inside `with_space_to_batch`.
"""

from __future__ import annotations

import warnings

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.nn import convolution_2d as conv_lib
from ndflow.ops.nn import convolution_kernels as kernels
from ndflow.ops.nn import convolution_shapes as shapes
from ndflow.ops.nn import space_to_batch

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
ShapeError = shapes.ShapeError

_ATTRS = [
    "T: {half, bfloat16, float, double}",
    "strides: list(int)",
    "padding: {'SAME', 'VALID', 'EXPLICIT'}",
    "explicit_paddings: list(int) = []",
    "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
    "dilations: list(int) = [1, 1, 1, 1]",
]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _attrs(op) -> dict:
    names = ("strides", "padding", "explicit_paddings", "data_format", "dilations")
    return {name: op.attrs[name] for name in names}


def _check_runtime_attrs(attrs: dict) -> None:
    """TF's depthwise kernels report batch/depth strides as InvalidArgument."""
    shapes.check_batch_and_depth(
        attrs["strides"], attrs["dilations"], attrs["data_format"], errors.InvalidArgumentError
    )


# ---------------------------------------------------------------------- forward


def _depthwise_shape(op):
    """TF's DepthwiseConv2DNativeShapeWithExplicitPadding."""
    inputs = shapes.with_rank(op.inputs[0].shape, 4)
    filters = shapes.with_rank(op.inputs[1].shape, 4)
    for attr, noun in (("strides", "stride"), ("dilations", "dilations")):
        if len(op.attrs[attr]) != 4:
            raise ShapeError(
                f"DepthwiseConv2D requires the {noun} attribute to contain 4 values, but got: "
                f"{len(op.attrs[attr])}"
            )
    data_format = op.attrs["data_format"]
    batch, spatial, in_depth = shapes.split_dims(inputs, data_format)
    depth = shape_errors.merge_dims(in_depth, filters[2])
    out_depth = None if depth is None or filters[3] is None else depth * filters[3]
    shapes.check_padding(op.attrs["padding"], op.attrs["explicit_paddings"], 4, data_format)
    out_spatial = shapes.output_spatial(spatial, filters[:2], op, 4)
    return [shapes.assemble(batch, out_spatial, out_depth, data_format)]


def _depthwise_kernel(ctx, input, filter, **attrs):
    _check_runtime_attrs(attrs)
    data_format = attrs["data_format"]
    if np.ndim(input) != 4:
        raise _invalid(f"input must be 4-dimensional{shapes.format_dims(np.shape(input))}")
    if np.ndim(filter) != 4:
        raise _invalid(f"filter must be 4-dimensional: {shapes.format_dims(np.shape(filter))}")
    x = shapes.to_channels_last(np.asarray(input), data_format)
    if x.shape[-1] != np.shape(filter)[2]:
        raise _invalid(
            f"input and filter must have the same depth: {x.shape[-1]} vs {np.shape(filter)[2]}"
        )
    geo = shapes.geometry(x.shape[1:-1], np.shape(filter)[:2], attrs)
    out = kernels.depthwise(x, filter, geo).astype(x.dtype, copy=False)
    return shapes.from_channels_last(out, data_format)


def _depthwise_grad(op, grad):
    """TF's `_DepthwiseConv2dNativeGrad`."""
    attrs = _attrs(op)
    return [
        apply_op(
            "DepthwiseConv2dNativeBackpropInput",
            array.shape(op.inputs[0]),
            op.inputs[1],
            grad,
            **attrs,
        ),
        apply_op(
            "DepthwiseConv2dNativeBackpropFilter",
            op.inputs[0],
            array.shape(op.inputs[1]),
            grad,
            **attrs,
        ),
    ]


registry.register_op(
    "DepthwiseConv2dNative",
    inputs=["input: T", "filter: T"],
    outputs=["output: T"],
    attrs=_ATTRS,
    shape=_depthwise_shape,
    kernel=_depthwise_kernel,
    grad=_depthwise_grad,
)


# ---------------------------------------------------------------------- backprops


def _check_backprop(label, input_shape, filter_shape, dy_shape, geo) -> None:
    """TF's depthwise EXTRACT_AND_VERIFY_DIMENSIONS (shapes channels last)."""
    if input_shape[0] != dy_shape[0]:
        raise _invalid(f"{label}: input and out_backprop must have the same batch size")
    if input_shape[-1] != filter_shape[2]:
        raise _invalid(f"{label}: input and filter must have the same in_depth")
    if filter_shape[2] * filter_shape[3] != dy_shape[-1]:
        raise _invalid(f"{label}: filter and out_backprop must have the same out_depth")
    for dim, noun in enumerate(("rows", "cols")):
        if dy_shape[1 + dim] != geo.outputs[dim]:
            raise _invalid(
                f"{label}: Number of {noun} of out_backprop doesn't match computed: actual = "
                f"{dy_shape[1 + dim]}, computed = {geo.outputs[dim]}"
            )


def _sizes(values, label: str, name: str) -> list[int]:
    """A sizes input as 4 ints; `name` is the tensor TF's message says is not 4-D."""
    values = np.asarray(values)
    if values.ndim != 1 or values.shape[0] != 4:
        raise _invalid(f"{label}: {name} must be 4-dimensional")
    sizes = [int(v) for v in values]
    if min(sizes) < 0:
        raise _invalid(f"Dimension {min(sizes)} must be >= 0")
    return sizes


def _backprop_input_kernel(ctx, input_sizes, filter, out_backprop, **attrs):
    label = "DepthwiseConv2DBackpropInput"
    _check_runtime_attrs(attrs)
    data_format = attrs["data_format"]
    input_shape = shapes.shape_channels_last(_sizes(input_sizes, label, "input"), data_format)
    dy = shapes.to_channels_last(np.asarray(out_backprop), data_format)
    geo = shapes.geometry(input_shape[1:-1], np.shape(filter)[:2], attrs)
    _check_backprop(label, input_shape, np.shape(filter), dy.shape, geo)
    dx = kernels.depthwise_backprop_input(dy, filter, input_shape, geo).astype(dy.dtype)
    return shapes.from_channels_last(dx, data_format)


def _backprop_input_grad(op, grad):
    """TF's `_DepthwiseConv2dNativeBackpropInputGrad`."""
    attrs = _attrs(op)
    filter_shape = array.shape(op.inputs[1])
    return [
        None,
        apply_op("DepthwiseConv2dNativeBackpropFilter", grad, filter_shape, op.inputs[2], **attrs),
        apply_op("DepthwiseConv2dNative", grad, op.inputs[1], **attrs),
    ]


registry.register_op(
    "DepthwiseConv2dNativeBackpropInput",
    inputs=["input_sizes: int32", "filter: T", "out_backprop: T"],
    outputs=["output: T"],
    attrs=_ATTRS,
    shape=lambda op: [tensor_shape.TensorShape(shapes.shape_from_tensor(op.inputs[0], 4))],
    kernel=_backprop_input_kernel,
    grad=_backprop_input_grad,
)


def _backprop_filter_kernel(ctx, input, filter_sizes, out_backprop, **attrs):
    label = "DepthwiseConv2DBackpropFilter"
    _check_runtime_attrs(attrs)
    data_format = attrs["data_format"]
    filter_shape = _sizes(filter_sizes, label, "filter")
    x = shapes.to_channels_last(np.asarray(input), data_format)
    dy = shapes.to_channels_last(np.asarray(out_backprop), data_format)
    geo = shapes.geometry(x.shape[1:-1], filter_shape[:2], attrs)
    _check_backprop(label, x.shape, filter_shape, dy.shape, geo)
    return kernels.depthwise_backprop_filter(x, dy, filter_shape, geo).astype(x.dtype)


def _backprop_filter_grad(op, grad):
    """TF's `_DepthwiseConv2dNativeBackpropFilterGrad`."""
    attrs = _attrs(op)
    input_shape = array.shape(op.inputs[0])
    return [
        apply_op("DepthwiseConv2dNativeBackpropInput", input_shape, grad, op.inputs[2], **attrs),
        None,
        apply_op("DepthwiseConv2dNative", op.inputs[0], grad, **attrs),
    ]


registry.register_op(
    "DepthwiseConv2dNativeBackpropFilter",
    inputs=["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs=["output: T"],
    attrs=_ATTRS,
    shape=lambda op: [tensor_shape.TensorShape(shapes.shape_from_tensor(op.inputs[1], 4))],
    kernel=_backprop_filter_kernel,
    grad=_backprop_filter_grad,
)


# ---------------------------------------------------------------------- builders


def depthwise_conv2d_native(
    input, filter, strides, padding, data_format="NHWC", dilations=(1, 1, 1, 1), name=None
):
    """Mirrors `tf.compat.v1.nn.depthwise_conv2d_native`: the DepthwiseConv2dNative op.

    Args:
      input: a 4-D Tensor (NHWC or NCHW).
      filter: a 4-D Tensor [height, width, in_channels, channel_multiplier].
      strides: a list of 4 ints.
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs.
      data_format: "NHWC" or "NCHW".
      dilations: a list of 4 ints.
      name: the op name (default "DepthwiseConv2dNative").

    Returns:
      A Tensor of input's type with in_channels * channel_multiplier channels.

    >>> depthwise_conv2d_native(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 2]), [1] * 4, "SAME")
    <tf.Tensor 'DepthwiseConv2dNative:0' shape=(1, 5, 5, 6) dtype=float32>
    """
    padding, explicit_paddings = conv_lib.convert_padding(padding)
    return apply_op(
        "DepthwiseConv2dNative",
        input,
        filter,
        strides=strides,
        padding=padding,
        explicit_paddings=explicit_paddings,
        data_format=data_format or "NHWC",
        dilations=dilations,
        name=name,
    )


def depthwise_conv2d_native_backprop_input(
    input_sizes,
    filter,
    out_backprop,
    strides,
    padding,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """Mirrors `tf.compat.v1.nn.depthwise_conv2d_native_backprop_input`.

    Args:
      input_sizes: an int32 Tensor of 4 values, the input's shape.
      filter: a 4-D Tensor [height, width, in_channels, channel_multiplier].
      out_backprop: the gradient of DepthwiseConv2dNative's output.
      strides, padding, data_format, dilations: as `depthwise_conv2d_native`.
      name: the op name (default "DepthwiseConv2dNativeBackpropInput").

    Returns:
      A Tensor of filter's type and shape `input_sizes`.

    >>> depthwise_conv2d_native_backprop_input([1, 5, 5, 3], tf.zeros([3, 3, 3, 2]),
    ...                                        tf.zeros([1, 5, 5, 6]), [1] * 4, "SAME")
    <tf.Tensor 'DepthwiseConv2dNativeBackpropInput:0' shape=(1, 5, 5, 3) dtype=float32>
    """
    padding, explicit_paddings = conv_lib.convert_padding(padding)
    return apply_op(
        "DepthwiseConv2dNativeBackpropInput",
        input_sizes,
        filter,
        out_backprop,
        strides=strides,
        padding=padding,
        explicit_paddings=explicit_paddings,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )


def depthwise_conv2d_native_backprop_filter(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """Mirrors `tf.compat.v1.nn.depthwise_conv2d_native_backprop_filter`.

    Args:
      input: DepthwiseConv2dNative's 4-D input.
      filter_sizes: an int32 Tensor of 4 values, the filter's shape.
      out_backprop: the gradient of DepthwiseConv2dNative's output.
      strides, padding, data_format, dilations: as `depthwise_conv2d_native`.
      name: the op name (default "DepthwiseConv2dNativeBackpropFilter").

    Returns:
      A Tensor of input's type and shape `filter_sizes`.

    >>> depthwise_conv2d_native_backprop_filter(tf.zeros([1, 5, 5, 3]), [3, 3, 3, 2],
    ...                                         tf.zeros([1, 5, 5, 6]), [1] * 4, "SAME")
    <tf.Tensor 'DepthwiseConv2dNativeBackpropFilter:0' shape=(3, 3, 3, 2) dtype=float32>
    """
    padding, explicit_paddings = conv_lib.convert_padding(padding)
    return apply_op(
        "DepthwiseConv2dNativeBackpropFilter",
        input,
        filter_sizes,
        out_backprop,
        strides=strides,
        padding=padding,
        explicit_paddings=explicit_paddings,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )


def _warn_strided_rate(rate, strides) -> None:
    # TF only warns: the strides then apply to the space-to-batch form of the input.
    if any(r > 1 for r in rate) and any(s != 1 for s in strides):
        warnings.warn(
            "When dilation rate is greater than 1, then all values of strides must be 1. "
            f"Received: `dilation rate` {rate} and `strides` {strides}",
            stacklevel=3,
        )


def depthwise_conv2d(
    input, filter, strides, padding, rate=None, name=None, data_format=None, dilations=None
):
    """Mirrors `tf.compat.v1.nn.depthwise_conv2d`: a depthwise convolution, dilated by `rate`.

    As TF, the graph holds the filter's Shape and a "dilation_rate" Const, and a rate above 1
    runs the undilated op inside `with_space_to_batch` (SpaceToBatchND -> op ->
    BatchToSpaceND).

    Args:
      input: a 4-D Tensor (NHWC, or NCHW with data_format="NCHW").
      filter: a 4-D Tensor [height, width, in_channels, channel_multiplier].
      strides: a list of 4 ints (all 1 with a rate above 1; TF only warns otherwise).
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs.
      rate: 2 ints, the dilation of both spatial dims (default [1, 1]).
      name: the name scope (default "depthwise").
      data_format: "NHWC" (default) or "NCHW".
      dilations: alias of `rate`.

    Returns:
      A Tensor of input's type with in_channels * channel_multiplier channels.

    >>> depthwise_conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 2]), [1] * 4, "VALID")
    <tf.Tensor 'depthwise:0' shape=(1, 3, 3, 6) dtype=float32>
    """
    rate = conv_lib.argument_lookup("dilations", dilations, "rate", rate)
    with graph_lib.name_scope(name, "depthwise", [input, filter]) as scope:
        inputs = convert_to_tensor(input, name="tensor_in")
        kernel = convert_to_tensor(filter, name="filter_in")
        rate = [1, 1] if rate is None else rate
        _warn_strided_rate(rate, strides)

        def op(converted, _, converted_padding):
            return depthwise_conv2d_native(
                converted, kernel, strides, converted_padding, data_format=data_format, name=scope
            )

        return space_to_batch.with_space_to_batch(
            input=inputs,
            filter_shape=array.shape(kernel),
            dilation_rate=rate,
            padding=padding,
            data_format=data_format,
            op=op,
        )


def separable_conv2d(
    input,
    depthwise_filter,
    pointwise_filter,
    strides,
    padding,
    rate=None,
    name=None,
    data_format=None,
    dilations=None,
):
    """Mirrors `tf.compat.v1.nn.separable_conv2d`: a depthwise convolution, then a 1x1 one.

    Args:
      input: a 4-D Tensor (NHWC, or NCHW with data_format="NCHW").
      depthwise_filter: [height, width, in_channels, channel_multiplier].
      pointwise_filter: [1, 1, in_channels * channel_multiplier, out_channels].
      strides: a list of 4 ints for the depthwise convolution.
      padding: "SAME" or "VALID" for the depthwise convolution.
      rate: 2 ints, the depthwise convolution's dilation (default [1, 1]).
      name: the name scope (default "separable_conv2d").
      data_format: "NHWC" (default) or "NCHW".
      dilations: alias of `rate`.

    Returns:
      A Tensor of input's type with out_channels channels.

    Raises:
      ValueError: when pointwise_filter is not [1, 1, ., .].

    >>> separable_conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 2]), tf.zeros([1, 1, 6, 4]),
    ...                  [1] * 4, "SAME")
    <tf.Tensor 'separable_conv2d:0' shape=(1, 5, 5, 4) dtype=float32>
    """
    rate = conv_lib.argument_lookup("dilations", dilations, "rate", rate)
    scope_inputs = [input, depthwise_filter, pointwise_filter]
    with graph_lib.name_scope(name, "separable_conv2d", scope_inputs) as scope:
        inputs = convert_to_tensor(input, name="tensor_in")
        depthwise_filter = convert_to_tensor(depthwise_filter, name="depthwise_filter")
        pointwise_filter = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        pointwise_shape = pointwise_filter.shape.with_rank(4)
        pointwise_shape[0].assert_is_compatible_with(1)
        pointwise_shape[1].assert_is_compatible_with(1)
        rate = [1, 1] if rate is None else rate

        def op(converted, _, converted_padding):
            return depthwise_conv2d_native(
                converted,
                depthwise_filter,
                strides,
                converted_padding,
                data_format=data_format,
                name="depthwise",
            )

        depthwise = space_to_batch.with_space_to_batch(
            input=inputs,
            filter_shape=array.shape(depthwise_filter),
            dilation_rate=rate,
            padding=padding,
            data_format=data_format,
            op=op,
        )
        return conv_lib.conv2d(
            depthwise, pointwise_filter, [1, 1, 1, 1], "VALID", data_format=data_format, name=scope
        )
