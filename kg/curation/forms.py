"""Forms of the curated types: from an entity to a form, from a form to the files it changes.

The forms themselves are read from the shapes and the context (:mod:`kg.curation.formspec`).
A form is a flat mapping of field names to lists of values, as an HTML form sends it:

* ``id`` holds the slug (without the kind, ``usecase/``);
* a language field ``title`` is ``title.de`` and ``title.en`` (any other tag works the same);
* a nested entry (``stakeholders``, ``distributions``, ``population``) is a group of numbered
  sub-fields, ``stakeholders.0.organization``, ``stakeholders.0.role``, ``stakeholders.1...``.

:func:`record_from_form` turns a form back into the authoring mapping and :func:`files_for`
into the files a change produces. Editing keeps the file as the curator wrote it: the file is
read and written with ruamel.yaml's round trip, and only the keys whose values changed are
written anew, so comments, key order, quoting and the other records of a ``@graph`` file stay
(``tests/test_curation_forms.py`` holds every curated entity to an unchanged text).
"""

from __future__ import annotations

import datetime
import io
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import yaml

from kg.authoring.ontology import OntologyFiles
from kg.authoring.sources import DEFAULT_LIMITS, discover_names, read_regular
from kg.authoring.yamlld import SLUG, compose
from kg.config import Settings
from kg.curation.formspec import (
    LANGUAGES,
    TYPE_CLASSES,
    TYPES,
    Field,
    FormSpec,
    Location,
    build_specs,
)
from kg.errors import InvalidRequest, NotFound, Problem
from kg.messages import message
from kg.report import Finding

__all__ = [
    "TYPES",
    "Field",
    "FormSpec",
    "Location",
    "additions",
    "check",
    "delete_files",
    "files_for",
    "locate",
    "record_from_form",
    "record_of",
    "specs",
    "type_of",
    "values_of",
]

#: A path a change may write: a YAML file below usecases/ (no hidden file, no "..")
_CURATED_PATH = re.compile(
    r"^usecases/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.ya?ml$"
)
_GROUP_NAME = re.compile(r"^([^.]+)\.([0-9]+)\.(.+)$")


# -- specs --------------------------------------------------------------------------------


def specs(settings: Settings) -> dict[str, FormSpec]:
    """The form of every curated type (cached per version of the ontology files)."""
    ontology = OntologyFiles(settings.ontology_dir, settings.vocab)
    return _specs(settings.ontology_dir, settings.vocab.base, ontology.digest)


@lru_cache(maxsize=4)
def _specs(folder: Path, base: str, digest: str) -> dict[str, FormSpec]:
    return build_specs(folder, base)


# -- finding entities ---------------------------------------------------------------------


def locate(settings: Settings, entity: str) -> Location | None:
    """Where ``entity`` ("dataset/foo") is defined among the curated YAML files."""
    return _index(settings)[0].get(entity)


def additions(settings: Settings, entity: str) -> list[Location]:
    """The entries that add fields to ``entity`` (``@graph`` entries without ``type``, such as
    the dataset types in ``usecases/shared/dataset-types.yaml``), in file order."""
    return _index(settings)[1].get(entity, [])


def _index(settings: Settings) -> tuple[dict[str, Location], dict[str, list[Location]]]:
    project = Path(settings.project).resolve()
    defined: dict[str, Location] = {}
    added: dict[str, list[Location]] = {}
    for name in discover_names(project / "usecases"):
        if os.path.splitext(name)[1].lower() not in (".yaml", ".yml"):
            continue
        try:
            info = os.lstat(name)
        except OSError:
            continue
        relative = Path(name).relative_to(project).as_posix()
        for entity, index, typed in _entries_of(name, info.st_mtime_ns, info.st_size):
            if typed:
                defined.setdefault(entity, Location(relative, index))
            else:
                added.setdefault(entity, []).append(Location(relative, index))
    return defined, added


