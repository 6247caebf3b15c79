"""Why an inferred fact holds: the asserted triples and the axiom behind it.

owlready2 and HermiT offer no explanation (justification) service, so the justifications are
derived here from the axioms that produced each fact (:mod:`kg.build.reasoning.rules`):

* a member of a defined class (``CrossSectorUseCase ≡ UseCase ⊓ ≥2 sector.Sector``): its
  values of the property, which the ontology declares pairwise different;
* a property chain (``feeds ⊒ producesDataset ∘ usedBy``): one justification per dataset in
  the middle;
* an inverse or symmetric property: the statement read the other way;
* a transitive property (``within``): the two steps it joins;
* a super-class or super-property (stored for clients without a reasoner): the statement with
  the sub-class or sub-property it generalises;
* ``connectsTo`` (a rule, not an axiom): the shared use cases, data flows and shared datasets.

A premise that is itself inferred is explained in turn, down to asserted triples, each with the
curated file it comes from. :func:`explain` returns data (for pages and JSON); :func:`render`
writes it as text in German or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.build.reasoning.axioms import Axioms, MinCardinality
from kg.build.reasoning.consistency import short
from kg.build.reasoning.rules import known_fillers
from kg.namespaces import RDF_TYPE, Vocabulary
from kg.rdf import IRI, Term, Triple
from kg.store.base import Store

#: Most justifications listed per fact (a hub dataset can carry thousands of flows).
LIMIT = 5
_DEPTH = 3


@dataclass(frozen=True)
class Premise:
    """A triple a justification rests on, with where it is asserted (or why it holds)."""

    triple: Triple
    files: tuple[str, ...] = ()
    because: tuple[Justification, ...] = ()


@dataclass(frozen=True)
class Justification:
    """One reason an inferred fact holds: an axiom (or rule) and the premises it needs."""

    fact: Triple
    axiom: dict[str, str]
    premises: tuple[Premise, ...] = field(default_factory=tuple)


class Explainer:
    """Justifications of inferred facts in a built store."""

    def __init__(self, store: Store, vocab: Vocabulary, axioms: Axioms) -> None:
        self.store = store
        self.vocab = vocab
        self.axioms = axioms
        self.inferred = vocab.graph("inferred")

    # -- entry points ---------------------------------------------------------------------------
    def facts(self, iri: str) -> list[Triple]:
        """The inferred facts about ``iri`` (as subject), in a stable order."""
        rows = self.store.select(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH <{self.inferred}> {{ ?s ?p ?o }} }} "
            "ORDER BY ?p ?o",
            {"s": IRI(iri)},
        )
        return [(IRI(iri), row["p"], row["o"]) for row in rows]  # type: ignore[misc]

    def explain(self, fact: Triple, depth: int = _DEPTH) -> list[Justification]:
        s, p, o = fact
        ax = self.axioms
        if p.value == RDF_TYPE and isinstance(o, IRI):
            found = [j for d in ax.defined if d.cls == o.value for j in self._defined(s, d, depth)]
            found = found or self._general(fact, RDF_TYPE, depth)
            return found or [Justification(fact, _RULE)]
        if p.value == self.vocab.term("connectsTo"):
            return self._connects(fact)
        found: list[Justification] = []
        for prop, chain in ax.chains:
            if prop == p.value:
                found += self._chain(fact, chain, depth)
        # A fact with its own derivation (a chain) is not explained by its inferred inverse,
        # which would only lead back to it.
        asserted_only = bool(found)
        for inverse in ax.inverse_of(p.value):
            found += self._turned(fact, inverse, "inverse", depth, asserted_only)
        if p.value in ax.symmetric:
            found += self._turned(fact, p.value, "symmetric", depth, asserted_only)
        if not found:
            found = self._general(fact, p.value, depth)
        if not found and p.value in ax.transitive:
            found = self._transitive(fact, depth)
        return found[:LIMIT] or [Justification(fact, _RULE)]

    # -- premises -------------------------------------------------------------------------------
    def premise(self, triple: Triple, depth: int) -> Premise:
        """``triple`` with the curated files that assert it, or the reasons it is inferred."""
        rows = self.store.select(
            "SELECT DISTINCT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
            {"s": triple[0], "p": triple[1], "o": triple[2]},
        )
        graphs = [row["g"].value for row in rows]
        files = tuple(self._file(g) for g in graphs if g != self.inferred)
        if files or depth <= 0:
            return Premise(triple, files)
        return Premise(triple, (), tuple(self.explain(triple, depth - 1)))

    def _file(self, graph: str) -> str:
        prefix = self.vocab.graph("source/")
        return graph[len(prefix) :] if graph.startswith(prefix) else graph

    # -- the kinds of justification ---------------------------------------------------------------
    def _defined(self, s: Term, d: MinCardinality, depth: int) -> list[Justification]:
        axiom = _defined_axiom(d, self.vocab)
        found = []
        for members in known_fillers(self.axioms, d):
            rows = self.store.select(
                f"SELECT DISTINCT ?s ?v WHERE {{ ?s {_path(self.axioms, d.prop)} ?v "
                f"VALUES ?v {{ {' '.join(f'<{m}>' for m in members)} }} }} ORDER BY ?v",
                {"s": s},
            )
            values = [row["v"] for row in rows]
            if len(values) >= d.n:
                premises = tuple(
                    self.premise((s, IRI(d.prop), v), depth)  # type: ignore[arg-type]
                    for v in values
                )
                found.append(Justification((s, IRI(RDF_TYPE), IRI(d.cls)), axiom, premises))
        return found

    def _chain(self, fact: Triple, chain: tuple[str, ...], depth: int) -> list[Justification]:
        s, p, o = fact
        steps = " ".join(
            f"?x{i} {_path(self.axioms, step)} ?x{i + 1} ." for i, step in enumerate(chain)
        )
        middle = " ".join(f"?x{i}" for i in range(1, len(chain)))
        end = f"?x{len(chain)}"
        query = (
            f"SELECT DISTINCT ?x0 {middle} {end} WHERE {{ {steps} }} "
            f"ORDER BY {middle} LIMIT {LIMIT}"
        ).replace(end, "?end")
        axiom = _chain_axiom(p.value, chain, self.vocab)
        found = []
        for row in self.store.select(query, {"x0": s, "end": o}):
            nodes = [s, *(row[f"x{i}"] for i in range(1, len(chain))), o]
            premises = tuple(
                self.premise((nodes[i], IRI(step), nodes[i + 1]), depth)  # type: ignore[arg-type]
                for i, step in enumerate(chain)
            )
            found.append(Justification(fact, axiom, premises))
        return found

    def _turned(
        self, fact: Triple, prop: str, kind: str, depth: int, asserted_only: bool
    ) -> list[Justification]:
        s, p, o = fact
        if not isinstance(o, IRI):
            return []
        premise = self.premise((o, IRI(prop), s), depth)  # type: ignore[arg-type]
        if not premise.files and (asserted_only or not premise.because):
            return []
        axiom = _turned_axiom(p.value, prop, kind, self.vocab)
        return [Justification(fact, axiom, (premise,))]

    def _general(self, fact: Triple, kind: str, depth: int) -> list[Justification]:
        """The fact as the generalisation of a more specific statement: ``s a C`` with ``C`` a
        sub-class of the fact's class (``kind`` is rdf:type), or ``s q o`` with ``q`` a
        sub-property of the fact's property."""
        s, p, o = fact
        if kind == RDF_TYPE:
            below = [c for c, sups in self.axioms.superclasses.items() if o.value in sups]
            candidates = [(s, p, IRI(c)) for c in sorted(below) if c != o.value]
            word = ("Unterklasse", "sub-class", "rdfs:subClassOf")
        else:
            below = self.axioms.subproperties(p.value)
            candidates = [(s, IRI(q), o) for q in below if q != p.value]
            word = ("Untereigenschaft", "sub-property", "rdfs:subPropertyOf")
        found = []
        for triple in candidates:
            premise = self.premise(triple, depth)  # type: ignore[arg-type]
            if premise.files or premise.because:
                specific = triple[2] if kind == RDF_TYPE else triple[1]
                a, b = (
                    short(specific.value, self.vocab),
                    short(o.value if kind == RDF_TYPE else p.value, self.vocab),
                )
                axiom = {
                    "de": f"{a} ist {word[0]} von {b} ({word[2]})",
                    "en": f"{a} is a {word[1]} of {b} ({word[2]})",
                }
                found.append(Justification(fact, axiom, (premise,)))
                if len(found) >= LIMIT:
                    break
        return found

    def _transitive(self, fact: Triple, depth: int) -> list[Justification]:
        """``s p o`` for a transitive ``p``: a middle ``m`` with ``s p m`` and ``m p o``."""
        s, p, o = fact
        path = _path(self.axioms, p.value)
        rows = self.store.select(
            f"SELECT DISTINCT ?m WHERE {{ ?s {path} ?m . ?m {path} ?o }} ORDER BY ?m LIMIT {LIMIT}",
            {"s": s, "o": o},
        )
        name = short(p.value, self.vocab)
        axiom = {"de": f"{name} ist transitiv", "en": f"{name} is transitive"}
        return [
            Justification(
                fact,
                axiom,
                (self.premise((s, p, row["m"]), depth), self.premise((row["m"], p, o), depth)),  # type: ignore[arg-type]
            )
            for row in rows
        ]

    def _connects(self, fact: Triple) -> list[Justification]:
        s1, _, s2 = fact
        sector = IRI(self.vocab.term("sector"))
        found = []
        for kind, query, shape in _CONNECTIONS:
            rows = self.store.select(
                query.format(ns=self.vocab.ns, limit=LIMIT), {"s1": s1, "s2": s2}
            )
            for row in rows:
                triples = [_premise_triple(item, row, sector, self.vocab) for item in shape]
                premises = tuple(self.premise(t, 1) for t in triples)
                found.append(Justification(fact, _CONNECTS_AXIOMS[kind], premises))
        return found or [Justification(fact, _RULE)]


