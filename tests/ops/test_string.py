"""String ops: StringJoin (`tf.strings.join`)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

STR = tf.string


def _join_reference(a, b):
    return np.array([x + b"-" + y for x, y in zip(a.ravel(), b.ravel())], dtype=object).reshape(
        a.shape
    )


OP_SPECS = [
    OpSpec(
        "StringJoin",
        lambda a, b: tf.strings.join([a, b], separator="-"),
        reference=_join_reference,
        shapes=[(2, 3), (2, 3)],
        dtypes=[STR],
        cases=[
            (
                [np.array(b"x", dtype=object), np.array([b"a", b"b"], dtype=object)],
                np.array([b"x-a", b"x-b"], dtype=object),
            )
        ],
        shape_cases=[
            ShapeCase([([2], STR), ([], STR)], expected=[2]),
            ShapeCase([([None, 3], STR), ([2, None], STR)], expected=[2, 3]),
            ShapeCase([(None, STR), ([4], STR)], expected=[4]),
            ShapeCase([([2], STR), ([3], STR)], error="Input shapes do not match"),
        ],
        grad="strings have no gradient",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_forward(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def test_seed_string_join():
    with tf.Graph().as_default():
        x = tf.constant("hello")
        y = tf.constant("world")
        z = tf.strings.join([x, y], separator=" ")
        assert str(z) == 'Tensor("StringJoin:0", shape=(), dtype=string)'
        with tf.Session() as sess:
            assert sess.run(z) == b"hello world"


def test_mismatched_runtime_shapes_are_invalid_argument():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.string, [None])
        b = tf.placeholder(tf.string, [None])
        joined = tf.strings.join([a, b])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Input shapes do not match"):
                sess.run(joined, {a: ["a", "b"], b: ["c"]})
