"""The REST front end: TF Serving's `/v1/models/...` HTTP API as a plain ASGI app, run by uvicorn.

Mirrors `model_servers/http_rest_api_handler.cc` and `http_server.cc`: the same paths (matched
case-insensitively on the raw path), the same status-code mapping, `{"error": ...}` bodies,
gzip request bodies, CORS headers, the per-request timeout and the Prometheus page. Model calls
run on a worker pool of `rest_api_num_threads`; the event loop only parses and routes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import re
import socket
import threading
import time
import urllib.parse
import zlib

from ndflow.framework import errors
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import get_model_status_pb2
from ndflow.proto import model_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import regression_pb2
from ndflow.serving import config
from ndflow.serving import json_codec

# TF Serving's two API regexes (RE2 FullMatch, case-insensitive).
_PREDICTION_PATH = re.compile(
    r"/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)",
    re.IGNORECASE,
)
_STATUS_PATH = re.compile(
    r"/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?",
    re.IGNORECASE,
)
_API_PREFIX = re.compile(r"/v1/", re.IGNORECASE)

# Canonical code -> HTTP status (http_rest_api_util's ToHTTPStatusCode).
_HTTP_STATUS = {
    errors.OK: 200,
    errors.CANCELLED: 499,
    errors.INVALID_ARGUMENT: 400,
    errors.FAILED_PRECONDITION: 400,
    errors.OUT_OF_RANGE: 400,
    errors.DEADLINE_EXCEEDED: 504,
    errors.NOT_FOUND: 404,
    errors.ALREADY_EXISTS: 409,
    errors.ABORTED: 409,
    errors.PERMISSION_DENIED: 403,
    errors.UNAUTHENTICATED: 401,
    errors.RESOURCE_EXHAUSTED: 429,
    errors.UNIMPLEMENTED: 501,
    errors.UNAVAILABLE: 503,
}
_CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"POST, GET"),
    (b"access-control-allow-headers", b"Content-Type"),
]
_DEFAULT_PROMETHEUS_PATH = "/monitoring/prometheus/metrics"
_INT64_MAX = 2**63 - 1


def http_status(code: int) -> int:
    """The HTTP status TF Serving answers for a canonical error code."""
    return _HTTP_STATUS.get(code, 500)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


@dataclasses.dataclass
class _Reply:
    status: int
    body: bytes
    content_type: bytes = b"application/json"


class _BodyTooLarge(Exception):
    pass


class RestApp:
    """The ASGI application answering TF Serving's REST API for a ServerCore.

    Args:
      core: has `servable(model_spec)` (a context manager yielding a Servable) and
        `model_status(GetModelStatusRequest)`; optionally `metrics` (a ServingMetrics).
      options: a `config.ServerOptions`.
      prometheus_path: the exact path of the Prometheus page, or None when monitoring is off.
    """

    def __init__(self, core, options, prometheus_path: str | None = None):
        self._core = core
        self._cors = bool(options.rest_api_enable_cors_support)
        self._timeout = options.rest_api_timeout_in_ms / 1000.0
        self._max_body = int(getattr(options, "rest_api_max_body_bytes", 64 * 1024 * 1024))
        self._prometheus_path = prometheus_path
        self._metrics = getattr(core, "metrics", None)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, options.rest_api_num_threads), thread_name_prefix="ndflow-rest"
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        reply = await self._reply(scope, receive)
        headers = [
            (b"content-type", reply.content_type),
            (b"content-length", str(len(reply.body)).encode()),
        ]
        if self._cors:
            headers.extend(_CORS_HEADERS)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def _reply(self, scope, receive) -> _Reply:
        path = scope.get("raw_path") or scope["path"].encode()
        path = path.decode("latin-1").split("?", 1)[0]
        method = scope["method"]
        if self._prometheus_path is not None and path == self._prometheus_path:
            return self._prometheus()
        if not _API_PREFIX.match(path):
            return _Reply(404, b"<html><body>Not Found</body></html>", b"text/html")
        if method == "OPTIONS":
            return _preflight(scope)
        start = time.perf_counter()
        model, api = "", ""
        try:
            body = await _read_body(scope, receive, self._max_body)
            model, api, call = self._route(method, path, body)
            response = await self._run(call)
        except _BodyTooLarge:
            return _Reply(413, json_codec.error_response("Request body too large"))
        except errors.OpError as err:
            self._record(model, api, err.error_code, start)
            return _Reply(http_status(err.error_code), json_codec.error_response(err.message))
        self._record(model, api, errors.OK, start)
        return _Reply(200, response)

    def _record(self, model: str, api: str, code: int, start: float) -> None:
        if self._metrics is None:
            return
        self._metrics.record_request(model, api, "REST", code, time.perf_counter() - start)

    def _prometheus(self) -> _Reply:
        if self._metrics is None:
            return _Reply(200, b"", b"text/plain")
        page, content_type = self._metrics.render()
        return _Reply(200, page, content_type.encode())

    async def _run(self, call) -> bytes:
        """Runs a model call on the worker pool under `rest_api_timeout_in_ms`."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, _guarded, call)
        try:
            return await asyncio.wait_for(future, self._timeout if self._timeout > 0 else None)
        except asyncio.TimeoutError:
            raise errors.DeadlineExceededError(None, None, "Deadline Exceeded") from None

    # -- routing ---------------------------------------------------------------------------

    def _route(self, method: str, path: str, body: bytes):
        """(model name, API label, call) for one request, or TF Serving's path error."""
        if method == "POST":
            match = _PREDICTION_PATH.fullmatch(path)
            if match and match.group(4) in ("predict", "classify", "regress"):
                spec = _model_spec(*match.groups()[:3])
                verb = match.group(4)
                return spec.name, verb, lambda: self._inference(verb, spec, body)
        if method == "GET":
            match = _STATUS_PATH.fullmatch(path)
            if match and match.group(4) in (None, "metadata"):
                return self._get_route(match)
        raise _invalid(f"Malformed request: {method} {path}")

    def _get_route(self, match):
        name, version, label, subresource = match.groups()
        if not name:
            raise _invalid("Missing model name in request.")
        spec = _model_spec(name, version, label)
        if subresource == "metadata":
            return spec.name, "metadata", lambda: self._metadata(spec)
        # TF Serving's status endpoint looks only at an explicit version; a label is ignored.
        spec.ClearField("version_label")
        return spec.name, "status", lambda: self._status(spec)

    def _status(self, spec) -> bytes:
        request = get_model_status_pb2.GetModelStatusRequest(model_spec=spec)
        return json_codec.status_response(self._core.model_status(request))

    def _metadata(self, spec) -> bytes:
        request = get_model_metadata_pb2.GetModelMetadataRequest(
            model_spec=spec, metadata_field=["signature_def"]
        )
        with self._core.servable(spec) as servable:
            response = servable.metadata(request)
        return json_codec.metadata_response(response)

    def _inference(self, verb: str, spec, body: bytes) -> bytes:
        doc = json_codec.loads(body)
        spec.signature_name = json_codec.signature_name(doc)
        if verb == "predict":
            return self._predict(spec, doc)
        with self._core.servable(spec) as servable:
            request_input = json_codec.examples_input(doc, verb)
            if verb == "classify":
                request = classification_pb2.ClassificationRequest(
                    model_spec=spec, input=request_input
                )
                return json_codec.classify_response(servable.classify(request).result)
            request = regression_pb2.RegressionRequest(model_spec=spec, input=request_input)
            return json_codec.regress_response(servable.regress(request).result)

    def _predict(self, spec, doc: dict) -> bytes:
        with self._core.servable(spec) as servable:
            key = spec.signature_name or "serving_default"
            signature = servable.signatures.get(key)
            if signature is None:
                raise _invalid(f'Serving signature name: "{key}" not found in signature def')
            inputs, row = json_codec.predict_inputs(doc, signature, key)
            request = predict_pb2.PredictRequest(model_spec=spec, inputs=inputs)
            response = servable.predict(request)
        return json_codec.predict_response(response.outputs, row)


