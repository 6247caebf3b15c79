"""``kg audit``: what a curator still owes the corpus (issue 12).

The audit reads the curated files (no build needed) into an in-memory store and asks four
questions, each a kind of finding:

``unsourced``
    Claims without a source: a real use case without ``sources``; a ``gaiaxUse`` without its
    ``source``; a data platform a real use case runs on, or a component of such a platform,
    without ``sources`` (what it says about a real operator, hosting or software is a claim).
``place``
    Places without population, size class or Land: every municipality, district and region a
    real use case names needs a population, and a German one of them its BBSR size class (they
    are what "towns like ours" is measured by); every German place needs a ``partOf`` chain up
    to a ``State``. A Kreis that is only the enclosing unit of a named town may lack a
    population.
``short-text``
    Real use cases whose description has fewer than :data:`MIN_WORDS` words in German or in
    English (words as separated by white space).
``assessed-flow``
    Flows marked as assessment: a real use case produces a data set another real use case only
    ``assessedUses``. Not a defect: the list shows what is judgement, not evidence.

Besides the findings, the audit prints the catalogue coverage (issue 16): how many datasets
carry what an open-data portal needs (a licence from the DCAT-AP.de list, a publisher, a data
theme and a distribution with format; :data:`kg.exports.quality.COVERAGE`), and the rest with
the fields they lack. Generic datasets that only use-case patterns use or produce are counted
apart: a pattern describes no real project, so its datasets have no publisher by nature.

The first two kinds block (``kg audit`` exits 1 when there is one); CI runs the audit on the
shipped corpus through the test suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.authoring.sources import Corpus, read_corpus
from kg.exports.catalogue import concepts, read_resources
from kg.exports.quality import assess, coverage_missing
from kg.messages import message
from kg.namespaces import Vocabulary
from kg.rdf import IRI, Term, nquad

MIN_WORDS = 60
KINDS = ("unsourced", "place", "short-text", "assessed-flow")
BLOCKING = frozenset({"unsourced", "place"})

_PREFIXES = """
PREFIX sckg: <{ns}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

_UNSOURCED_USECASE = """
SELECT ?entity WHERE {{
  ?entity a sckg:UseCase . FILTER NOT EXISTS {{ ?entity dcterms:source ?src }} }}
"""

_UNSOURCED_GAIAX = """
SELECT DISTINCT ?entity WHERE {{
  ?entity sckg:gaiaxUse ?use . FILTER NOT EXISTS {{ ?use dcterms:source ?src }} }}
"""

_UNSOURCED_PLATFORM = """
SELECT DISTINCT ?entity WHERE {{
  ?usecase a sckg:UseCase .
  {{ ?usecase sckg:runsOn ?entity }} UNION {{ ?usecase sckg:runsOn/sckg:hasComponent ?entity }}
  FILTER NOT EXISTS {{ ?entity dcterms:source ?src }} }}
"""

_NO_POPULATION = """
SELECT DISTINCT ?entity WHERE {{
  VALUES ?class {{ sckg:Municipality sckg:District sckg:Region }}
  ?entity a ?class . FILTER EXISTS {{ ?usecase a sckg:UseCase ; dcterms:spatial ?entity }}
  FILTER NOT EXISTS {{ ?entity sckg:population/schema:value ?value }} }}
"""

_GERMAN = """
  {{ ?entity sckg:country <http://publications.europa.eu/resource/authority/country/DEU> }}
  UNION {{ ?entity sckg:municipalityKey ?ags }}
"""

_NO_SIZE_CLASS = (
    """
SELECT DISTINCT ?entity WHERE {{
  ?entity a sckg:Municipality .
  FILTER EXISTS {{ ?usecase a sckg:UseCase ; dcterms:spatial ?entity }} """
    + _GERMAN
    + """
  FILTER NOT EXISTS {{ ?entity sckg:sizeClass ?size }} }}
"""
)

_NO_LAND = (
    """
SELECT DISTINCT ?entity WHERE {{
  VALUES ?class {{ sckg:Municipality sckg:District sckg:Region }}
  ?entity a ?class . """
    + _GERMAN
    + """
  FILTER NOT EXISTS {{ ?entity sckg:partOf+ ?land . ?land a sckg:State }} }}
"""
)

_DESCRIPTIONS = """
SELECT ?entity ?text WHERE {{ ?entity a sckg:UseCase ; dcterms:description ?text }}
"""

_USECASES = "SELECT ?entity WHERE {{ ?entity a sckg:UseCase }}"

_ASSESSED_FLOWS = """
SELECT DISTINCT ?entity ?dataset ?producer WHERE {{
  ?producer a sckg:UseCase ; sckg:producesDataset ?dataset .
  ?entity a sckg:UseCase ; sckg:assessedUsesDataset ?dataset .
  FILTER(?producer != ?entity) }}
"""

_DESCRIPTION = IRI("http://purl.org/dc/terms/description")

