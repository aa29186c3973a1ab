"""The seed's serving pattern crosses over (oracle venv only: `make conformance`): the model
ndflow saves with `SavedModelBuilder("myModel")` under tag `myTag` loads in TensorFlow by tag
and runs by operation name (`inputLayer_input` -> `inferenceLayer/Sigmoid`), as the seed's Go
program does, with ndflow's outputs."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.conformance
tf_real = pytest.importorskip("tensorflow")

from tests.acceptance import test_seed_saved_model as seed  # noqa: E402

tf1 = tf_real.compat.v1


def test_tensorflow_loads_the_seed_model_by_tag_and_runs_it_by_operation_name(tmp_path):
    images = np.random.default_rng(1).random((3, 64, 64, 3), dtype=np.float32)
    export_dir = tmp_path / "myModel"
    expected = seed.save_as_in_the_seed(images, str(export_dir))

    with tf_real.Graph().as_default() as graph, tf1.Session(graph=graph) as sess:
        tf1.saved_model.loader.load(sess, ["myTag"], str(export_dir))
        feed = graph.get_operation_by_name("inputLayer_input").outputs[0]
        fetch = graph.get_operation_by_name("inferenceLayer/Sigmoid").outputs[0]
        result = sess.run(fetch, {feed: images})
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)
