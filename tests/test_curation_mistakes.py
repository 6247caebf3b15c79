"""The mistakes a new curator made that used to publish silently (issue 14, "Why"): each is a
finding now, with what to do, in German and English."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from test_bad_input import edit, line_of

from kg import config
from kg.build.pipeline import build
from kg.cli import main
from kg.errors import PublishFailed, StoreUnavailable
from kg.store import open_store

CASE = "usecases/berlin-giess-den-kiez.yaml"
PRODUCED = "giess-den-kiez-watering-records"
USES = "uses: [berlin-street-tree-register, dwd-precipitation, osm-public-water-pumps]"
EN_DESCRIPTION = "  en: >-\n    After several"
HEADER = '"@context": https://w3id.org/sckg/context.jsonld\n'


def validate(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--project", str(project), "validate", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def both(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, English and German output of ``kg validate ARGS``."""
    code, en = validate(project, capsys, *args, "--lang", "en")
    code_de, de = validate(project, capsys, *args, "--lang", "de")
    assert code == code_de
    return code, en, de


# -- 1. a data flow from a use case to itself -------------------------------------------------


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_a_use_case_using_what_it_produces_is_a_flow_to_itself(
    project_copy: Path, capsys, engine: str
) -> None:
    path = edit(project_copy, USES, USES.replace("]", f", {PRODUCED}]"))
    code, en, de = both(project_copy, capsys, str(path), "--engine", engine)
    assert code == 1
    where = f"{CASE}:{line_of(path, 'uses:')}"
    assert f"{where}: Violation – field 'uses' – value '{PRODUCED}': Data flow to itself" in en
    assert "Remove the dataset from uses (it stays under produces)" in en
    assert f"{where}: Verstoß – Feld 'uses' – Wert '{PRODUCED}': Datenfluss zu sich selbst" in de
    assert "Streichen Sie den Datensatz unter uses" in de


def test_an_assessed_flow_to_itself(project_copy: Path, capsys) -> None:
    path = edit(project_copy, USES, f"{USES}\nassessedUses: [{PRODUCED}]")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert f"field 'assessedUses' – value '{PRODUCED}': Assessed data flow to itself" in en
    assert f"Feld 'assessedUses' – Wert '{PRODUCED}': Eingeschätzter Datenfluss zu sich" in de


def test_a_flow_to_another_use_case_is_no_finding(project_copy: Path, capsys) -> None:
    """The fix the message gives: the other use case names the dataset under uses."""
    other = "usecases/bremen-heavy-rain-precaution-portal.yaml"
    edit(project_copy, "\nuses: [", f"\nuses: [{PRODUCED}, ", name=other)
    code, out = validate(project_copy, capsys, str(project_copy / other))
    assert code == 0, out
    assert "Data flow to itself" not in out


# -- 2. language tags -------------------------------------------------------------------------


def test_en_uk_says_en_gb_and_that_english_shows_as_missing(project_copy: Path, capsys) -> None:
    path = edit(project_copy, EN_DESCRIPTION, EN_DESCRIPTION.replace("en:", "en-UK:"))
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    where = f"{CASE}:{line_of(path, 'en-UK:')}:3"
    assert f"{where}: Violation – field 'description.en-UK' – value 'en-UK'" in en
    assert "'UK' is not a region or script code. Did you mean 'en-GB'?" in en
    assert "shows as missing there: write en." in en
    assert "English text missing" in en  # what the site would show
    assert f"{where}: Verstoß – Feld 'description.en-UK'" in de
    assert "Meinten Sie 'en-GB'?" in de and "erscheint dort als fehlend: schreiben Sie en." in de


def test_a_tag_that_names_no_language(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "\n  de: ", "\n  dee: ")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert (
        "Violation – field 'title.dee' – value 'dee': Not a language code. Did you mean 'de'?" in en
    )
    assert "Verstoß – Feld 'title.dee' – Wert 'dee': Kein Sprachcode. Meinten Sie 'de'?" in de


