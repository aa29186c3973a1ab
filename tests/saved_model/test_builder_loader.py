"""SavedModelBuilder -> loader.load round trips in ndflow: variables, signatures, assets,
main_op, several MetaGraphDefs, text format, import scopes, simple_save, and TF's errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import ndflow as tf
from ndflow.proto import meta_graph_pb2
from ndflow.saved_model import constants
from ndflow.saved_model import loader


def _build_model(export_dir, asset_file, as_text=False, extra_tags=None):
    """y = x @ w + b (w a ref variable, b a resource one), an asset read by the main_op into
    a local variable `contents`, a predict and a regress signature."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable([[1.0], [2.0]], name="w")
        b = tf.get_variable("b", initializer=[0.5], use_resource=True)
        y = tf.add(tf.matmul(x, w), b, name="y")
        examples = tf.placeholder(tf.string, [None], name="examples")
        parsed = tf.parse_example(examples, {"x": tf.FixedLenFeature([2], tf.float32)})
        y_from_examples = tf.add(tf.matmul(parsed["x"], w), b, name="y_from_examples")
        asset_path = tf.constant(asset_file, name="asset_path")
        tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, asset_path)
        contents = tf.Variable("", name="contents", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        main_op = tf.group(tf.assign(contents, tf.read_file(asset_path)), name="main_op")
        signatures = {
            "serving_default": tf.saved_model.predict_signature_def({"x": x}, {"y": y}),
            "regress": tf.saved_model.regression_signature_def(examples, y_from_examples),
        }
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(w.assign([[3.0], [4.0]]))  # the saved value, not the initial one
            builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
            builder.add_meta_graph_and_variables(
                sess,
                ["serve"],
                signature_def_map=signatures,
                assets_collection=tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS),
                main_op=main_op,
            )
            if extra_tags:
                builder.add_meta_graph(extra_tags)
            builder.save(as_text=as_text)


@pytest.fixture
def asset_file(tmp_path):
    path = tmp_path / "source" / "vocab.txt"
    path.parent.mkdir()
    path.write_bytes(b"alpha\nbeta\n")
    return str(path)


def test_round_trip_restores_variables_runs_main_op_and_maps_assets(tmp_path, asset_file):
    export_dir = str(tmp_path / "model" / "1")
    _build_model(export_dir, asset_file)
    os.remove(asset_file)  # loading must use the copy in the SavedModel
    assert sorted(os.listdir(export_dir)) == ["assets", "saved_model.pb", "variables"]
    assert os.listdir(os.path.join(export_dir, "assets")) == ["vocab.txt"]
    assert sorted(os.listdir(os.path.join(export_dir, "variables"))) == [
        "variables.data-00000-of-00001",
        "variables.index",
    ]
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        assert set(meta_graph.signature_def) == {"serving_default", "regress"}
        y = sess.run("y:0", {"x:0": [[1.0, 1.0], [0.0, 2.0]]})
        np.testing.assert_allclose(y, [[7.5], [8.5]])  # w as saved, not its initial value
        # The main op read the copy under <export_dir>/assets, fed as an absolute path.
        assert sess.run("contents:0") == b"alpha\nbeta\n"
        examples = [_example([1.0, 1.0]), _example([2.0, 0.0])]
        got = sess.run(
            meta_graph.signature_def["regress"].outputs["outputs"].name, {"examples:0": examples}
        )
        np.testing.assert_allclose(got, [[7.5], [6.5]])
    assets = meta_graph.collection_def[constants.ASSETS_KEY].any_list.value
    assert assets[0].type_url == "type.googleapis.com/tensorflow.AssetFileDef"
    asset = meta_graph_pb2.AssetFileDef.FromString(assets[0].value)
    assert (asset.filename, asset.tensor_info.name) == ("vocab.txt", "asset_path:0")


def _example(values):
    return tf.train.Example(
        features=tf.train.Features(
            feature={"x": tf.train.Feature(float_list=tf.train.FloatList(value=values))}
        )
    ).SerializeToString()


