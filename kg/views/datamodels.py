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
from kg.rdf import IRI, Literal, pick
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
  VALUES ?concept { %(concept)s }
  ?dataset sckg:%(property)s ?kind . ?kind skos:broader* ?concept .
  OPTIONAL {
    VALUES (?uses ?role) { (sckg:usesDataset "uses") (sckg:producesDataset "produces") }
    ?usecase ?uses ?dataset .
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
  VALUES ?concept { %(concept)s }
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


class Labelled:
    """A read model with ``labels`` (IRI → language → label) for the IRIs it names."""

    labels: dict[str, dict[str, str]]

    def label(self, iri: str, lang: str) -> str:
        """The label of ``iri`` in ``lang`` (else English, German, any), else its last segment."""
        return pick(self.labels.get(iri, {}), lang) or iri.rsplit("/", 1)[-1]


@dataclass
class UsageRow:
    """One use case and one dataset of the type or model it uses or produces."""

    usecase: str
    dataset: str
    role: str  #: ``uses`` or ``produces``


@dataclass
class Usage(Labelled):
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
    # The concept is written into the queries (escaped by IRI.n3), not bound: Oxigraph plans a
    # query before it substitutes a binding, and walked skos:broader* from every dataset's type
    # (a minute for a broad dataset type at 10,000 use cases). The use case's two roles are a
    # VALUES block, not a UNION inside the OPTIONAL, which Oxigraph evaluated for every dataset.
    params = {"property": PROPERTY[kind], "concept": IRI(iri).n3()}
    rows = store.select(_USAGE.replace("{ns}", vocab.ns) % params)
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
    for row in store.select(_ACCESS.replace("{ns}", vocab.ns) % params):
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


# -- the data-model layer of the interconnections ----------------------------------------------
_LAYER = (
    _PREFIXES
    + """SELECT DISTINCT ?usecase ?dataset ?model ?type WHERE {
  ?usecase sckg:usesDataset|sckg:producesDataset ?dataset ; a sckg:UseCase .
  OPTIONAL { ?dataset sckg:dataModel ?model }
  OPTIONAL { ?dataset sckg:datasetType ?type }
}"""
)
_SECTORS = (
    _PREFIXES
    + "SELECT DISTINCT ?usecase ?sector WHERE { ?usecase a sckg:UseCase ; sckg:sector ?sector }"
)


@dataclass(frozen=True)
class PotentialLink:
    """Two use cases of different sectors that use the same data models but share no dataset:
    they *could* exchange data. Never counted as an actual link."""

    a: str  #: the use case in the pair's first sector
    b: str  #: the use case in the pair's second sector
    models: tuple[str, ...]


@dataclass
class PairLayer(Labelled):
    """What the use cases of two sectors share below the dataset."""

    a: str
    b: str
    models: list[str]  #: data models used by a use case of ``a`` and a different one of ``b``
    types: list[str]  #: dataset types, likewise
    potential: list[PotentialLink]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def json(self, lang: str) -> dict[str, object]:
        named = lambda iris: [{"iri": i, "label": self.label(i, lang)} for i in iris]  # noqa: E731
        return {
            "sectors": named([self.a, self.b]),
            "sharedDataModels": named(self.models),
            "sharedDatasetTypes": named(self.types),
            "potentialLinks": [
                {
                    "useCaseA": named([p.a])[0],
                    "useCaseB": named([p.b])[0],
                    "dataModels": named(list(p.models)),
                    "potential": True,
                }
                for p in self.potential
            ],
        }


@dataclass
class ModelLayer:
    """Which data models, dataset types, datasets and sectors each real use case has."""

    sectors: dict[str, set[str]]  #: use case → its sectors
    models: dict[str, set[str]]  #: use case → data models of its datasets
    types: dict[str, set[str]]  #: use case → dataset types of its datasets
    datasets: dict[str, set[str]]  #: use case → datasets it uses or produces

    def _members(self, sector: str) -> list[str]:
        return sorted(u for u, s in self.sectors.items() if sector in s)

    def _shared(self, of: dict[str, set[str]], a: str, b: str) -> list[str]:
        """Values held by a use case of ``a`` and a different use case of ``b``."""
        found = set()
        for x in self._members(a):
            for y in self._members(b):
                if x != y:
                    found |= of.get(x, set()) & of.get(y, set())
        return sorted(found)

    def pair(self, a: str, b: str) -> PairLayer:
        potential, seen = [], set()
        for x in self._members(a):
            for y in self._members(b):
                common = self.models.get(x, set()) & self.models.get(y, set())
                if x == y or not common or frozenset((x, y)) in seen:
                    continue
                seen.add(frozenset((x, y)))
                if self.datasets.get(x, set()) & self.datasets.get(y, set()):
                    continue  # they share a dataset: an actual connection, not a potential one
                potential.append(PotentialLink(x, y, tuple(sorted(common))))
        return PairLayer(
            a, b, self._shared(self.models, a, b), self._shared(self.types, a, b), potential
        )

    def measure(self) -> dict[tuple[str, str], int]:
        """For each pair of different sectors (in IRI order), the number of data models a use
        case of one and a different use case of the other both use; pairs sharing none are
        left out."""
        all_sectors = sorted({s for ss in self.sectors.values() for s in ss})
        found = {}
        for i, a in enumerate(all_sectors):
            for b in all_sectors[i + 1 :]:
                n = len(self._shared(self.models, a, b))
                if n:
                    found[(a, b)] = n
        return found


def model_layer(store: Store, vocab: Vocabulary) -> ModelLayer:
    """The data-model layer of the whole graph, from two queries."""
    layer = ModelLayer(defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set))
    for row in store.select(_LAYER.replace("{ns}", vocab.ns)):
        u = row["usecase"].value
        layer.datasets[u].add(row["dataset"].value)
        if "model" in row:
            layer.models[u].add(row["model"].value)
        if "type" in row:
            layer.types[u].add(row["type"].value)
    for row in store.select(_SECTORS.replace("{ns}", vocab.ns)):
        layer.sectors[row["usecase"].value].add(row["sector"].value)
    return layer


