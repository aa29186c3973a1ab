"""Independent references for the math family, written differently from the kernels: element
by element in Python (the `math`/`cmath` modules, Python's exact integers, wrapped to the
dtype afterwards), explicit loops for reductions, scans, segments and sorting, and
`np.einsum` for matrix products.
"""

from __future__ import annotations

import cmath
import itertools
import math

import numpy as np


def wrap(value: int, dtype: np.dtype) -> int:
    """A Python int reduced modulo 2**bits into `dtype`'s range (C's wrap-around)."""
    info = np.iinfo(dtype)
    span = int(info.max) - int(info.min) + 1
    return (int(value) - int(info.min)) % span + int(info.min)


def _store(values, shape, dtype):
    """Python results as an array of `dtype`: integers wrapped, floats rounded once."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return np.array([wrap(v, dtype) for v in values], dtype=dtype).reshape(shape)
    if dtype.kind == "b":
        return np.array(values, dtype=bool).reshape(shape)
    if dtype.kind == "c":
        return np.array(values, dtype=np.complex128).astype(dtype).reshape(shape)
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(dtype).reshape(shape)


def _python(value):
    """A NumPy element as a Python number (bfloat16/half through float)."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    kind = np.asarray(value).dtype.kind
    if kind in "iu":
        return int(value)
    if kind == "c":
        return complex(value)
    return float(value)


def elementwise(fn, *arrays, dtype=None):
    """`fn` on Python scalars for every broadcast position; stored as `dtype` (default the
    first input's)."""
    arrays = [np.asarray(a) for a in arrays]
    shape = np.broadcast_shapes(*[a.shape for a in arrays])
    out = [fn(*[_python(v) for v in values]) for values in np.broadcast(*arrays)]
    return _store(out, shape, dtype or arrays[0].dtype)


def unary(real_fn, complex_fn=None):
    def reference(x):
        fn = complex_fn if np.asarray(x).dtype.kind == "c" else real_fn
        return elementwise(fn, x)

    return reference


def predicate(fn):
    return lambda x: elementwise(fn, x, dtype=np.bool_)


# ---------------------------------------------------------------------- scalar functions


def _guard(fn):
    """Python's math raises where IEEE returns inf/nan; give the IEEE answer instead."""

    def safe(*args):
        try:
            return fn(*args)
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError):
            return math.nan

    return safe


def sign(v):
    if isinstance(v, complex):
        return 0j if v == 0 else v / abs(v)
    if v != v:
        return v
    return (v > 0) - (v < 0)


def sigmoid(v):
    if isinstance(v, complex):
        return 1 / (1 + cmath.exp(-v))
    if v < -700:
        return 0.0
    return 1 / (1 + math.exp(-v))


def round_half_even(v):
    if isinstance(v, int):
        return v
    if isinstance(v, complex):
        return complex(round(v.real), round(v.imag))
    return float(round(v)) if math.isfinite(v) else v


def digamma(v):
    """psi(v) from math.lgamma by Richardson-extrapolated central differences."""
    steps = [1e-3 * max(1.0, abs(v)) / 2**k for k in range(3)]
    estimates = [(math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h) for h in steps]
    first = [(4 * estimates[k + 1] - estimates[k]) / 3 for k in range(2)]
    return (16 * first[1] - first[0]) / 15


def reciprocal(v):
    if isinstance(v, int):
        return int(1 / v)
    return _guard(lambda a: 1 / a)(v)


def trunc_div(a, b):
    if isinstance(a, int):
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    return _guard(lambda p, q: float(math.trunc(p / q)))(a, b)


def floor_div(a, b):
    if isinstance(a, int):
        return a // b
    return _guard(lambda p, q: float(math.floor(p / q)))(a, b)


def floor_mod(a, b):
    if isinstance(a, int):
        return a % b
    remainder = _guard(math.fmod)(a, b)
    if remainder != 0 and (b < 0) != (remainder < 0):
        return remainder + b
    return remainder


def trunc_mod(a, b):
    if isinstance(a, int):
        return a - trunc_div(a, b) * b
    return _guard(math.fmod)(a, b)


