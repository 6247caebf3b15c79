"""The named queries' default pages are answered from a per-release answer file that every web
process shares (kg/sparql/answers.py, web/answers.py): exactly the live answers of that release,
read by another app without running a query, never those of another release, never from a
broken file, and warmed in the background without holding up visitors."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pages_support import counted_runs

from kg.cli import main
from kg.config import Settings
from kg.sparql.answers import (
    MAGIC,
    PageAnswer,
    SharedAnswers,
    answers_folder,
    default_answers,
    warm,
)
from kg.sparql.queries import QueryCatalogue
from kg.store import QueryKind, ResultFormat, Store
from kg.store.embedded import EmbeddedStore
from tests.conftest import ROOT
from web import create_app

CATALOGUE = QueryCatalogue(ROOT / "queries", Settings().vocab)
BNODE_LABEL = re.compile(rb"\bN[0-9a-f]{32}\b")
PATHS = [f"/queries/{q.name}{ext}" for q in CATALOGUE for ext in ("", ".json", ".csv")]


class Apps:
    """Apps made by a test, each with its own query workers (stopped at the end) and its
    answer files in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: list = []

    def __call__(self, settings: Settings, store: Store, *, warmup: bool = False):
        app = create_app(
            {"TESTING": True, "ANSWERS_WARMUP": warmup}, settings=settings, store=store
        )
        app.extensions["kg.named-answers"].shared = SharedAnswers(self.folder)
        self.made.append(app)
        return app

    def close(self) -> None:
        for app in self.made:
            app.extensions["kg.sandbox"].close()


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Apps]:
    made = Apps(tmp_path / "answers")
    try:
        yield made
    finally:
        made.close()


def warmed(app) -> None:
    """Start the app's warm-up (any request does) and wait for it to end."""
    assert app.test_client().get("/health").status_code in (200, 503)
    answers = app.extensions["kg.named-answers"]
    assert answers.thread is not None, "a new release starts the warm-up"
    answers.thread.join(120)
    assert answers.last is not None and answers.last.complete, answers.last


def bodies(app) -> dict[str, list[bytes]]:
    """The lines of every default page and twin. The labels rdflib gives blank nodes when it
    reads a CONSTRUCT answer for the table and the CSV are new on every request (and decide
    the order of their rows), so they are blanked out and the lines compared sorted."""
    client = app.test_client()
    found = {}
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data()[:300])
        found[path] = sorted(BNODE_LABEL.sub(b"_:b", response.get_data()).splitlines())
    return found


def release_id(store: Store) -> str:
    release = store.release()
    assert release is not None
    return release.id


# -- exactly the live answers -------------------------------------------------------------------
@pytest.mark.both_backends
def test_precomputed_answers_are_the_live_answers(built_settings, store, apps) -> None:
    warm_app = apps(built_settings, store, warmup=True)
    warmed(warm_app)
    shared = SharedAnswers(apps.folder)
    release = release_id(store)
    wanted = default_answers(CATALOGUE)
    assert {item.name for item in wanted} == {q.name for q in CATALOGUE}, "every named query"
    pool = warm_app.extensions["kg.sandbox"]
    for item in wanted:
        kept = shared.get(release, item.key)
        assert kept is not None, item.name
        assert kept == pool.run(item.task(built_settings.max_rows)), item.name
    # Pages and twins read from the file equal those a site without the file computes.
    live = apps(built_settings, store)
    live.extensions["kg.named-answers"].shared = SharedAnswers(apps.folder / "elsewhere")
    assert bodies(apps(built_settings, store)) == bodies(live)


def test_a_second_app_answers_from_the_file_without_running_a_query(
    built_settings, store, apps, monkeypatch
) -> None:
    warmed(apps(built_settings, store, warmup=True))
    second = apps(built_settings, store)
    calls = counted_runs(second, monkeypatch)
    bodies(second)
    assert calls == [], f"{len(calls)} queries ran although every default answer was shared"
    # Another page than the default one still runs its query.
    assert second.test_client().get("/queries/usecases-by-sector?sector=energy").status_code == 200
    assert len(calls) == 1


def test_a_forms_choices_come_from_the_file_in_either_language(
    built_settings, store, apps, monkeypatch
) -> None:
    warmed(apps(built_settings, store, warmup=True))
    second = apps(built_settings, store)
    calls = counted_runs(second, monkeypatch)
    client = second.test_client()
    german = client.get("/queries/usecases-by-sector?lang=de").get_data(as_text=True)
    english = client.get("/queries/usecases-by-sector?lang=en").get_data(as_text=True)
    assert '<option value="mobility" selected>Mobilität und Verkehr</option>' in german
    assert '<option value="energy" >Energie</option>' in german
    assert '<option value="mobility" selected>Mobility and transport</option>' in english
    assert calls == [], "the choices of the sector form were computed again"


