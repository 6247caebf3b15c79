"""Read a municipality's open-data portal catalogue (DCAT-AP.de) and recognise the
Musterdatenkatalog types of its datasets, for "what our data makes possible" (issue 20).

The catalogue arrives as bytes (an upload, a file, or what ``kg possible --catalogue URL``
fetched): RDF/XML, Turtle or N-Triples, as GovData and CKAN portals export them
(``catalog.rdf``, ``catalog.ttl``). It is a visitor's input, so

* it is refused above :data:`MAX_BYTES` or :data:`MAX_TRIPLES`;
* JSON-LD is refused: its ``@context`` may name a remote document, and reading it would open a
  connection on a visitor's behalf. Nothing here opens a connection;
* RDF/XML with a ``DOCTYPE`` or ``ENTITY`` is refused before a parser sees it (an entity
  expanding into entities, "billion laughs", or an external entity naming a local file).
  pyoxigraph's RDF/XML parser expands internal entities: the classic billion laughs makes it
  ask for 4.8 GB and abort the process, so this check is what stands between a visitor and
  the web worker.

Every refusal is an :class:`~kg.errors.InvalidRequest` with the reason in German and English.

Each ``dcat:Dataset`` is recognised in one of two ways:

``declared``
    The dataset names a template dataset: an IRI under
    ``https://musterdatenkatalog.de/def/musterdatensatz/`` in ``dct:references`` (as the
    Schleswig-Holstein portal writes it, https://open-north.de/blog/2022-08-31_musterdatenkatalog),
    ``dct:subject``, ``dcat:theme`` or ``dct:type``, or one of this project's dataset-type IRIs
    there or in ``sckg:datasetType``. The last path segment is the template's label parts in
    camelCase (``baumbestandBaumkataster`` for Baumbestand - Baumkataster), compared without
    regard to case; the segment before it, the theme, is used when it names the template's
    theme and ignored otherwise, since themes were renamed between versions of the catalogue
    (``gruenflaechen`` then, ``floraUndFauna`` now). The label parts alone name one template.
``title``
    A judgement, shown as such: a dataset that declares no template and whose title contains,
    as whole words (case, umlauts and punctuation folded), a phrase that names exactly one
    template: its full label ("Baumbestand Baumkataster") or its most specific part
    ("Baumkataster"), in German or English, at least :data:`MIN_PHRASE` letters long (short
    parts such as "Hotel" or "Plan" say too little) and not one of the :data:`GENERIC` words
    ("Sonstiges", "Education"). Singular and plural differ ("Parkplätze" is not "Parkplatz"):
    a miss costs the user a tick, a wrong guess costs trust. When phrases of several templates
    occur, one inside another counts as the longer one; otherwise several templates in a title
    recognise nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.authoring.vocabularies import DATASET_TYPE, Template, dataset_type_iri
from kg.errors import InvalidRequest, Problem
from kg.namespaces import DCAT, DCTERMS, RDF_TYPE, Vocabulary
from kg.rdf import IRI, BNode, Literal, Term
from kg.store.oxigraph import parse_upload

MAX_BYTES = 5_000_000
MAX_TRIPLES = 200_000
MIN_PHRASE = 9
#: Single words long enough but too general to name a template on their own.
GENERIC = frozenset(
    {
        "sonstiges",
        "miscellaneous",
        "collection",
        "committee",
        "education",
        "employment",
        "population",
        "programme",
        "integration",
        "circulation",
    }
)
MUSTERDATENSATZ = "https://musterdatenkatalog.de/def/musterdatensatz/"
#: The properties a portal names a template dataset with.
REFERENCES = (DCTERMS + "references", DCTERMS + "subject", DCTERMS + "type", DCAT + "theme")
DECLARED, BY_TITLE = "declared", "title"

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
#: The start of an XML document: a declaration, a DOCTYPE or comment, or a prefixed element
#: (``<rdf:RDF``); a Turtle file may start with an IRI such as ``<https://…>``.
_XML_START = re.compile(rb"<(?:\?xml|!|[A-Za-z_][\w.-]*:[A-Za-z_])")


@dataclass(frozen=True)
class Recognised:
    """One template a portal dataset was recognised as, and how."""

    type: str  #: dataset-type IRI of this project
    how: str  #: :data:`DECLARED` or :data:`BY_TITLE`
    evidence: str  #: the IRI the dataset names, or the phrase found in its title

    @property
    def judgement(self) -> bool:
        return self.how == BY_TITLE


@dataclass
class PortalDataset:
    """One ``dcat:Dataset`` of the catalogue."""

    iri: str  #: its IRI, or ``_:label`` for a blank node
    titles: dict[str, str]  #: language tag (``""`` when untagged) → title
    recognised: list[Recognised] = field(default_factory=list)

    def title(self, lang: str) -> str:
        for wanted in (lang, "", "de", "en"):
            if self.titles.get(wanted):
                return self.titles[wanted]
        return next(iter(self.titles.values()), self.iri)


@dataclass
class PortalCatalogue:
    """What a catalogue says about its datasets, in the order of their IRIs."""

    datasets: list[PortalDataset]
    triples: int

    @property
    def types(self) -> list[str]:
        """Every recognised dataset type, declared or by title (the page pre-checks them)."""
        return sorted({r.type for d in self.datasets for r in d.recognised})

    def json(self, label: Callable[[str], str]) -> dict[str, object]:
        """The catalogue's datasets for the JSON twin; ``label`` names a dataset-type IRI."""
        return {
            "triples": self.triples,
            "datasets": [
                {
                    "iri": d.iri,
                    "title": d.titles,
                    "recognised": [
                        {
                            "iri": r.type,
                            "label": label(r.type),
                            "how": r.how,
                            "judgement": r.judgement,
                            "evidence": r.evidence,
                        }
                        for r in d.recognised
                    ],
                }
                for d in self.datasets
            ],
        }


