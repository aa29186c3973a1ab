"""The tf.sparse builders: sparse_placeholder (TF's names, feeding a SparseTensorValue or a
tuple), argument errors with TF's classes and messages, static dense shapes, op names, the
ops TF declares without gradients, and larger random SparseTensors against dense NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf

IND = np.array([[0, 1], [1, 0], [1, 2], [2, 3]], np.int64)
SHAPE = np.array([3, 4], np.int64)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# ---------------------------------------------------------------------- sparse_placeholder


def test_sparse_placeholder_names_and_static_shape_match_tf():
    with tf.Graph().as_default():
        sp = tf.sparse_placeholder(tf.float32, shape=[2, None], name="x")
        names = [sp.indices.name, sp.values.name, sp.dense_shape.name]
        assert names == ["x/indices:0", "x/values:0", "x/shape:0"]
        assert sp.dense_shape.op.type == "PlaceholderWithDefault"
        assert sp.dense_shape.op.inputs[0].name == "x/shape_default:0"
        assert sp.shape.as_list() == [2, None]
        assert sp.indices.shape.as_list() == [None, 2]
        unnamed = tf.sparse_placeholder(tf.int64)
        assert unnamed.dense_shape.op.type == "Placeholder"
        assert unnamed.shape.rank is None
        assert unnamed.indices.shape.as_list() == [None, None]


@pytest.mark.parametrize(
    "value",
    [
        tf.SparseTensorValue([[0, 1], [3, 2]], [1.5, 2.5], [4, 3]),
        ([[0, 1], [3, 2]], [1.5, 2.5], [4, 3]),
    ],
    ids=["SparseTensorValue", "tuple"],
)
def test_sparse_placeholder_is_fed_whole(value):
    with tf.Graph().as_default():
        sp = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        dense, fetched = _run([tf.sparse.to_dense(sp), sp], {sp: value})
    expected = np.zeros((4, 3), np.float32)
    expected[0, 1], expected[3, 2] = 1.5, 2.5
    np.testing.assert_array_equal(dense, expected)
    assert isinstance(fetched, tf.SparseTensorValue)
    np.testing.assert_array_equal(fetched.dense_shape, [4, 3])


def test_sparse_placeholder_default_shape_is_used_unless_fed():
    with tf.Graph().as_default():
        sp = tf.sparse_placeholder(tf.float32, shape=[2, 3])
        total = tf.sparse.reduce_sum(sp, 1)
        feed = {sp.indices: [[1, 2]], sp.values: [4.0]}
        np.testing.assert_array_equal(_run(total, feed), [0.0, 4.0])


# ---------------------------------------------------------------------- argument errors


def test_dense_input_is_a_type_error():
    with tf.Graph().as_default():
        dense = tf.constant([[1.0]])
        with pytest.raises(TypeError, match="Input must be a SparseTensor."):
            tf.sparse.to_dense(dense)
        with pytest.raises(TypeError, match="Input must be a SparseTensor."):
            tf.sparse.reorder(dense)
        with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
            tf.sparse.add(dense, dense)
        with pytest.raises(TypeError, match="Inputs must be a list or tuple."):
            tf.sparse.concat(0, tf.SparseTensor([[0]], [1.0], [1]))


def test_split_wants_keywords_and_all_arguments():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], SHAPE)
        with pytest.raises(ValueError, match="Keyword arguments are required"):
            tf.sparse.split(sp, 2, 1)
        with pytest.raises(ValueError, match="axis is required"):
            tf.sparse_split(sp_input=sp, num_split=2)
        with pytest.raises(ValueError, match="Cannot specify both 'split_dim' and 'axis'"):
            tf.sparse.split(sp_input=sp, num_split=2, axis=1, split_dim=1)


def test_merge_argument_errors():
    with tf.Graph().as_default():
        ids = tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [1, 1])
        with pytest.raises(TypeError, match="vocab_size has to be a Tensor or Python int"):
            tf.sparse_merge(ids, ids, 2.5)
        with pytest.raises(ValueError, match="sp_ids and vocab_size have to have equal lengths"):
            tf.sparse_merge([ids, ids], ids, [3])


def test_eye_sizes_must_be_integers():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="num_rows must be an integer value"):
            tf.sparse.eye(2.5)
        eye = tf.sparse.eye(tf.constant(2), 3, dtype=tf.int32)
        value = _run(eye)
    np.testing.assert_array_equal(value.indices, [[0, 0], [1, 1]])
    np.testing.assert_array_equal(value.values, np.array([1, 1], np.int32))
    np.testing.assert_array_equal(value.dense_shape, [2, 3])


def test_set_shape_merges_and_checks():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], tf.placeholder(tf.int64, [2]))
        assert sp.shape.as_list() == [None, None]
        sp.set_shape([3, None])
        assert sp.shape.as_list() == [3, None]
        with pytest.raises(ValueError, match="is not compatible with supplied shape"):
            sp.set_shape([4, 4])
        assert sp.with_values(sp.values * 2.0).dense_shape is sp.dense_shape


# ---------------------------------------------------------------------- names and shapes


def test_op_names_follow_tf():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], SHAPE)
        assert tf.sparse.to_dense(sp).name == "SparseToDense:0"
        dense = tf.sparse.from_dense(tf.ones([2, 2]))
        assert [dense.indices.name, dense.values.name, dense.dense_shape.name] == [
            "dense_to_sparse/Where:0",
            "dense_to_sparse/GatherNd:0",
            "dense_to_sparse/Shape:0",
        ]
        product = tf.sparse.sparse_dense_matmul(sp, tf.ones([4, 2]))
        assert product.name == "SparseTensorDenseMatMul/SparseTensorDenseMatMul:0"
        ids = tf.SparseTensor(IND, tf.constant([0, 1, 2, 3], tf.int64), SHAPE)
        assert tf.sparse.to_indicator(ids, 4).name == "SparseToIndicator:0"
        assert tf.sparse.add(sp, tf.ones([3, 4])).op.type == "SparseTensorDenseAdd"


def test_static_dense_shapes_become_constants():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], SHAPE)
        other = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], [3, 2])
        for result, shape in (
            (tf.sparse.reorder(sp), [3, 4]),
            (tf.sparse.add(sp, sp), [3, 4]),
            (tf.sparse.concat(1, [sp, other]), [3, 6]),
            (tf.sparse.transpose(sp), [4, 3]),
        ):
            assert result.dense_shape.op.type == "Const"
            assert result.shape.as_list() == shape
        fed = tf.sparse_placeholder(tf.float32, shape=[None, 4])
        assert tf.sparse.reorder(fed).shape.as_list() == [None, 4]
        assert tf.sparse.concat(0, [fed, fed]).shape.as_list() == [None, 4]


def test_unknown_rank_reductions_and_transpose_run():
    with tf.Graph().as_default():
        sp = tf.sparse_placeholder(tf.float64)
        total = tf.sparse.reduce_sum(sp)
        transposed = tf.sparse.transpose(sp)
        value = ([[0, 1, 2], [1, 0, 0]], [2.0, 3.0], [2, 2, 3])
        total_value, transposed_value = _run([total, transposed], {sp: value})
    assert total_value == 5.0
    np.testing.assert_array_equal(transposed_value.indices, [[0, 0, 1], [2, 1, 0]])
    np.testing.assert_array_equal(transposed_value.dense_shape, [3, 2, 2])


def test_concat_of_one_input_returns_it():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(IND, [1.0, 2.0, 3.0, 4.0], SHAPE)
        assert tf.sparse.concat(0, [sp]) is sp


# ---------------------------------------------------------------------- gradients


def test_ops_tf_leaves_without_gradients_give_none():
    with tf.Graph().as_default():
        v = tf.constant([1.0, 2.0, 3.0, 4.0])
        sp = tf.SparseTensor(IND, v, SHAPE)
        concat = tf.sparse.concat(1, [sp, sp])
        assert tf.gradients(tf.reduce_sum(concat.values), v) == [None]
        assert tf.gradients(tf.sparse.reduce_max(sp), v) == [None]
        pieces = tf.sparse.split(sp_input=sp, num_split=2, axis=0)
        assert tf.gradients(tf.reduce_sum(pieces[0].values), v) == [None]


# ---------------------------------------------------------------------- random, larger inputs


def _random_sparse(rng, shape, density=0.05):
    dense = np.where(rng.random(shape) < density, rng.normal(size=shape), 0.0)
    return dense, np.argwhere(dense != 0), dense[dense != 0]


def test_random_sparse_ops_match_dense_numpy():
    rng = np.random.default_rng(3)
    dense_a, ind_a, val_a = _random_sparse(rng, (300, 200))
    dense_b, ind_b, val_b = _random_sparse(rng, (300, 200))
    matrix = rng.normal(size=(200, 7))
    shuffle = rng.permutation(len(val_a))
    with tf.Graph().as_default():
        a = tf.SparseTensor(ind_a[shuffle], val_a[shuffle], dense_a.shape)
        b = tf.SparseTensor(ind_b, val_b, dense_b.shape)
        ordered = tf.sparse.reorder(a)
        fetches = [
            tf.sparse.to_dense(ordered),
            tf.sparse.to_dense(tf.sparse.add(ordered, b)),
            tf.sparse.sparse_dense_matmul(ordered, matrix),
            tf.sparse.sparse_dense_matmul(ordered, dense_a, adjoint_a=True),
            tf.sparse.reduce_sum(ordered, 0),
            tf.sparse.to_dense(tf.sparse.slice(ordered, [100, 50], [120, 300])),
            tf.sparse.to_dense(tf.sparse.transpose(ordered)),
            tf.sparse.to_dense(tf.sparse.maximum(ordered, b)),
        ]
        values = _run(fetches)
    expected = [
        dense_a,
        dense_a + dense_b,
        dense_a @ matrix,
        dense_a.T @ dense_a,
        dense_a.sum(axis=0),
        dense_a[100:220, 50:],
        dense_a.T,
        np.maximum(dense_a, dense_b),
    ]
    for got, want in zip(values, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_coordinates_beyond_int64_linearization_still_order_lexicographically():
    big = 2**40
    indices = np.array([[big, 0], [0, big], [big, -1], [0, 0]], np.int64)
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices, [1.0, 2.0, 3.0, 4.0], [2 * big, 2 * big])
        ordered = tf.sparse.reorder(sp)
        doubled = tf.sparse.add(ordered, ordered)
        ordered_value, doubled_value = _run([ordered, doubled])
    np.testing.assert_array_equal(ordered_value.indices, [[0, 0], [0, big], [big, -1], [big, 0]])
    np.testing.assert_array_equal(ordered_value.values, [4.0, 2.0, 3.0, 1.0])
    np.testing.assert_array_equal(doubled_value.indices, ordered_value.indices)
    np.testing.assert_array_equal(doubled_value.values, [8.0, 4.0, 6.0, 2.0])
