"""Model-server load: requests/s and p50/p99 latency over REST and gRPC, and time to first predict.

Two SavedModels are built by ndflow in a temporary directory: half_plus_two (`y = 0.5 x + 2`,
x float [-1]) and the seed CNN at 64x64 (image [-1,64,64,3] -> prob [-1,1]; conv 3x3x32 VALID +
bias + relu twice, 2x2 max pool, dense 64 + relu, dense 1 sigmoid; weights from a fixed seed).
Each server runs in its own process on 127.0.0.1; the clients are threads of this process
(one keep-alive `http.client` connection per REST thread, one shared gRPC channel sending
pre-serialized PredictRequests), each sending one batch-1 request after the other for
`--seconds` per cell, at 1, 8 and 32 concurrent clients.

Servers measured:
- `ndflow`: `python -m ndflow.cli.model_server` (REST + gRPC), batching off;
- `ndflow+batch`: the same with `--enable_batching` (max_batch_size 32, batch_timeout_micros 0,
  num_batch_threads = CPUs, max_enqueued_batches 1000);
- `tf-python` (with `--tf-python`): no `tensorflow_model_server` binary is installed, so the
  TensorFlow side is TF's `compat.v1` loader and Session behind the minimal Python REST/gRPC
  server of bench/serving_tf_server.py (no batching).
Startup: time from `Popen` of a server serving only half_plus_two to its first successful REST
predict (median of `--startup-runs`); target < 1 s for ndflow.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import common
import numpy as np

STARTUP_TARGET_SECONDS = 1.0
CONCURRENCY = (1, 8, 32)
CNN_SIZE = 64
FILTERS = 32
HIDDEN = 64


# -- models ----------------------------------------------------------------------------------


def build_models(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """Saves half_plus_two and the 64x64 seed CNN as version 1 under root/<name>/1."""
    sys.path.insert(0, str(common.REPO_ROOT))
    import ndflow as tf

    paths = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.add(tf.multiply(x, 0.5), 2.0, name="y")
        with tf.Session() as sess:
            paths["half_plus_two"] = root / "half_plus_two"
            tf.saved_model.simple_save(sess, str(paths["half_plus_two"] / "1"), {"x": x}, {"y": y})
    with tf.Graph().as_default():
        image = tf.placeholder(tf.float32, [None, CNN_SIZE, CNN_SIZE, 3], name="image")
        prob = tf.sigmoid(_cnn_logits(tf, image), name="prob")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            paths["cnn"] = root / "cnn"
            tf.saved_model.simple_save(
                sess, str(paths["cnn"] / "1"), {"image": image}, {"prob": prob}
            )
    return paths


def _cnn_logits(tf, image):
    rng = np.random.default_rng(0)
    flat = (CNN_SIZE - 4) // 2 * ((CNN_SIZE - 4) // 2) * FILTERS

    def variable(shape, name):
        scale = np.sqrt(2.0 / np.prod(shape[:-1]))
        return tf.Variable((rng.normal(size=shape) * scale).astype(np.float32), name=name)

    h = image
    for index, channels in enumerate((3, FILTERS)):
        kernel = variable((3, 3, channels, FILTERS), f"conv{index}_kernel")
        h = tf.nn.relu(tf.nn.conv2d(h, kernel, [1, 1, 1, 1], "VALID"))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    h = tf.reshape(h, [-1, flat])
    h = tf.nn.relu(tf.matmul(h, variable((flat, HIDDEN), "dense1_kernel")))
    return tf.matmul(h, variable((HIDDEN, 1), "dense2_kernel"))


def model_inputs() -> dict[str, tuple[str, np.ndarray]]:
    """Per model: the signature input name and one batch-1 request value."""
    image = np.random.default_rng(1).random((1, CNN_SIZE, CNN_SIZE, 3), dtype=np.float32)
    return {"half_plus_two": ("x", np.array([1.0], np.float32)), "cnn": ("image", image)}


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_configs(root: pathlib.Path, paths: dict[str, pathlib.Path]) -> dict[str, pathlib.Path]:
    entries = "".join(
        f'  config {{ name: "{name}" base_path: "{path}" model_platform: "tensorflow" }}\n'
        for name, path in paths.items()
    )
    models = root / "models.config"
    models.write_text(f"model_config_list {{\n{entries}}}\n")
    batching = root / "batching.config"
    batching.write_text(
        "max_batch_size { value: 32 }\nbatch_timeout_micros { value: 0 }\n"
        f"num_batch_threads {{ value: {os.cpu_count() or 1} }}\n"
        "max_enqueued_batches { value: 1000 }\n"
    )
    return {"models": models, "batching": batching}


def ndflow_command(ports: dict, configs: dict, batching: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "ndflow.cli.model_server",
        f"--port={ports['grpc']}",
        f"--rest_api_port={ports['rest']}",
        f"--model_config_file={configs['models']}",
    ]
    if batching:
        command += ["--enable_batching", f"--batching_parameters_file={configs['batching']}"]
    return command


def tf_command(tf_python: str, ports: dict, paths: dict) -> list[str]:
    command = [
        tf_python,
        str(common.BENCH_DIR / "serving_tf_server.py"),
        f"--port={ports['grpc']}",
        f"--rest_api_port={ports['rest']}",
    ]
    return command + [f"--model={name}={path / '1'}" for name, path in paths.items()]


@contextlib.contextmanager
def running_server(command: list[str], rest_port: int, model: str, env=None, timeout=120.0):
    process = subprocess.Popen(
        command, cwd=common.REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until_serving(process, rest_port, model, timeout)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(process, rest_port: int, model: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"server exited {process.returncode}:\n{stderr[-3000:]}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", rest_port, timeout=5)
            connection.request("GET", f"/v1/models/{model}")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.02)
    raise RuntimeError(f"server did not serve {model} within {timeout} s")


# -- clients ---------------------------------------------------------------------------------


def rest_caller(port: int, model: str, value: np.ndarray):
    body = json.dumps({"instances": value.tolist()}).encode()
    path = f"/v1/models/{model}:predict"

    def make():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.connect()
        # http.client sends large bodies apart from the headers: without TCP_NODELAY, Nagle
        # plus the server's delayed ACK add ~40 ms to every request.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def call() -> bool:
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            return response.status == 200

        return call

    return make


def grpc_caller(port: int, model: str, input_name: str, value: np.ndarray):
    import grpc

    from ndflow.proto import predict_pb2
    from ndflow.serving import tensor_codec

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.inputs[input_name].CopyFrom(tensor_codec.from_numpy(value, as_tensor_content=True))
    payload = request.SerializeToString()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    predict = channel.unary_unary("/tensorflow.serving.PredictionService/Predict")

    def make():
        def call() -> bool:
            predict(payload, timeout=60)
            return True

        return call

    return make


def measure(make_caller, clients: int, seconds: float) -> dict:
    """Runs `clients` threads for `seconds`; requests/s, p50/p99 latency (ms), failures."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    start_line = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        try:
            call = make_caller()
            call()  # connect and warm up outside the timed window
        except Exception:  # noqa: BLE001 - this client is counted as failed, the run goes on
            failures[index] += 1
            start_line.wait()
            return
        start_line.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                ok = call()
            except Exception:  # noqa: BLE001 - a failed request is counted, not fatal
                ok = False
            latencies[index].append(time.perf_counter() - began)
            failures[index] += not ok

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600
    start_line.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = np.array([value for values in latencies for value in values]) * 1e3
    return {
        "rps": len(flat) / elapsed,
        "p50_ms": float(np.percentile(flat, 50)),
        "p99_ms": float(np.percentile(flat, 99)),
        "failed": sum(failures),
    }


