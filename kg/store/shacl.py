"""SHACL Core shapes compiled to SPARQL, so that a whole corpus validates in a few queries.

pyshacl walks the data graph in Python at 5–12 ms per entity: about 20 minutes for the
150,000 entities of 100,000 use cases, far over the build's budget (DESIGN.md §7a). The shapes
of ``ontology/shapes.ttl`` use a small part of SHACL Core, and each (shape, constraint
component) pair translates into one SELECT query that pyoxigraph answers over the whole store,
or over the few targets an incremental build has to check again (a ``VALUES`` block). A
property shape that several node shapes share is one query over all their classes, since each
query reads every statement of its path however few targets it has.

The store must hold the data and what ``sh:class`` reads from the ontology: the ``rdfs:subClassOf``
axioms and the types of the concepts (the ontology graph of :func:`kg.build.pipeline.release_quads`
holds both, as does :attr:`kg.authoring.ontology.OntologyFiles.typing`). ``sh:targetClass`` and
``sh:class`` follow ``rdf:type/rdfs:subClassOf*``. Validate before the build's rules run: they infer
types, such as ``sckg:CrossSectorUseCase``, that the shapes forbid asserting.

The results are the *leaf* results of pyshacl (see ``_leaves`` in :mod:`kg.build.validate`): a shape
reached through ``sh:node`` reports its own results about the value node, not one result that
wraps them. A SHACL feature the compiler does not translate is refused when the shapes are
compiled (:class:`UnsupportedShape`), so a new shape can never be skipped silently.

Where pyshacl departs from SHACL this module follows SHACL: ``sh:pattern`` searches the string
(pyshacl anchors the match at its start; every pattern in shapes.ttl starts with ``^``), and
``sh:languageIn`` matches with ``langMatches`` (pyshacl compares the whole tag or its first
subtag only), and a value conforms to the shape of ``sh:not`` or ``sh:qualifiedValueShape``
only without any result (pyshacl, asked to allow warnings, lets a shape of severity
``sh:Warning`` conform). None of these differences shows with the shipped shapes. The regular
expressions run on pyoxigraph's engine (Rust's ``regex``), not XPath's: keep patterns to the
syntax both share.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.bridge import from_rdflib
from kg.errors import ConfigurationError
from kg.namespaces import RDF_TYPE, RDFS, SH, XSD
from kg.rdf import IRI, BNode, Literal, Term
from kg.store.oxigraph import from_ox

_Node = rdflib.term.Node

#: From an instance to its classes: its types and their super-classes, to any depth.
_INSTANCE_OF = f"<{RDF_TYPE}>/<{RDFS}subClassOf>*"
#: Marks where the ``VALUES ?root`` block goes, once per target class. No shape text can
#: contain it: IRIs refuse control characters and :func:`kg.rdf.escape_string` escapes them.
_ROOTS = "\x00"
#: Targets per query when validation is restricted to some of them.
CHUNK_SIZE = 1_000

#: The ``sh:`` parameters compiled, and the constraint component each one stands for.
COMPONENTS = {
    "class": "ClassConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "languageIn": "LanguageInConstraintComponent",
    "hasValue": "HasValueConstraintComponent",
    "not": "NotConstraintComponent",
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent",
    "qualifiedValueShape": "QualifiedMinCountConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent",
    "disjoint": "DisjointConstraintComponent",
}
#: ``sh:`` predicates that only describe a shape.
_ANNOTATIONS = {"name", "description", "message", "severity", "order", "group"}
#: ``sh:`` predicates that tie shapes together, or qualify a constraint parameter.
_STRUCTURE = {
    "path",
    "inversePath",
    "alternativePath",
    "oneOrMorePath",
    "targetSubjectsOf",
    "property",
    "node",
    "targetClass",
    "flags",
    "qualifiedMinCount",
    "qualifiedValueShapesDisjoint",
}
#: XSD datatypes whose lexical form the store checks with a cast (an ill-typed literal such as
#: ``"2026-13-45"^^xsd:date`` fails ``sh:datatype``); other datatypes are compared by IRI only.
_CASTABLE = {
    XSD + name
    for name in ("boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time")
}
_NODE_KINDS = {
    "IRI": ("isIRI",),
    "BlankNode": ("isBlank",),
    "Literal": ("isLiteral",),
    "BlankNodeOrIRI": ("isBlank", "isIRI"),
    "BlankNodeOrLiteral": ("isBlank", "isLiteral"),
    "IRIOrLiteral": ("isIRI", "isLiteral"),
}


class UnsupportedShape(ConfigurationError):
    """The shapes use a SHACL feature this compiler does not translate into SPARQL."""


@dataclass(frozen=True, slots=True)
class Result:
    """One leaf validation result, in :mod:`kg.rdf` terms.

    ``focus`` is the node the result is about and ``target`` the targeted node whose validation
    found it: the same node, except for the results of a shape reached through ``sh:node``,
    whose focus is the value node (often a blank node, named by the store, not by the source
    file: use ``target`` to find the file). ``path`` is the predicate, the SPARQL text of a
    complex path (``(^<a>|^<b>)``), or None for a constraint on the focus node itself.
    ``shape`` is the source shape: an IRI, or a :class:`~kg.rdf.BNode` with the id of the
    shape's rdflib blank node in the shapes graph that was compiled (:func:`kg.bridge.to_rdflib`
    turns it back into that node, to look up ``sh:message`` in the same graph object: another
    parse of shapes.ttl names its blank nodes differently). ``severity`` and ``component`` are local
    names (``Violation``, ``MinCountConstraintComponent``); ``field`` is the shape's field
    annotation (``sckg:field``), if it has one.
    """

    focus: IRI | BNode
    path: IRI | str | None
    value: Term | None
    shape: IRI | BNode
    severity: str
    component: str
    field: str | None
    target: IRI | BNode


@dataclass(frozen=True)
class Check:
    """One compiled query: the results of one constraint component of one shape."""

    shape: IRI | BNode
    component: str
    severity: str
    field: str | None
    path: IRI | str | None
    parts: tuple[str, ...]  #: query text around the places of the ``VALUES ?root`` block
    focus_var: str  #: ``root`` for a targeted shape, ``n1``… for one reached through sh:node
    has_value: bool  #: whether the query binds ``?value``

    def query(self, roots: Sequence[IRI] | None = None) -> str:
        """The query over every target, or over ``roots`` only."""
        block = ""
        if roots is not None:
            block = "VALUES ?root { " + " ".join(root.n3() for root in roots) + " } "
        return block.join(self.parts)

    def result(self, row: ox.QuerySolution) -> Result:
        target = from_ox(row["root"])
        focus = target if self.focus_var == "root" else from_ox(row[self.focus_var])
        value = from_ox(row["value"]) if self.has_value else None
        return Result(
            focus=focus,  # type: ignore[arg-type]
            path=self.path,
            value=value,
            shape=self.shape,
            severity=self.severity,
            component=self.component,
            field=self.field,
            target=target,  # type: ignore[arg-type]
        )


def compile_shapes(shapes: rdflib.Graph, *, field: str | None = None) -> list[Check]:
    """The checks of every shape in ``shapes`` that has a ``sh:targetClass``, with the shapes
    it reaches through ``sh:property`` and ``sh:node``.

    ``field`` is the IRI of the annotation that names a shape's field (``sckg:field``).
    Raises :class:`UnsupportedShape` for any ``sh:`` feature it does not translate.
    """
    _refuse_unknown(shapes)
    compiler = _Compiler(shapes, rdflib.URIRef(field) if field else None)
    checks: list[Check] = []
    for shape, classes in _targeted(shapes).items():
        # The property shapes of a node shape are targeted on their own (see _targeted).
        is_property_shape = (shape, _sh("path"), None) in shapes
        checks.extend(compiler.shape(shape, _targets(classes), (), properties=is_property_shape))
    return checks


@dataclass(frozen=True)
class CompiledShapes:
    """What a build needs of the shapes, without parsing them: the :class:`Check` queries,
    the predicates the shapes follow backwards, whether those only count, and the
    ``sh:message`` of each shape as :attr:`Result.shape` names it (a blank node by its label
    in the parse the checks were compiled from)."""

    checks: list[Check]
    inverse: frozenset[str]
    only_count: bool
    messages: dict[IRI | BNode, dict[str, str]]


def compile_all(shapes: rdflib.Graph, *, field: str | None = None) -> CompiledShapes:
    """:func:`compile_shapes` and the rest of :class:`CompiledShapes`, from one parse."""
    message = _sh("message")
    return CompiledShapes(
        checks=compile_shapes(shapes, field=field),
        inverse=frozenset(inverse_predicates(shapes)),
        only_count=inverse_paths_only_count(shapes),
        messages={
            _term(shape): shape_messages(shapes, shape)
            for shape in set(shapes.subjects(message, None))
            if isinstance(shape, (rdflib.URIRef, rdflib.BNode))
        },
    )


#: Bump when :class:`CompiledShapes` or what it is pickled from changes (the source of this
#: module is part of the key as well).
_CACHE_VERSION = "1"


def cached_shapes(
    text: str, parse: Callable[[], rdflib.Graph], *, field: str | None, folder: Path | None
) -> CompiledShapes:
    """The shapes of the Turtle ``text`` compiled (``parse`` gives their graph), kept in
    ``folder`` under a key of their content, this module's source and ``field``: parsing and
    compiling them took 0.4 s of every incremental build. A cache file that cannot be read is
    ignored (and replaced)."""
    if folder is None:
        return compile_all(parse(), field=field)
    key = hashlib.sha256()
    for part in (_CACHE_VERSION, field or "", Path(__file__).read_text(encoding="utf-8"), text):
        key.update(part.encode("utf-8"))
        key.update(b"\0")
    path = Path(folder) / f"shapes-{key.hexdigest()[:32]}.pickle"
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, CompiledShapes):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    except (TypeError, ValueError, IndexError, KeyError):
        pass  # a damaged file can fail in many ways: it is compiled again
    compiled = compile_all(parse(), field=field)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(compiled, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for other in path.parent.glob("shapes-*.pickle"):
            if other != path:
                other.unlink(missing_ok=True)
    return compiled


def shape_messages(shapes: rdflib.Graph, shape: rdflib.term.Node) -> dict[str, str]:
    """The ``sh:message`` of ``shape`` by language (untagged counts as English; without an
    English one, the first stands for it)."""
    found: dict[str, str] = {}
    for message in shapes.objects(shape, _sh("message")):
        found[getattr(message, "language", None) or "en"] = str(message)
    if found and "en" not in found:
        found["en"] = next(iter(found.values()))
    return found


def inverse_predicates(shapes: rdflib.Graph) -> set[str]:
    """The predicates the shapes follow backwards (``sh:inversePath``)."""
    return {str(p) for p in shapes.objects(None, _sh("inversePath"))}


#: what a property shape may say and still only count the values its path reaches
_COUNTING = {SH + n for n in ("path", "minCount", "maxCount", "severity", "message", "name")} | {
    SH + n for n in ("description", "order", "group", "deactivated")
}


def inverse_paths_only_count(shapes: rdflib.Graph) -> bool:
    """Whether every property shape whose path follows a predicate backwards only counts the
    values (``sh:minCount``/``sh:maxCount``): its result for an entity then depends on which
    statements point at it, not on what else is said about their subjects."""
    path, inverse = _sh("path"), _sh("inversePath")
    for shape, root in shapes.subject_objects(path):
        nodes, stack = set(), [root]
        while stack:  # every node of the path expression, lists included
            node = stack.pop()
            if node in nodes or not isinstance(node, rdflib.BNode):
                continue
            nodes.add(node)
            stack.extend(o for _, o in shapes.predicate_objects(node))
        if not any(shapes.value(n, inverse) is not None for n in nodes):
            continue
        said = {str(p) for p in shapes.predicates(shape) if str(p).startswith(SH)}
        if not said <= _COUNTING:
            return False
    return True


def run_check(store: ox.Store, check: Check, roots: Sequence[IRI] | None = None) -> list[Result]:
    """The results of one check, over every target or over ``roots`` only. The query reads
    the union of the store's graphs."""
    solutions = store.query(check.query(roots), use_default_graph_as_union=True)
    return [check.result(row) for row in solutions]  # type: ignore[union-attr]


