"""Lookup-table ops with TF's names, so tables export in GraphDefs: the table resources
HashTableV2, MutableHashTableV2, MutableHashTableOfTensorsV2 and MutableDenseHashTableV2, and
LookupTableFindV2 / InsertV2 / RemoveV2 / SizeV2 / ExportV2 / ImportV2, InitializeTableV2 and
InitializeTableFromTextFileV2.

A table op outputs a `TableHandle` naming the table in the Session's resource manager (keyed
by container and shared_name, else the node name); the other ops find the table through it.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops.lookup import stores
from ndflow.ops.lookup import text_file

KIND = "LookupTable"
_TABLE_OPS = (
    "HashTableV2",
    "MutableHashTableV2",
    "MutableHashTableOfTensorsV2",
    "MutableDenseHashTableV2",
)


class TableHandle:
    """The value of a table's `resource` tensor: where the Session keeps the table."""

    __slots__ = ("container", "name")

    def __init__(self, container: str, name: str):
        self.container = container
        self.name = name

    def __repr__(self) -> str:
        return f"TableHandle({self.container or 'localhost'}/{self.name})"


def _table(ctx, handle):
    table = ctx.resources.get(KIND, handle.container, handle.name)
    if table is None:
        raise errors.NotFoundError(
            None,
            None,
            f"Resource {handle.container or 'localhost'}/{handle.name}/"
            "N10tensorflow6lookup15LookupInterfaceE does not exist.",
        )
    return table


def _check_signature(inputs: list, outputs: list, have_inputs: list, have_outputs: list):
    """TF's kernel signature check: the op's dtypes against the table's."""
    if inputs == have_inputs and outputs == have_outputs:
        return
    have = ", ".join(["resource"] + have_inputs) + "->" + ", ".join(have_outputs)
    expected = ", ".join(["resource"] + inputs) + "->" + ", ".join(outputs)
    raise errors.InvalidArgumentError(
        None, None, f"Signature mismatch, have: {have} expected: {expected}"
    )


def _names(*dtypes_) -> list:
    return [d.name for d in dtypes_]


# ---------------------------------------------------------------------- table resources


def _create(ctx, container, shared_name, key_dtype, value_dtype, factory):
    name = shared_name or ctx.node.name
    table = ctx.resources.lookup_or_create(KIND, container, name, factory)
    if table.key_dtype != key_dtype or table.value_dtype != value_dtype:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Conflicting key/value dtypes {key_dtype.name}->{value_dtype.name} with "
            f"{table.key_dtype.name}-{table.value_dtype.name} for table {name}",
        )
    return TableHandle(container, name)


def _hash_table_kernel(ctx, container, shared_name, key_dtype, value_dtype):
    return _create(
        ctx,
        container,
        shared_name,
        key_dtype,
        value_dtype,
        lambda: stores.HashTableStore(key_dtype, value_dtype),
    )


def _mutable_kernel(ctx, container, shared_name, key_dtype, value_dtype, value_shape=None):
    shape = () if value_shape is None else tuple(value_shape.as_list())
    return _create(
        ctx,
        container,
        shared_name,
        key_dtype,
        value_dtype,
        lambda: stores.MutableHashTableStore(key_dtype, value_dtype, shape),
    )


def _dense_kernel(ctx, empty_key, deleted_key, container, shared_name, key_dtype, value_dtype,
                  value_shape, initial_num_buckets, max_load_factor):  # fmt: skip
    def factory():
        return stores.DenseHashTableStore(
            key_dtype,
            value_dtype,
            tuple(value_shape.as_list()),
            empty_key,
            deleted_key,
            initial_num_buckets,
            max_load_factor,
        )

    return _create(ctx, container, shared_name, key_dtype, value_dtype, factory)


def _scalar_shape(op):
    return [tensor_shape.scalar()]


_TABLE_ATTRS = [
    "container: string = ''",
    "shared_name: string = ''",
    "use_node_name_sharing: bool = false",
    "key_dtype: type",
    "value_dtype: type",
]

registry.register_op(
    "HashTableV2",
    outputs=["table_handle: resource"],
    attrs=_TABLE_ATTRS,
    shape=_scalar_shape,
    kernel=_hash_table_kernel,
    stateful=True,
)
registry.register_op(
    "MutableHashTableV2",
    outputs=["table_handle: resource"],
    attrs=_TABLE_ATTRS,
    shape=_scalar_shape,
    kernel=_mutable_kernel,
    stateful=True,
)
registry.register_op(
    "MutableHashTableOfTensorsV2",
    outputs=["table_handle: resource"],
    attrs=[*_TABLE_ATTRS, "value_shape: shape = {}"],
    shape=_scalar_shape,
    kernel=_mutable_kernel,
    stateful=True,
)


def _dense_shape(op):
    shape_errors.require_rank_at_most(op.inputs[0].shape, 1)
    return [tensor_shape.scalar()]


