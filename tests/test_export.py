"""Dumps with checksums (``kg export`` and ``/downloads``) and the VoID description."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from kg.cli import main
from kg.config import Settings
from kg.exports.export import existing, export
from kg.store import Store
from kg.store.embedded import EmbeddedStore

VOID = Namespace("http://rdfs.org/ns/void#")


def distinct_triples(store: Store, without: str | None = None) -> int:
    """Distinct triples of the union of the named graphs (all, or all but graph ``without``)."""
    where = f"FILTER(?g != <{without}>)" if without else ""
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} {where} }} }}"
    )
    return int(str(rows[0]["n"]))


def test_kg_export_writes_dumps_with_checksums(
    built_settings: Settings, store: Store, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "dumps"
    code = main(["export", "--store", str(built_settings.store_path), "--out", str(out)])
    assert code == 0 and "sha256" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    release = store.release()
    assert release is not None and manifest["release"] == release.id
    names = {entry["name"]: entry for entry in manifest["files"]}
    assert set(names) == {"sckg.nq", "sckg.ttl", "sckg.jsonld"}
    for name, entry in names.items():
        data = (out / name).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    quads = Dataset().parse(out / "sckg.nq", format="nquads")
    assert len(quads) == release.quads
    turtle = Graph().parse(out / "sckg.ttl", format="turtle")
    assert len(turtle) == distinct_triples(store)
    jsonld = Dataset().parse(out / "sckg.jsonld", format="json-ld")
    assert len(jsonld) == release.quads


def test_downloads_page_and_files(client, built_settings: Settings, store: Store) -> None:
    page = client.get("/downloads")
    assert page.status_code == 200
    dumps = existing(built_settings, store)
    assert dumps is not None and dumps.folder.is_relative_to(built_settings.store_path)
    for dump in dumps.files:
        assert dump.sha256 in page.text and f'href="/downloads/{dump.name}"' in page.text
        with client.get(f"/downloads/{dump.name}") as response:
            assert response.status_code == 200 and response.mimetype == dump.media_type
            assert hashlib.sha256(response.get_data()).hexdigest() == dump.sha256
    listing = client.get("/downloads.json").get_json()
    assert {f["name"] for f in listing["files"]} == {d.name for d in dumps.files}
    assert client.get("/downloads/nothing.zip").status_code == 404


def test_downloads_are_produced_on_first_request(tmp_path: Path) -> None:
    from kg import config
    from web import create_app

    folder = tmp_path / "store"
    nquads = tmp_path / "data.nq"
    nquads.write_text('<http://a/s> <http://a/p> "o" <https://w3id.org/sckg/graph/x> .\n')
    EmbeddedStore(folder).publish(nquads, meta={})
    settings = config.load({}, store=str(folder))
    app = create_app({"TESTING": True}, settings=settings)
    assert not (folder / "dumps").exists()
    assert app.test_client().get("/downloads").status_code == 200
    (dumps_folder,) = (folder / "dumps").iterdir()
    assert sorted(p.name for p in dumps_folder.iterdir()) == [
        "manifest.json", "sckg.jsonld", "sckg.nq", "sckg.ttl"
    ]  # fmt: skip
    again = export(settings, app.extensions["kg.store"])
    assert again.folder == dumps_folder


@pytest.mark.parametrize(
    ("cwd", "project"),
    [("project", "."), (".", "project")],
    ids=["inside-the-project", "relative-project"],
)
def test_downloads_are_served_from_a_store_folder_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, project: str
) -> None:
    """The README's way (`kg serve` inside the project, KG_STORE=var/store): every listed dump
    answers, though Flask would resolve a relative folder against the web package."""
    from kg import config
    from web import create_app

    folder = tmp_path / "project" / "var" / "store"
    nquads = tmp_path / "data.nq"
    nquads.write_text('<http://a/s> <http://a/p> "o" <https://w3id.org/sckg/graph/x> .\n')
    EmbeddedStore(folder).publish(nquads, meta={})
    monkeypatch.chdir(tmp_path / cwd)
    settings = config.load({"KG_PROJECT": project})
    assert settings.store_path == folder.resolve()
    monkeypatch.chdir(tmp_path)  # wherever the process runs later, the paths stay the same
    client = create_app({"TESTING": True}, settings=settings).test_client()
    listing = client.get("/downloads.json").get_json()
    assert len(listing["files"]) == 3
    for entry in listing["files"]:
        with client.get(f"/downloads/{entry['name']}") as response:
            assert response.status_code == 200, entry["name"]
            assert hashlib.sha256(response.get_data()).hexdigest() == entry["sha256"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [(None, "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_void_describes_the_dataset(
    client, built_settings: Settings, store: Store, accept: str | None, fmt: str
) -> None:
    response = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(), format=fmt)
    dataset = URIRef(built_settings.vocab.base)
    assert graph.value(dataset, VOID.uriSpace) == Literal(built_settings.vocab.base)
    site = built_settings.site_url
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(site + "sparql")
    dumps = {str(o) for o in graph.objects(dataset, VOID.dataDump)}
    assert dumps == {f"{site}downloads/sckg.{ext}" for ext in ("nq", "ttl", "jsonld")}
    described = distinct_triples(store, without=built_settings.vocab.graph("void"))
    assert int(graph.value(dataset, VOID.triples)) == described
    classes = {
        str(graph.value(part, VOID["class"])): int(graph.value(part, VOID.entities))
        for part in graph.objects(dataset, VOID.classPartition)
    }
    usecases = store.select(
        "SELECT (COUNT(DISTINCT ?u) AS ?n) { ?u a <https://w3id.org/sckg/ontology#UseCase> }"
    )
    assert classes["https://w3id.org/sckg/ontology#UseCase"] == int(str(usecases[0]["n"]))
    assert int(graph.value(dataset, VOID.classes)) == len(classes)
    properties = list(graph.objects(dataset, VOID.propertyPartition))
    assert int(graph.value(dataset, VOID.properties)) == len(properties) > 10
    total = sum(int(graph.value(part, VOID.triples)) for part in properties)
    assert total == described
    # the derived figures are the ones kg stats and the home page show (docs/model.md)
    from kg.views.stats import figures

    shown = figures(store, built_settings.vocab)
    sckg = built_settings.vocab.ns
    for prop, name in [
        ("crossSectorDataFlowCount", "crosssectorflows"),
        ("dataFlowCount", "flows"),
        ("sharedDatasetTotal", "shareddatasets"),
        ("crossSectorUseCaseCount", "crosssector"),
        ("patternCount", "patterns"),
    ]:
        assert int(graph.value(dataset, URIRef(sckg + prop))) == shown[name], prop
