"""ndflow.proto: generated modules import, messages round-trip, sources match generated code."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from google.protobuf import any_pb2
from google.protobuf import descriptor_pb2
from google.protobuf import text_format
from google.protobuf import wrappers_pb2

from ndflow.proto import any_codec
from ndflow.proto import attr_value_pb2
from ndflow.proto import checkpoint_state_pb2
from ndflow.proto import config_pb2
from ndflow.proto import error_codes_pb2
from ndflow.proto import event_pb2
from ndflow.proto import example_pb2
from ndflow.proto import feature_pb2
from ndflow.proto import function_pb2
from ndflow.proto import graph_pb2
from ndflow.proto import meta_graph_pb2
from ndflow.proto import model_pb2
from ndflow.proto import node_def_pb2
from ndflow.proto import rewriter_config_pb2
from ndflow.proto import saved_model_pb2
from ndflow.proto import step_stats_pb2
from ndflow.proto import summary_pb2
from ndflow.proto import tensor_bundle_pb2
from ndflow.proto import tensor_pb2
from ndflow.proto import tensor_shape_pb2
from ndflow.proto import types_pb2
from ndflow.proto import versions_pb2

PROTO_DIR = Path(__file__).resolve().parents[2] / "ndflow" / "proto"
PROTO_NAMES = sorted(path.stem for path in PROTO_DIR.glob("*.proto"))


def _shape(*dims: int) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims]
    )


def _round_trip(message):
    data = message.SerializeToString()
    parsed = type(message).FromString(data)
    assert parsed == message
    assert text_format.Parse(text_format.MessageToString(message), type(message)()) == message
    return parsed


def test_sources_present():
    for name in (
        "types",
        "tensor",
        "graph",
        "meta_graph",
        "config",
        "event",
        "example",
        "saved_model",
        "tensor_bundle",
        "checkpoint_state",
        "projector_config",
        "predict",
        "error_codes",
        "fingerprint",
        "saved_tensor_slice",
    ):
        assert name in PROTO_NAMES


@pytest.mark.parametrize("name", PROTO_NAMES)
def test_module_imports(name):
    module = importlib.import_module(f"ndflow.proto.{name}_pb2")
    assert module.DESCRIPTOR.name == f"ndflow/proto/{name}.proto"
    assert module.DESCRIPTOR.package.split(".")[0] == "ndflow"


def test_every_module_has_a_source():
    modules = sorted(path.name[: -len("_pb2.py")] for path in PROTO_DIR.glob("*_pb2.py"))
    assert modules == PROTO_NAMES
    assert not list(PROTO_DIR.glob("*.pyi"))


def test_full_names():
    assert graph_pb2.GraphDef.DESCRIPTOR.full_name == "ndflow.GraphDef"
    assert types_pb2.DataType.DESCRIPTOR.full_name == "ndflow.DataType"
    assert model_pb2.ModelSpec.DESCRIPTOR.full_name == "ndflow.serving.ModelSpec"
    assert error_codes_pb2.Code.DESCRIPTOR.full_name == "ndflow.error.Code"
    # HistogramProto is re-exported by summary_pb2 through its public import, as in TF.
    assert summary_pb2.HistogramProto.DESCRIPTOR.full_name == "ndflow.HistogramProto"


def test_data_type_refs():
    values = types_pb2.DataType.DESCRIPTOR.values_by_name
    plain = [name for name in values if name != "DT_INVALID" and not name.endswith("_REF")]
    assert len(plain) > 30
    for name in plain:
        assert values[name + "_REF"].number == values[name].number + 100
    assert types_pb2.DT_FLOAT == 1 and types_pb2.DT_FLOAT_REF == 101
    assert types_pb2.DT_RESOURCE == 20 and types_pb2.DT_VARIANT == 21


def test_error_codes():
    assert error_codes_pb2.OK == 0
    assert error_codes_pb2.INVALID_ARGUMENT == 3
    assert error_codes_pb2.NOT_FOUND == 5
    assert error_codes_pb2.UNAUTHENTICATED == 16
    assert error_codes_pb2.DATA_LOSS == 15


def test_known_wire_bytes():
    # dim (field 2, length-delimited) holding size (field 1, varint) = 2.
    assert _shape(2).SerializeToString() == b"\x12\x02\x08\x02"
    # crc32c is fixed32 field 6, shard_id int32 field 3.
    entry = tensor_bundle_pb2.BundleEntryProto(shard_id=1, crc32c=0x01020304)
    assert entry.SerializeToString() == b"\x18\x01\x35\x04\x03\x02\x01"
    # float_val is packed field 5.
    tensor = tensor_pb2.TensorProto(float_val=[1.0])
    assert tensor.SerializeToString() == b"\x2a\x04\x00\x00\x80\x3f"


def _all_attr_kinds() -> dict[str, attr_value_pb2.AttrValue]:
    av = attr_value_pb2.AttrValue
    scalar = tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_shape=_shape(), int_val=[7])
    func = attr_value_pb2.NameAttrList(name="f", attr={"T": av(type=types_pb2.DT_FLOAT)})
    return {
        "s": av(s=b"bytes"),
        "i": av(i=-3),
        "f": av(f=0.5),
        "b": av(b=True),
        "type": av(type=types_pb2.DT_HALF),
        "shape": av(shape=_shape(-1, 3)),
        "unknown_rank": av(shape=tensor_shape_pb2.TensorShapeProto(unknown_rank=True)),
        "tensor": av(tensor=scalar),
        "func": av(func=func),
        "placeholder": av(placeholder="T"),
        "empty_list": av(list=av.ListValue()),
        "list": av(
            list=av.ListValue(
                s=[b"a", b"b"],
                i=[1, 2],
                f=[1.5],
                b=[True, False],
                type=[types_pb2.DT_FLOAT, types_pb2.DT_STRING],
                shape=[_shape(1), _shape()],
                tensor=[scalar],
                func=[func],
            )
        ),
    }


def test_graph_def_round_trip():
    node = node_def_pb2.NodeDef(
        name="a/b",
        op="Const",
        input=["x", "^y", "z:1"],
        device="/device:CPU:0",
        attr=_all_attr_kinds(),
    )
    node.experimental_debug_info.original_node_names.append("orig")
    graph = graph_pb2.GraphDef(node=[node], versions=versions_pb2.VersionDef(producer=1882))
    fdef = graph.library.function.add()
    fdef.signature.name = "f"
    fdef.ret["out"] = "a:output:0"
    graph.library.gradient.append(function_pb2.GradientDef(function_name="f", gradient_func="g"))
    parsed = _round_trip(graph)
    attr = parsed.node[0].attr
    assert attr["f"].WhichOneof("value") == "f"
    assert attr["empty_list"].WhichOneof("value") == "list"
    assert attr["list"].list.type == [types_pb2.DT_FLOAT, types_pb2.DT_STRING]
    assert parsed.library.function[0].ret["out"] == "a:output:0"


def test_tensor_proto_round_trip():
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT,
        tensor_shape=_shape(2, 2),
        tensor_content=b"\x00\x00\x80\x3f" * 4,
    )
    _round_trip(tensor)
    strings = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, tensor_shape=_shape(2), string_val=[b"x", b"\xff"]
    )
    _round_trip(strings)
    half = tensor_pb2.TensorProto(dtype=types_pb2.DT_HALF, half_val=[15360])
    _round_trip(half)
    handle = tensor_pb2.TensorProto(dtype=types_pb2.DT_RESOURCE)
    handle.resource_handle_val.add(device="/cpu:0", container="c", name="v")
    _round_trip(handle)


def test_event_round_trip():
    summary = summary_pb2.Summary(
        value=[
            summary_pb2.Summary.Value(tag="loss", simple_value=0.25),
            summary_pb2.Summary.Value(
                tag="h",
                histo=summary_pb2.HistogramProto(
                    min=0.0,
                    max=1.0,
                    num=2,
                    sum=1.0,
                    sum_squares=1.0,
                    bucket_limit=[0.5, 1.0],
                    bucket=[1, 1],
                ),
            ),
        ]
    )
    event = event_pb2.Event(wall_time=1.5, step=3, summary=summary)
    assert _round_trip(event).WhichOneof("what") == "summary"
    version = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    assert _round_trip(version).WhichOneof("what") == "file_version"
    log = event_pb2.Event(session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START))
    _round_trip(log)


def test_example_round_trip():
    features = feature_pb2.Features(
        feature={
            "bytes": feature_pb2.Feature(bytes_list=feature_pb2.BytesList(value=[b"a"])),
            "float": feature_pb2.Feature(float_list=feature_pb2.FloatList(value=[1.0, 2.0])),
            "int": feature_pb2.Feature(int64_list=feature_pb2.Int64List(value=[-1, 2**40])),
        }
    )
    example = example_pb2.Example(features=features)
    assert _round_trip(example).features.feature["int"].int64_list.value == [-1, 2**40]
    sequence = example_pb2.SequenceExample(context=features)
    sequence.feature_lists.feature_list["tokens"].feature.add().int64_list.value.append(4)
    _round_trip(sequence)


def test_saved_model_round_trip():
    model = saved_model_pb2.SavedModel(saved_model_schema_version=1)
    meta = model.meta_graphs.add()
    meta.meta_info_def.tags.append("serve")
    meta.meta_info_def.tensorflow_version = "2.21.0"
    meta.graph_def.node.add(name="x", op="Placeholder")
    meta.saver_def.filename_tensor_name = "save/Const:0"
    meta.saver_def.version = meta.saver_def.V2
    sig = meta.signature_def["serving_default"]
    sig.method_name = "tensorflow/serving/predict"
    sig.inputs["x"].name = "x:0"
    sig.inputs["x"].dtype = types_pb2.DT_FLOAT
    sig.inputs["x"].tensor_shape.CopyFrom(_shape(-1, 3))
    sig.outputs["y"].coo_sparse.values_tensor_name = "y/values:0"
    asset = meta_graph_pb2.AssetFileDef(filename="vocab.txt")
    asset.tensor_info.name = "Const:0"
    meta.asset_file_def.append(asset)
    any_pb = meta.collection_def["saved_model_assets"].any_list.value.add()
    any_codec.pack(any_pb, asset)
    meta.collection_def["train_op"].node_list.value.append("train")
    meta.object_graph_def.nodes.add().children.add(node_id=1, local_name="v")
    parsed = _round_trip(model)
    packed = parsed.meta_graphs[0].collection_def["saved_model_assets"].any_list.value[0]
    assert packed.type_url == "type.googleapis.com/tensorflow.AssetFileDef"
    assert any_codec.unpack(packed, meta_graph_pb2.AssetFileDef()) == asset


def test_config_round_trip():
    config = config_pb2.ConfigProto(
        device_count={"CPU": 1, "GPU": 0},
        intra_op_parallelism_threads=2,
        allow_soft_placement=True,
        log_device_placement=False,
    )
    config.gpu_options.allow_growth = True
    config.graph_options.optimizer_options.opt_level = config_pb2.OptimizerOptions.L0
    rewrite = config.graph_options.rewrite_options
    rewrite.constant_folding = rewriter_config_pb2.RewriterConfig.OFF
    config.session_inter_op_thread_pool.add(num_threads=4, global_name="pool")
    config.experimental.session_metadata.name = "model"
    _round_trip(config)

    options = config_pb2.RunOptions(
        trace_level=config_pb2.RunOptions.FULL_TRACE, timeout_in_ms=1000
    )
    options.experimental.collective_graph_key = 5
    _round_trip(options)

    metadata = config_pb2.RunMetadata()
    dev = metadata.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/cpu:0")
    dev.node_stats.append(
        step_stats_pb2.NodeExecStats(node_name="MatMul", all_start_micros=10, op_end_rel_micros=3)
    )
    metadata.partition_graphs.add().node.add(name="MatMul", op="MatMul")
    _round_trip(metadata)

    callable_options = config_pb2.CallableOptions(feed=["x:0"], fetch=["y:0"], target=["init"])
    callable_options.run_options.CopyFrom(options)
    _round_trip(callable_options)


def test_bundle_round_trip():
    header = tensor_bundle_pb2.BundleHeaderProto(
        num_shards=1,
        endianness=tensor_bundle_pb2.BundleHeaderProto.LITTLE,
        version=versions_pb2.VersionDef(producer=1),
    )
    _round_trip(header)
    entry = tensor_bundle_pb2.BundleEntryProto(
        dtype=types_pb2.DT_FLOAT,
        shape=_shape(3, 4),
        shard_id=0,
        offset=128,
        size=48,
        crc32c=0xDEADBEEF,
    )
    entry.slices.add().extent.add(start=0, length=2)
    assert _round_trip(entry).crc32c == 0xDEADBEEF


def test_checkpoint_state_text():
    text = """