@lru_cache(maxsize=4096)
def _entries_of(name: str, mtime: int, size: int) -> tuple[tuple[str, int | None, bool], ...]:
    """The entries of a YAML file with an ``id``: (id, index in ``@graph`` or None, whether
    it has a ``type``, that is defines the entity rather than adds to it)."""
    root = _compose_file(Path(name))
    if not isinstance(root, yaml.MappingNode):
        return ()
    entries = _plain(root)
    if "@graph" in entries:
        graph = entries["@graph"] if isinstance(entries["@graph"], list) else []
        return tuple(
            (item["id"], index, "type" in item)
            for index, item in enumerate(graph)
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        )
    if isinstance(entries.get("id"), str) and "type" in entries:
        return ((entries["id"], None, True),)
    return ()


def _compose_file(path: Path) -> yaml.Node | None:
    data, refused = read_regular(path, DEFAULT_LIMITS.file_bytes)
    if refused is not None:
        return None
    try:
        return compose(data.decode("utf-8"))
    except Exception:  # a file the validator reports; it defines nothing a form can edit
        return None


def _plain(node: yaml.Node) -> object:
    """YAML nodes as plain data, every scalar the string the file writes (stripped)."""
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    return str(node.value).strip()


def type_of(settings: Settings, entity: str) -> str | None:
    """The form type (a :data:`TYPES` entry) of a defined ``entity`` ("dataset/foo" is a
    "dataset" or a "dataservice", by its ``type``); None if no curated YAML file defines it."""
    record = record_of(settings, entity)
    if record is None:
        return None
    kind = entity.split("/", 1)[0]
    for name, (classes, id_kind, _) in TYPE_CLASSES.items():
        if id_kind == kind and record.get("type") in classes:
            return name
    return next((name for name, (_, k, _) in TYPE_CLASSES.items() if k == kind), None)


def record_of(settings: Settings, entity: str) -> dict | None:
    """The authoring mapping of ``entity`` (without the file's ``@context``), every scalar as
    the text the file writes, with the fields its additions in other entries add (a field the
    definition has is its own); None if no curated YAML file defines it."""
    location = locate(settings, entity)
    record = _entry(settings, location) if location is not None else None
    if record is None:
        return None
    for addition in additions(settings, entity):
        for key, value in (_entry(settings, addition) or {}).items():
            record.setdefault(key, value)
    return record


def _entry(settings: Settings, location: Location) -> dict | None:
    root = _compose_file(Path(settings.project).resolve() / location.path)
    data = _plain(root) if root is not None else None
    if not isinstance(data, dict):
        return None
    if location.index is not None:
        data = data["@graph"][location.index]
    return {k: v for k, v in data.items() if k != "@context"}


# -- forms and records --------------------------------------------------------------------


def values_of(spec: FormSpec, record: dict) -> dict[str, list[str]]:
    """The form of ``record``: field name -> values (see the module docstring for names)."""
    form: dict[str, list[str]] = {}
    for f in spec.fields:
        if f.key == "id":
            entity = str(record.get("id", ""))
            form["id"] = [entity.removeprefix(spec.id_prefix)] if entity else []
        elif f.key in record:
            _values_into(form, f, f.key, record[f.key])
    return form


def _values_into(form: dict[str, list[str]], f: Field, name: str, value: object) -> None:
    if f.widget == "group":
        for index, item in enumerate(_as_list(value)):
            if isinstance(item, dict):
                for part in f.parts:
                    if part.key in item:
                        _values_into(form, part, f"{name}.{index}.{part.key}", item[part.key])
        return
    if f.widget.startswith("lang") and isinstance(value, dict):
        for lang, text in value.items():
            form[f"{name}.{lang}"] = [_text(v) for v in _as_list(text)]
        return
    form[name] = [_text(v) for v in _as_list(value)]


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).strip()


