"""Every REST example of ../shared/specs/tf-serving.md section 1, replayed over real sockets
on 127.0.0.1 against the real command line (`python -m ndflow.cli.model_server`) in a
subprocess.

The spec's "hypothetical" models (two inputs and two outputs, a binary input, unbatched outputs,
inputs with different leading dims, the stateful counter, half-precision tensors) are built
here with ndflow's SavedModelBuilder; half_plus_two is the TF-made fixture the project carries.
"""

from __future__ import annotations

import base64
import json
import pathlib
import re
import shutil
import time

import numpy as np
import pytest

import ndflow as tf
from tests.support import model_server_process

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
HALF_PLUS_TWO = FIXTURES / "savedmodel_v1_half_plus_two"
SHARED_SERVING = pathlib.Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "serving"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
_PREDICT = "tensorflow/serving/predict"


# --- models the spec's examples need ---------------------------------------------------------


def _save(export_dir, signatures) -> None:
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        builder = tf.saved_model.builder.SavedModelBuilder(str(export_dir))
        builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map=signatures)
        builder.save()


def _predict_signature(inputs, outputs):
    return tf.saved_model.predict_signature_def(inputs, outputs)


def _build_tokens_mask(export_dir) -> None:
    """Inputs tokens (int64 [N,2]) and mask (bool [N,2]); outputs logits = tokens / 2 and
    label_bytes = ["", "cat", "dog"][number of true mask entries]."""
    with tf.Graph().as_default():
        tokens = tf.placeholder(tf.int64, [None, 2], name="tokens")
        mask = tf.placeholder(tf.bool, [None, 2], name="mask")
        logits = tf.multiply(tf.cast(tokens, tf.float32), 0.5, name="logits")
        count = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
        label = tf.gather(tf.constant([b"", b"cat", b"dog"]), count, name="label")
        signature = _predict_signature(
            {"tokens": tokens, "mask": mask}, {"logits": logits, "label_bytes": label}
        )
        _save(export_dir, {"serving_default": signature})


def _build_probs_classes(export_dir) -> None:
    """probs = x @ W ([N,3]; W makes the spec's numbers) and classes = ["a", "b", "c"], an
    output whose 0-th dimension is not the batch."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        weights = tf.constant([[-3.0, -5.0, -2.0], [2.5, 4.0, 3.5]])
        probs = tf.matmul(x, weights, name="probs")
        classes = tf.identity(tf.constant([b"a", b"b", b"c"]), name="classes")
        signature = _predict_signature({"x": x}, {"probs": probs, "classes": classes})
        _save(export_dir, {"serving_default": signature})


def _build_binary(export_dir) -> None:
    """A single DT_STRING input echoed to an output whose alias ends in `_bytes`."""
    with tf.Graph().as_default():
        image = tf.placeholder(tf.string, [None], name="image")
        echo = tf.identity(image, name="echo")
        _save(
            export_dir,
            {"serving_default": _predict_signature({"image": image}, {"echo_bytes": echo})},
        )


def _build_query_candidates(export_dir) -> None:
    """query (string [N]) and candidates (int32 [M,2]): inputs with different leading dims."""
    with tf.Graph().as_default():
        query = tf.placeholder(tf.string, [None], name="query")
        candidates = tf.placeholder(tf.int32, [None, 2], name="candidates")
        scores = tf.reduce_sum(candidates, axis=1, name="scores")
        echo = tf.identity(query, name="query_echo")
        signature = _predict_signature(
            {"query": query, "candidates": candidates}, {"scores": scores, "query": echo}
        )
        _save(export_dir, {"serving_default": signature})


def _build_counter(export_dir) -> None:
    """The spec's counter fixture: a float variable, `get_counter` (no inputs) and
    `incr_counter_by` (delta of unknown rank), outputs declared DT_FLOAT_REF."""
    with tf.Graph().as_default():
        counter = tf.Variable(0.0, name="counter")
        delta = tf.placeholder(tf.float32, None, name="delta")
        incremented = tf.assign_add(counter, delta, name="incr_counter_by_op")
        info = tf.saved_model.utils.build_tensor_info
        build = tf.saved_model.signature_def_utils.build_signature_def
        signatures = {
            "get_counter": build({}, {"output": info(counter.op.outputs[0])}, _PREDICT),
            "incr_counter_by": build(
                {"delta": info(delta)}, {"output": info(incremented)}, _PREDICT
            ),
        }
        _save(export_dir, signatures)


def _build_half(export_dir) -> None:
    """Half-precision tensors, which TF Serving's JSON layer cannot convert either way."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None], name="x")
        y_half = tf.cast(x, tf.float16, name="y_half")
        h = tf.placeholder(tf.float16, [None], name="h")
        y = tf.cast(h, tf.float32, name="y")
        signatures = {
            "serving_default": _predict_signature({"x": x}, {"y": y_half}),
            "half_in": _predict_signature({"h": h}, {"y": y}),
        }
        _save(export_dir, signatures)


