"""Search over use cases with facets, and autocomplete over the labels of every resource.

The index is built from two queries over a published release (use cases with their facet
values; labels of every resource under the base) and kept in memory until the store serves a
new release. It answers full-text questions, facet counts and sorting in Python: ``CONTAINS``
over the store scans the whole graph on every keystroke (DESIGN.md §7a), this does not.

Text is folded before matching (case, accents, ``ß``), so ``strasse`` finds ``Straße`` and
``muenchen`` as well as ``munchen`` find ``München``; every word of a query must be the prefix of
a word of the use case, in either language.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.describe import KINDS, LABEL_PREDICATES, pick
from kg.namespaces import DCTERMS, Vocabulary
from kg.rdf import IRI, Literal
from kg.store import Store

#: URL parameter → property of the use case, in the order facets are shown.
FACETS: dict[str, str] = {
    "sector": "sckg:sector",
    "place": "dcterms:spatial",
    "maturity": "sckg:maturity",
    "gaiax": "sckg:needsFederationService",
    "standard": "dcterms:conformsTo",
    "status": "sckg:curationStatus",
}
SORTS = ("relevance", "title", "modified", "maturity")
PAGE_SIZE = 20

_USECASES = """
PREFIX sckg: <{ns}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?u ?p ?o WHERE {{
  ?u a sckg:UseCase ; ?p ?o .
  VALUES ?p {{ dcterms:title dcterms:description dcterms:modified {facets} }}
}}"""
_LABELS = """
PREFIX sckg: <{ns}>
SELECT ?base ?x ?l ?order WHERE {{
  ?x ?lp ?l .
  VALUES ?lp {{ {labels} }}
  FILTER(isIRI(?x) && isLiteral(?l) && STRSTARTS(STR(?x), STR(?base)))
  OPTIONAL {{ ?x sckg:order ?order }}
}}"""

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents (``Straße`` → ``strasse``)."""
    text = text.casefold().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> set[str]:
    """The folded words of ``text``, with German umlauts also spelt out (ü → u and ue)."""
    found = set(_WORD.findall(fold(text)))
    found |= set(_WORD.findall(text.casefold().translate(_UMLAUTS)))
    return found


@dataclass
class Entry:
    """One use case as the index holds it."""

    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    title_words: set[str] = field(default_factory=set)
    text_words: set[str] = field(default_factory=set)
    facets: dict[str, set[str]] = field(default_factory=dict)
    modified: str = ""

    def title(self, lang: str) -> str:
        return pick(self.titles, lang) or self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Query:
    """A search: text, selected facet values (slugs), sort, page; the URL of a view."""

    text: str = ""
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    lang: str = "en"

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.text.strip()):
            return self.sort
        return "relevance" if self.text.strip() else "title"


@dataclass
class FacetValue:
    slug: str
    iri: str
    label: str
    count: int
    selected: bool


@dataclass
class Result:
    """One page of a search, its total, and the facet counts."""

    items: list[Entry]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]


