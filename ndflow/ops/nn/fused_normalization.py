"""FusedBatchNorm, FusedBatchNormV2, FusedBatchNormV3 and their gradient ops
FusedBatchNormGrad(V2, V3), with TF's shape functions, gradients (nn_grad.py and
nn_fused_batch_norm_grad.py, the gradient of the gradient included) and
`tf.nn.fused_batch_norm`.

Training: y = (x - mean) * rsqrt(var + epsilon) * scale + offset with the batch's mean and
biased variance; the running outputs are the batch mean and the Bessel-corrected variance
(var * n / (n - 1)), blended with the given running values when exponential_avg_factor is
not 1. reserve_space_1/2 hold the batch mean and biased variance for the gradient, and
reserve_space_3 (V3) is an empty scalar, as on TF's CPU. Inference normalizes with the
given mean and variance and passes them through. Statistics are computed in float32.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import math
from ndflow.ops.nn import pool_geometry

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
invalid = pool_geometry.invalid

_COMMON = ["epsilon: float = 0.0001", "is_training: bool = true"]
_AVG = "exponential_avg_factor: float = 1"
_FORMAT_4D = "data_format: {'NHWC', 'NCHW'} = 'NHWC'"
_FORMAT_ND = "data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'"
_HALF_FLOAT = "T: {half, bfloat16, float}"
_FIVE_D = frozenset({"NDHWC", "NCDHW"})


def _rank(data_format: str) -> int:
    return 5 if data_format in _FIVE_D else 4


# ---------------------------------------------------------------------- shapes


def _forward_shape(op):
    """TF's FusedBatchNormShape (and V3's unknown-shape reserve_space_3)."""
    data_format = op.attrs["data_format"]
    rank = _rank(data_format)
    x = shape_errors.require_rank(op.inputs[0].shape, rank)
    training = op.attrs["is_training"] and op.attrs["exponential_avg_factor"] == 1.0
    axis = pool_geometry.channel_axis(data_format, rank)
    channels = x.as_list()[axis]
    for tensor in op.inputs[1 : 3 if training else 5]:
        vector = shape_errors.require_rank(tensor.shape, 1)
        channels = shape_errors.merge_dims(channels, vector.as_list()[0])
    dims = x.as_list()
    dims[axis] = channels
    vector = tensor_shape.TensorShape([channels])
    shapes = [tensor_shape.TensorShape(dims)] + [vector] * 4
    if len(op.outputs) == 6:
        shapes.append(tensor_shape.unknown_shape())
    return shapes


def _grad_shape(op):
    """TF's FusedBatchNormGradShape."""
    data_format = op.attrs["data_format"]
    rank = _rank(data_format)
    y_backprop = shape_errors.require_rank(op.inputs[0].shape, rank)
    x = shape_errors.require_rank(op.inputs[1].shape, rank)
    axis = pool_geometry.channel_axis(data_format, rank)
    channels = shape_errors.merge_dims(y_backprop.as_list()[axis], x.as_list()[axis])
    for tensor in op.inputs[2:5]:
        vector = shape_errors.require_rank(tensor.shape, 1)
        channels = shape_errors.merge_dims(channels, vector.as_list()[0])
    dims = y_backprop.as_list()
    dims[axis] = channels
    vector = tensor_shape.TensorShape([channels])
    empty = tensor_shape.TensorShape([0])
    return [tensor_shape.TensorShape(dims), vector, vector, empty, empty]


# ---------------------------------------------------------------------- kernels


def _layout(x, data_format):
    """(reduction axes, broadcast shape of a per-channel vector, channel count)."""
    rank = _rank(data_format)
    if np.ndim(x) != rank:
        raise invalid(f"input must be {rank}-dimensional{format_shape(np.shape(x))}")
    axis = pool_geometry.channel_axis(data_format, rank)
    axes = tuple(a for a in range(rank) if a != axis)
    shape = [1] * rank
    shape[axis] = -1
    return axes, shape, np.shape(x)[axis]


