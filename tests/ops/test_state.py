"""Reference variables: VariableV2, Assign, AssignAdd, AssignSub, IsVariableInitialized and
`tf.Variable`, with TF1's names, collections and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import state
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase


def _assigned(op_type):
    def build(value):
        var = tf.Variable(tf.zeros_like(value), validate_shape=False)
        with tf.control_dependencies([var.initializer]):
            return tf.identity(state.apply_op(op_type, var._ref(), value))

    return build


OP_SPECS = [
    OpSpec(
        "VariableV2",
        _assigned("Assign"),
        reference=lambda x: x,
        shapes=[(3,)],
        dtypes=[tf.float32, tf.int64, tf.string],
        shape_cases=[
            ShapeCase([[2, 3]], expected=[2, 3]),
            ShapeCase([[None, 3]], expected=[None, 3]),
        ],
        grad="a variable has no inputs",
    ),
    OpSpec(
        "Assign",
        _assigned("Assign"),
        reference=lambda x: x,
        shapes=[(2, 3)],
        shape_cases=[ShapeCase([[2, 3]], expected=[2, 3])],
        grad="assignment",
    ),
    OpSpec(
        "AssignAdd",
        _assigned("AssignAdd"),
        reference=lambda x: x,
        shapes=[(4,)],
        dtypes=[tf.float32, tf.int32, tf.float64],
        shape_cases=[ShapeCase([[4]], expected=[4])],
        grad="assignment",
    ),
    OpSpec(
        "AssignSub",
        _assigned("AssignSub"),
        reference=lambda x: -x,
        shapes=[(4,)],
        dtypes=[tf.float32, tf.int64],
        shape_cases=[ShapeCase([[None]], expected=[None])],
        grad="assignment",
    ),
    OpSpec(
        "IsVariableInitialized",
        lambda x: tf.is_variable_initialized(tf.Variable(x, validate_shape=False)),
        cases=[([np.float32(1.0)], np.bool_(False))],
        shape_cases=[ShapeCase([[2]], expected=[])],
        grad="boolean",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_rows(spec):
    op_check.check_forward(spec)
    op_check.check_forward(spec, static=False)
    op_check.check_cases(spec)
    op_check.check_shape_cases(spec)


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def test_variable_graph_matches_tf1_names():
    v = tf.Variable(1.0)
    w = tf.Variable(lambda: tf.zeros([2]), name="w")
    graph = tf.get_default_graph()
    names = [(op.name, op.type) for op in graph.get_operations()]
    assert names[:4] == [
        ("Variable/initial_value", "Const"),
        ("Variable", "VariableV2"),
        ("Variable/Assign", "Assign"),
        ("Variable/read", "Identity"),
    ]
    assert ("w/Initializer/zeros", "Const") in names or any(
        n.startswith("w/Initializer/") for n, _ in names
    )
    assert v.name == "Variable:0"
    assert v.dtype == tf.float32._as_ref()
    assert repr(v) == "<tf.Variable 'Variable:0' shape=() dtype=float32_ref>"
    assert w.op.get_attr("_class") == [b"loc:@w"]
    assert v.value().name == "Variable/read:0"
    assert v.initializer.name == "Variable/Assign"
    assert v.initializer.get_attr("_class") == [b"loc:@Variable"]


def test_seed_positional_dtype_argument_works():
    # The seed writes tf.Variable(0.3, tf.float32): TF1's second positional is `trainable`.
    w = tf.Variable(0.3, tf.float32)
    assert w in tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(w) == np.float32(0.3)


def test_uninitialized_read_is_failed_precondition():
    v = tf.Variable([1.0, 2.0], name="W")
    with tf.Session() as sess:
        with pytest.raises(
            tf.errors.FailedPreconditionError, match="Attempting to use uninitialized value W"
        ):
            sess.run(v)


def test_assign_family_and_initializers():
    v = tf.Variable([1.0, 2.0])
    add = v.assign_add([1.0, 1.0])
    sub = tf.assign_sub(v, [0.5, 0.5])
    assign = v.assign([7.0, 8.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(add), [2.0, 3.0])
        np.testing.assert_array_equal(sess.run(sub), [1.5, 2.5])
        np.testing.assert_array_equal(sess.run(assign), [7.0, 8.0])
        np.testing.assert_array_equal(sess.run(v), [7.0, 8.0])
        np.testing.assert_array_equal(v.eval(), [7.0, 8.0])


def test_assign_shape_mismatch_is_rejected():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    x = tf.placeholder(tf.float32, [None])
    op = v.assign(x)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="shapes of both tensors to match"):
            sess.run(op, {x: [1.0, 2.0, 3.0]})


def test_seed_control_dependencies_order_the_update():
    var = tf.Variable(1.0)
    top = var * 2
    with tf.control_dependencies([top]):
        bot = var.assign_add(2)
    out = top + bot
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out) == 2.0 + 3.0


def test_fetched_variable_values_do_not_alias_storage():
    v = tf.Variable([1.0, 2.0])
    inc = v.assign_add([1.0, 1.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        before = sess.run(v)
        sess.run(inc)
        before[0] = 42.0
        np.testing.assert_array_equal(sess.run(v), [2.0, 3.0])


def test_collections_and_initializer_helpers():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b", trainable=False)
    c = tf.Variable(1.0, name="c", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert tf.global_variables() == [a, b]
    assert tf.trainable_variables() == [a, c]  # TF1 adds trainable ones anywhere
    assert tf.local_variables() == [c]
    init = tf.global_variables_initializer()
    assert init.name == "init"
    assert sorted(op.name for op in init.control_inputs) == ["a/Assign", "b/Assign"]
    with tf.Session() as sess:
        sess.run([init, tf.local_variables_initializer()])
        assert sess.run(c) == 1.0


def test_is_variable_initialized_and_report():
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b")
    flag = tf.is_variable_initialized(a)
    report = tf.report_uninitialized_variables()
    with tf.Session() as sess:
        assert not sess.run(flag)
        assert sess.run(report).tolist() == [b"a", b"b"]
        sess.run(a.initializer)
        assert sess.run(flag)
        assert sess.run(report).tolist() == [b"b"]


def test_variable_in_arithmetic_uses_its_value():
    v = tf.Variable(2.0)
    y = v * 3.0 + 1.0
    z = 10.0 - v
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([y, z]) == [7.0, 8.0]


def test_variable_def_round_trip():
    v = tf.Variable([1.0], name="v")
    proto = v.to_proto()
    assert proto.variable_name == "v:0"
    assert proto.snapshot_name == "v/read:0"
    assert proto.initializer_name == "v/Assign"
    again = tf.Variable.from_proto(proto)
    assert again.name == v.name and again.initializer is v.initializer


def test_variables_are_per_session():
    v = tf.Variable(1.0)
    inc = v.assign_add(1.0)
    with tf.Session() as first, tf.Session() as second:
        first.run(v.initializer)
        second.run(v.initializer)
        first.run(inc)
        assert first.run(v) == 2.0
        assert second.run(v) == 1.0


def test_load_feeds_the_initializer():
    v = tf.Variable([0.0, 0.0])
    with tf.Session() as sess:
        v.load([3.0, 4.0], sess)
        np.testing.assert_array_equal(sess.run(v), [3.0, 4.0])
