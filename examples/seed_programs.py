"""The seed documents' TF1 training programs, written once and run with either
`tensorflow.compat.v1` (tools/goldens/seed_training.py records TensorFlow's numbers) or
`ndflow` (tests/acceptance/test_seed_training.py checks ndflow reaches them).

Each function takes the `tf` module plus fixed data and returns the numbers to compare.
The bodies are the seeds' code, with the data made deterministic.
"""

from __future__ import annotations

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
