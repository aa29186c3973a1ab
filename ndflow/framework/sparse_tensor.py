"""SparseTensor: TensorFlow's COO sparse tensor (`tf.SparseTensor`, `tf.SparseTensorValue`).

Three dense tensors: `indices` (int64 [N, rank]), `values` ([N]) and `dense_shape`
(int64 [rank]). A Session fetches it as a SparseTensorValue and feeds one to it.
"""

from __future__ import annotations

import collections

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import nest
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.framework import tensor_util

SparseTensorValue = collections.namedtuple(
    "SparseTensorValue", ["indices", "values", "dense_shape"]
)
# A tf.data element component, not a 3-tuple of components.
nest.register_data_leaf(SparseTensorValue)


class SparseTensor:
    """Mirrors `tf.SparseTensor`.

    >>> SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    """

    def __init__(self, indices, values, dense_shape):
        with graph_lib.name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            self._indices = op_builder.convert_to_tensor(
                indices, name="indices", dtype=dtypes.int64
            )
            self._values = op_builder.convert_to_tensor(values, name="values")
            self._dense_shape = op_builder.convert_to_tensor(
                dense_shape, name="dense_shape", dtype=dtypes.int64
            )
        self._dense_shape_default = tensor_util.constant_value_as_shape(self._dense_shape)
        indices_shape = self._indices.shape.with_rank(2)
        values_shape = self._values.shape.with_rank(1)
        dense_shape_shape = self._dense_shape.shape.with_rank(1)
        indices_shape[0].assert_is_compatible_with(values_shape[0])
        indices_shape[1].assert_is_compatible_with(dense_shape_shape[0])

    @classmethod
    def from_value(cls, value):
        """A SparseTensor from a SparseTensorValue (or a SparseTensor, returned as is)."""
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    @property
    def indices(self):
        return self._indices

    @property
    def values(self):
        return self._values

    @property
    def dense_shape(self):
        return self._dense_shape

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
    def shape(self) -> tensor_shape.TensorShape:
        """The static dense shape: known where `dense_shape` is a constant, refined by
        `set_shape`."""
        return self._dense_shape_default

    def get_shape(self) -> tensor_shape.TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        """Mirrors `tf.SparseTensor.set_shape`: merges `shape` into the static dense shape.

        Raises:
          ValueError: when `shape` is not compatible with the current static shape.
        """
        shape = tensor_shape.as_shape(shape)
        if not self._dense_shape_default.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self._dense_shape_default} is not compatible with supplied "
                f"shape {shape}."
            )
        self._dense_shape_default = self._dense_shape_default.merge_with(shape)

    def with_values(self, new_values) -> SparseTensor:
        """Mirrors `tf.SparseTensor.with_values`: the same indices and dense shape."""
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def eval(self, feed_dict=None, session=None):
        session = session or graph_lib.get_default_session()
        if session is None:
            raise ValueError(
                "Cannot evaluate tensor using `eval()`: No default session is registered."
            )
        return session.run(self, feed_dict)

    def consumers(self) -> list:
        return self._values.consumers()

    def __repr__(self) -> str:
        return (
            f"SparseTensor(indices={self._indices}, values={self._values}, "
            f"dense_shape={self._dense_shape})"
        )


def _refuse_conversion(value, dtype=None, name=None, as_ref=False):
    raise TypeError(
        f"Failed to convert SparseTensor to Tensor: {value!r}. Use the tf.sparse "
        "ops (tf.sparse.to_dense) to make it dense."
    )


op_builder.register_tensor_conversion_function(SparseTensor, _refuse_conversion)
