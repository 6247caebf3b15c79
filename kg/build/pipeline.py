"""The build pipeline: read, validate, (reason), load, derive, publish atomically.

A full build reads every curated file; an incremental one (the default once a build has
succeeded) reads the changed ones and what they affect (:mod:`kg.build.incremental`). Both
prepare the new release in the build's own pyoxigraph store (:mod:`kg.build.state`), run the
rules there, and hand it to the store to publish.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import Corpus, limits_of, read_corpus
from kg.authoring.vocabularies import data_model_update
from kg.authoring.yamlld import load_context
from kg.build.derive import rules
from kg.build.incremental import Graphs, apply_delta
from kg.build.maintain import maintain, maintainable
from kg.build.reason import Reasoning, reason, reason_incremental
from kg.build.state import BuildState, StateUnreadable, record_of, state_key
from kg.build.validate import dataset_quads as release_quads
from kg.build.validate import validate_corpus, validate_project
from kg.config import Settings
from kg.errors import PublishFailed, ValidationFailed
from kg.namespaces import Vocabulary
from kg.progress import Progress
from kg.report import Report
from kg.scratch import Scratch
from kg.store import Release, Store, open_store, work_dir
from kg.store.changes import Changes, graph_quads
from kg.store.oxigraph import (
    Update,
    dump_graphs,
    extend_nquads,
    load_nquads,
    memory_store,
    named_graphs,
    open_staging,
    run_updates,
)
from kg.views.searchindex import (
    IndexCopy,
    StagedRows,
    adopt_index,
    index_file,
    index_folder,
    stage_index,
)


@dataclass
class BuildResult:
    release: Release
    report: Report
    timings: dict[str, float] = field(default_factory=dict)
    #: ``full``, ``incremental`` or ``unchanged`` (nothing to do: the served release is current)
    mode: str = "full"
    #: files read and validated again (all of them in a full build)
    validated: int = 0


def build(
    settings: Settings,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
    no_reason: bool = False,
    full: bool = False,
) -> BuildResult:
    """Build the graph from the curated files and publish it; raise before publishing on error.

    The build remembers what it did (:mod:`kg.build.state`) and, unless ``full`` is set, redoes only
    what changed files affect; any change to the ontology, the shapes, the base IRI or the
    reasoning mode makes it a full build. The result is the same either way.

    A :class:`~kg.errors.ValidationFailed` (or any other error) leaves the served release as it
    was: the new release is prepared beside it and only becomes current once complete. The
    build's temporary files live in its own folder (:mod:`kg.scratch`), removed when it ends;
    those of a killed build are removed when the next one starts.
    """
    progress = progress or Progress()
    vocab = settings.vocab
    store = store or open_store(settings)
    work = work_dir(settings)
    ontology = OntologyFiles(settings.ontology_dir, vocab, cache=work / "cache")
    state = BuildState(work / "state", settings.project)
    key = state_key(ontology.digest, vocab.base, no_reason)
    manifest = None if full else state.load(key)
    served = store.release()
    if manifest is not None and (served is None or served.id != manifest.release):
        manifest = None  # the store serves something this state did not build
    with Scratch(work) as scratch, _spooled(store, scratch.folder):
        if manifest is not None:
            try:
                return _incremental(
                    settings, store, ontology, state, manifest, scratch, progress, no_reason,
                    served.quads,
                )  # fmt: skip
            except StateUnreadable:  # the manifest broke after it was opened: start over
                state.clear()
        return _full(settings, store, ontology, state, key, scratch, progress, no_reason)


def _full(settings, store, ontology, state, key, scratch, progress, no_reason) -> BuildResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with progress.step("read"):
        corpus = read_corpus(
            settings.project, ontology.vocab, progress=progress, limits=limits_of(settings)
        )
    timings["read"] = time.perf_counter() - started
    path = scratch.path(".nq", "release")
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(release_quads(corpus, ontology))
        return _validate_and_publish(
            settings,
            store,
            ontology,
            state,
            key,
            scratch,
            progress,
            no_reason,
            corpus,
            path,
            timings,
        )
    finally:
        path.unlink(missing_ok=True)  # early: the scratch folder goes only when the build ends


def _validate_and_publish(
    settings, store, ontology, state, key, scratch, progress, no_reason, corpus, path, timings
) -> BuildResult:
    """Validate and reason while the state's store loads the same quads on the other core
    (pyoxigraph's bulk load runs outside the GIL); nothing is published unless all succeed."""
    started = time.perf_counter() - timings["read"]
    folder = state.new_graph_folder()
    full_folder = None
    finishing: _Finishing | None = None
    staged: Path | None = None
    loading = _Loading(folder, path)
    try:
        t = time.perf_counter()
        with progress.step("validate"):
            try:
                checked = memory_store(path)
            except (OSError, SyntaxError, ValueError) as exc:
                raise PublishFailed(f"loading the new release failed: {exc}") from exc
            report = validate_corpus(corpus, ontology, store=checked, progress=progress)
        timings["validate"] = time.perf_counter() - t
        if not report.conforms:
            raise ValidationFailed(report)
        reasoning = None
        if not no_reason:  # an InconsistentGraph stops the build here, before publishing
            t = time.perf_counter()
            with progress.step("reason"):
                reasoning = reason(corpus, ontology, cache_dir=scratch.work / "cache")
            timings["reason"] = time.perf_counter() - t
        # The rules run on the in-memory store (about four times faster than on disk); what
        # they derive is then loaded into a copy of the state's store.
        t = time.perf_counter()
        with progress.step("derive"):
            if reasoning is not None and reasoning.quads:
                _load_lines(checked, reasoning.quads, scratch, keep_labels=True)
            try:
                run_updates(checked, _updates(reasoning, ontology.vocab))
            except (OSError, SyntaxError, ValueError) as exc:
                raise PublishFailed(f"deriving the new release failed: {exc}") from exc
            derived = scratch.path(".nq", "derived")
            dump_graphs(checked, _derived_graphs(checked, ontology.vocab), derived)
        timings["derive"] = time.perf_counter() - t
        with progress.step("load (waiting for it)"):
            local = loading.result()
        timings["load"] = loading.seconds
        # The state keeps the curated graphs (for validation) and, apart, the whole release,
        # whose derived graphs the next build maintains in place. That copy gets the derived
        # graphs and is compacted in a thread (pyoxigraph works outside the GIL), while the
        # search index is written from the in-memory store, which holds the same quads and
        # answers the index's queries in two thirds of the time (bench/RESULTS.md).
        finishing = _Finishing(state, local, derived)
        del local  # the thread holds it, and closes it before it is renamed or reopened
        index = SearchPlan(index_folder(settings), ontology.vocab)
        t = time.perf_counter()
        with progress.step("search index"):
            staged = stage_index(StagedRows(checked), index.vocab, index.folder)
        timings["index"] = time.perf_counter() - t
        del checked
        with progress.step("compact (waiting for it)"):
            full, full_folder = finishing.result()
        timings["compact"] = finishing.compact_seconds
        release = _publish(
            full, store, _meta(corpus, ontology), timings, progress, index, staged=staged
        )
        staged = None  # adopted, or removed by _publish
        del full
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        if finishing is not None:
            full_folder = finishing.abandon() or full_folder
        loading.abandon()
        state.discard(folder)
        if full_folder is not None:
            state.discard(full_folder)
        raise
    if reasoning is None or reasoning.method == "rules":
        records = {s.path: record_of(s, settings.project / s.path) for s in corpus.files}
        _keep_findings({p: r.findings for p, r in records.items()}, report)
        state.save(records, key, folder, release.id, full_folder)
    else:  # whole-graph HermiT cannot be redone in part: the next build is a full one again
        state.clear()
    timings["total"] = time.perf_counter() - started
    return BuildResult(release, report, timings, "full", len(corpus.files))


@contextmanager
def _spooled(store: Store, folder: Path) -> Iterator[None]:
    """Let a remote store write its request body (the whole release) into the build's
    scratch folder, so that a killed build's body is swept like its other temporary files."""
    if not hasattr(store, "spool"):
        yield
        return
    before, store.spool = store.spool, folder
    try:
        yield
    finally:
        store.spool = before


class _Loading:
    """Bulk-loads N-Quads into a new state store in a thread."""

    def __init__(self, folder: Path, path: Path) -> None:
        self.store = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, args=(folder, path), daemon=True)
        self.thread.start()

    def _run(self, folder: Path, path: Path) -> None:
        started = time.perf_counter()
        try:
            self.store = open_staging(folder)
            _load(self.store, path)
        except BaseException as exc:  # handed to the build's thread by result()
            self.error = exc
        self.seconds = time.perf_counter() - started

    def result(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        store, self.store = self.store, None
        return store

    def abandon(self) -> None:
        """Wait for the load to end and close its store (so its folder can be deleted)."""
        self.thread.join()
        self.store = None


class _Finishing:
    """Copies the state's freshly loaded store into the release's store, loads the derived
    graphs (the N-Quads file ``derived``, deleted after) into that copy and compacts it, in a
    thread: pyoxigraph does this work outside the GIL, so the build writes the search index
    meanwhile."""

    def __init__(self, state: BuildState, local, derived: Path) -> None:
        self.store = None
        self.folder: Path | None = None
        self.error: BaseException | None = None
        self.compact_seconds = 0.0
        self.thread = threading.Thread(target=self._run, args=(state, local, derived), daemon=True)
        self.thread.start()

    def _run(self, state: BuildState, local, derived: Path) -> None:
        try:
            try:
                full, self.folder = state.copy(local)
                _load(full, derived)
            finally:
                derived.unlink(missing_ok=True)
            # A bulk load and the derived graphs leave the store in many unmerged files, and
            # the web workers open the release read-only, so nothing would ever merge them:
            # compacted, the named queries ran 19-49 % faster at 2,000 use cases
            # (bench/RESULTS.md). An incremental build changes little and does not pay for it.
            started = time.perf_counter()
            full.optimize()
            self.compact_seconds = time.perf_counter() - started
            self.store = full
        except BaseException as exc:  # handed to the build's thread by result()
            self.error = exc

    def result(self):
        """The compacted release store and its folder."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        store, self.store = self.store, None
        return store, self.folder

    def abandon(self) -> Path | None:
        """Wait for the thread, drop its store; the folder it made, if any (to delete)."""
        self.thread.join()
        self.store = None
        return self.folder


def check(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    progress: Progress | None = None,
    engine: str = "sparql",
) -> Report:
    """Validate the curated files (or report on ``paths``), redoing only what changed since the
    last build when there is one: ``kg validate`` of one file in a corpus of 100,000 use cases
    reads that file and what it references, not the whole corpus. The ``pyshacl`` engine
    always reads the whole corpus (it is the reference the compiled shapes are held to)."""
    return check_focused(settings, paths, progress, engine).own


@dataclass
class Focused:
    """A validation of some files: their findings, and those of the other files (None when
    the engine validated the given files only)."""

    own: Report
    rest: Report | None = None


def check_focused(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    progress: Progress | None = None,
    engine: str = "sparql",
) -> Focused:
    """:func:`check`, with the findings of the files not in ``paths`` kept apart, so that a
    curator sees the files they asked about first and the rest of the corpus as a count."""
    vocab = settings.vocab
    ontology = OntologyFiles(settings.ontology_dir, vocab, cache=work_dir(settings) / "cache")
    state = BuildState(work_dir(settings) / "state", settings.project)
    wanted = [Path(p) for p in paths] if paths is not None else None
    manifest = state.load(state_key(ontology.digest, vocab.base, False)) or state.load(
        state_key(ontology.digest, vocab.base, True)
    )
    limits = limits_of(settings)
    if manifest is None or engine != "sparql":
        # The compiled shapes validate everything in about the time it takes to read it;
        # pyshacl is kept to the files asked about.
        asked = wanted if engine != "sparql" else None
        report = validate_project(settings.project, vocab, asked, progress, engine, limits)[1]
        if wanted is None or asked is not None:
            return Focused(report)
        return _split(report, {state.relative(p) for p in wanted})
    delta = state.delta(manifest, force=wanted or ())
    context = load_context(settings.ontology_dir, vocab.base)
    local, folder = state.checkpoint(manifest)
    try:
        with (
            Scratch(work_dir(settings)) as scratch,
            (progress or Progress()).step(f"validate {len(delta.changed)} files"),
        ):
            applied = apply_delta(
                local, manifest, delta, state.project, context, ontology, scratch.folder, limits
            )
    finally:
        del local
        state.discard(folder)
    if wanted is None:
        return Focused(applied.report)
    return _split(applied.report, {state.relative(p) for p in wanted})


def _split(report: Report, files: set[str]) -> Focused:
    rest = Report([f for f in report.findings if f.file not in files], report.files - len(files))
    return Focused(report.only(files), rest)


def _incremental(
    settings, store, ontology, state, manifest, scratch, progress, no_reason, served_quads: int
):
    timings: dict[str, float] = {}
    started = time.perf_counter()
    delta = state.delta(manifest)
    if delta.empty:
        store.tidy()
        report = Report(files=len(manifest.files))
        kept = manifest.kept()
        kept.defer_to(report, kept.paths)
        return BuildResult(store.release(), report, {"total": 0.0}, "unchanged", 0)
    context = load_context(settings.ontology_dir, ontology.vocab.base)
    # the copy of the previous release's search index is made while the build validates
    searches = index_folder(settings)
    copying = IndexCopy(index_file(searches, manifest.release), searches, ontology.vocab)
    local, folder = state.checkpoint(manifest)
    full_folder = None
    try:
        with progress.step(f"validate {len(delta.changed)} changed, {len(delta.removed)} removed"):
            # the curated graphs the change replaces, as they were (for the record of changes)
            touched = [Graphs(ontology.vocab).of(state.relative(p)) for p in delta.changed] + [
                Graphs(ontology.vocab).of(p) for p in delta.removed
            ]
            before = graph_quads(local, touched)
            applied = apply_delta(
                local,
                manifest,
                delta,
                state.project,
                context,
                ontology,
                scratch.folder,
                limits_of(settings),
            )
        timings["validate"] = time.perf_counter() - started
        if not applied.report.conforms:
            raise ValidationFailed(applied.report)
        reasoning = None
        if not no_reason:
            t = time.perf_counter()
            with progress.step("reason"):
                reasoning = reason_incremental(local, applied, ontology, scratch.work / "cache")
            timings["reason"] = time.perf_counter() - t
        unfollowed = reasoning is not None and not maintainable(reasoning.axioms, ontology.vocab)
        if (reasoning is None and not no_reason) or unfollowed:  # the rules cannot follow it
            del local
            state.discard(folder)
            copying.discard()
            return _full(
                settings, store, ontology, state, manifest.key, scratch, progress, no_reason
            )
        # the records of the changed files, and the findings of the affected ones
        records = {s.path: record_of(s, settings.project / s.path) for s in applied.changed}
        findings = {
            path: [f for f in applied.kept.get(path, []) if f.focus not in entities]
            for path, entities in applied.affected.items()
        }  # a finding without focus has none of the entities as focus either
        kept = {p: r.findings for p, r in records.items()} | findings
        revalidated = {s.path for s in applied.corpus.files}
        _keep_findings(kept, applied.report, only=revalidated, affected=applied.affected)
        digests = {p: r.digest for p, r in delta.unchanged.items()}
        digests.update((p, r.digest) for p, r in records.items())
        meta = {"ontology": ontology.digest, "files": dict(sorted(digests.items()))}
        index = SearchPlan(
            index_folder(settings),
            ontology.vocab,
            previous=index_file(index_folder(settings), manifest.release),
            changed={iri for source in applied.changed for iri in source.parsed.defines}
            | set(manifest.defines_of([*(s.path for s in applied.changed), *delta.removed])),
            graphs={s.graph for s in applied.changed},
            copy=copying,
        )
        changes = Changes()
        after = graph_quads(local, touched)
        del local  # the curated graphs are ready for the next build's validation
        full, full_folder = state.checkpoint(manifest, full=True)
        changes.remove(full, before - after)
        changes.add(full, after - before)
        release = _maintain_and_publish(
            full, store, changes, reasoning, ontology.vocab, meta, timings, progress, index,
            base=(manifest.release, served_quads),
        )  # fmt: skip
        del full
    except BaseException:
        copying.discard()  # (once adopted, the index has its own name and is not removed)
        state.discard(folder)
        if full_folder is not None:
            state.discard(full_folder)
        raise
    try:
        state.update(manifest, delta, records, findings, folder, release.id, full_folder)
    except StateUnreadable:
        state.discard(folder)
        state.discard(full_folder)
        raise
    timings["total"] = time.perf_counter() - started
    validated = len(applied.changed) + sum(len(e) for e in applied.affected.values())
    return BuildResult(release, applied.report, timings, "incremental", validated)


def _load(local, path: Path) -> None:
    try:
        load_nquads(local, path)
    except (OSError, SyntaxError, ValueError) as exc:
        raise PublishFailed(f"loading the new release failed: {exc}") from exc


@dataclass
class SearchPlan:
    """How the build writes the search index of the release it publishes (kg.views.searchindex):
    from scratch, or by updating the previous release's index for what changed."""

    folder: Path
    vocab: Vocabulary
    previous: Path | None = None
    changed: set[str] | None = None
    graphs: set[str] | None = None
    #: the previous index's copy, begun earlier in the build
    copy: IndexCopy | None = None


def _maintain_and_publish(
    local, store, changes, reasoning, vocab, meta, timings, progress, index: SearchPlan, base
) -> Release:
    """Bring the derived graphs of the state's checkpoint ``local`` up to date for the recorded
    ``changes`` (:mod:`kg.build.maintain`) and publish it as the change of release ``base``
    (its id and size; a remote store receives just the change); it becomes the next state."""
    t = time.perf_counter()
    with progress.step("derive"):
        try:
            maintain(local, changes, reasoning.axioms if reasoning else None, vocab)
        except (OSError, SyntaxError, ValueError) as exc:
            raise PublishFailed(f"deriving the new release failed: {exc}") from exc
    timings["derive"] = time.perf_counter() - t
    return _publish(local, store, meta, timings, progress, index, (changes, base))


def _publish(
    copy, store, meta, timings, progress, index: SearchPlan, change=None, staged=None
) -> Release:
    """Write the search index from the prepared copy, publish the copy, then give the index
    the release's name: a worker never serves a release without its index, and a remote
    store is never read back for it. ``change`` (the recorded :class:`Changes`, and the id and
    size of the release they start from) lets the store publish just the change, and spares
    counting the copy's quads: the release's size plus the net change is its size. A full
    build has written the index already (``staged``, from its in-memory store of the same
    quads)."""
    if staged is None:
        t = time.perf_counter()
        with progress.step("search index"):
            staged = stage_index(
                StagedRows(copy),
                index.vocab,
                index.folder,
                previous=index.previous,
                changed=index.changed,
                graphs=index.graphs,
                copy=index.copy,
            )
        timings["index"] = time.perf_counter() - t
    t = time.perf_counter()
    try:
        with progress.step("publish"):
            if change is None:
                release = store.publish_prepared(copy, meta)
            else:
                changes, (base, size) = change
                quads = size + len(changes.added) - len(changes.removed)
                release = store.publish_changes(copy, changes, meta, base, quads=quads)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    adopt_index(index.folder, staged, release.id, index.vocab)
    timings["publish"] = time.perf_counter() - t
    return release


def _derived_graphs(store, vocab: Vocabulary) -> list[str]:
    """The graphs the rules wrote: neither a curated file's nor the ontology's."""
    curated, ontology = vocab.graph("source/"), vocab.graph("ontology")
    return [g for g in named_graphs(store) if not g.startswith(curated) and g != ontology]


def _load_lines(local, lines, scratch: Scratch, keep_labels: bool = False) -> None:
    path = scratch.path(".nq", "lines")
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(lines)
        if keep_labels:
            extend_nquads(local, path)
        else:
            _load(local, path)
    finally:
        path.unlink(missing_ok=True)


def _keep_findings(
    kept: dict[str, list],
    report: Report,
    only: set[str] | None = None,
    affected: dict | None = None,
) -> None:
    """Remember each file's findings (below Violation) for the reports of later builds, in
    ``kept`` (the list of each file): all of them, or those of the files in ``only`` (for the
    files in ``affected``, only the findings about the entities validated again; the others
    are already kept)."""
    affected = affected or {}
    for finding in report.loaded:  # a deferred finding is one kept already
        if finding.file not in kept or (only is not None and finding.file not in only):
            continue
        if finding.file in affected and finding.focus not in affected[finding.file]:
            continue
        kept[finding.file].append(finding)


def _updates(reasoning: Reasoning | None, vocab: Vocabulary) -> list[Update]:
    """The reasoner's rules first (kg/build/rules/ reads what they infer), then the concepts of
    the Smart Data Models the datasets name, then kg/build/rules/*.ru."""
    return [*(reasoning.updates if reasoning else []), data_model_update(vocab), *rules(vocab)]


def _meta(corpus: Corpus, ontology: OntologyFiles) -> dict[str, object]:
    return {
        "ontology": ontology.digest,
        "files": {source.path: source.digest for source in corpus.files},
    }
