"""The TF1 summary op family (`tf.summary`): ScalarSummary, HistogramSummary, ImageSummary,
AudioSummaryV2 / AudioSummary, TensorSummaryV2 / TensorSummary and MergeSummary, each
producing a serialized `Summary` proto, and their builders.

Importing this package registers every summary op; the names below re-export the builders.
"""

from __future__ import annotations

from ndflow.ops.summary import audio_op as audio_lib
from ndflow.ops.summary import histogram_op as histogram_lib
from ndflow.ops.summary import image_op as image_lib
from ndflow.ops.summary import merge_op as merge_lib
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.ops.summary import tensor_op as tensor_lib

scalar = scalar_lib.scalar
histogram = histogram_lib.histogram
image = image_lib.image
audio = audio_lib.audio
text = tensor_lib.text
tensor_summary = tensor_lib.tensor_summary
merge = merge_lib.merge
merge_all = merge_lib.merge_all
get_summary_description = tensor_lib.get_summary_description
