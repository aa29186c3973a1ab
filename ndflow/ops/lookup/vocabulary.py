"""Vocabulary tables, the `tf.contrib.lookup` functions TF1 pipelines use (still in TF's
lookup_ops): index_table_from_file / _from_tensor (string -> id, with OOV hash buckets) and
index_to_string_table_from_file / _from_tensor (id -> string)."""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops.lookup import initializers as init_lib
from ndflow.ops.lookup import tables

TextFileIndex = init_lib.TextFileIndex


def _check_vocabulary_file(vocabulary_file, vocab_size) -> None:
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("`vocabulary_file` must be specified and must not be empty.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(
            f"`vocab_size` must be greater than 0, got {vocab_size} for vocabulary_file: "
            f"{init_lib.constant_filename(vocabulary_file)}."
        )


def _with_buckets(table, num_oov_buckets, hasher_spec, key_dtype):
    if not num_oov_buckets:
        return table
    return tables.IdTableWithHashBuckets(
        table, num_oov_buckets=num_oov_buckets, hasher_spec=hasher_spec, key_dtype=key_dtype
    )


def index_table_from_file(
    vocabulary_file=None,
    num_oov_buckets=0,
    vocab_size=None,
    default_value=-1,
    hasher_spec=init_lib.FastHashSpec,
    key_dtype=dtypes.string,
    name=None,
    key_column_index=TextFileIndex.WHOLE_LINE,
    value_column_index=TextFileIndex.LINE_NUMBER,
    delimiter="\t",
):
    """Mirrors `tf.contrib.lookup.index_table_from_file`: a table mapping each line of a
    vocabulary file to its line number; unknown keys get `default_value`, or with
    `num_oov_buckets` a hash bucket after the vocabulary.

    Args:
      vocabulary_file: the file name (or a scalar string tensor).
      num_oov_buckets: hash buckets for out-of-vocabulary keys.
      vocab_size: use only the first `vocab_size` lines (the file must have that many).
      default_value: the id of unknown keys when there are no OOV buckets.
      hasher_spec: the bucket hash (FastHashSpec: FarmHash Fingerprint64).
      key_dtype: string or an integer type.
      name: the name scope (default "string_to_index").
      key_column_index: the key column (default the whole line).
      value_column_index: the id column (default the line number).
      delimiter: the column delimiter.

    Returns:
      A table whose `lookup` maps keys to int64 ids (initialize with tables_initializer).

    >>> table = index_table_from_file("vocab.txt", num_oov_buckets=1)
    """
    _check_vocabulary_file(vocabulary_file, vocab_size)
    if num_oov_buckets < 0:
        raise ValueError(f"num_oov_buckets must be greater or equal than 0, got {num_oov_buckets}.")
    key_dtype = dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype.base_dtype != dtypes.string:
        raise TypeError("Dtype for `keys` should be either integer or string.")
    with graph_lib.name_scope(name, "string_to_index"):
        with graph_lib.name_scope(None, "hash_table"):
            init = init_lib.TextFileIdTableInitializer(
                vocabulary_file,
                vocab_size=vocab_size,
                key_dtype=dtypes.int64 if key_dtype.is_integer else key_dtype,
                name="table_init",
                key_column_index=key_column_index,
                value_column_index=value_column_index,
                delimiter=delimiter,
            )
            table = tables.StaticHashTable(init, default_value)
        return _with_buckets(table, num_oov_buckets, hasher_spec, key_dtype)