def format_shape(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _vectors(channels, named) -> list:
    """The per-channel inputs as float32, checked against the channel count."""
    result = []
    for name, value in named:
        if np.ndim(value) != 1:
            raise invalid(f"{name} must be 1-dimensional{format_shape(np.shape(value))}")
        if np.size(value) != channels:
            raise invalid(
                f"{name} must have the same number of elements as the channels of x, got "
                f"{np.size(value)} and {channels}"
            )
        result.append(np.asarray(value, dtype=np.float32))
    return result


def _training(x, scale, offset, mean, variance, epsilon, factor, data_format):
    axes, shape, channels = _layout(x, data_format)
    needs_running = factor != 1.0
    named = [("scale", scale), ("offset", offset)]
    if needs_running:
        named += [("running_mean", mean), ("running_var", variance)]
    vectors = _vectors(channels, named)
    if np.size(x) == 0:
        nan = np.full(channels, np.nan, np.float32)
        zero = np.zeros(channels, np.float32)
        return np.zeros(np.shape(x), x.dtype), nan, nan.copy(), zero, zero.copy()
    xw = x.astype(np.float32, copy=False)
    count = np.size(x) // channels
    batch_mean = _channel_sum(xw, axes) / np.float32(count)
    centered = xw - batch_mean.reshape(shape)
    work = np.square(centered)
    batch_var = _channel_sum(work, axes) / np.float32(count)
    factor_scale = vectors[0] / np.sqrt(batch_var + np.float32(epsilon))
    y = np.multiply(centered, factor_scale.reshape(shape), out=work)
    y += vectors[1].reshape(shape)
    corrected = batch_var * np.float32(count / max(count - 1, 1))
    if not needs_running:
        return y.astype(x.dtype, copy=False), batch_mean, corrected, batch_mean, batch_var
    keep, take = np.float32(1.0 - factor), np.float32(factor)
    running_mean = keep * vectors[2] + take * batch_mean
    running_var = keep * vectors[3] + take * corrected
    return y.astype(x.dtype, copy=False), running_mean, running_var, batch_mean, batch_var


def _inference(x, scale, offset, mean, variance, epsilon, data_format):
    axes, shape, channels = _layout(x, data_format)
    named = [("scale", scale), ("offset", offset), ("mean", mean), ("variance", variance)]
    scale, offset, mean, variance = _vectors(channels, named)
    factor = (scale / np.sqrt(variance + np.float32(epsilon))).reshape(shape)
    y = x.astype(np.float32)
    y -= mean.reshape(shape)
    y *= factor
    y += offset.reshape(shape)
    zero = np.zeros(channels, np.float32)
    return y.astype(x.dtype, copy=False), mean, variance, zero, zero.copy()


def _forward(x, scale, offset, mean, variance, attrs):
    epsilon, factor, data_format, is_training = attrs
    if is_training:
        return _training(x, scale, offset, mean, variance, epsilon, factor, data_format)
    return _inference(x, scale, offset, mean, variance, epsilon, data_format)


def _fused_batch_norm_kernel(
    ctx, x, scale, offset, mean, variance, epsilon, exponential_avg_factor, data_format,
    is_training,
):  # fmt: skip
    attrs = (epsilon, exponential_avg_factor, data_format, is_training)
    return _forward(x, scale, offset, mean, variance, attrs)


def _fused_batch_norm_v3_kernel(
    ctx, x, scale, offset, mean, variance, epsilon, exponential_avg_factor, data_format,
    is_training, U,
):  # fmt: skip
    attrs = (epsilon, exponential_avg_factor, data_format, is_training)
    outputs = _forward(x, scale, offset, mean, variance, attrs)
    stats = [v.astype(U.as_numpy_dtype) for v in outputs[1:]]
    return (outputs[0], *stats, np.zeros((), U.as_numpy_dtype))


def _grad_values(y_backprop, x, scale, mean, variance, epsilon, data_format, is_training):
    axes, shape, channels = _layout(x, data_format)
    if np.shape(y_backprop) != np.shape(x):
        raise invalid(
            "x and y_backprop must have same shape, but x has shape "
            f"{format_shape(np.shape(x))} and y_backprop has shape "
            f"{format_shape(np.shape(y_backprop))}"
        )
    named = [("scale", scale), ("reserve_space_1", mean), ("reserve_space_2", variance)]
    scale, mean, variance = (v.reshape(shape) for v in _vectors(channels, named))
    dy = y_backprop.astype(np.float32, copy=False)
    empty = np.zeros(0, np.float32)
    if np.size(x) == 0:
        zero = np.zeros(channels, np.float32)
        return np.zeros(np.shape(x), x.dtype), zero, zero.copy(), empty, empty.copy()
    inv = 1.0 / np.sqrt(variance + np.float32(epsilon))
    centered = x.astype(np.float32) - mean
    dy_sum = _channel_sum(dy, axes)
    dyx_sum = _channel_sum(dy * centered, axes)
    scale_backprop = dyx_sum * inv.ravel()
    if not is_training:
        x_backprop = (dy * (scale * inv)).astype(x.dtype, copy=False)
        return x_backprop, scale_backprop, dy_sum, empty, empty.copy()
    count = np.float32(np.size(x) // channels)
    # dx = scale inv (dy - mean(dy) - centered inv^2 mean(dy centered)), built in place.
    x_backprop = np.multiply(centered, (-inv * inv * dyx_sum.reshape(shape) / count), out=centered)
    x_backprop += dy
    x_backprop -= (dy_sum / count).reshape(shape)
    x_backprop *= scale * inv
    return x_backprop.astype(x.dtype, copy=False), scale_backprop, dy_sum, empty, empty.copy()


def _channel_sum(values: np.ndarray, axes) -> np.ndarray:
    """The float32 sum over every axis but the channel's."""
    if axes == tuple(range(values.ndim - 1)):
        return values.reshape(-1, values.shape[-1]).sum(axis=0, dtype=np.float32)
    return values.sum(axis=axes, dtype=np.float32)


def _fused_batch_norm_grad_kernel(
    ctx, y_backprop, x, scale, reserve_space_1, reserve_space_2, epsilon, data_format,
    is_training,
):  # fmt: skip
    return _grad_values(
        y_backprop, x, scale, reserve_space_1, reserve_space_2, epsilon, data_format, is_training
    )


def _fused_batch_norm_grad_v3_kernel(
    ctx, y_backprop, x, scale, reserve_space_1, reserve_space_2, reserve_space_3, epsilon,
    data_format, is_training,
):  # fmt: skip
    return _grad_values(
        y_backprop, x, scale, reserve_space_1, reserve_space_2, epsilon, data_format, is_training
    )


# ---------------------------------------------------------------------- gradients

_GRAD_OPS = {
    "FusedBatchNorm": "FusedBatchNormGrad",
    "FusedBatchNormV2": "FusedBatchNormGradV2",
    "FusedBatchNormV3": "FusedBatchNormGradV3",
}
_TO_CHANNELS_LAST = {
    "NCHW": ([0, 2, 3, 1], [0, 3, 1, 2]),
    "NCDHW": ([0, 2, 3, 4, 1], [0, 4, 1, 2, 3]),
}


def _transpose(x, perm):
    return apply_op("Transpose", x, op_builder.constant(np.array(perm, np.int32)))


def _fused_batch_norm_grad(op, *grads):
    """TF's `_BaseFusedBatchNormGrad`: the Grad op of the same version; in inference mode
    channels-first data is transposed to channels-last around it, as TF does."""
    x, grad_y, scale = op.inputs[0], grads[0], op.inputs[1]
    attrs = {k: op.attrs[k] for k in ("epsilon", "data_format", "is_training")}
    grad_type = _GRAD_OPS[op.type]
    v3 = grad_type == "FusedBatchNormGradV3"
    if attrs["is_training"]:
        extra = [op.outputs[5]] if v3 else []
        outputs = apply_op(
            grad_type, grad_y, x, scale, op.outputs[3], op.outputs[4], *extra, **attrs
        )
        return [outputs[0], outputs[1], outputs[2], None, None]
    perms = _TO_CHANNELS_LAST.get(attrs["data_format"])
    if perms is not None:
        x, grad_y = _transpose(x, perms[0]), _transpose(grad_y, perms[0])
    attrs["data_format"] = "NDHWC" if _rank(attrs["data_format"]) == 5 else "NHWC"
    extra = [op.outputs[5]] if v3 else []
    outputs = apply_op(grad_type, grad_y, x, scale, op.inputs[3], op.inputs[4], *extra, **attrs)
    dx = outputs[0] if perms is None else _transpose(outputs[0], perms[1])
    return [dx, outputs[1], outputs[2], None, None]


def _stats_layout(op):
    """(reduce axes, per-channel broadcast shape) of a FusedBatchNormGrad op."""
    data_format = op.attrs["data_format"]
    rank = _rank(data_format)
    axis = pool_geometry.channel_axis(data_format, rank)
    shape = [1] * rank
    shape[axis] = -1
    return [a for a in range(rank) if a != axis], op_builder.constant(np.array(shape, np.int32))


def _fused_batch_norm_grad_grad(op, *grads):
    """TF's `_FusedBatchNormGradGrad`: the gradient of TF's composite _BatchNormGrad with
    respect to (y_backprop, x, scale), written out (see _training_grad_grad)."""
    dtype = op.inputs[1].dtype.base_dtype
    dy, x = (math.cast(t, dtypes.float32) for t in op.inputs[:2])
    axes, shape = _stats_layout(op)
    scale = apply_op("Reshape", op.inputs[2], shape)
    a = math.cast(grads[0], dtypes.float32)
    b, c = (apply_op("Reshape", g, shape) for g in grads[1:3])
    epsilon = op.attrs["epsilon"]
    if op.attrs["is_training"]:
        parts = _training_grad_grad(dy, x, scale, (a, b, c), axes, epsilon)
    else:
        mean, variance = (apply_op("Reshape", t, shape) for t in op.inputs[3:5])
        parts = _inference_grad_grad(dy, x, scale, (a, b, c), (mean, variance), axes, epsilon)
    grad_dy, grad_x, grad_scale = parts
    extra = [None] * (len(op.inputs) - 3)
    return [math.cast(grad_dy, dtype), math.cast(grad_x, dtype), grad_scale, *extra]


def _mean(t, axes):
    return math.reduce_mean(t, axes, keepdims=True)


def _training_grad_grad(dy, x, scale, cotangents, axes, epsilon):
    """With x_hat = (x - mean) r, r = rsqrt(var + eps), the Grad op computes
    dx = scale r (dy - mean(dy) - x_hat mean(dy x_hat)), dscale = sum(dy x_hat),
    doffset = sum(dy). For cotangents (a, b, c) of those three:
      d/d dy = scale r (a - mean(a) - x_hat mean(a x_hat)) + b x_hat + c
      d/d scale = sum(a r (dy - mean(dy) - x_hat mean(dy x_hat)))
      d/d x = r (g - mean(g) - x_hat mean(g x_hat))
              - scale r^2 x_hat (mean(a (dy - mean(dy))) - mean(a x_hat) mean(dy x_hat)),
    where g = b dy - scale r (a mean(dy x_hat) + dy mean(a x_hat)) is the cotangent
    reaching x_hat."""
    a, b, c = cotangents
    centered = x - _mean(x, axes)
    r = math.rsqrt(_mean(math.square(centered), axes) + epsilon)
    x_hat = centered * r
    dy_centered = dy - _mean(dy, axes)
    dy_xhat, a_xhat = _mean(dy * x_hat, axes), _mean(a * x_hat, axes)
    grad_dy = scale * r * (a - _mean(a, axes) - x_hat * a_xhat) + b * x_hat + c
    grad_scale = math.reduce_sum(a * r * (dy_centered - x_hat * dy_xhat), axes)
    g = b * dy - scale * r * (a * dy_xhat + dy * a_xhat)
    through_r = scale * r * r * x_hat * (_mean(a * dy_centered, axes) - a_xhat * dy_xhat)
    grad_x = r * (g - _mean(g, axes) - x_hat * _mean(g * x_hat, axes)) - through_r
    return grad_dy, grad_x, grad_scale


def _inference_grad_grad(dy, x, scale, cotangents, stats, axes, epsilon):
    """dx = dy scale r, dscale = sum(dy (x - mean) r), doffset = sum(dy), r fixed."""
    a, b, c = cotangents
    mean, variance = stats
    r = math.rsqrt(variance + epsilon)
    grad_dy = a * scale * r + b * (x - mean) * r + c
    grad_scale = math.reduce_sum(a * dy * r, axes)
    return grad_dy, b * dy * r, grad_scale


# ---------------------------------------------------------------------- registrations

_FORWARD_INPUTS = ["x: T", "scale: U", "offset: U", "mean: U", "variance: U"]
_STATS = ["batch_mean: U", "batch_variance: U", "reserve_space_1: U", "reserve_space_2: U"]
_GRAD_OUTPUTS = ["x_backprop: T", "scale_backprop: U", "offset_backprop: U"]

registry.register_op(
    "FusedBatchNorm",
    inputs=[s.replace(": U", ": T") for s in _FORWARD_INPUTS],
    outputs=["y: T"] + [s.replace(": U", ": T") for s in _STATS],
    attrs=["T: {float}", *_COMMON[:1], _AVG, _FORMAT_4D, *_COMMON[1:]],
    shape=_forward_shape,
    kernel=_fused_batch_norm_kernel,
    grad=_fused_batch_norm_grad,
)
registry.register_op(
    "FusedBatchNormV2",
    inputs=_FORWARD_INPUTS,
    outputs=["y: T", *_STATS],
    attrs=[_HALF_FLOAT, "U: {float}", *_COMMON[:1], _AVG, _FORMAT_4D, *_COMMON[1:]],
    shape=_forward_shape,
    kernel=_fused_batch_norm_kernel,
    grad=_fused_batch_norm_grad,
)
registry.register_op(
    "FusedBatchNormV3",
    inputs=_FORWARD_INPUTS,
    outputs=["y: T", *_STATS, "reserve_space_3: U"],
    attrs=[_HALF_FLOAT, "U: {bfloat16, float}", *_COMMON[:1], _AVG, _FORMAT_ND, *_COMMON[1:]],
    shape=_forward_shape,
    kernel=_fused_batch_norm_v3_kernel,
    grad=_fused_batch_norm_grad,
)
registry.register_op(
    "FusedBatchNormGrad",
    inputs=["y_backprop: T", "x: T", "scale: T", "reserve_space_1: T", "reserve_space_2: T"],
    outputs=["x_backprop: T", "scale_backprop: T", "offset_backprop: T"]
    + ["reserve_space_3: T", "reserve_space_4: T"],
    attrs=["T: {float}", *_COMMON[:1], _FORMAT_4D, *_COMMON[1:]],
    shape=_grad_shape,
    kernel=_fused_batch_norm_grad_kernel,
    grad=_fused_batch_norm_grad_grad,
)
registry.register_op(
    "FusedBatchNormGradV2",
    inputs=["y_backprop: T", "x: T", "scale: float", "reserve_space_1: U", "reserve_space_2: U"],
    outputs=[*_GRAD_OUTPUTS, "reserve_space_3: U", "reserve_space_4: U"],
    attrs=[_HALF_FLOAT, "U: {float}", *_COMMON[:1], _FORMAT_4D, *_COMMON[1:]],
    shape=_grad_shape,
    kernel=_fused_batch_norm_grad_kernel,
    grad=_fused_batch_norm_grad_grad,
)
registry.register_op(
    "FusedBatchNormGradV3",
    inputs=["y_backprop: T", "x: T", "scale: float"]
    + ["reserve_space_1: U", "reserve_space_2: U", "reserve_space_3: U"],
    outputs=[*_GRAD_OUTPUTS, "reserve_space_4: U", "reserve_space_5: U"],
    attrs=[_HALF_FLOAT, "U: {float}", *_COMMON[:1], _FORMAT_ND, *_COMMON[1:]],
    shape=_grad_shape,
    kernel=_fused_batch_norm_grad_v3_kernel,
    grad=_fused_batch_norm_grad_grad,
)


# ---------------------------------------------------------------------- builder


def fused_batch_norm(
    x,
    scale,
    offset,
    mean=None,
    variance=None,
    epsilon=0.001,
    data_format="NHWC",
    is_training=True,
    name=None,
    exponential_avg_factor=1.0,
):
    """Mirrors TF1 `tf.nn.fused_batch_norm`: batch normalization in one FusedBatchNormV3 op.

    Args:
      x: a 4-D (NHWC, NCHW) or 5-D (NDHWC, NCDHW) float Tensor.
      scale, offset: 1-D float32 Tensors, one value per channel.
      mean, variance: 1-D running statistics; required for inference or when
        exponential_avg_factor is not 1, otherwise None.
      epsilon: added to the variance.
      data_format: the layout of x.
      is_training: batch statistics (True) or the given ones (False).
      name: the op name (default "FusedBatchNormV3").
      exponential_avg_factor: the weight of the batch statistics in the running ones.

    Returns:
      (y, running_mean, running_var).

    Raises:
      ValueError: when mean or variance is needed but missing.

    >>> fused_batch_norm(placeholder(float32, [2, 3, 3, 4]), ones([4]), zeros([4]))[0]
    <tf.Tensor 'FusedBatchNormV3:0' shape=(2, 3, 3, 4) dtype=float32>
    """
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError(
            "Both `mean` and `variance` must be a 1D tensor when `is_training` is False or "
            f"`exponential_avg_factor` != 1.0. Received: `mean` {mean!r} and `variance` "
            f"{variance!r}"
        )
    x = convert_to_tensor(x, name="input")
    scale = convert_to_tensor(scale, name="scale")
    offset = convert_to_tensor(offset, name="offset")
    if mean is None:
        mean = op_builder.constant([], dtype=dtypes.float32)
    if variance is None:
        variance = op_builder.constant([], dtype=dtypes.float32)
    outputs = apply_op(
        "FusedBatchNormV3",
        x,
        scale,
        offset,
        mean,
        variance,
        epsilon=float(epsilon),
        exponential_avg_factor=float(exponential_avg_factor),
        data_format=data_format,
        is_training=is_training,
        name=name,
    )
    return outputs[0], outputs[1], outputs[2]