def record_from_form(spec: FormSpec, form: Mapping[str, list[str]]) -> tuple[dict, list[Finding]]:
    """The authoring mapping of a form (keys in the spec's order, empty values left out) and
    its problems of form level: a required field left empty, a value of the wrong form (with
    the messages of ``kg validate``)."""
    findings: list[Finding] = []
    record: dict = {}
    slug = _first(form, "id").removeprefix(spec.id_prefix)
    id_field = spec.field("id")
    if slug:
        record["id"] = spec.id_prefix + slug
        findings.extend(_check_values(id_field, "id", [slug]))
    else:
        findings.append(_finding(id_field, "id", None, id_field.missing))
    type_field = spec.field("type")
    kind = _first(form, "type") if type_field else spec.classes[0]
    if kind in spec.classes:
        record["type"] = kind
    else:
        findings.append(_finding(type_field, "type", kind or None, type_field.missing))
    for f in spec.fields:
        if f.key in ("id", "type"):
            continue
        value = _value_of(f, f.key, form, findings)
        if value is not None:
            record[f.key] = value
        elif f.required:
            findings.append(_finding(f, f.key, None, f.missing))
    return record, findings


def _first(form: Mapping[str, list[str]], name: str) -> str:
    values = [v.strip() for v in form.get(name, ()) if v and v.strip()]
    return values[0] if values else ""


def _value_of(
    f: Field, name: str, form: Mapping[str, list[str]], findings: list[Finding]
) -> object | None:
    if f.widget == "group":
        return _group_of(f, name, form, findings)
    if f.widget.startswith("lang"):
        texts: dict[str, object] = {}
        langs = [*LANGUAGES, *sorted(k[len(name) + 1 :] for k in form if k.startswith(name + "."))]
        for lang in dict.fromkeys(langs):
            values = [v.strip() for v in form.get(f"{name}.{lang}", ()) if v and v.strip()]
            if values and "." not in lang:
                texts[lang] = values[0] if len(values) == 1 else values
        return texts or None
    values = [v.strip() for v in form.get(name, ()) if v and v.strip()]
    if f.widget != "url":  # a field of codes may come as one "a; b" text (spreadsheets)
        values = (
            [p.strip() for v in values for p in v.split(";") if p.strip()] if f.many else values
        )
    findings.extend(_check_values(f, name, values))
    if not values:
        return None
    typed = [_typed(f, v) for v in values]
    return typed if f.many else typed[0]


def _group_of(
    f: Field, name: str, form: Mapping[str, list[str]], findings: list[Finding]
) -> list | dict | None:
    indexes = sorted(
        {int(m.group(2)) for k in form if (m := _GROUP_NAME.match(k)) and m.group(1) == name}
    )
    items = []
    for index in indexes:
        prefix = f"{name}.{index}"
        item: dict = {}
        if not any(v.strip() for k, vs in form.items() if k.startswith(prefix + ".") for v in vs):
            continue
        for part in f.parts:
            value = _value_of(part, f"{prefix}.{part.key}", form, findings)
            if value is not None:
                item[part.key] = value
            elif part.required:
                findings.append(_finding(part, f"{prefix}.{part.key}", None, part.missing))
        items.append(item)
    if not items:
        return None
    return items if f.many else items[0]


def _typed(f: Field, value: str) -> object:
    """The value as the YAML writes it unquoted: numbers, booleans and days."""
    if f.widget == "boolean" and value in ("true", "false"):
        return value == "true"
    if f.widget == "number" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    number = f.widget == "number" and re.fullmatch(r"-?[0-9]+\.[0-9]+", value)
    if number and repr(float(value)) == value:  # else as typed (9.050 stays 9.050)
        return float(value)
    if f.widget == "date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _check_values(f: Field, name: str, values: list[str]) -> list[Finding]:
    found = []
    for value in values:
        for pattern, text in f.patterns:
            if not re.search(pattern, value):
                found.append(_finding(f, name, value, text or message("form-bad-value")))
                break
        else:
            if f.widget == "date" and not _is_date(value):
                found.append(_finding(f, name, value, message("form-bad-date")))
            elif f.widget == "number" and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
                found.append(_finding(f, name, value, f.unknown or message("form-bad-value")))
            elif f.widget in ("code", "boolean") and f.choices and value not in dict(f.choices):
                found.append(_finding(f, name, value, f.unknown or message("form-unknown-code")))
    return found


