"""Substr (`tf.substr` / `tf.strings.substr`): substrings by byte or by UTF-8 character.

Positions may be negative (counted from the end). Start and end offsets are computed for all
strings at once with NumPy; the slices are then taken with a C-level `map`. TF's broadcasting
limits (1-D and 2-D only) and error messages are kept.
"""

from __future__ import annotations

import operator

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops.string import buffers


def _substr_shape(op):
    pos, length = op.inputs[1].shape, op.inputs[2].shape
    if pos.rank is not None and length.rank is not None:
        if pos.rank != length.rank:
            raise shape_errors.ShapeError(
                f"Shape must be rank {length.rank} but is rank {pos.rank}"
            )
        if pos.as_list() != length.as_list():
            raise shape_errors.ShapeError(
                "pos and len shapes must match: "
                f"{shape_errors.format_shape(pos)} vs. {shape_errors.format_shape(length)}"
            )
    return [shape_errors.broadcast_shapes(op.inputs[0].shape, pos)]


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _byte_bounds(sizes, pos, length):
    """(valid, start, end) in bytes: a negative pos counts from the end; a negative len runs
    to the end."""
    start = np.where(pos < 0, sizes + pos, pos)
    valid = (start >= 0) & (start <= sizes)
    start = np.clip(start, 0, sizes)
    end = np.where(length < 0, sizes, np.minimum(start + np.maximum(length, 0), sizes))
    return valid, start, end


def _char_offsets(packed: buffers.Packed):
    """Byte offset of each character start: (positions, first index per string, counts).

    A character starts at every byte that is not a UTF-8 continuation byte, and at byte 0."""
    total = int(packed.lengths.sum())
    data = packed.buffer[:total]
    is_start = (data & 0xC0) != 0x80
    is_start[packed.starts[packed.lengths > 0]] = True
    positions = np.flatnonzero(is_start)
    counts = np.bincount(
        np.repeat(np.arange(packed.lengths.size), packed.lengths)[positions],
        minlength=packed.lengths.size,
    ).astype(np.int64)
    return positions, np.cumsum(counts) - counts, counts


def _utf8_bounds(packed: buffers.Packed, pos, length):
    """(valid, start, end) in bytes for character positions (TF's Forward/BackNUTF8Char
    Positions): a negative pos needs len >= 0 and at least -pos characters."""
    positions, firsts, chars = _char_offsets(packed)
    skip = np.maximum(-pos - length, 0)
    negative = pos < 0
    valid = np.where(
        negative,
        (length >= 0) & (skip <= chars) & (-pos <= chars),
        pos <= chars,
    )
    start_char = np.where(negative, chars + pos, pos)
    end_char = np.where(negative, chars - skip, np.minimum(pos + np.maximum(length, 0), chars))

    def byte_offset(char):
        char = np.clip(char, 0, chars)
        index = np.minimum(firsts + char, max(positions.size - 1, 0))
        inside = positions[index] - packed.starts if positions.size else 0
        return np.where(char >= chars, packed.lengths, inside)

    return valid, byte_offset(start_char), byte_offset(end_char)


def _plan(input, pos, length):
    """The strings, positions and lengths flattened after TF's broadcasting, the output shape,
    and how errors name an index ("flat" or "matrix")."""
    if np.shape(pos) != np.shape(length):
        raise errors.InvalidArgumentError(
            None,
            None,
            "pos and len should have the same shape, got: "
            f"{_dims(np.shape(pos))} vs. {_dims(np.shape(length))}",
        )
    if np.ndim(pos) == 0 or np.shape(input) == np.shape(pos):
        shape = np.shape(input)
        style = "flat"
    else:
        try:
            shape = np.broadcast_shapes(np.shape(input), np.shape(pos))
        except ValueError:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Incompatible shapes: {_dims(np.shape(input))} vs. {_dims(np.shape(pos))}",
            ) from None
        if len(shape) not in (1, 2):
            raise errors.UnimplementedError(
                None, None, f"Substr broadcast not implemented for {len(shape)} dimensions"
            )
        style = "matrix" if len(shape) == 2 else "flat"
    strings = _flat_broadcast(np.asarray(input, dtype=object), shape)
    pos = _flat_broadcast(pos, shape).astype(np.int64)
    return strings, pos, _flat_broadcast(length, shape).astype(np.int64), shape, style


def _flat_broadcast(value, shape):
    return np.broadcast_to(value, shape).reshape(-1)


def _report(items, pos, index, shape, style, unit):
    where = str(index)
    if style == "matrix":
        row, column = divmod(index, shape[1])
        where = str(row) if unit == "UTF8_CHAR" else f"({row}, {column})"
    if unit == "UTF8_CHAR":
        message = f"pos {pos[index]} out of range for string at index {where}"
    else:
        text = items[index].decode("utf-8", "replace")
        message = f"pos {pos[index]} out of range for string b'{text}' at index {where}"
    raise errors.InvalidArgumentError(None, None, message)


def _substr_kernel(ctx, input, pos, length, unit):
    strings, pos, length, shape, style = _plan(input, pos, length)
    items = strings.tolist()
    packed = buffers.pack(items)
    if unit == "UTF8_CHAR":
        valid, start, end = _utf8_bounds(packed, pos, length)
    else:
        valid, start, end = _byte_bounds(packed.lengths, pos, length)
    if not valid.all():
        _report(items, pos, int(np.argmin(valid)), shape, style, unit)
    slices = map(slice, start.tolist(), np.maximum(end, start).tolist())
    return buffers.objects(map(operator.getitem, items, slices), len(items)).reshape(shape)


registry.register_op(
    "Substr",
    inputs=["input: string", "pos: T", "len: T"],
    outputs=["output: string"],
    attrs=["T: {int32, int64}", "unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"],
    shape=_substr_shape,
    kernel=_substr_kernel,
)
registry.not_differentiable("Substr", "strings have no gradient")


def substr(input, pos, len, name=None, unit="BYTE"):
    """Mirrors `tf.strings.substr` / `tf.substr` (TF1 argument order).

    Args:
      input: a string tensor.
      pos: int32/int64 start positions: a scalar, input's shape, or broadcastable to it
        (1-D and 2-D results only, as in TF). Negative counts from the end.
      len: the lengths, shaped like `pos`; past the end is cut, negative (BYTE) runs to the
        end.
      name: the op name.
      unit: "BYTE" or "UTF8_CHAR".

    Returns:
      A string Tensor.

    Raises:
      InvalidArgumentError: at run time, when a position is outside its string.

    >>> substr(["hello", "world"], 1, 3)  # [b"ell", b"orl"]
    """
    return op_builder.apply_op("Substr", input, pos, len, unit=unit, name=name)
