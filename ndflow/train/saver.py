"""`tf.compat.v1.train.Saver`: TF's save/restore graph and its checkpoint bookkeeping, plus
`import_meta_graph` / `export_meta_graph` (TF's python/training/saver.py).

The graph is TensorFlow's, node for node (`save/filename`, `save/Const`, `save/SaveV2`,
`save/control_dependency`, `save/RestoreV2`, `save/Assign*`, `save/restore_all`; when
sharded `save/StringJoin`, `save/ShardedFilename`, `save/MergeV2Checkpoints`,
`save/restore_shard`), so the SaverDef of a MetaGraph written here works in TensorFlow and
TensorFlow's works here. Checkpoints are V2 tensor bundles (ndflow/formats/tensor_bundle.py,
written to temporary files and renamed); `save` writes the bundle, then the MetaGraph
(atomically, through write_graph), then the `checkpoint` state file (atomically), so a
process killed at any point leaves the state file naming a complete checkpoint.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from ndflow.formats import gfile
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import meta_graph
from ndflow.framework import proto_functions
from ndflow.proto import meta_graph_pb2
from ndflow.proto import saver_pb2
from ndflow.proto import trackable_object_graph_pb2
from ndflow.runtime import session as session_lib
from ndflow.train import checkpoint_state
from ndflow.train import checkpoint_utils
from ndflow.train import saveables as saveable_lib
from ndflow.train import saver_builder
from ndflow.train import training_util

GraphKeys = graph_lib.GraphKeys
SaverDef = saver_pb2.SaverDef
_LOG = logging.getLogger("ndflow")

# The checkpoint key under which object-based (tf.train.Checkpoint) checkpoints keep their
# object graph (TF's trackable.OBJECT_GRAPH_PROTO_KEY).
_OBJECT_GRAPH_PROTO_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"

BaseSaverBuilder = saver_builder.BaseSaverBuilder
BulkSaverBuilder = saver_builder.BulkSaverBuilder


# ---------------------------------------------------------------------- Saver


class Saver:
    """Mirrors `tf.compat.v1.train.Saver`: saves and restores variables in V2 checkpoints
    and keeps the `checkpoint` state file and the last `max_to_keep` checkpoints.

    >>> saver = Saver()                                    # every global variable
    >>> prefix = saver.save(sess, "/tmp/model.ckpt", global_step=100)
    >>> saver.restore(sess, prefix)                        # "/tmp/model.ckpt-100"
    """

    def __init__(
        self,
        var_list=None,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        saver_def=None,
        builder=None,
        defer_build=False,
        allow_empty=False,
        write_version=SaverDef.V2,
        pad_step_number=False,
        save_relative_paths=False,
        filename=None,
    ):
        if defer_build and var_list:
            raise ValueError(
                "If `var_list` is provided then build cannot be deferred. Either set "
                "defer_build=False or var_list=None."
            )
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self.saver_def = saver_def
        self._builder = builder
        self._is_built = False
        self._allow_empty = allow_empty
        self._is_empty = None
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._last_checkpoints: list = []
        self._checkpoints_to_be_deleted: list = []
        self._next_checkpoint_time = None
        if not defer_build:
            self.build()
        if self.saver_def:
            self._check_saver_def()
            self._write_version = self.saver_def.version
        self._save_relative_paths = save_relative_paths
        self._object_restore_saver = None

    # -- building ------------------------------------------------------------------

    def build(self):
        """Adds the save and restore ops (once; later calls do nothing)."""
        if self._is_built:
            return
        self._is_built = True
        if not self.saver_def:
            self._build_ops()
            if self._is_empty:
                return
        elif self._name:
            # `name` doubles as the import scope of a given SaverDef (TF's overloading).
            self.saver_def.filename_tensor_name = proto_functions.prepend_name_scope(
                self.saver_def.filename_tensor_name, self._name
            )
            self.saver_def.save_tensor_name = proto_functions.prepend_name_scope(
                self.saver_def.save_tensor_name, self._name
            )
            self.saver_def.restore_op_name = proto_functions.prepend_name_scope(
                self.saver_def.restore_op_name, self._name
            )
        self._check_saver_def()
        hours = self.saver_def.keep_checkpoint_every_n_hours
        self._next_checkpoint_time = time.time() + hours * 3600

    def _build_ops(self):
        if self._builder is None:
            self._builder = BulkSaverBuilder(self._write_version)
        if self._var_list is None:
            self._var_list = saveable_lib.all_saveable_objects()
        if not self._var_list:
            if not self._allow_empty:
                raise ValueError("No variables to save")
            self._is_empty = True
            return
        self._is_empty = False
        self.saver_def = self._builder._build_internal(
            self._var_list,
            reshape=self._reshape,
            sharded=self._sharded,
            max_to_keep=self._max_to_keep,
            keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours,
            name=self._name,
            restore_sequentially=self._restore_sequentially,
            filename=self._filename,
        )

    def _check_saver_def(self):
        if not isinstance(self.saver_def, SaverDef):
            raise ValueError(f"saver_def must be a saver_pb2.SaverDef: {self.saver_def}")
        if not self.saver_def.save_tensor_name:
            raise ValueError(f"saver_def must specify the save_tensor_name: {self.saver_def}")
        if not self.saver_def.restore_op_name:
            raise ValueError(f"saver_def must specify the restore_op_name: {self.saver_def}")

    # -- SaverDef --------------------------------------------------------------------

    def as_saver_def(self):
        """The SaverDef naming this saver's filename tensor, save tensor and restore op."""
        return self.saver_def

    def to_proto(self, export_scope=None):
        """The SaverDef with `export_scope` stripped (None when a name is outside it)."""
        if export_scope is None:
            return self.saver_def
        names = (
            self.saver_def.filename_tensor_name,
            self.saver_def.save_tensor_name,
            self.saver_def.restore_op_name,
        )
        if not all(n.startswith(export_scope) for n in names):
            return None
        saver_def = SaverDef()
        saver_def.CopyFrom(self.saver_def)
        strip = proto_functions.strip_name_scope
        saver_def.filename_tensor_name = strip(saver_def.filename_tensor_name, export_scope)
        saver_def.save_tensor_name = strip(saver_def.save_tensor_name, export_scope)
        saver_def.restore_op_name = strip(saver_def.restore_op_name, export_scope)
        return saver_def

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        """A Saver for the ops `saver_def` names, under `import_scope`."""
        return Saver(saver_def=saver_def, name=import_scope)

    # -- the list of recent checkpoints ------------------------------------------------

    @property
    def last_checkpoints(self) -> list:
        """The not-yet-deleted checkpoint prefixes, oldest first."""
        return [path for path, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """DEPRECATED in TF: sets the recent checkpoints with an infinite timestamp (so
        keep_checkpoint_every_n_hours never deletes them)."""
        if not isinstance(last_checkpoints, list):
            raise AssertionError(f"last_checkpoints must be a list, got {last_checkpoints!r}")
        self._last_checkpoints = [(path, np.inf) for path in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Sets the recent checkpoints as (prefix, timestamp) pairs."""
        if not isinstance(last_checkpoints_with_time, list):
            raise AssertionError(
                f"last_checkpoints_with_time must be a list, got {last_checkpoints_with_time!r}"
            )
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths):
        """Recovers the recent checkpoints after a restart: those of `checkpoint_paths` that
        exist, stamped with their files' modification times."""
        found = []
        for path in checkpoint_paths:
            try:
                mtimes = checkpoint_state.get_checkpoint_mtimes([path])
            except errors.NotFoundError:
                continue  # deleted meanwhile by another process: fine
            if mtimes:
                found.append((path, mtimes[0]))
        self.set_last_checkpoints_with_time(found)

    def _record_last_checkpoint(self, latest_save_path):
        if not self.saver_def.max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != latest_save_path]
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix="meta"):
        """Deletes the oldest checkpoint beyond max_to_keep, unless it is the one kept
        for this keep_checkpoint_every_n_hours period."""
        if not self._checkpoints_to_be_deleted:
            return
        path, stamp = self._checkpoints_to_be_deleted.pop(0)
        if stamp > self._next_checkpoint_time:
            self._next_checkpoint_time += self.saver_def.keep_checkpoint_every_n_hours * 3600
            return
        try:
            checkpoint_state.remove_checkpoint(path, self.saver_def.version, meta_graph_suffix)
        except Exception as err:  # noqa: BLE001 - TF logs and goes on
            _LOG.warning("Ignoring: %s", err)

    # -- save ------------------------------------------------------------------------

    def save(
        self,
        sess,
        save_path,
        global_step=None,
        latest_filename=None,
        meta_graph_suffix="meta",
        write_meta_graph=True,
        write_state=True,
        strip_default_attrs=False,
        save_debug_info=False,
    ):
        """Saves the variables; returns the checkpoint prefix (None for an empty saver).

        Args:
          sess: the Session holding the values.
          save_path: the checkpoint prefix, e.g. "/tmp/model.ckpt".
          global_step: an int, or a Tensor/Variable/name whose value is appended as
            "<save_path>-<step>".
          latest_filename: the state file's name in the same directory ("checkpoint").
          meta_graph_suffix: the MetaGraph file's suffix ("meta").
          write_meta_graph: whether to write "<prefix>.<meta_graph_suffix>".
          write_state: whether to update the state file (and delete old checkpoints).
          strip_default_attrs: drop default-valued attrs from the MetaGraph's nodes.
          save_debug_info: also write the graph's debug info next to the MetaGraph.

        Raises:
          RuntimeError: the saver was deferred and not built.
          TypeError: `sess` is not a Session.
          ValueError: `latest_filename` has path components or collides with `save_path`;
            the parent directory of `save_path` does not exist.
        """
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = _as_str(save_path)
        checkpoint_file = self._checkpoint_file(sess, save_path, global_step, latest_filename)
        if not isinstance(sess, session_lib.BaseSession):
            raise TypeError(f"'sess' must be a Session; {sess}")
        model_checkpoint_path = None
        if not self._is_empty:
            model_checkpoint_path = self._run_save(sess, save_path, checkpoint_file)
        if write_meta_graph:
            meta_path = checkpoint_state.meta_graph_filename(checkpoint_file, meta_graph_suffix)
            with sess.graph.as_default():
                # Written through a temporary file and a rename (write_graph).
                self.export_meta_graph(
                    meta_path,
                    strip_default_attrs=strip_default_attrs,
                    save_debug_info=save_debug_info,
                )
        if write_state and not self._is_empty:
            self._update_state(save_path, model_checkpoint_path, latest_filename)
            self._maybe_delete_old_checkpoints(meta_graph_suffix=meta_graph_suffix)
        return model_checkpoint_path

    def _checkpoint_file(self, sess, save_path, global_step, latest_filename):
        if global_step is None:
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                # The data file would collide with the checkpoint state file.
                raise ValueError(
                    f"'latest_filename' collides with 'save_path': '{latest_filename}' and "
                    f"'{save_path}'"
                )
            return save_path
        if not isinstance(global_step, (int, np.integer)):
            global_step = training_util.global_step(sess, global_step)
        if self._pad_step_number:
            return f"{save_path}-{int(global_step):08d}"
        return f"{save_path}-{int(global_step)}"

    def _run_save(self, sess, save_path, checkpoint_file):
        try:
            path = sess.run(
                self.saver_def.save_tensor_name,
                {self.saver_def.filename_tensor_name: checkpoint_file},
            )
        except (errors.FailedPreconditionError, errors.NotFoundError) as err:
            if not gfile.isdir(os.path.dirname(save_path)):
                raise ValueError(
                    f"Parent directory of {save_path} doesn't exist, can't save."
                ) from err
            raise
        return _as_str(path)

    def _update_state(self, save_path, model_checkpoint_path, latest_filename):
        """Records the checkpoint and rewrites the state file atomically."""
        self._record_last_checkpoint(model_checkpoint_path)
        checkpoint_state.update_checkpoint_state_internal(
            save_dir=os.path.dirname(save_path),
            model_checkpoint_path=model_checkpoint_path,
            all_model_checkpoint_paths=self.last_checkpoints,
            latest_filename=latest_filename,
            save_relative_paths=self._save_relative_paths,
        )

    # -- MetaGraph -------------------------------------------------------------------

    def export_meta_graph(
        self,
        filename=None,
        collection_list=None,
        as_text=False,
        export_scope=None,
        clear_devices=False,
        clear_extraneous_savers=False,
        strip_default_attrs=False,
        save_debug_info=False,
    ):
        """Mirrors `Saver.export_meta_graph`: the default graph's MetaGraphDef with this
        saver's SaverDef, optionally written to `filename`."""
        return export_meta_graph(
            filename=filename,
            graph_def=graph_lib.get_default_graph().as_graph_def(add_shapes=True),
            saver_def=self.saver_def,
            collection_list=collection_list,
            as_text=as_text,
            export_scope=export_scope,
            clear_devices=clear_devices,
            clear_extraneous_savers=clear_extraneous_savers,
            strip_default_attrs=strip_default_attrs,
            save_debug_info=save_debug_info,
        )

    # -- restore -----------------------------------------------------------------------

    def restore(self, sess, save_path):
        """Restores the variables from the checkpoint prefix `save_path`.

        Raises:
          ValueError: `save_path` is None or not a valid checkpoint.
          NotFoundError: a variable's key is not in the checkpoint (TF's message: the graph
            was probably altered).
          InvalidArgumentError: a saved tensor does not fit its variable.
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = _as_str(save_path)
        if not checkpoint_state.checkpoint_exists(prefix):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {prefix}")
        _LOG.info("Restoring parameters from %s", prefix)
        try:
            sess.run(self.saver_def.restore_op_name, {self.saver_def.filename_tensor_name: prefix})
        except errors.NotFoundError as err:
            self._restore_object_based(sess, prefix, err)
        except errors.InvalidArgumentError as err:
            raise _restore_error(err, "a mismatch between the current graph and the graph") from err

    def _restore_object_based(self, sess, prefix, err):
        """A key was missing: an object-based checkpoint (tf.train.Checkpoint) is restored
        through its object graph's name mapping; otherwise the graph changed."""
        try:
            names_to_keys = object_graph_key_mapping(prefix)
        except errors.NotFoundError:
            raise _restore_error(err, "a Variable name or other graph key that is missing") from err
        _LOG.warning(
            "Restoring an object-based checkpoint using a name-based saver. This may be "
            "somewhat fragile, and will re-build the Saver. Instead, consider loading "
            "object-based checkpoints using tf.train.Checkpoint()."
        )
        self._object_restore_saver = saver_from_object_based_checkpoint(
            prefix,
            var_list=self._var_list,
            builder=self._builder,
            names_to_keys=names_to_keys,
            cached_saver=self._object_restore_saver,
        )
        self._object_restore_saver.restore(sess=sess, save_path=prefix)


