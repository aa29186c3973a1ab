"""2-D pooling: MaxPool, MaxPoolV2 (window and strides as inputs), AvgPool and their gradient
ops MaxPoolGrad(V2), MaxPoolGradGrad(V2) and AvgPoolGrad, with TF's shape functions,
gradients (nn_grad.py) and `tf.nn.max_pool`, `max_pool1d`, `max_pool2d`, `avg_pool`,
`avg_pool1d`, `avg_pool2d`.

Semantics are TF's CPU kernels': SAME padding never enters an average or a max, the first
maximum in window order takes a max pool's gradient, and NaN never wins a max. NCHW runs
too (TF's CPU kernels only take NHWC; NCHW is TF's GPU layout).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops.nn import pool_geometry
from ndflow.ops.nn import pool_kernels

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims
invalid = pool_geometry.invalid
unimplemented = pool_geometry.unimplemented

_MAX_T = (
    "T: {half, bfloat16, float, double, int32, int64, uint8, int16, int8, uint16, qint8} = DT_FLOAT"
)
GRAD_T = (
    "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}"
)
_FLOAT_T = "T: {half, bfloat16, float, double}"
_WINDOW = ["ksize: list(int) >= 4", "strides: list(int) >= 4"]
_PADDING = "padding: {'SAME', 'VALID'}"
_EXPLICIT = ["padding: {'SAME', 'VALID', 'EXPLICIT'}", "explicit_paddings: list(int) = []"]
_FORMAT = "data_format: {'NHWC', 'NCHW'} = 'NHWC'"
_VECT_FORMAT = "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'"
_NON_SPATIAL = "Non-spatial pooling is not yet supported. Volunteers? :)"  # TF's AvgPool message


# ---------------------------------------------------------------------- shapes


def pool_shape(op, ksize, strides, name: str, depth: bool, explicit=()):
    """TF's MaxPoolShape (depth=True) / AvgPoolShape: rows and cols (and, for max pooling,
    depth) windowed; `ksize`/`strides` in the data format's order."""
    data_format = op.attrs.get("data_format", "NHWC")
    if data_format == "NCHW_VECT_C":
        shape_errors.require_rank(op.inputs[0].shape, 5)
        return tensor_shape.unknown_shape(5)
    x = shape_errors.require_rank(op.inputs[0].shape, 4)
    pool_geometry.check_attr_length(strides, 4, f"{name} requires the stride attribute")
    pool_geometry.check_attr_length(ksize, 4, f"{name} requires the ksize attribute")
    if "explicit_paddings" in op.attrs:
        pool_geometry.check_explicit_paddings(op.attrs["padding"], explicit, 4, data_format)
    axes = pool_geometry.spatial_axes(data_format, 4)
    if depth:
        axes += (pool_geometry.channel_axis(data_format, 4),)
    return pool_geometry.pooled_shape(x, ksize, strides, op.attrs["padding"], axes, explicit)


def _max_pool_shape(op):
    attrs = op.attrs
    explicit = attrs.get("explicit_paddings", ())
    return [pool_shape(op, attrs["ksize"], attrs["strides"], "MaxPool", True, explicit)]


def _avg_pool_shape(op):
    return [pool_shape(op, op.attrs["ksize"], op.attrs["strides"], "AvgPool", False)]


def _window_input(tensor):
    """A ksize/strides input of MaxPoolV2: a 4-vector; its value, or None when unknown."""
    shape = shape_errors.require_rank(tensor.shape, 1)
    length = shape.as_list()[0]
    if length is not None and length != 4:
        raise shape_errors.ShapeError(f"Dimension must be 4 but is {length}")
    value = tensor_util.constant_value(tensor)
    return None if value is None else [int(v) for v in np.ravel(value)]


def _max_pool_v2_out(op, first: int):
    """TF's MaxPoolV2Shape, with ksize and strides at inputs `first` and `first + 1`."""
    shape_errors.require_rank(op.inputs[0].shape, 4)
    ksize = _window_input(op.inputs[first])
    strides = _window_input(op.inputs[first + 1])
    if ksize is None or strides is None:
        return tensor_shape.unknown_shape()
    return pool_shape(op, ksize, strides, "MaxPool", True)


def _max_pool_v2_shape(op):
    return [_max_pool_v2_out(op, 1)]


def _unchanged_rank_4(op):
    return [shape_errors.require_rank(op.inputs[0].shape, 4)]