class SearchIndex:
    """Use cases, their facets and the labels of every resource under the base."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.entries: list[Entry] = []
        self.labels: dict[str, dict[str, str]] = {}
        self.order: dict[str, int] = {}
        self._suggest: list[tuple[frozenset[str], str, str]] = []  # (words, lang, iri)

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, store: Store, vocab: Vocabulary) -> SearchIndex:
        index = cls(vocab)
        index._read_usecases(store)
        index._read_labels(store)
        index._suggest = [
            (frozenset(words(text)), lang, iri)
            for iri, labels in index.labels.items()
            if index.kind(iri) in KINDS
            for lang, text in labels.items()
        ]
        return index

    def _facet_iri(self, curie: str) -> str:
        prefix, local = curie.split(":")
        return (self.vocab.ns if prefix == "sckg" else DCTERMS) + local

    def _read_usecases(self, store: Store) -> None:
        props = {self._facet_iri(c): name for name, c in FACETS.items()}
        facets = " ".join(f"<{p}>" for p in props)
        entries: dict[str, Entry] = {}
        for row in store.select(_USECASES.format(ns=self.vocab.ns, facets=facets)):
            entry = entries.setdefault(row["u"].value, Entry(row["u"].value))
            p, o = row["p"].value, row["o"]
            if p in props and isinstance(o, IRI):
                entry.facets.setdefault(props[p], set()).add(o.value)
            elif isinstance(o, Literal) and p == DCTERMS + "title":
                entry.titles[o.lang or ""] = o.value
                entry.title_words |= words(o.value)
            elif isinstance(o, Literal) and p == DCTERMS + "description":
                entry.text_words |= words(o.value)
            elif isinstance(o, Literal) and p == DCTERMS + "modified":
                entry.modified = max(entry.modified, o.value)
        self.entries = sorted(entries.values(), key=lambda e: e.iri)

    def _read_labels(self, store: Store) -> None:
        labels = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
        query = _LABELS.format(ns=self.vocab.ns, labels=labels)
        for row in store.select(query, {"base": Literal(self.vocab.base)}):
            iri, label = row["x"].value, row["l"]
            if isinstance(label, Literal):
                self.labels.setdefault(iri, {}).setdefault(label.lang or "", label.value)
            if isinstance(row.get("order"), Literal):
                self.order[iri] = int(row["order"].value)

    # -- lookups --------------------------------------------------------------------------------
    def kind(self, iri: str) -> str | None:
        if not iri.startswith(self.vocab.base):
            return None
        kind, sep, _ = iri[len(self.vocab.base) :].partition("/")
        return kind if sep else None

    def label(self, iri: str, lang: str) -> str:
        return pick(self.labels.get(iri, {}), lang) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def entities(self, kind: str, lang: str) -> list[tuple[str, str]]:
        """(IRI, label) of every labelled resource of ``kind``, sorted by label."""
        found = [(iri, self.label(iri, lang)) for iri in self.labels if self.kind(iri) == kind]
        return sorted(found, key=lambda pair: fold(pair[1]))

    def recent(self, n: int) -> list[Entry]:
        return sorted(self.entries, key=lambda e: (e.modified, e.iri), reverse=True)[:n]

    def suggest(self, text: str, lang: str, limit: int = 8) -> list[dict[str, str]]:
        """Resources whose label (in either language) has a word starting with ``text``."""
        wanted = fold(text).split()
        if not wanted:
            return []
        found: dict[str, dict[str, str]] = {}
        for found_words, label_lang, iri in self._suggest:
            if iri in found or not all(_has_prefix(found_words, w) for w in wanted):
                continue
            found[iri] = {
                "iri": iri,
                "label": self.label(iri, lang),
                "matched": self.labels[iri][label_lang],
                "lang": label_lang,
                "kind": self.kind(iri) or "",
            }
        ranked = sorted(found.values(), key=lambda s: (s["kind"] != "usecase", fold(s["label"])))
        return ranked[:limit]

    # -- searching ------------------------------------------------------------------------------
    def search(self, query: Query, page_size: int = PAGE_SIZE) -> Result:
        selected = self._selected_iris(query.selected)
        scored = [(self._score(e, query.text), e) for e in self.entries]
        matching = [(s, e) for s, e in scored if s > 0]
        facets = self._facet_counts([e for _, e in matching], selected, query)
        hits = [(s, e) for s, e in matching if _matches(e, selected)]
        hits.sort(key=self._sort_key(query))
        pages = max(1, -(-len(hits) // page_size))
        page = min(max(1, query.page), pages)
        items = [e for _, e in hits[(page - 1) * page_size : page * page_size]]
        return Result(items, len(hits), page, pages, facets)

    def _selected_iris(self, selected: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
        kinds = {
            "sector": "sector",
            "place": "place",
            "maturity": "maturity",
            "gaiax": "gaiax",
            "standard": "standard",
            "status": "curation",
        }
        return {
            name: {self.vocab.entity(kinds[name], slug) for slug in slugs}
            for name, slugs in selected.items()
            if name in kinds and slugs
        }

    def _score(self, entry: Entry, text: str) -> int:
        wanted = fold(text).split()
        if not wanted:
            return 1
        score = 0
        for word in wanted:
            if _has_prefix(entry.title_words, word):
                score += 3
            elif _has_prefix(entry.text_words, word):
                score += 1
            else:
                return 0
        return score

    def _sort_key(self, query: Query):
        sort, lang = query.effective_sort, query.lang
        if sort == "relevance":
            return lambda pair: (-pair[0], fold(pair[1].title(lang)))
        if sort == "modified":
            return lambda pair: (_reverse(pair[1].modified), fold(pair[1].title(lang)))
        if sort == "maturity":
            return lambda pair: (
                -max((self.order.get(m, 0) for m in pair[1].facets.get("maturity", ())), default=0),
                fold(pair[1].title(lang)),
            )
        return lambda pair: fold(pair[1].title(lang))

    def _facet_counts(
        self, entries: list[Entry], selected: dict[str, set[str]], query: Query
    ) -> dict[str, list[FacetValue]]:
        """Counts per facet value among the matches of every *other* facet's selection, so a
        selected value never hides its alternatives."""
        result = {}
        for name in FACETS:
            others = {k: v for k, v in selected.items() if k != name}
            counts: Counter[str] = Counter()
            for entry in entries:
                if _matches(entry, others):
                    counts.update(entry.facets.get(name, ()))
            chosen = selected.get(name, set())
            values = [
                FacetValue(
                    iri.rsplit("/", 1)[-1],
                    iri,
                    self.label(iri, query.lang),
                    counts[iri],
                    iri in chosen,
                )
                for iri in set(counts) | chosen
            ]
            order = (lambda v: -self.order.get(v.iri, 0)) if name == "maturity" else None
            values.sort(key=order or (lambda v: (-v.count, fold(v.label))))
            result[name] = values
        return result


def _has_prefix(found: set[str], word: str) -> bool:
    return word in found or any(w.startswith(word) for w in found)


def _matches(entry: Entry, selected: Mapping[str, set[str]]) -> bool:
    return all(entry.facets.get(name, set()) & wanted for name, wanted in selected.items())


def _reverse(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


class IndexCache:
    """The index of the release being served, rebuilt when a new release is published.

    Stores that cannot tell their release (a remote SPARQL server) are re-read every
    ``ttl`` seconds.
    """

    def __init__(self, store: Store, vocab: Vocabulary, ttl: float = 60.0) -> None:
        self.store = store
        self.vocab = vocab
        self.ttl = ttl
        self._lock = threading.Lock()
        self._key: object = None
        self._loaded = 0.0
        self._index: SearchIndex | None = None

    def get(self) -> SearchIndex:
        release = self.store.release()
        key = release.id if release is not None else None
        fresh = key is not None or time.monotonic() - self._loaded < self.ttl
        if self._index is not None and key == self._key and fresh:
            return self._index
        with self._lock:
            if self._index is None or key != self._key or not fresh:
                self._index = SearchIndex.load(self.store, self.vocab)
                self._key, self._loaded = key, time.monotonic()
            return self._index
