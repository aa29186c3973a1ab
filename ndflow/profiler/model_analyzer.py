"""tfprof's model analysis (`tf.compat.v1.profiler.profile`, `advise`, `Profiler`).

The graph's ops become profile nodes carrying their op type, device, parameters (variables),
float operations (from shapes, see `flops`) and, from traced runs' RunMetadata, run counts,
execution times and memory. A view arranges them — `scope` (by name scope), `graph` (by
inputs) or `op` (grouped by op type) — filtered, accounted and ordered by the option dict of
`ProfileOptionBuilder`, printed as tfprof's report and returned as GraphNodeProto /
MultiGraphNodeProto. The `code` view (Python call stacks) is not available: ndflow ops keep
no traceback.
"""

from __future__ import annotations

import math
import re
import sys

from ndflow.formats import gfile
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.profiler import option_builder
from ndflow.profiler import tfprof_logger
from ndflow.profiler import timeline
from ndflow.proto import tensor_shape_pb2
from ndflow.proto import tfprof_log_pb2
from ndflow.proto import tfprof_output_pb2

ROOT = "_TFProfRoot"
_SCOPE_PARENT = "_TFProfScopeParent"
_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
_VARIABLE_OPS = ("Variable", "VariableV2", "VarHandleOp")
ALL_ADVICE = {
    "ExpensiveOperationChecker": {},
    "AcceleratorUtilizationChecker": {},
    "JobChecker": {},
    "OperationChecker": {},
}
# Statistics: name -> self attribute of a profile node.
_STATS = (
    "run_count",
    "exec_micros",
    "accelerator_exec_micros",
    "cpu_exec_micros",
    "requested_bytes",
    "peak_bytes",
    "residual_bytes",
    "output_bytes",
    "parameters",
    "float_ops",
)
_ORDER_KEYS = {
    "micros": "exec_micros",
    "accelerator_micros": "accelerator_exec_micros",
    "cpu_micros": "cpu_exec_micros",
    "bytes": "requested_bytes",
    "peak_bytes": "peak_bytes",
    "residual_bytes": "residual_bytes",
    "output_bytes": "output_bytes",
    "params": "parameters",
    "float_ops": "float_ops",
    "occurrence": "run_count",
}
_MINIMUMS = {
    "min_bytes": "requested_bytes",
    "min_peak_bytes": "peak_bytes",
    "min_residual_bytes": "residual_bytes",
    "min_output_bytes": "output_bytes",
    "min_micros": "exec_micros",
    "min_accelerator_micros": "accelerator_exec_micros",
    "min_cpu_micros": "cpu_exec_micros",
    "min_params": "parameters",
    "min_float_ops": "float_ops",
    "min_occurrence": "run_count",
}
_DOCS = {
    "scope": "scope: The nodes in the model graph are organized by their names, which is "
    "hierarchical like filesystem.",
    "graph": "graph: The nodes in the model graph are organized by their operation input and "
    "output.",
    "op": "op: The nodes are operation kernel type, such as MatMul, Conv2D. Graph nodes "
    "belonging to the same type are aggregated together.",
    "bytes": "requested bytes: The memory requested by the operation, accumulatively.",
    "peak_bytes": "peak bytes: The peak amount of memory that the operation is holding at "
    "some point.",
    "residual_bytes": "residual bytes: The memory not de-allocated after the operation finishes.",
    "output_bytes": "output bytes: The memory that is output from the operation (not "
    "necessarily allocated by the operation)",
    "micros": "total execution time: Sum of accelerator execution time and cpu execution "
    "time.\ncpu execution time: The time from the start to the end of the operation. It's the "
    "sum of actual cpu run time plus the time that it spends waiting if part of computation "
    "is launched asynchronously.\naccelerator execution time: Time spent executing on the "
    "accelerator. This is normally measured by the actual hardware library.",
    "params": "param: Number of parameters (in the Variable).",
    "float_ops": "flops: Number of float operations. Note: Please read the implementation for "
    "the math behind it.",
    "occurrence": "occurrence: The number of times it occurs",
}


# ---------------------------------------------------------------------- profile nodes


