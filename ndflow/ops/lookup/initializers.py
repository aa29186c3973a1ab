"""Table initializers (`tf.lookup.KeyValueTensorInitializer`, `TextFileInitializer`,
`TextFileIndex`) and hash specs for out-of-vocabulary buckets (`HasherSpec`,
`FastHashSpec`, `StrongHashSpec`).

An initializer builds the op that fills a table (LookupTableImportV2 or
InitializeTableFromTextFileV2) and adds it to the TABLE_INITIALIZERS collection, which
`tf.tables_initializer()` runs.
"""

from __future__ import annotations

import collections

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_util
from ndflow.ops.lookup import text_file

GraphKeys = graph_lib.GraphKeys


def check_table_dtypes(table, key_dtype, value_dtype) -> None:
    """TF's check that an initializer's dtypes match its table's."""
    if key_dtype.base_dtype != table.key_dtype:
        raise TypeError(
            f"Invalid key dtype for table, expected {table.key_dtype} but got {key_dtype}."
        )
    if value_dtype.base_dtype != table.value_dtype:
        raise TypeError(
            f"Invalid value dtype for table, expected {table.value_dtype} but got {value_dtype}."
        )


class TableInitializerBase:
    """Mirrors TF's TableInitializerBase: the key and value dtypes of a table initializer."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        """The expected table key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The expected table value dtype."""
        return self._value_dtype

    def initialize(self, table):
        """Returns the table initialization op."""
        raise NotImplementedError

    @property
    def _shared_name(self) -> str:
        return ""


class KeyValueTensorInitializer(TableInitializerBase):
    """Mirrors `tf.lookup.KeyValueTensorInitializer`: a table's entries from two tensors.

    >>> init = KeyValueTensorInitializer(["a", "b"], [7, 8])
    >>> table = StaticHashTable(init, default_value=-1)
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        self._keys = op_builder.convert_to_tensor(keys, dtype=key_dtype, name="keys")
        self._values = op_builder.convert_to_tensor(values, dtype=value_dtype, name="values")
        self._name = name if name is not None else "key_value_init"
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table):
        """The LookupTableImportV2 op that fills `table`, added to TABLE_INITIALIZERS."""
        check_table_dtypes(table, self._keys.dtype, self._values.dtype)
        with graph_lib.name_scope(self._name, values=(table.resource_handle, self._keys)):
            init_op = op_builder.apply_op(
                "LookupTableImportV2", table.resource_handle, self._keys, self._values
            )
        graph_lib.add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        return init_op


class TextFileIndex:
    """Mirrors `tf.lookup.TextFileIndex`: WHOLE_LINE (-2) and LINE_NUMBER (-1) columns."""

    WHOLE_LINE = text_file.WHOLE_LINE
    LINE_NUMBER = text_file.LINE_NUMBER


def _check_index(what: str, index: int, dtype) -> None:
    if index < -2:
        raise ValueError(f"`{what}_index` should be >= -2, received: {index}.")
    if index == TextFileIndex.LINE_NUMBER and dtype != dtypes.int64:
        if what == "key":
            raise ValueError(
                f"`key_dtype` must be int64 if `key_index` is {index}, received: {dtype}"
            )
        raise ValueError(
            f"`value_dtype` must be int64 for `value_index` {index}, received: {dtype}"
        )
    if index == TextFileIndex.WHOLE_LINE and not dtype.is_integer and dtype != dtypes.string:
        raise ValueError(
            f"`{what}_dtype` should be either integer or string for `{what}_index` {index}, "
            f"received: {dtype}"
        )


