"""What tracing a run costs: the seed CNN's training step untraced and with FULL_TRACE.

The model is seed_cnn.py's (250x250x3 input, two 3x3x32 VALID convs + bias + relu, 2x2 max
pool, dense 64 + relu, dropout, dense 1; sigmoid cross-entropy, Adam) at `--batch` (default
4), from the same NumPy weights on both sides. Two steps alternate so machine noise hits them
alike: `plain` is `sess.run([train_op, loss], feed)`; `traced` adds
`options=RunOptions(trace_level=FULL_TRACE), run_metadata=RunMetadata()`. The overhead is the
median traced step over the median plain step, minus one; the number of NodeExecStats per
traced step is printed too. Also `untraced_us`: microseconds per `sess.run` of a three-op graph
(session_overhead.py's `a * x + b`), the path an untraced run must keep fast. TensorFlow runs the
same function in a subprocess under `--tf-python` (`tensorflow.compat.v1`, graph mode).
Target: ndflow's traced overhead < 10%. Printed, never asserted.

Usage: python bench/trace_overhead.py [--steps 20] [--warmup 3] [--batch 4] [--tf-python PATH]
       [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import common
import numpy as np
import seed_cnn

TARGET_OVERHEAD = 0.10


def _training_step(tf, batch: int):
    """(session, feed, fetches) of the seed CNN's training step, initialized."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, *seed_cnn.IMAGE], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        params = seed_cnn._variables(tf, seed_cnn.weights())
        logits = seed_cnn.model(tf, x, params, training=True)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    bx, by = seed_cnn.images(batch, seed=4)
    return sess, {x: bx, y: by}, [train_op, loss]


def time_training(tf, steps: int, warmup: int, batch: int) -> dict:
    sess, feed, fetches = _training_step(tf, batch)
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    timings = {"plain": [], "traced": []}
    node_stats = 0
    for index in range(warmup + steps):
        start = time.perf_counter()
        sess.run(fetches, feed)
        plain = time.perf_counter() - start
        metadata = tf.RunMetadata()
        start = time.perf_counter()
        _, loss = sess.run(fetches, feed, options=options, run_metadata=metadata)
        traced = time.perf_counter() - start
        if index >= warmup:
            timings["plain"].append(plain)
            timings["traced"].append(traced)
        node_stats = sum(len(d.node_stats) for d in metadata.step_stats.dev_stats)
    sess.close()
    if not np.isfinite(loss):
        raise RuntimeError(f"the loss diverged: {loss!r}")
    medians = {kind: statistics.median(values) * 1e3 for kind, values in timings.items()}
    overhead = medians["traced"] / medians["plain"] - 1.0
    return {"ms_per_step": medians, "overhead": overhead, "node_stats": node_stats}


def time_untraced_call(tf, calls: int = 2000, repeats: int = 5) -> float:
    """Microseconds per untraced `sess.run(y, {x: 3.0})` of `y = a * x + b`."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [])
        y = tf.constant(2.0) * x + tf.constant(1.0)
    with tf.Session(graph=graph) as sess:
        for _ in range(200):
            sess.run(y, {x: 3.0})
        batches = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(calls):
                sess.run(y, {x: 3.0})
            batches.append((time.perf_counter() - start) / calls)
    return statistics.median(batches) * 1e6


def run_backend(name: str, steps: int, warmup: int, batch: int) -> dict:
    tf, version = seed_cnn.import_backend(name)
    result = time_training(tf, steps, warmup, batch)
    result["untraced_us"] = time_untraced_call(tf)
    return {"backend": name, "version": version, "batch": batch, **result}


def run_tf_subprocess(tf_python: str, steps: int, warmup: int, batch: int) -> dict:
    command = [tf_python, __file__, "--worker", "tensorflow", "--steps", str(steps)]
    command += ["--warmup", str(warmup), "--batch", str(batch)]
    return common.run_json_worker(command)


def report(results: dict) -> None:
    header = ["backend", "version", "plain ms", "traced ms", "overhead", "node stats"]
    header.append("untraced run us")
    rows = []
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        times = r["ms_per_step"]
        rows.append(
            [
                r["backend"],
                r["version"],
                f"{times['plain']:.2f}",
                f"{times['traced']:.2f}",
                f"{100 * r['overhead']:+.1f}%",
                str(r["node_stats"]),
                f"{r['untraced_us']:.1f}",
            ]
        )
    common.print_table(header, rows)
    print()
    ndflow, tensorflow = results["ndflow"], results["tensorflow"]
    if tensorflow is not None:
        for kind in ("plain", "traced"):
            ratio = common.ratio(ndflow["ms_per_step"][kind], tensorflow["ms_per_step"][kind])
            print(f"ndflow/TF {kind} step: {ratio:.2f}x")
    value = ndflow["overhead"]
    verdict = common.verdict(value < TARGET_OVERHEAD)
    print(f"target: ndflow traced overhead < {TARGET_OVERHEAD:.0%}: {value:+.1%}  [{verdict}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["ndflow", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.steps, args.warmup, args.batch)))
        return 0
    ndflow = run_backend("ndflow", args.steps, args.warmup, args.batch)
    tensorflow = None
    if args.tf_python:
        tensorflow = run_tf_subprocess(args.tf_python, args.steps, args.warmup, args.batch)
    results = {"ndflow": ndflow, "tensorflow": tensorflow}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
