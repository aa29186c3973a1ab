"""Saver interop in ndflow: restoring TensorFlow's checkpoint fixture
(tests/fixtures/checkpoint_v2: every dtype, a partitioned variable, global_step naming)
with a Saver over the same variables or through its own .meta file, and MetaGraph round
trips (`tf.train.export_meta_graph` / `import_meta_graph`) of ndflow's own checkpoints.
The TensorFlow side of both directions is in tests/conformance/test_saver_tf.py."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import ndflow as tf

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text())
PREFIX = str(FIXTURE / "model.ckpt-100")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _expected_values():
    with np.load(FIXTURE / "expected.npz") as data:
        values = {key.replace("__", "/"): data[key] for key in data.files}
    for name, entry in EXPECTED["string_variables"].items():
        values[name] = np.array([s.encode("latin-1") for s in _b64(entry)], dtype=object)
        values[name] = values[name].reshape(entry["shape"])
    return values


def _b64(entry):
    import base64

    return [base64.b64decode(text).decode("latin-1") for text in entry["values_b64"]]


def _fixture_variables():
    """The fixture's variables, zero-initialized; the partitioned one as its three slices."""
    variables = {}
    for name, spec in EXPECTED["variables"].items():
        if name == "partitioned":
            continue
        dtype = object if spec["dtype"] == "string" else np.dtype(spec["dtype"])
        zeros = np.zeros(spec["shape"], dtype=dtype)
        if dtype is object:
            zeros = np.full(spec["shape"], b"", dtype=object)
        variables[name] = tf.Variable(zeros, name=name)
    partition = EXPECTED["partitioned_variable"]
    slices = []
    for part in partition["slices_in_graph"]:
        variable = tf.Variable(np.zeros(part["shape"], np.float32), name=part["graph_variable"])
        info = tf.Variable.SaveSliceInfo(
            partition["name"], partition["full_shape"], part["offset"], part["shape"]
        )
        variable._set_save_slice_info(info)
        slices.append(variable)
    return variables, slices


def test_restores_tensorflows_checkpoint_into_the_same_variables(graph):
    variables, slices = _fixture_variables()
    saver = tf.train.Saver()
    assert tf.train.latest_checkpoint(str(FIXTURE)) == PREFIX
    with tf.Session(graph=graph) as sess:
        saver.restore(sess, PREFIX)
        got = {name: sess.run(v) for name, v in variables.items()}
        got["partitioned"] = np.concatenate([sess.run(s) for s in slices])
    expected = _expected_values()
    assert set(got) == set(expected)
    for name, value in expected.items():
        got_value = np.asarray(got[name], dtype=value.dtype if value.dtype == object else None)
        assert got_value.dtype == value.dtype, name
        np.testing.assert_array_equal(got_value, value, err_msg=name)


def test_restores_the_older_checkpoint_of_the_fixture(graph):
    variables, _ = _fixture_variables()
    saver = tf.train.Saver()
    with tf.Session(graph=graph) as sess:
        saver.restore(sess, str(FIXTURE / "model.ckpt-50"))
        for name, value in EXPECTED["model.ckpt-50_differences"].items():
            assert sess.run(variables[name]) == value


def test_imports_tensorflows_meta_graph_and_restores(graph):
    saver = tf.train.import_meta_graph(PREFIX + ".meta")
    assert saver.as_saver_def().restore_op_name == "save/restore_all"
    variables = {v.op.name: v for v in tf.global_variables()}
    with tf.Session(graph=graph) as sess:
        saver.restore(sess, PREFIX)
        expected = _expected_values()
        for name in ("scalar_f32", "vec_f64", "tensor_f16", "global_step", "str_vec"):
            np.testing.assert_array_equal(sess.run(variables[name]), expected[name])
        parts = [sess.run(variables[f"partitioned/part_{i}"]) for i in range(3)]
        np.testing.assert_array_equal(np.concatenate(parts), expected["partitioned"])


def _model():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    b = tf.Variable([0.5, -0.5], name="b", use_resource=True)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.add(tf.matmul(x, w), b, name="y")
    step = tf.train.get_or_create_global_step()
    train = tf.assign_add(step, 1, name="train")
    tf.add_to_collection("train_op", train)
    return x, y


def test_meta_graph_round_trip_restores_and_runs(graph, tmp_path):
    x, y = _model()
    saver = tf.train.Saver()
    feed = np.ones((2, 3), np.float32)
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=100)
        expected = sess.run(y, {x: feed})
    assert prefix.endswith("model.ckpt-100")
    with tf.Graph().as_default() as fresh:
        restored = tf.train.import_meta_graph(prefix + ".meta")
        assert restored.as_saver_def() == saver.as_saver_def()
        train = tf.get_collection("train_op")[0]
        with tf.Session(graph=fresh) as sess:
            restored.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run("y:0", {"x:0": feed}), expected)
            sess.run(train)
            assert sess.run("global_step:0") == 1


def test_import_meta_graph_under_a_scope(graph, tmp_path):
    _model()
    saver = tf.train.Saver()
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as fresh:
        restored = tf.train.import_meta_graph(prefix + ".meta", import_scope="imported")
        assert restored.as_saver_def().restore_op_name == "imported/save/restore_all"
        with tf.Session(graph=fresh) as sess:
            restored.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run("imported/w:0"), np.arange(6).reshape(3, 2))


def test_import_meta_graph_without_saver_def(graph, tmp_path):
    _model()
    meta = tf.train.export_meta_graph()
    assert not meta.HasField("saver_def")
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(meta)
        assert isinstance(saver, tf.train.Saver)
        assert saver.as_saver_def().restore_op_name == "save/restore_all"
    with tf.Graph().as_default():
        tf.placeholder(tf.float32, name="p")
        empty = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(empty) is None


def test_saver_export_meta_graph_carries_its_saver_def(graph, tmp_path):
    _model()
    saver = tf.train.Saver(max_to_keep=7)
    path = str(tmp_path / "model.meta")
    meta = saver.export_meta_graph(path)
    assert meta.saver_def == saver.as_saver_def()
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(path).as_saver_def().max_to_keep == 7
    text = saver.export_meta_graph(str(tmp_path / "model.pbtxt"), as_text=True)
    assert "restore_all" in (tmp_path / "model.pbtxt").read_text()
    assert text.saver_def.max_to_keep == 7


def test_savers_collection_round_trips_as_saver_defs(graph):
    _model()
    saver = tf.train.Saver()
    tf.add_to_collection(tf.GraphKeys.SAVERS, saver)
    meta = tf.train.export_meta_graph()
    stored = meta.collection_def[tf.GraphKeys.SAVERS].bytes_list.value
    assert [tf.train.SaverDef.FromString(s) for s in stored] == [saver.as_saver_def()]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta, import_scope="copy")
        (imported,) = tf.get_collection(tf.GraphKeys.SAVERS)
        assert isinstance(imported, tf.train.Saver)
        assert imported.as_saver_def().restore_op_name == "copy/save/restore_all"
