"""Golden cases for the rest of tf.nn, recorded from real TensorFlow: embedding lookups
(partition strategies "mod"/"div" over uneven shards, max_norm, sparse lookups with each
combiner and weights, safe lookups with invalid ids and empty rows, and their gradients),
in_top_k ties, the sparse segment ops and their gradient ops, DynamicPartition and
DynamicStitch, the sparse ops they need, crelu, nce_loss and sampled_softmax_loss with fixed
samples (and remove_accidental_hits), dropout (graph structure, fixed noise, statistics) and
the expected counts of each candidate sampler.

The table cases use tools/goldens/math.py's format and runner; dropout and the samplers,
whose random streams differ from ndflow's, are recorded by the functions at the end.
"""

from __future__ import annotations

import numpy as np

from goldens import math as math_goldens

F16, F32, F64, I32, I64 = np.float16, np.float32, np.float64, np.int32, np.int64
NAN, INF = np.nan, np.inf
_RNG = np.random.default_rng(2024)


def _a(values, dtype):
    return np.array(values, dtype=dtype)


def _normal(*shape, dtype=F32):
    return _RNG.normal(size=shape).astype(dtype)


def _with_grads(expr: str, wrt: str, weight: str = "") -> str:
    """[y, dense d(sum(y * y [* weight]))/d(each of wrt)...] for the output expression."""
    scaled = f"y * y * {weight}" if weight else "y * y"
    return (
        f"(lambda y: [y] + [tf.convert_to_tensor(g) for g in "
        f"tf.gradients(tf.reduce_sum({scaled}), [{wrt}])])({expr})"
    )


# Three uneven shards of a 10-row table, and a 3-D table in two shards.
_SHARDS = {
    "p0": _normal(4, 3),
    "p1": _normal(3, 3),
    "p2": _normal(3, 3),
}
_IDS = _a([[0, 3, 9], [4, 6, 7], [2, 2, 5]], I32)
_SHARDS_3D = {"q0": _normal(3, 2, 2), "q1": _normal(2, 2, 2)}

# Sparse ids [4 rows, up to 3 ids]: row 2 is empty, a repeated id, ids across all shards.
_SP = {
    "ind": _a([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [3, 0]], I64),
    "ids64": _a([1, 7, 2, 2, 9, 4], I64),
    "shape": _a([4, 3], I64),
    "wts": _a([0.5, 2.0, 1.0, -0.5, 3.0, 1.5], F32),
}
_SP_ARGS = "tf.SparseTensor(ind, ids64, shape)"
_SP_WEIGHTS = "tf.SparseTensor(ind, wts, shape)"

# Safe lookups: invalid ids (-1), a row left empty by pruning, a zero and a negative weight.
_SAFE = {
    "sind": _a([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [4, 0]], I64),
    "sids": _a([3, -1, -1, 8, 5, 0], I64),
    "sshape": _a([5, 2], I64),
    "swts": _a([1.0, 2.0, 3.0, 0.0, 2.5, -1.0], F32),
}
_SAFE_IDS = "tf.SparseTensor(sind, sids, sshape)"
_SAFE_WEIGHTS = "tf.SparseTensor(sind, swts, sshape)"
_SAFE_3D = {
    "tind": _a([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 2], [1, 1, 0]], I64),
    "tids": _a([1, 9, -3, 4, 6], I64),
    "tshape": _a([2, 2, 3], I64),
}

