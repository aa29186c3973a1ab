"""Shared pieces of the bench scripts: subprocess timing, medians, tables, verdicts.

Benchmarks print numbers and the targets they are meant to meet; they never assert a timing.
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "bench"


def tf_env() -> dict[str, str]:
    """The environment for a TensorFlow process: C++ logging off."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def time_process(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall time in seconds of one run of `command`; raises if it fails."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{stderr}")
    return elapsed


def run_json_worker(command: list[str]) -> dict:
    """Runs a TensorFlow-side worker (`command`, in the TF environment) and returns the JSON
    object on the last line of its output; raises with its stderr if it fails."""
    result = subprocess.run(command, env=tf_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"TensorFlow worker failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median_time(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    return statistics.median(time_process(command, env) for _ in range(runs))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def verdict(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "met" if ok else "MISSED"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = [header, ["-" * width for width in widths], *rows]
    for line in lines:
        cells = [
            f"{cell:<{widths[0]}}" if i == 0 else f"{cell:>{widths[i]}}"
            for i, cell in enumerate(line)
        ]
        print("  ".join(cells).rstrip())


def python_version(python: str) -> str:
    result = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()
