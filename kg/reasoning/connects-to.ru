# Sector interconnection (sckg:connectsTo), materialised after the OWL rules of kg/reasoning.
#
# Two different sectors are connected when (1) a use case serves both, (2) a use case of one
# produces a dataset that a use case of the other uses (a data flow, sckg:feeds), or (3) use
# cases of both use a dataset in common. This follows the definition in the ontology's comment
# on sckg:connectsTo; OWL cannot state it (a property chain through sckg:sector would connect
# every sector with itself), so it is a rule, not an entailment. sckg:connectsTo is symmetric:
# every rule writes both directions. The datasets and use cases behind each connection, and the
# weights, are reified as sckg:SectorLink by kg/rules/50-interconnections.ru.
#
# Joins go through DISTINCT (dataset, sector) pairs, never through pairs of use cases, so a
# dataset used by thousands of use cases costs at most 14 x 14 rows (DESIGN §7a).

PREFIX sckg: <https://w3id.org/sckg/ontology#>

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      GRAPH ?g1 { ?u sckg:sector ?s1 }
      GRAPH ?g2 { ?u sckg:sector ?s2 }
      FILTER(?s1 != ?s2) } }
} ;

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      { SELECT DISTINCT ?d ?s1 WHERE {
          GRAPH ?g1 { ?a sckg:producesDataset ?d }
          GRAPH ?g2 { ?a sckg:sector ?s1 } } }
      { SELECT DISTINCT ?d ?s2 WHERE {
          GRAPH ?g3 { ?b sckg:usesDataset ?d }
          GRAPH ?g4 { ?b sckg:sector ?s2 } } }
      FILTER(?s1 != ?s2) } }
} ;

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      { SELECT DISTINCT ?d ?s1 WHERE {
          GRAPH ?g1 { ?a sckg:usesDataset ?d }
          GRAPH ?g2 { ?a sckg:sector ?s1 } } }
      { SELECT DISTINCT ?d ?s2 WHERE {
          GRAPH ?g3 { ?b sckg:usesDataset ?d }
          GRAPH ?g4 { ?b sckg:sector ?s2 } } }
      FILTER(?s1 != ?s2) } }
}
