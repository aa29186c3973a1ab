"""Math and nn ops against golden files recorded from real TensorFlow (tools/goldens/math.py,
tools/goldens/nn.py).

Each golden is a Python expression over named inputs, evaluated here with `tf` bound to
ndflow in the placeholder modes the recording used. Static shapes and dtypes, the values
(exactly, signed zeros included, unless the case gives a relative tolerance), and the error
classes and messages at graph build or at run time must match TF's.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from tests.support import golden

FAMILIES = ("math", "nn")


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()


def _placeholder(name, value, mode):
    shape = {
        "static": value.shape,
        "const": value.shape,
        "dynamic": [None] * value.ndim,
        "unknown_rank": None,
    }[mode]
    dtype = tf.string if value.dtype.kind == "S" else dtypes.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=shape, name=name)


def _feed_value(value):
    return value.astype(object) if value.dtype.kind == "S" else value


def _compare(actual, expected, rtol, context):
    actual = np.asarray(actual)
    if expected.dtype.kind == "S":
        expected = expected.astype(object)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    if actual.dtype.kind not in "fc":
        np.testing.assert_array_equal(actual, expected, err_msg=context)
        return
    if rtol:
        wide = np.complex128 if actual.dtype.kind == "c" else np.float64
        np.testing.assert_allclose(
            actual.astype(wide), expected.astype(wide), rtol=rtol, atol=0, err_msg=context
        )
        return
    np.testing.assert_array_equal(actual, expected, err_msg=context)
    zeros = expected.real == 0
    np.testing.assert_array_equal(
        np.signbit(actual.real[zeros]),
        np.signbit(expected.real[zeros]),
        err_msg=f"{context} (signed zeros)",
    )


def _build(expr, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    scope = {"tf": NAMESPACE, "np": np, **feeds}
    result = eval(expr, scope)  # noqa: S307 - the recorded case table
    return result, {feeds[name]: _feed_value(value) for name, value in inputs.items()}


def _check_build_error(expected, arrays, meta, mode, context):
    try:
        _build(meta["call"], arrays, mode)
    except Exception as err:  # noqa: BLE001 - compared by class name and message below
        assert type(err).__name__ == expected["build_error"], f"{context}: {err!r}"
        assert expected["message"] in str(err), f"{context}: {err}"
        return
    raise AssertionError(f"{context}: expected {expected['build_error']}: {expected['message']}")


def _check_mode(family, case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{family}/{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            _check_build_error(expected, arrays, meta, mode, context)
            return
        result, feed = _build(meta["call"], arrays, mode)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                error_class = getattr(tf.errors, expected["run_error"])
                with pytest.raises(error_class) as caught:
                    sess.run(outputs, feed)
                assert expected["message"] in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        want = arrays[f"{mode}_out{index}"]
        _compare(value, want, meta["rtol"], f"{context} output {index}")


CASES = [(family, case) for family in FAMILIES for case in golden.cases(family)]


def test_goldens_were_recorded():
    assert len(golden.cases("math")) > 100
    assert len(golden.cases("nn")) >= 10


@pytest.mark.parametrize(("family", "case"), CASES, ids=[f"{f}/{c}" for f, c in CASES])
def test_golden(family, case):
    arrays, meta = golden.load(family, case)
    for mode in meta["modes"]:
        _check_mode(family, case, arrays, meta, mode)
