"""Checks that ndflow's imports follow the layers of ARCHITECTURE.md and form no cycle.

Every `ndflow/**/*.py` is parsed with `ast`; every import counts, at any depth (function-local and
`if TYPE_CHECKING:` imports included). Exits 1 and prints `path:line: message` for each violation:

- an import of a higher layer, or of a same-layer package not in PEER_IMPORTS;
- inside an ordered package (MODULE_ORDER), an import of a later entry;
- a top-level package, or an entry of an ordered package, missing from the tables below;
- an import of a module in FORBIDDEN_IMPORTS (TensorFlow itself must never be needed);
- an import cycle among ndflow modules (the cycle path is printed).

Usage: python tools/check_layers.py [--root REPO_ROOT]
"""

from __future__ import annotations

import argparse
import ast
import collections
import pathlib
import sys
import warnings
from dataclasses import dataclass

# Layer of each top-level package under ndflow/ ("" is ndflow/__init__.py itself).
TOP = 6
PACKAGE_LAYERS = {
    "proto": 0,
    "framework": 1,
    "formats": 1,
    "ops": 2,
    "runtime": 3,
    "autodiff": 4,
    "train": 4,
    "data": 4,
    "layers": 4,
    "feature_column": 4,
    "saved_model": 4,
    "summary": 4,
    "profiler": 4,
    "estimator": 4,
    "serving": 5,
    "cli": 5,
    "": TOP,
    "api": TOP,
    "compat": TOP,
    "lookup": TOP,  # ndflow/lookup.py: the tf.lookup namespace, re-exports only
    "client": TOP,  # ndflow/client: tensorflow.python.client module paths, re-exports only
}

LAYER_4 = tuple(name for name, layer in PACKAGE_LAYERS.items() if layer == 4)

# Allowed imports between different packages of the same layer:
# {importer: {imported package: None (any module) or the entries it may import}}.
PEER_IMPORTS: dict[str, dict[str, frozenset[str] | None]] = {
    "formats": {"framework": frozenset({"errors", "dtypes"})},
    # Hooks write summaries and Chrome traces; summary and profiler do not import train.
    "train": {"autodiff": None, "summary": None, "profiler": None},
    "saved_model": {"train": None, "autodiff": None},
    # embedding columns' ckpt_to_load_from initializes tables with init_from_checkpoint.
    "feature_column": {"layers": None, "train": frozenset({"checkpoint_utils"})},
    "estimator": {name: None for name in LAYER_4 if name != "estimator"},
    "cli": {"serving": None},
}

# Import order inside a package: an entry (a module, or a subpackage such as `ops/math/`)
# imports only earlier entries. The package's own __init__ counts as after every entry.
MODULE_ORDER = {
    "framework": (
        "versions",
        "errors",
        "resource_handle",
        "string_coding",
        "nest",
        "dtypes",
        "tensor_shape",
        "op_def",
        "registry",
        "shape_errors",
        "device",
        "tensor_util",
        "attr_value",
        "operation",
        "graph",
        "indexed_slices",
        "op_builder",
        "sparse_tensor",
        "tensor_spec",
        "function",
        "graph_def",
        "graph_util",
        "proto_functions",
        "meta_graph",
        "behavior",
    ),
    "ops": (
        "elementwise",
        "array",
        "math",
        # Strings need only array and math; before sparse, whose SparseCross kernels hash
        # features with string's FarmHash/SipHash functions.
        "string",
        # After math (its builders and gradients use Cast, Sum, MatMul); before nn, whose
        # embedding lookups and sampled losses build sparse ops.
        "sparse",
        # tf.sets (SetSize and the set operations); the ranking metrics build on them.
        "sets",
        "random",
        "nn",
        "initializers",
        "state",
        "variable_scope",
        "control_flow",
        "functional",
        "script",
        # After control flow: tf.linalg's composites (expm, lstsq) build while loops and conds.
        "linalg",
        "lookup",
        "parsing",
        "io",
        "image",
        "data",
        "summary",
        "queue",
        "clip",
        # tf.math.confusion_matrix and remove_squeezable_dimensions, shared by losses and metrics.
        "confusion_matrix",
        "losses",
        # tf.metrics: streaming metrics as local variables and update ops (after losses).
        "metrics",
        "training",
    ),
    "runtime": (
        "memory",
        "blas_threads",
        "resources",
        "kernel_context",
        "rewrites",
        "plan",
        "executor",
        "functions",
        "session",
    ),
}

