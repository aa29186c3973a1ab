"""Runs every benchmark in bench/ against TensorFlow and writes bench/RESULTS.md.

Each script runs in its own process as `python bench/<script>.py --json --tf-python PATH`, one
after the other (they measure time, so never two at once). Its JSON goes to
`bench/results/<script>.json` and its stderr, echoed live as progress, to
`bench/results/<script>.log`. RESULTS.md then holds a header describing the run and the machine,
one table of issue 11's figures (ndflow, TensorFlow measured in the same run, ndflow/TF) and a
section per script with the other figures it reports. A script that fails is recorded as failed
with the tail of its stderr; the others still run and the runner exits 1 at the end.

Without `--tf-python`, or when that interpreter does not exist, only ndflow is measured and the
TensorFlow columns read "—".

Usage: python bench/run_all.py [--tf-python PATH] [--output bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime
import json
import os
import pathlib
import platform
import signal
import subprocess
import sys
import threading
import time

BENCH_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
NOT_BENCHMARKS = ("common", "serving_tf_server", "run_all")
STDERR_TAIL_LINES = 30
SCRIPT_TIMEOUT_S = 30 * 60
NO_VALUE = "—"

# Arguments the runner gives a script instead of its defaults (kept to about 4 minutes each).
SCRIPT_ARGS: dict[str, list[str]] = {}


@dataclasses.dataclass
class Figure:
    """One measured quantity on both sides; `better` is "lower", "higher" or None (a count)."""

    name: str
    unit: str
    ndflow: float | None
    tensorflow: float | None
    better: str | None = "lower"
    ratio: bool = True  # False where ndflow/TF means nothing (overheads in %, counts)


@dataclasses.dataclass
class Summary:
    """What RESULTS.md shows of one script: issue figures, other figures, remarks."""

    issue: list[Figure]
    other: list[Figure]
    notes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ScriptRun:
    """One script's run: its command, exit status, wall time, parsed JSON and stderr tail."""

    name: str
    command: list[str]
    returncode: int
    seconds: float
    data: dict | list | None
    stderr_tail: str = ""
    error: str = ""  # why the run counts as failed, when it does
    load: tuple[float, float] | None = None  # 1-minute load average before and after

    @property
    def failed(self) -> bool:
        return bool(self.error)


# -- summaries: one function per script, from its --json output ------------------------------


def _dig(value, keys: tuple):
    for key in keys:
        value = value[key]
    return value


def _pair(data: dict, *keys, nd: str = "ndflow", tf: str = "tensorflow") -> tuple:
    """(data[nd][keys...], data[tf][keys...] or None when the TF side was not run)."""
    other = data.get(tf)
    return _dig(data[nd], keys), None if other is None else _dig(other, keys)


def _import_time(data: dict) -> Summary:
    issue = [
        Figure("import time (fresh process, net of interpreter start)", "s", *_pair(data, "net_s"))
    ]
    other = [Figure("`python -c 'import …'` wall time, raw", "s", *_pair(data, "raw_s"))]
    runs = ", ".join(str(count) for count in _pair(data, "runs") if count is not None)
    return Summary(issue, other, [f"medians of {runs} runs (ndflow, TF)"])


def _session_overhead(data: dict) -> Summary:
    issue = [
        Figure(
            "session.run overhead (`a * x + b`, scalar feed)",
            "µs/call",
            *_pair(data, "us_per_call"),
        )
    ]
    nd = data["ndflow"]
    return Summary(issue, [], [f"median of {nd['repeats']} batches of {nd['calls']} calls"])


def _mlp_train(data: dict) -> Summary:
    issue = [
        Figure(
            "MLP training step (784-256-256-10, batch 128, Adam)",
            "ms/step",
            *_pair(data, "ms_per_step"),
        )
    ]
    losses = ", ".join(f"{value:.6g}" for value in _pair(data, "final_loss") if value is not None)
    return Summary(issue, [], [f"final losses (ndflow, TF): {losses}"])


