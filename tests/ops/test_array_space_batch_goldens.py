"""The space/batch/depth ops against golden files recorded from real TensorFlow
(tools/goldens/space_batch.py), replayed like the array family's (test_array_goldens.py): each
expression runs with placeholders of full shape, unknown dims and unknown rank, and the
static shapes, dtypes, values and error classes and messages must match TF's.

Two normalizations: TF's "No OpKernel was registered" message lists the node's attrs in hash
order and then every registered kernel, so the first line is compared with the attrs as a
set; and TF 2 prints an unknown dim of a TensorShape as "None" where ndflow prints TF1's "?".
"""

from __future__ import annotations

import re

import pytest

import ndflow as tf
from tests.ops import test_array_goldens as array_goldens
from tests.support import golden

FAMILY = "space_batch"
MODES = ("static", "dynamic", "unknown_rank")
_NO_KERNEL = re.compile(r"^(No OpKernel was registered .* with these attrs: )\[(.*?)\]", re.S)


def _same_message(actual: str, expected: str) -> bool:
    """TF's message is a substring of ndflow's, up to the two normalizations above."""
    found = _NO_KERNEL.match(expected)
    if found is None:
        return expected in actual or expected in actual.replace("?", "None")
    ours = _NO_KERNEL.match(actual)
    if ours is None or ours.group(1) != found.group(1):
        return False
    return set(ours.group(2).split(", ")) == set(found.group(2).split(", "))


def _check_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            with pytest.raises((ValueError, TypeError)) as caught:
                array_goldens._build(meta["call"], arrays, mode)
            assert type(caught.value).__name__ == expected["build_error"], context
            assert _same_message(str(caught.value), expected["message"]), (
                f"{context}: {caught.value}"
            )
            return
        result, feed = array_goldens._build(meta["call"], arrays, mode)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                error_class = getattr(tf.errors, expected["run_error"])
                with pytest.raises(error_class) as caught:
                    sess.run(outputs, feed)
                assert _same_message(caught.value.message, expected["message"]), (
                    f"{context}: {caught.value}"
                )
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        array_goldens._compare(value, arrays[f"{mode}_out{index}"], f"{context} output {index}")


CASES = golden.cases(FAMILY)


def test_goldens_were_recorded():
    assert len(CASES) > 80


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_golden(case, mode):
    arrays, meta = golden.load(FAMILY, case)
    _check_mode(case, arrays, meta, mode)


def test_no_kernel_messages_compare_attrs_as_a_set():
    tf_message = (
        "No OpKernel was registered to support Op 'X' used by {{node X}} with these attrs: "
        "[b=1, T=DT_FLOAT]\nRegistered devices: [CPU]"
    )
    ours = "No OpKernel was registered to support Op 'X' used by {{node X}} with these attrs: "
    assert _same_message(ours + "[T=DT_FLOAT, b=1]", tf_message)
    assert not _same_message(ours + "[T=DT_DOUBLE, b=1]", tf_message)
