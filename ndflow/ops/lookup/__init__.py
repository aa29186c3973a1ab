"""Lookup tables (TF's lookup family): the table ops with TF's names (HashTableV2,
LookupTableFindV2, InitializeTableFromTextFileV2, ...), their Session-resident tables, and
the `tf.lookup` classes and vocabulary functions that build them. Importing the package
registers every lookup op."""

from ndflow.ops.lookup import initializers
from ndflow.ops.lookup import mutable
from ndflow.ops.lookup import stores
from ndflow.ops.lookup import table_ops
from ndflow.ops.lookup import tables
from ndflow.ops.lookup import text_file
from ndflow.ops.lookup import vocabulary

KeyValueTensorInitializer = initializers.KeyValueTensorInitializer
TextFileIndex = initializers.TextFileIndex
TextFileInitializer = initializers.TextFileInitializer
TextFileIdTableInitializer = initializers.TextFileIdTableInitializer
TextFileStringTableInitializer = initializers.TextFileStringTableInitializer
TableInitializerBase = initializers.TableInitializerBase
HasherSpec = initializers.HasherSpec
FastHashSpec = initializers.FastHashSpec
StrongHashSpec = initializers.StrongHashSpec
LookupInterface = tables.LookupInterface
InitializableLookupTableBase = tables.InitializableLookupTableBase
StaticHashTable = tables.StaticHashTable
HashTable = tables.HashTable
IdTableWithHashBuckets = tables.IdTableWithHashBuckets
StaticVocabularyTable = tables.StaticVocabularyTable
tables_initializer = tables.tables_initializer
initialize_all_tables = tables.initialize_all_tables
MutableHashTable = mutable.MutableHashTable
DenseHashTable = mutable.DenseHashTable
index_table_from_file = vocabulary.index_table_from_file
index_table_from_tensor = vocabulary.index_table_from_tensor
index_to_string_table_from_file = vocabulary.index_to_string_table_from_file
index_to_string_table_from_tensor = vocabulary.index_to_string_table_from_tensor
TableHandle = table_ops.TableHandle

__all__ = [
    "initializers",
    "mutable",
    "stores",
    "table_ops",
    "tables",
    "text_file",
    "vocabulary",
]
