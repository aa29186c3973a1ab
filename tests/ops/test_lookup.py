"""Lookup tables: one OpSpec row per lookup op (a table built and filled in the same graph,
explicit expected values, static shapes), plus the behaviour of the `tf.lookup` classes:
TF's op names, collections, sharing, errors and the vocabulary functions. TF's exact ids,
file parsing and errors are pinned by test_lookup_goldens.py."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import op_builder
from ndflow.ops.lookup import stores
from tests.support import golden
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import strings as ref

STR, I64 = tf.string, tf.int64
WORDS = str(golden.GOLDEN_DIR / "lookup" / "files" / "words.txt")
apply_op = op_builder.apply_op


def _strings(*values):
    out = np.empty(len(values), dtype=object)
    out[:] = [v.encode() if isinstance(v, str) else v for v in values]
    return out


def _filled_table(op_type="HashTableV2", **attrs):
    """A table holding a->1, b->2, c->3, and the op that fills it."""
    handle = apply_op(op_type, key_dtype=STR, value_dtype=I64, **attrs)
    keys = tf.constant(["a", "b", "c"])
    values = tf.constant([1, 2, 3], I64)
    if op_type == "HashTableV2":
        return handle, apply_op("InitializeTableV2", handle, keys, values)
    return handle, apply_op("LookupTableInsertV2", handle, keys, values)


def _find(keys, op_type="HashTableV2", default=-1):
    handle, fill = _filled_table(op_type)
    with tf.control_dependencies([fill]):
        return apply_op("LookupTableFindV2", handle, keys, tf.constant(default, I64))


def _dense_find(keys):
    empty, deleted = tf.constant(-1, I64), tf.constant(-2, I64)
    handle = apply_op(
        "MutableDenseHashTableV2", empty, deleted, value_dtype=STR, initial_num_buckets=8
    )
    insert = apply_op(
        "LookupTableInsertV2", handle, tf.constant([5, 13, 21], I64), tf.constant(["x", "y", "z"])
    )
    with tf.control_dependencies([insert]):
        return apply_op("LookupTableFindV2", handle, keys, tf.constant("?"))


def _of_tensors_find(keys):
    handle = apply_op(
        "MutableHashTableOfTensorsV2", key_dtype=STR, value_dtype=tf.float32, value_shape=[2]
    )
    insert = apply_op(
        "LookupTableInsertV2", handle, tf.constant(["a", "b"]), tf.constant([[1.0, 2.0], [3, 4]])
    )
    with tf.control_dependencies([insert]):
        return apply_op("LookupTableFindV2", handle, keys, tf.constant([0.0, -1.0]))


def _after_remove(keys):
    handle, fill = _filled_table("MutableHashTableV2")
    with tf.control_dependencies([fill]):
        remove = apply_op("LookupTableRemoveV2", handle, keys)
    with tf.control_dependencies([remove]):
        return [
            apply_op("LookupTableSizeV2", handle),
            apply_op("LookupTableFindV2", handle, tf.constant(["a", "b", "c"]), np.int64(-1)),
        ]


def _size_after_insert(keys):
    handle = apply_op("MutableHashTableV2", key_dtype=STR, value_dtype=I64)
    insert = apply_op("LookupTableInsertV2", handle, keys, tf.zeros_like(keys, dtype=I64))
    with tf.control_dependencies([insert]):
        return apply_op("LookupTableSizeV2", handle)


def _export_sorted(keys):
    handle = apply_op("MutableHashTableV2", key_dtype=STR, value_dtype=I64)
    values = tf.strings.length(keys, name="lengths")
    insert = apply_op("LookupTableInsertV2", handle, keys, tf.cast(values, I64))
    with tf.control_dependencies([insert]):
        exported = apply_op("LookupTableExportV2", handle, Tkeys=STR, Tvalues=I64)
    return exported


def _import_then_find(keys, values):
    handle = apply_op("MutableHashTableV2", key_dtype=STR, value_dtype=I64)
    insert = apply_op("LookupTableInsertV2", handle, tf.constant(["old"]), np.array([9], np.int64))
    with tf.control_dependencies([insert]):
        imported = apply_op("LookupTableImportV2", handle, keys, values)
    with tf.control_dependencies([imported]):
        return apply_op("LookupTableFindV2", handle, tf.constant(["old", "x", "y"]), np.int64(0))


def _text_file_find(filename):
    handle = apply_op("HashTableV2", key_dtype=STR, value_dtype=I64, shared_name="vocab")
    init = apply_op("InitializeTableFromTextFileV2", handle, filename, key_index=-2, value_index=-1)
    with tf.control_dependencies([init]):
        keys = tf.constant(["king", "lake", "nope", "emerson"])
        return apply_op("LookupTableFindV2", handle, keys, np.int64(-1))


def _initialize_then_size(keys, values):
    handle = apply_op("HashTableV2", key_dtype=STR, value_dtype=I64)
    init = apply_op("InitializeTableV2", handle, keys, values)
    with tf.control_dependencies([init]):
        return apply_op("LookupTableSizeV2", handle)


_KEYS = _strings("a", "zz", "c", "b", "")

OP_SPECS = [
    OpSpec(
        "HashTableV2",
        _find,
        cases=[
            ([_KEYS], np.array([1, -1, 3, 2, -1], np.int64)),
            ([_KEYS.reshape(5, 1)[:0]], np.zeros((0, 1), np.int64)),
        ],  # fmt: skip
        shape_cases=[
            ShapeCase([([2, 3], STR)], expected=None),
            ShapeCase([(None, STR)], expected=None),
        ],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "LookupTableFindV2",
        lambda keys: _find(keys, "MutableHashTableV2", default=0),
        cases=[
            ([_KEYS.reshape(1, 5)], np.array([[1, 0, 3, 2, 0]], np.int64)),
            ([np.array(b"b", dtype=object)], np.array(2, np.int64)),
        ],  # fmt: skip
        shape_cases=[
            ShapeCase([([2, 3], STR)], expected=[2, 3]),
            ShapeCase([([None], STR)], expected=[None]),
            ShapeCase([(None, STR)], expected=None),
        ],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "MutableHashTableV2",
        lambda keys: _find(keys, "MutableHashTableV2"),
        cases=[([_KEYS], np.array([1, -1, 3, 2, -1], np.int64))],
        shape_cases=[ShapeCase([([4], STR)], expected=[4])],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "MutableHashTableOfTensorsV2",
        _of_tensors_find,
        cases=[([_strings("b", "q")], np.array([[3.0, 4.0], [0.0, -1.0]], np.float32))],
        shape_cases=[
            ShapeCase([([3], STR)], expected=[3, 2]),
            ShapeCase([([None, 2], STR)], expected=[None, 2, 2]),
        ],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "MutableDenseHashTableV2",
        _dense_find,
        cases=[([np.array([21, 5, 7, 13], np.int64)], _strings("z", "x", "?", "y"))],
        shape_cases=[
            ShapeCase([([4], I64)], expected=[4]),
            ShapeCase([([None], I64)], expected=[None]),
        ],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "LookupTableRemoveV2",
        _after_remove,
        cases=[
            ([_strings("b", "missing")], [np.array(2, np.int64), np.array([1, -1, 3], np.int64)])
        ],  # fmt: skip
        shape_cases=[
            ShapeCase([([2], STR)], expected=[]),
            ShapeCase([([], STR)], error="Shape must be at least rank 1 but is rank 0"),
        ],
        grad="a lookup-table update with no outputs",
    ),
    OpSpec(
        "LookupTableInsertV2",
        _size_after_insert,
        cases=[
            ([_strings("a", "b", "a", "c")], np.array(3, np.int64)),
            ([_strings("a", "b", "c").reshape(3, 1)], np.array(3, np.int64)),
        ],  # fmt: skip
        shape_cases=[ShapeCase([([2, 2], STR)], expected=[])],
        grad="a lookup-table update with no outputs",
    ),
    OpSpec(
        "LookupTableSizeV2",
        _size_after_insert,
        cases=[([_strings()], np.array(0, np.int64))],
        shape_cases=[ShapeCase([([None], STR)], expected=[])],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "LookupTableExportV2",
        _export_sorted,
        cases=[
            (
                [_strings("xyz", "a", "bc")],
                [_strings("xyz", "a", "bc"), np.array([3, 1, 2], np.int64)],
            )
        ],  # fmt: skip
        shape_cases=[ShapeCase([([3], STR)], expected=None)],
        grad="a lookup-table op: its values come from a table",
    ),
    OpSpec(
        "LookupTableImportV2",
        _import_then_find,
        cases=[
            ([_strings("x", "y"), np.array([5, 6], np.int64)], np.array([0, 5, 6], np.int64))
        ],  # fmt: skip
        shape_cases=[
            ShapeCase([([2], STR), ([2], I64)], expected=[3]),
            ShapeCase([([2], STR), ([3], I64)], error="Dimensions must be equal, but are 2 and 3"),
            ShapeCase([([2, 1], STR), ([2], I64)], error="Shape must be rank 1 but is rank 2"),
        ],
        grad="a lookup-table update with no outputs",
    ),
    OpSpec(
        "InitializeTableV2",
        _initialize_then_size,
        cases=[([_strings("a", "b", "a"), np.array([1, 2, 1], np.int64)], np.array(2, np.int64))],
        shape_cases=[
            ShapeCase([([None], STR), ([4], I64)], expected=[]),
            ShapeCase([([2], STR), ([3], I64)], error="Dimension 0 in both shapes must be equal"),
        ],
        grad="a lookup-table update with no outputs",
    ),
    OpSpec(
        "InitializeTableFromTextFileV2",
        _text_file_find,
        cases=[([np.array(WORDS.encode(), dtype=object)], np.array([3, 1, -1, 0], np.int64))],
        shape_cases=[
            ShapeCase([([], STR)], expected=None),
            ShapeCase([([1], STR)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="a lookup-table update with no outputs",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_shapes(spec):
    op_check.check_shape_cases(spec)


def _run(fetches, feed=None, init=True):
    with tf.Session() as sess:
        if init:
            sess.run(tf.tables_initializer())
        return sess.run(fetches, feed)


# ---------------------------------------------------------------------- graph structure


def test_static_hash_table_builds_tf_names_and_collections():
    with tf.Graph().as_default() as graph:
        init = tf.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2])
        table = tf.lookup.StaticHashTable(init, -1)
        out = table.lookup(tf.constant(["a", "q"]))
        assert table.resource_handle.op.type == "HashTableV2"
        assert table.name == "hash_table"
        assert table.initializer.name == "key_value_init/LookupTableImportV2"
        assert out.op.name == "hash_table_Lookup/LookupTableFindV2"
        assert graph.get_collection(tf.GraphKeys.TABLE_INITIALIZERS) == [table.initializer]
        assert table.resource_handle.op.attrs["shared_name"].startswith("hash_table_")
        assert tf.tables_initializer().name == "init_all_tables"
        assert _run(out).tolist() == [1, -1]


def test_tables_initializer_without_tables_is_a_no_op():
    with tf.Graph().as_default():
        op = tf.tables_initializer()
        assert op.type == "NoOp"
        assert op.name == "init_all_tables"
        assert tf.initializers.tables_initializer is tf.tables_initializer


def test_text_file_initializer_shares_by_file_and_records_the_asset():
    with tf.Graph().as_default() as graph:
        init = tf.lookup.TextFileInitializer(
            WORDS, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64, -1, vocab_size=3
        )
        table = tf.lookup.StaticHashTable(init, -1)
        handle_attrs = table.resource_handle.op.attrs
        assert handle_attrs["shared_name"] == f"hash_table_{WORDS}_3_-2_-1"
        assert table.initializer.name == "text_file_init/InitializeTableFromTextFileV2"
        assets = graph.get_collection(tf.GraphKeys.ASSET_FILEPATHS)
        assert [a.op.name for a in assets] == ["text_file_init/asset_filepath"]
        assert _run(table.lookup(tf.constant(["palmer", "king"]))).tolist() == [2, -1]


def test_lookup_of_a_sparse_tensor_keeps_its_structure():
    with tf.Graph().as_default():
        table = tf.lookup.index_table_from_file(WORDS, num_oov_buckets=1)
        ids = table.lookup(tf.string_split(["lake and emerson", "king"]))
        assert isinstance(ids, tf.SparseTensor)
        value = _run(ids)
    assert value.values.tolist() == [1, 5, 0, 3]
    np.testing.assert_array_equal(value.dense_shape, [2, 3])


def test_vocabulary_ids_use_fingerprint64_buckets():
    vocabulary = pathlib.Path(WORDS).read_bytes().split()
    words = _strings("tarkus", "black", "moon", "lake", "")
    with tf.Graph().as_default():
        table = tf.lookup.index_table_from_file(WORDS, num_oov_buckets=7)
        ids = _run(table.lookup(tf.constant(words)))
    expected = [
        vocabulary.index(w) if w in vocabulary else len(vocabulary) + ref.fingerprint64(w) % 7
        for w in words
    ]
    assert ids.tolist() == expected


def test_hash_table_init_alias_and_export():
    with tf.Graph().as_default():
        table = tf.lookup.HashTable(tf.lookup.KeyValueTensorInitializer([3, 1], [0.5, 1.5]), 0.0)
        assert table.init is table.initializer
        keys, values = table.export()
        assert values.shape.rank is None  # TF: the export's keys have an unknown shape
        keys_value, values_value = _run([keys, values])
    assert dict(zip(keys_value.tolist(), values_value.tolist())) == {3: 0.5, 1: 1.5}


def test_initializer_dtype_mismatch_is_a_type_error():
    with tf.Graph().as_default():
        init = tf.lookup.KeyValueTensorInitializer(["a"], [1])
        table = tf.lookup.StaticHashTable(init, -1)
        with pytest.raises(TypeError, match="Invalid key dtype for table"):
            tf.lookup.KeyValueTensorInitializer([1], [1]).initialize(table)
        with pytest.raises(ValueError, match="`vocab_size` should be > 0"):
            tf.lookup.TextFileInitializer(WORDS, tf.string, -2, tf.int64, -1, vocab_size=0)
        with pytest.raises(ValueError, match="must be int64"):
            tf.lookup.TextFileInitializer(WORDS, tf.string, -2, tf.int32, -1)


def test_vocabulary_argument_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be specified and must not be empty"):
            tf.lookup.index_table_from_file("")
        with pytest.raises(ValueError, match="num_oov_buckets must be greater or equal"):
            tf.lookup.index_table_from_file(WORDS, num_oov_buckets=-1)
        with pytest.raises(ValueError, match="`num_oov_buckets` must be > 0"):
            tf.lookup.StaticVocabularyTable(None, 0)
        with pytest.raises(ValueError, match="Invalid `dtype`"):
            tf.lookup.index_table_from_tensor(tf.constant([1, 2]))


# ---------------------------------------------------------------------- resources


def test_tables_with_one_shared_name_are_one_table():
    with tf.Graph().as_default():
        first, fill = _filled_table("MutableHashTableV2", shared_name="shared")
        second = apply_op(
            "MutableHashTableV2", key_dtype=STR, value_dtype=I64, shared_name="shared"
        )
        with tf.Session() as sess:
            sess.run(fill)
            assert sess.run(apply_op("LookupTableSizeV2", second)) == 3
            assert sess.run(apply_op("LookupTableSizeV2", first)) == 3


def test_conflicting_dtypes_for_one_shared_name():
    with tf.Graph().as_default():
        first = apply_op("HashTableV2", key_dtype=STR, value_dtype=I64, shared_name="t")
        second = apply_op("HashTableV2", key_dtype=I64, value_dtype=STR, shared_name="t")
        with tf.Session() as sess:
            sess.run(first)
            with pytest.raises(tf.errors.InvalidArgumentError, match="Conflicting key/value"):
                sess.run(second)


def test_each_session_has_its_own_tables():
    with tf.Graph().as_default():
        handle, fill = _filled_table("MutableHashTableV2", shared_name="per_session")
        size = apply_op("LookupTableSizeV2", handle)
        with tf.Session() as sess:
            sess.run(fill)
            assert sess.run(size) == 3
        with tf.Session() as sess:
            assert sess.run(size) == 0


def test_find_checks_the_signature_and_default_shape():
    with tf.Graph().as_default():
        handle, fill = _filled_table()
        wrong = apply_op("LookupTableFindV2", handle, tf.constant(["a"]), tf.constant(-1))
        bad_default = apply_op("LookupTableFindV2", handle, tf.constant(["a"]), np.int64([1, 2]))
        with tf.Session() as sess:
            sess.run(fill)
            with pytest.raises(tf.errors.InvalidArgumentError, match="Signature mismatch"):
                sess.run(wrong)
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected shape \[\] or"):
                sess.run(bad_default)


def test_mutable_table_reuses_rows_of_removed_keys():
    table = stores.MutableHashTableStore(STR, I64)
    keys = np.array([f"k{i}".encode() for i in range(1000)], dtype=object)
    table.insert(keys, np.arange(1000, dtype=np.int64))
    table.remove(keys[::2])
    table.insert(keys[::2], -np.arange(500, dtype=np.int64))
    assert table.size() == 1000
    assert table._values.shape[0] <= 2048
    found = table.find(keys, np.int64(7))
    np.testing.assert_array_equal(found[1::2], np.arange(1, 1000, 2))
    np.testing.assert_array_equal(found[::2], -np.arange(500))


def test_large_vocabulary_lookup():
    vocabulary = np.array([f"word{i}".encode() for i in range(50000)], dtype=object)
    queries = vocabulary[np.random.default_rng(0).integers(0, 50000, 200000)]
    with tf.Graph().as_default():
        table = tf.lookup.index_table_from_tensor(tf.constant(vocabulary))
        ids = _run(table.lookup(tf.constant(queries)))
    np.testing.assert_array_equal(vocabulary[ids], queries)


def test_mutable_hash_table_saveable_is_collected():
    with tf.Graph().as_default() as graph:
        table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1, name="vocab")
        assert table.resource_handle.op.attrs["use_node_name_sharing"] is True
        (saveable,) = graph.get_collection(tf.GraphKeys.SAVEABLE_OBJECTS)
        assert [spec.name for spec in saveable.specs] == ["vocab-keys", "vocab-values"]
        restore = saveable.restore([tf.constant(["x"]), tf.constant([4], tf.int64)])
        assert restore.name == "vocab_table_restore/LookupTableImportV2"
        assert _run(table.lookup(["x"]), init=False).tolist() == [-1]
        with tf.Session() as sess:
            sess.run(restore)
            assert sess.run(table.lookup(["x", "y"])).tolist() == [4, -1]