def _seed_cnn(data: dict) -> Summary:
    issue = [
        Figure("seed CNN inference latency, batch 1", "ms", *_pair(data, "latency_ms")),
        Figure(
            "seed CNN inference throughput, batch 32",
            "images/s",
            *_pair(data, "images_per_s"),
            "higher",
        ),
        Figure("seed CNN training step, batch 32 (Adam)", "ms", *_pair(data, "train_ms")),
    ]
    other = [
        Figure("seed CNN inference, batch 32", "ms", *_pair(data, "batch_ms")),
        Figure(
            "the two Conv2D alone, batch 1", "GFLOP/s", *_pair(data, "conv_gflops_b1"), "higher"
        ),
        Figure(
            "the two Conv2D alone, batch 32", "GFLOP/s", *_pair(data, "conv_gflops_b32"), "higher"
        ),
    ]
    notes = [f"machine GEMM rate (4096² float32 `np.matmul`): {data['gemm_gflops']:.1f} GFLOP/s"]
    difference = data["ratios"].get("max_output_difference")
    if difference is not None:
        notes.append(f"max |ndflow − TF| of the inference outputs: {difference:.2e}")
    return Summary(issue, other, notes)


def _savedmodel_cold_start(data: dict) -> Summary:
    issue = [
        Figure(
            "SavedModel cold start to first inference (seed CNN, fresh process)",
            "s",
            *_pair(data, "cold_start_s"),
        ),
        Figure(
            "peak RSS after loading the seed CNN and one inference",
            "MiB",
            *_pair(data, "peak_rss_mib"),
        ),
    ]
    other = [
        Figure("cold start: import", "s", *_pair(data, "import_s")),
        Figure("cold start: SavedModel load", "s", *_pair(data, "load_s")),
        Figure("cold start: first inference, batch 1", "s", *_pair(data, "first_inference_s")),
        Figure("steady-state inference, batch 1", "ms", *_pair(data, "steady_ms")),
    ]
    notes = [f"medians over {data['ndflow']['runs']} fresh processes per backend"]
    if data["ratios"] is not None:
        difference = data["ratios"]["max_output_difference"]
        notes.append(f"max |ndflow − TF| of the first outputs: {difference:.2e}")
    return Summary(issue, other, notes)


def _tfrecord_parse(data: dict) -> Summary:
    graph = {"tf": "tensorflow_graph"}
    issue = [
        Figure(
            "TFRecord parse throughput (batch 256 → parse_example; TF1 graph tf.data)",
            "records/s",
            *_pair(data, "records_per_s", **graph),
            "higher",
        )
    ]
    other = [
        Figure(
            "the same, median pass",
            "records/s",
            *_pair(data, "records_per_s_median", **graph),
            "higher",
        ),
        Figure(
            "against TF2 eager tf.data",
            "records/s",
            *_pair(data, "records_per_s", tf="tensorflow_eager"),
            "higher",
        ),
    ]
    if data.get("ndflow_direct") is not None:
        other.append(
            Figure(
                "ndflow reader + batch parser direct, against TF1 graph",
                "records/s",
                *_pair(data, "records_per_s", nd="ndflow_direct", **graph),
                "higher",
            )
        )
    sides = ("ndflow", "ndflow_direct", "tensorflow_graph", "tensorflow_eager")
    checksums = {data[key]["checksum"] for key in sides if data.get(key)}
    notes = [
        f"ndflow method: {data['ndflow']['method']}; best of "
        f"{len(data['ndflow']['seconds'])} passes over {data['ndflow']['records']:,} "
        f"records",
        f"parsed values agree (checksums): {len(checksums) == 1}",
    ]
    return Summary(issue, other, notes)


SERVING_HEADLINE = "cnn/{protocol}/32"  # the seed CNN at 32 concurrent clients


