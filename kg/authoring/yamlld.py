"""YAML-LD to triples, directly, with the line of every triple.

The project's JSON-LD context (``ontology/context.jsonld``) is the single definition of the
authoring format: this module reads it and applies exactly the JSON-LD 1.1 expansion rules the
context uses (language maps, ``@id`` and ``@vocab`` typed values with property-scoped ``@vocab``,
typed literals, nested node objects), without a generic JSON-LD processor. That keeps the
line of each value (for error messages) and is fast; ``tests/test_yamlld.py`` checks that the
result equals what a full JSON-LD processor makes of the same files.

Curated files are untrusted, so the YAML is composed here from libyaml's event stream under
:class:`Limits` rather than by PyYAML's composer: anchors and aliases are refused (a 1 KB file
of nested aliases otherwise expands to gigabytes, and a self-referencing one to endless
recursion), and the number of nodes, the nesting depth and the length of each text are
checked while the nodes are made, so a hostile file stops being read at the first node past a
limit. It costs about as much as PyYAML's own composer: reading the 10,000-use-case corpus of
``bench/generate.py`` took 8.6 s of CPU with it and 8.8 s before.

One deliberate addition: the values of ``start`` and ``end`` (``schema:startDate``,
``schema:endDate``) are typed by their form, ``xsd:gYear`` (2023), ``xsd:gYearMonth`` (2023-06)
or ``xsd:date`` (2023-06-30). A JSON-LD term has one datatype, so a generic processor reads
them as plain strings (docs/model.md).

Fields of the first authoring format (``gaiaxServices``, a single ``source``) are not read:
each gets a message naming the field that replaces it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from kg.authoring.languages import check_tag
from kg.messages import message
from kg.namespaces import RDF_TYPE, SCHEMA, XSD, Vocabulary
from kg.rdf import IRI, BNode, Literal, Term, is_valid_iri

try:  # libyaml is several times faster; fall back to the pure-Python loader.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

CONTEXT_FILE = "context.jsonld"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Codes of other publishers' vocabularies, kept as they write them: Musterdatenkatalog codes
#: (``klimaschutzUndUmweltschutz--berichtUndAnalyse-luftUndEmission``) and Smart Data Models
#: entity types (``AirQualityObserved``).
FOREIGN_CODES = {
    "dataset-type/": re.compile(r"^[A-Za-z0-9]+(?:--?[A-Za-z0-9]+)*$"),
    "data-model/": re.compile(r"^[A-Za-z][A-Za-z0-9]*$"),
}
#: Codes of external tables: letters and digits, joined by ``_ - . / +`` (EU authority codes
#: such as ``UPDATE_CONT`` or ``RDF_TURTLE``, media types such as ``text/csv``); never ``..``.
CODE = re.compile(r"^[A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)*$")
#: An identifier relative to the base, as ``transferFrom`` takes it: ``usecase/slug``.
KIND_SLUG = re.compile(r"^[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")
#: An SPDX licence identifier (``Apache-2.0``, ``GPL-3.0-or-later``).
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
SPDX_LICENSES = "http://spdx.org/licenses/"
#: Predicates whose values are typed by their form (see the module docstring).
TEMPORAL = {SCHEMA + "startDate", SCHEMA + "endDate"}
_TEMPORAL_FORMS = (
    (re.compile(r"^[0-9]{4}$"), XSD + "gYear"),
    (re.compile(r"^[0-9]{4}-[0-9]{2}$"), XSD + "gYearMonth"),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), XSD + "date"),
)
#: Fields of the first authoring format, and the message that says what replaces each.
OLD_FIELDS = {"gaiaxServices": "old-gaiaxServices", "source": "old-source"}

#: The kind of entity each type names, which is the first segment of its identifier.
ID_KINDS = {
    "UseCase": "usecase",
    "Pattern": "pattern",
    "Dataset": "dataset",
    "DataService": "dataset",
    "Platform": "platform",
    "Component": "component",
    "Programme": "programme",
    "Municipality": "place",
    "District": "place",
    "State": "place",
    "Region": "place",
    "Country": "place",
    "Organization": "org",
    "Standard": "standard",
}
#: Kinds of entity that have a file of their own, named after their slug.
FILE_KINDS = {"usecase", "pattern"}


@dataclass(frozen=True)
class Limits:
    """How much one curated file may hold (docs/authoring.md, "Limits")."""

    #: bytes of one file (``KG_MAX_FILE_BYTES``)
    file_bytes: int = 4_000_000
    #: YAML nodes (mappings, lists, keys and values) or RDF triples of one file
    #: (``KG_MAX_FILE_NODES``)
    nodes: int = 250_000
    #: characters of one text, identifier or key (``KG_MAX_LITERAL_LENGTH``)
    literal: int = 20_000
    #: levels of nested mappings and lists in a YAML file
    depth: int = 40


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class TermDef:
    """One term of the context and how its values become RDF."""

    name: str
    iri: str
    #: ``language`` (language map), ``id`` (IRI), ``vocab`` (slug or code under ``vocab``),
    #: ``typed`` (literal of ``datatype``), ``temporal`` (literal typed by its form),
    #: ``node`` (nested entries), ``string`` (plain text)
    kind: str
    vocab: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Context:
    """The authoring context: terms, classes and the IRI of the context document itself."""

    terms: dict[str, TermDef]
    classes: dict[str, str]
    base: str
    iri: str
    accepted_iris: frozenset[str]

    def field_of(self, predicate: str) -> str | None:
        """The YAML field that writes ``predicate`` (first one in context order)."""
        for term in self.terms.values():
            if term.iri == predicate:
                return term.name
        return None


@lru_cache(maxsize=8)
def load_context(ontology_dir: Path, base: str) -> Context:
    """Read the JSON-LD context and rebase it onto ``base``."""
    vocab = Vocabulary(base)
    raw = json.loads((ontology_dir / CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]
    prefixes = {k: vocab.rebase(v) for k, v in raw.items() if isinstance(v, str) and _is_ns(v)}

    def expand(value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in prefixes:
            return prefixes[prefix] + local
        return vocab.rebase(value)

    terms: dict[str, TermDef] = {}
    classes: dict[str, str] = {}
    for name, definition in raw.items():
        if name.startswith("@") or name in prefixes or definition in ("@id", "@type"):
            continue
        if isinstance(definition, str):
            classes[name] = expand(definition)
            continue
        terms[name] = _term(name, definition, expand)
    default_iri = "https://w3id.org/sckg/" + CONTEXT_FILE
    own_iri = vocab.base + CONTEXT_FILE
    return Context(terms, classes, vocab.base, own_iri, frozenset({default_iri, own_iri}))


def _is_ns(value: str) -> bool:
    return value.startswith(("http://", "https://")) and value.endswith(("/", "#"))


def _term(name: str, definition: dict, expand) -> TermDef:
    iri = expand(definition["@id"])
    kind_of_type = definition.get("@type")
    if iri in TEMPORAL and "@type" not in definition:
        return TermDef(name, iri, "temporal")
    if definition.get("@container") == "@language":
        return TermDef(name, iri, "language")
    if kind_of_type == "@id":
        return TermDef(name, iri, "id")
    if kind_of_type == "@vocab":
        vocab = expand(definition["@context"]["@vocab"])
        return TermDef(name, iri, "vocab", vocab=vocab)
    if kind_of_type:
        return TermDef(name, iri, "typed", datatype=expand(kind_of_type))
    if "@type" not in definition and "@container" not in definition:
        return TermDef(name, iri, "node")
    return TermDef(name, iri, "string")  # pragma: no cover - no such term today


@dataclass
class Problem:
    """Something wrong in a file, before SHACL looks at it."""

    code: str
    line: int
    column: int
    field: str | None = None
    value: str | None = None
    params: dict = dc_field(default_factory=dict)
    #: ``Violation`` (the value is left out) or ``Warning`` (the value is kept)
    severity: str = "Violation"

    @property
    def message(self) -> dict[str, str]:
        return message(self.code, **self.params)


@dataclass
class Parsed:
    """What one curated file says: triples, where each came from, and what it defines."""

    triples: list[tuple[IRI | BNode, IRI, Term]] = dc_field(default_factory=list)
    #: (subject, predicate, object) → line of the value in the file
    lines: dict[tuple, int] = dc_field(default_factory=dict)
    #: identifier IRI → line of its ``id``
    defines: dict[str, int] = dc_field(default_factory=dict)
    #: identifier IRI → line of the ``id`` of an addition: an entry of a ``@graph`` without
    #: ``type`` that only adds fields to an entity another entry (usually another file) defines
    adds: dict[str, int] = dc_field(default_factory=dict)
    problems: list[Problem] = dc_field(default_factory=list)

    def add(self, s: IRI | BNode, p: IRI, o: Term, line: int) -> None:
        key = (s, p, o)
        if key not in self.lines:
            self.triples.append(key)
            self.lines[key] = line


class _Converter:
    def __init__(self, context: Context, stem: str, bnode_prefix: str) -> None:
        self.ctx = context
        self.stem = stem
        self.bnode_prefix = bnode_prefix
        self.bnodes = 0
        self.out = Parsed()

    # -- helpers -------------------------------------------------------------------------
    def problem(
        self,
        code: str,
        node: yaml.Node,
        field: str | None = None,
        value: str | None = None,
        **params: object,
    ) -> None:
        mark = node.start_mark
        self.out.problems.append(
            Problem(code, mark.line + 1, mark.column + 1, field, value, dict(params))
        )

    @staticmethod
    def describe(node: yaml.Node) -> str | dict[str, str]:
        if isinstance(node, yaml.MappingNode):
            return message("found-mapping")
        if isinstance(node, yaml.SequenceNode):
            return message("found-list")
        return repr(node.value) if node.value != "" else message("found-nothing")

    def mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys of a mapping with their key and value nodes; reports duplicate keys."""
        seen: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                first = seen[key][0].start_mark.line + 1
                self.problem("duplicate-key", key_node, field=key, first=first)
                continue
            seen[key] = (key_node, value_node)
        return seen

    @staticmethod
    def items(node: yaml.Node) -> list[yaml.Node]:
        return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]

    # -- documents -----------------------------------------------------------------------
    def document(self, root: yaml.Node) -> Parsed:
        if not isinstance(root, yaml.MappingNode):
            self.problem("not-a-record", root, found=self.describe(root))
            return self.out
        entries = self.mapping(root)
        if not entries.keys() & {*self.ctx.terms, "id", "type", "@context", "@graph"}:
            keys = ", ".join(list(entries)[:5])
            found = message("found-keys", keys=keys) if keys else self.describe(root)
            self.problem("not-a-record", root, found=found)
            return self.out
        if "@context" in entries:
            _, ctx_node = entries.pop("@context")
            if not (
                isinstance(ctx_node, yaml.ScalarNode) and ctx_node.value in self.ctx.accepted_iris
            ):
                value = ctx_node.value if isinstance(ctx_node, yaml.ScalarNode) else None
                self.problem(
                    "remote-context", ctx_node, field="@context", value=value, context=self.ctx.iri
                )
                return self.out  # nothing else in a file with a foreign context is trusted
        if "@graph" in entries:
            _, graph = entries.pop("@graph")
            if entries:
                first = next(iter(entries.values()))[0]
                self.problem("misplaced-keyword", first, field=first.value, key=first.value)
            if not isinstance(graph, yaml.SequenceNode):
                self.problem("expected-entries", graph, field="@graph", found=self.describe(graph))
                return self.out
            for item in graph.value:
                self.entity(item, top_level=False)
        else:
            self.entity(root, top_level=True, entries=entries)
        return self.out

    def entity(self, node: yaml.Node, *, top_level: bool, entries: dict | None = None) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.problem("not-a-mapping", node, found=self.describe(node))
            return
        entries = self.mapping(node) if entries is None else entries
        if "id" not in entries:
            self.problem("missing-id", node, field="id")
            return
        _, id_node = entries.pop("id")
        addition = "type" not in entries and not top_level
        subject = self.identifier(id_node, entries.get("type"), top_level, addition=addition)
        if subject is None:
            return
        line = id_node.start_mark.line + 1
        (self.out.adds if addition else self.out.defines).setdefault(subject.value, line)
        self.properties(subject, entries)

    def identifier(
        self, node: yaml.Node, type_entry: tuple | None, top_level: bool, *, addition: bool = False
    ) -> IRI | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        kind, _, slug = (value or "").partition("/")
        if value is None or not SLUG.match(slug) or kind not in set(ID_KINDS.values()):
            self.problem("bad-id", node, field="id", value=value)
            return None
        if type_entry is None and not addition:
            self.problem("missing-type", node, field="type")
            return None
        for type_node in self.items(type_entry[1]) if type_entry else ():
            expected = ID_KINDS.get(type_node.value)
            if expected and expected != kind:
                self.problem(
                    "id-kind-mismatch",
                    node,
                    field="id",
                    value=value,
                    type=type_node.value,
                    kind=expected,
                )
                return None
        if top_level and kind in FILE_KINDS and slug != self.stem:
            self.problem(
                "file-name-mismatch", node, field="id", value=value, expected=slug + ".yaml"
            )
        return IRI(self.ctx.base + value)

    def properties(
        self, subject: IRI | BNode, entries: dict[str, tuple[yaml.Node, yaml.Node]]
    ) -> None:
        for name, (key_node, value_node) in entries.items():
            if name == "type":
                self.types(subject, value_node)
                continue
            if name in ("@context", "@graph"):
                self.problem("misplaced-keyword", key_node, field=name, key=name)
                continue
            if name in OLD_FIELDS and (name not in self.ctx.terms or isinstance(subject, IRI)):
                self.problem(OLD_FIELDS[name], key_node, field=name)
                continue
            term = self.ctx.terms.get(name)
            if term is None:
                close = get_close_matches(name, [*self.ctx.terms, "id", "type"], n=1)
                hint = message("did-you-mean", name=close[0]) if close else ""
                self.problem("unknown-field", key_node, field=name, hint=hint)
                continue
            self.values(subject, term, value_node)

    def types(self, subject: IRI | BNode, node: yaml.Node) -> None:
        for item in self.items(node):
            name = str(item.value) if isinstance(item, yaml.ScalarNode) else None
            iri = self.ctx.classes.get(name) if name else None
            if iri is None:
                self.problem(
                    "unknown-type",
                    item,
                    field="type",
                    value=name,
                    allowed=", ".join(self.ctx.classes),
                )
                continue
            self.out.add(subject, IRI(RDF_TYPE), IRI(iri), item.start_mark.line + 1)

    def values(self, subject: IRI | BNode, term: TermDef, node: yaml.Node) -> None:
        predicate = IRI(term.iri)
        if term.kind == "language":
            self.language_map(subject, predicate, term, node)
            return
        for item in self.items(node):
            line = item.start_mark.line + 1
            if term.kind == "node":
                if not isinstance(item, yaml.MappingNode):
                    self.problem(
                        "expected-entries", item, field=term.name, found=self.describe(item)
                    )
                    continue
                self.bnodes += 1
                bnode = BNode(f"{self.bnode_prefix}b{self.bnodes}")
                self.out.add(subject, predicate, bnode, line)
                self.properties(bnode, self.mapping(item))
                continue
            if not isinstance(item, yaml.ScalarNode) or item.value == "":
                self.problem("expected-text", item, field=term.name, found=self.describe(item))
                continue
            obj = self.scalar(term, item)
            if obj is not None:
                self.out.add(subject, predicate, obj, line)

    def scalar(self, term: TermDef, item: yaml.ScalarNode) -> Term | None:
        value = str(item.value).strip()
        if term.kind == "id":
            # mailto: is for e-mail addresses (contact points); the shapes say which field takes
            # which scheme.
            if not (value.startswith(("http://", "https://", "mailto:")) and is_valid_iri(value)):
                self.problem("bad-url", item, field=term.name, value=value)
                return None
            return IRI(value)
        if term.kind == "vocab":
            return self.vocab_value(term, item, value)
        if term.kind == "typed":
            return Literal(value, datatype=term.datatype)
        if term.kind == "temporal":
            for form, datatype in _TEMPORAL_FORMS:
                if form.match(value):
                    return Literal(value, datatype=datatype)
        return Literal(value)

    def vocab_value(self, term: TermDef, item: yaml.ScalarNode, value: str) -> IRI | None:
        """A slug or code under the term's vocabulary (an SPDX id or a URL for licences)."""
        vocab = term.vocab or ""
        if vocab == SPDX_LICENSES:
            if value.startswith(("http://", "https://")) and is_valid_iri(value):
                return IRI(value)
            pattern, code = SPDX_ID, "bad-license"
        elif vocab == self.ctx.base:
            pattern, code = KIND_SLUG, "bad-reference"
        elif vocab[len(self.ctx.base) :] in FOREIGN_CODES:
            pattern, code = FOREIGN_CODES[vocab[len(self.ctx.base) :]], "bad-code"
        elif vocab.startswith(self.ctx.base):
            pattern, code = SLUG, "bad-slug"
        else:
            pattern, code = CODE, "bad-code"
        if not pattern.match(value):
            self.problem(code, item, field=term.name, value=value)
            return None
        return IRI(vocab + value)

    def language_map(
        self, subject: IRI | BNode, predicate: IRI, term: TermDef, node: yaml.Node
    ) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.problem("expected-language-map", node, field=term.name, found=self.describe(node))
            return
        for lang, (key_node, value_node) in self.mapping(node).items():
            wrong = check_tag(lang)
            if wrong is not None:
                self.problem(
                    wrong.code, key_node, field=f"{term.name}.{lang}", value=lang, **wrong.params
                )
                self.out.problems[-1].severity = wrong.severity
                if wrong.severity == "Violation":
                    continue
            for item in self.items(value_node):
                if not isinstance(item, yaml.ScalarNode) or str(item.value).strip() == "":
                    self.problem(
                        "expected-text",
                        item,
                        field=f"{term.name}.{lang}",
                        found=self.describe(item),
                    )
                    continue
                text = str(item.value).strip()
                self.out.add(
                    subject, predicate, Literal(text, lang=lang.lower()), item.start_mark.line + 1
                )


