"""Writes the search index of a release: one SQLite file, built once, read by every worker.

``{folder}/search-{release id}.sqlite`` holds the use cases (titles, sort keys, facet values,
an FTS5 table of their folded words), the labels of every resource under the base (for pages,
lists and autocomplete) and the unfiltered facet counts. It is written to a temporary file and
renamed into place under a file lock, so the build and any number of web workers can ask for it
at once: the first builds it, the others wait and open the result; nobody sees half a file.

After a change of a few files, the previous release's index is copied and only the rows of
the resources whose triples changed are rewritten (:func:`stage_index`, :func:`prepare_index`);
a build makes the copy in a thread while it validates (:class:`IndexCopy`). A web worker that
finds no index for the release it serves (an older version built it, or the build was
interrupted) builds it itself.

Reading the store is done in batches of IRIs, so neither the build nor a worker ever holds the
whole corpus in memory.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from kg.errors import PublishFailed
from kg.namespaces import DCTERMS, Vocabulary
from kg.rdf import IRI, Literal
from kg.store.embedded import fsync_path
from kg.store.oxigraph import select_rows
from kg.views.describe import KINDS, LABEL_PREDICATES, PART_OF, pick
from kg.views.search import DIRECT, LANGS, PATTERN_FACET, fold, words
from kg.views.similar import keys as similar_keys

#: Bump when the tables change: files of another schema are rebuilt, never read.
SCHEMA = "5"  # 4: facets land, size, solution, platform, org, dataset; similar_key; 5: texts
#: Index files of other releases kept beside the served one (workers may still read them).
KEEP = 3
#: IRIs per query (VALUES block) when reading the store.
BATCH = 1000
#: Seconds after which a staged index no build adopted is deleted.
STALE = 24 * 3600.0

_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resource(
  id INTEGER PRIMARY KEY,
  iri TEXT NOT NULL UNIQUE,
  kind TEXT,
  ord INTEGER NOT NULL DEFAULT 0,
  labels TEXT,
  label_en TEXT, label_de TEXT,
  sort_en TEXT, sort_de TEXT
);
CREATE INDEX resource_en ON resource(kind, sort_en, iri) WHERE sort_en IS NOT NULL;
CREATE INDEX resource_de ON resource(kind, sort_de, iri) WHERE sort_de IS NOT NULL;
CREATE VIRTUAL TABLE resource_fts USING fts5(words, detail=column, prefix='2 3');
CREATE TABLE usecase(
  id INTEGER PRIMARY KEY REFERENCES resource(id),
  pattern INTEGER NOT NULL DEFAULT 0,
  titles TEXT NOT NULL,
  texts TEXT NOT NULL DEFAULT '{}',
  modified TEXT NOT NULL DEFAULT '',
  maturity INTEGER NOT NULL DEFAULT 0,
  sort_en TEXT NOT NULL,
  sort_de TEXT NOT NULL
);
CREATE INDEX usecase_title_en ON usecase(pattern, sort_en, id);
CREATE INDEX usecase_title_de ON usecase(pattern, sort_de, id);
CREATE INDEX usecase_modified_en ON usecase(pattern, modified DESC, sort_en, id);
CREATE INDEX usecase_modified_de ON usecase(pattern, modified DESC, sort_de, id);
CREATE INDEX usecase_maturity_en ON usecase(pattern, maturity DESC, sort_en, id);
CREATE INDEX usecase_maturity_de ON usecase(pattern, maturity DESC, sort_de, id);
CREATE VIRTUAL TABLE usecase_fts USING fts5(title, text, detail=column, prefix='2 3');
CREATE TABLE facet(
  name TEXT NOT NULL, value INTEGER NOT NULL, usecase INTEGER NOT NULL,
  PRIMARY KEY(name, value, usecase)
) WITHOUT ROWID;
CREATE INDEX facet_usecase ON facet(usecase, name, value);
CREATE TABLE similar_key(
  q TEXT NOT NULL, solution INTEGER NOT NULL, size INTEGER NOT NULL, usecase INTEGER NOT NULL,
  PRIMARY KEY(q, solution, size, usecase)
) WITHOUT ROWID;
CREATE INDEX similar_key_size ON similar_key(q, size, usecase);
CREATE INDEX similar_key_usecase ON similar_key(usecase);
CREATE TABLE facet_total(
  name TEXT NOT NULL, value INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(name, value)
) WITHOUT ROWID;
"""

