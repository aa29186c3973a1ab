"""Sampled losses: `tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss`, built as TF's
`_compute_sampled_logits` builds them: the true and sampled classes' weights and biases are
looked up together (sharded tables with "mod"/"div"), logits are corrected by log(expected
count), and with `remove_accidental_hits` sampled classes equal to a target get -FLT_MAX
(ComputeAccidentalHits + SparseToDense). Given the same `sampled_values` the graph and the
values are TF's.
"""

from __future__ import annotations

from ndflow.framework import dtypes
from ndflow.framework import graph as graph_lib
from ndflow.ops import array
from ndflow.ops import math
from ndflow.ops import sparse
from ndflow.ops.nn import candidate_sampling
from ndflow.ops.nn import embedding
from ndflow.ops.nn import losses

# ---------------------------------------------------------------------- sampled logits


def _sum_rows(x):
    """TF's `_sum_rows`: x @ ones([cols, 1]), flattened (a cheaper gradient than a Sum)."""
    cols = array.shape(x)[1]
    ones = array.ones(array.stack([cols, 1]), x.dtype)
    return array.reshape(math.matmul(x, ones), [-1])


def _lookup(table, all_ids, partition_strategy, dtype):
    rows = embedding.embedding_lookup(table, all_ids, partition_strategy=partition_strategy)
    return rows if rows.dtype == dtype else math.cast(rows, dtype)


def _true_logits(inputs, true_w, true_b, num_true):
    """Each example's dot products with its num_true true classes' weights, plus biases."""
    dim = array.shape(true_w)[1:2]
    true_w = array.reshape(true_w, array.concat([[-1, num_true], dim], 0))
    row_wise_dots = math.multiply(array.expand_dims(inputs, 1), true_w)
    dots_as_matrix = array.reshape(row_wise_dots, array.concat([[-1], dim], 0))
    true_logits = array.reshape(_sum_rows(dots_as_matrix), [-1, num_true])
    return true_logits + array.reshape(true_b, [-1, num_true])


def _remove_hits(sampled_logits, labels, sampled, num_true, num_sampled):
    """-FLT_MAX added to the logits of sampled classes that are true classes (SparseToDense
    of ComputeAccidentalHits)."""
    acc_indices, acc_ids, acc_weights = candidate_sampling.compute_accidental_hits(
        labels, sampled, num_true=num_true
    )
    acc_indices_2d = array.reshape(acc_indices, [-1, 1])
    acc_ids_2d_int32 = array.reshape(math.cast(acc_ids, dtypes.int32), [-1, 1])
    sparse_indices = array.concat([acc_indices_2d, acc_ids_2d_int32], 1, "sparse_indices")
    shape = array.concat([array.shape(labels)[:1], array.expand_dims(num_sampled, 0)], 0)
    if sampled_logits.dtype != acc_weights.dtype:
        acc_weights = math.cast(acc_weights, sampled_logits.dtype)
    correction = sparse.sparse_to_dense(
        sparse_indices, shape, acc_weights, default_value=0.0, validate_indices=False
    )
    return sampled_logits + correction


def _sampled_values(labels, sampled_values, num_true, num_sampled, num_classes, seed):
    if sampled_values is None:
        sampled_values = candidate_sampling.log_uniform_candidate_sampler(
            true_classes=labels,
            num_true=num_true,
            num_sampled=num_sampled,
            unique=True,
            range_max=num_classes,
            seed=seed,
        )
    sampled, true_count, sampled_count = (array.stop_gradient(s) for s in sampled_values)
    return math.cast(sampled, dtypes.int64), true_count, sampled_count


