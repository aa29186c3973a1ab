"""Writing a TF1 SavedModel (`tf.compat.v1.saved_model.builder.SavedModelBuilder`).

The first MetaGraphDef is added with the variables (saved by a sharded V2 Saver to
`variables/variables`), later ones without; assets named by the assets collection are copied
to `assets/` and recorded as AssetFileDefs in collection `saved_model_assets`, as TF's v1
builder does. `save()` writes `saved_model.pb` (or `.pbtxt`).
"""

from __future__ import annotations

import filecmp
import os

from google.protobuf import any_pb2

from ndflow.formats import gfile
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.proto import any_codec
from ndflow.proto import meta_graph_pb2
from ndflow.proto import saved_model_pb2
from ndflow.proto import saver_pb2
from ndflow.proto import types_pb2
from ndflow.saved_model import constants
from ndflow.saved_model import saved_model_file
from ndflow.train import saver as saver_lib


class SavedModelBuilder:
    """Mirrors `tf.compat.v1.saved_model.builder.SavedModelBuilder` (`tf.saved_model.Builder`).

    Args:
      export_dir: the directory to write; it must not exist or be empty.

    Raises:
      AssertionError: `export_dir` exists and is not empty (TF's class and message).

    >>> builder = SavedModelBuilder("/tmp/model/1")
    >>> builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map=signatures)
    >>> builder.save()
    """

    def __init__(self, export_dir):
        self._export_dir = os.fsdecode(export_dir)
        self._saved_model = saved_model_pb2.SavedModel(
            saved_model_schema_version=constants.SAVED_MODEL_SCHEMA_VERSION
        )
        if gfile.exists(self._export_dir):
            if gfile.listdir(self._export_dir):
                raise AssertionError(
                    f"Export directory {self._export_dir} already exists, and isn't empty. "
                    "Please choose a different export directory, or delete all the contents of "
                    "the specified directory."
                )
        else:
            gfile.makedirs(self._export_dir)
        self._has_saved_variables = False
        self._saved_asset_files: set = set()

    def add_meta_graph_and_variables(
        self,
        sess,
        tags,
        signature_def_map=None,
        assets_collection=None,
        legacy_init_op=None,
        clear_devices=False,
        main_op=None,
        strip_default_attrs=False,
        saver=None,
    ):
        """Adds the session's graph as the first MetaGraphDef, and saves its variables.

        Args:
          sess: the Session holding the variable values.
          tags: the MetaGraphDef's tags, e.g. ["serve"].
          signature_def_map: {key: SignatureDef}.
          assets_collection: asset path tensors (string Consts) whose files are copied.
          legacy_init_op: the old name of `main_op`.
          clear_devices: drop device placements from the saved graph.
          main_op: an Operation run at load time, after the variables are restored.
          strip_default_attrs: drop attrs that equal their op's default.
          saver: the Saver to use; a sharded V2 Saver of all saveables by default.

        Raises:
          AssertionError: variables were already saved, or a TensorInfo lacks name/dtype.
          KeyError: a signature uses a reserved key.
        """
        if self._has_saved_variables:
            raise AssertionError(
                "Graph state including variables and assets has already been saved. Please "
                "invoke `add_meta_graph()` instead."
            )
        signature_def_map = signature_def_map or {}
        _validate_signature_def_map(signature_def_map)
        main_op = main_op if main_op is not None else legacy_init_op
        self._add_collections(assets_collection, main_op)
        gfile.makedirs(os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY))
        saver = saver or _default_saver()
        saver.save(
            sess,
            saved_model_file.variables_path(self._export_dir),
            write_meta_graph=False,
            write_state=False,
        )
        meta_graph_def = saver.export_meta_graph(
            clear_devices=clear_devices, strip_default_attrs=strip_default_attrs
        )
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)
        self._has_saved_variables = True

    def add_meta_graph(
        self,
        tags,
        signature_def_map=None,
        assets_collection=None,
        legacy_init_op=None,
        clear_devices=False,
        main_op=None,
        strip_default_attrs=False,
        saver=None,
    ):
        """Adds the default graph as another MetaGraphDef, sharing the saved variables.

        Raises:
          AssertionError: `add_meta_graph_and_variables` was not called first.
        """
        if not self._has_saved_variables:
            raise AssertionError(
                "Graph state including variables and assets has not been saved yet. Please "
                "invoke `add_meta_graph_and_variables()` first."
            )
        signature_def_map = signature_def_map or {}
        _validate_signature_def_map(signature_def_map)
        main_op = main_op if main_op is not None else legacy_init_op
        self._add_collections(assets_collection, main_op)
        saver = saver or _default_saver()
        meta_graph_def = saver.export_meta_graph(
            clear_devices=clear_devices, strip_default_attrs=strip_default_attrs
        )
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)

    def save(self, as_text=False) -> str:
        """Writes saved_model.pb (or saved_model.pbtxt with `as_text`); returns its path."""
        gfile.makedirs(self._export_dir)
        return saved_model_file.write_saved_model(self._export_dir, self._saved_model, as_text)

    def _add_collections(self, assets_collection, main_op) -> None:
        self._save_and_write_assets(assets_collection)
        _maybe_add_main_op(main_op)

    def _save_and_write_assets(self, assets_collection) -> None:
        filenames: dict = {}
        for asset_tensor in assets_collection or []:
            source = _asset_path_from_tensor(asset_tensor)
            filename = _asset_filename_to_add(source, filenames)
            asset = meta_graph_pb2.AssetFileDef(filename=filename)
            asset.tensor_info.name = asset_tensor.name
            graph_lib.add_to_collection(constants.ASSETS_KEY, any_codec.pack(any_pb2.Any(), asset))
            filenames[filename] = source
        if filenames:
            self._copy_assets(filenames)

    def _copy_assets(self, filenames: dict) -> None:
        assets = saved_model_file.assets_dir(self._export_dir)
        gfile.makedirs(assets)
        for filename, source in filenames.items():
            destination = os.path.join(assets, filename)
            if (
                gfile.exists(source)
                and source != destination
                and destination not in self._saved_asset_files
            ):
                gfile.copy(source, destination, overwrite=True)
                self._saved_asset_files.add(destination)

    def _tag_and_add_meta_graph(self, meta_graph_def, tags, signature_def_map) -> None:
        meta_graph_def.meta_info_def.tags.extend(tags)
        for key, signature in signature_def_map.items():
            meta_graph_def.signature_def[key].CopyFrom(signature)
        self._saved_model.meta_graphs.add().CopyFrom(meta_graph_def)


