"""The embedded store: pyoxigraph on disk, published as immutable releases.

Layout of the store folder::

    releases/<id>/        one RocksDB folder per published release, never written again
    releases/<id>.json    what the release holds (written before it becomes current)
    current               symbolic link to the served release, swapped with one rename
    build.lock            held while a build writes a new release

A build writes a whole new release beside the served one and only then moves ``current`` with
an atomic ``rename``; a build that fails or is killed half-way leaves ``current`` untouched, and
readers (which open releases read-only) never see a half-built graph.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg.errors import PublishFailed, QueryError, StoreUnavailable
from kg.rdf import Triple
from kg.store.base import (
    Bindings,
    CappedWriter,
    Dataset,
    QueryKind,
    Release,
    ResultFormat,
    Row,
    Store,
    new_release_id,
)
from kg.store.oxigraph import RDF_FORMATS as _RDF_FORMATS
from kg.store.oxigraph import RESULT_FORMATS as _RESULT_FORMATS
from kg.store.oxigraph import RowMarks, exact_rows, load_release, too_many
from kg.store.oxigraph import counted as _counted
from kg.store.oxigraph import from_ox as _from_ox
from kg.store.oxigraph import to_ox as _to_ox


class EmbeddedStore(Store):
    """A folder of pyoxigraph releases; see the module documentation."""

    def __init__(self, root: Path, *, keep: int = 2) -> None:
        self.root = Path(root)
        self.keep = max(1, keep)
        self._lock = threading.Lock()
        self._opened: tuple[str, ox.Store] | None = None
        self._release: tuple[str, Release] | None = None

    # -- reading --------------------------------------------------------------------------
    @property
    def current(self) -> Path:
        return self.root / "current"

    def _target(self) -> str | None:
        try:
            return os.readlink(self.current)
        except OSError:
            return None

    def _store(self) -> ox.Store:
        """The served release, re-opened when a build has moved ``current``."""
        target = self._target()
        if target is None:
            raise StoreUnavailable(f"no published release in {self.root}; run `kg build` first")
        opened = self._opened
        if opened is not None and opened[0] == target:
            return opened[1]
        with self._lock:
            if self._opened is None or self._opened[0] != target:
                try:
                    store = ox.Store.read_only(str(self.root / target))
                except OSError as exc:
                    raise StoreUnavailable(f"cannot open release {target}: {exc}") from exc
                self._opened = (target, store)
            return self._opened[1]

    def _run(
        self,
        query: str,
        bindings: Bindings | None,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ):
        options: dict = {"substitutions": _substitutions(bindings)} if bindings else {}
        if base_iri:
            options["base_iri"] = base_iri
        if dataset and (dataset.default_graphs or dataset.named_graphs):
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
            if dataset.named_graphs:
                options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        else:
            options["use_default_graph_as_union"] = True
        try:
            return self._store().query(query, **options)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise QueryError(f"the store could not answer: {exc}") from exc

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        result = self._run(query, bindings)
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = _from_ox(value)
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        return [
            (_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object))  # type: ignore[misc]
            for t in self._run(query, bindings)
        ]

    def serialize(
        self,
        query: str,
        kind: QueryKind,
        fmt: ResultFormat,
        *,
        dataset: Dataset | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> bytes:
        out = io.BytesIO()
        self.serialize_into(
            CappedWriter(out, None), query, kind, fmt, dataset=dataset, bindings=bindings,
            base_iri=base_iri, max_rows=max_rows,
        )  # fmt: skip
        return out.getvalue()

    def serialize_into(
        self,
        out: CappedWriter,
        query: str,
        kind: QueryKind,
        fmt: ResultFormat,
        *,
        dataset: Dataset | None = None,
        bindings: Bindings | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> None:
        """Stream the answer into ``out``: triples and rows are counted as pyoxigraph yields
        them, never held in a list, and ``out`` refuses the byte past its cap."""
        result = self._run(query, bindings, dataset, base_iri)
        if isinstance(result, ox.QueryBoolean) or not isinstance(result, ox.QuerySolutions):
            wanted = _RDF_FORMATS if isinstance(result, ox.QueryTriples) else _RESULT_FORMATS
            if fmt not in wanted:
                raise QueryError(f"a {kind.value} result cannot be given as {fmt.media_type}")
        if isinstance(result, ox.QueryTriples):
            triples = _counted(result, max_rows, "triples")
            ox.serialize(triples, out, _RDF_FORMATS[fmt])
        elif isinstance(result, ox.QueryBoolean) or max_rows is None:
            result.serialize(out, _RESULT_FORMATS[fmt])
        else:
            _serialize_rows(out, result, _RESULT_FORMATS[fmt], max_rows)

    def release(self) -> Release | None:
        """The served release; its metadata (13 MB of file hashes at 100,000 use cases) is
        read once per release, not once per page."""
        target = self._target()
        if target is None:
            return None
        cached = self._release
        if cached is not None and cached[0] == target:
            return cached[1]
        release = self._read_release(target)
        self._release = (target, release)
        return release

    def _read_release(self, target: str) -> Release:
        meta_file = self.root / (target + ".json")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Release(id=Path(target).name, quads=0, created="")
        return Release(
            id=meta["id"], quads=meta["quads"], created=meta["created"], meta=meta.get("meta", {})
        )

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the served release (for comparisons in tests and tools)."""
        return iter(self._store())

    def dump(self, fmt: ResultFormat, out: Path) -> None:
        store = self._store()
        rdf_format = _RDF_FORMATS[fmt]
        if rdf_format.supports_datasets:
            store.dump(str(out), format=rdf_format)
        else:  # a triple format: the union of all graphs, as queries see it
            ox.serialize((q.triple for q in store), str(out), format=rdf_format)

    # -- publishing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _build_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise PublishFailed(f"another build is publishing into {self.root}") from exc
            yield

    def publish(
        self, nquads: Path, meta: Mapping[str, object], updates: Sequence[str] = ()
    ) -> Release:
        with self._build_lock():
            release_id = new_release_id()
            folder = self.root / "releases" / release_id
            folder.parent.mkdir(parents=True, exist_ok=True)
            try:
                count = _load_release(folder, nquads, updates)
            except (OSError, SyntaxError, ValueError) as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise PublishFailed(f"loading the new release failed: {exc}") from exc
            return self._make_current(release_id, count, meta)

    def publish_prepared(
        self, local: ox.Store, meta: Mapping[str, object], *, quads: int | None = None
    ) -> Release:
        """A checkpoint of ``local`` becomes the new release: RocksDB hard-links its immutable
        files, so publishing 100,000 use cases costs about as much as publishing one (counting
        its quads did not: 0.1 s at 10,000 use cases, spared when the build gives ``quads``)."""
        with self._build_lock():
            release_id = new_release_id()
            folder = self.root / "releases" / release_id
            folder.parent.mkdir(parents=True, exist_ok=True)
            try:
                local.flush()
                count = len(local) if quads is None else quads
                if count == 0:
                    raise ValueError("the new release holds no quads")
                local.backup(str(folder))
            except (OSError, ValueError) as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise PublishFailed(f"writing the new release failed: {exc}") from exc
            return self._make_current(release_id, count, meta)

    def _make_current(self, release_id: str, count: int, meta: Mapping[str, object]) -> Release:
        release = Release(
            release_id, count, datetime.now(UTC).isoformat(timespec="seconds"), dict(meta)
        )
        info = {
            "id": release.id,
            "quads": release.quads,
            "created": release.created,
            "meta": release.meta,
        }
        folder = self.root / "releases" / release_id
        # not indented: it lists every curated file's hash (1.3 MB at 10,000 use cases)
        _write_atomically(folder.with_suffix(".json"), json.dumps(info, separators=(",", ":")))
        self._swap(Path("releases") / release_id)
        self._prune(keep={release_id})
        return release

    def tidy(self) -> None:
        if not (self.root / "releases").is_dir():
            return
        with contextlib.suppress(PublishFailed), self._build_lock():
            self._prune(keep=set())

    def _swap(self, target: Path) -> None:
        link = self.root / f"current.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(target)
        os.replace(link, self.current)  # atomic on POSIX: readers see old or new, never none
        fsync_path(self.root)

    def _prune(self, keep: set[str]) -> None:
        """Delete releases beyond the newest ``self.keep`` and leftovers of failed builds."""
        folder = self.root / "releases"
        served = Path(self._target() or "").name
        releases = sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True)
        kept = 0
        for path in releases:
            complete = path.with_suffix(".json").exists()
            if path.name in keep or path.name == served or (complete and kept < self.keep):
                kept += complete
                continue
            shutil.rmtree(path, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                path.with_suffix(".json").unlink()


def _load_release(folder: Path, nquads: Path, updates: Sequence[str]) -> int:
    store, count = load_release(folder, nquads, updates)
    store.flush()
    del store  # closes RocksDB, so the release can be opened read-only
    return count


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (the entries renamed into it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _substitutions(bindings: Bindings) -> dict:
    return {ox.Variable(name): _to_ox(term) for name, term in bindings.items()}


def _serialize_rows(
    out: CappedWriter, result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int
) -> None:
    """Rows serialised by pyoxigraph (no Python per row), counted on the way by the marks of
    their format (:class:`~kg.store.oxigraph.RowMarks`); where the marks only bound the count
    (JSON) and the bound passes ``max_rows``, the answer written is read back and its rows
    counted exactly. CSV, whose marks bound nothing, is counted as TSV and then turned into
    CSV (by pyoxigraph too)."""
    if fmt is ox.QueryResultsFormat.CSV:
        with tempfile.TemporaryFile(prefix="kg-rows-") as spool:
            _serialize_rows(
                CappedWriter(spool, _spool_limit(out)), result, ox.QueryResultsFormat.TSV, max_rows
            )
            spool.seek(0)
            ox.parse_query_results(spool, ox.QueryResultsFormat.TSV).serialize(out, fmt)
        return
    start = out.raw.tell()
    marks = RowMarks(out, fmt, max_rows, columns=len(result.variables))
    result.serialize(marks, fmt)
    if marks.count <= max_rows or marks.exact:
        return
    out.flush()
    out.raw.seek(start)
    rows = exact_rows(out.raw, fmt)
    out.raw.seek(0, os.SEEK_END)
    if rows > max_rows:
        raise too_many(max_rows, "rows")


def _spool_limit(out: CappedWriter) -> int | None:
    """The cap of the TSV spool behind a CSV answer: TSV takes up to about four times the
    bytes of CSV for the same rows (quotes, datatypes), so this never refuses an answer that
    would fit."""
    return None if out.limit is None else 4 * out.limit
