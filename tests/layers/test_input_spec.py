"""tf.layers.InputSpec and the input checks, with Keras's messages (the checks made by real
layers are also compared with TF's goldens in test_core/test_convolutional/test_pooling)."""

from __future__ import annotations

import pytest

import ndflow as tf
from ndflow.layers import input_spec

InputSpec = tf.layers.InputSpec


def _check(spec, shape, dtype=tf.float32):
    with tf.Graph().as_default():
        input_spec.assert_input_compatibility(spec, tf.placeholder(dtype, shape), "layer")


def test_repr_and_config_round_trip():
    spec = InputSpec(dtype="float32", min_ndim=2, axes={-1: 3})
    assert repr(spec) == "InputSpec(dtype=float32, min_ndim=2, axes={-1: 3})"
    assert InputSpec.from_config(spec.get_config()).get_config() == spec.get_config()
    assert InputSpec(shape=(None, 4)).ndim == 2


@pytest.mark.parametrize(
    ("spec", "shape", "dtype", "message"),
    [
        (InputSpec(ndim=2), [1, 2, 3], tf.float32, "expected ndim=2, found ndim=3"),
        (InputSpec(max_ndim=2), [1, 2, 3], tf.float32, "expected max_ndim=2, found ndim=3"),
        (InputSpec(min_ndim=3), [1, 2], tf.float32, "expected min_ndim=3, found ndim=2"),
        (InputSpec(dtype="int32"), [2], tf.float32, "expected dtype=int32, found dtype="),
        (InputSpec(axes={1: 4}), [2, 3], tf.float32, "expected axis 1 of input shape"),
        (InputSpec(shape=(None, 4)), [2, 3], tf.float32, r"expected shape=\(None, 4\)"),
    ],
)
def test_mismatches_raise_keras_messages(spec, shape, dtype, message):
    with pytest.raises(ValueError, match=message):
        _check(spec, shape, dtype)


def test_compatible_inputs_and_unknown_rank_pass():
    _check(InputSpec(ndim=2, axes={-1: 3}), [None, 3])
    _check(InputSpec(ndim=2), None)
    _check(InputSpec(shape=(None, 3, 1), allow_last_axis_squeeze=True), [5, 3])


def test_input_count_and_non_tensor_inputs():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        with pytest.raises(ValueError, match="expects 2 input"):
            input_spec.assert_input_compatibility([InputSpec(), InputSpec()], [x], "layer")
        with pytest.raises(TypeError, match="Inputs to a layer should be tensors"):
            input_spec.assert_input_compatibility(InputSpec(), 3, "layer")


def test_bad_axes_raise():
    with pytest.raises(TypeError, match="must be a dict with integer keys"):
        InputSpec(axes={"a": 1})
    with pytest.raises(ValueError, match="greater than the maximum allowed value"):
        InputSpec(ndim=2, axes={3: 1})
