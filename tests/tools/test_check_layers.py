"""tools/check_layers.py: layer, order, cycle and forbidden-import rules on small fake trees."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "check_layers", REPO_ROOT / "tools" / "check_layers.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check_layers = _load_tool()

# A small tree that follows every rule.
BASE_TREE = {
    "ndflow/__init__.py": "from ndflow.runtime import session\nfrom ndflow.train import saver\n",
    "ndflow/framework/__init__.py": '"""Layer 1."""\n',
    "ndflow/framework/errors.py": "import threading\n",
    "ndflow/framework/dtypes.py": "import numpy as np\n\nfrom ndflow.framework import errors\n",
    "ndflow/framework/graph.py": (
        "from ndflow.framework import dtypes\nfrom ndflow.proto import graph_pb2\n"
    ),
    "ndflow/formats/__init__.py": "",
    "ndflow/formats/tfrecord.py": "from ndflow.framework import errors\n",
    "ndflow/proto/__init__.py": "",
    "ndflow/proto/graph_pb2.py": "from google.protobuf import descriptor\n",
    "ndflow/ops/__init__.py": "",
    "ndflow/ops/array.py": "from ndflow.framework import graph\n",
    "ndflow/ops/math/__init__.py": "from ndflow.ops.math import reduction\n",
    "ndflow/ops/math/reduction.py": "from ndflow.ops import array\n",
    "ndflow/runtime/__init__.py": "",
    "ndflow/runtime/session.py": (
        "from ndflow.ops import math\nfrom ndflow.formats import tfrecord\n"
    ),
    "ndflow/autodiff/__init__.py": "",
    "ndflow/autodiff/gradients.py": "from ndflow.runtime import session\n",
    "ndflow/train/__init__.py": "",
    "ndflow/train/saver.py": "from ndflow.autodiff import gradients\n",
}


def write_tree(root: pathlib.Path, overrides: dict[str, str]) -> pathlib.Path:
    for relative, text in {**BASE_TREE, **overrides}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def violations(root: pathlib.Path) -> list[str]:
    return [str(violation) for violation in check_layers.check(root)]


def test_base_tree_has_no_violations(tmp_path):
    assert violations(write_tree(tmp_path, {})) == []


def test_allowed_imports_pass(tmp_path):
    tree = {
        "ndflow/ops/math/reduction.py": "from .. import array\nfrom . import cwise\n",
        "ndflow/ops/math/cwise.py": "from ndflow.ops import elementwise\n",
        "ndflow/ops/elementwise.py": "import ndflow.framework.graph\n",
        "ndflow/saved_model/__init__.py": "from ndflow.train import saver\n",
        "ndflow/layers/__init__.py": "",
        "ndflow/feature_column/__init__.py": "from ndflow.layers import *\n",
        "ndflow/estimator/__init__.py": (
            "from ndflow import saved_model\nfrom ndflow import layers\n"
        ),
        "ndflow/serving/__init__.py": "from ndflow.estimator import *\n",
        "ndflow/cli/main.py": "from ndflow.serving import *\n",
        "ndflow/compat/v1.py": "from ndflow import *\nfrom ndflow.cli import main\n",
    }
    assert violations(write_tree(tmp_path, tree)) == []


def test_upward_import_is_reported(tmp_path):
    tree = {"ndflow/framework/tensor_shape.py": '"""Shapes."""\n\nfrom ndflow.ops import array\n'}
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/framework/tensor_shape.py:3: upward import: ndflow.framework.tensor_shape "
        "(layer 1, framework) imports ndflow.ops.array (layer 2, ops)"
    ]


def test_function_local_upward_import_is_reported(tmp_path):
    source = "def conv():\n    if True:\n        import ndflow.runtime.session\n"
    tree = {"ndflow/ops/nn.py": source}
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/ops/nn.py:3: upward import: ndflow.ops.nn (layer 2, ops) imports "
        "ndflow.runtime.session (layer 3, runtime)"
    ]


def test_import_of_top_namespace_is_upward(tmp_path):
    tree = {"ndflow/train/optimizer.py": "import ndflow as tf\n"}
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/train/optimizer.py:1: upward import: ndflow.train.optimizer (layer 4, train) "
        "imports ndflow (top)"
    ]


def test_import_cycle_is_reported_with_its_path(tmp_path):
    tree = {
        "ndflow/formats/crc32c.py": "def mask():\n    from ndflow.formats import tfrecord\n",
        "ndflow/formats/tfrecord.py": "from ndflow.formats import crc32c\n",
    }
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/formats/crc32c.py:2: import cycle: "
        "ndflow.formats.crc32c -> ndflow.formats.tfrecord -> ndflow.formats.crc32c"
    ]


def test_cycle_through_package_init_is_reported(tmp_path):
    tree = {"ndflow/ops/math/reduction.py": "from ndflow.ops import math\n"}
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/ops/math/__init__.py:1: import cycle: "
        "ndflow.ops.math -> ndflow.ops.math.reduction -> ndflow.ops.math"
    ]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "ndflow/framework/device.py",
            "from ndflow.framework import graph\n",
            "ndflow/framework/device.py:1: imports a later entry of framework/",
        ),
        (
            "ndflow/ops/elementwise.py",
            "from ndflow.ops.math import reduction\n",
            "ndflow/ops/elementwise.py:1: imports a later entry of ops/",
        ),
        (
            "ndflow/formats/tfrecord.py",
            "from ndflow.framework import graph\n",
            "ndflow/formats/tfrecord.py:1: formats/ may import only dtypes, errors from framework/",
        ),
        (
            "ndflow/framework/graph.py",
            "from ndflow.formats import tfrecord\n",
            "ndflow/framework/graph.py:1: same-layer import not in PEER_IMPORTS "
            "(framework -> formats)",
        ),
        (
            "ndflow/autodiff/aggregation.py",
            "from ndflow.train import saver\n",
            "ndflow/autodiff/aggregation.py:1: same-layer import not in PEER_IMPORTS "
            "(autodiff -> train)",
        ),
    ],
)
def test_same_layer_rules(tmp_path, path, text, expected):
    found = violations(write_tree(tmp_path, {path: text}))
    assert len(found) == 1
    assert found[0].startswith(expected)


def test_unknown_package_and_family_are_reported_once(tmp_path):
    tree = {
        "ndflow/helpers/__init__.py": "",
        "ndflow/helpers/text.py": "from ndflow.framework import errors\n",
        "ndflow/ops/misc.py": "from ndflow.ops import array\n",
        "ndflow/runtime/session.py": (
            "from ndflow.helpers import text\nfrom ndflow.ops import misc\n"
        ),
    }
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/helpers/__init__.py:1: unknown package ndflow/helpers, add it to the layer table",
        "ndflow/ops/misc.py:1: unknown entry ops/misc, add it to MODULE_ORDER['ops']",
    ]


def test_tensorflow_import_is_reported_anywhere(tmp_path):
    tree = {
        "ndflow/__init__.py": "import tensorflow as tf\n",
        "ndflow/ops/array.py": "def f():\n    from tensorflow.compat import v1\n",
    }
    assert violations(write_tree(tmp_path, tree)) == [
        "ndflow/__init__.py:1: ndflow imports tensorflow; ndflow must never import TensorFlow",
        "ndflow/ops/array.py:2: ndflow.ops.array imports tensorflow.compat; "
        "ndflow must never import TensorFlow",
    ]


def test_main_prints_violations_and_exits_1(tmp_path, capsys):
    write_tree(tmp_path, {"ndflow/proto/any_codec.py": "from ndflow.framework import dtypes\n"})
    assert check_layers.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "ndflow/proto/any_codec.py:1: upward import" in out
    assert check_layers.main(["--root", str(write_tree(tmp_path / "ok", {}))]) == 0


def test_real_tree_passes():
    assert violations(REPO_ROOT) == []
