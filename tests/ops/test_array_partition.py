"""DynamicPartition, DynamicStitch and ParallelDynamicStitch (ndflow/ops/array/partition.py)
against loop references: values (later indices win, gaps are zero), shape inference, TF's
errors, and their gradients (GRAD_SPECS). TF's recorded values are in tests/golden/nn_misc."""

from __future__ import annotations

import re

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.grad_check import GradSpec
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import nn_misc as ref

F16, F32, F64 = tf.float16, tf.float32, tf.float64
I32, I64, B, S = tf.int32, tf.int64, tf.bool, tf.string

PARTITIONS = np.array([[1, 0, 2], [1, 1, 0]], np.int32)
STITCH_A = np.array([0, 5], np.int32)
STITCH_B = np.array([[1, 2], [2, 7]], np.int32)


def raw(op_type, *inputs, **attrs):
    return op_builder.apply_op(op_type, *inputs, **attrs)


def _stitch_row(op_type):
    def build(a, b):
        return raw(op_type, [STITCH_A, STITCH_B], [a, b])

    return OpSpec(
        op_type,
        build,
        reference=lambda a, b: ref.dynamic_stitch([STITCH_A, STITCH_B], [a, b]),
        shapes=[(2, 3), (2, 2, 3)],
        dtypes=[F32, F64, I32, I64, B, F16, S],
        cases=[
            (
                [np.array([1.0, 2.0], np.float32), np.array([[3.0, 4.0], [5.0, 6.0]], np.float32)],
                np.array([1, 3, 5, 0, 0, 2, 0, 6], np.float32),
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3], [2, 2, 3]], expected=[8, 3]),
            ShapeCase([[None, 3], [2, 2, None]], expected=[8, 3]),
            ShapeCase([None, None], expected=None),
            ShapeCase([[2, 3], [2, 2, 4]], error="Dimension 0 in both shapes must be equal"),
            ShapeCase([[3], [2, 2]], error="Dimensions must be equal, but are 3 and 2"),
        ],
        id=op_type,
    )


def _stitch_dynamic_shapes(op_type):
    """Indices not known statically: the first dimension is unknown."""

    def build(i, d):
        return raw(op_type, [i, [1, 2]], [d, [[3.0], [4.0]]])

    return OpSpec(
        op_type,
        build,
        shape_cases=[
            ShapeCase([([2], I32), [2, 1]], expected=[None, 1]),
            ShapeCase([(None, I32), None], expected=[None, 1]),
            ShapeCase([([2, 2], I32), [2, 1]], error="Dimensions must be equal, but are 1 and 2"),
            ShapeCase([([2, 2], I32), [2]], error="Shape must be at least rank 2 but is rank 1"),
        ],
        id=f"{op_type}_dynamic_indices",
    )


