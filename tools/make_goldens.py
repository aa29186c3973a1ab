"""Records golden outputs from real TensorFlow into tests/golden/<family>/<case>.npz + .json.

Runs in the oracle venv only (`make goldens`, or `.venv-tf/bin/python tools/make_goldens.py
[family ...]`). Each family is a module in tools/goldens/ with a `generate(tf, writer)`
function; the tests read the committed files and never need TensorFlow.
"""

from __future__ import annotations

import importlib
import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "golden"


class GoldenWriter:
    """Writes one family's cases: arrays to .npz, metadata (and errors) to .json."""

    def __init__(self, tf, family: str):
        self.tf = tf
        self.family = family
        self.directory = GOLDEN_DIR / family
        self.directory.mkdir(parents=True, exist_ok=True)

    def save(self, case: str, arrays: dict, meta: dict) -> None:
        """Saves `arrays` (name -> ndarray) and `meta` (builder call, error class...)."""
        info = {"tensorflow": self.tf.__version__, "numpy": np.__version__, **meta}
        np.savez(self.directory / f"{case}.npz", **{k: np.asarray(v) for k, v in arrays.items()})
        text = json.dumps(info, indent=1, sort_keys=True, default=str)
        (self.directory / f"{case}.json").write_text(text + "\n")


def main(argv: list[str]) -> int:
    import tensorflow as tf

    tf.compat.v1.disable_eager_execution()
    sys.path.insert(0, str(ROOT / "tools"))
    sys.path.insert(0, str(ROOT))
    names = argv or sorted(
        p.stem for p in (ROOT / "tools" / "goldens").glob("*.py") if p.stem != "__init__"
    )
    for name in names:
        module = importlib.import_module(f"goldens.{name}")
        module.generate(tf.compat.v1, GoldenWriter(tf, name))
        print(f"wrote goldens for {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
