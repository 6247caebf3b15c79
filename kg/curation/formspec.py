"""The forms of the curated types, read from the SHACL shapes and the authoring context.

A :class:`FormSpec` per type lists its fields in the order of the shapes: each field is one key
of the YAML authoring format (``ontology/context.jsonld`` says how its values are written: a
language map, a URL, a slug or code under a vocabulary, a nested entry), with the labels, help
texts, cardinalities, code lists and messages of the property shapes (``ontology/shapes.ttl``)
that check it. :mod:`kg.curation.forms` caches them and turns forms into files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.authoring.ontology import OntologyFiles
from kg.authoring.yamlld import SLUG, Context, TermDef, load_context
from kg.messages import message
from kg.namespaces import Vocabulary

TYPES = (
    "usecase",
    "pattern",
    "dataset",
    "dataservice",
    "platform",
    "component",
    "place",
    "organisation",
    "standard",
    "programme",
)

#: type -> (classes of the context it may have, the first is a new entity's, id kind, folder)
TYPE_CLASSES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "usecase": (("UseCase",), "usecase", "usecases/"),
    "pattern": (("Pattern",), "pattern", "usecases/patterns/"),
    "dataset": (("Dataset",), "dataset", "usecases/shared/datasets/"),
    "dataservice": (("DataService",), "dataset", "usecases/shared/datasets/"),
    "platform": (("Platform",), "platform", "usecases/shared/platforms/"),
    "component": (("Component",), "component", "usecases/shared/components/"),
    "place": (
        ("Municipality", "District", "State", "Region", "Country"),
        "place",
        "usecases/shared/places/",
    ),
    "organisation": (("Organization",), "org", "usecases/shared/organisations/"),
    "standard": (("Standard",), "standard", "usecases/shared/standards/"),
    "programme": (("Programme",), "programme", "usecases/shared/programmes/"),
}
#: id kind -> the type a reference to it points at
_REFERENCE_TARGETS = {
    "usecase": "usecase",
    "pattern": "pattern",
    "dataset": "dataset",
    "platform": "platform",
    "component": "component",
    "place": "place",
    "org": "organisation",
    "standard": "standard",
    "programme": "programme",
}
_LONG_TEXTS = {"description"}
#: Fields the shapes do not check for a type (yet) but its entities carry: (before the shapes'
#: fields, after them).
_UNCHECKED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "platform": (("title", "description"), ("places", "standards", "landingPage", "sources")),
}
#: Keys of nested entries the shapes do not check but entries carry, by the group's key.
_UNCHECKED_PARTS = {"distributions": ("title",)}
#: Widgets of one value unless a shape allows more.
_SINGLE_WIDGETS = {"date", "boolean", "number"}
_SH = "http://www.w3.org/ns/shacl#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Field:
    """One field of a form: one key of the authoring format."""

    key: str  #: authoring key in the YAML ("title", "sectors", "uses", ...)
    path: str  #: property IRI (from the shape)
    #: "text" "textarea" "langtext" "langtextarea" "reference" "code" "date" "url" "number"
    #: "boolean", or "group" for a nested entry (its sub-fields are ``parts``)
    widget: str
    many: bool
    required: bool
    label: dict[str, str]  #: sh:name, else the property's rdfs:label
    help: dict[str, str]  #: sh:description
    target: str | None  #: widget "reference": the type it points to (a TYPES entry)
    #: widget "code": (code, labels) from the SKOS scheme
    choices: tuple[tuple[str, dict[str, str]], ...] = ()
    #: widget "group": the fields of each entry
    parts: tuple[Field, ...] = ()
    #: what ``kg validate`` says when the required field is missing (the shape's sh:message)
    missing: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: what ``kg validate`` says about a value not among ``choices`` (the shape's sh:message)
    unknown: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: (pattern, message) of the shapes' sh:pattern checks of the field
    patterns: tuple[tuple[str, dict[str, str]], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FormSpec:
    """The form of one curated type."""

    type: str
    rdf_type: str
    id_prefix: str  #: e.g. "usecase/"
    label: dict[str, str]
    fields: tuple[Field, ...]
    #: where a new entity's file goes, relative to the project, e.g. "usecases/shared/datasets/"
    folder: str
    #: the context's class names an entity of this type may have (``type`` in the YAML)
    classes: tuple[str, ...] = ()

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Location:
    """Where an entity is defined: a file relative to the project, and its index in the
    file's ``@graph`` (None for a file that holds only this entity)."""

    path: str
    index: int | None


