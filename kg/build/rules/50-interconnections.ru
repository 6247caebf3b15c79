# Sector interconnections, reified as weighted sckg:SectorLink resources at build time.
#
# kg/build.py runs this on each new release before it becomes visible, after the reasoner's rules
# (kg/reasoning/connects-to.ru writes sckg:connectsTo between the same pairs of sectors). IRIs are
# written against the default base; the build rebases them.
#
# Two different sectors A and B are linked by (docs/model.md, "One definition each"; only real
# use cases, sckg:UseCase, count: patterns and assessed uses never link sectors)
#   - shared use cases:  a use case assigned to both A and B;
#   - data flows:        use case x (in A) produces dataset d that use case y (in B) uses, x != y,
#                        or the other way round (a sourced flow); each distinct (x, d, y) once;
#   - shared datasets:   a dataset used or produced by a use case of A and by a different use
#                        case of B; counts once.
# sckg:weight is the sum of the three counts. One link per unordered pair, named
# {base}sectorlink/{a}--{b} with a < b, carries the weight, the use cases it rests on (shared
# use cases and both ends of each data flow) and the datasets it rests on (those carrying a flow
# and the shared ones). Every fact goes into the graph {base}graph/inferred and names the rule
# that derived it with dcterms:source. What the pages read instead of counting again — the three
# counts apart, and which datasets carry a flow or are shared — goes into the graph
# {base}graph/aggregates (see 60-aggregates.ru).
#
# The release keeps each curated file in its own named graph and an update sees no union default
# graph, hence the GRAPH ?g patterns; a triple may sit in several graphs, hence the DISTINCTs.
# Shared datasets join through DISTINCT (dataset, sector) pairs, never through pairs of use
# cases, so a dataset used by thousands of use cases costs at most 14 x 14 rows (DESIGN §7a).
# The two directions of a flow are one pattern over (?s, ?t) ordered by BIND, not a UNION of
# both orientations: pyoxigraph evaluated each UNION branch as a cross product of all use cases'
# sectors, which took 53 s at 1,000 generated use cases instead of a fraction of a second.

PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>

# 1. The links, their weights, and the three counts a weight is the sum of.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/inferred> {
    ?link a sckg:SectorLink ;
      sckg:linkedSector ?a , ?b ;
      sckg:weight ?weight ;
      dcterms:source <https://w3id.org/sckg/rules/50-interconnections.ru> .
  }
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    ?link sckg:sharedUseCaseCount ?shared ;
      sckg:dataFlowCount ?flows ;
      sckg:sharedDatasetCount ?datasets .
  }
}
WHERE {
  {
    SELECT ?a ?b (SUM(?n) AS ?weight) (SUM(IF(?part = "shared", ?n, 0)) AS ?shared)
           (SUM(IF(?part = "flow", ?n, 0)) AS ?flows)
           (SUM(IF(?part = "dataset", ?n, 0)) AS ?datasets) WHERE {
      {
        {
          SELECT ?a ?b (COUNT(?u) AS ?n) WHERE {
            { SELECT DISTINCT ?a ?b ?u WHERE {
                GRAPH ?g0 { ?u a sckg:UseCase }
                GRAPH ?g1 { ?u sckg:sector ?a } GRAPH ?g2 { ?u sckg:sector ?b }
                FILTER(STR(?a) < STR(?b)) } }
          } GROUP BY ?a ?b
        }
        BIND("shared" AS ?part)
      }
      UNION
      {
        {
          SELECT ?a ?b (COUNT(?x) AS ?n) WHERE {
            { SELECT DISTINCT ?a ?b ?x ?d ?y WHERE {
                { SELECT DISTINCT ?x ?d ?y WHERE {
                    GRAPH ?g1 { ?x sckg:producesDataset ?d }
                    GRAPH ?g2 { ?y sckg:usesDataset ?d }
                    FILTER(?x != ?y)
                    GRAPH ?g9 { ?x a sckg:UseCase } GRAPH ?g10 { ?y a sckg:UseCase } } }
                GRAPH ?g3 { ?x sckg:sector ?s } GRAPH ?g4 { ?y sckg:sector ?t }
                FILTER(?s != ?t)
                BIND(IF(STR(?s) < STR(?t), ?s, ?t) AS ?a)
                BIND(IF(STR(?s) < STR(?t), ?t, ?s) AS ?b) } }
          } GROUP BY ?a ?b
        }
        BIND("flow" AS ?part)
      }
      UNION
      {
        {
          SELECT ?a ?b (COUNT(?d) AS ?n) WHERE {
            { SELECT DISTINCT ?a ?b ?d WHERE {
                { SELECT ?d ?a (COUNT(DISTINCT ?u) AS ?na) (SAMPLE(?u) AS ?ua) WHERE {
                    GRAPH ?g1 { ?u sckg:usesDataset|sckg:producesDataset ?d }
                    GRAPH ?g0 { ?u a sckg:UseCase } GRAPH ?g2 { ?u sckg:sector ?a } }
                  GROUP BY ?d ?a }
                { SELECT ?d ?b (COUNT(DISTINCT ?v) AS ?nb) (SAMPLE(?v) AS ?ub) WHERE {
                    GRAPH ?g3 { ?v sckg:usesDataset|sckg:producesDataset ?d }
                    GRAPH ?g5 { ?v a sckg:UseCase } GRAPH ?g4 { ?v sckg:sector ?b } }
                  GROUP BY ?d ?b }
                FILTER(STR(?a) < STR(?b) && !(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub))) } }
          } GROUP BY ?a ?b
        }
        BIND("dataset" AS ?part)
      }
    } GROUP BY ?a ?b
  }
  BIND(IRI(CONCAT("https://w3id.org/sckg/sectorlink/",
                  STRAFTER(STR(?a), "https://w3id.org/sckg/sector/"), "--",
                  STRAFTER(STR(?b), "https://w3id.org/sckg/sector/"))) AS ?link)
} ;

