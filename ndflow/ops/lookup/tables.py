"""The table classes of `tf.lookup` (TF1 flavour, with `initializer`): StaticHashTable /
HashTable, StaticVocabularyTable and IdTableWithHashBuckets (hash buckets for unknown keys),
MutableHashTable and DenseHashTable, and `tf.tables_initializer`.

They build the ops of table_ops.py with TF's names and name scopes, so a graph using them is
the GraphDef TensorFlow would build.
"""

from __future__ import annotations

import uuid

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import state
from ndflow.ops import string
from ndflow.ops.lookup import initializers as init_lib

GraphKeys = graph_lib.GraphKeys
apply_op = op_builder.apply_op


def tables_initializer(name="init_all_tables"):
    """Mirrors `tf.tables_initializer`: one op running every TABLE_INITIALIZERS op (a NoOp
    when there are none).

    >>> sess.run(tables_initializer())
    """
    initializers = graph_lib.get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return state.group(*initializers, name=name)
    return array.no_op(name=name)


def initialize_all_tables(name="init_all_tables"):
    """Mirrors the deprecated `tf.initialize_all_tables` (= `tf.tables_initializer`)."""
    return tables_initializer(name)


class LookupInterface:
    """Mirrors TF's LookupInterface: a table's key and value dtypes, size and lookup."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        """The table key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The table value dtype."""
        return self._value_dtype

    @property
    def name(self):
        """The name of the table."""
        raise NotImplementedError

    @property
    def resource_handle(self):
        """The table's resource tensor."""
        return self._resource_handle

    def size(self, name=None):
        raise NotImplementedError

    def lookup(self, keys, name=None):
        raise NotImplementedError

    def __getitem__(self, keys):
        return self.lookup(keys)


def _key_values(keys):
    """The dense keys of a Tensor or a SparseTensor."""
    return keys.values if isinstance(keys, sparse_tensor.SparseTensor) else keys


def _like_keys(keys, values):
    if isinstance(keys, sparse_tensor.SparseTensor):
        return sparse_tensor.SparseTensor(keys.indices, values, keys.dense_shape)
    return values


class InitializableLookupTableBase(LookupInterface):
    """Mirrors TF's InitializableLookupTableBaseV1: a table filled once by an initializer."""

    def __init__(self, default_value, initializer):
        super().__init__(initializer.key_dtype, initializer.value_dtype)
        self._default_value = op_builder.convert_to_tensor(default_value, dtype=self._value_dtype)
        self._default_value.shape.merge_with(tensor_shape.scalar())
        self._initializer = initializer
        self._resource_handle = self._create_resource()
        self._init_op = self._initialize()

    def _create_resource(self):
        raise NotImplementedError

    def _initialize(self):
        return self._initializer.initialize(self)

    @property
    def initializer(self):
        """The op that fills the table (also in TABLE_INITIALIZERS)."""
        return self._init_op

    @property
    def default_value(self):
        """The value for keys missing from the table."""
        return self._default_value

    def size(self, name=None):
        """The number of entries, an int64 scalar (LookupTableSizeV2)."""
        with graph_lib.name_scope(name, f"{self.name}_Size", [self.resource_handle]):
            return apply_op("LookupTableSizeV2", self.resource_handle)

    def lookup(self, keys, name=None):
        """The values of `keys` (a Tensor or SparseTensor), `default_value` where missing.

        Raises:
          TypeError: when the keys' dtype is not the table's key dtype.
        """
        key_tensor = _key_values(keys)
        if keys.dtype.base_dtype != self._key_dtype:
            raise TypeError(
                f"Dtype of argument `keys` must be {self._key_dtype}, received: {keys.dtype}"
            )
        with graph_lib.name_scope(
            name, f"{self.name}_Lookup", (self.resource_handle, key_tensor, self._default_value)
        ):
            values = apply_op(
                "LookupTableFindV2", self.resource_handle, key_tensor, self._default_value
            )
        values.set_shape(key_tensor.shape)
        return _like_keys(keys, values)


