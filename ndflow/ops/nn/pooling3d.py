"""3-D pooling: MaxPool3D, AvgPool3D and their gradient ops MaxPool3DGrad,
MaxPool3DGradGrad and AvgPool3DGrad, with TF's shape functions, gradients (nn_grad.py) and
`tf.nn.max_pool3d` / `tf.nn.avg_pool3d`.

TF's 3-D CPU kernels differ from the 2-D ones, and ndflow keeps the difference: MaxPool3D
starts from -inf (so an all -inf window gives -inf), MaxPool3DGrad hands a window's
gradient to every cell within 1e-5 of its max (ties all receive it), and
MaxPool3DGradGrad reads the first cell equal to the pooled max.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops import array
from ndflow.ops.nn import pool_geometry
from ndflow.ops.nn import pool_kernels
from ndflow.ops.nn import pooling

apply_op = op_builder.apply_op
invalid = pool_geometry.invalid
unimplemented = pool_geometry.unimplemented

_WINDOW = ["ksize: list(int) >= 5", "strides: list(int) >= 5"]
_PADDING = "padding: {'SAME', 'VALID'}"
_FORMAT = "data_format: {'NDHWC', 'NCDHW'} = 'NDHWC'"
_HALF_FLOAT = "{half, bfloat16, float}"


# ---------------------------------------------------------------------- shapes


def _pool3d_out(op):
    """TF's Pool3DShape: planes, rows and cols windowed; batch and depth kept."""
    x = shape_errors.require_rank(op.inputs[0].shape, 5)
    ksize, strides = op.attrs["ksize"], op.attrs["strides"]
    pool_geometry.check_attr_length(strides, 5, "Pool3D ops require the stride attribute")
    pool_geometry.check_attr_length(ksize, 5, "Pool3D requires the ksize attribute")
    axes = pool_geometry.spatial_axes(op.attrs["data_format"], 5)
    return pool_geometry.pooled_shape(x, ksize, strides, op.attrs["padding"], axes)


def _pool3d_shape(op):
    return [_pool3d_out(op)]


def _unchanged_rank_5(op):
    return [shape_errors.require_rank(op.inputs[0].shape, 5)]


def _max_pool3d_grad_grad_shape(op):
    output = _pool3d_out(op)
    shape_errors.merge_shapes(op.inputs[0].shape, op.inputs[2].shape)
    shape_errors.merge_shapes(op.inputs[1].shape, output)
    return [output]


def _avg_pool3d_grad_shape(op):
    return [pooling.shape_from_tensor(op.inputs[0], 5)]


# ---------------------------------------------------------------------- kernels


def _require_rank(value, what: str) -> None:
    if np.ndim(value) != 5:
        raise invalid(f"{what} must be 5-dimensional")


def _window(shape, ksize, strides, padding, data_format):
    """The Window of a 3-D pooling kernel, with TF's Pooling3DOp checks."""
    if len(ksize) != 5:
        raise invalid("Sliding window ksize field must specify 5 dimensions")
    if len(strides) != 5:
        raise invalid("Sliding window stride field must specify 5 dimensions")
    if ksize[0] != 1 or strides[0] != 1:
        raise unimplemented("Pooling is not yet supported on the batch dimension.")
    depth = pool_geometry.channel_axis(data_format, 5)
    if ksize[depth] != 1 or strides[depth] != 1:
        raise unimplemented("Pooling is not yet supported on the depth dimension.")
    return pool_geometry.Window(shape, ksize, strides, padding)


def _max_pool3d_kernel(ctx, input, ksize, strides, padding, data_format):
    _require_rank(input, "tensor_in")
    window = _window(input.shape, ksize, strides, padding, data_format)
    return pool_kernels.max_pool_3d(input, window)


def _avg_pool3d_kernel(ctx, input, ksize, strides, padding, data_format):
    _require_rank(input, "tensor_in")
    window = _window(input.shape, ksize, strides, padding, data_format)
    return pool_kernels.avg_pool(input, window)


def _grad_window(orig_input, orig_output, grad, ksize, strides, padding, data_format):
    _require_rank(orig_input, "tensor_in")
    _require_rank(orig_output, "tensor_out")
    _require_rank(grad, "out_backprop")
    window = _window(orig_input.shape, ksize, strides, padding, data_format)
    pooling.check_shape(orig_output, window.out_shape, "orig_output")
    return window


def _max_pool3d_grad_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
):
    window = _grad_window(orig_input, orig_output, grad, ksize, strides, padding, data_format)
    pooling.check_shape(grad, window.out_shape, "grad")
    return pool_kernels.near_max_grad(orig_input, orig_output, grad, window)


def _max_pool3d_grad_grad_kernel(
    ctx, orig_input, orig_output, grad, ksize, strides, padding, data_format
):
    window = _grad_window(orig_input, orig_output, grad, ksize, strides, padding, data_format)
    pooling.check_shape(grad, orig_input.shape, "grad")
    index = pool_kernels.first_equal(orig_input, orig_output, window)
    return pool_kernels.gather_taps(grad, index, window)


def _avg_pool3d_grad_kernel(ctx, orig_input_shape, grad, ksize, strides, padding, data_format):
    shape = pooling.input_shape_value(orig_input_shape, 5)
    _require_rank(grad, "out_backprop")
    window = _window(shape, ksize, strides, padding, data_format)
    pooling.check_shape(grad, window.out_shape, "grad")
    return pool_kernels.avg_pool_grad(grad, window)


# ---------------------------------------------------------------------- gradients


def _attrs(op) -> dict:
    return {k: op.attrs[k] for k in ("ksize", "strides", "padding", "data_format")}


