"""Figures of the published graph: what `kg stats` prints and the home page shows."""

from __future__ import annotations

from kg.namespaces import Vocabulary
from kg.rdf import Literal
from kg.store import Store

_COUNTS = """
PREFIX sckg: <{ns}>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?usecases ?crosssector ?sectors ?datasets ?services ?places ?organisations ?standards
WHERE {{
  {{ SELECT (COUNT(DISTINCT ?u) AS ?usecases) WHERE {{ ?u a sckg:UseCase }} }}
  {{ SELECT (COUNT(*) AS ?crosssector) WHERE {{
      {{ SELECT ?u WHERE {{ ?u a sckg:UseCase ; sckg:sector ?s }}
         GROUP BY ?u HAVING (COUNT(DISTINCT ?s) >= 2) }} }} }}
  {{ SELECT (COUNT(DISTINCT ?s) AS ?sectors) WHERE {{ ?s a sckg:Sector }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?datasets) WHERE {{ ?d a dcat:Dataset }} }}
  {{ SELECT (COUNT(DISTINCT ?d) AS ?services) WHERE {{ ?d a dcat:DataService }} }}
  {{ SELECT (COUNT(DISTINCT ?p) AS ?places) WHERE {{
      {{ ?p a sckg:Municipality }} UNION {{ ?p a sckg:Region }} }} }}
  {{ SELECT (COUNT(DISTINCT ?o) AS ?organisations) WHERE {{ ?o a org:Organization }} }}
  {{ SELECT (COUNT(DISTINCT ?st) AS ?standards) WHERE {{ ?st a dcterms:Standard }} }}
}}
"""

_FLOWS = """
PREFIX sckg: <{ns}>
SELECT (COUNT(*) AS ?flows) (SUM(?crossing) AS ?crosssectorflows) WHERE {{
  {{ SELECT DISTINCT ?a ?d ?b WHERE {{
      ?a sckg:producesDataset ?d . ?b sckg:usesDataset ?d . FILTER(?a != ?b) }} }}
  BIND(IF(EXISTS {{ ?a sckg:sector ?s FILTER NOT EXISTS {{ ?b sckg:sector ?s }} }}
       || EXISTS {{ ?b sckg:sector ?t FILTER NOT EXISTS {{ ?a sckg:sector ?t }} }}, 1, 0)
       AS ?crossing)
}}
"""

_TRIPLES = "SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"

#: Order and labels of the figures.
LABELS = {
    "usecases": {"de": "Anwendungsfälle", "en": "use cases"},
    "crosssector": {"de": "sektorübergreifend", "en": "cross-sector"},
    "sectors": {"de": "Sektoren", "en": "sectors"},
    "datasets": {"de": "Datensätze", "en": "datasets"},
    "services": {"de": "Datendienste", "en": "data services"},
    "flows": {"de": "Datenflüsse", "en": "data flows"},
    "crosssectorflows": {"de": "sektorübergreifende Datenflüsse", "en": "cross-sector flows"},
    "places": {"de": "Orte", "en": "places"},
    "organisations": {"de": "Organisationen", "en": "organisations"},
    "standards": {"de": "Standards", "en": "standards"},
    "triples": {"de": "Tripel", "en": "triples"},
    "graphs": {"de": "benannte Graphen", "en": "named graphs"},
}


def statistics(store: Store, vocab: Vocabulary) -> dict[str, int]:
    """Counts of the published graph, in the order of :data:`LABELS`."""
    found: dict[str, int] = {}
    for query in (_COUNTS, _FLOWS, _TRIPLES, _GRAPHS):
        rows = store.select(query.format(ns=vocab.ns))
        for name, term in (rows[0] if rows else {}).items():
            found[name] = int(term.value) if isinstance(term, Literal) else 0
    return {name: found.get(name, 0) for name in LABELS}
