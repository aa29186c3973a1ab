"""Normalization ops against golden files recorded from real TensorFlow
(tools/goldens/normalization.py): LRN and LRNGrad, fused batch norm V1-V3 in training and
inference (running statistics, Bessel's correction, exponential averaging, empty batches,
NCHW/NDHWC/NCDHW, float16) with gradients and gradients of gradients, moments,
weighted_moments, batch_normalization, l2_normalize and zero_fraction. The runner is
test_nn_pool_goldens.py's."""

from __future__ import annotations

import pytest

from tests.ops import test_nn_pool_goldens as runner
from tests.support import golden

CASES = golden.cases("normalization")


def test_normalization_goldens_were_recorded():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_normalization_golden(case):
    arrays, meta = golden.load("normalization", case)
    for mode in meta["modes"]:
        runner.check_mode("normalization", case, arrays, meta, mode)
