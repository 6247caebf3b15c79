"""The ontology, the SKOS schemes and the SHACL shapes shipped in ``ontology/``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.authoring.vocabularies import MUSTERDATENKATALOG, vocabulary_graph
from kg.namespaces import Vocabulary

ONTOLOGY_FILES = ("sckg.ttl", "schemes.ttl")
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class OntologyFiles:
    """The Turtle files of ``ontology/``, rebased onto the configured IRI base."""

    folder: Path
    vocab: Vocabulary
    #: folder where the compiled shapes are kept between builds (``<store>/cache``), or None
    cache: Path | None = field(default=None, compare=False)

    def text(self, name: str) -> str:
        return self.vocab.rebase((self.folder / name).read_text(encoding="utf-8"))

    @cached_property
    def digest(self) -> str:
        """Content hash of everything that changes what the build derives."""
        h = hashlib.sha256(self.vocab.base.encode())
        for name in (*ONTOLOGY_FILES, SHAPES_FILE, "context.jsonld", str(MUSTERDATENKATALOG)):
            h.update((self.folder / name).read_bytes())
        return h.hexdigest()

    def rdflib_graph(self, *names: str):
        """One rdflib graph holding the named files (for pyshacl and documentation)."""
        import rdflib

        graph = rdflib.Graph()
        for name in names:
            graph.parse(data=self.text(name), format="turtle", publicID=self.vocab.base)
        return graph

    @cached_property
    def tbox(self):
        """Ontology and schemes: classes, properties, concepts, with the dataset types of the
        vendored Musterdatenkatalog (:mod:`kg.authoring.vocabularies`)."""
        graph = self.rdflib_graph(*ONTOLOGY_FILES)
        graph += vocabulary_graph(self.folder, self.vocab)
        return graph

    @cached_property
    def typing(self):
        """What ``sh:class`` checks need: named ``rdfs:subClassOf`` axioms and the
        ``rdf:type`` of every individual (the concepts of the schemes)."""
        import rdflib
        from rdflib.namespace import OWL, RDF, RDFS

        graph = rdflib.Graph()
        schema_types = {
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
            OWL.Ontology,
            RDF.Property,
            OWL.AllDifferent,
            OWL.AllDisjointClasses,
            OWL.Restriction,
            OWL.SymmetricProperty,
            OWL.FunctionalProperty,
            OWL.TransitiveProperty,
            OWL.InverseFunctionalProperty,
        }
        for s, o in self.tbox.subject_objects(RDFS.subClassOf):
            if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
                graph.add((s, RDFS.subClassOf, o))
        for s, o in self.tbox.subject_objects(RDF.type):
            if isinstance(s, rdflib.URIRef) and o not in schema_types:
                graph.add((s, RDF.type, o))
        return graph

    @cached_property
    def shapes(self):
        return self.rdflib_graph(SHAPES_FILE)

    @cached_property
    def compiled(self):
        """The shapes compiled (:class:`kg.store.shacl.CompiledShapes`), from :attr:`cache`
        when they are there unchanged."""
        from kg.store.shacl import cached_shapes

        return cached_shapes(
            self.text(SHAPES_FILE),
            lambda: self.shapes,
            field=self.vocab.term("field"),
            folder=self.cache,
        )

    @property
    def checks(self) -> list:
        """The shapes compiled to SPARQL queries (:mod:`kg.store.shacl`)."""
        return self.compiled.checks
