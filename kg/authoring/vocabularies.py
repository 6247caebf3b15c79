"""Vocabularies of other publishers that type the corpus's datasets.

* The **Musterdatenkatalog** (Bertelsmann Stiftung, CC0): 242 template datasets of German
  municipal open data in 26 themes, vendored as ``ontology/vocabularies/musterdatenkatalog.csv``
  and turned into a SKOS scheme of ``sckg:DatasetType`` concepts with the themes as broader
  concepts (:func:`musterdatenkatalog_graph`).
* The **FIWARE Smart Data Models**: the entity types listed in the metadata the
  ``pysmartdatamodels`` package ships, read offline (:func:`smart_data_models`). Only the models
  the corpus references become ``sckg:DataModel`` concepts, written by the build
  (:func:`data_model_update`).

Curators find codes with :func:`suggest` (``kg suggest datasetType luft``); the same command
suggests the codes of the platform fields ``mims`` (OASC MIMs) and ``capabilities`` (DIN SPEC
91357) from the shipped schemes (:func:`scheme_suggestions`).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.namespaces import DCTERMS, RDF_TYPE, SKOS, Vocabulary
from kg.rdf import IRI, Literal

MUSTERDATENKATALOG = Path("vocabularies") / "musterdatenkatalog.csv"
DATASET_TYPE = "dataset-type"
DATA_MODEL = "data-model"
#: Where the Smart Data Models come from, named on every concept and page.
SMART_DATA_MODELS_HOME = "https://smartdatamodels.org"
SMART_DATA_MODELS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MUSTERDATENKATALOG_HOME = "https://github.com/bertelsmannstift/Musterdatenkatalog-V4"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"

_TITLE_PREFIX = re.compile(r"^(?:smart data models\b)?[\s.\-]*", re.IGNORECASE)
_COLUMNS = 12  # MUSTERDATENSATZ, thema, Bezeichnung, Bezeichnung2, e, f, THEMA, … Topic, Label


@dataclass(frozen=True)
class Template:
    """One template dataset ("Musterdatensatz") of the Musterdatenkatalog."""

    theme: str  #: code of the theme, e.g. ``verkehr``
    code: str  #: ``{theme}--{label parts joined by -}``, e.g. ``verkehr--parkplatz``
    theme_de: str
    theme_en: str
    label_de: str
    label_en: str
    description_de: str
    uri: str  #: the table's own URI, if it gives one (it gives none in version 4)


@dataclass(frozen=True)
class DataModel:
    """One entity type of the Smart Data Models."""

    name: str  #: the NGSI entity type, e.g. ``AirQualityObserved``
    title: str
    description: str
    subjects: tuple[str, ...]  #: repositories, e.g. ``dataModel.Environment``
    domains: tuple[str, ...]  #: e.g. ``SmartCities``, ``SmartEnvironment``


def read_musterdatenkatalog(path: Path) -> list[Template]:
    """The template datasets of the vendored table, in its order.

    The table quotes some rows as a whole (one field holding the row) and leaves one quote
    unclosed before a description; both are read as the row they stand for.
    """
    templates = []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)  # header
        for row in rows:
            if row:
                templates.append(_template(_repaired(row)))
    return templates


def _repaired(row: list[str]) -> list[str]:
    if len(row) == 1:
        row = next(csv.reader([row[0]]))
    if len(row) < _COLUMNS:  # the unclosed quote swallowed the last fields into the description
        head, last = row[:-1], row[-1]
        row = head + last.rsplit(",", _COLUMNS - len(row))
    if len(row) != _COLUMNS:
        raise ValueError(f"Musterdatenkatalog row with {len(row)} fields: {row[0]!r}")
    return [cell.strip() for cell in row]


def _template(row: list[str]) -> Template:
    theme = row[1]
    parts = [part for part in row[2:5] if part]
    return Template(
        theme=theme,
        code=f"{theme}--{'-'.join(parts)}",
        theme_de=row[6],
        theme_en=_capitalised(row[10]),
        label_de=row[7],
        label_en=_capitalised(row[11]),
        description_de=row[9],
        uri=row[8],
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def dataset_type_iri(vocab: Vocabulary, template: Template) -> str:
    """The table's URI where it gives one, else ``{base}dataset-type/{code}``."""
    return template.uri or vocab.entity(DATASET_TYPE, template.code)


