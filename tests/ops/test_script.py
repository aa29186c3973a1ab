"""PyFunc / PyFuncStateless (`tf.py_func`, `tf.numpy_function`): Python callables as ops."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

OP_SPECS = [
    OpSpec(
        "PyFunc",
        lambda x: tf.py_func(lambda a: np.sin(a) * 2, [x], tf.float32),
        reference=lambda x: np.sin(x) * 2,
        shapes=[(3, 4)],
        shape_cases=[ShapeCase([[3, 4]], expected=None)],
        grad="a Python function (TF declares PyFunc not differentiable)",
    ),
    OpSpec(
        "PyFuncStateless",
        lambda x: tf.numpy_function(lambda a: a[::-1].copy(), [x], tf.float32, stateful=False),
        reference=lambda x: x[::-1],
        shapes=[(5,)],
        shape_cases=[ShapeCase([[5]], expected=None)],
        grad="a Python function (TF declares PyFuncStateless not differentiable)",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_several_outputs_and_strings():
    with tf.Graph().as_default():
        x = tf.constant([1, 2, 3])
        doubled, words = tf.py_func(
            lambda a: (a * 2, np.array(["a", "bc"])), [x], [tf.int32, tf.string]
        )
        assert isinstance(doubled, tf.Tensor) and words.dtype == tf.string
        values = _run([doubled, words])
    np.testing.assert_array_equal(values[0], [2, 4, 6])
    assert list(values[1]) == [b"a", b"bc"]


def test_no_outputs_returns_the_operation():
    calls = []
    with tf.Graph().as_default():
        op = tf.py_func(lambda a: calls.append(int(a)), [tf.constant(5)], [])
        assert isinstance(op, tf.Operation)
        _run(op)
    assert calls == [5]


def test_wrong_result_dtype_is_invalid_argument_as_in_tf1():
    with tf.Graph().as_default():
        y = tf.py_func(lambda: np.float64(1.0), [], tf.float32)
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"0-th value returned by pyfunc_\d+ is double, but expects "
            "float",
        ):
            _run(y)


@pytest.mark.parametrize(
    "raised, error_class",
    [
        (ValueError("bad value"), tf.errors.InvalidArgumentError),
        (TypeError("bad type"), tf.errors.InvalidArgumentError),
        (StopIteration(), tf.errors.OutOfRangeError),
        (NotImplementedError("later"), tf.errors.UnimplementedError),
        (RuntimeError("other"), tf.errors.UnknownError),
    ],
)
def test_python_errors_map_to_tf_classes_with_their_traceback(raised, error_class):
    def fail():
        raise raised

    with tf.Graph().as_default():
        y = tf.py_func(fail, [], tf.int64)
        with pytest.raises(error_class) as info:
            _run(y)
    assert "Traceback" in str(info.value)
    assert "in fail" in str(info.value)


def test_callable_survives_inside_a_traced_function():
    with tf.Graph().as_default():
        dataset = tf.data.Dataset.range(3).map(
            lambda x: tf.py_func(lambda v: v * 10, [x], tf.int64)
        )
        values = list(dataset)
    assert [int(v) for v in values] == [0, 10, 20]