def _is_date(value: str) -> bool:
    if re.fullmatch(r"[0-9]{4}(-(0[1-9]|1[0-2]))?", value):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))


def _finding(f: Field, name: str, value: str | None, text: dict[str, str]) -> Finding:
    return Finding(
        severity="Violation",
        file="",
        line=0,
        message=text or message("form-required", field=name),
        field=name,
        value=value,
        code="form",
    )


# -- files --------------------------------------------------------------------------------


def _yaml():
    from ruamel.yaml import YAML

    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # the curated files keep long texts on one line
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def _dump(data: object) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def files_for(
    settings: Settings, spec: FormSpec, record: dict, entity: str | None = None
) -> dict[str, str | None]:
    """The authoring files the change would produce: path relative to the project -> new
    whole text (None: the file goes). ``entity`` None makes a new entity; an ``entity`` other
    than ``record["id"]`` renames it."""
    if entity is None:
        return {_new_path(settings, spec, record): _new_text(spec, record)}
    location = _location(settings, entity)
    project = Path(settings.project).resolve()
    texts: dict[str, str] = {}

    def text_of(path: str) -> str:
        return texts.get(path) or (project / path).read_text(encoding="utf-8")

    # A field an addition gives (and the definition does not) stays in the addition.
    owned: dict[int, set[str]] = {}
    own_keys = set(_entry(settings, location) or {})
    for number, addition in enumerate(additions(settings, entity)):
        keys = set(_entry(settings, addition) or {}) - own_keys - {"id"}
        owned[number] = keys - {k for n in owned.values() for k in n}
    for number, addition in enumerate(additions(settings, entity)):
        part = {"id": record.get("id", entity)}
        part |= {k: v for k, v in record.items() if k in owned[number]}
        scope = owned[number] | {"id"}
        texts[addition.path] = _edit(text_of(addition.path), addition.index, spec, part, scope)
    given = {k for n in owned.values() for k in n}
    definition = {k: v for k, v in record.items() if k not in given}
    new_text = _edit(text_of(location.path), location.index, spec, definition)
    files: dict[str, str | None] = {**texts, location.path: new_text}
    renamed = record.get("id") != entity
    # A file named after its one entity (every use case, and what the forms create) follows it.
    own_file = location.index is None and Path(location.path).stem == entity.split("/", 1)[-1]
    if renamed and own_file:
        new_path = (Path(location.path).parent / (_slug(spec, record) + ".yaml")).as_posix()
        if (project / new_path).exists():
            raise InvalidRequest([_problem("id", message("form-file-exists", path=new_path))])
        files[location.path] = None
        files[new_path] = new_text
    return files


def _edit(
    text: str, index: int | None, spec: FormSpec, record: dict, scope: set[str] | None = None
) -> str:
    """``text`` with the entry ``index`` of its ``@graph`` (None: the file's one entity)
    updated to ``record``: the entry's own lines go through ruamel.yaml's round trip, the
    rest of the file stays as it is."""
    span = _span(text, index) if index is not None else None
    if span is None:  # a file of its own, or laid out otherwise: round trip of the whole file
        data = _yaml().load(text)
        _update(spec, data if index is None else data["@graph"][index], record, scope)
        return _dump(data)
    lines = text.splitlines(keepends=True)
    start, end = span
    data = _yaml().load(_GRAPH_KEY + "".join(lines[start:end]))
    _update(spec, data["@graph"][0], record, scope)
    entry = _dump(data).removeprefix(_GRAPH_KEY)
    return "".join(lines[:start]) + entry + "".join(lines[end:])


_GRAPH_KEY = '"@graph":\n'
#: Column of an entry's first key in a ``@graph`` list as the corpus writes it ("  - id:")
_ENTRY_COLUMN = 4


def _location(settings: Settings, entity: str) -> Location:
    location = locate(settings, entity)
    if location is None:
        raise NotFound(message("form-unknown-entity", entity=entity)["en"])
    return location