def musterdatenkatalog_triples(templates: list[Template], vocab: Vocabulary) -> list[tuple]:
    """The scheme ``{base}scheme/dataset-types``: a theme concept per theme (top concepts) and
    a ``sckg:DatasetType`` per template, narrower than its theme."""
    scheme = IRI(vocab.entity("scheme", "dataset-types"))
    concept, dataset_type = IRI(SKOS + "Concept"), IRI(vocab.term("DatasetType"))
    theme_class = IRI(vocab.term("DatasetTheme"))
    a, label, in_scheme = IRI(RDF_TYPE), IRI(SKOS + "prefLabel"), IRI(SKOS + "inScheme")
    out: list[tuple] = [
        (scheme, a, IRI(SKOS + "ConceptScheme")),
        (scheme, label, Literal("Datensatztypen (Musterdatenkatalog)", "de")),
        (scheme, label, Literal("Dataset types (Musterdatenkatalog)", "en")),
        (scheme, IRI(DCTERMS + "title"), Literal("Musterdatenkatalog", "de")),
        (scheme, IRI(DCTERMS + "source"), IRI(MUSTERDATENKATALOG_HOME)),
        (scheme, IRI(DCTERMS + "license"), IRI(CC0)),
    ]
    themes: dict[str, IRI] = {}
    for t in templates:
        if t.theme not in themes:
            theme = themes[t.theme] = IRI(vocab.entity(DATASET_TYPE, t.theme))
            out += [
                (theme, a, concept),
                (theme, a, theme_class),
                (theme, label, Literal(t.theme_de, "de")),
                (theme, label, Literal(t.theme_en, "en")),
                (theme, IRI(SKOS + "notation"), Literal(t.theme)),
                (theme, in_scheme, scheme),
                (theme, IRI(SKOS + "topConceptOf"), scheme),
            ]
        node = IRI(dataset_type_iri(vocab, t))
        out += [
            (node, a, concept),
            (node, a, dataset_type),
            (node, label, Literal(t.label_de, "de")),
            (node, label, Literal(t.label_en, "en")),
            (node, IRI(SKOS + "notation"), Literal(t.code)),
            (node, IRI(SKOS + "broader"), themes[t.theme]),
            (node, in_scheme, scheme),
        ]
        if t.description_de:
            out.append((node, IRI(SKOS + "definition"), Literal(t.description_de, "de")))
    return out


def data_model_scheme_triples(vocab: Vocabulary) -> list[tuple]:
    """The scheme ``{base}scheme/data-models`` the Smart Data Models concepts are in."""
    scheme, label = IRI(vocab.entity("scheme", "data-models")), IRI(SKOS + "prefLabel")
    return [
        (scheme, IRI(RDF_TYPE), IRI(SKOS + "ConceptScheme")),
        (scheme, label, Literal("Datenmodelle (FIWARE Smart Data Models)", "de")),
        (scheme, label, Literal("Data models (FIWARE Smart Data Models)", "en")),
        (scheme, IRI(DCTERMS + "source"), IRI(SMART_DATA_MODELS_HOME)),
        (scheme, IRI(DCTERMS + "license"), IRI(SMART_DATA_MODELS_LICENSE)),
    ]


def vocabulary_graph(ontology_dir: Path, vocab: Vocabulary):
    """The Musterdatenkatalog scheme (from the vendored table) and the Smart Data Models
    scheme as one rdflib graph, for the ontology's graph."""
    import rdflib

    from kg.bridge import to_rdflib

    templates = read_musterdatenkatalog(ontology_dir / MUSTERDATENKATALOG)
    graph = rdflib.Graph()
    for s, p, o in musterdatenkatalog_triples(templates, vocab) + data_model_scheme_triples(vocab):
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def _package_assets() -> Path:
    """The ``model-assets`` folder of the installed ``pysmartdatamodels``, found without
    importing the package (its import pulls in network and test-data libraries)."""
    spec = importlib.util.find_spec("pysmartdatamodels")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pysmartdatamodels is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model-assets"


