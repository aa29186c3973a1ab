"""Random ops (ndflow/ops/random.py): TF's seed rules, per-Session generator state,
determinism across Sessions and processes, distribution statistics, shapes, dtypes and TF's
errors. Values are not TF's (the streams are NumPy's Philox, see the module docstring), so
value rows check properties (shape, bounds, invariants) instead of numbers; the graphs and
seed attrs are compared with TF's in tests/ops/test_variable_scope.py (random_ops golden)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.ops import random as random_ops
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

F16, BF16, F32, F64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
I32, I64 = tf.int32, tf.int64
INT_SHAPE = ([2], I32)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _summary(x, check):
    """The draw's shape and whether every value passes `check` (a property, not values)."""
    return [tf.shape(x), tf.reduce_all(check(x))]


def _shape_and_true(shape):
    return [np.asarray(shape, np.int32), np.asarray(True)]


def _in_unit_interval(x):
    return tf.logical_and(x >= 0.0, x < 1.0)


def _shape_rows(op_type, **attrs):
    """The shape-inference row of a random op taking a shape vector."""
    return OpSpec(
        op_type,
        lambda shape: raw(op_type, shape, seed=1, seed2=2, **attrs),
        shape_cases=[
            ShapeCase([INT_SHAPE], expected=[None, None]),
            ShapeCase([([None], I32)], expected=None),
            ShapeCase([([3], I64)], expected=[None, None, None]),
            ShapeCase([([2, 2], I32)], error="Shape must be rank 1 but is rank 2"),
        ],
        id=f"{op_type}_shapes",
    )


def _int_bounds(x):
    return tf.logical_and(x >= 3, x < 7)


OP_SPECS = [
    OpSpec(
        "RandomStandardNormal",
        lambda s: _summary(raw("RandomStandardNormal", s, dtype=F32, seed=1), tf.is_finite),
        reference=_shape_and_true,
        shapes=[(3,)],
        dtypes=[I32, I64],
        domain="positive",
        grad="a random draw",
    ),
    _shape_rows("RandomStandardNormal", dtype=F32),
    OpSpec(
        "RandomUniform",
        lambda s: _summary(raw("RandomUniform", s, dtype=F64, seed=3), _in_unit_interval),
        reference=_shape_and_true,
        shapes=[(2,)],
        dtypes=[I32, I64],
        domain="positive",
        grad="a random draw",
    ),
    _shape_rows("RandomUniform", dtype=F16),
    OpSpec(
        "TruncatedNormal",
        lambda s: _summary(
            raw("TruncatedNormal", s, dtype=F32, seed2=4), lambda x: tf.abs(x) <= 2.0
        ),
        reference=_shape_and_true,
        shapes=[(2,)],
        dtypes=[I32, I64],
        domain="positive",
        grad="a random draw",
    ),
    _shape_rows("TruncatedNormal", dtype=F64),
    OpSpec(
        "RandomUniformInt",
        lambda s: _summary(
            raw("RandomUniformInt", s, tf.constant(3), tf.constant(7), seed=5), _int_bounds
        ),
        reference=_shape_and_true,
        shapes=[(3,)],
        dtypes=[I32, I64],
        domain="positive",
        grad="a random draw",
    ),
    OpSpec(
        "RandomUniformInt",
        lambda shape, lo, hi: raw("RandomUniformInt", shape, lo, hi, seed=5),
        shape_cases=[
            ShapeCase([INT_SHAPE, ([], I64), ([], I64)], expected=[None, None]),
            ShapeCase([([None], I32), ([], I32), ([], I32)], expected=None),
            ShapeCase([INT_SHAPE, (None, I32), (None, I32)], expected=[None, None]),
            ShapeCase(
                [INT_SHAPE, ([2], I32), ([], I32)],
                error="minval must be a scalar; got a tensor of shape [2]",
            ),
            ShapeCase(
                [INT_SHAPE, ([], I32), ([1], I32)],
                error="maxval must be a scalar; got a tensor of shape [1]",
            ),
        ],
        id="RandomUniformInt_shapes",
    ),
    OpSpec(
        "RandomShuffle",
        lambda x: [tf.reduce_sum(tf.random_shuffle(x, seed=6), axis=0), tf.shape(x)],
        reference=lambda x: [np.sum(x, axis=0), np.asarray(np.shape(x), np.int32)],
        shapes=[(5, 3)],
        dtypes=[F32, I32, F64],
        cases=[
            ([np.arange(6, dtype=np.int64)], [np.int64(15), np.array([6], np.int32)]),
            ([np.zeros((0, 2), np.float32)], [np.zeros(2, np.float32), np.array([0, 2], np.int32)]),
        ],
        shape_cases=[
            ShapeCase([[4, 3]], expected=[3]),
            ShapeCase([[None, 3]], expected=[3]),
            ShapeCase([None], expected=None),
        ],
        grad="a random draw",
    ),
    OpSpec(
        "RandomShuffle",
        lambda x: tf.random_shuffle(x),
        cases=[([np.array(7.5, np.float32)], np.float32(7.5))],
        shape_cases=[
            ShapeCase([[4, 3]], expected=[4, 3]),
            ShapeCase([[None, 2]], expected=[None, 2]),
            ShapeCase([None], expected=None),
            ShapeCase([[]], expected=[]),
        ],
        id="RandomShuffle_shapes",
    ),
    OpSpec(
        "Multinomial",
        lambda logits: tf.multinomial(logits, 4, seed=7),
        cases=[
            (
                [np.array([[0.0, -np.inf, -np.inf], [-np.inf, -np.inf, 5.0]], np.float32)],
                np.array([[0, 0, 0, 0], [2, 2, 2, 2]], np.int64),
            ),
            ([np.zeros((0, 3), np.float64)], np.zeros((0, 4), np.int64)),
        ],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 4]),
            ShapeCase([[None, 3]], expected=[None, 4]),
            ShapeCase([None], expected=[None, 4]),
            ShapeCase([[3]], error="Shape must be rank 2 but is rank 1"),
        ],
        grad="a random draw",
    ),
    OpSpec(
        "Multinomial",
        lambda logits, n: raw("Multinomial", logits, n, output_dtype=I32),
        shape_cases=[
            ShapeCase([[2, 3], ([], I32)], expected=[2, None]),
            ShapeCase([[2, 3], ([1], I32)], error="Shape must be rank 0 but is rank 1"),
        ],
        id="Multinomial_shapes",
    ),
    OpSpec(
        "StatelessMultinomial",
        lambda logits: raw("StatelessMultinomial", logits, 4, tf.constant([3, 4], tf.int64)),
        cases=[
            (
                [np.array([[0.0, -np.inf, -np.inf], [-np.inf, -np.inf, 5.0]], np.float32)],
                np.array([[0, 0, 0, 0], [2, 2, 2, 2]], np.int64),
            ),
        ],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 4]),
            ShapeCase([[3]], error="Shape must be rank 2 but is rank 1"),
        ],
        grad="a random draw (TF declares it not differentiable)",
    ),
]


