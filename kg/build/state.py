"""What the last successful build did, so the next one redoes only what a change affects.

The build keeps, beside the store (``<work>/state/``):

* ``manifest.pickle`` — per curated file its content hash, size and modification time, the
  identifiers it defines and those it only adds fields to (with their lines), and the warnings
  it was published with; and the
  key of everything else the build depends on (the ontology and shapes, the base IRI, the
  reasoning mode, this module's version). A different key means a full build.
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
the new release is published, so the state always describes the last published build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from kg import __version__
from kg.authoring.sources import SourceFile, discover_names, read_regular, relative_path, unlinked
from kg.build.derive import rules_digest
from kg.report import Finding
from kg.store.oxigraph import open_staging

#: Bump when what the state holds, or how a build uses it, changes.
STATE_VERSION = "5"


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
class Manifest:
    key: str
    graph: str  #: folder name of the state's store, inside the state folder
    release: str  #: id of the release this build published
    files: dict[str, FileRecord]
    full: str = ""  #: folder name of the store holding the whole release (derived graphs too)


@dataclass
class Delta:
    """How the curated files differ from the state."""

    changed: list[Path]  #: new or modified files, absolute
    removed: list[str]  #: relative paths of files that are gone
    unchanged: dict[str, FileRecord]

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
        return self.folder / "manifest.pickle"

    def load(self, key: str) -> Manifest | None:
        """The manifest of the last build, or None when there is none usable for ``key``."""
        try:
            with open(self.manifest_file, "rb") as handle:
                manifest = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(manifest, Manifest) or manifest.key != key:
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
        unchanged: dict[str, FileRecord] = {}
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
            unchanged[relative] = record
        removed = sorted(set(manifest.files) - seen)
        return Delta(changed, removed, unchanged)

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
        """Make ``graph``, ``full`` and ``files`` the state, then delete every other store."""
        manifest = Manifest(key=key, graph=graph.name, release=release, files=files, full=full.name)
        tmp = self.manifest_file.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(manifest, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.manifest_file)
        for other in self.folder.glob("graph-*"):
            if other.name not in (graph.name, full.name):
                shutil.rmtree(other, ignore_errors=True)

    def discard(self, graph: Path) -> None:
        shutil.rmtree(graph, ignore_errors=True)

    def clear(self) -> None:
        """Forget everything (the next build is a full one)."""
        with contextlib.suppress(FileNotFoundError):
            self.manifest_file.unlink()
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
