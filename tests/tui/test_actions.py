"""The action registry (tui/actions.py) is the one list of actions, and tui/ has no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

from tui.actions import ACTIONS, HELP_GROUPS, bindings, keyed_actions, palette_actions
from tui.app import GroveApp
from tui.commands import COMMANDS
from tui.keymap import all_bindings
from tui.screens.main import MainScreen
from tui.widgets.checkpoint_list import CheckpointList

TUI = Path(__file__).parents[2] / "tui"


def test_every_action_id_is_unique_and_every_scope_is_listed_somewhere() -> None:
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    in_help = {scope for _, scopes in HELP_GROUPS for scope in scopes}
    assert {a.scope for a in ACTIONS} == in_help


def test_bindings_palette_and_keys_come_from_the_registry() -> None:
    assert [b.id for b in MainScreen.BINDINGS] == [a.id for a in ACTIONS if a.scope == "main" and a.keys]  # type: ignore[union-attr]
    assert [b.id for b in GroveApp.BINDINGS] == ["app.command_palette"]  # type: ignore[union-attr]
    assert [b.id for b in CheckpointList.BINDINGS] == [b.id for b in bindings("checkpoints")]  # type: ignore[union-attr]
    assert [name for name, _, _ in COMMANDS] == [a.palette for a in palette_actions()]
    assert [b.id for _, b in all_bindings()] == [a.id for _, a in keyed_actions()]
    # A palette action runs on the main screen: it must exist there.
    for _, action, _ in COMMANDS:
        assert hasattr(MainScreen, "action_" + action.split("(")[0]), action


def _imports(path: Path) -> set[str]:
    """The tui modules `path` imports, anywhere in it (a lazy import closes a circle too)."""
    package = ".".join(path.relative_to(TUI.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names]
            found.update(n for n in [module, *names] if n.startswith("tui"))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("tui"))
    return found


def test_tui_has_no_import_circle() -> None:
    modules = {".".join(p.relative_to(TUI.parent).with_suffix("").parts): p for p in TUI.rglob("*.py")}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    graph = {name: {m for m in deps if not m.endswith("__init__")} for name, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            assert state.get(dep) != 1, " → ".join([*trail, name, dep])
            if dep not in state:
                visit(dep, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_every_binding_of_every_screen_and_widget_is_a_registry_action() -> None:
    """No screen or widget keeps a binding list of its own: each binding's id is an action's,
    so `grove keys` lists it, help shows it and config.toml can remap it."""
    import importlib
    import pkgutil

    import tui
    from textual.dom import DOMNode

    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if not info.name.endswith("__main__"):  # `python -m tui.cli` would run the CLI
            importlib.import_module(info.name)
    registry = {a.id for a in ACTIONS}
    seen = 0

    def subclasses(cls: type) -> list[type]:
        return [cls, *[s for sub in cls.__subclasses__() for s in subclasses(sub)]]

    for cls in subclasses(DOMNode):
        if not cls.__module__.startswith("tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            seen += 1
            assert getattr(binding, "id", None) in registry, f"{cls.__name__}: {binding}"
    assert seen > 50
