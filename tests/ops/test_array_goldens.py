"""Array ops against golden files recorded from real TensorFlow (tools/goldens/array.py).

Each golden is a Python expression over named inputs; here it is evaluated with `tf` bound to
ndflow, in the three placeholder modes the recording used (full shapes, unknown dims, unknown
rank). The static shapes and dtypes, the values, and the error classes and messages (at graph
build or at run time) must match TF's.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops import array
from tests.support import golden

FAMILY = "array"
MODES = ("static", "dynamic", "unknown_rank")


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry.

    As in TF, `axis` names the op's axis-like input or attr (split_dim, squeeze_dims...).
    """

    _AXIS_NAMES = ("split_dim", "squeeze_dims", "dim", "reduction_indices", "concat_dim")

    def __getattr__(self, op_type):
        definition = registry.lookup_op(op_type)
        names = {a.name for a in definition.input_args} | set(definition.attr_map)
        axis_name = next((n for n in self._AXIS_NAMES if n in names), "axis")

        def build(name=None, **kwargs):
            if "axis" in kwargs and "axis" not in names:
                kwargs[axis_name] = kwargs.pop("axis")
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()
# The one-argument tf.where is the array family's; the full tf.where is the math family's.
NAMESPACE.where = getattr(tf, "where", array.where_indices)


def _placeholder(name, value, mode):
    shape = {"static": value.shape, "dynamic": [None] * value.ndim, "unknown_rank": None}[mode]
    dtype = tf.string if value.dtype.kind == "S" else dtypes.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=shape, name=name)


def _feed_value(value):
    return value.astype(object) if value.dtype.kind == "S" else value


def _compare(actual, expected, context):
    actual = np.asarray(actual)
    if expected.dtype.kind == "S":
        expected = expected.astype(object)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    if actual.dtype.kind in "fc":
        np.testing.assert_array_equal(actual, expected, err_msg=context)
        # NaN-aware equality above; also the sign of zeros (bitcast and copies must keep it).
        np.testing.assert_array_equal(np.signbit(actual.real), np.signbit(expected.real))
        return
    np.testing.assert_array_equal(actual, expected, err_msg=context)


def _build(expr, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    scope = {"tf": NAMESPACE, "np": np, **feeds}
    result = eval(expr, scope)  # noqa: S307 - the recorded case table
    return result, {feeds[name]: _feed_value(value) for name, value in inputs.items()}


def _check_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            with pytest.raises((ValueError, TypeError)) as caught:
                _build(meta["call"], arrays, mode)
            assert type(caught.value).__name__ == expected["build_error"], context
            assert expected["message"] in str(caught.value), f"{context}: {caught.value}"
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
        _compare(value, arrays[f"{mode}_out{index}"], f"{context} output {index}")


CASES = golden.cases(FAMILY)


def test_goldens_were_recorded():
    assert len(CASES) > 100


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_golden(case, mode):
    arrays, meta = golden.load(FAMILY, case)
    _check_mode(case, arrays, meta, mode)
