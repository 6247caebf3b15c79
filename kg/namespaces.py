"""Namespaces of the vocabularies the knowledge graph reuses, and the project's own IRIs.

The project's IRIs hang off one configurable base (default ``https://w3id.org/sckg/``). Files in
``ontology/``, ``queries/`` and ``usecases/`` are written against the default base;
:func:`rebase` moves an IRI (or a whole text) onto the configured one.
"""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/sckg/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
ADMS = "http://www.w3.org/ns/adms#"
FOAF = "http://xmlns.com/foaf/0.1/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SCHEMA = "https://schema.org/"
DOAP = "http://usefulinc.com/ns/doap#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

RDF_TYPE = RDF + "type"
RDF_LANGSTRING = RDF + "langString"
XSD_STRING = XSD + "string"

#: Prefixes known to every query, page and serialisation (the project's own are added per base).
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "adms": ADMS,
    "foaf": FOAF,
    "sh": SH,
    "void": VOID,
    "schema": SCHEMA,
    "doap": DOAP,
    "geo": GEO,
}

#: The prefixes the SPARQL editor declares (see :attr:`Vocabulary.editor_prefixes`).
EDITOR_PREFIXES = frozenset(
    {
        *("rdf", "rdfs", "owl", "xsd", "skos", "dcat", "dcterms", "prov", "org", "adms"),
        *("foaf", "sh", "void", "sckg", "sckgsh", "usecase", "pattern", "sector", "dataset"),
        *("place", "organisation", "standard"),
    }
)

#: Prefixes of the project's entity IRIs ({base}{kind}/…), by prefix. Never a standard prefix.
ENTITY_PREFIXES: dict[str, str] = {
    "usecase": "usecase",
    "pattern": "pattern",
    "sector": "sector",
    "dataset": "dataset",
    "platform": "platform",
    "component": "component",
    "programme": "programme",
    "place": "place",
    "organisation": "org",
    "standard": "standard",
}


class Vocabulary:
    """The project's IRIs under one base.

    >>> v = Vocabulary("https://example.org/kg/")
    >>> v.term("UseCase")
    'https://example.org/kg/ontology#UseCase'
    >>> v.entity("sector", "energy")
    'https://example.org/kg/sector/energy'
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base
        self.ontology = base + "ontology"
        self.ns = base + "ontology#"
        self.shapes = base + "shapes#"

    def term(self, local: str) -> str:
        return self.ns + local

    def entity(self, kind: str, slug: str) -> str:
        return f"{self.base}{kind}/{slug}"

    def graph(self, name: str) -> str:
        """IRI of one of the project's named graphs (``ontology``, ``inferred``, ``source/…``)."""
        return f"{self.base}graph/{name}"

    @property
    def prefixes(self) -> dict[str, str]:
        """Standard prefixes and the project's own. ``org:`` stays W3C ORG: the project's
        organisations are ``organisation:`` (so ``?o a org:Organization`` works as written)."""
        own = {"sckg": self.ns, "sckgsh": self.shapes}
        own.update({prefix: self.entity(kind, "") for prefix, kind in ENTITY_PREFIXES.items()})
        return {**STANDARD_PREFIXES, **own}

    @property
    def editor_prefixes(self) -> dict[str, str]:
        """The prefixes the SPARQL editor declares above a new query: those of
        :attr:`prefixes` most queries use, few enough that the query stays in view."""
        return {p: ns for p, ns in self.prefixes.items() if p in EDITOR_PREFIXES}

    def rebase(self, text: str) -> str:
        """Replace the default base in an IRI or a text by this vocabulary's base."""
        if self.base == DEFAULT_BASE:
            return text
        return text.replace(DEFAULT_BASE, self.base)
