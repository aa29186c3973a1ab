"""Tensor slices as checkpoints store them (TensorFlow's `TensorSlice`), the
`"dim0 dim1 ... slice-spec"` strings of SaveV2/RestoreV2, and the ordered-code keys under
which a bundle stores each slice of a partitioned tensor.

A slice is one (start, length) extent per dimension; length -1 means the whole dimension
(written "-" in a spec string, "start,length" otherwise, dimensions joined by ":").
"""

from __future__ import annotations

import math
import re

import numpy as np

from ndflow.framework import errors
from ndflow.proto import tensor_slice_pb2

FULL = -1


def _shape_string(shape) -> str:
    return "[" + ",".join(str(dim) for dim in shape) + "]"


class TensorSlice:
    """Mirrors TF's C++ `TensorSlice`: per-dimension (start, length), length -1 = all."""

    __slots__ = ("extents",)

    def __init__(self, extents):
        self.extents = tuple((int(start), int(length)) for start, length in extents)

    @classmethod
    def full(cls, rank: int) -> TensorSlice:
        return cls([(0, FULL)] * rank)

    @classmethod
    def parse(cls, spec: str) -> TensorSlice:
        """TF's `TensorSlice::Parse`: "-:0,4" is all of dim 0 and rows 0..3 of dim 1."""
        extents = []
        for item in (part for part in spec.split(":") if part):
            extents.append((0, FULL) if item == "-" else _parse_extent(item, spec))
        return cls(extents)

    @classmethod
    def from_proto(cls, proto) -> TensorSlice:
        return cls(
            (ext.start, ext.length) if ext.HasField("length") else (0, FULL) for ext in proto.extent
        )

    def as_proto(self):
        """TF's `AsProto`: full dimensions are empty extents."""
        proto = tensor_slice_pb2.TensorSliceProto()
        for start, length in self.extents:
            extent = proto.extent.add()
            if length != FULL:
                extent.start = start
                extent.length = length
        return proto

    @property
    def rank(self) -> int:
        return len(self.extents)

    def is_full(self) -> bool:
        return all(length == FULL for _, length in self.extents)

    def resolve(self, shape) -> TensorSlice:
        """The same slice with every full extent replaced by (0, dim)."""
        return TensorSlice(
            (0, dim) if length == FULL else (start, length)
            for (start, length), dim in zip(self.extents, shape)
        )

    def slice_shape(self, shape) -> tuple[int, ...]:
        """TF's `SliceTensorShape`: the shape of this slice of a tensor of `shape`.

        Raises:
          InternalError: ranks differ or an extent runs past its dimension.
        """
        if len(shape) != self.rank:
            raise errors.InternalError(
                None, None, f"Mismatching ranks: shape = {_shape_string(shape)}, slice = {self}"
            )
        out = []
        for axis, ((start, length), dim) in enumerate(zip(self.extents, shape)):
            if length != FULL and start + length > dim:
                raise errors.InternalError(
                    None,
                    None,
                    f"Extent in dimension {axis} out of bounds: shape = "
                    f"{_shape_string(shape)}, slice = {self}",
                )
            out.append(dim if length == FULL else length)
        return tuple(out)

    def covers(self, shape) -> bool:
        """TF's `IsFullSlice`: full, or extents that span all of `shape` anyway."""
        return self.is_full() or self.resolve(shape).extents == tuple((0, d) for d in shape)

    def intersect(self, other: TensorSlice, shape) -> TensorSlice | None:
        """The overlap of two slices of a tensor of `shape` (resolved), or None if empty."""
        extents = []
        for (a_start, a_len), (b_start, b_len) in zip(
            self.resolve(shape).extents, other.resolve(shape).extents
        ):
            start = max(a_start, b_start)
            stop = min(a_start + a_len, b_start + b_len)
            if stop <= start:
                return None
            extents.append((start, stop - start))
        return TensorSlice(extents)

    def num_elements(self, shape) -> int:
        return math.prod(self.slice_shape(shape))

    def index(self, origin: TensorSlice) -> tuple[slice, ...]:
        """NumPy indices of this (resolved) slice inside an array holding `origin`."""
        return tuple(
            slice(start - base, start - base + length)
            for (start, length), (base, _) in zip(self.extents, origin.extents)
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, TensorSlice) and self.extents == other.extents

    def __hash__(self) -> int:
        return hash(self.extents)

    def __str__(self) -> str:
        return ":".join("-" if length == FULL else f"{start},{length}" for start, length in self)

    def __iter__(self):
        return iter(self.extents)

    def __repr__(self) -> str:
        return f"TensorSlice('{self}')"