registry.register_op(
    "MutableDenseHashTableV2",
    inputs=["empty_key: key_dtype", "deleted_key: key_dtype"],
    outputs=["table_handle: resource"],
    attrs=[
        *_TABLE_ATTRS,
        "value_shape: shape = {}",
        "initial_num_buckets: int = 131072",
        "max_load_factor: float = 0.8",
    ],
    shape=_dense_shape,
    kernel=_dense_kernel,
    stateful=True,
)


def table_signature(op):
    """(key shape, value shape) a table op gives its handle (TF's handle shapes and types),
    or None for HashTableV2 and handles from elsewhere."""
    producer = op.inputs[0].op
    if producer.type == "MutableHashTableV2":
        return tensor_shape.scalar(), tensor_shape.scalar()
    if producer.type == "MutableHashTableOfTensorsV2":
        return tensor_shape.scalar(), producer.attrs["value_shape"]
    if producer.type == "MutableDenseHashTableV2":
        return producer.inputs[0].shape, producer.attrs["value_shape"]
    return None


# ---------------------------------------------------------------------- find, insert, remove


def _find_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    signature = table_signature(op)
    keys = op.inputs[1].shape
    if signature is None or signature[0].rank is None or keys.rank is None:
        return [tensor_shape.unknown_shape()]
    key_shape, value_shape = signature
    if keys.rank < key_shape.rank:
        raise shape_errors.ShapeError(
            f"Expected keys to have suffix {shape_errors.format_shape(key_shape)} but saw "
            f"shape: {shape_errors.format_shape(keys)}"
        )
    prefix = keys[: keys.rank - key_shape.rank]
    return [prefix.concatenate(value_shape)]


def _find_kernel(ctx, table_handle, keys, default_value, Tin, Tout):
    table = _table(ctx, table_handle)
    _check_signature(
        _names(table.key_dtype, table.value_dtype),
        _names(table.value_dtype),
        _names(Tin, Tout),
        _names(Tout),
    )
    table.check_find(keys, default_value)
    with table.lock:
        return table.find(keys, default_value)


registry.register_op(
    "LookupTableFindV2",
    inputs=["table_handle: resource", "keys: Tin", "default_value: Tout"],
    outputs=["values: Tout"],
    attrs=["Tin: type", "Tout: type"],
    shape=_find_shape,
    kernel=_find_kernel,
    stateful=True,
)


def _handle_only_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    return []


def _insert_kernel(ctx, table_handle, keys, values, Tin, Tout):
    table = _table(ctx, table_handle)
    expected = _names(table.key_dtype, table.value_dtype)
    _check_signature(expected, [], _names(Tin, Tout), [])
    table.check_insert(keys, values)
    with table.lock:
        table.insert(keys, values)


registry.register_op(
    "LookupTableInsertV2",
    inputs=["table_handle: resource", "keys: Tin", "values: Tout"],
    attrs=["Tin: type", "Tout: type"],
    shape=_handle_only_shape,
    kernel=_insert_kernel,
    stateful=True,
)


def _remove_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    shape_errors.require_rank_at_least(op.inputs[1].shape, 1)
    return []


def _remove_kernel(ctx, table_handle, keys, Tin):
    table = _table(ctx, table_handle)
    _check_signature(_names(table.key_dtype), [], _names(Tin), [])
    table.check_key_shape(keys)
    with table.lock:
        table.remove(keys)


registry.register_op(
    "LookupTableRemoveV2",
    inputs=["table_handle: resource", "keys: Tin"],
    attrs=["Tin: type"],
    shape=_remove_shape,
    kernel=_remove_kernel,
    stateful=True,
)


def _scalar_output_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    return [tensor_shape.scalar()]


def _size_kernel(ctx, table_handle):
    table = _table(ctx, table_handle)
    with table.lock:
        return np.asarray(table.size(), dtype=np.int64)


registry.register_op(
    "LookupTableSizeV2",
    inputs=["table_handle: resource"],
    outputs=["size: int64"],
    shape=_scalar_output_shape,
    kernel=_size_kernel,
    stateful=True,
)


# ---------------------------------------------------------------------- export, import, init


def _export_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    return [tensor_shape.unknown_shape(), tensor_shape.unknown_shape()]


def _export_kernel(ctx, table_handle, Tkeys, Tvalues):
    table = _table(ctx, table_handle)
    expected = _names(table.key_dtype, table.value_dtype)
    _check_signature([], expected, [], _names(Tkeys, Tvalues))
    with table.lock:
        return table.export()


registry.register_op(
    "LookupTableExportV2",
    inputs=["table_handle: resource"],
    outputs=["keys: Tkeys", "values: Tvalues"],
    attrs=["Tkeys: type", "Tvalues: type"],
    shape=_export_shape,
    kernel=_export_kernel,
    stateful=True,
)


def _vector_pair_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    keys = shape_errors.require_rank(op.inputs[1].shape, 1)
    shape_errors.merge_shapes(keys, op.inputs[2].shape)
    return []


def _import_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    keys = shape_errors.require_rank(op.inputs[1].shape, 1)
    values = shape_errors.require_rank_at_least(op.inputs[2].shape, 1)
    if values.rank is not None:
        shape_errors.merge_dims(keys.as_list()[0], values.as_list()[0])
    return []


