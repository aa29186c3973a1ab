"""Two `tf.nn` compositions of other ops: `tf.nn.dropout` (TF1's signature, keep_prob or
rate) and `tf.nn.crelu`. No op of their own.

Dropout builds the graph TF 2.x's `_dropout` builds: x * 1/(1 - rate) (a Mul by a constant,
or a RealDiv by 1 - rate for a tensor rate), a RandomUniform of the noise shape compared
with rate (GreaterEqual), and a SelectV2 keeping the scaled values or 0. Its seeds follow
the random family's rules; its random stream is NumPy's, not TensorFlow's.
"""

from __future__ import annotations

import numbers

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import random
from ndflow.ops.nn import activations

apply_op = op_builder.apply_op
convert_to_tensor = op_builder.convert_to_tensor


def _is_tensor(value) -> bool:
    return isinstance(value, graph_lib.Tensor) or hasattr(value, "_as_graph_element")


def _noise_shape(x, noise_shape):
    """TF's `_get_noise_shape`: x's shape by default; unknown dims of a static noise shape
    are filled from x's static shape when the ranks agree."""
    if noise_shape is None:
        return array.shape(x)
    if _is_tensor(noise_shape):
        return noise_shape
    try:
        given = tensor_shape.as_shape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.rank is None or x.shape.rank != given.rank:
        return noise_shape
    dims = [
        x_dim if n_dim is None and x_dim is not None else n_dim
        for x_dim, n_dim in zip(x.shape.as_list(), given.as_list())
    ]
    return tensor_shape.TensorShape(dims)


def _scaled(x, rate):
    """x / (1 - rate): a Mul by the constant 1/(1 - rate) for a number, else a RealDiv."""
    if not _is_tensor(rate):
        if not isinstance(rate, numbers.Real):
            raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
        scale = convert_to_tensor(1 / (1 - rate), dtype=x.dtype)
        return apply_op("Mul", x, scale), rate
    rate = convert_to_tensor(rate)
    rate.shape.assert_has_rank(0)
    if rate.dtype != x.dtype:
        if not rate.dtype.is_compatible_with(x.dtype):
            raise ValueError(
                "`x.dtype` must be compatible with `rate.dtype`. Received: "
                f"x.dtype={x.dtype} and rate.dtype={rate.dtype}"
            )
        rate = apply_op("Cast", rate, DstT=x.dtype.base_dtype, name="rate")
    one = op_builder.constant(1, dtype=x.dtype.base_dtype)
    return apply_op("RealDiv", x, apply_op("Sub", one, rate)), rate


def _dropout(x, rate, noise_shape, seed, name):
    """TF's `_dropout` with a stateful RandomUniform sampler."""
    with graph_lib.name_scope(name, "dropout", [x]):
        is_number = isinstance(rate, numbers.Real)
        if is_number and not 0 <= rate < 1:
            raise ValueError(
                "`rate` must be a scalar tensor or a float in the range [0, 1). "
                f"Received: rate={rate}"
            )
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError(
                "`x.dtype` must be a floating point tensor as `x` will be scaled. "
                f"Received: x_dtype={x.dtype}"
            )
        if is_number and rate == 0:
            # TF still draws the op seed, so later ops' seeds do not depend on this shortcut.
            random.get_seed(seed)
            return x
        scaled, rate = _scaled(x, rate)
        draws = random.random_uniform(_noise_shape(x, noise_shape), seed=seed, dtype=x.dtype)
        keep = draws >= rate
        zero = op_builder.constant(0, dtype=x.dtype.base_dtype)
        result = math.where_v2(keep, scaled, zero)
        result.set_shape(x.shape)
        return result


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Mirrors TF1 `tf.nn.dropout`: each element is zeroed with probability `rate` (or
    1 - keep_prob) and the others are scaled by 1 / (1 - rate).

    Args:
      x: a float Tensor.
      keep_prob: the deprecated probability of keeping an element (a number or scalar
        Tensor); give exactly one of keep_prob and rate.
      noise_shape: the shape of the keep/drop decisions, broadcast against x (1-D int Tensor
        or list; None dims are taken from x); by default x's shape.
      seed: the op seed (see `tf.set_random_seed`).
      name: the name scope (default "dropout").
      rate: the probability of dropping an element, in [0, 1).

    Returns:
      A Tensor of x's shape and type (x itself when rate is the number 0).

    Raises:
      ValueError: for both or neither of keep_prob and rate, a rate outside [0, 1), a
        non-float x, or a rate that is neither a number nor a scalar tensor.

    >>> dropout(ones([2, 3]), rate=0.5)  # values 0 or 2
    <tf.Tensor 'dropout/SelectV2:0' shape=(2, 3) dtype=float32>
    """
    try:
        rate_from_keep_prob = 1.0 - keep_prob if keep_prob is not None else None
    except TypeError:
        raise ValueError(
            "`keep_prob` must be a floating point number or Tensor. "
            f"Received: keep_prob={keep_prob}"
        ) from None
    if rate is not None and rate_from_keep_prob is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
    rate = rate if rate is not None else rate_from_keep_prob
    if rate is None:
        raise ValueError(f"`rate` must be provided. Received: rate={rate}")
    return _dropout(x, rate, noise_shape, seed, name)


def crelu(features, name=None, axis=-1):
    """Mirrors TF1 `tf.nn.crelu`: concat([relu(x), relu(-x)], axis), built as
    Relu(ConcatV2([x, -x], axis)).

    Args:
      features: a real Tensor.
      name: the name scope (default "CRelu"; the ConcatV2 takes the scope's name).
      axis: the axis to concatenate along (default the last).

    Returns:
      A Tensor of features' type, twice as large along `axis`.

    >>> crelu(constant([[1.0, -2.0]]))  # [[1, 0, 0, 2]]
    <tf.Tensor 'CRelu/Relu:0' shape=(1, 4) dtype=float32>
    """
    with graph_lib.name_scope(name, "CRelu", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        joined = array.concat([features, -features], axis, name=scope)
        return activations.relu(joined)
