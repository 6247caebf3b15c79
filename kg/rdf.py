"""Small, library-neutral RDF terms.

The parsers produce them, the store returns them, the pages read them. Keeping them plain
(no rdflib, no pyoxigraph) lets the store modules stay the only ones that know the engine, and
keeps millions of triples cheap to hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.namespaces import RDF_LANGSTRING, XSD_STRING


@dataclass(frozen=True, slots=True)
class IRI:
    value: str

    def n3(self) -> str:
        return f"<{_escape_iri(self.value)}>"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class BNode:
    id: str

    def n3(self) -> str:
        return f"_:{self.id}"

    def __str__(self) -> str:
        return f"_:{self.id}"


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    lang: str | None = None
    datatype: str = XSD_STRING

    def __post_init__(self) -> None:
        if self.lang is not None and self.datatype != RDF_LANGSTRING:
            object.__setattr__(self, "datatype", RDF_LANGSTRING)

    def n3(self) -> str:
        text = '"' + escape_string(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype == XSD_STRING:
            return text
        return f"{text}^^<{_escape_iri(self.datatype)}>"

    def __str__(self) -> str:
        return self.value


Term = IRI | BNode | Literal
Triple = tuple[IRI | BNode, IRI, Term]

_STRING_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def escape_string(value: str) -> str:
    """Escape a string for an N-Triples / Turtle / SPARQL literal."""
    out = []
    for ch in value:
        if ch in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


_IRI_FORBIDDEN = set('<>"{}|^`\\ ') | {chr(c) for c in range(0x21)}


def is_valid_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI that N-Triples can carry."""
    scheme, sep, rest = value.partition(":")
    if not sep or not rest or not scheme[:1].isalpha():
        return False
    if not all(c.isalnum() or c in "+-." for c in scheme):
        return False
    return not any(c in _IRI_FORBIDDEN for c in value)


def _escape_iri(value: str) -> str:
    if any(c in _IRI_FORBIDDEN for c in value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return value


def nquad(s: IRI | BNode, p: IRI, o: Term, graph: IRI | None = None) -> str:
    """One line of N-Quads (N-Triples when ``graph`` is None)."""
    if graph is None:
        return f"{s.n3()} {p.n3()} {o.n3()} .\n"
    return f"{s.n3()} {p.n3()} {o.n3()} {graph.n3()} .\n"


def label_of(term: Term) -> str:
    """A short human string for a term: the literal's text or the IRI's last segment."""
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, BNode):
        return str(term)
    value = term.value.rstrip("/")
    for sep in ("#", "/"):
        if sep in value:
            return value.rsplit(sep, 1)[1]
    return value


def pick(labels: dict[str, str], lang: str) -> str:
    """The label in ``lang``, else English, German, untagged or any."""
    for wanted in (lang, "en", "de", ""):
        if labels.get(wanted):
            return labels[wanted]
    return next(iter(labels.values()), "")
