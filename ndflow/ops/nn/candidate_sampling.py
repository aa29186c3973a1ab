"""Candidate sampling: the candidate sampler ops (UniformCandidateSampler,
LogUniformCandidateSampler, LearnedUnigramCandidateSampler, FixedUnigramCandidateSampler,
AllCandidateSampler) and ComputeAccidentalHits, with their builders
(`tf.random.*_candidate_sampler`, also under `tf.nn`, and `tf.nn.compute_accidental_hits`).

A sampler draws `num_sampled` classes from its distribution P over [0, range_max); with
`unique` it keeps drawing until that many distinct classes came up (TF's rejection
sampling), after `num_tries` draws. The expected count of a class of probability p is then
p * num_sampled, or 1 - (1 - p)^num_tries for unique sampling (float32, TF's formula). Each op
owns one generator per Session, seeded from (seed, seed2) by the random family's rules, and
the learned unigram sampler counts the true classes it has seen in that Session. The draws
are NumPy's, not TensorFlow's Philox stream: equal in distribution only.
"""

from __future__ import annotations

import collections
import threading

import numpy as np

from ndflow.formats import gfile
from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import random
from ndflow.ops.array import shape_inference

apply_op = op_builder.apply_op
TensorShape = tensor_shape.TensorShape

_UINT64_MASK = 2**64 - 1
_INT32_MAX = 2**31 - 1
_FLT_MAX = np.finfo(np.float32).max

CandidateSamplerOutputs = ("sampled_candidates", "true_expected_count", "sampled_expected_count")
AccidentalHits = collections.namedtuple("ComputeAccidentalHits", ["indices", "ids", "weights"])


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- distributions


class _Uniform:
    """Every class with probability 1/range."""

    def __init__(self, range_max: int):
        self.range = range_max

    def draw(self, gen, size: int) -> np.ndarray:
        return gen.integers(0, self.range, size=size, dtype=np.int64)

    def probability(self, values) -> np.ndarray:
        return np.full(np.shape(values), np.float32(1.0 / self.range), dtype=np.float32)

    def support(self) -> int:
        return self.range


class _LogUniform:
    """Zipfian: P(k) = log((k + 2) / (k + 1)) / log(range + 1), drawn as
    floor(exp(u * log(range + 1))) - 1."""

    def __init__(self, range_max: int):
        self.range = range_max
        self.log_range = np.log1p(float(range_max))

    def draw(self, gen, size: int) -> np.ndarray:
        values = np.exp(gen.random(size) * self.log_range).astype(np.int64) - 1
        return values % self.range

    def probability(self, values) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return (np.log((values + 2.0) / (values + 1.0)) / self.log_range).astype(np.float32)

    def support(self) -> int:
        return self.range


class _Weighted:
    """P(k) = weight[k] / total weight: the fixed and the learned unigram samplers."""

    def __init__(self, weights, total):
        self.weights = weights
        self.total = total
        self.range = len(weights)

    def draw(self, gen, size: int) -> np.ndarray:
        cumulative = np.cumsum(self.weights, dtype=np.float64)
        targets = gen.random(size) * cumulative[-1]
        return np.searchsorted(cumulative, targets, side="right").astype(np.int64)

    def probability(self, values) -> np.ndarray:
        values = np.asarray(values, dtype=np.int64)
        inside = (values >= 0) & (values < self.range)
        weights = np.where(inside, self.weights[np.where(inside, values, 0)], 0)
        # float32 division, as TF's `float / total` (an int or float total).
        return (weights.astype(np.float32) / np.float32(self.total)).astype(np.float32)

    def support(self) -> int:
        return int(np.count_nonzero(self.weights))


class _Learned(_Weighted):
    """Counts start at 1 and grow by 1 for every true class the op sees (after sampling)."""

    def __init__(self, range_max: int):
        super().__init__(np.ones(range_max, dtype=np.int64), range_max)

    def update(self, values) -> None:
        np.add.at(self.weights, np.asarray(values, dtype=np.int64).reshape(-1), 1)
        self.total = int(self.weights.sum())


class _All:
    """AllCandidateSampler: the candidates are 0..num_sampled-1, each expected once."""

    def __init__(self, range_max: int):
        self.range = range_max


# ---------------------------------------------------------------------- fixed unigrams


