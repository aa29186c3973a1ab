"""AudioSummaryV2 and AudioSummary (TF's SummaryAudioOp, summary_audio_op.cc) and
`tf.summary.audio`. Each clip is a 16-bit PCM WAV (wav_codec)."""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.ops.summary import inputs
from ndflow.ops.summary import naming
from ndflow.ops.summary import scalar_op as scalar_lib
from ndflow.ops.summary import wav_codec
from ndflow.proto import summary_pb2


def _wav_rate(sample_rate: np.float32) -> int:
    """TF's `lrintf` (round half to even), at least 1."""
    return max(int(np.rint(sample_rate)), 1)


def _audio_summary(tag, tensor, sample_rate, max_outputs) -> bytes:
    tag = inputs.text(inputs.scalar_string(tag, "Tag must be a scalar"))
    clips = np.asarray(tensor, dtype=np.float32)
    if clips.ndim not in (2, 3):
        raise inputs.invalid(f"Tensor must be 3-D or 2-D, got: {inputs.format_dims(clips.shape)}")
    sample_rate = np.float32(sample_rate)
    if not sample_rate > 0:
        raise inputs.invalid("sample_rate must be > 0")
    if clips.ndim == 2:
        clips = clips[:, :, None]
    summary = summary_pb2.Summary()
    for index in range(min(max_outputs, clips.shape[0])):
        frames, channels = clips.shape[1:]
        audio = summary_pb2.Summary.Audio(
            sample_rate=float(sample_rate),
            num_channels=channels,
            length_frames=frames,
            content_type="audio/wav",
            encoded_audio_string=wav_codec.encode(clips[index], _wav_rate(sample_rate)),
        )
        suffix = f"/audio/{index}" if max_outputs > 1 else "/audio"
        summary.value.add(tag=tag + suffix, audio=audio)
    return inputs.serialized(summary)


def _sample_rate_input(sample_rate) -> np.float32:
    rate = np.asarray(sample_rate)
    if rate.size != 1:
        raise inputs.invalid(
            f"sample_rate must be a scalar, got shape {inputs.format_dims(rate.shape)}"
        )
    return np.float32(rate.reshape(-1)[0])


def _audio_summary_v2_kernel(ctx, tag, tensor, sample_rate, max_outputs):
    return _audio_summary(tag, tensor, _sample_rate_input(sample_rate), max_outputs)


def _audio_summary_kernel(ctx, tag, tensor, sample_rate, max_outputs):
    return _audio_summary(tag, tensor, sample_rate, max_outputs)


registry.register_op(
    "AudioSummaryV2",
    inputs=["tag: string", "tensor: float", "sample_rate: float"],
    outputs=["summary: string"],
    attrs=["max_outputs: int >= 1 = 3"],
    shape=scalar_lib.scalar_shape,
    kernel=_audio_summary_v2_kernel,
)
registry.register_op(
    "AudioSummary",
    inputs=["tag: string", "tensor: float"],
    outputs=["summary: string"],
    attrs=["sample_rate: float", "max_outputs: int >= 1 = 3"],
    shape=scalar_lib.scalar_shape,
    kernel=_audio_summary_kernel,
)
for _name in ("AudioSummaryV2", "AudioSummary"):
    registry.not_differentiable(_name, "a summary is a serialized proto")


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """Mirrors `tf.compat.v1.summary.audio`: a Summary proto with up to `max_outputs` WAV
    clips, tagged `<tag>/audio` (max_outputs 1) or `<tag>/audio/<i>`.

    Args:
      name: the node name, also the tag base (cleaned of invalid characters, scoped).
      tensor: a float32 Tensor [batch, frames] or [batch, frames, channels] in [-1, 1].
      sample_rate: the sample rate in Hz (a float32 scalar Tensor or a number).
      max_outputs: at most this many clips (>= 1).
      collections: graph collections to add the op to; default `[GraphKeys.SUMMARIES]`.
      family: optional tag prefix (TensorBoard's tab name).

    Returns:
      A scalar string Tensor: a serialized `Summary`.

    Raises:
      InvalidArgumentError: at run time, for a tensor that is not 2-D or 3-D, or a
        sample rate that is not positive.

    >>> audio_summary = audio("speech", clips, 16000.0)
    """
    with naming.summary_scope(name, family=family, values=[tensor]) as (tag, scope):
        rate = op_builder.convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        value = op_builder.apply_op(
            "AudioSummaryV2", tag, tensor, rate, max_outputs=max_outputs, name=scope
        )
        naming.collect(value, collections, [graph_lib.GraphKeys.SUMMARIES])
    return value