_USECASE_IRIS = """PREFIX sckg: <{ns}>
SELECT DISTINCT ?u WHERE {{ VALUES ?c {{ sckg:UseCase sckg:UseCasePattern }} ?u a ?c }}"""
# FILTER(?p IN …), not VALUES ?p: pyoxigraph joined a VALUES block of properties with every
# statement of the batch's subjects (8 s instead of 0.3 s per 1,000 use cases). The class is
# filtered on its own, before the statements are joined: the build stores every super-class of
# a use case, and each would repeat all its statements.
_USECASES = """
PREFIX sckg: <{ns}>
SELECT ?u ?c ?p ?o WHERE {{
  VALUES ?u {{ {iris} }}
  ?u a ?c . FILTER(?c IN (sckg:UseCase, sckg:UseCasePattern))
  ?u ?p ?o . FILTER(?p IN ({props}))
}}"""
# Every place a place lies in, at any depth (a use case in Herrenberg is found under its Kreis
# and its Land as well): of every place for a whole index, of some (VALUES) for an update.
_ANCESTORS = "SELECT DISTINCT ?p ?a WHERE {{ {values} ?p <{part_of}>+ ?a }}"
# The Länder and the BBSR size class of each place (few: one row per place, not per use case).
_STATES = "PREFIX sckg: <{ns}> SELECT ?s WHERE {{ {values} ?s a sckg:State }}"
_SIZES = "PREFIX sckg: <{ns}> SELECT ?p ?c WHERE {{ {values} ?p sckg:sizeClass ?c }}"
# The organisations of a batch's stakeholder roles (the role is a node of the use case's own).
_AGENTS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?u ?o WHERE {{ VALUES ?u {{ {iris} }} ?u prov:qualifiedAttribution/prov:agent ?o }}"""
# The label's predicate written into the pattern: as a variable under FILTER, every statement
# of the store was read for each predicate (3.9 s instead of 0.6 s at 10,000 use cases).
_LABELLED = """SELECT DISTINCT ?x WHERE {{
  ?x {label} ?l . FILTER(isLiteral(?l) && isIRI(?x) && STRSTARTS(STR(?x), {base}))
}}"""
_LABELS = """
SELECT ?x ?lp ?l WHERE {{
  VALUES ?x {{ {iris} }}
  ?x ?lp ?l . FILTER(?lp IN ({labels}) && isLiteral(?l))
}}"""
_ORDER = "PREFIX sckg: <{ns}> SELECT ?x ?order WHERE {{ ?x sckg:order ?order }}"
_SUBJECTS = "SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"


# -- where the files are -----------------------------------------------------------------------
def index_folder(settings) -> Path:
    """Where the indexes live: beside the releases of an embedded store, or in the project's
    ``var/`` for a remote store."""
    if settings.is_remote:
        return settings.project / "var" / "search"
    return settings.store_path / "search"


def index_file(folder: Path, release_id: str | None) -> Path:
    return Path(folder) / f"search-{release_id or 'unreleased'}.sqlite"


# -- the build's hook and the web's --------------------------------------------------------------
def prepare_index(
    store,
    vocab: Vocabulary,
    release_id: str | None,
    folder: Path,
    *,
    previous: Path | None = None,
    changed: Iterable[str] | None = None,
    graphs: Iterable[str] | None = None,
    force: bool = False,
) -> Path:
    """Write the index of the release ``store`` serves (``release_id``) unless it exists.

    With ``previous`` (the index file of the release before) and ``changed`` (IRIs of the use
    cases and other resources whose triples changed, before or after) and/or ``graphs`` (named
    graphs of the curated files that changed), the previous index is copied and only those
    resources are read again; otherwise the whole release is read. Safe to call from several
    processes at once: one builds, the others wait for it and return the same path.
    """
    folder = Path(folder)
    path = index_file(folder, release_id)
    with _locked(folder):
        if not force and is_valid(path, vocab, release_id):
            return path
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            incremental = previous is not None and (changed is not None or graphs is not None)
            if incremental and is_valid(Path(previous), vocab):  # type: ignore[arg-type]
                shutil.copyfile(previous, tmp)  # type: ignore[arg-type]
                iris = set(changed or ()) | _subjects(store, graphs or ())
                update_file(store, vocab, tmp, iris, release_id=release_id or "")
            else:
                build_file(store, vocab, tmp, release_id=release_id or "")
            fsync_path(tmp)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        prune(folder, keep={path})
    return path


def index_release(
    settings,
    store,
    release_id: str,
    *,
    previous_release: str | None = None,
    changed: Iterable[str] | None = None,
    graphs: Iterable[str] | None = None,
) -> Path:
    """The build's hook, called right after a release is published: write its index.

    An incremental build passes the release it started from (``previous_release``) and what
    changed: the IRIs the changed and removed files defined before and define now
    (``changed``) and the named graphs of the changed files (``graphs``); a full build passes
    neither and the whole release is read.
    """
    folder = index_folder(settings)
    previous = index_file(folder, previous_release) if previous_release else None
    return prepare_index(
        store,
        settings.vocab,
        release_id,
        folder,
        previous=previous,
        changed=changed,
        graphs=graphs,
    )


def stage_index(
    rows,
    vocab: Vocabulary,
    folder: Path,
    *,
    previous: Path | None = None,
    changed: Iterable[str] | None = None,
    graphs: Iterable[str] | None = None,
    copy: IndexCopy | None = None,
) -> Path:
    """Write the index of a release that is not published yet (the build's own copy of it,
    ``rows``: see :class:`StagedRows`) to a private file; :func:`adopt_index` gives it the
    release's name once the release is published. So a worker never serves a new release
    without its index, and a remote store is not read back row by row.

    An update of the ``previous`` index starts from its copy: ``copy``, begun by the build
    earlier, or made now."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    incremental = previous is not None and (changed is not None or graphs is not None)
    if incremental and copy is None:
        copy = IndexCopy(Path(previous), folder, vocab)  # type: ignore[arg-type]
    staged = copy.result() if incremental and copy is not None else None
    if staged is not None:
        iris = set(changed or ()) | _subjects(rows, graphs or ())
        update_file(rows, vocab, staged, iris, release_id="")
        return staged
    if copy is not None:
        copy.discard()
    staged = _staged_path(folder)
    build_file(rows, vocab, staged, release_id="")
    return staged


