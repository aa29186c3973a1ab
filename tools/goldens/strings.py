"""Golden cases for the string op family, recorded from real TensorFlow.

Most cases use the expression format of tools/goldens/math.py (a Python expression over
named inputs, run in the listed placeholder modes; values or TF's error class and message).
SparseTensor results are recorded as [indices, values, dense_shape].

The hash cases store their inputs as one uint8 buffer plus lengths (string arrays would lose
trailing NUL bytes) and the bucket ids TF computes for several bucket counts.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

I32, I64 = np.int32, np.int64


def _s(values):
    """A string array ('S' dtype: how the golden files store strings)."""
    return np.array(
        [v.encode() if isinstance(v, str) else v for v in np.ravel(values)], dtype="S"
    ).reshape(np.shape(values))


def _sparse(expr):
    return f"(lambda s: [s.indices, s.values, s.dense_shape])({expr})"


# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
_WORDS = _s(["a b,c", "", "  x ", "hello", ",,"])
_UTF8 = _s(["héllo wörld", "", "ab", "日本語"])

SPLIT_CASES = [
    ("string_split_delimiter_set", _sparse("tf.string_split(x, ' ,')"), {"x": _WORDS}),
    ("string_split_keep_empty", _sparse("tf.string_split(x, ' ,', skip_empty=False)"),
     {"x": _WORDS}),
    ("string_split_default", _sparse("tf.string_split(x)"), {"x": _WORDS}),
    ("string_split_bytes", _sparse("tf.string_split(x, '')"), {"x": _UTF8}),
    ("string_split_bytes_keep_empty", _sparse("tf.string_split(x, '', skip_empty=False)"),
     {"x": _UTF8}),
    ("string_split_tensor_delimiter", _sparse("tf.string_split(x, d)"),
     {"x": _WORDS, "d": _s(",")}),
    ("string_split_empty_batch", _sparse("tf.string_split(x)"), {"x": _s([]).reshape(0)}),
    ("string_split_matrix_input", _sparse("tf.string_split(x)"), {"x": _s([["a b"]])}),
    ("string_split_vector_delimiter", _sparse("tf.string_split(x, d)"),
     {"x": _s(["a b"]), "d": _s([" "])}),
    ("strings_split_whitespace", _sparse("tf.strings.split(x)"),
     {"x": _s(["a  b", " c\td\n", "", " ", "x"])}),
    ("strings_split_sep", _sparse("tf.strings.split(x, sep='<>')"),
     {"x": _s(["1<>2<><>3", "<>", "", "a"])}),
    ("strings_split_maxsplit", _sparse("tf.strings.split(x, maxsplit=1)"),
     {"x": _s(["a b c d", " x  y  z ", "q"])}),
    ("strings_split_maxsplit_zero", _sparse("tf.strings.split(x, maxsplit=0)"),
     {"x": _s([" a b ", "", "q", "  "])}),
    ("strings_split_sep_maxsplit_zero", _sparse("tf.strings.split(x, sep=',', maxsplit=0)"),
     {"x": _s(["a,b", "", ","])}),
    ("strings_split_sep_maxsplit", _sparse("tf.strings.split(x, sep=',', maxsplit=2)"),
     {"x": _s(["a,b,c,d", ",,,", "x"])}),
    ("strings_split_matrix", _sparse("tf.strings.split(x)"),
     {"x": _s([["a b", "c"], ["", "d e f"], ["g", "h i"]])}),
    ("strings_split_scalar", _sparse("tf.strings.split(x, sep=',')"), {"x": _s("p,q,,r")}),
    ("strings_split_vector_sep", _sparse("tf.raw_ops.StringSplitV2(input=x, sep=d)"),
     {"x": _s(["a b"]), "d": _s([" "])}),
]

_GRID = _s([["a", "b", "c"], ["d", "e", "f"]])
_CUBE = _s([[[f"{i}{j}{k}" for k in range(2)] for j in range(3)] for i in range(2)])

REDUCE_JOIN_CASES = [
    ("reduce_join_all", "[tf.reduce_join(x), tf.strings.reduce_join(x, separator='-')]",
     {"x": _GRID}),
    ("reduce_join_axes", "[tf.reduce_join(x, 0, separator='-'), "
     "tf.reduce_join(x, -1, keep_dims=True), tf.reduce_join(x, [0, 1], separator=','), "
     "tf.reduce_join(x, [1, 0], separator=','), tf.reduce_join(x, [], separator=','), "
     "tf.strings.reduce_join(x, axis=1, keepdims=True, separator='+')]", {"x": _GRID}),
    ("reduce_join_cube", "[tf.reduce_join(x, [2, 0], separator=','), "
     "tf.reduce_join(x, [0, 2], separator=','), "
     "tf.reduce_join(x, [1, 0, 2], separator=',', keep_dims=True), "
     "tf.reduce_join(x, reduction_indices=[-1], separator='|')]", {"x": _CUBE}),
    ("reduce_join_empty_dims", "[tf.reduce_join(x, 0, separator=','), "
     "tf.reduce_join(x, 1, separator=','), tf.reduce_join(x, separator=',')]",
     {"x": _s(np.zeros((0, 3), "S1"))}),
    ("reduce_join_scalar", "tf.reduce_join(x, separator=',')", {"x": _s("abc")}),
    ("reduce_join_out_of_range", "tf.reduce_join(x, 2)", {"x": _GRID}),
    ("reduce_join_negative_out_of_range", "tf.reduce_join(x, -3)", {"x": _GRID}),
    ("reduce_join_runtime_axes", "tf.reduce_join(x, a, separator=',')",
     {"x": _GRID, "a": np.array([[0, 1]], I32)}),
    ("reduce_join_duplicate_axes", "tf.reduce_join(x, a)",
     {"x": _GRID, "a": np.array([0, -2], I32)}),
    ("reduce_join_runtime_out_of_range", "tf.reduce_join(x, a)",
     {"x": _GRID, "a": np.array([5], I32)}),
    ("reduce_join_unknown_rank", "tf.reduce_join(x, 1)", {"x": _CUBE}, 0, ("unknown_rank",)),
    ("reduce_join_unknown_rank_all", "tf.reduce_join(x, separator='.')", {"x": _CUBE}, 0,
     ("unknown_rank",)),
]

_HELLO = _s(["hello", "héllo wörld"])
SUBSTR_CASES = [
    (f"substr_byte_{tag}", f"tf.substr(x, {pos}, {length})", {"x": _HELLO})
    for tag, pos, length in [("basic", 1, 3), ("past_end", 0, 100), ("negative_pos", -3, 2),
                             ("negative_both", -5, -1), ("negative_len", 2, -1),
                             ("at_end", 5, 1), ("too_far", 6, 1), ("too_negative", -6, 1),
                             ("zero", 0, 0)]
]
SUBSTR_CASES += [
    (f"substr_utf8_{tag}", f"tf.strings.substr(x, {pos}, {length}, unit='UTF8_CHAR')",
     {"x": _s(["héllo wörld", "日本語テキスト"])})
    for tag, pos, length in [("basic", 1, 3), ("past_end", 0, 100), ("negative_pos", -3, 2),
                             ("negative_both", -5, -1), ("negative_len", 2, -1),
                             ("middle", 5, 1), ("at_end", 7, 1), ("too_far", 12, 1),
                             ("negative_full", -7, 3), ("too_negative", -12, 1)]
]
SUBSTR_CASES += [
    ("substr_elementwise", "tf.substr(x, p, n)",
     {"x": _s(["abc", "defg"]), "p": np.array([0, 1], I32), "n": np.array([1, 2], I32)}),
    ("substr_broadcast_rows", "tf.substr(x, p, n)",
     {"x": _s([["abc", "defg"], ["hij", "klm"]]), "p": np.array([0, 1], I64),
      "n": np.array([1, 2], I64)}),
    ("substr_broadcast_columns", "tf.substr(x, p, n)",
     {"x": _s([["abc", "defg"], ["hij", "klm"]]), "p": np.array([[0], [1]], I32),
      "n": np.array([[1], [2]], I32)}),
    ("substr_broadcast_matrix", "tf.substr(x, p, n)",
     {"x": _s(["abc", "defg"]), "p": np.array([[0], [1]], I32), "n": np.array([[1], [2]], I32)}),
    ("substr_scalar_input", "tf.substr(x, p, n)",
     {"x": _s("abc"), "p": np.array([0, 1, 2], I32), "n": np.array([1, 1, 5], I32)}),
    ("substr_broadcast_3d", "tf.substr(x, p, n)",
     {"x": _s([[["abc"]]]), "p": np.array([[[0, 1]]], I32), "n": np.array([[[1, 1]]], I32)}),
    ("substr_error_index", "tf.substr(x, p, n)",
     {"x": _s(["abc", "defg"]), "p": np.array([0, 7], I32), "n": np.array([1, 1], I32)}),
    ("substr_error_matrix_index", "tf.substr(x, p, n)",
     {"x": _s([["abc", "defg"], ["a", "b"]]), "p": np.array([[0], [7]], I32),
      "n": np.array([[1], [1]], I32)}),
    ("substr_error_utf8_matrix", "tf.substr(x, p, n, unit='UTF8_CHAR')",
     {"x": _s([["abc", "defg"], ["a", "b"]]), "p": np.array([[0], [7]], I32),
      "n": np.array([[1], [1]], I32)}),
    ("substr_pos_len_mismatch", "tf.substr(x, p, n)",
     {"x": _s(["abc", "defg"]), "p": np.array([0, 1], I32), "n": np.array([1], I32)}),
    ("substr_pos_len_rank_mismatch", "tf.substr(x, p, n)",
     {"x": _s(["abc", "defg"]), "p": np.array([0, 1], I32), "n": np.array([[1, 2]], I32)}),
    ("substr_incompatible", "tf.substr(x, p, n)",
     {"x": _s(["a", "b", "c", "d"]), "p": np.array([0, 1, 2], I32),
      "n": np.array([1, 1, 1], I32)}),
]

_REGEX_TEXT = _s(["baaac", "abc", "", "héllo wörld", "a.b.c", "line1\nline2\n"])
_REPLACEMENTS = [
    ("empty_matches", "a*", "-"), ("empty_everywhere", "x*", "-"), ("whole_match", "a", "<\\0>"),
    ("group", "(l+)", "[\\1]"), ("ascii_word", "\\w+", "W"), ("utf8_dot", ".", "."),
    ("end_of_text", "$", "E"), ("start", "^", "S"), ("case_flag", "(?i)A", "X"),
    ("backslash", "\\.", "\\\\"), ("posix_class", "[[:alpha:]]+", "A"),
    ("unicode_letters", "\\pL+", "L"), ("named_group", "(?P<x>b)", "\\1\\1"),
    ("end_z", "c\\z", "Z"), ("quoted", "\\Qa.b\\E", "Q"), ("ascii_space", "\\s", "_"),
    ("digits", "\\d", "#"), ("unmatched_group", "(a)|(z)", "<\\2>"),
    ("bad_group_number", "a", "\\2"), ("bad_escape", "a", "\\n"),
    ("multiline", "(?m)^l", "L"), ("dotall", "(?s)1.l", "-"), ("word_boundary", "\\b", "|"),
    ("negated_class", "[^a-c]", "_"), ("alternation_empty", "b|", "#"),
    ("scoped_flag", "(?i:L)i", "X"), ("code_point", "\\x{e9}", "e"),
    ("bracket_literal", "[[.]", "("), ("angle_named_group", "(?<n>b)", "x"),
    ("posix_digits", "[[:digit:]]+", "#"),
]
REGEX_CASES = [
    (f"regex_replace_{tag}", f"tf.regex_replace(x, {pattern!r}, {rewrite!r})",
     {"x": _REGEX_TEXT}) for tag, pattern, rewrite in _REPLACEMENTS
]
REGEX_CASES += [
    ("regex_replace_first_only", "[tf.regex_replace(x, 'a', 'X', replace_global=False), "
     "tf.strings.regex_replace(x, 'a*', '-', replace_global=False)]", {"x": _REGEX_TEXT}),
    ("regex_replace_tensor_pattern", "tf.regex_replace(x, p, r)",
     {"x": _REGEX_TEXT, "p": _s("(l+)|a"), "r": _s("<\\1>")}),
    ("regex_replace_invalid_pattern", "tf.regex_replace(x, '(', 'X')", {"x": _REGEX_TEXT}),
    ("regex_replace_invalid_tensor_pattern", "tf.regex_replace(x, p, r)",
     {"x": _REGEX_TEXT, "p": _s("("), "r": _s("X")}),
    ("regex_replace_lookahead", "tf.regex_replace(x, '(?=a)', 'X')", {"x": _REGEX_TEXT}),
    ("regex_replace_backreference", "tf.regex_replace(x, '(a)\\\\1', 'X')", {"x": _REGEX_TEXT}),
    ("regex_replace_invalid_utf8", "[tf.regex_replace(x, '.', 'X'), "
     "tf.strings.regex_full_match(x, '.*'), tf.strings.regex_full_match(x, 'a.b')]",
     {"x": np.array([b"\xff\xfe", b"a\xffb", b"ok"], dtype="S")}),
    ("regex_full_match", "[tf.strings.regex_full_match(x, 'a.*'), "
     "tf.strings.regex_full_match(x, '.*\\n'), tf.strings.regex_full_match(x, 'h.llo w.rld'), "
     "tf.strings.regex_full_match(x, '(?s)line1.line2.'), "
     "tf.strings.regex_full_match(x, '(?m)line1$\\nline2\\n'), "
     "tf.strings.regex_full_match(x, 'line1$')]", {"x": _REGEX_TEXT}),
    ("regex_full_match_tensor_pattern", "tf.strings.regex_full_match(x, p)",
     {"x": _REGEX_TEXT, "p": _s("[a-c]*")}),
    ("regex_full_match_invalid", "tf.strings.regex_full_match(x, '(')", {"x": _REGEX_TEXT}),
    ("regex_full_match_invalid_tensor", "tf.strings.regex_full_match(x, p)",
     {"x": _REGEX_TEXT, "p": _s("(")}),
    ("regex_full_match_matrix", "tf.strings.regex_full_match(x, '[a-z]+')",
     {"x": _s([["ab", "a1"], ["", "zz"]])}),
]

_CASE_TEXT = _s(["Hello WÖRLD ß", "ǅ", "\t a b \n\x0b\x0c\r", "MiXeD 123"])
ELEMENTWISE_CASES = [
    ("string_length", "[tf.strings.length(x), tf.strings.length(x, unit='UTF8_CHAR')]",
     {"x": np.array([b"hello", "héllo".encode(), b"", b"\xff\xfe", b"a\xffb", b"\xc3",
                     "日本".encode()], dtype="S")}),
    ("string_length_matrix", "tf.strings.length(x)", {"x": _s([["a", "bb"], ["", "ccc"]])}),
    ("string_case_ascii", "[tf.strings.lower(x), tf.strings.upper(x)]", {"x": _CASE_TEXT}),
    ("string_case_utf8", "[tf.strings.lower(x, encoding='utf-8'), "
     "tf.strings.upper(x, encoding='utf-8')]", {"x": _CASE_TEXT}),
    ("string_case_invalid_utf8", "tf.strings.upper(x, encoding='utf-8')",
     {"x": np.array([b"a\xffb"], dtype="S")}),
    ("string_case_bad_encoding", "tf.strings.lower(x, encoding='latin1')", {"x": _CASE_TEXT}),
    ("string_strip", "tf.strings.strip(x)",
     {"x": _s(["  hi  ", "\t a b \n\x0b\x0c\r", " \x1c a \xa0", "", "x"])}),
]

_FLOATS = [0.0, 1.5, -2.25, 1e10, 1e-7, np.inf, -np.inf, np.nan, -np.nan, 123456789.123, -0.0]
AS_STRING_CASES = [
    ("as_string_float64", "[tf.as_string(x), tf.as_string(x, shortest=True), "
     "tf.as_string(x, scientific=True, precision=3), "
     "tf.as_string(x, width=12, fill='0', precision=2), "
     "tf.as_string(x, width=12, fill='-', precision=2), tf.as_string(x, width=12, fill=' '), "
     "tf.as_string(x, width=12, fill='+'), tf.as_string(x, width=12, fill='#', precision=0), "
     "tf.as_string(x, precision=0), tf.strings.as_string(x, shortest=True, precision=20)]",
     {"x": np.array(_FLOATS, np.float64)}),
    ("as_string_float32", "[tf.as_string(x), tf.as_string(x, shortest=True), "
     "tf.as_string(x, scientific=True), tf.as_string(x, precision=10)]",
     {"x": np.array(_FLOATS, np.float32)}),
    ("as_string_float16", "[tf.as_string(x), tf.as_string(x, precision=2)]",
     {"x": np.array([1.5, -2.25, 65504, np.inf, 0.1], np.float16)}),
    ("as_string_int32", "[tf.as_string(x), tf.as_string(x, width=5, fill='0'), "
     "tf.as_string(x, width=6), tf.as_string(x, width=6, fill='-'), "
     "tf.as_string(x, width=6, fill='+'), tf.as_string(x, width=6, fill=' ')]",
     {"x": np.array([0, 7, -42, 2**31 - 1, -2**31], I32)}),
    ("as_string_int64", "[tf.as_string(x), tf.as_string(x, width=25, fill='0')]",
     {"x": np.array([2**63 - 1, -2**63, 0], I64)}),
    ("as_string_small_ints", "[tf.as_string(a), tf.as_string(b), tf.as_string(c, width=4)]",
     {"a": np.array([-128, 127], np.int8), "b": np.array([-300, 300], np.int16),
      "c": np.array([0, 255], np.uint8)}),
    ("as_string_unsigned", "[tf.as_string(a), tf.as_string(b, width=25, fill='0'), "
     "tf.as_string(c, width=8, fill='+'), tf.as_string(d, fill=' ')]",
     {"a": np.array([0, 65535], np.uint16), "b": np.array([0, 2**64 - 1], np.uint64),
      "c": np.array([5, 2**32 - 1], np.uint32), "d": np.array([3], np.uint32)}),
    ("as_string_bool", "[tf.as_string(x), tf.as_string(x, width=7)]",
     {"x": np.array([True, False])}),
    ("as_string_complex", "[tf.as_string(a), tf.as_string(b, precision=1, width=6), "
     "tf.as_string(a, shortest=True)]",
     {"a": np.array([1 + 2j, -0.5j], np.complex64), "b": np.array([1 + 2j, -0.5j], np.complex128)}),
    ("as_string_strings", "[tf.as_string(x), tf.as_string(x, width=5), "
     "tf.as_string(x, width=5, fill='-'), tf.as_string(x, width=5, precision=1)]",
     {"x": _s(["ab", "c", "defghi"])}),
    ("as_string_bad_fill", "tf.as_string(x, fill='x')", {"x": np.array([1.0], np.float32)}),
    ("as_string_long_fill", "tf.as_string(x, fill='00')", {"x": np.array([1.0], np.float32)}),
    ("as_string_both_notations", "tf.as_string(x, scientific=True, shortest=True)",
     {"x": np.array([1.0], np.float32)}),
    ("as_string_int_precision", "tf.as_string(x, precision=2)", {"x": np.array([1], I32)}),
    ("as_string_int_scientific", "tf.as_string(x, scientific=True)", {"x": np.array([1], I64)}),
]

FORMAT_CASES = [
    ("strings_format", "[tf.strings.format('x={} y={}!', [a, b]), "
     "tf.strings.format('{}', a, summarize=1), tf.strings.format('<>', [b], placeholder='<>')]",
     {"a": np.array([[1, 2, 3], [4, 5, 6]], I32), "b": np.array([1.5, -2.0], np.float32)}),
    ("strings_format_string_tensors", "[tf.strings.format('{} and {}', [a, b])]",
     {"a": _s("q"), "b": _s(["x", "y"])}),
    ("strings_format_count_mismatch", "tf.strings.format('{} {}', [a])",
     {"a": np.array([1], I32)}),
]
# fmt: on

CASES = SPLIT_CASES + REDUCE_JOIN_CASES + SUBSTR_CASES + REGEX_CASES + ELEMENTWISE_CASES
CASES += AS_STRING_CASES + FORMAT_CASES


# ---------------------------------------------------------------------- hash buckets


def hash_inputs() -> list:
    """Strings of every length 0..300 (random bytes, twice), plus UTF-8 text and NULs."""
    rng = np.random.default_rng(20240601)
    items = [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in list(range(301)) * 2]
    items += [b"", b"\x00", b"a\x00", b"\x00" * 70, "héllo wörld".encode(), "日本語".encode() * 30]
    items += [b"Hello", b"TensorFlow", b"2.x", b"emerson", b"lake", b"palmer", b"king"]
    return items


HASH_BUCKETS = (1, 3, 1000003, 2**63 - 1)
STRONG_KEYS = ([0x0706050403020100, 0x0F0E0D0C0B0A0908], [123456789, -5], [0, 0])


def _hash_case(tf, writer, name, build, meta):
    items = hash_inputs()
    lengths = np.array([len(s) for s in items], np.int64)
    arrays = {"buffer": np.frombuffer(b"".join(items), np.uint8), "lengths": lengths}
    graph = tf.Graph()
    with graph.as_default():
        strings = tf.constant(np.array(items, dtype=object), dtype=tf.string)
        outputs = [build(strings, buckets) for buckets in HASH_BUCKETS]
        with tf.Session(graph=graph) as sess:
            for buckets, value in zip(HASH_BUCKETS, sess.run(outputs)):
                arrays[f"buckets_{buckets}"] = value
    writer.save(name, arrays, {"buckets": list(HASH_BUCKETS), **meta})


def _hash_cases(tf, writer):
    _hash_case(tf, writer, "hash_bucket_fast", tf.strings.to_hash_bucket_fast, {"op": "fast"})
    _hash_case(tf, writer, "hash_bucket_legacy", tf.string_to_hash_bucket, {"op": "legacy"})
    for index, key in enumerate(STRONG_KEYS):
        _hash_case(
            tf,
            writer,
            f"hash_bucket_strong_{index}",
            lambda s, b, key=key: tf.strings.to_hash_bucket_strong(s, b, key),
            {"op": "strong", "key": key},
        )


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
    _hash_cases(tf, writer)
