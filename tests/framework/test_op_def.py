"""The REGISTER_OP-style spec parser in ndflow.framework.op_def."""

import pytest

from ndflow.framework import dtypes
from ndflow.framework import op_def
from ndflow.framework import registry


@pytest.mark.parametrize(
    ("attr_type", "text", "expected"),
    [
        ("string", "'stderr'", "stderr"),
        ("string", "'\\n'", "\n"),
        ("string", '"a\\tb"', "a\tb"),
        ("int", "-1", -1),
        ("float", "0.5", 0.5),
        ("bool", "true", True),
        ("type", "DT_FLOAT", dtypes.float32),
        ("list(int)", "[1, 2]", [1, 2]),
        ("list(string)", "['a', 'b']", ["a", "b"]),
    ],
)
def test_defaults_are_read_as_register_op_writes_them(attr_type, text, expected):
    assert op_def.parse_default(attr_type, text) == expected


def test_unquoted_string_default_is_an_error():
    with pytest.raises(op_def.OpDefError, match="quoted"):
        op_def.parse_default("string", "stderr")


def test_print_v2_end_default_is_a_newline():
    import ndflow  # noqa: F401 - registers the ops

    attr = next(a for a in registry.lookup_op("PrintV2").attrs if a.name == "end")
    assert attr.default == "\n"
