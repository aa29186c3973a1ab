"""ParseSequenceExampleV2 and ParseSingleSequenceExample, and `tf.io.parse_sequence_example` /
`tf.io.parse_single_sequence_example` (both build ParseSequenceExampleV2, as TF 2.x does)."""

from __future__ import annotations

import numpy as np

from ndflow.formats import example_config
from ndflow.formats import sequence_example
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops.parsing import example_ops
from ndflow.ops.parsing import features as features_lib

_TYPES = "{float, int64, string}"
_NOT_DIFFERENTIABLE = "parses serialized protos; strings have no gradient"

_V2_ATTRS = [
    "Ncontext_sparse: int >= 0 = 0",
    f"Tcontext_dense: list({_TYPES}) >= 0 = []",
    f"context_sparse_types: list({_TYPES}) >= 0 = []",
    f"context_ragged_value_types: list({_TYPES}) >= 0 = []",
    "context_ragged_split_types: list({int32, int64}) >= 0 = []",
    "context_dense_shapes: list(shape) >= 0 = []",
    "Nfeature_list_sparse: int >= 0 = 0",
    "Nfeature_list_dense: int >= 0 = 0",
    f"feature_list_dense_types: list({_TYPES}) >= 0 = []",
    f"feature_list_sparse_types: list({_TYPES}) >= 0 = []",
    f"feature_list_ragged_value_types: list({_TYPES}) >= 0 = []",
    "feature_list_ragged_split_types: list({int32, int64}) >= 0 = []",
    "feature_list_dense_shapes: list(shape) >= 0 = []",
]


def _vector(size=None):
    return tensor_shape.TensorShape([size])


def _sequence_shapes(serialized, attrs, context_ragged=True):
    """Static shapes of ParseSequenceExampleV2's outputs for a serialized of this shape."""
    rank = serialized.rank
    batch = None if rank != 1 else serialized.as_list()[0]
    splits = None if batch is None else batch + 1
    prefix = tensor_shape.unknown_shape() if rank is None else serialized
    result = example_ops._sparse_output_shapes(attrs["Ncontext_sparse"], serialized, 1)
    result += [prefix.concatenate(shape) for shape in attrs["context_dense_shapes"]]
    ragged = len(attrs["context_ragged_value_types"]) if context_ragged else 0
    result += [_vector() for _ in range(ragged)] + [_vector(splits) for _ in range(ragged)]
    result += example_ops._sparse_output_shapes(attrs["Nfeature_list_sparse"], serialized, 2)
    lists = prefix.concatenate(_vector())
    result += [lists.concatenate(shape) for shape in attrs["feature_list_dense_shapes"]]
    return result, prefix


def _parse_sequence_shape(op):
    serialized = shape_errors.require_rank_at_most(op.inputs[0].shape, 1)
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    result, prefix = _sequence_shapes(serialized, op.attrs)
    dense = op.attrs["Nfeature_list_dense"]
    ragged = len(op.attrs["feature_list_ragged_value_types"])
    batch = serialized.as_list()[0] if serialized.rank == 1 else None
    result.extend([prefix] * dense)
    result += [_vector() for _ in range(ragged)]
    result += [_vector(None if batch is None else batch + 1) for _ in range(ragged)]
    result += [_vector() for _ in range(ragged)]
    return result


def _context_config(
    sparse_keys,
    sparse_types,
    dense_keys,
    dense_types,
    dense_shapes,
    defaults,
    ragged_keys=(),
    ragged_types=(),
    ragged_splits=(),
):
    return example_ops.make_config(
        sparse_keys,
        sparse_types,
        dense_keys,
        dense_types,
        dense_shapes,
        defaults,
        ragged_keys,
        ragged_types,
        ragged_splits,
    )


def _lists_config(attrs, sparse_keys, dense_keys, ragged_keys, allow_missing):
    dense = [
        sequence_example.ListDenseSpec(key, dtype, tuple(shape.as_list()), bool(missing))
        for key, dtype, shape, missing in zip(
            dense_keys,
            attrs["feature_list_dense_types"],
            attrs["feature_list_dense_shapes"],
            allow_missing,
        )
    ]
    sparse = [
        example_config.SparseSpec(key, dtype)
        for key, dtype in zip(sparse_keys, attrs["feature_list_sparse_types"])
    ]
    ragged = [
        example_config.RaggedSpec(key, dtype, splits)
        for key, dtype, splits in zip(
            ragged_keys,
            attrs["feature_list_ragged_value_types"],
            attrs["feature_list_ragged_split_types"],
        )
    ]
    return sequence_example.ListsConfig(dense, sparse, ragged)


