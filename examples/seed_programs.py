"""The seed documents' TF1 training programs, written once and run with either
`tensorflow.compat.v1` (tools/goldens/seed_training.py records TensorFlow's numbers) or
`ndflow` (tests/acceptance/test_seed_training.py checks ndflow reaches them).

Each function takes the `tf` module plus fixed data and returns the numbers to compare.
The bodies are the seeds' code, with the data made deterministic.
"""

from __future__ import annotations

import os

import numpy as np


def seed_data(seed: int = 0) -> dict:
    """Fixed inputs for the three programs."""
    rng = np.random.RandomState(seed)
    x_train = rng.random_sample((100,)).astype(np.float32)
    y_train = rng.random_sample((100,)).astype(np.float32)
    square = rng.normal(size=47)
    bedrooms = rng.normal(size=47)
    price = 0.8 * square + 0.1 * bedrooms + rng.normal(scale=0.1, size=47)
    house = np.stack([np.ones(47), square, bedrooms, price], axis=1).astype(np.float32)
    features = rng.normal(size=(64, 4)).astype(np.float32)
    labels = (features[:, 0] + features[:, 1] > 0).astype(np.int64) + (features[:, 2] > 1.0).astype(
        np.int64
    )
    return {
        "x_train": x_train,
        "y_train": y_train,
        "house": house,
        "features": features,
        "labels": labels,
        "w1": (rng.normal(size=(4, 16)) * 0.5).astype(np.float32),
        "b1": np.zeros(16, np.float32),
        "w2": (rng.normal(size=(16, 3)) * 0.5).astype(np.float32),
        "b2": np.zeros(3, np.float32),
    }


def linear_regression(tf, x_train, y_train, steps=1000):
    """The seed's `W * x + b` demo with GradientDescentOptimizer(0.001)."""
    # model parameters
    W = tf.Variable(0.3, tf.float32)  # noqa: N806 - the seed's names
    b = tf.Variable(-0.3, tf.float32)
    # model inputs & outputs
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    # the model
    out = W * x + b
    # loss function
    loss = tf.reduce_sum(tf.square(out - y))
    # optimizer
    optimizer = tf.train.GradientDescentOptimizer(0.001)
    train = optimizer.minimize(loss)
    # training
    init = tf.global_variables_initializer()
    losses = []
    with tf.Session() as sess:
        sess.run(init)
        for _ in range(steps):
            sess.run(train, {x: x_train, y: y_train})
            current_loss = sess.run(loss, {x: x_train, y: y_train})
            losses.append(current_loss)
        return {"W": sess.run(W), "b": sess.run(b), "losses": np.array(losses)}


def house_price(tf, house, alpha=0.01, epoch=500):
    """The seed's house-price regression, `matmul(..., transpose_a=True)` loss."""
    X_data = house[:, 0:3]  # noqa: N806 - the seed's names
    y_data = house[:, -1].reshape(len(house), 1)
    # 输入 X,形状[47, 3]
    X = tf.placeholder(tf.float32, X_data.shape)  # noqa: N806
    # 输出 y,形状[47, 1]
    y = tf.placeholder(tf.float32, y_data.shape)
    # 权重变量 W,形状[3,1]
    W = tf.get_variable(
        "weights",
        (X_data.shape[1], 1),  # noqa: N806
        initializer=tf.constant_initializer(),
    )
    y_pred = tf.matmul(X, W)
    loss_op = 1 / (2 * len(X_data)) * tf.matmul((y_pred - y), (y_pred - y), transpose_a=True)
    opt = tf.train.GradientDescentOptimizer(learning_rate=alpha)
    train_op = opt.minimize(loss_op)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(1, epoch + 1):
            sess.run(train_op, feed_dict={X: X_data, y: y_data})
        final_loss = sess.run(loss_op, feed_dict={X: X_data, y: y_data})
        return {"W": sess.run(W), "loss": np.asarray(final_loss)}


