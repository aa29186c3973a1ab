"""Savers cross over (oracle venv only: `make conformance`): a checkpoint and .meta written
by ndflow's `tf.train.Saver` load in TensorFlow through `import_meta_graph` + `restore`
(the saver_def names ndflow's save/restore graph, which TF runs), plain and sharded; a
TensorFlow Saver's checkpoint and .meta load in ndflow the same way; and an object-based
`tf.train.Checkpoint` restores into ndflow variables through a name-based Saver."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402

tf1 = tf_real.compat.v1

VALUES = {
    "dense/kernel": np.arange(6, dtype=np.float32).reshape(2, 3),
    "dense/bias": np.array([0.5, -1.5, 2.0], np.float32),
    "counts": np.array([3, 1, 4], np.int64),
    "flag": np.array(True),
    "words": np.array([b"alpha", b"", b"\xc3\xbc"], dtype=object),
    "half": np.array([[1.5, -2.25]], np.float16),
}
RESOURCE = {"dense/bias", "counts"}


def _ndflow_save(directory, sharded):
    """Builds VALUES as ndflow variables (some resource) and saves step 7."""
    with nd.Graph().as_default() as graph:
        for name, value in VALUES.items():
            nd.Variable(value, name=name, use_resource=name in RESOURCE)
        x = nd.placeholder(nd.float32, [None, 2], name="x")
        kernel = graph.get_tensor_by_name("dense/kernel:0")
        nd.matmul(x, kernel, name="y")
        saver = nd.train.Saver(sharded=sharded)
        with nd.Session(graph=graph) as sess:
            sess.run(nd.global_variables_initializer())
            return saver.save(sess, str(directory / "model.ckpt"), global_step=7)


def _values_by_name(sess, variables):
    return {v.op.name: sess.run(v) for v in variables}


def _assert_values(got):
    assert set(got) == set(VALUES)
    for name, value in VALUES.items():
        got_value = np.asarray(got[name], dtype=value.dtype if value.dtype == object else None)
        assert got_value.dtype == value.dtype, name
        np.testing.assert_array_equal(got_value, value, err_msg=name)


@pytest.mark.parametrize("sharded", [False, True])
def test_ndflow_checkpoint_and_meta_graph_restore_in_tensorflow(tmp_path, sharded):
    prefix = _ndflow_save(tmp_path, sharded)
    assert tf_real.train.latest_checkpoint(str(tmp_path)) == prefix
    with tf_real.Graph().as_default() as graph:
        saver = tf1.train.import_meta_graph(prefix + ".meta")
        with tf1.Session(graph=graph) as sess:
            saver.restore(sess, prefix)
            _assert_values(_values_by_name(sess, tf1.global_variables()))
            y = sess.run("y:0", {"x:0": np.ones((1, 2), np.float32)})
    np.testing.assert_array_equal(y, [[3.0, 5.0, 7.0]])
    # TF saves again with ndflow's save ops, and the result restores in ndflow.
    with tf_real.Graph().as_default() as graph:
        saver = tf1.train.import_meta_graph(prefix + ".meta")
        with tf1.Session(graph=graph) as sess:
            saver.restore(sess, prefix)
            again = saver.save(sess, str(tmp_path / "again"), write_meta_graph=False)
    with nd.Graph().as_default() as graph:
        saver = nd.train.import_meta_graph(prefix + ".meta")
        with nd.Session(graph=graph) as sess:
            saver.restore(sess, again)
            _assert_values(_values_by_name(sess, nd.global_variables()))


def _tf_save(directory, sharded):
    tf1.disable_resource_variables()
    try:
        with tf_real.Graph().as_default() as graph:
            for name, value in VALUES.items():
                tf1.Variable(value, name=name, use_resource=name in RESOURCE)
            step = tf1.train.get_or_create_global_step()
            tf1.assign_add(step, 1, name="train")
            saver = tf1.train.Saver(sharded=sharded, max_to_keep=2)
            with tf1.Session(graph=graph) as sess:
                sess.run(tf1.global_variables_initializer())
                return saver.save(sess, str(directory / "model.ckpt"), global_step=3)
    finally:
        tf1.enable_resource_variables()


@pytest.mark.parametrize("sharded", [False, True])
def test_tensorflow_checkpoint_and_meta_graph_restore_in_ndflow(tmp_path, sharded):
    prefix = _tf_save(tmp_path, sharded)
    with nd.Graph().as_default() as graph:
        saver = nd.train.import_meta_graph(prefix + ".meta")
        assert saver.as_saver_def().max_to_keep == 2
        with nd.Session(graph=graph) as sess:
            saver.restore(sess, prefix)
            got = _values_by_name(sess, nd.global_variables())
            assert got.pop("global_step") == 0
            _assert_values(got)
            sess.run("train")
            # ndflow saves with TF's graph; TensorFlow reads the result.
            again = saver.save(sess, str(tmp_path / "again"), global_step=4)
    reader = tf_real.train.load_checkpoint(again)
    assert reader.get_tensor("global_step") == 1
    np.testing.assert_array_equal(reader.get_tensor("dense/kernel"), VALUES["dense/kernel"])


def test_tensorflow_object_based_checkpoint_restores_through_a_saver(tmp_path):
    with tf_real.Graph().as_default() as graph:
        kernel = tf1.Variable(VALUES["dense/kernel"], name="dense/kernel", use_resource=True)
        bias = tf1.Variable(VALUES["dense/bias"], name="dense/bias", use_resource=True)
        checkpoint = tf1.train.Checkpoint(kernel=kernel, bias=bias)
        with tf1.Session(graph=graph) as sess:
            sess.run(tf1.global_variables_initializer())
            prefix = checkpoint.save(str(tmp_path / "ckpt"), session=sess)
    with nd.Graph().as_default() as graph:
        kernel = nd.Variable(np.zeros((2, 3), np.float32), name="dense/kernel")
        bias = nd.Variable(np.zeros(3, np.float32), name="dense/bias", use_resource=True)
        saver = nd.train.Saver([kernel, bias])
        with nd.Session(graph=graph) as sess:
            saver.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(kernel), VALUES["dense/kernel"])
            np.testing.assert_array_equal(sess.run(bias), VALUES["dense/bias"])
