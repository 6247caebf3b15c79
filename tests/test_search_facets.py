"""The use-case search on the v2 fixture project (tests/fixtures/v2): any-of and all-of the
selected sectors, regions that include their towns, and the Land, size-class, solution-type,
platform, organisation and dataset facets, on the page and in its JSON twin."""

from __future__ import annotations

import pytest
from pages_support import parse_html

from kg.views.search import Query, SearchIndex


@pytest.fixture(scope="module")
def v2_index(v2_store, v2_settings, tmp_path_factory) -> SearchIndex:
    return SearchIndex.load(v2_store, v2_settings.vocab, tmp_path_factory.mktemp("v2-facets"))


def slugs(result) -> list[str]:
    return sorted(e.iri.rsplit("/", 1)[-1] for e in result.items)


def counts(result, facet: str) -> dict[str, int]:
    return {v.slug: v.count for v in result.facets[facet]}


def test_any_of_the_selected_sectors_or_all_of_them(v2_index: SearchIndex) -> None:
    both = {"sector": ("environment", "mobility")}
    anyof = v2_index.search(Query(selected=both))
    allof = v2_index.search(Query(selected=both, all_of=frozenset({"sector"})))
    assert slugs(anyof) == [
        "barcelona-noise-monitoring",
        "herrenberg-ev-charging",  # mobility only
        "herrenberg-parking-guidance",
        "munich-traffic-data",
        "ploen-school-transport",
        "sindelfingen-parking-guidance",
        "stuttgart-air-quality",  # environment only
    ]
    assert slugs(allof) == ["herrenberg-parking-guidance"]
    # all-of with one sector is that sector; the mode changes nothing without a selection
    one = {"sector": ("mobility",)}
    assert slugs(v2_index.search(Query(selected=one, all_of=frozenset({"sector"})))) == slugs(
        v2_index.search(Query(selected=one))
    )
    assert v2_index.search(Query(all_of=frozenset({"sector"}))).total == 8


def test_all_of_counts_what_each_further_sector_would_leave(v2_index: SearchIndex) -> None:
    mobility = {"sector": ("mobility",)}
    anyof = counts(v2_index.search(Query(selected=mobility)), "sector")
    allof = counts(
        v2_index.search(Query(selected=mobility, all_of=frozenset({"sector"}))), "sector"
    )
    # any-of: the counts ignore the sector's own selection (environment alone has 3)
    assert anyof["environment"] == 3 and anyof["mobility"] == 5
    # all-of: how many mobility use cases are in environment too
    assert allof == {"mobility": 5, "environment": 1, "energy": 1, "education": 1}


def test_a_land_includes_the_towns_of_its_districts(v2_index: SearchIndex) -> None:
    land = v2_index.search(Query(selected={"land": ("baden-wuerttemberg",)}))
    assert slugs(land) == [
        "herrenberg-ev-charging",
        "herrenberg-parking-guidance",
        "sindelfingen-parking-guidance",  # Sindelfingen names only its Kreis
        "stuttgart-air-quality",
    ]
    kreis = v2_index.search(Query(selected={"place": ("landkreis-boeblingen",)}))
    assert slugs(kreis) == [
        "herrenberg-ev-charging",
        "herrenberg-parking-guidance",
        "sindelfingen-parking-guidance",
    ]
    everything = v2_index.search(Query())
    # only Länder are values of the Land facet; Barcelona lies in none
    assert counts(everything, "land") == {
        "baden-wuerttemberg": 4,
        "schleswig-holstein": 2,
        "bavaria": 1,
    }


def test_size_class_facet_is_the_size_class_of_the_place(v2_index: SearchIndex) -> None:
    everything = v2_index.search(Query())
    assert counts(everything, "size") == {"mittelstadt": 3, "grossstadt": 2, "landgemeinde": 1}
    labels = {v.slug: v.label for v in v2_index.search(Query(lang="de")).facets["size"]}
    assert labels["landgemeinde"] == "Landgemeinde"
    big_in_bw = Query(selected={"land": ("baden-wuerttemberg",), "size": ("grossstadt",)})
    assert slugs(v2_index.search(big_in_bw)) == ["stuttgart-air-quality"]


def test_solution_platform_organisation_and_dataset_facets(v2_index: SearchIndex) -> None:
    everything = v2_index.search(Query())
    assert counts(everything, "solution")["sensor-network"] == 5
    platform = v2_index.search(Query(selected={"platform": ("ploen-iot-platform",)}))
    assert slugs(platform) == ["kalubbe-fire-water-ponds", "ploen-school-transport"]
    org = v2_index.search(Query(selected={"org": ("stadt-herrenberg",)}))
    assert "herrenberg-ev-charging" in slugs(org)
    assert all("/herrenberg" in e.iri for e in org.items)
    # a dataset's use cases: those that use it and those that produce it
    dataset = v2_index.search(Query(selected={"dataset": ("herrenberg-parking-occupancy",)}))
    assert slugs(dataset) == ["herrenberg-parking-guidance", "sindelfingen-parking-guidance"]


def test_the_page_offers_any_or_all_without_javascript(v2_client) -> None:
    html = v2_client.get("/usecases?lang=de&sector=mobility&sector=environment").text
    form = html[html.index('<form action="/usecases" method="get" class="facet-mode">') :]
    form = form[: form.index("</form>")]
    elements = parse_html(form).elements
    radios = {a["value"]: a for tag, a in elements if tag == "input" and a["type"] == "radio"}
    assert set(radios) == {"any", "all"} and "checked" in radios["any"]
    assert "checked" not in radios["all"] and radios["all"]["name"] == "sectors"
    assert f'<label for="{radios["all"]["id"]}">allen ausgewählten Sektoren</label>' in form
    assert "<legend>Anwendungsfälle mit</legend>" in form
    hidden = sorted(
        (a["name"], a["value"]) for tag, a in elements if tag == "input" and a["type"] == "hidden"
    )
    assert hidden == [("lang", "de"), ("sector", "environment"), ("sector", "mobility")]
    assert any(tag == "button" and a.get("type") == "submit" for tag, a in elements)
    submitted = v2_client.get("/usecases?lang=en&sector=mobility&sector=environment&sectors=all")
    assert ">1 use case<" in submitted.text
    assert 'name="sectors" value="all"' in submitted.text  # the text search keeps the mode


def test_the_json_twin_carries_the_mode_and_the_new_facets(v2_client) -> None:
    anyof = v2_client.get("/usecases.json?sector=mobility&sector=environment").get_json()
    allof = v2_client.get("/usecases.json?sector=mobility&sector=environment&sectors=all")
    allof = allof.get_json()
    assert anyof["query"]["sectors"] == "any" and anyof["total"] == 7
    assert allof["query"]["sectors"] == "all" and allof["total"] == 1
    assert {"land", "size", "solution", "platform", "org", "dataset"} <= set(allof["facets"])
    item = allof["items"][0]
    assert item["land"] == ["https://w3id.org/sckg/place/baden-wuerttemberg"]
    assert item["size"] == ["https://w3id.org/sckg/size-class/mittelstadt"]
    land = v2_client.get("/usecases.json?land=bavaria&size=grossstadt").get_json()
    assert [i["id"].rsplit("/", 1)[-1] for i in land["items"]] == ["munich-traffic-data"]
