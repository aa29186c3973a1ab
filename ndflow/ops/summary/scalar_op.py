"""ScalarSummary (TF's SummaryScalarOp) and `tf.summary.scalar`."""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.proto import summary_pb2


def scalar_shape(op):
    """The shape of every summary op's output: a scalar string (TF's ScalarShape)."""
    return [tensor_shape.scalar()]


def _single_tag(tags) -> str:
    if tags.size != 1:
        return ""
    return f" (tag '{inputs.text(tags.reshape(-1)[0])}')"


def _scalar_summary_kernel(ctx, tags, values):
    tags = np.asarray(tags, dtype=object)
    values = np.asarray(values)
    if tags.shape != values.shape:
        raise inputs.invalid(
            f"tags and values are not the same shape: {inputs.format_dims(tags.shape)} != "
            f"{inputs.format_dims(values.shape)}{_single_tag(tags)}"
        )
    simple = values.reshape(-1).astype(np.float32).tolist()
    summary = summary_pb2.Summary()
    for tag, value in zip(tags.reshape(-1), simple):
        summary.value.add(tag=inputs.text(tag), simple_value=value)
    return inputs.serialized(summary)


registry.register_op(
    "ScalarSummary",
    inputs=["tags: string", "values: T"],
    outputs=["summary: string"],
    attrs=["T: realnumbertype"],
    shape=scalar_shape,
    kernel=_scalar_summary_kernel,
)
registry.not_differentiable("ScalarSummary", "a summary is a serialized proto")


def scalar(name, tensor, collections=None, family=None):
    """Mirrors `tf.compat.v1.summary.scalar`: a Summary proto holding one scalar value.

    Args:
      name: the node name, also the tag (cleaned of invalid characters, scoped).
      tensor: a real numeric Tensor holding one value.
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.
      family: optional tag prefix (TensorBoard's tab name).

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      InvalidArgumentError: at run time, when `tensor` is not a scalar.

    >>> loss_summary = scalar("loss", loss)
    """
    with naming.summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = op_builder.apply_op("ScalarSummary", tag, tensor, name=scope)
        naming.collect(value, collections, [graph_lib.GraphKeys.SUMMARIES])
    return value