def mlp_adam(tf, features, labels, w1, b1, w2, b2, steps=60):
    """A small MLP trained with Adam on a fixed batch (no tf.data)."""
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    hidden_w = tf.Variable(w1, name="hidden/kernel")
    hidden_b = tf.Variable(b1, name="hidden/bias")
    out_w = tf.Variable(w2, name="logits/kernel")
    out_b = tf.Variable(b2, name="logits/bias")
    hidden = tf.nn.relu(tf.matmul(x, hidden_w) + hidden_b)
    logits = tf.matmul(hidden, out_w) + out_b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            _, value = sess.run([train_op, loss], {x: features, y: labels})
            losses.append(value)
        weights = sess.run({"w1": hidden_w, "b1": hidden_b, "w2": out_w, "b2": out_b})
    return {"losses": np.array(losses), **weights}


def visualized_training(tf, logdir, features, labels, w1, b1, w2, b2, steps=20):
    """The seed's TensorBoard recipe (001, 可视化): summary ops in the graph, `merge_all`,
    `tf.summary.FileWriter(logdir, sess.graph)`, `add_summary(summary, i)` every step; the
    training runs under `tf.profiler.experimental.start(logdir)` / `stop()`. Returns the
    losses fetched along with the summaries."""
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    with tf.name_scope("hidden"):
        hidden_w = tf.Variable(w1, name="kernel")
        hidden = tf.nn.relu(tf.matmul(x, hidden_w) + tf.Variable(b1, name="bias"))
        tf.summary.histogram("kernel", hidden_w)
    logits = tf.matmul(hidden, tf.Variable(w2)) + tf.Variable(b2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    tf.summary.scalar("loss", loss)
    train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)
    merged = tf.summary.merge_all()
    losses = []
    tf.profiler.experimental.start(logdir)
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir, sess.graph)
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            summary, _, value = sess.run([merged, train_op, loss], {x: features, y: labels})
            writer.add_summary(summary, i)
            losses.append(value)
        writer.close()
    tf.profiler.experimental.stop()
    return np.array(losses)


def dataset_demo(tf, features, labels, weights, batch_size=16, epochs=50):
    """The seed's Dataset demo (001: from_tensor_slices -> repeat -> batch -> one-shot
    iterator -> three tf.layers.dense -> Adam), with the layers' initial weights loaded
    from `weights` (by variable name) so runs can be compared."""
    BATCH_SIZE, EPOCHS = batch_size, epochs  # noqa: N806 - the seed's names
    dataset = tf.data.Dataset.from_tensor_slices((features, labels)).repeat().batch(BATCH_SIZE)
    iter = dataset.make_one_shot_iterator()  # noqa: A001 - the seed's name
    x, y = iter.get_next()
    net = tf.layers.dense(x, 8, activation=tf.tanh)
    net = tf.layers.dense(net, 8, activation=tf.tanh)
    prediction = tf.layers.dense(net, 1, activation=tf.tanh)
    loss = tf.losses.mean_squared_error(prediction, y)
    train_op = tf.train.AdamOptimizer().minimize(loss)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for variable in tf.trainable_variables():
            variable.load(weights[variable.op.name], sess)
        for _ in range(EPOCHS):
            _, loss_value = sess.run([train_op, loss])
            losses.append(loss_value)
    return {"losses": np.array(losses, np.float32)}


def dataset_demo_data(seed: int = 0) -> dict:
    """The demo's inputs: features (100, 2), labels (100, 1) and initial dense weights."""
    rng = np.random.default_rng(seed)
    shapes = {
        "dense/kernel": (2, 8),
        "dense/bias": (8,),
        "dense_1/kernel": (8, 8),
        "dense_1/bias": (8,),
        "dense_2/kernel": (8, 1),
        "dense_2/bias": (1,),
    }
    weights = {
        name: (rng.standard_normal(shape) * 0.5).astype(np.float32)
        for name, shape in shapes.items()
    }
    return {"features": rng.random((100, 2)), "labels": rng.random((100, 1)), "weights": weights}


# ---------------------------------------------------------------------- the NMT input pipeline

