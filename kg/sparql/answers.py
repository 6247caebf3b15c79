"""Answers of the named queries' default pages, computed once per release and shared by every
process that serves it.

A named query's default page (its default parameters, the first page) is what most visitors
open, and the summary queries behind it read the whole graph (``sectors-overview`` took 6 s at
100,000 use cases). Its answer depends only on the release, so it is kept in one file per
release, ``{folder}/answers-{release}.bin``, which every web worker process reads; the first
visitor after a new release no longer pays for the query in each process.

The file is written to a temporary name and renamed into place under a file lock, so readers
see the previous complete file or the next one, never half a file. It ends with the SHA-256 of
everything before it and names its release: a corrupt, truncated or foreign file is ignored
(and replaced by the next write), never served. When every default answer of a release is in
its file, the files of other releases are removed.

:func:`default_answers` lists what the pages need (the same texts, formats and bindings as
``web/named.py`` asks the query workers for, so the keys match); :func:`warm` computes the
missing ones one at a time, under a lock that lets one process of the host do it while the
others read the file. Both the web workers (in a background thread, when they see a new
release) and ``kg answers`` call it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KGError
from kg.namespaces import Vocabulary
from kg.rdf import Term
from kg.sparql.queries import PAGE_SIZE, Param, QueryCatalogue, choices_query, page_of
from kg.sparql.sandbox import Task
from kg.store.base import QueryKind, ResultFormat
from kg.store.embedded import fsync_path

log = logging.getLogger(__name__)

#: First bytes of an answer file; bump the number when the layout changes.
MAGIC = b"KG-ANSWERS 1\n"
_DIGEST = 64  # hex characters of the SHA-256 at the end, then a newline
#: Seconds after which a temporary file no writer renamed is deleted.
STALE = 3600.0
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def answers_folder(settings) -> Path:
    """Where the answer files live: beside the releases of an embedded store, or in the
    project's ``var/`` for a remote store (the build's work folder, :func:`kg.store.work_dir`;
    made when the first file is written, not here)."""
    return (settings.project / "var" if settings.is_remote else settings.store_path) / "answers"


def answer_key(text: str, fmt: ResultFormat, bindings: dict[str, Term]) -> str:
    """The key of one answer: what decides it within a release (query text, format, bound
    terms)."""
    bound = sorted((name, term.n3()) for name, term in bindings.items())
    data = json.dumps([text, fmt.value, bound], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PageAnswer:
    """One answer a named query's page asks the query workers for."""

    name: str  #: the named query
    text: str  #: the page's query text (or its probe for a next page)
    kind: QueryKind
    fmt: ResultFormat
    bindings: dict[str, Term] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return answer_key(self.text, self.fmt, self.bindings)

    def task(self, max_rows: int) -> Task:
        return Task(self.text, self.kind, self.fmt, bindings=self.bindings, max_rows=max_rows)


def choices_answer(param: Param, vocab: Vocabulary, name: str = "") -> PageAnswer:
    """The answer a page's form reads for the choices of vocabulary parameter ``param``."""
    text = choices_query(param, vocab)
    return PageAnswer(name, text, QueryKind.SELECT, ResultFormat.SPARQL_JSON)


def default_answers(catalogue: QueryCatalogue, page_size: int = PAGE_SIZE) -> list[PageAnswer]:
    """Every answer the default pages of the named queries and their twins need.

    A SELECT or ASK page and both twins read one SPARQL JSON answer; a CONSTRUCT or DESCRIBE
    page reads N-Triples, its JSON twin JSON-LD, and both a probe for the next page. A query
    whose parameters have no defaults has no default page. Every page's form also reads the
    entities each single-valued vocabulary parameter can name (one answer per vocabulary,
    whichever queries share it)."""
    found: list[PageAnswer] = []
    for named in catalogue:
        for param in named.params:
            if param.vocab and not param.many:
                found.append(choices_answer(param, catalogue.vocab, named.name))
        try:
            query = named.specialised({}, catalogue.vocab)
            bindings = query.bindings({}, catalogue.vocab)
        except KGError:
            continue
        part = page_of(query, 1, page_size)
        kind = query.kind

        def add(text: str, fmt: ResultFormat) -> None:
            found.append(PageAnswer(named.name, text, kind, fmt, bindings))  # noqa: B023

        if not kind.is_graph:
            add(part.text, ResultFormat.SPARQL_JSON)
        elif not part.beyond:
            add(part.text, ResultFormat.N_TRIPLES)
            add(part.text, ResultFormat.JSON_LD)
            if part.probe is not None:
                add(part.probe, ResultFormat.N_TRIPLES)
    unique = {item.key: item for item in reversed(found)}
    return [item for item in found if unique[item.key] is item]