def measure_server(command, ports, args, env=None) -> dict:
    inputs = model_inputs()
    results = {}
    with running_server(command, ports["rest"], "cnn", env=env):
        for model, (input_name, value) in inputs.items():
            for protocol in ("rest", "grpc"):
                if protocol == "rest":
                    make = rest_caller(ports["rest"], model, value)
                else:
                    make = grpc_caller(ports["grpc"], model, input_name, value)
                for clients in CONCURRENCY:
                    key = f"{model}/{protocol}/{clients}"
                    results[key] = measure(make, clients, args.seconds)
                    print(f"  {key}: {results[key]['rps']:.0f} req/s", file=sys.stderr)
    return results


def startup_seconds(command: list[str], rest_port: int, runs: int, env=None) -> float | None:
    """Median time from Popen to the first successful half_plus_two REST predict."""
    make = rest_caller(rest_port, "half_plus_two", np.array([1.0, 2.0, 5.0], np.float32))
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=common.REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            times.append(_first_predict(process, make, began))
        finally:
            process.terminate()
            process.wait(10)
    return statistics.median(times) if times else None


def _first_predict(process, make, began: float, timeout: float = 60.0) -> float:
    while time.perf_counter() - began < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode} before its first predict")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if make()():
                return time.perf_counter() - began
        time.sleep(0.005)
    raise RuntimeError("no successful predict within the timeout")


# -- report ----------------------------------------------------------------------------------


def report(results: dict) -> None:
    servers = [name for name in ("ndflow", "ndflow+batch", "tf-python") if name in results["load"]]
    header = ["model/protocol/clients"]
    for server in servers:
        header += [f"{server} req/s", "p50 ms", "p99 ms"]
    rows = []
    for key in results["load"][servers[0]]:
        row = [key]
        for server in servers:
            cell = results["load"][server].get(key)
            row += [f"{cell['rps']:.0f}", f"{cell['p50_ms']:.2f}", f"{cell['p99_ms']:.2f}"]
            if cell["failed"]:
                row[-3] += f" ({cell['failed']} failed)"
        rows.append(row)
    common.print_table(header, rows)
    print()
    for server, seconds in results["startup"].items():
        target = ""
        if server == "ndflow":
            met = common.verdict(seconds < STARTUP_TARGET_SECONDS)
            target = f"  (target < {STARTUP_TARGET_SECONDS:.0f} s: {met})"
        print(f"start to first predict, {server}: {seconds:.3f} s{target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tf-python", help="run the TensorFlow side under this interpreter")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each cell")
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    results = {"load": {}, "startup": {}}
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        paths = build_models(root)
        configs = write_configs(root, paths)
        ports = {"rest": free_port(), "grpc": free_port()}
        for name, batching in (("ndflow", False), ("ndflow+batch", True)):
            print(f"{name}:", file=sys.stderr)
            command = ndflow_command(ports, configs, batching)
            results["load"][name] = measure_server(command, ports, args)
        only_hp2 = {"half_plus_two": paths["half_plus_two"]}
        hp2_configs = write_configs(root / "half_plus_two", only_hp2)
        startup_command = ndflow_command(ports, hp2_configs, batching=False)
        results["startup"]["ndflow"] = startup_seconds(
            startup_command, ports["rest"], args.startup_runs
        )
        if args.tf_python:
            print("tf-python:", file=sys.stderr)
            command = tf_command(args.tf_python, ports, paths)
            results["load"]["tf-python"] = measure_server(command, ports, args, common.tf_env())
            tf_startup = tf_command(args.tf_python, ports, only_hp2)
            results["startup"]["tf-python"] = startup_seconds(
                tf_startup, ports["rest"], args.startup_runs, common.tf_env()
            )
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