# fmt: off
# The case tables stay one case per line or two (ruff format would triple their length).
EMBEDDING_CASES = [
    ("embedding_mod_uneven_shards",
     _with_grads("tf.nn.embedding_lookup([p0, p1, p2], ids)", "p0, p1, p2"),
     {**_SHARDS, "ids": _IDS}, 1e-6),
    ("embedding_div_uneven_shards",
     _with_grads("tf.nn.embedding_lookup([p0, p1, p2], ids, partition_strategy='div')",
                 "p0, p1, p2"),
     {**_SHARDS, "ids": _IDS}, 1e-6),
    ("embedding_int64_ids_and_scalar_id",
     "[tf.nn.embedding_lookup([p0, p1, p2], i64, partition_strategy='div'), "
     "tf.nn.embedding_lookup([p0, p1, p2], s, partition_strategy='div'), "
     "tf.nn.embedding_lookup([p0, p1, p2], s)]",
     {**_SHARDS, "i64": _a([9, 0, 4], I64), "s": _a(7, I32)}, 1e-6),
    ("embedding_3d_params",
     _with_grads("tf.nn.embedding_lookup([q0, q1], ids, partition_strategy='div')", "q0, q1"),
     {**_SHARDS_3D, "ids": _a([[4, 0], [3, 2]], I32)}, 1e-6),
    ("embedding_single_table",
     _with_grads("tf.nn.embedding_lookup(p0, ids)", "p0"),
     {"p0": _SHARDS["p0"], "ids": _a([[3, 0], [3, 1]], I32)}, 1e-6),
    # Weighted projections: the squared norm of a clipped row has no gradient.
    ("embedding_max_norm",
     _with_grads("tf.nn.embedding_lookup(p0, ids, max_norm=1.0)", "p0", "c"),
     {"p0": _a([[3.0, 4.0, 0.0], [0.1, 0.2, 0.2], [0.0, 0.0, 0.0], [1.0, -1.0, 1.0]], F64),
      "ids": _a([[0, 1], [2, 3]], I32), "c": _normal(2, 2, 3, dtype=F64)}, 1e-9),
    ("embedding_max_norm_sharded",
     _with_grads("tf.nn.embedding_lookup([p0, p1, p2], ids, partition_strategy='div', "
                 "max_norm=0.5)", "p0, p1, p2", "c"),
     {**{k: v.astype(F64) for k, v in _SHARDS.items()}, "ids": _IDS,
      "c": _normal(3, 3, 3, dtype=F64)}, 1e-9),
    ("embedding_id_out_of_range",
     "tf.nn.embedding_lookup([p0, p1, p2], ids, partition_strategy='div')",
     {**_SHARDS, "ids": _a([0, 10], I32)}),
    ("embedding_bad_strategy",
     "tf.nn.embedding_lookup([p0, p1, p2], ids, partition_strategy='foo')",
     {**_SHARDS, "ids": _IDS}),
]

SPARSE_LOOKUP_CASES = [
    (f"embedding_sparse_{combiner}",
     _with_grads(f"tf.nn.embedding_lookup_sparse(p0, {_SP_ARGS}, None, combiner='{combiner}')",
                 "p0"),
     {"p0": _normal(10, 3), **{k: _SP[k] for k in ("ind", "ids64", "shape")}}, 1e-5)
    for combiner in ("sum", "mean", "sqrtn")
] + [
    (f"embedding_sparse_weighted_{combiner}_{strategy}",
     _with_grads(f"tf.nn.embedding_lookup_sparse([p0, p1, p2], {_SP_ARGS}, {_SP_WEIGHTS}, "
                 f"partition_strategy='{strategy}', combiner='{combiner}')", "p0, p1, p2, wts"),
     {**_SHARDS, **_SP}, 1e-5)
    for combiner in ("sum", "mean", "sqrtn") for strategy in ("mod", "div")
] + [
    ("embedding_sparse_sharded_unweighted",
     _with_grads(f"tf.nn.embedding_lookup_sparse([p0, p1, p2], {_SP_ARGS}, None, "
                 "partition_strategy='div', combiner='sqrtn')", "p0, p1, p2"),
     {**_SHARDS, **{k: _SP[k] for k in ("ind", "ids64", "shape")}}, 1e-5),
    ("embedding_sparse_max_norm",
     _with_grads(f"tf.nn.embedding_lookup_sparse(p0, {_SP_ARGS}, {_SP_WEIGHTS}, "
                 "max_norm=0.8)", "p0, wts", "c"),
     {"p0": _normal(10, 3, dtype=F64), **_SP, "wts": _SP["wts"].astype(F64),
      "c": _normal(4, 3, dtype=F64)}, 1e-9),
    ("embedding_sparse_fast_lookup",
     _with_grads(f"tf.nn.embedding_lookup_sparse(p0, {_SP_ARGS}, {_SP_WEIGHTS}, "
                 "combiner='mean', allow_fast_lookup=True)", "p0, wts"),
     {"p0": _normal(10, 3), **_SP}, 1e-5),
    ("embedding_sparse_bad_combiner",
     f"tf.nn.embedding_lookup_sparse(p0, {_SP_ARGS}, None, combiner='max')",
     {"p0": _normal(10, 3), **{k: _SP[k] for k in ("ind", "ids64", "shape")}}),
]