_BUILT_MODELS = {
    "tokens_mask": _build_tokens_mask,
    "probs_classes": _build_probs_classes,
    "binary": _build_binary,
    "query_candidates": _build_query_candidates,
    "counter": _build_counter,
    "half_precision": _build_half,
}


def _model_config(models: dict) -> str:
    """A model_config_file; half_plus_two gets the label `stable` -> 123."""
    entries = []
    for name, base_path in models.items():
        labels = ' version_labels { key: "stable" value: 123 }' if name == "half_plus_two" else ""
        entries.append(
            f'  config {{ name: "{name}" base_path: "{base_path}" '
            f'model_platform: "tensorflow"{labels} }}'
        )
    return "model_config_list {\n" + "\n".join(entries) + "\n}\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("rest_spec")
    models = {"half_plus_two": HALF_PLUS_TWO}
    for name, build in _BUILT_MODELS.items():
        build(root / name / "1")
        models[name] = root / name
    # A model of its own for the version-swap example, so the swap disturbs nobody else.
    shutil.copytree(HALF_PLUS_TWO / "00000123", root / "versions" / "123")
    models["versions"] = root / "versions"
    config_file = root / "models.config"
    config_file.write_text(_model_config(models))
    process = model_server_process.ModelServerProcess(
        [
            f"--model_config_file={config_file}",
            "--file_system_poll_wait_seconds=1",
            "--max_num_load_retries=0",
            # Labels are checked before models load, so a startup config with a label needs
            # this flag (spec 4.4, TF Serving #1230).
            "--allow_version_labels_for_unavailable_models=true",
        ],
        root / "server.log",
    )
    process.start()
    process.models_root = root
    try:
        yield process
    finally:
        process.stop()


# --- 1.5 predict -----------------------------------------------------------------------------


def test_seed_curl_example_byte_for_byte(server):
    status, body, headers = server.request(
        "POST", "/v1/models/half_plus_two:predict", b'{"instances": [1.0, 2.0, 5.0]}'
    )
    assert (status, body) == (200, b'{"predictions": [2.5, 3.0, 4.5]}')
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "path, body, expected",
    [
        (
            "/v1/models/half_plus_two/versions/123:predict",
            {"signature_name": "serving_default", "inputs": {"x": [[1.0], [2.0]]}},
            {"outputs": [[2.5], [3.0]]},
        ),
        ("/v1/models/half_plus_two/labels/stable:predict", {"inputs": 2.0}, {"outputs": 3.0}),
        ("/V1/MODELS/half_plus_two:predict", {"inputs": [[]]}, {"outputs": [[]]}),
        (
            "/v1/models/tokens_mask:predict",
            {
                "instances": [
                    {"tokens": [5, 9], "mask": [True, False]},
                    {"tokens": [7, 1], "mask": [True, True]},
                ]
            },
            {
                "predictions": [
                    {"logits": [2.5, 4.5], "label_bytes": {"b64": "Y2F0"}},
                    {"logits": [3.5, 0.5], "label_bytes": {"b64": "ZG9n"}},
                ]
            },
        ),
        (
            # Columnar: extra keys are silently ignored.
            "/v1/models/tokens_mask:predict",
            {"inputs": {"tokens": [[5, 9]], "mask": [[False, False]], "extra": 1}},
            {"outputs": {"logits": [[2.5, 4.5]], "label_bytes": [{"b64": ""}]}},
        ),
        (
            "/v1/models/binary:predict",
            {"instances": [{"b64": base64.b64encode(JPEG_HEAD).decode()}, "abc"]},
            {"predictions": [{"b64": base64.b64encode(JPEG_HEAD).decode()}, {"b64": "YWJj"}]},
        ),
        (
            "/v1/models/binary:predict",
            {"instances": [{"image": {"b64": "YWJj"}}]},
            {"predictions": [{"b64": "YWJj"}]},
        ),
        (
            "/v1/models/query_candidates:predict",
            {"inputs": {"query": ["red shoes"], "candidates": [[1, 2], [3, 4], [5, 6]]}},
            {"outputs": {"scores": [3, 7, 11], "query": ["red shoes"]}},
        ),
        (
            "/v1/models/query_candidates:predict",
            {"instances": [{"query": "red shoes", "candidates": [1, 2]}]},
            {"predictions": [{"scores": 3, "query": "red shoes"}]},
        ),
    ],
    ids=[
        "columnar-version",
        "label",
        "empty-list",
        "two-in-two-out-rows",
        "two-in-two-out-columnar",
        "b64-rows",
        "b64-named-row",
        "different-leading-dims",
        "rows-of-scalars",
    ],
)
def test_predict_examples(server, path, body, expected):
    assert server.json("POST", path, body) == (200, expected)


