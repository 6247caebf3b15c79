"""Figures of the published graph: what `kg stats` prints and the home page shows.

The figures about the data are computed once per release by the build: the VoID class partitions of
the dataset ``{base}`` in the graph ``{base}graph/void`` (``kg/build/rules/70-void.ru``, the
description ``/.well-known/void`` serves) and the derived counts in ``{base}graph/aggregates``
(``kg/build/rules/60-aggregates.ru``), read back with one query; counted live they cost seconds at
100,000 use cases. A release built without them is counted live.

The derived figures follow the definitions of docs/model.md: real use cases and patterns
apart, flows only between two different real use cases, a flow cross-sector when its consumer
serves a sector its producer does not, a dataset shared when two different real use cases use
or produce it.
"""

from __future__ import annotations

from kg.namespaces import DCAT, DCTERMS, ORG, VOID, Vocabulary
from kg.rdf import Literal
from kg.store import Store

_COUNTS = """
PREFIX sckg: <{ns}>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?usecases ?patterns ?crosssector ?sectors ?datasets ?services ?platforms ?components
       ?programmes ?places ?organisations ?standards
WHERE {{
  {{ SELECT (COUNT(DISTINCT ?u) AS ?usecases) WHERE {{ ?u a sckg:UseCase }} }}
  {{ SELECT (COUNT(DISTINCT ?u) AS ?patterns) WHERE {{ ?u a sckg:UseCasePattern }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?platforms) WHERE {{ ?d a sckg:DataPlatform }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?components) WHERE {{ ?d a sckg:SoftwareComponent }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?programmes) WHERE {{ ?d a sckg:FundingProgramme }} }}
  {{ SELECT (COUNT(*) AS ?crosssector) WHERE {{
      {{ SELECT ?u WHERE {{ ?u a sckg:UseCase ; sckg:sector ?s }}
         GROUP BY ?u HAVING (COUNT(DISTINCT ?s) >= 2) }} }} }}
  {{ SELECT (COUNT(DISTINCT ?s) AS ?sectors) WHERE {{ ?s a sckg:Sector }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?datasets) WHERE {{ ?d a dcat:Dataset }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?services) WHERE {{ ?d a dcat:DataService }} }}
  {{ SELECT (COUNT(DISTINCT ?p) AS ?places) WHERE {{
      VALUES ?c {{ sckg:Municipality sckg:District sckg:State sckg:Region sckg:Country }}
      ?p a ?c }} }}
  {{ SELECT (COUNT(DISTINCT ?o) AS ?organisations) WHERE {{ ?o a org:Organization }} }}
  {{ SELECT (COUNT(DISTINCT ?st) AS ?standards) WHERE {{ ?st a dcterms:Standard }} }}
}}
"""

_FLOWS = """
PREFIX sckg: <{ns}>
SELECT (COUNT(*) AS ?flows) (SUM(?crossing) AS ?crosssectorflows) WHERE {{
  {{ SELECT DISTINCT ?a ?d ?b WHERE {{
      ?a sckg:producesDataset ?d . ?b sckg:usesDataset ?d . FILTER(?a != ?b)
      ?a a sckg:UseCase . ?b a sckg:UseCase }} }}
  BIND(IF(EXISTS {{ ?b sckg:sector ?s FILTER NOT EXISTS {{ ?a sckg:sector ?s }} }}, 1, 0)
       AS ?crossing)
}}
"""

_ASSESSED = """
PREFIX sckg: <{ns}>
SELECT (COUNT(*) AS ?assessedflows) WHERE {{
  {{ SELECT DISTINCT ?a ?d ?b WHERE {{
      ?a sckg:producesDataset ?d . ?b sckg:assessedUsesDataset ?d . FILTER(?a != ?b)
      ?a a sckg:UseCase . ?b a sckg:UseCase }} }}
}}
"""

_SHARED = """
PREFIX sckg: <{ns}>
SELECT (COUNT(*) AS ?shareddatasets) WHERE {{
  {{ SELECT ?d WHERE {{ ?u sckg:usesDataset|sckg:producesDataset ?d . ?u a sckg:UseCase }}
     GROUP BY ?d HAVING (COUNT(DISTINCT ?u) >= 2) }}
}}
"""

_TRIPLES = "SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"

