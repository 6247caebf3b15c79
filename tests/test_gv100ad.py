"""`kg import gv100ad`: every German municipality from the Destatis directory (issue 13).

The fixture is written here, field by field in the GV100AD columns, with invented names and
figures: the test checks the import's rules, not facts about real places."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.authoring.gv100ad import Known, records, size_class, slug
from kg.cli import main
from kg.config import Settings
from kg.errors import ImportFailed
from kg.store import open_store


def record(kind: str, ags: str, name: str, population: int | None = None) -> str:
    """One line in the GV100AD layout (1-based columns: type 1–2, date 3–10, key 11–18,
    name 23–72, population 140–150)."""
    line = [" "] * 220
    line[0:2] = kind
    line[2:10] = "20241231"
    line[10 : 10 + len(ags)] = ags
    line[22 : 22 + len(name)] = name
    if population is not None:
        line[139:150] = f"{population:>11}"
    return "".join(line)


#: Land 07 (Rheinland-Pfalz in the corpus), a Kreis the corpus has ("Landkreis Musterau" is not
#: in it: written) and a kreisfreie Stadt; a municipality the corpus already has (Zweibrücken's
#: key from the corpus is read at run time, see below).
def directory(known_ags: str) -> list[str]:
    return [
        record("10", "07", "Rheinland-Pfalz"),
        record("40", "07999", "Musterau"),
        record("60", "07999001", "Obermusterbach", 812),
        record("60", "07999002", "Untermusterbach", 5_230),
        record("60", "07999003", "Neustadt an der Muster", 21_004),
        record("40", "07998", "Musterstadt"),
        record("60", "07998000", "Musterstadt", 101_000),
        record("50", "07999", "Verbandsgemeinde Musterau"),  # not imported
        record("60", known_ags, "Schon da", 1),
    ]


@pytest.fixture
def known(project_settings: Settings) -> Known:
    from kg.authoring.sources import read_corpus

    corpus = read_corpus(project_settings.project, project_settings.vocab)
    return Known.from_triples(corpus.triples(), project_settings.vocab)


@pytest.fixture
def known_place(known: Known) -> tuple[str, str]:
    """A municipality of Rheinland-Pfalz the corpus already has: (AGS, slug)."""
    for ags, place in sorted(known.by_ags.items()):
        if ags.startswith("07") and len(ags) == 8:
            return ags, place
    raise AssertionError("the corpus has no municipality in Rheinland-Pfalz with an AGS")


def test_the_columns_are_read_as_the_layout_says() -> None:
    found = list(records([record("60", "07999001", "Obermusterbach", 812), "99 other record"]))
    assert [(r.kind, r.date, r.ags, r.name, r.population) for r in found] == [
        ("60", "2024-12-31", "07999001", "Obermusterbach", 812)
    ]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("60" + "2024x231" + " " * 200, "columns 3–10"),
        (record("60", "0799900A", "X", 1), "columns 11–18"),
        (record("60", "07999001", "", 1), "no name"),
        (record("60", "07999001", "Ohne Zahl"), "columns 140–150"),
    ],
)
def test_a_line_out_of_layout_is_named_with_its_number(line: str, says: str) -> None:
    with pytest.raises(ImportFailed, match=f"line 2: .*{says}"):
        list(records([record("10", "07", "Rheinland-Pfalz"), line]))


@pytest.mark.parametrize(
    ("people", "code"),
    [(4_999, "landgemeinde"), (5_000, "kleinstadt"), (19_999, "kleinstadt"),
     (20_000, "mittelstadt"), (99_999, "mittelstadt"), (100_000, "grossstadt")],
)  # fmt: skip
def test_size_classes_follow_the_bbsr_bounds(people: int, code: str) -> None:
    assert size_class(people) == code


def test_slugs() -> None:
    assert slug("Neustadt an der Weinstraße") == "neustadt-an-der-weinstrasse"
    assert slug("Bad Dürkheim") == "bad-duerkheim"


def test_import_writes_places_that_build(
    project_settings: Settings, known: Known, known_place, tmp_path
) -> None:
    ags, existing = known_place
    land = known.states["Rheinland-Pfalz"]
    source = tmp_path / "GV100AD_31122024.txt"
    source.write_bytes("\r\n".join(directory(ags)).encode("latin-1"))
    project = str(project_settings.project)
    args = ["import", "gv100ad", str(source), "--population-year", "2023", "--project", project]
    assert main(args) == 0
    out = project_settings.project / "usecases" / "shared" / "places-gv100ad.yaml"
    places = {p["id"]: p for p in yaml.safe_load(out.read_text(encoding="utf-8"))["@graph"]}
    assert set(places) == {
        "place/musterau",
        "place/obermusterbach",
        "place/untermusterbach",
        "place/neustadt-an-der-muster",
        "place/musterstadt",
    }, "the municipality the corpus has is left alone, the kreisfreie Stadt has no Kreis"
    town = places["place/untermusterbach"]
    assert town["ags"] == "07999002" and town["sizeClass"] == "kleinstadt"
    assert town["population"]["value"] == 5_230 and town["population"]["year"] == 2023
    assert town["population"]["source"].startswith("https://www.destatis.de/")
    assert town["partOf"] == ["musterau", land]
    assert places["place/musterstadt"]["partOf"] == [land], "a kreisfreie Stadt lies in its Land"
    assert places["place/musterstadt"]["sizeClass"] == "grossstadt"
    assert places["place/musterau"]["type"] == "District"
    assert f"place/{existing}" not in places
    # what was written is a valid part of the corpus, is published and joins the hierarchy
    assert main(["build", "--project", project, "--store", str(project_settings.store_path)]) == 0
    store = open_store(project_settings)
    base = project_settings.vocab.base
    within = project_settings.vocab.term("within")
    assert store.ask(
        f"ASK {{ GRAPH ?g {{ <{base}place/untermusterbach> <{within}> <{base}place/{land}> }} }}"
    ), "an imported municipality lies within its Land (through its Kreis)"


def test_an_unknown_land_stops_the_import(project_settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "GV100AD.txt"
    source.write_text(record("10", "07", "Rheinpfalz") + "\n", encoding="utf-8")
    code = main(
        ["import", "gv100ad", str(source), "--population-year", "2023",
         "--project", str(project_settings.project)]
    )  # fmt: skip
    assert code != 0
    assert not (project_settings.project / "usecases" / "shared" / "places-gv100ad.yaml").exists()