def _get_saver_or_default():
    """TF's `_get_saver_or_default`: the SAVERS collection's one Saver, else a new sharded
    Saver (allow_empty) added to it. Used by Scaffold and the checkpoint hooks."""
    savers = graph_lib.get_collection(GraphKeys.SAVERS)
    if len(savers) > 1:
        raise RuntimeError(
            f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which one "
            "to use by passing it to the constructor."
        )
    if savers:
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    graph_lib.add_to_collection(GraphKeys.SAVERS, saver)
    return saver


def _restore_error(err, extra_verbiage):
    """The error of the same class, worded as TF words a failed restore."""
    message = (
        f"Restoring from checkpoint failed. This is most likely due to {extra_verbiage} from "
        "the checkpoint. Please ensure that you have not altered the graph expected based on "
        f"the checkpoint. Original error:\n\n{err.message}"
    )
    return type(err)(err.node_def, err.op, message)


def _as_str(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return _as_str(value.item())
    return os.fspath(value)


# ---------------------------------------------------------------------- object-based checkpoints


def object_graph_key_mapping(checkpoint_path) -> dict:
    """Mirrors TF's `object_graph_key_mapping`: {variable full name: checkpoint key} of an
    object-based checkpoint; NotFoundError when it has no object graph."""
    reader = checkpoint_utils.NewCheckpointReader(checkpoint_path)
    object_graph = trackable_object_graph_pb2.TrackableObjectGraph()
    object_graph.ParseFromString(_as_bytes(reader.get_tensor(_OBJECT_GRAPH_PROTO_KEY)))
    return {
        attribute.full_name: attribute.checkpoint_key
        for node in object_graph.nodes
        for attribute in node.attributes
    }


def _as_bytes(value) -> bytes:
    value = value.item() if isinstance(value, np.ndarray) else value
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def saver_from_object_based_checkpoint(
    checkpoint_path, var_list=None, builder=None, names_to_keys=None, cached_saver=None
):
    """Mirrors TF's `saver_from_object_based_checkpoint`: a Saver reading an object-based
    checkpoint through its keys ("model/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE")."""
    if names_to_keys is None:
        try:
            names_to_keys = object_graph_key_mapping(checkpoint_path)
        except errors.NotFoundError as err:
            raise ValueError(
                f"Checkpoint in {checkpoint_path} not an object-based checkpoint."
            ) from err
    if var_list is None:
        var_list = saveable_lib.all_saveable_objects()
    if not isinstance(var_list, dict):
        var_list = saveable_lib.op_list_to_dict(var_list)
    saveables = saveable_lib.validate_and_slice_inputs(var_list)
    current = {spec.name for saveable in saveables for spec in saveable.specs}
    previous = set(names_to_keys)
    missing = current - previous
    if missing:
        raise errors.NotFoundError(None, None, _missing_names_message(current, previous))
    for saveable in saveables:
        for spec in saveable.specs:
            spec.name = names_to_keys[spec.name]
    if cached_saver is None:
        return Saver(saveables, builder=builder)
    return cached_saver


def _missing_names_message(current, previous) -> str:
    return (
        f"\n\nExisting variables not in the checkpoint: {', '.join(sorted(current - previous))}"
        "\n\nVariables names when this checkpoint was written which don't exist now: "
        f"{', '.join(sorted(previous - current))}\n\n"
        f"({len(previous & current)} variable name(s) did match)\n\n"
        "Could not find some variables in the checkpoint (see names above). Saver was "
        "attempting to load an object-based checkpoint (saved using tf.train.Checkpoint or "
        "tf.keras.Model.save_weights) using variable names. If the checkpoint was written "
        "with eager execution enabled, it's possible that variable names have changed (for "
        "example missing a '_1' suffix). It's also possible that there are new variables "
        "which did not exist when the checkpoint was written. You can construct a "
        "Saver(var_list=...) with only the variables which previously existed, and if "
        "variable names have changed you may need to make this a dictionary with the old "
        "names as keys."
    )


# ---------------------------------------------------------------------- MetaGraphs


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Mirrors `tf.compat.v1.train.import_meta_graph`: adds a MetaGraph's graph and
    collections to the default graph and returns a Saver for its variables.

    Returns:
      A Saver built from the MetaGraph's saver_def; without one, a new Saver when the
      graph has variables (or saveables), else None.

    >>> saver = import_meta_graph("/tmp/model.ckpt-100.meta")
    >>> saver.restore(sess, "/tmp/model.ckpt-100")
    """
    return _import_meta_graph_with_return_elements(
        meta_graph_or_file, clear_devices, import_scope, **kwargs
    )[0]


def _import_meta_graph_with_return_elements(
    meta_graph_or_file, clear_devices=False, import_scope=None, return_elements=None, **kwargs
):
    """(Saver or None, the imported `return_elements`)."""
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        meta_graph_def = meta_graph_or_file
    else:
        meta_graph_def = meta_graph.read_meta_graph_file(meta_graph_or_file)
    imported_vars, imported_return_elements = (
        meta_graph.import_scoped_meta_graph_with_return_elements(
            meta_graph_def,
            clear_devices=clear_devices,
            import_scope=import_scope,
            return_elements=return_elements,
            **kwargs,
        )
    )
    saver = _create_saver_from_imported_meta_graph(meta_graph_def, import_scope, imported_vars)
    return saver, imported_return_elements


def _create_saver_from_imported_meta_graph(meta_graph_def, import_scope, imported_vars):
    """TF's rule: the MetaGraph's own saver_def (under the scope the import really used),
    else a default Saver when there is something to save, else None."""
    if meta_graph_def.HasField("saver_def"):
        scope = import_scope
        if imported_vars:
            key, var = next(iter(imported_vars.items()))
            scope = var.name[: -len(key)]
        return Saver(saver_def=meta_graph_def.saver_def, name=scope)
    if saveable_lib.all_saveable_objects(scope=import_scope):
        return Saver()
    _LOG.info("Saver not created because there are no variables in the graph to restore")
    return None


def export_meta_graph(
    filename=None,
    meta_info_def=None,
    graph_def=None,
    saver_def=None,
    collection_list=None,
    as_text=False,
    graph=None,
    export_scope=None,
    clear_devices=False,
    clear_extraneous_savers=False,
    strip_default_attrs=False,
    save_debug_info=False,
    **kwargs,
):
    """Mirrors `tf.compat.v1.train.export_meta_graph`: the MetaGraphDef of the graph (its
    nodes, collections and `saver_def`), optionally written to `filename`.

    >>> meta = export_meta_graph("/tmp/model.meta")
    >>> meta.saver_def.restore_op_name
    'save/restore_all'
    """
    meta_graph_def, _ = meta_graph.export_scoped_meta_graph(
        filename=filename,
        meta_info_def=meta_info_def,
        graph_def=graph_def,
        saver_def=saver_def,
        collection_list=collection_list,
        as_text=as_text,
        graph=graph,
        export_scope=export_scope,
        clear_devices=clear_devices,
        clear_extraneous_savers=clear_extraneous_savers,
        strip_default_attrs=strip_default_attrs,
        save_debug_info=save_debug_info,
        **kwargs,
    )
    return meta_graph_def


proto_functions.register_proto_function(
    GraphKeys.SAVERS,
    proto_type=SaverDef,
    to_proto=Saver.to_proto,
    from_proto=Saver.from_proto,
)
