"""Runs the real command line, `python -m ndflow.cli.model_server`, as a subprocess on free
127.0.0.1 ports, for tests that talk to it over sockets the way curl and the official client do.

gRPC port 0 means "no gRPC" to `tensorflow_model_server`, so the test picks both ports itself.
The server opens its ports only once every configured model is AVAILABLE (REST after gRPC), so
the first accepted REST connection means "ready".
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

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
_START_ATTEMPTS = 3


def free_port() -> int:
    """A port nobody listens on right now (a race the start retries absorb)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ModelServerProcess:
    """One `ndflow.cli.model_server` subprocess; `stop()` always ends it (SIGTERM, then kill).

    Args:
      flags: model flags (`--model_config_file=...` or `--model_name`/`--model_base_path`,
        plus any others); ports and hosts are added here.
      log_path: where the server's stdout and stderr go (shown when it fails to start).
      python: the interpreter to run it with (the oracle venv's for conformance tests).
    """

    def __init__(self, flags, log_path, python: str = sys.executable):
        self._flags = list(flags)
        self._log_path = pathlib.Path(log_path)
        self._python = python
        self._process = None
        self.grpc_port = 0
        self.rest_port = 0

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def start(self, timeout: float = 120.0) -> ModelServerProcess:
        for _ in range(_START_ATTEMPTS):
            self.grpc_port, self.rest_port = free_port(), free_port()
            if self.grpc_port != self.rest_port and self._try_start(timeout):
                return self
        raise RuntimeError(f"model server did not start; log:\n{self.log()}")

    def _try_start(self, timeout: float) -> bool:
        command = [
            self._python,
            "-m",
            "ndflow.cli.model_server",
            f"--port={self.grpc_port}",
            f"--rest_api_port={self.rest_port}",
            "--host=127.0.0.1",
            "--rest_api_host=127.0.0.1",
            *self._flags,
        ]
        with open(self._log_path, "ab") as log:
            self._process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False  # e.g. a port taken between free_port() and bind: try new ports
            if self._accepts_connections():
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def _accepts_connections(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.rest_port), timeout=0.5).close()
        except OSError:
            return False
        return True

    def stop(self) -> int | None:
        """SIGTERM (the graceful path under test), then SIGKILL if it hangs; the exit status."""
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

    def request(self, method: str, path: str, body=None, headers=None):
        """(status, body bytes, headers dict with lower-case names) of one REST call."""
        connection = http.client.HTTPConnection("127.0.0.1", self.rest_port, timeout=60)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            got_headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, response.read(), got_headers
        finally:
            connection.close()

    def json(self, method: str, path: str, body=None):
        """(status, parsed JSON body) of one REST call."""
        status, data, _ = self.request(method, path, body)
        return status, json.loads(data)