class StaticHashTable(InitializableLookupTableBase):
    """Mirrors `tf.compat.v1.lookup.StaticHashTable`: an immutable table, filled when
    `tf.tables_initializer()` (or `table.initializer`) runs.

    >>> table = StaticHashTable(KeyValueTensorInitializer(["a", "b"], [7, 8]), -1)
    >>> out = table.lookup(tf.constant(["a", "z"]))  # [7, -1] after tables_initializer()
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        if experimental_is_anonymous:
            raise ValueError("experimental_is_anonymous tables are not supported by ndflow.")
        self._shared_name = initializer._shared_name or f"hash_table_{uuid.uuid4()}"
        self._name = name or "hash_table"
        self._table_name = None
        super().__init__(default_value, initializer)
        self._value_shape = self._default_value.shape

    def _create_resource(self):
        handle = apply_op(
            "HashTableV2",
            shared_name=self._shared_name,
            key_dtype=self._initializer.key_dtype,
            value_dtype=self._initializer.value_dtype,
            name=self._name,
        )
        self._table_name = handle.op.name.split("/")[-1]
        return handle

    @property
    def name(self):
        return self._table_name

    def export(self, name=None):
        """All keys and values, as two tensors (LookupTableExportV2)."""
        with graph_lib.name_scope(name, f"{self.name}_Export", [self.resource_handle]):
            keys, values = apply_op(
                "LookupTableExportV2",
                self.resource_handle,
                Tkeys=self._key_dtype,
                Tvalues=self._value_dtype,
            )
        values.set_shape(keys.shape.concatenate(self._value_shape))
        return keys, values


class HashTable(StaticHashTable):
    """TF1's `HashTable` (tf.contrib.lookup): a StaticHashTable with `init`."""

    @property
    def init(self):
        return self.initializer


class IdTableWithHashBuckets(LookupInterface):
    """Mirrors TF1's IdTableWithHashBuckets: a string/integer -> int64 id table whose unknown
    keys go to `num_oov_buckets` hash buckets after the table's ids.

    >>> table = IdTableWithHashBuckets(HashTable(init, -1), num_oov_buckets=3)
    """

    def __init__(self, table, num_oov_buckets, hasher_spec=init_lib.FastHashSpec, name=None,
                 key_dtype=None):  # fmt: skip
        name = name.rstrip("/") if name else name
        if table is not None:
            key_dtype = key_dtype or table.key_dtype
            _check_vocab_table(table.key_dtype, key_dtype, table.value_dtype)
            name = name or table.name
        else:
            if num_oov_buckets <= 0:
                raise ValueError("`oov_buckets` must be > 0 if no `table` is supplied.")
            key_dtype = dtypes.string if key_dtype is None else dtypes.as_dtype(key_dtype)
            name = name or "hash_bucket"
        if not key_dtype.is_integer and key_dtype != dtypes.string:
            raise TypeError(f"Invalid `key_dtype`, expected integer or string, got {key_dtype}.")
        if not isinstance(hasher_spec, init_lib.HasherSpec):
            raise TypeError(f"`hasher_spec` must be of type HasherSpec, got {type(hasher_spec)}.")
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        self._hasher_spec = hasher_spec
        self._table_name = name.split("/")[-1] if name else None
        super().__init__(key_dtype, dtypes.int64)

    @property
    def name(self):
        return self._table_name

    @property
    def resource_handle(self):
        return self._table.resource_handle if self._table is not None else None

    @property
    def initializer(self):
        if self._table is not None:
            return self._table.initializer
        with graph_lib.name_scope(None, "init"):
            return array.no_op()

    @property
    def init(self):
        return self.initializer

    def size(self, name=None):
        """Table entries plus OOV buckets."""
        with graph_lib.name_scope(name, f"{self.name}_Size"):
            if self._table is not None:
                table_size = self._table.size()
            else:
                table_size = op_builder.convert_to_tensor(0, dtype=dtypes.int64)
            return table_size + self._num_oov_buckets

    def _hash(self, keys):
        hasher = self._hasher_spec.hasher
        if hasher == "fasthash":
            return string.string_to_hash_bucket_fast(
                keys, self._num_oov_buckets, name="hash_bucket"
            )
        if hasher == "legacy":
            return string.string_to_hash_bucket(keys, self._num_oov_buckets, name="hash_bucket")
        if hasher == "stronghash":
            return string.string_to_hash_bucket_strong(
                keys, self._num_oov_buckets, self._hasher_spec.key, name="hash_bucket"
            )
        raise ValueError(f"Found unknown hasher {hasher} in `hasher_spec`")

    def lookup(self, keys, name=None):
        """Ids of `keys`: the table's, else `table size + hash(key) % num_oov_buckets`."""
        if keys.dtype.base_dtype != self._key_dtype:
            raise TypeError(
                f"Dtype of argument `keys` must be {self._key_dtype}, received: {keys.dtype}"
            )
        values = _key_values(keys)
        if self._table is not None and self._table.key_dtype.base_dtype == dtypes.int64:
            values = math.cast(values, dtypes.int64)
        if self._num_oov_buckets == 0:
            return _like_keys(keys, self._table.lookup(values, name=name))
        with graph_lib.name_scope(name, f"{self.name}_Lookup"):
            ids = _bucketed_ids(self._table, values, self._hash(_as_string(values)))
        return _like_keys(keys, ids)