def _parse_extent(item: str, spec: str) -> tuple[int, int]:
    parts = [part for part in item.split(",") if part]
    try:
        start, length = (int(part) for part in parts)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Expected a pair of numbers or '-' but got '{item}': string = {spec}"
        ) from None
    if start < 0 or length <= 0:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected non-negative start and positive length but got start = {start}, "
            f"length = {length}: string = {spec}",
        )
    return start, length


def parse_shape_and_slice(spec: str):
    """TF's `ParseShapeAndSlice`: "10 4 0,4:-" -> (full shape, TensorSlice, slice shape).

    Raises:
      InvalidArgumentError: fewer than two fields, or a dimension that is not a number.
      InternalError: the slice does not fit the shape.
    """
    fields = spec.split(" ")
    if len(fields) < 2:
        raise errors.InvalidArgumentError(
            None, None, f"Need least two elements in shape_and_slice specification: {spec}"
        )
    tensor_slice = TensorSlice.parse(fields[-1])
    try:
        shape = tuple(int(field) for field in fields[:-1])
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Non numerical dimension in shape_and_slice: {spec}"
        ) from None
    return shape, tensor_slice, tensor_slice.slice_shape(shape)


# ---------------------------------------------------------------------- ordered-code keys


def _num_increasing(value: int) -> bytes:
    """OrderedCode's WriteNumIncreasing: a length byte, then big-endian without leading 0s."""
    payload = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([len(payload)]) + payload


_ESCAPES = {b"\x00": b"\x00\xff", b"\xff": b"\xff\x00"}
_SPECIAL = re.compile(rb"[\x00\xff]")


def _string_increasing(text: bytes) -> bytes:
    """OrderedCode's WriteString: \\x00 -> \\x00\\xff, \\xff -> \\xff\\x00, then \\x00\\x01."""
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group()], text) + b"\x00\x01"


def _signed_increasing(value: int) -> bytes:
    """OrderedCode's WriteSignedNumIncreasing: the sign bit, then as many further 1 bits as
    bytes follow the first (all XORed onto the two's complement), then the payload."""
    magnitude = ~value if value < 0 else value
    if magnitude < 64:
        return bytes([(0x80 ^ value) & 0xFF])
    length = magnitude.bit_length() // 7 + 1
    raw = bytearray((value & ((1 << 80) - 1)).to_bytes(10, "big")[10 - length :])
    header = (0xFFFF << (16 - length)) & 0xFFFF
    raw[0] ^= header >> 8
    raw[1] ^= header & 0xFF
    return bytes(raw)


def encode_name_slice(name, tensor_slice: TensorSlice) -> bytes:
    """TF's `EncodeTensorNameSlice`: the bundle key of one slice of tensor `name`."""
    raw = name.encode("utf-8") if isinstance(name, str) else bytes(name)
    out = bytearray(_num_increasing(0))
    out += _string_increasing(raw)
    out += _num_increasing(tensor_slice.rank)
    for start, length in tensor_slice.extents:
        out += _signed_increasing(start)
        out += _signed_increasing(length)
    return bytes(out)


def copy_intersection(dest: np.ndarray, dest_slice, source: np.ndarray, source_slice, shape):
    """Copies the overlap of `source` (holding `source_slice`) into `dest` (holding
    `dest_slice`), both slices of a tensor of `shape`; returns the number of elements copied."""
    overlap = source_slice.intersect(dest_slice, shape)
    if overlap is None:
        return 0
    dest_origin = dest_slice.resolve(shape)
    source_origin = source_slice.resolve(shape)
    dest[overlap.index(dest_origin)] = source[overlap.index(source_origin)]
    return math.prod(length for _, length in overlap.extents)