class IndexCopy:
    """Copies the index of the release a build starts from (``previous``) to the build's staged
    file, in a thread, and flushes it to disk: an incremental build starts it first thing, so
    the copy (805 MB at 100,000 use cases, 0.3-2 s: this file system cannot share the blocks of
    a file) is made while the build validates and derives, and only the changed rows are
    written when the index step comes (:func:`stage_index`). Without a valid ``previous``
    index there is nothing to copy and the index is written whole."""

    def __init__(self, previous: Path, folder: Path, vocab: Vocabulary) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.staged = _staged_path(folder)
        self.done = False
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(previous, vocab), daemon=True)
        self.thread.start()

    def _run(self, previous: Path, vocab: Vocabulary) -> None:
        try:
            if is_valid(previous, vocab):
                shutil.copyfile(previous, self.staged)
                fsync_path(self.staged)
                self.done = True
        except OSError as exc:  # a full disk, say
            self.error = PublishFailed(f"copying the previous search index failed: {exc}")
        except BaseException as exc:  # handed to the build's thread by result()
            self.error = exc

    def result(self) -> Path | None:
        """The staged copy, or None when the previous index was not there to copy."""
        self.thread.join()
        if self.error is not None:
            self.discard()
            raise self.error
        return self.staged if self.done else None

    def discard(self) -> None:
        """Wait for the copy and delete it (a build that fails, or writes the index whole)."""
        self.thread.join()
        self.done = False
        self.staged.unlink(missing_ok=True)


def _staged_path(folder: Path) -> Path:
    return folder / f"staged-{os.getpid()}.sqlite"


def adopt_index(folder: Path, staged: Path, release_id: str, vocab: Vocabulary) -> Path:
    """Rename the staged index of a release that was just published into its place (or drop it,
    if a worker was quicker)."""
    path = index_file(Path(folder), release_id)
    with _locked(Path(folder)):
        if is_valid(path, vocab, release_id):
            staged.unlink(missing_ok=True)
            return path
        db = sqlite3.connect(staged, isolation_level=None)
        try:
            db.execute("UPDATE meta SET value = ? WHERE key = 'release'", (release_id,))
        finally:
            db.close()
        fsync_path(staged)
        os.replace(staged, path)
        prune(Path(folder), keep={path})
    return path


