"""How `num_parallel_calls` scales a NumPy-heavy `Dataset.map`: ndflow against TensorFlow.

Each element is a 192x192 float32 matrix; the map function does three matmuls, a tanh and
a reduction (~14 MFLOP per element). A pass drains `--elements` elements through
`map(f, num_parallel_calls=P).batch(16)` with a one-shot iterator, for P in sequential
(None), 1, 2 and AUTOTUNE. Each side reports the median of `--repeats` passes in elements/s
and its speed-up over sequential. TensorFlow runs the same function in a subprocess under
`--tf-python` (TF1 graph mode). Printed, never asserted; there is no target beyond
reporting (issue 5 asks for the scaling).

Usage: python bench/data_map_parallel.py [--elements 256] [--repeats 5] [--tf-python PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import common
import numpy as np

SETTINGS = (("sequential", None), ("1", 1), ("2", 2), ("AUTOTUNE", -1))


def heavy(tf, x):
    y = tf.matmul(x, x)
    y = tf.matmul(tf.tanh(y * 1e-3), x)
    return tf.reduce_sum(tf.matmul(y, y, transpose_b=True), axis=0)


def one_pass(tf, elements: int, parallel) -> float:
    graph = tf.Graph()
    with graph.as_default():
        base = tf.constant(np.random.default_rng(1).random((192, 192), np.float32))
        dataset = tf.data.Dataset.range(elements).map(lambda i: base + tf.cast(i, tf.float32))
        dataset = dataset.map(lambda x: heavy(tf, x), num_parallel_calls=parallel).batch(16)
        batch = tf.data.make_one_shot_iterator(dataset).get_next()
        with tf.Session(graph=graph) as sess:
            start = time.perf_counter()
            count = 0
            while True:
                try:
                    count += len(sess.run(batch))
                except tf.errors.OutOfRangeError:
                    break
            seconds = time.perf_counter() - start
    if count != elements:
        raise RuntimeError(f"drained {count} elements, expected {elements}")
    return elements / seconds


def run_backend(name: str, elements: int, repeats: int) -> dict:
    if name == "ndflow":
        sys.path.insert(0, str(common.REPO_ROOT))
        import ndflow as tf

        version = tf.__version__
    else:
        import tensorflow

        tf = tensorflow.compat.v1
        tf.disable_eager_execution()
        version = tensorflow.__version__
    one_pass(tf, 32, None)  # warm-up
    rates = {}
    for label, parallel in SETTINGS:
        rates[label] = statistics.median(one_pass(tf, elements, parallel) for _ in range(repeats))
    return {"backend": name, "version": version, "elements_per_s": rates}


def run_tf_subprocess(tf_python: str, elements: int, repeats: int) -> dict:
    command = [
        tf_python,
        __file__,
        "--worker",
        "tensorflow",
        "--elements",
        str(elements),
        "--repeats",
        str(repeats),
    ]
    return common.run_json_worker(command)


def report(results: list) -> None:
    header = ["backend"] + [f"{label} (el/s, x seq)" for label, _ in SETTINGS]
    rows = []
    for r in results:
        rates = r["elements_per_s"]
        base = rates["sequential"]
        rows.append(
            [f"{r['backend']} {r['version']}"]
            + [f"{rates[label]:.0f} ({rates[label] / base:.2f}x)" for label, _ in SETTINGS]
        )
    common.print_table(header, rows)
    if len(results) == 2:
        ndflow, tensorflow = (r["elements_per_s"] for r in results)
        ratios = ", ".join(
            f"{label} {ndflow[label] / tensorflow[label]:.2f}x" for label, _ in SETTINGS
        )
        print(f"\nndflow/TF throughput: {ratios}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["ndflow", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.elements, args.repeats)))
        return 0
    results = [run_backend("ndflow", args.elements, args.repeats)]
    if args.tf_python:
        results.append(run_tf_subprocess(args.tf_python, args.elements, args.repeats))
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
