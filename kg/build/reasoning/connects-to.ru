# Sector interconnection (sckg:connectsTo), materialised after the OWL rules of kg/reasoning.
#
# Two different sectors are connected when (1) a real use case serves both, (2) a real use case
# of one produces a dataset that another real use case of the other uses (a sourced data flow,
# sckg:feeds), or (3) the dataset is shared: used or produced by a real use case of one and by a
# different real use case of the other. Patterns (sckg:UseCasePattern) and assessed uses
# (sckg:assessedUsesDataset) never connect sectors. These are the definitions of docs/model.md
# ("One definition each"); kg/rules/50-interconnections.ru weighs the same three kinds.
# OWL cannot state this (a property chain through sckg:sector would connect every sector with
# itself), so it is a rule, not an entailment. sckg:connectsTo is symmetric: every rule writes
# both directions.
#
# Joins go through DISTINCT (dataset, sector) pairs, never through pairs of use cases, so a
# dataset used by thousands of use cases costs at most 14 x 14 rows (DESIGN §7a): a dataset is
# shared between sectors a and b unless its only user in a and its only user in b are the same
# use case.

PREFIX sckg: <https://w3id.org/sckg/ontology#>

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      GRAPH ?g0 { ?u a sckg:UseCase }
      GRAPH ?g1 { ?u sckg:sector ?s1 }
      GRAPH ?g2 { ?u sckg:sector ?s2 }
      FILTER(?s1 != ?s2) } }
} ;

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      { SELECT DISTINCT ?a ?d ?b WHERE {
          GRAPH ?g1 { ?a sckg:producesDataset ?d } GRAPH ?g2 { ?b sckg:usesDataset ?d }
          FILTER(?a != ?b)
          GRAPH ?g3 { ?a a sckg:UseCase } GRAPH ?g4 { ?b a sckg:UseCase } } }
      GRAPH ?g5 { ?a sckg:sector ?s1 } GRAPH ?g6 { ?b sckg:sector ?s2 }
      FILTER(?s1 != ?s2) } }
} ;

INSERT { GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?s1 sckg:connectsTo ?s2 . ?s2 sckg:connectsTo ?s1 } }
WHERE {
  { SELECT DISTINCT ?s1 ?s2 WHERE {
      { SELECT ?d ?s1 (COUNT(DISTINCT ?u) AS ?n1) (SAMPLE(?u) AS ?one1) WHERE {
          GRAPH ?g1 { ?u sckg:usesDataset|sckg:producesDataset ?d }
          GRAPH ?g2 { ?u a sckg:UseCase } GRAPH ?g3 { ?u sckg:sector ?s1 } }
        GROUP BY ?d ?s1 }
      { SELECT ?d ?s2 (COUNT(DISTINCT ?v) AS ?n2) (SAMPLE(?v) AS ?one2) WHERE {
          GRAPH ?g4 { ?v sckg:usesDataset|sckg:producesDataset ?d }
          GRAPH ?g5 { ?v a sckg:UseCase } GRAPH ?g6 { ?v sckg:sector ?s2 } }
        GROUP BY ?d ?s2 }
      FILTER(?s1 != ?s2 && !(?n1 = 1 && ?n2 = 1 && sameTerm(?one1, ?one2))) } }
}