SAFE_LOOKUP_CASES = [
    (f"safe_embedding_{combiner}",
     _with_grads(f"tf.nn.safe_embedding_lookup_sparse([p0, p1, p2], {_SAFE_IDS}, "
                 f"combiner='{combiner}')", "p0, p1, p2"),
     {**_SHARDS, **{k: _SAFE[k] for k in ("sind", "sids", "sshape")}}, 1e-5)
    for combiner in ("sum", "mean", "sqrtn")
] + [
    (f"safe_embedding_weighted_{combiner}",
     _with_grads(f"tf.nn.safe_embedding_lookup_sparse([p0, p1, p2], {_SAFE_IDS}, "
                 f"{_SAFE_WEIGHTS}, combiner='{combiner}')", "p0, p1, p2, swts"),
     {**_SHARDS, **_SAFE}, 1e-5)
    for combiner in ("sum", "mean", "sqrtn")
] + [
    ("safe_embedding_default_id",
     _with_grads(f"tf.nn.safe_embedding_lookup_sparse(p0, {_SAFE_IDS}, {_SAFE_WEIGHTS}, "
                 "default_id=2, partition_strategy='mod')", "p0, swts"),
     {"p0": _normal(10, 3), **_SAFE}, 1e-5),
    ("safe_embedding_3d_ids",
     _with_grads("tf.nn.safe_embedding_lookup_sparse([p0, p1, p2], "
                 "tf.SparseTensor(tind, tids, tshape), combiner='mean', max_norm=1.2)",
                 "p0, p1, p2"),
     {**_SHARDS, **_SAFE_3D}, 1e-5),
]

_PRED = _a([[0.1, 0.3, 0.3, 0.2], [1.0, 2.0, 3.0, 4.0], [NAN, 1.0, 2.0, 3.0],
            [INF, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0], [-INF, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.9, 0.5]], F32)
IN_TOP_K_CASES = [
    ("in_top_k_ties",
     "[tf.nn.in_top_k(p, t, 1), tf.nn.in_top_k(p, t, 2), tf.nn.in_top_k(p, t, 3), "
     "tf.math.in_top_k(p, t, 0), tf.nn.in_top_k(p, t, k), tf.nn.in_top_k(p, t, 9)]",
     {"p": _PRED, "t": _a([1, 2, 1, 0, 3, 1, 3], I32), "k": _a(2, I32)}),
    ("in_top_k_int64_and_bad_targets", "tf.nn.in_top_k(p, t, k)",
     {"p": _PRED, "t": _a([1, 4, -1, 0, 3, 1, 9], I64), "k": _a(3, I64)}),
    ("in_top_k_k_not_scalar", "tf.nn.in_top_k(p, t, k)",
     {"p": _PRED, "t": _a([1, 2, 1, 0, 3, 1, 3], I32), "k": _a([2], I32)}),
    ("in_top_k_batch_mismatch", "tf.nn.in_top_k(p, t, 1)",
     {"p": _PRED, "t": _a([1, 2], I32)}),
    ("in_top_k_raw_v1", "tf.raw_ops.InTopK(predictions=p, targets=t, k=2)",
     {"p": _PRED, "t": _a([1, 2, 1, 0, 3, 1, 3], I32)}),
]

