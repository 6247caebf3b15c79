"""The open-data catalogue: the graph's datasets and data services as a DCAT-AP.de 3.0 catalogue.

German open-data portals (GovData) and data.europa.eu harvest DCAT-AP catalogues. This module
describes the served release as one ``dcat:Catalog`` at ``{base}catalogue`` with

- every dataset and data service that carries what DCAT-AP 3 and DCAT-AP.de 3.0 make mandatory
  (title, description, publisher; a service also its endpoint URL), with its publisher (name,
  ADMS publisher type from the organisation type), contact point, EU data themes, spatial
  coverage (``dcatde:politicalGeocodingURI`` for German municipalities), distributions with
  format, licence (from the DCAT-AP.de licence list), access URL and status, and update
  frequency;
- the knowledge graph itself as a dataset, its dumps as distributions with SHA-256 checksums,
  so that the graph is findable on open-data portals;
- the concepts of the controlled vocabularies it uses (``ontology/catalogue-vocabularies.ttl``),
  since the official tables are remote and the build never fetches anything;
- Hydra paging (both the ``hydra:PagedCollection`` terms that CKAN's DCAT harvester reads and the
  ``hydra:PartialCollectionView`` terms of current Hydra), so that 100,000 datasets are served
  a page at a time.

What is derived rather than curated is said in docs/catalogue.md: a dataset's themes come from
the sectors of the use cases that use or produce it (each sector's ``skos:closeMatch`` in the EU
data-theme table), its contact point from its publisher's web site, and a distribution without
a licence of its own takes the dataset's licence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.exports.quality import (
    ADMS_STATUS,
    DERIVED_THEME,
    MUNICIPALITY_KEY,
    OPERATOR,
    THEME_SCHEME,
    Quality,
    accessible,
    assess,
)
from kg.namespaces import DCAT, DCTERMS, FOAF, RDF_TYPE, SKOS, XSD, Vocabulary
from kg.rdf import IRI, BNode, Literal, Term, Triple
from kg.store import Store

HYDRA = "http://www.w3.org/ns/hydra/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
DCATDE = "http://dcat-ap.de/def/dcatde/"
EU = "http://publications.europa.eu/resource/authority/"
LICENCES = "http://dcat-ap.de/def/licenses/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
GEOCODING_MUNICIPALITY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
GEOCODING_LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

#: Datasets and services per catalogue page.
PAGE_SIZE = 500

#: The organisation types of the model (their codes, the last segment of the classification
#: IRI) and the ADMS publisher type each one is; types without a fitting ADMS type are left out.
PUBLISHER_TYPES = {
    "kommune": "LocalAuthority",
    "landkreis": "LocalAuthority",
    "zweckverband": "LocalAuthority",
    "land": "RegionalAuthority",
    "bund": "NationalAuthority",
    "eu-body": "SupraNationalAuthority",
    "stadtwerke": "Company",
    "company": "Company",
    "research": "Academia-ScientificOrganisation",
    "association": "NonProfitOrganisation",
}

#: Dump media types and their EU file type.
DUMP_FILE_TYPES = {
    "application/n-quads": "RDF_N_QUADS",
    "text/turtle": "RDF_TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}

#: The licence of the knowledge graph's own data (README: data and ontology under CC BY 4.0).
GRAPH_LICENCE = LICENCES + "cc-by/4.0"


@dataclass(frozen=True)
class Site:
    """What the catalogue says about the site that publishes it (from the settings)."""

    url: str
    publisher_name: Mapping[str, str]
    publisher_url: str
    dumps: Sequence[tuple[str, str, str]] = ()  # (download URL, media type, SHA-256 hex)
    modified: str | None = None


@dataclass(frozen=True)
class CataloguePage:
    """One page of the catalogue: its triples and where it sits in the whole."""

    iri: str
    page: int
    pages: int
    total: int
    triples: list[Triple] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    quality: Mapping[str, Quality] = field(default_factory=dict)


def catalogue_iri(vocab: Vocabulary) -> str:
    return vocab.base + "catalogue"


def graph_dataset_iri(vocab: Vocabulary) -> str:
    """The knowledge graph as a dataset: the same IRI its VoID description uses."""
    return vocab.base


# -- vocabulary concepts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Concepts:
    """The concepts of ``catalogue-vocabularies.ttl``: their triples and schemes."""

    triples: Mapping[str, tuple[Triple, ...]]
    scheme_of: Mapping[str, str]
    exact_match: Mapping[str, str]  # e.g. a creativecommons.org URL -> the DCAT-AP.de licence

    def known(self, iri: str) -> bool:
        return iri in self.scheme_of

    def in_scheme(self, iri: str, scheme: str) -> bool:
        return self.scheme_of.get(iri) == scheme

    def licence(self, iri: str) -> str | None:
        """The entry of the DCAT-AP.de licence list that ``iri`` is or matches, if any."""
        if iri.startswith(LICENCES) and self.known(iri):
            return iri
        return self.exact_match.get(iri) or self.exact_match.get(iri.rstrip("/") + "/")


@cache
def concepts(ontology_dir: Path) -> Concepts:
    """Read the shipped vocabulary concepts once per folder."""
    from rdflib import Graph, URIRef

    from kg.bridge import from_rdflib

    graph = Graph()
    graph.parse(ontology_dir / "catalogue-vocabularies.ttl", format="turtle")
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    for s, p, o in graph:
        by_subject[str(s)].append((from_rdflib(s), from_rdflib(p), from_rdflib(o)))  # type: ignore[arg-type]
    in_scheme = URIRef(SKOS + "inScheme")
    scheme_of = {str(s): str(o) for s, o in graph.subject_objects(in_scheme)}
    exact = {str(o): str(s) for s, o in graph.subject_objects(URIRef(SKOS + "exactMatch"))}
    return Concepts({k: tuple(v) for k, v in by_subject.items()}, scheme_of, exact)


# -- the catalogue ------------------------------------------------------------------------------


def catalogue_page(
    store: Store,
    vocab: Vocabulary,
    vocabularies: Concepts,
    site: Site,
    page: int = 1,
    size: int = PAGE_SIZE,
    extension: str = "ttl",
    every: Sequence[tuple[str, str]] | None = None,
) -> CataloguePage:
    """Page ``page`` (from 1) of the catalogue; the graph itself is listed on the first page.
    The paging links point at documents of the same format (``extension``). ``every`` is the
    result of :func:`members` for the store's release, where the caller keeps it (a release
    never changes, and at 100,000 datasets finding the members costs more than a page).

    Raises ``ValueError`` for a page that does not exist (the caller answers 404).
    """
    every = members(store, vocab) if every is None else every
    total = len(every)
    pages = max(1, math.ceil(total / size))
    if page < 1 or page > pages:
        raise ValueError(f"page {page} of {pages}")
    members_here = list(every[(page - 1) * size : page * size])
    writer = _Writer(vocabularies)
    catalogue = IRI(catalogue_iri(vocab))
    _describe_catalogue(writer, catalogue, vocab, site)
    resources = read_resources(store, vocab, [m for m, _ in members_here])
    quality = {}
    for iri, kind in members_here:
        props = resources.get(iri, {})
        _describe_resource(writer, catalogue, IRI(iri), kind, props)
        quality[iri] = assess(iri, kind, props, vocabularies)
    if page == 1:
        _describe_graph(writer, catalogue, vocab, site)
    _describe_agents(writer, store, vocab, writer.agents)
    _paging(writer, site, page, pages, total, size, extension)
    writer.add_concepts()
    return CataloguePage(
        catalogue.value, page, pages, total, writer.triples, [m for m, _ in members_here], quality
    )


class _Writer:
    """Collects the triples of one page and the vocabulary concepts they use."""

    def __init__(self, vocabularies: Concepts) -> None:
        self.vocabularies = vocabularies
        self.triples: list[Triple] = []
        self.used: set[str] = set()
        self.agents: set[str] = set()
        self._blank = 0

    def add(self, s: IRI | BNode, p: str, o: Term) -> None:
        self.triples.append((s, IRI(p), o))
        if isinstance(o, IRI) and self.vocabularies.known(o.value):
            self.used.add(o.value)

    def blank(self) -> BNode:
        self._blank += 1
        return BNode(f"c{self._blank}")

    def add_concepts(self) -> None:
        schemes = {self.vocabularies.scheme_of[c] for c in self.used}
        for iri in sorted(self.used | schemes):
            self.triples.extend(self.vocabularies.triples.get(iri, ()))


def _describe_catalogue(w: _Writer, catalogue: IRI, vocab: Vocabulary, site: Site) -> None:
    w.add(catalogue, RDF_TYPE, IRI(DCAT + "Catalog"))
    w.add(catalogue, DCTERMS + "title", Literal(_TITLE["de"], "de"))
    w.add(catalogue, DCTERMS + "title", Literal(_TITLE["en"], "en"))
    w.add(catalogue, DCTERMS + "description", Literal(_DESCRIPTION["de"], "de"))
    w.add(catalogue, DCTERMS + "description", Literal(_DESCRIPTION["en"], "en"))
    publisher = _site_publisher(w, vocab, site)
    w.add(catalogue, DCTERMS + "publisher", publisher)
    w.add(catalogue, FOAF + "homepage", IRI(site.url))
    w.add(IRI(site.url), RDF_TYPE, IRI(FOAF + "Document"))
    w.add(catalogue, DCTERMS + "license", IRI(GRAPH_LICENCE))
    w.add(catalogue, DCAT + "themeTaxonomy", IRI(THEME_SCHEME))
    for code in ("DEU", "ENG"):
        w.add(catalogue, DCTERMS + "language", IRI(EU + "language/" + code))
    if site.modified:
        w.add(catalogue, DCTERMS + "modified", Literal(site.modified, datatype=XSD + "dateTime"))


_TITLE = {
    "de": "Katalog des Wissensgraphen Smart-City-Anwendungsfälle",
    "en": "Catalogue of the Smart-City Use-Case Knowledge Graph",
}
_DESCRIPTION = {
    "de": "Datensätze und Datendienste, die Smart-City-Anwendungsfälle nutzen oder erzeugen, "
    "beschrieben nach DCAT-AP.de 3.0, und der Wissensgraph selbst mit seinen Downloads.",
    "en": "Datasets and data services that smart-city use cases use or produce, described "
    "after DCAT-AP.de 3.0, and the knowledge graph itself with its downloads.",
}


def _site_publisher(w: _Writer, vocab: Vocabulary, site: Site) -> IRI:
    agent = IRI(vocab.base + "catalogue#publisher")
    w.add(agent, RDF_TYPE, IRI(FOAF + "Agent"))
    for lang, name in site.publisher_name.items():
        w.add(agent, FOAF + "name", Literal(name, lang))
    w.add(agent, FOAF + "homepage", IRI(site.publisher_url))
    return agent


# -- resources ---------------------------------------------------------------------------------


def _prefixes(vocab: Vocabulary) -> str:
    return (
        f"PREFIX dcat: <{DCAT}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX skos: <{SKOS}>\n"
        f"PREFIX sckg: <{vocab.ns}>\nPREFIX foaf: <{FOAF}>\n"
    )


#: The datasets (under ``dataset/``) and data services (under ``dataset/`` or ``platform/``:
#: the data platforms of model v2 are data services) the catalogue considers, with their kind.
_KINDS = """
{ ?r a dcat:Dataset BIND("dataset" AS ?kind)
  FILTER(isIRI(?r) && STRSTARTS(STR(?r), "$BASEdataset/")) }
