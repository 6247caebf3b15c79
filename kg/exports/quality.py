"""Metadata quality of a dataset or data service, in the spirit of data.europa.eu's MQA.

data.europa.eu rates harvested metadata with its Metadata Quality Assessment (MQA), in five
dimensions derived from the FAIR principles: findability, accessibility, interoperability,
reusability and contextuality (methodology:
https://dataeuropa.gitlab.io/data-provider-manual/metadata-quality-dashboard/). This module
rates the same dimensions from what the graph says of a resource, with the project's own
points per item (:data:`ITEMS`; docs/catalogue.md has the table). It checks presence and the
controlled vocabularies only: the MQA's checks that fetch the access and download URLs are
left out, since the build never goes on the network.

:func:`assess` works on the properties the catalogue reads for a resource
(:func:`kg.exports.catalogue.read_resources`), so that the catalogue page and the entity page
show one and the same figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from kg.namespaces import DCAT, DCTERMS

#: Keys of what the resource query derives (not properties of the graph).
DERIVED_THEME = "derived-theme"
MUNICIPALITY_KEY = "municipality-key"
OPERATOR = "operator"

THEME_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"
ADMS_STATUS = "http://www.w3.org/ns/adms#status"

DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")

DIMENSION_LABELS = {
    "findability": {"de": "Auffindbarkeit", "en": "Findability"},
    "accessibility": {"de": "Zugänglichkeit", "en": "Accessibility"},
    "interoperability": {"de": "Interoperabilität", "en": "Interoperability"},
    "reusability": {"de": "Wiederverwendbarkeit", "en": "Reusability"},
    "contextuality": {"de": "Kontext", "en": "Contextuality"},
}


class Vocabularies(Protocol):
    """What the assessment needs of the shipped vocabulary concepts."""

    def known(self, iri: str) -> bool: ...

    def in_scheme(self, iri: str, scheme: str) -> bool: ...

    def licence(self, iri: str) -> str | None: ...


@dataclass(frozen=True)
class Item:
    """One thing the assessment looks for: its dimension, points, the authoring field that
    supplies it, the kinds it applies to, its label and the fix (German and English)."""

    key: str
    dimension: str
    points: int
    field: str
    kinds: frozenset[str]
    label: Mapping[str, str]
    fix: Mapping[str, str]


_BOTH = frozenset({"dataset", "service"})
_DATASET = frozenset({"dataset"})
_SERVICE = frozenset({"service"})


def _item(
    key: str, dimension: str, points: int, field: str, kinds: frozenset[str], de: str, en: str,
    fix_de: str, fix_en: str,
) -> Item:  # fmt: skip
    return Item(key, dimension, points, field, kinds, {"de": de, "en": en},
                {"de": fix_de, "en": fix_en})  # fmt: skip


#: The items and their points (the project's own weights; see docs/catalogue.md).
ITEMS: tuple[Item, ...] = (
    _item("themes", "findability", 30, "themes", _BOTH, "Datenthema", "Data theme",
          "Geben Sie unter themes Codes der EU-Datenthemen an (z. B. TRAN) oder verknüpfen Sie "
          "den Eintrag mit einem Anwendungsfall, dessen Sektor einem Datenthema entspricht.",
          "Give EU data-theme codes under themes (for example TRAN), or link the entry to a use "
          "case whose sector matches a data theme."),
    _item("spatial", "findability", 20, "places", _BOTH, "Räumliche Abdeckung",
          "Spatial coverage",
          "Geben Sie unter places die Orte an, die die Daten abdecken.",
          "Give the places the data cover under places."),
    _item("access-url", "accessibility", 50, "distributions[].accessURL", _DATASET,
          "Zugangsadresse", "Access URL",
          "Geben Sie unter distributions einen Eintrag mit accessURL an.",
          "Give an entry with accessURL under distributions."),
    _item("download-url", "accessibility", 20, "distributions[].downloadURL", _DATASET,
          "Download-Adresse", "Download URL",
          "Geben Sie bei einer Distribution unter downloadURL die Adresse der Datei an.",
          "Give the address of the file under downloadURL of a distribution."),
    _item("endpoint-url", "accessibility", 50, "endpointURL", _SERVICE, "Endpunkt",
          "Endpoint URL",
          "Geben Sie unter endpointURL die Adresse der Schnittstelle an.",
          "Give the address of the interface under endpointURL."),
    _item("endpoint-description", "accessibility", 20, "apiSpec", _SERVICE,
          "Schnittstellenbeschreibung", "Endpoint description",
          "Geben Sie unter apiSpec die Adresse der Schnittstellenbeschreibung an (z. B. OpenAPI).",
          "Give the address of the interface description under apiSpec (for example OpenAPI)."),
    _item("format", "interoperability", 20, "distributions[].format", _DATASET, "Format",
          "Format",
          "Geben Sie bei einer Distribution mit accessURL unter format einen Code der "
          "EU-Dateitypen an (z. B. JSON, CSV).",
          "Give an EU file-type code under format of a distribution with accessURL (for "
          "example JSON, CSV)."),
    _item("media-type", "interoperability", 10, "distributions[].mediaType", _DATASET,
          "Medientyp", "Media type",
          "Geben Sie bei einer Distribution unter mediaType den IANA-Medientyp an "
          "(z. B. application/json).",
          "Give the IANA media type under mediaType of a distribution (for example "
          "application/json)."),
    _item("standards", "interoperability", 10, "standards", _BOTH, "Standards", "Standards",
          "Geben Sie unter standards die Standards oder Datenmodelle an, denen die Daten folgen.",
          "Give the standards or data models the data follow under standards."),
    _item("licence", "reusability", 20, "license", _BOTH, "Lizenz", "Licence",
          "Geben Sie unter license die Lizenz an, z. B. http://dcat-ap.de/def/licenses/dl-by-de/2.0.",
          "Give the licence under license, for example "
          "http://dcat-ap.de/def/licenses/dl-by-de/2.0."),
    _item("licence-vocabulary", "reusability", 10, "license", _BOTH,
          "Lizenz aus der DCAT-AP.de-Liste", "Licence from the DCAT-AP.de list",
          "Verwenden Sie unter license eine Lizenz der DCAT-AP.de-Lizenzliste "
          "(oder eine Creative-Commons-Adresse, die ihr entspricht).",
          "Use a licence of the DCAT-AP.de licence list under license (or a Creative Commons "
          "URL that matches one)."),
    _item("access-rights", "reusability", 10, "accessRights", _BOTH, "Zugriffsrechte",
          "Access rights",
          "Geben Sie unter accessRights PUBLIC, RESTRICTED oder NON_PUBLIC an.",
          "Give PUBLIC, RESTRICTED or NON_PUBLIC under accessRights."),
    _item("contact-point", "reusability", 20, "contactPoint", _BOTH, "Kontaktstelle",
          "Contact point",
          "Geben Sie unter contactPoint eine E-Mail-Adresse (mailto:…) oder eine Webadresse an.",
          "Give an e-mail address (mailto:…) or a web address under contactPoint."),
    _item("publisher", "reusability", 10, "publisher", _BOTH, "Herausgeber", "Publisher",
          "Geben Sie unter publisher den Slug der Organisation an, die die Daten bereitstellt "
          "(bei Datenplattformen genügt operator).",
          "Give the slug of the organisation that provides the data under publisher (for data "
          "platforms, operator will do)."),
    _item("update-frequency", "contextuality", 10, "accrualPeriodicity", _BOTH,
          "Aktualisierungshäufigkeit", "Update frequency",
          "Geben Sie unter accrualPeriodicity einen Code an, z. B. DAILY oder CONT.",
          "Give a code under accrualPeriodicity, for example DAILY or CONT."),
    _item("modified", "contextuality", 5, "modified", _BOTH, "Änderungsdatum",
          "Modification date",
          "Geben Sie unter modified das Datum der letzten Änderung an (JJJJ-MM-TT).",
          "Give the date of the last change under modified (YYYY-MM-DD)."),
    _item("landing-page", "contextuality", 5, "landingPage", _BOTH, "Informationsseite",
          "Landing page",
          "Geben Sie unter landingPage die Adresse einer Seite über die Daten an.",
          "Give the address of a page about the data under landingPage."),
)  # fmt: skip


@dataclass(frozen=True)
class Check:
    item: Item
    present: bool


@dataclass(frozen=True)
class Dimension:
    key: str
    checks: tuple[Check, ...]

    @property
    def label(self) -> Mapping[str, str]:
        return DIMENSION_LABELS[self.key]

    @property
    def points(self) -> int:
        return sum(c.item.points for c in self.checks if c.present)

    @property
    def maximum(self) -> int:
        return sum(c.item.points for c in self.checks)


@dataclass(frozen=True)
class Quality:
    """The assessment of one resource: its checks by dimension, points and percentage."""

    iri: str
    kind: str
    dimensions: tuple[Dimension, ...]

    @property
    def points(self) -> int:
        return sum(d.points for d in self.dimensions)

    @property
    def maximum(self) -> int:
        return sum(d.maximum for d in self.dimensions)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.maximum) if self.maximum else 0

    def present(self, key: str) -> bool:
        return any(c.present for d in self.dimensions for c in d.checks if c.item.key == key)

    @property
    def missing(self) -> tuple[Item, ...]:
        return tuple(c.item for d in self.dimensions for c in d.checks if not c.present)


def assess(iri: str, kind: str, props: Mapping[str, list], vocabularies: Vocabularies) -> Quality:
    """Rate a resource of ``kind`` (``dataset`` or ``service``) from ``props``, the properties
    the catalogue read for it (``{property: [values]}``; distributions and contact points as
    ``{property: [values]}`` mappings)."""
    found = _present(props, vocabularies)
    dimensions = tuple(
        Dimension(
            name,
            tuple(
                Check(item, item.key in found)
                for item in ITEMS
                if item.dimension == name and kind in item.kinds
            ),
        )
        for name in DIMENSIONS
    )
    return Quality(iri, kind, dimensions)


def accessible(dist: Mapping[str, list]) -> bool:
    """A distribution the catalogue can list: it says where the data are."""
    return bool(dist.get(DCAT + "accessURL") or dist.get(DCAT + "downloadURL"))


def _present(props: Mapping[str, list], v: Vocabularies) -> set[str]:
    dists = [d for d in props.get(DCAT + "distribution", ()) if accessible(d)]
    licences = [str(x) for x in props.get(DCTERMS + "license", ())]
    licences += [str(x) for d in dists for x in d.get(DCTERMS + "license", ())]
    themes = [str(t) for t in (*props.get(DCAT + "theme", ()), *props.get(DERIVED_THEME, ()))]
    checks = {
        "themes": any(v.in_scheme(t, THEME_SCHEME) for t in themes),
        "spatial": bool(props.get(DCTERMS + "spatial")),
        "access-url": bool(dists),
        "download-url": any(d.get(DCAT + "downloadURL") for d in dists),
        "endpoint-url": bool(props.get(DCAT + "endpointURL")),
        "endpoint-description": bool(props.get(DCAT + "endpointDescription")),
        "format": any(_known(d.get(DCTERMS + "format", ()), v) for d in dists),
        "media-type": any(d.get(DCAT + "mediaType") for d in dists),
        "standards": bool(props.get(DCTERMS + "conformsTo")),
        "licence": bool(licences),
        "licence-vocabulary": any(v.licence(x) for x in licences),
        "access-rights": _known(props.get(DCTERMS + "accessRights", ()), v),
        "contact-point": bool(props.get(DCAT + "contactPoint")),
        "publisher": bool(props.get(DCTERMS + "publisher") or props.get(OPERATOR)),
        "update-frequency": _known(props.get(DCTERMS + "accrualPeriodicity", ()), v),
        "modified": bool(props.get(DCTERMS + "modified")),
        "landing-page": bool(props.get(DCAT + "landingPage")),
    }
    return {key for key, ok in checks.items() if ok}


def _known(values: Sequence[object], v: Vocabularies) -> bool:
    return any(v.known(str(x)) for x in values)


#: What a dataset needs to count as covered by the catalogue (issue 16): a licence the
#: catalogue can carry (from the DCAT-AP.de list), a publisher, a data theme and a distribution
#: with format.
COVERAGE = ("licence-vocabulary", "publisher", "themes", "format")


def coverage_missing(quality: Quality) -> tuple[str, ...]:
    """The authoring fields of :data:`COVERAGE` that ``quality`` lacks."""
    by_key = {item.key: item for item in ITEMS}
    return tuple(by_key[k].field for k in COVERAGE if not quality.present(k))
