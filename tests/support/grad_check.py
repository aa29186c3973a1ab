"""Finite-difference gradient checks (TF's `compute_gradient`, JAX's `check_vjp`).

`check_gradients(builder, inputs)` builds `builder` on placeholders for the float inputs,
reduces its float outputs to a scalar L = sum_k <c_k, y_k> with fixed random c_k, and
compares `tf.gradients(L, xs)` with central differences of L computed in float64:
element by element for small inputs (the full vector J^T c, for two different c), and
along random directions t for large ones (<J^T c, t> against (L(x + h t) - L(x - h t)) / 2h).
`order=2` checks the gradient of the gradient the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

import ndflow as tf

FULL_LIMIT = 200


@dataclasses.dataclass
class GradSpec:
    """One gradient-check row: the op type it covers, a builder of Tensors, its float
    inputs, the order (1, or 2 for gradients of gradients) and optional tolerances."""

    op_type: str
    builder: Callable
    inputs: list
    order: int = 1
    rtol: float | None = None
    atol: float | None = None
    id: str = ""

    def __str__(self) -> str:
        return self.id or self.op_type

    def check(self) -> None:
        check_gradients(self.builder, self.inputs, order=self.order, rtol=self.rtol, atol=self.atol)


# Per dtype: (step relative to max(1, |x|), rtol, atol) for the comparison.
_SETTINGS = {
    np.dtype(np.float64): (1e-6, 1e-5, 1e-6),
    np.dtype(np.float32): (1e-3, 2e-2, 2e-3),
    np.dtype(np.float16): (1e-2, 1e-1, 5e-2),
    np.dtype(np.complex128): (1e-6, 1e-5, 1e-6),
    np.dtype(np.complex64): (1e-3, 2e-2, 2e-3),
}


class GradientMismatch(AssertionError):
    """Analytic and numeric gradients disagree."""


def check_gradients(
    builder, inputs, order: int = 1, rtol=None, atol=None, seed: int = 0, projections: int = 2
):
    """Checks d(builder)/d(inputs) against central differences; `order` 1 or 2.

    Args:
      builder: function of one Tensor per input array, returning a Tensor or a list.
      inputs: the input arrays (float or complex); their dtypes are the op's dtypes.
      order: 1 checks the gradient; 2 also checks the gradient of the gradient.
      rtol, atol: override the per-dtype tolerances.
      seed: seeds the projections and directions.
      projections: how many random output projections c to check.
    """
    inputs = [np.asarray(x) for x in inputs]
    rng = np.random.default_rng(seed)
    for _ in range(projections):
        _check_once(builder, inputs, rng, rtol, atol)
    if order >= 2:
        second = _gradient_builder(builder, inputs, rng)
        for _ in range(projections):
            _check_once(second, inputs, rng, rtol, atol)


def _gradient_builder(builder, inputs, rng):
    """x -> <c, dL/dx> for a fixed random c: its gradient is a Hessian-vector product."""
    weights = [_projection(rng, np.shape(x), x.dtype) for x in inputs]

    def build(*xs):
        scalar = _projected_scalar(builder(*xs), rng_seed=int(rng.integers(1 << 30)))
        grads = tf.gradients(scalar, list(xs))
        terms = [tf.reduce_sum(g * tf.constant(w)) for g, w in zip(grads, weights) if g is not None]
        return tf.add_n(terms) if len(terms) > 1 else terms[0]

    return build


def _projection(rng, shape, dtype):
    values = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        values = values + 1j * rng.normal(size=shape)
    return values.astype(dtype)


def _float_outputs(outputs):
    items = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [t for t in items if t is not None and (t.dtype.is_floating or t.dtype.is_complex)]


def _projected_scalar(outputs, rng_seed: int):
    rng = np.random.default_rng(rng_seed)
    terms = []
    for tensor in _float_outputs(outputs):
        shape = tf.shape(tensor)
        dtype = tensor.dtype.base_dtype
        weights = tf.constant(rng.normal(size=16).astype(dtype.real_dtype.as_numpy_dtype))
        # Weights of the output's dynamic shape, cycled from a fixed pool: deterministic.
        size = tf.size(tensor)
        index = tf.math.floormod(tf.range(size), 16)
        c = tf.reshape(tf.gather(weights, index), shape)
        if dtype.is_complex:
            c = tf.cast(c, dtype)
            terms.append(tf.math.real(tf.reduce_sum(tensor * c)))
            continue
        terms.append(tf.reduce_sum(tensor * c))
    if not terms:
        raise ValueError("the builder has no float outputs to differentiate")
    return tf.add_n(terms) if len(terms) > 1 else terms[0]


def _check_once(builder, inputs, rng, rtol, atol):
    with tf.Graph().as_default() as graph:
        placeholders = [tf.placeholder(tf.as_dtype(x.dtype), shape=x.shape) for x in inputs]
        scalar = _projected_scalar(builder(*placeholders), int(rng.integers(1 << 30)))
        grads = tf.gradients(scalar, placeholders)
        with tf.Session(graph=graph) as sess:

            def evaluate(values):
                return float(np.real(sess.run(scalar, dict(zip(placeholders, values)))))

            fetch = [g for g in grads if g is not None]
            analytic_values = iter(sess.run(fetch, dict(zip(placeholders, inputs))))
            analytic = [None if g is None else _dense(next(analytic_values)) for g in grads]
            for index, x in enumerate(inputs):
                _compare(index, x, analytic[index], inputs, evaluate, rng, rtol, atol)


def _dense(value):
    if hasattr(value, "indices") and hasattr(value, "values"):
        dense = np.zeros(value.dense_shape, dtype=value.values.dtype)
        np.add.at(dense, value.indices, value.values)
        return dense
    return np.asarray(value)


def _compare(index, x, analytic, inputs, evaluate, rng, rtol, atol):
    step, default_rtol, default_atol = _SETTINGS[x.dtype]
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if analytic is None:
        analytic = np.zeros(x.shape, dtype=x.dtype)
    if x.size <= FULL_LIMIT:
        numeric = _numeric_full(index, x, inputs, evaluate, step)
        _assert_close(analytic, numeric, rtol, atol, f"input {index} (element-wise)")
        return
    direction = rng.normal(size=x.shape)
    numeric = _numeric_directional(index, x, inputs, evaluate, step, direction)
    projected = (
        float(np.real(np.sum(np.conj(analytic) * direction)))
        if x.dtype.kind == "c"
        else float(np.sum(analytic.astype(np.float64) * direction))
    )
    _assert_close(
        np.array(projected), np.array(numeric), rtol, atol, f"input {index} (random direction)"
    )


def _perturbed(inputs, index, value):
    return [value if i == index else x for i, x in enumerate(inputs)]


def _numeric_full(index, x, inputs, evaluate, step):
    flat = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64).reshape(-1)
    result = np.zeros(flat.shape, dtype=np.complex128 if x.dtype.kind == "c" else np.float64)
    for position in range(flat.size):
        result[position] = _derivative(index, x, inputs, evaluate, step, flat, position, 1.0)
        if x.dtype.kind == "c":
            imaginary = _derivative(index, x, inputs, evaluate, step, flat, position, 1j)
            result[position] += 1j * imaginary
    return result.reshape(x.shape)


def _derivative(index, x, inputs, evaluate, step, flat, position, unit):
    h = step * max(1.0, abs(flat[position]))
    plus, minus = flat.copy(), flat.copy()
    plus[position] += unit * h
    minus[position] -= unit * h
    up = evaluate(_perturbed(inputs, index, plus.reshape(x.shape).astype(x.dtype)))
    down = evaluate(_perturbed(inputs, index, minus.reshape(x.shape).astype(x.dtype)))
    return (up - down) / (2 * h)


def _numeric_directional(index, x, inputs, evaluate, step, direction):
    scale = step * max(1.0, float(np.max(np.abs(x))))
    base = x.astype(np.float64)
    up = evaluate(_perturbed(inputs, index, (base + scale * direction).astype(x.dtype)))
    down = evaluate(_perturbed(inputs, index, (base - scale * direction).astype(x.dtype)))
    return (up - down) / (2 * scale)


def _assert_close(analytic, numeric, rtol, atol, where):
    analytic = np.asarray(analytic).astype(
        np.complex128 if np.iscomplexobj(analytic) else np.float64
    )
    if not np.allclose(analytic, numeric, rtol=rtol, atol=atol):
        worst = np.max(np.abs(analytic - numeric))
        raise GradientMismatch(
            f"gradient mismatch for {where}: max |analytic - numeric| = "
            f"{worst:.3g}\nanalytic={analytic!r}\nnumeric={numeric!r}"
        )
