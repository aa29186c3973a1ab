"""Comparisons and selection: Less..GreaterEqual, Equal/NotEqual, LogicalAnd/Or/Not, Select
(TF1's `tf.where`, with its rank-1 condition rule), SelectV2 (broadcasting) and ClipByValue.

Comparisons and logical ops have no gradient (bool outputs); Select, SelectV2 and ClipByValue
route the incoming gradient to the chosen input, as TF's gradients do.
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
from ndflow.ops import elementwise

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
format_dims = elementwise.format_dims

_ORDERED = "float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64"

for _name, _fn in [
    ("Less", np.less),
    ("LessEqual", np.less_equal),
    ("Greater", np.greater),
    ("GreaterEqual", np.greater_equal),
]:
    elementwise.register_binary(_name, _fn, _ORDERED, out_type="bool")
    registry.not_differentiable(_name, "a comparison: bool output, piecewise constant")

less = elementwise.binary_builder("Less", "less", result="bool")
less_equal = elementwise.binary_builder("LessEqual", "less_equal", result="bool")
greater = elementwise.binary_builder("Greater", "greater", result="bool")
greater_equal = elementwise.binary_builder("GreaterEqual", "greater_equal", result="bool")


# ---------------------------------------------------------------------- Equal, NotEqual


def _loose_broadcast(a, b):
    """TF's broadcast shape with incompatible_shape_error=false: a scalar for known
    mismatched dims, an unknown shape when an unknown dim meets a dim > 1."""
    if a.rank is None or b.rank is None:
        return tensor_shape.unknown_shape()
    rank = max(a.rank, b.rank)
    x = [1] * (rank - a.rank) + a.as_list()
    y = [1] * (rank - b.rank) + b.as_list()
    if any((p is None and (q or 0) > 1) or (q is None and (p or 0) > 1) for p, q in zip(x, y)):
        return tensor_shape.unknown_shape()
    if any(p is not None and q is not None and 1 not in (p, q) and p != q for p, q in zip(x, y)):
        return tensor_shape.scalar()
    return shape_errors.broadcast_shapes(a, b)


def _equality_shape(op):
    if op.attrs["incompatible_shape_error"]:
        return elementwise.binary_shape(op)
    return [_loose_broadcast(op.inputs[0].shape, op.inputs[1].shape)]


def _equality_kernel(fn, when_incompatible):
    """`fn` element-wise; shapes that do not broadcast give the scalar `when_incompatible`
    when incompatible_shape_error is false, as TF."""

    def kernel(ctx, x, y, incompatible_shape_error):
        try:
            np.broadcast_shapes(np.shape(x), np.shape(y))
        except ValueError:
            if incompatible_shape_error:
                raise elementwise.incompatible_shapes(x, y) from None
            return np.bool_(when_incompatible)
        return np.asarray(fn(x, y), dtype=np.bool_)

    return kernel


for _name, _fn, _fallback in [("Equal", np.equal, False), ("NotEqual", np.not_equal, True)]:
    registry.register_op(
        _name,
        inputs=["x: T", "y: T"],
        outputs=["z: bool"],
        attrs=["T: type", "incompatible_shape_error: bool = true"],
        shape=_equality_shape,
        kernel=_equality_kernel(_fn, _fallback),
        commutative=True,
    )
    registry.not_differentiable(_name, "a comparison: bool output, piecewise constant")


def equal(x, y, name=None):
    """Mirrors `tf.math.equal`: x == y element-wise, with broadcasting.

    Args:
      x: a Tensor of any type.
      y: a Tensor of the same type.
      name: the op name (default "Equal").

    Returns:
      A bool Tensor.

    >>> equal(constant([1, 2]), 2)
    <tf.Tensor 'Equal:0' shape=(2,) dtype=bool>
    """
    return apply_op("Equal", x, y, name=name)


def not_equal(x, y, name=None):
    """Mirrors `tf.math.not_equal`: x != y element-wise, with broadcasting.

    >>> not_equal(constant([1, 2]), 2)
    <tf.Tensor 'NotEqual:0' shape=(2,) dtype=bool>
    """
    return apply_op("NotEqual", x, y, name=name)


# ---------------------------------------------------------------------- logical ops

for _name, _fn in [("LogicalAnd", np.logical_and), ("LogicalOr", np.logical_or)]:
    registry.register_op(
        _name,
        inputs=["x: bool", "y: bool"],
        outputs=["z: bool"],
        shape=elementwise.binary_shape,
        kernel=elementwise.binary_kernel(_fn),
        commutative=True,
    )
    registry.not_differentiable(_name, "a logical op on bool tensors")


def _logical_not_kernel(ctx, x):
    return np.logical_not(x)


registry.register_op(
    "LogicalNot",
    inputs=["x: bool"],
    outputs=["y: bool"],
    shape=elementwise.unary_shape,
    kernel=_logical_not_kernel,
)
registry.not_differentiable("LogicalNot", "a logical op on bool tensors")

_BOOL_EXAMPLE = {"example": "[True, False]", "other": "True", "result": "bool"}
logical_and = elementwise.binary_builder("LogicalAnd", "logical_and", **_BOOL_EXAMPLE)
logical_or = elementwise.binary_builder("LogicalOr", "logical_or", **_BOOL_EXAMPLE)
logical_not = elementwise.unary_builder("LogicalNot", "logical_not", "[True, False]", "bool")


def logical_xor(x, y, name="LogicalXor"):
    """Mirrors `tf.math.logical_xor`: (x | y) & ~(x & y), built from TF's three ops.

    >>> logical_xor(constant([True, False]), True)
    <tf.Tensor 'LogicalXor:0' shape=(2,) dtype=bool>
    """
    either = apply_op("LogicalOr", x, y)
    both = apply_op("LogicalAnd", x, y)
    return apply_op("LogicalAnd", either, apply_op("LogicalNot", both), name=name)


# ---------------------------------------------------------------------- Select


def _select_shape(op):
    condition, then, other = (t.shape for t in op.inputs)
    data = elementwise.merge_same_shape(then, other)
    if condition.rank is None or data.rank is None or condition.rank == 0:
        return [data]
    if condition.rank != 1 or data.rank == 0:
        return [elementwise.merge_same_shape(data, condition)]
    elementwise.merge_same_shape(condition, tensor_shape.TensorShape([data.as_list()[0]]))
    return [data]


def _require_same_size(then, other):
    if np.shape(then) != np.shape(other):
        raise errors.InvalidArgumentError(
            None,
            None,
            "'then' and 'else' must have the same size.  but received: "
            f"{format_dims(np.shape(then))} vs. {format_dims(np.shape(other))}",
        )


def _select_rows(condition, then, other):
    """TF1 Select with a vector condition choosing whole rows of higher-rank inputs."""
    if np.ndim(then) == 0:
        raise errors.InvalidArgumentError(
            None, None, "'then' must be at least a vector, but saw shape: []"
        )
    if np.shape(then)[0] != np.size(condition):
        raise errors.InvalidArgumentError(
            None,
            None,
            "Number of batches of 'then' must match size of 'cond', but saw: "
            f"{np.shape(then)[0]} vs. {np.size(condition)}",
        )
    _require_same_size(then, other)
    rows = np.reshape(condition, (-1,) + (1,) * (np.ndim(then) - 1))
    return np.where(rows, then, other)


def _select_kernel(ctx, condition, t, e):
    if np.ndim(condition) == 0:
        _require_same_size(t, e)
        return t if condition else e
    if np.ndim(condition) == 1 and np.ndim(t) != 1:
        return _select_rows(condition, t, e)
    if np.shape(condition) != np.shape(t):
        raise errors.InvalidArgumentError(
            None,
            None,
            "Inputs to operation Select of type Select must have the same size and "
            f"shape.  Input 0: {format_dims(np.shape(condition))} != input 1: "
            f"{format_dims(np.shape(t))}",
        )
    _require_same_size(t, e)
    return np.where(condition, t, e)


def _select_grad(op, grad):
    """TF's `_SelectGrad`: grad where the condition chose t (for t), elsewhere (for e)."""
    condition = op.inputs[0]
    zeros = array.zeros_like(op.inputs[1])
    return [
        None,
        apply_op("Select", condition, grad, zeros),
        apply_op("Select", condition, zeros, grad),
    ]