def build_specs(folder: Path, base: str) -> dict[str, FormSpec]:
    """The form of every curated type, from the ontology files in ``folder``."""
    ontology = OntologyFiles(folder, Vocabulary(base))
    reader = _ShapeReader(ontology, load_context(folder, base))
    return {name: reader.spec(name) for name in TYPES}


class _ShapeReader:
    """Reads fields from the shapes graph (rdflib) of one ontology version."""

    def __init__(self, ontology: OntologyFiles, context: Context) -> None:
        import rdflib

        self.rdflib = rdflib
        self.shapes = ontology.shapes
        self.tbox = ontology.tbox
        self.context = context
        self.field_predicate = rdflib.URIRef(ontology.vocab.term("field"))

    def u(self, iri: str):
        return self.rdflib.URIRef(iri)

    def texts(self, node, predicate: str, graph=None) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in (graph if graph is not None else self.shapes).objects(node, self.u(predicate)):
            found.setdefault(getattr(value, "language", None) or "en", str(value))
        return found

    def spec(self, name: str) -> FormSpec:
        classes, kind, folder = TYPE_CLASSES[name]
        iris = [self.context.classes[c] for c in classes]
        node_shapes = [
            s
            for iri in iris
            for s in self.shapes.subjects(self.u(_SH + "targetClass"), self.u(iri))
        ]
        if len(classes) > 1:  # the shapes name each kind of place, not places as such
            label = message("form-label-place")
        else:
            label = self.texts(node_shapes[0], _RDFS_LABEL)
        fields = [_id_field(kind)]
        if len(classes) > 1:
            fields.append(self.type_field(classes, iris))
        before, after = _UNCHECKED.get(name, ((), ()))
        fields.extend(self.unchecked(key) for key in before)
        fields.extend(self.fields_of(node_shapes))
        fields.extend(self.unchecked(key) for key in after)
        return FormSpec(
            type=name,
            rdf_type=iris[0],
            id_prefix=kind + "/",
            label=label,
            fields=tuple(fields),
            folder=folder,
            classes=classes,
        )

    def type_field(self, classes: tuple[str, ...], iris: list[str]) -> Field:
        choices = []
        for name, iri in zip(classes, iris, strict=True):
            shape = next(self.shapes.subjects(self.u(_SH + "targetClass"), self.u(iri)), None)
            labels = self.texts(shape, _RDFS_LABEL) if shape is not None else {}
            choices.append((name, labels or {"de": name, "en": name}))
        return Field(
            key="type",
            path=_RDF_TYPE,
            widget="code",
            many=False,
            required=True,
            label=message("form-label-type"),
            help={},
            target=None,
            choices=tuple(choices),
            missing=message("form-required", field="type"),
        )

    def fields_of(self, node_shapes: list, within: str | None = None) -> list[Field]:
        """The fields the property shapes of ``node_shapes`` check, in the shapes' order;
        a field every shape naming it forbids (``sh:maxCount 0``) is left out (a place's
        form has ``sizeClass``, which only a district's shape forbids)."""
        grouped: dict[str, list] = {}
        allowed: set[str] = set()
        for node_shape in node_shapes:
            own: dict[str, list] = {}
            for prop in self.shapes.objects(node_shape, self.u(_SH + "property")):
                key = self.key_of(prop)
                if key is not None and key in self.context.terms and key != within:
                    own.setdefault(key, []).append(prop)
            for key, props in own.items():
                grouped.setdefault(key, []).extend(props)
                if not any(self._forbids(p) for p in props):
                    allowed.add(key)
        return [
            self.field_of(key, [p for p in props if not self._forbids(p)])
            for key, props in grouped.items()
            if key in allowed
        ]

    def _forbids(self, prop) -> bool:
        return any(int(v) == 0 for v in self.values(prop, "maxCount"))

    def unchecked(self, key: str) -> Field:
        """A field no shape of the type checks: labelled by its property's rdfs:label."""
        term = self.context.terms[key]
        widget, target, choices = self.widget_of(term, [])
        label = self.texts(self.u(term.iri), _RDFS_LABEL, self.tbox) or {"de": key, "en": key}
        return Field(
            key=key,
            path=term.iri,
            widget=widget,
            many=widget not in _SINGLE_WIDGETS and term.kind != "language",
            required=False,
            label=label,
            help={},
            target=target,
            choices=choices,
        )

    def key_of(self, prop) -> str | None:
        named = self.shapes.value(prop, self.field_predicate)
        if named is not None:
            return str(named)
        path = self.shapes.value(prop, self.u(_SH + "path"))
        if isinstance(path, self.rdflib.URIRef):
            return self.context.field_of(str(path))
        return None

    def field_of(self, key: str, props: list) -> Field:
        term = self.context.terms[key]
        values = self.values  # shorthand
        label = next((t for p in props if (t := self.texts(p, _SH + "name"))), {}) or {
            "de": key,
            "en": key,
        }
        help_text = next((t for p in props if (t := self.texts(p, _SH + "description"))), {})
        required = [p for p in props if any(int(v) >= 1 for v in values(p, "minCount"))]
        required = [p for p in required if _SH + "Warning" not in map(str, values(p, "severity"))]
        single = any(int(v) <= 1 for p in props for v in values(p, "maxCount"))
        widget, target, choices = self.widget_of(term, props)
        parts: tuple[Field, ...] = ()
        if widget == "group":
            nested = [n for p in props for n in values(p, "node")]
            parts = tuple(self.fields_of(nested, within=key))
            parts = (*(self.unchecked(k) for k in _UNCHECKED_PARTS.get(key, ())), *parts)
        # A pattern of a slug or code field applies to the IRI it becomes: kg validate says it.
        patterns = tuple(
            (str(v), self.texts(p, _SH + "message"))
            for p in props
            for v in values(p, "pattern")
            if term.kind != "vocab"
        )
        return Field(
            key=key,
            path=term.iri,
            widget=widget,
            many=not single and term.kind != "language" and widget not in _SINGLE_WIDGETS,
            required=bool(required),
            label=label,
            help=help_text,
            target=target,
            choices=choices,
            parts=parts,
            missing=self.texts(required[0], _SH + "message") if required else {},
            unknown=next(
                (
                    self.texts(p, _SH + "message")
                    for p in props
                    if values(p, "class") or values(p, "datatype")
                ),
                {},
            ),
            patterns=patterns,
        )

    def values(self, prop, name: str) -> list:
        return list(self.shapes.objects(prop, self.u(_SH + name)))

    def widget_of(self, term: TermDef, props: list) -> tuple[str, str | None, tuple]:
        if term.kind == "language":
            return ("langtextarea" if term.name in _LONG_TEXTS else "langtext"), None, ()
        if term.kind == "node":
            return "group", None, ()
        if term.kind == "id":
            return "url", None, ()
        if term.kind == "temporal":
            return "date", None, ()
        if term.kind == "typed":
            local = (term.datatype or "").removeprefix(_XSD)
            widgets = {"boolean": "boolean", "date": "date", "integer": "number"}
            widgets |= {"decimal": "number", "gYear": "number"}
            if local == "boolean":  # yes, no, or not known (a checkbox cannot say the last)
                return (
                    "boolean",
                    None,
                    (("true", message("form-yes")), ("false", message("form-no"))),
                )
            return widgets.get(local, "text"), None, ()
        if term.kind == "vocab":
            vocab = term.vocab or ""
            if vocab == self.context.base:
                return "reference", "usecase", ()
            kind = vocab[len(self.context.base) :].rstrip("/")
            if vocab.startswith(self.context.base) and kind in _REFERENCE_TARGETS:
                return "reference", _REFERENCE_TARGETS[kind], ()
            choices = self.choices(vocab, [c for p in props for c in self.values(p, "class")])
            return ("code" if choices else "text"), None, choices
        return "text", None, ()

    def choices(self, vocab: str, classes: list) -> tuple[tuple[str, dict[str, str]], ...]:
        """The codes of the SKOS concepts under ``vocab`` (of the shapes' ``sh:class``)."""
        found: dict[str, dict[str, str]] = {}
        candidates = [c for cls in classes for c in self.tbox.subjects(self.u(_RDF_TYPE), cls)]
        for concept in candidates:
            iri = str(concept)
            if iri.startswith(vocab) and iri[len(vocab) :] not in found:
                labels = self.texts(concept, _SKOS_LABEL, self.tbox)
                found[iri[len(vocab) :]] = labels or {"de": iri[len(vocab) :]}
        return tuple(found.items())


def _id_field(kind: str) -> Field:
    return Field(
        key="id",
        path="@id",
        widget="text",
        many=False,
        required=True,
        label=message("form-label-id"),
        help=message("form-help-id", kind=kind),
        target=None,
        missing=message("form-required", field="id"),
        patterns=((SLUG.pattern, message("form-bad-slug")),),
    )
