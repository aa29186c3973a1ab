"""`tf.compat.v1.saved_model.signature_def_utils`: re-exports only."""

from ndflow.saved_model import signature_def as _signature_def

build_signature_def = _signature_def.build_signature_def
classification_signature_def = _signature_def.classification_signature_def
is_valid_signature = _signature_def.is_valid_signature
predict_signature_def = _signature_def.predict_signature_def
regression_signature_def = _signature_def.regression_signature_def