@cache
def smart_data_models() -> dict[str, DataModel]:
    """Every Smart Data Models entity type, by name, from the package's bundled metadata.

    A name published in several subjects (``Building``, ``Vehicle`` …) is one entity type
    here: one concept with every subject and domain; title and description are those of the
    first subject in alphabetical order."""
    assets = _package_assets()
    metadata = json.loads((assets / "datamodels_metadata.json").read_text(encoding="utf-8"))
    official = json.loads((assets / "official_list_data_models.json").read_text(encoding="utf-8"))
    repos = official["officialList"]
    domains = {repo["repoName"]: tuple(repo.get("domains", ())) for repo in repos}
    found: dict[str, list[dict]] = {}
    for entry in sorted(metadata, key=lambda e: (e["dataModel"], e["subject"])):
        found.setdefault(entry["dataModel"], []).append(entry)
    return {name: _data_model(name, entries, domains) for name, entries in found.items()}


def _data_model(name: str, entries: list[dict], domains: dict[str, tuple]) -> DataModel:
    first = entries[0]
    subjects = tuple(dict.fromkeys(e["subject"] for e in entries))
    title = _TITLE_PREFIX.sub("", first.get("title", "").strip()).strip() or name
    return DataModel(
        name=name,
        title=title,
        description=(first.get("description") or "").strip(),
        subjects=subjects,
        domains=tuple(dict.fromkeys(d for s in subjects for d in domains.get(s, ()))),
    )


def data_model_update(vocab: Vocabulary, models: Iterable[DataModel] | None = None) -> str:
    """A SPARQL Update that writes, into ``{base}graph/inferred``, a ``sckg:DataModel``
    concept for every Smart Data Models entity type a dataset names (``sckg:dataModel``):
    name, title, description, subjects, domains, source and licence. Models nobody names
    stay out of the graph."""
    models = list(smart_data_models().values() if models is None else models)

    def iri(m: DataModel) -> str:
        return IRI(vocab.entity(DATA_MODEL, m.name)).n3()

    concepts = "\n".join(
        f"({iri(m)} {Literal(m.name).n3()} {Literal(m.title, 'en').n3()} "
        f"{Literal(m.description or m.title, 'en').n3()})"
        for m in models
    )
    subjects = "\n".join(f"({iri(m)} {Literal(s).n3()})" for m in models for s in m.subjects)
    domains = "\n".join(f"({iri(m)} {Literal(d).n3()})" for m in models for d in m.domains)
    graph, scheme = vocab.graph("inferred"), vocab.entity("scheme", "data-models")
    # an update sees no union default graph: the curated files are named graphs
    named = "{ SELECT DISTINCT ?model WHERE { GRAPH ?g { ?dataset sckg:dataModel ?model } } }"
    return f"""PREFIX sckg: <{vocab.ns}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
INSERT {{ GRAPH <{graph}> {{
  ?model a skos:Concept , sckg:DataModel ; skos:inScheme <{scheme}> ;
    skos:notation ?name ; skos:prefLabel ?title ; skos:definition ?description ;
    dcterms:source <{SMART_DATA_MODELS_HOME}> ; dcterms:license <{SMART_DATA_MODELS_LICENSE}> .
}} }}
WHERE {{ {named} VALUES (?model ?name ?title ?description) {{
{concepts}
}} }} ;
INSERT {{ GRAPH <{graph}> {{ ?model sckg:dataModelSubject ?subject }} }}
WHERE {{ {named} VALUES (?model ?subject) {{
{subjects}
}} }} ;
INSERT {{ GRAPH <{graph}> {{ ?model sckg:dataModelDomain ?domain }} }}
WHERE {{ {named} VALUES (?model ?domain) {{
{domains}
}} }}
"""


