"""MetaGraphDefs (ndflow/train/meta_graph.py): export/import round trips for every
CollectionDef kind, import and export scopes, clear_devices, input_map, files, and the
MetaGraph TensorFlow wrote for the checkpoint_v2 fixture."""

from __future__ import annotations

import logging
import pathlib

import numpy as np
import pytest
from google.protobuf import any_pb2
from google.protobuf import text_format

import ndflow as tf
from ndflow.framework import meta_graph
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import saver_pb2
from ndflow.proto import variable_pb2
from ndflow.train import queue_runner

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
GraphKeys = tf.GraphKeys


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _model():
    """A small trainable graph with one collection of every kind."""
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.device("/cpu:0"), tf.variable_scope("model"):
        w = tf.get_variable(
            "w", initializer=np.array([[1.0], [2.0]], np.float32), use_resource=False
        )
        b = tf.get_variable("b", initializer=np.array([0.5], np.float32), use_resource=True)
    y = tf.add(tf.matmul(x, w), b, name="y")
    loss = tf.reduce_mean(y, name="loss")
    tf.add_to_collection(GraphKeys.LOSSES, loss)
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    tf.add_to_collection(GraphKeys.TRAIN_OP, train_op)
    tf.add_to_collection(GraphKeys.UPDATE_OPS, train_op)
    tf.add_to_collection("ints", 3)
    tf.add_to_collection("ints", 7)
    tf.add_to_collection("floats", 2.5)
    tf.add_to_collection("strings", "hello")
    tf.add_to_collection("strings", b"\x00\xffbytes")
    packed = any_pb2.Any()
    packed.Pack(saver_pb2.SaverDef(filename_tensor_name="f:0"))
    tf.add_to_collection("anys", packed)
    # A QueueRunner over stand-in ops: only their names travel in the QueueRunnerDef.
    queue_runner.add_queue_runner(
        queue_runner.QueueRunner(
            tf.no_op(name="queue"),
            [tf.no_op(name="enqueue")],
            close_op=tf.no_op(name="close"),
            cancel_op=tf.no_op(name="cancel"),
        )
    )
    local = tf.Variable(
        0,
        name="local",
        trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES],
    )
    return {"x": x, "y": y, "w": w, "b": b, "step": step, "train_op": train_op, "local": local}


def _kinds(meta_graph_def):
    return {key: value.WhichOneof("kind") for key, value in meta_graph_def.collection_def.items()}


# ---------------------------------------------------------------------- export


def test_export_stores_each_collection_with_tensorflows_kind():
    _model()
    meta_graph_def, var_list = meta_graph.export_scoped_meta_graph()
    assert _kinds(meta_graph_def) == {
        "variables": "bytes_list",
        "trainable_variables": "bytes_list",
        "global_step": "bytes_list",
        "local_variables": "bytes_list",
        "model_variables": "bytes_list",
        "losses": "node_list",
        "train_op": "node_list",
        "update_ops": "node_list",
        "ints": "int64_list",
        "floats": "float_list",
        "strings": "bytes_list",
        "anys": "any_list",
        "queue_runners": "bytes_list",
    }
    collections = meta_graph_def.collection_def
    assert list(collections["losses"].node_list.value) == ["loss:0"]
    # minimize() adds its op to TRAIN_OP too, as in TF.
    assert list(collections["train_op"].node_list.value) == ["GradientDescent"] * 2
    assert list(collections["strings"].bytes_list.value) == [b"hello", b"\x00\xffbytes"]
    assert list(collections["ints"].int64_list.value) == [3, 7]
    assert sorted(var_list) == ["global_step:0", "model/b:0", "model/w:0"]