def test_text_format_and_several_meta_graphs(tmp_path, asset_file):
    export_dir = str(tmp_path / "model")
    _build_model(export_dir, asset_file, as_text=True, extra_tags=["serve", "gpu"])
    assert os.path.exists(os.path.join(export_dir, "saved_model.pbtxt"))
    assert tf.saved_model.maybe_saved_model_directory(export_dir)
    assert tf.saved_model.contains_saved_model(export_dir)
    for tags in (["serve"], ["gpu", "serve"]):
        with tf.Session(graph=tf.Graph()) as sess:
            meta_graph = tf.saved_model.load(sess, tags, export_dir)
            assert set(meta_graph.meta_info_def.tags) == set(tags)
            np.testing.assert_allclose(sess.run("y:0", {"x:0": [[1.0, 1.0]]}), [[7.5]])


def test_missing_tags_raise_tf_runtime_error(tmp_path, asset_file):
    export_dir = str(tmp_path / "model")
    _build_model(export_dir, asset_file)
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(RuntimeError) as info:
            tf.saved_model.loader.load(sess, ["train"], export_dir)
    assert str(info.value) == (
        "MetaGraphDef associated with tags 'train' could not be found in SavedModel, with "
        "available tags '[{'serve'}]'. To inspect available tag-sets in the SavedModel, please "
        "use the SavedModel CLI: `saved_model_cli`."
    )


def test_load_with_import_scope(tmp_path, asset_file):
    export_dir = str(tmp_path / "model")
    _build_model(export_dir, asset_file)
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export_dir, import_scope="m")
        np.testing.assert_allclose(sess.run("m/y:0", {"m/x:0": [[1.0, 1.0]]}), [[7.5]])
        assert sess.run("m/contents:0") == b"alpha\nbeta\n"


def test_go_seed_access_by_operation_name(tmp_path, asset_file):
    export_dir = str(tmp_path / "model")
    _build_model(export_dir, asset_file)
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export_dir)
        x = sess.graph.get_operation_by_name("x").outputs[0]
        y = sess.graph.get_operation_by_name("y").outputs[0]
        np.testing.assert_allclose(sess.run(y, {x: [[0.0, 0.0]]}), [[0.5]])


def test_export_dir_must_be_new_or_empty(tmp_path):
    (tmp_path / "empty").mkdir()
    tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "empty"))  # allowed, as in TF
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x")
    with pytest.raises(AssertionError, match="already exists, and isn't empty"):
        tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "full"))


def test_builder_call_order_errors(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        builder = tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "m"))
        with pytest.raises(AssertionError, match="has not been saved yet"):
            builder.add_meta_graph(["serve"])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            builder.add_meta_graph_and_variables(sess, ["serve"])
            with pytest.raises(AssertionError, match="has already been saved"):
                builder.add_meta_graph_and_variables(sess, ["train"])


def test_signature_validation_errors(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        x = tf.placeholder(tf.float32, name="x")
        builder = tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "m"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            bad = tf.saved_model.build_signature_def(
                {"x": meta_graph_pb2.TensorInfo(name="x:0")}, {}, "m"
            )
            with pytest.raises(AssertionError, match="must have the dtype field set"):
                builder.add_meta_graph_and_variables(sess, ["serve"], {"s": bad})
            reserved = tf.saved_model.predict_signature_def({"x": x}, {"x": x})
            with pytest.raises(KeyError, match="is reserved for initialization"):
                builder.add_meta_graph_and_variables(
                    sess, ["serve"], {"__saved_model_init_op": reserved}
                )
            with pytest.raises(TypeError, match="to be an Operation"):
                builder.add_meta_graph_and_variables(sess, ["serve"], main_op=x)


def test_simple_save_and_a_graph_without_variables(tmp_path):
    export_dir = str(tmp_path / "simple")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.multiply(x, 2.0, name="y")
        with tf.Session() as sess:
            tf.saved_model.simple_save(sess, export_dir, {"x": x}, {"y": y})
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, [tf.saved_model.SERVING], export_dir)
        signature = meta_graph.signature_def["serving_default"]
        assert signature.method_name == "tensorflow/serving/predict"
        out = sess.run(signature.outputs["y"].name, {signature.inputs["x"].name: [1.0, 3.0]})
        np.testing.assert_allclose(out, [2.0, 6.0])


