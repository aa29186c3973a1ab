"""Static-shape helpers shared by the array ops, worded like TF's `InferenceContext`.

Shape functions see partially known shapes (`None` dims, unknown rank) and the static values
of small input tensors (`tensor_util.constant_value`). Their complaints are `ShapeError`s,
which the graph completes with the node context.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import op_def
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

ShapeError = shape_errors.ShapeError
TensorShape = tensor_shape.TensorShape
format_shape = shape_errors.format_shape
require_rank = shape_errors.require_rank
require_rank_at_least = shape_errors.require_rank_at_least
require_rank_at_most = shape_errors.require_rank_at_most
merge_shapes = shape_errors.merge_shapes


def unknown(rank=None) -> TensorShape:
    return tensor_shape.unknown_shape(rank)


def with_value(dim, value: int):
    """TF's `WithValue` on one dim (an int or None)."""
    if dim is not None and dim != value:
        raise ShapeError(f"Dimension must be {value} but is {dim}")
    return value


def divide_evenly(dim, divisor: int):
    """TF's `Divide(..., evenly_divisible=true)`; an unknown dim stays unknown."""
    if dim is None:
        return None
    if divisor <= 0:
        raise ShapeError(f"Divisor must be positive but is {divisor}")
    if dim % divisor:
        raise ShapeError(f"Dimension size must be evenly divisible by {divisor} but is {dim}")
    return dim // divisor


# Like TF's EvaluateConstantTensor: small stateless subgraphs are evaluated for shape
# inference by running their kernels (the graph has no values yet).
_MAX_EVAL_ELEMENTS = 1024
_MAX_EVAL_OPS = 64
_NEVER_EVALUATED = frozenset({"Placeholder", "PlaceholderWithDefault", "PlaceholderV2"})


class _Evaluation:
    """One static evaluation: values found so far (shared subgraphs run once) and a budget."""

    def __init__(self):
        self.values: dict = {}
        self.ops_left = _MAX_EVAL_OPS


def static_value(tensor, evaluation: _Evaluation | None = None):
    """The value of `tensor` if the graph fixes it, as an ndarray, else None.

    Beyond `tensor_util.constant_value`, a stateless op whose inputs are all static is
    evaluated with its kernel, and slices of a partially known Shape are read from it.
    """
    value = tensor_util.constant_value(tensor)
    if value is not None:
        return np.asarray(value)
    if not hasattr(tensor, "op"):
        return None
    evaluation = evaluation or _Evaluation()
    key = id(tensor)
    if key not in evaluation.values:
        evaluation.values[key] = None  # guards against revisiting while in progress
        evaluation.values[key] = _derive(tensor, evaluation)
    return evaluation.values[key]


def _derive(tensor, evaluation):
    partial = _sliced_shape(tensor)
    if partial is not None:
        return None if None in partial else np.array(partial, dtype=tensor.dtype.as_numpy_dtype)
    return _evaluate(tensor, evaluation)


def _evaluable(op) -> bool:
    definition = op.op_def
    if definition.is_stateful or op.type in _NEVER_EVALUATED or not op.inputs:
        return False
    tensors = list(op.inputs) + list(op.outputs)
    return not any(t.dtype.is_ref_dtype or not t.dtype.is_numpy_compatible for t in tensors)


def _evaluate(tensor, evaluation):
    op = tensor.op
    if not _evaluable(op) or evaluation.ops_left <= 0:
        return None
    evaluation.ops_left -= 1
    values = []
    for item in op.inputs:
        value = static_value(item, evaluation)
        if value is None or value.size > _MAX_EVAL_ELEMENTS:
            return None
        values.append(value)
    try:
        outputs = _run_kernel(op, values)
    except Exception:  # noqa: BLE001 - not evaluable now; the op reports it at run time
        return None
    result = np.asarray(outputs[tensor.value_index])
    return None if result.size > _MAX_EVAL_ELEMENTS else result


def _run_kernel(op, values) -> list:
    """Calls `op`'s kernel on static input values; returns its outputs as a flat list."""
    definition, attrs = op.op_def, op.attrs
    args, position = [], 0
    for arg in definition.input_args:
        count = len(op_def.arg_types(arg, attrs))
        args.append(list(values[position : position + count]) if arg.is_list else values[position])
        position += count
    names = definition.kernel_attrs
    kwargs = dict(attrs) if names is None else {name: attrs[name] for name in names}
    with np.errstate(all="ignore"):
        result = definition.kernel(None, *args, **kwargs)
    return _flat_outputs(definition, result)


