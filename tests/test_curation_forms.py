"""Forms generated from the shapes: fields, round trips of every curated entity, files of a
change, and the live check (kg.curation.forms)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kg import config
from kg.authoring.yamlld import convert, load_context
from kg.build.pipeline import check as validate_files
from kg.config import Settings
from kg.curation import forms
from kg.errors import InvalidRequest

ROOT = Path(__file__).resolve().parent.parent
KIND_TYPES = {
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


@pytest.fixture(scope="module")
def settings() -> Settings:
    return config.load({}, project=ROOT)


def spec_for(settings: Settings, entity: str, record: dict) -> forms.FormSpec:
    name = KIND_TYPES[entity.split("/")[0]]
    if record.get("type") == "DataService":
        name = "dataservice"
    return forms.specs(settings)[name]


def test_every_type_has_a_form_from_the_shapes(settings: Settings) -> None:
    specs = forms.specs(settings)
    assert tuple(specs) == forms.TYPES
    for spec in specs.values():
        keys = [f.key for f in spec.fields]
        assert keys[0] == "id" and spec.field("id").required
        named = spec.field("title") or spec.field("name")
        assert named is not None and named.widget == "langtext", spec.type
        assert spec.label["de"] and spec.label["en"] and spec.folder.startswith("usecases/")
    usecase = specs["usecase"]
    sectors = usecase.field("sectors")
    assert sectors.widget == "code" and sectors.many and sectors.required
    assert dict(sectors.choices)["mobility"] == {
        "de": "Mobilität und Verkehr",
        "en": "Mobility and transport",
    }
    assert usecase.field("uses").widget == "reference"
    assert usecase.field("uses").target == "dataset"
    assert usecase.field("description").widget == "langtextarea"
    assert usecase.field("sources").widget == "url"
    assert usecase.field("start").help["en"].startswith("Year, month or day")
    assert usecase.field("start").label == {"de": "Beginn", "en": "Start"}
    assert not usecase.field("maturity").many
    stakeholders = usecase.field("stakeholders")
    assert stakeholders.widget == "group" and stakeholders.many
    parts = {p.key: p for p in stakeholders.parts}
    assert parts["organization"].target == "organisation"
    assert "operator" in dict(parts["role"].choices)
    place = specs["place"]
    assert [c for c, _ in place.field("type").choices] == [
        "Municipality",
        "District",
        "State",
        "Region",
        "Country",
    ]
    assert [p.key for p in place.field("population").parts] == ["value", "year", "source"]
    assert place.label == {"de": "Ort", "en": "Place"}
    assert "kleinstadt" in dict(place.field("sizeClass").choices)  # a district forbids it
    assert specs["pattern"].field("stakeholders") is None  # the shapes forbid it on patterns
    assert "title" in [p.key for p in specs["dataset"].field("distributions").parts]
    assert specs["platform"].field("title") is not None
    assert specs["organisation"].id_prefix == "org/"


@pytest.mark.slow
def test_every_curated_entity_comes_back_as_the_same_file(settings: Settings) -> None:
    """record_of, values_of, record_from_form and files_for on an unchanged record write each
    curated file exactly as it is: comments, key order, quoting and the other records stay."""
    entities = forms._index(settings)[0]
    assert len(entities) > 800
    changed = []
    unknown = set()  # keys the corpus writes that a form would not show
    for entity in entities:
        record = forms.record_of(settings, entity)
        spec = spec_for(settings, entity, record)
        unknown |= {(spec.type, key) for key in record if key != "type" and not spec.field(key)}
        rebuilt, _ = forms.record_from_form(spec, forms.values_of(spec, record))
        files = forms.files_for(settings, spec, rebuilt, entity)
        for path, text in files.items():
            if text != (ROOT / path).read_text(encoding="utf-8"):
                changed.append(entity)
    assert changed == []
    assert unknown == set()


def test_nested_entries_are_numbered_sub_fields(settings: Settings) -> None:
    spec = forms.specs(settings)["usecase"]
    record = forms.record_of(settings, "usecase/berlin-giess-den-kiez")
    form = forms.values_of(spec, record)
    assert form["id"] == ["berlin-giess-den-kiez"]
    assert form["stakeholders.0.organization"] == ["citylab-berlin"]
    assert form["stakeholders.0.role"] == ["operator"]
    assert form["title.de"][0].startswith("Gieß den Kiez")
    form["stakeholders.1.organization"] = ["technologiestiftung-berlin"]
    form["stakeholders.1.role"] = ["partner"]
    rebuilt, findings = forms.record_from_form(spec, form)
    assert findings == []
    assert rebuilt["stakeholders"] == [
        {"organization": "citylab-berlin", "role": "operator"},
        {"organization": "technologiestiftung-berlin", "role": "partner"},
    ]
    place = forms.specs(settings)["place"]
    hamburg = forms.record_of(settings, "place/hamburg")
    rebuilt, _ = forms.record_from_form(place, forms.values_of(place, hamburg))
    assert rebuilt["population"]["value"] == int(hamburg["population"]["value"])
    assert rebuilt["type"] == "Municipality"


def test_an_edit_changes_only_its_lines(settings: Settings) -> None:
    entity = "dataset/hamburg-ev-charging-points"
    location = forms.locate(settings, entity)
    assert location.path == "usecases/shared/datasets-a.yaml" and location.index == 2
    spec = forms.specs(settings)["dataset"]
    form = forms.values_of(spec, forms.record_of(settings, entity))
    form["title.en"] = ["Hamburg charging locations"]
    form["distributions.1.format"] = ["XLSX"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(settings, spec, record, entity)
    old = (ROOT / location.path).read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(old.splitlines(), files[location.path].splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(diff) == 4, diff  # the title line and the distributions (their one node)
    assert "# Datasets of batch A." in files[location.path]
    assert any("Hamburg charging locations" in line for line in diff if line.startswith("+"))


def test_a_new_entity_gets_its_own_file_in_the_authoring_format(settings: Settings) -> None:
    spec = forms.specs(settings)["usecase"]
    form = {
        "id": ["musterstadt-parking-sensors"],
        "title.de": ["Parksensoren in Musterstadt"],
        "title.en": ["Parking sensors in Musterstadt"],
        "description.de": ["Sensoren melden freie Parkplätze."],
        "description.en": ["Sensors report free parking spaces."],
        "sectors": ["mobility"],
        "maturity": ["pilot"],
        "curationStatus": ["draft"],
        "sources": ["https://example.org/parking"],
        "uses": ["berlin-street-tree-register; dwd-precipitation"],
        "start": ["2024-03"],
        "modified": ["2026-12-03"],
        "stakeholders.0.organization": ["citylab-berlin"],
        "stakeholders.0.role": ["operator"],
    }
    record, findings = forms.record_from_form(spec, form)
    assert findings == []
    files = forms.files_for(settings, spec, record)
    assert list(files) == ["usecases/musterstadt-parking-sensors.yaml"]
    text = files["usecases/musterstadt-parking-sensors.yaml"]
    assert text.startswith('"@context": https://w3id.org/sckg/context.jsonld\nid: usecase/')
    assert "uses: [berlin-street-tree-register, dwd-precipitation]" in text
    assert "modified: 2026-12-03\n" in text and "start: 2024-03\n" in text
    parsed = convert(
        text,
        load_context(ROOT / "ontology", settings.vocab.base),
        stem="musterstadt-parking-sensors",
    )
    assert parsed.problems == [] and len(parsed.triples) > 10
    form["id"] = ["berlin-giess-den-kiez"]
    record, _ = forms.record_from_form(spec, form)
    with pytest.raises(InvalidRequest):
        forms.files_for(settings, spec, record)  # its file exists already


def test_renaming_and_deleting(settings: Settings) -> None:
    spec = forms.specs(settings)["usecase"]
    entity = "usecase/berlin-giess-den-kiez"
    form = forms.values_of(spec, forms.record_of(settings, entity))
    form["id"] = ["berlin-giess-den-kiez-2020"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(settings, spec, record, entity)
    assert files["usecases/berlin-giess-den-kiez.yaml"] is None
    assert (
        "id: usecase/berlin-giess-den-kiez-2020\n"
        in files["usecases/berlin-giess-den-kiez-2020.yaml"]
    )
    form["id"] = ["leipzig-giesst"]  # the file of another use case
    record, _ = forms.record_from_form(spec, form)
    with pytest.raises(InvalidRequest):
        forms.files_for(settings, spec, record, entity)
    assert forms.delete_files(settings, entity) == {"usecases/berlin-giess-den-kiez.yaml": None}
    files = forms.delete_files(settings, "dataset/hamburg-ev-charging-points")
    text = files["usecases/shared/datasets-a.yaml"]
    assert "dataset/hamburg-ev-charging-points" not in text
    assert "id: dataset/port-bridge-sensor-data" in text and "# Datasets of batch A." in text
    assert forms.locate(settings, "dataset/no-such-thing") is None
    assert forms.record_of(settings, "dataset/no-such-thing") is None


def test_form_level_findings_use_the_messages_of_kg_validate(settings: Settings) -> None:
    spec = forms.specs(settings)["usecase"]
    form = forms.values_of(spec, forms.record_of(settings, "usecase/berlin-giess-den-kiez"))
    form["title.de"] = [""]
    form["title.en"] = [" "]
    form["start"] = ["2020-13"]
    form["maturity"] = ["ripe"]
    form["id"] = ["Berlin Tree"]
    record, findings = forms.record_from_form(spec, form)
    by_field = {f.field: f for f in findings}
    assert "title" not in record
    assert by_field["title"].message["en"].startswith("The title is missing.")
    assert by_field["title"].message["de"].startswith("Titel fehlt.")
    assert by_field["start"].message["en"].startswith("Not a valid date.")
    assert by_field["start"].value == "2020-13"
    assert by_field["maturity"].value == "ripe"
    assert by_field["id"].message["de"].startswith("Ungültige Kennung.")


def test_check_validates_the_proposed_files_in_place(project_settings: Settings) -> None:
    """check() finds what kg validate finds in the changed file, and writes nothing."""
    spec = forms.specs(project_settings)["usecase"]
    entity = "usecase/berlin-giess-den-kiez"
    path = project_settings.project / "usecases" / "berlin-giess-den-kiez.yaml"
    before = path.read_text(encoding="utf-8")
    form = forms.values_of(spec, forms.record_of(project_settings, entity))
    form["sectors"] = ["environment", "watr"]
    form["uses"] = ["berlin-street-tree-register", "no-such-dataset"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(project_settings, spec, record, entity)
    found = forms.check(project_settings, files, "de")
    assert path.read_text(encoding="utf-8") == before
    assert {f.file for f in found} == {"usecases/berlin-giess-den-kiez.yaml"}
    assert {f.value for f in found if f.severity == "Violation"} >= {"watr", "no-such-dataset"}
    path.write_text(files["usecases/berlin-giess-den-kiez.yaml"], encoding="utf-8")
    expected = validate_files(project_settings, [path]).findings
    assert sorted(f.text("de") for f in found) == sorted(f.text("de") for f in expected)
    unchanged = forms.check(project_settings, {"usecases/berlin-giess-den-kiez.yaml": before}, "en")
    assert [f for f in unchanged if f.severity == "Violation"] == []


def test_check_sees_identities_across_files(project_settings: Settings) -> None:
    """A new file defining an identifier another file defines: the duplicate message."""
    spec = forms.specs(project_settings)["dataset"]
    record = forms.record_of(project_settings, "dataset/hamburg-ev-charging-points")
    files = {"usecases/shared/datasets/copy.yaml": forms._new_text(spec, record)}
    found = forms.check(project_settings, files, "en")
    codes = {f.code for f in found}
    assert "duplicate-id" in codes
    assert {f.file for f in found} == {"usecases/shared/datasets/copy.yaml"}


def test_an_empty_identifier_and_an_unknown_kind_of_place(settings: Settings) -> None:
    place = forms.specs(settings)["place"]
    form = forms.values_of(place, forms.record_of(settings, "place/hamburg"))
    form["id"] = [""]
    form["type"] = ["Village"]
    record, findings = forms.record_from_form(place, form)
    assert "id" not in record and "type" not in record
    assert {f.field: f.value for f in findings} == {"id": None, "type": "Village"}
    assert findings[0].message["de"] == "Das Feld id ist ein Pflichtfeld. Bitte füllen Sie es aus."


GRAPH_FILE = """\
"@context": https://w3id.org/sckg/context.jsonld
"@graph":
  # organisations of a test
  - id: org/test-one
    type: Organization
    name: {de: "Eins", en: "One"}   # a comment on the line
    orgType: company

  # the second one
  - id: org/test-two
    type: Organization
    name: {de: "Zwei", en: "Two"}
    orgType: company
  # the third one
  - id: org/test-three
    type: Organization
    name: {de: "Drei", en: "Three"}
    orgType: 'company'