def test_sparse_signature_round_trips(tmp_path):
    export_dir = str(tmp_path / "sparse")
    with tf.Graph().as_default():
        sp = tf.sparse_placeholder(tf.float32, name="sp")
        total = tf.identity(tf.sparse_reduce_sum(sp), name="total")
        with tf.Session() as sess:
            tf.saved_model.simple_save(sess, export_dir, {"sp": sp}, {"total": total})
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        info = meta_graph.signature_def["serving_default"].inputs["sp"]
        sparse = tf.saved_model.utils.get_tensor_from_tensor_info(info, sess.graph)
        value = tf.SparseTensorValue([[0, 0], [1, 2]], [1.5, 2.0], [2, 3])
        assert sess.run("total:0", {sparse: value}) == 3.5


def test_clear_devices_and_strip_default_attrs(tmp_path):
    export_dir = str(tmp_path / "m")
    with tf.Graph().as_default():
        with tf.device("/cpu:0"):
            v = tf.Variable([1.0, 2.0], name="v")
            tf.identity(v, name="out")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
            builder.add_meta_graph_and_variables(
                sess, ["serve"], clear_devices=True, strip_default_attrs=True
            )
            builder.save()
    meta_graph = loader.SavedModelLoader(export_dir).get_meta_graph_def_from_tags(["serve"])
    assert all(not node.device for node in meta_graph.graph_def.node)
    assert meta_graph.meta_info_def.stripped_default_attrs
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export_dir)
        np.testing.assert_allclose(sess.run("out:0"), [1.0, 2.0])


def test_legacy_init_op_and_main_op_with_restore(tmp_path):
    export_dir = str(tmp_path / "m")
    with tf.Graph().as_default():
        v = tf.Variable(5.0, name="v")
        counter = tf.Variable(0.0, name="counter", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        init = tf.group(tf.assign(counter, v + 1.0), name="legacy_init")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
            builder.add_meta_graph_and_variables(sess, ["serve"], legacy_init_op=init)
            builder.save()
    with tf.Session(graph=tf.Graph()) as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        assert constants.MAIN_OP_KEY in meta_graph.collection_def
        assert sess.run("counter:0") == 6.0


def test_main_op_initializes_variables_and_tables():
    with tf.Graph().as_default():
        v = tf.Variable(2.0, name="v")
        local = tf.Variable(3.0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(["a"], [7], tf.string, tf.int64), -1
        )
        main_op = tf.saved_model.main_op.main_op()
        saver = tf.train.Saver([v])
        with_restore = tf.saved_model.main_op_with_restore(saver.saver_def.restore_op_name)
        assert main_op.type == "NoOp" and with_restore.type == "NoOp"
        control_types = sorted(op.name for op in with_restore.control_inputs)
        assert control_types == ["group_deps_1", "save/restore_all"]  # main_op(), restore
        with tf.Session() as sess:
            sess.run(main_op)
            assert sess.run([v, local, table.lookup(tf.constant("a"))]) == [2.0, 3.0, 7]


def test_assets_extra_written_next_to_the_model_is_kept_and_ignored_by_the_loader(tmp_path):
    export_dir = tmp_path / "m"
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.add(x, 1.0, name="y")
        with tf.Session() as sess:
            builder = tf.saved_model.builder.SavedModelBuilder(str(export_dir))
            signature = tf.saved_model.predict_signature_def({"x": x}, {"y": y})
            builder.add_meta_graph_and_variables(sess, ["serve"], {"serving_default": signature})
            extra = export_dir / constants.EXTRA_ASSETS_DIRECTORY
            extra.mkdir()
            (extra / "tf_serving_warmup_requests").write_bytes(b"\x00warmup")
            builder.save()
    assert (extra / "tf_serving_warmup_requests").read_bytes() == b"\x00warmup"
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], str(export_dir))
        np.testing.assert_allclose(sess.run("y:0", {"x:0": [1.0]}), [2.0])