def _flat_outputs(definition, result) -> list:
    outputs = definition.output_args
    if len(outputs) == 1:
        return list(result) if outputs[0].is_list else [result]
    flat = []
    for arg, value in zip(outputs, result):
        flat.extend(value if arg.is_list else [value])
    return flat


def _sliced_shape(tensor):
    """The dims (None if unknown) a StridedSlice of a Shape selects, or None."""
    op = tensor.op
    if op.type != "StridedSlice" or op.inputs[0].op.type != "Shape":
        return None
    given = op.inputs[0].op.inputs[0].shape
    spec = [tensor_util.constant_value(t) for t in op.inputs[1:]]
    if given.rank is None or any(v is None for v in spec):
        return None
    # Slicing only moves elements, so unknown dims ride along as -1 markers.
    dims = np.array([-1 if d is None else d for d in given.as_list()], dtype=np.int64)
    try:
        picked = _run_kernel(op, [dims] + [np.asarray(v) for v in spec])[0]
    except Exception:  # noqa: BLE001 - an invalid slice fails at run time instead
        return None
    return [None if d < 0 else int(d) for d in np.reshape(picked, -1)]


def static_ints(tensor) -> list | None:
    """The static value of an integer tensor as a flat list of ints, else None."""
    value = static_value(tensor)
    return None if value is None else [int(v) for v in value.reshape(-1)]


def static_scalar(tensor) -> int | None:
    """The static value of a one-element integer tensor, else None."""
    values = static_ints(tensor)
    return None if values is None or len(values) != 1 else values[0]


def shape_from_shape_tensor(tensor) -> TensorShape:
    """TF's `MakeShapeFromShapeTensor`: the (partial) shape a 1-D shape tensor describes.

    -1 entries are unknown dims; other negative constants are TF's "Invalid value" error.
    """
    length = require_rank(tensor.shape, 1).as_list()[0]
    partial = partial_shape_value(tensor)
    if partial is not None:
        return partial
    values = static_ints(tensor)
    if values is None:
        return tensor_shape.unknown_shape(length)
    for value in values:
        if value < -1:
            raise ShapeError(f"Invalid value in tensor used for shape: {value}")
    return TensorShape([None if v == -1 else v for v in values])


def partial_shape_value(tensor) -> TensorShape | None:
    """TF's `ConstantPartialShape` for Shape, Pack, ConcatV2, Cast and slices of a Shape;
    None for other ops (their whole value is needed)."""
    op = tensor.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Cast":
        return shape_from_shape_tensor(op.inputs[0])
    if op.type == "Pack":
        dims = [static_scalar(item) for item in op.inputs]
        return TensorShape([None if d is None or d < 0 else d for d in dims])
    if op.type == "ConcatV2" and static_scalar(op.inputs[-1]) in (0, -1):
        result = TensorShape([])
        for part in op.inputs[:-1]:
            result = result.concatenate(shape_from_shape_tensor(part))
        return result
    sliced = _sliced_shape(tensor)
    return None if sliced is None else TensorShape(sliced)


def scalar_dim(tensor, index: int):
    """TF's `MakeDimForScalarInput`: a non-negative dim from a scalar input, else None."""
    value = static_scalar(tensor)
    if value is not None and value < 0:
        raise ShapeError(
            f"Dimension size, given by scalar input {index}, must be non-negative but is {value}"
        )
    return value


def axis_in_rank(axis: int, rank: int | None, index: int):
    """TF's `MakeDimForScalarInputWithNegativeIndexing`: a canonical axis, or None."""
    if axis is None or (axis < 0 and rank is None):
        return None
    if rank is not None and not -rank <= axis < rank:
        raise ShapeError(
            f"Dimension size, given by scalar input {axis} must be in range [-{rank}, {rank})"
        )
    return axis + rank if axis < 0 else axis


def dims(shape: TensorShape) -> list | None:
    """A shape's dims as a list of ints and Nones; None when the rank is unknown."""
    return None if shape.rank is None else shape.as_list()
