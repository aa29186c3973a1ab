"""tf.train.Saver (ndflow/train/saver.py) in ndflow: save/restore round trips for ref and
resource variables, dict var_lists, lookup tables and variable slices; checkpoint naming
with a global step; max_to_keep and keep_checkpoint_every_n_hours; the state file
(relative paths, recovery); sharded saves; SaverDef round trips; TF's errors. The graph
itself is compared with TensorFlow's in test_saver_graph.py."""

from __future__ import annotations

import os

import numpy as np
import pytest

import ndflow as tf
from ndflow.train import checkpoint_utils
from ndflow.train import saver as saver_lib


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as session:
        yield session


def _keys(prefix):
    return sorted(checkpoint_utils.NewCheckpointReader(prefix).get_variable_to_shape_map())


def _values(sess, variables):
    return [sess.run(v) for v in variables]


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("use_resource", [False, True])
def test_save_and_restore_round_trip(sess, tmp_path, use_resource):
    w = tf.Variable(
        np.arange(6, dtype=np.float32).reshape(2, 3), name="w", use_resource=use_resource
    )
    n = tf.Variable(np.int64(7), name="n", use_resource=use_resource)
    s = tf.Variable([b"a", b"bc"], name="s", use_resource=use_resource)
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
    assert prefix == str(tmp_path / "model.ckpt")
    assert _keys(prefix) == ["n", "s", "w"]
    sess.run([w.assign(tf.zeros([2, 3])), n.assign(0), s.assign(["", ""])])
    saver.restore(sess, prefix)
    np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))
    assert sess.run(n) == 7
    assert sess.run(s).tolist() == [b"a", b"bc"]


def test_restore_initializes_uninitialized_variables(graph, tmp_path):
    v = tf.Variable([1.5, 2.5], name="v")
    saver = tf.train.Saver()
    with tf.Session(graph=graph) as sess:
        sess.run(v.initializer)
        prefix = saver.save(sess, str(tmp_path / "m"))
    with tf.Session(graph=graph) as fresh:
        saver.restore(fresh, prefix)
        np.testing.assert_array_equal(fresh.run(v), [1.5, 2.5])