def test_variable_defs_carry_tensorflows_fields():
    _model()
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    defs = {}
    for raw in meta_graph_def.collection_def["variables"].bytes_list.value:
        proto = variable_pb2.VariableDef.FromString(raw)
        defs[proto.variable_name] = proto
    w, b, step = defs["model/w:0"], defs["model/b:0"], defs["global_step:0"]
    assert (w.initializer_name, w.snapshot_name, w.is_resource, w.trainable) == (
        "model/w/Assign",
        "model/w/read:0",
        False,
        True,
    )
    assert w.initial_value_name == "model/w/initial_value:0"
    assert (b.snapshot_name, b.is_resource) == ("model/b/Read/ReadVariableOp:0", True)
    assert step.trainable is False
    assert step.aggregation == variable_pb2.VARIABLE_AGGREGATION_ONLY_FIRST_REPLICA


def test_meta_info_def_names_the_tensorflow_version_and_lists_the_ops_used():
    _model()
    info = meta_graph_pb2.MetaGraphDef.MetaInfoDef(tags=["serve"])
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph(meta_info_def=info)
    info = meta_graph_def.meta_info_def
    assert info.tensorflow_version == "2.21.0"
    assert info.tensorflow_git_version.startswith("ndflow")
    assert list(info.tags) == ["serve"]
    names = [op.name for op in info.stripped_op_list.op]
    assert names == sorted(names)
    assert {"MatMul", "VariableV2", "VarHandleOp", "AddV2", "Placeholder"} <= set(names)
    assert set(names) == {node.op for node in meta_graph_def.graph_def.node}
    shapes = next(n for n in meta_graph_def.graph_def.node if n.name == "y").attr["_output_shapes"]
    assert [d.size for d in shapes.list.shape[0].dim] == [-1, 1]


def test_strip_default_attrs_removes_attrs_equal_to_their_default():
    tf.Variable(1.0, name="v")
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph(strip_default_attrs=True)
    assert meta_graph_def.meta_info_def.stripped_default_attrs
    variable = next(n for n in meta_graph_def.graph_def.node if n.name == "v")
    assert "container" not in variable.attr and "shared_name" not in variable.attr
    assert "dtype" in variable.attr and "shape" in variable.attr
    with tf.Graph().as_default():
        meta_graph.import_scoped_meta_graph(meta_graph_def)
        assert tf.get_default_graph().get_operation_by_name("v").get_attr("container") == b""


def test_unserializable_collections_are_skipped_with_a_warning(caplog):
    tf.add_to_collection("objects", {"not": "a graph element"})
    tf.add_to_collection(("tuple", "key"), 1)
    tf.add_to_collection("good", 1)
    with caplog.at_level(logging.WARNING, logger="ndflow.framework.meta_graph"):
        meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    assert set(meta_graph_def.collection_def) == {"good"}
    assert "Issue encountered when serializing objects" in caplog.text
    with caplog.at_level(logging.WARNING, logger="ndflow.framework.meta_graph"):
        meta_graph.add_collection_def(meta_graph_def, ("tuple", "key"))
    assert "Only collections with string type keys will be serialized" in caplog.text


def test_clear_devices_on_export():
    _model()
    kept, _ = meta_graph.export_scoped_meta_graph()
    cleared, _ = meta_graph.export_scoped_meta_graph(clear_devices=True)
    assert any(node.device for node in kept.graph_def.node)
    assert not any(node.device for node in cleared.graph_def.node)
    assert len(cleared.graph_def.node) == len(kept.graph_def.node)


def test_clear_extraneous_savers_drops_other_savers_scopes():
    graph_def = text_format.Parse(
        """
        node { name: "v" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
        node { name: "save/Const" op: "Const" }
        node { name: "save/SaveV2" op: "SaveV2" }
        node { name: "save/restore_all" op: "NoOp" }
        node { name: "save_1/Const" op: "Const" }
        node { name: "save_1/SaveV2" op: "SaveV2" }
        node { name: "save_1/restore_all" op: "NoOp" }
        """,
        graph_pb2.GraphDef(),
    )
    saver_def = saver_pb2.SaverDef(
        filename_tensor_name="save/Const:0",
        save_tensor_name="save/control_dependency:0",
        restore_op_name="save/restore_all",
    )
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph(
        graph_def=graph_def, saver_def=saver_def, clear_extraneous_savers=True
    )
    names = [node.name for node in meta_graph_def.graph_def.node]
    assert names == ["v", "save/Const", "save/SaveV2", "save/restore_all"]
    assert meta_graph_def.saver_def == saver_def


