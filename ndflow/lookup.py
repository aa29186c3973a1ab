"""`tf.lookup` (TF1's `tf.compat.v1.lookup`), plus the `tf.contrib.lookup`-era names TF1
pipelines use: re-exports only.

tf.contrib is gone, so this is also the public module `ndflow.lookup`: both
`tf.lookup.index_table_from_file` and `from ndflow.lookup import index_table_from_file`
work. (It lives at the top of the package rather than in ndflow/api/ because `ndflow.lookup`
must be one module whichever way it is reached.)
"""

import types as _types

from ndflow.ops import lookup as _lookup

KeyValueTensorInitializer = _lookup.KeyValueTensorInitializer
StaticHashTable = _lookup.StaticHashTable
StaticVocabularyTable = _lookup.StaticVocabularyTable
TextFileIndex = _lookup.TextFileIndex
TextFileInitializer = _lookup.TextFileInitializer

experimental = _types.SimpleNamespace(
    DenseHashTable=_lookup.DenseHashTable,
    MutableHashTable=_lookup.MutableHashTable,
)

# tf.contrib.lookup's names: ndflow's own, not in tf.compat.v1.lookup.
HashTable = _lookup.HashTable
IdTableWithHashBuckets = _lookup.IdTableWithHashBuckets
MutableHashTable = _lookup.MutableHashTable
MutableDenseHashTable = _lookup.DenseHashTable
TextFileIdTableInitializer = _lookup.TextFileIdTableInitializer
TextFileStringTableInitializer = _lookup.TextFileStringTableInitializer
HasherSpec = _lookup.HasherSpec
FastHashSpec = _lookup.FastHashSpec
StrongHashSpec = _lookup.StrongHashSpec
LookupInterface = _lookup.LookupInterface
index_table_from_file = _lookup.index_table_from_file
index_table_from_tensor = _lookup.index_table_from_tensor
index_to_string_table_from_file = _lookup.index_to_string_table_from_file
index_to_string_table_from_tensor = _lookup.index_to_string_table_from_tensor

# Names above that real tf.compat.v1.lookup does not have (the API-surface tests skip them).
__ndflow_only__ = (
    "HashTable",
    "IdTableWithHashBuckets",
    "MutableHashTable",
    "MutableDenseHashTable",
    "TextFileIdTableInitializer",
    "TextFileStringTableInitializer",
    "HasherSpec",
    "FastHashSpec",
    "StrongHashSpec",
    "LookupInterface",
    "index_table_from_file",
    "index_table_from_tensor",
    "index_to_string_table_from_file",
    "index_to_string_table_from_tensor",
)