class StagedRows:
    """The build's own pyoxigraph copy of a release, read like a store (all the index needs is
    ``select`` without bindings)."""

    def __init__(self, local) -> None:
        self.local = local

    def select(self, query: str, bindings=None) -> list[dict]:
        if bindings:
            raise ValueError("StagedRows.select takes no bindings")
        return select_rows(self.local, query)


def ensure(
    store, vocab: Vocabulary, release_id: str | None, folder: Path, *, max_age: float | None = None
) -> Path:
    """The index of ``release_id``, built now (under the lock) if it is missing, of another
    schema, or older than ``max_age`` seconds."""
    path = index_file(folder, release_id)
    fresh = max_age is None or (path.exists() and time.time() - path.stat().st_mtime <= max_age)
    if fresh and is_valid(path, vocab, release_id):
        return path
    return prepare_index(store, vocab, release_id, folder, force=not fresh)


def is_valid(path: Path, vocab: Vocabulary, release_id: str | None = None) -> bool:
    """True when ``path`` is a complete index of this schema, base and (if given) release."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False
    wanted = {"schema": SCHEMA, "base": vocab.base}
    if release_id is not None:
        wanted["release"] = release_id
    return all(meta.get(k) == v for k, v in wanted.items())


def prune(folder: Path, keep: set[Path]) -> None:
    """Delete the indexes of all but the newest :data:`KEEP` other releases, and temporary files
    of interrupted builds (call with the lock held)."""
    files = sorted(folder.glob("search-*.sqlite"), key=_mtime, reverse=True)
    others = [p for p in files if p not in keep]
    for path in others[KEEP:]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    for tmp in folder.glob("search-*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    for staged in folder.glob("staged-*.sqlite"):  # of builds that died before publishing
        if time.time() - _mtime(staged) > STALE:
            staged.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "search.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


# -- writing ------------------------------------------------------------------------------------
def build_file(store, vocab: Vocabulary, path: Path, *, release_id: str) -> None:
    """Write a complete index of what ``store`` serves into the new file ``path``."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    db = _open(path)
    try:
        db.executescript(_TABLES)
        db.execute("BEGIN")
        writer = _Writer(db, store, vocab)
        usecases = [r["u"].value for r in store.select(_USECASE_IRIS.format(ns=vocab.ns))]
        writer.usecases(usecases)  # their titles are their labels
        labelled: set[str] = set()
        for predicate in LABEL_PREDICATES:  # one at a time: a fraction of the rows in memory
            query = _LABELLED.format(label=IRI(predicate).n3(), base=Literal(vocab.base).n3())
            rows = store.select(query)
            labelled.update(r["x"].value for r in rows if isinstance(r["x"], IRI))
            del rows
        writer.labels(sorted(labelled.difference(usecases)))
        db.execute(
            "INSERT INTO facet_total SELECT name, value, COUNT(*) FROM facet GROUP BY name, value"
        )
        _finish(db, vocab, release_id)
    finally:
        db.close()


def update_file(store, vocab: Vocabulary, path: Path, iris: set[str], *, release_id: str) -> None:
    """Rewrite, in the index file ``path``, the rows of the resources ``iris`` from ``store``."""
    db = _open(path)
    try:
        db.execute("BEGIN")
        writer = _Writer(db, store, vocab, every_place=False)
        iris = set(iris) | _placed_usecases(db, store, vocab, iris)
        touched = writer.forget(iris)
        writer.labels(i for i in sorted(iris) if i.startswith(vocab.base))
        touched |= writer.usecases(sorted(iris))
        for name, value in touched:
            db.execute("DELETE FROM facet_total WHERE name = ? AND value = ?", (name, value))
            db.execute(
                "INSERT INTO facet_total SELECT name, value, COUNT(*) FROM facet "
                "WHERE name = ? AND value = ? GROUP BY name, value",
                (name, value),
            )
        writer.drop_unused(iris, {value for _, value in touched})
        _finish(db, vocab, release_id, optimize=False)
    finally:
        db.close()