def test_dict_var_list_saves_under_the_given_names(sess, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    r = tf.Variable(3, name="r", use_resource=True)
    saver = tf.train.Saver({"layer/weights": a, "counter": r})
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    reader = checkpoint_utils.NewCheckpointReader(prefix)
    assert sorted(reader.get_variable_to_shape_map()) == ["counter", "layer/weights"]
    np.testing.assert_array_equal(reader.get_tensor("layer/weights"), [1.0, 2.0])
    assert reader.get_tensor("counter") == 3


def test_restore_into_other_variables_by_name(graph, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    with tf.Session(graph=graph) as sess:
        sess.run(a.initializer)
        prefix = tf.train.Saver({"shared": a}).save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as other:
        b = tf.Variable([0.0, 0.0], name="b", use_resource=True)
        saver = tf.train.Saver({"shared": b})
        with tf.Session(graph=other) as sess:
            saver.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(b), [1.0, 2.0])


def test_var_list_subset_leaves_others_alone(sess, tmp_path):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    saver = tf.train.Saver([a])
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    assert _keys(prefix) == ["a"]
    sess.run([a.assign(5.0), b.assign(6.0)])
    saver.restore(sess, prefix)
    assert _values(sess, [a, b]) == [1.0, 6.0]


def test_lookup_tables_are_saved_and_restored(sess, tmp_path):
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    insert = table.insert(["x", "y"], tf.constant([4, 5], tf.int64))
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run([v.initializer, insert])
    prefix = saver.save(sess, str(tmp_path / "m"))
    assert _keys(prefix) == ["MutableHashTable-keys", "MutableHashTable-values", "v"]
    sess.run(table.remove(tf.constant(["x", "y"])))
    assert sess.run(table.size()) == 0
    saver.restore(sess, prefix)
    assert sess.run(table.lookup(tf.constant(["y", "x", "z"]))).tolist() == [5, 4, -1]


def test_variable_slices_save_one_key(sess, tmp_path):
    parts = []
    for index, (offset, rows) in enumerate([(0, 2), (2, 1)]):
        part = tf.Variable(np.full((rows, 2), index + 1.0, np.float32), name=f"p/part_{index}")
        part._set_save_slice_info(tf.Variable.SaveSliceInfo("p", [3, 2], [offset, 0], [rows, 2]))
        parts.append(part)
    saver = tf.train.Saver(parts)
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    reader = checkpoint_utils.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {"p": [3, 2]}
    np.testing.assert_array_equal(reader.get_tensor("p"), [[1, 1], [1, 1], [2, 2]])
    sess.run([p.assign(tf.zeros_like(p)) for p in parts])
    saver.restore(sess, prefix)
    np.testing.assert_array_equal(sess.run(parts[1]), [[2.0, 2.0]])


def test_resource_variable_slices_are_read_when_saving(sess, tmp_path):
    parts = []
    for index in range(2):
        part = tf.Variable([[index + 1.0, 0.5]], name=f"r/part_{index}", use_resource=True)
        part._set_save_slice_info(tf.Variable.SaveSliceInfo("r", [2, 2], [index, 0], [1, 2]))
        parts.append(part)
    saver = tf.train.Saver({"r": parts})
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    reader = checkpoint_utils.NewCheckpointReader(prefix)
    np.testing.assert_array_equal(reader.get_tensor("r"), [[1.0, 0.5], [2.0, 0.5]])
    sess.run(parts[0].assign([[9.0, 9.0]]))
    saver.restore(sess, prefix)
    np.testing.assert_array_equal(sess.run(parts[0]), [[1.0, 0.5]])


def test_base_saver_builder_restores_one_saveable_at_a_time(sess, tmp_path):
    a = tf.Variable([1.0], name="a")
    b = tf.Variable([2, 3], name="b", use_resource=True)
    saver = tf.train.Saver(builder=saver_lib.BaseSaverBuilder())
    restores = [op for op in sess.graph.get_operations() if op.type == "RestoreV2"]
    assert [op.name for op in restores] == ["save/RestoreV2", "save/RestoreV2_1"]
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    sess.run([a.assign([0.0]), b.assign([0, 0])])
    saver.restore(sess, prefix)
    assert sess.run(a).tolist() == [1.0] and sess.run(b).tolist() == [2, 3]


def test_reshape_restores_into_another_shape(graph, tmp_path):
    v = tf.Variable(np.arange(6, dtype=np.float32), name="v")
    with tf.Session(graph=graph) as sess:
        sess.run(v.initializer)
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as other:
        w = tf.Variable(tf.zeros([2, 3]), name="v")
        with tf.Session(graph=other) as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Restoring from checkpoint"):
                tf.train.Saver().restore(sess, prefix)
            tf.train.Saver(reshape=True).restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))


# ---------------------------------------------------------------------- naming and the state file


def test_global_step_is_appended(sess, tmp_path):
    step = tf.train.get_or_create_global_step()
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    base = str(tmp_path / "model.ckpt")
    assert saver.save(sess, base, global_step=100) == base + "-100"
    sess.run(step.assign(42))
    assert saver.save(sess, base, global_step=step) == base + "-42"
    assert saver.save(sess, base, global_step="global_step:0") == base + "-42"
    assert saver.save(sess, base, global_step=np.int64(7)) == base + "-7"
    for name in ("model.ckpt-100", "model.ckpt-42", "model.ckpt-7"):
        assert (tmp_path / f"{name}.index").exists()
        assert (tmp_path / f"{name}.meta").exists()
    assert tf.train.latest_checkpoint(str(tmp_path)) == base + "-7"