# Third-party top-level modules that no ndflow module may import.
FORBIDDEN_IMPORTS = ("tensorflow", "tensorflow_serving", "tensorboard")

PACKAGE_ROOT = "ndflow"


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # dotted module name, resolved as far as the tree allows


@dataclass(frozen=True)
class Unit:
    """Where a module sits: its top-level package, that package's layer, its entry in it."""

    package: str
    layer: int | None
    entry: str


def module_name(relative: pathlib.PurePath) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """Maps each module name under ndflow/ to its file."""
    files = sorted((root / PACKAGE_ROOT).rglob("*.py"))
    return {module_name(path.relative_to(root)): path for path in files}


def known_names(modules: dict[str, pathlib.Path]) -> set[str]:
    """Module names plus every enclosing package (namespace packages have no file)."""
    names = set()
    for name in modules:
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return names


def classify(module: str) -> Unit:
    parts = module.split(".")
    package = parts[1] if len(parts) > 1 else ""
    entry = parts[2] if len(parts) > 2 else "__init__"
    return Unit(package, PACKAGE_LAYERS.get(package), entry)


def resolve(name: str, known: set[str]) -> str:
    """The longest known module that `name` denotes, or `name` when the tree lacks it."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return name


def absolute_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def import_targets(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [resolve(alias.name, known) for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = absolute_base(node, module, is_package)
    targets = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        targets.append(submodule if submodule in known else resolve(base, known))
    return targets


def parse_imports(path: pathlib.Path, module: str, known: set[str]) -> list[Import]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        tree = ast.parse(path.read_bytes(), filename=str(path))
    is_package = path.name == "__init__.py"
    imports = []
    for node in ast.walk(tree):
        for target in import_targets(node, module, is_package, known):
            imports.append(Import(node.lineno, target))
    return sorted(imports, key=lambda item: (item.line, item.target))


def describe(module: str, unit: Unit) -> str:
    if unit.layer == TOP:
        return f"{module} (top)"
    return f"{module} (layer {unit.layer}, {unit.package})"


def check_order(src: Unit, dst: Unit) -> str | None:
    order = MODULE_ORDER.get(src.package)
    if order is None or src.entry == dst.entry:
        return None
    rank = {entry: index for index, entry in enumerate(order)}
    rank["__init__"] = len(order)
    if dst.entry not in rank or src.entry not in rank:
        return None  # reported once as an unknown entry
    if rank[dst.entry] < rank[src.entry]:
        return None
    return f"imports a later entry of {src.package}/ (order: {', '.join(order)})"


def check_peer(src: Unit, dst: Unit) -> str | None:
    allowed = PEER_IMPORTS.get(src.package, {})
    if dst.package not in allowed:
        return f"same-layer import not in PEER_IMPORTS ({src.package} -> {dst.package})"
    entries = allowed[dst.package]
    if entries is None or dst.entry in entries:
        return None
    return f"{src.package}/ may import only {', '.join(sorted(entries))} from {dst.package}/"


def check_edge(src_module: str, dst_module: str) -> str | None:
    """Why importing `dst_module` from `src_module` breaks the layering, or None."""
    src, dst = classify(src_module), classify(dst_module)
    if src.layer is None or dst.layer is None or src.layer == TOP:
        return None
    if src.package == dst.package:
        reason = check_order(src, dst)
    elif dst.layer > src.layer:
        reason = "upward import"
    elif dst.layer == src.layer:
        reason = check_peer(src, dst)
    else:
        return None
    if reason is None:
        return None
    return f"{reason}: {describe(src_module, src)} imports {describe(dst_module, dst)}"


def forbidden(target: str) -> bool:
    return target.split(".")[0] in FORBIDDEN_IMPORTS


def unknown_names(modules: dict[str, pathlib.Path], root: pathlib.Path) -> list[Violation]:
    """One violation per package or ordered entry that the tables above do not list."""
    seen: dict[str, Violation] = {}
    for module, path in modules.items():
        unit = classify(module)
        relative = path.relative_to(root).as_posix()
        if unit.layer is None:
            message = f"unknown package ndflow/{unit.package}, add it to the layer table"
            seen.setdefault(unit.package, Violation(relative, 1, message))
            continue
        order = MODULE_ORDER.get(unit.package, ())
        if order and unit.entry != "__init__" and unit.entry not in order:
            key = f"{unit.package}/{unit.entry}"
            message = f"unknown entry {key}, add it to MODULE_ORDER['{unit.package}']"
            seen.setdefault(key, Violation(relative, 1, message))
    return list(seen.values())


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    components.append(pop_component(node, stack, on_stack))
                continue
            if child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return [sorted(component) for component in components if len(component) > 1]


def pop_component(node: str, stack: list[str], on_stack: set[str]) -> list[str]:
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == node:
            return component


def shortest_cycle(graph: dict[str, set[str]], start: str, members: set[str]) -> list[str]:
    """The shortest path start -> ... -> start inside one strongly connected component."""
    parents: dict[str, str] = {}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if child not in parents:
                parents[child] = node
                queue.append(child)
    raise ValueError(f"{start} is not on a cycle")


def check(root: pathlib.Path) -> list[Violation]:
    """All violations in the tree at `root` (the directory that holds ndflow/)."""
    modules = discover(root)
    known = known_names(modules)
    violations = unknown_names(modules, root)
    graph: dict[str, set[str]] = {module: set() for module in modules}
    first_line: dict[tuple[str, str], int] = {}
    for module, path in modules.items():
        relative = path.relative_to(root).as_posix()
        try:
            imports = parse_imports(path, module, known)
        except SyntaxError as error:
            violations.append(Violation(relative, error.lineno or 1, f"cannot parse: {error.msg}"))
            continue
        for item in imports:
            violations.extend(check_import(relative, module, item))
            if item.target in modules and item.target != module:
                graph[module].add(item.target)
                first_line.setdefault((module, item.target), item.line)
    violations.extend(cycle_violations(graph, first_line, modules, root))
    return sorted(set(violations))


def check_import(relative: str, module: str, item: Import) -> list[Violation]:
    if forbidden(item.target):
        message = f"{module} imports {item.target}; ndflow must never import TensorFlow"
        return [Violation(relative, item.line, message)]
    if not item.target.startswith(PACKAGE_ROOT + ".") and item.target != PACKAGE_ROOT:
        return []
    reason = check_edge(module, item.target)
    return [] if reason is None else [Violation(relative, item.line, reason)]


def cycle_violations(
    graph: dict[str, set[str]],
    first_line: dict[tuple[str, str], int],
    modules: dict[str, pathlib.Path],
    root: pathlib.Path,
) -> list[Violation]:
    violations = []
    for component in strongly_connected(graph):
        cycle = shortest_cycle(graph, component[0], set(component))
        path = modules[cycle[0]].relative_to(root).as_posix()
        line = first_line[(cycle[0], cycle[1])]
        violations.append(Violation(path, line, "import cycle: " + " -> ".join(cycle)))
    return violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--root", type=pathlib.Path, default=default_root)
    args = parser.parse_args(argv)
    violations = check(args.root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"check_layers: {len(violations)} violation(s); see ARCHITECTURE.md 'Layers'.")
        return 1
    print(f"check_layers: OK ({len(discover(args.root))} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