class _Node:
    """One graph node (or scope parent) with its self statistics and view children."""

    def __init__(self, name: str, op_type: str, device: str = _CPU):
        self.name = name
        self.op_type = op_type
        self.device = device
        self.op = None
        self.shape = None
        self.types = [op_type, device]
        self.stats = dict.fromkeys(_STATS, 0)
        self.children: list = []
        self.totals: dict = {}
        self.accounted = False
        self.members: list = []

    def proto(self) -> tfprof_output_pb2.GraphNodeProto:
        node = tfprof_output_pb2.GraphNodeProto(name=self.name, devices=[self.device])
        for key, value in self.stats.items():
            setattr(node, key, int(value))
        for key, value in self.totals.items():
            setattr(node, "total_" + key, int(value))
        if self.shape is not None:
            node.shapes.add().CopyFrom(_shape_proto(self.shape))
        return node


def _shape_proto(dims) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in dims]
    )


def _graph_nodes(graph, op_log, shape_of) -> dict:
    logged = {entry.name: entry for entry in op_log.log_entries}
    nodes = {}
    for op in graph.get_operations():
        node = _Node(op.name, op.type, op.device or _CPU)
        node.op = op
        node.shape = shape_of(op.outputs[0]) if op.outputs else None
        entry = logged.get(op.name)
        if entry is not None:
            node.types.extend(entry.types)
            node.stats["float_ops"] = entry.float_ops
        node.stats["parameters"] = _parameters(op, node.shape)
        nodes[op.name] = node
    return nodes


def _parameters(op, shape) -> int:
    if op.type not in _VARIABLE_OPS:
        return 0
    if op.type == "VarHandleOp":
        shape = op.get_attr("shape").as_tuple()
    if shape is None or any(d is None for d in shape):
        return 0
    return math.prod(shape)


def _add_runs(nodes: dict, run_metas: list) -> None:
    """Adds the traced runs' executions, averaged over the runs (tfprof's step -1)."""
    for run_meta in run_metas:
        for dev_stats in run_meta.step_stats.dev_stats:
            for stats in dev_stats.node_stats:
                node = nodes.get(stats.node_name)
                if node is None:
                    node = nodes[stats.node_name] = _traced_only_node(stats, dev_stats.device)
                _add_exec(node.stats, stats, len(run_metas))


def _traced_only_node(stats, device: str) -> _Node:
    """A node of a function body: known from the trace, not from the graph."""
    return _Node(stats.node_name, timeline.parse_op_label(stats.timeline_label)[1], device)


def _add_exec(target: dict, stats, runs: int) -> None:
    micros = (stats.op_end_rel_micros - stats.op_start_rel_micros) / runs
    target["run_count"] += 1 / runs
    target["exec_micros"] += micros
    target["cpu_exec_micros"] += micros
    for memory in stats.memory:
        target["requested_bytes"] += memory.total_bytes / runs
        target["peak_bytes"] = max(target["peak_bytes"], memory.peak_bytes)
        target["residual_bytes"] += memory.live_bytes / runs
    outputs = sum(o.tensor_description.allocation_description.requested_bytes for o in stats.output)
    target["output_bytes"] += outputs / runs


# ---------------------------------------------------------------------- options


class _Options:
    """The option dict, compiled: regexes, thresholds, selection and ordering."""

    def __init__(self, options: dict):
        self.raw = options
        self.max_depth = options.get("max_depth", 10)
        self.order_by = options.get("order_by", "name")
        self.select = list(options.get("select", ["micros"]))
        self.minimums = {key: options.get(key, 0) for key in _MINIMUMS}
        self.account = _regexes(options.get("account_type_regexes", [".*"]))
        self.start = _regexes(options.get("start_name_regexes", [".*"]))
        self.trim = _regexes(options.get("trim_name_regexes", []))
        self.show = _regexes(options.get("show_name_regexes", [".*"]))
        self.hide = _regexes(options.get("hide_name_regexes", []))
        self.displayed_only = options.get("account_displayed_op_only", False)
        self.output = options.get("output", "stdout")

    def accounts(self, node: _Node) -> bool:
        return any(regex.fullmatch(t) for regex in self.account for t in node.types)

    def names_shown(self, name: str) -> bool:
        shown = any(regex.fullmatch(name) for regex in self.show)
        return shown and not any(regex.fullmatch(name) for regex in self.hide)

    def passes_minimums(self, totals: dict) -> bool:
        return all(totals.get(stat, 0) >= self.minimums[key] for key, stat in _MINIMUMS.items())


