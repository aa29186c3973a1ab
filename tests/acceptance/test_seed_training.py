"""The seed documents' TF1 training programs run unchanged with `import ndflow as tf` and
reach TensorFlow's numbers (goldens recorded by tools/goldens/seed_training.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ndflow as tf
from examples import seed_programs
from tests.support import golden

RTOL = 1e-5


@pytest.fixture
def data():
    with tf.Graph().as_default():
        yield seed_programs.seed_data()


def _compare(result, case):
    expected, _ = golden.load("seed_training", case)
    assert set(expected) == set(result)
    for key, want in expected.items():
        np.testing.assert_allclose(
            np.asarray(result[key]), want, rtol=RTOL, atol=1e-6, err_msg=f"{case}: {key}"
        )


def test_linear_regression_matches_tensorflow(data):
    _compare(
        seed_programs.linear_regression(tf, data["x_train"], data["y_train"]), "linear_regression"
    )


def test_house_price_regression_matches_tensorflow(data):
    _compare(seed_programs.house_price(tf, data["house"]), "house_price")


def test_mlp_with_adam_matches_tensorflow(data):
    _compare(
        seed_programs.mlp_adam(
            tf, data["features"], data["labels"], data["w1"], data["b1"], data["w2"], data["b2"]
        ),
        "mlp_adam",
    )


def test_dataset_demo_matches_tensorflow():
    with tf.Graph().as_default():
        result = seed_programs.dataset_demo(tf, **seed_programs.dataset_demo_data())
    _compare(result, "dataset_demo")
    assert result["losses"][-5:].mean() < result["losses"][:5].mean()
