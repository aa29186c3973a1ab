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


def _resource(value, op_type="ReadVariableOp", **kwargs):
    """Builds a resource variable holding `value`, then `op_type` reading it."""
    handle = state.apply_op(
        "VarHandleOp", dtype=value.dtype.base_dtype, shape=value.shape, shared_name="v"
    )
    init = state.apply_op("AssignVariableOp", handle, value)
    with tf.control_dependencies([init]):
        return state.apply_op(op_type, handle, dtype=value.dtype.base_dtype, **kwargs)


def _resource_update(op_type):
    def build(value):
        handle = state.apply_op("VarHandleOp", dtype=value.dtype.base_dtype, shape=value.shape)
        init = state.apply_op("AssignVariableOp", handle, tf.zeros_like(value))
        with tf.control_dependencies([init]):
            update = state.apply_op(op_type, handle, value)
        with tf.control_dependencies([update]):
            return state.apply_op("ReadVariableOp", handle, dtype=value.dtype.base_dtype)

    return build


def _handle_op(op_type):
    def build(value):
        handle = state.apply_op("VarHandleOp", dtype=value.dtype.base_dtype, shape=value.shape)
        init = state.apply_op("AssignVariableOp", handle, value)
        with tf.control_dependencies([init]):
            return state.apply_op(op_type, handle)

    return build


def _destroyed(value):
    handle = state.apply_op("VarHandleOp", dtype=value.dtype.base_dtype, shape=value.shape)
    init = state.apply_op("AssignVariableOp", handle, value)
    with tf.control_dependencies([init]):
        destroy = state.apply_op("DestroyResourceOp", handle)
    with tf.control_dependencies([destroy]):
        return state.apply_op("VarIsInitializedOp", handle)


def _copy_on_read_disabled(value):
    """DisableCopyOnRead (in TF2 SavedModel restore functions) changes nothing visible."""
    handle = state.apply_op("VarHandleOp", dtype=value.dtype.base_dtype, shape=value.shape)
    disable = state.apply_op("DisableCopyOnRead", handle)
    with tf.control_dependencies([disable]):
        init = state.apply_op("AssignVariableOp", handle, value)
    with tf.control_dependencies([init]):
        return state.apply_op("ReadVariableOp", handle, dtype=value.dtype.base_dtype)


def _ref_scatter(op_type):
    def build(updates):
        var = tf.Variable(tf.ones([4, 2], updates.dtype.base_dtype))
        with tf.control_dependencies([var.initializer]):
            return tf.identity(state.apply_op(op_type, var._ref(), [3, 1, 3], updates))

    return build


def _resource_scatter(op_type):
    def build(updates):
        dtype = updates.dtype.base_dtype
        handle = state.apply_op("VarHandleOp", dtype=dtype, shape=[4, 2])
        init = state.apply_op("AssignVariableOp", handle, tf.ones([4, 2], dtype))
        with tf.control_dependencies([init]):
            update = state.apply_op(op_type, handle, [3, 1, 3], updates)
        with tf.control_dependencies([update]):
            return state.apply_op("ReadVariableOp", handle, dtype=dtype)

    return build


def _scatter_reference(kind):
    def reference(updates):
        expected = np.ones((4, 2), updates.dtype)
        for row, index in enumerate([3, 1, 3]):
            if kind == "update":
                expected[index] = updates[row]
            elif kind == "add":
                expected[index] += updates[row]
            else:
                expected[index] -= updates[row]
        return expected

    return reference


SCATTER_SPECS = []
for _kind, _suffix in (("update", "Update"), ("add", "Add"), ("sub", "Sub")):
    SCATTER_SPECS += [
        OpSpec(
            f"Scatter{_suffix}",
            _ref_scatter(f"Scatter{_suffix}"),
            reference=_scatter_reference(_kind),
            shapes=[(3, 2)],
            dtypes=[tf.float32, tf.int32],
            shape_cases=[
                ShapeCase([[3, 2]], expected=[4, 2]),
                ShapeCase(
                    [[2, 2]], error="Dimension 0 in both shapes must be equal, but are 2 and 3"
                ),
            ],
            grad="in-place update",
        ),
        OpSpec(
            f"ResourceScatter{_suffix}",
            _resource_scatter(f"ResourceScatter{_suffix}"),
            reference=_scatter_reference(_kind),
            shapes=[(3, 2)],
            dtypes=[tf.float64],
            shape_cases=[
                ShapeCase([[3, 2]], expected=[4, 2]),
                ShapeCase(
                    [[3, 5]], error="Dimension 1 in both shapes must be equal, but are 5 and 2"
                ),
            ],
            grad="in-place update",
        ),
    ]


