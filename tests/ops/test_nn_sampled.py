"""Candidate samplers and sampled losses (ndflow/ops/nn/candidate_sampling.py, sampled.py):
the sampler ops' expected counts against closed forms, their distributions (histograms of
many draws), `unique` rejection sampling, seeds and per-Session state, the fixed unigram
options (vocab file, distortion, reserved ids, shards), ComputeAccidentalHits, and nce_loss /
sampled_softmax_loss against per-example references with fixed samples, with gradient checks.
TF's recorded values are in tests/golden/nn_misc (test_nn_misc_goldens.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import ndflow as tf
from tests.support import op_check
from tests.support.grad_check import check_gradients
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import nn_misc as ref

I32, I64 = tf.int32, tf.int64
TRUE = np.array([[0, 3], [2, 9], [7, 7]], np.int64)
UNIGRAMS = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]


def _true_count(sampler, **attrs):
    """The true classes' expected counts (deterministic without `unique`)."""

    def build(true_classes):
        return sampler(true_classes, 2, 4, False, 10, seed=1, **attrs).true_expected_count

    return build


def _sampler_shapes():
    return [
        ShapeCase([([3, 2], I64)], expected=[3, 2]),
        ShapeCase([([None, 2], I64)], expected=[None, 2]),
        ShapeCase([(None, I64)], expected=[None, 2]),
        ShapeCase([([3], I64)], error="Shape must be rank 2 but is rank 1"),
    ]


def _sampler_row(op_type, sampler, probability, **attrs):
    build = _true_count(sampler, **attrs)
    return OpSpec(
        op_type,
        build,
        cases=[([TRUE], (probability(TRUE) * 4).astype(np.float32))],
        shape_cases=_sampler_shapes(),
    )


_FIXED_WEIGHTS = ref.fixed_unigram_weights(UNIGRAMS, 0.5)