def validate(
    store: ox.Store,
    checks: Sequence[Check],
    focus: Iterable[IRI] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> list[Result]:
    """The results of all ``checks``, without repeats; with ``focus``, only those of the
    targets in it (and of the nodes they reach through ``sh:node``)."""
    chunks: list[list[IRI] | None] = [None]
    if focus is not None:
        chunks = list(_batched(list(dict.fromkeys(focus)), chunk_size))
    found: dict[Result, None] = {}
    for check in checks:
        for roots in chunks:
            found.update(dict.fromkeys(run_check(store, check, roots)))
    return list(found)


def sparql_path(graph: rdflib.Graph, node: _Node) -> str:
    """The SPARQL property path of a SHACL path (a predicate, ``sh:inversePath`` or
    ``sh:alternativePath``)."""
    if isinstance(node, rdflib.URIRef):
        return _n3(node)
    inverse = graph.value(node, _sh("inversePath"))
    if inverse is not None:
        inner = sparql_path(graph, inverse)
        return f"^{inner}" if inner[0] in "<(" else f"^({inner})"
    alternatives = graph.value(node, _sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(sparql_path(graph, n) for n in graph.items(alternatives)) + ")"
    repeated = graph.value(node, _sh("oneOrMorePath"))
    if repeated is not None:
        inner = sparql_path(graph, repeated)
        return f"{inner}+" if inner[0] in "<(" else f"({inner})+"
    raise UnsupportedShape(
        f"the SHACL path {node} is not a predicate, inverse, alternative or one-or-more path"
    )


# -- compiling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Focus:
    """A group graph pattern that binds ``?root`` (a target) and ``?{var}`` (the focus node)."""

    pattern: str
    var: str
    depth: int = 0

    @property
    def select(self) -> str:
        return "?root" if self.var == "root" else f"?root ?{self.var}"


def _targeted(shapes: rdflib.Graph) -> dict[_Node, list[_Node]]:
    """Each shape that has targets, with its classes. The property shapes of a node shape are
    targeted at its classes, merged over all node shapes that share them: a query reads every
    statement of its path in the store, whatever its targets, so one query per property shape
    is several times faster than one per node shape that uses it."""
    classes: dict[_Node, set[_Node]] = {}
    for shape, cls in shapes.subject_objects(_sh("targetClass")):
        classes.setdefault(shape, set()).add(cls)
    for shape, prop in shapes.subject_objects(_sh("targetSubjectsOf")):
        classes.setdefault(shape, set()).add(_SubjectsOf(prop))
    for shape in [s for s in classes if (s, _sh("path"), None) not in shapes]:
        for prop in shapes.objects(shape, _sh("property")):
            classes.setdefault(prop, set()).update(classes[shape])
    return {shape: sorted(classes[shape], key=str) for shape in sorted(classes, key=str)}


class _SubjectsOf(rdflib.URIRef):
    """A target ``sh:targetSubjectsOf p`` among the target classes of a shape (kept apart from
    a class of the same IRI by its type)."""

    __slots__ = ()

    def __new__(cls, prop: _Node) -> _SubjectsOf:
        return super().__new__(cls, str(prop))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SubjectsOf) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(("subjectsOf", str(self)))

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)