class TextFileInitializer(TableInitializerBase):
    """Mirrors `tf.lookup.TextFileInitializer`: one table entry per line of a text file.

    `key_index` / `value_index` pick a column (split on `delimiter`), the whole line
    (TextFileIndex.WHOLE_LINE) or the line number (TextFileIndex.LINE_NUMBER).

    >>> init = TextFileInitializer("vocab.txt", tf.string, TextFileIndex.WHOLE_LINE,
    ...                            tf.int64, TextFileIndex.LINE_NUMBER)
    """

    def __init__(
        self,
        filename,
        key_dtype,
        key_index,
        value_dtype,
        value_index,
        vocab_size=None,
        delimiter="\t",
        name=None,
        value_index_offset=0,
    ):
        if not isinstance(filename, graph_lib.Tensor) and not filename:
            raise ValueError("`filename` argument required for tf.lookup.TextFileInitializer")
        key_dtype = dtypes.as_dtype(key_dtype)
        value_dtype = dtypes.as_dtype(value_dtype)
        _check_index("key", key_index, key_dtype)
        _check_index("value", value_index, value_dtype)
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`vocab_size` should be > 0, received: {vocab_size}")
        self._filename_arg = filename
        self._key_index = key_index
        self._value_index = value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name
        self._offset = value_index_offset
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        """The InitializeTableFromTextFileV2 op that fills `table` (TABLE_INITIALIZERS; a
        constant file name also goes to ASSET_FILEPATHS)."""
        check_table_dtypes(table, self.key_dtype, self.value_dtype)
        with graph_lib.name_scope(self._name, "text_file_init", (table.resource_handle,)):
            filename = op_builder.convert_to_tensor(
                self._filename_arg, dtypes.string, name="asset_filepath"
            )
            init_op = op_builder.apply_op(
                "InitializeTableFromTextFileV2",
                table.resource_handle,
                filename,
                key_index=self._key_index,
                value_index=self._value_index,
                vocab_size=-1 if self._vocab_size is None else self._vocab_size,
                delimiter=self._delimiter,
                offset=self._offset,
            )
        graph_lib.add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        if filename.op.type == "Const":
            graph_lib.add_to_collection(GraphKeys.ASSET_FILEPATHS, filename)
        return init_op

    @property
    def _shared_name(self) -> str:
        """TF's: hash_table_<filename>[_<vocab_size>]_<key_index>_<value_index>[_<offset>]."""
        parts = [str(self._filename_arg)]
        if self._vocab_size:
            parts.append(str(self._vocab_size))
        parts += [str(self._key_index), str(self._value_index)]
        if self._offset:
            parts.append(str(self._offset))
        return "hash_table_" + "_".join(parts)


class TextFileStringTableInitializer(TextFileInitializer):
    """TF's initializer for int64 id -> string tables from a text file."""

    def __init__(
        self,
        filename,
        key_column_index=TextFileIndex.LINE_NUMBER,
        value_column_index=TextFileIndex.WHOLE_LINE,
        vocab_size=None,
        delimiter="\t",
        name="text_file_string_table_init",
    ):
        super().__init__(
            filename,
            dtypes.int64,
            key_column_index,
            dtypes.string,
            value_column_index,
            vocab_size=vocab_size,
            delimiter=delimiter,
            name=name,
        )


class TextFileIdTableInitializer(TextFileInitializer):
    """TF's initializer for string -> int64 id tables from a text file."""

    def __init__(
        self,
        filename,
        key_column_index=TextFileIndex.WHOLE_LINE,
        value_column_index=TextFileIndex.LINE_NUMBER,
        vocab_size=None,
        delimiter="\t",
        name="text_file_id_table_init",
        key_dtype=dtypes.string,
    ):
        super().__init__(
            filename,
            key_dtype,
            key_column_index,
            dtypes.int64,
            value_column_index,
            vocab_size=vocab_size,
            delimiter=delimiter,
            name=name,
        )


class HasherSpec(collections.namedtuple("HasherSpec", ["hasher", "key"])):
    """Mirrors TF's HasherSpec: the hash for out-of-vocabulary buckets ("fasthash",
    "stronghash" with a two-integer key, or "legacy")."""

    __slots__ = ()


FastHashSpec = HasherSpec("fasthash", None)


class StrongHashSpec(HasherSpec):
    """Mirrors TF's StrongHashSpec: SipHash with a key of two integers."""

    __slots__ = ()

    def __new__(cls, key):
        if len(key) != 2:
            raise ValueError(f"`key` must have size 2, received {len(key)}")
        if not all(isinstance(k, int) for k in key):
            raise TypeError(f"Invalid key {key}. Must be unsigned integer values.")
        return super().__new__(cls, "stronghash", key)


def constant_filename(filename):
    """The file name a (possibly constant tensor) argument holds, for messages."""
    if isinstance(filename, graph_lib.Tensor):
        value = tensor_util.constant_value(filename)
        return "?" if value is None else value
    return filename
