"""The embedding projector's config: `projector_config.pbtxt` in a log directory.

TensorBoard's projector plugin reads `<logdir>/projector_config.pbtxt` (a text-format
ProjectorConfig). It resolves each asset path (`metadata_path`, `bookmarks_path`,
`tensor_path`, `sprite.image_path`) after `~` expansion and relative to that file's directory,
and refuses any that resolves (symlinks followed) outside it. A metadata file is a TSV: one
line per embedding row, or, when it has several columns, a header line of column names first.
"""

from __future__ import annotations

import logging
import os

from google.protobuf import text_format

from ndflow.formats import gfile
from ndflow.proto import projector_config_pb2

ProjectorConfig = projector_config_pb2.ProjectorConfig
EmbeddingInfo = projector_config_pb2.EmbeddingInfo
SpriteMetadata = projector_config_pb2.SpriteMetadata

PROJECTOR_FILENAME = "projector_config.pbtxt"

_logger = logging.getLogger(__name__)


def visualize_embeddings(summary_writer, config) -> str:
    """Mirrors `tf.contrib.tensorboard.plugins.projector.visualize_embeddings`: writes
    `config` as `projector_config.pbtxt` in the writer's log directory.

    Args:
      summary_writer: a FileWriter (its `get_logdir()`), or a log directory path.
      config: a ProjectorConfig. Its asset paths should be relative to the log directory
        (or absolute inside it): TensorBoard refuses paths that resolve outside it, and this
        function logs a warning for each.

    Returns:
      The path of the written config file.

    Raises:
      ValueError: the writer has no log directory.

    >>> config = ProjectorConfig()
    >>> embedding = config.embeddings.add(tensor_name="embedding", metadata_path="labels.tsv")
    >>> visualize_embeddings(writer, config)
    """
    logdir = getattr(summary_writer, "get_logdir", lambda: summary_writer)()
    if logdir is None:
        raise ValueError("Expected logdir to be a path, but got None")
    logdir = os.fsdecode(logdir)
    for field, value in _asset_paths(config):
        _check_asset_path(field, value, logdir)
    path = os.path.join(logdir, PROJECTOR_FILENAME)
    gfile.makedirs(logdir)
    with gfile.GFile(path, "w") as handle:
        handle.write(text_format.MessageToString(config))
    return path


def write_metadata_tsv(path, rows, header=None) -> None:
    """Writes an embedding metadata TSV the projector reads: one line per row, preceded by
    `header` (two or more column names) when given. A row is one label or a sequence of
    column values; tabs and newlines inside values are replaced by spaces.

    >>> write_metadata_tsv(os.path.join(logdir, "labels.tsv"), [("cat", 3), ("dog", 5)],
    ...                    header=("name", "count"))
    """
    if header is not None and (isinstance(header, (str, bytes)) or len(header) < 2):
        raise ValueError(
            "A metadata header needs two or more column names: the projector reads a "
            f"single-column file as labels only, with no header line. Received: {header!r}"
        )
    lines = [] if header is None else [_tsv_line(header)]
    lines.extend(_tsv_line(row) for row in rows)
    with gfile.GFile(path, "w") as handle:
        handle.write("".join(line + "\n" for line in lines))


def _tsv_line(row) -> str:
    values = [row] if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__") else row
    return "\t".join(_tsv_value(value) for value in values)


def _tsv_value(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return str(value).replace("\t", " ").replace("\n", " ")


def _asset_paths(config):
    for embedding in config.embeddings:
        for field in ("metadata_path", "bookmarks_path", "tensor_path"):
            if getattr(embedding, field):
                yield field, getattr(embedding, field)
        if embedding.sprite.image_path:
            yield "sprite.image_path", embedding.sprite.image_path


def _check_asset_path(field, value, logdir) -> None:
    """Warns when TensorBoard would refuse `value` (TB's `_rel_to_abs_asset_path`)."""
    config_dir = os.path.realpath(os.path.expanduser(logdir))
    candidate = os.path.realpath(os.path.join(config_dir, os.path.expanduser(value)))
    if os.path.commonpath([config_dir, candidate]) == config_dir:
        return
    _logger.warning(
        'Asset path "%s" (%s) resolves outside the config directory "%s": TensorBoard\'s '
        "projector will not read it. Use a path relative to the log directory.",
        value,
        field,
        config_dir,
    )
