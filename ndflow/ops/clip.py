"""Gradient clipping: `tf.clip_by_norm`, `tf.clip_by_global_norm`, `tf.global_norm`,
`tf.clip_by_average_norm` (and `tf.clip_by_value`, which lives with the math ops).

No op of its own: each builds TF's graph from math, array and nn ops (L2Loss, the two-tap
Select that keeps gradients finite at a zero norm...) under TF's name scopes. IndexedSlices
are clipped through their values and keep their indices; None entries stay None.
"""

from __future__ import annotations

import numbers

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import indexed_slices
from ndflow.framework import op_builder
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import nn

IndexedSlices = indexed_slices.IndexedSlices
convert = op_builder.convert_to_tensor

clip_by_value = math.clip_by_value


def _values(t, name):
    """The dense values of `t` (an IndexedSlices' values), or None for None."""
    if t is None:
        return None
    return convert(t.values if isinstance(t, IndexedSlices) else t, name=name)


def _like(t, clipped):
    if isinstance(t, IndexedSlices):
        return IndexedSlices(clipped, t.indices, t.dense_shape)
    return clipped


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Mirrors `tf.clip_by_norm`: t * clip_norm / max(l2norm(t, axes), clip_norm).

    Args:
      t: a Tensor or IndexedSlices.
      clip_norm: the maximum norm (a negative value counts as 0).
      axes: the axes to compute the norm over (all by default).
      name: the op name.

    Returns:
      The clipped Tensor (or IndexedSlices), t's shape.

    >>> clip_by_norm(tf.constant([3.0, 4.0]), 1.0)  # [0.6, 0.8]
    """
    with graph_lib.name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = _values(t, "t")
        if isinstance(clip_norm, numbers.Number):
            clip_norm = max(clip_norm, 0)
        else:
            clip_norm = math.cast(math.maximum(clip_norm, 0), dtype=values.dtype)
        l2sum = math.reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        # Two-tap Select: the gradient stays finite where the norm is zero.
        l2sum_safe = math.where(pred, l2sum, array.ones_like(l2sum))
        l2norm = math.where(pred, math.sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        values.shape.assert_is_compatible_with(intermediate.shape)
        clipped = array.identity(intermediate / math.maximum(l2norm, clip_norm), name=scope)
        return _like(t, clipped)


def _check_sequence(t_list):
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")


def global_norm(t_list, name=None):
    """Mirrors `tf.global_norm`: sqrt(sum of the squared L2 norms of the tensors).

    Args:
      t_list: Tensors, IndexedSlices or None (ignored).
      name: the op name.

    Returns:
      A scalar Tensor named "<scope>/global_norm".

    >>> global_norm([tf.constant([3.0]), tf.constant([4.0])])  # 5.0
    """
    _check_sequence(t_list)
    t_list = list(t_list)
    with graph_lib.name_scope(name, "global_norm", [t for t in t_list if t is not None]):
        values = [_values(t, f"t_{i}") for i, t in enumerate(t_list)]
        half_squared_norms = []
        for v in values:
            if v is not None:
                with graph_lib.colocate_with(v.op):
                    half_squared_norms.append(nn.l2_loss(v))
        half_squared_norm = math.reduce_sum(array.stack(half_squared_norms))
        two = array.constant(2.0, dtype=half_squared_norm.dtype)
        return math.sqrt(half_squared_norm * two, name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Mirrors `tf.clip_by_global_norm`: every tensor scaled by
    clip_norm / max(global_norm, clip_norm).

    Args:
      t_list: Tensors, IndexedSlices or None (kept as None).
      clip_norm: the maximum global norm.
      use_norm: a precomputed global norm (Tensor) to use instead of computing it.
      name: the op name.

    Returns:
      (list of clipped tensors, the global norm). A NaN or infinite norm makes every entry
      NaN, as in TF.

    >>> clipped, norm = clip_by_global_norm(grads, 5.0)
    """
    _check_sequence(t_list)
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    use_norm = convert(use_norm)
    present = [t for t in t_list if t is not None]
    with graph_lib.name_scope(name, "clip_by_global_norm", present + [clip_norm]) as scope:
        one = array.constant(1.0, dtype=use_norm.dtype)
        scale_for_finite = clip_norm * math.minimum(1.0 / use_norm, one / clip_norm)
        # use_norm - use_norm is NaN for a non-finite norm: every output becomes NaN.
        scale = scale_for_finite + (use_norm - use_norm)
        values = [_values(t, f"t_{i}") for i, t in enumerate(t_list)]
        clipped = []
        for i, v in enumerate(values):
            if v is None:
                clipped.append(None)
                continue
            with graph_lib.colocate_with(v.op):
                scaled = v * math.cast(scale, v.dtype)
                clipped.append(array.identity(scaled, name=f"{scope}_{i}"))
        return [_like(t, c) for c, t in zip(clipped, t_list)], use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """Mirrors the deprecated `tf.clip_by_average_norm`:
    t * clip_norm / max(l2norm(t) / size(t), clip_norm).

    >>> clip_by_average_norm(tf.constant([[3.0, 4.0]]), 1.0)
    """
    with graph_lib.name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = convert(t, name="t")
        n_element = math.cast(array.size(t), dtypes.float32)
        l2norm_inv = math.rsqrt(math.reduce_sum(t * t, math.range(array.rank(t))))
        one = array.constant(1.0)
        tclip = t * clip_norm * math.minimum(l2norm_inv * n_element, one / clip_norm)
        return array.identity(tclip, name=scope)