registry.register_op(
    "Select",
    inputs=["condition: bool", "t: T", "e: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_select_shape,
    kernel=_select_kernel,
    grad=_select_grad,
)


def _select_v2_shape(op):
    condition, then, other = (t.shape for t in op.inputs)
    return [shape_errors.broadcast_shapes(shape_errors.broadcast_shapes(then, other), condition)]


def _select_v2_kernel(ctx, condition, t, e):
    try:
        return np.where(condition, t, e)
    except ValueError:
        shapes = [format_dims(np.shape(v)) for v in (condition, t, e)]
        raise errors.InvalidArgumentError(
            None,
            None,
            f"condition {shapes[0]}, then {shapes[1]}, and else {shapes[2]} must be broadcastable",
        ) from None


def _select_v2_grad(op, grad):
    """TF's `_SelectGradV2`: like Select's, each then summed back to its input's shape."""
    condition, then, other = op.inputs
    output = op.outputs[0]
    zeros = op_builder.constant(0, dtype=grad.dtype.base_dtype)
    gx = apply_op("SelectV2", condition, grad, zeros)
    gy = apply_op("SelectV2", condition, zeros, grad)
    gx = elementwise.reduce_gradients(then, output, gx, None)[0]
    gy = elementwise.reduce_gradients(other, output, gy, None)[0]
    return [None, gx, gy]


registry.register_op(
    "SelectV2",
    inputs=["condition: bool", "t: T", "e: T"],
    outputs=["output: T"],
    attrs=["T: type"],
    shape=_select_v2_shape,
    kernel=_select_v2_kernel,
    grad=_select_v2_grad,
)


def where(condition, x=None, y=None, name=None):
    """Mirrors TF1 `tf.where`: with x and y, `Select` (a vector condition picks rows);
    alone, the coordinates of the true elements (`Where`).

    Args:
      condition: a bool Tensor.
      x: a Tensor, or None.
      y: a Tensor of x's type and shape, or None.
      name: the op name.

    Returns:
      A Tensor like x, or an int64 [num_true, rank] Tensor of coordinates.

    Raises:
      ValueError: when only one of x and y is given.

    >>> where(constant([True, False]), constant([1, 2]), constant([3, 4]))  # [1, 4]
    <tf.Tensor 'Select:0' shape=(2,) dtype=int32>
    """
    if x is None and y is None:
        return array.where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return apply_op("Select", condition, x, y, name=name)


def where_v2(condition, x=None, y=None, name=None):
    """Mirrors `tf.where_v2`: like `where`, but x, y and condition broadcast (`SelectV2`).

    >>> where_v2(constant([True, False]), 1.0, 0.0)
    <tf.Tensor 'SelectV2:0' shape=(2,) dtype=float32>
    """
    if x is None and y is None:
        return array.where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return apply_op("SelectV2", condition, x, y, name=name)


# ---------------------------------------------------------------------- ClipByValue


def _clip_kernel(ctx, t, clip_value_min, clip_value_max):
    shape = np.shape(t)
    for bound in (clip_value_min, clip_value_max):
        if np.ndim(bound) != 0 and np.shape(bound) != shape:
            raise errors.InvalidArgumentError(
                None,
                None,
                "clip_value_min and clip_value_max must be either of the same shape "
                f"as input, or a scalar. input shape: {format_dims(shape)}clip_value_min shape: "
                f"{format_dims(np.shape(clip_value_min))}clip_value_max shape: "
                f"{format_dims(np.shape(clip_value_max))}",
            )
    # TF takes min(t, max) first, so clip_value_min wins when the bounds cross.
    return np.maximum(np.minimum(t, clip_value_max), clip_value_min)


def _clip_grad(op, grad):
    """TF's `_clip_by_value_grad`: grad goes to t inside the bounds, to a bound where t
    crossed it (summed over the bound's broadcast axes)."""
    t, low, high = op.inputs
    zeros = array.zeros(apply_op("Shape", grad), grad.dtype.base_dtype)
    below = apply_op("Less", t, low)
    above = apply_op("Greater", t, high)
    shape_t = apply_op("Shape", t)
    shape_low, shape_high = apply_op("Shape", low), apply_op("Shape", high)
    axes_low = apply_op("BroadcastGradientArgs", shape_t, shape_low)[1]
    axes_high = apply_op("BroadcastGradientArgs", shape_t, shape_high)[1]
    outside = apply_op("LogicalOr", below, above)
    t_grad = apply_op("Select", outside, zeros, grad)
    low_grad = apply_op("Sum", apply_op("Select", below, grad, zeros), axes_low)
    high_grad = apply_op("Sum", apply_op("Select", above, grad, zeros), axes_high)
    return [
        t_grad,
        apply_op("Reshape", low_grad, shape_low),
        apply_op("Reshape", high_grad, shape_high),
    ]


registry.register_op(
    "ClipByValue",
    inputs=["t: T", "clip_value_min: T", "clip_value_max: T"],
    outputs=["output: T"],
    attrs=["T: numbertype"],
    shape=elementwise.unary_shape,
    kernel=_clip_kernel,
    grad=_clip_grad,
)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Mirrors `tf.clip_by_value`: min(t, max) then max(., min), as TF builds it.

    Args:
      t: a Tensor.
      clip_value_min: the lower bound, a scalar or a Tensor broadcastable to t.
      clip_value_max: the upper bound, likewise.
      name: the op name (default "clip_by_value").

    Returns:
      A Tensor of t's type and shape.

    Raises:
      ValueError: when a bound would broadcast t to a bigger shape.

    >>> clip_by_value(constant([-1.0, 5.0]), 0.0, 1.0)
    <tf.Tensor 'clip_by_value:0' shape=(2,) dtype=float32>
    """
    with graph_lib.name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        upper = apply_op("Minimum", values, clip_value_max)
        values.shape.assert_is_compatible_with(upper.shape)
        result = apply_op("Maximum", upper, clip_value_min, name=scope)
        values.shape.assert_is_compatible_with(result.shape)
        return result
