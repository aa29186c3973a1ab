"""TFRecord -> batch(256) -> parse_example throughput: ndflow against TensorFlow's tf.data.

100k tf.train.Examples (a float_list of 10, an int64 scalar, 20 random bytes) are written to one
TFRecord file. Each side then reads the file, batches 256 serialized records and parses each
batch with parse_example (FixedLenFeature [10] float32, [] int64, [] string), and the time for
the whole file is measured: the best of `--repeats` passes after one warm-up pass (the pass
least disturbed by other load on the machine; the median is printed too).

ndflow runs in this process. Its method is printed: `dataset` is
`ndflow.data.TFRecordDataset(path).batch(256).map(parse_example)` iterated outside a graph,
used when ndflow.data provides TFRecordDataset; `direct` is the ndflow/formats TFRecord reader
(`RecordReader.read_batch(256)`) plus the batch parser behind ParseExampleV2
(`formats.example.parse_examples`) called straight (`--method` forces one; with `auto` and a
dataset, the direct method is measured too, to show what the pipeline adds). TensorFlow
runs in a subprocess under `--tf-python`, as TF1 graph-mode tf.data (one-shot iterator,
`sess.run(get_next)` per batch) and, for reference, as TF2 eager iteration. The target compares
with the TF1 pipeline (ndflow is TF1's API): records/s ndflow / TF >= 1.0. Printed, never
asserted. Both sides also print a checksum of what they parsed, which must agree.

Usage: python bench/tfrecord_parse.py [--records 100000] [--batch 256] [--repeats 5]
       [--tf-python PATH] [--method auto|dataset|direct] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time

import common
import numpy as np

TARGET_RATIO = 1.0
FLOATS = 10
BYTES = 20


def write_file(path: str, count: int) -> None:
    """The benchmark's TFRecord file, written with ndflow (deterministic)."""
    sys.path.insert(0, str(common.REPO_ROOT))
    from ndflow.formats import example
    from ndflow.formats import tfrecord

    rng = np.random.default_rng(0)
    floats = rng.normal(size=(count, FLOATS)).astype(np.float32)
    raw = rng.integers(0, 256, size=(count, BYTES), dtype=np.uint8)
    with tfrecord.RecordWriter(path) as writer:
        for k in range(count):
            values = {"f": floats[k], "i": [k * 7919 - 1000], "s": [raw[k].tobytes()]}
            writer.write(example.make_example(values).SerializeToString())


def checksum(batches) -> str:
    """A digest of parsed batches ({"f", "i", "s"} arrays), the same on both sides."""
    digest = hashlib.sha256()
    for batch in batches:
        digest.update(np.ascontiguousarray(batch["f"], dtype="<f4").tobytes())
        digest.update(np.ascontiguousarray(batch["i"], dtype="<i8").tobytes())
        digest.update(b"".join(bytes(s) for s in batch["s"]))
    return digest.hexdigest()[:16]


def _time_passes(run_pass, repeats: int):
    """(seconds per pass, parsed batches of the last pass), after one warm-up pass."""
    run_pass()
    seconds = []
    batches = None
    for _ in range(repeats):
        start = time.perf_counter()
        batches = run_pass()
        seconds.append(time.perf_counter() - start)
    return seconds, batches


# ---------------------------------------------------------------------- ndflow


def _ndflow_direct(path: str, batch_size: int):
    from ndflow.formats import example
    from ndflow.formats import tfrecord
    from ndflow.framework import dtypes

    config = example.Config(
        dense=[
            example.DenseSpec("f", dtypes.float32, (FLOATS,), np.zeros(0, np.float32)),
            example.DenseSpec("i", dtypes.int64, (), np.zeros(0, np.int64)),
            example.DenseSpec("s", dtypes.string, (), np.zeros(0, object)),
        ]
    )

    def run_pass():
        reader = tfrecord.RecordReader(path)
        out = []
        while True:
            batch = reader.read_batch(batch_size)
            if not batch:
                return out
            f, i, s = example.parse_examples(batch, config).dense_values
            out.append({"f": f, "i": i, "s": s})

    return run_pass


def _ndflow_dataset(path: str, batch_size: int):
    import ndflow as nd

    spec = {
        "f": nd.io.FixedLenFeature([FLOATS], nd.float32),
        "i": nd.io.FixedLenFeature([], nd.int64),
        "s": nd.io.FixedLenFeature([], nd.string),
    }

    def run_pass():
        dataset = nd.data.TFRecordDataset(path).batch(batch_size)
        dataset = dataset.map(lambda records: nd.io.parse_example(records, spec))
        return list(dataset)

    return run_pass


def run_ndflow(path: str, batch_size: int, repeats: int, method: str) -> dict:
    sys.path.insert(0, str(common.REPO_ROOT))
    import ndflow

    if method == "auto":
        has_dataset = hasattr(getattr(ndflow, "data", None), "TFRecordDataset")
        method = "dataset" if has_dataset else "direct"
    make = _ndflow_dataset if method == "dataset" else _ndflow_direct
    seconds, batches = _time_passes(make(path, batch_size), repeats)
    return _result("ndflow", ndflow.__version__, method, seconds, batches)


def _result(backend, version, method, seconds, batches) -> dict:
    count = sum(len(batch["i"]) for batch in batches)
    return {
        "backend": backend,
        "version": version,
        "method": method,
        "records": count,
        "seconds": seconds,
        "records_per_s": count / min(seconds),
        "records_per_s_median": count / statistics.median(seconds),
        "checksum": checksum(batches),
    }