def _grad_grad_checked(op, output):
    """MaxPoolGradGrad's merges: orig_input with grad, orig_output with the output."""
    shape_errors.merge_shapes(op.inputs[0].shape, op.inputs[2].shape)
    shape_errors.merge_shapes(op.inputs[1].shape, output)
    return [output]


def _max_pool_grad_grad_shape(op):
    output = pool_shape(op, op.attrs["ksize"], op.attrs["strides"], "MaxPool", True)
    return _grad_grad_checked(op, output)


def _max_pool_grad_grad_v2_shape(op):
    return _grad_grad_checked(op, _max_pool_v2_out(op, 3))


def shape_from_tensor(tensor, rank: int):
    """TF's MakeShapeFromShapeTensor followed by WithRank(rank)."""
    shape_errors.require_rank(tensor.shape, 1)
    return shape_errors.require_rank(tensor_util.constant_value_as_shape(tensor), rank)


def _avg_pool_grad_shape(op):
    return [shape_from_tensor(op.inputs[0], 4)]


# ---------------------------------------------------------------------- kernels


def _plain(x: np.ndarray) -> np.ndarray:
    """qint8 values (a structured dtype) as plain int8."""
    return x.view(np.int8) if x.dtype.names else x


def _require_rank(value, rank: int, what: str) -> None:
    if np.ndim(value) != rank:
        raise invalid(f"{what} must be {rank}-dimensional")


def pool2d_window(shape, ksize, strides, padding, data_format, depth_ok, explicit=()):
    """The Window of a 2-D pooling kernel, with TF's CPU PoolParameters checks.

    depth_ok: "max" when pooling across depth is allowed (MaxPool), else the op's name for
    TF's message when it is not.
    """
    if len(ksize) != 4:
        raise invalid("Sliding window ksize field must specify 4 dimensions")
    if len(strides) != 4:
        raise invalid("Sliding window stride field must specify 4 dimensions")
    if ksize[0] != 1 or strides[0] != 1:
        raise unimplemented("Pooling is not yet supported on the batch dimension.")
    if data_format == "NCHW_VECT_C":
        raise invalid("Default MaxPoolingOp only supports NHWC on device type CPU")
    rows, cols = pool_geometry.spatial_axes(data_format, 4)
    depth = pool_geometry.channel_axis(data_format, 4)
    if ksize[depth] == 1:
        ksize, strides = list(ksize), list(strides)
        strides[depth] = 1  # TF's kernels ignore a depth stride without a depth window
        if padding == "EXPLICIT":
            _check_explicit(explicit, ksize, (rows, cols))
        return pool_geometry.Window(shape, ksize, strides, padding, explicit)
    if ksize[rows] != 1 or ksize[cols] != 1:
        raise unimplemented(
            "MaxPooling supports exactly one of pooling across depth or pooling across "
            "width/height."
        )
    return _depth_window(shape, ksize[depth], strides[depth], depth, depth_ok)


def _check_explicit(explicit, ksize, axes) -> None:
    """TF's PoolParameters: each explicit padding is smaller than its window."""
    names = (("Top", "Bottom"), ("Left", "Right"))
    for axis, sides in zip(axes, names):
        for side, pad in zip(sides, explicit[2 * axis : 2 * axis + 2]):
            if pad >= ksize[axis]:
                raise invalid(
                    f"{side} padding {pad} needs to be smaller than the window size {ksize[axis]}"
                )


def _depth_window(shape, window: int, stride: int, axis: int, depth_ok):
    if shape[axis] % window:
        raise unimplemented(
            "Depthwise max pooling requires the depth window to evenly divide the input depth"
        )
    if stride != window:
        raise unimplemented(
            "Depthwise max pooling requires the depth window to equal the depth stride"
        )
    if depth_ok != "max":
        raise unimplemented(depth_ok)
    ksize = pool_geometry.per_axis([window], [axis], len(shape))
    return pool_geometry.Window(shape, ksize, ksize, "VALID")


def _max_pool_kernel(ctx, input, ksize, strides, padding, explicit_paddings, data_format):
    _require_rank(input, 4, "tensor_in")
    window = pool2d_window(
        input.shape, ksize, strides, padding, data_format, "max", explicit_paddings
    )
    return pool_kernels.max_pool(_plain(input), window).view(input.dtype)


def _max_pool_v2_kernel(ctx, input, ksize, strides, padding, data_format):
    ksize, strides = [int(k) for k in ksize], [int(s) for s in strides]
    return _max_pool_kernel(ctx, input, ksize, strides, padding, (), data_format)


