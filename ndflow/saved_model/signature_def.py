"""SignatureDefs: building them and checking them (`tf.compat.v1.saved_model.signature_def_utils`).

A SignatureDef maps input and output keys to TensorInfos under a method name; the predict,
classify and regress flavours are the ones TensorFlow Serving calls.
"""

from __future__ import annotations

from ndflow.framework import graph as graph_lib
from ndflow.proto import meta_graph_pb2
from ndflow.proto import types_pb2
from ndflow.saved_model import signature_constants
from ndflow.saved_model import tensor_info as tensor_info_lib


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """Mirrors `tf.compat.v1.saved_model.signature_def_utils.build_signature_def`.

    Args:
      inputs: {key: TensorInfo}.
      outputs: {key: TensorInfo}.
      method_name: the SignatureDef's method name.
      defaults: {input key: a Const Tensor} giving default input values.

    Returns:
      A SignatureDef proto.

    Raises:
      ValueError: a default is not a Const tensor.

    >>> build_signature_def({"x": build_tensor_info(x)}, {"y": build_tensor_info(y)},
    ...                     PREDICT_METHOD_NAME)
    """
    signature = meta_graph_pb2.SignatureDef()
    for key, info in (inputs or {}).items():
        signature.inputs[key].CopyFrom(info)
    for key, info in (outputs or {}).items():
        signature.outputs[key].CopyFrom(info)
    if method_name is not None:
        signature.method_name = method_name
    for key, default in (defaults or {}).items():
        if not isinstance(default, graph_lib.Tensor) or default.op.type != "Const":
            raise ValueError(
                f"Unable to convert object {default} of type {type(default)} to TensorProto."
            )
        signature.defaults[key].CopyFrom(default.op.get_attr("value"))
    return signature


def regression_signature_def(examples, predictions):
    """Mirrors `tf.compat.v1.saved_model.signature_def_utils.regression_signature_def`.

    Args:
      examples: a string Tensor of serialized tf.Examples.
      predictions: a float Tensor.

    Returns:
      A SignatureDef with input "inputs", output "outputs" and the regress method name.

    Raises:
      ValueError: an argument is None, not a Tensor, or of the wrong dtype.

    >>> regression_signature_def(serialized_examples, y)
    """
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not isinstance(examples, graph_lib.Tensor):
        raise ValueError(
            "Expected regression `examples` to be of type Tensor. "
            f"Found `examples` of type {type(examples)}."
        )
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    input_info = tensor_info_lib.build_tensor_info(examples)
    if input_info.dtype != types_pb2.DT_STRING:
        raise ValueError(
            "Regression input tensors must be of type string. "
            f"Found tensors with type {input_info.dtype}."
        )
    output_info = tensor_info_lib.build_tensor_info(predictions)
    if output_info.dtype != types_pb2.DT_FLOAT:
        raise ValueError(
            "Regression output tensors must be of type float. "
            f"Found tensors with type {output_info.dtype}."
        )
    return build_signature_def(
        {signature_constants.REGRESS_INPUTS: input_info},
        {signature_constants.REGRESS_OUTPUTS: output_info},
        signature_constants.REGRESS_METHOD_NAME,
    )


