"""Dataset element structures: nested tuples/dicts of Tensors and SparseTensors, their specs,
and their flat component lists (a SparseTensor travels as one variant component).
"""

from __future__ import annotations

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_spec

apply_op = op_builder.apply_op
Tensor = graph_lib.Tensor
SparseTensor = sparse_tensor.SparseTensor
TensorSpec = tensor_spec.TensorSpec
SparseTensorSpec = tensor_spec.SparseTensorSpec


class DatasetSpec:
    """Mirrors `tf.data.DatasetSpec`: the type of a dataset-valued element component (a
    window, a group, a function's returned dataset). It travels as one scalar variant."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self.shape = tensor_shape.as_shape(dataset_shape)
        self.dtype = dtypes.variant

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __hash__(self):
        return hash(repr(self.element_spec))

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r}, TensorShape({self.shape.as_list()}))"


class ElementSpecProperties:
    """TF1's `element_spec` / `output_types` / `output_shapes` / `output_classes` of an
    object holding `_element_spec` (datasets and iterators)."""

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def output_types(self):
        return types(self._element_spec)

    @property
    def output_shapes(self):
        return shapes(self._element_spec)

    @property
    def output_classes(self):
        return classes(self._element_spec)


# Set by ndflow.data.dataset: wraps a variant tensor and element spec into a Dataset, for
# dataset-valued components rebuilt inside traced functions.
dataset_factory = None


def is_dataset(value) -> bool:
    return hasattr(value, "_variant_tensor") and hasattr(value, "element_spec")


def _is_sparse_value(value) -> bool:
    return isinstance(value, (SparseTensor, sparse_tensor.SparseTensorValue))


def flatten(structure) -> list:
    """tf.data's flatten: tuples and dicts are structure, Python lists are values."""
    return nest.flatten(structure, lists=False)


def pack(structure, flat):
    return nest.pack_sequence_as(structure, flat, lists=False)


def map_structure(fn, *structures):
    return nest.map_structure(fn, *structures, lists=False)


def assert_same_structure(first, second) -> None:
    nest.assert_same_structure(first, second, lists=False)


def normalize_element(element):
    """Converts every leaf to a Tensor (or SparseTensor), named like TF's
    "normalize_element/component_<i>"."""
    leaves = flatten(element)
    with graph_lib.name_scope("normalize_element"):
        converted = [_normalize_leaf(leaf, i) for i, leaf in enumerate(leaves)]
    return pack(element, converted)


def _normalize_leaf(leaf, index):
    if isinstance(leaf, SparseTensor) or is_dataset(leaf):
        return leaf
    if isinstance(leaf, sparse_tensor.SparseTensorValue):
        return SparseTensor.from_value(leaf)
    return op_builder.convert_to_tensor(leaf, name=f"component_{index}")


def spec_of(value):
    """The TensorSpec / SparseTensorSpec of a Tensor or SparseTensor."""
    if isinstance(value, SparseTensor):
        return SparseTensorSpec(value.shape, value.dtype)
    if is_dataset(value):
        return DatasetSpec(value.element_spec)
    return TensorSpec(value.shape, value.dtype)


def element_spec(element):
    return map_structure(spec_of, element)


def flat_types(spec) -> list:
    """The output_types attr of a structure: variant for each sparse component."""
    return [dtypes.variant if isinstance(s, SparseTensorSpec) else s.dtype for s in flatten(spec)]


def _flat_shape(spec):
    if isinstance(spec, SparseTensorSpec):
        return tensor_shape.unknown_shape()
    return spec.shape


def flat_shapes(spec) -> list:
    """The output_shapes attr of a structure: unknown for each sparse component."""
    return [_flat_shape(s) for s in flatten(spec)]


def to_tensor_list(element) -> list:
    """The flat component tensors of a normalized element (SparseTensors serialized)."""
    return [_component_tensor(leaf) for leaf in flatten(element)]


def _component_tensor(leaf):
    if isinstance(leaf, SparseTensor):
        return _serialize(leaf)
    if is_dataset(leaf):
        return leaf._variant_tensor
    return leaf


def _serialize(value):
    return apply_op(
        "SerializeSparse", value.indices, value.values, value.dense_shape, out_type=dtypes.variant
    )


def from_tensor_list(spec, tensors):
    """The element structure rebuilt from flat component tensors."""
    return pack(spec, [_component_value(t, s) for t, s in zip(tensors, flatten(spec))])


def _component_value(tensor, spec):
    if isinstance(spec, SparseTensorSpec):
        return _deserialize(tensor, spec)
    if isinstance(spec, DatasetSpec):
        return dataset_factory(tensor, spec.element_spec)
    return _with_shape(tensor, spec)


def _with_shape(tensor, spec):
    tensor.set_shape(tensor.shape.merge_with(spec.shape))
    return tensor


def _deserialize(tensor, spec):
    indices, values, dense_shape = apply_op("DeserializeSparse", tensor, dtype=spec.dtype)
    if spec.shape.rank is not None:
        indices.set_shape([None, spec.shape.rank])
        dense_shape.set_shape([spec.shape.rank])
    return SparseTensor(indices, values, dense_shape)


def classes(spec):
    """TF1's output_classes: tf.Tensor or tf.SparseTensor per component."""
    return map_structure(_legacy_class, spec)


def _legacy_class(spec):
    if isinstance(spec, SparseTensorSpec):
        return SparseTensor
    if isinstance(spec, DatasetSpec):
        return spec
    return Tensor


def types(spec):
    return map_structure(lambda s: s.dtype, spec)


def shapes(spec):
    return map_structure(lambda s: s.shape, spec)


def spec_from_types_shapes(output_types, output_shapes=None, output_classes=None):
    """An element spec from TF1's (output_types, output_shapes, output_classes)."""
    if output_shapes is None:
        output_shapes = map_structure(lambda _: tensor_shape.unknown_shape(), output_types)
    if output_classes is None:
        output_classes = map_structure(lambda _: Tensor, output_types)
    flat_t = flatten(output_types)
    flat_s = [tensor_shape.as_shape(s) for s in _flatten_shapes(output_types, output_shapes)]
    flat_c = flatten(output_classes)
    specs = [
        SparseTensorSpec(s, t) if c is SparseTensor else TensorSpec(s, t)
        for t, s, c in zip(flat_t, flat_s, flat_c)
    ]
    return pack(output_types, specs)


def _flatten_shapes(output_types, output_shapes):
    """Shapes given as lists of ints are leaves, not structures (TF's rule)."""
    if not nest.is_nested(output_types, lists=False):
        return [output_shapes]
    result = []
    for key_types, key_shapes in zip(_children(output_types), _children(output_shapes)):
        result.extend(_flatten_shapes(key_types, key_shapes))
    return result


def _children(structure):
    if isinstance(structure, dict):
        return [structure[k] for k in sorted(structure)]
    return list(structure)


def numpy_element(spec, values):
    """A runtime element (flat NumPy components) as the nested structure, scalars unwrapped
    the way Session fetches them."""
    leaves = [_numpy_leaf(v) for v in values]
    return pack(spec, leaves)


def _numpy_leaf(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value
