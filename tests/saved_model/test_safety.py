"""Loading an untrusted SavedModel: corrupt files give clear TF errors naming the file (never
a crash or a hang), asset paths cannot leave the export directory, and no Python from the
model ever runs (nothing in ndflow unpickles)."""

from __future__ import annotations

import ast
import os
import pathlib
import shutil

import numpy as np
import pytest

import ndflow as tf
from ndflow.proto import meta_graph_pb2
from ndflow.proto import saved_model_pb2
from ndflow.saved_model import constants

HALF_PLUS_TWO = (
    pathlib.Path(__file__).resolve().parent.parent
    / "fixtures"
    / "savedmodel_v1_half_plus_two"
    / "00000123"
)
PB = "saved_model.pb"
INDEX = "variables/variables.index"
DATA = "variables/variables.data-00000-of-00001"


@pytest.fixture
def model(tmp_path):
    """A writable copy of the half_plus_two fixture."""
    export_dir = tmp_path / "model"
    shutil.copytree(HALF_PLUS_TWO, export_dir)
    for path in [export_dir, *export_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return export_dir


def _load(export_dir):
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], str(export_dir))
        return sess.run("y:0", {"x:0": [1.0]})


def _truncate(path, size):
    path.write_bytes(path.read_bytes()[:size])


def _garbage(path):
    size = path.stat().st_size
    path.write_bytes(np.random.default_rng(0).integers(0, 256, size, np.uint8).tobytes())


def _flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("relative", "corrupt"),
    [
        (PB, lambda p: _truncate(p, 100)),
        (PB, lambda p: _truncate(p, p.stat().st_size // 2)),
        (PB, _garbage),
        (INDEX, lambda p: _truncate(p, 60)),
        (INDEX, lambda p: _truncate(p, 0)),
        (INDEX, _garbage),
        (INDEX, lambda p: _flip(p, 10)),
        (DATA, lambda p: _truncate(p, 4)),
        (DATA, lambda p: _flip(p, 2)),
    ],
    ids=[
        "pb-truncated",
        "pb-half",
        "pb-garbage",
        "index-truncated",
        "index-empty",
        "index-garbage",
        "index-flipped",
        "data-truncated",
        "data-flipped",
    ],
)
@pytest.mark.timeout(30)
def test_corrupt_files_raise_data_loss_naming_the_file(model, relative, corrupt):
    corrupt(model / relative)
    with pytest.raises(tf.errors.DataLossError) as info:
        _load(model)
    assert str(model / relative) in info.value.message


def test_corrupt_text_proto_raises_data_loss(model):
    (model / PB).unlink()
    (model / "saved_model.pbtxt").write_text("meta_graphs { not a field }")
    with pytest.raises(tf.errors.DataLossError, match="saved_model.pbtxt"):
        _load(model)


def test_unregistered_op_is_not_found(model):
    saved_model = saved_model_pb2.SavedModel.FromString((model / PB).read_bytes())
    node = saved_model.meta_graphs[0].graph_def.node.add(name="evil", op="PyFuncFromTheModel")
    del node
    (model / PB).write_bytes(saved_model.SerializeToString())
    with pytest.raises(tf.errors.NotFoundError, match="PyFuncFromTheModel"):
        _load(model)


def _set_asset_filename(model, filename):
    saved_model = saved_model_pb2.SavedModel.FromString((model / PB).read_bytes())
    assets = saved_model.meta_graphs[0].collection_def[constants.ASSETS_KEY].any_list.value
    asset = meta_graph_pb2.AssetFileDef.FromString(assets[0].value)
    asset.filename = filename
    assets[0].value = asset.SerializeToString()
    (model / PB).write_bytes(saved_model.SerializeToString())


@pytest.mark.parametrize("filename", ["../saved_model.pb", "/etc/passwd", "a/../../x", ""])
def test_asset_paths_cannot_escape_the_export_dir(model, filename):
    _set_asset_filename(model, filename)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not inside its assets directory"):
        _load(model)


def test_asset_symlink_out_of_the_export_dir_is_refused(model, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (model / "assets" / "foo.txt").unlink()
    os.symlink(outside, model / "assets" / "foo.txt")
    with pytest.raises(tf.errors.InvalidArgumentError, match="foo.txt"):
        _load(model)


def test_asset_in_a_subdirectory_is_allowed(model):
    (model / "assets" / "sub").mkdir()
    shutil.move(model / "assets" / "foo.txt", model / "assets" / "sub" / "foo.txt")
    _set_asset_filename(model, "sub/foo.txt")
    np.testing.assert_array_equal(_load(model), [2.5])


_UNPICKLERS = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}


def test_no_ndflow_module_can_unpickle():
    """No module imports an unpickler, and every np.load passes allow_pickle=False."""
    root = pathlib.Path(tf.__file__).resolve().parent
    problems = []
    for path in sorted(root.rglob("*.py")):
        if path.name.endswith("_pb2.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            problems += [f"{path}:{node.lineno} imports {n}" for n in names if n in _UNPICKLERS]
            if _is_np_load(node) and not _disallows_pickle(node):
                problems.append(f"{path}:{node.lineno} calls np.load without allow_pickle=False")
    assert problems == []


def _is_np_load(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("np", "numpy")
    )


def _disallows_pickle(call) -> bool:
    return any(
        keyword.arg == "allow_pickle"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is False
        for keyword in call.keywords
    )
