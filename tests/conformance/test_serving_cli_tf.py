"""The official `tensorflow-serving-api` client and curl-style REST against the real command
line: `python -m ndflow.cli.model_server` started as a subprocess with the oracle venv's python
(`TF_USE_LEGACY_KERAS=1 .venv-tf/bin/python -m pytest -m conformance tests/conformance/...`).

Covers PredictionService (Predict, Classify, Regress, MultiInference, GetModelMetadata) and
ModelService (GetModelStatus, HandleReloadConfigRequest) over gRPC on 127.0.0.1, and the seed's
curl example over REST, for the TF-made half_plus_two (version 123) the project carries.
"""

from __future__ import annotations

import base64
import json
import pathlib
import shutil
import time
import urllib.request

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf = pytest.importorskip("tensorflow")
pytest.importorskip("tensorflow_serving")

import grpc  # noqa: E402
from tensorflow_serving.apis import classification_pb2  # noqa: E402
from tensorflow_serving.apis import get_model_metadata_pb2  # noqa: E402
from tensorflow_serving.apis import get_model_status_pb2  # noqa: E402
from tensorflow_serving.apis import inference_pb2  # noqa: E402
from tensorflow_serving.apis import model_management_pb2  # noqa: E402
from tensorflow_serving.apis import model_service_pb2_grpc  # noqa: E402
from tensorflow_serving.apis import predict_pb2  # noqa: E402
from tensorflow_serving.apis import prediction_service_pb2_grpc  # noqa: E402
from tensorflow_serving.apis import regression_pb2  # noqa: E402
from tensorflow_serving.config import model_server_config_pb2  # noqa: E402

from tests.support import model_server_process  # noqa: E402

MODEL_DIR = (
    pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "savedmodel_v1_half_plus_two"
)
EXPECTED = json.loads((MODEL_DIR / "expected.json").read_text())
MODEL = "half_plus_two"
VERSION = EXPECTED["model_version"]
AVAILABLE = get_model_status_pb2.ModelVersionStatus.AVAILABLE
END = get_model_status_pb2.ModelVersionStatus.END


def _config(**base_paths) -> model_server_config_pb2.ModelServerConfig:
    config = model_server_config_pb2.ModelServerConfig()
    for name, base_path in base_paths.items():
        entry = config.model_config_list.config.add()
        entry.name = name
        entry.base_path = str(base_path)
        entry.model_platform = "tensorflow"
    return config


@pytest.fixture(scope="module")
def models_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving_cli")
    for name in ("first", "second"):
        shutil.copytree(MODEL_DIR / "00000123", root / name / "123")
    return root


@pytest.fixture(scope="module")
def server(models_root):
    config_file = models_root / "models.config"
    config_file.write_text(str(_config(**{MODEL: models_root / "first"})))
    process = model_server_process.ModelServerProcess(
        [f"--model_config_file={config_file}"], models_root / "server.log"
    )
    process.start()
    try:
        yield process
    finally:
        assert process.stop() == 0  # SIGTERM drains and exits cleanly


@pytest.fixture(scope="module")
def channel(server):
    grpc_channel = grpc.insecure_channel(server.grpc_target)
    try:
        yield grpc_channel
    finally:
        grpc_channel.close()


def _prediction_stub(channel):
    return prediction_service_pb2_grpc.PredictionServiceStub(channel)


def _predict(channel, value, model=MODEL):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.inputs["x"].CopyFrom(tf.make_tensor_proto(value, dtype=tf.float32))
    return _prediction_stub(channel).Predict(request, timeout=30)


def _add_examples(model_input):
    for serialized in EXPECTED["classify"]["serialized_examples_b64"]:
        example = model_input.example_list.examples.add()
        example.ParseFromString(base64.b64decode(serialized))


def test_seed_curl_example_over_rest(server):
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.rest_port}/v1/models/{MODEL}:predict",
        data=b'{"instances": [1.0, 2.0, 5.0]}',
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"predictions": [2.5, 3.0, 4.5]}


def test_predict_as_the_spec_describes(channel):
    # make_tensor_proto puts the 2x1 array into tensor_content; the answer is in typed fields.
    response = _predict(channel, [[1.0], [2.0]])
    y = response.outputs["y"]
    assert y.dtype == tf.float32.as_datatype_enum
    assert [dim.size for dim in y.tensor_shape.dim] == [2, 1]
    assert list(y.float_val) == [2.5, 3.0]
    assert not y.tensor_content
    assert response.model_spec.name == MODEL
    assert response.model_spec.signature_name == "serving_default"
    assert response.model_spec.version.value == VERSION


