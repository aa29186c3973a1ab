"""tf.train.Example and SequenceExample <-> NumPy, and parsing batches of serialized Examples.

Conversions: `make_example({"x": [1.0, 2.0], "label": 3, "name": b"a"})` builds an Example
(float values -> float_list, integers and bools -> int64_list, bytes and str -> bytes_list),
`example_to_numpy` reads one back as {key: ndarray}; `make_sequence_example` /
`sequence_example_to_numpy` do the same for SequenceExample context and feature lists.

Parsing: `parse_examples(serialized, config)` fills ParseExampleV2's output arrays for a
whole batch (vectorized, example_batch.py; TensorFlow's exact semantics and errors from
example_exact.py whenever the batch needs them); `parse_single_example` is the scalar form.
"""

from __future__ import annotations

import numpy as np

from ndflow.formats import example_batch
from ndflow.formats import example_config
from ndflow.formats import example_exact
from ndflow.proto import example_pb2
from ndflow.proto import feature_pb2

# Below this many examples the per-example parser is cheaper than the vectorized one.
_VECTORIZED_MIN_BATCH = 8

Config = example_config.Config
DenseSpec = example_config.DenseSpec
SparseSpec = example_config.SparseSpec
RaggedSpec = example_config.RaggedSpec
Parsed = example_config.Parsed


def parse_examples(serialized, config: Config, names=None) -> Parsed:
    """ParseExampleV2 on a vector of serialized Examples: dense [B, ...] arrays, sparse
    (indices [N, 2], values, dense_shape [2]) and ragged (values, row_splits) outputs."""
    columns = None
    if len(serialized) >= _VECTORIZED_MIN_BATCH:
        columns = example_batch.parse_batch(serialized, config)
    if columns is None:
        columns = example_exact.parse_batch(serialized, config, names)
    return example_config.assemble(config, columns, len(serialized))


def parse_single_example(serialized: bytes, config: Config) -> Parsed:
    """ParseExampleV2 on a scalar: the outputs for one Example, without a batch dimension."""
    return example_exact.parse_single(serialized, config)


# ---------------------------------------------------------------------- Example <-> NumPy


def make_feature(values) -> feature_pb2.Feature:
    """A Feature from a scalar or sequence: floats -> float_list, integers and bools ->
    int64_list, bytes and str -> bytes_list (str encoded as UTF-8)."""
    if isinstance(values, (bytes, str)) or (
        isinstance(values, (list, tuple)) and values and isinstance(values[0], (bytes, str))
    ):
        # Not through np.asarray: a fixed-width bytes array would drop trailing NUL bytes.
        items = [values] if isinstance(values, (bytes, str)) else list(values)
        return _bytes_feature(items)
    array = np.asarray(values)
    flat = array.reshape(-1)
    if array.dtype.kind in "SUO":
        return _bytes_feature(flat.tolist())
    if array.dtype.kind == "f":
        return feature_pb2.Feature(float_list=feature_pb2.FloatList(value=flat.tolist()))
    if array.dtype.kind in "iub":
        values = flat.astype(np.int64).tolist()
        return feature_pb2.Feature(int64_list=feature_pb2.Int64List(value=values))
    raise TypeError(f"Cannot store values of dtype {array.dtype} in a tf.train.Feature")


def _bytes_feature(items) -> feature_pb2.Feature:
    values = [item.encode("utf-8") if isinstance(item, str) else bytes(item) for item in items]
    return feature_pb2.Feature(bytes_list=feature_pb2.BytesList(value=values))


def feature_to_numpy(feature: feature_pb2.Feature) -> np.ndarray:
    """The values of a Feature: float32, int64 or object (bytes) array; empty float32 array
    for a Feature with no list."""
    kind = feature.WhichOneof("kind")
    if kind == "float_list":
        return np.array(feature.float_list.value, dtype=np.float32)
    if kind == "int64_list":
        return np.array(feature.int64_list.value, dtype=np.int64)
    if kind == "bytes_list":
        values = np.empty(len(feature.bytes_list.value), dtype=object)
        values[:] = list(feature.bytes_list.value)
        return values
    return np.zeros(0, dtype=np.float32)


def make_features(values: dict) -> feature_pb2.Features:
    return feature_pb2.Features(feature={k: make_feature(v) for k, v in values.items()})


def make_example(values: dict) -> example_pb2.Example:
    """An Example from {key: values}; see `make_feature` for the value types."""
    return example_pb2.Example(features=make_features(values))


def _as_message(message_or_bytes, message_type):
    if isinstance(message_or_bytes, (bytes, bytearray, memoryview)):
        return message_type.FromString(bytes(message_or_bytes))
    return message_or_bytes


def example_to_numpy(example) -> dict:
    """{key: ndarray} of an Example (a message or its serialized bytes)."""
    example = _as_message(example, example_pb2.Example)
    return {k: feature_to_numpy(v) for k, v in example.features.feature.items()}


def make_sequence_example(context: dict, feature_lists: dict) -> example_pb2.SequenceExample:
    """A SequenceExample from context {key: values} and {key: [values per step]}."""
    lists = feature_pb2.FeatureLists(
        feature_list={
            key: feature_pb2.FeatureList(feature=[make_feature(step) for step in steps])
            for key, steps in feature_lists.items()
        }
    )
    return example_pb2.SequenceExample(context=make_features(context), feature_lists=lists)


def sequence_example_to_numpy(sequence_example):
    """(context {key: ndarray}, feature lists {key: [ndarray per step]})."""
    message = _as_message(sequence_example, example_pb2.SequenceExample)
    context = {k: feature_to_numpy(v) for k, v in message.context.feature.items()}
    lists = {
        key: [feature_to_numpy(step) for step in value.feature]
        for key, value in message.feature_lists.feature_list.items()
    }
    return context, lists
