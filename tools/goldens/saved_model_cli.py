"""Golden `saved_model_cli` outputs, recorded from TensorFlow's own command on the SavedModel
fixtures in tests/fixtures/ (show, run, scan).

Each case writes `<case>.txt` (TF's stdout) and `<case>.json` (the arguments and exit status).
TF prints the `--list_ops`/`--all` op set and the `scan` set as a Python set, whose order
changes from run to run; the golden holds it sorted, as ndflow prints it. The test
(tests/cli/test_saved_model_cli.py) runs `ndflow saved_model_cli` with the same arguments
and compares the text exactly.
"""

from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import subprocess
import sys

FIXTURES = pathlib.Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures"
HALF = "savedmodel_v1_half_plus_two/00000123"
CNN = "savedmodel_v1_cnn_small/1"

# case -> arguments; "{fixtures}" is replaced by the fixtures directory.
CASES = {
    "show_tag_sets": ["show", "--dir", f"{{fixtures}}/{HALF}"],
    "show_signature_keys": ["show", "--dir", f"{{fixtures}}/{HALF}", "--tag_set", "serve"],
    "show_signature": [
        "show",
        "--dir",
        f"{{fixtures}}/{HALF}",
        "--tag_set",
        "serve",
        "--signature_def",
        "classify_x_to_y",
    ],
    "show_list_ops": [
        "show",
        "--dir",
        f"{{fixtures}}/{HALF}",
        "--tag_set",
        "serve",
        "--list_ops",
    ],
    "show_all_half_plus_two": ["show", "--dir", f"{{fixtures}}/{HALF}", "--all"],
    "show_all_cnn_small": ["show", "--dir", f"{{fixtures}}/{CNN}", "--all"],
    "run_predict_exprs": [
        "run",
        "--dir",
        f"{{fixtures}}/{HALF}",
        "--tag_set",
        "serve",
        "--signature_def",
        "serving_default",
        "--input_exprs",
        "x=[1.0, 2.0, 5.0]",
    ],
    "run_regress_examples": [
        "run",
        "--dir",
        f"{{fixtures}}/{HALF}",
        "--tag_set",
        "serve",
        "--signature_def",
        "regress_x_to_y",
        "--input_examples",
        'inputs=[{"x": [1.0]}, {"x": [2.0]}, {"x": [5.0]}]',
    ],
    "run_cnn_npz": [
        "run",
        "--dir",
        f"{{fixtures}}/{CNN}",
        "--tag_set",
        "serve",
        "--signature_def",
        "serving_default",
        "--inputs",
        "image={fixtures}/savedmodel_v1_cnn_small/expected.npz[image]",
    ],
    "scan_half_plus_two": ["scan", "--dir", f"{{fixtures}}/{HALF}"],
}


def sort_sets(text: str) -> str:
    """Rewrites each printed Python set of op names in sorted order."""

    def sorted_set(match):
        names = ast.literal_eval(match.group(0))
        return "{" + ", ".join(repr(name) for name in sorted(names)) + "}"

    return re.sub(r"\{'[^{}]*'\}", sorted_set, text)


def generate(tf, writer) -> None:
    del tf  # the command runs in a subprocess of this interpreter
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for case, template in CASES.items():
        args = [arg.replace("{fixtures}", str(FIXTURES)) for arg in template]
        result = subprocess.run(
            [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        (writer.directory / f"{case}.txt").write_text(sort_sets(result.stdout))
        meta = {"args": template, "returncode": result.returncode}
        (writer.directory / f"{case}.json").write_text(json.dumps(meta, indent=1) + "\n")
