"""The `ndflow` console command: `ndflow <tool> [args]` runs one of ndflow's tools."""

from __future__ import annotations

import sys

from ndflow.cli import saved_model_cli

_TOOLS = {"saved_model_cli": saved_model_cli.main}

_USAGE = "usage: ndflow <tool> [args...]\n\ntools:\n  saved_model_cli  TensorFlow's saved_model_cli"


def main(argv=None) -> int:
    """Dispatches `ndflow <tool> ...` to the tool's own main; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE)
        return 0 if argv else 2
    tool = _TOOLS.get(argv[0])
    if tool is None:
        print(f"ndflow: unknown tool {argv[0]!r}\n{_USAGE}", file=sys.stderr)
        return 2
    return tool(argv[1:])
