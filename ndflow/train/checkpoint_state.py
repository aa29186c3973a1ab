"""The `checkpoint` state file next to checkpoints, and checkpoint file management
(TensorFlow's python/checkpoint/checkpoint_management.py): `tf.train.latest_checkpoint`,
`get_checkpoint_state`, `update_checkpoint_state`, `checkpoint_exists`,
`get_checkpoint_mtimes`, `remove_checkpoint`.

The state file is a CheckpointState text proto. Relative paths in it are relative to the
directory holding it; readers join them back onto that directory. It is written to a
temporary file and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import uuid

from google.protobuf import text_format

from ndflow.formats import tensor_bundle
from ndflow.framework import errors
from ndflow.proto import checkpoint_state_pb2
from ndflow.proto import saver_pb2

CheckpointState = checkpoint_state_pb2.CheckpointState

_LOG = logging.getLogger("ndflow")
_STATE_FILENAME = "checkpoint"
_V1 = saver_pb2.SaverDef.V1
_V2 = saver_pb2.SaverDef.V2


def _state_path(save_dir, latest_filename) -> str:
    return os.path.join(os.fspath(save_dir), latest_filename or _STATE_FILENAME)


def _matching_files(pattern: str) -> list[str]:
    if glob.has_magic(pattern):
        return sorted(glob.glob(pattern))
    return [pattern] if os.path.exists(pattern) else []


def _prefix_to_checkpoint_path(prefix: str, format_version: int) -> str:
    """The file that identifies a checkpoint: the `.index` of a V2 bundle, else the prefix."""
    return tensor_bundle.index_filename(prefix) if format_version == _V2 else prefix


def generate_checkpoint_state_proto(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
) -> CheckpointState:
    """Mirrors TF's `generate_checkpoint_state_proto`: the CheckpointState to write, the
    latest path last in `all_model_checkpoint_paths`, and relative paths made relative to a
    relative `save_dir`.

    Raises:
      ValueError: timestamps given that do not match the paths one to one.
    """
    save_dir = os.fspath(save_dir)
    paths = [os.fspath(path) for path in (all_model_checkpoint_paths or [])]
    model_checkpoint_path = os.fspath(model_checkpoint_path)
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError(
            "Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
            f"{paths} and timestamps {list(all_model_checkpoint_timestamps)})"
        )
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [path if os.path.isabs(path) else os.path.relpath(path, save_dir) for path in paths]
    return CheckpointState(
        model_checkpoint_path=model_checkpoint_path,
        all_model_checkpoint_paths=paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp,
    )


def update_checkpoint_state(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    latest_filename=None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
) -> None:
    """Mirrors TF1 `tf.train.update_checkpoint_state`: atomically rewrites the state file
    `save_dir/checkpoint` (or `latest_filename`).

    Raises:
      RuntimeError: the checkpoint path is the state file's own path.

    >>> update_checkpoint_state("/tmp/train", "/tmp/train/model.ckpt-100")
    """
    update_checkpoint_state_internal(
        save_dir,
        model_checkpoint_path,
        all_model_checkpoint_paths=all_model_checkpoint_paths,
        latest_filename=latest_filename,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp,
    )


def update_checkpoint_state_internal(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    latest_filename=None,
    save_relative_paths=False,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
) -> None:
    """Mirrors TF's `update_checkpoint_state_internal`: as `update_checkpoint_state`, with
    absolute paths written relative to `save_dir` when `save_relative_paths`."""
    save_dir = os.fspath(save_dir)
    state_path = _state_path(save_dir, latest_filename)
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        model_checkpoint_path = _relative(model_checkpoint_path, save_dir)
        paths = [_relative(path, save_dir) for path in paths]
    state = generate_checkpoint_state_proto(
        save_dir,
        model_checkpoint_path,
        all_model_checkpoint_paths=paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp,
    )
    if state_path == state.model_checkpoint_path:
        raise RuntimeError(
            f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint "
            "state.  Please use a different save path."
        )
    _atomic_write(state_path, text_format.MessageToString(state).encode("utf-8"))


def _relative(path, save_dir: str) -> str:
    path = os.fspath(path)
    return os.path.relpath(path, save_dir) if os.path.isabs(path) else path


def _atomic_write(path: str, data: bytes) -> None:
    """TF's `atomic_write_string_to_file`: a temporary file, then a rename over `path`."""
    temp = f"{path}.tmp{uuid.uuid4().hex}"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError as error:
        if os.path.exists(temp):
            os.remove(temp)
        raise errors.UnknownError(None, None, f"{path}; {error.strerror or error}") from None