def test_a_regional_english_tag_shows_as_missing(project_copy: Path, capsys) -> None:
    path = edit(project_copy, EN_DESCRIPTION, EN_DESCRIPTION.replace("en:", "en-GB:"))
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert "The site shows texts under de and en only: a text under 'en-GB' shows as" in en
    assert "ein Text unter 'en-GB' erscheint dort als fehlend. Schreiben Sie en." in de


def test_another_language_is_kept_with_a_warning(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "\n  de: ", '\n  fr: "Arrosez votre quartier"\n  de: ')
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 0, en
    assert "Warning – field 'title.fr' – value 'fr': The text under 'fr' stays in the graph" in en
    assert "Warnung – Feld 'title.fr' – Wert 'fr': Der Text unter 'fr' bleibt im Graphen" in de


def test_a_turtle_text_under_a_tag_the_site_does_not_show(project_copy: Path, capsys) -> None:
    path = project_copy / "usecases" / "tagged.ttl"
    path.write_text(
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        "<https://w3id.org/sckg/dataset/berlin-street-tree-register>\n"
        '    dcterms:title "Trees"@en-uk .\n',
        encoding="utf-8",
    )
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert "usecases/tagged.ttl:3:1: Violation – field 'title.en-uk'" in en
    assert "Did you mean 'en-GB'?" in en and "Meinten Sie 'en-GB'?" in de


# -- 3. a 50 KB description -------------------------------------------------------------------


def test_a_description_over_5000_characters(project_copy: Path, capsys) -> None:
    long = "    " + "Bäume " * 1_000  # 6,000 characters
    path = edit(project_copy, EN_DESCRIPTION, "  en: >-\n" + long + "\n    After several")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    where = f"{CASE}:{line_of(path, 'Bäume Bäume') - 1}"  # the line of its key
    assert f"{where}: Violation – field 'description'" in en
    assert "longer than 5000 characters (about 700 words), the limit per language" in en
    assert f"{where}: Verstoß – Feld 'description'" in de
    assert "länger als 5000 Zeichen (etwa 700 Wörter), der Höchstlänge je Sprache" in de


def test_a_50_kilobyte_description(project_copy: Path, capsys) -> None:
    path = edit(project_copy, EN_DESCRIPTION, '  en: "' + "x" * 50_000 + '"\n  xx: >-\n    After')
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    line = line_of(path, 'en: "xxx')
    assert f"{CASE}:{line}:7: Violation – field 'description.en': The text is 50000" in en
    assert "at most 20000 are allowed (KG_MAX_LITERAL_LENGTH)" in en
    assert "link to a source for the details (field 'sources')" in en
    assert f"{CASE}:{line}:7: Verstoß – Feld 'description.en': Der Text ist 50000" in de


# -- 4. a file that is not a use case ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found_en", "found_de"),
    [
        ("- one\n- two\n", "list", "Liste"),
        ("author: Hans\nage: 42\n", "the fields author, age", "die Felder author, age"),
        ("Just some notes about a meeting.\n", "'Just some notes about a meeting.'", None),
    ],
)
def test_a_file_that_is_no_record_says_what_a_file_must_look_like(
    project_copy: Path, capsys, text: str, found_en: str, found_de: str | None
) -> None:
    path = project_copy / "usecases" / "notes.yaml"
    path.write_text(text, encoding="utf-8")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert (
        f"usecases/notes.yaml:1:1: Violation: The file is not a curated record (found: {found_en})"
        in en
    )
    assert "'id: usecase/<file name without .yaml>', 'type: UseCase'" in en
    assert "keep it outside usecases/" in en
    assert "no 'id' field" not in en
    assert "Die Datei ist kein kuratierter Eintrag (gefunden: " + (found_de or found_en) in de
    assert "legen Sie sie außerhalb von usecases/ ab" in de


def test_an_entry_with_known_fields_but_no_id_still_asks_for_the_id(
    project_copy: Path, capsys
) -> None:
    path = project_copy / "usecases" / "noid.yaml"
    path.write_text("type: UseCase\ntitle: {de: Titel, en: Title}\n", encoding="utf-8")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert "The entry has no 'id' field" in en and "Der Eintrag hat kein Feld 'id'" in de


# -- 5. did you mean, for codes and references -------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "value", "meant"),
    [
        ("sectors: [environment,", "sectors: [enviroment,", "sectors", "enviroment", "environment"),
        ("maturity: scaled", "maturity: scaeld", "maturity", "scaeld", "scaled"),
        ("maturity: scaled", "maturity: Scaled", "maturity", "Scaled", "scaled"),
        ("lifecycle: running", "lifecycle: runing", "lifecycle", "runing", "running"),
        (
            "solutionType: app-or-portal",
            "solutionType: app-portal",
            "solutionType",
            "app-portal",
            "app-or-portal",
        ),
        ("places: [berlin]", "places: [berln]", "places", "berln", "berlin"),
        (
            "uses: [berlin-street-tree-register,",
            "uses: [berlin-tree-register,",
            "uses",
            "berlin-tree-register",
            "berlin-street-tree-register",
        ),
        (
            "organization: citylab-berlin",
            "organization: citylab-berln",
            "organization",
            "citylab-berln",
            "citylab-berlin",
        ),
        ("sectors: [environment,", "sectors: [Umwelt,", "sectors", "Umwelt", "environment"),
    ],
)
def test_an_unknown_code_or_slug_gets_did_you_mean(
    project_copy: Path, capsys, old: str, new: str, field: str, value: str, meant: str
) -> None:
    path = edit(project_copy, old, new)
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    line = next(line for line in en.splitlines() if f"field '{field}' – value '{value}'" in line)
    assert "Violation" in line and f"'{meant}'" in line.split("Did you mean", 1)[1], line
    line = next(line for line in de.splitlines() if f"Feld '{field}' – Wert '{value}'" in line)
    assert "Verstoß" in line and f"'{meant}'" in line.split("Meinten Sie", 1)[1], line


def test_did_you_mean_for_a_reference_to_another_use_case(project_copy: Path, capsys) -> None:
    name = "usecases/remscheid-open-smartcity-app.yaml"
    path = edit(
        project_copy,
        "transferFrom: [usecase/solingen-open-smartcity-hub]",
        "transferFrom: [usecase/solingen-open-smart-city-hub]",
        name=name,
    )
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert "Did you mean 'usecase/solingen-open-smartcity-hub'" in en
    assert "Meinten Sie 'usecase/solingen-open-smartcity-hub'" in de


def test_did_you_mean_with_the_pyshacl_engine_and_after_a_build(project_settings, capsys) -> None:
    project = project_settings.project
    path = edit(project, "sectors: [environment,", "sectors: [enviroment,")
    code, out = validate(project, capsys, str(path), "--engine", "pyshacl")
    assert code == 1 and "Did you mean 'environment'?" in out
    edit(project, "sectors: [enviroment,", "sectors: [environment,")
    build(project_settings, no_reason=True)
    edit(project, "sectors: [environment,", "sectors: [enviroment,")
    args = ["--store", str(project_settings.store), str(path)]
    code, out = validate(project, capsys, *args)  # validated incrementally, in the build's store
    assert code == 1 and "Did you mean 'environment'?" in out


def test_no_suggestion_when_nothing_is_close(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "sectors: [environment,", "sectors: [zzzzqqq,")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    assert "Unknown sector" in en and "Did you mean" not in en and "Meinten Sie" not in de


# -- 6. YAML syntax errors in German, with a hint for tabs ---------------------------------------


