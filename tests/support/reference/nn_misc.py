"""Independent NumPy references for the rest of tf.nn: embedding lookups (loops over ids and
shards), sparse segment reductions (loops over segments), in_top_k (counting per row),
partition and stitch (loops), the candidate samplers' probabilities and expected counts
(closed forms), and the sampled losses (per-example loops over the true and sampled classes).
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------- embeddings


def shard_of(row: int, sizes, strategy: str):
    """(shard, row within the shard) of a table row for "mod" or "div" sharding."""
    count = len(sizes)
    if strategy == "mod":
        return row % count, row // count
    start = 0
    for shard, size in enumerate(sizes):
        if row < start + size:
            return shard, row - start
        start += size
    raise IndexError(row)


def div_sizes(total: int, count: int) -> list:
    """TF's "div" shard sizes: the first total % count shards one row longer."""
    return [total // count + (1 if s < total % count else 0) for s in range(count)]


def mod_sizes(total: int, count: int) -> list:
    return [len(range(s, total, count)) for s in range(count)]


def embedding_lookup(shards, ids, strategy="mod", max_norm=None):
    sizes = [len(s) for s in shards]
    ids = np.asarray(ids)
    out = np.zeros(ids.shape + shards[0].shape[1:], dtype=shards[0].dtype)
    for position in np.ndindex(ids.shape):
        shard, row = shard_of(int(ids[position]), sizes, strategy)
        vector = np.array(shards[shard][row], dtype=np.float64)
        if max_norm is not None:
            norm = np.sqrt(np.sum(vector * vector))
            if norm > max_norm:
                vector = vector * max_norm / norm
        out[position] = vector
    return out


def combine_rows(embeddings_per_row, weights_per_row, combiner):
    """One row of embedding_lookup_sparse: sum(w e), / sum(w) or / sqrt(sum(w^2))."""
    total = sum(w * e for w, e in zip(weights_per_row, embeddings_per_row))
    weight = sum(weights_per_row)
    if combiner == "mean":
        return total / weight if weight else total * 0
    if combiner == "sqrtn":
        norm = np.sqrt(sum(w * w for w in weights_per_row))
        return total / norm if norm else total * 0
    return total


# ---------------------------------------------------------------------- sparse segments


def sparse_segment(kind, data, indices, segment_ids, num_segments=None):
    """Loops over segments: sum, mean or sum / sqrt(n) of data[indices] per segment id."""
    rows = (
        (int(segment_ids[-1]) + 1 if len(segment_ids) else 0)
        if num_segments is None
        else (num_segments)
    )
    out = np.zeros((rows,) + data.shape[1:], dtype=np.float64)
    for segment in range(rows):
        members = [int(i) for i, s in zip(indices, segment_ids) if s == segment]
        if not members:
            continue
        total = sum(np.asarray(data[i], dtype=np.float64) for i in members)
        if kind == "Mean":
            total = total / len(members)
        elif kind == "SqrtN":
            total = total / np.sqrt(len(members))
        out[segment] = total
    return out.astype(data.dtype)


def sparse_segment_grad(kind, grad, indices, segment_ids, output_dim0):
    counts = np.bincount(np.asarray(segment_ids), minlength=grad.shape[0])
    out = np.zeros((output_dim0,) + grad.shape[1:], dtype=np.float64)
    for index, segment in zip(indices, segment_ids):
        scale = {"Sum": 1.0, "Mean": 1.0 / counts[segment], "SqrtN": counts[segment] ** -0.5}
        out[index] += grad[segment] * scale[kind]
    return out.astype(grad.dtype)


# ---------------------------------------------------------------------- ranking


def in_top_k(predictions, targets, k):
    out = []
    for row, target in zip(np.asarray(predictions), np.asarray(targets)):
        if not (0 <= target < row.size) or not np.all(np.isfinite(row)):
            out.append(False)
            continue
        larger = sum(1 for value in row if value > row[target])
        out.append(larger < k)
    return np.array(out, dtype=bool)


# ---------------------------------------------------------------------- partition, stitch


def dynamic_partition(data, partitions, count):
    flat = np.asarray(partitions).reshape(-1)
    rows = np.asarray(data).reshape((flat.size,) + np.shape(data)[np.ndim(partitions) :])
    return [
        np.array([rows[i] for i in range(flat.size) if flat[i] == p])
        .reshape((-1,) + rows.shape[1:])
        .astype(rows.dtype)
        for p in range(count)
    ]


def dynamic_stitch(indices, data):
    pairs = []
    for index, values in zip(indices, data):
        index = np.asarray(index)
        values = np.asarray(values)
        flat = values.reshape((index.size,) + values.shape[index.ndim :])
        pairs.extend(zip(index.reshape(-1), flat))
    size = max((int(i) for i, _ in pairs), default=-1) + 1
    extra = np.asarray(data[0]).shape[np.ndim(indices[0]) :]
    out = np.zeros((size,) + extra, dtype=np.asarray(data[0]).dtype)
    for index, value in pairs:
        out[int(index)] = value
    return out


# ---------------------------------------------------------------------- samplers


def uniform_probability(values, range_max):
    return np.full(np.shape(values), 1.0 / range_max)


def log_uniform_probability(values, range_max):
    values = np.asarray(values, dtype=np.float64)
    return (np.log(values + 2.0) - np.log(values + 1.0)) / np.log(range_max + 1.0)


def unigram_probability(values, weights):
    weights = np.asarray(weights, dtype=np.float64)
    return weights[np.asarray(values)] / weights.sum()


def fixed_unigram_weights(unigrams, distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0):
    """TF's FixedUnigramSampler weights, reserved ids first (only this shard's)."""
    weights = [0.0 for i in range(num_reserved_ids) if i % num_shards == shard]
    next_id = len(weights)
    for value in unigrams:
        if next_id % num_shards == shard:
            weights.append(float(value) ** distortion)
        next_id += 1
    return np.array(weights)


def expected_count(probability, num_sampled, num_tries):
    probability = np.asarray(probability, dtype=np.float64)
    if num_tries == num_sampled:
        return probability * num_sampled
    return 1.0 - (1.0 - probability) ** num_tries


def consistent_tries(probability, counts, num_sampled, limit=100000, rtol=1e-4):
    """The number of draws that explains unique-sampling expected counts, or None."""
    for tries in range(num_sampled, limit):
        if np.allclose(expected_count(probability, num_sampled, tries), counts, rtol=rtol):
            return tries
    return None


# ---------------------------------------------------------------------- sampled losses


def sampled_logits(weights, biases, labels, inputs, sampled, true_counts, sampled_counts, hits):
    """Per example: logits of its true classes then of the sampled ones, minus log(expected
    count); with `hits`, a sampled class equal to one of the example's labels gets -FLT_MAX."""
    batch, num_true = labels.shape
    rows = []
    for b in range(batch):
        true = [
            inputs[b] @ weights[c] + biases[c] - np.log(true_counts[b, j])
            for j, c in enumerate(labels[b])
        ]
        sampled_row = []
        for j, c in enumerate(sampled):
            logit = inputs[b] @ weights[c] + biases[c]
            last = max(k for k, other in enumerate(sampled) if other == c)
            if hits and c in labels[b] and j == last:
                logit = logit - np.finfo(np.float32).max
            sampled_row.append(logit - np.log(sampled_counts[j]))
        rows.append(true + sampled_row)
    labels_out = np.concatenate(
        [np.full((batch, num_true), 1.0 / num_true), np.zeros((batch, len(sampled)))], 1
    )
    return np.array(rows), labels_out


def nce_loss(logits, labels):
    losses = np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))
    return losses.sum(axis=1)


def sampled_softmax_loss(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(labels * log_probs).sum(axis=1)
