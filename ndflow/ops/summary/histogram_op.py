"""HistogramSummary (TF's SummaryHistoOp) and `tf.summary.histogram`. The bucket math is in
histogram_buckets."""

from __future__ import annotations

import numpy as np

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.summary import histogram_buckets
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.proto import summary_pb2


def _check_finite(ctx, values: np.ndarray) -> None:
    """TF stops at the first NaN or infinity and names the node (not the tag)."""
    finite = np.isfinite(values)
    if finite.all():
        return
    first = values[np.argmin(finite)]
    kind = "Nan in summary histogram" if np.isnan(first) else "Infinity in Histogram"
    raise inputs.invalid(f"{kind} for: {inputs.node_name(ctx)}")


def _histogram_summary_kernel(ctx, tag, values):
    flat = np.asarray(values).astype(np.float64).reshape(-1)
    tag = inputs.scalar_string(tag, "tags must be scalar")
    _check_finite(ctx, flat)
    summary = summary_pb2.Summary()
    summary.value.add(tag=inputs.text(tag), histo=histogram_buckets.to_proto(flat))
    return inputs.serialized(summary)


registry.register_op(
    "HistogramSummary",
    inputs=["tag: string", "values: T"],
    outputs=["summary: string"],
    attrs=["T: realnumbertype = DT_FLOAT"],
    shape=scalar_lib.scalar_shape,
    kernel=_histogram_summary_kernel,
)
registry.not_differentiable("HistogramSummary", "a summary is a serialized proto")


def histogram(name, values, collections=None, family=None):
    """Mirrors `tf.compat.v1.summary.histogram`: a Summary proto with a histogram of
    `values` in TF's default exponential buckets (empty runs collapsed).

    Args:
      name: the node name, also the tag (cleaned of invalid characters, scoped).
      values: a real numeric Tensor of any shape.
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.
      family: optional tag prefix (TensorBoard's tab name).

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      InvalidArgumentError: at run time, for a NaN or infinite value.

    >>> weights_summary = histogram("weights", weights)
    """
    with naming.summary_scope(name, family, values=[values], default_name="HistogramSummary") as (
        tag,
        scope,
    ):
        value = op_builder.apply_op("HistogramSummary", tag, values, name=scope)
        naming.collect(value, collections, [graph_lib.GraphKeys.SUMMARIES])
    return value
