"""The package's layers, read from the source (every import statement, also those inside
functions): no import cycle, each layer importing only the layers below it (the store below
the file readers and the nowcast), renderers that take facts and never a store."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "ictrade"
BASE = {"ictrade.errors", "ictrade.months", "ictrade.numbers", "ictrade.progress"}  # below all


def _name(path: Path) -> str:
    parts = ["ictrade", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py")}


@cache
def imports(module: str) -> frozenset[str]:
    """The package modules ``module`` imports (a name imported from a package counts as the
    submodule of that name when there is one, else as the package)."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            if not node.level:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules() else target)
    return frozenset(m for m in found if m in modules() and m != module)


def _cycle() -> list[str] | None:
    """One import cycle among the package's modules, if any (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(imports(m)):
            if state.get(d) == 1:
                return [*path[path.index(d) :], d]
            if d not in state and (found := visit(d)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(modules()):
        if m not in state and (found := visit(m)):
            return found
    return None


def _within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_package_has_no_import_cycle():
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_the_store_imports_only_classify_and_its_own_modules():
    for m in modules():
        if _within(m, "ictrade.store"):
            bad = [d for d in imports(m) if not _within(d, "ictrade.store", "ictrade.classify")]
            assert set(bad) <= BASE, f"{m} imports {sorted(set(bad) - BASE)}"


# The layers from the bottom up (BASE below them all): a module imports its own layer's modules
# and those of the layers below, never one beside or above it. The store sits below the file
# readers, which make its lines (store/schema.py) and fetch into it.
LAYERS = [
    ["ictrade.classify"],
    ["ictrade.store"],
    ["ictrade.sources", "ictrade.engine"],
    ["ictrade.load", "ictrade.nowcast"],
    ["ictrade.stats"],
    ["ictrade.release"],
    ["ictrade.api"],  # the public functions' arguments checked (frames and the package use it)
    ["ictrade.frames"],
    ["ictrade"],  # the package itself: the library's API
    ["ictrade.web"],
    ["ictrade.cli"],
]


def _layer(module: str) -> tuple[int, str]:
    """The layer of ``module`` (its place from the bottom, its name); BASE is -1."""
    if module in BASE:
        return -1, "base"
    for n, names in enumerate(LAYERS):
        for name in names:
            if module == name or (name != "ictrade" and _within(module, name)):
                return n, name
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")


def test_each_layer_imports_only_the_layers_below_it():
    bad = []
    for m in sorted(modules()):
        level, name = _layer(m)
        for d in sorted(imports(m)):
            if _layer(d)[1] != name and _layer(d)[0] >= level:
                bad.append(f"{m} -> {d}")
    assert not bad, "\n".join(bad)


def test_renderers_take_facts_and_never_a_store():
    """The renderer table (release/renderers.py), every release module it reaches and the
    API's table of release files render from facts: none imports the store."""
    reached, todo = set(), ["ictrade.release.renderers", "ictrade.web.releases"]
    while todo:
        m = todo.pop()
        reached.add(m)
        todo += [d for d in imports(m) if _within(d, "ictrade.release") and d not in reached]
    assert "ictrade.release.page" in reached and "ictrade.release.xlsx" in reached
    for m in sorted(reached):
        bad = sorted(d for d in imports(m) if _within(d, "ictrade.store"))
        assert not bad, f"{m} imports {bad}"
