"""GraphDef out (`as_graph_def`, `write_graph`) and in (`import_graph_def`), incl. a frozen
graph written by real TensorFlow."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
from google.protobuf import text_format

import ndflow as tf
from ndflow.framework import graph_def as graph_def_lib
from ndflow.proto import graph_pb2

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _frozen_mlp():
    graph_def = graph_pb2.GraphDef()
    graph_def.ParseFromString((FIXTURES / "frozen_mlp" / "frozen_mlp.pb").read_bytes())
    return graph_def


def test_frozen_mlp_from_tensorflow_gives_expected_outputs():
    expected = np.load(FIXTURES / "frozen_mlp" / "expected.npz")
    tf.import_graph_def(_frozen_mlp(), name="")
    graph = tf.get_default_graph()
    meta = json.loads((FIXTURES / "frozen_mlp" / "expected.json").read_text())
    assert [(op.name, op.type) for op in graph.get_operations()] == [
        tuple(pair) for pair in meta["node_ops"]
    ]
    with tf.Session() as sess:
        out = sess.run(meta["output_tensor"], {meta["input_tensor"]: expected["input"]})
    np.testing.assert_allclose(out, expected["output"], rtol=1e-6, atol=1e-7)
    assert out.dtype == np.float32


def test_import_prefix_input_map_and_return_elements():
    replacement = tf.constant(np.ones((2, 4), np.float32), name="ones")
    output, matmul = tf.import_graph_def(
        _frozen_mlp(),
        input_map={"input:0": replacement},
        return_elements=["output:0", "hidden/MatMul"],
    )
    assert output.name == "import/output:0"
    assert matmul.name == "import/hidden/MatMul"
    assert matmul.inputs[0] is replacement
    again = tf.import_graph_def(_frozen_mlp(), return_elements=["output:0"])[0]
    assert again.name == "import_1/output:0"
    with tf.Session() as sess:
        assert sess.run(output).shape == (2, 3)


def test_unknown_op_type_is_not_found_naming_type_and_node():
    graph_def = graph_pb2.GraphDef()
    node = graph_def.node.add(name="weird", op="NoSuchOpAnywhere")
    del node
    with pytest.raises(tf.errors.NotFoundError) as info:
        tf.import_graph_def(graph_def)
    assert "NoSuchOpAnywhere" in str(info.value) and "weird" in str(info.value)


def test_round_trip_through_graph_def_preserves_structure():
    x = tf.placeholder(tf.float32, shape=[None, 2], name="x")
    c = tf.constant([[1.0, 2.0]], name="c")
    with tf.device("/cpu:0"):
        y = tf.add(x, c, name="y")
    with tf.control_dependencies([y]):
        tf.no_op(name="after")
    graph_def = tf.get_default_graph().as_graph_def()
    assert graph_def.versions.producer > 0
    nodes = {n.name: n for n in graph_def.node}
    assert list(nodes["y"].input) == ["x", "c"]
    assert nodes["y"].device == "/device:CPU:0"
    assert list(nodes["after"].input) == ["^y"]
    assert nodes["x"].attr["shape"].shape.dim[1].size == 2
    with tf.Graph().as_default() as second:
        tf.import_graph_def(graph_def, name="")
        again = second.as_graph_def()
    assert text_format.MessageToString(again) == text_format.MessageToString(graph_def)


def test_nodes_out_of_order_are_imported_in_dependency_order():
    x = tf.placeholder(tf.float32, name="x")
    tf.identity(x, name="y")
    graph_def = tf.get_default_graph().as_graph_def()
    reversed_def = graph_pb2.GraphDef()
    reversed_def.node.extend(reversed(graph_def.node))
    with tf.Graph().as_default():
        y = tf.import_graph_def(reversed_def, return_elements=["y:0"])[0]
        with tf.Session() as sess:
            assert sess.run(y, {"import/x:0": 3.0}) == 3.0


def test_malformed_graph_defs_raise_value_error():
    bad_input = graph_pb2.GraphDef()
    bad_input.node.add(name="y", op="Identity", input=["missing"])
    with pytest.raises(ValueError, match="Unknown input node 'missing'"):
        tf.import_graph_def(bad_input)
    cycle = graph_pb2.GraphDef()
    for name, source in (("a", "b"), ("b", "a")):
        node = cycle.node.add(name=name, op="Identity", input=[source])
        node.attr["T"].type = 1
    with pytest.raises(ValueError, match="cycle"):
        tf.import_graph_def(cycle)
    with pytest.raises(ValueError, match="not found in graph_def"):
        tf.import_graph_def(_frozen_mlp(), input_map={"nope:0": tf.constant(1.0)})


def test_type_mismatch_on_import_is_value_error():
    graph_def = _frozen_mlp()
    with pytest.raises(ValueError, match="incompatible with expected float"):
        tf.import_graph_def(graph_def, input_map={"input:0": tf.constant([[1, 2, 3, 4]])})


def test_write_graph_text_and_binary(tmp_path):
    tf.constant(1.0, name="c")
    text_path = graph_def_lib.write_graph(tf.get_default_graph(), str(tmp_path), "g.pbtxt")
    binary_path = graph_def_lib.write_graph(
        tf.get_default_graph().as_graph_def(), str(tmp_path), "g.pb", as_text=False
    )
    parsed_text = text_format.Parse(pathlib.Path(text_path).read_text(), graph_pb2.GraphDef())
    parsed_binary = graph_pb2.GraphDef.FromString(pathlib.Path(binary_path).read_bytes())
    assert parsed_text == parsed_binary
    assert parsed_text.node[0].name == "c"


@pytest.mark.parametrize(("producer", "rank"), [(21, None), (22, 0)])
def test_tf_1_0_placeholder_with_empty_shape_imports_as_unknown(producer, rank):
    # Up to GraphDef producer 21 (TF 1.0), an unknown Placeholder shape was written as an
    # empty one; TF's Placeholder shape function reads it as unknown, so must ndflow.
    graph_def = text_format.Parse(
        f"""
        node {{ name: "x" op: "Placeholder"
               attr {{ key: "dtype" value {{ type: DT_FLOAT }} }}
               attr {{ key: "shape" value {{ shape {{}} }} }} }}
        versions {{ producer: {producer} }}
        """,
        graph_pb2.GraphDef(),
    )
    tf.import_graph_def(graph_def, name="")
    x = tf.get_default_graph().get_tensor_by_name("x:0")
    assert x.shape.rank == rank
    assert graph_def.node[0].attr["shape"].shape.unknown_rank is False  # input not modified