def index_table_from_tensor(
    vocabulary_list,
    num_oov_buckets=0,
    default_value=-1,
    hasher_spec=init_lib.FastHashSpec,
    dtype=dtypes.string,
    name=None,
):
    """Mirrors `tf.contrib.lookup.index_table_from_tensor`: each element of a 1-D tensor
    maps to its position; repeated elements fail at initialization (FailedPrecondition).

    Args:
      vocabulary_list: a 1-D tensor of the vocabulary.
      num_oov_buckets: hash buckets for out-of-vocabulary keys.
      default_value: the id of unknown keys when there are no OOV buckets.
      hasher_spec: the bucket hash.
      dtype: the lookup keys' type, string or integer.
      name: the name scope (default "string_to_index").

    Returns:
      A table whose `lookup` maps keys to int64 ids.

    >>> table = index_table_from_tensor(tf.constant(["a", "b"]), num_oov_buckets=1)
    """
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` must be specified.")
    if num_oov_buckets < 0:
        raise ValueError(
            f"`num_oov_buckets` must be greater or equal than 0, got {num_oov_buckets}."
        )
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype.base_dtype != dtypes.string:
        raise TypeError("`dtype` must either be integer or string.")
    with graph_lib.name_scope(name, "string_to_index"):
        keys = op_builder.convert_to_tensor(vocabulary_list)
        _check_vocabulary_dtype(keys.dtype, dtype)
        values = math.cast(math.range(array.size(keys)), dtypes.int64)
        with graph_lib.name_scope(None, "hash_table"):
            table_keys = math.cast(keys, dtypes.int64) if keys.dtype.is_integer else keys
            init = init_lib.KeyValueTensorInitializer(
                table_keys, values, table_keys.dtype.base_dtype, dtypes.int64, name="table_init"
            )
            table = tables.StaticHashTable(init, default_value)
        return _with_buckets(table, num_oov_buckets, hasher_spec, dtype)


def _check_vocabulary_dtype(keys_dtype, dtype) -> None:
    if keys_dtype.is_integer != dtype.is_integer:
        expected = "integer" if dtype.is_integer else "non-integer"
        raise ValueError(f"Invalid `dtype`: Expected {expected}, got {keys_dtype}.")
    if not dtype.is_integer and keys_dtype.base_dtype != dtype:
        raise ValueError(f"Invalid `dtype`: Expected {dtype}, got {keys_dtype}.")


def index_to_string_table_from_file(
    vocabulary_file,
    vocab_size=None,
    default_value="UNK",
    name=None,
    key_column_index=TextFileIndex.LINE_NUMBER,
    value_column_index=TextFileIndex.WHOLE_LINE,
    delimiter="\t",
):
    """Mirrors `tf.contrib.lookup.index_to_string_table_from_file`: int64 line numbers to the
    lines of a vocabulary file; unknown ids give `default_value`.

    Args:
      vocabulary_file: the file name (or a scalar string tensor).
      vocab_size: use only the first `vocab_size` lines.
      default_value: the string for unknown ids.
      name: the name scope (default "index_to_string").
      key_column_index: the id column (default the line number).
      value_column_index: the string column (default the whole line).
      delimiter: the column delimiter.

    Returns:
      A StaticHashTable from int64 to string.

    >>> table = index_to_string_table_from_file("vocab.txt", default_value="UNKNOWN")
    """
    _check_vocabulary_file(vocabulary_file, vocab_size)
    with graph_lib.name_scope(name, "index_to_string"):
        init = init_lib.TextFileStringTableInitializer(
            vocabulary_file,
            vocab_size=vocab_size,
            name="table_init",
            key_column_index=key_column_index,
            value_column_index=value_column_index,
            delimiter=delimiter,
        )
        return tables.StaticHashTable(init, default_value)


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """Mirrors `tf.contrib.lookup.index_to_string_table_from_tensor`: position -> element
    of a 1-D string tensor; unknown ids give `default_value`.

    Args:
      vocabulary_list: a 1-D string tensor.
      default_value: the string for unknown ids.
      name: the name scope (default "index_to_string").

    Returns:
      A StaticHashTable from int64 to string.

    >>> table = index_to_string_table_from_tensor(tf.constant(["a", "b"]))
    """
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` argument must be specified.")
    with graph_lib.name_scope(name, "index_to_string"):
        vocabulary_list = op_builder.convert_to_tensor(vocabulary_list, dtypes.string)
        keys = math.cast(math.range(array.size(vocabulary_list)), dtypes.int64)
        init = init_lib.KeyValueTensorInitializer(
            keys, vocabulary_list, dtypes.int64, dtypes.string, name="table_init"
        )
        return tables.StaticHashTable(init, default_value)
