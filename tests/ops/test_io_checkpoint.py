"""The checkpoint ops of the io family (ndflow/ops/io/checkpoint.py): SaveV2, RestoreV2,
MergeV2Checkpoints, ShardedFilename and ShardedFilespec, one OP_SPECS row each, then their
error cases with TF's messages, slices of partitioned tensors, and a sharded save merged the
way tf.train.Saver(sharded=True) does it. The bundle format itself is tested in
tests/formats/test_tensor_bundle.py."""

from __future__ import annotations

import atexit
import base64
import json
import os
import pathlib
import shutil
import tempfile

import numpy as np
import pytest

import ndflow as tf
from ndflow.formats import tensor_bundle
from ndflow.framework import dtypes
from ndflow.ops import io as io_ops
from tests.support import op_check
from tests.support.op_check import OpSpec
from tests.support.op_check import ShapeCase

STRING = dtypes.string
F32 = dtypes.float32
I32 = dtypes.int32
FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"
CKPT_100 = str(FIXTURE / "model.ckpt-100")
EXPECTED = np.load(FIXTURE / "expected.npz")
# OP_SPECS rows need paths at import time: one private directory per test process.
_DIR = tempfile.mkdtemp(prefix="ndflow_test_io_checkpoint_")
atexit.register(shutil.rmtree, _DIR, True)


def _text(path) -> np.ndarray:
    return np.array(str(path).encode(), dtype=object)


def _save_then_restore(prefix, value):
    """SaveV2 of `value` (and a string tensor), then RestoreV2 of it, ordered."""
    words = tf.constant(np.array([b"a", b"\xc3\xbc", b""], dtype=object))
    save = io_ops.save_v2(prefix, ["value", "words"], ["", ""], [value, words])
    with tf.control_dependencies([save]):
        restored = io_ops.restore_v2(prefix, ["value"], [""], [value.dtype.base_dtype])
    return restored[0]


def _restore_slice(prefix):
    return io_ops.restore_v2(prefix, ["partitioned"], ["10 4 4,3:-"], [F32])[0]


def _sharded_save_merged(destination):
    """Two shards saved under `<destination>_temp/`, merged into `destination`, restored."""
    shards = []
    for shard, value in enumerate([np.float32(1.5), np.arange(3, dtype=np.float32)]):
        shard_prefix = io_ops.sharded_filename(
            tf.strings.join([destination, "_temp/part"]), shard, 2
        )
        save = io_ops.save_v2(shard_prefix, [f"v{shard}"], [""], [tf.constant(value)])
        with tf.control_dependencies([save]):
            shards.append(tf.identity(shard_prefix))
    merge = io_ops.merge_v2_checkpoints(tf.stack(shards), destination)
    with tf.control_dependencies([merge]):
        return io_ops.restore_v2(destination, ["v1"], [""], [F32])[0]


def _v1_save_then_restore(filename, value):
    """Save (V1) of `value` and a string tensor, then Restore of it, ordered."""
    words = tf.constant(np.array([b"a", b""], dtype=object))
    save = io_ops.save(filename, ["value", "words"], [value, words])
    with tf.control_dependencies([save]):
        return io_ops.restore(filename, "value", value.dtype.base_dtype)


def _strings_value():
    return np.array([[b"a", b""], [b"\xc3\xbc", b"x" * 300]], dtype=object)


def _v1_strings_restored(filename):
    save = io_ops.save(filename, ["words"], [tf.constant(_strings_value())])
    with tf.control_dependencies([save]):
        return io_ops.restore(filename, "words", tf.string)


def _v1_slices_then_restore_slice(filename):
    """SaveSlices of two row blocks of a [5, 4] tensor, then RestoreSlice across both."""
    full = np.arange(20, dtype=np.float32).reshape(5, 4)
    save = io_ops.save_slices(
        filename,
        ["p", "p"],
        ["5 4 0,2:-", "5 4 2,3:-"],
        [tf.constant(full[:2]), tf.constant(full[2:])],
    )
    with tf.control_dependencies([save]):
        return io_ops.restore_slice(filename, "p", "5 4 1,3:1,2", tf.float32)


