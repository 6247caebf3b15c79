"""Every page type, in both languages, served over HTTP on a loopback port: status, the lang
attribute, the RDF twins it advertises, its schema.org JSON-LD, and the number of store queries
it needs (the same for a hub and a leaf)."""

from __future__ import annotations

import json

import pytest
from pages_support import CountingStore, fetch, parse_html, schema_org

from kg.views.search import SearchIndex
from web import create_app

PAGE_TYPES = {
    "home": "/",
    "usecases": "/usecases",
    "search": "/usecases?q=daten&sector=mobility&sort=modified",
    "interconnections": "/interconnections",
    "sectors": "/sectors",
    "datasets": "/datasets",
    "places": "/places",
    "organisations": "/organisations",
    "standards": "/standards",
    "ontology": "/ontology.html",
    "shapes": "/shapes.html",
}
ENTITY_KINDS = ("usecase", "sector", "dataset", "place", "org", "standard", "sectorlink")


@pytest.fixture(scope="module")
def index(store, built_settings, tmp_path_factory) -> SearchIndex:
    return SearchIndex.load(store, built_settings.vocab, tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def samples(index, store, built_settings) -> dict[str, list[str]]:
    """Per kind, the path of a hub (most links into it) and of a leaf (fewest)."""
    vocab = built_settings.vocab
    rows = store.select(
        "SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x ?p ?o OPTIONAL { ?y ?q ?x } "
        "FILTER(isIRI(?x)) } GROUP BY ?x"
    )
    fan_in = {r["x"].value: int(r["n"].value) for r in rows}
    found = {}
    for kind in ENTITY_KINDS:
        iris = sorted(
            (i for i in fan_in if i.startswith(vocab.base + kind + "/")),
            key=lambda i: (fan_in[i], i),
        )
        assert iris, f"no {kind} in the corpus"
        found[kind] = ["/" + iris[-1][len(vocab.base) :], "/" + iris[0][len(vocab.base) :]]
    return found


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_site_page_in_both_languages(live_server, name, lang):
    answer = fetch(
        live_server + PAGE_TYPES[name] + ("&" if "?" in PAGE_TYPES[name] else "?") + f"lang={lang}"
    )
    assert answer.status == 200, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    page = parse_html(answer.text)
    assert page.lang == lang
    assert "default-src 'self'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_entity_page_in_both_languages(live_server, samples, kind, lang):
    for path in samples[kind]:
        answer = fetch(f"{live_server}{path}.html?lang={lang}")
        assert answer.status == 200, (path, answer.text[:500])
        page = parse_html(answer.text)
        assert page.lang == lang
        types = {t for t, _ in page.alternates}
        assert {
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
            "application/rdf+xml",
        } <= types
        assert 'rel="alternate"; type="text/turtle"' in answer.headers["link"]
        if kind != "sectorlink":
            (data,) = schema_org(page)
            assert data["@context"] == "https://schema.org"
            assert data["@id"].endswith(path)
            assert data["name"]


def test_usecase_page_shows_everything(live_server, samples, index, built_settings):
    path = samples["usecase"][0]
    text = fetch(f"{live_server}{path}.html?lang=en").text
    for heading in (
        "At a glance",
        "Organisations",
        "Data",
        "Data flows",
        "Neighbourhood",
        "Sectors",
        "Maturity",
        "GAIA-X relevance",
        "Evidenced GAIA-X use",
        "Sources",
        "Standards",
        "Curation status",
        "Feeds",
        "Is fed by",
    ):
        assert heading in text
    assert 'id="neighbourhood-data"' in text
    graph = json.loads(text.split('id="neighbourhood-data">', 1)[1].split("</script>", 1)[0])
    assert graph["nodes"][0]["data"]["kind"] == "self"


def test_sector_page_lists_connected_sectors_with_strength(live_server, samples):
    text = fetch(f"{live_server}{samples['sector'][0]}.html?lang=en").text
    assert "Connected sectors" in text and "Strength" in text
    assert "/sectorlink/" in text


def test_unknown_resource_is_a_helpful_404(live_server):
    answer = fetch(f"{live_server}/usecase/no-such-thing", {"Accept": "text/html"})
    assert answer.status == 404
    assert "Search use cases" in answer.text and 'value="no such thing"' in answer.text
    assert fetch(f"{live_server}/usecase/no-such-thing.html").status == 404
    assert fetch(f"{live_server}/usecase/no-such-thing.ttl").status == 404


def test_unknown_document_extension_is_404(live_server, samples):
    assert fetch(f"{live_server}{samples['usecase'][0]}.docx").status == 404


def test_rule_that_derives_links_is_published(live_server):
    answer = fetch(f"{live_server}/rules/50-interconnections.ru")
    assert answer.status == 200 and "sckg:SectorLink" in answer.text
    assert fetch(f"{live_server}/rules/..%2Fbuild.py").status == 404


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_store_queries_per_page_are_bounded(built_settings, store, samples, kind, record_property):
    """A hub and a leaf of the same kind cost the same number of store queries."""
    counting = CountingStore(store)
    app = create_app({"TESTING": True}, settings=built_settings, store=counting)
    client = app.test_client()
    client.get("/")  # warm the per-release caches (search index, counts, matrix)
    counts = []
    for path in samples[kind]:
        counting.reset()
        assert client.get(f"{path}.html").status_code == 200
        counts.append(counting.total)
    record_property(f"queries[{kind}]", counts[0])
    assert counts[0] == counts[1], f"{kind}: hub {counts[0]} vs leaf {counts[1]} queries"
    assert counts[0] <= 4


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_site_pages_need_no_query_once_caches_are_warm(built_settings, store, name):
    counting = CountingStore(store)
    app = create_app({"TESTING": True}, settings=built_settings, store=counting)
    client = app.test_client()
    client.get("/")
    counting.reset()
    assert client.get(PAGE_TYPES[name]).status_code == 200
    assert counting.total == 0


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/sectorlink/mobility--environment", "/sectorlink/environment--mobility"),
        ("/sectorlink/mobility--environment.ttl", "/sectorlink/environment--mobility.ttl"),
        ("/sectorlink/mobility--environment?lang=de", "/sectorlink/environment--mobility?lang=de"),
    ],
)
def test_a_sector_pair_answers_in_either_order(client, path: str, target: str) -> None:
    moved = client.get(path)
    assert moved.status_code == 301 and moved.headers["Location"] == target
    final = client.get(target, follow_redirects=True)
    assert final.status_code == 200


