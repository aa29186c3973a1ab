"""Installed size: ndflow's runtime dependency closure against tensorflow-cpu's.

For each side, a worker runs inside the venv's own interpreter and walks the distribution's
requirements with `importlib.metadata`: the distribution itself, then its requirements whose
markers hold without any extra (so `ndflow[test]` and `tensorflow[and-cuda]` are left out),
recursively. The size of the closure is the sum of the files each distribution's RECORD lists
(bytecode included, as pip compiles it at install time), each file counted once. ndflow is
installed editable in `.venv`, so its RECORD holds only the editable hook; for an editable
distribution the files a wheel would install are counted instead: everything under its
top-level packages except `__pycache__`, plus the bytecode of each `.py` compiled in memory.

For reference, the whole venv directory (`sys.prefix`) of each interpreter is measured too; it
also holds pip, the test tools and, in `.venv-tf`, tensorboard, tf-keras and the serving API.
Sizes are apparent file sizes (`st_size`), symlinks not followed.

Usage: python bench/install_size.py [--python PATH] [--tf-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import marshal
import os
import pathlib
import subprocess
import sys

import common

NDFLOW = "ndflow"
TENSORFLOW = "tensorflow-cpu"
MIB = 1024 * 1024
PYC_HEADER_BYTES = 16  # magic, flags, mtime, source size (PEP 552)


def _requirement_class():
    """packaging's Requirement; pip's vendored copy when packaging itself is not installed."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        from pip._vendor.packaging.requirements import Requirement
    return Requirement


def _runtime_requirements(dist: importlib.metadata.Distribution) -> list[str]:
    """Names of the requirements of `dist` whose markers hold with no extra selected."""
    requirement = _requirement_class()
    names = []
    for text in dist.requires or []:
        parsed = requirement(text)
        if parsed.marker is not None and not parsed.marker.evaluate({"extra": ""}):
            continue
        names.append(parsed.name)
    return names


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def closure(root: str) -> list[importlib.metadata.Distribution]:
    """`root` and its runtime requirements, recursively, in discovery order."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = _canonical(pending.pop(0))
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            print(f"warning: {name} is required but not installed", file=sys.stderr)
            continue
        seen[name] = dist
        pending.extend(_runtime_requirements(dist))
    return list(seen.values())


def _is_editable(dist: importlib.metadata.Distribution) -> bool:
    text = dist.read_text("direct_url.json")
    return bool(text) and json.loads(text).get("dir_info", {}).get("editable", False)


def _record_sizes(dist: importlib.metadata.Distribution) -> dict[pathlib.Path, int]:
    """Size of each file the RECORD lists and that exists, by resolved path."""
    sizes = {}
    for entry in dist.files or []:
        path = pathlib.Path(dist.locate_file(entry)).resolve()
        if path.is_file():
            sizes[path] = path.stat().st_size
    return sizes


def _editable_sizes(dist: importlib.metadata.Distribution) -> dict[pathlib.Path, int]:
    """What a wheel of an editable distribution would install: the files of its top-level
    packages (no __pycache__), and for each .py the .pyc pip would compile from it."""
    sizes = {}
    for package in (dist.read_text("top_level.txt") or "").split():
        spec = importlib.util.find_spec(package)
        for location in spec.submodule_search_locations or []:
            for path in pathlib.Path(location).resolve().rglob("*"):
                if "__pycache__" in path.parts or not path.is_file():
                    continue
                sizes[path] = path.stat().st_size
                if path.suffix == ".py":
                    code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
                    sizes[path.with_suffix(".pyc")] = PYC_HEADER_BYTES + len(marshal.dumps(code))
    return sizes


def directory_bytes(root: str) -> tuple[int, int]:
    """(bytes, files) under `root`: apparent sizes, symlinks neither followed nor counted."""
    total = files = 0
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                continue
            total += os.path.getsize(path)
            files += 1
    return total, files


def measure(root: str) -> dict:
    """Runs in the measured venv: the closure of `root` and the venv directory size."""
    counted: set[pathlib.Path] = set()
    packages = []
    for dist in closure(root):
        editable = _is_editable(dist)
        sizes = _editable_sizes(dist) if editable else _record_sizes(dist)
        own = {path: size for path, size in sizes.items() if path not in counted}
        counted.update(own)
        packages.append(
            {
                "name": dist.metadata["Name"],
                "version": dist.version,
                "editable": editable,
                "files": len(own),
                "bytes": sum(own.values()),
            }
        )
    venv_bytes, venv_files = directory_bytes(sys.prefix)
    return {
        "distribution": root,
        "python": sys.executable,
        "version": importlib.metadata.version(root),
        "packages": packages,
        "closure_bytes": sum(p["bytes"] for p in packages),
        "closure_files": sum(p["files"] for p in packages),
        "venv": sys.prefix,
        "venv_bytes": venv_bytes,
        "venv_files": venv_files,
    }


def run_worker(python: str, root: str) -> dict:
    """`measure(root)` run under `python` (its own venv), parsed from its JSON output."""
    command = [python, __file__, "--worker", root]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{root} worker failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(results: dict) -> None:
    header = ["distribution", "version", "packages", "files", "closure MiB", "venv MiB"]
    rows = [
        [r["distribution"], r["version"], str(len(r["packages"])), str(r["closure_files"])]
        + [f"{r['closure_bytes'] / MIB:.1f}", f"{r['venv_bytes'] / MIB:.1f}"]
        for r in (results["ndflow"], results["tensorflow"])
        if r is not None
    ]
    common.print_table(header, rows)
    for r in (results["ndflow"], results["tensorflow"]):
        if r is None:
            continue
        largest = sorted(r["packages"], key=lambda p: p["bytes"], reverse=True)[:5]
        shown = ", ".join(f"{p['name']} {p['bytes'] / MIB:.1f}" for p in largest)
        print(f"\nlargest in {r['distribution']}'s closure (MiB): {shown}")
    if results["ndflow_over_tf"] is None:
        print("\nno --tf-python: no ratio")
        return
    print(f"\nclosure ndflow/TF: {results['ndflow_over_tf']:.3f}x")
    print(f"whole venv ndflow/TF: {results['venv_ndflow_over_tf']:.3f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter of ndflow's venv")
    parser.add_argument("--tf-python", help="interpreter with TensorFlow installed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker)))
        return 0
    ndflow = run_worker(args.python, NDFLOW)
    tensorflow = run_worker(args.tf_python, TENSORFLOW) if args.tf_python else None
    results = {
        "ndflow": ndflow,
        "tensorflow": tensorflow,
        "ndflow_over_tf": common.ratio(
            ndflow["closure_bytes"], tensorflow and tensorflow["closure_bytes"]
        ),
        "venv_ndflow_over_tf": common.ratio(
            ndflow["venv_bytes"], tensorflow and tensorflow["venv_bytes"]
        ),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
