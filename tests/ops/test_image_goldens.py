"""Image ops against golden files recorded from real TensorFlow (tools/goldens/image.py):
decoding of the committed PNG/JPEG/GIF/BMP files in tests/golden/image/files, encode round
trips, every resize method x align_corners x half_pixel_centers x up/down-scaling with the
gradient ops, colour conversions, the adjust ops, convert_image_dtype, crops and pads.

Each case is an expression evaluated with `tf` bound to ndflow, in the placeholder modes the
recording used; static shapes and dtypes, values and error classes/messages must match TF.
Values are exact unless the case records a tolerance: JPEG decoding is exact everywhere
except ISLOW without fancy upsampling of subsampled chroma (the case states its atol).
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import dtypes
from ndflow.framework import op_builder
from tests.support import golden

FILES = golden.GOLDEN_DIR / "image" / "files"


class _RawOps:
    """`tf.raw_ops.<Type>(**inputs_and_attrs)`: one op straight from the registry."""

    def __getattr__(self, op_type):
        def build(name=None, **kwargs):
            return op_builder.apply_op(op_type, name=name, **kwargs)

        return build


NAMESPACE = types.SimpleNamespace(**{k: getattr(tf, k) for k in dir(tf) if not k.startswith("__")})
NAMESPACE.raw_ops = _RawOps()


def _placeholder(name, value, mode):
    shape = {
        "static": value.shape,
        "const": value.shape,
        "dynamic": [None] * value.ndim,
        "unknown_rank": None,
    }[mode]
    dtype = tf.string if value.dtype.kind == "S" else dtypes.as_dtype(value.dtype)
    return tf.placeholder(dtype, shape=shape, name=name)


def _build(meta, arrays, mode):
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in_")}
    feeds = {name: _placeholder(name, value, mode) for name, value in inputs.items()}
    feed = {feeds[name]: value for name, value in inputs.items()}
    for name, file_name in meta.get("files", {}).items():
        shape = None if mode == "unknown_rank" else []
        feeds[name] = tf.placeholder(tf.string, shape=shape, name=name)
        feed[feeds[name]] = (FILES / file_name).read_bytes()
    result = eval(meta["call"], {"tf": NAMESPACE, "np": np, **feeds})  # noqa: S307 - case table
    return result, feed


def _compare(actual, expected, meta, context):
    actual = np.asarray(actual)
    if expected.dtype.kind == "S":
        expected = expected.astype(object)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{context}: dtype {actual.dtype} != {expected.dtype}"
    rtol, atol = meta.get("rtol", 0), meta.get("atol", 0)
    if actual.dtype.kind in "OSU" or not (rtol or atol):
        np.testing.assert_array_equal(actual, expected, err_msg=context)
        return
    np.testing.assert_allclose(
        actual.astype(np.float64),
        expected.astype(np.float64),
        rtol=rtol,
        atol=atol,
        err_msg=context,
    )


def _assert_summary(message):
    """An Assert op's message up to its first data item: the items name graph tensors, which
    the Assert op (not the image builders) formats."""
    if message.startswith("assertion failed: ["):
        return message.split("] [")[0].replace("\\'", "'")
    return message


def _check_mode(case, arrays, meta, mode):
    expected = meta["modes"][mode]
    context = f"image/{case}[{mode}]: {meta['call']}"
    with tf.Graph().as_default() as graph:
        if "build_error" in expected:
            with pytest.raises(Exception) as caught:  # noqa: PT011 - class compared below
                _build(meta, arrays, mode)
            assert type(caught.value).__name__ == expected["build_error"], context
            assert expected["message"] in str(caught.value), f"{context}: {caught.value}"
            return
        result, feed = _build(meta, arrays, mode)
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        shapes = [None if t.shape.rank is None else t.shape.as_list() for t in outputs]
        assert shapes == expected["shapes"], f"{context}: static shapes {shapes}"
        assert [t.dtype.name for t in outputs] == expected["dtypes"], context
        with tf.Session(graph=graph) as sess:
            if "run_error" in expected:
                with pytest.raises(getattr(tf.errors, expected["run_error"])) as caught:
                    sess.run(outputs, feed)
                wanted = _assert_summary(expected["message"])
                assert wanted in caught.value.message, f"{context}: {caught.value}"
                return
            values = sess.run(outputs, feed)
    for index, value in enumerate(values):
        _compare(value, arrays[f"{mode}_out{index}"], meta, f"{context} output {index}")


CASES = golden.cases("image")


def test_goldens_were_recorded():
    assert len(CASES) >= 100
    assert (FILES / "rgb420.jpg").exists()


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    arrays, meta = golden.load("image", case)
    for mode in meta["modes"]:
        _check_mode(case, arrays, meta, mode)