def get_checkpoint_state(checkpoint_dir, latest_filename=None) -> CheckpointState | None:
    """Mirrors `tf.train.get_checkpoint_state`: the parsed state file with relative paths
    joined onto `checkpoint_dir`, or None when there is no readable state file.

    Raises:
      ValueError: the state file names no model checkpoint.

    >>> get_checkpoint_state("/tmp/train").model_checkpoint_path
    '/tmp/train/model.ckpt-100'
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    state_path = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(state_path):
        return None
    try:
        with open(state_path, "rb") as handle:
            text = handle.read().decode("utf-8")
        state = text_format.Parse(text, CheckpointState())
    except (OSError, UnicodeDecodeError, text_format.ParseError) as error:
        _LOG.warning("%s: %s", type(error).__name__, error)
        _LOG.warning("%s: Checkpoint ignored", state_path)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    for index, path in enumerate(state.all_model_checkpoint_paths):
        if not os.path.isabs(path):
            state.all_model_checkpoint_paths[index] = os.path.join(checkpoint_dir, path)
    return state


def latest_checkpoint(checkpoint_dir, latest_filename=None) -> str | None:
    """Mirrors `tf.train.latest_checkpoint`: the prefix the state file names, when its
    files exist (V2 index or V1 file), else None.

    >>> latest_checkpoint("/tmp/train")
    '/tmp/train/model.ckpt-100'
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    prefix = state.model_checkpoint_path
    v2_path = _prefix_to_checkpoint_path(prefix, _V2)
    if _matching_files(v2_path) or _matching_files(prefix):
        return prefix
    _LOG.error("Couldn't match files for checkpoint %s", prefix)
    return None


def checkpoint_exists(checkpoint_prefix) -> bool:
    """Mirrors TF1 `tf.train.checkpoint_exists`: whether a V2 (`<prefix>.index`) or V1
    (the prefix itself) checkpoint exists; glob patterns are allowed.

    >>> checkpoint_exists("/tmp/train/model.ckpt-100")
    True
    """
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    if _matching_files(_prefix_to_checkpoint_path(checkpoint_prefix, _V2)):
        return True
    return bool(_matching_files(checkpoint_prefix))


def get_checkpoint_mtimes(checkpoint_prefixes) -> list[float]:
    """Mirrors TF1 `tf.train.get_checkpoint_mtimes`: the modification time in seconds of
    each checkpoint found (V2 index first, else the V1 file); missing ones are skipped.

    >>> get_checkpoint_mtimes(["/tmp/train/model.ckpt-100"])
    [1700000000.5]
    """
    mtimes = []
    for prefix in checkpoint_prefixes:
        prefix = os.fspath(prefix)
        for pattern in (_prefix_to_checkpoint_path(prefix, _V2), prefix):
            names = _matching_files(pattern)
            if names:
                mtimes.append(os.stat(names[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta") -> str:
    """Mirrors TF's `meta_graph_filename`: `<prefix>.meta`, with a sharded V1 suffix such
    as "-00001-of-00002" or "-?????-of-00005" removed first."""
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", os.fspath(checkpoint_filename))
    return f"{basename}.{meta_graph_suffix}"


def remove_checkpoint(
    checkpoint_prefix, checkpoint_format_version=_V2, meta_graph_suffix="meta"
) -> None:
    """Mirrors TF1 `tf.train.remove_checkpoint`: deletes the checkpoint's MetaGraph, its
    index and data files (V2) or its file (V1), ignoring files already gone.

    >>> remove_checkpoint("/tmp/train/model.ckpt-50")
    """
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    _delete_matching(meta_graph_filename(checkpoint_prefix, meta_graph_suffix))
    if checkpoint_format_version != _V2:
        _delete_matching(checkpoint_prefix)
        return
    _delete_matching(tensor_bundle.index_filename(checkpoint_prefix))
    _delete_matching(f"{checkpoint_prefix}.data-?????-of-?????")


def _delete_matching(pattern: str) -> None:
    for path in _matching_files(pattern):
        try:
            os.remove(path)
        except FileNotFoundError:
            _LOG.warning(
                "Hit NotFoundError when deleting '%s', possibly because another process/thread "
                "is also deleting/moving the same file",
                path,
            )
