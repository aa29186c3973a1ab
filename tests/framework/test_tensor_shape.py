"""TensorShape and Dimension: unknown dims and rank, merging, compatibility, protos."""

from __future__ import annotations

import pytest

import ndflow as tf
from ndflow.framework import tensor_shape


def test_dimension_arithmetic_propagates_unknown():
    known, unknown = tf.Dimension(3), tf.Dimension(None)
    assert (known + 2).value == 5
    assert (known * unknown).value is None
    assert (7 // known).value == 2
    assert known == 3 and (unknown == 3) is None
    assert int(known) == 3 and known.value == 3
    with pytest.raises(ValueError, match="must be >= 0"):
        tf.Dimension(-3)
    with pytest.raises(TypeError):
        int(unknown)


def test_shape_indexing_gives_dimensions_as_in_tf1():
    shape = tf.TensorShape([None, 3, 4])
    assert shape[1].value == 3
    assert shape[0].value is None
    assert shape[1:].as_list() == [3, 4]
    assert shape.ndims == 3 and shape.rank == 3
    assert str(shape) == "(?, 3, 4)"
    assert repr(shape) == "TensorShape([Dimension(None), Dimension(3), Dimension(4)])"


def test_unknown_rank():
    shape = tf.TensorShape(None)
    assert shape.ndims is None
    assert str(shape) == "<unknown>"
    assert shape[2].value is None
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined"):
        shape.as_list()
    with pytest.raises(ValueError, match="unknown rank"):
        len(shape)


def test_merge_and_compatibility():
    a = tf.TensorShape([None, 3])
    b = tf.TensorShape([2, None])
    assert a.merge_with(b).as_list() == [2, 3]
    assert a.is_compatible_with(b)
    assert not a.is_compatible_with([2, 4])
    with pytest.raises(ValueError, match="not compatible"):
        a.merge_with([2, 4])
    assert tf.TensorShape(None).merge_with(a) == a
    assert a.most_specific_compatible_shape([5, 3]).as_list() == [None, 3]


def test_concatenate_num_elements_and_rank_checks():
    a = tf.TensorShape([2, 3])
    assert a.concatenate([4]).as_list() == [2, 3, 4]
    assert a.num_elements() == 6
    assert tf.TensorShape([None, 3]).num_elements() is None
    assert a.with_rank(2) == a
    with pytest.raises(ValueError, match="must have rank 3"):
        a.with_rank(3)
    with pytest.raises(ValueError, match="at least 3"):
        a.with_rank_at_least(3)


def test_proto_round_trip():
    for dims in ([], [None, 3], None, [0, 7]):
        shape = tf.TensorShape(dims)
        assert tf.TensorShape(shape.as_proto()) == shape
    assert tf.TensorShape([None]).as_proto().dim[0].size == -1
    assert tf.TensorShape(None).as_proto().unknown_rank


def test_equality_compares_dims():
    assert tf.TensorShape([1, 2]) == [1, 2]
    assert tf.TensorShape([1, 2]) != [1, 3]
    assert tensor_shape.scalar() == tf.TensorShape([])
    assert tensor_shape.unknown_shape(2).as_list() == [None, None]


def test_rejects_non_integer_dims():
    with pytest.raises(TypeError):
        tf.TensorShape([1.5])
    with pytest.raises(TypeError):
        tf.TensorShape("ab")