def _vocab_weights(vocab_file: str) -> list[float]:
    """The last comma-separated field of each non-empty line of a vocabulary file."""
    with gfile.GFile(vocab_file, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    weights = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line:
            continue
        try:
            weights.append(float(line.split(",")[-1]))
        except ValueError:
            raise _invalid(f"Wrong vocabulary format at line: {line}") from None
    return weights


def _fixed_unigram(attrs) -> _Weighted:
    """TF's FixedUnigramSampler: reserved ids (weight 0) then the unigrams, each raised to
    `distortion`, keeping only the ids of this shard (float32 arithmetic, as TF)."""
    vocab_file, unigrams = attrs["vocab_file"], list(attrs["unigrams"])
    if not vocab_file and not unigrams:
        raise _invalid("Must provide either vocab_file or unigrams.")
    if vocab_file and unigrams:
        raise _invalid("Must only provide one of vocab_file and unigrams.")
    shards, shard = attrs["num_shards"], attrs["shard"]
    reserved = np.arange(attrs["num_reserved_ids"])
    kept_reserved = int(np.count_nonzero(reserved % shards == shard))
    raw = np.asarray(_vocab_weights(vocab_file) if vocab_file else unigrams, dtype=np.float32)
    # TF numbers the unigrams from the count of reserved ids kept, not from num_reserved_ids.
    ids = kept_reserved + np.arange(raw.size)
    distorted = np.power(raw[ids % shards == shard], np.float32(attrs["distortion"]))
    weights = np.concatenate([np.zeros(kept_reserved, np.float32), distorted]).astype(np.float32)
    if weights.size != attrs["range_max"]:
        raise _invalid(
            f"range is {attrs['range_max']} must be equal to weights size  {weights.size}"
        )
    total = np.cumsum(distorted, dtype=np.float32)[-1] if distorted.size else np.float32(0)
    return _Weighted(weights, total)


# ---------------------------------------------------------------------- sampling


class _SamplerState:
    """One sampler op's state in one Session: its generator and its distribution."""

    def __init__(self, seed: int, seed2: int, distribution):
        if seed == 0 and seed2 == 0:
            self.gen = np.random.Generator(np.random.Philox())
        else:
            key = np.array([seed & _UINT64_MASK, seed2 & _UINT64_MASK], dtype=np.uint64)
            self.gen = np.random.Generator(np.random.Philox(key=key))
        self.distribution = distribution
        self.lock = threading.Lock()


def _draw_unique(distribution, gen, num_sampled: int):
    """TF's rejection sampling, in growing chunks: the first `num_sampled` distinct draws in
    draw order, and how many draws it took to see them."""
    if num_sampled > distribution.support():
        raise _invalid(
            f"Cannot sample {num_sampled} unique candidates: only {distribution.support()} "
            "candidates have a nonzero probability."
        )
    draws = np.zeros(0, dtype=np.int64)
    chunk = max(2 * num_sampled, 32)
    while True:
        draws = np.concatenate([draws, distribution.draw(gen, chunk)])
        _, first = np.unique(draws, return_index=True)
        if first.size >= num_sampled:
            positions = np.sort(first)[:num_sampled]
            return draws[positions], int(positions[-1]) + 1
        chunk *= 2


def expected_count(probability, num_sampled: int, num_tries: int) -> np.ndarray:
    """TF's `ExpectedCountHelper` in float32: p * num_sampled when every draw was kept, else
    1 - (1 - p)^num_tries computed as -expm1(num_tries * log1p(-p))."""
    probability = np.asarray(probability, dtype=np.float32)
    if num_tries == num_sampled:
        return (probability * np.float32(num_sampled)).astype(np.float32)
    return -np.expm1(np.float32(num_tries) * np.log1p(-probability)).astype(np.float32)


def _check_true_classes(true_classes, num_true: int) -> None:
    if np.ndim(true_classes) != 2:
        raise _invalid("true_classes must be a matrix")
    if np.shape(true_classes)[1] != num_true:
        # TF's message names the two numbers the other way round.
        raise _invalid(
            "true_classes must have num_true columns, expected: "
            f"{np.shape(true_classes)[1]} was: {num_true}"
        )


def _check_candidates(true_classes, range_max: int) -> None:
    flat = np.asarray(true_classes, dtype=np.int64).reshape(-1)
    bad = np.flatnonzero((flat < 0) | (flat >= range_max))
    if bad.size:
        raise _invalid(f"`true_candidate` out of range [0, {range_max}), received {flat[bad[0]]}")


def _sample(state, true_classes, num_sampled: int, unique: bool):
    distribution = state.distribution
    if unique:
        sampled, tries = _draw_unique(distribution, state.gen, num_sampled)
    else:
        sampled, tries = distribution.draw(state.gen, num_sampled), num_sampled
    true_count = expected_count(distribution.probability(true_classes), num_sampled, tries)
    sampled_count = expected_count(distribution.probability(sampled), num_sampled, tries)
    if hasattr(distribution, "update"):
        distribution.update(true_classes)
    return sampled, true_count, sampled_count


def _all_candidates(true_classes, num_sampled: int):
    shape = np.shape(true_classes)
    return (
        np.arange(num_sampled, dtype=np.int64),
        np.ones(shape, dtype=np.float32),
        np.ones(num_sampled, dtype=np.float32),
    )


def _sampler_kernel(make_distribution):
    """A kernel for one sampler type; `make_distribution(attrs)` builds its distribution
    on the op's first run in a Session."""

    def kernel(ctx, true_classes, **attrs):
        # TF builds the sampler with the kernel, so its errors come before the inputs'.
        state = ctx.resources.lookup_or_create(
            "CandidateSampler",
            "",
            ctx.node_name,
            lambda: _SamplerState(attrs["seed"], attrs["seed2"], make_distribution(attrs)),
        )
        range_max = attrs.get("range_max", attrs["num_sampled"])
        num_true, num_sampled, unique = attrs["num_true"], attrs["num_sampled"], attrs["unique"]
        _check_true_classes(true_classes, num_true)
        if unique and num_sampled > range_max:
            raise _invalid("Sampler's range is too small.")
        _check_candidates(true_classes, range_max)
        if isinstance(state.distribution, _All):
            return _all_candidates(true_classes, num_sampled)
        with state.lock:
            return _sample(state, np.asarray(true_classes, np.int64), num_sampled, unique)

    return kernel


def _learned_unigram(attrs):
    range_max = attrs["range_max"]
    if range_max >= _INT32_MAX:
        raise _invalid(
            f"range_max must be less than {_INT32_MAX} for unigram samplers, got {range_max}"
        )
    return _Learned(range_max)


def _sampler_shape(op):
    true_classes = shape_errors.require_rank(op.inputs[0].shape, 2)
    sampled = TensorShape([op.attrs["num_sampled"]])
    batch = true_classes.as_list()[0]
    return [sampled, TensorShape([batch, op.attrs["num_true"]]), sampled]


_SAMPLER_OUTPUTS = [
    "sampled_candidates: int64",
    "true_expected_count: float",
    "sampled_expected_count: float",
]
_SAMPLER_ATTRS = ["num_true: int >= 1", "num_sampled: int >= 1", "unique: bool"]
_SEED_ATTRS = ["seed: int = 0", "seed2: int = 0"]
_FIXED_ATTRS = [
    "vocab_file: string = ''",
    "distortion: float = 1.0",
    "num_reserved_ids: int = 0",
    "num_shards: int >= 1 = 1",
    "shard: int >= 0 = 0",
    "unigrams: list(float) = []",
]

_SAMPLERS = [
    ("UniformCandidateSampler", lambda a: _Uniform(a["range_max"]), []),
    ("LogUniformCandidateSampler", lambda a: _LogUniform(a["range_max"]), []),
    ("LearnedUnigramCandidateSampler", _learned_unigram, []),
    ("FixedUnigramCandidateSampler", _fixed_unigram, _FIXED_ATTRS),
]

for _name, _make, _extra in _SAMPLERS:
    registry.register_op(
        _name,
        inputs=["true_classes: int64"],
        outputs=_SAMPLER_OUTPUTS,
        attrs=_SAMPLER_ATTRS + ["range_max: int >= 1"] + _extra + _SEED_ATTRS,
        shape=_sampler_shape,
        kernel=_sampler_kernel(_make),
        stateful=True,
    )
registry.register_op(
    "AllCandidateSampler",
    inputs=["true_classes: int64"],
    outputs=_SAMPLER_OUTPUTS,
    attrs=_SAMPLER_ATTRS + _SEED_ATTRS,
    shape=_sampler_shape,
    kernel=_sampler_kernel(lambda a: _All(a["num_sampled"])),
    stateful=True,
)


# ---------------------------------------------------------------------- ComputeAccidentalHits


def _accidental_hits_shape(op):
    true_classes = shape_errors.require_rank(op.inputs[0].shape, 2)
    shape_inference.with_value(true_classes.as_list()[1], op.attrs["num_true"])
    shape_errors.require_rank(op.inputs[1].shape, 1)
    return [TensorShape([None])] * 3


def _accidental_hits_kernel(ctx, true_classes, sampled_candidates, num_true):
    if np.ndim(true_classes) != 2 or np.shape(true_classes)[1] != num_true:
        raise _invalid("true_candidates must be a batch_size * num_true matrix")
    if np.ndim(sampled_candidates) != 1:
        raise _invalid(
            "sampled_candidates must be a vector, which is typically an output from "
            "CandidateSampler"
        )
    sampled = np.asarray(sampled_candidates, dtype=np.int64)
    # A class sampled several times maps to its last position, as TF's hash map does.
    values, first_reversed = np.unique(sampled[::-1], return_index=True)
    last_position = sampled.size - 1 - first_reversed
    flat = np.asarray(true_classes, dtype=np.int64).reshape(-1)
    if values.size == 0:
        values, last_position = np.zeros(1, np.int64), np.zeros(1, np.int64)
        flat_hits = np.zeros(flat.shape, dtype=bool)
    found = np.minimum(np.searchsorted(values, flat), values.size - 1)
    hit = values[found] == flat if sampled.size else flat_hits
    rows = np.repeat(np.arange(np.shape(true_classes)[0], dtype=np.int32), num_true)
    return (
        rows[hit],
        last_position[found[hit]].astype(np.int64),
        np.full(int(hit.sum()), -_FLT_MAX, dtype=np.float32),
    )


registry.register_op(
    "ComputeAccidentalHits",
    inputs=["true_classes: int64", "sampled_candidates: int64"],
    outputs=["indices: int32", "ids: int64", "weights: float"],
    attrs=["num_true: int"] + _SEED_ATTRS,
    shape=_accidental_hits_shape,
    kernel=_accidental_hits_kernel,
)

for _name in [name for name, _, _ in _SAMPLERS] + ["AllCandidateSampler", "ComputeAccidentalHits"]:
    registry.not_differentiable(_name, "samples and their bookkeeping (TF: not differentiable)")


# ---------------------------------------------------------------------- sampler builders


def _seeds(seed) -> dict:
    seed1, seed2 = random.get_seed(seed)
    return {"seed": seed1 or 0, "seed2": seed2 or 0}


_OUTPUT_TUPLES = {
    name: collections.namedtuple(name, CandidateSamplerOutputs)
    for name in [name for name, _, _ in _SAMPLERS] + ["AllCandidateSampler"]
}


def _named_outputs(op_type: str, outputs):
    return _OUTPUT_TUPLES[op_type](*outputs)


def _sampler(op_type, true_classes, num_true, num_sampled, unique, seed, name, **attrs):
    outputs = apply_op(
        op_type,
        true_classes,
        num_true=num_true,
        num_sampled=num_sampled,
        unique=unique,
        name=name,
        **attrs,
        **_seeds(seed),
    )
    return _named_outputs(op_type, outputs)


_SAMPLER_DOC = """Mirrors `tf.random.{name}` (also `tf.nn.{name}`): samples `num_sampled` classes
    from {what}.

    Args:
      true_classes: an int64 [batch, num_true] Tensor of the target classes.
      num_true: the number of targets per example.
      num_sampled: the number of classes to sample.
      unique: sample without replacement (rejection sampling until num_sampled distinct).
      range_max: the number of classes.{extra}
      seed: the op seed (see `tf.set_random_seed`).
      name: the op name (default "{op}").

    Returns:
      (sampled_candidates int64 [num_sampled], true_expected_count float [batch, num_true],
      sampled_expected_count float [num_sampled]).

    Raises:
      InvalidArgumentError: at run time, for true classes outside [0, range_max), or
        unique sampling of more classes than range_max.

    >>> {name}(constant([[1], [4]], dtype=int64), 1, 3, True, 10).sampled_candidates
    <tf.Tensor '{op}:0' shape=(3,) dtype=int64>
    """


def uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    return _sampler(
        "UniformCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        seed,
        name,
        range_max=range_max,
    )


def log_uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    return _sampler(
        "LogUniformCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        seed,
        name,
        range_max=range_max,
    )


def learned_unigram_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    if range_max > _INT32_MAX:
        raise ValueError(f"Value of range_max:{range_max} is too large to handle")
    return _sampler(
        "LearnedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        seed,
        name,
        range_max=range_max,
    )


def fixed_unigram_candidate_sampler(
    true_classes,
    num_true,
    num_sampled,
    unique,
    range_max,
    vocab_file="",
    distortion=1.0,
    num_reserved_ids=0,
    num_shards=1,
    shard=0,
    unigrams=(),
    seed=None,
    name=None,
):
    return _sampler(
        "FixedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        seed,
        name,
        range_max=range_max,
        vocab_file=vocab_file,
        distortion=distortion,
        num_reserved_ids=num_reserved_ids,
        num_shards=num_shards,
        shard=shard,
        unigrams=list(unigrams),
    )


uniform_candidate_sampler.__doc__ = _SAMPLER_DOC.format(
    name="uniform_candidate_sampler",
    op="UniformCandidateSampler",
    what="the uniform distribution over [0, range_max)",
    extra="",
)
log_uniform_candidate_sampler.__doc__ = _SAMPLER_DOC.format(
    name="log_uniform_candidate_sampler",
    op="LogUniformCandidateSampler",
    what="the log-uniform (Zipfian) distribution P(k) = log((k+2)/(k+1)) / log(range_max+1)",
    extra="",
)
learned_unigram_candidate_sampler.__doc__ = _SAMPLER_DOC.format(
    name="learned_unigram_candidate_sampler",
    op="LearnedUnigramCandidateSampler",
    what="the unigram distribution of the true classes seen so far in this Session (every "
    "class starts with a count of 1)",
    extra="",
)
fixed_unigram_candidate_sampler.__doc__ = _SAMPLER_DOC.format(
    name="fixed_unigram_candidate_sampler",
    op="FixedUnigramCandidateSampler",
    what="a fixed unigram distribution (`unigrams`, or the last field of each line of "
    "`vocab_file`), raised to the power `distortion`",
    extra=(
        "\n      vocab_file: a CSV file whose lines end with a class's count or probability."
        "\n      distortion: the power the weights are raised to."
        "\n      num_reserved_ids: ids with weight 0 before the unigrams."
        "\n      num_shards, shard: sample only the ids i with i % num_shards == shard."
        "\n      unigrams: the weights, instead of vocab_file."
    ),
)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Mirrors `tf.random.all_candidate_sampler` (also `tf.nn.all_candidate_sampler`): the
    candidates are all classes [0, num_sampled), each expected once (for testing).

    Args:
      true_classes: an int64 [batch, num_true] Tensor, classes in [0, num_sampled).
      num_true: the number of targets per example.
      num_sampled: the number of classes (and of candidates).
      unique: ignored (every class appears once).
      seed: the op seed.
      name: the op name (default "AllCandidateSampler").

    Returns:
      (sampled_candidates [num_sampled], true_expected_count [batch, num_true] of ones,
      sampled_expected_count [num_sampled] of ones).

    >>> all_candidate_sampler(constant([[1]], dtype=int64), 1, 4, True).sampled_candidates
    <tf.Tensor 'AllCandidateSampler:0' shape=(4,) dtype=int64>
    """
    return _sampler("AllCandidateSampler", true_classes, num_true, num_sampled, unique, seed, name)


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Mirrors `tf.nn.compute_accidental_hits`: where a sampled candidate equals one of an
    example's true classes.

    Args:
      true_classes: an int64 [batch, num_true] Tensor.
      sampled_candidates: an int64 [num_sampled] Tensor (a sampler's output).
      num_true: the number of targets per example.
      seed: the op seed (unused, as in TF).
      name: the op name (default "ComputeAccidentalHits").

    Returns:
      (indices int32, ids int64, weights float): per hit, the example row, the position of
      the candidate in sampled_candidates, and -FLT_MAX (to add to its logit).

    >>> compute_accidental_hits(constant([[1]], int64), constant([3, 1], int64), 1).ids  # [1]
    <tf.Tensor 'ComputeAccidentalHits:1' shape=(?,) dtype=int64>
    """
    outputs = apply_op(
        "ComputeAccidentalHits",
        true_classes,
        sampled_candidates,
        num_true=num_true,
        name=name,
        **_seeds(seed),
    )
    return AccidentalHits(*outputs)