# -- reading -------------------------------------------------------------------------------------


def _refused(de: str, en: str) -> InvalidRequest:
    return InvalidRequest([Problem("catalogue", de, en)])


def detect_format(data: bytes, name: str = "", media_type: str = "") -> str:
    """``rdfxml``, ``turtle`` or ``ntriples`` from the file name, the media type or how the
    data starts; JSON-LD (by any of these) is refused.

    >>> detect_format(b'<?xml version="1.0"?><rdf:RDF/>'), detect_format(b"<https://x> a <y> .")
    ('rdfxml', 'turtle')
    """
    name, media_type = name.lower(), media_type.split(";")[0].strip().lower()
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    head = start[:1]
    if name.endswith((".jsonld", ".json")) or "json" in media_type or head in (b"{", b"["):
        raise _refused(
            "JSON-LD wird nicht angenommen: sein @context kann auf entfernte Dokumente verweisen. "
            "Laden Sie den Katalog als RDF/XML oder Turtle hoch (catalog.rdf, catalog.ttl).",
            "JSON-LD is not accepted: its @context may point to remote documents. Upload the "
            "catalogue as RDF/XML or Turtle (catalog.rdf, catalog.ttl).",
        )
    if name.endswith((".rdf", ".xml", ".owl")) or "xml" in media_type or _XML_START.match(start):
        return "rdfxml"
    if name.endswith(".nt") or media_type == "application/n-triples":
        return "ntriples"
    return "turtle"


def _triples(data: bytes, fmt: str, max_triples: int) -> list[tuple[Term, Term, Term]]:
    if fmt == "rdfxml" and _DOCTYPE.search(data):
        raise _refused(
            "RDF/XML mit DOCTYPE oder ENTITY wird aus Sicherheitsgründen abgelehnt. Entfernen "
            "Sie die DOCTYPE-Deklaration.",
            "RDF/XML with a DOCTYPE or ENTITY is refused for safety. Remove the DOCTYPE "
            "declaration.",
        )
    found = []
    try:
        for triple in parse_upload(data, fmt):
            if len(found) == max_triples:
                raise _refused(
                    f"Der Katalog hat mehr als {max_triples:,} Tripel; angenommen werden "
                    "höchstens so viele.".replace(",", "."),
                    f"The catalogue has more than {max_triples:,} triples, the most accepted.",
                )
            found.append(triple)
    except SyntaxError as exc:
        raise _refused(
            f"Der Katalog ist kein gültiges {_NAMES[fmt]}: {exc}",
            f"The catalogue is not valid {_NAMES[fmt]}: {exc}",
        ) from None
    return found


_NAMES = {"rdfxml": "RDF/XML", "turtle": "Turtle", "ntriples": "N-Triples"}


def read_catalogue(
    data: bytes,
    templates: list[Template],
    vocab: Vocabulary,
    *,
    name: str = "",
    media_type: str = "",
    max_bytes: int = MAX_BYTES,
    max_triples: int = MAX_TRIPLES,
) -> PortalCatalogue:
    """The ``dcat:Dataset`` entries of a DCAT catalogue with the templates recognised for each.

    ``name`` (a file name) and ``media_type`` help to tell the format; see the module docstring
    for what is refused and how a template is recognised.

    >>> from kg.authoring.vocabularies import Template
    >>> trees = Template("floraUndFauna", "floraUndFauna--baumbestand-baumkataster",
    ...     "Flora und Fauna", "Flora and fauna", "Baumbestand - Baumkataster",
    ...     "Tree population - tree register", "", "")
    >>> ttl = b'''<http://ex.org/d1> a <http://www.w3.org/ns/dcat#Dataset> ;
    ...   <http://purl.org/dc/terms/title> "Baumkataster der Stadt Musterhausen"@de .'''
    >>> found = read_catalogue(ttl, [trees], Vocabulary("https://ex.org/kg/"))
    >>> [(r.type, r.how) for r in found.datasets[0].recognised]
    [('https://ex.org/kg/dataset-type/floraUndFauna--baumbestand-baumkataster', 'title')]
    """
    if len(data) > max_bytes:
        raise _refused(
            f"Der Katalog ist größer als {max_bytes // 1_000_000} MB.",
            f"The catalogue is larger than {max_bytes // 1_000_000} MB.",
        )
    triples = _triples(data, detect_format(data, name, media_type), max_triples)
    datasets = _datasets(triples, (*REFERENCES, vocab.term("datasetType")))
    matcher = Matcher(templates, vocab)
    for dataset, refs in datasets.values():
        dataset.recognised = matcher.declared(refs) or matcher.by_title(dataset.titles)
    ordered = sorted((d for d, _ in datasets.values()), key=lambda d: d.iri)
    return PortalCatalogue(ordered, len(triples))


