"""A linear-time lexer for SPARQL text, for the checks made before any engine parses a query
(:mod:`kg.sparql.guard`) and for placing parameter bindings (:mod:`kg.store.remote`).

It does not parse: it splits the text into IRIs, words (keywords, prefixed names, numbers),
variables, strings and punctuation, skipping comments, in one pass without regular expressions
(no backtracking on hostile input).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import QueryError

_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))


@dataclass(frozen=True)
class Token:
    kind: str  #: "iri", "word", "var", "string" or "punct"
    text: str
    offset: int


def tokens(text: str) -> Iterator[Token]:
    """Split a query into tokens: a linear scan, no regular-expression backtracking."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            i = _line_end(text, i)
        elif ch in "\"'":
            end = _string_end(text, i)
            yield Token("string", text[i:end], i)
            i = end
        elif ch == "<":
            end = _iri_end(text, i)
            if end > 0:
                yield Token("iri", text[i + 1 : end - 1], i)
                i = end
            else:
                size = 2 if text.startswith("<<", i) else 1
                yield Token("punct", text[i : i + size], i)
                i += size
        elif ch in "?$" or ch == "@":
            end = _name_end(text, i + 1, "-" if ch == "@" else "")
            yield Token("var" if ch != "@" else "punct", text[i:end], i)
            i = max(end, i + 1)
        elif ch == "." and not text[i + 1 : i + 2].isdigit():
            yield Token("punct", ch, i)  # a dot glued to a keyword ends a triple: `.SERVICE`
            i += 1
        elif _is_word_char(ch):
            end = _word_end(text, i)
            yield Token("word", text[i:end].rstrip("."), i)
            i = end
        else:
            size = 2 if text.startswith(">>", i) else 1
            yield Token("punct", text[i : i + size], i)
            i += size


def _line_end(text: str, start: int) -> int:
    """Index after the comment at ``start``: SPARQL ends a line at LF or at a lone CR."""
    i = start
    while i < len(text) and text[i] not in "\n\r":
        i += 1
    return i + 1


def _name_end(text: str, start: int, extra: str) -> int:
    """End of a variable name (letters, digits, ``_``: never a dot) or language tag."""
    i = start
    while i < len(text) and (text[i].isalnum() or text[i] == "_" or text[i] in extra):
        i += 1
    return i


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    if text.startswith(quote * 3, start):
        i, closing = start + 3, quote * 3
    else:
        i, closing = start + 1, quote
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(closing, i):
            return i + len(closing)
        else:
            i += 1
    raise QueryError(f"syntax error at character {start}: unterminated string")


def _iri_end(text: str, start: int) -> int:
    """Index after the ``>`` closing an IRI that starts at ``start``, or -1 if none does."""
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == ">":
            return i + 1
        if ch in _IRI_FORBIDDEN:
            return -1
        i += 1
    return -1


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-.:%" or ord(ch) > 0x7F


def _word_end(text: str, start: int) -> int:
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 2
        elif _is_word_char(ch):
            i += 1
        else:
            break
    return i
