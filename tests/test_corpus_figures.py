"""Issue 12's figures as they hold on the shipped corpus, counted in the built graph, and the
corrections of the issue's fact check that are facts in the graph.

Every target of the issue is reached by batches A, B and C (155 real use cases, 130 German
municipalities and Landkreise, all 16 Länder, 62 use cases in small places, 15 abroad, 75 naming
a platform, 14 transfer relations); each test asserts the issue's target itself.
"""

from __future__ import annotations

import pytest

from kg.curation.audit import MIN_WORDS, word_count
from kg.store import Store

PREFIXES = """
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX place: <https://w3id.org/sckg/place/>
PREFIX usecase: <https://w3id.org/sckg/usecase/>
PREFIX size: <https://w3id.org/sckg/size-class/>
PREFIX mtype: <https://w3id.org/sckg/municipality-type/>
PREFIX country: <http://publications.europa.eu/resource/authority/country/>
"""
UC = "https://w3id.org/sckg/usecase/"
BASE = "https://w3id.org/sckg/"


def count(store: Store, query: str) -> int:
    rows = store.select(PREFIXES + query)
    return int(rows[0]["n"].value)


def objects(store: Store, subject: str, predicate: str) -> set[str]:
    rows = store.select(PREFIXES + f"SELECT ?o WHERE {{ <{subject}> {predicate} ?o }}")
    return {row["o"].value for row in rows}


# --- the figures -------------------------------------------------------------------------------


def test_real_use_cases(store: Store) -> None:
    assert count(store, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a sckg:UseCase }") >= 150


def test_german_municipalities_and_districts_with_use_cases(store: Store) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?u a sckg:UseCase ; dcterms:spatial ?p .
             VALUES ?class { sckg:Municipality sckg:District } ?p a ?class ;
             sckg:within place:germany }""",
    )
    assert n >= 60


def test_all_sixteen_laender_have_use_cases(store: Store) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?land) AS ?n) WHERE {
             ?u a sckg:UseCase ; dcterms:spatial ?p . ?land a sckg:State .
             { ?p sckg:within ?land } UNION { FILTER(?p = ?land) } }""",
    )
    assert n == 16


def test_use_cases_in_small_towns_rural_municipalities_and_districts(store: Store) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {
             ?u a sckg:UseCase ; dcterms:spatial ?p . ?p sckg:within place:germany .
             { ?p sckg:sizeClass ?size VALUES ?size { size:kleinstadt size:landgemeinde } }
             UNION { ?p sckg:municipalityType ?t
                     VALUES ?t { mtype:verbandsgemeinde mtype:amt mtype:samtgemeinde } }
             UNION { ?p a sckg:District } }""",
    )
    assert n >= 20


def test_non_german_reference_projects(store: Store) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {
             ?u a sckg:UseCase ; dcterms:spatial ?p .
             ?p sckg:country ?c FILTER(?c != country:DEU) }""",
    )
    assert n >= 15


def test_use_cases_naming_a_platform(store: Store) -> None:
    n = count(
        store, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a sckg:UseCase ; sckg:runsOn ?p }"
    )
    assert n >= 40


def test_transfer_relations(store: Store) -> None:
    n = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a sckg:transferredFrom ?b }")
    assert n >= 10


def test_every_real_use_case_has_sixty_words_in_each_language(store: Store) -> None:
    rows = store.select(
        PREFIXES
        + """SELECT ?u ?text WHERE { ?u a sckg:UseCase ; dcterms:description ?text
               FILTER(lang(?text) IN ("de", "en")) }"""
    )
    words: dict[str, dict[str, int]] = {}
    for row in rows:
        words.setdefault(row["u"].value, {})[row["text"].lang] = word_count(row["text"].value)
    assert len(words) == count(
        store, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a sckg:UseCase }"
    )
    short = {u: w for u, w in words.items() if min(w.get("de", 0), w.get("en", 0)) < MIN_WORDS}
    assert short == {}


# --- the corrections of the fact check ---------------------------------------------------------


def text_of(store: Store, iri: str) -> str:
    return " ".join(objects(store, iri, "dcterms:description|dcterms:title"))


@pytest.mark.parametrize(
    "iri", [UC + "hamburg-smartroad-bridge-environment", BASE + "dataset/port-bridge-sensor-data"]
)
def test_kattwyk_bridge_is_a_vertical_lift_bridge(store: Store, iri: str) -> None:
    text = text_of(store, iri)
    assert "Hubbrücke" in text and "vertical lift bridge" in text
    assert "Klappbrücke" not in text and "bascule" not in text


def test_herrenberg_is_a_mittelstadt(store: Store) -> None:
    assert objects(store, BASE + "place/herrenberg", "sckg:sizeClass") == {
        BASE + "size-class/mittelstadt"
    }


@pytest.mark.parametrize(
    "slug", ["digitale-doerfer-local-delivery", "digitale-doerfer-village-communication"]
)
def test_digitale_doerfer_is_society_not_agriculture(store: Store, slug: str) -> None:
    sectors = objects(store, UC + slug, "sckg:sector")
    assert BASE + "sector/society" in sectors
    assert BASE + "sector/agriculture" not in sectors