# ---------------------------------------------------------------------- TensorFlow


def _tf_spec(tf):
    return {
        "f": tf.io.FixedLenFeature([FLOATS], tf.float32),
        "i": tf.io.FixedLenFeature([], tf.int64),
        "s": tf.io.FixedLenFeature([], tf.string),
    }


def _tf_graph_pass(tf, path, batch_size):
    v1 = tf.compat.v1
    spec = _tf_spec(tf)

    def run_pass():
        graph = v1.Graph()
        with graph.as_default():
            dataset = tf.data.TFRecordDataset(path).batch(batch_size)
            dataset = dataset.map(lambda records: v1.io.parse_example(records, spec))
            next_batch = v1.data.make_one_shot_iterator(dataset).get_next()
            out = []
            with v1.Session(graph=graph) as sess:
                try:
                    while True:
                        out.append(sess.run(next_batch))
                except tf.errors.OutOfRangeError:
                    return out

    return run_pass


def _tf_eager_pass(tf, path, batch_size):
    spec = _tf_spec(tf)

    def run_pass():
        dataset = tf.data.TFRecordDataset(path).batch(batch_size)
        dataset = dataset.map(lambda records: tf.io.parse_example(records, spec))
        return [{key: value.numpy() for key, value in batch.items()} for batch in dataset]

    return run_pass


def run_tensorflow(path: str, batch_size: int, repeats: int, mode: str) -> dict:
    import tensorflow as tf

    if mode == "graph":
        tf.compat.v1.disable_eager_execution()
        run_pass = _tf_graph_pass(tf, path, batch_size)
    else:
        run_pass = _tf_eager_pass(tf, path, batch_size)
    seconds, batches = _time_passes(run_pass, repeats)
    return _result("tensorflow", tf.__version__, f"tf.data {mode}", seconds, batches)


def run_tf_subprocess(tf_python: str, path: str, args, mode: str) -> dict:
    command = [tf_python, __file__, "--worker", mode, "--file", path]
    command += ["--batch", str(args.batch), "--repeats", str(args.repeats)]
    return common.run_json_worker(command)


# ---------------------------------------------------------------------- report


def report(results: dict) -> None:
    header = ["backend", "method", "records", "records/s (best)", "records/s (median)", "passes"]
    rows = []
    for key in ("ndflow", "ndflow_direct", "tensorflow_graph", "tensorflow_eager"):
        r = results.get(key)
        if r is None:
            continue
        rows.append(
            [
                f"{r['backend']} {r['version']}",
                r["method"],
                str(r["records"]),
                f"{r['records_per_s']:,.0f}",
                f"{r['records_per_s_median']:,.0f}",
                str(len(r["seconds"])),
            ]
        )
    common.print_table(header, rows)
    print()
    backends = ("ndflow", "ndflow_direct", "tensorflow_graph", "tensorflow_eager")
    checksums = {results[key]["checksum"] for key in backends if results.get(key)}
    print(f"parsed values agree (checksums): {len(checksums) == 1}")
    value = results["ndflow_over_tf"]
    shown = "no --tf-python" if value is None else f"{value:.2f}x"
    print(
        f"target: ndflow/TF records/s >= {TARGET_RATIO} (TF1 graph tf.data): {shown}"
        f"  [{results['target']}]"
    )
    if results.get("ndflow_over_tf_eager") is not None:
        print(f"for reference, ndflow/TF eager tf.data: {results['ndflow_over_tf_eager']:.2f}x")
    direct, graph = results.get("ndflow_direct"), results.get("tensorflow_graph")
    if direct and graph:
        ratio = direct["records_per_s"] / graph["records_per_s"]
        print(f"for reference, ndflow direct (reader + batch parser)/TF1 graph: {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--method", choices=["auto", "dataset", "direct"], default="auto")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", choices=["graph", "eager"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_tensorflow(args.file, args.batch, args.repeats, args.worker)))
        return 0

    with tempfile.TemporaryDirectory(prefix="ndflow_bench_") as directory:
        path = f"{directory}/examples.tfrecord"
        write_file(path, args.records)
        results = {"ndflow": run_ndflow(path, args.batch, args.repeats, args.method)}
        results["ndflow_direct"] = None
        if results["ndflow"]["method"] == "dataset" and args.method == "auto":
            # The reader and batch parser alone, to show what the pipeline adds.
            results["ndflow_direct"] = run_ndflow(path, args.batch, args.repeats, "direct")
        results["tensorflow_graph"] = results["tensorflow_eager"] = None
        if args.tf_python:
            results["tensorflow_graph"] = run_tf_subprocess(args.tf_python, path, args, "graph")
            results["tensorflow_eager"] = run_tf_subprocess(args.tf_python, path, args, "eager")
    nd_rate = results["ndflow"]["records_per_s"]
    graph, eager = results["tensorflow_graph"], results["tensorflow_eager"]
    value = common.ratio(nd_rate, graph and graph["records_per_s"])
    results["ndflow_over_tf"] = value
    results["ndflow_over_tf_eager"] = common.ratio(nd_rate, eager and eager["records_per_s"])
    results["target"] = common.verdict(None if value is None else value >= TARGET_RATIO)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
