"""Ops that make values: Const, Placeholder, PlaceholderWithDefault, Fill, ZerosLike, OnesLike.

Also `tf.zeros`, `tf.ones`, `tf.zeros_like` and `tf.ones_like`, which build small shapes as
constants and large or dynamic ones with Fill, as TF does.
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.array import shape_inference as infer
from ndflow.ops.array import shapes

apply_op = op_builder.apply_op
register_op = registry.register_op
format_dims = elementwise.format_dims
Tensor = graph_lib.Tensor

# TF writes shapes with fewer elements than this as a Const, larger ones as a Fill.
_SMALL_CONSTANT_ELEMENTS = 1000


def _same_shape(op):
    return [op.inputs[0].shape]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- Const


def _const_shape(op):
    return [tensor_shape.TensorShape(np.shape(op.attrs["value"]))]


def _const_kernel(ctx, value):
    return value


register_op(
    "Const",
    outputs=["output: dtype"],
    attrs=["value: tensor", "dtype: type"],
    shape=_const_shape,
    kernel=_const_kernel,
)
registry.not_differentiable("Const", "constants have no inputs")


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """Mirrors `tf.compat.v1.constant`.

    Args:
      value: a Python value or NumPy array.
      dtype: the element type; inferred as TF does (Python float -> float32) if None.
      shape: optional shape; a scalar broadcasts, a short list is padded with its last value.
      name: the op name.
      verify_shape: require `value`'s shape to equal `shape`.

    Returns:
      A Tensor.

    >>> constant([1.0, 2.0])
    <tf.Tensor 'Const:0' shape=(2,) dtype=float32>
    """
    return op_builder.constant(value, dtype, shape, name, verify_shape)


# ---------------------------------------------------------------------- Placeholder


def _placeholder_shape(op):
    return [op.attrs["shape"]]


def _placeholder_kernel(ctx, dtype, shape):
    # Only reached when the placeholder was not fed; ctx is None while constant folding.
    node = ctx.node_name if ctx is not None else ""
    message = (
        f"You must feed a value for placeholder tensor '{node}' with dtype {dtypes.cpp_name(dtype)}"
    )
    if shape.rank is not None:
        message += f" and shape {shape_errors.format_shape(shape)}"
    raise _invalid(message)


register_op(
    "Placeholder",
    outputs=["output: dtype"],
    attrs=["dtype: type", "shape: shape = { unknown_rank: true }"],
    shape=_placeholder_shape,
    kernel=_placeholder_kernel,
)
registry.not_differentiable("Placeholder", "placeholders have no inputs")


def placeholder(dtype, shape=None, name=None):
    """Mirrors `tf.compat.v1.placeholder`: a tensor whose value must be fed.

    Args:
      dtype: the element type.
      shape: the shape to feed; None for any shape, None dims for any size.
      name: the op name.

    Returns:
      A Tensor that fails at run time unless fed.

    >>> placeholder(float32, shape=[None, 3])
    <tf.Tensor 'Placeholder:0' shape=(?, 3) dtype=float32>
    """
    return apply_op("Placeholder", dtype=dtype, shape=tensor_shape.as_shape(shape), name=name)


def _placeholder_with_default_shape(op):
    wanted = op.attrs["shape"]
    infer.merge_shapes(op.inputs[0].shape, wanted)
    return [wanted]


def _placeholder_with_default_kernel(ctx, input):
    return input


def _placeholder_with_default_grad(op, grad):
    return [grad]


register_op(
    "PlaceholderWithDefault",
    inputs=["input: dtype"],
    outputs=["output: dtype"],
    attrs=["dtype: type", "shape: shape"],
    shape=_placeholder_with_default_shape,
    kernel=_placeholder_with_default_kernel,
    grad=_placeholder_with_default_grad,
)


def placeholder_with_default(input, shape, name=None):
    """Mirrors `tf.compat.v1.placeholder_with_default`: `input` unless another value is fed.

    Args:
      input: the default value.
      shape: the shape a fed value may have (None dims for any size).
      name: the op name.

    Returns:
      A Tensor.

    >>> placeholder_with_default([1.0, 2.0], shape=[None])
    <tf.Tensor 'PlaceholderWithDefault:0' shape=(?,) dtype=float32>
    """
    with graph_lib.name_scope(name, "PlaceholderWithDefault") as scope:
        value = op_builder.convert_to_tensor(input, name="input")
        return apply_op(
            "PlaceholderWithDefault",
            value,
            dtype=value.dtype.base_dtype,
            shape=tensor_shape.as_shape(shape),
            name=scope,
        )


# ---------------------------------------------------------------------- Fill


def _fill_shape(op):
    infer.require_rank(op.inputs[0].shape, 1)
    infer.require_rank(op.inputs[1].shape, 0)
    values = infer.static_ints(op.inputs[0])
    if values is not None and any(v < 0 for v in values):
        raise infer.ShapeError("Fill dimensions must be >= 0")
    return [infer.shape_from_shape_tensor(op.inputs[0])]


def _fill_kernel(ctx, dims, value):
    if np.ndim(dims) != 1:
        raise _invalid(f"dims must represent a vector, got shape {format_dims(np.shape(dims))}")
    if np.ndim(value) != 0:
        raise _invalid(f"value must represent a scalar, got shape {format_dims(np.shape(value))}")
    sizes = [int(d) for d in dims]
    for size in sizes:
        if size < 0:
            raise _invalid(f"Dimension {size} must be >= 0")
    value = np.asarray(value)
    result = np.empty(sizes, dtype=value.dtype)
    result[...] = value
    return result


def _reduce_sum_all(x):
    """TF's `reduce_sum(x)`: Sum over a Const range of a static rank (`_ReductionDims`), or
    over Range(0, Rank(x)); Sum and Range belong to the math family, built by type name."""
    rank = x.shape.rank
    if rank:
        axes = op_builder.constant(np.arange(rank, dtype=np.int32), name="Const")
    else:
        axes = apply_op("Range", 0, shapes.rank(x), 1, name="range")
    total = apply_op("Sum", x, axes, name="Sum")
    total.set_shape([])
    return total


def _fill_grad(op, grad):
    """The value feeds every element: its gradient is the sum of the output gradient."""
    return [None, _reduce_sum_all(grad)]


register_op(
    "Fill",
    inputs=["dims: index_type", "value: T"],
    outputs=["output: T"],
    attrs=["T: type", "index_type: {int32, int64} = DT_INT32"],
    shape=_fill_shape,
    kernel=_fill_kernel,
    grad=_fill_grad,
)


def fill(dims, value, name=None):
    """Mirrors `tf.fill`: a tensor of shape `dims` with every element `value`.

    Args:
      dims: a 1-D integer tensor or list, the output shape.
      value: a scalar, the element value.
      name: the op name.

    Returns:
      A Tensor of `value`'s dtype.

    >>> fill([2, 3], 9)
    <tf.Tensor 'Fill:0' shape=(2, 3) dtype=int32>
    """
    return apply_op("Fill", dims, value, name=name)


def _python_dims(shape):
    """`shape` as a list of ints when it is a plain static shape, else None."""
    if isinstance(shape, Tensor):
        return None
    if isinstance(shape, tensor_shape.TensorShape):
        return shape.as_list() if shape.is_fully_defined() else None
    items = list(shape) if isinstance(shape, (list, tuple)) else [shape]
    values = [tensor_shape.dimension_value(d) for d in items]
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return [int(v) for v in values]
    return None


def _shape_tensor(shape):
    """A static or partly dynamic shape as a 1-D int tensor, named as TF names it."""
    if isinstance(shape, Tensor):
        return shape
    items = list(shape) if isinstance(shape, (list, tuple)) else None
    if items is not None and any(isinstance(d, Tensor) for d in items):
        return op_builder.convert_to_tensor(items, dtype=dtypes.int32)
    return shapes.shape_as_tensor(tensor_shape.as_shape(shape))


def _filled(shape, scalar, dtype, scope):
    """TF's zeros/ones body: a Const for small static shapes, else Fill."""
    dims = _python_dims(shape)
    if dims is not None and int(np.prod(dims, dtype=np.int64)) < _SMALL_CONSTANT_ELEMENTS:
        return op_builder.constant(scalar, dtype=dtype, shape=dims, name=scope)
    shape = _shape_tensor(shape)
    if shape.shape.rank in (None, 0):
        shape = shapes.reshape(shape, [-1])  # ensure a vector, as TF does
    return fill(shape, op_builder.constant(scalar, dtype=dtype), name=scope)