def _check_context_defaults(defaults, shapes) -> None:
    for index, (default, shape) in enumerate(zip(defaults, shapes)):
        default = np.asarray(default)
        if default.size and tuple(default.shape) != tuple(shape.as_list()):
            raise example_ops.invalid_argument(
                f"default_value[{index}].shape() == "
                f"{example_ops.array_shape_text(default.shape)} != context_dense_shapes[{index}]"
                f" == {example_ops.shape_text(shape)}"
            )


def _serialized_list(serialized):
    serialized = np.asarray(serialized, dtype=object)
    if serialized.ndim > 1:
        raise example_ops.invalid_argument(
            "Expected serialized to be a scalar or vector, got shape: "
            f"{example_ops.array_shape_text(serialized.shape)}"
        )
    return serialized.reshape(-1).tolist(), serialized.ndim == 1


def _parse_sequence_kernel(
    ctx,
    serialized,
    debug_name,
    context_sparse_keys,
    context_dense_keys,
    context_ragged_keys,
    feature_list_sparse_keys,
    feature_list_dense_keys,
    feature_list_ragged_keys,
    feature_list_dense_missing_assumed_empty,
    context_dense_defaults,
    **attrs,
):
    items, is_batch = _serialized_list(serialized)
    keys = example_ops.keys_of
    _check_context_defaults(context_dense_defaults, attrs["context_dense_shapes"])
    context = _context_config(
        keys(context_sparse_keys),
        attrs["context_sparse_types"],
        keys(context_dense_keys),
        attrs["Tcontext_dense"],
        attrs["context_dense_shapes"],
        context_dense_defaults,
        keys(context_ragged_keys),
        attrs["context_ragged_value_types"],
        attrs["context_ragged_split_types"],
    )
    lists = _lists_config(
        attrs,
        keys(feature_list_sparse_keys),
        keys(feature_list_dense_keys),
        keys(feature_list_ragged_keys),
        np.asarray(feature_list_dense_missing_assumed_empty).reshape(-1).tolist(),
    )
    names = np.asarray(debug_name, dtype=object).reshape(-1).tolist()
    parsed = sequence_example.parse_sequence_examples(items, context, lists, names, is_batch)
    c = parsed.context
    return (
        c.sparse_indices,
        c.sparse_values,
        c.sparse_shapes,
        c.dense_values,
        c.ragged_values,
        c.ragged_splits,
        parsed.sparse_indices,
        parsed.sparse_values,
        parsed.sparse_shapes,
        parsed.dense_values,
        parsed.dense_lengths,
        parsed.ragged_values,
        parsed.ragged_outer_splits,
        parsed.ragged_inner_splits,
    )


registry.register_op(
    "ParseSequenceExampleV2",
    inputs=[
        "serialized: string",
        "debug_name: string",
        "context_sparse_keys: string",
        "context_dense_keys: string",
        "context_ragged_keys: string",
        "feature_list_sparse_keys: string",
        "feature_list_dense_keys: string",
        "feature_list_ragged_keys: string",
        "feature_list_dense_missing_assumed_empty: bool",
        "context_dense_defaults: Tcontext_dense",
    ],
    outputs=[
        "context_sparse_indices: Ncontext_sparse * int64",
        "context_sparse_values: context_sparse_types",
        "context_sparse_shapes: Ncontext_sparse * int64",
        "context_dense_values: Tcontext_dense",
        "context_ragged_values: context_ragged_value_types",
        "context_ragged_row_splits: context_ragged_split_types",
        "feature_list_sparse_indices: Nfeature_list_sparse * int64",
        "feature_list_sparse_values: feature_list_sparse_types",
        "feature_list_sparse_shapes: Nfeature_list_sparse * int64",
        "feature_list_dense_values: feature_list_dense_types",
        "feature_list_dense_lengths: Nfeature_list_dense * int64",
        "feature_list_ragged_values: feature_list_ragged_value_types",
        "feature_list_ragged_outer_splits: feature_list_ragged_split_types",
        "feature_list_ragged_inner_splits: feature_list_ragged_split_types",
    ],
    attrs=_V2_ATTRS,
    shape=_parse_sequence_shape,
    kernel=_parse_sequence_kernel,
)
registry.not_differentiable("ParseSequenceExampleV2", _NOT_DIFFERENTIABLE)


# ---------------------------------------------------------------------- ParseSingleSequenceExample


def _parse_single_sequence_shape(op):
    serialized = shape_errors.require_rank(op.inputs[0].shape, 0)
    shape_errors.require_rank(op.inputs[1].shape, 1)
    attrs = dict(op.attrs)
    attrs["context_ragged_value_types"] = []
    result, _ = _sequence_shapes(serialized, attrs, context_ragged=False)
    return result


