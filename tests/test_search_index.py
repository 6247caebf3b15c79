"""The on-disk search index: built once per release and shared, rebuilt when missing or of
another schema, updated in place of a full build after a change, and never corrupted by workers
asking for it at once."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from pages_support import CountingStore

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.errors import PublishFailed
from kg.rdf import IRI
from kg.store import open_store
from kg.views.search import IndexCache, Query, SearchIndex
from kg.views.searchindex import (
    KEEP,
    SCHEMA,
    adopt_index,
    index_file,
    index_folder,
    is_valid,
    prepare_index,
    stage_index,
)
from web import create_app


@pytest.fixture
def built(project_settings: Settings) -> Settings:
    """A private copy of the shipped corpus, built (the tests change files and indexes)."""
    build(project_settings)
    return project_settings


def _prepare(settings: Settings, store=None, **options) -> Path:
    store = store or open_store(settings)
    release = store.release()
    assert release is not None
    return prepare_index(store, settings.vocab, release.id, index_folder(settings), **options)


def test_index_lives_beside_the_releases_or_in_var(project_settings: Settings) -> None:
    assert index_folder(project_settings) == project_settings.store_path / "search"
    remote = config.load({}, project=project_settings.project, store="http://127.0.0.1:1/x")
    assert index_folder(remote) == project_settings.project / "var" / "search"


def test_built_once_per_release_and_reused(built: Settings) -> None:
    counting = CountingStore(open_store(built))
    path = _prepare(built, counting)  # kg build wrote it from its own copy of the release
    assert is_valid(path, built.vocab, counting.release().id)
    assert counting.total == 0, "the index was read back from the store"
    stamp = path.stat().st_mtime_ns
    assert _prepare(built, counting) == path
    assert counting.total == 0 and path.stat().st_mtime_ns == stamp
    app = create_app({"TESTING": True}, settings=built, store=counting)
    assert app.test_client().get("/usecases?q=luft").status_code == 200
    assert counting.total == 0, "the site opened the index the build wrote"


def test_missing_or_foreign_index_is_rebuilt_by_the_site(built: Settings) -> None:
    path = _prepare(built)
    path.unlink()
    client = create_app({"TESTING": True}, settings=built).test_client()
    assert client.get("/usecases?q=luft").status_code == 200
    assert is_valid(path, built.vocab, open_store(built).release().id)
    with sqlite3.connect(path) as db:  # as if an older version had written it
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'schema'")
    db.close()
    assert not is_valid(path, built.vocab)
    fresh = create_app({"TESTING": True}, settings=built).test_client()
    assert fresh.get("/usecases.json?q=luft").get_json()["total"] > 0
    assert is_valid(path, built.vocab) and SCHEMA != "old"


def test_new_release_gets_its_own_index_and_old_ones_are_pruned(built: Settings) -> None:
    folder = index_folder(built)
    first = _prepare(built)
    for n in range(KEEP + 2):  # indexes of releases older than the first
        old = folder / f"search-old{n}.sqlite"
        old.write_bytes(b"")
        os.utime(old, (first.stat().st_mtime - 100 - n,) * 2)
    (folder / "search-x.sqlite.123.tmp").write_bytes(b"half")
    _edit(built.usecases_dir / "berlin-giess-den-kiez.yaml", "watering street", "irrigating street")
    build(built)
    second = _prepare(built)
    assert second != first and first.exists()
    assert len(list(folder.glob("search-*.sqlite"))) == KEEP + 1
    assert not list(folder.glob("*.tmp"))


# -- incremental ---------------------------------------------------------------------------------
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _content(path: Path) -> dict[str, object]:
    """What an index says, by IRI (row ids differ between a full and an incremental build)."""
    db = sqlite3.connect(path)
    try:
        iri = dict(db.execute("SELECT id, iri FROM resource"))
        resources = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT iri, kind, ord, labels, label_en, label_de, sort_en, sort_de "
                "FROM resource WHERE labels IS NOT NULL"
            )
        }
        usecases = {iri[row[0]]: row[1:] for row in db.execute("SELECT * FROM usecase")}
        facets = sorted((n, iri[v], iri[u]) for n, v, u in db.execute("SELECT * FROM facet"))
        totals = sorted((n, iri[v], c) for n, v, c in db.execute("SELECT * FROM facet_total"))
        texts = {iri[r]: (t, x) for r, t, x in db.execute("SELECT rowid, * FROM usecase_fts")}
        words = {iri[r]: w for r, w in db.execute("SELECT rowid, * FROM resource_fts")}
        meta = dict(db.execute("SELECT * FROM meta WHERE key NOT IN ('built', 'release')"))
        similar = sorted(
            (_sectors(q, iri), iri.get(s, ""), iri.get(z, ""), iri[u])
            for q, s, z, u in db.execute("SELECT * FROM similar_key")
        )
    finally:
        db.close()
    return {
        "resources": resources,
        "usecases": usecases,
        "facets": facets,
        "totals": [t for t in totals if t[2]],
        "texts": texts,
        "words": words,
        "meta": meta,
        "similar": similar,
    }


def _sectors(q: str, iri: dict[int, str]) -> tuple[str, ...]:
    """The key of a combination of sectors (kg.views.similar.key) by IRI."""
    prefix = "pattern:" if q.startswith("pattern:") else ""
    ids = q.removeprefix(prefix)
    return (prefix, *sorted(iri[int(i)] for i in ids.split(",") if i))


def _subjects(settings: Settings, paths: list[str]) -> set[str]:
    """What the build passes as ``changed``: the subjects of the changed files' graphs."""
    graphs = " ".join(f"<{settings.vocab.graph('source/' + p)}>" for p in paths)
    rows = open_store(settings).select(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    return {r["s"].value for r in rows if isinstance(r["s"], IRI)}


def test_incremental_update_equals_a_full_build(built: Settings, tmp_path: Path) -> None:
    vocab = built.vocab
    before = _prepare(built)
    files = ["usecases/berlin-giess-den-kiez.yaml", "usecases/patterns/city-dashboard.yaml"]
    changed = _subjects(built, files)
    case = built.usecases_dir / "berlin-giess-den-kiez.yaml"
    _edit(case, "sectors: [environment, water, society]", "sectors: [environment, mobility]")
    _edit(case, "watering street trees together", "watering the lindens of the street")
    removed = built.usecases_dir / "patterns" / "city-dashboard.yaml"
    removed.unlink()
    build(built)
    store = open_store(built)
    changed |= _subjects(built, files[:1])
    updated = _prepare(built, store, previous=before, changed=changed)
    full = prepare_index(store, vocab, "full", tmp_path / "full")
    assert _content(updated) == _content(full)
    index = SearchIndex(updated, vocab)
    try:
        assert index.search(Query(text="watering the lindens")).total == 1
        gone = vocab.entity("pattern", "city-dashboard")
        assert gone not in {e.iri for e in index.search(Query(), page_size=500).items}
    finally:
        index.close()


def test_incremental_update_by_changed_graphs(built: Settings, tmp_path: Path) -> None:
    vocab = built.vocab
    before = _prepare(built)
    path = "usecases/berlin-giess-den-kiez.yaml"
    _edit(built.project / path, "maturity: scaled", "maturity: pilot")
    build(built)
    store = open_store(built)
    updated = _prepare(built, store, previous=before, graphs={vocab.graph("source/" + path)})
    full = prepare_index(store, vocab, "full", tmp_path / "full")
    assert _content(updated) == _content(full)


def test_staged_before_publishing_and_adopted_after(built: Settings, tmp_path: Path) -> None:
    store, vocab, folder = open_store(built), built.vocab, index_folder(built)
    release = store.release().id
    index_file(folder, release).unlink()  # the one kg build staged and adopted
    staged = stage_index(store, vocab, folder)
    assert not index_file(folder, release).exists()
    path = adopt_index(folder, staged, release, vocab)
    assert path == index_file(folder, release) and is_valid(path, vocab, release)
    assert not staged.exists()
    assert _content(path) == _content(prepare_index(store, vocab, "full", tmp_path / "full"))
    again = stage_index(store, vocab, folder)  # a worker was quicker: the staged copy goes
    assert adopt_index(folder, again, release, vocab) == path and not again.exists()


# -- concurrency ---------------------------------------------------------------------------------
def _worker(project: str, store: str, release: str, out) -> None:
    settings = config.load({}, project=Path(project), store=store)
    path = prepare_index(open_store(settings), settings.vocab, release, index_folder(settings))
    db = sqlite3.connect(path)
    try:
        out.put((str(path), dict(db.execute("SELECT key, value FROM meta"))["built"]))
    finally:
        db.close()


def test_concurrent_workers_build_once_and_never_see_half_a_file(built: Settings) -> None:
    release = open_store(built).release().id
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(str(built.project), built.store, release, out))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    answers = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(worker.exitcode == 0 for worker in workers)
    assert len(set(answers)) == 1, "one process built the index, the others opened it"
    path = Path(answers[0][0])
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_threads_of_one_worker_share_the_file(built: Settings) -> None:
    store = open_store(built)
    cache = IndexCache(store, built.vocab, index_folder(built))
    release = store.release().id
    totals: list[int] = []

    def search() -> None:
        index = cache.get(release, known=True)
        totals.append(index.search(Query(text="daten")).total)

    threads = [threading.Thread(target=search) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(totals) == 6 and len(set(totals)) == 1 and totals[0] > 0
    folder = index_folder(built)
    assert list(folder.glob("search-*.sqlite")) == [index_file(folder, release)]


@pytest.fixture
def v2_built(tmp_path: Path) -> Settings:
    """A private copy of the v2 fixture project (tests/fixtures/v2), built."""
    from tests.conftest import ROOT, V2_FIXTURE

    project = tmp_path / "v2"
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copytree(V2_FIXTURE / "usecases", project / "usecases")
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


def test_moving_a_town_moves_its_use_cases_in_an_incremental_update(
    v2_built: Settings, tmp_path: Path
) -> None:
    vocab = v2_built.vocab
    before = _prepare(v2_built)
    places = ["usecases/shared/places.yaml"]
    changed = _subjects(v2_built, places)  # the build passes what the changed file defines
    _edit(
        v2_built.project / places[0],
        "    partOf: [landkreis-boeblingen]\n",
        "    partOf: [bavaria]\n",  # Sindelfingen, the one place that names only its Kreis
    )
    build(v2_built)
    store = open_store(v2_built)
    updated = _prepare(v2_built, store, previous=before, changed=changed)
    full = prepare_index(store, vocab, "full", tmp_path / "full")
    assert _content(updated) == _content(full)
    index = SearchIndex(updated, vocab)
    try:
        in_land = index.search(Query(selected={"place": ("baden-wuerttemberg",)}))
        slugs = {e.iri.rsplit("/", 1)[-1] for e in in_land.items}
        assert "sindelfingen-parking-guidance" not in slugs
        bavaria = index.search(Query(selected={"place": ("bavaria",)}))
        assert {e.iri.rsplit("/", 1)[-1] for e in bavaria.items} == {
            "munich-traffic-data",
            "sindelfingen-parking-guidance",
        }
    finally:
        index.close()


def test_an_update_reads_the_places_of_its_use_cases_only(
    v2_built: Settings, tmp_path: Path
) -> None:
    """What files a use case under a place (the places around it, the Länder, the size
    classes) is read for the places of the changed use cases, not for every place: at 10,000
    use cases reading them all took 0.35 s of each incremental build."""
    vocab = v2_built.vocab
    before = _prepare(v2_built)
    path = "usecases/herrenberg-ev-charging.yaml"
    _edit(v2_built.project / path, "EV charging map in Herrenberg", "Charging map of Herrenberg")
    build(v2_built)
    store = CountingStore(open_store(v2_built))
    queries: list[str] = []
    select = store.select

    def recorded(query, bindings=None):
        queries.append(query)
        return select(query, bindings)

    store.select = recorded  # type: ignore[method-assign]
    graphs = {vocab.graph("source/" + path)}
    updated = prepare_index(store, vocab, "new", tmp_path / "new", previous=before, graphs=graphs)
    full = prepare_index(open_store(v2_built), vocab, "full", tmp_path / "full")
    assert _content(updated) == _content(full)
    about_places = [q for q in queries if "sizeClass" in q or "sckg:State" in q or ">+ ?a" in q]
    assert len(about_places) == 3, "the places of the use case were not read"
    assert all("VALUES" in q for q in about_places), "every place was read"
    index = SearchIndex(updated, vocab)
    try:
        found = index.search(Query(text="charging map", selected={"land": ("baden-wuerttemberg",)}))
        assert found.total == 1
    finally:
        index.close()


def test_the_build_updates_a_copy_of_the_previous_index(built: Settings, tmp_path: Path) -> None:
    """The copy is begun when the build starts (kg.views.searchindex.IndexCopy) and ends as the
    new release's index, equal to one written whole."""
    folder, vocab = index_folder(built), built.vocab
    _edit(built.usecases_dir / "berlin-giess-den-kiez.yaml", "maturity: scaled", "maturity: pilot")
    result = build(built)
    assert result.mode == "incremental"
    path = index_file(folder, result.release.id)
    assert is_valid(path, vocab, result.release.id)
    full = prepare_index(open_store(built), vocab, "full", tmp_path / "full")
    assert _content(path) == _content(full)
    assert not list(folder.glob("staged-*"))


def test_without_the_previous_index_the_build_writes_it_whole(
    built: Settings, tmp_path: Path
) -> None:
    folder, vocab = index_folder(built), built.vocab
    index_file(folder, open_store(built).release().id).unlink()  # nothing to copy
    _edit(built.usecases_dir / "berlin-giess-den-kiez.yaml", "maturity: scaled", "maturity: pilot")
    result = build(built)
    assert result.mode == "incremental"
    full = prepare_index(open_store(built), vocab, "full", tmp_path / "full")
    assert _content(index_file(folder, result.release.id)) == _content(full)
    assert not list(folder.glob("staged-*"))


def test_a_copy_that_fails_fails_the_build_and_is_removed(built: Settings, monkeypatch) -> None:
    import kg.views.searchindex

    folder, served = index_folder(built), open_store(built).release()

    def broken(source, target, *args, **kwargs):
        Path(target).write_bytes(b"half a copy")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.views.searchindex.shutil, "copyfile", broken)
    _edit(built.usecases_dir / "berlin-giess-den-kiez.yaml", "maturity: scaled", "maturity: pilot")
    with pytest.raises(PublishFailed, match="copying the previous search index failed"):
        build(built)
    assert open_store(built).release() == served
    assert not list(folder.glob("staged-*"))
    monkeypatch.undo()
    assert build(built).mode == "incremental"
