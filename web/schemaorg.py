"""schema.org JSON-LD for each page, so search engines and dataset search understand it."""

from __future__ import annotations

from typing import Any

from kg.namespaces import DCAT, DCTERMS, FOAF
from kg.rdf import Literal
from kg.views.describe import Description
from web import view
from web.view import GEO

_TYPES = {
    "usecase": "CreativeWork",
    "pattern": "CreativeWork",
    "component": "SoftwareSourceCode",
    "programme": "CreativeWork",
    "dataset": "Dataset",
    "place": "Place",
    "org": "Organization",
    "standard": "CreativeWork",
    "sector": "DefinedTerm",
    "maturity": "DefinedTerm",
    "gaiax": "DefinedTerm",
    "role": "DefinedTerm",
    "curation": "DefinedTerm",
    "scheme": "DefinedTermSet",
}


def schema_org(desc: Description) -> dict[str, Any]:
    """A schema.org description of ``desc`` in the chosen language."""
    lang = view.lang()
    vocab = view.vocab()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DataService"
        if DCAT + "DataService" in desc.types
        else _TYPES.get(desc.kind, "Thing"),
        "@id": desc.iri,
        "name": desc.label(lang),
        "url": desc.iri,
        "inLanguage": lang,
    }
    if data["@type"] == "DataService":
        data["@type"] = "WebAPI"
    described = desc.first(DCTERMS + "description", lang) or desc.first(
        "http://www.w3.org/2004/02/skos/core#definition", lang
    )
    if described is not None:
        data["description"] = described.value
    modified = desc.first(DCTERMS + "modified")
    if isinstance(modified, Literal):
        data["dateModified"] = modified.value
    _links(data, desc, "spatialCoverage", DCTERMS + "spatial", "Place")
    _links(data, desc, "about", vocab.term("sector"), "DefinedTerm")
    _links(data, desc, "publisher", DCTERMS + "publisher", "Organization")
    _web(data, desc, "sameAs", FOAF + "homepage")
    _web(data, desc, "isBasedOn", DCTERMS + "source")
    _web(data, desc, "license", DCTERMS + "license")
    _web(data, desc, "mainEntityOfPage", DCAT + "landingPage")
    _web(data, desc, "codeRepository", "https://schema.org/codeRepository")
    _geo(data, desc)
    return data


def _geo(data: dict[str, Any], desc: Description) -> None:
    """WGS84 coordinates of a place as schema.org ``GeoCoordinates``."""
    lat = desc.first(GEO + "lat")
    long = desc.first(GEO + "long")
    if isinstance(lat, Literal) and isinstance(long, Literal):
        data["geo"] = {"@type": "GeoCoordinates", "latitude": lat.value, "longitude": long.value}


def _links(data: dict[str, Any], desc: Description, key: str, predicate: str, kind: str) -> None:
    found = [
        {"@type": kind, "@id": n.iri, "name": view.label(n)}
        for n in desc.values(predicate)
        if n.iri
    ]
    if found:
        data[key] = found


def _web(data: dict[str, Any], desc: Description, key: str, predicate: str) -> None:
    found = [n.iri for n in desc.values(predicate) if n.iri and view.is_web_iri(n.iri)]
    if found:
        data[key] = found if len(found) > 1 else found[0]
