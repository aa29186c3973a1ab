"""One loaded model version and its request semantics (TF Serving's `SavedModelBundle` with
`predict_util`, `classifier`, `regressor`, `multi_inference` and `get_model_metadata_impl`).

A Servable owns the Session of one version. Its methods take and return TF Serving's request
and response protos; they are safe to call from many threads at once. Errors are TF's error
classes with TF Serving's messages; front ends map them to HTTP / gRPC codes.
"""

from __future__ import annotations

import threading

import numpy as np

from ndflow.framework import dtypes
from ndflow.framework import errors
from ndflow.proto import any_codec
from ndflow.proto import classification_pb2
from ndflow.proto import get_model_metadata_pb2
from ndflow.proto import inference_pb2
from ndflow.proto import predict_pb2
from ndflow.proto import regression_pb2
from ndflow.proto import types_pb2
from ndflow.serving import tensor_codec

DEFAULT_SIGNATURE = "serving_default"
PREDICT_METHOD = "tensorflow/serving/predict"
CLASSIFY_METHOD = "tensorflow/serving/classify"
REGRESS_METHOD = "tensorflow/serving/regress"
_PREDICT_METHODS = (PREDICT_METHOD, CLASSIFY_METHOD, REGRESS_METHOD)


def _joined(keys) -> str:
    return ",".join(sorted(keys))


def _shape_text(tensor_shape) -> str:
    if tensor_shape.unknown_rank:
        return "<unknown rank>"
    return "[" + ",".join(str(dim.size) for dim in tensor_shape.dim) + "]"


def describe_inputs(signature) -> str:
    """The signature's inputs as `alias (DT_FLOAT, [-1,1], tensor x:0)`, for error messages."""
    parts = []
    for alias in sorted(signature.inputs):
        info = signature.inputs[alias]
        dtype = types_pb2.DataType.Name(info.dtype)
        parts.append(f"{alias} ({dtype}, {_shape_text(info.tensor_shape)}, tensor {info.name})")
    return "; ".join(parts)


def _with_inputs(message: str, signature) -> str:
    return f"{message} The signature's inputs are: {describe_inputs(signature)}."