def _span(text: str, index: int) -> tuple[int, int] | None:
    """Lines ``[start, end)`` of entry ``index`` of the ``@graph`` of ``text``, without the
    blank and comment lines after it (they introduce the next entry); None if the file is
    not laid out as the corpus lays out a ``@graph`` (then the whole file is written)."""
    root = compose(text)
    if not isinstance(root, yaml.MappingNode):
        return None
    graph = next((v for k, v in root.value if k.value == "@graph"), None)
    if not isinstance(graph, yaml.SequenceNode) or index >= len(graph.value):
        return None
    item = graph.value[index]
    if item.start_mark.column != _ENTRY_COLUMN:
        return None
    start = item.start_mark.line
    if index + 1 < len(graph.value):
        end = graph.value[index + 1].start_mark.line
    else:
        end = graph.end_mark.line + (1 if graph.end_mark.column else 0)
    lines = text.splitlines()
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"):
        end -= 1
    return start, end


def _slug(spec: FormSpec, record: dict) -> str:
    slug = str(record.get("id", "")).removeprefix(spec.id_prefix)
    if not SLUG.match(slug):
        raise InvalidRequest([_problem("id", message("form-bad-slug"))])
    return slug


def _new_path(settings: Settings, spec: FormSpec, record: dict) -> str:
    path = spec.folder + _slug(spec, record) + ".yaml"
    if (Path(settings.project).resolve() / path).exists():
        raise InvalidRequest([_problem("id", message("form-file-exists", path=path))])
    return path


def _problem(name: str, text: dict[str, str]) -> Problem:
    return Problem(field=name, de=text["de"], en=text["en"])


def _new_text(spec: FormSpec, record: dict) -> str:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    data = CommentedMap()
    data[DoubleQuotedScalarString("@context")] = "https://w3id.org/sckg/context.jsonld"
    for key, value in record.items():
        data[key] = _styled(spec.field(key), value)
    return _dump(data)


def _styled(f: Field | None, value: object) -> object:
    """New values in the corpus's style: short lists of slugs and codes in flow style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, inner in value.items():
            mapping[key] = _styled(_part(f, key), inner)
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq([_styled(f, v) if isinstance(v, (dict, str)) else v for v in value])
        if f is not None and f.widget in ("reference", "code", "text") and not f.parts:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and f is not None and f.widget == "langtextarea":
        return _block_text(value)
    return value


def _part(f: Field | None, key: str) -> Field | None:
    """The field of ``key`` inside a value of ``f``: a part of a group, or ``f`` itself for
    a language of a language map."""
    if f is None:
        return None
    if f.widget.startswith("lang"):
        return f
    return next((p for p in f.parts if p.key == key), None)


#: Width at which a new long text is folded over several lines, as the corpus writes them.
FOLD_WIDTH = 110


def _block_text(text: str) -> object:
    """A long text as a block: folded (``>-``) at spaces near :data:`FOLD_WIDTH` characters,
    or literal (``|-``) when it has line breaks of its own; short texts stay as they are."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    text = text.replace("\r\n", "\n").strip()
    if "\n" in text:
        return LiteralScalarString(text)
    if len(text) <= FOLD_WIDTH:
        return text
    chosen, line_start = [], 0
    candidates = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
    for index, position in enumerate(candidates):
        following = candidates[index + 1] if index + 1 < len(candidates) else len(text)
        if following - line_start > FOLD_WIDTH:
            chosen.append(position)
            line_start = position + 1
    folded = FoldedScalarString(text)
    folded.fold_pos = chosen
    return folded


def _update(spec: FormSpec, target, record: dict, scope: set[str] | None = None) -> None:
    """Write ``record`` into the round-trip mapping ``target``: keys whose values are the
    same (as the form sees them) keep their node, changed ones are merged into it (so a
    mapping or list keeps its style), new keys go at the end, and keys the form does not
    know (or outside ``scope``, when given) stay as they are."""
    known = {f.key for f in spec.fields} | {"type"}
    if scope is not None:
        known &= scope
    old_form = values_of(spec, _plain_data(target))
    new_form = values_of(spec, record)
    for key in list(target):
        if key in known and key not in record:
            del target[key]
    for key, value in record.items():
        if key in target and (
            _text(target[key]) == value if key == "type" else _same(old_form, new_form, key)
        ):
            continue
        f = spec.field(key)
        target[key] = _merge(target[key], value, f) if key in target else _styled(f, value)


