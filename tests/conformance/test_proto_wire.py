r"""ndflow's protos against TensorFlow's: same schema (modulo package) and interchangeable bytes.

Runs only where TensorFlow is installed (the oracle venv), from the repository root:

    PYTHONPATH=. .venv-tf/bin/python -m pytest -p no:cacheprovider \
        tests/conformance/test_proto_wire.py
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.conformance

tf = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402
from google.protobuf import descriptor_pool  # noqa: E402
from google.protobuf import message_factory  # noqa: E402
from google.protobuf import text_format  # noqa: E402
from google.protobuf.descriptor import FieldDescriptor  # noqa: E402

from ndflow.proto import any_codec  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = REPO_ROOT / "ndflow" / "proto"
PROTO_NAMES = sorted(path.stem for path in PROTO_DIR.glob("*.proto"))

TF_MODULES = [
    "tensorflow.core.example.example_pb2",
    "tensorflow.core.example.feature_pb2",
    "tensorflow.core.framework.allocation_description_pb2",
    "tensorflow.core.framework.attr_value_pb2",
    "tensorflow.core.framework.cost_graph_pb2",
    "tensorflow.core.framework.full_type_pb2",
    "tensorflow.core.framework.function_pb2",
    "tensorflow.core.framework.graph_debug_info_pb2",
    "tensorflow.core.framework.graph_pb2",
    "tensorflow.core.framework.node_def_pb2",
    "tensorflow.core.framework.op_def_pb2",
    "tensorflow.core.framework.resource_handle_pb2",
    "tensorflow.core.framework.step_stats_pb2",
    "tensorflow.core.framework.summary_pb2",
    "tensorflow.core.framework.tensor_description_pb2",
    "tensorflow.core.framework.tensor_pb2",
    "tensorflow.core.framework.tensor_shape_pb2",
    "tensorflow.core.framework.tensor_slice_pb2",
    "tensorflow.core.framework.types_pb2",
    "tensorflow.core.framework.variable_pb2",
    "tensorflow.core.framework.versions_pb2",
    "tensorflow.core.protobuf.cluster_pb2",
    "tensorflow.core.protobuf.config_pb2",
    "tensorflow.core.protobuf.control_flow_pb2",
    "tensorflow.core.protobuf.debug_pb2",
    "tensorflow.core.protobuf.error_codes_pb2",
    "tensorflow.core.protobuf.fingerprint_pb2",
    "tensorflow.core.protobuf.meta_graph_pb2",
    "tensorflow.core.protobuf.named_tensor_pb2",
    "tensorflow.core.protobuf.queue_runner_pb2",
    "tensorflow.core.protobuf.rewriter_config_pb2",
    "tensorflow.core.protobuf.rpc_options_pb2",
    "tensorflow.core.protobuf.saved_model_pb2",
    "tensorflow.core.protobuf.saved_object_graph_pb2",
    "tensorflow.core.protobuf.saver_pb2",
    "tensorflow.core.protobuf.struct_pb2",
    "tensorflow.core.protobuf.tensor_bundle_pb2",
    "tensorflow.core.protobuf.trackable_object_graph_pb2",
    "tensorflow.core.protobuf.verifier_config_pb2",
    "tensorflow.core.util.event_pb2",
    "tensorflow.core.util.saved_tensor_slice_pb2",
    "tensorflow.python.training.checkpoint_state_pb2",
    "tensorboard.plugins.projector.projector_config_pb2",
]
SERVING_MODULES = [
    "tensorflow_serving.apis.classification_pb2",
    "tensorflow_serving.apis.get_model_metadata_pb2",
    "tensorflow_serving.apis.get_model_status_pb2",
    "tensorflow_serving.apis.inference_pb2",
    "tensorflow_serving.apis.input_pb2",
    "tensorflow_serving.apis.logging_pb2",
    "tensorflow_serving.apis.model_management_pb2",
    "tensorflow_serving.apis.model_pb2",
    "tensorflow_serving.apis.model_service_pb2",
    "tensorflow_serving.apis.predict_pb2",
    "tensorflow_serving.apis.prediction_log_pb2",
    "tensorflow_serving.apis.prediction_service_pb2",
    "tensorflow_serving.apis.regression_pb2",
    "tensorflow_serving.apis.session_service_pb2",
    "tensorflow_serving.apis.status_pb2",
    "tensorflow_serving.config.file_system_storage_path_source_pb2",
    "tensorflow_serving.config.log_collector_config_pb2",
    "tensorflow_serving.config.logging_config_pb2",
    "tensorflow_serving.config.model_server_config_pb2",
    "tensorflow_serving.config.platform_config_pb2",
]
# TF Serving files that the tensorflow-serving-api wheel does not ship; their messages are
# compared only if some installed package happens to provide them.
SOURCE_ONLY = {"monitoring_config", "ssl_config", "session_bundle_config"}

for _name in TF_MODULES:
    importlib.import_module(_name)
try:
    for _name in SERVING_MODULES:
        importlib.import_module(_name)
    HAVE_SERVING = True
except ImportError:
    HAVE_SERVING = False

# TensorFlow first, then every ndflow module, in one process.
ND_MODULES = {name: importlib.import_module(f"ndflow.proto.{name}_pb2") for name in PROTO_NAMES}
POOL = descriptor_pool.Default()

tf_name = any_codec.tensorflow_name


def _find_tf(kind: str, nd_full_name: str):
    finder = {
        "message": POOL.FindMessageTypeByName,
        "enum": POOL.FindEnumTypeByName,
        "service": POOL.FindServiceByName,
    }[kind]
    try:
        return finder(tf_name(nd_full_name))
    except KeyError:
        return None


# ------------------------------------------------------------------------- schema comparison


def _label(field) -> str:
    if field.is_repeated:
        return "repeated"
    if field.is_required:
        return "required"
    return "optional" if field.has_presence else "singular"


def _type_name(field, ours: bool) -> str | None:
    target = field.message_type or field.enum_type
    if target is None:
        return None
    return tf_name(target.full_name) if ours else target.full_name


def _field_facts(field, ours: bool) -> dict:
    oneof = field.containing_oneof
    facts = {
        "number": field.number,
        "type": field.type,
        "label": _label(field),
        "type_name": _type_name(field, ours),
        "oneof": oneof.name if oneof is not None else None,
        "map": bool(field.message_type and field.message_type.GetOptions().map_entry),
        "packed": field.is_packed,
        "json_name": field.json_name,
    }
    if field.has_default_value and field.type != FieldDescriptor.TYPE_MESSAGE:
        facts["default"] = field.default_value
    return facts


def _reserved(descriptor, proto_type):
    proto = proto_type()
    descriptor.CopyToProto(proto)
    return (sorted((r.start, r.end) for r in proto.reserved_range), sorted(proto.reserved_name))


def compare_enum(ours, theirs, diffs: list[str]) -> None:
    where = ours.full_name
    mine = {v.name: v.number for v in ours.values}
    other = {v.name: v.number for v in theirs.values}
    for name in sorted(set(mine) | set(other)):
        if name not in other:
            diffs.append(f"{where}: value {name} is not in {theirs.full_name}")
        elif name not in mine:
            diffs.append(f"{where}: value {name} = {other[name]} is missing")
        elif mine[name] != other[name]:
            diffs.append(f"{where}: value {name} = {mine[name]}, TensorFlow has {other[name]}")
    if _reserved(ours, descriptor_pb2.EnumDescriptorProto) != _reserved(
        theirs, descriptor_pb2.EnumDescriptorProto
    ):
        diffs.append(f"{where}: reserved values differ")


def compare_message(ours, theirs, diffs: list[str]) -> None:
    where = ours.full_name
    mine, other = ours.fields_by_name, theirs.fields_by_name
    for name in sorted(set(mine) | set(other)):
        if name not in other:
            diffs.append(f"{where}: field {name} is not in {theirs.full_name}")
            continue
        if name not in mine:
            diffs.append(f"{where}: field {name} = {other[name].number} is missing")
            continue
        a, b = _field_facts(mine[name], True), _field_facts(other[name], False)
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                diffs.append(
                    f"{where}.{name}: {key} is {a.get(key)!r}, TensorFlow has {b.get(key)!r}"
                )
    my_oneofs = {o.name: sorted(f.name for f in o.fields) for o in ours.oneofs}
    tf_oneofs = {o.name: sorted(f.name for f in o.fields) for o in theirs.oneofs}
    if my_oneofs != tf_oneofs:
        diffs.append(f"{where}: oneofs {my_oneofs}, TensorFlow has {tf_oneofs}")
    if _reserved(ours, descriptor_pb2.DescriptorProto) != _reserved(
        theirs, descriptor_pb2.DescriptorProto
    ):
        diffs.append(f"{where}: reserved fields differ")
    for kind, mine_nested, other_nested, compare in (
        ("message", ours.nested_types_by_name, theirs.nested_types_by_name, compare_message),
        ("enum", ours.enum_types_by_name, theirs.enum_types_by_name, compare_enum),
    ):
        for name in sorted(set(mine_nested) | set(other_nested)):
            if name not in other_nested:
                diffs.append(f"{where}: nested {kind} {name} is not in TensorFlow")
            elif name not in mine_nested:
                diffs.append(f"{where}: nested {kind} {name} is missing")
            else:
                compare(mine_nested[name], other_nested[name], diffs)


def compare_service(ours, theirs, diffs: list[str]) -> None:
    where = ours.full_name
    mine = {m.name: m for m in ours.methods}
    other = {m.name: m for m in theirs.methods}
    for name in sorted(set(mine) | set(other)):
        if name not in other or name not in mine:
            diffs.append(f"{where}: method {name} is only on one side")
            continue
        a, b = mine[name], other[name]
        got = (
            tf_name(a.input_type.full_name),
            tf_name(a.output_type.full_name),
            a.client_streaming,
            a.server_streaming,
        )
        want = (
            b.input_type.full_name,
            b.output_type.full_name,
            b.client_streaming,
            b.server_streaming,
        )
        if got != want:
            diffs.append(f"{where}.{name}: {got}, TensorFlow has {want}")


def compare_file(name: str) -> list[str]:
    diffs: list[str] = []
    nd_file = ND_MODULES[name].DESCRIPTOR
    nd_items = {
        "message": nd_file.message_types_by_name,
        "enum": nd_file.enum_types_by_name,
        "service": nd_file.services_by_name,
    }
    compares = {"message": compare_message, "enum": compare_enum, "service": compare_service}
    tf_files = {}
    for kind, items in nd_items.items():
        for item in items.values():
            theirs = _find_tf(kind, item.full_name)
            if theirs is None:
                if name not in SOURCE_ONLY:
                    diffs.append(f"{item.full_name}: no {tf_name(item.full_name)} in TensorFlow")
                continue
            tf_files[theirs.file.name] = theirs.file
            compares[kind](item, theirs, diffs)
    # Nothing of TensorFlow's corresponding file is left out.
    for tf_file in tf_files.values():
        tf_items = {
            "message": tf_file.message_types_by_name,
            "enum": tf_file.enum_types_by_name,
            "service": tf_file.services_by_name,
        }
        for kind, items in tf_items.items():
            ours = {tf_name(item.full_name) for item in nd_items[kind].values()}
            for item in items.values():
                if item.full_name not in ours:
                    diffs.append(f"{nd_file.name}: lacks {kind} {item.full_name} of {tf_file.name}")
    return diffs


@pytest.mark.parametrize("name", PROTO_NAMES)
def test_schema_matches_tensorflow(name):
    if ND_MODULES[name].DESCRIPTOR.package == "ndflow.serving" and not HAVE_SERVING:
        pytest.skip("tensorflow-serving-api is not installed")
    diffs = compare_file(name)
    assert not diffs, f"{len(diffs)} difference(s):\n" + "\n".join(diffs)


def test_counterparts_found():
    """Every file except the source-only serving configs has a TF counterpart for each type."""
    missing = []
    for name in PROTO_NAMES:
        if name in SOURCE_ONLY:
            continue
        if ND_MODULES[name].DESCRIPTOR.package == "ndflow.serving" and not HAVE_SERVING:
            continue
        descriptor = ND_MODULES[name].DESCRIPTOR
        for item in descriptor.message_types_by_name.values():
            if _find_tf("message", item.full_name) is None:
                missing.append(item.full_name)
        for item in descriptor.enum_types_by_name.values():
            if _find_tf("enum", item.full_name) is None:
                missing.append(item.full_name)
    assert not missing, missing


# ------------------------------------------------------------------------- one process


def test_same_process_tensorflow_first():
    from tensorflow.core.framework import graph_pb2 as tf_graph_pb2

    from ndflow.proto import graph_pb2

    assert graph_pb2.GraphDef is not tf_graph_pb2.GraphDef
    assert POOL.FindFileByName("ndflow/proto/graph.proto").package == "ndflow"
    assert POOL.FindFileByName("tensorflow/core/framework/graph.proto").package == "tensorflow"
    for name, module in ND_MODULES.items():
        assert module.DESCRIPTOR.name == f"ndflow/proto/{name}.proto"


def test_same_process_ndflow_first():
    code = (
        "import importlib, pathlib\n"
        f"names = {PROTO_NAMES!r}\n"
        "mods = [importlib.import_module(f'ndflow.proto.{n}_pb2') for n in names]\n"
        "import tensorflow as tf\n"
        "from tensorflow.core.protobuf import saved_model_pb2, config_pb2\n"
        "from tensorflow.core.util import event_pb2\n"
        "from ndflow.proto import saved_model_pb2 as ours\n"
        "data = ours.SavedModel(saved_model_schema_version=1).SerializeToString()\n"
        "assert saved_model_pb2.SavedModel.FromString(data).saved_model_schema_version == 1\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


# ------------------------------------------------------------------------- bytes


def _text(message) -> str:
    return text_format.MessageToString(message).replace("ndflow.", "tensorflow.")


def _tf_class(nd_message_class):
    return message_factory.GetMessageClass(
        POOL.FindMessageTypeByName(tf_name(nd_message_class.DESCRIPTOR.full_name))
    )


def _sample_graph_def():
    from ndflow.proto import attr_value_pb2
    from ndflow.proto import graph_pb2
    from ndflow.proto import tensor_pb2
    from ndflow.proto import tensor_shape_pb2
    from ndflow.proto import types_pb2

    def shape(*dims):
        return tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims]
        )

    av = attr_value_pb2.AttrValue
    scalar = tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_shape=shape(), int_val=[7])
    func = attr_value_pb2.NameAttrList(name="f", attr={"T": av(type=types_pb2.DT_FLOAT)})
    graph = graph_pb2.GraphDef()
    graph.versions.producer = 1882
    node = graph.node.add(name="n", op="Custom", input=["a", "^b"], device="/cpu:0")
    node.attr["s"].s = b"str"
    node.attr["i"].i = -4
    node.attr["f"].f = 2.5
    node.attr["b"].b = True
    node.attr["type"].type = types_pb2.DT_BFLOAT16
    node.attr["shape"].shape.CopyFrom(shape(-1, 4))
    node.attr["tensor"].tensor.CopyFrom(scalar)
    node.attr["func"].func.CopyFrom(func)
    node.attr["placeholder"].placeholder = "T"
    node.attr["list"].list.CopyFrom(
        av.ListValue(
            s=[b"x"],
            i=[1, 2],
            f=[0.5],
            b=[False],
            type=[types_pb2.DT_INT64],
            shape=[shape(2)],
            tensor=[scalar],
            func=[func],
        )
    )
    node.attr["empty"].list.SetInParent()
    fdef = graph.library.function.add()
    fdef.signature.name = "f"
    fdef.signature.input_arg.add(name="x", type=types_pb2.DT_FLOAT)
    fdef.ret["y"] = "x"
    return graph


def _sample_tensor():
    from ndflow.proto import tensor_pb2
    from ndflow.proto import types_pb2

    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT)
    tensor.tensor_shape.dim.add(size=2)
    tensor.tensor_shape.dim.add(size=3)
    tensor.tensor_content = np.arange(6, dtype="<f4").tobytes()
    return tensor


def _sample_example():
    from ndflow.proto import example_pb2

    example = example_pb2.Example()
    feature = example.features.feature
    feature["label"].int64_list.value.extend([1, -2, 2**40])
    feature["weight"].float_list.value.extend([0.5, 1.5])
    feature["text"].bytes_list.value.append(b"hello")
    return example


@pytest.mark.parametrize("build", [_sample_graph_def, _sample_tensor, _sample_example])
def test_ndflow_bytes_parse_in_tensorflow(build):
    ours = build()
    theirs = _tf_class(type(ours)).FromString(ours.SerializeToString())
    assert _text(theirs) == _text(ours)
    back = type(ours).FromString(theirs.SerializeToString())
    assert back == ours


def test_tensorflow_graph_parses_in_ndflow():
    from ndflow.proto import graph_pb2
    from ndflow.proto import meta_graph_pb2
    from ndflow.proto import tensor_pb2

    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
        w = tf.compat.v1.get_variable("w", [3, 2], use_resource=False)
        y = tf.nn.softmax(tf.matmul(x, w), name="y")
        tf.cond(tf.reduce_sum(y) > 0, lambda: y, lambda: -y)
        meta = tf.compat.v1.train.export_meta_graph()
    tf_graph_def = graph.as_graph_def()
    ours = graph_pb2.GraphDef.FromString(tf_graph_def.SerializeToString())
    assert _text(ours) == _text(tf_graph_def)
    ours_meta = meta_graph_pb2.MetaGraphDef.FromString(meta.SerializeToString())
    assert _text(ours_meta) == _text(meta)

    tf_tensor = tf.make_tensor_proto(np.array([[1, 2], [3, 4]], dtype=np.int64))
    ours_tensor = tensor_pb2.TensorProto.FromString(tf_tensor.SerializeToString())
    assert _text(ours_tensor) == _text(tf_tensor)


def test_tensorflow_example_parses_in_ndflow():
    from ndflow.proto import example_pb2

    tf_example = tf.train.Example(
        features=tf.train.Features(
            feature={
                "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2])),
                "b": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"x"])),
                "c": tf.train.Feature(float_list=tf.train.FloatList(value=[0.25])),
            }
        )
    )
    ours = example_pb2.Example.FromString(tf_example.SerializeToString())
    assert _text(ours) == _text(tf_example)


def test_any_packed_by_ndflow_unpacks_in_tensorflow():
    from tensorflow.core.protobuf import meta_graph_pb2 as tf_meta_graph_pb2

    from ndflow.proto import meta_graph_pb2

    meta = meta_graph_pb2.MetaGraphDef()
    asset = meta_graph_pb2.AssetFileDef(filename="vocab.txt")
    asset.tensor_info.name = "Const:0"
    any_codec.pack(meta.collection_def["saved_model_assets"].any_list.value.add(), asset)
    theirs = tf_meta_graph_pb2.MetaGraphDef.FromString(meta.SerializeToString())
    packed = theirs.collection_def["saved_model_assets"].any_list.value[0]
    unpacked = tf_meta_graph_pb2.AssetFileDef()
    assert packed.Unpack(unpacked)
    assert unpacked.filename == "vocab.txt"

    tf_any = tf_meta_graph_pb2.CollectionDef.AnyList()
    tf_any.value.add().Pack(unpacked)
    ours = meta_graph_pb2.CollectionDef.AnyList.FromString(tf_any.SerializeToString())
    assert any_codec.unpack(ours.value[0], meta_graph_pb2.AssetFileDef()) == asset


# ------------------------------------------------------------------------- every message


def _fill(message, depth: int) -> None:
    """Set every field (first member of each oneof) to a non-default sample value."""
    descriptor = message.DESCRIPTOR
    chosen_oneofs = set()
    for field in descriptor.fields:
        oneof = field.containing_oneof
        if oneof is not None and len(oneof.fields) > 1:
            if oneof.name in chosen_oneofs:
                continue
            chosen_oneofs.add(oneof.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field, value_field = field.message_type.fields
            key = _scalar(key_field)
            container = getattr(message, field.name)
            if value_field.message_type is not None:
                if depth > 0:
                    _fill(container[key], depth - 1)
                else:
                    container[key].SetInParent()
            else:
                container[key] = _scalar(value_field)
            continue
        if field.message_type is not None:
            if depth <= 0:
                continue
            if field.is_repeated:
                _fill(getattr(message, field.name).add(), depth - 1)
            else:
                _fill(getattr(message, field.name), depth - 1)
                getattr(message, field.name).SetInParent()
            continue
        value = _scalar(field)
        if field.is_repeated:
            getattr(message, field.name).extend([value, value])
        else:
            setattr(message, field.name, value)


def _scalar(field):
    kind = field.type
    if kind == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    if kind == FieldDescriptor.TYPE_BOOL:
        return True
    if kind == FieldDescriptor.TYPE_STRING:
        return f"s{field.number}"
    if kind == FieldDescriptor.TYPE_BYTES:
        return b"\x00b\xff"
    if kind in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return 1.5
    if kind in (
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_SFIXED32,
        FieldDescriptor.TYPE_SFIXED64,
    ):
        return -field.number
    return field.number


def _all_messages(descriptor):
    if not descriptor.GetOptions().map_entry:
        yield descriptor
    for nested in descriptor.nested_types:
        yield from _all_messages(nested)


def _message_cases():
    cases = []
    for name in PROTO_NAMES:
        if name in SOURCE_ONLY:
            continue
        for top in ND_MODULES[name].DESCRIPTOR.message_types_by_name.values():
            for descriptor in _all_messages(top):
                cases.append(pytest.param(descriptor.full_name, id=descriptor.full_name))
    return cases


@pytest.mark.parametrize("full_name", _message_cases())
def test_every_message_crosses_both_ways(full_name):
    if full_name.startswith("ndflow.serving.") and not HAVE_SERVING:
        pytest.skip("tensorflow-serving-api is not installed")
    ours_class = message_factory.GetMessageClass(POOL.FindMessageTypeByName(full_name))
    theirs_class = _tf_class(ours_class)

    ours = ours_class()
    _fill(ours, depth=3)
    data = ours.SerializeToString(deterministic=True)
    theirs = theirs_class.FromString(data)
    assert theirs.SerializeToString(deterministic=True) == data
    assert _text(theirs) == _text(ours)

    theirs = theirs_class()
    _fill(theirs, depth=3)
    data = theirs.SerializeToString(deterministic=True)
    ours = ours_class.FromString(data)
    assert ours.SerializeToString(deterministic=True) == data
    assert _text(ours) == _text(theirs)