def _regexes(patterns) -> list:
    return [re.compile(p) for p in patterns]


# ---------------------------------------------------------------------- tree views


def _scope_tree(nodes: dict) -> _Node:
    root = _Node(ROOT, _SCOPE_PARENT)
    for name in sorted(nodes):
        _scope_parent(nodes, root, name).children.append(nodes[name])
    return root


def _scope_parent(nodes: dict, root: _Node, name: str) -> _Node:
    if "/" not in name:
        return root
    prefix = name.rsplit("/", 1)[0]
    if prefix not in nodes:
        nodes[prefix] = _Node(prefix, _SCOPE_PARENT)
        _scope_parent(nodes, root, prefix).children.append(nodes[prefix])
    return nodes[prefix]


def _graph_tree(nodes: dict) -> _Node:
    """TF's graph view: from the nodes nothing consumes, down through their inputs (each
    node under its first consumer)."""
    root = _Node(ROOT, _SCOPE_PARENT)
    consumed = {t.op.name for n in nodes.values() if n.op is not None for t in n.op.inputs}
    placed: set = set()
    for name in sorted(nodes):
        if name not in consumed:
            root.children.append(nodes[name])
            placed.add(name)
    for name in sorted(nodes):
        node = nodes[name]
        inputs = [] if node.op is None else [t.op.name for t in node.op.inputs]
        for input_name in dict.fromkeys(inputs):
            if input_name not in placed and input_name in nodes:
                node.children.append(nodes[input_name])
                placed.add(input_name)
    return root


def _account(node: _Node, options: _Options) -> dict:
    """Sets `node.totals`: its own statistics if accounted, plus its children's totals."""
    totals = dict.fromkeys(_STATS, 0)
    totals["definition_count"] = 0
    for child in node.children:
        for key, value in _account(child, options).items():
            totals[key] += value
    node.accounted = node.name != ROOT and options.accounts(node)
    if node.accounted and (not options.displayed_only or options.names_shown(node.name)):
        for key in _STATS:
            totals[key] += node.stats[key]
        totals["definition_count"] += 1
    node.totals = totals
    return totals


def _shown(node: _Node, options: _Options, depth: int, started: bool) -> list:
    """The display forest under `node`: shown nodes keep their shown descendants, hidden
    nodes hand theirs up (tfprof's ShowNode tree)."""
    started = started or any(regex.fullmatch(node.name) for regex in options.start)
    show = node.name == ROOT or (started and _should_show(node, options, depth))
    children = []
    if not any(regex.fullmatch(node.name) for regex in options.trim):
        for child in node.children:
            children.extend(_shown(child, options, depth + 1 if show else depth, started))
    if not show:
        return children
    return [(node, _ordered(children, options))]


def _should_show(node: _Node, options: _Options, depth: int) -> bool:
    if depth > options.max_depth or not node.accounted:
        return False
    return options.passes_minimums(node.totals) and options.names_shown(node.name)


def _ordered(items: list, options: _Options) -> list:
    key = _ORDER_KEYS.get(options.order_by)
    if key is None:
        return sorted(items, key=lambda item: item[0].name)
    return sorted(items, key=lambda item: (-item[0].totals.get(key, 0), item[0].name))


def _tree_proto(shown) -> tfprof_output_pb2.GraphNodeProto:
    node, children = shown
    proto = node.proto()
    proto.children.extend(_tree_proto(child) for child in children)
    return proto


# ---------------------------------------------------------------------- text


def _format_number(value: float) -> str:
    if value < 1000:
        return f"{int(value)}"
    if value < 1e6:
        return f"{value / 1e3:.2f}k"
    if value < 1e9:
        return f"{value / 1e6:.2f}m"
    return f"{value / 1e9:.2f}b"


def _format_time(micros: float) -> str:
    if micros < 1000:
        return f"{int(micros)}us"
    if micros < 1e6:
        return f"{micros / 1e3:.2f}ms"
    return f"{micros / 1e6:.2f}sec"


def _format_bytes(value: float) -> str:
    if value < 1000:
        return f"{int(value)}B"
    if value < 1e6:
        return f"{value / 1e3:.2f}KB"
    if value < 1e9:
        return f"{value / 1e6:.2f}MB"
    return f"{value / 1e9:.2f}GB"


