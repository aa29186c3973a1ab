"""SavedModels both ways (oracle venv only: `make conformance`): an ndflow SavedModel (builder,
signatures, assets, main_op) loads in TensorFlow's TF1 loader and its `saved_model_cli` with
identical outputs; a TensorFlow SavedModel loads in ndflow with identical outputs; ndflow's
`saved_model_cli` prints what TensorFlow's prints."""

from __future__ import annotations

import ast
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

import ndflow as nd  # noqa: E402
from ndflow.cli import saved_model_cli  # noqa: E402

tf1 = tf_real.compat.v1
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "fixtures"
X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]], np.float32)
WORDS = np.array([b"alpha", b"zeta", b"beta"], dtype=object)


def _example(values) -> bytes:
    return nd.train.Example(
        features=nd.train.Features(
            feature={"x": nd.train.Feature(float_list=nd.train.FloatList(value=values))}
        )
    ).SerializeToString()


def _build(lib, export_dir, vocab_file):
    """The same model in ndflow (`lib=nd`) or TF (`lib=tf1`): y = relu(x @ w + b), a vocab
    asset looked up by a table initialized in the main_op, and a regress signature over
    serialized Examples. Returns the signature map it saved."""
    x = lib.placeholder(lib.float32, [None, 2], name="x")
    w = lib.Variable([[0.5, -1.0], [2.0, 0.25]], name="w")
    b = lib.get_variable("b", initializer=[0.1, -0.2], use_resource=True)
    y = lib.nn.relu(lib.matmul(x, w) + b, name="y")
    examples = lib.placeholder(lib.string, [None], name="examples")
    parsed = lib.parse_example(examples, {"x": lib.FixedLenFeature([2], lib.float32)})
    score = lib.reduce_sum(lib.matmul(parsed["x"], w), axis=1, keepdims=True, name="score")
    vocab_path = lib.constant(vocab_file, name="vocab_path")
    lib.add_to_collection(lib.GraphKeys.ASSET_FILEPATHS, vocab_path)
    table = lib.lookup.StaticHashTable(
        lib.lookup.TextFileInitializer(
            vocab_path, lib.string, -2, lib.int64, lib.lookup.TextFileIndex.LINE_NUMBER
        ),
        -1,
    )
    words = lib.placeholder(lib.string, [None], name="words")
    ids = lib.identity(table.lookup(words), name="ids")
    counter = lib.Variable(0.0, name="counter", collections=[lib.GraphKeys.LOCAL_VARIABLES])
    lib.identity(counter, name="counter_value")  # a ref or a resource variable's value
    # The assignment must follow main_op()'s local-variable initializer, which also writes
    # `counter`: in one group the two race in TF's parallel executor.
    with lib.control_dependencies([lib.saved_model.main_op.main_op()]):
        main_op = lib.group(lib.assign(counter, 42.0), name="main_op")
    signatures = {
        "serving_default": lib.saved_model.predict_signature_def({"x": x}, {"y": y}),
        "lookup": lib.saved_model.predict_signature_def({"words": words}, {"ids": ids}),
        "regress": lib.saved_model.regression_signature_def(examples, score),
    }
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        builder = lib.saved_model.builder.SavedModelBuilder(export_dir)
        builder.add_meta_graph_and_variables(
            sess,
            ["serve"],
            signature_def_map=signatures,
            assets_collection=lib.get_collection(lib.GraphKeys.ASSET_FILEPATHS),
            main_op=main_op,
        )
        builder.save()


def _outputs(lib, export_dir):
    examples = [_example([1.0, 2.0]), _example([3.0, -1.0])]
    with lib.Session(graph=lib.Graph()) as sess:
        meta_graph = lib.saved_model.loader.load(sess, ["serve"], export_dir)
        results = {}
        for key, feeds in (
            ("serving_default", {"x": X}),
            ("lookup", {"words": WORDS}),
            ("regress", {"inputs": examples}),
        ):
            signature = meta_graph.signature_def[key]
            feed = {signature.inputs[k].name: v for k, v in feeds.items()}
            for name, info in signature.outputs.items():
                results[f"{key}/{name}"] = sess.run(info.name, feed)
        results["counter"] = sess.run("counter_value:0")
    return results


@pytest.fixture
def vocab_file(tmp_path):
    path = tmp_path / "vocab" / "words.txt"
    path.parent.mkdir()
    path.write_text("alpha\nbeta\ngamma\n")
    return str(path)


def _assert_same(got, expected):
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=1e-6, err_msg=key)


