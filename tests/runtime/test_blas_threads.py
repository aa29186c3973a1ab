"""ConfigProto.intra_op_parallelism_threads -> NumPy's OpenBLAS thread count (process-wide)."""

from __future__ import annotations

import pytest

import ndflow as tf
from ndflow.runtime import blas_threads

pytestmark = pytest.mark.skipif(
    blas_threads.get_threads() is None, reason="NumPy's BLAS here is not a known OpenBLAS"
)


@pytest.fixture(autouse=True)
def restore_threads():
    before = blas_threads.get_threads()
    yield
    blas_threads.set_threads(before)


def test_set_threads_changes_the_count():
    assert blas_threads.set_threads(1)
    assert blas_threads.get_threads() == 1
    assert blas_threads.set_threads(2)
    assert blas_threads.get_threads() == 2


def test_non_positive_count_raises_value_error():
    with pytest.raises(ValueError, match="Received: 0"):
        blas_threads.set_threads(0)


def test_session_config_caps_blas_threads():
    blas_threads.set_threads(2)
    config = tf.ConfigProto(intra_op_parallelism_threads=1)
    with tf.Session(graph=tf.Graph(), config=config):
        assert blas_threads.get_threads() == 1


def test_session_config_zero_leaves_blas_threads():
    blas_threads.set_threads(2)
    with tf.Session(graph=tf.Graph(), config=tf.ConfigProto()):
        assert blas_threads.get_threads() == 2
