"""Platforms typed by the OASC Minimal Interoperability Mechanisms (issue 20): the sourced SKOS
scheme, the ``mims`` field and its shape, the curators' suggestions, the MIMs the build derives
from a platform's standards, and the named query "platforms by MIM".

The project is the v2 fixture: the Herrenberg platform conforms to the OGC SensorThings API,
which OASC names as a mechanism of MIM7; the test adds a declared MIM to the Sindelfingen
platform.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from kg import config
from kg.authoring.ontology import OntologyFiles
from kg.authoring.vocabularies import (
    MUSTERDATENKATALOG,
    read_musterdatenkatalog,
    scheme_suggestions,
    suggest,
)
from kg.build.pipeline import build
from kg.build.validate import validate_project
from kg.cli import main
from kg.namespaces import SKOS, Vocabulary
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
V2 = ROOT / "tests" / "fixtures" / "v2"
PLATFORMS = Path("usecases") / "shared" / "platforms.yaml"
SINDELFINGEN = "    hosting: municipal-it-provider\n"
MIMS = [f"mim{n}" for n in range(1, 8)]


def make_project(folder: Path, mims: str = "[mim4]") -> Path:
    for name in ("ontology", "queries", "usecases"):
        shutil.copytree(ROOT / name if name != "usecases" else V2 / name, folder / name)
    path = folder / PLATFORMS
    text = path.read_text(encoding="utf-8")
    assert text.count(SINDELFINGEN) == 1
    path.write_text(text.replace(SINDELFINGEN, SINDELFINGEN + f"    mims: {mims}\n"), "utf-8")
    return folder


# -- the scheme ------------------------------------------------------------------------------


def test_every_mim_has_both_labels_a_notation_and_a_source() -> None:
    vocab = Vocabulary()
    tbox = OntologyFiles(ROOT / "ontology", vocab).tbox
    skos = rdflib.Namespace(SKOS)
    scheme = rdflib.URIRef(vocab.entity("scheme", "oasc-mims"))
    concepts = sorted(tbox.subjects(skos.inScheme, scheme))
    assert [str(c).rsplit("/", 1)[1] for c in concepts] == MIMS
    source = rdflib.URIRef("http://purl.org/dc/terms/source")
    for concept in concepts:
        langs = {o.language for o in tbox.objects(concept, skos.prefLabel)}
        assert langs == {"de", "en"}
        assert str(tbox.value(concept, skos.notation)) == str(concept).rsplit("/", 1)[1]
        sources = {str(o) for o in tbox.objects(concept, source)}
        assert "https://oascities.org/minimal-interoperability-mechanisms/" in sources
    label = rdflib.Literal("MIM1 – Context Information Management", lang="en")
    assert (rdflib.URIRef(vocab.entity("mim", "mim1")), skos.prefLabel, label) in tbox


# -- authoring: the field, its shape, the suggestions ---------------------------------------


def test_an_unknown_mim_code_names_file_line_and_field(tmp_path: Path) -> None:
    project = make_project(tmp_path, mims="[mim1, mim9]")
    _, report = validate_project(project, Vocabulary())
    found = [f for f in report.findings if f.field == "mims"]
    lines = (project / PLATFORMS).read_text(encoding="utf-8").splitlines()
    line = lines.index("    mims: [mim1, mim9]") + 1
    assert [(f.severity, f.file, f.line, f.value) for f in found] == [
        ("Violation", str(PLATFORMS), line, "mim9")
    ]
    assert "mim1, mim2" in found[0].message["en"] and "Unknown code" in found[0].message["en"]
    assert "Unbekannter Code" in found[0].message["de"]


def test_known_mim_codes_conform(tmp_path: Path) -> None:
    _, report = validate_project(make_project(tmp_path), Vocabulary())
    assert [f for f in report.findings if f.severity == "Violation"] == []


def test_suggestions_for_mims_and_capabilities() -> None:
    templates = read_musterdatenkatalog(ROOT / "ontology" / MUSTERDATENKATALOG)
    mims = scheme_suggestions(ROOT / "ontology", "mims")
    assert [s.code for s in mims] == MIMS
    # a match in the label first, then one in the definition only
    assert [s.code for s in suggest("mims", "kontext", templates, concepts=mims)] == [
        "mim1",
        "mim7",
    ]
    assert [s.code for s in suggest("mims", "geospatial", templates, concepts=mims)] == ["mim7"]
    assert [s.code for s in suggest("mims", "MIM4", templates, concepts=mims)] == ["mim4"]
    capabilities = scheme_suggestions(ROOT / "ontology", "capabilities")
    found = suggest("capabilities", "Integration", templates, concepts=capabilities)
    assert found[0].code == "integration"


def test_kg_suggest_mims_in_the_chosen_language(capsys) -> None:
    assert main(["--project", str(ROOT), "--lang", "de", "suggest", "mims", "Geodaten"]) == 0
    assert "mim7\tMIM7 – Management von Geoinformationen\t" in capsys.readouterr().out
    assert main(["--project", str(ROOT), "--lang", "en", "suggest", "mims", "context"]) == 0
    assert capsys.readouterr().out.startswith("mim1\tMIM1 – Context Information Management\t")
    assert main(["--project", str(ROOT), "--lang", "en", "suggest", "mims", "zzzq"]) == 1


# -- the build: declared and derived MIMs, the named query ----------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    project = make_project(tmp_path_factory.mktemp("mims"))
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


def _graphs(settings: config.Settings) -> set[tuple[str, str, str]]:
    mim = "<https://w3id.org/sckg/ontology#implementsMim>"
    query = f"SELECT ?g ?p ?m WHERE {{ GRAPH ?g {{ ?p {mim} ?m }} }}"
    rows = open_store(settings).select(query)
    return {(r["g"].value.rsplit("/", 1)[1], r["p"].value, r["m"].value) for r in rows}


def test_the_build_derives_mim7_from_the_sensorthings_api_into_the_inferred_graph(built) -> None:
    base = "https://w3id.org/sckg/"
    assert _graphs(built) == {
        ("inferred", base + "platform/herrenberg-urban-platform", base + "mim/mim7"),
        ("platforms.yaml", base + "platform/sindelfingen-data-platform", base + "mim/mim4"),
    }


def test_platforms_by_mim(built) -> None:
    from kg.sparql.queries import QueryCatalogue

    query = QueryCatalogue(built.queries_dir, built.vocab).get("platforms-by-mim")
    rows = open_store(built).select(query.text, query.bindings({}, built.vocab))
    found = [
        (r["mim"].value.rsplit("/", 1)[1], r["platform"].value.rsplit("/", 1)[1],
         r["declared"].value, r["useCases"].value)
        for r in rows
    ]  # fmt: skip
    assert found == [
        ("mim4", "sindelfingen-data-platform", "true", "1"),
        ("mim7", "herrenberg-urban-platform", "false", "2"),
    ]


# -- pages -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(built):
    from web import create_app

    return create_app({"TESTING": True}, settings=built).test_client()


def test_the_platform_page_tells_declared_from_derived_mims(client) -> None:
    derived = client.get("/platform/herrenberg-urban-platform.html?lang=de").get_data(True)
    assert "OASC-MIMs" in derived and "/mim/mim7" in derived
    assert 'class="badge inferred"' in derived.split("OASC-MIMs", 1)[1].split("</dd>", 1)[0]
    declared = client.get("/platform/sindelfingen-data-platform.html?lang=en").get_data(True)
    facts = declared.split("OASC MIMs", 1)[1].split("</dd>", 1)[0]
    assert "/mim/mim4" in facts and "badge inferred" not in facts


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("de", ["MIM7 – Management von Geoinformationen", "Plattformen, die ihn umsetzen"]),
        ("en", ["MIM7 – Geospatial Information Management", "Platforms implementing it"]),
    ],
)
def test_the_mim_page_lists_platforms_and_their_use_cases(client, lang, words) -> None:
    response = client.get(f"/mim/mim7.html?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for word in words:
        assert word in html
    assert "/platform/herrenberg-urban-platform" in html
    assert "/usecase/herrenberg-parking-guidance" in html
    assert 'href="/mim/mim7.json"' in html or "/mim/mim7.json" in html
    assert "https://mims.oascities.org/geospatial-data/mechanisms" in html


def test_the_mim_page_has_json_and_csv_twins(client) -> None:
    data = client.get("/mim/mim7.json").get_json()
    assert [(p["iri"].rsplit("/", 1)[1], p["declared"]) for p in data["platforms"]] == [
        ("herrenberg-urban-platform", False)
    ]
    usecases = {u["iri"].rsplit("/", 1)[1] for u in data["platforms"][0]["useCases"]}
    assert usecases == {"herrenberg-ev-charging", "herrenberg-parking-guidance"}
    csv = client.get("/mim/mim4.csv").get_data(as_text=True).splitlines()
    assert csv[0] == "platform,platformTitle,declared,useCase,useCaseTitle"
    assert csv[1].startswith("https://w3id.org/sckg/platform/sindelfingen-data-platform,")
    assert ",true," in csv[1]
    assert client.get("/mim/mim9.html").status_code == 404
