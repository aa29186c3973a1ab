"""Stage 6 of the demo: seed 000's comparison, measured here. A fresh interpreter loads the
exported SavedModel by tag and runs it by op name, as the seed's Go program does; it reports
the time from its first line to the first answer ("warm up and run one inference") and the
median latency of the inferences after it. With a TensorFlow interpreter the same worker runs
TensorFlow's loader on the same directory.
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess

SEED_FIGURES = {  # seed 000, CPU: its 250x250 model on its author's machine
    "seed: Python/Keras, 250x250": {"first_s": 2.72, "per_inference_ms": 49.0, "size_mb": 242.0},
    "seed: Go, 250x250": {"first_s": 0.255, "per_inference_ms": 45.0, "size_mb": 236.0},
}

# argv: backend, export_dir, input name, output name, image size, calls. The clock starts
# before the framework is imported.
WORKER = r"""
import time
start = time.perf_counter()
import sys
backend, export_dir, input_name, output_name = sys.argv[1:5]
size, calls = int(sys.argv[5]), int(sys.argv[6])
if backend == "ndflow":
    import ndflow as tf
else:
    import tensorflow
    tf = tensorflow.compat.v1
import numpy as np
sess = tf.Session(graph=tf.Graph())
tf.saved_model.loader.load(sess, ["serve"], export_dir)
feed = {input_name + ":0": np.zeros((1, size, size, 3), np.float32)}
fetch = output_name + ":0"
answer = sess.run(fetch, feed)
first = time.perf_counter() - start
latencies = []
for _ in range(calls):
    t = time.perf_counter()
    sess.run(fetch, feed)
    latencies.append(time.perf_counter() - t)
import json
print(json.dumps({"first_s": first, "latencies": latencies, "answer": answer.tolist()}))
"""


def directory_mb(path: pathlib.Path) -> float:
    """Size of every file under `path`, in MB (10^6 bytes)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def run_worker(python: str, backend: str, export_dir, model, size: int, calls: int) -> dict:
    """One fresh process: {"first_s", "latencies", "answer"}."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [
        python,
        "-c",
        WORKER,
        backend,
        str(export_dir),
        model.INPUT_NAME,
        model.OUTPUT_NAME,
        str(size),
        str(calls),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the {backend} worker failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(python: str, backend: str, export_dir, model, size: int, runs: int, calls: int):
    """Medians over `runs` fresh processes (after one unmeasured run that warms the caches)."""
    run_worker(python, backend, export_dir, model, size, 1)
    samples = [run_worker(python, backend, export_dir, model, size, calls) for _ in range(runs)]
    per_inference = [statistics.median(s["latencies"]) for s in samples]
    return {
        "first_s": statistics.median(s["first_s"] for s in samples),
        "per_inference_ms": statistics.median(per_inference) * 1e3,
        "answer": samples[0]["answer"],
    }


def table(rows: dict[str, dict]) -> list[str]:
    """The seed's figures as text lines, one row per (backend, model)."""
    width = max(len(name) for name in rows) + 2
    columns = (
        ("warm up + 1st inference", "first_s", "{:.3f} s"),
        ("each inference after", "per_inference_ms", "{:.2f} ms"),
        ("SavedModel size", "size_mb", "{:.1f} MB"),
    )
    lines = [" " * width + "".join(f"{title:>25}" for title, _, _ in columns)]
    for name, row in rows.items():
        cells = [_cell(row.get(key), form) for _, key, form in columns]
        lines.append(f"{name:{width}}" + "".join(f"{cell:>25}" for cell in cells))
    return lines


def _cell(value, form: str) -> str:
    return "-" if value is None else form.format(value)
