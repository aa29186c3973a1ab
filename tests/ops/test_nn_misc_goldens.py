"""The rest of tf.nn against golden files recorded from real TensorFlow (tools/goldens/nn_misc.py):
embedding lookups over uneven shards ("mod"/"div"), max_norm, sparse and safe lookups with
each combiner, in_top_k ties, the sparse segment ops, partition/stitch, the sparse ops they
need, crelu and the sampled losses with fixed samples, run by the math family's golden runner;
then dropout (TF's graph node by node, the output for a fed noise value, and keep statistics)
and the candidate samplers' expected counts (TF's random streams differ from ndflow's, so
deterministic parts are compared exactly and the rest through the formulas).
"""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.ops import test_math_goldens as runner
from tests.support import golden
from tests.support.reference import nn_misc as ref

FAMILY = "nn_misc"
_SPECIAL = ("dropout_", "sampler_")
TABLE_CASES = [c for c in golden.cases(FAMILY) if not c.startswith(_SPECIAL)]
DROPOUT_CASES = [c for c in golden.cases(FAMILY) if c.startswith("dropout_") and "stat" not in c]
SAMPLER_CASES = [c for c in golden.cases(FAMILY) if c.startswith("sampler_")]


def test_goldens_were_recorded():
    assert len(TABLE_CASES) >= 60
    assert len(DROPOUT_CASES) >= 5
    assert len(SAMPLER_CASES) == 6


@pytest.mark.parametrize("case", TABLE_CASES)
def test_table_golden(case):
    arrays, meta = golden.load(FAMILY, case)
    for mode in meta["modes"]:
        runner._check_mode(FAMILY, case, arrays, meta, mode)


# ---------------------------------------------------------------------- dropout


def _nodes(graph):
    return [[op.name, op.type, [t.name for t in op.inputs]] for op in graph.get_operations()]


@pytest.mark.parametrize("case", DROPOUT_CASES)
def test_dropout_graph_and_fixed_noise_match_tf(case):
    arrays, meta = golden.load(FAMILY, case)
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, shape=arrays["x"].shape, name="x")
        y = eval(meta["call"], {"tf": tf, "x": x})  # noqa: S307 - the recorded case table
        assert _nodes(graph) == meta["nodes"]
        assert y.name == meta["output"]
        feed = {x: arrays["x"]}
        if "noise" in arrays:
            uniform = [op for op in graph.get_operations() if op.type == "RandomUniform"]
            feed[uniform[0].outputs[0]] = arrays["noise"]
        with tf.Session(graph=graph) as sess:
            value = sess.run(y, feed)
    np.testing.assert_allclose(value, arrays["out"], rtol=1e-6)


@pytest.mark.parametrize("rate", ["0.1", "0.5", "0.9"])
def test_dropout_statistics_match_tf(rate):
    _, meta = golden.load(FAMILY, "dropout_statistics")
    want = meta["results"][rate]
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(3)
        y = tf.nn.dropout(tf.ones([200, 500]), rate=float(rate))
        z = tf.nn.dropout(tf.ones([200, 500]), rate=float(rate), noise_shape=[200, 1])
        with tf.Session(graph=graph) as sess:
            y_value, z_value = sess.run([y, z])
    keep = 1 - float(rate)
    sigma = np.sqrt(keep * (1 - keep) / y_value.size)
    assert abs(np.mean(y_value != 0) - want["kept_fraction"]) < 8 * sigma
    assert sorted({float(v) for v in np.unique(y_value[y_value != 0])}) == want["kept_values"]
    assert bool(np.all(np.ptp(z_value, axis=1) == 0)) == want["rows_all_or_nothing"]
    row_sigma = np.sqrt(keep * (1 - keep) / 200)
    assert abs(np.mean(z_value[:, 0] != 0) - want["rows_kept_fraction"]) < 8 * row_sigma


# ---------------------------------------------------------------------- samplers


def _probability(case, values, true_seen):
    """The sampler's P(class) for `values`; `true_seen` are the true classes of earlier runs."""
    if case == "sampler_uniform":
        return ref.uniform_probability(values, 10)
    if case == "sampler_log_uniform":
        return ref.log_uniform_probability(values, 10)
    if case == "sampler_learned_unigram":
        counts = np.ones(10) + np.bincount(np.ravel(true_seen).astype(int), minlength=10)
        return ref.unigram_probability(values, counts)
    unigrams = np.arange(1.0, 11.0)
    if case == "sampler_fixed_unigram":
        return ref.unigram_probability(values, ref.fixed_unigram_weights(unigrams, 0.5))
    weights = ref.fixed_unigram_weights(unigrams, 1.0, 2, 2, 1)
    return ref.unigram_probability(values, weights)


def _ndflow_runs(call, true_classes, unique, runs):
    with tf.Graph().as_default() as graph:
        outputs = eval(call.format(u=unique), {"tf": tf, "tc": tf.constant(true_classes)})  # noqa: S307
        with tf.Session(graph=graph) as sess:
            return [sess.run(list(outputs)) for _ in range(runs)]


def _check_counts(case, sampled, true_count, sampled_count, true_seen, true_classes, unique):
    """The expected counts of one run follow TF's formulas for its own samples."""
    num_sampled = sampled.size
    p_sampled = _probability(case, sampled, true_seen)
    p_true = _probability(case, true_classes, true_seen)
    tries = num_sampled
    if unique:
        assert np.unique(sampled).size == num_sampled
        tries = ref.consistent_tries(p_sampled, sampled_count, num_sampled)
        assert tries is not None, f"{case}: no number of draws explains {sampled_count}"
    np.testing.assert_allclose(
        sampled_count, ref.expected_count(p_sampled, num_sampled, tries), rtol=1e-5
    )
    np.testing.assert_allclose(
        true_count, ref.expected_count(p_true, num_sampled, tries), rtol=1e-5
    )


@pytest.mark.parametrize("case", SAMPLER_CASES)
@pytest.mark.parametrize("unique", [False, True])
def test_sampler_expected_counts_follow_tf(case, unique):
    arrays, meta = golden.load(FAMILY, case)
    true_classes = arrays["true_classes"]
    mine = _ndflow_runs(meta["call"], true_classes, unique, meta["runs"])
    for run in range(meta["runs"]):
        prefix = f"unique{int(unique)}_run{run}_"
        theirs = [arrays[prefix + n] for n in ("sampled", "true_count", "sampled_count")]
        for value, want in zip(mine[run], theirs):
            assert value.dtype == want.dtype and value.shape == want.shape
        if case == "sampler_all":
            for value, want in zip(mine[run], theirs):
                np.testing.assert_array_equal(value, want)
            continue
        if not unique:
            # Without `unique` the true classes' counts do not depend on the draws.
            np.testing.assert_allclose(mine[run][1], theirs[1], rtol=1e-6)
        seen = [true_classes] * run
        _check_counts(case, *theirs, seen, true_classes, unique)
        _check_counts(case, *mine[run], seen, true_classes, unique)