OP_SPECS = [
    OpSpec(
        "SaveV2",
        _save_then_restore,
        cases=[
            ([_text(os.path.join(_DIR, "save", "m")), np.arange(6.0).reshape(2, 3)], None),
            ([_text(os.path.join(_DIR, "save", "m")), np.array([True, False])], None),
            ([_text(os.path.join(_DIR, "save", "m")), np.float32(2.5)], None),
        ],
        shape_cases=[
            ShapeCase([([], STRING), ([2, 3], F32)], None),
            ShapeCase([([2], STRING), ([2, 3], F32)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="checkpoint file access",
    ),
    OpSpec(
        "RestoreV2",
        _restore_slice,
        cases=[([_text(CKPT_100)], EXPECTED["partitioned"][4:7])],
        shape_cases=[
            ShapeCase([([], STRING)], [3, 4]),
            ShapeCase([([1], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="checkpoint file access",
    ),
    OpSpec(
        "MergeV2Checkpoints",
        _sharded_save_merged,
        cases=[([_text(os.path.join(_DIR, "merged"))], np.arange(3, dtype=np.float32))],
        shape_cases=[
            ShapeCase([([], STRING)], None),
            ShapeCase([([3], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="checkpoint file access",
    ),
    OpSpec(
        "ShardedFilename",
        io_ops.sharded_filename,
        cases=[
            ([_text("/tmp/x/part"), np.int32(1), np.int32(3)], b"/tmp/x/part-00001-of-00003"),
            ([_text("b"), np.int32(123456), np.int32(7)], b"b-123456-of-00007"),
        ],
        shape_cases=[ShapeCase([([], STRING), ([], I32), ([], I32)], [])],
        grad="checkpoint file access",
    ),
    OpSpec(
        "ShardedFilespec",
        io_ops.sharded_filespec,
        cases=[([_text("/tmp/x/part"), np.int32(3)], b"/tmp/x/part-?????-of-00003")],
        shape_cases=[ShapeCase([([], STRING), ([], I32)], [])],
        grad="checkpoint file access",
    ),
    OpSpec(
        "Save",
        _v1_save_then_restore,
        cases=[
            ([_text(os.path.join(_DIR, "v1.ckpt")), np.arange(6.0).reshape(2, 3)], None),
            ([_text(os.path.join(_DIR, "v1.ckpt")), np.array([1, -2], np.int16)], None),
            ([_text(os.path.join(_DIR, "v1.ckpt")), np.float16(2.5)], None),
        ],
        shape_cases=[
            ShapeCase([([], STRING), ([2, 3], F32)], None),
            ShapeCase([([2], STRING), ([2, 3], F32)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="checkpoint file access",
    ),
    OpSpec(
        "SaveSlices",
        _v1_slices_then_restore_slice,
        cases=[
            (
                [_text(os.path.join(_DIR, "v1_slices.ckpt"))],
                np.array([[5, 6], [9, 10], [13, 14]], np.float32),
            )
        ],
        shape_cases=[
            ShapeCase([([], STRING)], [3, 2]),
            ShapeCase([([1], STRING)], error="Shape must be rank 0 but is rank 1"),
        ],
        grad="checkpoint file access",
    ),
    OpSpec(
        "Restore",
        _v1_strings_restored,
        cases=[([_text(os.path.join(_DIR, "v1_strings.ckpt"))], _strings_value())],
        shape_cases=[ShapeCase([([], STRING)], None)],
        grad="checkpoint file access",
    ),
    OpSpec(
        "RestoreSlice",
        _v1_slices_then_restore_slice,
        cases=[
            (
                [_text(os.path.join(_DIR, "v1_slices2.ckpt"))],
                np.array([[5, 6], [9, 10], [13, 14]], np.float32),
            )
        ],
        shape_cases=[ShapeCase([([], STRING)], [3, 2])],
        grad="checkpoint file access",
    ),
]


def _save_cases_expect_their_input():
    # The SaveV2 and Save rows restore what they saved: the expected value is their input.
    for spec in OP_SPECS[0], OP_SPECS[5]:
        spec.cases = [(inputs, inputs[1]) for inputs, _ in spec.cases]


_save_cases_expect_their_input()


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_cases(spec):
    op_check.check_cases(spec)


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_op_shape_cases(spec):
    op_check.check_shape_cases(spec)


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


# ---------------------------------------------------------------------- RestoreV2


def test_restore_every_fixture_tensor_with_its_dtype():
    expected_json = json.loads((FIXTURE / "expected.json").read_text())
    variables = expected_json["variables"]
    names = sorted(variables)
    types = [tf.as_dtype(variables[name]["dtype"]) for name in names]
    values = _run(io_ops.restore_v2(CKPT_100, names, [""] * len(names), types))
    for name, value in zip(names, values):
        if name.startswith("str_"):
            strings = expected_json["string_variables"][name]["values_b64"]
            want = [base64.b64decode(item) for item in strings]
            assert np.asarray(value, dtype=object).reshape(-1).tolist() == want
            continue
        expected = EXPECTED[name.replace("/", "__")]
        assert value.dtype == expected.dtype and np.array_equal(value, expected), name


def test_restore_slices_of_a_partitioned_tensor():
    specs = ["10 4 0,4:0,4", "10 4 7,3:1,2", "10 4 2,6:-", "10 4 -:3,1"]
    values = _run(io_ops.restore_v2(CKPT_100, ["partitioned"] * 4, specs, [F32] * 4))
    full = EXPECTED["partitioned"]
    expected = [full[0:4], full[7:10, 1:3], full[2:8], full[:, 3:4]]
    for value, want in zip(values, expected):
        np.testing.assert_array_equal(value, want)


def test_restore_a_slice_of_a_whole_tensor():
    value = _run(io_ops.restore_v2(CKPT_100, ["tensor_i32"], ["2 3 4 1,1:0,2:-"], [tf.int32]))
    np.testing.assert_array_equal(value[0], EXPECTED["tensor_i32"][1:2, 0:2])


def test_restore_dtype_mismatch_lists_every_tensor():
    restore = io_ops.restore_v2(CKPT_100, ["vec_f64", "global_step"], ["", ""], [F32, I32])
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        _run(restore)
    assert info.value.message == (
        "tensor_name = global_step; expected dtype int32 does not equal original dtype int64\n"
        "tensor_name = vec_f64; expected dtype float does not equal original dtype double"
    )


def test_restore_missing_key_and_missing_checkpoint_are_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="Key nope not found in checkpoint"):
        _run(io_ops.restore_v2(CKPT_100, ["nope"], [""], [F32]))
    missing = str(tmp_path / "none")
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files for"):
        _run(io_ops.restore_v2(missing, ["a"], [""], [F32]))


def test_restore_slice_spec_with_the_wrong_full_shape():
    restore = io_ops.restore_v2(CKPT_100, ["partitioned"], ["10 5 0,4:-"], [F32])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape in shape_and_slice spec"):
        _run(restore)


def test_restore_counts_must_match():
    names = tf.placeholder(tf.string, [None])
    restore = io_ops.restore_v2(CKPT_100, names, ["", ""], [F32, F32])
    with (
        tf.Session() as sess,
        pytest.raises(tf.errors.InvalidArgumentError, match="3 tensor names"),
    ):
        sess.run(restore, {names: np.array([b"a", b"b", b"c"], dtype=object)})


# ---------------------------------------------------------------------- SaveV2


def test_save_slices_then_read_the_assembled_tensor(tmp_path):
    prefix = str(tmp_path / "sliced")
    full = np.arange(20, dtype=np.float32).reshape(5, 4)
    parts = [tf.constant(full[:2]), tf.constant(full[2:])]
    save = io_ops.save_v2(prefix, ["p", "p"], ["5 4 0,2:-", "5 4 2,3:-"], parts)
    _run(save)
    reader = tensor_bundle.BundleReader(prefix)
    np.testing.assert_array_equal(reader.lookup("p"), full)
    assert [str(s) for s in reader.tensor_slices("p")] == ["0,2:-", "2,3:-"]


def test_save_slice_that_does_not_match_its_tensor(tmp_path):
    save = io_ops.save_v2(str(tmp_path / "x"), ["p"], ["5 4 0,3:-"], [tf.zeros([2, 4])])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not match the shape"):
        _run(save)
    assert not os.path.exists(str(tmp_path / "x.index"))


def test_save_counts_must_match(tmp_path):
    names = tf.placeholder(tf.string, [None])
    save = io_ops.save_v2(str(tmp_path / "x"), names, ["", ""], [tf.zeros([1]), tf.zeros([2])])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(save, {names: np.array([b"a"], dtype=object)})


# ---------------------------------------------------------------------- MergeV2Checkpoints


def test_sharded_save_and_merge_deletes_the_temporary_directory(tmp_path):
    destination = str(tmp_path / "model")
    restored = _sharded_save_merged(destination)
    np.testing.assert_array_equal(_run(restored), np.arange(3, dtype=np.float32))
    assert sorted(os.listdir(tmp_path)) == [
        "model.data-00000-of-00002",
        "model.data-00001-of-00002",
        "model.index",
    ]


def test_merge_missing_prefix(tmp_path):
    tensor_bundle.BundleWriter(str(tmp_path / "a")).finish()
    prefixes = [str(tmp_path / "a"), str(tmp_path / "missing")]
    merge = io_ops.merge_v2_checkpoints(prefixes, str(tmp_path / "out"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="allow_missing_files was set"):
        _run(merge)
    allowed = io_ops.merge_v2_checkpoints(prefixes, str(tmp_path / "out"), allow_missing_files=True)
    _run(allowed)
    assert tensor_bundle.BundleReader(str(tmp_path / "out")).keys() == []


def test_merge_rejects_non_vector_prefixes(tmp_path):
    prefixes = tf.placeholder(tf.string)
    merge = io_ops.merge_v2_checkpoints(prefixes, str(tmp_path / "out"))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="1-D tensor"):
        sess.run(merge, {prefixes: np.array(b"x", dtype=object)})


def test_sharded_filename_rejects_non_scalars():
    shard = tf.placeholder(tf.int32)
    name = io_ops.sharded_filename("b", shard, 2)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="shard must"):
        sess.run(name, {shard: np.array([1, 2], np.int32)})


# ---------------------------------------------------------------------- V1 checkpoints


def test_restore_v2_falls_back_to_a_v1_checkpoint(tmp_path):
    filename = str(tmp_path / "old.ckpt")
    _run(io_ops.save(filename, ["w", "s"], [tf.constant([[1.5, 2.5]]), tf.constant("x")]))
    values = _run(io_ops.restore_v2(filename, ["w", "s"], ["", ""], [F32, tf.string]))
    np.testing.assert_array_equal(values[0], [[1.5, 2.5]])
    assert values[1] == b"x"
    assert tf.train.load_checkpoint(filename).get_tensor("w").tolist() == [[1.5, 2.5]]


def test_v1_restore_errors(tmp_path):
    filename = str(tmp_path / "old.ckpt")
    _run(io_ops.save(filename, ["w"], [tf.constant([1.5])]))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="Expected to restore a tensor of type int32, got a tensor of type float",
    ):
        _run(io_ops.restore(filename, "w", tf.int32))
    with pytest.raises(
        tf.errors.NotFoundError, match='Tensor name "v" not found in checkpoint files'
    ):
        _run(io_ops.restore(filename, "v", F32))
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        _run(io_ops.restore(str(tmp_path / "none*"), "w", F32))
