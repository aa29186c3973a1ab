"""Golden cases for the parsing family (Example / SequenceExample parsing, DecodeCSV,
DecodeRaw, DecodeCompressed, StringToNumber), recorded from real TensorFlow.

Each case is a Python expression over named string inputs, evaluated with `tf` bound to
`tensorflow.compat.v1` here and to `ndflow` in tests/ops/test_parsing_goldens.py. Inputs are
fed through placeholders of their full shape. The .json records the inputs (bytes as base64),
the static output shapes, and either the outputs or the error class and TF's core message.
Serialized protos are built here, including layouts TF writers never produce (value before
key, unpacked lists, repeated keys, unknown fields) to pin TF's fast parser down.
"""

from __future__ import annotations

import base64
import re
import struct

import numpy as np

# ---------------------------------------------------------------------- a tiny wire encoder


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _list(kind: str, values, packed: bool = True) -> bytes:
    if kind == "b":
        return b"".join(_field(1, v if isinstance(v, bytes) else v.encode()) for v in values)
    if kind == "f":
        if packed:
            return _field(1, struct.pack(f"<{len(values)}f", *values)) if values else b""
        return b"".join(b"\x0d" + struct.pack("<f", v) for v in values)
    if packed:
        return _field(1, b"".join(_varint(v) for v in values)) if values else b""
    return b"".join(b"\x08" + _varint(v) for v in values)


def feature(kind=None, values=(), packed=True) -> bytes:
    """A serialized Feature: kind 'b', 'f' or 'i' (None for an empty Feature)."""
    if kind is None:
        return b""
    number = {"b": 1, "f": 2, "i": 3}[kind]
    return _field(number, _list(kind, list(values), packed))


def entry(key: str, value: bytes, value_first=False) -> bytes:
    parts = [_field(1, key.encode()), _field(2, value)]
    return _field(1, b"".join(parts[::-1] if value_first else parts))


def example(*entries: bytes, extra: bytes = b"") -> bytes:
    """A serialized Example holding these map entries (one Features field)."""
    return _field(1, b"".join(entries)) + extra


def ex(**features) -> bytes:
    """An Example from key=(kind, values) pairs; key=None is an empty Feature."""
    items = []
    for key, spec in features.items():
        items.append(entry(key, feature() if spec is None else feature(*spec)))
    return example(*items)


def seq(context=None, lists=None) -> bytes:
    """A serialized SequenceExample: context {key: (kind, values)}, lists {key: [rows]}."""
    context_bytes = b"".join(entry(k, feature(*v)) for k, v in (context or {}).items())
    list_bytes = b""
    for key, rows in (lists or {}).items():
        payload = b"".join(_field(1, feature(*row) if row else b"") for row in rows)
        list_bytes += entry(key, payload)
    out = b""
    if context is not None:
        out += _field(1, context_bytes)
    if lists is not None:
        out += _field(2, list_bytes)
    return out


# ---------------------------------------------------------------------- cases

BASIC = [
    ex(f=("f", [1.0, 2.0]), i=("i", [7]), s=("b", [b"a"]), v=("i", [1, 2, 3])),
    ex(f=("f", [3.5, -1.0]), i=("i", [-8]), s=("b", [b"\xff\x00"]), v=("i", [])),
    ex(f=("f", [0.0, 1e30]), i=("i", [2**62]), s=("b", [b""])),
]
MANY = [
    ex(
        f=("f", [k, -k, k / 3]),
        i=("i", [k - 10]),
        s=("b", [f"r{k}".encode()]),
        v=("i", list(range(k % 4))),
    )
    for k in range(20)
]
SPEC_BASIC = (
    "{'f': tf.io.FixedLenFeature([2], tf.float32), 'i': tf.io.FixedLenFeature([], tf.int64),"
    " 's': tf.io.FixedLenFeature([], tf.string), 'v': tf.io.VarLenFeature(tf.int64)}"
)
SPEC_MANY = (
    "{'f': tf.io.FixedLenFeature([3], tf.float32), 'i': tf.io.FixedLenFeature([], tf.int64),"
    " 's': tf.io.FixedLenFeature([], tf.string), 'v': tf.io.VarLenFeature(tf.int64)}"
)
F3 = "{'x': tf.io.FixedLenFeature([3], tf.float32)}"

