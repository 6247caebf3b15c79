"""What templates need besides the data: safe links, labels in the chosen language, the URLs of
resources under the base, and schema.org JSON-LD that cannot break out of its script tag."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, g, request
from markupsafe import Markup

from kg.namespaces import (
    ADMS,
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SKOS,
    Vocabulary,
)
from kg.rdf import IRI, Literal, Term, label_of
from kg.views.describe import Node, grouped_in, grouped_out, pick
from kg.views.search import PAGE_SIZE, IndexCache, Query, Result, SearchIndex
from web.context import app_release

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
#: Labels of the reused properties and classes; the project's own terms are labelled by the
#: ontology (rdfs:label in German and English).
TERM_LABELS: dict[str, dict[str, str]] = {
    RDF_TYPE: {"en": "type", "de": "Typ"},
    DCTERMS + "title": {"en": "title", "de": "Titel"},
    DCTERMS + "description": {"en": "description", "de": "Beschreibung"},
    DCTERMS + "spatial": {"en": "place", "de": "Ort"},
    DCTERMS + "conformsTo": {"en": "conforms to standard", "de": "entspricht Standard"},
    DCTERMS + "source": {"en": "source", "de": "Quelle"},
    DCTERMS + "modified": {"en": "last changed", "de": "zuletzt geändert"},
    DCTERMS + "publisher": {"en": "publisher", "de": "Herausgeber"},
    DCTERMS + "license": {"en": "licence", "de": "Lizenz"},
    DCTERMS + "isPartOf": {"en": "part of", "de": "Teil von"},
    DCTERMS + "Standard": {"en": "standard", "de": "Standard"},
    DCAT + "landingPage": {"en": "landing page", "de": "Webseite"},
    DCAT + "accessService": {"en": "access service", "de": "Zugangsdienst"},
    DCAT + "Dataset": {"en": "dataset", "de": "Datensatz"},
    DCAT + "DataService": {"en": "data service", "de": "Datendienst"},
    DCAT + "hadRole": {"en": "role", "de": "Rolle"},
    FOAF + "homepage": {"en": "homepage", "de": "Homepage"},
    PROV + "qualifiedAttribution": {"en": "stakeholders", "de": "Beteiligte"},
    PROV + "agent": {"en": "organisation", "de": "Organisation"},
    SKOS + "prefLabel": {"en": "name", "de": "Name"},
    SKOS + "definition": {"en": "definition", "de": "Definition"},
    SKOS + "note": {"en": "note", "de": "Anmerkung"},
    SKOS + "notation": {"en": "code", "de": "Code"},
    SKOS + "closeMatch": {"en": "close match", "de": "entspricht ungefähr"},
    SKOS + "inScheme": {"en": "in scheme", "de": "im Schema"},
    SKOS + "topConceptOf": {"en": "top concept of", "de": "Oberbegriff von"},
    SKOS + "hasTopConcept": {"en": "top concepts", "de": "Oberbegriffe"},
    SKOS + "Concept": {"en": "concept", "de": "Begriff"},
    RDFS + "label": {"en": "label", "de": "Bezeichnung"},
    RDFS + "comment": {"en": "comment", "de": "Kommentar"},
    OWL + "NamedIndividual": {"en": "named individual", "de": "benanntes Individuum"},
    "http://www.w3.org/ns/org#Organization": {"en": "organisation", "de": "Organisation"},
    ORG + "classification": {"en": "type of organisation", "de": "Art der Organisation"},
    DCAT + "endpointDescription": {"en": "API specification", "de": "API-Beschreibung"},
    DCTERMS + "hasPart": {"en": "has part", "de": "hat Teil"},
    PROV + "wasDerivedFrom": {"en": "derived from", "de": "abgeleitet von"},
    PROV + "wasAttributedTo": {"en": "attributed to", "de": "zugeschrieben"},
    PROV + "used": {"en": "used", "de": "nutzte"},
    PROV + "generated": {"en": "generated", "de": "erzeugte"},
    SCHEMA + "startDate": {"en": "start", "de": "Beginn"},
    SCHEMA + "endDate": {"en": "end", "de": "Ende"},
    SCHEMA + "codeRepository": {"en": "source code repository", "de": "Quellcode-Repository"},
    SCHEMA + "funder": {"en": "funder", "de": "Fördergeber"},
    SCHEMA + "value": {"en": "value", "de": "Wert"},
    SCHEMA + "SoftwareSourceCode": {"en": "software source code", "de": "Quellcode"},
    GEO + "lat": {"en": "latitude", "de": "geografische Breite"},
    GEO + "long": {"en": "longitude", "de": "geografische Länge"},
    "http://usefulinc.com/ns/doap#Project": {"en": "software project", "de": "Softwareprojekt"},
    "http://usefulinc.com/ns/doap#repository": {"en": "repository", "de": "Repository"},
}


def lang() -> str:
    return g.get("lang", "en")


def vocab() -> Vocabulary:
    return current_app.extensions["kg.settings"].vocab


def index() -> SearchIndex:
    """The search index of the release this request sees (opened once per thread)."""
    if "kg_index" not in g:
        cache: IndexCache = current_app.extensions["kg.search"]
        release = app_release()
        g.kg_index = cache.get(release.id if release else None, known=True)
    return g.kg_index


def search(query: Query, page_size: int = PAGE_SIZE) -> Result:
    """One page of a search over the release this request sees (popular views are cached)."""
    cache: IndexCache = current_app.extensions["kg.search"]
    return cache.search(index(), query, page_size)


def is_web_iri(value: str) -> bool:
    """True for absolute http(s) IRIs, the only ones that become links."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def local_path(iri: str) -> str | None:
    """The path on this site that serves ``iri``, when it lies under the base."""
    base = vocab().base
    if not iri.startswith(base) or not is_web_iri(iri):
        return None
    rest = iri[len(base) :]
    if rest.startswith("ontology"):
        return request.script_root + "/ontology.html" + _fragment(rest)
    if rest.startswith("shapes"):
        return request.script_root + "/shapes.html" + _fragment(rest)
    return request.script_root + "/" + rest


