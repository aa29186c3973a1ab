"""V2 checkpoints cross over (oracle venv only: `make conformance`): what ndflow writes,
TensorFlow's tf.train.load_checkpoint and RestoreV2 read with identical values and dtypes;
what TensorFlow's SaveV2, MergeV2Checkpoints and Saver write, ndflow reads; and for the same
tensors both write byte-identical index and data files."""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.formats import tensor_bundle  # noqa: E402
from ndflow.ops import io as io_ops  # noqa: E402
from ndflow.train import checkpoint_state  # noqa: E402


def _strings(values) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _tensors() -> dict:
    """One tensor per dtype TF checkpoints, plus scalars, empties and strings."""
    rng = np.random.default_rng(0)
    out = {}
    for np_type in (
        np.float16,
        np.float32,
        np.float64,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.bool_,
    ):
        out[f"t_{np.dtype(np_type).name}"] = (rng.normal(size=(2, 3)) * 40).astype(np_type)
    out["t_complex64"] = (rng.normal(size=4) + 1j * rng.normal(size=4)).astype(np.complex64)
    out["t_complex128"] = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    out["t_bfloat16"] = rng.normal(size=5).astype(tf_real.bfloat16.as_numpy_dtype)
    out["scalar/f32"] = np.float32(3.5)
    out["scalar/i64"] = np.int64(-(2**40))
    out["empty/f32"] = np.zeros((0, 3), np.float32)
    out["big"] = rng.normal(size=(300, 257)).astype(np.float32)
    out["str/scalar"] = np.array("ünïcode".encode(), dtype=object)
    out["str/vec"] = _strings([b"", b"a", b"\x00\xff", b"x" * 300, "日本".encode()])
    out["str/empty"] = np.empty((0,), dtype=object)
    return out


def _ndflow_write(prefix, tensors):
    writer = tensor_bundle.BundleWriter(prefix)
    for name, value in tensors.items():
        writer.add(name, value)
    writer.finish()


def _tf_save(prefix, tensors, specs=None):
    names = list(tensors)
    specs = specs or [""] * len(names)
    values = [tf_real.constant(tensors[name]) for name in names]
    tf_real.raw_ops.SaveV2(
        prefix=prefix, tensor_names=names, shape_and_slices=specs, tensors=values
    )


def _assert_same(actual, expected, name):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, name
    if expected.dtype == object:
        assert actual.reshape(-1).tolist() == expected.reshape(-1).tolist(), name
        return
    assert actual.dtype == expected.dtype, name
    assert actual.tobytes() == expected.tobytes(), name


def test_ndflow_bundle_read_by_tensorflow(tmp_path):
    prefix = str(tmp_path / "nd")
    tensors = _tensors()
    _ndflow_write(prefix, tensors)
    reader = tf_real.train.load_checkpoint(prefix)
    dtype_map = reader.get_variable_to_dtype_map()
    for name, value in tensors.items():
        assert dtype_map[name].name == nd.as_dtype(np.asarray(value).dtype).name, name
        _assert_same(reader.get_tensor(name), value, name)


def test_tensorflow_bundle_read_by_ndflow(tmp_path):
    prefix = str(tmp_path / "tf")
    tensors = _tensors()
    _tf_save(prefix, tensors)
    reader = nd.train.load_checkpoint(prefix)
    for name, value in tensors.items():
        _assert_same(reader.get_tensor(name), value, name)


def test_same_tensors_give_byte_identical_files(tmp_path):
    tensors = _tensors()
    _tf_save(str(tmp_path / "tf"), tensors)
    with nd.Graph().as_default(), nd.Session() as sess:
        values = [nd.constant(value) for value in tensors.values()]
        sess.run(io_ops.save_v2(str(tmp_path / "nd"), list(tensors), [""] * len(values), values))
    for suffix in (".index", ".data-00000-of-00001"):
        ours = pathlib.Path(str(tmp_path / "nd") + suffix).read_bytes()
        theirs = pathlib.Path(str(tmp_path / "tf") + suffix).read_bytes()
        assert ours == theirs, suffix


def test_slices_both_ways(tmp_path):
    full = np.arange(40, dtype=np.float32).reshape(10, 4)
    specs = ["10 4 0,4:-", "10 4 4,6:-"]
    # TF writes the two slices of "p", ndflow reads them ...
    tf_real.raw_ops.SaveV2(
        prefix=str(tmp_path / "tf"),
        tensor_names=["p", "p"],
        shape_and_slices=specs,
        tensors=[tf_real.constant(full[:4]), tf_real.constant(full[4:])],
    )
    reader = tensor_bundle.BundleReader(str(tmp_path / "tf"))
    np.testing.assert_array_equal(reader.lookup("p"), full)
    np.testing.assert_array_equal(reader.lookup_slice("p", "2,5:1,2"), full[2:7, 1:3])
    # ... and ndflow's slices are byte-identical and read back by TF's RestoreV2.
    with nd.Graph().as_default(), nd.Session() as sess:
        values = [nd.constant(full[:4]), nd.constant(full[4:])]
        sess.run(io_ops.save_v2(str(tmp_path / "nd"), ["p", "p"], specs, values))
    for suffix in (".index", ".data-00000-of-00001"):
        ours = pathlib.Path(str(tmp_path / "nd") + suffix).read_bytes()
        assert ours == pathlib.Path(str(tmp_path / "tf") + suffix).read_bytes(), suffix
    (restored,) = tf_real.raw_ops.RestoreV2(
        prefix=str(tmp_path / "nd"),
        tensor_names=["p"],
        shape_and_slices=["10 4 3,4:0,2"],
        dtypes=[tf_real.float32],
    )
    np.testing.assert_array_equal(restored.numpy(), full[3:7, 0:2])
    assert tf_real.train.load_checkpoint(str(tmp_path / "nd")).get_tensor("p").shape == (10, 4)


