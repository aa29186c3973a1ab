"""Batching transformations: `batch` (BatchDatasetV2), `padded_batch`
(PaddedBatchDatasetV2) and `unbatch` (UnbatchDataset)."""

from __future__ import annotations

import numpy as np

from ndflow.data import base
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

apply_op = op_builder.apply_op


def _batch_inputs(batch_size, drop_remainder):
    size = op_builder.convert_to_tensor(batch_size, dtype=dtypes.int64, name="batch_size")
    drop = op_builder.convert_to_tensor(drop_remainder, dtype=dtypes.bool, name="drop_remainder")
    static_size = tensor_util.constant_value(size)
    static_drop = tensor_util.constant_value(drop)
    leading = int(static_size) if static_size is not None and static_drop else None
    return size, drop, leading


def batch(dataset, batch_size, drop_remainder=False, name=None):
    """Consecutive elements stacked into batches of `batch_size`."""
    size, drop, leading = _batch_inputs(batch_size, drop_remainder)
    spec = batched_spec(dataset.element_spec, leading)
    variant = apply_op(
        "BatchDatasetV2",
        dataset._variant_tensor,
        size,
        drop,
        name=name or "BatchDatasetV2",
        **base.dataset_attrs(spec),
    )
    return variant, spec


def _batched(spec, leading):
    shape = tensor_shape.TensorShape([leading]).concatenate(spec.shape)
    return type(spec)(shape, spec.dtype)


def batched_spec(spec, leading=None):
    return structure.map_structure(lambda s: _batched(s, leading), spec)


# ---------------------------------------------------------------------- padded_batch


def padded_batch(
    dataset, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
):
    """Batches whose components are padded to `padded_shapes` (default: the largest in the
    batch for each unknown dimension) with `padding_values` (default 0 / "" / False)."""
    spec = dataset.element_spec
    for index, component in enumerate(structure.flatten(spec)):
        if not isinstance(component, structure.TensorSpec):
            raise TypeError(
                "`padded_batch` is only supported for datasets that produce tensor "
                "elements but the input dataset produces elements of unsupported "
                f"type {component}."
            )
        if padded_shapes is None and component.shape.rank is None:
            raise ValueError(
                "You must provide `padded_shapes` argument because component "
                f"{index} has unknown rank."
            )
    input_shapes = structure.shapes(spec)
    if padded_shapes is None:
        padded_shapes = input_shapes
    with graph_lib.name_scope(None, "padded_batch"):
        shape_tensors = _map_up_to(
            input_shapes, _padded_shape_to_tensor, padded_shapes, input_shapes
        )
    if padding_values is None:
        padding_values = structure.map_structure(_default_padding, structure.types(spec))
    values = _map_up_to(
        input_shapes, _padding_value_to_tensor, padding_values, structure.types(spec)
    )
    size, drop, leading = _batch_inputs(batch_size, drop_remainder)
    output_spec = structure.pack(
        spec,
        [
            structure.TensorSpec(
                tensor_shape.TensorShape([leading]).concatenate(
                    tensor_util.constant_value_as_shape(t)
                ),
                s.dtype,
            )
            for t, s in zip(structure.flatten(shape_tensors), structure.flatten(spec))
        ],
    )
    variant = apply_op(
        "PaddedBatchDatasetV2",
        dataset._variant_tensor,
        size,
        structure.flatten(shape_tensors),
        structure.flatten(values),
        drop,
        output_shapes=structure.flat_shapes(output_spec),
        name=name or "PaddedBatchDatasetV2",
    )
    return variant, output_spec


def _map_up_to(shallow, fn, *structures):
    """map over `structures` to the depth of `shallow` (shapes like [None, 3] are leaves)."""
    flat = [_flatten_up_to(shallow, s) for s in structures]
    return structure.pack(shallow, [fn(*args) for args in zip(*flat)])