def _target_pattern(target: _Node) -> str:
    if isinstance(target, _SubjectsOf):
        return f"{_ROOTS}?root {_n3(rdflib.URIRef(str(target)))} ?any"
    return f"{_ROOTS}?root {_INSTANCE_OF} {_n3(target)}"


def _targets(classes: Sequence[_Node]) -> _Focus:
    # One branch per class, each with the class as a constant and its own VALUES ?root block:
    # with the classes in a VALUES block, or one VALUES ?root block outside the UNION,
    # pyoxigraph walks every instance of the classes (measured at 10,000 use cases).
    # A target sh:targetSubjectsOf p is a branch over the subjects of p.
    instances = " UNION ".join(f"{{ {_target_pattern(c)} }}" for c in classes)
    return _Focus(f"{{ SELECT DISTINCT ?root WHERE {{ {instances} }} }}", "root")


def _value_nodes(focus: _Focus, path: str | None) -> _Focus:
    """The focus of the shapes that apply to the value nodes of ``path`` (sh:node, sh:property)."""
    if path is None:
        return focus
    var = f"n{focus.depth + 1}"
    values = f"{focus.pattern} ?{focus.var} {path} ?{var} ."
    return _Focus(f"{{ SELECT DISTINCT ?root ?{var} WHERE {{ {values} }} }}", var, focus.depth + 1)


