"""Input checks and output packing shared by the summary kernels, in TF's words."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.ops import elementwise

format_dims = elementwise.format_dims


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def as_bytes(item) -> bytes:
    return item.encode("utf-8") if isinstance(item, str) else bytes(item)


def text(item) -> str:
    """A tag (a proto `string` field) from bytes; undecodable bytes become U+FFFD."""
    return as_bytes(item).decode("utf-8", "replace")


def scalar_string(value, message: str) -> bytes:
    """The one string of a scalar string input; `message` when it is not a scalar."""
    array = np.asarray(value, dtype=object)
    if array.ndim != 0:
        raise invalid(message)
    return as_bytes(array.item())


def node_name(ctx) -> str:
    """The running node's name ("" when the plan compiler folds the op without a node)."""
    return ctx.node_name if ctx is not None else ""


def serialized(summary) -> np.ndarray:
    """A Summary proto as the scalar string the kernels output: a 0-d object array, so that
    stacking it with others never turns it into a NumPy 'S' array (which drops trailing NUL
    bytes)."""
    result = np.empty((), dtype=object)
    result[()] = summary.SerializeToString()
    return result
