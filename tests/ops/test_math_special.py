"""The vectorized special functions behind Erf, Erfc, Lgamma and Digamma
(ndflow/ops/math/special.py): float64 accuracy against Python's `math` module and exact
identities, on dense grids; poles, infinities and dtype preservation."""

from __future__ import annotations

import math
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

from ndflow.ops.math import special

EULER_GAMMA = 0.57721566490153286061


def _relative_error(actual, expected, floor=1e-300):
    return np.abs(actual - expected) / np.maximum(np.abs(expected), floor)


def test_erf_matches_math_erf_to_float64_precision():
    x = np.concatenate([np.linspace(-7, 7, 40001), [0.0, 0.46875, -0.46875, 4.0, 1e-300]])
    expected = np.array([math.erf(v) for v in x])
    assert _relative_error(special.erf(x), expected).max() < 1e-15


def test_erfc_matches_math_erfc_without_cancellation():
    x = np.concatenate([np.linspace(-6, 26, 40001), [0.5, 4.0, 10.0, 20.0]])
    expected = np.array([math.erfc(v) for v in x])
    normal = expected > 1e-300
    assert _relative_error(special.erfc(x)[normal], expected[normal]).max() < 1e-14
    assert special.erfc(np.array([27.0, 100.0, np.inf])).tolist() == [0.0, 0.0, 0.0]


def test_erf_limits_and_nan():
    assert special.erf(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert special.erfc(np.array([-np.inf])).tolist() == [2.0]
    assert np.isnan(special.erf(np.array([np.nan]))).all()


def test_lgamma_matches_math_lgamma():
    x = np.concatenate(
        [
            np.linspace(-30.3, 180, 100003),
            np.geomspace(1e-300, 1e300, 3001),
            -np.geomspace(1e-300, 1e8, 3001) - 0.25,
        ]
    )
    x = x[~((x <= 0) & (x == np.floor(x)))]
    expected = np.array([math.lgamma(v) for v in x])
    error = np.abs(special.lgamma(x) - expected) / np.maximum(np.abs(expected), 1.0)
    assert error.max() < 1e-13


def test_lgamma_poles_and_infinities_are_inf():
    x = np.array([0.0, -0.0, -1.0, -2.0, -1e10, np.inf, -np.inf])
    assert np.all(special.lgamma(x) == np.inf)
    assert np.isnan(special.lgamma(np.array([np.nan]))).all()
    assert special.lgamma(np.array([1.0, 2.0])) == pytest.approx([0.0, 0.0], abs=1e-15)


def _harmonic(n: int) -> float:
    return float(sum(Fraction(1, k) for k in range(1, n)))


def test_digamma_at_integers_is_minus_gamma_plus_harmonic_numbers():
    n = np.arange(1, 60)
    expected = np.array([-EULER_GAMMA + _harmonic(int(k)) for k in n])
    assert _relative_error(special.digamma(n.astype(np.float64)), expected, 1.0).max() < 1e-15


def test_digamma_at_half_integers():
    n = np.arange(0, 40)
    expected = np.array(
        [
            -EULER_GAMMA
            - 2 * math.log(2)
            + float(sum(Fraction(2, 2 * k - 1) for k in range(1, int(m) + 1)))
            for m in n
        ]
    )
    assert _relative_error(special.digamma(n + 0.5), expected, 1.0).max() < 1e-14


def test_digamma_satisfies_recurrence_and_reflection():
    x = np.linspace(0.01, 30.0, 20001)
    recurrence = special.digamma(x + 1) - special.digamma(x) - 1 / x
    assert np.abs(recurrence).max() < 1e-12 * np.maximum(1, 1 / x).max()
    y = np.linspace(0.013, 0.987, 5001)
    reflection = special.digamma(1 - y) - special.digamma(y) - np.pi / np.tan(np.pi * y)
    assert np.abs(reflection).max() < 1e-12
    negative = -y - 3
    direct = special.digamma(negative)
    shifted = special.digamma(negative + 4) - sum(1 / (negative + k) for k in range(4))
    assert _relative_error(direct, shifted, 1.0).max() < 1e-11


def test_digamma_poles_and_limits():
    poles = special.digamma(np.array([0.0, -0.0, -1.0, -7.0, -1e10, -np.inf, np.nan]))
    assert np.isnan(poles).all()
    assert special.digamma(np.array([np.inf])).tolist() == [np.inf]
    assert special.digamma(np.array([1e-300]))[0] == pytest.approx(-1e300, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("fn", [special.erf, special.erfc, special.lgamma, special.digamma])
def test_dtype_and_shape_are_preserved(fn, dtype):
    x = np.linspace(0.5, 3.0, 12, dtype=dtype).reshape(3, 4)
    result = fn(x)
    assert result.dtype == dtype and result.shape == (3, 4)
    scalar = fn(np.array(1.5, dtype))
    assert scalar.shape == () and scalar.dtype == dtype


def test_bfloat16_is_computed_wide_and_rounded_back():
    x = np.array([0.5, 1.5], ml_dtypes.bfloat16)
    result = special.lgamma(x)
    assert result.dtype == x.dtype
    np.testing.assert_allclose(
        result.astype(np.float64), [math.lgamma(0.5), math.lgamma(1.5)], rtol=1e-2
    )