#: Builds the condition a value node (a SPARQL variable) meets: (compiler, shape, parameter
#: value, variable) -> SPARQL expression.
_Test = Callable[["_Compiler", _Node, _Node, str], str]


class _Compiler:
    """Turns the shapes of one shapes graph into checks."""

    def __init__(self, shapes: rdflib.Graph, field: rdflib.URIRef | None) -> None:
        self.g = shapes
        self.field = field

    def shape(
        self, shape: _Node, focus: _Focus, stack: tuple, *, properties: bool = True
    ) -> list[Check]:
        """Checks of ``shape`` on ``focus``, then of the shapes it applies to its value nodes
        (its ``sh:property`` shapes only with ``properties``)."""
        if shape in stack:
            raise UnsupportedShape(f"the shape {shape} reaches itself through sh:node/sh:property")
        path_node = self.g.value(shape, _sh("path"))
        path = sparql_path(self.g, path_node) if path_node is not None else None
        checks = [
            self._check(shape, focus, path_node, compiled)
            for compiled in self._queries(shape, focus, path)
        ]
        nested = list(self.g.objects(shape, _sh("node")))
        if properties:
            nested.extend(self.g.objects(shape, _sh("property")))
        for other in sorted(nested, key=str):
            checks.extend(self.shape(other, _value_nodes(focus, path), (*stack, shape)))
        return checks

    def _queries(
        self, shape: _Node, focus: _Focus, path: str | None
    ) -> Iterator[tuple[str, str, bool]]:
        """(component, query, whether it binds ?value) for each constraint of ``shape``."""
        for name, parameter in _parameters(self.g, shape):
            if name == "uniqueLang" and not parameter.toPython():
                continue
            if name in _COUNTS:
                if path is None and name != "hasValue":
                    raise UnsupportedShape(f"sh:{name} needs sh:path (on the shape {shape})")
                yield COMPONENTS[name], _COUNTS[name](self, shape, parameter, focus, path), False
            elif name in _TESTS:
                ok = _TESTS[name](self, shape, parameter, "?value")
                yield COMPONENTS[name], self._value_query(focus, path, ok), True
            elif name == "disjoint":
                if path is None:
                    raise UnsupportedShape(f"sh:disjoint needs sh:path (on the shape {shape})")
                yield COMPONENTS[name], self._disjoint(parameter, focus, path), True

    def _check(
        self, shape: _Node, focus: _Focus, path_node: _Node | None, compiled: tuple[str, str, bool]
    ) -> Check:
        component, query, has_value = compiled
        severity = self.g.value(shape, _sh("severity"))
        named = self.g.value(shape, self.field) if self.field is not None else None
        return Check(
            shape=_term(shape),
            component=component,
            severity=_local(severity) if severity is not None else "Violation",
            field=str(named) if named is not None else None,
            path=_result_path(self.g, path_node),
            parts=tuple(query.split(_ROOTS)),
            focus_var=focus.var,
            has_value=has_value,
        )

    # -- the query of each kind of component ----------------------------------------------------

    @staticmethod
    def _value_query(focus: _Focus, path: str | None, ok: str) -> str:
        """Each value node that fails ``ok``; the focus node itself when there is no path."""
        values = f"?{focus.var} {path} ?value ." if path else f"BIND(?{focus.var} AS ?value)"
        return (
            f"SELECT DISTINCT {focus.select} ?value WHERE {{ {focus.pattern} {values} "
            f"FILTER(!({ok})) }}"
        )

    @staticmethod
    def _counted(focus: _Focus, values: str, having: str) -> str:
        """Each focus node whose count of value nodes in ``values`` meets ``having``."""
        return (
            f"SELECT DISTINCT {focus.select} WHERE {{ "
            f"{{ SELECT {focus.select} (COUNT(DISTINCT ?value) AS ?count) "
            f"WHERE {{ {focus.pattern} {values} }} GROUP BY {focus.select} }} "
            f"FILTER(?count {having}) }}"
        )

    def _too_few(self, focus: _Focus, path: str, minimum: _Node, condition: str = "true") -> str:
        """Each focus node with fewer than ``minimum`` value nodes that meet ``condition``."""
        values = f"?{focus.var} {path} ?value . FILTER({condition})"
        if int(minimum) == 1:  # three times faster than counting, at 10,000 use cases
            return (
                f"SELECT DISTINCT {focus.select} WHERE {{ {focus.pattern} "
                f"FILTER NOT EXISTS {{ {values} }} }}"
            )
        return self._counted(focus, f"OPTIONAL {{ {values} }}", f"< {minimum}")

    def _min_count(self, shape: _Node, count: _Node, focus: _Focus, path: str) -> str:
        return self._too_few(focus, path, count)

    @staticmethod
    def _pairs(focus: _Focus, path: str, condition: str) -> str:
        """Each focus node with two different value nodes that meet ``condition`` together
        (joining each value with the others is about twice as fast as counting, at 100,000)."""
        node = f"?{focus.var}"
        return (
            f"SELECT DISTINCT {focus.select} WHERE {{ {focus.pattern} {node} {path} ?value . "
            f"{node} {path} ?other . FILTER(!sameTerm(?value, ?other) && {condition}) }}"
        )

    def _max_count(self, shape: _Node, count: _Node, focus: _Focus, path: str) -> str:
        if int(count) == 1:
            return self._pairs(focus, path, "true")
        return self._counted(focus, f"?{focus.var} {path} ?value .", f"> {count}")

    def _unique_lang(self, shape: _Node, unique: _Node, focus: _Focus, path: str) -> str:
        same_language = 'lang(?value) != "" && LCASE(lang(?value)) = LCASE(lang(?other))'
        return self._pairs(focus, path, same_language)

    @staticmethod
    def _disjoint(other: _Node, focus: _Focus, path: str) -> str:
        """Each value node that is also a value of the property ``other`` of the focus node."""
        node = f"?{focus.var}"
        return (
            f"SELECT DISTINCT {focus.select} ?value WHERE {{ {focus.pattern} "
            f"{node} {path} ?value . {node} {_n3(other)} ?value }}"
        )

    def _has_value(self, shape: _Node, value: _Node, focus: _Focus, path: str | None) -> str:
        # No sh:value in the result, as SHACL (and pyshacl) say.
        node, value = f"?{focus.var}", _n3(value)
        missing = (
            f"!sameTerm({node}, {value})"
            if path is None
            else f"NOT EXISTS {{ {node} {path} {value} }}"
        )
        return f"SELECT DISTINCT {focus.select} WHERE {{ {focus.pattern} FILTER({missing}) }}"

    def _qualified(self, shape: _Node, qualified: _Node, focus: _Focus, path: str) -> str:
        disjoint = self.g.value(shape, _sh("qualifiedValueShapesDisjoint"))
        if disjoint is not None and disjoint.toPython():
            raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint true (on the shape {shape})")
        minimum = self.g.value(shape, _sh("qualifiedMinCount"))
        if minimum is None:
            raise UnsupportedShape(f"sh:qualifiedValueShape without sh:qualifiedMinCount ({shape})")
        return self._too_few(focus, path, minimum, self._conforms(qualified, "?value"))

    # -- conditions on one value node ------------------------------------------------------------

    def _conforms(self, shape: _Node, var: str) -> str:
        """The condition under which ``var`` conforms to ``shape`` (sh:not, sh:qualifiedValueShape):
        only shapes made of conditions on the node itself translate into an expression."""
        tests = ["true"]
        for name, parameter in _parameters(self.g, shape):
            if name in _TESTS:
                tests.append(f"({_TESTS[name](self, shape, parameter, var)})")
            elif name not in _ANNOTATIONS | {"flags"}:
                raise UnsupportedShape(
                    f"sh:{name} in a shape used by sh:not or sh:qualifiedValueShape ({shape})"
                )
        return " && ".join(tests)

    def _class(self, shape: _Node, cls: _Node, var: str) -> str:
        return f"EXISTS {{ {var} {_INSTANCE_OF} {_n3(cls)} }}"

    def _datatype(self, shape: _Node, datatype: _Node, var: str) -> str:
        test = f"isLiteral({var}) && sameTerm(datatype({var}), {_n3(datatype)})"
        if str(datatype) in _CASTABLE:  # a well-formed lexical form casts to the same literal
            test += f" && COALESCE(sameTerm({_n3(datatype)}({var}), {var}), false)"
        return test

    def _node_kind(self, shape: _Node, kind: _Node, var: str) -> str:
        tests = _NODE_KINDS.get(_local(kind))
        if tests is None:
            raise UnsupportedShape(f"sh:nodeKind {kind} (on the shape {shape})")
        return " || ".join(f"{test}({var})" for test in tests)

    def _pattern(self, shape: _Node, pattern: _Node, var: str) -> str:
        flags = self.g.value(shape, _sh("flags"))
        regex = f"{_string(pattern)}, {_string(flags)}" if flags is not None else _string(pattern)
        return f"!isBlank({var}) && REGEX(STR({var}), {regex})"

    def _language_in(self, shape: _Node, languages: _Node, var: str) -> str:
        ranges = [f"langMatches(lang({var}), {_string(lang)})" for lang in self.g.items(languages)]
        return f"isLiteral({var}) && ({' || '.join(ranges) or 'false'})"

    def _has_value_test(self, shape: _Node, value: _Node, var: str) -> str:
        return f"sameTerm({var}, {_n3(value)})"

    def _not(self, shape: _Node, other: _Node, var: str) -> str:
        return f"!({self._conforms(other, var)})"

    def _max_length(self, shape: _Node, length: _Node, var: str) -> str:
        return f"!isBlank({var}) && STRLEN(STR({var})) <= {int(length)}"

    def _min_inclusive(self, shape: _Node, bound: _Node, var: str) -> str:
        # A value that cannot be compared (another datatype, an IRI) fails, as in SHACL.
        return f"COALESCE(isLiteral({var}) && {var} >= {_n3(bound)}, false)"

    def _max_inclusive(self, shape: _Node, bound: _Node, var: str) -> str:
        return f"COALESCE(isLiteral({var}) && {var} <= {_n3(bound)}, false)"