def test_pad_step_number(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(pad_step_number=True)
    sess.run(tf.global_variables_initializer())
    assert saver.save(sess, str(tmp_path / "m"), global_step=12).endswith("m-00000012")


def test_state_file_lists_recent_checkpoints(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    sess.run(tf.global_variables_initializer())
    base = str(tmp_path / "m")
    for step in (1, 2, 3):
        saver.save(sess, base, global_step=step)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == base + "-3"
    assert list(state.all_model_checkpoint_paths) == [base + "-2", base + "-3"]
    assert saver.last_checkpoints == [base + "-2", base + "-3"]


def test_max_to_keep_deletes_the_oldest_files(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    sess.run(tf.global_variables_initializer())
    base = str(tmp_path / "m")
    for step in range(4):
        saver.save(sess, base, global_step=step)
    left = sorted(p for p in os.listdir(tmp_path) if p != "checkpoint")
    assert left == [
        "m-2.data-00000-of-00001",
        "m-2.index",
        "m-2.meta",
        "m-3.data-00000-of-00001",
        "m-3.index",
        "m-3.meta",
    ]


def test_resaving_the_same_path_moves_it_last(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=3)
    sess.run(tf.global_variables_initializer())
    base = str(tmp_path / "m")
    for step in (1, 2, 1):
        saver.save(sess, base, global_step=step)
    assert saver.last_checkpoints == [base + "-2", base + "-1"]


@pytest.mark.parametrize("max_to_keep", [0, None])
def test_max_to_keep_zero_keeps_every_file(sess, tmp_path, max_to_keep):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=max_to_keep)
    assert saver.as_saver_def().max_to_keep == 0
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert saver.last_checkpoints == []
    assert all((tmp_path / f"m-{step}.index").exists() for step in range(3))
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "m-2")


class _Clock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def test_keep_checkpoint_every_n_hours_keeps_one_per_period(sess, tmp_path, monkeypatch):
    clock = _Clock(1000.0)
    monkeypatch.setattr(saver_lib, "time", clock)
    tf.Variable(1.0, name="v")
    # One kept checkpoint per 0.7 s "hour"; at most 2 recent ones besides.
    saver = tf.train.Saver(max_to_keep=2, keep_checkpoint_every_n_hours=0.7 / 3600)
    sess.run(tf.global_variables_initializer())
    base = str(tmp_path / "m")
    for step, now in enumerate([1000.0, 1000.1, 1000.8, 1000.9, 1001.0, 1001.1]):
        clock.now = now
        saver.save(sess, base, global_step=step)
    # m-0 (t=1000.0) and m-1 (1000.1) are not past the first period (1000.7): deleted;
    # m-2 (1000.8) is, so it is kept and the next period ends at 1001.4: m-3 is deleted.
    kept = sorted(p[: -len(".index")] for p in os.listdir(tmp_path) if p.endswith(".index"))
    assert kept == ["m-2", "m-4", "m-5"]
    assert saver.last_checkpoints == [base + "-4", base + "-5"]


def test_recover_last_checkpoints_after_a_restart(sess, tmp_path):
    tf.Variable(1.0, name="v")
    base = str(tmp_path / "m")
    first = tf.train.Saver(max_to_keep=2)
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        first.save(sess, base, global_step=step)
    second = tf.train.Saver(max_to_keep=2)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    second.recover_last_checkpoints(list(state.all_model_checkpoint_paths) + [base + "-99"])
    assert second.last_checkpoints == [base + "-0", base + "-1"]
    second.save(sess, base, global_step=2)
    assert not (tmp_path / "m-0.index").exists()
    assert second.last_checkpoints == [base + "-1", base + "-2"]


def test_set_last_checkpoints(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=1)
    saver.set_last_checkpoints(["a", "b"])
    assert saver.last_checkpoints == ["a", "b"]
    saver.set_last_checkpoints_with_time([("c", 5.0)])
    assert saver.last_checkpoints == ["c"]
    with pytest.raises(AssertionError):
        saver.set_last_checkpoints("a")


def test_save_relative_paths_writes_a_portable_state_file(sess, tmp_path):
    tf.Variable(2.0, name="v")
    saver = tf.train.Saver(save_relative_paths=True)
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "run" / "model.ckpt"), global_step=5)
    text = (tmp_path / "run" / "checkpoint").read_text()
    assert text == (
        'model_checkpoint_path: "model.ckpt-5"\nall_model_checkpoint_paths: "model.ckpt-5"\n'
    )
    os.rename(tmp_path / "run", tmp_path / "moved")
    latest = tf.train.latest_checkpoint(str(tmp_path / "moved"))
    assert latest == str(tmp_path / "moved" / "model.ckpt-5")
    saver.restore(sess, latest)


def test_latest_filename_names_the_state_file(sess, tmp_path):
    tf.Variable(2.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), latest_filename="mine")
    assert (tmp_path / "mine").exists() and not (tmp_path / "checkpoint").exists()
    assert tf.train.latest_checkpoint(str(tmp_path), "mine") == str(tmp_path / "m")