"""


def test_entries_of_a_graph_file_are_edited_and_deleted_in_their_own_lines(
    project_settings: Settings,
) -> None:
    path = project_settings.project / "usecases" / "shared" / "test-organisations.yaml"
    path.write_text(GRAPH_FILE, encoding="utf-8")
    spec = forms.specs(project_settings)["organisation"]
    assert forms.locate(project_settings, "org/test-two") == forms.Location(
        "usecases/shared/test-organisations.yaml", 1
    )
    files = forms.delete_files(project_settings, "org/test-two")
    text = files["usecases/shared/test-organisations.yaml"]
    assert "org/test-two" not in text
    assert "  # the second one\n  # the third one\n  - id: org/test-three" in text
    assert text == GRAPH_FILE.replace(
        GRAPH_FILE[
            GRAPH_FILE.index("  - id: org/test-two") : GRAPH_FILE.index("  # the third one")
        ],
        "",
    )
    form = forms.values_of(spec, forms.record_of(project_settings, "org/test-three"))
    form["name.en"] = ["Third"]
    record, _ = forms.record_from_form(spec, form)
    text = forms.files_for(project_settings, spec, record, "org/test-three")[
        "usecases/shared/test-organisations.yaml"
    ]
    assert text == GRAPH_FILE.replace('en: "Three"', 'en: "Third"')  # quoted as it was


def test_a_check_sees_removed_files_and_leaves_the_corpus_as_it_was(settings: Settings) -> None:
    """Removing the file that defines a dataset: the use case using it is told; the next
    check, without that removal, is clean again (the check's store is swapped back)."""
    usecase = "usecases/berlin-giess-den-kiez.yaml"
    text = (ROOT / usecase).read_text(encoding="utf-8")
    without = forms.check(settings, {"usecases/shared/datasets.yaml": None, usecase: text}, "en")
    assert ("uses", "berlin-street-tree-register") in {
        (f.field, f.value) for f in without if f.severity == "Violation"
    }
    assert {f.file for f in without} == {usecase}
    again = forms.check(settings, {usecase: text}, "en")
    assert [f for f in again if f.severity == "Violation"] == []


def test_the_type_of_an_entity_and_paths_a_check_refuses(settings: Settings) -> None:
    assert forms.type_of(settings, "usecase/berlin-giess-den-kiez") == "usecase"
    assert forms.type_of(settings, "dataset/hamburg-ev-charging-points") == "dataset"
    assert forms.type_of(settings, "org/citylab-berlin") == "organisation"
    assert forms.type_of(settings, "place/hamburg") == "place"
    assert forms.type_of(settings, "dataset/no-such-thing") is None
    for path in (
        "../etc/passwd.yaml",
        "usecases/../x.yaml",
        "usecases/.retired.yaml",
        "ontology/shapes.ttl",
    ):
        with pytest.raises(InvalidRequest):
            forms.check(settings, {path: "id: usecase/x"}, "en")


def test_new_long_texts_are_folded_as_the_corpus_writes_them(settings: Settings) -> None:
    spec = forms.specs(settings)["usecase"]
    long_de = " ".join(["Sensoren melden freie Parkplätze an eine offene Plattform."] * 8)
    form = {
        "id": ["musterstadt-long-text"],
        "title.de": ["Parken"],
        "title.en": ["Parking"],
        "description.de": [long_de],
        "description.en": ["First line.\r\nSecond line: with a colon # and a hash"],
    }
    record, _ = forms.record_from_form(spec, form)
    text = forms.files_for(settings, spec, record)["usecases/musterstadt-long-text.yaml"]
    assert "  de: >-\n    Sensoren melden" in text and "  en: |-\n    First line.\n" in text
    assert max(len(line) for line in text.splitlines()) <= forms.FOLD_WIDTH + 4
    context = load_context(ROOT / "ontology", settings.vocab.base)
    parsed = convert(text, context, stem="musterstadt-long-text")
    texts = {o.lang: o.value for _, p, o in parsed.triples if p.value.endswith("description")}
    assert texts == {"de": long_de, "en": "First line.\nSecond line: with a colon # and a hash"}
    place = forms.specs(settings)["place"]
    form = forms.values_of(place, forms.record_of(settings, "place/hamburg"))
    form["lat"] = ["53.55"]
    record, _ = forms.record_from_form(place, form)
    assert record["lat"] == 53.55
    form["population.0.value"] = ["1,8 Mio."]
    _, findings = forms.record_from_form(place, form)
    assert [(f.field, f.value) for f in findings] == [("population.0.value", "1,8 Mio.")]
    assert findings[0].message["de"] != forms.message("form-bad-value")["de"]  # the shape's


def test_a_yes_no_field_offers_yes_no_and_says_what_kg_validate_says(settings: Settings) -> None:
    platform = forms.specs(settings)["platform"]
    export = platform.field("dataExport")
    assert export.widget == "boolean" and dict(export.choices)["false"] == {
        "de": "nein",
        "en": "no",
    }
    form = {"id": ["test-platform"], "dataExport": ["false"]}
    record, findings = forms.record_from_form(platform, form)
    assert record["dataExport"] is False and findings == []
    record, findings = forms.record_from_form(platform, form | {"dataExport": ["maybe"]})
    assert [(f.field, f.value) for f in findings] == [("dataExport", "maybe")]
    assert findings[0].message == export.unknown and "dataExport" in findings[0].message["en"]


def test_a_created_entity_can_be_renamed_with_its_file(project_settings: Settings) -> None:
    spec = forms.specs(project_settings)["standard"]
    form = {"id": ["test-standard"], "title.de": ["Norm"], "title.en": ["Standard"]}
    record, findings = forms.record_from_form(spec, form)
    assert findings == []
    ((path, text),) = forms.files_for(project_settings, spec, record).items()
    assert path == "usecases/shared/standards/test-standard.yaml"
    (project_settings.project / path).parent.mkdir(parents=True)
    (project_settings.project / path).write_text(text, encoding="utf-8")
    assert forms.locate(project_settings, "standard/test-standard") == forms.Location(path, None)
    form["id"] = ["test-standard-2"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(project_settings, spec, record, "standard/test-standard")
    assert files[path] is None
    assert (
        "id: standard/test-standard-2\n" in files["usecases/shared/standards/test-standard-2.yaml"]
    )


def test_fields_an_addition_gives_are_shown_and_edited_where_they_are(
    settings: Settings,
) -> None:
    """A dataset's type lives in usecases/shared/dataset-types.yaml: the form shows it, an
    edit of it changes that line, an edit of the title the definition's, a deletion both."""
    entity = "dataset/port-bridge-sensor-data"
    types = "usecases/shared/dataset-types.yaml"
    assert forms.additions(settings, entity) == [forms.Location(types, 0)]
    spec = forms.specs(settings)["dataset"]
    form = forms.values_of(spec, forms.record_of(settings, entity))
    assert form["datasetType"] == ["bau--tiefbau"]
    form["datasetType"] = ["energie--wasserversorgung"]
    form["title.en"] = ["Kattwyk bridge sensor data"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(settings, spec, record, entity)
    assert set(files) == {types, "usecases/shared/datasets-a.yaml"}
    for path, text in files.items():
        old = (ROOT / path).read_text(encoding="utf-8").splitlines()
        changed = [(a, b) for a, b in zip(old, text.splitlines(), strict=True) if a != b]
        assert len(changed) == 1, path
    assert "datasetType: energie--wasserversorgung" in files[types]
    assert "datasetType" not in files["usecases/shared/datasets-a.yaml"]
    deleted = forms.delete_files(settings, entity)
    assert all(entity not in text for text in deleted.values())
    assert set(deleted) == set(files)


def test_a_check_of_one_entry_of_a_shared_file(settings: Settings) -> None:
    """The other entries of a shared file have warnings of their own (missing publishers and
    the like); a check of one entry reports that entry's findings only."""
    entity = "dataset/port-bridge-sensor-data"
    spec = forms.specs(settings)["dataset"]
    form = forms.values_of(spec, forms.record_of(settings, entity))
    form["places"] = ["hamburg", "atlantis"]
    record, _ = forms.record_from_form(spec, form)
    files = forms.files_for(settings, spec, record, entity)
    everything = forms.check(settings, files, "en")
    own = forms.check(settings, files, "en", entity=entity)
    assert len({f.focus for f in everything}) > 10
    assert {f.focus for f in own} == {settings.vocab.base + entity}
    assert ("places", "atlantis") in {(f.field, f.value) for f in own}