def _serving_load(data: dict) -> Summary:
    load = data["load"]
    tf = load.get("tf-python", {})
    issue, other = [], []
    for protocol in ("rest", "grpc"):
        issue += _serving_cells(load, tf, SERVING_HEADLINE.format(protocol=protocol))
    for key in load["ndflow"]:
        other += _serving_cells(load, tf, key)
    startup = data["startup"]
    other.append(
        Figure(
            "process start to first half_plus_two REST predict",
            "s",
            startup["ndflow"],
            startup.get("tf-python"),
        )
    )
    notes = [
        "the TensorFlow side is TF's compat.v1 loader behind bench/serving_tf_server.py "
        "(no tensorflow_model_server binary here), never batching: the batching rows "
        "compare ndflow --enable_batching with that same unbatched server",
        "issue figures: the seed CNN (64x64) at 32 concurrent clients, batch-1 requests",
        "requests/s over one window of `--seconds` per cell, p99 over all its requests",
    ]
    return Summary(issue, other, notes)


def _serving_cells(load: dict, tf: dict, key: str) -> list[Figure]:
    model, protocol, clients = key.split("/")
    clients = f"{clients} client" + ("" if clients == "1" else "s")
    figures = []
    for server, label in (("ndflow", "no batching"), ("ndflow+batch", "ndflow batching")):
        where = f"serving {model}, {protocol.upper()}, {clients}, {label}"
        ours, theirs = load[server][key], tf.get(key, {})
        figures.append(
            Figure(f"{where}: requests/s", "req/s", ours["rps"], theirs.get("rps"), "higher")
        )
        figures.append(Figure(f"{where}: p99 latency", "ms", ours["p99_ms"], theirs.get("p99_ms")))
    return figures


def _install_size(data: dict) -> Summary:
    mib = 1024 * 1024
    closure = _pair(data, "closure_bytes")
    venv = _pair(data, "venv_bytes")
    issue = [
        Figure(
            "installed size: runtime dependency closure (ndflow / tensorflow-cpu)",
            "MiB",
            *(_scale(value, 1 / mib) for value in closure),
        )
    ]
    packages = (None if value is None else len(value) for value in _pair(data, "packages"))
    other = [
        Figure(
            "whole venv directory (.venv / .venv-tf)",
            "MiB",
            *(_scale(value, 1 / mib) for value in venv),
        ),
        Figure("distributions in the closure", "", *packages, None, False),
        Figure("files in the closure", "", *_pair(data, "closure_files"), None, False),
    ]
    notes = []
    for side in ("ndflow", "tensorflow"):
        if data.get(side) is not None:
            largest = sorted(data[side]["packages"], key=lambda p: p["bytes"], reverse=True)[:5]
            shown = ", ".join(f"{p['name']} {p['bytes'] / mib:.1f}" for p in largest)
            notes.append(f"largest in {data[side]['distribution']}'s closure (MiB): {shown}")
    return Summary(issue, other, notes)


def _data_map_parallel(data: list) -> Summary:
    sides = {entry["backend"]: entry["elements_per_s"] for entry in data}
    nd, tf = sides["ndflow"], sides.get("tensorflow")
    other = []
    for label in nd:
        other.append(
            Figure(
                f"map(f, num_parallel_calls={label}).batch(16)",
                "elements/s",
                nd[label],
                tf and tf[label],
                "higher",
            )
        )
    for label in list(nd)[1:]:
        speedup = [None if s is None else s[label] / s["sequential"] for s in (nd, tf)]
        other.append(Figure(f"speed-up of {label} over sequential", "x", *speedup, "higher", False))
    return Summary([], other)


def _summary_overhead(data: dict) -> Summary:
    other = []
    for kind in data["ndflow"]["ms_per_step"]:
        other.append(Figure(f"MLP step, {kind}", "ms", *_pair(data, "ms_per_step", kind)))
    for kind in data["ndflow"]["overhead"]:
        overhead = (_scale(value, 100) for value in _pair(data, "overhead", kind))
        other.append(Figure(f"summary overhead, {kind}", "%", *overhead, "lower", False))
    return Summary([], other)


