"""IndexedSlices: a sparse slice-wise gradient (`tf.IndexedSlices`).

Gather's gradient is an IndexedSlices (values for the gathered rows, their indices, the
dense shape); optimizers apply it sparsely. Converting one to a Tensor densifies it with an
UnsortedSegmentSum, registered by the math family.
"""

from __future__ import annotations

import collections

from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

IndexedSlicesValue = collections.namedtuple(
    "IndexedSlicesValue", ["values", "indices", "dense_shape"]
)


class IndexedSlices:
    """Mirrors `tf.IndexedSlices`: `dense[indices[i], ...] = values[i, ...]`, summed."""

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def name(self) -> str:
        return self._values.name

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def op(self):
        return self._values.op

    @property
    def graph(self):
        return self._values.graph

    @property
    def device(self) -> str:
        return self._values.device

    @property
    def shape(self) -> tensor_shape.TensorShape:
        """The static dense shape: known dims from `dense_shape`, else from `values`."""
        if self._dense_shape is not None:
            static = tensor_util.constant_value_as_shape(self._dense_shape)
            if static.rank is not None:
                return static
        values_shape = self._values.shape
        if values_shape.rank is None:
            return tensor_shape.unknown_shape()
        return tensor_shape.TensorShape([None]).concatenate(values_shape[1:])

    def get_shape(self) -> tensor_shape.TensorShape:
        return self.shape

    def consumers(self) -> list:
        return self._values.consumers()

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self) -> str:
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"