def _zero_of(dtype):
    if dtype is dtypes.bool:
        return False
    if dtype is dtypes.string:
        return ""
    if dtype.is_quantized:
        return np.zeros([], dtype=dtype.as_numpy_dtype)
    return 0


def _one_of(dtype):
    if dtype is dtypes.bool:
        return True
    if dtype.is_quantized:
        return np.ones([], dtype=dtype.as_numpy_dtype)
    return 1


def zeros(shape, dtype=dtypes.float32, name=None):
    """Mirrors `tf.zeros`: a tensor of zeros (False, "" for bool and string).

    Args:
      shape: a list, TensorShape or 1-D int tensor.
      dtype: the element type.
      name: the op name.

    Returns:
      A Tensor: a Const for fewer than 1000 static elements, else a Fill.

    >>> zeros([2, 3])
    <tf.Tensor 'zeros:0' shape=(2, 3) dtype=float32>
    """
    dtype = dtypes.as_dtype(dtype).base_dtype
    with graph_lib.name_scope(name, "zeros", _tensors_in(shape)) as scope:
        return _filled(shape, _zero_of(dtype), dtype, scope)


def ones(shape, dtype=dtypes.float32, name=None):
    """Mirrors `tf.ones`: a tensor of ones (True for bool).

    Args:
      shape: a list, TensorShape or 1-D int tensor.
      dtype: the element type.
      name: the op name.

    Returns:
      A Tensor: a Const for fewer than 1000 static elements, else a Fill.

    >>> ones([2, 3], int32)
    <tf.Tensor 'ones:0' shape=(2, 3) dtype=int32>
    """
    dtype = dtypes.as_dtype(dtype).base_dtype
    with graph_lib.name_scope(name, "ones", _tensors_in(shape)) as scope:
        return _filled(shape, _one_of(dtype), dtype, scope)