def test_stateless_multinomial_repeats_for_the_same_seed():
    logits = np.log(np.array([[0.2, 0.3, 0.5]], np.float32))
    with tf.Graph().as_default(), tf.Session() as sess:
        seed = tf.placeholder(tf.int64, [2])
        draw = raw("StatelessMultinomial", logits, 200, seed)
        first = sess.run(draw, {seed: [1, 2]})
        again = sess.run(draw, {seed: [1, 2]})
        other = sess.run(draw, {seed: [1, 3]})
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    counts = np.bincount(first[0], minlength=3) / 200
    np.testing.assert_allclose(counts, [0.2, 0.3, 0.5], atol=0.12)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# ---------------------------------------------------------------------- seeds


def test_get_seed_follows_tf_rules():
    with tf.Graph().as_default():
        assert tf.random.get_seed(None) == (None, None)
        assert tf.random.get_seed(7) == (random_ops.DEFAULT_GRAPH_SEED, 7)
        tf.set_random_seed(5)
        assert [tf.get_seed(None) for _ in range(3)] == [(5, 0), (5, 1), (5, 2)]
        assert tf.get_seed(2**40) == (5, 2**40 % (2**31 - 1))
        tf.set_random_seed(0)
        assert tf.get_seed(0) == (0, 2**31 - 1)
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        assert tf.get_seed(None) == (5, 0)  # the counter is per graph


def test_builders_put_the_seeds_in_the_attrs():
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(9)
        a = tf.random_normal([2])
        b = tf.random.uniform([2], seed=4)
        c = tf.random.categorical([[0.0, 1.0]], 2)
        assert graph.seed == 9
        draw = a.op.inputs[0].op.inputs[0].op  # random_normal = draw * stddev + mean
        assert draw.type == "RandomStandardNormal"
        assert (draw.get_attr("seed"), draw.get_attr("seed2")) == (9, 0)
        assert (b.op.get_attr("seed"), b.op.get_attr("seed2")) == (9, 4)
        assert (c.op.get_attr("seed"), c.op.get_attr("seed2")) == (9, 1)
    with tf.Graph().as_default():
        d = tf.random_shuffle([1, 2])
        assert (d.op.get_attr("seed"), d.op.get_attr("seed2")) == (0, 0)