def _avg_pool_kernel(ctx, value, ksize, strides, padding, data_format):
    _require_rank(value, 4, "tensor_in")
    window = pool2d_window(value.shape, ksize, strides, padding, data_format, _NON_SPATIAL)
    return pool_kernels.avg_pool(value, window)


def check_shape(value, expected, what: str) -> None:
    """TF's "Expected <what> shape to be [..], but got [..]"."""
    if tuple(np.shape(value)) != tuple(expected):
        raise invalid(
            f"Expected {what} shape to be {format_dims(expected)}, but got "
            f"{format_dims(np.shape(value))}"
        )


def _grad_window(orig_input, orig_output, grad, attrs, explicit=(), kind="MaxPoolingGrad"):
    ksize, strides, padding, data_format = attrs
    for value, what in ((orig_input, "tensor_in"), (orig_output, "tensor_out")):
        _require_rank(value, 4, what)
    _require_rank(grad, 4, "out_backprop")
    depth = pool_geometry.channel_axis(data_format, 4)
    if len(ksize) == 4 and (ksize[depth] != 1 or strides[depth] != 1):
        raise unimplemented(f"{kind} is not yet supported on the depth dimension.")
    window = pool2d_window(orig_input.shape, ksize, strides, padding, data_format, "max", explicit)
    check_shape(orig_output, window.out_shape, "orig_output")
    return window


def _max_pool_grad_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, explicit_paddings, data_format
):
    attrs = (ksize, strides, padding, data_format)
    window = _grad_window(orig_input, orig_output, grad, attrs, explicit_paddings)
    check_shape(grad, window.out_shape, "grad")
    _, index = pool_kernels.first_argmax(orig_input, window)
    return pool_kernels.routed_grad(grad, index, window)


def _max_pool_grad_v2_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
):
    ksize, strides = [int(k) for k in ksize], [int(s) for s in strides]
    return _max_pool_grad_kernel(
        ctx, orig_input, orig_output, grad, ksize, strides, padding, (), data_format
    )


def _max_pool_grad_grad_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
):
    attrs = (ksize, strides, padding, data_format)
    window = _grad_window(orig_input, orig_output, grad, attrs, kind="MaxPoolingGradGrad")
    check_shape(grad, orig_input.shape, "grad")
    index = pool_kernels.strict_argmax(orig_input, window)
    return pool_kernels.gather_taps(grad, index, window)


def _max_pool_grad_grad_v2_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
):
    ksize, strides = [int(k) for k in ksize], [int(s) for s in strides]
    return _max_pool_grad_grad_kernel(
        ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
    )


def input_shape_value(orig_input_shape, rank: int) -> tuple:
    """The shape held by an AvgPoolGrad's `orig_input_shape` input."""
    if np.ndim(orig_input_shape) != 1 or np.size(orig_input_shape) != rank:
        raise invalid(f"out_backprop must be 1-dimensional and {rank} elements")
    return tuple(int(d) for d in orig_input_shape)


def _avg_pool_grad_kernel(ctx, orig_input_shape, grad, ksize, strides, padding, data_format):
    shape = input_shape_value(orig_input_shape, 4)
    _require_rank(grad, 4, "out_backprop")
    window = pool2d_window(shape, ksize, strides, padding, data_format, _NON_SPATIAL)
    check_shape(grad, window.out_shape, "grad")
    return pool_kernels.avg_pool_grad(grad, window)


# ---------------------------------------------------------------------- gradients


def _window_attrs(op) -> dict:
    return {k: op.attrs[k] for k in ("ksize", "strides", "padding", "data_format")}


def _max_pool_grad(op, grad):
    """TF's `_MaxPoolGrad`."""
    attrs = _window_attrs(op)
    explicit = op.attrs["explicit_paddings"]
    return [
        apply_op(
            "MaxPoolGrad",
            op.inputs[0],
            op.outputs[0],
            grad,
            explicit_paddings=explicit,
            **attrs,
        )
    ]


def _max_pool_v2_grad(op, grad):
    """TF's `_MaxPoolGradV2`: window and strides stay inputs."""
    ksize, strides = op.inputs[1], op.inputs[2]
    result = apply_op(
        "MaxPoolGradV2",
        op.inputs[0],
        op.outputs[0],
        grad,
        ksize,
        strides,
        padding=op.attrs["padding"],
        data_format=op.attrs["data_format"],
    )
    return [result, None, None]


