"""MergeSummary (TF's SummaryMergeOp) and `tf.summary.merge` / `merge_all`."""

from __future__ import annotations

import numpy as np
from google.protobuf import message

from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.proto import summary_pb2


def _parse(serialized) -> summary_pb2.Summary:
    summary = summary_pb2.Summary()
    try:
        summary.ParseFromString(inputs.as_bytes(serialized))
    except message.DecodeError:
        raise inputs.invalid("Could not parse one of the summary inputs") from None
    return summary


def _merge_summary_kernel(ctx, summaries):
    merged = summary_pb2.Summary()
    seen: set[str] = set()
    for serialized in (s for array in summaries for s in np.asarray(array, object).reshape(-1)):
        for value in _parse(serialized).value:
            # An empty tag (TensorSummary's) is never a duplicate.
            if value.tag and value.tag in seen:
                raise inputs.invalid(f"Duplicate tag {value.tag} found in summary inputs ")
            seen.add(value.tag)
            merged.value.append(value)
    return inputs.serialized(merged)


registry.register_op(
    "MergeSummary",
    inputs=["inputs: N * string"],
    outputs=["summary: string"],
    attrs=["N: int >= 1"],
    shape=scalar_lib.scalar_shape,
    kernel=_merge_summary_kernel,
)
registry.not_differentiable("MergeSummary", "a summary is a serialized proto")


def merge(inputs, collections=None, name=None):  # noqa: A002 - TF's argument name
    """Mirrors `tf.compat.v1.summary.merge`: one Summary with the values of all `inputs`.

    Args:
      inputs: a list of string Tensors holding serialized `Summary` protos.
      collections: graph collections to add the op to; default none.
      name: the op name.

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      InvalidArgumentError: at run time, for two values with the same tag or an input
        that is not a Summary.

    >>> merged = merge([loss_summary, weights_summary])
    """
    name = naming.clean_tag(name)
    with graph_lib.name_scope(name, "Merge", inputs):
        value = op_builder.apply_op("MergeSummary", inputs, name=name)
        naming.collect(value, collections, [])
    return value


def merge_all(key=graph_lib.GraphKeys.SUMMARIES, scope=None, name=None):
    """Mirrors `tf.compat.v1.summary.merge_all`: merges every summary in collection `key`.

    Args:
      key: the collection holding the summaries; default `GraphKeys.SUMMARIES`.
      scope: an optional `re.match` filter on the summaries' names.
      name: the op name.

    Returns:
      A scalar string Tensor (a serialized `Summary`), or None when the collection is
      empty.

    >>> merged = merge_all()
    """
    summary_ops = graph_lib.get_collection(key, scope=scope)
    if not summary_ops:
        return None
    return merge(summary_ops, name=name)
