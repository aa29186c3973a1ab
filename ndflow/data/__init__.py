"""Layer 4: tf.data — Datasets as graph pipelines of TF's dataset ops, and iterators."""