class Servable:
    """One loaded version of a model: its Session, MetaGraphDef and signatures.

    Mirrors TF Serving's `SavedModelBundle` servable plus the request handlers that run it.
    """

    def __init__(self, name: str, version: int, session, meta_graph_def, path: str = "", **opts):
        self.name = name
        self.version = int(version)
        self.path = path
        self.session = session
        self.meta_graph_def = meta_graph_def
        self.signatures = dict(meta_graph_def.signature_def)
        self.method_name_check = bool(opts.get("enable_signature_method_name_check", False))
        self.tensor_content = bool(opts.get("enable_serialization_as_tensor_content", False))
        # Front ends may wrap the session run (request batching); the default runs directly.
        self.run_arrays = session.run_arrays
        self._inflight = 0
        self._idle = threading.Condition()
        self._close_hooks: list = []

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self):
        with self._idle:
            self._inflight += 1
        return self

    def __exit__(self, *exc_info):
        with self._idle:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Waits until no request runs on this version (TF's handle-quiescing before unload)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._inflight == 0, timeout)

    def on_close(self, hook) -> None:
        """Registers `hook()` to run when the version is unloaded (e.g. stop its batching)."""
        self._close_hooks.append(hook)

    def close(self) -> None:
        """Runs the unload hooks. The Session itself goes with the last reference, so a
        request that still holds this servable finishes normally."""
        for hook in self._close_hooks:
            hook()

    # -- shared steps ----------------------------------------------------------------

    def _model_spec(self, target, signature_name: str) -> None:
        target.name = self.name
        target.version.value = self.version
        if signature_name is not None:
            target.signature_name = signature_name

    def _encode(self, array):
        dtype = dtypes.string if array.dtype.kind in "OSU" else None
        return tensor_codec.from_numpy(array, dtype, as_tensor_content=self.tensor_content)

    def _run(self, fetch_names: list, feeds: list) -> list:
        with self:
            return self.run_arrays(fetch_names, feeds)

    # -- Predict -----------------------------------------------------------------------

    def _predict_signature(self, key: str):
        signature = self.signatures.get(key)
        if signature is None:
            raise errors.FailedPreconditionError(
                None, None, f'Serving signature key "{key}" not found.'
            )
        if self.method_name_check and signature.method_name not in _PREDICT_METHODS:
            raise errors.InternalError(
                None,
                None,
                f"Expected prediction signature method_name to be one of {{"
                f"{', '.join(_PREDICT_METHODS)}}}. Was: {signature.method_name}",
            )
        return signature

    def _predict_feeds(self, request, signature) -> list:
        sent, expected = set(request.inputs), set(signature.inputs)
        too_many = len(sent) > len(expected)
        too_few = len(sent) < len(expected) and not signature.defaults
        if too_many or too_few:
            raise errors.InvalidArgumentError(
                None,
                None,
                _with_inputs(
                    f"input size does not match signature: {len(sent)}!={len(expected)} "
                    f"len({{{_joined(sent)}}}) != len({{{_joined(expected)}}}). "
                    f"Sent extra: {{{_joined(sent - expected)}}}. "
                    f"Missing but required: {{{_joined(expected - sent)}}}.",
                    signature,
                ),
            )
        feeds = [self._request_feed(request, signature, alias) for alias in sorted(sent)]
        feeds.extend(_default_feeds(signature, sent))
        return feeds

    def _request_feed(self, request, signature, alias: str):
        info = signature.inputs.get(alias)
        if info is None:
            raise errors.InvalidArgumentError(
                None,
                None,
                _with_inputs(
                    f"input tensor alias not found in signature: {alias}. Inputs expected to "
                    f"be in the set {{{_joined(signature.inputs)}}}.",
                    signature,
                ),
            )
        return (info.name, tensor_codec.to_numpy(request.inputs[alias], alias))

    def predict(self, request: predict_pb2.PredictRequest) -> predict_pb2.PredictResponse:
        """Mirrors TF Serving's `RunPredict`: feeds the request's tensors to the signature's
        tensor names as they are (no shape check) and fetches the (filtered) outputs."""
        key = request.model_spec.signature_name or DEFAULT_SIGNATURE
        signature = self._predict_signature(key)
        feeds = self._predict_feeds(request, signature)
        aliases = _output_aliases(request.output_filter, signature)
        values = self._run([signature.outputs[alias].name for alias in aliases], feeds)
        response = predict_pb2.PredictResponse()
        self._model_spec(response.model_spec, key)
        for alias, value in zip(aliases, values):
            response.outputs[alias].CopyFrom(self._encode(np.asarray(value)))
        return response

    # -- Classify / Regress ------------------------------------------------------------------

    def _example_signature(self, key: str):
        signature = self.signatures.get(key)
        if signature is None:
            raise errors.InvalidArgumentError(
                None, None, f"No signature was found with the name: {key}"
            )
        return signature

    def _check_method(self, signature, method: str, what: str) -> None:
        if self.method_name_check and signature.method_name != method:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected {what} signature method_name to be {method}. "
                f"Was: {signature.method_name}",
            )

    def classify(
        self, request: classification_pb2.ClassificationRequest
    ) -> classification_pb2.ClassificationResponse:
        """Mirrors TF Serving's `RunClassify` on a SavedModel signature."""
        key = request.model_spec.signature_name or DEFAULT_SIGNATURE
        signature = self._example_signature(key)
        self._check_method(signature, CLASSIFY_METHOD, "classification")
        input_name, output_aliases = classification_tensors(signature)
        examples = serialized_examples(request.input)
        outputs = self._run(
            [signature.outputs[a].name for a in output_aliases], [(input_name, examples)]
        )
        response = classification_pb2.ClassificationResponse()
        self._model_spec(response.model_spec, key)
        fill_classification(response.result, dict(zip(output_aliases, outputs)), len(examples))
        return response

    def regress(
        self, request: regression_pb2.RegressionRequest
    ) -> regression_pb2.RegressionResponse:
        """Mirrors TF Serving's `RunRegress` on a SavedModel signature."""
        key = request.model_spec.signature_name or DEFAULT_SIGNATURE
        signature = self._example_signature(key)
        self._check_method(signature, REGRESS_METHOD, "regression")
        input_name, output_name = regression_tensors(signature)
        examples = serialized_examples(request.input)
        (output,) = self._run([output_name], [(input_name, examples)])
        response = regression_pb2.RegressionResponse()
        self._model_spec(response.model_spec, key)
        fill_regression(response.result, output, len(examples))
        return response

    # -- MultiInference ----------------------------------------------------------------------

    def multi_inference(
        self, request: inference_pb2.MultiInferenceRequest
    ) -> inference_pb2.MultiInferenceResponse:
        """Mirrors TF Serving's `RunMultiInference`: one session run feeds the examples to every
        task's input tensor and fetches the union of their outputs."""
        tasks = [self._task_plan(task) for task in _checked_tasks(request.tasks)]
        examples = serialized_examples(request.input)
        feeds = {plan.input_name: examples for plan in tasks}
        fetches = sorted({name for plan in tasks for name in plan.output_names.values()})
        values = dict(zip(fetches, self._run(fetches, list(feeds.items()))))
        response = inference_pb2.MultiInferenceResponse()
        for plan in tasks:
            result = response.results.add()
            self._model_spec(result.model_spec, plan.signature_name)
            outputs = {alias: values[name] for alias, name in plan.output_names.items()}
            if plan.method == CLASSIFY_METHOD:
                fill_classification(result.classification_result, outputs, len(examples))
            else:
                fill_regression(result.regression_result, outputs["outputs"], len(examples))
        return response

    def _task_plan(self, task):
        key = task.model_spec.signature_name or DEFAULT_SIGNATURE
        signature = self._example_signature(key)
        if task.method_name == CLASSIFY_METHOD:
            self._check_method(signature, CLASSIFY_METHOD, "classification")
            input_name, aliases = classification_tensors(signature)
            names = {alias: signature.outputs[alias].name for alias in aliases}
        elif task.method_name == REGRESS_METHOD:
            self._check_method(signature, REGRESS_METHOD, "regression")
            input_name, output_name = regression_tensors(signature)
            names = {"outputs": output_name}
        else:
            raise errors.UnimplementedError(
                None, None, f"Unsupported signature method_name: {task.method_name}"
            )
        return _TaskPlan(key, task.method_name, input_name, names)

    # -- GetModelMetadata --------------------------------------------------------------------

    def metadata(
        self, request: get_model_metadata_pb2.GetModelMetadataRequest
    ) -> get_model_metadata_pb2.GetModelMetadataResponse:
        """Mirrors TF Serving's `GetModelMetadataImpl`: the SignatureDefMap as an Any."""
        if not request.metadata_field:
            raise errors.InvalidArgumentError(
                None, None, "GetModelMetadataRequest must specify at least one metadata_field"
            )
        for field in request.metadata_field:
            if field != "signature_def":
                raise errors.InvalidArgumentError(
                    None, None, f"Metadata field {field} is not supported"
                )
        signature_map = get_model_metadata_pb2.SignatureDefMap()
        for key, signature in self.signatures.items():
            signature_map.signature_def[key].CopyFrom(signature)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        self._model_spec(response.model_spec, None)
        any_codec.pack(response.metadata["signature_def"], signature_map)
        return response


