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

The first two kinds block (``kg audit`` exits 1 when there is one); CI runs the audit on the
shipped corpus through the test suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.authoring.sources import Corpus, read_corpus
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


@dataclass
class Audit:
    """All findings of one audit, grouped by kind in :data:`KINDS` order."""

    findings: list[AuditFinding]

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
        lines.append(message("audit-summary", **self.counts())[lang])
        return "\n".join(lines)

    def json(self, lang: str) -> str:
        return json.dumps(
            {
                "counts": self.counts(),
                "blocking": self.blocking,
                "findings": [{**asdict(f), "text": f.message[lang]} for f in self.findings],
            },
            ensure_ascii=False,
            indent=2,
        )


def audit(project: Path, vocab: Vocabulary) -> Audit:
    """Audit the curated files of ``project``."""
    corpus = read_corpus(project, vocab)
    store = _load(corpus)
    findings: list[AuditFinding] = []
    for kind, code, query, local in _CHECKS:
        field = IRI(vocab.term(local)) if local else None
        for row in _select(store, vocab, query):
            findings.append(_finding(corpus, vocab, kind, code, row["entity"], {}, field))
    findings.extend(_short_texts(corpus, store, vocab))
    findings.extend(_assessed_flows(corpus, store, vocab))
    order = {kind: i for i, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.file, f.line, f.code, f.entity))
    return Audit(findings)


def word_count(text: str) -> int:
    """Words as separated by white space.

    >>> word_count("Die Stadt  misst\\nden Pegel.")
    5
    """
    return len(text.split())


def _load(corpus: Corpus):
    from kg.store.oxigraph import memory_store

    def lines() -> Iterator[str]:
        for source in corpus.files:
            graph = IRI(source.graph)
            for s, p, o in source.parsed.triples:
                yield nquad(s, p, o, graph)

    return memory_store(lines=lines())


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
