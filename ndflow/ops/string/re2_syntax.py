"""RE2 regular expressions (TF's regex ops) translated to Python `re`.

TF matches with RE2 in UTF-8 mode. Strings are decoded as UTF-8 with `surrogateescape`, so
bytes that are not UTF-8 become lone surrogates U+DC80..U+DCFF, which (as in RE2) no `.`,
negated class or `\\D\\W\\S` matches. The translation keeps RE2's meaning where Python's
differs:

- `\\d \\w \\s \\b` are ASCII (`\\s` without `\\v`); `[[:alpha:]]` POSIX classes are ASCII;
- `$` without the `m` flag is the end of text (`\\Z`), `\\z` is `\\Z`; `\\Z` is an error;
- `\\Q...\\E` quotes, `\\x{10FFFF}` is a code point;
- `\\pL` / `\\p{L}` (letters) and `\\pN` / `\\p{N}` (approximated by decimal digits);
- RE2 (TF's version) rejects lookarounds, `(?<name>re)`, backreferences, atomic groups and
  possessive repetitions; so does this translation, with RE2's message.

Unsupported (an InvalidArgumentError saying so): other Unicode classes and scripts
(`\\p{Greek}`), `\\C`, the `U` (ungreedy) flag, flag groups `(?i)` after the start of the
pattern, and `\\pX` inside a character class. Known difference: Python's case-insensitive
matching folds a few characters differently from RE2.
"""

from __future__ import annotations

import dataclasses
import re

from ndflow.framework import errors

_INVALID_BYTES = "\udc80-\udcff"
_CLASS_ESCAPES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_UNICODE_CLASSES = {"L": ("[^\\W\\d_]", "[\\W\\d_]"), "N": ("\\d", "\\D")}
_LEADING_FLAGS = re.compile(r"\(\?([imsU]+)\)")
_FLAG_GROUP = re.compile(r"\(\?([imsU]*(?:-[imsU]*)?)([:)])")


@dataclasses.dataclass(frozen=True)
class Translation:
    """A Python pattern with RE2's meaning; `has_assertions` when it holds ^ $ \\b \\A \\z
    (which may match empty away from the start)."""

    pattern: str
    has_assertions: bool


def pattern_error(pattern: str, detail: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"Invalid pattern: {pattern}, error: {detail}")


def _unsupported(pattern: str, what: str) -> errors.InvalidArgumentError:
    return pattern_error(pattern, f"{what} is not supported by ndflow's RE2 translation")


