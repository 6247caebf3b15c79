"""The SPARQL 1.1 Service Description of the endpoint, as an rdflib graph.

The web layer passes the endpoint's absolute URL (under the site's configured public URL);
this module knows what the service supports: SPARQL 1.1 Query (no Update, no federation), the
result formats, and the default dataset — the union of all named graphs.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.namespaces import SD, VOID, Vocabulary
from kg.store.base import ResultFormat

SDNS = Namespace(SD)
VOIDNS = Namespace(VOID)

#: W3C format IRIs (https://www.w3.org/ns/formats/) of the result formats the endpoint offers.
FORMAT_IRIS = {
    ResultFormat.SPARQL_JSON: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    ResultFormat.SPARQL_XML: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    ResultFormat.CSV: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    ResultFormat.TSV: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    ResultFormat.TURTLE: "http://www.w3.org/ns/formats/Turtle",
    ResultFormat.N_TRIPLES: "http://www.w3.org/ns/formats/N-Triples",
    ResultFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD",
    ResultFormat.RDF_XML: "http://www.w3.org/ns/formats/RDF_XML",
}


def service_description(endpoint: str, vocab: Vocabulary, void_url: str) -> Graph:
    """The ``sd:Service`` at ``endpoint``.

    Its default dataset is the dataset ``{base}`` itself, the IRI the VoID description (in the
    store, and at ``void_url``) describes; ``rdfs:seeAlso`` points to that description.
    """
    g = Graph()
    g.bind("sd", SDNS)
    g.bind("void", VOIDNS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SDNS.Service))
    g.add((service, SDNS.endpoint, service))
    g.add((service, SDNS.supportedLanguage, SDNS.SPARQL11Query))
    g.add((service, SDNS.feature, SDNS.UnionDefaultGraph))
    for iri in FORMAT_IRIS.values():
        g.add((service, SDNS.resultFormat, URIRef(iri)))
    g.add((service, RDFS.label, Literal(_LABEL, lang="en")))
    g.add((service, RDFS.comment, Literal(_NOTE, lang="en")))
    dataset = URIRef(vocab.base)
    default = BNode()
    g.add((service, SDNS.defaultDataset, dataset))
    g.add((dataset, RDF.type, SDNS.Dataset))
    g.add((dataset, RDF.type, VOIDNS.Dataset))
    g.add((dataset, SDNS.defaultGraph, default))
    g.add((default, RDF.type, SDNS.Graph))
    g.add((default, DCTERMS.description, Literal(_UNION, lang="en")))
    g.add((dataset, VOIDNS.uriSpace, Literal(vocab.base)))
    g.add((dataset, RDFS.seeAlso, URIRef(void_url)))
    return g


_LABEL = "Smart-City Use-Case Knowledge Graph SPARQL endpoint"
_NOTE = (
    "SPARQL 1.1 Query only: the service is read-only (no Update) and does not federate "
    "(SERVICE is refused). Queries have a deadline and a row cap; see /downloads for dumps."
)
_UNION = (
    "The default graph is the union of all named graphs: one per curated source file, one for "
    "the ontology, schemes and shapes, and one for what the build derives; "
    "named graphs are named by IRIs under the graph/ namespace of the base."
)
