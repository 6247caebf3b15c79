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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import NotFound, QueryError
from kg.namespaces import XSD, Vocabulary
from kg.rdf import IRI, Literal, Term, is_valid_iri
from kg.store import QueryKind

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

    @property
    def kind(self) -> QueryKind:
        return query_kind(self.text)

    def bindings(self, given: dict[str, str], vocab: Vocabulary) -> dict[str, Term]:
        """Typed terms for every parameter, from ``given`` or the defaults."""
        unknown = set(given) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        bound: dict[str, Term] = {}
        for param in self.params:
            raw = given.get(param.name) or param.default
            if raw is None:
                if param.required:
                    raise QueryError(f"parameter {param.name} is required")
                continue
            bound[param.name] = param.bind(str(raw), vocab)
        return bound

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
    )


def _texts(value: object, default: str) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    if value:
        return {"en": str(value)}
    return {"en": default}


def _param(name: str, spec: dict, query: str) -> Param:
    kind = spec.get("type", "string")
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
    )


class QueryCatalogue:
    """The named queries of a project folder."""

    def __init__(self, folder: Path, vocab: Vocabulary) -> None:
        self.folder = folder
        self.vocab = vocab
        self._queries = {
            path.stem: parse(path.stem, path.read_text(encoding="utf-8"), vocab)
            for path in sorted(folder.glob("*.rq"))
        }

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