UNION
{ { ?r a dcat:DataService } UNION { ?r a sckg:DataPlatform }
  FILTER NOT EXISTS { ?r a dcat:Dataset }
  BIND("service" AS ?kind)
  FILTER(isIRI(?r)
         && (STRSTARTS(STR(?r), "$BASEdataset/") || STRSTARTS(STR(?r), "$BASEplatform/"))) }
"""


def _member_pattern(vocab: Vocabulary) -> str:
    """Datasets and services that carry what the profiles make mandatory; the others are
    listed by :func:`incomplete` (and by ``kg validate``) with what they lack."""
    return (
        _KINDS.replace("$BASE", vocab.base)
        + 'FILTER(?kind = "dataset" || EXISTS { ?r dcat:endpointURL ?endpoint }) '
        "FILTER EXISTS { ?r dcterms:title ?title } "
        "FILTER EXISTS { ?r dcterms:description ?description } "
        "FILTER EXISTS { { ?r dcterms:publisher ?publisher } UNION { ?r sckg:operatedBy ?o } } "
    )


def members(store: Store, vocab: Vocabulary) -> list[tuple[str, str]]:
    """(IRI, kind) of every dataset and data service in the catalogue, ordered by IRI (in
    Python: one query without ``ORDER BY``, which costs the store a sort of every member on
    every page)."""
    query = _prefixes(vocab) + f"SELECT DISTINCT ?r ?kind WHERE {{ {_member_pattern(vocab)} }}"
    return sorted((str(row["r"]), str(row["kind"])) for row in store.select(query))


#: Properties read for each resource of a page (one query for all of them).
_RESOURCE_QUERY = """
SELECT ?r ?p ?o ?dp ?do WHERE {
  VALUES ?r { $IRIS }
  {
    ?r ?p ?o
    VALUES ?p { dcterms:title dcterms:description dcterms:publisher dcat:landingPage
                dcterms:conformsTo dcterms:spatial dcterms:license dcat:accessService
                dcterms:accrualPeriodicity dcat:theme dcterms:accessRights dcat:endpointURL
                dcat:endpointDescription dcat:keyword dcterms:modified }
  } UNION {
    ?r sckg:operatedBy ?o BIND("operator" AS ?p)
  } UNION {
    ?r dcat:distribution ?o BIND(dcat:distribution AS ?p)
    OPTIONAL { ?o ?dp ?do }
  } UNION {
    ?r dcat:contactPoint ?o BIND(dcat:contactPoint AS ?p)
    OPTIONAL { ?o ?dp ?do }
  } UNION {
    ?r dcterms:spatial ?place BIND("municipality-key" AS ?p)
    ?place sckg:municipalityKey ?o
  } UNION {
    { ?u sckg:usesDataset ?r } UNION { ?u sckg:producesDataset ?r }
    ?u sckg:sector ?sector .
    ?sector skos:closeMatch ?o
    FILTER(STRSTARTS(STR(?o), "http://publications.europa.eu/resource/authority/data-theme/"))
    BIND("derived-theme" AS ?p)
  }
}
"""


def read_resources(
    store: Store, vocab: Vocabulary, iris: Sequence[str]
) -> dict[str, dict[str, list]]:
    """``{resource: {property: [values]}}`` of what the catalogue reads of each resource;
    distributions and contact points as ``{property: [values]}`` mappings."""
    if not iris:
        return {}
    values = " ".join(IRI(i).n3() for i in iris)
    rows = store.select(_prefixes(vocab) + _RESOURCE_QUERY.replace("$IRIS", values))
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    nested: dict[tuple[str, str], dict[str, dict[str, list]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for row in rows:
        r, p, o = str(row["r"]), str(row["p"]), row["o"]
        if p in (DCAT + "distribution", DCAT + "contactPoint"):
            node = nested[(r, p)][_node_key(o)]
            if "dp" in row:
                _append_unique(node[str(row["dp"])], row["do"])
            continue
        _append_unique(found[r][p], o)
    for (r, p), nodes in nested.items():
        found[r][p] = list(nodes.values())
    return found


def _node_key(term: Term) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)


def _append_unique(values: list, value: object) -> None:
    if value not in values:
        values.append(value)


def _describe_resource(
    w: _Writer, catalogue: IRI, r: IRI, kind: str, props: Mapping[str, list]
) -> None:
    cls = "Dataset" if kind == "dataset" else "DataService"
    w.add(catalogue, DCAT + ("dataset" if kind == "dataset" else "service"), r)
    w.add(r, RDF_TYPE, IRI(DCAT + cls))
    for p in (DCTERMS + "title", DCTERMS + "description", DCAT + "keyword"):
        for value in props.get(p, ()):
            w.add(r, p, value)
    for p in (DCAT + "endpointURL", DCAT + "endpointDescription", DCAT + "accessService"):
        for value in props.get(p, ()):
            w.add(r, p, value)
    for page in props.get(DCAT + "landingPage", ()):
        w.add(r, DCAT + "landingPage", page)
        w.add(page, RDF_TYPE, IRI(FOAF + "Document"))
    for standard in props.get(DCTERMS + "conformsTo", ()):
        w.add(r, DCTERMS + "conformsTo", standard)
        w.add(standard, RDF_TYPE, IRI(DCTERMS + "Standard"))
    for publisher in props.get(DCTERMS + "publisher") or props.get(OPERATOR, ()):
        w.add(r, DCTERMS + "publisher", publisher)
        w.agents.add(str(publisher))
    for modified in props.get(DCTERMS + "modified", ()):
        w.add(r, DCTERMS + "modified", modified)
    _themes(w, r, props)
    _spatial(w, r, props)
    _coded(w, r, props, DCTERMS + "accrualPeriodicity")
    _coded(w, r, props, DCTERMS + "accessRights")
    licence = _licence(w, props.get(DCTERMS + "license", ()))
    if kind == "service" and licence:
        w.add(r, DCTERMS + "license", licence)
    _contact_points(w, r, props)
    if kind == "dataset":
        for dist in props.get(DCAT + "distribution", ()):
            _distribution(w, r, dist, licence)


def _themes(w: _Writer, r: IRI, props: Mapping[str, list]) -> None:
    curated = props.get(DCAT + "theme", ())
    themes = {str(t) for t in (*curated, *props.get(DERIVED_THEME, ()))}
    for theme in sorted(t for t in themes if w.vocabularies.scheme_of.get(t) == THEME_SCHEME):
        w.add(r, DCAT + "theme", IRI(theme))


def _spatial(w: _Writer, r: IRI, props: Mapping[str, list]) -> None:
    """Places by their IRI in the graph and, for German municipalities, by the DCAT-AP.de
    geocoding IRI of their AGS (``dct:spatial``; DCAT-AP.de 3.0 deprecates
    ``dcatde:politicalGeocodingURI``)."""
    for place in props.get(DCTERMS + "spatial", ()):
        w.add(r, DCTERMS + "spatial", place)
        w.add(place, RDF_TYPE, IRI(DCTERMS + "Location"))
    keys = props.get(MUNICIPALITY_KEY, ())
    for key in keys:
        code = str(key).rsplit("/", 1)[-1]
        location = IRI(GEOCODING_MUNICIPALITY + code)
        w.add(r, DCTERMS + "spatial", location)
        w.add(location, RDF_TYPE, IRI(DCTERMS + "Location"))
    if keys:
        w.add(r, DCATDE + "politicalGeocodingLevelURI", IRI(GEOCODING_LEVEL + "municipality"))


def _coded(w: _Writer, r: IRI, props: Mapping[str, list], p: str) -> None:
    for value in props.get(p, ()):
        if w.vocabularies.known(str(value)):
            w.add(r, p, value)


def _licence(w: _Writer, values: Iterable[Term]) -> IRI | None:
    """The first licence that is (or matches) an entry of the DCAT-AP.de licence list."""
    for value in values:
        found = w.vocabularies.licence(str(value))
        if found:
            return IRI(found)
    return None


def _contact_points(w: _Writer, r: IRI, props: Mapping[str, list]) -> None:
    for node in props.get(DCAT + "contactPoint", ()):
        point = w.blank()
        w.add(r, DCAT + "contactPoint", point)
        w.add(point, RDF_TYPE, IRI(VCARD + "Organization"))
        w.add(point, RDF_TYPE, IRI(VCARD + "Kind"))
        for p in ("fn", "hasEmail", "hasURL", "hasTelephone"):
            for value in node.get(VCARD + p, ()):
                w.add(point, VCARD + p, value)


def _distribution(w: _Writer, r: IRI, node: Mapping[str, list], licence: IRI | None) -> None:
    if not accessible(node):
        return
    access = node.get(DCAT + "accessURL") or node.get(DCAT + "downloadURL")
    dist = w.blank()
    w.add(r, DCAT + "distribution", dist)
    w.add(dist, RDF_TYPE, IRI(DCAT + "Distribution"))
    w.add(dist, DCAT + "accessURL", access[0])
    for value in node.get(DCAT + "downloadURL", ()):
        w.add(dist, DCAT + "downloadURL", value)
    for p in (DCTERMS + "title", DCTERMS + "description"):
        for value in node.get(p, ()):
            w.add(dist, p, value)
    for value in node.get(DCAT + "mediaType", ()):
        w.add(dist, DCAT + "mediaType", value)
        w.add(value, RDF_TYPE, IRI(DCTERMS + "MediaType"))  # DCAT-AP's range, checked by class
    _coded(w, dist, node, DCTERMS + "format")
    _coded(w, dist, node, ADMS_STATUS)
    own = _licence(w, node.get(DCTERMS + "license", ()))
    if own or licence:
        w.add(dist, DCTERMS + "license", own or licence)  # type: ignore[arg-type]


# -- the graph itself ----------------------------------------------------------------------------


def _describe_graph(w: _Writer, catalogue: IRI, vocab: Vocabulary, site: Site) -> None:
    graph = IRI(graph_dataset_iri(vocab))
    w.add(catalogue, DCAT + "dataset", graph)
    w.add(graph, RDF_TYPE, IRI(DCAT + "Dataset"))
    w.add(graph, DCTERMS + "title", Literal("Wissensgraph Smart-City-Anwendungsfälle", "de"))
    w.add(graph, DCTERMS + "title", Literal("Smart-City Use-Case Knowledge Graph", "en"))
    w.add(graph, DCTERMS + "description", Literal(_GRAPH_DESCRIPTION["de"], "de"))
    w.add(graph, DCTERMS + "description", Literal(_GRAPH_DESCRIPTION["en"], "en"))
    w.add(graph, DCTERMS + "publisher", IRI(vocab.base + "catalogue#publisher"))
    for code in ("REGI", "TECH"):
        w.add(graph, DCAT + "theme", IRI(f"{THEME_SCHEME}/{code}"))
    w.add(graph, DCAT + "landingPage", IRI(site.url))
    w.add(IRI(site.url), RDF_TYPE, IRI(FOAF + "Document"))
    w.add(graph, DCTERMS + "accessRights", IRI(EU + "access-right/PUBLIC"))
    w.add(graph, DCTERMS + "accrualPeriodicity", IRI(EU + "frequency/IRREG"))
    if site.modified:
        w.add(graph, DCTERMS + "modified", Literal(site.modified, datatype=XSD + "dateTime"))
    point = w.blank()
    w.add(graph, DCAT + "contactPoint", point)
    w.add(point, RDF_TYPE, IRI(VCARD + "Organization"))
    w.add(point, RDF_TYPE, IRI(VCARD + "Kind"))
    w.add(point, VCARD + "fn", Literal(site.publisher_name.get("de", ""), "de"))
    w.add(point, VCARD + "hasURL", IRI(site.publisher_url))
    for url, media_type, sha256 in site.dumps:
        _dump_distribution(w, graph, url, media_type, sha256)


_GRAPH_DESCRIPTION = {
    "de": "Offener Wissensgraph sektorübergreifender Smart-City-Anwendungsfälle: welche "
    "Daten, Plattformen und Standards Kommunen nutzen und wie die Sektoren zusammenhängen. "
    "Abfragbar über einen SPARQL-Endpunkt und als Download in RDF-Formaten.",
    "en": "Open knowledge graph of cross-sector smart-city use cases: which data, platforms "
    "and standards municipalities use and how the sectors interconnect. Queryable through a "
    "SPARQL endpoint and downloadable in RDF formats.",
}


def _dump_distribution(w: _Writer, graph: IRI, url: str, media_type: str, sha256: str) -> None:
    dist = w.blank()
    w.add(graph, DCAT + "distribution", dist)
    w.add(dist, RDF_TYPE, IRI(DCAT + "Distribution"))
    w.add(dist, DCAT + "accessURL", IRI(url))
    w.add(dist, DCAT + "downloadURL", IRI(url))
    w.add(dist, DCAT + "mediaType", IRI(MEDIA_TYPES + media_type))
    w.add(IRI(MEDIA_TYPES + media_type), RDF_TYPE, IRI(DCTERMS + "MediaType"))
    file_type = DUMP_FILE_TYPES.get(media_type)
    if file_type:
        w.add(dist, DCTERMS + "format", IRI(EU + "file-type/" + file_type))
    w.add(dist, DCTERMS + "license", IRI(GRAPH_LICENCE))
    w.add(dist, ADMS_STATUS, IRI(EU + "distribution-status/COMPLETED"))
    checksum = w.blank()
    w.add(dist, SPDX + "checksum", checksum)
    w.add(checksum, RDF_TYPE, IRI(SPDX + "Checksum"))
    algorithm = IRI(SPDX + "checksumAlgorithm_sha256")
    w.add(checksum, SPDX + "algorithm", algorithm)
    w.add(algorithm, RDF_TYPE, IRI(SPDX + "ChecksumAlgorithm"))
    w.add(checksum, SPDX + "checksumValue", Literal(sha256, datatype=XSD + "hexBinary"))


# -- publishers ---------------------------------------------------------------------------------

_AGENT_QUERY = """
SELECT ?a ?name ?home ?type WHERE {
  VALUES ?a { $IRIS }
  OPTIONAL { ?a skos:prefLabel ?name }
  OPTIONAL { ?a foaf:homepage ?home }
  OPTIONAL { ?a <http://www.w3.org/ns/org#classification> ?type }
}
"""


def _describe_agents(w: _Writer, store: Store, vocab: Vocabulary, agents: set[str]) -> None:
    if not agents:
        return
    values = " ".join(IRI(a).n3() for a in sorted(agents))
    rows = store.select(_prefixes(vocab) + _AGENT_QUERY.replace("$IRIS", values))
    seen: set[tuple] = set()
    for row in rows:
        agent = row["a"]
        assert isinstance(agent, IRI)
        for key, triple in _agent_triples(agent, row):
            if key not in seen:
                seen.add(key)
                w.add(*triple)


def _agent_triples(agent: IRI, row: Mapping[str, Term]) -> Iterator[tuple[tuple, tuple]]:
    yield (agent.value, "type"), (agent, RDF_TYPE, IRI(FOAF + "Agent"))
    if "name" in row:
        yield (agent.value, "name", row["name"]), (agent, FOAF + "name", row["name"])
    if "home" in row:
        yield (agent.value, "home", row["home"]), (agent, FOAF + "homepage", row["home"])
    code = str(row.get("type", "")).rstrip("/").rsplit("/", 1)[-1]
    adms = PUBLISHER_TYPES.get(code)
    if adms:
        yield (agent.value, "type", adms), (agent, DCTERMS + "type", IRI(PUBLISHER_TYPE + adms))


# -- paging ---------------------------------------------------------------------------------------


def page_url(site: Site, page: int, extension: str = "ttl") -> str:
    return f"{site.url.rstrip('/')}/catalogue.{extension}?page={page}"


def _paging(
    w: _Writer, site: Site, page: int, pages: int, total: int, size: int, extension: str
) -> None:
    here = IRI(page_url(site, page, extension))
    w.add(here, RDF_TYPE, IRI(HYDRA + "PagedCollection"))
    w.add(here, RDF_TYPE, IRI(HYDRA + "PartialCollectionView"))
    w.add(here, HYDRA + "totalItems", Literal(str(total), datatype=XSD + "integer"))
    w.add(here, HYDRA + "itemsPerPage", Literal(str(size), datatype=XSD + "integer"))
    links = {"first": 1, "last": pages}
    if page > 1:
        links["previous"] = page - 1
    if page < pages:
        links["next"] = page + 1
    for name, number in links.items():
        url = page_url(site, number, extension)
        w.add(here, HYDRA + name, IRI(url))
        w.add(here, HYDRA + name + "Page", Literal(url))


# -- what keeps a resource out ------------------------------------------------------------------


@dataclass(frozen=True)
class Incomplete:
    """A dataset or data service the catalogue leaves out, and the fields it lacks."""

    iri: str
    kind: str
    missing: tuple[str, ...]


#: The authoring field of each property the catalogue cannot do without.
_REQUIRED = {"title": "title", "description": "description", "publisher": "publisher"}

_INCOMPLETE_QUERY = """
SELECT DISTINCT ?r ?kind ?title ?description ?publisher ?endpoint WHERE {
  $KINDS
  BIND(EXISTS { ?r dcterms:title ?t } AS ?title)
  BIND(EXISTS { ?r dcterms:description ?d } AS ?description)
  BIND(EXISTS { { ?r dcterms:publisher ?p } UNION { ?r sckg:operatedBy ?p } } AS ?publisher)
  BIND(EXISTS { ?r dcat:endpointURL ?e } AS ?endpoint)
  FILTER(!?title || !?description || !?publisher || (?kind = "service" && !?endpoint))
} ORDER BY ?r LIMIT $LIMIT
"""


def incomplete(store: Store, vocab: Vocabulary, limit: int = 1000) -> list[Incomplete]:
    """Datasets and services left out of the catalogue, each with the authoring fields it
    lacks (the same rule as the catalogue's membership)."""
    kinds = _KINDS.replace("$BASE", vocab.base)
    query = _prefixes(vocab) + _INCOMPLETE_QUERY.replace("$KINDS", kinds).replace(
        "$LIMIT", str(int(limit))
    )
    found = []
    for row in store.select(query):
        kind = str(row["kind"])
        missing = [field for var, field in _REQUIRED.items() if str(row.get(var)).lower() != "true"]
        if kind == "service" and str(row.get("endpoint")).lower() != "true":
            missing.append("endpointURL")
        found.append(Incomplete(str(row["r"]), kind, tuple(missing)))
    return found


# -- a read model for the HTML page ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the HTML page shows of one member of a catalogue page."""

    iri: str
    kind: str
    titles: Mapping[str, str]
    publisher: Mapping[str, str]
    themes: tuple[Mapping[str, str], ...]
    formats: tuple[str, ...]
    licences: tuple[Mapping[str, str], ...]
    distributions: int
    score: int


def entries(page: CataloguePage) -> list[Entry]:
    """The members of ``page`` with their labels (per language) and their metadata quality
    (:mod:`kg.exports.quality`, the figure the entity page shows)."""
    by_subject: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in page.triples:
        by_subject[_node_key(s) if isinstance(s, BNode) else s.value][p.value].append(o)
    return [_entry(by_subject, iri, page.quality[iri]) for iri in page.members]


def _labels(by_subject: Mapping[str, Mapping[str, list[Term]]], iri: str, *props: str) -> dict:
    found: dict[str, str] = {}
    for p in props:
        for value in by_subject.get(iri, {}).get(p, ()):
            if isinstance(value, Literal):
                found.setdefault(value.lang or "", value.value)
    return found


def _entry(by_subject: Mapping[str, Mapping[str, list[Term]]], iri: str, quality: Quality) -> Entry:
    props = by_subject.get(iri, {})
    kind = "service" if IRI(DCAT + "DataService") in props.get(RDF_TYPE, ()) else "dataset"
    publisher = next(iter(props.get(DCTERMS + "publisher", ())), None)
    dists = [_node_key(d) for d in props.get(DCAT + "distribution", ())]
    formats = sorted(
        {
            str(f).rsplit("/", 1)[-1]
            for d in dists
            for f in by_subject[d].get(DCTERMS + "format", ())
        }
    )
    licence_iris = {str(x) for d in dists for x in by_subject[d].get(DCTERMS + "license", ())} | {
        str(x) for x in props.get(DCTERMS + "license", ())
    }
    themes = tuple(
        _labels(by_subject, str(t), SKOS + "prefLabel") for t in props.get(DCAT + "theme", ())
    )
    licences = tuple(_labels(by_subject, i, SKOS + "prefLabel") for i in sorted(licence_iris))
    return Entry(
        iri=iri,
        kind=kind,
        titles=_labels(by_subject, iri, DCTERMS + "title"),
        publisher=_labels(by_subject, str(publisher), FOAF + "name") if publisher else {},
        themes=themes,
        formats=tuple(formats),
        licences=licences,
        distributions=len(dists),
        score=quality.percent,
    )


# -- the metadata quality of one resource --------------------------------------------------------


def assessment(
    store: Store, vocab: Vocabulary, vocabularies: Concepts, iri: str, kind: str
) -> Quality:
    """The metadata quality of the dataset or data service ``iri`` of ``kind`` (``dataset``
    or ``service``), as the catalogue page rates it: one query."""
    props = read_resources(store, vocab, [iri]).get(iri, {})
    return assess(iri, kind, props, vocabularies)
