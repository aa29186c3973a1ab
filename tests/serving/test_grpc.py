"""The gRPC front end over real sockets on 127.0.0.1, called with grpc's generic client."""

from __future__ import annotations

import base64
import json
import pathlib
import shutil
import subprocess

import grpc
import numpy as np
import pytest

import ndflow as nd
from ndflow.framework import errors
from ndflow.framework import tensor_util
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import get_model_status_pb2
from ndflow.proto import inference_pb2
from ndflow.proto import model_management_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import regression_pb2
from ndflow.serving import config
from ndflow.serving import grpc_service
from ndflow.serving import metrics
from ndflow.serving import servable
from ndflow.serving import server_core
from ndflow.serving import tensor_codec


class _FakeServable:
    """half_plus_two's Predict, enough to exercise the plumbing without ServerCore."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def predict(self, request):
        if "boom" in request.inputs:
            raise ValueError("a bug in the servable")
        if "long" in request.inputs:
            raise errors.InvalidArgumentError(None, None, "x" * 2000)
        x = tensor_codec.to_numpy(request.inputs["x"], "x")
        response = predict_pb2.PredictResponse()
        response.outputs["y"].CopyFrom(tensor_codec.from_numpy(0.5 * x + 2))
        response.model_spec.name = request.model_spec.name
        response.model_spec.version.value = 123
        response.model_spec.signature_name = "serving_default"
        return response

    def multi_inference(self, request):
        return inference_pb2.MultiInferenceResponse()


class _FakeCore:
    def servable(self, model_spec):
        if model_spec.name != "half_plus_two":
            raise errors.NotFoundError(
                None, None, f"Servable not found for request: Latest({model_spec.name})"
            )
        return _FakeServable()

    def model_status(self, request):
        response = get_model_status_pb2.GetModelStatusResponse()
        response.model_version_status.add(version=123, state=30)
        return response

    def reload_config(self, request):
        response = model_management_pb2.ReloadConfigResponse()
        response.status.error_code = errors.INVALID_ARGUMENT
        response.status.error_message = "ServerModelConfig type not supported"
        return response


def _call(channel, service, method, request, response_class):
    stub = channel.unary_unary(
        f"/{service}/{method}",
        request_serializer=type(request).SerializeToString,
        response_deserializer=response_class.FromString,
    )
    return stub(request, timeout=10)


def _predict(channel, name="half_plus_two", **inputs):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = name
    for alias, value in inputs.items():
        request.inputs[alias].CopyFrom(tensor_codec.from_numpy(np.asarray(value, np.float32)))
    return _call(
        channel,
        grpc_service.PREDICTION_SERVICE,
        "Predict",
        request,
        predict_pb2.PredictResponse,
    )


@pytest.fixture
def fake_server():
    handle = grpc_service.serve(_FakeCore(), config.ServerOptions(port=0, host="127.0.0.1"))
    channel = grpc.insecure_channel(f"127.0.0.1:{handle.port}")
    yield handle, channel
    channel.close()
    handle.stop(0)


def test_free_port_is_picked_and_exposed(fake_server):
    handle, _ = fake_server
    assert handle.port > 0


def test_predict_answers_under_tf_serving_method_name(fake_server):
    _, channel = fake_server
    response = _predict(channel, x=[1.0, 2.0, 5.0])
    assert list(response.outputs["y"].float_val) == [2.5, 3.0, 4.5]
    assert response.model_spec.name == "half_plus_two"
    assert response.model_spec.version.value == 123


def test_not_found_maps_to_grpc_not_found_and_server_keeps_serving(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        _predict(channel, name="nope", x=[1.0])
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert info.value.details() == "Servable not found for request: Latest(nope)"
    assert list(_predict(channel, x=[2.0]).outputs["y"].float_val) == [3.0]


def test_long_message_is_truncated_like_tf_serving(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        _predict(channel, long=[1.0])
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "x" * 1024 + "...TRUNCATED"


def test_unexpected_exception_is_unknown_and_server_keeps_serving(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        _predict(channel, boom=[1.0])
    assert info.value.code() == grpc.StatusCode.UNKNOWN
    assert list(_predict(channel, x=[2.0]).outputs["y"].float_val) == [3.0]


def test_garbage_request_bytes_fail_the_call_not_the_server(fake_server):
    _, channel = fake_server
    stub = channel.unary_unary(f"/{grpc_service.PREDICTION_SERVICE}/Predict")
    with pytest.raises(grpc.RpcError):
        stub(b"\xff\xff\xff", timeout=10)
    assert list(_predict(channel, x=[2.0]).outputs["y"].float_val) == [3.0]


def test_unknown_method_is_unimplemented(fake_server):
    _, channel = fake_server
    stub = channel.unary_unary("/tensorflow.serving.SessionService/SessionRun")
    with pytest.raises(grpc.RpcError) as info:
        stub(b"", timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_model_status_on_model_service(fake_server):
    _, channel = fake_server
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = "half_plus_two"
    response = _call(
        channel,
        grpc_service.MODEL_SERVICE,
        "GetModelStatus",
        request,
        get_model_status_pb2.GetModelStatusResponse,
    )
    assert response.model_version_status[0].version == 123


def test_reload_failure_is_also_the_call_status(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        _call(
            channel,
            grpc_service.MODEL_SERVICE,
            "HandleReloadConfigRequest",
            model_management_pb2.ReloadConfigRequest(),
            model_management_pb2.ReloadConfigResponse,
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "ServerModelConfig type not supported"


def test_multi_inference_without_tasks_is_invalid_argument(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        _call(
            channel,
            grpc_service.PREDICTION_SERVICE,
            "MultiInference",
            inference_pb2.MultiInferenceRequest(),
            inference_pb2.MultiInferenceResponse,
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unix_socket_only_when_port_is_zero(tmp_path):
    socket_path = str(tmp_path / "grpc.sock")
    options = config.ServerOptions(port=0, host="127.0.0.1", grpc_socket_path=socket_path)
    handle = grpc_service.serve(_FakeCore(), options)
    try:
        assert handle.port == 0
        with grpc.insecure_channel(f"unix:{socket_path}") as channel:
            assert list(_predict(channel, x=[1.0]).outputs["y"].float_val) == [2.5]
    finally:
        handle.stop(0)


def _self_signed_certificate(directory):
    """A key and certificate for localhost, made by the openssl command."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key.read_text(), cert.read_text()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_ssl_config_file_serves_tls_only(tmp_path):
    key, cert = _self_signed_certificate(tmp_path)
    ssl_file = tmp_path / "ssl.config"
    ssl_file.write_text(f"server_key: {json.dumps(key)}\nserver_cert: {json.dumps(cert)}\n")
    options = config.ServerOptions(port=0, host="127.0.0.1", ssl_config_file=str(ssl_file))
    handle = grpc_service.serve(_FakeCore(), options)
    try:
        credentials = grpc.ssl_channel_credentials(root_certificates=cert.encode())
        override = (("grpc.ssl_target_name_override", "localhost"),)
        address = f"127.0.0.1:{handle.port}"
        with grpc.secure_channel(address, credentials, options=override) as channel:
            assert list(_predict(channel, x=[1.0]).outputs["y"].float_val) == [2.5]
        with grpc.insecure_channel(address) as channel, pytest.raises(grpc.RpcError):
            _predict(channel, x=[1.0])
    finally:
        handle.stop(0)