def _trace_overhead(data: dict) -> Summary:
    batch = data["ndflow"]["batch"]
    other = [
        Figure(
            f"seed CNN training step, batch {batch}, untraced",
            "ms",
            *_pair(data, "ms_per_step", "plain"),
        ),
        Figure("the same with FULL_TRACE", "ms", *_pair(data, "ms_per_step", "traced")),
        Figure(
            "trace overhead",
            "%",
            *(_scale(v, 100) for v in _pair(data, "overhead")),
            "lower",
            False,
        ),
        Figure("NodeExecStats per traced step", "", *_pair(data, "node_stats"), None, False),
        Figure("untraced three-op sess.run", "µs", *_pair(data, "untraced_us")),
    ]
    return Summary([], other)


def _queue_pipeline(data: dict) -> Summary:
    other = [
        Figure(
            "queue pipeline (string_input_producer → TFRecordReader → batch_join)",
            "records/s",
            *_pair(data, "pipeline", "records_per_s"),
            "higher",
        ),
        Figure("plain Session.run step", "µs", *_pair(data, "monitored", "plain_us")),
        Figure("MonitoredTrainingSession step", "µs", *_pair(data, "monitored", "monitored_us")),
        Figure("MonitoredTrainingSession overhead", "µs", *_pair(data, "monitored", "overhead_us")),
    ]
    ids = _pair(data, "pipeline", "id_sum")
    notes = [] if ids[1] is None else [f"both sides saw the same records: {ids[0] == ids[1]}"]
    return Summary([], other, notes)


def _feature_columns(data: dict) -> Summary:
    other = [
        Figure(
            "census DNN training, batch 64",
            "steps/s",
            *_pair(data, "train", "steps_per_s"),
            "higher",
        ),
        Figure("forward (logits), batch 1", "ms", *_pair(data, "forward", "batch1_ms")),
        Figure(
            "forward (logits), batch 256",
            "examples/s",
            *_pair(data, "forward", "batch256_examples_per_s"),
            "higher",
        ),
    ]
    predict = data["ndflow"]["predict"]
    if predict is not None:
        other += [
            Figure(
                "Estimator.predict, one example, same Estimator (cached)",
                "ms",
                predict["cached_ms"],
                None,
            ),
            Figure(
                "Estimator.predict, one example, new Estimator per call",
                "ms",
                predict["fresh_ms"],
                None,
            ),
        ]
    return Summary([], other, ["Estimator.predict is measured on ndflow only"])


SUMMARIES = {
    "import_time": _import_time,
    "session_overhead": _session_overhead,
    "mlp_train": _mlp_train,
    "seed_cnn": _seed_cnn,
    "savedmodel_cold_start": _savedmodel_cold_start,
    "tfrecord_parse": _tfrecord_parse,
    "serving_load": _serving_load,
    "install_size": _install_size,
    "data_map_parallel": _data_map_parallel,
    "summary_overhead": _summary_overhead,
    "trace_overhead": _trace_overhead,
    "queue_pipeline": _queue_pipeline,
    "feature_columns": _feature_columns,
}


def _scale(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


# -- discovering and running the scripts ----------------------------------------------------


def discover(bench_dir: pathlib.Path = BENCH_DIR) -> list[str]:
    """Benchmark names in bench_dir: SUMMARIES' order first, then any others by name."""
    found = {path.stem for path in bench_dir.glob("*.py")} - set(NOT_BENCHMARKS)
    ordered = [name for name in SUMMARIES if name in found]
    return ordered + sorted(found - set(SUMMARIES))


def run_script(
    name: str,
    python: str,
    tf_python: str | None,
    results_dir: pathlib.Path,
    bench_dir: pathlib.Path = BENCH_DIR,
) -> ScriptRun:
    """Runs one benchmark; its JSON goes to results_dir/<name>.json, its stderr (echoed
    live, indented) to results_dir/<name>.log."""
    command = [python, str(bench_dir / f"{name}.py"), "--json", *SCRIPT_ARGS.get(name, [])]
    if tf_python:
        command += ["--tf-python", tf_python]
    json_path, log_path = results_dir / f"{name}.json", results_dir / f"{name}.log"
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with (
        json_path.open("w") as stdout,
        log_path.open("w") as log,
        subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, so a timeout ends its workers too
        ) as process,
    ):
        echo = threading.Thread(target=_echo, args=(process.stderr, log, tail), daemon=True)
        echo.start()
        timed_out = not _wait(process)
        echo.join()
    seconds = time.perf_counter() - start
    run = ScriptRun(name, command, process.returncode, seconds, None, "".join(tail))
    run.load = (load_before, os.getloadavg()[0])
    if timed_out:
        run.error = f"killed after the {SCRIPT_TIMEOUT_S} s timeout"
        return run
    return _parse(run, json_path)


