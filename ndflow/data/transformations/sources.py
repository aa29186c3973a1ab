"""Source datasets: `from_tensors`, `from_tensor_slices`, `range`."""

from __future__ import annotations

from ndflow.data import base
from ndflow.data import structure
from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape

apply_op = op_builder.apply_op


def from_tensors(tensors, name=None):
    """TensorDataset: one element, `tensors`."""
    with graph_lib.name_scope(name, "TensorDataset"):
        element = structure.normalize_element(tensors)
    spec = structure.element_spec(element)
    components = structure.to_tensor_list(element)
    variant = apply_op(
        "TensorDataset",
        components,
        output_shapes=structure.flat_shapes(spec),
        name=name or "TensorDataset",
    )
    return variant, spec


def from_tensor_slices(tensors, name=None):
    """TensorSliceDataset: one element per row of `tensors` (equal first dimensions)."""
    element = structure.normalize_element(tensors)
    full = structure.element_spec(element)
    spec = structure.map_structure(_unbatched, full)
    _check_first_dims(full)
    components = structure.to_tensor_list(element)
    variant = apply_op(
        "TensorSliceDataset",
        components,
        output_shapes=structure.flat_shapes(spec),
        name=name or "TensorSliceDataset",
    )
    return variant, spec


def _unbatched(spec):
    if spec.shape.rank == 0:
        raise ValueError("Unbatching a tensor is only supported for rank >= 1")
    rest = spec.shape[1:] if spec.shape.rank is not None else tensor_shape.unknown_shape()
    return type(spec)(rest, spec.dtype)


def _check_first_dims(spec):
    dims = [s.shape[0].value for s in structure.flatten(spec) if s.shape.rank]
    known = [d for d in dims if d is not None]
    if known and any(d != known[0] for d in known):
        raise ValueError(
            f"Dimensions {known[0]} and "
            f"{next(d for d in known if d != known[0])} are not compatible"
        )


def range_dataset(*args, output_type=dtypes.int64, name=None):
    """RangeDataset: like Python's `range(start, stop, step)`."""
    start, stop, step = _range_args(args)
    tensors = [
        op_builder.convert_to_tensor(v, dtype=dtypes.int64, name=n)
        for v, n in ((start, "start"), (stop, "stop"), (step, "step"))
    ]
    spec = structure.TensorSpec([], output_type)
    variant = apply_op(
        "RangeDataset", *tensors, **base.dataset_attrs(spec), name=name or "RangeDataset"
    )
    return variant, spec


def _range_args(args):
    if len(args) == 1:
        return 0, args[0], 1
    if len(args) == 2:
        return args[0], args[1], 1
    if len(args) == 3:
        return args
    raise ValueError(f"Invalid arguments to RangeDataset: {args}")
