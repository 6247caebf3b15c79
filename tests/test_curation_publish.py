"""Publishing proposals into a git project (issue 14): files, build, commit, history, revert,
retired entities. Each test works on its own small git project: the shipped ontology and
queries with the use cases of tests/fixtures/v2, committed and built once."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from servers import OxigraphServer

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.curation import git, history, retired
from kg.curation.accounts import Account
from kg.curation.proposals import Proposals
from kg.errors import (
    ConflictError,
    InvalidRequest,
    PermissionDenied,
    PublishFailed,
    ValidationFailed,
)
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
ADA = Account("ada", "curator")
BOB = Account("bob", "reviewer")
PLOEN = "usecases/ploen-school-transport.yaml"
DATASETS = "usecases/shared/datasets.yaml"


def _project(tmp_path: Path, with_git: bool = True, store: str | None = None) -> Settings:
    project = tmp_path / "project"
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copytree(ROOT / "tests" / "fixtures" / "v2" / "usecases", project / "usecases")
    (project / ".gitignore").write_text("var/\n", encoding="utf-8")
    if with_git:
        git.run(project, "init", "-q", "-b", "main")
        git.run(project, "add", "-A")
        git.run(project, "commit", "-q", "-m", "Initial corpus", committer="setup")
    settings = config.load({}, project=project, store=store or str(project / "var" / "store"))
    build(settings)
    return settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return _project(tmp_path)


def _text(settings: Settings, path: str) -> str:
    return (settings.project / path).read_text(encoding="utf-8")


def _defined(settings: Settings, entity: str) -> bool:
    iri = settings.vocab.entity(*entity.split("/"))
    return open_store(settings).ask(f"ASK {{ <{iri}> a ?type }}")


def _submitted(settings: Settings, entity: str, action: str, files: dict, **kw):
    proposals = Proposals(settings)
    made = proposals.create(ADA, entity, action, files, **kw)
    return proposals.submit(made.id, ADA)


def _head(settings: Settings) -> str:
    return git.run(settings.project, "rev-parse", "HEAD").strip()


def _new_usecase(settings: Settings, slug: str, title: str) -> str:
    text = _text(settings, PLOEN).replace("usecase/ploen-school-transport", f"usecase/{slug}")
    return text.replace("Schülerbeförderung im Kreis Plön", title)


def test_create_review_publish_history_and_revert(settings: Settings) -> None:
    path, entity = "usecases/kiel-school-bus.yaml", "usecase/kiel-school-bus"
    proposals = Proposals(settings)
    made = proposals.create(
        ADA,
        entity,
        "create",
        {path: _new_usecase(settings, "kiel-school-bus", "Schulbus")},
        summary="Neuer Anwendungsfall\n\nReviewed-by: mallory\nProposal: 999",
    )
    proposals.submit(made.id, ADA)
    proposals.request_changes(made.id, BOB, "Bitte den Ort im Titel nennen")
    text = _new_usecase(settings, "kiel-school-bus", "Schulbus in Kiel")
    proposals.update(made.id, ADA, {path: text})
    proposals.submit(made.id, ADA)
    with pytest.raises(PermissionDenied):
        proposals.approve(made.id, Account("eve", "curator"))
    with pytest.raises(PermissionDenied):
        proposals.approve(made.id, Account("ada", "reviewer"))
    assert not (settings.project / path).exists()

    done = proposals.approve(made.id, BOB, "passt")
    assert done.status == "published" and done.commit == _head(settings)
    assert _text(settings, path) == text
    assert _defined(settings, entity)
    log = git.run(settings.project, "log", "-1", "--format=%an <%ae>|%cn|%B")
    assert log.startswith("ada <ada@curators.invalid>|bob|")
    assert "Reviewed-by: bob\nProposal: " + str(made.id) in log
    assert git.run(settings.project, "status", "--porcelain").strip() == ""

    (change,) = history.changes(settings, entity)
    assert (change.commit, change.author, change.reviewer, change.proposal) == (
        done.commit,
        "ada",
        "bob",
        made.id,
    )
    assert '+title: {de: "Schulbus in Kiel"' in change.diff

    with pytest.raises(PermissionDenied):
        history.revert(settings, done.commit, ADA)
    undone = history.revert(settings, done.commit, BOB)
    assert undone == _head(settings)
    assert not (settings.project / path).exists()
    assert not _defined(settings, entity)
    gone = retired.load(settings)[entity]
    assert (gone.replaced_by, gone.commit) == (None, done.commit)
    changes = history.changes(settings, entity)
    assert [c.commit for c in changes] == [undone, done.commit]
    assert changes[0].author == "bob" and changes[0].reviewer == "bob"
    assert git.run(settings.project, "status", "--porcelain").strip() == ""


def test_history_of_a_record_in_a_shared_file_leaves_out_its_neighbours(settings: Settings) -> None:
    one, two = "dataset/herrenberg-parking-occupancy", "dataset/stuttgart-air-quality-readings"
    first = _text(settings, DATASETS).replace(
        '"Parkplatzbelegung Herrenberg"', '"Belegung der Parkplätze"'
    )
    published = Proposals(settings).approve(
        _submitted(settings, one, "edit", {DATASETS: first}).id, BOB
    )
    second = first.replace('"Luftqualitätsmesswerte Stuttgart"', '"Luftmesswerte Stuttgart"')
    other = Proposals(settings).approve(
        _submitted(settings, two, "edit", {DATASETS: second}).id, BOB
    )
    initial = git.run(settings.project, "rev-list", "--max-parents=0", "HEAD").strip()
    assert [c.commit for c in history.changes(settings, one)] == [published.commit, initial]
    assert [c.commit for c in history.changes(settings, two)] == [other.commit, initial]
    assert history.changes(settings, "dataset/nothing-like-this") == []


def test_a_file_changed_since_the_proposal_is_a_conflict_and_nothing_is_written(
    settings: Settings,
) -> None:
    proposal = _submitted(
        settings,
        "usecase/ploen-school-transport",
        "edit",
        {PLOEN: _text(settings, PLOEN).replace("maturity: idea", "maturity: pilot")},
    )
    meanwhile = _text(settings, PLOEN) + "# edited by hand\n"
    (settings.project / PLOEN).write_text(meanwhile, encoding="utf-8")
    head, release = _head(settings), open_store(settings).release()
    with pytest.raises(ConflictError) as caught:
        Proposals(settings).approve(proposal.id, BOB)
    assert PLOEN in str(caught.value) and PLOEN in caught.value.text("de")
    assert _text(settings, PLOEN) == meanwhile
    assert _head(settings) == head and open_store(settings).release() == release
    assert Proposals(settings).get(proposal.id).status == "submitted"


def test_a_failed_build_restores_every_file_byte_for_byte(settings: Settings) -> None:
    original = (settings.project / PLOEN).read_bytes()
    broken = {
        PLOEN: _text(settings, PLOEN).replace("maturity: idea", "maturity: ideaa"),
        "usecases/new/folder/new-one.yaml": _new_usecase(settings, "new-one", "Neu").replace(
            "places: [kreis-ploen]", "places: 7"
        ),
    }
    proposal = _submitted(settings, "usecase/ploen-school-transport", "edit", broken)
    head, release = _head(settings), open_store(settings).release()
    with pytest.raises(ValidationFailed) as caught:
        Proposals(settings).approve(proposal.id, BOB)
    notes = "\n".join(caught.value.__notes__)
    assert release.id in notes and "restored" in notes
    assert (settings.project / PLOEN).read_bytes() == original
    assert not (settings.project / "usecases" / "new").exists()
    assert _head(settings) == head and open_store(settings).release().id == release.id
    assert git.run(settings.project, "status", "--porcelain").strip() == ""
    assert Proposals(settings).get(proposal.id).status == "submitted"


def test_delete_retires_and_reverting_the_deletion_brings_it_back(settings: Settings) -> None:
    entity = "usecase/ploen-school-transport"
    before = _head(settings)
    done = Proposals(settings).approve(
        _submitted(settings, entity, "delete", {PLOEN: None}).id, BOB
    )
    assert not (settings.project / PLOEN).exists() and not _defined(settings, entity)
    gone = retired.load(settings)[entity]
    assert (gone.replaced_by, gone.commit) == (None, before)
    tracked = git.run(settings.project, "ls-files", "usecases").splitlines()
    assert retired.PATH in tracked and PLOEN not in tracked
    history.revert(settings, done.commit, BOB)
    assert _defined(settings, entity)
    assert entity not in retired.load(settings)
    assert [c.author for c in history.changes(settings, entity)] == ["bob", "ada", "setup"]


def test_rename_forwards_the_old_id(settings: Settings) -> None:
    old, new = "usecase/ploen-school-transport", "usecase/ploen-school-buses"
    path = "usecases/ploen-school-buses.yaml"
    files = {PLOEN: None, path: _text(settings, PLOEN).replace(old, new)}
    done = Proposals(settings).approve(
        _submitted(settings, old, "edit", files, new_entity=new).id, BOB
    )
    assert _defined(settings, new) and not _defined(settings, old)
    assert retired.load(settings)[old].replaced_by == new
    assert new not in retired.load(settings)
    assert history.changes(settings, new)[0].commit == done.commit


def test_the_second_approval_of_one_proposal_is_refused(settings: Settings) -> None:
    proposal = _submitted(settings, "usecase/ploen-school-transport", "delete", {PLOEN: None})
    Proposals(settings).approve(proposal.id, BOB)
    with pytest.raises(ConflictError):
        Proposals(settings).approve(proposal.id, Account("carl", "admin"))


def test_publishing_needs_a_git_project(tmp_path: Path) -> None:
    settings = _project(tmp_path, with_git=False)
    proposal = _submitted(settings, "usecase/ploen-school-transport", "delete", {PLOEN: None})
    with pytest.raises(PublishFailed, match="not a git work tree") as caught:
        Proposals(settings).approve(proposal.id, BOB)
    assert "kein Git-Arbeitsverzeichnis" in caught.value.text("de")
    assert (settings.project / PLOEN).exists()


def test_only_the_proposals_files_are_committed_and_modes_are_kept(settings: Settings) -> None:
    (settings.project / PLOEN).chmod(0o640)
    other = settings.project / "usecases" / "herrenberg-ev-charging.yaml"
    staged = other.read_text(encoding="utf-8") + "# staged by hand\n"
    other.write_text(staged, encoding="utf-8")
    git.run(settings.project, "add", str(other))
    text = _text(settings, PLOEN).replace("maturity: idea", "maturity: pilot")
    done = Proposals(settings).approve(
        _submitted(settings, "usecase/ploen-school-transport", "edit", {PLOEN: text}).id, BOB
    )
    shown = git.run(settings.project, "show", "--name-only", "--format=", done.commit)
    assert shown.split() == [PLOEN]
    assert git.run(settings.project, "diff", "--cached", "--name-only").split() == [
        "usecases/herrenberg-ev-charging.yaml"
    ]
    assert (settings.project / PLOEN).stat().st_mode & 0o777 == 0o640
    same = Proposals(settings).approve(
        _submitted(settings, "usecase/ploen-school-transport", "edit", {PLOEN: text}).id, BOB
    )  # nothing changes: an empty commit records the review, the staged file stays staged
    assert git.run(settings.project, "show", "--name-only", "--format=", same.commit).split() == []
    assert git.run(settings.project, "diff", "--cached", "--name-only").split() == [
        "usecases/herrenberg-ev-charging.yaml"
    ]


def test_git_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    git.run(tmp_path, "init", "-q")
    with pytest.raises(PublishFailed):
        git.run(tmp_path, "show", f"$(touch {marker})")
    assert not marker.exists()


def test_two_reviewers_publishing_at_once_take_turns(settings: Settings) -> None:
    """The publishing lock serialises the two: both proposals are published, one commit each,
    and the second build starts from the first one's files."""
    one = _submitted(settings, "usecase/ploen-school-transport", "delete", {PLOEN: None})
    path = "usecases/kiel-school-bus.yaml"
    two = Proposals(settings).create(
        Account("eve", "curator"), "usecase/kiel-school-bus", "create",
        {path: _new_usecase(settings, "kiel-school-bus", "Schulbus in Kiel")},
    )  # fmt: skip
    Proposals(settings).submit(two.id, Account("eve", "curator"))
    start, errors = threading.Barrier(2), []

    def approve(number: int, reviewer: Account) -> None:
        start.wait()
        try:
            Proposals(settings).approve(number, reviewer)
        except Exception as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=approve, args=(one.id, BOB)),
        threading.Thread(target=approve, args=(two.id, Account("carl", "reviewer"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log = git.run(settings.project, "log", "--format=%an", "-3").split()
    assert sorted(log[:2]) == ["ada", "eve"] and log[2] == "setup"
    assert _defined(settings, "usecase/kiel-school-bus")
    assert not _defined(settings, "usecase/ploen-school-transport")
    assert git.run(settings.project, "status", "--porcelain").strip() == ""


def test_a_revert_needs_a_curated_commit_whose_files_did_not_change_since(
    settings: Settings,
) -> None:
    entity = "usecase/ploen-school-transport"
    first = _text(settings, PLOEN).replace("maturity: idea", "maturity: pilot")
    one = Proposals(settings).approve(_submitted(settings, entity, "edit", {PLOEN: first}).id, BOB)
    second = first.replace("start: 2025", "start: 2024")
    two = Proposals(settings).approve(_submitted(settings, entity, "edit", {PLOEN: second}).id, BOB)
    head = _head(settings)
    with pytest.raises(ConflictError) as caught:
        history.revert(settings, one.commit, BOB)
    assert PLOEN in caught.value.text("de") and _head(settings) == head
    assert _text(settings, PLOEN) == second
    for wrong in ("not-a-commit", "0" * 40, "HEAD~1; rm -rf /"):
        with pytest.raises(InvalidRequest):
            history.revert(settings, wrong, BOB)
    git.run(settings.project, "commit", "-q", "--allow-empty", "-m", "nothing", committer="x")
    with pytest.raises(InvalidRequest):  # a commit that changes no curated file
        history.revert(settings, _head(settings), BOB)
    history.revert(settings, two.commit, BOB)
    history.revert(settings, one.commit, BOB)
    assert _text(settings, PLOEN) == git.show(settings.project, "HEAD~5", PLOEN).decode()


def test_publishing_and_reverting_against_a_remote_store(tmp_path: Path) -> None:
    """Curation does not care where the release lives: an Oxigraph server works as well."""
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        settings = _project(tmp_path, store=server.url)
        assert settings.is_remote
        path, entity = "usecases/kiel-school-bus.yaml", "usecase/kiel-school-bus"
        made = _submitted(
            settings, entity, "create", {path: _new_usecase(settings, "kiel-school-bus", "Bus")}
        )
        done = Proposals(settings).approve(made.id, BOB)
        assert done.status == "published" and _defined(settings, entity)
        history.revert(settings, done.commit, BOB)
        assert not _defined(settings, entity)
        assert entity in retired.load(settings)
    finally:
        server.stop()
