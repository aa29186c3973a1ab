"""Embedding lookups: `tf.nn.embedding_lookup` over one or several (sharded) params with the
"mod" and "div" partition strategies, `tf.nn.embedding_lookup_sparse` (sum/mean/sqrtn
combiners, optional weights) and `tf.nn.safe_embedding_lookup_sparse` (invalid ids pruned,
empty rows filled), built as TF1's embedding_ops.py builds them. No op of their own.

Sharded lookups partition the ids (DynamicPartition), gather from each shard and put the rows
back in order (ParallelDynamicStitch); gradients reach the params as IndexedSlices through the
gathers. `max_norm` clips each looked-up row with TF's `clip_by_norm` graph (which lives in a
later family, so its few ops are composed here).
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.framework import op_builder
from ndflow.framework import sparse_tensor
from ndflow.framework import tensor_shape
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import sparse

convert_to_tensor = op_builder.convert_to_tensor
SparseTensor = sparse_tensor.SparseTensor
TensorShape = tensor_shape.TensorShape

_COMBINERS = ("mean", "sqrtn", "sum")


def _is_resource_variable(value) -> bool:
    return hasattr(value, "sparse_read") and hasattr(value, "handle")


def _colocate_with(param):
    return graph_lib.colocate_with(param)


# ---------------------------------------------------------------------- max_norm


def _clip_by_norm(t, clip_norm, axes):
    """TF's `clip_by_norm`: t * clip_norm / max(l2norm(t, axes), clip_norm), with the
    two-tap Select that keeps the gradient finite at a zero norm."""
    with graph_lib.name_scope(None, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        l2sum = math.reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        l2sum_safe = math.where(pred, l2sum, array.ones_like(l2sum))
        l2norm = math.where(pred, math.sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        values.shape.assert_is_compatible_with(intermediate.shape)
        return array.identity(intermediate / math.maximum(l2norm, clip_norm), name=scope)


def _rank(x):
    """(static rank, True), or (a rank Tensor, False) when the rank is unknown or 0."""
    rank = convert_to_tensor(x).shape.rank
    if rank:
        return rank, True
    return array.rank(x), False


def _clip(params, ids, max_norm):
    """TF's `_clip`: each embedding (the dims beyond ids' rank) clipped to norm max_norm."""
    if max_norm is None:
        return params
    ids_rank, ids_static = _rank(ids)
    params_rank, params_static = _rank(params)
    if ids_static and params_static:
        axes = list(range(ids_rank, params_rank))
    else:
        axes = math.range(ids_rank, params_rank)
    return _clip_by_norm(params, max_norm, axes)


# ---------------------------------------------------------------------- embedding_lookup


def _as_param_list(params):
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    return params if isinstance(params, list) else [params]


def _converted_params(params):
    """TF's `convert_n_to_tensor_or_indexed_slices(params, name="params")`, unless some
    param is a resource variable (kept, so its rows are read sparsely)."""
    if any(_is_resource_variable(p) for p in params):
        return params
    return [convert_to_tensor(p, name=f"params_{i}") for i, p in enumerate(params)]


def _total_rows(params, flat_ids):
    """The sum of the shards' first dims, a constant when all are static."""
    static = [tensor_shape.dimension_value(p.shape[0]) for p in params]
    if all(size is not None for size in static) and sum(static):
        return op_builder.constant(sum(static), dtype=flat_ids.dtype.base_dtype)
    sizes = []
    for param, size in zip(params, static):
        if size is not None:
            sizes.append(size)
            continue
        with _colocate_with(param):
            sizes.append(array.shape(param)[0])
    return math.reduce_sum(math.cast(array.stack(sizes), flat_ids.dtype.base_dtype))


