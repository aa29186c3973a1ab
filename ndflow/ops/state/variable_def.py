"""What a `tf.Variable` records in its VariableDef (MetaGraph collections): the
synchronization and aggregation enums, `SaveSliceInfo` for partitions, and the fields both
kinds of variable write (`to_proto`) and read back (`from_proto`) the same way.
"""

from __future__ import annotations

import enum

from ndflow.framework import proto_functions
from ndflow.proto import variable_pb2

strip_name_scope = proto_functions.strip_name_scope
prepend_name_scope = proto_functions.prepend_name_scope


class VariableSynchronization(enum.Enum):
    """Mirrors `tf.VariableSynchronization`: when a distributed variable is synchronized."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """Mirrors `tf.compat.v1.VariableAggregation`: how distributed updates are combined."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3  # noqa: PIE796 - TF1's alias of ONLY_FIRST_REPLICA


def sync_and_aggregation(synchronization, aggregation):
    """The enum members for `synchronization`/`aggregation` given as members, ints or None."""
    synchronization = VariableSynchronization.AUTO if synchronization is None else synchronization
    aggregation = VariableAggregation.NONE if aggregation is None else aggregation
    return VariableSynchronization(synchronization), VariableAggregation(aggregation)


class SaveSliceInfo:
    """Mirrors `tf.Variable.SaveSliceInfo`: where a partition sits in its full variable.

    >>> SaveSliceInfo("partitioned", [10, 4], [4, 0], [3, 4]).spec
    '10 4 4,3:0,4'
    """

    def __init__(
        self,
        full_name=None,
        full_shape=None,
        var_offset=None,
        var_shape=None,
        save_slice_info_def=None,
        import_scope=None,
    ):
        if save_slice_info_def is not None:
            full_name = prepend_name_scope(save_slice_info_def.full_name, import_scope)
            full_shape = save_slice_info_def.full_shape
            var_offset = save_slice_info_def.var_offset
            var_shape = save_slice_info_def.var_shape
        self.full_name = full_name
        self.full_shape = list(full_shape or [])
        self.var_offset = list(var_offset or [])
        self.var_shape = list(var_shape or [])

    @property
    def spec(self) -> str:
        """The checkpoint slice spec: "<full shape> <offset>,<length>:..."."""
        full_shape = " ".join(str(d) for d in self.full_shape) + " "
        slices = ":".join(f"{o},{s}" for o, s in zip(self.var_offset, self.var_shape))
        return full_shape + slices

    def to_proto(self, export_scope=None):
        """A SaveSliceInfoDef, or None when the full variable is outside `export_scope`."""
        if export_scope is not None and not self.full_name.startswith(export_scope):
            return None
        return variable_pb2.SaveSliceInfoDef(
            full_name=strip_name_scope(self.full_name, export_scope),
            full_shape=self.full_shape,
            var_offset=self.var_offset,
            var_shape=self.var_shape,
        )


def fill_variable_def(proto, variable, export_scope):
    """The VariableDef fields both kinds of variable share (TF's to_proto)."""
    if variable._initial_value is not None:
        proto.initial_value_name = strip_name_scope(variable._initial_value.name, export_scope)
    proto.initializer_name = strip_name_scope(variable._initializer_op.name, export_scope)
    proto.trainable = variable._trainable
    proto.synchronization = variable._synchronization.value
    proto.aggregation = variable._aggregation.value
    if variable._save_slice_info is not None:
        info = variable._save_slice_info.to_proto(export_scope=export_scope)
        if info is not None:
            proto.save_slice_info_def.MergeFrom(info)
    return proto


def restore_from_variable_def(variable, variable_def, graph, import_scope):
    """Sets what both kinds of variable read back from a VariableDef (TF's _init_from_proto)."""
    variable._initializer_op = graph.as_graph_element(
        prepend_name_scope(variable_def.initializer_name, import_scope)
    )
    initial = variable_def.initial_value_name
    variable._initial_value = (
        graph.as_graph_element(prepend_name_scope(initial, import_scope)) if initial else None
    )
    variable._synchronization, variable._aggregation = sync_and_aggregation(
        variable_def.synchronization, variable_def.aggregation
    )
    variable._trainable = variable_def.trainable
    variable._constraint = None
    variable._save_slice_info = None
    if variable_def.HasField("save_slice_info_def"):
        variable._save_slice_info = SaveSliceInfo(
            save_slice_info_def=variable_def.save_slice_info_def, import_scope=import_scope
        )