def _max_pool3d_grad(op, grad):
    """TF's `_MaxPool3DGrad`."""
    return [apply_op("MaxPool3DGrad", op.inputs[0], op.outputs[0], grad, **_attrs(op))]


def _max_pool3d_grad_grad(op, grad):
    """TF's `_MaxPool3DGradGrad`."""
    result = apply_op("MaxPool3DGradGrad", op.inputs[0], op.inputs[1], grad, **_attrs(op))
    return [array.zeros_like(op.inputs[0]), array.zeros_like(op.inputs[1]), result]


def _max_pool3d_grad_grad_grad(op, grad):
    """TF's `_MaxPool3DGradGradGrad`: MaxPool3DGrad again."""
    result = apply_op("MaxPool3DGrad", op.inputs[0], op.inputs[1], grad, **_attrs(op))
    return [array.zeros_like(op.inputs[0]), array.zeros_like(op.inputs[1]), result]


def _avg_pool3d_grad(op, grad):
    """TF's `_AvgPool3DGrad`."""
    shape = array.shape(op.inputs[0], out_type=dtypes.int32)  # a Const when static, as TF
    return [apply_op("AvgPool3DGrad", shape, grad, **_attrs(op))]


def _avg_pool3d_grad_grad(op, grad):
    """TF's `_AvgPool3DGradGrad`: AvgPool3D of the gradient; the shape input has none."""
    return [None, apply_op("AvgPool3D", grad, **_attrs(op))]


# ---------------------------------------------------------------------- registrations

registry.register_op(
    "MaxPool3D",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, f"T: {_HALF_FLOAT}"],
    shape=_pool3d_shape,
    kernel=_max_pool3d_kernel,
    grad=_max_pool3d_grad,
)
registry.register_op(
    "AvgPool3D",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, "T: {half, bfloat16, float, double}"],
    shape=_pool3d_shape,
    kernel=_avg_pool3d_kernel,
    grad=_avg_pool3d_grad,
)
registry.register_op(
    "MaxPool3DGrad",
    inputs=["orig_input: TInput", "orig_output: TInput", "grad: T"],
    outputs=["output: T"],
    attrs=[
        *_WINDOW,
        _PADDING,
        _FORMAT,
        f"T: {_HALF_FLOAT} = DT_FLOAT",
        f"TInput: {_HALF_FLOAT} = DT_FLOAT",
    ],
    shape=_unchanged_rank_5,
    kernel=_max_pool3d_grad_kernel,
    grad=_max_pool3d_grad_grad,
)
registry.register_op(
    "MaxPool3DGradGrad",
    inputs=["orig_input: T", "orig_output: T", "grad: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, pooling.GRAD_T],
    shape=_max_pool3d_grad_grad_shape,
    kernel=_max_pool3d_grad_grad_kernel,
    grad=_max_pool3d_grad_grad_grad,
)
registry.register_op(
    "AvgPool3DGrad",
    inputs=["orig_input_shape: int32", "grad: T"],
    outputs=["output: T"],
    attrs=[*_WINDOW, _PADDING, _FORMAT, "T: {half, bfloat16, float, double}"],
    shape=_avg_pool3d_grad_shape,
    kernel=_avg_pool3d_grad_kernel,
    grad=_avg_pool3d_grad_grad,
)


# ---------------------------------------------------------------------- builders


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Mirrors `tf.nn.max_pool3d`: the max over each 3-D window of a 5-D tensor.

    Args:
      input: a 5-D Tensor, NDHWC (default) or NCDHW.
      ksize, strides: an int, or 3 or 5 ints.
      padding: "SAME" or "VALID".
      data_format: "NDHWC" (default) or "NCDHW".
      name: the op name (default "MaxPool3D").

    Returns:
      The max-pooled Tensor.

    >>> max_pool3d(placeholder(float32, [1, 4, 4, 4, 1]), 2, 2, "VALID")
    <tf.Tensor 'MaxPool3D:0' shape=(1, 2, 2, 2, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "MaxPool3D", [input]) as scope:
        data_format = data_format or "NDHWC"
        channel_index = 1 if data_format.startswith("NC") else 4
        return apply_op(
            "MaxPool3D",
            input,
            ksize=pooling.get_sequence(ksize, 3, channel_index, "ksize"),
            strides=pooling.get_sequence(strides, 3, channel_index, "strides"),
            padding=padding,
            data_format=data_format,
            name=scope,
        )


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Mirrors `tf.nn.avg_pool3d`: the mean over each 3-D window, padding excluded.

    Args:
      input: a 5-D float Tensor, NDHWC (default) or NCDHW.
      ksize, strides: an int, or 3 or 5 ints.
      padding: "SAME" or "VALID".
      data_format: "NDHWC" (default) or "NCDHW".
      name: the op name (default "AvgPool3D").

    Returns:
      The average-pooled Tensor.

    >>> avg_pool3d(placeholder(float32, [1, 4, 4, 4, 1]), 2, 2, "SAME")
    <tf.Tensor 'AvgPool3D:0' shape=(1, 2, 2, 2, 1) dtype=float32>
    """
    with graph_lib.name_scope(name, "AvgPool3D", [input]) as scope:
        data_format = data_format or "NDHWC"
        channel_index = 1 if data_format.startswith("NC") else 3
        return apply_op(
            "AvgPool3D",
            input,
            ksize=pooling.get_sequence(ksize, 3, channel_index, "ksize"),
            strides=pooling.get_sequence(strides, 3, channel_index, "strides"),
            padding=padding,
            data_format=data_format,
            name=scope,
        )
