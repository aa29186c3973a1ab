"""MaxPoolWithArgmax (the max and where it came from), MaxPoolGradWithArgmax (the gradient
routed by those indices) and MaxPoolGradGradWithArgmax, with TF's shape functions, the
gradient of nn_grad.py and `tf.nn.max_pool_with_argmax`.

An argmax is a flattened NHWC index, ((b * height + y) * width + x) * channels + c, with the
batch term only when `include_batch_in_index` is true. Ties go to the first maximum in
window order, as in TF's CPU kernel.
"""

from __future__ import annotations

import collections

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops.nn import pool_geometry
from ndflow.ops.nn import pool_kernels
from ndflow.ops.nn import pooling

apply_op = op_builder.apply_op
invalid = pool_geometry.invalid

_ATTRS = [
    "ksize: list(int) >= 4",
    "strides: list(int) >= 4",
    "padding: {'SAME', 'VALID'}",
    "include_batch_in_index: bool = false",
    pooling.GRAD_T,
]


# ---------------------------------------------------------------------- shapes


def _pooled(op):
    return pooling.pool_shape(op, op.attrs["ksize"], op.attrs["strides"], "MaxPool", True)


def _with_argmax_shape(op):
    output = _pooled(op)
    return [output, output]


def _grad_with_argmax_shape(op):
    return [shape_errors.require_rank(op.inputs[0].shape, 4)]


def _grad_grad_with_argmax_shape(op):
    output = _pooled(op)
    shape_errors.merge_shapes(op.inputs[0].shape, op.inputs[1].shape)
    shape_errors.merge_shapes(op.inputs[2].shape, output)
    return [output]


# ---------------------------------------------------------------------- kernels


def _window(input, ksize, strides, padding):
    if np.ndim(input) != 4:
        raise invalid("tensor_in must be 4-dimensional")
    return pooling.pool2d_window(
        input.shape,
        ksize,
        strides,
        padding,
        "NHWC",
        "MaxPoolWithArgmax does not pool across the depth dimension.",
    )


def _flat_index(window, index, include_batch):
    """The flattened input position of each window's chosen tap."""
    batch, height, width, depth = window.in_shape
    offsets = window.tap_offsets()
    ranges = [
        np.arange(n).reshape([-1 if i == a else 1 for i in range(4)])
        for a, n in enumerate(window.out_shape)
    ]
    rows = ranges[1] * window.strides[1] - window.pads[1][0] + offsets[index, 1]
    cols = ranges[2] * window.strides[2] - window.pads[2][0] + offsets[index, 2]
    flat = (rows * width + cols) * depth + ranges[3]
    if include_batch:
        flat = flat + ranges[0] * (height * width * depth)
    return flat


def _with_argmax_kernel(ctx, input, ksize, strides, padding, include_batch_in_index, Targmax):
    window = _window(input, ksize, strides, padding)
    best, index = pool_kernels.first_argmax(input, window)
    flat = _flat_index(window, index, include_batch_in_index)
    return best, flat.astype(Targmax.as_numpy_dtype)


def _global_index(argmax, shape, include_batch, what):
    """The argmax as indices into the flattened input, validated."""
    per_item = int(np.prod(shape[1:], dtype=np.int64))
    index = np.asarray(argmax, dtype=np.int64)
    limit = per_item * shape[0] if include_batch else per_item
    bad = (index < 0) | (index >= limit)
    if bad.any():
        raise invalid(f"Invalid {what} index: {int(index[bad][0])}, 0, {limit}")
    if include_batch:
        return index
    batch = np.arange(shape[0], dtype=np.int64).reshape([-1] + [1] * (index.ndim - 1))
    return index + batch * per_item


def _grad_with_argmax_kernel(
    ctx, input, grad, argmax, ksize, strides, padding, include_batch_in_index
):
    window = _window(input, ksize, strides, padding)
    pooling.check_shape(grad, window.out_shape, "grad")
    pooling.check_shape(argmax, window.out_shape, "argmax")
    index = _global_index(argmax, input.shape, include_batch_in_index, "output gradient")
    size = int(np.prod(input.shape, dtype=np.int64))
    if grad.dtype.kind == "f" and grad.dtype.itemsize >= 4:
        flat = np.bincount(index.ravel(), weights=grad.ravel(), minlength=size)
        return flat.astype(grad.dtype).reshape(input.shape)
    work = pool_kernels.work_dtype(grad.dtype)
    flat = np.zeros(size, dtype=work)
    np.add.at(flat, index.ravel(), grad.ravel().astype(work))
    return flat.astype(grad.dtype).reshape(input.shape)


