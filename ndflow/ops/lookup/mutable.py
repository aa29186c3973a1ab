"""Mutable tables: `tf.lookup.experimental.MutableHashTable` (MutableHashTableV2, or
MutableHashTableOfTensorsV2 for vector values) and `tf.lookup.experimental.DenseHashTable`
(MutableDenseHashTableV2).

With `checkpoint=True` a table shares its resource by node name and adds a saveable (its
exported keys and values, restored with LookupTableImportV2) to SAVEABLE_OBJECTS, as TF does.
"""

from __future__ import annotations

import dataclasses

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops.lookup import tables

GraphKeys = graph_lib.GraphKeys
apply_op = op_builder.apply_op


@dataclasses.dataclass(frozen=True)
class SaveSpec:
    """One tensor to checkpoint (TF's BaseSaverBuilder.SaveSpec)."""

    tensor: object
    slice_spec: str
    name: str

    @property
    def dtype(self):
        return self.tensor.dtype


class TableSaveable:
    """A table's checkpoint entries "<name>-keys" and "<name>-values" (TF's
    MutableHashTable._Saveable); `restore` imports them back, in the name scope
    "<table_name>_table_restore" (table_name defaults to name)."""

    def __init__(self, table, name, table_name=None):
        keys, values = table.export()
        self.op = table
        self.name = name
        self.table_name = table_name or name
        self.specs = [SaveSpec(keys, "", name + "-keys"), SaveSpec(values, "", name + "-values")]

    def restore(self, restored_tensors, restored_shapes=None):
        del restored_shapes  # the table takes whatever was saved
        with graph_lib.name_scope(f"{self.table_name}_table_restore"):
            with graph_lib.colocate_with(self.op.resource_handle):
                return apply_op(
                    "LookupTableImportV2",
                    self.op.resource_handle,
                    restored_tensors[0],
                    restored_tensors[1],
                )


class _MutableTable(tables.LookupInterface):
    """What MutableHashTable and DenseHashTable share."""

    def _finish(self, handle, checkpoint: bool) -> None:
        self._resource_handle = handle
        self._table_name = handle.op.name.split("/")[-1]
        if checkpoint:
            graph_lib.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, TableSaveable(self, self._name))

    @property
    def name(self):
        return self._table_name

    @property
    def default_value(self):
        return self._default_value

    def size(self, name=None):
        """The number of entries, an int64 scalar."""
        with graph_lib.name_scope(name, f"{self.name}_Size", [self.resource_handle]):
            return apply_op("LookupTableSizeV2", self.resource_handle)

    def _check_keys(self, keys, message):
        if keys.dtype.base_dtype != self._key_dtype:
            raise TypeError(message.format(self._key_dtype, keys.dtype))

    def _insert(self, keys, values, name):
        with graph_lib.name_scope(
            name, f"{self.name}_lookup_table_insert", [self.resource_handle, keys, values]
        ):
            keys = op_builder.convert_to_tensor(keys, self._key_dtype, name="keys")
            values = op_builder.convert_to_tensor(values, self._value_dtype, name="values")
            return apply_op("LookupTableInsertV2", self.resource_handle, keys, values)

    def _remove(self, keys, name):
        with graph_lib.name_scope(
            name, f"{self.name}_lookup_table_remove", (self.resource_handle, keys)
        ):
            return apply_op("LookupTableRemoveV2", self.resource_handle, keys)

    def export(self, name=None):
        """All keys and values, as two tensors (LookupTableExportV2)."""
        with graph_lib.name_scope(
            name, f"{self.name}_lookup_table_export_values", [self.resource_handle]
        ):
            with graph_lib.colocate_with(self.resource_handle):
                keys, values = apply_op(
                    "LookupTableExportV2",
                    self.resource_handle,
                    Tkeys=self._key_dtype,
                    Tvalues=self._value_dtype,
                )
        return keys, values


