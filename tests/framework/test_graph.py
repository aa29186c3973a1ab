"""Graph, Operation, Tensor: names, scopes, dependencies, devices, collections, lookups."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import ndflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def test_unique_names_follow_tf():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    c = tf.constant(3.0, name="Const_1_x")
    assert [a.op.name, b.op.name, c.op.name] == ["Const", "Const_1", "Const_1_x"]
    assert a.name == "Const:0"


def test_name_scopes_nest_and_uniquify():
    with tf.name_scope("outer"):
        with tf.name_scope("inner") as scope:
            x = tf.constant(1.0, name="x")
        assert scope == "outer/inner/"
        with tf.name_scope("inner"):
            y = tf.constant(1.0, name="x")
    with tf.name_scope("outer"):
        z = tf.constant(1.0)
    assert x.op.name == "outer/inner/x"
    assert y.op.name == "outer/inner_1/x"
    assert z.op.name == "outer_1/Const"


def test_absolute_and_reset_scopes():
    with tf.name_scope("a"):
        with tf.name_scope("b/") as scope:
            x = tf.constant(1.0)
        with tf.name_scope(None):
            y = tf.constant(1.0, name="top")
    assert scope == "b/"
    assert x.op.name == "b/Const"
    assert y.op.name == "top"


def test_names_are_unique_case_insensitively_as_in_tf():
    tf.constant(1.0, name="foo")
    other = tf.constant(1.0, name="Foo")
    assert other.op.name == "Foo_1"


def test_builder_helper_constants_are_scoped_under_the_op():
    x = tf.placeholder(tf.float32, name="x")
    y = tf.add(x, 1.0)
    assert y.op.name == "Add"
    assert y.op.inputs[1].op.name == "Add/y"


def test_control_dependencies_and_domination():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a]):
        c = tf.identity(b, name="c")
        d = tf.identity(c, name="d")
        with tf.control_dependencies(None):
            e = tf.identity(b, name="e")
    assert c.op.control_inputs == [a.op]
    assert d.op.control_inputs == []  # dominated through c, created in the same scope
    assert e.op.control_inputs == []
    assert a.op._control_outputs_list == [c.op]


def test_control_dependency_skips_existing_data_input():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.identity(a)
    assert b.op.control_inputs == []


def test_devices_merge_and_canonicalize():
    with tf.device("/job:worker"):
        with tf.device("/cpu:0"):
            a = tf.constant(1.0)
        with tf.device(lambda op: "/device:GPU:1" if op.type == "Const" else None):
            b = tf.constant(1.0)
        with tf.device(None):
            c = tf.constant(1.0)
    assert a.device == "/job:worker/device:CPU:0"
    assert b.device == "/job:worker/device:GPU:1"
    assert c.device == ""
    assert a.op.node_def.device == "/job:worker/device:CPU:0"


def test_colocate_with_sets_class_attr_and_device():
    with tf.device("/cpu:0"):
        a = tf.constant(1.0, name="a")
    with tf.colocate_with(a.op):
        b = tf.constant(2.0, name="b")
    assert b.op.get_attr("_class") == [b"loc:@a"]
    assert b.device == "/device:CPU:0"
    assert b.op.colocation_groups() == [b"loc:@a"]


def test_collections():
    graph = tf.get_default_graph()
    a = tf.constant(1.0, name="scope1/a")
    b = tf.constant(1.0, name="scope2/b")
    tf.add_to_collection("things", a)
    tf.add_to_collections(["things", "more"], b)
    assert tf.get_collection("things") == [a, b]
    assert tf.get_collection("things", scope="scope2") == [b]
    ref = tf.get_collection_ref("things")
    ref.append(42)
    assert tf.get_collection("things")[-1] == 42
    assert sorted(graph.get_all_collection_keys()) == ["more", "things"]
    graph.clear_collection("more")
    assert tf.get_collection("more") == []


def test_lookups_and_their_errors():
    graph = tf.get_default_graph()
    a = tf.constant(1.0, name="a")
    assert graph.get_operation_by_name("a") is a.op
    assert graph.get_tensor_by_name("a:0") is a
    assert graph.as_graph_element("a:0") is a
    with pytest.raises(KeyError, match="refers to an Operation not in the graph"):
        graph.get_operation_by_name("nope")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        graph.get_tensor_by_name("a:3")
    with pytest.raises(ValueError, match="refers to an Operation, not a Tensor"):
        graph.get_tensor_by_name("a")
    with pytest.raises(TypeError, match="Can not convert a int"):
        graph.as_graph_element(3)
    assert graph.get_operations() == [a.op]


def test_tensor_properties():
    x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
    y = tf.identity(x)
    assert x.shape.as_list() == [None, 3]
    assert x.get_shape() == x.shape
    assert x.dtype is tf.float32
    assert x.op.type == "Placeholder"
    assert x.consumers() == [y.op]
    assert str(x) == 'Tensor("x:0", shape=(?, 3), dtype=float32)'
    assert y.op.inputs == (x,)
    assert y.op.get_attr("T") is tf.float32
    x.set_shape([2, None])
    assert x.shape.as_list() == [2, 3]
    with pytest.raises(ValueError, match="not compatible"):
        x.set_shape([4, 3])


def test_tensor_refuses_python_bool_and_iteration_of_unknown():
    x = tf.placeholder(tf.float32)
    with pytest.raises(TypeError, match="as a Python `bool`"):
        bool(x)
    with pytest.raises(TypeError, match="only iterable"):
        iter(x)
    with pytest.raises(NotImplementedError, match="symbolic Tensor"):
        np.asarray(x)


def test_tensor_equality_is_identity_in_tf1():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert a == a
    assert a != b
    assert len({a, b}) == 2


def test_shape_errors_use_tf_wording_and_add_no_op():
    graph = tf.get_default_graph()
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([1.0, 2.0])
    before = len(graph.get_operations())
    with pytest.raises(ValueError) as info:
        tf.add(a, b, name="bad")
    assert str(info.value) == (
        "Dimensions must be equal, but are 3 and 2 for 'bad' "
        "(op: 'AddV2') with input shapes: [3], [2]."
    )
    assert len(graph.get_operations()) == before


def test_no_implicit_dtype_promotion():
    a = tf.constant(1.0)
    b = tf.constant(1)
    with pytest.raises(
        TypeError,
        match="Input 'y' of 'AddV2' Op has type int32 that does "
        "not match type float32 of argument 'x'",
    ):
        tf.add(a, b)


def test_finalize_blocks_new_ops():
    graph = tf.get_default_graph()
    graph.finalize()
    assert graph.finalized
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(1.0)


def test_tensors_from_another_graph_are_rejected():
    other = tf.Graph()
    with other.as_default():
        foreign = tf.constant(1.0)
    with pytest.raises(ValueError, match="must be from the same graph"):
        tf.add(foreign, tf.constant(1.0))


def test_default_graph_stack_is_per_thread():
    outer = tf.get_default_graph()
    seen = []

    def worker():
        seen.append(tf.get_default_graph())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen[0] is not outer


def test_reset_default_graph_inside_nested_graph_fails():
    with pytest.raises(AssertionError, match="nested graphs"):
        tf.reset_default_graph()


def test_attr_scope_and_get_attr_types():
    graph = tf.get_default_graph()
    with graph._attr_scope({"_class": ["loc:@x"]}):
        a = tf.placeholder(tf.float32, shape=[2], name="p")
    assert a.op.get_attr("_class") == [b"loc:@x"]
    assert a.op.get_attr("shape").dim[0].size == 2
    with pytest.raises(ValueError, match="no attr named"):
        a.op.get_attr("nope")
