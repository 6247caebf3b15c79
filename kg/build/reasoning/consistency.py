"""Consistency of the curated data with the TBox, checked in one linear pass.

With the axiom kinds of :mod:`kg.build.reasoning.axioms`, the data can only contradict the ontology
in two ways: a resource belongs to two disjoint classes (by an explicit type, or through the
domain or range of a property it is used with, inverse and super-properties included), or a
functional property has two values the ontology declares different (``owl:AllDifferent``).
Each contradiction becomes a Violation naming the resource, both reasons with file and line,
and the axiom, in German and English.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.authoring.sources import Corpus, SourceFile
from kg.build.reasoning.axioms import Axioms
from kg.namespaces import RDF_TYPE, STANDARD_PREFIXES, Vocabulary
from kg.rdf import IRI, BNode, Literal, Term
from kg.report import Finding

Node = IRI | BNode


@dataclass(frozen=True)
class Reason:
    """Why a resource belongs to a class: a statement in a file (or the ontology itself)."""

    cls: str
    kind: str  #: ``type``, ``subject`` (domain), ``object`` (range) or ``ontology``
    source: SourceFile | None = None
    triple: tuple[Node, IRI, Term] | None = None
    #: position of the statement in the corpus (files in a stable order), for a stable choice
    seq: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        """Explicit types first, then the first statement in the corpus."""
        return (_KIND_ORDER[self.kind], self.seq)

    @property
    def where(self) -> str:
        if self.source is None or self.triple is None:
            return "ontology/"
        return f"{self.source.path}:{self.source.line_of(*self.triple)}"


_KIND_ORDER = {"type": 0, "ontology": 1, "subject": 2, "object": 3}


class _Roles:
    """Classes a statement gives its subject and its object, per predicate (memoised)."""

    def __init__(self, axioms: Axioms) -> None:
        self.axioms = axioms
        self._cache: dict[str, tuple[list[str], list[str]]] = {}

    def __call__(self, predicate: str) -> tuple[list[str], list[str]]:
        if predicate not in self._cache:
            self._cache[predicate] = self._compute(predicate)
        return self._cache[predicate]

    def _compute(self, predicate: str) -> tuple[list[str], list[str]]:
        ax = self.axioms
        subject: set[str] = set()
        obj: set[str] = set()
        for prop in ax.superproperties.get(predicate, [predicate]):
            subject.update(ax.domains.get(prop, ()))
            obj.update(ax.ranges.get(prop, ()))
            for inverse in ax.inverse_of(prop):
                subject.update(ax.ranges.get(inverse, ()))
                obj.update(ax.domains.get(inverse, ()))
            if prop in ax.symmetric:
                both = set(ax.domains.get(prop, ())) | set(ax.ranges.get(prop, ()))
                subject |= both
                obj |= both
        return sorted(subject), sorted(obj)


def typing(corpus: Corpus, axioms: Axioms) -> dict[Node, dict[str, Reason]]:
    """Every resource → the classes it belongs to (super-classes included) and one reason each."""
    direct: dict[Node, dict[str, Reason]] = defaultdict(dict)
    for name, classes in axioms.individuals.items():
        for cls in classes:
            direct[IRI(name)].setdefault(cls, Reason(cls, "ontology"))
    roles = _Roles(axioms)
    seq = 0
    for source in corpus.files:
        for s, p, o in source.parsed.triples:
            seq += 1
            if p.value == RDF_TYPE and isinstance(o, IRI):
                _keep(direct[s], o.value, "type", source, (s, p, o), seq)
                continue
            of_subject, of_object = roles(p.value)
            for cls in of_subject:
                _keep(direct[s], cls, "subject", source, (s, p, o), seq)
            if of_object and not isinstance(o, Literal):
                for cls in of_object:
                    _keep(direct[o], cls, "object", source, (s, p, o), seq)
    return {node: _up(reasons, axioms) for node, reasons in direct.items()}


def _keep(
    reasons: dict[str, Reason],
    cls: str,
    kind: str,
    source: SourceFile,
    triple: tuple[Node, IRI, Term],
    seq: int,
) -> None:
    old = reasons.get(cls)
    if old is None or (_KIND_ORDER[kind], seq) < old.rank:
        reasons[cls] = Reason(cls, kind, source, triple, seq)


def _up(reasons: dict[str, Reason], axioms: Axioms) -> dict[str, Reason]:
    closed: dict[str, Reason] = {}
    for reason in sorted(reasons.values(), key=lambda r: r.rank):
        for cls in axioms.ancestors(reason.cls):
            closed.setdefault(cls, reason)
    return closed


def check(corpus: Corpus, axioms: Axioms, vocab: Vocabulary) -> list[Finding]:
    """Violations for every contradiction between the curated data and the TBox."""
    types = typing(corpus, axioms)
    findings = list(_disjoint(types, axioms, vocab, corpus))
    findings += _functional(corpus, axioms, vocab)
    return findings


def _disjoint(
    types: dict[Node, dict[str, Reason]], axioms: Axioms, vocab: Vocabulary, corpus: Corpus
) -> Iterable[Finding]:
    groups = [set(g) for g in axioms.disjoint]
    for node, classes in sorted(types.items(), key=lambda item: str(item[0])):
        if len(classes) < 2:
            continue
        for index, group in enumerate(groups):
            members = sorted(group.intersection(classes))
            if len(members) < 2:
                continue
            a, b = _most_explicit(members, classes)
            yield _clash_finding(
                node, classes[a], classes[b], axioms.disjoint[index], vocab, corpus
            )
            break


def _most_explicit(members: list[str], classes: dict[str, Reason]) -> tuple[str, str]:
    """Two clashing classes, preferring ones stated in a curated file."""
    ranked = sorted(members, key=lambda c: (classes[c].kind == "ontology", c))
    return ranked[0], ranked[1]


def _functional(corpus: Corpus, axioms: Axioms, vocab: Vocabulary) -> list[Finding]:
    functional = {p for f in axioms.functional for p in axioms.subproperties(f)}
    group_of = {m: i for i, group in enumerate(axioms.distinct) for m in group}
    seen: dict[tuple[Node, str], tuple[SourceFile, IRI, IRI]] = {}
    findings = []
    for source in corpus.files:
        for s, p, o in source.parsed.triples:
            if p.value not in functional or not isinstance(o, IRI) or o.value not in group_of:
                continue
            first = seen.setdefault((s, p.value), (source, p, o))
            if first[2] != o and group_of[first[2].value] == group_of[o.value]:
                findings.append(_functional_finding(s, p, first, source, o, vocab, corpus))
    return findings


# -- messages ---------------------------------------------------------------------------------
def short(iri: str, vocab: Vocabulary) -> str:
    """A prefixed name when a prefix fits, else the IRI in angle brackets."""
    best, name = "", ""
    for prefix, ns in [*STANDARD_PREFIXES.items(), *vocab.prefixes.items()]:
        if iri.startswith(ns) and len(ns) > len(best) and len(iri) > len(ns):
            best = ns
            name = f"{prefix}:{iri[len(ns) :]}"
    return name if best else f"<{iri}>"


def disjoint_axiom(group: list[str], vocab: Vocabulary) -> str:
    names = " ".join(short(c, vocab) for c in group)
    return f"DisjointClasses({names})"


def _because(reason: Reason, vocab: Vocabulary, corpus: Corpus) -> dict[str, str]:
    cls = short(reason.cls, vocab)
    if reason.kind == "ontology" or reason.triple is None:
        return {
            "de": f"die Ontologie es als {cls} festlegt",
            "en": f"the ontology declares it a {cls}",
        }
    s, p, _ = reason.triple
    field = corpus.context.field_of(p.value) or short(p.value, vocab)
    where = reason.where
    if reason.kind == "type":
        return {
            "de": f"es in {where} als {cls} angegeben ist",
            "en": f"{where} gives it the type {cls}",
        }
    if reason.kind == "subject":
        return {
            "de": f"es in {where} das Feld '{field}' hat, das nur ein {cls} haben kann",
            "en": f"{where} gives it the field '{field}', which only a {cls} has",
        }
    return {
        "de": f"{_name(s, vocab)} in {where} mit dem Feld '{field}' darauf verweist, "
        f"dessen Werte {cls} sind",
        "en": f"{_name(s, vocab)} refers to it in {where} through the field '{field}', "
        f"whose values are {cls}",
    }


def _name(node: Term, vocab: Vocabulary) -> str:
    return short(node.value, vocab) if isinstance(node, IRI) else "an entry"


def _clash_finding(
    node: Node, first: Reason, second: Reason, group: list[str], vocab: Vocabulary, corpus: Corpus
) -> Finding:
    anchor = first if first.source is not None else second
    a, b = short(first.cls, vocab), short(second.cls, vocab)
    axiom = disjoint_axiom(group, vocab)
    why_a, why_b = _because(first, vocab, corpus), _because(second, vocab, corpus)
    name = _name(node, vocab)
    message = {
        "de": f"{name} kann nicht zugleich {a} und {b} sein: die Ontologie erklärt diese "
        f"Klassen für disjunkt ({axiom}). {a}, weil {why_a['de']}; {b}, weil "
        f"{why_b['de']}. Entfernen Sie eine der beiden Angaben.",
        "en": f"{name} cannot be both a {a} and a {b}: the ontology declares these classes "
        f"disjoint ({axiom}). A {a} because {why_a['en']}; a {b} because "
        f"{why_b['en']}. Remove one of the two statements.",
    }
    return _finding(anchor, node, message, "owl-disjoint", corpus)


def _functional_finding(
    s: Node,
    p: IRI,
    first: tuple[SourceFile, IRI, IRI],
    source: SourceFile,
    o: IRI,
    vocab: Vocabulary,
    corpus: Corpus,
) -> Finding:
    field = corpus.context.field_of(p.value) or short(p.value, vocab)
    values = f"{short(first[2].value, vocab)}, {short(o.value, vocab)}"
    axiom = f"FunctionalObjectProperty({short(p.value, vocab)}) + DifferentIndividuals"
    message = {
        "de": f"{_name(s, vocab)} hat im Feld '{field}' zwei verschiedene Werte ({values}); "
        f"erlaubt ist genau einer ({axiom}). Behalten Sie einen Wert.",
        "en": f"{_name(s, vocab)} has two different values in the field '{field}' ({values}); "
        f"exactly one is allowed ({axiom}). Keep one value.",
    }
    reason = Reason("", "type", source, (s, p, o))
    return _finding(reason, s, message, "owl-functional", corpus)


def _finding(
    anchor: Reason, node: Node, message: dict[str, str], code: str, corpus: Corpus
) -> Finding:
    source = anchor.source
    if source is None and isinstance(node, IRI):
        source = corpus.file_defining(node.value)
    line = 1
    if source is not None:
        line = source.line_of(*anchor.triple) if anchor.triple else source.line_of(node)
    field = None
    if anchor.triple is not None:
        field = corpus.context.field_of(anchor.triple[1].value)
    return Finding(
        severity="Violation",
        file=source.path if source else "ontology/",
        line=line,
        message=message,
        field=field,
        value=str(node),
        code=code,
        focus=str(node),
    )
