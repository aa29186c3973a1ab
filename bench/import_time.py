"""Fresh-process import time: `import ndflow` against `import tensorflow`.

Each run starts a new interpreter (`python -c "import ndflow"`); the median wall time minus the
median time of an empty interpreter start is the import cost. With `--tf-python` the same is
measured for `import tensorflow` in that interpreter (TF_CPP_MIN_LOG_LEVEL=3).

Targets: ndflow < 0.3 s, and at least 10x faster than TensorFlow. Printed, never asserted.

Usage: python bench/import_time.py [--runs 15] [--tf-python PATH] [--tf-runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys

import common

TARGET_SECONDS = 0.3
TARGET_SPEEDUP = 10.0


def measure(python: str, module: str, runs: int, env: dict[str, str] | None = None) -> dict:
    """Median raw and net (minus an empty interpreter start) seconds to import `module`."""
    common.time_process([python, "-c", f"import {module}"], env)  # warm the file cache
    empty = common.median_time([python, "-c", "pass"], runs, env)
    raw = common.median_time([python, "-c", f"import {module}"], runs, env)
    return {
        "module": module,
        "python": python,
        "version": common.python_version(python),
        "runs": runs,
        "raw_s": raw,
        "empty_s": empty,
        "net_s": raw - empty,
    }


def report(results: dict) -> None:
    header = ["import", "python", "runs", "raw s", "empty start s", "net s"]
    rows = [
        [r["module"], r["version"], str(r["runs"]), f"{r['raw_s']:.3f}", f"{r['empty_s']:.3f}"]
        + [f"{r['net_s']:.3f}"]
        for r in (results["ndflow"], results["tensorflow"])
        if r is not None
    ]
    common.print_table(header, rows)
    print()
    speedup = results["tf_over_ndflow"]
    targets = results["targets"]
    net = results["ndflow"]["net_s"]
    print(f"target: ndflow net import < {TARGET_SECONDS} s: {net:.3f} s  [{targets['ndflow_s']}]")
    shown = "no --tf-python" if speedup is None else f"{speedup:.1f}x"
    print(f"target: TF/ndflow >= {TARGET_SPEEDUP:.0f}x: {shown}  [{targets['tf_over_ndflow']}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for ndflow")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--tf-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    ndflow = measure(args.python, "ndflow", args.runs)
    tensorflow = None
    if args.tf_python:
        tensorflow = measure(args.tf_python, "tensorflow", args.tf_runs, common.tf_env())
    speedup = common.ratio(tensorflow and tensorflow["net_s"], ndflow["net_s"])
    results = {
        "ndflow": ndflow,
        "tensorflow": tensorflow,
        "tf_over_ndflow": speedup,
        "targets": {
            "ndflow_s": common.verdict(ndflow["net_s"] < TARGET_SECONDS),
            "tf_over_ndflow": common.verdict(
                None if speedup is None else speedup >= TARGET_SPEEDUP
            ),
        },
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