def test_write_state_and_meta_graph_can_be_skipped(sess, tmp_path):
    tf.Variable(2.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), write_meta_graph=False, write_state=False)
    assert sorted(os.listdir(tmp_path)) == ["m.data-00000-of-00001", "m.index"]
    saver.save(sess, str(tmp_path / "m"), meta_graph_suffix="graph")
    assert (tmp_path / "m.graph").exists()


# ---------------------------------------------------------------------- sharded


def test_sharded_save_and_restore(sess, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(3, name="b", use_resource=True)
    saver = tf.train.Saver(sharded=True)
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"), global_step=3)
    assert prefix == str(tmp_path / "m-3")
    names = sorted(os.listdir(tmp_path))
    assert names == ["checkpoint", "m-3.data-00000-of-00001", "m-3.index", "m-3.meta"]
    sess.run([a.assign([0.0, 0.0]), b.assign(0)])
    saver.restore(sess, prefix)
    assert sess.run(a).tolist() == [1.0, 2.0] and sess.run(b) == 3


def test_sharded_save_writes_one_data_file_per_device(sess, tmp_path):
    with tf.device("/job:localhost/task:0/cpu:0"):
        a = tf.Variable([1.0, 2.0], name="a")
    with tf.device("/job:localhost/task:1/cpu:0"):
        b = tf.Variable([3.0], name="b")
    saver = tf.train.Saver(sharded=True)
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    data = sorted(p for p in os.listdir(tmp_path) if ".data-" in p)
    assert data == ["m.data-00000-of-00002", "m.data-00001-of-00002"]
    assert not any(p.endswith("_temp") for p in os.listdir(tmp_path))
    sess.run([a.assign([0.0, 0.0]), b.assign([0.0])])
    saver.restore(sess, prefix)
    assert sess.run(a).tolist() == [1.0, 2.0] and sess.run(b).tolist() == [3.0]


# ---------------------------------------------------------------------- SaverDef


def test_saver_def_and_proto_round_trip(graph):
    tf.Variable(1.0, name="v")
    with tf.name_scope("outer"):
        saver = tf.train.Saver(max_to_keep=3, keep_checkpoint_every_n_hours=2.0)
    saver_def = saver.as_saver_def()
    assert isinstance(saver_def, tf.train.SaverDef)
    assert (saver_def.filename_tensor_name, saver_def.restore_op_name) == (
        "outer/save/Const:0",
        "outer/save/restore_all",
    )
    assert (saver_def.max_to_keep, saver_def.keep_checkpoint_every_n_hours) == (3, 2.0)
    assert saver.to_proto() is saver_def
    stripped = saver.to_proto(export_scope="outer")
    assert stripped.save_tensor_name == "save/control_dependency:0"
    assert saver.to_proto(export_scope="elsewhere") is None
    again = tf.train.Saver.from_proto(stripped, import_scope="outer")
    assert again.as_saver_def().restore_op_name == "outer/save/restore_all"


def test_saver_from_saver_def_runs_the_same_ops(sess, tmp_path):
    v = tf.Variable(4.0, name="v")
    original = tf.train.Saver()
    sess.run(v.initializer)
    copy = tf.train.Saver(saver_def=original.as_saver_def())
    prefix = copy.save(sess, str(tmp_path / "m"))
    sess.run(v.assign(0.0))
    copy.restore(sess, prefix)
    assert sess.run(v) == 4.0


def test_savers_are_not_added_to_the_savers_collection(graph):
    tf.Variable(1.0, name="v")
    tf.train.Saver()
    assert tf.get_collection(tf.GraphKeys.SAVERS) == []
    default = saver_lib._get_saver_or_default()
    assert tf.get_collection(tf.GraphKeys.SAVERS) == [default]
    assert saver_lib._get_saver_or_default() is default
    assert default.as_saver_def().sharded


def test_allow_empty_saver_is_a_no_op(sess, tmp_path):
    saver = tf.train.Saver(allow_empty=True)
    assert saver.as_saver_def() is None
    assert saver.save(sess, str(tmp_path / "m"), write_meta_graph=False) is None
    saver.restore(sess, str(tmp_path / "m"))
    assert os.listdir(tmp_path) == []


def test_defer_build(sess, tmp_path):
    saver = tf.train.Saver(defer_build=True)
    with pytest.raises(RuntimeError, match="`build\\(\\)` should be called before save"):
        saver.save(sess, str(tmp_path / "m"))
    v = tf.Variable(1.0, name="v")
    saver.build()
    sess.run(v.initializer)
    assert saver.save(sess, str(tmp_path / "m")) == str(tmp_path / "m")


# ---------------------------------------------------------------------- errors


def test_save_creates_one_missing_directory_level(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "new" / "m"))
    assert prefix == str(tmp_path / "new" / "m")
    assert tf.train.latest_checkpoint(str(tmp_path / "new")) == prefix