_DATA = np.arange(15, dtype=F32).reshape(5, 3) / 4 - 1
_SEG_IDX = _a([0, 1, 1, 4, 2, 3], I32)
_SEG_IDS = _a([0, 0, 2, 2, 2, 5], I32)
SPARSE_SEGMENT_CASES = [
    ("sparse_segment_reductions",
     "[tf.sparse_segment_sum(d, i, s), tf.sparse_segment_mean(d, i, s), "
     "tf.sparse_segment_sqrt_n(d, i, s), tf.sparse_segment_sum(d, i, s, num_segments=8), "
     "tf.sparse_segment_mean(d, i, s, num_segments=6), "
     "tf.sparse_segment_sqrt_n(d, i, s, num_segments=7)]",
     {"d": _DATA, "i": _SEG_IDX, "s": _SEG_IDS}, 1e-6),
    ("sparse_segment_int_and_int64",
     "[tf.sparse_segment_sum(d, i, s), tf.sparse_segment_mean(f, i, s)]",
     {"d": _a([[1, 2], [3, 4], [5, 6]], I32), "f": _a([[1, 2], [3, 4], [5, 6]], F64),
      "i": _a([2, 0, 2], I64), "s": _a([0, 1, 1], I64)}, 1e-12),
    ("sparse_segment_empty", "[tf.sparse_segment_sum(d, i, s), tf.sparse_segment_mean(d, i, s, "
     "num_segments=2)]", {"d": _DATA, "i": np.zeros(0, I32), "s": np.zeros(0, I32)}),
    ("sparse_segment_grads",
     "[" + ", ".join(f"tf.gradients(tf.sparse_segment_{kind}(d, i, s) * w, d)[0]"
                     for kind in ("sum", "mean", "sqrt_n")) + ", " +
     ", ".join(f"tf.convert_to_tensor(tf.gradients(tf.sparse_segment_{kind}(d, i, s, "
               "sparse_gradient=True) * w, d)[0])" for kind in ("sum", "mean", "sqrt_n")) +
     ", tf.gradients(tf.sparse_segment_mean(d, i, s, num_segments=7) * v, d)[0]]",
     {"d": _DATA, "i": _SEG_IDX, "s": _SEG_IDS, "w": _normal(6, 3), "v": _normal(7, 3)}, 1e-6),
    ("sparse_segment_grad_ops",
     "[" + ", ".join(f"tf.raw_ops.SparseSegment{kind}Grad(grad=g, indices=i, segment_ids=s, "
                     "output_dim0=6)" for kind in ("Sum", "Mean", "SqrtN")) + ", " +
     ", ".join(f"tf.raw_ops.SparseSegment{kind}GradV2(grad=g, indices=i, segment_ids=s, "
               f"dense_output_dim0=6)[{k}]" for kind in ("Sum", "Mean", "SqrtN")
               for k in (0, 1)) + "]",
     {"g": _normal(3, 2), "i": _a([3, 1, 1, 0, 3], I32), "s": _a([0, 0, 1, 2, 2], I32)}, 1e-6),
    ("sparse_segment_index_out_of_range", "tf.sparse_segment_sum(d, i, s)",
     {"d": _DATA, "i": _a([0, 1, 5], I32), "s": _a([0, 0, 1], I32)}),
    ("sparse_segment_negative_index", "tf.sparse_segment_mean(d, i, s)",
     {"d": _DATA, "i": _a([0, -1, 2], I32), "s": _a([0, 0, 1], I32)}),
    ("sparse_segment_not_increasing", "tf.sparse_segment_sum(d, i, s)",
     {"d": _DATA, "i": _a([0, 1, 2], I32), "s": _a([0, 2, 1], I32)}),
    ("sparse_segment_negative_id", "tf.sparse_segment_sqrt_n(d, i, s)",
     {"d": _DATA, "i": _a([0, 1, 2], I32), "s": _a([-1, 0, 1], I32)}),
    ("sparse_segment_id_beyond_num_segments", "tf.sparse_segment_sum(d, i, s, num_segments=2)",
     {"d": _DATA, "i": _a([0, 1, 2], I32), "s": _a([0, 1, 3], I32)}),
    ("sparse_segment_length_mismatch", "tf.sparse_segment_sum(d, i, s)",
     {"d": _DATA, "i": _a([0, 1], I32), "s": _a([0, 0, 1], I32)}),
    ("sparse_segment_grad_bad_segments",
     "tf.raw_ops.SparseSegmentMeanGrad(grad=g, indices=i, segment_ids=s, output_dim0=5)",
     {"g": _normal(2, 2), "i": _a([0, 1, 1, 3], I32), "s": _a([0, 0, 1, 2], I32)}),
    ("sparse_segment_grad_bad_index",
     "tf.raw_ops.SparseSegmentSumGrad(grad=g, indices=i, segment_ids=s, output_dim0=5)",
     {"g": _normal(2, 2), "i": _a([0, 1, 1, 7], I32), "s": _a([0, 0, 1, 1], I32)}),
]