# selected attribute -> [(column header, statistic, formatter, unit suffix)]
_COLUMNS = {
    "bytes": [("requested bytes", "requested_bytes", _format_bytes, "")],
    "peak_bytes": [("peak bytes", "peak_bytes", _format_bytes, "")],
    "residual_bytes": [("residual bytes", "residual_bytes", _format_bytes, "")],
    "output_bytes": [("output bytes", "output_bytes", _format_bytes, "")],
    "micros": [
        ("total execution time", "exec_micros", _format_time, ""),
        ("accelerator execution time", "accelerator_exec_micros", _format_time, ""),
        ("cpu execution time", "cpu_exec_micros", _format_time, ""),
    ],
    "accelerator_micros": [
        ("accelerator execution time", "accelerator_exec_micros", _format_time, "")
    ],
    "cpu_micros": [("cpu execution time", "cpu_exec_micros", _format_time, "")],
    "params": [("# parameters", "parameters", _format_number, " params")],
    "float_ops": [("# float_ops", "float_ops", _format_number, " flops")],
    "occurrence": [("# occurrence", "run_count", _format_number, "")],
}


def _columns(options: _Options) -> list:
    columns = []
    for attribute in _COLUMNS:
        if attribute in options.select:
            columns.extend(_COLUMNS[attribute])
    return columns


def _header(view: str, options: _Options) -> list:
    docs = [_DOCS[view]] + [_DOCS[a] for a in _COLUMNS if a in options.select and a in _DOCS]
    titles = ["node name"] + [column[0] for column in _columns(options)]
    return ["Doc:", *docs, "", "Profile:", " | ".join(titles)]


def _tree_lines(shown, columns, depth: int = 0) -> list:
    node, children = shown
    cells = []
    for _, stat, formatter, unit in columns:
        own = formatter(node.stats[stat]) if node.accounted else "--"
        cells.append(f"{own}/{formatter(node.totals[stat])}{unit}")
    if node.stats["parameters"] and node.shape is not None and cells:
        cells[0] = "x".join(str(d) for d in node.shape) + ", " + cells[0]
    lines = [f"{'  ' * depth}{node.name} ({', '.join(cells)})"]
    for child in children:
        lines.extend(_tree_lines(child, columns, depth + 1))
    return lines


def _emit(text: str, options: _Options, run_metas: list) -> None:
    kind, _, rest = options.output.partition(":")
    target = rest.partition("outfile=")[2]
    if kind == "none":
        return
    if kind == "stdout":
        sys.stdout.write(text)
        return
    if kind == "file":
        gfile.write_file_bytes(target, text.encode())
        return
    if kind == "timeline":
        _write_timeline(target, run_metas)
        return
    raise errors.UnimplementedError(None, None, f"ndflow's tfprof has no output {kind!r}.")


def _write_timeline(path: str, run_metas: list) -> None:
    if not run_metas:
        raise errors.InvalidArgumentError(
            None, None, "timeline output needs a traced run's RunMetadata (run_meta)."
        )
    trace = timeline.Timeline(run_metas[-1].step_stats).generate_chrome_trace_format()
    gfile.write_file_bytes(path, trace.encode())


def _report(lines: list) -> str:
    return "\n".join(lines) + "\n\n======================End of Report==========================\n"


# ---------------------------------------------------------------------- op view


def _op_groups(nodes: dict, options: _Options) -> list:
    groups: dict = {}
    for node in nodes.values():
        node.accounted = options.accounts(node)
        node.totals = dict(node.stats, definition_count=1)
        if node.accounted:
            groups.setdefault(node.op_type, []).append(node)
    result = []
    for op_type, members in groups.items():
        group = _Node(op_type, op_type)
        group.members = members
        for key in _STATS:
            group.stats[key] = sum(m.stats[key] for m in members)
        group.stats["run_count"] = len(members)
        group.accounted = True
        group.totals = dict(group.stats)
        if options.passes_minimums(group.totals) and options.names_shown(op_type):
            result.append(group)
    return [item[0] for item in _ordered([(g, []) for g in result], options)]