def _fragment(rest: str) -> str:
    _, sep, frag = rest.partition("#")
    return "#" + frag if sep else ""


def href(term: Term | Node | str | None) -> str | None:
    """Where a link to ``term`` goes: a page of this site, an external http(s) page, or nowhere
    (``javascript:``, ``data:``, ``mailto:`` and other schemes never become links)."""
    if isinstance(term, Node):
        term = term.term
    if isinstance(term, IRI):
        term = term.value
    if not isinstance(term, str):
        return None
    return local_path(term) or (term if is_web_iri(term) else None)


#: Headings of incoming links, by property: what the resources listed under it are to this one
#: ("part of" read backwards is "includes"). ``sckg:`` stands for the project's own namespace.
INVERSE_LABELS: dict[str, dict[str, str]] = {
    DCTERMS + "spatial": {"en": "located here", "de": "an diesem Ort"},
    DCTERMS + "isPartOf": {"en": "includes", "de": "umfasst"},
    DCTERMS + "hasPart": {"en": "part of", "de": "Teil von"},
    DCTERMS + "conformsTo": {"en": "following this standard", "de": "folgen diesem Standard"},
    DCTERMS + "publisher": {"en": "publishes", "de": "veröffentlicht"},
    DCAT + "theme": {"en": "with this theme", "de": "mit diesem Thema"},
    DCAT + "accessService": {"en": "gives access to", "de": "bietet Zugang zu"},
    ORG + "classification": {"en": "organisations of this type", "de": "Organisationen dieser Art"},
    PROV + "agent": {"en": "involved in", "de": "beteiligt an"},
    PROV + "wasAttributedTo": {"en": "involved in", "de": "beteiligt an"},
    PROV + "used": {"en": "used by", "de": "genutzt von"},
    PROV + "generated": {"en": "produced by", "de": "erzeugt von"},
    PROV + "wasDerivedFrom": {"en": "reused by", "de": "nachgenutzt von"},
    PROV + "wasInformedBy": {"en": "supplies data to", "de": "liefert Daten an"},
    SCHEMA + "funder": {"en": "funds", "de": "fördert"},
    SKOS + "related": {"en": "connected sectors", "de": "verbundene Sektoren"},
    SKOS + "hasTopConcept": {"en": "top concept of", "de": "Oberbegriff in"},
    SKOS + "broader": {"en": "narrower concepts", "de": "Unterbegriffe"},
    # adms:status carries the maturity here (sckg:maturity refines it): the same heading, so the
    # list is shown once.
    ADMS + "status": {"en": "at this maturity", "de": "mit diesem Reifegrad"},
    "sckg:partOf": {"en": "includes", "de": "umfasst"},
    "sckg:within": {"en": "contains", "de": "enthält"},
    "sckg:sector": {"en": "in this sector", "de": "in diesem Sektor"},
    "sckg:linkedSector": {"en": "sector links", "de": "Sektorverbindungen"},
    "sckg:connectsTo": {"en": "connected sectors", "de": "verbundene Sektoren"},
    "sckg:assessedFederationService": {
        "en": "assessed as relevant for",
        "de": "eingeschätzt als relevant für",
    },
    "sckg:maturity": {"en": "at this maturity", "de": "mit diesem Reifegrad"},
    "sckg:curationStatus": {"en": "with this review status", "de": "mit diesem Prüfstatus"},
    "sckg:solutionType": {"en": "of this solution type", "de": "mit diesem Lösungstyp"},
    "sckg:spatialScale": {"en": "at this spatial scale", "de": "auf dieser räumlichen Ebene"},
    "sckg:sizeClass": {"en": "of this size class", "de": "dieser Größenklasse"},
    "sckg:municipalityType": {"en": "of this type", "de": "dieser Art"},
    "sckg:lifecycleStatus": {"en": "in this phase", "de": "in dieser Phase"},
    "sckg:hostingModel": {"en": "with this hosting model", "de": "mit diesem Hosting-Modell"},
    "sckg:capability": {"en": "with this capability", "de": "mit dieser Fähigkeit"},
    "sckg:runsOn": {"en": "use cases running on it", "de": "Anwendungsfälle darauf"},
    "sckg:fundedBy": {"en": "funds", "de": "fördert"},
    "sckg:operatedBy": {"en": "operates", "de": "betreibt"},
    "sckg:hasComponent": {"en": "used in", "de": "eingesetzt in"},
    "sckg:transferredFrom": {"en": "reused by", "de": "nachgenutzt von"},
    "sckg:usesDataset": {"en": "used by", "de": "genutzt von"},
    "sckg:producesDataset": {"en": "produced by", "de": "erzeugt von"},
    "sckg:assessedUsesDataset": {
        "en": "probably used by (assessment)",
        "de": "vermutlich genutzt von (Einschätzung)",
    },
    "sckg:feeds": {"en": "fed by", "de": "gespeist von"},
    "sckg:isFedBy": {"en": "feeds", "de": "speist"},
    "sckg:potentiallyFeeds": {
        "en": "possibly fed by (assessment)",
        "de": "möglicherweise gespeist von (Einschätzung)",
    },
    "sckg:viaUseCase": {"en": "sector links through it", "de": "Sektorverbindungen darüber"},
    "sckg:viaDataset": {"en": "sector links through it", "de": "Sektorverbindungen darüber"},
    "sckg:sharedDataset": {"en": "shared in sector links", "de": "gemeinsam genutzt in"},
    "sckg:flowDataset": {"en": "carries the flows of", "de": "trägt die Datenflüsse von"},
}