def test_merged_shards_match_tensorflows_merge(tmp_path):
    def shards(root):
        prefixes = []
        (root / "temp").mkdir(parents=True)  # SaveV2 creates one directory level, as TF's
        for shard, tensors in enumerate(
            [{"a": np.arange(3.0)}, {"b": _strings([b"s"]), "c": np.int32(4)}]
        ):
            prefix = str(root / "temp" / f"part-{shard:05d}-of-00002")
            _ndflow_write(prefix, tensors)
            prefixes.append(prefix)
        return prefixes

    tf_real.raw_ops.MergeV2Checkpoints(
        checkpoint_prefixes=shards(tmp_path / "tf"), destination_prefix=str(tmp_path / "tf" / "m")
    )
    tensor_bundle.merge_bundles(shards(tmp_path / "nd"), str(tmp_path / "nd" / "m"))
    assert sorted(os.listdir(tmp_path / "nd")) == sorted(os.listdir(tmp_path / "tf"))
    for name in os.listdir(tmp_path / "nd"):
        assert (tmp_path / "nd" / name).read_bytes() == (tmp_path / "tf" / name).read_bytes(), name
    assert nd.train.load_checkpoint(str(tmp_path / "tf" / "m")).get_tensor("c") == 4


def test_tensorflow_saver_checkpoint_read_by_ndflow(tmp_path):
    graph = tf_real.Graph()
    with graph.as_default():
        v1 = tf_real.compat.v1
        weights = v1.get_variable("w", initializer=np.arange(6, dtype=np.float32).reshape(2, 3))
        part = v1.get_variable(
            "part",
            shape=[7, 2],
            initializer=v1.random_uniform_initializer(seed=1),
            partitioner=v1.fixed_size_partitioner(3),
        )
        step = v1.train.get_or_create_global_step()
        saver = v1.train.Saver(sharded=True, max_to_keep=2)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(step.assign(7))
            saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    del weights, part
    latest = nd.train.latest_checkpoint(str(tmp_path))
    assert latest == str(tmp_path / "model.ckpt-7")
    reader = nd.train.load_checkpoint(str(tmp_path))
    np.testing.assert_array_equal(reader.get_tensor("w"), np.arange(6).reshape(2, 3))
    expected = tf_real.train.load_checkpoint(str(tmp_path)).get_tensor("part")
    assert expected.shape == (7, 2)
    np.testing.assert_array_equal(reader.get_tensor("part"), expected)
    assert reader.get_tensor("global_step") == 7


def test_ndflow_state_file_read_by_tensorflow(tmp_path):
    for step in (1, 2):
        _ndflow_write(str(tmp_path / f"model.ckpt-{step}"), {"v": np.float32(step)})
    checkpoint_state.update_checkpoint_state_internal(
        str(tmp_path),
        str(tmp_path / "model.ckpt-2"),
        all_model_checkpoint_paths=[str(tmp_path / "model.ckpt-1"), str(tmp_path / "model.ckpt-2")],
        save_relative_paths=True,
        all_model_checkpoint_timestamps=[10.0, 20.5],
        last_preserved_timestamp=5.0,
    )
    state = tf_real.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "model.ckpt-2")
    assert list(state.all_model_checkpoint_timestamps) == [10.0, 20.5]
    assert tf_real.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model.ckpt-2")
    assert tf_real.train.load_variable(str(tmp_path), "v") == 2.0


# ---------------------------------------------------------------------- V1 checkpoints


def _v1_tensors() -> dict:
    """The tensors TF's V1 Save accepts (no bfloat16, uint32 or uint64)."""
    skipped = ("t_bfloat16", "t_uint32", "t_uint64", "big")
    return {name: value for name, value in _tensors().items() if name not in skipped}


def _tf_restore_v1(filename, name, value):
    dtype = tf_real.as_dtype(np.asarray(value).dtype)
    restored = tf_real.raw_ops.Restore(file_pattern=filename, tensor_name=name, dt=dtype)
    return restored.numpy()


def test_tensorflow_v1_checkpoint_read_by_ndflow(tmp_path):
    tensors = _v1_tensors()
    filename = str(tmp_path / "v1.ckpt")
    tf_real.raw_ops.Save(
        filename=filename,
        tensor_names=list(tensors),
        data=[tf_real.constant(value) for value in tensors.values()],
    )
    reader = nd.train.load_checkpoint(filename)
    for name, value in tensors.items():
        _assert_same(reader.get_tensor(name), value, name)
    with nd.Graph().as_default(), nd.Session() as sess:
        restored = sess.run(io_ops.restore(filename, "t_float32", nd.float32))
    _assert_same(restored, tensors["t_float32"], "t_float32")


def test_ndflow_v1_checkpoint_read_by_tensorflow(tmp_path):
    tensors = _v1_tensors()
    ours, theirs = str(tmp_path / "nd.ckpt"), str(tmp_path / "tf.ckpt")
    with nd.Graph().as_default(), nd.Session() as sess:
        values = [nd.constant(value) for value in tensors.values()]
        sess.run(io_ops.save(ours, list(tensors), values))
    for name, value in tensors.items():
        _assert_same(_tf_restore_v1(ours, name, value), value, name)
    tf_real.raw_ops.Save(
        filename=theirs,
        tensor_names=list(tensors),
        data=[tf_real.constant(value) for value in tensors.values()],
    )
    assert pathlib.Path(ours).read_bytes() == pathlib.Path(theirs).read_bytes()