PARTITION_CASES = [
    ("dynamic_partition",
     "tf.dynamic_partition(d, p, 3) + tf.dynamic_partition(e, q, 2)",
     {"d": _DATA[:4], "p": _a([1, 0, 1, 2], I32),
      "e": np.arange(12, dtype=F64).reshape(2, 2, 3), "q": _a([[1, 0], [1, 1]], I32)}),
    ("dynamic_partition_out_of_range", "tf.dynamic_partition(d, p, 3)",
     {"d": _DATA[:4], "p": _a([1, 0, 3, 2], I32)}),
    ("dynamic_partition_grad",
     "tf.gradients([a * w for a, w in zip(tf.dynamic_partition(d, p, 3), [1.0, -2.0, 3.0])], d)",
     {"d": _DATA[:4], "p": _a([2, 0, 2, 2], I32)}, 1e-6),
    ("dynamic_stitch",
     "[tf.dynamic_stitch([i, j], [a, b]), tf.dynamic_stitch([i2], [c])]",
     {"i": _a([0, 5], I32), "j": _a([[1, 2]], I32), "a": _a([[1.0, 1.0], [2.0, 2.0]], F32),
      "b": _a([[[3.0, 3.0], [4.0, 4.0]]], F32), "i2": _a([3, 1, 3], I32),
      "c": _a([7, 8, 9], I64)}),
    ("dynamic_stitch_negative_index", "tf.dynamic_stitch([i, j], [a, b])",
     {"i": _a([0, 1], I32), "j": _a([3, -2], I32), "a": _a([1.0, 2.0], F32),
      "b": _a([3.0, 4.0], F32)}),
    ("dynamic_stitch_grad",
     "tf.gradients(tf.dynamic_stitch([i, j], [a, b]) * w, [a, b])",
     {"i": _a([0, 2], I32), "j": _a([2, 1], I32), "a": _a([1.0, 2.0], F64),
      "b": _a([3.0, 4.0], F64), "w": _a([5.0, 6.0, 7.0], F64)}, 1e-12),
    ("crelu", "[tf.nn.crelu(x), tf.nn.crelu(x, axis=0), tf.nn.crelu(y, name='c')]",
     {"x": _a([[1.0, -2.0, 0.0], [-0.5, 3.0, -1.0]], F32), "y": _a([-1, 2], I32)},
     1e-7),  # TF's Relu(-0.0) is -0.0 or 0.0 depending on its kernel path: sign not compared
]

