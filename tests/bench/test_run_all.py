"""bench/run_all.py: discovery, running a script, and RESULTS.md from canned --json outputs.

No benchmark runs here and TensorFlow is not needed: the canned outputs in canned/ are what the
scripts printed in one real `make bench` run, and the scripts run by these tests are tiny fakes.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import pathlib
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
CANNED = pathlib.Path(__file__).resolve().parent / "canned"


def _load_runner():
    spec = importlib.util.spec_from_file_location("run_all", REPO_ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run_all = _load_runner()

CONTEXT = {"date (UTC)": "2026-01-01 00:00", "CPU": "Test CPU @ 1.00GHz", "cores": "2"}

# Fragments of the issue table's rows, one per figure issue 11 asks for.
ISSUE_FIGURES = [
    "import time",
    "session.run overhead",
    "MLP training step",
    "seed CNN inference latency, batch 1",
    "seed CNN inference throughput, batch 32",
    "seed CNN training step",
    "SavedModel cold start",
    "TFRecord parse throughput",
    "serving cnn, REST, 32 clients, no batching: requests/s",
    "serving cnn, REST, 32 clients, no batching: p99 latency",
    "serving cnn, REST, 32 clients, ndflow batching: requests/s",
    "serving cnn, REST, 32 clients, ndflow batching: p99 latency",
    "serving cnn, GRPC, 32 clients, no batching: requests/s",
    "serving cnn, GRPC, 32 clients, no batching: p99 latency",
    "serving cnn, GRPC, 32 clients, ndflow batching: requests/s",
    "serving cnn, GRPC, 32 clients, ndflow batching: p99 latency",
    "peak RSS after loading the seed CNN",
    "installed size",
]


def _canned_runs() -> list:
    runs = []
    for name in run_all.discover():
        data = json.loads((CANNED / f"{name}.json").read_text())
        runs.append(run_all.ScriptRun(name, ["python", f"{name}.py"], 0, 1.5, data))
    return runs


def _issue_rows(markdown: str) -> list[list[str]]:
    """The cells of the issue table's rows, below its header and separator."""
    section = markdown.split("## The issue's figures", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _row(rows: list[list[str]], fragment: str) -> list[str]:
    matches = [row for row in rows if fragment in row[0]]
    assert len(matches) == 1, f"{fragment!r} matches {len(matches)} rows"
    return matches[0]


def test_every_benchmark_in_bench_has_a_summary():
    names = run_all.discover()
    assert set(names) == set(run_all.SUMMARIES)
    assert not set(run_all.NOT_BENCHMARKS) & set(names)
    assert (CANNED.is_dir() and {path.stem for path in CANNED.glob("*.json")}) == set(names)


def test_discover_puts_unknown_scripts_last(tmp_path):
    for name in ("zeta", "seed_cnn", "common", "import_time", "alpha"):
        (tmp_path / f"{name}.py").write_text("")
    assert run_all.discover(tmp_path) == ["import_time", "seed_cnn", "alpha", "zeta"]


def test_results_show_every_issue_figure_with_both_sides_and_a_ratio():
    markdown = run_all.render(_canned_runs(), CONTEXT, 600.0)
    rows = _issue_rows(markdown)
    for fragment in ISSUE_FIGURES:
        _, _, ndflow, tensorflow, ratio, better = _row(rows, fragment)
        assert run_all.NO_VALUE not in (ndflow, tensorflow, ratio), fragment
        assert ratio.endswith("x")
        assert better in ("lower", "higher")
    assert len(rows) == len(ISSUE_FIGURES)
    assert "Test CPU @ 1.00GHz" in markdown
    assert "FAILED" not in markdown


def test_results_have_a_section_for_each_script_with_its_other_figures():
    markdown = run_all.render(_canned_runs(), CONTEXT, 600.0)
    for name in run_all.discover():
        assert f"## `{name}.py`" in markdown
    for fragment in ("FULL_TRACE", "MonitoredTrainingSession", "summary overhead, histograms"):
        assert fragment in markdown
    assert "map(f, num_parallel_calls=AUTOTUNE)" in markdown
    assert "Estimator.predict, one example, same Estimator (cached)" in markdown


def test_ratio_is_ndflow_over_tensorflow():
    figure = run_all.Figure("x", "ms", 3.0, 12.0)
    assert run_all._ratio(figure) == "0.25x"
    assert run_all._ratio(run_all.Figure("x", "%", 3.0, 12.0, "lower", ratio=False)) == "—"
    assert run_all._ratio(run_all.Figure("x", "ms", 3.0, None)) == "—"


def test_a_failed_script_is_recorded_and_the_others_still_reported():
    runs = _canned_runs()
    runs[1] = run_all.ScriptRun(
        "session_overhead",
        ["python", "session_overhead.py"],
        1,
        2.0,
        None,
        "Traceback (most recent call last):\nRuntimeError: the worker fell over\n",
        "exited with status 1",
    )
    markdown = run_all.render(runs, CONTEXT, 600.0)
    assert "- **FAILED:** `session_overhead.py`" in markdown
    assert "RuntimeError: the worker fell over" in markdown
    rows = _issue_rows(markdown)
    assert _row(rows, "session_overhead.py")[0] == "`session_overhead.py` FAILED: see its section"
    _row(rows, "import time")


def test_json_missing_a_field_marks_the_script_failed():
    runs = _canned_runs()
    del runs[0].data["ndflow"]["net_s"]
    markdown = run_all.render(runs, CONTEXT, 600.0)
    assert runs[0].failed
    assert "could not be summarized: KeyError" in markdown


def test_without_tensorflow_the_tensorflow_columns_are_dashes():
    runs = [run for run in _canned_runs() if run.name in ("import_time", "savedmodel_cold_start")]
    for run in runs:
        run.data = copy.deepcopy(run.data)
        run.data["tensorflow"] = None
    runs[1].data["ratios"] = None
    context = {**CONTEXT, "TensorFlow (oracle)": run_all._tf_description(None)}
    markdown = run_all.render(runs, context, 60.0)
    rows = _issue_rows(markdown)
    assert len(rows) == 3
    for row in rows:
        assert row[2] != run_all.NO_VALUE
        assert row[3:5] == [run_all.NO_VALUE, run_all.NO_VALUE]
    assert "no --tf-python" in markdown


def test_run_script_keeps_the_json_and_records_a_failure_with_its_stderr(tmp_path):
    bench, results = tmp_path / "bench", tmp_path / "results"
    bench.mkdir()
    results.mkdir()
    (bench / "good.py").write_text(
        "import json, sys\nprint('working', file=sys.stderr)\n"
        "print(json.dumps({'args': sys.argv[1:]}))\n"
    )
    (bench / "bad.py").write_text("import sys\nprint('it broke', file=sys.stderr)\nsys.exit(3)\n")
    good = run_all.run_script("good", sys.executable, "/opt/tf/python", results, bench)
    assert not good.failed
    assert good.data == {"args": ["--json", "--tf-python", "/opt/tf/python"]}
    assert json.loads((results / "good.json").read_text()) == good.data
    assert (results / "good.log").read_text() == "working\n"
    bad = run_all.run_script("bad", sys.executable, None, results, bench)
    assert bad.failed and bad.returncode == 3
    assert bad.error == "exited with status 3"
    assert bad.stderr_tail == "it broke\n"


@pytest.mark.parametrize("path", [None, "/nonexistent/python"])
def test_a_missing_tf_python_means_ndflow_alone(path):
    assert run_all._tf_python(path) is None


def test_a_script_over_the_timeout_is_killed_and_recorded(tmp_path, monkeypatch):
    (tmp_path / "slow.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(run_all, "SCRIPT_TIMEOUT_S", 0.3)
    run = run_all.run_script("slow", sys.executable, None, tmp_path, tmp_path)
    assert run.failed
    assert run.error == "killed after the 0.3 s timeout"
    assert run.seconds < 10
