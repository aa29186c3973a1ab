"""TensorSpec and SparseTensorSpec: the static type of a value (`tf.TensorSpec`).

Dataset element specs and function signatures are nested structures of these.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import tensor_shape


class TensorSpec:
    """Mirrors `tf.TensorSpec`: a shape, a dtype and an optional name."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self._shape = tensor_shape.as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name or getattr(tensor.op, "name", None))

    @property
    def shape(self) -> tensor_shape.TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def name(self):
        return self._name

    def is_compatible_with(self, other) -> bool:
        other_dtype = getattr(other, "dtype", None)
        other_shape = getattr(other, "shape", None)
        return (
            other_dtype is not None
            and self._dtype == dtypes.as_dtype(other_dtype).base_dtype
            and self._shape.is_compatible_with(tensor_shape.as_shape(other_shape))
        )

    def most_specific_compatible_type(self, other) -> TensorSpec:
        if type(other) is not type(self) or other.dtype != self._dtype:
            raise ValueError(f"No TypeSpec is compatible with both {self} and {other}")
        return type(self)(self._shape.most_specific_compatible_shape(other.shape), self._dtype)

    def __eq__(self, other) -> bool:
        return (
            type(other) is type(self)
            and self._dtype == other._dtype
            and self._shape == other._shape
            and self._name == other._name
        )

    def __hash__(self) -> int:
        return hash((type(self), self._shape, self._dtype, self._name))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(shape={self._shape}, dtype={self._dtype!r}, "
            f"name={self._name!r})"
        )


class SparseTensorSpec(TensorSpec):
    """Mirrors `tf.SparseTensorSpec`: the dense shape and value dtype of a SparseTensor."""

    def __init__(self, shape=None, dtype=dtypes.float32):
        super().__init__(shape, dtype)

    def __repr__(self) -> str:
        return f"SparseTensorSpec(TensorShape({self._shape.as_tuple()}), {self._dtype!r})"
