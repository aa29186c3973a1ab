"""Golden cases for lookup tables, recorded from real TensorFlow.

The vocabulary files live next to the goldens (tests/golden/lookup/files/). A case is a
Python expression over `tf` and `vocab(name)` (the path of a vocabulary file) that builds
tables and returns a list of fetches. The recorder runs `tf.tables_initializer()` (unless the
case says not to), then each fetch in order, and records each result (a tuple is recorded
element by element), or the first error: its stage ("build", "init" or the fetch index),
class and message. tests/ops/test_lookup_goldens.py replays the cases with ndflow.
"""

from __future__ import annotations

import pathlib

from goldens import math as math_goldens

FILES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "golden" / "lookup" / "files"

VOCABULARIES = {
    "words.txt": b"emerson\nlake\npalmer\nking\ncrimson\n",
    "no_trailing_newline.txt": b"a\nb\nc",
    "crlf.txt": b"alpha\r\nbeta\r\ngamma\r\n",
    "columns.txt": b"emerson 10 1.5\nlake 20 2.5\npalmer 30 -3.25\n",
    "tabs.txt": b"10\temerson\t-7\n20\tlake\t8\n30\tpalmer\t9\n",
    "ids.txt": b"100\n200\n300\n-5\n",
    "duplicates.txt": b"a\nb\na\n",
    "empty_line.txt": b"a\nb\n\nc\n",
    "short_row.txt": b"a 1\nb\nc 3\n",
    "bad_int.txt": b"a 1\nb x\nc 3\n",
    "utf8.txt": "héllo\nwörld\n日本\n".encode(),
}

_WORDS = "tf.constant(['emerson', 'lake', 'and', 'palmer', 'king', 'crimson', 'tarkus', ''])"
_IDS = "tf.constant([0, 4, 5, -1, 2], tf.int64)"


def _file_table(key, key_index, value, value_index, **kwargs):
    args = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return (
        f"tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(vocab('{{file}}'), {key}, "
        f"{key_index}, {value}, {value_index}{args}), {{default}})"
    )


