"""Goldens for tf.data's file readers, list_files and cache: real TensorFlow's
`tf.compat.v1.data` in graph mode over the files of tests/data/reader_cases.py.

Each case runs in a fresh temporary directory; `reader_cases.run_case` records the
elements, the error (class and core message, the directory shown as "<dir>"), the element
structure and the dataset op types.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.data import reader_cases  # noqa: E402


def generate(tf, writer):
    for case in reader_cases.CASES:
        with tempfile.TemporaryDirectory(prefix="ndflow_readers_") as directory:
            arrays, meta = reader_cases.run_case(tf, case, directory)
        meta["builder"] = f"tests/data/reader_cases.py:{case.name}"
        writer.save(case.name, arrays, meta)
