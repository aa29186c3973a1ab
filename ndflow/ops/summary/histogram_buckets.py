"""TF's default histogram (core/lib/histogram/histogram.cc) as plain NumPy: the bucket
limits, counting, and `EncodeToProto(proto, preserve_zero_buckets=false)`.

The limits are ±1e-12·1.1^k up to 1e20, 0 and ±DBL_MAX, built by the same repeated
multiplication in double as TF. A value v falls in the first bucket whose limit is > v
(`std::upper_bound`). Sums run sequentially in double, in TF's order, so `sum` and
`sum_squares` are bit-identical to TF's.
"""

from __future__ import annotations

import sys

import numpy as np

from ndflow.proto import summary_pb2

DBL_MAX = sys.float_info.max


def _default_limits() -> np.ndarray:
    positive = []
    value = 1.0e-12
    while value < 1.0e20:
        positive.append(value)
        value *= 1.1
    positive.append(DBL_MAX)
    limits = np.array([-v for v in reversed(positive)] + [0.0] + positive, dtype=np.float64)
    limits.flags.writeable = False
    return limits


LIMITS = _default_limits()


_POSITIVE = (len(LIMITS) - 3) // 2  # limits strictly between 0 and DBL_MAX
_ZERO = _POSITIVE + 1  # where 0.0 sits in LIMITS
_LOG_GROWTH = np.log(1.1)
_LOG_SMALLEST = np.log(1e-12)


def bucket_counts(values: np.ndarray) -> np.ndarray:
    """Counts per default bucket of finite float64 `values` (TF's `Histogram::Add`)."""
    return np.bincount(bucket_index(values), minlength=len(LIMITS)).astype(np.float64)


def bucket_index(values: np.ndarray) -> np.ndarray:
    """`searchsorted(LIMITS, values, side="right")`, from the limits' closed form
    1e-12 * 1.1**k: a binary search per element is ~5x slower, and a histogram of every
    weight at every step is what TensorBoard users write."""
    with np.errstate(divide="ignore"):
        steps = np.log(np.abs(values))
    steps -= _LOG_SMALLEST
    steps /= _LOG_GROWTH
    np.floor(steps, out=steps)
    # Positive limits at most |v| (log(0) = -inf clips to none), signed like v.
    np.clip(steps, -1, _POSITIVE - 1, out=steps)
    steps += 1
    np.copysign(steps, values, out=steps)
    index = steps.astype(np.intp)
    index += _ZERO
    index += values >= 0
    # The estimate can be one bucket off where rounding meets a limit: settle it exactly.
    # DBL_MAX itself would land past the last bucket; TF's vector has no slot there.
    last = len(LIMITS) - 1
    np.clip(index, 1, last, out=index)
    index -= values < np.take(LIMITS, index - 1)
    index += values >= np.take(LIMITS, index)
    np.clip(index, 1, last, out=index)
    return index


def _kept_buckets(counts: np.ndarray) -> np.ndarray:
    """Which buckets EncodeToProto writes: every non-empty one, and for each run of empty
    buckets only its last (which carries the run's end limit and a count of 0)."""
    empty = counts <= 0.0
    next_filled = np.append(~empty[1:], True)
    return ~empty | next_filled


def to_proto(values) -> summary_pb2.HistogramProto:
    """The HistogramProto TF's HistogramSummary kernel writes for finite `values`."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    counts = bucket_counts(flat)
    keep = _kept_buckets(counts)
    proto = summary_pb2.HistogramProto(
        min=float(flat.min()) if flat.size else DBL_MAX,
        max=float(flat.max()) if flat.size else -DBL_MAX,
        num=float(flat.size),
        sum=float(np.cumsum(flat)[-1]) if flat.size else 0.0,
        sum_squares=float(np.cumsum(flat * flat)[-1]) if flat.size else 0.0,
    )
    proto.bucket_limit.extend(LIMITS[keep].tolist())
    proto.bucket.extend(counts[keep].tolist())
    return proto