def test_a_tab_in_the_indentation_is_named_in_both_languages(project_copy: Path, capsys) -> None:
    path = edit(project_copy, "\n  de: ", "\n\tde: ")
    code, en, de = both(project_copy, capsys, str(path))
    assert code == 1
    line = line_of(path, "\tde: ")
    assert (
        f"{CASE}:{line}:1: Violation: YAML syntax error: a tab character in the indentation" in en
    )
    assert f"Line {line} or the line before holds a tab character" in en
    assert "Replace every tab with spaces" in en
    assert (
        f"{CASE}:{line}:1: Verstoß: YAML-Syntaxfehler: ein Tabulatorzeichen in der Einrückung" in de
    )
    assert f"Zeile {line} oder die Zeile davor enthält ein Tabulatorzeichen" in de
    assert "Ersetzen Sie jeden Tabulator durch Leerzeichen" in de


@pytest.mark.parametrize(
    ("old", "new", "de", "en"),
    [
        (
            "places: [berlin]\n",
            "places: [berlin\n",
            "eine mit [ begonnene Liste wird nicht mit ]",
            "a list opened with [ is not closed with ]",
        ),
        (
            "maturity: scaled\n",
            "maturity: scaled: really\n",
            "ein Doppelpunkt, wo keiner stehen",
            "a colon where none may stand",
        ),
        (
            "lifecycle: running\n",
            'lifecycle: "running\n',
            "die Datei endet, bevor alles",
            "the file ends before everything is closed",
        ),
    ],
)
def test_yaml_syntax_errors_are_explained_in_german(
    project_copy: Path, capsys, old: str, new: str, de: str, en: str
) -> None:
    path = edit(project_copy, old, new)
    code, out_en, out_de = both(project_copy, capsys, str(path))
    assert code == 1
    assert f"YAML-Syntaxfehler: {de}" in out_de and "(Meldung des Parsers: „" in out_de
    assert f"YAML syntax error: {en}" in out_en
    assert "Tabulator" not in out_de and "tab character" not in out_en


# -- 7. kg validate FILE: that file first, the rest as a count ----------------------------------


def _counts(project: Path, capsys, file: str) -> tuple[int, int, int]:
    """Violations and warnings of the files other than ``file``, and how many files there are,
    from a full validation."""
    _, out = validate(project, capsys, "--format", "json")
    body = json.loads(out)
    others = [f for f in body["findings"] if f["file"] != file]
    violations = sum(1 for f in others if f["severity"] == "Violation")
    return violations, sum(1 for f in others if f["severity"] == "Warning"), body["files"] - 1


@pytest.mark.parametrize("built", [False, True])
def test_validate_file_shows_its_findings_then_counts_the_rest(
    project_settings, capsys, built: bool
) -> None:
    project = project_settings.project
    if built:
        build(project_settings, no_reason=True)
    path = edit(project, "maturity: scaled\n", "maturity: scaeld\n")
    violations, warnings, files = _counts(project, capsys, CASE)
    assert violations == 0 and warnings > 0 and files > 100
    args = ["--store", str(project_settings.store), str(path)]
    code, en, de = both(project, capsys, *args)
    assert code == 1
    lines = en.strip().splitlines()
    assert all(line.startswith(f"{CASE}:") for line in lines[:-2]), lines
    assert lines[-2].startswith("1 violation,")
    assert lines[-1] == (
        f"Elsewhere in the corpus: 0 violations, {warnings} warnings in {files} other files "
        "(kg validate without a file lists them)."
    )
    assert de.strip().splitlines()[-1] == (
        f"Im übrigen Bestand: 0 Verstöße, {warnings} Warnungen in {files} weiteren Dateien "
        "(kg validate ohne Datei listet sie auf)."
    )
    code, out = validate(project, capsys, *args, "--format", "json")
    assert json.loads(out)["elsewhere"] == {"violations": 0, "warnings": warnings, "files": files}


def test_a_violation_elsewhere_is_counted_and_said_to_stop_the_build(
    project_copy: Path, capsys
) -> None:
    edit(project_copy, "maturity: scaled\n", "maturity: scaeld\n")
    other = project_copy / "usecases" / "berlin-sensare-heavy-rain-warning.yaml"
    code, en, de = both(project_copy, capsys, str(other))
    assert code == 0, en  # the file asked about is fine
    assert "Elsewhere in the corpus: 1 violation," in en
    assert "Im übrigen Bestand: 1 Verstoß," in de
    assert en.strip().endswith("While a violation is left there, kg build stops.")
    assert de.strip().endswith("Solange dort ein Verstoß steht, bricht kg build ab.")


