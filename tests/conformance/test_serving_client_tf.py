"""The official `tensorflow-serving-api` client against an ndflow model server (oracle venv only:
`make conformance`): Predict, Classify, Regress, GetModelMetadata and GetModelStatus over gRPC
on 127.0.0.1 answer as TF Serving does for the TF-made half_plus_two (version 123)."""

from __future__ import annotations

import base64
import json
import pathlib

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf = pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_serving")

import grpc  # noqa: E402
from tensorflow_serving.apis import classification_pb2  # noqa: E402
from tensorflow_serving.apis import get_model_metadata_pb2  # noqa: E402
from tensorflow_serving.apis import get_model_status_pb2  # noqa: E402
from tensorflow_serving.apis import model_service_pb2_grpc  # noqa: E402
from tensorflow_serving.apis import predict_pb2  # noqa: E402
from tensorflow_serving.apis import prediction_service_pb2_grpc  # noqa: E402
from tensorflow_serving.apis import regression_pb2  # noqa: E402

from ndflow.serving import config  # noqa: E402
from ndflow.serving import grpc_service  # noqa: E402
from ndflow.serving import server_core  # noqa: E402

MODEL_DIR = (
    pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "savedmodel_v1_half_plus_two"
)
EXPECTED = json.loads((MODEL_DIR / "expected.json").read_text())
MODEL = "half_plus_two"


@pytest.fixture(scope="module")
def channel():
    # In process: ndflow's protos live in their own packages, so they coexist with TF's.
    options = config.parse_flags(
        ["--port=0", "--host=127.0.0.1", f"--model_name={MODEL}", f"--model_base_path={MODEL_DIR}"]
    )
    core = server_core.ServerCore(options)
    core.start(timeout=60)
    handle = grpc_service.serve(core, options)
    grpc_channel = grpc.insecure_channel(f"127.0.0.1:{handle.port}")
    try:
        yield grpc_channel
    finally:
        grpc_channel.close()
        handle.stop(0)
        core.stop()


def _predict_request(value, signature=""):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = MODEL
    request.model_spec.signature_name = signature
    request.inputs["x"].CopyFrom(tf.make_tensor_proto(value, dtype=tf.float32))
    return request


def _examples_input(request):
    for serialized in EXPECTED["classify"]["serialized_examples_b64"]:
        example = request.input.example_list.examples.add()
        example.ParseFromString(base64.b64decode(serialized))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([1.0, 2.0, 5.0], [2.5, 3.0, 4.5]),
        ([[1.0], [2.0], [5.0]], [[2.5], [3.0], [4.5]]),
        (2.0, 3.0),
    ],
    ids=["vector", "column", "scalar"],
)
def test_predict_answers_in_float_val(channel, value, expected):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    response = stub.Predict(_predict_request(value), timeout=10)
    y = response.outputs["y"]
    assert not y.tensor_content
    np.testing.assert_array_equal(np.array(y.float_val), np.ravel(expected))
    np.testing.assert_array_equal(tf.make_ndarray(y), np.array(expected, np.float32))
    assert response.model_spec.name == MODEL
    assert response.model_spec.version.value == EXPECTED["model_version"]
    assert response.model_spec.signature_name == "serving_default"


def test_predict_unknown_signature_is_failed_precondition(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    with pytest.raises(grpc.RpcError) as info:
        stub.Predict(_predict_request([1.0], signature="nope"), timeout=10)
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == 'Serving signature key "nope" not found.'


def test_predict_unknown_model_is_not_found(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = _predict_request([1.0])
    request.model_spec.name = "missing"
    with pytest.raises(grpc.RpcError) as info:
        stub.Predict(request, timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_classify_scores(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = classification_pb2.ClassificationRequest()
    request.model_spec.name = MODEL
    request.model_spec.signature_name = EXPECTED["classify"]["signature"]
    _examples_input(request)
    response = stub.Classify(request, timeout=10)
    scores = [[c.score for c in cls.classes] for cls in response.result.classifications]
    assert scores == EXPECTED["classify"]["outputs"]["scores"]
    assert response.model_spec.version.value == EXPECTED["model_version"]


def test_regress_values(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = regression_pb2.RegressionRequest()
    request.model_spec.name = MODEL
    request.model_spec.signature_name = EXPECTED["regress"]["signature"]
    _examples_input(request)
    response = stub.Regress(request, timeout=10)
    values = [[r.value] for r in response.result.regressions]
    assert values == EXPECTED["regress"]["outputs"]["outputs"]


def test_model_metadata_unpacks_signature_def_map(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = get_model_metadata_pb2.GetModelMetadataRequest()
    request.model_spec.name = MODEL
    request.metadata_field.append("signature_def")
    response = stub.GetModelMetadata(request, timeout=10)
    signatures = get_model_metadata_pb2.SignatureDefMap()
    assert response.metadata["signature_def"].Unpack(signatures)
    assert set(signatures.signature_def) == set(EXPECTED["signatures"])
    assert signatures.signature_def["serving_default"].inputs["x"].name == "x:0"
    assert response.model_spec.name == MODEL
    assert response.model_spec.version.value == EXPECTED["model_version"]


def test_model_metadata_without_field_is_invalid_argument(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = get_model_metadata_pb2.GetModelMetadataRequest()
    request.model_spec.name = MODEL
    with pytest.raises(grpc.RpcError) as info:
        stub.GetModelMetadata(request, timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == (
        "GetModelMetadataRequest must specify at least one metadata_field"
    )


def test_model_status_reports_available(channel):
    stub = model_service_pb2_grpc.ModelServiceStub(channel)
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = MODEL
    response = stub.GetModelStatus(request, timeout=10)
    [status] = response.model_version_status
    assert status.version == EXPECTED["model_version"]
    assert status.state == get_model_status_pb2.ModelVersionStatus.AVAILABLE
    assert status.status.error_code == 0
