"""The model server under load while versions come and go (issue 7, "Reliability").

A real `ndflow.cli.model_server` runs in a subprocess, so its RSS (`/proc/<pid>/status`) is
the server's alone. Keep-alive REST clients (http.client) and gRPC clients (generic unary
calls) predict without pause while new version directories appear and old ones are removed.
Each version answers its own number in a `version` output, so a client sees which one served.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import grpc
import numpy as np

import ndflow as tf
from ndflow.proto import predict_pb2
from ndflow.serving import grpc_service
from ndflow.serving import rest
from ndflow.serving import tensor_codec

_MODEL = "half_plus_two"
_POLL_SECONDS = 0.2
# Poll period + manager tick + loading an 8 MB version on a busy 2-core machine, with margin.
_SERVE_DEADLINE = _POLL_SECONDS + 3.0
_SWAPS = 20
_BASELINE_AFTER_SWAPS = 3
# Each version holds 8 MB of weights. Two versions are resident around a swap, and the
# allocator keeps some freed arenas, so a healthy server drifts by a few MB; a server that
# leaked every unloaded version would grow by 17 x 8 = 136 MB between swap 3 and swap 20.
_WEIGHT_ELEMENTS = 2 * 1024 * 1024
_RSS_GROWTH_BOUND_KB = 60 * 1024
_X = [1.0, 2.0, 5.0]
_Y = [2.5, 3.0, 4.5]
_REST_BODY = json.dumps({"inputs": {"x": _X}}).encode()
_JSON_HEADERS = {"Content-Type": "application/json"}


# -- models -----------------------------------------------------------------------------------


def _build_version(export_dir: str, version: int) -> None:
    """half_plus_two whose signature also answers `version`, with 8 MB of restored weights so
    a version that is never freed shows in the server's RSS."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.add(tf.multiply(x, 0.5), 2.0, name="y")
        tf.Variable(tf.fill([_WEIGHT_ELEMENTS], float(version)), name="weights")
        answered = tf.constant(version, tf.int64, name="version")
        signature = tf.saved_model.predict_signature_def({"x": x}, {"y": y, "version": answered})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
            builder.add_meta_graph_and_variables(
                sess, ["serve"], signature_def_map={"serving_default": signature}
            )
            builder.save()


def _publish_version(tmp_path, version: int, corrupt: bool = False) -> None:
    """Builds a version aside and renames it into the base path, as deployments do, so the
    poller never sees a half-written directory."""
    staged = str(tmp_path / "staging" / str(version))
    _build_version(staged, version)
    if corrupt:
        with open(os.path.join(staged, "saved_model.pb"), "wb") as pb:
            pb.write(b"\x0a\xff\xff\xff this is not a SavedModel")
    (tmp_path / "models").mkdir(exist_ok=True)
    os.rename(staged, str(tmp_path / "models" / str(version)))


# -- the server process ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server:
    def __init__(self, process, log_path, rest_port: int, grpc_port: int):
        self.process = process
        self.log_path = log_path
        self.rest_port = rest_port
        self.grpc_port = grpc_port

    def rss_kb(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS line")

    def log_tail(self) -> str:
        with open(self.log_path, errors="replace") as log:
            return log.read()[-3000:]


def _wait_until_up(server: _Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server exited at startup:\n{server.log_tail()}")
        try:
            _status(server.rest_port)
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"server did not answer within 30 s:\n{server.log_tail()}")


@contextlib.contextmanager
def _running_server(tmp_path, *extra_flags):
    rest_port, grpc_port = _free_port(), _free_port()
    argv = [
        sys.executable,
        "-m",
        "ndflow.cli.model_server",
        f"--port={grpc_port}",
        f"--rest_api_port={rest_port}",
        "--host=127.0.0.1",
        "--rest_api_host=127.0.0.1",
        f"--model_name={_MODEL}",
        f"--model_base_path={tmp_path / 'models'}",
        f"--file_system_poll_wait_seconds={_POLL_SECONDS}",
        *extra_flags,
    ]
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    server = _Server(process, log_path, rest_port, grpc_port)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(rest_port: int) -> dict:
    """{version: (state, error_code, error_message)} from REST GET /v1/models/<model>."""
    connection = http.client.HTTPConnection("127.0.0.1", rest_port, timeout=10)
    try:
        connection.request("GET", f"/v1/models/{_MODEL}")
        body = connection.getresponse().read()
    finally:
        connection.close()
    return {
        int(entry["version"]): (
            entry["state"],
            entry["status"].get("error_code", "OK"),
            entry["status"].get("error_message", ""),
        )
        for entry in json.loads(body)["model_version_status"]
    }


def _state(rest_port: int, version: int) -> str | None:
    entry = _status(rest_port).get(version)
    return entry[0] if entry else None


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# -- clients --------------------------------------------------------------------------------


class _Tally:
    """What every client saw: request counts, failures, and when each version first answered."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests = {"REST": 0, "gRPC": 0}
        self.failures: list = []
        self.first_answer: dict = {}  # version -> time.monotonic()
        self.last_version = {}  # client name -> version of its latest answer

    def answered(self, client: str, protocol: str, y, version: int) -> None:
        if list(y) != _Y:
            self.failed(f"{client}: wrong prediction {list(y)} from version {version}")
            return
        with self._lock:
            self.requests[protocol] += 1
            self.first_answer.setdefault(version, time.monotonic())
            self.last_version[client] = version

    def failed(self, message: str) -> None:
        with self._lock:
            self.failures.append(message)

    def total(self) -> int:
        with self._lock:
            return sum(self.requests.values())


def _rest_client(name: str, port: int, tally: _Tally, stop: threading.Event) -> None:
    """Predicts over one keep-alive connection until `stop`; a broken connection is a failure
    and is reopened."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        try:
            connection.request("POST", f"/v1/models/{_MODEL}:predict", _REST_BODY, _JSON_HEADERS)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.failed(f"{name}: {type(error).__name__}: {error}")
            connection.close()
            continue
        if response.status != 200:
            tally.failed(f"{name}: HTTP {response.status}: {body[:300]!r}")
            continue
        outputs = json.loads(body)["outputs"]
        tally.answered(name, "REST", outputs["y"], outputs["version"])
    connection.close()


def _grpc_client(name: str, port: int, tally: _Tally, stop: threading.Event) -> None:
    request = predict_pb2.PredictRequest()
    request.model_spec.name = _MODEL
    request.inputs["x"].CopyFrom(tensor_codec.from_numpy(np.asarray(_X, np.float32)))
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        predict = channel.unary_unary(
            f"/{grpc_service.PREDICTION_SERVICE}/Predict",
            request_serializer=predict_pb2.PredictRequest.SerializeToString,
            response_deserializer=predict_pb2.PredictResponse.FromString,
        )
        while not stop.is_set():
            try:
                response = predict(request, timeout=10)
            except grpc.RpcError as error:
                tally.failed(f"{name}: {error.code()}: {error.details()}")
                continue
            version = response.outputs["version"].int64_val[0]
            if response.model_spec.version.value != version:
                tally.failed(f"{name}: model_spec says {response.model_spec.version.value}")
            tally.answered(name, "gRPC", response.outputs["y"].float_val, version)


@contextlib.contextmanager
def _clients(server: _Server, rest_count: int, grpc_count: int):
    tally, stop = _Tally(), threading.Event()
    threads = [
        threading.Thread(target=_rest_client, args=(f"rest-{i}", server.rest_port, tally, stop))
        for i in range(rest_count)
    ] + [
        threading.Thread(target=_grpc_client, args=(f"grpc-{i}", server.grpc_port, tally, stop))
        for i in range(grpc_count)
    ]
    for thread in threads:
        thread.start()
    try:
        yield tally
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)


