"""Proposals (issue 14): their life, who may do what, and conflicts between them."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from kg import config
from kg.config import Settings
from kg.curation.accounts import Account
from kg.curation.proposals import Proposals
from kg.curation.publish import file_hash
from kg.errors import ConflictError, InvalidRequest, NotFound, PermissionDenied

ADA = Account("ada", "curator")
EVE = Account("eve", "curator")
BOB = Account("bob", "reviewer")
ROOT = Account("root", "admin")
FOO = {"usecases/foo.yaml": "id: usecase/foo\ntype: UseCase\n"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "usecases").mkdir()
    (tmp_path / "usecases" / "bar.yaml").write_text("id: usecase/bar\n", encoding="utf-8")
    return config.load({}, project=tmp_path)


def test_a_proposal_remembers_the_files_and_their_base(settings: Settings) -> None:
    files = {"usecases/bar.yaml": "id: usecase/bar\ntype: UseCase\n", **FOO}
    made = Proposals(settings).create(ADA, "usecase/bar", "edit", files, summary="Typ ergänzt")
    assert (made.status, made.author, made.summary, made.commit) == (
        "draft",
        "ada",
        "Typ ergänzt",
        None,
    )
    assert made.files == files
    assert made.base == {
        "usecases/bar.yaml": file_hash(settings.project / "usecases" / "bar.yaml"),
        "usecases/foo.yaml": None,
    }
    assert Proposals(settings).get(made.id) == made
    assert Proposals(settings).open_for("usecase/bar") == made
    assert Proposals(settings).open_for("usecase/foo") is None


def test_review_cycle_and_who_may_do_what(settings: Settings) -> None:
    proposals = Proposals(settings)
    made = proposals.create(ADA, "usecase/foo", "create", FOO)
    with pytest.raises(PermissionDenied):
        proposals.submit(made.id, EVE)
    with pytest.raises(ConflictError):  # a draft is not yet up for review
        proposals.request_changes(made.id, BOB, "not yet")
    proposals.submit(made.id, ADA)
    with pytest.raises(PermissionDenied):  # a curator does not review
        proposals.request_changes(made.id, EVE, "no")
    with pytest.raises(PermissionDenied):
        proposals.approve(made.id, EVE)
    with pytest.raises(PermissionDenied):  # the author does not review their own proposal
        proposals.request_changes(made.id, Account("ada", "reviewer"), "mine")
    with pytest.raises(PermissionDenied):
        proposals.approve(made.id, Account("ada", "admin"))
    with pytest.raises(ConflictError):  # submitted: the author waits for the review
        proposals.update(made.id, ADA, FOO)
    with pytest.raises(InvalidRequest):
        proposals.request_changes(made.id, BOB, "  ")
    back = proposals.request_changes(made.id, BOB, "Bitte Titel ergänzen")
    assert back.status == "changes-requested"
    assert [(c.author, c.kind, c.text) for c in back.comments] == [
        ("bob", "request-changes", "Bitte Titel ergänzen")
    ]
    with pytest.raises(PermissionDenied):
        proposals.update(made.id, EVE, FOO)
    text = {"usecases/foo.yaml": FOO["usecases/foo.yaml"] + "title: {de: Foo, en: Foo}\n"}
    fixed = proposals.update(made.id, ADA, text, summary="mit Titel")
    assert (fixed.files, fixed.summary, fixed.status) == (text, "mit Titel", "changes-requested")
    assert proposals.submit(made.id, ADA).status == "submitted"
    proposals.comment(made.id, EVE, "sieht gut aus")
    assert [c.kind for c in proposals.get(made.id).comments] == ["request-changes", "comment"]


def test_withdraw_by_the_author_or_an_admin_only(settings: Settings) -> None:
    proposals = Proposals(settings)
    one = proposals.create(ADA, "usecase/foo", "create", FOO)
    with pytest.raises(PermissionDenied):
        proposals.withdraw(one.id, BOB)
    assert proposals.withdraw(one.id, ROOT).status == "withdrawn"
    with pytest.raises(ConflictError):
        proposals.withdraw(one.id, ADA)
    two = proposals.create(EVE, "usecase/foo", "create", FOO)  # the entity is free again
    assert proposals.withdraw(two.id, EVE).status == "withdrawn"
    assert [p.id for p in proposals.list(status="withdrawn")] == [two.id, one.id]
    assert [p.id for p in proposals.list(author="ada")] == [one.id]
    with pytest.raises(NotFound) as caught:
        proposals.get(99)
    assert caught.value.status == 404 and "Nr. 99" in caught.value.text("de")


def test_the_second_proposal_on_an_entity_or_a_file_names_the_first(settings: Settings) -> None:
    proposals = Proposals(settings)
    first = proposals.create(ADA, "usecase/bar", "edit", {"usecases/bar.yaml": "id: usecase/bar\n"})
    with pytest.raises(ConflictError) as caught:
        proposals.create(EVE, "usecase/bar", "delete", {"usecases/other.yaml": None})
    assert f"#{first.id}" in str(caught.value) and "'ada'" in str(caught.value)
    assert f"Nr. {first.id}" in caught.value.text("de")
    with pytest.raises(ConflictError, match=r"usecases/bar\.yaml"):
        proposals.create(EVE, "usecase/baz", "create", {"usecases/bar.yaml": "x: 1\n"})
    with pytest.raises(ConflictError):  # the new id of a rename counts too
        proposals.create(
            EVE, "usecase/qux", "edit", {"usecases/qux.yaml": "x"}, new_entity="usecase/bar"
        )
    other = proposals.create(EVE, "usecase/baz", "create", {"usecases/baz.yaml": "x: 1\n"})
    with pytest.raises(ConflictError):  # nor can an update reach into another's files
        proposals.update(other.id, EVE, {"usecases/bar.yaml": "x: 2\n"})
    assert len(proposals.list()) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "usecases/../ontology/shapes.ttl",
        "usecases/.retired.yaml",
        "usecases/.hidden/x.yaml",
        "ontology/shapes.ttl",
        "usecases/notes.md",
        "usecases",
        "usecases//x.yaml",
        "usecases\\x.yaml",
    ],
)
def test_only_visible_curated_files_can_be_proposed(settings: Settings, path: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        Proposals(settings).create(ADA, "usecase/foo", "create", {path: "x"})
    assert caught.value.problems[0].field == "files"
    assert Proposals(settings).list() == []


def test_the_action_entity_and_files_must_make_sense(settings: Settings) -> None:
    with pytest.raises(InvalidRequest):
        Proposals(settings).create(ADA, "usecase/foo", "rename", FOO)
    with pytest.raises(InvalidRequest):
        Proposals(settings).create(ADA, "usecase/foo", "create", {})
    for entity in ("usecase", "usecase/Foo", "usecase/foo/bar", "../foo"):
        with pytest.raises(InvalidRequest):
            Proposals(settings).create(ADA, entity, "create", FOO)
    with pytest.raises(InvalidRequest):
        Proposals(settings).create(ADA, "usecase/foo", "edit", FOO, new_entity="usecase/x y")


def test_simultaneous_proposals_from_threads_make_one_and_conflicts(settings: Settings) -> None:
    """Twenty rounds of six threads proposing the same new entity at once: the check and the
    insert are one transaction, so every round ends with one proposal."""
    rounds, racers = 20, 6
    outcomes: dict[str, list[str]] = {f"usecase/foo-{r}": [] for r in range(rounds)}

    def propose(n: int, entity: str, start: threading.Barrier) -> None:
        files = {f"usecases/{entity.split('/')[1]}.yaml": f"id: {entity}\n"}
        start.wait()
        try:
            Proposals(settings).create(Account(f"c{n}", "curator"), entity, "create", files)
            outcomes[entity].append("made")
        except ConflictError:
            outcomes[entity].append("conflict")

    for entity in outcomes:
        start = threading.Barrier(racers)
        threads = [threading.Thread(target=propose, args=(n, entity, start)) for n in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for entity, results in outcomes.items():
        assert sorted(results) == ["conflict"] * (racers - 1) + ["made"], entity
    assert len(Proposals(settings).list()) == rounds


def _propose_in_process(settings: Settings, name: str, start, results) -> None:
    start.wait()
    try:
        Proposals(settings).create(Account(name, "curator"), "usecase/foo", "create", FOO)
        results.put("made")
    except ConflictError:
        results.put("conflict")


def test_simultaneous_proposals_from_processes_make_one_and_a_conflict(settings: Settings) -> None:
    Proposals(settings).list()  # the database exists before the race (as in a running site)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_propose_in_process, args=(settings, name, start, results))
        for name in ("ada", "eve")
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=120)
    assert outcomes == ["conflict", "made"]
    assert [p.entity for p in Proposals(settings).list()] == ["usecase/foo"]
