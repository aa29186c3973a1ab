"""V2 checkpoints (ndflow/formats/tensor_bundle.py, tensor_slice.py): the TensorFlow-written
`checkpoint_v2` fixture read exactly (every dtype, strings, the partitioned tensor assembled
from its slices), byte-identical rewrites of it, write -> read round trips for every dtype,
merging shards, slices, crash safety, and damage reported as DataLossError / NotFoundError."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

from ndflow.formats import tensor_bundle
from ndflow.formats import tensor_slice
from ndflow.framework import dtypes
from ndflow.framework import errors

FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoint_v2"
EXPECTED = np.load(FIXTURE / "expected.npz")
EXPECTED_JSON = json.loads((FIXTURE / "expected.json").read_text())
CKPT_100 = str(FIXTURE / "model.ckpt-100")
CKPT_50 = str(FIXTURE / "model.ckpt-50")


def _strings(values) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _round_trip(tmp_path, tensors: dict, **lookups):
    prefix = str(tmp_path / "bundle")
    writer = tensor_bundle.BundleWriter(prefix)
    for name, value in tensors.items():
        writer.add(name, value)
    writer.finish()
    return tensor_bundle.BundleReader(prefix)


# ---------------------------------------------------------------------- the TF fixture


def test_fixture_keys_dtypes_and_shapes():
    reader = tensor_bundle.BundleReader(CKPT_100)
    variables = EXPECTED_JSON["variables"]
    assert reader.keys() == sorted(variables)
    for name, info in variables.items():
        dtype, shape = reader.dtype_and_shape(name)
        assert (dtype.name, list(shape)) == (info["dtype"], info["shape"]), name


def test_fixture_numeric_values_are_exact():
    reader = tensor_bundle.BundleReader(CKPT_100)
    for name in reader.keys():
        if name.startswith("str_"):
            continue
        value = reader.lookup(name)
        expected = EXPECTED[name.replace("/", "__")]
        assert value.dtype == expected.dtype and value.shape == expected.shape, name
        np.testing.assert_array_equal(value, expected, err_msg=name)


def test_fixture_string_values():
    reader = tensor_bundle.BundleReader(CKPT_100)
    for name, info in EXPECTED_JSON["string_variables"].items():
        value = reader.lookup(name)
        assert value.dtype == object and list(value.shape) == info["shape"]
        assert value.reshape(-1).tolist() == [base64.b64decode(v) for v in info["values_b64"]]


def test_fixture_partitioned_tensor_is_assembled_from_its_slices():
    reader = tensor_bundle.BundleReader(CKPT_100)
    info = EXPECTED_JSON["partitioned_variable"]
    specs = [part["slice_spec"].split(" ")[-1] for part in info["slices_in_graph"]]
    assert [str(s) for s in reader.tensor_slices("partitioned")] == specs
    np.testing.assert_array_equal(reader.lookup("partitioned"), EXPECTED["partitioned"])
    for part, spec in zip(info["slices_in_graph"], specs):
        (row, _), (rows, _) = part["offset"], part["shape"]
        value = reader.lookup_slice("partitioned", spec)
        np.testing.assert_array_equal(value, EXPECTED["partitioned"][row : row + rows])


def test_fixture_slices_across_partitions_and_of_whole_tensors():
    reader = tensor_bundle.BundleReader(CKPT_100)
    full = EXPECTED["partitioned"]
    np.testing.assert_array_equal(reader.lookup_slice("partitioned", "2,7:1,2"), full[2:9, 1:3])
    np.testing.assert_array_equal(reader.lookup_slice("partitioned", [(3, 2), (0, -1)]), full[3:5])
    big = EXPECTED["scope__nested__big_f32"]
    np.testing.assert_array_equal(reader.lookup_slice("scope/nested/big_f32", "10,5:-"), big[10:15])
    with pytest.raises(errors.InternalError, match="out of bounds"):
        reader.lookup_slice("partitioned", "8,3:-")


def test_fixture_slice_keys_are_tensorflows_ordered_codes():
    reader = tensor_bundle.BundleReader(CKPT_100)
    for part in reader.tensor_slices("partitioned"):
        assert reader.contains(tensor_slice.encode_name_slice("partitioned", part))


def test_fixture_step_50_differs_where_expected():
    old, new = tensor_bundle.BundleReader(CKPT_50), tensor_bundle.BundleReader(CKPT_100)
    differences = EXPECTED_JSON["model.ckpt-50_differences"]
    for name in new.keys():
        if name in differences:
            assert old.lookup(name).item() == differences[name]
            assert old.lookup(name).item() != new.lookup(name).item()
            continue
        np.testing.assert_array_equal(old.lookup(name), new.lookup(name), err_msg=name)


def test_rewriting_the_fixture_gives_tensorflows_exact_bytes(tmp_path):
    reader = tensor_bundle.BundleReader(CKPT_100)
    prefix = str(tmp_path / "copy")
    writer = tensor_bundle.BundleWriter(prefix)
    # TF's Saver wrote the tensors in name order, the partitioned one slice by slice.
    for name in reader.keys():
        if not reader.tensor_slices(name):
            writer.add(name, reader.lookup(name))
            continue
        for part in reader.tensor_slices(name):
            full_shape = reader.dtype_and_shape(name)[1]
            writer.add_slice(name, full_shape, part, reader.lookup_slice(name, part))
    writer.finish()
    for suffix in (".index", ".data-00000-of-00001"):
        assert (
            pathlib.Path(prefix + suffix).read_bytes()
            == pathlib.Path(CKPT_100 + suffix).read_bytes()
        )


def test_debug_string_lists_entries_as_tensorflow_does():
    text = tensor_bundle.BundleReader(CKPT_100).debug_string()
    lines = text.split(b"\n")
    assert b"scope/nested/big_f32 (DT_FLOAT) [256,256]" in lines
    assert b"tensor_f16 (DT_HALF) [2,3,4]" in lines
    assert b"global_step (DT_INT64) []" in lines
    assert not any(line.startswith(b"partitioned ") for line in lines)


# ---------------------------------------------------------------------- round trips


NUMERIC = [
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
    np.complex64,
    np.complex128,
    np.bool_,
]


@pytest.mark.parametrize("np_type", NUMERIC, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 4), (2, 3, 4)], ids=str)
def test_numeric_round_trip(tmp_path, np_type, shape):
    rng = np.random.default_rng(0)
    value = (rng.normal(size=shape) * 50).astype(np_type)
    if np.dtype(np_type).kind == "c":
        value = value + 1j * value[::-1] if value.ndim else value + 2j
    reader = _round_trip(tmp_path, {"t": value})
    got = reader.lookup("t")
    assert got.dtype == np.dtype(np_type) and got.shape == value.shape
    np.testing.assert_array_equal(got, value)
    assert reader.dtype_and_shape("t") == (dtypes.as_dtype(np_type), shape)


def test_bfloat16_round_trip(tmp_path):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    value = np.array([1.5, -2.25, 3e38, 0.0], dtype=ml_dtypes.bfloat16)
    reader = _round_trip(tmp_path, {"b": value})
    assert reader.dtype_and_shape("b")[0] == dtypes.bfloat16
    got = reader.lookup("b")
    assert got.dtype == value.dtype and got.tobytes() == value.tobytes()


def test_big_endian_input_is_stored_little_endian(tmp_path):
    value = np.arange(6, dtype=">i4").reshape(2, 3)
    reader = _round_trip(tmp_path, {"x": value})
    got = reader.lookup("x")
    assert got.dtype == np.dtype("<i4")
    np.testing.assert_array_equal(got, value)


def test_string_round_trip(tmp_path):
    values = {
        "scalar": np.array(b"hello", dtype=object),
        "empty_strings": _strings([b"", b"", b""]),
        "unicode": _strings(["ünïcode", "日本語", "a"]),
        "binary": _strings([b"\x00\xff\x80", bytes(range(256)), b"end\x00\x00"]),
        "long": _strings([b"x" * 200, b"y" * 70000, b"z"]),
        "no_elements": np.empty((0, 3), dtype=object),
        "matrix": _strings([b"a", b"bb", b"ccc", b"dddd"]).reshape(2, 2),
        "str_dtype": np.array(["u", "vw"]),
        "bytes_dtype": np.array([b"p", b"qr"]),
    }
    reader = _round_trip(tmp_path, values)
    for name, value in values.items():
        got = reader.lookup(name)
        assert got.dtype == object and got.shape == value.shape, name
        want = [v.encode() if isinstance(v, str) else bytes(v) for v in value.reshape(-1).tolist()]
        assert got.reshape(-1).tolist() == want, name
        assert reader.dtype_and_shape(name)[0] == dtypes.string


def test_large_tensor_round_trip(tmp_path):
    value = np.random.default_rng(0).standard_normal((2048, 4096), dtype=np.float32)  # 32 MiB
    reader = _round_trip(tmp_path, {"big": value, "after": np.int32(7)})
    np.testing.assert_array_equal(reader.lookup("big"), value)
    assert reader.lookup("after") == 7


def test_keys_are_sorted_and_slices_hidden(tmp_path):
    prefix = str(tmp_path / "b")
    writer = tensor_bundle.BundleWriter(prefix)
    writer.add("zeta", np.zeros(1))
    writer.add("alpha", np.zeros(1))
    writer.add_slice("part", [4], "0,2", np.ones(2))
    writer.add_slice("part", [4], "2,2", np.full(2, 2.0))
    writer.finish()
    reader = tensor_bundle.BundleReader(prefix)
    assert reader.keys() == ["alpha", "part", "zeta"]
    assert reader.contains("alpha") and "zeta" in reader and not reader.contains("nope")
    np.testing.assert_array_equal(reader.lookup("part"), [1, 1, 2, 2])


def test_add_slice_covering_everything_is_a_plain_entry(tmp_path):
    prefix = str(tmp_path / "b")
    writer = tensor_bundle.BundleWriter(prefix)
    writer.add_slice("w", [2, 3], "0,2:0,3", np.ones((2, 3)))
    writer.finish()
    reader = tensor_bundle.BundleReader(prefix)
    assert reader.tensor_slices("w") == [] and reader.keys() == ["w"]


def test_missing_slices_are_reported(tmp_path):
    prefix = str(tmp_path / "b")
    writer = tensor_bundle.BundleWriter(prefix)
    writer.add_slice("p", [6, 2], "0,2:-", np.ones((2, 2)))
    writer.finish()
    reader = tensor_bundle.BundleReader(prefix)
    np.testing.assert_array_equal(reader.lookup_slice("p", "1,1:-"), np.ones((1, 2)))
    with pytest.raises(errors.InvalidArgumentError, match="Does not have sufficient slices"):
        reader.lookup("p")


def test_writer_errors(tmp_path):
    writer = tensor_bundle.BundleWriter(str(tmp_path / "b"))
    writer.add("a", np.zeros(2))
    with pytest.raises(errors.InvalidArgumentError, match="Adding duplicate key: a"):
        writer.add("a", np.zeros(2))
    with pytest.raises(errors.InvalidArgumentError, match="does not match the shape"):
        writer.add_slice("p", [4], "0,3", np.zeros(2))
    with pytest.raises(errors.InvalidArgumentError):
        writer.add("", np.zeros(1))
    writer.finish()
    with pytest.raises(errors.InternalError, match="BundleWriter is closed"):
        writer.add("b", np.zeros(1))


# ---------------------------------------------------------------------- merging shards


def _shard(path, tensors, slices=()):
    writer = tensor_bundle.BundleWriter(path)
    for name, value in tensors.items():
        writer.add(name, value)
    for name, shape, spec, value in slices:
        writer.add_slice(name, shape, spec, value)
    writer.finish()
    return path


def test_merge_shards_into_one_bundle(tmp_path):
    temp = tmp_path / "model_temp"
    prefixes = [
        _shard(
            str(temp / "part-00000-of-00002"), {"a": np.arange(3)}, [("p", [4], "0,2", np.ones(2))]
        ),
        _shard(
            str(temp / "part-00001-of-00002"),
            {"b": _strings([b"s"])},
            [("p", [4], "2,2", np.zeros(2))],
        ),
    ]
    output = str(tmp_path / "model")
    tensor_bundle.merge_bundles(prefixes, output)
    assert not temp.exists()  # its directory was emptied, then deleted
    reader = tensor_bundle.BundleReader(output)
    assert reader.num_shards == 2 and reader.keys() == ["a", "b", "p"]
    np.testing.assert_array_equal(reader.lookup("a"), np.arange(3))
    np.testing.assert_array_equal(reader.lookup("p"), [1, 1, 0, 0])
    assert reader.lookup("b").tolist() == [b"s"]
    assert sorted(os.listdir(tmp_path)) == [
        "model.data-00000-of-00002",
        "model.data-00001-of-00002",
        "model.index",
    ]


def test_merge_rejects_duplicates_and_missing(tmp_path):
    first = _shard(str(tmp_path / "x"), {"a": np.zeros(1)})
    second = _shard(str(tmp_path / "y"), {"a": np.zeros(1)})
    with pytest.raises(errors.InvalidArgumentError, match="Duplicate tensor keyed by a"):
        tensor_bundle.merge_bundles([first, second], str(tmp_path / "out"))
    with pytest.raises(errors.InvalidArgumentError, match="none existed"):
        tensor_bundle.merge_bundles(
            [str(tmp_path / "q")], str(tmp_path / "o"), allow_missing_files=True
        )


def test_merge_keeps_old_dirs_when_asked(tmp_path):
    prefix = _shard(str(tmp_path / "temp" / "part"), {"a": np.zeros(1)})
    tensor_bundle.merge_bundles([prefix], str(tmp_path / "out"), delete_old_dirs=False)
    assert (tmp_path / "temp").is_dir() and not (tmp_path / "temp" / "part.index").exists()


# ---------------------------------------------------------------------- crash safety


def test_an_aborted_write_leaves_the_previous_bundle_intact(tmp_path):
    prefix = str(tmp_path / "m")
    _shard(prefix, {"w": np.arange(4)})
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    with pytest.raises(RuntimeError, match="boom"):
        with tensor_bundle.BundleWriter(prefix) as writer:
            writer.add("w", np.arange(8))
            raise RuntimeError("boom")
    after = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    assert after == before
    np.testing.assert_array_equal(tensor_bundle.BundleReader(prefix).lookup("w"), np.arange(4))


def test_unfinished_writes_use_temporary_names(tmp_path):
    writer = tensor_bundle.BundleWriter(str(tmp_path / "m"))
    writer.add("w", np.arange(4))
    names = os.listdir(tmp_path)
    assert len(names) == 1 and ".tempstate" in names[0]
    writer.finish()
    assert sorted(os.listdir(tmp_path)) == ["m.data-00000-of-00001", "m.index"]


_KILLED_WRITER = """
import os, signal, sys
import numpy as np
from ndflow.formats import tensor_bundle
writer = tensor_bundle.BundleWriter(sys.argv[1])
writer.add("w", np.ones((512, 1024), np.float32))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_mid_save_leaves_no_bundle_and_the_old_one_intact(tmp_path):
    old = _shard(str(tmp_path / "model.ckpt-1"), {"w": np.arange(4)})
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path / "model.ckpt-2")],
        cwd=str(pathlib.Path(__file__).resolve().parents[2]),
        check=False,
    )
    assert result.returncode == -signal.SIGKILL
    assert not (tmp_path / "model.ckpt-2.index").exists()
    assert not (tmp_path / "model.ckpt-2.data-00000-of-00001").exists()
    np.testing.assert_array_equal(tensor_bundle.BundleReader(old).lookup("w"), np.arange(4))


