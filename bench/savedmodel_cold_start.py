"""SavedModel cold start: a fresh process that imports, loads the seed CNN and answers once.

The full-size seed CNN of bench/seed_cnn.py (input 250x250x3, same weights) is saved by ndflow's
`SavedModelBuilder` (tag "serve", predict signature "serving_default": image -> prob) in a
temporary directory. Then, for each backend, `--runs` fresh interpreters each time, from the
first line of the process:
- import (`import ndflow`, or `import tensorflow` for TF's `compat.v1` loader);
- load (`Session(graph=Graph())` + `saved_model.loader.load(sess, ["serve"], dir)`);
- first inference at batch 1 (`sess.run(prob, {image: x})`, x read from a .npy);
cold start = their sum; the peak resident set size so far (`ru_maxrss`) right after that first
inference, the memory it takes to serve the model; then the steady-state latency at batch 1
(median of `--calls` runs after the first). Reported: medians over the processes. TensorFlow
runs under `--tf-python` on the same SavedModel directory; the two outputs are compared as a
check.

Targets (printed, never asserted): ndflow cold start <= 0.1x TensorFlow's and < 0.3 s;
steady-state latency ndflow/TF <= 1.0. The workers run without PYTHONDONTWRITEBYTECODE, after
one unmeasured warm-up process, so the cold start loads cached bytecode instead of compiling
(as a deployed service would).

Usage: python bench/savedmodel_cold_start.py [--runs 5] [--calls 20] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

import common
import numpy as np
import seed_cnn

TARGET_COLD_RATIO = 0.1
TARGET_COLD_SECONDS = 0.3
TARGET_STEADY_RATIO = 1.0

# Runs in a fresh interpreter: argv = backend, export_dir, image.npy, calls. The clock starts
# before the framework is imported; numpy is imported by the framework itself.
WORKER = r"""
import time
start = time.perf_counter()
import sys
backend, export_dir, image_path, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if backend == "ndflow":
    import ndflow as tf
else:
    import tensorflow
    tf = tensorflow.compat.v1
imported = time.perf_counter()
sess = tf.Session(graph=tf.Graph())
meta_graph = tf.saved_model.loader.load(sess, ["serve"], export_dir)
signature = meta_graph.signature_def["serving_default"]
loaded = time.perf_counter()
import numpy as np
feed = {signature.inputs["image"].name: np.load(image_path, allow_pickle=False)}
fetch = signature.outputs["prob"].name
prob = sess.run(fetch, feed)
answered = time.perf_counter()
import resource
peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
latencies = []
for _ in range(calls):
    t = time.perf_counter()
    sess.run(fetch, feed)
    latencies.append(time.perf_counter() - t)