def convert(
    text: str,
    context: Context,
    *,
    stem: str,
    bnode_prefix: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Parsed:
    """Triples of one YAML-LD document, with lines; problems instead of exceptions."""
    try:
        root = compose(text, limits)
    except LimitExceeded as exc:
        parsed = Parsed()
        parsed.problems.append(exc.problem)
        return parsed
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        parsed = Parsed()
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        parsed.problems.append(syntax_problem(problem.strip(), text, line, column))
        return parsed
    except yaml.YAMLError as exc:
        parsed = Parsed()
        line = getattr(exc, "position", None)
        line = text[:line].count("\n") + 1 if isinstance(line, int) else 1
        parsed.problems.append(syntax_problem(str(exc).splitlines()[0], text, line, 1))
        return parsed
    if root is None:
        parsed = Parsed()
        parsed.problems.append(Problem("empty-file", 1, 1))
        return parsed
    return _Converter(context, stem, bnode_prefix).document(root)


#: What the YAML parser's messages mean, as (part of its message, message code): libyaml's
#: wording, and PyYAML's where it differs.
_SYNTAX = (
    ("tab character", "yaml-tab-indent"),
    ("cannot start any token", "yaml-bad-start"),
    ("mapping values are not allowed", "yaml-colon"),
    ("could not find expected ':'", "yaml-missing-colon"),
    ("did not find expected key", "yaml-indent"),
    ("expected <block end>", "yaml-indent"),
    ("did not find expected ',' or ']'", "yaml-unclosed-list"),
    ("did not find expected ',' or '}'", "yaml-unclosed-mapping"),
    ("did not find expected '-' indicator", "yaml-list-entry"),
    ("block sequence entries are not allowed", "yaml-list-entry"),
    ("unexpected end of stream", "yaml-end"),
    ("another document", "yaml-documents"),
    ("expected <document start>", "yaml-documents"),
    ("unknown escape character", "yaml-escape"),
    ("control characters are not allowed", "yaml-control"),
    ("special characters are not allowed", "yaml-control"),
    ("did not find expected node content", "yaml-no-value"),
)


def syntax_problem(problem: str, text: str, line: int, column: int) -> Problem:
    """A YAML syntax error in words a curator understands, in German and English, with the
    parser's own (English) words kept for reference and a hint when a tab is the cause."""
    code = next((c for part, c in _SYNTAX if part in problem), None)
    meaning = message(code) if code else message("yaml-unknown")
    lines = text.splitlines()
    nearby = lines[max(0, line - 2) : line]
    tab = "\t" in problem or any("\t" in _indent(near) for near in nearby)
    if not tab and 0 < line <= len(lines):  # a tab where the parser stopped
        tab = lines[line - 1][column - 1 : column] == "\t"
    if tab and code == "yaml-bad-start":
        meaning = message("yaml-tab-indent")
    return Problem(
        "yaml-syntax",
        line,
        column,
        params={
            "meaning": meaning,
            "problem": problem,
            "tab": message("yaml-tab", line=line) if tab else "",
        },
    )


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def to_plain(text: str) -> object:
    """The document as plain JSON data, every scalar a string (for a JSON-LD processor)."""
    root = compose(text)

    def walk(node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            return {str(k.value): walk(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [walk(v) for v in node.value]
        return str(node.value).strip()

    return walk(root) if root is not None else None


class LimitExceeded(Exception):
    """A curated file goes past one of its :class:`Limits` (or uses an anchor or alias)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


_DEFAULT_TAGS = {
    ScalarEvent: "tag:yaml.org,2002:str",
    SequenceStartEvent: "tag:yaml.org,2002:seq",
    MappingStartEvent: "tag:yaml.org,2002:map",
}


class _Composer:
    """Nodes from libyaml's events, one at a time, each checked against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.root: yaml.Node | None = None
        #: open collections, each with its pending mapping key (None: a key comes next) and
        #: the key of its last value
        self.open: list[list] = []
        self.nodes = 0
        self.document: DocumentStartEvent | None = None

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is AliasEvent or getattr(event, "anchor", None):
            self.refuse("yaml-anchor", event)
        if kind is DocumentStartEvent:
            if self.document is not None:
                raise ComposerError(
                    "expected a single document in the stream",
                    self.document.start_mark,
                    "but found another document",
                    event.start_mark,
                )
            self.document = event
        elif issubclass(kind, CollectionEndEvent):
            self.open.pop()[0].end_mark = event.end_mark
        elif kind in _DEFAULT_TAGS:
            self.add(self.node(kind, event), event)

    def node(self, kind: type, event: yaml.Event) -> yaml.Node:
        self.nodes += 1
        if self.nodes > self.limits.nodes:
            self.refuse("too-many-nodes", event, limit=self.limits.nodes)
        tag = event.tag or _DEFAULT_TAGS[kind]
        if kind is ScalarEvent:
            if len(event.value) > self.limits.literal:
                self.refuse(
                    "literal-too-long",
                    event,
                    field=self.field(),
                    length=len(event.value),
                    limit=self.limits.literal,
                )
            return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        if len(self.open) >= self.limits.depth:
            self.refuse("too-deep", event, limit=self.limits.depth)
        cls = yaml.SequenceNode if kind is SequenceStartEvent else yaml.MappingNode
        return cls(tag, [], event.start_mark, None, event.flow_style)

    def add(self, node: yaml.Node, event: yaml.Event) -> None:
        if not self.open:
            self.root = node
        else:
            parent = self.open[-1]
            if isinstance(parent[0], yaml.SequenceNode):
                parent[0].value.append(node)
            elif parent[1] is None:
                parent[1] = node
            else:
                parent[0].value.append((parent[1], node))
                parent[1:] = [None, parent[1]]
        if not isinstance(node, yaml.ScalarNode):
            self.open.append([node, None, None])

    def field(self) -> str | None:
        """The keys leading to the node being read (``description.en``), for messages."""
        keys = []
        for depth, (_, pending, last) in enumerate(self.open):
            key = pending if pending is not None else last
            if depth == len(self.open) - 1 and pending is None:
                break  # the node being read is a key of the innermost mapping
            if isinstance(key, yaml.ScalarNode) and key.value != "@graph":
                keys.append(str(key.value)[:40])
        return ".".join(keys) or None

    @staticmethod
    def refuse(code: str, event: yaml.Event, field: str | None = None, **params: object):
        mark = event.start_mark
        raise LimitExceeded(Problem(code, mark.line + 1, mark.column + 1, field, None, params))


def compose(text: str, limits: Limits = DEFAULT_LIMITS) -> yaml.Node | None:
    """The one document of ``text`` as YAML nodes (None for no document), as
    :func:`yaml.compose` makes them but without anchors or aliases and within ``limits``.

    :raises LimitExceeded: at the first anchor, alias or node past a limit
    :raises yaml.YAMLError: for a syntax error or a second document
    """
    composer = _Composer(limits)
    for event in yaml.parse(text, Loader=_Loader):
        composer.feed(event)
    return composer.root