def test_float_formatting_round_trips_float32(server):
    status, body, _ = server.request(
        "POST", "/v1/models/half_plus_two:predict", b'{"inputs": [2.0, 1e6, 246908.0, NaN]}'
    )
    # 0.5 * x + 2 in float32: 3 -> 3.0, 500002 -> 500002.0, 123456 -> 123456.0; NaN stays bare.
    assert (status, body) == (200, b'{"outputs": [3.0, 500002.0, 123456.0, NaN]}')


def test_unbatched_output_fails_in_row_format_but_not_columnar(server):
    rows = {"instances": [[0.1, 0.2], [0.3, 0.4]]}
    status, doc = server.json("POST", "/v1/models/probs_classes:predict", rows)
    assert status == 400
    # Which output is named depends on map order, as the spec says.
    assert re.fullmatch(
        r"Tensor name: (classes has inconsistent batch size: 3 expecting: 2|"
        r"probs has inconsistent batch size: 2 expecting: 3)",
        doc["error"],
    )
    status, doc = server.json(
        "POST", "/v1/models/probs_classes:predict", {"inputs": rows["instances"]}
    )
    assert status == 200
    assert doc["outputs"]["classes"] == ["a", "b", "c"]
    expected = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]
    np.testing.assert_allclose(doc["outputs"]["probs"], expected, atol=1e-6)


def test_counter_scalar_in_scalar_out_and_state_persists(server):
    incr = {"signature_name": "incr_counter_by", "inputs": 3.0}
    assert server.json("POST", "/v1/models/counter:predict", incr) == (200, {"outputs": 3.0})
    incr["inputs"] = 2.0
    assert server.json("POST", "/v1/models/counter:predict", incr) == (200, {"outputs": 5.0})
    rows = {"signature_name": "incr_counter_by", "instances": [3.0]}
    assert server.json("POST", "/v1/models/counter:predict", rows)[0] == 400
    no_inputs = {"signature_name": "get_counter", "inputs": {}}
    assert server.json("POST", "/v1/models/counter:predict", no_inputs) == (
        400,
        {"error": "Failed to get input map for signature: get_counter"},
    )


