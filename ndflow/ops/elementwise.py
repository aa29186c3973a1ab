"""Helpers that make a cwise op family member a few lines: unary and binary registration,
and the broadcast-gradient reduction every broadcasting binary op's gradient ends with.

Binary ops broadcast with NumPy's rules (TF's); incompatible static shapes fail at graph
build with TF's wording, dynamic ones at run time with "Incompatible shapes: [2,3] vs. [4]".
The type lists below are TF's names for the sets its REGISTER_OP calls spell out.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape

FLOAT = "bfloat16, half, float, double"
COMPLEX = "complex64, complex128"
FLOAT_COMPLEX = FLOAT + ", " + COMPLEX
SIGNED = "int8, int16, int32, int64"
UNSIGNED = "uint8, uint16, uint32, uint64"
INTEGER = SIGNED + ", " + UNSIGNED
REAL = FLOAT + ", " + INTEGER
NUMERIC = REAL + ", " + COMPLEX

_HALF_TYPES = frozenset({"float16", "bfloat16"})


def unary_shape(op):
    return [op.inputs[0].shape]


def binary_shape(op):
    return [shape_errors.broadcast_shapes(op.inputs[0].shape, op.inputs[1].shape)]


def format_dims(shape) -> str:
    """A runtime shape as TF prints it: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def incompatible_shapes(x, y) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(
        None,
        None,
        f"Incompatible shapes: {format_dims(np.shape(x))} vs. {format_dims(np.shape(y))}",
    )


def broadcast_or_raise(x, y):
    """Raises TF's InvalidArgumentError when x and y do not broadcast."""
    try:
        np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise incompatible_shapes(x, y) from None


def via_float32(fn):
    """Wraps `fn` so half and bfloat16 inputs are computed in float32 (as TF's kernels do)
    and rounded back; other dtypes pass straight through."""

    def wrapped(x):
        dtype = np.asarray(x).dtype
        if dtype.name not in _HALF_TYPES:
            return fn(x)
        return np.asarray(fn(np.asarray(x, dtype=np.float32))).astype(dtype)

    return wrapped


def _unary_kernel(fn):
    if not _in_place_capable(fn):
        return lambda ctx, x: fn(x)

    def kernel(ctx, x):
        # A dead input of the result's dtype is overwritten (TF's forward_input).
        if registry.donated(ctx, x) and _same_result_type(fn, x):
            return fn(x, out=x)
        return fn(x)

    return kernel


def _in_place_capable(fn) -> bool:
    return isinstance(fn, np.ufunc) and fn.nout == 1


def _same_result_type(fn, *operands) -> bool:
    signature = (*(a.dtype for a in operands), None)
    try:
        return fn.resolve_dtypes(signature)[-1] == operands[0].dtype
    except (TypeError, np.exceptions.DTypePromotionError):
        return False


def register_unary(name, fn, types, grad=None, out_type=None):
    """Registers a cwise unary op `y = fn(x)` over the TF type list `types`."""
    output = f"y: {out_type}" if out_type else "y: T"
    return registry.register_op(
        name,
        inputs=["x: T"],
        outputs=[output],
        attrs=[f"T: {{{types}}}"],
        shape=unary_shape,
        kernel=_unary_kernel(fn),
        grad=grad,
        forwards_input=0 if _in_place_capable(fn) and not out_type else None,
    )


def binary_kernel(fn):
    """A kernel `fn(x, y)` whose broadcasting failures raise TF's "Incompatible shapes"."""
    in_place = _in_place_capable(fn)

    def kernel(ctx, x, y):
        try:
            if in_place and registry.donated(ctx, x) and _fits_in(x, y, fn):
                return fn(x, y, out=x)
            return fn(x, y)
        except ValueError:
            broadcast_or_raise(x, y)
            raise

    return kernel


def _fits_in(x, y, fn) -> bool:
    """Whether fn(x, y) has x's shape and dtype, so it can be written over x."""
    y = np.asarray(y)
    if y.ndim > x.ndim or np.broadcast_shapes(x.shape, y.shape) != x.shape:
        return False
    return _same_result_type(fn, x, y)


def register_binary(
    name,
    fn,
    types,
    grad=None,
    out_type=None,
    commutative=False,
    names=("x", "y"),
    aggregate=False,
):
    """Registers a cwise binary op `z = fn(x, y)` with broadcasting over `types`.

    `names` are the TF input names (Atan2's are "y", "x").
    """
    output = f"z: {out_type}" if out_type else "z: T"
    return registry.register_op(
        name,
        inputs=[f"{names[0]}: T", f"{names[1]}: T"],
        outputs=[output],
        attrs=[f"T: {{{types}}}"],
        shape=binary_shape,
        kernel=binary_kernel(fn),
        grad=grad,
        commutative=commutative,
        aggregate=aggregate,
        forwards_input=0 if _in_place_capable(fn) and not out_type else None,
    )


