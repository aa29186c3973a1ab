"""Goldens for the seed documents' training programs (examples/seed_programs.py), run by
real TensorFlow with TF1 semantics (ref variables, graph mode)."""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from examples import seed_programs  # noqa: E402


def generate(tf, writer):
    tf.disable_resource_variables()
    data = seed_programs.seed_data()
    runs = {
        "linear_regression": lambda: seed_programs.linear_regression(
            tf, data["x_train"], data["y_train"]
        ),
        "house_price": lambda: seed_programs.house_price(tf, data["house"]),
        "mlp_adam": lambda: seed_programs.mlp_adam(
            tf, data["features"], data["labels"], data["w1"], data["b1"], data["w2"], data["b2"]
        ),
        "dataset_demo": lambda: seed_programs.dataset_demo(tf, **seed_programs.dataset_demo_data()),
    }
    for case, run in runs.items():
        tf.reset_default_graph()
        result = run()
        writer.save(
            case,
            result,
            {"program": f"examples/seed_programs.py:{case}", "data": "seed_programs.seed_data(0)"},
        )