def _merge(old: object, new: object, f: Field | None) -> object:
    """``new`` written over the round-trip node ``old``: what is equal keeps its node."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(old, CommentedMap) and isinstance(new, dict):
        known = {p.key for p in f.parts} if f is not None and f.parts else None
        for key in list(old):
            if key not in new and (known is None or key in known):
                del old[key]
        for key, value in new.items():
            part = _part(f, key)
            if key not in old:
                old[key] = _styled(part, value)
            elif not _equal(part, old[key], value):
                old[key] = _merge(old[key], value, part)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        for index, value in enumerate(new):
            if index >= len(old):
                old.append(_styled(f, value))
            elif not _equal(f, old[index], value):
                old[index] = _merge(old[index], value, f)
        del old[len(new) :]
        return old
    if isinstance(new, list) and len(new) == 1 and not isinstance(old, (list, dict)):
        new = new[0]  # one value where the file wrote one value: no list
    return _styled(f, new)


def _equal(f: Field | None, old: object, new: object) -> bool:
    """Whether two values are the same for the form (``[a]`` and ``a`` are)."""
    if f is None:
        return _plain_data(old) == _plain_data(new)
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    _values_into(before, f, "value", _plain_data(old))
    _values_into(after, f, "value", _plain_data(new))
    return before == after


def _same(old: dict[str, list[str]], new: dict[str, list[str]], key: str) -> bool:
    def part(form: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: v for k, v in form.items() if k == key or k.startswith(key + ".")}

    return part(old) == part(new)


def _plain_data(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return _text(value)


def delete_files(settings: Settings, entity: str) -> dict[str, str | None]:
    """The files without ``entity``: its own file goes, or its entry of a ``@graph`` (the
    comment lines before the next entry stay); so do the entries that add to it."""
    location = _location(settings, entity)
    project = Path(settings.project).resolve()
    files: dict[str, str | None] = {}
    entries = [location, *additions(settings, entity)]
    # later entries of a file first, so the earlier ones keep their index
    for place in sorted(entries, key=lambda e: (e.path, -(e.index or 0))):
        if place.index is None:
            files[place.path] = None
            continue
        text = files.get(place.path) or (project / place.path).read_text(encoding="utf-8")
        files[place.path] = _without_entry(text, place.index)
    return files


def _without_entry(text: str, index: int) -> str:
    span = _span(text, index)
    if span is None:
        data = _yaml().load(text)
        del data["@graph"][index]
        return _dump(data)
    lines = text.splitlines(keepends=True)
    return "".join(lines[: span[0]]) + "".join(lines[span[1] :])


# -- checks -------------------------------------------------------------------------------


def check(
    settings: Settings,
    files: dict[str, str | None],
    lang: str,
    *,
    entity: str | None = None,
) -> list[Finding]:
    """Validate the corpus with ``files`` (path relative to the project -> whole text, None:
    removed) in place of the curated files, without writing anything: the findings of these
    files, with the messages of ``kg validate``, sorted by file and line (``lang`` orders
    findings of one line by their message in that language).

    With ``entity`` ("dataset/foo"), only the findings about that entity and those about no
    entity in particular (a YAML syntax error, say) are kept: an entry of a shared file is
    checked without the warnings of the file's other entries."""
    from kg.curation.checking import check_files

    for path in files:
        if not _CURATED_PATH.match(path) or ".." in path.split("/"):
            raise InvalidRequest([_problem("files", message("form-bad-path", path=path))])
    findings = check_files(settings, files)
    if entity is not None:
        iri = settings.vocab.base + entity
        findings = [f for f in findings if f.focus in (None, iri)]
    return sorted(findings, key=lambda f: (f.file, f.line, f.message.get(lang, "")))
