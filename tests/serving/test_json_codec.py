"""TF Serving's REST JSON rules (spec section 1): request bodies -> protos, protos -> body text."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ndflow.framework import errors
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_status_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import regression_pb2
from ndflow.proto import types_pb2
from ndflow.serving import json_codec
from ndflow.serving import tensor_codec


def _signature(**inputs) -> meta_graph_pb2.SignatureDef:
    signature = meta_graph_pb2.SignatureDef(method_name="tensorflow/serving/predict")
    for alias, dtype in inputs.items():
        signature.inputs[alias].name = f"{alias}:0"
        signature.inputs[alias].dtype = dtype
    return signature


def _inputs(body: bytes, signature) -> tuple[dict, bool]:
    protos, row = json_codec.predict_inputs(json_codec.loads(body), signature)
    return {alias: tensor_codec.to_numpy(p) for alias, p in protos.items()}, row


def _outputs(**arrays) -> dict:
    return {alias: tensor_codec.from_numpy(np.asarray(a)) for alias, a in arrays.items()}


HALF_PLUS_TWO = _signature(x=types_pb2.DT_FLOAT)

# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "JSON Parse error: The document is empty"),
        (b"  \n", "JSON Parse error: The document is empty"),
        (b"[1, 2]", "Is not object"),
        (b'{"instances": [1.0,', "JSON Parse error:"),
    ],
)
def test_bad_json_is_invalid_argument(body, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        json_codec.loads(body)


def test_nan_infinity_tokens_and_trailing_bytes_are_accepted():
    doc = json_codec.loads(b'{"inputs": [NaN, Infinity, -Infinity]} trailing')
    arrays, _ = _inputs(json.dumps(doc).encode(), HALF_PLUS_TWO)
    assert np.isnan(arrays["x"][0]) and arrays["x"][1] == np.inf and arrays["x"][2] == -np.inf


def test_signature_name_must_be_a_string():
    with pytest.raises(errors.InvalidArgumentError, match="signature_name"):
        json_codec.signature_name({"signature_name": 3})
    assert json_codec.signature_name({}) == ""


# --- predict request: row and columnar ---------------------------------------------------------


def test_row_format_stacks_instances_without_shape_checks():
    arrays, row = _inputs(b'{"instances": [1.0, 2.0, 5]}', HALF_PLUS_TWO)
    assert row
    assert arrays["x"].dtype == np.float32 and arrays["x"].tolist() == [1.0, 2.0, 5.0]


def test_row_format_with_nested_instances():
    arrays, _ = _inputs(b'{"instances": [[1.0, 2.0], [3.0, 4.0]]}', HALF_PLUS_TWO)
    assert arrays["x"].shape == (2, 2)


def test_row_format_single_input_named_objects():
    arrays, _ = _inputs(b'{"instances": [{"x": [1.0]}, {"x": [2.0]}]}', HALF_PLUS_TWO)
    assert arrays["x"].tolist() == [[1.0], [2.0]]


def test_columnar_format_named_and_unnamed():
    arrays, row = _inputs(b'{"inputs": {"x": [[1.0], [2.0]], "extra": 1}}', HALF_PLUS_TWO)
    assert not row and arrays["x"].tolist() == [[1.0], [2.0]]
    arrays, _ = _inputs(b'{"inputs": 3.0}', HALF_PLUS_TWO)
    assert arrays["x"].shape == () and arrays["x"] == 3.0


def test_empty_inner_list_is_a_zero_sized_tensor():
    arrays, _ = _inputs(b'{"inputs": [[]]}', HALF_PLUS_TWO)
    assert arrays["x"].shape == (1, 0)


def test_multi_input_row_and_columnar():
    signature = _signature(tokens=types_pb2.DT_INT64, mask=types_pb2.DT_BOOL)
    body = (
        b'{"instances": [{"tokens": [5, 9], "mask": [true, false]},'
        b' {"tokens": [7, 1], "mask": [true, true]}]}'
    )
    arrays, _ = _inputs(body, signature)
    assert arrays["tokens"].dtype == np.int64 and arrays["tokens"].tolist() == [[5, 9], [7, 1]]
    assert arrays["mask"].tolist() == [[True, False], [True, True]]
    body = b'{"inputs": {"tokens": [[1, 2], [3, 4], [5, 6]], "mask": [true]}}'
    arrays, _ = _inputs(body, signature)
    assert arrays["tokens"].shape == (3, 2) and arrays["mask"].shape == (1,)


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"instances": [1.0], "inputs": [1.0]}', "only one of 'inputs' or 'instances'"),
        (b'{"signature_name": "serving_default"}', "Missing 'inputs' or 'instances' key"),
        (b'{"instances": 1.0}', "list/array"),
        (b'{"instances": []}', "empty"),
        (b'{"instances": ["x", "y"]}', "is not of expected type: float"),
        (b'{"instances": [[1.0], [2.0, 3.0]]}', "Expecting tensor size: 1 but got: 2"),
        (b'{"inputs": [[1.0, 2.0], [3.0]]}', "Encountered list at unexpected size: 1"),
        (b'{"inputs": [[1.0], 2.0]}', "found at incorrect level"),
        (b'{"inputs": [true]}', "Type: True is not of expected type: float"),
        (b'{"inputs": {"y": [1.0]}}', "Missing named input: x in 'inputs' object."),
    ],
)
def test_predict_request_errors(body, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        _inputs(body, HALF_PLUS_TWO)


def test_row_type_error_is_wrapped_with_element_index():
    with pytest.raises(errors.InvalidArgumentError) as info:
        _inputs(b'{"instances": [1.0, "x"]}', HALF_PLUS_TWO)
    assert info.value.message == (
        "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: "
        'JSON Value: "x" Type: String is not of expected type: float'
    )


def test_multi_input_errors():
    signature = _signature(a=types_pb2.DT_FLOAT, b=types_pb2.DT_FLOAT)
    with pytest.raises(errors.InvalidArgumentError, match="plain list, but expecting list"):
        _inputs(b'{"instances": [1.0]}', signature)
    with pytest.raises(errors.InvalidArgumentError, match="keys must be equal to: a,b"):
        _inputs(b'{"instances": [{"a": 1.0}]}', signature)
    with pytest.raises(errors.InvalidArgumentError, match="plain value/list, but expecting an"):
        _inputs(b'{"inputs": [1.0]}', signature)


def test_signature_without_inputs_cannot_be_called():
    with pytest.raises(errors.InvalidArgumentError, match="Failed to get input map for signature"):
        json_codec.predict_inputs({"inputs": 1.0}, _signature(), "get_counter")


@pytest.mark.parametrize(
    "dtype, body, expected",
    [
        (types_pb2.DT_DOUBLE, b"[1, 2.5]", np.array([1.0, 2.5])),
        (types_pb2.DT_INT32, b"[1, -2]", np.array([1, -2], np.int32)),
        (types_pb2.DT_INT8, b"[1, 2]", np.array([1, 2], np.int8)),
        (types_pb2.DT_UINT8, b"[255]", np.array([255], np.uint8)),
        (types_pb2.DT_INT64, b"[9007199254740993]", np.array([9007199254740993], np.int64)),
        (types_pb2.DT_UINT64, b"[18446744073709551615]", np.array([2**64 - 1], np.uint64)),
        (types_pb2.DT_BOOL, b"[true, false]", np.array([True, False])),
        (
            types_pb2.DT_STRING,
            b'["a\\u00e9", {"b64": "/9j/"}]',
            np.array([b"a\xc3\xa9", b"\xff\xd8\xff"], object),
        ),
    ],
)
def test_json_to_dtype_rules(dtype, body, expected):
    arrays, _ = _inputs(b'{"inputs": ' + body + b"}", _signature(x=dtype))
    assert arrays["x"].dtype == expected.dtype
    assert arrays["x"].tolist() == expected.tolist()


@pytest.mark.parametrize(
    "dtype, body",
    [
        (types_pb2.DT_INT32, b"[1.0]"),
        (types_pb2.DT_INT32, b"[2147483648]"),
        (types_pb2.DT_UINT32, b"[-1]"),
        (types_pb2.DT_BOOL, b"[1]"),
        (types_pb2.DT_FLOAT, b'[{"b64": "AAAA"}]'),
        (types_pb2.DT_STRING, b"[1]"),
    ],
)
def test_wrong_json_type_for_dtype_is_invalid_argument(dtype, body):
    with pytest.raises(errors.InvalidArgumentError, match="is not of expected type"):
        _inputs(b'{"inputs": ' + body + b"}", _signature(x=dtype))


def test_url_safe_base64_fails_to_decode():
    with pytest.raises(errors.InvalidArgumentError, match="Unable to base64 decode"):
        _inputs(b'{"inputs": [{"b64": "_-8"}]}', _signature(x=types_pb2.DT_STRING))


@pytest.mark.parametrize("dtype", [types_pb2.DT_HALF, types_pb2.DT_BFLOAT16])
def test_half_and_bfloat16_are_unimplemented(dtype):
    with pytest.raises(errors.UnimplementedError, match="Conversion of JSON Value: 1.0 to type"):
        _inputs(b'{"inputs": [1.0]}', _signature(x=dtype))


# --- predict response --------------------------------------------------------------------------


def test_predictions_for_the_seed_curl_example():
    text = json_codec.predict_response(_outputs(y=np.float32([2.5, 3.0, 4.5])), row=True)
    assert text == b'{"predictions": [2.5, 3.0, 4.5]}'


def test_outputs_for_columnar_requests():
    outputs = _outputs(y=np.float32([[2.5], [3.0]]))
    assert json_codec.predict_response(outputs, row=False) == b'{"outputs": [[2.5], [3.0]]}'
    scalar = _outputs(output=np.float32(3.0))
    assert json_codec.predict_response(scalar, row=False) == b'{"outputs": 3.0}'


def test_row_response_with_several_outputs_is_a_list_of_objects():
    outputs = _outputs(
        logits=np.float32([[0.1, 2.0], [1.5, 0.2]]), label_bytes=np.array([b"cat", b"dog"], object)
    )
    doc = json.loads(json_codec.predict_response(outputs, row=True))
    assert doc == {
        "predictions": [
            {"logits": [0.1, 2.0], "label_bytes": {"b64": "Y2F0"}},
            {"logits": [1.5, 0.2], "label_bytes": {"b64": "ZG9n"}},
        ]
    }


def test_mismatched_output_batch_sizes():
    outputs = _outputs(
        probs=np.float32([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]), classes=[b"a", b"b", b"c"]
    )
    with pytest.raises(errors.InvalidArgumentError, match="has inconsistent batch size"):
        json_codec.predict_response(outputs, row=True)
    doc = json.loads(json_codec.predict_response(outputs, row=False))
    assert doc["outputs"]["classes"] == ["a", "b", "c"]


def test_scalar_output_cannot_be_written_as_predictions():
    with pytest.raises(errors.InvalidArgumentError, match="Tensor name: output has no shape"):
        json_codec.predict_response(_outputs(output=np.float32(3.0)), row=True)


@pytest.mark.parametrize(
    "value, dtype, text",
    [
        (3.0, np.float32, "3.0"),
        (0.1, np.float32, "0.1"),
        (np.pi, np.float32, "3.14159274"),
        (1e6, np.float32, "1e+06"),
        (123456.0, np.float32, "123456.0"),
        (-0.0, np.float32, "-0.0"),
        (float("nan"), np.float32, "NaN"),
        (float("inf"), np.float32, "Infinity"),
        (float("-inf"), np.float64, "-Infinity"),
        (0.1, np.float64, "0.1"),
        (np.pi, np.float64, "3.1415926535897931"),
        (7, np.int64, "7"),
        (True, np.bool_, "true"),
    ],
)
def test_number_formatting(value, dtype, text):
    assert json_codec.tensor_json(np.array(value, dtype), "y") == text


def test_strings_are_raw_unless_the_alias_ends_in_bytes():
    array = np.array([b'say "hi"', b"\xff"], object)
    assert json_codec.tensor_json(array[:1], "s") == '["say \\"hi\\""]'
    assert json_codec.tensor_json(array, "s_bytes") == '[{"b64": "c2F5ICJoaSI="}, {"b64": "/w=="}]'


def test_unsupported_output_dtype_is_invalid_argument():
    outputs = {"y": tensor_codec.from_numpy(np.float16([1.0]))}
    with pytest.raises(errors.InvalidArgumentError, match="tensor type: half"):
        json_codec.predict_response(outputs, row=False)


def test_zero_sized_outputs():
    assert json_codec.tensor_json(np.zeros((2, 0), np.float32), "y") == "[[], []]"
    assert json_codec.tensor_json(np.zeros((0, 3), np.float32), "y") == "[]"


# --- classify / regress ------------------------------------------------------------------------


def test_examples_follow_the_literal_kind_rules():
    doc = json_codec.loads(
        b'{"examples": [{"f": 2.0, "i": 2, "b": true, "s": "a", "raw": {"b64": "/w=="},'
        b' "l": [1.5, 2e3]}], "context": {"x2": 1.0}}'
    )
    request_input = json_codec.examples_input(doc, "classify")
    feature = request_input.example_list_with_context.examples[0].features.feature
    assert list(feature["f"].float_list.value) == [2.0]
    assert list(feature["i"].int64_list.value) == [2]
    assert list(feature["b"].int64_list.value) == [1]
    assert list(feature["s"].bytes_list.value) == [b"a"]
    assert list(feature["raw"].bytes_list.value) == [b"\xff"]
    assert list(feature["l"].float_list.value) == [1.5, 2000.0]
    context = request_input.example_list_with_context.context.features.feature
    assert list(context["x2"].float_list.value) == [1.0]


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"signature_name": "s"}', "When method is classify, key 'examples' is expected"),
        (b'{"examples": []}', "examples"),
        (b'{"examples": [{"x": [1, 2.5]}]}', "Unexpected element type in feature: x"),
        (b'{"examples": [{"x": null}]}', "x"),
        (b'{"examples": [{"x": 18446744073709551615}]}', "Only int64_t is supported"),
    ],
)
def test_example_errors(body, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        json_codec.examples_input(json_codec.loads(body), "classify")


def test_classify_and_regress_results():
    result = classification_pb2.ClassificationResult()
    for score in (3.0, 4.5):
        result.classifications.add().classes.add(label="", score=score)
    assert json_codec.classify_response(result) == b'{"results": [[["", 3.0]], [["", 4.5]]]}'
    regression = regression_pb2.RegressionResult()
    regression.regressions.add(value=3.0)
    assert json_codec.regress_response(regression) == b'{"results": [3.0]}'


# --- status, errors ----------------------------------------------------------------------------


def test_status_is_proto3_json_with_enum_names_and_string_versions():
    response = get_model_status_pb2.GetModelStatusResponse()
    status = response.model_version_status.add(version=124)
    status.state = get_model_status_pb2.ModelVersionStatus.AVAILABLE
    doc = json.loads(json_codec.status_response(response))
    assert doc == {
        "model_version_status": [
            {
                "version": "124",
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
        ]
    }


def test_error_body():
    assert json.loads(json_codec.error_response("boom")) == {"error": "boom"}
