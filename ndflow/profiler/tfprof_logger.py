"""tfprof's extra per-op information, OpLogProto (`tensorflow.python.profiler.tfprof_logger`):
float operations from shapes (static, completed from a traced run) and the
`_trainable_variables` type of trainable variables."""

from __future__ import annotations

import os

from ndflow.formats import gfile
from ndflow.framework import graph as graph_lib
from ndflow.profiler import flops
from ndflow.proto import tfprof_log_pb2

TRAINABLE_VARIABLES = "_trainable_variables"
REGISTERED_FLOP_STATS = "flops"


def run_shapes(run_meta) -> dict:
    """{(node name, output slot): dims} of the outputs a traced run recorded."""
    shapes = {}
    if run_meta is None:
        return shapes
    for dev_stats in run_meta.step_stats.dev_stats:
        for stats in dev_stats.node_stats:
            for output in stats.output:
                dims = tuple(d.size for d in output.tensor_description.shape.dim)
                shapes[(stats.node_name, output.slot)] = dims
    return shapes


def shape_function(run_meta):
    """`shape_of(tensor)`: its static dims, completed by `run_meta`'s recorded shapes."""
    recorded = run_shapes(run_meta)

    def shape_of(tensor):
        static = tensor.shape.as_tuple()
        if static is not None and all(d is not None for d in static):
            return static
        return recorded.get((tensor.op.name, tensor.value_index), static)

    return shape_of


def _logged_ops(graph, run_meta, add_trainable_var: bool) -> dict:
    shape_of = shape_function(run_meta)
    logged = {}
    for op in graph.get_operations():
        count = flops.float_ops(op, shape_of)
        if count:
            logged[op.name] = tfprof_log_pb2.OpLogEntry(name=op.name, float_ops=count)
    if not add_trainable_var:
        return logged
    for variable in graph.get_collection(graph_lib.GraphKeys.TRAINABLE_VARIABLES):
        entry = logged.setdefault(
            variable.op.name, tfprof_log_pb2.OpLogEntry(name=variable.op.name)
        )
        entry.types.append(TRAINABLE_VARIABLES)
    return logged


def merge_default_with_oplog(
    graph, op_log=None, run_meta=None, add_trace=True, add_trainable_var=True
):
    """Mirrors `tfprof_logger.merge_default_with_oplog`: `op_log` plus float_ops and the
    trainable-variable type for `graph`'s ops. Python call stacks (`add_trace`) are not
    recorded: ndflow ops keep no traceback."""
    del add_trace
    if graph is None:
        graph = graph_lib.get_default_graph()
    logged = _logged_ops(graph, run_meta, add_trainable_var)
    merged = tfprof_log_pb2.OpLogProto()
    entries = {entry.name: entry for entry in op_log.log_entries} if op_log else {}
    for name, entry in logged.items():
        existing = entries.get(name)
        if existing is None:
            entries[name] = entry
            continue
        existing.types.extend(entry.types)
        if entry.float_ops > 0 and existing.float_ops == 0:
            existing.float_ops = entry.float_ops
    merged.log_entries.extend(entries.values())
    merged.id_to_string[0] = "none"
    return merged


def write_op_log(graph, log_dir, op_log=None, run_meta=None, add_trace=True) -> None:
    """Mirrors `tf.compat.v1.profiler.write_op_log`: writes `<log_dir>/tfprof_log`.

    Args:
      graph: the tf.Graph (default graph if None).
      log_dir: the directory to write to.
      op_log: an OpLogProto to merge in.
      run_meta: a traced run's RunMetadata, completing shapes for float_ops.
      add_trace: ignored (ndflow records no Python call stacks).

    >>> write_op_log(tf.get_default_graph(), "/tmp/logdir")
    """
    op_log = merge_default_with_oplog(graph, op_log, run_meta, add_trace)
    gfile.makedirs(log_dir)
    with gfile.GFile(os.path.join(log_dir, "tfprof_log"), "wb") as log:
        log.write(op_log.SerializeToString())
