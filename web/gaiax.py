"""The Gaia-X readiness view of a data platform, data service or dataset, and its draft
description as JSON-LD (kg.exports.gaiax does the work; this module serves it).

``/platform/<slug>/gaiax`` and ``/dataset/<slug>/gaiax`` are the pages, ``….jsonld`` the
unsigned drafts. The explanations of the attributes are here, in German and English
(Flask-Babel), keyed by the shapes' own property paths.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Flask, Response, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from kg.errors import NotFound
from kg.exports.gaiax import (
    CURIES,
    GaiaxShapes,
    Readiness,
    assess,
    curie,
    draft,
    source_graph,
    to_jsonld,
)
from web import view
from web.context import app_settings, app_store
from web.entities import is_slug

bp = Blueprint("gaiax", __name__)

#: The kinds of resources that have a readiness view.
KINDS = ("platform", "dataset")

#: What each required attribute means and what a curator adds to the graph for it, keyed by the
#: property path in the Gaia-X shapes (shortened with :data:`kg.exports.gaiax.CURIES`).
EXPLANATIONS = {
    "gx:providedBy": (
        _l("Provider"),
        _l(
            "The organisation that provides the service, as a Gaia-X legal person. Add the "
            "operator of the platform (field operator) or the publisher of the data service "
            "(field publisher)."
        ),
    ),
    "gx:serviceOfferingTermsAndConditions": (
        _l("Terms and conditions"),
        _l(
            "The terms and conditions of the service: a link to the document and its SHA-256 "
            "hash. Add dcterms:rights with the document's URL and spdx:checksum with its "
            "SHA-256 value."
        ),
    ),
    "gx:registrationNumber": (
        _l("Registration number"),
        _l(
            "An official number that identifies the organisation: commercial register number, "
            "VAT ID or LEI. Add org:identifier, schema:vatID or schema:leiCode to the "
            "organisation."
        ),
    ),
    "gx:legalAddress": (
        _l("Legal address"),
        _l(
            "The registered address of the organisation. Add org:hasRegisteredSite with an "
            "org:siteAddress (vCard address with at least the country code)."
        ),
    ),
    "gx:headquartersAddress": (
        _l("Headquarters address"),
        _l(
            "The address of the headquarters. Add org:hasPrimarySite with an org:siteAddress "
            "(vCard address with at least the country code)."
        ),
    ),
    "gx:countryCode": (
        _l("Country code"),
        _l(
            "The country of the address as an ISO 3166-1 code, for example DE. Add "
            "vcard:country-name with the code to the address."
        ),
    ),
    "gx:url": (
        _l("Link to the document"),
        _l("A resolvable link to the document. It comes from the document's URL in the graph."),
    ),
    "gx:hash": (
        _l("SHA-256 hash"),
        _l(
            "The SHA-256 hash of the document, so that a change can be detected. Add "
            "spdx:checksum with the SHA-256 value to the document."
        ),
    ),
    "gx:standardConformity": (
        _l("Standard conformity"),
        _l(
            "The standards the endpoint follows. Add the standards of the platform "
            "(field standards)."
        ),
    ),
    "dcterms:title": (
        _l("Name of the standard"),
        _l("The title of the standard. Add a title to the standard."),
    ),
    "gx:standardReference": (
        _l("Link to the standard"),
        _l("A link to the text or schema of the standard. Add a homepage to the standard."),
    ),
    "gx:local": (
        _l("Local registration number"),
        _l("The number in the commercial or other official register (org:identifier)."),
    ),
    "gx:vatID": (
        _l("VAT identification number"),
        _l("The VAT identification number of the organisation (schema:vatID)."),
    ),
    "schema:leiCode": (
        _l("LEI code"),
        _l("The Legal Entity Identifier of the organisation (schema:leiCode)."),
    ),
    "gx:dataProductDescription": (
        _l("Data product description"),
        _l("The description of the data sets in the data product. It is drafted from the dataset."),
    ),
    "gx:digitalServiceOfferingName": (
        _l("Name"),
        _l("A human-readable name of the data product. Add a title to the dataset."),
    ),
    "gx:digitalServiceOfferingShortDescription": (
        _l("Short description"),
        _l("A short, non-contractual description. Add a description to the dataset."),
    ),
    "gx:digitalServiceOfferingProvider": (
        _l("Provider"),
        _l(
            "The organisation that provides the data product, as a Gaia-X legal person. Add "
            "the publisher of the dataset (field publisher)."
        ),
    ),
    "gx:digitalServiceOfferingIdentifier": (
        _l("Identifier (UUID)"),
        _l(
            "A unique identifier (UUID) the provider assigns to the offering. The knowledge "
            "graph does not hold one; the provider assigns it."
        ),
    ),
    "gx:digitalServiceOfferingLaunchDate": (
        _l("Launch date"),
        _l(
            "The date from which the data product can be used. The knowledge graph does not "
            "hold it; the provider states it."
        ),
    ),
    "gx:digitalServiceOfferingTermsAndConditions": (
        _l("Provider terms and conditions"),
        _l(
            "The terms and conditions that apply to the provider (for example a service level "
            "agreement), with link and SHA-256 hash. The provider states them."
        ),
    ),
    "gx:digitalServiceUsageTermsAndConditions": (
        _l("Usage terms and conditions"),
        _l(
            "The terms and conditions that apply to the consumer (for example payment or no "
            "resale), with link and SHA-256 hash. The provider states them."
        ),
    ),
    "gx:digitalServiceUsageDataPolicy": (
        _l("Usage data policy"),
        _l(
            "How the provider may use data about the consumer's use of the offering, with "
            "link and SHA-256 hash. The provider states it."
        ),
    ),
    "gx:digitalServiceLegalDocuments": (
        _l("Legal documents"),
        _l(
            "The legal documents that govern the offering and its use. A licence of the "
            "dataset counts: add a licence (field license)."
        ),
    ),
    "dcat:Dataset": (
        _l("Data sets (DCAT)"),
        _l("The DCAT description of the data sets. It is the dataset's own description."),
    ),
    "gx:dataProductConfigurationParameters": (
        _l("Configuration parameters"),
        _l(
            "The parameters that define the scope of an order of the data product (for "
            "example a period or an area). The provider states them."
        ),
    ),
}

#: The Gaia-X classes a draft holds, in German and English.
CLASS_NAMES = {
    "gx:ServiceOffering": _l("Service offering"),
    "gx:DataProduct": _l("Data product"),
    "gx:DataProductDescription": _l("Data product description"),
    "gx:LegalPerson": _l("Legal person (provider)"),
    "gx:LocalRegistrationNumber": _l("Registration number"),
    "gx:VatID": _l("Registration number"),
    "gx:LeiCode": _l("Registration number"),
    "gx:Address": _l("Address"),
    "gx:TermsAndConditions": _l("Terms and conditions"),
    "gx:LegalDocument": _l("Legal document"),
    "gx:DataLicense": _l("Data licence"),
    "gx:Endpoint": _l("Endpoint"),
    "gx:StandardConformity": _l("Standard conformity"),
}


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["gaiax_explanation"] = EXPLANATIONS.get
    app.jinja_env.globals["gaiax_class_name"] = CLASS_NAMES.get
    app.jinja_env.globals["gx_curie"] = curie


_lock = threading.Lock()


def shapes() -> GaiaxShapes:
    """The vendored Gaia-X shapes, read once per process (on the first readiness page)."""
    extensions = current_app.extensions
    with _lock:
        if "kg.gaiax" not in extensions:
            extensions["kg.gaiax"] = GaiaxShapes.of_project(app_settings().ontology_dir)
    return extensions["kg.gaiax"]


def readiness(kind: str, slug: str) -> Readiness:
    if kind not in KINDS or not is_slug(slug):
        raise NotFound(f"There is no Gaia-X readiness view of {kind}/{slug}.")
    iri = view.vocab().entity(kind, slug)
    source = source_graph(app_store(), view.vocab(), iri)
    return assess(draft(source, iri, view.vocab(), view.lang()), shapes())


@bp.route("/<any(platform, dataset):kind>/<slug>/gaiax")
def page(kind: str, slug: str) -> Response:
    result = readiness(kind, slug)
    export = url_for("gaiax.export", kind=kind, slug=slug, lang=view.lang())
    body = render_template(
        "gaiax.html",
        result=result,
        kind=kind,
        slug=slug,
        entity=f"/{kind}/{slug}",
        export=export,
        curies=CURIES,
    )
    response = Response(body, mimetype="text/html")
    response.headers["Link"] = f'<{export}>; rel="alternate"; type="application/ld+json"'
    return response


@bp.route("/<any(platform, dataset):kind>/<slug>/gaiax.jsonld")
def export(kind: str, slug: str) -> Response:
    result = readiness(kind, slug)
    body = to_jsonld(result.draft, shapes())
    response = Response(body, mimetype="application/ld+json")
    name = f"{slug}-gaiax-draft-unsigned.jsonld"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
