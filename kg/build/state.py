"""What the last successful build did, so the next one redoes only what a change affects.

The build keeps, beside the store (``<work>/state/``):

* ``manifest.sqlite`` — per curated file its content hash, size and modification time, the
  identifiers it defines and those it only adds fields to (with their lines), and the warnings
  it was published with; and the
  key of everything else the build depends on (the ontology and shapes, the base IRI, the
  reasoning mode, this module's version). A different key means a full build. It is a SQLite
  database so that an incremental build reads and writes the rows it needs (the stamps of
  every file, the rows of the changed ones) instead of the whole manifest: at 10,000 use
  cases a pickle of it took 0.3 s to load and 0.25 s to save.
* ``graph-<id>/`` — a pyoxigraph store holding the curated graphs of that build (one per
  curated file) and the ontology graph. It is the index the next build asks what the unchanged
  files say (which entities point at a changed one, what type a referenced entity has) instead
  of parsing 100,000 files again, and what its validation reads: a build takes a checkpoint of
  it (RocksDB hard links, so nearly free) and replaces the named graphs of the changed files in
  the copy.
* ``graph-<id>/`` (a second one, :attr:`Manifest.full`) — the whole release of that build: the
  same graphs and the derived ones. The next build takes a checkpoint of it, applies the same
  change of the curated graphs, maintains the derived graphs in place (:mod:`kg.build.maintain`)
  and publishes the copy. It is kept apart so that validation never sees what was derived
  (an inferred type would satisfy a shape the curated files do not).

A build that fails deletes its copy; the manifest and the store it names are replaced only after
the new release is published, so the state always describes the last published build: a full
build writes a new database and renames it over the old one, an incremental one changes its
rows in one transaction. A manifest that cannot be read (corrupt, of another version) means a
full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import shutil
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from stat import S_ISREG

from kg import __version__
from kg.authoring.sources import SourceFile, discover_names, read_regular, relative_path, unlinked
from kg.build.derive import rules_digest
from kg.report import Finding, Report
from kg.store.oxigraph import open_staging

#: Bump when what the state holds, or how a build uses it, changes.
STATE_VERSION = "6"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL
);
CREATE TABLE defines (iri TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL);
CREATE INDEX defines_iri ON defines (iri);
CREATE INDEX defines_path ON defines (path);
CREATE TABLE adds (iri TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL);
CREATE INDEX adds_path ON adds (path);
CREATE TABLE findings (path TEXT PRIMARY KEY, rows BLOB NOT NULL);
"""

#: Rows per ``IN (…)`` list (SQLite allows 32,766 variables; keep well below).
_CHUNK = 500


class StateUnreadable(Exception):
    """The manifest could not be read in the middle of a build (the next is a full one)."""


@dataclass
class FileRecord:
    """What the state remembers of one curated file."""

    digest: str
    size: int
    mtime_ns: int
    defines: dict[str, int] = field(default_factory=dict)
    #: identifiers it only adds fields to (entries without ``type``), with their lines: such an
    #: addition becomes a Violation when the file that defined its identifier drops it
    adds: dict[str, int] = field(default_factory=dict)
    #: findings below Violation (a published build has no Violations), reported again as long
    #: as nothing the file's validation reads has changed
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Stamp:
    """How the state tells that a curated file is unchanged: its hash, size and mtime."""

    digest: str
    size: int
    mtime_ns: int


