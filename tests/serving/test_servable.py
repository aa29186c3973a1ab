"""Predict / Classify / Regress / MultiInference / GetModelMetadata semantics of one loaded
version (TF Serving's predict_util, classifier, regressor, multi_inference)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ndflow.framework import errors
from ndflow.proto import any_codec
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import get_model_status_pb2
from ndflow.proto import inference_pb2
from ndflow.proto import input_pb2
from ndflow.proto import model_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import regression_pb2
from ndflow.serving import config
from ndflow.serving import loader
from ndflow.serving import server_core
from ndflow.serving import tensor_codec

_EXPORT = os.path.join(
    os.path.dirname(__file__), "..", "fixtures", "savedmodel_v1_half_plus_two", "00000123"
)
_SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures", "serving")


@pytest.fixture(scope="module")
def servable():
    return loader.load_servable("half_plus_two", 123, _EXPORT, config.parse_flags([]))


def _predict(servable, signature="", output_filter=(), **inputs):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "half_plus_two"
    request.model_spec.signature_name = signature
    request.output_filter.extend(output_filter)
    for alias, value in inputs.items():
        request.inputs[alias].CopyFrom(tensor_codec.from_numpy(np.asarray(value)))
    return servable.predict(request)


def _examples(*values, feature="x"):
    model_input = input_pb2.Input()
    for value in values:
        example = model_input.example_list.examples.add()
        example.features.feature[feature].float_list.value.append(value)
    return model_input


def test_predict_feeds_any_shape_and_answers_in_typed_fields(servable):
    response = _predict(servable, x=np.array([1.0, 2.0, 5.0], np.float32))
    assert list(response.outputs["y"].float_val) == [2.5, 3.0, 4.5]
    assert not response.outputs["y"].tensor_content
    assert response.model_spec.signature_name == "serving_default"
    assert response.model_spec.version.value == 123
    scalar = _predict(servable, x=np.float32(2.0))
    assert tensor_codec.to_numpy(scalar.outputs["y"]) == np.float32(3.0)


def test_predict_unknown_signature_is_failed_precondition(servable):
    with pytest.raises(
        errors.FailedPreconditionError, match='Serving signature key "nope" not found.'
    ):
        _predict(servable, signature="nope", x=np.float32(1))


def test_predict_wrong_input_name_lists_signature_inputs(servable):
    with pytest.raises(errors.InvalidArgumentError) as info:
        _predict(servable, z=np.float32(1))
    message = info.value.message
    assert message.startswith("input tensor alias not found in signature: z.")
    assert "The signature's inputs are: x (DT_FLOAT, [" in message
    assert "tensor x:0)" in message


def test_predict_input_count_mismatch(servable):
    with pytest.raises(
        errors.InvalidArgumentError, match=r"input size does not match signature: 2!=1"
    ):
        _predict(servable, x=np.float32(1), z=np.float32(1))


def test_predict_wrong_dtype_is_runtime_error(servable):
    with pytest.raises(
        errors.InvalidArgumentError, match="Expects arg\\[0\\] to be float but int32"
    ):
        _predict(servable, x=np.array([1, 2], np.int32))


def test_output_filter(servable):
    with pytest.raises(errors.InvalidArgumentError, match="output tensor alias not found"):
        _predict(servable, output_filter=["z"], x=np.float32(1))
    with pytest.raises(errors.InvalidArgumentError, match="duplicate output tensor alias: y"):
        _predict(servable, output_filter=["y", "y"], x=np.float32(1))
    assert list(_predict(servable, output_filter=["y"], x=np.float32(1)).outputs) == ["y"]


def test_classify_and_regress(servable):
    request = classification_pb2.ClassificationRequest(input=_examples(1.0, 2.0, 5.0))
    request.model_spec.signature_name = "classify_x_to_y"
    result = servable.classify(request).result
    scores = [c.classes[0].score for c in result.classifications]
    assert scores == [2.5, 3.0, 4.5]
    assert [c.classes[0].label for c in result.classifications] == ["", "", ""]
    regress = regression_pb2.RegressionRequest(input=_examples(1.0, 2.0, 5.0))
    regress.model_spec.signature_name = "regress_x_to_y"
    values = [r.value for r in servable.regress(regress).result.regressions]
    assert values == [2.5, 3.0, 4.5]


def test_classify_errors(servable):
    request = classification_pb2.ClassificationRequest(input=_examples(1.0))
    with pytest.raises(errors.InvalidArgumentError, match="No classification inputs found"):
        servable.classify(request)
    request.model_spec.signature_name = "nope"
    with pytest.raises(
        errors.InvalidArgumentError, match="No signature was found with the name: nope"
    ):
        servable.classify(request)
    empty = classification_pb2.ClassificationRequest()
    empty.model_spec.signature_name = "classify_x_to_y"
    with pytest.raises(errors.InvalidArgumentError, match="Input is empty."):
        servable.classify(empty)


def test_context_bytes_come_first(servable):
    request = regression_pb2.RegressionRequest()
    request.model_spec.signature_name = "regress_x_to_y"
    with_context = request.input.example_list_with_context
    with_context.context.features.feature["x"].float_list.value.append(9.0)
    with_context.examples.add().features.feature["x2"].float_list.value.append(1.0)
    assert servable.regress(request).result.regressions[0].value == 6.5


def test_multi_inference(servable):
    request = inference_pb2.MultiInferenceRequest(input=_examples(1.0, 2.0))
    request.tasks.add(
        model_spec={"name": "m", "signature_name": "regress_x_to_y"},
        method_name="tensorflow/serving/regress",
    )
    request.tasks.add(
        model_spec={"name": "m", "signature_name": "classify_x_to_y"},
        method_name="tensorflow/serving/classify",
    )
    regress, classify = servable.multi_inference(request).results
    assert [r.value for r in regress.regression_result.regressions] == [2.5, 3.0]
    assert classify.classification_result.classifications[1].classes[0].score == 3.0
    assert classify.model_spec.signature_name == "classify_x_to_y"
    request.tasks[1].model_spec.name = "other"
    with pytest.raises(errors.InvalidArgumentError, match="must access the same model name"):
        servable.multi_inference(request)
    request.tasks[1].model_spec.name = "m"
    request.tasks[1].method_name = "tensorflow/serving/predict"
    with pytest.raises(errors.UnimplementedError, match="Unsupported signature method_name"):
        servable.multi_inference(request)


def test_metadata(servable):
    request = get_model_metadata_pb2.GetModelMetadataRequest()
    with pytest.raises(errors.InvalidArgumentError, match="at least one metadata_field"):
        servable.metadata(request)
    request.metadata_field.append("signature_def")
    response = servable.metadata(request)
    assert response.metadata["signature_def"].type_url.endswith(
        "tensorflow.serving.SignatureDefMap"
    )
    signature_map = get_model_metadata_pb2.SignatureDefMap()
    any_codec.unpack(response.metadata["signature_def"], signature_map)
    assert "serving_default" in signature_map.signature_def
    assert response.model_spec.version.value == 123


def test_core_resolves_specs_and_reports_status():
    options = config.parse_flags(
        ["--model_name=hpt", f"--model_base_path={os.path.dirname(_EXPORT)}"]
    )
    core = server_core.ServerCore(options)
    core.start(timeout=20)
    try:
        with pytest.raises(errors.InvalidArgumentError, match="ModelSpec has no name specified."):
            core.servable(model_pb2.ModelSpec())
        with pytest.raises(
            errors.NotFoundError, match=r"Servable not found for request: Latest\(x\)"
        ):
            core.servable(model_pb2.ModelSpec(name="x"))
        status = get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "hpt"})
        assert core.model_status(status).model_version_status[0].version == 123
        status.model_spec.version.value = 5
        with pytest.raises(errors.NotFoundError, match="Could not find version 5 of model hpt"):
            core.model_status(status)
        with pytest.raises(errors.NotFoundError, match="Could not find any versions of model x"):
            core.model_status(get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "x"}))
    finally:
        core.stop()


_FIXTURE_DIRS = [
    "saved_model_half_plus_two_cpu",
    "saved_model_half_plus_two_cpu_with_warmup",
    "saved_model_half_plus_two_2_versions",
    "saved_model_half_plus_two_gpu",
    "saved_model_half_plus_two_mlmd",
    "saved_model_half_plus_two_cpu_with_saved_model_config",
    "saved_model_half_plus_two_tf2_cpu",
]


@pytest.mark.skipif(not os.path.isdir(_SHARED), reason="TF Serving fixtures not present")
@pytest.mark.parametrize("name", _FIXTURE_DIRS)
def test_tf_serving_fixtures_load_and_predict(name):
    base = os.path.join(_SHARED, name)
    version = max(int(v) for v in os.listdir(base))
    path = os.path.join(base, sorted(os.listdir(base))[-1])
    loaded = loader.load_servable(name, version, path, config.parse_flags([]))
    response = _predict(loaded, x=np.array([1.0, 2.0, 5.0], np.float32))
    assert np.allclose(tensor_codec.to_numpy(response.outputs["y"]).reshape(-1), [2.5, 3.0, 4.5])
    request = regression_pb2.RegressionRequest(input=_examples(1.0, 2.0))
    request.model_spec.signature_name = "regress_x_to_y"
    assert [r.value for r in loaded.regress(request).result.regressions] == [2.5, 3.0]


@pytest.mark.skipif(not os.path.isdir(_SHARED), reason="TF Serving fixtures not present")
def test_tf_serving_bad_warmup_fixture_fails_to_load():
    path = os.path.join(_SHARED, "saved_model_half_plus_two_cpu_with_bad_warmup", "00000123")
    with pytest.raises(errors.DataLossError, match="verify your warmup data is in TFRecord"):
        loader.load_servable("m", 123, path, config.parse_flags([]))
