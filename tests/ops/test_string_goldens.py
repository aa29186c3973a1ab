"""String ops against golden files recorded from real TensorFlow (tools/goldens/strings.py).

Expression cases: each golden is a Python expression over named inputs, evaluated with `tf`
bound to ndflow in the placeholder modes the recording used; static shapes and dtypes,
values (exactly) and error classes and messages must match TF's. Hash cases: bucket ids of
FarmHash Fingerprint64, SipHash-2-4 and TF's Hash64 on strings of every length 0..300.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from tests.support import golden

FAMILY = "strings"


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
    dtype = tf.string if value.dtype.kind == "S" else dtypes.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=shape, name=name)


def _feed_value(value):
    return value.astype(object) if value.dtype.kind == "S" else value


def _build(expr, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    result = eval(expr, {"tf": NAMESPACE, "np": np, **feeds})  # noqa: S307 - the case table
    return result, {feeds[name]: _feed_value(value) for name, value in inputs.items()}


def _check_build_error(expected, arrays, expr, mode, context):
    with pytest.raises(Exception) as caught:  # noqa: B017 - the class name is compared below
        _build(expr, arrays, mode)
    assert type(caught.value).__name__ == expected["build_error"], f"{context}: {caught.value!r}"
    assert expected["message"] in str(caught.value), f"{context}: {caught.value}"


def _compare(actual, expected, context):
    if expected.dtype.kind == "S":
        # A string tensor arrives as an object array of bytes, a scalar one as bytes.
        assert isinstance(actual, bytes if expected.ndim == 0 else np.ndarray), context
        actual, expected = np.asarray(actual, dtype=object), expected.astype(object)
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    np.testing.assert_array_equal(actual, expected, err_msg=str(context))


def _check_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{FAMILY}/{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            _check_build_error(expected, arrays, meta["call"], mode, context)
            return
        result, feed = _build(meta["call"], arrays, mode)
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
        _compare(value, arrays[f"{mode}_out{index}"], f"{context} output {index}")


EXPRESSION_CASES = [c for c in golden.cases(FAMILY) if not c.startswith("hash_bucket")]
HASH_CASES = [c for c in golden.cases(FAMILY) if c.startswith("hash_bucket")]

# Known differences from TensorFlow, each with its reason.
KNOWN: dict[str, str] = {}


def _param(case):
    if case not in KNOWN:
        return case
    return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=f"#5: {KNOWN[case]}"))


def test_goldens_were_recorded():
    assert len(EXPRESSION_CASES) > 100
    assert len(HASH_CASES) == 5


@pytest.mark.parametrize("case", [_param(c) for c in EXPRESSION_CASES])
def test_golden(case):
    arrays, meta = golden.load(FAMILY, case)
    for mode in meta["modes"]:
        _check_mode(case, arrays, meta, mode)


def _hash_inputs(arrays):
    buffer = arrays["buffer"].tobytes()
    ends = np.cumsum(arrays["lengths"])
    return np.array([buffer[e - n : e] for e, n in zip(ends, arrays["lengths"])], dtype=object)


def _hash_builder(meta):
    if meta["op"] == "fast":
        return tf.strings.to_hash_bucket_fast
    if meta["op"] == "legacy":
        return tf.string_to_hash_bucket
    return lambda s, b: tf.strings.to_hash_bucket_strong(s, b, meta["key"])


@pytest.mark.parametrize("case", HASH_CASES)
def test_hash_buckets_equal_tensorflow(case):
    arrays, meta = golden.load(FAMILY, case)
    items = _hash_inputs(arrays)
    assert sorted(set(arrays["lengths"].tolist()))[:301] == list(range(301))
    with tf.Graph().as_default():
        strings = tf.placeholder(tf.string, [None])
        outputs = [_hash_builder(meta)(strings, b) for b in meta["buckets"]]
        with tf.Session() as sess:
            values = sess.run(outputs, {strings: items})
    for buckets, value in zip(meta["buckets"], values):
        np.testing.assert_array_equal(value, arrays[f"buckets_{buckets}"], err_msg=f"{buckets}")
