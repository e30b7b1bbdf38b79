"""The shape of the package: no import cycle, and the entry points do not lean on each other.

The graph is built from the source with ``ast``, counting every import, also those inside functions
(a lazy import hides a cycle from the interpreter, not from a reader). ``TYPE_CHECKING`` imports count
too: they are kept out of cycles all the same, so that the types read in one direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "workers"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The modules an ``from X import a, b`` names: ``X.a`` when that is a module, else ``X``."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [f"{target}.{alias.name}" for alias in node.names] + [target]


def import_graph() -> dict[str, set[str]]:
    """module -> the ``workers`` modules it imports (anywhere in its body)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = _resolve(module, path.name == "__init__.py", node)
            else:
                continue
            edges |= {n for n in names if n in files and n != module}
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a list of modules (first == last), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def _imports_of(graph: dict[str, set[str]], prefix: str) -> dict[str, set[str]]:
    return {m: edges for m, edges in graph.items() if m == prefix or m.startswith(prefix + ".")}


def _reaching(edges: set[str], *targets: str) -> set[str]:
    return {e for e in edges if any(e == t or e.startswith(t + ".") for t in targets)}


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "workers.api.app" in graph and "workers.services.documents" in graph
    assert "workers.pool" in graph["workers.cli"]  # imported inside cmd_worker


def test_no_import_cycle() -> None:
    assert find_cycle(import_graph()) == []


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_api_does_not_import_the_command_line() -> None:
    for module, edges in _imports_of(import_graph(), "workers.api").items():
        assert not _reaching(edges, "workers.cli", "workers.commands"), module


def test_the_command_line_does_not_import_the_api_except_to_serve() -> None:
    graph = import_graph()
    for module, edges in _imports_of(graph, "workers.commands").items():
        assert not _reaching(edges, "workers.api"), module
    # ``sohoa serve`` starts the app: the one place the command line may name it
    assert _reaching(graph["workers.cli"], "workers.api") == {"workers.api.app"}


def test_services_know_nothing_of_http_or_the_command_line() -> None:
    for module, edges in _imports_of(import_graph(), "workers.services").items():
        assert not _reaching(edges, "workers.api", "workers.cli", "workers.commands"), module
    for path in (PACKAGE / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & {"fastapi", "starlette", "argparse"}, path


def test_web_pages_are_not_imported_by_the_api_routes() -> None:
    graph = import_graph()
    for module, edges in _imports_of(graph, "workers.api.routes").items():
        assert not _reaching(edges, "workers.api.web"), module
    for module, edges in _imports_of(graph, "workers.api.web").items():
        assert not _reaching(edges, "workers.api.app", "workers.api.routes"), module
