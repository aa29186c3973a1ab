"""`ndflow saved_model_cli` prints what TensorFlow's `saved_model_cli` prints (golden text
recorded by tools/goldens/saved_model_cli.py), and refuses inputs that could run code."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from ndflow.cli import concrete_functions
from ndflow.cli import main as cli_main
from ndflow.cli import saved_model_cli
from ndflow.proto import meta_graph_pb2

TESTS = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden" / "saved_model_cli"
HALF = FIXTURES / "savedmodel_v1_half_plus_two" / "00000123"
CASES = sorted(path.stem for path in GOLDEN.glob("*.json"))


def _args(case):
    meta = json.loads((GOLDEN / f"{case}.json").read_text())
    return [arg.replace("{fixtures}", str(FIXTURES)) for arg in meta["args"]], meta


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?", text)]


@pytest.mark.parametrize("case", CASES)
def test_output_matches_tensorflow(case, capsys):
    args, meta = _args(case)
    status = saved_model_cli.main(args)
    out = capsys.readouterr().out
    expected = (GOLDEN / f"{case}.txt").read_text()
    assert status == meta["returncode"]
    if case == "run_cnn_npz":
        # Floats from different kernels: the same header, values within float32 rounding
        # (NumPy pads the printed digits differently).
        assert out.splitlines()[0] == expected.splitlines()[0]
        np.testing.assert_allclose(_numbers(out), _numbers(expected), rtol=1e-6)
        return
    assert out == expected


def test_dispatch_through_the_ndflow_command(capsys):
    assert cli_main.main(["saved_model_cli", "show", "--dir", str(HALF)]) == 0
    assert "'serve'" in capsys.readouterr().out
    assert cli_main.main(["nope"]) == 2
    assert cli_main.main([]) == 2


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "ndflow.cli", "saved_model_cli", "show", "--dir", str(HALF)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "show_tag_sets.txt").read_text()


def test_run_writes_npy_outputs_without_pickle(tmp_path, capsys):
    args = ["run", "--dir", str(HALF), "--tag_set", "serve", "--signature_def", "serving_default"]
    args += ["--input_exprs", "x=np.array([1.0, 3.0], dtype=np.float32)", "--outdir", str(tmp_path)]
    assert saved_model_cli.main(args) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy", allow_pickle=False), [2.5, 3.5])
    assert saved_model_cli.main(args) == 1
    assert 'already exists. Add "--overwrite"' in capsys.readouterr().err
    assert saved_model_cli.main([*args, "--overwrite"]) == 0


def test_run_inputs_from_npy_and_npz(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([2.0], np.float32))
    np.savez(tmp_path / "xs.npz", a=np.array([4.0], np.float32), b=np.array([6.0], np.float32))
    base = ["run", "--dir", str(HALF), "--tag_set", "serve", "--signature_def", "serving_default"]
    assert saved_model_cli.main([*base, "--inputs", f"x={tmp_path / 'x.npy'}"]) == 0
    assert saved_model_cli.main([*base, "--inputs", f"x={tmp_path / 'xs.npz'}[b]"]) == 0
    out = capsys.readouterr().out
    assert out == "Result for output key y:\n[3.]\nResult for output key y:\n[5.]\n"
    assert saved_model_cli.main([*base, "--inputs", f"x={tmp_path / 'xs.npz'}"]) == 1
    assert "contains more than one ndarrays" in capsys.readouterr().err


def test_pickled_inputs_are_refused(tmp_path, capsys):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    base = ["run", "--dir", str(HALF), "--tag_set", "serve", "--signature_def", "serving_default"]
    assert saved_model_cli.main([*base, "--inputs", f"x={tmp_path / 'obj.npy'}"]) == 1
    assert "without pickle" in capsys.readouterr().err


def test_code_in_input_exprs_is_refused(tmp_path, capsys):
    marker = tmp_path / "pwned"
    base = ["run", "--dir", str(HALF), "--tag_set", "serve", "--signature_def", "serving_default"]
    expr = f"x=__import__('pathlib').Path('{marker}').touch()"
    assert saved_model_cli.main([*base, "--input_exprs", expr]) == 1
    assert not marker.exists()
    assert "is not a valid python literal" in capsys.readouterr().err


def test_errors_use_tf_messages(capsys):
    assert saved_model_cli.main(["show", "--dir", str(HALF), "--tag_set", "bogus"]) == 1
    assert capsys.readouterr().err == (
        "RuntimeError: MetaGraphDef associated with tag-set bogus could not be found in the "
        "SavedModel. Please use one of the following tag-sets: ['serve']\n"
    )
    base = ["run", "--dir", str(HALF), "--tag_set", "serve", "--signature_def", "serving_default"]
    assert saved_model_cli.main([*base, "--input_exprs", "z=[1.0]"]) == 1
    assert '"z" is not a valid input key. Please choose from "x"' in capsys.readouterr().err
    assert saved_model_cli.main(base) == 1
    assert "At least one of --inputs, --input_exprs or --input_examples" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        saved_model_cli.main(["run", "--dir", str(HALF)])


def test_concrete_functions_of_a_tf2_object_graph(capsys):
    meta_graph = meta_graph_pb2.MetaGraphDef()
    graph = meta_graph.object_graph_def
    root = graph.nodes.add()
    root.children.add(node_id=1, local_name="serve")
    root.children.add(node_id=2, local_name="bare")
    root.children.add(node_id=3, local_name="signatures")
    graph.nodes.add().function.concrete_functions.append("__inference_serve_7")
    bare = graph.nodes.add().bare_concrete_function
    bare.concrete_function_name = "__inference_bare_9"
    bare.argument_keywords.extend(["a", "b"])
    graph.nodes.add().user_object.identifier = "signature_map"
    signature = graph.concrete_functions["__inference_serve_7"].canonicalized_input_signature
    args, kwargs = signature.tuple_value.values.add(), signature.tuple_value.values.add()
    spec = args.tuple_value.values.add().tensor_spec_value
    spec.name, spec.dtype = "image", 1
    spec.shape.dim.add(size=-1)
    spec.shape.dim.add(size=3)
    args.tuple_value.values.add().bool_value = True
    kwargs.dict_value.fields["training"].bool_value = False
    concrete_functions.show_defined_functions([meta_graph])
    assert capsys.readouterr().out == (
        "\nConcrete Functions:\n"
        "  Function Name: 'bare'\n"
        "    Option #1\n"
        "      Callable with:\n"
        "        Argument #1\n"
        "          a\n"
        "        Argument #2\n"
        "          b\n"
        "\n  Function Name: 'serve'\n"
        "    Option #1\n"
        "      Callable with:\n"
        "        Argument #1\n"
        "          image: TensorSpec(shape=(None, 3), dtype=tf.float32, name='image')\n"
        "        Argument #2\n"
        "          DType: bool\n"
        "          Value: True\n"
        "        Named Argument #1\n"
        "          training\n"
    )
