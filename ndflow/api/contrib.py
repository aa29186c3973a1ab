"""`tf.contrib` (TF 1.x only): the input-pipeline names TF1 programs use. TF 2 removed
contrib, so these are ndflow's, outside tf.compat.v1: re-exports only."""

from ndflow import lookup as _lookup
from ndflow.api import contrib_data as _contrib_data

data = _contrib_data
lookup = _lookup