def _parse_single_sequence_kernel(
    ctx,
    serialized,
    feature_list_dense_missing_assumed_empty,
    context_sparse_keys,
    context_dense_keys,
    feature_list_sparse_keys,
    feature_list_dense_keys,
    context_dense_defaults,
    debug_name,
    **attrs,
):
    serialized = np.asarray(serialized, dtype=object)
    if serialized.ndim != 0:
        raise example_ops.invalid_argument(
            "Expected serialized to be a scalar, got shape: "
            f"{example_ops.array_shape_text(serialized.shape)}"
        )
    _check_context_defaults(context_dense_defaults, attrs["context_dense_shapes"])
    keys = example_ops.keys_of
    context = _context_config(
        keys(context_sparse_keys),
        attrs["context_sparse_types"],
        keys(context_dense_keys),
        attrs["Tcontext_dense"],
        attrs["context_dense_shapes"],
        context_dense_defaults,
    )
    missing = set(keys(feature_list_dense_missing_assumed_empty))
    dense_keys = keys(feature_list_dense_keys)
    attrs = {**attrs, "feature_list_ragged_value_types": [], "feature_list_ragged_split_types": []}
    lists = _lists_config(
        attrs,
        keys(feature_list_sparse_keys),
        dense_keys,
        [],
        [key in missing for key in dense_keys],
    )
    name = np.asarray(debug_name, dtype=object).reshape(-1).tolist()
    parsed = sequence_example.parse_sequence_examples(
        [serialized.item()], context, lists, name, is_batch=False
    )
    c = parsed.context
    return (
        c.sparse_indices,
        c.sparse_values,
        c.sparse_shapes,
        c.dense_values,
        parsed.sparse_indices,
        parsed.sparse_values,
        parsed.sparse_shapes,
        parsed.dense_values,
    )


registry.register_op(
    "ParseSingleSequenceExample",
    inputs=[
        "serialized: string",
        "feature_list_dense_missing_assumed_empty: string",
        "context_sparse_keys: Ncontext_sparse * string",
        "context_dense_keys: Ncontext_dense * string",
        "feature_list_sparse_keys: Nfeature_list_sparse * string",
        "feature_list_dense_keys: Nfeature_list_dense * string",
        "context_dense_defaults: Tcontext_dense",
        "debug_name: string",
    ],
    outputs=[
        "context_sparse_indices: Ncontext_sparse * int64",
        "context_sparse_values: context_sparse_types",
        "context_sparse_shapes: Ncontext_sparse * int64",
        "context_dense_values: Tcontext_dense",
        "feature_list_sparse_indices: Nfeature_list_sparse * int64",
        "feature_list_sparse_values: feature_list_sparse_types",
        "feature_list_sparse_shapes: Nfeature_list_sparse * int64",
        "feature_list_dense_values: feature_list_dense_types",
    ],
    attrs=[
        "Ncontext_sparse: int >= 0 = 0",
        "Ncontext_dense: int >= 0 = 0",
        "Nfeature_list_sparse: int >= 0 = 0",
        "Nfeature_list_dense: int >= 0 = 0",
        f"context_sparse_types: list({_TYPES}) >= 0 = []",
        f"Tcontext_dense: list({_TYPES}) >= 0 = []",
        f"feature_list_dense_types: list({_TYPES}) >= 0 = []",
        "context_dense_shapes: list(shape) >= 0 = []",
        f"feature_list_sparse_types: list({_TYPES}) >= 0 = []",
        "feature_list_dense_shapes: list(shape) >= 0 = []",
    ],
    shape=_parse_single_sequence_shape,
    kernel=_parse_single_sequence_kernel,
)
registry.not_differentiable("ParseSingleSequenceExample", _NOT_DIFFERENTIABLE)


# ---------------------------------------------------------------------- builders


def _sparse_tensors(indices, values, shapes):
    return [sparse_tensor.SparseTensor(*parts) for parts in zip(indices, values, shapes)]


