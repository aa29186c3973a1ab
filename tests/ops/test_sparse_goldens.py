"""The sparse op family against golden files recorded from real TensorFlow
(tools/goldens/sparse.py), run by the math family's golden runner: for each case and
placeholder mode, the static shapes and dtypes of every output (SparseTensors as [indices,
values, dense_shape]), the values, and TF's error classes and messages at graph build or at
run time (unsorted, repeated and out-of-bounds indices, shape and rank mismatches, bad axes).
"""

from __future__ import annotations

import pytest

from tests.ops import test_math_goldens as runner
from tests.support import golden

FAMILY = "sparse"
CASES = golden.cases(FAMILY)


def test_goldens_were_recorded():
    assert len(CASES) >= 90


@pytest.mark.parametrize("case", CASES)
def test_sparse_golden(case):
    arrays, meta = golden.load(FAMILY, case)
    for mode in meta["modes"]:
        runner._check_mode(FAMILY, case, arrays, meta, mode)
