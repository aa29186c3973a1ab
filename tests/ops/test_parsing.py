"""The parsing op family: Example / SequenceExample parsing, DecodeRaw, DecodeCSV,
DecodeCompressed and StringToNumber (ndflow/ops/parsing).

Values are checked against tests/support/reference/parsing.py (the protobuf library plus plain
loops) and explicit cases; TF's exact semantics and messages are in test_parsing_goldens.py.
Here also: the vectorized batch parser against the exact one on random and unusual wire
layouts, the graph TF builds, and errors naming the feature key and example index.
"""

from __future__ import annotations

import gzip
import struct
import zlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.formats import example as example_format
from ndflow.formats import example_batch
from ndflow.formats import example_config
from ndflow.formats import example_exact
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase
from tests.support.reference import parsing as ref

STRING = dtypes.string


def _strings(values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _example(**features) -> bytes:
    return example_format.make_example(features).SerializeToString()


RNG = np.random.default_rng(0)
BATCH = _strings(
    [
        _example(
            f=RNG.normal(size=3).astype(np.float32),
            i=[k],
            s=[b"s%d" % k],
            v=np.arange(k % 3, dtype=np.int64),
        )
        for k in range(12)
    ]
)
SPEC = {
    "f": tf.io.FixedLenFeature([3], tf.float32),
    "i": tf.io.FixedLenFeature([], tf.int64),
    "s": tf.io.FixedLenFeature([], tf.string),
    "v": tf.io.VarLenFeature(tf.int64),
}


def _parse_example_outputs(serialized):
    out = tf.io.parse_example(serialized, SPEC)
    return [out["f"], out["i"], out["s"], out["v"].indices, out["v"].values, out["v"].dense_shape]


def _parse_example_reference(serialized):
    indices, values, shape = ref.parse_sparse(serialized, "v", np.int64)
    return [
        ref.parse_dense(serialized, "f", np.float32, [3]),
        ref.parse_dense(serialized, "i", np.int64, []),
        ref.parse_dense(serialized, "s", object, []),
        indices,
        values,
        shape,
    ]


def _parse_single_example_op(serialized):
    return op_builder.apply_op(
        "ParseSingleExample",
        serialized,
        [tf.constant([], tf.float32)],
        num_sparse=1,
        sparse_keys=["v"],
        dense_keys=["f"],
        sparse_types=[tf.int64],
        dense_shapes=[[3]],
    )[3]


def _parse_example_v1_op(serialized):
    """TF1's ParseExample (the op in TF1 SavedModels): keys are N scalar inputs."""
    indices, values, shapes, dense = op_builder.apply_op(
        "ParseExample",
        serialized,
        [],
        ["v"],
        ["f", "i"],
        [tf.constant([], tf.float32), tf.constant([], tf.int64)],
        sparse_types=[tf.int64],
        dense_shapes=[[3], []],
    )
    return [dense[0], dense[1], indices[0], values[0], shapes[0]]


def _parse_example_v1_reference(serialized):
    indices, values, shape = ref.parse_sparse(serialized, "v", np.int64)
    dense_f = ref.parse_dense(serialized, "f", np.float32, [3])
    return [dense_f, ref.parse_dense(serialized, "i", np.int64, []), indices, values, shape]


SEQUENCE = example_format.make_sequence_example(
    {"n": [3]}, {"t": [[1, 2], [3]], "x": [[0.5], [1.5]]}
).SerializeToString()


def _parse_sequence(serialized):
    context, lists, lengths = tf.io.parse_sequence_example(
        serialized,
        {"n": tf.io.FixedLenFeature([], tf.int64)},
        {"x": tf.io.FixedLenSequenceFeature([1], tf.float32), "t": tf.io.VarLenFeature(tf.int64)},
    )
    return [lists["x"], context["n"], lengths["x"], lists["t"].indices, lists["t"].values]


def _parse_single_sequence_op(serialized):
    outputs = op_builder.apply_op(
        "ParseSingleSequenceExample",
        serialized=serialized,
        feature_list_dense_missing_assumed_empty=tf.constant([], tf.string),
        context_sparse_keys=[],
        context_dense_keys=["n"],
        feature_list_sparse_keys=["t"],
        feature_list_dense_keys=["x"],
        context_dense_defaults=[tf.constant([], tf.int64)],
        debug_name=tf.constant("", tf.string),
        feature_list_sparse_types=[tf.int64],
        feature_list_dense_types=[tf.float32],
        context_dense_shapes=[[]],
        feature_list_dense_shapes=[[1]],
    )
    return [outputs[7][0], outputs[3][0], outputs[4][0], outputs[5][0]]


CSV_RECORDS = _strings([b"1.5,2,abc", b"3,,d e", b"-2,7,"])
RAW = _strings([struct.pack("<3i", 1, -2, 300), struct.pack("<3i", 7, 8, 9)])

OP_SPECS = [
    OpSpec(
        "ParseExampleV2",
        _parse_example_outputs,
        cases=[
            ([BATCH], _parse_example_reference(BATCH)),
            ([BATCH[:3]], _parse_example_reference(BATCH[:3])),
        ],
        shape_cases=[
            ShapeCase([([12], STRING)], [12, 3]),
            ShapeCase([([None], STRING)], [None, 3]),
            ShapeCase([(None, STRING)], None),
            ShapeCase([([2, 2], STRING)], error="Shape must be at most rank 1 but is rank 2"),
        ],
        grad="parses serialized protos",
    ),
    OpSpec(
        "ParseExample",
        _parse_example_v1_op,
        cases=[([BATCH], _parse_example_v1_reference(BATCH))],
        shape_cases=[
            ShapeCase([([12], STRING)], [12, 3]),
            ShapeCase([([None], STRING)], [None, 3]),
            ShapeCase([([], STRING)], error="Shape must be rank 1 but is rank 0"),
        ],
        grad="parses serialized protos",
    ),
    OpSpec(
        "ParseSingleExample",
        _parse_single_example_op,
        cases=[
            (
                [np.array(BATCH[4], dtype=object)],
                ref.parse_dense(BATCH[4:5], "f", np.float32, [3])[0],
            )
        ],
        shape_cases=[
            ShapeCase([([], STRING)], [3]),
            ShapeCase([(None, STRING)], [3]),
            ShapeCase([([3], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="parses serialized protos",
    ),
    OpSpec(
        "ParseSequenceExampleV2",
        _parse_sequence,
        cases=[
            (
                [_strings([SEQUENCE, SEQUENCE])],
                [
                    np.array([[[0.5], [1.5]]] * 2, np.float32),
                    np.array([3, 3], np.int64),
                    np.array([2, 2], np.int64),
                    np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]]),
                    np.array([1, 2, 3, 1, 2, 3]),
                ],
            )
        ],
        shape_cases=[
            ShapeCase([([2], STRING)], [2, None, 1]),
            ShapeCase([([None], STRING)], [None, None, 1]),
            ShapeCase([([], STRING)], [None, 1]),
            ShapeCase([(None, STRING)], None),
            ShapeCase([([1, 1], STRING)], error="Shape must be at most rank 1 but is rank 2"),
        ],
        grad="parses serialized protos",
    ),
    OpSpec(
        "ParseSingleSequenceExample",
        _parse_single_sequence_op,
        cases=[
            (
                [np.array(SEQUENCE, dtype=object)],
                [
                    np.array([[0.5], [1.5]], np.float32),
                    np.array(3, np.int64),
                    np.array([[0, 0], [0, 1], [1, 0]]),
                    np.array([1, 2, 3]),
                ],
            )
        ],
        shape_cases=[
            ShapeCase([([], STRING)], [None, 1]),
            ShapeCase([(None, STRING)], [None, 1]),
            ShapeCase([([2], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="parses serialized protos",
    ),
    OpSpec(
        "DecodeRaw",
        lambda b: tf.io.decode_raw(b, tf.int32),
        cases=[
            ([RAW], ref.decode_raw(RAW, np.int32)),
            ([RAW.reshape(2, 1)], ref.decode_raw(RAW.reshape(2, 1), np.int32)),
            ([np.array(RAW[0], dtype=object)], ref.decode_raw(RAW[0], np.int32)),
        ],
        shape_cases=[
            ShapeCase([([2], STRING)], [2, None]),
            ShapeCase([([None, 3], STRING)], [None, 3, None]),
            ShapeCase([(None, STRING)], None),
            ShapeCase([([], STRING)], [None]),
        ],
        grad="decodes strings",
    ),
    OpSpec(
        "DecodeCSV",
        lambda r: tf.io.decode_csv(r, [[0.0], [0], ["x"]]),
        cases=[([CSV_RECORDS], ref.decode_csv(CSV_RECORDS, [0.0, 0, "x"]))],
        shape_cases=[
            ShapeCase([([3], STRING)], [3]),
            ShapeCase([([None, 2], STRING)], [None, 2]),
            ShapeCase([(None, STRING)], None),
        ],
        grad="decodes strings",
    ),
    OpSpec(
        "DecodeCompressed",
        lambda b: tf.io.decode_compressed(b, "ZLIB"),
        cases=[
            (
                [_strings([zlib.compress(b"hello"), zlib.compress(b"")])],
                _strings([b"hello", b""]),
            )
        ],
        shape_cases=[
            ShapeCase([([2], STRING)], [2]),
            ShapeCase([([None], STRING)], [None]),
            ShapeCase([(None, STRING)], None),
        ],
        grad="decodes strings",
    ),
    OpSpec(
        "StringToNumber",
        lambda s: tf.string_to_number(s, tf.int64),
        cases=[
            (
                [_strings([b"12", b"-3", b" 4 "])],
                ref.string_to_number(_strings([b"12", b"-3", b"4"]), np.int64),
            )
        ],
        shape_cases=[
            ShapeCase([([3], STRING)], [3]),
            ShapeCase([([None, 2], STRING)], [None, 2]),
            ShapeCase([(None, STRING)], None),
        ],
        grad="decodes strings",
    ),
]


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_shape_cases(spec):
    op_check.check_shape_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_is_declared_not_differentiable(spec):
    assert tf.NotDifferentiable is not None
    from ndflow.framework import registry

    assert registry.not_differentiable_reason(spec.op_type)


# ---------------------------------------------------------------------- the graph TF builds


def test_parse_example_builds_tensorflow_node_names():
    spec = {
        "f": tf.io.FixedLenFeature([3], tf.float32),
        "i": tf.io.FixedLenFeature([], tf.int64, default_value=5),
        "s": tf.io.FixedLenFeature([], tf.string),
        "v": tf.io.VarLenFeature(tf.int64),
        "q": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
    }
    with tf.Graph().as_default() as graph:
        serialized = tf.placeholder(tf.string, [None])
        out = tf.io.parse_example(serialized, spec)
        names = [f"{op.name}:{op.type}" for op in graph.get_operations()]
    assert names == [
        "Placeholder:Placeholder",
        "ParseExample/Const:Const",
        "ParseExample/key_i:Const",
        "ParseExample/Reshape/shape:Const",
        "ParseExample/Reshape:Reshape",
        "ParseExample/Const_1:Const",
        "ParseExample/Const_2:Const",
        "ParseExample/ParseExampleV2/names:Const",
        "ParseExample/ParseExampleV2/sparse_keys:Const",
        "ParseExample/ParseExampleV2/dense_keys:Const",
        "ParseExample/ParseExampleV2/ragged_keys:Const",
        "ParseExample/ParseExampleV2:ParseExampleV2",
    ]
    assert out["q"].shape.as_list() == [None, None, 2]
    assert out["v"].indices.shape.as_list() == [None, 2]


def test_sparse_feature_builds_tensorflow_sparse_merge():
    with tf.Graph().as_default() as graph:
        serialized = tf.placeholder(tf.string, [None])
        out = tf.io.parse_example(
            serialized, {"sp": tf.io.SparseFeature("ix", "val", tf.float32, 10)}
        )
        names = [f"{op.name}:{op.type}" for op in graph.get_operations()]
        records = _strings([_example(ix=[4, 1], val=[0.5, -1.0]), _example(ix=[9], val=[2.0])])
        with tf.Session() as sess:
            value = sess.run(out["sp"], {serialized: records})
    merge = [name for name in names if name.startswith("SparseMerge/")]
    assert merge[-3:] == [
        "SparseMerge/concat_1:ConcatV2",
        "SparseMerge/SparseReorder:SparseReorder",
        "SparseMerge/Identity:Identity",
    ]
    assert value.indices.tolist() == [[0, 1], [0, 4], [1, 9]]
    assert value.values.tolist() == [-1.0, 0.5, 2.0]
    assert value.dense_shape.tolist() == [2, 10]


def test_parse_single_example_with_unknown_rank_asserts_scalar():
    with tf.Graph().as_default() as graph:
        serialized = tf.placeholder(tf.string)
        out = tf.io.parse_single_example(serialized, {"f": tf.io.FixedLenFeature([3], tf.float32)})
        names = [op.name for op in graph.get_operations()]
        assert any(name.startswith("ParseSingleExample/SerializedIsScalar") for name in names)
        assert "ParseSingleExample/ParseExample/ParseExampleV2" in names
        assert out["f"].shape.as_list() == [3]
        with tf.Session() as sess:
            value = sess.run(out["f"], {serialized: BATCH[0]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="must be a scalar"):
                sess.run(out["f"], {serialized: BATCH[:2]})
    np.testing.assert_array_equal(value, ref.parse_dense(BATCH[:1], "f", np.float32, [3])[0])


# ---------------------------------------------------------------------- errors


def test_float_feature_stored_as_int64_names_key_and_index():
    serialized = _strings([_example(x=[1.0]), _example(x=[1.0]), _example(x=[7])])
    with tf.Graph().as_default():
        out = tf.io.parse_example(serialized, {"x": tf.io.FixedLenFeature([1], tf.float32)})
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(out["x"])
    assert "Name: <unknown>, Key: x, Index: 2.  Data types don't match. Data type: int64" in str(
        info.value
    )
    assert "ParseExample/ParseExampleV2" in str(info.value)


def test_missing_required_feature_is_invalid_argument():
    with tf.Graph().as_default():
        out = tf.io.parse_example(
            _strings([_example(y=[1.0])] * 10),
            {"x": tf.io.VarLenFeature(tf.float32), "z": tf.io.FixedLenFeature([], tf.int64)},
        )
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="Feature: z"),
        ):
            sess.run(out["z"])


def test_invalid_feature_configs_raise_value_error():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="cannot be None or falsy"):
            tf.io.parse_example(BATCH, {})
        with pytest.raises(ValueError, match="Unsupported FixedLenSequenceFeature"):
            tf.io.parse_sequence_example(BATCH, {"x": tf.io.FixedLenSequenceFeature([], tf.int64)})
        with pytest.raises(ValueError, match="Dense and sparse keys must not intersect"):
            tf.io.parse_example(
                BATCH,
                {
                    "x": tf.io.FixedLenFeature([], tf.int64),
                    "y": tf.io.SparseFeature("x", "v", tf.float32, 3),
                },
            )


# ---------------------------------------------------------------------- vectorized == exact


def _random_example(rng) -> bytes:
    features = {}
    if rng.random() < 0.9:
        features["f"] = rng.normal(size=int(rng.integers(0, 4))).astype(np.float32)
    if rng.random() < 0.9:
        features["i"] = rng.integers(-(2**62), 2**62, size=int(rng.integers(0, 3)))
    if rng.random() < 0.9:
        features["s"] = _strings(
            [
                bytes(rng.integers(0, 256, int(rng.integers(0, 5)), dtype=np.uint8))
                for _ in range(int(rng.integers(0, 3)))
            ]
        )
    if rng.random() < 0.5:
        features["other"] = [1.5]
    keys = list(features)
    rng.shuffle(keys)
    return _example(**{key: features[key] for key in keys})


VARLEN_CONFIG = example_config.Config(
    sparse=[
        example_config.SparseSpec("f", dtypes.float32),
        example_config.SparseSpec("i", dtypes.int64),
        example_config.SparseSpec("s", dtypes.string),
    ],
    ragged=[example_config.RaggedSpec("f", dtypes.float32, dtypes.int32)],
)


def _assert_columns_equal(fast, exact):
    for left, right in zip(fast, exact):
        np.testing.assert_array_equal(left.counts, right.counts)
        assert left.values.dtype == right.values.dtype
        assert left.values.tolist() == right.values.tolist()


def test_vectorized_parse_equals_exact_parse_on_random_examples():
    rng = np.random.default_rng(1)
    serialized = [_random_example(rng) for _ in range(300)]
    fast = example_batch.parse_batch(serialized, VARLEN_CONFIG)
    assert fast is not None, "well-formed Examples must take the vectorized path"
    _assert_columns_equal(fast, example_exact.parse_batch(serialized, VARLEN_CONFIG))


def _field(number, payload):
    return bytes([number << 3 | 2, len(payload)]) + payload


UNUSUAL = [
    b"",  # an empty Example
    _field(1, b""),  # empty Features
    _field(1, _field(1, _field(2, _field(2, b"")) + _field(1, b"f"))),  # value before key
    _field(1, _field(1, _field(1, b"i") + _field(2, _field(3, b"\x08\x05\x08\x06")))),  # unpacked
    _example(i=[1]) + _example(i=[2]),  # concatenated Examples: the last key wins
    b"\x10\x07" + _example(i=[3]),  # an unknown varint field
]


@pytest.mark.parametrize("index", range(len(UNUSUAL)))
def test_unusual_layouts_defer_to_the_exact_parser(index):
    serialized = [UNUSUAL[index]] * 10
    parsed = example_format.parse_examples(serialized, VARLEN_CONFIG)
    columns = example_exact.parse_batch(serialized, VARLEN_CONFIG)
    expected = example_config.assemble(VARLEN_CONFIG, columns, 10)
    for left, right in zip(parsed.sparse_values, expected.sparse_values):
        assert left.tolist() == right.tolist()


def test_unusual_layouts_parse_like_the_protobuf_library():
    serialized = [UNUSUAL[4], UNUSUAL[5], UNUSUAL[3]] * 3
    parsed = example_format.parse_examples(serialized, VARLEN_CONFIG)
    _, values, _ = ref.parse_sparse(serialized, "i", np.int64)
    assert parsed.sparse_values[1].tolist() == values.tolist()


# ---------------------------------------------------------------------- decoders


def test_decode_raw_big_endian_matches_struct():
    data = _strings([struct.pack(">4h", 1, -2, 300, 7)])
    with tf.Graph().as_default(), tf.Session() as sess:
        value = sess.run(tf.io.decode_raw(data, tf.int16, little_endian=False))
    np.testing.assert_array_equal(value, ref.decode_raw(data, np.int16, little_endian=False))


def test_decode_compressed_gzip_and_errors():
    data = _strings([gzip.compress(b"abc"), gzip.compress(b"")])
    with tf.Graph().as_default(), tf.Session() as sess:
        assert sess.run(tf.io.decode_compressed(data, "GZIP")).tolist() == [b"abc", b""]
        with pytest.raises(tf.errors.DataLossError, match="incorrect header check"):
            sess.run(tf.io.decode_compressed(_strings([b"junk"]), "GZIP"))


def test_decode_csv_select_cols_and_na_value():
    records = _strings([b"1,NA,x,4", b"2,5,y,NA"])
    with tf.Graph().as_default(), tf.Session() as sess:
        a, b = sess.run(tf.io.decode_csv(records, [[0], [-1]], na_value="NA", select_cols=[1, 3]))
    assert a.tolist() == [0, 5] and b.tolist() == [4, -1]


def test_string_to_number_rejects_non_numbers():
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly convert"):
            sess.run(tf.strings.to_number(_strings([b"1", b"x"])))