SPARSE_OP_CASES = [
    ("sparse_to_dense",
     "[tf.sparse_to_dense(i, s, v, -1.0), tf.sparse_to_dense(j, t, 7), "
     "tf.sparse_to_dense(i, s, v, validate_indices=False)]",
     {"i": _a([[0, 1], [1, 2]], I64), "s": _a([2, 3], I64), "v": _a([5.0, 6.0], F32),
      "j": _a([1, 3], I32), "t": _a([5], I32)}),
    ("sparse_to_dense_unsorted", "tf.sparse_to_dense(i, s, v)",
     {"i": _a([[1, 1], [0, 2]], I32), "s": _a([2, 3], I32), "v": _a([5.0, 6.0], F32)}),
    ("sparse_to_dense_repeated", "tf.sparse_to_dense(i, s, v)",
     {"i": _a([[1, 1], [1, 1]], I32), "s": _a([2, 3], I32), "v": _a([5.0, 6.0], F32)}),
    ("sparse_to_dense_out_of_bounds", "tf.sparse_to_dense(i, s, v)",
     {"i": _a([[0, 5], [1, 2]], I32), "s": _a([2, 3], I32), "v": _a([5.0, 6.0], F32)}),
    ("sparse_to_dense_grad", "tf.gradients(tf.sparse_to_dense(i, s, v, d) * w, [v, d])",
     {"i": _a([[0, 1], [1, 2]], I32), "s": _a([2, 3], I32), "v": _a([5.0, 6.0], F64),
      "d": _a(0.5, F64), "w": np.arange(6, dtype=F64).reshape(2, 3)}, 1e-12),
    ("sparse_fill_empty_rows",
     "list(tf.raw_ops.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, "
     "default_value=d))",
     {"i": _a([[3, 1], [1, 2], [1, 0]], I64), "v": _a([1.0, 2.0, 3.0], F32),
      "s": _a([5, 3], I64), "d": _a(-1.0, F32)}),
    ("sparse_fill_empty_rows_bad_row",
     "list(tf.raw_ops.SparseFillEmptyRows(indices=i, values=v, dense_shape=s, "
     "default_value=d))",
     {"i": _a([[5, 1], [1, 2]], I64), "v": _a([1.0, 2.0], F32), "s": _a([5, 3], I64),
      "d": _a(-1.0, F32)}),
    ("sparse_fill_empty_rows_grad",
     "list(tf.raw_ops.SparseFillEmptyRowsGrad(reverse_index_map=r, grad_values=g))",
     {"r": _a([1, 0, 3], I64), "g": _a([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], F32)}),
    ("sparse_reshape",
     "list(tf.raw_ops.SparseReshape(input_indices=i, input_shape=s, new_shape=n)) + "
     "list(tf.raw_ops.SparseReshape(input_indices=i, input_shape=s, new_shape=m))",
     {"i": _a([[0, 1], [1, 2]], I64), "s": _a([2, 3], I64), "n": _a([3, -1], I64),
      "m": _a([-1], I64)}),
    ("sparse_reshape_two_unknown",
     "list(tf.raw_ops.SparseReshape(input_indices=i, input_shape=s, new_shape=n))",
     {"i": _a([[0, 1], [1, 2]], I64), "s": _a([2, 3], I64), "n": _a([-1, -1], I64)}),
    ("sparse_reshape_size_mismatch",
     "list(tf.raw_ops.SparseReshape(input_indices=i, input_shape=s, new_shape=n))",
     {"i": _a([[0, 1], [1, 2]], I64), "s": _a([2, 3], I64), "n": _a([4, 2], I64)}),
    ("sparse_reshape_not_a_multiple",
     "list(tf.raw_ops.SparseReshape(input_indices=i, input_shape=s, new_shape=n))",
     {"i": _a([[0, 1], [1, 2]], I64), "s": _a([2, 3], I64), "n": _a([4, -1], I64)}),
]

# Fixed samples: class 3 is both a target and sampled (an accidental hit), 8 is sampled twice.
_SAMPLED = {
    "sampled": _a([3, 8, 0, 8, 5], I64),
    "tec": _a([[0.5], [0.25], [0.125]], F32),
    "sec": _a([0.2, 0.4, 0.6, 0.4, 0.3], F32),
}
_LOSS_INPUTS = {
    "w": _normal(10, 4), "b": _normal(10), "x": _normal(3, 4),
    "labels": _a([[3], [6], [1]], I64),
}
_SAMPLED_2 = {"tec2": _a([[0.5, 0.1], [0.25, 0.3], [0.125, 0.2]], F32),
              "labels2": _a([[3, 9], [6, 8], [1, 2]], I64)}
