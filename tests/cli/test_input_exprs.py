"""`saved_model_cli run --input_exprs`: literals and whitelisted NumPy calls, never eval."""

from __future__ import annotations

import numpy as np
import pytest

from ndflow.cli import input_exprs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1.0, 2.0, 5.0]", [1.0, 2.0, 5.0]),
        ("2", 2),
        ("-1.5", -1.5),
        ("(1, 'a', b'x', None, True)", (1, "a", b"x", None, True)),
        ("{'k': [1]}", {"k": [1]}),
    ],
)
def test_literals(text, expected):
    assert input_exprs.evaluate(text) == expected


def test_numpy_constructors_and_methods():
    value = input_exprs.evaluate("np.ones((1, 3), dtype=np.float32)")
    assert value.dtype == np.float32 and value.shape == (1, 3)
    np.testing.assert_array_equal(
        input_exprs.evaluate("np.arange(6).reshape(2, 3) * 2")[1], [6, 8, 10]
    )
    assert input_exprs.evaluate("numpy.zeros(2).astype(np.int32)").dtype == np.int32
    assert input_exprs.evaluate("np.random.rand(2, 2)").shape == (2, 2)
    assert input_exprs.evaluate("np.array([[1, 2]]) + 1").tolist() == [[2, 3]]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "open('/etc/passwd')",
        "np.load('x.npy')",
        "np.lib.npyio.pickle",
        "np.ones(2).tofile('/tmp/x')",
        "(lambda: 1)()",
        "[x for x in range(3)]",
        "np.ones(2).__class__",
        "os.system('true')",
        "np.array(**{'object': 1})",
        "2 ** 3",
        "x = 1",
    ],
)
def test_everything_else_is_refused(text):
    with pytest.raises(RuntimeError, match="is not a valid python literal"):
        input_exprs.evaluate(text)
