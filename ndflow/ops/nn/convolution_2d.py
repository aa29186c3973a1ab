"""Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter (the backprop ops are registered ops
with their own gradients, as in TF's nn_grad.py), the builders `tf.nn.conv2d`, `conv1d`,
`conv2d_backprop_input` and `conv2d_backprop_filter`, and the op-layout kernels, shape
function and builder helpers the 3-D, transposed and generic convolutions share.

The kernels are im2col + BLAS GEMM (ndflow/ops/nn/convolution_kernels.py), with strides,
dilations, SAME/VALID/EXPLICIT padding, NHWC/NCHW (through transposes) and grouped
convolution (input channels a multiple of the filter's). Conv3D and `tf.nn.convolution` are
in convolution_3d.py, transposed convolutions in convolution_transpose.py, depthwise ones in
depthwise.py.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops.nn import convolution_kernels as kernels
from ndflow.ops.nn import convolution_shapes as shapes

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
ShapeError = shapes.ShapeError

_TYPES_2D = "T: {half, bfloat16, float, double, int32}"
_FLOAT_TYPES = "T: {half, bfloat16, float, double}"
_ATTRS_2D = [
    "strides: list(int)",
    "use_cudnn_on_gpu: bool = true",
    "padding: {'SAME', 'VALID', 'EXPLICIT'}",
    "explicit_paddings: list(int) = []",
    "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
    "dilations: list(int) = [1, 1, 1, 1]",
]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def conv_attrs(op) -> dict:
    """The attrs a gradient passes on to the ops it builds."""
    names = ("strides", "padding", "explicit_paddings", "use_cudnn_on_gpu", "data_format")
    attrs = {name: op.attrs[name] for name in names if name in op.attrs}
    attrs["dilations"] = op.attrs["dilations"]
    return attrs


# ---------------------------------------------------------------------- forward (2-D and 3-D)


def _attr_counts(op, rank: int) -> None:
    """Conv2D's and Conv3D's messages for strides/dilations of the wrong length."""
    name = "Conv2D" if rank == 4 else "Conv3D"
    dilations, strides = op.attrs["dilations"], op.attrs["strides"]
    if len(dilations) != rank:
        raise ShapeError(
            f"{name} requires the dilation attribute to contain {rank} values, but got: "
            f"{len(dilations)}"
        )
    if len(strides) != rank:
        where = f" on data format {op.attrs['data_format']}" if rank == 4 else ""
        raise ShapeError(
            f"{name}{where} requires the stride attribute to contain {rank} values, but got: "
            f"{len(strides)}"
        )


def forward_shape(op, rank: int):
    """TF's Conv2DShapeWithExplicitPadding / Conv3DShape."""
    data_format = op.attrs["data_format"]
    inputs = shapes.with_rank(op.inputs[0].shape, rank)
    filters = shapes.with_rank(op.inputs[1].shape, rank)
    _attr_counts(op, rank)
    batch, spatial, in_depth = shapes.split_dims(inputs, data_format)
    shapes.check_depths(in_depth, filters[-2], filters[-1])
    if rank == 4:
        shapes.check_padding(op.attrs["padding"], op.attrs["explicit_paddings"], rank, data_format)
    out_spatial = shapes.output_spatial(spatial, filters[:-2], op, rank)
    return [shapes.assemble(batch, out_spatial, filters[-1], data_format)]


_CONV3D_DILATIONS = (
    "Current implementation does not yet support dilation rates in the batch and depth dimensions."
)


def _check_attrs(attrs: dict, rank: int, error=errors.UnimplementedError) -> None:
    """Batch/depth strides and dilations: TF's Conv3D kernels say it differently."""
    if rank == 5:
        error, message = errors.InvalidArgumentError, _CONV3D_DILATIONS
    else:
        message = shapes.DILATIONS_MESSAGE
    data_format = attrs["data_format"]
    shapes.check_batch_and_depth(attrs["strides"], attrs["dilations"], data_format, error, message)


