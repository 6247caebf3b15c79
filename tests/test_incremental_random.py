"""Issue 17: an incremental build after any sequence of edits publishes what a full build of the
same files publishes.

A corpus from ``bench/generate.py`` is edited by a seeded random sequence (a use case's sectors,
its ``uses``/``produces`` references, a title of a use case or a dataset, a deleted use case, a
new one, a dataset's data model, a platform's standards, a broken file and its repair, an
organisation that loses its type and gets it back).
After each edit one project is built incrementally into one store and from scratch into another,
and both are compared: every named graph's quads (blank nodes canonicalised), the content of
the search index (its row ids replaced by the IRIs they stand for) and the findings; a failing
build fails alike and leaves the served release as it was.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_canonical_graph
from test_incremental import Twin as IncrementalTwin
from test_incremental import _findings

from kg import config
from kg.build.pipeline import BuildResult, build
from kg.store import open_store
from kg.views.searchindex import index_file, index_folder

ROOT = Path(__file__).resolve().parent.parent
#: use cases of the generated corpus: enough for shared datasets, flows and every sector pair
USE_CASES = 150
#: random edits after the cold build (each is built both ways)
EDITS = 15
SEED = 17


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


# -- what is compared --------------------------------------------------------------------------
def dataset(settings: config.Settings) -> dict[str, frozenset]:
    """Every named graph of the served release; a graph with blank nodes in canonical form."""
    graphs: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in open_store(settings).quads():
        graphs[str(quad.graph_name)].append(quad)
    return {name: _canonical(quads) for name, quads in graphs.items()}


def _canonical(quads: list[ox.Quad]) -> frozenset:
    lines = [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads]
    if not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        return frozenset(lines)
    graph = rdflib.Graph()
    graph.parse(data="".join(lines), format="nt")
    return frozenset(to_canonical_graph(graph))


#: columns holding a row id of ``resource`` (replaced by its IRI before comparing)
_ID_COLUMNS = {
    "resource": {"id"},
    "resource_fts": {"rowid"},
    "usecase": {"id"},
    "usecase_fts": {"rowid"},
    "facet": {"value", "usecase"},
    # q: a prefix and ids joined by commas; solution and size 0: none
    "similar_key": {"q", "solution", "size", "usecase"},
    "facet_total": {"value"},
}


def search_index(settings: config.Settings) -> dict[str, frozenset]:
    """The rows of every table of the served release's search index, ids as IRIs."""
    release = open_store(settings).release()
    path = index_file(index_folder(settings), release.id)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        iris = dict(db.execute("SELECT id, iri FROM resource"))
        tables = {}
        for table, ids in _ID_COLUMNS.items():
            columns = "rowid AS rowid, *" if "rowid" in ids else "*"  # fts5: rows by rowid
            cursor = db.execute(f"SELECT {columns} FROM {table}")
            names = [d[0] for d in cursor.description]
            tables[table] = frozenset(
                tuple(
                    _iri(iris, value) if name in ids else value
                    for name, value in zip(names, row, strict=True)
                )
                for row in cursor
            )
        return tables
    finally:
        db.close()


def _iri(iris: dict[int, str], value: object) -> object:
    if isinstance(value, str):  # a key of row ids (kg.views.similar.key)
        prefix, _, ids = value.rpartition(":")
        return prefix, frozenset(_iri(iris, int(part)) for part in ids.split(",") if part)
    if value == 0:
        return 0
    return iris.get(value, ("missing id", value))


class Twin(IncrementalTwin):
    """:class:`test_incremental.Twin`, compared graph by graph and with the search index."""

    def same(self, modes: tuple[str, ...] = ("incremental", "unchanged")) -> BuildResult:
        """Build both ways and compare (a file broken and repaired is unchanged again)."""
        result = build(self.incremental)
        assert result.mode in modes
        reference = build(self.full, full=True)
        got, want = dataset(self.incremental), dataset(self.full)
        assert got.keys() == want.keys()
        for graph in sorted(want, key=lambda g: g.endswith("/void>")):  # VoID counts the rest
            extra, missing = got[graph] - want[graph], want[graph] - got[graph]
            assert not extra and not missing, (
                f"graph {graph} differs: {len(extra)} extra, e.g. {sorted(extra)[:3]}; "
                f"{len(missing)} missing, e.g. {sorted(missing)[:3]}"
            )
        got, want = search_index(self.incremental), search_index(self.full)
        for table in want:
            assert got[table] == want[table], f"search index table {table} differs"
        assert _findings(result.report) == _findings(reference.report)
        assert result.report.files == reference.report.files
        assert result.release.meta["files"] == reference.release.meta["files"]
        assert result.release.quads == reference.release.quads  # the size the build gave
        return result