_PREDICT_ERRORS = [
    ("half:predict", {"instances": [1.0]}, 404, "Servable not found for request: Latest(half)"),
    (
        "half_plus_two/versions/7:predict",
        {"inputs": 1.0},
        404,
        "Servable not found for request: Specific(half_plus_two, 7)",
    ),
    (
        "half_plus_two/labels/nope:predict",
        {"inputs": 1.0},
        400,
        "Unrecognized servable version label: nope",
    ),
    ("half_plus_two:predict", b"", 400, "JSON Parse error: The document is empty"),
    ("half_plus_two:predict", b"[1.0]", 400, "Is not object"),
    ("half_plus_two:predict", {"signature_name": 1, "inputs": 1.0}, 400, "signature_name"),
    (
        "half_plus_two:predict",
        {"signature_name": "s", "inputs": 1.0},
        400,
        'Serving signature name: "s" not found in signature def',
    ),
    (
        "half_plus_two:predict",
        {"inputs": 1.0, "instances": [1.0]},
        400,
        "expecting only one of 'inputs' or 'instances' keys to exist",
    ),
    ("half_plus_two:predict", {"nothing": 1}, 400, "Missing 'inputs' or 'instances' key"),
    (
        "half_plus_two:predict",
        {"instances": ["x"]},
        400,
        "Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: "
        'JSON Value: "x" Type: String is not of expected type: float',
    ),
    (
        "half_plus_two:predict",
        {"inputs": [[1.0, 2.0], [3.0]]},
        400,
        "Encountered list at unexpected size: 1 at level: 1 expected size: 2",
    ),
    ("half_plus_two:predict", {"inputs": [[1.0], 2.0]}, 400, "found at incorrect level"),
    ("half_plus_two:predict", {"instances": [[1.0], [2.0, 3.0]]}, 400, "Expecting"),
    (
        "tokens_mask:predict",
        {"instances": [[5, 9]]},
        400,
        "instances is a plain list, but expecting list of objects as multiple input tensors "
        "required as per tensorinfo_map",
    ),
    (
        "tokens_mask:predict",
        {"instances": [{"tokens": [5, 9]}]},
        400,
        "keys must be equal to: mask,tokens",
    ),
    (
        "tokens_mask:predict",
        {"inputs": {"tokens": [[5, 9]]}},
        400,
        "Missing named input: mask in 'inputs' object.",
    ),
    ("tokens_mask:predict", {"inputs": [[5, 9]]}, 400, "inputs is a plain value/list, but"),
    (
        "tokens_mask:predict",
        {"inputs": {"tokens": [[5, 9]], "mask": [[1, 0]]}},
        400,
        "is not of expected type: bool",
    ),
    (
        "tokens_mask:predict",
        {"inputs": {"tokens": [[5.0, 9]], "mask": [[True, False]]}},
        400,
        "is not of expected type: int64",
    ),
    ("binary:predict", {"instances": [{"b64": "_-8="}]}, 400, "Unable to base64 decode"),
    (
        # Not a b64 object (exactly one key), so it is read as an object of named inputs.
        "binary:predict",
        {"instances": [{"b64": "YQ==", "x": 1}]},
        400,
        "keys must be equal to: image",
    ),
    (
        "half_precision:predict",
        {"signature_name": "half_in", "inputs": [1.0]},
        501,
        "to type: half",
    ),
    (
        "half_precision:predict",
        {"inputs": [1.0]},
        400,
        "Failed to write JSON value for tensor type: half",
    ),
]


@pytest.mark.parametrize("path, body, status, message", _PREDICT_ERRORS)
def test_predict_errors_and_the_server_keeps_serving(server, path, body, status, message):
    got_status, doc = server.json("POST", f"/v1/models/{path}", body)
    assert (got_status, set(doc)) == (status, {"error"})
    assert message in doc["error"]
    assert server.json("POST", "/v1/models/half_plus_two:predict", {"inputs": [1.0]}) == (
        200,
        {"outputs": [2.5]},
    )


def test_url_safe_base64_against_a_string_input_is_the_b64_error(server):
    # Exactly the spec's wording for #1141 (not only a substring of it).
    status, doc = server.json("POST", "/v1/models/binary:predict", {"inputs": {"b64": "_-8="}})
    assert status == 400
    assert doc["error"].startswith("Unable to base64 decode")


# --- 1.6 classify and regress ----------------------------------------------------------------


