"""ResourceVariable (ndflow/ops/state.py): `tf.Variable(use_resource=True)` and
`get_variable(use_resource=True)` build TF's graph (also compared with real TF's in the
resource_variables golden of tests/ops/test_variable_scope.py), read and update values with
TF's read_value semantics, convert to tensors, take part in Python operators, differentiate
through their handle and serialize as VariableDefs with is_resource."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import state


def _initialized_session():
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return sess


def test_use_resource_makes_a_resource_variable_with_tf_graph():
    with tf.Graph().as_default() as graph:
        v = tf.Variable([1.0, 2.0], use_resource=True, name="v")
        assert isinstance(v, state.ResourceVariable) and isinstance(v, tf.Variable)
        assert v._is_resource_variable and not getattr(
            tf.Variable(1.0), "_is_resource_variable", False
        )
        ops = {op.name: op.type for op in graph.get_operations()}
        assert ops == {
            "v/Initializer/initial_value": "Const",
            "v": "VarHandleOp",
            "v/IsInitialized/VarIsInitializedOp": "VarIsInitializedOp",
            "v/Assign": "AssignVariableOp",
            "v/Read/ReadVariableOp": "ReadVariableOp",
            "Variable/initial_value": "Const",
            "Variable": "VariableV2",
            "Variable/Assign": "Assign",
            "Variable/read": "Identity",
        }
        assert v.handle.op.get_attr("shared_name") == b"v"
        assert v.handle.dtype == tf.resource and v.dtype == tf.float32
        assert v.shape.as_list() == [2] and v.get_shape().as_list() == [2]
        assert v.name == "v:0" and v.op is v.handle.op and v.graph is graph
        assert v.initializer.name == "v/Assign" and v.initial_value.name.startswith("v/Init")
        assert repr(v) == "<tf.Variable 'v:0' shape=(2,) dtype=float32>"
        assert (
            tf.global_variables()
            == tf.trainable_variables()
            == [v, graph.get_collection("variables")[1]]
        )


def test_get_variable_and_scopes_make_resource_variables():
    with tf.Graph().as_default():
        with tf.variable_scope("dense"):
            kernel = tf.get_variable("kernel", [3, 2], use_resource=True)
        with tf.variable_scope("res", use_resource=True):
            bias = tf.get_variable("bias", [2], initializer=tf.ones_initializer())
            with tf.variable_scope("inner"):
                inner = tf.get_variable("w", [1])
        plain = tf.get_variable("plain", [1])
        assert kernel._is_resource_variable and bias._is_resource_variable
        assert inner._is_resource_variable and not getattr(plain, "_is_resource_variable", 0)
        assert kernel.initial_value.name == "dense/kernel/Initializer/random_uniform:0"
        with tf.variable_scope("dense", reuse=True):
            assert tf.get_variable("kernel") is kernel
        with _initialized_session() as sess:
            np.testing.assert_array_equal(sess.run(bias), [1.0, 1.0])
            assert np.abs(sess.run(kernel)).max() <= np.sqrt(6.0 / 5)


def test_reads_and_updates_follow_tf_read_value_semantics():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], use_resource=True, name="v")
        snapshot = v.value()
        assigned = v.assign([5.0, 6.0])
        added = v.assign_add([1.0, 1.0])
        subtracted = v.assign_sub([0.5, 0.5], read_value=False)
        read = v.read_value()
        assert snapshot.op.type == "ReadVariableOp" and snapshot is not v.value()
        assert assigned.op.control_inputs[0].type == "AssignVariableOp"
        assert added.op.control_inputs[0].type == "AssignAddVariableOp"
        assert subtracted.type == "AssignSubVariableOp"
        assert read.op.type == "Identity" and read.op.inputs[0].op.name == "Read/ReadVariableOp"
        with _initialized_session() as sess:
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
            np.testing.assert_array_equal(sess.run(assigned), [5.0, 6.0])
            np.testing.assert_array_equal(sess.run(added), [6.0, 7.0])
            sess.run(subtracted)
            np.testing.assert_array_equal(sess.run(read), [5.5, 6.5])
            np.testing.assert_array_equal(v.eval(sess), [5.5, 6.5])
            v.load([9.0, 9.0], sess)
            np.testing.assert_array_equal(sess.run(snapshot), [9.0, 9.0])
            assert sess.run(v.is_initialized()) and sess.run(tf.is_variable_initialized(v))


def test_module_level_assign_functions_accept_resource_variables():
    with tf.Graph().as_default():
        v = tf.Variable(1, use_resource=True)
        added = tf.assign_add(v, 2)
        with _initialized_session() as sess:
            assert sess.run(added) == 3
            assert sess.run(tf.assign_sub(v, 1)) == 2
            assert sess.run(tf.assign(v, 7)) == 7
            assert sess.run(tf.report_uninitialized_variables()).tolist() == []


def test_uninitialized_variables_are_reported():
    with tf.Graph().as_default():
        v = tf.Variable(1.0, use_resource=True, name="lazy")
        with tf.Session() as sess:
            assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"lazy"]
            assert not sess.run(v.is_initialized())
            with pytest.raises(tf.errors.FailedPreconditionError, match="variable lazy"):
                sess.run(v.value())


def test_conversion_and_python_operators():
    with tf.Graph().as_default():
        v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], use_resource=True)
        results = [v + 1.0, 2.0 * v, -v, v[1], tf.matmul(v, v), tf.reduce_sum(v), v @ v]
        assert tf.convert_to_tensor(v).op.type == "ReadVariableOp"
        assert tf.convert_to_tensor(v, as_ref=True) is v.handle
        with pytest.raises(ValueError, match="Incompatible type conversion"):
            tf.convert_to_tensor(v, dtype=tf.int32)
        with pytest.raises(RuntimeError, match="assign_add"):
            v += 1.0
        with _initialized_session() as sess:
            values = sess.run(results)
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    for got, want in zip(values, [x + 1, 2 * x, -x, x[1], x @ x, x.sum(), x @ x]):
        np.testing.assert_allclose(got, want)


def test_sparse_read_and_its_gradient():
    with tf.Graph().as_default():
        v = tf.Variable(np.arange(6.0).reshape(3, 2), use_resource=True, name="emb")
        rows = v.sparse_read([2, 0, 2])
        named = v.sparse_read([1], name="lookup")
        assert rows.op.type == "ResourceGather" and rows.op.name == "Gather"
        assert named.op.name == "lookup" and rows.shape.as_list() == [3, 2]
        (grad,) = tf.gradients(tf.reduce_sum(rows * rows), [v])
        assert isinstance(grad, tf.IndexedSlices)
        with _initialized_session() as sess:
            np.testing.assert_array_equal(sess.run(rows), [[4.0, 5.0], [0.0, 1.0], [4.0, 5.0]])
            values, indices = sess.run([grad.values, grad.indices])
    np.testing.assert_array_equal(indices, [2, 0, 2])
    np.testing.assert_array_equal(values, [[8.0, 10.0], [0.0, 2.0], [8.0, 10.0]])


def test_gradients_flow_to_the_handle():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, -2.0], use_resource=True)
        x = tf.constant([3.0, 4.0])
        loss = tf.reduce_sum(w * x) + tf.reduce_sum(w * w)
        (grad,) = tf.gradients(loss, [w])
        with _initialized_session() as sess:
            np.testing.assert_allclose(sess.run(grad), [3.0 + 2.0, 4.0 - 4.0])


def test_creation_ignores_control_dependencies_and_checks_arguments():
    with tf.Graph().as_default():
        gate = tf.no_op()
        with tf.control_dependencies([gate]):
            v = tf.Variable(lambda: tf.zeros([2]), use_resource=True, dtype=tf.float32)
        assert not v.initializer.control_inputs and not v.handle.op.control_inputs
        assert v.initial_value.name == "Variable/Initializer/zeros:0"
        with pytest.raises(ValueError, match="must be specified"):
            tf.Variable(use_resource=True)
        with pytest.raises(ValueError, match="not compatible with the explicitly supplied"):
            tf.Variable([1.0, 2.0], use_resource=True, shape=[3])
        with pytest.raises(ValueError, match="Shape mismatch"):
            v.assign([1.0, 2.0, 3.0])
        frozen = tf.Variable(1.0, use_resource=True, trainable=False, collections=["c"])
        assert frozen not in tf.trainable_variables() and tf.get_collection("c") == [frozen]


def test_runtime_shape_validation_on_assign():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], use_resource=True)
        value = tf.placeholder(tf.float32, [None])
        assign = v.assign(value)
        loose = tf.Variable(
            tf.placeholder_with_default([1.0], [None]), use_resource=True, validate_shape=False
        )
        grow = loose.assign([1.0, 2.0, 3.0])
        with _initialized_session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="wrong shape"):
                sess.run(assign, {value: [1.0, 2.0, 3.0]})
            assert sess.run(grow).tolist() == [1.0, 2.0, 3.0]


def test_proto_round_trip():
    with tf.Graph().as_default():
        with tf.name_scope("outer"):
            v = tf.Variable(3.0, use_resource=True, name="v", trainable=False)
        proto = v.to_proto()
        assert (proto.variable_name, proto.initializer_name, proto.snapshot_name) == (
            "outer/v:0",
            "outer/v/Assign",
            "outer/v/Read/ReadVariableOp:0",
        )
        assert proto.is_resource and not proto.trainable
        assert proto.initial_value_name == "outer/v/Initializer/initial_value:0"
        assert v.to_proto(export_scope="elsewhere") is None
        assert v.to_proto(export_scope="outer").variable_name == "v:0"
        scoped = v.to_proto(export_scope="outer")
        copy = tf.Variable.from_proto(scoped, import_scope="outer")
        assert isinstance(copy, state.ResourceVariable)
        assert copy.handle is v.handle and copy.initializer is v.initializer
        assert copy.shape.as_list() == [] and copy.dtype == tf.float32 and not copy.trainable
        with pytest.raises(ValueError, match="mutually exclusive"):
            tf.Variable(1.0, variable_def=proto)
        with tf.Session() as sess:
            sess.run(copy.initializer)
            assert sess.run(copy) == 3.0
