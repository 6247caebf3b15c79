"""Bilingual messages for problems found while reading curated files.

SHACL findings carry their own ``sh:message`` in German and English (ontology/shapes.ttl);
these are the messages for what happens before SHACL can look: syntax, form and identity.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "yaml-syntax": {
        "de": "YAML-Syntaxfehler: {meaning} (Meldung des Parsers: „{problem}“).{tab} Prüfen Sie "
        "Einrückung, Doppelpunkte und Anführungszeichen an dieser Stelle.",
        "en": "YAML syntax error: {meaning} (the parser says: '{problem}').{tab} Check "
        "indentation, colons and quotes at this point.",
    },
    "yaml-tab": {
        "de": " Zeile {line} oder die Zeile davor enthält ein Tabulatorzeichen: YAML erlaubt zum "
        "Einrücken nur Leerzeichen. Ersetzen Sie jeden Tabulator durch Leerzeichen (zwei je "
        "Ebene).",
        "en": " Line {line} or the line before holds a tab character: YAML allows only spaces "
        "for indentation. Replace every tab with spaces (two per level).",
    },
    "yaml-tab-indent": {
        "de": "ein Tabulatorzeichen in der Einrückung",
        "en": "a tab character in the indentation",
    },
    "yaml-bad-start": {
        "de": "ein Zeichen, mit dem an dieser Stelle nichts beginnen darf",
        "en": "a character that nothing may start with at this point",
    },
    "yaml-colon": {
        "de": "ein Doppelpunkt, wo keiner stehen darf (enthält ein Text „: “, setzen Sie ihn in "
        "Anführungszeichen)",
        "en": "a colon where none may stand (if a text holds ': ', put it in quotes)",
    },
    "yaml-missing-colon": {
        "de": "nach einem Feldnamen fehlt der Doppelpunkt",
        "en": "a colon is missing after a field name",
    },
    "yaml-indent": {
        "de": "die Einrückung passt nicht zu den Feldern darüber",
        "en": "the indentation does not match the fields above",
    },
    "yaml-unclosed-list": {
        "de": "eine mit [ begonnene Liste wird nicht mit ] geschlossen (oder ein Komma fehlt)",
        "en": "a list opened with [ is not closed with ] (or a comma is missing)",
    },
    "yaml-unclosed-mapping": {
        "de": "eine mit {{ begonnene Zuordnung wird nicht mit }} geschlossen (oder ein Komma "
        "fehlt)",
        "en": "a mapping opened with {{ is not closed with }} (or a comma is missing)",
    },
    "yaml-list-entry": {
        "de": "ein Listeneintrag (- …) passt nicht zur Einrückung der Liste darüber",
        "en": "a list entry (- …) does not match the indentation of the list above",
    },
    "yaml-end": {
        "de": "die Datei endet, bevor alles geschlossen ist (fehlt ein Anführungszeichen oder "
        "eine Klammer?)",
        "en": "the file ends before everything is closed (is a quote or a bracket missing?)",
    },
    "yaml-documents": {
        "de": "die Datei enthält mehr als ein Dokument (eine Zeile '---' oder Text nach dem "
        "Ende); eine Datei enthält genau ein Dokument",
        "en": "the file holds more than one document (a line '---' or text after the end); a "
        "file holds exactly one",
    },
    "yaml-escape": {
        "de": "ein unbekanntes Zeichen nach \\ in einem Text in doppelten Anführungszeichen "
        "(verwenden Sie einfache Anführungszeichen oder schreiben Sie \\\\)",
        "en": "an unknown character after \\ in a text in double quotes (use single quotes "
        "or write \\\\)",
    },
    "yaml-control": {
        "de": "ein Steuerzeichen, das YAML nicht erlaubt (oft aus einer Kopie aus Word oder PDF)",
        "en": "a control character YAML does not allow (often from a copy out of Word or PDF)",
    },
    "yaml-no-value": {
        "de": "ein Wert fehlt oder beginnt mit einem Zeichen, das am Anfang nicht stehen darf "
        "(setzen Sie ihn in Anführungszeichen)",
        "en": "a value is missing or starts with a character that may not start it (put it "
        "in quotes)",
    },
    "yaml-unknown": {
        "de": "die Datei ist hier kein gültiges YAML",
        "en": "the file is not valid YAML here",
    },
    "empty-file": {
        "de": "Die Datei ist leer. Beschreiben Sie darin einen Anwendungsfall "
        "oder löschen Sie sie.",
        "en": "The file is empty. Describe a use case in it or delete it.",
    },
    "unsupported-file": {
        "de": "Dateityp '{suffix}' wird nicht unterstützt. Verwenden Sie YAML (.yaml, .yml, "
        ".jsonld), Turtle (.ttl) oder RDF/XML (.rdf).",
        "en": "File type '{suffix}' is not supported. Use YAML (.yaml, .yml, .jsonld), "
        "Turtle (.ttl) or RDF/XML (.rdf).",
    },
    # Forms of the curation pages (kg.curation.forms, kg.curation.spreadsheet)
    "form-label-id": {"de": "Kennung", "en": "Identifier"},
    "form-label-type": {"de": "Art", "en": "Kind"},
    "form-label-place": {"de": "Ort", "en": "Place"},
    "form-yes": {"de": "ja", "en": "yes"},
    "form-no": {"de": "nein", "en": "no"},
    "form-help-id": {
        "de": "Kurzname aus Kleinbuchstaben, Ziffern und Bindestrichen; die Kennung wird "
        "{kind}/Kurzname.",
        "en": "Short name of lower-case letters, digits and hyphens; the identifier becomes "
        "{kind}/short-name.",
    },
    "form-required": {
        "de": "Das Feld {field} ist ein Pflichtfeld. Bitte füllen Sie es aus.",
        "en": "The field {field} is required. Please fill it in.",
    },
    "form-bad-slug": {
        "de": "Ungültige Kennung. Verwenden Sie nur Kleinbuchstaben, Ziffern und einzelne "
        "Bindestriche, z. B. hamburg-traffic-signals.",
        "en": "Invalid identifier. Use only lower-case letters, digits and single hyphens, "
        "for example hamburg-traffic-signals.",
    },
    "form-bad-date": {
        "de": "Kein gültiges Datum. Schreiben Sie ein Jahr (2023), einen Monat (2023-06) "
        "oder einen Tag (2023-06-30).",
        "en": "Not a valid date. Write a year (2023), a month (2023-06) or a day (2023-06-30).",
    },
    "form-bad-value": {
        "de": "Der Wert hat nicht die erwartete Form.",
        "en": "The value does not have the expected form.",
    },
    "form-unknown-code": {
        "de": "Unbekannter Code. Wählen Sie einen Eintrag aus der Liste.",
        "en": "Unknown code. Choose an entry from the list.",
    },
    "form-unknown-entity": {
        "de": "{entity} ist in keiner kuratierten YAML-Datei definiert.",
        "en": "{entity} is not defined in any curated YAML file.",
    },
    "form-bad-path": {
        "de": "{path} ist keine kuratierte YAML-Datei unter usecases/.",
        "en": "{path} is not a curated YAML file below usecases/.",
    },
    "form-file-exists": {
        "de": "Die Datei {path} gibt es schon. Wählen Sie eine andere Kennung.",
        "en": "The file {path} already exists. Choose another identifier.",
    },
    "sheet-unknown-type": {
        "de": "'{type}' ist keine kuratierte Art. Verwenden Sie die Blätter der Vorlage.",
        "en": "'{type}' is not a curated type. Use the sheets of the template.",
    },
    "sheet-unknown-format": {
        "de": "Das Format '{format}' gibt es nicht als Vorlage; es gibt xlsx und csv.",
        "en": "There is no template in the format '{format}'; there are xlsx and csv.",
    },
    "sheet-not-xlsx": {
        "de": "Die Datei ist keine lesbare XLSX-Arbeitsmappe ({problem}).",
        "en": "The file is not a readable XLSX workbook ({problem}).",
    },
    "sheet-csv-type": {
        "de": "Der Name der CSV-Datei nennt keine Art. Verwenden Sie die Vorlage, z. B. "
        "template-usecase.csv; Arten: {types}.",
        "en": "The name of the CSV file names no type. Use the template, for example "
        "template-usecase.csv; types: {types}.",
    },
    "sheet-no-header": {
        "de": "Dem Blatt '{type}' fehlt die Kopfzeile der Vorlage (die erste Zeile mit id).",
        "en": "The sheet '{type}' lacks the header row of the template (the first row, with id).",
    },
    "sheet-no-type-sheet": {
        "de": "Die Arbeitsmappe hat kein Blatt der Vorlage. Die Blätter heißen wie die Arten: "
        "{types}.",
        "en": "The workbook has no sheet of the template. The sheets are named after the "
        "types: {types}.",
    },
    "sheet-repeated-id": {
        "de": "Diese Kennung steht schon in Zeile {row}. Jede Zeile beschreibt eine andere "
        "Entität; führen Sie die beiden Zeilen zusammen.",
        "en": "This identifier is already in row {row}. Each row describes another entity; "
        "merge the two rows.",
    },
    "sheet-unknown-column": {
        "de": "Die Spalte {column} gehört nicht zur Vorlage; ihre Werte werden nicht gelesen.",
        "en": "The column {column} is not part of the template; its values are not read.",
    },
    "not-text": {
        "de": "Die Datei ist kein lesbarer UTF-8-Text und damit weder YAML noch Turtle.",
        "en": "The file is not readable UTF-8 text, so it is neither YAML nor Turtle.",
    },
    "not-a-mapping": {
        "de": "Erwartet wird eine Zuordnung von Feldern (id: …, type: …), gefunden: {found}.",
        "en": "Expected a mapping of fields (id: …, type: …), found: {found}.",
    },
    "not-a-record": {
        "de": "Die Datei ist kein kuratierter Eintrag (gefunden: {found}). Eine kuratierte Datei "
        "beschreibt einen Eintrag mit seinen Feldern, z. B. einen Anwendungsfall mit 'id: "
        "usecase/<Dateiname ohne .yaml>', 'type: UseCase', 'title', 'description', 'sectors' "
        "usw., oder mehrere Einträge unter '\"@graph\":' (siehe docs/authoring.md). "
        "Gehört die Datei nicht zu den Daten, legen Sie sie außerhalb von usecases/ ab.",
        "en": "The file is not a curated record (found: {found}). A curated file describes one "
        "entry with its fields, for example a use case with 'id: usecase/<file name without "
        ".yaml>', 'type: UseCase', 'title', 'description', 'sectors' and so on, or several "
        "entries under '\"@graph\":' (see docs/authoring.md). If the file is not data, keep "
        "it outside usecases/.",
    },
    "found-keys": {"de": "die Felder {keys}", "en": "the fields {keys}"},
    "found-mapping": {"de": "Zuordnung", "en": "mapping"},
    "found-list": {"de": "Liste", "en": "list"},
    "found-nothing": {"de": "nichts", "en": "nothing"},
    "remote-context": {
        "de": "Ein fremder @context wird aus Sicherheitsgründen nie geladen. Schreiben Sie "
        '"@context": {context} oder lassen Sie die Zeile weg.',
        "en": "A foreign @context is never loaded, for safety. Write "
        '"@context": {context} or leave the line out.',
    },
    "misplaced-keyword": {
        "de": "'{key}' ist nur auf der obersten Ebene der Datei erlaubt.",
        "en": "'{key}' is only allowed at the top level of the file.",
    },
    "unknown-field": {
        "de": "Unbekanntes Feld.{hint} Die erlaubten Felder stehen in docs/authoring.md.",
        "en": "Unknown field.{hint} The allowed fields are listed in docs/authoring.md.",
    },
    "did-you-mean": {"de": " Meinten Sie '{name}'?", "en": " Did you mean '{name}'?"},
    "did-you-mean-any": {"de": " Meinten Sie {names}?", "en": " Did you mean {names}?"},
    "duplicate-key": {
        "de": "Das Feld steht zweimal in diesem Eintrag (zuerst in Zeile {first}). "
        "Führen Sie die Werte in einem Feld zusammen.",
        "en": "The field appears twice in this entry (first on line {first}). "
        "Merge the values into one field.",
    },
    "missing-id": {
        "de": "Der Eintrag hat kein Feld 'id'. Ergänzen Sie z. B. "
        "'id: usecase/mein-anwendungsfall'.",
        "en": "The entry has no 'id' field. Add one, for example 'id: usecase/my-use-case'.",
    },
    "missing-type": {
        "de": "Der Eintrag hat kein Feld 'type'. Ergänzen Sie z. B. 'type: UseCase'.",
        "en": "The entry has no 'type' field. Add one, for example 'type: UseCase'.",
    },
    "addition-undefined": {
        "de": "Kein Eintrag definiert '{id}'. Ein Eintrag ohne 'type' ergänzt nur Felder eines "
        "anderswo definierten Eintrags: Prüfen Sie die Kennung oder geben Sie 'type' an, um "
        "den Eintrag hier zu definieren.",
        "en": "No entry defines '{id}'. An entry without 'type' only adds fields to an entry "
        "defined elsewhere: check the identifier, or give a 'type' to define the entry here.",
    },
    "unknown-data-model": {
        "de": "'{name}' ist kein Entitätstyp der Smart Data Models. Ähnliche: {close}. "
        "Vorschläge zeigt 'kg suggest dataModel <Suchwort>'.",
        "en": "'{name}' is not a Smart Data Models entity type. Similar: {close}. "
        "'kg suggest dataModel <word>' lists candidates.",
    },
    "possible-catalogue": {
        "de": "Katalog: {datasets} Datensätze, {recognised} mit erkanntem Typ",
        "en": "Catalogue: {datasets} datasets, {recognised} with a recognised type",
    },
    "possible-declared": {"de": "angegeben", "en": "declared"},
    "possible-title": {
        "de": "erkannt am Titel – bitte prüfen",
        "en": "recognised by title – please check",
    },
    "possible-unrecognised": {"de": "nicht erkannt", "en": "not recognised"},
    "possible-usecases": {
        "de": "{count} Anwendungsfälle nutzen diese Arten von Daten",
        "en": "{count} use cases use these kinds of data",
    },
    "possible-covered": {"de": "abgedeckt", "en": "covered"},
    "possible-missing": {"de": "fehlt noch", "en": "still missing"},
    "possible-models": {"de": "Datenmodelle", "en": "data models"},
    "possible-nothing-missing": {
        "de": "nichts: mit Ihren Daten möglich",
        "en": "nothing: possible with your data",
    },
    "possible-no-types": {
        "de": "Keine Datensatztypen: Geben Sie --types oder einen Katalog mit erkennbaren "
        "Datensätzen an.",
        "en": "No dataset types: give --types or a catalogue with recognisable datasets.",
    },
    "catalogue-unreadable": {
        "de": "Der Katalog {source} ließ sich nicht lesen: {reason}",
        "en": "The catalogue {source} could not be read: {reason}",
    },
    "suggest-none": {
        "de": "Kein Code für {field} passt zu allen Suchwörtern. Versuchen Sie ein kürzeres "
        "oder ein englisches Wort.",
        "en": "No code for {field} matches every word. Try a shorter word, or a German one.",
    },
    "bad-id": {
        "de": "Ungültige Kennung. Schreiben Sie '<art>/<kürzel>' mit Kleinbuchstaben, Ziffern "
        "und Bindestrichen, z. B. 'usecase/hamburg-ampeldaten'.",
        "en": "Invalid identifier. Write '<kind>/<slug>' with lowercase letters, digits and "
        "hyphens, for example 'usecase/hamburg-traffic-signals'.",
    },
    "id-kind-mismatch": {
        "de": "Die Kennung passt nicht zum Typ {type}: sie muss mit '{kind}/' beginnen.",
        "en": "The identifier does not fit type {type}: it must start with '{kind}/'.",
    },
    "file-name-mismatch": {
        "de": "Die Kennung passt nicht zum Dateinamen. Nennen Sie die Datei '{expected}' "
        "oder ändern Sie die Kennung.",
        "en": "The identifier does not match the file name. Name the file '{expected}' "
        "or change the identifier.",
    },
    "unknown-type": {
        "de": "Unbekannter Typ. Erlaubt sind: {allowed}.",
        "en": "Unknown type. Allowed are: {allowed}.",
    },
    "bad-slug": {
        "de": "Ungültiger Verweis. Ein Kürzel besteht aus Kleinbuchstaben, Ziffern und "
        "Bindestrichen, z. B. 'mobility' oder 'hamburg'.",
        "en": "Invalid reference. A slug consists of lowercase letters, digits and hyphens, "
        "for example 'mobility' or 'hamburg'.",
    },
    "bad-code": {
        "de": "Ungültiger Code: erlaubt sind Buchstaben und Ziffern ohne Leerzeichen.",
        "en": "Invalid code: use letters and digits without spaces.",
    },
    "bad-license": {
        "de": "Ungültige Lizenz. Geben Sie die SPDX-Kennung der Lizenz an, z. B. 'Apache-2.0' "
        "oder 'EUPL-1.2', oder die vollständige Web-Adresse der Lizenz.",
        "en": "Invalid licence. Give the SPDX identifier of the licence, for example "
        "'Apache-2.0' or 'EUPL-1.2', or the full web address of the licence.",
    },
    "bad-reference": {
        "de": "Ungültiger Verweis. Schreiben Sie '<art>/<kürzel>', z. B. "
        "'usecase/barcelona-sentilo-platform' oder 'platform/sentilo-barcelona'.",
        "en": "Invalid reference. Write '<kind>/<slug>', for example "
        "'usecase/barcelona-sentilo-platform' or 'platform/sentilo-barcelona'.",
    },
    "old-gaiaxServices": {
        "de": "Das Feld gaiaxServices gibt es nicht mehr: es gab eine Einschätzung als Tatsache "
        "aus. Schreiben Sie die Codes unter gaiaxRelevance (Einschätzung der Kuratoren, "
        "optional); eine belegte Nutzung von GAIA-X (Datenraum, konformes Angebot, Konnektor, "
        "Label) gehört mit Quelle unter gaiaxUse.",
        "en": "The field gaiaxServices no longer exists: it presented an assessment as a fact. "
        "Write the codes under gaiaxRelevance (the curators' assessment, optional); an "
        "evidenced use of GAIA-X (data space, compliant offering, connector, label) belongs "
        "under gaiaxUse, with its source.",
    },
    "old-source": {
        "de": "Das Feld source (eine Quelle) heißt jetzt sources und ist eine Liste. Schreiben "
        "Sie z. B. 'sources: [https://…]'.",
        "en": "The field source (one source) is now called sources and is a list. Write, for "
        "example, 'sources: [https://…]'.",
    },
    "expected-text": {
        "de": "Erwartet wird ein Text, gefunden: {found}.",
        "en": "Expected a text, found: {found}.",
    },
    "expected-language-map": {
        "de": "Erwartet werden Texte je Sprache, z. B. '{{de: …, en: …}}', gefunden: {found}.",
        "en": "Expected texts per language, for example '{{de: …, en: …}}', found: {found}.",
    },
    "bad-language": {
        "de": "Kein Sprachcode.{hint} Die Website zeigt Texte unter de (Deutsch) und en "
        "(Englisch); schreiben Sie den Text unter einen dieser Schlüssel.",
        "en": "Not a language code.{hint} The site shows texts under de (German) and en "
        "(English); put the text under one of these keys.",
    },
    "bad-language-subtag": {
        "de": "Ungültiges Sprachkennzeichen: '{subtag}' ist kein Regions- oder Schriftcode.{hint} "
        "Die Website zeigt ohnehin nur Texte unter de und en, ein Text unter diesem Schlüssel "
        "erscheint dort als fehlend: schreiben Sie {shown}.",
        "en": "Invalid language tag: '{subtag}' is not a region or script code.{hint} The site "
        "shows texts under de and en only anyway, and a text under this key shows as missing "
        "there: write {shown}.",
    },
    "language-variant": {
        "de": "Die Website zeigt Texte nur unter de und en: ein Text unter '{tag}' erscheint dort "
        "als fehlend. Schreiben Sie {language}.",
        "en": "The site shows texts under de and en only: a text under '{tag}' shows as missing "
        "there. Write {language}.",
    },
    "language-not-shown": {
        "de": "Der Text unter '{tag}' bleibt im Graphen, die Website zeigt aber nur Texte unter de "
        "und en. Geben Sie den Text auch auf Deutsch (de) und Englisch (en) an.",
        "en": "The text under '{tag}' stays in the graph, but the site shows texts under de and "
        "en only. Give the text in German (de) and English (en) too.",
    },
    "expected-entries": {
        "de": "Erwartet wird eine Liste von Einträgen mit Feldern, gefunden: {found}.",
        "en": "Expected a list of entries with fields, found: {found}.",
    },
    "bad-url": {
        "de": "Keine gültige Web-Adresse. Geben Sie eine vollständige Adresse mit http:// "
        "oder https:// und ohne Leerzeichen an.",
        "en": "Not a valid web address. Give a complete address starting with http:// or "
        "https://, without spaces.",
    },
    "duplicate-id": {
        "de": "Die Kennung ist bereits in {other} definiert. Jede Kennung darf nur in einer "
        "Datei definiert werden: benennen Sie einen der Einträge um.",
        "en": "The identifier is already defined in {other}. Each identifier may be defined in "
        "only one file: rename one of the entries.",
    },
    "rdf-syntax": {
        "de": "Syntaxfehler: {problem}",
        "en": "Syntax error: {problem}",
    },
    "yaml-anchor": {
        "de": "Anker (&name) und Aliasse (*name) sind in kuratierten Dateien nicht erlaubt; die "
        "Datei wird nicht gelesen. Schreiben Sie den Wert aus oder verweisen Sie über seine "
        "Kennung auf einen gemeinsamen Eintrag (z. B. 'uses: [berlin-street-tree-register]').",
        "en": "Anchors (&name) and aliases (*name) are not allowed in curated files; the file "
        "is not read. Write the value out, or refer to a shared entry by its identifier "
        "(for example 'uses: [berlin-street-tree-register]').",
    },
    "too-many-nodes": {
        "de": "Die Datei enthält mehr als {limit} Einträge, Felder und Werte und wird hier nicht "
        "weitergelesen. Teilen Sie sie auf mehrere Dateien auf (oder erhöhen Sie "
        "KG_MAX_FILE_NODES).",
        "en": "The file holds more than {limit} entries, fields and values and is not read "
        "beyond this point. Split it into several files (or raise KG_MAX_FILE_NODES).",
    },
    "too-deep": {
        "de": "Hier sind Einträge und Listen tiefer als {limit} Ebenen verschachtelt; die Datei "
        "wird nicht gelesen. Prüfen Sie die Einrückung und die Klammern an dieser Stelle.",
        "en": "Entries and lists are nested deeper than {limit} levels here; the file is not "
        "read. Check the indentation and the brackets at this point.",
    },
    "literal-too-long": {
        "de": "Der Text ist {length} Zeichen lang, erlaubt sind höchstens {limit} "
        "(KG_MAX_LITERAL_LENGTH); die Datei wird nicht gelesen. Kürzen Sie ihn und verweisen "
        "Sie für Ausführliches auf eine Quelle (Feld 'sources').",
        "en": "The text is {length} characters long; at most {limit} are allowed "
        "(KG_MAX_LITERAL_LENGTH) and the file is not read. Shorten it and link to a source "
        "for the details (field 'sources').",
    },
    "file-too-large": {
        "de": "Die Datei ist größer als {limit} Bytes (KG_MAX_FILE_BYTES) und wird nicht "
        "gelesen. Teilen Sie sie auf mehrere Dateien auf.",
        "en": "The file is larger than {limit} bytes (KG_MAX_FILE_BYTES) and is not read. "
        "Split it into several files.",
    },
    "not-a-regular-file": {
        "de": "Nicht gelesen: das ist {kind}. Eingaben des Builds müssen gewöhnliche Dateien "
        "im Projektordner sein (keine symbolischen Links, Geräte oder Pipes). Legen Sie die "
        "Datei selbst an diese Stelle oder entfernen Sie den Eintrag.",
        "en": "Not read: this is {kind}. Build inputs must be regular files inside the project "
        "folder (no symbolic links, devices or pipes). Put the file itself here or remove "
        "the entry.",
    },
    "kind-symlink": {"de": "ein symbolischer Link", "en": "a symbolic link"},
    "kind-fifo": {"de": "eine benannte Pipe (FIFO)", "en": "a named pipe (FIFO)"},
    "kind-device": {"de": "eine Gerätedatei", "en": "a device file"},
    "kind-socket": {"de": "ein Socket", "en": "a socket"},
    "kind-other": {"de": "keine gewöhnliche Datei", "en": "not a regular file"},
    "bad-iri": {
        "de": "Syntaxfehler: <{iri}> ist keine gültige IRI (Leerzeichen, Anführungszeichen, "
        "spitze und geschweifte Klammern sind darin nicht erlaubt). Schreiben Sie ein "
        "Leerzeichen als %20.",
        "en": "Syntax error: <{iri}> is not a valid IRI (spaces, quotes, angle and curly "
        "brackets are not allowed in it). Write a space as %20.",
    },
    "validate-missing": {
        "de": "{path} gibt es nicht. Geben Sie eine Datei unter {folder} an.",
        "en": "{path} does not exist. Name a file under {folder}.",
    },
    "validate-folder": {
        "de": "{path} ist ein Ordner. Geben Sie die Dateien an, die geprüft werden sollen, "
        "oder rufen Sie kg validate ohne Pfad auf, um alle zu prüfen.",
        "en": "{path} is a folder. Name the files to validate, or run kg validate without a "
        "path to validate all of them.",
    },
    "validate-outside": {
        "de": "{path} liegt nicht unter {folder}. Geprüft werden nur die "
        "kuratierten Dateien des Projekts; kopieren Sie die Datei dorthin.",
        "en": "{path} is not under {folder}. Only the project's curated files are "
        "validated; copy the file there.",
    },
    "validate-suffix": {
        "de": "{path} ist keine kuratierte Datei. Erlaubt sind {suffixes}.",
        "en": "{path} is not a curated file. Accepted are {suffixes}.",
    },
    "validate-elsewhere": {
        "de": "Im übrigen Bestand: {violations}, {warnings} in {files} "
        "(kg validate ohne Datei listet sie auf).",
        "en": "Elsewhere in the corpus: {violations}, {warnings} in {files} "
        "(kg validate without a file lists them).",
    },
    "validate-elsewhere-blocks": {
        "de": " Solange dort ein Verstoß steht, bricht kg build ab.",
        "en": " While a violation is left there, kg build stops.",
    },
    "build-failed-served": {
        "de": "Nichts veröffentlicht; ausgeliefert wird weiterhin Release {release}.",
        "en": "Nothing published; release {release} is still being served.",
    },
    "build-failed-nothing-served": {
        "de": "Nichts veröffentlicht; es wird noch kein Release ausgeliefert.",
        "en": "Nothing published; no release is being served yet.",
    },
    "build-failed-unknown": {
        "de": "Nichts veröffentlicht; welches Release ausgeliefert wird, lässt sich gerade nicht "
        "feststellen, denn der Speicher antwortet nicht ({reason}). Ein fehlgeschlagener Build "
        "ändert das ausgelieferte Release nie.",
        "en": "Nothing published; which release is served cannot be told right now, as the "
        "store does not answer ({reason}). A failed build never changes the release served.",
    },
    "doctype-refused": {
        "de": "RDF/XML mit DOCTYPE oder ENTITY wird aus Sicherheitsgründen abgelehnt. "
        "Entfernen Sie die DOCTYPE-Deklaration.",
        "en": "RDF/XML with a DOCTYPE or ENTITY is refused for safety. "
        "Remove the DOCTYPE declaration.",
    },
    "audit-usecase-unsourced": {
        "de": "Realer Anwendungsfall ohne Quelle. Geben Sie unter sources mindestens eine "
        "öffentliche Quelle an, deren Text Sie gelesen haben.",
        "en": "Real use case without a source. Give at least one public source you have read "
        "under sources.",
    },
    "audit-gaiax-unsourced": {
        "de": "Gaia-X-Nutzung ohne Quelle. Belegen Sie jeden Eintrag unter gaiaxUse mit source "
        "oder tragen Sie die Einschätzung unter gaiaxRelevance ein.",
        "en": "Gaia-X use without a source. Back each entry under gaiaxUse with source, or "
        "record the judgement under gaiaxRelevance.",
    },
    "audit-platform-unsourced": {
        "de": "Plattform oder Komponente eines realen Anwendungsfalls ohne Quelle. Geben Sie "
        "unter sources an, wo Betreiber, Betrieb und Software belegt sind.",
        "en": "Platform or component of a real use case without a source. Give under sources "
        "where its operator, hosting and software are stated.",
    },
    "audit-place-population": {
        "de": "Ort ohne Einwohnerzahl. Ergänzen Sie population mit value, year und source.",
        "en": "Place without population. Add population with value, year and source.",
    },
    "audit-place-size-class": {
        "de": "Deutsche Gemeinde ohne Stadt- und Gemeindetyp. Ergänzen Sie sizeClass "
        "(grossstadt, mittelstadt, kleinstadt, landgemeinde) nach der belegten Einwohnerzahl.",
        "en": "German municipality without size class. Add sizeClass (grossstadt, mittelstadt, "
        "kleinstadt, landgemeinde) from the sourced population.",
    },
    "audit-place-land": {
        "de": "Deutscher Ort ohne Land. Führen Sie unter partOf den Kreis und das Land an "
        "(ein Eintrag mit type: State).",
        "en": "German place without a Land. List its district and Land under partOf (an entry "
        "with type: State).",
    },
    "audit-short-text": {
        "de": "Beschreibung zu kurz: {de_words} Wörter auf Deutsch, {en_words} auf Englisch; "
        "mindestens {minimum} je Sprache (Problem, Vorgehen, Daten, Plattform und Betreiber, "
        "Stand und Ergebnis).",
        "en": "Description too short: {de_words} words in German, {en_words} in English; at "
        "least {minimum} per language (problem, what was done, data, platform and operator, "
        "status and outcome).",
    },
    "audit-assessed-flow": {
        "de": "Eingeschätzter Datenfluss: nutzt {dataset} von {producer} nur laut Einschätzung "
        "(assessedUses), nicht laut Quelle.",
        "en": "Assessed data flow: uses {dataset} from {producer} by judgement only "
        "(assessedUses), not by a source.",
    },
    "audit-kind-unsourced": {
        "de": "Aussagen ohne Quelle: {count}",
        "en": "Claims without a source: {count}",
    },
    "audit-kind-place": {
        "de": "Orte ohne Einwohnerzahl, Stadt- und Gemeindetyp oder Land: {count}",
        "en": "Places without population, size class or Land: {count}",
    },
    "audit-kind-short-text": {
        "de": "Anwendungsfälle unter der Textmindestlänge: {count}",
        "en": "Use cases below the text minimum: {count}",
    },
    "audit-kind-assessed-flow": {
        "de": "Als Einschätzung gekennzeichnete Datenflüsse: {count}",
        "en": "Data flows marked as assessment: {count}",
    },
    "audit-coverage": {
        "de": "Katalogabdeckung: {covered} von {total} Datensätzen ({percent} %) haben eine "
        "Lizenz aus der DCAT-AP.de-Liste, einen Herausgeber, ein Datenthema und eine "
        "Distribution mit Format.",
        "en": "Catalogue coverage: {covered} of {total} datasets ({percent} %) carry a licence "
        "from the DCAT-AP.de list, a publisher, a data theme and a distribution with format.",
    },
    "audit-coverage-generic": {
        "de": "Allgemeine Datensätze, die nur Anwendungsfallmuster nutzen oder erzeugen (ohne "
        "Herausgeber, da kein reales Projekt), gesondert gezählt: {covered} von {total} "
        "vollständig.",
        "en": "Generic datasets that only use-case patterns use or produce (no publisher, as "
        "there is no real project), counted apart: {covered} of {total} complete.",
    },
    "audit-coverage-missing": {
        "de": "es fehlt {fields}",
        "en": "missing {fields}",
    },
    "audit-summary": {
        "de": "{unsourced} ohne Quelle, {place} unvollständige Orte, {short-text} zu kurze "
        "Texte, {assessed-flow} eingeschätzte Datenflüsse.",
        "en": "{unsourced} without source, {place} incomplete places, {short-text} short "
        "texts, {assessed-flow} assessed flows.",
    },
    "account-exists": {
        "de": "Das Konto '{name}' gibt es schon.",
        "en": "The account '{name}' already exists.",
    },
    "account-missing": {
        "de": "Ein Konto '{name}' gibt es nicht.",
        "en": "There is no account '{name}'.",
    },
    "account-bad-name": {
        "de": "'{name}' taugt nicht als Kontoname: erlaubt sind 1 bis 64 Buchstaben (a–z, A–Z), "
        "Ziffern, Punkt, Binde- und Unterstrich, am Anfang ein Buchstabe oder eine Ziffer.",
        "en": "'{name}' cannot be an account name: use 1 to 64 letters (a–z, A–Z), digits, "
        "dots, hyphens and underscores, starting with a letter or a digit.",
    },
    "account-bad-role": {
        "de": "Die Rolle '{role}' gibt es nicht. Möglich sind: {roles}.",
        "en": "There is no role '{role}'. Choose one of: {roles}.",
    },
    "password-short": {
        "de": "Das Passwort ist zu kurz: Es muss mindestens {length} Zeichen lang sein.",
        "en": "The password is too short: it needs at least {length} characters.",
    },
    "password-mismatch": {
        "de": "Die beiden Eingaben stimmen nicht überein. Nichts wurde geändert.",
        "en": "The two entries differ. Nothing was changed.",
    },
    "password-prompt": {"de": "Passwort für {name}: ", "en": "Password for {name}: "},
    "password-again": {"de": "Passwort wiederholen: ", "en": "Password again: "},
    "user-added": {
        "de": "Konto '{name}' mit der Rolle {role} angelegt.",
        "en": "Account '{name}' created with the role {role}.",
    },
    "user-removed": {"de": "Konto '{name}' entfernt.", "en": "Account '{name}' removed."},
    "user-password-set": {
        "de": "Neues Passwort für '{name}' gespeichert.",
        "en": "New password for '{name}' saved.",
    },
    "user-role-set": {
        "de": "'{name}' hat jetzt die Rolle {role}.",
        "en": "'{name}' now has the role {role}.",
    },
    "user-none": {
        "de": "Noch kein Konto. Legen Sie eines an: kg user add NAME --role admin",
        "en": "No account yet. Create one: kg user add NAME --role admin",
    },
    "role-needed": {
        "de": "Dafür braucht es die Rolle {role}; '{name}' hat die Rolle {has}.",
        "en": "This needs the role {role}; '{name}' has the role {has}.",
    },
    "own-proposal": {
        "de": "Den eigenen Vorschlag Nr. {id} kann '{name}' nicht selbst prüfen: Das muss "
        "jemand anderes tun.",
        "en": "'{name}' cannot review their own proposal #{id}: someone else must.",
    },
    "not-proposal-author": {
        "de": "Nur '{author}', wer Vorschlag Nr. {id} angelegt hat, kann ihn ändern.",
        "en": "Only '{author}', who made proposal #{id}, can change it.",
    },
    "proposal-status": {
        "de": "Vorschlag Nr. {id} ist im Zustand '{status}'; das geht nur im Zustand {allowed}.",
        "en": "Proposal #{id} is '{status}'; this is only possible when it is {allowed}.",
    },
    "proposal-missing": {
        "de": "Einen Vorschlag Nr. {id} gibt es nicht.",
        "en": "There is no proposal #{id}.",
    },
    "proposal-bad-action": {
        "de": "Unbekannte Aktion '{action}': möglich sind create, edit und delete.",
        "en": "Unknown action '{action}': use create, edit or delete.",
    },
    "proposal-bad-entity": {
        "de": "'{entity}' ist keine Kennung der Form art/name (z. B. usecase/mein-fall).",
        "en": "'{entity}' is not an identifier of the form kind/name (e.g. usecase/my-case).",
    },
    "proposal-bad-path": {
        "de": "'{path}' ist keine kuratierte Datei: Vorschläge ändern nur sichtbare Dateien "
        "unter usecases/ (.yaml, .yml, .jsonld, .ttl, .rdf).",
        "en": "'{path}' is not a curated file: proposals only change visible files under "
        "usecases/ (.yaml, .yml, .jsonld, .ttl, .rdf).",
    },
    "proposal-no-files": {
        "de": "Der Vorschlag ändert keine Datei.",
        "en": "The proposal changes no file.",
    },
    "proposal-comment-empty": {
        "de": "Schreiben Sie, was geändert werden soll.",
        "en": "Write what should be changed.",
    },
    "proposal-conflict": {
        "de": "Vorschlag Nr. {id} von '{author}' ändert schon {what}. Warten Sie, bis er "
        "veröffentlicht oder zurückgezogen ist, oder sprechen Sie sich ab.",
        "en": "Proposal #{id} by '{author}' already changes {what}. Wait until it is published "
        "or withdrawn, or talk to its author.",
    },
    "file-changed": {
        "de": "Seit dem Vorschlag wurde geändert: {paths}. Nichts wurde geschrieben; legen Sie "
        "den Vorschlag auf dem heutigen Stand neu an.",
        "en": "Changed since the proposal was made: {paths}. Nothing was written; make the "
        "proposal again from the current state.",
    },
    "not-a-git-project": {
        "de": "Der Projektordner {project} ist kein Git-Arbeitsverzeichnis: Veröffentlichen "
        "braucht Git, damit jede Änderung mit Autor und Prüfer nachvollziehbar bleibt "
        "(git init; git add -A; git commit).",
        "en": "The project folder {project} is not a git work tree: publishing needs git so "
        "that every change keeps its author and reviewer (git init; git add -A; git commit).",
    },
    "git-failed": {
        "de": "git {command} ist fehlgeschlagen: {error}",
        "en": "git {command} failed: {error}",
    },
    "publish-restored": {
        "de": "Die geänderten Dateien sind wiederhergestellt; nichts wurde veröffentlicht.",
        "en": "The changed files are restored; nothing was published.",
    },
    "revert-changed": {
        "de": "Commit {commit} lässt sich nicht zurücknehmen: {paths} wurde seither erneut "
        "geändert. Nehmen Sie die späteren Änderungen zuerst zurück.",
        "en": "Commit {commit} cannot be reverted: {paths} changed again since. Revert the "
        "later changes first.",
    },
    "revert-unknown": {
        "de": "'{commit}' ist kein Commit dieses Projekts, der kuratierte Dateien ändert.",
        "en": "'{commit}' is not a commit of this project that changes curated files.",
    },
}


def message(code: str, **params: object) -> dict[str, str]:
    """The message ``code`` in both languages, with ``params`` filled in.

    >>> message("did-you-mean", name="sectors")["en"]
    " Did you mean 'sectors'?"
    """
    templates = MESSAGES[code]
    return {
        lang: text.format(**{k: _in(v, lang) for k, v in params.items()})
        for lang, text in templates.items()
    }


def _in(value: object, lang: str) -> object:
    """A parameter that is itself bilingual (a dict by language) in ``lang``."""
    if isinstance(value, dict) and lang in value:
        return value[lang]
    return value


#: Singular and plural of the nouns that counts are given in.
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "violation": {"de": ("Verstoß", "Verstöße"), "en": ("violation", "violations")},
    "warning": {"de": ("Warnung", "Warnungen"), "en": ("warning", "warnings")},
    "file": {"de": ("Datei", "Dateien"), "en": ("file", "files")},
    "other-file": {
        "de": ("weiteren Datei", "weiteren Dateien"),
        "en": ("other file", "other files"),
    },
}


def counted(n: int, noun: str) -> dict[str, str]:
    """``n`` and the noun in the number it needs, in both languages.

    >>> counted(1, "violation")["de"], counted(2, "violation")["en"]
    ('1 Verstoß', '2 violations')
    """
    return {lang: f"{n} {forms[0] if n == 1 else forms[1]}" for lang, forms in NOUNS[noun].items()}