def _echo(stream, log, tail: collections.deque) -> None:
    for line in stream:
        log.write(line)
        tail.append(line)
        print(f"    {line}", end="", file=sys.stderr, flush=True)


def _wait(process: subprocess.Popen) -> bool:
    """Waits for the script; False when it timed out and its process group was killed."""
    try:
        process.wait(timeout=SCRIPT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
    return True


def _parse(run: ScriptRun, json_path: pathlib.Path) -> ScriptRun:
    if run.returncode != 0:
        run.error = f"exited with status {run.returncode}"
        return run
    try:
        run.data = json.loads(json_path.read_text())
    except json.JSONDecodeError as error:
        run.error = f"printed no valid JSON ({error})"
    return run


def summarize(run: ScriptRun) -> Summary | None:
    """The script's Summary; None (and run.error set) when it failed or its JSON did not have
    what its summary function reads."""
    if run.failed:
        return None
    if run.name not in SUMMARIES:
        return Summary(
            [],
            [],
            [
                f"no summary for this script in bench/run_all.py; raw JSON in "
                f"`bench/results/{run.name}.json`"
            ],
        )
    try:
        return SUMMARIES[run.name](run.data)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        run.error = f"its JSON could not be summarized: {type(error).__name__}: {error}"
        return None


# -- the machine ------------------------------------------------------------------------------


def machine(python: str, tf_python: str | None) -> dict[str, str]:
    """The run's context for RESULTS.md's header, as label -> text."""
    return {
        "date (UTC)": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "git commit": _git_commit(),
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical CPUs",
        "memory": _memory(),
        "OS": f"{_os_name()}, kernel {platform.release()} ({platform.machine()})",
        "Python (ndflow)": _version_of(python, None),
        "NumPy (ndflow)": _version_of(python, "numpy"),
        "TensorFlow (oracle)": _tf_description(tf_python),
        "load average (1 min) at the start": f"{os.getloadavg()[0]:.2f}",
    }


def _git(*args: str) -> str:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # never rewrite the shared index
    result = subprocess.run(
        ["git", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def _git_commit() -> str:
    commit = _git("rev-parse", "--short=12", "HEAD") or "unknown (not a git checkout)"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return commit


def _cpu_model() -> str:
    try:
        lines = pathlib.Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    for line in lines:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        lines = pathlib.Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return "unknown"
    for line in lines:
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        return platform.system()


def _version_of(python: str, distribution: str | None) -> str:
    """Python's version (distribution None) or a distribution's, as seen by `python`."""
    code = "import platform; print(platform.python_version())"
    if distribution is not None:
        code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else "not installed"


def _tf_description(tf_python: str | None) -> str:
    if tf_python is None:
        return f"{NO_VALUE} (no --tf-python: ndflow measured alone)"
    versions = (_version_of(tf_python, name) for name in ("tensorflow-cpu", "numpy"))
    tf_version, numpy_version = versions
    python_version = _version_of(tf_python, None)
    return f"tensorflow-cpu {tf_version} (Python {python_version}, NumPy {numpy_version})"


# -- RESULTS.md -------------------------------------------------------------------------------


def _num(value) -> str:
    """A figure for a table: three significant digits or more, thousands separated."""
    if value is None:
        return NO_VALUE
    if isinstance(value, int):
        return f"{value:,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _ratio(figure: Figure) -> str:
    if not figure.ratio or figure.ndflow is None or not figure.tensorflow:
        return NO_VALUE
    value = figure.ndflow / figure.tensorflow
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.3f}x"


def _table(figures: list[Figure]) -> list[str]:
    lines = [
        "| figure | unit | ndflow | TensorFlow | ratio ndflow/TF | better is |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for f in figures:
        cells = [f.name, f.unit, _num(f.ndflow), _num(f.tensorflow), _ratio(f), f.better or ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(runs: list[ScriptRun], context: dict[str, str], total_seconds: float) -> str:
    """RESULTS.md for these runs: header, the issue's figures, then a section per script."""
    summaries = {run.name: summarize(run) for run in runs}
    lines = [
        "# ndflow benchmarks",
        "",
        "Written by `make bench` (`bench/run_all.py`); do not edit "
        "by hand. Each figure is a median unless its section says otherwise; ratios are "
        'ndflow/TF, so below 1 is ndflow smaller, whatever "better" is.',
        "",
    ]
    lines += [f"- **{label}:** {text}" for label, text in context.items()]
    lines.append(f"- **wall time of the whole run:** {total_seconds / 60:.1f} min")
    failed = [run.name for run in runs if run.failed]
    if failed:
        lines.append(f"- **FAILED:** {', '.join(f'`{name}.py`' for name in failed)}")
    lines += ["", "## The issue's figures", ""]
    lines += _issue_table(runs, summaries)
    for run in runs:
        lines += ["", *_section(run, summaries[run.name])]
    return "\n".join(lines) + "\n"


def _issue_table(runs: list[ScriptRun], summaries: dict) -> list[str]:
    lines = _table([f for run in runs if summaries[run.name] for f in summaries[run.name].issue])
    for run in runs:
        if run.failed:
            lines.append(f"| `{run.name}.py` FAILED: see its section | | | | | |")
    return lines


def _section(run: ScriptRun, summary: Summary | None) -> list[str]:
    lines = [f"## `{run.name}.py`", ""]
    if run.failed:
        lines += [
            f"**FAILED**: {run.error}, after {run.seconds:.1f} s. The tail of its stderr:",
            "",
            "```",
            run.stderr_tail.rstrip() or "(empty)",
            "```",
        ]
        return lines
    if summary.other:
        lines += [*_table(summary.other), ""]
    lines += [f"- {note}" for note in summary.notes]
    args = " ".join(SCRIPT_ARGS.get(run.name, [])) or "defaults"
    load = ""
    if run.load is not None:
        load = f" (1-minute load average {run.load[0]:.2f} → {run.load[1]:.2f})"
    lines.append(
        f"- ran in {run.seconds:.1f} s{load} with {args}; raw JSON in "
        f"`bench/results/{run.name}.json`"
    )
    return lines


# -- main -------------------------------------------------------------------------------------


def _tf_python(path: str | None) -> str | None:
    if path is None:
        print("no --tf-python: measuring ndflow alone", file=sys.stderr)
        return None
    if not pathlib.Path(path).exists():
        print(f"--tf-python {path} does not exist: measuring ndflow alone", file=sys.stderr)
        return None
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for ndflow")
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--output", default=str(BENCH_DIR / "RESULTS.md"))
    parser.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    args = parser.parse_args(argv)
    tf_python = _tf_python(args.tf_python)
    results_dir = pathlib.Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    context = machine(args.python, tf_python)
    names = discover()
    runs = []
    start = time.perf_counter()
    for index, name in enumerate(names, 1):
        print(f"[{index}/{len(names)}] {name}.py ...", file=sys.stderr, flush=True)
        run = run_script(name, args.python, tf_python, results_dir)
        summarize(run)  # sets run.error now if the JSON lacks what RESULTS.md shows
        runs.append(run)
        status = f"FAILED ({run.error})" if run.failed else "done"
        elapsed = time.perf_counter() - start
        print(
            f"[{index}/{len(names)}] {name}.py {status} in {run.seconds:.1f} s "
            f"(total {elapsed / 60:.1f} min)",
            file=sys.stderr,
            flush=True,
        )
    context["load average (1 min) at the end"] = f"{os.getloadavg()[0]:.2f}"
    text = render(runs, context, time.perf_counter() - start)
    pathlib.Path(args.output).write_text(text)
    failed = [run.name for run in runs if run.failed]
    print(f"wrote {args.output}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