# ---------------------------------------------------------------------- damage


def _copy_fixture(tmp_path) -> str:
    for suffix in (".index", ".data-00000-of-00001"):
        shutil.copy(CKPT_100 + suffix, str(tmp_path / "m") + suffix)
    return str(tmp_path / "m")


def test_missing_files_are_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError, match="No such file"):
        tensor_bundle.BundleReader(str(tmp_path / "absent"))
    prefix = _copy_fixture(tmp_path)
    os.remove(prefix + ".data-00000-of-00001")
    reader = tensor_bundle.BundleReader(prefix)
    with pytest.raises(errors.NotFoundError, match="data-00000-of-00001"):
        reader.lookup("vec_f64")
    with pytest.raises(errors.NotFoundError, match=f"Key nope not found in checkpoint {prefix}"):
        reader.lookup("nope")


@pytest.mark.parametrize("name", ["scope/nested/big_f32", "str_vec", "partitioned", "vec_bool"])
def test_a_flipped_data_byte_is_data_loss(tmp_path, name):
    prefix = _copy_fixture(tmp_path)
    reader = tensor_bundle.BundleReader(prefix)
    entry = reader.entry(
        name
        if name != "partitioned"
        else tensor_slice.encode_name_slice(name, reader.tensor_slices(name)[1])
    )
    data = bytearray(pathlib.Path(prefix + ".data-00000-of-00001").read_bytes())
    data[entry.offset + entry.size - 1] ^= 0x10
    pathlib.Path(prefix + ".data-00000-of-00001").write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match="(?i)checksum does not match"):
        tensor_bundle.BundleReader(prefix).lookup(name)


