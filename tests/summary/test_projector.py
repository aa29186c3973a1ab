"""The embedding projector's config file and metadata TSVs (ndflow/summary/projector.py)."""

from __future__ import annotations

import logging

import pytest
from google.protobuf import text_format

from ndflow.summary import projector
from ndflow.summary import writer as writer_lib


def _config(**paths):
    config = projector.ProjectorConfig()
    embedding = config.embeddings.add(tensor_name="embedding/table")
    for field, value in paths.items():
        setattr(embedding, field, value)
    return config


def test_config_is_written_as_text_in_the_writers_logdir(tmp_path):
    config = _config(metadata_path="labels.tsv")
    config.embeddings[0].sprite.image_path = "sprite.png"
    config.embeddings[0].sprite.single_image_dim.extend([28, 28])
    with writer_lib.FileWriter(tmp_path) as writer:
        path = projector.visualize_embeddings(writer, config)
    assert path == str(tmp_path / "projector_config.pbtxt")
    text = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'metadata_path: "labels.tsv"' in text
    assert text_format.Parse(text, projector.ProjectorConfig()) == config


def test_logdir_path_is_accepted(tmp_path):
    projector.visualize_embeddings(str(tmp_path / "run"), _config(tensor_path="t.tsv"))
    assert (tmp_path / "run" / "projector_config.pbtxt").exists()


def test_none_logdir_raises(tmp_path):
    with pytest.raises(ValueError, match="got None"):
        projector.visualize_embeddings(None, _config())


def test_paths_inside_logdir_do_not_warn(tmp_path, caplog):
    absolute_inside = str(tmp_path / "sub" / "labels.tsv")
    with caplog.at_level(logging.WARNING):
        projector.visualize_embeddings(tmp_path, _config(metadata_path=absolute_inside))
        projector.visualize_embeddings(tmp_path, _config(bookmarks_path="sub/b.txt"))
    assert caplog.text == ""


def test_paths_outside_logdir_warn_as_tensorboard_refuses_them(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        projector.visualize_embeddings(tmp_path / "run", _config(metadata_path="../labels.tsv"))
    assert "resolves outside the config directory" in caplog.text
    assert "metadata_path" in caplog.text


def test_metadata_tsv_single_column_has_no_header(tmp_path):
    projector.write_metadata_tsv(tmp_path / "labels.tsv", ["cat", b"dog", 3])
    assert (tmp_path / "labels.tsv").read_text() == "cat\ndog\n3\n"


def test_metadata_tsv_columns_with_header(tmp_path):
    rows = [("cat", 3), ("two\twords", 5)]
    projector.write_metadata_tsv(tmp_path / "m.tsv", rows, header=("name", "count"))
    assert (tmp_path / "m.tsv").read_text() == "name\tcount\ncat\t3\ntwo words\t5\n"


def test_metadata_tsv_header_needs_two_columns(tmp_path):
    with pytest.raises(ValueError, match="two or more column names"):
        projector.write_metadata_tsv(tmp_path / "m.tsv", ["a"], header="label")