_FIXED = "sampled_values=(sampled, tec, sec)"
SAMPLED_LOSS_CASES = [
    (f"{loss}_fixed_samples{'_no_hits' if hits else ''}",
     _with_grads(f"tf.nn.{loss}(w, b, labels, x, 5, 10, {_FIXED}, "
                 f"remove_accidental_hits={hits})", "w, b, x"),
     {**_LOSS_INPUTS, **_SAMPLED}, 1e-5)
    for loss in ("nce_loss", "sampled_softmax_loss") for hits in (True, False)
] + [
    (f"{loss}_num_true_2_sharded_{strategy}",
     _with_grads(f"tf.nn.{loss}([w0, w1, w2], b, labels2, x, 5, 10, num_true=2, "
                 "sampled_values=(sampled, tec2, sec), remove_accidental_hits=True, "
                 f"partition_strategy='{strategy}')", "w0, w1, w2, b, x"),
     {"w0": _SHARDS["p0"].astype(F64), "w1": _SHARDS["p1"].astype(F64),
      "w2": _SHARDS["p2"].astype(F64), "b": _LOSS_INPUTS["b"].astype(F64),
      "x": _normal(3, 3, dtype=F64), "sampled": _SAMPLED["sampled"],
      "sec": _SAMPLED["sec"].astype(F64), "tec2": _SAMPLED_2["tec2"].astype(F64),
      "labels2": _SAMPLED_2["labels2"]}, 1e-9)
    for loss in ("nce_loss", "sampled_softmax_loss") for strategy in ("mod", "div")
] + [
    ("compute_accidental_hits",
     "list(tf.nn.compute_accidental_hits(labels2, sampled, 2))",
     {**_SAMPLED, **_SAMPLED_2}),
    ("sampled_loss_int32_labels_float64",
     _with_grads("tf.nn.sampled_softmax_loss(w, b, labels, x, 5, 10, "
                 "sampled_values=(sampled, tec, sec))", "w, b, x"),
     {"w": _LOSS_INPUTS["w"].astype(F64), "b": _LOSS_INPUTS["b"].astype(F64),
      "x": _LOSS_INPUTS["x"].astype(F64), "labels": _a([[3], [6], [1]], I32),
      "sampled": _SAMPLED["sampled"], "tec": _SAMPLED["tec"].astype(F64),
      "sec": _SAMPLED["sec"].astype(F64)}, 1e-9),
    ("sampled_loss_float64_with_float32_counts",
     "tf.nn.nce_loss(w, b, labels, x, 5, 10, sampled_values=(sampled, tec, sec))",
     {"w": _LOSS_INPUTS["w"].astype(F64), "b": _LOSS_INPUTS["b"].astype(F64),
      "x": _LOSS_INPUTS["x"].astype(F64), "labels": _a([[3], [6], [1]], I64), **_SAMPLED}),
]
# fmt: on

CASES = (
    EMBEDDING_CASES
    + SPARSE_LOOKUP_CASES
    + SAFE_LOOKUP_CASES
    + IN_TOP_K_CASES
    + SPARSE_SEGMENT_CASES
    + PARTITION_CASES
    + SPARSE_OP_CASES
    + SAMPLED_LOSS_CASES
)


# ---------------------------------------------------------------------- dropout

# (case, builder call over x, x's shape): the graphs compared node by node with ndflow's.
DROPOUT_GRAPHS = [
    ("dropout_keep_prob", "tf.nn.dropout(x, keep_prob=0.75)", (4, 5)),
    ("dropout_rate_seed", "tf.nn.dropout(x, rate=0.4, seed=7)", (4, 5)),
    ("dropout_noise_shape", "tf.nn.dropout(x, rate=0.5, noise_shape=[4, 1], name='d')", (4, 5)),
    ("dropout_noise_shape_none_dims", "tf.nn.dropout(x, rate=0.5, noise_shape=[None, 1])", (4, 5)),
    (
        "dropout_tensor_keep_prob",
        "tf.nn.dropout(x, keep_prob=tf.placeholder_with_default(0.6, []))",
        (4, 5),
    ),
    ("dropout_rate_zero", "tf.nn.dropout(x, rate=0.0)", (4, 5)),
]


def _graph_nodes(graph):
    return [[op.name, op.type, [t.name for t in op.inputs]] for op in graph.get_operations()]