class MutableHashTable(_MutableTable):
    """Mirrors `tf.lookup.experimental.MutableHashTable`: insert, remove, lookup, export.

    >>> table = MutableHashTable(tf.string, tf.int64, default_value=-1)
    >>> insert = table.insert(["a", "b"], tf.constant([7, 8], tf.int64))
    >>> values = table.lookup(["a", "z"])  # [7, -1] once `insert` has run
    """

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False):  # fmt: skip
        if experimental_is_anonymous:
            raise ValueError("experimental_is_anonymous tables are not supported by ndflow.")
        super().__init__(key_dtype, value_dtype)
        self._default_value = op_builder.convert_to_tensor(default_value, dtype=value_dtype)
        self._value_shape = self._default_value.shape
        self._name = name
        attrs = {
            "use_node_name_sharing": checkpoint,
            "key_dtype": self._key_dtype,
            "value_dtype": self._value_dtype,
            "name": name,
        }
        if self._default_value.shape.rank == 0:
            handle = apply_op("MutableHashTableV2", **attrs)
        else:
            handle = apply_op(
                "MutableHashTableOfTensorsV2", value_shape=self._default_value.shape, **attrs
            )
        self._finish(handle, checkpoint)

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """The values of `keys`; `dynamic_default_values` (one default per key) or the
        table's default where a key is missing."""
        with graph_lib.name_scope(
            name, f"{self.name}_lookup_table_find", (self.resource_handle, keys)
        ):
            keys = op_builder.convert_to_tensor(keys, dtype=self._key_dtype, name="keys")
            default = (
                self._default_value if dynamic_default_values is None else dynamic_default_values
            )
            return apply_op("LookupTableFindV2", self.resource_handle, keys, default)

    def insert(self, keys, values, name=None):
        """The op associating `keys` with `values` (a repeated key takes its last value)."""
        return self._insert(keys, values, name)

    def remove(self, keys, name=None):
        """The op removing `keys` (missing keys are ignored)."""
        self._check_keys(keys, "Dtype of argument `keys` must be {}, received: {}")
        return self._remove(keys, name)


class DenseHashTable(_MutableTable):
    """Mirrors `tf.lookup.experimental.DenseHashTable`: open addressing with two reserved
    keys, `empty_key` and `deleted_key`, which may never be inserted or looked up.

    >>> table = DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=-1)
    """

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key,
                 initial_num_buckets=None, name="MutableDenseHashTable", checkpoint=True,
                 experimental_is_anonymous=False):  # fmt: skip
        if experimental_is_anonymous:
            raise ValueError("experimental_is_anonymous tables are not supported by ndflow.")
        super().__init__(key_dtype, value_dtype)
        self._default_value = op_builder.convert_to_tensor(
            default_value, dtype=value_dtype, name="default_value"
        )
        self._value_shape = self._default_value.shape
        self._name = name
        empty = op_builder.convert_to_tensor(empty_key, dtype=key_dtype, name="empty_key")
        deleted = op_builder.convert_to_tensor(deleted_key, dtype=key_dtype, name="deleted_key")
        attrs = {} if initial_num_buckets is None else {"initial_num_buckets": initial_num_buckets}
        handle = apply_op(
            "MutableDenseHashTableV2",
            empty,
            deleted,
            use_node_name_sharing=checkpoint,
            value_dtype=self._value_dtype,
            value_shape=self._value_shape,
            name=name,
            **attrs,
        )
        self._finish(handle, checkpoint)

    def lookup(self, keys, name=None):
        """The values of `keys`, the default where missing."""
        with graph_lib.name_scope(
            name, f"{self.name}_lookup_table_find", [self.resource_handle, keys]
        ):
            keys = op_builder.convert_to_tensor(keys, dtype=self._key_dtype, name="keys")
            return apply_op("LookupTableFindV2", self.resource_handle, keys, self._default_value)

    def insert_or_assign(self, keys, values, name=None):
        """The op associating `keys` with `values`."""
        return self._insert(keys, values, name)

    def insert(self, keys, values, name=None):
        """The op associating `keys` with `values`."""
        return self._insert(keys, values, name)

    def erase(self, keys, name=None):
        """The op removing `keys` (missing keys are ignored)."""
        self._check_keys(keys, "Signature mismatch. Keys must be dtype {}, got {}.")
        return self._remove(keys, name)

    def remove(self, keys, name=None):
        """The op removing `keys` (missing keys are ignored)."""
        return self.erase(keys, name)
