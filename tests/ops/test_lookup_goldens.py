"""Lookup tables against golden files recorded from real TensorFlow (tools/goldens/lookup.py):
vocabulary tables from files with OOV buckets, the text-file initializer's column modes and
errors, static, mutable and dense tables. Each case is replayed with `tf` bound to ndflow
(the contrib-era functions as `tf.contrib_lookup`, i.e. `ndflow.lookup`)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from tests.support import golden

FAMILY = "lookup"
FILES = golden.GOLDEN_DIR / FAMILY / "files"


class _Namespace:
    """ndflow, with the contrib-era lookup functions as `contrib_lookup`."""

    contrib_lookup = tf.lookup

    def __getattr__(self, name):
        return getattr(tf, name)


def _compare(value, expected, context):
    if expected.dtype.kind == "S":
        assert isinstance(value, bytes if expected.ndim == 0 else np.ndarray), context
        value, expected = np.asarray(value, dtype=object), expected.astype(object)
    value = np.asarray(value)
    assert value.dtype == expected.dtype, f"{context}: dtype {value.dtype} != {expected.dtype}"
    np.testing.assert_array_equal(value, expected, err_msg=context)


def _check_error(err, expected, context):
    assert type(err).__name__ == expected["class"], f"{context}: {err!r}"
    message = getattr(err, "message", str(err))
    assert expected["message"].replace("{files}", str(FILES)) in message, f"{context}: {message}"


def _replay(meta, arrays):
    expected_error = meta.get("error")
    with tf.Graph().as_default() as graph:
        scope = {"tf": _Namespace(), "vocab": lambda name: str(FILES / name)}
        try:
            fetches = eval(meta["call"], scope)  # noqa: S307 - the recorded case table
        except Exception as err:  # noqa: BLE001 - compared with TF's error below
            assert expected_error and expected_error["stage"] == "build", repr(err)
            _check_error(err, expected_error, meta["call"])
            return
        assert not (expected_error and expected_error["stage"] == "build"), "built fine"
        init = tf.tables_initializer() if meta["initialize"] else None
        with tf.Session(graph=graph) as sess:
            _run(sess, init, fetches, meta, arrays)


def _run(sess, init, fetches, meta, arrays):
    expected_error = meta.get("error")
    stages = ([("init", init)] if init is not None else []) + list(enumerate(fetches))
    for stage, fetch in stages:
        context = f"{meta['call']} [{stage}]"
        if expected_error and expected_error["stage"] == stage:
            with pytest.raises(tf.errors.OpError) as caught:
                sess.run(fetch)
            _check_error(caught.value, expected_error, context)
            return
        value = sess.run(fetch)
        if stage == "init":
            continue
        parts = list(value) if isinstance(value, (tuple, list)) else [value]
        for index, part in enumerate(parts):
            key = f"out{stage}_{index}"
            assert (part is None) == (key not in arrays), f"{context}: {part!r}"
            if part is not None:
                _compare(part, arrays[key], f"{context} output {index}")
    assert expected_error is None, f"expected {expected_error}"


CASES = golden.cases(FAMILY)


def test_goldens_were_recorded():
    assert len(CASES) >= 50
    assert (FILES / "words.txt").read_bytes().startswith(b"emerson\n")


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    arrays, meta = golden.load(FAMILY, case)
    _replay(meta, arrays)