def classification_signature_def(examples, classes, scores):
    """Mirrors `tf.compat.v1.saved_model.signature_def_utils.classification_signature_def`.

    Args:
      examples: a string Tensor of serialized tf.Examples.
      classes: a string Tensor of class labels, or None.
      scores: a float Tensor of scores, or None (not both None).

    Returns:
      A SignatureDef with input "inputs", outputs "classes" and/or "scores" and the classify
      method name.

    Raises:
      ValueError: a required argument is None, not a Tensor, or of the wrong dtype.

    >>> classification_signature_def(serialized_examples, None, scores)
    """
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not isinstance(examples, graph_lib.Tensor):
        raise ValueError(
            "Classification `examples` must be a string Tensor. "
            f"Found `examples` of type {type(examples)}."
        )
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    input_info = tensor_info_lib.build_tensor_info(examples)
    if input_info.dtype != types_pb2.DT_STRING:
        raise ValueError(
            "Classification input tensors must be of type string. "
            f"Found tensors of type {input_info.dtype}"
        )
    outputs = {}
    if classes is not None:
        classes_info = tensor_info_lib.build_tensor_info(classes)
        if classes_info.dtype != types_pb2.DT_STRING:
            raise ValueError(
                "Classification classes must be of type string Tensor. "
                f"Found tensors of type {classes_info.dtype}.`"
            )
        outputs[signature_constants.CLASSIFY_OUTPUT_CLASSES] = classes_info
    if scores is not None:
        scores_info = tensor_info_lib.build_tensor_info(scores)
        if scores_info.dtype != types_pb2.DT_FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[signature_constants.CLASSIFY_OUTPUT_SCORES] = scores_info
    return build_signature_def(
        {signature_constants.CLASSIFY_INPUTS: input_info},
        outputs,
        signature_constants.CLASSIFY_METHOD_NAME,
    )


def predict_signature_def(inputs, outputs):
    """Mirrors `tf.compat.v1.saved_model.signature_def_utils.predict_signature_def`.

    Args:
      inputs: {key: Tensor or SparseTensor}, not empty.
      outputs: {key: Tensor or SparseTensor}, not empty.

    Returns:
      A SignatureDef with the predict method name.

    Raises:
      ValueError: inputs or outputs is None or empty.

    >>> predict_signature_def({"x": x}, {"y": y})
    """
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def(
        {key: tensor_info_lib.build_tensor_info(t) for key, t in inputs.items()},
        {key: tensor_info_lib.build_tensor_info(t) for key, t in outputs.items()},
        signature_constants.PREDICT_METHOD_NAME,
    )


def op_signature_def(op, key):
    """A SignatureDef whose one output `key` names `op` (how TF stores init/train ops)."""
    return build_signature_def(outputs={key: tensor_info_lib.build_tensor_info_from_op(op)})


def is_valid_signature(signature_def) -> bool:
    """Mirrors `tf.compat.v1.saved_model.signature_def_utils.is_valid_signature`: whether
    TensorFlow Serving can serve the SignatureDef (a well-formed classify, regress or predict).

    >>> is_valid_signature(predict_signature_def({"x": x}, {"y": y}))
    True
    """
    if signature_def is None:
        return False
    return (
        _is_valid_classification(signature_def)
        or _is_valid_regression(signature_def)
        or _is_valid_predict(signature_def)
    )


def _is_valid_predict(signature_def) -> bool:
    return (
        signature_def.method_name == signature_constants.PREDICT_METHOD_NAME
        and bool(signature_def.inputs)
        and bool(signature_def.outputs)
    )


def _has_only(infos, key, dtype) -> bool:
    return set(infos) == {key} and infos[key].dtype == dtype


def _is_valid_regression(signature_def) -> bool:
    return (
        signature_def.method_name == signature_constants.REGRESS_METHOD_NAME
        and _has_only(signature_def.inputs, signature_constants.REGRESS_INPUTS, types_pb2.DT_STRING)
        and _has_only(
            signature_def.outputs, signature_constants.REGRESS_OUTPUTS, types_pb2.DT_FLOAT
        )
    )


def _is_valid_classification(signature_def) -> bool:
    if signature_def.method_name != signature_constants.CLASSIFY_METHOD_NAME:
        return False
    if not _has_only(
        signature_def.inputs, signature_constants.CLASSIFY_INPUTS, types_pb2.DT_STRING
    ):
        return False
    allowed = {
        signature_constants.CLASSIFY_OUTPUT_CLASSES: types_pb2.DT_STRING,
        signature_constants.CLASSIFY_OUTPUT_SCORES: types_pb2.DT_FLOAT,
    }
    outputs = signature_def.outputs
    if not outputs or set(outputs) - set(allowed):
        return False
    return all(outputs[key].dtype == dtype for key, dtype in allowed.items() if key in outputs)