# ---------------------------------------------------------------------- round trips


def _round_trip(meta_graph_def, **kwargs):
    graph = tf.Graph()
    with graph.as_default():
        var_list = meta_graph.import_scoped_meta_graph(meta_graph_def, **kwargs)
    return graph, var_list


def test_round_trip_restores_every_collection():
    tensors = _model()
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    graph, var_list = _round_trip(meta_graph_def)
    assert sorted(var_list) == ["global_step:0", "model/b:0", "model/w:0"]
    get = graph.get_collection
    assert [v.name for v in get(GraphKeys.TRAINABLE_VARIABLES)] == ["model/w:0", "model/b:0"]
    assert get(GraphKeys.GLOBAL_VARIABLES)[0] is get(GraphKeys.TRAINABLE_VARIABLES)[0]
    assert get(GraphKeys.LOCAL_VARIABLES)[0] is get(GraphKeys.MODEL_VARIABLES)[0]
    assert get(GraphKeys.LOCAL_VARIABLES)[0].trainable is False
    assert get(GraphKeys.GLOBAL_STEP)[0].name == "global_step:0"
    assert get(GraphKeys.TRAINABLE_VARIABLES)[1].handle.op.type == "VarHandleOp"
    assert get(GraphKeys.LOSSES)[0] is graph.get_tensor_by_name("loss:0")
    assert get(GraphKeys.TRAIN_OP)[0] is graph.get_operation_by_name("GradientDescent")
    assert get("ints") == [3, 7]
    assert get("floats") == [2.5]
    assert get("strings") == [b"hello", b"\x00\xffbytes"]
    unpacked = saver_pb2.SaverDef()
    assert get("anys")[0].Unpack(unpacked) and unpacked.filename_tensor_name == "f:0"
    (runner,) = get(GraphKeys.QUEUE_RUNNERS)
    assert isinstance(runner, queue_runner.QueueRunner)
    assert runner.queue is graph.get_operation_by_name("queue")
    assert runner.enqueue_ops == [graph.get_operation_by_name("enqueue")]
    del tensors


def test_imported_graph_trains_like_the_original():
    tensors = _model()
    feed = {"x:0": np.array([[1.0, 1.0], [2.0, 0.0]], np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tensors["train_op"], feed)
        expected = sess.run("y:0", feed)
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    graph, _ = _round_trip(meta_graph_def)
    with graph.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(graph.get_collection(GraphKeys.TRAIN_OP)[0], feed)
        np.testing.assert_allclose(sess.run("y:0", feed), expected)
        assert sess.run(tf.train.get_global_step()) == 1


def test_import_scope_prefixes_ops_collections_and_variables():
    _model()
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    graph, var_list = _round_trip(meta_graph_def, import_scope="imported")
    assert sorted(var_list) == ["global_step:0", "model/b:0", "model/w:0"]
    assert var_list["model/w:0"].name == "imported/model/w:0"
    assert var_list["model/b:0"].handle.name == "imported/model/b:0"
    assert graph.get_collection(GraphKeys.LOSSES)[0].name == "imported/loss:0"
    assert graph.get_collection(GraphKeys.TRAIN_OP)[0].name == "imported/GradientDescent"
    # TF prefixes the scope to text items of plain bytes collections too.
    assert graph.get_collection("strings") == ["imported/hello", b"\x00\xffbytes"]
    (runner,) = graph.get_collection(GraphKeys.QUEUE_RUNNERS)
    assert runner.name == "imported/queue"
    assert runner.cancel_op is graph.get_operation_by_name("imported/cancel")
    assert graph.get_collection("ints") == [3, 7]
    with graph.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y = sess.run("imported/y:0", {"imported/x:0": [[1.0, 1.0]]})
    np.testing.assert_allclose(y, [[3.5]])


def test_clear_devices_on_import_leaves_the_proto_alone():
    _model()
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    graph, _ = _round_trip(meta_graph_def, clear_devices=True)
    assert not any(op.device for op in graph.get_operations())
    assert any(node.device for node in meta_graph_def.graph_def.node)
    graph, _ = _round_trip(meta_graph_def)
    assert graph.get_operation_by_name("model/w").device == "/device:CPU:0"


def test_restore_collections_predicate_and_input_map():
    _model()
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    graph = tf.Graph()
    with graph.as_default():
        replacement = tf.constant([[2.0, 0.0]], name="replacement")
        var_list, (y,) = meta_graph.import_scoped_meta_graph_with_return_elements(
            meta_graph_def,
            import_scope="m",
            input_map={"x:0": replacement},
            restore_collections_predicate=lambda key: key != "ints",
            return_elements=["y:0"],
        )
        assert "ints" not in graph.get_all_collection_keys()
        assert y.op.inputs[0].op.inputs[0] is replacement
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(y), [[2.5]])
    assert "model/w:0" in var_list