def _path(axioms: Axioms, prop: str) -> str:
    return "|".join(f"<{p}>" for p in axioms.subproperties(prop))


def _premise_triple(
    item: tuple[str, str, str], row: dict, sector: IRI, vocab: Vocabulary
) -> Triple:
    s, p, o = item
    prop = sector if p == "sector" else IRI(vocab.term(p))
    return (row[s] if s in row else IRI(s), prop, row[o])  # type: ignore[return-value]


_SHARED_UC = (
    """SELECT DISTINCT ?s1 ?s2 ?u WHERE {{ ?u <{ns}sector> ?s1 , ?s2 }} ORDER BY ?u LIMIT {limit}"""
)
_FLOW = """SELECT DISTINCT ?s1 ?s2 ?a ?d ?b WHERE {{
  ?a <{ns}sector> ?s1 ; <{ns}producesDataset> ?d . ?b <{ns}usesDataset> ?d ; <{ns}sector> ?s2 .
}} ORDER BY ?d ?a ?b LIMIT {limit}"""
_SHARED_DS = """SELECT DISTINCT ?s1 ?s2 ?a ?d ?b WHERE {{
  ?a <{ns}sector> ?s1 ; <{ns}usesDataset> ?d . ?b <{ns}usesDataset> ?d ; <{ns}sector> ?s2 .
}} ORDER BY ?d ?a ?b LIMIT {limit}"""
_CONNECTIONS = [
    ("use case", _SHARED_UC, [("u", "sector", "s1"), ("u", "sector", "s2")]),
    (
        "flow",
        _FLOW,
        [
            ("a", "sector", "s1"),
            ("a", "producesDataset", "d"),
            ("b", "usesDataset", "d"),
            ("b", "sector", "s2"),
        ],
    ),
    (
        "dataset",
        _SHARED_DS,
        [
            ("a", "sector", "s1"),
            ("a", "usesDataset", "d"),
            ("b", "usesDataset", "d"),
            ("b", "sector", "s2"),
        ],
    ),
]
_CONNECTS_AXIOMS = {
    "use case": {
        "de": "Regel (connects-to.ru): ein Anwendungsfall dient beiden Sektoren",
        "en": "rule (connects-to.ru): one use case serves both sectors",
    },
    "flow": {
        "de": "Regel (connects-to.ru): ein Datenfluss verbindet Anwendungsfälle der "
        "beiden Sektoren",
        "en": "rule (connects-to.ru): a data flow links use cases of the two sectors",
    },
    "dataset": {
        "de": "Regel (connects-to.ru): Anwendungsfälle beider Sektoren nutzen denselben Datensatz",
        "en": "rule (connects-to.ru): use cases of both sectors use the same dataset",
    },
}
_RULE = {
    "de": "abgeleitet von einer Regel des Builds (kg/build/rules/)",
    "en": "derived by a build rule (kg/build/rules/)",
}


