"""Parsing ops against golden files recorded from real TensorFlow (tools/goldens/parsing.py).

Each golden is a Python expression over string inputs (serialized Examples and
SequenceExamples, CSV records, raw bytes), evaluated here with `tf` bound to ndflow. The static
output shapes, the outputs (values and dtypes), and the error classes and messages must match
TensorFlow's.
"""

from __future__ import annotations

import base64
import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import golden

FAMILY = "parsing"


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()


def _decode_input(value):
    if isinstance(value, str):
        return base64.b64decode(value)
    return [_decode_input(item) for item in value]


def _expected_array(encoded):
    if encoded["dtype"] == "string":
        values = [base64.b64decode(v) for v in encoded["values"]]
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array.reshape(encoded["shape"])
    dtype = np.dtype(encoded["dtype"])
    if dtype.kind == "c":
        flat = [complex(float(re_), float(im)) for re_, im in encoded["values"]]
    elif dtype.kind == "f":
        flat = [float(v) for v in encoded["values"]]
    else:
        flat = [int(v) for v in encoded["values"]]
    return np.array(flat, dtype=dtype).reshape(encoded["shape"])


def _compare_array(actual, encoded, context):
    expected = _expected_array(encoded)
    if isinstance(actual, bytes):
        actual = np.array(actual, dtype=object)  # a scalar string fetch is bytes, as in TF
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    if encoded["dtype"] == "string":
        assert actual.dtype == object, f"{context}: dtype {actual.dtype} is not a string tensor"
        assert actual.reshape(-1).tolist() == expected.reshape(-1).tolist(), context
        return
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    np.testing.assert_array_equal(actual, expected, err_msg=context)
    if actual.dtype.kind == "f":
        # The sign of zeros matters; a NaN's sign is not recorded.
        signed = ~np.isnan(expected)
        np.testing.assert_array_equal(
            np.signbit(actual[signed]), np.signbit(expected[signed]), err_msg=context
        )


def _compare(actual, encoded, context):
    if "dict" in encoded:
        assert sorted(actual) == sorted(encoded["dict"]), context
        for key, value in encoded["dict"].items():
            _compare(actual[key], value, f"{context}[{key}]")
        return
    if "sparse" in encoded:
        parts = (actual.indices, actual.values, actual.dense_shape)
        for part, value, label in zip(parts, encoded["sparse"], ("indices", "values", "shape")):
            _compare_array(part, value, f"{context}.{label}")
        return
    if "list" in encoded:
        assert len(actual) == len(encoded["list"]), context
        for index, (item, value) in enumerate(zip(actual, encoded["list"])):
            _compare(item, value, f"{context}[{index}]")
        return
    _compare_array(actual, encoded["array"], context)


def _static_shapes(value):
    if isinstance(value, dict):
        return {key: _static_shapes(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_static_shapes(item) for item in value]
    if isinstance(value, tf.SparseTensor):
        return [
            _static_shapes(value.indices),
            _static_shapes(value.values),
            _static_shapes(value.dense_shape),
        ]
    return None if value.shape.rank is None else value.shape.as_list()


def _run(meta):
    inputs = {name: _decode_input(value) for name, value in meta["inputs"].items()}
    with tf.Graph().as_default() as graph:
        feeds = {
            name: tf.placeholder(tf.string, shape=np.shape(np.array(value, dtype=object)))
            for name, value in inputs.items()
        }
        namespace = {"tf": NAMESPACE, "np": np, **feeds}
        try:
            result = eval(meta["call"], namespace)  # noqa: S307 - the golden's own expression
        except (ValueError, TypeError, tf.errors.OpError) as err:
            return {"build_error": type(err).__name__, "message": str(err)}, None
        shapes = _static_shapes(result)
        feed_values = {feeds[name]: np.array(value, dtype=object) for name, value in inputs.items()}
        try:
            with tf.Session(graph=graph) as sess:
                return {"shapes": shapes}, sess.run(result, feed_values)
        except tf.errors.OpError as err:
            return {"shapes": shapes, "run_error": type(err).__name__, "message": err.message}, None


@pytest.mark.parametrize("case", golden.cases(FAMILY))
def test_parsing_matches_tensorflow(case):
    _, meta = golden.load(FAMILY, case)
    info, outputs = _run(meta)
    if "build_error" in meta:
        assert info.get("build_error") == meta["build_error"], f"{case}: {info}"
        assert meta["message"] in info["message"], f"{case}: {info['message']!r}"
        return
    assert "build_error" not in info, f"{case}: unexpected build error {info}"
    assert info["shapes"] == meta["shapes"], f"{case}: static shapes {info['shapes']}"
    if "run_error" in meta:
        assert info.get("run_error") == meta["run_error"], f"{case}: {info}"
        assert info["message"] == meta["message"]
        return
    assert "run_error" not in info, f"{case}: unexpected run error {info}"
    _compare(outputs, meta["outputs"], case)