def test_ssl_config_without_a_key_fails_the_start(tmp_path):
    ssl_file = tmp_path / "ssl.config"
    ssl_file.write_text('custom_ca: "x"\n')
    options = config.ServerOptions(port=0, host="127.0.0.1", ssl_config_file=str(ssl_file))
    with pytest.raises(errors.InvalidArgumentError, match="server_key and server_cert"):
        grpc_service.serve(_FakeCore(), options)


def test_channel_arguments_parse_ints_and_strings():
    parsed = grpc_service.parse_channel_arguments("grpc.max_concurrent_streams=10, a.b=text")
    assert parsed == {"grpc.max_concurrent_streams": 10, "a.b": "text"}


def test_metadata_request_class_is_registered():
    # GetModelMetadata travels with ndflow's wire-compatible messages.
    methods = grpc_service._PREDICTION_METHODS
    assert methods["GetModelMetadata"][0] is get_model_metadata_pb2.GetModelMetadataRequest


def test_requests_are_counted_in_the_cores_metrics():
    core = _FakeCore()
    core.metrics = metrics.ServingMetrics()
    handle = grpc_service.serve(core, config.ServerOptions(port=0, host="127.0.0.1"))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
            _predict(channel, x=[1.0])
            with pytest.raises(grpc.RpcError):
                _predict(channel, name="nope", x=[1.0])
    finally:
        handle.stop(0)
    text = core.metrics.render()[0].decode()
    assert 'request_count{model_name="half_plus_two",status="OK"} 1' in text
    assert 'request_count{model_name="nope",status="NOT_FOUND"} 1' in text


