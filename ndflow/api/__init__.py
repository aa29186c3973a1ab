"""The public sub-namespaces of `tf` (`tf.nn`, `tf.math`, ...): re-exports only."""
