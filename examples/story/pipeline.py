"""Stage 2 of the demo: the `tf.data` input pipeline over the TFRecord shards, as seed 001 and
003 write it: `TFRecordDataset` -> `parse_single_example` -> `decode_png` -> `shuffle` ->
`batch` -> `prefetch`.
"""

from __future__ import annotations

import ndflow as tf

FEATURES = {
    "image/encoded": tf.FixedLenFeature([], tf.string),
    "image/height": tf.FixedLenFeature([], tf.int64),
    "image/width": tf.FixedLenFeature([], tf.int64),
    "image/class/label": tf.FixedLenFeature([], tf.int64),
    "image/class/text": tf.FixedLenFeature([], tf.string),
}


def parse(serialized, size: int):
    """One serialized Example -> ({"image": float32 [size, size, 3] in [0, 1]}, label [1])."""
    example = tf.parse_single_example(serialized, FEATURES)
    image = tf.image.decode_png(example["image/encoded"], channels=3)
    image = tf.image.convert_image_dtype(image, tf.float32)
    image = tf.reshape(image, [size, size, 3])
    label = tf.reshape(tf.cast(example["image/class/label"], tf.float32), [1])
    return {"image": image}, label


def dataset(files, size: int, batch_size: int, training: bool, seed: int = 0):
    """The pipeline over `files`: shuffled and repeated for training, one pass otherwise."""
    records = tf.data.TFRecordDataset([str(path) for path in files])
    records = records.map(lambda serialized: parse(serialized, size), num_parallel_calls=2)
    if training:
        records = records.shuffle(1024, seed=seed).repeat()
    return records.batch(batch_size).prefetch(2)


def input_fn(files, size: int, batch_size: int, training: bool):
    """An Estimator input_fn returning the pipeline."""
    return lambda: dataset(files, size, batch_size, training)
