"""Reading the golden files recorded from real TensorFlow by tools/make_goldens.py."""

from __future__ import annotations

import json
import pathlib

import numpy as np

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent.parent / "golden"


def cases(family: str) -> list[str]:
    """The case names recorded for a family."""
    return sorted(p.stem for p in (GOLDEN_DIR / family).glob("*.json"))


def load(family: str, case: str):
    """(arrays, meta) for one recorded case."""
    meta = json.loads((GOLDEN_DIR / family / f"{case}.json").read_text())
    npz_path = GOLDEN_DIR / family / f"{case}.npz"
    arrays = {}
    if npz_path.exists():
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    return arrays, meta
