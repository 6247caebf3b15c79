"""Conversion between the project's plain terms (:mod:`kg.rdf`) and rdflib's."""

from __future__ import annotations

import rdflib

from kg.namespaces import XSD_STRING
from kg.rdf import IRI, BNode, Literal, Term


def to_rdflib(term: Term) -> rdflib.term.Node:
    if isinstance(term, IRI):
        return rdflib.URIRef(term.value)
    if isinstance(term, BNode):
        return rdflib.BNode(term.id)
    if term.lang:
        return rdflib.Literal(term.value, lang=term.lang)
    if term.datatype == XSD_STRING:  # a simple literal (RDF 1.1), as rdflib parses one
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype))


def from_rdflib(node: rdflib.term.Node) -> Term:
    if isinstance(node, rdflib.BNode):
        return BNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return Literal(str(node), lang=node.language)
        return Literal(str(node), datatype=str(node.datatype or XSD_STRING))
    return IRI(str(node))


def graph_of(triples) -> rdflib.Graph:
    """An rdflib graph of plain triples."""
    graph = rdflib.Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph
