"""`tf.summary` (TF1): re-exports only. Summary ops live in ndflow/ops/summary, event files and
writers in ndflow/summary."""

from ndflow.ops import summary as _summary_ops
from ndflow.proto import event_pb2 as _event_pb2
from ndflow.proto import summary_pb2 as _summary_pb2
from ndflow.summary import writer as _writer
from ndflow.summary import writer_cache as _writer_cache

# --- protocol buffers
Event = _event_pb2.Event
SessionLog = _event_pb2.SessionLog
TaggedRunMetadata = _event_pb2.TaggedRunMetadata
Summary = _summary_pb2.Summary
SummaryDescription = _summary_pb2.SummaryDescription

# --- summary ops (ndflow/ops/summary)
scalar = _summary_ops.scalar
histogram = _summary_ops.histogram
image = _summary_ops.image
audio = _summary_ops.audio
text = _summary_ops.text
tensor_summary = _summary_ops.tensor_summary
merge = _summary_ops.merge
merge_all = _summary_ops.merge_all
get_summary_description = _summary_ops.get_summary_description

# --- event-file writers (ndflow/summary)

FileWriter = _writer.FileWriter
FileWriterCache = _writer_cache.FileWriterCache