def _defined_axiom(d: MinCardinality, vocab: Vocabulary) -> dict[str, str]:
    base = " ⊓ ".join(short(b, vocab) for b in d.base)
    text = (
        f"{short(d.cls, vocab)} ≡ {base} ⊓ ≥{d.n} {short(d.prop, vocab)}.{short(d.filler, vocab)}"
    )
    return {
        "de": f"Klassendefinition {text}; die Werte sind paarweise verschieden (owl:AllDifferent)",
        "en": f"class definition {text}; the values are pairwise different (owl:AllDifferent)",
    }


def _chain_axiom(prop: str, chain: tuple[str, ...], vocab: Vocabulary) -> dict[str, str]:
    text = f"{' ∘ '.join(short(c, vocab) for c in chain)} ⊑ {short(prop, vocab)}"
    return {"de": f"Eigenschaftskette {text}", "en": f"property chain {text}"}


def _turned_axiom(prop: str, other: str, kind: str, vocab: Vocabulary) -> dict[str, str]:
    a, b = short(prop, vocab), short(other, vocab)
    if kind == "symmetric":
        return {"de": f"{a} ist symmetrisch", "en": f"{a} is symmetric"}
    return {
        "de": f"{a} ist die Umkehrung von {b} (owl:inverseOf)",
        "en": f"{a} is the inverse of {b} (owl:inverseOf)",
    }