# ---------------------------------------------------------------- the TF-made half_plus_two

_HALF_PLUS_TWO = pathlib.Path(__file__).parent.parent / "fixtures" / "savedmodel_v1_half_plus_two"
_EXAMPLES = [
    base64.b64decode(text)
    for text in json.loads((_HALF_PLUS_TWO / "expected.json").read_text())["classify"][
        "serialized_examples_b64"
    ]
]


class _OneModelCore:
    """Stands in for ServerCore: one loaded Servable, looked up by name."""

    def __init__(self, model):
        self.model = model

    def servable(self, model_spec):
        if model_spec.name != self.model.name:
            raise errors.NotFoundError(
                None, None, f"Servable not found for request: Latest({model_spec.name})"
            )
        return self.model


@pytest.fixture(scope="module")
def model_channel():
    graph = nd.Graph()
    session = nd.Session(graph=graph)
    meta_graph = nd.saved_model.loader.load(session, ["serve"], str(_HALF_PLUS_TWO / "00000123"))
    core = _OneModelCore(servable.Servable("half_plus_two", 123, session, meta_graph))
    handle = grpc_service.serve(core, config.ServerOptions(port=0, host="127.0.0.1"))
    channel = grpc.insecure_channel(f"127.0.0.1:{handle.port}")
    yield channel
    channel.close()
    handle.stop(0)


def _with_examples(request):
    for serialized in _EXAMPLES:
        request.input.example_list.examples.add().ParseFromString(serialized)
    return request


def test_model_predict_from_tensor_content_answers_float_val(model_channel):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "half_plus_two"
    request.inputs["x"].CopyFrom(tensor_util.make_tensor_proto([[1.0], [2.0], [5.0]]))
    assert request.inputs["x"].tensor_content  # the official client's encoding
    response = _call(
        model_channel,
        grpc_service.PREDICTION_SERVICE,
        "Predict",
        request,
        predict_pb2.PredictResponse,
    )
    assert list(response.outputs["y"].float_val) == [2.5, 3.0, 4.5]
    assert [d.size for d in response.outputs["y"].tensor_shape.dim] == [3, 1]
    assert response.model_spec.signature_name == "serving_default"
    assert response.model_spec.version.value == 123


def test_model_predict_unknown_signature_is_failed_precondition(model_channel):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "half_plus_two"
    request.model_spec.signature_name = "nope"
    request.inputs["x"].CopyFrom(tensor_codec.from_numpy(np.float32(1.0)))
    with pytest.raises(grpc.RpcError) as info:
        _call(
            model_channel,
            grpc_service.PREDICTION_SERVICE,
            "Predict",
            request,
            predict_pb2.PredictResponse,
        )
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == 'Serving signature key "nope" not found.'


