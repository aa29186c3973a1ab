"""`tf.compat.v1.saved_model.loader`: re-exports only."""

from ndflow.saved_model import loader as _loader

load = _loader.load
maybe_saved_model_directory = _loader.maybe_saved_model_directory
