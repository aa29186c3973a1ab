"""Goldens for tf.data: real TensorFlow's `tf.compat.v1.data` in graph mode.

Each scenario of tests/data/cases.py is built and iterated by `cases.run_case(tf, case)`:
every element's components, the element structure and the dataset op types in the graph.
`errors.json` holds the error class and message TF raises for each of `cases.ERROR_CASES`.
"""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.data import cases  # noqa: E402


def generate(tf, writer):
    for case in cases.ALL_CASES:
        arrays, meta = cases.run_case(tf, case)
        meta["builder"] = f"tests/data/cases.py:{case.name}"
        writer.save(case.name, arrays, meta)
    errors = {name: cases.run_error(tf, build) for name, build in cases.ERROR_CASES.items()}
    writer.save("errors", {}, {"errors": errors})