EXAMPLE_CASES = [
    ("pe_basic", f"tf.io.parse_example(s, {SPEC_BASIC})", {"s": BASIC}),
    ("pe_vectorized_batch", f"tf.io.parse_example(s, {SPEC_MANY})", {"s": MANY}),
    ("pe_empty_batch", f"tf.io.parse_example(s, {SPEC_BASIC})", {"s": []}),
    ("pe_scalar_input", f"tf.io.parse_example(s, {SPEC_BASIC})", {"s": BASIC[0]}),
    (
        "pe_defaults",
        "tf.io.parse_example(s, {'a': tf.io.FixedLenFeature([2], tf.int64, default_value=[5, 6]),"
        " 'b': tf.io.FixedLenFeature([], tf.string, default_value='dflt'),"
        " 'c': tf.io.FixedLenFeature([1, 2], tf.float32, default_value=[[0.5, 1.5]])})",
        {"s": [ex(a=("i", [1, 2])), ex(b=("b", [b"x"])), ex(c=None), ex()] * 3},
    ),
    (
        "pe_multidim",
        "tf.io.parse_example(s, {'m': tf.io.FixedLenFeature([2, 3], tf.int64)})",
        {"s": [ex(m=("i", list(range(6)))), ex(m=("i", list(range(6, 12))))]},
    ),
    (
        "pe_sequence_feature_padding",
        "tf.io.parse_example(s, {'q': tf.io.FixedLenSequenceFeature([2], tf.float32,"
        " allow_missing=True, default_value=-1.0),"
        " 'w': tf.io.FixedLenSequenceFeature([], tf.string, allow_missing=True)})",
        {"s": [ex(q=("f", [1, 2, 3, 4]), w=("b", [b"a"])), ex(), ex(q=("f", [5, 6]))] * 4},
    ),
    (
        "pe_varlen_types",
        "tf.io.parse_example(s, {'b': tf.io.VarLenFeature(tf.string),"
        " 'f': tf.io.VarLenFeature(tf.float32), 'i': tf.io.VarLenFeature(tf.int64)})",
        {"s": [ex(b=("b", [b"x", b"yy"]), f=("f", [1.5])), ex(i=None, f=None), ex(i=("i", [-1]))]},
    ),
    (
        "pe_sparse_feature_sorted",
        "tf.io.parse_example(s, {'sp': tf.io.SparseFeature('ix', 'val', tf.float32, 10,"
        " already_sorted=True)})",
        {"s": [ex(ix=("i", [1, 4]), val=("f", [0.5, -1.0])), ex(ix=("i", [9]), val=("f", [2.0]))]},
    ),
    (
        "pe_sparse_feature_unsorted",
        "tf.io.parse_example(s, {'sp': tf.io.SparseFeature('ix', 'val', tf.float32, 10)})",
        {"s": [ex(ix=("i", [4, 1]), val=("f", [0.5, -1.0])), ex(ix=("i", [9]), val=("f", [2.0]))]},
    ),
    (
        "pe_names",
        f"tf.io.parse_example(s, {F3}, example_names=n)",
        {"s": [ex(x=("f", [1, 2, 3])), ex(x=("f", [1, 2]))], "n": [b"first", b"second"]},
    ),
    (
        "pe_int64_extremes",
        "tf.io.parse_example(s, {'i': tf.io.VarLenFeature(tf.int64)})",
        {"s": [ex(i=("i", [-1, 2**63 - 1, -(2**63), 0, 300, -300]))] * 9},
    ),
    (
        "pe_float_specials",
        "tf.io.parse_example(s, {'f': tf.io.FixedLenFeature([3], tf.float32)})",
        {"s": [ex(f=("f", [float("inf"), float("-inf"), -0.0]))] * 9},
    ),
    # Layouts TF writers do not produce: TF's fast parser accepts them.
    (
        "pe_value_before_key",
        f"tf.io.parse_example(s, {F3})",
        {"s": [example(entry("x", feature("f", [1, 2, 3]), value_first=True))] * 9},
    ),
    (
        "pe_unpacked_lists",
        "tf.io.parse_example(s, {'f': tf.io.VarLenFeature(tf.float32),"
        " 'i': tf.io.VarLenFeature(tf.int64)})",
        {
            "s": [
                example(
                    entry("f", feature("f", [1, 2], packed=False)),
                    entry("i", feature("i", [3, 4, 5], packed=False)),
                )
            ]
            * 9
        },
    ),
    (
        "pe_repeated_key_last_wins",
        f"tf.io.parse_example(s, {F3})",
        {
            "s": [example(entry("x", feature("f", [1, 2, 3])), entry("x", feature("f", [4, 5, 6])))]
            * 9
        },
    ),
    (
        "pe_repeated_key_empty_last",
        "tf.io.parse_example(s, {'x': tf.io.FixedLenFeature([1], tf.float32),"
        " 'v': tf.io.VarLenFeature(tf.float32)})",
        {
            "s": [
                example(
                    entry("x", feature("f", [1])),
                    entry("x", feature()),
                    entry("v", feature("f", [2])),
                    entry("v", feature()),
                )
            ]
            * 9
        },
    ),
    (
        "pe_two_features_fields_and_unknown_field",
        "tf.io.parse_example(s, {'a': tf.io.FixedLenFeature([], tf.int64),"
        " 'b': tf.io.FixedLenFeature([], tf.int64)})",
        {
            "s": [
                example(
                    entry("a", feature("i", [1])),
                    extra=b"\x10\x05" + example(entry("b", feature("i", [2]))),
                )
            ]
            * 9
        },
    ),
    (
        "pe_empty_serialized_with_defaults",
        "tf.io.parse_example(s, {'a': tf.io.FixedLenFeature([], tf.int64, default_value=3)})",
        {"s": [b""] * 9},
    ),
    # Errors: TF's classes and messages, for the first bad example.
    (
        "pe_err_dtype",
        "tf.io.parse_example(s, {'f': tf.io.FixedLenFeature([1], tf.float32)})",
        {"s": [ex(f=("f", [1.0])), ex(f=("i", [1]))] * 5},
    ),
    (
        "pe_err_count",
        f"tf.io.parse_example(s, {F3})",
        {"s": [ex(x=("f", [1, 2, 3]))] * 3 + [ex(x=("f", [1, 2]))] * 7},
    ),
    ("pe_err_count_too_many", f"tf.io.parse_example(s, {F3})", {"s": [ex(x=("f", [1, 2, 3, 4]))]}),
    (
        "pe_err_int_count",
        "tf.io.parse_example(s, {'i': tf.io.FixedLenFeature([], tf.int64)})",
        {"s": [ex(i=("i", [1, 2]))]},
    ),
    (
        "pe_err_bytes_too_many",
        "tf.io.parse_example(s, {'b': tf.io.FixedLenFeature([], tf.string)})",
        {"s": [ex(b=("b", [b"a", b"b"]))]},
    ),
    (
        "pe_err_bytes_too_few",
        "tf.io.parse_example(s, {'b': tf.io.FixedLenFeature([2], tf.string)})",
        {"s": [ex(b=("b", [b"a"]))]},
    ),
    (
        "pe_err_missing",
        f"tf.io.parse_example(s, {F3})",
        {"s": [ex(x=("f", [1, 2, 3])), ex(y=("f", [1.0]))] * 5},
    ),
    ("pe_err_empty_feature_required", f"tf.io.parse_example(s, {F3})", {"s": [ex(x=None)]}),
    ("pe_err_empty_list", f"tf.io.parse_example(s, {F3})", {"s": [ex(x=("f", []))]}),
    (
        "pe_err_varlen_dtype",
        "tf.io.parse_example(s, {'v': tf.io.VarLenFeature(tf.int64)})",
        {"s": [ex(v=("i", [1]))] * 4 + [ex(v=("f", [1.0]))] * 5},
    ),
    (
        "pe_err_unparseable",
        f"tf.io.parse_example(s, {F3})",
        {"s": [ex(x=("f", [1, 2, 3]))] * 2 + [b"garbage!"] * 7},
    ),
    (
        "pe_err_unsupported_kind",
        f"tf.io.parse_example(s, {F3})",
        {"s": [example(entry("x", _field(4, b"")))]},
    ),
    (
        "pe_err_stride",
        "tf.io.parse_example(s, {'q': tf.io.FixedLenSequenceFeature([2],"
        " tf.int64, allow_missing=True)})",
        {"s": [ex(q=("i", [1, 2])), ex(q=("i", [1, 2, 3]))]},
    ),
    (
        "pe_err_stride_minibatch",
        "tf.io.parse_example(s, {'q': tf.io.FixedLenSequenceFeature("
        "[2], tf.int64, allow_missing=True)})",
        {"s": [ex(q=("i", [1, 2]))] * 20 + [ex(q=("i", [1, 2, 3]))] * 4},
    ),
    ("pe_err_build_empty_features", "tf.io.parse_example(s, {})", {"s": BASIC}),
    (
        "pe_err_build_unknown_dim",
        "tf.io.parse_example(s, {'x': tf.io.FixedLenFeature([None], tf.float32)})",
        {"s": BASIC},
    ),
    (
        "pe_err_build_sequence_not_missing",
        "tf.io.parse_example(s, {'x': tf.io.FixedLenSequenceFeature([], tf.float32)})",
        {"s": BASIC},
    ),
    (
        "pe_err_build_key_conflict",
        "tf.io.parse_example(s, {'x': tf.io.VarLenFeature(tf.int64),"
        " 'y': tf.io.SparseFeature('x', 'v', tf.float32, 3)})",
        {"s": BASIC},
    ),
    # parse_single_example (ParseExampleV2 on a scalar: TF's single-example messages).
    ("pse_basic", f"tf.io.parse_single_example(s, {SPEC_BASIC})", {"s": BASIC[0]}),
    (
        "pse_missing_defaults",
        "tf.io.parse_single_example(s, {'a': tf.io.FixedLenFeature([2],"
        " tf.int64, default_value=[1, 2]), 'v': tf.io.VarLenFeature(tf.string)})",
        {"s": ex()},
    ),
    (
        "pse_sequence_feature",
        "tf.io.parse_single_example(s, {'q':"
        " tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)})",
        {"s": ex(q=("f", [1, 2, 3, 4]))},
    ),
    (
        "pse_err_dtype",
        "tf.io.parse_single_example(s, {'f': tf.io.FixedLenFeature([1], tf.float32)})",
        {"s": ex(f=("i", [1]))},
    ),
    (
        "pse_err_count",
        "tf.io.parse_single_example(s, {'f': tf.io.FixedLenFeature([1], tf.float32)})",
        {"s": ex(f=("f", [1.0, 2.0]))},
    ),
    (
        "pse_err_missing",
        "tf.io.parse_single_example(s, {'f': tf.io.FixedLenFeature([1], tf.float32)})",
        {"s": ex(g=("f", [1.0]))},
    ),
    (
        "pse_err_varlen_dtype",
        "tf.io.parse_single_example(s, {'v': tf.io.VarLenFeature(tf.int64)})",
        {"s": ex(v=("b", [b"x"]))},
    ),
    (
        "pse_err_stride",
        "tf.io.parse_single_example(s, {'q': tf.io.FixedLenSequenceFeature([2],"
        " tf.float32, allow_missing=True)})",
        {"s": ex(q=("f", [1, 2, 3]))},
    ),
    ("pse_err_unparseable", f"tf.io.parse_single_example(s, {F3})", {"s": b"garbage!"}),
    (
        "pse_err_bytes_too_many",
        "tf.io.parse_single_example(s, {'b': tf.io.FixedLenFeature([], tf.string)})",
        {"s": ex(b=("b", [b"a", b"b"]))},
    ),
    ("pse_err_build_vector", f"tf.io.parse_single_example(s, {F3})", {"s": BASIC}),
    (
        "raw_parse_single_example",
        "tf.raw_ops.ParseSingleExample(serialized=s, dense_defaults=[tf.constant([], tf.float32),"
        " tf.constant(-1, tf.int64)], num_sparse=1, sparse_keys=['v'], dense_keys=['f', 'q'],"
        " sparse_types=[tf.int64], dense_shapes=[[2], [None]])",
        {"s": ex(f=("f", [1, 2]), v=("i", [4, 5]), q=("i", [7, 8, 9]))},
    ),
]

