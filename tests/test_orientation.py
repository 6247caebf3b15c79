"""The ranking of "Für meine Kommune / For my municipality" (kg.views.orientation) on the v2
fixture project (tests/fixtures/v2, its README lists the use cases). Every expected order and
score below is worked out by hand from the fixture files and the weights of FACTORS:
size 3, Land 3, neighbouring Land 1, each shared sector 2, each thing one has that the use case
relies on 2, reviewed 1, sourced data flows 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import InvalidRequest
from kg.store import Store, open_store
from kg.views.orientation import FACTORS, Orientation, orientation
from kg.views.orientation_profile import (
    LAENDER,
    NEIGHBOURS,
    Asked,
    Choice,
    Choices,
    choices,
    read_profile,
    size_class_for,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def known(v2_store: Store, v2_settings: Settings) -> Choices:
    return choices(v2_store, v2_settings.vocab)


def answer(v2_store: Store, v2_settings: Settings, known: Choices, **asked) -> Orientation:
    vocab = v2_settings.vocab
    profile = read_profile(Asked(**asked), known, v2_store, vocab)
    return orientation(v2_store, vocab, profile, known)


def ranking(found: Orientation) -> list[tuple[str, int]]:
    return [(m.slug, m.score) for m in found.matches]


def factors(found: Orientation, slug: str) -> dict[str, int]:
    match = next(m for m in found.matches if m.slug == slug)
    return {m.factor.code: m.points for m in match.met}


# -- the three planners ------------------------------------------------------------------------
# (1) A Landgemeinde in Rheinland-Pfalz interested in water. The fixture has no place in
# Rheinland-Pfalz; Kalübbe is the only Landgemeinde and its fire-water ponds the only water
# use case: size 3 + water 2 + reviewed 1 = 6. Nothing else shares a criterion.
PLANNER_1 = {"land": "rhineland-palatinate", "size": "landgemeinde", "sectors": ["water"]}
EXPECTED_1 = [("kalubbe-fire-water-ponds", 6)]

# (2) A Mittelstadt in Baden-Württemberg with a FIWARE platform, interested in the environment.
# Herrenberg parking: size 3 + Land 3 + environment 2 + platform 2 + reviewed 1 + its occupancy
# feeds Sindelfingen 1 = 12. Stuttgart air quality (a Großstadt): Land 3 + environment 2 +
# platform and Orion 4 + reviewed 1 + feeds München 1 = 11. Sindelfingen (Land through its
# Kreis): 3 + 3 + platform 2 + reviewed 1 + fed by Herrenberg 1 = 10. Herrenberg EV charging:
# 3 + 3 + 2 + 1 = 9. Barcelona noise (environment, abroad): 2 + platform 2 + reviewed 1 = 5.
PLANNER_2 = {
    "land": "baden-wuerttemberg",
    "size": "mittelstadt",
    "sectors": ["environment"],
    "haves": ["platform"],
    "components": ["fiware-orion"],
}
EXPECTED_2 = [
    ("herrenberg-parking-guidance", 12),
    ("stuttgart-air-quality", 11),
    ("sindelfingen-parking-guidance", 10),
    ("herrenberg-ev-charging", 9),
    ("barcelona-noise-monitoring", 5),
]

# (3) A Landkreis in Bayern interested in mobility. München: Land 3 + mobility 2 + reviewed 1 +
# fed by Stuttgart 1 = 7. Kreis Plön school transport (a draft): also a district 3 +
# mobility 2 = 5. Herrenberg parking and Sindelfingen: mobility 2 + reviewed 1 + flow 1 = 4
# each (by IRI). Herrenberg EV charging: 2 + 1 = 3. The smart-parking pattern never counts.
PLANNER_3 = {"land": "bavaria", "size": "kreis", "sectors": ["mobility"]}
EXPECTED_3 = [
    ("munich-traffic-data", 7),
    ("ploen-school-transport", 5),
    ("herrenberg-parking-guidance", 4),
    ("sindelfingen-parking-guidance", 4),
    ("herrenberg-ev-charging", 3),
]


@pytest.mark.parametrize(
    ("asked", "expected"),
    [(PLANNER_1, EXPECTED_1), (PLANNER_2, EXPECTED_2), (PLANNER_3, EXPECTED_3)],
    ids=["landgemeinde-rlp-water", "mittelstadt-bw-fiware", "landkreis-bayern"],
)
def test_the_three_planners_get_the_expected_order(v2_store, v2_settings, known, asked, expected):
    found = answer(v2_store, v2_settings, known, **asked)
    assert ranking(found) == expected


def test_every_point_is_explained_in_both_languages(v2_store, v2_settings, known):
    found = answer(v2_store, v2_settings, known, **PLANNER_2)
    stuttgart = next(m for m in found.matches if m.slug == "stuttgart-air-quality")
    assert [(m.factor.code, m.points, m.de, m.en) for m in stuttgart.met] == [
        ("land", 3, "gleiches Land (Baden-Württemberg)", "same Land (Baden-Württemberg)"),
        (
            "sectors",
            2,
            "teilt 1 Sektor: Umwelt, Klima und Stadtgrün",
            "shares 1 sector: Environment, climate and urban green",
        ),
        (
            "builds-on",
            4,
            "baut auf Vorhandenem auf: Datenplattform, FIWARE Orion Context Broker",
            "builds on what you have: data platform, FIWARE Orion Context Broker",
        ),
        ("reviewed", 1, "redaktionell geprüft", "reviewed by the curators"),
        (
            "flows",
            1,
            "belegte Datenflüsse mit 1 anderem Anwendungsfall",
            "sourced data flows with 1 other use case",
        ),
    ]
    assert stuttgart.score == sum(m.points for m in stuttgart.met)


def test_size_and_district_explanations(v2_store, v2_settings, known):
    first = answer(v2_store, v2_settings, known, **PLANNER_1).matches[0]
    assert first.met[0].en == "same size class (Rural municipality)"
    assert first.met[0].de == "gleiche Größenklasse (Landgemeinde)"
    third = answer(v2_store, v2_settings, known, **PLANNER_3)
    assert factors(third, "ploen-school-transport") == {"size": 3, "sectors": 2}
    plon = next(m for m in third.matches if m.slug == "ploen-school-transport")
    assert plon.met[0].de == "ebenfalls ein Landkreis"


def test_neighbouring_laender_count_only_when_asked(v2_store, v2_settings, known):
    # Rheinland-Pfalz borders Baden-Württemberg: its four use cases join with 1 point each for
    # the neighbour, plus reviewed and flows (Herrenberg parking, Sindelfingen, Stuttgart: 3;
    # Herrenberg EV: 2). Without the box they are not even candidates.
    found = answer(v2_store, v2_settings, known, **PLANNER_1, neighbours=True)
    assert ranking(found) == [
        ("kalubbe-fire-water-ponds", 6),
        ("herrenberg-parking-guidance", 3),
        ("sindelfingen-parking-guidance", 3),
        ("stuttgart-air-quality", 3),
        ("herrenberg-ev-charging", 2),
    ]
    met = next(m for m in found.matches if m.slug == "stuttgart-air-quality").met[0]
    assert (met.factor.code, met.en, met.de) == (
        "neighbour",
        "neighbouring Land (Baden-Württemberg)",
        "Nachbarland (Baden-Württemberg)",
    )


def test_a_municipality_of_the_graph_brings_its_land_size_and_platform(
    v2_store, v2_settings, known
):
    # Herrenberg: Mittelstadt in Baden-Württemberg, its platform runs FROST and Masterportal.
    # Its own two use cases are left out. Sindelfingen: 3 + 3 + mobility 2 + platform, FROST and
    # Masterportal 6 + reviewed 1 + flow 1 = 16. Stuttgart: Land 3 + platform and FROST 4 +
    # reviewed 1 + flow 1 = 9. München: mobility 2 + platform and Masterportal 4 + 1 + 1 = 8.
    # Kreis Plön: mobility 2 + platform 2 = 4.
    found = answer(v2_store, v2_settings, known, place="herrenberg", sectors=["mobility"])
    profile = found.profile
    assert (profile.land.slug, profile.size, profile.population) == (
        "baden-wuerttemberg",
        "mittelstadt",
        31500,
    )
    assert profile.from_graph == ("platform", "frost-server", "masterportal")
    assert [iri.rsplit("/", 1)[-1] for iri in found.own] == [
        "herrenberg-ev-charging",
        "herrenberg-parking-guidance",
    ]
    assert ranking(found) == [
        ("sindelfingen-parking-guidance", 16),
        ("stuttgart-air-quality", 9),
        ("munich-traffic-data", 8),
        ("ploen-school-transport", 4),
    ]


def test_sindelfingen_reaches_its_land_through_its_kreis(v2_store, v2_settings, known):
    found = answer(v2_store, v2_settings, known, place="sindelfingen")
    assert found.profile.land.slug == "baden-wuerttemberg"
    assert "sindelfingen-parking-guidance" not in [m.slug for m in found.matches]


def test_population_gives_the_size_class(v2_store, v2_settings, known):
    assert [size_class_for(n) for n in (640, 4999, 5000, 19999, 20000, 99999, 100000)] == [
        "landgemeinde",
        "landgemeinde",
        "kleinstadt",
        "kleinstadt",
        "mittelstadt",
        "mittelstadt",
        "grossstadt",
    ]
    found = answer(v2_store, v2_settings, known, land="bavaria", population="31.500")
    assert (found.profile.size, found.profile.population) == ("mittelstadt", 31500)
    # München: Land 3 + reviewed 1 + flow 1. The Mittelstädte Herrenberg and Sindelfingen:
    # size 3 + reviewed 1 (+ flow 1). Equal scores by IRI.
    assert ranking(found) == [
        ("herrenberg-parking-guidance", 5),
        ("munich-traffic-data", 5),
        ("sindelfingen-parking-guidance", 5),
        ("herrenberg-ev-charging", 4),
    ]


def test_patterns_are_never_ranked(v2_store, v2_settings, known):
    found = answer(
        v2_store, v2_settings, known, land="baden-wuerttemberg", sectors=["mobility", "environment"]
    )
    assert found.matches
    assert all("/usecase/" in m.iri for m in found.matches)


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"land": "atlantis"}, "land"),
        ({"place": "gotham"}, "place"),
        ({"land": "bavaria", "size": "megacity"}, "size"),
        ({"land": "bavaria", "population": "many"}, "population"),
        ({"land": "bavaria", "population": "0"}, "population"),
        ({"land": "bavaria", "sectors": ["space-travel"]}, "sector"),
        ({"land": "bavaria", "components": ["skynet"]}, "component"),
        ({"land": "bavaria", "haves": ["castle"]}, "have"),
    ],
)
def test_bad_values_are_named_in_both_languages(v2_store, v2_settings, known, asked, field):
    with pytest.raises(InvalidRequest) as caught:
        answer(v2_store, v2_settings, known, **asked)
    assert [p.field for p in caught.value.problems] == [field]
    problem = caught.value.problems[0]
    assert problem.de != problem.en and problem.de and problem.en
    assert caught.value.status == 400


def test_what_the_first_use_cases_needed(v2_store, v2_settings, known):
    found = answer(v2_store, v2_settings, known, **PLANNER_2)
    needs = {m.slug: m.needs for m in found.shown}
    parking = needs["herrenberg-parking-guidance"]
    assert {d.rsplit("/", 1)[-1]: sorted(r) for d, r in parking.roles.items()} == {
        "herrenberg-parking-occupancy": ["produces"]
    }
    platform = parking.platforms[v2_settings.vocab.entity("platform", "herrenberg-urban-platform")]
    assert [h.rsplit("/", 1)[-1] for h in platform.hosting] == ["in-house"]
    assert [o.rsplit("/", 1)[-1] for o in platform.operators] == ["stadt-herrenberg"]
    assert open_source(platform) == {
        "frost-server": True,
        "masterportal": True,
    }
    assert sorted(s.rsplit("/", 1)[-1] for s in parking.standards) == ["ogc-sensorthings-api"]
    assert sorted(t.rsplit("/", 1)[-1] for t in parking.transferred_to) == [
        "herrenberg-ev-charging",
        "sindelfingen-parking-guidance",
    ]
    assert [(o.rsplit("/", 1)[-1], sorted(r.rsplit("/", 1)[-1] for r in roles)) for o, roles in
            parking.org_roles.items()] == [("stadt-herrenberg", ["operator"])]  # fmt: skip
    links = {k.rsplit("/", 1)[-1]: v.interest for k, v in parking.links.items()}
    assert links == {"environment--mobility": True}
    stuttgart = needs["stuttgart-air-quality"]
    assert [t.rsplit("/", 1)[-1] for t in stuttgart.transferred_from] == [
        "barcelona-sentilo-platform"
    ]
    assert sorted(s.rsplit("/", 1)[-1] for s in stuttgart.standards) == [
        "ngsi-ld",
        "ogc-sensorthings-api",
    ]
    assert {k.rsplit("/", 1)[-1]: v.interest for k, v in stuttgart.links.items()} == {
        "environment--health": True,
        "environment--mobility": True,
        "health--mobility": False,
    }


def test_a_closed_component_is_marked(v2_store, v2_settings, known):
    kalubbe = answer(v2_store, v2_settings, known, **PLANNER_1).matches[0].needs
    (platform,) = kalubbe.platforms.values()
    assert open_source(platform) == {"vendor-iot-suite": False}
    assert [h.rsplit("/", 1)[-1] for h in platform.hosting] == ["vendor-saas"]


def open_source(platform) -> dict[str, bool | None]:
    return {iri.rsplit("/", 1)[-1]: c.open_source for iri, c in platform.components.items()}


def test_the_json_answer_carries_every_factor(v2_store, v2_settings, known):
    document = answer(v2_store, v2_settings, known, **PLANNER_3).as_json("de")
    assert [f["factor"] for f in document["factors"]] == [f.code for f in FACTORS]
    first = document["results"][0]
    assert first["id"].endswith("/usecase/munich-traffic-data")
    assert first["score"] == sum(f["points"] for f in first["factors"]) == 7
    assert {f["factor"] for f in first["factors"]} == {"land", "sectors", "reviewed", "flows"}
    assert document["profile"]["land"] == "bavaria"
    assert document["profile"]["sizeClass"] == "kreis"


def test_neighbours_are_symmetric_and_cover_every_land():
    assert set(NEIGHBOURS) == {land.nuts for land in LAENDER}
    for code, near in NEIGHBOURS.items():
        assert code not in near
        assert all(code in NEIGHBOURS[other] for other in near), code


def test_docs_list_every_factor_with_its_weight():
    text = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    section = text[text.index("## For my municipality") :]
    for factor in FACTORS:
        row = re.search(rf"^\| `{re.escape(factor.code)}` \|.*$", section, re.M)
        assert row, factor.code
        assert f"| {factor.weight}" in row.group(0), factor.code
        assert factor.name_en in row.group(0) and factor.name_de in row.group(0)


def test_an_oxigraph_server_ranks_the_same(v2_remote_settings):
    store = open_store(v2_remote_settings)
    vocab = v2_remote_settings.vocab
    known = choices(store, vocab)
    for asked, expected in (
        (PLANNER_1, EXPECTED_1),
        (PLANNER_2, EXPECTED_2),
        (PLANNER_3, EXPECTED_3),
    ):
        found = orientation(store, vocab, read_profile(Asked(**asked), known, store, vocab), known)
        assert ranking(found) == expected
        assert all(m.needs is not None and m.needs.platforms for m in found.shown)


def test_a_place_can_be_named_in_either_language(v2_store, v2_settings, known):
    for text in ("München", "munich", "Munich", "MÜNCHEN"):
        found = answer(v2_store, v2_settings, known, place=text)
        assert found.profile.place.slug == "munich", text
        assert found.profile.land.slug == "bavaria"


def test_a_name_shared_by_several_places_asks_for_the_short_name(v2_settings):
    vocab = v2_settings.vocab
    known = Choices(
        sectors={},
        sizes={},
        components={},
        places={
            slug: Choice(slug, vocab.entity("place", slug), {"de": "Neustadt"})
            for slug in ("neustadt-hessen", "neustadt-sachsen")
        },
        place_land={"neustadt-hessen": "hesse", "neustadt-sachsen": "saxony"},
    )
    with pytest.raises(InvalidRequest) as caught:
        read_profile(Asked(place="neustadt"), known, None, vocab)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.field == "place"
    assert problem.de == (
        "Mehrere Orte heißen „neustadt“. Bitte den Kurznamen eingeben: "
        "Neustadt (Hessen): neustadt-hessen; Neustadt (Sachsen): neustadt-sachsen."
    )
    assert "Neustadt (Saxony): neustadt-sachsen" in problem.en
