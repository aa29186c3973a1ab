"""Random ops: RandomStandardNormal, RandomUniform, RandomUniformInt, TruncatedNormal,
RandomShuffle and Multinomial, with `tf.random_normal`, `tf.random_uniform`,
`tf.truncated_normal`, `tf.random_shuffle`, `tf.multinomial`, `tf.random.categorical` and
TF's seed rules (`tf.set_random_seed`, `tf.random.get_seed`).

Seeds follow TensorFlow exactly: `get_seed` turns the graph-level seed and an op seed into
the op's (seed, seed2) attrs, so graphs carry TF's attrs. Each random op owns one generator per
Session, created on its first run from (seed, seed2) and advancing on every run, as TF's
per-kernel Philox state does; seed == seed2 == 0 means nondeterministic. The same seeds give
the same values across Sessions and processes. The streams come from NumPy's
`Generator(Philox(key=(seed, seed2)))`: they are NOT bit-equal to TensorFlow's Philox streams
(TF's counter layout and its normal/uniform transforms differ), only equal in distribution.
"""

from __future__ import annotations

import weakref

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops import math
from ndflow.ops.array import shape_inference

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor
register_op = registry.register_op

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1
_UINT64_MASK = 2**64 - 1

# Per graph, the next op seed handed out when only the graph seed is set (TF's
# `_graph_to_seed_dict`): a weak map so a dropped graph takes its counter with it.
_OP_SEED_COUNTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_FLOATS = "{half, bfloat16, float, double}"
_SEED_ATTRS = ["seed: int = 0", "seed2: int = 0"]


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# ---------------------------------------------------------------------- seeds


def _truncate_seed(seed: int) -> int:
    return seed % _MAXINT32


def get_seed(op_seed):
    """Mirrors `tf.compat.v1.random.get_seed`: the (seed, seed2) pair an op should use.

    Graph seed and op seed: both set -> both (truncated to 31 bits); only the graph seed ->
    an op seed counting up per graph; only the op seed -> (DEFAULT_GRAPH_SEED, op seed);
    neither -> (None, None), nondeterministic. (0, 0) becomes (0, 2**31 - 1) because the
    kernels read (0, 0) as "nondeterministic".

    Args:
      op_seed: an int or None.

    Returns:
      A tuple of two ints (or two Nones).

    >>> set_random_seed(1); get_seed(None)
    (1, 0)
    """
    graph = graph_lib.get_default_graph()
    global_seed = graph.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = _OP_SEED_COUNTERS.get(graph, 0)
            _OP_SEED_COUNTERS[graph] = op_seed + 1
        seeds = _truncate_seed(global_seed), _truncate_seed(op_seed)
    elif op_seed is not None:
        seeds = DEFAULT_GRAPH_SEED, _truncate_seed(op_seed)
    else:
        seeds = None, None
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def set_random_seed(seed) -> None:
    """Mirrors `tf.compat.v1.set_random_seed`: sets the default graph's graph-level seed.

    Args:
      seed: an int (or None to clear it).

    >>> set_random_seed(1234)
    """
    graph_lib.get_default_graph().seed = seed


def _seed_attrs(seed) -> dict:
    seed1, seed2 = get_seed(seed)
    return {"seed": seed1 or 0, "seed2": seed2 or 0}


# ---------------------------------------------------------------------- shared kernel parts


def _generator(ctx, seed: int, seed2: int) -> np.random.Generator:
    """This op's generator in this Session, made on first use (TF's per-kernel state)."""

    def make():
        if seed == 0 and seed2 == 0:
            return np.random.Generator(np.random.Philox())
        key = np.array([seed & _UINT64_MASK, seed2 & _UINT64_MASK], dtype=np.uint64)
        return np.random.Generator(np.random.Philox(key=key))

    return ctx.resources.lookup_or_create("RandomGenerator", "", ctx.node_name, make)


def _output_dims(shape) -> tuple:
    """The dims a 1-D shape input asks for, with TF's runtime errors."""
    if np.ndim(shape) != 1:
        raise _invalid(
            "shape must be a vector of {int32,int64}, got shape "
            f"{shape_errors.format_shape(tensor_shape.TensorShape(np.shape(shape)))}"
        )
    dims = tuple(int(d) for d in shape)
    for dim in dims:
        if dim < 0:
            raise _invalid(f"Dimension {dim} must be >= 0")
    return dims


