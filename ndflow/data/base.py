"""The core of a tf.data Dataset in ndflow: its dataset-op tensor and element spec.

Every Dataset method builds TensorFlow's dataset op (TensorSliceDataset, MapDataset,
BatchDatasetV2...) right away, as TF1 does, so a pipeline is part of the graph and exports
as a valid GraphDef. In a Session, those ops' kernels build the runtime dataset; iterating
a Dataset outside a graph runs its op in a private Session and walks the runtime iterator.
"""

from __future__ import annotations

from ndflow.data import iterators
from ndflow.data import structure
from ndflow.ops import data as data_ops  # noqa: F401 - registers TF's dataset ops
from ndflow.runtime import session as session_lib


class DatasetV1(structure.ElementSpecProperties):
    """The state every Dataset has: the variant tensor of its op and its element spec."""

    def __init__(self, variant_tensor, element_spec):
        self._variant_tensor = variant_tensor
        self._element_spec = element_spec
        self._options = None

    @property
    def graph(self):
        return self._variant_tensor.graph

    def _dataset_attrs(self) -> dict:
        """output_types / output_shapes attrs for a dataset op over this element spec."""
        return dataset_attrs(self._element_spec)

    # -- iteration ---------------------------------------------------------------------

    def make_one_shot_iterator(self):
        """Mirrors TF1's `Dataset.make_one_shot_iterator`."""
        return iterators.make_one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        """Mirrors TF1's `Dataset.make_initializable_iterator`."""
        return iterators.make_initializable(self, shared_name)

    def __iter__(self):
        """Iterates the elements as NumPy values (outside a Session, as TF2's eager)."""
        return _numpy_elements(self)

    def as_numpy_iterator(self):
        """Mirrors `Dataset.as_numpy_iterator`."""
        return _numpy_elements(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} element_spec={self._element_spec}>"


def dataset_attrs(spec) -> dict:
    return {
        "output_types": structure.flat_types(spec),
        "output_shapes": structure.flat_shapes(spec),
    }


def _numpy_elements(dataset):
    # A private Session evaluates the dataset op; its kernels bind map functions to it.
    session = session_lib.Session(graph=dataset.graph)
    try:
        value = session.run(dataset._variant_tensor)
        iterator = value.make_iterator()
        try:
            for element in iterator:
                yield structure.numpy_element(dataset.element_spec, element)
        finally:
            iterator.close()
    finally:
        session.close()