def _check_forward_inputs(x, w, rank: int) -> None:
    for name, value in (("input", x), ("filter", w)):
        if np.ndim(value) == rank:
            continue
        if rank == 5:
            raise _invalid(f"{name} must be 5-dimensional")
        raise _invalid(
            f"convolution {name} must be 4-dimensional: {shapes.format_dims(np.shape(value))}"
        )


def forward_kernel(x, w, attrs: dict, rank: int):
    """Conv2D / Conv3D on op-layout arrays."""
    data_format = attrs["data_format"]
    _check_attrs(attrs, rank)
    _check_forward_inputs(x, w, rank)
    x_last = shapes.to_channels_last(np.asarray(x), data_format)
    in_depth, filter_depth = x_last.shape[-1], np.shape(w)[-2]
    if filter_depth <= 0 or in_depth % filter_depth:
        raise _invalid(
            f"input depth must be evenly divisible by filter depth: {in_depth} vs {filter_depth}"
        )
    if any(size == 0 for size in np.shape(w)[:-1]):
        raise _invalid("filter must not have zero elements (i.e. all dimensions must be non-zero)")
    geo = shapes.geometry(x_last.shape[1:-1], np.shape(w)[:-2], attrs)
    out = kernels.conv(x_last, w, geo)
    return shapes.from_channels_last(out.astype(np.asarray(x).dtype, copy=False), data_format)


def _conv2d_kernel(ctx, input, filter, **attrs):
    return forward_kernel(input, filter, attrs, 4)


def _conv2d_grad(op, grad):
    """TF's `_Conv2DGrad`: Conv2DBackpropInput and Conv2DBackpropFilter."""
    attrs = conv_attrs(op)
    input_shape, filter_shape = array.shape_n([op.inputs[0], op.inputs[1]])
    return [
        apply_op("Conv2DBackpropInput", input_shape, op.inputs[1], grad, **attrs),
        apply_op("Conv2DBackpropFilter", op.inputs[0], filter_shape, grad, **attrs),
    ]


registry.register_op(
    "Conv2D",
    inputs=["input: T", "filter: T"],
    outputs=["output: T"],
    attrs=[_TYPES_2D, *_ATTRS_2D],
    shape=lambda op: forward_shape(op, 4),
    kernel=_conv2d_kernel,
    grad=_conv2d_grad,
)


# ---------------------------------------------------------------------- backprop input


def _conv2d_backprop_input_shape(op):
    """TF's Conv2DBackpropInputShape: spatial dims from input_sizes, batch from out_backprop."""
    data_format = op.attrs["data_format"]
    grads = shapes.with_rank(op.inputs[2].shape, 4)
    filters = shapes.with_rank(op.inputs[1].shape, 4)
    batch, _, grad_depth = shapes.split_dims(grads, data_format)
    shape_errors.merge_dims(grad_depth, filters[3])
    sizes = shapes.sizes_shape(op.inputs[0])
    if sizes.rank is None:
        sizes = tensor_shape.unknown_shape(4)
    if sizes.rank == 2:
        return [shapes.assemble(batch, sizes.as_list(), filters[2], data_format)]
    if sizes.rank != 4:
        raise ShapeError(
            "Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but "
            f"got: {sizes.rank}"
        )
    given_batch, spatial, depth = shapes.split_dims(sizes.as_list(), data_format)
    shape_errors.merge_dims(given_batch, batch)
    return [shapes.assemble(batch, spatial, depth, data_format)]


def _input_sizes(sizes, w, dy, data_format: str, rank: int, label: str) -> list:
    """input_sizes as a full shape in data_format (Conv2D also takes [height, width])."""
    sizes = np.asarray(sizes)
    if sizes.ndim != 1:
        raise _invalid(f"{label}: input_sizes input must be 1-dim, not {sizes.ndim}")
    values = [int(v) for v in sizes]
    if rank == 4 and len(values) == 2:
        if min(values) < 0:
            raise _invalid(
                f"Conv2DBackpropInput: elements of input_sizes must be >= 0, not "
                f"{values[0]}x{values[1]}"
            )
        return shapes.assemble(np.shape(dy)[0], values, np.shape(w)[2], data_format).as_list()
    if len(values) != rank and rank == 5:
        raise _invalid("input tensor must have 5 dimensions")
    if len(values) != rank:
        raise _invalid(
            f"Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but "
            f"got: {len(values)}"
        )
    if min(values) < 0:
        raise _invalid(f"Dimension {min(values)} must be >= 0")
    return values


