"""Chrome-trace timelines of a traced run (`tensorflow.python.client.timeline`).

`Timeline(run_metadata.step_stats).generate_chrome_trace_format()` gives the JSON that
chrome://tracing and Perfetto open, laid out as TF lays it out: an "Allocators" process, a
"<device> Compute" and a "<device> Tensors" process per device, one complete ('X') event per
executed op named by op type with args {name, op, input0, ...}, flow events ('s'/'t') from
producer to consumer on different lanes, and with `show_memory` tensor objects and one memory
counter series per allocator.
"""

from __future__ import annotations

import collections
import copy
import json
import re

_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")

AllocationMaximum = collections.namedtuple(
    "AllocationMaximum", ("timestamp", "num_bytes", "tensors")
)
StepStatsAnalysis = collections.namedtuple(
    "StepStatsAnalysis", ("chrome_trace", "allocator_maximums")
)


class _ChromeTraceFormatter:
    """Collects metadata and events; formats them as Chrome Trace JSON."""

    def __init__(self):
        self._events: list = []
        self._metadata: list = []

    def emit_pid(self, name: str, pid: int) -> None:
        self._metadata.append(
            {"name": "process_name", "ph": "M", "pid": pid, "args": {"name": name}}
        )

    def event(self, ph: str, category: str, name: str, pid: int, tid: int, timestamp: int, **extra):
        event = {"ph": ph, "cat": category, "name": name, "pid": pid, "tid": tid, "ts": timestamp}
        event.update(extra)
        self._events.append(event)

    def format_to_string(self, pretty: bool = False) -> str:
        trace = {"traceEvents": self._metadata + self._events}
        if pretty:
            return json.dumps(trace, indent=4, separators=(",", ": "))
        return json.dumps(trace, separators=(",", ":"))


class _TensorTracker:
    """The lifetime of one produced tensor: creation, references, size, allocator."""

    def __init__(self, name, object_id, timestamp, pid, allocator, num_bytes):
        self.name = name
        self.object_id = object_id
        self.create_time = timestamp
        self.pid = pid
        self.allocator = allocator
        self.num_bytes = num_bytes
        self.unref_times: list = []

    @property
    def last_unref(self) -> int:
        return max(self.unref_times)


def parse_op_label(label: str):
    """(node name, op type, input names) of a timeline label "name = Op(a, b)"."""
    match = _LABEL.match(label)
    if match is None:
        return "unknown", "unknown", []
    name, op, inputs = match.groups()
    return name, op, inputs.split(", ") if inputs else []


