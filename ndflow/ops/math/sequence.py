"""Sequences: Range and LinSpace, with `tf.range`, `tf.linspace`/`tf.lin_space` and
`tf.sequence_mask`.

Range's values are start + i * delta computed in the output type, as TF 2's kernel does, so
float ranges round exactly like TF's; its size is ceil(|limit - start| / |delta|).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util
from ndflow.ops import elementwise
from ndflow.ops.math import cast as cast_lib

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor

_INT64_MAX = np.iinfo(np.int64).max


def _cpp_number(value) -> str:
    """A scalar as TF's C++ messages print it: integers plainly, floats like %g."""
    if np.asarray(value).dtype.kind in "iu":
        return str(int(value))
    return format(float(value), "g")


def _require_scalars(op, names):
    for tensor, name in zip(op.inputs, names):
        try:
            shape_errors.require_rank(tensor.shape, 0)
        except shape_errors.ShapeError as err:
            raise shape_errors.ShapeError(f"{err}\n\t for '{name}'") from None


# ---------------------------------------------------------------------- Range


def _range_size(start, limit, delta, error, show_delta: bool) -> int:
    """The element count of Range(start, limit, delta); `error(message)` when invalid."""
    if delta == 0:
        raise error("Requires delta != 0" + (f": {_cpp_number(delta)}" if show_delta else ""))
    bounds = f"{_cpp_number(start)}/{_cpp_number(limit)}"
    if delta > 0 and start > limit:
        raise error(f"Requires start <= limit when delta > 0: {bounds}")
    if delta < 0 and start < limit:
        raise error(f"Requires start >= limit when delta < 0: {bounds}")
    if np.asarray(start).dtype.kind in "iu":
        span, step = abs(int(limit) - int(start)), abs(int(delta))
        return (span + step - 1) // step
    size = np.ceil(np.abs((limit - start) / delta))
    if not size <= _INT64_MAX:
        raise error(f"Requires ((limit - start) / delta) <= {_INT64_MAX}")
    return int(size)


def _range_shape(op):
    _require_scalars(op, ("start", "limit", "delta"))
    values = [tensor_util.constant_value(t) for t in op.inputs]
    if any(v is None for v in values):
        return [tensor_shape.TensorShape([None])]
    start, limit, delta = (np.asarray(v).reshape(()) for v in values)
    return [
        tensor_shape.TensorShape([_range_size(start, limit, delta, shape_errors.ShapeError, False)])
    ]


def _runtime_error(message):
    return errors.InvalidArgumentError(None, None, message)


def _scalar_input(value, name):
    if np.ndim(value) == 0 or np.shape(value) == (1,):
        return np.asarray(value).reshape(())
    raise _runtime_error(
        f"{name} must be a scalar, not shape {elementwise.format_dims(np.shape(value))}"
    )


def _range_kernel(ctx, start, limit, delta):
    start = _scalar_input(start, "start")
    limit = _scalar_input(limit, "limit")
    delta = _scalar_input(delta, "delta")
    size = _range_size(start, limit, delta, _runtime_error, True)
    return start + np.arange(size).astype(start.dtype) * delta


registry.register_op(
    "Range",
    inputs=["start: Tidx", "limit: Tidx", "delta: Tidx"],
    outputs=["output: Tidx"],
    attrs=[
        "Tidx: {bfloat16, half, float, double, int8, int16, int32, int64, uint16, uint32, "
        "uint64} = DT_INT32"
    ],
    shape=_range_shape,
    kernel=_range_kernel,
)
registry.not_differentiable("Range", "integer-like steps; TF registers it as not differentiable")

_RANGE_ORDER = (
    dtypes.int32,
    dtypes.int64,
    dtypes.float16,
    dtypes.bfloat16,
    dtypes.float32,
    dtypes.float64,
)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """Mirrors `tf.range`: [start, start + delta, ...) up to (excluding) limit.

    With one argument it is the limit and start is 0. Without `dtype` the widest of the
    arguments' types wins (int32 < int64 < float16 < bfloat16 < float32 < float64).

    Args:
      start: the first value (or the limit, when `limit` is None).
      limit: the bound, excluded.
      delta: the step (default 1).
      dtype: the output type.
      name: the op name (default "range").

    Returns:
      A 1-D Tensor.

    Raises:
      ValueError: for a zero delta or a delta pointing away from limit (static values).
      TypeError: for an argument type outside that order.

    >>> range(1, 5, 2)  # [1, 3]
    <tf.Tensor 'range:0' shape=(2,) dtype=int32>
    """
    if limit is None:
        start, limit = 0, start
    with graph_lib.name_scope(name, "Range", [start, limit, delta]) as scope:
        args = [
            value
            if isinstance(value, graph_lib.Tensor)
            else convert_to_tensor(value, dtype=dtype, name=arg)
            for value, arg in zip((start, limit, delta), ("start", "limit", "delta"))
        ]
        if dtype is None:
            kinds = [a.dtype.base_dtype for a in args]
            if any(kind not in _RANGE_ORDER for kind in kinds):
                raise TypeError(
                    f"Range arguments must be of types {list(_RANGE_ORDER)}; got {kinds}"
                )
            dtype = max(kinds, key=_RANGE_ORDER.index)
        args = [cast_lib.cast(a, dtype) for a in args]
        return apply_op("Range", *args, name=scope)


