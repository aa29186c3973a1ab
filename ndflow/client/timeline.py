"""`tensorflow.python.client.timeline`: re-exports ndflow.profiler.timeline."""

from ndflow.profiler import timeline as _timeline

AllocationMaximum = _timeline.AllocationMaximum
StepStatsAnalysis = _timeline.StepStatsAnalysis
Timeline = _timeline.Timeline