# 2. The use cases each link rests on: shared use cases and both ends of each data flow.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/inferred> { ?link sckg:viaUseCase ?u }
}
WHERE {
  {
    SELECT DISTINCT ?a ?b ?u WHERE {
      {
        GRAPH ?g0 { ?u a sckg:UseCase }
        GRAPH ?g1 { ?u sckg:sector ?a } GRAPH ?g2 { ?u sckg:sector ?b }
      }
      UNION
      {
        { SELECT DISTINCT ?u ?v WHERE {
            { GRAPH ?g3 { ?u sckg:producesDataset ?d } GRAPH ?g4 { ?v sckg:usesDataset ?d } }
            UNION
            { GRAPH ?g5 { ?u sckg:usesDataset ?d } GRAPH ?g6 { ?v sckg:producesDataset ?d } }
            FILTER(?u != ?v)
            GRAPH ?g9 { ?u a sckg:UseCase } GRAPH ?g10 { ?v a sckg:UseCase } } }
        GRAPH ?g7 { ?u sckg:sector ?s } GRAPH ?g8 { ?v sckg:sector ?t }
        FILTER(?s != ?t)
        BIND(IF(STR(?s) < STR(?t), ?s, ?t) AS ?a)
        BIND(IF(STR(?s) < STR(?t), ?t, ?s) AS ?b)
      }
      FILTER(STR(?a) < STR(?b))
    }
  }
  BIND(IRI(CONCAT("https://w3id.org/sckg/sectorlink/",
                  STRAFTER(STR(?a), "https://w3id.org/sckg/sector/"), "--",
                  STRAFTER(STR(?b), "https://w3id.org/sckg/sector/"))) AS ?link)
} ;

