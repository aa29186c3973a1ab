"""`tf.train`: re-exports only (optimizers, savers and the rest join with later issues)."""

from ndflow.framework import graph_def as _graph_def

write_graph = _graph_def.write_graph