class _TaskPlan:
    """One MultiInference task resolved against its signature."""

    def __init__(self, signature_name, method, input_name, output_names):
        self.signature_name = signature_name
        self.method = method
        self.input_name = input_name
        self.output_names = output_names


def _checked_tasks(tasks) -> list:
    if not tasks:
        raise errors.InvalidArgumentError(None, None, "Expected at least one task")
    names = {task.model_spec.name for task in tasks}
    if len(names) > 1:
        raise errors.InvalidArgumentError(
            None, None, "All ModelSpecs in a MultiInferenceRequest must access the same model name."
        )
    seen = set()
    for task in tasks:
        key = task.model_spec.signature_name or DEFAULT_SIGNATURE
        if key in seen:
            raise errors.InvalidArgumentError(
                None, None, f"Duplicate evaluation of signature: {key}"
            )
        seen.add(key)
    return list(tasks)


def _default_feeds(signature, sent) -> list:
    feeds = []
    for alias in sorted(set(signature.inputs) - sent):
        info = signature.inputs[alias]
        if alias not in signature.defaults:
            raise errors.InvalidArgumentError(
                None,
                None,
                _with_inputs(
                    f"Signature input alias: {alias}(feed name: {info.name}) not found in "
                    "request and no default value provided.",
                    signature,
                ),
            )
        feeds.append((info.name, tensor_codec.to_numpy(signature.defaults[alias], alias)))
    return feeds


def _output_aliases(output_filter, signature) -> list:
    if not output_filter:
        return sorted(signature.outputs)
    seen: set = set()
    for alias in output_filter:
        if alias not in signature.outputs:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"output tensor alias not found in signature: {alias} Outputs expected to be "
                f"in the set {{{_joined(signature.outputs)}}}.",
            )
        if alias in seen:
            raise errors.InvalidArgumentError(None, None, f"duplicate output tensor alias: {alias}")
        seen.add(alias)
    return list(output_filter)


# -- Example-based signatures (TF Serving's classifier.cc / regressor.cc / util.cc) -------------


def serialized_examples(request_input) -> np.ndarray:
    """The Input's examples as a 1-D string array of serialized tf.Examples; with a context,
    the context's bytes come first so the example's own features win on a clash."""
    kind = request_input.WhichOneof("kind")
    if kind == "example_list":
        records = [e.SerializeToString() for e in request_input.example_list.examples]
    elif kind == "example_list_with_context":
        with_context = request_input.example_list_with_context
        context = with_context.context.SerializeToString()
        records = [context + e.SerializeToString() for e in with_context.examples]
    else:
        records = []
    if not records:
        raise errors.InvalidArgumentError(None, None, "Input is empty.")
    array = np.empty(len(records), dtype=object)
    array[:] = records
    return array