OP_SPECS = [
    OpSpec(
        "DynamicPartition",
        lambda d: tf.dynamic_partition(d, PARTITIONS, 3),
        reference=lambda d: ref.dynamic_partition(d, PARTITIONS, 3),
        shapes=[(2, 3, 4)],
        dtypes=[F32, F64, I32, I64, B, F16, S],
        cases=[
            (
                [np.arange(6, dtype=np.int64).reshape(2, 3)],
                [
                    np.array([1, 5], np.int64),
                    np.array([0, 3, 4], np.int64),
                    np.array([2], np.int64),
                ],
            )
        ],
        shape_cases=[
            ShapeCase([[2, 3, 4]], expected=[None, 4]),
            ShapeCase([[None, None, 5]], expected=[None, 5]),
            ShapeCase([None], expected=None),
            ShapeCase([[2, 4]], error="Dimensions must be equal, but are 4 and 3"),
            ShapeCase([[2]], error="Shape must be at least rank 2 but is rank 1"),
        ],
    ),
    OpSpec(
        "DynamicPartition",
        lambda d, p: tf.dynamic_partition(d, p, 2),
        shape_cases=[
            ShapeCase([[4, 3], ([4], I32)], expected=[None, 3]),
            ShapeCase([[4, 3], (None, I32)], expected=None),
            ShapeCase([[4, 3], ([3], I32)], error="Dimensions must be equal, but are 4 and 3"),
        ],
        id="DynamicPartition_dynamic_partitions",
    ),
    _stitch_row("DynamicStitch"),
    _stitch_row("ParallelDynamicStitch"),
    _stitch_dynamic_shapes("DynamicStitch"),
    _stitch_dynamic_shapes("ParallelDynamicStitch"),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


_RNG = np.random.default_rng(3)
# Distinct indices: TF's stitch gradient also feeds entries another index overwrote.
_GRAD_B = np.array([[1, 2], [3, 7]], np.int32)

GRAD_SPECS = [
    GradSpec(
        "DynamicPartition",
        lambda d: tf.dynamic_partition(d, PARTITIONS, 3),
        [_RNG.normal(size=(2, 3, 2))],
        order=2,
    ),
    GradSpec(
        "DynamicStitch",
        lambda a, b: tf.dynamic_stitch([STITCH_A, _GRAD_B], [a, b]),
        [_RNG.normal(size=(2, 2)), _RNG.normal(size=(2, 2, 2))],
        order=2,
    ),
    GradSpec(
        "ParallelDynamicStitch",
        lambda a, b: raw("ParallelDynamicStitch", [STITCH_A, _GRAD_B], [a, b]),
        [_RNG.normal(size=(2,)), _RNG.normal(size=(2, 2))],
    ),
]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient(spec):
    spec.check()


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


def test_overwritten_stitch_entries_get_no_gradient_from_the_output():
    # Index 2 appears in both inputs: the later one (b) wins and takes its gradient; TF's
    # gradient still gathers it for the earlier one too (the values are simply ignored).
    with tf.Graph().as_default():
        a = tf.constant([1.0, 2.0], tf.float64)
        b = tf.constant([3.0, 4.0], tf.float64)
        merged = tf.dynamic_stitch([[0, 2], [2, 1]], [a, b])
        grads = tf.gradients(merged * tf.constant([5.0, 6.0, 7.0], tf.float64), [a, b])
        merged_value, grad_values = _run([merged, grads])
    np.testing.assert_array_equal(merged_value, [1.0, 4.0, 3.0])
    np.testing.assert_array_equal(grad_values[0], [5.0, 7.0])
    np.testing.assert_array_equal(grad_values[1], [7.0, 6.0])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.dynamic_partition([1.0, 2.0], [0, 2], 2), "partitions[1] = 2 is not in [0, 2)"),
        (
            lambda: tf.dynamic_partition(np.ones((2, 2)), [[0, 0], [-1, 0]], 2),
            "partitions[1,0] = -1 is not in [0, 2)",
        ),
        (lambda: tf.dynamic_stitch([[0, 1], [3, -2]], [[1.0, 2.0], [3.0, 4.0]]), "indices[1]"),
    ],
)
def test_runtime_index_errors(build, message):
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
            _run(build())


def test_runtime_shape_errors_name_both_shapes():
    with tf.Graph().as_default():
        indices = tf.placeholder(tf.int32)
        data = tf.placeholder(tf.float32)
        partitioned = tf.dynamic_partition(data, indices, 2)
        stitched = tf.dynamic_stitch([[0, 1], indices], [[1.0, 1.0], data])
        with pytest.raises(tf.errors.InvalidArgumentError, match="data.shape must start with"):
            _run(partitioned, {data: np.ones((4, 3)), indices: [0, 1, 0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="does not start with indices"):
            _run(stitched, {data: [3.0], indices: [2, 3]})
        with pytest.raises(
            tf.errors.InvalidArgumentError, match=re.escape("Need data[0].shape[1:]")
        ):
            _run(stitched, {data: [[3.0, 3.0], [4.0, 4.0]], indices: [2, 3]})


def test_scalar_partitions_and_empty_stitch():
    with tf.Graph().as_default():
        parts = tf.dynamic_partition(np.ones((2, 3), np.float32), 1, 2)
        empty = tf.dynamic_stitch([np.zeros(0, np.int32)], [np.zeros((0, 2), np.float32)])
        values = _run([parts, empty])
    assert values[0][0].shape == (0, 2, 3) and values[0][1].shape == (1, 2, 3)
    assert values[1].shape == (0, 2)