def _tensors_in(shape):
    if isinstance(shape, Tensor):
        return [shape]
    if isinstance(shape, (list, tuple)):
        return [d for d in shape if isinstance(d, Tensor)]
    return []


# ---------------------------------------------------------------------- ZerosLike, OnesLike


def _zeros_like_kernel(ctx, x):
    x = np.asarray(x)
    if x.dtype == object:
        return np.full(x.shape, b"", dtype=object)
    return np.zeros_like(x)


register_op(
    "ZerosLike",
    inputs=["x: T"],
    outputs=["y: T"],
    attrs=["T: type"],
    shape=_same_shape,
    kernel=_zeros_like_kernel,
)
registry.not_differentiable("ZerosLike", "its output does not depend on the values")


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Mirrors `tf.compat.v1.zeros_like`: zeros with `tensor`'s shape.

    Args:
      tensor: a Tensor or value.
      dtype: the element type; `tensor`'s if None.
      name: the op name.
      optimize: build a constant when the static shape is fully known.

    Returns:
      A Tensor of zeros.

    >>> zeros_like(constant([[1, 2]]))
    <tf.Tensor 'zeros_like:0' shape=(1, 2) dtype=int32>
    """
    with graph_lib.name_scope(name, "zeros_like", [tensor]) as scope:
        tensor = op_builder.convert_to_tensor(tensor, name="tensor")
        own = tensor.dtype.base_dtype
        dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        if optimize and tensor.shape.is_fully_defined() and own is not dtypes.variant:
            return zeros(tensor.shape, dtype=dtype or own, name=scope)
        if dtype is not None and dtype != own and dtype is not dtypes.variant:
            return zeros(shapes.shape_internal(tensor, optimize=optimize), dtype=dtype, name=scope)
        return apply_op("ZerosLike", tensor, name=scope)


def _ones_like_kernel(ctx, x):
    return np.ones_like(x)


register_op(
    "OnesLike",
    inputs=["x: T"],
    outputs=["y: T"],
    attrs=[
        "T: {bfloat16, half, float, double, int8, uint8, int16, uint16, int32, "
        "int64, complex64, complex128, bool}"
    ],
    shape=_same_shape,
    kernel=_ones_like_kernel,
)
registry.not_differentiable("OnesLike", "its output does not depend on the values")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Mirrors `tf.compat.v1.ones_like`: ones with `tensor`'s shape.

    TF1 builds this from the tensor's shape and `tf.ones` (a Fill), not the OnesLike op.

    Args:
      tensor: a Tensor or value.
      dtype: the element type; `tensor`'s if None.
      name: the op name.
      optimize: read the shape statically when it is fully known.

    Returns:
      A Tensor of ones.

    >>> ones_like(constant([[1, 2]]))
    <tf.Tensor 'ones_like:0' shape=(1, 2) dtype=int32>
    """
    with graph_lib.name_scope(name, "ones_like", [tensor]) as scope:
        tensor = op_builder.convert_to_tensor(tensor, name="tensor")
        ones_shape = shapes.shape_internal(tensor, optimize=optimize)
        dtype = tensor.dtype.base_dtype if dtype is None else dtypes.as_dtype(dtype)
        result = ones(ones_shape, dtype=dtype, name=scope)
        result.set_shape(tensor.shape)
        return result
