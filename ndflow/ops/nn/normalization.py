"""Local response normalization (LRN and LRNGrad, `tf.nn.local_response_normalization` /
`tf.nn.lrn`) and the composite normalizations TF builds in Python (nn_impl.py):
`tf.nn.moments`, `weighted_moments`, `batch_normalization`, `l2_normalize` and
`zero_fraction`.

LRN: sqr_sum[..., d] = sum(input[..., d - r : d + r + 1] ** 2) and
output = input / (bias + alpha * sqr_sum) ** beta, with r = depth_radius; the sum runs as
2r + 1 shifted vectorized adds over the depth axis.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops import array
from ndflow.ops import elementwise
from ndflow.ops import math
from ndflow.ops.nn import pool_geometry
from ndflow.ops.nn import pool_kernels

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims
invalid = pool_geometry.invalid

_LRN_ATTRS = [
    "depth_radius: int = 5",
    "bias: float = 1",
    "alpha: float = 1",
    "beta: float = 0.5",
    "T: {half, bfloat16, float} = DT_FLOAT",
]
_INT_MAX = 2**31 - 1


def _depth_window_sum(values: np.ndarray, radius: int) -> np.ndarray:
    """sum(values[..., d - radius : d + radius + 1]) for every depth d (cells past the ends
    count as zero)."""
    depth = values.shape[-1]
    radius = min(radius, max(depth - 1, 0))
    padded = np.pad(values, [(0, 0)] * (values.ndim - 1) + [(radius, radius)])
    total = np.zeros_like(values)
    for offset in range(2 * radius + 1):
        total += padded[..., offset : offset + depth]
    return total


def _check_radius(depth_radius: int) -> None:
    if not 0 <= depth_radius <= _INT_MAX:
        raise invalid(f"depth_radius = {depth_radius} larger than int max")


def _norm(x, depth_radius, bias, alpha):
    return bias + alpha * _depth_window_sum(x * x, depth_radius)


def _lrn_kernel(ctx, input, depth_radius, bias, alpha, beta):
    if np.ndim(input) != 4:
        raise invalid("in must be 4-dimensional")
    _check_radius(depth_radius)
    x = input.astype(pool_kernels.work_dtype(input.dtype), copy=False)
    return (x * _norm(x, depth_radius, bias, alpha) ** -beta).astype(input.dtype)


def _lrn_grad_kernel(ctx, input_grads, input_image, output_image, depth_radius, bias, alpha, beta):
    """d/dx_j = g_j * norm_j^-beta + x_j * sum_{|k - j| <= r} -2 alpha beta g_k y_k / norm_k
    (TF's CPU LRNGrad, which reads y from `output_image`)."""
    for value, what in ((input_grads, "input_grads"), (input_image, "input_image")):
        if np.ndim(value) != 4:
            raise invalid(f"{what} must be 4-dimensional")
    if np.ndim(output_image) != 4:
        raise invalid("output_image must be 4-dimensional")
    if not np.shape(input_grads) == np.shape(input_image) == np.shape(output_image):
        raise invalid("input_grads, input_image, and out_image should have the same shape")
    _check_radius(depth_radius)
    work = pool_kernels.work_dtype(input_grads.dtype)
    g, x, y = (v.astype(work, copy=False) for v in (input_grads, input_image, output_image))
    norm = _norm(x, depth_radius, bias, alpha)
    spread = _depth_window_sum(-2.0 * alpha * beta * g * y / norm, depth_radius)
    return (g * norm**-beta + x * spread).astype(input_grads.dtype)


def _lrn_shape(op):
    return [shape_errors.require_rank(op.inputs[0].shape, 4)]


def _lrn_grad_shape(op):
    shape = shape_errors.require_rank(op.inputs[0].shape, 4)
    shape = shape_errors.merge_shapes(shape, op.inputs[1].shape)
    return [shape_errors.merge_shapes(shape, op.inputs[2].shape)]


def _lrn_grad(op, grad):
    """TF's `_LRNGrad`."""
    attrs = {k: op.attrs[k] for k in ("depth_radius", "bias", "alpha", "beta")}
    return [apply_op("LRNGrad", grad, op.inputs[0], op.outputs[0], **attrs)]


registry.register_op(
    "LRN",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=_LRN_ATTRS,
    shape=_lrn_shape,
    kernel=_lrn_kernel,
    grad=_lrn_grad,
)
registry.register_op(
    "LRNGrad",
    inputs=["input_grads: T", "input_image: T", "output_image: T"],
    outputs=["output: T"],
    attrs=_LRN_ATTRS,
    shape=_lrn_grad_shape,
    kernel=_lrn_grad_kernel,
)
registry.not_differentiable("LRNGrad", "TF registers no gradient for it")


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):
    """Mirrors `tf.nn.local_response_normalization` (also `tf.nn.lrn`): each value divided
    by (bias + alpha * sum of squares over 2 * depth_radius + 1 channels) ** beta.

    Args:
      input: a 4-D float Tensor; the last dimension is the depth.
      depth_radius: half the depth window.
      bias, alpha, beta: the normalization's constants.
      name: the op name (default "LRN").

    Returns:
      A Tensor of input's type and shape.

    >>> local_response_normalization(placeholder(float32, [1, 2, 2, 8]), depth_radius=2)
    <tf.Tensor 'LRN:0' shape=(1, 2, 2, 8) dtype=float32>
    """
    return apply_op(
        "LRN",
        input,
        depth_radius=depth_radius,
        bias=float(bias),
        alpha=float(alpha),
        beta=float(beta),
        name=name,
    )


