"""Every place, organisation, standard and data platform page lists its real use cases under a
clear heading, read from the search index (a place's include those of the places inside it),
capped, with a link to the search filtered by that resource (v2 fixture, tests/fixtures/v2)."""

from __future__ import annotations

import re

import pytest

from web import entities


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def listed(html: str) -> str:
    """The use-case section of a page."""
    start = html.index('<section aria-labelledby="uc-h" class="usecases-here">')
    return html[start : html.index("</section>", start)]


def usecases(section: str) -> list[str]:
    return sorted(re.findall(r'<a href="/usecase/([^"]+)">', section))


CASES = [
    # (page, heading en, heading de, search link, the use cases)
    (
        "/place/landkreis-boeblingen",
        "Use cases here",
        "Anwendungsfälle hier",
        "/usecases?place=landkreis-boeblingen",
        ["herrenberg-ev-charging", "herrenberg-parking-guidance", "sindelfingen-parking-guidance"],
    ),
    (
        "/org/kreis-ploen",
        "Use cases with this organisation",
        "Anwendungsfälle mit dieser Organisation",
        "/usecases?org=kreis-ploen",
        ["kalubbe-fire-water-ponds", "ploen-school-transport"],
    ),
    (
        "/standard/ogc-sensorthings-api",
        "Use cases that follow this standard",
        "Anwendungsfälle, die diesem Standard folgen",
        "/usecases?standard=ogc-sensorthings-api",
        None,  # computed from the search below
    ),
    (
        "/platform/ploen-iot-platform",
        "Use cases on this platform",
        "Anwendungsfälle auf dieser Plattform",
        "/usecases?platform=ploen-iot-platform",
        ["kalubbe-fire-water-ponds", "ploen-school-transport"],
    ),
]


@pytest.mark.parametrize("page, heading_en, heading_de, search, expected", CASES)
def test_each_page_lists_its_use_cases_and_links_to_the_search(
    v2_client, page, heading_en, heading_de, search, expected
) -> None:
    if expected is None:
        twin = v2_client.get(search.replace("/usecases", "/usecases.json")).get_json()
        expected = sorted(i["id"].rsplit("/", 1)[-1] for i in twin["items"])
        assert expected  # the fixture has use cases that follow the standard
    for lang, heading in (("en", heading_en), ("de", heading_de)):
        html = main(v2_client.get(f"{page}.html?lang={lang}").text)
        section = listed(html)
        assert f'<h2 id="uc-h">{heading} <span class="count">{len(expected)}</span></h2>' in section
        assert usecases(section) == expected
        assert f'href="{search}"' in section
        found = v2_client.get(search).text
        assert f">{len(expected)} use case" in found or f">{len(expected)} Anwendungsf" in found


def test_an_organisation_page_names_the_role_in_each_use_case(v2_client) -> None:
    section = listed(main(v2_client.get("/org/iot-vendor.html?lang=de").text))
    assert usecases(section) == ["kalubbe-fire-water-ponds"]
    assert re.search(r'kalubbe-fire-water-ponds">[^<]+</a> <span class="role">\(\w+', section)


def test_a_long_list_is_capped_with_the_count_and_the_search(v2_client, monkeypatch) -> None:
    monkeypatch.setattr(entities, "TOP", 1)
    v2_client.application.extensions.pop("kg.descriptions", None)
    html = main(v2_client.get("/place/baden-wuerttemberg.html?lang=en").text)
    section = listed(html)
    assert '<span class="count">4</span>' in section
    assert len(usecases(section)) == 1
    assert "1 of 4 shown." in section
    assert 'href="/usecases?place=baden-wuerttemberg"' in section


def test_a_page_without_use_cases_says_so(v2_client) -> None:
    section = listed(main(v2_client.get("/standard/ngsi-ld.html?lang=de").text))
    assert '<span class="count">0</span>' in section
    assert "Noch kein Anwendungsfall folgt diesem Standard." in section
    assert "/usecases?standard=" not in section
