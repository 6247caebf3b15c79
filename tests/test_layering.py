"""The domain package never depends on the web package or on Flask; only kg/store imports the
store engines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path, skip_function: str | None = None) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    skipped = {
        id(inner)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef) and fn.name == skip_function
        for inner in ast.walk(fn)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_kg_never_imports_flask_or_web() -> None:
    """The one exception is `kg serve`: the command line is where the web app is started."""
    for path in (ROOT / "kg").rglob("*.py"):
        imported = _imports(path, skip_function="cmd_serve" if path.name == "cli.py" else None)
        assert not imported & {"flask", "web", "werkzeug", "flask_babel"}, path


def test_only_store_modules_import_the_engines() -> None:
    for path in [*(ROOT / "kg").rglob("*.py"), *(ROOT / "web").rglob("*.py")]:
        if path.is_relative_to(ROOT / "kg" / "store"):
            continue
        assert not _imports(path) & {"pyoxigraph", "SPARQLWrapper"}, path