# -- text ---------------------------------------------------------------------------------------
_WORDS = {
    "de": {
        "none": "Keine abgeleiteten Aussagen über {iri}.",
        "because": "weil",
        "asserted": "angegeben in",
        "inferred": "abgeleitet",
    },
    "en": {
        "none": "No inferred statements about {iri}.",
        "because": "because",
        "asserted": "asserted in",
        "inferred": "inferred",
    },
}


def triple_text(triple: Triple, vocab: Vocabulary) -> str:
    return " ".join(_term(t, vocab) for t in triple)


def _term(term: Term, vocab: Vocabulary) -> str:
    if isinstance(term, IRI):
        return "a" if term.value == RDF_TYPE else short(term.value, vocab)
    return term.n3()


def render(
    iri: str,
    justified: list[tuple[Triple, list[Justification]]],
    vocab: Vocabulary,
    lang: str = "en",
) -> str:
    """The facts about ``iri`` and why each holds, as indented text."""
    words = _WORDS[lang]
    if not justified:
        return words["none"].format(iri=iri)
    lines: list[str] = []
    for fact, justifications in justified:
        lines.append(triple_text(fact, vocab))
        for justification in justifications:
            _justification_lines(justification, vocab, lang, 1, lines)
    return "\n".join(lines)


def _justification_lines(
    j: Justification, vocab: Vocabulary, lang: str, level: int, lines: list[str]
) -> None:
    words = _WORDS[lang]
    pad = "  " * level
    lines.append(f"{pad}{words['because']} {j.axiom[lang]}:")
    for premise in j.premises:
        where = (
            f"  ({words['asserted']} {', '.join(premise.files)})"
            if premise.files
            else f"  ({words['inferred']})"
            if premise.because
            else ""
        )
        lines.append(f"{pad}  - {triple_text(premise.triple, vocab)}{where}")
        for inner in premise.because:
            _justification_lines(inner, vocab, lang, level + 2, lines)


def explain_iri(
    store: Store, vocab: Vocabulary, axioms: Axioms, iri: str
) -> list[tuple[Triple, list[Justification]]]:
    """Every inferred fact about ``iri`` with its justifications."""
    explainer = Explainer(store, vocab, axioms)
    return [(fact, explainer.explain(fact)) for fact in explainer.facts(iri)]


def resolve(name: str, vocab: Vocabulary) -> str:
    """A full IRI from an IRI, ``kind/slug`` (under the base) or a known prefix (``sckg:X``)."""
    if name.startswith(("http://", "https://", "urn:")):
        return name
    prefix, sep, local = name.partition(":")
    if sep and prefix in vocab.prefixes:
        return vocab.prefixes[prefix] + local
    return vocab.base + name.lstrip("/")
