"""Search over use cases with facets, autocomplete over the labels of every resource, and the
labels and lists of resources the pages show, read from an on-disk index.

The index is one SQLite file per published release (:mod:`kg.views.searchindex` writes it once, with
FTS5 tables for the text and ordinary tables, with indexes, for facets, sorting and labels).
Workers open it read-only and share it through the operating system's page cache, so no worker
holds the corpus: a search is a few SQL statements whose cost follows the size of the answer,
not of the graph. ``CONTAINS`` over the store would scan the whole graph on every keystroke
(DESIGN.md §7a); keeping the index in each worker's memory cost seconds per worker per release
and grew with the corpus.

Text is folded before matching (case, accents, ``ß``), so ``strasse`` finds ``Straße`` and
``muenchen`` as well as ``munchen`` find ``München``; every word of a query, or its German or
English stem (Snowball), must be the prefix of a word of the use case, in either language: so
``parken`` finds ``Parkplatz`` and ``parking``, ``Bäume`` finds ``Baumkataster``. A hit shows
the passage of its description that matched (:meth:`Entry.snippet`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.namespaces import Vocabulary
from kg.views.describe import KINDS, pick

#: Facets read from the use case's own statements: URL parameter → its properties.
DIRECT: dict[str, tuple[str, ...]] = {
    "sector": ("sckg:sector",),
    "place": ("dcterms:spatial",),  # and every place it lies in (a Land holds its towns)
    "solution": ("sckg:solutionType",),
    "maturity": ("sckg:maturity",),
    "gaiax": ("sckg:assessedFederationService",),  # the curators' assessment, marked as one
    "standard": ("dcterms:conformsTo",),
    "platform": ("sckg:runsOn",),
    "dataset": ("sckg:usesDataset", "sckg:producesDataset"),
    "status": ("sckg:curationStatus",),
}
#: Facets the index derives from the places and stakeholders of a use case: the Land
#: (``sckg:State``) its places are or lie in, the BBSR size class of its places, and the
#: organisations named in its stakeholder roles.
DERIVED = ("land", "size", "org")
#: Every facet (URL parameter), in the order the list shows them.
FACETS: tuple[str, ...] = (
    "sector",
    "land",
    "size",
    "place",
    "solution",
    "maturity",
    "gaiax",
    "standard",
    "platform",
    "org",
    "dataset",
    "status",
)
#: URL parameter of a facet → kind of its values under the base (``{base}{kind}/{slug}``).
FACET_KINDS = {
    "sector": "sector",
    "land": "place",
    "size": "size-class",
    "place": "place",
    "solution": "solution-type",
    "maturity": "maturity",
    "gaiax": "gaiax",
    "standard": "standard",
    "platform": "platform",
    "org": "org",
    "dataset": "dataset",
    "status": "curation",
}
#: Facets whose values are many and each rare: fewer of them are listed.
FACET_LIMITS = {"org": 10, "platform": 10, "dataset": 10}
#: How the selected values of one facet combine: ``any`` (one of them) or ``all`` (every one).
MODES = ("any", "all")
SORTS = ("relevance", "title", "modified", "maturity")
#: Facet rows of generic patterns (``sckg:UseCasePattern``) carry this prefix: patterns are
#: searched, listed and counted apart from real use cases, never together with them.
PATTERN_FACET = "pattern:"
PAGE_SIZE = 20
#: Most values listed per facet (the most frequent first, and every selected one).
FACET_VALUES = 50
#: Most words of a query that count (the rest is ignored).
MAX_WORDS = 10
#: Languages with their own sort keys and labels in the index; others fall back to English.
LANGS = ("en", "de")

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Letters and digits, as SQLite's unicode61 tokenizer splits text: both sides agree on words.
_WORD = re.compile(r"[^\W_]+")


def _combining_marks() -> dict[int, None]:
    """A ``str.translate`` table deleting the combining characters of the Basic Multilingual
    Plane (the accents NFKD splits off; a table, as a loop per character took seconds)."""
    return {c: None for c in range(0x10000) if unicodedata.combining(chr(c))}


_ACCENTS = _combining_marks()


def fold(text: str) -> str:
    """Lower case without accents (``Straße`` → ``strasse``)."""
    text = text.casefold().replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).translate(_ACCENTS)


def words(text: str) -> set[str]:
    """The folded words of ``text``, with German umlauts also spelt out (ü → u and ue)."""
    found = set(_WORD.findall(fold(text)))
    found |= set(_WORD.findall(text.casefold().translate(_UMLAUTS)))
    return found


#: Stems shorter than this match too much as prefixes (``daten`` → ``dat`` would find ``Datum``).
MIN_STEM = 4


_local = threading.local()


def _stemmers() -> tuple:
    """This thread's German and English stemmers: a stemmer keeps the word it works on in
    itself, so two threads sharing one garble each other's stems (or raise IndexError)."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        import snowballstemmer

        stemmers = snowballstemmer.stemmer("german"), snowballstemmer.stemmer("english")
        _local.stemmers = stemmers
    return stemmers


