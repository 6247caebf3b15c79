"""Paging a large catalogue: a harvester that follows ``hydra:next`` from the first page sees
every dataset exactly once (1,200 fabricated datasets, as bench/catalogue.py makes 100,000)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib

from kg import config
from tests.pages_support import CountingStore

ROOT = Path(__file__).resolve().parent.parent
DCAT = "http://www.w3.org/ns/dcat#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
DATASETS = 1_200
PAGE_SIZE = 50


def bench_catalogue():
    spec = importlib.util.spec_from_file_location(
        "bench_catalogue", ROOT / "bench" / "catalogue.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_catalogue", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory):
    from web import create_app

    folder = tmp_path_factory.mktemp("large-catalogue")
    settings = config.load({}, project=ROOT, store=str(folder / "store"))
    store = RecordingStore(bench_catalogue().fabricate(settings, DATASETS))
    app = create_app(
        {"TESTING": True, "CATALOGUE_PAGE_SIZE": PAGE_SIZE}, settings=settings, store=store
    )
    return settings, app.test_client(), store


class RecordingStore(CountingStore):
    """Counts the queries that look for the catalogue's members."""

    def select(self, query, bindings=None):
        if "SELECT DISTINCT ?r ?kind" in query:
            self.calls["members"] += 1
        return super().select(query, bindings)


@pytest.mark.parametrize(("extension", "parser"), [("ttl", "turtle"), ("rdf", "xml")])
def test_following_next_from_the_first_page_visits_every_dataset_once(
    large, extension: str, parser: str
) -> None:
    settings, client, _ = large
    seen: Counter[str] = Counter()
    path, pages = f"/catalogue.{extension}", 0
    while path:
        response = client.get(path)
        assert response.status_code == 200, path
        graph = rdflib.Graph().parse(data=response.data, format=parser)
        pages += 1
        catalogue = next(graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Catalog")))
        members = {str(m) for m in graph.objects(catalogue, rdflib.URIRef(DCAT + "dataset"))}
        seen.update(m for m in members if "/dataset/" in m)
        view = next(graph.subjects(rdflib.RDF.type, rdflib.URIRef(HYDRA + "PartialCollectionView")))
        assert int(graph.value(view, rdflib.URIRef(HYDRA + "totalItems"))) == DATASETS
        following = graph.value(view, rdflib.URIRef(HYDRA + "next"))
        if following is not None:
            url = urlsplit(str(following))
            assert str(following).startswith(settings.site_url)
            path = f"{url.path}?{url.query}"
        else:
            path = ""
        assert pages <= DATASETS // PAGE_SIZE
    expected = {f"{settings.vocab.base}dataset/bench-{n:06d}" for n in range(DATASETS)}
    assert set(seen) == expected and max(seen.values()) == 1
    assert pages == DATASETS // PAGE_SIZE


def test_the_members_are_found_once_per_release(large, tmp_path: Path) -> None:
    settings, client, store = large
    for number in (1, 2, 24, 3):
        assert client.get(f"/catalogue.ttl?page={number}").status_code == 200
    assert store.calls["members"] == 1  # once for the module's release, whoever asked first
    for number in (5, 6):
        assert client.get(f"/catalogue.rdf?page={number}").status_code == 200
    assert store.calls["members"] == 1
    bench_catalogue().fabricate(settings, DATASETS + 1)  # a new release
    answer = client.get(f"/catalogue.ttl?page={DATASETS // PAGE_SIZE + 1}")
    assert answer.status_code == 200 and store.calls["members"] == 2
