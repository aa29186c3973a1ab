"""The `saved_model.pb` / `saved_model.pbtxt` file: reading it safely, choosing a MetaGraphDef
by tags, and the paths inside an export directory.

Reading parses protocol buffers only (no pickle, no Python from the model). A file that does
not parse is a `DataLossError` naming it; a missing one is TF's `IOError`.
"""

from __future__ import annotations

import os

from google.protobuf import message
from google.protobuf import text_format

from ndflow.formats import gfile
from ndflow.framework import errors
from ndflow.proto import any_codec
from ndflow.proto import saved_model_pb2
from ndflow.saved_model import constants

_TF_TYPE_URL = any_codec.TYPE_URL_PREFIX + "tensorflow."
_NDFLOW_TYPE_URL = any_codec.TYPE_URL_PREFIX + "ndflow."


def pb_path(export_dir) -> str:
    return os.path.join(os.fsdecode(export_dir), constants.SAVED_MODEL_FILENAME_PB)


def pbtxt_path(export_dir) -> str:
    return os.path.join(os.fsdecode(export_dir), constants.SAVED_MODEL_FILENAME_PBTXT)


def variables_path(export_dir) -> str:
    """The checkpoint prefix of a SavedModel's variables: `<export_dir>/variables/variables`."""
    return os.path.join(
        os.fsdecode(export_dir), constants.VARIABLES_DIRECTORY, constants.VARIABLES_FILENAME
    )


def assets_dir(export_dir) -> str:
    return os.path.join(os.fsdecode(export_dir), constants.ASSETS_DIRECTORY)


def maybe_saved_model_directory(export_dir) -> bool:
    """Mirrors `tf.compat.v1.saved_model.maybe_saved_model_directory`: whether `export_dir`
    holds a saved_model.pb, .pbtxt or .cpb (it may still fail to load).

    >>> maybe_saved_model_directory("/models/half_plus_two/00000123")
    True
    """
    export_dir = os.fsdecode(export_dir)
    return any(
        gfile.exists(os.path.join(export_dir, name))
        for name in (
            constants.SAVED_MODEL_FILENAME_PBTXT,
            constants.SAVED_MODEL_FILENAME_PB,
            constants.SAVED_MODEL_FILENAME_CPB,
        )
    )


def contains_saved_model(export_dir) -> bool:
    """Mirrors `tf.saved_model.contains_saved_model`."""
    return maybe_saved_model_directory(export_dir)


def parse_saved_model(export_dir):
    """The SavedModel proto of `export_dir` (saved_model.pb, else saved_model.pbtxt).

    Raises:
      IOError: neither file exists (TF's message).
      DataLossError: the file does not parse as a SavedModel.
    """
    path = pb_path(export_dir)
    if gfile.exists(path):
        return _parse_binary(path, gfile.read_file_bytes(path))
    path = pbtxt_path(export_dir)
    if gfile.exists(path):
        return _parse_text(path, gfile.read_file_bytes(path))
    raise OSError(
        f"SavedModel file does not exist at: {os.fsdecode(export_dir)}{os.path.sep}"
        f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|{constants.SAVED_MODEL_FILENAME_PB}}}"
    )


def _parse_binary(path: str, data: bytes):
    saved_model = saved_model_pb2.SavedModel()
    try:
        saved_model.ParseFromString(data)
    except message.DecodeError as error:
        raise errors.DataLossError(
            None, None, f"Cannot parse file {path}: {error}. It is not a SavedModel proto."
        ) from None
    return saved_model


def _parse_text(path: str, data: bytes):
    # TensorFlow prints Any values expanded under its own package name
    # ("[type.googleapis.com/tensorflow.AssetFileDef] {...}"); ndflow's messages live in
    # package "ndflow", so parse under that name and give the values TF's URL back.
    try:
        text = data.decode("utf-8").replace(_TF_TYPE_URL, _NDFLOW_TYPE_URL)
        saved_model = text_format.Parse(text, saved_model_pb2.SavedModel())
    except (UnicodeDecodeError, text_format.ParseError) as error:
        raise errors.DataLossError(
            None, None, f"Cannot parse file {path}: {error}. It is not a SavedModel text proto."
        ) from None
    for meta_graph in saved_model.meta_graphs:
        for collection in meta_graph.collection_def.values():
            for value in collection.any_list.value:
                value.type_url = value.type_url.replace(_NDFLOW_TYPE_URL, _TF_TYPE_URL)
    return saved_model


def write_saved_model(export_dir, saved_model, as_text: bool) -> str:
    """Writes saved_model.pb (deterministic bytes) or saved_model.pbtxt; returns the path."""
    if as_text:
        path = pbtxt_path(export_dir)
        gfile.write_file_bytes(path, str(saved_model).encode("utf-8"))
        return path
    path = pb_path(export_dir)
    gfile.write_file_bytes(path, saved_model.SerializeToString(deterministic=True))
    return path


def meta_graph_for_tags(saved_model, tags):
    """The MetaGraphDef whose tag set equals `tags`.

    Raises:
      RuntimeError: no MetaGraphDef has exactly these tags (TF's message).
    """
    wanted = set(tags)
    available = []
    for meta_graph in saved_model.meta_graphs:
        found = set(meta_graph.meta_info_def.tags)
        if found == wanted:
            return meta_graph
        available.append(found)
    raise RuntimeError(
        f"MetaGraphDef associated with tags {str(tags).strip('[]')} could not be found in "
        f"SavedModel, with available tags '{available}'. To inspect available tag-sets in the "
        "SavedModel, please use the SavedModel CLI: `saved_model_cli`."
    )
