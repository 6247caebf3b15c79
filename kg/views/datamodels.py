"""Read models of the data-model layer (issue 20): who uses a dataset type or a data model,
and what the use cases of two sectors have in common below the dataset.

A use case *uses* a dataset type or data model when it uses or produces (sourced) a dataset of
that type or model; for a Musterdatenkatalog theme, datasets of any of its templates count.
Only real use cases (``sckg:UseCase``) count, as everywhere in the interconnections.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from kg.namespaces import DCAT, DCTERMS, SKOS, Vocabulary
from kg.rdf import IRI, Literal
from kg.store.base import Store

#: kind of concept → the dataset property that names it
PROPERTY = {"dataset-type": "datasetType", "data-model": "dataModel"}

_PREFIXES = f"""PREFIX sckg: <{{ns}}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX dcat: <{DCAT}>
"""

_USAGE = (
    _PREFIXES
    + """SELECT DISTINCT ?concept ?dataset ?usecase ?role ?sector ?platform ?standard WHERE {
  ?dataset sckg:%(property)s ?kind . ?kind skos:broader* ?concept .
  OPTIONAL {
    { ?usecase sckg:usesDataset ?dataset BIND("uses" AS ?role) }
    UNION { ?usecase sckg:producesDataset ?dataset BIND("produces" AS ?role) }
    ?usecase a sckg:UseCase .
    OPTIONAL { ?usecase sckg:sector ?sector }
    OPTIONAL { ?usecase sckg:runsOn ?platform }
  }
  OPTIONAL { ?dataset dcterms:conformsTo ?standard }
}"""
)

_ACCESS = (
    _PREFIXES
    + """SELECT DISTINCT ?concept ?dataset ?platform WHERE {
  ?dataset sckg:%(property)s ?kind . ?kind skos:broader* ?concept .
  ?dataset dcat:accessService ?platform .
}"""
)

_LABELS = (
    _PREFIXES
    + """SELECT ?x ?label WHERE {
  VALUES ?x { %(values)s }
  ?x dcterms:title|skos:prefLabel ?label .
}"""
)


@dataclass
class UsageRow:
    """One use case and one dataset of the type or model it uses or produces."""

    usecase: str
    dataset: str
    role: str  #: ``uses`` or ``produces``


@dataclass
class Usage:
    """The use cases, sectors, platforms and standards around one dataset type or data model."""

    iri: str
    kind: str
    rows: list[UsageRow] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    #: sector IRI → number of real use cases of that sector using it
    sectors: dict[str, int] = field(default_factory=dict)
    platforms: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def usecases(self) -> list[str]:
        return sorted({r.usecase for r in self.rows})

    def label(self, iri: str, lang: str) -> str:
        found = self.labels.get(iri, {})
        for wanted in (lang, "en", "de", ""):
            if found.get(wanted):
                return found[wanted]
        return iri.rsplit("/", 1)[-1]

    def json(self, lang: str) -> dict[str, object]:
        """The JSON twin of the page."""

        def named(iris: list[str]) -> list[dict[str, str]]:
            return [{"iri": i, "label": self.label(i, lang)} for i in iris]

        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label(self.iri, lang),
            "datasets": named(self.datasets),
            "useCases": named(self.usecases),
            "sectors": [
                {"iri": s, "label": self.label(s, lang), "useCases": n}
                for s, n in self.sectors.items()
            ],
            "platforms": named(self.platforms),
            "standards": named(self.standards),
            "rows": [
                {"useCase": r.usecase, "dataset": r.dataset, "role": r.role} for r in self.rows
            ],
        }

    def csv(self, lang: str) -> str:
        """The CSV twin: one row per use case and dataset."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["useCase", "useCaseTitle", "role", "dataset", "datasetTitle"])
        for r in self.rows:
            writer.writerow(
                [
                    r.usecase,
                    self.label(r.usecase, lang),
                    r.role,
                    r.dataset,
                    self.label(r.dataset, lang),
                ]
            )
        return out.getvalue()


def usage(store: Store, vocab: Vocabulary, kind: str, slug: str) -> Usage:
    """Who uses the dataset type or data model ``{base}{kind}/{slug}``."""
    iri = vocab.entity(kind, slug)
    found = Usage(iri=iri, kind=kind)
    params = {"property": PROPERTY[kind]}
    bindings = {"concept": IRI(iri)}
    rows = store.select(_USAGE.replace("{ns}", vocab.ns) % params, bindings)
    datasets, platforms, standards = set(), set(), set()
    sector_users: dict[str, set[str]] = defaultdict(set)
    pairs: set[tuple[str, str, str]] = set()
    for row in rows:
        dataset = row["dataset"].value
        datasets.add(dataset)
        if "standard" in row:
            standards.add(row["standard"].value)
        if "usecase" not in row:
            continue
        usecase = row["usecase"].value
        pairs.add((usecase, dataset, row["role"].value))
        if "sector" in row:
            sector_users[row["sector"].value].add(usecase)
        if "platform" in row:
            platforms.add(row["platform"].value)
    for row in store.select(_ACCESS.replace("{ns}", vocab.ns) % params, bindings):
        platforms.add(row["platform"].value)
    found.rows = [UsageRow(u, d, r) for u, d, r in sorted(pairs)]
    found.datasets = sorted(datasets)
    found.sectors = dict(
        sorted(((s, len(u)) for s, u in sector_users.items()), key=lambda x: (-x[1], x[0]))
    )
    found.platforms, found.standards = sorted(platforms), sorted(standards)
    found.labels = labels(
        store,
        vocab,
        {iri, *datasets, *platforms, *standards, *sector_users} | {r.usecase for r in found.rows},
    )
    return found


def labels(store: Store, vocab: Vocabulary, iris: set[str]) -> dict[str, dict[str, str]]:
    """Title or preferred label of each IRI, by language (``""`` for an untagged one)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    ordered = sorted(iris)
    for start in range(0, len(ordered), 200):
        values = " ".join(IRI(i).n3() for i in ordered[start : start + 200])
        query = _LABELS.replace("{ns}", vocab.ns) % {"values": values}
        for row in store.select(query):
            term = row["label"]
            lang = term.lang or "" if isinstance(term, Literal) else ""
            found[row["x"].value].setdefault(lang, term.value)
    return dict(found)
