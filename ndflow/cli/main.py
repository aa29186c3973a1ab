"""The `ndflow` console command: `ndflow <tool> [args]` runs one of ndflow's tools."""

from __future__ import annotations

import importlib
import sys

# Each tool's module, imported only when it runs: the server pulls in grpc, uvicorn and
# prometheus_client, which saved_model_cli does not need.
_TOOLS = {"saved_model_cli": "ndflow.cli.saved_model_cli", "serve": "ndflow.cli.model_server"}

_USAGE = (
    "usage: ndflow <tool> [args...]\n\ntools:\n  saved_model_cli  TensorFlow's saved_model_cli\n"
    "  serve            TensorFlow Serving's tensorflow_model_server"
)


def main(argv=None) -> int:
    """Dispatches `ndflow <tool> ...` to the tool's own main; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE)
        return 0 if argv else 2
    module = _TOOLS.get(argv[0])
    if module is None:
        print(f"ndflow: unknown tool {argv[0]!r}\n{_USAGE}", file=sys.stderr)
        return 2
    return importlib.import_module(module).main(argv[1:])