def test_a_truncated_data_file_is_data_loss(tmp_path):
    prefix = _copy_fixture(tmp_path)
    path = pathlib.Path(prefix + ".data-00000-of-00001")
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(errors.DataLossError, match="Truncated data file"):
        tensor_bundle.BundleReader(prefix).lookup("scope/nested/big_f32")


def test_a_flipped_index_byte_is_data_loss_naming_the_index(tmp_path):
    prefix = _copy_fixture(tmp_path)
    path = pathlib.Path(prefix + ".index")
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match=r"m\.index"):
        tensor_bundle.BundleReader(prefix)


def test_random_damage_to_index_and_data_never_crashes(tmp_path):
    prefix = _copy_fixture(tmp_path)
    index = pathlib.Path(prefix + ".index").read_bytes()
    data = pathlib.Path(prefix + ".data-00000-of-00001").read_bytes()
    rng = np.random.default_rng(0)
    for trial in range(150):
        for original, suffix in ((index, ".index"), (data, ".data-00000-of-00001")):
            damaged = bytearray(original)
            if suffix == ".index" or trial % 2:
                for position in rng.integers(0, len(original), 2):
                    damaged[position] ^= int(rng.integers(1, 256))
            cut = len(damaged) if rng.random() < 0.8 else int(rng.integers(0, len(damaged)))
            pathlib.Path(prefix + suffix).write_bytes(bytes(damaged[:cut]))
        try:
            reader = tensor_bundle.BundleReader(prefix)
            for name in reader.keys():
                reader.lookup(name)
        except (errors.DataLossError, errors.NotFoundError, errors.InvalidArgumentError):
            pass