def _key(term: Term) -> str:
    return term.value if isinstance(term, IRI) else f"_:{term.id}"  # type: ignore[union-attr]


def _datasets(
    triples: list[tuple[Term, Term, Term]], references: tuple[str, ...]
) -> dict[str, tuple[PortalDataset, list[str]]]:
    kinds = {_key(s) for s, p, o in triples if p.value == RDF_TYPE and o == IRI(DCAT + "Dataset")}
    found: dict[str, tuple[PortalDataset, list[str]]] = {
        k: (PortalDataset(k, {}), []) for k in kinds
    }
    for s, p, o in triples:
        if not isinstance(s, IRI | BNode) or (key := _key(s)) not in found:
            continue
        dataset, refs = found[key]
        if p.value == DCTERMS + "title" and isinstance(o, Literal):
            dataset.titles.setdefault(o.lang or "", o.value.strip())
        elif isinstance(o, IRI) and p.value in references:
            refs.append(o.value)
    return found


# -- recognising ---------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, umlauts as ``ae oe ue ss``, other accents dropped, anything but letters and
    digits as single spaces: ``"Bäume im Stadtgebiet!"`` → ``"baeume im stadtgebiet"``."""
    text = text.casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text))


class Matcher:
    """Recognises the templates of a catalogue's datasets (see the module docstring)."""

    def __init__(self, templates: list[Template], vocab: Vocabulary) -> None:
        self.iris = {t.code: dataset_type_iri(vocab, t) for t in templates}
        self.own = vocab.entity(DATASET_TYPE, "")
        self.by_label: dict[str, list[Template]] = defaultdict(list)
        for t in templates:
            self.by_label["".join(t.code.split("--", 1)[1].split("-")).lower()].append(t)
        self.phrases = _phrases(templates)
        self.longest = max((p.count(" ") + 1 for p in self.phrases), default=0)

    def declared(self, refs: list[str]) -> list[Recognised]:
        found: dict[str, Recognised] = {}
        for ref in refs:
            template = self._template_of(ref)
            if template is not None and self.iris[template.code] not in found:
                iri = self.iris[template.code]
                found[iri] = Recognised(iri, DECLARED, ref)
        return list(found.values())

    def _template_of(self, ref: str) -> Template | None:
        if ref.startswith(self.own):
            code = ref[len(self.own) :]
            return next((t for ts in self.by_label.values() for t in ts if t.code == code), None)
        if not ref.startswith(MUSTERDATENSATZ):
            return None
        *theme, label = ref[len(MUSTERDATENSATZ) :].strip("/").split("/")
        candidates = self.by_label.get(label.lower(), [])
        same_theme = [t for t in candidates if theme and t.theme.lower() == theme[-1].lower()]
        chosen = same_theme or candidates
        return chosen[0] if len(chosen) == 1 else None

    def by_title(self, titles: dict[str, str]) -> list[Recognised]:
        found = {
            (phrase, self.phrases[phrase])
            for title in titles.values()
            for phrase in _runs(fold(title).split(), self.longest)
            if phrase in self.phrases
        }
        # a phrase inside a longer one found ("luftaufnahme" in "historische luftaufnahme")
        # is that one's part, not a second template
        kept = {(p, c) for p, c in found if not any(p != q and p in q for q, _ in found)}
        if len({code for _, code in kept}) != 1:
            return []  # nothing, or several templates: no guess
        phrase, code = max(kept, key=lambda pc: len(pc[0]))
        return [Recognised(self.iris[code], BY_TITLE, phrase)]


def _runs(words: list[str], longest: int) -> set[str]:
    """Every run of up to ``longest`` consecutive ``words``, joined by single spaces."""
    return {
        " ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)
    }


def _phrases(templates: list[Template]) -> dict[str, str]:
    """Folded phrase → template code, for the phrases that name exactly one template."""
    owners: dict[str, set[str]] = defaultdict(set)
    for t in templates:
        for label in (t.label_de, t.label_en):
            parts = [p for p in (fold(x) for x in label.split(" - ")) if p]
            for phrase in {" ".join(parts), parts[-1]} if parts else ():
                owners[phrase].add(t.code)
    return {
        phrase: next(iter(codes))
        for phrase, codes in owners.items()
        if len(codes) == 1 and len(phrase.replace(" ", "")) >= MIN_PHRASE and phrase not in GENERIC
    }
