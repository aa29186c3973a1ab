"""Allocator tuning: applied once, idempotent, harmless where glibc is absent."""

from __future__ import annotations

import sys

import ndflow as tf
from ndflow.runtime import memory


def test_tuning_is_applied_by_the_first_session_and_idempotent():
    with tf.Graph().as_default():
        tf.Session().close()
    first = memory.tune_allocator()
    assert memory.tune_allocator() == first
    if sys.platform.startswith("linux"):
        assert memory._glibc() is not None or not first