#: (kind, message code, query, field the finding points at): the simple questions, one
#: finding per answer row
_CHECKS = (
    ("unsourced", "audit-usecase-unsourced", _UNSOURCED_USECASE, None),
    ("unsourced", "audit-gaiax-unsourced", _UNSOURCED_GAIAX, "gaiaxUse"),
    ("unsourced", "audit-platform-unsourced", _UNSOURCED_PLATFORM, None),
    ("place", "audit-place-population", _NO_POPULATION, None),
    ("place", "audit-place-size-class", _NO_SIZE_CLASS, None),
    ("place", "audit-place-land", _NO_LAND, "partOf"),
)


@dataclass(frozen=True)
class AuditFinding:
    """One thing the audit found, about one entity, where that entity is written."""

    kind: str
    code: str
    entity: str
    file: str
    line: int
    message: dict[str, str]

    def text(self, lang: str) -> str:
        return f"{self.file}:{self.line}: {self.entity}: {self.message[lang]}"


@dataclass(frozen=True)
class CoverageGap:
    """A dataset that lacks a field of the catalogue coverage, where it is written."""

    entity: str
    file: str
    line: int
    generic: bool
    missing: tuple[str, ...]

    def text(self, lang: str) -> str:
        said = message("audit-coverage-missing", fields=", ".join(self.missing))[lang]
        return f"{self.file}:{self.line}: {self.entity}: {said}"


@dataclass(frozen=True)
class Coverage:
    """How many datasets carry licence, publisher, theme and a distribution with format;
    ``generic_*`` count the datasets only patterns use or produce."""

    total: int = 0
    covered: int = 0
    generic_total: int = 0
    generic_covered: int = 0
    gaps: tuple[CoverageGap, ...] = ()

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0

    def lines(self, lang: str) -> list[str]:
        params = {"covered": self.covered, "total": self.total, "percent": self.percent}
        lines = [message("audit-coverage", **params)[lang]]
        lines.extend(f"  {g.text(lang)}" for g in self.gaps if not g.generic)
        generic = {"covered": self.generic_covered, "total": self.generic_total}
        lines.append(message("audit-coverage-generic", **generic)[lang])
        lines.extend(f"  {g.text(lang)}" for g in self.gaps if g.generic)
        return lines


@dataclass
class Audit:
    """All findings of one audit, grouped by kind in :data:`KINDS` order."""

    findings: list[AuditFinding]
    coverage: Coverage = Coverage()

    def of(self, kind: str) -> list[AuditFinding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def blocking(self) -> bool:
        """Whether a finding of a blocking kind (unsourced claim, incomplete place) exists."""
        return any(f.kind in BLOCKING for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KINDS}

    def text(self, lang: str) -> str:
        lines: list[str] = []
        for kind in KINDS:
            found = self.of(kind)
            title = message(f"audit-kind-{kind}", count=len(found))[lang]
            lines.append(title)
            lines.extend(f"  {f.text(lang)}" for f in found)
        lines.extend(self.coverage.lines(lang))
        lines.append(message("audit-summary", **self.counts())[lang])
        return "\n".join(lines)

    def json(self, lang: str) -> str:
        return json.dumps(
            {
                "counts": self.counts(),
                "blocking": self.blocking,
                "findings": [{**asdict(f), "text": f.message[lang]} for f in self.findings],
                "coverage": {
                    **{k: v for k, v in asdict(self.coverage).items() if k != "gaps"},
                    "gaps": [asdict(g) for g in self.coverage.gaps],
                },
            },
            ensure_ascii=False,
            indent=2,
        )


def audit(project: Path, vocab: Vocabulary) -> Audit:
    """Audit the curated files of ``project``."""
    corpus = read_corpus(project, vocab)
    store = _load(corpus, project / "ontology" / "schemes.ttl")
    findings: list[AuditFinding] = []
    for kind, code, query, local in _CHECKS:
        field = IRI(vocab.term(local)) if local else None
        for row in _select(store, vocab, query):
            findings.append(_finding(corpus, vocab, kind, code, row["entity"], {}, field))
    findings.extend(_short_texts(corpus, store, vocab))
    findings.extend(_assessed_flows(corpus, store, vocab))
    order = {kind: i for i, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.file, f.line, f.code, f.entity))
    return Audit(findings, coverage(corpus, store, vocab, project / "ontology"))


def word_count(text: str) -> int:
    """Words as separated by white space.

    >>> word_count("Die Stadt  misst\\nden Pegel.")
    5
    """
    return len(text.split())


def _load(corpus: Corpus, schemes: Path):
    """The curated files in memory, with the sector scheme (its ``skos:closeMatch`` to the
    EU data themes gives datasets their derived themes)."""
    from rdflib import Graph

    from kg.bridge import from_rdflib
    from kg.store.oxigraph import memory_store

    def lines() -> Iterator[str]:
        for source in corpus.files:
            graph = IRI(source.graph)
            for s, p, o in source.parsed.triples:
                yield nquad(s, p, o, graph)
        ontology = Graph().parse(schemes, format="turtle")
        for s, p, o in ontology:
            yield nquad(from_rdflib(s), from_rdflib(p), from_rdflib(o), IRI(schemes.as_uri()))  # type: ignore[arg-type]

    return memory_store(lines=lines())