#: Components that test each value node on its own (without sh:path: the focus node); the
#: shapes of sh:not and sh:qualifiedValueShape are made of them.
_TESTS: dict[str, _Test] = {
    "class": _Compiler._class,
    "datatype": _Compiler._datatype,
    "nodeKind": _Compiler._node_kind,
    "pattern": _Compiler._pattern,
    "languageIn": _Compiler._language_in,
    "hasValue": _Compiler._has_value_test,
    "not": _Compiler._not,
    "minInclusive": _Compiler._min_inclusive,
    "maxInclusive": _Compiler._max_inclusive,
    "maxLength": _Compiler._max_length,
}
#: Components that look at all value nodes of a focus node together (all but sh:hasValue
#: need sh:path).
_COUNTS: dict[str, Callable[..., str]] = {
    "hasValue": _Compiler._has_value,
    "minCount": _Compiler._min_count,
    "maxCount": _Compiler._max_count,
    "uniqueLang": _Compiler._unique_lang,
    "qualifiedValueShape": _Compiler._qualified,
}


def _refuse_unknown(shapes: rdflib.Graph) -> None:
    """Refuse every ``sh:`` predicate that is neither structure nor a compiled component."""
    supported = _ANNOTATIONS | _STRUCTURE | set(_TESTS) | set(_COUNTS) | {"disjoint"}
    for shape in shapes.subjects(rdflib.RDF.type, rdflib.RDFS.Class):
        if (shape, rdflib.RDF.type, _sh("NodeShape")) in shapes:
            raise UnsupportedShape(f"implicit class targets (the shape {shape} is a class)")
    for subject, predicate in sorted(set(shapes.subject_predicates()), key=str):
        if str(predicate).startswith(SH) and _local(predicate) not in supported:
            raise UnsupportedShape(
                f"sh:{_local(predicate)} (on {subject}) is not compiled to SPARQL by "
                "kg.store.shacl; add it there, with a test, before a shape uses it"
            )


def _parameters(shapes: rdflib.Graph, shape: _Node) -> list[tuple[str, _Node]]:
    """(local name, value) of each ``sh:`` predicate of ``shape``, in a stable order."""
    found = [(_local(p), o) for p, o in shapes.predicate_objects(shape) if str(p).startswith(SH)]
    return sorted(found, key=lambda pair: (pair[0], str(pair[1])))


def _result_path(shapes: rdflib.Graph, node: _Node | None) -> IRI | str | None:
    if node is None:
        return None
    return IRI(str(node)) if isinstance(node, rdflib.URIRef) else sparql_path(shapes, node)


def _term(node: _Node) -> IRI | BNode:
    return BNode(str(node)) if isinstance(node, rdflib.BNode) else IRI(str(node))


def _sh(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(SH + name)


def _local(node: _Node) -> str:
    return str(node).rsplit("#", 1)[-1]


def _n3(node: _Node) -> str:
    return from_rdflib(node).n3()


def _string(node: _Node) -> str:
    return Literal(str(node)).n3()


def _batched(items: list[IRI], size: int) -> Iterator[list[IRI]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