RESOURCE_SPECS = [
    OpSpec(
        "VarHandleOp",
        _resource,
        reference=lambda x: x,
        shapes=[(2, 3)],
        dtypes=[tf.float32, tf.int32],
        shape_cases=[ShapeCase([[2, 3]], expected=[2, 3])],
        grad="a handle",
    ),
    OpSpec(
        "ReadVariableOp",
        _resource,
        reference=lambda x: x,
        shapes=[(4,)],
        dtypes=[tf.float64, tf.bool],
        shape_cases=[ShapeCase([[None, 2]], expected=[None, 2])],
    ),
    OpSpec(
        "AssignVariableOp",
        _resource,
        reference=lambda x: x,
        shapes=[(0, 2)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="assignment",
    ),
    OpSpec(
        "AssignAddVariableOp",
        _resource_update("AssignAddVariableOp"),
        reference=lambda x: x,
        shapes=[(3,)],
        dtypes=[tf.float32, tf.int64],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="assignment",
    ),
    OpSpec(
        "AssignSubVariableOp",
        _resource_update("AssignSubVariableOp"),
        reference=lambda x: -x,
        shapes=[(3,)],
        shape_cases=[ShapeCase([[3]], expected=[3])],
        grad="assignment",
    ),
    OpSpec(
        "VarIsInitializedOp",
        _handle_op("VarIsInitializedOp"),
        cases=[([np.float32(2.0)], np.bool_(True))],
        shape_cases=[ShapeCase([[3]], expected=[])],
        grad="boolean",
    ),
    OpSpec(
        "VariableShape",
        _handle_op("VariableShape"),
        cases=[([np.zeros((2, 5), np.float32)], np.array([2, 5], np.int32))],
        shape_cases=[ShapeCase([[2, 5]], expected=[2]), ShapeCase([None], expected=[None])],
        grad="a shape",
    ),
    OpSpec(
        "DestroyResourceOp",
        _destroyed,
        cases=[([np.float32(1.0)], np.bool_(False))],
        shape_cases=[ShapeCase([[2]], expected=[])],
        grad="bookkeeping",
    ),
    OpSpec(
        "DisableCopyOnRead",
        _copy_on_read_disabled,
        cases=[([np.arange(6, dtype=np.float32).reshape(2, 3)], np.arange(6).reshape(2, 3))],
        shape_cases=[ShapeCase([[2, 3]], expected=[2, 3])],
        grad="bookkeeping",
    ),
    OpSpec(
        "ResourceGather",
        lambda x: _resource(x, "ResourceGather", indices=tf.constant([2, 0, 2])),
        reference=lambda x: x[[2, 0, 2]],
        shapes=[(3, 4)],
        dtypes=[tf.float32, tf.int32],
        shape_cases=[ShapeCase([[3, 4]], expected=[3, 4]), ShapeCase([[None, 4]], expected=[3, 4])],
    ),
]


# Their gradients flow to a resource handle, which has no float input to perturb; the
# tests named here check them.
GRAD_TESTED_ELSEWHERE = {
    "ResourceGather": "test_resource_gather_gradient_is_indexed_slices",
    "ReadVariableOp": "test_read_variable_gradient_reaches_the_handle",
}


def test_read_variable_gradient_reaches_the_handle():
    with tf.Graph().as_default():
        handle = state.apply_op("VarHandleOp", dtype=tf.float64, shape=[3], shared_name="r")
        init = state.apply_op("AssignVariableOp", handle, tf.constant([1.0, -2.0, 0.5], tf.float64))
        with tf.control_dependencies([init]):
            value = state.apply_op("ReadVariableOp", handle, dtype=tf.float64)
        (grad,) = tf.gradients(tf.reduce_sum(value * value), [handle])
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(grad), [2.0, -4.0, 1.0])


def test_resource_gather_gradient_is_indexed_slices():
    with tf.Graph().as_default():
        handle = state.apply_op("VarHandleOp", dtype=tf.float32, shape=[3, 2], shared_name="g")
        init = state.apply_op("AssignVariableOp", handle, tf.ones([3, 2]))
        with tf.control_dependencies([init]):
            gathered = state.apply_op("ResourceGather", handle, [2, 0, 2], dtype=tf.float32)
        (grad,) = tf.gradients(tf.reduce_sum(gathered * 3.0), [handle])
        assert isinstance(grad, tf.IndexedSlices)
        with tf.Session() as sess:
            values, indices, shape = sess.run([grad.values, grad.indices, grad.dense_shape])
    assert indices.tolist() == [2, 0, 2]
    assert shape.tolist() == [3, 2]
    np.testing.assert_array_equal(values, np.full((3, 2), 3.0, np.float32))


OP_SPECS = (
    SCATTER_SPECS
    + RESOURCE_SPECS
    + [
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
)


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


def test_scatter_builders_on_ref_and_resource_variables():
    ref = tf.Variable([1.0, 2.0, 3.0])
    res = tf.Variable([1.0, 2.0, 3.0], use_resource=True)
    ops = [
        tf.scatter_update(ref, [0], [9.0]),
        tf.scatter_add(ref, [1, 1], [1.0, 1.0]),
        tf.scatter_sub(res, [2], [3.0]),
    ]
    with tf.Session() as sess:
        sess.run([ref.initializer, res.initializer])
        for op in ops:
            sess.run(op)
        assert sess.run(ref).tolist() == [9.0, 4.0, 3.0]
        assert sess.run(res).tolist() == [1.0, 2.0, 0.0]
        with pytest.raises(tf.errors.InvalidArgumentError, match="is not in \\[0, 3\\)"):
            sess.run(tf.scatter_add(ref, [5], [1.0]))
