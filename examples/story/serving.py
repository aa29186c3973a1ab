"""Stage 5 and 7 of the demo: `ndflow serve` in a subprocess on free ports, TF Serving's REST
and gRPC predict calls against it, and a clean shutdown.

The clients are what a TensorFlow Serving user writes: JSON over HTTP to
`/v1/models/<name>:predict`, and a `PredictRequest` to
`/tensorflow.serving.PredictionService/Predict` (ndflow's protos have TF Serving's field
numbers, so `tensorflow-serving-api`'s messages work the same).
"""

from __future__ import annotations

import http.client
import json
import pathlib
import signal
import socket
import subprocess
import sys
import time

import numpy as np

import ndflow as tf
from ndflow.proto import predict_pb2

PREDICT_METHOD = "/tensorflow.serving.PredictionService/Predict"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command() -> list[str]:
    """`ndflow serve` from this interpreter's environment (the console script when installed)."""
    script = pathlib.Path(sys.executable).with_name("ndflow")
    if script.exists():
        return [str(script), "serve"]
    return [sys.executable, "-m", "ndflow.cli", "serve"]


class ModelServer:
    """`ndflow serve --model_name=<name> --model_base_path=<base>` on free 127.0.0.1 ports.

    `start()` returns once the model is AVAILABLE; `stop()` sends SIGTERM and returns the
    exit status (0 is a clean shutdown).
    """

    def __init__(self, name: str, base_path: pathlib.Path, log_path: pathlib.Path, env=None):
        self.name = name
        self._base_path = base_path
        self._log_path = log_path
        self._env = env
        self._process = None
        self.grpc_port = self.rest_port = 0

    def start(self, timeout: float = 60.0, attempts: int = 3) -> ModelServer:
        for _ in range(attempts):
            self.grpc_port, self.rest_port = free_port(), free_port()
            if self.grpc_port != self.rest_port and self._try_start(timeout):
                return self
        raise RuntimeError(f"ndflow serve did not start; its log:\n{self.log()}")

    def _try_start(self, timeout: float) -> bool:
        command = [
            *serve_command(),
            f"--port={self.grpc_port}",
            f"--rest_api_port={self.rest_port}",
            "--host=127.0.0.1",
            "--rest_api_host=127.0.0.1",
            f"--model_name={self.name}",
            f"--model_base_path={self._base_path.resolve()}",
        ]
        with open(self._log_path, "ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self._env
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False  # a port taken between free_port() and bind: try others
            if self._model_available():
                return True
            time.sleep(0.1)
        self.stop()
        return False

    def _model_available(self) -> bool:
        try:
            status, body = self.rest("GET", f"/v1/models/{self.name}")
        except OSError:
            return False
        states = [version["state"] for version in body.get("model_version_status", [])]
        return status == 200 and "AVAILABLE" in states

    def rest(self, method: str, path: str, body=None) -> tuple[int, dict]:
        """(status, parsed JSON) of one REST call."""
        connection = http.client.HTTPConnection("127.0.0.1", self.rest_port, timeout=30)
        try:
            connection.request(method, path, body=None if body is None else json.dumps(body))
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def rest_predict(self, images: np.ndarray) -> list[dict]:
        """The REST predict API's row format: one {"probability": [p], "class": [c]} per image."""
        request = {"signature_name": "serving_default", "instances": images.tolist()}
        status, body = self.rest("POST", f"/v1/models/{self.name}:predict", request)
        if status != 200:
            raise RuntimeError(f"REST predict answered {status}: {body}")
        return body["predictions"]

    def grpc_predict(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """PredictionService.Predict over gRPC: output name -> array."""
        import grpc  # the server's dependency; imported when a client needs it

        request = predict_pb2.PredictRequest()
        request.model_spec.name = self.name
        request.model_spec.signature_name = "serving_default"
        request.inputs["image"].CopyFrom(tf.make_tensor_proto(images.astype(np.float32)))
        with grpc.insecure_channel(f"127.0.0.1:{self.grpc_port}") as channel:
            predict = channel.unary_unary(
                PREDICT_METHOD,
                request_serializer=predict_pb2.PredictRequest.SerializeToString,
                response_deserializer=predict_pb2.PredictResponse.FromString,
            )
            response = predict(request, timeout=30)
        return {key: tf.make_ndarray(value) for key, value in response.outputs.items()}

    def stop(self) -> int | None:
        """SIGTERM, the graceful path; SIGKILL only if it hangs. The exit status."""
        if self._process is None:
            return None
        process, self._process = self._process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait(timeout=10)

    def log(self) -> str:
        if not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")
