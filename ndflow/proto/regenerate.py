"""Regenerate the ``*_pb2.py`` modules of ``ndflow/proto`` from their ``.proto`` sources.

Needs grpcio-tools 1.85.1, which bundles protoc 35.1 and writes gencode for protobuf 7.35.x
(the generated modules then need protobuf>=7.35,<8 at run time)::

    python -m pip install grpcio-tools==1.85.1
    python -m ndflow.proto.regenerate          # from the repository root
    python ndflow/proto/regenerate.py          # the same, from anywhere

Every ``ndflow/proto/*.proto`` is compiled with ``-I <repository root>`` (so imports read
``import "ndflow/proto/tensor.proto";``) plus grpcio-tools' copy of the well-known types
(``google/protobuf/any.proto``, ``wrappers.proto``). The ``_pb2.py`` files are written in place
and committed exactly as produced; ``.pyi`` stubs are not generated. ``_pb2.py`` files whose
``.proto`` no longer exists are deleted. ``--check`` writes nothing and exits with status 1
when a module is missing, stale or left over.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2

GRPCIO_TOOLS_VERSION = "1.85.1"

PROTO_DIR = Path(__file__).resolve().parent
REPO_ROOT = PROTO_DIR.parent.parent


def proto_files() -> list[Path]:
    """All ``.proto`` sources of ndflow/proto, sorted by name."""
    return sorted(PROTO_DIR.glob("*.proto"))


def _relative_names() -> list[str]:
    return [path.relative_to(REPO_ROOT).as_posix() for path in proto_files()]


def _run_protoc(output_args: list[str]) -> None:
    from grpc_tools import protoc  # heavy optional dependency, needed only here

    well_known = importlib.resources.files("grpc_tools") / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{REPO_ROOT}",
        f"-I{well_known}",
        *output_args,
        *_relative_names(),
    ]
    status = protoc.main(args)
    if status != 0:
        raise RuntimeError(f"protoc failed with status {status}: {' '.join(args[1:])}")


def generate(out_root: Path) -> list[Path]:
    """Compile every source into ``out_root/ndflow/proto/<name>_pb2.py``; return those paths."""
    _run_protoc([f"--python_out={out_root}"])
    out_dir = out_root / PROTO_DIR.relative_to(REPO_ROOT)
    return [out_dir / f"{path.stem}_pb2.py" for path in proto_files()]


def parse_descriptors() -> dict[str, bytes]:
    """Parse every source with protoc; map file name to its serialized FileDescriptorProto."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "descriptors.pb"
        _run_protoc([f"--descriptor_set_out={out}"])
        file_set = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return {proto.name: proto.SerializeToString() for proto in file_set.file}


def _check_version(allow_other: bool) -> None:
    try:
        found = importlib.metadata.version("grpcio-tools")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(
            f"grpcio-tools is not installed: pip install grpcio-tools=={GRPCIO_TOOLS_VERSION}"
        ) from None
    if found != GRPCIO_TOOLS_VERSION and not allow_other:
        raise SystemExit(
            f"grpcio-tools {found} found, {GRPCIO_TOOLS_VERSION} expected "
            "(pass --allow-other-version to generate anyway)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check", action="store_true", help="only report missing, stale or leftover modules"
    )
    parser.add_argument(
        "--allow-other-version",
        action="store_true",
        help=f"do not insist on grpcio-tools {GRPCIO_TOOLS_VERSION}",
    )
    args = parser.parse_args(argv)
    _check_version(args.allow_other_version)

    with tempfile.TemporaryDirectory() as tmp:
        try:
            produced = {path.name: path.read_bytes() for path in generate(Path(tmp))}
        except RuntimeError as exc:  # protoc has already printed the reasons
            print(exc, file=sys.stderr)
            return 1
    current = {path.name: path for path in PROTO_DIR.glob("*_pb2.py")}
    leftovers = sorted(set(current) - set(produced))
    changed = sorted(
        name
        for name, data in produced.items()
        if name not in current or current[name].read_bytes() != data
    )
    if args.check:
        for name in changed:
            print(f"out of date: ndflow/proto/{name}")
        for name in leftovers:
            print(f"no .proto source: ndflow/proto/{name}")
        return 1 if changed or leftovers else 0
    for name in changed:
        (PROTO_DIR / name).write_bytes(produced[name])
    for name in leftovers:
        current[name].unlink()
    print(f"{len(produced)} modules, {len(changed)} rewritten, {len(leftovers)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
