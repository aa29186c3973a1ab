"""Loading a SavedModel into a Session (`tf.compat.v1.saved_model.loader`).

`load` picks the MetaGraphDef by tags, imports its graph (with collections and saver), restores
the variables from `<export_dir>/variables/variables`, and runs the init op (`main_op` /
`legacy_init_op` / the `__saved_model_init_op` signature) with each asset tensor fed the
absolute path of its file under `<export_dir>/assets`. Nothing in the model is executed as
Python: the graph holds registered ops only, and files are parsed as protocol buffers.
"""

from __future__ import annotations

import os

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.ops import state
from ndflow.proto import any_codec
from ndflow.proto import meta_graph_pb2
from ndflow.saved_model import constants
from ndflow.saved_model import saved_model_file
from ndflow.saved_model import tensor_info as tensor_info_lib
from ndflow.train import saver as saver_lib

maybe_saved_model_directory = saved_model_file.maybe_saved_model_directory
contains_saved_model = saved_model_file.contains_saved_model


def _asset_file_defs(meta_graph_def) -> list:
    """The AssetFileDefs of a MetaGraphDef: its `asset_file_def` field (TF2 and TF Serving's
    convention) or else the `saved_model_assets` collection (TF1's SavedModelBuilder)."""
    if meta_graph_def.asset_file_def:
        return list(meta_graph_def.asset_file_def)
    collection = meta_graph_def.collection_def.get(constants.ASSETS_KEY)
    if collection is None:
        return []
    return [
        any_codec.unpack(value, meta_graph_pb2.AssetFileDef())
        for value in collection.any_list.value
    ]


def _asset_path(export_dir: str, filename: str) -> str:
    """`<export_dir>/assets/<filename>`, refusing a filename that leaves the assets directory
    (absolute, `..`, or a symlink pointing outside)."""
    assets = saved_model_file.assets_dir(export_dir)
    normalized = os.path.normpath(filename) if filename else ""
    escapes = (
        not filename
        or os.path.isabs(filename)
        or normalized == os.pardir
        or normalized.startswith(os.pardir + os.sep)
    )
    path = os.path.join(assets, normalized)
    real_assets = os.path.realpath(assets)
    if escapes or not os.path.realpath(path).startswith(real_assets + os.sep):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"SavedModel at {export_dir} names asset file {filename!r}, which is not inside its "
            f"assets directory {assets}.",
        )
    return path


def get_asset_tensors(export_dir, meta_graph_def_to_load, import_scope=None) -> dict:
    """Mirrors TF's `loader_impl.get_asset_tensors`: {asset tensor name: absolute path}.

    Raises:
      InvalidArgumentError: an AssetFileDef's filename escapes `<export_dir>/assets`.
    """
    export_dir = os.fsdecode(export_dir)
    tensors = {}
    for asset in _asset_file_defs(meta_graph_def_to_load):
        name = tensor_info_lib.prepend_name_scope(asset.tensor_info.name, import_scope)
        tensors[name] = _asset_path(export_dir, asset.filename)
    return tensors


def _op_from_collection(meta_graph_def, key):
    """The one op of collection `key` (main_op, legacy_init_op or train_op), or None.

    Raises:
      RuntimeError: the collection holds other than exactly one op (TF's message).
    """
    collection = meta_graph_def.collection_def.get(key)
    if collection is None:
        return None
    names = collection.node_list.value
    if len(names) != 1:
        raise RuntimeError(
            f"Expected exactly one SavedModel init op. Found {len(names)}: {list(names)}."
        )
    return graph_lib.get_collection(key)[0]


def _op_from_signature_def(meta_graph_def, key, import_scope):
    if key not in meta_graph_def.signature_def:
        return None
    info = meta_graph_def.signature_def[key].outputs[key]
    try:
        return tensor_info_lib.get_element_from_tensor_info(info, import_scope=import_scope)
    except KeyError:
        raise errors.NotFoundError(
            None,
            None,
            f'The key "{key}" could not be found in the graph. Please make sure the SavedModel '
            "was created by the internal _SavedModelBuilder. If you are using the public API, "
            "please make sure the SignatureDef in the SavedModel does not contain the key "
            f'"{key}".',
        ) from None


def get_init_op(meta_graph_def, import_scope=None):
    """The op run after restoring: the `__saved_model_init_op` signature, else the main_op
    collection, else the legacy_init_op collection; None when there is none."""
    return (
        _op_from_signature_def(meta_graph_def, constants.INIT_OP_SIGNATURE_KEY, import_scope)
        or _op_from_collection(meta_graph_def, constants.MAIN_OP_KEY)
        or _op_from_collection(meta_graph_def, constants.LEGACY_INIT_OP_KEY)
    )


