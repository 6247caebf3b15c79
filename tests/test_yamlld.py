"""The direct YAML-LD reader gives exactly what a JSON-LD 1.1 processor gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from kg.authoring.sources import discover
from kg.authoring.yamlld import Limits, convert, load_context, to_plain
from kg.bridge import graph_of
from kg.namespaces import DEFAULT_BASE, Vocabulary
from kg.rdf import IRI, Literal

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = load_context(ROOT / "ontology", DEFAULT_BASE)
CONTEXT_DOC = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
YAML_FILES = [p for p in discover(ROOT / "usecases") if p.suffix == ".yaml"]


def local_only_loader(url: str, options: dict | None = None) -> dict:
    if url == CONTEXT.iri:
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT_DOC}
    raise jsonld.JsonLdError(f"refusing to load {url}", "loading document failed")


def processed_by_pyld(text: str) -> rdflib.Graph:
    nquads = jsonld.to_rdf(
        to_plain(text), {"format": "application/n-quads", "documentLoader": local_only_loader}
    )
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")
    return typed_by_form(graph)


#: The direct reader's one deliberate addition (kg/authoring/yamlld.py's docstring): ``start`` and
#: ``end`` typed by their form, which a JSON-LD processor leaves plain.
FORMS = (
    (r"[0-9]{4}", "gYear"),
    (r"[0-9]{4}-[0-9]{2}", "gYearMonth"),
    (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "date"),
)
TEMPORAL = {rdflib.URIRef("https://schema.org/" + n) for n in ("startDate", "endDate")}


def typed_by_form(graph: rdflib.Graph) -> rdflib.Graph:
    for s, p, o in list(graph):
        if p not in TEMPORAL or not isinstance(o, rdflib.Literal) or o.datatype is not None:
            continue
        for form, name in FORMS:
            if re.fullmatch(form, str(o)):
                graph.remove((s, p, o))
                graph.add((s, p, rdflib.Literal(str(o), datatype=rdflib.XSD[name])))
    return graph


def test_there_are_files_to_compare() -> None:
    assert len(YAML_FILES) >= 40


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_direct_reader_equals_json_ld_processing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parsed = convert(text, CONTEXT, stem=path.stem)
    assert parsed.problems == []
    ours = graph_of(parsed.triples)
    theirs = processed_by_pyld(text)
    assert len(ours) == len(theirs)
    assert isomorphic(ours, theirs)


def test_every_triple_remembers_its_line() -> None:
    text = (
        '"@context": https://w3id.org/sckg/context.jsonld\n"@graph":\n'
        "  - id: place/darmstadt\n    type: Municipality\n"
        "    name: {de: Darmstadt, en: Darmstadt}\n"
        "    ags: 06411000\n"  # unquoted: YAML 1.1 would read an octal number
    )
    parsed = convert(text, CONTEXT, stem="places")
    key = IRI(f"{DEFAULT_BASE}place/darmstadt")
    ags = next(t for t in parsed.triples if t[1].value.endswith("municipalityKey"))
    assert ags[2] == IRI("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/06411000")
    assert parsed.lines[ags] == 6
    assert parsed.defines[key.value] == 3
    assert (key, IRI(str(rdflib.SKOS.prefLabel)), Literal("Darmstadt", lang="de")) in parsed.lines


def test_base_iri_is_configurable() -> None:
    vocab = Vocabulary("https://kg.example.org/")
    context = load_context(ROOT / "ontology", vocab.base)
    text = (ROOT / "usecases" / "berlin-giess-den-kiez.yaml").read_text(encoding="utf-8")
    parsed = convert(text, context, stem="berlin-giess-den-kiez")
    subjects = {s.value for s, _, _ in parsed.triples if isinstance(s, IRI)}
    assert subjects == {"https://kg.example.org/usecase/berlin-giess-den-kiez"}
    assert all(
        DEFAULT_BASE not in t.value
        for triple in parsed.triples
        for t in triple
        if isinstance(t, IRI)
    )


# -- what the reader says about what it refuses (issue 19: mutants of these survived) --------
def _problems(text: str, limits=None) -> list:
    parsed = convert(text, CONTEXT, stem="x", **({"limits": limits} if limits else {}))
    return parsed.problems


HEAD = "id: usecase/x\ntype: UseCase\n"


@pytest.mark.parametrize(
    ("body", "code", "found"),
    [
        ("title: [a, b]\n", "expected-language-map", "list"),
        ("maturity: {a: b}\n", "expected-text", "mapping"),
        ("maturity: [pilot, [a]]\n", "expected-text", "list"),
        ('maturity: ""\n', "expected-text", "nothing"),
        ("stakeholders: someone\n", "expected-entries", "'someone'"),
    ],
)
def test_a_refused_value_is_described_as_what_was_found(body: str, code: str, found: str) -> None:
    (problem,) = _problems(HEAD + body)
    assert (problem.code, problem.line) == (code, 3)
    assert problem.message["en"].endswith(f"found: {found}.")


def test_keys_beside_a_graph_are_named_by_their_key_and_line() -> None:
    text = 'some: thing\n"@graph":\n  - id: usecase/x\n    type: UseCase\n'
    (problem,) = _problems(text)
    assert (problem.code, problem.line, problem.column) == ("misplaced-keyword", 1, 1)
    assert problem.field == "some" and problem.params == {"key": "some"}


def test_an_anchor_is_refused_even_without_an_alias() -> None:
    (problem,) = _problems("id: &mine usecase/x\ntype: UseCase\n")
    assert (problem.code, problem.line) == ("yaml-anchor", 1)


def test_an_empty_text_in_a_language_list_does_not_drop_the_others() -> None:
    parsed = convert(HEAD + 'title:\n  en: ["", "Title"]\n  de: Titel\n', CONTEXT, stem="x")
    assert [p.code for p in parsed.problems] == ["expected-text"]
    titles = {o for _, p, o in parsed.triples if p.value.endswith("/title")}
    assert titles == {Literal("Title", lang="en"), Literal("Titel", lang="de")}


def test_an_old_field_does_not_stop_the_reading_of_the_fields_after_it() -> None:
    parsed = convert(HEAD + "gaiaxServices: [x]\nmaturity: pilot\n", CONTEXT, stem="x")
    assert [p.code for p in parsed.problems] == ["old-gaiaxServices"]
    assert any(p.value.endswith("#maturity") for _, p, _ in parsed.triples)


def test_an_empty_file_is_reported_at_its_first_line() -> None:
    (problem,) = _problems("")
    assert (problem.code, problem.line, problem.column) == ("empty-file", 1, 1)


def test_the_node_limit_is_exact() -> None:
    """``id: usecase/x`` and ``type: UseCase`` in a mapping: five nodes."""
    assert _problems(HEAD, Limits(nodes=5)) == []
    (problem,) = _problems(HEAD, Limits(nodes=4))
    assert (problem.code, problem.params) == ("too-many-nodes", {"limit": 4})


def test_a_text_past_the_limit_names_the_keys_that_lead_to_it() -> None:
    text = HEAD + "description:\n  de: kurz\n  en: " + "x" * 30 + "\nmaturity: pilot\n"
    (problem,) = _problems(text, Limits(literal=20))
    assert (problem.code, problem.line, problem.field) == ("literal-too-long", 5, "description.en")
    assert problem.params == {"length": 30, "limit": 20}


def test_a_predicate_is_named_by_the_field_that_writes_it() -> None:
    """Findings name the YAML field of a predicate (the first in context order)."""
    assert CONTEXT.field_of("http://purl.org/dc/terms/title") == "title"
    assert CONTEXT.field_of("https://w3id.org/sckg/ontology#maturity") == "maturity"
    assert CONTEXT.field_of("urn:x-nobody:writes-this") is None
