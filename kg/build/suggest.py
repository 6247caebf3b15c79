""" "Did you mean …" for unknown codes and references, as field names already have it.

A finding about a value the field's class does not know (``sectors: [mobilty]``, a dataset
slug with a typo, ``Mobility`` written as a label) gets up to three codes or slugs the corpus
and the concept schemes do know for that field: close in spelling to the value, or to one of
their labels (``Mobilität`` finds ``mobility``). Which class a field needs comes from the
shapes (the ``sh:class`` of the property shape with that ``sckg:field``), so a new coded field
gets its suggestions without code here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cached_property

from kg.authoring.ontology import OntologyFiles
from kg.authoring.yamlld import Context
from kg.messages import message
from kg.namespaces import DCTERMS, RDF_TYPE, RDFS, SH, SKOS
from kg.rdf import IRI, Literal, label_of
from kg.report import Finding
from kg.store.oxigraph import select_rows

#: The reader's findings about a value that is not even written like a code or slug.
READER_CODES = {"bad-slug", "bad-code", "bad-reference"}
#: At most this many suggestions per finding.
MANY = 3


class Suggestions:
    """Suggestions for the findings of one validation; ``store`` gives the store that holds
    the release being validated (called only when a finding needs suggestions)."""

    def __init__(self, ontology: OntologyFiles, context: Context, store: Callable[[], object]):
        self.ontology = ontology
        self.context = context
        self._store = store
        self._known: dict[str, dict[str, str]] = {}
        self._words: dict[str, dict[str, list[str]]] = {}

    @cached_property
    def _shapes(self) -> tuple[dict[str, set[str]], set[str]]:
        """The classes each field needs, and the codes of the shapes that say so."""
        import rdflib

        shapes = self.ontology.shapes
        field = rdflib.URIRef(self.ontology.vocab.term("field"))
        classes: dict[str, set[str]] = {}
        codes: set[str] = set()
        for shape, cls in shapes.subject_objects(rdflib.URIRef(SH + "class")):
            name = shapes.value(shape, field)
            if name is None:
                continue
            classes.setdefault(str(name), set()).add(str(cls))
            if "#" in str(shape):
                codes.add(str(shape).rsplit("#", 1)[1])
        return classes, codes

    def add(self, findings: Iterable[Finding]) -> list[Finding]:
        """``findings`` with a "did you mean" added to each about an unknown code or slug."""
        return [self._with_hint(f) for f in findings]

    def _with_hint(self, finding: Finding) -> Finding:
        classes, codes = self._shapes
        field = (finding.field or "").split(".")[-1]
        if finding.value is None or field not in classes:
            return finding
        if finding.code not in codes and finding.code not in READER_CODES:
            return finding
        close = self.close(field, finding.value)
        if not close:
            return finding
        hint = message("did-you-mean-any", names=_listed(close))
        own = finding.message
        text = {lang: own.get(lang, own["en"]) + hint[lang] for lang in hint}
        return replace(finding, message=text)

    def close(self, field: str, value: str) -> list[str]:
        """Up to three codes or slugs of ``field`` that look like ``value`` or whose label
        does, as a curator writes them."""
        known = self._candidates(field)
        word = value.strip().rsplit("/", 1)[-1].lower()
        found = [known[k] for k in difflib.get_close_matches(word, list(known), n=MANY * 3)]
        if not found:  # a word of a label: "Umwelt" for "Umwelt, Klima und Stadtgrün"
            words = self._words[field]
            found = [
                w
                for k in difflib.get_close_matches(word, list(words), cutoff=0.8)
                for w in words[k]
            ]
        return list(dict.fromkeys(found))[:MANY]

    def _candidates(self, field: str) -> dict[str, str]:
        """Lowercase slug or label → what to write under ``field``."""
        if field not in self._known:
            term = self.context.terms.get(field)
            prefix = term.vocab if term is not None and term.vocab else ""
            known: dict[str, str] = {}
            words: dict[str, list[str]] = {}
            for cls in sorted(self._shapes[0][field]):
                for iri, label in self._instances(cls):
                    if not iri.startswith(prefix) or iri == prefix:
                        continue
                    written = iri[len(prefix) :]
                    known.setdefault(label_of(IRI(iri)).lower(), written)
                    if label:
                        known.setdefault(label.lower(), written)
                    for word in re.findall(r"\w{4,}", label.lower()):
                        words.setdefault(word, []).append(written)
            self._known[field] = known
            self._words[field] = words
        return self._known[field]

    def _instances(self, cls: str) -> list[tuple[str, str]]:
        query = (
            f"SELECT DISTINCT ?x ?label WHERE {{ ?x <{RDF_TYPE}>/<{RDFS}subClassOf>* <{cls}> . "
            f"FILTER(isIRI(?x)) OPTIONAL {{ ?x <{SKOS}prefLabel>|<{DCTERMS}title>|<{RDFS}label> "
            "?label } }"
        )
        rows = select_rows(self._store(), query)
        return [
            (row["x"].value, row["label"].value if isinstance(row.get("label"), Literal) else "")
            for row in rows
            if isinstance(row["x"], IRI)
        ]


def _listed(names: list[str]) -> dict[str, str]:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return {"de": quoted[0], "en": quoted[0]}
    head = ", ".join(quoted[:-1])
    return {"de": f"{head} oder {quoted[-1]}", "en": f"{head} or {quoted[-1]}"}