def test_save_into_a_missing_directory_raises_value_error(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    missing = str(tmp_path / "nope" / "deeper" / "m")
    with pytest.raises(ValueError, match=f"Parent directory of {missing} doesn't exist, can't"):
        saver.save(sess, missing)


def test_save_argument_errors(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with pytest.raises(ValueError, match="'latest_filename' must not contain path components"):
        saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
    with pytest.raises(ValueError, match="'latest_filename' collides with 'save_path'"):
        saver.save(sess, str(tmp_path / "checkpoint"))
    with pytest.raises(TypeError, match="'sess' must be a Session; 3"):
        saver.save(3, str(tmp_path / "m"))


def test_restore_errors(sess, tmp_path):
    a = tf.Variable([1.0], name="a")
    saver = tf.train.Saver()
    with pytest.raises(ValueError, match="Can't load save_path when it is None."):
        saver.restore(sess, None)
    missing = str(tmp_path / "missing")
    with pytest.raises(
        ValueError, match=f"The passed save_path is not a valid checkpoint: {missing}"
    ):
        saver.restore(sess, missing)
    sess.run(a.initializer)
    prefix = tf.train.Saver({"other": a}).save(sess, str(tmp_path / "m"))
    with pytest.raises(tf.errors.NotFoundError) as info:
        saver.restore(sess, prefix)
    assert info.value.message.startswith(
        "Restoring from checkpoint failed. This is most likely due to a Variable name or other "
        "graph key that is missing from the checkpoint."
    )
    assert "Key a not found in checkpoint" in info.value.message


def test_restore_dtype_mismatch_is_invalid_argument(graph, tmp_path):
    a = tf.Variable([1.0], name="a")
    with tf.Session(graph=graph) as sess:
        sess.run(a.initializer)
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as other:
        tf.Variable([1], name="a")
        with tf.Session(graph=other) as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                tf.train.Saver().restore(sess, prefix)
    assert "a mismatch between the current graph and the graph" in info.value.message
    assert "expected dtype int32 does not equal original dtype float" in info.value.message


def test_constructor_errors(graph):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    a = tf.Variable(1.0, name="a")
    with pytest.raises(ValueError, match="At least two variables have the same name: a"):
        tf.train.Saver([a, a])
    with pytest.raises(ValueError, match="If `var_list` is provided then build cannot be"):
        tf.train.Saver([a], defer_build=True)
    with pytest.raises(TypeError, match="Variables to save should be passed in a dict or a list"):
        tf.train.Saver(a)
    with pytest.raises(ValueError, match="saver_def must be a saver_pb2.SaverDef: x"):
        tf.train.Saver(saver_def="x")
    with pytest.raises(ValueError, match="saver_def must specify the save_tensor_name"):
        tf.train.Saver(saver_def=tf.train.SaverDef(restore_op_name="r"))


def test_table_objects_in_a_var_list(sess, tmp_path):
    table = tf.lookup.experimental.MutableHashTable(
        tf.string, tf.int64, default_value=-1, name="tab", checkpoint=False
    )
    insert = table.insert(["a"], tf.constant([1], tf.int64))
    by_name = tf.train.Saver({"my": table})
    in_list = tf.train.Saver([table])
    assert [op.name for op in sess.graph.get_operations() if op.type == "LookupTableImportV2"] == [
        "save/tab_table_restore/LookupTableImportV2",
        "save_1/tab_table_restore/LookupTableImportV2",
    ]
    sess.run(insert)
    assert _keys(by_name.save(sess, str(tmp_path / "d"))) == ["my-keys", "my-values"]
    # TF's quirk: a table in a list is saved under the empty name.
    assert _keys(in_list.save(sess, str(tmp_path / "l"))) == ["-keys", "-values"]
    sess.run(table.remove(tf.constant(["a"])))
    by_name.restore(sess, str(tmp_path / "d"))
    assert sess.run(table.lookup(tf.constant(["a"]))).tolist() == [1]
