"""SignatureDefs and TensorInfos: `tf.saved_model.signature_def_utils` and `.utils`."""

from __future__ import annotations

import pytest

import ndflow as tf
from ndflow.proto import meta_graph_pb2
from ndflow.proto import types_pb2
from ndflow.saved_model import signature_constants
from ndflow.saved_model import signature_def as sd
from ndflow.saved_model import tensor_info as ti


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _tensors():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.identity(x, name="y")
    examples = tf.placeholder(tf.string, [None], name="examples")
    labels = tf.constant(["a", "b"], name="labels")
    return x, y, examples, labels


def test_build_tensor_info_names_dtype_and_shape():
    x, *_ = _tensors()
    info = ti.build_tensor_info(x)
    assert info.name == "x:0"
    assert info.dtype == types_pb2.DT_FLOAT
    assert [d.size for d in info.tensor_shape.dim] == [-1, 3]


def test_sparse_tensor_info_round_trips_to_a_sparse_tensor(graph):
    sparse = tf.sparse_placeholder(tf.int64, name="sp")
    info = ti.build_tensor_info(sparse)
    assert info.WhichOneof("encoding") == "coo_sparse"
    assert info.coo_sparse.values_tensor_name == "sp/values:0"
    back = ti.get_tensor_from_tensor_info(info, graph)
    assert isinstance(back, tf.SparseTensor)
    assert back.indices is sparse.indices and back.values is sparse.values


def test_get_tensor_from_tensor_info_with_import_scope():
    with tf.name_scope("scope"):
        tf.placeholder(tf.float32, [2], name="x")
    info = meta_graph_pb2.TensorInfo(name="x:0")
    assert ti.get_tensor_from_tensor_info(info, import_scope="scope").name == "scope/x:0"


def test_get_tensor_from_tensor_info_errors():
    with pytest.raises(KeyError):
        ti.get_tensor_from_tensor_info(meta_graph_pb2.TensorInfo(name="missing:0"))
    with pytest.raises(ValueError, match="Invalid TensorInfo.encoding: None"):
        ti.get_tensor_from_tensor_info(meta_graph_pb2.TensorInfo())


def test_predict_signature_def():
    x, y, *_ = _tensors()
    signature = sd.predict_signature_def({"x": x}, {"y": y})
    assert signature.method_name == "tensorflow/serving/predict"
    assert signature.inputs["x"].name == "x:0" and signature.outputs["y"].name == "y:0"
    assert sd.is_valid_signature(signature)
    with pytest.raises(ValueError, match="Prediction `inputs` cannot be None or empty."):
        sd.predict_signature_def({}, {"y": y})
    with pytest.raises(ValueError, match="Prediction `outputs` cannot be None or empty."):
        sd.predict_signature_def({"x": x}, None)


def test_regression_signature_def_and_its_errors():
    x, y, examples, _ = _tensors()
    signature = sd.regression_signature_def(examples, y)
    assert signature.method_name == signature_constants.REGRESS_METHOD_NAME
    assert set(signature.inputs) == {"inputs"} and set(signature.outputs) == {"outputs"}
    assert sd.is_valid_signature(signature)
    with pytest.raises(ValueError, match="Regression `examples` cannot be None."):
        sd.regression_signature_def(None, y)
    with pytest.raises(ValueError, match="Expected regression `examples` to be of type Tensor"):
        sd.regression_signature_def("examples", y)
    with pytest.raises(ValueError, match="Regression input tensors must be of type string. "):
        sd.regression_signature_def(x, y)
    with pytest.raises(ValueError, match="Regression output tensors must be of type float."):
        sd.regression_signature_def(examples, examples)


def test_classification_signature_def_and_its_errors():
    _, y, examples, labels = _tensors()
    signature = sd.classification_signature_def(examples, labels, y)
    assert set(signature.outputs) == {"classes", "scores"}
    assert sd.is_valid_signature(signature)
    assert set(sd.classification_signature_def(examples, None, y).outputs) == {"scores"}
    with pytest.raises(ValueError, match="`classes` and `scores` cannot both be None."):
        sd.classification_signature_def(examples, None, None)
    with pytest.raises(ValueError, match="Classification classes must be of type string"):
        sd.classification_signature_def(examples, y, None)
    with pytest.raises(ValueError, match="Classification scores must be a float Tensor."):
        sd.classification_signature_def(examples, None, labels)


def test_is_valid_signature_rejects_malformed_signatures():
    x, y, examples, _ = _tensors()
    assert not sd.is_valid_signature(None)
    assert not sd.is_valid_signature(sd.build_signature_def({}, {}, "unknown/method"))
    regress = sd.regression_signature_def(examples, y)
    regress.outputs["extra"].CopyFrom(ti.build_tensor_info(y))
    assert not sd.is_valid_signature(regress)
    classify = sd.build_signature_def(
        {"inputs": ti.build_tensor_info(examples)},
        {"scores": ti.build_tensor_info(examples)},
        signature_constants.CLASSIFY_METHOD_NAME,
    )
    assert not sd.is_valid_signature(classify)
    no_outputs = sd.build_signature_def(
        {"x": ti.build_tensor_info(x)}, {}, "tensorflow/serving/predict"
    )
    assert not sd.is_valid_signature(no_outputs)


def test_build_signature_def_defaults_must_be_constants():
    x, y, *_ = _tensors()
    default = tf.constant([1.0, 2.0, 3.0], name="default_x")
    signature = sd.build_signature_def(
        {"x": ti.build_tensor_info(x)}, {"y": ti.build_tensor_info(y)}, defaults={"x": default}
    )
    assert list(signature.defaults["x"].tensor_shape.dim)[0].size == 3
    with pytest.raises(ValueError, match="Unable to convert object"):
        sd.build_signature_def(defaults={"x": y})


def test_public_namespace():
    assert tf.saved_model.signature_def_utils.predict_signature_def is sd.predict_signature_def
    assert tf.saved_model.utils.build_tensor_info is ti.build_tensor_info
    assert tf.saved_model.tag_constants.SERVING == "serve"
    assert tf.saved_model.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY == (
        "serving_default"
    )
    assert tf.saved_model.constants.SAVED_MODEL_FILENAME_PB == "saved_model.pb"
    assert tf.saved_model.Builder is tf.saved_model.builder.SavedModelBuilder