lrn = local_response_normalization


# ---------------------------------------------------------------------- moments


def _keep_dims(keep_dims, keepdims) -> bool:
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    value = keepdims if keepdims is not None else keep_dims
    return bool(value)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Mirrors TF1 `tf.nn.moments`: the mean and (biased) variance of x over `axes`, as TF
    builds them (float16 input is computed in float32).

    Args:
      x: a Tensor.
      axes: the axes to reduce (a list of ints).
      shift: unused, as in TF.
      name: the scope name (default "moments").
      keep_dims: keep the reduced axes with size 1.
      keepdims: alias of keep_dims.

    Returns:
      (mean, variance).

    >>> moments(placeholder(float32, [4, 3]), [0])[1]
    <tf.Tensor 'moments/Squeeze_1:0' shape=(3,) dtype=float32>
    """
    keep = _keep_dims(keep_dims, keepdims)
    with graph_lib.name_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x)
        half = x.dtype.base_dtype == dtypes.float16
        y = math.cast(x, dtypes.float32) if half else x
        mean = math.reduce_mean(y, axes, keepdims=True, name="mean")
        centered = math.squared_difference(y, array.stop_gradient(mean))
        variance = math.reduce_mean(centered, axes, keepdims=True, name="variance")
        if not keep:
            mean = array.squeeze(mean, axes)
            variance = array.squeeze(variance, axes)
        if half:
            return math.cast(mean, dtypes.float16), math.cast(variance, dtypes.float16)
        return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """Mirrors TF1 `tf.nn.weighted_moments`: the frequency-weighted mean and variance
    (div_no_nan, so all-zero weights give 0).

    Args:
      x: a Tensor.
      axes: the axes to reduce.
      frequency_weights: non-negative weights broadcastable to x.
      name: the scope name (default "weighted_moments").
      keep_dims: keep the reduced axes with size 1.
      keepdims: alias of keep_dims.

    Returns:
      (weighted_mean, weighted_variance).

    >>> weighted_moments(placeholder(float32, [4, 3]), [0], placeholder(float32, [4, 1]))[0]
    <tf.Tensor 'weighted_moments/Squeeze:0' shape=(3,) dtype=float32>
    """
    keep = _keep_dims(keep_dims, keepdims)
    with graph_lib.name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(frequency_weights, name="frequency_weights")
        half = x.dtype.base_dtype == dtypes.float16
        if half:
            x = math.cast(x, dtypes.float32)
        if weights.dtype.base_dtype != x.dtype.base_dtype:
            weights = math.cast(weights, x.dtype.base_dtype)
        total = math.reduce_sum(weights * x, axes, name="weighted_input_sum", keepdims=True)
        broadcast_weights = weights + array.zeros_like(x)
        weight_sum = math.reduce_sum(broadcast_weights, axes, name="sum_of_weights", keepdims=True)
        mean = math.div_no_nan(total, weight_sum)
        squares = weights * math.squared_difference(x, mean)
        distsq = math.reduce_sum(squares, axes, name="weighted_distsq", keepdims=True)
        variance = math.div_no_nan(distsq, weight_sum)
        if not keep:
            mean = array.squeeze(mean, axis=axes)
            variance = array.squeeze(variance, axis=axes)
        if half:
            return math.cast(mean, dtypes.float16), math.cast(variance, dtypes.float16)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """Mirrors `tf.nn.batch_normalization`: scale * (x - mean) / sqrt(variance + eps) +
    offset, built as TF does: x * inv + (offset - mean * inv), inv = scale *
    rsqrt(variance + eps).

    Args:
      x: a Tensor of any rank.
      mean, variance: Tensors broadcastable to x.
      offset: the added Tensor (beta), or None.
      scale: the multiplied Tensor (gamma), or None.
      variance_epsilon: a small float added to the variance.
      name: the scope name (default "batchnorm").

    Returns:
      The normalized Tensor.

    >>> batch_normalization(placeholder(float32, [4, 3]), 0.0, 1.0, None, None, 1e-3)
    <tf.Tensor 'batchnorm/add_1:0' shape=(4, 3) dtype=float32>
    """
    with graph_lib.name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        inv = math.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv *= scale
        shift = offset - mean * inv if offset is not None else -mean * inv
        return x * math.cast(inv, x.dtype) + math.cast(shift, x.dtype)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """Mirrors TF1 `tf.nn.l2_normalize`: x / sqrt(max(sum(x ** 2), epsilon)) along `axis`
    (complex values by their modulus).

    Args:
      x: a Tensor.
      axis: the axis or axes to normalize along (None: all).
      epsilon: the lower bound of the squared norm.
      name: the op name (default "l2_normalize").
      dim: the deprecated name of `axis`.

    Returns:
      A Tensor of x's type and shape.

    >>> l2_normalize(placeholder(float32, [2, 3]), 1)
    <tf.Tensor 'l2_normalize:0' shape=(2, 3) dtype=float32>
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    with graph_lib.name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            real, imag = math.real(x), math.imag(x)
            squares = math.square(real) + math.square(imag)
            square_sum = math.real(math.reduce_sum(squares, axis, keepdims=True))
            inv_norm = math.rsqrt(math.maximum(square_sum, epsilon))
            return math.complex(real * inv_norm, imag * inv_norm, name=scope)
        square_sum = math.reduce_sum(math.square(x), axis, keepdims=True)
        inv_norm = math.rsqrt(math.maximum(square_sum, epsilon))
        return math.multiply(x, inv_norm, name=scope)


def zero_fraction(value, name=None):
    """Mirrors `tf.nn.zero_fraction`: the fraction of zeros in `value`, as float32 (NaN
    when empty).

    TF counts in int32 under a tf.cond when the size fits; ndflow counts in int64 directly
    (control flow is a later op family), which gives the same value.

    Args:
      value: a numeric Tensor.
      name: the scope name (default "zero_fraction").

    Returns:
      A float32 scalar Tensor.

    >>> zero_fraction(placeholder(float32, [4]))
    <tf.Tensor 'zero_fraction/fraction:0' shape=() dtype=float32>
    """
    with graph_lib.name_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        size = array.size(value, out_type=dtypes.int64)
        with graph_lib.name_scope(None, "count_nonzero", [value]):
            zero = array.zeros([], dtype=value.dtype.base_dtype)
            nonzero = math.cast(math.not_equal(value, zero), dtypes.int64)
            num_nonzero = math.reduce_sum(nonzero, name="nonzero_count")
        with graph_lib.name_scope("counts_to_fraction"):
            num_zero = size - num_nonzero
            zeros = math.cast(num_zero, dtypes.float32)
            fraction = zeros / math.cast(size, dtypes.float32)
        return array.identity(fraction, "fraction")