def test_seed_example_over_grpc(channel):
    y = _predict(channel, [1.0, 2.0, 5.0]).outputs["y"]
    np.testing.assert_array_equal(tf.make_ndarray(y), np.float32([2.5, 3.0, 4.5]))


def test_classify_and_regress(channel):
    classify = classification_pb2.ClassificationRequest()
    classify.model_spec.name = MODEL
    classify.model_spec.signature_name = EXPECTED["classify"]["signature"]
    _add_examples(classify.input)
    result = _prediction_stub(channel).Classify(classify, timeout=30).result
    scores = [[c.score for c in cls.classes] for cls in result.classifications]
    assert scores == EXPECTED["classify"]["outputs"]["scores"]
    regress = regression_pb2.RegressionRequest()
    regress.model_spec.name = MODEL
    regress.model_spec.signature_name = EXPECTED["regress"]["signature"]
    _add_examples(regress.input)
    result = _prediction_stub(channel).Regress(regress, timeout=30).result
    assert [[r.value] for r in result.regressions] == EXPECTED["regress"]["outputs"]["outputs"]


def test_multi_inference_runs_classify_and_regress_on_one_input(channel):
    request = inference_pb2.MultiInferenceRequest()
    for signature, method in (
        ("classify_x_to_y", "tensorflow/serving/classify"),
        ("regress_x_to_y", "tensorflow/serving/regress"),
    ):
        task = request.tasks.add()
        task.model_spec.name = MODEL
        task.model_spec.signature_name = signature
        task.method_name = method
    _add_examples(request.input)
    response = _prediction_stub(channel).MultiInference(request, timeout=30)
    classify, regress = response.results
    expected = EXPECTED["classify"]["outputs"]["scores"]
    got = [[c.score for c in cls.classes] for cls in classify.classification_result.classifications]
    assert got == expected
    assert [[r.value] for r in regress.regression_result.regressions] == expected
    assert classify.model_spec.signature_name == "classify_x_to_y"
    assert regress.model_spec.version.value == VERSION


def test_model_metadata(channel):
    request = get_model_metadata_pb2.GetModelMetadataRequest()
    request.model_spec.name = MODEL
    request.metadata_field.append("signature_def")
    response = _prediction_stub(channel).GetModelMetadata(request, timeout=30)
    signatures = get_model_metadata_pb2.SignatureDefMap()
    assert response.metadata["signature_def"].Unpack(signatures)
    assert set(signatures.signature_def) == set(EXPECTED["signatures"])
    assert response.model_spec.version.value == VERSION


def _status(channel, model):
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = model
    stub = model_service_pb2_grpc.ModelServiceStub(channel)
    return [
        (status.version, status.state, status.status.error_code)
        for status in stub.GetModelStatus(request, timeout=30).model_version_status
    ]


def _wait_for_status(channel, model, expected, timeout=60.0):
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = _status(channel, model)
        if got == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"status of {model} never became {expected}; last: {got}")


def test_model_status(channel):
    assert _status(channel, MODEL) == [(VERSION, AVAILABLE, 0)]


def test_reload_config_adds_then_removes_a_model(channel, models_root):
    stub = model_service_pb2_grpc.ModelServiceStub(channel)
    both = _config(**{MODEL: models_root / "first", "second": models_root / "second"})
    request = model_management_pb2.ReloadConfigRequest(config=both)
    assert stub.HandleReloadConfigRequest(request, timeout=120).status.error_code == 0
    # The reload returns once every newly added model is loaded.
    assert _status(channel, "second") == [(VERSION, AVAILABLE, 0)]
    y = _predict(channel, [4.0], model="second").outputs["y"]
    assert list(y.float_val) == [4.0]
    only_first = _config(**{MODEL: models_root / "first"})
    request = model_management_pb2.ReloadConfigRequest(config=only_first)
    assert stub.HandleReloadConfigRequest(request, timeout=120).status.error_code == 0
    _wait_for_status(channel, "second", [(VERSION, END, 0)])
    with pytest.raises(grpc.RpcError) as info:
        _predict(channel, [4.0], model="second")
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert _predict(channel, [4.0]).outputs["y"].float_val == [4.0]
