"""Feature configurations for parsing Examples (`tf.io.FixedLenFeature` and friends) and their
translation into the parsing ops' keys, types, shapes and default tensors (TF's
`_ParseOpParams`)."""

from __future__ import annotations

import collections
import re

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import tensor_shape
from ndflow.ops import array


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """Mirrors `tf.io.VarLenFeature`: a variable-length feature, parsed into a SparseTensor.

    >>> VarLenFeature(tf.int64)
    """


class SparseFeature(
    collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"]
    )
):
    """Mirrors `tf.io.SparseFeature`: a SparseTensor whose indices come from `index_key`
    feature(s) and values from `value_key`, with dense shape `size`.

    >>> SparseFeature(index_key="ix", value_key="val", dtype=tf.float32, size=100)
    """

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


class FixedLenFeature(
    collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
):
    """Mirrors `tf.io.FixedLenFeature`: a feature of a fixed shape, parsed into a Tensor;
    without a `default_value` the feature is required.

    >>> FixedLenFeature([3], tf.float32, default_value=[0.0, 0.0, 0.0])
    """

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(
    collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"]
    )
):
    """Mirrors `tf.io.FixedLenSequenceFeature`: a variable number of rows of `shape`, padded
    with `default_value` across a batch.

    >>> FixedLenSequenceFeature([2], tf.int64, allow_missing=True)
    """

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


def prepend_none_dimension(features):
    """TF's `_prepend_none_dimension`: FixedLenSequenceFeatures in parse_example become
    dense features with an unknown first dimension (they must allow missing)."""
    if not features:
        return features
    modified = dict(features)
    for key, feature in features.items():
        if isinstance(feature, FixedLenSequenceFeature):
            if not feature.allow_missing:
                raise ValueError(
                    "Unsupported: FixedLenSequenceFeature requires allow_missing to be True."
                )
            modified[key] = FixedLenSequenceFeature(
                [None, *list(feature.shape)],
                feature.dtype,
                feature.allow_missing,
                feature.default_value,
            )
    return modified


