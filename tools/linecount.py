"""Prints ndflow's code lines per package: no blank lines, comments or docstrings.

Generated protobuf modules (`*_pb2.py`) are counted apart, as "generated", and are not in the
total. With `--diff REV` it also counts the tree at a git revision and prints the delta.

Usage: python tools/linecount.py [--diff REV] [--by-file] [--root REPO_ROOT]
"""

from __future__ import annotations

import argparse
import ast
import io
import pathlib
import subprocess
import sys
import tokenize
import warnings

PACKAGE_ROOT = "ndflow"
GENERATED = "generated (*_pb2.py)"
NON_CODE_TOKENS = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def docstring_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of module, class and function docstrings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        tree = ast.parse(source)
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if not isinstance(first, ast.Expr) or not isinstance(first.value, ast.Constant):
            continue
        if isinstance(first.value.value, str):
            start = (first.lineno, first.col_offset)
            spans.append((start, (first.end_lineno, first.end_col_offset)))
    return spans


def in_spans(token: tokenize.TokenInfo, spans: list) -> bool:
    return any(start <= token.start and token.end <= end for start, end in spans)


def code_lines(source: str) -> int:
    """Lines holding at least one token that is not a comment or part of a docstring."""
    spans = docstring_spans(source)
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in NON_CODE_TOKENS:
            continue
        if token.type == tokenize.STRING and in_spans(token, spans):
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines)


def group_of(relative: str) -> str:
    """The row a file counts in: its top-level package, `ndflow/*.py`, or generated."""
    if relative.endswith("_pb2.py"):
        return GENERATED
    parts = relative.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else f"{PACKAGE_ROOT}/*.py"


def count(sources: dict[str, str]) -> dict[str, int]:
    """Code lines per file, from {relative path: source}."""
    counts = {}
    for path, text in sorted(sources.items()):
        try:
            counts[path] = code_lines(text)
        except (SyntaxError, tokenize.TokenError) as error:
            raise SystemExit(f"linecount: cannot parse {path}: {error}") from error
    return counts


def totals(per_file: dict[str, int], by_file: bool) -> dict[str, int]:
    rows: dict[str, int] = {}
    for path, lines in per_file.items():
        key = path if by_file and not path.endswith("_pb2.py") else group_of(path)
        rows[key] = rows.get(key, 0) + lines
    return rows


def working_tree(root: pathlib.Path) -> dict[str, str]:
    files = sorted((root / PACKAGE_ROOT).rglob("*.py"))
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in files}


def git(root: pathlib.Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"linecount: git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def tree_at(root: pathlib.Path, rev: str) -> dict[str, str]:
    """The ndflow/*.py sources at a git revision, read with `git show REV:PATH`."""
    listing = git(root, "ls-tree", "-r", "--name-only", rev, "--", PACKAGE_ROOT)
    paths = [path for path in listing.splitlines() if path.endswith(".py")]
    return {path: git(root, "show", f"{rev}:{path}") for path in paths}


def table(rows: dict[str, int], before: dict[str, int] | None, rev: str | None) -> list[str]:
    keys = sorted(set(rows) | set(before or {}), key=lambda key: (key == GENERATED, key))
    width = max([len(key) for key in keys] + [len("total")])
    header = f"{'package':<{width}}  {'lines':>7}"
    if before is not None:
        header += f"  {rev[:12]:>12}  {'delta':>7}"
    out = [header, "-" * len(header)]
    code_keys = [key for key in keys if key != GENERATED]
    for key in code_keys + ["total"] + [key for key in keys if key == GENERATED]:
        if key == GENERATED:
            out.append("-" * len(header))
        out.append(row(key, width, rows, before, code_keys))
    return out


def row(
    key: str,
    width: int,
    rows: dict[str, int],
    before: dict[str, int] | None,
    code_keys: list[str],
) -> str:
    def value(counts: dict[str, int]) -> int:
        if key == "total":
            return sum(counts.get(name, 0) for name in code_keys)
        return counts.get(key, 0)

    text = f"{key:<{width}}  {value(rows):>7}"
    if before is not None:
        text += f"  {value(before):>12}  {value(rows) - value(before):>+7}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff", metavar="REV", help="also count at this git revision")
    parser.add_argument("--by-file", action="store_true", help="one row per file")
    default_root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--root", type=pathlib.Path, default=default_root)
    args = parser.parse_args(argv)
    rows = totals(count(working_tree(args.root)), args.by_file)
    before = None
    if args.diff:
        before = totals(count(tree_at(args.root, args.diff)), args.by_file)
    print("\n".join(table(rows, before, args.diff)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
