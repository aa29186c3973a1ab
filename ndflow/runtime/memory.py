"""Allocator tuning for NumPy-array-heavy sessions.

Training steps allocate and free the same large arrays (activations, gradients) every step.
glibc's malloc serves blocks above its mmap threshold with fresh mmaps and trims the heap
top eagerly, so each step pays page faults for memory it just gave back. TensorFlow avoids
this with its own caching allocator; ndflow's arrays come from malloc, so the first Session
raises glibc's mmap and trim thresholds once (`mallopt`), keeping freed blocks for reuse.
Elsewhere (non-glibc platforms) this does nothing.
"""

from __future__ import annotations

import sys
import threading

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 64 << 20
_TRIM_THRESHOLD = 256 << 20

_lock = threading.Lock()
_tuned = False


def tune_allocator() -> bool:
    """Raises glibc's mmap/trim thresholds once per process; True if it applied."""
    global _tuned
    with _lock:
        if _tuned or not sys.platform.startswith("linux"):
            return _tuned
        _tuned = True
        libc = _glibc()
        if libc is None:
            return False
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
        return True


def _glibc():
    # ctypes is loaded here, on first Session creation, to keep `import ndflow` fast.
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it (musl does not)
    except (OSError, AttributeError):
        return None
    return libc
