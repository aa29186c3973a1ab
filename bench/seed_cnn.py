"""The seed CNN at full size: ndflow against TensorFlow, inference and one training step.

The model is the issue's seed CNN written with raw `tf.nn` ops and `tf.Variable`s: input
[N, 250, 250, 3] -> conv 3x3x32 VALID + bias + relu -> conv 3x3x32 VALID + bias + relu ->
max_pool 2x2 stride 2 -> flatten -> dense 64 + relu -> dropout (training only, rate 0.5) ->
dense 1 -> sigmoid. Both sides start from the same NumPy weights (Glorot uniform, seed 0) and
run the same fixed random images. ndflow runs in this process; with `--tf-python` the same
function runs in a subprocess under that interpreter (`tensorflow.compat.v1`, eager execution
and resource variables off, TF's default kernels).

Measured, each after a warm-up, as medians:
- inference latency at batch 1 (ms per `sess.run(prob, feed)`);
- inference throughput at batch 32 (images per second);
- one training step at batch 32 (sigmoid cross-entropy, `AdamOptimizer(1e-3)`), ms per step;
- the two Conv2D ops alone (inputs in variables), at batch 1 and 32: conv GFLOP/s, against
  the machine's GEMM rate (GFLOP/s of a 4096x4096 float32 `np.matmul`, measured here).
The largest difference between the two sides' inference outputs is printed as a check.
Target: ndflow/TF time <= 1.0 for inference. Printed, never asserted.

Usage: python bench/seed_cnn.py [--repeats 20] [--steps 5] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import common
import numpy as np

TARGET_RATIO = 1.0
IMAGE = (250, 250, 3)
FILTERS = 32
HIDDEN = 64
BATCH = 32
# FLOPs of the two convolutions for one image (multiply + add per filter tap and channel).
CONV_FLOPS = 2 * (248 * 248 * 3 * 3 * 3 * FILTERS + 246 * 246 * 3 * 3 * FILTERS * FILTERS)


def _glorot(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def weights(seed: int = 0) -> dict:
    """The model's initial weights, identical for both backends."""
    rng = np.random.default_rng(seed)
    flat = 123 * 123 * FILTERS
    return {
        "conv1/kernel": _glorot(rng, (3, 3, 3, FILTERS), 27, 9 * FILTERS),
        "conv1/bias": np.zeros(FILTERS, np.float32),
        "conv2/kernel": _glorot(rng, (3, 3, FILTERS, FILTERS), 9 * FILTERS, 9 * FILTERS),
        "conv2/bias": np.zeros(FILTERS, np.float32),
        "dense1/kernel": _glorot(rng, (flat, HIDDEN), flat, HIDDEN),
        "dense1/bias": np.zeros(HIDDEN, np.float32),
        "dense2/kernel": _glorot(rng, (HIDDEN, 1), HIDDEN, 1),
        "dense2/bias": np.zeros(1, np.float32),
    }


