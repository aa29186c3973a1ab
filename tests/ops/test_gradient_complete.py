"""Every registered op either has a gradient with a gradient-check row (a GradSpec in some
tests module's GRAD_SPECS) or is declared not differentiable, with a reason."""

from __future__ import annotations

import importlib.util
import pathlib

from ndflow.framework import registry

_TESTS = pathlib.Path(__file__).resolve().parent.parent


def _grad_rows() -> dict:
    covered: dict = {}
    for path in sorted(_TESTS.rglob("test_*.py")):
        if path.name == pathlib.Path(__file__).name or "conformance" in path.parts:
            continue
        text = path.read_text()
        if "GRAD_SPECS" not in text and "GRAD_TESTED_ELSEWHERE" not in text:
            continue
        spec = importlib.util.spec_from_file_location(f"_gradrows_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for row in getattr(module, "GRAD_SPECS", []):
            covered.setdefault(row.op_type, []).append(row)
        # {op_type: name of a test function in the same module that checks the gradient}
        for op_type, test_name in getattr(module, "GRAD_TESTED_ELSEWHERE", {}).items():
            if callable(getattr(module, test_name, None)):
                covered.setdefault(op_type, []).append(test_name)
    return covered


def test_every_op_has_a_gradient_or_says_why_not():
    undecided = sorted(
        name
        for name, definition in registry.registered_ops().items()
        if definition.grad is None and not registry.is_not_differentiable(name)
    )
    assert not undecided, f"ops with neither a gradient nor not_differentiable: {undecided}"


def test_every_gradient_has_a_check_row():
    rows = _grad_rows()
    unchecked = sorted(
        name
        for name, definition in registry.registered_ops().items()
        if definition.grad is not None and name not in rows
    )
    assert not unchecked, f"ops with a gradient but no GRAD_SPECS row: {unchecked}"


def test_not_differentiable_declarations_give_reasons():
    silent = sorted(
        name
        for name in registry.registered_ops()
        if registry.is_not_differentiable(name) and not registry.not_differentiable_reason(name)
    )
    assert not silent, f"not_differentiable without a reason: {silent}"
