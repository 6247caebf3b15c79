"""Dataset types (Musterdatenkatalog) and data models (FIWARE Smart Data Models), issue 20:
the vocabularies, the authoring fields, additions in a file of their own, the checks and the
curators' suggestion helper. The project is the v2 fixture with tests/fixtures/datamodels
laid over it (its README says what to expect)."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from kg import config
from kg.authoring.ontology import OntologyFiles
from kg.authoring.vocabularies import (
    MUSTERDATENKATALOG,
    read_musterdatenkatalog,
    smart_data_models,
    suggest,
)
from kg.build.pipeline import build
from kg.build.validate import validate_project
from kg.cli import main
from kg.namespaces import SKOS, Vocabulary
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
V2 = ROOT / "tests" / "fixtures" / "v2"
OVERLAY = ROOT / "tests" / "fixtures" / "datamodels"
TABLE = ROOT / "ontology" / MUSTERDATENKATALOG
LUFT = "klimaschutzUndUmweltschutz--berichtUndAnalyse-luftUndEmission"


def make_project(folder: Path) -> Path:
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(ROOT / "queries", folder / "queries")
    shutil.copytree(V2 / "usecases", folder / "usecases")
    shutil.copytree(OVERLAY / "usecases", folder / "usecases", dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def dm_settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    project = make_project(tmp_path_factory.mktemp("dm-project"))
    settings = config.load({}, project=project, store=str(project / "var" / "store"))
    build(settings)
    return settings


@pytest.fixture(scope="module")
def dm_store(dm_settings):
    return open_store(dm_settings)


# -- the vocabularies ------------------------------------------------------------------------


def test_the_table_reads_into_242_templates_in_26_themes() -> None:
    templates = read_musterdatenkatalog(TABLE)
    assert len(templates) == 242
    assert len({t.theme for t in templates}) == 26
    assert len({t.code for t in templates}) == 242
    # the row with the unclosed quote keeps its description and its English label apart
    row = next(t for t in templates if t.code == "bevoelkerungsstruktur--migrationshintergrund")
    assert row.label_en == "Migration background"
    assert row.theme_en == "Population structure"
    assert row.description_de.endswith("'Migrationshintergrund'")


def test_dataset_types_are_a_skos_scheme_with_both_languages_and_themes_broader() -> None:
    import rdflib

    vocab = Vocabulary()
    tbox = OntologyFiles(ROOT / "ontology", vocab).tbox
    node = rdflib.URIRef(vocab.entity("dataset-type", "verkehr--kfz-parkplatz"))
    labels = {(str(o), o.language) for o in tbox.objects(node, rdflib.URIRef(SKOS + "prefLabel"))}
    assert labels == {("KFZ - Parkplatz", "de"), ("Motor vehicle - parking lot", "en")}
    theme = tbox.value(node, rdflib.URIRef(SKOS + "broader"))
    assert theme == rdflib.URIRef(vocab.entity("dataset-type", "verkehr"))
    label = rdflib.URIRef(SKOS + "prefLabel")
    assert (theme, label, rdflib.Literal("Transport", lang="en")) in tbox
    kinds = set(tbox.objects(node, rdflib.RDF.type))
    assert rdflib.URIRef(vocab.term("DatasetType")) in kinds


def test_smart_data_models_come_from_the_package_metadata() -> None:
    models = smart_data_models()
    assert len(models) > 1000
    air = models["AirQualityObserved"]
    assert air.subjects == ("dataModel.Environment",)
    assert "SmartEnvironment" in air.domains
    assert air.description.startswith("An observation of air quality")


def test_suggestions_for_curators() -> None:
    templates = read_musterdatenkatalog(TABLE)
    assert LUFT in [s.code for s in suggest("datasetType", "luft", templates)]
    assert [s.code for s in suggest("datasetType", "Parkplatz KFZ", templates)] == [
        "verkehr--kfz-parkplatz"
    ]
    assert "AirQualityObserved" in [s.code for s in suggest("dataModel", "air quality", templates)]
    with pytest.raises(ValueError):
        suggest("sectors", "x", templates)


def test_kg_suggest_prints_codes_in_the_chosen_language(capsys) -> None:
    assert main(["--project", str(ROOT), "--lang", "de", "suggest", "datasetType", "luft"]) == 0
    out = capsys.readouterr().out
    assert f"{LUFT}\tBericht und Analyse - Luft und Emission" in out
    assert main(["--project", str(ROOT), "--lang", "en", "suggest", "datasetType", "zzzq"]) == 1
    assert "No code for datasetType" in capsys.readouterr().err


# -- authoring: additions and checks ---------------------------------------------------------


def _validate(project: Path):
    _, report = validate_project(project, Vocabulary())
    return report


def _write(project: Path, name: str, body: str) -> Path:
    path = project / "usecases" / "shared" / name
    path.write_text('"@context": https://w3id.org/sckg/context.jsonld\n"@graph":\n' + body)
    return path


def test_the_overlay_project_conforms(tmp_path: Path) -> None:
    report = _validate(make_project(tmp_path))
    assert [f for f in report.findings if f.severity == "Violation"] == []


def test_an_addition_to_an_identifier_defined_nowhere_is_a_violation(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    _write(project, "more.yaml", "  - id: dataset/nowhere\n    dataModel: AirQualityObserved\n")
    found = [f for f in _validate(project).findings if f.code == "addition-undefined"]
    assert [(f.file, f.line, f.value) for f in found] == [
        ("usecases/shared/more.yaml", 3, "https://w3id.org/sckg/dataset/nowhere")
    ]
    assert "No entry defines" in found[0].message["en"]
    assert "Kein Eintrag definiert" in found[0].message["de"]


def test_a_use_case_file_without_type_still_lacks_its_type(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = project / "usecases" / "munich-traffic-data.yaml"
    path.write_text(path.read_text().replace("type: UseCase\n", ""))
    codes = {f.code for f in _validate(project).findings}
    assert "missing-type" in codes


def test_unknown_dataset_type_is_a_violation_at_the_line_of_the_addition(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = project / "usecases" / "shared" / "dataset-types.yaml"
    path.write_text(path.read_text().replace("verkehr--kfz-parkplatz", "verkehr--parkhaus"))
    found = [f for f in _validate(project).findings if f.field == "datasetType"]
    assert [(f.severity, f.file, f.line) for f in found] == [
        ("Violation", "usecases/shared/dataset-types.yaml", 11)
    ]
    assert "Unbekannter Datensatztyp" in found[0].message["de"]
    assert "Unknown dataset type" in found[0].message["en"]


def test_unknown_data_model_is_a_violation_naming_similar_ones(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = project / "usecases" / "shared" / "dataset-types.yaml"
    path.write_text(path.read_text().replace("OffStreetParking", "OffStreetParkings"))
    found = [f for f in _validate(project).findings if f.field == "dataModel"]
    assert [(f.severity, f.file, f.line, f.code) for f in found] == [
        ("Violation", "usecases/shared/dataset-types.yaml", 12, "unknown-data-model")
    ]
    assert "OffStreetParking" in found[0].message["en"]
    assert "kein Entitätstyp der Smart Data Models" in found[0].message["de"]


# -- the build -------------------------------------------------------------------------------


def test_only_the_data_models_the_corpus_names_become_concepts(dm_settings, dm_store) -> None:
    vocab = dm_settings.vocab
    rows = dm_store.select(
        f"SELECT ?m ?title ?domain WHERE {{ ?m a <{vocab.term('DataModel')}> ; "
        f"<{SKOS}prefLabel> ?title ; <{vocab.term('dataModelDomain')}> ?domain }}"
    )
    found = {(r["m"].value.rsplit("/", 1)[1], r["domain"].value) for r in rows}
    assert found == {("AirQualityObserved", "SmartEnvironment")} | {
        ("OffStreetParking", d) for d in smart_data_models()["OffStreetParking"].domains
    }


def test_additions_reach_the_graph(dm_settings, dm_store) -> None:
    vocab = dm_settings.vocab
    usecase = vocab.entity("usecase", "ploen-school-transport")
    dataset = vocab.entity("dataset", "ploen-school-bus-air-readings")
    assert dm_store.ask(f"ASK {{ <{usecase}> <{vocab.term('usesDataset')}> <{dataset}> }}")
    kind = vocab.entity("dataset-type", LUFT)
    assert dm_store.ask(f"ASK {{ <{dataset}> <{vocab.term('datasetType')}> <{kind}> }}")


# -- the shipped corpus ----------------------------------------------------------------------


def test_at_least_80_percent_of_the_shipped_datasets_are_typed(store, built_settings) -> None:
    vocab = built_settings.vocab
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?d) AS ?all) (COUNT(DISTINCT ?typed) AS ?n) WHERE { "
        "?d a <http://www.w3.org/ns/dcat#Dataset> . "
        f"OPTIONAL {{ ?d <{vocab.term('datasetType')}> ?t . "
        f"?t a <{vocab.term('DatasetType')}> . BIND(?d AS ?typed) }} }}"
    )
    total, typed = int(rows[0]["all"].value), int(rows[0]["n"].value)
    assert total >= 140
    assert typed / total >= 0.8, f"{typed} of {total} datasets typed"


# -- pages -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dm_client(dm_settings, dm_store):
    from web import create_app

    app = create_app({"TESTING": True}, settings=dm_settings, store=dm_store)
    return app.test_client()


def test_a_data_model_page_names_its_use_cases_sectors_and_datasets(dm_client) -> None:
    page = dm_client.get("/data-model/AirQualityObserved.html?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "An observation of air quality conditions" in text
    for title in ("Air-quality network in Stuttgart", "Air readings of the school buses"):
        assert title in text
    assert 'href="/data-model/AirQualityObserved.csv"' in text
    german = dm_client.get("/data-model/AirQualityObserved.html?lang=de").get_data(as_text=True)
    assert "Anwendungsfälle, die es nutzen" in german


def test_the_json_and_csv_twins_of_a_dataset_type(dm_client) -> None:
    data = dm_client.get(f"/dataset-type/{LUFT}.json?lang=en").get_json()
    usecases = {u["iri"].rsplit("/", 1)[1] for u in data["useCases"]}
    assert usecases == {"stuttgart-air-quality", "munich-traffic-data", "ploen-school-transport"}
    sectors = {s["iri"].rsplit("/", 1)[1]: s["useCases"] for s in data["sectors"]}
    assert sectors == {"environment": 1, "health": 1, "mobility": 2, "education": 1}
    assert data["label"] == "Report and analysis - air and emissions"
    csv_text = dm_client.get(f"/dataset-type/{LUFT}.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "useCase,useCaseTitle,role,dataset,datasetTitle"
    assert len(lines) == 1 + 3


def test_a_theme_page_gathers_the_datasets_of_its_templates(dm_client) -> None:
    data = dm_client.get("/dataset-type/verkehr.json").get_json()
    assert [d["iri"].rsplit("/", 1)[1] for d in data["datasets"]] == [
        "herrenberg-parking-occupancy"
    ]


def test_an_unknown_data_model_page_is_not_found(dm_client) -> None:
    assert dm_client.get("/data-model/AirQualityForecast.html").status_code == 404
    assert dm_client.get("/data-model/AirQualityForecast.json").status_code == 404


# -- named queries and list parameters -------------------------------------------------------


def _run_named(settings, store, name: str, given: dict[str, str]) -> list[dict[str, str]]:
    from kg.sparql.queries import QueryCatalogue

    query = QueryCatalogue(settings.queries_dir, settings.vocab).get(name)
    query = query.specialised(given, settings.vocab)
    rows = store.select(query.text, query.bindings(given, settings.vocab))
    return [{k: v.value.rsplit("/", 1)[-1] for k, v in row.items()} for row in rows]


def test_data_models_shared_by_sectors(dm_settings, dm_store) -> None:
    rows = _run_named(dm_settings, dm_store, "data-models-shared-by-sectors", {})
    found = [(r["name"], r["sectors"], r["useCases"], r["datasets"]) for r in rows]
    assert found == [("AirQualityObserved", "4", "3", "2"), ("OffStreetParking", "2", "3", "1")]


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (LUFT, {("ploen-school-transport", "1", "1", ""),
                ("munich-traffic-data", "1", "2", "verkehr--kfz-parkplatz")}),
        ("verkehr--kfz-parkplatz", {("sindelfingen-parking-guidance", "1", "1", ""),
                                    ("munich-traffic-data", "1", "2", LUFT)}),
        (f"{LUFT}, verkehr--kfz-parkplatz", {("ploen-school-transport", "1", "1", ""),
                                             ("sindelfingen-parking-guidance", "1", "1", ""),
                                             ("munich-traffic-data", "2", "2", "")}),
    ],
)  # fmt: skip
def test_usecases_enabled_by_dataset_types(dm_settings, dm_store, types, expected) -> None:
    rows = _run_named(dm_settings, dm_store, "usecases-enabled-by-dataset-types", {"types": types})
    found = {(r["useCase"], r["covered"], r["needed"], r.get("missing", "")) for r in rows}
    assert found == expected


def test_a_list_parameter_binds_each_value_as_a_typed_term() -> None:
    from kg.errors import QueryError
    from kg.sparql.queries import parse

    text = (
        "#+ params:\n#+   t:\n#+     type: iri\n#+     vocab: dataset-type\n#+     list: true\n"
        "SELECT ?x WHERE { { SELECT ?x WHERE { VALUES ?t { } ?x ?p ?t } } }\n"
    )
    vocab = Vocabulary()
    query = parse("q", text, vocab)
    filled = query.specialised({"t": "a--b, c--d"}, vocab).text
    assert "VALUES ?t { <https://w3id.org/sckg/dataset-type/a--b> " in filled
    assert "<https://w3id.org/sckg/dataset-type/c--d> }" in filled
    assert query.bindings({"t": "a--b"}, vocab) == {}
    with pytest.raises(QueryError):  # a value that would be SPARQL is no IRI
        query.specialised({"t": "x> } ?s ?p ?o { <y"}, vocab)
    with pytest.raises(QueryError):
        query.specialised({}, vocab)
    plain = parse("q", text.replace("VALUES ?t { } ", ""), vocab)
    assert plain.specialised({"t": "a"}, vocab).text.startswith(
        "#+"
    ) and "WHERE { VALUES ?t { <https://w3id.org/sckg/dataset-type/a> }" in (
        plain.specialised({"t": "a"}, vocab).text
    )


def test_the_list_parameter_on_the_site(dm_client) -> None:
    page = dm_client.get(
        "/queries/usecases-enabled-by-dataset-types?types=verkehr--kfz-parkplatz&lang=en"
    )
    assert page.status_code == 200
    assert "sindelfingen-parking-guidance" in page.get_data(as_text=True)
    csv_text = dm_client.get(
        "/queries/usecases-enabled-by-dataset-types.csv?types=verkehr--kfz-parkplatz"
    ).get_data(as_text=True)
    assert "sindelfingen-parking-guidance" in csv_text
    assert "ploen-school-transport" not in csv_text


# -- the data-model layer of the interconnections --------------------------------------------


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_use_cases_sharing_only_a_data_model_are_a_potential_link(dm_client) -> None:
    data = dm_client.get("/interconnections/data-models/education--environment.json").get_json()
    found = [
        (
            _slug(p["useCaseA"]["iri"]),
            _slug(p["useCaseB"]["iri"]),
            p["potential"],
            *tuple(_slug(m["iri"]) for m in p["dataModels"]),
        )
        for p in data["potentialLinks"]
    ]
    assert found == [
        ("ploen-school-transport", "stuttgart-air-quality", True, "AirQualityObserved")
    ]
    assert [_slug(m["iri"]) for m in data["sharedDataModels"]] == ["AirQualityObserved"]
    assert [_slug(t["iri"]) for t in data["sharedDatasetTypes"]] == [LUFT]
    page = dm_client.get("/interconnections/data-models/environment--education?lang=de")
    assert page.status_code == 302  # one page per pair, in alphabetical order
    html = dm_client.get("/interconnections/data-models/education--environment?lang=de")
    text = html.get_data(as_text=True)
    assert "Mögliche Verbindungen" in text and "AirQualityObserved" in text


def test_use_cases_sharing_a_dataset_are_no_potential_link(dm_client) -> None:
    data = dm_client.get("/interconnections/data-models/environment--mobility.json").get_json()
    pairs = {
        (_slug(p["useCaseA"]["iri"]), _slug(p["useCaseB"]["iri"])) for p in data["potentialLinks"]
    }
    # Munich uses Stuttgart's readings: an actual link, never a potential one
    assert pairs == {("stuttgart-air-quality", "ploen-school-transport")}


def test_a_potential_link_is_never_counted_as_an_actual_one(
    dm_settings, dm_store, dm_client
) -> None:
    from kg.views.interconnect import datamodel_interconnections, interconnections

    vocab = dm_settings.vocab
    edu, env = vocab.entity("sector", "education"), vocab.entity("sector", "environment")
    assert interconnections(dm_store, vocab).cell(edu, env) is None
    assert datamodel_interconnections(dm_store, vocab).cell(edu, env).weight == 1
    matrix = dm_client.get("/interconnections?measure=data-model&lang=en").get_data(as_text=True)
    assert 'href="/interconnections/data-models/education--environment"' in matrix
    assert dm_client.get("/interconnections.json?measure=data-model").get_json()["measure"] == (
        "data-model"
    )


def test_the_sector_link_page_leads_to_the_data_model_layer(dm_client) -> None:
    # a link, not the layer itself: a sector link's page stays within its query budget
    page = dm_client.get("/sectorlink/environment--mobility.html?lang=en")
    text = page.get_data(as_text=True)
    assert 'href="/interconnections/data-models/environment--mobility"' in text


def test_the_data_model_measure_equals_a_recount_from_the_dump(dm_settings, dm_store) -> None:
    """Plain Python over the exported N-Quads, without SPARQL."""
    import gzip

    from kg.exports.export import export
    from kg.views.interconnect import datamodel_interconnections

    vocab = dm_settings.vocab
    dumps = export(dm_settings, dm_store, dm_settings.project / "var" / "dumps")
    nq = next(f for f in dumps.files if f.name.endswith((".nq", ".nq.gz")))
    raw = (dumps.folder / nq.name).read_bytes()
    text = (gzip.decompress(raw) if nq.name.endswith(".gz") else raw).decode("utf-8")
    import pyoxigraph

    quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    real = {s for s, p, o in triples if p.endswith("#type") and o == vocab.term("UseCase")}
    sectors, models, data = defaultdict(set), defaultdict(set), defaultdict(set)
    model_of = defaultdict(set)
    for s, p, o in triples:
        if p == vocab.term("dataModel"):
            model_of[s].add(o)
    for s, p, o in triples:
        if s not in real:
            continue
        if p == vocab.term("sector"):
            sectors[s].add(o)
        if p in (vocab.term("usesDataset"), vocab.term("producesDataset")):
            data[s].add(o)
            models[s] |= model_of[o]
    expected = {}
    names = sorted({x for ss in sectors.values() for x in ss})
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = set()
            for x in real:
                for y in real:
                    if x != y and a in sectors[x] and b in sectors[y]:
                        shared |= models[x] & models[y]
            if shared:
                expected[(a, b)] = len(shared)
    for live in (False, True):  # the figures the build stores, and the live count
        matrix = datamodel_interconnections(dm_store, vocab, live=live)
        found = {k: c.weight for k, c in matrix.cells.items()}
        assert found == expected, f"live={live}"
    assert found  # the fixture has some


# -- what our data makes possible -------------------------------------------------------------


def test_what_our_data_makes_possible_for_a_fixed_list(dm_client) -> None:
    """Hand-computed from the fixture (tests/fixtures/datamodels/README.md)."""
    data = dm_client.get(f"/what-our-data-makes-possible.json?types={LUFT}").get_json()
    found = [
        (
            _slug(e["useCase"]["iri"]),
            [_slug(t["iri"]) for t in e["covered"]],
            [_slug(t["iri"]) for t in e["missing"]],
            {_slug(t): [_slug(m["iri"]) for m in ms] for t, ms in e["dataModels"].items()},
        )
        for e in data["useCases"]
    ]
    assert found == [
        ("ploen-school-transport", [LUFT], [], {LUFT: ["AirQualityObserved"]}),
        (
            "munich-traffic-data",
            [LUFT],
            ["verkehr--kfz-parkplatz"],
            {LUFT: ["AirQualityObserved"], "verkehr--kfz-parkplatz": ["OffStreetParking"]},
        ),
    ]


def test_the_possible_page_in_both_languages(dm_client) -> None:
    page = dm_client.get(
        f"/what-our-data-makes-possible?types={LUFT}&types=verkehr--kfz-parkplatz&lang=de"
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 Anwendungsfälle nutzen diese Arten von Daten" in text
    assert "nichts: mit Ihren Daten möglich" in text
    english = dm_client.get("/what-our-data-makes-possible?lang=en").get_data(as_text=True)
    assert 'value="verkehr--kfz-parkplatz"' in english  # a type some use case uses
    assert dm_client.get("/what-our-data-makes-possible?types=x%3E%7D").status_code == 400
    for start in ("/?lang=en", "/orientation?lang=en"):
        assert 'href="/what-our-data-makes-possible"' in dm_client.get(start).get_data(as_text=True)


def test_a_pair_sharing_only_data_models_has_a_page_without_strength(dm_client) -> None:
    page = dm_client.get("/sectorlink/education--environment.html?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Strength: <strong>0</strong>" in text
    assert 'href="/interconnections/data-models/education--environment"' in text


def test_labels_of_the_data_model_pages_fall_back_by_language_then_to_the_iri() -> None:
    from kg.views.datamodels import PairLayer, Possible, Usage
    from kg.views.mims import MimUsage

    iri = "https://example.org/model/AirQualityObserved"
    labels = {iri: {"fr": "Qualité de l'air", "en": "Air quality"}}
    models = [
        Usage("u", "model", labels=labels),
        PairLayer("a", "b", [], [], [], labels=labels),
        Possible([], [], labels=labels),
        MimUsage("m", "mim", labels=labels),
    ]
    for model in models:
        assert model.label(iri, "de") == "Air quality"  # English before any other language
        assert model.label(iri, "fr") == "Qualité de l'air"
        del model.labels[iri]["en"]
        assert model.label(iri, "de") == "Qualité de l'air"  # then any language
        assert model.label("https://example.org/model/Other", "de") == "Other"
        model.labels[iri]["en"] = "Air quality"