def _guarded(call):
    """Runs `call`; any non-TF exception becomes INTERNAL so one bad request never kills the
    server."""
    try:
        return call()
    except errors.OpError:
        raise
    except Exception as err:  # noqa: BLE001 - a bug must answer 500, not drop the server
        raise errors.InternalError(None, None, f"{type(err).__name__}: {err}") from err


def _model_spec(name: str, version: str | None, label: str | None) -> model_pb2.ModelSpec:
    spec = model_pb2.ModelSpec(name=urllib.parse.unquote(name))
    if version is not None:
        if int(version) > _INT64_MAX:
            raise _invalid(f"Failed to convert version: {version} to numeric.")
        spec.version.value = int(version)
    elif label is not None:
        spec.version_label = urllib.parse.unquote(label)
    return spec


def _preflight(scope) -> _Reply:
    """A CORS preflight: 200 when the Origin header names an http(s) origin."""
    origin = dict(scope.get("headers", ())).get(b"origin", b"")
    if b"http://" in origin or b"https://" in origin:
        return _Reply(200, b"")
    return _Reply(400, json_codec.error_response("Origin header is missing in CORS preflight"))


async def _read_body(scope, receive, limit: int) -> bytes:
    """The request body, gunzipped when `Content-Encoding: gzip`; bodies over `limit` bytes
    (before or after decompression) raise _BodyTooLarge."""
    headers = dict(scope.get("headers", ()))
    if int(headers.get(b"content-length", b"0") or 0) > limit:
        raise _BodyTooLarge
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    if b"gzip" not in headers.get(b"content-encoding", b"").lower():
        return body
    return _gunzip(body, limit)