def _op_lines(groups: list, columns: list) -> list:
    width = max([len(g.name) for g in groups] + [len("node name")])
    totals = {stat: sum(g.stats[stat] for g in groups) for _, stat, _, _ in columns}
    remaining = dict(totals)
    lines = []
    for group in groups:
        cells = []
        for _, stat, formatter, unit in columns:
            share = 100.0 * remaining[stat] / totals[stat] if totals[stat] else 0.0
            own = 100.0 * group.stats[stat] / totals[stat] if totals[stat] else 0.0
            cells.append(f"{formatter(group.stats[stat])}{unit} ({share:.2f}%, {own:.2f}%)")
            remaining[stat] -= group.stats[stat]
        lines.append(f"{group.name:<{width}}  " + ", ".join(cells))
    return lines


def _op_proto(groups: list) -> tfprof_output_pb2.MultiGraphNodeProto:
    root = tfprof_output_pb2.MultiGraphNodeProto(name=ROOT)
    for group in groups:
        child = root.children.add(name=group.name)
        for key in _STATS[1:]:
            setattr(child, key, int(group.stats[key]))
            setattr(child, "total_" + key, int(group.stats[key]))
            setattr(root, "total_" + key, getattr(root, "total_" + key) + int(group.stats[key]))
        child.graph_nodes.extend(member.proto() for member in group.members)
    return root


# ---------------------------------------------------------------------- analysis


class _Analysis:
    """A graph, its op log and traced runs, ready to be shown in any view."""

    def __init__(self, graph, op_log, run_metas: list):
        self.run_metas = [r for r in run_metas if r is not None]
        shape_of = tfprof_logger.shape_function(self.run_metas[-1] if self.run_metas else None)
        self.nodes = _graph_nodes(graph, op_log, shape_of)
        _add_runs(self.nodes, self.run_metas)

    def show(self, view: str, options: dict):
        compiled = _Options(options)
        if view in ("scope", "graph"):
            return self._show_tree(view, compiled)
        if view == "op":
            return self._show_ops(compiled)
        if view == "code":
            raise errors.UnimplementedError(
                None, None, "tfprof's code view needs Python call stacks; ndflow ops keep none."
            )
        raise errors.InvalidArgumentError(None, None, f"unknown cmd: {view}\n")

    def _show_tree(self, view: str, options: _Options) -> tfprof_output_pb2.GraphNodeProto:
        nodes = dict(self.nodes)
        for node in nodes.values():
            node.children = []
        root = _scope_tree(nodes) if view == "scope" else _graph_tree(nodes)
        _account(root, options)
        (shown,) = _shown(root, options, 0, False)
        lines = _header(view, options) + _tree_lines(shown, _columns(options))
        _emit(_report(lines), options, self.run_metas)
        return _tree_proto(shown)

    def _show_ops(self, options: _Options) -> tfprof_output_pb2.MultiGraphNodeProto:
        groups = _op_groups(self.nodes, options)
        lines = _header("op", options) + _op_lines(groups, _columns(options))
        _emit(_report(lines), options, self.run_metas)
        return _op_proto(groups)

    def advise(self, options) -> tfprof_output_pb2.AdviceProto:
        advice = tfprof_output_pb2.AdviceProto()
        for checker in options or ALL_ADVICE:
            reports = _CHECKERS.get(checker, _no_reports)(self)
            advice.checkers[checker].reports.extend(reports)
        for checker, reports in advice.checkers.items():
            sys.stdout.write(f"\n{checker}:\n" + "".join(r + "\n" for r in reports.reports))
        return advice


def _expensive_operations(analysis: _Analysis) -> list:
    if not analysis.run_metas:
        return ["Missing run_meta for ExpensiveOperationChecker."]
    options = _Options(option_builder.ProfileOptionBuilder.time_and_memory(min_bytes=0))
    groups = _op_groups(analysis.nodes, options)
    total = sum(g.stats["exec_micros"] for g in groups) or 1
    return [
        f"top {rank} operation type: {g.name}, cpu: {_format_time(g.stats['cpu_exec_micros'])}, "
        f"accelerator: 0us, total: {_format_time(g.stats['exec_micros'])} "
        f"({100.0 * g.stats['exec_micros'] / total:.2f}%)"
        for rank, g in enumerate(groups[:3], 1)
    ]


def _accelerator_utilization(analysis: _Analysis) -> list:
    del analysis
    return ["No accelerator: every op ran on the CPU."]


def _no_reports(analysis: _Analysis) -> list:
    del analysis
    return []


_CHECKERS = {
    "ExpensiveOperationChecker": _expensive_operations,
    "AcceleratorUtilizationChecker": _accelerator_utilization,
}


