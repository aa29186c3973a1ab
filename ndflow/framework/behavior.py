"""TF2-behaviour switches that TF1 programs call first; ndflow is always TF1 graph mode.

`tf.disable_v2_behavior()` and friends are accepted and change nothing, so
`import ndflow.compat.v1 as tf; tf.disable_v2_behavior()` runs unchanged.
"""

from __future__ import annotations


def disable_v2_behavior() -> None:
    """Mirrors `tf.compat.v1.disable_v2_behavior` (ndflow is TF1 graph mode already)."""


def disable_eager_execution() -> None:
    """Mirrors `tf.compat.v1.disable_eager_execution` (ndflow never executes eagerly)."""


def disable_resource_variables() -> None:
    """Mirrors `tf.compat.v1.disable_resource_variables` (ref variables are the default)."""


def disable_tensor_equality() -> None:
    """Mirrors `tf.compat.v1.disable_tensor_equality` (`==` is identity, as in TF1)."""


def disable_v2_tensorshape() -> None:
    """Mirrors `tf.compat.v1.disable_v2_tensorshape` (shapes index to Dimension, as TF1)."""


def disable_control_flow_v2() -> None:
    """Mirrors `tf.compat.v1.disable_control_flow_v2`; ndflow always builds functional
    control flow (If/While), which TensorFlow also reads."""


def executing_eagerly() -> bool:
    """Mirrors `tf.executing_eagerly`: always False in ndflow."""
    return False


def resource_variables_enabled() -> bool:
    """Mirrors `tf.compat.v1.resource_variables_enabled`."""
    return False
