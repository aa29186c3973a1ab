"""Goldens for the seed's NMT input pipeline (examples/seed_programs.py:nmt_get_iterator),
run by real TensorFlow: the batches of two epochs without shuffling (a buffer of 1) and
with the seed's shuffle buffer (compared as a multiset of unpadded rows).

TF 2 has no `tf.contrib`; the program's `tf.contrib.data.group_by_window` is given
`tf.data.experimental`'s, which is what contrib.data became.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import types

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from examples import seed_programs  # noqa: E402


def generate(tf, writer):
    from tensorflow.python.ops import lookup_ops

    tf.contrib = types.SimpleNamespace(data=tf.data.experimental)
    with tempfile.TemporaryDirectory() as directory:
        paths = seed_programs.nmt_files(directory)
        for case, buffer in (("nmt_unshuffled", 1), ("nmt_shuffled", None)):
            tf.reset_default_graph()
            batches = seed_programs.nmt_batches(tf, lookup_ops, paths, buffer)
            arrays = {
                f"b{i}_{j}": value
                for i, batch in enumerate(batches)
                for j, value in enumerate(batch)
            }
            writer.save(
                case,
                arrays,
                {
                    "program": "examples/seed_programs.py:nmt_batches",
                    "batches": len(batches),
                    "output_buffer_size": buffer,
                },
            )
    del tf.contrib
