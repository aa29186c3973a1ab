"""Reads the seed CNN fixture's weights with real TensorFlow into tests/fixtures/cnn_small/.

Runs in the oracle venv only:

    .venv-tf/bin/python tools/fixture_weights.py [--fixtures ../shared/fixtures/tf]

It loads the `savedmodel_v1_cnn_small/1` SavedModel (tag "serve") with TensorFlow's own loader,
reads every global variable in a Session and writes them to
`tests/fixtures/cnn_small/weights.npz`, keyed by TF variable name with "/" replaced by "__"
(the fixtures' convention: `conv2d__kernel`, `dense_1__bias`...). It also copies the fixture's
`expected.npz` (the 4 input images `image` and the expected `prob` outputs) and writes
`meta.json` (TF version, shapes, and the outputs TF recomputes from the loaded model, which
must equal `expected.npz`). The tests read these files and never need TensorFlow.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures" / "tf"
OUT_DIR = ROOT / "tests" / "fixtures" / "cnn_small"
FIXTURE = "savedmodel_v1_cnn_small"


def read_weights(tf, export_dir: pathlib.Path, images: np.ndarray):
    """(weights by variable name, TF's recomputed prob) from the SavedModel."""
    graph = tf.Graph()
    with tf.compat.v1.Session(graph=graph) as session:
        meta_graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(export_dir))
        variables = tf.compat.v1.global_variables()
        values = session.run({v.op.name: v for v in variables})
        signature = meta_graph.signature_def["serving_default"]
        image_name = signature.inputs["image"].name
        prob_name = signature.outputs["prob"].name
        prob = session.run(prob_name, {image_name: images})
    return values, prob


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=pathlib.Path, default=DEFAULT_FIXTURES)
    args = parser.parse_args(argv)

    import tensorflow as tf

    fixture = args.fixtures / FIXTURE
    expected_path = fixture / "expected.npz"
    with np.load(expected_path, allow_pickle=False) as expected:
        images, prob = expected["image"], expected["prob"]
    weights, tf_prob = read_weights(tf, fixture / "1", images)
    np.testing.assert_allclose(tf_prob, prob, rtol=1e-6)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    arrays = {name.replace("/", "__"): value for name, value in sorted(weights.items())}
    np.savez(OUT_DIR / "weights.npz", **arrays)
    shutil.copyfile(expected_path, OUT_DIR / "expected.npz")
    meta = {
        "source": f"fixtures/tf/{FIXTURE}/1 (SavedModel, tag 'serve')",
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "variables": {name: list(value.shape) for name, value in sorted(weights.items())},
        "dtypes": {name: str(value.dtype) for name, value in sorted(weights.items())},
        "prob": [float(p) for p in tf_prob.ravel()],
    }
    (OUT_DIR / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(arrays)} variables to {OUT_DIR / 'weights.npz'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