def _max_pool_grad_grad(op, grad):
    """TF's `_MaxPoolGradGrad`: zeros for the pooled values, MaxPoolGradGrad for grad."""
    result = apply_op("MaxPoolGradGrad", op.inputs[0], op.inputs[1], grad, **_window_attrs(op))
    return [array.zeros_like(op.inputs[0]), array.zeros_like(op.inputs[1]), result]


def _max_pool_grad_v2_grad(op, grad):
    """TF's `_MaxPoolGradGradV2`."""
    result = apply_op(
        "MaxPoolGradGradV2",
        op.inputs[0],
        op.inputs[1],
        grad,
        op.inputs[3],
        op.inputs[4],
        padding=op.attrs["padding"],
        data_format=op.attrs["data_format"],
    )
    return [array.zeros_like(op.inputs[0]), array.zeros_like(op.inputs[1]), result, None, None]


def _max_pool_grad_grad_grad(op, grad):
    """TF's `_MaxPoolGradGradGrad`: MaxPoolGrad again."""
    result = apply_op("MaxPoolGrad", op.inputs[0], op.inputs[1], grad, **_window_attrs(op))
    return [array.zeros_like(op.inputs[0]), array.zeros_like(op.inputs[1]), result]


def _avg_pool_grad(op, grad):
    """TF's `_AvgPoolGrad`."""
    shape = array.shape(op.inputs[0], out_type=dtypes.int32)  # a Const when static, as TF
    return [apply_op("AvgPoolGrad", shape, grad, **_window_attrs(op))]


def _avg_pool_grad_grad(op, grad):
    """TF's `_AvgPoolGradGrad`: AvgPool of the gradient; the shape input has none."""
    return [None, apply_op("AvgPool", grad, **_window_attrs(op))]


# ---------------------------------------------------------------------- registrations

