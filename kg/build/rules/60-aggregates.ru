# Figures the pages show, computed once per release instead of once per page view.
#
# kg/build.py runs this after 50-interconnections.ru, on each new release before it becomes
# visible, for both store backends. Everything goes into the graph {base}graph/aggregates; the
# pages read it with bounded queries (kg/interconnect.py, kg/describe.py, kg/stats.py). Counted
# live, the same figures cost seconds per page at 100,000 use cases (DESIGN.md §7a). IRIs are
# written against the default base; the build rebases them.
#
# As in 50-interconnections.ru, an update sees no union default graph (hence GRAPH ?g) and a
# triple may sit in several graphs (hence the DISTINCTs).

PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>

# 1. How many use cases and datasets each sector link rests on (the matrix, the sector pages).
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?link sckg:useCaseCount ?n }
}
WHERE {
  SELECT ?link (COUNT(DISTINCT ?u) AS ?n) WHERE {
    GRAPH <https://w3id.org/sckg/graph/inferred> {
      ?link a sckg:SectorLink OPTIONAL { ?link sckg:viaUseCase ?u }
    }
  } GROUP BY ?link
} ;

INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?link sckg:datasetCount ?n }
}
WHERE {
  SELECT ?link (COUNT(DISTINCT ?d) AS ?n) WHERE {
    GRAPH <https://w3id.org/sckg/graph/inferred> {
      ?link a sckg:SectorLink OPTIONAL { ?link sckg:viaDataset ?d }
    }
  } GROUP BY ?link
} ;

# 2. How many (real) use cases each sector has (the matrix and the network view), and how many
#    patterns, counted apart.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?s sckg:useCaseCount ?n }
}
WHERE {
  SELECT ?s (COUNT(DISTINCT ?u) AS ?n) WHERE {
    { SELECT DISTINCT ?s WHERE { GRAPH ?g1 { ?s a sckg:Sector } } }
    OPTIONAL { GRAPH ?g2 { ?u sckg:sector ?s } GRAPH ?g3 { ?u a sckg:UseCase } }
  } GROUP BY ?s
} ;

INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?s sckg:patternCount ?n }
}
WHERE {
  SELECT ?s (COUNT(DISTINCT ?u) AS ?n) WHERE {
    { SELECT DISTINCT ?s WHERE { GRAPH ?g1 { ?s a sckg:Sector } } }
    OPTIONAL { GRAPH ?g2 { ?u sckg:sector ?s } GRAPH ?g3 { ?u a sckg:UseCasePattern } }
  } GROUP BY ?s
} ;

# 3. What the graph holds (the home page, `kg stats`): derived figures as properties of the
#    dataset {base}. Its entities per class are the VoID class partitions (70-void.ru).
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    <https://w3id.org/sckg/> sckg:crossSectorUseCaseCount ?n .
  }
}
WHERE {
  SELECT (COUNT(*) AS ?n) WHERE {
    { SELECT ?u WHERE { GRAPH ?g1 { ?u a sckg:UseCase } GRAPH ?g2 { ?u sckg:sector ?s } }
      GROUP BY ?u HAVING (COUNT(DISTINCT ?s) >= 2) }
  }
} ;

# A data flow is (a, d, b): real use case a produces dataset d that another real use case b uses
# (sourced). It crosses sectors when b serves a sector a does not serve: the data reach a sector
# their producer does not serve. (With several sectors per use case, "no sector in common" is
# almost never true, and "the sector sets differ" almost always.) An assessed flow is the same with b only assessed to use d
# (sckg:assessedUsesDataset, sckg:potentiallyFeeds), counted apart. docs/model.md.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    <https://w3id.org/sckg/> sckg:dataFlowCount ?flows ;
      sckg:crossSectorDataFlowCount ?crossing .
  }
}
WHERE {
  SELECT (COUNT(*) AS ?flows) (SUM(?c) AS ?crossing) WHERE {
    { SELECT DISTINCT ?a ?d ?b WHERE {
        GRAPH ?g1 { ?a sckg:producesDataset ?d } GRAPH ?g2 { ?b sckg:usesDataset ?d }
        FILTER(?a != ?b)
        GRAPH ?g7 { ?a a sckg:UseCase } GRAPH ?g8 { ?b a sckg:UseCase } } }
    BIND(IF(EXISTS { GRAPH ?g3 { ?b sckg:sector ?s }
                     FILTER NOT EXISTS { GRAPH ?g4 { ?a sckg:sector ?s } } }, 1, 0) AS ?c)
  }
} ;

INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    <https://w3id.org/sckg/> sckg:assessedDataFlowCount ?n .
  }
}
WHERE {
  SELECT (COUNT(*) AS ?n) WHERE {
    { SELECT DISTINCT ?a ?d ?b WHERE {
        GRAPH ?g1 { ?a sckg:producesDataset ?d } GRAPH ?g2 { ?b sckg:assessedUsesDataset ?d }
        FILTER(?a != ?b)
        GRAPH ?g3 { ?a a sckg:UseCase } GRAPH ?g4 { ?b a sckg:UseCase } } }
  }
} ;

# A shared dataset is used or produced by at least two different real use cases.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> {
    <https://w3id.org/sckg/> sckg:sharedDatasetTotal ?n .
  }
}
WHERE {
  SELECT (COUNT(*) AS ?n) WHERE {
    { SELECT ?d WHERE {
        GRAPH ?g1 { ?u sckg:usesDataset|sckg:producesDataset ?d }
        GRAPH ?g2 { ?u a sckg:UseCase } }
      GROUP BY ?d HAVING (COUNT(DISTINCT ?u) >= 2) }
  }
}
;

# 4. The data-model measure of each pair (50-interconnections.ru, part 4): how many data models
#    its use cases share. Never part of sckg:weight.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/aggregates> { ?link sckg:sharedDataModelCount ?n }
}
WHERE {
  SELECT ?link (COUNT(DISTINCT ?m) AS ?n) WHERE {
    GRAPH <https://w3id.org/sckg/graph/aggregates> { ?link sckg:sharedDataModel ?m }
  } GROUP BY ?link
}