def _seeded_graph():
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(42)
        fetches = [
            tf.random_normal([3]),
            tf.random_uniform([2], -1.0, 1.0, seed=3),
            tf.truncated_normal([3], stddev=2.0),
            tf.random_uniform([4], 0, 100, dtype=tf.int64),
            tf.random_shuffle(tf.range(6)),
            tf.multinomial([[0.0, 1.0, 2.0]], 5),
        ]
    return graph, fetches


def test_same_seeds_same_values_across_sessions_and_state_advances():
    graph, fetches = _seeded_graph()
    with tf.Session(graph=graph) as sess:
        first = sess.run(fetches)
        second = sess.run(fetches)
    with tf.Session(graph=graph) as sess:
        again = sess.run(fetches)
    for a, c in zip(first, again):
        np.testing.assert_array_equal(a, c)
    assert not all(np.array_equal(a, b) for a, b in zip(first, second))


def test_same_seeds_same_values_across_processes():
    graph, fetches = _seeded_graph()
    with tf.Session(graph=graph) as sess:
        here = [v.tolist() for v in sess.run(fetches)]
    script = textwrap.dedent(
        """
        import json
        from tests.ops.test_random import _seeded_graph
        import ndflow as tf
        graph, fetches = _seeded_graph()
        with tf.Session(graph=graph) as sess:
            print(json.dumps([v.tolist() for v in sess.run(fetches)]))
        """
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert json.loads(output) == here


def test_unseeded_ops_differ_between_sessions_and_ops():
    with tf.Graph().as_default():
        a = tf.random_uniform([16])
        b = tf.random_uniform([16])
        with tf.Session() as sess:
            first_a, first_b = sess.run([a, b])
        with tf.Session() as sess:
            second_a = sess.run(a)
    assert not np.array_equal(first_a, second_a)
    assert not np.array_equal(first_a, first_b)


def test_op_seed_alone_is_deterministic_and_distinct_op_seeds_differ():
    def values(seed):
        with tf.Graph().as_default():
            return _run(tf.random_normal([8], seed=seed))

    np.testing.assert_array_equal(values(1), values(1))
    assert not np.array_equal(values(1), values(2))


# ---------------------------------------------------------------------- statistics


def test_normal_statistics():
    with tf.Graph().as_default():
        x = _run(tf.random_normal([200000], mean=3.0, stddev=2.0, seed=1))
    assert x.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 2.0) < 0.02


def test_uniform_statistics_and_bounds():
    with tf.Graph().as_default():
        x, y = _run(
            [tf.random_uniform([100000], -2.0, 6.0, seed=2), tf.random_uniform([100000], seed=3)]
        )
    assert x.min() >= -2.0 and x.max() < 6.0
    assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 8 / np.sqrt(12)) < 0.05
    assert y.min() >= 0.0 and y.max() < 1.0 and abs(y.mean() - 0.5) < 0.01


def test_truncated_normal_is_cut_at_two_standard_deviations():
    with tf.Graph().as_default():
        x = _run(tf.truncated_normal([200000], mean=1.0, stddev=0.5, dtype=tf.float64, seed=4))
    assert x.dtype == np.float64
    assert x.min() >= 0.0 and x.max() <= 2.0
    assert abs(x.mean() - 1.0) < 0.01
    # TF's constant: the stddev of a unit normal truncated to [-2, 2].
    assert abs(x.std() / 0.5 - 0.87962566103423978) < 0.01


def test_uniform_int_covers_its_range():
    with tf.Graph().as_default():
        x = _run(tf.random_uniform([50000], -3, 4, dtype=tf.int64, seed=5))
    assert x.dtype == np.int64
    counts = np.bincount(x + 3, minlength=7)
    assert x.min() == -3 and x.max() == 3
    np.testing.assert_allclose(counts / x.size, 1 / 7, atol=0.01)


def test_multinomial_frequencies_follow_softmax():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-300]]))
    logits[1, 2] = -np.inf
    with tf.Graph().as_default():
        x = _run(tf.random.categorical(logits, 40000, dtype=tf.int32, seed=6))
    assert x.dtype == np.int32 and x.shape == (2, 40000)
    np.testing.assert_allclose(np.bincount(x[0], minlength=3) / 40000, [0.1, 0.2, 0.7], atol=0.01)
    np.testing.assert_allclose(np.bincount(x[1], minlength=3) / 40000, [0.5, 0.5, 0.0], atol=0.01)