def _compute_sampled_logits(weights, biases, labels, inputs, sampling, options, name, seed):
    """TF's `_compute_sampled_logits` (subtract_log_q=True): logits [batch, num_true +
    num_sampled] and labels (1/num_true for the true classes, 0 for the sampled ones)."""
    num_sampled, num_classes, num_true, sampled_values = sampling
    remove_accidental_hits, partition_strategy = options
    weights = weights if isinstance(weights, list) else [weights]
    with graph_lib.name_scope(name, "compute_sampled_logits", weights + [biases, inputs, labels]):
        if labels.dtype != dtypes.int64:
            labels = math.cast(labels, dtypes.int64)
        labels_flat = array.reshape(labels, [-1])
        sampled, true_count, sampled_count = _sampled_values(
            labels, sampled_values, num_true, num_sampled, num_classes, seed
        )
        all_ids = array.concat([labels_flat, sampled], 0)
        all_w = _lookup(weights, all_ids, partition_strategy, inputs.dtype)
        num_labels = array.shape(labels_flat)[0]
        true_w = array.slice(all_w, [0, 0], array.stack([num_labels, -1]))
        sampled_w = array.slice(all_w, array.stack([num_labels, 0]), [-1, -1])
        sampled_logits = math.matmul(inputs, sampled_w, transpose_b=True)
        all_b = _lookup(biases, all_ids, partition_strategy, inputs.dtype)
        true_b = array.slice(all_b, [0], array.shape(labels_flat))
        sampled_b = array.slice(all_b, array.shape(labels_flat), [-1])
        true_logits = _true_logits(inputs, true_w, true_b, num_true)
        sampled_logits += sampled_b
        if remove_accidental_hits:
            sampled_logits = _remove_hits(sampled_logits, labels, sampled, num_true, num_sampled)
        true_logits -= math.log(true_count)
        sampled_logits -= math.log(sampled_count)
        out_logits = array.concat([true_logits, sampled_logits], 1)
        out_labels = array.concat(
            [array.ones_like(true_logits) / num_true, array.zeros_like(sampled_logits)], 1
        )
        return out_logits, out_labels


def nce_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=False,
    partition_strategy="mod",
    name="nce_loss",
):
    """Mirrors TF1 `tf.nn.nce_loss`: the noise-contrastive estimation loss, a sigmoid cross
    entropy over the true classes and `num_sampled` sampled classes.

    Args:
      weights: a [num_classes, dim] Tensor or variable, or a list of its shards.
      biases: a [num_classes] Tensor or variable.
      labels: an int64 [batch, num_true] Tensor of target classes.
      inputs: a float [batch, dim] Tensor of activations.
      num_sampled: the number of classes to sample.
      num_classes: the number of classes.
      num_true: the number of targets per example.
      sampled_values: a (sampled_candidates, true_expected_count, sampled_expected_count)
        tuple; by default a log-uniform `unique` sample.
      remove_accidental_hits: ignore sampled classes that are target classes.
      partition_strategy: "mod" or "div", for sharded weights.
      name: the name scope.

    Returns:
      A float [batch] Tensor of per-example losses.

    >>> nce_loss(w, b, labels, inputs, num_sampled=5, num_classes=50)  # shape [batch]
    """
    logits, labels = _compute_sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        (num_sampled, num_classes, num_true, sampled_values),
        (remove_accidental_hits, partition_strategy),
        name,
        None,
    )
    sampled_losses = losses.sigmoid_cross_entropy_with_logits(
        labels=labels, logits=logits, name="sampled_losses"
    )
    return _sum_rows(sampled_losses)


def sampled_softmax_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=True,
    partition_strategy="mod",
    name="sampled_softmax_loss",
    seed=None,
):
    """Mirrors TF1 `tf.nn.sampled_softmax_loss`: the softmax cross entropy over the true
    classes and `num_sampled` sampled classes, logits corrected by log(expected count).

    Args:
      weights: a [num_classes, dim] Tensor or variable, or a list of its shards.
      biases: a [num_classes] Tensor or variable.
      labels: an int64 [batch, num_true] Tensor of target classes.
      inputs: a float [batch, dim] Tensor of activations.
      num_sampled: the number of classes to sample.
      num_classes: the number of classes.
      num_true: the number of targets per example (each gets label 1/num_true).
      sampled_values: a (sampled_candidates, true_expected_count, sampled_expected_count)
        tuple; by default a log-uniform `unique` sample.
      remove_accidental_hits: ignore sampled classes that are target classes (default on).
      partition_strategy: "mod" or "div", for sharded weights.
      name: the name scope.
      seed: the seed of the default sampler.

    Returns:
      A float [batch] Tensor of per-example losses.

    >>> sampled_softmax_loss(w, b, labels, inputs, num_sampled=5, num_classes=50)  # [batch]
    """
    logits, labels = _compute_sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        (num_sampled, num_classes, num_true, sampled_values),
        (remove_accidental_hits, partition_strategy),
        name,
        seed,
    )
    labels = array.stop_gradient(labels, name="labels_stop_gradient")
    return losses.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