def rank_of(x):
    """TF's `array_ops.rank` with optimize=True: a Const when the rank is static."""
    if x.shape.rank is not None:
        return op_builder.constant(x.shape.rank, dtype=dtypes.int32, name="Rank")
    return apply_op("Rank", x)


def all_dimensions(x):
    """TF's `_ReductionDims(x, None)`: [0, rank) as a Const when the rank is known and
    positive, else Range(0, Rank(x))."""
    if x.shape.rank:
        return op_builder.constant(np.arange(x.shape.rank, dtype=np.int32))
    return range(0, rank_of(x))


# ---------------------------------------------------------------------- LinSpace


def _lin_space_shape(op):
    _require_scalars(op, ("start", "stop", "num"))
    num = tensor_util.constant_value(op.inputs[2])
    if num is None:
        return [tensor_shape.TensorShape([None])]
    if int(num) <= 0:
        raise shape_errors.ShapeError(f"Requires num > 0: {int(num)}")
    return [tensor_shape.TensorShape([int(num)])]


def _lin_space_kernel(ctx, start, stop, num):
    for value, name in ((start, "start"), (stop, "stop"), (num, "num")):
        if np.ndim(value) != 0:
            raise _runtime_error(
                f"{name} must be a scalar, not shape {elementwise.format_dims(np.shape(value))}"
            )
    if num <= 0:
        raise _runtime_error(f"Requires num > 0: {int(num)}")
    dtype = np.asarray(start).dtype
    values = np.empty(int(num), dtype=dtype)
    step = (stop - start) / dtype.type(max(int(num) - 1, 1))
    values[:] = start + step * np.arange(int(num)).astype(dtype)
    values[-1] = stop if num > 1 else start
    return values


registry.register_op(
    "LinSpace",
    inputs=["start: T", "stop: T", "num: Tidx"],
    outputs=["output: T"],
    attrs=["T: {bfloat16, half, float, double}", "Tidx: {int32, int64} = DT_INT32"],
    shape=_lin_space_shape,
    kernel=_lin_space_kernel,
)
registry.not_differentiable("LinSpace", "TF registers it as not differentiable")


def lin_space(start, stop, num, name=None):
    """Mirrors TF1 `tf.lin_space` (and `tf.linspace`): `num` evenly spaced values from
    start to stop, both included.

    Args:
      start: a float scalar.
      stop: a scalar of the same type.
      num: an int32/int64 scalar > 0.
      name: the op name (default "LinSpace").

    Returns:
      A 1-D Tensor of start's type.

    >>> lin_space(0.0, 1.0, 5)  # [0., 0.25, 0.5, 0.75, 1.]
    <tf.Tensor 'LinSpace:0' shape=(5,) dtype=float32>
    """
    return apply_op("LinSpace", start, stop, num, name=name)


linspace = lin_space


# ---------------------------------------------------------------------- sequence_mask


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """Mirrors `tf.sequence_mask`: mask[i..., j] = j < lengths[i...].

    Args:
      lengths: an integer Tensor of any shape.
      maxlen: the mask's last dimension (default max(lengths)).
      dtype: the mask's type.
      name: the scope name (default "SequenceMask").

    Returns:
      A Tensor of shape lengths.shape + [maxlen].

    Raises:
      ValueError: when maxlen is not a scalar.

    >>> sequence_mask([1, 3], 4)
    <tf.Tensor 'SequenceMask/Less:0' shape=(2, 4) dtype=bool>
    """
    with graph_lib.name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = apply_op("Max", lengths, all_dimensions(lengths))
            zero = op_builder.constant(0, dtype=maxlen.dtype.base_dtype)
            maxlen = apply_op("Maximum", zero, maxlen)
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.rank not in (None, 0):
            raise ValueError(
                f"Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = "
                f"{maxlen} with shape '{maxlen.shape}' instead"
            )
        kind = maxlen.dtype.base_dtype
        row = apply_op(
            "Range", op_builder.constant(0, dtype=kind), maxlen, op_builder.constant(1, dtype=kind)
        )
        column = apply_op("ExpandDims", lengths, -1)
        result = apply_op("Less", row, apply_op("Cast", column, DstT=kind))
        if dtype is None or result.dtype.is_compatible_with(dtype):
            return result
        return apply_op("Cast", result, DstT=dtypes.as_dtype(dtype))
