"""`tf.compat.v1.saved_model.builder`: re-exports only."""

from ndflow.saved_model import builder as _builder

SavedModelBuilder = _builder.SavedModelBuilder