def test_export_scope_keeps_the_scope_and_records_unbound_inputs():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.variable_scope("tower"):
        w = tf.get_variable(
            "w", initializer=np.array([[1.0], [-1.0]], np.float32), use_resource=False
        )
        tf.matmul(x, w, name="out")
    tf.add_to_collection("outputs", tf.get_default_graph().get_tensor_by_name("tower/out:0"))
    meta_graph_def, var_list = meta_graph.export_scoped_meta_graph(export_scope="tower")
    names = [node.name for node in meta_graph_def.graph_def.node]
    assert "x" not in names and "w" in names and "out" in names
    out = next(node for node in meta_graph_def.graph_def.node if node.name == "out")
    assert list(out.input) == ["$unbound_inputs_x", "w/read"]
    assert list(meta_graph_def.collection_def["unbound_inputs"].bytes_list.value) == [
        b"$unbound_inputs_x"
    ]
    assert list(meta_graph_def.collection_def["outputs"].node_list.value) == ["out:0"]
    assert sorted(var_list) == ["w:0"]
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Graph contains unbound inputs: \\$unbound_inputs_x"):
            meta_graph.import_scoped_meta_graph(meta_graph_def)
        feed = tf.constant([[3.0, 1.0]])
        var_list = meta_graph.import_scoped_meta_graph(
            meta_graph_def, import_scope="copy", input_map={"$unbound_inputs_x": feed}
        )
        assert var_list["w:0"].name == "copy/w:0"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run("copy/out:0"), [[2.0]])


def test_copy_scoped_meta_graph_duplicates_a_tower():
    with tf.variable_scope("tower"):
        x = tf.constant([[1.0, 2.0]], name="x")
        w = tf.get_variable("w", initializer=np.ones((2, 1), np.float32), use_resource=False)
        tf.matmul(x, w, name="out")
    with pytest.raises(ValueError, match="need to be different"):
        meta_graph.copy_scoped_meta_graph("tower", "tower")
    copied = meta_graph.copy_scoped_meta_graph("tower", "tower_copy")
    assert copied["w:0"].name == "tower_copy/w:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run("tower_copy/out:0"), [[3.0]])


def test_legacy_control_flow_contexts_are_not_restored(caplog):
    meta_graph_def = meta_graph_pb2.MetaGraphDef()
    meta_graph_def.collection_def["cond_context"].bytes_list.value.append(b"\x0a\x03abc")
    with caplog.at_level(logging.WARNING, logger="ndflow.framework.meta_graph"):
        graph, _ = _round_trip(meta_graph_def)
    assert graph.get_collection("cond_context") == []
    assert "legacy control-flow contexts" in caplog.text


