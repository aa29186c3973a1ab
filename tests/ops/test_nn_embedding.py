"""Embedding lookups (ndflow/ops/nn/embedding.py) against loop references: "mod" and "div"
sharding over uneven shards (static and unknown shapes, resource variables), max_norm,
embedding_lookup_sparse with each combiner and weights, safe_embedding_lookup_sparse with
invalid ids, pruned weights and empty rows; their graphs (Gather + Identity, DynamicPartition
+ ParallelDynamicStitch, SparseSegment* ops), IndexedSlices gradients and finite-difference
checks. TF's recorded values are in tests/golden/nn_misc (test_nn_misc_goldens.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support.grad_check import check_gradients
from tests.support.reference import nn_misc as ref

_RNG = np.random.default_rng(23)


def _table(rows, dim=3, dtype=np.float64):
    return _RNG.normal(size=(rows, dim)).astype(dtype)


def _shards(total, count, strategy, dim=3, dtype=np.float64):
    sizes = ref.div_sizes(total, count) if strategy == "div" else ref.mod_sizes(total, count)
    return [_table(size, dim, dtype) for size in sizes]


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


# ---------------------------------------------------------------------- embedding_lookup


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize(("total", "count"), [(10, 1), (10, 3), (7, 4), (5, 5), (9, 2)])
def test_sharded_lookup_matches_reference(strategy, total, count):
    shards = _shards(total, count, strategy)
    ids = _RNG.integers(0, total, size=(2, 4)).astype(np.int32)
    with tf.Graph().as_default():
        result = tf.nn.embedding_lookup(shards, ids, partition_strategy=strategy)
        assert result.shape.as_list() == [2, 4, 3]
        value = _run(result)
    np.testing.assert_allclose(value, ref.embedding_lookup(shards, ids, strategy), rtol=1e-12)


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_sharded_lookup_with_unknown_shapes(strategy):
    shards = _shards(11, 3, strategy, dim=2)
    ids = np.array([[10, 0, 5], [3, 3, 7]], np.int64)
    with tf.Graph().as_default():
        params = [tf.placeholder(tf.float64, [None, None]) for _ in shards]
        id_tensor = tf.placeholder(tf.int64, None)
        result = tf.nn.embedding_lookup(params, id_tensor, partition_strategy=strategy)
        assert result.shape.rank is None
        feed = dict(zip(params, shards))
        feed[id_tensor] = ids
        value = _run(result, feed)
    np.testing.assert_allclose(value, ref.embedding_lookup(shards, ids, strategy), rtol=1e-12)


def test_single_table_is_a_gather_and_an_identity():
    with tf.Graph().as_default() as graph:
        result = tf.nn.embedding_lookup(_table(4), [[3, 0]])
        assert result.op.type == "Identity"
        assert result.op.inputs[0].op.type == "GatherV2"
        assert result.op.inputs[0].op.name == "embedding_lookup"
        sharded = tf.nn.embedding_lookup([_table(2), _table(2)], [3, 0], name="emb")
        types = [op.type for op in graph.get_operations() if op.name.startswith("emb/")]
        assert types.count("DynamicPartition") == 2
        assert graph.get_operation_by_name("emb").type == "ParallelDynamicStitch"
        assert sharded.shape.as_list() == [2, 3]


def test_scalar_ids_and_3d_tables():
    shards = [_RNG.normal(size=(3, 2, 2)), _RNG.normal(size=(2, 2, 2))]
    with tf.Graph().as_default():
        scalar = tf.nn.embedding_lookup(shards, 4, partition_strategy="div")
        rows = tf.nn.embedding_lookup(shards, [[4, 0]], partition_strategy="div")
        scalar_value, rows_value = _run([scalar, rows])
    assert scalar.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(scalar_value, shards[1][1])
    np.testing.assert_array_equal(rows_value[0, 1], shards[0][0])


def test_resource_variable_shards_are_read_sparsely():
    shards = _shards(7, 2, "mod")
    with tf.Graph().as_default() as graph:
        variables = [tf.Variable(s, use_resource=True) for s in shards]
        result = tf.nn.embedding_lookup(variables, [6, 1, 2])
        grads = tf.gradients(tf.reduce_sum(result), variables)
        assert "ResourceGather" in [op.type for op in graph.get_operations()]
        assert all(isinstance(g, tf.IndexedSlices) for g in grads)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(result)
    np.testing.assert_allclose(value, ref.embedding_lookup(shards, [6, 1, 2], "mod"))


def test_max_norm_clips_each_row():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0], [1.0, -1.0]])
    ids = np.array([[0, 1], [2, 3]])
    with tf.Graph().as_default():
        single = tf.nn.embedding_lookup(table, ids, max_norm=1.0)
        sharded = tf.nn.embedding_lookup([table[:2], table[2:]], ids, "div", max_norm=1.0)
        values = _run([single, sharded])
    expected = ref.embedding_lookup([table], ids, max_norm=1.0)
    np.testing.assert_allclose(values[0], expected, rtol=1e-12)
    np.testing.assert_allclose(values[1], expected, rtol=1e-12)


def test_gradients_are_indexed_slices_per_shard():
    shards = _shards(5, 2, "div")
    with tf.Graph().as_default():
        params = [tf.constant(s) for s in shards]
        result = tf.nn.embedding_lookup(params, [4, 4, 0], partition_strategy="div")
        grads = tf.gradients(tf.reduce_sum(result), params)
        assert all(isinstance(g, tf.IndexedSlices) for g in grads)
        dense = _run([tf.convert_to_tensor(g) for g in grads])
    np.testing.assert_array_equal(dense[0], [[1, 1, 1], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(dense[1], [[0, 0, 0], [2, 2, 2]])


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_lookup_gradient_by_finite_differences(strategy):
    shards = _shards(7, 3, strategy)
    ids = np.array([[6, 0, 2], [2, 5, 3]])
    check_gradients(lambda *p: tf.nn.embedding_lookup(list(p), ids, strategy), shards)
    check_gradients(lambda *p: tf.nn.embedding_lookup(list(p), ids, strategy, max_norm=0.9), shards)


def test_lookup_argument_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="params must be specified"):
            tf.nn.embedding_lookup(None, [0])
        with pytest.raises(ValueError, match="Need at least one param"):
            tf.nn.embedding_lookup([], [0])
        with pytest.raises(ValueError, match="Unrecognized partition strategy: x"):
            tf.nn.embedding_lookup([_table(2), _table(2)], [0], partition_strategy="x")


# ---------------------------------------------------------------------- embedding_lookup_sparse

IND = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [3, 0]], np.int64)
IDS = np.array([1, 7, 2, 2, 9, 4], np.int64)
WEIGHTS = np.array([0.5, 2.0, 1.0, -0.5, 3.0, 1.5])
SHAPE = np.array([4, 3], np.int64)


def _sparse_reference(shards, strategy, combiner, weights, max_norm=None):
    rows = int(IND[:, 0].max()) + 1
    embedded = ref.embedding_lookup(shards, IDS, strategy, max_norm)
    weights = np.ones(len(IDS)) if weights is None else weights
    out = []
    for row in range(rows):
        members = [i for i in range(len(IDS)) if IND[i, 0] == row]
        if not members:
            out.append(np.zeros(shards[0].shape[1:]))
            continue
        out.append(
            ref.combine_rows(
                [embedded[i] for i in members], [weights[i] for i in members], combiner
            )
        )
    return np.array(out)


def _sparse(values):
    return tf.SparseTensor(IND, values, SHAPE)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("count", "strategy"), [(1, "mod"), (3, "mod"), (3, "div")])
def test_sparse_lookup_matches_reference(combiner, weighted, count, strategy):
    shards = _shards(10, count, strategy)
    weights = WEIGHTS if weighted else None
    with tf.Graph().as_default():
        result = tf.nn.embedding_lookup_sparse(
            shards if count > 1 else shards[0],
            _sparse(IDS),
            _sparse(weights) if weighted else None,
            partition_strategy=strategy,
            combiner=combiner,
        )
        value = _run(result)
    expected = _sparse_reference(shards, strategy, combiner, weights)
    np.testing.assert_allclose(value, expected, rtol=1e-10, atol=1e-12)


def test_unweighted_single_table_reduces_in_place_with_a_sparse_gradient():
    table = _table(10)
    with tf.Graph().as_default():
        params = tf.constant(table)
        result = tf.nn.embedding_lookup_sparse(params, _sparse(IDS), None, combiner="sqrtn")
        assert result.op.type == "SparseSegmentSqrtN"
        assert result.op.attrs["sparse_gradient"]
        grad = tf.gradients(tf.reduce_sum(result), params)[0]
        assert isinstance(grad, tf.IndexedSlices)
        [value] = _run([result])
    np.testing.assert_allclose(value, _sparse_reference([table], "mod", "sqrtn", None))


def test_weighted_lookup_uses_unique_ids_unless_fast_lookup_is_allowed():
    table = _table(10)
    for fast in (False, True):
        with tf.Graph().as_default() as graph:
            result = tf.nn.embedding_lookup_sparse(
                table, _sparse(IDS), _sparse(WEIGHTS), allow_fast_lookup=fast
            )
            types = [op.type for op in graph.get_operations()]
            assert ("Unique" in types) != fast
            [value] = _run([result])
        np.testing.assert_allclose(value, _sparse_reference([table], "mod", "mean", WEIGHTS))


def test_sparse_lookup_max_norm_and_float16():
    table = _table(10)
    with tf.Graph().as_default():
        clipped = tf.nn.embedding_lookup_sparse(
            table, _sparse(IDS), _sparse(WEIGHTS), combiner="sum", max_norm=0.7
        )
        half = tf.nn.embedding_lookup_sparse(
            table.astype(np.float16), _sparse(IDS), _sparse(WEIGHTS.astype(np.float16))
        )
        values = _run([clipped, half])
    np.testing.assert_allclose(
        values[0], _sparse_reference([table], "mod", "sum", WEIGHTS, max_norm=0.7), rtol=1e-10
    )
    assert values[1].dtype == np.float16
    np.testing.assert_allclose(
        values[1], _sparse_reference([table], "mod", "mean", WEIGHTS), rtol=3e-3, atol=3e-3
    )


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_sparse_lookup_gradients(combiner):
    shards = _shards(10, 3, "div")

    def build(p0, p1, p2, weights):
        return tf.nn.embedding_lookup_sparse(
            [p0, p1, p2], _sparse(IDS), _sparse(weights), "div", combiner=combiner
        )

    check_gradients(build, shards + [WEIGHTS])
    check_gradients(
        lambda p: tf.nn.embedding_lookup_sparse(p, _sparse(IDS), None, combiner=combiner),
        [_table(10)],
    )


def test_sparse_lookup_argument_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="combiner must be one of"):
            tf.nn.embedding_lookup_sparse(_table(10), _sparse(IDS), None, combiner="max")
        with pytest.raises(TypeError, match="sp_ids must be SparseTensor"):
            tf.nn.embedding_lookup_sparse(_table(10), IDS, None)
        with pytest.raises(TypeError, match="sp_weights must be either None or SparseTensor"):
            tf.nn.embedding_lookup_sparse(_table(10), _sparse(IDS), WEIGHTS)


# ---------------------------------------------------------------------- safe lookup

SAFE_IND = np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [4, 0]], np.int64)
SAFE_IDS = np.array([3, -1, -1, 8, 5, 0], np.int64)
SAFE_WEIGHTS = np.array([1.0, 2.0, 3.0, 0.0, 2.5, -1.0])
SAFE_SHAPE = np.array([5, 2], np.int64)


def _safe_reference(table, combiner, weights, default_id):
    out = []
    for row in range(int(SAFE_SHAPE[0])):
        members = [
            i
            for i in range(len(SAFE_IDS))
            if SAFE_IND[i, 0] == row
            and SAFE_IDS[i] >= 0
            and (weights is None or combiner == "sum" or weights[i] > 0)
        ]
        if not members:
            if default_id is None:
                out.append(np.zeros(table.shape[1]))
            else:
                out.append(ref.combine_rows([table[default_id]], [1.0], combiner))
            continue
        ws = [1.0 if weights is None else weights[i] for i in members]
        out.append(ref.combine_rows([table[SAFE_IDS[i]] for i in members], ws, combiner))
    return np.array(out)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("default_id", [None, 2])
def test_safe_lookup_matches_reference(combiner, weighted, default_id):
    table = _table(10)
    shards = [table[0:4], table[4:7], table[7:10]]
    weights = SAFE_WEIGHTS if weighted else None
    with tf.Graph().as_default():
        result = tf.nn.safe_embedding_lookup_sparse(
            shards,
            tf.SparseTensor(SAFE_IND, SAFE_IDS, SAFE_SHAPE),
            tf.SparseTensor(SAFE_IND, weights, SAFE_SHAPE) if weighted else None,
            combiner=combiner,
            default_id=default_id,
        )
        # Constant sparse ids fix the rows statically, as in TF.
        assert result.shape.as_list() == [5, 3]
        value = _run(result)
    expected = _safe_reference(table, combiner, weights, default_id)
    np.testing.assert_allclose(value, expected, rtol=1e-10, atol=1e-12)


def test_safe_lookup_keeps_leading_dims_of_higher_rank_ids():
    table = _table(10)
    indices = np.array([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 2]], np.int64)
    ids = np.array([1, 9, -3, 4], np.int64)
    with tf.Graph().as_default():
        result = tf.nn.safe_embedding_lookup_sparse(
            table, tf.SparseTensor(indices, ids, [2, 2, 3]), combiner="sum"
        )
        assert result.shape.as_list() == [2, 2, 3]
        value = _run(result)
    assert value.shape == (2, 2, 3)
    np.testing.assert_allclose(value[0, 0], table[1])
    np.testing.assert_allclose(value[0, 1], table[9])
    np.testing.assert_allclose(value[1, 0], table[4])
    np.testing.assert_array_equal(value[1, 1], np.zeros(3))


def test_safe_lookup_gradients():
    table = _table(10)

    def build(p, weights):
        return tf.nn.safe_embedding_lookup_sparse(
            p,
            tf.SparseTensor(SAFE_IND, SAFE_IDS, SAFE_SHAPE),
            tf.SparseTensor(SAFE_IND, weights, SAFE_SHAPE),
            combiner="sqrtn",
            default_id=1,
        )

    # The weights of pruned entries (0 and -1) must stay away from the pruning threshold.
    check_gradients(build, [table, SAFE_WEIGHTS + np.array([0, 0, 0, -0.5, 0, 0])])


def test_safe_lookup_needs_weights():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Missing embedding_weights"):
            tf.nn.safe_embedding_lookup_sparse([], tf.SparseTensor(SAFE_IND, SAFE_IDS, SAFE_SHAPE))


def test_gradients_of_int32_and_int64_lookups_of_one_table_aggregate():
    table = _table(5)
    with tf.Graph().as_default():
        params = tf.constant(table)
        first = tf.nn.embedding_lookup(params, tf.constant([1, 2], tf.int32))
        second = tf.nn.embedding_lookup(params, tf.constant([2, 4], tf.int64))
        grad = tf.gradients(tf.reduce_sum(first) + tf.reduce_sum(second), params)[0]
        value = _run(tf.convert_to_tensor(grad))
    np.testing.assert_array_equal(value[:, 0], [0, 1, 2, 0, 1])