_DATASETS = """
SELECT ?entity ?generic WHERE {{
  ?entity a dcat:Dataset .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "{base}dataset/"))
  BIND(EXISTS {{ ?pattern a sckg:UseCasePattern ; ?flow ?entity . VALUES ?flow {{ {flows} }} }}
       && NOT EXISTS {{ ?usecase a sckg:UseCase ; ?flow ?entity . VALUES ?flow {{ {flows} }} }}
       AS ?generic)
}} ORDER BY ?entity
"""
_FLOWS = "sckg:usesDataset sckg:producesDataset sckg:assessedUsesDataset"


class _Rows:
    """The in-memory store as the catalogue's reader asks it (``select``)."""

    def __init__(self, raw) -> None:
        self.raw = raw

    def select(self, query: str, bindings=None) -> list[dict[str, Term]]:
        from kg.store.oxigraph import select_rows

        return select_rows(self.raw, query)


def coverage(corpus: Corpus, store, vocab: Vocabulary, ontology: Path) -> Coverage:
    """The catalogue coverage of the datasets under ``dataset/``, rated by the catalogue's
    own metadata-quality items (:mod:`kg.exports.quality`)."""
    reader = _Rows(store)
    prefixes = _PREFIXES.format(ns=vocab.ns) + "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
    rows = reader.select(prefixes + _DATASETS.format(base=vocab.base, flows=_FLOWS))
    generic = {r["entity"].value: r["generic"].value == "true" for r in rows}
    props = read_resources(reader, vocab, list(generic))  # type: ignore[arg-type]
    vocabularies = concepts(ontology)
    counts = {True: [0, 0], False: [0, 0]}
    gaps = []
    for iri, is_generic in generic.items():
        missing = coverage_missing(assess(iri, "dataset", props.get(iri, {}), vocabularies))
        counts[is_generic][0] += 1
        if not missing:
            counts[is_generic][1] += 1
            continue
        source = corpus.file_describing(IRI(iri))
        line = source.line_of(IRI(iri)) if source else 1
        file = source.path if source else "?"
        gaps.append(CoverageGap(_short(IRI(iri), vocab), file, line, is_generic, missing))
    return Coverage(counts[False][0], counts[False][1], counts[True][0], counts[True][1],
                    tuple(gaps))  # fmt: skip


def _select(store, vocab: Vocabulary, query: str) -> list[dict[str, Term]]:
    from kg.store.oxigraph import select_rows

    return select_rows(store, (_PREFIXES + query).format(ns=vocab.ns))


def _short_texts(corpus: Corpus, store, vocab: Vocabulary) -> Iterable[AuditFinding]:
    words: dict[str, dict[str, int]] = {
        row["entity"].value: {} for row in _select(store, vocab, _USECASES)
    }
    for row in _select(store, vocab, _DESCRIPTIONS):
        text = row["text"]
        lang = getattr(text, "lang", None) or ""
        words[row["entity"].value][lang] = word_count(text.value)
    for entity, by_lang in words.items():
        de, en = by_lang.get("de", 0), by_lang.get("en", 0)
        if de < MIN_WORDS or en < MIN_WORDS:
            params = {"de_words": de, "en_words": en, "minimum": MIN_WORDS}
            yield _finding(
                corpus, vocab, "short-text", "audit-short-text", IRI(entity), params, _DESCRIPTION
            )


def _assessed_flows(corpus: Corpus, store, vocab: Vocabulary) -> Iterable[AuditFinding]:
    field = IRI(vocab.term("assessedUsesDataset"))
    for row in _select(store, vocab, _ASSESSED_FLOWS):
        dataset, producer = row["dataset"], row["producer"]
        params = {"dataset": _short(dataset, vocab), "producer": _short(producer, vocab)}
        yield _finding(
            corpus,
            vocab,
            "assessed-flow",
            "audit-assessed-flow",
            row["entity"],
            params,
            field,
            dataset,
        )


def _finding(
    corpus: Corpus,
    vocab: Vocabulary,
    kind: str,
    code: str,
    entity: Term,
    params: dict,
    field: IRI | None = None,
    value: Term | None = None,
) -> AuditFinding:
    """A finding about ``entity``, at the line of ``field`` (and ``value``) where known."""
    source = corpus.file_describing(entity)
    file = source.path if source else "?"
    line = source.line_of(entity, field, value) if source else 1
    return AuditFinding(kind, code, _short(entity, vocab), file, line, message(code, **params))


def _short(term: Term, vocab: Vocabulary) -> str:
    """``usecase/slug`` for an IRI under the base."""
    value = term.value
    return value[len(vocab.base) :] if value.startswith(vocab.base) else value