@dataclass(frozen=True)
class Suggestion:
    code: str
    label_de: str
    label_en: str
    detail: str  #: theme (dataset types) or subject (data models)


#: Fields of platforms whose codes are the concepts of a scheme in ``ontology/schemes.ttl``.
SCHEME_FIELDS = {"mims": "oasc-mims", "capabilities": "capabilities"}
SUGGEST_FIELDS = ("datasetType", "dataModel", *SCHEME_FIELDS)


def scheme_suggestions(ontology_dir: Path, field: str) -> list[Suggestion]:
    """The concepts of the scheme behind ``field`` (one of :data:`SCHEME_FIELDS`), as
    suggestions: code, labels, and the definition in both languages as the detail."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(ontology_dir / "schemes.ttl", format="turtle")
    scheme = rdflib.URIRef(Vocabulary().entity("scheme", SCHEME_FIELDS[field]))
    skos = rdflib.Namespace(SKOS)

    def text(concept, prop, lang: str) -> str:
        return next((str(o) for o in graph.objects(concept, prop) if o.language == lang), "")

    found = []
    for concept in graph.subjects(skos.inScheme, scheme):
        definition = (
            f"{text(concept, skos.definition, 'de')} / {text(concept, skos.definition, 'en')}"
        )
        found.append(
            Suggestion(
                str(graph.value(concept, skos.notation)),
                text(concept, skos.prefLabel, "de"),
                text(concept, skos.prefLabel, "en"),
                definition,
            )
        )
    return sorted(found, key=lambda s: s.code)


def suggest(
    kind: str,
    text: str,
    templates: list[Template],
    limit: int = 20,
    concepts: list[Suggestion] | None = None,
) -> list[Suggestion]:
    """Codes for the field ``kind`` (``datasetType``, ``dataModel``, or a field of
    :data:`SCHEME_FIELDS` with its ``concepts`` from :func:`scheme_suggestions`) whose code,
    labels or description contain every word of ``text`` (case and accents ignored), best
    first: a match in the code or label before one in the description, then alphabetically."""
    words = _folded(text).split()
    if kind in SCHEME_FIELDS and concepts is not None:
        ranked = [
            (_rank(words, c.code, c.label_de, c.label_en), c.code, c)
            for c in concepts
            if _matches(words, c.code, c.label_de, c.label_en, c.detail)
        ]
        ranked.sort(key=lambda x: (x[0], x[1]))
        return [c for _, _, c in ranked[:limit]]
    if kind == "datasetType":
        found = [
            (_rank(words, t.code, t.label_de, t.label_en, t.theme_de), t.code, t)
            for t in templates
            if _matches(words, t.code, t.label_de, t.label_en, t.theme_de, t.description_de)
        ]
        found.sort(key=lambda x: (x[0], x[1]))
        return [
            Suggestion(t.code, t.label_de, t.label_en, f"{t.theme_de} / {t.theme_en}")
            for _, _, t in found[:limit]
        ]
    if kind == "dataModel":
        models = smart_data_models().values()
        hits = [
            (_rank(words, m.name, m.title), m.name, m)
            for m in models
            if _matches(words, m.name, m.title, m.description, *m.subjects)
        ]
        hits.sort(key=lambda x: (x[0], x[1]))
        return [
            Suggestion(m.name, m.title, m.title, ", ".join(m.subjects)) for _, _, m in hits[:limit]
        ]
    raise ValueError(
        f"no suggestions for the field {kind!r}: use one of {', '.join(SUGGEST_FIELDS)}"
    )


def _folded(text: str) -> str:
    text = text.casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, spelled)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _matches(words: list[str], *fields: str) -> bool:
    haystack = _folded(" ".join(fields))
    return all(word in haystack for word in words)


def _rank(words: list[str], *fields: str) -> int:
    return 0 if _matches(words, *fields) else 1