@dataclass
class Manifest:
    """The last build's manifest: its key, stores and the :class:`Stamp` of every file; the
    rest (what each file defines and adds, its findings) is asked of the database."""

    key: str
    graph: str  #: folder name of the state's store, inside the state folder
    release: str  #: id of the release this build published
    files: dict[str, Stamp]
    full: str = ""  #: folder name of the store holding the whole release (derived graphs too)
    db: Path | None = None  #: the manifest's database

    def defines_of(self, paths: Iterable[str]) -> dict[str, int]:
        """The identifiers the files ``paths`` define, with their lines."""
        return {iri: line for iri, _, line in self._rows("defines", "path", paths)}

    def defined_where(self, iris: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        """(identifier, file, line) for each file defining one of ``iris``."""
        return self._rows("defines", "iri", iris)

    def additions(self) -> dict[str, dict[str, int]]:
        """Per file, the identifiers it only adds fields to, with their lines."""
        found: dict[str, dict[str, int]] = {}
        for iri, path, line in self._query("SELECT iri, path, line FROM adds ORDER BY rowid"):
            found.setdefault(path, {})[iri] = line
        return found

    def kept(self, paths: Iterable[str] | None = None) -> KeptFindings:
        """The findings kept for each file (of ``paths``, or of every file), read but not yet
        made into findings (:class:`KeptFindings`)."""
        if paths is None:
            rows = self._query("SELECT path, rows FROM findings ORDER BY rowid")
        else:
            rows = list(self._rows("findings", "path", paths, "path, rows"))
        return KeptFindings(rows, self.db)

    def _rows(self, table: str, column: str, values: Iterable[str], what: str = "iri, path, line"):
        wanted = sorted(set(values))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._query(
                f"SELECT {what} FROM {table} WHERE {column} IN ({marks}) ORDER BY rowid", chunk
            )

    def _query(self, sql: str, args: Iterable = ()) -> list[tuple]:
        try:
            with contextlib.closing(_connect(self.db)) as db:
                return db.execute(sql, tuple(args)).fetchall()
        except (sqlite3.Error, TypeError, ValueError) as exc:
            raise StateUnreadable(f"{self.db}: {exc}") from exc


class KeptFindings:
    """The findings the state kept, one row per file that has some, marshalled as tuples.

    About 400,000 at 100,000 generated use cases, in about 140 shared files, nearly all saying
    one of a few messages. Every row is decoded and its messages read when this is made (so a
    broken row fails the build at once); findings are made only for the files
    asked for (:meth:`of`, :meth:`load`): a build after one edit needs them for the few files it
    validated again, and only counts the others (:meth:`counts`).
    """

    def __init__(self, rows: Iterable[tuple[str, bytes]], db: Path | None = None) -> None:
        self._rows: dict[str, list[tuple]] = {}
        self._messages: dict[str, dict[str, str]] = {}
        try:
            for path, blob in rows:
                found = self._rows[path] = marshal.loads(blob)
                if set(map(len, found)) - {8}:
                    raise ValueError(f"a finding of {path} is not of the kept form")
                for text in set(map(itemgetter(2), found)) - self._messages.keys():
                    self._messages[text] = json.loads(text)
        except (EOFError, TypeError, ValueError, IndexError) as exc:  # another Python's marshal
            raise StateUnreadable(f"{db}: {exc}") from exc

    @property
    def paths(self) -> list[str]:
        return list(self._rows)

    def __contains__(self, path: object) -> bool:
        return path in self._rows

    def of(self, path: str) -> list[Finding]:
        """The findings kept for the file ``path`` (none: an empty list)."""
        messages = self._messages
        return [
            Finding(severity, path, line, messages[text], name, value, column, code, focus)
            for severity, line, text, name, value, column, code, focus in self._rows.get(path, ())
        ]

    def load(self, paths: Iterable[str]) -> Iterator[Finding]:
        for path in paths:
            yield from self.of(path)

    def defer_to(self, report: Report, paths: list[str]) -> None:
        """Add the findings of the files ``paths`` to ``report``: counted now, made when the
        report's list is read."""
        report.defer(self.counts(paths), partial(self.load, paths))

    def counts(self, paths: Iterable[str]) -> Counter[str]:
        """How many findings of each severity the files ``paths`` have."""
        counts: Counter[str] = Counter()
        for path in paths:
            counts.update(map(itemgetter(0), self._rows.get(path, ())))
        return counts


@dataclass
class Delta:
    """How the curated files differ from the state."""

    changed: list[Path]  #: new or modified files, absolute
    removed: list[str]  #: relative paths of files that are gone
    unchanged: dict[str, Stamp]
    #: unchanged files whose modification time differs from the recorded one
    touched: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.changed and not self.removed


def state_key(ontology_digest: str, base: str, no_reason: bool) -> str:
    """Everything besides the curated files that a build's result depends on."""
    rules = rules_digest()
    text = "\n".join([STATE_VERSION, __version__, ontology_digest, rules, base, str(no_reason)])
    return hashlib.sha256(text.encode()).hexdigest()


class BuildState:
    """The state folder of one project: its manifest and its store."""

    def __init__(self, folder: Path, project: Path) -> None:
        self.folder = Path(folder)
        self.project = Path(project).resolve()  # paths below it are cut to their relative part

    @property
    def manifest_file(self) -> Path:
        return self.folder / "manifest.sqlite"

    def load(self, key: str) -> Manifest | None:
        """The manifest of the last build, or None when there is none usable for ``key``: its
        key, its stores and every file's stamp (what :meth:`delta` compares)."""
        if not self.manifest_file.is_file():
            return None
        try:
            with contextlib.closing(_connect(self.manifest_file)) as db:
                meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
                if meta.get("version") != STATE_VERSION or meta.get("key") != key:
                    return None
                rows = db.execute("SELECT path, digest, size, mtime_ns FROM files").fetchall()
            files = {path: Stamp(digest, size, mtime) for path, digest, size, mtime in rows}
            manifest = Manifest(
                key, meta["graph"], meta["release"], files, meta["full"], self.manifest_file
            )
        except (sqlite3.Error, KeyError, TypeError, ValueError):
            return None
        folders = (manifest.graph, manifest.full)
        if not all(folders) or not all((self.folder / f).is_dir() for f in folders):
            return None
        return manifest

    def delta(self, manifest: Manifest, force: Iterable[Path] = ()) -> Delta:
        """The curated files that differ from ``manifest`` (and the ``force``d ones).

        A file whose size and modification time are as recorded is taken as unchanged without
        reading it (as ``git status`` does); otherwise its content hash decides. Nothing but a
        regular file of the recorded size is read here: a link, a device or a pipe (which the
        build refuses to read, :func:`kg.authoring.sources.read_regular`) or a file of another
        size counts as changed.
        """
        forced = {self.relative(p) for p in force}
        changed: list[Path] = []
        unchanged: dict[str, Stamp] = {}
        touched: set[str] = set()
        seen: set[str] = set()
        skip = len(str(self.project).rstrip("/")) + 1
        for name in discover_names(self.project / "usecases"):
            relative = name[skip:]  # discover keeps the project prefix as given
            seen.add(relative)
            record = manifest.files.get(relative)
            if record is None or relative in forced:
                changed.append(Path(name))
                continue
            stat = os.lstat(name)
            if not S_ISREG(stat.st_mode) or stat.st_size != record.size:
                changed.append(Path(name))
                continue
            if stat.st_mtime_ns != record.mtime_ns:
                data, refused = read_regular(Path(name), record.size)
                if refused is not None or hashlib.sha256(data).hexdigest() != record.digest:
                    changed.append(Path(name))
                    continue
                record.mtime_ns = stat.st_mtime_ns
                touched.add(relative)
            unchanged[relative] = record
        removed = sorted(set(manifest.files) - seen)
        return Delta(changed, removed, unchanged, touched)

    def relative(self, path: Path) -> str:
        return relative_path(unlinked(Path(path)), self.project)

    # -- the state's store ----------------------------------------------------------------
    def new_graph_folder(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"graph-{uuid.uuid4().hex[:12]}"

    def checkpoint(self, manifest: Manifest, *, full: bool = False):
        """A writable copy of the state's store of curated graphs (or of the ``full`` release)
        made of hard links, and the folder it lives in."""
        base = open_staging(self.folder / (manifest.full if full else manifest.graph))
        target = self.new_graph_folder()
        try:
            base.backup(str(target))
        finally:
            del base
        return open_staging(target), target

    def copy(self, store):
        """A writable checkpoint of an open store of this state, and its folder."""
        store.flush()
        target = self.new_graph_folder()
        store.backup(str(target))
        return open_staging(target), target

    def save(
        self, files: dict[str, FileRecord], key: str, graph: Path, release: str, full: Path
    ) -> None:
        """Make ``graph``, ``full`` and ``files`` (every curated file) the state, then delete
        every other store: a new database, renamed over the old one once complete."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            with contextlib.closing(_connect(tmp)) as db:
                db.executescript(_SCHEMA)
                with db:
                    _write_meta(db, key, graph.name, release, full.name)
                    _insert(db, files)
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, self.manifest_file)
        finally:
            tmp.unlink(missing_ok=True)
        (self.folder / "manifest.pickle").unlink(missing_ok=True)  # of STATE_VERSION 5
        self._keep_only(graph, full)

    def update(
        self,
        manifest: Manifest,
        delta: Delta,
        records: dict[str, FileRecord],
        findings: dict[str, list[Finding]],
        graph: Path,
        release: str,
        full: Path,
    ) -> None:
        """Change ``manifest`` into the state of an incremental build, in one transaction: the
        ``records`` of the changed files replace theirs, the removed files' rows go, the
        unchanged files in ``findings`` keep those findings and the touched ones their new
        modification time. Then delete every store but ``graph`` and ``full``."""
        gone = [*records, *delta.removed]
        try:
            with contextlib.closing(_connect(self.manifest_file)) as db, db:
                for start in range(0, len(gone), _CHUNK):
                    chunk = gone[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for table in ("files", "defines", "adds", "findings"):
                        db.execute(f"DELETE FROM {table} WHERE path IN ({marks})", chunk)
                _insert(db, records)
                _insert_findings(db, findings)
                db.executemany(
                    "UPDATE files SET mtime_ns = ? WHERE path = ?",
                    [(delta.unchanged[p].mtime_ns, p) for p in sorted(delta.touched)],
                )
                db.execute("DELETE FROM meta")
                _write_meta(db, manifest.key, graph.name, release, full.name)
        except sqlite3.Error as exc:
            raise StateUnreadable(f"{self.manifest_file}: {exc}") from exc
        self._keep_only(graph, full)

    def _keep_only(self, graph: Path, full: Path) -> None:
        for other in self.folder.glob("graph-*"):
            if other.name not in (graph.name, full.name):
                shutil.rmtree(other, ignore_errors=True)

    def discard(self, graph: Path) -> None:
        shutil.rmtree(graph, ignore_errors=True)

    def clear(self) -> None:
        """Forget everything (the next build is a full one)."""
        for name in (self.manifest_file, self.folder / "manifest.pickle"):
            with contextlib.suppress(FileNotFoundError):
                name.unlink()
        for other in self.folder.glob("graph-*"):
            shutil.rmtree(other, ignore_errors=True)


def record_of(source: SourceFile, path: Path) -> FileRecord:
    stat = path.stat()
    return FileRecord(
        digest=source.digest,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        defines=dict(source.parsed.defines),
        adds=dict(source.parsed.adds),
    )


def _connect(path: Path | None) -> sqlite3.Connection:
    if path is None:
        raise ValueError("no manifest database")
    db = sqlite3.connect(path, isolation_level="DEFERRED")
    db.execute("PRAGMA synchronous = FULL")
    return db


def _write_meta(db: sqlite3.Connection, key: str, graph: str, release: str, full: str) -> None:
    values = {"version": STATE_VERSION, "key": key, "graph": graph, "release": release}
    db.executemany("INSERT INTO meta VALUES (?, ?)", [*values.items(), ("full", full)])


def _insert(db: sqlite3.Connection, files: dict[str, FileRecord]) -> None:
    db.executemany(
        "INSERT INTO files VALUES (?, ?, ?, ?)",
        [(path, r.digest, r.size, r.mtime_ns) for path, r in files.items()],
    )
    _insert_findings(db, {path: r.findings for path, r in files.items()})
    for table, column in (("defines", "defines"), ("adds", "adds")):
        db.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)",
            [
                (iri, path, line)
                for path, r in files.items()
                for iri, line in getattr(r, column).items()
            ],
        )


def _insert_findings(db: sqlite3.Connection, findings: dict[str, list[Finding]]) -> None:
    """Replace the kept findings of each file in ``findings`` (none: its row goes)."""
    texts: dict[str, str] = {}  # one object per message: marshal writes it once
    rows = []
    for path, found in findings.items():
        db.execute("DELETE FROM findings WHERE path = ?", (path,))
        if not found:
            continue
        kept = []
        for f in found:
            text = json.dumps(f.message, sort_keys=True)
            text = texts.setdefault(text, text)
            kept.append((f.severity, f.line, text, f.field, f.value, f.column, f.code, f.focus))
        rows.append((path, marshal.dumps(kept)))
    db.executemany("INSERT INTO findings VALUES (?, ?)", rows)
