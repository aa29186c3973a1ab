"""`tf.graph_util` (TF1's `tf.compat.v1.graph_util`): GraphDef rewrites. Re-exports only."""

from ndflow.framework import graph_def as _graph_def
from ndflow.framework import graph_util as _graph_util

convert_variables_to_constants = _graph_util.convert_variables_to_constants
extract_sub_graph = _graph_util.extract_sub_graph
must_run_on_cpu = _graph_util.must_run_on_cpu
remove_training_nodes = _graph_util.remove_training_nodes
tensor_shape_from_node_def_name = _graph_util.tensor_shape_from_node_def_name
import_graph_def = _graph_def.import_graph_def