# -- 8. a failed build says which release is still served ---------------------------------------


def run_build(settings, capsys, lang: str) -> tuple[int, str]:
    args = ["--project", str(settings.project), "--store", str(settings.store)]
    code = main([*args, "build", "--no-reason", "--lang", lang])
    return code, capsys.readouterr().err


def test_a_first_build_that_fails_says_nothing_is_served_yet(project_settings, capsys) -> None:
    edit(project_settings.project, "maturity: scaled\n", "")
    code, en = run_build(project_settings, capsys, "en")
    assert code == 1 and "Nothing published; no release is being served yet." in en
    code, de = run_build(project_settings, capsys, "de")
    assert "Nichts veröffentlicht; es wird noch kein Release ausgeliefert." in de


def test_a_publish_failure_says_which_release_is_still_served(
    project_settings, capsys, monkeypatch
) -> None:
    from kg.store.embedded import EmbeddedStore

    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    edit(project_settings.project, "maturity: scaled\n", "maturity: pilot\n")

    def refuse(self, local, meta, **kwargs):
        raise PublishFailed("the disk is full")

    monkeypatch.setattr(EmbeddedStore, "publish_prepared", refuse)
    code, en = run_build(project_settings, capsys, "en")
    assert code == 3 and "kg: the disk is full" in en
    assert f"Nothing published; release {served.id} is still being served." in en
    code, de = run_build(project_settings, capsys, "de")
    assert f"Nichts veröffentlicht; ausgeliefert wird weiterhin Release {served.id}." in de
    assert open_store(project_settings).release() == served


def test_an_unexpected_error_still_says_which_release_is_served(
    project_settings, capsys, monkeypatch
) -> None:
    from kg.store.embedded import EmbeddedStore

    build(project_settings, no_reason=True)
    served = open_store(project_settings).release()
    edit(project_settings.project, "maturity: scaled\n", "maturity: pilot\n")

    def crash(self, local, meta, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(EmbeddedStore, "publish_prepared", crash)
    args = ["--project", str(project_settings.project), "--store", str(project_settings.store)]
    with pytest.raises(OSError) as raised:
        main([*args, "build", "--no-reason", "--lang", "de"])
    notes = getattr(raised.value, "__notes__", [])
    assert notes == [f"Nichts veröffentlicht; ausgeliefert wird weiterhin Release {served.id}."]


def test_a_store_that_cannot_say_what_it_serves(project_settings, capsys, monkeypatch) -> None:
    import kg.store

    edit(project_settings.project, "maturity: scaled\n", "")

    def unavailable(settings: config.Settings):
        raise StoreUnavailable("connection refused")

    monkeypatch.setattr(kg.store, "open_store", unavailable)
    code, en = run_build(project_settings, capsys, "en")
    assert code == 1
    assert "Nothing published; which release is served cannot be told right now, as the store" in en
    assert "(connection refused). A failed build never changes the release served." in en
    code, de = run_build(project_settings, capsys, "de")
    assert "Nichts veröffentlicht; welches Release ausgeliefert wird, lässt sich gerade" in de


def test_the_summary_counts_in_the_right_number() -> None:
    from kg.report import Finding, Report

    one = Finding("Violation", "usecases/a.yaml", 1, {"de": "x", "en": "x"})
    assert Report([one], 1).text("de").splitlines()[-1] == "1 Verstoß, 0 Warnungen in 1 Datei"
    assert Report([one], 1).text("en").splitlines()[-1] == "1 violation, 0 warnings in 1 file"
    two = Report([one, replace(one, severity="Warning")], 2)
    assert two.text("de").splitlines()[-1] == "1 Verstoß, 1 Warnung in 2 Dateien"
    assert Report([], 3).text("en") == "No violations. 0 violations, 0 warnings in 3 files"