def divide(a, b):
    if isinstance(a, int):
        return trunc_div(a, b)
    if b == 0:
        return (
            complex("nan")
            if isinstance(a, complex) and a == 0
            else (a / abs(a) * math.inf if a else math.nan)
        )
    return a / b


def div_no_nan(a, b):
    return 0 * a if b == 0 else a / b


def power(a, b):
    if isinstance(a, int):
        return a**b
    if isinstance(a, complex):
        return a**b
    return _guard(math.pow)(a, b)


def squared_difference(a, b):
    d = a - b
    return d * d.conjugate() if isinstance(d, complex) else d * d


def clamp_shift(y, bits):
    return min(max(y, 0), bits - 1)


# ---------------------------------------------------------------------- reductions


def _axes(x, axis):
    rank = np.ndim(x)
    if axis is None:
        return tuple(range(rank))
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    return tuple(sorted({a % rank for a in items}))


def reduce(fn, x, axis=None, keepdims=False, dtype=None):
    """fn(list of Python values) for each output position, by explicit index loops."""
    x = np.asarray(x)
    axes = _axes(x, axis)
    kept = [d for d in range(x.ndim) if d not in axes]
    out_shape = (
        tuple(1 if d in axes else x.shape[d] for d in range(x.ndim))
        if keepdims
        else tuple(x.shape[d] for d in kept)
    )
    results = []
    for position in itertools.product(*[range(x.shape[d]) for d in kept]):
        values = []
        for reduced in itertools.product(*[range(x.shape[d]) for d in axes]):
            index = [0] * x.ndim
            for d, i in zip(kept, position):
                index[d] = i
            for d, i in zip(axes, reduced):
                index[d] = i
            values.append(_python(x[tuple(index)]))
        results.append(fn(values))
    return _store(results, out_shape, dtype or x.dtype)


def total(values):
    if values and isinstance(values[0], float):
        return math.fsum(values)
    return sum(values, 0)


def product(values):
    result = 1
    for v in values:
        result = result * v
    return result


def mean(values):
    if isinstance(values[0], int):
        return trunc_div(sum(values), len(values))
    return total(values) / len(values)


def arg_extreme(x, axis, pick_max=True):
    """Index of the first largest (smallest) value along `axis`, by a Python loop."""
    moved = np.moveaxis(np.asarray(x), axis, -1)
    out = np.zeros(moved.shape[:-1], np.int64)
    for position in np.ndindex(*moved.shape[:-1]):
        row = [_python(v) for v in moved[position]]
        best = 0
        for index, value in enumerate(row):
            if (value > row[best]) if pick_max else (value < row[best]):
                best = index
        out[position] = best
    return out


def scan(x, axis, combine, identity, exclusive=False, reverse=False):
    moved = np.moveaxis(np.asarray(x), axis, -1)
    out = np.empty_like(moved)
    for position in np.ndindex(*moved.shape[:-1]):
        row = [_python(v) for v in moved[position]]
        order = list(range(len(row)))[::-1] if reverse else list(range(len(row)))
        running = identity
        for index in order:
            if exclusive:
                out[position + (index,)] = _store([running], (), out.dtype)
                running = combine(running, row[index])
            else:
                running = combine(running, row[index])
                out[position + (index,)] = _store([running], (), out.dtype)
    return np.moveaxis(out, -1, axis)


# ---------------------------------------------------------------------- segments, sorting


def segment_reduce(data, ids, num_segments, fn, empty):
    """Row groups by id in a dict, reduced with `fn`; missing segments are `empty`."""
    data = np.asarray(data)
    ids = np.asarray(ids)
    groups: dict = {}
    rows = data.reshape((ids.size,) + data.shape[ids.ndim :])
    for row, segment in zip(rows, ids.reshape(-1)):
        if segment >= 0:
            groups.setdefault(int(segment), []).append(row)
    out = np.full((num_segments,) + rows.shape[1:], empty, dtype=data.dtype)
    for segment, members in groups.items():
        for position in np.ndindex(*rows.shape[1:]):
            values = [_python(m[position]) for m in members]
            out[(segment,) + position] = _store([fn(values)], (), data.dtype)
    return out


