"""Goldens for tf.layers: real TensorFlow's `tf.compat.v1.layers` (the tf_keras legacy layers,
`TF_USE_LEGACY_KERAS=1`) in graph mode with `disable_v2_behavior()` (TF1 ref variables,
TensorShapes and control flow).

Each scenario of tests/layers/cases.py is built and run by `cases.run_case(tf, case)`: variable
names, shapes and collections, op names and types, output shapes, forward values with fixed
weights, moving-statistics updates (batch norm) and gradients. `errors.json` holds the error
class and message TF raises for bad inputs and arguments. Needs the `tf-keras` package in the
oracle venv (TF 2.21's `tf.compat.v1.layers` lives there).
"""

from __future__ import annotations

import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.layers import cases  # noqa: E402


def generate(tf, writer):
    # tf.compat.v1.layers resolves to tf_keras only with this switch (read on first access).
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    # TF1 behaviour: ref variables, Dimension-valued TensorShapes, Switch/Merge conds and
    # Keras's TF1 initializers (stateful RandomUniform). Restored afterwards (graph mode stays)
    # so the families generated after this one see make_goldens's settings.
    tf.disable_v2_behavior()
    try:
        for case in cases.ALL_CASES:
            arrays, meta = cases.run_case(tf, case)
            meta["builder"] = f"tests/layers/cases.py:{case.name}"
            writer.save(case.name, arrays, meta)
        writer.save("errors", {}, {"errors": _errors(tf)})
    finally:
        tf.enable_v2_behavior()
        tf.disable_eager_execution()


def _capture(tf, build) -> dict:
    graph = tf.Graph()
    with graph.as_default():
        try:
            build(tf)
        except Exception as error:  # noqa: BLE001 - recording whatever TF raises
            return {"class": type(error).__name__, "message": str(error)}
    return {"class": None, "message": None}


def _errors(tf) -> dict:
    return {name: _capture(tf, build) for name, build in cases.ERROR_CASES.items()}
