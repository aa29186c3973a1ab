"""The BLAS library's thread count: TensorFlow's intra-op parallelism, for the kernels that are
BLAS calls (MatMul, Conv2D and its gradients, ...).

TensorFlow runs an op's inner parallelism on a pool of `intra_op_parallelism_threads` threads
(`ConfigProto`; TF Serving's `--tensorflow_intra_op_parallelism`). ndflow's equivalent is the
thread count of the OpenBLAS that NumPy calls. It matters on busy machines: OpenBLAS's threads
spin and wait for each other, so when another thread of the process (a tf.data prefetch or map
thread, a server's request thread) or another process holds a core, each GEMM waits for the
descheduled thread. On 2 cores the seed CNN's training step ran 10-20x slower with 2 BLAS
threads than with 1 while a prefetching input pipeline and another process shared the CPU.

The setting is process-wide, like TF's global intra-op pool. Where NumPy's BLAS is not
OpenBLAS (or cannot be found) nothing changes and `set_threads` returns False.
"""

from __future__ import annotations

import threading

# OpenBLAS's exported setter and getter, by build: NumPy's bundled scipy-openblas (64-bit
# integers, prefixed and suffixed names), then the plain and ILP64 names of system OpenBLAS.
_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_GETTERS = (
    "scipy_openblas_get_num_threads64_",
    "openblas_get_num_threads64_",
    "openblas_get_num_threads",
)

_lock = threading.Lock()
_library = None
_searched = False


def set_threads(count: int) -> bool:
    """Caps NumPy's BLAS at `count` threads for the whole process; True if it applied.

    Raises:
      ValueError: count is not positive.
    """
    if count <= 0:
        raise ValueError(f"BLAS thread count must be positive. Received: {count}")
    library = _openblas()
    if library is None:
        return False
    getattr(library, _first(library, _SETTERS))(int(count))
    return True


def get_threads() -> int | None:
    """The BLAS thread count, or None when NumPy's BLAS is not a known OpenBLAS."""
    library = _openblas()
    if library is None:
        return None
    return int(getattr(library, _first(library, _GETTERS))())


def _first(library, names) -> str:
    return next(name for name in names if hasattr(library, name))


def _openblas():
    """The loaded OpenBLAS library with a thread setter and getter, or None (searched once)."""
    global _library, _searched
    with _lock:
        if _searched:
            return _library
        _searched = True
        _library = _find_openblas()
        return _library


def _find_openblas():
    # ctypes and numpy's BLAS are looked up on first use, to keep `import ndflow` fast.
    import ctypes

    import numpy  # noqa: F401 - NumPy loads its BLAS; the search looks among loaded libraries

    for path in _loaded_libraries():
        if "openblas" not in path.lower():
            continue
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        has_setter = any(hasattr(library, name) for name in _SETTERS)
        if has_setter and any(hasattr(library, name) for name in _GETTERS):
            return library
    return None


def _loaded_libraries() -> list[str]:
    """Paths of the shared libraries mapped into this process (Linux; empty elsewhere)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return []
    # A maps line: address, permissions, offset, device, inode, then the path if any.
    fields = (line.split(maxsplit=5) for line in lines)
    return sorted({parts[5] for parts in fields if len(parts) == 6 and ".so" in parts[5]})
