"""Preview of a proposal (issue 14): the served release with the changed files, in memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import config
from kg.build.pipeline import build
from kg.config import Settings
from kg.curation.preview import release_with
from kg.errors import InvalidRequest, NotFound, PublishFailed
from kg.rdf import IRI
from kg.store import Store, open_store
from kg.views.describe import describe

ROOT = Path(__file__).resolve().parent.parent
PLOEN = "usecases/ploen-school-transport.yaml"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    project = tmp_path_factory.mktemp("preview")
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copytree(ROOT / "tests" / "fixtures" / "v2" / "usecases", project / "usecases")
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


def _count(store: Store) -> int:
    return int(store.select(COUNT)[0]["n"].value)


def _text(settings: Settings) -> str:
    return (settings.project / PLOEN).read_text(encoding="utf-8")


def test_without_changes_the_preview_holds_the_release(settings: Settings) -> None:
    served = open_store(settings)
    preview = release_with(settings, {})
    assert _count(preview) == _count(served)
    assert preview.release() == served.release()


def test_an_edited_file_shows_its_new_text_and_the_release_stays(settings: Settings) -> None:
    served = open_store(settings)
    text = _text(settings).replace("Schülerbeförderung im Kreis Plön", "Schulbusse im Kreis Plön")
    preview = release_with(settings, {PLOEN: text})
    page = describe(preview, settings.vocab, "usecase", "ploen-school-transport")
    assert page.label("de") == "Schulbusse im Kreis Plön"
    old = describe(served, settings.vocab, "usecase", "ploen-school-transport")
    assert old.label("de") == "Schülerbeförderung im Kreis Plön"
    assert _count(preview) == _count(served)


def test_a_new_file_appears_with_its_links_and_a_removed_one_is_gone(settings: Settings) -> None:
    new = _text(settings).replace("usecase/ploen-school-transport", "usecase/ploen-school-buses")
    preview = release_with(settings, {PLOEN: None, "usecases/ploen-school-buses.yaml": new})
    page = describe(preview, settings.vocab, "usecase", "ploen-school-buses")
    assert page.label("en") == "School transport in the District of Plön"
    derived = preview.select(
        "SELECT ?s ?p ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        {
            "s": IRI(settings.vocab.entity("usecase", "ploen-school-buses")),
            "p": IRI("http://www.w3.org/ns/dcat#theme"),
            "g": IRI(settings.vocab.graph("inferred")),
        },
    )
    assert {row["o"].value.rsplit("/", 1)[1] for row in derived} == {"education", "mobility"}
    with pytest.raises(NotFound):
        describe(preview, settings.vocab, "usecase", "ploen-school-transport")
    with pytest.raises(NotFound):
        describe(open_store(settings), settings.vocab, "usecase", "ploen-school-buses")


def test_a_preview_cannot_be_published_nor_reach_outside_the_curated_files(
    settings: Settings,
) -> None:
    with pytest.raises(InvalidRequest):
        release_with(settings, {"ontology/shapes.ttl": ""})
    with pytest.raises(PublishFailed):
        release_with(settings, {}).publish(settings.project / "x.nq", {})
