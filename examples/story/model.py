"""Stages 3 and 4 of the demo: the seed's CNN as an Estimator `model_fn`, and its serving input.

The model is seed 000's: 3x3x32 convolution, 3x3x32 convolution, 2x2 max pool, a 64-unit dense
layer with dropout, one sigmoid output. Its input and output carry the names the seed's Go
program looks up (`inputLayer_input`, `inferenceLayer/Sigmoid`), so that program runs against
the exported SavedModel as it is written.
"""

from __future__ import annotations

import ndflow as tf

INPUT_NAME = "inputLayer_input"
OUTPUT_NAME = "inferenceLayer/Sigmoid"


def seed_cnn(images, training: bool):
    """The seed CNN's logits, [batch, 1]."""
    net = tf.layers.conv2d(images, 32, 3, activation=tf.nn.relu, name="conv1")
    net = tf.layers.conv2d(net, 32, 3, activation=tf.nn.relu, name="conv2")
    net = tf.layers.max_pooling2d(net, 2, 2, name="pool")
    net = tf.layers.flatten(net)
    net = tf.layers.dense(net, 64, activation=tf.nn.relu, name="dense")
    net = tf.layers.dropout(net, rate=0.5, training=training)
    return tf.layers.dense(net, 1, name="inferenceLayer")


def sigmoid_output(logits):
    """The probability of class 1, named as the seed's output op: inferenceLayer/Sigmoid."""
    with tf.name_scope("inferenceLayer/"):
        return tf.sigmoid(logits)


def model_fn(features, labels, mode, params):
    """The Estimator model_fn: sigmoid cross-entropy, Adam, accuracy; TensorBoard summaries of
    the loss, the batch accuracy and a few input images."""
    images = features["image"]
    logits = seed_cnn(images, training=mode == tf.estimator.ModeKeys.TRAIN)
    probability = sigmoid_output(logits)
    predicted = tf.cast(probability > 0.5, tf.int64, name="class")
    predictions = {"probability": probability, "class": predicted}
    if mode == tf.estimator.ModeKeys.PREDICT:
        outputs = {"serving_default": tf.estimator.export.PredictOutput(predictions)}
        return tf.estimator.EstimatorSpec(mode, predictions=predictions, export_outputs=outputs)
    loss = tf.losses.sigmoid_cross_entropy(labels, logits)
    accuracy = tf.metrics.accuracy(labels, predicted)
    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={"accuracy": accuracy})
    batch_accuracy = tf.reduce_mean(tf.cast(tf.equal(probability > 0.5, labels > 0.5), tf.float32))
    tf.summary.scalar("batch_accuracy", batch_accuracy)
    tf.summary.image("images", images, max_outputs=4)
    optimizer = tf.train.AdamOptimizer(params["learning_rate"])
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def serving_input_receiver_fn(size: int):
    """The export's input: a batch of float32 [size, size, 3] images in [0, 1], fed to the
    placeholder the seed's Go program names."""

    def receiver():
        images = tf.placeholder(tf.float32, [None, size, size, 3], name=INPUT_NAME)
        return tf.estimator.export.ServingInputReceiver({"image": images}, {"image": images})

    return receiver


def export_untrained(export_dir, size: int) -> None:
    """The same network at `size`x`size` input, freshly initialized, saved as a SavedModel with
    the trained export's names and predict signature (for timing the seed's full size)."""
    with tf.Graph().as_default():
        tf.set_random_seed(7)
        images = tf.placeholder(tf.float32, [None, size, size, 3], name=INPUT_NAME)
        probability = sigmoid_output(seed_cnn(images, training=False))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            outputs = {"probability": probability}
            tf.saved_model.simple_save(sess, str(export_dir), {"image": images}, outputs)
