"""Training step time of a 784-256-256-10 MLP with Adam: ndflow against TensorFlow.

The model is `softmax_cross_entropy_with_logits_v2(relu(relu(x W1 + b1) W2 + b2) W3 + b3)`,
mean over a batch of 128, minimized by `tf.train.AdamOptimizer(1e-3)`; weights start from the
same NumPy values and the batches are the same fixed random data on both sides. Each step is
`sess.run([train_op, loss], feed)`. ndflow runs in this process; with `--tf-python` the same
function runs in a subprocess under that interpreter (`tensorflow.compat.v1`, eager execution
and resource variables off, as TF1 code runs).

Each side warms up, then times `--steps` steps one by one and reports the median in
milliseconds, plus the loss after the last step (the two should agree closely: same data,
same initial values, same update rule). Target: ndflow/TF step time <= 1.0. Printed, never
asserted.

Usage: python bench/mlp_train.py [--steps 50] [--warmup 5] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import common
import numpy as np

TARGET_RATIO = 1.0
BATCH = 128
SIZES = (784, 256, 256, 10)
BATCHES = 4


def _data(seed: int = 0):
    """Initial weights and a few (x, one-hot y) batches, identical for both backends."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, np.float32))
    batches = []
    for _ in range(BATCHES):
        x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
        labels = rng.integers(0, SIZES[-1], BATCH)
        batches.append((x, np.eye(SIZES[-1], dtype=np.float32)[labels]))
    return weights, batches


def build(tf, weights):
    """The MLP and its Adam step in a fresh graph: (graph, x, y, loss, train_op)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, SIZES[0]], name="x")
        y = tf.placeholder(tf.float32, [None, SIZES[-1]], name="y")
        h = x
        for layer in range(3):
            w = tf.Variable(weights[2 * layer], name=f"w{layer}")
            b = tf.Variable(weights[2 * layer + 1], name=f"b{layer}")
            h = tf.matmul(h, w) + b
            if layer < 2:
                h = tf.nn.relu(h)
        xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h)
        loss = tf.reduce_mean(xent)
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return graph, x, y, loss, train_op


def time_steps(tf, steps: int, warmup: int) -> tuple[list[float], float]:
    """Seconds per training step (one number per step) and the final loss."""
    weights, batches = _data()
    graph, x, y, loss, train_op = build(tf, weights)
    per_step = []
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(warmup + steps):
            bx, by = batches[step % BATCHES]
            start = time.perf_counter()
            _, value = sess.run([train_op, loss], {x: bx, y: by})
            if step >= warmup:
                per_step.append(time.perf_counter() - start)
    if not np.isfinite(value):
        raise RuntimeError(f"the loss diverged: {value!r}")
    return per_step, float(value)


def import_backend(name: str):
    if name == "ndflow":
        sys.path.insert(0, str(common.REPO_ROOT))
        import ndflow

        return ndflow, ndflow.__version__
    import tensorflow

    tf = tensorflow.compat.v1
    tf.disable_eager_execution()
    tf.disable_resource_variables()
    return tf, tensorflow.__version__


def run_backend(name: str, steps: int, warmup: int) -> dict:
    tf, version = import_backend(name)
    per_step, final_loss = time_steps(tf, steps, warmup)
    return {
        "backend": name,
        "version": version,
        "python": sys.executable,
        "steps": steps,
        "ms_per_step": statistics.median(per_step) * 1e3,
        "ms_per_step_all": [seconds * 1e3 for seconds in per_step],
        "final_loss": final_loss,
    }


def run_tf_subprocess(tf_python: str, steps: int, warmup: int) -> dict:
    command = [tf_python, __file__, "--worker", "tensorflow"]
    command += ["--steps", str(steps), "--warmup", str(warmup)]
    return common.run_json_worker(command)


def report(results: dict) -> None:
    header = ["backend", "version", "steps", "ms/step (median)", "min", "max", "final loss"]
    rows = []
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        spread = r["ms_per_step_all"]
        rows.append(
            [
                r["backend"],
                r["version"],
                str(r["steps"]),
                f"{r['ms_per_step']:.2f}",
                f"{min(spread):.2f}",
                f"{max(spread):.2f}",
                f"{r['final_loss']:.6f}",
            ]
        )
    common.print_table(header, rows)
    print()
    value = results["ndflow_over_tf"]
    shown = "no --tf-python" if value is None else f"{value:.2f}x"
    print(f"target: ndflow/TF time per step <= {TARGET_RATIO}x: {shown}  [{results['target']}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
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
    value = common.ratio(ndflow["ms_per_step"], tensorflow and tensorflow["ms_per_step"])
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
