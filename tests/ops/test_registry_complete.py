"""Every registered op has a test row: an OpSpec in some tests/ops module's OP_SPECS."""

from __future__ import annotations

import importlib.util
import pathlib

from ndflow.framework import registry

_OPS_TESTS = pathlib.Path(__file__).resolve().parent


def _covered_op_types() -> dict:
    covered: dict = {}
    for path in sorted(_OPS_TESTS.rglob("test_*.py")):
        if path.name == pathlib.Path(__file__).name:
            continue
        spec = importlib.util.spec_from_file_location(f"_completeness_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for row in getattr(module, "OP_SPECS", []):
            covered.setdefault(row.op_type, []).append(row)
    return covered


def test_every_registered_op_has_an_op_spec_row():
    covered = _covered_op_types()
    missing = sorted(set(registry.registered_ops()) - set(covered))
    assert not missing, f"registered ops without an OP_SPECS row: {missing}"


def test_every_row_checks_values_and_shapes():
    weak = []
    for op_type, rows in _covered_op_types().items():
        has_values = any(r.reference is not None or r.cases for r in rows)
        has_shapes = any(r.shape_cases for r in rows)
        if not (has_values and has_shapes):
            weak.append(op_type)
    assert not weak, f"ops whose rows lack a value check or a shape case: {sorted(weak)}"
