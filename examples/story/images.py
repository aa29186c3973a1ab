"""Stage 1 of the demo: a synthetic two-class image set, written as sharded TFRecord files of
`tf.train.Example`s in the layout seed 003 describes (`image/encoded`, `image/height`,
`image/width`, `image/class/label`, `image/class/text`).

The two classes are stripe patterns: horizontal (label 0) and vertical (label 1), each image
with its own stripe period, phase, colours and pixel noise, so the model has to learn the
orientation rather than a colour or a single pixel.
"""

from __future__ import annotations

import pathlib

import numpy as np

import ndflow as tf

CLASS_NAMES = ("horizontal", "vertical")


def stripes(rng: np.random.Generator, label: int, size: int) -> np.ndarray:
    """One uint8 [size, size, 3] image of class `label`."""
    period = rng.integers(3, 9)
    phase = rng.integers(0, period)
    along = np.arange(size)
    on = ((along + phase) // max(period // 2, 1)) % 2 == 0
    mask = np.broadcast_to(on[:, None] if label == 0 else on[None, :], (size, size))
    colours = rng.integers(0, 256, size=(2, 3))
    while np.abs(colours[0] - colours[1]).sum() < 120:  # keep the stripes visible
        colours = rng.integers(0, 256, size=(2, 3))
    image = np.where(mask[..., None], colours[0], colours[1]).astype(np.float64)
    image += rng.normal(0.0, 20.0, size=image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def make_images(count: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` images (uint8 [count, size, size, 3]) and their labels, classes alternating."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    images = np.stack([stripes(rng, int(label), size) for label in labels])
    return images, labels


class PngEncoder:
    """`tf.image.encode_png` in a graph of its own, compiled once and run per image."""

    def __init__(self, size: int):
        self._graph = tf.Graph()
        with self._graph.as_default():
            self._image = tf.placeholder(tf.uint8, [size, size, 3], name="image")
            self._png = tf.image.encode_png(self._image)
        self._session = tf.Session(graph=self._graph)

    def __call__(self, image: np.ndarray) -> bytes:
        return self._session.run(self._png, {self._image: image})

    def close(self) -> None:
        self._session.close()


def example(png: bytes, size: int, label: int) -> tf.train.Example:
    """The seed's feature layout for one image."""
    feature = {
        "image/encoded": _bytes_feature(png),
        "image/format": _bytes_feature(b"png"),
        "image/height": _int64_feature(size),
        "image/width": _int64_feature(size),
        "image/class/label": _int64_feature(label),
        "image/class/text": _bytes_feature(CLASS_NAMES[label].encode()),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature))


def _bytes_feature(value: bytes) -> tf.train.Feature:
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _int64_feature(value: int) -> tf.train.Feature:
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def write_shards(
    directory: pathlib.Path, split: str, images: np.ndarray, labels: np.ndarray, shards: int
) -> list[pathlib.Path]:
    """Writes `split-0000i-of-0000n.tfrecord` files, images dealt round-robin; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{split}-{i:05d}-of-{shards:05d}.tfrecord" for i in range(shards)]
    writers = [tf.python_io.TFRecordWriter(str(path)) for path in paths]
    encoder = PngEncoder(images.shape[1])
    try:
        for i, (image, label) in enumerate(zip(images, labels)):
            record = example(encoder(image), images.shape[1], int(label))
            writers[i % shards].write(record.SerializeToString())
    finally:
        encoder.close()
        for writer in writers:
            writer.close()
    return paths