def _div_assignments(params, flat_ids):
    """ "div": ids are split into contiguous ranges, the first `extras` shards one longer."""
    count = len(params)
    total = _total_rows(params, flat_ids)
    per_shard = total // count
    extras = total % count
    assignments = math.maximum(flat_ids // (per_shard + 1), (flat_ids - extras) // per_shard)
    new_ids = math.where(
        assignments < extras,
        flat_ids % (per_shard + 1),
        (flat_ids - extras) % per_shard,
    )
    return assignments, new_ids


def _assignments(params, flat_ids, partition_strategy):
    if partition_strategy == "mod":
        return flat_ids % len(params), flat_ids // len(params)
    if partition_strategy == "div":
        return _div_assignments(params, flat_ids)
    raise ValueError(
        f"Unrecognized partition strategy: {partition_strategy}."
        "Must be one of either `mod` or `div`."
    )


def _element_shape(params, stitched):
    """(static element shape merged over the shards, a dynamic one to reshape with)."""
    static = params[0].shape[1:]
    for param in params[1:]:
        static = static.merge_with(param.shape[1:])
    if static.is_fully_defined():
        return static, static
    with _colocate_with(params[0]):
        dynamic = array.shape(params[0])[1:]
    return static, dynamic


def _sharded_lookup(params, ids, partition_strategy, name, max_norm):
    flat_ids = array.reshape(ids, [-1])
    original_indices = math.range(array.size(flat_ids, out_type=dtypes.int32))
    assignments, new_ids = _assignments(params, flat_ids, partition_strategy)
    assignments = math.cast(assignments, dtypes.int32)
    gather_ids = array.dynamic_partition(new_ids, assignments, len(params))
    positions = array.dynamic_partition(original_indices, assignments, len(params))
    rows = []
    for param, shard_ids in zip(params, gather_ids):
        with _colocate_with(param):
            rows.append(array.gather(param, shard_ids))
    stitched = array.parallel_dynamic_stitch(positions, rows, name=name)
    static, dynamic = _element_shape(params, stitched)
    result = array.reshape(stitched, array.concat([array.shape(ids), dynamic], 0))
    result.set_shape(ids.shape.concatenate(static))
    return _clip(result, ids, max_norm)


def embedding_lookup(
    params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None
):
    """Mirrors TF1 `tf.nn.embedding_lookup`: the rows of `params` named by `ids`.

    Args:
      params: a Tensor or variable, or a list of them: the shards of one table, all with
        the same trailing dims.
      ids: an int32/int64 Tensor of row ids into the whole table.
      partition_strategy: how ids map to shards: "mod" (id % n in shard id % n, row id // n)
        or "div" (contiguous ranges; with r rows over n shards the first r % n shards hold
        r // n + 1 rows).
      name: the name scope (default "embedding_lookup").
      validate_indices: ignored (ids are always checked), as in TF.
      max_norm: clip each looked-up embedding to this L2 norm.

    Returns:
      A Tensor of shape ids.shape + params.shape[1:].

    Raises:
      ValueError: for no params or an unknown partition strategy.

    >>> embedding_lookup([constant([[1.0], [2.0]]), constant([[3.0]])], [2, 1])  # [[2], [3]]
    """
    del validate_indices
    params = _as_param_list(params)
    with graph_lib.name_scope(name, "embedding_lookup", params + [ids]) as scope:
        params = _converted_params(params)
        ids = convert_to_tensor(ids, name="ids")
        if len(params) > 1:
            return _sharded_lookup(params, ids, partition_strategy, scope, max_norm)
        with _colocate_with(params[0]):
            result = _clip(array.gather(params[0], ids, name=scope), ids, max_norm)
        return array.identity(result)


# ---------------------------------------------------------------------- embedding_lookup_sparse


def _check_sparse_args(combiner, sp_ids, sp_weights):
    if combiner not in _COMBINERS:
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError(f"sp_ids must be SparseTensor, got {type(sp_ids)}")
    if sp_weights is None:
        return
    if not isinstance(sp_weights, SparseTensor):
        raise TypeError(f"sp_weights must be either None or SparseTensor,got {type(sp_weights)}")
    sp_ids.values.shape.assert_is_compatible_with(sp_weights.values.shape)
    sp_ids.indices.shape.assert_is_compatible_with(sp_weights.indices.shape)
    sp_ids.dense_shape.shape.assert_is_compatible_with(sp_weights.dense_shape.shape)


def _broadcast_weights(weights, embeddings):
    """The weights reshaped to [n, 1, ..., 1] so they scale whole embeddings."""
    ones_shape = array.expand_dims(array.rank(embeddings) - 1, 0)
    weights_shape = array.shape(weights)
    ones = array.ones(ones_shape, dtype=weights_shape.dtype)
    static = weights.shape
    weights = array.reshape(weights, array.concat([weights_shape, ones], 0))
    if embeddings.shape.rank is not None:
        weights.set_shape(static.concatenate([1] * (embeddings.shape.rank - 1)))
    return weights


def _weighted_combination(embeddings, idx, segment_ids, sp_weights, combiner, name):
    """TF's weighted branch: gather, scale, SegmentSum, normalized by the weight sums."""
    if segment_ids.dtype != dtypes.int32:
        segment_ids = math.cast(segment_ids, dtypes.int32)
    weights = sp_weights.values
    embeddings = array.gather(embeddings, idx)
    original_dtype = embeddings.dtype
    if embeddings.dtype in (dtypes.float16, dtypes.bfloat16):
        # Low-precision embeddings are combined in float32, as TF does.
        embeddings = math.cast(embeddings, dtypes.float32)
    if weights.dtype != embeddings.dtype:
        weights = math.cast(weights, embeddings.dtype)
    weights = _broadcast_weights(weights, embeddings)
    embeddings *= weights
    if combiner == "sum":
        embeddings = math.segment_sum(embeddings, segment_ids, name=name)
    else:
        summed = math.segment_sum(embeddings, segment_ids)
        if combiner == "sqrtn":
            weights = math.pow(weights, 2)
        weight_sum = math.segment_sum(weights, segment_ids)
        if combiner == "sqrtn":
            weight_sum = math.sqrt(weight_sum)
        embeddings = math.div_no_nan(summed, weight_sum, name=name)
    if embeddings.dtype != original_dtype:
        embeddings = math.cast(embeddings, original_dtype)
    return embeddings


def _unweighted_combination(embeddings, idx, segment_ids, combiner, name, sparse_gradient):
    if segment_ids.dtype not in (dtypes.int32, dtypes.int64):
        segment_ids = math.cast(segment_ids, dtypes.int32)
    reduce = {
        "sum": math.sparse_segment_sum,
        "mean": math.sparse_segment_mean,
        "sqrtn": math.sparse_segment_sqrt_n,
    }[combiner]
    return reduce(embeddings, idx, segment_ids, name=name, sparse_gradient=sparse_gradient)


def _lookup_sparse_impl(params, segment_ids, sp_weights, ids, combiner, options, name):
    """TF's `embedding_lookup_sparse_impl`. One plain table without max_norm is reduced in
    place (a SparseSegment op with a sparse gradient); otherwise the unique ids are looked
    up first."""
    max_norm, allow_fast_lookup, partition_strategy = options
    ignore_weights = sp_weights is None
    if len(params) == 1 and not isinstance(params[0], graph_lib.Tensor):
        if not _is_resource_variable(params[0]):
            params = [convert_to_tensor(params[0], name="params")]
    sparse_gradient = False
    if len(params) == 1 and max_norm is None and (allow_fast_lookup or ignore_weights):
        idx, embeddings = ids, params[0]
        if _is_resource_variable(embeddings):
            embeddings = embeddings.read_value()
        sparse_gradient = not allow_fast_lookup
    else:
        ids, idx = array.unique(ids)
        embeddings = embedding_lookup(
            params, ids, partition_strategy=partition_strategy, max_norm=max_norm
        )
    if not ignore_weights:
        return _weighted_combination(embeddings, idx, segment_ids, sp_weights, combiner, name)
    return _unweighted_combination(embeddings, idx, segment_ids, combiner, name, sparse_gradient)


def embedding_lookup_sparse(
    params,
    sp_ids,
    sp_weights,
    partition_strategy="mod",
    name=None,
    combiner=None,
    max_norm=None,
    allow_fast_lookup=False,
):
    """Mirrors TF1 `tf.nn.embedding_lookup_sparse`: per row of `sp_ids`, the combination of
    the embeddings of its ids (weighted by `sp_weights`).

    Args:
      params: a Tensor or variable, or a list of shards (see `embedding_lookup`).
      sp_ids: a SparseTensor of int64 ids, [batch, ...]; its rows are combined.
      sp_weights: None (all weights 1) or a SparseTensor of float weights with sp_ids'
        indices.
      partition_strategy: "mod" or "div" (see `embedding_lookup`).
      name: the name scope (default "embedding_lookup_sparse").
      combiner: "mean" (the default), "sqrtn" or "sum": sum(w e) normalized by sum(w) or
        sqrt(sum(w^2)), or not at all.
      max_norm: clip each embedding to this L2 norm before combining.
      allow_fast_lookup: reduce directly on the table (with dense gradients) when possible.

    Returns:
      A dense Tensor [rows, ...embedding dims]; rows without ids are 0.

    Raises:
      ValueError: for an unknown combiner. TypeError: for sp_ids/sp_weights that are not
      SparseTensors.

    >>> embedding_lookup_sparse(table, sp_ids, None, combiner="sum")
    """
    combiner = "mean" if combiner is None else combiner
    params = params if isinstance(params, list) else [params]
    _check_sparse_args(combiner, sp_ids, sp_weights)
    with graph_lib.name_scope(name, "embedding_lookup_sparse", params + [sp_ids]) as scope:
        segment_ids = sp_ids.indices[:, 0]
        return _lookup_sparse_impl(
            params,
            segment_ids,
            sp_weights,
            sp_ids.values,
            combiner,
            (max_norm, allow_fast_lookup, partition_strategy),
            scope,
        )


# ---------------------------------------------------------------------- safe lookup


def _prune_invalid_ids(sparse_ids, sparse_weights):
    """Entries with a negative id are dropped (from the weights too)."""
    valid = math.greater_equal(sparse_ids.values, 0)
    if sparse_weights is not None:
        valid = math.logical_and(valid, array.ones_like(sparse_weights.values, dtype=dtypes.bool))
    sparse_ids = sparse.sparse_retain(sparse_ids, valid)
    if sparse_weights is not None:
        sparse_weights = sparse.sparse_retain(sparse_weights, valid)
    return sparse_ids, sparse_weights


def _prune_invalid_weights(sparse_ids, sparse_weights):
    """Entries with a weight <= 0 are dropped."""
    if sparse_weights is None:
        return sparse_ids, sparse_weights
    valid = math.greater(sparse_weights.values, 0)
    return sparse.sparse_retain(sparse_ids, valid), sparse.sparse_retain(sparse_weights, valid)


def _flattened_to_2d(sparse_ids, sparse_weights, original_shape, original_rank):
    """Higher-rank ids reshaped to [prod(leading dims), last dim] rows."""
    leading = math.reduce_prod(array.slice(original_shape, [0], [original_rank - 1]))
    last = array.gather(original_shape, original_rank - 1)
    sparse_ids = sparse.sparse_reshape(sparse_ids, [leading, last])
    if sparse_weights is not None:
        sparse_weights = SparseTensor(
            sparse_ids.indices, sparse_weights.values, sparse_ids.dense_shape
        )
    return sparse_ids, sparse_weights


def _zero_empty_rows(result, is_row_empty, scope):
    is_row_empty = array.tile(
        array.reshape(is_row_empty, [-1, 1]), array.stack([1, array.shape(result)[1]])
    )
    return math.where(is_row_empty, array.zeros_like(result), result, name=scope)


def _restored_shape(result, original_shape, original_rank, original_rank_dim):
    leading = array.slice(math.cast(original_shape, dtypes.int32), [0], [original_rank - 1])
    trailing = array.slice(array.shape(result), [1], [-1])
    final = array.reshape(result, array.concat([leading, trailing], 0))
    rank = None if original_rank_dim is None else original_rank_dim - 1
    final.set_shape(tensor_shape.unknown_shape(rank).concatenate(result.shape[1:]))
    return final


def _safe_weights(embedding_weights, sparse_weights):
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    if not isinstance(embedding_weights, list):
        embedding_weights = [embedding_weights]
    if len(embedding_weights) < 1:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    return [
        w
        if _is_resource_variable(w) and dtype in (None, w.dtype)
        else convert_to_tensor(w, dtype=dtype)
        for w in embedding_weights
    ]


def safe_embedding_lookup_sparse(
    embedding_weights,
    sparse_ids,
    sparse_weights=None,
    combiner="mean",
    default_id=None,
    name=None,
    partition_strategy="div",
    max_norm=None,
    allow_fast_lookup=False,
):
    """Mirrors TF1 `tf.nn.safe_embedding_lookup_sparse`: `embedding_lookup_sparse` that
    drops negative ids (and, except for "sum", weights <= 0) and gives rows left empty the
    embedding of `default_id`, or zeros.

    Args:
      embedding_weights: a Tensor or variable, or a list of shards.
      sparse_ids: a SparseTensor of int64 ids, [d_0, ..., d_n-1, n]; rank >= 2.
      sparse_weights: None or a SparseTensor of float weights with sparse_ids' indices.
      combiner: "mean" (default), "sqrtn" or "sum".
      default_id: the id whose embedding empty rows get; None gives them zeros.
      name: the name scope (default "embedding_lookup").
      partition_strategy: "div" (default) or "mod".
      max_norm: clip each embedding to this L2 norm before combining.
      allow_fast_lookup: see `embedding_lookup_sparse`.

    Returns:
      A dense Tensor [d_0, ..., d_n-1, ...embedding dims].

    Raises:
      ValueError: for missing embedding weights.

    >>> safe_embedding_lookup_sparse(table, sp_ids)  # rows with only id -1 are zeros
    """
    embedding_weights = _safe_weights(embedding_weights, sparse_weights)
    scope_values = embedding_weights + [sparse_ids, sparse_weights]
    with graph_lib.name_scope(name, "embedding_lookup", scope_values) as scope:
        original_shape = sparse_ids.dense_shape
        original_rank_dim = tensor_shape.dimension_value(original_shape.shape[0])
        original_rank = (
            array.size(original_shape) if original_rank_dim is None else (original_rank_dim)
        )
        sparse_ids, sparse_weights = _flattened_to_2d(
            sparse_ids, sparse_weights, original_shape, original_rank
        )
        sparse_ids, sparse_weights = _prune_invalid_ids(sparse_ids, sparse_weights)
        if combiner != "sum":
            sparse_ids, sparse_weights = _prune_invalid_weights(sparse_ids, sparse_weights)
        sparse_ids, is_row_empty = sparse.sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse.sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(
            embedding_weights,
            sparse_ids,
            sparse_weights,
            combiner=combiner,
            partition_strategy=partition_strategy,
            name=None if default_id is None else scope,
            max_norm=max_norm,
            allow_fast_lookup=allow_fast_lookup,
        )
        if default_id is None:
            result = _zero_empty_rows(result, is_row_empty, scope)
        return _restored_shape(result, original_shape, original_rank, original_rank_dim)
