"""TF Serving's REST JSON <-> serving protos, with `util/json_tensor.cc`'s rules.

Requests: the predict body's row ("instances") and columnar ("inputs") formats, typed by the
signature's TensorInfo dtypes; classify/regress bodies as tf.Examples. Responses: "predictions" /
"outputs" / "results" written with TF Serving's number formatting (floats as `%g` that round-trips,
`.0` appended, bare `NaN` / `Infinity`), `_bytes` outputs as `{"b64": ...}`, and proto3 JSON for
status and metadata. Every failure is a `framework.errors` class carrying TF Serving's message.
"""

from __future__ import annotations

import base64
import binascii
import json
import math

import numpy as np
import orjson
from google.protobuf import json_format

from ndflow.framework import errors
from ndflow.proto import error_codes_pb2
from ndflow.proto import example_pb2
from ndflow.proto import feature_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import input_pb2
from ndflow.proto import types_pb2
from ndflow.serving import tensor_codec

# DataType enum -> (TF's DataTypeString, NumPy dtype) for the dtypes REST can carry.
_JSON_DTYPES = {
    types_pb2.DT_FLOAT: ("float", np.float32),
    types_pb2.DT_DOUBLE: ("double", np.float64),
    types_pb2.DT_INT32: ("int32", np.int32),
    types_pb2.DT_INT16: ("int16", np.int16),
    types_pb2.DT_INT8: ("int8", np.int8),
    types_pb2.DT_UINT8: ("uint8", np.uint8),
    types_pb2.DT_INT64: ("int64", np.int64),
    types_pb2.DT_UINT32: ("uint32", np.uint32),
    types_pb2.DT_UINT64: ("uint64", np.uint64),
    types_pb2.DT_BOOL: ("bool", np.bool_),
    types_pb2.DT_STRING: ("string", object),
}
# Integer dtypes and the JSON integer range each accepts (rapidjson's IsInt/IsInt64/IsUint...).
# int16/int8/uint8 take any int32 literal: TF Serving does no narrowing range check.
_INT_RANGES = {
    types_pb2.DT_INT32: (-(2**31), 2**31 - 1),
    types_pb2.DT_INT16: (-(2**31), 2**31 - 1),
    types_pb2.DT_INT8: (-(2**31), 2**31 - 1),
    types_pb2.DT_UINT8: (-(2**31), 2**31 - 1),
    types_pb2.DT_INT64: (-(2**63), 2**63 - 1),
    types_pb2.DT_UINT32: (0, 2**32 - 1),
    types_pb2.DT_UINT64: (0, 2**64 - 1),
}


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dtype_name(dtype: int) -> str:
    if dtype in _JSON_DTYPES:
        return _JSON_DTYPES[dtype][0]
    name = types_pb2.DataType.Name(dtype) if dtype in types_pb2.DataType.values() else str(dtype)
    return name.removeprefix("DT_").lower()


# --- parsing ---------------------------------------------------------------------------------


def loads(body: bytes) -> dict:
    """The request body as a JSON object, with rapidjson's leniencies: `NaN` / `Infinity` tokens
    and trailing bytes after the object are accepted.

    Raises:
      InvalidArgumentError: "JSON Parse error: ..." or "... Is not object".
    """
    if not body.strip():
        raise _invalid("JSON Parse error: The document is empty")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        doc = _lenient_loads(body)
    if not isinstance(doc, dict):
        raise _invalid("JSON Parse error: Invalid value. Is not object")
    return doc


def _lenient_loads(body: bytes):
    text = body.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip())
    try:
        doc, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as e:
        raise _invalid(f"JSON Parse error: {e.msg} at offset: {e.pos}") from None
    return doc


def signature_name(doc: dict) -> str:
    """The body's "signature_name", "" when absent (the servable defaults it)."""
    name = doc.get("signature_name", "")
    if not isinstance(name, str):
        raise _invalid("'signature_name' key must be a string value.")
    return name


def _json_text(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_type(value) -> str:
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, str):
        return "String"
    return "Number"


def _type_error(value, dtype: int) -> errors.InvalidArgumentError:
    return _invalid(
        f"JSON Value: {_json_text(value)} Type: {_json_type(value)} "
        f"is not of expected type: {_dtype_name(dtype)}"
    )


