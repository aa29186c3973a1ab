"""Layer 4: reverse-mode autodiff (`tf.gradients`) and the control-flow gradients."""

from ndflow.autodiff import control_flow_grad  # noqa: F401 - registers If/While gradients
from ndflow.autodiff import gradients  # noqa: F401