SEQ_RECORDS = [
    seq(
        {"length": ("i", [2]), "label": ("b", [b"a"])},
        {"tokens": [("i", [1]), ("i", [2, 3])], "scores": [("f", [0.5]), ("f", [1.5])]},
    ),
    seq({"length": ("i", [0]), "label": ("b", [b"b"])}, {"tokens": [], "scores": []}),
    seq(
        {"length": ("i", [3]), "label": ("b", [b"c"])},
        {"tokens": [None, ("i", [4]), ("i", [])], "scores": [("f", [1]), ("f", [2]), ("f", [3])]},
    ),
]
SEQ_CONTEXT = (
    "{'length': tf.io.FixedLenFeature([], tf.int64), 'label': tf.io.FixedLenFeature([], tf.string)}"
)
SEQ_LISTS = (
    "{'tokens': tf.io.VarLenFeature(tf.int64), 'scores':"
    " tf.io.FixedLenSequenceFeature([1], tf.float32)}"
)

SEQUENCE_CASES = [
    (
        f"psse_{index}",
        f"tf.io.parse_single_sequence_example(s, {SEQ_CONTEXT}, {SEQ_LISTS})",
        {"s": record},
    )
    for index, record in enumerate(SEQ_RECORDS)
] + [
    (
        "pseq_batch",
        f"tf.io.parse_sequence_example(s, {SEQ_CONTEXT}, {SEQ_LISTS})",
        {"s": SEQ_RECORDS},
    ),
    (
        "pseq_context_defaults_and_sparse",
        "tf.io.parse_sequence_example(s, {'d': tf.io.FixedLenFeature([2], tf.float32,"
        " default_value=[9.0, 8.0]), 'c': tf.io.VarLenFeature(tf.string)},"
        " {'m': tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})",
        {
            "s": [
                seq({"c": ("b", [b"x", b"y"])}, {"m": [("i", [1]), ("i", [2])]}),
                seq({"d": ("f", [1, 2])}, {}),
            ]
        },
    ),
    (
        "psse_err_missing_list",
        f"tf.io.parse_single_sequence_example(s, None, {SEQ_LISTS})",
        {"s": seq({}, {"tokens": [("i", [1])]})},
    ),
    (
        "psse_err_list_dtype",
        f"tf.io.parse_single_sequence_example(s, None, {SEQ_LISTS})",
        {"s": seq({}, {"tokens": [("i", [1])], "scores": [("i", [1])]})},
    ),
    (
        "psse_err_row_count",
        f"tf.io.parse_single_sequence_example(s, None, {SEQ_LISTS})",
        {"s": seq({}, {"tokens": [("i", [1])], "scores": [("f", [1, 2])]})},
    ),
    (
        "psse_err_context_missing",
        f"tf.io.parse_single_sequence_example(s, {SEQ_CONTEXT})",
        {"s": seq({"label": ("b", [b"x"])}, {})},
    ),
    (
        "psse_err_context_dtype",
        f"tf.io.parse_single_sequence_example(s, {SEQ_CONTEXT})",
        {"s": seq({"label": ("b", [b"x"]), "length": ("f", [1.0])}, {})},
    ),
    (
        "pseq_err_context_count",
        "tf.io.parse_sequence_example(s, {'d':"
        " tf.io.FixedLenFeature([2], tf.float32, default_value=[9.0, 8.0])})",
        {"s": [seq({"d": ("f", [1, 2])}), seq({"d": ("f", [1])})]},
    ),
    (
        "pseq_err_unparseable",
        f"tf.io.parse_sequence_example(s, {SEQ_CONTEXT})",
        {"s": [b"\xff\xff\xff"]},
    ),
    ("pseq_err_build_nothing", "tf.io.parse_sequence_example(s)", {"s": SEQ_RECORDS}),
]

