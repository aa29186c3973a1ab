"""tf.data pipelines against real TensorFlow's elements (tests/golden/data, recorded by
tools/goldens/data.py from the scenarios in tests/data/cases.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.data import cases
from tests.support import golden

CASES = {case.name: case for case in cases.ALL_CASES}
# TF raises AttributeError by accident here (it reads `._name` off the Tensor); ndflow says
# what is wrong with a TypeError.
ERROR_CLASS_DIFFERS = {"flat_map_not_dataset": "TypeError"}
# TF copies batch elements in parallel, so which pair of shapes it reports varies by run.
MESSAGE_PREFIX_ONLY = {"batch_mismatched_shapes": "Shapes are:"}


def _elements(arrays, meta):
    return [[arrays[f"e{i}_{j}"] for j in range(meta["components"])] for i in range(meta["count"])]


def _key(element):
    return tuple((a.dtype.str, a.shape, a.tobytes()) for a in element)


def _assert_element_equal(mine, theirs, where):
    assert len(mine) == len(theirs), where
    for j, (a, b) in enumerate(zip(mine, theirs)):
        assert a.shape == b.shape, f"{where} component {j}: {a.shape} != {b.shape}"
        assert a.dtype == b.dtype, f"{where} component {j}: {a.dtype} != {b.dtype}"
        np.testing.assert_array_equal(a, b, err_msg=f"{where} component {j}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_pipeline_matches_tensorflow(name):
    expected_arrays, expected = golden.load("data", name)
    arrays, meta = cases.run_case(tf, CASES[name])
    assert meta["structure"] == expected["structure"]
    assert meta["dataset_ops"] == expected["dataset_ops"]
    assert meta["count"] == expected["count"]
    mine, theirs = _elements(arrays, meta), _elements(expected_arrays, expected)
    if not expected["ordered"]:
        mine, theirs = sorted(mine, key=_key), sorted(theirs, key=_key)
    for index, (a, b) in enumerate(zip(mine, theirs)):
        _assert_element_equal(a, b, f"{name} element {index}")


def _core_message(message: str) -> str:
    """The first line of an ndflow error message, without the node annotation."""
    return message.split("\n")[0].split("\t [[")[0].strip()


@pytest.mark.parametrize("name", sorted(cases.ERROR_CASES))
def test_error_matches_tensorflow(name):
    _, meta = golden.load("data", "errors")
    expected = meta["errors"][name]
    got = cases.run_error(tf, cases.ERROR_CASES[name])
    assert got["class"] == ERROR_CLASS_DIFFERS.get(name, expected["class"]), got
    if name in ERROR_CLASS_DIFFERS or name == "group_window_bad_key":
        return
    message = _core_message(got["message"])
    if name in MESSAGE_PREFIX_ONLY:
        message = message.split(MESSAGE_PREFIX_ONLY[name])[0]
    assert message in expected["message"], got["message"]