def test_shuffle_is_a_permutation_of_rows():
    value = np.arange(20).reshape(10, 2)
    with tf.Graph().as_default():
        shuffled = tf.random_shuffle(value, seed=8)
        runs = [_run(shuffled) for _ in range(2)]
    for run in runs:
        np.testing.assert_array_equal(np.sort(run[:, 0]), value[:, 0])
        np.testing.assert_array_equal(run[:, 1], run[:, 0] + 1)
    assert not np.array_equal(runs[0], value)


# ---------------------------------------------------------------------- dtypes and shapes


@pytest.mark.parametrize("dtype", [F16, BF16, F32, F64])
def test_float_dtypes(dtype):
    with tf.Graph().as_default():
        tensors = [
            tf.random_normal([1000], dtype=dtype, seed=1),
            tf.random_uniform([5000], dtype=dtype, seed=2),
            tf.truncated_normal([1000], dtype=dtype, seed=3),
        ]
        normal, uniform, truncated = _run(tensors)
    want = np.dtype(dtype.as_numpy_dtype)
    assert normal.dtype == uniform.dtype == truncated.dtype == want
    uniform = uniform.astype(np.float64)
    assert uniform.min() >= 0.0 and uniform.max() < 1.0  # even after rounding to 16 bits
    assert np.abs(truncated.astype(np.float64)).max() <= 2.0


def test_static_and_dynamic_shapes():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        batch = tf.placeholder(tf.float32, [None, 3])
        static = tf.random_normal([2, 3])
        from_tensor_shape = tf.random_uniform(tf.TensorShape([4, 1]))
        partial = tf.random_uniform([n, 3])
        dynamic = tf.truncated_normal(tf.shape(batch))
        scalar = tf.random_normal([])
        assert static.shape.as_list() == [2, 3] and from_tensor_shape.shape.as_list() == [4, 1]
        assert partial.shape.as_list() == [None, 3] and dynamic.shape.as_list() == [None, 3]
        assert scalar.shape.as_list() == []
        values = _run([partial, dynamic, scalar], {n: 5, batch: np.zeros((2, 3))})
    assert values[0].shape == (5, 3) and values[1].shape == (2, 3) and values[2].shape == ()
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.random_normal(tf.TensorShape([None, 2]))


def test_empty_draws():
    with tf.Graph().as_default():
        values = _run(
            [
                tf.random_normal([0, 3]),
                tf.random_uniform([2, 0], 0, 5, dtype=tf.int32),
                tf.random_shuffle(np.zeros((0,))),
            ]
        )
    assert [v.shape for v in values] == [(0, 3), (2, 0), (0,)]


def test_uniform_scaling_graph_is_tf_s():
    with tf.Graph().as_default():
        unit = tf.random_uniform([2])
        scaled = tf.random_uniform([2], maxval=3)
        ranged = tf.random_uniform([2], 1.0, 3.0)
        assert unit.op.type == "RandomUniform" and unit.name == "random_uniform/RandomUniform:0"
        assert scaled.op.type == "Mul" and scaled.name == "random_uniform_1/Mul:0"
        assert ranged.op.type == "AddV2" and ranged.name == "random_uniform_2:0"


# ---------------------------------------------------------------------- errors


def test_integer_range_errors_are_invalid_argument():
    with tf.Graph().as_default():
        lo = tf.placeholder(tf.int32, [])
        draw = tf.random_uniform([3], lo, 5, dtype=tf.int32)
        with pytest.raises(
            tf.errors.InvalidArgumentError, match="Need minval < maxval, got 5 >= 5"
        ):
            _run(draw, {lo: 5})
        assert _run(draw, {lo: 4}).tolist() == [4, 4, 4]


def test_builder_argument_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify maxval for integer dtype tf.int32"):
            tf.random_uniform([2], dtype=tf.int32)
        with pytest.raises(ValueError, match="Argument `dtype` got invalid value"):
            tf.random_uniform([2], dtype=tf.uint8)
        with pytest.raises(ValueError, match=r"Accepted dtypes are \(tf.int32, tf.int64\)"):
            tf.multinomial([[1.0]], 2, output_dtype=tf.float32)
        with pytest.raises(TypeError):
            tf.random_normal([2], dtype=tf.int32)
