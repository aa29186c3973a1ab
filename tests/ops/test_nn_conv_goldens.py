"""Convolutions against golden files recorded from real TensorFlow (tools/goldens/conv.py):
values of every convolution builder and of both backprop ops (through tf.gradients) for
SAME/VALID/EXPLICIT padding, strides, dilations, NCHW, groups, transposes, depthwise,
separable, atrous, 1-D and 3-D convolutions; static shapes; the shape-function errors and the
kernels' run-time errors, class and message. Evaluated with the runner of
test_math_goldens.py (same case format)."""

from __future__ import annotations

import pytest

from tests.ops import test_math_goldens as runner
from tests.support import golden

CASES = golden.cases("conv")


def test_goldens_were_recorded_on_both_kernel_sets():
    kernels = {golden.load("conv", case)[1]["kernels"] for case in CASES}
    assert len(CASES) > 90
    assert kernels == {"onednn", "eigen"}


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    arrays, meta = golden.load("conv", case)
    for mode in meta["modes"]:
        runner._check_mode("conv", case, arrays, meta, mode)
