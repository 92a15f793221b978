"""The package's structure: imports run down the tree, no cycles, no imports of the package hidden in functions.

Read from the source with ``ast`` (nothing is imported). Run ``python -m tests.test_structure`` to print
the import graph: modules, edges, cycles, and the package-level graph.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "ndc_scan"
#: Packages in pipeline order; a package may import those before it (and the top-level modules), never after.
LAYERS = ("read", "fetch", "passages", "store", "classify", "work", "aggregate", "report", "review", "learn", "serve",
          "cli")
#: Top-level modules, lowest first; ``pipeline`` orchestrates the stages and sits above them, below ``cli``.
BASE = ("textnorm", "errors", "defaults", "fingerprints", "taxonomy", "records")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, modules: set[str]) -> list[str]:
    """The ndc_scan modules an ``import from`` uses: each submodule it names, else the module it names them from."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("ndc_scan"):
        return []
    found = []
    for alias in node.names:
        submodule = f"{target}.{alias.name}"
        found.append(submodule if submodule in modules else target)
    return found


def import_graph() -> tuple[set[str], dict[str, set[str]], list[tuple[str, int, str]]]:
    """(modules, module-level edges, delayed package imports as (module, line, target))."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    delayed = []
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        top_level = set(id(node) for node in tree.body)
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(module, is_package, node, modules)
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names if alias.name.startswith("ndc_scan")]
            found = {t for t in targets if t in modules and t != module}
            if not found:
                continue
            if id(node) in top_level or _under_type_checking(tree, node):
                edges[module] |= found
            else:
                delayed += [(module, node.lineno, target) for target in sorted(found)]
    return modules, edges, delayed


def _under_type_checking(tree: ast.Module, node: ast.AST) -> bool:
    return any(isinstance(top, ast.If) and "TYPE_CHECKING" in ast.dump(top.test) and node in list(ast.walk(top))
               for top in tree.body)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def rank(module: str) -> tuple[int, int]:
    """Where a module sits: (layer, position) — an import must not go to a higher rank than its own layer allows."""
    parts = module.split(".")
    if len(parts) == 1:
        return (0, 0)                                   # ndc_scan itself: the package's face
    if parts[1] in BASE:
        return (0, BASE.index(parts[1]))
    if parts[1] == "pipeline":
        return (len(LAYERS), 0)                         # above every stage, below serve and cli
    if parts[1] == "serve":
        return (len(LAYERS) + 1, 0)                     # the web app: over the pipeline, like the command line
    if parts[1] == "cli":
        return (len(LAYERS) + 2, 0)
    if parts[1] == "__main__":
        return (len(LAYERS) + 3, 0)
    return (1 + LAYERS.index(parts[1]), 0)


def upward_edges(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Edges from a package to one later in LAYERS (or from a base module to a package above it)."""
    bad = []
    for source, targets in edges.items():
        for target in targets:
            if source == "ndc_scan" or source.split(".")[:2] == target.split(".")[:2]:
                continue                                # the package's face, or within one package
            if rank(target)[0] > rank(source)[0] or (rank(target)[0] == rank(source)[0] == 0
                                                        and rank(target)[1] > rank(source)[1]):
                bad.append((source, target))
    return sorted(bad)


def test_no_import_cycles():
    _, edges, _ = import_graph()
    assert cycles(edges) == []


def test_no_delayed_imports_of_the_package():
    """Only third-party libraries may be imported inside a function (heavy ones, loaded when used)."""
    _, _, delayed = import_graph()
    assert delayed == []


def test_imports_run_down_the_tree():
    _, edges, _ = import_graph()
    assert upward_edges(edges) == []


def test_every_package_is_a_stage_family_in_the_listing():
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(LAYERS), "a new package must take its place in LAYERS (and in the README's layout)"
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert top == sorted(BASE + ("pipeline",))


def _report() -> None:
    modules, edges, delayed = import_graph()
    packages: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            a, b = ".".join(source.split(".")[:2]), ".".join(target.split(".")[:2])
            if a != b:
                packages.setdefault(a, set()).add(b)
    print(f"modules: {len(modules)}; module-level import edges: {sum(map(len, edges.values()))}; "
          f"cycles: {len(cycles(edges))}; upward edges: {len(upward_edges(edges))}; "
          f"package imports inside functions: {len(delayed)}")
    for cycle in cycles(edges):
        print("  cycle:", " -> ".join(cycle))
    for module, line, target in delayed:
        print(f"  delayed: {module}:{line} imports {target}")
    print("package graph (who imports whom):")
    for source in sorted(packages):
        print(f"  {source} -> {', '.join(sorted(packages[source]))}")


if __name__ == "__main__":
    _report()