def test_model_classify_and_regress(model_channel):
    classify = _with_examples(classification_pb2.ClassificationRequest())
    classify.model_spec.name = "half_plus_two"
    classify.model_spec.signature_name = "classify_x_to_y"
    response = _call(
        model_channel,
        grpc_service.PREDICTION_SERVICE,
        "Classify",
        classify,
        classification_pb2.ClassificationResponse,
    )
    scores = [c.classes[0].score for c in response.result.classifications]
    assert scores == [2.5, 3.0, 4.5]
    regress = _with_examples(regression_pb2.RegressionRequest())
    regress.model_spec.name = "half_plus_two"
    regress.model_spec.signature_name = "regress_x_to_y"
    response = _call(
        model_channel,
        grpc_service.PREDICTION_SERVICE,
        "Regress",
        regress,
        regression_pb2.RegressionResponse,
    )
    assert [r.value for r in response.result.regressions] == [2.5, 3.0, 4.5]


def test_model_metadata_packs_tf_serving_type_url(model_channel):
    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
    request.model_spec.name = "half_plus_two"
    response = _call(
        model_channel,
        grpc_service.PREDICTION_SERVICE,
        "GetModelMetadata",
        request,
        get_model_metadata_pb2.GetModelMetadataResponse,
    )
    packed = response.metadata["signature_def"]
    assert packed.type_url == "type.googleapis.com/tensorflow.serving.SignatureDefMap"
    signatures = get_model_metadata_pb2.SignatureDefMap.FromString(packed.value)
    assert "serving_default" in signatures.signature_def
    assert response.model_spec.version.value == 123


def test_health_service_reports_serving_when_enabled():
    options = config.ServerOptions(port=0, host="127.0.0.1", enable_grpc_healthcheck_service=True)
    handle = grpc_service.serve(_FakeCore(), options)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            # HealthCheckRequest{service: "PredictionService"} -> HealthCheckResponse{SERVING}
            assert check(b"\n\x11PredictionService", timeout=10) == b"\x08\x01"
            with pytest.raises(grpc.RpcError) as info:
                check(b"\n\x04nope", timeout=10)
            assert info.value.code() == grpc.StatusCode.NOT_FOUND
    finally:
        handle.stop(0)


def test_health_service_absent_by_default(fake_server):
    _, channel = fake_server
    with pytest.raises(grpc.RpcError) as info:
        channel.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


# ---------------------------------------------------------------- through S1's ServerCore


@pytest.fixture(scope="module")
def core_channel():
    options = config.parse_flags(
        ["--port=0", "--host=127.0.0.1", f"--model_base_path={_HALF_PLUS_TWO}"]
    )
    core = server_core.ServerCore(options)
    core.start(timeout=60)
    handle = grpc_service.serve(core, options)
    channel = grpc.insecure_channel(f"127.0.0.1:{handle.port}")
    yield channel
    channel.close()
    handle.stop(0)
    core.stop()


def test_core_predict_and_status(core_channel):
    response = _predict(core_channel, name="default", x=[1.0, 2.0, 5.0])
    assert list(response.outputs["y"].float_val) == [2.5, 3.0, 4.5]
    assert response.model_spec.version.value == 123
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = "default"
    status = _call(
        core_channel,
        grpc_service.MODEL_SERVICE,
        "GetModelStatus",
        request,
        get_model_status_pb2.GetModelStatusResponse,
    )
    [version] = status.model_version_status
    assert (version.version, version.state, version.status.error_code) == (123, 30, 0)


def test_core_unknown_version_is_not_found(core_channel):
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = "default"
    request.model_spec.version.value = 7
    with pytest.raises(grpc.RpcError) as info:
        _call(
            core_channel,
            grpc_service.MODEL_SERVICE,
            "GetModelStatus",
            request,
            get_model_status_pb2.GetModelStatusResponse,
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert info.value.details() == "Could not find version 7 of model default"