def pair_layer(store: Store, vocab: Vocabulary, a: str, b: str) -> PairLayer:
    """The data-model layer of the sector pair ``a``–``b`` (IRIs), with labels."""
    found = model_layer(store, vocab).pair(a, b)
    iris = {a, b, *found.models, *found.types}
    iris |= {i for p in found.potential for i in (p.a, p.b, *p.models)}
    found.labels = labels(store, vocab, iris)
    return found


# -- what our data makes possible ----------------------------------------------------------------
_NEEDS = (
    _PREFIXES
    + """SELECT DISTINCT ?usecase ?type ?model WHERE {
  ?usecase a sckg:UseCase ; sckg:usesDataset ?dataset .
  ?dataset sckg:datasetType ?type .
  OPTIONAL { ?dataset sckg:dataModel ?model }
}"""
)


@dataclass
class Enabled:
    """One use case a list of dataset types feeds: what it needs, what the list covers."""

    usecase: str
    needed: list[str]  #: dataset types of the datasets it uses
    covered: list[str]
    #: dataset type → the data models the corpus's datasets of that type are classified in
    models: dict[str, list[str]]

    @property
    def missing(self) -> list[str]:
        return [t for t in self.needed if t not in self.covered]


@dataclass
class Possible(Labelled):
    """What a municipality's published dataset types make possible (issue 20)."""

    types: list[str]
    usecases: list[Enabled]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def json(self, lang: str) -> dict[str, object]:
        def named(iris: list[str]) -> list[dict[str, str]]:
            return [{"iri": i, "label": self.label(i, lang)} for i in iris]

        return {
            "datasetTypes": named(self.types),
            "useCases": [
                {
                    "useCase": named([e.usecase])[0],
                    "covered": named(e.covered),
                    "missing": named(e.missing),
                    "dataModels": {t: named(m) for t, m in e.models.items()},
                }
                for e in self.usecases
            ],
        }


def possible(store: Store, vocab: Vocabulary, types: list[str]) -> Possible:
    """The real use cases that use datasets of at least one of ``types`` (dataset-type IRIs):
    per use case the types it uses, those the list covers and those missing, and for each type
    it uses the data models to publish it in (those the corpus's datasets of the type have).
    Fully covered use cases first, then by fewest missing."""
    wanted = set(types)
    needs: dict[str, set[str]] = defaultdict(set)
    models: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_NEEDS.replace("{ns}", vocab.ns)):
        needs[row["usecase"].value].add(row["type"].value)
        if "model" in row:
            models[row["type"].value].add(row["model"].value)
    found = [
        Enabled(
            u,
            sorted(need),
            sorted(need & wanted),
            {t: sorted(models[t]) for t in sorted(need) if models[t]},
        )
        for u, need in needs.items()
        if need & wanted
    ]
    found.sort(key=lambda e: (len(e.missing), -len(e.covered), e.usecase))
    result = Possible(sorted(wanted), found)
    iris = set(wanted) | {e.usecase for e in found}
    iris |= {x for e in found for x in (*e.needed, *(m for ms in e.models.values() for m in ms))}
    result.labels = labels(store, vocab, iris)
    return result


_USED_TYPES = (
    _PREFIXES
    + """SELECT DISTINCT ?type WHERE {
  ?usecase a sckg:UseCase ; sckg:usesDataset/sckg:datasetType ?type .
}"""
)


def used_types(store: Store, vocab: Vocabulary) -> list[str]:
    """The dataset types some real use case uses: the choices worth offering."""
    return sorted(r["type"].value for r in store.select(_USED_TYPES.replace("{ns}", vocab.ns)))