def classification_tensors(signature):
    """(input tensor name, output aliases among `classes` / `scores`) of a classify signature."""
    if len(signature.inputs) != 1:
        raise errors.InvalidArgumentError(None, None, "Expected one input Tensor.")
    if len(signature.outputs) not in (1, 2):
        raise errors.InvalidArgumentError(
            None, None, f"Expected one or two output Tensors, found {len(signature.outputs)}"
        )
    if "inputs" not in signature.inputs:
        raise errors.InvalidArgumentError(
            None, None, f"No classification inputs found in SignatureDef: {signature}"
        )
    aliases = [alias for alias in ("classes", "scores") if alias in signature.outputs]
    if not aliases:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected classification signature outputs, but none found in SignatureDef: "
            f"{signature}",
        )
    return signature.inputs["inputs"].name, aliases


def regression_tensors(signature):
    """(input tensor name, output tensor name) of a regress signature."""
    if len(signature.inputs) != 1:
        raise errors.InvalidArgumentError(None, None, "Expected one input Tensor.")
    if len(signature.outputs) != 1:
        raise errors.InvalidArgumentError(None, None, "Expected one output Tensor.")
    if "inputs" not in signature.inputs:
        raise errors.InvalidArgumentError(
            None, None, f"No regression inputs found in SignatureDef: {signature}"
        )
    if "outputs" not in signature.outputs:
        raise errors.InvalidArgumentError(
            None, None, f"No regression outputs found in SignatureDef: {signature}"
        )
    return signature.inputs["inputs"].name, signature.outputs["outputs"].name


def _check_batch(array, num_examples: int, what: str) -> None:
    if array.ndim == 0 or array.shape[0] != num_examples:
        got = array.shape[0] if array.ndim else 0
        raise errors.InvalidArgumentError(
            None, None, f"Expected {what} output batch size of {num_examples}. Got: {got}"
        )
    if array.ndim != 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected Tensor shape: [batch_size num_classes] but got {list(array.shape)}",
        )


def fill_classification(result, outputs: dict, num_examples: int) -> None:
    """Fills a ClassificationResult from the `classes` / `scores` arrays (TF Serving's
    `PostProcessClassificationResult`): labels "" without classes, scores 0 without scores."""
    classes = outputs.get("classes")
    scores = outputs.get("scores")
    if classes is not None:
        classes = np.asarray(classes)
        if classes.dtype.kind not in "OSU":
            raise errors.InvalidArgumentError(
                None, None, f"Expected classes Tensor of DT_STRING.  Got: {classes.dtype}"
            )
        _check_batch(classes, num_examples, "classes")
    if scores is not None:
        scores = np.asarray(scores)
        if scores.dtype != np.float32:
            raise errors.InvalidArgumentError(
                None, None, f"Expected scores Tensor of DT_FLOAT.  Got: {scores.dtype}"
            )
        _check_batch(scores, num_examples, "scores")
    if classes is not None and scores is not None and classes.shape[1] != scores.shape[1]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Tensors class and score should match in dim_size(1). Got {classes.shape[1]} "
            f"vs. {scores.shape[1]}",
        )
    num_classes = (classes if classes is not None else scores).shape[1]
    for row in range(num_examples):
        classifications = result.classifications.add()
        for column in range(num_classes):
            entry = classifications.classes.add()
            if classes is not None:
                label = classes[row, column]
                entry.label = (
                    label.decode("utf-8", "replace") if isinstance(label, bytes) else label
                )
            if scores is not None:
                entry.score = float(scores[row, column])


def fill_regression(result, output, num_examples: int) -> None:
    """Fills a RegressionResult from the `outputs` array (TF Serving's
    `PostProcessRegressionResult`): shape [batch] or [batch, 1], DT_FLOAT."""
    output = np.asarray(output)
    fits = output.ndim == 1 or (output.ndim == 2 and output.shape[1] == 1)
    if not fits:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got "
            f"{list(output.shape)}",
        )
    if output.shape[0] != num_examples:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Input batch size did not match output batch size: {num_examples} vs. "
            f"{output.shape[0]}",
        )
    if output.dtype != np.float32:
        raise errors.InvalidArgumentError(
            None, None, f"Expected output Tensor of DT_FLOAT.  Got: {output.dtype}"
        )
    for value in output.reshape(-1):
        result.regressions.add().value = float(value)
