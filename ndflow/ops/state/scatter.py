"""Scatter updates of variables: ScatterUpdate, ScatterAdd, ScatterSub (ref variables) and
ResourceScatterUpdate, ResourceScatterAdd, ResourceScatterSub, with `tf.scatter_*`.

Updates happen in place in the variable's storage; repeated indices accumulate for the
add/sub forms (NumPy's `ufunc.at`), and the last write wins for updates, as in TF's kernels.
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import tensor_shape
from ndflow.ops.state import resource_ops

apply_op = op_builder.apply_op
register_op = registry.register_op
Tensor = graph_lib.Tensor

_SCATTER_TYPES = (
    "{float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, "
    "bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}"
)


def _variable_shape(tensor, resource: bool):
    if not resource:
        return tensor.shape
    if tensor.op.type == "VarHandleOp":
        return tensor_shape.as_shape(tensor.op.attrs["shape"])
    return tensor_shape.unknown_shape()


def _scatter_shape(resource: bool):
    def shape(op):
        var = _variable_shape(op.inputs[0], resource)
        indices, updates = op.inputs[1].shape, op.inputs[2].shape
        if var.rank is not None and indices.rank is not None and updates.rank != 0:
            shape_errors.merge_shapes(updates, indices.concatenate(var[1:]))
        return [] if resource else [var]

    return shape


def _dims(value) -> str:
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


def scatter_rows(params, indices, updates, ufunc) -> None:
    """params[indices[i], ...] = ufunc(params[...], updates[i, ...]), in place; `ufunc` None
    assigns."""
    indices = np.asarray(indices)
    updates = np.asarray(updates)
    flat = indices.reshape(-1)
    bad = np.flatnonzero((flat < 0) | (flat >= params.shape[0]))
    if bad.size:
        where = ",".join(str(int(i)) for i in np.unravel_index(bad[0], indices.shape))
        raise errors.InvalidArgumentError(
            None, None, f"indices[{where}] = {flat[bad[0]]} is not in [0, {params.shape[0]})"
        )
    expected = tuple(indices.shape) + params.shape[1:]
    if updates.ndim != 0 and updates.shape != expected:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Must have updates.shape = indices.shape + params.shape[1:] or "
            f"updates.shape = [], got updates.shape {_dims(updates)}, indices.shape "
            f"{_dims(indices)}, params.shape {_dims(params)}",
        )
    if ufunc is None:
        params[indices] = updates
        return
    ufunc.at(params, indices, updates)


def _ref_kernel(ufunc):
    def kernel(ctx, ref, indices, updates):
        scatter_rows(ref.storage(), indices, updates, ufunc)
        return ref

    return kernel


def _resource_kernel(ufunc, op_type):
    def kernel(ctx, resource, indices, updates):
        params = resource_ops.variable_state(ctx, resource, op_type).storage()
        scatter_rows(params, indices, updates, ufunc)

    return kernel


for _suffix, _ufunc in (("Update", None), ("Add", np.add), ("Sub", np.subtract)):
    register_op(
        f"Scatter{_suffix}",
        inputs=["ref: Ref(T)", "indices: Tindices", "updates: T"],
        outputs=["output_ref: Ref(T)"],
        attrs=[
            "T: type" if _ufunc is None else f"T: {_SCATTER_TYPES}",
            "Tindices: {int32, int64}",
            f"use_locking: bool = {'true' if _ufunc is None else 'false'}",
        ],
        shape=_scatter_shape(False),
        kernel=_ref_kernel(_ufunc),
        stateful=True,
    )
    register_op(
        f"ResourceScatter{_suffix}",
        inputs=["resource: resource", "indices: Tindices", "updates: dtype"],
        attrs=[
            "dtype: type" if _ufunc is None else f"dtype: {_SCATTER_TYPES}",
            "Tindices: {int32, int64}",
        ],
        shape=_scatter_shape(True),
        kernel=_resource_kernel(_ufunc, f"ResourceScatter{_suffix}"),
        stateful=True,
    )
    for _name in (f"Scatter{_suffix}", f"ResourceScatter{_suffix}"):
        registry.not_differentiable(_name, "an in-place scatter update of a variable")


def _scatter(suffix, ref, indices, updates, use_locking, name):
    if getattr(ref, "_is_resource_variable", False):
        op = apply_op(
            f"ResourceScatter{suffix}",
            ref.handle,
            indices,
            updates,
            name=name or f"ResourceScatter{suffix}",
        )
        with graph_lib.control_dependencies([op]):
            return ref.read_value()
    target = ref._ref() if hasattr(ref, "_ref") and not isinstance(ref, Tensor) else ref
    return apply_op(
        f"Scatter{suffix}",
        target,
        indices,
        updates,
        use_locking=use_locking,
        name=name or f"Scatter{suffix}",
    )


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """Mirrors `tf.compat.v1.scatter_update`: `ref[indices] = updates`; returns the ref."""
    return _scatter("Update", ref, indices, updates, use_locking, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """Mirrors `tf.compat.v1.scatter_add`: `ref[indices] += updates` (repeats add up)."""
    return _scatter("Add", ref, indices, updates, use_locking, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """Mirrors `tf.compat.v1.scatter_sub`: `ref[indices] -= updates` (repeats add up)."""
    return _scatter("Sub", ref, indices, updates, use_locking, name)