class ParseOpParams:
    """Mirrors TF's `_ParseOpParams`: the raw keys, types, shapes and defaults of a parse."""

    def __init__(self):
        self.sparse_keys = []
        self.sparse_types = []
        self.dense_keys = []
        self.dense_types = []
        self.dense_shapes = []
        self.dense_defaults = collections.OrderedDict()
        self.ragged_keys = []
        self.ragged_value_types = []
        self.ragged_split_types = []

    @classmethod
    def from_features(cls, features, types):
        """Params for `features` ({key: feature}); ValueError for unsupported features."""
        params = cls()
        for key in sorted(features or {}):
            feature = features[key]
            if not isinstance(feature, tuple(types)):
                raise ValueError(f"Unsupported {type(feature).__name__} {feature} for key '{key}'")
            params._add_feature(key, feature)
        params._validate()
        return params

    @property
    def num_features(self) -> int:
        return len(self.dense_keys) + len(self.sparse_keys) + len(self.ragged_keys)

    def dense_defaults_vec(self) -> list:
        """The default-value tensors of the dense features (call inside the op's scope)."""
        return [
            self._make_dense_default(key, shape, dtype)
            for key, shape, dtype in zip(self.dense_keys, self.dense_shapes, self.dense_types)
        ]

    def _make_dense_default(self, key, shape, dtype):
        default = self.dense_defaults.get(key)
        if shape.rank is not None and shape.rank > 0 and shape.dims[0].value is None:
            if default is None:
                return op_builder.convert_to_tensor("" if dtype == dtypes.string else 0, dtype)
            name = "padding_" + re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
            default = op_builder.convert_to_tensor(default, dtype=dtype, name=name)
            return array.reshape(default, [])
        if default is None:
            return array.constant([], dtype=dtype)
        if isinstance(default, graph_lib.Tensor):
            return default
        name = "key_" + re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
        default = op_builder.convert_to_tensor(default, dtype=dtype, name=name)
        return array.reshape(default, shape.as_list())

    def _add_feature(self, key, feature) -> None:
        if isinstance(feature, VarLenFeature):
            if not feature.dtype:
                raise ValueError(f"Missing type for feature {key}. Received feature={feature}")
            self._add_sparse_key(key, feature.dtype)
        elif isinstance(feature, SparseFeature):
            self._add_sparse_feature(key, feature)
        elif isinstance(feature, FixedLenFeature):
            self._add_fixed_len_feature(key, feature)
        elif isinstance(feature, FixedLenSequenceFeature):
            self._add_fixed_len_sequence_feature(key, feature)
        else:
            raise ValueError(f"Invalid feature {key}:{feature}.")

    def _add_sparse_key(self, key, dtype) -> None:
        dtype = dtypes.as_dtype(dtype)
        if key not in self.sparse_keys:
            self.sparse_keys.append(key)
            self.sparse_types.append(dtype)
            return
        original = self.sparse_types[self.sparse_keys.index(key)]
        if original != dtype:
            raise ValueError(f"Conflicting type {original} vs {dtype} for feature {key}.")

    def _add_sparse_feature(self, key, feature) -> None:
        if not feature.index_key:
            raise ValueError(f"Missing index_key for SparseFeature {feature}.")
        if not feature.value_key:
            raise ValueError(f"Missing value_key for SparseFeature {feature}.")
        if not feature.dtype:
            raise ValueError(f"Missing type for feature {key}. Received feature={feature}.")
        index_keys = feature.index_key
        if isinstance(index_keys, str):
            index_keys = [index_keys]
        for index_key in sorted(index_keys):
            self._add_sparse_key(index_key, dtypes.int64)
        self._add_sparse_key(feature.value_key, feature.dtype)

    def _check_dense(self, key, feature) -> tensor_shape.TensorShape:
        if not feature.dtype:
            raise ValueError(f"Missing type for feature {key}. Received feature={feature}.")
        if feature.shape is None:
            raise ValueError(f"Missing shape for feature {key}. Received feature={feature}.")
        return tensor_shape.TensorShape(feature.shape)

    def _add_fixed_len_feature(self, key, feature) -> None:
        shape = self._check_dense(key, feature)
        if feature.shape and shape.rank and shape.dims[0].value is None:
            raise ValueError(
                f"First dimension of shape for feature {key} unknown. Consider using "
                f"FixedLenSequenceFeature. Received feature={feature}."
            )
        if not shape.is_fully_defined():
            raise ValueError(
                f"All dimensions of shape for feature {key} need to be known but received "
                f"{feature.shape!s}."
            )
        self._add_dense(key, shape, feature.dtype)
        if feature.default_value is not None:
            self.dense_defaults[key] = feature.default_value

    def _add_fixed_len_sequence_feature(self, key, feature) -> None:
        shape = self._check_dense(key, feature)
        self._add_dense(key, shape, feature.dtype)
        if feature.allow_missing:
            self.dense_defaults[key] = None
        if feature.default_value is not None:
            self.dense_defaults[key] = feature.default_value

    def _add_dense(self, key, shape, dtype) -> None:
        self.dense_keys.append(key)
        self.dense_shapes.append(shape)
        self.dense_types.append(dtypes.as_dtype(dtype))

    def _validate(self) -> None:
        dense, sparse = set(self.dense_keys), set(self.sparse_keys)
        if not dense.isdisjoint(sparse):
            raise ValueError(
                "Dense and sparse keys must not intersect; dense_keys: "
                f"{self.dense_keys}, sparse_keys: {self.sparse_keys}, intersection: "
                f"{dense.intersection(sparse)}"
            )


def construct_composite_features(features, tensor_dict, sparse_merge):
    """TF's `_construct_tensors_for_composite_features`: SparseFeatures become one
    SparseTensor (via `sparse_merge`), and keys not in `features` are dropped."""
    tensor_dict = dict(tensor_dict)
    updates = {}
    for key in sorted(features):
        feature = features[key]
        if not isinstance(feature, SparseFeature):
            continue
        if isinstance(feature.index_key, str):
            ids = tensor_dict[feature.index_key]
        else:
            ids = [tensor_dict[index_key] for index_key in feature.index_key]
        updates[key] = sparse_merge(
            ids, tensor_dict[feature.value_key], feature.size, feature.already_sorted
        )
    tensor_dict.update(updates)
    for key in set(tensor_dict) - set(features):
        del tensor_dict[key]
    return tensor_dict
