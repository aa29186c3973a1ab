"""`tf.graph_util`: extract_sub_graph, remove_training_nodes, must_run_on_cpu,
tensor_shape_from_node_def_name and convert_variables_to_constants (freezing)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import graph_util
from ndflow.proto import graph_pb2
from ndflow.proto import node_def_pb2
from ndflow.proto import types_pb2

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _graph_def(*nodes):
    """A GraphDef from (name, op, inputs[, colocated with]) tuples."""
    graph_def = graph_pb2.GraphDef()
    graph_def.versions.producer = 27
    graph_def.library.function.add().signature.name = "some_function"
    for name, op, inputs, *colocation in nodes:
        node = graph_def.node.add(name=name, op=op, input=inputs)
        if colocation:
            node.attr["_class"].list.s.extend(f"loc:@{c}".encode() for c in colocation[0])
    return graph_def


def _names(graph_def):
    return [node.name for node in graph_def.node]


# ---------------------------------------------------------------------- extract_sub_graph


def test_extract_sub_graph_keeps_data_control_and_colocation_sources_in_order():
    graph_def = _graph_def(
        ("a", "Const", []),
        ("unused", "Const", []),
        ("b", "Const", []),
        ("colocated", "Const", []),
        ("c", "Identity", ["a:0"]),
        ("d", "AddV2", ["c", "b:0", "^unused"], ["colocated"]),
        ("e", "Identity", ["d"]),
    )
    sub = graph_util.extract_sub_graph(graph_def, ["d"])
    assert _names(sub) == ["a", "unused", "b", "colocated", "c", "d"]
    assert sub.versions.producer == 27
    assert sub.library.function[0].signature.name == "some_function"
    assert _names(graph_util.extract_sub_graph(graph_def, ["c", "b"])) == ["a", "b", "c"]


def test_extract_sub_graph_rejects_bad_arguments_as_tensorflow_does():
    graph_def = _graph_def(("a", "Const", []))
    with pytest.raises(TypeError, match="graph_def must be a graph_pb2.GraphDef proto"):
        graph_util.extract_sub_graph("a graph", ["a"])
    with pytest.raises(TypeError, match="dest_nodes must be an iterable of strings"):
        graph_util.extract_sub_graph(graph_def, "a")
    with pytest.raises(AssertionError, match="missing is not in graph"):
        graph_util.extract_sub_graph(graph_def, ["a", "missing"])


# ---------------------------------------------------------------------- remove_training_nodes


def test_remove_training_nodes_drops_check_numerics_and_splices_identities():
    graph_def = _graph_def(
        ("x", "Placeholder", []),
        ("check", "CheckNumerics", ["x"]),
        ("id1", "Identity", ["x"]),
        ("id2", "StopGradient", ["id1:0"]),
        ("relu", "Relu", ["id2", "^check"]),
        ("out", "Identity", ["relu"]),
    )
    pruned = graph_util.remove_training_nodes(graph_def, protected_nodes=["out"])
    nodes = {node.name: node for node in pruned.node}
    assert list(nodes) == ["x", "relu", "out"]
    assert list(nodes["relu"].input) == ["x"]
    assert list(nodes["out"].input) == ["relu"]
    assert not pruned.library.function  # as TF: only the nodes are kept


def test_remove_training_nodes_keeps_identities_tied_to_control_edges_or_colocation():
    graph_def = _graph_def(
        ("x", "Placeholder", []),
        ("gate", "NoOp", []),
        ("with_control", "Identity", ["x", "^gate"]),
        ("control_source", "Identity", ["x"]),
        ("colocated_with", "Identity", ["x"]),
        ("user", "AddN", ["with_control", "^control_source"], ["colocated_with"]),
        ("plain", "Identity", ["colocated_with"]),
    )
    pruned = graph_util.remove_training_nodes(graph_def)
    assert _names(pruned) == [
        "x",
        "gate",
        "with_control",
        "control_source",
        "colocated_with",
        "user",
    ]


# ---------------------------------------------------------------------- small helpers


def test_must_run_on_cpu_for_int32_and_string_work_and_pinned_variables():
    def node(op, **types):
        node_def = node_def_pb2.NodeDef(name="n", op=op)
        for key, value in types.items():
            node_def.attr[key].type = value
        return node_def

    assert graph_util.must_run_on_cpu(node("Const", dtype=types_pb2.DT_INT32))
    assert graph_util.must_run_on_cpu(node("Const", dtype=types_pb2.DT_STRING))
    assert not graph_util.must_run_on_cpu(node("Const", dtype=types_pb2.DT_FLOAT))
    assert graph_util.must_run_on_cpu(node("Cast", SrcT=types_pb2.DT_INT32))
    assert graph_util.must_run_on_cpu(node("DynamicStitch", T=types_pb2.DT_INT32))
    assert not graph_util.must_run_on_cpu(node("VariableV2"))
    assert graph_util.must_run_on_cpu(node("VariableV2"), pin_variables_on_cpu=True)
    assert graph_util.must_run_on_cpu(tf.constant(3, name="three").op)
    with pytest.raises(AssertionError):
        graph_util.must_run_on_cpu("Const")


def test_tensor_shape_from_node_def_name_defaults_to_output_zero():
    tf.placeholder(tf.float32, [None, 5], name="x")
    graph = tf.get_default_graph()
    assert graph_util.tensor_shape_from_node_def_name(graph, "x").as_list() == [None, 5]
    assert graph_util.tensor_shape_from_node_def_name(graph, "x:0").as_list() == [None, 5]


def test_public_namespace_is_tf_graph_util():
    assert tf.graph_util.convert_variables_to_constants is graph_util.convert_variables_to_constants
    assert tf.graph_util.extract_sub_graph is graph_util.extract_sub_graph
    assert tf.graph_util.remove_training_nodes is graph_util.remove_training_nodes
    assert tf.graph_util.import_graph_def is tf.import_graph_def


# ---------------------------------------------------------------------- freezing


def _mlp(use_resource):
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, 4], name="input")
    with tf.variable_scope("hidden"):
        w1 = tf.get_variable(
            "kernel",
            initializer=rng.normal(size=(4, 8)).astype(np.float32),
            use_resource=use_resource,
        )
        b1 = tf.get_variable(
            "bias", initializer=rng.normal(size=8).astype(np.float32), use_resource=use_resource
        )
        hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    with tf.variable_scope("logits"):
        w2 = tf.get_variable(
            "kernel",
            initializer=rng.normal(size=(8, 3)).astype(np.float32),
            use_resource=use_resource,
        )
        logits = tf.matmul(hidden, w2)
    tf.nn.softmax(logits, name="output")
    # Training ops must not survive freezing.
    tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(logits))
    return x


def _freeze_and_compare(output="output", **kwargs):
    feed = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run(f"{output}:0", {"input:0": feed})
        frozen = graph_util.convert_variables_to_constants(
            sess, graph.as_graph_def(), [output], **kwargs
        )
    with tf.Graph().as_default():
        tf.import_graph_def(frozen, name="")
        with tf.Session() as sess:
            got = sess.run(f"{output}:0", {"input:0": feed})
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    return frozen


@pytest.mark.parametrize("use_resource", [False, True])
def test_freezing_an_mlp_leaves_constants_and_math_only(use_resource):
    _mlp(use_resource)
    frozen = _freeze_and_compare()
    ops = {node.name: node.op for node in frozen.node}
    assert set(ops.values()) <= {
        "Placeholder",
        "Const",
        "Identity",
        "MatMul",
        "AddV2",
        "Relu",
        "Softmax",
    }
    for name in ("hidden/kernel", "hidden/bias", "logits/kernel"):
        assert ops[name] == "Const"
        node = next(n for n in frozen.node if n.name == name)
        assert not node.device and "_class" not in node.attr
        assert node.attr["dtype"].type == types_pb2.DT_FLOAT
    assert not any("GradientDescent" in name or "Assign" in name for name in ops)


def test_freezing_resource_variables_turns_reads_into_identities():
    _mlp(use_resource=True)
    frozen = _freeze_and_compare()
    reads = [n for n in frozen.node if n.name.endswith("ReadVariableOp")]
    assert reads
    for node in reads:
        assert node.op == "Identity"
        assert node.attr["T"].type == types_pb2.DT_FLOAT
        assert set(node.attr) <= {"T", "_class"}


def test_whitelist_and_blacklist_choose_what_is_frozen():
    _mlp(use_resource=False)
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        denied = graph_util.convert_variables_to_constants(
            sess, graph_def, ["output"], variable_names_blacklist=["hidden/bias"]
        )
        allowed = graph_util.convert_variables_to_constants(
            sess, graph_def, ["output"], variable_names_whitelist={"logits/kernel"}
        )
    ops = {node.name: node.op for node in denied.node}
    assert ops["hidden/bias"] == "VariableV2" and ops["hidden/kernel"] == "Const"
    ops = {node.name: node.op for node in allowed.node}
    assert ops["logits/kernel"] == "Const" and ops["hidden/kernel"] == "VariableV2"


def test_freezing_resource_gather_makes_gather_v2_with_an_axis_constant():
    table = tf.Variable(
        np.arange(12, dtype=np.float32).reshape(4, 3), name="table", use_resource=True
    )
    ids = tf.placeholder(tf.int32, [None], name="input")
    tf.identity(table.sparse_read(ids), name="output")
    feed = np.array([3, 0, 3], np.int32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run("output:0", {"input:0": feed})
        frozen = graph_util.convert_variables_to_constants(
            sess, tf.get_default_graph().as_graph_def(), ["output"]
        )
    nodes = {node.name: node for node in frozen.node}
    gather = nodes["Gather"]
    assert gather.op == "GatherV2"
    assert list(gather.input) == ["table", "input", "Gather/axis"]
    assert nodes["Gather/axis"].op == "Const"
    assert gather.attr["Taxis"].type == types_pb2.DT_INT32
    with tf.Graph().as_default():
        tf.import_graph_def(frozen, name="")
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run("output:0", {"input:0": feed}), expected)


def test_freezing_variables_read_inside_cond_branches_rewrites_frozen_function_copies():
    x = tf.placeholder(tf.float32, [None, 4], name="input")
    flag = tf.placeholder_with_default(True, [], name="flag")
    v = tf.Variable(np.full((4, 2), 2.0, np.float32), name="v", use_resource=True)
    w = tf.Variable(np.full((4, 2), 3.0, np.float32), name="w")
    result = tf.cond(flag, lambda: tf.matmul(x, v), lambda: tf.matmul(x, w))
    tf.identity(result, name="output")
    frozen = _freeze_and_compare()
    call = next(node for node in frozen.node if node.op in ("If", "StatelessIf"))
    assert list(call.attr["Tin"].list.type)[:1] == [types_pb2.DT_FLOAT]
    branches = {call.attr["then_branch"].func.name, call.attr["else_branch"].func.name}
    assert all("_frozen_" in name for name in branches)
    library = {f.signature.name: f for f in frozen.library.function}
    assert branches <= set(library)
    then_branch = library[call.attr["then_branch"].func.name]
    assert then_branch.signature.input_arg[0].type == types_pb2.DT_FLOAT
    assert "ReadVariableOp" not in {node.op for node in then_branch.node_def}
    feed = np.ones((1, 4), np.float32)
    with tf.Graph().as_default():
        tf.import_graph_def(frozen, name="")
        with tf.Session() as sess:
            then_value = sess.run("output:0", {"input:0": feed})
            else_value = sess.run("output:0", {"input:0": feed, "flag:0": False})
    assert then_value.tolist() == [[8.0, 8.0]] and else_value.tolist() == [[12.0, 12.0]]


def test_freezing_a_while_loop_that_reads_a_variable():
    total = tf.Variable(1.5, name="step", use_resource=True)
    x = tf.placeholder(tf.float32, [], name="input")
    _, result = tf.while_loop(
        lambda i, acc: i < 3, lambda i, acc: (i + 1, acc + total.read_value()), [0, x]
    )
    tf.identity(result, name="output")
    feed = np.float32(0.5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run("output:0", {"input:0": feed})
        frozen = graph_util.convert_variables_to_constants(
            sess, tf.get_default_graph().as_graph_def(), ["output"]
        )
    assert expected == pytest.approx(5.0)
    loop = next(node for node in frozen.node if node.op in ("While", "StatelessWhile"))
    assert types_pb2.DT_RESOURCE not in loop.attr["T"].list.type
    body = next(
        f for f in frozen.library.function if f.signature.name == loop.attr["body"].func.name
    )
    assert "_frozen_" in body.signature.name
    assert types_pb2.DT_RESOURCE not in [arg.type for arg in body.signature.output_arg]
    with tf.Graph().as_default():
        tf.import_graph_def(frozen, name="")
        with tf.Session() as sess:
            assert sess.run("output:0", {"input:0": feed}) == pytest.approx(expected)


def test_refreezing_tensorflows_frozen_mlp_changes_nothing_and_keeps_outputs():
    graph_def = graph_pb2.GraphDef.FromString(
        (FIXTURES / "frozen_mlp" / "frozen_mlp.pb").read_bytes()
    )
    meta = json.loads((FIXTURES / "frozen_mlp" / "expected.json").read_text())
    expected = np.load(FIXTURES / "frozen_mlp" / "expected.npz")
    output = meta["output_tensor"].split(":")[0]
    tf.import_graph_def(graph_def, name="")
    with tf.Session() as sess:
        again = graph_util.convert_variables_to_constants(sess, graph_def, [output])
    assert again.node == graph_def.node
    pruned = graph_util.remove_training_nodes(graph_def, protected_nodes=[output])
    assert "Identity" not in {node.op for node in pruned.node if node.name != output}
    with tf.Graph().as_default():
        tf.import_graph_def(pruned, name="")
        with tf.Session() as sess:
            got = sess.run(meta["output_tensor"], {meta["input_tensor"]: expected["input"]})
    np.testing.assert_allclose(got, expected["output"], rtol=1e-6, atol=1e-7)