def test_a_visitors_default_answer_is_shared_with_the_other_processes(
    built_settings, store, apps, monkeypatch
) -> None:
    first, second = apps(built_settings, store), apps(built_settings, store)
    assert first.test_client().get("/queries/sectors-overview.json").status_code == 200
    calls = counted_runs(second, monkeypatch)
    assert second.test_client().get("/queries/sectors-overview").status_code == 200
    assert calls == []
    assert second.test_client().get("/queries/sectors-overview?page=2").status_code == 200
    assert len(calls) == 1, "a page other than the first is not in the file"


# -- never another release's answers ----------------------------------------------------------
@pytest.fixture
def private(embedded_settings: Settings, tmp_path: Path) -> tuple[Settings, EmbeddedStore, Path]:
    """A store of its own holding the shipped corpus, and the N-Quads to publish it again."""
    nquads = tmp_path / "corpus.nq"
    EmbeddedStore(embedded_settings.store_path).dump(ResultFormat.N_QUADS, nquads)
    settings = embedded_settings.replace(store=str(tmp_path / "store"))
    own = EmbeddedStore(settings.store_path)
    own.publish(nquads, {})
    return settings, own, nquads


def forged(body: bytes) -> bytes:
    document = json.loads(body)
    row = document["results"]["bindings"][0]
    name = next(n for n, term in row.items() if term["type"] == "literal")
    row[name] = {"type": "literal", "value": "FORGED-ANSWER"}
    return json.dumps(document).encode("utf-8")


def test_a_new_release_is_never_answered_from_the_previous_ones(private, apps, monkeypatch) -> None:
    settings, own, nquads = private
    app = apps(settings, own, warmup=True)
    shared = SharedAnswers(apps.folder)
    first = release_id(own)
    (item,) = [
        i for i in app.extensions["kg.named-answers"].wanted() if i.name == "sectors-overview"
    ]
    live = app.extensions["kg.sandbox"].run(item.task(settings.max_rows))
    shared.put(first, {item.key: forged(live)})
    client = app.test_client()
    assert b"FORGED-ANSWER" in client.get("/queries/sectors-overview").get_data(), (
        "the page is read from the release's file"
    )
    app.extensions["kg.named-answers"].thread.join(60)  # the first release's warm-up

    second = own.publish(nquads, {}).id
    assert second != first
    calls = counted_runs(app, monkeypatch)
    page = client.get("/queries/sectors-overview")
    assert page.status_code == 200 and b"FORGED-ANSWER" not in page.get_data()
    assert json.loads(client.get("/queries/sectors-overview.json").get_data()) == json.loads(live)
    assert item.text in calls, "the new release's answer was computed, not taken from the old"
    app.extensions["kg.named-answers"].thread.join(60)  # the second release's warm-up
    assert app.extensions["kg.named-answers"].last.release == second
    assert shared.get(second, item.key) == live
    assert not shared.path(first).exists(), "the old release's file goes once the new is complete"


# -- broken files --------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["cut", "flipped", "other release", "garbage", "empty"])
def test_a_broken_answer_file_is_ignored(private, apps, monkeypatch, damage: str) -> None:
    settings, own, _ = private
    release = release_id(own)
    warmed(apps(settings, own, warmup=True))
    shared = SharedAnswers(apps.folder)
    path = shared.path(release)
    data = path.read_bytes()
    if damage == "cut":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    elif damage == "other release":
        shared.put("another-release", {"k": b"v"})
        shared.path("another-release").replace(path)
    elif damage == "garbage":
        path.write_bytes(MAGIC + b"{not json\n" + b"0" * 65)
    else:
        path.write_bytes(b"")
    assert SharedAnswers(apps.folder).entries(release) == {}
    reader = apps(settings, own)
    calls = counted_runs(reader, monkeypatch)
    answer = reader.test_client().get("/queries/sectors-overview.json")
    assert answer.status_code == 200 and json.loads(answer.get_data())["results"]["bindings"]
    assert len(calls) == 1, "answered by the query, not from the broken file"
    assert len(SharedAnswers(apps.folder).entries(release)) == 1, "a sound file replaces it"


