# Which OASC Minimal Interoperability Mechanisms a platform implements, derived from its standards.
#
# A data platform that conforms to a standard OASC names as a mechanism of a MIM
# (sckg:realisedBy in ontology/schemes.ttl, each with its OASC page as dcterms:source), or to the
# corpus's standard entry of the MIM itself (skos:closeMatch, e.g. standard/oasc-mim1), implements
# that MIM. The fact goes into the graph {base}graph/inferred only, so pages and queries can tell
# it from a MIM a curated file states with a source (sckg:implementsMim in a file's graph).
# Nothing else is used: no guess from software components, descriptions or capabilities.

PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

INSERT {
  GRAPH <https://w3id.org/sckg/graph/inferred> { ?platform sckg:implementsMim ?mim }
}
WHERE {
  { SELECT DISTINCT ?mim ?standard WHERE {
      GRAPH ?g0 { ?mim a sckg:InteroperabilityMechanism }
      { GRAPH ?g1 { ?mim sckg:realisedBy ?standard } }
      UNION { GRAPH ?g1 { ?mim skos:closeMatch ?standard } } } }
  GRAPH ?g2 { ?platform dcterms:conformsTo ?standard }
  GRAPH ?g3 { ?platform a sckg:DataPlatform }
}
