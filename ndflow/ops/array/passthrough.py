"""Ops that pass values through: Identity, IdentityN, StopGradient, CheckNumerics, Bitcast, NoOp.

Each op's shape function, kernel and registration sit together, with its builder below.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops.array import shape_inference as infer

apply_op = op_builder.apply_op
register_op = registry.register_op


def _same_shape(op):
    return [op.inputs[0].shape]


def _identity_kernel(ctx, input):
    return input


def _identity_grad(op, grad):
    return [grad]


# ---------------------------------------------------------------------- Identity, IdentityN

register_op(
    "Identity",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_same_shape,
    kernel=_identity_kernel,
    grad=_identity_grad,
)


def identity(input, name=None):
    """Mirrors `tf.identity`: a new tensor with the same value.

    Args:
      input: a Tensor or value.
      name: the op name.

    Returns:
      A Tensor with `input`'s value, dtype and shape.

    >>> identity(constant([1, 2]))
    <tf.Tensor 'Identity:0' shape=(2,) dtype=int32>
    """
    return apply_op("Identity", input, name=name)


def _identity_n_shape(op):
    return [t.shape for t in op.inputs]


def _identity_n_kernel(ctx, input):
    return list(input)


def _identity_n_grad(op, *grads):
    return list(grads)


register_op(
    "IdentityN",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: list(type) >= 1"],
    shape=_identity_n_shape,
    kernel=_identity_n_kernel,
    grad=_identity_n_grad,
)


def identity_n(input, name=None):
    """Mirrors `tf.identity_n`: passes a list of tensors (of any dtypes) through one op.

    Args:
      input: a list of Tensors.
      name: the op name.

    Returns:
      A list of Tensors, one per input.

    >>> identity_n([constant([1, 2]), constant(3.0)])
    [<tf.Tensor 'IdentityN:0' shape=(2,) dtype=int32>,
     <tf.Tensor 'IdentityN:1' shape=() dtype=float32>]
    """
    return apply_op("IdentityN", list(input), name=name)


# ---------------------------------------------------------------------- StopGradient, NoOp

register_op(
    "StopGradient",
    inputs=["input: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_same_shape,
    kernel=_identity_kernel,
)
registry.not_differentiable("StopGradient", "it blocks gradients by definition")


def stop_gradient(input, name=None):
    """Mirrors `tf.stop_gradient`: the identity, seen as a constant by `tf.gradients`.

    Args:
      input: a Tensor or value.
      name: the op name.

    Returns:
      A Tensor with `input`'s value.

    >>> stop_gradient(constant([1.0]))
    <tf.Tensor 'StopGradient:0' shape=(1,) dtype=float32>
    """
    return apply_op("StopGradient", input, name=name)


def _no_op_shape(op):
    return []


def _no_op_kernel(ctx):
    return None


register_op("NoOp", shape=_no_op_shape, kernel=_no_op_kernel)
registry.not_differentiable("NoOp", "it has no inputs or outputs")


def no_op(name=None):
    """Mirrors `tf.no_op`: an op that does nothing, for control dependencies.

    Args:
      name: the op name.

    Returns:
      The Operation.

    >>> no_op()
    <tf.Operation 'NoOp' type=NoOp>
    """
    return apply_op("NoOp", name=name)


# ---------------------------------------------------------------------- CheckNumerics


def _check_numerics_kernel(ctx, tensor, message):
    has_nan = bool(np.isnan(tensor).any())
    has_inf = bool(np.isinf(tensor).any())
    if not (has_nan or has_inf):
        return tensor
    found = "Inf and NaN" if has_nan and has_inf else "NaN" if has_nan else "Inf"
    raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {found} values")


def _check_numerics_grad(op, grad):
    """The gradient passes through, checked for NaN and Inf in turn (TF's message)."""
    message = (
        f"Not a number (NaN) or infinity (Inf) values detected in gradient. {op.attrs['message']}"
    )
    return [check_numerics(grad, message)]


register_op(
    "CheckNumerics",
    inputs=["tensor: T"],
    outputs=["output: T"],
    attrs=["T: {bfloat16, half, float, double}", "message: string"],
    shape=_same_shape,
    kernel=_check_numerics_kernel,
    grad=_check_numerics_grad,
    stateful=True,
)


def check_numerics(tensor, message, name=None):
    """Mirrors `tf.debugging.check_numerics`: `tensor`, or an error if it holds NaN or Inf.

    Args:
      tensor: a floating-point Tensor.
      message: the start of the error message.
      name: the op name.

    Returns:
      `tensor`'s value (the op is stateful, so it always runs).

    Raises:
      InvalidArgumentError: at run time, "<message> : Tensor had NaN values" (or Inf).

    >>> check_numerics(constant([1.0]), "bad value")
    <tf.Tensor 'CheckNumerics:0' shape=(1,) dtype=float32>
    """
    return apply_op("CheckNumerics", tensor, message=message, name=name)


# ---------------------------------------------------------------------- Bitcast

_BITCAST_TYPES = (
    "bfloat16, half, float, double, int64, int32, uint8, uint16, uint32, uint64, "
    "int8, int16, complex64, complex128, qint8, quint8, qint16, quint16, qint32"
)


def _bitcast_shape(op):
    given = op.inputs[0].shape
    if given.rank is None:
        return [infer.unknown()]
    source, target = op.attrs["T"], op.attrs["type"]
    in_size, out_size = source.size, target.size
    if in_size == out_size:
        return [given]
    if in_size > out_size:
        return [given.concatenate([in_size // out_size])]
    infer.require_rank_at_least(given, 1)
    ratio, last = out_size // in_size, given.as_list()[-1]
    if last is not None and last != ratio:
        # TF prints the DataType enum values here.
        raise infer.ShapeError(
            f"Cannot bitcast from {source.as_datatype_enum} to "
            f"{target.as_datatype_enum} due to shape. {last} does not match "
            f"{ratio}"
        )
    return [tensor_shape.TensorShape(given.as_list()[:-1])]


def _bitcast_kernel(ctx, input, T, type):
    in_size, out_size = T.size, type.size
    shape = list(np.shape(input))
    if in_size > out_size:
        shape.append(in_size // out_size)
    elif in_size < out_size:
        if not shape or shape[-1] != out_size // in_size:
            raise errors.InvalidArgumentError(
                None, None, f"Cannot bitcast from {T.as_datatype_enum} to {type.as_datatype_enum}"
            )
        shape.pop()
    flat = np.ascontiguousarray(input).reshape(-1)
    return flat.view(np.dtype(type.as_numpy_dtype)).reshape(shape)


register_op(
    "Bitcast",
    inputs=["input: T"],
    outputs=["output: type"],
    attrs=[f"T: {{{_BITCAST_TYPES}}}", f"type: {{{_BITCAST_TYPES}}}"],
    shape=_bitcast_shape,
    kernel=_bitcast_kernel,
)
# TF registers no gradient for Bitcast (its tf.gradients raises LookupError when a gradient
# reaches one); ndflow declares it, so the gradient stops here instead.
registry.not_differentiable("Bitcast", "reinterpreting bits has no derivative")


def bitcast(input, type, name=None):
    """Mirrors `tf.bitcast`: reinterprets the bytes of `input` as `type`, without copying.

    A larger source type adds a last dimension; a smaller one needs a last dimension equal
    to the size ratio, which it removes.

    Args:
      input: a numeric Tensor.
      type: the numeric dtype to reinterpret as.
      name: the op name.

    Returns:
      A Tensor of `type`.

    Raises:
      ValueError: at graph build, when the last dimension does not fit the size ratio.

    >>> bitcast(constant([1.0]), uint16)
    <tf.Tensor 'Bitcast:0' shape=(1, 2) dtype=uint16>
    """
    return apply_op("Bitcast", input, type=dtypes.as_dtype(type), name=name)
