"""TensorSummaryV2 and TensorSummary (summary_tensor_op.cc) and the builders that use them:
`tf.summary.tensor_summary`, `tf.summary.text` (TensorBoard's text plugin) and
`get_summary_description`.

The tensor goes into Summary.Value.tensor as TF writes it: strings in `string_val`, any
other dtype as raw little-endian `tensor_content` (TF's AsProtoTensorContent).
"""

from __future__ import annotations

import numpy as np
from google.protobuf import json_format
from google.protobuf import message

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import tensor_shape
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.proto import summary_pb2
from ndflow.proto import tensor_pb2


def _tensor_proto(values, dtype) -> tensor_pb2.TensorProto:
    array = np.asarray(values)
    proto = tensor_pb2.TensorProto(
        dtype=dtype.as_datatype_enum,
        tensor_shape=tensor_shape.TensorShape(array.shape).as_proto(),
    )
    if dtype == dtypes.string:
        proto.string_val.extend(inputs.as_bytes(item) for item in array.reshape(-1))
        return proto
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    proto.tensor_content = np.ascontiguousarray(array).tobytes()
    return proto


def _metadata(serialized: bytes) -> summary_pb2.SummaryMetadata:
    """TF parses the metadata and ignores a parse failure."""
    metadata = summary_pb2.SummaryMetadata()
    try:
        metadata.ParseFromString(serialized)
    except message.DecodeError:
        metadata.Clear()
    return metadata


def _tensor_summary_v2_kernel(ctx, tag, tensor, serialized_summary_metadata, T):
    tag = inputs.scalar_string(tag, "tag must be scalar")
    serialized = inputs.scalar_string(
        serialized_summary_metadata, "serialized_summary_metadata must be scalar"
    )
    summary = summary_pb2.Summary()
    summary.value.add(
        tag=inputs.text(tag),
        tensor=_tensor_proto(tensor, dtypes.as_dtype(T)),
        metadata=_metadata(serialized),
    )
    return inputs.serialized(summary)


class _NeedsNode(Exception):
    """Keeps the plan compiler from folding TensorSummary, whose output names its node."""


def _tensor_summary_kernel(ctx, tensor, T):
    if ctx is None:
        raise _NeedsNode("TensorSummary writes its node name; it runs with its node")
    summary = summary_pb2.Summary()
    summary.value.add(node_name=ctx.node_name, tensor=_tensor_proto(tensor, dtypes.as_dtype(T)))
    return inputs.serialized(summary)


registry.register_op(
    "TensorSummaryV2",
    inputs=["tag: string", "tensor: T", "serialized_summary_metadata: string"],
    outputs=["summary: string"],
    attrs=["T: type"],
    shape=scalar_lib.scalar_shape,
    kernel=_tensor_summary_v2_kernel,
)
registry.register_op(
    "TensorSummary",
    inputs=["tensor: T"],
    outputs=["summary: string"],
    attrs=[
        "T: type",
        "description: string = ''",
        "labels: list(string) = []",
        "display_name: string = ''",
    ],
    shape=scalar_lib.scalar_shape,
    kernel=_tensor_summary_kernel,
)
for _name in ("TensorSummaryV2", "TensorSummary"):
    registry.not_differentiable(_name, "a summary is a serialized proto")


def tensor_summary(
    name,
    tensor,
    summary_description=None,
    collections=None,
    summary_metadata=None,
    family=None,
    display_name=None,
):
    """Mirrors `tf.compat.v1.summary.tensor_summary`: a Summary proto holding `tensor` as a
    TensorProto, with plugin metadata.

    As in TF, `summary_description` and `display_name` are written into the
    `summary_metadata` proto passed in.

    Args:
      name: the node name, also the tag (cleaned of invalid characters, scoped).
      tensor: a Tensor of any type and shape.
      summary_description: a long description (Markdown).
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.
      summary_metadata: an optional `SummaryMetadata` proto (which plugin reads the value).
      family: optional tag prefix (TensorBoard's tab name).
      display_name: the name TensorBoard shows instead of the tag.

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    >>> notes = tensor_summary("notes", tf.constant("hello"))
    """
    if summary_metadata is None:
        summary_metadata = summary_pb2.SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized = summary_metadata.SerializeToString()
    with naming.summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = op_builder.apply_op("TensorSummaryV2", tag, tensor, serialized, name=scope)
        naming.collect(value, collections, [graph_lib.GraphKeys.SUMMARIES])
    return value


def text(name, tensor, collections=None):
    """Mirrors `tf.compat.v1.summary.text`: a string Tensor summarized for TensorBoard's
    text plugin (a TensorSummaryV2 with plugin_name "text").

    Args:
      name: the node name, also the tag.
      tensor: a string Tensor (Markdown is rendered).
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      ValueError: when `tensor` is not a string Tensor.

    >>> notes = text("notes", tf.constant("hello **tensorboard**"))
    """
    if tensor.dtype != dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got {tensor.dtype}")
    summary_metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text")
    )
    return tensor_summary(
        name=name, tensor=tensor, summary_metadata=summary_metadata, collections=collections
    )


def get_summary_description(node_def) -> summary_pb2.SummaryDescription:
    """Mirrors `tf.compat.v1.summary.get_summary_description`: the SummaryDescription held,
    as JSON, in a TensorSummary node's `description` attr.

    Args:
      node_def: the NodeDef of a TensorSummary op.

    Returns:
      A `SummaryDescription` proto.

    Raises:
      ValueError: when the node is not a TensorSummary op.

    >>> get_summary_description(op.node_def).type_hint
    """
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    description = node_def.attr["description"].s.decode("utf-8")
    summary_description = summary_pb2.SummaryDescription()
    json_format.Parse(description, summary_description)
    return summary_description