model_checkpoint_path: "model.ckpt-200"
all_model_checkpoint_paths: "model.ckpt-100"
all_model_checkpoint_paths: "model.ckpt-200"
all_model_checkpoint_timestamps: 1700000000.5
all_model_checkpoint_timestamps: 1700000100.25
last_preserved_timestamp: 1699999999.0
"""
    state = text_format.Parse(text, checkpoint_state_pb2.CheckpointState())
    assert state.model_checkpoint_path == "model.ckpt-200"
    assert list(state.all_model_checkpoint_paths) == ["model.ckpt-100", "model.ckpt-200"]
    assert list(state.all_model_checkpoint_timestamps) == [1700000000.5, 1700000100.25]
    assert state.last_preserved_timestamp == 1699999999.0
    again = text_format.Parse(
        text_format.MessageToString(state), checkpoint_state_pb2.CheckpointState()
    )
    assert again == state


def test_any_codec_urls():
    asset = meta_graph_pb2.AssetFileDef(filename="a.txt")
    packed = any_codec.pack(any_pb2.Any(), asset)
    assert packed.type_url == "type.googleapis.com/tensorflow.AssetFileDef"
    assert any_codec.unpack(packed, meta_graph_pb2.AssetFileDef()) == asset

    ours = any_pb2.Any(
        type_url="type.googleapis.com/ndflow.AssetFileDef", value=asset.SerializeToString()
    )
    assert any_codec.holds(ours, meta_graph_pb2.AssetFileDef())
    assert any_codec.unpack(ours, meta_graph_pb2.AssetFileDef()) == asset

    spec = model_pb2.ModelSpec(name="m", signature_name="serving_default")
    packed = any_codec.pack(any_pb2.Any(), spec)
    assert packed.type_url == "type.googleapis.com/tensorflow.serving.ModelSpec"
    assert any_codec.unpack(packed, model_pb2.ModelSpec()) == spec
    ours = any_pb2.Any(
        type_url="type.googleapis.com/ndflow.serving.ModelSpec", value=spec.SerializeToString()
    )
    assert any_codec.unpack(ours, model_pb2.ModelSpec()) == spec

    boxed = any_codec.pack(any_pb2.Any(), wrappers_pb2.Int64Value(value=3))
    assert boxed.type_url == "type.googleapis.com/google.protobuf.Int64Value"
    assert any_codec.unpack(boxed, wrappers_pb2.Int64Value()).value == 3


def test_any_codec_mismatch():
    packed = any_codec.pack(any_pb2.Any(), meta_graph_pb2.AssetFileDef(filename="a"))
    with pytest.raises(ValueError, match="type.googleapis.com/tensorflow.AssetFileDef"):
        any_codec.unpack(packed, graph_pb2.GraphDef())
    serving = any_pb2.Any(type_url="type.googleapis.com/tensorflow.serving.AssetFileDef")
    with pytest.raises(ValueError, match="tensorflow.serving.AssetFileDef"):
        any_codec.unpack(serving, meta_graph_pb2.AssetFileDef())
    with pytest.raises(ValueError):
        any_codec.unpack(any_pb2.Any(), meta_graph_pb2.AssetFileDef())


def _to_json_name(name: str) -> str:
    out, upper = [], False
    for char in name:
        if char == "_":
            upper = True
        elif upper:
            out.append(char.upper())
            upper = False
        else:
            out.append(char)
    return "".join(out)


def _drop_default_json_names(proto: descriptor_pb2.FileDescriptorProto) -> None:
    """protoc's descriptor sets spell out derived json_names; generated modules omit them."""

    def visit(message):
        for field in message.field:
            if field.json_name == _to_json_name(field.name):
                field.ClearField("json_name")
        for nested in message.nested_type:
            visit(nested)

    for message in proto.message_type:
        visit(message)


def test_generated_modules_up_to_date():
    pytest.importorskip("grpc_tools")
    from ndflow.proto import regenerate

    parsed = regenerate.parse_descriptors()
    assert sorted(parsed) == [f"ndflow/proto/{name}.proto" for name in PROTO_NAMES]
    stale = []
    for file_name, data in sorted(parsed.items()):
        from_source = descriptor_pb2.FileDescriptorProto.FromString(data)
        module = importlib.import_module(file_name[: -len(".proto")].replace("/", ".") + "_pb2")
        embedded = descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)
        from_source.ClearField("source_code_info")
        _drop_default_json_names(from_source)
        _drop_default_json_names(embedded)
        if from_source != embedded:
            stale.append(file_name)
    assert not stale, f"regenerate with `python -m ndflow.proto.regenerate`: {stale}"