class _Translator:
    """One left-to-right pass over an RE2 pattern."""

    def __init__(self, pattern: str):
        self.src = pattern
        self.pos = 0
        self.out: list[str] = []
        self.flags = [frozenset()]
        self.has_assertions = False

    def run(self) -> Translation:
        leading = _LEADING_FLAGS.match(self.src)
        if leading:
            self._check_flags(leading.group(1))
            self.flags = [frozenset(leading.group(1))]
            self.out.append(leading.group(0))
            self.pos = leading.end()
        while self.pos < len(self.src):
            self._step()
        return Translation("".join(self.out), self.has_assertions)

    def _check_flags(self, letters: str) -> None:
        if "U" in letters:
            raise _unsupported(self.src, "the U (ungreedy) flag")

    def _step(self) -> None:
        char = self.src[self.pos]
        handler = {
            "\\": self._escape,
            "[": self._char_class,
            "(": self._group,
            ")": self._close_group,
            ".": self._dot,
            "$": self._dollar,
            "^": self._caret,
        }.get(char)
        if handler is not None:
            handler()
            return
        if char in "*+?}" and self.src[self.pos + 1 : self.pos + 2] == "+":
            raise pattern_error(self.src, f"bad repetition operator: {char}+")
        self.out.append(char)
        self.pos += 1

    # -------------------------------------------------------------- atoms and anchors

    def _dot(self) -> None:
        newline = "" if "s" in self.flags[-1] else "\\n"
        self.out.append(f"[^{newline}{_INVALID_BYTES}]")
        self.pos += 1

    def _dollar(self) -> None:
        self.has_assertions = True
        self.out.append("$" if "m" in self.flags[-1] else "\\Z")
        self.pos += 1

    def _caret(self) -> None:
        self.has_assertions = True
        self.out.append("^")
        self.pos += 1

    def _group(self) -> None:
        rest = self.src[self.pos :]
        for operator in ("(?=", "(?!", "(?<", "(?>", "(?#"):
            if rest.startswith(operator):
                raise pattern_error(self.src, f"invalid perl operator: {operator[:3]}")
        named = re.match(r"\(\?P<(\w+)>", rest)
        flags = _FLAG_GROUP.match(rest)
        if named:
            opening, inner = f"(?P<{named.group(1)}>", self.flags[-1]
            self.pos += named.end()
        elif flags and flags.group(2) == ":":
            # A scoped group, "(?:" or "(?i-s:": Python takes the same syntax.
            self._check_flags(flags.group(1))
            added, _, removed = flags.group(1).partition("-")
            opening, inner = flags.group(0), (self.flags[-1] | set(added)) - set(removed)
            self.pos += flags.end()
        elif flags:
            raise _unsupported(self.src, "a flag group after the start of the pattern")
        else:
            opening, inner = "(", self.flags[-1]
            self.pos += 1
        self.out.append(opening)
        self.flags.append(frozenset(inner))

    def _close_group(self) -> None:
        if len(self.flags) > 1:
            self.flags.pop()
        self.out.append(")")
        self.pos += 1

    # -------------------------------------------------------------- escapes

    def _escape(self) -> None:
        if self.pos + 1 >= len(self.src):
            raise pattern_error(self.src, "trailing \\")
        letter = self.src[self.pos + 1]
        self.pos += 2
        if letter in "dws":
            self.out.append(f"[{_CLASS_ESCAPES[letter]}]")
        elif letter in "DWS":
            self.out.append(f"[^{_CLASS_ESCAPES[letter.lower()]}{_INVALID_BYTES}]")
        else:
            self._special_escape(letter)

    def _special_escape(self, letter: str) -> None:
        if letter in "bB":
            self.has_assertions = True
            self.out.append(f"(?a:\\{letter})")
        elif letter in "Az":
            self.has_assertions = True
            self.out.append("\\A" if letter == "A" else "\\Z")
        elif letter == "Q":
            end = self.src.find("\\E", self.pos)
            end = len(self.src) if end < 0 else end
            self.out.append(re.escape(self.src[self.pos : end]))
            self.pos = min(end + 2, len(self.src))
        elif letter in "pP":
            self.out.append(self._unicode_class(letter == "P"))
        elif letter == "x" and self.src[self.pos : self.pos + 1] == "{":
            self.out.append(self._code_point())
        elif letter in "123456789" or letter in "CZ":
            if letter == "C":
                raise _unsupported(self.src, "\\C (any byte)")
            raise pattern_error(self.src, f"invalid escape sequence: \\{letter}")
        elif letter != "E":
            self.out.append("\\" + letter)

    def _unicode_class(self, negated: bool) -> str:
        if self.src[self.pos : self.pos + 1] == "{":
            end = self.src.find("}", self.pos)
            name, self.pos = self.src[self.pos + 1 : end], end + 1
        else:
            name, self.pos = self.src[self.pos : self.pos + 1], self.pos + 1
        if name not in _UNICODE_CLASSES:
            raise _unsupported(self.src, f"the Unicode class \\p{{{name}}}")
        return _UNICODE_CLASSES[name][1 if negated else 0]

    def _code_point(self) -> str:
        end = self.src.find("}", self.pos)
        digits = self.src[self.pos + 1 : end]
        if end < 0 or not digits or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise pattern_error(self.src, f"invalid escape sequence: \\x{self.src[self.pos :]}")
        self.pos = end + 1
        return f"\\U{int(digits, 16):08x}"

    # -------------------------------------------------------------- character classes

    def _char_class(self) -> None:
        self.pos += 1
        negated = self.src.startswith("^", self.pos)
        self.pos += negated
        parts = ["[^" if negated else "["]
        first = True
        while self.pos < len(self.src) and (first or self.src[self.pos] != "]"):
            parts.append(self._class_item())
            first = False
        if self.pos >= len(self.src):
            raise pattern_error(self.src, f"missing ]: {self.src}")
        self.pos += 1
        parts.append((_INVALID_BYTES if negated else "") + "]")
        self.out.append("".join(parts))

    def _class_item(self) -> str:
        rest = self.src[self.pos :]
        posix = re.match(r"\[:(\^?)(\w+):\]", rest)
        if posix:
            if posix.group(1) or posix.group(2) not in _POSIX_CLASSES:
                raise _unsupported(self.src, f"the class {posix.group(0)}")
            self.pos += posix.end()
            return _POSIX_CLASSES[posix.group(2)]
        if rest[0] != "\\":
            self.pos += 1
            # Python warns on "[" and on doubled set operators inside a class: escape them.
            return "\\" + rest[0] if rest[0] in "[&~|" else rest[0]
        return self._class_escape(rest[1:2])

    def _class_escape(self, letter: str) -> str:
        self.pos += 2
        if letter in "dws":
            return _CLASS_ESCAPES[letter]
        if letter in "DWSpPC":
            raise _unsupported(self.src, f"\\{letter} inside a character class")
        if letter == "x" and self.src.startswith("{", self.pos):
            return self._code_point()
        return "\\" + letter


def translate(pattern: str) -> Translation:
    """The Python equivalent of an RE2 pattern; InvalidArgumentError (TF's words) if RE2
    would reject it or the translation cannot express it."""
    return _Translator(pattern).run()


@dataclasses.dataclass(frozen=True)
class Rewrite:
    """An RE2 rewrite string as a Python template: `\\0`..`\\9` are groups, `\\\\` is a
    backslash. RE2 stops a rewrite at any other escape: `template` is the part before it
    and `complete` is False. `max_group` is the highest group the rewrite names."""

    template: str
    max_group: int
    complete: bool


def rewrite_template(rewrite: str) -> Rewrite:
    out: list[str] = []
    template = None
    max_group = 0
    index = 0
    while index < len(rewrite):
        char = rewrite[index]
        following = rewrite[index + 1 : index + 2]
        index += 1 if char != "\\" else 2
        if char != "\\":
            out.append(char)
        elif following.isdigit() and following.isascii():
            out.append(f"\\g<{following}>")
            max_group = max(max_group, int(following))
        elif following == "\\":
            out.append("\\\\")
        elif template is None:
            template = "".join(out)
    complete = template is None
    return Rewrite("".join(out) if complete else template, max_group, complete)