registry.register_op(
    "MaxPool",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[_MAX_T, *_WINDOW, *_EXPLICIT, _VECT_FORMAT],
    shape=_max_pool_shape,
    kernel=_max_pool_kernel,
    grad=_max_pool_grad,
)
registry.register_op(
    "MaxPoolV2",
    inputs=["input: T", "ksize: int32", "strides: int32"],
    outputs=["output: T"],
    attrs=[_MAX_T, _PADDING, _VECT_FORMAT],
    shape=_max_pool_v2_shape,
    kernel=_max_pool_v2_kernel,
    grad=_max_pool_v2_grad,
)
registry.register_op(
    "AvgPool",
    inputs=["value: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, _FLOAT_T],
    shape=_avg_pool_shape,
    kernel=_avg_pool_kernel,
    grad=_avg_pool_grad,
)
registry.register_op(
    "MaxPoolGrad",
    inputs=["orig_input: T", "orig_output: T", "grad: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, *_EXPLICIT, _FORMAT, GRAD_T + " = DT_FLOAT"],
    shape=_unchanged_rank_4,
    kernel=_max_pool_grad_kernel,
    grad=_max_pool_grad_grad,
)
registry.register_op(
    "MaxPoolGradV2",
    inputs=["orig_input: T", "orig_output: T", "grad: T", "ksize: int32", "strides: int32"],
    outputs=["output: T"],
    attrs=[_PADDING, _FORMAT, GRAD_T + " = DT_FLOAT"],
    shape=_unchanged_rank_4,
    kernel=_max_pool_grad_v2_kernel,
    grad=_max_pool_grad_v2_grad,
)
registry.register_op(
    "MaxPoolGradGrad",
    inputs=["orig_input: T", "orig_output: T", "grad: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, GRAD_T],
    shape=_max_pool_grad_grad_shape,
    kernel=_max_pool_grad_grad_kernel,
    grad=_max_pool_grad_grad_grad,
)
registry.register_op(
    "MaxPoolGradGradV2",
    inputs=["orig_input: T", "orig_output: T", "grad: T", "ksize: int32", "strides: int32"],
    outputs=["output: T"],
    attrs=[_PADDING, _FORMAT, GRAD_T],
    shape=_max_pool_grad_grad_v2_shape,
    kernel=_max_pool_grad_grad_v2_kernel,
)
registry.not_differentiable("MaxPoolGradGradV2", "TF registers no gradient for it")
registry.register_op(
    "AvgPoolGrad",
    inputs=["orig_input_shape: int32", "grad: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, _FLOAT_T],
    shape=_avg_pool_grad_shape,
    kernel=_avg_pool_grad_kernel,
    grad=_avg_pool_grad_grad,
)


# ---------------------------------------------------------------------- builders


def get_sequence(value, n: int, channel_index: int, name: str) -> list:
    """TF's `_get_sequence`: an int or list for the n spatial dims, or all n + 2."""
    if value is None:
        return [1] * (n + 2)
    value = [value] if isinstance(value, int) else list(value)
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(
            f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
            f"length {len(value)}"
        )
    if channel_index == 1:
        return [1, 1] + value
    return [1] + value + [1]


def convert_padding(padding, expected_length: int = 4):
    """TF's `convert_padding`: "SAME"/"VALID", or a list of pairs for EXPLICIT padding."""
    if padding == "EXPLICIT":
        raise ValueError(
            "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, "
            "`padding` must be a list."
        )
    if not isinstance(padding, (list, tuple)):
        return padding, []
    explicit = []
    for index, pair in enumerate(padding):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(
                "When `padding` is a list, each element of `padding` must be a list/tuple "
                f"of size 2. Received: padding={padding} with element at index {index}"
            )
        explicit.extend(pair)
    if len(padding) != expected_length:
        raise ValueError(
            f"When padding is a list, it must be of size {expected_length}. Received: "
            f"padding={padding} of size {len(padding)}"
        )
    return "EXPLICIT", explicit


def deprecated_lookup(new_name, new_value, old_name, old_value):
    if old_value is None:
        return new_value
    if new_value is not None:
        raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'.")
    return old_value


def _check_vect_c(padding, data_format) -> None:
    if isinstance(padding, (list, tuple)) and data_format == "NCHW_VECT_C":
        raise ValueError(
            "`data_format='NCHW_VECT_C'` is not supported with explicit padding. Received: "
            f"padding={padding}"
        )


def _max_pool_attrs(ksize, strides, padding, data_format):
    channel_index = 1 if data_format.startswith("NC") else 3
    ksize = get_sequence(ksize, 2, channel_index, "ksize")
    strides = get_sequence(strides, 2, channel_index, "strides")
    _check_vect_c(padding, data_format)
    padding, explicit = convert_padding(padding)
    return ksize, strides, padding, explicit


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """Mirrors TF1 `tf.nn.max_pool`: the max over each window of a 4-D tensor.

    Args:
      value: a 4-D Tensor, [batch, height, width, channels] (NHWC) or NCHW.
      ksize: an int, or 2 or 4 ints: the window size.
      strides: an int, or 2 or 4 ints: the window stride.
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs (explicit padding).
      data_format: "NHWC" (default), "NCHW" or "NCHW_VECT_C".
      name: the op name (default "MaxPool").
      input: the TF2 name of `value`.

    Returns:
      The max-pooled Tensor, of value's type.

    Raises:
      ValueError: for a zero window, a malformed padding list, or bad lengths.

    >>> max_pool(placeholder(float32, [1, 4, 4, 1]), 2, 2, "VALID")
    <tf.Tensor 'MaxPool:0' shape=(1, 2, 2, 1) dtype=float32>
    """
    value = deprecated_lookup("input", input, "value", value)
    with graph_lib.name_scope(name, "MaxPool", [value]) as scope:
        data_format = data_format or "NHWC"
        ksize, strides, padding, explicit = _max_pool_attrs(ksize, strides, padding, data_format)
        if any(k == 0 for k in ksize):
            raise ValueError(f"`ksize` cannot be zero. Received: ksize={ksize}")
        return apply_op(
            "MaxPool",
            value,
            ksize=ksize,
            strides=strides,
            padding=padding,
            explicit_paddings=explicit,
            data_format=data_format,
            name=scope,
        )


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Mirrors `tf.nn.max_pool2d`: `max_pool` under the scope "MaxPool2d".

    Args:
      input: a 4-D Tensor.
      ksize, strides: an int, or 2 or 4 ints.
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs.
      data_format: "NHWC" (default) or "NCHW".
      name: the op name (default "MaxPool2d").

    Returns:
      The max-pooled Tensor.

    >>> max_pool2d(placeholder(float32, [1, 4, 4, 1]), 2, 2, "SAME")
    <tf.Tensor 'MaxPool2d:0' shape=(1, 2, 2, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "MaxPool2d", [input]) as scope:
        data_format = data_format or "NHWC"
        ksize, strides, padding, explicit = _max_pool_attrs(ksize, strides, padding, data_format)
        return apply_op(
            "MaxPool",
            input,
            ksize=ksize,
            strides=strides,
            padding=padding,
            explicit_paddings=explicit,
            data_format=data_format,
            name=scope,
        )


def _one_d(input, ksize, strides, data_format):
    """The 2-D form of a 1-D pooling: (expanded input, ksize, strides, 2-D format, axis)."""
    channel_index = 1 if data_format.startswith("NC") else 2
    ksize = [1] + get_sequence(ksize, 1, channel_index, "ksize")
    strides = [1] + get_sequence(strides, 1, channel_index, "strides")
    axis = 1 if data_format == "NWC" else 2
    expanded = array.expand_dims(input, axis)
    return expanded, ksize, strides, "NHWC" if data_format == "NWC" else "NCHW", axis


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Mirrors `tf.nn.max_pool1d`: 1-D max pooling, built as TF does (ExpandDims, MaxPool,
    Squeeze).

    Args:
      input: a 3-D Tensor, [batch, width, channels] (NWC) or NCW.
      ksize, strides: an int, or 1 or 3 ints.
      padding: "SAME", "VALID", or a list of 3 [before, after] pairs.
      data_format: "NWC" (default) or "NCW".
      name: the scope name (default "MaxPool1d").

    Returns:
      The max-pooled 3-D Tensor.

    >>> max_pool1d(placeholder(float32, [1, 4, 3]), 2, 2, "VALID")
    <tf.Tensor 'MaxPool1d/Squeeze:0' shape=(1, 2, 3) dtype=float32>
    """
    with graph_lib.name_scope(name, "MaxPool1d", [input]) as scope:
        _check_vect_c(padding, data_format)
        data_format = data_format or "NWC"
        expanded, ksize, strides, format_2d, axis = _one_d(input, ksize, strides, data_format)
        padding, explicit = convert_padding(padding, 3)
        if padding == "EXPLICIT":
            explicit = [0, 0] + explicit
        result = apply_op(
            "MaxPool",
            expanded,
            ksize=ksize,
            strides=strides,
            padding=padding,
            explicit_paddings=explicit,
            data_format=format_2d,
            name=scope,
        )
        return array.squeeze(result, [axis])


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """Mirrors TF1 `tf.nn.avg_pool` (also `tf.nn.avg_pool2d` in TF1): the mean over each
    window; SAME padding is left out of the count.

    Args:
      value: a 4-D float Tensor, NHWC or NCHW.
      ksize, strides: an int, or 2 or 4 ints.
      padding: "SAME" or "VALID".
      data_format: "NHWC" (default) or "NCHW".
      name: the op name (default "AvgPool").
      input: the TF2 name of `value`.

    Returns:
      The average-pooled Tensor.

    >>> avg_pool(placeholder(float32, [1, 5, 5, 1]), 2, 2, "SAME")
    <tf.Tensor 'AvgPool:0' shape=(1, 3, 3, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "AvgPool", [value]) as scope:
        value = deprecated_lookup("input", input, "value", value)
        data_format = data_format or "NHWC"
        channel_index = 1 if data_format.startswith("NC") else 3
        return apply_op(
            "AvgPool",
            value,
            ksize=get_sequence(ksize, 2, channel_index, "ksize"),
            strides=get_sequence(strides, 2, channel_index, "strides"),
            padding=padding,
            data_format=data_format,
            name=scope,
        )


avg_pool2d = avg_pool


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Mirrors `tf.nn.avg_pool1d`: 1-D average pooling (ExpandDims, AvgPool, Squeeze).

    Args:
      input: a 3-D float Tensor, NWC (default) or NCW.
      ksize, strides: an int, or 1 or 3 ints.
      padding: "SAME" or "VALID".
      data_format: "NWC" (default) or "NCW".
      name: the scope name (default "AvgPool1D").

    Returns:
      The average-pooled 3-D Tensor.

    >>> avg_pool1d(placeholder(float32, [1, 5, 3]), 2, 2, "SAME")
    <tf.Tensor 'AvgPool1D/Squeeze:0' shape=(1, 3, 3) dtype=float32>
    """
    with graph_lib.name_scope(name, "AvgPool1D", [input]) as scope:
        data_format = data_format or "NWC"
        expanded, ksize, strides, format_2d, axis = _one_d(input, ksize, strides, data_format)
        result = apply_op(
            "AvgPool",
            expanded,
            ksize=ksize,
            strides=strides,
            padding=padding,
            data_format=format_2d,
            name=scope,
        )
        return array.squeeze(result, [axis])