def _as_string(tensor):
    if tensor.dtype.base_dtype == dtypes.string:
        return tensor
    return string.as_string(tensor)


def _bucketed_ids(table, values, buckets):
    """The table's id where it has one, else the bucket shifted past the table's ids."""
    if table is None:
        return buckets
    ids = table.lookup(values)
    buckets = math.add(buckets, table.size())
    found = math.not_equal(ids, table.default_value)
    return math.where_v2(found, ids, buckets)


def _check_vocab_table(table_key_dtype, lookup_key_dtype, value_dtype) -> None:
    supported = (dtypes.int64, dtypes.string)
    if table_key_dtype not in supported:
        raise TypeError(
            f"Invalid `key_dtype`, expected one of {supported}, received {table_key_dtype}."
        )
    if table_key_dtype.is_integer != lookup_key_dtype.is_integer:
        expected = "integer" if lookup_key_dtype.is_integer else "non-integer"
        raise TypeError(f"Invalid `key dtype`, expected {expected} but got {table_key_dtype}.")
    if value_dtype != dtypes.int64:
        raise TypeError(f"Invalid `value_dtype`: expected int64 but got {value_dtype}.")


class StaticVocabularyTable(IdTableWithHashBuckets):
    """Mirrors `tf.compat.v1.lookup.StaticVocabularyTable`: ids from an initializer, and
    `num_oov_buckets` FarmHash Fingerprint64 buckets for unknown keys.

    >>> init = KeyValueTensorInitializer(["a", "b"], tf.constant([0, 1], tf.int64))
    >>> table = StaticVocabularyTable(init, num_oov_buckets=5)
    """

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):  # fmt: skip
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        table = None
        if initializer:
            lookup_key_dtype = lookup_key_dtype or initializer.key_dtype
            _check_vocab_table(initializer.key_dtype, lookup_key_dtype, initializer.value_dtype)
            table = HashTable(initializer, -1, experimental_is_anonymous=experimental_is_anonymous)
        super().__init__(
            table, num_oov_buckets, name=name or (table.name if table else "hash_bucket"),
            key_dtype=lookup_key_dtype or dtypes.string,
        )  # fmt: skip

    def size(self, name=None):
        """Table entries plus OOV buckets."""
        return super().size(name)
