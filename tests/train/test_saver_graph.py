"""The Saver's graph against TensorFlow's, recorded by tools/goldens/saver.py: each golden
program runs on ndflow and must build the same nodes (names, op types, inputs, devices,
attrs, Const values such as `save/SaveV2/tensor_names`), the same SaverDefs, the same
checkpoint keys and TF's error messages. A MetaGraph's saver_def names these nodes, which
is what lets TensorFlow use a MetaGraph written by ndflow."""

from __future__ import annotations

import importlib
import json
import pathlib
import sys

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import tensor_util
from tests.support import golden

_ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load_golden_tool():
    sys.path.insert(0, str(_ROOT / "tools"))
    try:
        return importlib.import_module("goldens.saver")
    finally:
        sys.path.remove(str(_ROOT / "tools"))


goldens = _load_golden_tool()

# TF-internal bookkeeping attrs that carry no graph semantics.
_IGNORED_ATTRS = {"_has_manual_control_dependencies"}
# Cases ndflow cannot build yet, with the reason.
_UNSUPPORTED = {
    "partitioned_variable": "ndflow has no partitioned variables (get_variable partitioner)",
}


def _compare_nodes(want_nodes, got_nodes):
    got = {n["name"]: n for n in got_nodes}
    problems = []
    for want in want_nodes:
        node = got.get(want["name"])
        if node is None:
            problems.append(f"missing {want['name']} ({want['op']})")
            continue
        for key in ("op", "inputs", "device"):
            if node[key] != want[key]:
                problems.append(f"{want['name']} {key}: {node[key]} != {want[key]}")
        for key in set(want["attrs"]) | set(node["attrs"]):
            if key not in _IGNORED_ATTRS and want["attrs"].get(key) != node["attrs"].get(key):
                problems.append(
                    f"{want['name']} attr {key}: {node['attrs'].get(key)} != "
                    f"{want['attrs'].get(key)}"
                )
        if want["value"] != node["value"] and not _close(want["value"], node["value"]):
            problems.append(f"{want['name']} value {node['value']} != {want['value']}")
    names = {n["name"] for n in want_nodes}
    problems += [f"extra {n['name']} ({n['op']})" for n in got_nodes if n["name"] not in names]
    return problems


def _close(want, got):
    try:
        return np.allclose(np.asarray(want, np.float64), np.asarray(got, np.float64))
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize("case", golden.cases("saver"))
def test_saver_graph_matches_tensorflow(case, tmp_path):
    if case in _UNSUPPORTED:
        pytest.skip(_UNSUPPORTED[case])
    _, meta = golden.load("saver", case)
    result = goldens.run_case(tf, meta["source"], str(tmp_path))
    nodes = goldens.describe_graph(result["graph"], tensor_util.make_ndarray)
    problems = _compare_nodes(meta["nodes"], nodes)
    assert not problems, "\n".join(problems[:30])
    got = json.loads(json.dumps(result["out"], default=str))
    assert got == meta["out"]


def test_goldens_were_recorded():
    assert len(golden.cases("saver")) >= 10