def _shape_from_input(op):
    return [shape_inference.shape_from_shape_tensor(op.inputs[0])]


# Mantissa bits kept for [0, 1) floats narrower than float32, so rounding never reaches 1.
_UNIFORM_BITS = {"float16": 11, "bfloat16": 8}


def _uniform_floats(gen, dims, np_dtype) -> np.ndarray:
    np_dtype = np.dtype(np_dtype)
    if np_dtype in (np.float32, np.float64):
        return gen.random(dims, dtype=np_dtype)
    scale = 2.0 ** _UNIFORM_BITS.get(np_dtype.name, 8)
    return (np.floor(gen.random(dims, dtype=np.float32) * scale) / scale).astype(np_dtype)


def _normal_floats(gen, dims, np_dtype) -> np.ndarray:
    np_dtype = np.dtype(np_dtype)
    if np_dtype in (np.float32, np.float64):
        return gen.standard_normal(dims, dtype=np_dtype)
    return gen.standard_normal(dims, dtype=np.float32).astype(np_dtype)


# ---------------------------------------------------------------------- RandomStandardNormal


def _standard_normal_kernel(ctx, shape, seed, seed2, dtype):
    return _normal_floats(_generator(ctx, seed, seed2), _output_dims(shape), dtype.as_numpy_dtype)


