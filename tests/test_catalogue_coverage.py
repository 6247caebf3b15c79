"""The catalogue coverage that ``kg audit`` prints (issue 16): datasets with a licence from the
DCAT-AP.de list, a publisher, a data theme and a distribution with format, counted apart for
the generic datasets of use-case patterns; checked against a count made independently from
the built graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib

from kg.cli import main
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
SKOS = "http://www.w3.org/2004/02/skos/core#"
EU = "http://publications.europa.eu/resource/authority/"
LICENCES = "http://dcat-ap.de/def/licenses"

COVERAGE = re.compile(r"Catalogue coverage: (\d+) of (\d+) datasets \((\d+) %\)")
GENERIC = re.compile(r"counted apart: (\d+) of (\d+) complete")

_DATASETS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?d ?what ?value WHERE {
  ?d a dcat:Dataset FILTER(STRSTARTS(STR(?d), "https://w3id.org/sckg/dataset/"))
  {
    ?d dcterms:publisher ?value BIND("publisher" AS ?what)
  } UNION {
    ?d dcterms:license ?value BIND("licence" AS ?what)
  } UNION {
    ?d dcat:distribution ?dist
    FILTER EXISTS { { ?dist dcat:accessURL ?url } UNION { ?dist dcat:downloadURL ?url } }
    { ?dist dcterms:license ?value BIND("licence" AS ?what) }
    UNION { ?dist dcterms:format ?value BIND("format" AS ?what) }
  } UNION {
    ?d dcat:theme ?value BIND("theme" AS ?what)
  } UNION {
    ?u sckg:usesDataset|sckg:producesDataset ?d ; sckg:sector/skos:closeMatch ?value
    BIND("theme" AS ?what)
  } UNION {
    ?u sckg:usesDataset|sckg:producesDataset|sckg:assessedUsesDataset ?d ; a ?value
    FILTER(?value IN (sckg:UseCase, sckg:UseCasePattern)) BIND("user" AS ?what)
  } UNION {
    BIND("dataset" AS ?what)
  }
}
"""


def independent_counts(store: Store) -> tuple[int, int, int, int]:
    """(covered, total, generic covered, generic total), from the graph and the vocabulary
    file, without the code under test."""
    vocabulary = rdflib.Graph().parse(ROOT / "ontology" / "catalogue-vocabularies.ttl")
    scheme = {
        str(s): str(o) for s, o in vocabulary.subject_objects(rdflib.URIRef(SKOS + "inScheme"))
    }
    same = {
        str(o): str(s) for s, o in vocabulary.subject_objects(rdflib.URIRef(SKOS + "exactMatch"))
    }

    def listed_licence(iri: str) -> bool:
        found = iri if iri in scheme else same.get(iri) or same.get(iri.rstrip("/") + "/")
        return bool(found) and scheme.get(found) == LICENCES

    facts: dict[str, dict[str, set[str]]] = {}
    for row in store.select(_DATASETS):
        facts.setdefault(str(row["d"]), {}).setdefault(str(row["what"]), set()).add(
            str(row.get("value", ""))
        )
    counts = {True: [0, 0], False: [0, 0]}
    for found in facts.values():
        users = found.get("user", set())
        generic = bool(users) and all(u.endswith("#UseCasePattern") for u in users)
        complete = (
            any(listed_licence(x) for x in found.get("licence", ()))
            and bool(found.get("publisher"))
            and any(scheme.get(t) == EU + "data-theme" for t in found.get("theme", ()))
            and any(scheme.get(f) == EU + "file-type" for f in found.get("format", ()))
        )
        counts[generic][0] += complete
        counts[generic][1] += 1
    return counts[False][0], counts[False][1], counts[True][0], counts[True][1]


def audit_output(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    main(["--project", str(project), "--lang", "en", "audit", *extra])
    return capsys.readouterr().out


def test_the_printed_coverage_is_the_count_of_the_graph(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    out = audit_output(ROOT, capsys)
    covered, total, percent = (int(x) for x in COVERAGE.search(out).groups())
    generic_covered, generic_total = (int(x) for x in GENERIC.search(out).groups())
    assert (covered, total, generic_covered, generic_total) == independent_counts(store)
    assert percent == round(100 * covered / total)
    assert generic_total > 0  # the patterns' datasets are counted apart, not left out
    listed = [
        line for line in out.splitlines() if re.match(r"  usecases/.+: dataset/.+: missing ", line)
    ]
    assert len(listed) == (total - covered) + (generic_total - generic_covered)


PROBE = """
  - id: dataset/coverage-probe
    type: Dataset
    title: {de: "Messwerte", en: "Readings"}
    description: {de: "Messwerte einer Probe.", en: "Readings of a probe."}
    publisher: lgv-hamburg
"""
COMPLETING = """    license: http://dcat-ap.de/def/licenses/dl-by-de/2.0
    themes: [TRAN]
    distributions:
      - accessURL: https://iot.example.org/v1.1
        format: JSON
"""


def with_probe(project: Path, fields: str = "") -> None:
    """The shipped datasets file of ``project`` plus the probe with ``fields``."""
    path = project / "usecases" / "shared" / "datasets.yaml"
    text = (ROOT / "usecases" / "shared" / "datasets.yaml").read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + PROBE + fields, encoding="utf-8")


def test_a_dataset_with_the_fields_counts_and_leaves_the_list(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = audit_output(project_copy, capsys)
    covered, total, _ = (int(x) for x in COVERAGE.search(shipped).groups())
    with_probe(project_copy)
    before = audit_output(project_copy, capsys)
    assert COVERAGE.search(before).groups()[:2] == (str(covered), str(total + 1))
    assert re.search(
        r"datasets.yaml:\d+: dataset/coverage-probe: missing license, themes, "
        r"distributions\[\]\.format$",
        before,
        re.MULTILINE,
    )
    with_probe(project_copy, COMPLETING)
    after = audit_output(project_copy, capsys)
    assert COVERAGE.search(after).groups()[:2] == (str(covered + 1), str(total + 1))
    assert "dataset/coverage-probe: missing" not in after


def test_missing_fields_are_named_in_german_and_in_json(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_probe(project_copy)
    main(["--project", str(project_copy), "--lang", "de", "audit"])
    german = capsys.readouterr().out
    assert "Katalogabdeckung:" in german and "gesondert gezählt" in german
    assert "dataset/coverage-probe: es fehlt license, themes, distributions[].format" in german
    main(["--project", str(project_copy), "audit", "--format", "json"])
    coverage = json.loads(capsys.readouterr().out)["coverage"]
    gap = next(g for g in coverage["gaps"] if g["entity"] == "dataset/coverage-probe")
    assert gap["missing"] == ["license", "themes", "distributions[].format"]
    assert gap["generic"] is False and coverage["total"] >= coverage["covered"]