def _dropout_case(tf, writer, case, call, shape):
    """The graph's nodes, and the output for a fixed RandomUniform value (fed)."""
    graph = tf.Graph()
    rng = np.random.default_rng(5)
    x_value = rng.normal(size=shape).astype(F32)
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=shape, name="x")
        y = eval(call, {"tf": tf, "x": x})  # noqa: S307 - our case table
        uniform = [op for op in graph.get_operations() if op.type == "RandomUniform"]
        feed = {x: x_value}
        arrays = {"x": x_value}
        if uniform:
            noise = rng.random(uniform[0].outputs[0].shape.as_list()).astype(F32)
            feed[uniform[0].outputs[0]] = noise
            arrays["noise"] = noise
        with tf.Session(graph=graph) as sess:
            arrays["out"] = sess.run(y, feed)
        meta = {"call": call, "nodes": _graph_nodes(graph), "output": y.name}
    writer.save(case, arrays, meta)


def _dropout_statistics(tf, writer):
    """Kept fractions and scaled values over many elements, for a statistical comparison."""
    results = {}
    for rate in (0.1, 0.5, 0.9):
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(3)
            y = tf.nn.dropout(tf.ones([200, 500]), rate=rate)
            z = tf.nn.dropout(tf.ones([200, 500]), rate=rate, noise_shape=[200, 1])
            with tf.Session(graph=graph) as sess:
                y_value, z_value = sess.run([y, z])
        results[str(rate)] = {
            "kept_fraction": float(np.mean(y_value != 0)),
            "kept_values": sorted({float(v) for v in np.unique(y_value[y_value != 0])}),
            "rows_all_or_nothing": bool(np.all(np.ptp(z_value, axis=1) == 0)),
            "rows_kept_fraction": float(np.mean(z_value[:, 0] != 0)),
        }
    writer.save("dropout_statistics", {}, {"results": results})


# ---------------------------------------------------------------------- samplers


_TRUE = _a([[0, 3], [2, 9], [7, 7]], I64)
_UNIGRAMS = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
# (case, builder call over `tc`, runs): unique=False expected counts are deterministic.
SAMPLER_CALLS = [
    ("sampler_uniform", "tf.random.uniform_candidate_sampler(tc, 2, 5, {u}, 10, seed=1)", 1),
    (
        "sampler_log_uniform",
        "tf.random.log_uniform_candidate_sampler(tc, 2, 5, {u}, 10, seed=1)",
        1,
    ),
    (
        "sampler_learned_unigram",
        "tf.random.learned_unigram_candidate_sampler(tc, 2, 4, {u}, 10, seed=1)",
        3,
    ),
    (
        "sampler_fixed_unigram",
        "tf.random.fixed_unigram_candidate_sampler(tc, 2, 4, {u}, 10, distortion=0.5, "
        f"unigrams={_UNIGRAMS}, seed=1)",
        1,
    ),
    (
        "sampler_fixed_unigram_sharded",
        "tf.random.fixed_unigram_candidate_sampler(tc, 2, 3, {u}, 6, unigrams="
        f"{_UNIGRAMS}, num_reserved_ids=2, num_shards=2, shard=1, seed=1)",
        1,
    ),
    ("sampler_all", "tf.random.all_candidate_sampler(tc, 2, 10, {u}, seed=1)", 1),
]


def _sampler_case(tf, writer, case, call, runs):
    true_classes = _TRUE if "sharded" not in case else np.minimum(_TRUE, 5)
    arrays = {"true_classes": true_classes}
    for unique in (False, True):
        graph = tf.Graph()
        with graph.as_default():
            outputs = eval(  # noqa: S307 - our case table
                call.format(u=unique), {"tf": tf, "tc": tf.constant(true_classes)}
            )
            with tf.Session(graph=graph) as sess:
                for run in range(runs):
                    values = sess.run(list(outputs))
                    for name, value in zip(("sampled", "true_count", "sampled_count"), values):
                        arrays[f"unique{int(unique)}_run{run}_{name}"] = value
    writer.save(case, arrays, {"call": call, "runs": runs})


def generate(tf, writer):
    math_goldens.save_cases(tf, writer, CASES)
    for case, call, shape in DROPOUT_GRAPHS:
        _dropout_case(tf, writer, case, call, shape)
    _dropout_statistics(tf, writer)
    for case, call, runs in SAMPLER_CALLS:
        _sampler_case(tf, writer, case, call, runs)
