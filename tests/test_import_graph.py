"""No import circle in `store/` or `tui/` (issue 9): every module imports on its own.

Two checks. The first imports each module of both packages as the very first one of
them (everything of `store` and `tui` dropped from `sys.modules` before each), in
alphabetical order, in one fresh interpreter: a circle shows as Python's "partially
initialized module" ImportError from whichever module enters it. The second reads the
module-level imports of every file and looks for a circle among them, so a circle that
happens to import cleanly from every entry point (names looked up late) is caught too.
Imports inside functions and under `if TYPE_CHECKING:` run later or never, so they are not
edges of the graph.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("store", "tui")


def module_names() -> list[str]:
    """Every importable module of the packages, alphabetically (no `__main__`: it runs)."""
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return sorted(names)


_IMPORT_EACH_FIRST = """
import importlib, json, sys
failures = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("store", "tui")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failures[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failures))
"""


def test_every_module_imports_first_without_a_circle() -> None:
    names = module_names()
    assert "store.store" in names and "tui.cli" in names
    run = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_FIRST, json.dumps(names)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    failures = json.loads(run.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n".join(f"{name}: {why}" for name, why in failures.items())


def _module_of(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module is imported (not in a def, not TYPE_CHECKING)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            pending += node.body
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of our packages it needs at import time.

    Importing `a.b.c` also runs the packages `a` and `a.b` first; those are edges too,
    except a package the importing module lives in (it is already being imported: the
    usual `from .sibling import x` inside a package is no circle). A name taken from a
    package (`from store import Store`) always needs that package's `__init__`.
    """
    known = set(module_names())
    graph: dict[str, set[str]] = {name: set() for name in known}

    def add(source: str, target: str, *, explicit: bool) -> None:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            needed = explicit and i == len(parts)
            if prefix not in known or prefix == source:
                continue
            if not needed and source.startswith(prefix + "."):
                continue  # a package the source lives in
            graph[source].add(prefix)

    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name, is_package = _module_of(path)
            if name not in known:
                continue
            here = name if is_package else name.rpartition(".")[0]
            for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        add(name, alias.name, explicit=True)
                    continue
                base = here
                for _ in range(node.level - 1 if node.level else 0):
                    base = base.rpartition(".")[0]
                target = (base + "." + node.module if node.module else base) if node.level else (node.module or "")
                submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
                for submodule in submodules:  # `from . import moves`: the submodule itself
                    add(name, submodule, explicit=True)
                add(name, target, explicit=len(submodules) < len(node.names))
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                circle = visit(nxt)
                if circle:
                    return circle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            circle = visit(start)
            if circle:
                return circle
    return None


def test_no_circle_among_module_level_imports() -> None:
    graph = import_graph()
    assert "store.transactions.steps" in graph["store.transactions.moves"]  # the graph sees relative imports
    assert "store.store" in graph["store"]
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_find_circle_finds_one() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) is None
