"""Compares a tf.layers scenario built by ndflow with the golden recorded from real TensorFlow
(tools/goldens/layers.py): variables, collections, op names and types, layer properties,
output names and shapes, forward values, moving-statistics updates and gradients.

TF1 builds `tf.cond` from Switch/Merge ops while ndflow builds a functional If (both are TF
graphs); ops inside a cond scope ("dropout/cond/...", "batch_normalization/cond_1/...") and
tensor names there are therefore compared only by their scope, not op by op.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

import ndflow as tf
from tests.layers import cases
from tests.support import golden

FAMILY = "layers"
RTOL = 1e-5
ATOL = 1e-5

_COND = re.compile(r"(^|/)cond(_\d+)?(/|:|$)")


def _outside_cond(name: str) -> bool:
    return _COND.search(name) is None


def _cond_scope(name: str) -> str:
    """The part of `name` up to and including its first cond scope ("a/cond_1")."""
    match = _COND.search(name)
    return name if match is None else name[: match.end(2) if match.group(2) else match.end() - 1]


def normalize_names(names) -> list:
    """Names with everything inside a cond scope cut off (see the module docstring)."""
    return [_cond_scope(name).rstrip("/:") for name in names]


@functools.cache
def structure(case_name: str):
    """(ndflow's arrays and meta, TF's arrays and meta) for one scenario (built once per test
    session; callers must not modify the result)."""
    case = cases.CASES_BY_NAME[case_name]
    ours = cases.run_case(tf, case)
    theirs = golden.load(FAMILY, case_name)
    return ours, theirs


def check_graph(meta, expected) -> None:
    """Variables, collections, ops (outside conds), outputs, layer properties and the seeds
    of the random ops."""
    assert meta["variables"] == expected["variables"]
    for key in cases.COLLECTIONS:
        got, want = (
            normalize_names(meta["collections"][key]),
            normalize_names(expected["collections"][key]),
        )
        assert got == want, f"collection {key}: {got} != {want}"
    ours = {tuple(op) for op in meta["ops"] if _outside_cond(op[0])}
    theirs = {tuple(op) for op in expected["ops"] if _outside_cond(op[0])}
    assert ours == theirs, (
        f"ops only in ndflow: {sorted(ours - theirs)}; only in TF: {sorted(theirs - ours)}"
    )
    for key, (name, shape) in expected["outputs"].items():
        got_name, got_shape = meta["outputs"][key]
        assert normalize_names([got_name]) == normalize_names([name]), key
        assert got_shape == shape, f"{key}: static shape {got_shape} != {shape}"
    assert _layer_records(meta) == _layer_records(expected)
    ours = [seed for seed in meta["random_seeds"] if _outside_cond(seed[0])]
    assert ours == [seed for seed in expected["random_seeds"] if _outside_cond(seed[0])]


def _layer_records(meta) -> list:
    return [
        {
            key: normalize_names(value) if isinstance(value, list) else value
            for key, value in r.items()
        }
        for r in meta["layers"]
    ]


def check_values(arrays, expected, prefixes=("out/", "var/", "grad/")) -> None:
    """Every recorded output, variable value and gradient matches TF's."""
    keys = sorted(k for k in expected if k.startswith(prefixes))
    assert keys, "the golden records no values"
    missing = sorted(set(keys) - set(arrays))
    assert not missing, f"ndflow did not produce {missing}"
    for key in keys:
        got, want = np.asarray(arrays[key]), expected[key]
        assert got.shape == want.shape, f"{key}: shape {got.shape} != {want.shape}"
        assert got.dtype == want.dtype, f"{key}: dtype {got.dtype} != {want.dtype}"
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=key)


def check_case(case_name: str) -> None:
    """The whole comparison for a deterministic scenario."""
    (arrays, meta), (expected_arrays, expected_meta) = structure(case_name)
    check_graph(meta, expected_meta)
    for key in ("x", *[k for k in expected_arrays if k.startswith(("weight/", "probe/"))]):
        np.testing.assert_array_equal(arrays[key], expected_arrays[key], err_msg=key)
    check_values(arrays, expected_arrays)


def xfail_params(names, xfails: dict) -> list:
    """`names` as pytest params, the ones in `xfails` ({name: reason}) marked strict xfail."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=xfails[name]))
        if name in xfails
        else name
        for name in names
    ]


def expected_error(name: str) -> dict:
    _, meta = golden.load(FAMILY, "errors")
    return meta["errors"][name]


def check_error(name: str, prefix_only: bool = False) -> None:
    """ndflow raises TF's error class and message for ERROR_CASES[name] (with `prefix_only`,
    TF's message up to "Originally defined at:" or "for '{{node", which hold TF internals)."""
    expected = expected_error(name)
    with tf.Graph().as_default():
        with pytest.raises(Exception) as info:  # noqa: PT011 - the class is checked below
            cases.ERROR_CASES[name](tf)
    assert type(info.value).__name__ == expected["class"]
    message = str(info.value)
    if not prefix_only:
        assert message == expected["message"]
        return
    prefix = re.split(r" Originally defined at:| for '\{\{node", expected["message"])[0]
    assert message.startswith(prefix), f"{message!r} does not start with {prefix!r}"