_SORT_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e"})


def by_label(nodes: Iterable[Any]) -> list[Any]:
    """``nodes`` in the alphabetical order of their labels in the page's language, as a reader
    looks for them (umlauts sorted with their base letter, case ignored)."""
    return sorted(nodes, key=lambda n: label(n).casefold().translate(_SORT_FOLD))


def inverse_label(predicate: Any) -> str:
    """The heading of the resources linking here through ``predicate`` (see INVERSE_LABELS);
    a property without one reads "← label"."""
    iri = predicate.value if isinstance(predicate, IRI) else str(predicate)
    own = vocab().ns
    key = "sckg:" + iri[len(own) :] if iri.startswith(own) else iri
    known = INVERSE_LABELS.get(key)
    if known:
        return known.get(lang()) or known["en"]
    return "← " + label(iri)


def label(thing: Any) -> str:
    """A label in the chosen language for a node, a term or an IRI string."""
    if isinstance(thing, Node):
        if thing.labels:
            return thing.label(lang())
        thing = thing.term
    if isinstance(thing, Literal):
        return thing.value
    iri = thing.value if isinstance(thing, IRI) else str(thing)
    known = TERM_LABELS.get(iri)
    if known:
        return known.get(lang()) or known["en"]
    found = index().label_or_none(iri, lang())
    return found if found is not None else _fallback(iri)


def _fallback(iri: str) -> str:
    """A label for an IRI without one: ``A ↔ B`` for a sector link, else its last segment."""
    base = vocab().base
    if iri.startswith(base + "sectorlink/"):
        a, _, b = iri.rsplit("/", 1)[-1].partition("--")
        return f"{label(vocab().entity('sector', a))} ↔ {label(vocab().entity('sector', b))}"
    return label_of(IRI(iri)) if iri else ""


def url_with(**changes: Any) -> str:
    """The current URL with query parameters changed (None removes one); keeps lists."""
    params = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value if isinstance(value, list) else [str(value)]
    query = urlencode(sorted((k, v) for k, vs in params.items() for v in vs))
    return request.path + ("?" + query if query else "")


def jsonld_script(data: dict[str, Any]) -> Markup:
    """``<script type="application/ld+json">`` with ``<``, ``>`` and ``&`` escaped, so curated
    text can never close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup('<script type="application/ld+json">\n') + Markup(text) + Markup("\n</script>")


def json_script(element_id: str, data: Any) -> Markup:
    """Data for the page's scripts, in an inert ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    safe_id = "".join(c for c in element_id if c.isalnum() or c in "-_")
    return (
        Markup(f'<script type="application/json" id="{safe_id}">')
        + Markup(text)
        + Markup("</script>")
    )


def number(value: object) -> str:
    """A whole number with the thousands separator of the chosen language (64.900, 64,900);
    anything else as it is."""
    try:
        figure = int(str(value))
    except ValueError:
        return str(value)
    grouped = f"{figure:,}"
    return grouped.replace(",", ".") if lang() == "de" else grouped


def paragraphs(text: str) -> list[str]:
    """Curated text split into paragraphs at blank lines (rendered escaped, never as HTML)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        href=href,
        label=label,
        inverse_label=inverse_label,
        by_label=by_label,
        url_with=url_with,
        jsonld_script=jsonld_script,
        json_script=json_script,
        paragraphs=paragraphs,
        number=number,
        desc_out=grouped_out,
        desc_in=grouped_in,
        pick=pick,
    )