def _flatten_up_to(shallow, value) -> list:
    if not nest.is_nested(shallow, lists=False):
        return [value]
    if isinstance(shallow, dict):
        if not isinstance(value, dict) or set(value) != set(shallow):
            raise ValueError(
                f"The two structures don't have the same keys. First structure: "
                f"{shallow}, second structure: {value}."
            )
        return [
            leaf for key in sorted(shallow) for leaf in _flatten_up_to(shallow[key], value[key])
        ]
    if not isinstance(value, (tuple, list)) or len(value) != len(shallow):
        raise ValueError(
            f"The two structures don't have the same sequence length. First "
            f"structure: {shallow}, second structure: {value}."
        )
    return [leaf for s, v in zip(shallow, value) for leaf in _flatten_up_to(s, v)]


def _padded_shape_to_tensor(padded_shape, input_shape):
    try:
        as_shape = tensor_shape.as_shape(padded_shape)
        tensor = op_builder.convert_to_tensor(
            [-1 if d is None else d for d in as_shape.as_list()],
            dtype=dtypes.int64,
            name="padded_shape",
        )
    except (TypeError, ValueError):
        tensor = op_builder.convert_to_tensor(padded_shape, dtype_hint=dtypes.int64)
        if tensor.shape.rank is not None and tensor.shape.rank != 1:
            raise ValueError(
                f"Padded shape {padded_shape} must be a `tf.int64` vector tensor, "
                f"but its shape was {tensor.shape}."
            ) from None
        if tensor.dtype != dtypes.int64:
            raise TypeError(
                f"Padded shape {padded_shape} must be a `tf.int64` vector tensor, "
                f"but its element type was {tensor.dtype.name}."
            ) from None
        as_shape = tensor_util.constant_value_as_shape(tensor)
    if not _compatible_padding(as_shape, input_shape):
        raise ValueError(
            f"The padded shape {as_shape} is not compatible with the shape "
            f"{input_shape} of the corresponding input component."
        )
    return tensor


def _compatible_padding(padded, given) -> bool:
    if padded.rank is None or given.rank is None:
        return True
    if padded.rank != given.rank:
        return False
    return all(p is None or g is None or p >= g for p, g in zip(padded.as_list(), given.as_list()))


def _padding_value_to_tensor(value, output_type):
    tensor = op_builder.convert_to_tensor(value, name="padding_value")
    if not tensor.shape.is_compatible_with(tensor_shape.scalar()):
        raise ValueError(
            "Invalid `padding_values`. `padding_values` values should be scalars, "
            f"but got {tensor.shape}."
        )
    if tensor.dtype != output_type:
        raise TypeError(
            f"Invalid `padding_values`. `padding_values` values type "
            f"{tensor.dtype} does not match type {output_type} of the "
            "corresponding input component."
        )
    return tensor


def _default_padding(dtype):
    if dtype == dtypes.string:
        return ""
    if dtype == dtypes.bool:
        return False
    if dtype == dtypes.variant:
        raise TypeError("Unable to create default padding for a variant component.")
    return np.zeros((), dtype.as_numpy_dtype)


# ---------------------------------------------------------------------- unbatch


def unbatch(dataset, name=None):
    """Each element split along its first dimension.

    As in TF, an identity-like map first normalizes the element (TF re-encodes sparse
    components there; ndflow's runtime slices them directly).
    """
    dataset = dataset.map(_identity)
    spec = dataset.element_spec
    leading = tensor_shape.Dimension(None)
    for component in structure.flatten(spec):
        if component.shape.rank == 0:
            raise ValueError("Cannot unbatch an input with scalar components.")
        if component.shape.rank is None:
            continue
        try:
            leading = leading.merge_with(component.shape[0])
        except ValueError:
            raise ValueError(
                f"`unbatch()` is only supported for datasets of elements whose "
                f"components have a matching leading dimension. Encountered "
                f"both {leading} and {component.shape[0]}."
            ) from None
    output_spec = structure.map_structure(_unbatched, spec)
    variant = apply_op(
        "UnbatchDataset",
        dataset._variant_tensor,
        name=name or "UnbatchDataset",
        **base.dataset_attrs(output_spec),
    )
    return variant, output_spec


def _identity(*args):
    return args if len(args) != 1 else args[0]


def _unbatched(spec):
    shape = spec.shape[1:] if spec.shape.rank is not None else tensor_shape.unknown_shape()
    return type(spec)(shape, spec.dtype)
