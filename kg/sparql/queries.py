"""Named queries: ``queries/*.rq`` files with a YAML header in ``#+`` comment lines.

A header looks like this::

    #+ title:
    #+   de: Anwendungsfälle eines Sektors
    #+   en: Use cases of a sector
    #+ description:
    #+   de: …
    #+   en: …
    #+ params:
    #+   sector:
    #+     type: iri
    #+     vocab: sector          # a bare value 'energy' means <{base}sector/energy>
    #+     default: mobility
    #+     label: {de: Sektor, en: Sector}

Parameters are bound as typed RDF terms (pyoxigraph substitutions), never pasted into the
query text: a value that looks like SPARQL stays a value.

On the site a named query is read a page at a time (:func:`page_of`): the query's own ``LIMIT``
and ``OFFSET`` become the window the pages move through, so no page returns more than
:data:`PAGE_SIZE` rows whatever the size of the graph, and the pages, concatenated, are the whole
result. Give a paged query an ``ORDER BY`` that makes the order total, or pages may overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import NotFound, QueryError
from kg.namespaces import XSD, Vocabulary
from kg.rdf import IRI, Literal, Term, is_valid_iri
from kg.sparqllex import Token, tokens
from kg.store import QueryKind

#: Rows per page of a named query on the site and in its JSON and CSV twins.
PAGE_SIZE = 500
#: The file in the queries folder with the column headings the queries share.
COLUMNS = "columns.yaml"
#: URL parameters of a query page that are not parameters of the query.
RESERVED = frozenset({"lang", "format", "page"})

PARAM_TYPES = {
    "iri": None,
    "string": XSD + "string",
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "date": XSD + "date",
    "boolean": XSD + "boolean",
}
_FORMS = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "boolean": re.compile(r"^(true|false)$"),
}
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_KIND = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    label: dict[str, str]
    default: str | None = None
    vocab: str | None = None
    required: bool = True
    #: a list of values (``list: true`` in the header), written as a ``VALUES`` block
    many: bool = False

    def bind_all(self, raw: str, vocab: Vocabulary) -> tuple[Term, ...]:
        """The typed terms of a list parameter: values separated by commas or spaces."""
        return tuple(self.bind(item, vocab) for item in re.split(r"[,\s]+", raw.strip()) if item)

    def bind(self, raw: str, vocab: Vocabulary) -> Term:
        """The typed term for a raw value (from a form, a URL or the command line)."""
        value = raw.strip()
        if self.type == "iri":
            if self.vocab and ":" not in value:
                value = vocab.entity(self.vocab, value)
            if not (value.startswith(("http://", "https://")) and is_valid_iri(value)):
                raise QueryError(f"parameter {self.name}: {raw!r} is not an http(s) IRI")
            return IRI(value)
        form = _FORMS.get(self.type)
        if form and not form.match(value):
            raise QueryError(f"parameter {self.name}: {raw!r} is not a valid {self.type}")
        return Literal(value, datatype=PARAM_TYPES[self.type])


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    #: Column headings of its own, by variable name (else the catalogue's, see COLUMNS).
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def kind(self) -> QueryKind:
        return query_kind(self.text)

    def bindings(self, given: dict[str, str], vocab: Vocabulary) -> dict[str, Term]:
        """Typed terms for every single-valued parameter, from ``given`` or the defaults (list
        parameters are in the text of :meth:`specialised`)."""
        unknown = set(given) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        bound: dict[str, Term] = {}
        for param in self.params:
            if param.many:
                continue
            raw = given.get(param.name) or param.default
            if raw is None:
                if param.required:
                    raise QueryError(f"parameter {param.name} is required")
                continue
            bound[param.name] = param.bind(str(raw), vocab)
        return bound

    def specialised(self, given: dict[str, str], vocab: Vocabulary) -> NamedQuery:
        """The query with the values of its list parameters written in as typed terms.

        A list parameter ``types`` fills every empty ``VALUES ?types { }`` block of the query
        (so a query can use the list inside a sub-query); a query without one gets a ``VALUES``
        block opening its outermost group. Each value is bound like a single value (an IRI
        parameter accepts only http(s) IRIs, a literal only its type's form) and written as an
        N-Triples term, so a value cannot become SPARQL. A list parameter without a value
        and without a default leaves the query as it is."""
        text = self.text
        for param in self.params:
            raw = given.get(param.name) or param.default
            if not param.many:
                continue
            if raw is None or not raw.strip():
                if param.required:
                    raise QueryError(f"parameter {param.name} is required")
                continue
            terms = param.bind_all(raw, vocab)
            if not terms:
                raise QueryError(f"parameter {param.name} is required")
            text = _with_values(text, param.name, terms)
        return NamedQuery(self.name, self.title, self.description, text, self.params)

    def in_lang(self, attribute: str, lang: str) -> str:
        texts: dict[str, str] = getattr(self, attribute)
        return texts.get(lang) or texts.get("en") or next(iter(texts.values()), self.name)


def query_kind(text: str) -> QueryKind:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, from the first such keyword outside comments,
    IRIs and strings."""
    cleaned = re.sub(r"#[^\n]*|<[^>\s]*>|\"[^\"]*\"|'[^']*'", " ", text)
    match = _KIND.search(cleaned)
    if not match:
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return QueryKind(match.group(1).upper())


def parse(name: str, text: str, vocab: Vocabulary) -> NamedQuery:
    header = "\n".join(
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    )
    meta = yaml.safe_load(header) or {} if header else {}
    if not isinstance(meta, dict):
        raise QueryError(f"query {name}: the #+ header is not a mapping")
    params = tuple(
        _param(pname, spec or {}, name) for pname, spec in (meta.get("params") or {}).items()
    )
    return NamedQuery(
        name=name,
        title=_texts(meta.get("title"), name),
        description=_texts(meta.get("description"), ""),
        text=vocab.rebase(text),
        params=params,
        columns=_headings(meta.get("columns"), name),
    )


def _headings(value: object, where: str) -> dict[str, dict[str, str]]:
    """Column headings by variable name, ``{var: {de: …, en: …}}``."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise QueryError(f"{where}: columns must map variable names to {{de: …, en: …}}")
    return {str(var): {str(k): str(t) for k, t in texts.items()} for var, texts in value.items()}


def _texts(value: object, default: str) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    if value:
        return {"en": str(value)}
    return {"en": default}


def _param(name: str, spec: dict, query: str) -> Param:
    kind = spec.get("type", "string")
    if name in RESERVED:
        raise QueryError(f"query {query}: parameter {name!r} is reserved for the site")
    if not _NAME.match(name) or kind not in PARAM_TYPES:
        raise QueryError(f"query {query}: parameter {name!r} has an unknown type {kind!r}")
    default = spec.get("default")
    return Param(
        name=name,
        type=kind,
        label=_texts(spec.get("label"), name),
        default=None if default is None else str(default),
        vocab=spec.get("vocab"),
        required=bool(spec.get("required", default is None)),
        many=bool(spec.get("list", False)),
    )


@dataclass(frozen=True)
class Page:
    """One page of a named query's result."""

    number: int
    size: int
    offset: int  #: rows of the result before this page
    text: str  #: the query for this page (a SELECT asks for one row more, to see if there is)
    probe: str | None  #: CONSTRUCT/DESCRIBE: one solution after the page, the same question
    beyond: bool  #: the page lies past the query's own LIMIT (it is empty)


def page_of(query: NamedQuery, number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (from 1) of ``query``, within the query's own LIMIT and OFFSET."""
    number = max(1, number)
    if query.kind is QueryKind.ASK:
        return Page(1, size, 0, query.text, None, number > 1)
    text, own_offset, own_limit = _strip_window(query.text)
    start = (number - 1) * size
    left = own_limit - start if own_limit is not None else size + 1
    beyond = left <= 0
    fetch = max(0, min(size + (0 if query.kind.is_graph else 1), left))
    paged = _with_window(text, own_offset + start, fetch)
    probe = None
    if query.kind.is_graph and (own_limit is None or left > size):
        probe = _with_window(text, own_offset + start + size, 1)
    return Page(number, size, start, paged, probe, beyond)


def _strip_window(text: str) -> tuple[str, int, int | None]:
    """The query without its outermost LIMIT and OFFSET, and their values."""
    found = _window_clauses(text)
    values = {keyword: int(number) for keyword, _, _, number in found}
    for _, start, end, _ in sorted(found, key=lambda c: c[1], reverse=True):
        text = text[:start] + text[end:]
    return text, values.get("OFFSET", 0), values.get("LIMIT")


def _window_clauses(text: str) -> list[tuple[str, int, int, str]]:
    """(keyword, start, end, number) of the LIMIT and OFFSET clauses outside every group."""
    found = []
    depth = 0
    items: list[Token] = list(tokens(text))
    for i, token in enumerate(items):
        if token.kind == "punct" and token.text == "{":
            depth += 1
        elif token.kind == "punct" and token.text == "}":
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() in ("LIMIT", "OFFSET"):
            number = items[i + 1] if i + 1 < len(items) else None
            if number is None or not number.text.isdigit():
                raise QueryError(f"{token.text} without a number")
            end = number.offset + len(number.text)
            found.append((token.text.upper(), token.offset, end, number.text))
    return found


def _with_window(text: str, offset: int, limit: int) -> str:
    """``text`` with ``LIMIT``/``OFFSET`` after its solution modifiers (before a trailing
    ``VALUES`` block, which comes after them)."""
    clause = f"\nLIMIT {int(limit)} OFFSET {int(offset)}\n"
    depth, closed, position = 0, False, len(text)
    for token in tokens(text):
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
            closed = closed or depth == 0
        elif depth == 0 and closed and token.kind == "word" and token.text.upper() == "VALUES":
            position = token.offset
            break
    return text[:position].rstrip() + clause + text[position:]


class QueryCatalogue:
    """The named queries of a project folder, and the column headings they share."""

    def __init__(self, folder: Path, vocab: Vocabulary) -> None:
        self.folder = folder
        self.vocab = vocab
        self._queries = {
            path.stem: parse(path.stem, path.read_text(encoding="utf-8"), vocab)
            for path in sorted(folder.glob("*.rq"))
        }
        shared = folder / COLUMNS
        text = shared.read_text(encoding="utf-8") if shared.is_file() else ""
        self.columns = _headings(yaml.safe_load(text) if text else None, COLUMNS)

    def heading(self, query: NamedQuery, variable: str, lang: str) -> str | None:
        """The heading of ``variable``'s column in ``lang`` (or English), if one is given."""
        texts = query.columns.get(variable) or self.columns.get(variable)
        if not texts:
            return None
        return texts.get(lang) or texts.get("en")

    def __iter__(self):
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def get(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise NotFound(f"no named query {name!r}") from None

    def load(self, name_or_file: str) -> NamedQuery:
        """A named query by name, or any query file by path."""
        path = Path(name_or_file)
        if path.suffix == ".rq" and path.exists():
            return parse(path.stem, path.read_text(encoding="utf-8"), self.vocab)
        return self.get(name_or_file)


#: The entities a vocabulary parameter can name, with their labels, for a page's form: IRIs
#: under one prefix that have a ``skos:prefLabel`` or ``dcterms:title``.
_CHOICES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?x ?l WHERE {
  VALUES ?p { skos:prefLabel dcterms:title }
  ?x ?p ?l .
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), $PREFIX))
} LIMIT 5000
"""


def choices_query(param: Param, vocab: Vocabulary) -> str:
    """The SELECT of ``?x`` (an entity ``param`` can name) and ``?l`` (one of its labels).

    The prefix comes from the query's declaration and the settings, never from a request, and
    is written into the text as an escaped literal."""
    prefix = vocab.entity(str(param.vocab), "")
    return _CHOICES.replace("$PREFIX", Literal(prefix).n3())


def inline(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with ``bindings`` written into it, for a reader to run elsewhere (the editor,
    another endpoint): a ``VALUES`` block opens the query's outermost group pattern, so the
    query reads the same values it reads on the site. The site itself never runs this text; it
    passes the terms beside the query (:meth:`NamedQuery.bindings`)."""
    if not bindings:
        return text
    names = sorted(bindings)
    values = (
        f" VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(bindings[n].n3() for n in names)}) }}"
    )
    at = _where_group(text)
    return text[: at + 1] + values + text[at + 1 :]


