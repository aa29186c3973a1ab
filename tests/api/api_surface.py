"""The public names ndflow claims, per namespace (shared by the API tests)."""

from __future__ import annotations

import pathlib
import types

import ndflow

GOLDEN = pathlib.Path(__file__).resolve().parent.parent / "golden" / "api" / "v1_names.txt"

# Sub-namespaces whose names are listed as "<namespace>.<name>".
NAMESPACES = (
    "nn",
    "math",
    "bitwise",
    "strings",
    "train",
    "errors",
    "compat",
    "losses",
    "random",
    "initializers",
)


def public_names(module) -> set[str]:
    return {name for name in dir(module) if not name.startswith("_")}


def current_surface() -> set[str]:
    """Every public name of `ndflow`, and of its sub-namespaces as "ns.name"."""
    surface = set()
    for name in public_names(ndflow):
        value = getattr(ndflow, name)
        if isinstance(value, types.ModuleType):
            if name not in NAMESPACES:
                continue  # ndflow's own subpackages (framework, ops...), not TF names
            surface.update(
                f"{name}.{inner}"
                for inner in public_names(value)
                if not isinstance(getattr(value, inner), types.ModuleType) or inner == "v1"
            )
        surface.add(name)
    return surface


def golden_surface() -> set[str]:
    return {line.strip() for line in GOLDEN.read_text().splitlines() if line.strip()}