@pytest.mark.parametrize(
    "verb, body, expected",
    [
        (
            "classify",
            {"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}, {"x": 5.0}]},
            {"results": [[["", 3.0]], [["", 4.5]]]},
        ),
        (
            "regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}], "context": {"x2": 1.0}},
            {"results": [3.0]},
        ),
        (
            # On a key clash the example's value wins over the context's.
            "regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": 5.0}], "context": {"x": 1.0}},
            {"results": [4.5]},
        ),
    ],
    ids=["classify", "regress-context", "regress-example-wins"],
)
def test_classify_and_regress_examples(server, verb, body, expected):
    assert server.json("POST", f"/v1/models/half_plus_two:{verb}", body) == (200, expected)


@pytest.mark.parametrize(
    "verb, body, message",
    [
        (
            "classify",
            {"signature_name": "classify_x_to_y"},
            "When method is classify, key 'examples' is expected and was not found",
        ),
        (
            "regress",
            {"signature_name": "regress_x_to_y"},
            "When method is regress, key 'examples' is expected and was not found",
        ),
        ("regress", {"signature_name": "regress_x_to_y", "examples": []}, ""),
        (
            "classify",
            {"signature_name": "classify_x_to_y", "examples": [{"x": 2}]},
            "Data types don't match. Data type: int64 but expected type: float",
        ),
        (
            "regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": [1, 2.5]}]},
            "Unexpected element type in feature: x expecting type:",
        ),
        (
            "regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": None}]},
            "Feature: x has element with unexpected JSON type: Null",
        ),
        (
            "regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": 2**64 - 1}]},
            "has uint64_t element. Only int64_t is supported.",
        ),
    ],
    ids=["no-examples-c", "no-examples-r", "empty", "int-vs-float", "mixed", "null", "uint64"],
)
def test_classify_and_regress_errors_are_400(server, verb, body, message):
    status, doc = server.json("POST", f"/v1/models/half_plus_two:{verb}", body)
    assert status == 400
    assert message in doc["error"]


# --- 1.2 paths, 1.3 status, 1.4 metadata ------------------------------------------------------


def _status(*versions):
    return {
        "model_version_status": [
            {
                "version": str(version),
                "state": state,
                "status": {"error_code": code, "error_message": message},
            }
            for version, state, code, message in versions
        ]
    }


def test_status_of_all_of_one_and_the_label_quirk(server):
    expected = _status((123, "AVAILABLE", "OK", ""))
    for path in ("", "/versions/123", "/labels/stable", "/labels/whatever"):
        assert server.json("GET", f"/v1/models/half_plus_two{path}") == (200, expected)


@pytest.mark.parametrize(
    "method, path, status, message",
    [
        ("GET", "/v1/models", 400, "Missing model name in request."),
        ("GET", "/v1/models/nope", 404, "Could not find any versions of model nope"),
        (
            "GET",
            "/v1/models/half_plus_two/versions/5",
            404,
            "Could not find version 5 of model half_plus_two",
        ),
        ("GET", "/v1/models/half_plus_two/", 400, "Malformed request: GET"),
        ("GET", "/v1/models/half_plus_two/version/123", 400, "Malformed request: GET"),
        ("GET", "/v1/models/half_plus_two/label/stable", 400, "Malformed request: GET"),
        ("GET", "/v1/models/half_plus_two/versions/x", 400, "Malformed request: GET"),
        ("GET", "/v1/models/half_plus_two:predict", 400, "Malformed request: GET"),
        ("POST", "/v1/models/half_plus_two/metadata", 400, "Malformed request: POST"),
        ("POST", "/v1/models/half_plus_two:PREDICT", 400, "Malformed request: POST"),
        ("DELETE", "/v1/models/half_plus_two", 400, "Malformed request: DELETE"),
        (
            "GET",
            "/v1/models/half_plus_two/versions/99999999999999999999",
            400,
            "Failed to convert version: 99999999999999999999",
        ),
        (
            "GET",
            "/v1/models/half_plus_two/labels/nope/metadata",
            400,
            "Unrecognized servable version label: nope",
        ),
    ],
)
def test_path_errors(server, method, path, status, message):
    body = b"{}" if method == "POST" else None
    got_status, doc = server.json(method, path, body)
    assert got_status == status
    assert message in doc["error"]


def test_paths_outside_v1_are_a_plain_404(server):
    status, _, headers = server.request("GET", "/v2/models/half_plus_two")
    assert status == 404
    assert headers["content-type"] != "application/json"