# fmt: off
CASES = [
    # index_table_from_file: whole lines -> line numbers, OOV buckets by Fingerprint64.
    ("vocab_file_no_oov", f"[tf.contrib_lookup.index_table_from_file(vocab('words.txt'))"
     f".lookup({_WORDS})]"),
    ("vocab_file_one_oov_bucket", "[tf.contrib_lookup.index_table_from_file(vocab('words.txt'), "
     f"num_oov_buckets=1).lookup({_WORDS})]"),
    ("vocab_file_oov_buckets", "(lambda t: [t.lookup(" + _WORDS + "), t.size()])("
     "tf.contrib_lookup.index_table_from_file(vocab('words.txt'), num_oov_buckets=5))"),
    ("vocab_file_vocab_size", "[tf.contrib_lookup.index_table_from_file(vocab('words.txt'), "
     f"num_oov_buckets=3, vocab_size=3).lookup({_WORDS})]"),
    ("vocab_file_default_value", "[tf.contrib_lookup.index_table_from_file(vocab('words.txt'), "
     f"default_value=-7).lookup({_WORDS})]"),
    ("vocab_file_strong_hash", "[tf.contrib_lookup.index_table_from_file(vocab('words.txt'), "
     "num_oov_buckets=4, hasher_spec=tf.contrib_lookup.StrongHashSpec([7, 11]))"
     f".lookup({_WORDS})]"),
    ("vocab_file_int64_keys", "[tf.contrib_lookup.index_table_from_file(vocab('ids.txt'), "
     "num_oov_buckets=3, key_dtype=tf.int64).lookup(tf.constant([100, 300, -5, 7, 0], "
     "tf.int64))]"),
    ("vocab_file_no_trailing_newline", "[tf.contrib_lookup.index_table_from_file("
     "vocab('no_trailing_newline.txt')).lookup(tf.constant(['a', 'b', 'c', 'd']))]"),
    ("vocab_file_crlf", "[tf.contrib_lookup.index_table_from_file(vocab('crlf.txt'))"
     ".lookup(tf.constant(['alpha', 'beta', 'gamma', 'beta\\r']))]"),
    ("vocab_file_utf8", "[tf.contrib_lookup.index_table_from_file(vocab('utf8.txt'), "
     "num_oov_buckets=2).lookup(tf.constant(['wörld', '日本', 'héllo', 'hello', '日']))]"),
    ("vocab_file_sparse_keys", "[(lambda s: [s.indices, s.values, s.dense_shape])("
     "tf.contrib_lookup.index_table_from_file(vocab('words.txt'), num_oov_buckets=1)"
     ".lookup(tf.string_split(['emerson and lake', 'palmer  tarkus'])))][0]"),
    ("vocab_tensor_oov", "[tf.contrib_lookup.index_table_from_tensor(tf.constant(['a', 'b', "
     "'c']), num_oov_buckets=2).lookup(tf.constant(['a', 'c', 'x', 'y', 'b']))]"),
    ("vocab_tensor_int64", "[tf.contrib_lookup.index_table_from_tensor(tf.constant([10, 20, 30],"
     " tf.int64), num_oov_buckets=2, dtype=tf.int64).lookup(tf.constant([20, 5, 30, 11], "
     "tf.int64))]"),
    ("vocab_tensor_duplicates", "[tf.contrib_lookup.index_table_from_tensor(tf.constant(['a', "
     "'b', 'a'])).lookup(tf.constant(['a']))]"),
    ("index_to_string_file", "[tf.contrib_lookup.index_to_string_table_from_file("
     f"vocab('words.txt'), default_value='UNKNOWN').lookup({_IDS})]"),
    ("index_to_string_file_vocab_size", "[tf.contrib_lookup.index_to_string_table_from_file("
     f"vocab('words.txt'), vocab_size=2).lookup({_IDS})]"),
    ("index_to_string_tensor", "[tf.contrib_lookup.index_to_string_table_from_tensor("
     f"tf.constant(['x', 'y', 'z'])).lookup({_IDS})]"),
    ("static_vocabulary_kv", "(lambda t: [t.lookup(tf.constant(['emerson', 'lake', 'palmer', "
     "'king', 'crimson'])), t.size()])(tf.lookup.StaticVocabularyTable("
     "tf.lookup.KeyValueTensorInitializer(['emerson', 'lake', 'palmer'], tf.constant([0, 1, 2],"
     " tf.int64)), num_oov_buckets=5))"),
    ("static_vocabulary_file", "[tf.lookup.StaticVocabularyTable(tf.lookup.TextFileInitializer("
     "vocab('words.txt'), tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64, "
     "tf.lookup.TextFileIndex.LINE_NUMBER), 3).lookup(tf.constant(['palmer', 'crimnson', "
     "'king', 'tarkus', 'black', 'moon']))]"),
    ("static_vocabulary_int64_lookup", "[tf.lookup.StaticVocabularyTable("
     "tf.lookup.KeyValueTensorInitializer(tf.constant([5, 6], tf.int64), tf.constant([0, 1], "
     "tf.int64)), 7, lookup_key_dtype=tf.int32).lookup(tf.constant([5, 6, 7, -8, 123456], "
     "tf.int32))]"),
    ("static_vocabulary_no_initializer", "[tf.lookup.StaticVocabularyTable(None, 10)"
     ".lookup(tf.constant(['a', 'b', 'c']))]"),
    ("static_hash_table_kv", "(lambda t: [t.lookup(tf.constant([['a', 'b'], ['c', 'z']])), "
     "t.size()])(tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(['a', 'b', 'c'],"
     " [7, 8, 9]), -1))"),
    ("static_hash_table_float_values", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(tf.constant([1, 2], tf.int64), [0.5, 1.5]), -1.0)"
     ".lookup(tf.constant([2, 3, 1], tf.int64))]"),
    ("static_hash_table_not_initialized", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a'], [1]), -1).lookup(tf.constant(['a']))]", False),
    ("static_hash_table_size_not_initialized", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a'], [1]), -1).size()]", False),
    ("static_hash_table_duplicate_keys", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a', 'b', 'a'], [1, 2, 3]), -1)"
     ".lookup(tf.constant(['a']))]"),
    ("static_hash_table_same_duplicates", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a', 'b', 'a'], [1, 2, 1]), -1)"
     ".lookup(tf.constant(['a', 'b']))]"),
    ("static_hash_table_wrong_key_dtype", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a'], [1]), -1).lookup(tf.constant([1]))]"),
    ("static_hash_table_size_mismatch", "[tf.lookup.StaticHashTable("
     "tf.lookup.KeyValueTensorInitializer(['a', 'b'], [1, 2, 3]), -1).size()]"),
]

_TEXT_FILE_MODES = [
    ("whole_line_to_line_number", "tf.string", -2, "tf.int64", -1, "words.txt", -1, {}),
    ("line_number_to_whole_line", "tf.int64", -1, "tf.string", -2, "words.txt", "'?'", {}),
    ("columns_string_to_int64", "tf.string", 0, "tf.int64", 1, "columns.txt", -1,
     {"delimiter": " "}),
    ("columns_string_to_int32_offset", "tf.string", 0, "tf.int32", 1, "columns.txt", -1,
     {"delimiter": " ", "value_index_offset": 100}),
    ("columns_string_to_int64_offset", "tf.string", 0, "tf.int64", 1, "columns.txt", -1,
     {"delimiter": " ", "value_index_offset": 100}),
    ("columns_line_number_offset", "tf.string", 0, "tf.int64", -1, "columns.txt", -1,
     {"delimiter": " ", "value_index_offset": 7}),
    ("columns_string_to_float", "tf.string", 0, "tf.float32", 2, "columns.txt", -1.0,
     {"delimiter": " "}),
    ("columns_string_to_double", "tf.string", 0, "tf.float64", 2, "columns.txt", -1.0,
     {"delimiter": " "}),
    ("tabs_int64_to_string", "tf.int64", 0, "tf.string", 1, "tabs.txt", "'?'", {}),
    ("tabs_string_to_int32", "tf.string", 1, "tf.int32", 2, "tabs.txt", -1, {}),
    ("whole_line_int64_keys", "tf.int64", -2, "tf.int64", -1, "ids.txt", -1, {}),
    ("vocab_size_truncates", "tf.string", -2, "tf.int64", -1, "words.txt", -1,
     {"vocab_size": 2}),
    ("vocab_size_too_large", "tf.string", -2, "tf.int64", -1, "words.txt", -1,
     {"vocab_size": 9}),
    ("empty_line", "tf.string", -2, "tf.int64", -1, "empty_line.txt", -1, {}),
    ("empty_line_after_vocab_size", "tf.string", -2, "tf.int64", -1, "empty_line.txt", -1,
     {"vocab_size": 2}),
    ("short_row", "tf.string", 0, "tf.int64", 1, "short_row.txt", -1, {"delimiter": " "}),
    ("bad_int", "tf.string", 0, "tf.int64", 1, "bad_int.txt", -1, {"delimiter": " "}),
    ("bad_int32", "tf.string", 0, "tf.int32", 1, "bad_int.txt", -1, {"delimiter": " "}),
    ("duplicate_lines", "tf.string", -2, "tf.int64", -1, "duplicates.txt", -1, {}),
    ("missing_file", "tf.string", -2, "tf.int64", -1, "missing.txt", -1, {}),
    ("long_delimiter", "tf.string", 0, "tf.int64", 1, "columns.txt", -1, {"delimiter": "  "}),
]
_PROBES = {
    "tf.string": "tf.constant(['emerson', 'lake', 'palmer', 'king', 'a', 'b', 'c', 'zzz', "
                 "'emerson 10 1.5', 'lake 20 2.5'])",
    "tf.int64": "tf.constant([0, 1, 2, 3, 10, 20, 100, -5, 99], tf.int64)",
}
CASES += [
    (f"text_file_{tag}", "[" + _file_table(key, ki, value, vi, **kw).format(
        file=file, default=default) + f".lookup({_PROBES[key]})]")
    for tag, key, ki, value, vi, file, default, kw in _TEXT_FILE_MODES
]

CASES += [
    ("text_file_twice", "(lambda t: [t.lookup(tf.constant(['king'])), tf.tables_initializer(), "
     "t.lookup(tf.constant(['king', 'x']))])(" + _file_table(
        "tf.string", -2, "tf.int64", -1).format(file="words.txt", default=-1) + ")"),
    ("mutable_hash_table", "(lambda m: [m.lookup(['a', 'b']), m.insert(['a', 'b', 'c', 'a'], "
     "tf.constant([1, 2, 3, 4], tf.int64)), m.lookup(['a', 'b', 'x']), m.size(), "
     "m.remove(tf.constant(['b', 'zz'])), m.lookup(['a', 'b']), m.size(), "
     "m.insert(['b'], tf.constant([5], tf.int64)), m.lookup(['a', 'b', 'c'])])("
     "tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1))", False),
    ("mutable_hash_table_of_tensors", "(lambda m: [m.insert(['a', 'b'], [[1.0, 2.0], [3.0, 4.0]]),"
     " m.lookup(['a', 'z']), m.lookup([['a', 'z']]), m.lookup(['a', 'q'], "
     "dynamic_default_values=[[5.0, 6.0], [7.0, 8.0]]), m.insert(['c'], [[1.0, 2.0, 3.0]])])("
     "tf.lookup.experimental.MutableHashTable(tf.string, tf.float32, [0.0, 1.0]))", False),
    ("mutable_hash_table_bad_default", "(lambda m: [m.lookup(['a'], "
     "dynamic_default_values=[1.0, 2.0, 3.0])])(tf.lookup.experimental.MutableHashTable("
     "tf.string, tf.float32, [0.0, 1.0]))", False),
    ("dense_hash_table_layout", "(lambda d: [d.insert(tf.constant([1, 2, 3, 9, 17, 25], "
     "tf.int64), tf.constant([10, 20, 30, 90, 170, 250], tf.int64)), d.export(), d.size(), "
     "d.remove(tf.constant([2, 9], tf.int64)), d.export(), d.insert(tf.constant([33, 2], "
     "tf.int64), tf.constant([330, 21], tf.int64)), d.export(), d.size(), d.lookup("
     "tf.constant([1, 2, 3, 9, 17, 25, 33, 4], tf.int64))])(tf.lookup.experimental."
     "DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=-1, "
     "initial_num_buckets=8))", False),
    ("dense_hash_table_strings", "(lambda d: [d.insert(['a', 'b', 'c', 'd', 'e'], "
     "[[1.0, 2.0], [3., 4.], [5., 6.], [7., 8.], [9., 10.]]), d.export(), d.lookup(['e', 'x'])])("
     "tf.lookup.experimental.DenseHashTable(tf.string, tf.float32, [0.0, 0.0], empty_key='', "
     "deleted_key='$', initial_num_buckets=4))", False),
    ("dense_hash_table_vector_keys", "(lambda d: [d.insert(tf.constant([[1, 2], [3, 4]], "
     "tf.int64), tf.constant([12, 34], tf.int64)), d.export(), d.lookup(tf.constant([[3, 4], "
     "[1, 1]], tf.int64))])(tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, "
     "empty_key=[0, 0], deleted_key=[-1, -1], initial_num_buckets=4))", False),
    ("dense_hash_table_empty_key", "(lambda d: [d.insert(tf.constant([0], tf.int64), "
     "tf.constant([1], tf.int64))])(tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, "
     "-1, empty_key=0, deleted_key=-1, initial_num_buckets=8))", False),
    ("dense_hash_table_deleted_key_lookup", "(lambda d: [d.lookup(tf.constant([-1], "
     "tf.int64))])(tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, "
     "deleted_key=-1, initial_num_buckets=8))", False),
    ("dense_hash_table_equal_keys", "(lambda d: [d.size()])(tf.lookup.experimental."
     "DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=0))", False),
    ("dense_hash_table_bad_buckets", "(lambda d: [d.size()])(tf.lookup.experimental."
     "DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=1, "
     "initial_num_buckets=12))", False),
]
# fmt: on


def _namespace(tf):
    """`tf` with the contrib-era lookup functions under `tf.contrib_lookup` (TF keeps them
    in lookup_ops; ndflow's tests bind ndflow.lookup there)."""
    from tensorflow.python.ops import lookup_ops

    class Namespace:
        def __getattr__(self, name):
            return getattr(tf, name)

    namespace = Namespace()
    namespace.contrib_lookup = lookup_ops
    return namespace


def write_files() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    for name, data in VOCABULARIES.items():
        (FILES / name).write_bytes(data)


def _store(arrays, key, value) -> None:
    if value is None:
        return
    arrays[key] = math_goldens._storable(value)


def run_case(tf, expr, initialize):
    """(arrays, meta) for one case: each fetch's values, or the first error."""
    arrays, meta = {}, {"results": []}
    graph = tf.Graph()
    with graph.as_default():
        scope = {"tf": _namespace(tf), "vocab": lambda name: str(FILES / name)}
        try:
            fetches = eval(expr, scope)  # noqa: S307 - our case table
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            message = math_goldens.core_message(str(err))
            meta["error"] = {"stage": "build", "class": type(err).__name__, "message": message}
            return arrays, meta
        init = tf.tables_initializer() if initialize else None
        with tf.Session(graph=graph) as sess:
            _run_fetches(tf, sess, init, fetches, arrays, meta)
    return arrays, meta


def _run_fetches(tf, sess, init, fetches, arrays, meta) -> None:
    stages = ([("init", init)] if init is not None else []) + list(enumerate(fetches))
    for stage, fetch in stages:
        try:
            value = sess.run(fetch)
        except tf.errors.OpError as err:
            message = math_goldens.core_message(err.message).replace(str(FILES), "{files}")
            meta["error"] = {"stage": stage, "class": type(err).__name__, "message": message}
            return
        if stage == "init":
            continue
        parts = list(value) if isinstance(value, (tuple, list)) else [value]
        meta["results"].append(len(parts) if isinstance(value, (tuple, list)) else None)
        for index, part in enumerate(parts):
            _store(arrays, f"out{stage}_{index}", part)


def generate(tf, writer):
    write_files()
    for case in CASES:
        name, expr = case[:2]
        initialize = case[2] if len(case) > 2 else True
        arrays, meta = run_case(tf, expr, initialize)
        writer.save(name, arrays, {"call": expr, "initialize": initialize, **meta})
