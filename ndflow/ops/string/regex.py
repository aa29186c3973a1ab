"""Regular-expression ops: RegexReplace, StaticRegexReplace, RegexFullMatch and
StaticRegexFullMatch (`tf.strings.regex_replace`, `tf.strings.regex_full_match`).

Patterns are RE2 (see re2_syntax for the translation to Python `re` and its limits). Global
replacement follows RE2::GlobalReplace: an empty match right where the previous match ended
is skipped (Python's `re.sub` would replace it). The per-string work is a C-level `map` of a
compiled pattern's methods; only patterns that can match the empty string take the slower
match-by-match path that enforces RE2's rule.
"""

from __future__ import annotations

import functools
import operator
import re

import numpy as np

from ndflow.framework import errors
from ndflow.framework import op_builder
from ndflow.framework import registry
from ndflow.framework import shape_errors
from ndflow.ops.string import buffers
from ndflow.ops.string import re2_syntax

_DECODE = operator.methodcaller("decode", "utf-8", "surrogateescape")
_ENCODE = operator.methodcaller("encode", "utf-8", "surrogateescape")


@functools.lru_cache(maxsize=256)
def _compile(pattern: str):
    """(compiled pattern, whether it can match the empty string somewhere)."""
    translation = re2_syntax.translate(pattern)
    try:
        compiled = re.compile(translation.pattern)
    except re.error as err:
        raise re2_syntax.pattern_error(pattern, _re2_words(err)) from None
    return compiled, translation.has_assertions or compiled.fullmatch("") is not None


def _re2_words(err: re.error) -> str:
    """Python's compile error in RE2's words where they differ in a common case."""
    if err.msg.startswith("missing ), unterminated subpattern"):
        return f"missing ): {err.pattern}"
    if err.msg.startswith("unbalanced parenthesis"):
        return f"unexpected ): {err.pattern}"
    return err.msg


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _scalar_text(value, what: str) -> str:
    if np.ndim(value) != 0:
        raise errors.InvalidArgumentError(
            None, None, f"{what} must be scalar, but received {_dims(np.shape(value))}"
        )
    return np.asarray(value, dtype=object).item().decode("utf-8", "surrogateescape")


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _re2_global_sub(compiled, template: str, text: str) -> str:
    """RE2::GlobalReplace: like re.sub, but an empty match at the end of the previous match
    is not replaced."""
    pieces, position, last_end = [], 0, -1
    for match in compiled.finditer(text):
        start, end = match.span()
        if start == end == last_end:
            continue
        pieces.append(text[position:start])
        pieces.append(match.expand(template))
        position = last_end = end
    pieces.append(text[position:])
    return "".join(pieces)


def _replace(input, pattern: str, rewrite: str, replace_global: bool) -> np.ndarray:
    compiled, matches_empty = _compile(pattern)
    items = buffers.flat(input)
    rule = re2_syntax.rewrite_template(rewrite)
    if rule.max_group > compiled.groups or not (replace_global or rule.complete):
        # RE2 refuses the rewrite: every string stays as it is.
        return np.asarray(input, dtype=object)
    if not replace_global:
        substitute = functools.partial(compiled.sub, rule.template, count=1)
    elif matches_empty:
        substitute = functools.partial(_re2_global_sub, compiled, rule.template)
    else:
        substitute = functools.partial(compiled.sub, rule.template)
    results = map(_ENCODE, map(substitute, map(_DECODE, items)))
    return buffers.objects(results, len(items)).reshape(np.shape(input))


def _full_match(input, pattern: str) -> np.ndarray:
    compiled, _ = _compile(pattern)
    items = buffers.flat(input)
    found = map(operator.truth, map(compiled.fullmatch, map(_DECODE, items)))
    return np.fromiter(found, dtype=bool, count=len(items)).reshape(np.shape(input))


def _elementwise_shape(op):
    for scalar in op.inputs[1:]:
        shape_errors.require_rank(scalar.shape, 0)
    return [op.inputs[0].shape]


# ---------------------------------------------------------------------- RegexReplace


def _regex_replace_kernel(ctx, input, pattern, rewrite, replace_global):
    pattern = _scalar_text(pattern, "Pattern")
    rewrite = _scalar_text(rewrite, "Replacement string")
    return _replace(input, pattern, rewrite, replace_global)


registry.register_op(
    "RegexReplace",
    inputs=["input: string", "pattern: string", "rewrite: string"],
    outputs=["output: string"],
    attrs=["replace_global: bool = true"],
    shape=_elementwise_shape,
    kernel=_regex_replace_kernel,
)
registry.not_differentiable("RegexReplace", "strings have no gradient")


def _static_regex_replace_kernel(ctx, input, pattern, rewrite, replace_global):
    return _replace(input, pattern, rewrite, replace_global)


registry.register_op(
    "StaticRegexReplace",
    inputs=["input: string"],
    outputs=["output: string"],
    attrs=["pattern: string", "rewrite: string", "replace_global: bool = true"],
    shape=_elementwise_shape,
    kernel=_static_regex_replace_kernel,
)
registry.not_differentiable("StaticRegexReplace", "strings have no gradient")


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """Mirrors `tf.strings.regex_replace` / `tf.regex_replace`.

    Python strings for `pattern` and `rewrite` build StaticRegexReplace (compiled once);
    tensors build RegexReplace.

    Args:
      input: a string tensor.
      pattern: an RE2 pattern (string or scalar string tensor).
      rewrite: the replacement; `\\1`..`\\9` insert groups, `\\0` the whole match.
      replace_global: replace every non-overlapping match, else only the first.
      name: the op name.

    Returns:
      A string Tensor of input's shape.

    >>> regex_replace(["a1b22"], r"\\d+", "#")  # [b"a#b#"]
    """
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        return op_builder.apply_op(
            "StaticRegexReplace",
            input,
            pattern=_text(pattern),
            rewrite=_text(rewrite),
            replace_global=replace_global,
            name=name,
        )
    return op_builder.apply_op(
        "RegexReplace", input, pattern, rewrite, replace_global=replace_global, name=name
    )


# ---------------------------------------------------------------------- RegexFullMatch


def _regex_full_match_kernel(ctx, input, pattern):
    return _full_match(input, _scalar_text(pattern, "Pattern"))


registry.register_op(
    "RegexFullMatch",
    inputs=["input: string", "pattern: string"],
    outputs=["output: bool"],
    shape=_elementwise_shape,
    kernel=_regex_full_match_kernel,
)
registry.not_differentiable("RegexFullMatch", "a boolean test of strings")


def _static_regex_full_match_kernel(ctx, input, pattern):
    return _full_match(input, pattern)


registry.register_op(
    "StaticRegexFullMatch",
    inputs=["input: string"],
    outputs=["output: bool"],
    attrs=["pattern: string"],
    shape=_elementwise_shape,
    kernel=_static_regex_full_match_kernel,
)
registry.not_differentiable("StaticRegexFullMatch", "a boolean test of strings")


def regex_full_match(input, pattern, name=None):
    """Mirrors `tf.strings.regex_full_match`: whether each whole string matches.

    Args:
      input: a string tensor.
      pattern: an RE2 pattern; a Python string builds StaticRegexFullMatch.
      name: the op name.

    Returns:
      A bool Tensor of input's shape.

    >>> regex_full_match(["abc", "abd"], "ab[c]")  # [True, False]
    """
    if isinstance(pattern, (str, bytes)):
        return op_builder.apply_op("StaticRegexFullMatch", input, pattern=_text(pattern), name=name)
    return op_builder.apply_op("RegexFullMatch", input, pattern, name=name)
