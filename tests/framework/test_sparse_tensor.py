"""SparseTensor: construction, static shape, Session fetch and feed."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf


def test_sparse_tensor_fetches_as_value_and_feeds():
    with tf.Graph().as_default():
        sparse = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[1.5, 2.5], dense_shape=[3, 4])
        assert sparse.indices.dtype == tf.int64 and sparse.dense_shape.dtype == tf.int64
        assert sparse.shape.as_list() == [3, 4]
        assert sparse.dtype == tf.float32
        with tf.Session() as sess:
            value = sess.run(sparse)
            assert isinstance(value, tf.SparseTensorValue)
            assert value.indices.tolist() == [[0, 1], [2, 3]]
            doubled = sess.run(
                sparse.values * 2.0,
                {sparse: tf.SparseTensorValue([[1, 1], [0, 0]], [4.0, 1.0], [2, 2])},
            )
            assert doubled.tolist() == [8.0, 2.0]


def test_sparse_tensor_refuses_dense_conversion():
    with tf.Graph().as_default():
        sparse = tf.SparseTensor([[0]], [1], [2])
        with pytest.raises(TypeError, match="Failed to convert SparseTensor"):
            tf.convert_to_tensor(sparse)
        again = tf.SparseTensor.from_value(tf.SparseTensorValue(np.array([[0]]), [1], [2]))
        assert again.values.dtype == tf.int32