register_op(
    "RandomStandardNormal",
    inputs=["shape: T"],
    outputs=["output: dtype"],
    attrs=_SEED_ATTRS + [f"dtype: {_FLOATS}", "T: {int32, int64}"],
    shape=_shape_from_input,
    kernel=_standard_normal_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- RandomUniform


def _uniform_kernel(ctx, shape, seed, seed2, dtype):
    return _uniform_floats(_generator(ctx, seed, seed2), _output_dims(shape), dtype.as_numpy_dtype)


register_op(
    "RandomUniform",
    inputs=["shape: T"],
    outputs=["output: dtype"],
    attrs=_SEED_ATTRS + [f"dtype: {_FLOATS}", "T: {int32, int64}"],
    shape=_shape_from_input,
    kernel=_uniform_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- RandomUniformInt


def _uniform_int_shape(op):
    for index, label in ((1, "minval"), (2, "maxval")):
        shape = op.inputs[index].shape
        if shape.rank not in (None, 0):
            raise shape_errors.ShapeError(
                f"{label} must be a scalar; got a tensor of shape "
                f"{shape_errors.format_shape(shape)}"
            )
    return _shape_from_input(op)


def _uniform_int_kernel(ctx, shape, minval, maxval, seed, seed2):
    for label, value in (("minval", minval), ("maxval", maxval)):
        if np.ndim(value) != 0:
            raise _invalid(
                f"{label} must be 0-D, got shape "
                f"{shape_errors.format_shape(tensor_shape.TensorShape(np.shape(value)))}"
            )
    dims = _output_dims(shape)
    np_dtype = np.asarray(minval).dtype
    if 0 in dims:
        return np.zeros(dims, dtype=np_dtype)
    low, high = int(minval), int(maxval)
    # TF checks the range only after the empty-output exit: zero impossible draws are fine.
    if low >= high:
        raise _invalid(f"Need minval < maxval, got {low} >= {high}")
    return _generator(ctx, seed, seed2).integers(low, high, size=dims, dtype=np_dtype)


register_op(
    "RandomUniformInt",
    inputs=["shape: T", "minval: Tout", "maxval: Tout"],
    outputs=["output: Tout"],
    attrs=_SEED_ATTRS + ["Tout: {int32, int64}", "T: {int32, int64}"],
    shape=_uniform_int_shape,
    kernel=_uniform_int_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- TruncatedNormal


def _truncated_normal_kernel(ctx, shape, seed, seed2, dtype):
    """Standard normal draws, values beyond 2 standard deviations re-drawn (TF's rule)."""
    gen = _generator(ctx, seed, seed2)
    values = gen.standard_normal(_output_dims(shape))
    rejected = np.flatnonzero(np.abs(values) > 2.0)
    while rejected.size:
        flat = values.reshape(-1)
        flat[rejected] = gen.standard_normal(rejected.size)
        rejected = rejected[np.abs(flat[rejected]) > 2.0]
    return values.astype(dtype.as_numpy_dtype)


register_op(
    "TruncatedNormal",
    inputs=["shape: T"],
    outputs=["output: dtype"],
    attrs=_SEED_ATTRS + [f"dtype: {_FLOATS}", "T: {int32, int64}"],
    shape=_shape_from_input,
    kernel=_truncated_normal_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- RandomShuffle


def _shuffle_kernel(ctx, value, seed, seed2):
    if np.ndim(value) == 0 or np.shape(value)[0] <= 1:
        return np.array(value, copy=True)
    order = _generator(ctx, seed, seed2).permutation(np.shape(value)[0])
    return np.take(value, order, axis=0)


register_op(
    "RandomShuffle",
    inputs=["value: T"],
    outputs=["output: T"],
    attrs=_SEED_ATTRS + ["T: type"],
    shape=lambda op: [op.inputs[0].shape],
    kernel=_shuffle_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- Multinomial


def _multinomial_shape(op):
    logits = shape_errors.require_rank(op.inputs[0].shape, 2)
    shape_errors.require_rank(op.inputs[1].shape, 0)
    samples = shape_inference.static_scalar(op.inputs[1])
    if samples is not None and samples < 0:
        raise shape_errors.ShapeError(
            f"Dimension size, given by scalar input 1, must be non-negative but is {samples}"
        )
    return [tensor_shape.TensorShape([logits.as_list()[0], samples])]


def _check_multinomial(logits, num_samples):
    if np.ndim(logits) != 2:
        raise _invalid(
            "logits should be a matrix, got shape "
            f"{shape_errors.format_shape(tensor_shape.TensorShape(np.shape(logits)))}"
        )
    if np.ndim(num_samples) != 0:
        raise _invalid(
            "num_samples should be a scalar, got shape "
            f"{shape_errors.format_shape(tensor_shape.TensorShape(np.shape(num_samples)))}"
        )
    if int(num_samples) < 0:
        raise _invalid(f"num_samples should be non-negative, got {int(num_samples)}")
    if np.shape(logits)[1] <= 0:
        raise _invalid(f"num_classes should be positive, got {np.shape(logits)[1]}")


def _multinomial_kernel(ctx, logits, num_samples, seed, seed2, output_dtype):
    """Draws class indices with probabilities softmax(logits) per row: uniform draws are
    located in each row's cumulative distribution, all rows in one searchsorted (row r's
    normalized CDF is shifted by r, which keeps the concatenation sorted)."""
    _check_multinomial(logits, num_samples)
    return _sample_classes(logits, int(num_samples), output_dtype, _generator(ctx, seed, seed2))


def _sample_classes(logits, samples, output_dtype, generator):
    batch, classes = np.shape(logits)
    out_dtype = output_dtype.as_numpy_dtype
    if batch == 0 or samples == 0:
        return np.zeros((batch, samples), dtype=out_dtype)
    work = np.asarray(logits, dtype=np.float64)
    weights = np.exp(work - np.max(work, axis=1, keepdims=True))
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    rows = np.arange(batch, dtype=np.float64)[:, None]
    draws = generator.random((batch, samples)) + rows
    found = np.searchsorted((cdf + rows).reshape(-1), draws.reshape(-1), side="right")
    picked = found.reshape(batch, samples) - (rows * classes).astype(np.int64)
    return np.clip(picked, 0, classes - 1).astype(out_dtype)


register_op(
    "Multinomial",
    inputs=["logits: T", "num_samples: int32"],
    outputs=["output: output_dtype"],
    attrs=_SEED_ATTRS + ["T: realnumbertype", "output_dtype: {int32, int64} = DT_INT64"],
    shape=_multinomial_shape,
    kernel=_multinomial_kernel,
    stateful=True,
)


def _stateless_generator(seed) -> np.random.Generator:
    """The same draws for the same [2] seed (TF's stateless contract; not TF's stream)."""
    seed = np.asarray(seed)
    if seed.shape != (2,):
        raise _invalid(f"seed must have shape [2], not {list(seed.shape)}")
    key = np.ascontiguousarray(seed.astype(np.int64)).view(np.uint64)
    return np.random.Generator(np.random.Philox(key=key))


def _stateless_multinomial_kernel(ctx, logits, num_samples, seed, output_dtype):
    _check_multinomial(logits, num_samples)
    return _sample_classes(logits, int(num_samples), output_dtype, _stateless_generator(seed))


register_op(
    "StatelessMultinomial",
    inputs=["logits: T", "num_samples: int32", "seed: Tseed"],
    outputs=["output: output_dtype"],
    attrs=[
        "T: realnumbertype",
        "Tseed: {int32, int64} = DT_INT64",
        "output_dtype: {int32, int64} = DT_INT64",
    ],
    shape=_multinomial_shape,
    kernel=_stateless_multinomial_kernel,
)

for _name in (
    "RandomStandardNormal",
    "RandomUniform",
    "RandomUniformInt",
    "TruncatedNormal",
    "RandomShuffle",
    "Multinomial",
    "StatelessMultinomial",
):
    registry.not_differentiable(_name, "a random draw (TF declares it not differentiable)")


# ---------------------------------------------------------------------- builders


def _shape_tensor(shape):
    """TF's `shape_util.shape_tensor`: a shape as an int tensor named "shape"."""
    dtype = None
    if isinstance(shape, tensor_shape.TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape to a Tensor: {shape}")
        shape = shape.as_list()
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype = dtypes.int32
        else:
            shape = tuple(tensor_shape.dimension_value(d) for d in shape)
    return convert_to_tensor(shape, dtype=dtype, name="shape")


def _scaled(draw_op, shape, mean, stddev, dtype, seed, name, default_name):
    """TF's random_normal/truncated_normal body: draw * stddev + mean."""
    dtype = dtypes.as_dtype(dtype)
    with graph_lib.name_scope(name, default_name, [shape, mean, stddev]) as scope:
        shape_tensor = _shape_tensor(shape)
        mean_tensor = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_tensor = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        draw = apply_op(draw_op, shape_tensor, dtype=dtype, **_seed_attrs(seed))
        return math.add(draw * stddev_tensor, mean_tensor, name=scope)


def random_normal(
    shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None
) -> graph_lib.Tensor:
    """Mirrors `tf.random.normal` / `tf.compat.v1.random_normal`.

    Args:
      shape: a list, TensorShape or 1-D int tensor.
      mean: the mean (a scalar or tensor broadcasting against the draws).
      stddev: the standard deviation.
      dtype: a float type.
      seed: the op seed (see `set_random_seed`).
      name: the op name (default "random_normal").

    Returns:
      A Tensor of `shape` with normal values: RandomStandardNormal * stddev + mean.

    >>> random_normal([2, 3], seed=1)
    <tf.Tensor 'random_normal:0' shape=(2, 3) dtype=float32>
    """
    return _scaled("RandomStandardNormal", shape, mean, stddev, dtype, seed, name, "random_normal")


def truncated_normal(
    shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None
) -> graph_lib.Tensor:
    """Mirrors `tf.random.truncated_normal` / `tf.compat.v1.truncated_normal`: normal values
    more than 2 standard deviations from the mean are re-drawn.

    Args:
      shape: a list, TensorShape or 1-D int tensor.
      mean: the mean.
      stddev: the standard deviation before truncation.
      dtype: a float type.
      seed: the op seed.
      name: the op name (default "truncated_normal").

    Returns:
      A Tensor of `shape`: TruncatedNormal * stddev + mean.

    >>> truncated_normal([3], stddev=0.1)
    <tf.Tensor 'truncated_normal:0' shape=(3,) dtype=float32>
    """
    return _scaled("TruncatedNormal", shape, mean, stddev, dtype, seed, name, "truncated_normal")


_UNIFORM_DTYPES = (
    dtypes.float16,
    dtypes.bfloat16,
    dtypes.float32,
    dtypes.float64,
    dtypes.int32,
    dtypes.int64,
)


def random_uniform(
    shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None
) -> graph_lib.Tensor:
    """Mirrors `tf.random.uniform` / `tf.compat.v1.random_uniform`: values in [minval, maxval).

    Floats default to [0, 1) (a bare RandomUniform op when minval is the int 0 and maxval
    the int 1, as TF builds it); integers need `maxval` and use RandomUniformInt.

    Args:
      shape: a list, TensorShape or 1-D int tensor.
      minval: the inclusive lower bound.
      maxval: the exclusive upper bound (1 for floats when None).
      dtype: float16, bfloat16, float32, float64, int32 or int64.
      seed: the op seed.
      name: the op name (default "random_uniform").

    Returns:
      A Tensor of `shape` and `dtype`.

    Raises:
      ValueError: for another dtype, or an integer dtype without maxval.
      InvalidArgumentError: at run time, for integers with minval >= maxval.

    >>> random_uniform([2], 0, 10, dtype=int32)
    <tf.Tensor 'random_uniform:0' shape=(2,) dtype=int32>
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _UNIFORM_DTYPES:
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are {_UNIFORM_DTYPES}."
        )
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    with graph_lib.name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape = _shape_tensor(shape)
        # TF skips the scaling for the ints 0 and 1 exactly (`isinstance(minval, int)`).
        minval_is_zero = type(minval) is int and minval == 0
        maxval_is_one = type(maxval) is int and maxval == 1
        if not minval_is_zero or not maxval_is_one or dtype.is_integer:
            minval = convert_to_tensor(minval, dtype=dtype, name="min")
            maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
        seeds = _seed_attrs(seed)
        if dtype.is_integer:
            return apply_op("RandomUniformInt", shape, minval, maxval, name=scope, **seeds)
        result = apply_op("RandomUniform", shape, dtype=dtype, **seeds)
        if minval_is_zero:
            return result if maxval_is_one else math.multiply(result, maxval)
        return math.add(result * (maxval - minval), minval, name=scope)


def random_shuffle(value, seed=None, name=None) -> graph_lib.Tensor:
    """Mirrors `tf.random.shuffle` / `tf.compat.v1.random_shuffle`: `value` with its first
    dimension randomly permuted.

    Args:
      value: a Tensor (a scalar passes through).
      seed: the op seed.
      name: the op name (default "RandomShuffle").

    Returns:
      A Tensor of `value`'s type and shape.

    >>> random_shuffle([1, 2, 3], seed=4)
    <tf.Tensor 'RandomShuffle:0' shape=(3,) dtype=int32>
    """
    return apply_op("RandomShuffle", value, name=name, **_seed_attrs(seed))


def _categorical(logits, num_samples, dtype, seed):
    logits = convert_to_tensor(logits, name="logits")
    dtype = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    accepted = (dtypes.int32, dtypes.int64)
    if dtype not in accepted:
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are {accepted}."
        )
    return apply_op("Multinomial", logits, num_samples, output_dtype=dtype, **_seed_attrs(seed))


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Mirrors the deprecated `tf.compat.v1.multinomial`: class indices drawn from
    softmax(logits) per row.

    Args:
      logits: a [batch, classes] float Tensor of unnormalized log-probabilities.
      num_samples: the number of draws per row (a scalar int).
      seed: the op seed.
      name: the name scope (default "multinomial").
      output_dtype: int32 or int64 (the default).

    Returns:
      A [batch, num_samples] Tensor of class indices.

    >>> multinomial([[0.0, 0.0]], 5)
    <tf.Tensor 'multinomial/Multinomial:0' shape=(1, 5) dtype=int64>
    """
    with graph_lib.name_scope(name, "multinomial", [logits]):
        return _categorical(logits, num_samples, output_dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Mirrors `tf.random.categorical`: class indices drawn from softmax(logits) per row.

    Args:
      logits: a [batch, classes] float Tensor of unnormalized log-probabilities.
      num_samples: the number of draws per row.
      dtype: int32 or int64 (the default).
      seed: the op seed.
      name: the name scope (default "categorical").

    Returns:
      A [batch, num_samples] Tensor of class indices.

    >>> categorical([[0.0, 0.0]], 5)
    <tf.Tensor 'categorical/Multinomial:0' shape=(1, 5) dtype=int64>
    """
    with graph_lib.name_scope(name, "categorical", [logits]):
        return _categorical(logits, num_samples, dtype, seed)