def variants(word: str) -> list[str]:
    """``word`` (folded) and its German and English stems that are long enough to search by."""
    found = [word]
    for stemmer in _stemmers():
        stem = fold(stemmer.stemWord(word))
        if len(stem) >= MIN_STEM and stem not in found:
            found.append(stem)
    return found


def query_words(text: str) -> list[str]:
    """The words of a query, folded, in order, without repeats (at most :data:`MAX_WORDS`)."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))[:MAX_WORDS]


def sort_lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


@dataclass
class Entry:
    """One use case as a result lists it."""

    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    facets: dict[str, set[str]] = field(default_factory=dict)
    modified: str = ""
    pattern: bool = False
    #: The passage of the description that matched a text search: (text, matched) pieces.
    snippet: list[tuple[str, bool]] = field(default_factory=list)
    #: The language of :attr:`snippet` (the page's, unless only the other one matched).
    snippet_lang: str = ""

    def title(self, lang: str) -> str:
        return pick(self.titles, lang) or self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Query:
    """A search: text, selected facet values (slugs), sort, page, and whether it searches the
    real use cases or the generic patterns; the URL of a view."""

    text: str = ""
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    lang: str = "en"
    patterns: bool = False
    #: Facets whose selected values must all hold (``sectors=all``); the others need one.
    all_of: frozenset[str] = frozenset()

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.text.strip()):
            return self.sort
        return "relevance" if self.text.strip() else "title"

    def key(self) -> tuple:
        """A hashable form, for caching results."""
        selected = tuple(sorted((k, tuple(sorted(v))) for k, v in self.selected.items() if v))
        return (
            self.text.strip(),
            selected,
            self.effective_sort,
            self.page,
            sort_lang(self.lang),
            self.patterns,
            tuple(sorted(n for n in self.all_of if self.selected.get(n))),
        )

    def facet(self, name: str) -> str:
        """The name under which the index keeps facet ``name`` of this search's kind."""
        return (PATTERN_FACET if self.patterns else "") + name

    def mode(self, name: str) -> str:
        """``all`` when every selected value of facet ``name`` must hold, else ``any``."""
        return "all" if name in self.all_of else "any"

    @property
    def every(self) -> set[str]:
        """The index's names of the facets in ``all`` mode."""
        return {self.facet(name) for name in self.all_of}


@dataclass
class FacetValue:
    slug: str
    iri: str
    label: str
    count: int
    selected: bool


@dataclass
class Result:
    """One page of a search, its total, and the facet counts (the most frequent values of each
    facet; ``more`` says how many values were left out)."""

    items: list[Entry]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    more: dict[str, int] = field(default_factory=dict)


@dataclass
class Listing:
    """One page of the resources of a kind, sorted by label."""

    items: list[tuple[str, str]]
    total: int
    page: int
    pages: int