def _default_saver():
    return saver_lib.Saver(sharded=True, write_version=saver_pb2.SaverDef.V2, allow_empty=True)


def _validate_tensor_info(tensor_info) -> None:
    if tensor_info is None:
        raise AssertionError(
            "All TensorInfo protos used in the SignatureDefs must have the name and dtype "
            "fields set."
        )
    encoding = tensor_info.WhichOneof("encoding")
    if encoding is None:
        raise AssertionError(
            f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
            "SignatureDefs must have one of the 'encoding' fields (e.g., name or coo_sparse) set."
        )
    if encoding == "composite_tensor":
        for component in tensor_info.composite_tensor.components:
            _validate_tensor_info(component)
        return
    if tensor_info.dtype == types_pb2.DT_INVALID:
        raise AssertionError(
            f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
            "SignatureDefs must have the dtype field set."
        )


def _validate_signature_def_map(signature_def_map) -> None:
    for signature in signature_def_map.values():
        for info in signature.inputs.values():
            _validate_tensor_info(info)
        for info in signature.outputs.values():
            _validate_tensor_info(info)
    for key in (constants.INIT_OP_SIGNATURE_KEY, constants.TRAIN_OP_SIGNATURE_KEY):
        if key in signature_def_map:
            role = "initialization" if key == constants.INIT_OP_SIGNATURE_KEY else "the train op"
            raise KeyError(
                f'SignatureDef map key "{key}" is reserved for {role}. Please use a different key.'
            )


def _maybe_add_main_op(main_op) -> None:
    if main_op is None:
        return
    if not isinstance(main_op, graph_lib.Operation):
        raise TypeError(
            f"Expected {main_op} to be an Operation but got type {type(main_op)} instead."
        )
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if graph_lib.get_collection(key):
            raise ValueError(
                f"Graph already contains one or more main ops under the collection {key}."
            )
    graph_lib.add_to_collection(constants.MAIN_OP_KEY, main_op)


def _asset_path_from_tensor(path_tensor) -> str:
    """The file path held by an asset tensor (a scalar string Const)."""
    if not isinstance(path_tensor, graph_lib.Tensor):
        raise TypeError(f"Asset path tensor {path_tensor} must be a Tensor.")
    if path_tensor.op.type != "Const":
        raise TypeError(
            f"Asset path tensor {path_tensor} must be of type constant."
            f"Has type {path_tensor.op.type} instead."
        )
    if path_tensor.dtype != dtypes.string:
        raise TypeError(
            f"Asset path tensor {path_tensor}` must be of dtype string."
            f"Has type {path_tensor.dtype} instead."
        )
    values = path_tensor.op.get_attr("value").string_val
    if len(values) != 1:
        raise TypeError(f"Asset path tensor {path_tensor} must be a scalar.")
    if not values[0]:
        raise ValueError(f"Asset filepath tensor {path_tensor} in is invalid.")
    return os.fsdecode(values[0])


def _asset_filename_to_add(source: str, filenames: dict) -> str:
    """The basename to store `source` under; "<name>_<i>" when another file has that name."""
    filename = os.path.basename(source)
    if filename not in filenames:
        return filename
    other = filenames[filename]
    if other == source or filecmp.cmp(source, other, shallow=False):
        return filename
    i = 1
    unique = filename
    while unique in filenames:
        unique = f"{filename}_{i}"
        i += 1
    return unique