def integer_division_by_zero() -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, "Integer division by zero")


def merge_same_shape(a, b):
    """Merges two shapes with the wording of TF's InferenceContext::Merge."""
    if a.rank is None:
        return b
    if b.rank is None:
        return a
    if a.rank != b.rank:
        raise shape_errors.ShapeError(f"Shapes must be equal rank, but are {a.rank} and {b.rank}")
    dims = []
    for index, (p, q) in enumerate(zip(a.as_list(), b.as_list())):
        if p is not None and q is not None and p != q:
            raise shape_errors.ShapeError(
                f"Dimension {index} in both shapes must be equal, but are {p} and {q}. Shapes "
                f"are {shape_errors.format_shape(a)} and {shape_errors.format_shape(b)}."
            )
        dims.append(q if p is None else p)
    return tensor_shape.TensorShape(dims)


# ---------------------------------------------------------------------- gradient helpers
# Gradients live in later families' modules but share these; the ops they build (Shape,
# BroadcastGradientArgs, Sum, Reshape, Conj) are looked up by type name.


def conj(x):
    """TF's `math_ops.conj` inside gradients: Conj for complex tensors, else x itself."""
    if x.dtype.is_complex:
        return op_builder.apply_op("Conj", x)
    return x


def _static_dims(x):
    shape = x.shape
    if shape.rank is None or not shape.is_fully_defined():
        return None
    return tuple(shape.as_list())


def _reduce_to(grad, shape, axes):
    """TF's `_ReduceGradientArg`: sums `grad` over `axes` (kept) and reshapes to `shape`."""
    if grad is None:
        return None
    total = op_builder.apply_op("Sum", grad, axes, keep_dims=True)
    return op_builder.apply_op("Reshape", total, shape)


def reduce_gradients(x, y, gx, gy):
    """TF's `_ReduceGradientArgs`: sums the gradients gx and gy of a broadcasting binary op
    over the axes its inputs x and y were broadcast along (`BroadcastGradientArgs`).

    Inputs whose static shapes are fully known and equal need no reduction (TF's
    `_ShapesFullySpecifiedAndEqual`).
    """
    if gx is None and gy is None:
        return gx, gy
    static = _static_dims(x)
    if static is not None and static == _static_dims(y):
        return gx, gy
    sx = op_builder.apply_op("Shape", x)
    sy = op_builder.apply_op("Shape", y)
    rx, ry = op_builder.apply_op("BroadcastGradientArgs", sx, sy)
    return _reduce_to(gx, sx, rx), _reduce_to(gy, sy, ry)


# ---------------------------------------------------------------------- builders


def unary_builder(op_type: str, tf_name: str, example: str = "[1.0, 2.0]", result: str = "float32"):
    """The builder of a cwise unary op: TF's generated wrapper `tf.<tf_name>(x, name=None)`.

    `example` and `result` fill the docstring's example (input values, output dtype).
    """

    def builder(x, name=None):
        return op_builder.apply_op(op_type, x, name=name)

    builder.__name__ = builder.__qualname__ = tf_name.rpartition(".")[2]
    builder.__doc__ = (
        f"Mirrors `tf.{tf_name}`: the `{op_type}` op, element-wise.\n\n"
        f'    Args:\n      x: a Tensor.\n      name: the op name (default "{op_type}").\n\n'
        f"    Returns:\n      A Tensor of x's shape.\n\n"
        f"    >>> {builder.__name__}(constant({example}))\n"
        f"    <tf.Tensor '{op_type}:0' shape=(2,) dtype={result}>\n"
    )
    return builder


def binary_builder(
    op_type: str,
    tf_name: str,
    example: str = "[1.0, 2.0]",
    other: str = "3.0",
    result: str = "float32",
):
    """The builder of a cwise binary op: TF's generated wrapper `tf.<tf_name>(x, y, name=None)`.

    `example`, `other` and `result` fill the docstring's example.
    """

    def builder(x, y, name=None):
        return op_builder.apply_op(op_type, x, y, name=name)

    builder.__name__ = builder.__qualname__ = tf_name.rpartition(".")[2]
    builder.__doc__ = (
        f"Mirrors `tf.{tf_name}`: the `{op_type}` op, element-wise with broadcasting.\n\n"
        f"    Args:\n      x: a Tensor.\n      y: a Tensor of the same type.\n"
        f'      name: the op name (default "{op_type}").\n\n'
        f"    Returns:\n      A Tensor of the broadcast shape.\n\n"
        f"    Raises:\n      TypeError: when the two types differ (TF does not promote).\n\n"
        f"    >>> {builder.__name__}(constant({example}), {other})\n"
        f"    <tf.Tensor '{op_type}:0' shape=(2,) dtype={result}>\n"
    )
    return builder
