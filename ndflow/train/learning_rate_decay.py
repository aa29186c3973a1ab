"""Learning-rate schedules: `tf.compat.v1.train.exponential_decay` and friends.

Each builds, in graph mode, the ops TF's schedules build (its keras LearningRateSchedule
`__call__`): the learning rate converted as "initial_learning_rate", the step and the
parameters cast to its dtype, and the result named after the schedule's name scope
("ExponentialDecay", "PolynomialDecay"...). The value is a function of the `global_step`
tensor, so it follows the step as training runs.
"""

from __future__ import annotations

import math as pymath

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops import random

convert = op_builder.convert_to_tensor


def _require_step(global_step, schedule):
    if global_step is None:
        raise ValueError(f"global_step is required for {schedule}.")


def _start(learning_rate, *params):
    """The initial learning rate tensor, then `params` cast to its dtype, in TF's order (the
    step is the last param)."""
    initial = convert(learning_rate, name="initial_learning_rate")
    dtype = initial.dtype.base_dtype
    return (initial, *[math.cast(p, dtype) for p in params])


def exponential_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """Mirrors `tf.compat.v1.train.exponential_decay`:
    lr * decay_rate ** (step / decay_steps), the exponent floored when `staircase`.

    >>> lr = exponential_decay(0.1, step, 1000, 0.96, staircase=True)
    """
    _require_step(global_step, "exponential_decay")
    with graph_lib.name_scope(name or "ExponentialDecay") as scope:
        initial, decay_steps, decay_rate, step = _start(
            learning_rate, decay_steps, decay_rate, global_step
        )
        p = step / decay_steps
        if staircase:
            p = math.floor(p)
        return math.multiply(initial, math.pow(decay_rate, p), name=scope)


def natural_exp_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """Mirrors `tf.compat.v1.train.natural_exp_decay`: lr * exp(-decay_rate * p), as TF
    builds it (an exponential decay with rate exp(-decay_rate)).

    >>> lr = natural_exp_decay(0.1, step, 100, 0.5)
    """
    _require_step(global_step, "natural_exp_decay")
    natural_exp_rate = math.exp(math.negative(decay_rate))
    return exponential_decay(
        learning_rate, global_step, decay_steps, natural_exp_rate, staircase=staircase, name=name
    )


def inverse_time_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """Mirrors `tf.compat.v1.train.inverse_time_decay`: lr / (1 + decay_rate * p).

    >>> lr = inverse_time_decay(0.1, step, 100, 0.5, staircase=True)
    """
    _require_step(global_step, "inverse_time_decay")
    with graph_lib.name_scope(name or "InverseTimeDecay") as scope:
        initial, decay_steps, decay_rate, step = _start(
            learning_rate, decay_steps, decay_rate, global_step
        )
        p = step / decay_steps
        if staircase:
            p = math.floor(p)
        one = math.cast(array.constant(1), initial.dtype)
        denominator = math.add(one, math.multiply(decay_rate, p))
        return math.divide(initial, denominator, name=scope)


