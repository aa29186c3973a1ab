"""Per-call overhead of `Session.run` on a tiny graph: ndflow against TensorFlow.

The graph is `y = a * x + b` with float32 constants `a`, `b` and a scalar placeholder `x`; each
call is `sess.run(y, {x: 3.0})`, so the time is almost all Session overhead (feed checks, plan
lookup, executor loop, fetch conversion). ndflow runs in this process; with `--tf-python` the
same function runs in a subprocess under that interpreter with
`import tensorflow.compat.v1 as tf; tf.disable_eager_execution()`.

Each side warms up, then times `--repeats` batches of `--calls` calls and reports the median
batch, in microseconds per call. Target: ndflow <= 0.5x TF's time. Printed, never asserted.

Usage: python bench/session_overhead.py [--calls 2000] [--repeats 7] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import common

TARGET_RATIO = 0.5
WARMUP_CALLS = 200


def build(tf):
    """y = a * x + b, in a fresh graph; returns (graph, x, y)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=[], name="x")
        a = tf.constant(2.0, dtype=tf.float32, name="a")
        b = tf.constant(1.0, dtype=tf.float32, name="b")
        y = a * x + b
    return graph, x, y


def time_calls(tf, calls: int, repeats: int) -> list[float]:
    """Seconds per `sess.run(y, {x: 3.0})`, one number per batch of `calls` calls."""
    graph, x, y = build(tf)
    per_call = []
    with tf.Session(graph=graph) as sess:
        for _ in range(WARMUP_CALLS):
            value = sess.run(y, {x: 3.0})
        if float(value) != 7.0:
            raise RuntimeError(f"sess.run(y, {{x: 3.0}}) gave {value!r}, expected 7.0")
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(calls):
                sess.run(y, {x: 3.0})
            per_call.append((time.perf_counter() - start) / calls)
    return per_call


def import_backend(name: str):
    if name == "ndflow":
        sys.path.insert(0, str(common.REPO_ROOT))
        import ndflow

        return ndflow, ndflow.__version__
    import tensorflow

    tf = tensorflow.compat.v1
    tf.disable_eager_execution()
    return tf, tensorflow.__version__


def run_backend(name: str, calls: int, repeats: int) -> dict:
    tf, version = import_backend(name)
    per_call = time_calls(tf, calls, repeats)
    return {
        "backend": name,
        "version": version,
        "python": sys.executable,
        "calls": calls,
        "repeats": repeats,
        "us_per_call": statistics.median(per_call) * 1e6,
        "us_per_call_all": [seconds * 1e6 for seconds in per_call],
    }


def run_tf_subprocess(tf_python: str, calls: int, repeats: int) -> dict:
    command = [tf_python, __file__, "--worker", "tensorflow"]
    command += ["--calls", str(calls), "--repeats", str(repeats)]
    return common.run_json_worker(command)


def report(results: dict) -> None:
    header = ["backend", "version", "calls x repeats", "us/call (median)", "min", "max"]
    rows = []
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        spread = r["us_per_call_all"]
        rows.append(
            [
                r["backend"],
                r["version"],
                f"{r['calls']} x {r['repeats']}",
                f"{r['us_per_call']:.1f}",
            ]
            + [f"{min(spread):.1f}", f"{max(spread):.1f}"]
        )
    common.print_table(header, rows)
    print()
    value = results["ndflow_over_tf"]
    shown = "no --tf-python" if value is None else f"{value:.2f}x"
    print(f"target: ndflow/TF time per call <= {TARGET_RATIO}x: {shown}  [{results['target']}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["ndflow", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.calls, args.repeats)))
        return 0

    ndflow = run_backend("ndflow", args.calls, args.repeats)
    tensorflow = None
    if args.tf_python:
        tensorflow = run_tf_subprocess(args.tf_python, args.calls, args.repeats)
    value = common.ratio(ndflow["us_per_call"], tensorflow and tensorflow["us_per_call"])
    results = {
        "ndflow": ndflow,
        "tensorflow": tensorflow,
        "ndflow_over_tf": value,
        "target": common.verdict(None if value is None else value <= TARGET_RATIO),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