class Timeline:
    """Mirrors `tensorflow.python.client.timeline.Timeline`.

    >>> trace = Timeline(run_metadata.step_stats).generate_chrome_trace_format()
    """

    def __init__(self, step_stats, graph=None):
        self._origin_step_stats = step_stats
        self._step_stats = None
        self._graph = graph
        self._chrome_trace = _ChromeTraceFormatter()
        self._next_pid = 0
        self._device_pids: dict = {}
        self._tensor_pids: dict = {}
        self._tensors: dict = {}
        self._next_flow_id = 0
        self._flow_starts: dict = {}
        self._allocator_maximums: dict = {}
        self._allocators_pid = None

    def _alloc_pid(self) -> int:
        pid = self._next_pid
        self._next_pid += 1
        return pid

    def _allocate_pids(self) -> None:
        self._allocators_pid = self._alloc_pid()
        self._chrome_trace.emit_pid("Allocators", self._allocators_pid)
        for dev_stats in self._step_stats.dev_stats:
            self._device_pids[dev_stats.device] = self._alloc_pid()
            self._tensor_pids[dev_stats.device] = self._alloc_pid()
            self._chrome_trace.emit_pid(
                dev_stats.device + " Compute", self._device_pids[dev_stats.device]
            )
            self._chrome_trace.emit_pid(
                dev_stats.device + " Tensors", self._tensor_pids[dev_stats.device]
            )

    def _assign_lanes(self) -> None:
        """Puts overlapping ops of a device on different lanes (the events' tid), as TF."""
        for dev_stats in self._step_stats.dev_stats:
            lanes = [0]
            for stats in dev_stats.node_stats:
                end = stats.all_start_micros + stats.all_end_rel_micros
                lane = next(
                    (i for i, busy in enumerate(lanes) if stats.all_start_micros > busy), None
                )
                if lane is None:
                    lane = len(lanes)
                    lanes.append(end)
                lanes[lane] = end
                stats.thread_id = lane

    def _emit_op(self, stats, pid: int) -> None:
        _, op, inputs = parse_op_label(stats.timeline_label)
        if stats.node_name == "RecvTensor":
            op, inputs = "RecvTensor", []
        args = {"name": stats.node_name, "op": op}
        for index, name in enumerate(inputs):
            args[f"input{index}"] = name
        self._chrome_trace.event(
            "X",
            "Op",
            op,
            pid,
            stats.thread_id,
            stats.all_start_micros,
            dur=stats.all_end_rel_micros,
            args=args,
        )

    def _analyze_tensors(self, show_memory: bool) -> None:
        for dev_stats in self._step_stats.dev_stats:
            device_pid = self._device_pids[dev_stats.device]
            tensors_pid = self._tensor_pids[dev_stats.device]
            for stats in dev_stats.node_stats:
                for index, output in enumerate(stats.output):
                    self._produce(stats, index, output, (device_pid, tensors_pid), show_memory)

    def _produce(self, stats, index, output, pids, show_memory) -> None:
        device_pid, tensors_pid = pids
        name = f"{stats.node_name}:{index}" if index else stats.node_name
        start = stats.all_start_micros
        end = start + stats.all_end_rel_micros
        allocation = output.tensor_description.allocation_description
        tensor = _TensorTracker(
            name,
            len(self._tensors),
            start,
            tensors_pid,
            allocation.allocator_name,
            allocation.requested_bytes,
        )
        self._tensors[name] = tensor
        tensor.unref_times.append(end)
        self._flow_starts[name] = (end, device_pid, stats.thread_id)
        if not show_memory:
            return
        tid = stats.thread_id
        self._chrome_trace.event("N", "Tensor", name, tensors_pid, tid, start, id=tensor.object_id)
        description = str(output.tensor_description).replace('"', "")
        self._chrome_trace.event(
            "O",
            "Tensor",
            name,
            tensors_pid,
            tid,
            end - 1,
            id=tensor.object_id,
            args={"snapshot": {"tensor_description": description}},
        )

    def _show_compute(self, show_dataflow: bool) -> None:
        for dev_stats in self._step_stats.dev_stats:
            device_pid = self._device_pids[dev_stats.device]
            for stats in dev_stats.node_stats:
                self._emit_op(stats, device_pid)
                if stats.node_name == "RecvTensor":
                    continue
                for input_name in parse_op_label(stats.timeline_label)[2]:
                    self._consume(input_name, stats, device_pid, show_dataflow)

    def _consume(self, input_name, stats, device_pid, show_dataflow) -> None:
        tensor = self._tensors.get(input_name)
        if tensor is None:
            return  # a control input, a fed or a constant-folded tensor
        start = stats.all_start_micros
        tensor.unref_times.append(start + stats.all_end_rel_micros - 1)
        create_time, create_pid, create_tid = self._flow_starts[input_name]
        if not show_dataflow or (create_pid == device_pid and create_tid == stats.thread_id):
            return
        flow_id = self._next_flow_id
        self._next_flow_id += 1
        self._chrome_trace.event(
            "s", "DataFlow", input_name, create_pid, create_tid, create_time, id=flow_id
        )
        self._chrome_trace.event(
            "t", "DataFlow", input_name, device_pid, stats.thread_id, start, id=flow_id
        )

    def _show_memory_counters(self) -> None:
        allocations = collections.defaultdict(list)
        for name, tensor in self._tensors.items():
            self._chrome_trace.event(
                "D", "Tensor", name, tensor.pid, 0, tensor.last_unref, id=tensor.object_id
            )
            allocations[tensor.allocator].append((tensor.create_time, tensor.num_bytes, name))
            allocations[tensor.allocator].append((tensor.last_unref, -tensor.num_bytes, name))
        for allocator, events in allocations.items():
            self._allocator_maximums[allocator] = self._counter_series(allocator, sorted(events))

    def _counter_series(self, allocator: str, events) -> AllocationMaximum:
        total, live = 0, set()
        maximum = AllocationMaximum(timestamp=0, num_bytes=0, tensors=set())
        for timestamp, num_bytes, name in events:
            total += num_bytes
            if num_bytes < 0:
                live.discard(name)
            else:
                live.add(name)
            if total > maximum.num_bytes:
                maximum = AllocationMaximum(timestamp, total, set(live))
            self._chrome_trace.event(
                "C",
                "Memory",
                allocator,
                self._allocators_pid,
                0,
                timestamp,
                args={allocator: total},
            )
        return maximum

    def analyze_step_stats(self, show_dataflow=True, show_memory=True, op_time="schedule"):
        """Mirrors `Timeline.analyze_step_stats` (on CPU every `op_time` is "schedule")."""
        del op_time  # "gpu" and "all" differ only with GPU kernel streams
        self._step_stats = copy.deepcopy(self._origin_step_stats)
        self._allocate_pids()
        self._assign_lanes()
        self._analyze_tensors(show_memory)
        self._show_compute(show_dataflow)
        if show_memory:
            self._show_memory_counters()
        return StepStatsAnalysis(self._chrome_trace, self._allocator_maximums)

    def generate_chrome_trace_format(
        self, show_dataflow=True, show_memory=False, op_time="schedule"
    ):
        """Mirrors `Timeline.generate_chrome_trace_format`: the trace as pretty JSON text."""
        analysis = self.analyze_step_stats(show_dataflow, show_memory, op_time)
        return analysis.chrome_trace.format_to_string(pretty=True)