_PLACED = """
SELECT DISTINCT ?u WHERE {{ VALUES ?p {{ {iris} }} ?i <{part_of}>* ?p . ?u <{spatial}> ?i }}"""


def _placed_usecases(db: sqlite3.Connection, store, vocab: Vocabulary, iris: set[str]) -> set[str]:
    """The use cases whose place facet changes when the places among ``iris`` change: a use case
    is filed under every place its place lies in, so moving a town to another Kreis moves its
    use cases. Those the index files under the places (before) and those the store puts in them
    or in a place inside them (now)."""
    places = sorted(i for i in iris if i.startswith(vocab.entity("place", "")))
    found: set[str] = set()
    for start in range(0, len(places), 500):
        chunk = places[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            "SELECT DISTINCT u.iri FROM facet f JOIN resource p ON p.id = f.value "
            "JOIN resource u ON u.id = f.usecase "
            f"WHERE f.name IN ('place', '{PATTERN_FACET}place') AND p.iri IN ({marks})",
            chunk,
        )
        found.update(iri for (iri,) in rows)
    for batch in _batches(places):
        query = _PLACED.format(
            iris=_values(batch), part_of=vocab.term(PART_OF), spatial=DCTERMS + "spatial"
        )
        found.update(r["u"].value for r in store.select(query) if isinstance(r["u"], IRI))
    return found


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")  # a private file until it is renamed into place
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -32000")
    return db