def images(count: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.random((count, *IMAGE), dtype=np.float32)
    y = (rng.random((count, 1)) < 0.5).astype(np.float32)
    return x, y


def model(tf, x, params: dict, training: bool):
    """Logits of the seed CNN on x, with the tf.Variables in `params`."""
    h = x
    for layer in ("conv1", "conv2"):
        h = tf.nn.conv2d(h, params[f"{layer}/kernel"], [1, 1, 1, 1], "VALID")
        h = tf.nn.relu(tf.nn.bias_add(h, params[f"{layer}/bias"]))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    h = tf.reshape(h, [-1, 123 * 123 * FILTERS])
    h = tf.nn.relu(tf.matmul(h, params["dense1/kernel"]) + params["dense1/bias"])
    if training:
        h = tf.nn.dropout(h, rate=0.5)
    return tf.matmul(h, params["dense2/kernel"]) + params["dense2/bias"]


def _variables(tf, values: dict) -> dict:
    return {name: tf.Variable(value, name=name.replace("/", "_")) for name, value in values.items()}


def _median_seconds(fn, repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_inference(tf, repeats: int) -> dict:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, *IMAGE], name="x")
        prob = tf.sigmoid(model(tf, x, _variables(tf, weights()), training=False))
        init = tf.global_variables_initializer()
    one, _ = images(1)
    batch, _ = images(BATCH)
    with tf.Session(graph=graph) as sess:
        sess.run(init)
        latency = _median_seconds(lambda: sess.run(prob, {x: one}), repeats)
        batch_time = _median_seconds(lambda: sess.run(prob, {x: batch}), max(3, repeats // 4))
        outputs = sess.run(prob, {x: images(4, seed=2)[0]})
    return {
        "latency_ms": latency * 1e3,
        "batch_ms": batch_time * 1e3,
        "images_per_s": BATCH / batch_time,
        "outputs": outputs.reshape(-1).tolist(),
    }


def measure_convs(tf, repeats: int) -> dict:
    """The two Conv2D ops alone, on inputs held in variables (no feed copies): ms, GFLOP/s."""
    values = weights()
    rng = np.random.default_rng(3)
    result = {}
    for batch, runs in ((1, repeats), (BATCH, max(3, repeats // 4))):
        graph = tf.Graph()
        with graph.as_default():
            first = tf.Variable(rng.random((batch, *IMAGE), dtype=np.float32))
            second = tf.Variable(rng.random((batch, 248, 248, FILTERS), dtype=np.float32))
            convs = [
                tf.nn.conv2d(first, values["conv1/kernel"], [1, 1, 1, 1], "VALID"),
                tf.nn.conv2d(second, values["conv2/kernel"], [1, 1, 1, 1], "VALID"),
            ]
            init = tf.global_variables_initializer()
        ops = [conv.op for conv in convs]
        with tf.Session(graph=graph) as sess:
            sess.run(init)
            seconds = _median_seconds(lambda sess=sess, ops=ops: sess.run(ops), runs)
        result[f"conv_ms_b{batch}"] = seconds * 1e3
        result[f"conv_gflops_b{batch}"] = batch * CONV_FLOPS / seconds / 1e9
    return result


def measure_training(tf, steps: int) -> dict:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, *IMAGE], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        logits = model(tf, x, _variables(tf, weights()), training=True)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
        init = tf.global_variables_initializer()
    bx, by = images(BATCH, seed=4)
    with tf.Session(graph=graph) as sess:
        sess.run(init)
        seconds = _median_seconds(lambda: sess.run([train_op, loss], {x: bx, y: by}), steps, 1)
        final = sess.run(loss, {x: bx, y: by})
    if not np.isfinite(final):
        raise RuntimeError(f"the loss diverged: {final!r}")
    return {"train_ms": seconds * 1e3, "loss": float(final)}


def gemm_gflops(size: int = 4096, repeats: int = 5) -> float:
    """The machine's float32 GEMM rate through NumPy's BLAS."""
    rng = np.random.default_rng(0)
    a = rng.random((size, size), dtype=np.float32)
    b = rng.random((size, size), dtype=np.float32)
    return 2 * size**3 / _median_seconds(lambda: a @ b, repeats, 1) / 1e9


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


def run_backend(name: str, repeats: int, steps: int) -> dict:
    tf, version = import_backend(name)
    result = {"backend": name, "version": version}
    result.update(measure_inference(tf, repeats))
    result.update(measure_convs(tf, repeats))
    result.update(measure_training(tf, steps))
    return result


def run_tf_subprocess(tf_python: str, repeats: int, steps: int) -> dict:
    command = [tf_python, __file__, "--worker", "tensorflow"]
    command += ["--repeats", str(repeats), "--steps", str(steps)]
    return common.run_json_worker(command)


def _ratios(ndflow: dict, tensorflow: dict | None) -> dict:
    if tensorflow is None:
        return {"latency": None, "throughput": None, "train": None, "conv_b1": None}
    return {
        "latency": common.ratio(ndflow["latency_ms"], tensorflow["latency_ms"]),
        "throughput": common.ratio(ndflow["batch_ms"], tensorflow["batch_ms"]),
        "train": common.ratio(ndflow["train_ms"], tensorflow["train_ms"]),
        "conv_b1": common.ratio(ndflow["conv_ms_b1"], tensorflow["conv_ms_b1"]),
        "conv_b32": common.ratio(ndflow["conv_ms_b32"], tensorflow["conv_ms_b32"]),
        "max_output_difference": float(
            np.max(np.abs(np.subtract(ndflow["outputs"], tensorflow["outputs"])))
        ),
    }


def report(results: dict) -> None:
    header = ["backend", "version", "b1 ms", "b32 img/s", "train ms", "conv GFLOP/s b1", "b32"]
    rows = []
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        rows.append(
            [
                r["backend"],
                r["version"],
                f"{r['latency_ms']:.1f}",
                f"{r['images_per_s']:.1f}",
                f"{r['train_ms']:.0f}",
                f"{r['conv_gflops_b1']:.1f}",
                f"{r['conv_gflops_b32']:.1f}",
            ]
        )
    common.print_table(header, rows)
    before, after = results["load_average"]
    print(f"\n1-minute load average: {before:.2f} at the start, {after:.2f} at the end")
    gemm = results["gemm_gflops"]
    print(f"machine GEMM rate (4096^2 float32 np.matmul): {gemm:.1f} GFLOP/s")
    for r in (results["ndflow"], results["tensorflow"]):
        if r is not None:
            share = r["conv_gflops_b1"] / gemm, r["conv_gflops_b32"] / gemm
            print(f"{r['backend']} convolutions: {share[0]:.0%} (b1), {share[1]:.0%} (b32) of it")
    _report_ratios(results["ratios"])


def _report_ratios(ratios: dict) -> None:
    if ratios["latency"] is None:
        print("\nno --tf-python: no ratios")
        return
    print(f"\nmax |ndflow - TF| of the inference outputs: {ratios['max_output_difference']:.2e}")
    for key, label in (("latency", "batch-1 latency"), ("throughput", "batch-32 inference")):
        verdict = common.verdict(ratios[key] <= TARGET_RATIO)
        print(f"target: ndflow/TF {label} time <= {TARGET_RATIO}x: {ratios[key]:.2f}x  [{verdict}]")
    print(f"training step (batch 32) ndflow/TF: {ratios['train']:.2f}x")
    print(f"convolutions alone ndflow/TF: {ratios['conv_b1']:.2f}x (b1), {ratios['conv_b32']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["ndflow", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.repeats, args.steps)))
        return 0
    load_before = os.getloadavg()[0]
    ndflow = run_backend("ndflow", args.repeats, args.steps)
    tensorflow = None
    if args.tf_python:
        tensorflow = run_tf_subprocess(args.tf_python, args.repeats, args.steps)
    results = {
        "ndflow": ndflow,
        "tensorflow": tensorflow,
        "gemm_gflops": gemm_gflops(),
        "ratios": _ratios(ndflow, tensorflow),
        "load_average": [load_before, os.getloadavg()[0]],
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