def test_ndflow_saved_model_loads_in_tensorflow(tmp_path, vocab_file):
    export_dir = str(tmp_path / "ndflow_model" / "1")
    with nd.Graph().as_default():
        _build(nd, export_dir, vocab_file)
    os.remove(vocab_file)  # both loaders must read the asset copied into the SavedModel
    expected = _outputs(nd, export_dir)
    assert expected["lookup/ids"].tolist() == [0, -1, 1] and expected["counter"] == 42.0
    with tf_real.Graph().as_default():
        got = _outputs(tf1, export_dir)
    _assert_same(got, expected)


def test_tensorflow_saved_model_loads_in_ndflow(tmp_path, vocab_file):
    export_dir = str(tmp_path / "tf_model" / "1")
    with tf_real.Graph().as_default():
        _build(tf1, export_dir, vocab_file)
    os.remove(vocab_file)
    with tf_real.Graph().as_default():
        expected = _outputs(tf1, export_dir)
    _assert_same(_outputs(nd, export_dir), expected)


def _tf_cli(args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return result.returncode, _sorted_sets(result.stdout)


def _sorted_sets(text: str) -> str:
    def sorted_set(match):
        return "{" + ", ".join(repr(n) for n in sorted(ast.literal_eval(match.group(0)))) + "}"

    return re.sub(r"\{'[^{}]*'\}", sorted_set, text)


def _ndflow_cli(args, capsys):
    status = saved_model_cli.main(args)
    return status, capsys.readouterr().out


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?", text)]


def _cli_cases(export_dir):
    run = ["run", "--dir", export_dir, "--tag_set", "serve"]
    return [
        ["show", "--dir", export_dir],
        ["show", "--dir", export_dir, "--tag_set", "serve"],
        ["show", "--dir", export_dir, "--tag_set", "serve", "--signature_def", "regress"],
        ["show", "--dir", export_dir, "--all"],
        ["scan", "--dir", export_dir],
        [*run, "--signature_def", "serving_default", "--input_exprs", "x=[[1.0, 2.0], [3.0, 4.0]]"],
        [*run, "--signature_def", "lookup", "--input_exprs", "words=['beta', 'nope']"],
        [*run, "--signature_def", "regress", "--input_examples", 'inputs=[{"x": [1.0, 2.0]}]'],
    ]


def test_tensorflow_cli_and_ndflow_cli_agree_on_an_ndflow_model(tmp_path, vocab_file, capsys):
    export_dir = str(tmp_path / "cli_model")
    with nd.Graph().as_default():
        _build(nd, export_dir, vocab_file)
    for args in _cli_cases(export_dir):
        tf_status, tf_out = _tf_cli(args)
        nd_status, nd_out = _ndflow_cli(args, capsys)
        assert (nd_status, nd_out) == (tf_status, tf_out), args


@pytest.mark.parametrize(
    "model", ["savedmodel_v1_half_plus_two/00000123", "savedmodel_v1_cnn_small/1"]
)
def test_show_all_agrees_on_the_tf_fixtures(model, capsys):
    args = ["show", "--dir", str(FIXTURES / model), "--all"]
    assert _ndflow_cli(args, capsys) == _tf_cli(args)


@pytest.mark.parametrize(
    "model",
    ["tf/savedmodel_v2_keras_cnn_small/1", "serving/saved_model_half_plus_two_tf2_cpu/00000123"],
)
def test_show_all_lists_tf2_concrete_functions_as_tensorflow(model, capsys):
    if not (SHARED / model).exists():
        pytest.skip("../shared/fixtures is not available")
    args = ["show", "--dir", str(SHARED / model), "--all"]
    assert _ndflow_cli(args, capsys) == _tf_cli(args)


def test_run_on_the_cnn_fixture_agrees(capsys):
    export_dir = str(FIXTURES / "savedmodel_v1_cnn_small" / "1")
    npz = FIXTURES / "savedmodel_v1_cnn_small" / "expected.npz"
    args = ["run", "--dir", export_dir, "--tag_set", "serve", "--signature_def"]
    args += ["serving_default", "--inputs", f"image={npz}[image]"]
    (tf_status, tf_out), (nd_status, nd_out) = _tf_cli(args), _ndflow_cli(args, capsys)
    assert nd_status == tf_status == 0
    assert nd_out.splitlines()[0] == tf_out.splitlines()[0]
    np.testing.assert_allclose(_numbers(nd_out), _numbers(tf_out), rtol=1e-6)