import json
print(json.dumps({
    "import_s": imported - start,
    "load_s": loaded - imported,
    "first_inference_s": answered - loaded,
    "cold_start_s": answered - start,
    "steady_ms": sorted(latencies)[len(latencies) // 2] * 1e3,
    "peak_rss_mib": peak_rss_kib / 1024,
    "prob": prob.reshape(-1).tolist(),
}))
"""


def build_saved_model(export_dir: str) -> None:
    """The seed CNN with seed_cnn.weights(), saved by ndflow as a TF1 SavedModel. The weights
    live in the checkpoint only, as in a trained model (the variables' initializers are zeros,
    not 124 MB of constants in saved_model.pb)."""
    sys.path.insert(0, str(common.REPO_ROOT))
    import ndflow as tf

    values = seed_cnn.weights()
    with tf.Graph().as_default():
        image = tf.placeholder(tf.float32, [None, *seed_cnn.IMAGE], name="image")
        params = {
            name: tf.Variable(tf.zeros(value.shape), name=name.replace("/", "_"))
            for name, value in values.items()
        }
        prob = tf.sigmoid(seed_cnn.model(tf, image, params, training=False), name="prob")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, variable in params.items():
                variable.load(values[name], sess)
            tf.saved_model.simple_save(sess, export_dir, {"image": image}, {"prob": prob})


def run_worker(python: str, backend: str, export_dir: str, image: str, calls: int) -> dict:
    env = common.tf_env() if backend == "tensorflow" else dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # load cached bytecode, as a deployment would
    command = [python, "-c", WORKER, backend, export_dir, image, str(calls)]
    result = subprocess.run(
        command, cwd=common.REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{backend} worker failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(python: str, backend: str, export_dir: str, image: str, runs: int, calls: int):
    run_worker(python, backend, export_dir, image, 1)  # warm the file and bytecode caches
    samples = [run_worker(python, backend, export_dir, image, calls) for _ in range(runs)]
    keys = ("import_s", "load_s", "first_inference_s", "cold_start_s", "steady_ms", "peak_rss_mib")
    result = {key: statistics.median(s[key] for s in samples) for key in keys}
    result.update(backend=backend, version=common.python_version(python), runs=runs)
    result["prob"] = samples[0]["prob"]
    return result


def report(results: dict) -> None:
    header = ["backend", "python", "import s", "load s", "1st run s", "cold start s", "steady ms"]
    header.append("peak RSS MiB")
    rows = [
        [r["backend"], r["version"]]
        + [f"{r[k]:.3f}" for k in ("import_s", "load_s", "first_inference_s", "cold_start_s")]
        + [f"{r['steady_ms']:.1f}", f"{r['peak_rss_mib']:.0f}"]
        for r in (results["ndflow"], results["tensorflow"])
        if r is not None
    ]
    common.print_table(header, rows)
    cold = results["ndflow"]["cold_start_s"]
    print(f"\nmedians over {results['ndflow']['runs']} fresh processes each")
    ok = cold < TARGET_COLD_SECONDS
    print(
        f"target: ndflow cold start < {TARGET_COLD_SECONDS} s: {cold:.3f} s  [{common.verdict(ok)}]"
    )
    ratios = results["ratios"]
    if ratios is None:
        print("no --tf-python: no ratios")
        return
    print(f"max |ndflow - TF| of the first outputs: {ratios['max_output_difference']:.2e}")
    cold_ok = common.verdict(ratios["cold_start"] <= TARGET_COLD_RATIO)
    print(
        f"target: cold start ndflow/TF <= {TARGET_COLD_RATIO}x: {ratios['cold_start']:.3f}x  "
        f"[{cold_ok}]"
    )
    print(f"peak RSS after load + first inference ndflow/TF: {ratios['peak_rss']:.2f}x")
    steady_ok = common.verdict(ratios["steady"] <= TARGET_STEADY_RATIO)
    print(
        f"target: steady-state latency ndflow/TF <= {TARGET_STEADY_RATIO}x: "
        f"{ratios['steady']:.2f}x  [{steady_ok}]"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for ndflow")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per backend")
    parser.add_argument("--calls", type=int, default=20, help="steady-state runs per process")
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ndflow_cold_start_") as tmp:
        export_dir = str(pathlib.Path(tmp) / "seed_cnn" / "1")
        build_saved_model(export_dir)
        image = str(pathlib.Path(tmp) / "image.npy")
        np.save(image, seed_cnn.images(1, seed=5)[0])
        ndflow = measure(args.python, "ndflow", export_dir, image, args.runs, args.calls)
        tensorflow = None
        if args.tf_python:
            tensorflow = measure(
                args.tf_python, "tensorflow", export_dir, image, args.runs, args.calls
            )
    ratios = None
    if tensorflow is not None:
        ratios = {
            "cold_start": common.ratio(ndflow["cold_start_s"], tensorflow["cold_start_s"]),
            "steady": common.ratio(ndflow["steady_ms"], tensorflow["steady_ms"]),
            "peak_rss": common.ratio(ndflow["peak_rss_mib"], tensorflow["peak_rss_mib"]),
            "max_output_difference": float(
                np.max(np.abs(np.subtract(ndflow["prob"], tensorflow["prob"])))
            ),
        }
    results = {"ndflow": ndflow, "tensorflow": tensorflow, "ratios": ratios}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