def test_metadata_prints_every_signature_with_proto3_json_defaults(server):
    status, doc = server.json("GET", "/v1/models/half_plus_two/labels/stable/metadata")
    assert status == 200
    assert doc["model_spec"] == {"name": "half_plus_two", "signature_name": "", "version": "123"}
    signatures = doc["metadata"]["signature_def"]["signature_def"]
    assert set(signatures) == {"serving_default", "classify_x_to_y", "regress_x_to_y"}
    x = signatures["serving_default"]["inputs"]["x"]
    assert x == {
        "dtype": "DT_FLOAT",
        "name": "x:0",
        "tensor_shape": {"dim": [{"size": "-1", "name": ""}], "unknown_rank": False},
    }
    assert signatures["serving_default"]["method_name"] == _PREDICT
    assert signatures["serving_default"]["defaults"] == {}


def test_metadata_prints_ref_dtypes_and_unknown_rank(server):
    status, doc = server.json("GET", "/v1/models/counter/metadata")
    assert status == 200
    signatures = doc["metadata"]["signature_def"]["signature_def"]
    assert signatures["get_counter"]["inputs"] == {}
    assert signatures["get_counter"]["outputs"]["output"]["dtype"] == "DT_FLOAT_REF"
    delta = signatures["incr_counter_by"]["inputs"]["delta"]
    assert delta["tensor_shape"] == {"dim": [], "unknown_rank": True}


def _wait_for_status(server, model, expected, timeout=60.0):
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = server.json("GET", f"/v1/models/{model}")
        if got == (200, expected):
            return
        time.sleep(0.2)
    raise AssertionError(f"status never became {expected}; last: {got}")


def test_status_after_a_new_version_and_a_failed_one(server):
    base = server.models_root / "versions"
    shutil.copytree(base / "123", base / "124.partial")
    (base / "124.partial").rename(base / "124")  # appear atomically, as a deployment would
    _wait_for_status(
        server, "versions", _status((124, "AVAILABLE", "OK", ""), (123, "END", "OK", ""))
    )
    # A version that fails to load is listed as END with its error; 124 keeps serving.
    (base / "125").mkdir()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, doc = server.json("GET", "/v1/models/versions")
        if doc["model_version_status"][0]["state"] == "END":
            break
        time.sleep(0.2)
    [failed, serving, old] = doc["model_version_status"]
    assert (failed["version"], failed["state"]) == ("125", "END")
    assert failed["status"]["error_code"] == "NOT_FOUND"
    assert failed["status"]["error_message"].startswith(
        "Could not find SavedModel .pb or .pbtxt at supplied export directory path"
    )
    assert (serving["version"], serving["state"], old["version"]) == ("124", "AVAILABLE", "123")
    assert server.json("POST", "/v1/models/versions:predict", {"inputs": [1.0]}) == (
        200,
        {"outputs": [2.5]},
    )


# --- metadata of TF Serving's own fixture, against TF Serving's recorded answer ----------------


@pytest.mark.skipif(not SHARED_SERVING.is_dir(), reason="../shared/fixtures is not present")
def test_metadata_matches_tf_serving_for_its_half_plus_two_cpu(tmp_path):
    expected = json.loads(
        (SHARED_SERVING / "configs" / "half_plus_two_model_metadata.json").read_text()
    )
    process = model_server_process.ModelServerProcess(
        [
            f"--model_name={expected['model_spec']['name']}",
            f"--model_base_path={SHARED_SERVING / 'saved_model_half_plus_two_cpu'}",
        ],
        tmp_path / "server.log",
    )
    process.start()
    try:
        status, doc = process.json("GET", "/v1/models/default/metadata")
    finally:
        process.stop()
    assert status == 200
    assert doc["model_spec"] == expected["model_spec"]
    got = doc["metadata"]["signature_def"]["signature_def"]
    want = expected["metadata"]["signature_def"]["signature_def"]
    assert sorted(got) == sorted(want)
    for key in want:
        for field in sorted(set(want[key]) | set(got[key])):
            assert got[key].get(field) == want[key].get(field), (key, field)
    assert doc == expected
