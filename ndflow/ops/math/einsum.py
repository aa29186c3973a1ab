"""Einsum: the op (explicit equations, one ellipsis per subscript, repeated labels for
traces and, in outputs, diagonals), its gradient (TF's `_EinsumGrad`) and `tf.einsum`.

Half types contract in float32 and round back, as TF accumulates them.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import elementwise
from ndflow.ops.math import reduction

apply_op = op_builder.apply_op
format_dims = elementwise.format_dims

_HALF = frozenset({"float16", "bfloat16"})
_ELLIPSIS = "..."


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _parse_equation(equation: str):
    """(input subscripts, output subscripts) of an explicit "ab,bc->ac" equation."""
    if equation.count("->") != 1:
        raise shape_errors.ShapeError(f"Expecting exactly one '->' in einsum equation: {equation}")
    inputs, output = equation.split("->")
    subscripts = inputs.split(",")
    for part in [*subscripts, output]:
        periods = part.count(".")
        if periods not in (0, 3) or (periods == 3 and "..." not in part):
            raise shape_errors.ShapeError(
                f"Expected at most one ellipsis (...), but found {periods} periods (.) in the "
                f"input subscript: {part}"
            )
    return subscripts, output


def _einsum_input_dims(labels: str, shape, found: dict):
    """Records each label's dim in `found`; returns the dims the ellipsis covers (or None
    when the rank is unknown)."""
    named = labels.replace("...", "")
    if shape.rank is None:
        for label in named:
            found.setdefault(label, None)
        return None if "..." in labels else []
    dims = shape.as_list()
    if "..." not in labels:
        shape_errors.require_rank(shape, len(named))
    shape_errors.require_rank_at_least(shape, len(named))
    head, _, tail = labels.partition("...")
    covered = dims[len(head) : len(dims) - len(tail)] if "..." in labels else []
    label_dims = dims[: len(head)] + (dims[len(dims) - len(tail) :] if tail else [])
    for label, dim in zip(named, label_dims):
        found[label] = shape_errors.merge_dims(found.get(label), dim)
    return covered


def _einsum_shape(op):
    subscripts, output = _parse_equation(op.attrs["equation"])
    if len(subscripts) != len(op.inputs):
        raise shape_errors.ShapeError(
            f"Expected {len(subscripts)} inputs for equation "
            f"{op.attrs['equation']} but got: {len(op.inputs)}"
        )
    found: dict = {}
    batch = tensor_shape.TensorShape([])
    for labels, tensor in zip(subscripts, op.inputs):
        covered = _einsum_input_dims(labels, tensor.shape, found)
        part = (
            tensor_shape.unknown_shape() if covered is None else tensor_shape.TensorShape(covered)
        )
        batch = shape_errors.broadcast_shapes(batch, part)
    if "..." in output and batch.rank is None:
        return [tensor_shape.unknown_shape()]
    head, _, tail = output.partition("...")
    for label in head + tail:
        if label not in found and label.isalpha():
            raise shape_errors.ShapeError(
                f"Einsum output subscripts for equation '{op.attrs['equation']}' has label "
                f"'{label}' which is not present in the input subscripts"
            )
    dims = [found[label] for label in head]
    if "..." in output:
        dims += batch.as_list()
    return [tensor_shape.TensorShape(dims + [found[label] for label in tail])]


def _unique_labels(subscripts: str) -> str:
    """`subscripts` with repeated labels dropped (first occurrences kept, ellipsis kept)."""
    head, dots, tail = subscripts.partition(_ELLIPSIS)
    seen: list = []
    for label in head + tail:
        if label not in seen:
            seen.append(label)
    kept_head = "".join(label for label in seen if label in head)
    return kept_head + dots + "".join(label for label in seen if label not in kept_head)


def _inflate(values, unique: str, output: str):
    """The tensor with subscripts `output` that is zero off the diagonals its repeated labels
    name, and `values` (subscripts `unique`) on them (TF's output-side repeated labels)."""
    sizes = dict(zip(unique.replace(_ELLIPSIS, ""), np.shape(values)))
    head, _, tail = unique.partition(_ELLIPSIS)
    batch = np.shape(values)[len(head) : np.ndim(values) - len(tail)] if _ELLIPSIS in unique else ()
    out_head, dots, out_tail = output.partition(_ELLIPSIS)
    shape = [sizes[label] for label in out_head] + list(batch if dots else ())
    shape += [sizes[label] for label in out_tail]
    result = np.zeros(shape, dtype=values.dtype)
    # A single-operand einsum that only takes diagonals returns a writable view.
    np.einsum(f"{output}->{unique}", result)[...] = values
    return result


def _einsum_kernel(ctx, inputs, equation):
    dtype = np.asarray(inputs[0]).dtype
    operands = [np.asarray(v, dtype=np.float32) for v in inputs] if dtype.name in _HALF else inputs
    left, _, output = equation.partition("->")
    unique = _unique_labels(output)
    try:
        result = np.einsum(f"{left}->{unique}", *operands)
    except ValueError as err:
        raise _invalid(
            f"Einsum {equation!r} cannot apply to input shapes "
            f"{[format_dims(np.shape(v)) for v in inputs]}: {err}"
        ) from None
    result = np.asarray(result)
    if unique != output:
        result = _inflate(result, unique, output)
    return result.astype(dtype, copy=False)


# ---------------------------------------------------------------------- gradient (TF's)


def _axis_of(subscripts: str, label: str):
    """The axis of `label`'s leftmost occurrence: from the front before an ellipsis, from
    the back (negative) after it; None when absent."""
    head, dots, tail = subscripts.partition(_ELLIPSIS)
    if label in head:
        return head.index(label)
    if dots and label in tail:
        return tail.index(label) - len(tail)
    return None


def _broadcast_span(subscripts: str):
    """(start, end) such that shape[start:end] are the dims the ellipsis covers."""
    start = subscripts.find(_ELLIPSIS)
    if start == -1:
        return 0, 0
    remaining = len(subscripts) - (start + len(_ELLIPSIS))
    return start, (-remaining if remaining > 0 else None)


def _grad_reduced(output_grad, output_subs, input_subs, input_shape, reduced_labels):
    """The gradient of a unary einsum `input_subs -> output_subs` that sums out
    `reduced_labels` (TF's `_GetGradReduced`)."""
    reduced_subs = "".join(sorted(reduced_labels))
    reduced_axes = [_axis_of(input_subs, label) for label in reduced_subs]
    repeated = len(set(input_subs)) + len(set(output_subs)) < len(input_subs) + len(output_subs)
    remaining = "".join(label for label in input_subs if label not in reduced_labels)
    if not repeated and remaining == output_subs:
        axes = op_builder.constant(np.array(reduced_axes, dtype=np.int32))
        kept = reduction.reduced_shape(input_shape, axes)
        return apply_op("BroadcastTo", apply_op("Reshape", output_grad, kept), input_shape)
    reduced_dims = apply_op("Pack", [input_shape[axis] for axis in reduced_axes])
    grad_shape = apply_op("Shape", output_grad)
    full_shape = apply_op("ConcatV2", [reduced_dims, grad_shape], 0)
    ones = op_builder.constant(np.ones(len(reduced_labels), np.int32))
    kept = apply_op("ConcatV2", [ones, grad_shape], 0)
    broadcast = apply_op("BroadcastTo", apply_op("Reshape", output_grad, kept), full_shape)
    return apply_op("Einsum", [broadcast], equation=f"{reduced_subs + output_subs}->{input_subs}")


def _grad_wrt(output_grad, other, input_shape, input_subs, other_subs, output_subs):
    """The gradient for one operand of a binary einsum, before un-broadcasting (TF's
    `_GetGradWrt`): the einsum of grad and the other operand, then any reductions."""
    reduced_labels = set(input_subs).difference(set(output_subs + other_subs + "."))
    left_subs = "".join(label for label in input_subs if label not in reduced_labels)
    equation = f"{output_subs},{other_subs}->{left_subs}"
    grad = apply_op("Einsum", [output_grad, other], equation=equation)
    if not reduced_labels:
        return grad
    return _grad_reduced(grad, left_subs, input_subs, input_shape, reduced_labels)


def _unary_einsum_grad(op, grad, input_subs, output_subs):
    reduced_labels = set(input_subs).difference(set(output_subs + _ELLIPSIS))
    if not reduced_labels:
        return [apply_op("Einsum", [grad], equation=f"{output_subs}->{input_subs}")]
    input_shape = apply_op("Shape", op.inputs[0])
    return [_grad_reduced(grad, output_subs, input_subs, input_shape, reduced_labels)]


def _static_batches_equal(x, y, x_subs, y_subs) -> bool:
    sx, sy = x.shape, y.shape
    if not (sx.is_fully_defined() and sy.is_fully_defined()):
        return False
    bx, by = _broadcast_span(x_subs), _broadcast_span(y_subs)
    return sx.as_list()[slice(*bx)] == sy.as_list()[slice(*by)]


def _einsum_grad(op, grad):
    """TF's `_EinsumGrad`: einsums of grad with the other operand, reductions restored by
    broadcasting, and broadcast batch dims summed out."""
    equation = op.attrs["equation"]
    equation = equation.decode() if isinstance(equation, bytes) else equation
    input_subs, output_subs = equation.split("->")
    if len(op.inputs) == 1:
        return _unary_einsum_grad(op, grad, input_subs, output_subs)
    x_subs, y_subs = input_subs.split(",")
    if _ELLIPSIS in output_subs:
        x_subs += "" if _ELLIPSIS in x_subs else _ELLIPSIS
        y_subs += "" if _ELLIPSIS in y_subs else _ELLIPSIS
    x, y = op.inputs
    if grad.dtype.is_complex:
        x, y = elementwise.conj(x), elementwise.conj(y)
    x_shape, y_shape = apply_op("Shape", x), apply_op("Shape", y)
    grad_x = _grad_wrt(grad, y, x_shape, x_subs, y_subs, output_subs)
    grad_y = _grad_wrt(grad, x, y_shape, y_subs, x_subs, output_subs)
    if _ELLIPSIS not in output_subs or _static_batches_equal(x, y, x_subs, y_subs):
        return [grad_x, grad_y]
    (x_start, x_end), (y_start, y_end) = _broadcast_span(x_subs), _broadcast_span(y_subs)
    rx, ry = apply_op("BroadcastGradientArgs", x_shape[x_start:x_end], y_shape[y_start:y_end])
    grad_x = apply_op("Reshape", apply_op("Sum", grad_x, x_start + rx), x_shape)
    grad_y = apply_op("Reshape", apply_op("Sum", grad_y, y_start + ry), y_shape)
    return [grad_x, grad_y]


registry.register_op(
    "Einsum",
    inputs=["inputs: N * T"],
    outputs=["output: T"],
    attrs=["equation: string", "N: int >= 1", "T: type"],
    shape=_einsum_shape,
    kernel=_einsum_kernel,
    grad=_einsum_grad,
)


def _implicit_output(subscripts) -> str:
    """NumPy's and TF's implicit output: the ellipsis, then labels seen once, sorted."""
    letters = "".join(subscripts).replace(".", "")
    once = sorted(label for label in set(letters) if letters.count(label) == 1)
    ellipsis = "..." if any("..." in part for part in subscripts) else ""
    return ellipsis + "".join(once)


def _pairwise_equations(subscripts, output):
    """Left-to-right contractions for more than two operands: each step keeps the labels a
    later operand or the output still needs."""
    steps, current = [], subscripts[0]
    for index, following in enumerate(subscripts[1:], start=1):
        later = "".join(subscripts[index + 1 :]) + output
        kept = "".join(
            dict.fromkeys(
                label for label in (current + following).replace(".", "") if label in later
            )
        )
        ellipsis = "..." if "..." in current + following else ""
        result = output if index == len(subscripts) - 1 else ellipsis + kept
        steps.append(f"{current},{following}->{result}")
        current = result
    return steps


def einsum(equation, *inputs, **kwargs):
    """Mirrors `tf.einsum`: a tensor contraction in Einstein notation (`Einsum` op).

    Explicit ("ij,jk->ik") and implicit ("ij,jk") outputs and one ellipsis per subscript
    are supported. More than two operands are contracted left to right, two at a time.

    Args:
      equation: the subscripts, e.g. "bij,bjk->bik".
      *inputs: the operand Tensors.
      **kwargs: only `name` (default scope "einsum").

    Returns:
      A Tensor.

    Raises:
      TypeError: for other keyword arguments.

    >>> einsum("ij,jk->ik", constant([[1.0, 2.0]]), constant([[3.0], [4.0]]))
    <tf.Tensor 'einsum/Einsum:0' shape=(1, 1) dtype=float32>
    """
    name = kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(
            f"Invalid keyword arguments for this function: "
            f"{', '.join(sorted(kwargs))}. Expected: name, optimize."
        )
    with graph_lib.name_scope(name, "einsum", list(inputs)):
        equation = equation.replace(" ", "")
        left, arrow, output = equation.partition("->")
        subscripts = left.split(",")
        if not arrow:
            output = _implicit_output(subscripts)
        if len(subscripts) <= 2:
            return apply_op("Einsum", list(inputs), equation=f"{left}->{output}")
        result = inputs[0]
        for step, operand in zip(_pairwise_equations(subscripts, output), inputs[1:]):
            result = apply_op("Einsum", [result, operand], equation=step)
        return result