class SearchIndex:
    """A read-only view of one index file (one connection; use it from one thread at a time)."""

    def __init__(self, path: Path, vocab: Vocabulary) -> None:
        self.path = Path(path)
        self.vocab = vocab
        # immutable=1: the file is never written after it is renamed into place, so SQLite can
        # skip locking; several workers read it through the shared page cache.
        self.db = sqlite3.connect(
            f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self.db.execute("PRAGMA temp_store = MEMORY")
        self.db.execute("PRAGMA cache_size = -8000")  # 8 MB per connection, not the corpus
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS hits(id INTEGER PRIMARY KEY, score INT)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS matches(id INTEGER PRIMARY KEY)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS others(id INTEGER PRIMARY KEY)")
        self.meta = dict(self.db.execute("SELECT key, value FROM meta"))

    @classmethod
    def load(cls, store, vocab: Vocabulary, folder: Path | None = None) -> SearchIndex:
        """Build an index of what ``store`` serves into ``folder`` (a temporary one by default)
        and open it: for tools and tests; the site opens the index of its release through
        :class:`IndexCache`."""
        import tempfile

        from kg.views.searchindex import build_file

        folder = Path(folder or tempfile.mkdtemp(prefix="sckg-search-"))
        path = folder / "search.sqlite"
        build_file(store, vocab, path, release_id="")
        return cls(path, vocab)

    def close(self) -> None:
        self.db.close()

    @property
    def release(self) -> str:
        return self.meta.get("release", "")

    # -- labels and lists -----------------------------------------------------------------------
    def kind(self, iri: str) -> str | None:
        if not iri.startswith(self.vocab.base):
            return None
        kind, sep, _ = iri[len(self.vocab.base) :].partition("/")
        return kind if sep else None

    def label_or_none(self, iri: str, lang: str) -> str | None:
        """The label of ``iri`` in ``lang`` (else English, German, …), or None without one."""
        column = "label_" + sort_lang(lang)
        row = self.db.execute(f"SELECT {column} FROM resource WHERE iri = ?", (iri,)).fetchone()
        return row[0] if row and row[0] else None

    def label(self, iri: str, lang: str) -> str:
        found = self.label_or_none(iri, lang)
        return found or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def order(self, iri: str) -> int:
        """``sckg:order`` of a concept (maturity levels), 0 without one."""
        row = self.db.execute("SELECT ord FROM resource WHERE iri = ?", (iri,)).fetchone()
        return int(row[0]) if row else 0

    def count(self, kind: str) -> int:
        """How many labelled resources of ``kind`` there are (counted when the index was
        written)."""
        return int(self.meta.get(f"count:{kind}", "0"))

    def entities(
        self, kind: str, lang: str, *, page: int = 1, page_size: int | None = None
    ) -> list[tuple[str, str]]:
        """(IRI, label) of the labelled resources of ``kind``, sorted by label: all of them, or
        one page of ``page_size``."""
        return self.listing(kind, lang, page=page, page_size=page_size).items

    def listing(
        self, kind: str, lang: str, *, page: int = 1, page_size: int | None = None
    ) -> Listing:
        """One page of the labelled resources of ``kind`` (all of them without ``page_size``),
        read in order from the index on (kind, sort key): no sort, whatever the kind's size."""
        lang = sort_lang(lang)
        total = self.count(kind)
        size = page_size or max(total, 1)
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        rows = self.db.execute(
            f"SELECT iri, label_{lang} FROM resource WHERE kind = ? AND sort_{lang} IS NOT NULL "
            f"ORDER BY sort_{lang}, iri LIMIT ? OFFSET ?",
            (kind, size, (page - 1) * size),
        )
        return Listing([(iri, text) for iri, text in rows], total, page, pages)

    def found_by_kind(self, text: str, kinds: tuple[str, ...]) -> dict[str, int]:
        """How many resources of each of ``kinds`` have labels matching ``text`` (each word, or
        its stem, as a prefix): the type facet of a search beside its use cases."""
        wanted = query_words(text)
        if not wanted or not kinds:
            return {}
        marks = ",".join("?" * len(kinds))
        rows = self.db.execute(
            "SELECT kind, COUNT(*) FROM resource WHERE id IN "
            "(SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?) "
            f"AND kind IN ({marks}) GROUP BY kind",
            (_match(wanted), *kinds),
        )
        return {kind: int(n) for kind, n in rows}

    def found_of_kind(
        self, text: str, kind: str, lang: str, *, page: int = 1, page_size: int = PAGE_SIZE
    ) -> Listing:
        """One page of the resources of ``kind`` whose labels match ``text``, by label."""
        wanted = query_words(text)
        total = self.found_by_kind(text, (kind,)).get(kind, 0)
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        if not total:
            return Listing([], 0, 1, 1)
        lang = sort_lang(lang)
        rows = self.db.execute(
            f"SELECT iri, label_{lang} FROM resource WHERE id IN "
            "(SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?) AND kind = ? "
            f"ORDER BY sort_{lang}, iri LIMIT ? OFFSET ?",
            (_match(wanted), kind, page_size, (page - 1) * page_size),
        )
        return Listing([(iri, label) for iri, label in rows], total, page, pages)

    def recent(self, n: int) -> list[Entry]:
        """The ``n`` most recently modified real use cases (never patterns)."""
        rows = self.db.execute(
            "SELECT u.id, r.iri, u.titles, u.modified, u.pattern FROM usecase u "
            "JOIN resource r ON r.id = u.id WHERE u.pattern = 0 "
            "ORDER BY u.modified DESC, r.iri DESC LIMIT ?",
            (n,),
        ).fetchall()
        return self._entries(rows)

    def usecases(self, *, patterns: bool = False) -> Iterator[Entry]:
        """Every real use case, or every pattern (for tools and tests; the site pages through
        :meth:`search`)."""
        rows = self.db.execute(
            "SELECT u.id, r.iri, u.titles, u.modified, u.pattern FROM usecase u "
            "JOIN resource r ON r.id = u.id WHERE u.pattern = ? ORDER BY r.iri",
            (int(patterns),),
        )
        while batch := rows.fetchmany(500):
            yield from self._entries(batch)

    @property
    def entries(self) -> list[Entry]:
        """Every use case in memory: for tools and tests only."""
        return list(self.usecases())

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        """Every label by IRI and language in memory: for tools and tests only."""
        rows = self.db.execute("SELECT iri, labels FROM resource WHERE labels IS NOT NULL")
        return {iri: json.loads(text) for iri, text in rows}

    def suggest(self, text: str, lang: str, limit: int = 8) -> list[dict[str, str]]:
        """Resources whose labels (in either language) have a word starting with each word of
        ``text``; use cases first, then by label."""
        wanted = query_words(text)
        if not wanted:
            return []
        lang = sort_lang(lang)
        kinds = ",".join("?" * len(KINDS))
        rows = self.db.execute(
            f"SELECT r.iri, r.kind, r.labels, r.label_{lang} FROM resource r "
            "WHERE r.id IN (SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?) "
            f"AND r.kind IN ({kinds}) ORDER BY r.kind != 'usecase', r.sort_{lang}, r.iri LIMIT ?",
            (_match(wanted, stems=False), *KINDS, limit),
        )
        found = []
        for iri, kind, labels_json, label in rows:
            labels = json.loads(labels_json)
            matched_lang = _matched(labels, wanted, lang)
            found.append(
                {
                    "iri": iri,
                    "label": label,
                    "matched": labels.get(matched_lang, label),
                    "lang": matched_lang,
                    "kind": kind or "",
                }
            )
        return found

    # -- searching ------------------------------------------------------------------------------
    def search(self, query: Query, page_size: int = PAGE_SIZE) -> Result:
        """One page of the use cases matching ``query``, with the facet counts."""
        texty = bool(query.text.strip())  # text without a word matches nothing
        selected = self._selected_ids(query.selected, query)
        lang = sort_lang(query.lang)
        if texty:
            self._fill_hits(query_words(query.text), query.patterns)
        narrowed = texty or bool(selected)
        if narrowed:
            self._fill("matches", *_candidates(texty, selected, query.every))
            total = self._scalar("SELECT COUNT(*) FROM temp.matches")
        else:
            total = self.count_of(query.patterns)
        pages = max(1, -(-total // page_size))
        page = min(max(1, query.page), pages)
        window = (page_size, (page - 1) * page_size)
        items = self._page(query, texty, narrowed, total, lang, window)
        facets, more = self._facets(query, texty, selected, lang)
        return Result(items, total, page, pages, facets, more)

    @property
    def usecase_count(self) -> int:
        """How many real use cases the index holds."""
        return int(self.meta.get("usecases", "0"))

    @property
    def pattern_count(self) -> int:
        """How many generic patterns the index holds (never counted as use cases)."""
        return int(self.meta.get("patterns", "0"))

    def count_of(self, patterns: bool) -> int:
        return self.pattern_count if patterns else self.usecase_count

    def _selected_ids(
        self, selected: Mapping[str, tuple[str, ...]], query: Query
    ) -> dict[str, list[int]]:
        """Resource ids of the selected values per facet, by the name the index keeps the
        facet under (-1 for a value the index lacks, which matches nothing)."""
        found: dict[str, list[int]] = {}
        for name, slugs in selected.items():
            if name not in FACET_KINDS or not slugs:
                continue
            iris = [self.vocab.entity(FACET_KINDS[name], slug) for slug in slugs]
            ids = [self._id(iri) for iri in iris]
            found[query.facet(name)] = sorted({-1 if i is None else i for i in ids})
        return found

    def _id(self, iri: str) -> int | None:
        row = self.db.execute("SELECT id FROM resource WHERE iri = ?", (iri,)).fetchone()
        return int(row[0]) if row else None

    def _scalar(self, sql: str, params: tuple | list = ()) -> int:
        return int(self.db.execute(sql, params).fetchone()[0])

    def _fill(self, table: str, select: str, params: list | tuple = ()) -> None:
        self.db.execute(f"DELETE FROM temp.{table}")
        self.db.execute(f"INSERT OR IGNORE INTO temp.{table} {select}", params)

    def _fill_hits(self, wanted: list[str], patterns: bool) -> None:
        """Use cases (or patterns) with every word, scored 3 per word in a title and 1 per word
        only in the text (the scores of the earlier in-memory index)."""
        if not wanted:
            self._fill("hits", "SELECT 0, 0 WHERE 0")
            return
        score = " + ".join(
            "CASE WHEN f.rowid IN (SELECT rowid FROM usecase_fts WHERE usecase_fts MATCH ?) "
            "THEN 3 ELSE 1 END"
            for _ in wanted
        )
        params = [_match([w], column="title") for w in wanted]
        self._fill(
            "hits",
            f"SELECT f.rowid, {score} FROM usecase_fts f CROSS JOIN usecase u ON u.id = f.rowid "
            "WHERE usecase_fts MATCH ? AND u.pattern = ?",
            [*params, _match(wanted), int(patterns)],
        )

    def _page(
        self,
        query: Query,
        texty: bool,
        narrowed: bool,
        total: int,
        lang: str,
        window: tuple[int, int],
    ) -> list[Entry]:
        """The use cases of one page. The whole list, and a large share of it, is read in the
        order of the sort key's index (no sort); a smaller set of matches is sorted."""
        sort = query.effective_sort
        order = {
            "modified": f"u.modified DESC, u.sort_{lang}, u.id",
            "maturity": f"u.maturity DESC, u.sort_{lang}, u.id",
            "relevance": f"h.score DESC, u.sort_{lang}, u.id",
        }.get(sort, f"u.sort_{lang}, u.id")
        if sort == "relevance":
            source = (
                "matches m CROSS JOIN hits h ON h.id = m.id CROSS JOIN usecase u ON u.id = m.id"
            )
        elif not narrowed or total * 8 > self.count_of(query.patterns):
            index = {"modified": "usecase_modified_", "maturity": "usecase_maturity_"}
            only = " AND u.id IN (SELECT id FROM temp.matches)" if narrowed else ""
            kind = f" WHERE u.pattern = {int(query.patterns)}"
            source = f"usecase u INDEXED BY {index.get(sort, 'usecase_title_')}{lang}{kind}{only}"
        else:
            source = "matches m CROSS JOIN usecase u ON u.id = m.id"
        # Only the ids are sorted; the rows of the page are read afterwards.
        found = self.db.execute(
            f"SELECT u.id FROM {source} ORDER BY {order} LIMIT ? OFFSET ?", window
        ).fetchall()
        ids = [uid for (uid,) in found]
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT u.id, r.iri, u.titles, u.modified, u.pattern, u.texts FROM usecase u "
            f"CROSS JOIN resource r ON r.id = u.id WHERE u.id IN ({marks})",
            ids,
        ).fetchall()
        position = {uid: i for i, uid in enumerate(ids)}
        rows.sort(key=lambda row: position[row[0]])
        entries = self._entries([row[:5] for row in rows])
        if texty:
            wanted = query_words(query.text)
            for entry, row in zip(entries, rows, strict=True):
                entry.snippet, entry.snippet_lang = snippet(json.loads(row[5]), wanted, lang)
        return entries

    def _entries(self, rows: list[tuple]) -> list[Entry]:
        """Entries with their facet values (one query for the whole page)."""
        entries = {
            uid: Entry(iri, json.loads(titles), {}, modified or "", bool(pattern))
            for uid, iri, titles, modified, pattern in rows
        }
        if entries:
            marks = ",".join("?" * len(entries))
            found = self.db.execute(
                "SELECT f.usecase, f.name, r.iri FROM facet f JOIN resource r ON r.id = f.value "
                f"WHERE f.usecase IN ({marks})",
                list(entries),
            )
            for uid, name, iri in found:
                name = name.removeprefix(PATTERN_FACET)
                entries[uid].facets.setdefault(name, set()).add(iri)
        return list(entries.values())

    def _facets(
        self, query: Query, texty: bool, selected: dict[str, list[int]], lang: str
    ) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
        """Counts per facet value among the matches of every *other* facet's selection, so a
        selected value never hides its alternatives."""
        facets: dict[str, list[FacetValue]] = {}
        more: dict[str, int] = {}
        for name in FACETS:
            counts = self._counts(query.facet(name), texty, selected, query)
            chosen = {
                self.vocab.entity(FACET_KINDS[name], slug) for slug in query.selected.get(name, ())
            }
            values, left_out = self._facet_values(name, query.facet(name), counts, chosen, lang)
            facets[name], more[name] = values, left_out
        return facets, more

    def _counts(self, name: str, texty: bool, selected: dict[str, list[int]], query: Query) -> str:
        """A SELECT of (value, n) for facet ``name`` under the other facets' selection (a facet
        in ``all`` mode counts under its own selection too: how many matches also have a value):
        the stored totals when nothing else narrows the list, else the values of each match
        (one index lookup per match, never a scan of the whole facet)."""
        patterns = query.patterns
        own = name in query.every
        others = {k: v for k, v in selected.items() if k != name or own}
        if not texty and not others:
            return "SELECT value, n FROM facet_total WHERE name = :name"
        if others == selected:
            table = "matches"  # this facet has no selection: its counts follow every match
        else:
            self._fill("others", *_candidates(texty, others, query.every))
            table = "others"
        size = self._scalar(f"SELECT COUNT(*) FROM temp.{table}")
        if size == self.count_of(patterns):  # the text is in every use case (a common word)
            return "SELECT value, n FROM facet_total WHERE name = :name"
        if size * 8 < self.facet_rows.get(name, 0):  # few matches: their values, one by one
            return (
                "SELECT value, COUNT(*) AS n FROM facet INDEXED BY facet_usecase "
                f"WHERE name = :name AND usecase IN (SELECT id FROM temp.{table}) GROUP BY value"
            )
        # many: the facet's rows in (value, use case) order, keeping the matches
        return (
            "SELECT f.value AS value, COUNT(*) AS n FROM facet f "
            f"CROSS JOIN {table} m ON m.id = f.usecase WHERE f.name = :name GROUP BY f.value"
        )

    @property
    def facet_rows(self) -> dict[str, int]:
        """How many (use case, value) rows each facet has (to choose how to count)."""
        if not hasattr(self, "_facet_rows"):
            rows = self.db.execute("SELECT name, SUM(n) FROM facet_total GROUP BY name")
            self._facet_rows = {name: int(n) for name, n in rows}
        return self._facet_rows

    def _facet_values(
        self, name: str, stored: str, counts: str, chosen: set[str], lang: str
    ) -> tuple[list[FacetValue], int]:
        order = "r.ord DESC, r.iri" if name == "maturity" else f"c.n DESC, r.sort_{lang}, r.iri"
        rows = self.db.execute(
            f"SELECT r.iri, r.label_{lang}, c.n, COUNT(*) OVER () FROM ({counts}) c "
            f"JOIN resource r ON r.id = c.value ORDER BY {order} LIMIT :limit",
            {"name": stored, "limit": FACET_LIMITS.get(name, FACET_VALUES)},
        ).fetchall()
        shown = {iri: n for iri, _, n, _ in rows}
        values = [
            FacetValue(iri.rsplit("/", 1)[-1], iri, label or _last(iri), n, iri in chosen)
            for iri, label, n, _ in rows
        ]
        for iri in sorted(chosen - set(shown)):  # selected, but not among the most frequent
            count = self._count_of(counts, stored, iri)
            label = self.label(iri, lang)
            values.append(FacetValue(iri.rsplit("/", 1)[-1], iri, label, count, True))
        total = rows[0][3] if rows else 0
        return values, max(0, total - len(shown))

    def _count_of(self, counts: str, name: str, iri: str) -> int:
        row = self.db.execute(
            f"SELECT c.n FROM ({counts}) c JOIN resource r ON r.id = c.value WHERE r.iri = :iri",
            {"name": name, "iri": iri},
        ).fetchone()
        return int(row[0]) if row else 0


def _candidates(
    texty: bool, selected: Mapping[str, list[int]], every: set[str] | frozenset[str] = frozenset()
) -> tuple[str, list]:
    """A SELECT of the use cases with the text (``temp.hits``) and one of the selected values
    of every facet (values OR, facets AND), or each of them for the facets in ``every`` (values
    AND): an INTERSECT of index range scans."""
    parts, params = ["SELECT id FROM temp.hits"] if texty else [], []
    for name, ids in selected.items():
        groups = [[i] for i in ids] if name in every else [ids]
        for group in groups:
            marks = ",".join("?" * len(group))
            parts.append(f"SELECT usecase FROM facet WHERE name = ? AND value IN ({marks})")
            params += [name, *group]
    return " INTERSECT ".join(parts), params


def _match(wanted: list[str], column: str | None = None, *, stems: bool = True) -> str:
    """An FTS5 query: every word, or one of its stems, as a prefix (quoted, so no word is read
    as an operator)."""
    prefix = f"{column} : " if column else ""
    parts = []
    for word in wanted:
        either = " OR ".join(f'"{v}"*' for v in (variants(word) if stems else [word]))
        parts.append(f"{prefix}({either})")
    return " AND ".join(parts)


def _matched(labels: dict[str, str], wanted: list[str], lang: str) -> str:
    """The language of the label that holds every word (preferring ``lang``)."""
    ordered = sorted(labels, key=lambda code: (code != lang, code))
    for code in ordered:
        found = words(labels[code])
        if all(any(w.startswith(q) for w in found) for q in wanted):
            return code
    return ordered[0] if ordered else ""


#: Characters of description a snippet shows, and how many of them come before the first match.
SNIPPET_WIDTH = 180
SNIPPET_LEAD = 50


def snippet(texts: Mapping[str, str], wanted: list[str], lang: str) -> tuple[list, str]:
    """The passage of a description (in ``lang`` if it matches there) around the first word
    that a query word or its stem begins, as ``(text, matched)`` pieces, and its language."""
    if not wanted:
        return [], ""
    prefixes = [v for word in wanted for v in variants(word)]
    for code in sorted(texts, key=lambda code: (code != lang, code)):
        pieces = _passage(texts[code], prefixes)
        if pieces:
            return pieces, code
    return [], ""


def _passage(text: str, prefixes: list[str]) -> list[tuple[str, bool]]:
    def hit(word: str) -> bool:
        forms = (fold(word), word.casefold().translate(_UMLAUTS))
        return any(form.startswith(p) for form in forms for p in prefixes)

    spans = [m.span() for m in _WORD.finditer(text) if hit(m.group())]
    if not spans:
        return []
    start = max(0, spans[0][0] - SNIPPET_LEAD)
    if start:  # begin at a word
        start = text.find(" ", start, spans[0][0]) + 1 or spans[0][0]
    end = min(len(text), start + SNIPPET_WIDTH)
    if end < len(text):  # end at a word, never inside the first match
        end = max(text.rfind(" ", spans[0][1], end), spans[0][1])
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    at = start
    for a, b in spans:
        if a < start or b > end:
            continue
        pieces += [(text[at:a], False), (text[a:b], True)]
        at = b
    pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append((" …", False))
    return [(t, m) for t, m in pieces if t]


def _last(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


class IndexCache:
    """The index of the release being served, opened per thread; built (once, under a file lock
    shared with the build and the other workers) when it is missing.

    Stores that cannot tell their release (a remote SPARQL server nothing was published to) get
    an index rebuilt every ``ttl`` seconds. Results of searches are kept in a small LRU cache
    per release: popular views (the first page, a sector's use cases) cost one lookup.
    """

    def __init__(
        self, store, vocab: Vocabulary, folder: Path, ttl: float = 60.0, cached: int = 256
    ) -> None:
        self.store = store
        self.vocab = vocab
        self.folder = Path(folder)
        self.ttl = ttl
        self.cached = cached
        self._local = threading.local()
        self._lock = threading.Lock()
        self._results: OrderedDict[tuple, Result] = OrderedDict()

    def get(self, release_id: str | None = None, *, known: bool = False) -> SearchIndex:
        """The index of ``release_id`` (asked from the store unless ``known``)."""
        if not known:
            release = self.store.release()
            release_id = release.id if release is not None else None
        path = self._path(release_id)
        current: SearchIndex | None = getattr(self._local, "index", None)
        if current is not None and current.path == path:
            return current
        from kg.views.searchindex import ensure  # kg.views.searchindex imports this module

        ensure(self.store, self.vocab, release_id, self.folder, max_age=self._max_age(release_id))
        if current is not None:
            current.close()
        self._local.index = SearchIndex(path, self.vocab)
        return self._local.index

    def search(self, index: SearchIndex, query: Query, page_size: int = PAGE_SIZE) -> Result:
        """``index.search(query)``, remembered per release."""
        key = (index.path, index.meta.get("built"), query.key(), page_size)
        with self._lock:
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
                return found
        result = index.search(query, page_size)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.cached:
                self._results.popitem(last=False)
        return result

    def _path(self, release_id: str | None) -> Path:
        from kg.views.searchindex import index_file

        path = index_file(self.folder, release_id)
        if release_id is None and path.exists() and time.time() - path.stat().st_mtime > self.ttl:
            current = getattr(self._local, "index", None)
            if current is not None and current.path == path:
                current.close()
                self._local.index = None
        return path

    def _max_age(self, release_id: str | None) -> float | None:
        return self.ttl if release_id is None else None
