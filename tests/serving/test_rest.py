"""The REST front end over real sockets on 127.0.0.1 (spec section 1), with http.client."""

from __future__ import annotations

import gzip
import http.client
import json
import pathlib
import threading

import pytest

from ndflow.framework import errors
from ndflow.proto import get_model_status_pb2
from ndflow.serving import config
from ndflow.serving import loader
from ndflow.serving import metrics
from ndflow.serving import rest
from ndflow.serving import server_core

FIXTURE = pathlib.Path(__file__).parents[1] / "fixtures" / "savedmodel_v1_half_plus_two"


class FakeCore:
    """ServerCore's two REST-facing calls over one loaded half_plus_two version."""

    def __init__(self, servable):
        self._servable = servable
        self.metrics = metrics.ServingMetrics()

    def servable(self, spec):
        if spec.name != "half_plus_two" or spec.version.value not in (0, 123):
            what = f"Specific({spec.name}, {spec.version.value})" if spec.version.value else ""
            what = what or f"Latest({spec.name})"
            raise errors.NotFoundError(None, None, f"Servable not found for request: {what}")
        return self._servable

    def model_status(self, request):
        spec = request.model_spec
        if spec.name != "half_plus_two":
            raise errors.NotFoundError(
                None, None, f"Could not find any versions of model {spec.name}"
            )
        if spec.HasField("version") and spec.version.value != 123:
            raise errors.NotFoundError(
                None, None, f"Could not find version {spec.version.value} of model {spec.name}"
            )
        response = get_model_status_pb2.GetModelStatusResponse()
        response.model_version_status.add(
            version=123, state=get_model_status_pb2.ModelVersionStatus.AVAILABLE
        )
        return response


def _options(**overrides) -> config.ServerOptions:
    return config.ServerOptions(rest_api_port=0, rest_api_host="127.0.0.1", **overrides)


@pytest.fixture(scope="module")
def servable():
    options = _options(enable_model_warmup=False)
    return loader.load_servable("half_plus_two", 123, str(FIXTURE / "00000123"), options)


@pytest.fixture(scope="module")
def server(servable, tmp_path_factory):
    monitoring = tmp_path_factory.mktemp("monitoring") / "monitoring.txt"
    monitoring.write_text('prometheus_config { enable: true path: "/monitoring/metrics" }\n')
    handle = rest.serve(
        FakeCore(servable),
        _options(
            rest_api_enable_cors_support=True,
            rest_api_max_body_bytes=4096,
            monitoring_config_file=str(monitoring),
        ),
    )
    yield handle
    handle.stop(1.0)