def top_k(x, k):
    """(values, indices) of the k largest per row: sorted by value, then by index."""
    x = np.asarray(x)
    values = np.empty(x.shape[:-1] + (k,), x.dtype)
    indices = np.empty(x.shape[:-1] + (k,), np.int32)
    for position in np.ndindex(*x.shape[:-1]):
        row = [_python(v) for v in x[position]]
        order = sorted(range(len(row)), key=lambda i: (-row[i], i))[:k]
        indices[position] = order
        values[position] = [x[position][i] for i in order]
    return values, indices


def matmul(a, b, transpose_a=False, transpose_b=False):
    a = np.swapaxes(a, -1, -2) if transpose_a else a
    b = np.swapaxes(b, -1, -2) if transpose_b else b
    wide = a.dtype if a.dtype.kind in "iuc" else np.dtype(np.float64)
    result = np.einsum("...ij,...jk->...ik", a.astype(wide), b.astype(wide))
    return result.astype(a.dtype)


def softmax(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    for position in np.ndindex(*x.shape[:-1]):
        row = [float(v) for v in x[position]]
        top = max(row)
        weights = [math.exp(v - top) for v in row]
        norm = math.fsum(weights)
        out[position] = [w / norm for w in weights]
    return out


# ---------------------------------------------------------------------- complex parts


def complex_parts(part):
    """Real, Imag or Angle of each element with `cmath`, as float32/float64."""
    fns = {"real": lambda z: z.real, "imag": lambda z: z.imag, "angle": cmath.phase}

    def reference(z):
        z = np.asarray(z)
        out_dtype = np.float32 if z.dtype == np.complex64 else np.float64
        return elementwise(fns[part], z, dtype=out_dtype)

    return reference


def make_complex(real, imag):
    """complex(real, imag) element by element, broadcasting."""
    real = np.asarray(real)
    out_dtype = np.complex64 if real.dtype == np.float32 else np.complex128
    return elementwise(complex, real, imag, dtype=out_dtype)


# ---------------------------------------------------------------------- zeta, polygamma


def _zeta_scalar(x: float, q: float) -> float:
    """Hurwitz zeta by direct summation of 60 terms plus the Euler-Maclaurin tail to order 3
    (a different cut-off and tail than the kernel's)."""
    if x == 1.0:
        return math.inf
    if x < 1.0 or q <= 0.0:
        return math.nan
    n = 60
    head = math.fsum((q + k) ** -x for k in range(n))
    a = q + n
    tail = a ** (1 - x) / (x - 1) + 0.5 * a**-x + x / 12 * a ** (-x - 1)
    tail -= x * (x + 1) * (x + 2) / 720 * a ** (-x - 3)
    return head + tail


def zeta(x, q):
    return elementwise(_zeta_scalar, x, q)


def _polygamma_scalar(n: float, x: float) -> float:
    if n != math.floor(n) or x <= 0:
        return math.nan
    if n == 0:
        return digamma(x)
    return (-1) ** (int(n) + 1) * math.factorial(int(n)) * _zeta_scalar(n + 1, x)


def polygamma(n, x):
    return elementwise(_polygamma_scalar, n, x)


# ---------------------------------------------------------------------- gradient ops


def grad_op(kind):
    """The cwise gradient ops z(y, dy), element by element (y conjugated where TF does)."""
    fns = {
        "SigmoidGrad": lambda y, dy: dy * y * (1 - y),
        "TanhGrad": lambda y, dy: dy * (1 - y * y),
        "SqrtGrad": lambda y, dy: 0.5 * dy / y.conjugate(),
        "RsqrtGrad": lambda y, dy: -0.5 * dy * y.conjugate() ** 3,
        "ReciprocalGrad": lambda y, dy: -dy * y.conjugate() ** 2,
    }

    def reference(y, dy):
        return elementwise(fns[kind], y, dy)

    return reference