# -- the warm-up ---------------------------------------------------------------------------------
def test_the_warm_up_does_not_hold_up_a_visitor(private, apps, monkeypatch) -> None:
    settings, own, _ = private
    app = apps(settings, own, warmup=True)
    pool = app.extensions["kg.sandbox"]
    held, go = threading.Event(), threading.Event()
    run = pool.run

    def slow_warm_up(task, timeout=None):
        if threading.current_thread().name == "kg-answers-warmup":
            held.set()
            assert go.wait(60)
        return run(task, timeout)

    monkeypatch.setattr(pool, "run", slow_warm_up)
    client = app.test_client()
    client.get("/health")
    assert held.wait(60), "the warm-up started with the first request"
    answers = app.extensions["kg.named-answers"]
    last = CATALOGUE.get("usecases-small-municipalities-open-source").name
    started = time.monotonic()
    page = client.get(f"/queries/{last}")
    assert page.status_code == 200
    assert time.monotonic() - started < 30 and not go.is_set()
    assert answers.thread.is_alive(), "the warm-up was still held while the page was served"
    go.set()
    answers.thread.join(60)
    assert answers.last.complete
    assert answers.last.present >= 1, "the visitor's answer was not computed again"
    assert last not in answers.last.seconds


def test_warm_up_waits_for_visitors_and_stops_at_a_new_release(tmp_path: Path) -> None:
    shared = SharedAnswers(tmp_path)
    wanted = [
        PageAnswer(f"q{n}", f"ASK {{ ?s ?p {n} }}", QueryKind.ASK, ResultFormat.SPARQL_JSON)
        for n in range(3)
    ]
    events: list[str] = []
    served = ["r1"]

    def answer(item: PageAnswer) -> bytes:
        events.append(f"run {item.name}")
        if item.name == "q1":
            served[0] = "r2"  # a build published meanwhile
        return item.name.encode()

    done = warm(
        shared, "r1", wanted, answer, current=lambda: served[0],
        pause=lambda: events.append("pause"),
    )  # fmt: skip
    assert events == ["pause", "run q0", "pause", "run q1"]
    assert done.stopped and not done.complete
    assert shared.entries("r1") == {wanted[0].key: b"q0"}, "q1 ran into the next release"


def test_two_processes_warm_each_answer_once(tmp_path: Path) -> None:
    """Two processes' warm-ups (two SharedAnswers on one folder: separate lock files opened)
    compute every answer once between them."""
    wanted = default_answers(CATALOGUE)
    runs: list[str] = []
    lock = threading.Lock()

    def answer(item: PageAnswer) -> bytes:
        with lock:
            runs.append(item.key)
        time.sleep(0.005)
        return item.key.encode()

    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                warm(SharedAnswers(tmp_path), "r1", wanted, answer, current=lambda: "r1")
            )
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(runs) == sorted(item.key for item in wanted)
    assert all(done.complete for done in results) and len(results) == 2
    assert SharedAnswers(tmp_path).entries("r1") == {i.key: i.key.encode() for i in wanted}


def test_old_releases_files_go_when_a_newer_one_is_complete(tmp_path: Path) -> None:
    shared = SharedAnswers(tmp_path)
    shared.put("r1", {"a": b"1", "b": b"2"})
    shared.put("r2", {"a": b"3"})
    assert not shared.complete("r2", ["a", "b"]), "r2 lacks b"
    assert shared.path("r1").exists()
    shared.put("r2", {"b": b"4"})
    assert shared.complete("r2", ["a", "b"])
    assert not shared.path("r1").exists() and shared.entries("r2") == {"a": b"3", "b": b"4"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == [
        shared.path("r2").name
    ], "no temporary file left"


def test_answer_files_lie_beside_the_store_or_in_the_projects_var(tmp_path: Path) -> None:
    embedded = Settings().replace(project=tmp_path, store="var/store")
    remote = Settings().replace(project=tmp_path, store="http://127.0.0.1:9/store")
    assert answers_folder(embedded) == tmp_path / "var" / "store" / "answers"
    assert answers_folder(remote) == tmp_path / "var" / "answers"


def test_kg_answers_fills_the_file_once(private, capsys) -> None:
    settings, own, _ = private
    args = ["--project", str(settings.project), "answers", "--store", str(settings.store_path)]
    assert main(args) == 0
    assert f"{len(CATALOGUE)} queries computed" in capsys.readouterr().out
    release = release_id(own)
    shared = SharedAnswers(answers_folder(settings))
    assert len(shared.entries(release)) == len(default_answers(CATALOGUE))
    assert main(args) == 0
    assert "0 queries computed" in capsys.readouterr().out
