"""MetaGraphs and frozen graphs cross over: ndflow's MetaGraphDefs load in TensorFlow's
`import_meta_graph` with their collections, TensorFlow's load in ndflow, freezing gives
TensorFlow's graph and outputs, and the stripped op list holds TensorFlow's OpDefs
(oracle venv only: `make conformance`)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.framework import graph_util  # noqa: E402
from ndflow.framework import meta_graph  # noqa: E402

tf1 = tf_real.compat.v1
RNG = np.random.default_rng(0)
W1 = RNG.normal(size=(4, 8)).astype(np.float32)
B1 = RNG.normal(size=8).astype(np.float32)
W2 = RNG.normal(size=(8, 3)).astype(np.float32)
FEED = RNG.normal(size=(5, 4)).astype(np.float32)


def _mlp(lib, use_resource, train=True):
    """The same model in ndflow (`lib` = nd) or TensorFlow (`lib` = tf1)."""
    x = lib.placeholder(lib.float32, [None, 4], name="input")
    with lib.variable_scope("hidden"):
        w1 = lib.get_variable("kernel", initializer=W1, use_resource=use_resource)
        b1 = lib.get_variable("bias", initializer=B1, use_resource=use_resource)
        hidden = lib.nn.relu(lib.matmul(x, w1) + b1)
    with lib.variable_scope("logits"):
        w2 = lib.get_variable("kernel", initializer=W2, use_resource=use_resource)
        logits = lib.matmul(hidden, w2)
    lib.nn.softmax(logits, name="output")
    if not train:
        return
    loss = lib.reduce_mean(logits, name="loss")
    lib.add_to_collection(lib.GraphKeys.LOSSES, loss)
    step = lib.train.get_or_create_global_step()
    train_op = lib.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    lib.add_to_collection(lib.GraphKeys.UPDATE_OPS, train_op)
    lib.add_to_collection("ints", 3)
    lib.add_to_collection("floats", 2.5)
    lib.add_to_collection("strings", "hello")


def _collections(graph, lib):
    """The collections a MetaGraph round trip must keep, by name."""
    get = graph.get_collection
    keys = lib.GraphKeys
    return {
        "variables": [v.name for v in get(keys.GLOBAL_VARIABLES)],
        "trainable": [v.name for v in get(keys.TRAINABLE_VARIABLES)],
        "trainable_flags": [v.trainable for v in get(keys.GLOBAL_VARIABLES)],
        "global_step": [v.name for v in get(keys.GLOBAL_STEP)],
        "losses": [t.name for t in get(keys.LOSSES)],
        "train_op": [op.name for op in get(keys.TRAIN_OP)],
        "update_ops": [op.name for op in get(keys.UPDATE_OPS)],
        "ints": get("ints"),
        "floats": get("floats"),
        "strings": [s.decode() if isinstance(s, bytes) else s for s in get("strings")],
    }


def _train_and_predict(session, graph):
    session.run(graph.get_operation_by_name("init"))
    session.run(graph.get_collection("update_ops")[0], {"input:0": FEED})
    return session.run("output:0", {"input:0": FEED})


@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("use_resource", [False, True])
def test_ndflow_meta_graph_imports_in_tensorflow_with_collections(tmp_path, use_resource, as_text):
    graph = nd.Graph()
    with graph.as_default():
        _mlp(nd, use_resource)
        nd.group(*[v.initializer for v in nd.global_variables()], name="init")
        expected_collections = _collections(graph, nd)
        path = str(tmp_path / "model.meta")
        meta_graph.export_scoped_meta_graph(filename=path, as_text=as_text)
        with nd.Session() as sess:
            expected = _train_and_predict(sess, graph)
    with tf_real.Graph().as_default() as tf_graph:
        tf1.train.import_meta_graph(path)
        assert _collections(tf_graph, tf1) == expected_collections
        with tf1.Session() as sess:
            got = _train_and_predict(sess, tf_graph)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("use_resource", [False, True])
def test_tensorflow_meta_graph_imports_in_ndflow_with_collections(tmp_path, use_resource):
    path = str(tmp_path / "model.meta")
    with tf_real.Graph().as_default() as tf_graph:
        _mlp(tf1, use_resource)
        tf1.group(*[v.initializer for v in tf1.global_variables()], name="init")
        expected_collections = _collections(tf_graph, tf1)
        tf1.train.export_meta_graph(filename=path)
        with tf1.Session() as sess:
            expected = _train_and_predict(sess, tf_graph)
    graph = nd.Graph()
    with graph.as_default():
        var_list = meta_graph.import_scoped_meta_graph(path)
        assert sorted(var_list) == sorted(expected_collections["variables"])
        assert _collections(graph, nd) == expected_collections
        with nd.Session() as sess:
            got = _train_and_predict(sess, graph)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("use_resource", [False, True])
def test_variable_defs_equal_tensorflows(use_resource):
    # Without the global step: TF makes it a resource variable unless TF1 behaviour is on.
    with nd.Graph().as_default():
        _mlp(nd, use_resource, train=False)
        ours = [v.to_proto().SerializeToString() for v in nd.global_variables()]
    with tf_real.Graph().as_default():
        _mlp(tf1, use_resource, train=False)
        theirs = [v.to_proto().SerializeToString() for v in tf1.global_variables()]
    assert ours == theirs


@pytest.mark.parametrize("use_resource", [False, True])
def test_freezing_matches_tensorflow(use_resource):
    with nd.Graph().as_default() as graph, nd.Session() as sess:
        _mlp(nd, use_resource, train=False)
        sess.run(nd.global_variables_initializer())
        ours = graph_util.convert_variables_to_constants(sess, graph.as_graph_def(), ["output"])
    with tf_real.Graph().as_default() as tf_graph, tf1.Session() as sess:
        _mlp(tf1, use_resource, train=False)
        sess.run(tf1.global_variables_initializer())
        theirs = tf1.graph_util.convert_variables_to_constants(
            sess, tf_graph.as_graph_def(), ["output"]
        )
    assert [(n.name, n.op) for n in ours.node] == [(n.name, n.op) for n in theirs.node]
    for mine, real in zip(ours.node, theirs.node):
        assert list(mine.input) == list(real.input)
        if mine.op == "Const" and mine.name.endswith(("kernel", "bias")):
            np.testing.assert_array_equal(
                tf_real.make_ndarray(
                    tf1.NodeDef.FromString(mine.SerializeToString()).attr["value"].tensor
                ),
                tf_real.make_ndarray(real.attr["value"].tensor),
            )
    outputs = []
    for frozen in (ours, theirs):
        graph_def = tf1.GraphDef.FromString(frozen.SerializeToString())
        with tf_real.Graph().as_default(), tf1.Session() as sess:
            tf1.import_graph_def(graph_def, name="")
            outputs.append(sess.run("output:0", {"input:0": FEED}))
    with nd.Graph().as_default(), nd.Session() as sess:
        nd.import_graph_def(ours, name="")
        outputs.append(sess.run("output:0", {"input:0": FEED}))
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-6)
    np.testing.assert_allclose(outputs[2], outputs[1], rtol=1e-6)


def _cond_model(lib):
    x = lib.placeholder(lib.float32, [None, 4], name="input")
    flag = lib.placeholder_with_default(True, [], name="flag")
    v = lib.get_variable("v", initializer=W1[:, :2], use_resource=True)
    w = lib.get_variable("w", initializer=W1[:, 2:4], use_resource=False)
    result = lib.cond(flag, lambda: lib.matmul(x, v), lambda: lib.matmul(x, w))
    lib.identity(result, name="output")


def test_freezing_variables_read_in_cond_branches_matches_tensorflow():
    with nd.Graph().as_default() as graph, nd.Session() as sess:
        _cond_model(nd)
        sess.run(nd.global_variables_initializer())
        ours = graph_util.convert_variables_to_constants(sess, graph.as_graph_def(), ["output"])
    with tf_real.Graph().as_default() as tf_graph, tf1.Session() as sess:
        _cond_model(tf1)
        sess.run(tf1.global_variables_initializer())
        theirs = tf1.graph_util.convert_variables_to_constants(
            sess, tf_graph.as_graph_def(), ["output"]
        )
    assert [(n.name, n.op) for n in ours.node] == [(n.name, n.op) for n in theirs.node]
    for frozen in (ours, theirs):
        call = next(n for n in frozen.node if n.op in ("If", "StatelessIf"))
        assert "_frozen_" in call.attr["then_branch"].func.name
    outputs = []
    for frozen in (ours, theirs):
        graph_def = tf1.GraphDef.FromString(frozen.SerializeToString())
        with tf_real.Graph().as_default(), tf1.Session() as sess:
            tf1.import_graph_def(graph_def, name="")
            outputs.append(
                [sess.run("output:0", {"input:0": FEED, "flag:0": flag}) for flag in (1, 0)]
            )
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-6)


# TF's ref-variable updates are not stateful ops; ndflow marks them stateful so its graph
# rewrites never merge or fold two updates.
_STATEFUL_IN_NDFLOW_ONLY = {"ApplyGradientDescent"}


def test_stripped_op_list_holds_tensorflows_op_defs():
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.framework import op_def_registry

    with nd.Graph().as_default():
        with nd.variable_scope("ref"):
            _mlp(nd, use_resource=False)
        with nd.variable_scope("resource"):
            _mlp(nd, use_resource=True)
        meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    ops = op_def_pb2.OpList.FromString(
        meta_graph_def.meta_info_def.stripped_op_list.SerializeToString()
    )
    assert {"MatMul", "VariableV2", "VarHandleOp", "ReadVariableOp", "AddV2"} <= {
        op.name for op in ops.op
    }
    for op in ops.op:
        expected = op_def_pb2.OpDef.FromString(op_def_registry.get(op.name).SerializeToString())
        for field in ("summary", "description"):
            expected.ClearField(field)
        for arg in list(expected.input_arg) + list(expected.output_arg) + list(expected.attr):
            arg.ClearField("description")
        # ndflow's OpDefs carry no full-type annotations (TF's variant type inference).
        for arg in list(expected.input_arg) + list(expected.output_arg):
            arg.ClearField("experimental_full_type")
        if op.name in _STATEFUL_IN_NDFLOW_ONLY:
            assert op.is_stateful and not expected.is_stateful
            op.is_stateful = False
        assert op == expected, op.name
