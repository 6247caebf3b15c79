# The VoID description of the dataset, computed once per release (after every other rule, so it
# counts what they derive).
#
# kg/build.py runs the rules on each new release before it becomes visible. Everything goes
# into the graph {base}graph/void, which describes the dataset {base} (the IRI the SPARQL
# service description names as its default dataset). /.well-known/void serves this graph, adding
# only where to get the data (the SPARQL endpoint and the dumps under the site's public URL) and
# the release's id and date; `kg stats` and the home page read the class partitions. Counted per
# request, the same figures cost seconds at 100,000 use cases.
#
# The figures count every distinct triple of every named graph except this description itself
# (a triple stated in two files counts once; an update sees no union default graph, hence
# GRAPH ?g). IRIs are written against the default base; the build rebases them.

PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#>

# 1. The dataset: what it is, and its size.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/void> {
    <https://w3id.org/sckg/> a void:Dataset ;
      dcterms:title "Smart-City Use-Case Knowledge Graph"@en,
                    "Wissensgraph Smart-City-Anwendungsfälle"@de ;
      dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
      void:uriSpace "https://w3id.org/sckg/" ;
      void:vocabulary <https://w3id.org/sckg/ontology#> ;
      void:triples ?triples ;
      void:distinctSubjects ?subjects ;
      void:distinctObjects ?objects .
  }
}
WHERE {
  SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
         (COUNT(DISTINCT ?o) AS ?objects)
  WHERE {
    SELECT DISTINCT ?s ?p ?o WHERE {
      GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/sckg/graph/void>)
    }
  }
} ;

# 2. Class partitions: entities per class (every class with an IRI that has members).
INSERT {
  GRAPH <https://w3id.org/sckg/graph/void> {
    <https://w3id.org/sckg/> void:classPartition _:part .
    _:part void:class ?c ; void:entities ?n .
  }
}
WHERE {
  SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {
    GRAPH ?g { ?x a ?c } FILTER(isIRI(?c) && ?g != <https://w3id.org/sckg/graph/void>)
  } GROUP BY ?c
} ;

# 3. Property partitions: distinct triples per property.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/void> {
    <https://w3id.org/sckg/> void:propertyPartition _:part .
    _:part void:property ?p ; void:triples ?n .
  }
}
WHERE {
  SELECT ?p (COUNT(*) AS ?n) WHERE {
    SELECT DISTINCT ?s ?p ?o WHERE {
      GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/sckg/graph/void>)
    }
  } GROUP BY ?p
} ;

# 4. How many classes and properties the partitions name.
INSERT {
  GRAPH <https://w3id.org/sckg/graph/void> {
    <https://w3id.org/sckg/> void:classes ?classes ; void:properties ?properties .
  }
}
WHERE {
  { SELECT (COUNT(DISTINCT ?c) AS ?classes) WHERE {
      GRAPH <https://w3id.org/sckg/graph/void> { ?part void:class ?c } } }
  { SELECT (COUNT(DISTINCT ?p) AS ?properties) WHERE {
      GRAPH <https://w3id.org/sckg/graph/void> { ?part void:property ?p } } }
}
