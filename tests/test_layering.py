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


#: The stages of the domain package, lowest first: a module may import its own stage and the
#: stages below it, never one above (so the stages can be read, tested and replaced bottom-up).
LAYERS: list[tuple[str, ...]] = [
    ("kg",),  # foundation: errors, terms, settings, messages, namespaces, the SPARQL lexer
    ("kg.store",),
    ("kg.authoring",),
    ("kg.sparql", "kg.views"),
    ("kg.build", "kg.exports"),
    ("kg.curation",),
    ("kg.cli",),
]


def _stage(module: str) -> int:
    best = 0
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if prefix != "kg" and (module == prefix or module.startswith(prefix + ".")):
                best = rank
    return best


def _kg_imports(path: Path) -> set[str]:
    """Every kg module ``path`` imports, also inside functions (a lazy import is still an edge)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kg."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "kg":
                found.update(f"kg.{a.name}" for a in node.names if a.name != "__version__")
            elif node.module.startswith("kg."):
                found.add(node.module)
    return found


def test_kg_imports_point_down_its_stages() -> None:
    upward = []
    for path in (ROOT / "kg").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for imported in _kg_imports(path):
            if _stage(imported) > _stage(module):
                upward.append(f"{module} → {imported}")
    assert not upward, upward


def test_the_stages_cover_every_module() -> None:
    """A new sub-package gets its place in :data:`LAYERS` (else it would pass as foundation)."""
    packages = {p.parent.name for p in (ROOT / "kg").glob("*/__init__.py")}
    named = {prefix.split(".")[1] for stage in LAYERS for prefix in stage if "." in prefix}
    assert packages <= named, packages - named