CSV_DEFAULTS = "[[0.0], [0], ['x']]"
CSV_CASES = [
    ("csv_basic", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1.5,2,abc", b"3,4,def"]}),
    (
        "csv_quoted",
        f"tf.io.decode_csv(r, {CSV_DEFAULTS})",
        {"r": [b'"1.5",2,"a,b"', b'3,4,"d""e"']},
    ),
    (
        "csv_no_quote_delim",
        f"tf.io.decode_csv(r, {CSV_DEFAULTS}, use_quote_delim=False)",
        {"r": [b'1,2,a"b']},
    ),
    (
        "csv_na_value",
        f"tf.io.decode_csv(r, {CSV_DEFAULTS}, na_value='NA')",
        {"r": [b"NA,2,x", b"1,NA,NA"]},
    ),
    ("csv_empty_fields", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b",,", b"1,2,"]}),
    ("csv_spaces", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b" 1.5 , 2 ,  x "]}),
    ("csv_delim", f"tf.io.decode_csv(r, {CSV_DEFAULTS}, field_delim=';')", {"r": [b"1;2;x"]}),
    (
        "csv_select_cols",
        "tf.io.decode_csv(r, [[0], ['q']], select_cols=[1, 3])",
        {"r": [b"1,2,3,4,5", b"6,7,8,9"]},
    ),
    (
        "csv_select_quoted",
        "tf.io.decode_csv(r, [['x'], ['y']], select_cols=[0, 2])",
        {"r": [b'"a,b",2,"c",4']},
    ),
    (
        "csv_types",
        "tf.io.decode_csv(r, [tf.constant([0], tf.int64), tf.constant([0.0],"
        " tf.float64), tf.constant([], tf.int32)])",
        {"r": [b"9999999999,1.123456789012345,3"]},
    ),
    ("csv_scalar_default", "tf.io.decode_csv(r, [[0.0], tf.constant(7), ['x']])", {"r": [b"1,,x"]}),
    ("csv_scalar_record", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": b"1,2,x"}),
    ("csv_2d_records", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [[b"1,2,x"], [b"3,4,y"]]}),
    ("csv_leading_newline", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"\n1,2,x"]}),
    ("csv_hex_inf", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"0x10,1,x", b"inf,2,y"]}),
    ("csv_err_quote_inside", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b'1,2,a"b']}),
    ("csv_err_quote_unclosed", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b'1,2,"ab']}),
    ("csv_err_quote_unescaped", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b'1,2,"a"b"']}),
    ("csv_err_required", "tf.io.decode_csv(r, [[], [0], ['x']])", {"r": [b"1,2,x", b",2,x"]}),
    ("csv_err_too_few", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1,2"]}),
    ("csv_err_too_many", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1,2,x,4"]}),
    ("csv_err_bad_float", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1x,2,x"]}),
    ("csv_err_bad_int", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1,2.5,x"]}),
    ("csv_err_int_overflow", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1,9999999999,x"]}),
    ("csv_err_newline", f"tf.io.decode_csv(r, {CSV_DEFAULTS})", {"r": [b"1,2,x\n"]}),
    ("csv_err_select_few", "tf.io.decode_csv(r, [[0], [0]], select_cols=[1, 3])", {"r": [b"1,2"]}),
    ("csv_err_empty_record", "tf.io.decode_csv(r, [[0]])", {"r": [b""]}),
    ("csv_err_delim", f"tf.io.decode_csv(r, {CSV_DEFAULTS}, field_delim=';;')", {"r": [b"1"]}),
    ("csv_err_build_two_defaults", "tf.io.decode_csv(r, [[0.0], [1, 2]])", {"r": [b"1,2"]}),
    (
        "csv_err_build_select_order",
        "tf.io.decode_csv(r, [[0], [0]], select_cols=[3, 1])",
        {"r": [b"1,2,3,4"]},
    ),
]

RAW_VALUES = np.array([1, -2, 300, 70000], np.int32).tobytes()
RAW_CASES = [
    (
        f"raw_{dtype}_{'le' if little else 'be'}",
        f"tf.io.decode_raw(b, tf.{dtype}, little_endian={little})",
        {"b": [RAW_VALUES, RAW_VALUES[::-1]]},
    )
    for dtype in (
        "uint8",
        "int16",
        "uint16",
        "int32",
        "int64",
        "float32",
        "float64",
        "float16",
        "complex64",
    )
    for little in (True, False)
] + [
    ("raw_scalar", "tf.io.decode_raw(b, tf.int32)", {"b": RAW_VALUES}),
    ("raw_empty_strings", "tf.io.decode_raw(b, tf.int32)", {"b": [b"", b""]}),
    ("raw_v1_bytes_arg", "tf.decode_raw(bytes=b, out_type=tf.uint8)", {"b": [b"ab"]}),
    ("raw_err_sizes", "tf.io.decode_raw(b, tf.uint8)", {"b": [b"ab", b"abc"]}),
    ("raw_err_multiple", "tf.io.decode_raw(b, tf.int32)", {"b": [b"abc"]}),
]

COMPRESSED = {
    "ZLIB": [__import__("zlib").compress(b"hello world" * 3), __import__("zlib").compress(b"")],
    "GZIP": [
        __import__("gzip").compress(b"hello", mtime=0),
        __import__("gzip").compress(b"x", mtime=0),
    ],
    "": [b"plain", b""],
}
COMPRESS_CASES = [
    (
        f"compressed_{kind or 'none'}",
        f"tf.io.decode_compressed(b, compression_type='{kind}')",
        {"b": data},
    )
    for kind, data in COMPRESSED.items()
] + [
    (
        "compressed_err_bad_zlib",
        "tf.io.decode_compressed(b, compression_type='ZLIB')",
        {"b": [b"garbage"]},
    ),
    (
        "compressed_err_bad_gzip",
        "tf.io.decode_compressed(b, compression_type='GZIP')",
        {"b": [b"garbage"]},
    ),
    ("compressed_err_type", "tf.io.decode_compressed(b, compression_type='FOO')", {"b": [b"x"]}),
]

NUMBER_TEXTS = [
    b"12",
    b" 12 ",
    b"1e3",
    b"0x10",
    b"inf",
    b"-inf",
    b"nan",
    b"1.5",
    b"-3",
    b"99999999999",
    b"+4",
    b"-0",
    b".5",
    b"5.",
    b"INF",
    b"infinity",
    b"18446744073709551615",
    b"-1",
    b"1e40",
]
NUMBER_BAD = [b"abc", b"", b"1_000", b"  ", b"1.5f"]
NUMBER_CASES = []
for _dtype in ("float32", "float64", "int32", "int64", "uint32", "uint64"):
    for _index, _text in enumerate(NUMBER_TEXTS + NUMBER_BAD):
        NUMBER_CASES.append(
            (
                f"s2n_{_dtype}_{_index}",
                f"tf.string_to_number(t, out_type=tf.{_dtype})",
                {"t": [_text]},
            )
        )
NUMBER_CASES.append(("s2n_default_float", "tf.strings.to_number(t)", {"t": [[b"1.25", b"-2"]]}))

CASES = EXAMPLE_CASES + SEQUENCE_CASES + CSV_CASES + RAW_CASES + COMPRESS_CASES + NUMBER_CASES


# ---------------------------------------------------------------------- recording


def encode_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def encode_input(value):
    """A JSON form of an input: nested lists of base64 strings."""
    if isinstance(value, bytes):
        return encode_bytes(value)
    return [encode_input(item) for item in value]


def encode_array(value) -> dict:
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        flat = [
            encode_bytes(item if isinstance(item, bytes) else str(item).encode())
            for item in array.reshape(-1)
        ]
        return {"dtype": "string", "shape": list(array.shape), "values": flat}
    flat = array.reshape(-1)
    if array.dtype.kind == "c":
        values = [[repr(float(x.real)), repr(float(x.imag))] for x in flat]
    elif array.dtype.kind == "f":
        values = [repr(float(x)) for x in flat]
    else:
        values = [int(x) for x in flat]
    return {"dtype": array.dtype.name, "shape": list(array.shape), "values": values}


def encode_value(value):
    """A JSON form of a fetched structure (dicts, lists, SparseTensorValues, arrays)."""
    if isinstance(value, dict):
        return {"dict": {key: encode_value(item) for key, item in value.items()}}
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return {
            "sparse": [
                encode_array(value.indices),
                encode_array(value.values),
                encode_array(value.dense_shape),
            ]
        }
    if isinstance(value, (list, tuple)):
        return {"list": [encode_value(item) for item in value]}
    return {"array": encode_array(value)}


def static_shapes(tf, value):
    if isinstance(value, dict):
        return {key: static_shapes(tf, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [static_shapes(tf, item) for item in value]
    if isinstance(value, tf.SparseTensor):
        return [
            static_shapes(tf, value.indices),
            static_shapes(tf, value.values),
            static_shapes(tf, value.dense_shape),
        ]
    return None if value.shape.rank is None else value.shape.as_list()


def core_message(message: str) -> str:
    """The TF message without the node/graph context TF adds around it."""
    found = re.search(r"\nNode: '[^']*'\n(.*?)\n\t \[\[", message, re.S)
    if found:
        return found.group(1)
    return message.split("\n\t [[")[0].split(" for '{{node ")[0]


def _placeholder(tf, value):
    shape = np.asarray(value, dtype=object).shape
    return tf.placeholder(tf.string, shape=shape)


def record(tf, expr, inputs) -> dict:
    """The golden of one case: static shapes and outputs, or the error."""
    graph = tf.Graph()
    with graph.as_default():
        feeds = {name: _placeholder(tf, value) for name, value in inputs.items()}
        try:
            code = compile(expr, __file__, "eval")
            result = eval(code, {"tf": tf, "np": np, **feeds})  # noqa: S307 - our case table
        except Exception as err:  # noqa: BLE001 - the class and message are the golden
            return {"build_error": type(err).__name__, "message": core_message(str(err))}
        info = {"shapes": static_shapes(tf, result)}
        feed_values = {
            feeds[name]: np.asarray(value, dtype=object) for name, value in inputs.items()
        }
        try:
            with tf.Session(graph=graph) as sess:
                info["outputs"] = encode_value(sess.run(result, feed_values))
        except tf.errors.OpError as err:
            info.update(run_error=type(err).__name__, message=core_message(err.message))
        except UnicodeDecodeError as err:
            # TF cannot turn a message with raw non-UTF-8 bytes into a Python error.
            info.update(run_error="UnicodeDecodeError", message=str(err))
        return info


def generate(tf, writer):
    for name, expr, inputs in CASES:
        info = record(tf, expr, inputs)
        meta = {"call": expr, "inputs": {k: encode_input(v) for k, v in inputs.items()}, **info}
        writer.save(name, {}, meta)