OP_SPECS = [
    _sampler_row(
        "UniformCandidateSampler",
        tf.random.uniform_candidate_sampler,
        lambda v: ref.uniform_probability(v, 10),
    ),
    _sampler_row(
        "LogUniformCandidateSampler",
        tf.random.log_uniform_candidate_sampler,
        lambda v: ref.log_uniform_probability(v, 10),
    ),
    _sampler_row(
        "LearnedUnigramCandidateSampler",
        tf.random.learned_unigram_candidate_sampler,
        lambda v: ref.uniform_probability(v, 10),
    ),
    _sampler_row(
        "FixedUnigramCandidateSampler",
        tf.random.fixed_unigram_candidate_sampler,
        lambda v: ref.unigram_probability(v, _FIXED_WEIGHTS),
        unigrams=UNIGRAMS,
        distortion=0.5,
    ),
    OpSpec(
        "AllCandidateSampler",
        lambda tc: list(tf.random.all_candidate_sampler(tc, 2, 10, True)),
        cases=[
            (
                [TRUE],
                [np.arange(10), np.ones((3, 2), np.float32), np.ones(10, np.float32)],
            )
        ],
        shape_cases=[
            ShapeCase([([3, 2], I64)], expected=[10]),
            ShapeCase([(None, I64)], expected=[10]),
            ShapeCase([([None, 2], I64)], expected=[10]),
            ShapeCase([([3], I64)], error="Shape must be rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "ComputeAccidentalHits",
        lambda tc, s: list(tf.nn.compute_accidental_hits(tc, s, 2)),
        cases=[
            (
                [TRUE, np.array([4, 7, 0, 7, 9], np.int64)],
                [
                    np.array([0, 1, 2, 2], np.int32),
                    np.array([2, 4, 3, 3], np.int64),
                    np.full(4, -np.finfo(np.float32).max, np.float32),
                ],
            ),
            (
                [TRUE, np.zeros(0, np.int64)],
                [np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.float32)],
            ),
        ],
        shape_cases=[
            ShapeCase([([3, 2], I64), ([5], I64)], expected=[None]),
            ShapeCase([(None, I64), (None, I64)], expected=[None]),
            ShapeCase([([3, 3], I64), ([5], I64)], error="Dimension must be 2 but is 3"),
            ShapeCase([([3, 2], I64), ([5, 1], I64)], error="Shape must be rank 1 but is rank 2"),
        ],
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetch, feed=None, runs=1):
    with tf.Session() as sess:
        return [sess.run(fetch, feed) for _ in range(runs)]


# ---------------------------------------------------------------------- distributions


@pytest.mark.parametrize(
    ("sampler", "probability", "attrs"),
    [
        (tf.random.uniform_candidate_sampler, lambda v: ref.uniform_probability(v, 10), {}),
        (tf.random.log_uniform_candidate_sampler, lambda v: ref.log_uniform_probability(v, 10), {}),
        (
            tf.random.fixed_unigram_candidate_sampler,
            lambda v: ref.unigram_probability(v, _FIXED_WEIGHTS),
            {"unigrams": UNIGRAMS, "distortion": 0.5},
        ),
    ],
)
def test_draws_follow_the_distribution(sampler, probability, attrs):
    draws = 40000
    with tf.Graph().as_default():
        sampled = sampler(TRUE, 2, draws, False, 10, seed=3, **attrs).sampled_candidates
        [value] = _run(sampled)
    frequencies = np.bincount(value, minlength=10) / draws
    expected = probability(np.arange(10))
    sigma = np.sqrt(expected * (1 - expected) / draws)
    assert np.all(np.abs(frequencies - expected) < 6 * sigma + 1e-12)


@pytest.mark.parametrize(
    "sampler",
    [
        tf.random.uniform_candidate_sampler,
        tf.random.log_uniform_candidate_sampler,
        tf.random.learned_unigram_candidate_sampler,
    ],
)
def test_unique_sampling_is_distinct_and_counts_follow_the_number_of_draws(sampler):
    with tf.Graph().as_default():
        outputs = sampler(TRUE, 2, 8, True, 10, seed=5)
        runs = _run(list(outputs), runs=3)
    for sampled, true_count, sampled_count in runs[:1]:
        assert np.unique(sampled).size == 8 and sampled.min() >= 0 and sampled.max() < 10
        probability = (
            ref.log_uniform_probability(sampled, 10)
            if sampler is tf.random.log_uniform_candidate_sampler
            else ref.uniform_probability(sampled, 10)
        )
        tries = ref.consistent_tries(probability, sampled_count, 8)
        assert tries is not None and tries >= 8
        true_probability = (
            ref.log_uniform_probability(TRUE, 10)
            if sampler is tf.random.log_uniform_candidate_sampler
            else ref.uniform_probability(TRUE, 10)
        )
        np.testing.assert_allclose(
            true_count, ref.expected_count(true_probability, 8, tries), rtol=1e-5
        )


def test_learned_unigram_counts_grow_per_session_and_restart_in_a_new_one():
    with tf.Graph().as_default():
        outputs = tf.random.learned_unigram_candidate_sampler(TRUE, 2, 3, False, 10, seed=1)
        first = _run(outputs.true_expected_count, runs=3)
        second = _run(outputs.true_expected_count, runs=1)
    counts = np.ones(10)
    for run in range(3):
        np.testing.assert_allclose(first[run], ref.unigram_probability(TRUE, counts) * 3, rtol=1e-6)
        np.add.at(counts, TRUE.reshape(-1), 1)
    np.testing.assert_allclose(second[0], first[0])


def test_seeds_follow_the_random_family_rules():
    with tf.Graph().as_default() as graph:
        a = tf.random.uniform_candidate_sampler(TRUE, 2, 6, False, 1000, seed=4)
        b = tf.random.uniform_candidate_sampler(TRUE, 2, 6, False, 1000, seed=4)
        assert (a[0].op.attrs["seed"], a[0].op.attrs["seed2"]) == (87654321, 4)
        with tf.Session(graph=graph) as sess:
            first_a, first_b = sess.run([a[0], b[0]])
            again_a = sess.run(a[0])
        with tf.Session(graph=graph) as sess:
            fresh_a = sess.run(a[0])
    np.testing.assert_array_equal(first_a, first_b)
    np.testing.assert_array_equal(first_a, fresh_a)
    assert not np.array_equal(first_a, again_a)
    with tf.Graph().as_default():
        tf.set_random_seed(9)
        counted = tf.random.log_uniform_candidate_sampler(TRUE, 2, 3, True, 10)
        assert (counted[0].op.attrs["seed"], counted[0].op.attrs["seed2"]) == (9, 0)


# ---------------------------------------------------------------------- fixed unigrams


def test_fixed_unigram_reserved_ids_and_shards_follow_tf_numbering():
    weights = ref.fixed_unigram_weights(UNIGRAMS, 1.0, num_reserved_ids=2, num_shards=2, shard=1)
    true_classes = np.array([[0, 3], [2, 5]], np.int64)
    with tf.Graph().as_default():
        outputs = tf.random.fixed_unigram_candidate_sampler(
            true_classes,
            2,
            5,
            False,
            6,
            unigrams=UNIGRAMS,
            num_reserved_ids=2,
            num_shards=2,
            shard=1,
            seed=2,
        )
        [(sampled, true_count, _)] = _run(list(outputs))
    assert not np.isin(sampled, [0]).any()  # the reserved id has weight 0
    np.testing.assert_allclose(true_count, ref.unigram_probability(true_classes, weights) * 5)


def test_fixed_unigram_reads_a_vocab_file(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a,1\nb,2\n\nc,x,3\nd,4\ne,5\n")
    with tf.Graph().as_default():
        outputs = tf.random.fixed_unigram_candidate_sampler(
            np.array([[4]], np.int64), 1, 2, False, 5, vocab_file=str(vocab), distortion=2.0
        )
        [true_count] = _run(outputs.true_expected_count)
    np.testing.assert_allclose(true_count, [[25.0 / 55.0 * 2]], rtol=1e-6)


@pytest.mark.parametrize(
    ("attrs", "error", "message"),
    [
        ({}, tf.errors.InvalidArgumentError, "Must provide either vocab_file or unigrams."),
        (
            {"unigrams": [1.0] * 5, "vocab_file": "v"},
            tf.errors.InvalidArgumentError,
            "Must only provide one of vocab_file and unigrams.",
        ),
        ({"unigrams": [1.0] * 4}, tf.errors.InvalidArgumentError, "range is 5 must be equal"),
        ({"vocab_file": "/nonexistent/v"}, tf.errors.NotFoundError, "No such file or directory"),
    ],
)
def test_fixed_unigram_errors(attrs, error, message):
    with tf.Graph().as_default():
        outputs = tf.random.fixed_unigram_candidate_sampler(
            np.array([[1]], np.int64), 1, 2, False, 5, **attrs
        )
        with pytest.raises(error, match=re.escape(message)):
            _run(outputs.sampled_candidates)


def test_fixed_unigram_wrong_vocab_line(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a,1\nb,z\n")
    with tf.Graph().as_default():
        outputs = tf.random.fixed_unigram_candidate_sampler(
            np.array([[1]], np.int64), 1, 1, False, 2, vocab_file=str(vocab)
        )
        with pytest.raises(tf.errors.InvalidArgumentError, match="at line: b,z"):
            _run(outputs.sampled_candidates)


# ---------------------------------------------------------------------- sampler errors


@pytest.mark.parametrize(
    ("true_classes", "num_true", "num_sampled", "message"),
    [
        (TRUE, 2, 11, "Sampler's range is too small."),
        (np.array([[0, 10]], np.int64), 2, 3, "`true_candidate` out of range [0, 10), received 10"),
        (TRUE, 3, 3, "true_classes must have num_true columns, expected: 2 was: 3"),
    ],
)
def test_sampler_runtime_errors(true_classes, num_true, num_sampled, message):
    with tf.Graph().as_default():
        outputs = tf.random.uniform_candidate_sampler(true_classes, num_true, num_sampled, True, 10)
        with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
            _run(outputs.sampled_candidates)


def test_sampler_build_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="too large to handle"):
            tf.random.learned_unigram_candidate_sampler(TRUE, 2, 2, False, 2**31)
        with pytest.raises(ValueError, match="less than minimum 1"):
            tf.random.uniform_candidate_sampler(TRUE, 2, 0, False, 10)


def test_unique_sampling_of_every_nonzero_class_and_of_too_many():
    with tf.Graph().as_default():
        everything = tf.random.fixed_unigram_candidate_sampler(
            np.array([[1]], np.int64), 1, 3, True, 4, unigrams=[0.0, 1.0, 2.0, 3.0]
        )
        too_many = tf.random.fixed_unigram_candidate_sampler(
            np.array([[1]], np.int64), 1, 4, True, 4, unigrams=[0.0, 1.0, 2.0, 3.0]
        )
        [value] = _run(everything.sampled_candidates)
        with pytest.raises(tf.errors.InvalidArgumentError, match="nonzero probability"):
            _run(too_many.sampled_candidates)
    assert sorted(value) == [1, 2, 3]


# ---------------------------------------------------------------------- sampled losses

_RNG = np.random.default_rng(17)
W = _RNG.normal(size=(10, 4))
BIAS = _RNG.normal(size=10)
X = _RNG.normal(size=(3, 4))
LABELS = np.array([[3, 9], [6, 8], [1, 2]], np.int64)
SAMPLED = np.array([3, 8, 0, 8, 5], np.int64)
TRUE_COUNTS = np.array([[0.5, 0.1], [0.25, 0.3], [0.125, 0.2]])
SAMPLED_COUNTS = np.array([0.2, 0.4, 0.6, 0.4, 0.3])


def _loss(name, weights, biases, inputs, hits, strategy="mod"):
    fn = getattr(tf.nn, name)
    return fn(
        weights,
        biases,
        LABELS,
        inputs,
        5,
        10,
        num_true=2,
        sampled_values=(SAMPLED, TRUE_COUNTS, SAMPLED_COUNTS),
        remove_accidental_hits=hits,
        partition_strategy=strategy,
    )


@pytest.mark.parametrize("name", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("hits", [False, True])
def test_sampled_losses_match_per_example_references(name, hits):
    logits, labels = ref.sampled_logits(
        W, BIAS, LABELS, X, SAMPLED, TRUE_COUNTS, SAMPLED_COUNTS, hits
    )
    reference = getattr(ref, name)
    shards = [W[0:4], W[4:7], W[7:10]]
    with tf.Graph().as_default():
        single = _loss(name, W, BIAS, X, hits)
        sharded = _loss(name, shards, BIAS, X, hits, strategy="div")
        values = _run([single, sharded])[0]
    expected = reference(logits, labels)
    np.testing.assert_allclose(values[0], expected, rtol=1e-9)
    np.testing.assert_allclose(values[1], expected, rtol=1e-9)


@pytest.mark.parametrize("name", ["nce_loss", "sampled_softmax_loss"])
def test_sampled_loss_gradients(name):
    check_gradients(lambda w, b, x: _loss(name, w, b, x, True), [W, BIAS, X])
    shards = [W[0::3], W[1::3], W[2::3]]
    check_gradients(lambda w0, w1, w2: _loss(name, [w0, w1, w2], BIAS, X, True), shards)


def test_default_sampler_is_a_unique_log_uniform_sample():
    with tf.Graph().as_default() as graph:
        loss = tf.nn.sampled_softmax_loss(
            W.astype(np.float32),
            BIAS.astype(np.float32),
            LABELS[:, :1],
            X.astype(np.float32),
            4,
            10,
            seed=3,
        )
        samplers = [op for op in graph.get_operations() if op.type.endswith("CandidateSampler")]
        assert [op.type for op in samplers] == ["LogUniformCandidateSampler"]
        assert samplers[0].attrs["unique"] and samplers[0].attrs["range_max"] == 10
        assert loss.shape.as_list() == [3]
        [value] = _run(loss)
    assert np.all(np.isfinite(value)) and np.all(value > 0)


def test_sampled_values_get_no_gradient_and_labels_stop_gradient():
    with tf.Graph().as_default() as graph:
        counts = tf.constant(TRUE_COUNTS)
        loss = tf.nn.sampled_softmax_loss(
            W,
            BIAS,
            LABELS,
            X,
            5,
            10,
            num_true=2,
            sampled_values=(SAMPLED, counts, SAMPLED_COUNTS),
        )
        assert tf.gradients(loss, counts) == [None]
        names = [op.name for op in graph.get_operations()]
        # TF names it outside the logits' name scope.
        assert "labels_stop_gradient" in names
