"""`tf.compat.v1.saved_model.tag_constants`: re-exports only."""

from ndflow.saved_model import tag_constants as _tag_constants

GPU = _tag_constants.GPU
SERVING = _tag_constants.SERVING
TPU = _tag_constants.TPU
TRAINING = _tag_constants.TRAINING