def _finish(
    db: sqlite3.Connection, vocab: Vocabulary, release_id: str, *, optimize: bool = True
) -> None:
    """Write the metadata and commit; after a full build, also merge the FTS segments and
    gather the planner's statistics (a few changed rows change neither much)."""
    count, patterns = db.execute(
        "SELECT COUNT(*) - COALESCE(SUM(pattern), 0), COALESCE(SUM(pattern), 0) FROM usecase"
    ).fetchone()
    meta = {
        "schema": SCHEMA,
        "base": vocab.base,
        "release": release_id,
        "usecases": str(count),
        "patterns": str(patterns),
        "built": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    counts = db.execute(
        "SELECT kind, COUNT(*) FROM resource WHERE sort_en IS NOT NULL AND kind IS NOT NULL "
        "GROUP BY kind"
    )
    meta.update({f"count:{kind}": str(n) for kind, n in counts})
    db.execute("DELETE FROM meta WHERE key LIKE 'count:%'")
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
    db.execute("COMMIT")
    if optimize:
        db.execute("INSERT INTO usecase_fts(usecase_fts) VALUES ('optimize')")
        db.execute("INSERT INTO resource_fts(resource_fts) VALUES ('optimize')")
        db.execute("ANALYZE")


class _Writer:
    """Reads resources from the store in batches and writes their rows."""

    def __init__(
        self, db: sqlite3.Connection, store, vocab: Vocabulary, *, every_place: bool = True
    ) -> None:
        """``every_place``: read what the index files use cases under (the places around a
        place, the Länder, the size classes) for every place at once, as a whole index needs;
        else for the places of each batch of use cases (an update: 0.35 s less at 10,000)."""
        self.db = db
        self.store = store
        self.vocab = vocab
        self.facets = {
            _curie(vocab, curie): name for name, curies in DIRECT.items() for curie in curies
        }
        self.order: dict[str, int] = {}  # sckg:order of the few concepts that have one
        for row in store.select(_ORDER.format(ns=vocab.ns)):
            with contextlib.suppress(ValueError):
                self.order[row["x"].value] = int(row["order"].value)
        self.pattern_class = vocab.term("UseCasePattern")
        self.ancestors: dict[str, set[str]] = {}  # place → the places it lies in
        self.states: set[str] = set()
        self.sizes: dict[str, set[str]] = {}  # place → its BBSR size class
        self.known: set[str] | None = None if every_place else set()  # places read (None: all)
        if every_place:
            self._read_places(None)

    def _read_places(self, places: list[str] | None) -> None:
        """What the index files use cases under, of ``places`` (of every place when None)."""

        def values(var: str, iris: Iterable[str] | None) -> str:
            return "" if iris is None else f"VALUES ?{var} {{ {_values(iris)} }}"

        prefix = self.vocab.entity("place", "")
        query = _ANCESTORS.format(values=values("p", places), part_of=self.vocab.term(PART_OF))
        for row in self.store.select(query):
            place, outer = row["p"], row["a"]
            if isinstance(place, IRI) and isinstance(outer, IRI) and place.value.startswith(prefix):
                self.ancestors.setdefault(place.value, set()).add(outer.value)
        around = None
        if places is not None:  # the Länder among them and the places around them
            around = sorted({*places, *(a for p in places for a in self.ancestors.get(p, ()))})
        query = _STATES.format(ns=self.vocab.ns, values=values("s", around))
        self.states |= {r["s"].value for r in self.store.select(query)}
        for row in self.store.select(_SIZES.format(ns=self.vocab.ns, values=values("p", places))):
            if isinstance(row["c"], IRI):
                self.sizes.setdefault(row["p"].value, set()).add(row["c"].value)

    def _need_places(self, rows: list[dict]) -> None:
        """Read what :meth:`place_facets` needs of the places ``rows`` (of a batch of use
        cases) name, unless it is read already."""
        if self.known is None:
            return
        places = {
            row["o"].value
            for row in rows
            if self.facets.get(row["p"].value) == "place" and isinstance(row["o"], IRI)
        }
        new = sorted(places - self.known)
        self.known.update(new)
        for batch in _batches(new):
            self._read_places(batch)

    def place_facets(self, place: str) -> set[tuple[str, str]]:
        """The facet values a use case in ``place`` gets: the place and every place it lies in,
        the Länder among them, and the place's size class."""
        around = {place, *self.ancestors.get(place, ())}
        found = {("place", p) for p in around}
        found |= {("land", p) for p in around & self.states}
        found |= {("size", c) for c in self.sizes.get(place, ())}
        return found

    def kind(self, iri: str) -> str | None:
        if not iri.startswith(self.vocab.base):
            return None
        kind, sep, _ = iri[len(self.vocab.base) :].partition("/")
        return kind if sep else None

    def ids(self, iris: Iterable[str]) -> dict[str, int]:
        """Resource ids of ``iris``, adding rows for the new ones."""
        wanted = sorted(set(iris))
        self.db.executemany(
            "INSERT OR IGNORE INTO resource(iri, kind) VALUES (?, ?)",
            [(iri, self.kind(iri)) for iri in wanted],
        )
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT iri, id FROM resource WHERE iri IN ({marks})", chunk)
            found.update(rows)
        return found

    # -- labels ---------------------------------------------------------------------------------
    def labels(self, iris: Iterable[str]) -> None:
        """Labels (and ``sckg:order``) of ``iris``, read from the store in batches."""
        for batch in _batches(iris):
            query = _LABELS.format(iris=_values(batch), labels=_list(LABEL_PREDICATES))
            found: dict[str, dict[str, dict[str, str]]] = {}
            for row in self.store.select(query):
                by_lang = found.setdefault(row["x"].value, {}).setdefault(row["l"].lang or "", {})
                _keep_least(by_lang, row["lp"].value, row["l"].value)
            self._write_labels(found, {i: self.order[i] for i in batch if i in self.order})

    def _write_labels(self, found: dict, order: dict[str, int]) -> None:
        ids = self.ids(set(found) | set(order))
        rows, fts = [], []
        for iri, rid in ids.items():
            labels = {lang: _preferred(by_p) for lang, by_p in found.get(iri, {}).items()}
            shown = {lang: pick(labels, lang) for lang in LANGS} if labels else {}
            rows.append(
                (
                    order.get(iri, 0),
                    json.dumps(labels, ensure_ascii=False, sort_keys=True) if labels else None,
                    *(shown.get(lang) for lang in LANGS),
                    *(fold(shown[lang]) if labels else None for lang in LANGS),
                    rid,
                )
            )
            if labels and self.kind(iri) in KINDS:
                fts.append((rid, " ".join(sorted(set().union(*map(words, labels.values()))))))
        self.db.executemany(
            "UPDATE resource SET ord = ?, labels = ?, label_en = ?, label_de = ?, "
            "sort_en = ?, sort_de = ? WHERE id = ?",
            rows,
        )
        self.db.executemany("INSERT OR REPLACE INTO resource_fts(rowid, words) VALUES (?, ?)", fts)

    # -- use cases ------------------------------------------------------------------------------
    def usecases(self, iris: Iterable[str]) -> set[tuple[str, int]]:
        """Rows of the use cases among ``iris``; returns the (facet, value) pairs written."""
        touched: set[tuple[str, int]] = set()
        props = _list([*(DCTERMS + p for p in ("title", "description", "modified")), *self.facets])
        for batch in _batches(iris):
            query = _USECASES.format(ns=self.vocab.ns, iris=_values(batch), props=props)
            rows = self.store.select(query)
            self._need_places(rows)
            found = self._read_usecases(rows)
            for row in self.store.select(_AGENTS.format(iris=_values(batch))):
                if row["u"].value in found and isinstance(row["o"], IRI):
                    found[row["u"].value]["facets"].add(("org", row["o"].value))
            touched |= self._write_usecases(found)
        return touched

    def _read_usecases(self, rows: list[dict]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for row in rows:
            entry = found.setdefault(
                row["u"].value,
                {
                    "titles": {},
                    "texts": {},
                    "title": set(),
                    "text": set(),
                    "modified": "",
                    "facets": set(),
                    "pattern": False,
                },
            )
            entry["pattern"] |= row["c"].value == self.pattern_class
            p, o = row["p"].value, row["o"]
            if p in self.facets and isinstance(o, IRI):
                name = self.facets[p]
                if name == "place":  # a region holds the use cases of its places
                    entry["facets"] |= self.place_facets(o.value)
                else:
                    entry["facets"].add((name, o.value))
            elif isinstance(o, Literal) and p == DCTERMS + "title":
                _keep_least(entry["titles"], o.lang or "", o.value)
                entry["title"] |= words(o.value)
            elif isinstance(o, Literal) and p == DCTERMS + "description":
                _keep_least(entry["texts"], o.lang or "", o.value)
                entry["text"] |= words(o.value)
            elif isinstance(o, Literal) and p == DCTERMS + "modified":
                entry["modified"] = max(entry["modified"], o.value)
        return found

    def _write_usecases(self, found: dict[str, dict]) -> set[tuple[str, int]]:
        values = {v for entry in found.values() for _, v in entry["facets"]}
        ids = self.ids(set(found) | values)
        rows, fts, facets, similar = [], [], set(), set()
        for iri, entry in found.items():
            uid = ids[iri]
            titles = entry["titles"]
            title = {lang: pick(titles, lang) or iri.rsplit("/", 1)[-1] for lang in LANGS}
            prefix = PATTERN_FACET if entry["pattern"] else ""
            pairs = {(prefix + name, ids[v]) for name, v in entry["facets"]}
            levels = [self.order.get(v, 0) for name, v in entry["facets"] if name == "maturity"]
            rows.append(
                (
                    uid,
                    int(entry["pattern"]),
                    json.dumps(titles, ensure_ascii=False, sort_keys=True),
                    json.dumps(entry["texts"], ensure_ascii=False, sort_keys=True),
                    entry["modified"],
                    max(levels, default=0),
                    *(fold(title[lang]) for lang in LANGS),
                )
            )
            fts.append((uid, " ".join(sorted(entry["title"])), " ".join(sorted(entry["text"]))))
            facets |= {(name, value, uid) for name, value in pairs}
            similar |= {(*k, uid) for k in _similar_keys(prefix, pairs)}
        title = DCTERMS + "title"  # a use case's titles are its labels
        labels = {
            iri: {lang: {title: text} for lang, text in entry["titles"].items()}
            for iri, entry in found.items()
        }
        self._write_labels({iri: by_lang for iri, by_lang in labels.items() if by_lang}, {})
        self.db.executemany("INSERT INTO usecase VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO usecase_fts(rowid, title, text) VALUES (?, ?, ?)", fts)
        self.db.executemany("INSERT INTO facet VALUES (?, ?, ?)", sorted(facets))
        self.db.executemany("INSERT INTO similar_key VALUES (?, ?, ?, ?)", sorted(similar))
        return {(name, value) for name, value, _ in facets}

    # -- forgetting -----------------------------------------------------------------------------
    def drop_unused(self, iris: set[str], values: set[int]) -> None:
        """Delete the rows of ``iris`` and of the facet ``values`` that nothing holds any more
        (no labels, not a use case, no facet's value), as a full build would not write them:
        a deleted use case or a place no use case names any more leaves no row behind."""
        wanted = sorted(iris)
        ids = set(values)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            ids.update(
                r[0]
                for r in self.db.execute(f"SELECT id FROM resource WHERE iri IN ({marks})", chunk)
            )
        self.db.executemany(
            "DELETE FROM resource WHERE id = ?1 AND labels IS NULL AND ord = 0 "
            "AND NOT EXISTS (SELECT 1 FROM usecase WHERE id = ?1) "
            "AND NOT EXISTS (SELECT 1 FROM facet_total WHERE value = ?1)",
            [(i,) for i in sorted(ids)],
        )

    def forget(self, iris: set[str]) -> set[tuple[str, int]]:
        """Remove what the index holds about ``iris`` (their rows stay, as other rows may refer
        to them); returns the (facet, value) pairs whose counts change."""
        touched: set[tuple[str, int]] = set()
        wanted = sorted(iris)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            ids = [
                r[0]
                for r in self.db.execute(f"SELECT id FROM resource WHERE iri IN ({marks})", chunk)
            ]
            if not ids:
                continue
            id_marks = ",".join("?" * len(ids))
            touched |= set(
                self.db.execute(f"SELECT name, value FROM facet WHERE usecase IN ({id_marks})", ids)
            )
            for sql in (
                f"DELETE FROM facet WHERE usecase IN ({id_marks})",
                f"DELETE FROM similar_key WHERE usecase IN ({id_marks})",
                f"DELETE FROM usecase WHERE id IN ({id_marks})",
                f"DELETE FROM usecase_fts WHERE rowid IN ({id_marks})",
                f"DELETE FROM resource_fts WHERE rowid IN ({id_marks})",
                "UPDATE resource SET ord = 0, labels = NULL, label_en = NULL, label_de = NULL, "
                f"sort_en = NULL, sort_de = NULL WHERE id IN ({id_marks})",
            ):
                self.db.execute(sql, ids)
        return touched


def _similar_keys(prefix: str, pairs: set[tuple[str, int]]) -> set[tuple[str, int, int]]:
    """The rows of :func:`kg.views.similar.keys` for a use case's facet values."""
    values: dict[str, list[int]] = {"sector": [], "solution": [], "size": []}
    for name, value in pairs:
        short = name.removeprefix(PATTERN_FACET)
        if short in values:
            values[short].append(value)
    return set(similar_keys(prefix, values["sector"], values["solution"], values["size"]))


def _keep_least(found: dict[str, str], key: str, value: str) -> None:
    """Keep the least of the values given for ``key``: the index does not depend on the order
    in which a store returns a resource's statements (an in-memory store and the same quads on
    disk return them differently, and a full build reads one, an incremental build the other)."""
    if key not in found or value < found[key]:
        found[key] = value


def _preferred(by_predicate: dict[str, str]) -> str:
    """The label by the first of :data:`LABEL_PREDICATES` the resource has."""
    for predicate in LABEL_PREDICATES:
        if predicate in by_predicate:
            return by_predicate[predicate]
    return next(iter(by_predicate.values()))


def _curie(vocab: Vocabulary, curie: str) -> str:
    prefix, local = curie.split(":")
    return (vocab.ns if prefix == "sckg" else DCTERMS) + local


def _values(iris: Iterable[str]) -> str:
    """IRIs for a ``VALUES`` block (they come from the store or the code, and are escaped)."""
    return " ".join(IRI(i).n3() for i in iris)


def _list(iris: Iterable[str]) -> str:
    """IRIs for an ``IN (…)`` list."""
    return ", ".join(IRI(i).n3() for i in iris)


def _batches(iris: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for iri in iris:
        batch.append(iri)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _subjects(store, graphs: Iterable[str]) -> set[str]:
    """IRIs of the subjects in ``graphs`` (the changed files' graphs of the new release)."""
    found: set[str] = set()
    for batch in _batches(sorted(graphs)):
        rows = store.select(_SUBJECTS.format(graphs=_values(batch)))
        found |= {r["s"].value for r in rows if isinstance(r["s"], IRI)}
    return found