def polynomial_decay(
    learning_rate,
    global_step,
    decay_steps,
    end_learning_rate=0.0001,
    power=1.0,
    cycle=False,
    name=None,
):
    """Mirrors `tf.compat.v1.train.polynomial_decay`:
    (lr - end) * (1 - step / decay_steps) ** power + end, the step clipped at decay_steps, or
    with `cycle` the decay period stretched to the next multiple of decay_steps.

    >>> lr = polynomial_decay(0.1, step, 10000, 0.01, power=0.5)
    """
    _require_step(global_step, "polynomial_decay")
    with graph_lib.name_scope(name or "PolynomialDecay") as scope:
        initial, end, power, step, steps = _start(
            learning_rate, end_learning_rate, power, global_step, decay_steps
        )
        if cycle:
            multiplier = math.where_v2(math.equal(step, 0), 1.0, math.ceil(step / decay_steps))
            steps = math.multiply(steps, multiplier)
        else:
            step = math.minimum(step, steps)
        p = math.divide(step, steps)
        scaled = math.multiply(initial - end, math.pow(1 - p, power))
        return math.add(scaled, end, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """Mirrors `tf.compat.v1.train.piecewise_constant`: values[0] while x <= boundaries[0],
    values[i] while boundaries[i-1] < x <= boundaries[i], values[-1] after the last (a
    `tf.case`, as TF builds it).

    Raises:
      ValueError: boundaries whose dtype differs from x's (int32 boundaries are cast for an
        int64 x), or values of mixed dtypes.

    >>> lr = piecewise_constant(step, [1000, 2000], [1.0, 0.5, 0.1])
    """
    boundaries = [convert(b) for b in _flat(boundaries)]
    values = [convert(v) for v in _flat(values)]
    x = convert(x)
    boundaries = [_boundary_like(b, x) for b in boundaries]
    for v in values[1:]:
        if v.dtype.base_dtype != values[0].dtype.base_dtype:
            raise ValueError(
                "Values must have elements all with the same dtype "
                f"({values[0].dtype.base_dtype} vs {v.dtype.base_dtype})."
            )
    with graph_lib.name_scope(name or "PiecewiseConstant"):
        pairs = [(x <= boundaries[0], lambda: values[0]), (x > boundaries[-1], lambda: values[-1])]
        for low, high, v in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            pairs.append(((x > low) & (x <= high), lambda v=v: v))
        return control_flow.case(pairs, lambda: values[0], exclusive=True)


piecewise_constant_decay = piecewise_constant


def _flat(items):
    return list(items) if isinstance(items, (list, tuple)) else [items]


def _boundary_like(boundary, x):
    if boundary.dtype.base_dtype == x.dtype.base_dtype:
        return boundary
    if boundary.dtype.base_dtype == dtypes.int32 and x.dtype.base_dtype == dtypes.int64:
        return math.cast(boundary, x.dtype.base_dtype)
    raise ValueError(
        f"Boundaries ({boundary.dtype.base_dtype}) must have the same dtype as x "
        f"({x.dtype.base_dtype})."
    )


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """Mirrors `tf.compat.v1.train.cosine_decay`:
    lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha).

    >>> lr = cosine_decay(0.1, step, 1000, alpha=0.01)
    """
    _require_step(global_step, "cosine_decay")
    with graph_lib.name_scope(name or "CosineDecay"):
        initial, decay_steps, step = _start(learning_rate, decay_steps, global_step)
        step = math.minimum(step, decay_steps)
        completed_fraction = step / decay_steps
        cosine_decayed = 0.5 * (1.0 + math.cos(array.constant(pymath.pi) * completed_fraction))
        decayed = (1 - alpha) * cosine_decayed + alpha
        return math.multiply(initial, decayed)


def cosine_decay_restarts(
    learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
):
    """Mirrors `tf.compat.v1.train.cosine_decay_restarts` (SGDR): cosine decays restarting
    after first_decay_steps, then periods t_mul times longer, each m_mul times lower.

    >>> lr = cosine_decay_restarts(0.1, step, 1000, t_mul=2.0, m_mul=0.5)
    """
    _require_step(global_step, "cosine_decay_restarts")
    with graph_lib.name_scope(name or "SGDRDecay") as scope:
        initial, first_decay_steps, alpha, t_mul, m_mul, step = _start(
            learning_rate, first_decay_steps, alpha, t_mul, m_mul, global_step
        )
        completed_fraction = step / first_decay_steps
        i_restart, completed_fraction = control_flow.cond(
            math.equal(t_mul, 1.0),
            lambda: _restart_step(completed_fraction, t_mul, geometric=False),
            lambda: _restart_step(completed_fraction, t_mul, geometric=True),
        )
        m_fac = m_mul**i_restart
        cosine = 0.5 * m_fac * (1.0 + math.cos(array.constant(pymath.pi) * completed_fraction))
        decayed = (1 - alpha) * cosine + alpha
        return math.multiply(initial, decayed, name=scope)


def _restart_step(completed_fraction, t_mul, geometric):
    """(index of the current restart period, fraction of it completed)."""
    if geometric:
        i_restart = math.floor(math.log(1.0 - completed_fraction * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
        return i_restart, (completed_fraction - sum_r) / t_mul**i_restart
    i_restart = math.floor(completed_fraction)
    return i_restart, completed_fraction - i_restart


def linear_cosine_decay(
    learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None
):
    """Mirrors `tf.compat.v1.train.linear_cosine_decay`:
    lr * ((alpha + linear) * cosine + beta), linear = (decay_steps - step) / decay_steps.

    >>> lr = linear_cosine_decay(0.1, step, 1000, num_periods=2.0)
    """
    _require_step(global_step, "linear_cosine_decay")
    with graph_lib.name_scope(name or "LinearCosineDecay") as scope:
        initial, decay_steps, num_periods, alpha, beta, step = _start(
            learning_rate, decay_steps, num_periods, alpha, beta, global_step
        )
        step = math.minimum(step, decay_steps)
        linear_decayed = (decay_steps - step) / decay_steps
        cosine_decayed = _periodic_cosine(step, decay_steps, num_periods)
        linear_cosine_decayed = (alpha + linear_decayed) * cosine_decayed + beta
        return math.multiply(initial, linear_cosine_decayed, name=scope)


def noisy_linear_cosine_decay(
    learning_rate,
    global_step,
    decay_steps,
    initial_variance=1.0,
    variance_decay=0.55,
    num_periods=0.5,
    alpha=0.0,
    beta=0.001,
    name=None,
):
    """Mirrors `tf.compat.v1.train.noisy_linear_cosine_decay`: linear_cosine_decay with
    Gaussian noise of variance initial_variance / (1 + step) ** variance_decay added to the
    linear part.

    >>> lr = noisy_linear_cosine_decay(0.1, step, 1000)
    """
    _require_step(global_step, "noisy_linear_cosine_decay")
    with graph_lib.name_scope(name or "NoisyLinearCosineDecay") as scope:
        parts = _start(
            learning_rate,
            decay_steps,
            initial_variance,
            variance_decay,
            num_periods,
            alpha,
            beta,
            global_step,
        )
        initial, decay_steps, initial_variance, variance_decay, num_periods, alpha, beta, step = (
            parts
        )
        step = math.minimum(step, decay_steps)
        linear_decayed = (decay_steps - step) / decay_steps
        variance = initial_variance / math.pow(1.0 + step, variance_decay)
        std = math.sqrt(variance)
        noisy = linear_decayed + random.random_normal(linear_decayed.shape, stddev=std)
        cosine_decayed = _periodic_cosine(step, decay_steps, num_periods)
        return math.multiply(initial, (alpha + noisy) * cosine_decayed + beta, name=scope)


def _periodic_cosine(step, decay_steps, num_periods):
    completed_fraction = step / decay_steps
    fraction = 2.0 * num_periods * completed_fraction
    return 0.5 * (1.0 + math.cos(array.constant(pymath.pi) * fraction))