def _is_b64(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and "b64" in value


def _b64_decode(value) -> bytes:
    text = value["b64"]
    if not isinstance(text, str):
        raise _invalid(f"JSON Value: {_json_text(value)} not formatted correctly for base64 data")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(f"Unable to base64 decode JSON Value: {_json_text(value)}") from None


def _leaf_converter(dtype: int):
    """A function taking one JSON leaf to the Python value of `dtype`, or raising TF's error."""
    if dtype in (types_pb2.DT_FLOAT, types_pb2.DT_DOUBLE):
        return lambda v: _number(v, dtype)
    if dtype in _INT_RANGES:
        return lambda v: _integer(v, dtype)
    if dtype == types_pb2.DT_BOOL:
        return lambda v: _boolean(v, dtype)
    if dtype == types_pb2.DT_STRING:
        return _string
    return lambda v: _unsupported(v, dtype)


def _number(value, dtype):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(value, dtype)
    return float(value)


def _integer(value, dtype):
    low, high = _INT_RANGES[dtype]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _type_error(value, dtype)
    return value


def _boolean(value, dtype):
    if not isinstance(value, bool):
        raise _type_error(value, dtype)
    return value


def _string(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if _is_b64(value):
        return _b64_decode(value)
    raise _type_error(value, types_pb2.DT_STRING)


def _unsupported(value, dtype):
    raise errors.UnimplementedError(
        None, None, f"Conversion of JSON Value: {_json_text(value)} to type: {_dtype_name(dtype)}"
    )


def _shape_of(value) -> list[int]:
    """The shape read off the first element at each nesting level, as TF Serving does."""
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return shape


def _level_error(value, level: int, shape: list[int]) -> errors.InvalidArgumentError:
    return _invalid(
        f"JSON Value: {_json_text(value)} found at incorrect level: {level + 1} "
        f"in the JSON DOM. Expected at level: {len(shape) + 1}"
    )


def _flatten(value, shape, level, convert, out) -> None:
    if level == len(shape):
        if isinstance(value, list):
            raise _level_error(value, level, shape)
        out.append(convert(value))
        return
    if not isinstance(value, list):
        raise _level_error(value, level, shape)
    if len(value) != shape[level]:
        raise _invalid(
            f"Encountered list at unexpected size: {len(value)} at level: {level} "
            f"expected size: {shape[level]}"
        )
    for item in value:
        _flatten(item, shape, level + 1, convert, out)


def json_to_array(value, dtype: int) -> np.ndarray:
    """One JSON value (scalar, nested lists, or a b64 object) as an ndarray of `dtype`.

    Raises:
      InvalidArgumentError: a leaf of the wrong JSON type, or a ragged list.
      UnimplementedError: a dtype JSON cannot carry (half, bfloat16, complex...).
    """
    shape = _shape_of(value)
    flat: list = []
    _flatten(value, shape, 0, _leaf_converter(dtype), flat)
    np_dtype = _JSON_DTYPES.get(dtype, (None, object))[1]
    array = np.empty(len(flat), dtype=np_dtype)
    array[:] = flat
    return array.reshape(shape)


def _input_dtypes(signature_def, name: str) -> dict[str, int]:
    if not signature_def.inputs:
        raise _invalid(f"Failed to get input map for signature: {name or 'serving_default'}")
    return {alias: info.dtype for alias, info in signature_def.inputs.items()}


def predict_inputs(doc: dict, signature_def, name: str = "") -> tuple[dict, bool]:
    """The PredictRequest inputs (alias -> TensorProto) of a parsed `:predict` body.

    Returns:
      (inputs, row): `row` is True for the "instances" format, whose answer is "predictions".
    """
    dtypes = _input_dtypes(signature_def, name)
    has_instances, has_inputs = "instances" in doc, "inputs" in doc
    if has_instances and has_inputs:
        raise _invalid(
            "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist"
        )
    if not has_instances and not has_inputs:
        raise _invalid("Missing 'inputs' or 'instances' key")
    if has_instances:
        arrays = _row_arrays(doc["instances"], dtypes)
    else:
        arrays = _columnar_arrays(doc["inputs"], dtypes)
    protos = {alias: _to_proto(array, dtypes[alias]) for alias, array in arrays.items()}
    return protos, has_instances


def _to_proto(array: np.ndarray, dtype: int):
    proto = tensor_codec.from_numpy(array.astype(_JSON_DTYPES[dtype][1]))
    proto.dtype = dtype
    return proto


def _is_named_object(value) -> bool:
    return isinstance(value, dict) and not _is_b64(value)


def _columnar_arrays(value, dtypes: dict[str, int]) -> dict[str, np.ndarray]:
    """TF Serving's columnar format: one bare value for a one-input signature, else an object
    holding every input (extra keys are ignored)."""
    if not _is_named_object(value):
        if len(dtypes) != 1:
            raise _invalid(
                "inputs is a plain value/list, but expecting an object as multiple input "
                "tensors required as per tensorinfo_map"
            )
        (alias, dtype) = next(iter(dtypes.items()))
        return {alias: json_to_array(value, dtype)}
    for alias in dtypes:
        if alias not in value:
            raise _invalid(f"Missing named input: {alias} in 'inputs' object.")
    return {alias: json_to_array(value[alias], dtype) for alias, dtype in dtypes.items()}


def _row_arrays(instances, dtypes: dict[str, int]) -> dict[str, np.ndarray]:
    """TF Serving's row format: one element per example, stacked along a new batch dimension."""
    if not isinstance(instances, list):
        raise _invalid("Expecting 'instances' to be an list/array")
    if not instances:
        raise _invalid("'instances' is empty")
    named = _is_named_object(instances[0])
    if len(dtypes) > 1 and not named:
        raise _invalid(
            "instances is a plain list, but expecting list of objects as multiple input "
            "tensors required as per tensorinfo_map"
        )
    rows: dict[str, list] = {alias: [] for alias in dtypes}
    for index, instance in enumerate(instances):
        for alias, value in _instance_values(instance, named, dtypes, index):
            rows[alias].append(_element(value, dtypes[alias], alias, named, index))
    return {alias: _stack(arrays, alias, named) for alias, arrays in rows.items()}


def _instance_values(instance, named: bool, dtypes: dict[str, int], index: int):
    if not named:
        return [(next(iter(dtypes)), instance)]
    if not _is_named_object(instance) or set(instance) != set(dtypes):
        keys = ",".join(sorted(dtypes))
        raise _invalid(
            f"Failed to process element: {index} of 'instances' list. JSON object: "
            f"{_json_text(instance)} keys must be equal to: {keys}"
        )
    return [(alias, instance[alias]) for alias in dtypes]


def _element(value, dtype: int, alias: str, named: bool, index: int) -> np.ndarray:
    try:
        return json_to_array(value, dtype)
    except errors.OpError as e:
        key = f" key: {alias}" if named else ""
        code = errors.exception_type_from_error_code(e.error_code)
        prefix = error_codes_pb2.Code.Name(e.error_code)
        raise code(
            None,
            None,
            f"Failed to process element: {index}{key} of 'instances' list. "
            f"Error: {prefix}: {e.message}",
        ) from None


def _stack(arrays: list[np.ndarray], alias: str, named: bool) -> np.ndarray:
    first = arrays[0]
    for array in arrays[1:]:
        if array.size != first.size:
            raise _invalid(f"Expecting tensor size: {first.size} but got: {array.size}")
        if array.shape != first.shape:
            raise _invalid(
                f"Expecting shape {_shape_text(first.shape)} but got: {_shape_text(array.shape)}"
            )
    return np.stack(arrays)


def _shape_text(shape) -> str:
    """TF's TensorShape::DebugString: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


# --- writing ---------------------------------------------------------------------------------


def _float_text(value: float, short: int, full: int, np_type) -> str:
    """TF's FloatToBuffer / DoubleToBuffer as json_tensor.cc writes decimals: `%g` with the
    type's digits10 if it round-trips, else max_digits10; `.0` added to integral forms."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = f"{value:.{short}g}"
    if np_type(float(text)) != np_type(value):
        text = f"{value:.{full}g}"
    if "." in text or "e" in text:
        return text
    return text + ".0"


def _leaf_texts(array: np.ndarray, alias: str) -> list[str]:
    kind = array.dtype.kind
    values = array.reshape(-1).tolist()
    if array.dtype == np.float32:
        return [_float_text(v, 6, 9, np.float32) for v in values]
    if array.dtype == np.float64:
        return [_float_text(v, 15, 17, np.float64) for v in values]
    if kind == "b":
        return ["true" if v else "false" for v in values]
    if kind in "iu" and array.dtype != np.uint16:
        return [str(v) for v in values]
    if kind in "OSU":
        return [_bytes_text(v, alias) for v in values]
    raise _invalid(f"Failed to write JSON value for tensor type: {_numpy_type_name(array)}")


def _numpy_type_name(array: np.ndarray) -> str:
    names = {"float16": "half", "complex64": "complex64", "complex128": "complex128"}
    return names.get(array.dtype.name, array.dtype.name)


def _bytes_text(value, alias: str) -> str:
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    if alias.endswith("_bytes"):
        return '{"b64": "' + base64.b64encode(data).decode("ascii") + '"}'
    # Raw bytes, as TF Serving writes them (invalid UTF-8 stays invalid, not escaped away).
    text = data.decode("utf-8", errors="surrogateescape")
    return json.dumps(text, ensure_ascii=False)


def _nest(leaves: list[str], shape: tuple[int, ...]) -> list[str]:
    """Groups leaf texts into JSON lists for every dimension of `shape` but the first; returns
    one text per index of the first dimension."""
    items = leaves
    for level in range(len(shape) - 1, 0, -1):
        size = shape[level]
        count = int(np.prod(shape[:level], dtype=np.int64))
        if size == 0:
            items = ["[]"] * count
            continue
        items = ["[" + ", ".join(items[i : i + size]) + "]" for i in range(0, len(items), size)]
    return items


def tensor_json(array: np.ndarray, alias: str) -> str:
    """One tensor as TF Serving writes it: nested lists, or a bare value for a scalar."""
    rows = _nest(_leaf_texts(array, alias), array.shape)
    if array.ndim == 0:
        return rows[0]
    return "[" + ", ".join(rows) + "]"


def _output_arrays(outputs) -> dict[str, np.ndarray]:
    return {alias: tensor_codec.to_numpy(proto, alias) for alias, proto in outputs.items()}


def predict_response(outputs, row: bool) -> bytes:
    """The body answering `:predict`: {"predictions": ...} for a row request, {"outputs": ...}
    for a columnar one; `outputs` maps alias -> TensorProto."""
    arrays = _output_arrays(outputs)
    if not row:
        return ('{"outputs": ' + _columnar_json(arrays) + "}").encode("utf-8")
    return ('{"predictions": ' + _row_json(arrays) + "}").encode("utf-8")


def _columnar_json(arrays: dict[str, np.ndarray]) -> str:
    if len(arrays) == 1:
        ((alias, array),) = arrays.items()
        return tensor_json(array, alias)
    fields = [json.dumps(alias) + ": " + tensor_json(a, alias) for alias, a in arrays.items()]
    return "{" + ", ".join(fields) + "}"


def _row_json(arrays: dict[str, np.ndarray]) -> str:
    batch = _batch_size(arrays)
    per_output = {
        alias: _nest(_leaf_texts(array, alias), array.shape) for alias, array in arrays.items()
    }
    if len(per_output) == 1:
        (rows,) = per_output.values()
        return "[" + ", ".join(rows) + "]"
    objects = []
    for index in range(batch):
        fields = [json.dumps(alias) + ": " + rows[index] for alias, rows in per_output.items()]
        objects.append("{" + ", ".join(fields) + "}")
    return "[" + ", ".join(objects) + "]"


def _batch_size(arrays: dict[str, np.ndarray]) -> int:
    """The common 0-th dimension every output must share in the row format."""
    batch = None
    for alias, array in arrays.items():
        if array.ndim == 0:
            raise _invalid(f"Tensor name: {alias} has no shape information ")
        if batch is None:
            batch = array.shape[0]
        if array.shape[0] != batch:
            raise _invalid(
                f"Tensor name: {alias} has inconsistent batch size: {array.shape[0]} "
                f"expecting: {batch}"
            )
    return batch or 0


# --- classify / regress ----------------------------------------------------------------------


def examples_input(doc: dict, method: str) -> input_pb2.Input:
    """The Input of a `:classify` / `:regress` body: "examples" (and an optional "context")
    as tf.Examples, with TF Serving's JSON -> Feature kind rules."""
    if "examples" not in doc:
        raise _invalid(f"When method is {method}, key 'examples' is expected and was not found")
    examples = doc["examples"]
    if not isinstance(examples, list) or not examples:
        raise _invalid("'examples' must be a non-empty array of objects")
    parsed = [json_to_example(example) for example in examples]
    if "context" not in doc:
        return input_pb2.Input(example_list=input_pb2.ExampleList(examples=parsed))
    with_context = input_pb2.ExampleListWithContext(
        examples=parsed, context=json_to_example(doc["context"])
    )
    return input_pb2.Input(example_list_with_context=with_context)


def json_to_example(value) -> example_pb2.Example:
    """One JSON object as a tf.Example (TF Serving's FillFeatureMapFromJson)."""
    if not isinstance(value, dict):
        raise _invalid(f"Example must be JSON object but got JSON {_json_type(value)}")
    example = example_pb2.Example()
    for name, item in value.items():
        _fill_feature(name, item, example.features.feature[name])
    return example


def _feature_kind(name: str, value) -> tuple[str, object]:
    if isinstance(value, bool):
        return "int64", int(value)
    if isinstance(value, int):
        if value > 2**63 - 1:
            raise _invalid(f"Feature: {name} has uint64_t element. Only int64_t is supported.")
        return "int64", value
    if isinstance(value, float):
        return "float", value
    if isinstance(value, str):
        return "bytes", value.encode("utf-8")
    if _is_b64(value):
        return "bytes", _b64_decode(value)
    raise _invalid(f"Feature: {name} has element with unexpected JSON type: {_json_type(value)}")


def _fill_feature(name: str, value, feature: feature_pb2.Feature) -> None:
    items = value if isinstance(value, list) else [value]
    kinds = [_feature_kind(name, item) for item in items]
    expected = kinds[0][0] if kinds else "float"
    for kind, _ in kinds:
        if kind != expected:
            raise _invalid(f"Unexpected element type in feature: {name} expecting type: {expected}")
    values = [v for _, v in kinds]
    if expected == "int64":
        feature.int64_list.value.extend(values)
    elif expected == "float":
        feature.float_list.value.extend(values)
    else:
        feature.bytes_list.value.extend(values)


def classify_response(result) -> bytes:
    """{"results": [[[label, score], ...], ...]} for a ClassificationResult."""
    examples = []
    for classifications in result.classifications:
        pairs = [
            "[" + json.dumps(c.label, ensure_ascii=False) + ", " + _score(c.score) + "]"
            for c in classifications.classes
        ]
        examples.append("[" + ", ".join(pairs) + "]")
    return ('{"results": [' + ", ".join(examples) + "]}").encode("utf-8")


def regress_response(result) -> bytes:
    """{"results": [value, ...]} for a RegressionResult."""
    values = [_score(r.value) for r in result.regressions]
    return ('{"results": [' + ", ".join(values) + "]}").encode("utf-8")


def _score(value: float) -> str:
    return _float_text(value, 6, 9, np.float32)


# --- status, metadata, errors ----------------------------------------------------------------


def _proto_dict(message) -> dict:
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def _pretty(doc) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def status_response(response) -> bytes:
    """A GetModelStatusResponse as TF Serving's proto3 JSON (enum names, int64 as strings);
    every version carries its status, OK included, as TF Serving always sets it."""
    response = type(response).FromString(response.SerializeToString())
    for version_status in response.model_version_status:
        version_status.status.SetInParent()
    return _pretty(_proto_dict(response))


def metadata_response(response) -> bytes:
    """A GetModelMetadataResponse as TF Serving writes it: the model_spec, then each metadata
    Any printed as its SignatureDefMap (snake_case, defaults included)."""
    metadata = {}
    for key, payload in response.metadata.items():
        signature_map = get_model_metadata_pb2.SignatureDefMap.FromString(payload.value)
        metadata[key] = _proto_dict(signature_map)
    doc = {"model_spec": _proto_dict(response.model_spec), "metadata": metadata}
    return _pretty(doc)


def error_response(message: str) -> bytes:
    """TF Serving's error body: {"error": "<status message>"}."""
    return _pretty({"error": message})