# -- the edits ---------------------------------------------------------------------------------
class Editor:
    """Random edits of a generated project, in the generator's own line format."""

    def __init__(self, project: Path, rng: random.Random, sectors: list[str]) -> None:
        self.project = project
        self.rng = rng
        self.sectors = sectors
        self.counter = 0

    @property
    def usecases(self) -> list[Path]:
        return sorted((self.project / "usecases").glob("*.yaml"))

    def shared(self, stem: str) -> Path:
        return self.project / "usecases" / "shared" / f"{stem}.yaml"

    def datasets(self) -> list[str]:
        text = self.shared("datasets").read_text(encoding="utf-8")
        return re.findall(r"^  - id: dataset/(\S+)$", text, flags=re.M)

    def pick(self) -> Path:
        return self.rng.choice(self.usecases)

    @staticmethod
    def _set_list(path: Path, key: str, items: list[str]) -> None:
        text = path.read_text(encoding="utf-8")
        line = f"{key}: [{', '.join(items)}]\n" if items else ""
        pattern = re.compile(rf"^{key}: \[.*\]\n", flags=re.M)
        if pattern.search(text):
            text = pattern.sub(lambda _: line, text, count=1)
        else:  # after the curation status, which every generated use case has
            text = re.sub(r"^(curationStatus: .*\n)", lambda m: m.group(1) + line, text, flags=re.M)
        path.write_text(text, encoding="utf-8")

    @staticmethod
    def _list(path: Path, key: str) -> list[str]:
        found = re.search(rf"^{key}: \[(.*)\]$", path.read_text(encoding="utf-8"), flags=re.M)
        return [i.strip() for i in found.group(1).split(",")] if found else []

    def _taken(self, path: Path) -> set[str]:
        """The datasets a use case uses or produces: using what it produces is refused."""
        return {*self._list(path, "uses"), *self._list(path, "produces")}

    def sector(self) -> None:
        path = self.pick()
        self._set_list(path, "sectors", self.rng.sample(self.sectors, self.rng.randint(1, 3)))

    def add_use(self) -> None:
        path = self.pick()
        uses, taken = self._list(path, "uses"), self._taken(path)
        uses.append(self.rng.choice([d for d in self.datasets() if d not in taken]))
        self._set_list(path, "uses", uses)

    def remove_reference(self) -> None:
        candidates = [
            (p, key) for p in self.usecases for key in ("uses", "produces") if self._list(p, key)
        ]
        path, key = self.rng.choice(candidates)
        items = self._list(path, key)
        items.remove(self.rng.choice(items))
        self._set_list(path, key, items)

    def _replace_line(self, stem: str, key: str, choose: Callable[[list[str]], str]) -> None:
        """Give one ``    key: …`` line of a shared file a new value chosen from the values
        such lines hold (valid codes only)."""
        path = self.shared(stem)
        text = path.read_text(encoding="utf-8")
        lines = re.findall(rf"^    {key}: (.*)$", text, flags=re.M)
        old = self.rng.choice(sorted(set(lines)))
        new = choose(sorted(set(lines)))
        text = text.replace(f"    {key}: {old}\n", f"    {key}: {new}\n", 1)
        path.write_text(text, encoding="utf-8")

    def remodel(self) -> None:
        """Another data model for a dataset (a model may stop being named, another start)."""
        self._replace_line("datasets", "dataModel", self.rng.choice)

    def restandard(self) -> None:
        """Other standards for a platform (the MIMs it implements follow)."""

        def standards(lines: list[str]) -> str:
            known = sorted({c.strip() for line in lines for c in line.strip("[]").split(",")})
            return f"[{', '.join(self.rng.sample(known, self.rng.randint(1, 3)))}]"

        self._replace_line("platforms", "standards", standards)

    def add_produces(self) -> None:
        path = self.pick()
        produces, taken = self._list(path, "produces"), self._taken(path)
        produces.append(self.rng.choice([d for d in self.datasets() if d not in taken]))
        self._set_list(path, "produces", produces)

    def retitle(self) -> None:
        path = self.pick()
        self.counter += 1
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^(  en: ".*)"$', rf'\1 ({self.counter})"', text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")

    def retitle_dataset(self) -> None:
        path = self.shared("datasets")
        self.counter += 1
        text = path.read_text(encoding="utf-8")
        titles = list(re.finditer(r"^    title: \{de: (\".*?\"), en", text, flags=re.M))
        found = self.rng.choice(titles)
        new = f'"Neuer Titel {self.counter}"'
        text = text[: found.start(1)] + new + text[found.end(1) :]
        path.write_text(text, encoding="utf-8")

    def delete(self) -> None:
        """A use case no other one took its solution from (``transferFrom``): deleting one that
        is named there is a Violation, not an edit the builds must agree on."""
        named = {
            f"{item.removeprefix('usecase/')}.yaml"
            for path in self.usecases
            for item in self._list(path, "transferFrom")
        }
        self.rng.choice([p for p in self.usecases if p.name not in named]).unlink()

    def add(self) -> None:
        source = self.pick()
        self.counter += 1
        slug = f"added-use-case-{self.counter}"
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"^id: usecase/\S+$", f"id: usecase/{slug}", text, count=1, flags=re.M)
        (self.project / "usecases" / f"{slug}.yaml").write_text(text, encoding="utf-8")


