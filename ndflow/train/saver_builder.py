"""TF's saver builders: `BaseSaverBuilder` / `BulkSaverBuilder` build the save and restore
ops of a `tf.train.Saver` with TensorFlow's node names, devices and attrs (TF's
python/training/saver.py), so a SaverDef built here names the same graph TF builds.
"""

from __future__ import annotations

import os

from ndflow.framework import device as device_lib
from ndflow.framework import graph as graph_lib
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import state
from ndflow.ops import string
from ndflow.ops.control_flow import grouping
from ndflow.ops.io import checkpoint as checkpoint_ops
from ndflow.proto import saver_pb2
from ndflow.train import saveables as saveable_lib

SaverDef = saver_pb2.SaverDef


class BaseSaverBuilder:
    """Mirrors `tf.compat.v1.train.BaseSaverBuilder`: builds the save and restore ops.

    Subclasses may override `save_op`, `restore_op`, `bulk_restore` and `sharded_filename`.
    """

    SaveSpec = saveable_lib.SaveSpec
    SaveableObject = saveable_lib.SaveableObject
    VariableSaveable = saveable_lib.ReferenceVariableSaveable
    ResourceVariableSaveable = saveable_lib.ResourceVariableSaveable

    def __init__(self, write_version=SaverDef.V2):
        self._write_version = write_version

    def save_op(self, filename_tensor, saveables):
        """A SaveV2 op writing every spec of `saveables` to the prefix `filename_tensor`."""
        names, tensors, slices = [], [], []
        for saveable in saveables:
            for spec in saveable.specs:
                names.append(spec.name)
                tensors.append(spec.tensor)
                slices.append(spec.slice_spec)
        if self._write_version == SaverDef.V1:
            raise NotImplementedError(
                "ndflow writes V2 checkpoints only; use "
                "`tf.train.Saver(write_version=tf.train.SaverDef.V2)` (the default)."
            )
        if self._write_version != SaverDef.V2:
            raise RuntimeError(f"Unexpected write_version: {self._write_version}")
        return checkpoint_ops.save_v2(filename_tensor, names, slices, tensors)

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        """The restored tensors of every spec, one `restore_op` per saveable."""
        del restore_sequentially
        tensors = []
        for saveable in saveables:
            device = saveable_lib.set_cpu0(saveable.device) if saveable.device else None
            with graph_lib.device(device):
                tensors.extend(self.restore_op(filename_tensor, saveable, preferred_shard))
        return tensors

    def restore_op(self, filename_tensor, saveable, preferred_shard):
        """One RestoreV2 per spec of `saveable`."""
        del preferred_shard
        return [
            checkpoint_ops.restore_v2(
                filename_tensor, [spec.name], [spec.slice_spec], [spec.dtype]
            )[0]
            for spec in saveable.specs
        ]

    def sharded_filename(self, filename_tensor, shard, num_shards):
        """`<filename>-<shard>-of-<num_shards>` (a ShardedFilename op)."""
        return checkpoint_ops.sharded_filename(filename_tensor, shard, num_shards)

    # -- save ----------------------------------------------------------------------

    def _add_save_ops(self, filename_tensor, saveables):
        save = self.save_op(filename_tensor, saveables)
        return grouping.with_dependencies([save], filename_tensor)

    def _add_sharded_save_ops(self, checkpoint_prefix, per_device):
        """TF's sharded V2 save: each device writes `<prefix>_temp/part-<i>-of-<n>`, then
        MergeV2Checkpoints merges the parts into `<prefix>` and deletes `<prefix>_temp`."""
        if self._write_version != SaverDef.V2:
            raise NotImplementedError("ndflow writes V2 checkpoints only.")
        with graph_lib.device("CPU"):
            suffix = math.where(
                string.regex_full_match(checkpoint_prefix, "^s3://.*"),
                array.constant(".part"),
                array.constant(os.path.normpath("_temp/part")),
            )
            tmp_prefix = string.string_join([checkpoint_prefix, suffix])
        num_shards = array.constant(len(per_device), name="num_shards")
        saves, prefixes = [], []
        last_device = None
        for shard, (device, saveables) in enumerate(per_device):
            last_device = device
            with graph_lib.device(saveable_lib.set_cpu0(device)):
                prefix = self.sharded_filename(tmp_prefix, shard, num_shards)
                prefixes.append(prefix)
                saves.append(self._add_save_ops(prefix, saveables))
        with graph_lib.control_dependencies([x.op for x in saves]):
            with graph_lib.device(saveable_lib.set_cpu0(last_device)):
                merge = checkpoint_ops.merge_v2_checkpoints(
                    prefixes, checkpoint_prefix, delete_old_dirs=True
                )
                with graph_lib.control_dependencies([merge]):
                    return array.identity(checkpoint_prefix)

    # -- restore -------------------------------------------------------------------

    def _add_restore_ops(
        self,
        filename_tensor,
        saveables,
        restore_sequentially,
        reshape,
        preferred_shard=-1,
        name="restore_all",
    ):
        tensors = self.bulk_restore(
            filename_tensor, saveables, preferred_shard, restore_sequentially
        )
        assigns = []
        start = 0
        for saveable in saveables:
            count = len(saveable.specs)
            shapes = _restore_shapes(saveable) if reshape else None
            assigns.append(saveable.restore(tensors[start : start + count], shapes))
            start += count
        return state.group(*assigns, name=name)

    def _add_sharded_restore_ops(self, filename_tensor, per_device, restore_sequentially, reshape):
        shards = []
        for shard, (device, saveables) in enumerate(per_device):
            with graph_lib.device(device):
                shards.append(
                    self._add_restore_ops(
                        filename_tensor,
                        saveables,
                        restore_sequentially,
                        reshape,
                        preferred_shard=shard,
                        name="restore_shard",
                    )
                )
        return state.group(*shards, name="restore_all")

    def _group_by_devices(self, saveables):
        """[(device, saveables)] sorted by device; a saveable's tensors share one device."""
        per_device: dict = {}
        for saveable in saveables:
            devices = {
                device_lib.canonical_device(saveable_lib.spec_device(spec))
                for spec in saveable.specs
            }
            if len(devices) != 1:
                raise ValueError(
                    f"All tensors of a saveable object must be on the same device: {saveable.name}"
                )
            per_device.setdefault(devices.pop(), []).append(saveable)
        return sorted(per_device.items(), key=lambda item: item[0])

    # -- the whole graph ---------------------------------------------------------------

    def build(
        self,
        names_to_saveables,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        filename="model",
    ):
        """Builds the save and restore ops for `names_to_saveables` (a dict of names to
        variables or saveables, or a list); returns their SaverDef."""
        return self._build_internal(
            names_to_saveables,
            reshape=reshape,
            sharded=sharded,
            max_to_keep=max_to_keep,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            name=name,
            restore_sequentially=restore_sequentially,
            filename=filename,
        )

    def _build_internal(
        self,
        names_to_saveables,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        filename="model",
        build_save=True,
        build_restore=True,
    ):
        if not build_save or not build_restore:
            raise ValueError(
                "save and restore operations need to be built together  when eager execution "
                "is not enabled."
            )
        if not isinstance(names_to_saveables, dict):
            names_to_saveables = saveable_lib.op_list_to_dict(names_to_saveables)
        saveables = saveable_lib.validate_and_slice_inputs(names_to_saveables)
        if max_to_keep is None:
            max_to_keep = 0
        with graph_lib.name_scope(name, "save"):
            # Two PlaceholderWithDefaults: "filename" and, for backwards compatibility,
            # "Const", the one the SaverDef names.
            filename_tensor = array.placeholder_with_default(
                filename or "model", shape=(), name="filename"
            )
            filename_tensor = array.placeholder_with_default(
                filename_tensor, shape=(), name="Const"
            )
            if sharded:
                per_device = self._group_by_devices(saveables)
                save_tensor = self._add_sharded_save_ops(filename_tensor, per_device)
                restore_op = self._add_sharded_restore_ops(
                    filename_tensor, per_device, restore_sequentially, reshape
                )
            else:
                save_tensor = self._add_save_ops(filename_tensor, saveables)
                restore_op = self._add_restore_ops(
                    filename_tensor, saveables, restore_sequentially, reshape
                )
        return SaverDef(
            filename_tensor_name=filename_tensor.name,
            save_tensor_name=save_tensor.name,
            restore_op_name=restore_op.name,
            max_to_keep=max_to_keep,
            sharded=sharded,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            version=self._write_version,
        )


class BulkSaverBuilder(BaseSaverBuilder):
    """Mirrors `tf.compat.v1.train.BulkSaverBuilder`: one RestoreV2 for all saveables."""

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        del preferred_shard, restore_sequentially
        specs = [spec for saveable in saveables for spec in saveable.specs]
        names = [spec.name for spec in specs]
        slices = [spec.slice_spec for spec in specs]
        dtypes = [spec.dtype for spec in specs]
        # Restored on CPU:0, as TF does for compatibility.
        with graph_lib.device("cpu:0"):
            return checkpoint_ops.restore_v2(filename_tensor, names, slices, dtypes)


def _restore_shapes(saveable):
    """The shapes `reshape=True` restores to: static when known, else a Shape op."""
    shapes = []
    for spec in saveable.specs:
        tensor = spec.tensor
        shape = tensor.shape
        shapes.append(shape.as_list() if shape.is_fully_defined() else array.shape(tensor))
    return shapes
