"""The SPARQL tokenizer the guard, the named-query parameters and the remote store read queries
with: each kind of token, where it starts and where it ends (a token that ends one character
late or early is how a keyword hides from the guard)."""

from __future__ import annotations

import dataclasses

import pytest

from kg.errors import QueryError
from kg.sparqllex import Token, tokens


def lexed(text: str) -> list[tuple[str, str, int]]:
    return [(t.kind, t.text, t.offset) for t in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an IRI is its text between the brackets
        ("<http://a/b>", [("iri", "http://a/b", 0)]),
        ("?s <p> ?o", [("var", "?s", 0), ("iri", "p", 3), ("var", "?o", 7)]),
        ("<> ?x", [("iri", "", 0), ("var", "?x", 3)]),
        # a `<` that opens no IRI is a comparison; `<<` opens a quoted triple
        ("?a<?b", [("var", "?a", 0), ("punct", "<", 2), ("var", "?b", 3)]),
        ("?a < 3", [("var", "?a", 0), ("punct", "<", 3), ("word", "3", 5)]),
        ("<< ?s", [("punct", "<<", 0), ("var", "?s", 3)]),
        ("?s >> ?o", [("var", "?s", 0), ("punct", ">>", 3), ("var", "?o", 6)]),
        # variables end at anything but letters, digits and `_`; a lone `?` is punctuation-like
        ("?x", [("var", "?x", 0)]),
        ("$x_1.", [("var", "$x_1", 0), ("punct", ".", 4)]),
        ("?a-?b", [("var", "?a", 0), ("word", "-", 2), ("var", "?b", 3)]),
        ("(?)", [("punct", "(", 0), ("var", "?", 1), ("punct", ")", 2)]),
        ("?", [("var", "?", 0)]),
        # language tags keep their dashes
        ('"a"@en-GB ?x', [("string", '"a"', 0), ("punct", "@en-GB", 3), ("var", "?x", 10)]),
        ("@ ?x", [("punct", "@", 0), ("var", "?x", 2)]),
        # a dot before a digit starts a number; any other dot ends a triple
        (".5)", [("word", ".5", 0), ("punct", ")", 2)]),
        ("?x .5", [("var", "?x", 0), ("word", ".5", 3)]),
        (".SERVICE", [("punct", ".", 0), ("word", "SERVICE", 1)]),
        (". 5", [("punct", ".", 0), ("word", "5", 2)]),
        ("a.b.", [("word", "a.b", 0)]),
        # strings: escapes, including an escaped backslash right before the closing quote
        ('"\\\\" ?x', [("string", '"\\\\"', 0), ("var", "?x", 5)]),
        ('"a\\"b" ?x', [("string", '"a\\"b"', 0), ("var", "?x", 7)]),
        ("'''a'b''' ?x", [("string", "'''a'b'''", 0), ("var", "?x", 10)]),
        ('"""""" ?x', [("string", '""""""', 0), ("var", "?x", 7)]),  # empty long string
        # comments end at LF or at a lone CR
        ("# c\rSERVICE", [("word", "SERVICE", 4)]),
        ("# c\nASK", [("word", "ASK", 4)]),
        # words: prefixed names, escapes inside, non-ASCII letters; DEL and controls are not
        ("ex:a\\.b", [("word", "ex:a\\.b", 0)]),
        ("a\\", [("word", "a", 0), ("punct", "\\", 1)]),  # a backslash that escapes nothing
        ("ex:a\\-", [("word", "ex:a\\-", 0)]),  # ... and one that escapes the last character
        ("straße", [("word", "straße", 0)]),
        ("a\x7fb", [("word", "a", 0), ("punct", "\x7f", 1), ("word", "b", 2)]),
        ("a\x80b", [("word", "a\x80b", 0)]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert lexed(text) == expected


def test_an_unterminated_string_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="unterminated string"):
        list(tokens('ASK { "open }'))


def test_tokens_are_values() -> None:
    token = Token("word", "ASK", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.text = "SERVICE"
    assert {token, Token("word", "ASK", 0)} == {token}