def get_train_op(meta_graph_def, import_scope=None):
    """The SavedModel's train op (signature `__saved_model_train_op` or collection), or None."""
    train_op = _op_from_signature_def(
        meta_graph_def, constants.TRAIN_OP_SIGNATURE_KEY, import_scope
    )
    if train_op is None:
        train_op = _op_from_collection(meta_graph_def, constants.TRAIN_OP_KEY)
    return train_op


class SavedModelLoader:
    """Mirrors TF's `loader_impl.SavedModelLoader`: loads graphs and restores variables from
    one SavedModel directory (parsed once, at construction).

    >>> loader = SavedModelLoader("/models/half_plus_two/00000123")
    >>> loader.load(sess, ["serve"])
    """

    def __init__(self, export_dir):
        self._export_dir = os.fsdecode(export_dir)
        self._variables_path = saved_model_file.variables_path(self._export_dir)
        self._saved_model = saved_model_file.parse_saved_model(self._export_dir)

    @property
    def export_dir(self) -> str:
        return self._export_dir

    @property
    def variables_path(self) -> str:
        return self._variables_path

    @property
    def saved_model(self):
        return self._saved_model

    def get_meta_graph_def_from_tags(self, tags):
        """The MetaGraphDef with exactly `tags`; RuntimeError (TF's message) when absent."""
        return saved_model_file.meta_graph_for_tags(self._saved_model, tags)

    def load_graph(self, graph, tags, import_scope=None, **saver_kwargs):
        """Imports the MetaGraphDef of `tags` into `graph`; returns (saver or None, elements)."""
        meta_graph_def = self.get_meta_graph_def_from_tags(tags)
        with graph.as_default():
            return saver_lib._import_meta_graph_with_return_elements(
                meta_graph_def, import_scope=import_scope, **saver_kwargs
            )

    def restore_variables(self, sess, saver, import_scope=None) -> None:
        """Restores the variables from `<export_dir>/variables/variables` with `saver`.

        Raises:
          ValueError: there are variables but no saver (TF's message).
        """
        with sess.graph.as_default():
            if saver is None and not state.global_variables(scope=import_scope):
                return
            if saver is None:
                raise ValueError(
                    "No tf.train.Saver object was passed to the function "
                    "`SavedModelLoader.restore_variables`. Since there are variables in the "
                    "graph, a saver is required."
                )
            saver.restore(sess, self._variables_path)

    def run_init_ops(self, sess, tags, import_scope=None) -> None:
        """Runs the init op, feeding every asset tensor its absolute path."""
        meta_graph_def = self.get_meta_graph_def_from_tags(tags)
        with sess.graph.as_default():
            assets = get_asset_tensors(self._export_dir, meta_graph_def, import_scope)
            init_op = get_init_op(meta_graph_def, import_scope)
            if init_op is not None:
                sess.run(fetches=[init_op], feed_dict=assets)

    def load(self, sess, tags, import_scope=None, **saver_kwargs):
        """Imports the graph into `sess.graph`, restores its variables, runs its init op and
        returns the MetaGraphDef."""
        meta_graph_def = self.get_meta_graph_def_from_tags(tags)
        # Asset paths are checked before anything runs.
        get_asset_tensors(self._export_dir, meta_graph_def, import_scope)
        with sess.graph.as_default():
            saver, _ = self.load_graph(sess.graph, tags, import_scope, **saver_kwargs)
            self.restore_variables(sess, saver, import_scope)
            self.run_init_ops(sess, tags, import_scope)
        return meta_graph_def


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """Mirrors `tf.compat.v1.saved_model.loader.load`.

    Args:
      sess: the Session to restore the variables into (its graph receives the model).
      tags: the tag set of the MetaGraphDef to load, e.g. ["serve"].
      export_dir: the SavedModel directory.
      import_scope: a name prefix for the imported graph elements.
      **saver_kwargs: passed to the Saver made from the MetaGraphDef.

    Returns:
      The loaded MetaGraphDef proto (signatures, collections...).

    Raises:
      RuntimeError: no MetaGraphDef has exactly `tags`.
      IOError: `export_dir` holds no saved_model.pb or .pbtxt.
      DataLossError: the saved_model.pb, the variables index or a data file is corrupt.
      InvalidArgumentError: an asset path leaves the export directory.
      NotFoundError: the graph uses an op type ndflow does not implement.

    >>> with tf.Session(graph=tf.Graph()) as sess:
    ...     meta_graph = load(sess, ["serve"], "/models/half_plus_two/00000123")
    """
    return SavedModelLoader(export_dir).load(sess, tags, import_scope, **saver_kwargs)