def _request(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def _json(server, method, path, body=None, headers=None):
    status, data, _ = _request(server, method, path, body, headers)
    return status, json.loads(data)


def test_seed_curl_example(server):
    status, body, headers = _request(
        server, "POST", "/v1/models/half_plus_two:predict", b'{"instances": [1.0, 2.0, 5.0]}'
    )
    assert status == 200
    assert body == b'{"predictions": [2.5, 3.0, 4.5]}'
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "path, body, expected",
    [
        (
            "/v1/models/half_plus_two:predict",
            {"instances": [2.0, 3.0, 4.0]},
            {"predictions": [3.0, 3.5, 4.0]},
        ),
        (
            "/v1/models/half_plus_two:predict",
            {"inputs": [2.0, 3.0, 4.0]},
            {"outputs": [3.0, 3.5, 4.0]},
        ),
        (
            "/v1/models/half_plus_two:predict",
            {"instances": [[1.0, 2.0], [3.0, 4.0]]},
            {"predictions": [[2.5, 3.0], [3.5, 4.0]]},
        ),
        (
            "/v1/models/half_plus_two/versions/123:predict",
            {"signature_name": "serving_default", "inputs": {"x": [[1.0], [2.0]]}},
            {"outputs": [[2.5], [3.0]]},
        ),
        (
            "/v1/models/half_plus_two:classify",
            {"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}, {"x": 5.0}]},
            {"results": [[["", 3.0]], [["", 4.5]]]},
        ),
        (
            "/v1/models/half_plus_two:regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}], "context": {"x2": 1.0}},
            {"results": [3.0]},
        ),
        ("/V1/MODELS/half_plus_two:predict", {"inputs": 2.0}, {"outputs": 3.0}),
    ],
)
def test_spec_examples(server, path, body, expected):
    assert _json(server, "POST", path, json.dumps(body)) == (200, expected)


@pytest.mark.parametrize(
    "method, path, body, status, message",
    [
        (
            "POST",
            "/v1/models/half:predict",
            b'{"instances": [1.0]}',
            404,
            "Servable not found for request: Latest(half)",
        ),
        (
            "POST",
            "/v1/models/half_plus_two/versions/7:predict",
            b'{"inputs": 1.0}',
            404,
            "Specific(half_plus_two, 7)",
        ),
        ("POST", "/v1/models/half_plus_two:PREDICT", b"{}", 400, "Malformed request: POST"),
        ("GET", "/v1/models/half_plus_two:predict", None, 400, "Malformed request: GET"),
        ("POST", "/v1/models/half_plus_two/metadata", b"{}", 400, "Malformed request"),
        ("GET", "/v1/models/half_plus_two/", None, 400, "Malformed request"),
        ("GET", "/v1/models/half_plus_two/version/1", None, 400, "Malformed request"),
        ("PUT", "/v1/models/half_plus_two", b"", 400, "Malformed request: PUT"),
        ("GET", "/v1/models", None, 400, "Missing model name in request."),
        (
            "GET",
            "/v1/models/half_plus_two/versions/99999999999999999999",
            None,
            400,
            "Failed to convert version",
        ),
        (
            "POST",
            "/v1/models/half_plus_two:predict",
            b"",
            400,
            "JSON Parse error: The document is empty",
        ),
        ("POST", "/v1/models/half_plus_two:predict", b"{nope", 400, "JSON Parse error"),
        (
            "POST",
            "/v1/models/half_plus_two:predict",
            b'{"instances": ["x", "y"]}',
            400,
            "is not of expected type: float",
        ),
        (
            "POST",
            "/v1/models/half_plus_two:predict",
            b'{"signature_name": "nope", "inputs": 1}',
            400,
            'Serving signature name: "nope" not found',
        ),
        (
            "POST",
            "/v1/models/half_plus_two:classify",
            b'{"examples": [{"x": 2.0}]}',
            400,
            "No classification inputs found",
        ),
        (
            "POST",
            "/v1/models/half_plus_two:classify",
            b'{"signature_name": "classify_x_to_y", "examples": [{"x": 2}]}',
            400,
            "Data types don't match",
        ),
        (
            "POST",
            "/v1/models/half_plus_two:regress",
            b'{"signature_name": "regress_x_to_y"}',
            400,
            "key 'examples' is expected",
        ),
        ("GET", "/v1/models/nope", None, 404, "Could not find any versions of model nope"),
        (
            "GET",
            "/v1/models/half_plus_two/versions/5",
            None,
            404,
            "Could not find version 5 of model half_plus_two",
        ),
    ],
)
def test_errors_and_the_server_keeps_serving(server, method, path, body, status, message):
    got_status, doc = _json(server, method, path, body)
    assert got_status == status
    assert message in doc["error"]
    assert _json(server, "POST", "/v1/models/half_plus_two:predict", b'{"inputs": [1.0]}') == (
        200,
        {"outputs": [2.5]},
    )


def test_model_status_and_the_label_quirk(server):
    expected = {
        "model_version_status": [
            {
                "version": "123",
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
        ]
    }
    assert _json(server, "GET", "/v1/models/half_plus_two") == (200, expected)
    assert _json(server, "GET", "/v1/models/half_plus_two/versions/123") == (200, expected)
    # An unknown label on the status endpoint is ignored (TF Serving's quirk).
    assert _json(server, "GET", "/v1/models/half_plus_two/labels/whatever") == (200, expected)


def test_metadata_lists_every_signature_in_proto3_json(server):
    status, doc = _json(server, "GET", "/v1/models/half_plus_two/versions/123/metadata")
    assert status == 200
    assert doc["model_spec"] == {"name": "half_plus_two", "signature_name": "", "version": "123"}
    signatures = doc["metadata"]["signature_def"]["signature_def"]
    assert {"serving_default", "classify_x_to_y", "regress_x_to_y"} <= set(signatures)
    x = signatures["serving_default"]["inputs"]["x"]
    assert x["dtype"] == "DT_FLOAT" and x["name"] == "x:0"
    assert x["tensor_shape"]["dim"][0] == {"size": "-1", "name": ""}
    assert x["tensor_shape"]["unknown_rank"] is False


def test_gzip_request_body(server):
    body = gzip.compress(b'{"instances": [1.0, 2.0, 5.0]}')
    status, data, _ = _request(
        server, "POST", "/v1/models/half_plus_two:predict", body, {"Content-Encoding": "gzip"}
    )
    assert (status, data) == (200, b'{"predictions": [2.5, 3.0, 4.5]}')


def test_oversized_bodies_get_413(server):
    big = b'{"inputs": [' + b"1.0, " * 2000 + b"1.0]}"
    assert _json(server, "POST", "/v1/models/half_plus_two:predict", big)[0] == 413
    bomb = gzip.compress(big)
    assert len(bomb) < 4096
    status, _ = _json(
        server, "POST", "/v1/models/half_plus_two:predict", bomb, {"Content-Encoding": "gzip"}
    )
    assert status == 413


def test_cors_headers_and_preflight(server):
    _, _, headers = _request(server, "GET", "/v1/models/half_plus_two")
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-allow-methods"] == "POST, GET"
    assert headers["access-control-allow-headers"] == "Content-Type"
    preflight = {"Origin": "http://example.com"}
    assert (
        _request(server, "OPTIONS", "/v1/models/half_plus_two:predict", None, preflight)[0] == 200
    )
    assert _request(server, "OPTIONS", "/v1/models/half_plus_two:predict")[0] == 400


def test_paths_outside_v1_are_plain_404(server):
    status, body, headers = _request(server, "GET", "/v2/models/half_plus_two")
    assert status == 404
    assert headers["content-type"] != "application/json"


def test_prometheus_page_counts_rest_requests(server):
    _request(server, "POST", "/v1/models/half_plus_two:predict", b'{"inputs": [1.0]}')
    status, body, headers = _request(server, "GET", "/monitoring/metrics")
    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    assert b':tensorflow:serving:request_count{model_name="half_plus_two",status="OK"}' in body
    assert b'API="predict",entrypoint="REST"' in body


class _SlowServable:
    """Holds each predict until released, to outlive rest_api_timeout_in_ms."""

    def __init__(self, servable, release: threading.Event):
        self._servable = servable
        self._release = release
        self.signatures = servable.signatures

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def predict(self, request):
        self._release.wait(10)
        return self._servable.predict(request)


def test_timeout_is_504_and_the_server_recovers(servable):
    release = threading.Event()
    handle = rest.serve(
        FakeCore(_SlowServable(servable, release)), _options(rest_api_timeout_in_ms=100)
    )
    try:
        status, doc = _json(handle, "POST", "/v1/models/half_plus_two:predict", b'{"inputs": 1.0}')
        assert status == 504
        release.set()
        assert _json(handle, "POST", "/v1/models/half_plus_two:predict", b'{"inputs": 1.0}') == (
            200,
            {"outputs": 2.5},
        )
    finally:
        release.set()
        handle.stop(1.0)


def test_seed_curl_example_on_the_real_server_core():
    options = _options(
        model_name="half_plus_two", model_base_path=str(FIXTURE), enable_model_warmup=False
    )
    core = server_core.ServerCore(options)
    core.start(timeout=60)
    handle = rest.serve(core, options)
    try:
        status, body, _ = _request(
            handle, "POST", "/v1/models/half_plus_two:predict", b'{"instances": [1.0, 2.0, 5.0]}'
        )
        assert (status, body) == (200, b'{"predictions": [2.5, 3.0, 4.5]}')
        status, doc = _json(handle, "GET", "/v1/models/half_plus_two")
        assert status == 200
        assert doc["model_version_status"][0]["version"] == "123"
        assert doc["model_version_status"][0]["state"] == "AVAILABLE"
        status, doc = _json(handle, "GET", "/v1/models/half_plus_two/metadata")
        assert status == 200 and doc["model_spec"]["version"] == "123"
    finally:
        handle.stop(1.0)
        core.stop()
