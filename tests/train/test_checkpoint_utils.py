"""Reading checkpoints from Python (ndflow/train/checkpoint_utils.py): NewCheckpointReader,
load_checkpoint, list_variables and load_variable on the TF-written fixture, TF's error
messages, and init_from_checkpoint (names, variables, scopes, partitions)."""

from __future__ import annotations

import json
import pathlib
import shutil

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops.state import variables as variables_lib
from ndflow.train import checkpoint_utils

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"
CKPT_100 = str(FIXTURE / "model.ckpt-100")
EXPECTED = np.load(FIXTURE / "expected.npz")
VARIABLES = json.loads((FIXTURE / "expected.json").read_text())["variables"]


def _expected(name):
    return EXPECTED[name.replace("/", "__")]


# ---------------------------------------------------------------------- reader


def test_reader_maps_and_values():
    reader = tf.train.NewCheckpointReader(CKPT_100)
    shapes = reader.get_variable_to_shape_map()
    assert shapes == {name: info["shape"] for name, info in VARIABLES.items()}
    dtype_map = reader.get_variable_to_dtype_map()
    assert {name: d.name for name, d in dtype_map.items()} == {
        name: info["dtype"] for name, info in VARIABLES.items()
    }
    assert dtype_map["tensor_f16"] is tf.float16
    assert reader.has_tensor("partitioned") and not reader.has_tensor("nope")
    np.testing.assert_array_equal(reader.get_tensor("partitioned"), _expected("partitioned"))


def test_reader_scalars_are_numpy_scalars_and_bytes_as_tf():
    reader = tf.train.load_checkpoint(CKPT_100)
    value = reader.get_tensor("scalar_f32")
    assert isinstance(value, np.float32) and value == 4.25
    assert reader.get_tensor("str_scalar") == b"hello checkpoint"
    assert reader.get_tensor("str_vec").tolist() == [b"a", b"", "ünïcode".encode(), b"\x00\xffbin"]


def test_reader_errors_use_tensorflows_words(tmp_path):
    reader = tf.train.load_checkpoint(CKPT_100)
    with pytest.raises(tf.errors.NotFoundError, match="^Key nope not found in checkpoint$"):
        reader.get_tensor("nope")
    missing = str(tmp_path / "ck")
    message = "Unsuccessful TensorSliceReader constructor: Failed to find any matching files for"
    with pytest.raises(tf.errors.NotFoundError, match=f"{message} {missing}"):
        tf.train.NewCheckpointReader(missing)
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints in given"):
        tf.train.load_checkpoint(str(tmp_path))


def test_debug_string_is_bytes():
    text = tf.train.load_checkpoint(CKPT_100).debug_string()
    assert isinstance(text, bytes) and b"vec_i64 (DT_INT64) [3]\n" in text


def test_load_checkpoint_of_a_directory_uses_its_latest():
    reader = tf.train.load_checkpoint(str(FIXTURE))
    assert reader.get_tensor("global_step") == 100


def test_list_and_load_variables():
    listed = tf.train.list_variables(str(FIXTURE))
    assert listed == sorted((name, info["shape"]) for name, info in VARIABLES.items())
    np.testing.assert_array_equal(
        tf.train.load_variable(CKPT_100, "vec_f64:0"), _expected("vec_f64")
    )
    assert tf.train.load_variable(str(FIXTURE / "model.ckpt-50"), "global_step") == 50


# ---------------------------------------------------------------------- init_from_checkpoint


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _zeros(name, shape, dtype=tf.float32, **kwargs):
    return tf.get_variable(name, shape, dtype, initializer=tf.zeros_initializer(), **kwargs)


def _initialized(*fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(fetches))


def test_init_by_name_and_by_variable():
    by_name = _zeros("vec", [3], tf.float64)
    by_variable = _zeros("step", [], tf.int64, use_resource=True)
    untouched = _zeros("other", [2])
    tf.train.init_from_checkpoint(CKPT_100, {"vec_f64": "vec", "global_step": by_variable})
    vec, step, other = _initialized(by_name, by_variable, untouched)
    np.testing.assert_array_equal(vec, _expected("vec_f64"))
    assert step == 100 and other.tolist() == [0.0, 0.0]
    assert by_name.initial_value.op.type == "RestoreV2"


def test_init_a_scope_from_a_checkpoint_scope():
    with tf.variable_scope("new"):
        big = _zeros("big_f32", [256, 256])
    tf.train.init_from_checkpoint(str(FIXTURE), {"scope/nested/": "new/"})
    np.testing.assert_array_equal(_initialized(big)[0], _expected("scope/nested/big_f32"))


def test_init_a_scope_from_the_checkpoint_root():
    with tf.variable_scope("model"):
        vec = _zeros("vec_i64", [3], tf.int64)
        scalar = _zeros("scalar_f32", [])
    tf.train.init_from_checkpoint(CKPT_100, {"/": "model/"})
    values = _initialized(vec, scalar)
    np.testing.assert_array_equal(values[0], _expected("vec_i64"))
    assert values[1] == np.float32(4.25)


def _partitions(name, rows):
    parts, offset = [], 0
    for index, count in enumerate(rows):
        part = _zeros(f"{name}/part_{index}", [count, 4])
        part._set_save_slice_info(
            variables_lib.SaveSliceInfo(name, [10, 4], [offset, 0], [count, 4])
        )
        parts.append(part)
        offset += count
    return parts


def test_init_partitions_from_a_partitioned_tensor():
    parts = _partitions("partitioned", [4, 3, 3])
    tf.train.init_from_checkpoint(CKPT_100, {"partitioned": "partitioned"})
    np.testing.assert_array_equal(np.concatenate(_initialized(*parts)), _expected("partitioned"))


def test_init_a_different_partitioning_by_variable_list():
    parts = _partitions("repartitioned", [5, 5])
    tf.train.init_from_checkpoint(CKPT_100, [("partitioned", parts)])
    np.testing.assert_array_equal(np.concatenate(_initialized(*parts)), _expected("partitioned"))


def test_init_errors():
    _zeros("vec", [4], tf.float64)
    with pytest.raises(ValueError, match="Tensor nope is not found in"):
        tf.train.init_from_checkpoint(CKPT_100, {"nope": "vec"})
    with pytest.raises(ValueError, match=r"Shape of variable vec:0 \(\(4,\)\) doesn't match"):
        tf.train.init_from_checkpoint(CKPT_100, {"vec_f64": "vec"})
    with pytest.raises(ValueError, match="should map to scope only"):
        tf.train.init_from_checkpoint(CKPT_100, {"vec_f64": "missing_scope/"})
    with tf.variable_scope("s"):
        _zeros("absent_in_checkpoint", [1])
    with pytest.raises(
        ValueError, match=r"Tensor absent_in_checkpoint \(absent_in_checkpoint in /\)"
    ):
        tf.train.init_from_checkpoint(CKPT_100, {"/": "s/"})


def test_checkpoints_iterator_yields_the_latest_then_times_out(tmp_path):
    for source in FIXTURE.glob("model.ckpt-100*"):
        shutil.copy(source, tmp_path)
    tf.train.update_checkpoint_state(str(tmp_path), str(tmp_path / "model.ckpt-100"))
    found = list(checkpoint_utils.checkpoints_iterator(str(tmp_path), timeout=0))
    assert found == [str(tmp_path / "model.ckpt-100")]