def _parse_sequence_example_raw(serialized, debug_name, context, feature_list, name=None):
    if context.num_features + feature_list.num_features == 0:
        raise ValueError("Must provide at least one feature key.")
    with graph_lib.name_scope(name, "ParseSequenceExample", [serialized]):
        debug_name = [] if debug_name is None else debug_name
        missing = []
        for key, value in feature_list.dense_defaults.items():
            if value is not None:
                raise ValueError(f"Value feature_list.dense_defaults[{key}] must be None")
            missing.append(key)
        serialized = op_builder.convert_to_tensor(serialized, name="serialized")
        outputs = op_builder.apply_op(
            "ParseSequenceExampleV2",
            serialized=serialized,
            debug_name=debug_name,
            context_sparse_keys=context.sparse_keys,
            context_dense_keys=context.dense_keys,
            context_ragged_keys=context.ragged_keys,
            feature_list_sparse_keys=feature_list.sparse_keys,
            feature_list_dense_keys=feature_list.dense_keys,
            feature_list_ragged_keys=feature_list.ragged_keys,
            feature_list_dense_missing_assumed_empty=[
                key in missing for key in feature_list.dense_keys
            ],
            context_dense_defaults=context.dense_defaults_vec(),
            Ncontext_sparse=len(context.sparse_keys),
            Nfeature_list_sparse=len(feature_list.sparse_keys),
            Nfeature_list_dense=len(feature_list.dense_keys),
            context_sparse_types=context.sparse_types,
            context_ragged_value_types=context.ragged_value_types,
            context_ragged_split_types=context.ragged_split_types,
            feature_list_dense_types=feature_list.dense_types,
            feature_list_sparse_types=feature_list.sparse_types,
            feature_list_ragged_value_types=feature_list.ragged_value_types,
            feature_list_ragged_split_types=feature_list.ragged_split_types,
            context_dense_shapes=context.dense_shapes,
            feature_list_dense_shapes=feature_list.dense_shapes,
            name=name,
        )
        (
            c_indices,
            c_values,
            c_shapes,
            c_dense,
            _,
            _,
            f_indices,
            f_values,
            f_shapes,
            f_dense,
            f_lengths,
            _,
            _,
            _,
        ) = outputs
        context_output = dict(
            zip(
                context.sparse_keys + context.dense_keys,
                _sparse_tensors(c_indices, c_values, c_shapes) + list(c_dense),
            )
        )
        list_output = dict(
            zip(
                feature_list.sparse_keys + feature_list.dense_keys,
                _sparse_tensors(f_indices, f_values, f_shapes) + list(f_dense),
            )
        )
        lengths = dict(zip(feature_list.dense_keys, f_lengths))
        return context_output, list_output, lengths


def _params(context_features, sequence_features):
    context = features_lib.ParseOpParams.from_features(
        context_features, [features_lib.VarLenFeature, features_lib.FixedLenFeature]
    )
    lists = features_lib.ParseOpParams.from_features(
        sequence_features, [features_lib.VarLenFeature, features_lib.FixedLenSequenceFeature]
    )
    return context, lists


def parse_sequence_example(
    serialized, context_features=None, sequence_features=None, example_names=None, name=None
):
    """Mirrors `tf.io.parse_sequence_example`: parses a batch of SequenceExamples.

    Args:
      serialized: a string vector of serialized `tf.train.SequenceExample` protos.
      context_features: {key: FixedLenFeature | VarLenFeature} for the context.
      sequence_features: {key: FixedLenSequenceFeature | VarLenFeature} for feature lists.
      example_names: optional string vector naming the protos.
      name: the op name.

    Returns:
      (context dict, feature list dict, dense feature-list lengths dict).

    >>> parse_sequence_example(records, sequence_features={"t": VarLenFeature(tf.int64)})
    """
    if not (context_features or sequence_features):
        raise ValueError(
            "Both `context_features` and `sequence_features` argument are None, but at least "
            "one should have values."
        )
    context, lists = _params(context_features, sequence_features)
    with graph_lib.name_scope(name, "ParseSequenceExample", [serialized, example_names]):
        return _parse_sequence_example_raw(serialized, example_names, context, lists, name)


def parse_single_sequence_example(
    serialized, context_features=None, sequence_features=None, example_name=None, name=None
):
    """Mirrors `tf.io.parse_single_sequence_example`: parses one SequenceExample.

    Args:
      serialized: a string scalar, one serialized `tf.train.SequenceExample`.
      context_features: {key: FixedLenFeature | VarLenFeature} for the context.
      sequence_features: {key: FixedLenSequenceFeature | VarLenFeature} for feature lists.
      example_name: optional scalar name of the proto.
      name: the op name.

    Returns:
      (context dict, feature list dict).

    >>> context, lists = parse_single_sequence_example(
    ...     record, sequence_features={"t": FixedLenSequenceFeature([], tf.int64)})
    """
    if not (context_features or sequence_features):
        raise ValueError(
            "Both context_features and sequence_features are None, but at least one should "
            "have values."
        )
    context, lists = _params(context_features, sequence_features)
    with graph_lib.name_scope(name, "ParseSingleSequenceExample", [serialized, example_name]):
        with graph_lib.name_scope(name, "ParseSingleExample", [serialized, example_name]):
            serialized = op_builder.convert_to_tensor(serialized, name="serialized")
            serialized = example_ops._assert_scalar(serialized, "serialized")
        return _parse_sequence_example_raw(serialized, example_name, context, lists, name)[:2]
