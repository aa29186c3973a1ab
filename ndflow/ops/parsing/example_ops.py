"""ParseExampleV2, TF1's ParseExample and ParseSingleExample, and `tf.parse_example` /
`tf.parse_single_example`.

The kernels hand the serialized protos to ndflow/formats/example.py, which parses a whole
batch with vectorized NumPy and reproduces TensorFlow's error messages ("Name: <unknown>,
Key: x, Index: 3.  Number of float values != expected. ...").
"""

from __future__ import annotations

import numpy as np

from ndflow.formats import example as example_format
from ndflow.formats import example_config
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import control_flow
from ndflow.ops import math
from ndflow.ops import sparse
from ndflow.ops.parsing import features as features_lib

_EXAMPLE_TYPES = "{float, int64, string}"
_NOT_DIFFERENTIABLE = "parses serialized protos; strings have no gradient"


def invalid_argument(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def dims_of(shape: tensor_shape.TensorShape) -> tuple:
    """A dense_shapes attr as a tuple, -1 for an unknown (variable-length) first dim."""
    return tuple(-1 if d is None else d for d in shape.as_list())


def shape_text(shape: tensor_shape.TensorShape) -> str:
    return shape_errors.format_shape(shape)


def array_shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def keys_of(value) -> list[str]:
    """Feature keys from a string tensor, or from a list of string scalars (N * string)."""
    parts = value if isinstance(value, list) else [value]
    items = [item for part in parts for item in np.asarray(part, dtype=object).reshape(-1)]
    return [item.decode("utf-8") if isinstance(item, bytes) else str(item) for item in items]


def check_dense_defaults(defaults, dense_shapes) -> None:
    """TF's checks of dense_defaults against dense_shapes (ParseExampleOp); their dtypes are
    Tdense by construction."""
    for index, (default, shape) in enumerate(zip(defaults, dense_shapes)):
        default = np.asarray(default)
        variable = shape.rank is not None and shape.rank > 0 and shape.as_list()[0] is None
        if variable and default.size != 1:
            raise invalid_argument(
                f"dense_shape[{index}] is a variable length shape: {shape_text(shape)}, "
                f"therefore def_value[{index}] must contain a single element (the padding "
                f"element).  But its shape is: {array_shape_text(default.shape)}"
            )
        if not variable and default.size and not shape.is_compatible_with(default.shape):
            raise invalid_argument(
                f"def_value[{index}].shape() == {array_shape_text(default.shape)} is not "
                f"compatible with dense_shapes_[{index}] == {shape_text(shape)}"
            )


def make_config(
    sparse_keys,
    sparse_types,
    dense_keys,
    dense_types,
    dense_shapes,
    defaults,
    ragged_keys=(),
    ragged_value_types=(),
    ragged_split_types=(),
):
    """The formats-level parse configuration from op inputs and attrs."""
    dense = [
        example_config.DenseSpec(key, dtype, dims_of(shape), np.asarray(default))
        for key, dtype, shape, default in zip(dense_keys, dense_types, dense_shapes, defaults)
    ]
    sparse = [example_config.SparseSpec(k, t) for k, t in zip(sparse_keys, sparse_types)]
    ragged = [
        example_config.RaggedSpec(k, t, s)
        for k, t, s in zip(ragged_keys, ragged_value_types, ragged_split_types)
    ]
    return example_config.Config(dense, sparse, ragged)


# ---------------------------------------------------------------------- ParseExampleV2


def _sparse_output_shapes(count, input_shape, rank_delta):
    rank = None if input_shape.rank is None else input_shape.rank + rank_delta
    indices = [tensor_shape.TensorShape([None, rank]) for _ in range(count)]
    values = [tensor_shape.TensorShape([None]) for _ in range(count)]
    shapes = [tensor_shape.TensorShape([rank]) for _ in range(count)]
    return indices + values + shapes


def _parse_example_shape(op):
    serialized = shape_errors.require_rank_at_most(op.inputs[0].shape, 1)
    shape_errors.require_rank_at_most(op.inputs[1].shape, 1)
    result = _sparse_output_shapes(op.attrs["num_sparse"], serialized, 1)
    for shape in op.attrs["dense_shapes"]:
        result.append(serialized.concatenate(shape))
    ragged = len(op.attrs["ragged_value_types"])
    result += [tensor_shape.TensorShape([None]) for _ in range(ragged)]
    splits = None
    if serialized.rank == 1 and serialized.as_list()[0] is not None:
        splits = serialized.as_list()[0] + 1
    result += [tensor_shape.TensorShape([splits]) for _ in range(ragged)]
    return result


def _check_parse_example_inputs(serialized, names, keys, attrs) -> None:
    if serialized.ndim > 1:
        raise invalid_argument(
            "Expected serialized to be a scalar or vector, got shape: "
            f"{array_shape_text(serialized.shape)}"
        )
    if names.size > 0 and names.shape != serialized.shape:
        raise invalid_argument(
            f"Expected names have the same shape as serialized: name.shape="
            f"{array_shape_text(names.shape)}, serialized.shape="
            f"{array_shape_text(serialized.shape)}"
        )
    sparse_keys, dense_keys, ragged_keys = keys
    checks = (
        (len(dense_keys), len(attrs["Tdense"]), "len(dense_keys) == len(dense_types)"),
        (len(sparse_keys), attrs["num_sparse"], "len(sparse_keys) == num_sparse"),
        (
            len(ragged_keys),
            len(attrs["ragged_value_types"]),
            "len(ragged_keys) == len(ragged_value_types)",
        ),
    )
    for got, want, what in checks:
        if got != want:
            raise invalid_argument(f"Expected {what} but got: {got} vs. {want}")


def _parse_example_kernel(
    ctx, serialized, names, sparse_keys, dense_keys, ragged_keys, dense_defaults, **attrs
):
    keys = (keys_of(sparse_keys), keys_of(dense_keys), keys_of(ragged_keys))
    serialized = np.asarray(serialized, dtype=object)
    names = np.asarray(names, dtype=object)
    _check_parse_example_inputs(serialized, names, keys, attrs)
    check_dense_defaults(dense_defaults, attrs["dense_shapes"])
    config = make_config(
        keys[0],
        attrs["sparse_types"],
        keys[1],
        attrs["Tdense"],
        attrs["dense_shapes"],
        dense_defaults,
        keys[2],
        attrs["ragged_value_types"],
        attrs["ragged_split_types"],
    )
    if serialized.ndim == 0:
        parsed = example_format.parse_single_example(serialized.item(), config)
    else:
        parsed = example_format.parse_examples(serialized.tolist(), config, names.tolist())
    return (
        parsed.sparse_indices,
        parsed.sparse_values,
        parsed.sparse_shapes,
        parsed.dense_values,
        parsed.ragged_values,
        parsed.ragged_splits,
    )


registry.register_op(
    "ParseExampleV2",
    inputs=[
        "serialized: string",
        "names: string",
        "sparse_keys: string",
        "dense_keys: string",
        "ragged_keys: string",
        "dense_defaults: Tdense",
    ],
    outputs=[
        "sparse_indices: num_sparse * int64",
        "sparse_values: sparse_types",
        "sparse_shapes: num_sparse * int64",
        "dense_values: Tdense",
        "ragged_values: ragged_value_types",
        "ragged_row_splits: ragged_split_types",
    ],
    attrs=[
        f"Tdense: list({_EXAMPLE_TYPES}) >= 0",
        "num_sparse: int >= 0",
        f"sparse_types: list({_EXAMPLE_TYPES}) >= 0",
        f"ragged_value_types: list({_EXAMPLE_TYPES}) >= 0",
        "ragged_split_types: list({int32, int64}) >= 0",
        "dense_shapes: list(shape) >= 0",
    ],
    shape=_parse_example_shape,
    kernel=_parse_example_kernel,
)
registry.not_differentiable("ParseExampleV2", _NOT_DIFFERENTIABLE)


# ---------------------------------------------------------------------- ParseExample (v1)


def _parse_example_v1_shape(op):
    serialized = shape_errors.require_rank(op.inputs[0].shape, 1)
    shape_errors.require_rank(op.inputs[1].shape, 1)
    result = _sparse_output_shapes(op.attrs["Nsparse"], serialized, 1)
    return result + [serialized.concatenate(shape) for shape in op.attrs["dense_shapes"]]


def _parse_example_v1_kernel(
    ctx, serialized, names, sparse_keys, dense_keys, dense_defaults, **attrs
):
    """TF1's ParseExample: ParseExampleV2 with keys as N scalar inputs and no ragged
    features; `serialized` must be a vector."""
    serialized = np.asarray(serialized, dtype=object)
    if serialized.ndim != 1:
        raise invalid_argument(
            f"Expected serialized to be a vector, got shape: {array_shape_text(serialized.shape)}"
        )
    outputs = _parse_example_kernel(
        ctx,
        serialized,
        names,
        np.asarray(keys_of(list(sparse_keys)), dtype=object),
        np.asarray(keys_of(list(dense_keys)), dtype=object),
        np.empty(0, dtype=object),
        dense_defaults,
        Tdense=attrs["Tdense"],
        num_sparse=attrs["Nsparse"],
        sparse_types=attrs["sparse_types"],
        ragged_value_types=[],
        ragged_split_types=[],
        dense_shapes=attrs["dense_shapes"],
    )
    return outputs[:4]


registry.register_op(
    "ParseExample",
    inputs=[
        "serialized: string",
        "names: string",
        "sparse_keys: Nsparse * string",
        "dense_keys: Ndense * string",
        "dense_defaults: Tdense",
    ],
    outputs=[
        "sparse_indices: Nsparse * int64",
        "sparse_values: sparse_types",
        "sparse_shapes: Nsparse * int64",
        "dense_values: Tdense",
    ],
    attrs=[
        "Nsparse: int >= 0",
        "Ndense: int >= 0",
        f"sparse_types: list({_EXAMPLE_TYPES}) >= 0",
        f"Tdense: list({_EXAMPLE_TYPES}) >= 0",
        "dense_shapes: list(shape) >= 0",
    ],
    shape=_parse_example_v1_shape,
    kernel=_parse_example_v1_kernel,
)
registry.not_differentiable("ParseExample", _NOT_DIFFERENTIABLE)


# ---------------------------------------------------------------------- ParseSingleExample


def _parse_single_example_shape(op):
    shape_errors.require_rank(op.inputs[0].shape, 0)
    result = _sparse_output_shapes(op.attrs["num_sparse"], tensor_shape.scalar(), 1)
    result += list(op.attrs["dense_shapes"])
    return result


def _parse_single_example_kernel(ctx, serialized, dense_defaults, **attrs):
    serialized = np.asarray(serialized, dtype=object)
    if serialized.ndim != 0:
        raise invalid_argument(
            f"Expected serialized to be a scalar, got shape: {array_shape_text(serialized.shape)}"
        )
    check_dense_defaults(dense_defaults, attrs["dense_shapes"])
    config = make_config(
        attrs["sparse_keys"],
        attrs["sparse_types"],
        attrs["dense_keys"],
        attrs["Tdense"],
        attrs["dense_shapes"],
        dense_defaults,
    )
    parsed = example_format.parse_single_example(serialized.item(), config)
    return (parsed.sparse_indices, parsed.sparse_values, parsed.sparse_shapes, parsed.dense_values)


registry.register_op(
    "ParseSingleExample",
    inputs=["serialized: string", "dense_defaults: Tdense"],
    outputs=[
        "sparse_indices: num_sparse * int64",
        "sparse_values: sparse_types",
        "sparse_shapes: num_sparse * int64",
        "dense_values: Tdense",
    ],
    attrs=[
        "num_sparse: int >= 0",
        "sparse_keys: list(string) >= 0",
        "dense_keys: list(string) >= 0",
        f"sparse_types: list({_EXAMPLE_TYPES}) >= 0",
        f"Tdense: list({_EXAMPLE_TYPES}) >= 0",
        "dense_shapes: list(shape) >= 0",
    ],
    shape=_parse_single_example_shape,
    kernel=_parse_single_example_kernel,
)
registry.not_differentiable("ParseSingleExample", _NOT_DIFFERENTIABLE)


# ---------------------------------------------------------------------- builders


def _merge_for_feature(ids, values, size, already_sorted):
    """TF's `_construct_tensors_for_composite_features` merges with tf.sparse.merge."""
    return sparse.sparse_merge(ids, values, size, already_sorted=already_sorted)


def _parse_example_raw(serialized, names, params, name):
    if params.num_features == 0:
        raise ValueError("Must provide at least one feature key.")
    with graph_lib.name_scope(name, "ParseExample", [serialized, names]):
        names = [] if names is None else names
        serialized = op_builder.convert_to_tensor(serialized, name="serialized")
        indices, values, shapes, dense, _, _ = op_builder.apply_op(
            "ParseExampleV2",
            serialized=serialized,
            names=names,
            sparse_keys=params.sparse_keys,
            dense_keys=params.dense_keys,
            ragged_keys=params.ragged_keys,
            dense_defaults=params.dense_defaults_vec(),
            num_sparse=len(params.sparse_keys),
            sparse_types=params.sparse_types,
            ragged_value_types=params.ragged_value_types,
            ragged_split_types=params.ragged_split_types,
            dense_shapes=params.dense_shapes,
            name=name,
        )
        sparse = [sparse_tensor.SparseTensor(*parts) for parts in zip(indices, values, shapes)]
        return dict(zip(params.sparse_keys + params.dense_keys, sparse + list(dense)))


def parse_example(serialized, features, name=None, example_names=None):
    """Mirrors `tf.io.parse_example` (TF1 signature): parses a batch of serialized Examples.

    Args:
      serialized: a string vector of serialized `tf.train.Example` protos.
      features: {key: FixedLenFeature | VarLenFeature | SparseFeature |
        FixedLenSequenceFeature (allow_missing=True)}.
      name: the op name.
      example_names: optional string vector naming the protos (for error messages).

    Returns:
      {key: Tensor or SparseTensor}.

    Raises:
      ValueError: for an invalid feature configuration.

    >>> parse_example(serialized, {"x": FixedLenFeature([2], tf.float32)})
    """
    if not features:
        raise ValueError(f"Argument `features` cannot be None or falsy. Got {features}")
    features = features_lib.prepend_none_dimension(features)
    params = features_lib.ParseOpParams.from_features(
        features,
        [
            features_lib.VarLenFeature,
            features_lib.SparseFeature,
            features_lib.FixedLenFeature,
            features_lib.FixedLenSequenceFeature,
        ],
    )
    outputs = _parse_example_raw(serialized, example_names, params, name)
    return features_lib.construct_composite_features(features, outputs, _merge_for_feature)


def parse_example_v2(serialized, features, example_names=None, name=None):
    """Mirrors TF2's `tf.io.parse_example` argument order; see `parse_example`."""
    return parse_example(serialized, features, name=name, example_names=example_names)


def _assert_scalar(value, name):
    """TF's `_assert_scalar`: a static check, or an Assert when the rank is unknown."""
    if value.shape.rank == 0:
        return value
    if value.shape.rank is not None:
        raise ValueError(f"Input {name} must be a scalar")
    check = control_flow.Assert(
        math.equal(array.rank(value), 0),
        [f"Input {name} must be a scalar"],
        name=f"{name.capitalize()}IsScalar",
    )
    result = control_flow.with_dependencies([check], value, name=f"{name}Dependencies")
    result.set_shape([])
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """Mirrors `tf.io.parse_single_example` (TF1 signature): parses one serialized Example.

    Dense outputs have no batch dimension; SparseTensors have 1-D indices.

    Args:
      serialized: a string scalar.
      features: {key: FixedLenFeature | VarLenFeature | SparseFeature}.
      name: the op name.
      example_names: optional scalar name of the proto.

    Returns:
      {key: Tensor or SparseTensor}.

    >>> parse_single_example(record, {"label": FixedLenFeature([], tf.int64)})
    """
    if features is None:
        raise ValueError("Invalid argument: features cannot be None.")
    if not features:
        raise ValueError("Invalid argument: features cannot be empty.")
    with graph_lib.name_scope(name, "ParseSingleExample", [serialized, example_names]):
        serialized = op_builder.convert_to_tensor(serialized, name="serialized")
        serialized = _assert_scalar(serialized, "serialized")
        return parse_example(serialized, features, name=name, example_names=example_names)


def parse_single_example_v2(serialized, features, example_names=None, name=None):
    """Mirrors TF2's `tf.io.parse_single_example` argument order."""
    return parse_single_example(serialized, features, name=name, example_names=example_names)