def test_variables_from_before_tf_1_9_are_trainable_when_listed_so():
    tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b", trainable=False)
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph()
    meta_graph_def.meta_info_def.tensorflow_version = "1.8.0"
    for key in ("variables", "trainable_variables"):
        values = meta_graph_def.collection_def[key].bytes_list.value
        for i, raw in enumerate(values):
            proto = variable_pb2.VariableDef.FromString(raw)
            proto.ClearField("trainable")
            values[i] = proto.SerializeToString()
    graph, var_list = _round_trip(meta_graph_def)
    assert var_list["a:0"].trainable and not var_list["b:0"].trainable


# ---------------------------------------------------------------------- files


@pytest.mark.parametrize("as_text", [False, True])
def test_meta_graph_files_in_binary_and_text(tmp_path, as_text):
    _model()
    path = tmp_path / "sub" / "model.meta"
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph(
        filename=str(path), as_text=as_text, save_debug_info=True
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.debug", "model.meta"]
    if as_text:
        assert path.read_text().startswith("meta_info_def {")
    assert meta_graph.read_meta_graph_file(str(path)) == meta_graph_def
    graph, var_list = _round_trip(str(path))
    assert "model/w:0" in var_list and graph.get_collection("ints") == [3, 7]


def test_reading_missing_or_garbage_files_is_an_io_error(tmp_path):
    missing = tmp_path / "nope.meta"
    with pytest.raises(OSError, match=f"File does not exist. Received: {missing}"):
        meta_graph.read_meta_graph_file(str(missing))
    garbage = tmp_path / "garbage.meta"
    garbage.write_text("this is { not a proto")
    with pytest.raises(OSError, match="Cannot parse file"):
        meta_graph.read_meta_graph_file(str(garbage))


def test_write_graph_is_public_atomic_and_creates_its_directory(tmp_path):
    tf.constant(1.0, name="c")
    assert tf.train.write_graph is tf.io.write_graph
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path / "a" / "b"), "g.pb", False)
    assert path == str(tmp_path / "a" / "b" / "g.pb")
    assert graph_pb2.GraphDef.FromString(pathlib.Path(path).read_bytes()).node[0].name == "c"
    text = tf.io.write_graph(tf.get_default_graph().as_graph_def(), str(tmp_path), "g.pbtxt")
    assert 'name: "c"' in pathlib.Path(text).read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "g.pbtxt"]


# ---------------------------------------------------------------------- made by TensorFlow


def test_tensorflows_checkpoint_meta_graph_recreates_variables_and_collections():
    path = FIXTURES / "checkpoint_v2" / "model.ckpt-100.meta"
    graph, var_list = _round_trip(str(path))
    assert len(var_list) == 15
    assert var_list["scope/nested/big_f32:0"].shape.as_list() == [256, 256]
    assert var_list["str_vec:0"].dtype == tf.string._as_ref()
    step = graph.get_collection(GraphKeys.GLOBAL_STEP)[0]
    assert step.handle.op.type == "VarHandleOp"
    assert step.aggregation == tf.VariableAggregation.ONLY_FIRST_REPLICA
    assert len(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)) == 14
    part = var_list["partitioned/part_1:0"]
    info = part._save_slice_info
    assert (info.full_name, info.full_shape, info.var_offset, info.var_shape) == (
        "partitioned",
        [10, 4],
        [4, 0],
        [3, 4],
    )
    assert info.spec == "10 4 4,3:0,4"
    with graph.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(var_list["str_scalar:0"]) == b""


def test_tensorflows_meta_graph_exports_back_unchanged_in_substance():
    path = FIXTURES / "checkpoint_v2" / "model.ckpt-100.meta"
    original = meta_graph.read_meta_graph_file(str(path))
    graph, _ = _round_trip(original)
    again, _ = meta_graph.export_scoped_meta_graph(graph=graph, saver_def=original.saver_def)
    for key in ("variables", "trainable_variables", "global_step"):
        assert again.collection_def[key] == original.collection_def[key]
    assert again.saver_def == original.saver_def
    assert [n.name for n in again.graph_def.node] == [n.name for n in original.graph_def.node]