class SharedAnswers:
    """The answer files of one folder, read and written by any number of processes.

    Each process keeps the entries of the file it read last and reads the file again when it
    changed on disk (another process added an answer)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._seen: tuple[Path, tuple[int, int, int], dict[str, bytes] | None] | None = None

    def path(self, release: str) -> Path:
        name = release if _SAFE.match(release) else hashlib.sha256(release.encode()).hexdigest()
        return self.folder / f"answers-{name}.bin"

    # -- reading ------------------------------------------------------------------------------
    def get(self, release: str, key: str) -> bytes | None:
        """The answer under ``key`` in ``release``'s file, or None."""
        entries = self.entries(release)
        return entries.get(key) if entries else None

    def entries(self, release: str) -> dict[str, bytes]:
        """Every answer of ``release``'s file ({} when there is none, or it is broken)."""
        path = self.path(release)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        seen = self._seen
        if seen is not None and seen[0] == path and seen[1] == signature:
            return seen[2] or {}
        with self._lock:
            entries = _read(path, release)
            self._seen = (path, signature, entries)
        return entries or {}

    # -- writing ------------------------------------------------------------------------------
    def put(self, release: str, answers: dict[str, bytes]) -> None:
        """Add ``answers`` to ``release``'s file (one atomic rename; a broken file is
        replaced)."""
        if not answers:
            return
        with self._locked("write"):
            path = self.path(release)
            entries = _read(path, release) or {}
            if all(entries.get(key) == body for key, body in answers.items()):
                return
            entries.update(answers)
            self._write(path, release, entries)

    def complete(self, release: str, keys: Iterable[str]) -> bool:
        """Whether every answer of ``keys`` is in ``release``'s file; if so, the files of every
        other release (and leftovers of interrupted writes) are removed."""
        entries = self.entries(release)
        if any(key not in entries for key in keys):
            return False
        with self._locked("write"):
            keep = self.path(release)
            for other in self.folder.glob("answers-*"):
                stale = other.suffix == ".tmp" and time.time() - _mtime(other) > STALE
                if other != keep and (other.suffix == ".bin" or stale):
                    with contextlib.suppress(FileNotFoundError):
                        other.unlink()
        return True

    @contextlib.contextmanager
    def warming(self, blocking: bool = True) -> Iterator[bool]:
        """The lock one process of the host holds while it computes answers (yields whether
        it was taken; without ``blocking`` it is not waited for)."""
        with self._locked("warm", blocking) as taken:
            yield taken

    @contextlib.contextmanager
    def _locked(self, name: str, blocking: bool = True) -> Iterator[bool]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{name}.lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, path: Path, release: str, entries: dict[str, bytes]) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as handle:
                handle.write(_encode(release, entries))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
            fsync_path(self.folder)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def _encode(release: str, entries: dict[str, bytes]) -> bytes:
    """Magic line, a JSON header line (release, key → offset and length), the answers, and the
    SHA-256 of all that."""
    index, offset = {}, 0
    for key, body in entries.items():
        index[key] = [offset, len(body)]
        offset += len(body)
    header = json.dumps({"release": release, "answers": index}).encode("utf-8")
    data = b"".join([MAGIC, header, b"\n", *entries.values()])
    return data + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n"


def _read(path: Path, release: str) -> dict[str, bytes] | None:
    """The answers of a complete file of ``release``; None when it is missing or broken."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("answer file %s cannot be read: %s", path, exc)
        return None
    try:
        return _decode(data, release)
    except ValueError as exc:
        log.warning("answer file %s is ignored: %s", path, exc)
        return None


def _decode(data: bytes, release: str) -> dict[str, bytes]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _DIGEST + 1:
        raise ValueError("not an answer file of this version")
    body, digest = data[: -_DIGEST - 1], data[-_DIGEST - 1 : -1]
    if data[-1:] != b"\n" or hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        raise ValueError("its checksum does not match (cut short or damaged)")
    end = body.index(b"\n", len(MAGIC))
    header = json.loads(body[len(MAGIC) : end])
    if header.get("release") != release:
        raise ValueError(f"it belongs to release {header.get('release')!r}")
    start = end + 1
    return {
        key: body[start + offset : start + offset + length]
        for key, (offset, length) in header["answers"].items()
    }


@dataclass
class Warmed:
    """What :func:`warm` did: seconds per named query it computed, the answers it found
    already there, the failures, and whether it stopped because the release changed."""

    release: str
    seconds: dict[str, float] = field(default_factory=dict)
    present: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    stopped: bool = False
    complete: bool = False

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def warm(
    shared: SharedAnswers,
    release: str,
    wanted: list[PageAnswer],
    answer: Callable[[PageAnswer], bytes],
    *,
    current: Callable[[], str | None],
    pause: Callable[[], None] = lambda: None,
) -> Warmed:
    """Compute the answers of ``wanted`` missing from ``release``'s file, one at a time.

    ``answer`` runs one (through the query workers, with their deadline and row cap);
    ``current`` names the release served now: the warm-up stops when it is another one, and an
    answer is kept only when the release was the same before and after it ran. ``pause`` is
    called before each query (the web waits there until no visitor's query runs). Only one
    process of the host warms at a time; the others wait for it and then find the answers in
    the file.
    """
    done = Warmed(release)
    with shared.warming():
        for item in wanted:
            if shared.get(release, item.key) is not None:
                done.present += 1
                continue
            pause()
            if current() != release:
                done.stopped = True
                return done
            started = time.perf_counter()
            try:
                body = answer(item)
            except KGError as exc:
                done.failed[item.name] = str(exc)
                continue
            done.seconds[item.name] = done.seconds.get(item.name, 0.0) + (
                time.perf_counter() - started
            )
            if current() != release:
                done.stopped = True
                return done
            shared.put(release, {item.key: body})
        done.complete = shared.complete(release, [item.key for item in wanted])
    return done