NMT_SOURCE = [
    "a b c",
    "d e",
    "",
    "f g h i j k",
    "b a",
    "c c c",
    "e d c b a",
    "k",
    "a a a a",
    "j i h",
    "g f",
    "x y z",
    "b",
    "c d e f",
]
NMT_TARGET = [
    "A B C",
    "D E",
    "A",
    "F G H",
    "B A",
    "",
    "E D C B A",
    "K L",
    "A A",
    "J I H G",
    "G F",
    "X Y",
    "B B B",
    "C D E F G",
]
NMT_SOURCE_VOCAB = ["<unk>", "<s>", "</s>", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
NMT_TARGET_VOCAB = ["<unk>", "<s>", "</s>", "A", "B", "C", "D", "E", "F", "G", "H"]


def nmt_files(directory) -> dict:
    """Writes the NMT example's text files (sentences and vocabularies) to `directory`."""
    paths = {}
    for name, lines in (
        ("src", NMT_SOURCE),
        ("tgt", NMT_TARGET),
        ("src_vocab", NMT_SOURCE_VOCAB),
        ("tgt_vocab", NMT_TARGET_VOCAB),
    ):
        paths[name] = os.path.join(directory, f"{name}.txt")
        with open(paths[name], "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return paths


def nmt_get_iterator(
    tf,
    lookup_ops,
    src_dataset,
    tgt_dataset,
    src_vocab_table,
    tgt_vocab_table,
    batch_size,
    sos,
    eos,
    random_seed,
    num_buckets,
    src_max_len=None,
    tgt_max_len=None,
    num_parallel_calls=4,
    output_buffer_size=None,
    skip_count=None,
    num_shards=1,
    shard_index=0,
    reshuffle_each_iteration=True,
):
    """The seed's (TF NMT's) `get_iterator`, unchanged."""
    del lookup_ops
    if not output_buffer_size:
        output_buffer_size = batch_size * 1000
    src_eos_id = tf.cast(src_vocab_table.lookup(tf.constant(eos)), tf.int32)
    tgt_sos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(sos)), tf.int32)
    tgt_eos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(eos)), tf.int32)

    src_tgt_dataset = tf.data.Dataset.zip((src_dataset, tgt_dataset))

    src_tgt_dataset = src_tgt_dataset.shard(num_shards, shard_index)
    if skip_count is not None:
        src_tgt_dataset = src_tgt_dataset.skip(skip_count)

    src_tgt_dataset = src_tgt_dataset.shuffle(
        output_buffer_size, random_seed, reshuffle_each_iteration
    )

    src_tgt_dataset = src_tgt_dataset.map(
        lambda src, tgt: (tf.string_split([src]).values, tf.string_split([tgt]).values),
        num_parallel_calls=num_parallel_calls,
    ).prefetch(output_buffer_size)

    # Filter zero length input sequences.
    src_tgt_dataset = src_tgt_dataset.filter(
        lambda src, tgt: tf.logical_and(tf.size(src) > 0, tf.size(tgt) > 0)
    )

    if src_max_len:
        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt: (src[:src_max_len], tgt), num_parallel_calls=num_parallel_calls
        ).prefetch(output_buffer_size)
    if tgt_max_len:
        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt: (src, tgt[:tgt_max_len]), num_parallel_calls=num_parallel_calls
        ).prefetch(output_buffer_size)
    # Convert the word strings to ids.  Word strings that are not in the
    # vocab get the lookup table's default_value integer.
    src_tgt_dataset = src_tgt_dataset.map(
        lambda src, tgt: (
            tf.cast(src_vocab_table.lookup(src), tf.int32),
            tf.cast(tgt_vocab_table.lookup(tgt), tf.int32),
        ),
        num_parallel_calls=num_parallel_calls,
    ).prefetch(output_buffer_size)
    # Create a tgt_input prefixed with <sos> and a tgt_output suffixed with <eos>.
    src_tgt_dataset = src_tgt_dataset.map(
        lambda src, tgt: (
            src,
            tf.concat(([tgt_sos_id], tgt), 0),
            tf.concat((tgt, [tgt_eos_id]), 0),
        ),
        num_parallel_calls=num_parallel_calls,
    ).prefetch(output_buffer_size)
    # Add in sequence lengths.
    src_tgt_dataset = src_tgt_dataset.map(
        lambda src, tgt_in, tgt_out: (src, tgt_in, tgt_out, tf.size(src), tf.size(tgt_in)),
        num_parallel_calls=num_parallel_calls,
    ).prefetch(output_buffer_size)

    # Bucket by source sequence length (buckets for lengths 0-9, 10-19, ...)
    def batching_func(x):
        return x.padded_batch(
            batch_size,
            # The first three entries are the source and target line rows;
            # these have unknown-length vectors.  The last two entries are
            # the source and target row sizes; these are scalars.
            padded_shapes=(
                tf.TensorShape([None]),  # src
                tf.TensorShape([None]),  # tgt_input
                tf.TensorShape([None]),  # tgt_output
                tf.TensorShape([]),  # src_len
                tf.TensorShape([]),
            ),  # tgt_len
            # Pad the source and target sequences with eos tokens.
            # (Though notice we don't generally need to do this since
            # later on we will be masking out calculations past the true sequence.
            padding_values=(
                src_eos_id,  # src
                tgt_eos_id,  # tgt_input
                tgt_eos_id,  # tgt_output
                0,  # src_len -- unused
                0,
            ),
        )  # tgt_len -- unused

    if num_buckets > 1:

        def key_func(unused_1, unused_2, unused_3, src_len, tgt_len):
            # Calculate bucket_width by maximum source sequence length.
            # Pairs with length [0, bucket_width) go to bucket 0, length
            # [bucket_width, 2 * bucket_width) go to bucket 1, etc.  Pairs with length
            # over ((num_bucket-1) * bucket_width) words all go into the last bucket.
            if src_max_len:
                bucket_width = (src_max_len + num_buckets - 1) // num_buckets
            else:
                bucket_width = 10

            # Bucket sentence pairs by the length of their source sentence and target
            # sentence.
            bucket_id = tf.maximum(src_len // bucket_width, tgt_len // bucket_width)
            return tf.to_int64(tf.minimum(num_buckets, bucket_id))

        def reduce_func(unused_key, windowed_data):
            return batching_func(windowed_data)

        batched_dataset = src_tgt_dataset.apply(
            tf.contrib.data.group_by_window(
                key_func=key_func, reduce_func=reduce_func, window_size=batch_size
            )
        )
    else:
        batched_dataset = batching_func(src_tgt_dataset)
    batched_iter = batched_dataset.make_initializable_iterator()
    (src_ids, tgt_input_ids, tgt_output_ids, src_seq_len, tgt_seq_len) = batched_iter.get_next()
    return batched_iter, (src_ids, tgt_input_ids, tgt_output_ids, src_seq_len, tgt_seq_len)


def nmt_batches(tf, lookup_ops, paths, output_buffer_size=None, epochs=2) -> list:
    """Runs the seed's NMT input pipeline over `paths` (see `nmt_files`) for `epochs`
    initializations; returns every batch as a list of five arrays."""
    UNK_ID = 0  # noqa: N806 - the seed's name
    src_dataset = tf.data.TextLineDataset(paths["src"])
    tgt_dataset = tf.data.TextLineDataset(paths["tgt"])

    def create_vocab_tables(src_vocab_file, tgt_vocab_file, share_vocab):
        """Creates vocab tables for src_vocab_file and tgt_vocab_file."""
        src_vocab_table = lookup_ops.index_table_from_file(src_vocab_file, default_value=UNK_ID)
        if share_vocab:
            tgt_vocab_table = src_vocab_table
        else:
            tgt_vocab_table = lookup_ops.index_table_from_file(tgt_vocab_file, default_value=UNK_ID)
        return src_vocab_table, tgt_vocab_table

    src_vocab_table, tgt_vocab_table = create_vocab_tables(
        paths["src_vocab"], paths["tgt_vocab"], False
    )
    iterator, tensors = nmt_get_iterator(
        tf,
        lookup_ops,
        src_dataset,
        tgt_dataset,
        src_vocab_table,
        tgt_vocab_table,
        batch_size=3,
        sos="<s>",
        eos="</s>",
        random_seed=5,
        num_buckets=2,
        src_max_len=5,
        tgt_max_len=4,
        output_buffer_size=output_buffer_size,
    )
    batches = []
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        for _ in range(epochs):
            sess.run(iterator.initializer)
            while True:
                try:
                    batches.append([np.asarray(v) for v in sess.run(tensors)])
                except tf.errors.OutOfRangeError:
                    break
    return batches