def _grad_grad_with_argmax_kernel(
    ctx, input, grad, argmax, ksize, strides, padding, include_batch_in_index
):
    window = _window(input, ksize, strides, padding)
    pooling.check_shape(grad, input.shape, "grad")
    pooling.check_shape(argmax, window.out_shape, "argmax")
    index = _global_index(argmax, input.shape, include_batch_in_index, "input backprop")
    return np.ravel(grad)[index]


# ---------------------------------------------------------------------- gradients


def _with_argmax_grad(op, grad, unused_argmax_grad):
    """TF's `_MaxPoolGradWithArgmax`: the argmax output has no gradient."""
    return [
        apply_op(
            "MaxPoolGradWithArgmax",
            op.inputs[0],
            grad,
            op.outputs[1],
            ksize=op.attrs["ksize"],
            strides=op.attrs["strides"],
            padding=op.attrs["padding"],
            include_batch_in_index=op.attrs["include_batch_in_index"],
        )
    ]


# ---------------------------------------------------------------------- registrations

registry.register_op(
    "MaxPoolWithArgmax",
    inputs=["input: T"],
    outputs=["output: T", "argmax: Targmax"],
    attrs=[*_ATTRS, "Targmax: {int32, int64} = DT_INT64"],
    shape=_with_argmax_shape,
    kernel=_with_argmax_kernel,
    grad=_with_argmax_grad,
)
registry.register_op(
    "MaxPoolGradWithArgmax",
    inputs=["input: T", "grad: T", "argmax: Targmax"],
    outputs=["output: T"],
    attrs=[*_ATTRS, "Targmax: {int32, int64}"],
    shape=_grad_with_argmax_shape,
    kernel=_grad_with_argmax_kernel,
)
registry.not_differentiable("MaxPoolGradWithArgmax", "TF registers no gradient for it")
registry.register_op(
    "MaxPoolGradGradWithArgmax",
    inputs=["input: T", "grad: T", "argmax: Targmax"],
    outputs=["output: T"],
    attrs=[*_ATTRS, "Targmax: {int32, int64}"],
    shape=_grad_grad_with_argmax_shape,
    kernel=_grad_grad_with_argmax_kernel,
)
registry.not_differentiable("MaxPoolGradGradWithArgmax", "TF registers no gradient for it")


# ---------------------------------------------------------------------- builder

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def max_pool_with_argmax(
    input,
    ksize,
    strides,
    padding,
    data_format="NHWC",
    Targmax=None,
    name=None,
    output_dtype=None,
    include_batch_in_index=False,
):
    """Mirrors TF1 `tf.nn.max_pool_with_argmax`: max pooling that also returns, for each
    output, the flattened index of the input it came from.

    Args:
      input: a 4-D NHWC Tensor.
      ksize, strides: lists of 4 ints.
      padding: "SAME" or "VALID".
      data_format: must be "NHWC".
      Targmax: the index type, int64 (default) or int32.
      name: the op name (default "MaxPoolWithArgmax").
      output_dtype: the TF2 name of `Targmax`.
      include_batch_in_index: whether the index counts the batch dimension too.

    Returns:
      A (output, argmax) namedtuple.

    Raises:
      ValueError: for a data_format other than NHWC.

    >>> max_pool_with_argmax(placeholder(float32, [1, 4, 4, 1]), [1, 2, 2, 1], [1, 2, 2, 1],
    ...                      "VALID").argmax
    <tf.Tensor 'MaxPoolWithArgmax:1' shape=(1, 2, 2, 1) dtype=int64>
    """
    if data_format != "NHWC":
        raise ValueError(
            "`data_format` values other  than 'NHWC' are not supported. Received: "
            f"data_format={data_format}"
        )
    Targmax = pooling.deprecated_lookup("output_dtype", output_dtype, "Targmax", Targmax)
    outputs = apply_op(
        "MaxPoolWithArgmax",
        input,
        ksize=ksize,
        strides=strides,
        padding=padding,
        Targmax=dtypes.int64 if Targmax is None else dtypes.as_dtype(Targmax),
        include_batch_in_index=include_batch_in_index,
        name=name,
    )
    return MaxPoolWithArgmax(*outputs)