def backprop_input_kernel(sizes, w, dy, attrs: dict, rank: int, label: str):
    """Conv2DBackpropInput / Conv3DBackpropInputV2 on op-layout arrays."""
    data_format = attrs["data_format"]
    _check_attrs(attrs, rank)
    full = _input_sizes(sizes, w, dy, data_format, rank, label)
    for name, value in (("filter", w), ("out_backprop", dy)):
        if np.ndim(value) != rank:
            raise _invalid(f"{label}: {name} must be {rank}-dimensional")
    input_shape = shapes.shape_channels_last(full, data_format)
    dy_last = shapes.to_channels_last(np.asarray(dy), data_format)
    geo = shapes.geometry(input_shape[1:-1], np.shape(w)[:-2], attrs)
    shapes.check_backprop_dims(label, input_shape, np.shape(w), dy_last.shape, geo, data_format)
    dx = kernels.conv_backprop_input(dy_last, w, input_shape, geo)
    return shapes.from_channels_last(dx.astype(np.asarray(dy).dtype, copy=False), data_format)


def _conv2d_backprop_input_kernel(ctx, input_sizes, filter, out_backprop, **attrs):
    return backprop_input_kernel(
        input_sizes, filter, out_backprop, attrs, 4, "Conv2DCustomBackpropInput"
    )


def _conv2d_backprop_input_grad(op, grad):
    """TF's `_Conv2DBackpropInputGrad`: no gradient for the sizes."""
    attrs = conv_attrs(op)
    filter_shape = array.shape(op.inputs[1])
    return [
        None,
        apply_op("Conv2DBackpropFilter", grad, filter_shape, op.inputs[2], **attrs),
        apply_op("Conv2D", grad, op.inputs[1], **attrs),
    ]


registry.register_op(
    "Conv2DBackpropInput",
    inputs=["input_sizes: int32", "filter: T", "out_backprop: T"],
    outputs=["output: T"],
    attrs=[_TYPES_2D, *_ATTRS_2D],
    shape=_conv2d_backprop_input_shape,
    kernel=_conv2d_backprop_input_kernel,
    grad=_conv2d_backprop_input_grad,
)


# ---------------------------------------------------------------------- backprop filter


def backprop_filter_kernel(x, sizes, dy, attrs: dict, rank: int, label: str):
    """Conv2DBackpropFilter / Conv3DBackpropFilterV2 on op-layout arrays."""
    data_format = attrs["data_format"]
    _check_attrs(attrs, rank, errors.InvalidArgumentError)
    sizes = np.asarray(sizes)
    if sizes.ndim != 1:
        raise _invalid(f"{label}: filter_sizes input must be 1-dim, not {sizes.ndim}")
    if sizes.shape[0] != rank:
        raise _invalid(f"{label}: filter must be {rank}-dimensional")
    filter_shape = [int(v) for v in sizes]
    if filter_shape and min(filter_shape) < 0:
        raise _invalid(f"Dimension {min(filter_shape)} must be >= 0")
    for name, value in (("input", x), ("out_backprop", dy)):
        if np.ndim(value) != rank:
            raise _invalid(f"{label}: {name} must be {rank}-dimensional")
    x_last = shapes.to_channels_last(np.asarray(x), data_format)
    dy_last = shapes.to_channels_last(np.asarray(dy), data_format)
    geo = shapes.geometry(x_last.shape[1:-1], filter_shape[:-2], attrs)
    shapes.check_backprop_dims(label, x_last.shape, filter_shape, dy_last.shape, geo, data_format)
    dw = kernels.conv_backprop_filter(x_last, dy_last, filter_shape, geo)
    return dw.astype(np.asarray(x).dtype, copy=False)