# ---------------------------------------------------------------------- public API


def profile(graph=None, run_meta=None, op_log=None, cmd="scope", options=0):
    """Mirrors `tf.compat.v1.profiler.profile`.

    Args:
      graph: the tf.Graph (default graph if None).
      run_meta: a traced run's RunMetadata, for times, memory and run-time shapes.
      op_log: an OpLogProto adding types or float_ops to ops.
      cmd: "scope", "graph" or "op" ("code" raises UnimplementedError).
      options: an option dict (ProfileOptionBuilder); trainable parameters by default.

    Returns:
      GraphNodeProto for "scope" and "graph", MultiGraphNodeProto for "op".

    Raises:
      InvalidArgumentError: for an unknown `cmd`.

    >>> profile(tf.get_default_graph(), cmd="op", options=ProfileOptionBuilder.float_operation())
    """
    if graph is None:
        graph = graph_lib.get_default_graph()
    if options == 0:
        options = option_builder.ProfileOptionBuilder.trainable_variables_parameter()
    op_log = tfprof_logger.merge_default_with_oplog(graph, op_log, run_meta)
    return _Analysis(graph, op_log, [run_meta]).show(cmd, options)


def advise(graph=None, run_meta=None, options=0):
    """Mirrors `tf.compat.v1.profiler.advise`: runs the checkers, prints and returns their
    reports (AdviceProto).

    >>> advise(sess.graph, run_meta)
    """
    if graph is None:
        graph = graph_lib.get_default_graph()
    if options == 0:
        options = dict(ALL_ADVICE)
    op_log = tfprof_logger.merge_default_with_oplog(graph, None, run_meta)
    return _Analysis(graph, op_log, [run_meta]).advise(options)


class Profiler:
    """Mirrors `tf.compat.v1.profiler.Profiler`: profiles over several traced steps.

    >>> profiler = Profiler(sess.graph)
    >>> profiler.add_step(0, run_meta)
    >>> profiler.profile_operations(ProfileOptionBuilder.time_and_memory())
    """

    def __init__(self, graph=None, op_log=None):
        self._graph = graph if graph is not None else graph_lib.get_default_graph()
        self._op_log = op_log
        self._steps: dict = {}

    def add_step(self, step, run_meta) -> None:
        """Adds a traced run's RunMetadata as step `step` (several runs may share a step)."""
        self._steps.setdefault(step, []).append(run_meta)

    def _analysis(self, options) -> _Analysis:
        step = (options or {}).get("step", -1)
        if step >= 0 and step in self._steps:
            run_metas = list(self._steps[step])
        else:
            run_metas = [r for runs in self._steps.values() for r in runs]
        last = run_metas[-1] if run_metas else None
        op_log = tfprof_logger.merge_default_with_oplog(self._graph, self._op_log, last)
        return _Analysis(self._graph, op_log, run_metas)

    def profile_name_scope(self, options):
        """The scope view (GraphNodeProto)."""
        return self._analysis(options).show("scope", options)

    def profile_graph(self, options):
        """The graph view (GraphNodeProto)."""
        return self._analysis(options).show("graph", options)

    def profile_operations(self, options):
        """The op view (MultiGraphNodeProto)."""
        return self._analysis(options).show("op", options)

    def profile_python(self, options):
        """The code view: unavailable, ndflow ops keep no Python call stack."""
        return self._analysis(options).show("code", options)

    def advise(self, options=None):
        """Runs the checkers over all added steps (AdviceProto)."""
        return self._analysis(None).advise(options or dict(ALL_ADVICE))

    def serialize_to_string(self) -> bytes:
        """The profile as a serialized tfprof ProfileProto."""
        return _profile_proto(self._analysis(None), sorted(self._steps)).SerializeToString()


def _profile_proto(analysis: _Analysis, steps: list) -> tfprof_log_pb2.ProfileProto:
    profile_proto = tfprof_log_pb2.ProfileProto(steps=steps)
    for index, node in enumerate(analysis.nodes.values()):
        entry = profile_proto.nodes[index]
        entry.name, entry.op, entry.id = node.name, node.op_type, index
        entry.op_types.extend(node.types)
        entry.canonical_device = node.device
        entry.float_ops = int(node.stats["float_ops"])
        if node.shape is not None:
            entry.shape.extend(-1 if d is None else d for d in node.shape)
    return profile_proto