# 3. The datasets each link rests on: those carrying a data flow and the shared ones (and, for
#    the pages, which of the two each one is).
INSERT {
  GRAPH <https://w3id.org/sckg/graph/inferred> { ?link sckg:viaDataset ?d }
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?link ?part ?d }
}
WHERE {
  {
    SELECT DISTINCT ?a ?b ?d ?part WHERE {
      {
        { SELECT ?d ?a (COUNT(DISTINCT ?u) AS ?na) (SAMPLE(?u) AS ?ua) WHERE {
            GRAPH ?g1 { ?u sckg:usesDataset|sckg:producesDataset ?d }
            GRAPH ?g0 { ?u a sckg:UseCase } GRAPH ?g2 { ?u sckg:sector ?a } }
          GROUP BY ?d ?a }
        { SELECT ?d ?b (COUNT(DISTINCT ?v) AS ?nb) (SAMPLE(?v) AS ?ub) WHERE {
            GRAPH ?g3 { ?v sckg:usesDataset|sckg:producesDataset ?d }
            GRAPH ?g9 { ?v a sckg:UseCase } GRAPH ?g4 { ?v sckg:sector ?b } }
          GROUP BY ?d ?b }
        FILTER(!(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub)))
        BIND(sckg:sharedDataset AS ?part)
      }
      UNION
      {
        { SELECT DISTINCT ?x ?d ?y WHERE {
            GRAPH ?g5 { ?x sckg:producesDataset ?d }
            GRAPH ?g6 { ?y sckg:usesDataset ?d }
            FILTER(?x != ?y)
            GRAPH ?g10 { ?x a sckg:UseCase } GRAPH ?g11 { ?y a sckg:UseCase } } }
        GRAPH ?g7 { ?x sckg:sector ?s } GRAPH ?g8 { ?y sckg:sector ?t }
        FILTER(?s != ?t)
        BIND(IF(STR(?s) < STR(?t), ?s, ?t) AS ?a)
        BIND(IF(STR(?s) < STR(?t), ?t, ?s) AS ?b)
        BIND(sckg:flowDataset AS ?part)
      }
      FILTER(STR(?a) < STR(?b))
    }
  }
  BIND(IRI(CONCAT("https://w3id.org/sckg/sectorlink/",
                  STRAFTER(STR(?a), "https://w3id.org/sckg/sector/"), "--",
                  STRAFTER(STR(?b), "https://w3id.org/sckg/sector/"))) AS ?link)
}
;

# 4. The data-model layer (issue 20, docs/model.md "One definition each"): the Smart Data Models
#    entity types that a use case of sector A and a different use case of sector B both use,
#    through datasets they use or produce. Written into the aggregates graph only, on the pair's
#    link IRI with sckg:dataModelSector for both sectors (the pair may have no sckg:SectorLink:
#    sectors that share only data models are not linked), so it never enters the weight. Joined
#    through DISTINCT (model, sector) groups like the shared datasets above: a model used by
#    many use cases costs at most 14 x 14 rows.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    ?link sckg:sharedDataModel ?m ; sckg:dataModelSector ?a , ?b .
  }
}
WHERE {
  { SELECT DISTINCT ?a ?b ?m WHERE {
      { SELECT ?m ?a (COUNT(DISTINCT ?u) AS ?na) (SAMPLE(?u) AS ?ua) WHERE {
          GRAPH ?g1 { ?u sckg:usesDataset|sckg:producesDataset ?d }
          GRAPH ?g2 { ?d sckg:dataModel ?m }
          GRAPH ?g3 { ?u a sckg:UseCase } GRAPH ?g4 { ?u sckg:sector ?a } }
        GROUP BY ?m ?a }
      { SELECT ?m ?b (COUNT(DISTINCT ?v) AS ?nb) (SAMPLE(?v) AS ?ub) WHERE {
          GRAPH ?g5 { ?v sckg:usesDataset|sckg:producesDataset ?e }
          GRAPH ?g6 { ?e sckg:dataModel ?m }
          GRAPH ?g7 { ?v a sckg:UseCase } GRAPH ?g8 { ?v sckg:sector ?b } }
        GROUP BY ?m ?b }
      FILTER(STR(?a) < STR(?b) && !(?na = 1 && ?nb = 1 && sameTerm(?ua, ?ub))) } }
  BIND(IRI(CONCAT("https://w3id.org/sckg/sectorlink/",
                  STRAFTER(STR(?a), "https://w3id.org/sckg/sector/"), "--",
                  STRAFTER(STR(?b), "https://w3id.org/sckg/sector/"))) AS ?link)
}
