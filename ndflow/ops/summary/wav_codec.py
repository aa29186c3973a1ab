"""16-bit PCM WAV encoding as TF's wav_io.cc `EncodeAudioAsS16LEWav`: a 44-byte RIFF
header, then samples round(x·32768) (halves away from zero), clamped to int16."""

from __future__ import annotations

import struct

import numpy as np

from ndflow.framework import errors

_HEADER_SIZE = 44
_UINT32_MAX = 2**32 - 1


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def to_int16(audio: np.ndarray) -> np.ndarray:
    """TF's `FloatToInt16Sample`: `roundf(x * 32768)` clamped to [-32768, 32767]; NaN
    becomes 0 as TF's float-to-int16 conversion leaves it on x86."""
    scaled = np.asarray(audio, dtype=np.float32) * np.float32(32768.0)
    magnitude = np.abs(scaled)
    whole = np.floor(magnitude)
    rounded = np.copysign(whole + (magnitude - whole >= 0.5), scaled)
    clamped = np.clip(rounded, -32768.0, 32767.0)
    return np.where(np.isnan(clamped), 0, clamped).astype("<i2")


def encode(audio: np.ndarray, sample_rate: int) -> bytes:
    """A WAV file of `audio` [frames, channels] float32 at `sample_rate` Hz."""
    frames, channels = audio.shape
    if audio.size == 0 and frames > 0:
        raise _invalid("audio is null")  # TF's check of the (empty) data pointer
    if sample_rate == 0 or sample_rate > _UINT32_MAX:
        raise _invalid(f"sample_rate must be in (0, 2^32), got: {sample_rate}")
    if channels == 0 or channels > 2**16 - 1:
        raise _invalid(f"num_channels must be in (0, 2^16), got: {channels}")
    data_size = frames * channels * 2
    if _HEADER_SIZE + data_size > _UINT32_MAX:
        raise _invalid("Provided channels and frames cannot be encoded as a WAV.")
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        _HEADER_SIZE + data_size - 8,
        b"WAVE",
        b"fmt ",
        16,
        1,
        channels,
        sample_rate,
        (sample_rate * 2 * channels) & _UINT32_MAX,
        2 * channels,
        16,
        b"data",
        data_size,
    )
    return header + to_int16(audio).tobytes()
