"""The `checkpoint` state file and checkpoint file management (ndflow/train/
checkpoint_state.py): the TF-written fixture's state file, relative and absolute paths,
atomic rewrites, checkpoint_exists / get_checkpoint_mtimes / remove_checkpoint."""

from __future__ import annotations

import os
import pathlib
import shutil

import numpy as np
import pytest

import ndflow as tf
from ndflow.formats import tensor_bundle
from ndflow.train import checkpoint_state

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"


def _bundle(prefix) -> str:
    writer = tensor_bundle.BundleWriter(str(prefix))
    writer.add("v", np.zeros(2, np.float32))
    writer.finish()
    return str(prefix)


def test_fixture_state_file_is_parsed_with_paths_joined_to_the_directory():
    state = tf.train.get_checkpoint_state(str(FIXTURE))
    assert state.model_checkpoint_path == str(FIXTURE / "model.ckpt-100")
    assert list(state.all_model_checkpoint_paths) == [
        str(FIXTURE / "model.ckpt-50"),
        str(FIXTURE / "model.ckpt-100"),
    ]
    assert tf.train.latest_checkpoint(str(FIXTURE)) == str(FIXTURE / "model.ckpt-100")


def test_writing_the_fixture_state_gives_its_exact_text(tmp_path):
    checkpoint_state.update_checkpoint_state_internal(
        str(tmp_path),
        str(tmp_path / "model.ckpt-100"),
        all_model_checkpoint_paths=[
            str(tmp_path / "model.ckpt-50"),
            str(tmp_path / "model.ckpt-100"),
        ],
        save_relative_paths=True,
    )
    assert (tmp_path / "checkpoint").read_text() == (FIXTURE / "checkpoint").read_text()


def test_update_appends_the_latest_path_and_keeps_timestamps(tmp_path):
    tf.train.update_checkpoint_state(
        str(tmp_path),
        str(tmp_path / "m-2"),
        all_model_checkpoint_paths=[str(tmp_path / "m-1")],
        all_model_checkpoint_timestamps=[1.5, 2.5],
        last_preserved_timestamp=0.5,
    )
    text = (tmp_path / "checkpoint").read_text()
    assert text.splitlines() == [
        f'model_checkpoint_path: "{tmp_path}/m-2"',
        f'all_model_checkpoint_paths: "{tmp_path}/m-1"',
        f'all_model_checkpoint_paths: "{tmp_path}/m-2"',
        "all_model_checkpoint_timestamps: 1.5",
        "all_model_checkpoint_timestamps: 2.5",
        "last_preserved_timestamp: 0.5",
    ]
    assert not [name for name in os.listdir(tmp_path) if ".tmp" in name]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_timestamps) == [1.5, 2.5]


def test_timestamps_must_match_paths(tmp_path):
    with pytest.raises(ValueError, match="must match checkpoint paths"):
        tf.train.update_checkpoint_state(
            str(tmp_path), "m-1", all_model_checkpoint_timestamps=[1.0, 2.0]
        )


def test_relative_save_dir_writes_relative_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("train")
    tf.train.update_checkpoint_state("train", "train/model-1", latest_filename="state")
    assert (tmp_path / "train" / "state").read_text() == (
        'model_checkpoint_path: "model-1"\nall_model_checkpoint_paths: "model-1"\n'
    )
    state = tf.train.get_checkpoint_state("train", latest_filename="state")
    assert state.model_checkpoint_path == os.path.join("train", "model-1")


def test_state_path_conflict_is_an_error(tmp_path):
    with pytest.raises(RuntimeError, match="conflicts with path used for checkpoint state"):
        tf.train.update_checkpoint_state(str(tmp_path), str(tmp_path / "checkpoint"))


def test_missing_unreadable_and_empty_state_files(tmp_path):
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text("not: a [proto")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "x"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state loaded from"):
        tf.train.get_checkpoint_state(str(tmp_path))


def test_latest_checkpoint_needs_the_files(tmp_path):
    tf.train.update_checkpoint_state(str(tmp_path), str(tmp_path / "gone"))
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    _bundle(tmp_path / "gone")
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "gone")


def test_checkpoint_exists_for_v2_v1_and_globs(tmp_path):
    prefix = _bundle(tmp_path / "model.ckpt-7")
    assert tf.train.checkpoint_exists(prefix)
    assert tf.train.checkpoint_exists(str(tmp_path / "model.ckpt-*"))
    assert not tf.train.checkpoint_exists(str(tmp_path / "model.ckpt-8"))
    (tmp_path / "v1.ckpt").write_bytes(b"v1")
    assert tf.train.checkpoint_exists(str(tmp_path / "v1.ckpt"))


def test_get_checkpoint_mtimes_skips_missing(tmp_path):
    prefix = _bundle(tmp_path / "a")
    os.utime(prefix + ".index", ns=(1_500_000_000_250_000_000, 1_500_000_000_250_000_000))
    mtimes = tf.train.get_checkpoint_mtimes([prefix, str(tmp_path / "missing")])
    assert mtimes == [pytest.approx(1_500_000_000.25, abs=1e-3)]


def test_remove_checkpoint_deletes_meta_index_and_data(tmp_path):
    for source in FIXTURE.glob("model.ckpt-50*"):
        shutil.copy(source, tmp_path)
    (tmp_path / "keep").write_text("x")
    tf.train.remove_checkpoint(str(tmp_path / "model.ckpt-50"))
    assert os.listdir(tmp_path) == ["keep"]
    tf.train.remove_checkpoint(str(tmp_path / "model.ckpt-50"))  # already gone: no error
    (tmp_path / "v1").write_text("x")
    tf.train.remove_checkpoint(str(tmp_path / "v1"), checkpoint_format_version=1)
    assert os.listdir(tmp_path) == ["keep"]


def test_meta_graph_filename_drops_shard_suffixes():
    assert checkpoint_state.meta_graph_filename("m.ckpt-12-00001-of-00002") == "m.ckpt-12.meta"
    assert checkpoint_state.meta_graph_filename("m.ckpt-12-?????-of-00005", "pb") == "m.ckpt-12.pb"
    assert checkpoint_state.meta_graph_filename("m.ckpt-12") == "m.ckpt-12.meta"