def _with_values(text: str, name: str, terms: tuple[Term, ...]) -> str:
    """``text`` with ``terms`` in each empty ``VALUES ?name { }`` block, or in a new block
    opening the outermost group."""
    body = " ".join(term.n3() for term in terms)
    items = list(tokens(text))
    slots = [
        (items[i + 2].offset, items[i + 3].offset)
        for i in range(len(items) - 3)
        if items[i].kind == "word"
        and items[i].text.upper() == "VALUES"
        and items[i + 1].text in (f"?{name}", f"${name}")
        and items[i + 2].text == "{"
        and items[i + 3].text == "}"
    ]
    if not slots:
        at = _where_group(text)
        return text[: at + 1] + f" VALUES ?{name} {{ {body} }}" + text[at + 1 :]
    for opening, closing in reversed(slots):
        text = text[: opening + 1] + f" {body} " + text[closing:]
    return text


def _where_group(text: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE pattern (after a CONSTRUCT template)."""
    items = [t for t in tokens(text)]
    forms = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    start = next(
        (i for i, t in enumerate(items) if t.kind == "word" and t.text.upper() in forms), None
    )
    if start is None:
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    i = start + 1
    if items[start].text.upper() == "CONSTRUCT" and i < len(items) and items[i].text == "{":
        i = _group_end(items, i) + 1  # the template, unless it is CONSTRUCT WHERE { … }
    for token in items[i:]:
        if token.kind == "punct" and token.text == "{":
            return token.offset
    raise QueryError("the query has no group pattern")


def _group_end(items: list[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(items)):
        if items[i].kind == "punct" and items[i].text == "{":
            depth += 1
        elif items[i].kind == "punct" and items[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("a group is not closed")