def test_digitale_doerfer_delivery_is_not_in_operation(store: Store) -> None:
    iri = UC + "digitale-doerfer-local-delivery"
    assert objects(store, iri, "sckg:maturity").isdisjoint(
        {BASE + "maturity/in-operation", BASE + "maturity/scaled"}
    )
    assert objects(store, iri, "sckg:lifecycleStatus") == {BASE + "lifecycle/discontinued"}


def test_terrassa_sentilo_has_no_water_sector(store: Store) -> None:
    assert BASE + "sector/water" not in objects(store, UC + "terrassa-sentilo-reuse", "sckg:sector")


def test_santander_environmental_monitoring_is_not_scaled(store: Store) -> None:
    maturity = objects(store, UC + "santander-environmental-monitoring", "sckg:maturity")
    assert maturity == {BASE + "maturity/pilot"}


def test_copenhagen_has_no_oasc_mim3_and_hitachi_operates(store: Store) -> None:
    """No standard of the use case, its data sets or its platform is OASC MIM3."""
    iri = UC + "copenhagen-city-data-exchange"
    standards = objects(
        store,
        iri,
        "(dcterms:conformsTo|sckg:usesDataset/dcterms:conformsTo"
        "|sckg:producesDataset/dcterms:conformsTo|sckg:runsOn/dcterms:conformsTo)",
    )
    assert BASE + "standard/oasc-mim3" not in standards
    assert objects(store, BASE + "platform/city-data-exchange", "sckg:operatedBy") == {
        BASE + "org/hitachi"
    }


def test_darmstadt_air_quality_names_the_mobilitaetsamt_and_saubere_luft(store: Store) -> None:
    iri = UC + "darmstadt-air-quality-network"
    assert objects(store, iri, "sckg:fundedBy") == {BASE + "programme/sofortprogramm-saubere-luft"}
    assert BASE + "org/darmstadt-mobilitaetsamt" in objects(
        store, iri, "prov:qualifiedAttribution/prov:agent"
    )
    assert "2022" not in " ".join(objects(store, iri, "<https://schema.org/endDate>"))


def test_darmstadt_traffic_control_uses_no_lamp_sensor_data(store: Store) -> None:
    iri = UC + "darmstadt-environment-sensitive-traffic-control"
    assert BASE + "dataset/darmstadt-lamp-sensor-data" not in objects(
        store, iri, "sckg:usesDataset|sckg:assessedUsesDataset"
    )


def test_helsinki_atlas_is_a_study_without_hourly_building_data(store: Store) -> None:
    iri = UC + "helsinki-energy-climate-atlas"
    assert objects(store, iri, "sckg:maturity") == {BASE + "maturity/idea"}
    assert BASE + "dataset/helsinki-building-hourly-energy" not in objects(
        store, iri, "sckg:usesDataset|sckg:producesDataset|sckg:assessedUsesDataset"
    )


@pytest.mark.parametrize(
    ("slug", "city"),
    [
        ("munich-smarter-together-mobility-stations", "stadt-muenchen"),
        ("cologne-growsmarter-mobility-stations", "stadt-koeln"),
    ],
)
def test_mobility_stations_were_run_by_the_operators_not_the_city(
    store: Store, slug: str, city: str
) -> None:
    rows = store.select(
        PREFIXES
        + f"""SELECT ?org WHERE {{ <{UC}{slug}> prov:qualifiedAttribution ?a .
               ?a prov:agent ?org ; dcat:hadRole <{BASE}role/operator> }}"""
    )
    operators = {row["org"].value for row in rows}
    assert operators and BASE + f"org/{city}" not in operators
    produced = objects(store, UC + slug, "sckg:producesDataset")
    assert not [d for d in produced if "usage" in d]


def test_bergedorf_platform_claims_no_din_spec_and_no_data_flows(store: Store) -> None:
    iri = UC + "hamburg-bergedorf-urban-platform"
    assert BASE + "standard/din-spec-91357" not in objects(store, iri, "dcterms:conformsTo")
    assert objects(store, iri, "sckg:usesDataset|sckg:producesDataset") == set()


@pytest.mark.parametrize(
    "slug",
    ["lemgo-smart-parking", "lemgo-retail-footfall", "lemgo-connected-buses-adaptive-lighting"],
)
def test_lemgo_living_lab_is_not_in_operation(store: Store, slug: str) -> None:
    assert objects(store, UC + slug, "sckg:maturity") == {BASE + "maturity/pilot"}


def test_lemgo_footfall_is_not_linked_to_parking(store: Store) -> None:
    used = objects(store, UC + "lemgo-retail-footfall", "sckg:usesDataset|sckg:assessedUsesDataset")
    assert BASE + "dataset/lemgo-parking-occupancy" not in used


def test_dublin_gully_maintenance_uses_only_rainfall_data(store: Store) -> None:
    used = objects(store, UC + "dublin-gully-maintenance", "sckg:usesDataset")
    assert used == {BASE + "dataset/dublin-rainfall-measurements"}
