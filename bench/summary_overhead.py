"""What writing TensorBoard summaries every step costs an MLP training loop: ndflow and TF.

The model and data are mlp_train.py's (784-256-256-10 ReLU MLP, batch 128, Adam). Three loops
run in the same process, interleaved step by step so that machine noise hits them alike:

- `plain`: `sess.run([train_op, loss], feed)`;
- `scalars`: also fetches `merge_all()` of `tf.summary.scalar` for the loss and the largest
  per-example loss, and passes it to `FileWriter.add_summary(summary, step)`;
- `histograms`: as `scalars`, plus `tf.summary.histogram` of every weight and bias (235k
  values per step).

Each writer is a `tf.summary.FileWriter` in a temporary directory (closed at the end, so the
event files are complete). The overhead is the median step time of a loop with summaries over
the median of `plain`, minus one. TensorFlow runs the same function in a subprocess under
`--tf-python` (`tensorflow.compat.v1`, graph mode). Target: ndflow's overhead < 5% for
`scalars` and `histograms`. Printed, never asserted.

Usage: python bench/summary_overhead.py [--steps 60] [--warmup 5] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time

import common
import mlp_train
import numpy as np

TARGET_OVERHEAD = 0.05
LOOPS = ("plain", "scalars", "histograms")


def _summaries(tf, graph, loss, kind: str):
    """The merged summary op for one loop kind, built in `graph` (None for `plain`)."""
    if kind == "plain":
        return None
    with graph.as_default():
        collection = f"summaries_{kind}"
        tf.summary.scalar("loss", loss, collections=[collection])
        worst = tf.reduce_max(loss.op.inputs[0])
        tf.summary.scalar("worst_example_loss", worst, collections=[collection])
        if kind == "histograms":
            for variable in tf.trainable_variables():
                tf.summary.histogram(variable.op.name, variable, collections=[collection])
        return tf.summary.merge_all(key=collection)


def _loop(tf, kind: str, logdir: str):
    """(session, step function, close function) for one loop kind."""
    weights, batches = mlp_train._data()
    graph, x, y, loss, train_op = mlp_train.build(tf, weights)
    merged = _summaries(tf, graph, loss, kind)
    with graph.as_default():
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    writer = None if merged is None else tf.summary.FileWriter(f"{logdir}/{kind}", graph)
    fetches = [train_op, loss] if merged is None else [train_op, loss, merged]

    def step(index: int) -> float:
        bx, by = batches[index % len(batches)]
        start = time.perf_counter()
        values = sess.run(fetches, {x: bx, y: by})
        if writer is not None:
            writer.add_summary(values[2], index)
        return time.perf_counter() - start

    def close() -> float:
        if writer is not None:
            writer.close()
        value = float(sess.run(loss, {x: batches[0][0], y: batches[0][1]}))
        sess.close()
        return value

    return step, close


def time_loops(tf, steps: int, warmup: int) -> dict:
    """Median ms per step of each loop kind, run interleaved."""
    timings = {kind: [] for kind in LOOPS}
    with tempfile.TemporaryDirectory() as logdir:
        loops = {kind: _loop(tf, kind, logdir) for kind in LOOPS}
        for index in range(warmup + steps):
            for kind, (step, _) in loops.items():
                seconds = step(index)
                if index >= warmup:
                    timings[kind].append(seconds)
        losses = {kind: close() for kind, (_, close) in loops.items()}
    if not all(np.isfinite(value) for value in losses.values()):
        raise RuntimeError(f"a loss diverged: {losses}")
    medians = {kind: statistics.median(values) * 1e3 for kind, values in timings.items()}
    overhead = {kind: medians[kind] / medians["plain"] - 1.0 for kind in LOOPS[1:]}
    return {"ms_per_step": medians, "overhead": overhead}


def run_backend(name: str, steps: int, warmup: int) -> dict:
    tf, version = mlp_train.import_backend(name)
    result = time_loops(tf, steps, warmup)
    return {"backend": name, "version": version, "steps": steps, **result}


def run_tf_subprocess(tf_python: str, steps: int, warmup: int) -> dict:
    command = [tf_python, __file__, "--worker", "tensorflow"]
    command += ["--steps", str(steps), "--warmup", str(warmup)]
    return common.run_json_worker(command)


def report(results: dict) -> None:
    header = ["backend", "version", *[f"{kind} ms" for kind in LOOPS]]
    header += [f"{kind} overhead" for kind in LOOPS[1:]]
    rows = []
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        cells = [f"{r['ms_per_step'][kind]:.2f}" for kind in LOOPS]
        cells += [f"{100 * r['overhead'][kind]:+.1f}%" for kind in LOOPS[1:]]
        rows.append([r["backend"], r["version"], *cells])
    common.print_table(header, rows)
    print()
    for kind in LOOPS[1:]:
        value = results["ndflow"]["overhead"][kind]
        verdict = common.verdict(value < TARGET_OVERHEAD)
        print(f"target: ndflow {kind} overhead < {TARGET_OVERHEAD:.0%}: {value:+.1%}  [{verdict}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["ndflow", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.steps, args.warmup)))
        return 0

    ndflow = run_backend("ndflow", args.steps, args.warmup)
    tensorflow = None
    if args.tf_python:
        tensorflow = run_tf_subprocess(args.tf_python, args.steps, args.warmup)
    results = {"ndflow": ndflow, "tensorflow": tensorflow}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
