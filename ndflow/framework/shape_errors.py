"""TensorFlow-worded shape errors, raised at graph-construction time.

Shape functions raise `ShapeError("Dimensions must be equal, but are 3 and 4")`; the graph
appends TF's context: " for 'dense/MatMul' (op: 'MatMul') with input shapes: [2,3], [4,5]."
"""

from __future__ import annotations

from ndflow.framework import tensor_shape


class ShapeError(ValueError):
    """A shape function's complaint, before the graph adds the node context."""


def format_shape(shape: tensor_shape.TensorShape) -> str:
    """A shape as TF prints it in error messages: [2,?,3], [] or ?."""
    if shape.rank is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def with_node_context(message: str, node_name: str, op_type: str, input_shapes) -> str:
    """TF's full message for a shape error in node `node_name`."""
    shapes = ", ".join(format_shape(s) for s in input_shapes)
    return f"{message} for '{node_name}' (op: '{op_type}') with input shapes: {shapes}."


def dims_must_be_equal(a, b) -> ShapeError:
    return ShapeError(f"Dimensions must be equal, but are {a} and {b}")


def require_rank(shape: tensor_shape.TensorShape, rank: int) -> tensor_shape.TensorShape:
    """The shape merged with rank `rank`, or TF's "Shape must be rank N but is rank M"."""
    if shape.rank is None:
        return tensor_shape.unknown_shape(rank)
    if shape.rank != rank:
        raise ShapeError(f"Shape must be rank {rank} but is rank {shape.rank}")
    return shape


def require_rank_at_least(shape: tensor_shape.TensorShape, rank: int) -> tensor_shape.TensorShape:
    if shape.rank is not None and shape.rank < rank:
        raise ShapeError(f"Shape must be at least rank {rank} but is rank {shape.rank}")
    return shape


def require_rank_at_most(shape: tensor_shape.TensorShape, rank: int) -> tensor_shape.TensorShape:
    if shape.rank is not None and shape.rank > rank:
        raise ShapeError(f"Shape must be at most rank {rank} but is rank {shape.rank}")
    return shape


def merge_dims(a, b):
    """Merges two dims (ints or None); TF's "Dimensions must be equal" when they differ."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    raise dims_must_be_equal(a, b)


def merge_shapes(a: tensor_shape.TensorShape, b: tensor_shape.TensorShape):
    """TF's InferenceContext::Merge of two shapes, with its wording ("Dimension 1 in both
    shapes must be equal, but are 3 and 2. Shapes are [2,3] and [2,2].")."""
    if a.rank is None:
        return b
    if b.rank is None:
        return a
    if a.rank != b.rank:
        raise ShapeError(f"Shapes must be equal rank, but are {a.rank} and {b.rank}")
    merged = []
    for index, (x, y) in enumerate(zip(a.as_list(), b.as_list())):
        if x is not None and y is not None and x != y:
            raise ShapeError(
                f"Dimension {index} in both shapes must be equal, but are {x} and "
                f"{y}. Shapes are {format_shape(a)} and {format_shape(b)}."
            )
        merged.append(x if x is not None else y)
    return tensor_shape.TensorShape(merged)


def broadcast_shapes(a: tensor_shape.TensorShape, b: tensor_shape.TensorShape):
    """The static broadcast of two shapes, NumPy's rules, unknown dims kept unknown."""
    if a.rank is None or b.rank is None:
        return tensor_shape.unknown_shape()
    x, y = a.as_list(), b.as_list()
    rank = max(len(x), len(y))
    x = [1] * (rank - len(x)) + x
    y = [1] * (rank - len(y)) + y
    return tensor_shape.TensorShape([_broadcast_dim(p, q) for p, q in zip(x, y)])


def _broadcast_dim(p, q):
    if p == 1:
        return q
    if q == 1:
        return p
    if p is None or q is None:
        # One side unknown, the other known and > 1: the result is that size or an error.
        return p if q is None else q
    if p != q:
        raise dims_must_be_equal(p, q)
    return p