def test_a_pair_in_order_is_not_redirected_and_an_unknown_pair_is_404(client) -> None:
    assert client.get("/sectorlink/environment--mobility").status_code == 303
    assert client.get("/sectorlink/nothing--zzz").status_code == 404
    assert client.get("/sectorlink/zzz--nothing").status_code == 301


# -- incoming links: headed by what they are to this resource, each list once, sorted ---------
def _incoming_headings(html: str) -> list[str]:
    import re

    return [h.strip() for h in re.findall(r'<h3 id="in-\d+">([^<]*)<span class="count">', html)]


def test_incoming_links_are_headed_by_the_inverse_of_their_property(client) -> None:
    german = client.get("/standard/ogc-sensorthings-api.html?lang=de").text
    english = client.get("/standard/ogc-sensorthings-api.html?lang=en").text
    assert "folgen diesem Standard" in _incoming_headings(german)
    assert "following this standard" in _incoming_headings(english)
    assert "entspricht Standard" not in _incoming_headings(german), "the forward label"


def test_a_property_and_its_super_property_list_their_resources_once(client) -> None:
    """producesDataset refines prov:generated, maturity refines adms:status: one list each."""
    for path in ("/dataset/hamburg-traffic-light-states.html", "/maturity/pilot.html"):
        headings = _incoming_headings(client.get(path + "?lang=en").text)
        assert len(headings) == len(set(headings)), (path, headings)
        assert headings, path


def test_incoming_lists_are_sorted_by_label(client) -> None:
    import re

    from kg.views.search import fold

    # an organisation's use cases (with their roles) are listed in their own section, by title
    page = client.get("/org/stadt-leipzig.html?lang=en").text
    section = page[page.index('<h2 id="uc-h">') :]
    section = section[: section.index("</ul>")]
    titles = re.findall(r'">([^<]+)</a>', section)
    assert len(titles) > 2 and titles == sorted(titles, key=fold)


def test_a_place_names_its_country_not_only_its_code(client) -> None:
    assert "Deutschland (DEU)</a>" in client.get("/place/herrenberg.html?lang=de").text
    assert "Germany (DEU)</a>" in client.get("/place/herrenberg.html?lang=en").text


def test_every_country_of_a_place_has_a_name_in_both_languages(store) -> None:
    rows = store.select(
        """PREFIX sckg: <https://w3id.org/sckg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?country WHERE {
          GRAPH ?g { ?place sckg:country ?country }
          FILTER NOT EXISTS { GRAPH ?o { ?country skos:prefLabel ?de FILTER(LANG(?de) = "de") } }
        }"""
    )
    missing = [str(r["country"]) for r in rows]
    assert missing == [], "add them to ontology/schemes.ttl (Countries)"