def _conv2d_backprop_filter_kernel(ctx, input, filter_sizes, out_backprop, **attrs):
    return backprop_filter_kernel(
        input, filter_sizes, out_backprop, attrs, 4, "Conv2DCustomBackpropFilter"
    )


def _conv2d_backprop_filter_grad(op, grad):
    """TF's `_Conv2DBackpropFilterGrad`: no gradient for the sizes."""
    attrs = conv_attrs(op)
    input_shape = array.shape(op.inputs[0])
    return [
        apply_op("Conv2DBackpropInput", input_shape, grad, op.inputs[2], **attrs),
        None,
        apply_op("Conv2D", op.inputs[0], grad, **attrs),
    ]


def backprop_filter_shape(op, rank: int):
    return [tensor_shape.TensorShape(shapes.shape_from_tensor(op.inputs[1], rank))]


registry.register_op(
    "Conv2DBackpropFilter",
    inputs=["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs=["output: T"],
    attrs=[_FLOAT_TYPES, *_ATTRS_2D],
    shape=lambda op: backprop_filter_shape(op, 4),
    kernel=_conv2d_backprop_filter_kernel,
    grad=_conv2d_backprop_filter_grad,
)


# ---------------------------------------------------------------------- builders


def argument_lookup(new_name, new_value, old_name, old_value):
    """TF's deprecated_argument_lookup: the value of a renamed argument."""
    if new_value is None:
        return old_value
    if old_value is not None:
        raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
    return new_value


def get_sequence(value, n: int, channel_index: int, name: str) -> list:
    """TF's `_get_sequence`: strides/dilations as a full list with 1s for batch and channels."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, (list, tuple)):
        value = list(value)
    elif isinstance(value, (int, np.integer)) or not hasattr(value, "__len__"):
        value = [value]
    else:
        value = list(value)
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(
            f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of length "
            f"{len(value)}"
        )
    return [1, 1, *value] if channel_index == 1 else [1, *value, 1]


def convert_padding(padding, expected_length: int = 4):
    """TF's `convert_padding`: a padding string, or a list of pairs as EXPLICIT padding."""
    if padding == "EXPLICIT":
        raise ValueError(
            "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` "
            "must be a list."
        )
    if not isinstance(padding, (list, tuple)):
        return padding, []
    explicit = []
    for index, pair in enumerate(padding):
        if not isinstance(pair, (list, tuple)):
            raise ValueError(
                "When `padding` is a list, each element of `padding` must be a list/tuple of "
                f"size 2. Received: padding={padding} with element at index {index} of type "
                f"{type(pair)}"
            )
        if len(pair) != 2:
            raise ValueError(
                "When `padding` is a list, each element of `padding` must be a list/tuple of "
                f"size 2. Received: padding={padding} with element at index {index} of size "
                f"{len(pair)}"
            )
        explicit.extend(pair)
    if len(padding) != expected_length:
        raise ValueError(
            f"When padding is a list, it must be of size {expected_length}. Received: "
            f"padding={padding} of size {len(padding)}"
        )
    return "EXPLICIT", explicit


def rank_of(value):
    shape = getattr(value, "shape", None)
    if isinstance(shape, tensor_shape.TensorShape):
        return shape.rank
    return np.ndim(value)


def squeeze_batch_dims(inp, op, inner_rank: int, name=None):
    """TF's `squeeze_batch_dims`: `op` on the input with its batch dims folded into one."""
    with graph_lib.name_scope(name, "squeeze_batch_dims", [inp]):
        inp = convert_to_tensor(inp, name="input")
        shape = inp.shape
        inner = shape[-inner_rank:]
        if not inner.is_fully_defined():
            inner = array.shape(inp)[-inner_rank:]
        batch = shape[:-inner_rank]
        if not batch.is_fully_defined():
            batch = array.shape(inp)[:-inner_rank]
        if isinstance(inner, tensor_shape.TensorShape):
            folded = array.reshape(inp, [-1, *inner.as_list()])
        else:
            folded = array.reshape(inp, array.concat(([-1], inner), axis=-1))
        out = op(folded)
        out_inner = out.shape[-inner_rank:]
        if not out_inner.is_fully_defined():
            out_inner = array.shape(out)[-inner_rank:]
        if isinstance(batch, tensor_shape.TensorShape):
            batch = batch.as_list()
        if isinstance(out_inner, tensor_shape.TensorShape):
            out_inner = out_inner.as_list()
        result = array.reshape(out, array.concat((batch, out_inner), axis=-1))
        result.set_shape(inp.shape[:-inner_rank].concatenate(out.shape[-inner_rank:]))
        return result


def conv_op(op_type, input, filter, rank, name, **attrs):
    """`op_type` on input, folding batch dims beyond the op's rank like TF's builders."""
    attrs = {key: value for key, value in attrs.items() if value is not None}
    input_rank = rank_of(input)
    if input_rank is None or input_rank <= rank:
        return apply_op(op_type, input, filter, name=name, **attrs)
    return squeeze_batch_dims(
        input, lambda folded: apply_op(op_type, folded, filter, **attrs), rank - 1, name=name
    )


def conv2d(
    input,
    filter=None,
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
):
    """Mirrors `tf.compat.v1.nn.conv2d`: a 2-D convolution (cross-correlation).

    Args:
      input: a 4-D Tensor [batch, height, width, channels] (NHWC) or [batch, channels,
        height, width] (NCHW); more leading dims are folded into the batch.
      filter: a 4-D Tensor [filter_height, filter_width, in_channels, out_channels].
      strides: an int or a list of 1, 2 or 4 ints.
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs (explicit padding).
      use_cudnn_on_gpu: kept for TF's signature (no GPU here).
      data_format: "NHWC" or "NCHW".
      dilations: an int or a list of 1, 2 or 4 ints.
      name: the op name (default "Conv2D").
      filters: alias of `filter`.

    Returns:
      A Tensor of input's type.

    Raises:
      ValueError: for strides/dilations of the wrong length, bad padding, or shapes that do
        not fit.

    >>> conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 8]), 1, "VALID")
    <tf.Tensor 'Conv2D:0' shape=(1, 3, 3, 8) dtype=float32>
    """
    kernel = argument_lookup("filters", filters, "filter", filter)
    padding, explicit_paddings = convert_padding(padding)
    data_format = data_format or "NHWC"
    channel_index = 1 if data_format.startswith("NC") else 3
    return conv_op(
        "Conv2D",
        input,
        kernel,
        4,
        name,
        strides=get_sequence(strides, 2, channel_index, "strides"),
        padding=padding,
        use_cudnn_on_gpu=use_cudnn_on_gpu,
        explicit_paddings=explicit_paddings,
        data_format=data_format,
        dilations=get_sequence(dilations, 2, channel_index, "dilations"),
    )


def conv1d(
    value=None,
    filters=None,
    stride=None,
    padding=None,
    use_cudnn_on_gpu=None,
    data_format=None,
    name=None,
    input=None,
    dilations=None,
):
    """Mirrors `tf.compat.v1.nn.conv1d`: ExpandDims, a Conv2D with height 1, Squeeze.

    Args:
      value: a 3-D Tensor [batch, width, channels] (NWC) or [batch, channels, width] (NCW).
      filters: a 3-D Tensor [filter_width, in_channels, out_channels].
      stride: an int or a list of 1 or 3 ints.
      padding: "SAME" or "VALID".
      use_cudnn_on_gpu: kept for TF's signature.
      data_format: "NWC" (default) or "NCW" ("NHWC"/"NCHW" are accepted aliases).
      name: the name scope (default "conv1d").
      input: alias of `value`.
      dilations: an int or a list of 1 or 3 ints.

    Returns:
      A Tensor of value's type.

    Raises:
      ValueError: for another data_format or bad strides/dilations.

    >>> conv1d(tf.zeros([2, 10, 3]), tf.zeros([3, 3, 4]), 1, "SAME")
    <tf.Tensor 'conv1d/Squeeze:0' shape=(2, 10, 4) dtype=float32>
    """
    value = argument_lookup("input", input, "value", value)
    with graph_lib.name_scope(name, "conv1d", [value, filters]) as scope:
        if data_format in (None, "NHWC", "NWC"):
            data_format, spatial_start, channel_index = "NHWC", -3, 2
        elif data_format in ("NCHW", "NCW"):
            data_format, spatial_start, channel_index = "NCHW", -2, 1
        else:
            raise ValueError(
                f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
            )
        strides = [1, *get_sequence(stride, 1, channel_index, "stride")]
        dilations = [1, *get_sequence(dilations, 1, channel_index, "dilations")]
        value = array.expand_dims(value, spatial_start)
        filters = array.expand_dims(filters, 0)
        result = conv_op(
            "Conv2D",
            value,
            filters,
            4,
            scope,
            strides=strides,
            padding=padding,
            use_cudnn_on_gpu=use_cudnn_on_gpu,
            data_format=data_format,
            dilations=dilations,
        )
        return array.squeeze(result, [spatial_start])


def conv2d_backprop_input(
    input_sizes,
    filter=None,
    out_backprop=None,
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
):
    """Mirrors `tf.compat.v1.nn.conv2d_backprop_input`: Conv2D's gradient for its input.

    Args:
      input_sizes: an int32 Tensor of 4 values, the input's shape (or 2: height, width).
      filter: a 4-D Tensor [height, width, in_channels, out_channels].
      out_backprop: the gradient of Conv2D's output, 4-D.
      strides, padding, use_cudnn_on_gpu, data_format, dilations: as `conv2d` (strides and
        dilations as 4 ints).
      name: the op name (default "Conv2DBackpropInput").
      filters: alias of `filter`.

    Returns:
      A Tensor of filter's type and shape `input_sizes`.

    Raises:
      ValueError: for shapes that do not fit.

    >>> conv2d_backprop_input([1, 5, 5, 3], tf.zeros([3, 3, 3, 4]), tf.zeros([1, 3, 3, 4]),
    ...                       [1, 1, 1, 1], "VALID")
    <tf.Tensor 'Conv2DBackpropInput:0' shape=(1, 5, 5, 3) dtype=float32>
    """
    kernel = argument_lookup("filters", filters, "filter", filter)
    padding, explicit_paddings = convert_padding(padding)
    return apply_op(
        "Conv2DBackpropInput",
        input_sizes,
        kernel,
        out_backprop,
        strides=strides,
        padding=padding,
        use_cudnn_on_gpu=use_cudnn_on_gpu,
        explicit_paddings=explicit_paddings,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )


def conv2d_backprop_filter(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """Mirrors `tf.compat.v1.nn.conv2d_backprop_filter`: Conv2D's gradient for its filter.

    Args:
      input: Conv2D's 4-D input.
      filter_sizes: an int32 Tensor of 4 values, the filter's shape.
      out_backprop: the gradient of Conv2D's output, 4-D.
      strides, padding, use_cudnn_on_gpu, data_format, dilations: as `conv2d` (4 ints).
      name: the op name (default "Conv2DBackpropFilter").

    Returns:
      A Tensor of input's type and shape `filter_sizes`.

    Raises:
      ValueError: for shapes that do not fit.

    >>> conv2d_backprop_filter(tf.zeros([1, 5, 5, 3]), [3, 3, 3, 4], tf.zeros([1, 3, 3, 4]),
    ...                        [1, 1, 1, 1], "VALID")
    <tf.Tensor 'Conv2DBackpropFilter:0' shape=(3, 3, 3, 4) dtype=float32>
    """
    padding, explicit_paddings = convert_padding(padding)
    return apply_op(
        "Conv2DBackpropFilter",
        input,
        filter_sizes,
        out_backprop,
        strides=strides,
        padding=padding,
        use_cudnn_on_gpu=use_cudnn_on_gpu,
        explicit_paddings=explicit_paddings,
        data_format=data_format,
        dilations=dilations,
        name=name,
    )
