"""The shipped corpus meets the figures the project promises, checked in the built store."""

from __future__ import annotations

import re
from pathlib import Path

from kg.stats import statistics
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
#: The reference facts the curated use cases were written from (vendored: see its README.md).
FACTS = ROOT / "tests" / "vendor" / "usecase-facts" / "usecase-facts.md"
PREFIXES = """
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def values(store: Store, query: str) -> list[dict]:
    return [{k: v.value for k, v in row.items()} for row in store.select(PREFIXES + query)]


def test_figures(store: Store, built_settings) -> None:
    figures = statistics(store, built_settings.vocab)
    # Model v2 counts real use cases and patterns apart, and flows only between real use cases.
    assert figures["usecases"] >= 40
    assert figures["patterns"] >= 20
    assert figures["crosssector"] >= 0.7 * figures["usecases"]
    assert figures["sectors"] == 14
    assert figures["datasets"] >= 60
    assert figures["shareddatasets"] >= 10
    assert figures["flows"] >= 15
    assert figures["crosssectorflows"] >= 10
    assert figures["places"] >= 30
    assert figures["standards"] >= 15
    assert figures["organisations"] >= 20


def test_every_sector_is_used_by_two_use_cases(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?sector (COUNT(DISTINCT ?u) AS ?n) WHERE {
          ?sector a sckg:Sector . OPTIONAL { ?u sckg:sector ?sector } } GROUP BY ?sector""",
    )
    assert len(rows) == 14
    assert all(int(r["n"]) >= 2 for r in rows), rows


def test_every_dataset_is_used_or_produced(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?d WHERE { ?d a dcat:Dataset .
          FILTER NOT EXISTS { ?u sckg:usesDataset|sckg:producesDataset ?d } }""",
    )
    assert rows == []


def test_every_use_case_states_maturity_and_a_source(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?u WHERE { ?u a sckg:UseCase .
          FILTER (NOT EXISTS { ?u sckg:maturity ?m } || NOT EXISTS { ?u dcterms:source ?s }) }""",
    )
    assert rows == []


def test_places_carry_their_official_codes(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?p ?ags ?nuts WHERE {
          ?p a sckg:Place
          OPTIONAL { ?p sckg:municipalityKey ?ags } OPTIONAL { ?p sckg:nutsRegion ?nuts } }""",
    )
    assert len(rows) >= 25
    for row in rows:
        assert row.get("ags") or row.get("nuts"), row
        if row.get("ags"):
            assert re.fullmatch(
                r"http://dcat-ap\.de/def/politicalGeocoding/municipalityKey/"
                r"\d{8}",
                row["ags"],
            )


def test_reviewed_use_cases_are_based_on_the_reference_facts(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?u ?source WHERE { ?u a sckg:UseCase ;
          sckg:curationStatus <https://w3id.org/sckg/curation/reviewed> .
          OPTIONAL { ?u dcterms:source ?source } }""",
    )
    assert len({r["u"] for r in rows}) >= 25
    assert all(r.get("source") for r in rows), "a reviewed use case without a source"
    assert FACTS.is_file(), f"reference facts not found at {FACTS}"
    facts = FACTS.read_text(encoding="utf-8")
    for row in rows:
        source = row["source"]
        doi = source.removeprefix("https://doi.org/")
        assert source in facts or f"doi:{doi}" in facts or (source.rstrip("/") in facts), (
            f"{row['u']} cites {source}, not in the reference facts"
        )


def test_titles_and_descriptions_in_both_languages(store: Store) -> None:
    rows = values(
        store,
        """
        SELECT ?u WHERE { ?u a sckg:UseCase .
          FILTER NOT EXISTS { ?u dcterms:title ?de FILTER(lang(?de) = "de")
                              ?u dcterms:title ?en FILTER(lang(?en) = "en")
                              ?u dcterms:description ?dde FILTER(lang(?dde) = "de")
                              ?u dcterms:description ?den FILTER(lang(?den) = "en") } }""",
    )
    assert rows == []