def _wait_for_more_answers(tally: _Tally, count: int) -> None:
    target = tally.total() + count
    _wait_for(lambda: tally.total() >= target, 10, f"{count} more answers")


# -- tests ----------------------------------------------------------------------------------


def test_rest_listener_is_tcp_so_accepted_sockets_get_nodelay():
    # asyncio sets TCP_NODELAY on an accepted socket only when its proto is IPPROTO_TCP;
    # without it every keep-alive response waited ~40 ms for the client's delayed ACK.
    with contextlib.closing(rest._bind("127.0.0.1", 0)) as listener:
        assert listener.proto == socket.IPPROTO_TCP


def _swap(server: _Server, tally: _Tally, tmp_path, version: int) -> float:
    """Publishes `version`, waits for a client to be answered by it, removes the previous
    directory and waits for the previous version to unload; returns the time to first answer."""
    published = time.monotonic()
    _publish_version(tmp_path, version)
    answered = _wait_for(
        lambda: tally.first_answer.get(version), _SERVE_DEADLINE, f"version {version} to serve"
    )
    shutil.rmtree(tmp_path / "models" / str(version - 1))
    _wait_for(
        lambda: _state(server.rest_port, version - 1) == "END",
        10,
        f"version {version - 1} to unload",
    )
    return answered - published


def test_twenty_version_swaps_under_load_fail_no_request_and_keep_rss_bounded(tmp_path):
    _publish_version(tmp_path, 1)
    with _running_server(tmp_path) as server, _clients(server, 4, 4) as tally:
        _wait_for_more_answers(tally, 50)
        delays, baseline_kb = [], None
        for version in range(2, 2 + _SWAPS):
            delays.append(_swap(server, tally, tmp_path, version))
            if version == 1 + _BASELINE_AFTER_SWAPS:
                baseline_kb = server.rss_kb()
        _wait_for_more_answers(tally, 50)
        final_kb = server.rss_kb()
        status = _status(server.rest_port)
    figures = (
        f"requests {tally.requests}, time to serve a new version max {max(delays):.2f} s, "
        f"RSS after {_BASELINE_AFTER_SWAPS} swaps {baseline_kb} kB, after {_SWAPS} {final_kb} kB"
    )
    print(figures)
    assert tally.failures == [], figures
    assert min(tally.requests.values()) > 0, figures
    assert set(tally.last_version.values()) == {1 + _SWAPS}, figures
    assert status[1 + _SWAPS][0] == "AVAILABLE"
    assert all(status[v][0] == "END" for v in range(1, 1 + _SWAPS))
    assert max(delays) < _SERVE_DEADLINE, figures
    assert final_kb - baseline_kb < _RSS_GROWTH_BOUND_KB, figures


def test_version_that_fails_to_load_leaves_previous_serving_with_error_status(tmp_path):
    _publish_version(tmp_path, 1)
    retries = ["--max_num_load_retries=1", "--load_retry_interval_micros=50000"]
    with _running_server(tmp_path, *retries) as server, _clients(server, 1, 1) as tally:
        _publish_version(tmp_path, 2, corrupt=True)
        _wait_for(lambda: _state(server.rest_port, 2) == "END", 10, "version 2 to fail")
        _wait_for_more_answers(tally, 20)
        status = _status(server.rest_port)
        served_while_broken = set(tally.first_answer)
        # A good version after the broken one is picked up as usual.
        _publish_version(tmp_path, 3)
        _wait_for(lambda: tally.first_answer.get(3), _SERVE_DEADLINE, "version 3 to serve")
    assert tally.failures == []
    assert served_while_broken == {1}
    assert status[1][0] == "AVAILABLE"
    state, code, message = status[2]
    assert (state, code) == ("END", "DATA_LOSS")
    assert "saved_model.pb" in message
