"""SparseTensor components of dataset elements travel as one `variant` each:
SerializeSparse (out_type=variant) packs indices/values/dense_shape, DeserializeSparse
unpacks them after IteratorGetNext, as TensorFlow's dataset structures do."""

from __future__ import annotations

import numpy as np

from ndflow.framework import errors
from ndflow.framework import registry
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape

register_op = registry.register_op


def _serialize_kernel(ctx, sparse_indices, sparse_values, sparse_shape, out_type):
    if out_type.name != "variant":
        raise errors.UnimplementedError(
            None, None, "ndflow serializes sparse tensors only to variants (dataset components)."
        )
    return sparse_tensor.SparseTensorValue(
        np.asarray(sparse_indices, np.int64),
        np.asarray(sparse_values),
        np.asarray(sparse_shape, np.int64),
    )


register_op(
    "SerializeSparse",
    inputs=["sparse_indices: int64", "sparse_values: T", "sparse_shape: int64"],
    outputs=["serialized_sparse: out_type"],
    attrs=["T: type", "out_type: {string, variant} = DT_STRING"],
    shape=lambda op: [tensor_shape.TensorShape([3])],
    kernel=_serialize_kernel,
)


def _deserialize_shape(op):
    return [
        tensor_shape.TensorShape([None, None]),
        tensor_shape.TensorShape([None]),
        tensor_shape.TensorShape([None]),
    ]


def _deserialize_kernel(ctx, serialized_sparse, dtype):
    value = serialized_sparse
    if isinstance(value, np.ndarray) and value.dtype == object:
        value = value.item() if value.ndim == 0 else value
    if not isinstance(value, sparse_tensor.SparseTensorValue):
        raise errors.InvalidArgumentError(
            None, None, "DeserializeSparse expects a serialized sparse tensor variant."
        )
    return (
        np.asarray(value.indices, np.int64),
        np.asarray(value.values).astype(dtype.as_numpy_dtype, copy=False),
        np.asarray(value.dense_shape, np.int64),
    )


register_op(
    "DeserializeSparse",
    inputs=["serialized_sparse: Tserialized"],
    outputs=["sparse_indices: int64", "sparse_values: dtype", "sparse_shape: int64"],
    attrs=["dtype: type", "Tserialized: {string, variant} = DT_STRING"],
    shape=_deserialize_shape,
    kernel=_deserialize_kernel,
)

for _name in ("SerializeSparse", "DeserializeSparse"):
    registry.not_differentiable(_name, "sparse serialization")
