"""Pooling ops against golden files recorded from real TensorFlow (tools/goldens/pooling.py):
SAME/VALID/explicit padding edges, 1-D/2-D/3-D, ties, -inf and NaN, average pooling's
padding exclusion, MaxPoolWithArgmax indices, tf.nn.pool with dilations, the gradients and
gradients of gradients, and TF's error classes and messages.

Each golden is an expression over named inputs evaluated with `tf` bound to ndflow in the
placeholder modes of the recording; a case with an "ndflow_call" (channels-first layouts,
which TF's CPU kernels reject) evaluates that call against TF's transposed result. Static
shapes, dtypes and values (exactly unless the case gives a relative tolerance) must match.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from tests.support import golden


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()


def _placeholder(name, value, mode):
    shape = {"static": value.shape, "const": value.shape, "dynamic": [None] * value.ndim}.get(mode)
    return tf.placeholder(dtypes.as_dtype(value.dtype), shape=shape, name=name)


def _build(expr, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    result = eval(expr, {"tf": NAMESPACE, "np": np, **feeds})  # noqa: S307 - recorded cases
    return result, {feeds[name]: value for name, value in inputs.items()}


def _compare(actual, expected, rtol, context):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    if actual.dtype.kind != "f" or not rtol:
        np.testing.assert_array_equal(actual, expected, err_msg=context)
        return
    np.testing.assert_allclose(
        actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=rtol,
        err_msg=context,
    )  # fmt: skip


def _check_build_error(expected, expr, arrays, mode, context):
    try:
        _build(expr, arrays, mode)
    except Exception as err:  # noqa: BLE001 - compared by class name and message below
        assert type(err).__name__ == expected["build_error"], f"{context}: {err!r}"
        assert expected["message"] in str(err), f"{context}: {err}"
        return
    raise AssertionError(f"{context}: expected {expected['build_error']}: {expected['message']}")


def check_mode(family, case, arrays, meta, mode):
    """Builds and runs one recorded case in one placeholder mode against TF's record."""
    expected = meta["modes"][mode]
    expr = meta.get("ndflow_call", meta["call"])
    context = f"{family}/{case}[{mode}]: {expr}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            _check_build_error(expected, expr, arrays, mode, context)
            return
        result, feed = _build(expr, arrays, mode)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                with pytest.raises(getattr(tf.errors, expected["run_error"])) as caught:
                    sess.run(outputs, feed)
                assert expected["message"] in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        _compare(value, arrays[f"{mode}_out{index}"], meta["rtol"], f"{context} output {index}")


CASES = golden.cases("pooling")


def test_pooling_goldens_were_recorded():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_pooling_golden(case):
    arrays, meta = golden.load("pooling", case)
    for mode in meta["modes"]:
        check_mode("pooling", case, arrays, meta, mode)