#: Order and labels of the figures.
LABELS = {
    "usecases": {"de": "Anwendungsfälle", "en": "use cases"},
    "crosssector": {"de": "sektorübergreifend", "en": "cross-sector"},
    "patterns": {"de": "Muster (getrennt gezählt)", "en": "patterns (counted apart)"},
    "sectors": {"de": "Sektoren", "en": "sectors"},
    "datasets": {"de": "Datensätze", "en": "datasets"},
    "shareddatasets": {"de": "gemeinsam genutzte Datensätze", "en": "shared datasets"},
    "services": {"de": "Datendienste", "en": "data services"},
    "platforms": {"de": "Datenplattformen", "en": "data platforms"},
    "components": {"de": "Softwarekomponenten", "en": "software components"},
    "flows": {"de": "Datenflüsse", "en": "data flows"},
    "crosssectorflows": {"de": "sektorübergreifende Datenflüsse", "en": "cross-sector flows"},
    "assessedflows": {"de": "eingeschätzte Datenflüsse", "en": "assessed data flows"},
    "places": {"de": "Orte", "en": "places"},
    "organisations": {"de": "Organisationen", "en": "organisations"},
    "programmes": {"de": "Förderprogramme", "en": "funding programmes"},
    "standards": {"de": "Standards", "en": "standards"},
    "triples": {"de": "Tripel", "en": "triples"},
    "graphs": {"de": "benannte Graphen", "en": "named graphs"},
}


_PRECOMPUTED = """
SELECT ?c ?n ?p ?v WHERE {{
  {{ GRAPH <{void_graph}> {{
      <{base}> <{void}classPartition> ?part . ?part <{void}class> ?c ; <{void}entities> ?n }} }}
  UNION {{ GRAPH <{graph}> {{ <{base}> ?p ?v FILTER(isLiteral(?v)) }} }}
}}"""

#: Figure of each class partition (places are the five kinds of place; data services include
#: the platforms, which are counted on their own as well).
_CLASS_FIGURES = {
    "UseCase": "usecases",
    "UseCasePattern": "patterns",
    "Sector": "sectors",
    DCAT + "Dataset": "datasets",
    DCAT + "DataService": "services",
    "DataPlatform": "platforms",
    "SoftwareComponent": "components",
    "FundingProgramme": "programmes",
    "Municipality": "places",
    "District": "places",
    "State": "places",
    "Region": "places",
    "Country": "places",
    ORG + "Organization": "organisations",
    DCTERMS + "Standard": "standards",
}
_PROPERTY_FIGURES = {
    "crossSectorUseCaseCount": "crosssector",
    "dataFlowCount": "flows",
    "crossSectorDataFlowCount": "crosssectorflows",
    "assessedDataFlowCount": "assessedflows",
    "sharedDatasetTotal": "shareddatasets",
}
#: The derived figures VoID states as properties of the dataset (sckg: property → figure).
VOID_FIGURES = {**_PROPERTY_FIGURES, "patternCount": "patterns"}
#: The figures about the data (the others, triples and graphs, describe the store).
DATA_FIGURES = tuple(name for name in LABELS if name not in ("triples", "graphs"))


def figures(store: Store, vocab: Vocabulary, *, live: bool = False) -> dict[str, int]:
    """The figures about the data (:data:`DATA_FIGURES`): precomputed, else counted live."""
    found = {} if live else _precomputed(store, vocab)
    if found is None or live:
        found = _count(store, vocab, (_COUNTS, _FLOWS, _ASSESSED, _SHARED))
    return {name: found.get(name, 0) for name in DATA_FIGURES}


def statistics(store: Store, vocab: Vocabulary, *, live: bool = False) -> dict[str, int]:
    """Counts of the published graph, in the order of :data:`LABELS` (the triples and graphs
    are always counted)."""
    found = {**figures(store, vocab, live=live), **_count(store, vocab, (_TRIPLES, _GRAPHS))}
    return {name: found.get(name, 0) for name in LABELS}


def _count(store: Store, vocab: Vocabulary, queries: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for query in queries:
        rows = store.select(query.format(ns=vocab.ns))
        for name, term in (rows[0] if rows else {}).items():
            found[name] = int(term.value) if isinstance(term, Literal) else 0
    return found


def _precomputed(store: Store, vocab: Vocabulary) -> dict[str, int] | None:
    """The figures the build wrote into ``{base}graph/aggregates``, or None without them."""
    query = _PRECOMPUTED.format(
        graph=vocab.graph("aggregates"), void_graph=vocab.graph("void"), base=vocab.base, void=VOID
    )
    classes = {(c if ":" in c else vocab.term(c)): name for c, name in _CLASS_FIGURES.items()}
    properties = {vocab.term(p): name for p, name in _PROPERTY_FIGURES.items()}
    found: dict[str, int] = {}
    for row in store.select(query):
        if "c" in row and row["c"].value in classes:
            name = classes[row["c"].value]
            found[name] = found.get(name, 0) + int(row["n"].value)
        elif "p" in row and row["p"].value in properties:
            found[properties[row["p"].value]] = int(row["v"].value)
    has_classes = bool(set(classes.values()) & set(found))
    if not has_classes or not set(properties.values()) <= set(found):
        return None  # built before the VoID description or the aggregates: count live
    return found
