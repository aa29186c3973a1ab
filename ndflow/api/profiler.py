"""`tf.profiler` (TF1): re-exports only. The profiler lives in ndflow/profiler."""

from ndflow.profiler import experimental as _experimental
from ndflow.profiler import model_analyzer as _model_analyzer
from ndflow.profiler import option_builder as _option_builder
from ndflow.profiler import tfprof_logger as _tfprof_logger
from ndflow.proto import tfprof_log_pb2 as _tfprof_log_pb2
from ndflow.proto import tfprof_output_pb2 as _tfprof_output_pb2

AdviceProto = _tfprof_output_pb2.AdviceProto
GraphNodeProto = _tfprof_output_pb2.GraphNodeProto
MultiGraphNodeProto = _tfprof_output_pb2.MultiGraphNodeProto
OpLogProto = _tfprof_log_pb2.OpLogProto
ProfileOptionBuilder = _option_builder.ProfileOptionBuilder
Profiler = _model_analyzer.Profiler
advise = _model_analyzer.advise
profile = _model_analyzer.profile
write_op_log = _tfprof_logger.write_op_log

# TF2's `tf.profiler.experimental.start/stop` (the seed documents use them); not a
# tf.compat.v1 name, so listed as ndflow's own.
experimental = _experimental
__ndflow_only__ = ("experimental",)