def _break_syntax(twin: Twin, editor: Editor) -> None:
    path = editor.pick()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("type: UseCase", "type: UseCase\nmaturity: [unclosed", 1))
    assert any(f[0] == "Violation" and f[1].endswith(path.name) for f in twin.fails_alike())
    path.write_text(text, encoding="utf-8")


def _untype_stakeholder(twin: Twin, editor: Editor) -> None:
    """An organisation a use case names as stakeholder loses its type: the use case (in an
    unchanged file) is validated again and its finding sits at the stakeholder's line."""
    cases = [p for p in editor.usecases if "  - organization: " in p.read_text("utf-8")]
    case = editor.rng.choice(cases)
    org = re.search(r"^  - organization: (\S+)$", case.read_text("utf-8"), flags=re.M).group(1)
    path = editor.shared("organisations")
    text = path.read_text(encoding="utf-8")
    entry = f"  - id: org/{org}\n    type: Organization\n"
    assert entry in text
    path.write_text(text.replace(entry, f"  - id: org/{org}\n"), encoding="utf-8")
    name = f"usecases/{case.name}"
    assert any(f[0] == "Violation" and f[1] == name for f in twin.fails_alike())
    path.write_text(text, encoding="utf-8")


def plan(rng: random.Random, editor: Editor, twin: Twin) -> list[tuple[str, Callable[[], None]]]:
    """Every kind of edit once, then random ones, in a seeded order."""
    kinds: dict[str, Callable[[], None]] = {
        "sector": editor.sector,
        "add use": editor.add_use,
        "remove reference": editor.remove_reference,
        "add produces": editor.add_produces,
        "retitle": editor.retitle,
        "retitle dataset": editor.retitle_dataset,
        "delete": editor.delete,
        "add": editor.add,
        "remodel dataset": editor.remodel,
        "restandard platform": editor.restandard,
        "break syntax": lambda: _break_syntax(twin, editor),
        "untype stakeholder": lambda: _untype_stakeholder(twin, editor),
    }
    names = list(kinds)
    names += rng.choices(names[:10], k=max(0, EDITS - len(names)))
    rng.shuffle(names)
    return [(name, kinds[name]) for name in names]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("random-edits")
    generator = _generator()
    assert generator.main([str(USE_CASES), "--seed", str(SEED), "--out", str(out)]) == 0
    return out, generator.SECTORS


@pytest.mark.slow
def test_random_edits_build_incrementally_as_a_full_build(generated, tmp_path: Path) -> None:
    project, sectors = generated
    twin = Twin(project, tmp_path / "stores")
    twin.same(modes=("full",))
    rng = random.Random(SEED)
    editor = Editor(project, rng, [s for s in sectors])
    done, modes = [], []
    for name, edit in plan(rng, editor, twin):
        edit()
        done.append(name)
        try:
            result = twin.same()
        except AssertionError as exc:  # say which edit of the sequence broke the equality
            raise AssertionError(f"after edits {done}: {exc}") from exc
        assert result.validated < result.report.files
        modes.append(result.mode)
    # only a broken file's repair restores what the last published build read
    assert modes.count("incremental") >= len(modes) - 2, list(zip(done, modes, strict=True))
