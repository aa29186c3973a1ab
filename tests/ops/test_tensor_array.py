"""TensorArray (TensorArrayV3 family), map_fn/scan/foldl/foldr and hessians."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase


def _write_read(x):
    ta = tf.TensorArray(x.dtype, size=2, element_shape=x.shape)
    ta = ta.write(0, x * 2.0).write(1, x + 1.0)
    return [ta.read(1), ta.size()]


def _unstack_stack(x):
    ta = tf.TensorArray(x.dtype, size=tf.shape(x)[0])
    return ta.unstack(x).stack()


def _scatter_gather(x):
    ta = tf.TensorArray(x.dtype, size=3)
    ta = ta.scatter([2, 0, 1], x)
    return ta.gather([0, 2])


def _split_concat(x):
    ta = tf.TensorArray(x.dtype, size=2, clear_after_read=False)
    ta = ta.split(x, [1, 2])
    return ta.concat()


def _closed(x):
    ta = tf.TensorArray(x.dtype, size=1).write(0, x)
    value = ta.read(0)
    with tf.control_dependencies([value]):
        closed = ta.close()
    with tf.control_dependencies([closed]):
        return tf.identity(value)


OP_SPECS = [
    OpSpec(
        "TensorArrayV3",
        _write_read,
        reference=lambda x: [x + 1.0, np.int32(2)],
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="bookkeeping",
    ),
    OpSpec(
        "TensorArrayWriteV3",
        _write_read,
        reference=lambda x: [x + 1.0, np.int32(2)],
        shapes=[(2, 2)],
        shape_cases=[ShapeCase([[2, 2]], expected=[2, 2])],
    ),
    OpSpec(
        "TensorArrayReadV3",
        _write_read,
        reference=lambda x: [x + 1.0, np.int32(2)],
        shapes=[()],
        shape_cases=[ShapeCase([[]], expected=[])],
    ),
    OpSpec(
        "TensorArraySizeV3",
        lambda x: tf.TensorArray(tf.float32, size=tf.size(x), dynamic_size=True).size(),
        reference=lambda x: np.int32(x.size),
        shapes=[(4,)],
        shape_cases=[ShapeCase([[4]], expected=[])],
        grad="bookkeeping",
    ),
    OpSpec(
        "TensorArrayScatterV3",
        _scatter_gather,
        reference=lambda x: x[[1, 0]],
        shapes=[(3, 2)],
        dtypes=[tf.float32, tf.int32],
        shape_cases=[ShapeCase([[3, 2]], expected=[2, 2])],
    ),
    OpSpec(
        "TensorArrayGatherV3",
        _unstack_stack,
        reference=lambda x: x,
        shapes=[(4, 3)],
        dtypes=[tf.float64],
        shape_cases=[ShapeCase([[None, 3]], expected=[None, 3])],
    ),
    OpSpec(
        "TensorArraySplitV3",
        _split_concat,
        reference=lambda x: x,
        shapes=[(3, 2)],
        shape_cases=[ShapeCase([[3, 2]], expected=None)],
    ),
    OpSpec(
        "TensorArrayConcatV3",
        _split_concat,
        reference=lambda x: x,
        shapes=[(3,)],
        dtypes=[tf.int64],
        shape_cases=[ShapeCase([[3]], expected=None)],
    ),
    OpSpec(
        "TensorArrayCloseV3",
        _closed,
        reference=lambda x: x,
        shapes=[(2,)],
        shape_cases=[ShapeCase([[2]], expected=[2])],
        grad="bookkeeping",
    ),
    OpSpec(
        "TensorArrayGradV3",
        lambda x: tf.gradients(tf.reduce_sum(_unstack_stack(x) * x), [x])[0],
        reference=lambda x: 2 * x,
        shapes=[(2, 3)],
        shape_cases=[ShapeCase([[2, 3]], expected=[2, 3])],
        grad="bookkeeping",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_rows(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)
    op_check.check_shape_cases(spec)


GRAD_SPECS = [
    GradSpec("TensorArrayReadV3", lambda x: _write_read(x)[0] * x, [np.array([1.0, -2.0])]),
    GradSpec("TensorArrayWriteV3", lambda x: _write_read(x)[0], [np.array([0.5, 3.0])]),
    GradSpec(
        "TensorArrayGatherV3",
        lambda x: _unstack_stack(x) ** 2,
        [np.array([[1.0, 2.0], [3.0, -1.0]])],
    ),
    GradSpec(
        "TensorArrayScatterV3", _scatter_gather, [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])]
    ),
    GradSpec("TensorArraySplitV3", lambda x: _split_concat(x) * x, [np.array([1.0, 2.0, -3.0])]),
    GradSpec("TensorArrayConcatV3", _split_concat, [np.array([0.5, 2.0, 1.5])]),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradients(spec):
    spec.check()


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_tensor_array_in_a_while_loop_and_its_gradient(graph):
    x = tf.placeholder(tf.float32, [4])
    ta = tf.TensorArray(tf.float32, size=4)

    def body(i, acc):
        return i + 1, acc.write(i, x[i] * tf.cast(i + 1, tf.float32))

    _, filled = tf.while_loop(lambda i, _: i < 4, body, [tf.constant(0), ta])
    stacked = filled.stack()
    (grad,) = tf.gradients(tf.reduce_sum(stacked * stacked), [x])
    with tf.Session() as sess:
        values, dx = sess.run([stacked, grad], {x: [1.0, 2.0, 3.0, 4.0]})
    np.testing.assert_allclose(values, [1.0, 4.0, 9.0, 16.0])
    np.testing.assert_allclose(dx, 2 * values * np.array([1.0, 2.0, 3.0, 4.0]))


def test_tensor_array_errors(graph):
    ta = tf.TensorArray(tf.float32, size=1)
    twice = ta.write(0, 1.0).write(0, 2.0)
    read_twice = ta.write(0, 1.0)
    first = read_twice.read(0)
    with tf.control_dependencies([first]):
        second = read_twice.read(0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="already been written"):
            sess.run(twice.flow)
        with pytest.raises(tf.errors.InvalidArgumentError, match="read index 0 twice"):
            sess.run(second)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable"):
            sess.run(ta.write(3, 1.0).flow)


def test_dynamic_size_grows(graph):
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    ta = ta.write(0, 5).write(2, 7).write(1, 6)
    with tf.Session() as sess:
        assert sess.run(ta.stack()).tolist() == [5, 6, 7]


def test_map_fn(graph):
    elems = tf.constant([1.0, 2.0, 3.0])
    squares = tf.map_fn(lambda x: x * x, elems)
    pairs = tf.map_fn(lambda p: p[0] * p[1], (elems, elems + 1.0), dtype=tf.float32)
    multi = tf.map_fn(lambda x: (x, -x), elems, dtype=(tf.float32, tf.float32))
    assert squares.shape.as_list() == [3]
    with tf.Session() as sess:
        assert sess.run(squares).tolist() == [1.0, 4.0, 9.0]
        assert sess.run(pairs).tolist() == [2.0, 6.0, 12.0]
        positive, negative = sess.run(multi)
    assert negative.tolist() == [-1.0, -2.0, -3.0]


def test_scan_and_folds(graph):
    elems = tf.constant([1, 2, 3, 4])
    running = tf.scan(lambda a, x: a + x, elems)
    with_init = tf.scan(lambda a, x: a * x, elems, initializer=tf.constant(1))
    backwards = tf.scan(lambda a, x: a + x, elems, reverse=True)
    left = tf.foldl(lambda a, x: a - x, elems)
    right = tf.foldr(lambda a, x: a - x, elems)
    with tf.Session() as sess:
        assert sess.run(running).tolist() == [1, 3, 6, 10]
        assert sess.run(with_init).tolist() == [1, 2, 6, 24]
        assert sess.run(backwards).tolist() == [10, 9, 7, 4]
        assert sess.run(left) == 1 - 2 - 3 - 4
        assert sess.run(right) == 4 - 3 - 2 - 1


def test_map_fn_is_differentiable(graph):
    x = tf.placeholder(tf.float64, [3])
    y = tf.map_fn(lambda v: tf.sin(v) * v, x)
    (grad,) = tf.gradients(tf.reduce_sum(y), [x])
    value = np.array([0.3, -1.2, 2.0])
    with tf.Session() as sess:
        np.testing.assert_allclose(
            sess.run(grad, {x: value}), np.cos(value) * value + np.sin(value), rtol=1e-10
        )


def test_hessians(graph):
    x = tf.placeholder(tf.float64, [2])
    y = tf.reduce_sum(x * x * x) + x[0] * x[1]
    (hessian,) = tf.hessians(y, [x])
    with tf.Session() as sess:
        value = sess.run(hessian, {x: [1.0, 2.0]})
    np.testing.assert_allclose(value, [[6.0, 1.0], [1.0, 12.0]])