def _import_kernel(ctx, table_handle, keys, values, Tin, Tout):
    table = _table(ctx, table_handle)
    expected = _names(table.key_dtype, table.value_dtype)
    _check_signature(expected, [], _names(Tin, Tout), [])
    if not isinstance(table, stores.DenseHashTableStore):
        table.check_insert(keys, values)
    with table.lock:
        table.import_values(keys, values)


registry.register_op(
    "LookupTableImportV2",
    inputs=["table_handle: resource", "keys: Tin", "values: Tout"],
    attrs=["Tin: type", "Tout: type"],
    shape=_import_shape,
    kernel=_import_kernel,
    stateful=True,
)


def _initializable(ctx, handle) -> stores.HashTableStore:
    table = _table(ctx, handle)
    if not isinstance(table, stores.HashTableStore):
        raise errors.InvalidArgumentError(
            None, None, f"Table {handle.container} {handle.name} is not initializable"
        )
    return table


def _initialize_kernel(ctx, table_handle, keys, values, Tkey, Tval):
    table = _initializable(ctx, table_handle)
    expected = _names(table.key_dtype, table.value_dtype)
    _check_signature(expected, [], _names(Tkey, Tval), [])
    if np.ndim(keys) != 1:
        raise errors.InvalidArgumentError(
            None, None, f"Keys must be a vector, but received shape{stores.dims(np.shape(keys))}"
        )
    if np.ndim(values) != 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Values must be a vector, but received shape{stores.dims(np.shape(values))}",
        )
    if np.size(keys) != np.size(values):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Keys and values must have the same size {np.size(keys)} vs {np.size(values)}",
        )
    with table.lock:
        table.initialize(keys, values)


registry.register_op(
    "InitializeTableV2",
    inputs=["table_handle: resource", "keys: Tkey", "values: Tval"],
    attrs=["Tkey: type", "Tval: type"],
    shape=_vector_pair_shape,
    kernel=_initialize_kernel,
    stateful=True,
)


def _text_file_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    shape_errors.require_rank(op.inputs[1].shape, 0)
    return []


def _text_file_kernel(ctx, table_handle, filename, key_index, value_index, vocab_size,
                      delimiter, offset):  # fmt: skip
    table = _initializable(ctx, table_handle)
    _check_index_types(table, key_index, value_index)
    if np.ndim(filename) != 0:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"filename should be a single string, but got {stores.dims(np.shape(filename))}",
        )
    spec = text_file.TextFileSpec(
        key_index, value_index, vocab_size, delimiter, offset, table.key_dtype, table.value_dtype
    )
    path = np.asarray(filename, dtype=object).item().decode("utf-8")
    keys, values = text_file.read_table_file(path, spec)
    # An initialized table ignores a text-file initializer (TF's rule for shared tables).
    with table.lock:
        table.initialize(keys, values, ignore_if_initialized=True)


def _check_index_types(table, key_index, value_index) -> None:
    checks = (
        (key_index == text_file.LINE_NUMBER and table.key_dtype.name != "int64",
         "Key index for line number requires table key dtype of int64, got "
         f"{table.key_dtype.name}"),
        (key_index == text_file.WHOLE_LINE and not _integer_or_string(table.key_dtype),
         "Key index for whole line requires string or integer table key, got "
         f"{table.key_dtype.name}"),
        (value_index == text_file.LINE_NUMBER and table.value_dtype.name != "int64",
         "Value index for line number requires table value dtype of int64, got "
         f"{table.value_dtype.name}"),
        (value_index == text_file.WHOLE_LINE and not _integer_or_string(table.value_dtype),
         "Value index for whole line requires table value dtype of integer or string, got "
         f"{table.value_dtype.name}"),
    )  # fmt: skip
    for failed, message in checks:
        if failed:
            raise errors.InvalidArgumentError(None, None, message)


def _integer_or_string(dtype) -> bool:
    return dtype.is_integer or dtype.name == "string"


registry.register_op(
    "InitializeTableFromTextFileV2",
    inputs=["table_handle: resource", "filename: string"],
    attrs=[
        "key_index: int >= -2",
        "value_index: int >= -2",
        "vocab_size: int >= -1 = -1",
        # A real tab: the spec parser does not unescape "\\t".
        "delimiter: string = '\t'",
        "offset: int = 0",
    ],
    shape=_text_file_shape,
    kernel=_text_file_kernel,
    stateful=True,
)

for _op_type in (*_TABLE_OPS, "LookupTableFindV2", "LookupTableSizeV2", "LookupTableExportV2"):
    registry.not_differentiable(_op_type, "a lookup-table op: its values come from a table")
for _op_type in (
    "LookupTableInsertV2",
    "LookupTableRemoveV2",
    "LookupTableImportV2",
    "InitializeTableV2",
    "InitializeTableFromTextFileV2",
):
    registry.not_differentiable(_op_type, "a lookup-table update with no outputs")