def _gunzip(body: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, limit + 1)
    except zlib.error as err:
        raise _invalid(f"Failed to decompress gzip request body: {err}") from None
    if len(data) > limit:
        raise _BodyTooLarge
    return data


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


# --- the server ------------------------------------------------------------------------------


class RestServer:
    """A running REST front end: the bound `port`, and `stop(grace_seconds)`."""

    def __init__(self, app: RestApp, server, thread: threading.Thread, port: int):
        self.app = app
        self.port = port
        self._server = server
        self._thread = thread

    def stop(self, grace_seconds: float | None = 5.0) -> None:
        """Stops accepting connections, waits up to `grace_seconds` for in-flight requests."""
        self._server.config.timeout_graceful_shutdown = grace_seconds
        self._server.should_exit = True
        self._thread.join(None if grace_seconds is None else grace_seconds + 5.0)
        self.app.close()

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()


def prometheus_path(options) -> str | None:
    """The Prometheus page path from `--monitoring_config_file`, or None when it is off."""
    if not options.monitoring_config_file:
        return None
    monitoring = config.read_monitoring_config(options.monitoring_config_file)
    if not monitoring.prometheus_config.enable:
        return None
    return monitoring.prometheus_config.path or _DEFAULT_PROMETHEUS_PATH


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only when their
    # proto (inherited from this one) is IPPROTO_TCP. With proto 0, Nagle holds the body write
    # behind the header write until the client's delayed ACK: ~40 ms per keep-alive request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def serve(core, options) -> RestServer:
    """Starts the REST API for `core` on `options.rest_api_host:rest_api_port` (0 picks a free
    port) in a background thread, as `tensorflow_model_server --rest_api_port` does."""
    import uvicorn

    app = RestApp(core, options, prometheus_path(options))
    sock = _bind(options.rest_api_host, options.rest_api_port)
    uv_config = uvicorn.Config(
        app, lifespan="off", log_level="warning", access_log=False, timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(uv_config)
    started = threading.Event()
    thread = threading.Thread(
        target=_run_server, args=(server, sock, started), name="ndflow-rest", daemon=True
    )
    thread.start()
    started.wait()
    return RestServer(app, server, thread, sock.getsockname()[1])


def _run_server(server, sock: socket.socket, started: threading.Event) -> None:
    async def main():
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        started.set()
        await task

    try:
        asyncio.run(main())
    finally:
        started.set()
        sock.close()