# ---------------------------------------------------------------------- slice specs


def test_slice_specs_parse_and_print_as_tensorflow():
    spec = tensor_slice.TensorSlice.parse("-:0,4:3,1")
    assert spec.extents == ((0, -1), (0, 4), (3, 1)) and str(spec) == "-:0,4:3,1"
    shape, part, part_shape = tensor_slice.parse_shape_and_slice("10 4 7,3:-")
    assert (shape, str(part), part_shape) == ((10, 4), "7,3:-", (3, 4))
    with pytest.raises(errors.InvalidArgumentError, match="Expected a pair of numbers or '-'"):
        tensor_slice.TensorSlice.parse("1:2,3")
    with pytest.raises(errors.InvalidArgumentError, match="positive length"):
        tensor_slice.TensorSlice.parse("0,0")
    with pytest.raises(errors.InvalidArgumentError, match="Need least two elements"):
        tensor_slice.parse_shape_and_slice("0,1")
    with pytest.raises(errors.InternalError, match="Mismatching ranks"):
        tensor_slice.parse_shape_and_slice("10 4 0,1")


def test_slice_keys_encode_large_and_negative_numbers():
    key = tensor_slice.encode_name_slice(
        b"a\x00b\xffc", tensor_slice.TensorSlice([(0, -1), (70, 9000)])
    )
    assert key.startswith(b"\x00a\x00\xffb\xff\x00c\x00\x01\x01\x02")
    # (0, -1): one byte each; 70 (7 bits) takes two bytes, 9000 (14 bits) three.
    assert key.endswith(bytes([0x80, 0x7F, 0xC0, 70, 0xE0, 0x23, 0x28]))
    huge = tensor_slice._signed_increasing(1 << 40)
    assert huge == bytes([0xFD, 0, 0, 0, 0, 0])
    assert tensor_slice._signed_increasing(-65) == bytes([0x3F, 0xBF])
