"""Every value, and every message about it, points at its own line: list items in block lists,
repeated keys, and (property-based) documents with blank lines and comments anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.authoring.yamlld import Limits, convert, load_context
from kg.cli import main
from kg.namespaces import DEFAULT_BASE, RDF_TYPE

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = load_context(ROOT / "ontology", DEFAULT_BASE)
CASE = "usecases/berlin-giess-den-kiez.yaml"
USES = "uses: [berlin-street-tree-register, dwd-precipitation, osm-public-water-pumps]\n"
SCKG = "https://w3id.org/sckg/ontology#"


def lines_of(parsed, predicate: str) -> dict[str, int]:
    """Object IRI (last path segment) → line, for one predicate."""
    return {
        o.value.rsplit("/", 1)[-1]: parsed.lines[(s, p, o)]
        for s, p, o in parsed.triples
        if p.value == predicate
    }


def test_each_item_of_a_block_list_keeps_its_own_line() -> None:
    """Issue 19: a value's line was the field's first line, not the list item's."""
    text = (
        '"@context": https://w3id.org/sckg/context.jsonld\n'  # 1
        "id: usecase/demo\n"  # 2
        "type: UseCase\n"  # 3
        "uses:\n"  # 4
        "  - berlin-street-tree-register\n"  # 5
        "\n"  # 6
        "  # a comment between items\n"  # 7
        "  - dwd-precipitation\n"  # 8
        "  - osm-public-water-pumps\n"  # 9
    )
    parsed = convert(text, CONTEXT, stem="demo")
    assert parsed.problems == []
    assert lines_of(parsed, SCKG + "usesDataset") == {
        "berlin-street-tree-register": 5,
        "dwd-precipitation": 8,
        "osm-public-water-pumps": 9,
    }


def test_a_violation_names_the_line_of_the_offending_list_item(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project_copy / CASE
    text = path.read_text(encoding="utf-8")
    assert USES in text
    block = "uses:\n  - berlin-street-tree-register\n  - dwd-precipitation\n  - atlantis-tides\n"
    path.write_text(text.replace(USES, block), encoding="utf-8")
    wrong = text.splitlines().index(USES.strip()) + 4  # the third item, three lines below
    assert path.read_text(encoding="utf-8").splitlines()[wrong - 1] == "  - atlantis-tides"
    code = main(["--project", str(project_copy), "validate", "--lang", "en", str(path)])
    out = capsys.readouterr()
    assert code == 1
    assert f"{CASE}:{wrong}: Violation – field 'uses'" in out.out + out.err


def test_a_repeated_key_is_reported_on_its_second_line_naming_the_first() -> None:
    text = (
        '"@context": https://w3id.org/sckg/context.jsonld\n'  # 1
        "id: usecase/demo\n"  # 2
        "type: UseCase\n"  # 3
        "maturity: pilot\n"  # 4
        "lifecycle: running\n"  # 5
        "maturity: scaled\n"  # 6
    )
    parsed = convert(text, CONTEXT, stem="demo")
    [problem] = [p for p in parsed.problems if p.code == "duplicate-key"]
    assert (problem.line, problem.column, problem.field) == (6, 1, "maturity")
    assert problem.params == {"first": 4}
    assert "first on line 4" in problem.message["en"]
    assert "zuerst in Zeile 4" in problem.message["de"]


#: Filler that YAML ignores: blank lines and comments.
FILLER = st.lists(st.sampled_from(["", "# note", "   # indented note"]), max_size=3)
DATASETS = ["berlin-street-tree-register", "dwd-precipitation", "osm-public-water-pumps"]


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(FILLER, min_size=3, max_size=3),
    items=st.lists(st.tuples(st.sampled_from(DATASETS), FILLER), min_size=1, max_size=3),
    flow=st.booleans(),
)
def test_lines_follow_the_text_whatever_comes_between(before, items, flow) -> None:
    """Blank lines and comments anywhere; each triple's line is the line its value is on."""
    items = list(dict(items).items())  # each dataset once
    out: list[str] = ['"@context": https://w3id.org/sckg/context.jsonld']

    def emit(*lines: str) -> int:
        out.extend(lines)
        return len(out)

    fields = ("id: usecase/demo", "type: UseCase", "maturity: pilot")
    at = [emit(*filler, field) for filler, field in zip(before, fields, strict=True)]
    if flow:
        line = emit("uses: [" + ", ".join(name for name, _ in items) + "]")
        uses = {name: line for name, _ in items}
    else:
        emit("uses:")
        uses = {name: emit(*(f"  {f}" for f in filler), f"  - {name}") for name, filler in items}
    parsed = convert("\n".join(out) + "\n", CONTEXT, stem="demo")
    assert parsed.problems == []
    assert parsed.defines == {DEFAULT_BASE + "usecase/demo": at[0]}
    [typed] = [line for (_, p, _), line in parsed.lines.items() if p.value == RDF_TYPE]
    assert typed == at[1]
    assert lines_of(parsed, SCKG + "maturity") == {"pilot": at[2]}
    assert lines_of(parsed, SCKG + "usesDataset") == uses


def test_a_value_past_a_limit_is_reported_at_its_own_line_and_column() -> None:
    text = (
        '"@context": https://w3id.org/sckg/context.jsonld\n'  # 1
        "id: usecase/demo\n"  # 2
        "type: UseCase\n"  # 3
        "title:\n"  # 4
        "  de: " + "x" * 50 + "\n"  # 5, the value from column 7
    )
    [problem] = convert(text, CONTEXT, stem="demo", limits=Limits(literal=40)).problems
    assert (problem.line, problem.column) == (5, 7)
    nested = text.replace("  de: " + "x" * 50, "  de:\n    - [[deep]]")  # the list on line 6
    [problem] = convert(nested, CONTEXT, stem="demo", limits=Limits(depth=3)).problems
    assert (problem.code, problem.line) == ("too-deep", 6)
